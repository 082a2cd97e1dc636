/* SPDX-License-Identifier: ISC */
/*
 * util.c - errors, memory, buffers, time and the small pieces of command
 * plumbing every oc-tools program shares.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oc.h"

const char *oc_progname = "oc-tools";

void
oc_err_set(struct oc_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

void
oc_err_clear(struct oc_err *err)
{
	err->code = 0;
	err->msg[0] = '\0';
}

void
oc_oom(void)
{
	fprintf(stderr, "%s: out of memory\n", oc_progname);
	exit(OC_EX_OSERR);
}

void *
oc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oc_oom();
	return p;
}

void *
oc_xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (p == NULL)
		oc_oom();
	return p;
}

void *
oc_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oc_oom();
	return q;
}

char *
oc_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		oc_oom();
	return p;
}

char *
oc_xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		oc_oom();
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
		oc_oom();
	return p;
}

void
oc_wipe(void *p, size_t n)
{
	if (p == NULL)
		return;
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, n);
#else
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
#endif
}

void
oc_free_secret(char *s)
{
	if (s == NULL)
		return;
	oc_wipe(s, strlen(s));
	free(s);
}

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
			oc_wipe(b->data, b->cap);
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
		oc_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->len = b->cap = 0;
}

int64_t
oc_now_ms(void)
{
	const char *o = getenv("OC_NOW_MS");
	struct timespec ts;

	if (o != NULL && *o != '\0') {
		char *end;
		long long v = strtoll(o, &end, 10);

		if (*end == '\0')
			return v;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
oc_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
oc_mono_left(int64_t deadline)
{
	int64_t left = deadline - oc_mono_ms();

	return left < 1 ? 1 : left;
}

void
oc_iso8601(int64_t ms, char *buf, size_t sz)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	int frac = (int)(ms % 1000);

	if (frac < 0) {
		frac += 1000;
		t--;
	}
	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, sz, "invalid");
		return;
	}
	snprintf(buf, sz, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, frac);
}

int
oc_parse_iso8601(const char *s, int64_t *out)
{
	struct tm tm;
	const char *p;
	int ms = 0, n = 0;
	time_t t;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	p = s + n;
	if (*p == '.') {
		int digits = 0;

		p++;
		while (*p >= '0' && *p <= '9') {
			if (digits < 3) {
				ms = ms * 10 + (*p - '0');
				digits++;
			}
			p++;
		}
		while (digits++ < 3)
			ms *= 10;
	}
	if (strcmp(p, "Z") != 0 && strcmp(p, "+00:00") != 0)
		return -1;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = (int64_t)t * 1000 + ms;
	return 0;
}

void
oc_format_span(int64_t ms, char *buf, size_t sz)
{
	/* The magnitude in unsigned arithmetic: -INT64_MIN does not fit. */
	uint64_t a = ms < 0 ? (uint64_t)0 - (uint64_t)ms : (uint64_t)ms;
	uint64_t s = a / 1000;
	uint64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;

	if (d > 0)
		snprintf(buf, sz, "%" PRIu64 "d %" PRIu64 "h", d, h);
	else if (h > 0)
		snprintf(buf, sz, "%" PRIu64 "h %" PRIu64 "m", h, m);
	else if (m > 0)
		snprintf(buf, sz, "%" PRIu64 "m", m);
	else
		snprintf(buf, sz, "%" PRIu64 "s", s);
}

void
oc_set_progname(const char *argv0)
{
	const char *p = strrchr(argv0, '/');

	oc_progname = p ? p + 1 : argv0;
	/* Every program starts here, before it reads a secret. */
	oc_proc_harden();
}




int
oc_lock_wait_default(void)
{
	const char *w = getenv("OC_LOCK_WAIT_MS");

	if (w != NULL && *w != '\0') {
		char *end;
		long v = strtol(w, &end, 10);

		if (*end == '\0' && v >= 0 && v < 3600000)
			return (int)v;
	}
	return 10000;
}

void
oc_strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}
