/* SPDX-License-Identifier: ISC */
/*
 * health.c - the verdict of `openclaw models status --check` over one
 * agent's store, the environment and the config.
 *
 * OpenClaw 2026.3.24 (buildAuthHealthSummary, modelsStatusCommand) judges:
 *   - every token/oauth profile by its "expires" (api keys never expire);
 *   - every provider used by the default, fallback and image models: it
 *     needs a profile (of any type and state), an environment key from the
 *     provider's fixed variable list, or models.providers.<id>.apiKey;
 *     with no model configured the built-in default anthropic/claude-opus-4-6
 *     is in use, which is why an empty home is not OK.
 * Exit 1 when a token/oauth profile is expired or missing, or a provider in
 * use has no credential; else 2 when one expires within the window; else 0.
 * The per-type rules are spelled out at profile_health() below; every one of
 * them was checked against the real release (tests/0290-oc-check-peer.t).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "oc.h"

#define DEFAULT_PROVIDER "anthropic"
#define DEFAULT_MODEL "claude-opus-4-6"

const char *
oc_hstatus_name(enum oc_hstatus s)
{
	switch (s) {
	case OC_HS_OK:
		return "ok";
	case OC_HS_STATIC:
		return "static";
	case OC_HS_EXPIRING:
		return "expiring";
	case OC_HS_EXPIRED:
		return "expired";
	case OC_HS_MISSING:
		return "missing";
	case OC_HS_IGNORED:
		return "ignored";
	}
	return "unknown";
}

const char *
oc_verdict_name(enum oc_verdict v)
{
	switch (v) {
	case OC_V_OK:
		return "OK";
	case OC_V_EXPIRING:
		return "EXPIRING";
	case OC_V_EXPIRED:
		return "EXPIRED";
	case OC_V_MISSING:
		return "MISSING";
	}
	return "UNKNOWN";
}

/* ---- secrets ---- */

/*
 * OpenClaw's normalizeSecretInput decides whether a value counts: line
 * breaks are removed, code points above U+00FF dropped, the rest trimmed.
 * A value counts when something other than whitespace remains.
 */
int
oc_health_secret_present(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL)
		return 0;
	while (*p) {
		if (*p < 0x80) {
			if (!isspace(*p))
				return 1;
			p++;
		} else if ((*p == 0xc2 || *p == 0xc3) && (p[1] & 0xc0) == 0x80) {
			/* U+0080..U+00FF; U+00A0 is whitespace to JS trim */
			if (!(*p == 0xc2 && p[1] == 0xa0) &&
			    !(*p == 0xc2 && p[1] == 0x85))
				return 1;
			p += 2;
		} else
			p++;	/* dropped: above U+00FF or stray bytes */
	}
	return 0;
}

/* The variable holding the provider's env key, as the gateway reads it
 * (oc_envkeys_gateway: resolveEnvApiKey's fixed list, first non-empty),
 * or NULL; owned. A provider whose only key sits in a rotation variable
 * (ANTHROPIC_API_KEY_1, OPENAI_API_KEYS) has none: the gateway does not
 * fall back to those. */
static char *
envkey_var_dup(const char *provider)
{
	struct oc_envkey k;
	char *var;

	if (!oc_envkeys_gateway(provider, &k))
		return NULL;
	var = k.var;
	oc_free_secret(k.value);
	return var;
}

/* ---- config: providers and the models in use ---- */

/* models.providers.<id> by exact key, else by normalised key
 * (resolveProviderConfig). */
json_object *
oc_health_provider_config(json_object *config, const char *provider)
{
	json_object *ps = oc_json_get_obj(oc_json_get_obj(config, "models"),
	    "providers"), *direct;

	if (ps == NULL)
		return NULL;
	if ((direct = oc_json_get_obj(ps, provider)) != NULL)
		return direct;
	{
		json_object_object_foreach(ps, k, v) {
			char *n = oc_provider_auth_dup(k);
			int m = strcmp(n, provider) == 0;

			free(n);
			if (m && json_object_is_type(v, json_type_object))
				return v;
		}
	}
	return NULL;
}

/* A config apiKey counts when it is a non-empty string (OpenClaw's
 * getCustomProviderApiKey) or a SecretRef object. */
static int
config_has_key(json_object *config, const char *provider)
{
	json_object *pc = oc_health_provider_config(config, provider);
	json_object *k = oc_json_get(pc, "apiKey");

	if (k == NULL)
		return 0;
	if (json_object_is_type(k, json_type_string))
		return oc_health_secret_present(json_object_get_string(k));
	return oc_health_secret_ref_valid(k);
}

/* resolveAgentModelPrimaryValue: a string, or {primary}. */
static const char *
model_primary(json_object *m)
{
	const char *s;

	if (m == NULL)
		return NULL;
	if (json_object_is_type(m, json_type_string))
		s = json_object_get_string(m);
	else
		s = oc_json_get_str(m, "primary");
	if (s == NULL)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	return *s ? s : NULL;
}

static json_object *
model_fallbacks(json_object *m)
{
	json_object *f = oc_json_get(m, "fallbacks");

	if (m == NULL || !json_object_is_type(m, json_type_object) ||
	    f == NULL || !json_object_is_type(f, json_type_array))
		return NULL;
	return f;
}

static json_object *
agent_entry(json_object *config, const char *agent_id)
{
	json_object *list = oc_json_get(oc_json_get_obj(config, "agents"),
	    "list");
	size_t i, n;

	if (agent_id == NULL || list == NULL ||
	    !json_object_is_type(list, json_type_array))
		return NULL;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(list, i);
		const char *id = oc_json_get_str(e, "id");
		char *t, *q;
		int m;

		if (id == NULL)
			continue;
		/* agent ids compare trimmed and case-insensitively */
		while (isspace((unsigned char)*id))
			id++;
		t = oc_xstrdup(id);
		for (q = t + strlen(t); q > t && isspace((unsigned char)q[-1]);)
			*--q = '\0';
		for (q = t; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		m = strcmp(t, agent_id) == 0;
		free(t);
		if (m)
			return e;
	}
	return NULL;
}

/*
 * parseModelRef(raw, "anthropic"): trimmed; no "/" means the default
 * provider; an empty side means no ref. Returns the normalised provider.
 */
static char *
model_provider_dup(const char *raw)
{
	const char *s = raw, *slash, *e;
	char *prov, *n;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return NULL;
	if ((slash = strchr(s, '/')) == NULL)
		return oc_xstrdup(DEFAULT_PROVIDER);
	for (e = slash + 1; isspace((unsigned char)*e); e++)
		;
	if (*e == '\0')
		return NULL;
	prov = oc_xstrndup(s, (size_t)(slash - s));
	n = oc_provider_norm_dup(prov);
	free(prov);
	if (*n == '\0') {
		free(n);
		return NULL;
	}
	return n;
}

static void
add_model(struct oc_health *h, const char *raw, const char *role)
{
	char *p;

	if (raw == NULL || (p = model_provider_dup(raw)) == NULL)
		return;
	h->models = oc_xrealloc(h->models, (h->nmodels + 1) *
	    sizeof *h->models);
	h->models[h->nmodels].ref = oc_xstrdup(raw);
	h->models[h->nmodels].role = role;
	h->models[h->nmodels].provider = p;
	h->nmodels++;
}

/*
 * The models whose providers must have a credential: the agent's own
 * model (agents.list[].model) over agents.defaults.model, its fallbacks
 * (the agent's when it sets "fallbacks"), and agents.defaults.imageModel
 * with its fallbacks. With no primary model, OpenClaw's built-in default
 * applies, unless models.providers lacks "anthropic" and names a provider
 * with a model, which then becomes the default (resolveConfiguredModelRef).
 */
static void
collect_models(struct oc_health *h, json_object *config, const char *agent_id)
{
	json_object *defaults = oc_json_get_obj(oc_json_get_obj(config,
	    "agents"), "defaults");
	json_object *dmodel = oc_json_get(defaults, "model");
	json_object *amodel = oc_json_get(agent_entry(config, agent_id),
	    "model");
	json_object *img = oc_json_get(defaults, "imageModel");
	json_object *fb = NULL;
	const char *primary;
	size_t i, n;

	primary = model_primary(amodel);
	if (primary == NULL)
		primary = model_primary(dmodel);
	if (primary != NULL)
		add_model(h, primary, "default");
	else {
		json_object *ps = oc_json_get_obj(oc_json_get_obj(config,
		    "models"), "providers");
		char *ref = NULL;

		if (ps != NULL && oc_json_get(ps, DEFAULT_PROVIDER) == NULL) {
			json_object_object_foreach(ps, k, v) {
				json_object *ms = oc_json_get(v, "models");
				const char *mid;

				if (ms == NULL ||
				    !json_object_is_type(ms, json_type_array) ||
				    json_object_array_length(ms) == 0)
					continue;
				mid = oc_json_get_str(
				    json_object_array_get_idx(ms, 0), "id");
				if (mid == NULL || *mid == '\0')
					continue;
				ref = oc_xasprintf("%s/%s", k, mid);
				break;
			}
		}
		if (ref == NULL)
			ref = oc_xstrdup(DEFAULT_PROVIDER "/" DEFAULT_MODEL);
		add_model(h, ref, "default (built-in)");
		free(ref);
	}
	if (amodel != NULL && json_object_is_type(amodel, json_type_object) &&
	    oc_json_get(amodel, "fallbacks") != NULL)
		fb = model_fallbacks(amodel);
	else
		fb = model_fallbacks(dmodel);
	n = fb ? json_object_array_length(fb) : 0;
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(fb, i);

		if (json_object_is_type(e, json_type_string))
			add_model(h, json_object_get_string(e), "fallback");
	}
	add_model(h, model_primary(img), "image");
	fb = model_fallbacks(img);
	n = fb ? json_object_array_length(fb) : 0;
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(fb, i);

		if (json_object_is_type(e, json_type_string))
			add_model(h, json_object_get_string(e),
			    "image fallback");
	}
}

/* ---- profiles ---- */

/* coerceSecretRef: {source,provider,id} with exactly those keys, the
 * legacy {source,id}, or a "${VAR}" string. */
int
oc_health_secret_ref_valid(json_object *r)
{
	const char *src, *id, *p;

	if (r == NULL)
		return 0;
	if (json_object_is_type(r, json_type_string)) {
		const char *s = json_object_get_string(r);
		size_t n;

		while (isspace((unsigned char)*s))
			s++;
		n = strlen(s);
		while (n > 0 && isspace((unsigned char)s[n - 1]))
			n--;
		if (n < 4 || strncmp(s, "${", 2) != 0 || s[n - 1] != '}' ||
		    n - 3 > 128 || !isupper((unsigned char)s[2]))
			return 0;
		for (p = s + 2; p < s + n - 1; p++)
			if (!isupper((unsigned char)*p) &&
			    !isdigit((unsigned char)*p) && *p != '_')
				return 0;
		return 1;
	}
	if (!json_object_is_type(r, json_type_object))
		return 0;
	src = oc_json_get_str(r, "source");
	id = oc_json_get_str(r, "id");
	if (src == NULL || (strcmp(src, "env") != 0 &&
	    strcmp(src, "file") != 0 && strcmp(src, "exec") != 0))
		return 0;
	if (id == NULL || !oc_health_secret_present(id))
		return 0;
	if (oc_json_get(r, "provider") == NULL)
		return 1;	/* legacy: the default provider */
	p = oc_json_get_str(r, "provider");
	return json_object_object_length(r) == 3 && p != NULL &&
	    oc_health_secret_present(p);
}

/* A string span that counts as a secret (normalizeSecretInput leaves
 * something); decoded only when it has escapes. */
static int
span_secret_present(struct oc_jval v)
{
	char small[256], *buf;
	int r;

	if (oc_jval_type(v) != OC_JT_STRING)
		return 0;
	if (v.n - 2 < sizeof small && memchr(v.p, '\\', v.n) == NULL) {
		memcpy(small, v.p + 1, v.n - 2);
		small[v.n - 2] = '\0';
		r = oc_health_secret_present(small);
		oc_wipe(small, v.n - 2);
		return r;
	}
	buf = oc_jstr_dup(v);
	r = oc_health_secret_present(buf);
	oc_free_secret(buf);
	return r;
}

/* A SecretRef member (rare: parsed with json-c when present). */
static int
span_ref_valid(struct oc_jval v)
{
	json_object *o = NULL;
	struct oc_err err;
	int r;

	if (v.p == NULL)
		return 0;
	if (oc_json_parse("ref", v.p, v.n, &o, &err) == -1)
		return 0;
	r = oc_health_secret_ref_valid(o);
	json_object_put(o);
	return r;
}

static void
set_expiry(struct oc_hprofile *hp, double e, int64_t now)
{
	hp->has_expiry = 1;
	hp->expires_at = e >= 9.2e18 ? INT64_MAX : (int64_t)e;
	hp->remaining_ms = hp->expires_at - now;
}

/* The members of a profile oc-check looks at; the last of duplicate keys
 * wins, as in JSON.parse. */
struct pfields {
	struct oc_jval type, mode, provider, token, token_ref, refresh,
	    expires, email, display;
	int has_type, has_expires;
};

static void
pfields_read(struct oc_jval obj, struct pfields *f)
{
	struct oc_jiter it;
	struct oc_jval k, v;

	memset(f, 0, sizeof *f);
	oc_jiter_init(&it, obj);
	while (oc_jiter_next(&it, &k, &v)) {
		/* dispatch on the first letter before comparing */
		switch (k.n > 1 ? k.p[1] : 0) {
		case 't':
			if (oc_jstr_eq(k, "type")) {
				f->type = v;
				f->has_type = 1;
			} else if (oc_jstr_eq(k, "token"))
				f->token = v;
			else if (oc_jstr_eq(k, "tokenRef"))
				f->token_ref = v;
			break;
		case 'm':
			if (oc_jstr_eq(k, "mode"))
				f->mode = v;
			break;
		case 'p':
			if (oc_jstr_eq(k, "provider"))
				f->provider = v;
			break;
		case 'r':
			if (oc_jstr_eq(k, "refresh"))
				f->refresh = v;
			break;
		case 'e':
			if (oc_jstr_eq(k, "expires")) {
				f->expires = v;
				f->has_expires = 1;
			} else if (oc_jstr_eq(k, "email"))
				f->email = v;
			break;
		case 'd':
			if (oc_jstr_eq(k, "displayName"))
				f->display = v;
			break;
		case '\\':
			/* an escaped key: compare decoded, the slow way */
			if (oc_jstr_eq(k, "type")) {
				f->type = v;
				f->has_type = 1;
			} else if (oc_jstr_eq(k, "token"))
				f->token = v;
			else if (oc_jstr_eq(k, "tokenRef"))
				f->token_ref = v;
			else if (oc_jstr_eq(k, "mode"))
				f->mode = v;
			else if (oc_jstr_eq(k, "provider"))
				f->provider = v;
			else if (oc_jstr_eq(k, "refresh"))
				f->refresh = v;
			else if (oc_jstr_eq(k, "expires")) {
				f->expires = v;
				f->has_expires = 1;
			} else if (oc_jstr_eq(k, "email"))
				f->email = v;
			else if (oc_jstr_eq(k, "displayName"))
				f->display = v;
			break;
		}
	}
}

/*
 * One profile, as buildProfileHealth + evaluateStoredCredentialEligibility:
 *  - an entry that is not an object, whose type (or legacy "mode") is not
 *    api_key/token/oauth, or that has no provider is dropped by OpenClaw's
 *    loader: "ignored" here, it counts for nothing;
 *  - api_key: static, whatever its key;
 *  - token: no token and no usable tokenRef -> missing (missing_credential);
 *    no "expires" member -> static; "expires" not a positive finite number
 *    (null and numeric strings included) -> missing (invalid_expires);
 *    now >= expires -> expired; within the window -> expiring; else ok;
 *  - oauth: "expires" absent or not a positive finite number -> missing,
 *    even with a refresh token; then expired / expiring / ok by time left,
 *    except that a non-empty refresh token turns expired and expiring into
 *    ok (refreshable). The access token itself is not looked at.
 */
static void
profile_health(struct oc_hprofile *hp, struct oc_jval key, struct oc_jval p,
    int64_t now, int64_t warn)
{
	struct pfields f;
	struct oc_jval tv;
	char *type;
	double e;
	int number;

	memset(hp, 0, sizeof *hp);
	hp->id = oc_jstr_dup(key);
	hp->raw = p;
	hp->type = "-";
	if (oc_jval_type(p) != OC_JT_OBJECT) {
		hp->status = OC_HS_IGNORED;
		hp->reason = "non_object";
		return;
	}
	pfields_read(p, &f);
	/* "mode" stands in only when there is no "type" member at all */
	tv = f.has_type ? f.type : f.mode;
	if (oc_jstr_eq(tv, "api_key"))
		hp->ctype = OC_CT_API_KEY;
	else if (oc_jstr_eq(tv, "token"))
		hp->ctype = OC_CT_TOKEN;
	else if (oc_jstr_eq(tv, "oauth"))
		hp->ctype = OC_CT_OAUTH;
	else {
		hp->status = OC_HS_IGNORED;
		hp->reason = "invalid_type";
		if ((type = oc_jstr_dup(tv)) != NULL)
			hp->type = hp->type_raw = type;
		return;
	}
	hp->type = oc_ctype_name(hp->ctype);
	if (!span_secret_present(f.provider)) {
		hp->status = OC_HS_IGNORED;
		hp->reason = "missing_provider";
		return;
	}
	{
		char *raw = oc_jstr_dup(f.provider);

		hp->provider = oc_provider_auth_dup(raw);
		free(raw);
	}
	hp->label = oc_jstr_dup(f.email);
	if (hp->label == NULL)
		hp->label = oc_jstr_dup(f.display);
	number = oc_jnum(f.expires, &e);

	switch (hp->ctype) {
	case OC_CT_API_KEY:
		hp->status = OC_HS_STATIC;
		return;
	case OC_CT_TOKEN:
		if (!span_secret_present(f.token) &&
		    !span_ref_valid(f.token_ref)) {
			hp->status = OC_HS_MISSING;
			hp->reason = "missing_credential";
			return;
		}
		if (!f.has_expires) {
			hp->status = OC_HS_STATIC;
			return;
		}
		if (!number || !isfinite(e) || e <= 0) {
			hp->status = OC_HS_MISSING;
			hp->reason = "invalid_expires";
			return;
		}
		set_expiry(hp, e, now);
		if ((double)now >= e) {
			hp->status = OC_HS_EXPIRED;
			hp->reason = "expired";
		} else
			hp->status = hp->remaining_ms <= warn ?
			    OC_HS_EXPIRING : OC_HS_OK;
		return;
	default: {
		/* a refresh token counts untrimmed: " " is one */
		int refresh = oc_jval_type(f.refresh) == OC_JT_STRING &&
		    f.refresh.n > 2;

		if (!number || !isfinite(e) || e <= 0) {
			hp->status = OC_HS_MISSING;
			hp->reason = "invalid_expires";
			return;
		}
		set_expiry(hp, e, now);
		if (hp->remaining_ms <= 0) {
			hp->status = OC_HS_EXPIRED;
			hp->reason = "expired";
		} else if (hp->remaining_ms <= warn)
			hp->status = OC_HS_EXPIRING;
		else
			hp->status = OC_HS_OK;
		if (refresh && (hp->status == OC_HS_EXPIRED ||
		    hp->status == OC_HS_EXPIRING)) {
			hp->refreshable = 1;
			hp->status = OC_HS_OK;
			hp->reason = NULL;
		}
		return;
	}
	}
}

static int
cmp_profile(const void *a, const void *b)
{
	const struct oc_hprofile *x = a, *y = b;
	int c;

	/* ignored entries last, then by provider and id, as OpenClaw */
	if ((x->status == OC_HS_IGNORED) != (y->status == OC_HS_IGNORED))
		return x->status == OC_HS_IGNORED ? 1 : -1;
	c = strcmp(x->provider ? x->provider : "", y->provider ?
	    y->provider : "");
	return c != 0 ? c : strcmp(x->id, y->id);
}

static int
cmp_provider(const void *a, const void *b)
{
	const struct oc_hprovider *x = a, *y = b;

	return strcmp(x->id, y->id);
}

static struct oc_hprovider *
provider_get(struct oc_health *h, const char *id, size_t *cap)
{
	size_t i;

	/* a linear scan: stores have a handful of providers, not thousands
	 * (a sorted index would only pay off well past 100) */
	for (i = 0; i < h->nprov; i++)
		if (strcmp(h->prov[i].id, id) == 0)
			return &h->prov[i];
	if (h->nprov == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		h->prov = oc_xrealloc(h->prov, *cap * sizeof *h->prov);
	}
	memset(&h->prov[h->nprov], 0, sizeof h->prov[h->nprov]);
	h->prov[h->nprov].id = oc_xstrdup(id);
	h->prov[h->nprov].status = OC_HS_MISSING;
	return &h->prov[h->nprov++];
}

/* Providers whose env keys `models status` lists even when nothing else
 * mentions them. */
static const char *const env_scan[] = { "anthropic", "github-copilot",
	"google-vertex", "openai", "google", "groq", "cerebras", "xai",
	"openrouter", "zai", "mistral", "synthetic" };

/* By id, and for equal ids the later one first, so duplicates (the last
 * one counts, as in JSON.parse) sit together with the winner in front. */
static int
cmp_id(const void *a, const void *b)
{
	const struct oc_hprofile *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c != 0)
		return c;
	if (x->from_main != y->from_main)
		return x->from_main ? 1 : -1;	/* the agent's own wins */
	return x->raw.p < y->raw.p ? 1 : -1;
}

static void
hprofile_free(struct oc_hprofile *hp)
{
	free(hp->id);
	free(hp->provider);
	free(hp->type_raw);
	free(hp->label);
}

static void
add_profiles(struct oc_health *h, struct oc_jval profiles, int from_main,
    size_t *cap)
{
	struct oc_jiter it;
	struct oc_jval k, v;

	oc_jiter_init(&it, profiles);
	while (oc_jiter_next(&it, &k, &v)) {
		if (h->np == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			h->p = oc_xrealloc(h->p, *cap * sizeof *h->p);
		}
		profile_health(&h->p[h->np], k, v, h->now, h->warn_ms);
		h->p[h->np].from_main = from_main;
		h->np++;
	}
}

/* Drop the losers among profiles with the same id. */
static void
dedupe(struct oc_health *h)
{
	size_t i, w = 0;

	if (h->np < 2)
		return;
	qsort(h->p, h->np, sizeof *h->p, cmp_id);
	for (i = 0; i < h->np; i++) {
		if (w > 0 && strcmp(h->p[w - 1].id, h->p[i].id) == 0) {
			hprofile_free(&h->p[i]);
			continue;
		}
		h->p[w++] = h->p[i];
	}
	h->np = w;
}

/* The routing "order" map of a store text, or of auth-state.json, which
 * wins when it exists (the later layout). */
static json_object *
order_map(struct oc_jval root, const char *state_path)
{
	struct oc_jval v;
	json_object *o = NULL, *st = NULL, *r = NULL;
	struct oc_err err;
	char *text;
	size_t len;

	if (oc_file_read(state_path, 16u << 20, &text, &len, &err) == 0) {
		if (oc_json_parse(state_path, text, len, &st, &err) == 0 &&
		    (r = oc_json_get_obj(st, "order")) != NULL)
			r = json_object_get(r);
		if (st != NULL)
			oc_json_wipe_put(st);
		oc_free_secret(text);
		if (r != NULL)
			return r;
	}
	if (oc_jobj_get(root, "order", &v) && oc_jval_type(v) ==
	    OC_JT_OBJECT && oc_json_parse("order", v.p, v.n, &o, &err) == 0)
		return o;
	return NULL;
}

/* What identifies one version of a file. */
/* The check for oc_file_read_settled: a JSON object; *arg spans it. */
static int
scan_object(const char *path, const char *text, size_t len, void *arg,
    struct oc_err *err)
{
	struct oc_jval *root = arg;

	if (memchr(text, '\0', len) != NULL) {
		oc_err_set(err, OC_EX_DATAERR, "%s: contains a NUL byte", path);
		return -1;
	}
	if (oc_jscan_check(path, text, len, root, err) == -1)
		return -1;
	if (oc_jval_type(*root) != OC_JT_OBJECT) {
		oc_err_set(err, OC_EX_DATAERR, "%s: not a JSON object", path);
		return -1;
	}
	return 0;
}

/*
 * Read one store: a missing file is an empty store; one that is not JSON,
 * not an object, or whose "profiles" is not an object is OC_EX_DATAERR,
 * with the file and position. A store OpenClaw is rewriting in place is
 * waited for (oc_file_read_settled).
 */
static int
read_store(struct oc_health *h, int slot, const char *dir, struct oc_err *err)
{
	char *path = oc_xasprintf("%s/auth-profiles.json", dir);
	char *state = oc_xasprintf("%s/auth-state.json", dir);
	struct oc_jval root, profiles;
	int rc = -1, x = 0;

	if (oc_file_read_settled(path, 64u << 20, scan_object, &root,
	    &h->text[slot], &h->textlen[slot], err) == -1) {
		h->text[slot] = NULL;
		if (errno != ENOENT)
			goto out;
		oc_err_clear(err);
		x = 1;
	} else
		h->exists[slot] = 1;
	if (x == 1) {
		rc = 0;		/* no store */
		goto out;
	}
	if (oc_jobj_get(root, "profiles", &profiles)) {
		if (oc_jval_type(profiles) != OC_JT_OBJECT) {
			oc_err_set(err, OC_EX_DATAERR,
			    "%s: \"profiles\" is not an object", path);
			goto out;
		}
		add_profiles(h, profiles, slot == 1, &h->pcap);
	}
	h->orders[slot] = order_map(root, state);
	rc = 0;
out:
	free(path);
	free(state);
	return rc;
}

int
oc_health_load(struct oc_health *h, const struct oc_ctx *ctx, int64_t now,
    int64_t warn_ms, struct oc_err *err)
{
	size_t vcap = 0, i, j;
	int exp_or_missing = 0, expiring = 0, expired = 0;
	char *main_dir, *var;

	memset(h, 0, sizeof *h);
	h->now = now;
	h->warn_ms = warn_ms;

	if (read_store(h, 0, ctx->paths.agent_dir, err) == -1)
		return -1;
	main_dir = oc_health_main_dir_dup(ctx);
	if (!oc_health_same_dir(main_dir, ctx->paths.agent_dir)) {
		h->main_dir = main_dir;
		if (read_store(h, 1, main_dir, err) == -1)
			return -1;
	} else
		free(main_dir);
	dedupe(h);
	if (h->np > 1)
		qsort(h->p, h->np, sizeof *h->p, cmp_profile);

	collect_models(h, ctx->config, ctx->paths.agent_id);
	/* every provider considered: store, config, models, env scan */
	for (i = 0; i < h->np; i++) {
		struct oc_hprovider *pv;

		if (h->p[i].status == OC_HS_IGNORED)
			continue;
		pv = provider_get(h, h->p[i].provider, &vcap);
		pv->nprofiles++;
		switch (h->p[i].status) {
		case OC_HS_EXPIRED:
		case OC_HS_MISSING:
			pv->status = OC_HS_EXPIRED;
			break;
		case OC_HS_EXPIRING:
			if (pv->status != OC_HS_EXPIRED)
				pv->status = OC_HS_EXPIRING;
			break;
		case OC_HS_OK:
			if (pv->status == OC_HS_MISSING ||
			    pv->status == OC_HS_STATIC)
				pv->status = OC_HS_OK;
			break;
		default:
			if (pv->status == OC_HS_MISSING)
				pv->status = OC_HS_STATIC;
			break;
		}
	}
	{
		json_object *ps = oc_json_get_obj(oc_json_get_obj(ctx->config,
		    "models"), "providers");

		if (ps != NULL) {
			json_object_object_foreach(ps, k, v) {
				char *n = oc_provider_auth_dup(k);

				(void)v;
				if (*n != '\0')
					(void)provider_get(h, n, &vcap);
				free(n);
			}
		}
	}
	for (i = 0; i < h->nmodels; i++) {
		struct oc_hprovider *pv = provider_get(h, h->models[i].provider,
		    &vcap);

		if (!pv->in_use) {
			pv->in_use = 1;
			pv->used_by = h->models[i].ref;
		}
	}
	for (i = 0; i < sizeof env_scan / sizeof env_scan[0]; i++)
		if ((var = envkey_var_dup(env_scan[i])) != NULL) {
			(void)provider_get(h, env_scan[i], &vcap);
			free(var);
		}
	for (i = 0; i < h->nprov; i++) {
		struct oc_hprovider *pv = &h->prov[i];

		pv->env_var = envkey_var_dup(pv->id);
		pv->config_key = config_has_key(ctx->config, pv->id);
		pv->missing = pv->in_use && pv->nprofiles == 0 &&
		    pv->env_var == NULL && !pv->config_key;
		if (pv->nprofiles == 0 && (pv->env_var || pv->config_key))
			pv->status = OC_HS_STATIC;
	}
	if (h->nprov > 1) {
		/* used_by points into h->models: sorting moves only the
		 * provider records */
		qsort(h->prov, h->nprov, sizeof *h->prov, cmp_provider);
	}

	for (i = 0; i < h->np; i++) {
		const struct oc_hprofile *hp = &h->p[i];

		if (hp->ctype != OC_CT_TOKEN && hp->ctype != OC_CT_OAUTH)
			continue;
		if (hp->status == OC_HS_IGNORED)
			continue;
		if (hp->status == OC_HS_EXPIRED) {
			exp_or_missing = expired = 1;
			h->nexpired++;
		} else if (hp->status == OC_HS_MISSING) {
			exp_or_missing = 1;
			h->nmissing++;
		} else if (hp->status == OC_HS_EXPIRING) {
			expiring = 1;
			h->nexpiring++;
		}
	}
	for (j = 0; j < h->nprov; j++)
		if (h->prov[j].missing) {
			exp_or_missing = 1;
			h->nmissing++;
		}
	if (exp_or_missing) {
		h->exit_code = OC_EX_NEG;
		h->verdict = expired ? OC_V_EXPIRED : OC_V_MISSING;
	} else if (expiring) {
		h->exit_code = OC_EX_EXPIRING;
		h->verdict = OC_V_EXPIRING;
	} else {
		h->exit_code = OC_EX_OK;
		h->verdict = OC_V_OK;
	}
	return 0;
}

void
oc_health_free(struct oc_health *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->np; i++)
		hprofile_free(&h->p[i]);
	free(h->p);
	for (i = 0; i < h->nprov; i++) {
		free(h->prov[i].id);
		free(h->prov[i].env_var);
	}
	free(h->prov);
	for (i = 0; i < h->nmodels; i++) {
		free(h->models[i].ref);
		free(h->models[i].provider);
	}
	free(h->models);
	for (i = 0; i < 2; i++) {
		/* the stores hold secrets */
		if (h->text[i] != NULL) {
			oc_wipe(h->text[i], h->textlen[i]);
			free(h->text[i]);
		}
		if (h->orders[i] != NULL)
			json_object_put(h->orders[i]);
	}
	free(h->main_dir);
	memset(h, 0, sizeof *h);
}

/*
 * OpenClaw's main store is OPENCLAW_AGENT_DIR, else PI_CODING_AGENT_DIR,
 * else <state>/agents/main/agent; any other agent's store is read merged
 * over it (its own profiles win per id), so an agent inherits the main
 * agent's credentials.
 */
char *
oc_health_main_dir_dup(const struct oc_ctx *ctx)
{
	const char *v;

	if ((v = getenv("OPENCLAW_AGENT_DIR")) != NULL &&
	    oc_health_secret_present(v))
		goto env;
	if ((v = getenv("PI_CODING_AGENT_DIR")) != NULL &&
	    oc_health_secret_present(v))
		goto env;
	return oc_xasprintf("%s/agents/main/agent", ctx->paths.state_dir);
env:
	while (isspace((unsigned char)*v))
		v++;
	return oc_expand_home_dup(v, ctx->paths.home);
}

int
oc_health_same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return 1;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	return 0;
}
