/* SPDX-License-Identifier: ISC */
/*
 * import.c - copy the logins of Claude Code and the Codex CLI into the
 * OpenClaw store.
 *
 * Their refresh tokens are single-use and shared with the CLI that wrote
 * them, so the files are only ever opened read-only, and the profiles made
 * from them are marked as owned by that CLI (by id for anthropic:claude-cli,
 * by managedBy for Codex): oc-sync --refresh leaves them alone.
 *
 * Conflict rules (oc-sync(1)): a blanked source (no token, expiresAt <= 0)
 * is never copied; an unchanged credential is not rewritten; a token never
 * replaces an oauth credential; the source replaces the stored one only when
 * it expires later and has not expired yet. Keys of the stored profile that
 * the import does not set (email, displayName, ...) are kept.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oc.h"

#define SOURCE_MAX (1u << 20)
#define CODEX_FALLBACK_MS (3600 * 1000LL)	/* mtime + 1 h, as OpenClaw */

static const char *const claude_id = "anthropic:claude-cli";
static const char *const codex_id = "openai-codex:default";

void
oc_import_init(struct oc_import *imp, enum oc_import_src src,
    const struct oc_ctx *ctx, const char *path)
{
	memset(imp, 0, sizeof *imp);
	imp->src = src;
	imp->named = path != NULL;
	if (src == OC_IMPORT_CLAUDE) {
		imp->source = "claude-code";
		imp->profile_id = claude_id;
		imp->path = path ? oc_xstrdup(path) : oc_xasprintf(
		    "%s/.claude/.credentials.json", ctx->paths.home);
	} else {
		/* OpenClaw: CODEX_HOME when non-empty (not trimmed), with
		 * "~" expanded against the OpenClaw home. */
		const char *ch = getenv("CODEX_HOME");

		imp->source = "codex";
		imp->profile_id = codex_id;
		if (path != NULL)
			imp->path = oc_xstrdup(path);
		else if (ch != NULL && *ch != '\0') {
			char *dir = oc_ctx_expand_home_dup(ch, ctx->paths.home);

			imp->path = oc_xasprintf("%s/auth.json", dir);
			free(dir);
		} else
			imp->path = oc_xasprintf("%s/.codex/auth.json",
			    ctx->paths.home);
	}
}

void
oc_import_free(struct oc_import *imp)
{
	if (imp == NULL)
		return;
	free(imp->path);
	if (imp->cred != NULL)
		oc_json_wipe_put(imp->cred);
	imp->path = NULL;
	imp->cred = NULL;
}

static void
decide(struct oc_import *imp, enum oc_import_status st, const char *reason,
    int code)
{
	imp->status = st;
	imp->reason = reason;
	imp->code = code;
}

/*
 * Read the source read-only (O_RDONLY, no O_CREAT: nothing here can change
 * it), with its mtime for Codex's expiry fallback. "-" is stdin.
 */
static int
read_source(struct oc_import *imp, char **text, size_t *len, int64_t *mtime)
{
	struct oc_buf b = { 0 };
	struct stat st;
	char chunk[8192];
	int fd, saved;
	ssize_t n;

	*text = NULL;
	*len = 0;
	*mtime = -1;
	if (strcmp(imp->path, "-") == 0)
		fd = STDIN_FILENO;
	else	/* O_NONBLOCK: a FIFO there must not hang us */
		fd = open(imp->path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
		    O_NONBLOCK);
	if (fd == -1) {
		saved = errno;
		if (saved == ENOENT || saved == ENOTDIR) {
			if (imp->named) {
				decide(imp, OC_IMPORT_FAILED, "not found",
				    OC_EX_NOINPUT);
				oc_err_set(&imp->err, OC_EX_NOINPUT, "%s: %s",
				    imp->path, strerror(saved));
			} else
				decide(imp, OC_IMPORT_SKIPPED, "not found", 0);
			return -1;
		}
		decide(imp, OC_IMPORT_FAILED, "source unreadable",
		    OC_EX_DATAERR);
		oc_err_set(&imp->err, OC_EX_DATAERR, "%s: %s", imp->path,
		    strerror(saved));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		*mtime = (int64_t)st.st_mtim.tv_sec * 1000 +
		    st.st_mtim.tv_nsec / 1000000;
	else if (fd != STDIN_FILENO) {
		/* Only a regular file is a source (stdin aside). */
		close(fd);
		decide(imp, OC_IMPORT_FAILED, "source unreadable",
		    OC_EX_DATAERR);
		oc_err_set(&imp->err, OC_EX_DATAERR, "%s: not a regular file",
		    imp->path);
		return -1;
	}
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (b.len + (size_t)n > SOURCE_MAX) {
			n = -1;
			errno = EFBIG;
			break;
		}
		oc_buf_add(&b, chunk, (size_t)n);
	}
	saved = errno;
	oc_secret_wipe(chunk, sizeof chunk);
	if (fd != STDIN_FILENO)
		close(fd);
	if (n == -1) {
		oc_buf_free(&b);
		decide(imp, OC_IMPORT_FAILED, "source unreadable",
		    OC_EX_DATAERR);
		oc_err_set(&imp->err, OC_EX_DATAERR, "%s: %s", imp->path,
		    strerror(saved));
		return -1;
	}
	if (b.data == NULL)
		oc_buf_add(&b, "", 0);
	*text = b.data;
	*len = b.len;
	return 0;
}

static const char *
nonempty(json_object *o, const char *key)
{
	const char *s = oc_json_get_str(o, key);

	return s != NULL && *s != '\0' ? s : NULL;
}

/* A JSON number (not a numeric string: OpenClaw takes only numbers). */
static int
get_number(json_object *o, const char *key, int64_t *out)
{
	json_object *v = oc_json_get(o, key);
	double d;

	if (v == NULL || !(json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double)))
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return 1;
	}
	d = json_object_get_double(v);
	if (!(d == d) || d > 9.2e18 || d < -9.2e18)
		return 0;
	*out = (int64_t)d;
	return 1;
}

static void
add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static int
parse_claude(struct oc_import *imp, json_object *root)
{
	json_object *o = oc_json_get_obj(root, "claudeAiOauth");
	const char *access = nonempty(o, "accessToken");
	const char *refresh = nonempty(o, "refreshToken");
	int64_t exp = 0;
	json_object *c;

	/* Claude Code blanks a logged-out login rather than deleting the
	 * file: no token, or expiresAt 0. */
	if (o == NULL || access == NULL || !get_number(o, "expiresAt", &exp) ||
	    exp <= 0) {
		decide(imp, OC_IMPORT_SKIPPED, "source blanked", OC_EX_NEG);
		return -1;
	}
	c = json_object_new_object();
	if (refresh != NULL) {
		add_str(c, "type", "oauth");
		add_str(c, "provider", "anthropic");
		add_str(c, "access", access);
		add_str(c, "refresh", refresh);
	} else {
		add_str(c, "type", "token");
		add_str(c, "provider", "anthropic");
		add_str(c, "token", access);
	}
	json_object_object_add(c, "expires", json_object_new_int64(exp));
	imp->cred = c;
	imp->expires = exp;
	return 0;
}

static int
parse_codex(struct oc_import *imp, json_object *root, int64_t mtime,
    int64_t now)
{
	json_object *t = oc_json_get_obj(root, "tokens");
	const char *access = nonempty(t, "access_token");
	const char *refresh = nonempty(t, "refresh_token");
	const char *acct = nonempty(t, "account_id");
	char *jwt_acct = NULL;
	int64_t exp;
	json_object *c;

	/* An API-key login (tokens null) has nothing to import either. */
	if (t == NULL || access == NULL || refresh == NULL) {
		decide(imp, OC_IMPORT_SKIPPED, "source blanked", OC_EX_NEG);
		return -1;
	}
	if ((exp = oc_jwt_exp_ms(access)) <= 0)
		exp = (mtime >= 0 ? mtime : now) + CODEX_FALLBACK_MS;
	if (acct == NULL)
		acct = jwt_acct = oc_jwt_account_id_dup(access);
	c = json_object_new_object();
	add_str(c, "type", "oauth");
	add_str(c, "provider", "openai-codex");
	add_str(c, "access", access);
	add_str(c, "refresh", refresh);
	json_object_object_add(c, "expires", json_object_new_int64(exp));
	if (acct != NULL)
		add_str(c, "accountId", acct);
	add_str(c, "managedBy", "codex-cli");
	free(jwt_acct);
	imp->cred = c;
	imp->expires = exp;
	return 0;
}

int
oc_import_read(struct oc_import *imp, int64_t now)
{
	char *text;
	size_t len;
	int64_t mtime;
	int r;

	if (read_source(imp, &text, &len, &mtime) == -1)
		return -1;
	r = oc_import_parse(imp, text, len, mtime, now);
	oc_secret_wipe(text, len);
	free(text);
	return r;
}

int
oc_import_parse(struct oc_import *imp, const char *text, size_t len,
    int64_t mtime, int64_t now)
{
	json_object *root = NULL;
	int r;

	if (oc_json_parse(imp->path, text, len, &root, &imp->err) == -1 ||
	    !json_object_is_type(root, json_type_object)) {
		if (root != NULL) {
			oc_json_wipe_put(root);
			oc_err_set(&imp->err, OC_EX_DATAERR,
			    "%s: not a JSON object", imp->path);
		}
		decide(imp, OC_IMPORT_FAILED, "source unreadable",
		    OC_EX_DATAERR);
		imp->err.code = OC_EX_DATAERR;
		return -1;
	}
	if (imp->src == OC_IMPORT_CLAUDE)
		r = parse_claude(imp, root);
	else
		r = parse_codex(imp, root, mtime, now);
	oc_json_wipe_put(root);
	if (r == 0)
		decide(imp, OC_IMPORT_PENDING, NULL, 0);
	return r;
}

/* The stored profile already holds what the source yields: every member
 * the import sets is equal, none it would remove is present. */
static int
same_cred(json_object *stored, json_object *cred)
{
	struct oc_cred a, b;
	int same;

	oc_cred_parse_json(&a, "", stored, OC_RULES_2026_3);
	oc_cred_parse_json(&b, "", cred, OC_RULES_2026_3);
	same = a.type == b.type;
	oc_cred_free(&a);
	oc_cred_free(&b);
	if (!same || oc_json_get(stored, "type") == NULL ||
	    oc_json_get(stored, "mode") != NULL)
		return 0;
	json_object_object_foreach(cred, k, v) {
		if (strcmp(k, "type") == 0)
			continue;
		if (!oc_json_equal(oc_json_get(stored, k), v))
			return 0;
	}
	if (oc_json_get(cred, "managedBy") != NULL &&
	    oc_json_get(cred, "accountId") == NULL &&
	    oc_json_get(stored, "accountId") != NULL)
		return 0;
	return 1;
}

/* Overwrite the members the import owns, in place, so the key order and
 * every other member of the stored profile stay as they were. */
static void
merge_into(json_object *stored, json_object *cred)
{
	static const char *const stale_oauth[] = { "mode", "token",
	    "tokenRef", "key", "apiKey", "keyRef" };
	/* Same length as stale_oauth. */
	static const char *const stale_token[] = { "mode", "access",
	    "refresh", "key", "apiKey", "keyRef" };
	const char *const *stale;
	size_t i;

	stale = strcmp(oc_json_get_str(cred, "type"), "oauth") == 0 ?
	    stale_oauth : stale_token;
	/* An old "mode" member becomes "type" in the same place. */
	if (oc_json_get(stored, "type") == NULL &&
	    oc_json_get(stored, "mode") != NULL) {
		json_object *n = json_object_new_object();

		json_object_object_foreach(stored, k, v)
			json_object_object_add(n, strcmp(k, "mode") == 0 ?
			    "type" : k, json_object_get(v));
		json_object_object_del(stored, "mode");
		{
			json_object_object_foreach(n, k2, v2) {
				json_object_object_del(stored, k2);
				json_object_object_add(stored, k2,
				    json_object_get(v2));
			}
		}
		/* its members now live in stored too: not wiped (oc.h) */
		json_object_put(n);
	}
	for (i = 0; i < sizeof stale_oauth / sizeof stale_oauth[0]; i++)
		json_object_object_del(stored, stale[i]);
	json_object_object_foreach(cred, k, v) {
		json_object *copy = NULL;

		/* deep: the change wipes the tree it is handed */
		json_object_deep_copy(v, &copy, NULL);
		json_object_object_add(stored, k, copy);
	}
	/* Codex: an account id the source no longer names is not kept. */
	if (oc_json_get(cred, "managedBy") != NULL &&
	    oc_json_get(cred, "accountId") == NULL)
		json_object_object_del(stored, "accountId");
}

int
oc_import_apply(struct oc_import *imp, struct oc_txn *t, int64_t now)
{
	const struct oc_cred *have = oc_store_get(oc_store_txn_store(t),
	    imp->profile_id);
	json_object *stored = NULL;
	int64_t e;

	if (imp->status != OC_IMPORT_PENDING || imp->cred == NULL)
		return 0;
	imp->store_has = 0;
	if (have != NULL) {
		if (have->entry == OC_CE_NON_OBJECT) {
			decide(imp, OC_IMPORT_SKIPPED,
			    "stored entry is not a profile", OC_EX_NEG);
			return 0;
		}
		if (have->type != OC_CT_OAUTH && have->type != OC_CT_TOKEN) {
			/* Never lose a key: the user put it there. */
			decide(imp, OC_IMPORT_SKIPPED,
			    "stored profile is not oauth or token", OC_EX_NEG);
			return 0;
		}
		imp->store_has = 1;
		stored = oc_store_txn_profile(t, imp->profile_id);
		if (stored != NULL && same_cred(stored, imp->cred)) {
			oc_json_wipe_put(stored);
			decide(imp, OC_IMPORT_UNCHANGED, NULL, 0);
			return 0;
		}
		if (have->type == OC_CT_OAUTH &&
		    strcmp(oc_json_get_str(imp->cred, "type"), "token") == 0) {
			oc_json_wipe_put(stored);
			decide(imp, OC_IMPORT_SKIPPED,
			    "token never replaces oauth", 0);
			return 0;
		}
		if (oc_cred_expires_valid(have, &e) && e >= imp->expires) {
			oc_json_wipe_put(stored);
			decide(imp, OC_IMPORT_SKIPPED, "source older", 0);
			return 0;
		}
	}
	if (imp->expires <= now) {
		if (stored != NULL)
			oc_json_wipe_put(stored);
		decide(imp, OC_IMPORT_SKIPPED, "source expired", OC_EX_NEG);
		return 0;
	}
	if (stored == NULL) {
		/* A copy: the store and imp->cred must not share. */
		json_object_deep_copy(imp->cred, &stored, NULL);
	} else
		merge_into(stored, imp->cred);
	oc_store_txn_put(t, imp->profile_id, stored);
	imp->store_has = 1;
	decide(imp, OC_IMPORT_IMPORTED, NULL, 0);
	return 1;
}

int
oc_import_config_edit(json_object *config, void *arg, struct oc_err *err)
{
	struct oc_import *imp = arg;
	json_object *auth, *profiles, *entry;
	const char *mode;

	(void)err;
	if (imp->src != OC_IMPORT_CLAUDE || !imp->store_has)
		return 0;
	auth = oc_json_get(config, "auth");
	if (auth != NULL && !json_object_is_type(auth, json_type_object))
		return 0;
	profiles = oc_json_get(auth, "profiles");
	if (profiles != NULL && !json_object_is_type(profiles,
	    json_type_object))
		return 0;
	entry = oc_json_get(profiles, imp->profile_id);
	if (entry != NULL) {
		/* OpenClaw's own migration: a "token" mode becomes "oauth"
		 * (an oauth credential under mode "token" is a mismatch). */
		mode = oc_json_get_str(entry, "mode");
		if (json_object_is_type(entry, json_type_object) &&
		    mode != NULL && strcmp(mode, "token") == 0) {
			json_object_object_add(entry, "mode",
			    json_object_new_string("oauth"));
			imp->config = "migrated";
			return 1;
		}
		return 0;
	}
	/*
	 * No entry. When auth.profiles names other anthropic profiles, the
	 * gateway picks only among those, so the import needs an entry to
	 * be used at all. When it names none, the gateway takes every stored
	 * profile, and an entry would shut the others out: add none.
	 */
	{
		int listed = 0;

		if (profiles == NULL)
			return 0;
		json_object_object_foreach(profiles, pid, pv) {
			const char *pp = oc_json_get_str(pv, "provider");
			char *norm;

			(void)pid;
			if (pp == NULL)
				continue;
			norm = oc_provider_norm_dup(pp);
			listed += strcmp(norm, "anthropic") == 0;
			free(norm);
		}
		if (listed == 0)
			return 0;
	}
	entry = json_object_new_object();
	add_str(entry, "provider", "anthropic");
	add_str(entry, "mode", "oauth");
	json_object_object_add(profiles, imp->profile_id, entry);
	imp->config = "created";
	return 1;
}

/*
 * OpenClaw 2026.8 and later use these logins without copying them: Claude
 * Code's through the claude-cli runtime (anthropic:claude-cli is retired:
 * using it is an error and doctor deletes it), the Codex CLI's read live
 * from its auth.json. An import would make a profile the gateway refuses.
 */
void
oc_import_not_used(struct oc_import *imp)
{
	decide(imp, OC_IMPORT_SKIPPED, imp->src == OC_IMPORT_CLAUDE ?
	    "OpenClaw 2026.8 and later use Claude Code's own login (the "
	    "claude-cli runtime; anthropic:claude-cli is retired there): "
	    "nothing to import" : "OpenClaw 2026.8 and later read the Codex "
	    "CLI's login themselves: nothing to import",
	    imp->named ? OC_EX_NEG : 0);
}
