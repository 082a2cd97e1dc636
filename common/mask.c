/* SPDX-License-Identifier: ISC */
/*
 * mask.c - OpenClaw's secret mask: up to 6 characters show the first and
 * last one, up to 16 the first and last two, longer ones the first and last
 * eight, with "..." between.
 */
#include "config.h"

#include <string.h>

#include "oc.h"

char *
oc_mask_dup(const char *s)
{
	size_t n, k;

	if (s == NULL || *s == '\0')
		return oc_xstrdup("");
	n = strlen(s);
	k = n <= 6 ? 1 : n <= 16 ? 2 : 8;
	if (n <= 2)
		return oc_xstrdup("...");
	return oc_xasprintf("%.*s...%s", (int)k, s, s + n - k);
}
