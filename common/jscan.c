/* SPDX-License-Identifier: ISC */
/*
 * jscan.c - read a large JSON document without building a tree.
 *
 * oc-check runs from timers and monitoring many times an hour, and a store
 * with 10,000 profiles is 2 MB of JSON that json-c turns into ~15 MB of
 * objects and 40 ms of allocation. oc-check only reads, so it checks the
 * text once (strict JSON as JSON.parse accepts it, with the line and
 * column of the first error) and then walks spans of that text: an object
 * member is a key span and a value span, decoded only when looked at.
 *
 * Every function but oc_jscan_check assumes a text that passed it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "oc.h"

int
oc_jscan_check(const char *name, const char *text, size_t len,
    struct oc_jval *root, struct oc_err *err)
{
	size_t start, n;

	/* The one strict parser (json.c), without building a tree: its
	 * verdict, and so JSON.parse's, is every command's. */
	if (oc_json_check(name, text, len, &start, &n, err) == -1)
		return -1;
	root->p = text + start;
	root->n = n;
	return 0;
}

/* ---- walking a checked text ---- */

enum oc_jtype
oc_jscan_type(struct oc_jval v)
{
	if (v.p == NULL || v.n == 0)
		return OC_JT_NONE;
	switch (*v.p) {
	case '{':
		return OC_JT_OBJECT;
	case '[':
		return OC_JT_ARRAY;
	case '"':
		return OC_JT_STRING;
	case 't':
	case 'f':
		return OC_JT_BOOL;
	case 'n':
		return OC_JT_NULL;
	default:
		return OC_JT_NUMBER;
	}
}

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

static const char *
skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		const char *b;
		size_t bs = 0;

		if (q == NULL)
			return end;
		/* a quote preceded by an odd run of backslashes is escaped */
		for (b = q; b > p && b[-1] == '\\'; b--)
			bs++;
		if (bs % 2 == 0)
			return q + 1;
		p = q;
	}
	return end;
}

/* The end of the value at p (checked text). */
static const char *
skip_value(const char *p, const char *end)
{
	int depth = 0;

	if (*p == '"')
		return skip_string(p, end);
	if (*p != '{' && *p != '[') {
		while (p < end && *p != ',' && *p != '}' && *p != ']' &&
		    *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		return p;
	}
	while (p < end) {
		switch (*p) {
		case '"':
			p = skip_string(p, end);
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return p + 1;
			break;
		}
		p++;
	}
	return end;
}

void
oc_jscan_iter_init(struct oc_jiter *it, struct oc_jval v)
{
	it->end = v.p + v.n;
	it->p = v.p != NULL && v.n > 0 && (*v.p == '{' || *v.p == '[') ?
	    v.p + 1 : it->end;
}

/* The next member of an object (key and value) or element of an array
 * (key.p NULL); 0 at the end. */
int
oc_jscan_iter_next(struct oc_jiter *it, struct oc_jval *key,
    struct oc_jval *val)
{
	const char *p = skip_ws(it->p, it->end), *e;

	if (p < it->end && *p == ',')
		p = skip_ws(p + 1, it->end);
	if (p >= it->end || *p == '}' || *p == ']') {
		it->p = it->end;
		return 0;
	}
	key->p = NULL;
	key->n = 0;
	if (*p == '"') {
		e = skip_string(p, it->end);
		/* a string followed by ':' is a key */
		if (skip_ws(e, it->end) < it->end &&
		    *skip_ws(e, it->end) == ':') {
			key->p = p;
			key->n = (size_t)(e - p);
			p = skip_ws(skip_ws(e, it->end) + 1, it->end);
		}
	}
	e = skip_value(p, it->end);
	val->p = p;
	val->n = (size_t)(e - p);
	it->p = e;
	return 1;
}

/* A string span that decodes to its own bytes: no escape, and ASCII only
 * (the decoder in json.c rewrites bytes that are not UTF-8; text that is
 * not ASCII is rare here and takes the slow path). */
static int
plain(struct oc_jval s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i;

	for (i = 0; i < s.n; i++)
		if (p[i] == '\\' || p[i] >= 0x80)
			return 0;
	return 1;
}

char *
oc_jscan_str_dup(struct oc_jval s)
{
	char *buf;

	if (oc_jscan_type(s) != OC_JT_STRING)
		return NULL;
	/* the usual case: the bytes between the quotes, in a block of their
	 * size (the decoder's worst case, 3 bytes a byte, made every string
	 * of a 10,000-profile store three times its length) */
	if (plain(s)) {
		buf = oc_xmalloc(s.n - 1);
		memcpy(buf, s.p + 1, s.n - 2);
		buf[s.n - 2] = '\0';
		return buf;
	}
	buf = oc_xmalloc(3 * s.n + 1);
	oc_json_unquote(s.p, s.n, buf);
	return buf;
}

int
oc_jscan_str_eq(struct oc_jval s, const char *want)
{
	size_t n = strlen(want);
	char small[64], *buf;
	int r;

	if (oc_jscan_type(s) != OC_JT_STRING)
		return 0;
	/* the usual case: nothing to decode, compare in place */
	if (plain(s))
		return s.n == n + 2 && memcmp(s.p + 1, want, n) == 0;
	buf = 3 * s.n + 1 <= sizeof small ? small : oc_xmalloc(3 * s.n + 1);
	r = oc_json_unquote(s.p, s.n, buf) == n && memcmp(buf, want, n) == 0;
	if (buf != small)
		free(buf);
	return r;
}

int
oc_jscan_num(struct oc_jval v, double *d)
{
	char small[64], *buf, *end;

	if (oc_jscan_type(v) != OC_JT_NUMBER)
		return 0;
	buf = v.n < sizeof small ? small : oc_xmalloc(v.n + 1);
	memcpy(buf, v.p, v.n);
	buf[v.n] = '\0';
	*d = strtod(buf, &end);
	if (buf != small)
		free(buf);
	return 1;
}

int
oc_jscan_get(struct oc_jval obj, const char *key, struct oc_jval *val)
{
	struct oc_jiter it;
	struct oc_jval k, v;
	int found = 0;

	if (oc_jscan_type(obj) != OC_JT_OBJECT)
		return 0;
	/* the last of duplicate keys wins, as in JSON.parse */
	oc_jscan_iter_init(&it, obj);
	while (oc_jscan_iter_next(&it, &k, &v))
		if (oc_jscan_str_eq(k, key)) {
			*val = v;
			found = 1;
		}
	return found;
}
