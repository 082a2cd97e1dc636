/* SPDX-License-Identifier: ISC */
/*
 * text.c - strings as JavaScript sees them, for the places where oc-tools
 * must cut or compare text exactly as OpenClaw does: String.prototype.trim
 * removes the ECMAScript WhiteSpace and LineTerminator code points
 * (oc_js_space_len), not C's isspace set.
 */
#include "config.h"

#include <string.h>

#include "oc.h"

void
oc_text_trim_js(const char *s, size_t n, size_t *off, size_t *len)
{
	size_t a = 0, l, k;

	while (a < n && (l = oc_js_space_len(s + a)) != 0 && a + l <= n)
		a += l;
	while (n > a) {
		/* a white-space code point is 1 to 3 bytes long */
		for (k = 1; k <= 3 && k <= n - a; k++)
			if (oc_js_space_len(s + n - k) == k)
				break;
		if (k > 3 || k > n - a)
			break;
		n -= k;
	}
	*off = a;
	*len = n - a;
}

char *
oc_text_trim_js_dup(const char *s)
{
	size_t off, len;

	oc_text_trim_js(s, strlen(s), &off, &len);
	return oc_xstrndup(s + off, len);
}
