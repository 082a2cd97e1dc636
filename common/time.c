/* SPDX-License-Identifier: ISC */
/*
 * time.c - the clocks (the wall clock tests can freeze, the monotonic
 * one for deadlines) and the time formats the commands read and print.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oc.h"

int64_t
oc_time_now_ms(void)
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
oc_time_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
oc_time_mono_left(int64_t deadline)
{
	int64_t left = deadline - oc_time_mono_ms();

	return left < 1 ? 1 : left;
}

/* v (0 <= v < 10^n) as n decimal digits, zero-padded, unterminated. */
static void
digits(char *p, int v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
oc_time_iso8601(int64_t ms, char *buf, size_t sz)
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
	if (tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999 || sz < 25) {
		snprintf(buf, sz, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, frac);
		return;
	}
	/* the same by hand: a tenth of snprintf's cost, and oc-check
	 * prints one per profile */
	digits(buf, tm.tm_year + 1900, 4);
	buf[4] = '-';
	digits(buf + 5, tm.tm_mon + 1, 2);
	buf[7] = '-';
	digits(buf + 8, tm.tm_mday, 2);
	buf[10] = 'T';
	digits(buf + 11, tm.tm_hour, 2);
	buf[13] = ':';
	digits(buf + 14, tm.tm_min, 2);
	buf[16] = ':';
	digits(buf + 17, tm.tm_sec, 2);
	buf[19] = '.';
	digits(buf + 20, frac, 3);
	buf[23] = 'Z';
	buf[24] = '\0';
}

int
oc_time_parse_iso8601(const char *s, int64_t *out)
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
oc_time_format_span(int64_t ms, char *buf, size_t sz)
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
