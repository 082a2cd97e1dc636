/* SPDX-License-Identifier: ISC */
/*
 * routes.c - the verdict of `openclaw models status --check` for the
 * SQLite eras, which judge the model routes in use rather than every
 * profile.
 *
 * 2026.9.6 (era D; list.status-command.ts checkStatus, model-auth-
 * availability.ts): the routes are the default model, its fallbacks, the
 * image model and its fallbacks, and the utility model. For each route one
 * credential is selected (the first usable profile in the auth order for
 * that model, cooled-down ones skipped; else the provider's config key or
 * environment key) and its availability is true, false or undefined
 * ("indeterminate": an oauth access token that needs a refresh, an env
 * SecretRef whose variable is unset, a file or exec SecretRef, a provider
 * with no evidence at all). Exit 1 when a route is missing or
 * indeterminate, or an openai default/fallback runs on the codex runtime no
 * stock plugin provides; 2 when a selected profile expires within the
 * window; else 0.
 *
 * 2026.7.35 (era C): the providers of the default, fallback and image
 * routes are judged by the rollup of the profiles in their auth order
 * (expired > missing > expiring > ok), unless an environment or config key
 * covers them; cooldowns do not count.
 *
 * What these releases look at and a file cannot show (an installed plugin
 * that provides the codex runtime, plugin-owned synthetic auth, the model
 * catalog's route facts) is listed in oc-check(1), DIFFERENCES.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oc.h"

enum avail { AV_FALSE = 0, AV_TRUE = 1, AV_UNDEF = -1 };

/* ---- the environment keys 2026.9.6 counts (provider-env-vars.ts: the
 * bundled plugin manifests' setup.providers[].envVars, then the core
 * table) ---- */
static const struct {
	const char *provider;
	const char *vars[4];
} env9[] = {
	{ "anthropic", { "ANTHROPIC_OAUTH_TOKEN", "ANTHROPIC_API_KEY" } },
	{ "openai", { "CODEX_API_KEY", "OPENAI_API_KEY" } },
	{ "voyage", { "VOYAGE_API_KEY" } },
	{ "cerebras", { "CEREBRAS_API_KEY" } },
	{ "anthropic-openai", { "ANTHROPIC_API_KEY" } },
	{ "qwen-dashscope", { "DASHSCOPE_API_KEY" } },
	{ "alibaba", { "MODELSTUDIO_API_KEY", "DASHSCOPE_API_KEY",
	    "QWEN_API_KEY" } },
	{ "clawrouter", { "CLAWROUTER_API_KEY" } },
	{ "fal", { "FAL_KEY", "FAL_API_KEY" } },
	{ "github-copilot", { "COPILOT_GITHUB_TOKEN" } },
	{ "google", { "GEMINI_API_KEY", "GOOGLE_API_KEY" } },
	{ "google-vertex", { "GOOGLE_CLOUD_API_KEY" } },
	{ "huggingface", { "HUGGINGFACE_HUB_TOKEN", "HF_TOKEN" } },
	{ "litellm", { "LITELLM_API_KEY" } },
	{ "lmstudio", { "LM_API_TOKEN" } },
	{ "nvidia", { "NVIDIA_API_KEY" } },
	{ "microsoft-foundry", { "AZURE_OPENAI_API_KEY" } },
	{ "minimax", { "MINIMAX_CODE_PLAN_KEY", "MINIMAX_CODING_API_KEY",
	    "MINIMAX_API_KEY" } },
	{ "minimax-portal", { "MINIMAX_OAUTH_TOKEN", "MINIMAX_API_KEY" } },
	{ "ollama", { "OLLAMA_API_KEY" } },
	{ "ollama-cloud", { "OLLAMA_API_KEY" } },
	{ "opencode-go", { "OPENCODE_API_KEY", "OPENCODE_ZEN_API_KEY" } },
	{ "openrouter", { "OPENROUTER_API_KEY" } },
	{ "sglang", { "SGLANG_API_KEY" } },
	{ "together", { "TOGETHER_API_KEY" } },
	{ "vllm", { "VLLM_API_KEY" } },
	{ "xai", { "XAI_API_KEY" } },
	{ "claude-cli", { "ANTHROPIC_OAUTH_TOKEN", "ANTHROPIC_API_KEY" } },
};

/* The variable that holds P's key (first non-blank), as the era reads
 * the environment; NULL when none. */
static const char *
env_var(const char *p, enum oc_rules rules, char **owned)
{
	size_t i, k;
	const char *v;
	struct oc_envkey ek;

	*owned = NULL;
	if (rules != OC_RULES_2026_9) {
		if (!oc_envkeys_gateway(p, &ek))
			return NULL;
		oc_secret_free(ek.value);
		*owned = ek.var;
		return ek.var;
	}
	for (i = 0; i < sizeof env9 / sizeof env9[0]; i++) {
		if (strcmp(env9[i].provider, p) != 0)
			continue;
		for (k = 0; k < 4 && env9[i].vars[k] != NULL; k++)
			if ((v = getenv(env9[i].vars[k])) != NULL &&
			    oc_rules_secret_input(v))
				return env9[i].vars[k];
	}
	return NULL;
}

static int
known_env_name(const char *s)
{
	size_t i, k;

	for (i = 0; i < sizeof env9 / sizeof env9[0]; i++)
		for (k = 0; k < 4 && env9[i].vars[k] != NULL; k++)
			if (strcmp(env9[i].vars[k], s) == 0)
				return 1;
	return oc_envkeys_is_known_var(s);
}

/* ---- model routes ---- */

static const char *
model_primary(json_object *m)
{
	const char *s;

	if (m == NULL)
		return NULL;
	s = json_object_is_type(m, json_type_string) ?
	    json_object_get_string(m) : oc_json_get_str(m, "primary");
	if (s == NULL)
		return NULL;
	while (oc_text_js_space_len(s) != 0)
		s += oc_text_js_space_len(s);
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

/* "provider/model[@profile]": the provider (as the era folds it) and the
 * model; a ref without "/" means the era's default provider (2026.7 and
 * 2026.9: openai). */
static int
parse_ref(const char *raw, enum oc_rules rules, char **prov, char **model)
{
	const char *slash, *at;
	size_t off, len;
	char *t, *pr;

	*prov = *model = NULL;
	oc_text_trim_js(raw, strlen(raw), &off, &len);
	if (len == 0)
		return -1;
	t = oc_xstrndup(raw + off, len);
	if ((at = strrchr(t, '@')) != NULL && strchr(at, '/') == NULL)
		t[at - t] = '\0';	/* splitTrailingAuthProfile */
	if ((slash = strchr(t, '/')) == NULL) {
		*prov = oc_xstrdup("openai");
		*model = t;
		return 0;
	}
	pr = oc_xstrndup(t, (size_t)(slash - t));
	*prov = oc_rules_provider_dup(pr, rules);
	*model = oc_xstrdup(slash + 1);
	free(pr);
	free(t);
	if (**prov == '\0' || **model == '\0') {
		free(*prov);
		free(*model);
		*prov = *model = NULL;
		return -1;
	}
	(void)rules;
	return 0;
}

static void
add_route(struct oc_health *h, const char *raw, const char *role,
    enum oc_rules rules)
{
	struct oc_route *r;
	char *p, *m;

	if (raw == NULL || parse_ref(raw, rules, &p, &m) == -1)
		return;
	h->routes = oc_xrealloc(h->routes, (h->nroutes + 1) *
	    sizeof *h->routes);
	r = &h->routes[h->nroutes++];
	memset(r, 0, sizeof *r);
	r->ref = oc_xasprintf("%s/%s", p, m);
	r->role = role;
	r->provider = p;
	r->model = m;
}

static void
add_list(struct oc_health *h, json_object *arr, const char *role,
    enum oc_rules rules)
{
	size_t i, n = arr ? json_object_array_length(arr) : 0;

	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(arr, i);

		if (json_object_is_type(e, json_type_string))
			add_route(h, json_object_get_string(e), role, rules);
	}
}

/*
 * The routes in use (modelsStatusCommand, addProviderUse): the agent's own
 * model only when the agent was named (-a); the built-in default
 * openai/gpt-6-astra (2026.7: openai/gpt-5.5) unless a configured provider
 * names a model; the utility model (2026.9 only): the agent's
 * utilityModel, else agents.defaults.utilityModel ("" turns it off), else
 * the default provider's own utility model.
 */
static void
collect_routes(struct oc_health *h, const struct oc_ctx *ctx,
    enum oc_rules rules, int explicit_agent)
{
	json_object *cfg = ctx->config;
	json_object *defaults = oc_json_get_obj(oc_json_get_obj(cfg, "agents"),
	    "defaults");
	json_object *entry = oc_ctx_agent_entry(cfg, ctx->paths.agent_id);
	json_object *dmodel = oc_json_get(defaults, "model");
	json_object *amodel = explicit_agent ? oc_json_get(entry, "model") :
	    NULL;
	json_object *img = oc_json_get(defaults, "imageModel"), *fb, *u;
	const char *primary = model_primary(amodel), *utility_src;
	char *builtin = NULL;
	size_t first_default;

	if (primary == NULL)
		primary = model_primary(dmodel);
	if (primary == NULL) {
		json_object *ps = oc_json_get_obj(oc_json_get_obj(cfg,
		    "models"), "providers");

		if (ps != NULL && oc_json_get(ps, "openai") == NULL) {
			json_object_object_foreach(ps, k, v) {
				json_object *ms = oc_json_get(v, "models");
				const char *mid;

				if (ms == NULL || !json_object_is_type(ms,
				    json_type_array) ||
				    json_object_array_length(ms) == 0)
					continue;
				mid = oc_json_get_str(json_object_array_get_idx(
				    ms, 0), "id");
				if (mid == NULL || *mid == '\0')
					continue;
				builtin = oc_xasprintf("%s/%s", k, mid);
				break;
			}
		}
		if (builtin == NULL)
			builtin = oc_xstrdup(rules == OC_RULES_2026_9 ?
			    "openai/gpt-6-astra" : "openai/gpt-5.5");
		primary = builtin;
	}
	first_default = h->nroutes;
	add_route(h, primary, builtin ? "default (built-in)" : "default",
	    rules);
	if (amodel != NULL)
		fb = json_object_is_type(amodel, json_type_object) ?
		    model_fallbacks(amodel) : NULL;
	else
		fb = model_fallbacks(dmodel);
	add_list(h, fb, "fallback", rules);
	add_route(h, model_primary(img), "image", rules);
	add_list(h, model_fallbacks(img), "image fallback", rules);
	if (rules == OC_RULES_2026_9) {
		u = oc_json_get(entry, "utilityModel");
		utility_src = "utility";
		if (u == NULL)
			u = oc_json_get(defaults, "utilityModel");
		if (u != NULL && json_object_is_type(u, json_type_string)) {
			if (*json_object_get_string(u) != '\0')
				add_route(h, json_object_get_string(u),
				    utility_src, rules);
		} else if (h->nroutes > first_default) {
			/* the default provider's utility model (its plugin
			 * manifest's defaultUtilityModel; 2026.9.6 ships these
			 * two): from the agent's own primary */
			const char *ap = model_primary(oc_json_get(entry,
			    "model"));
			char *pp = NULL, *mm = NULL;

			if (ap == NULL || parse_ref(ap, rules, &pp, &mm) == -1)
				pp = oc_xstrdup(h->routes[first_default].provider);
			if (strcmp(pp, "anthropic") == 0)
				add_route(h, "anthropic/claude-haiku-4-5",
				    "utility (provider default)", rules);
			else if (strcmp(pp, "openai") == 0)
				add_route(h, "openai/gpt-5.6-luna",
				    "utility (provider default)", rules);
			free(pp);
			free(mm);
		}
	}
	free(builtin);
}

/* ---- the credential a route selects (2026.9.6) ---- */

/* resolveSecretRefReadOnlyAvailability: env refs of an allowed provider
 * are true when the variable is set, undefined when not; file and exec
 * refs are never resolved: undefined (false for a provider of another
 * source). */
static enum avail
ref_avail(json_object *ref, json_object *config)
{
	const char *src, *prov, *id, *psrc;
	json_object *pcfg;

	if (ref == NULL || !oc_rules_secret_ref(ref))
		return AV_FALSE;
	if (json_object_is_type(ref, json_type_string)) {
		char *v = oc_text_trim_js_dup(json_object_get_string(ref));
		const char *e;
		enum avail a;

		v[strlen(v) - 1] = '\0';	/* "${VAR}" */
		e = getenv(v + 2);
		a = e != NULL && oc_rules_secret_input(e) ? AV_TRUE : AV_UNDEF;
		free(v);
		return a;
	}
	src = oc_json_get_str(ref, "source");
	prov = oc_json_get_str(ref, "provider");
	id = oc_json_get_str(ref, "id");
	if (prov == NULL)
		prov = "default";
	pcfg = oc_json_get_obj(oc_json_get_obj(oc_json_get_obj(config,
	    "secrets"), "providers"), prov);
	psrc = oc_json_get_str(pcfg, "source");
	if (strcmp(src, "env") == 0) {
		const char *e;

		if (!(strcmp(prov, "default") == 0 && pcfg == NULL) &&
		    (psrc == NULL || strcmp(psrc, "env") != 0))
			return AV_FALSE;
		e = getenv(id);
		return e != NULL && oc_rules_secret_input(e) ? AV_TRUE :
		    AV_UNDEF;
	}
	if (pcfg != NULL && psrc != NULL && strcmp(psrc, src) != 0)
		return AV_FALSE;
	return AV_UNDEF;
}

static int
is_marker(const char *k)
{
	static const char *const m[] = { "minimax-oauth", "qwen-oauth",
	    "ollama-local", "custom-local", "gcp-vertex-credentials",
	    "secretref-managed" };
	size_t i;

	if (strncmp(k, "oauth:", 6) == 0)
		return 1;
	for (i = 0; i < sizeof m / sizeof m[0]; i++)
		if (strcmp(k, m[i]) == 0)
			return 1;
	return 0;
}

static int
malformed_literal(const char *k)
{
	return strncmp(k, "secretref-env:", 14) == 0 ||
	    strncmp(k, "__env__:", 8) == 0 || k[0] == '$';
}

/* A key string's read-only availability (api_key key, token token). */
static enum avail
key_avail(const char *k)
{
	const char *e;

	if (!oc_rules_secret_string(k) || malformed_literal(k))
		return AV_FALSE;
	if (known_env_name(k))
		return (e = getenv(k)) != NULL && oc_rules_secret_input(e) ?
		    AV_TRUE : AV_FALSE;
	if (is_marker(k))
		return AV_UNDEF;
	return AV_TRUE;
}

/* profileAvailability with cooldown ignored: resolveStoredCredential-
 * ReadOnlyAvailability. */
static enum avail
profile_avail(const struct oc_cred *c, const char *prov, json_object *config,
    int64_t now)
{
	json_object *ref;
	enum avail a;
	int64_t e;

	switch (c->type) {
	case OC_CT_API_KEY:
	case OC_CT_TOKEN:
		if (c->type == OC_CT_TOKEN && c->has_expires &&
		    (!oc_cred_expires_valid(c, &e) || e <= now))
			return AV_FALSE;
		if ((ref = oc_cred_ref(c)) != NULL) {
			a = ref_avail(ref, config);
			json_object_put(ref);
			return a;
		}
		if (c->secret != NULL && c->secret[0] == '$' &&
		    c->secret[1] == '{') {
			json_object *s = json_object_new_string(c->secret);

			a = ref_avail(s, config);
			json_object_put(s);
			return a;
		}
		return key_avail(c->secret);
	case OC_CT_OAUTH:
		if (c->fence)
			return AV_FALSE;
		if (oc_rules_secret_string(c->secret) &&
		    oc_cred_expires_valid(c, &e) && e - now > OC_OAUTH_MARGIN_MS)
			return AV_TRUE;
		if (oc_rules_secret_string(c->refresh))
			return strcmp(prov, "openai") == 0 ? AV_TRUE : AV_UNDEF;
		if (c->oauth_ref)
			return AV_UNDEF;
		return AV_FALSE;
	default:
		return AV_FALSE;
	}
}

static int
loopback_url(const char *u)
{
	return u != NULL && (strncmp(u, "http://127.0.0.1", 16) == 0 ||
	    strncmp(u, "http://localhost", 16) == 0 ||
	    strncmp(u, "https://127.0.0.1", 17) == 0 ||
	    strncmp(u, "https://localhost", 17) == 0 ||
	    strncmp(u, "http://[::1]", 12) == 0);
}

/* Whether P has any auth "evidence" (a config entry, a stored profile):
 * with none, a route without a credential is undefined, not false. */
static int
evidence(struct oc_store *s, json_object *config, json_object *pc,
    const char *p)
{
	json_object *auth = oc_json_get_obj(config, "auth");
	size_t i;

	if (oc_json_get(pc, "auth") != NULL || oc_json_get(pc, "apiKey"))
		return 1;
	{
		json_object *ord = oc_json_get_obj(auth, "order");

		if (ord != NULL) {
			json_object_object_foreach(ord, k, v) {
				(void)v;
				if (oc_rules_provider_is(k, p, s->rules))
					return 1;
			}
		}
	}
	{
		json_object *ps = oc_json_get_obj(auth, "profiles");

		if (ps != NULL) {
			json_object_object_foreach(ps, k, v) {
				(void)k;
				if (oc_rules_provider_is(oc_json_get_str(v,
				    "provider"), p, s->rules))
					return 1;
			}
		}
	}
	for (i = 0; i < s->ncreds; i++)
		if (s->creds[i].entry == OC_CE_OK && oc_rules_provider_is(
		    s->creds[i].provider_raw, p, s->rules))
			return 1;
	return 0;
}

/* The direct (unprofiled) evaluation from models.providers.<P> and the
 * environment; *material: the config carries a key or auth of its own. */
static enum avail
direct_eval(struct oc_store *s, json_object *config, const char *p,
    int64_t now, int *material, int *env_only, const char **how)
{
	const char *key, *auth, *var;
	json_object *pc = oc_config_provider(config, p, NULL), *k;
	char *owned;
	int required;

	*material = *env_only = 0;
	k = oc_json_get(pc, "apiKey");
	key = k != NULL && json_object_is_type(k, json_type_string) ?
	    json_object_get_string(k) : NULL;
	auth = oc_json_get_str(pc, "auth");
	*material = (k != NULL && (key == NULL || oc_rules_secret_string(key)))
	    || auth != NULL;
	required = (auth != NULL && strcmp(auth, "aws-sdk") == 0) ||
	    (k != NULL && json_object_is_type(k, json_type_object)) ||
	    (key != NULL && oc_rules_secret_string(key) && auth != NULL &&
	    strcmp(auth, "api-key") == 0);
	var = env_var(p, s->rules, &owned);
	free(owned);
	if (!required && var != NULL) {
		*env_only = !*material;
		*how = "environment";
		return AV_TRUE;
	}
	*how = "config";
	if (auth != NULL && strcmp(auth, "aws-sdk") == 0)
		return AV_TRUE;
	if (k != NULL && json_object_is_type(k, json_type_object))
		return ref_avail(k, config);
	if (key != NULL && oc_rules_secret_string(key)) {
		const struct oc_cred *c = oc_store_get(s, key);

		if (malformed_literal(key))
			return AV_FALSE;
		if (c != NULL && c->entry == OC_CE_OK) {
			/* the key names a stored profile */
			if ((c->type != OC_CT_API_KEY && c->type != OC_CT_TOKEN) ||
			    !oc_rules_provider_is(c->provider_raw, p, s->rules))
				return AV_FALSE;
			return profile_avail(c, p, config, now);
		}
		{
			char *iid = oc_xasprintf("inline-api-key:%s", p);
			int64_t u = oc_rules_unusable_until(oc_store_usage(s,
			    iid), p, NULL, now, s->rules);

			free(iid);
			if (u > 0)
				return AV_FALSE;
		}
		return key_avail(key);
	}
	if (k != NULL && !json_object_is_type(k, json_type_null))
		return AV_FALSE;
	if (strcmp(p, "amazon-bedrock") == 0 && auth == NULL)
		return AV_TRUE;
	if (var != NULL)
		return AV_TRUE;
	{
		json_object *ms = oc_json_get(pc, "models");

		if (loopback_url(oc_json_get_str(pc, "baseUrl")) &&
		    oc_json_get_str(pc, "api") != NULL && ms != NULL &&
		    json_object_is_type(ms, json_type_array) &&
		    json_object_array_length(ms) > 0) {
			*how = "local provider";
			return AV_TRUE;
		}
	}
	*how = "no credential";
	return evidence(s, config, pc, p) ? AV_FALSE : AV_UNDEF;
}

/* resolveProviderEvaluation and selectProviderModelAuthSources for one
 * route: its availability and the profile selected, if any. */
static enum avail
evaluate(struct oc_health *h, const struct oc_ctx *ctx, struct oc_route *r)
{
	struct oc_store *s = &h->store;
	struct oc_order o;
	const char *how = NULL;
	enum avail direct, a = AV_FALSE;
	size_t i, navail = 0, nclear = 0;
	int material, env_only;
	const struct oc_cred *winner = NULL, *first_ready = NULL;
	enum avail winner_a = AV_FALSE;

	direct = direct_eval(s, ctx->config, r->provider, h->now, &material,
	    &env_only, &how);
	oc_order_effective_for(s, ctx->config, r->provider, r->model, h->now,
	    &o);
	for (i = 0; i < o.nuse; i++) {
		const struct oc_cred *c = oc_store_get(s, o.use[i].id);
		enum avail pa = profile_avail(c, r->provider, ctx->config,
		    h->now);

		if (pa == AV_FALSE)
			continue;
		navail++;
		if (o.use[i].until > 0)
			continue;	/* cooling down */
		nclear++;
		if (winner == NULL) {
			winner = c;
			winner_a = pa;
		}
		if (pa == AV_TRUE && first_ready == NULL)
			first_ready = c;
	}
	if (winner != NULL && winner_a == AV_UNDEF && first_ready != NULL) {
		winner = first_ready;
		winner_a = AV_TRUE;
	}
	if (navail > 0 && nclear == 0) {
		r->detail = "every profile is cooling down or disabled";
		a = AV_FALSE;
	} else if (o.explicit_order && (o.nuse == 0 || navail == 0)) {
		r->detail = "no usable profile in the auth order";
		a = AV_FALSE;
	} else if (winner != NULL) {
		r->selected = winner->id;
		a = winner_a;
		r->detail = a == AV_TRUE ? "profile" : "profile needs a "
		    "refresh or an unresolved SecretRef";
	} else if ((material || direct != AV_UNDEF) &&
	    !(env_only && o.nuse > 0)) {
		a = direct;
		r->detail = how;
	} else if (o.nuse > 0) {
		r->selected = o.use[0].id;
		r->detail = "no usable profile";
		a = AV_FALSE;
	} else {
		a = direct;
		r->detail = how;
	}
	oc_order_free(&o);
	return a;
}

/* The codex runtime (2026.9.6): an openai default or fallback route runs on
 * it unless its model's agentRuntime says otherwise, the provider's
 * baseUrl is plain http, or it has request params; no bundled plugin
 * provides it, so such a route is unavailable in a stock install. */
static int
codex_unavailable(const struct oc_ctx *ctx, const struct oc_route *r)
{
	json_object *defaults = oc_json_get_obj(oc_json_get_obj(ctx->config,
	    "agents"), "defaults");
	json_object *pc = oc_config_provider(ctx->config, "openai", NULL);
	const char *rt, *base;
	char *key;

	if (strcmp(r->provider, "openai") != 0 || (strncmp(r->role, "default",
	    7) != 0 && strcmp(r->role, "fallback") != 0))
		return 0;
	key = oc_xasprintf("openai/%s", r->model);
	rt = oc_json_get_str(oc_json_get_obj(oc_json_get_obj(oc_json_get_obj(
	    defaults, "models"), key), "agentRuntime"), "id");
	free(key);
	if (rt != NULL && strcmp(rt, "codex") != 0 && strcmp(rt, "auto") != 0 &&
	    strcmp(rt, "default") != 0)
		return 0;
	base = oc_json_get_str(pc, "baseUrl");
	if (base != NULL && strncmp(base, "http://", 7) == 0)
		return 0;
	if (oc_json_get(pc, "params") != NULL ||
	    oc_json_get(pc, "requestParams") != NULL)
		return 0;
	return 1;
}

static void
issue(struct oc_health *h, int missing, int64_t remaining, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

/* missing: 1 bad (exit 1), 2 expiring within -c (exit 1), 0 expiring;
 * remaining: of the credential the issue names (INT64_MAX: none) */
static void
issue(struct oc_health *h, int missing, int64_t remaining, const char *fmt,
    ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	h->issues = oc_xrealloc(h->issues, (h->nissues + 1) *
	    sizeof *h->issues);
	h->issues[h->nissues].text = oc_xstrdup(buf);
	h->issues[h->nissues].missing = missing;
	h->issues[h->nissues].remaining_ms = remaining;
	h->nissues++;
}

static const struct oc_hprofile *
hprofile_of(const struct oc_health *h, const char *id)
{
	size_t i;

	for (i = 0; i < h->np; i++)
		if (strcmp(h->p[i].id, id) == 0)
			return &h->p[i];
	return NULL;
}

/* Whether -p, --profile, --exclude leave a provider out: another provider
 * than -p's; one whose profiles --exclude all leaves out; with --profile,
 * one none of whose profiles is named. */
static int
provider_scoped_out(const struct oc_health *h, const char *provider)
{
	size_t i, n = 0, in = 0;

	if (h->scope == NULL)
		return 0;
	if (!oc_health_scope_has(h->scope, provider, NULL) &&
	    h->scope->nprofiles == 0)
		return 1;	/* another provider than -p's */
	for (i = 0; i < h->np; i++)
		if (h->p[i].provider != NULL &&
		    strcmp(h->p[i].provider, provider) == 0) {
			n++;
			in += !h->p[i].out_of_scope;
		}
	if (h->scope->nprofiles > 0)
		return in == 0;
	return n > 0 && in == 0;
}

/* A route is judged when the scope takes its selected profile, or, with
 * none selected, its provider. */
static int
route_in_scope(const struct oc_health *h, const struct oc_route *r)
{
	if (r->selected != NULL)
		return oc_health_scope_has(h->scope, r->provider, r->selected);
	return !provider_scoped_out(h, r->provider);
}

static void
verdict_2026_9(struct oc_health *h, const struct oc_ctx *ctx)
{
	size_t i;
	int bad = 0, expiring = 0, expired = 0;
	char left[48];

	for (i = 0; i < h->nroutes; i++) {
		struct oc_route *r = &h->routes[i];
		enum avail a = evaluate(h, ctx, r);
		const struct oc_hprofile *hp;

		r->availability = a;
		if (!route_in_scope(h, r)) {
			r->status = "excluded";	/* -p, --profile, --exclude */
			continue;
		}
		if (a == AV_UNDEF) {
			r->status = "indeterminate";
			bad = 1;
			issue(h, 1, INT64_MAX,
			    "%s (%s): auth readiness could not be "
			    "confirmed%s%s", r->ref, r->role, r->selected ?
			    " for " : "", r->selected ? r->selected : "");
			continue;
		}
		if (a == AV_FALSE) {
			r->status = "missing";
			r->missing = 1;
			bad = 1;
			issue(h, 1, INT64_MAX,
			    "no usable credential for %s (%s: %s)",
			    r->ref, r->role, r->detail);
			continue;
		}
		hp = r->selected ? hprofile_of(h, r->selected) : NULL;
		if (hp != NULL && (hp->status == OC_HS_EXPIRED ||
		    hp->status == OC_HS_MISSING)) {
			r->status = "missing";
			bad = 1;
			expired |= hp->status == OC_HS_EXPIRED;
			oc_time_format_span(hp->remaining_ms, left,
			    sizeof left);
			issue(h, 1, hp->status == OC_HS_EXPIRED ?
			    hp->remaining_ms : INT64_MAX,
			    "%s %s (selected for %s)",
			    hp->id,
			    hp->status == OC_HS_EXPIRED ? "has expired" :
			    "is unusable", r->ref);
		} else if (hp != NULL && hp->status == OC_HS_EXPIRING) {
			r->status = "expiring";
			expiring = 1;
			/* -c: as bad as expired */
			bad |= hp->critical;
			oc_time_format_span(hp->remaining_ms, left,
			    sizeof left);
			issue(h, hp->critical ? 2 : 0, hp->remaining_ms, "%s "
			    "expires in %s (selected for %s)", hp->id, left,
			    r->ref);
		} else
			r->status = "ok";
		if (codex_unavailable(ctx, r)) {
			r->runtime_unavailable = 1;
			r->status = "unavailable";
			bad = 1;
			issue(h, 1, INT64_MAX,
			    "%s (%s) runs on the codex runtime, which "
			    "no enabled plugin provides (set its agentRuntime, "
			    "or install the plugin)", r->ref, r->role);
		}
	}
	if (bad) {
		h->exit_code = OC_EX_NEG;
		h->verdict = expired ? OC_V_EXPIRED : OC_V_MISSING;
	} else if (expiring) {
		h->exit_code = OC_EX_EXPIRING;
		h->verdict = OC_V_EXPIRING;
	} else {
		h->exit_code = OC_EX_OK;
		h->verdict = OC_V_OK;
	}
}

/* 2026.7.35: the rollup of each provider in use over its auth order. */
static void
verdict_2026_7(struct oc_health *h, const struct oc_ctx *ctx)
{
	size_t i, j, k;
	int bad = 0, expiring = 0, expired = 0;

	for (i = 0; i < h->nroutes; i++) {
		struct oc_route *r = &h->routes[i];
		struct oc_order o;
		char *owned;
		int material, env_only, dup = 0, worst = 0, usable = 0;
		size_t nout = 0;
		const char *how, *var;
		const struct oc_hprofile *hw = NULL;
		enum avail direct;

		for (k = 0; k < i; k++)
			if (strcmp(h->routes[k].provider, r->provider) == 0)
				dup = 1;
		r->status = "ok";
		if (dup)
			continue;	/* judged with its provider's first */
		if (provider_scoped_out(h, r->provider)) {
			r->status = "excluded";	/* -p, --profile, --exclude */
			continue;
		}
		var = env_var(r->provider, h->store.rules, &owned);
		free(owned);
		direct = direct_eval(&h->store, ctx->config, r->provider,
		    h->now, &material, &env_only, &how);
		if (var != NULL || (material && direct == AV_TRUE) ||
		    (direct == AV_TRUE && strcmp(how, "local provider") == 0)) {
			r->detail = how;
			continue;
		}
		oc_order_effective(&h->store, ctx->config, r->provider, h->now,
		    &o);
		/* expired 4 > missing 3 > expiring 2 > ok 1 */
		for (j = 0; j < o.nuse; j++) {
			const struct oc_hprofile *hp = hprofile_of(h,
			    o.use[j].id);
			int rank;

			if (hp == NULL)
				continue;
			if (hp->out_of_scope) {
				nout++;
				continue;
			}
			rank = hp->status == OC_HS_EXPIRED ? 4 :
			    hp->status == OC_HS_MISSING ? 3 :
			    hp->status == OC_HS_EXPIRING ? 2 : 1;
			usable |= rank <= 2;
			if (rank > worst) {
				worst = rank;
				hw = hp;
			}
		}
		oc_order_free(&o);
		if (worst == 0 && nout > 0) {
			/* --exclude took every profile it has */
			r->status = "excluded";
			continue;
		}
		if (worst == 0)
			worst = 3;	/* no profile in the order */
		if (!usable) {
			r->missing = 1;
			r->status = "missing";
			bad = 1;
			issue(h, 1, INT64_MAX,
			    "no usable credential for %s (used by %s)",
			    r->provider, r->ref);
		} else if (worst >= 3) {
			r->status = worst == 4 ? "expired" : "missing";
			bad = 1;
			expired |= worst == 4;
			issue(h, 1, hw && worst == 4 ? hw->remaining_ms :
			    INT64_MAX, "%s %s (provider %s, used by %s)",
			    hw ? hw->id : r->provider, worst == 4 ? "has expired" :
			    "is unusable", r->provider, r->ref);
		} else if (worst == 2) {
			char left[48];

			r->status = "expiring";
			expiring = 1;
			bad |= hw->critical;
			oc_time_format_span(hw->remaining_ms, left,
			    sizeof left);
			issue(h, hw->critical ? 2 : 0, hw->remaining_ms, "%s "
			    "expires in %s (provider %s)", hw->id, left,
			    r->provider);
		}
	}
	if (bad) {
		h->exit_code = OC_EX_NEG;
		h->verdict = expired ? OC_V_EXPIRED : OC_V_MISSING;
	} else if (expiring) {
		h->exit_code = OC_EX_EXPIRING;
		h->verdict = OC_V_EXPIRING;
	} else {
		h->exit_code = OC_EX_OK;
		h->verdict = OC_V_OK;
	}
}

void
oc_routes_judge(struct oc_health *h, const struct oc_ctx *ctx)
{
	int explicit_agent = ctx->paths.agent_source != NULL &&
	    strcmp(ctx->paths.agent_source, "option") == 0;

	collect_routes(h, ctx, h->store.rules, explicit_agent);
	if (h->store.legacy_blocks) {
		/* AUTH_PROFILE_MIGRATION_REQUIRED: OpenClaw refuses the agent
		 * outright (models status exits 1) */
		issue(h, 1, INT64_MAX,
		    "OpenClaw refuses this agent: %s awaits migration "
		    "(run oc-profile migrate)", h->store.legacy_json);
		h->exit_code = OC_EX_NEG;
		h->verdict = OC_V_MISSING;
		return;
	}
	if (h->store.rules == OC_RULES_2026_9)
		verdict_2026_9(h, ctx);
	else
		verdict_2026_7(h, ctx);
}

void
oc_routes_free(struct oc_health *h)
{
	size_t i;

	for (i = 0; i < h->nroutes; i++) {
		free(h->routes[i].ref);
		free(h->routes[i].provider);
		free(h->routes[i].model);
	}
	free(h->routes);
	for (i = 0; i < h->nissues; i++)
		free(h->issues[i].text);
	free(h->issues);
}
