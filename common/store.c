/* SPDX-License-Identifier: ISC */
/*
 * store.c - the credential store as every command sees it, whichever
 * backend keeps it: the era and backend chosen from the files on disk (the
 * one place that does), the merged view of the agent's own layer over the
 * one it inherits, and changes made in a transaction (exclude other
 * writers, re-read, apply, write).
 *
 * Only the backends (store-*.c) know a file, a table or a row; here a layer
 * is two JSON documents: credentials ({"version","profiles"}) and, where
 * the layout keeps it apart, routing state ({"order","lastGood",
 * "usageStats"}). Changes are edits of members (jdoc.c), so everything the
 * tools do not understand stays as it was.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

static const char *const routing_keys[3] = { "order", "lastGood",
    "usageStats" };

const char *
oc_store_era_name(enum oc_era e)
{
	static const char *const n[] = { "A", "B", "C", "D" };

	return e <= OC_ERA_D ? n[e] : "?";
}

/* ---- reading ---- */

static int
routing_index(const char *key)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(routing_keys[i], key) == 0)
			return i;
	return -1;
}

/* The document that holds a routing key in this layer: the state document
 * when it has the key (it wins per key), else the credentials document. */
static const struct oc_doc *
routing_doc(const struct oc_layer *l, const char *key, struct oc_jval *v)
{
	if (l->split && l->state.text != NULL &&
	    oc_jscan_get(l->state.root, key, v) &&
	    oc_jscan_type(*v) == OC_JT_OBJECT)
		return &l->state;
	if (l->creds.text != NULL && oc_jscan_get(l->creds.root, key, v) &&
	    oc_jscan_type(*v) == OC_JT_OBJECT)
		return &l->creds;
	return NULL;
}

/* A layer's routing map as a tree (owned), or NULL. */
static json_object *
layer_routing(const struct oc_layer *l, const char *key)
{
	struct oc_jval v;
	json_object *o = NULL;
	struct oc_err err;

	if (routing_doc(l, key, &v) == NULL)
		return NULL;
	if (oc_json_parse(key, v.p, v.n, &o, &err) == -1)
		return NULL;
	return o;
}

/*
 * mergeAuthProfileStores (store.ts), 2026.3.24: the routing maps merge per
 * key, the agent's own entry winning (an object spread).
 */
static json_object *
merge_map(json_object *base, json_object *over)
{
	json_object *m;

	if (base == NULL)
		return over;
	if (over == NULL)
		return base;
	m = base;
	json_object_object_foreach(over, k, v)
		json_object_object_add(m, k, json_object_get(v));
	json_object_put(over);
	return m;
}

/* storedOrder as coerceAuthStore leaves it: arrays of trimmed non-empty
 * strings, empty lists dropped. */
static void
clean_order(json_object *order)
{
	int again = 1;

	while (order != NULL && again) {
		again = 0;
		json_object_object_foreach(order, prov, v) {
			json_object *nv;
			size_t i, n;

			if (!json_object_is_type(v, json_type_array)) {
				json_object_object_del(order, prov);
				again = 1;
				break;
			}
			nv = json_object_new_array();
			n = json_object_array_length(v);
			for (i = 0; i < n; i++) {
				json_object *e = json_object_array_get_idx(v, i);
				char *t;

				if (!json_object_is_type(e, json_type_string))
					continue;
				t = oc_text_trim_js_dup(json_object_get_string(e));
				if (*t != '\0')
					json_object_array_add(nv,
					    json_object_new_string(t));
				free(t);
			}
			if (json_object_array_length(nv) == 0) {
				json_object_put(nv);
				json_object_object_del(order, prov);
				again = 1;
				break;
			}
			if (!oc_json_equal(nv, v)) {
				json_object_object_add(order, prov, nv);
				again = 1;
				break;
			}
			json_object_put(nv);
		}
	}
}

/*
 * mergeProfileOrderWithOverridePrecedence (2026.6 and later): a provider
 * with profiles of the agent's own but an order only in the inherited
 * layer gets the agent's ids first, then that order, without duplicates.
 */
static json_object *
local_first_orders(struct oc_store *s, json_object *merged)
{
	json_object *own = layer_routing(&s->layer[0], "order");
	size_t i;

	if (merged == NULL)
		goto out;
	{
		json_object_object_foreach(merged, prov, arr) {
			json_object *nv;
			size_t k, n;

			if (oc_json_get(own, prov) != NULL ||
			    !json_object_is_type(arr, json_type_array))
				continue;
			nv = json_object_new_array();
			for (i = 0; i < s->ncreds; i++) {
				const struct oc_cred *c = &s->creds[i];
				char *pa;

				if (c->layer != 0 || c->entry != OC_CE_OK)
					continue;
				pa = oc_provider_auth_dup(c->provider_raw);
				if (strcmp(pa, prov) == 0)
					json_object_array_add(nv,
					    json_object_new_string(c->id));
				free(pa);
			}
			if (json_object_array_length(nv) == 0) {
				json_object_put(nv);
				continue;
			}
			n = json_object_array_length(arr);
			for (k = 0; k < n; k++) {
				json_object *e = json_object_array_get_idx(arr, k);
				size_t q, m = json_object_array_length(nv);
				int dup = 0;

				for (q = 0; q < m; q++)
					if (oc_json_equal(
					    json_object_array_get_idx(nv, q), e))
						dup = 1;
				if (!dup)
					json_object_array_add(nv,
					    json_object_get(e));
			}
			json_object_object_add(merged, prov, nv);
		}
	}
out:
	if (own != NULL)
		json_object_put(own);
	return merged;
}

json_object *
oc_store_routing(struct oc_store *s, const char *key)
{
	int i = routing_index(key);
	json_object *m = NULL;
	size_t l;

	if (i < 0)
		return NULL;
	if (s->have_routing[i])
		return s->routing[i];
	/* the inherited layer first, the agent's own over it */
	for (l = s->nlayers; l-- > 0;)
		if (s->layer[l].present)
			m = merge_map(m, layer_routing(&s->layer[l], key));
	if (i == 0 && s->rules != OC_RULES_2026_3 && s->nlayers > 1)
		m = local_first_orders(s, m);
	if (i == 0)
		clean_order(m);
	s->routing[i] = m;
	s->have_routing[i] = 1;
	return m;
}

json_object *
oc_store_order(struct oc_store *s, const char *provider)
{
	json_object *order = oc_store_routing(s, "order");
	char *want = oc_provider_norm_dup(provider);
	json_object *found = NULL;

	/* findNormalizedProviderValue: the first key that normalises to the
	 * provider */
	if (order != NULL) {
		json_object_object_foreach(order, k, v) {
			char *n = oc_provider_norm_dup(k);
			int m = strcmp(n, want) == 0;

			free(n);
			if (m) {
				found = v;
				break;
			}
		}
	}
	free(want);
	return found;
}

json_object *
oc_store_usage(struct oc_store *s, const char *id)
{
	return oc_json_get_obj(oc_store_routing(s, "usageStats"), id);
}

const struct oc_cred *
oc_store_get(const struct oc_store *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->ncreds; i++)
		if (strcmp(s->creds[i].id, id) == 0)
			return &s->creds[i];
	return NULL;
}

/* Many profiles: duplicates are found through a sorted index. */
struct idx_ent {
	const char *id;
	size_t at;
};

static int
cmp_idx(const void *a, const void *b)
{
	const struct idx_ent *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c != 0 ? c : (x->at < y->at ? -1 : x->at > y->at);
}

/* Append a layer's profiles in their order. */
static void
add_layer_creds(struct oc_store *s, int li, size_t *cap)
{
	const struct oc_layer *l = &s->layer[li];
	struct oc_jval profiles, k, v;
	struct oc_jiter it;

	if (l->creds.text == NULL || !oc_jscan_get(l->creds.root, "profiles",
	    &profiles) || oc_jscan_type(profiles) != OC_JT_OBJECT)
		return;
	oc_jscan_iter_init(&it, profiles);
	while (oc_jscan_iter_next(&it, &k, &v)) {
		char *id = oc_jscan_str_dup(k);

		if (s->ncreds == *cap) {
			*cap = *cap ? *cap * 2 : 32;
			s->creds = oc_xrealloc(s->creds, *cap * sizeof *s->creds);
		}
		oc_cred_parse(&s->creds[s->ncreds], id, v, s->rules);
		s->creds[s->ncreds].layer = li;
		s->ncreds++;
		free(id);
	}
}

/*
 * One profile per id, as JSON.parse reads duplicate keys and an object
 * spread merges two stores ({...inherited, ...own}, mergeAuthProfileStores):
 * the id keeps the place of its first occurrence and takes the value of its
 * last, the inherited layer's profiles coming first.
 */
static void
fold_duplicates(struct oc_store *s, int first_wins)
{
	struct idx_ent *ix;
	size_t n = s->ncreds, i, j, w;
	char *drop;

	if (n < 2)
		return;
	ix = oc_xcalloc(n, sizeof *ix);
	for (i = 0; i < n; i++) {
		ix[i].id = s->creds[i].id;
		ix[i].at = i;
	}
	qsort(ix, n, sizeof *ix, cmp_idx);
	drop = oc_xcalloc(n, 1);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(ix[j].id, ix[i].id) == 0; j++)
			drop[ix[j].at] = 1;
		if (j - i > 1 && !first_wins) {
			size_t first = ix[i].at, last = ix[j - 1].at;
			struct oc_cred keep = s->creds[last];

			s->creds[last] = s->creds[first];
			s->creds[first] = keep;
		}
	}
	for (i = 0, w = 0; i < n; i++) {
		if (drop[i]) {
			oc_cred_free(&s->creds[i]);
			continue;
		}
		s->creds[w++] = s->creds[i];
	}
	s->ncreds = w;
	free(drop);
	free(ix);
}

/* Duplicates across layers: the entry of the lower layer (the agent's own)
 * wins, in its place; within a layer, as JSON.parse. */
static void
fold_duplicates_layered(struct oc_store *s)
{
	struct idx_ent *ix;
	size_t n = s->ncreds, i, j, w, keep;
	char *drop;

	if (n < 2)
		return;
	ix = oc_xcalloc(n, sizeof *ix);
	for (i = 0; i < n; i++) {
		ix[i].id = s->creds[i].id;
		ix[i].at = i;
	}
	qsort(ix, n, sizeof *ix, cmp_idx);
	drop = oc_xcalloc(n, 1);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(ix[j].id, ix[i].id) == 0; j++)
			;
		if (j - i < 2)
			continue;
		/* the winner: the last entry of the first layer that has it,
		 * moved to that layer's first place */
		keep = i;
		for (w = i + 1; w < j; w++)
			if (s->creds[ix[w].at].layer ==
			    s->creds[ix[i].at].layer)
				keep = w;
		if (keep != i) {
			struct oc_cred t = s->creds[ix[keep].at];

			s->creds[ix[keep].at] = s->creds[ix[i].at];
			s->creds[ix[i].at] = t;
		}
		for (w = i + 1; w < j; w++)
			drop[ix[w].at] = 1;
	}
	for (i = 0, w = 0; i < n; i++) {
		if (drop[i]) {
			oc_cred_free(&s->creds[i]);
			continue;
		}
		s->creds[w++] = s->creds[i];
	}
	s->ncreds = w;
	free(drop);
	free(ix);
}

static void
build_view(struct oc_store *s)
{
	size_t cap = 0, i, l;

	for (i = 0; i < s->ncreds; i++)
		oc_cred_free(&s->creds[i]);
	free(s->creds);
	s->creds = NULL;
	s->ncreds = 0;
	for (i = 0; i < 3; i++) {
		if (s->routing[i] != NULL)
			oc_json_wipe_put(s->routing[i]);
		s->routing[i] = NULL;
		s->have_routing[i] = 0;
	}
	if (s->rules == OC_RULES_2026_3) {
		/* the inherited layer is the base, the agent's own the
		 * override: {...inherited, ...own} */
		for (l = s->nlayers; l-- > 0;)
			if (s->layer[l].present)
				add_layer_creds(s, (int)l, &cap);
		fold_duplicates(s, 0);
		return;
	}
	/* 2026.6 and later (mergeAuthProfileStores in persisted.ts): the
	 * agent's own profiles first, in their order, then the inherited ones
	 * it does not hold. Within one layer the last duplicate counts. */
	for (l = 0; l < s->nlayers; l++) {
		size_t from = s->ncreds;

		if (!s->layer[l].present)
			continue;
		add_layer_creds(s, (int)l, &cap);
		(void)from;
	}
	fold_duplicates_layered(s);
}

void
oc_store_layer_free(struct oc_layer *l)
{
	if (l->be != NULL && l->be->free != NULL)
		l->be->free(l);
	free(l->name);
	free(l->file);
	if (l->creds.text != NULL) {
		oc_secret_wipe(l->creds.text, l->creds.len);
		free(l->creds.text);
	}
	if (l->state.text != NULL) {
		oc_secret_wipe(l->state.text, l->state.len);
		free(l->state.text);
	}
	if (l->creds.next != NULL) {
		oc_secret_wipe(l->creds.next, l->creds.nextlen);
		free(l->creds.next);
	}
	if (l->state.next != NULL) {
		oc_secret_wipe(l->state.next, l->state.nextlen);
		free(l->state.next);
	}
	memset(l, 0, sizeof *l);
}

static char *
db_in(const char *dir)
{
	return oc_xasprintf("%s/openclaw-agent.sqlite", dir);
}

/*
 * Choose the era and set up the layers, from the files on disk: this is
 * the one place that knows which backend holds an agent's store.
 *   D: <state>/state/openclaw.sqlite has config_machine_state and not the
 *      2026.6-7 auth_profile_stores table (2026.8 and later);
 *   C: the agent's (or the main agent's) openclaw-agent.sqlite has
 *      auth_profile_store;
 *   B: auth-state.json beside auth-profiles.json; A: otherwise.
 */
static int
setup(struct oc_store *s, const struct oc_ctx *ctx, struct oc_err *err)
{
	const struct oc_paths *p = &ctx->paths;
	struct oc_sqlite_facts sf, af, mf;
	char *state_db, *agent_db, *main_db;
	int same = oc_ctx_same_dir(p->main_dir, p->agent_dir), r = -1;

	memset(s, 0, sizeof *s);
	state_db = oc_xasprintf("%s/state/openclaw.sqlite", p->state_dir);
	agent_db = db_in(p->agent_dir);
	main_db = db_in(p->main_dir);
	if (oc_store_sqlite_probe(state_db, &sf, err) == -1 ||
	    oc_store_sqlite_probe(agent_db, &af, err) == -1 ||
	    (!same && oc_store_sqlite_probe(main_db, &mf, err) == -1))
		goto out;
	if (same)
		mf = af;
	if (sf.exists && sf.config_machine_state && !sf.auth_profile_stores) {
		s->era = OC_ERA_D;
		s->rules = OC_RULES_2026_9;
		if (sf.shared_store_row && !sf.state_db_owner) {
			oc_err_set(err, OC_EX_DATAERR, "%s: config_machine_state "
			    "\"auth.sharedStore\" is not {\"location\":"
			    "\"state-db\"}: OpenClaw calls this an invalid "
			    "shared auth store location (run openclaw doctor "
			    "--fix)", state_db);
			goto out;
		}
		if (sf.state_db_owner) {
			/* the shared rows of the state database, under the
			 * agent's own database */
			oc_store_sqlite_layer(&s->layer[0], agent_db, 0,
			    "agent");
			oc_store_sqlite_layer(&s->layer[1], state_db, 1,
			    "shared");
			s->nlayers = 2;
			/* paste-token for the shared main agent writes the
			 * shared store (sharedStoreWrite) */
			s->target = same ? 1 : 0;
		} else if (same) {
			/* legacy-main: the main agent's database is the
			 * shared store */
			oc_store_sqlite_layer(&s->layer[0], agent_db, 0,
			    "shared");
			s->nlayers = 1;
		} else {
			oc_store_sqlite_layer(&s->layer[0], agent_db, 0,
			    "agent");
			oc_store_sqlite_layer(&s->layer[1], main_db, 0,
			    "shared");
			s->nlayers = 2;
		}
	} else if ((af.exists && af.auth_profile_store) ||
	    (mf.exists && mf.auth_profile_store)) {
		s->era = OC_ERA_C;
		s->rules = OC_RULES_2026_7;
		oc_store_sqlite_layer(&s->layer[0], agent_db, 0, "agent");
		s->nlayers = 1;
		if (!same) {
			oc_store_sqlite_layer(&s->layer[1], main_db, 0, "main");
			s->nlayers = 2;
		}
	} else {
		s->era = oc_store_json_split(p->agent_dir) ? OC_ERA_B :
		    OC_ERA_A;
		s->rules = OC_RULES_2026_3;
		oc_store_json_layer(&s->layer[0], p->agent_dir, "agent");
		s->nlayers = 1;
		/* Another agent inherits the main agent's store
		 * (ensureAuthProfileStore merges it under its own). */
		if (!same) {
			oc_store_json_layer(&s->layer[1], p->main_dir, "main");
			s->nlayers = 2;
		}
	}
	if (s->era >= OC_ERA_C) {
		/* the retired sources OpenClaw looks for beside the owner
		 * (resolveLegacyAuthProfileSourceCandidates) */
		static const char *const names[] = { "auth-profiles.json",
		    "auth.json" };
		size_t i;

		for (i = 0; i < 2 && s->legacy_json == NULL; i++) {
			char *f = oc_xasprintf("%s/%s", p->agent_dir, names[i]);

			if (oc_file_exists(f))
				s->legacy_json = f;
			else
				free(f);
		}
		if (s->legacy_json == NULL && same) {
			char *f = oc_xasprintf("%s/credentials/oauth.json",
			    p->state_dir);

			if (oc_file_exists(f))
				s->legacy_json = f;
			else
				free(f);
		}
	}
	{
		char **ids = oc_ctx_agent_ids_dup(ctx->config);

		s->multi_agent = ids != NULL && ids[0] != NULL && ids[1] != NULL;
		oc_xstrv_free(ids);
	}
	s->agent_explicit = p->agent_source != NULL &&
	    strcmp(p->agent_source, "option") == 0;
	r = 0;
out:
	free(state_db);
	free(agent_db);
	free(main_db);
	return r;
}

static int
load_layers(struct oc_store *s, struct oc_err *err)
{
	size_t l;

	for (l = 0; l < s->nlayers; l++)
		if (s->layer[l].be->load(&s->layer[l], err) == -1)
			return -1;
	build_view(s);
	/* 2026.8 and later refuse an agent whose own database holds no
	 * profiles while a retired source lies beside it
	 * (assertAuthProfileMigrationCandidates); 2026.6-7 ignore it */
	s->legacy_blocks = 0;
	if (s->era == OC_ERA_D && s->legacy_json != NULL) {
		size_t i;

		s->legacy_blocks = 1;
		for (i = 0; i < s->ncreds; i++)
			if (s->creds[i].layer == 0 &&
			    strcmp(s->layer[0].owner, "agent") == 0)
				s->legacy_blocks = 0;
		if (strcmp(s->layer[0].owner, "shared") == 0)
			for (i = 0; i < s->ncreds; i++)
				if (s->creds[i].layer == 0)
					s->legacy_blocks = 0;
	}
	return 0;
}

int
oc_store_open(struct oc_store *s, const struct oc_ctx *ctx,
    struct oc_err *err)
{
	if (setup(s, ctx, err) == -1 || load_layers(s, err) == -1) {
		oc_store_close(s);
		return -1;
	}
	return 0;
}

void
oc_store_close(struct oc_store *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ncreds; i++)
		oc_cred_free(&s->creds[i]);
	free(s->creds);
	for (i = 0; i < 3; i++)
		if (s->routing[i] != NULL)
			oc_json_wipe_put(s->routing[i]);
	for (i = 0; i < s->nlayers; i++)
		oc_store_layer_free(&s->layer[i]);
	free(s->legacy_json);
	memset(s, 0, sizeof *s);
}

const char *
oc_store_target_name(const struct oc_store *s)
{
	return s->layer[s->target].name;
}

/* The store OpenClaw's models status names (storePath): the agent's own
 * database or file when it exists, else the one it inherits from. */
const char *
oc_store_shown_path(const struct oc_store *s)
{
	size_t i;

	for (i = 0; i < s->nlayers; i++)
		if (s->layer[i].present)
			return s->layer[i].file;
	return s->layer[0].file;
}

json_object *
oc_store_describe(const struct oc_store *s)
{
	json_object *j = json_object_new_object(), *a;
	size_t i;

	json_object_object_add(j, "era", json_object_new_string(
	    oc_store_era_name(s->era)));
	json_object_object_add(j, "rules", json_object_new_string(
	    oc_rules_name(s->rules)));
	json_object_object_add(j, "backend", json_object_new_string(
	    s->layer[0].be->name));
	a = json_object_new_array();
	for (i = 0; i < s->nlayers; i++) {
		json_object *l = s->layer[i].be->describe(&s->layer[i]);

		json_object_object_add(l, "owner", json_object_new_string(
		    s->layer[i].owner));
		json_object_object_add(l, "present",
		    json_object_new_boolean(s->layer[i].present));
		json_object_object_add(l, "newProfiles",
		    json_object_new_boolean((int)i == s->target));
		json_object_array_add(a, l);
	}
	json_object_object_add(j, "layers", a);
	json_object_object_add(j, "legacyJson", s->legacy_json ?
	    json_object_new_string(s->legacy_json) : NULL);
	json_object_object_add(j, "refusedByOpenClaw",
	    json_object_new_boolean(s->legacy_blocks));
	return j;
}

const char *
oc_store_insecure(const struct oc_store *s)
{
	size_t i;

	for (i = 0; i < s->nlayers; i++)
		if (s->layer[i].present && s->layer[i].be->insecure != NULL &&
		    s->layer[i].be->insecure(&s->layer[i]))
			return s->layer[i].name;
	return NULL;
}

/* ---- changes ---- */

/* One edit of a layer's document, recorded until commit. */
struct pending {
	int layer;
	int state;		/* in the state document (else credentials) */
	char *path[2];
	int depth;
	json_object *value;	/* owned; NULL: remove */
	int secret;		/* a profile: wiped when freed */
};

struct oc_txn {
	struct oc_store s;
	struct pending *p;
	size_t np;
	json_object *tmp;	/* trees handed out and not put back */
};

struct oc_store *
oc_store_txn_store(struct oc_txn *t)
{
	return &t->s;
}

static void
pend(struct oc_txn *t, int layer, int state, const char *k1, const char *k2,
    json_object *value)
{
	struct pending *e;
	size_t i;

	/* a later edit of the same member replaces an earlier one */
	for (i = 0; i < t->np; i++) {
		e = &t->p[i];
		if (e->layer == layer && e->state == state &&
		    e->depth == (k2 ? 2 : 1) && strcmp(e->path[0], k1) == 0 &&
		    (k2 == NULL || strcmp(e->path[1], k2) == 0)) {
			if (e->value != NULL && e->secret)
				oc_json_wipe_put(e->value);
			else if (e->value != NULL)
				json_object_put(e->value);
			e->value = value;
			return;
		}
	}
	t->p = oc_xrealloc(t->p, (t->np + 1) * sizeof *t->p);
	e = &t->p[t->np++];
	e->layer = layer;
	e->state = state;
	e->path[0] = oc_xstrdup(k1);
	e->path[1] = k2 ? oc_xstrdup(k2) : NULL;
	e->depth = k2 ? 2 : 1;
	e->value = value;
	e->secret = state == 0 && strcmp(k1, "profiles") == 0;
}

static int
stored_in(const struct oc_layer *l, const char *id)
{
	struct oc_jval profiles, v;

	return l->creds.text != NULL && oc_jscan_get(l->creds.root, "profiles",
	    &profiles) && oc_jscan_get(profiles, id, &v);
}

json_object *
oc_store_txn_profile(struct oc_txn *t, const char *id)
{
	const struct oc_cred *c = oc_store_get(&t->s, id);
	json_object *o = NULL;
	struct oc_err err;

	if (c == NULL || c->raw.p == NULL ||
	    oc_jscan_type(c->raw) != OC_JT_OBJECT)
		return NULL;
	if (oc_json_parse(id, c->raw.p, c->raw.n, &o, &err) == -1)
		return NULL;
	return o;
}

static int
layer_of(struct oc_txn *t, const char *id)
{
	const struct oc_cred *c = oc_store_get(&t->s, id);

	return c != NULL ? c->layer : t->s.target;
}

const char *
oc_store_txn_target_name(struct oc_txn *t, const char *id)
{
	return t->s.layer[layer_of(t, id)].name;
}

void
oc_store_txn_put(struct oc_txn *t, const char *id, json_object *p)
{
	pend(t, layer_of(t, id), 0, "profiles", id, p);
}

/* The routing map key in a layer, as a tree (owned): the pending one when
 * this change already set it, else as stored. */
static json_object *
pending_routing(struct oc_txn *t, int li, const char *key)
{
	size_t i;

	for (i = t->np; i-- > 0;)
		if (t->p[i].layer == li && t->p[i].depth == 1 &&
		    strcmp(t->p[i].path[0], key) == 0)
			return t->p[i].value ? json_object_get(t->p[i].value) :
			    NULL;
	return layer_routing(&t->s.layer[li], key);
}

/* Store a routing map where the layer's layout keeps it: the state
 * document when kept apart, else inline. An inline copy the state document
 * shadows is left alone, unless the map moves over now (the state document
 * did not have it) or goes: then it goes too, so it cannot come back. An
 * empty map is removed. */
static void
put_routing(struct oc_txn *t, int li, const char *key, json_object *m)
{
	struct oc_layer *l = &t->s.layer[li];
	struct oc_jval v;
	int state_has;

	if (m != NULL && json_object_object_length(m) == 0) {
		json_object_put(m);
		m = NULL;
	}
	if (!l->split) {
		pend(t, li, 0, key, NULL, m);
		return;
	}
	state_has = l->state.text != NULL && oc_jscan_get(l->state.root, key,
	    &v) && oc_jscan_type(v) == OC_JT_OBJECT;
	pend(t, li, 1, key, NULL, m);
	if (l->creds.text != NULL && oc_jscan_get(l->creds.root, key, &v) &&
	    (!state_has || m == NULL))
		pend(t, li, 0, key, NULL, NULL);
}

static int
drop_from_orders(json_object *order, const char *id)
{
	int changed = 0;

	if (order == NULL)
		return 0;
	json_object_object_foreach(order, prov, arr) {
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

static int
drop_last_good(json_object *lg, const char *id)
{
	int changed = 0, again = 1;

	while (lg != NULL && again) {
		again = 0;
		json_object_object_foreach(lg, prov, v) {
			if (json_object_is_type(v, json_type_string) &&
			    strcmp(json_object_get_string(v), id) == 0) {
				json_object_object_del(lg, prov);
				changed = again = 1;
				break;
			}
		}
	}
	return changed;
}

int
oc_store_txn_remove(struct oc_txn *t, const char *id)
{
	int existed = 0;
	size_t li;

	for (li = 0; li < t->s.nlayers; li++) {
		struct oc_layer *l = &t->s.layer[li];
		json_object *m;

		if (!l->present)
			continue;
		if (stored_in(l, id)) {
			pend(t, (int)li, 0, "profiles", id, NULL);
			existed = 1;
		}
		if ((m = pending_routing(t, (int)li, "order")) != NULL) {
			if (drop_from_orders(m, id))
				put_routing(t, (int)li, "order", m);
			else
				json_object_put(m);
		}
		if ((m = pending_routing(t, (int)li, "lastGood")) != NULL) {
			if (drop_last_good(m, id))
				put_routing(t, (int)li, "lastGood", m);
			else
				json_object_put(m);
		}
		if ((m = pending_routing(t, (int)li, "usageStats")) != NULL) {
			if (oc_json_get(m, id) != NULL) {
				json_object_object_del(m, id);
				put_routing(t, (int)li, "usageStats", m);
			} else
				json_object_put(m);
		}
	}
	return existed;
}

int
oc_store_txn_set_order(struct oc_txn *t, const char *provider, json_object *ids)
{
	json_object *m = pending_routing(t, 0, "order"), *old = NULL;
	char *want = oc_provider_norm_dup(provider), *key = NULL;
	int changed = 0, again = 1;

	if (m == NULL)
		m = json_object_new_object();
	/* The first key that normalises to the provider (a "Z.AI" written
	 * by hand is the same provider) keeps its place and spelling. */
	{
		json_object_object_foreach(m, k, v) {
			char *n = oc_provider_norm_dup(k);
			int hit = strcmp(n, want) == 0;

			free(n);
			if (hit) {
				key = oc_xstrdup(k);
				old = v;
				break;
			}
		}
	}
	/* Every other key for it goes; with a clear, that one too. */
	while (again) {
		again = 0;
		json_object_object_foreach(m, k, v) {
			char *n = oc_provider_norm_dup(k);
			int hit = strcmp(n, want) == 0 && (ids == NULL ||
			    strcmp(k, key) != 0);

			free(n);
			(void)v;
			if (hit) {
				json_object_object_del(m, k);
				changed = again = 1;
				break;
			}
		}
	}
	if (ids != NULL) {
		if (old == NULL || !oc_json_equal(old, ids)) {
			json_object_object_add(m, key ? key : want, ids);
			changed = 1;
		} else
			json_object_put(ids);
	}
	free(key);
	free(want);
	if (changed)
		put_routing(t, 0, "order", m);
	else
		json_object_put(m);
	return changed;
}

int
oc_store_txn_usage_clear(struct oc_txn *t, char *const *ids, size_t n)
{
	int changed = 0;
	size_t li, f, i;

	for (li = 0; li < t->s.nlayers; li++) {
		json_object *m;
		int here = 0;

		if (!t->s.layer[li].present ||
		    (m = pending_routing(t, (int)li, "usageStats")) == NULL)
			continue;
		json_object_object_foreach(m, id, st) {
			int want = n == 0;

			for (i = 0; i < n && !want; i++)
				want = strcmp(ids[i], id) == 0;
			if (!want || !json_object_is_type(st, json_type_object))
				continue;
			for (f = 0; oc_rules_cooldown_fields[f] != NULL; f++)
				if (oc_json_get(st, oc_rules_cooldown_fields[f])) {
					json_object_object_del(st,
					    oc_rules_cooldown_fields[f]);
					here = 1;
				}
		}
		if (here) {
			put_routing(t, (int)li, "usageStats", m);
			changed = 1;
		} else
			json_object_put(m);
	}
	return changed;
}

/* Apply the pending edits of one document; 1 if its bytes change. */
static int
render(struct oc_txn *t, int li, int state)
{
	struct oc_layer *l = &t->s.layer[li];
	struct oc_doc *d = state ? &l->state : &l->creds;
	struct oc_jdoc_edit *ev = NULL;
	json_object *ver = NULL;
	size_t n = 0, i, len;
	char *out;

	for (i = 0; i < t->np; i++) {
		struct pending *e = &t->p[i];

		if (e->layer != li || e->state != state)
			continue;
		ev = oc_xrealloc(ev, (n + 2) * sizeof *ev);
		memset(&ev[n], 0, sizeof ev[n]);
		ev[n].path[0] = e->path[0];
		ev[n].path[1] = e->path[1];
		ev[n].depth = e->depth;
		ev[n].value = e->value;
		n++;
	}
	if (n == 0) {
		free(ev);
		return 0;
	}
	if (d->text == NULL) {
		/* a new document starts as OpenClaw's: {"version":1,...} */
		ver = json_object_new_int(1);
		memmove(&ev[1], &ev[0], n * sizeof *ev);
		memset(&ev[0], 0, sizeof ev[0]);
		ev[0].path[0] = "version";
		ev[0].depth = 1;
		ev[0].value = ver;
		n++;
	}
	out = oc_jdoc_apply(d->text, d->len, d->root, ev, n, l->indent, &len);
	free(ev);
	if (ver != NULL)
		json_object_put(ver);
	if (out == NULL)
		return 0;
	if (d->text != NULL && len == d->len && memcmp(out, d->text, len) == 0) {
		oc_secret_wipe(out, len);
		free(out);
		return 0;
	}
	d->next = out;
	d->nextlen = len;
	d->changed = 1;
	return 1;
}

/* A state document left with nothing but "version" is removed: OpenClaw
 * deletes an empty state rather than write one. */
static void
drop_empty_state(struct oc_doc *d)
{
	struct oc_jval root, k, v;
	struct oc_jiter it;
	struct oc_err err;

	if (!d->changed || d->next == NULL ||
	    oc_jscan_check("state", d->next, d->nextlen, &root, &err) == -1)
		return;
	oc_jscan_iter_init(&it, root);
	while (oc_jscan_iter_next(&it, &k, &v))
		if (!oc_jscan_str_eq(k, "version"))
			return;
	oc_secret_wipe(d->next, d->nextlen);
	free(d->next);
	d->next = NULL;
	d->nextlen = 0;
}

static void
txn_free(struct oc_txn *t)
{
	size_t i;

	for (i = 0; i < t->np; i++) {
		free(t->p[i].path[0]);
		free(t->p[i].path[1]);
		if (t->p[i].value != NULL && t->p[i].secret)
			oc_json_wipe_put(t->p[i].value);
		else if (t->p[i].value != NULL)
			json_object_put(t->p[i].value);
	}
	free(t->p);
	oc_store_close(&t->s);
}

int
oc_store_update(const struct oc_ctx *ctx, int wait_ms, oc_txn_fn fn,
    void *arg, struct oc_err *err)
{
	struct oc_txn t;
	size_t li, began = 0;
	int r = -1, any = 0;

	memset(&t, 0, sizeof t);
	if (setup(&t.s, ctx, err) == -1)
		goto out;
	/* Exclude writers layer by layer, the inherited one first, as every
	 * writer does, then re-read everything. */
	for (li = t.s.nlayers; li-- > 0;) {
		if (t.s.layer[li].be->begin(&t.s.layer[li], wait_ms, err) == -1)
			goto out;
		began |= (size_t)1 << li;
	}
	if (load_layers(&t.s, err) == -1)
		goto out;
	if (t.s.legacy_blocks && !ctx->force) {
		oc_err_set(err, OC_EX_CONFIG, "%s awaits migration: OpenClaw "
		    "refuses this agent until it is imported, and a write here "
		    "would leave it ignored; run oc-profile migrate first (or "
		    "--force)", t.s.legacy_json);
		r = -1;
		goto out;
	}
	if (t.s.era == OC_ERA_D && t.s.multi_agent && !t.s.agent_explicit) {
		oc_err_set(err, OC_EX_USAGE, "several agents are configured: "
		    "name the one to change with -a (OpenClaw 2026.9 refuses "
		    "to guess, too)");
		r = -1;
		goto out;
	}
	r = fn(&t, arg, err);
	if (r != 1)
		goto out;
	for (li = 0; li < t.s.nlayers; li++) {
		any |= render(&t, (int)li, 1);
		any |= render(&t, (int)li, 0);
		if (t.s.layer[li].drop_empty)
			drop_empty_state(&t.s.layer[li].state);
	}
	if (!any) {
		r = 0;
		goto out;
	}
	for (li = 0; li < t.s.nlayers; li++) {
		struct oc_layer *l = &t.s.layer[li];

		if (!l->creds.changed && !l->state.changed)
			continue;
		if (!l->present) {
			/* OpenClaw makes an agent's database, with its ~55
			 * tables, on its own first write for that agent;
			 * these tools never create one */
			oc_err_set(err, OC_EX_CONFIG, "%s does not exist yet: "
			    "OpenClaw creates it on its first write for this "
			    "agent (e.g. run once: openclaw models auth order "
			    "clear --agent %s --provider anthropic); nothing was "
			    "written", l->name, ctx->paths.agent_id);
			r = -1;
			goto out;
		}
		if (!l->writable) {
			oc_err_set(err, OC_EX_CONFIG, "%s: cannot be written "
			    "by these tools; nothing was written", l->name);
			r = -1;
			goto out;
		}
	}
	for (li = 0; li < t.s.nlayers; li++) {
		struct oc_layer *l = &t.s.layer[li];

		if ((l->creds.changed || l->state.changed) &&
		    l->be->commit(l, err) == -1) {
			r = -1;
			goto out;
		}
	}
	r = 1;
out:
	for (li = 0; li < t.s.nlayers; li++)
		if (began & ((size_t)1 << li))
			t.s.layer[li].be->end(&t.s.layer[li]);
	txn_free(&t);
	return r;
}

int
oc_store_dry_run(const struct oc_ctx *ctx, oc_txn_fn fn, void *arg,
    struct oc_err *err)
{
	struct oc_txn t;
	int r = -1;

	memset(&t, 0, sizeof t);
	if (setup(&t.s, ctx, err) == 0 && load_layers(&t.s, err) == 0)
		r = fn(&t, arg, err);
	txn_free(&t);
	return r;
}

int
oc_store_txn_routing_add(struct oc_txn *t, const char *key, json_object *map)
{
	json_object *m = pending_routing(t, t->s.target, key);
	int added = 0;

	if (map == NULL)
		return 0;
	if (m == NULL)
		m = json_object_new_object();
	{
		json_object_object_foreach(map, k, v) {
			if (oc_json_get(m, k) != NULL)
				continue;
			json_object_object_add(m, k, json_object_get(v));
			added++;
		}
	}
	json_object_put(map);
	if (added)
		put_routing(t, t->s.target, key, m);
	else
		json_object_put(m);
	return added;
}
