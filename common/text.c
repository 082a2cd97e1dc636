/* SPDX-License-Identifier: ISC */
/*
 * text.c - strings as JavaScript sees them, for the places where oc-tools
 * must cut or compare text exactly as OpenClaw does: String.prototype.trim
 * removes the ECMAScript WhiteSpace and LineTerminator code points
 * (oc_text_js_space_len), not C's isspace set.
 */
#include "config.h"

#include <string.h>

#include "oc.h"

size_t
oc_text_js_space_len(const char *p)
{
	const unsigned char *s = (const unsigned char *)p;

	if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		return 1;
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2;	/* U+00A0 */
	if (s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
		return 3;	/* U+1680 */
	if (s[0] == 0xe2 && s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8a) ||
	    s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
		return 3;	/* U+2000-200A, U+2028/9, U+202F */
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f)
		return 3;	/* U+205F */
	if (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;	/* U+3000 */
	if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 3;	/* U+FEFF */
	return 0;
}

void
oc_text_trim_js(const char *s, size_t n, size_t *off, size_t *len)
{
	size_t a = 0, l, k;

	while (a < n && (l = oc_text_js_space_len(s + a)) != 0 && a + l <= n)
		a += l;
	while (n > a) {
		/* a white-space code point is 1 to 3 bytes long */
		for (k = 1; k <= 3 && k <= n - a; k++)
			if (oc_text_js_space_len(s + n - k) == k)
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
