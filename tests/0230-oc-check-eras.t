#!/bin/bash
# SPDX-License-Identifier: ISC
# oc-check in the SQLite eras gives, for each state of tests/states-eras.sh,
# the exit code the real release gave for it: 2026.9.6's route-based check
# on a shared state database (era D), 2026.7.35's provider rollups on an
# agent database (era C). The homes are OpenClaw's own (the cached d-fresh
# and c-fresh of tests/fixtures/homes, rebuilt with sqlite3), with their
# rows changed inside BEGIN IMMEDIATE. tests/0291-oc-check-eras-peer.t
# runs the same states through the installed releases.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/homes.sh"
. "$OC_SRCDIR/tests/states-eras.sh"

t_home
if ! homes_available; then
	skip "$HOMES_WHY"
	done_testing
	exit
fi

declare -A rules=([C]=openclaw-2026.7.35 [D]=openclaw-2026.9.6)
states >"$T_TMP/states"
n=0
while IFS=$'\t' read -r era id want store cfg state envs why; do
	n=$((n + 1))
	h=$T_TMP/s$n
	mkdir -p "$h"
	if ! HOME=$h states_build "$era" "$store" "$cfg" "$state" 2>"$T_TMP/build.err"; then
		ok 1 "$era/$id: the home could be built"
		diag "$(cat "$T_TMP/build.err")"
		continue
	fi
	e=; [ "$envs" = - ] || e=$envs
	# shellcheck disable=SC2086
	run env -i HOME="$h" PATH="$PATH" TZ=UTC $e oc-check
	is "$rc" "$want" "$era/$id ($why): oc-check exits $want as $(echo "${rules[$era]}" | sed 's/openclaw-//') does"
	[ "$rc" = "$want" ] || diag "$out" "$err"
	# shellcheck disable=SC2086
	run env -i HOME="$h" PATH="$PATH" TZ=UTC $e oc-check --json
	jqok ".exitCode == $want and .storeEra == \"$era\" and .rules == \"${rules[$era]}\"" \
	    "$era/$id: --json says the same code, era $era, rules ${rules[$era]}"
done <"$T_TMP/states"
ok "$([ "$n" -ge 60 ]; echo $?)" "the table has the states ($n)"

done_testing
