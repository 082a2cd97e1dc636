/* SPDX-License-Identifier: ISC */
/*
 * probe.c - `oc-check --probe`: one live request per credential, the
 * cheapest one that proves the provider accepts it, all of them through
 * oc_http_run (the oc-http helper runs them concurrently).
 *
 * OpenClaw's own probe (`models status --probe`) runs a one-line chat
 * completion per credential through the gateway's runner; here a model
 * listing or key-info endpoint answers the same question (does the
 * provider accept this credential?) without spending tokens:
 *
 *   anthropic      GET {base}/v1/models?limit=1   x-api-key, or for
 *                  setup-tokens and OAuth (sk-ant-oat...) Authorization:
 *                  Bearer with anthropic-beta: oauth-2025-04-20
 *   openai and the OpenAI-compatible providers
 *                  GET {base}/models              Authorization: Bearer
 *   google         GET {base}/models?pageSize=1   x-goog-api-key
 *   openrouter     GET {base}/key                 Authorization: Bearer
 *                  (its model list needs no key, so it would prove nothing)
 *
 * The base URL is $OC_PROBE_BASE_URL_<P> (P: the provider id upper-cased,
 * "-" and "." as "_"), else config models.providers.<id>.baseUrl, else the
 * provider's public endpoint. A config "api" of anthropic-messages or
 * google-generative-ai selects that request form for a custom provider;
 * every other provider with a base URL is treated as OpenAI-compatible.
 *
 * Statuses and the HTTP mapping are OpenClaw's (failover reasons mapped by
 * list.probe.ts): 401/403 auth; 402 billing (rate_limit when the message
 * says it is a temporary limit); 429 rate_limit; 408, 5xx, connection
 * refused, DNS failure, timeout: timeout (503/499 that say "overloaded"
 * and 529: rate_limit); 400/422 format (billing when the message is about
 * credit); anything else unknown. A 2xx whose body is not JSON is unknown:
 * something answered, but not the provider's API.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "oc.h"

enum kind { K_NONE = 0, K_ANTHROPIC, K_OPENAI, K_GOOGLE, K_OPENROUTER };

static const struct {
	const char *provider;
	enum kind kind;
	const char *base;
} builtin[] = {
	{ "anthropic", K_ANTHROPIC, "https://api.anthropic.com" },
	{ "openai", K_OPENAI, "https://api.openai.com/v1" },
	{ "google", K_GOOGLE,
	    "https://generativelanguage.googleapis.com/v1beta" },
	{ "openrouter", K_OPENROUTER, "https://openrouter.ai/api/v1" },
	{ "groq", K_OPENAI, "https://api.groq.com/openai/v1" },
	{ "mistral", K_OPENAI, "https://api.mistral.ai/v1" },
	{ "xai", K_OPENAI, "https://api.x.ai/v1" },
	{ "deepseek", K_OPENAI, "https://api.deepseek.com" },
	{ "together", K_OPENAI, "https://api.together.xyz/v1" },
	{ "cerebras", K_OPENAI, "https://api.cerebras.ai/v1" },
};

#define CLAUDE_CODE_ONLY "only authorized for use with claude code"

/* What one target needs to become a request; the secret is owned. */
struct target {
	size_t ri;		/* its result's index: the results array
				 * grows, so no pointer into it is kept */
	enum kind kind;
	char *url;
	char *secret;
	char **headers;		/* NULL-terminated, hold the secret */
	char id[24];		/* the request id: labels may repeat */
};

/* The message of a token only Claude Code may use. */
#define contains_ci oc_rules_contains_ci

/* ---- where and how to ask ---- */

static enum kind
kind_of_api(const char *api)
{
	if (api == NULL)
		return K_NONE;
	if (strncmp(api, "anthropic", 9) == 0)
		return K_ANTHROPIC;
	if (strncmp(api, "google", 6) == 0)
		return K_GOOGLE;
	return K_OPENAI;
}

/* The base URL and request form for a provider; *base is owned. */
static enum kind
resolve_base(const struct oc_ctx *ctx, const char *provider, char **base)
{
	json_object *pc = oc_config_provider(ctx->config, provider, NULL);
	const char *cbase = oc_json_get_str(pc, "baseUrl");
	enum kind k = kind_of_api(oc_json_get_str(pc, "api")), bk = K_NONE;
	const char *b = NULL, *env;
	char *var, *pe;
	size_t i, n;

	for (i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		if (strcmp(builtin[i].provider, provider) == 0) {
			bk = builtin[i].kind;
			b = builtin[i].base;
		}
	pe = oc_provider_env_dup(provider);
	var = oc_xasprintf("OC_PROBE_BASE_URL_%s", pe);
	free(pe);
	env = getenv(var);
	free(var);
	if (env != NULL && *env != '\0')
		b = env;
	else if (cbase != NULL && *cbase != '\0')
		b = cbase;
	*base = NULL;
	if (b == NULL)
		return K_NONE;
	if (k == K_NONE)
		k = bk != K_NONE ? bk : K_OPENAI;
	n = strlen(b);
	while (n > 0 && b[n - 1] == '/')
		n--;
	*base = oc_xstrndup(b, n);
	return k;
}

static void
push_header(struct target *t, size_t *n, char *h)
{
	t->headers = oc_xrealloc(t->headers, (*n + 2) * sizeof *t->headers);
	t->headers[(*n)++] = h;
	t->headers[*n] = NULL;
}

/* Build url and headers for t (t->secret set, t->kind not K_NONE). */
static void
build_request(struct target *t, struct oc_probe_result *res,
    const char *base)
{
	size_t n = 0;

	switch (t->kind) {
	case K_ANTHROPIC:
		t->url = oc_xasprintf("%s/v1/models?limit=1", base);
		/* pi-ai tells OAuth from API keys by the token itself */
		if (strstr(t->secret, "sk-ant-oat") != NULL) {
			push_header(t, &n, oc_xasprintf(
			    "Authorization: Bearer %s", t->secret));
			push_header(t, &n, oc_xstrdup(
			    "anthropic-beta: oauth-2025-04-20"));
		} else
			push_header(t, &n, oc_xasprintf("x-api-key: %s",
			    t->secret));
		push_header(t, &n, oc_xstrdup(
		    "anthropic-version: 2023-06-01"));
		break;
	case K_GOOGLE:
		/* the key in a header, not in the URL where logs keep it */
		t->url = oc_xasprintf("%s/models?pageSize=1", base);
		push_header(t, &n, oc_xasprintf("x-goog-api-key: %s",
		    t->secret));
		break;
	case K_OPENROUTER:
		t->url = oc_xasprintf("%s/key", base);
		push_header(t, &n, oc_xasprintf("Authorization: Bearer %s",
		    t->secret));
		break;
	default:
		t->url = oc_xasprintf("%s/models", base);
		push_header(t, &n, oc_xasprintf("Authorization: Bearer %s",
		    t->secret));
		break;
	}
	push_header(t, &n, oc_xstrdup("Accept: application/json"));
	res->request = oc_xasprintf("GET %s", t->url);
}

static void
target_free(struct target *t)
{
	size_t i;

	free(t->url);
	oc_secret_free(t->secret);
	for (i = 0; t->headers != NULL && t->headers[i]; i++)
		oc_secret_free(t->headers[i]);
	free(t->headers);
}

/* ---- which credentials ---- */

static struct oc_probe_result *
new_result(struct oc_probe_set *s, size_t *cap, const char *provider)
{
	struct oc_probe_result *r;

	if (s->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		s->r = oc_xrealloc(s->r, *cap * sizeof *s->r);
	}
	r = &s->r[s->n++];
	memset(r, 0, sizeof *r);
	r->provider = oc_xstrdup(provider);
	r->latency_ms = -1;
	r->hindex = -1;
	return r;
}

/* A result without a request; msg is owned by it. */
static void
skip(struct oc_probe_result *r, const char *status, const char *reason,
    char *msg)
{
	r->status = status;
	r->reason_code = reason;
	r->error = msg;
}

static char *
no_request_msg(const char *provider)
{
	char *e = oc_provider_env_dup(provider);
	char *m = oc_xasprintf("no probe request known for %s: set "
	    "models.providers.%s.baseUrl or OC_PROBE_BASE_URL_%s", provider,
	    provider, e);

	free(e);
	return m;
}

/* The explicit order for a provider, as resolveAuthProfileOrder takes
 * it: the store's (merged) order, else config auth.order; NULL when none
 * or empty. */
static json_object *
explicit_order(struct oc_store *st, json_object *config, const char *provider)
{
	json_object *o = oc_store_order(st, provider);

	if (o == NULL) {
		json_object *co = oc_json_get_obj(oc_json_get_obj(config,
		    "auth"), "order");

		if (co != NULL) {
			json_object_object_foreach(co, k, v) {
				char *n = oc_provider_norm_dup(k);
				int m = strcmp(n, provider) == 0;

				free(n);
				if (m) {
					o = v;
					break;
				}
			}
		}
	}
	if (o == NULL || !json_object_is_type(o, json_type_array) ||
	    json_object_array_length(o) == 0)
		return NULL;
	return o;
}

static int
in_array(json_object *a, const char *id)
{
	size_t i, n = json_object_array_length(a);

	for (i = 0; i < n; i++) {
		const char *s = json_object_get_string(
		    json_object_array_get_idx(a, i));

		if (s != NULL && strcmp(s, id) == 0)
			return 1;
	}
	return 0;
}

/*
 * The secret a profile would be sent with, or the reason it is not
 * probed (the eligibility rules of OpenClaw's probe planner: a token that
 * is missing, expired or has an invalid "expires", a ref that does not
 * resolve). An oauth profile whose access token has expired is not probed
 * either: OpenClaw would refresh it first, and refreshing is oc-sync's job
 * (and never ours for tokens another CLI owns).
 */
static int
profile_secret(const struct oc_ctx *ctx, const struct oc_hprofile *hp,
    struct oc_probe_result *r, char **secret, struct oc_err *err)
{
	const struct oc_cred *c = hp->c;
	struct oc_err rerr;
	int rc = 0;

	(void)err;
	*secret = NULL;
	if (hp->ctype == OC_CT_TOKEN && (hp->status == OC_HS_MISSING ||
	    hp->status == OC_HS_EXPIRED)) {
		skip(r, "unknown", hp->reason, oc_xasprintf("not probed: %s",
		    hp->reason));
		goto out;
	}
	if (hp->ctype == OC_CT_OAUTH && !oc_rules_secret_string(c->secret) &&
	    !oc_rules_secret_string(c->refresh)) {
		skip(r, "unknown", "missing_credential", oc_xstrdup(
		    "not probed: no access or refresh token"));
		goto out;
	}
	if (hp->ctype == OC_CT_OAUTH && hp->has_expiry &&
	    hp->remaining_ms <= 0) {
		skip(r, "unknown", "expired", oc_xstrdup(hp->refreshable ?
		    "not probed: access token expired (refreshable: "
		    "oc-sync --refresh)" : "not probed: access token expired"));
		goto out;
	}
	if (!oc_rules_secret_string(c->secret) && c->ref_json == NULL) {
		skip(r, "unknown", "missing_credential", oc_xstrdup(
		    "not probed: no secret and no SecretRef"));
		goto out;
	}
	/* inline, "${VAR}", keyRef/tokenRef: a ref that does not resolve
	 * (unset, insecure file, failing command) is this profile's result,
	 * not the run's */
	oc_err_clear(&rerr);
	if (oc_secretref_resolve_cred(ctx, c, secret, &rerr) == -1) {
		*secret = NULL;
		skip(r, "unknown", "unresolved_ref", oc_xstrdup(rerr.msg));
		goto out;
	}
	if (!oc_rules_secret_input(*secret)) {
		oc_secret_free(*secret);
		*secret = NULL;
		skip(r, "unknown", "missing_credential", oc_xstrdup(
		    "not probed: empty secret"));
		goto out;
	}
	rc = 1;
out:
	return rc;
}

/* A config apiKey: a literal, or the name of an env variable (OpenClaw's
 * env-var markers). SecretRef objects are left to the gateway. */
static char *
config_secret(const struct oc_ctx *ctx, const char *provider)
{
	json_object *k = oc_json_get(oc_config_provider(ctx->config,
	    provider, NULL), "apiKey");
	const char *s, *p;

	if (k == NULL || !json_object_is_type(k, json_type_string))
		return NULL;
	s = json_object_get_string(k);
	for (p = s; *p && (isupper((unsigned char)*p) ||
	    isdigit((unsigned char)*p) || *p == '_'); p++)
		;
	if (*p == '\0' && p != s && isupper((unsigned char)*s) &&
	    strstr(s, "_") != NULL) {
		const char *v = getenv(s);

		return oc_rules_secret_input(v) ? oc_xstrdup(v) : NULL;
	}
	return oc_rules_secret_input(s) ? oc_xstrdup(s) : NULL;
}

static void
trim_secret(char *s)
{
	char *p = s, *e;

	while (isspace((unsigned char)*p))
		p++;
	memmove(s, p, strlen(p) + 1);
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
}

static void
add_target(struct target **tv, size_t *nt, struct oc_probe_set *s,
    struct oc_probe_result *r, enum kind k, const char *base, char *secret)
{
	struct target *t;

	*tv = oc_xrealloc(*tv, (*nt + 1) * sizeof **tv);
	t = &(*tv)[(*nt)++];
	memset(t, 0, sizeof *t);
	t->ri = (size_t)(r - s->r);
	t->kind = k;
	trim_secret(secret);
	t->secret = secret;
	build_request(t, r, base);
}

/* Replace every copy of secret in s (owned) by its mask: some providers
 * echo the key they were sent in their error message. */
static char *
scrub(char *s, const char *secret)
{
	size_t n = strlen(secret);
	struct oc_buf b = { 0 };
	char *p, *m, *out;

	if (n < 4 || strstr(s, secret) == NULL)
		return s;
	m = oc_mask_dup(secret);
	for (p = s; *p;) {
		char *q = strstr(p, secret);

		if (q == NULL) {
			oc_buf_adds(&b, p);
			break;
		}
		oc_buf_add(&b, p, (size_t)(q - p));
		oc_buf_adds(&b, m);
		p = q + n;
	}
	out = oc_xstrdup(b.data != NULL ? b.data : "");
	oc_buf_free(&b);
	free(m);
	oc_secret_free(s);
	return out;
}

/* Turn the helper's answer into a status. */
static void
judge(struct oc_probe_result *r, const struct oc_http_res *h,
    const char *secret)
{
	const char *body = h->body != NULL ? h->body : "";

	r->http_status = h->status;
	r->latency_ms = h->elapsed_ms;
	r->status = oc_rules_probe_status(h->status, h->error, body);
	if (h->status == 0 && h->error != NULL &&
	    strcmp(h->error, OC_HTTP_DEADLINE) == 0) {
		/* -t: the run ended before this answer came */
		r->status = "timeout";
		r->reason_code = "deadline";
		r->unfinished = 1;
		r->latency_ms = -1;
		r->error = oc_xstrdup("not finished by the deadline");
	} else if (h->status == 0) {
		r->error = oc_xasprintf("no answer: %s", h->error ?
		    h->error : "unknown error");
	} else if (strcmp(r->status, "ok") == 0) {
		json_object *j = json_tokener_parse(body);

		if (j == NULL || !json_object_is_type(j, json_type_object)) {
			r->status = "unknown";
			r->error = oc_xasprintf("HTTP %ld but the body is "
			    "not JSON: not the provider's API?", h->status);
		}
		if (j != NULL)
			oc_json_wipe_put(j);
	} else {
		/* the provider's message, first line, bounded: never the
		 * request, so never the secret */
		size_t n = strcspn(body, "\r\n");

		r->error = oc_xasprintf("HTTP %ld%s%.*s", h->status,
		    n ? ": " : "", (int)(n > 200 ? 200 : n), body);
	}
	if (r->error != NULL)
		r->error = scrub(r->error, secret);
	if (contains_ci(body, CLAUDE_CODE_ONLY))
		r->hint = "this token is only authorized for Claude Code: "
		    "use an Anthropic API key (sk-ant-api03-...) instead";
	r->failed = strcmp(r->status, "auth") == 0 ||
	    strcmp(r->status, "billing") == 0;
}

int
oc_probe_run(struct oc_probe_set *s, const struct oc_ctx *ctx,
    struct oc_health *h, const struct oc_probe_opts *o,
    struct oc_err *err)
{
	struct target *tv = NULL;
	struct oc_http_req *reqs = NULL;
	struct oc_http_res *res = NULL;
	size_t cap = 0, nt = 0, i, j;
	const struct oc_hscope *sc = h->scope;
	int64_t t0 = oc_time_mono_ms();
	int rc = -1;

	memset(s, 0, sizeof *s);
	for (i = 0; i < h->nprov; i++) {
		const struct oc_hprovider *pv = &h->prov[i];
		json_object *order;
		char *base = NULL, *secret = NULL;
		enum kind k;
		size_t nprof = 0;

		/* what is probed is what is judged: the health's scope */
		if (sc != NULL && sc->provider != NULL &&
		    strcmp(sc->provider, pv->id) != 0)
			continue;
		k = resolve_base(ctx, pv->id, &base);
		order = explicit_order(&h->store, ctx->config,
		    pv->id);
		for (j = 0; j < h->np; j++) {
			const struct oc_hprofile *hp = &h->p[j];
			struct oc_probe_result *r;
			int x;

			if (hp->status == OC_HS_IGNORED ||
			    strcmp(hp->provider, pv->id) != 0)
				continue;
			if (hp->out_of_scope)
				continue;
			nprof++;
			r = new_result(s, &cap, pv->id);
			r->profile_id = hp->id;
			r->hindex = (long)j;
			r->label = oc_xstrdup(hp->id);
			r->source = "profile";
			r->mode = hp->type;
			if (order != NULL && !in_array(order, hp->id)) {
				skip(r, "unknown", "excluded_by_auth_order",
				    oc_xstrdup("excluded by the auth order for "
				    "this provider"));
				continue;
			}
			if ((x = profile_secret(ctx, hp, r, &secret,
			    err)) == -1) {
				free(base);
				goto out;
			}
			if (x == 0)
				continue;
			if (k == K_NONE) {
				oc_secret_free(secret);
				skip(r, "no_model", "no_model",
				    no_request_msg(pv->id));
				continue;
			}
			add_target(&tv, &nt, s, r, k, base, secret);
		}
		if (nprof == 0 && oc_health_scope_has(sc, pv->id, NULL)) {
			/* no profiles: the env key, else the config key */
			struct oc_envkey ek = { NULL, NULL };
			const char *var = NULL;
			struct oc_probe_result *r;

			if (oc_envkeys_gateway(pv->id, &ek)) {
				var = ek.var;
				secret = ek.value;
			} else
				secret = config_secret(ctx, pv->id);
			if (secret == NULL) {
				free(base);
				continue;
			}
			r = new_result(s, &cap, pv->id);
			r->label = var ? oc_xasprintf("env:%s", var) :
			    oc_xstrdup("config");
			r->source = var ? "env" : "config";
			r->mode = var && strstr(var, "OAUTH_TOKEN") ? "oauth" :
			    "api_key";
			if (k == K_NONE) {
				oc_secret_free(secret);
				skip(r, "no_model", "no_model",
				    no_request_msg(pv->id));
			} else
				add_target(&tv, &nt, s, r, k, base, secret);
			free(ek.var);
		}
		free(base);
	}

	if (nt > 0) {
		struct oc_http_opts ho;
		long each = o->timeout_ms;

		if (o->deadline > 0) {
			/* no request outlives the deadline */
			int64_t left = oc_time_mono_left(o->deadline);

			if (each <= 0 || left < each)
				each = (long)left;
		}
		reqs = oc_xcalloc(nt, sizeof *reqs);
		for (i = 0; i < nt; i++) {
			snprintf(tv[i].id, sizeof tv[i].id, "%zu", i);
			reqs[i].id = tv[i].id;
			reqs[i].method = "GET";
			reqs[i].url = tv[i].url;
			reqs[i].headers = (const char *const *)tv[i].headers;
			reqs[i].timeout_ms = each;
		}
		memset(&ho, 0, sizeof ho);
		ho.concurrency = o->concurrency;
		ho.deadline = o->deadline;
		ho.progress = o->progress;
		ho.arg = o->arg;
		if (oc_http_run_opts(reqs, nt, &ho, &res, err) == -1)
			goto out;
		for (i = 0; i < nt; i++)
			judge(&s->r[tv[i].ri], &res[i], tv[i].secret);
	}
	for (i = 0; i < s->n; i++) {
		s->nfailed += s->r[i].failed;
		s->nunfinished += s->r[i].unfinished;
		s->nsent += s->r[i].request != NULL;
		s->nreached += s->r[i].http_status > 0;
	}
	s->duration_ms = (long)(oc_time_mono_ms() - t0);
	rc = 0;
out:
	if (res != NULL)
		oc_http_res_free(res, nt);
	free(reqs);
	for (i = 0; i < nt; i++)
		target_free(&tv[i]);
	free(tv);
	if (rc == -1)
		oc_probe_set_free(s);
	return rc;
}

void
oc_probe_set_free(struct oc_probe_set *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->r[i].provider);
		free(s->r[i].label);
		free(s->r[i].request);
		free(s->r[i].error);
	}
	free(s->r);
	memset(s, 0, sizeof *s);
}
