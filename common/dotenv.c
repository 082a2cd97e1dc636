/* SPDX-License-Identifier: ISC */
/*
 * dotenv.c - OpenClaw's dotenv files: parsing them exactly as the npm
 * dotenv 17 package does (OpenClaw loads <state>/.env with it), loading them
 * into the environment without overriding what the process already has, and
 * rewriting one variable of such a file without touching the other lines.
 *
 * dotenv is a single multi-line regular expression. The parser below walks
 * the text the way that expression matches it, backtracking included, so
 * the odd cases agree too: "#" ends an unquoted value even without a space
 * before it, "KEY: value" is accepted, a quoted value may span lines, and
 * an unterminated quote is taken literally.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oc.h"

#define ENV_FILE_MAX (1u << 20)

/* The text with CRLF and lone CR turned into LF (dotenv does this first),
 * and for each byte of it the offset of the byte it came from. */
struct norm {
	char *s;
	size_t n;
	size_t *map;		/* n + 1 entries */
};

static void
norm_init(struct norm *t, const char *text, size_t len)
{
	size_t i, k = 0;

	t->s = oc_xmalloc(len + 1);
	t->map = oc_xcalloc(len + 1, sizeof *t->map);
	for (i = 0; i < len; i++) {
		t->map[k] = i;
		if (text[i] == '\r') {
			t->s[k++] = '\n';
			if (i + 1 < len && text[i + 1] == '\n')
				i++;
		} else
			t->s[k++] = text[i];
	}
	t->map[k] = len;
	t->s[k] = '\0';
	t->n = k;
}

static void
norm_free(struct norm *t)
{
	if (t->s != NULL) {
		oc_secret_wipe(t->s, t->n);
		free(t->s);
	}
	free(t->map);
}

static size_t
ws(const struct norm *t, size_t p)
{
	return p < t->n ? oc_text_js_space_len(t->s + p) : 0;
}

/* JavaScript line terminators after CR folding: LF, U+2028, U+2029. The
 * expression's ^ and $ work on these, not only on LF. */
static size_t
lt_len(const struct norm *t, size_t p)
{
	const unsigned char *u = (const unsigned char *)t->s;

	if (p >= t->n)
		return 0;
	if (u[p] == '\n')
		return 1;
	if (p + 2 < t->n && u[p] == 0xe2 && u[p + 1] == 0x80 &&
	    (u[p + 2] == 0xa8 || u[p + 2] == 0xa9))
		return 3;
	return 0;
}

/* The end of the line holding p: the next line terminator, or the end. */
static size_t
line_end(const struct norm *t, size_t p)
{
	while (p < t->n && lt_len(t, p) == 0)
		p++;
	return p;
}

static int
keychar(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/* What may follow a value: white space (line breaks too), an optional
 * "#" comment, then the end of a line. */
static int
rest_ok(const struct norm *t, size_t p)
{
	size_t l;

	for (;;) {
		if (p >= t->n || lt_len(t, p) != 0 || t->s[p] == '#')
			return 1;
		if ((l = ws(t, p)) == 0)
			return 0;
		p += l;
	}
}

/* A quoted value opening at o: the closing quote, or (size_t)-1. The
 * expression (?:\\q|[^q])* is greedy, so the first unescaped quote is tried
 * first; backtracking then offers each escaped quote, last first. */
static size_t
quoted_close(const struct norm *t, size_t o)
{
	char q = t->s[o];
	size_t i = o + 1, nesc = 0, cap = 0, *esc = NULL, close = (size_t)-1;

	while (i < t->n) {
		if (t->s[i] == '\\' && i + 1 < t->n && t->s[i + 1] == q) {
			if (nesc == cap) {
				cap = cap ? cap * 2 : 8;
				esc = oc_xrealloc(esc, cap * sizeof *esc);
			}
			esc[nesc++] = i + 1;
			i += 2;
		} else if (t->s[i] == q) {
			close = i;
			break;
		} else
			i++;
	}
	if (close != (size_t)-1 && rest_ok(t, close + 1)) {
		free(esc);
		return close;
	}
	while (nesc > 0) {
		nesc--;
		if (rest_ok(t, esc[nesc] + 1)) {
			close = esc[nesc];
			free(esc);
			return close;
		}
	}
	free(esc);
	return (size_t)-1;
}

static size_t
str_lt(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (*u == '\n')
		return 1;
	if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9))
		return 3;
	return 0;
}

/*
 * value.replace(/^(['"`])([\s\S]*)\1$/mg, "$2") in place. For the usual
 * value that is one pair of outer quotes; the multi-line flags make it act
 * per line too when the value holds a U+2028 line separator.
 */
static void
unquote(char *v, size_t len)
{
	size_t i = 0, w = 0, j;
	int bol = 1;

	while (i < len) {
		char q = v[i];

		if (bol && (q == '\'' || q == '"' || q == '`')) {
			/* Greedy: the last quote q that ends a line. */
			for (j = len; j-- > i + 1; )
				if (v[j] == q && (j + 1 == len ||
				    str_lt(v + j + 1) != 0))
					break;
			if (j > i && j < len && v[j] == q) {
				memmove(v + w, v + i + 1, j - i - 1);
				w += j - i - 1;
				i = j + 1;
				bol = 0;
				continue;
			}
		}
		{
			size_t lt = str_lt(v + i), l = lt ? lt : 1;

			bol = lt != 0;
			memmove(v + w, v + i, l);
			w += l;
			i += l;
		}
	}
	v[w] = '\0';
}

/* dotenv's value post-processing: trim, strip one pair of matching outer
 * quotes, and in double-quoted values only \n and \r become LF and CR. */
static char *
value_cook(const char *raw, size_t n)
{
	/* a terminated copy: the trim reads up to a NUL */
	char *c = oc_xstrndup(raw, n), *v = oc_text_trim_js_dup(c), *w, *r;
	size_t len = strlen(v);
	char q = v[0];

	oc_secret_free(c);
	unquote(v, len);
	if (q == '"')
		for (r = w = v; *r; ) {
			if (r[0] == '\\' && (r[1] == 'n' || r[1] == 'r')) {
				*w++ = r[1] == 'n' ? '\n' : '\r';
				r += 2;
			} else
				*w++ = *r++;
		}
	else
		w = v + strlen(v);
	*w = '\0';
	return v;
}

/* Try the expression with the key at k; on success fill e (offsets in the
 * normalised text) and return the end of the entry's last line. */
static int
match_at(const struct norm *t, size_t k, struct oc_dotenv_entry *e,
    size_t *endp)
{
	size_t ke = k, p, vpos, w, l, vend, end;

	while (ke < t->n && keychar((unsigned char)t->s[ke]))
		ke++;
	if (ke == k)
		return 0;
	p = ke;
	while ((l = ws(t, p)) != 0)
		p += l;
	if (p < t->n && t->s[p] == '=')
		vpos = p + 1;
	else if (ke < t->n && t->s[ke] == ':' && (l = ws(t, ke + 1)) != 0)
		vpos = ke + 1 + l;
	else
		return 0;

	w = vpos;
	while ((l = ws(t, w)) != 0)
		w += l;
	vend = (size_t)-1;
	if (w < t->n && (t->s[w] == '\'' || t->s[w] == '"' ||
	    t->s[w] == '`')) {
		size_t c = quoted_close(t, w);

		if (c != (size_t)-1)
			vend = c + 1;
	}
	if (vend == (size_t)-1) {
		vend = vpos;
		while (vend < t->n && t->s[vend] != '#' && t->s[vend] != '\n')
			vend++;
	}
	end = line_end(t, vend);
	e->key = oc_xstrndup(t->s + k, ke - k);
	e->value = value_cook(t->s + vpos, vend - vpos);
	*endp = end;
	return 1;
}

int
oc_dotenv_parse(const char *text, size_t len, struct oc_dotenv_entry **out,
    size_t *n, struct oc_err *err)
{
	struct norm t;
	struct oc_dotenv_entry *v = NULL;
	size_t nv = 0, cap = 0, pos = 0;

	*out = NULL;
	*n = 0;
	if (memchr(text, '\0', len) != NULL) {
		oc_err_set(err, OC_EX_DATAERR, "contains a NUL byte");
		return -1;
	}
	norm_init(&t, text, len);
	while (pos <= t.n) {
		struct oc_dotenv_entry e;
		size_t p = pos, l, end = 0, keyline;
		int got = 0;

		memset(&e, 0, sizeof e);
		while ((l = ws(&t, p)) != 0)
			p += l;
		/* The entry starts on the line holding its key. */
		keyline = p;
		while (keyline > pos && t.s[keyline - 1] != '\n' &&
		    !(keyline >= pos + 3 && lt_len(&t, keyline - 3) == 3))
			keyline--;
		if (p + 6 < t.n && strncmp(t.s + p, "export", 6) == 0 &&
		    (l = ws(&t, p + 6)) != 0) {
			size_t k = p + 6;

			while ((l = ws(&t, k)) != 0)
				k += l;
			if ((got = match_at(&t, k, &e, &end)))
				e.exported = 1;
		}
		if (!got)
			got = match_at(&t, p, &e, &end);
		if (got) {
			if (nv == cap) {
				cap = cap ? cap * 2 : 16;
				v = oc_xrealloc(v, cap * sizeof *v);
			}
			e.start = t.map[keyline];
			e.end = t.map[end];
			v[nv++] = e;
			pos = end;
		}
		/* On to the next line start. */
		pos = line_end(&t, pos);
		pos += pos < t.n ? lt_len(&t, pos) : 1;
	}
	norm_free(&t);
	*out = v;
	*n = nv;
	return 0;
}

void
oc_dotenv_free(struct oc_dotenv_entry *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].key);
		oc_secret_free(v[i].value);
	}
	free(v);
}

/* "path: message suffix" as a data error. */
static void
err_prefix(struct oc_err *err, const char *path, const char *suffix)
{
	struct oc_buf b = { 0 };

	oc_buf_addf(&b, "%s: %s%s", path, err->msg, suffix);
	oc_err_set(err, OC_EX_DATAERR, "%s", b.data);
	oc_buf_free(&b);
}

static int
read_env_file(const char *path, char **text, size_t *len, struct oc_err *err)
{
	if (oc_file_read(path, ENV_FILE_MAX, text, len, err) == -1)
		return errno == ENOENT ? 0 : -1;
	return 1;
}

/*
 * OpenClaw loads dotenv files with override off: a name present in the
 * process environment (even empty) keeps its value, and within one file the
 * last line for a name wins. The first file loaded wins over later ones.
 */
static int
load_file(const char *path, char **before, size_t nbefore, char ***mine,
    size_t *nmine, struct oc_err *err)
{
	struct oc_dotenv_entry *v;
	char *text;
	size_t len, n, i, j;
	int r;

	if ((r = read_env_file(path, &text, &len, err)) <= 0)
		return r;
	if (oc_dotenv_parse(text, len, &v, &n, err) == -1) {
		err_prefix(err, path, "");
		oc_secret_free(text);
		return -1;
	}
	oc_secret_free(text);
	for (i = 0; i < n; i++) {
		int skip = 0;

		for (j = 0; j < nbefore && !skip; j++)
			skip = strcmp(before[j], v[i].key) == 0;
		if (skip)
			continue;
		/* Set by an earlier file of this load: that one wins. */
		for (j = 0; j < *nmine && !skip; j++)
			skip = strcmp((*mine)[j], v[i].key) == 0;
		if (skip)
			continue;
		/* A later duplicate in this file overwrites: it wins. */
		(void)setenv(v[i].key, v[i].value, 1);
	}
	/* Remember what this file set, for the files after it. */
	for (i = 0; i < n; i++) {
		int seen = 0;

		for (j = 0; j < nbefore && !seen; j++)
			seen = strcmp(before[j], v[i].key) == 0;
		for (j = 0; j < *nmine && !seen; j++)
			seen = strcmp((*mine)[j], v[i].key) == 0;
		if (seen)
			continue;
		*mine = oc_xrealloc(*mine, (*nmine + 1) * sizeof **mine);
		(*mine)[(*nmine)++] = oc_xstrdup(v[i].key);
	}
	oc_dotenv_free(v, n);
	return 1;
}

int
oc_dotenv_load(const struct oc_ctx *ctx, struct oc_err *err)
{
	extern char **environ;
	char **before = NULL, **mine = NULL, *paths[2];
	const char *home = getenv("HOME");
	size_t nbefore = 0, nmine = 0, i;
	struct oc_err e2;
	int rc = 0;

	/* The names the process has now: none of them is overridden. */
	for (i = 0; environ != NULL && environ[i] != NULL; i++) {
		const char *eq = strchr(environ[i], '=');

		if (eq == NULL)
			continue;
		before = oc_xrealloc(before, (nbefore + 1) * sizeof *before);
		before[nbefore++] = oc_xstrndup(environ[i],
		    (size_t)(eq - environ[i]));
	}
	paths[0] = oc_xstrdup(ctx->paths.env_path);
	if (home == NULL || *home == '\0')
		home = ctx->paths.home;
	paths[1] = oc_xasprintf("%s/.config/openclaw/gateway.env", home);
	for (i = 0; i < 2; i++) {
		/* Keep loading after a bad file; report the first. */
		if (load_file(paths[i], before, nbefore, &mine, &nmine,
		    rc ? &e2 : err) == -1)
			rc = -1;
		free(paths[i]);
	}
	for (i = 0; i < nbefore; i++)
		free(before[i]);
	free(before);
	for (i = 0; i < nmine; i++)
		free(mine[i]);
	free(mine);
	return rc;
}

/* ---- writing ---- */

/* The value of the one entry "VAR=<q>" parses to, or NULL. Owned. */
static char *
parse_back_dup(const char *q)
{
	struct oc_dotenv_entry *v = NULL;
	struct oc_err err;
	char *line = oc_xasprintf("VAR=%s\n", q), *r = NULL;
	size_t n = 0;

	if (oc_dotenv_parse(line, strlen(line), &v, &n, &err) == 0 &&
	    n == 1 && strcmp(v[0].key, "VAR") == 0) {
		r = v[0].value;
		v[0].value = NULL;
	}
	oc_dotenv_free(v, n);
	oc_secret_free(line);
	return r;
}

/* The forms to try, plainest first: bare, then in each kind of quote
 * (double quotes turn a line break into \n). */
static char *
candidate(const char *v, int kind)
{
	struct oc_buf b = { 0 };
	const char *p;
	char *r;

	switch (kind) {
	case 0:
		return oc_xstrdup(v);
	case 1:
		return oc_xasprintf("'%s'", v);
	case 2:
		return oc_xasprintf("`%s`", v);
	case 3:
		if (strstr(v, "\\n") != NULL || strstr(v, "\\r") != NULL)
			return NULL;
		oc_buf_addc(&b, '"');
		for (p = v; *p; p++) {
			if (*p == '\n')
				oc_buf_adds(&b, "\\n");
			else if (*p == '\r')
				oc_buf_adds(&b, "\\r");
			else
				oc_buf_addc(&b, *p);
		}
		oc_buf_addc(&b, '"');
		r = oc_xstrdup(b.data);
		oc_buf_free(&b);
		return r;
	}
	return NULL;
}

char *
oc_dotenv_quote_dup(const char *v)
{
	int kind;

	/* Each form is kept only when dotenv's own rules read it back as v:
	 * the rules have corners (a U+2028 ends a bare value as a line
	 * break does; quotes are stripped per line), and a parse settles
	 * them all. */
	for (kind = 0; kind < 4; kind++) {
		char *q = candidate(v, kind), *back;
		int same;

		if (q == NULL)
			continue;
		back = parse_back_dup(q);
		same = back != NULL && strcmp(back, v) == 0;
		oc_secret_free(back);
		if (same)
			return q;
		oc_secret_free(q);
	}
	return NULL;
}

/* The value dotenv loads for each name of a text (the last entry wins),
 * sorted by name, for comparing two versions of a file. */
struct envmap {
	struct oc_dotenv_entry *v;
	size_t n;
};

static int
entry_cmp(const void *a, const void *b)
{
	const struct oc_dotenv_entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	/* the later entry first, so the first of each name is the winner */
	if (c == 0)
		return x->start < y->start ? 1 : x->start > y->start ? -1 : 0;
	return c;
}

static int
envmap_load(struct envmap *m, const char *text, size_t len,
    struct oc_err *err)
{
	size_t i, k;

	if (oc_dotenv_parse(text, len, &m->v, &m->n, err) == -1)
		return -1;
	if (m->n == 0)		/* qsort's base must not be NULL */
		return 0;
	qsort(m->v, m->n, sizeof *m->v, entry_cmp);
	/* keep the winner of each name */
	for (i = k = 0; i < m->n; i++) {
		if (k > 0 && strcmp(m->v[k - 1].key, m->v[i].key) == 0) {
			free(m->v[i].key);
			oc_secret_free(m->v[i].value);
			continue;
		}
		m->v[k++] = m->v[i];
	}
	m->n = k;
	return 0;
}

/* The new text loads as the old one did, but for var, which has value. */
static int
reads_back(const struct envmap *old, const struct envmap *new,
    const char *var, const char *value)
{
	size_t i = 0, j = 0;

	while (i < old->n || j < new->n) {
		int c;

		if (i < old->n && strcmp(old->v[i].key, var) == 0) {
			i++;
			continue;
		}
		if (j < new->n && strcmp(new->v[j].key, var) == 0) {
			if (strcmp(new->v[j].value, value) != 0)
				return 0;
			j++;
			continue;
		}
		if (i >= old->n || j >= new->n)
			return 0;
		c = strcmp(old->v[i].key, new->v[j].key);
		if (c != 0 || strcmp(old->v[i].value, new->v[j].value) != 0)
			return 0;
		i++;
		j++;
	}
	/* and var is there */
	for (j = 0; j < new->n; j++)
		if (strcmp(new->v[j].key, var) == 0)
			return 1;
	return 0;
}

int
oc_dotenv_set(const char *path, const char *var, const char *value, int wait_ms,
    int *replaced, struct oc_err *err)
{
	struct oc_lock lock;
	struct oc_dotenv_entry *v = NULL;
	struct envmap before = { NULL, 0 }, after = { NULL, 0 };
	struct oc_buf out = { 0 };
	char *lockpath = NULL, *text = NULL, *q = NULL, *dir = NULL;
	size_t len = 0, n = 0, i, at;
	int r, rc = -1, done = 0;

	if (replaced != NULL)
		*replaced = 0;
	if ((q = oc_dotenv_quote_dup(value)) == NULL) {
		oc_err_set(err, OC_EX_DATAERR,
		    "the value for %s cannot be written in dotenv syntax", var);
		return -1;
	}
	/* A symlinked .env (dotfiles) is updated where it points, as every
	 * file the tools write (file.c); the lock stays beside the path. */
	dir = oc_file_dirname_dup(path);
	if (oc_file_mkdirs(dir, 0700, err) == -1)
		goto out;
	lockpath = oc_xasprintf("%s.lock", path);
	if (oc_lock_acquire(&lock, lockpath, wait_ms, err) == -1)
		goto out;
	r = read_env_file(path, &text, &len, err);
	if (r == -1)
		goto unlock;
	if (r == 0) {
		text = oc_xstrdup("");
		len = 0;
	}
	if (oc_dotenv_parse(text, len, &v, &n, err) == -1) {
		err_prefix(err, path, "; not rewritten");
		goto unlock;
	}
	at = 0;
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].key, var) != 0)
			continue;
		oc_buf_add(&out, text + at, v[i].start - at);
		if (!done) {
			oc_buf_addf(&out, "%s%s=%s", v[i].exported ? "export " :
			    "", var, q);
			done = 1;
			at = v[i].end;
		} else {
			/* A later duplicate would win on load: drop it with
			 * its line break. */
			at = v[i].end;
			if (at < len && text[at] == '\r')
				at++;
			if (at < len && text[at] == '\n')
				at++;
		}
	}
	oc_buf_add(&out, text + at, len - at);
	if (!done) {
		if (out.len > 0 && out.data[out.len - 1] != '\n')
			oc_buf_addc(&out, '\n');
		oc_buf_addf(&out, "%s=%s\n", var, q);
	}
	/* The file must load, by the same rules, as it did but for var,
	 * which must hold value: an unterminated quote or a "NAME:" line
	 * earlier in the file could take the new line in. */
	if (envmap_load(&before, text, len, err) == -1 ||
	    envmap_load(&after, out.data ? out.data : "", out.len, err) == -1)
		goto unlock;
	if (!reads_back(&before, &after, var, value)) {
		oc_err_set(err, OC_EX_DATAERR, "%s: a line for %s would not "
		    "read back as written (a line before it, such as an "
		    "unterminated quote or \"NAME:\" with nothing after it, "
		    "would take it in); nothing was changed: fix the file, or "
		    "set %s by hand", path, var, var);
		goto unlock;
	}
	if (replaced != NULL)
		*replaced = done;
	if (oc_file_write_atomic(path, out.data ? out.data : "", out.len, 0600,
	    &lock, err) == -1)
		goto unlock;
	rc = 0;
unlock:
	oc_lock_release(&lock);
out:
	oc_dotenv_free(v, n);
	oc_dotenv_free(before.v, before.n);
	oc_dotenv_free(after.v, after.n);
	oc_buf_free(&out);
	if (text != NULL) {
		oc_secret_wipe(text, len);
		free(text);
	}
	oc_secret_free(q);
	free(lockpath);
	free(dir);
	return rc;
}
