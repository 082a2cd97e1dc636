#!/bin/bash
# SPDX-License-Identifier: ISC
# oc-check as an operator wires it into Nagios/Icinga, timers and pagers:
# the first line names the worst credential; -c makes an expiring one
# critical; -p, --profile and --exclude scope the verdict itself (JSON
# files and the SQLite eras); --state-dir; every usage and runtime error
# under --nagios is one UNKNOWN line and 3, wherever --nagios stands;
# probes that are rejected say REJECTED, probes that reach no provider or
# are cut by -t are UNKNOWN (a provider that never answers and -t 2: back
# within 3 s); the progress line appears on a terminal only.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
. "$OC_SRCDIR/tests/homes.sh"
. "$OC_SRCDIR/tests/states-eras.sh"
t_home
A=$HOME/.openclaw/agents/main/agent
now=$(now_ms)
OC_NOW_MS=$now; export OC_NOW_MS	# spans printed exactly
H=3600000
tok() { # tok PROVIDER EXPIRES: a token profile
	printf '{"type":"token","provider":"%s","token":"sk-ant-oat01-%s","expires":%s}' \
	    "$1" "$(printf 'T%.0s' $(seq 90))" "$2"
}
first() { printf '%s\n' "$out" | head -n 1; }

# ---- the first line names the worst credential ----
put_store "{\"version\":1,\"profiles\":{\"anthropic:a\":$(tok anthropic $((now + 20 * H))),\"anthropic:b\":$(tok anthropic $((now + 600000))),\"anthropic:c\":$(tok anthropic $((now + 5 * H)))}}"
run oc-check
is "$rc" 2 "three expiring: exit 2"
like "$(first)" '^EXPIRING: anthropic:b expires in 10m \(\+2 more\)$' \
    "the soonest expiry first (b in 10 min, not a in 20 h), the others counted"
run oc-check --nagios
like "$(first)" "^OC-CHECK WARNING - EXPIRING: anthropic:b expires in 10m \\(\\+2 more\\) \\| " \
    "--nagios: the same first line"
put_store "{\"version\":1,\"profiles\":{\"anthropic:a\":$(tok anthropic $((now + 600000))),\"anthropic:b\":$(tok anthropic $((now - 2 * H))),\"anthropic:c\":$(tok anthropic $((now - 5 * H)))}}"
run oc-check
is "$rc" 1 "expired and expiring: exit 1"
like "$(first)" '^EXPIRED: anthropic:c expired 5h 0m ago \(\+2 more\)$' \
    "expired before expiring, the one that expired first leading; +2 counts the expiring one too"

# ---- -c ----
put_store "{\"version\":1,\"profiles\":{\"anthropic:a\":$(tok anthropic $((now + 20 * H))),\"anthropic:b\":$(tok anthropic $((now + 600000)))}}"
run oc-check --nagios -w 48h -c 1h
is "$rc" 2 "-c 1h, one expiring in 10 min: CRITICAL"
like "$(first)" "^OC-CHECK CRITICAL - EXPIRING: anthropic:b expires in 10m \\(critical within 1h\\) \\(\\+1 more\\) \\| 'anthropic:a'=[0-9]+s;172800:;3600: 'anthropic:b'=[0-9]+s;172800:;3600: ok=0;;;0 expiring=2;;;0 expired=0;;;0 missing=0;;;0$" \
    "-c: the reason says critical, the perfdata carry -w and -c"
run oc-check -c 1h
is "$rc" 1 "-c without --nagios: exit 1, as if expired"
run oc-check --json -c 1h
jqok '.exitCode == 1 and ([.profiles[] | select(.status == "expiring")] | length) == 2' \
    "-c: the profiles are still called expiring"
run oc-check --nagios -w 48h -c 5m
is "$rc" 1 "-c 5m, nothing within it: WARNING"
run oc-check -c 2d -w 1h
is "$rc" 1 "-c beyond -w widens the window: both are critical"
run oc-check --nagios -c 1x
is "$rc:$(first)" '3:OC-CHECK UNKNOWN - usage error: -c: invalid duration "1x" (use 90m, 2h, 7d, 1h30m) (see oc-check --help)' \
    "-c 1x under --nagios: UNKNOWN, and the line says what is wrong"

# ---- scoping, JSON files ----
put_store "{\"version\":1,\"profiles\":{\"anthropic:a\":$(tok anthropic $((now + 30 * 24 * H))),\"anthropic:old\":$(tok anthropic $((now - 24 * H))),\"openai:x\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-$(rand_str 30)\"}}}"
put_config '{"agents":{"defaults":{"model":"anthropic/claude-opus-4-6","models":{"openai/gpt-5":{}}}}}'
run oc-check
is "$rc" 1 "a stale unused profile: exit 1 without a scope"
run oc-check --exclude anthropic:old
is "$rc" 0 "--exclude the stale profile: exit 0"
unlike "$out" 'anthropic:old' "--exclude: the profile is not in the output either"
run oc-check --profile anthropic:a
is "$rc" 0 "--profile anthropic:a: only it is judged, exit 0"
run oc-check --profile anthropic:a,anthropic:old
is "$rc" 1 "--profile a,old (a comma list): the stale one counts again"
run oc-check --profile anthropic:a --profile anthropic:old
is "$rc" 1 "--profile repeated: the same"
run oc-check -p openai
is "$rc" 0 "-p openai: anthropic's stale profile is out of scope"
like "$(first)" '^OK: 1 profile, ' "-p openai: one profile judged"
run oc-check --exclude anthropic:a,anthropic:old
is "$rc" 0 "--exclude every anthropic profile: the provider is not called missing for it"
run oc-check --profile anthropic:nope
is "$rc" 1 "--profile that does not exist: exit 1"
like "$err" 'anthropic:nope: no such profile' "and says so"
run oc-check --nagios --profile anthropic:nope
is "$rc:$(first)" "3:OC-CHECK UNKNOWN - --profile anthropic:nope: no such profile for agent main" \
    "--nagios: a profile that does not exist is UNKNOWN (a typo in the check), not CRITICAL"

# ---- scoping, SQLite eras ----
if homes_available; then
	for era in C D; do
		h=$T_TMP/scope-$era
		mkdir -p "$h"
		store="{\"version\":1,\"profiles\":{\"anthropic:a\":$(tok anthropic $((now + 30 * 24 * H))),\"openai:old\":$(tok openai $((now - 24 * H)))}}"
		if ! HOME=$h states_build "$era" "$store" '.agents.defaults.model={"primary":"anthropic/claude-opus-4-6","fallbacks":["openai/gpt-5"]}' - 2>"$T_TMP/build.err"; then
			ok 1 "era $era: the home could be built"
			diag "$(cat "$T_TMP/build.err")"
			continue
		fi
		run env HOME="$h" oc-check
		is "$rc" 1 "era $era: the fallback's expired profile makes exit 1"
		run env HOME="$h" oc-check -p anthropic
		is "$rc" 0 "era $era: -p anthropic judges only anthropic's route"
		run env HOME="$h" oc-check --exclude openai:old
		is "$rc" 0 "era $era: --exclude openai:old"
		run env HOME="$h" oc-check --profile openai:old --nagios
		is "$rc" 2 "era $era: --profile openai:old: CRITICAL"
		run env HOME="$h" oc-check --json -p anthropic
		jqok '[.routes[] | select(.provider == "openai")] | all(.status == "excluded")' \
		    "era $era: --json marks the route left out as excluded"
	done
else
	skip "$HOMES_WHY"
fi

# ---- --state-dir ----
S2=$T_TMP/gateway-state
mkdir -p "$S2/agents/main/agent"
printf '{"version":1,"profiles":{"anthropic:g":%s}}' "$(tok anthropic $((now - H)))" >"$S2/agents/main/agent/auth-profiles.json"
run oc-check --state-dir "$S2" --json
jqok ".exitCode == 1 and .stateDir == \"$S2\" and .stateFound == true and .profiles[0].profileId == \"anthropic:g\"" \
    "--state-dir: the gateway user's state is judged"
run oc-check --nagios --state-dir "$T_TMP/typo"
is "$rc:$(first)" "3:OC-CHECK UNKNOWN - no OpenClaw state at $T_TMP/typo (run as the gateway's user, or give --state-dir)" \
    "--state-dir to nothing: UNKNOWN naming it"
run oc-check --state-dir ''
is "$rc" 64 "--state-dir '': usage error"
run oc-profile --state-dir "$S2" list --ids
is "$out" "anthropic:g" "--state-dir on oc-profile too"
for c in "oc-keys list -p anthropic --json" "oc-order get -p anthropic --json" "oc-profile list --json"; do
	# shellcheck disable=SC2086
	run env OPENCLAW_STATE_DIR="$S2" $c
	want="$rc:$out"
	# shellcheck disable=SC2086
	run ${c%% *} --state-dir "$S2" ${c#* }
	is "$rc:$out" "$want" "${c%% *} --state-dir DIR is OPENCLAW_STATE_DIR=DIR"
done
run oc-sync --state-dir "$S2" --dry-run --claude
ok "$([ "$rc" -ne 64 ] && echo 0 || echo 1)" "--state-dir on oc-sync (not a usage error)"

# ---- a Nagios check run as a user without state (the issue's case) ----
run env -i PATH="$PATH" HOME="$T_TMP/nagios-home" oc-check --nagios -w 48h
is "$rc:$(first)" "3:OC-CHECK UNKNOWN - no OpenClaw state at $T_TMP/nagios-home/.openclaw (run as the gateway's user, or give --state-dir)" \
    "NRPE's user without state: UNKNOWN and the directory looked in"

# ---- every error under --nagios: one UNKNOWN line, 3, any order ----
for args in "--nagios -x" "-x --nagios" "--nagios -w" "-w 2q --nagios" "--nagios -t 0" \
    "--nagios extra" "-q --nagios" "--nagios -j 0 --probe" "--nagios --profile ,"; do
	# shellcheck disable=SC2086
	run oc-check $args
	is "$rc" 3 "oc-check $args: 3"
	is "$(printf '%s\n' "$out" | wc -l)" 1 "oc-check $args: one line on stdout"
	like "$out" '^OC-CHECK UNKNOWN - ' "oc-check $args: it is UNKNOWN"
done
printf '{"version":1,"profiles":{' >"$A/auth-profiles.json"
run oc-check --nagios
is "$rc" 3 "a corrupt store under --nagios: 3"
like "$out" "^OC-CHECK UNKNOWN - .*auth-profiles.json" "and the line names the file"

# ---- --help ----
run oc-check --help
for o in -w -c -t -T -j -p --profile --exclude --state-dir --probe --nagios; do
	like "$out" "(^|[ ,])$o[ ,]" "--help describes $o"
done
like "$out" 'default 24h' "--help: -w's default"
like "$out" 'only once expired' "--help: -c's default"
like "$out" 'default 8000' "--help: -T's default"

# ---- probes that tell the truth ----
probe_env() {
	OC_PROBE_BASE_URL_ANTHROPIC=$FAKE_URL OC_PROBE_BASE_URL_OPENAI=$FAKE_URL/v1
	export OC_PROBE_BASE_URL_ANTHROPIC OC_PROBE_BASE_URL_OPENAI
}
put_config '{"agents":{"defaults":{"model":"openai/gpt-5"}}}'
put_store "{\"version\":1,\"profiles\":{\"openai:p\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-$(rand_str 40)\"}}}"
fake_start '[{"path":"/v1/models","status":401,"body":"{\"error\":\"bad key\"}"}]'; probe_env
run oc-check --probe --nagios
is "$rc" 2 "a rejected key under --nagios: CRITICAL"
like "$(first)" '^OC-CHECK CRITICAL - REJECTED: openai:p rejected by openai \(auth\) \| .* rejected=1;;;0 probe_unanswered=0;;;0$' \
    "called REJECTED, not EXPIRED; perfdata count it"
dead=$(fake_dead_port)
OC_PROBE_BASE_URL_OPENAI=http://127.0.0.1:$dead/v1 run oc-check --probe --nagios
is "$rc" 3 "every provider unreachable: UNKNOWN, not OK"
like "$(first)" '^OC-CHECK UNKNOWN - UNKNOWN: no probe reached its provider' "and says why"
OC_PROBE_BASE_URL_OPENAI=http://127.0.0.1:$dead/v1 run oc-check --probe
is "$rc" 69 "unreachable, text mode: exit 69"
fake_start '[{"path":"/v1/models","status":503,"body":"down"}]'; probe_env
run oc-check --probe --nagios
is "$rc" 0 "a 503 answer reached the provider: not UNKNOWN (a timeout status, not a credential problem)"

# the deadline: a provider that never answers, -t 2
fake_start '[{"path":"/v1/models","delayMs":60000,"body":"{}"}]'; probe_env
t0=$(date +%s%N)
run oc-check --probe --nagios -t 2 -T 30000
t1=$(date +%s%N)
el=$(( (t1 - t0) / 1000000 ))
is "$rc" 3 "-t 2 against a provider that never answers: UNKNOWN"
like "$(first)" '^OC-CHECK UNKNOWN - UNKNOWN: 1 of 1 probe unfinished at the -t deadline \(2s\)' \
    "and the line says the deadline cut it"
ok "$([ "$el" -lt 3000 ] && echo 0 || echo 1)" "-t 2: back in ${el} ms (under 3 s)"
run oc-check --probe --json -t 2 -T 30000
jqok '.exitCode == 75 and .verdict == "UNKNOWN" and .probes.results[0].reasonCode == "deadline"' \
    "-t, --json: exit 75, the probe's reasonCode deadline"
# answered ones are kept when the deadline cuts the rest
put_store "{\"version\":1,\"profiles\":{\"openai:p\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-$(rand_str 40)\"},\"anthropic:k\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"sk-ant-api03-$(rand_str 40)\"}}}"
fake_start '[{"path":"/a/v1/models","body":"{\"data\":[]}"},{"path":"/v1/models","delayMs":60000,"body":"{}"}]'; probe_env
OC_PROBE_BASE_URL_ANTHROPIC=$FAKE_URL/a run oc-check --probe --json -t 2 -j 2
jqok '([.probes.results[] | select(.provider == "anthropic")][0].status == "ok") and
    ([.probes.results[] | select(.provider == "openai")][0].reasonCode == "deadline")' \
    "-t: the answer that came is kept, the one cut is marked"

# the progress line: on a terminal only
fake_start '[{"path":"/v1/models","body":"{\"data\":[]}"}]'; probe_env
run oc-check --probe
unlike "$err" 'probes done' "no progress line when stderr is not a terminal"
if command -v script >/dev/null 2>&1; then
	run script -qec "$OC_BUILDDIR/oc-check --probe -q" /dev/null
	like "$out" '2 of 2 probes done' "a progress line on a terminal"
else
	skip "script(1) (bsdutils) not installed"
fi
fake_stop

done_testing
