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

void
oc_view_fields_of(struct oc_view_fields *f, const struct oc_cred *c,
    const struct oc_rules_health *h)
{
	memset(f, 0, sizeof *f);
	f->profile_id = c->id;
	f->provider = c->provider;
	f->type = c->type_raw;
	f->status = oc_rules_hstatus_name(h->status);
	f->reason_code = h->reason;
	/* the expiry OpenClaw's models status shows: none for a token it
	 * calls expired or missing, as buildProfileHealth */
	f->has_expiry = h->has_expiry;
	f->expires_at = h->expires_at;
	f->remaining_ms = h->remaining_ms;
	f->refreshable = h->refreshable;
}

static json_object *
str_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

void
oc_view_fields_add(json_object *o, const struct oc_view_fields *f)
{
	char iso[40];

	json_object_object_add(o, "profileId", str_or_null(f->profile_id));
	json_object_object_add(o, "provider", str_or_null(f->provider));
	json_object_object_add(o, "type", str_or_null(f->type));
	json_object_object_add(o, "status", str_or_null(f->status));
	json_object_object_add(o, "reasonCode", str_or_null(f->reason_code));
	if (f->has_expiry) {
		oc_time_iso8601(f->expires_at, iso, sizeof iso);
		json_object_object_add(o, "expiresAt",
		    json_object_new_int64(f->expires_at));
		json_object_object_add(o, "expiresAtIso",
		    json_object_new_string(iso));
		json_object_object_add(o, "remainingMs",
		    json_object_new_int64(f->remaining_ms));
	} else {
		json_object_object_add(o, "expiresAt", NULL);
		json_object_object_add(o, "expiresAtIso", NULL);
		json_object_object_add(o, "remainingMs", NULL);
	}
	json_object_object_add(o, "refreshable",
	    json_object_new_boolean(f->refreshable));
}

json_object *
oc_view_doc_new(void)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "schemaVersion",
	    json_object_new_int(OC_JSON_SCHEMA));
	return o;
}

json_object *
oc_view_cred_json(const struct oc_cred *c, const struct oc_rules_health *h,
    int reveal)
{
	json_object *o = json_object_new_object();
	struct oc_view_fields f;

	oc_view_fields_of(&f, c, h);
	oc_view_fields_add(o, &f);
	if (oc_rules_secret_string(c->secret)) {
		char *m = reveal ? oc_xstrdup(c->secret) :
		    oc_mask_dup(c->secret);

		json_object_object_add(o, "secret", json_object_new_string(m));
		oc_secret_free(m);
	} else
		json_object_object_add(o, "secret", NULL);
	/* always present, null when unset (oc(7)) */
	json_object_object_add(o, "ref", c->ref_json != NULL ?
	    oc_cred_ref(c) : NULL);
	json_object_object_add(o, "email", str_or_null(c->email));
	json_object_object_add(o, "managedBy", str_or_null(c->managed_by));
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
