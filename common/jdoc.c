/* SPDX-License-Identifier: ISC */
/*
 * jdoc.c - a stored JSON document changed member by member. The store
 * backends hold a document as its text; a change replaces, adds or removes
 * members of objects (a profile in "profiles", a routing map), and every
 * byte the change does not touch is copied as it was: members the tools do
 * not understand, keys with escapes OpenClaw keeps (\u0000, lone
 * surrogates), numbers JavaScript could not hold, and the file's layout.
 *
 * Only an object that holds a change is written anew, in the layout the
 * document uses (JSON.stringify's with the document's indent, or compact),
 * with JSON.parse's reading of duplicate keys: the member keeps the place
 * of its first occurrence and the value of its last.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "oc.h"

struct style {
	int indent;		/* spaces per level; 0: compact */
};

struct member {
	struct oc_jval key, val;
	char *name;		/* decoded key */
	size_t pos;		/* its place in the object */
	int skip;		/* a duplicate whose value is taken later */
	size_t last;		/* for the first of duplicates: the winner */
};

static int
cmp_member(const void *a, const void *b)
{
	const struct member *x = *(struct member *const *)a;
	const struct member *y = *(struct member *const *)b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void
indent_to(struct oc_buf *b, const struct style *st, int depth)
{
	int i;

	if (st->indent == 0)
		return;
	oc_buf_addc(b, '\n');
	for (i = 0; i < st->indent * depth; i++)
		oc_buf_addc(b, ' ');
}

/* The edits that reach below path[0..level): those whose path starts with
 * it. */
static int
under(const struct oc_jdoc_edit *e, int level, const char *const *path)
{
	int i;

	if (e->depth <= level)
		return 0;
	for (i = 0; i < level; i++)
		if (strcmp(e->path[i], path[i]) != 0)
			return 0;
	return 1;
}

static void emit(struct oc_buf *, struct oc_jval, const struct oc_jdoc_edit *,
    size_t, int, const char **, const struct style *);

/* One member's value: a change made at it, below it, or none. */
static void
emit_member_value(struct oc_buf *b, struct oc_jval v,
    const struct oc_jdoc_edit *ev, size_t n, int level, const char **path,
    const struct style *st)
{
	size_t i, deeper = 0;

	for (i = 0; i < n; i++)
		if (under(&ev[i], level, path))
			deeper++;
	if (deeper > 0)
		emit(b, v, ev, n, level, path, st);
	else if (v.p != NULL)
		oc_buf_add(b, v.p, v.n);
	else
		oc_buf_adds(b, "{}");
}

/* The change that replaces or removes path[0..level) itself, if any. */
static const struct oc_jdoc_edit *
edit_at(const struct oc_jdoc_edit *ev, size_t n, int level,
    const char *const *path)
{
	const struct oc_jdoc_edit *at = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (ev[i].depth == level && under(&ev[i], level - 1, path) &&
		    strcmp(ev[i].path[level - 1], path[level - 1]) == 0)
			at = &ev[i];
	return at;
}

static void
open_member(struct oc_buf *b, int *first, const struct style *st, int depth)
{
	if (!*first)
		oc_buf_addc(b, ',');
	*first = 0;
	indent_to(b, st, depth + 1);
}

/*
 * v (an object, or absent) at path[0..level) with the changes below it:
 * its members in order, each written as it was unless a change reaches it,
 * then the members the changes add.
 */
static void
emit(struct oc_buf *b, struct oc_jval v, const struct oc_jdoc_edit *ev,
    size_t n, int level, const char **path, const struct style *st)
{
	struct member *m = NULL, **byname = NULL;
	struct oc_jiter it;
	struct oc_jval k, val;
	size_t nm = 0, cap = 0, i, j;
	int first = 1, depth = level;

	if (v.p != NULL && oc_jscan_type(v) != OC_JT_OBJECT) {
		/* A change below something that is not an object: it
		 * becomes one, as OpenClaw's own writer would make it. */
		v.p = NULL;
		v.n = 0;
	}
	if (v.p != NULL) {
		oc_jscan_iter_init(&it, v);
		while (oc_jscan_iter_next(&it, &k, &val)) {
			if (nm == cap) {
				cap = cap ? cap * 2 : 16;
				m = oc_xrealloc(m, cap * sizeof *m);
			}
			m[nm].key = k;
			m[nm].val = val;
			m[nm].name = oc_jscan_str_dup(k);
			m[nm].pos = nm;
			m[nm].skip = 0;
			m[nm].last = nm;
			nm++;
		}
		/* Duplicate keys: the first place, the last value. */
		byname = oc_xcalloc(nm ? nm : 1, sizeof *byname);
		for (i = 0; i < nm; i++)
			byname[i] = &m[i];
		if (nm > 1)
			qsort(byname, nm, sizeof *byname, cmp_member);
		for (i = 0; i < nm; i = j) {
			for (j = i + 1; j < nm && strcmp(byname[j]->name,
			    byname[i]->name) == 0; j++)
				byname[j]->skip = 1;
			byname[i]->last = byname[j - 1]->pos;
		}
	}
	oc_buf_addc(b, '{');
	for (i = 0; i < nm; i++) {
		const struct oc_jdoc_edit *at;
		struct oc_jval mv;

		if (m[i].skip)
			continue;
		path[level] = m[i].name;
		at = edit_at(ev, n, level + 1, path);
		mv = m[m[i].last].val;
		if (at != NULL && at->value == NULL)
			continue;	/* removed */
		open_member(b, &first, st, depth);
		oc_buf_add(b, m[i].key.p, m[i].key.n);
		oc_buf_adds(b, st->indent ? ": " : ":");
		/* A member replaced whole carries no changes below it (the
		 * store makes changes at one level per member). */
		if (at != NULL)
			oc_json_dump_at(b, at->value, st->indent, depth + 1);
		else
			emit_member_value(b, mv, ev, n, level + 1, path, st);
	}
	/* Members the changes add, in the order first asked for. */
	for (i = 0; i < n; i++) {
		const struct oc_jdoc_edit *e = &ev[i], *at;
		int present = 0;

		if (!under(e, level, (const char *const *)path))
			continue;
		for (j = 0; j < nm && !present; j++)
			present = !m[j].skip && strcmp(m[j].name,
			    e->path[level]) == 0;
		/* an earlier edit for the same member was already written */
		for (j = 0; j < i && !present; j++)
			present = under(&ev[j], level,
			    (const char *const *)path) &&
			    strcmp(ev[j].path[level], e->path[level]) == 0;
		if (present)
			continue;
		path[level] = e->path[level];
		at = edit_at(ev, n, level + 1, path);
		if (at != NULL && at->value == NULL)
			continue;
		if (at == NULL && e->value == NULL)
			continue;	/* removing below what is not there */
		open_member(b, &first, st, depth);
		oc_json_write_string(b, e->path[level], strlen(e->path[level]));
		oc_buf_adds(b, st->indent ? ": " : ":");
		if (at != NULL)
			oc_json_dump_at(b, at->value, st->indent, depth + 1);
		else {
			struct oc_jval none = { NULL, 0 };

			emit(b, none, ev, n, level + 1, path, st);
		}
	}
	if (!first)
		indent_to(b, st, depth);
	oc_buf_addc(b, '}');
	for (i = 0; i < nm; i++)
		free(m[i].name);
	free(m);
	free(byname);
}

/* The document's layout: the indent before its first member, or compact
 * when the first member follows "{" on the same line. */
static void
detect_style(struct oc_jval root, int default_indent, struct style *st)
{
	const char *p = root.p + 1, *end = root.p + root.n, *nl = NULL;

	st->indent = default_indent;
	for (; p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'); p++)
		if (*p == '\n')
			nl = p;
	if (p >= end || *p == '}')
		return;		/* empty: the default */
	if (nl == NULL) {
		st->indent = 0;
		return;
	}
	st->indent = (int)(p - nl - 1);
	if (st->indent <= 0 || st->indent > 16)
		st->indent = default_indent ? default_indent : 2;
}

char *
oc_jdoc_apply(const char *text, size_t len, struct oc_jval root,
    const struct oc_jdoc_edit *ev, size_t n, int default_indent,
    size_t *outlen)
{
	struct oc_buf b = { 0 };
	struct style st;
	const char *path[OC_JDOC_MAXDEPTH + 1];
	size_t i;

	for (i = 0; i < n; i++)
		if (ev[i].depth < 1 || ev[i].depth > OC_JDOC_MAXDEPTH)
			return NULL;
	if (text == NULL || root.p == NULL) {
		struct oc_jval none = { NULL, 0 };

		st.indent = default_indent;
		emit(&b, none, ev, n, 0, path, &st);
		if (default_indent)
			oc_buf_addc(&b, '\n');
	} else {
		detect_style(root, default_indent, &st);
		/* what precedes and follows the value stays */
		oc_buf_add(&b, text, (size_t)(root.p - text));
		emit(&b, root, ev, n, 0, path, &st);
		oc_buf_add(&b, root.p + root.n,
		    len - (size_t)(root.p + root.n - text));
	}
	if (b.data == NULL)
		oc_buf_add(&b, "", 0);
	*outlen = b.len;
	return b.data;
}
