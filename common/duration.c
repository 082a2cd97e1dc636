/* SPDX-License-Identifier: ISC */
/*
 * duration.c - "90m", "1h30m", "2d", "500ms", "1.5h"; a bare number takes a
 * default unit chosen by the caller (days for --expires-in, as OpenClaw).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

static double
unit_ms(const char *u, size_t n)
{
	if (n == 2 && strncmp(u, "ms", 2) == 0)
		return 1;
	if (n == 1) {
		switch (u[0]) {
		case 's':
			return 1000;
		case 'm':
			return 60000;
		case 'h':
			return 3600000;
		case 'd':
			return 86400000;
		}
	}
	return -1;
}

int
oc_duration_parse(const char *s, char default_unit, int64_t *out,
    struct oc_err *err)
{
	const char *p = s;
	double total = 0;
	int parts = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		goto bad;
	while (*p != '\0' && !isspace((unsigned char)*p)) {
		char *end;
		double v;
		const char *u;
		double m;

		if (!isdigit((unsigned char)*p) && *p != '.')
			goto bad;
		v = strtod(p, &end);
		if (end == p || !(v == v) || v > 1e300 || v < 0)
			goto bad;
		p = end;
		u = p;
		while (isalpha((unsigned char)*p))
			p++;
		if (p == u) {
			if (parts > 0 || (*p != '\0' &&
			    !isspace((unsigned char)*p)))
				goto bad;
			if (default_unit == 0)
				m = 1;
			else {
				char du[2] = { default_unit, 0 };

				m = unit_ms(du, 1);
			}
		} else {
			char lu[3] = { 0 };
			size_t n = (size_t)(p - u);

			if (n > 2)
				goto bad;
			lu[0] = (char)tolower((unsigned char)u[0]);
			if (n == 2)
				lu[1] = (char)tolower((unsigned char)u[1]);
			m = unit_ms(lu, n);
			if (m < 0)
				goto bad;
		}
		total += v * m;
		parts++;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0' || parts == 0 || total > 9.0e15)
		goto bad;
	*out = (int64_t)(total + 0.5);
	return 0;
bad:
	oc_err_set(err, OC_EX_USAGE,
	    "invalid duration \"%s\" (use e.g. 90m, 12h, 1h30m, 7d)", s);
	return -1;
}
