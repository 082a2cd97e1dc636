#!/bin/sh
# SPDX-License-Identifier: ISC
# One rule for durations (oc(7) DURATIONS): every duration option takes
# its unit and refuses a bare number with the hint "use 90m, 2h, 7d"
# (exit 64; the one UNKNOWN line under oc-check --nagios), except the
# options that mirror a flag taking one: oc-profile add --expires-in (days,
# as paste-token), oc-check -T (ms, as --probe-timeout) and oc-check -t
# (seconds, as every monitoring plugin). Junk stays junk.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home
N=1795300000000
OC_NOW_MS=$N
export OC_NOW_MS
H=3600000
put_store "{\"version\":1,\"profiles\":{
 \"anthropic:t\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"t-0123456789\",\"expires\":$((N + 3 * H))},
 \"openai:k\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-0123456789abcdef\"}}}"
snap=$(sum_of "$STORE")

# refused CMD...: a bare number, exit 64, the hint on stderr, nothing
# written
refused() {
	run "$@"
	is "$rc" 64 "$*: a bare number is a usage error"
	like "$err" 'use 90m, 2h, 7d' "$*: the message gives the hint"
}
refused oc-check -w 2
refused oc-check -c 2
refused oc-check --warn 48
refused oc-check --critical=6
refused oc-sync --refresh --within 90
refused oc-profile rm --wait 5 openai:k
refused oc-profile cooldowns --clear --wait 5
refused oc-order set --wait 1 -p openai openai:k
refused oc-order clear --wait 1 -p openai
printf k >"$T_TMP/k"
refused oc-keys set -e A_KEY --wait 2 <"$T_TMP/k"
refused oc-sync --claude --wait 3
run_in "tok-0123456789" oc-profile add --no-config --expires-in 2 --wait 1 openai:w
is "$rc" 64 "oc-profile add --wait 1: refused even where --expires-in takes a bare number"
like "$err" '^oc-profile: --wait: .*use 90m, 2h, 7d' "and says which option"
is "$(sum_of "$STORE")" "$snap" "no refused command wrote the store"
[ -e "$STATE/.env" ]; ok $((1 - $?)) "no refused oc-keys set wrote .env"

# under --nagios, in either order: the one UNKNOWN line, exit 3
for args in "--nagios -w 2" "-w 2 --nagios" "--nagios -c 6" "-c 6 --nagios" \
    "--nagios --wait 1"; do
	run oc-check $args
	is "$rc" 3 "oc-check $args: 3"
	is "$(printf '%s\n' "$out" | grep -c .)" 1 "oc-check $args: one line on stdout"
	like "$out" '^OC-CHECK UNKNOWN - .*use 90m, 2h, 7d' "oc-check $args: UNKNOWN, with the hint"
done

# the same options with units
run oc-check -w 2h; is "$rc" 0 "oc-check -w 2h: 3h left is OK"
run oc-check -w 4h; is "$rc" 2 "oc-check -w 4h: 3h left is expiring"
run oc-check -w 240m -c 4h; is "$rc" 1 "oc-check -c 4h: critical"
run oc-check --warn 1d; is "$rc" 2 "oc-check --warn 1d"
run oc-check -w 0; is "$rc" 0 "oc-check -w 0: 0 needs no unit"
run oc-profile cooldowns --clear --wait 500ms; is "$rc" 0 "oc-profile cooldowns --wait 500ms"
run oc-sync --refresh --within 90m; is "$rc" 0 "oc-sync --within 90m"
run oc-sync --refresh --within 1h30m --dry-run; is "$rc" 0 "oc-sync --within 1h30m"
run oc-sync --claude --wait 2s; is "$rc" 66 "oc-sync --wait 2s (no Claude Code file: 66, not 64)"
run oc-order set --wait 1s -p openai openai:k; is "$rc" 0 "oc-order set --wait 1s"
run oc-order clear --wait 1.5s -p openai; is "$rc" 0 "oc-order clear --wait 1.5s"
run_in k oc-keys set -e A_KEY --wait 2s; is "$rc" 0 "oc-keys set --wait 2s"

# junk is junk, bare or not
for a in 1x 2q -5h h 1h30 "1 h"; do
	run oc-check -w "$a"
	is "$rc" 64 "oc-check -w '$a': usage error"
done
run oc-check -c 1x --nagios
is "$rc $(printf '%s\n' "$out" | grep -c '^OC-CHECK UNKNOWN')" "3 1" "oc-check -c 1x --nagios: UNKNOWN"
run oc-profile cooldowns --clear --wait 3600001ms
is "$rc" 64 "--wait over an hour: refused"
like "$err" 'more than an hour' "and says why"

# the exceptions, with their unit
run_in "tok-0123456789" oc-profile add --no-config --expires-in 2 openai:d
e=$(jq -r '.profiles["openai:d"].expires' "$STORE")
is "$e" $((N + 48 * H)) "oc-profile add --expires-in 2: days, as paste-token"
run_in "tok-0123456789" oc-profile add --no-config --expires-in 36h openai:h
is "$(jq -r '.profiles["openai:h"].expires' "$STORE")" $((N + 36 * H)) "--expires-in 36h"
run oc-check -t 2; is "$rc" 2 "oc-check -t 2: seconds (the monitoring-plugins convention)"
run oc-check -t 2 --nagios; like "$out" '^OC-CHECK WARNING' "oc-check -t 2 --nagios: a verdict, not a usage error"
run oc-check -t 0
is "$rc" 64 "oc-check -t 0: under a second is refused"
run oc-check -t 2m; is "$rc" 2 "oc-check -t 2m"
run oc-check -t 3601; is "$rc" 64 "oc-check -t 3601: over an hour is refused"
run oc-check --probe -T 300 -p none; is "$rc" 0 "oc-check -T 300: milliseconds, as --probe-timeout"
run oc-check --probe -T 5s -p none; is "$rc" 0 "oc-check -T 5s"
run oc-check --probe -T 600001 -p none; is "$rc" 64 "oc-check -T 600001: over 10 minutes of ms is refused"
run oc-check --probe -T 0 -p none; is "$rc" 64 "oc-check -T 0: refused"

# every duration option of every command is in this test: the --help texts
# name the options that take one (dur, secs, ms) and each is exercised
for c in oc-profile oc-order oc-check oc-keys oc-sync; do
	"$c" --help | sed -n 's/^  *\(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\) \(dur\|secs\|ms\) .*/\2/p'
done | sort -u >"$T_TMP/dur-opts"
is "$(tr '\n' ' ' <"$T_TMP/dur-opts")" "--critical --deadline --expires-in --timeout --wait --warn --within " \
    "the duration options of the suite are the ones tested here"
run oc-profile --help
like "$out" 'expires-in dur .*a bare number is days' "oc-profile --help: --expires-in's unit"
run oc-check --help
like "$out" '\-T, --timeout ms .*in ms' "oc-check --help: -T's unit"
like "$out" '\-t, --deadline secs .*seconds' "oc-check --help: -t's unit"
done_testing
