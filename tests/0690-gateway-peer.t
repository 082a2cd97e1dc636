#!/bin/bash
# SPDX-License-Identifier: ISC
# --reload against the real gateway of OpenClaw 2026.9.6: a home made by
# OpenClaw itself (era D: the write commits the shared SQLite row), a
# token-auth gateway on a loopback port, a write with --reload, and the
# gateway's own log showing the models.authRefresh call.
# Skipped, with the reason, unless OC_PEER_D names the 2026.9.6 wrapper.
# OpenClaw always runs with a clean environment and the scratch HOME; it
# has no network route, and nothing here asks it to reach a provider.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"

peer=${OC_PEER_D:-}
mkhome=$OC_SRCDIR/../shared/peer/make-home.sh
if [ -z "$peer" ] || [ ! -x "$peer" ]; then
	echo "1..0 # SKIP OC_PEER_D does not name an OpenClaw 2026.9.6 wrapper"
	exit 0
fi
pkg=$(dirname "$peer")/node_modules/openclaw/package.json
if [ -r "$pkg" ] && [ "$(jq -r .version "$pkg")" != 2026.9.6 ]; then
	echo "1..0 # SKIP OC_PEER_D is OpenClaw $(jq -r .version "$pkg"), not 2026.9.6"
	exit 0
fi
if [ ! -r "$mkhome" ]; then
	echo "1..0 # SKIP $mkhome not found"
	exit 0
fi
t_home
H=$T_TMP/home
oc() { env -i PATH=/usr/bin:/bin HOME="$H" timeout 300 "$peer" "$@"; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
GW_PID=
gw_stop() {
	if [ -n "$GW_PID" ]; then
		kill -TERM -- "-$GW_PID" 2>/dev/null
		for _ in $(seq 1 100); do
			kill -0 -- "-$GW_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL -- "-$GW_PID" 2>/dev/null
		wait "$GW_PID" 2>/dev/null
		GW_PID=
	fi
}
trap gw_stop EXIT

# 1. OpenClaw's own home, then the gateway's port and token, with the token
# in a batch file (never on a command line)
bash "$mkhome" "$H" 2026.9.6 >/dev/null 2>"$T_TMP/mkhome.err"
ok $? "make-home.sh made a 2026.9.6 home"
port=$(fake_dead_port)
tok="gwtok-$(rand_str 40)"
printf '[{"path":"gateway.mode","value":"local"},{"path":"gateway.port","value":%s},{"path":"gateway.bind","value":"loopback"},{"path":"gateway.auth.mode","value":"token"},{"path":"gateway.auth.token","value":"%s"}]\n' \
    "$port" "$tok" >"$T_TMP/gw-batch.json"
chmod 600 "$T_TMP/gw-batch.json"
oc config set --batch-file "$T_TMP/gw-batch.json" >"$T_TMP/config-set.out" 2>&1
ok $? "openclaw config set --batch-file: gateway.port and gateway.auth.token"
rm -f "$T_TMP/gw-batch.json"
jqfile "$H/.openclaw/openclaw.json" ".gateway.port == $port and .gateway.auth.mode == \"token\"" \
    "the config holds the gateway's port and auth mode"

# 2. the gateway, in a process group of its own, logging every RPC
# (--verbose). It listens well before it takes connects: until its
# start-up sidecars are done it answers connect UNAVAILABLE. Ready is when
# a --reload goes through (about 30 s and more on a loaded machine).
setsid env -i PATH=/usr/bin:/bin HOME="$H" "$peer" gateway run --port "$port" --bind loopback --verbose \
    >"$T_TMP/gw.log" 2>&1 </dev/null &
GW_PID=$!
HOME=$H
export HOME
# add ID [OPTIONS]: a write to the home's own store, the shared SQLite row
# of era D; --no-config leaves the config the gateway watches alone
add() {
	local id=$1
	shift
	run_in "sk-test-$(rand_str 30)" oc-profile add -t api_key --no-config "$@" "$id"
}
refreshes() { grep -c 'res .*models\.authRefresh' "$T_TMP/gw.log" 2>/dev/null; }
t0=$(ms)
up=
for _ in $(seq 1 150); do
	kill -0 "$GW_PID" 2>/dev/null || break
	if grep -q '\[gateway\] ready' "$T_TMP/gw.log" 2>/dev/null; then
		add anthropic:probe --reload
		if ! printf '%s\n' "$err" | grep -q 'gateway was not told'; then
			up=1
			break
		fi
	fi
	sleep 2
done
diag "gateway start-up, until a --reload went through: $(( $(ms) - t0 )) ms"
if [ -z "$up" ]; then
	ok 1 "the gateway started and took a --reload"
	diag "$(tail -20 "$T_TMP/gw.log")"
	done_testing
	exit
fi
ok 0 "the gateway started on 127.0.0.1:$port and took a --reload"

# 3. the write with --reload, timed against the same write without
n0=$(refreshes)
t1=$(ms)
add anthropic:oc1
t2=$(ms)
add anthropic:oc2 --reload
t3=$(ms)
is "$rc" 0 "oc-profile add --reload: exit 0"
unlike "$err" 'gateway|reload' "no warning about the gateway: it was told"
run oc-profile --json path
jqok '.storeEra == "D" and .backend == "sqlite"' "the home is era D: the write went to SQLite"
if sqlite3 -readonly "$H/.openclaw/state/openclaw.sqlite" \
    "select value_json from config_machine_state where state_key='authProfiles.store'" 2>/dev/null |
    jq -e '.profiles | has("anthropic:oc2")' >/dev/null 2>&1; then
	ok 0 "the profile is in the shared row the gateway reads (authProfiles.store)"
else ok 1 "the profile is in the shared row the gateway reads (authProfiles.store)"; fi
if [ -e "$H/.openclaw/agents/main/agent/auth-profiles.json" ]; then
	ok 1 "no auth-profiles.json beside it"
else ok 0 "no auth-profiles.json beside it"; fi
diag "oc-profile add without --reload: $((t2 - t1)) ms, with --reload: $((t3 - t2)) ms"
seen=
for _ in $(seq 1 40); do
	[ "$(refreshes)" -gt "$n0" ] && { seen=1; break; }
	sleep 0.25
done
ok $((seen ? 0 : 1)) "the gateway's log shows the models.authRefresh call"
[ -z "$seen" ] && diag "$(tail -20 "$T_TMP/gw.log")"
line=$(grep 'res .*models\.authRefresh' "$T_TMP/gw.log" | tail -1)
like "$line" '✓' "and that it succeeded"
diag "gateway: $line"
if grep -qF -- "$tok" "$T_TMP/gw.log"; then ok 1 "the token is not in the gateway's log"
else ok 0 "the token is not in the gateway's log"; fi

# 4. a wrong token: refused, said, the write stands. oc-tools reads a copy
# of the config (the gateway hot-reloads its own on a change)
jq '.gateway.auth.token = "not-the-token"' "$H/.openclaw/openclaw.json" >"$T_TMP/wrong.json"
chmod 600 "$T_TMP/wrong.json"
OPENCLAW_CONFIG_PATH=$T_TMP/wrong.json add anthropic:oc3 --reload
is "$rc" 0 "a wrong token: the write's exit status"
like "$err" 'warning: the running gateway was not told to reload \(the gateway refused the token from gateway.auth.token \(AUTH_TOKEN_MISMATCH' \
    "the real gateway's refusal is reported as such"
unlike "$err" "$tok" "the token is not on stderr"

# 5. stop it
gw_stop
ok 0 "the gateway was stopped (TERM to its process group)"
add anthropic:oc4 --reload
like "$err" "note: no gateway is listening on 127.0.0.1:$port" "after it stopped: not running, a note"

done_testing
