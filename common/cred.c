/* SPDX-License-Identifier: ISC */
/*
 * cred.c - one credential, read once from its stored JSON (a member of a
 * store file's "profiles", a member of an SQLite cell's "profiles") into the
 * one struct every command judges.
 *
 * The reader is OpenClaw's (parseCredentialEntry with
 * normalizeRawCredentialEntry, 2026.3.24; coercePersistedAuthProfileStore
 * keeps the same rules in 2026.9.6):
 *   - an entry that is not an object is dropped ("non_object");
 *   - "mode" stands in for "type" only when there is no "type" member at
 *     all and "mode" is a string; a type other than api_key, token, oauth
 *     drops the entry ("invalid_type"); 2026.9.6 also reads the legacy type
 *     "apiKey" as api_key;
 *   - "apiKey" stands in for "key" only when there is no "key" member;
 *   - a provider that is missing, null, not a string or blank drops the
 *     entry ("missing_provider");
 *   - duplicate members: the last one counts, as in JSON.parse.
 * Nothing here judges whether a credential is usable: that is rules.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "oc.h"

const char *
oc_cred_type_name(enum oc_ctype t)
{
	switch (t) {
	case OC_CT_API_KEY:
		return "api_key";
	case OC_CT_TOKEN:
		return "token";
	case OC_CT_OAUTH:
		return "oauth";
	default:
		return "unknown";
	}
}

enum oc_ctype
oc_cred_type_parse(const char *s)
{
	if (s == NULL)
		return OC_CT_UNKNOWN;
	if (strcmp(s, "api_key") == 0)
		return OC_CT_API_KEY;
	if (strcmp(s, "token") == 0)
		return OC_CT_TOKEN;
	if (strcmp(s, "oauth") == 0)
		return OC_CT_OAUTH;
	return OC_CT_UNKNOWN;
}

/*
 * OpenClaw's refresh fence (oauth-refresh-marker.ts, parseOAuthRefreshFence):
 * "expires" is exactly 1 and access and refresh are
 * openclaw-oauth-refresh-fence:v1:<32 hex claim>:[failed:]access|refresh:
 * <64 hex>, with the same claim and the same failed state. 1 pending, 2
 * failed, 0 not a fence.
 */
static int
fence_part(const char *s, const char *kind, char claim[33], int *failed)
{
	static const char pre[] = "openclaw-oauth-refresh-fence:v1:";
	size_t i, k = strlen(kind);
	const char *p;

	if (s == NULL || strncmp(s, pre, sizeof pre - 1) != 0)
		return 0;
	p = s + sizeof pre - 1;
	for (i = 0; i < 32; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' &&
		    p[i] <= 'f')))
			return 0;
	memcpy(claim, p, 32);
	claim[32] = '\0';
	p += 32;
	if (*p++ != ':')
		return 0;
	*failed = strncmp(p, "failed:", 7) == 0;
	if (*failed)
		p += 7;
	if (strncmp(p, kind, k) != 0 || p[k] != ':')
		return 0;
	p += k + 1;
	for (i = 0; i < 64; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' &&
		    p[i] <= 'f')))
			return 0;
	return p[64] == '\0';
}

static int
fence_of(const char *access, const char *refresh, int expires_one)
{
	char c1[33], c2[33];
	int f1, f2;

	if (!expires_one || !fence_part(access, "access", c1, &f1) ||
	    !fence_part(refresh, "refresh", c2, &f2) || strcmp(c1, c2) != 0 ||
	    f1 != f2)
		return 0;
	return f1 ? 2 : 1;
}

const char *
oc_cred_entry_reason(enum oc_centry e)
{
	switch (e) {
	case OC_CE_OK:
		return NULL;
	case OC_CE_NON_OBJECT:
		return "non_object";
	case OC_CE_INVALID_TYPE:
		return "invalid_type";
	case OC_CE_MISSING_PROVIDER:
		return "missing_provider";
	}
	return "invalid";
}

/* The members the reader looks at; spans into the profile's text. */
struct members {
	struct oc_jval type, mode, provider, key, apikey, token, access,
	    refresh, keyref, tokenref, expires, email, display, managed,
	    setup, oauthref;
	int has_type, has_key, has_expires, has_provider;
};

static void
members_read(struct oc_jval obj, struct members *m)
{
	static const struct {
		const char *name;
		size_t off;
	} names[] = {
#define M(n, f) { n, offsetof(struct members, f) }
		M("type", type), M("mode", mode), M("provider", provider),
		M("key", key), M("apiKey", apikey), M("token", token),
		M("access", access), M("refresh", refresh),
		M("keyRef", keyref), M("tokenRef", tokenref),
		M("expires", expires), M("email", email),
		M("displayName", display), M("managedBy", managed),
		M("setup", setup), M("oauthRef", oauthref),
#undef M
	};
	struct oc_jiter it;
	struct oc_jval k, v;
	size_t i;

	memset(m, 0, sizeof *m);
	oc_jscan_iter_init(&it, obj);
	while (oc_jscan_iter_next(&it, &k, &v)) {
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (oc_jscan_str_eq(k, names[i].name)) {
				*(struct oc_jval *)((char *)m + names[i].off) = v;
				break;
			}
	}
	m->has_type = m->type.p != NULL;
	m->has_key = m->key.p != NULL;
	m->has_expires = m->expires.p != NULL;
	m->has_provider = m->provider.p != NULL &&
	    oc_jscan_type(m->provider) != OC_JT_NULL;
}

/* A copy of a JSON value span, when present. */
static char *
span_dup(struct oc_jval v)
{
	return v.p != NULL ? oc_xstrndup(v.p, v.n) : NULL;
}

int
oc_cred_parse(struct oc_cred *c, const char *id, struct oc_jval p,
    enum oc_rules rules)
{
	struct members m;
	struct oc_jval typev;
	char *pr;

	memset(c, 0, sizeof *c);
	c->id = oc_xstrdup(id);
	c->raw = p;
	if (oc_jscan_type(p) != OC_JT_OBJECT) {
		c->entry = OC_CE_NON_OBJECT;
		return 0;
	}
	members_read(p, &m);
	typev = m.has_type ? m.type : (oc_jscan_type(m.mode) == OC_JT_STRING ?
	    m.mode : m.type);
	c->type_raw = oc_jscan_str_dup(typev);
	c->type = oc_cred_type_parse(c->type_raw);
	if (c->type == OC_CT_UNKNOWN && rules == OC_RULES_2026_9 &&
	    c->type_raw != NULL && strcmp(c->type_raw, "apiKey") == 0)
		c->type = OC_CT_API_KEY;
	c->provider_raw = oc_jscan_str_dup(m.provider);
	c->email = oc_jscan_str_dup(m.email);
	c->display_name = oc_jscan_str_dup(m.display);
	c->managed_by = oc_jscan_str_dup(m.managed);
	c->has_expires = m.has_expires;
	c->expires_number = oc_jscan_num(m.expires, &c->expires_num);
	c->oauth_ref = m.oauthref.p != NULL;
	if (oc_jscan_type(m.setup) == OC_JT_OBJECT) {
		struct oc_jval r;

		c->setup_inactive = oc_jscan_get(m.setup, "replacement", &r) &&
		    oc_jscan_type(r) == OC_JT_BOOL && r.n == 4;
	}
	switch (c->type) {
	case OC_CT_API_KEY:
		c->secret = oc_jscan_str_dup(m.has_key ? m.key : m.apikey);
		c->ref_json = span_dup(m.keyref);
		break;
	case OC_CT_TOKEN:
		c->secret = oc_jscan_str_dup(m.token);
		c->ref_json = span_dup(m.tokenref);
		break;
	case OC_CT_OAUTH:
		c->secret = oc_jscan_str_dup(m.access);
		c->refresh = oc_jscan_str_dup(m.refresh);
		c->fence = fence_of(c->secret, c->refresh, c->expires_number &&
		    c->expires_num == 1);
		break;
	default:
		c->entry = OC_CE_INVALID_TYPE;
		return 0;
	}
	if (!m.has_provider || c->provider_raw == NULL ||
	    !oc_rules_secret_string(c->provider_raw)) {
		c->entry = OC_CE_MISSING_PROVIDER;
		return 0;
	}
	pr = oc_provider_auth_dup(c->provider_raw);
	c->provider = pr;
	return 0;
}

int
oc_cred_parse_json(struct oc_cred *c, const char *id, json_object *p,
    enum oc_rules rules)
{
	struct oc_buf b = { 0 };
	struct oc_jval root;
	struct oc_err err;
	int r;

	/* The same reader for a profile held as a tree: through its text. */
	oc_json_dump(&b, p, 0);
	if (oc_jscan_check("profile", b.data, b.len, &root, &err) == -1) {
		oc_buf_free(&b);
		memset(c, 0, sizeof *c);
		c->id = oc_xstrdup(id);
		c->entry = OC_CE_NON_OBJECT;
		return -1;
	}
	r = oc_cred_parse(c, id, root, rules);
	c->raw.p = NULL;	/* the text goes now */
	c->raw.n = 0;
	oc_buf_free(&b);
	return r;
}

json_object *
oc_cred_ref(const struct oc_cred *c)
{
	json_object *o = NULL;
	struct oc_err err;

	if (c->ref_json == NULL || oc_json_parse("ref", c->ref_json,
	    strlen(c->ref_json), &o, &err) == -1)
		return NULL;
	return o;
}

int
oc_cred_expires_valid(const struct oc_cred *c, int64_t *ms)
{
	/* resolveTokenExpiryState: a finite number > 0. */
	if (!c->has_expires || !c->expires_number ||
	    !(c->expires_num == c->expires_num) || c->expires_num <= 0 ||
	    c->expires_num > 9.2e18)
		return 0;
	if (ms != NULL)
		*ms = (int64_t)c->expires_num;
	return 1;
}

void
oc_cred_free(struct oc_cred *c)
{
	if (c == NULL)
		return;
	free(c->id);
	free(c->type_raw);
	free(c->provider_raw);
	free(c->provider);
	oc_secret_free(c->secret);
	oc_secret_free(c->refresh);
	/* a SecretRef names where a secret is, it is not one */
	free(c->ref_json);
	free(c->email);
	free(c->display_name);
	free(c->managed_by);
	memset(c, 0, sizeof *c);
}
