/* SPDX-License-Identifier: ISC */
/*
 * view.c - what the commands show of a credential: the STATE word, the
 * expiry, the secret (masked unless asked for), the summary JSON, and a
 * copy of a stored profile with its secrets masked.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "oc.h"

const char *
oc_view_state(const struct oc_rules_health *h)
{
	if (h->refreshable)
		return "refreshable";
	return oc_rules_hstatus_name(h->status);
}

void
oc_view_expires(const struct oc_cred *c, char *buf, size_t sz)
{
	int64_t e;

	if (oc_cred_expires_valid(c, &e)) {
		char iso[40];

		oc_time_iso8601(e, iso, sizeof iso);
		snprintf(buf, sz, "%.16sZ", iso);
	} else if (c->has_expires)
		snprintf(buf, sz, "invalid");
	else
		snprintf(buf, sz, "never");
}

char *
oc_view_secret_dup(const struct oc_cred *c, int reveal)
{
	if (oc_rules_secret_string(c->secret))
		return reveal ? oc_xstrdup(c->secret) : oc_mask_dup(c->secret);
	if (c->ref_json != NULL) {
		json_object *r = oc_cred_ref(c);
		const char *src = oc_json_get_str(r, "source");
		char *s = oc_xasprintf("<%s ref>", src ? src : "ref");

		json_object_put(r);
		return s;
	}
	return oc_xstrdup("-");
}

json_object *
oc_view_cred_json(const struct oc_cred *c, const struct oc_rules_health *h,
    int reveal)
{
	json_object *o = json_object_new_object();
	int64_t e;

	json_object_object_add(o, "id", json_object_new_string(c->id));
	json_object_object_add(o, "type", json_object_new_string(
	    c->type_raw ? c->type_raw : "unknown"));
	json_object_object_add(o, "provider", c->provider ?
	    json_object_new_string(c->provider) : NULL);
	json_object_object_add(o, "state",
	    json_object_new_string(oc_view_state(h)));
	json_object_object_add(o, "status",
	    json_object_new_string(oc_rules_hstatus_name(h->status)));
	json_object_object_add(o, "reasonCode", h->reason ?
	    json_object_new_string(h->reason) : NULL);
	json_object_object_add(o, "refreshable",
	    json_object_new_boolean(h->refreshable));
	if (oc_cred_expires_valid(c, &e)) {
		char iso[40];

		json_object_object_add(o, "expires", json_object_new_int64(e));
		oc_time_iso8601(e, iso, sizeof iso);
		json_object_object_add(o, "expiresAt",
		    json_object_new_string(iso));
	} else {
		json_object_object_add(o, "expires", NULL);
		json_object_object_add(o, "expiresAt", NULL);
	}
	if (oc_rules_secret_string(c->secret)) {
		char *m = reveal ? oc_xstrdup(c->secret) :
		    oc_mask_dup(c->secret);

		json_object_object_add(o, "secret", json_object_new_string(m));
		oc_secret_free(m);
	} else
		json_object_object_add(o, "secret", NULL);
	if (c->ref_json != NULL)
		json_object_object_add(o, "ref", oc_cred_ref(c));
	if (c->email != NULL)
		json_object_object_add(o, "email",
		    json_object_new_string(c->email));
	if (c->managed_by != NULL)
		json_object_object_add(o, "managedBy",
		    json_object_new_string(c->managed_by));
	return o;
}

/* Members that hold secrets, wherever they sit in a profile. */
static int
is_secret_field(const char *k)
{
	static const char *const f[] = { "key", "apiKey", "api_key", "token",
	    "access", "refresh", "accessToken", "refreshToken", "idToken",
	    "id_token", "access_token", "refresh_token", "clientSecret",
	    "client_secret", "secret", "password" };
	size_t i;

	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		if (strcmp(k, f[i]) == 0)
			return 1;
	return 0;
}

static json_object *
masked(json_object *v, int secret)
{
	json_object *out;
	size_t i, n;

	switch (json_object_get_type(v)) {
	case json_type_string:
		if (secret) {
			char *m = oc_mask_dup(json_object_get_string(v));

			out = json_object_new_string(m);
			free(m);
			return out;
		}
		return json_object_get(v);
	case json_type_object:
		out = json_object_new_object();
		{
			json_object_object_foreach(v, k, m)
				json_object_object_add(out, k,
				    masked(m, is_secret_field(k)));
		}
		return out;
	case json_type_array:
		out = json_object_new_array();
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			json_object_array_add(out, masked(
			    json_object_array_get_idx(v, i), secret));
		return out;
	default:
		return json_object_get(v);
	}
}

json_object *
oc_view_masked(json_object *p)
{
	return masked(p, 0);
}
