/* SPDX-License-Identifier: ISC */
/*
 * keypick.c - the one credential the gateway would use for a provider, as
 * OpenClaw 2026.3.24's resolveApiKeyForProvider picks it: the profiles in
 * the effective auth order (a profile that cannot give a secret is skipped,
 * as the gateway skips it), then the provider's environment variables, then
 * the config's models.providers.<id>.apiKey.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "oc.h"

void
oc_keypick_free(struct oc_pick *p)
{
	if (p == NULL)
		return;
	oc_secret_free(p->secret);
	free(p->source);
	free(p->profile_id);
	free(p->var);
	free(p->skipped_id);
	memset(p, 0, sizeof *p);
}

static const char *
mode_of(enum oc_ctype t)
{
	return t == OC_CT_OAUTH ? "oauth" : t == OC_CT_TOKEN ? "token" :
	    "api-key";
}

static void
note_skip(struct oc_pick *p, const char *id, const struct oc_err *e)
{
	/* Keep the first failure, but a security refusal outranks it. */
	if (p->skipped.code != 0 && !(e->code == OC_EX_NOPERM &&
	    p->skipped.code != OC_EX_NOPERM))
		return;
	p->skipped = *e;
	free(p->skipped_id);
	p->skipped_id = oc_xstrdup(id);
}

/*
 * One profile's secret, as resolveApiKeyForProfile gives it: NULL (with
 * err) when the profile is unusable. An expired oauth access token is
 * refreshed first when refresh is set, then the store re-read.
 */
static int
profile_secret(const struct oc_ctx *ctx, struct oc_store *s, const char *id,
    int refresh, int wait_ms, char **out, enum oc_ctype *type,
    struct oc_err *err)
{
	const struct oc_cred *c = oc_store_get(s, id);
	char why[256];
	int64_t now = oc_time_now_ms(), e = 0;
	int valid, access;

	*out = NULL;
	if (c == NULL || c->entry == OC_CE_NON_OBJECT) {
		oc_err_set(err, OC_EX_NEG, "no such profile: %s (in %s)", id,
		    oc_store_target_name(s));
		return -1;
	}
	*type = c->type;
	if (oc_rules_key_refusal(c, oc_config_auth_profile(ctx->config, id),
	    now, why, sizeof why) != NULL) {
		oc_err_set(err, OC_EX_NEG, "profile %s: %s", id, why);
		return -1;
	}
	if (c->type != OC_CT_OAUTH)
		return oc_secretref_resolve_cred(ctx, c, out, err);
	valid = oc_cred_expires_valid(c, &e);
	access = oc_rules_secret_string(c->secret);
	if (access && (!c->has_expires || (valid && now < e)))
		return oc_secretref_resolve_cred(ctx, c, out, err);
	if (!refresh) {
		oc_err_set(err, OC_EX_NEG, "profile %s: the access token has "
		    "expired", id);
		return -1;
	}
	if (!oc_rules_secret_string(c->refresh)) {
		oc_err_set(err, OC_EX_NEG, "profile %s: the access token has "
		    "expired and there is no refresh token", id);
		return -1;
	}
	if (oc_oauth_refresh(ctx, id, wait_ms, err) == -1)
		return -1;
	{
		/* Refreshed (by us or by another process): read it again. */
		struct oc_store s2;
		const struct oc_cred *c2;
		int rc;

		if (oc_store_open(&s2, ctx, err) == -1)
			return -1;
		c2 = oc_store_get(&s2, id);
		if (c2 == NULL) {
			oc_store_close(&s2);
			oc_err_set(err, OC_EX_NEG, "profile %s vanished during "
			    "its refresh", id);
			return -1;
		}
		if (!oc_rules_secret_string(c2->secret) ||
		    !oc_cred_expires_valid(c2, &e) || oc_time_now_ms() >= e) {
			oc_store_close(&s2);
			oc_err_set(err, OC_EX_NEG, "profile %s: still expired "
			    "after its refresh", id);
			return -1;
		}
		rc = oc_secretref_resolve_cred(ctx, c2, out, err);
		oc_store_close(&s2);
		return rc;
	}
}

/* OpenClaw's markers that name no key ("ollama-local", "oauth:...", ...)
 * and the variable names it accepts as "read the key from $NAME". */
static int
nonsecret_marker(const char *v)
{
	static const char *const m[] = { "minimax-oauth", "qwen-oauth",
	    "ollama-local", "custom-local", "gcp-vertex-credentials",
	    "secretref-managed", "AWS_BEARER_TOKEN_BEDROCK",
	    "AWS_ACCESS_KEY_ID", "AWS_PROFILE" };
	size_t i;

	if (strncmp(v, "oauth:", 6) == 0)
		return 1;
	for (i = 0; i < sizeof m / sizeof m[0]; i++)
		if (strcmp(v, m[i]) == 0)
			return 1;
	return 0;
}

static int
env_marker(const char *v)
{
	static const char *const legacy[] = { "GOOGLE_API_KEY",
	    "DEEPSEEK_API_KEY", "PERPLEXITY_API_KEY", "FIREWORKS_API_KEY",
	    "NOVITA_API_KEY", "AZURE_OPENAI_API_KEY", "AZURE_API_KEY",
	    "MINIMAX_CODE_PLAN_KEY" };
	size_t i;

	for (i = 0; i < sizeof legacy / sizeof legacy[0]; i++)
		if (strcmp(v, legacy[i]) == 0)
			return 1;
	return oc_envkeys_is_known_var(v);
}

static int
config_key(const struct oc_ctx *ctx, const char *provider, struct oc_pick *p,
    struct oc_err *err)
{
	const char *key;
	char *v = NULL;
	json_object *pc = oc_config_provider(ctx->config, provider, &key);
	json_object *k = oc_json_get(pc, "apiKey");
	int r;

	if (k == NULL)
		return 0;
	/* A SecretRef or "${VAR}": the gateway resolves it at load. */
	r = oc_secretref_resolve(ctx, k, &v, err);
	if (r == -1) {
		char *id = oc_xasprintf("models.providers.%s.apiKey", key);

		note_skip(p, id, err);
		free(id);
		return 0;
	}
	if (r == 0 && json_object_is_type(k, json_type_string)) {
		v = oc_xstrdup(json_object_get_string(k));
		oc_secret_token_normalize(v, 0);
		if (*v == '\0' || nonsecret_marker(v)) {
			oc_secret_free(v);
			v = NULL;
		} else if (env_marker(v)) {
			/* The name of the variable that holds the key. */
			const char *e = getenv(v);
			char *ev = e ? oc_xstrdup(e) : NULL;

			if (ev != NULL)
				oc_secret_token_normalize(ev, 0);
			if (ev != NULL && *ev == '\0') {
				oc_secret_free(ev);
				ev = NULL;
			}
			if (ev != NULL)
				p->var = oc_xstrdup(v);
			oc_secret_free(v);
			v = ev;
		}
	}
	if (v == NULL)
		return 0;
	p->secret = v;
	p->source = oc_xasprintf("config: models.providers.%s.apiKey", key);
	p->mode = "api-key";
	return 1;
}

int
oc_keypick_resolve(const struct oc_ctx *ctx, const char *provider,
    const char *profile, int refresh, int wait_ms, struct oc_pick *p,
    struct oc_err *err)
{
	struct oc_store s;
	struct oc_order o;
	struct oc_envkey ek;
	enum oc_ctype type = OC_CT_UNKNOWN;
	char *v = NULL;
	size_t i;

	memset(p, 0, sizeof *p);
	if (oc_store_open(&s, ctx, err) == -1)
		return -1;
	if (profile != NULL) {
		/* Pinned: that profile or nothing. */
		int rc = profile_secret(ctx, &s, profile, refresh, wait_ms, &v,
		    &type, err);

		oc_store_close(&s);
		if (rc == -1)
			return -1;
		p->secret = v;
		p->profile_id = oc_xstrdup(profile);
		p->source = oc_xasprintf("profile:%s", profile);
		p->mode = mode_of(type);
		return 0;
	}
	{
		const char *auth = oc_json_get_str(oc_config_provider(
		    ctx->config, provider, NULL), "auth");

		if (auth != NULL && strcmp(auth, "aws-sdk") == 0) {
			oc_store_close(&s);
			oc_err_set(err, OC_EX_NEG, "provider %s authenticates "
			    "with the AWS SDK (models.providers.%s.auth); it "
			    "has no key", provider, provider);
			return -1;
		}
	}
	oc_order_effective(&s, ctx->config, provider, oc_time_now_ms(), &o);
	for (i = 0; i < o.nuse; i++) {
		struct oc_err e;

		if (profile_secret(ctx, &s, o.use[i].id, refresh, wait_ms, &v,
		    &type, &e) == 0) {
			p->secret = v;
			p->profile_id = oc_xstrdup(o.use[i].id);
			p->source = oc_xasprintf("profile:%s", o.use[i].id);
			p->mode = mode_of(type);
			oc_order_free(&o);
			oc_store_close(&s);
			return 0;
		}
		note_skip(p, o.use[i].id, &e);
	}
	oc_order_free(&o);
	oc_store_close(&s);
	if (oc_envkeys_gateway(provider, &ek) == 1) {
		p->secret = ek.value;
		p->var = ek.var;
		p->source = oc_xasprintf("env: %s", ek.var);
		p->mode = strstr(ek.var, "OAUTH_TOKEN") ? "oauth" : "api-key";
		return 0;
	}
	if (config_key(ctx, provider, p, err) == 1)
		return 0;
	if (p->skipped.code == OC_EX_NOPERM) {
		*err = p->skipped;
		return -1;
	}
	if (p->skipped.code != 0)
		oc_err_set(err, OC_EX_NEG, "no usable credential for provider "
		    "%s (profile %s skipped: %.700s)", provider, p->skipped_id,
		    p->skipped.msg);
	else
		oc_err_set(err, OC_EX_NEG, "no credential for provider %s: no "
		    "profile, no environment variable, no "
		    "models.providers.%s.apiKey", provider, provider);
	return -1;
}
