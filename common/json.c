/* SPDX-License-Identifier: ISC */
/*
 * json.c - strict and lenient JSON reading with positioned errors, and a
 * writer that produces what JSON.stringify(v, null, 2) produces, so files
 * rewritten by oc-tools diff cleanly against files written by OpenClaw.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json_tokener.h>
#include <json-c/json_util.h>

#include "oc.h"

static void
offset_to_linecol(const char *text, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

/* Parse text[0..len) strictly; map positions through srcmap when given. */
static int
parse_mapped(const char *name, const char *text, size_t len,
    const char *src, const size_t *srcmap, json_object **out,
    struct oc_err *err)
{
	struct json_tokener *tok;
	json_object *o;
	enum json_tokener_error jerr;
	size_t end, i;

	*out = NULL;
	if (len > (size_t)INT32_MAX) {
		oc_err_set(err, OC_EX_DATAERR, "%s: file too large", name);
		return -1;
	}
	tok = json_tokener_new_ex(64);
	if (tok == NULL) {
		oc_err_set(err, OC_EX_DATAERR, "%s: out of memory", name);
		return -1;
	}
	/* As JSON.parse: no trailing commas, no single quotes. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (o == NULL && jerr == json_tokener_continue) {
		/* Flush: a bare number at EOF, or truncated input. */
		o = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		if (jerr != json_tokener_success)
			jerr = json_tokener_error_parse_eof;
		end = len;
	}
	if (o != NULL && jerr == json_tokener_success) {
		/* Only white space may follow the value. */
		for (i = end; i < len; i++)
			if (!isspace((unsigned char)text[i]))
				break;
		if (i < len) {
			json_object_put(o);
			o = NULL;
			end = i;
			jerr = json_tokener_error_parse_unexpected;
		}
	}
	json_tokener_free(tok);
	if (o == NULL) {
		int line, col;
		size_t soff = end;

		if (jerr == json_tokener_success)
			jerr = json_tokener_error_parse_eof;
		if (srcmap != NULL)
			soff = end < len ? srcmap[end] : strlen(src);
		offset_to_linecol(src ? src : text, soff, &line, &col);
		if (len == 0 || jerr == json_tokener_error_parse_eof)
			oc_err_set(err, OC_EX_DATAERR,
			    "%s: invalid JSON at line %d, column %d: "
			    "unexpected end of input", name, line, col);
		else
			oc_err_set(err, OC_EX_DATAERR,
			    "%s: invalid JSON at line %d, column %d: %s", name,
			    line, col, json_tokener_error_desc(jerr));
		return -1;
	}
	*out = o;
	return 0;
}

int
oc_json_parse(const char *name, const char *text, size_t len,
    json_object **out, struct oc_err *err)
{
	if (memchr(text, '\0', len) != NULL) {
		oc_err_set(err, OC_EX_DATAERR, "%s: contains a NUL byte", name);
		*out = NULL;
		return -1;
	}
	return parse_mapped(name, text, len, NULL, NULL, out, err);
}

/*
 * The lenient reader rewrites the JSON5 subset OpenClaw users write by hand
 * (comments, trailing commas, unquoted keys, single-quoted strings) into
 * strict JSON, remembering for each output byte its source offset so errors
 * point into the file as the user sees it.
 */
struct lbuf {
	struct oc_buf b;
	size_t *map;
	size_t mapcap;
};

static void
lput(struct lbuf *l, char c, size_t src)
{
	if (l->b.len + 1 > l->mapcap) {
		l->mapcap = l->mapcap ? l->mapcap * 2 : 256;
		l->map = oc_xrealloc(l->map, l->mapcap * sizeof *l->map);
	}
	l->map[l->b.len] = src;
	oc_buf_addc(&l->b, c);
}

static int
ident_char(int c)
{
	return isalnum(c) || c == '_' || c == '$';
}

int
oc_json_parse_lenient(const char *name, const char *s, size_t len,
    json_object **out, struct oc_err *err)
{
	struct lbuf l;
	size_t i = 0;
	int r;
	char prev_sig = 0;	/* last significant char emitted */
	/* The open containers, innermost last: a bare word is a key only
	 * directly inside an object ("[true, false]" holds values). */
	char *nest = NULL;
	size_t depth = 0, nestcap = 0;

	*out = NULL;
	if (memchr(s, '\0', len) != NULL) {
		oc_err_set(err, OC_EX_DATAERR, "%s: contains a NUL byte", name);
		return -1;
	}
	memset(&l, 0, sizeof l);
	/* A UTF-8 byte-order mark is not an error. */
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		char c = s[i];

		if (c == '"' || c == '\'') {
			char q = c;

			lput(&l, '"', i++);
			while (i < len && s[i] != q) {
				if (s[i] == '\\' && i + 1 < len) {
					if (q == '\'' && s[i + 1] == '\'') {
						lput(&l, '\'', i);
						i += 2;
						continue;
					}
					if (s[i + 1] == '\n') {	/* continuation */
						i += 2;
						continue;
					}
					lput(&l, s[i], i);
					lput(&l, s[i + 1], i + 1);
					i += 2;
					continue;
				}
				if (q == '\'' && s[i] == '"') {
					lput(&l, '\\', i);
					lput(&l, '"', i++);
					continue;
				}
				lput(&l, s[i], i);
				i++;
			}
			if (i < len)
				lput(&l, '"', i++);
			prev_sig = '"';
			continue;
		}
		if (c == '/' && i + 1 < len && s[i + 1] == '/') {
			while (i < len && s[i] != '\n')
				i++;
			continue;
		}
		if (c == '/' && i + 1 < len && s[i + 1] == '*') {
			size_t start = i;

			i += 2;
			while (i + 1 < len && !(s[i] == '*' && s[i + 1] == '/'))
				i++;
			if (i + 1 >= len) {
				int line, col;

				offset_to_linecol(s, start, &line, &col);
				oc_err_set(err, OC_EX_DATAERR,
				    "%s: invalid JSON at line %d, column %d: "
				    "unterminated comment", name, line, col);
				oc_buf_free(&l.b);
				free(l.map);
				free(nest);
				return -1;
			}
			i += 2;
			continue;
		}
		if (c == ',') {
			/* Drop a comma followed only by space/comments and a
			 * closing bracket. */
			size_t j = i + 1;

			for (;;) {
				while (j < len && isspace((unsigned char)s[j]))
					j++;
				if (j + 1 < len && s[j] == '/' && s[j + 1] == '/') {
					while (j < len && s[j] != '\n')
						j++;
					continue;
				}
				if (j + 1 < len && s[j] == '/' && s[j + 1] == '*') {
					j += 2;
					while (j + 1 < len &&
					    !(s[j] == '*' && s[j + 1] == '/'))
						j++;
					j += 2;
					continue;
				}
				break;
			}
			if (j < len && (s[j] == '}' || s[j] == ']')) {
				i++;
				continue;
			}
			lput(&l, c, i++);
			prev_sig = ',';
			continue;
		}
		if ((prev_sig == '{' || prev_sig == ',') && depth > 0 &&
		    nest[depth - 1] == '{' &&
		    (isalpha((unsigned char)c) || c == '_' || c == '$')) {
			/* Unquoted key. */
			lput(&l, '"', i);
			while (i < len && ident_char((unsigned char)s[i])) {
				lput(&l, s[i], i);
				i++;
			}
			lput(&l, '"', i);
			prev_sig = '"';
			continue;
		}
		if (c == '{' || c == '[') {
			if (depth == nestcap) {
				nestcap = nestcap ? nestcap * 2 : 32;
				nest = oc_xrealloc(nest, nestcap);
			}
			nest[depth++] = c;
		} else if ((c == '}' || c == ']') && depth > 0)
			depth--;
		if (!isspace((unsigned char)c))
			prev_sig = c;
		lput(&l, c, i++);
	}
	free(nest);
	if (l.b.data == NULL)
		oc_buf_add(&l.b, "", 0);
	r = parse_mapped(name, l.b.data, l.b.len, s, l.map, out, err);
	oc_buf_free(&l.b);
	free(l.map);
	return r;
}

void
oc_json_write_string(struct oc_buf *b, const char *s, size_t n)
{
	size_t i;

	oc_buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			oc_buf_adds(b, "\\\"");
			break;
		case '\\':
			oc_buf_adds(b, "\\\\");
			break;
		case '\b':
			oc_buf_adds(b, "\\b");
			break;
		case '\f':
			oc_buf_adds(b, "\\f");
			break;
		case '\n':
			oc_buf_adds(b, "\\n");
			break;
		case '\r':
			oc_buf_adds(b, "\\r");
			break;
		case '\t':
			oc_buf_adds(b, "\\t");
			break;
		default:
			if (c < 0x20)
				oc_buf_addf(b, "\\u%04x", c);
			else
				oc_buf_addc(b, (char)c);
		}
	}
	oc_buf_addc(b, '"');
}

static void
dump_indent(struct oc_buf *b, int indent, int depth)
{
	oc_buf_addc(b, '\n');
	for (int i = 0; i < indent * depth; i++)
		oc_buf_addc(b, ' ');
}

static void
dump(struct oc_buf *b, json_object *o, int indent, int depth)
{
	size_t i, n;
	int first = 1;

	switch (json_object_get_type(o)) {
	case json_type_null:
		oc_buf_adds(b, "null");
		break;
	case json_type_boolean:
		oc_buf_adds(b, json_object_get_boolean(o) ? "true" : "false");
		break;
	case json_type_int:
	case json_type_double:
		/* json-c keeps the source text of parsed numbers. */
		oc_buf_adds(b, json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN));
		break;
	case json_type_string:
		oc_json_write_string(b, json_object_get_string(o),
		    (size_t)json_object_get_string_len(o));
		break;
	case json_type_array:
		n = json_object_array_length(o);
		if (n == 0) {
			oc_buf_adds(b, "[]");
			break;
		}
		oc_buf_addc(b, '[');
		for (i = 0; i < n; i++) {
			if (i)
				oc_buf_addc(b, ',');
			if (indent)
				dump_indent(b, indent, depth + 1);
			dump(b, json_object_array_get_idx(o, i), indent,
			    depth + 1);
		}
		if (indent)
			dump_indent(b, indent, depth);
		oc_buf_addc(b, ']');
		break;
	case json_type_object:
		if (json_object_object_length(o) == 0) {
			oc_buf_adds(b, "{}");
			break;
		}
		oc_buf_addc(b, '{');
		{
			json_object_object_foreach(o, k, v) {
				if (!first)
					oc_buf_addc(b, ',');
				first = 0;
				if (indent)
					dump_indent(b, indent, depth + 1);
				oc_json_write_string(b, k, strlen(k));
				oc_buf_adds(b, indent ? ": " : ":");
				dump(b, v, indent, depth + 1);
			}
		}
		if (indent)
			dump_indent(b, indent, depth);
		oc_buf_addc(b, '}');
		break;
	}
}

void
oc_json_dump(struct oc_buf *b, json_object *o, int indent)
{
	oc_json_dump_at(b, o, indent, 0);
}

void
oc_json_dump_at(struct oc_buf *b, json_object *o, int indent, int depth)
{
	if (o == NULL)
		oc_buf_adds(b, "null");
	else
		dump(b, o, indent, depth);
}

void
oc_json_print(FILE *f, json_object *o)
{
	struct oc_buf b = { 0 };

	oc_json_dump(&b, o, 2);
	oc_buf_addc(&b, '\n');
	fwrite(b.data, 1, b.len, f);
	oc_buf_free(&b);
}

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

		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			return -1;
		d = strtod(s, &end);
		while (isspace((unsigned char)*end))
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
	v = json_object_new_object();
	json_object_object_add(o, key, v);
	return v;
}

int
oc_json_equal(json_object *a, json_object *b)
{
	return json_object_equal(a, b);
}
