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
 * Each profile is judged by rules.c (oc_rules_health) over the store's
 * merged view (store.c); every rule was checked against the real release
 * (tests/0290-oc-check-peer.t).
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
oc_health_verdict_name(enum oc_verdict v)
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
	case OC_V_REJECTED:
		return "REJECTED";
	case OC_V_UNKNOWN:
		return "UNKNOWN";
	}
	return "UNKNOWN";
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
	oc_secret_free(k.value);
	return var;
}

/* ---- config: providers and the models in use ---- */

/* A config apiKey counts when it is a non-empty string (OpenClaw's
 * getCustomProviderApiKey) or a SecretRef object. */
static int
config_has_key(json_object *config, const char *provider)
{
	json_object *pc = oc_config_provider(config, provider, NULL);
	json_object *k = oc_json_get(pc, "apiKey");

	if (k == NULL)
		return 0;
	if (json_object_is_type(k, json_type_string))
		return oc_rules_secret_input(json_object_get_string(k));
	return oc_rules_secret_ref(k);
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
	json_object *amodel = oc_json_get(oc_ctx_agent_entry(config, agent_id),
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

static const struct oc_store *cur_store;	/* for profile_health */

static const char *
h_store_owner(int layer)
{
	return cur_store != NULL ? cur_store->layer[layer].owner : "agent";
}

/* One profile's health, from the store's credential and the rules. */
static void
profile_health(struct oc_hprofile *hp, const struct oc_cred *c,
    enum oc_rules rules, int64_t now, int64_t warn)
{
	struct oc_rules_health r;

	memset(hp, 0, sizeof *hp);
	oc_rules_health(c, now, warn, rules, &r);
	hp->c = c;
	hp->id = c->id;
	hp->raw = c->raw;
	hp->ctype = c->type;
	hp->status = r.status;
	hp->reason = r.reason;
	hp->has_expiry = r.has_expiry;
	hp->expires_at = r.expires_at;
	hp->remaining_ms = r.remaining_ms;
	hp->refreshable = r.refreshable;
	hp->from_main = c->layer != 0;
	hp->origin = h_store_owner(c->layer);
	hp->label = c->email != NULL ? c->email : c->display_name;
	if (c->entry == OC_CE_OK) {
		hp->provider = c->provider;
		hp->type = oc_cred_type_name(c->type);
	} else
		hp->type = c->type_raw != NULL ? c->type_raw : "-";
}

int
oc_health_scope_has(const struct oc_hscope *sc, const char *provider,
    const char *profile_id)
{
	size_t i;

	if (sc == NULL)
		return 1;
	if (sc->provider != NULL && (provider == NULL ||
	    strcmp(sc->provider, provider) != 0))
		return 0;
	if (profile_id == NULL)
		return sc->nprofiles == 0;
	for (i = 0; i < sc->nexclude; i++)
		if (strcmp(sc->exclude[i], profile_id) == 0)
			return 0;
	if (sc->nprofiles == 0)
		return 1;
	for (i = 0; i < sc->nprofiles; i++)
		if (strcmp(sc->profiles[i], profile_id) == 0)
			return 1;
	return 0;
}

int
oc_health_load(struct oc_health *h, const struct oc_ctx *ctx, int64_t now,
    int64_t warn_ms, const struct oc_hscope *scope, struct oc_err *err)
{
	size_t vcap = 0, i, j;
	int exp_or_missing = 0, expiring = 0, expired = 0;
	char *var;

	memset(h, 0, sizeof *h);
	h->now = now;
	h->warn_ms = warn_ms;
	h->scope = scope;
	if (oc_store_open(&h->store, ctx, err) == -1)
		return -1;
	h->have_store = 1;
	h->np = h->store.ncreds;
	h->p = oc_xcalloc(h->np ? h->np : 1, sizeof *h->p);
	cur_store = &h->store;
	for (i = 0; i < h->np; i++) {
		struct oc_hprofile *hp = &h->p[i];

		profile_health(hp, &h->store.creds[i], h->store.rules, now,
		    warn_ms);
		hp->out_of_scope = hp->status != OC_HS_IGNORED &&
		    !oc_health_scope_has(scope, hp->provider, hp->id);
		hp->critical = scope != NULL && scope->crit_ms > 0 &&
		    hp->status == OC_HS_EXPIRING &&
		    hp->remaining_ms <= scope->crit_ms;
	}
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
		if (hp->status == OC_HS_IGNORED || hp->out_of_scope)
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
			/* -c: as bad as expired, still called expiring */
			exp_or_missing |= hp->critical;
		}
	}
	for (j = 0; j < h->nprov; j++)
		if (h->prov[j].missing &&
		    oc_health_scope_has(scope, h->prov[j].id, NULL)) {
			exp_or_missing = 1;
			h->nmissing++;
		}
	if (exp_or_missing) {
		h->exit_code = OC_EX_NEG;
		h->verdict = expired ? OC_V_EXPIRED : h->nmissing > 0 ?
		    OC_V_MISSING : OC_V_EXPIRING;
	} else if (expiring) {
		h->exit_code = OC_EX_EXPIRING;
		h->verdict = OC_V_EXPIRING;
	} else {
		h->exit_code = OC_EX_OK;
		h->verdict = OC_V_OK;
	}
	/* 2026.6 and later judge the routes in use, not every profile */
	if (h->store.rules != OC_RULES_2026_3)
		oc_routes_judge(h, ctx);
	return 0;
}

void
oc_health_free(struct oc_health *h)
{
	size_t i;

	if (h == NULL)
		return;
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
	oc_routes_free(h);
	if (h->have_store)
		oc_store_close(&h->store);
	memset(h, 0, sizeof *h);
}
