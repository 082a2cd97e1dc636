#!/bin/bash
# SPDX-License-Identifier: ISC
# bench/eras.sh - oc-check on the same ten credentials in each store era.
#
#   bash bench/eras.sh [BUILDDIR]          (default: the current directory)
#
# One store of ten profiles (a third api keys, a third tokens, a third oauth,
# over ten providers) is put in four homes: era A (auth-profiles.json, as
# 2026.3.24 keeps it), era B (auth-profiles.json + auth-state.json), era C
# (the agent database 2026.7.35 made) and era D (the shared state database
# 2026.9.6 made). The SQLite homes are the cached homes of
# tests/fixtures/homes (made by the real releases, rebuilt with sqlite3),
# with the store row replaced inside BEGIN IMMEDIATE. Measures the median
# wall time and peak RSS of oc-check and oc-check --json on each next to a
# minimal C program run by the same runner, the two taking turns (the
# ratio column is the median of the per-round ratios); `openclaw models
# status --check` of 2026.9.6 ($OC_PEER_D) on the era-D home and of
# 2026.7.35 ($OC_PEER_C) on the era-C home when installed (on a copy, and
# oc-check again on that copy as the release left it, with the -wal and
# -shm a live gateway keeps). Exits 1 if
# oc-check on era D is not within 1.5x of the minimal program (that
# ratio). RUNS (default 51) runs a measurement;
# KEEP=1 keeps the homes (their directory is printed).
set -eu
B=$(cd "${1:-${OC_BUILDDIR:-.}}" && pwd)
S=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-51}
CC=${CC:-cc}
W=$(mktemp -d "${TMPDIR:-/tmp}/oc-bench-eras.XXXXXX")
trap "${KEEP:+:} rm -rf \"\$W\"" EXIT INT TERM
[ -z "${KEEP:-}" ] || echo "eras.sh: the homes are kept in $W"

[ -x "$B/oc-check" ] || { echo "eras.sh: no $B/oc-check (build first)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "eras.sh: needs the sqlite3 command (package sqlite3)" >&2; exit 1; }
"$CC" -O2 -o "$W/runner" "$S/bench/runner.c"
printf 'int main(void) { return 0; }\n' >"$W/minimal.c"
"$CC" -O2 -o "$W/minimal" "$W/minimal.c"

# tests/homes.sh rebuilds the cached homes; it wants these two from tests/lib.sh
OC_SRCDIR=$S
now_ms() { echo $(( $(date +%s) * 1000 )); }
. "$S/tests/homes.sh"
homes_available || { echo "eras.sh: $HOMES_WHY" >&2; exit 1; }

NOW=$(now_ms)
# the ten profiles, compact, as OpenClaw writes a store row
store() {
	awk -v now="$NOW" 'BEGIN {
		split("anthropic openai google openrouter groq mistral xai deepseek together cerebras", pv, " ")
		printf "{\"version\":1,\"profiles\":{"
		for (i = 0; i < 10; i++) {
			p = pv[i + 1]; t = i % 3
			printf "%s\"%s:p%d\":{", i ? "," : "", p, i
			if (t == 0) printf "\"type\":\"api_key\",\"provider\":\"%s\",\"key\":\"sk-%040d\"", p, i
			else if (t == 1) printf "\"type\":\"token\",\"provider\":\"%s\",\"token\":\"tok-%040d\",\"expires\":%.0f", p, i, now + 86400000 * (2 + i)
			else printf "\"type\":\"oauth\",\"provider\":\"%s\",\"access\":\"acc-%040d\",\"refresh\":\"ref-%040d\",\"expires\":%.0f,\"email\":\"u%d@example.com\"", p, i, i, now + 3600000 * (24 + i), i
			printf "}"
		}
		printf "}}\n"
	}'
}
STORE=$(store)
Q=$(printf '%s' "$STORE" | sed "s/'/''/g")
config='{"agents":{"defaults":{"model":{"primary":"anthropic/claude-opus-4-6"}}}}'

# era A and B: the JSON files
for e in a b; do
	d=$W/$e/.openclaw/agents/main/agent
	mkdir -p "$d"
	chmod 700 "$W/$e/.openclaw"
	printf '%s\n' "$STORE" >"$d/auth-profiles.json"
	printf '%s\n' "$config" >"$W/$e/.openclaw/openclaw.json"
	chmod 600 "$d/auth-profiles.json" "$W/$e/.openclaw/openclaw.json"
done
printf '{"version":1,"order":{"anthropic":["anthropic:p0"]}}\n' >"$W/b/.openclaw/agents/main/agent/auth-state.json"
# era C: the agent database of 2026.7.35
HOME=$W/c
mkdir -p "$HOME"
home_load c-fresh
sql_update "$(sql_db main)" "UPDATE auth_profile_store SET store_json='$Q', updated_at=$NOW WHERE store_key='primary';"
# era D: the shared state database of 2026.9.6
HOME=$W/d
mkdir -p "$HOME"
home_load d-fresh
sql_update "$(sql_db state)" "UPDATE config_machine_state SET value_json='$Q', updated_at_ms=$NOW WHERE state_key='authProfiles.store';"
for e in a b c d; do
	HOME=$W/$e "$B/oc-profile" path --json 2>/dev/null | grep -q "\"storeEra\": *\"$(echo $e | tr a-z A-Z)\"" ||
	    { echo "eras.sh: the $e home is not seen as era $(echo $e | tr a-z A-Z)" >&2; exit 1; }
	n=$(HOME=$W/$e "$B/oc-profile" list --ids | wc -l)
	[ "$n" -eq 10 ] || { echo "eras.sh: the $e home lists $n profiles, not 10" >&2; exit 1; }
done

# run_row ERA LABEL RUNS CMD...: measure (after 3 warm-up runs), taking
# turns with the minimal program, and print a row; sets M (median ms), R
# (peak RSS KB), BM (the minimal program's median in the same rounds) and X
# (the median of the per-round ratios to it, which a machine drifting
# during the measurement moves least)
run_row() {
	local era=$1 label=$2 runs=$3 p
	shift 3
	"$W/runner" 3 "$@" >/dev/null
	"$W/runner" -b "$W/minimal" "$runs" "$@" >"$W/m"
	read -r M p R BM X <"$W/m"
	awk -v e="$era" -v l="$label" -v m="$M" -v q="$p" -v r="$R" -v b="$BM" -v x="$X" 'BEGIN {
		printf "%4s  %-28s %9.2f %9.2f %10.1f %9.2f %8.2fx\n", e, l, m, q, r / 1024, b, x }'
}

echo "oc-check per store era, 10 profiles: $RUNS runs each, $(uname -sm), $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%4s  %-28s %9s %9s %10s %9s %9s\n' era program "median ms" "p90 ms" "peak MiB" "minimal" "ratio"
run_row - "minimal C program" "$RUNS" "$W/minimal"
export HOME
for e in a b c d; do
	HOME=$W/$e
	E=$(echo $e | tr a-z A-Z)
	run_row "$E" oc-check "$RUNS" "$B/oc-check"
	eval "m_$e=\$M r_$e=\$R x_$e=\$X b_$e=\$BM"
	run_row "$E" "oc-check --json" "$RUNS" "$B/oc-check" --json
done

wal_of() {	# what -wal files the release left in home $1
	local n
	n=$(find "$1" -name '*.sqlite-wal' | wc -l)
	echo "$n -wal"
}

peer_row() {	# peer_row ERA VAR
	local p=${!2:-}
	if [ -n "$p" ] && [ -x "$p" ]; then
		# on a copy: the release writes to its home (a -wal, its
		# migrations), and the homes above are measured again below
		rm -rf "$W/peer-$1"
		cp -a "$W/$1" "$W/peer-$1"
		HOME=$W/peer-$1
		run_row "$(echo "$1" | tr a-z A-Z)" "openclaw $(peer_release "$p") status" 5 \
		    env -i PATH=/usr/bin:/bin HOME="$HOME" "$p" models status --check
		eval "pm=\$m_$1 pr=\$r_$1"
		awk -v p="$M" -v o="$pm" -v r="$R" -v q="$pr" -v e="$1" 'BEGIN {
			printf "peer, era %s: models status --check takes %.0fx the time and %.0fx the memory of oc-check\n", toupper(e), p / o, r / q }'
		# the home as the release left it, as a live gateway keeps it
		run_row "$(echo "$1" | tr a-z A-Z)" "oc-check, after it ($(wal_of "$HOME"))" "$RUNS" "$B/oc-check"
	else
		echo "peer for era $(echo "$1" | tr a-z A-Z): $2 not set (see .ci/run)"
	fi
}
T_TMP=$W
peer_row c OC_PEER_C
peer_row d OC_PEER_D

# instructions (deterministic where wall time on a busy machine is not)
if command -v valgrind >/dev/null; then
	icount() {
		valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		    sed -n 's/.*refs: *//p' | tr -d ,
	}
	printf 'instructions: minimal %s' "$(icount "$W/minimal")"
	for e in a b c d; do
		printf ', era %s %s' "$(echo $e | tr a-z A-Z)" "$(HOME=$W/$e icount "$B/oc-check")"
	done
	echo
fi

echo
echo "targets:"
if awk "BEGIN { exit !($x_d <= 1.5) }"; then
	echo "  ok    era D within 1.5x of the minimal program (${x_d}x: $m_d ms vs $b_d ms)"
	rc=0
else
	echo "  MISS  era D within 1.5x of the minimal program (${x_d}x: $m_d ms vs $b_d ms)"
	rc=1
fi
awk -v a="$x_a" -v c="$x_c" -v d="$x_d" 'BEGIN {
	printf "  info  era C / era A %.2fx, era D / era A %.2fx (of the ratios)\n", c / a, d / a }'
exit $rc
