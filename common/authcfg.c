/* SPDX-License-Identifier: ISC */
/*
 * authcfg.c - the credential parts of openclaw.json (auth.profiles and
 * auth.order), edited the way OpenClaw edits them, and the order arrays they
 * share with the store.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "oc.h"

static int
orders_drop(json_object *orders, const char *id)
{
	int changed = 0;

	if (orders == NULL)
		return 0;
	json_object_object_foreach(orders, prov, arr) {
		size_t i;

		(void)prov;
		if (!json_object_is_type(arr, json_type_array))
			continue;
		for (i = json_object_array_length(arr); i-- > 0;) {
			json_object *e = json_object_array_get_idx(arr, i);

			if (json_object_is_type(e, json_type_string) &&
			    strcmp(json_object_get_string(e), id) == 0) {
				json_object_array_del_idx(arr, i, 1);
				changed = 1;
			}
		}
	}
	return changed;
}

/* Ids in auth.profiles whose provider is the one given, other than id. */
static void
configured_of(json_object *profiles, const char *provider, const char *id,
    const char *mode, json_object *ids_out, int *mixed)
{
	json_object_object_foreach(profiles, pid, pv) {
		const char *pp = oc_json_get_str(pv, "provider");
		const char *pm = oc_json_get_str(pv, "mode");
		char *n;

		if (pp == NULL || strcmp(pid, id) == 0)
			continue;
		n = oc_provider_norm_dup(pp);
		if (strcmp(n, provider) == 0) {
			if (pm == NULL || strcmp(pm, mode) != 0)
				*mixed = 1;
			if (ids_out != NULL)
				json_object_array_add(ids_out,
				    json_object_new_string(pid));
		}
		free(n);
	}
}

void
oc_authcfg_set_profile(json_object *cfg, const char *id,
    const char *provider, const char *mode, const char *email)
{
	json_object *auth = oc_json_obj_ensure(cfg, "auth");
	json_object *profiles = oc_json_obj_ensure(auth, "profiles");
	json_object *order = oc_json_get_obj(auth, "order");
	json_object *existing = oc_json_get(order, provider);
	json_object *entry = json_object_new_object(), *nv, *others;
	int mixed = 0;
	size_t i, n;

	json_object_object_add(entry, "provider",
	    json_object_new_string(provider));
	json_object_object_add(entry, "mode", json_object_new_string(mode));
	if (email != NULL)
		json_object_object_add(entry, "email",
		    json_object_new_string(email));
	others = json_object_new_array();
	configured_of(profiles, provider, id, mode, others, &mixed);
	if (existing != NULL && json_object_is_type(existing, json_type_array)) {
		/* An existing order gets the id moved to the front. */
		nv = json_object_new_array();
		json_object_array_add(nv, json_object_new_string(id));
		n = json_object_array_length(existing);
		for (i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(existing, i);

			if (json_object_is_type(e, json_type_string) &&
			    strcmp(json_object_get_string(e), id) == 0)
				continue;
			json_object_array_add(nv, json_object_get(e));
		}
		json_object_object_add(order, provider, nv);
	} else if (existing == NULL && mixed) {
		/* Profiles of another mode: OpenClaw creates an order with
		 * the new one first. */
		nv = json_object_new_array();
		json_object_array_add(nv, json_object_new_string(id));
		n = json_object_array_length(others);
		for (i = 0; i < n; i++)
			json_object_array_add(nv, json_object_get(
			    json_object_array_get_idx(others, i)));
		json_object_object_add(oc_json_obj_ensure(auth, "order"),
		    provider, nv);
	}
	json_object_put(others);
	json_object_object_add(profiles, id, entry);
}

int
oc_authcfg_remove_profile(json_object *cfg, const char *id)
{
	json_object *auth = oc_json_get_obj(cfg, "auth");
	json_object *profiles = oc_json_get_obj(auth, "profiles");
	int changed = 0;

	if (oc_json_get(profiles, id) != NULL) {
		json_object_object_del(profiles, id);
		changed = 1;
	}
	return orders_drop(oc_json_get_obj(auth, "order"), id) ||
	    changed;
}
