#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/check.sh - how fast and how small oc-check is.
#
#   sh bench/check.sh [BUILDDIR]          (default: the current directory)
#
# Generates stores of 10, 1,000 and 10,000 profiles and measures the median
# wall time and peak RSS of `oc-check` and `oc-check --json` on each, next
# to a minimal C program built here (the cost of starting any process on
# this machine), the two taking turns (the ratio column and the 1.5x target
# are the median of the per-round ratios); `openclaw models status --check` on the 10-profile store
# when the reference peer is installed ($OC_PEER, or ../shared/peer); and
# `oc-check --probe -j 8` over 20 credentials against the fake server
# answering each after 300 ms. Prints a table and the targets, and exits 1
# if a target is missed. RUNS (default 51) sets the runs per measurement.
set -eu
B=$(cd "${1:-${OC_BUILDDIR:-.}}" && pwd)
S=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-51}
CC=${CC:-cc}
W=$(mktemp -d "${TMPDIR:-/tmp}/oc-bench.XXXXXX")
FAKE_PID=
cleanup() {
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

[ -x "$B/oc-check" ] || { echo "check.sh: no $B/oc-check (build first)" >&2; exit 1; }
"$CC" -O2 -o "$W/runner" "$S/bench/runner.c"
printf 'int main(void) { return 0; }\n' >"$W/minimal.c"
"$CC" -O2 -o "$W/minimal" "$W/minimal.c"

NOW=$(( $(date +%s) * 1000 ))
# store N: a realistic mix over ten providers - a third api keys, a third
# tokens expiring over the next weeks, a third oauth with refresh tokens
store() {
	awk -v n="$1" -v now="$NOW" 'BEGIN {
		split("anthropic openai google openrouter groq mistral xai deepseek together cerebras", pv, " ")
		printf "{\n  \"version\": 1,\n  \"profiles\": {"
		for (i = 0; i < n; i++) {
			p = pv[i % 10 + 1]; t = i % 3
			printf "%s\n    \"%s:p%d\": {", i ? "," : "", p, i
			if (t == 0) printf "\"type\": \"api_key\", \"provider\": \"%s\", \"key\": \"sk-%040d\"", p, i
			else if (t == 1) printf "\"type\": \"token\", \"provider\": \"%s\", \"token\": \"tok-%040d\", \"expires\": %.0f", p, i, now + 86400000 * (2 + i % 30)
			else printf "\"type\": \"oauth\", \"provider\": \"%s\", \"access\": \"acc-%040d\", \"refresh\": \"ref-%040d\", \"expires\": %.0f, \"email\": \"u%d@example.com\"", p, i, i, now + 3600000 * (i % 48), i
			printf "}"
		}
		printf "\n  }\n}\n"
	}'
}
for n in 10 1000 10000; do
	mkdir -p "$W/h$n/.openclaw/agents/main/agent"
	chmod 700 "$W/h$n/.openclaw"
	store "$n" >"$W/h$n/.openclaw/agents/main/agent/auth-profiles.json"
	chmod 600 "$W/h$n/.openclaw/agents/main/agent/auth-profiles.json"
done

# the peer's wrapper, found before HOME is pointed at the test stores
peer=${OC_PEER:-}
if [ -z "$peer" ] && [ -f "$S/../shared/peer/openclaw.sh" ]; then
	peer=$(bash "$S/../shared/peer/openclaw.sh" 2>/dev/null) || peer=
fi

# run_row PROFILES LABEL RUNS CMD...: measure (after 3 warm-up runs),
# taking turns with the minimal program, and print a row; sets M (median
# ms), P (p90 ms), R (peak RSS KB), BM (the minimal program's median in the
# same rounds) and X (the median of the per-round ratios to it, which a
# machine drifting during the measurement moves least)
run_row() {
	n=$1 label=$2 runs=$3
	shift 3
	"$W/runner" 3 "$@" >/dev/null
	"$W/runner" -b "$W/minimal" "$runs" "$@" >"$W/m"
	read -r M P R BM X <"$W/m"
	awk -v p="$n" -v l="$label" -v m="$M" -v q="$P" -v r="$R" -v b="$BM" -v x="$X" 'BEGIN {
		printf "%9s  %-22s %9.2f %9.2f %10.1f %9.2f %8.2fx\n", p, l, m, q, r / 1024, b, x }'
}

echo "oc-check bench: $RUNS runs each, $(uname -sm), $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%9s  %-22s %9s %9s %10s %9s %9s\n' profiles program "median ms" "p90 ms" "peak MiB" "minimal" "ratio"
run_row - "minimal C program" "$RUNS" "$W/minimal"
fails=0
export HOME
HOME=$W/h10
run_row 10 oc-check "$RUNS" "$B/oc-check"; m10=$M r10=$R x10=$X b10=$BM
run_row 10 "oc-check --json" "$RUNS" "$B/oc-check" --json
HOME=$W/h1000
run_row 1000 oc-check "$RUNS" "$B/oc-check"; m1000=$M
run_row 1000 "oc-check --json" "$RUNS" "$B/oc-check" --json; m1000j=$M
HOME=$W/h10000
run_row 10000 oc-check "$RUNS" "$B/oc-check"; m10000=$M r10000=$R
run_row 10000 "oc-check --json" "$RUNS" "$B/oc-check" --json
m10000j=$M r10000j=$R

if [ -n "$peer" ] && [ -x "$peer" ]; then
	HOME=$W/h10
	run_row 10 "openclaw models status" 5 "$peer" models status --check
	awk -v p="$M" -v o="$m10" -v r="$R" -v q="$r10" 'BEGIN {
		printf "peer, 10 profiles: openclaw models status --check takes %.0fx the time and %.0fx the memory of oc-check\n", p / o, r / q }'
else
	echo "peer: not installed (set OC_PEER or install ../shared/peer/openclaw.sh)"
fi

# --probe: 20 credentials, the fake server answers each after 300 ms
fake=$B/tests/fake-http
[ -x "$fake" ] || make -C "$B" tests/fake-http >/dev/null 2>&1 || true
mprobe=
if [ -x "$fake" ]; then
	printf '[{"pathPrefix":"/","delayMs":300,"body":"{\\"data\\":[]}"}]\n' >"$W/routes.json"
	"$fake" -r "$W/routes.json" -l "$W/fake.log" -p "$W/port" -t 600 &
	FAKE_PID=$!
	i=0
	while [ ! -s "$W/port" ] && [ "$i" -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	mkdir -p "$W/hp/.openclaw/agents/main/agent"
	awk 'BEGIN { printf "{\"version\":1,\"profiles\":{"
		for (i = 0; i < 20; i++) printf "%s\"openai:k%d\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-%d\"}", i ? "," : "", i, i
		printf "}}\n" }' >"$W/hp/.openclaw/agents/main/agent/auth-profiles.json"
	printf '{"agents":{"defaults":{"model":"openai/gpt-5"}}}\n' >"$W/hp/.openclaw/openclaw.json"
	HOME=$W/hp
	OC_HTTP_HELPER=$B/oc-http
	OC_PROBE_BASE_URL_OPENAI="http://127.0.0.1:$(cat "$W/port")/v1"
	export OC_HTTP_HELPER OC_PROBE_BASE_URL_OPENAI
	run_row 20 "oc-check --probe -j 8" 5 "$B/oc-check" --probe -j 8
	mprobe=$M
	kill "$FAKE_PID" 2>/dev/null
	FAKE_PID=
else
	echo "probe: no tests/fake-http (run make check first)"
fi

echo
echo "targets:"
target() {	# target DESC OK
	if [ "$2" = 1 ]; then echo "  ok    $1"; else echo "  MISS  $1"; fails=$((fails + 1)); fi
}
ok() { awk "BEGIN { exit !($1) }" && echo 1 || echo 0; }
target "10 profiles within 1.5x of the minimal program (${x10}x: $m10 ms vs $b10 ms)" "$(ok "$x10 <= 1.5")"
target "1,000 profiles <= 5 ms ($m1000 ms, --json $m1000j ms)" "$(ok "$m1000 <= 5 && $m1000j <= 5")"
target "10,000 profiles <= 50 ms ($m10000 ms, --json $m10000j ms)" "$(ok "$m10000 <= 50 && $m10000j <= 50")"
target "peak RSS <= 8 MB at 10,000 ($r10000 KB, --json $r10000j KB)" "$(ok "$r10000 <= 8192 && $r10000j <= 8192")"
if [ -n "$mprobe" ]; then
	target "--probe of 20 at 300 ms, -j 8, <= 1.5 s ($mprobe ms)" "$(ok "$mprobe <= 1500")"
fi
# linear growth: 10x the profiles costs about 10x the work beyond start-up
awk -v a="$m1000" -v b="$m10000" -v z="$m10" 'BEGIN {
	printf "  info  growth 1,000 -> 10,000 profiles: %.1fx the time above start-up (linear is 10x)\n", (b - z) / (a - z) }'
[ "$fails" -eq 0 ]
