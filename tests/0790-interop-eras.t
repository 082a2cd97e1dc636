#!/bin/bash
# SPDX-License-Identifier: ISC
# oc-tools and the real OpenClaw on the same SQLite store, both ways:
# 2026.9.6 ($OC_PEER_D) on its own homes (tests/fixtures/homes d-*) and
# 2026.7.35 ($OC_PEER_C) on c-fresh. What oc-profile add writes, OpenClaw
# lists with the right type and status; what `openclaw models auth
# paste-token` writes, oc-profile lists; `oc-order set` and `openclaw models
# auth order set` read each other's orders, and `oc-order get --json` is
# `openclaw models auth order get --json`, authStatePath included; 8
# oc-profile writers x 50 changes beside a loop of OpenClaw's own writes
# lose nothing on either side and OpenClaw never sees "database is locked";
# `oc-profile migrate` on a home 2026.9.6 refuses leaves one it reads, with
# every profile and order the JSON files held. Without a release its part
# skips, saying why; CI installs both.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/homes.sh"
. "$OC_SRCDIR/tests/backends.sh"

t_home
if ! homes_available; then
	skip "$HOMES_WHY"
	done_testing
	exit
fi
TOK=sk-ant-oat01-$(rand_str 90)

# oc_peer WRAPPER ARGS...: OpenClaw on $HOME in a clean environment, stdin
# from $PEER_IN (default nothing); sets $rc, $out, $err
oc_peer() {
	local p=$1
	shift
	env -i PATH=/usr/bin:/bin HOME="$HOME" TZ=UTC timeout 300 "$p" "$@" \
	    <"${PEER_IN:-/dev/null}" >"$T_TMP/.pout" 2>"$T_TMP/.perr"
	rc=$?
	out=$(cat "$T_TMP/.pout")
	err=$(cat "$T_TMP/.perr")
}
# The JSON object in $out (OpenClaw may print a plugin line before it).
pjson() { printf '%s\n' "$out" | sed -n '/^{/,$p'; }

D=$(peer_for D 2>"$T_TMP/why") || D=
whyD=$(cat "$T_TMP/why")
C=$(peer_for C 2>"$T_TMP/why") || C=
whyC=$(cat "$T_TMP/why")

if [ -n "$D" ]; then
	# ---- oc-profile add -> models auth list / models status
	t_home
	home_load d-fresh
	run_in "$TOK" oc-profile add -t token --expires-in 2h anthropic:t
	is "$rc" 0 "9.6: oc-profile add a token to the shared store"
	run_in "sk-proj-$(rand_str 40)" oc-profile add -t api_key openai:k
	is "$rc" 0 "9.6: and an api key"
	oc_peer "$D" models auth list --json
	is "$rc" 0 "9.6 models auth list reads the store"
	out=$(pjson)
	jqok '[.profiles[] | "\(.id)=\(.type)"] | sort == ["anthropic:a=token", "anthropic:t=token", "openai:k=api_key"]' \
	    "9.6 lists both with their types beside its own"
	jqok '.profiles[] | select(.id == "anthropic:t") | .expiresAt | fromdateiso8601? // (sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) | . > now + 7000 and . < now + 7300' \
	    "9.6 reads the token's expiry as 2 h from now"
	oc_peer "$D" models status --json
	out=$(pjson)
	jqok '.auth.oauth.profiles[] | select(.profileId == "anthropic:t") | .type == "token" and .status == "expiring"' \
	    "9.6 models status: the token is expiring, as oc-profile says"
	run oc-profile --json show anthropic:t
	jqok '.status == "expiring"' "oc-profile show says expiring too"

	# ---- models auth paste-token -> oc-profile list
	PEER_IN=$T_TMP/tok
	printf '%s\n' "$TOK" >"$PEER_IN"
	oc_peer "$D" models auth paste-token --provider anthropic --profile-id anthropic:p --expires-in 30d
	PEER_IN=
	is "$rc" 0 "9.6 paste-token into the same store"
	run oc-profile --json list
	jqok '.profiles | map(select(.profileId == "anthropic:p" and .type == "token" and .status == "ok")) | length == 1' \
	    "oc-profile lists OpenClaw's token, ok"
	jqok '.profiles[] | select(.profileId == "anthropic:p") | (.expiresAt / 1000) > now + 86400 * 29.9 and (.expiresAt / 1000) < now + 86400 * 30.1' \
	    "with OpenClaw's 30-day expiry"
	jqok '.profiles | map(.profileId) | sort == ["anthropic:a", "anthropic:p", "anthropic:t", "openai:k"]' \
	    "and everything oc-profile wrote is still there"
	run oc-keys get -p anthropic --profile anthropic:p
	is "$out" "$TOK" "oc-keys get gives OpenClaw's token back"

	# ---- order: oc-order set <-> models auth order get, both ways
	t_home
	home_load d-agentdb
	run_in "$TOK" oc-profile add --no-config -t token anthropic:b
	run oc-order set -p anthropic anthropic:b anthropic:a
	is "$rc" 0 "9.6: oc-order set"
	oc_peer "$D" models auth order get --provider anthropic --json
	is "$rc" 0 "9.6 models auth order get"
	peer_json=$(pjson | jq -S .)
	run oc-order --json get -p anthropic
	is "$(printf '%s' "$out" | jq -S .)" "$peer_json" "oc-order get --json is models auth order get --json"
	is "$(printf '%s' "$peer_json" | jq -c .order)" '["anthropic:b","anthropic:a"]' "9.6 reads oc-order's order"
	is "$(printf '%s' "$peer_json" | jq -r .authStatePath)" "~/.openclaw/agents/main/agent/openclaw-agent.sqlite" \
	    "in the agent's own database (authStatePath)"
	oc_peer "$D" models auth order set --provider anthropic anthropic:a
	is "$rc" 0 "9.6 models auth order set"
	run oc-order --json get -p anthropic
	jqok '.order == ["anthropic:a"]' "oc-order get reads OpenClaw's order"
	oc_peer "$D" models auth order get --provider anthropic --json
	peer_json=$(pjson | jq -S .)
	run oc-order --json get -p anthropic
	is "$(printf '%s' "$out" | jq -S .)" "$peer_json" "and prints what OpenClaw prints"
	run oc-order clear -p anthropic
	oc_peer "$D" models auth order get --provider anthropic --json
	out=$(pjson)
	jqok '.order == null' "after oc-order clear 9.6 has no order"

	# another agent: its own row, merged with the shared store
	t_home
	home_load d-two-agents
	run oc-order -a work set -p anthropic anthropic:workonly anthropic:a
	is "$rc" 0 "9.6: oc-order -a work set"
	oc_peer "$D" models auth order get --agent work --provider anthropic --json
	peer_json=$(pjson | jq -S .)
	run oc-order -a work --json get -p anthropic
	is "$(printf '%s' "$out" | jq -S .)" "$peer_json" "-a work: oc-order get --json is models auth order get --agent work --json"
	jqok '.authStatePath == "~/.openclaw/agents/work/agent/openclaw-agent.sqlite" and .order == ["anthropic:workonly", "anthropic:a"]' \
	    "in the work agent's own database"

	# ---- 8 writers x 50 beside OpenClaw's own writes
	t_home
	home_load d-fresh
	for w in 1 2 3 4 5 6 7 8; do
		(
			f=0
			for i in $(seq 1 50); do
				printf 'sk-w%s-%s-0123456789abcdef' "$w" "$i" |
				    oc-profile add --no-config -t api_key --wait 60s "groq:w$w-$i" >/dev/null 2>>"$T_TMP/w.err" ||
				    f=$((f + 1))
			done
			echo "$f" >"$T_TMP/w$w.fails"
		) &
		eval "W$w=\$!"
	done
	printf '%s\n' "$TOK" >"$T_TMP/tok"
	j=0 peer_fail=0
	: >"$T_TMP/peer.log"
	# OpenClaw writes while the writers run, and at least twice
	while [ "$j" -lt 2 ] || kill -0 "$W1" "$W2" "$W3" "$W4" "$W5" "$W6" "$W7" "$W8" 2>/dev/null; do
		j=$((j + 1))
		env -i PATH=/usr/bin:/bin HOME="$HOME" timeout 300 "$D" models auth paste-token \
		    --provider anthropic --profile-id "anthropic:oc$j" --expires-in 30d \
		    <"$T_TMP/tok" >>"$T_TMP/peer.log" 2>&1 || peer_fail=$((peer_fail + 1))
		[ "$j" -lt 40 ] || break
	done
	wait
	diag "OpenClaw wrote $j times while 8 writers made 400 changes"
	is "$(cat "$T_TMP"/w?.fails | awk '{ n += $1 } END { print n }')" 0 "all 400 oc-profile writes succeeded"
	is "$peer_fail" 0 "all $j OpenClaw writes succeeded"
	unlike "$(cat "$T_TMP/peer.log")" "database is locked|SQLITE_BUSY" "OpenClaw never saw the database locked"
	is "$(cat "$T_TMP/w.err" 2>/dev/null)" "" "no oc-profile writer reported an error"
	be_init d-fresh
	is "$(be_creds | jq '[.profiles | keys[] | select(startswith("groq:w"))] | length')" 400 "the store holds all 400 oc-profile changes"
	is "$(be_creds | jq '[.profiles | keys[] | select(startswith("anthropic:oc"))] | length')" "$j" "and all $j of OpenClaw's"
	oc_peer "$D" models auth list --json
	out=$(pjson)
	jqok "[.profiles[] | select(.id | startswith(\"groq:w\"))] | length == 400" "and OpenClaw lists all 400"

	# ---- migrate: a home 2026.9.6 refuses becomes one it reads
	t_home
	home_load d-legacy-json
	ad=$HOME/.openclaw/agents/main/agent
	now=$(now_ms)
	jq --argjson e $((now + 86400000 * 10)) '.profiles["openai:k"] = {type: "api_key", provider: "openai", key: "sk-proj-legacy-0123456789"}
	    | .profiles["anthropic:o"] = {type: "oauth", provider: "anthropic", access: "acc-legacy", refresh: "ref-legacy", expires: $e}' \
	    "$ad/auth-profiles.json" >"$T_TMP/ap" && cat "$T_TMP/ap" >"$ad/auth-profiles.json"
	printf '{"version":1,"order":{"anthropic":["anthropic:o","anthropic:a"]},"lastGood":{"anthropic":"anthropic:a"}}\n' >"$ad/auth-state.json"
	chmod 600 "$ad/auth-state.json"
	oc_peer "$D" models status --json
	is "$rc" 1 "9.6 refuses the legacy home"
	like "$out$err" "legacy credential migration" "asking for migration"
	run oc-check
	is "$rc" 1 "oc-check: 1 on it"
	like "$out$err" "migrat" "saying the gateway refuses the agent until migrated"
	run oc-profile migrate --dry-run
	is "$rc" 0 "migrate --dry-run"
	ok "$([ -f "$ad/auth-profiles.json" ] && [ -f "$ad/auth-state.json" ]; echo $?)" "--dry-run leaves the files"
	run oc-profile migrate
	is "$rc" 0 "migrate"
	ok "$([ ! -e "$ad/auth-profiles.json" ] && [ ! -e "$ad/auth-state.json" ]; echo $?)" "the JSON files are gone from where OpenClaw looks"
	like "$(ls "$ad")" 'auth-profiles\.json\.migrated-[0-9TZ:.-]+-[0-9a-f-]{36}' "archived under OpenClaw's .migrated-<iso>-<uuid> name"
	oc_peer "$D" models status --json
	is "$rc" 0 "9.6 models status no longer refuses"
	oc_peer "$D" models auth list --json
	out=$(pjson)
	jqok '[.profiles[] | "\(.id)=\(.type)"] | sort == ["anthropic:a=token", "anthropic:o=oauth", "openai:k=api_key"]' \
	    "9.6 lists every profile the JSON held"
	oc_peer "$D" models auth order get --provider anthropic --json
	out=$(pjson)
	jqok '.order == ["anthropic:o", "anthropic:a"]' "and its order"
else
	skip "9.6 interop: $whyD"
fi

if [ -n "$C" ]; then
	t_home
	home_load c-fresh
	run_in "$TOK" oc-profile add -t token --expires-in 2h anthropic:t
	is "$rc" 0 "7.35: oc-profile add to the agent database"
	oc_peer "$C" models status --json
	out=$(pjson)
	jqok '.auth.oauth.profiles[] | select(.profileId == "anthropic:t") | .type == "token" and .status == "expiring"' \
	    "7.35 models status: the token is expiring"
	printf '%s\n' "$TOK" >"$T_TMP/tok"
	PEER_IN=$T_TMP/tok
	oc_peer "$C" models auth paste-token --provider anthropic --profile-id anthropic:p --expires-in 30d
	PEER_IN=
	is "$rc" 0 "7.35 paste-token"
	run oc-profile --json list
	jqok '.profiles | map(.profileId) | sort == ["anthropic:a", "anthropic:p", "anthropic:t"]' "oc-profile lists OpenClaw's token beside its own"
	jqok '.profiles[] | select(.profileId == "anthropic:p") | .type == "token" and .status == "ok"' "ok"
	run oc-order set -p anthropic anthropic:p anthropic:a
	oc_peer "$C" models auth order get --provider anthropic --json
	peer_json=$(pjson | jq -S .)
	is "$(printf '%s' "$peer_json" | jq -c .order)" '["anthropic:p","anthropic:a"]' "7.35 reads oc-order's order"
	run oc-order --json get -p anthropic
	is "$(printf '%s' "$out" | jq -S .)" "$peer_json" "oc-order get --json is 7.35's models auth order get --json"
	oc_peer "$C" models auth order set --provider anthropic anthropic:a
	run oc-order --json get -p anthropic
	jqok '.order == ["anthropic:a"]' "oc-order reads 7.35's order"
else
	skip "7.35 interop: $whyC"
fi

done_testing
