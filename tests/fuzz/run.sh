#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh BUILDDIR SRCDIR HARNESS... - run each libFuzzer harness for
# FUZZ_SECONDS (default 60) on one core, growing a work corpus
# (FUZZ_WORK, default BUILDDIR/tests/fuzz/work/NAME) from the checked-in
# seeds (SRCDIR/tests/fuzz/corpus/NAME). Any crash, leak, undefined
# behaviour, timeout or failed property fails the run; the input that did
# it is kept as FUZZ_WORK/NAME-crash-* (or leak-, timeout-, oom-). One line
# per harness: executions, time, corpus size.
set -u
b=$1
s=$2
shift 2
secs=${FUZZ_SECONDS:-60}
work=${FUZZ_WORK:-$b/tests/fuzz/work}
status=0
mkdir -p "$work"
for h in "$@"; do
	name=$(basename "$h")
	seeds=$s/tests/fuzz/corpus/${name#fuzz-}
	mkdir -p "$work/$name"
	dict=
	[ -f "$s/tests/fuzz/${name#fuzz-}.dict" ] && dict=-dict=$s/tests/fuzz/${name#fuzz-}.dict
	case $name in
	fuzz-json|fuzz-json5|fuzz-jscan|fuzz-import|fuzz-oauth|fuzz-secretref|fuzz-http)
		dict=-dict=$s/tests/fuzz/json.dict ;;
	esac
	log=$work/$name.log
	t0=$(date +%s)
	# shellcheck disable=SC2086 # $dict is one word or none
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
	"$b/$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len="${FUZZ_MAX_LEN:-8192}" -print_final_stats=1 $dict \
	    -artifact_prefix="$work/$name-" "$work/$name" "$seeds" >"$log" 2>&1
	rc=$?
	t1=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	corpus=$(find "$work/$name" -type f | wc -l)
	if [ "$rc" -eq 0 ]; then
		printf 'ok   %-16s %10s execs %6ss corpus %s\n' "$name" \
		    "${execs:-?}" "$((t1 - t0))" "$corpus"
	else
		status=1
		printf 'FAIL %-16s exit %s after %ss, see %s\n' "$name" "$rc" \
		    "$((t1 - t0))" "$log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*property failed)' "$log" |
		    head -5 | sed 's/^/     /'
	fi
done
exit $status
