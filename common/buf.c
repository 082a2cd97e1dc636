/* SPDX-License-Identifier: ISC */
/*
 * buf.c - a growable byte buffer that may hold a secret: it grows by
 * copy and is wiped when it is freed.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

void
oc_buf_add(struct oc_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *nd;

		while (cap < b->len + n + 1)
			cap *= 2;
		/* Grow by copy so a secret never lingers in a freed block. */
		nd = oc_xmalloc(cap);
		if (b->len)
			memcpy(nd, b->data, b->len);
		if (b->data) {
			oc_secret_wipe(b->data, b->cap);
			free(b->data);
		}
		b->data = nd;
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
oc_buf_adds(struct oc_buf *b, const char *s)
{
	oc_buf_add(b, s, strlen(s));
}

void
oc_buf_addc(struct oc_buf *b, char c)
{
	oc_buf_add(b, &c, 1);
}

void
oc_buf_addf(struct oc_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		oc_buf_add(b, small, (size_t)n);
		return;
	}
	{
		char *big = oc_xmalloc((size_t)n + 1);

		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		oc_buf_add(b, big, (size_t)n);
		free(big);
	}
}

void
oc_buf_free(struct oc_buf *b)
{
	if (b->data) {
		oc_secret_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->len = b->cap = 0;
}
