/* SPDX-License-Identifier: ISC */
/*
 * json.c - the one JSON reader and the one JSON writer of oc-tools.
 *
 * Reading: a strict parser whose verdict is JSON.parse's (the stores, the
 * other CLIs' files, token answers, the helper protocol; oc-check's scanner
 * uses its check-only mode), and a JSON5 parser for the config, which
 * OpenClaw reads with the json5 package. Both are one loop over an explicit
 * stack, so nesting is bounded by memory, as in JSON.parse, and both name
 * the line and column of the first error.
 *
 * Fidelity (oc(7) SAFETY: every key we do not understand survives): strings
 * keep their bytes; numbers keep their source text and are written back
 * digit for digit; U+0000 and lone surrogates, which a json-c key (a C
 * string) cannot hold, are kept in an internal form (oc.h); a duplicate key
 * keeps its first place and its last value, as JSON.parse does.
 *
 * Writing: oc_json_dump prints what JSON.stringify(v, null, indent) prints,
 * and oc_json_write_string is the suite's one string escaper.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json_object_iterator.h>

#include "oc.h"

/* Containers nested deeper than this are written on one line: indenting a
 * line at depth d costs 2d bytes, so a deep file would grow by a factor of
 * its depth on every rewrite (JSON.stringify itself gives up past a few
 * thousand levels). Nothing OpenClaw writes comes near it. */
#define DUMP_INDENT_DEPTH 32

static json_object *
must(json_object *o)
{
	if (o == NULL)
		oc_err_oom();
	return o;
}

/* ---- the internal form of text ---- */

/* Append code point cp (a surrogate stands alone: WTF-8). */
static void
put_cp(struct oc_buf *b, unsigned long cp)
{
	char u[4];

	if (cp == 0) {
		oc_buf_add(b, "\xc0\x80", 2);
	} else if (cp < 0x80) {
		oc_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		oc_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		oc_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		oc_buf_add(b, u, 4);
	}
}

/* The length of an internal form at p (C0 80, or a surrogate ED A0-BF
 * 80-BF), 0 if none. */
static size_t
special_len(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0xc0 && p[1] == 0x80)
		return 2;
	if (n >= 3 && p[0] == 0xed && p[1] >= 0xa0 && p[1] <= 0xbf &&
	    p[2] >= 0x80 && p[2] <= 0xbf)
		return 3;
	return 0;
}

static size_t utf8_at(const unsigned char *, const unsigned char *,
    unsigned long *);

/* The bytes at p that are not UTF-8 and that a decoder reads as one
 * U+FFFD (the WHATWG Encoding Standard's maximal subpart, as Node reads a
 * file): a lead byte and the continuation bytes it allows, up to the first
 * that does not fit. Only for bytes that do not begin a valid sequence. */
static size_t
bad_len(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 1;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 2;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 3;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	} else
		return 1;
	for (i = 1; i <= need && i < n; i++) {
		if (p[i] < lo || p[i] > hi)
			break;
		lo = 0x80;
		hi = 0xbf;
	}
	return i;
}

/* The text of a string as Node reads it from a file: valid UTF-8 as it
 * is, a NUL (JSON5 allows one) as C0 80, and each run of bytes that is not
 * UTF-8 as one U+FFFD (bad_len). So no stored string holds bytes that
 * could spell an internal form (C0 80, or a surrogate ED A0-BF 80-BF) that
 * the file never spelled, also where two pieces of a string (around an
 * escape or a line continuation) meet. */
static void
put_raw(struct oc_buf *b, const unsigned char *p, size_t n)
{
	size_t i = 0, run = 0, k;
	unsigned long cp;

	while (i < n) {
		if (p[i] == 0) {
			oc_buf_add(b, p + run, i - run);
			oc_buf_add(b, "\xc0\x80", 2);
			run = ++i;
		} else if (p[i] < 0x80)
			i++;
		else if ((k = utf8_at(p + i, p + n, &cp)) != 0)
			i += k;
		else {
			oc_buf_add(b, p + run, i - run);
			oc_buf_add(b, "\xef\xbf\xbd", 3);
			i += bad_len(p + i, n - i);
			run = i;
		}
	}
	oc_buf_add(b, p + run, n - run);
}

/* One UTF-16 code unit from an escape; a high surrogate waits in *hi for
 * the low one that may follow, as in a JavaScript string. */
static void
put_unit(struct oc_buf *b, unsigned long *hi, unsigned long cu)
{
	if (*hi != 0 && cu >= 0xdc00 && cu < 0xe000) {
		put_cp(b, 0x10000 + ((*hi - 0xd800) << 10) + (cu - 0xdc00));
		*hi = 0;
		return;
	}
	if (*hi != 0)
		put_cp(b, *hi);
	*hi = 0;
	if (cu >= 0xd800 && cu < 0xdc00)
		*hi = cu;
	else
		put_cp(b, cu);
}

static void
flush_unit(struct oc_buf *b, unsigned long *hi)
{
	if (*hi != 0)
		put_cp(b, *hi);
	*hi = 0;
}

/* A valid UTF-8 sequence at p: its length and code point, 0 if none. */
static size_t
utf8_at(const unsigned char *p, const unsigned char *end, unsigned long *cp)
{
	size_t n, i;
	unsigned long c, min;

	if (p >= end)
		return 0;
	if (*p < 0x80) {
		*cp = *p;
		return 1;
	}
	if (*p >= 0xc2 && *p <= 0xdf) {
		n = 2;
		c = *p & 0x1f;
		min = 0x80;
	} else if (*p >= 0xe0 && *p <= 0xef) {
		n = 3;
		c = *p & 0x0f;
		min = 0x800;
	} else if (*p >= 0xf0 && *p <= 0xf4) {
		n = 4;
		c = *p & 0x07;
		min = 0x10000;
	} else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
		return 0;
	*cp = c;
	return n;
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

/* n hex digits at p (bounded by end) as a number, -1 when they are not. */
static long
hexn(const unsigned char *p, const unsigned char *end, int n)
{
	long v = 0;
	int i;

	if (end - p < n)
		return -1;
	for (i = 0; i < n; i++) {
		int h = hexval(p[i]);

		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

/* ---- reading ---- */

struct jframe {
	json_object *o;
	int obj;
};

struct jp {
	const char *name;
	const unsigned char *s, *p, *end;
	int json5;		/* the config's grammar */
	int build;		/* make a tree (else only check) */
	const char *what;	/* the error */
	const unsigned char *at;	/* and where it is */
	struct oc_buf str;	/* a decoded string value */
	struct oc_buf key;	/* the key the next value goes under */
	struct jframe *st;
	size_t nst, cap;
	json_object *root;
	const unsigned char *vstart, *vend;	/* the document's value */
};

static int
fail(struct jp *j, const unsigned char *at, const char *what)
{
	j->at = at;
	j->what = what;
	return -1;
}

/* JavaScript white space (\s) at p, with end bounding the look-ahead. */
static size_t
js_space(const unsigned char *p, const unsigned char *end)
{
	char c[4] = { 0 };
	size_t n = (size_t)(end - p) < 3 ? (size_t)(end - p) : 3;

	memcpy(c, p, n);
	return oc_text_js_space_len(c);
}

/* A JavaScript line terminator at p (LF, CR, U+2028, U+2029). */
static size_t
js_lt(const unsigned char *p, const unsigned char *end)
{
	if (p >= end)
		return 0;
	if (*p == '\n' || *p == '\r')
		return 1;
	if (end - p >= 3 && p[0] == 0xe2 && p[1] == 0x80 &&
	    (p[2] == 0xa8 || p[2] == 0xa9))
		return 3;
	return 0;
}

/* White space; in JSON5 also every JavaScript white space and comments. */
static int
skip_ws(struct jp *j)
{
	for (;;) {
		const unsigned char *p = j->p, *end = j->end;
		size_t n;

		while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' ||
		    *p == '\t'))
			p++;
		j->p = p;
		if (!j->json5 || p >= end)
			return 0;
		if (*p == '/' && p + 1 < end && p[1] == '/') {
			for (p += 2; p < end && js_lt(p, end) == 0; p++)
				;
			j->p = p;
			continue;
		}
		if (*p == '/' && p + 1 < end && p[1] == '*') {
			const unsigned char *q = p + 2;

			while (q + 1 < end && !(q[0] == '*' && q[1] == '/'))
				q++;
			if (q + 1 >= end)
				return fail(j, p, "unterminated comment");
			j->p = q + 2;
			continue;
		}
		if ((n = js_space(p, end)) == 0)
			return 0;
		j->p = p + n;
	}
}

/* The string whose opening quote is at j->p, decoded into out when the
 * parser builds. */
static int
parse_string(struct jp *j, struct oc_buf *out)
{
	const unsigned char *p = j->p, *end = j->end, *q;
	unsigned char quote = *p++;
	unsigned long hi = 0, cu;
	int build = j->build && out != NULL;
	long h;
	size_t n;

	if (build) {
		out->len = 0;
		if (out->data != NULL)
			out->data[0] = '\0';
	}
	for (;;) {
		q = p;
		if (!j->json5)
			while (q < end && *q != '"' && *q != '\\' && *q >= 0x20)
				q++;
		else
			while (q < end && *q != quote && *q != '\\' &&
			    *q != '\n' && *q != '\r')
				q++;
		if (q > p && build) {
			flush_unit(out, &hi);
			put_raw(out, p, (size_t)(q - p));
		}
		p = q;
		if (p >= end)
			return fail(j, p, "unterminated string");
		if (*p == quote) {
			if (build)
				flush_unit(out, &hi);
			j->p = p + 1;
			return 0;
		}
		if (*p != '\\')
			return fail(j, p, j->json5 ? "line break in a string" :
			    "control character in a string");
		if (p + 1 >= end)
			return fail(j, p, "unterminated string");
		cu = (unsigned long)-1;
		switch (p[1]) {
		case '"': case '\\': case '/':
			cu = p[1];
			break;
		case 'b': cu = '\b'; break;
		case 'f': cu = '\f'; break;
		case 'n': cu = '\n'; break;
		case 'r': cu = '\r'; break;
		case 't': cu = '\t'; break;
		case 'u':
			if ((h = hexn(p + 2, end, 4)) < 0)
				return fail(j, p, "invalid \\u escape");
			if (build)
				put_unit(out, &hi, (unsigned long)h);
			p += 6;
			continue;
		}
		if (cu != (unsigned long)-1) {
			if (build)
				put_unit(out, &hi, cu);
			p += 2;
			continue;
		}
		if (!j->json5)
			return fail(j, p, "invalid escape in a string");
		/* JSON5 (ECMAScript 5.1 string escapes) */
		switch (p[1]) {
		case 'v': cu = '\v'; break;
		case '\'': cu = '\''; break;
		case '0':
			if (p + 2 < end && p[2] >= '0' && p[2] <= '9')
				return fail(j, p + 2, "invalid escape in a string");
			cu = 0;
			break;
		case 'x':
			if ((h = hexn(p + 2, end, 2)) < 0)
				return fail(j, p, "invalid \\x escape");
			if (build)
				put_unit(out, &hi, (unsigned long)h);
			p += 4;
			continue;
		case '\r':
			/* a line continuation: nothing */
			p += p + 2 < end && p[2] == '\n' ? 3 : 2;
			continue;
		case '\n':
			p += 2;
			continue;
		}
		if (cu != (unsigned long)-1) {
			if (build)
				put_unit(out, &hi, cu);
			p += 2;
			continue;
		}
		if (p[1] >= '1' && p[1] <= '9')
			return fail(j, p + 1, "invalid escape in a string");
		if ((n = js_lt(p + 1, end)) == 3) {
			p += 1 + n;	/* U+2028, U+2029: a continuation */
			continue;
		}
		/* Any other character stands for itself. */
		if ((n = utf8_at(p + 1, end, &cu)) == 0)
			n = bad_len(p + 1, (size_t)(end - p - 1));
		if (build) {
			flush_unit(out, &hi);
			put_raw(out, p + 1, n);
		}
		p += 1 + n;
	}
}

/* An ECMAScript 5.1 IdentifierName (a JSON5 key), with \u escapes. */
static int
id_char(unsigned long cp, int first)
{
	if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	    cp == '$' || cp == '_')
		return 1;
	if (cp < 0x80)
		return !first && cp >= '0' && cp <= '9';
	return first ? oc_unicode_id_start(cp) : oc_unicode_id_part(cp);
}

static int
ident_start_at(const struct jp *j)
{
	unsigned long cp;

	if (j->p < j->end && *j->p == '\\')
		return 1;
	return utf8_at(j->p, j->end, &cp) != 0 && id_char(cp, 1);
}

static int
parse_ident(struct jp *j, struct oc_buf *out)
{
	const unsigned char *p = j->p, *end = j->end;
	int first = 1;

	if (j->build) {
		out->len = 0;
		if (out->data != NULL)
			out->data[0] = '\0';
	}
	for (;; first = 0) {
		unsigned long cp;
		size_t n;
		long h;

		if (p < end && *p == '\\') {
			if (p + 1 >= end || p[1] != 'u' ||
			    (h = hexn(p + 2, end, 4)) < 0)
				return fail(j, p, "invalid escape in a key");
			if (!id_char((unsigned long)h, first))
				return fail(j, p, "invalid character in a key");
			if (j->build)
				put_cp(out, (unsigned long)h);
			p += 6;
			continue;
		}
		n = utf8_at(p, end, &cp);
		if (n == 0 || !id_char(cp, first)) {
			if (first)
				return fail(j, p, "unexpected character");
			break;
		}
		if (j->build)
			oc_buf_add(out, p, n);
		p += n;
	}
	j->p = p;
	return 0;
}

/* A number from its JSON text: an integer json-c can hold stays one; any
 * other number keeps its text, which the writer prints. */
static json_object *
make_number(const char *t, size_t n, int is_int)
{
	char small[64], *buf = n < sizeof small ? small : oc_xmalloc(n + 1);
	json_object *o = NULL;

	memcpy(buf, t, n);
	buf[n] = '\0';
	if (is_int) {
		char *e;
		long long v;

		errno = 0;
		v = strtoll(buf, &e, 10);
		if (errno == 0 && *e == '\0') {
			o = must(json_object_new_int64(v));
			if (v == 0 && buf[0] == '-')	/* -0 */
				json_object_set_serializer(o,
				    json_object_userdata_to_json_string,
				    oc_xstrdup(buf), json_object_free_userdata);
		}
	}
	if (o == NULL)
		o = must(json_object_new_double_s(strtod(buf, NULL), buf));
	if (buf != small)
		free(buf);
	return o;
}

static int
digit(const unsigned char *p, const unsigned char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/* JSON: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
parse_number(struct jp *j, json_object **v)
{
	const unsigned char *p = j->p, *end = j->end, *start = p;
	int is_int = 1;

	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (digit(p, end))
		while (digit(p, end))
			p++;
	else
		return fail(j, p, "invalid number");
	if (p < end && *p == '.') {
		p++;
		if (!digit(p, end))
			return fail(j, p, "invalid number");
		while (digit(p, end))
			p++;
		is_int = 0;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!digit(p, end))
			return fail(j, p, "invalid number");
		while (digit(p, end))
			p++;
		is_int = 0;
	}
	j->p = p;
	if (j->build)
		*v = make_number((const char *)start, (size_t)(p - start),
		    is_int);
	return 0;
}

/* Hex digits (significant ones only, at most 256) as decimal text. */
static void
hex_to_dec(struct oc_buf *out, const unsigned char *h, size_t n)
{
	uint32_t limb[40];	/* base 1e9, least significant first */
	size_t nl = 1, i, k;

	limb[0] = 0;
	for (i = 0; i < n; i++) {
		uint64_t carry = (uint64_t)hexval(h[i]);

		for (k = 0; k < nl; k++) {
			uint64_t x = (uint64_t)limb[k] * 16 + carry;

			limb[k] = (uint32_t)(x % 1000000000u);
			carry = x / 1000000000u;
		}
		if (carry != 0)
			limb[nl++] = (uint32_t)carry;
	}
	oc_buf_addf(out, "%u", (unsigned)limb[nl - 1]);
	for (k = nl - 1; k-- > 0; )
		oc_buf_addf(out, "%09u", (unsigned)limb[k]);
}

/* JSON5 numbers: a sign, hexadecimal, a leading or trailing decimal point,
 * Infinity and NaN. Each becomes the JSON text of the same value; Infinity
 * and NaN have none and are refused. */
static int
parse_number5(struct jp *j, json_object **v)
{
	const unsigned char *p = j->p, *end = j->end, *start = p;
	const unsigned char *ip, *ie, *fs = NULL, *fe = NULL, *es = NULL;
	struct oc_buf t = { 0 };
	int neg = 0, is_int;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p < end && (*p == 'I' || *p == 'N')) {
		const char *w = *p == 'I' ? "Infinity" : "NaN";
		size_t n = strlen(w);

		if ((size_t)(end - p) < n || memcmp(p, w, n) != 0)
			return fail(j, p, "unexpected character");
		return fail(j, start, *w == 'I' ? "Infinity has no JSON form "
		    "and cannot be written back" : "NaN has no JSON form and "
		    "cannot be written back");
	}
	if (p + 1 < end && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		const unsigned char *h = p + 2, *he;
		char buf[300];
		size_t n;

		for (he = h; he < end && hexval(*he) >= 0; he++)
			;
		if (he == h)
			return fail(j, he, "invalid number");
		j->p = he;
		while (h + 1 < he && *h == '0')
			h++;
		n = (size_t)(he - h);
		if (n <= 256) {
			snprintf(buf, sizeof buf, "0x%.*s", (int)n,
			    (const char *)h);
		}
		if (n > 256 || isinf(strtod(buf, NULL)))
			return fail(j, start, "a number too large for JSON "
			    "cannot be written back");
		if (!j->build)
			return 0;
		if (neg)
			oc_buf_addc(&t, '-');
		hex_to_dec(&t, h, n);
		*v = make_number(t.data, t.len, 1);
		oc_buf_free(&t);
		return 0;
	}
	ip = p;
	if (p < end && *p == '0')
		p++;
	else
		while (digit(p, end))
			p++;
	ie = p;
	if (p < end && *p == '.') {
		fs = ++p;
		while (digit(p, end))
			p++;
		fe = p;
	}
	if (ie == ip && (fs == NULL || fe == fs))
		return fail(j, p, "invalid number");
	if (p < end && (*p == 'e' || *p == 'E')) {
		es = p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!digit(p, end))
			return fail(j, p, "invalid number");
		while (digit(p, end))
			p++;
	}
	j->p = p;
	if (!j->build)
		return 0;
	if (neg)
		oc_buf_addc(&t, '-');
	if (ie > ip)
		oc_buf_add(&t, ip, (size_t)(ie - ip));
	else
		oc_buf_addc(&t, '0');
	is_int = 1;
	if (fs != NULL && fe > fs) {
		oc_buf_addc(&t, '.');
		oc_buf_add(&t, fs, (size_t)(fe - fs));
		is_int = 0;
	}
	if (es != NULL) {
		oc_buf_add(&t, es, (size_t)(p - es));
		is_int = 0;
	}
	*v = make_number(t.data, t.len, is_int);
	oc_buf_free(&t);
	return 0;
}

static int
literal(struct jp *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return fail(j, j->p, "unexpected character");
	j->p += n;
	return 0;
}

/* Put v where the parser is: the document, the open array, or the open
 * object under the pending key (a duplicate keeps its place and takes the
 * last value, as in JSON.parse). */
static void
attach(struct jp *j, json_object *v)
{
	struct jframe *top;
	const char *k;
	json_object *old;

	if (!j->build)
		return;
	if (j->nst == 0) {
		j->root = v;
		return;
	}
	top = &j->st[j->nst - 1];
	if (!top->obj) {
		if (json_object_array_add(top->o, v) != 0)
			oc_err_oom();
		return;
	}
	k = j->key.data != NULL ? j->key.data : "";
	if (json_object_object_get_ex(top->o, k, &old)) {
		/* json-c would free the old value recursively; keep it
		 * alive through the replacement and free it here. */
		json_object_get(old);
		if (json_object_object_add(top->o, k, v) != 0)
			oc_err_oom();
		oc_json_wipe_put(old);
	} else if (json_object_object_add_ex(top->o, k, v,
	    JSON_C_OBJECT_ADD_KEY_IS_NEW) != 0)
		oc_err_oom();
}

static void
push(struct jp *j, json_object *o, int obj)
{
	if (j->nst == j->cap) {
		j->cap = j->cap ? j->cap * 2 : 32;
		j->st = oc_xrealloc(j->st, j->cap * sizeof *j->st);
	}
	j->st[j->nst].o = o;
	j->st[j->nst].obj = obj;
	j->nst++;
}

static int
parse_value(struct jp *j)
{
	json_object *v = NULL;
	unsigned char c = *j->p;
	int r;

	if (c == '"' || (j->json5 && c == '\'')) {
		if ((r = parse_string(j, &j->str)) == 0 && j->build)
			v = must(json_object_new_string_len(j->str.data ?
			    j->str.data : "", (int)j->str.len));
	} else if (c == 't') {
		if ((r = literal(j, "true")) == 0 && j->build)
			v = must(json_object_new_boolean(1));
	} else if (c == 'f') {
		if ((r = literal(j, "false")) == 0 && j->build)
			v = must(json_object_new_boolean(0));
	} else if (c == 'n') {
		r = literal(j, "null");
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		r = j->json5 ? parse_number5(j, &v) : parse_number(j, &v);
	} else if (j->json5 && (c == '+' || c == '.' || c == 'I' ||
	    c == 'N')) {
		r = parse_number5(j, &v);
	} else
		return fail(j, j->p, "unexpected character");
	if (r == 0)
		attach(j, v);
	return r;
}

static int
parse_key(struct jp *j)
{
	if (j->p < j->end && (*j->p == '"' || (j->json5 && *j->p == '\'')))
		return parse_string(j, &j->key);
	if (j->json5 && j->p < j->end && ident_start_at(j))
		return parse_ident(j, &j->key);
	if (j->p >= j->end)
		return fail(j, j->p, "unexpected end of input");
	return fail(j, j->p, j->json5 ? "expected a key" :
	    "expected a string key");
}

static int
parse(struct jp *j)
{
	enum { VALUE, KEY, AFTER } state = VALUE;

	if (skip_ws(j) == -1)
		return -1;
	j->vstart = j->p;
	for (;;) {
		struct jframe *top;
		unsigned char close;

		switch (state) {
		case VALUE:
			if (j->p >= j->end)
				return fail(j, j->p, "unexpected end of input");
			if (*j->p == '{' || *j->p == '[') {
				int obj = *j->p == '{';
				json_object *o = NULL;

				if (j->build)
					o = must(obj ? json_object_new_object() :
					    json_object_new_array());
				attach(j, o);
				push(j, o, obj);
				j->p++;
				if (skip_ws(j) == -1)
					return -1;
				if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
					j->p++;
					j->nst--;
					state = AFTER;
				} else
					state = obj ? KEY : VALUE;
				continue;
			}
			if (parse_value(j) == -1)
				return -1;
			state = AFTER;
			continue;
		case KEY:
			if (parse_key(j) == -1 || skip_ws(j) == -1)
				return -1;
			if (j->p >= j->end || *j->p != ':')
				return fail(j, j->p, j->p >= j->end ?
				    "unexpected end of input" : "expected ':'");
			j->p++;
			if (skip_ws(j) == -1)
				return -1;
			state = VALUE;
			continue;
		case AFTER:
			if (j->nst == 0) {
				j->vend = j->p;
				if (skip_ws(j) == -1)
					return -1;
				if (j->p < j->end)
					return fail(j, j->p, "unexpected data "
					    "after the document");
				return 0;
			}
			if (skip_ws(j) == -1)
				return -1;
			top = &j->st[j->nst - 1];
			close = top->obj ? '}' : ']';
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				if (skip_ws(j) == -1)
					return -1;
				if (j->json5 && j->p < j->end &&
				    *j->p == close) {
					/* a trailing comma */
					j->p++;
					j->nst--;
					continue;
				}
				state = top->obj ? KEY : VALUE;
				continue;
			}
			if (j->p < j->end && *j->p == close) {
				j->p++;
				j->nst--;
				continue;
			}
			return fail(j, j->p, j->p >= j->end ?
			    "unexpected end of input" : top->obj ?
			    "expected ',' or '}'" : "expected ',' or ']'");
		}
	}
}

static void
jp_init(struct jp *j, const char *name, const char *text, size_t len,
    int json5, int build)
{
	memset(j, 0, sizeof *j);
	j->name = name;
	j->s = j->p = (const unsigned char *)text;
	j->end = j->s + len;
	j->json5 = json5;
	j->build = build;
}

static void
jp_done(struct jp *j)
{
	oc_buf_free(&j->str);
	oc_buf_free(&j->key);
	free(j->st);
}

static void
jp_error(const struct jp *j, struct oc_err *err)
{
	const unsigned char *q;
	int line = 1, col = 1;

	for (q = j->s; q < j->at; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else
			col++;
	}
	oc_err_set(err, OC_EX_DATAERR, "%s: invalid JSON at line %d, column "
	    "%d: %s", j->name, line, col, j->what);
}

static int
run(const char *name, const char *text, size_t len, int json5,
    json_object **out, struct oc_err *err)
{
	struct jp j;
	int r;

	*out = NULL;
	if (len > (size_t)INT32_MAX) {
		oc_err_set(err, OC_EX_DATAERR, "%s: file too large", name);
		return -1;
	}
	jp_init(&j, name, text, len, json5, 1);
	r = parse(&j);
	if (r == -1) {
		jp_error(&j, err);
		oc_json_wipe_put(j.root);
	} else
		*out = j.root;
	jp_done(&j);
	return r;
}

int
oc_json_parse(const char *name, const char *text, size_t len,
    json_object **out, struct oc_err *err)
{
	return run(name, text, len, 0, out, err);
}

int
oc_json_parse_lenient(const char *name, const char *text, size_t len,
    json_object **out, struct oc_err *err)
{
	return run(name, text, len, 1, out, err);
}

int
oc_json_check(const char *name, const char *text, size_t len,
    size_t *vstart, size_t *vlen, struct oc_err *err)
{
	struct jp j;
	int r;

	jp_init(&j, name, text, len, 0, 0);
	r = parse(&j);
	if (r == -1)
		jp_error(&j, err);
	else {
		*vstart = (size_t)(j.vstart - j.s);
		*vlen = (size_t)(j.vend - j.vstart);
	}
	jp_done(&j);
	return r;
}

size_t
oc_json_unquote(const char *lit, size_t n, char *buf)
{
	struct jp j;
	struct oc_buf b = { 0 };
	size_t len;

	jp_init(&j, "", lit, n, 0, 1);
	if (n == 0 || parse_string(&j, &b) == -1) {
		/* not a string that passed the check: nothing */
		oc_buf_free(&b);
		jp_done(&j);
		buf[0] = '\0';
		return 0;
	}
	len = b.len;
	if (len > 0)
		memcpy(buf, b.data, len);
	buf[len] = '\0';
	oc_buf_free(&b);
	jp_done(&j);
	return len;
}

size_t
oc_json_text_bytes(char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] == 0xc0 && i + 1 < n &&
		    (unsigned char)s[i + 1] == 0x80) {
			s[w++] = '\0';
			i++;
		} else
			s[w++] = s[i];
	}
	if (w < n)
		s[w] = '\0';
	return w;
}

/* ---- writing ---- */

void
oc_json_write_string(struct oc_buf *b, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0, skip, elen;
	char u[8];
	const char *esc;

	oc_buf_addc(b, '"');
	while (i < n) {
		unsigned char c = s[i];

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0xc0 &&
		    c != 0xed) {
			i++;
			continue;
		}
		esc = u;
		skip = 1;
		elen = 2;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case 0xc0:
		case 0xed:
			if ((skip = special_len(s + i, n - i)) == 0) {
				esc = NULL;	/* raw bytes, kept */
				break;
			}
			if (skip == 2) {
				esc = "\\u0000";
				elen = 6;
				break;
			}
			{
				unsigned long cu = 0xd000 |
				    (unsigned long)(s[i + 1] & 0x3f) << 6 |
				    (s[i + 2] & 0x3f), lo;

				if (cu < 0xdc00 && special_len(s + i + 3,
				    n - i - 3) == 3 && s[i + 4] >= 0xb0) {
					/* a high and a low surrogate side by
					 * side are one character */
					unsigned long cp;

					lo = 0xd000 | (unsigned long)(s[i + 4] &
					    0x3f) << 6 | (s[i + 5] & 0x3f);
					cp = 0x10000 + ((cu - 0xd800) << 10) +
					    (lo - 0xdc00);
					u[0] = (char)(0xf0 | cp >> 18);
					u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
					u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
					u[3] = (char)(0x80 | (cp & 0x3f));
					elen = 4;
					skip = 6;
					break;
				}
				memcpy(u, "\\ud", 3);
				u[3] = hex[cu >> 8 & 15];
				u[4] = hex[cu >> 4 & 15];
				u[5] = hex[cu & 15];
				elen = 6;
			}
			break;
		default:
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			elen = 6;
		}
		if (esc == NULL) {
			i++;
			continue;
		}
		oc_buf_add(b, s + run, i - run);
		oc_buf_add(b, esc, elen);
		i += skip;
		run = i;
	}
	oc_buf_add(b, s + run, n - run);
	oc_buf_addc(b, '"');
}

static void
dump_indent(struct oc_buf *b, int indent, size_t depth)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)indent * depth;

	oc_buf_addc(b, '\n');
	while (n > 0) {
		size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;

		oc_buf_add(b, spaces, k);
		n -= k;
	}
}

struct dframe {
	json_object *o;
	int obj, compact, first;
	size_t i, n;
	struct json_object_iterator it, end;
};

/* A scalar or an empty container: written, 1. Else 0. */
static int
dump_leaf(struct oc_buf *b, json_object *o)
{
	double d;

	switch (json_object_get_type(o)) {
	case json_type_null:
		oc_buf_adds(b, "null");
		return 1;
	case json_type_boolean:
		oc_buf_adds(b, json_object_get_boolean(o) ? "true" : "false");
		return 1;
	case json_type_double:
		/* A parsed number prints its text; one the program made and
		 * JSON cannot hold prints as JSON.stringify prints it. */
		d = json_object_get_double(o);
		if (!isfinite(d) && json_object_get_userdata(o) == NULL)
			oc_buf_adds(b, "null");
		else
			oc_buf_adds(b, json_object_to_json_string_ext(o,
			    JSON_C_TO_STRING_PLAIN));
		return 1;
	case json_type_int:
		oc_buf_adds(b, json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN));
		return 1;
	case json_type_string:
		oc_json_write_string(b, json_object_get_string(o),
		    (size_t)json_object_get_string_len(o));
		return 1;
	case json_type_array:
		if (json_object_array_length(o) > 0)
			return 0;
		oc_buf_adds(b, "[]");
		return 1;
	case json_type_object:
		if (json_object_object_length(o) > 0)
			return 0;
		oc_buf_adds(b, "{}");
		return 1;
	}
	return 1;
}

void
oc_json_dump(struct oc_buf *b, json_object *root, int indent)
{
	oc_json_dump_at(b, root, indent, 0);
}

/* depth: the level the value sits at in a document written around it (the
 * indent of its members is depth + 1 levels), for jdoc.c. */
void
oc_json_dump_at(struct oc_buf *b, json_object *root, int indent, int depth)
{
	size_t base = depth > 0 ? (size_t)depth : 0;
	struct dframe *st = NULL, *f;
	size_t nst = 0, cap = 0;
	json_object *v = root;

	for (;;) {
		if (!dump_leaf(b, v)) {
			if (nst == cap) {
				cap = cap ? cap * 2 : 16;
				st = oc_xrealloc(st, cap * sizeof *st);
			}
			f = &st[nst];
			memset(f, 0, sizeof *f);
			f->o = v;
			f->obj = json_object_is_type(v, json_type_object);
			f->first = 1;
			f->compact = indent == 0 ||
			    base + nst >= DUMP_INDENT_DEPTH ||
			    (nst > 0 && st[nst - 1].compact);
			if (f->obj) {
				f->it = json_object_iter_begin(v);
				f->end = json_object_iter_end(v);
			} else
				f->n = json_object_array_length(v);
			nst++;
			oc_buf_addc(b, f->obj ? '{' : '[');
		}
		/* the next value to write, closing what is done */
		for (;;) {
			int ind;

			if (nst == 0) {
				free(st);
				return;
			}
			f = &st[nst - 1];
			ind = f->compact ? 0 : indent;
			if (f->obj ? json_object_iter_equal(&f->it, &f->end) :
			    f->i == f->n) {
				if (ind)
					dump_indent(b, ind, base + nst - 1);
				oc_buf_addc(b, f->obj ? '}' : ']');
				nst--;
				continue;
			}
			if (!f->first)
				oc_buf_addc(b, ',');
			f->first = 0;
			if (ind)
				dump_indent(b, ind, base + nst);
			if (f->obj) {
				const char *k = json_object_iter_peek_name(&f->it);

				v = json_object_iter_peek_value(&f->it);
				json_object_iter_next(&f->it);
				oc_json_write_string(b, k, strlen(k));
				oc_buf_adds(b, ind ? ": " : ":");
			} else
				v = json_object_array_get_idx(f->o, f->i++);
			break;
		}
	}
}

void
oc_json_print(FILE *f, json_object *o)
{
	struct oc_buf b = { 0 };

	oc_json_dump(&b, o, 2);
	oc_buf_addc(&b, '\n');
	fwrite(b.data, 1, b.len, f);
	oc_buf_free(&b);
	if (f == stdout)
		oc_out_doc_printed();
}

/* ---- freeing and comparing, without recursion ---- */

void
oc_json_wipe_put(json_object *o)
{
	json_object **st = NULL;
	size_t nst = 0, cap = 0, i, n;

	if (o == NULL)
		return;
	/* Each tree on the stack holds one reference of ours; a container
	 * freed by json_object_put then only drops its children to the
	 * references the stack holds, so json-c never recurses. */
	for (;;) {
		switch (json_object_get_type(o)) {
		case json_type_string:
			/* json-c's own writable buffer; the accessor is
			 * const only */
			oc_secret_wipe(
			    (char *)(uintptr_t)json_object_get_string(o),
			    (size_t)json_object_get_string_len(o));
			break;
		case json_type_array:
			n = json_object_array_length(o);
			for (i = 0; i < n; i++) {
				json_object *c = json_object_array_get_idx(o, i);

				if (c == NULL)
					continue;
				if (nst == cap) {
					cap = cap ? cap * 2 : 64;
					st = oc_xrealloc(st, cap * sizeof *st);
				}
				st[nst++] = json_object_get(c);
			}
			break;
		case json_type_object: {
			json_object_object_foreach(o, k, c) {
				(void)k;
				if (c == NULL)
					continue;
				if (nst == cap) {
					cap = cap ? cap * 2 : 64;
					st = oc_xrealloc(st, cap * sizeof *st);
				}
				st[nst++] = json_object_get(c);
			}
			break;
		}
		default:
			break;
		}
		json_object_put(o);
		if (nst == 0)
			break;
		o = st[--nst];
	}
	free(st);
}

int
oc_json_equal(json_object *a, json_object *b)
{
	json_object **st = NULL;
	size_t nst = 0, cap = 0, i, n;
	int eq = 1;

	for (;;) {
		if (a != b) {
			json_type t = json_object_get_type(a);

			if (a == NULL || b == NULL ||
			    t != json_object_get_type(b)) {
				eq = 0;
				break;
			}
			if (t == json_type_array || t == json_type_object) {
				n = t == json_type_array ?
				    json_object_array_length(a) :
				    (size_t)json_object_object_length(a);
				if (n != (t == json_type_array ?
				    json_object_array_length(b) :
				    (size_t)json_object_object_length(b))) {
					eq = 0;
					break;
				}
				if (nst + 2 * n > cap) {
					while (nst + 2 * n > cap)
						cap = cap ? cap * 2 : 64;
					st = oc_xrealloc(st, cap * sizeof *st);
				}
				if (t == json_type_array)
					for (i = 0; i < n; i++) {
						st[nst++] =
						    json_object_array_get_idx(a, i);
						st[nst++] =
						    json_object_array_get_idx(b, i);
					}
				else {
					json_object_object_foreach(a, k, av) {
						json_object *bv;

						if (!json_object_object_get_ex(b,
						    k, &bv)) {
							eq = 0;
							break;
						}
						st[nst++] = av;
						st[nst++] = bv;
					}
					if (!eq)
						break;
				}
			} else if (t == json_type_string) {
				if (json_object_get_string_len(a) !=
				    json_object_get_string_len(b) ||
				    memcmp(json_object_get_string(a),
				    json_object_get_string(b),
				    (size_t)json_object_get_string_len(a)) != 0) {
					eq = 0;
					break;
				}
			} else if (!json_object_equal(a, b)) {
				eq = 0;
				break;
			}
		}
		if (nst == 0)
			break;
		b = st[--nst];
		a = st[--nst];
	}
	free(st);
	return eq;
}

/* ---- accessors ---- */

json_object *
oc_json_get(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

json_object *
oc_json_get_obj(json_object *o, const char *key)
{
	json_object *v = oc_json_get(o, key);

	return v != NULL && json_object_is_type(v, json_type_object) ? v : NULL;
}

const char *
oc_json_get_str(json_object *o, const char *key)
{
	json_object *v = oc_json_get(o, key);

	return v != NULL && json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

int
oc_json_get_i64(json_object *o, const char *key, int64_t *out)
{
	json_object *v = oc_json_get(o, key);

	if (v == NULL || json_object_is_type(v, json_type_null))
		return 0;
	switch (json_object_get_type(v)) {
	case json_type_int:
		*out = json_object_get_int64(v);
		return 1;
	case json_type_double: {
		double d = json_object_get_double(v);

		if (!(d == d) || d > 9.2e18 || d < -9.2e18)
			return -1;
		*out = (int64_t)d;
		return 1;
	}
	case json_type_string: {
		const char *s = json_object_get_string(v);
		char *end;
		double d;

		while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
			s++;
		if (*s == '\0')
			return -1;
		d = strtod(s, &end);
		while (*end == ' ' || (*end >= '\t' && *end <= '\r'))
			end++;
		if (*end != '\0' || !(d == d) || d > 9.2e18 || d < -9.2e18)
			return -1;
		*out = (int64_t)d;
		return 1;
	}
	default:
		return -1;
	}
}

json_object *
oc_json_obj_ensure(json_object *o, const char *key)
{
	json_object *v = oc_json_get(o, key);

	if (v != NULL && json_object_is_type(v, json_type_object))
		return v;
	v = must(json_object_new_object());
	json_object_object_add(o, key, v);
	return v;
}
