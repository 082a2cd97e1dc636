#!/bin/sh
# SPDX-License-Identifier: ISC
# Defects reachable through the library only (issue 12, defect 16), on
# liboc itself (tests/progs/lib-check): the parsers never read past the
# length they are given (texts end at an inaccessible page, so a read past
# them faults with or without a sanitizer); oc_time_format_span of INT64_MIN;
# the response header handling of oc-http with a NUL in a name. (The
# dotenv quoter and U+2028/9: tests/0503-dotenv.t.)
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
LC=$OC_BUILDDIR/tests/progs/lib-check
t_home

run "$LC" guarded
is "$rc" 0 "16: no parser reads past the end of its text (exit 0, not a fault)"
like "$out" '^ok [0-9]+ texts' "16: every text tried"

run "$LC" span min
is "$out" "106751991167d 7h" "16: oc_time_format_span(INT64_MIN): the magnitude, no overflow"
run "$LC" span 9223372036854775807
is "$out" "106751991167d 7h" "16: oc_time_format_span(INT64_MAX)"
run "$LC" span -90000
is "$out" "1m" "16: a negative span: its magnitude"

# "X-A<NUL>bc: v" (a NUL in the name) is dropped, the lines around it kept
run "$LC" header 582d413a20310d0a 582d410062633a20760d0a 782d613a20320d0a 00003a20780d0a 3a20790d0a
is "$rc" 0 "16: header lines with a NUL in the name: no crash"
is "$(printf '%s' "$out" | jq -c .)" '{"x-a":"1, 2"}' "16: such lines are dropped, the others joined"
run "$LC" header 485454502f312e3120323030204f4b0d0a 436f6e74656e742d547970653a20746578742f706c61696e0d0a 58 20783a2079 783a0779
jqok '.["content-type"] == "text/plain" and length == 1' "16: a status line, a header, and fragments"

# oc_time_iso8601, written by hand for years 0 to 9999, as date(1) says
for ms in 0 1 999 1780000000123 -1 -86400001 951782400000 253402300799999 253402300800000 -62167219200000 -62167219200001; do
	run "$LC" iso "$ms"
	s=$((ms / 1000)) f=$((ms % 1000))
	[ "$f" -lt 0 ] && { f=$((f + 1000)); s=$((s - 1)); }
	is "$out" "$(date -u -d "@$s" +%Y-%m-%dT%H:%M:%S).$(printf %03d "$f")Z" "iso8601 of $ms ms"
done

# oc_out_oneline_dup caps what it copies at MAX characters, the spaces
# that stand for runs of controls included (found by fuzz-secretref: a
# space before each byte that is not UTF-8 was not counted, so "a" then
# " \xff" a thousand times came out 2,000 bytes long at MAX 10)
run "$LC" oneline 10 "61$(i=0; while [ $i -lt 1000 ]; do printf 20ff; i=$((i + 1)); done)"
is "$out" "13 a ? ? ? ? ..." "oneline: spaces before bytes that are not UTF-8 count toward MAX"
run "$LC" oneline 10 "61$(i=0; while [ $i -lt 1000 ]; do printf 0a62; i=$((i + 1)); done)"
is "$out" "13 a b b b b ..." "oneline: spaces for controls count toward MAX"
run "$LC" oneline 10 "616263"
is "$out" "3 abc" "oneline: a short text as it is"

done_testing
