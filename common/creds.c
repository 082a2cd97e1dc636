/* SPDX-License-Identifier: ISC */
/*
 * creds.c - a parsed view of one credential profile and its state.
 *
 * Accepts OpenClaw's legacy spellings ("mode" for "type", "apiKey" for
 * "key"). States follow `openclaw models status`: api keys and tokens
 * without "expires" never expire; an oauth profile whose access token has
 * expired but that has a refresh token is usable ("refreshable"); a blanked
 * source (expires <= 0 or an empty secret) is missing, not "expired 56 years
 * ago".
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

const char *
oc_ctype_name(enum oc_ctype t)
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
oc_ctype_parse(const char *s)
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

/* A secret counts when something is left after trimming, as OpenClaw's
 * normalizeSecretInput sees it. */
static const char *
nonempty_str(json_object *o, const char *key)
{
	const char *s = oc_json_get_str(o, key), *p;

	if (s == NULL)
		return NULL;
	for (p = s; *p; p++)
		if (!isspace((unsigned char)*p))
			return s;
	return NULL;
}

void
oc_cred_parse(const char *id, json_object *p, struct oc_cred *c)
{
	json_object *ev;
	int64_t e;
	int r;

	memset(c, 0, sizeof *c);
	c->id = id;
	c->provider = oc_json_get_str(p, "provider");
	c->type_str = oc_json_get_str(p, "type");
	if (c->type_str == NULL)
		c->type_str = oc_json_get_str(p, "mode");
	c->type = oc_ctype_parse(c->type_str);
	if (c->type_str == NULL)
		c->type_str = "unknown";
	switch (c->type) {
	case OC_CT_API_KEY:
		c->secret = nonempty_str(p, "key");
		if (c->secret == NULL)
			c->secret = nonempty_str(p, "apiKey");
		c->ref = oc_json_get_obj(p, "keyRef");
		break;
	case OC_CT_TOKEN:
		c->secret = nonempty_str(p, "token");
		c->ref = oc_json_get_obj(p, "tokenRef");
		break;
	case OC_CT_OAUTH:
		c->secret = nonempty_str(p, "access");
		c->refresh = nonempty_str(p, "refresh");
		break;
	default:
		break;
	}
	/* OpenClaw takes only a JSON number: null or a string is invalid. */
	if (json_object_is_type(p, json_type_object) &&
	    json_object_object_get_ex(p, "expires", &ev)) {
		c->has_expires = 1;
		r = ev != NULL && (json_object_is_type(ev, json_type_int) ||
		    json_object_is_type(ev, json_type_double)) ?
		    oc_json_get_i64(p, "expires", &e) : -1;
		if (r == 1 && e > 0) {
			c->expires_valid = 1;
			c->expires = e;
		} else if (r == 1)
			c->expires = e;
		else
			c->expires_invalid = 1;
	}
	c->email = oc_json_get_str(p, "email");
	c->managed_by = oc_json_get_str(p, "managedBy");
}

const char *
oc_cstate_name(enum oc_cstate s)
{
	switch (s) {
	case OC_CS_OK:
		return "ok";
	case OC_CS_EXPIRING:
		return "expiring";
	case OC_CS_EXPIRED:
		return "expired";
	case OC_CS_REFRESHABLE:
		return "refreshable";
	case OC_CS_MISSING:
		return "missing";
	case OC_CS_INVALID_EXPIRES:
		return "invalid_expires";
	}
	return "unknown";
}

enum oc_cstate
oc_cred_state(const struct oc_cred *c, int64_t now, int64_t window)
{
	if (c->secret == NULL && c->ref == NULL)
		return OC_CS_MISSING;
	/* A SecretRef counts as present here; resolving it is the job of
	 * oc_cred_resolve. */
	if (c->type == OC_CT_API_KEY)
		return OC_CS_OK;
	if (c->type == OC_CT_TOKEN && !c->has_expires)
		return OC_CS_OK;
	/* As `models status`: an oauth profile needs an expiry. */
	if (c->type == OC_CT_OAUTH && !c->has_expires)
		return OC_CS_MISSING;
	if (c->expires_invalid)
		return OC_CS_INVALID_EXPIRES;
	if (c->has_expires && !c->expires_valid)
		return OC_CS_MISSING;	/* blanked: expires <= 0 */
	if (c->expires <= now)
		return c->type == OC_CT_OAUTH && c->refresh ?
		    OC_CS_REFRESHABLE : OC_CS_EXPIRED;
	if (c->expires - now <= window)
		return OC_CS_EXPIRING;
	return OC_CS_OK;
}

/* Members of a profile that hold secrets. */
static int
is_secret_field(const char *k)
{
	static const char *const f[] = { "key", "apiKey", "token", "access",
	    "refresh", "idToken", "id_token", "clientSecret" };
	size_t i;

	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		if (strcmp(k, f[i]) == 0)
			return 1;
	return 0;
}

json_object *
oc_profile_masked(json_object *p)
{
	json_object *out = json_object_new_object();

	json_object_object_foreach(p, k, v) {
		if (is_secret_field(k) && json_object_is_type(v,
		    json_type_string)) {
			char *m = oc_mask_dup(json_object_get_string(v));

			json_object_object_add(out, k, json_object_new_string(m));
			free(m);
		} else
			json_object_object_add(out, k, json_object_get(v));
	}
	return out;
}

json_object *
oc_cred_json(const struct oc_cred *c, enum oc_cstate st, int reveal)
{
	json_object *o = json_object_new_object();
	char *norm = c->provider ? oc_provider_norm_dup(c->provider) : NULL;

	json_object_object_add(o, "id", json_object_new_string(c->id));
	json_object_object_add(o, "type", json_object_new_string(c->type_str));
	json_object_object_add(o, "provider",
	    norm ? json_object_new_string(norm) : NULL);
	json_object_object_add(o, "state",
	    json_object_new_string(oc_cstate_name(st)));
	if (c->expires_valid) {
		char iso[40];

		json_object_object_add(o, "expires",
		    json_object_new_int64(c->expires));
		oc_iso8601(c->expires, iso, sizeof iso);
		json_object_object_add(o, "expiresAt",
		    json_object_new_string(iso));
	} else {
		json_object_object_add(o, "expires", NULL);
		json_object_object_add(o, "expiresAt", NULL);
	}
	if (c->secret != NULL) {
		char *m = reveal ? oc_xstrdup(c->secret) :
		    oc_mask_dup(c->secret);

		json_object_object_add(o, "secret", json_object_new_string(m));
		oc_free_secret(m);
	} else
		json_object_object_add(o, "secret", NULL);
	if (c->ref != NULL)
		json_object_object_add(o, "ref", json_object_get(c->ref));
	if (c->email != NULL)
		json_object_object_add(o, "email",
		    json_object_new_string(c->email));
	if (c->managed_by != NULL)
		json_object_object_add(o, "managedBy",
		    json_object_new_string(c->managed_by));
	free(norm);
	return o;
}

