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

#define JSCAN_DEPTH_MAX 512

struct chk {
	const char *s, *p, *end;
	const char *what;	/* the error, when p stopped */
};

static void
ws(struct chk *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
	    *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int
chk_string(struct chk *c)
{
	c->p++;			/* the opening quote */
	for (;;) {
		const char *q = c->p;

		/* the common run of plain bytes */
		while (q < c->end && *q != '"' && *q != '\\' &&
		    (unsigned char)*q >= 0x20)
			q++;
		c->p = q;
		if (q >= c->end) {
			c->what = "unterminated string";
			return -1;
		}
		if (*q == '"') {
			c->p++;
			return 0;
		}
		if ((unsigned char)*q < 0x20) {
			c->what = "control character in a string";
			return -1;
		}
		/* a backslash */
		if (q + 1 >= c->end) {
			c->what = "unterminated string";
			return -1;
		}
		switch (q[1]) {
		case '"': case '\\': case '/': case 'b': case 'f':
		case 'n': case 'r': case 't':
			c->p = q + 2;
			break;
		case 'u':
			if (q + 6 > c->end || hexval(q[2]) < 0 ||
			    hexval(q[3]) < 0 || hexval(q[4]) < 0 ||
			    hexval(q[5]) < 0) {
				c->p = q;
				c->what = "invalid \\u escape";
				return -1;
			}
			c->p = q + 6;
			break;
		default:
			c->p = q;
			c->what = "invalid escape in a string";
			return -1;
		}
	}
}

static int
digits(struct chk *c)
{
	const char *q = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	return c->p > q ? 0 : -1;
}

static int
chk_number(struct chk *c)
{
	if (c->p < c->end && *c->p == '-')
		c->p++;
	if (c->p < c->end && *c->p == '0')
		c->p++;
	else if (digits(c) == -1)
		goto bad;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (digits(c) == -1)
			goto bad;
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (digits(c) == -1)
			goto bad;
	}
	return 0;
bad:
	c->what = "invalid number";
	return -1;
}

static int
chk_word(struct chk *c, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0) {
		c->what = "unexpected character";
		return -1;
	}
	c->p += n;
	return 0;
}

static int
chk_value(struct chk *c, int depth)
{
	ws(c);
	if (c->p >= c->end) {
		c->what = "unexpected end of input";
		return -1;
	}
	if (depth > JSCAN_DEPTH_MAX) {
		c->what = "nested too deeply";
		return -1;
	}
	switch (*c->p) {
	case '"':
		return chk_string(c);
	case 't':
		return chk_word(c, "true");
	case 'f':
		return chk_word(c, "false");
	case 'n':
		return chk_word(c, "null");
	case '{':
		c->p++;
		ws(c);
		if (c->p < c->end && *c->p == '}') {
			c->p++;
			return 0;
		}
		for (;;) {
			ws(c);
			if (c->p >= c->end || *c->p != '"') {
				c->what = c->p >= c->end ?
				    "unexpected end of input" :
				    "expected a string key";
				return -1;
			}
			if (chk_string(c) == -1)
				return -1;
			ws(c);
			if (c->p >= c->end || *c->p != ':') {
				c->what = c->p >= c->end ?
				    "unexpected end of input" : "expected ':'";
				return -1;
			}
			c->p++;
			if (chk_value(c, depth + 1) == -1)
				return -1;
			ws(c);
			if (c->p < c->end && *c->p == ',') {
				c->p++;
				continue;
			}
			if (c->p < c->end && *c->p == '}') {
				c->p++;
				return 0;
			}
			c->what = c->p >= c->end ? "unexpected end of input" :
			    "expected ',' or '}'";
			return -1;
		}
	case '[':
		c->p++;
		ws(c);
		if (c->p < c->end && *c->p == ']') {
			c->p++;
			return 0;
		}
		for (;;) {
			if (chk_value(c, depth + 1) == -1)
				return -1;
			ws(c);
			if (c->p < c->end && *c->p == ',') {
				c->p++;
				continue;
			}
			if (c->p < c->end && *c->p == ']') {
				c->p++;
				return 0;
			}
			c->what = c->p >= c->end ? "unexpected end of input" :
			    "expected ',' or ']'";
			return -1;
		}
	default:
		if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9'))
			return chk_number(c);
		c->what = "unexpected character";
		return -1;
	}
}

int
oc_jscan_check(const char *name, const char *text, size_t len,
    struct oc_jval *root, struct oc_err *err)
{
	struct chk c = { text, text, text + len, NULL };
	const char *start;
	size_t i;
	int line = 1, col = 1;

	ws(&c);
	start = c.p;
	if (chk_value(&c, 0) == 0) {
		root->p = start;
		root->n = (size_t)(c.p - start);
		ws(&c);
		if (c.p == c.end)
			return 0;
		c.what = "unexpected data after the document";
	}
	for (i = 0; text + i < c.p && i < len; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else
			col++;
	}
	oc_err_set(err, OC_EX_DATAERR, "%s: invalid JSON at line %d, column "
	    "%d: %s", name, line, col, c.what);
	return -1;
}

/* ---- walking a checked text ---- */

enum oc_jtype
oc_jval_type(struct oc_jval v)
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
oc_jiter_init(struct oc_jiter *it, struct oc_jval v)
{
	it->end = v.p + v.n;
	it->p = v.p != NULL && v.n > 0 && (*v.p == '{' || *v.p == '[') ?
	    v.p + 1 : it->end;
}

/* The next member of an object (key and value) or element of an array
 * (key.p NULL); 0 at the end. */
int
oc_jiter_next(struct oc_jiter *it, struct oc_jval *key, struct oc_jval *val)
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

/* Decode a string span (with its quotes) into buf; returns the length. */
static size_t
decode(struct oc_jval s, char *buf)
{
	const char *p = s.p + 1, *end = s.p + s.n - 1;
	char *w = buf;

	while (p < end) {
		unsigned long cp;

		if (*p != '\\') {
			*w++ = *p++;
			continue;
		}
		switch (p[1]) {
		case 'b': *w++ = '\b'; p += 2; continue;
		case 'f': *w++ = '\f'; p += 2; continue;
		case 'n': *w++ = '\n'; p += 2; continue;
		case 'r': *w++ = '\r'; p += 2; continue;
		case 't': *w++ = '\t'; p += 2; continue;
		case 'u': break;
		default: *w++ = p[1]; p += 2; continue;
		}
		cp = (unsigned long)(hexval(p[2]) << 12 | hexval(p[3]) << 8 |
		    hexval(p[4]) << 4 | hexval(p[5]));
		p += 6;
		if (cp >= 0xd800 && cp < 0xdc00 && p + 6 <= end &&
		    p[0] == '\\' && p[1] == 'u') {
			unsigned long lo = (unsigned long)(hexval(p[2]) << 12 |
			    hexval(p[3]) << 8 | hexval(p[4]) << 4 |
			    hexval(p[5]));

			if (lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				p += 6;
			}
		}
		if (cp >= 0xd800 && cp < 0xe000)
			cp = 0xfffd;	/* a lone surrogate, as JS shows it */
		if (cp < 0x80)
			*w++ = (char)cp;
		else if (cp < 0x800) {
			*w++ = (char)(0xc0 | cp >> 6);
			*w++ = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			*w++ = (char)(0xe0 | cp >> 12);
			*w++ = (char)(0x80 | (cp >> 6 & 0x3f));
			*w++ = (char)(0x80 | (cp & 0x3f));
		} else {
			*w++ = (char)(0xf0 | cp >> 18);
			*w++ = (char)(0x80 | (cp >> 12 & 0x3f));
			*w++ = (char)(0x80 | (cp >> 6 & 0x3f));
			*w++ = (char)(0x80 | (cp & 0x3f));
		}
	}
	*w = '\0';
	return (size_t)(w - buf);
}

char *
oc_jstr_dup(struct oc_jval s)
{
	char *buf;

	if (oc_jval_type(s) != OC_JT_STRING)
		return NULL;
	/* decoding never grows a string: \uXXXX (6) is at most 4 bytes */
	buf = oc_xmalloc(s.n);
	decode(s, buf);
	return buf;
}

int
oc_jstr_eq(struct oc_jval s, const char *want)
{
	size_t n = strlen(want);
	char small[64], *buf;
	int r;

	if (oc_jval_type(s) != OC_JT_STRING)
		return 0;
	/* the usual case: no escapes, compare in place */
	if (memchr(s.p, '\\', s.n) == NULL)
		return s.n == n + 2 && memcmp(s.p + 1, want, n) == 0;
	buf = s.n <= sizeof small ? small : oc_xmalloc(s.n);
	r = decode(s, buf) == n && memcmp(buf, want, n) == 0;
	if (buf != small)
		free(buf);
	return r;
}

int
oc_jnum(struct oc_jval v, double *d)
{
	char small[64], *buf, *end;

	if (oc_jval_type(v) != OC_JT_NUMBER)
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
oc_jobj_get(struct oc_jval obj, const char *key, struct oc_jval *val)
{
	struct oc_jiter it;
	struct oc_jval k, v;
	int found = 0;

	if (oc_jval_type(obj) != OC_JT_OBJECT)
		return 0;
	/* the last of duplicate keys wins, as in JSON.parse */
	oc_jiter_init(&it, obj);
	while (oc_jiter_next(&it, &k, &v))
		if (oc_jstr_eq(k, key)) {
			*val = v;
			found = 1;
		}
	return found;
}
