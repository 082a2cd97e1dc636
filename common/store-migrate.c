/* SPDX-License-Identifier: ISC */
/*
 * store-migrate.c - oc-profile migrate: the credentials and routing state
 * of a retired JSON store (auth-profiles.json, auth-state.json beside it)
 * imported into the SQLite store that owns the agent, the way
 * `openclaw doctor --fix` imports them (maybeMigrateAuthProfileJsonStores-
 * ToSqlite, doctor-auth-flat-profiles.ts), but offline and auth-only: no
 * OAuth refresh, no plugin install, nothing else in the config.
 *
 *   - the legacy spellings become the current ones ("mode" -> "type",
 *     "apiKey" -> "key"); entries OpenClaw's loader drops are left out;
 *   - 2026.9: ids of retired providers are renamed as doctor renames them
 *     (openai-codex:x -> openai:x, openai:codex-cli -> openai:default,
 *     claude-cli / anthropic-cli -> anthropic, codex / codex-cli -> openai,
 *     google-gemini-cli -> google; an occupied id gets chatgpt- or cli-
 *     and a number), with their routing entries and config entries;
 *     anthropic:claude-cli, which 2026.9 retired, is not imported;
 *   - a profile id the owner store already holds is never replaced;
 *     routing entries are added only where the store has none;
 *   - after the write every imported profile is read back and compared;
 *     only then is each source renamed to OpenClaw's archive name
 *     (<file>.migrated-<ISO time, ':' as '-'>-<uuid v4>; 2026.6-7:
 *     <file>.sqlite-import.<ms>.bak), no-clobber, bytes and mode kept.
 * No receipts are written: OpenClaw's runtime never reads them, and a
 * foreign receipt could only confuse doctor's own resume logic.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oc.h"

static const struct {
	const char *legacy, *canonical;
} legacy_providers[] = {
	{ "openai-codex", "openai" }, { "codex", "openai" },
	{ "codex-cli", "openai" }, { "claude-cli", "anthropic" },
	{ "anthropic-cli", "anthropic" }, { "google-gemini-cli", "google" },
};

static const char *
canonical_of(const char *provider)
{
	size_t i;

	for (i = 0; i < sizeof legacy_providers / sizeof legacy_providers[0];
	    i++)
		if (strcmp(provider, legacy_providers[i].legacy) == 0)
			return legacy_providers[i].canonical;
	return NULL;
}

static void
item(struct oc_migrate *m, const char *from, const char *to,
    const char *outcome, const char *why)
{
	struct oc_migrate_item *it;

	m->items = oc_xrealloc(m->items, (m->nitems + 1) * sizeof *m->items);
	it = &m->items[m->nitems++];
	it->from = oc_xstrdup(from);
	it->to = to ? oc_xstrdup(to) : NULL;
	it->outcome = outcome;
	it->why = why;
}

/* The new name of a profile id (2026.9 only), or NULL to keep it. */
static char *
renamed_id(const char *id, int v9)
{
	const char *colon = strchr(id, ':'), *canon;
	char *prov;

	if (!v9 || colon == NULL)
		return NULL;
	if (strcmp(id, "openai:codex-cli") == 0)
		return oc_xstrdup("openai:default");
	prov = oc_xstrndup(id, (size_t)(colon - id));
	canon = canonical_of(prov);
	free(prov);
	return canon ? oc_xasprintf("%s%s", canon, colon) : NULL;
}

struct run {
	struct oc_migrate *m;
	struct oc_store *store;	/* the owner store, before the import */
	json_object *profiles;	/* id -> profile, normalised, in order */
	json_object *routing[3];
	json_object *renames;	/* old id -> new id */
	int v9;
};

static const char *const routing_keys[3] = { "order", "lastGood",
    "usageStats" };

/* A routing map of the legacy layer (the state file wins per key). */
static json_object *
legacy_routing(const struct oc_layer *l, const char *key)
{
	struct oc_jval v;
	json_object *o = NULL;
	struct oc_err err;

	if ((l->split && l->state.text != NULL && oc_jscan_get(l->state.root,
	    key, &v) && oc_jscan_type(v) == OC_JT_OBJECT) ||
	    (l->creds.text != NULL && oc_jscan_get(l->creds.root, key, &v) &&
	    oc_jscan_type(v) == OC_JT_OBJECT))
		(void)oc_json_parse(key, v.p, v.n, &o, &err);
	return o;
}

static const char *
rename_of(struct run *r, const char *id)
{
	return oc_json_get_str(r->renames, id);
}

static int
occupied(struct run *r, const char *id)
{
	const struct oc_cred *c = oc_store_get(r->store, id);

	return oc_json_get(r->profiles, id) != NULL ||
	    (c != NULL && c->layer == r->store->target);
}

/* The owner store holds ID as exactly P (a migration run before, cut off
 * before the archive): a renamed profile goes to that id again, not to a
 * new one beside it. */
static int
holds_same(struct run *r, const char *id, json_object *p)
{
	const struct oc_cred *c = oc_store_get(r->store, id);
	json_object *got = NULL;
	struct oc_err e;
	int same;

	if (c == NULL || c->layer != r->store->target || c->raw.p == NULL ||
	    oc_json_parse(id, c->raw.p, c->raw.n, &got, &e) == -1)
		return 0;
	same = oc_json_equal(got, p);
	oc_json_wipe_put(got);
	return same && oc_json_get(r->profiles, id) == NULL;
}

/* Read and normalise the legacy profiles; record what happens to each. */
static void
prepare(struct run *r, const struct oc_layer *l)
{
	struct oc_jval profiles, k, v;
	struct oc_jiter it;
	size_t i;

	r->profiles = json_object_new_object();
	r->renames = json_object_new_object();
	if (l->creds.text != NULL && oc_jscan_get(l->creds.root, "profiles",
	    &profiles) && oc_jscan_type(profiles) == OC_JT_OBJECT) {
		oc_jscan_iter_init(&it, profiles);
		while (oc_jscan_iter_next(&it, &k, &v)) {
			char *id = oc_jscan_str_dup(k), *to;
			struct oc_cred c;
			json_object *p = NULL, *n;
			struct oc_err err;

			oc_cred_parse(&c, id, v, r->v9 ? OC_RULES_2026_9 :
			    OC_RULES_2026_7);
			if (c.entry != OC_CE_OK) {
				item(r->m, id, NULL, "dropped",
				    oc_cred_entry_reason(c.entry));
				goto next;
			}
			if (r->v9 && strcmp(id, "anthropic:claude-cli") == 0) {
				item(r->m, id, NULL, "dropped", "retired by "
				    "OpenClaw 2026.9 (it uses Claude Code's "
				    "own login)");
				goto next;
			}
			if (oc_json_parse(id, v.p, v.n, &p, &err) == -1)
				goto next;
			/* the current spellings, in the same place */
			n = json_object_new_object();
			{
				json_object_object_foreach(p, mk, mv) {
					const char *key = mk;

					if (strcmp(mk, "mode") == 0 &&
					    oc_json_get(p, "type") == NULL)
						key = "type";
					else if (strcmp(mk, "apiKey") == 0 &&
					    oc_json_get(p, "key") == NULL)
						key = "key";
					else if (strcmp(mk, "mode") == 0 ||
					    strcmp(mk, "apiKey") == 0)
						continue;
					json_object_object_add(n, key,
					    json_object_get(mv));
				}
			}
			if (r->v9 && strcmp(oc_json_get_str(n, "type"),
			    "apiKey") == 0)
				json_object_object_add(n, "type",
				    json_object_new_string("api_key"));
			json_object_put(p);
			to = renamed_id(id, r->v9);
			if (to != NULL) {
				const char *canon = canonical_of(c.provider_raw ?
				    c.provider_raw : "");
				char *base = to;

				json_object_object_add(n, "provider",
				    json_object_new_string(canon ? canon :
				    c.provider_raw));
				/* an occupied id (imported, or in the store):
				 * <p>:chatgpt-<s> for openai-codex ids, else
				 * <p>:cli-<s>, then -2, -3, ...
				 * (allocateLegacyAuthProfileId) */
				for (i = 1; occupied(r, to) &&
				    !holds_same(r, to, n); i++) {
					const char *colon = strchr(base, ':');

					if (to != base)
						free(to);
					to = i == 1 ? oc_xasprintf("%.*s:%s%s",
					    (int)(colon - base), base,
					    strncmp(id, "openai-codex:", 13) == 0 ?
					    "chatgpt-" : "cli-", colon + 1) :
					    oc_xasprintf("%.*s:%s%s-%zu",
					    (int)(colon - base), base,
					    strncmp(id, "openai-codex:", 13) == 0 ?
					    "chatgpt-" : "cli-", colon + 1, i);
				}
				json_object_object_add(r->renames, id,
				    json_object_new_string(to));
				json_object_object_add(r->profiles, to, n);
				if (to != base)
					free(to);
				free(base);
			} else
				json_object_object_add(r->profiles, id, n);
next:
			oc_cred_free(&c);
			free(id);
		}
	}
	for (i = 0; i < 3; i++) {
		json_object *src = legacy_routing(l, routing_keys[i]), *dst;

		r->routing[i] = NULL;
		if (src == NULL)
			continue;
		dst = json_object_new_object();
		json_object_object_foreach(src, key, val) {
			if (i == 0) {
				/* order: provider keys folded, ids renamed */
				const char *canon = r->v9 ? canonical_of(key) :
				    NULL;
				const char *pk = canon ? canon : key;
				json_object *arr = oc_json_get(dst, pk);
				size_t j, n;

				if (!json_object_is_type(val, json_type_array))
					continue;
				if (arr == NULL) {
					arr = json_object_new_array();
					json_object_object_add(dst, pk, arr);
				}
				n = json_object_array_length(val);
				for (j = 0; j < n; j++) {
					const char *e = json_object_get_string(
					    json_object_array_get_idx(val, j));
					const char *to;

					if (e == NULL || (r->v9 && strcmp(e,
					    "anthropic:claude-cli") == 0))
						continue;
					to = rename_of(r, e);
					json_object_array_add(arr,
					    json_object_new_string(to ? to : e));
				}
				if (json_object_array_length(arr) == 0)
					json_object_object_del(dst, pk);
			} else if (i == 1) {
				const char *e = json_object_get_string(val);
				const char *canon = r->v9 ? canonical_of(key) :
				    NULL;
				const char *to;

				if (e == NULL || (r->v9 && strcmp(e,
				    "anthropic:claude-cli") == 0))
					continue;
				to = rename_of(r, e);
				json_object_object_add(dst, canon ? canon : key,
				    json_object_new_string(to ? to : e));
			} else {
				const char *to = rename_of(r, key);

				if (r->v9 && strcmp(key,
				    "anthropic:claude-cli") == 0)
					continue;
				json_object_object_add(dst, to ? to : key,
				    json_object_get(val));
			}
		}
		json_object_put(src);
		r->routing[i] = dst;
	}
}

static int
import_edit(struct oc_txn *t, void *arg, struct oc_err *err)
{
	struct run *r = arg;
	struct oc_store *s = oc_store_txn_store(t);
	int changed = 0, i;

	(void)err;
	free(r->m->target);
	r->m->target = oc_xstrdup(oc_store_target_name(s));
	json_object_object_foreach(r->profiles, id, p) {
		const struct oc_cred *c = oc_store_get(s, id);
		const char *from = NULL;
		json_object *copy = NULL;

		json_object_object_foreach(r->renames, ok, ov)
			if (strcmp(json_object_get_string(ov), id) == 0)
				from = ok;
		if (c != NULL && c->layer == s->target) {
			/* doctor: an id the store holds is never replaced */
			item(r->m, from ? from : id, id, "kept",
			    "the store already holds this id");
			continue;
		}
		json_object_deep_copy(p, &copy, NULL);
		oc_store_txn_put(t, id, copy);
		item(r->m, from ? from : id, id, from ? "renamed" : "imported",
		    NULL);
		changed = 1;
	}
	for (i = 0; i < 3; i++) {
		json_object *copy = NULL;

		if (r->routing[i] == NULL)
			continue;
		json_object_deep_copy(r->routing[i], &copy, NULL);
		r->m->nrouting += (size_t)oc_store_txn_routing_add(t,
		    routing_keys[i], copy);
	}
	return changed || r->m->nrouting > 0;
}

/* Read back what was written: every imported profile, member for member. */
static int
verify(const struct oc_ctx *ctx, struct run *r, struct oc_err *err)
{
	struct oc_store s;
	size_t i;
	int bad = 0;

	if (oc_store_open(&s, ctx, err) == -1)
		return -1;
	for (i = 0; i < r->m->nitems && !bad; i++) {
		const struct oc_migrate_item *it = &r->m->items[i];
		const struct oc_cred *c;
		json_object *got = NULL;
		struct oc_err e2;

		if (strcmp(it->outcome, "imported") != 0 &&
		    strcmp(it->outcome, "renamed") != 0)
			continue;
		c = oc_store_get(&s, it->to);
		if (c == NULL || c->raw.p == NULL || oc_json_parse(it->to,
		    c->raw.p, c->raw.n, &got, &e2) == -1 ||
		    !oc_json_equal(got, oc_json_get(r->profiles, it->to)))
			bad = 1;
		if (got != NULL)
			oc_json_wipe_put(got);
		if (bad)
			oc_err_set(err, OC_EX_CANTCREAT, "%s: not read back as "
			    "written; the JSON files are left in place",
			    it->to);
	}
	oc_store_close(&s);
	return bad ? -1 : 0;
}

/* OpenClaw's archive name; no-clobber (link, then unlink). */
static int
archive(const char *src, int v9, char **out, struct oc_err *err)
{
	char iso[40], *dst = NULL, *q;
	int tries;

	*out = NULL;
	for (tries = 0; tries < 8; tries++) {
		unsigned char u[16];
		int fd;
		ssize_t n = -1;

		free(dst);
		if (v9) {
			oc_time_iso8601(oc_time_now_ms(), iso, sizeof iso);
			for (q = iso; *q; q++)
				if (*q == ':')
					*q = '-';
			if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) !=
			    -1) {
				n = read(fd, u, sizeof u);
				close(fd);
			}
			if (n != (ssize_t)sizeof u) {
				unsigned seed = (unsigned)getpid() ^
				    (unsigned)oc_time_now_ms() ^
				    (unsigned)tries;
				size_t i;

				for (i = 0; i < sizeof u; i++)
					u[i] = (unsigned char)rand_r(&seed);
			}
			u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
			u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
			dst = oc_xasprintf("%s.migrated-%s-%02x%02x%02x%02x-%02x%02x"
			    "-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", src,
			    iso, u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
			    u[8], u[9], u[10], u[11], u[12], u[13], u[14],
			    u[15]);
		} else
			dst = oc_xasprintf("%s.sqlite-import.%lld.bak", src,
			    (long long)oc_time_now_ms() + tries);
		if (link(src, dst) == 0) {
			if (unlink(src) == -1) {
				(void)unlink(dst);
				break;
			}
			*out = dst;
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	oc_err_set(err, OC_EX_CANTCREAT, "cannot archive %s: %s (the profiles "
	    "are imported; rename it by hand)", src, strerror(errno));
	free(dst);
	return -1;
}

/* The config's entries for renamed and dropped ids (auth.profiles keys,
 * auth.order lists), as doctor renames them. */
static int
config_edit(json_object *cfg, void *arg, struct oc_err *err)
{
	struct oc_migrate *m = arg;
	json_object *auth = oc_json_get_obj(cfg, "auth");
	json_object *profiles = oc_json_get_obj(auth, "profiles");
	json_object *order = oc_json_get_obj(auth, "order");
	size_t i;
	int changed = 0;

	(void)err;
	for (i = 0; i < m->nitems; i++) {
		const struct oc_migrate_item *it = &m->items[i];
		json_object *e = oc_json_get(profiles, it->from);

		if (strcmp(it->outcome, "renamed") != 0 &&
		    !(strcmp(it->outcome, "dropped") == 0 &&
		    strcmp(it->from, "anthropic:claude-cli") == 0))
			continue;
		if (e != NULL) {
			if (it->to != NULL && oc_json_get(profiles, it->to) ==
			    NULL) {
				json_object *c = NULL;
				const char *canon;

				json_object_deep_copy(e, &c, NULL);
				canon = canonical_of(oc_json_get_str(c,
				    "provider") ? oc_json_get_str(c, "provider") :
				    "");
				if (canon != NULL)
					json_object_object_add(c, "provider",
					    json_object_new_string(canon));
				json_object_object_add(profiles, it->to, c);
			}
			json_object_object_del(profiles, it->from);
			changed = 1;
		}
		if (order != NULL) {
			json_object_object_foreach(order, pk, arr) {
				size_t j;

				(void)pk;
				if (!json_object_is_type(arr, json_type_array))
					continue;
				for (j = json_object_array_length(arr); j-- > 0;) {
					const char *s = json_object_get_string(
					    json_object_array_get_idx(arr, j));

					if (s == NULL || strcmp(s, it->from) != 0)
						continue;
					if (it->to != NULL)
						json_object_array_put_idx(arr, j,
						    json_object_new_string(it->to));
					else
						json_object_array_del_idx(arr, j,
						    1);
					changed = 1;
				}
			}
		}
	}
	return changed;
}

int
oc_store_migrate_run(const struct oc_ctx *ctx, int dry_run, int wait_ms,
    struct oc_migrate *m, struct oc_err *err)
{
	struct oc_store s;
	struct oc_layer l;
	struct run r;
	int rc = -1, locked = 0, i;
	char *state_src = NULL;

	memset(m, 0, sizeof *m);
	memset(&r, 0, sizeof r);
	r.m = m;
	m->dry_run = dry_run;
	if (oc_store_open(&s, ctx, err) == -1)
		return -1;
	m->era = s.era;
	r.v9 = s.era == OC_ERA_D;
	r.store = &s;
	m->refused = s.legacy_blocks;
	if (m->era < OC_ERA_C) {
		oc_store_close(&s);
		oc_err_set(err, OC_EX_NEG, "%s: this store is the one OpenClaw "
		    "reads (JSON files): nothing to migrate",
		    ctx->paths.agent_dir);
		return -1;
	}
	oc_store_json_layer(&l, ctx->paths.agent_dir, "legacy");
	/* a store to write into: the agent's own database must exist */
	if (!s.layer[s.target].present) {
		oc_err_set(err, OC_EX_CONFIG, "%s does not exist yet: OpenClaw "
		    "creates it on its first write for this agent (e.g. run "
		    "once: openclaw models auth order clear --agent %s "
		    "--provider anthropic); nothing was migrated",
		    s.layer[s.target].name, ctx->paths.agent_id);
		goto out;
	}
	if (!oc_store_json_exists(ctx->paths.agent_dir)) {
		rc = 0;		/* nothing awaits migration */
		goto out;
	}
	m->source = oc_xstrdup(l.name);
	/* Keep JSON writers (older OpenClaw, doctor) out meanwhile. */
	if (!dry_run) {
		if (l.be->begin(&l, wait_ms, err) == -1)
			goto out;
		locked = 1;
	}
	if (l.be->load(&l, err) == -1)
		goto out;
	if (l.split)
		state_src = oc_xasprintf("%s/auth-state.json",
		    ctx->paths.agent_dir);
	prepare(&r, &l);
	if (dry_run) {
		/* what a write would do: the same decisions, nothing kept */
		if (oc_store_dry_run(ctx, import_edit, &r, err) == -1)
			goto out;
		rc = 0;
		goto out;
	}
	{
		/* the store refuses writes while it awaits migration: this
		 * is the one write that ends that */
		struct oc_ctx c2 = *ctx;

		c2.force = 1;
		if (oc_store_update(&c2, wait_ms, import_edit, &r, err) == -1)
			goto out;
		if (verify(&c2, &r, err) == -1)
			goto out;
	}
	if (archive(m->source, r.v9, &m->archive, err) == -1)
		goto out;
	if (state_src != NULL && archive(state_src, r.v9, &m->state_archive,
	    err) == -1)
		goto out;
	if (ctx->config_exists && oc_config_update(ctx->paths.config_path,
	    wait_ms, config_edit, m, err) == -1)
		goto out;
	rc = 0;
out:
	if (locked)
		l.be->end(&l);
	oc_store_layer_free(&l);
	oc_store_close(&s);
	free(state_src);
	if (r.profiles != NULL)
		oc_json_wipe_put(r.profiles);
	if (r.renames != NULL)
		json_object_put(r.renames);
	for (i = 0; i < 3; i++)
		if (r.routing[i] != NULL)
			json_object_put(r.routing[i]);
	return rc;
}

void
oc_store_migrate_free(struct oc_migrate *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nitems; i++) {
		free(m->items[i].from);
		free(m->items[i].to);
	}
	free(m->items);
	free(m->source);
	free(m->archive);
	free(m->state_archive);
	free(m->target);
	memset(m, 0, sizeof *m);
}
