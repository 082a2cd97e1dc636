#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-check against the reference peer: `openclaw models status --check`
# (OpenClaw 2026.3.24) and oc-check run over the same states
# (tests/oc-check-states.sh, plus agent and error states here) must give
# the same exit code, except where oc-tools differs on purpose; those
# states are named below with the reason, and the test checks that the
# difference is exactly the documented one (see oc-check(1), DIFFERENCES).
#
# The peer comes from $OC_PEER, else from ../shared/peer/openclaw.sh (which
# prints the path of an installed wrapper); without it the test skips.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/oc-check-states.sh"

if ! peer_find; then
	echo "1..0 # SKIP $PEER_WHY"
	exit 0
fi
t_home
ROOT=$T_TMP
PEER_JOBS=${PEER_JOBS:-4}

# peer_case NAME STORE CONFIG ENV [AGENTARGS]: set up $ROOT/NAME as a home
# and run both tools in it; results in $ROOT/NAME/{peer,oc}.rc
peer_case() {
	local h="$ROOT/$1/home"
	mkdir -p "$h"
	(
		HOME=$h STATE=$h/.openclaw AGENT=$h/.openclaw/agents/main/agent
		STORE=$AGENT/auth-profiles.json CONFIG=$STATE/openclaw.json
		check_setup "$1" "$2" "$3"
		[ -n "${6:-}" ] && eval "$6"
		e=$4; [ "$e" = - ] && e=
		# shellcheck disable=SC2086
		env -i HOME="$h" PATH="$PATH" TZ=UTC $e \
		    timeout 300 "$PEER" models status --check $5 \
		    >"$ROOT/$1/peer.out" 2>"$ROOT/$1/peer.err" </dev/null
		echo $? >"$ROOT/$1/peer.rc"
		# shellcheck disable=SC2086
		env -i HOME="$h" PATH="$PATH" $e oc-check $5 \
		    >"$ROOT/$1/oc.out" 2>"$ROOT/$1/oc.err" </dev/null
		echo $? >"$ROOT/$1/oc.rc"
	)
}

# Cases: NAME|RC|STORE|CONFIG|ENV from the table, then the extras.
check_states >"$T_TMP/cases"
now=$(now_ms)
W='{"agents":{"list":[{"id":"main","default":true},{"id":"work","model":"openai/gpt-5"}]}}'
AKS='{"version":1,"profiles":{"anthropic:default":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-xyz"}}}'
WS="{\"version\":1,\"profiles\":{\"anthropic:work\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"t\",\"expires\":$((now - 3600000))}}}"
mkwork="mkdir -p \$STATE/agents/work/agent && printf '%s\\n' '$WS' >\$STATE/agents/work/agent/auth-profiles.json"

: >"$T_TMP/pids"
i=0
while IFS='|' read -r name want store config envs; do
	peer_case "$name" "$store" "$config" "$envs" "" "" &
	i=$((i + 1))
	[ $((i % PEER_JOBS)) -eq 0 ] && wait
done <"$T_TMP/cases"
peer_case agent_none "$AKS" "$W" - "" "$mkwork" &
peer_case agent_main "$AKS" "$W" - "--agent main" "$mkwork" &
peer_case agent_work "$AKS" "$W" - "--agent work" "$mkwork" &
peer_case agent_nosuch "$AKS" "$W" - "--agent nosuch" "$mkwork" &
wait
peer_case agent_env_dir "$AKS" "$W" "OPENCLAW_AGENT_DIR=$ROOT/agent_env_dir/home/.openclaw/agents/work/agent" "" "$mkwork" &
peer_case agent_default_work "$AKS" '{"agents":{"list":[{"id":"main"},{"id":"work","default":true}]}}' - "" "$mkwork" &
peer_case corrupt_store '{"version":1,"profiles":{' - - "" "" &
peer_case corrupt_config "$AKS" '{"agents":' - "" "" &
wait
peer_case dotenv_key - - - "" "mkdir -p \$STATE && echo ANTHROPIC_API_KEY=sk-ant-api03-dotenv >\$STATE/.env" &
peer_case dotenv_rotation_only - - - "" "mkdir -p \$STATE && echo ANTHROPIC_API_KEY_1=sk-ant-api03-dotenv >\$STATE/.env" &
wait

rc_of() { cat "$ROOT/$1/$2.rc"; }

# The same exit code.
same() {
	local p o
	p=$(rc_of "$1" peer); o=$(rc_of "$1" oc)
	if [ "$p" = "$o" ]; then ok 0 "$1: both exit $p"
	else
		ok 1 "$1: both exit the same"; diag "openclaw: $p, oc-check: $o"
		diag "openclaw said: $(cat "$ROOT/$1/peer.out" "$ROOT/$1/peer.err" | tail -n 5)"
		diag "oc-check said: $(cat "$ROOT/$1/oc.out" "$ROOT/$1/oc.err")"
	fi
}
# A deliberate difference: PEER_RC OC_RC WHY.
differs() {
	is "$(rc_of "$1" peer) $(rc_of "$1" oc)" "$2 $3" "$1: deliberate difference: $4"
}

while IFS='|' read -r name want store config envs; do
	same "$name"
	is "$(rc_of "$name" peer)" "$want" "$name: the peer still exits $want as recorded"
done <"$T_TMP/cases"
same agent_none
same agent_main
same agent_work
same agent_nosuch
same agent_env_dir
same dotenv_key
same dotenv_rotation_only
differs agent_default_work 0 1 \
    "without -a, oc-check checks the config's default agent (here work, expired token); models status checks main"
differs corrupt_store 1 65 \
    "a corrupt store: OpenClaw reads it as empty (anthropic missing), oc-check exits 65 naming the file and position"
like "$(cat "$ROOT/corrupt_store/oc.err")" 'auth-profiles.json: invalid JSON at line [0-9]+, column [0-9]+' \
    "corrupt_store: oc-check names the file and the position"
is "$(rc_of corrupt_config oc)" 65 \
    "corrupt_config: oc-check exits 65 (OpenClaw exits $(rc_of corrupt_config peer) with its own message)"

done_testing
