/* SPDX-License-Identifier: ISC */
/*
 * order.c - the order in which the gateway tries a provider's profiles,
 * computed as OpenClaw 2026.3.24's resolveAuthProfileOrder does:
 *
 *   base = store order[P] (the per-agent override), else config
 *          auth.order[P], else the config auth.profiles of P, else the
 *          store's profiles of P (insertion order);
 *   drop ineligible ids (missing, other provider, config mode differs,
 *          no secret, token expired or with an invalid expiry);
 *   an explicit order is kept as given; otherwise round-robin: oauth,
 *          then token, then api_key, least recently used first;
 *   profiles in cooldown (or disabled) go last, soonest usable first.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "oc.h"

json_object *
oc_order_override(struct oc_store *s, const char *provider)
{
	char *want = oc_provider_norm_dup(provider);
	json_object *found = oc_json_provider_member(
	    oc_store_routing(s, "order"), want);

	free(want);
	return found;
}

static json_object *
config_order(json_object *config, const char *provider)
{
	return oc_json_provider_member(oc_json_get_obj(
	    oc_json_get_obj(config, "auth"), "order"), provider);
}

static int
provider_is(const char *p, const char *want_auth)
{
	char *n;
	int m;

	if (p == NULL)
		return 0;
	n = oc_provider_auth_dup(p);
	m = strcmp(n, want_auth) == 0;
	free(n);
	return m;
}

/* NULL when eligible, else the reason code (OpenClaw's). */
static const char *
ineligible(struct oc_store *s, json_object *config, const char *auth_p,
    const char *id, int64_t now, const char **type)
{
	json_object *p = oc_store_profile(s, id);
	json_object *cp = oc_json_get_obj(oc_json_get_obj(
	    oc_json_get_obj(config, "auth"), "profiles"), id);
	const char *cmode;
	struct oc_cred c;

	*type = NULL;
	if (p == NULL)
		return "profile_missing";
	oc_cred_parse(id, p, &c);
	*type = c.type != OC_CT_UNKNOWN ? c.type_str : NULL;
	if (!provider_is(c.provider, auth_p) ||
	    (cp != NULL && oc_json_get_str(cp, "provider") != NULL &&
	    !provider_is(oc_json_get_str(cp, "provider"), auth_p)))
		return "provider_mismatch";
	cmode = oc_json_get_str(cp, "mode");
	if (cmode != NULL && strcmp(cmode, c.type_str) != 0 &&
	    !(strcmp(cmode, "oauth") == 0 && c.type == OC_CT_TOKEN))
		return "mode_mismatch";
	switch (c.type) {
	case OC_CT_API_KEY:
		return c.secret || c.ref ? NULL : "missing_credential";
	case OC_CT_TOKEN:
		if (c.secret == NULL && c.ref == NULL)
			return "missing_credential";
		if (!c.has_expires)
			return NULL;
		if (!c.expires_valid)
			return "invalid_expires";
		return now >= c.expires ? "expired" : NULL;
	case OC_CT_OAUTH:
		return c.secret || c.refresh ? NULL : "missing_credential";
	default:
		return "invalid_type";
	}
}

static int64_t
unusable_until(struct oc_store *s, const char *provider, const char *id)
{
	json_object *st = oc_json_get_obj(oc_store_routing(s, "usageStats"),
	    id);
	int64_t cd = 0, dis = 0;

	/* OpenClaw never cools these down: they route for themselves. */
	if (strcmp(provider, "openrouter") == 0 ||
	    strcmp(provider, "kilocode") == 0)
		return 0;
	if (oc_json_get_i64(st, "cooldownUntil", &cd) != 1 || cd < 0)
		cd = 0;
	if (oc_json_get_i64(st, "disabledUntil", &dis) != 1 || dis < 0)
		dis = 0;
	return cd > dis ? cd : dis;
}

/* The store's profile ids of a provider, in insertion order
 * (listProfilesForProvider). */
static const char **
store_ids_of(struct oc_store *s, const char *auth_p, size_t *n)
{
	const char **v = NULL;

	*n = 0;
	json_object_object_foreach(oc_store_profiles(s), pid, pv) {
		if (provider_is(oc_json_get_str(pv, "provider"), auth_p)) {
			v = oc_xrealloc(v, (*n + 1) * sizeof *v);
			v[(*n)++] = pid;
		}
	}
	return v;
}

static int
type_score(const char *t)
{
	if (t == NULL)
		return 3;
	if (strcmp(t, "oauth") == 0)
		return 0;
	if (strcmp(t, "token") == 0)
		return 1;
	if (strcmp(t, "api_key") == 0)
		return 2;
	return 3;
}

struct sortent {
	struct oc_order_entry e;
	int64_t key1, key2;
	size_t pos;		/* for a stable sort */
};

static int
cmp_sortent(const void *a, const void *b)
{
	const struct sortent *x = a, *y = b;

	if (x->key1 != y->key1)
		return x->key1 < y->key1 ? -1 : 1;
	if (x->key2 != y->key2)
		return x->key2 < y->key2 ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void
add_entry(struct oc_order_entry **v, size_t *n, struct oc_order_entry e)
{
	*v = oc_xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = e;
}

static int
listed(struct oc_order_entry *v, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return 1;
	return 0;
}

void
oc_order_effective(struct oc_store *s, json_object *config,
    const char *provider, int64_t now, struct oc_order *o)
{
	json_object *explicit, *cprofiles;
	const char **base = NULL, **cids = NULL;
	size_t nbase = 0, ncids = 0, i, nok = 0;
	char *auth_p;
	struct sortent *ok = NULL;
	int all_missing = 1;

	memset(o, 0, sizeof *o);
	o->provider = oc_provider_norm_dup(provider);
	auth_p = oc_provider_auth_dup(provider);

	cprofiles = oc_json_get_obj(oc_json_get_obj(config, "auth"),
	    "profiles");
	if (cprofiles != NULL) {
		json_object_object_foreach(cprofiles, cid, cv) {
			if (provider_is(oc_json_get_str(cv, "provider"),
			    auth_p)) {
				cids = oc_xrealloc(cids,
				    (ncids + 1) * sizeof *cids);
				cids[ncids++] = cid;
			}
		}
	}
	explicit = oc_order_override(s, o->provider);
	o->source = "store order";
	if (explicit == NULL) {
		explicit = config_order(config, o->provider);
		o->source = "config auth.order";
	}
	if (explicit != NULL) {
		size_t n = json_object_array_length(explicit);

		o->explicit_order = 1;
		for (i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(explicit, i);

			if (!json_object_is_type(e, json_type_string) ||
			    *json_object_get_string(e) == '\0')
				continue;
			base = oc_xrealloc(base, (nbase + 1) * sizeof *base);
			base[nbase++] = json_object_get_string(e);
		}
	} else if (ncids > 0) {
		o->source = "config auth.profiles";
		base = cids;
		nbase = ncids;
		cids = NULL;
		ncids = 1;	/* remember there were config profiles */
	} else {
		o->source = "store profiles";
	}
	if (explicit == NULL && base == NULL)
		base = store_ids_of(s, auth_p, &nbase);
	for (i = 0; i < nbase; i++)
		if (oc_store_profile(s, base[i]) != NULL)
			all_missing = 0;
	/* Every configured id is missing from the store: OpenClaw falls
	 * back to the store's own profiles of the provider. */
	if (nbase > 0 && all_missing && ncids > 0) {
		free(base);
		base = store_ids_of(s, auth_p, &nbase);
		o->source = "store profiles";
	}
	for (i = 0; i < nbase; i++) {
		struct oc_order_entry e = { base[i], NULL, NULL, 0 };
		const char *why = ineligible(s, config, auth_p, base[i], now,
		    &e.type);
		size_t j;
		int dup = 0;

		for (j = 0; j < nok; j++)
			if (strcmp(ok[j].e.id, base[i]) == 0)
				dup = 1;
		if (dup || listed(o->excluded, o->nexcluded, base[i]))
			continue;
		if (why != NULL) {
			e.reason = why;
			add_entry(&o->excluded, &o->nexcluded, e);
			continue;
		}
		ok = oc_xrealloc(ok, (nok + 1) * sizeof *ok);
		ok[nok].e = e;
		ok[nok].pos = nok;
		e.until = unusable_until(s, o->provider, base[i]);
		ok[nok].e.until = e.until > now ? e.until : 0;
		if (ok[nok].e.until) {
			/* In cooldown: last, soonest usable first. */
			ok[nok].key1 = 1;
			ok[nok].key2 = ok[nok].e.until;
			ok[nok].e.reason = "cooldown";
		} else if (o->explicit_order) {
			ok[nok].key1 = 0;
			ok[nok].key2 = 0;
			ok[nok].e.reason = o->source;
		} else {
			json_object *st = oc_json_get_obj(
			    oc_store_routing(s, "usageStats"), base[i]);
			int64_t lu = 0;

			if (oc_json_get_i64(st, "lastUsed", &lu) != 1)
				lu = 0;
			ok[nok].key1 = 0;
			ok[nok].key2 = (int64_t)type_score(e.type) *
			    ((int64_t)1 << 52) + (lu > 0 ? lu : 0);
			ok[nok].e.reason = "round-robin";
		}
		nok++;
	}
	if (nok > 1)
		qsort(ok, nok, sizeof *ok, cmp_sortent);
	for (i = 0; i < nok; i++)
		add_entry(&o->use, &o->nuse, ok[i].e);
	free(ok);
	free(base);
	free(cids);
	free(auth_p);
}

void
oc_order_free(struct oc_order *o)
{
	if (o == NULL)
		return;
	free(o->provider);
	free(o->use);
	free(o->excluded);
	memset(o, 0, sizeof *o);
}
