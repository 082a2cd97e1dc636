/* SPDX-License-Identifier: ISC */
/*
 * fuzz-time - durations (oc_duration_parse), ISO-8601 (oc_time_parse_iso8601)
 * and spans (oc_time_format_span): no crash or undefined behaviour; a parsed
 * duration is not negative; a parsed time written back reads back the same;
 * a span of any int64 has no sign and fits its buffer.
 */
#include "config.h"

#include "oc.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char units[] = { 0, 'd', 'h', 'm', 's' };
	char *s = fuzz_str(data, size), buf[64], iso[40];
	struct oc_err err;
	int64_t ms, t, t2;
	size_t i;

	for (i = 0; i < sizeof units; i++)
		if (oc_duration_parse(s, units[i], &ms, &err) == 0)
			CHECK(ms >= 0);
		else
			CHECK(err.code == OC_EX_USAGE);
	if (oc_time_parse_iso8601(s, &t) == 0 && t > -62135596800000LL &&
	    t < 253402300800000LL) {
		oc_time_iso8601(t, iso, sizeof iso);
		CHECK(oc_time_parse_iso8601(iso, &t2) == 0);
		CHECK(t == t2);
	}
	if (size >= 8) {
		memcpy(&ms, data, sizeof ms);
		oc_time_format_span(ms, buf, sizeof buf);
		CHECK(strchr(buf, '-') == NULL);
		CHECK(strlen(buf) < sizeof buf - 1);
	}
	free(s);
	return 0;
}
