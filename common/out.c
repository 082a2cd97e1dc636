/* SPDX-License-Identifier: ISC */
/*
 * out.c - what the commands print: tables, diagnostics, the era warning.
 * This is the one module of liboc that writes to stdout/stderr, and only
 * when a command calls it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <unistd.h>

#include "oc.h"

void
oc_out_table_init(struct oc_table *t, int ncols)
{
	t->ncols = ncols;
	t->cells = NULL;
	t->rows = 0;
}

void
oc_out_table_add(struct oc_table *t, const char *const *cells)
{
	int i;

	t->cells = oc_xrealloc(t->cells,
	    (t->rows + 1) * (size_t)t->ncols * sizeof *t->cells);
	for (i = 0; i < t->ncols; i++)
		t->cells[t->rows * (size_t)t->ncols + (size_t)i] =
		    oc_xstrdup(cells[i] ? cells[i] : "-");
	t->rows++;
}

void
oc_out_table_print(struct oc_table *t, FILE *f)
{
	size_t *w = oc_xcalloc((size_t)t->ncols, sizeof *w), r;
	int c;

	for (r = 0; r < t->rows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t l = strlen(t->cells[r * (size_t)t->ncols +
			    (size_t)c]);

			if (l > w[c])
				w[c] = l;
		}
	for (r = 0; r < t->rows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * (size_t)t->ncols +
			    (size_t)c];

			if (c == t->ncols - 1)
				fprintf(f, "%s\n", s);
			else
				fprintf(f, "%-*s  ", (int)w[c], s);
		}
	}
	free(w);
}

void
oc_out_table_free(struct oc_table *t)
{
	size_t i;

	if (t->cells != NULL)
		for (i = 0; i < t->rows * (size_t)t->ncols; i++)
			free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->rows = 0;
}

static char last_error[1024];
static int doc_printed;

void
oc_out_warnx(const char *fmt, ...)
{
	char msg[sizeof last_error];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", oc_err_progname, msg);
	if (strncmp(msg, "warning: ", 9) != 0)
		memcpy(last_error, msg, sizeof msg);
}

void
oc_out_doc_printed(void)
{
	doc_printed = 1;
}

int
oc_out_doc_was_printed(void)
{
	return doc_printed;
}

const char *
oc_out_last_error(void)
{
	return last_error[0] != '\0' ? last_error : NULL;
}

void
oc_out_json_error(FILE *f, int code, const char *msg)
{
	struct oc_buf b = { 0 };
	char *one;

	if (msg == NULL)
		msg = last_error[0] != '\0' ? last_error : "failed";
	one = oc_out_oneline_dup(msg, 1000);
	oc_buf_addf(&b, "{\"schemaVersion\":%d,\"ok\":false,\"exitCode\":%d,"
	    "\"error\":", OC_JSON_SCHEMA, code);
	oc_json_write_string(&b, one, strlen(one));
	oc_buf_adds(&b, "}\n");
	fwrite(b.data, 1, b.len, f);
	oc_buf_free(&b);
	free(one);
	doc_printed = 1;
}

int
oc_out_report(const struct oc_err *err)
{
	oc_out_warnx("%s", err->msg[0] ? err->msg : "unknown error");
	return err->code ? err->code : 1;
}

void
oc_out_version(void)
{
	printf("%s (%s) %s\n", oc_err_progname, PACKAGE_NAME, PACKAGE_VERSION);
}

/* A code point that must not reach a terminal from text we did not write:
 * C0 and C1 controls, DEL, line and paragraph separators, and the
 * bidirectional embeddings, overrides and isolates (which reorder what
 * follows them on screen). */
static int
unprintable(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 ||
	    cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f ||
	    cp == 0x061c;
}

char *
oc_out_oneline_dup(const char *text, size_t max)
{
	const unsigned char *s = (const unsigned char *)text;
	struct oc_buf b = { 0 };
	size_t nchars = 0;
	int space = 0;
	char *r;

	while (*s != '\0') {
		unsigned long cp = 0;
		size_t n = 0, i;

		if (*s < 0x80) {
			cp = *s;
			n = 1;
		} else if (*s >= 0xc2 && *s <= 0xdf)
			n = 2, cp = *s & 0x1f;
		else if (*s >= 0xe0 && *s <= 0xef)
			n = 3, cp = *s & 0x0f;
		else if (*s >= 0xf0 && *s <= 0xf4)
			n = 4, cp = *s & 0x07;
		for (i = 1; i < n; i++) {
			if ((s[i] & 0xc0) != 0x80) {
				n = 0;
				break;
			}
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if (n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000)))
			n = 0;
		if ((n == 2 && cp < 0x80) || (n == 4 && (cp < 0x10000 ||
		    cp > 0x10ffff)))
			n = 0;
		if (n == 0 || unprintable(cp) || cp == ' ') {
			/* runs of white space and controls: one space; a
			 * byte that is not UTF-8: '?' */
			if (n == 0) {
				if (space && b.len > 0 && nchars++ < max)
					oc_buf_addc(&b, ' ');
				space = 0;
				if (nchars++ < max)
					oc_buf_addc(&b, '?');
				s++;
			} else {
				space = 1;
				s += n;
			}
			continue;
		}
		if (space && b.len > 0 && nchars++ < max)
			oc_buf_addc(&b, ' ');
		space = 0;
		if (nchars++ < max)
			oc_buf_add(&b, s, n);
		s += n;
	}
	if (nchars > max)
		oc_buf_adds(&b, "...");
	r = oc_xstrdup(b.data != NULL ? b.data : "");
	oc_buf_free(&b);
	return r;
}
