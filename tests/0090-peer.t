#!/bin/bash
# SPDX-License-Identifier: ISC
# Interoperability with the real OpenClaw 2026.3.24: what oc-tools writes,
# OpenClaw reads, and the other way round. Skipped, with the reason, when the
# reference peer cannot be installed.
. "${OC_SRCDIR:-.}/tests/lib.sh"

if ! peer_find; then
	echo "1..0 # SKIP $PEER_WHY"
	exit 0
fi
peer=$PEER
t_home
oc() { HOME=$HOME "$peer" "$@"; }

# 1. A token added by oc-profile is listed by OpenClaw with the right type and status.
tok=$(anthropic_token)
printf '%s\n' "$tok" | oc-profile add --expires-in 12h anthropic:oc >/dev/null
run oc models status --json
is "$rc" 0 "openclaw models status --json reads the store oc-profile wrote"
jqok '[.auth.oauth.profiles[] | select(.profileId == "anthropic:oc")][0] | .type == "token" and .status == "expiring" and .source == "store"' "OpenClaw lists the token as an expiring token"
jqok '[.auth.oauth.profiles[] | select(.profileId == "anthropic:oc")][0].remainingMs > 43000000' "with the expiry oc-profile set (12 h)"
run oc models status --check
is "$rc" 2 "and its --check says expiring (2)"

# 2. The config entry is what paste-token writes.
if command -v tmux >/dev/null 2>&1; then
	H2=$T_TMP/home2; mkdir -p "$H2"
	tmux new-session -d -s "ocpeer$$" -x 200 -y 40 "env HOME=$H2 $peer models auth paste-token --provider anthropic --profile-id anthropic:oc --expires-in 12h; echo \$? >$T_TMP/paste.rc; sleep 1"
	for i in $(seq 1 100); do
		tmux capture-pane -p -t "ocpeer$$" 2>/dev/null | grep -q 'Paste token' && break
		sleep 0.2
	done
	tmux send-keys -t "ocpeer$$" "$tok" Enter
	for i in $(seq 1 100); do [ -s "$T_TMP/paste.rc" ] && break; sleep 0.2; done
	tmux kill-session -t "ocpeer$$" 2>/dev/null
	is "$(cat "$T_TMP/paste.rc" 2>/dev/null)" 0 "openclaw models auth paste-token ran (through tmux)"
	a=$(jq -S '.auth.profiles["anthropic:oc"]' "$CONFIG")
	b=$(jq -S '.auth.profiles["anthropic:oc"]' "$H2/.openclaw/openclaw.json" 2>/dev/null)
	is "$a" "$b" "config auth.profiles entry matches paste-token's"
	a=$(jq -S '.profiles["anthropic:oc"] | del(.expires)' "$STORE")
	b=$(jq -S '.profiles["anthropic:oc"] | del(.expires)' "$H2/.openclaw/agents/main/agent/auth-profiles.json" 2>/dev/null)
	is "$a" "$b" "the stored profile matches paste-token's (but for the expiry instant)"
else
	skip "tmux not installed: paste-token comparison not run"
	skip "tmux not installed"
	skip "tmux not installed"
fi

# 3. Order: oc-order set -> openclaw get, and openclaw set -> oc-order get.
printf 'sk-ant-api03-%s\n' "$(rand_str 40)" | oc-profile add -t api_key anthropic:key >/dev/null
run oc-order set -p anthropic anthropic:key anthropic:oc
run oc models auth order get --provider anthropic --json
is "$rc" 0 "openclaw models auth order get reads oc-order's override"
jqok '.order == ["anthropic:key","anthropic:oc"]' "and agrees on it"
a=$(oc-order get -p anthropic --json | jq -S .)
b=$(printf '%s' "$out" | jq -S .)
is "$a" "$b" "oc-order get --json is byte-for-byte OpenClaw's JSON"
run oc models auth order set --provider anthropic anthropic:oc anthropic:key
is "$rc" 0 "openclaw models auth order set"
run oc-order get -p anthropic
is "$out" "anthropic:oc
anthropic:key" "oc-order get reads OpenClaw's override"
run oc models auth order clear --provider anthropic
run oc-order get -p anthropic --json
jqok '.order == null' "and sees OpenClaw clear it"

# 4. OpenClaw waits on a lock oc-tools holds, and oc-tools on OpenClaw's.
sleep 300 & holder=$!
printf '{"pid":%d,"createdAt":"%s"}' "$holder" "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" >"$AGENT/auth-profiles.json.lock"
( sleep 1; rm -f "$AGENT/auth-profiles.json.lock" ) &
run oc models auth order set --provider anthropic anthropic:key
is "$rc" 0 "OpenClaw waited for the lock and then wrote"
kill $holder 2>/dev/null; wait $holder 2>/dev/null
run oc-order get -p anthropic
is "$out" "anthropic:key" "its write is there"

# 5. An oc-tools rm is seen by OpenClaw.
run oc-profile rm anthropic:oc
run oc models status --json
jqok '[.auth.oauth.profiles[] | select(.profileId == "anthropic:oc")] | length == 0' "a removed profile is gone for OpenClaw"

done_testing
