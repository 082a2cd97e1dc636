/* SPDX-License-Identifier: ISC */
/*
 * store-json.c - the store as OpenClaw kept it up to 2026.6.1: in an agent
 * dir, auth-profiles.json ({"version":1,"profiles":{...}}) with the routing
 * state inline (era A, up to 2026.3.x) or in auth-state.json beside it
 * (era B, 2026.4.7 to 2026.6.1), which then wins per key.
 *
 * Writers take OpenClaw's lock (auth-profiles.json.lock, lock.c), re-read,
 * and replace each changed file atomically; the routing file goes first, so
 * a failure between the two (a full disk) leaves no order or lastGood
 * naming a profile that is gone. A missing store is an empty one.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oc.h"

#define STORE_MAX (64u << 20)	/* documented in oc(7) */

struct json_be {
	char *dir, *store, *state, *lock;
	struct oc_lock lk;
};

static char *
in_dir(const char *dir, const char *name)
{
	return oc_xasprintf("%s/%s", dir, name);
}

int
oc_store_json_exists(const char *dir)
{
	char *p = in_dir(dir, "auth-profiles.json");
	int r = oc_file_exists(p);

	free(p);
	return r;
}

int
oc_store_json_split(const char *dir)
{
	char *p = in_dir(dir, "auth-state.json");
	int r = oc_file_exists(p);

	free(p);
	return r;
}

/* The check for oc_file_read_settled: a JSON object (JSON.parse's
 * grammar), whose "profiles", when there, is an object too. */
static int
check_doc(const char *path, const char *text, size_t len, void *arg,
    struct oc_err *err)
{
	struct oc_jval *root = arg, v;

	if (memchr(text, '\0', len) != NULL) {
		oc_err_set(err, OC_EX_DATAERR, "%s: contains a NUL byte", path);
		return -1;
	}
	if (oc_jscan_check(path, text, len, root, err) == -1)
		return -1;
	if (oc_jscan_type(*root) != OC_JT_OBJECT) {
		oc_err_set(err, OC_EX_DATAERR, "%s: not a JSON object", path);
		return -1;
	}
	if (oc_jscan_get(*root, "profiles", &v) &&
	    oc_jscan_type(v) != OC_JT_OBJECT) {
		oc_err_set(err, OC_EX_DATAERR, "%s: \"profiles\" is not an "
		    "object", path);
		return -1;
	}
	return 0;
}

static int
read_doc(const char *path, struct oc_doc *d, struct oc_err *err)
{
	if (d->text != NULL) {
		oc_secret_wipe(d->text, d->len);
		free(d->text);
	}
	d->text = NULL;
	d->len = 0;
	memset(&d->root, 0, sizeof d->root);
	if (oc_file_read_settled(path, STORE_MAX, check_doc, &d->root,
	    &d->text, &d->len, err) == -1) {
		d->text = NULL;
		if (errno == ENOENT) {
			oc_err_clear(err);
			return 0;
		}
		return -1;
	}
	return 0;
}

static int
json_load(struct oc_layer *l, struct oc_err *err)
{
	struct json_be *b = l->bd;

	l->split = oc_file_exists(b->state);
	if (read_doc(b->store, &l->creds, err) == -1)
		return -1;
	if (l->split && read_doc(b->state, &l->state, err) == -1)
		return -1;
	if (!l->split && l->state.text != NULL) {
		oc_secret_wipe(l->state.text, l->state.len);
		free(l->state.text);
		l->state.text = NULL;
	}
	return 0;
}

static int
json_begin(struct oc_layer *l, int wait_ms, struct oc_err *err)
{
	struct json_be *b = l->bd;

	/* The lock lives in the agent dir, which may not exist yet. */
	if (oc_file_mkdirs(b->dir, 0700, err) == -1)
		return -1;
	return oc_lock_acquire(&b->lk, b->lock, wait_ms, err);
}

/* Never replace a good file with a bad one: the new text is checked. */
static int
doc_text(const char *path, const struct oc_doc *d, const char **text,
    size_t *len, struct oc_err *err)
{
	struct oc_jval root;
	struct oc_err e2;

	*text = d->next != NULL ? d->next : "{\n  \"version\": 1\n}\n";
	*len = d->next != NULL ? d->nextlen : strlen(*text);
	if (check_doc(path, *text, *len, &root, &e2) == -1) {
		oc_err_set(err, OC_EX_CANTCREAT, "%s: internal error: the new "
		    "text is not valid JSON; nothing was written", path);
		return -1;
	}
	return 0;
}

static int
json_commit(struct oc_layer *l, struct oc_err *err)
{
	struct json_be *b = l->bd;
	const char *path[2] = { b->state, b->store }, *text[2];
	size_t len[2];

	if (l->state.changed && doc_text(b->state, &l->state, &text[0],
	    &len[0], err) == -1)
		return -1;
	if (l->creds.changed && doc_text(b->store, &l->creds, &text[1],
	    &len[1], err) == -1)
		return -1;
	/* a change to both (rm: the profile and the order naming it) is
	 * made whole or not at all */
	if (l->state.changed && l->creds.changed)
		return oc_file_write_atomic_pair(path, text, len, 0600, &b->lk,
		    err);
	if (l->state.changed)
		return oc_file_write_atomic(b->state, text[0], len[0], 0600,
		    &b->lk, err);
	if (l->creds.changed)
		return oc_file_write_atomic(b->store, text[1], len[1], 0600,
		    &b->lk, err);
	return 0;
}

static void
json_end(struct oc_layer *l)
{
	struct json_be *b = l->bd;

	oc_lock_release(&b->lk);
}

static void
json_free(struct oc_layer *l)
{
	struct json_be *b = l->bd;

	if (b == NULL)
		return;
	if (b->lk.held)
		oc_lock_release(&b->lk);
	free(b->dir);
	free(b->store);
	free(b->state);
	free(b->lock);
	free(b);
	l->bd = NULL;
}

static json_object *
json_describe(const struct oc_layer *l)
{
	const struct json_be *b = l->bd;
	json_object *j = json_object_new_object();

	json_object_object_add(j, "backend", json_object_new_string("json"));
	json_object_object_add(j, "dir", json_object_new_string(b->dir));
	json_object_object_add(j, "store", json_object_new_string(b->store));
	json_object_object_add(j, "storeExists",
	    json_object_new_boolean(oc_file_exists(b->store)));
	json_object_object_add(j, "authState", json_object_new_string(b->state));
	json_object_object_add(j, "layout", json_object_new_string(
	    oc_file_exists(b->state) ? "auth-state.json" : "inline"));
	json_object_object_add(j, "lock", json_object_new_string(b->lock));
	return j;
}

static int
json_insecure(const struct oc_layer *l)
{
	const struct json_be *b = l->bd;
	struct stat st;

	return stat(b->store, &st) == 0 && (st.st_mode & 077) != 0;
}

static const struct oc_backend json_backend = {
	"json", json_load, json_begin, json_commit, json_end, json_free,
	json_describe, json_insecure
};

void
oc_store_json_layer(struct oc_layer *l, const char *dir, const char *owner)
{
	struct json_be *b = oc_xcalloc(1, sizeof *b);

	memset(l, 0, sizeof *l);
	b->dir = oc_xstrdup(dir);
	b->store = in_dir(dir, "auth-profiles.json");
	b->state = in_dir(dir, "auth-state.json");
	b->lock = in_dir(dir, "auth-profiles.json.lock");
	b->lk.fd = -1;
	l->be = &json_backend;
	l->bd = b;
	l->name = oc_xstrdup(b->store);
	l->file = oc_xstrdup(b->store);
	l->owner = owner;
	l->present = 1;		/* a missing file is an empty store */
	l->writable = 1;
	l->indent = 2;
}
