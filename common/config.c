/* SPDX-License-Identifier: ISC */
/*
 * config.c - writing openclaw.json: plain 2-space JSON, atomically, 0600,
 * the previous copy kept as openclaw.json.bak. Reading is in ctx.c (the
 * config is read leniently once per command, when the context opens).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

#define OC_CONFIG_MAX (16u << 20)

/* Writes plain 2-space JSON atomically, 0600, after copying the previous
 * file to <path>.bak (0600). */
static int
oc_config_save(const char *path, json_object *config, struct oc_lock *lock,
    struct oc_err *err)
{
	struct oc_buf b = { 0 };
	char *old, *dir, *bak;
	size_t oldlen;
	int r;

	dir = oc_file_dirname_dup(path);
	if (oc_file_mkdirs(dir, 0700, err) == -1) {
		free(dir);
		return -1;
	}
	free(dir);
	if (oc_file_read(path, OC_CONFIG_MAX, &old, &oldlen, err) == 0) {
		bak = oc_xasprintf("%s.bak", path);
		r = oc_file_write_atomic(bak, old, oldlen, 0600, lock, err);
		free(bak);
		oc_secret_free(old);
		if (r == -1)
			return -1;
	} else if (errno != ENOENT)
		return -1;
	oc_err_clear(err);
	oc_json_dump(&b, config, 2);
	oc_buf_addc(&b, '\n');
	r = oc_file_write_atomic(path, b.data, b.len, 0600, lock, err);
	oc_buf_free(&b);
	return r;
}

int
oc_config_update(const char *path, int wait_ms, oc_config_edit_fn fn,
    void *arg, struct oc_err *err)
{
	struct oc_lock lock;
	json_object *cfg = NULL;
	char *lockpath, *text, *dir;
	size_t len;
	int r;

	dir = oc_file_dirname_dup(path);
	if (oc_file_mkdirs(dir, 0700, err) == -1) {
		free(dir);
		return -1;
	}
	free(dir);
	lockpath = oc_xasprintf("%s.lock", path);
	r = oc_lock_acquire(&lock, lockpath, wait_ms, err);
	free(lockpath);
	if (r == -1)
		return -1;
	if (oc_file_read(path, OC_CONFIG_MAX, &text, &len, err) == 0) {
		r = oc_json_parse_lenient(path, text, len, &cfg, err);
		oc_secret_free(text);
		if (r == -1)
			goto out;
		if (!json_object_is_type(cfg, json_type_object)) {
			oc_err_set(err, OC_EX_DATAERR,
			    "%s: the config is not a JSON object", path);
			r = -1;
			goto out;
		}
	} else if (errno == ENOENT) {
		oc_err_clear(err);
		cfg = json_object_new_object();
	} else {
		r = -1;
		goto out;
	}
	{
		/* fn may say "changed" for a no-op: compare to be sure. */
		struct oc_buf before = { 0 }, after = { 0 };

		oc_json_dump(&before, cfg, 0);
		r = fn(cfg, arg, err);
		oc_json_dump(&after, cfg, 0);
		if (r == 1 && strcmp(before.data, after.data) == 0)
			r = 0;
		oc_buf_free(&before);
		oc_buf_free(&after);
	}
	if (r == 1 && oc_config_save(path, cfg, &lock, err) == -1)
		r = -1;
out:
	if (cfg != NULL)
		oc_json_wipe_put(cfg);
	oc_lock_release(&lock);
	return r;
}

/* resolveProviderConfig: models.providers[provider], else the first entry
 * whose key normalises (normalizeProviderId) to the provider's id. *key (may
 * be NULL) borrows the key found. */
json_object *
oc_config_provider(json_object *config, const char *provider,
    const char **key)
{
	json_object *ps = oc_json_get_obj(oc_json_get_obj(config, "models"),
	    "providers"), *found = NULL;
	char *want;

	if (key != NULL)
		*key = NULL;
	if (ps == NULL)
		return NULL;
	{
		json_object_object_foreach(ps, k, v) {
			if (strcmp(k, provider) == 0 &&
			    json_object_is_type(v, json_type_object)) {
				if (key != NULL)
					*key = k;
				return v;
			}
		}
	}
	want = oc_provider_norm_dup(provider);
	{
		json_object_object_foreach(ps, k, v) {
			char *n = oc_provider_norm_dup(k);
			int m = strcmp(n, want) == 0 &&
			    json_object_is_type(v, json_type_object);

			free(n);
			if (m) {
				if (key != NULL)
					*key = k;
				found = v;
				break;
			}
		}
	}
	free(want);
	return found;
}

/* cfg.auth.profiles[id], or NULL. */
json_object *
oc_config_auth_profile(json_object *config, const char *id)
{
	return oc_json_get_obj(oc_json_get_obj(oc_json_get_obj(config, "auth"),
	    "profiles"), id);
}
