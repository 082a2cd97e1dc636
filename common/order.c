/* SPDX-License-Identifier: ISC */
/*
 * order.c - the order in which the gateway tries a provider's profiles,
 * computed as OpenClaw 2026.3.24's resolveAuthProfileOrder does, over the
 * store's merged view:
 *
 *   base = store order[P] (the per-agent override), else config
 *          auth.order[P], else the config auth.profiles of P, else the
 *          store's profiles of P (in the store's order);
 *   drop ineligible ids (oc_rules_ineligible: missing, other provider,
 *          config mode differs, no secret, token expired or with an
 *          invalid expiry);
 *   an explicit order is kept as given; otherwise round-robin: oauth,
 *          then token, then api_key, least recently used first;
 *   profiles in cooldown (or disabled) go last, soonest usable first.
 *
 * 2026.7.35 and 2026.9.6 (resolveAuthProfileOrderWithMetadata) differ: the
 * era's provider folding and eligibility (oc_rules_*), a stored order that
 * names only ids the store lacks falls back to the store's profiles as if
 * there were no order, round-robin puts oauth profiles whose access token
 * has expired after the others of their type, and (2026.9) cooldowns count
 * blockedUntil and may be scoped to one model.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "oc.h"

/* findNormalizedProviderValue over cfg.auth.order. */
static json_object *
config_order(json_object *config, const char *provider)
{
	json_object *orders = oc_json_get_obj(oc_json_get_obj(config, "auth"),
	    "order"), *found = NULL;

	if (orders != NULL) {
		json_object_object_foreach(orders, k, v) {
			char *n = oc_provider_norm_dup(k);
			int m = strcmp(n, provider) == 0;

			free(n);
			if (m) {
				found = v;
				break;
			}
		}
	}
	return found != NULL && json_object_is_type(found, json_type_array) ?
	    found : NULL;
}


/* A stored profile as OpenClaw's store holds it: an entry its loader drops
 * is not there at all. */
static const struct oc_cred *
loaded(struct oc_store *s, const char *id)
{
	const struct oc_cred *c = oc_store_get(s, id);

	return c != NULL && c->entry == OC_CE_OK ? c : NULL;
}

/* The store's profile ids of a provider, in the store's order
 * (listProfilesForProvider). */
static const char **
store_ids_of(struct oc_store *s, const char *auth_p, size_t *n)
{
	const char **v = NULL;
	size_t i;

	*n = 0;
	for (i = 0; i < s->ncreds; i++)
		if (s->creds[i].entry == OC_CE_OK &&
		    oc_rules_provider_is(s->creds[i].provider_raw, auth_p,
		    s->rules)) {
			v = oc_xrealloc(v, (*n + 1) * sizeof *v);
			v[(*n)++] = s->creds[i].id;
		}
	return v;
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
	oc_order_effective_for(s, config, provider, NULL, now, o);
}

void
oc_order_effective_for(struct oc_store *s, json_object *config,
    const char *provider, const char *model, int64_t now, struct oc_order *o)
{
	json_object *explicit, *cprofiles;
	const char **base = NULL, **cids = NULL;
	size_t nbase = 0, ncids = 0, i, nok = 0;
	char *auth_p;
	struct sortent *ok = NULL;
	int all_missing = 1;

	memset(o, 0, sizeof *o);
	o->provider = oc_provider_norm_dup(provider);
	o->model = model;
	auth_p = oc_rules_provider_dup(provider, s->rules);

	cprofiles = oc_json_get_obj(oc_json_get_obj(config, "auth"),
	    "profiles");
	if (cprofiles != NULL) {
		json_object_object_foreach(cprofiles, cid, cv) {
			if (oc_rules_provider_is(oc_json_get_str(cv,
			    "provider"), auth_p, s->rules)) {
				cids = oc_xrealloc(cids,
				    (ncids + 1) * sizeof *cids);
				cids[ncids++] = cid;
			}
		}
	}
	explicit = oc_store_order(s, o->provider);
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
		if (loaded(s, base[i]) != NULL)
			all_missing = 0;
	/* Every configured id is missing from the store: OpenClaw falls
	 * back to the store's own profiles of the provider; from 2026.7 also
	 * for a stored order, which then counts as no order at all. */
	if (nbase > 0 && all_missing && (ncids > 0 ||
	    (s->rules != OC_RULES_2026_3 && o->explicit_order &&
	    strcmp(o->source, "store order") == 0))) {
		free(base);
		base = store_ids_of(s, auth_p, &nbase);
		o->source = "store profiles";
		o->explicit_order = 0;
	}
	for (i = 0; i < nbase; i++) {
		struct oc_order_entry e = { base[i], NULL, NULL, 0 };
		const struct oc_cred *c = loaded(s, base[i]);
		const char *why = oc_rules_ineligible(c, oc_config_auth_profile(
		    config, base[i]), auth_p, now, s->rules);
		size_t j;
		int dup = 0;

		for (j = 0; j < nok; j++)
			if (strcmp(ok[j].e.id, base[i]) == 0)
				dup = 1;
		if (dup || listed(o->excluded, o->nexcluded, base[i]))
			continue;
		if (c != NULL && c->type != OC_CT_UNKNOWN)
			e.type = oc_cred_type_name(c->type);
		if (why != NULL) {
			e.reason = why;
			add_entry(&o->excluded, &o->nexcluded, e);
			continue;
		}
		ok = oc_xrealloc(ok, (nok + 1) * sizeof *ok);
		ok[nok].e = e;
		ok[nok].pos = nok;
		ok[nok].e.until = oc_rules_unusable_until(oc_store_usage(s,
		    base[i]), o->provider, o->model, now, s->rules);
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
			int64_t lu = 0;

			if (oc_json_get_i64(oc_store_usage(s, base[i]),
			    "lastUsed", &lu) != 1)
				lu = 0;
			int64_t exp = 0;
			int stale = s->rules != OC_RULES_2026_3 &&
			    c->type == OC_CT_OAUTH &&
			    oc_cred_expires_valid(c, &exp) && exp <= now;

			ok[nok].key1 = 0;
			ok[nok].key2 = (int64_t)oc_rules_type_rank(c->type) *
			    ((int64_t)1 << 52) + (int64_t)stale *
			    ((int64_t)1 << 50) + (lu > 0 ? lu : 0);
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
