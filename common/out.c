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

int
oc_use_color(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0');
}

void
oc_table_init(struct oc_table *t, int ncols)
{
	t->ncols = ncols;
	t->cells = NULL;
	t->rows = 0;
}

void
oc_table_add(struct oc_table *t, const char *const *cells)
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
oc_table_print(struct oc_table *t, FILE *f)
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
oc_table_free(struct oc_table *t)
{
	size_t i;

	if (t->cells != NULL)
		for (i = 0; i < t->rows * (size_t)t->ncols; i++)
			free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->rows = 0;
}

void
oc_warnx(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", oc_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
oc_report(const struct oc_err *err)
{
	oc_warnx("%s", err->msg[0] ? err->msg : "unknown error");
	return err->code ? err->code : 1;
}

void
oc_version(void)
{
	printf("%s (%s) %s\n", oc_progname, PACKAGE_NAME, PACKAGE_VERSION);
}
