/* SPDX-License-Identifier: ISC */
/*
 * secretref.c - the secret of a profile: inline, the inline "${VAR}" form,
 * or a keyRef/tokenRef {source, provider, id} resolved through the config's
 * secrets.providers, as OpenClaw 2026.3.24 resolves them.
 *
 * Sources: env (a variable, after the dotenv files are loaded), file (a
 * JSON document and a JSON pointer, or the whole file as one value) and
 * exec (a command speaking a small JSON protocol on stdin and stdout). A
 * file or command that others could have written is refused (OC_EX_NOPERM)
 * before it is read or run. No message built here contains a resolved
 * secret: they name the reference, the provider and the path only.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "oc.h"

#define FILE_MAX_DEFAULT (1u << 20)
#define EXEC_TIMEOUT_DEFAULT 5000
#define EXEC_OUTPUT_DEFAULT (1u << 20)
#define EXEC_REQUEST_MAX (256u << 10)

struct ref {
	char *source;
	char *provider;
	char *id;
};

static void
ref_free(struct ref *r)
{
	free(r->source);
	free(r->provider);
	free(r->id);
	memset(r, 0, sizeof *r);
}

static json_object *
secrets_cfg(const struct oc_ctx *ctx)
{
	return ctx != NULL ? oc_json_get_obj(ctx->config, "secrets") : NULL;
}

/* secrets.defaults.<source>, else "default". */
static char *
default_alias_dup(const struct oc_ctx *ctx, const char *source)
{
	const char *d = oc_json_get_str(oc_json_get_obj(secrets_cfg(ctx),
	    "defaults"), source);
	char *t;

	if (d != NULL) {
		t = oc_text_trim_js_dup(d);
		if (*t != '\0')
			return t;
		free(t);
	}
	return oc_xstrdup("default");
}

static int
env_name_ok(const char *s)
{
	size_t n = 0;

	if (!(*s >= 'A' && *s <= 'Z'))
		return 0;
	for (; *s; s++, n++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return 0;
	return n <= 128;
}

/* The inline form: a whole (trimmed) string "${UPPER_NAME}". */
static int
template_ref(const struct oc_ctx *ctx, const char *s, struct ref *r)
{
	char *t = oc_text_trim_js_dup(s), *name;
	size_t n = strlen(t);
	int ok;

	if (n < 4 || t[0] != '$' || t[1] != '{' || t[n - 1] != '}') {
		free(t);
		return 0;
	}
	name = oc_xstrndup(t + 2, n - 3);
	free(t);
	ok = env_name_ok(name);
	if (!ok) {
		free(name);
		return 0;
	}
	r->source = oc_xstrdup("env");
	r->provider = default_alias_dup(ctx, "env");
	r->id = name;
	return 1;
}

/* {source, provider, id}; a missing provider (the legacy shape) takes
 * secrets.defaults.<source>. 0 when o is not a usable reference. */
static int
object_ref(const struct oc_ctx *ctx, json_object *o, struct ref *r)
{
	const char *src = oc_json_get_str(o, "source");
	const char *prov = oc_json_get_str(o, "provider");
	const char *id = oc_json_get_str(o, "id");
	char *t;

	if (src == NULL || id == NULL || (strcmp(src, "env") != 0 &&
	    strcmp(src, "file") != 0 && strcmp(src, "exec") != 0))
		return 0;
	t = oc_text_trim_js_dup(id);
	if (*t == '\0') {
		free(t);
		return 0;
	}
	r->id = t;
	r->source = oc_xstrdup(src);
	if (prov != NULL && *(t = oc_text_trim_js_dup(prov)) != '\0')
		r->provider = t;
	else {
		if (prov != NULL)
			free(t);
		r->provider = default_alias_dup(ctx, src);
	}
	return 1;
}

/* ---- path checks (assertSecurePath) ---- */

static int
inside_dir(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(dir, path, n) != 0)
		return 0;
	return path[n] == '/' || (n == 1 && dir[0] == '/');
}

struct pathcheck {
	const char *label;
	int allow_readable;	/* group/other read bits are fine */
	int allow_symlink;	/* follow one symlink, check its target */
	int allow_insecure;	/* skip the mode and owner checks */
	json_object *trusted;	/* array of directories, or NULL */
	const char *home;
};

static int
secure_path(const struct pathcheck *pc, const char *path, char **effective,
    struct stat *st, struct oc_err *err)
{
	char *eff = NULL;

	*effective = NULL;
	if (path[0] != '/') {
		oc_err_set(err, OC_EX_NOPERM, "%s must be an absolute path",
		    pc->label);
		return -1;
	}
	if (lstat(path, st) == -1) {
		oc_err_set(err, OC_EX_NEG, "%s is not readable: %s: %s",
		    pc->label, path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st->st_mode)) {
		if (!pc->allow_symlink) {
			oc_err_set(err, OC_EX_NOPERM,
			    "%s must not be a symlink: %s", pc->label, path);
			return -1;
		}
		if ((eff = realpath(path, NULL)) == NULL) {
			oc_err_set(err, OC_EX_NEG,
			    "%s symlink target is not readable: %s",
			    pc->label, path);
			return -1;
		}
		if (lstat(eff, st) == -1 || S_ISLNK(st->st_mode)) {
			oc_err_set(err, OC_EX_NOPERM,
			    "%s symlink target is not usable: %s", pc->label,
			    eff);
			free(eff);
			return -1;
		}
	} else
		eff = oc_xstrdup(path);
	if (S_ISDIR(st->st_mode) || !S_ISREG(st->st_mode)) {
		oc_err_set(err, OC_EX_NEG, "%s must be a regular file: %s",
		    pc->label, eff);
		free(eff);
		return -1;
	}
	if (pc->trusted != NULL &&
	    json_object_is_type(pc->trusted, json_type_array) &&
	    json_object_array_length(pc->trusted) > 0) {
		size_t i, n = json_object_array_length(pc->trusted);
		int in = 0;

		for (i = 0; i < n && !in; i++) {
			json_object *d = json_object_array_get_idx(pc->trusted,
			    i);
			char *x;

			if (!json_object_is_type(d, json_type_string))
				continue;
			x = oc_ctx_expand_home_dup(json_object_get_string(d),
			    pc->home ? pc->home : "/");
			in = inside_dir(x, eff);
			free(x);
		}
		if (!in) {
			oc_err_set(err, OC_EX_NOPERM,
			    "%s is outside trustedDirs: %s", pc->label, eff);
			free(eff);
			return -1;
		}
	}
	if (!pc->allow_insecure) {
		mode_t m = st->st_mode & 0777;

		if ((m & 022) || (!pc->allow_readable && (m & 044))) {
			oc_err_set(err, OC_EX_NOPERM,
			    "%s permissions are too open (%03o): %s; chmod "
			    "%s it", pc->label, (unsigned)m, eff,
			    pc->allow_readable ? "go-w" : "600");
			free(eff);
			return -1;
		}
		if (st->st_uid != getuid()) {
			oc_err_set(err, OC_EX_NOPERM,
			    "%s must be owned by the current user (uid=%ld): "
			    "%s", pc->label, (long)getuid(), eff);
			free(eff);
			return -1;
		}
	}
	*effective = eff;
	return 0;
}

static int64_t
cfg_posint(json_object *o, const char *key, int64_t def)
{
	json_object *v = oc_json_get(o, key);
	double d;

	if (v == NULL || !(json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double)))
		return def;
	d = json_object_get_double(v);
	if (!(d == d) || d > 1e15 || d < -1e15)
		return def;
	return d < 1 ? 1 : (int64_t)d;
}

static int
cfg_bool(json_object *o, const char *key, int def)
{
	json_object *v = oc_json_get(o, key);

	if (v == NULL || !json_object_is_type(v, json_type_boolean))
		return def;
	return json_object_get_boolean(v);
}

/* ---- env ---- */

static int
resolve_env(json_object *pcfg, const char *name, const struct ref *r,
    char **out, struct oc_err *err)
{
	json_object *allow = oc_json_get(pcfg, "allowlist");
	const char *v;

	if (allow != NULL && json_object_is_type(allow, json_type_array)) {
		size_t i, n = json_object_array_length(allow);
		int ok = 0;

		for (i = 0; i < n && !ok; i++) {
			json_object *e = json_object_array_get_idx(allow, i);

			ok = json_object_is_type(e, json_type_string) &&
			    strcmp(json_object_get_string(e), r->id) == 0;
		}
		if (!ok) {
			oc_err_set(err, OC_EX_NEG, "environment variable "
			    "\"%s\" is not allowlisted in "
			    "secrets.providers.%s.allowlist", r->id, name);
			return -1;
		}
	}
	v = getenv(r->id);
	if (v == NULL || *v == '\0') {
		oc_err_set(err, OC_EX_NEG,
		    "environment variable \"%s\" is missing or empty", r->id);
		return -1;
	}
	*out = oc_xstrdup(v);
	return 0;
}

/* ---- file ---- */

static int
read_checked(const char *label, const char *path, const struct stat *want,
    size_t max, char **data, size_t *len, struct oc_err *err)
{
	struct oc_buf b = { 0 };
	struct stat st;
	char chunk[8192];
	ssize_t n;
	int fd;

	*data = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		oc_err_set(err, OC_EX_NEG, "%s is not readable: %s: %s", label,
		    path, strerror(errno));
		return -1;
	}
	/* The file checked is the file read. */
	if (fstat(fd, &st) == -1 || st.st_ino != want->st_ino ||
	    st.st_dev != want->st_dev || !S_ISREG(st.st_mode)) {
		close(fd);
		oc_err_set(err, OC_EX_NOPERM, "%s changed while it was being "
		    "checked: %s", label, path);
		return -1;
	}
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			oc_err_set(err, OC_EX_NEG, "%s: %s", path,
			    strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			oc_err_set(err, OC_EX_NEG, "%s exceeded maxBytes (%zu)",
			    label, max);
			n = -1;
			break;
		}
		oc_buf_add(&b, chunk, (size_t)n);
	}
	oc_secret_wipe(chunk, sizeof chunk);
	close(fd);
	if (n == -1) {
		oc_buf_free(&b);
		return -1;
	}
	if (b.data == NULL)
		oc_buf_add(&b, "", 0);
	*data = b.data;
	*len = b.len;
	return 0;
}

/* JavaScript parseInt's prefix rule: the array index a pointer segment
 * names ("1abc" is 1); -1 when it names none. */
static long
js_index(const char *s)
{
	long v = 0;
	int neg = 0, digits = 0;
	size_t l;

	while ((l = oc_text_js_space_len(s)) != 0)
		s += l;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > LONG_MAX / 10 - 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (!digits || (neg && v != 0))
		return -1;
	return v;
}

static int
json_pointer(json_object *root, const char *ptr, json_object **out,
    struct oc_err *err)
{
	json_object *cur = root;
	const char *p;

	*out = NULL;
	if (ptr[0] != '/') {
		oc_err_set(err, OC_EX_NEG, "file-backed secret ids must be "
		    "absolute JSON pointers (for example: "
		    "\"/providers/openai/apiKey\")");
		return -1;
	}
	p = ptr + 1;
	for (;;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *tok = oc_xmalloc(n + 1), *w = tok;
		size_t i;

		for (i = 0; i < n; i++) {
			if (p[i] == '~' && i + 1 < n && p[i + 1] == '1') {
				*w++ = '/';
				i++;
			} else if (p[i] == '~' && i + 1 < n &&
			    p[i + 1] == '0') {
				*w++ = '~';
				i++;
			} else
				*w++ = p[i];
		}
		*w = '\0';
		if (json_object_is_type(cur, json_type_array)) {
			long idx = js_index(tok);

			if (idx < 0 ||
			    (size_t)idx >= json_object_array_length(cur)) {
				oc_err_set(err, OC_EX_NEG, "JSON pointer "
				    "segment \"%s\" is out of bounds", tok);
				free(tok);
				return -1;
			}
			cur = json_object_array_get_idx(cur, (size_t)idx);
		} else if (json_object_is_type(cur, json_type_object) &&
		    json_object_object_get_ex(cur, tok, &cur)) {
			;
		} else {
			oc_err_set(err, OC_EX_NEG, "JSON pointer segment "
			    "\"%s\" does not exist", tok);
			free(tok);
			return -1;
		}
		free(tok);
		if (e == NULL)
			break;
		p = e + 1;
	}
	*out = cur;
	return 0;
}

static int
resolve_file(const struct oc_ctx *ctx, json_object *pcfg, const char *name,
    const struct ref *r, char **out, struct oc_err *err)
{
	const char *path = oc_json_get_str(pcfg, "path");
	const char *mode = oc_json_get_str(pcfg, "mode");
	struct pathcheck pc = { 0 };
	struct stat st;
	char *label, *full = NULL, *eff = NULL, *data = NULL;
	size_t len = 0, max;
	int rc = -1;

	label = oc_xasprintf("secrets.providers.%s.path", name);
	if (path == NULL || *path == '\0') {
		oc_err_set(err, OC_EX_NEG, "%s is not set", label);
		goto out;
	}
	if (mode != NULL && strcmp(mode, "singleValue") == 0 &&
	    strcmp(r->id, "value") != 0) {
		oc_err_set(err, OC_EX_NEG, "singleValue file provider \"%s\" "
		    "expects ref id \"value\"", name);
		goto out;
	}
	full = oc_ctx_expand_home_dup(path, ctx->paths.home ? ctx->paths.home :
	    "/");
	pc.label = label;
	pc.home = ctx->paths.home;
	if (secure_path(&pc, full, &eff, &st, err) == -1)
		goto out;
	max = (size_t)cfg_posint(pcfg, "maxBytes", FILE_MAX_DEFAULT);
	if (read_checked(label, eff, &st, max, &data, &len, err) == -1)
		goto out;
	if (mode != NULL && strcmp(mode, "singleValue") == 0) {
		/* The whole file, less one final line break. */
		if (len > 0 && data[len - 1] == '\n') {
			data[--len] = '\0';
			if (len > 0 && data[len - 1] == '\r')
				data[--len] = '\0';
		}
		if (memchr(data, '\0', len) != NULL) {
			oc_err_set(err, OC_EX_NEG, "file provider \"%s\": the "
			    "file contains a NUL byte", name);
			goto out;
		}
		*out = data;
		data = NULL;
		rc = 0;
	} else {
		json_object *root = NULL, *v;
		struct oc_err perr;

		if (oc_json_parse(eff, data, len, &root, &perr) == -1) {
			/* json-c's message names a position, never text. */
			oc_err_set(err, OC_EX_NEG, "file provider \"%s\": %s",
			    name, perr.msg);
			goto out;
		}
		if (!json_object_is_type(root, json_type_object)) {
			oc_err_set(err, OC_EX_NEG, "file provider \"%s\" "
			    "payload is not a JSON object", name);
			oc_json_wipe_put(root);
			goto out;
		}
		if (json_pointer(root, r->id, &v, err) == 0) {
			if (json_object_is_type(v, json_type_string)) {
				*out = oc_xstrdup(json_object_get_string(v));
				rc = 0;
			} else
				oc_err_set(err, OC_EX_NEG, "secret reference "
				    "\"%s:%s:%s\" resolved to a non-string or "
				    "empty value", r->source, r->provider,
				    r->id);
		}
		oc_json_wipe_put(root);
	}
out:
	if (data != NULL) {
		oc_secret_wipe(data, len);
		free(data);
	}
	free(eff);
	free(full);
	free(label);
	return rc;
}

/* ---- exec ---- */

static char **
exec_env(json_object *pcfg)
{
	json_object *pass = oc_json_get(pcfg, "passEnv");
	json_object *set = oc_json_get_obj(pcfg, "env");
	char **envp = NULL;
	size_t n = 0, i;

	envp = oc_xcalloc(1, sizeof *envp);
	if (pass != NULL && json_object_is_type(pass, json_type_array))
		for (i = 0; i < json_object_array_length(pass); i++) {
			json_object *e = json_object_array_get_idx(pass, i);
			const char *k, *v;

			if (!json_object_is_type(e, json_type_string))
				continue;
			k = json_object_get_string(e);
			if (set != NULL && oc_json_get(set, k) != NULL)
				continue;	/* env overrides passEnv */
			if ((v = getenv(k)) == NULL)
				continue;
			envp = oc_xrealloc(envp, (n + 2) * sizeof *envp);
			envp[n++] = oc_xasprintf("%s=%s", k, v);
			envp[n] = NULL;
		}
	if (set != NULL) {
		json_object_object_foreach(set, k, v) {
			if (!json_object_is_type(v, json_type_string))
				continue;
			envp = oc_xrealloc(envp, (n + 2) * sizeof *envp);
			envp[n++] = oc_xasprintf("%s=%s", k,
			    json_object_get_string(v));
			envp[n] = NULL;
		}
	}
	return envp;
}

static char **
exec_argv(const char *cmd, json_object *pcfg)
{
	json_object *args = oc_json_get(pcfg, "args");
	size_t n = 0, i, na;
	char **argv;

	na = args != NULL && json_object_is_type(args, json_type_array) ?
	    json_object_array_length(args) : 0;
	argv = oc_xcalloc(na + 2, sizeof *argv);
	argv[n++] = oc_xstrdup(cmd);
	for (i = 0; i < na; i++) {
		json_object *a = json_object_array_get_idx(args, i);

		if (json_object_is_type(a, json_type_string))
			argv[n++] = oc_xstrdup(json_object_get_string(a));
	}
	argv[n] = NULL;
	return argv;
}

/* parseExecValues for one id. Takes nothing; *out owned on success. */
static int
exec_parse(const char *name, const struct ref *r, const char *stdout_text,
    size_t len, int json_only, char **out, struct oc_err *err)
{
	char *t;
	json_object *o = NULL, *values, *errors, *v;
	struct oc_err perr;
	int rc = -1;

	{
		/* JavaScript trim of the whole output (up to a NUL, which
		 * no value holds), on a terminated copy. */
		char *all = oc_xstrndup(stdout_text, len);

		t = oc_text_trim_js_dup(all);
		oc_secret_free(all);
	}
	if (*t == '\0') {
		oc_err_set(err, OC_EX_NEG, "exec provider \"%s\" returned "
		    "empty stdout", name);
		goto out;
	}
	if (oc_json_parse(name, t, strlen(t), &o, &perr) == -1) {
		if (!json_only) {
			/* Raw mode: the whole output is the value. */
			*out = t;
			t = NULL;
			rc = 0;
			goto out;
		}
		oc_err_set(err, OC_EX_NEG, "exec provider \"%s\" returned "
		    "invalid JSON", name);
		goto out;
	}
	if (!json_object_is_type(o, json_type_object)) {
		if (!json_only && json_object_is_type(o, json_type_string)) {
			*out = oc_xstrdup(json_object_get_string(o));
			rc = 0;
			goto out;
		}
		oc_err_set(err, OC_EX_NEG, "exec provider \"%s\" response "
		    "must be an object", name);
		goto out;
	}
	v = oc_json_get(o, "protocolVersion");
	if (v == NULL || !(json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double)) ||
	    json_object_get_double(v) != 1.0) {
		oc_err_set(err, OC_EX_NEG, "exec provider \"%s\" "
		    "protocolVersion must be 1", name);
		goto out;
	}
	values = oc_json_get_obj(o, "values");
	if (values == NULL) {
		oc_err_set(err, OC_EX_NEG, "exec provider \"%s\" response "
		    "missing \"values\"", name);
		goto out;
	}
	errors = oc_json_get_obj(o, "errors");
	if (errors != NULL && oc_json_get(errors, r->id) != NULL) {
		json_object *e = oc_json_get(errors, r->id);
		const char *m = oc_json_get_str(e, "message");
		/* The provider's own words go to a terminal: one line of
		 * printable text, cut short (they are not ours). */
		char *mt = m ? oc_out_oneline_dup(m, 200) : NULL;

		if (mt != NULL && *mt != '\0')
			oc_err_set(err, OC_EX_NEG, "exec provider \"%s\" "
			    "failed for id \"%s\" (%s)", name, r->id, mt);
		else
			oc_err_set(err, OC_EX_NEG, "exec provider \"%s\" "
			    "failed for id \"%s\"", name, r->id);
		free(mt);
		goto out;
	}
	if (!json_object_object_get_ex(values, r->id, &v)) {
		oc_err_set(err, OC_EX_NEG, "exec provider \"%s\" response "
		    "missing id \"%s\"", name, r->id);
		goto out;
	}
	if (!json_object_is_type(v, json_type_string)) {
		oc_err_set(err, OC_EX_NEG, "secret reference \"%s:%s:%s\" "
		    "resolved to a non-string or empty value", r->source,
		    r->provider, r->id);
		goto out;
	}
	*out = oc_xstrdup(json_object_get_string(v));
	rc = 0;
out:
	oc_json_wipe_put(o);
	oc_secret_free(t);
	return rc;
}

static int
exec_id_ok(const char *id)
{
	const char *p, *seg;
	size_t n = strlen(id);

	if (n == 0 || n > 256)
		return 0;
	if (!((*id >= 'A' && *id <= 'Z') || (*id >= 'a' && *id <= 'z') ||
	    (*id >= '0' && *id <= '9')))
		return 0;
	for (p = id; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("._:/-", *p) != NULL))
			return 0;
	for (seg = id;;) {
		const char *e = strchr(seg, '/');
		size_t l = e ? (size_t)(e - seg) : strlen(seg);

		if ((l == 1 && seg[0] == '.') ||
		    (l == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		if (e == NULL)
			break;
		seg = e + 1;
	}
	return 1;
}

static int
resolve_exec(const struct oc_ctx *ctx, json_object *pcfg, const char *name,
    const struct ref *r, char **out, struct oc_err *err)
{
	const char *cmd = oc_json_get_str(pcfg, "command");
	struct pathcheck pc = { 0 };
	struct oc_buf o = { 0 }, reqtext = { 0 };
	struct oc_proc_spec sp;
	struct oc_proc_io io;
	struct oc_proc pr;
	struct oc_err perr;
	struct stat st;
	char *label, *eff = NULL, **argv = NULL, **envp = NULL, *dir = NULL;
	json_object *req = NULL, *ids;
	int64_t timeout, idle;
	size_t max;
	int status, rc = -1;

	label = oc_xasprintf("secrets.providers.%s.command", name);
	if (!exec_id_ok(r->id)) {
		oc_err_set(err, OC_EX_NEG, "exec secret reference id must "
		    "match [A-Za-z0-9][A-Za-z0-9._:/-]{0,255} without \".\" "
		    "or \"..\" segments (ref: %s:%s:%s)", r->source,
		    r->provider, r->id);
		goto out;
	}
	if (cmd == NULL || *cmd == '\0') {
		oc_err_set(err, OC_EX_NEG, "%s is not set", label);
		goto out;
	}
	pc.label = label;
	pc.allow_readable = 1;
	pc.allow_symlink = cfg_bool(pcfg, "allowSymlinkCommand", 0);
	pc.allow_insecure = cfg_bool(pcfg, "allowInsecurePath", 0);
	pc.trusted = oc_json_get(pcfg, "trustedDirs");
	pc.home = ctx->paths.home;
	if (secure_path(&pc, cmd, &eff, &st, err) == -1)
		goto out;
	timeout = cfg_posint(pcfg, "timeoutMs", EXEC_TIMEOUT_DEFAULT);
	idle = cfg_posint(pcfg, "noOutputTimeoutMs", timeout);
	max = (size_t)cfg_posint(pcfg, "maxOutputBytes", EXEC_OUTPUT_DEFAULT);

	req = json_object_new_object();
	json_object_object_add(req, "protocolVersion", json_object_new_int(1));
	json_object_object_add(req, "provider", json_object_new_string(name));
	ids = json_object_new_array();
	json_object_array_add(ids, json_object_new_string(r->id));
	json_object_object_add(req, "ids", ids);
	argv = exec_argv(eff, pcfg);
	envp = exec_env(pcfg);
	oc_json_dump(&reqtext, req, 0);
	/* As OpenClaw: no shell, the configured environment only, in the
	 * command's directory, leading its own process group so a timeout
	 * kills what it started too; stdout and stderr count together
	 * against maxOutputBytes. */
	memset(&sp, 0, sizeof sp);
	sp.path = eff;
	sp.argv = argv;
	sp.envp = envp;
	sp.dir = dir = oc_file_dirname_dup(eff);
	sp.new_pgrp = 1;
	sp.in = sp.out = sp.err = OC_PROC_PIPE;
	if (oc_proc_spawn(&pr, &sp, &perr) == -1) {
		oc_err_set(err, OC_EX_NEG, "exec provider \"%s\": cannot run "
		    "%s: %s", name, eff, strerror(errno));
		goto out;
	}
	memset(&io, 0, sizeof io);
	io.in = reqtext.data;
	io.in_len = reqtext.len;
	io.out = &o;
	io.timeout_ms = timeout;
	io.idle_ms = idle;
	io.max_out = max;
	switch (oc_proc_run(&pr, &io, &status)) {
	case OC_PROC_TIMEOUT:
	case OC_PROC_FAILED:
		oc_err_set(err, OC_EX_NEG, "exec provider \"%s\" timed out "
		    "after %lldms", name, (long long)timeout);
		goto out;
	case OC_PROC_IDLE:
		oc_err_set(err, OC_EX_NEG, "exec provider \"%s\" produced no "
		    "output for %lldms", name, (long long)idle);
		goto out;
	case OC_PROC_TOOBIG:
		oc_err_set(err, OC_EX_NEG, "exec provider \"%s\" output "
		    "exceeded maxOutputBytes (%zu)", name, max);
		goto out;
	case OC_PROC_EXITED:
		break;
	}
	if (WIFSIGNALED(status)) {
		oc_err_set(err, OC_EX_NEG, "exec provider \"%s\" was killed "
		    "by signal %d", name, WTERMSIG(status));
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		oc_err_set(err, OC_EX_NEG, "exec provider \"%s\" exited with "
		    "code %d", name, WIFEXITED(status) ? WEXITSTATUS(status) :
		    -1);
		goto out;
	}
	rc = exec_parse(name, r, o.data ? o.data : "", o.len,
	    cfg_bool(pcfg, "jsonOnly", 1), out, err);
out:
	if (req != NULL)
		json_object_put(req);
	oc_buf_free(&o);
	oc_buf_free(&reqtext);
	free(dir);
	oc_xstrv_free(argv);
	oc_proc_env_free(envp);
	free(eff);
	free(label);
	return rc;
}

/* ---- dispatch ---- */

static int
resolve_ref(const struct oc_ctx *ctx, const struct ref *r, char **out,
    struct oc_err *err)
{
	json_object *providers = oc_json_get_obj(secrets_cfg(ctx),
	    "providers");
	json_object *pcfg = oc_json_get_obj(providers, r->provider);
	const char *psrc;
	char *value = NULL, *t;
	int rc;

	*out = NULL;
	if (pcfg == NULL) {
		char *def = default_alias_dup(ctx, "env");
		int builtin = strcmp(r->source, "env") == 0 &&
		    strcmp(r->provider, def) == 0;

		free(def);
		if (!builtin) {
			oc_err_set(err, OC_EX_NEG, "secret provider \"%s\" is "
			    "not configured (ref: %s:%s:%s)", r->provider,
			    r->source, r->provider, r->id);
			return -1;
		}
		rc = resolve_env(NULL, r->provider, r, &value, err);
	} else {
		psrc = oc_json_get_str(pcfg, "source");
		if (psrc == NULL || strcmp(psrc, r->source) != 0) {
			oc_err_set(err, OC_EX_NEG, "secret provider \"%s\" has "
			    "source \"%s\" but ref requests \"%s\"",
			    r->provider, psrc ? psrc : "(none)", r->source);
			return -1;
		}
		if (strcmp(psrc, "env") == 0)
			rc = resolve_env(pcfg, r->provider, r, &value, err);
		else if (strcmp(psrc, "file") == 0)
			rc = resolve_file(ctx, pcfg, r->provider, r, &value,
			    err);
		else
			rc = resolve_exec(ctx, pcfg, r->provider, r, &value,
			    err);
	}
	if (rc == -1)
		return -1;
	t = oc_text_trim_js_dup(value);
	if (*t == '\0') {
		oc_secret_free(t);
		oc_secret_free(value);
		oc_err_set(err, OC_EX_NEG, "secret reference \"%s:%s:%s\" "
		    "resolved to a non-string or empty value", r->source,
		    r->provider, r->id);
		return -1;
	}
	oc_secret_free(t);
	*out = value;
	return 0;
}

int
oc_secretref_resolve_cred(const struct oc_ctx *ctx, const struct oc_cred *c,
    char **out, struct oc_err *err)
{
	struct ref r = { 0 };
	json_object *ref = NULL;
	char *v = NULL;
	int rc;

	*out = NULL;
	if (c->type == OC_CT_OAUTH) {
		/* OAuth tokens are written by a login flow, never referenced:
		 * OpenClaw resolves no refs for them. */
		if (c->secret != NULL && template_ref(ctx, c->secret, &r)) {
			ref_free(&r);
			oc_err_set(err, OC_EX_NEG, "profile %s: oauth profiles "
			    "cannot use SecretRefs", c->id);
			return -1;
		}
		if (c->secret == NULL) {
			oc_err_set(err, OC_EX_NEG, "profile %s has no access "
			    "token", c->id);
			return -1;
		}
		*out = oc_xstrdup(c->secret);
		return 0;
	}
	if (c->type != OC_CT_API_KEY && c->type != OC_CT_TOKEN) {
		oc_err_set(err, OC_EX_NEG, "profile %s has an unknown type "
		    "\"%s\"", c->id, c->type_raw ? c->type_raw : "");
		return -1;
	}
	/* As the gateway's secrets snapshot does: a ref (keyRef/tokenRef,
	 * else the inline "${VAR}" form) wins over a plaintext secret. */
	ref = oc_cred_ref(c);
	if ((ref != NULL && object_ref(ctx, ref, &r)) ||
	    (c->secret != NULL && template_ref(ctx, c->secret, &r))) {
		json_object_put(ref);
		rc = resolve_ref(ctx, &r, &v, err);
		if (rc == -1) {
			char msg[sizeof err->msg];

			/* Say which profile; err->msg holds no secret. */
			memcpy(msg, err->msg, sizeof msg);
			oc_err_set(err, err->code, "profile %s: %.900s", c->id,
			    msg);
		}
		ref_free(&r);
		if (rc == -1)
			return -1;
		oc_secret_token_normalize(v, 0);
		*out = v;
		return 0;
	}
	json_object_put(ref);
	if (c->secret != NULL) {
		v = oc_xstrdup(c->secret);
		oc_secret_token_normalize(v, 0);
		if (*v != '\0') {
			*out = v;
			return 0;
		}
		oc_secret_free(v);
	}
	oc_err_set(err, OC_EX_NEG, "profile %s has no %s%s", c->id,
	    c->type == OC_CT_TOKEN ? "token" : "key", c->ref_json != NULL ?
	    " (its SecretRef is not usable)" : "");
	return -1;
}

int
oc_secretref_resolve(const struct oc_ctx *ctx, json_object *v, char **out,
    struct oc_err *err)
{
	struct ref r = { 0 };
	int rc;

	*out = NULL;
	if (v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_object)) {
		if (!object_ref(ctx, v, &r))
			return 0;
	} else if (json_object_is_type(v, json_type_string)) {
		if (!template_ref(ctx, json_object_get_string(v), &r))
			return 0;
	} else
		return 0;
	rc = resolve_ref(ctx, &r, out, err);
	ref_free(&r);
	if (rc == -1)
		return -1;
	oc_secret_token_normalize(*out, 0);
	return 1;
}

int
oc_secretref_exec_reply(const char *provider, const char *id,
    const char *text, size_t len, int json_only, char **out,
    struct oc_err *err)
{
	struct ref r;

	*out = NULL;
	r.source = (char *)(uintptr_t)"exec";
	r.provider = (char *)(uintptr_t)provider;
	r.id = (char *)(uintptr_t)id;
	return exec_parse(provider, &r, text, len, json_only, out, err);
}
