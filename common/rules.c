/* SPDX-License-Identifier: ISC */
/*
 * rules.c - OpenClaw's policies over credentials, side by side, each written
 * once and named after the OpenClaw function it mirrors. Every command that
 * judges a credential asks here: oc-profile (list STATE), oc-order
 * (--effective), oc-check (verdict, probes) and oc-keys (which key).
 *
 * A policy that changed between releases takes the rule set of the store
 * era (oc_store_rules): OC_RULES_2026_3 for the JSON-file eras, as
 * 2026.3.24 judges; OC_RULES_2026_9 for the shared SQLite store, as
 * 2026.9.6 judges.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oc.h"

const char *
oc_rules_name(enum oc_rules r)
{
	switch (r) {
	case OC_RULES_2026_9:
		return "openclaw-2026.9.6";
	case OC_RULES_2026_7:
		return "openclaw-2026.7.35";
	default:
		return "openclaw-2026.3.24";
	}
}

/* ---- is a secret there ---- */

/* normalizeSecretInputString (types.secrets.ts): a string that is not
 * empty after String.prototype.trim. Used for stored keys, tokens, access
 * and refresh tokens, and providers. */
int
oc_rules_secret_string(const char *s)
{
	size_t l;

	if (s == NULL)
		return 0;
	while (*s != '\0') {
		if ((l = oc_text_js_space_len(s)) == 0)
			return 1;
		s += l;
	}
	return 0;
}

/* normalizeSecretInput (normalize-secret-input.ts): line breaks removed,
 * code points above U+00FF dropped, then trimmed; it counts when something
 * is left. Used for pasted secrets and environment keys. */
int
oc_rules_secret_input(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL)
		return 0;
	while (*p) {
		if (*p < 0x80) {
			if (oc_text_js_space_len((const char *)p) == 0)
				return 1;
			p++;
		} else if ((*p == 0xc2 || *p == 0xc3) && (p[1] & 0xc0) == 0x80) {
			/* U+0080..U+00FF stay; U+00A0 is trimmed, U+0085 is
			 * not white space to JS but the line-break pass keeps
			 * it and trim does not remove it: it counts */
			if (!(*p == 0xc2 && p[1] == 0xa0))
				return 1;
			p += 2;
		} else
			p++;	/* dropped: above U+00FF or a stray byte */
	}
	return 0;
}

/* coerceSecretRef (types.secrets.ts): {source, provider, id} with exactly
 * those members, the legacy {source, id}, or a "${VAR}" string. */
int
oc_rules_secret_ref(json_object *r)
{
	const char *src, *id, *p;

	if (r == NULL)
		return 0;
	if (json_object_is_type(r, json_type_string)) {
		const char *s = json_object_get_string(r), *q;
		size_t n, l;

		while ((l = oc_text_js_space_len(s)) != 0)
			s += l;
		n = strlen(s);
		while (n > 0 && s[n - 1] == ' ')
			n--;
		if (n < 4 || strncmp(s, "${", 2) != 0 || s[n - 1] != '}' ||
		    n - 3 > 128 || s[2] < 'A' || s[2] > 'Z')
			return 0;
		for (q = s + 2; q < s + n - 1; q++)
			if (!((*q >= 'A' && *q <= 'Z') || (*q >= '0' &&
			    *q <= '9') || *q == '_'))
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
	if (!oc_rules_secret_string(id))
		return 0;
	if (oc_json_get(r, "provider") == NULL)
		return 1;	/* legacy: the default provider */
	p = oc_json_get_str(r, "provider");
	return json_object_object_length(r) == 3 && oc_rules_secret_string(p);
}

/* resolveTokenExpiryState's "valid": a finite number > 0, and from
 * 2026.9 no more than 8.64e15 (the largest JavaScript date). */
static int
expires_ok(const struct oc_cred *c, enum oc_rules rules, int64_t *e)
{
	if (!oc_cred_expires_valid(c, e))
		return 0;
	return rules != OC_RULES_2026_9 || *e <= 8640000000000000LL;
}

/* 2026.9's malformed_api_key: the text of an onboarding command pasted
 * for a key, /^openclaw\s+onboard(\s.*)?\s+--auth-choice(\s|=|$)/i. */
static int
malformed_key(const char *k)
{
	const char *p;

	if (k == NULL || strncasecmp(k, "openclaw", 8) != 0 ||
	    oc_text_js_space_len(k + 8) == 0)
		return 0;
	for (p = k + 8; oc_text_js_space_len(p) != 0;
	    p += oc_text_js_space_len(p))
		;
	if (strncasecmp(p, "onboard", 7) != 0)
		return 0;
	for (p += 7; *p != '\0'; p++) {
		size_t l = oc_text_js_space_len(p);

		if (l == 0)
			continue;
		while (oc_text_js_space_len(p) != 0)
			p += oc_text_js_space_len(p);
		if (strncasecmp(p, "--auth-choice", 13) == 0 &&
		    (p[13] == '\0' || p[13] == '=' ||
		    oc_text_js_space_len(p + 13) != 0))
			return 1;
		p--;
	}
	return 0;
}

static int
cred_ref_valid(const struct oc_cred *c)
{
	json_object *r;
	int v;

	if (c->ref_json == NULL)
		return 0;
	r = oc_cred_ref(c);
	v = oc_rules_secret_ref(r);
	json_object_put(r);
	return v;
}

/* ---- health: `models status` ---- */

const char *
oc_rules_hstatus_name(enum oc_hstatus s)
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

/* resolveOAuthStatus: expired at or after the expiry, expiring within the
 * window. */
static void
by_time(struct oc_rules_health *r, int64_t expires, int64_t now,
    int64_t warn)
{
	r->has_expiry = 1;
	r->expires_at = expires;
	r->remaining_ms = expires - now;
	if (r->remaining_ms <= 0) {
		r->status = OC_HS_EXPIRED;
		r->reason = "expired";	/* tokens only: see below */
	} else if (r->remaining_ms <= warn)
		r->status = OC_HS_EXPIRING;
	else
		r->status = OC_HS_OK;
}

/*
 * buildProfileHealth (auth-health.ts), 2026.3.24:
 *  - an entry the loader drops is "ignored" (not in OpenClaw's list);
 *  - api_key: static, whatever its key;
 *  - token: no token and no valid tokenRef -> missing (missing_credential);
 *    no "expires" -> static; "expires" not a finite number > 0 -> missing
 *    (invalid_expires); then expired / expiring / ok by time left;
 *  - oauth: "expires" not a finite number > 0 -> missing (no reason
 *    code), even with a refresh token; then by time left,
 *    except that a refresh token (any non-empty string, untrimmed) turns
 *    expired and expiring into ok: "refreshable".
 */
/*
 * buildProfileHealth, 2026.7.35 and 2026.9.6 (auth-health.ts): as above,
 * except that a refresh token no longer makes an expired oauth profile ok,
 * the oauth window is max(warn, the 5-minute refresh margin), an oauth
 * profile with neither access nor refresh token is missing
 * (missing_credential, or unresolved_ref with an oauthRef); and from
 * 2026.9: a saved inactive setup is missing (setup_inactive), OpenClaw's
 * refresh fence is expired, an onboarding command pasted as a key is
 * malformed_api_key, and expiries past 8.64e15 are invalid.
 */
static void
health_later(const struct oc_cred *c, int64_t now, int64_t warn,
    enum oc_rules rules, struct oc_rules_health *r)
{
	int v9 = rules == OC_RULES_2026_9;
	int64_t e;

	if (v9 && c->setup_inactive) {
		r->status = OC_HS_MISSING;
		r->reason = "setup_inactive";
		return;
	}
	switch (c->type) {
	case OC_CT_API_KEY:
		if (v9 && malformed_key(c->secret)) {
			r->status = OC_HS_MISSING;
			r->reason = "malformed_api_key";
		} else if (!oc_rules_secret_string(c->secret) &&
		    !cred_ref_valid(c)) {
			r->status = OC_HS_MISSING;
			r->reason = "missing_credential";
		} else
			r->status = OC_HS_STATIC;
		return;
	case OC_CT_TOKEN:
		if (!oc_rules_secret_string(c->secret) && !cred_ref_valid(c)) {
			r->status = OC_HS_MISSING;
			r->reason = "missing_credential";
			return;
		}
		if (!c->has_expires) {
			r->status = OC_HS_STATIC;
			return;
		}
		if (!expires_ok(c, rules, &e)) {
			r->status = OC_HS_MISSING;
			r->reason = "invalid_expires";
			return;
		}
		by_time(r, e, now, warn);
		return;
	default:
		if (v9 && c->fence) {
			r->status = OC_HS_EXPIRED;
			r->reason = "expired";
			return;
		}
		if (!oc_rules_secret_string(c->secret) &&
		    !oc_rules_secret_string(c->refresh)) {
			r->status = OC_HS_MISSING;
			r->reason = c->oauth_ref ? "unresolved_ref" :
			    "missing_credential";
			return;
		}
		if (!expires_ok(c, rules, &e)) {
			r->status = OC_HS_MISSING;
			return;
		}
		by_time(r, e, now, warn > OC_OAUTH_MARGIN_MS ? warn :
		    OC_OAUTH_MARGIN_MS);
		r->reason = NULL;	/* oauth statuses carry no code */
		return;
	}
}

void
oc_rules_health(const struct oc_cred *c, int64_t now, int64_t warn,
    enum oc_rules rules, struct oc_rules_health *r)
{
	int64_t e;

	memset(r, 0, sizeof *r);
	if (c->entry != OC_CE_OK) {
		r->status = OC_HS_IGNORED;
		r->reason = oc_cred_entry_reason(c->entry);
		return;
	}
	if (rules != OC_RULES_2026_3) {
		health_later(c, now, warn, rules, r);
		return;
	}
	switch (c->type) {
	case OC_CT_API_KEY:
		r->status = OC_HS_STATIC;
		return;
	case OC_CT_TOKEN:
		/* evaluateStoredCredentialEligibility decides missing */
		if (!oc_rules_secret_string(c->secret) && !cred_ref_valid(c)) {
			r->status = OC_HS_MISSING;
			r->reason = "missing_credential";
			return;
		}
		if (!c->has_expires) {
			r->status = OC_HS_STATIC;
			return;
		}
		if (!oc_cred_expires_valid(c, &e)) {
			r->status = OC_HS_MISSING;
			r->reason = "invalid_expires";
			return;
		}
		by_time(r, e, now, warn);
		return;
	default:
		/* resolveOAuthStatus says "missing" with no reason code */
		if (!oc_cred_expires_valid(c, &e)) {
			r->status = OC_HS_MISSING;
			return;
		}
		by_time(r, e, now, warn);
		r->reason = NULL;	/* oauth statuses carry no code */
		if (c->refresh != NULL && *c->refresh != '\0' &&
		    (r->status == OC_HS_EXPIRED ||
		    r->status == OC_HS_EXPIRING)) {
			r->refreshable = 1;
			r->status = OC_HS_OK;
			r->reason = NULL;
		}
		return;
	}
}

/* ---- eligibility: the auth order ---- */

/* The provider of a stored credential is want_auth, as the era's release
 * folds providers (normalizeProviderIdForAuth / resolveProviderIdForAuth). */
int
oc_rules_provider_is(const char *p, const char *want_auth, enum oc_rules rules)
{
	char *n;
	int m;

	if (p == NULL)
		return 0;
	n = oc_rules_provider_dup(p, rules);
	m = strcmp(n, want_auth) == 0;
	free(n);
	return m;
}

/*
 * A provider id as the era's release compares it: 2026.3.24's
 * normalizeProviderIdForAuth (its aliases: z.ai, bedrock, ...); 2026.9.6's
 * resolveProviderIdForAuth, trim and lower-case plus the aliases its
 * bundled plugin manifests declare (x-ai, the minimax ids, claude-cli); the
 * 3.24 aliases are gone (provider-auth-aliases.ts). 2026.7.35: as 3.24.
 */
char *
oc_rules_provider_dup(const char *p, enum oc_rules rules)
{
	static const struct {
		const char *alias, *id;
	} v9[] = {
		{ "x-ai", "xai" }, { "minimax-cn", "minimax" },
		{ "minimax-portal-cn", "minimax-portal" },
		{ "minimax-api", "minimax" }, { "minimax-cloud", "minimax" },
		{ "minimax-api-lightning", "minimax" },
		{ "minimax-api-key-cn", "minimax" },
		{ "claude-cli", "anthropic" },
	};
	size_t off, len, i;
	char *s, *q;

	if (rules != OC_RULES_2026_9)
		return oc_provider_auth_dup(p);
	oc_text_trim_js(p, strlen(p), &off, &len);
	s = oc_xstrndup(p + off, len);
	for (q = s; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	for (i = 0; i < sizeof v9 / sizeof v9[0]; i++)
		if (strcmp(s, v9[i].alias) == 0) {
			free(s);
			return oc_xstrdup(v9[i].id);
		}
	return s;
}

/*
 * resolveAuthProfileEligibility (order.ts) with
 * evaluateStoredCredentialEligibility (credential-state.ts): NULL when the
 * profile may be used for want_auth (a normalizeProviderIdForAuth id), else
 * OpenClaw's reason code. c is NULL for an id the store does not hold;
 * cfg is the config's auth.profiles[id], or NULL.
 */
const char *
oc_rules_ineligible(const struct oc_cred *c, json_object *cfg,
    const char *want_auth, int64_t now, enum oc_rules rules)
{
	const char *cmode;
	int64_t e;
	int v9 = rules == OC_RULES_2026_9;

	if (c == NULL)
		return "profile_missing";
	if (c->entry == OC_CE_INVALID_TYPE || c->entry == OC_CE_NON_OBJECT)
		return "invalid_type";
	if (v9 && c->setup_inactive)
		return "setup_inactive";
	if (!oc_rules_provider_is(c->provider_raw, want_auth, rules) ||
	    (cfg != NULL && oc_json_get_str(cfg, "provider") != NULL &&
	    !oc_rules_provider_is(oc_json_get_str(cfg, "provider"), want_auth,
	    rules)))
		return "provider_mismatch";
	cmode = oc_json_get_str(cfg, "mode");
	if (cmode != NULL && strcmp(cmode, oc_cred_type_name(c->type)) != 0 &&
	    !(strcmp(cmode, "oauth") == 0 && c->type == OC_CT_TOKEN))
		return "mode_mismatch";
	switch (c->type) {
	case OC_CT_API_KEY:
		if (v9 && malformed_key(c->secret))
			return "malformed_api_key";
		return oc_rules_secret_string(c->secret) || cred_ref_valid(c) ?
		    NULL : "missing_credential";
	case OC_CT_TOKEN:
		if (!oc_rules_secret_string(c->secret) && !cred_ref_valid(c))
			return "missing_credential";
		if (!c->has_expires)
			return NULL;
		if (!expires_ok(c, rules, &e))
			return "invalid_expires";
		return now >= e ? "expired" : NULL;
	case OC_CT_OAUTH:
		if (v9 && c->fence)
			return "expired";
		if (oc_rules_secret_string(c->secret) ||
		    oc_rules_secret_string(c->refresh))
			return NULL;
		return rules != OC_RULES_2026_3 && c->oauth_ref ?
		    "unresolved_ref" : "missing_credential";
	default:
		return "invalid_type";
	}
}

/* orderProfilesByMode: oauth, then token, then api_key. */
int
oc_rules_type_rank(enum oc_ctype t)
{
	switch (t) {
	case OC_CT_OAUTH:
		return 0;
	case OC_CT_TOKEN:
		return 1;
	case OC_CT_API_KEY:
		return 2;
	default:
		return 3;
	}
}

/* ---- the key a profile gives: resolveApiKeyForProfile ---- */

/*
 * resolveApiKeyForProfile (oauth.ts) refuses before it resolves anything:
 * the config entry must name the profile's provider character for
 * character and a compatible mode (token and oauth stand in for each
 * other); a token whose expiry is invalid or past is refused. Returns NULL
 * or a reason, with what to say in buf.
 */
const char *
oc_rules_key_refusal(const struct oc_cred *c, json_object *cfg, int64_t now,
    char *buf, size_t sz)
{
	const char *cprov = oc_json_get_str(cfg, "provider");
	const char *cmode = oc_json_get_str(cfg, "mode");
	const char *type = c->type_raw ? c->type_raw : "unknown";
	int64_t e;

	if (cfg != NULL && cprov != NULL && (c->provider_raw == NULL ||
	    strcmp(cprov, c->provider_raw) != 0)) {
		snprintf(buf, sz, "config auth.profiles names provider \"%s\"",
		    cprov);
		return "provider_mismatch";
	}
	if (cmode != NULL && strcmp(cmode, type) != 0 &&
	    !((strcmp(cmode, "oauth") == 0 && c->type == OC_CT_TOKEN) ||
	    (strcmp(cmode, "token") == 0 && c->type == OC_CT_OAUTH))) {
		snprintf(buf, sz, "config auth.profiles mode \"%s\" does not "
		    "match its type \"%s\"", cmode, type);
		return "mode_mismatch";
	}
	if (c->type == OC_CT_TOKEN && c->has_expires) {
		if (!oc_cred_expires_valid(c, &e)) {
			snprintf(buf, sz, "the token has an invalid expiry");
			return "invalid_expires";
		}
		if (now >= e) {
			snprintf(buf, sz, "the token has expired");
			return "expired";
		}
	}
	return NULL;
}

/* ---- cooldowns ---- */

static int64_t
stat_ms(json_object *stats, const char *k)
{
	int64_t v = 0;

	if (oc_json_get_i64(stats, k, &v) != 1 || v < 0)
		return 0;
	return v;
}

/*
 * resolveProfileUnusableUntil / isProfileInCooldown (usage.ts, and
 * usage-state.ts from 2026.9): until when a profile is in cooldown or
 * disabled, 0 when it is usable now. OpenClaw never cools down openrouter
 * and kilocode, which route for themselves. 2026.9 also counts
 * blockedUntil, and scopes a block (blockedScope "model") and a cooldown
 * for rate_limit / timeout / model_not_found (with cooldownModel) to their
 * model: for another model, or for model NULL ("all models"), they do not
 * count.
 */
int64_t
oc_rules_unusable_until(json_object *stats, const char *provider,
    const char *model, int64_t now, enum oc_rules rules)
{
	int64_t cd, dis, blk, u;

	if (provider != NULL && (strcmp(provider, "openrouter") == 0 ||
	    strcmp(provider, "kilocode") == 0))
		return 0;
	if (stats == NULL)
		return 0;
	cd = stat_ms(stats, "cooldownUntil");
	dis = stat_ms(stats, "disabledUntil");
	blk = 0;
	if (rules == OC_RULES_2026_9) {
		const char *bscope = oc_json_get_str(stats, "blockedScope");
		const char *bmodel = oc_json_get_str(stats, "blockedModel");
		const char *creason = oc_json_get_str(stats, "cooldownReason");
		const char *cmodel = oc_json_get_str(stats, "cooldownModel");

		blk = stat_ms(stats, "blockedUntil");
		if (bscope != NULL && strcmp(bscope, "model") == 0 &&
		    bmodel != NULL && (model == NULL || strcmp(bmodel,
		    model) != 0))
			blk = 0;
		if (creason != NULL && cmodel != NULL && (strcmp(creason,
		    "rate_limit") == 0 || strcmp(creason, "timeout") == 0 ||
		    strcmp(creason, "model_not_found") == 0) &&
		    (model == NULL || strcmp(cmodel, model) != 0) &&
		    blk <= now && dis <= now)
			cd = 0;
	}
	u = cd > dis ? cd : dis;
	if (blk > u)
		u = blk;
	return u > now ? u : 0;
}

/* resolveProfileUnusableUntilForDisplay: what a cooldown listing says. */
const char *
oc_rules_usage_state(json_object *stats, int64_t now, int64_t *until)
{
	int64_t cd = 0, dis = 0;

	if (oc_json_get_i64(stats, "cooldownUntil", &cd) != 1)
		cd = 0;
	if (oc_json_get_i64(stats, "disabledUntil", &dis) != 1)
		dis = 0;
	if (dis > now) {
		*until = dis;
		return "disabled";
	}
	if (cd > now) {
		*until = cd;
		return "cooldown";
	}
	*until = 0;
	return "ok";
}

/* What markAuthProfileUsed resets when a profile works again. */
const char *const oc_rules_cooldown_fields[] = { "cooldownUntil",
    "disabledUntil", "disabledReason", "errorCount", "failureCounts",
    "lastFailureAt", NULL };

/* ---- probe results: `models status --probe` ---- */

static int
contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (hay == NULL)
		return 0;
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

static int
contains_any(const char *hay, const char *const *needles)
{
	for (; *needles; needles++)
		if (contains_ci(hay, *needles))
			return 1;
	return 0;
}

static const char *const billing_hints[] = { "insufficient credits",
	"insufficient quota", "insufficient_quota", "credit balance",
	"insufficient balance", "plans & billing", "add more credits",
	"top up", "billing hard limit", "hard limit reached",
	"payment required", NULL };
static const char *const ratelimit_hints[] = { "rate limit", "rate_limit",
	"too many requests", "resource exhausted", "resource_exhausted",
	"quota exceeded", "quota_exceeded", NULL };
static const char *const retry_hints[] = { "try again", "retry",
	"temporary", "cooldown", NULL };

/* classify402Message (failover-error.ts), reduced to the signals it
 * weighs. */
static const char *
classify_402(const char *body)
{
	if (contains_ci(body, "subscription quota limit") &&
	    (contains_ci(body, "automatic quota refresh") ||
	    contains_ci(body, "rolling time window")))
		return "rate_limit";
	if (contains_any(body, billing_hints))
		return "billing";
	if (contains_any(body, ratelimit_hints))
		return "rate_limit";
	if (contains_any(body, retry_hints) && contains_ci(body, "limit"))
		return "rate_limit";
	return "billing";
}

/*
 * The probe's status for an HTTP answer (resolveFailoverReasonFromError and
 * the probe's mapping in models status --probe): 401/403 auth, 402 billing
 * or rate_limit by message, 429 rate_limit, 408 and 5xx timeout, 400/422
 * format (or billing by message); no answer at all is "timeout" for a
 * refused connection, a failed lookup or a timeout, as OpenClaw counts them.
 */
const char *
oc_rules_probe_status(long status, const char *error, const char *body)
{
	if (status == 0) {
		if (error != NULL && (strcmp(error, "timeout") == 0 ||
		    strcmp(error, "connect") == 0 ||
		    strcmp(error, "dns") == 0))
			return "timeout";
		return "unknown";
	}
	if (status >= 200 && status < 300)
		return "ok";
	switch (status) {
	case 401:
	case 403:
		return "auth";
	case 402:
		return classify_402(body);
	case 429:
		return "rate_limit";
	case 408:
		return "timeout";
	case 400:
	case 422:
		return contains_any(body, billing_hints) ? "billing" :
		    "format";
	case 499:
	case 503:
		return contains_ci(body, "overloaded") ? "rate_limit" :
		    "timeout";
	case 529:
		return "rate_limit";
	}
	if (status >= 500 && status < 600)
		return "timeout";
	return "unknown";
}

int
oc_rules_contains_ci(const char *hay, const char *needle)
{
	return contains_ci(hay, needle);
}
