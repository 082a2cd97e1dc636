/* SPDX-License-Identifier: ISC */
/*
 * duration.c - "90m", "1h30m", "2d", "500ms", "1.5h". The suite's one rule
 * (oc(7) DURATIONS): a duration carries its unit. A bare number is taken
 * only where the option mirrors an OpenClaw flag that takes one (then in
 * that flag's unit: days for --expires-in as paste-token, ms for -T as
 * --probe-timeout) or a convention as old as the option (seconds for
 * oc-check -t, every monitoring plugin's); elsewhere "2" could be hours,
 * minutes or seconds, so it is refused with the hint. "0" needs no unit.
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
oc_duration_parse(const char *s, const char *bare_unit, int64_t *out,
    struct oc_err *err)
{
	const char *p = s;
	double total = 0;
	int parts = 0, bare = 0;

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
			if (bare_unit != NULL)
				m = unit_ms(bare_unit, strlen(bare_unit));
			else if (v == 0)
				m = 0;	/* "0" is 0 in any unit */
			else {
				bare = 1;
				goto bad;
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
	if (bare)
		oc_err_set(err, OC_EX_USAGE, "\"%s\" has no unit (%s)", s,
		    OC_DURATION_HINT);
	else
		oc_err_set(err, OC_EX_USAGE, "invalid duration \"%s\" (%s, "
		    "1h30m)", s, OC_DURATION_HINT);
	return -1;
}
