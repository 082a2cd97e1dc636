/* SPDX-License-Identifier: ISC */
/*
 * oauth.c - refreshing the OAuth access tokens of profiles OpenClaw owns.
 *
 * Refresh tokens are single-use at most providers: two programs refreshing
 * the same one log the user out. So the store lock is held across the whole
 * exchange (re-read, request, write), exactly as OpenClaw does, and the
 * request is bounded (OC_OAUTH_TIMEOUT_MS) to keep the hold far below the
 * lock's 30 s staleness. Profiles another CLI owns (anthropic:claude-cli,
 * anything with managedBy) are never refreshed here.
 *
 * Per provider, the endpoint, body and expiry rule are OpenClaw 2026.3.24's;
 * OC_OAUTH_TOKEN_URL_<PROVIDER> overrides an endpoint (tests).
 */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

#include "oc.h"

#define EARLY_MS (5 * 60 * 1000LL)	/* anthropic, google: 5 min early */
#define CHUTES_MIN_MS 30000LL		/* chutes: at least 30 s */

enum body_kind { BODY_JSON, BODY_FORM };

struct rule {
	const char *provider;
	const char *url;
	enum body_kind body;
	int need_expires_in;	/* a response without expires_in is bad */
};

/* No Google client secret is built in: the one OpenClaw uses belongs to
 * the Gemini CLI, so refresh happens only when the user configures one. */
static const struct rule rules[] = {
	{ "anthropic", "https://platform.claude.com/v1/oauth/token",
	    BODY_JSON, 1 },
	{ "openai-codex", "https://auth.openai.com/oauth/token", BODY_FORM,
	    1 },
	{ "chutes", "https://api.chutes.ai/idp/token", BODY_FORM, 0 },
	{ "google-gemini-cli", "https://oauth2.googleapis.com/token",
	    BODY_FORM, 1 },
};

#define ANTHROPIC_CLIENT_ID "9d1c250a-e61b-44d9-88ed-5944d1962f5e"
#define CODEX_CLIENT_ID "app_EMoamEEZ73f0CkXaXp7hrann"

static const struct rule *
rule_for(const char *provider)
{
	size_t i;

	for (i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (strcmp(rules[i].provider, provider) == 0)
			return &rules[i];
	return NULL;
}

static const char *
env_nonempty(const char *name)
{
	const char *v = getenv(name);

	while (v != NULL && isspace((unsigned char)*v))
		v++;
	return v != NULL && *v != '\0' ? v : NULL;
}

/* A trimmed copy of a member or variable, or NULL. */
static char *
trimmed_dup(const char *s)
{
	size_t n;

	if (s == NULL)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return n > 0 ? oc_xstrndup(s, n) : NULL;
}

/* Chutes: the profile's clientId, else CHUTES_CLIENT_ID. */
static char *
chutes_client_id_dup(json_object *p)
{
	char *id = trimmed_dup(oc_json_get_str(p, "clientId"));

	return id != NULL ? id : trimmed_dup(env_nonempty("CHUTES_CLIENT_ID"));
}

/* Gemini CLI: the profile's clientId/clientSecret, else OpenClaw's
 * variables for its Gemini login. */
static char *
gemini_client_dup(json_object *p, int secret)
{
	const char *k = secret ? "clientSecret" : "clientId";
	char *v = trimmed_dup(oc_json_get_str(p, k));

	if (v == NULL)
		v = trimmed_dup(env_nonempty(secret ?
		    "OPENCLAW_GEMINI_OAUTH_CLIENT_SECRET" :
		    "OPENCLAW_GEMINI_OAUTH_CLIENT_ID"));
	if (v == NULL)
		v = trimmed_dup(env_nonempty(secret ?
		    "GEMINI_CLI_OAUTH_CLIENT_SECRET" :
		    "GEMINI_CLI_OAUTH_CLIENT_ID"));
	return v;
}

/* The command that re-authenticates a profile (static text). */
static const char *
oc_oauth_login_hint(const char *id, const char *provider)
{
	if (id != NULL && strcmp(id, "anthropic:claude-cli") == 0)
		return "claude (then /login), then oc-sync --claude";
	if (provider == NULL)
		return "openclaw configure";
	if (strcmp(provider, "anthropic") == 0)
		return "openclaw models auth login --provider anthropic";
	if (strcmp(provider, "openai-codex") == 0)
		return "openclaw models auth login --provider openai-codex";
	if (strcmp(provider, "chutes") == 0)
		return "openclaw models auth login --provider chutes";
	if (strcmp(provider, "google-gemini-cli") == 0)
		return "openclaw models auth login --provider google-gemini-cli";
	return "openclaw configure";
}

const char *
oc_oauth_skip_reason(const char *id, json_object *p)
{
	struct oc_cred c;
	const char *reason = NULL;
	char *prov;

	if (p == NULL || !json_object_is_type(p, json_type_object))
		return "not a profile";
	oc_cred_parse_json(&c, id, p, OC_RULES_2026_3);
	if (c.type != OC_CT_OAUTH)
		reason = "not oauth";
	else if (strcmp(id, "anthropic:claude-cli") == 0)
		reason = "owned by Claude Code";
	else if (c.managed_by != NULL)
		reason = strcmp(c.managed_by, "codex-cli") == 0 ?
		    "managed by codex-cli" : "managed by another CLI";
	else if (!oc_rules_secret_string(c.refresh))
		reason = "no refresh token";
	else if (c.provider_raw == NULL)
		reason = "no provider";
	if (reason != NULL) {
		oc_cred_free(&c);
		return reason;
	}
	prov = oc_provider_norm_dup(c.provider_raw);
	oc_cred_free(&c);
	if (rule_for(prov) == NULL)
		reason = "no refresh rule for this provider";
	else if (strcmp(prov, "chutes") == 0) {
		char *cid = chutes_client_id_dup(p);

		if (cid == NULL)
			reason = "no client id (set CHUTES_CLIENT_ID)";
		free(cid);
	} else if (strcmp(prov, "google-gemini-cli") == 0) {
		char *cid = gemini_client_dup(p, 0);
		char *sec = gemini_client_dup(p, 1);

		if (cid == NULL || sec == NULL)
			reason = "no OAuth client configured "
			    "(set GEMINI_CLI_OAUTH_CLIENT_ID and _SECRET)";
		free(cid);
		oc_secret_free(sec);
	}
	free(prov);
	return reason;
}

/* application/x-www-form-urlencoded, as URLSearchParams writes it. */
static void
form_add(struct oc_buf *b, const char *k, const char *v)
{
	const char *s;

	if (b->len > 0)
		oc_buf_addc(b, '&');
	oc_buf_adds(b, k);
	oc_buf_addc(b, '=');
	for (s = v; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '*' || c == '-' || c == '.' || c == '_')
			oc_buf_addc(b, (char)c);
		else if (c == ' ')
			oc_buf_addc(b, '+');
		else
			oc_buf_addf(b, "%%%02X", c);
	}
}

static char *
token_url_dup(const struct rule *r)
{
	char *env = oc_provider_env_dup(r->provider);
	char *name = oc_xasprintf("OC_OAUTH_TOKEN_URL_%s", env);
	const char *v = env_nonempty(name);
	char *url = oc_xstrdup(v != NULL ? v : r->url);

	free(name);
	free(env);
	return url;
}

/* The request body for the provider's refresh grant. */
static int
build_body(const struct rule *r, json_object *p, const char *refresh,
    struct oc_buf *b, char **client_id, struct oc_err *err)
{
	*client_id = NULL;
	if (r->body == BODY_JSON) {
		/* anthropic: key order as OpenClaw's JSON.stringify. */
		json_object *o = json_object_new_object();

		json_object_object_add(o, "grant_type",
		    json_object_new_string("refresh_token"));
		json_object_object_add(o, "client_id",
		    json_object_new_string(ANTHROPIC_CLIENT_ID));
		json_object_object_add(o, "refresh_token",
		    json_object_new_string(refresh));
		oc_json_dump(b, o, 0);
		oc_json_wipe_put(o);
		return 0;
	}
	if (strcmp(r->provider, "openai-codex") == 0) {
		form_add(b, "grant_type", "refresh_token");
		form_add(b, "refresh_token", refresh);
		form_add(b, "client_id", CODEX_CLIENT_ID);
	} else if (strcmp(r->provider, "chutes") == 0) {
		char *secret = trimmed_dup(env_nonempty("CHUTES_CLIENT_SECRET"));

		*client_id = chutes_client_id_dup(p);
		if (*client_id == NULL) {
			oc_err_set(err, OC_EX_NEG, "chutes: no client id: set "
			    "CHUTES_CLIENT_ID or log in again");
			return -1;
		}
		form_add(b, "grant_type", "refresh_token");
		form_add(b, "client_id", *client_id);
		form_add(b, "refresh_token", refresh);
		if (secret != NULL)
			form_add(b, "client_secret", secret);
		oc_secret_free(secret);
	} else {
		char *cid = gemini_client_dup(p, 0);
		char *sec = gemini_client_dup(p, 1);

		if (cid == NULL || sec == NULL) {
			free(cid);
			oc_secret_free(sec);
			oc_err_set(err, OC_EX_NEG, "google-gemini-cli: no OAuth "
			    "client: set GEMINI_CLI_OAUTH_CLIENT_ID and "
			    "GEMINI_CLI_OAUTH_CLIENT_SECRET");
			return -1;
		}
		form_add(b, "client_id", cid);
		form_add(b, "client_secret", sec);
		form_add(b, "refresh_token", refresh);
		form_add(b, "grant_type", "refresh_token");
		free(cid);
		oc_secret_free(sec);
	}
	return 0;
}

/* An error code from a body, reduced to [A-Za-z0-9_.-] so that nothing
 * the server sends can smuggle a secret or a control byte into output. */
static void
safe_code(const char *s, char *out, size_t sz)
{
	size_t n = 0;

	for (; s != NULL && *s && n + 1 < sz; s++)
		if (isalnum((unsigned char)*s) || *s == '_' || *s == '-' ||
		    *s == '.')
			out[n++] = *s;
	out[n] = '\0';
}

static int
contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; hay != NULL && *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

/*
 * A refused refresh. OAuth servers say {"error":"invalid_grant",
 * "error_description":...}; OpenAI's may nest it as {"error":{"code",
 * "message"}}. A dead refresh token means logging in again.
 */
static void
refused(const char *id, const struct rule *r, const struct oc_http_res *res,
    struct oc_err *err)
{
	static const char *const dead[] = { "invalid_grant",
	    "refresh_token_reused", "refresh_token_expired",
	    "refresh_token_invalidated", "token_revoked", "invalid_token" };
	json_object *o = NULL, *e;
	const char *code = NULL, *desc = NULL;
	char safe[65];
	struct oc_err ignore;
	size_t i;
	int reauth = 0;

	if (res->body != NULL && oc_json_parse("response", res->body,
	    res->body_len, &o, &ignore) == 0) {
		e = oc_json_get(o, "error");
		if (e != NULL && json_object_is_type(e, json_type_string))
			code = json_object_get_string(e);
		else if (e != NULL && json_object_is_type(e,
		    json_type_object)) {
			code = oc_json_get_str(e, "code");
			if (code == NULL)
				code = oc_json_get_str(e, "type");
			desc = oc_json_get_str(e, "message");
		}
		if (desc == NULL)
			desc = oc_json_get_str(o, "error_description");
	}
	safe_code(code, safe, sizeof safe);
	for (i = 0; i < sizeof dead / sizeof dead[0]; i++)
		if (strcmp(safe, dead[i]) == 0)
			reauth = 1;
	if (contains_ci(desc, "revoked") || contains_ci(code, "revoked") ||
	    contains_ci(desc, "reused"))
		reauth = 1;
	if (reauth)
		oc_err_set(err, OC_EX_NEG, "%s: re-authentication required "
		    "(%s): the refresh token is no longer valid; run: %s", id,
		    *safe ? safe : "revoked",
		    oc_oauth_login_hint(id, r->provider));
	else
		oc_err_set(err, OC_EX_NEG, "%s: the token endpoint refused the "
		    "refresh (HTTP %ld%s%s); if it persists, run: %s", id,
		    res->status, *safe ? ", " : "", safe,
		    oc_oauth_login_hint(id, r->provider));
	if (o != NULL)
		oc_json_wipe_put(o);
}

struct tokens {
	char *access;
	char *refresh;		/* NULL: keep the stored one */
	int64_t expires;
	char *account_id;	/* openai-codex */
	char *client_id;	/* chutes */
};

static void
tokens_free(struct tokens *t)
{
	oc_secret_free(t->access);
	oc_secret_free(t->refresh);
	free(t->account_id);
	free(t->client_id);
	memset(t, 0, sizeof *t);
}

static int
parse_tokens(const char *id, const struct rule *r,
    const struct oc_http_res *res, int64_t now, struct tokens *t,
    struct oc_err *err)
{
	json_object *o = NULL, *ei;
	struct oc_err perr;
	const char *access, *refresh;
	double exp_in = 0;
	int64_t e;

	if (oc_json_parse("token response", res->body, res->body_len, &o,
	    &perr) == -1 || !json_object_is_type(o, json_type_object)) {
		if (o != NULL)
			oc_json_wipe_put(o);
		oc_err_set(err, OC_EX_DATAERR, "%s: malformed token response "
		    "(not a JSON object); the profile is unchanged", id);
		return -1;
	}
	access = oc_json_get_str(o, "access_token");
	refresh = oc_json_get_str(o, "refresh_token");
	ei = oc_json_get(o, "expires_in");
	if (ei != NULL && (json_object_is_type(ei, json_type_int) ||
	    json_object_is_type(ei, json_type_double)))
		exp_in = json_object_get_double(ei);
	else if (ei != NULL || r->need_expires_in) {
		oc_json_wipe_put(o);
		oc_err_set(err, OC_EX_DATAERR, "%s: malformed token response "
		    "(no numeric expires_in); the profile is unchanged", id);
		return -1;
	}
	{
		char *a = trimmed_dup(access);

		if (a == NULL || !(exp_in == exp_in) || exp_in > 1e12 ||
		    exp_in < -1e12) {
			oc_secret_free(a);
			oc_json_wipe_put(o);
			oc_err_set(err, OC_EX_DATAERR, "%s: malformed token "
			    "response (no access_token); the profile is "
			    "unchanged", id);
			return -1;
		}
		t->access = a;
	}
	/* A rotated refresh token replaces the old one; none keeps it. */
	t->refresh = trimmed_dup(refresh);
	if (strcmp(r->provider, "chutes") == 0) {
		e = now + (int64_t)(exp_in > 0 ? exp_in : 0) * 1000 -
		    EARLY_MS;
		t->expires = e > now + CHUTES_MIN_MS ? e : now + CHUTES_MIN_MS;
	} else if (strcmp(r->provider, "openai-codex") == 0)
		t->expires = now + (int64_t)(exp_in * 1000.0);
	else
		t->expires = now + (int64_t)(exp_in * 1000.0) - EARLY_MS;
	if (strcmp(r->provider, "openai-codex") == 0)
		t->account_id = oc_jwt_account_id_dup(t->access);
	oc_json_wipe_put(o);
	return 0;
}

/* The token endpoint's answer: the new tokens, or why there are none. */
static int
judge(const char *id, const struct rule *r, const struct oc_http_res *res,
    int64_t now, struct tokens *t, struct oc_err *err)
{
	if (res->status == 0) {
		oc_err_set(err, OC_EX_UNAVAILABLE, "%s: cannot reach the %s "
		    "token endpoint (%s); the profile is unchanged", id,
		    r->provider, res->error ? res->error : "no response");
	} else if (res->status >= 500 || res->status == 408 ||
	    res->status == 429) {
		oc_err_set(err, OC_EX_UNAVAILABLE, "%s: the %s token endpoint "
		    "answered HTTP %ld; the profile is unchanged, try again "
		    "later", id, r->provider, res->status);
	} else if (res->status >= 400) {
		refused(id, r, res, err);
	} else if (res->status < 200 || res->status >= 300) {
		oc_err_set(err, OC_EX_UNAVAILABLE, "%s: the %s token endpoint "
		    "answered HTTP %ld; the profile is unchanged", id,
		    r->provider, res->status);
	} else
		return parse_tokens(id, r, res, now, t, err);
	return -1;
}

/* One request to the token endpoint. */
static int
request(const char *id, const struct rule *r, json_object *p,
    const char *refresh, struct tokens *t, int *unsent, struct oc_err *err)
{
	const char *json_h[] = { "Content-Type: application/json",
	    "Accept: application/json", NULL };
	const char *form_h[] = {
	    "Content-Type: application/x-www-form-urlencoded", NULL };
	struct oc_http_req req;
	struct oc_http_res *res = NULL;
	struct oc_buf body = { 0 };
	char *url, *client_id;
	int rc = -1;

	memset(t, 0, sizeof *t);
	if (build_body(r, p, refresh, &body, &client_id, err) == -1) {
		oc_buf_free(&body);
		return -1;
	}
	url = token_url_dup(r);
	memset(&req, 0, sizeof req);
	req.id = id;
	req.method = "POST";
	req.url = url;
	req.headers = r->body == BODY_JSON ? json_h : form_h;
	req.body = body.data;
	req.body_len = body.len;
	req.timeout_ms = OC_OAUTH_TIMEOUT_MS;
	if (oc_http_run(&req, 1, 1, &res, err) == -1)
		goto out;
	if (res[0].status == 0 && unsent != NULL && res[0].error != NULL &&
	    (strcmp(res[0].error, "connect") == 0 ||
	    strcmp(res[0].error, "dns") == 0))
		*unsent = 1;	/* the refresh token never left */
	if (judge(id, r, &res[0], oc_time_now_ms(), t, err) == 0) {
		t->client_id = client_id;
		client_id = NULL;
		rc = 0;
	}
out:
	if (res != NULL) {
		/* The body held the new tokens. */
		if (res[0].body != NULL)
			oc_secret_wipe(res[0].body, res[0].body_len);
		oc_http_res_free(res, 1);
	}
	if (rc == -1)
		tokens_free(t);
	free(client_id);
	free(url);
	oc_buf_free(&body);
	return rc;
}

struct refresh_arg {
	const char *id;
	int64_t within_ms;
	int64_t seen_expires;
	struct oc_refresh *res;
	/* The endpoint's answer, kept until it is stored: a refresh token
	 * is single-use, so an answer is never thrown away because the
	 * commit lost its lock (see oc_oauth_refresh_profile). */
	struct tokens t;
	char *sent_refresh;	/* the refresh token the request used */
	int have;
};

/* Write the new tokens into p; only the members a refresh renews. */
static void
apply_tokens(json_object *p, const struct tokens *t)
{
	json_object_object_add(p, "access", json_object_new_string(t->access));
	if (t->refresh != NULL)
		json_object_object_add(p, "refresh",
		    json_object_new_string(t->refresh));
	json_object_object_add(p, "expires", json_object_new_int64(t->expires));
	if (t->account_id != NULL)
		json_object_object_add(p, "accountId",
		    json_object_new_string(t->account_id));
	if (t->client_id != NULL)
		json_object_object_add(p, "clientId",
		    json_object_new_string(t->client_id));
}

/* The second pass, after the first commit lost its lock: store the answer
 * already received, unless the profile has moved on (removed, or given
 * another refresh token by someone else, whose tokens then stand). */
static int
reapply_edit(struct oc_txn *t, void *arg, struct oc_err *err)
{
	struct refresh_arg *a = arg;
	const struct oc_cred *c = oc_store_get(oc_store_txn_store(t), a->id);
	json_object *p;

	if (c == NULL || (p = oc_store_txn_profile(t, a->id)) == NULL) {
		oc_err_set(err, OC_EX_NEG, "%s: removed while it was being "
		    "refreshed; the new tokens were not stored", a->id);
		return -1;
	}
	if (c->refresh == NULL || strcmp(c->refresh, a->sent_refresh) != 0) {
		int64_t e = 0;

		oc_json_wipe_put(p);
		a->res->status = OC_REFRESH_FRESH;
		a->res->reason = "refreshed by another process";
		a->res->expires = oc_cred_expires_valid(c, &e) ? e : 0;
		return 0;
	}
	apply_tokens(p, &a->t);
	oc_store_txn_put(t, a->id, p);
	a->res->status = OC_REFRESH_REFRESHED;
	a->res->reason = NULL;
	a->res->expires = a->t.expires;
	return 1;
}

static int
refresh_edit(struct oc_txn *t, void *arg, struct oc_err *err)
{
	struct refresh_arg *a = arg;
	const struct oc_cred *c = oc_store_get(oc_store_txn_store(t), a->id);
	json_object *p = c != NULL ? oc_store_txn_profile(t, a->id) : NULL;
	const struct rule *r;
	const char *why;
	char *prov;
	int64_t now = oc_time_now_ms(), e = 0;
	int valid;

	if (c == NULL) {
		oc_err_set(err, OC_EX_NEG, "no such profile: %s (in %s)", a->id,
		    oc_store_txn_target_name(t, a->id));
		return -1;
	}
	if ((why = oc_oauth_skip_reason(a->id, p)) != NULL) {
		if (p != NULL)
			oc_json_wipe_put(p);
		a->res->status = OC_REFRESH_SKIPPED;
		a->res->reason = why;
		return 0;
	}
	valid = oc_cred_expires_valid(c, &e);
	a->res->expires = valid ? e : 0;
	/* Decided on an older reading, and the profile has changed since:
	 * another process refreshed it while we waited for the lock. */
	if ((a->seen_expires != -1 && valid && e != a->seen_expires &&
	    e > now) || (valid && e - now > a->within_ms)) {
		oc_json_wipe_put(p);
		a->res->status = OC_REFRESH_FRESH;
		a->res->reason = a->seen_expires != -1 && e != a->seen_expires ?
		    "refreshed by another process" : "not due";
		return 0;
	}
	prov = oc_provider_norm_dup(c->provider_raw);
	r = rule_for(prov);
	free(prov);
	if (r == NULL) {	/* oc_oauth_skip_reason ruled this out */
		oc_json_wipe_put(p);
		a->res->status = OC_REFRESH_SKIPPED;
		a->res->reason = "no refresh rule for this provider";
		return 0;
	}
	a->sent_refresh = oc_xstrdup(c->refresh);
	a->res->requested = 1;
	if (request(a->id, r, p, a->sent_refresh, &a->t, NULL, err) == -1) {
		oc_json_wipe_put(p);
		return -1;
	}
	a->have = 1;
	apply_tokens(p, &a->t);
	oc_store_txn_put(t, a->id, p);
	a->res->status = OC_REFRESH_REFRESHED;
	a->res->reason = NULL;
	a->res->expires = a->t.expires;
	return 1;
}

/* ---- the SQLite eras: OpenClaw's refresh claim ---- */

/* A claim id: 16 random bytes (a collision would only let two claims
 * settle each other's fence). */
static void
random_claim(unsigned char *b, size_t n)
{
	ssize_t got = -1;
	int fd;

#ifdef HAVE_GETRANDOM
	got = getrandom(b, n, 0);
#endif
	if (got != (ssize_t)n && (fd = open("/dev/urandom", O_RDONLY |
	    O_CLOEXEC)) != -1) {
		got = read(fd, b, n);
		close(fd);
	}
	if (got != (ssize_t)n) {
		size_t i;
		unsigned seed = (unsigned)getpid() ^ (unsigned)oc_time_now_ms();

		for (i = 0; i < n; i++)
			b[i] = (unsigned char)rand_r(&seed);
	}
}

/* JSON.stringify of a string, as the digests below hash it. */
static void
js_string(struct oc_buf *b, const char *s)
{
	oc_json_write_string(b, s, strlen(s));
}

/*
 * The OAuth refresh lock's file (path-resolve.ts resolveOAuthRefreshLock-
 * Path, oauthLockPathDigest): <state>/locks/oauth-refresh/lock-<digest>.lock,
 * the digest two 64-bit FNV-1a lanes over JSON.stringify([provider, id]),
 * the second with each byte plus 0x9e3779b97f4a7c15. Owned.
 */
static char *
oc_oauth_lock_path_dup(const char *state_dir, const char *provider,
    const char *id)
{
	const uint64_t P = 1099511628211ULL, G = 11400714819323198485ULL;
	uint64_t L = 14695981039346656037ULL, R = 11160318154034397263ULL;
	struct oc_buf b = { 0 };
	size_t i;
	char *path;

	oc_buf_addc(&b, '[');
	js_string(&b, provider);
	oc_buf_addc(&b, ',');
	js_string(&b, id);
	oc_buf_addc(&b, ']');
	for (i = 0; i < b.len; i++) {
		uint64_t o = (unsigned char)b.data[i];

		L = (L ^ o) * P;
		R = (R ^ (o + G)) * P;
	}
	oc_buf_free(&b);
	path = oc_xasprintf("%s/locks/oauth-refresh/lock-%016llx%016llx.lock",
	    state_dir, (unsigned long long)L, (unsigned long long)R);
	return path;
}

/*
 * One side of OpenClaw's refresh fence (oauth-refresh-marker.ts,
 * createOAuthRefreshFence): openclaw-oauth-refresh-fence:v1:<claim>:
 * [failed:]<kind>:<sha256 of JSON.stringify(["openclaw.oauth-refresh-
 * generation",1,id,provider,kind,secret])>. Owned.
 */
static char *
oc_oauth_fence_dup(const char *claim, int failed, const char *id,
    const char *provider, const char *kind, const char *secret)
{
	struct oc_buf b = { 0 };
	char hex[65], *f;

	oc_buf_adds(&b, "[\"openclaw.oauth-refresh-generation\",1,");
	js_string(&b, id);
	oc_buf_addc(&b, ',');
	js_string(&b, provider);
	oc_buf_addc(&b, ',');
	js_string(&b, kind);
	oc_buf_addc(&b, ',');
	js_string(&b, secret);
	oc_buf_addc(&b, ']');
	oc_sha256_hex(b.data, b.len, hex);
	oc_buf_free(&b);
	f = oc_xasprintf("openclaw-oauth-refresh-fence:v1:%s:%s%s:%s", claim,
	    failed ? "failed:" : "", kind, hex);
	return f;
}

struct claim_arg {
	const char *id;
	int64_t within_ms, seen_expires;
	struct oc_refresh *res;
	char claim[33];
	json_object *original;	/* the credential claimed (owned) */
	json_object *fence;	/* what the claim wrote (owned) */
	char *provider;
	int claimed;
	/* the settlement */
	struct tokens t;
	int have, unsent;
};

/* The profile with access and refresh replaced by fences (failed or
 * pending), as OpenClaw writes them: expires 1, and idToken, oauthRef and
 * copyToAgents left out. Owned. */
static json_object *
fenced(const struct claim_arg *a, int failed)
{
	json_object *f = json_object_new_object();
	char *fa, *fr;

	json_object_object_foreach(a->original, k, v) {
		json_object *copy = NULL;

		if (strcmp(k, "idToken") == 0 || strcmp(k, "oauthRef") == 0 ||
		    strcmp(k, "copyToAgents") == 0)
			continue;
		/* deep: the copy handed to a change is wiped with it */
		json_object_deep_copy(v, &copy, NULL);
		json_object_object_add(f, k, copy);
	}
	fa = oc_oauth_fence_dup(a->claim, failed, a->id, a->provider, "access",
	    oc_json_get_str(a->original, "access") ?
	    oc_json_get_str(a->original, "access") : "");
	fr = oc_oauth_fence_dup(a->claim, failed, a->id, a->provider,
	    "refresh", oc_json_get_str(a->original, "refresh"));
	json_object_object_add(f, "access", json_object_new_string(fa));
	json_object_object_add(f, "refresh", json_object_new_string(fr));
	json_object_object_add(f, "expires", json_object_new_int(1));
	free(fa);
	free(fr);
	return f;
}

/* The claim (claimOAuthRefresh): re-read; a usable credential needs no
 * refresh; a pending fence is OpenClaw refreshing it right now; a failed
 * one means re-authentication; else the pending fence goes in. */
static int
claim_edit(struct oc_txn *t, void *arg, struct oc_err *err)
{
	struct claim_arg *a = arg;
	const struct oc_cred *c = oc_store_get(oc_store_txn_store(t), a->id);
	json_object *p = c != NULL ? oc_store_txn_profile(t, a->id) : NULL;
	const char *why;
	int64_t now = oc_time_now_ms(), e = 0;
	int valid;

	if (c == NULL || p == NULL) {
		if (p != NULL)
			oc_json_wipe_put(p);
		oc_err_set(err, OC_EX_NEG, "no such profile: %s (in %s)", a->id,
		    oc_store_txn_target_name(t, a->id));
		return -1;
	}
	if (c->fence == 1) {
		oc_json_wipe_put(p);
		a->res->status = OC_REFRESH_FRESH;
		a->res->reason = "OpenClaw is refreshing it now";
		return 0;
	}
	if (c->fence == 2) {
		oc_json_wipe_put(p);
		oc_err_set(err, OC_EX_NEG, "%s: re-authentication required "
		    "(an earlier refresh failed and OpenClaw fenced the "
		    "tokens); run: %s", a->id, oc_oauth_login_hint(a->id,
		    c->provider));
		return -1;
	}
	if ((why = oc_oauth_skip_reason(a->id, p)) != NULL) {
		oc_json_wipe_put(p);
		a->res->status = OC_REFRESH_SKIPPED;
		a->res->reason = why;
		return 0;
	}
	valid = oc_cred_expires_valid(c, &e);
	a->res->expires = valid ? e : 0;
	if ((a->seen_expires != -1 && valid && e != a->seen_expires &&
	    e > now) || (valid && e - now > a->within_ms)) {
		oc_json_wipe_put(p);
		a->res->status = OC_REFRESH_FRESH;
		a->res->reason = a->seen_expires != -1 && e != a->seen_expires ?
		    "refreshed by another process" : "not due";
		return 0;
	}
	a->original = p;
	a->provider = oc_xstrdup(c->provider_raw);
	{
		unsigned char rnd[16];
		size_t i;

		random_claim(rnd, sizeof rnd);
		for (i = 0; i < 16; i++)
			snprintf(a->claim + 2 * i, 3, "%02x", rnd[i]);
	}
	a->fence = fenced(a, 0);
	/* the change wipes what it is handed: a copy of its own */
	oc_store_txn_put(t, a->id, fenced(a, 0));
	a->claimed = 1;
	return 1;
}

/* The settlement (settleOAuthRefreshClaim / markOAuthRefreshClaimFailed):
 * only while the row still holds our fence. The new tokens go over the
 * original; on failure the fence becomes a failed one (the spent refresh
 * token is not put back), unless the request never left this machine. */
static int
settle_edit(struct oc_txn *t, void *arg, struct oc_err *err)
{
	struct claim_arg *a = arg;
	json_object *cur = oc_store_txn_profile(t, a->id), *p = NULL;
	int ours = cur != NULL && oc_json_equal(cur, a->fence);

	(void)err;
	if (cur != NULL)
		oc_json_wipe_put(cur);
	if (!ours)
		return 0;
	if (a->have) {
		json_object_deep_copy(a->original, &p, NULL);
		apply_tokens(p, &a->t);
	} else if (a->unsent)
		json_object_deep_copy(a->original, &p, NULL);
	else
		p = fenced(a, 1);
	oc_store_txn_put(t, a->id, p);
	return 1;
}

static int
refresh_claimed(const struct oc_ctx *ctx, const char *id, int64_t within_ms,
    int64_t seen_expires, int wait_ms, struct oc_refresh *res,
    struct oc_err *err)
{
	struct claim_arg a;
	struct oc_store s;
	struct oc_lock lk;
	const struct oc_cred *c;
	const struct rule *r;
	char *lockpath, *dir, *prov;
	struct oc_err e2;
	int rc = -1, got;

	memset(&a, 0, sizeof a);
	a.id = id;
	a.within_ms = within_ms;
	a.seen_expires = seen_expires;
	a.res = res;
	if (oc_store_open(&s, ctx, err) == -1)
		return -1;
	c = oc_store_get(&s, id);
	if (c == NULL || c->provider_raw == NULL) {
		oc_err_set(err, OC_EX_NEG, "no such profile: %s (in %s)", id,
		    oc_store_target_name(&s));
		oc_store_close(&s);
		return -1;
	}
	lockpath = oc_oauth_lock_path_dup(ctx->paths.state_dir,
	    c->provider_raw, id);
	oc_store_close(&s);
	dir = oc_file_dirname_dup(lockpath);
	if (oc_file_mkdirs(dir, 0700, err) == -1) {
		free(dir);
		free(lockpath);
		return -1;
	}
	free(dir);
	/* OpenClaw's peers wait for this lock (about 150 s), so it is held
	 * across the request; the database is locked only for the claim and
	 * the settlement, milliseconds each. */
	if (oc_lock_acquire_oauth(&lk, lockpath, wait_ms, err) == -1) {
		free(lockpath);
		return -1;
	}
	free(lockpath);
	if (oc_store_update(ctx, wait_ms, claim_edit, &a, err) == -1)
		goto out;
	if (!a.claimed) {
		rc = 0;
		goto out;
	}
	prov = oc_provider_norm_dup(a.provider);
	r = rule_for(prov);
	free(prov);
	res->requested = 1;
	got = r != NULL && request(id, r, a.original, oc_json_get_str(
	    a.original, "refresh"), &a.t, &a.unsent, err) == 0;
	a.have = got;
	oc_err_clear(&e2);
	if (oc_store_update(ctx, wait_ms, settle_edit, &a, &e2) == -1) {
		/* the claim stays: say so, it is OpenClaw's to clear */
		if (got)
			*err = e2;
		goto out;
	}
	if (!got)
		goto out;	/* err from the request */
	res->status = OC_REFRESH_REFRESHED;
	res->reason = NULL;
	res->expires = a.t.expires;
	rc = 0;
out:
	oc_lock_release(&lk);
	if (a.have)
		tokens_free(&a.t);
	if (a.original != NULL)
		oc_json_wipe_put(a.original);
	if (a.fence != NULL)
		oc_json_wipe_put(a.fence);
	free(a.provider);
	if (rc == -1)
		res->status = OC_REFRESH_FAILED;
	return rc;
}

int
oc_oauth_refresh_profile(const struct oc_ctx *ctx, const char *id,
    int64_t within_ms, int64_t seen_expires, int wait_ms,
    struct oc_refresh *res, struct oc_err *err)
{
	struct refresh_arg a;
	int r;

	memset(res, 0, sizeof *res);
	memset(&a, 0, sizeof a);
	res->status = OC_REFRESH_FAILED;
	{
		/* The SQLite eras: OpenClaw's claim protocol (the lock alone
		 * does not keep its own refresh out). */
		struct oc_store s;
		enum oc_era era;

		if (oc_store_open(&s, ctx, err) == -1)
			return -1;
		era = s.era;
		oc_store_close(&s);
		if (era >= OC_ERA_C)
			return refresh_claimed(ctx, id, within_ms, seen_expires,
			    wait_ms, res, err);
	}
	a.id = id;
	a.within_ms = within_ms;
	a.seen_expires = seen_expires;
	a.res = res;
	r = oc_store_update(ctx, wait_ms, refresh_edit, &a, err);
	/* The request outlived the lock (a stalled process, a slow
	 * endpoint): the answer is in hand and the old refresh token is
	 * spent, so store it under a new lock rather than lose it. */
	if (r == -1 && a.have && err->code == OC_EX_TEMPFAIL) {
		oc_err_clear(err);
		r = oc_store_update(ctx, wait_ms, reapply_edit, &a, err);
	}
	if (a.have)
		tokens_free(&a.t);
	oc_secret_free(a.sent_refresh);
	if (r == -1) {
		res->status = OC_REFRESH_FAILED;
		return -1;
	}
	return 0;
}

int
oc_oauth_refresh(const struct oc_ctx *ctx, const char *profile_id,
    int wait_ms, struct oc_err *err)
{
	struct oc_refresh res;

	if (oc_oauth_refresh_profile(ctx, profile_id, 0, -1, wait_ms, &res,
	    err) == -1)
		return -1;
	if (res.status == OC_REFRESH_SKIPPED) {
		char *prov = oc_provider_of_profile_dup(profile_id);

		/* Another CLI's login is renewed by that CLI. */
		oc_err_set(err, OC_EX_NEG, "%s: not refreshed: %s; run: %s",
		    profile_id, res.reason,
		    strcmp(res.reason, "managed by codex-cli") == 0 ?
		    "codex (it renews its own login), then oc-sync --codex" :
		    oc_oauth_login_hint(profile_id, prov));
		free(prov);
		return -1;
	}
	return 0;
}

int
oc_oauth_answer(const char *id, const char *provider,
    const struct oc_http_res *res, int64_t now, json_object *profile,
    struct oc_err *err)
{
	const struct rule *r = rule_for(provider);
	struct tokens t;

	memset(&t, 0, sizeof t);
	if (r == NULL) {
		oc_err_set(err, OC_EX_USAGE, "%s: no refresh rule for %s", id,
		    provider);
		return -1;
	}
	if (judge(id, r, res, now, &t, err) == -1)
		return -1;
	apply_tokens(profile, &t);
	tokens_free(&t);
	return 0;
}
