/* SPDX-License-Identifier: ISC */
/*
 * xmalloc.c - allocation that cannot fail: out of memory ends the
 * program (oc_err_oom), so callers never check.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

void *
oc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oc_err_oom();
	return p;
}

void *
oc_xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (p == NULL)
		oc_err_oom();
	return p;
}

void *
oc_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oc_err_oom();
	return q;
}

char *
oc_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		oc_err_oom();
	return p;
}

char *
oc_xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		oc_err_oom();
	return p;
}

char *
oc_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		oc_err_oom();
	return p;
}

void
oc_xstrv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}
