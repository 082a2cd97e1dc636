/* SPDX-License-Identifier: ISC */
/*
 * store.c - auth-profiles.json and auth-state.json.
 *
 * The store is kept as the parsed JSON tree so every key the tools do not
 * understand survives a rewrite. Routing state (order, lastGood, usageStats)
 * lives inline in auth-profiles.json (<= 2026.4.5) or in auth-state.json
 * when that file exists, which then wins per key; writes go back to where
 * the existing layout keeps them.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "oc.h"

#define OC_STORE_MAX (64u << 20)

/* The check for oc_file_read_settled: a JSON object, parsed into *arg. */
static int
parse_object(const char *path, const char *text, size_t len, void *arg,
    struct oc_err *err)
{
	json_object **out = arg;

	if (oc_json_parse(path, text, len, out, err) == -1)
		return -1;
	if (!json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
		oc_err_set(err, OC_EX_DATAERR, "%s: not a JSON object", path);
		return -1;
	}
	return 0;
}

static int
load_one(const char *path, json_object **out, char **orig, int *exists,
    struct oc_err *err)
{
	char *text;
	size_t len;

	*out = NULL;
	*orig = NULL;
	*exists = 0;
	if (oc_file_read_settled(path, OC_STORE_MAX, parse_object, out, &text,
	    &len, err) == -1) {
		if (errno == ENOENT) {
			oc_err_clear(err);
			return 0;
		}
		return -1;
	}
	*exists = 1;
	/* Keep the bytes; save_one compares their content when it writes,
	 * so commands that only read a large store do not pay for it. */
	*orig = text;
	return 0;
}

int
oc_store_load(struct oc_store *s, const struct oc_paths *p,
    struct oc_err *err)
{
	json_object *profiles;
	int state_exists;

	memset(s, 0, sizeof *s);
	s->path = oc_xstrdup(p->store_path);
	s->state_path = oc_xstrdup(p->state_path);
	if (load_one(s->path, &s->root, &s->orig, &s->exists, err) == -1)
		goto fail;
	if (s->root == NULL) {
		s->root = json_object_new_object();
		json_object_object_add(s->root, "version",
		    json_object_new_int(1));
		json_object_object_add(s->root, "profiles",
		    json_object_new_object());
	}
	profiles = oc_json_get(s->root, "profiles");
	if (profiles != NULL && !json_object_is_type(profiles,
	    json_type_object)) {
		oc_err_set(err, OC_EX_DATAERR,
		    "%s: \"profiles\" is not an object", s->path);
		goto fail;
	}
	if (load_one(s->state_path, &s->state, &s->state_orig, &state_exists,
	    err) == -1)
		goto fail;
	return 0;
fail:
	oc_store_free(s);
	return -1;
}

void
oc_store_free(struct oc_store *s)
{
	if (s == NULL)
		return;
	free(s->path);
	free(s->state_path);
	if (s->root)
		json_object_put(s->root);
	if (s->state)
		json_object_put(s->state);
	oc_free_secret(s->orig);
	oc_free_secret(s->state_orig);
	memset(s, 0, sizeof *s);
}

json_object *
oc_store_profiles(struct oc_store *s)
{
	return oc_json_obj_ensure(s->root, "profiles");
}

json_object *
oc_store_profile(struct oc_store *s, const char *id)
{
	return oc_json_get_obj(oc_json_get_obj(s->root, "profiles"), id);
}

json_object *
oc_store_routing(struct oc_store *s, const char *key)
{
	json_object *v = oc_json_get_obj(s->state, key);

	return v != NULL ? v : oc_json_get_obj(s->root, key);
}

json_object *
oc_store_routing_ensure(struct oc_store *s, const char *key)
{
	json_object *v;

	if (s->state != NULL) {
		if ((v = oc_json_get_obj(s->state, key)) != NULL)
			return v;
		/* Split layout: move an inline map over rather than
		 * shadowing it with an empty one. */
		if ((v = oc_json_get_obj(s->root, key)) != NULL) {
			json_object_object_add(s->state, key,
			    json_object_get(v));
			json_object_object_del(s->root, key);
			return v;
		}
		return oc_json_obj_ensure(s->state, key);
	}
	return oc_json_obj_ensure(s->root, key);
}

int
oc_store_routing_del(struct oc_store *s, const char *key, const char *member)
{
	json_object *places[2] = { oc_json_get_obj(s->state, key),
	    oc_json_get_obj(s->root, key) };
	int removed = 0, i;

	for (i = 0; i < 2; i++) {
		if (places[i] != NULL && oc_json_get(places[i], member)) {
			json_object_object_del(places[i], member);
			removed = 1;
		}
	}
	return removed;
}

static int
save_one(const char *path, json_object *o, const char *orig,
    struct oc_lock *lock, struct oc_err *err)
{
	struct oc_buf b = { 0 };
	int r = 0, same = 0;

	oc_json_dump(&b, o, 2);
	oc_buf_addc(&b, '\n');
	if (orig != NULL) {
		/* Compare the content, not the bytes: a file written by hand
		 * in another layout is only rewritten when something in it
		 * changes. */
		json_object *was = NULL;
		struct oc_buf wb = { 0 };
		struct oc_err e2;

		if (oc_json_parse(path, orig, strlen(orig), &was, &e2) == 0) {
			oc_json_dump(&wb, was, 2);
			oc_buf_addc(&wb, '\n');
			json_object_put(was);
			same = strcmp(wb.data, b.data) == 0;
		}
		oc_buf_free(&wb);
	}
	if (!same) {
		/* Reparse what we are about to write: never replace a good
		 * file with a bad one. */
		json_object *check = NULL;

		if (oc_json_parse(path, b.data, b.len, &check, err) == -1) {
			oc_err_set(err, OC_EX_CANTCREAT,
			    "%s: internal error: produced invalid JSON", path);
			r = -1;
		} else {
			json_object_put(check);
			r = oc_write_atomic(path, b.data, b.len, 0600, lock, err);
		}
	}
	oc_buf_free(&b);
	return r;
}

int
oc_store_save(struct oc_store *s, struct oc_lock *lock, struct oc_err *err)
{
	char *dir = oc_dirname_dup(s->path);

	if (oc_mkdirs(dir, 0700, err) == -1) {
		free(dir);
		return -1;
	}
	free(dir);
	if (save_one(s->path, s->root, s->orig, lock, err) == -1)
		return -1;
	if (s->state != NULL &&
	    save_one(s->state_path, s->state, s->state_orig, lock,
	    err) == -1)
		return -1;
	return 0;
}

int
oc_store_update(const struct oc_paths *p, int wait_ms, oc_store_edit_fn fn,
    void *arg, struct oc_err *err)
{
	struct oc_lock lock;
	struct oc_store s;
	char *dir;
	int r;

	/* The lock lives in the agent dir, which may not exist yet. */
	dir = oc_dirname_dup(p->lock_path);
	if (oc_mkdirs(dir, 0700, err) == -1) {
		free(dir);
		return -1;
	}
	free(dir);
	if (oc_lock_acquire(&lock, p->lock_path, wait_ms, err) == -1)
		return -1;
	if (oc_store_load(&s, p, err) == -1) {
		oc_lock_release(&lock);
		return -1;
	}
	r = fn(&s, arg, err);
	if (r == 1)
		r = oc_store_save(&s, &lock, err) == -1 ? -1 : 1;
	oc_store_free(&s);
	oc_lock_release(&lock);
	return r;
}

int
oc_store_insecure(const struct oc_paths *p)
{
	struct stat st;

	return stat(p->store_path, &st) == 0 && (st.st_mode & 077) != 0;
}

int
oc_store_remove_profile(struct oc_store *s, const char *id)
{
	json_object *profiles = oc_json_get_obj(s->root, "profiles");
	json_object *lgs[2] = { oc_json_get_obj(s->state, "lastGood"),
	    oc_json_get_obj(s->root, "lastGood") };
	int i, existed = oc_json_get(profiles, id) != NULL;

	if (existed)
		json_object_object_del(profiles, id);
	(void)oc_json_orders_drop(oc_json_get_obj(s->root, "order"), id);
	(void)oc_json_orders_drop(oc_json_get_obj(s->state, "order"), id);
	for (i = 0; i < 2; i++) {
		int again = 1;

		while (lgs[i] != NULL && again) {
			again = 0;
			json_object_object_foreach(lgs[i], prov, v) {
				if (json_object_is_type(v, json_type_string) &&
				    strcmp(json_object_get_string(v), id) == 0) {
					json_object_object_del(lgs[i], prov);
					again = 1;
					break;
				}
			}
		}
	}
	(void)oc_store_routing_del(s, "usageStats", id);
	return existed;
}
