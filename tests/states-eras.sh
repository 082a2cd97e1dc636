# SPDX-License-Identifier: ISC
# tests/states-eras.sh - credential states of the SQLite eras and the exit
# code the real release gave for each: `openclaw models status --json
# --check` of 2026.9.6 on a home of the cached d-fresh (era D: the rows of
# config_machine_state in state/openclaw.sqlite) and of 2026.7.35 on one of
# c-fresh (era C: the rows of agents/main/agent/openclaw-agent.sqlite).
# Each state was made the way the tests make it (states_build below: the
# rows changed inside BEGIN IMMEDIATE, the config with jq) and run through
# the release on 2026-12-01; the "why" column says which rule decides.
# Used by tests/0230-oc-check-eras.t (oc-check gives the recorded code) and
# tests/0291-oc-check-eras-peer.t (the installed releases still give it).
# Source after tests/lib.sh and tests/homes.sh.

# Times in a state are written @D30@ (30 days from now), @H2@ (2 h), @F1@
# (1 h), @M3@ (4 min) and @E1@ (1 h ago), and become epoch ms when the
# home is built (states_build), so a state waiting for its turn keeps them.
states_times() {
	ST_D30=@D30@ ST_H2=@H2@ ST_F1=@F1@ ST_M3=@M3@ ST_E1=@E1@
	ST_TOK="sk-ant-oat01-$(printf 'S%.0s' $(seq 90))"
}
_times() {
	local t
	t=$(now_ms)
	sed -e "s/@D30@/$((t + 2592000000))/g" -e "s/@H2@/$((t + 7200000))/g" \
	    -e "s/@F1@/$((t + 3600000))/g" -e "s/@M3@/$((t + 240000))/g" \
	    -e "s/@E1@/$((t - 3600000))/g"
}
# tok [EXPIRES [PROVIDER]], oa EXPIRES [REFRESH], one PROFILE: JSON pieces
_tok() { printf '{"type":"token","provider":"%s","token":"%s"%s}' "${2:-anthropic}" "$ST_TOK" "${1:+,\"expires\":$1}"; }
_oa() { printf '{"type":"oauth","provider":"anthropic","access":"acc-XYZ"%s,"expires":%s}' "${2:+,\"refresh\":\"$2\"}" "$1"; }
_one() { printf '{"version":1,"profiles":{"anthropic:a":%s}}' "$1"; }
_two() { printf '{"version":1,"profiles":{"anthropic:a":%s,"anthropic:b":%s}}' "$1" "$2"; }

# states: one line per state, fields separated by a tab:
#   ERA ID EXIT STORE CONFIG-JQ STATE ENV WHY
# ERA C or D; STORE the credential row; CONFIG-JQ a jq filter applied to
# the home's openclaw.json ("." for none); STATE the routing row ("-" for
# none); ENV "VAR=value ..." or "-".
states() {
	local om='.auth.profiles["anthropic:a"].mode="oauth"'
	local two='.auth.profiles["anthropic:b"]={"provider":"anthropic","mode":"token"}'
	local fa fr cool
	states_times
	fa="openclaw-oauth-refresh-fence:v1:0123456789abcdef0123456789abcdef:failed:access:$(printf 'a%.0s' $(seq 64))"
	fr="openclaw-oauth-refresh-fence:v1:0123456789abcdef0123456789abcdef:failed:refresh:$(printf 'b%.0s' $(seq 64))"
	cool="{\"version\":1,\"usageStats\":{\"anthropic:a\":{\"cooldownUntil\":$ST_F1,\"cooldownReason\":\"overloaded\",\"errorCount\":1}}}"
	_st() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"; }
	# ---- era D, 2026.9.6: only the profiles the model routes select count
	_st D A 0 "$(_one "$(_tok $ST_D30)")" . - - "token, 30 days"
	_st D B 2 "$(_one "$(_tok $ST_H2)")" . - - "token, 2 h: expiring"
	_st D C 1 "$(_one "$(_tok $ST_E1)")" . - - "token expired"
	_st D D 0 "$(_one "$(_tok)")" . - - "token without expiry: static"
	_st D E 1 "$(_one "$(_tok 0)")" . - - "expires 0: invalid_expires"
	_st D F 1 "$(_one "$(_oa $ST_E1 ref-1)")" "$om" - - "oauth expired with a refresh token: no longer ok"
	_st D G 2 "$(_one "$(_oa $ST_H2 ref-1)")" "$om" - - "oauth with refresh, 2 h: expiring"
	_st D H 1 "$(_one "$(_oa $ST_M3 ref-1)")" "$om" - - "oauth with refresh, 4 min: inside the 5-min margin"
	_st D I 1 "$(_one "$(_oa $ST_E1)")" "$om" - - "oauth without refresh, expired"
	_st D I2 0 "$(_one "$(_oa $ST_D30)")" "$om" - - "oauth without refresh, 30 days"
	_st D I3 1 "$(_one "$(_oa $ST_M3)")" "$om" - - "oauth without refresh, 4 min: expiring, and not usable"
	_st D J 1 "$(_one "{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"$fa\",\"refresh\":\"$fr\",\"expires\":1}")" "$om" - - "a failed refresh fence: expired"
	_st D K 0 '{"version":1,"profiles":{"anthropic:a":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-XXXX"}}}' '.auth.profiles["anthropic:a"].mode="api_key"' - - "api key: static"
	_st D L 1 '{"version":1,"profiles":{"anthropic:a":{"type":"api_key","provider":"anthropic","key":""}}}' '.auth.profiles["anthropic:a"].mode="api_key"' - - "empty api key: missing"
	_st D M 1 '{"version":1,"profiles":{"anthropic:a":{"type":"token","provider":"anthropic","tokenRef":{"source":"env","provider":"default","id":"MY_ANT_TOKEN"}}}}' . - - "tokenRef to an unset variable"
	_st D M2 0 '{"version":1,"profiles":{"anthropic:a":{"type":"token","provider":"anthropic","tokenRef":{"source":"env","provider":"default","id":"MY_ANT_TOKEN"}}}}' . - "MY_ANT_TOKEN=$ST_TOK" "tokenRef to a set variable"
	_st D N 1 "$(_one "{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"$ST_TOK\",\"expires\":$ST_D30,\"setup\":{\"replacement\":true,\"modelRef\":\"anthropic/claude-opus-4-6\",\"configJson\":\"{}\"}}")" . - - "a saved setup replacement: setup_inactive"
	_st D O 0 "$(_two "$(_tok $ST_E1)" "$(_tok $ST_D30)")" "$two" - - "a expired, b ok: the route selects b"
	_st D O2 2 "$(_two "$(_tok $ST_H2)" "$(_tok $ST_D30)")" "$two" - - "a expiring is selected first"
	_st D V1 0 "$(_two "$(_tok $ST_D30)" "$(_tok $ST_H2)")" "$two" - - "a ok selected; b expiring does not count"
	_st D P 1 "$(_two "$(_tok $ST_E1)" "$(_tok $ST_D30)")" "$two" '{"version":1,"order":{"anthropic":["anthropic:a"]}}' - "the order names only the expired a"
	_st D P2 2 "$(_two "$(_tok $ST_H2)" "$(_tok $ST_D30)")" "$two" '{"version":1,"order":{"anthropic":["anthropic:zz"]}}' - "an order of a missing id is repaired"
	_st D P3 0 "$(_one "$(_tok $ST_D30)")" . '{"version":1,"order":{"anthropic":[]}}' - "an empty order is dropped"
	_st D Q 0 "$(_two "$(_tok $ST_H2)" "$(_tok $ST_D30)")" "$two" "$cool" - "a in cooldown: b selected"
	_st D Q2 1 "$(_one "$(_tok $ST_D30)")" . "$cool" - "the only profile in cooldown"
	_st D Q3 1 "$(_one "$(_tok $ST_D30)")" . "{\"version\":1,\"usageStats\":{\"anthropic:a\":{\"disabledUntil\":$ST_F1,\"disabledReason\":\"billing\",\"errorCount\":1}}}" - "the only profile disabled (billing)"
	_st D Q4 1 "$(_one "$(_tok $ST_D30)")" . "{\"version\":1,\"usageStats\":{\"anthropic:a\":{\"blockedUntil\":$ST_F1,\"blockedReason\":\"rate_limit\"}}}" - "the only profile blocked"
	_st D Q5 1 "$(_one "$(_tok $ST_D30)")" . "{\"version\":1,\"usageStats\":{\"anthropic:a\":{\"cooldownUntil\":$ST_F1,\"cooldownReason\":\"rate_limit\",\"cooldownModel\":\"claude-opus-4-6\"}}}" - "a cooldown scoped to the default model"
	_st D R 1 '{"version":1,"profiles":{}}' 'del(.auth)' - - "no credentials at all"
	_st D R2 0 '{"version":1,"profiles":{}}' 'del(.auth)' - "ANTHROPIC_API_KEY=sk-ant-api03-ENVKEY" "the environment's key"
	_st D R3 1 '{"version":1,"profiles":{}}' . - - "a configured profile with no credential"
	_st D S 1 "$(_one "$(_tok $ST_D30)")" '.auth.profiles["anthropic:a"].mode="api_key"' - - "config mode and type disagree"
	_st D T 0 "{\"version\":1,\"profiles\":{\"anthropic:a\":$(_tok $ST_D30),\"mistral:old\":$(_tok $ST_E1 mistral)}}" . - - "an unused expired token does not count"
	_st D U1 1 "$(_one "$(_tok $ST_D30)")" '.agents.defaults.model.fallbacks=["xai/grok-4"]' - - "a fallback without credentials"
	_st D U3 0 "$(_one "$(_tok $ST_D30)")" '.agents.defaults.utilityModel=""' - - "utility model disabled"
	_st D U6 0 "$(_one "$(_tok $ST_D30)")" '.agents.defaults.model.fallbacks=["xai/grok-4"]' - "XAI_API_KEY=xai-ENVKEY" "the fallback's key from the environment"
	_st D W1 0 '{"version":1,"profiles":{"mistral:k":{"type":"api_key","provider":"mistral","key":"mk-XXXX"}}}' 'del(.auth) | .agents.defaults.model.primary="mistral/mistral-large-latest"' - - "another provider's api key"
	_st D U2 1 "$(_one "$(_tok $ST_D30)")" '.agents.defaults.imageModel={"primary":"xai/grok-4"}' - - "an image model without credentials"
	_st D U4 1 "$(_one "$(_tok $ST_D30)")" '.agents.defaults.utilityModel="xai/grok-4"' - - "a utility model without credentials"
	_st D U5 1 "$(_one "$(_tok $ST_D30)")" '.agents.defaults.model.fallbacks=["xai/grok-4"] | .auth.profiles["xai:x"]={"provider":"xai","mode":"api_key"}' - - "a configured fallback profile that is not stored"
	_st D U7 0 "$(_one "$(_tok $ST_D30)")" '.agents.defaults.models={"xai/grok-4":{},"anthropic/claude-opus-4-6":{}}' - - "an allowlisted model is not a route"
	_st D U9 0 "$(_one "$(_tok $ST_D30)")" '.agents.defaults.model.fallbacks=["xai/grok-4"] | .models.providers.xai={"baseUrl":"https://api.x.ai/v1","api":"openai-completions","apiKey":"xai-literal-key","models":[{"id":"grok-4","name":"grok-4"}]}' - - "the fallback's key in models.providers"
	local ao='.agents.defaults.model.primary="openai/gpt-6-astra"'
	_st D OA1 1 '{"version":1,"profiles":{"openai:k":{"type":"api_key","provider":"openai","key":"sk-proj-XXXXXXXX"}}}' "$ao"' | .auth.profiles={"openai:k":{"provider":"openai","mode":"api_key"}}' - - "openai/gpt-6-astra wants the codex runtime"
	_st D OA2 1 "{\"version\":1,\"profiles\":{\"openai:default\":{\"type\":\"oauth\",\"provider\":\"openai\",\"access\":\"acc\",\"refresh\":\"ref\",\"expires\":$ST_D30,\"accountId\":\"acct-1\"}}}" "$ao"' | .auth.profiles={"openai:default":{"provider":"openai","mode":"oauth"}}' - - "the same with an openai oauth login"
	_st D OA3 1 '{"version":1,"profiles":{}}' "$ao"' | del(.auth)' - - "openai route, no credentials"
	_st D OA4 1 "{\"version\":1,\"profiles\":{\"openai-codex:default\":{\"type\":\"oauth\",\"provider\":\"openai-codex\",\"access\":\"acc\",\"refresh\":\"ref\",\"expires\":$ST_D30}}}" "$ao"' | .auth.profiles={"openai-codex:default":{"provider":"openai-codex","mode":"oauth"}}' - - "an openai-codex profile is openai's"
	_st D OA5 1 '{"version":1,"profiles":{}}' "$ao"' | del(.auth)' - "OPENAI_API_KEY=sk-proj-ENVENV" "openai route, key from the environment"
	_st D OA6 1 "{\"version\":1,\"profiles\":{\"openai:default\":{\"type\":\"oauth\",\"provider\":\"openai\",\"access\":\"acc\",\"refresh\":\"ref\",\"expires\":$ST_E1,\"accountId\":\"acct-1\"}}}" "$ao"' | .auth.profiles={"openai:default":{"provider":"openai","mode":"oauth"}}' - - "openai oauth expired"
	_st D OA7 0 '{"version":1,"profiles":{"openai:k":{"type":"api_key","provider":"openai","key":"sk-proj-XXXXXXXX"}}}' "$ao"' | .auth.profiles={"openai:k":{"provider":"openai","mode":"api_key"}} | .agents.defaults.models["openai/gpt-6-astra"].agentRuntime={"id":"openclaw"}' - - "OA1 with the openclaw runtime"
	_st D V2 0 "{\"version\":1,\"profiles\":{\"anthropic:claude-cli\":$(_oa $ST_D30)}}" 'del(.auth)' - - "the retired claude-cli id still counts in status"
	# ---- era C, 2026.7.35: provider rollups over the providers in use
	_st C C1 0 "$(_one "$(_tok $ST_D30)")" . - - "token, 30 days"
	_st C C2 2 "$(_one "$(_tok $ST_H2)")" . - - "token, 2 h"
	_st C C3 1 "$(_one "$(_tok $ST_E1)")" . - - "token expired"
	_st C C4 1 "$(_one "$(_oa $ST_E1 ref-1)")" "$om" - - "oauth expired with a refresh token"
	_st C C5 2 "$(_one "$(_oa $ST_H2 ref-1)")" "$om" - - "oauth with refresh, 2 h"
	_st C C6 0 "{\"version\":1,\"profiles\":{\"anthropic:a\":$(_tok $ST_D30),\"mistral:old\":$(_tok $ST_E1 mistral)}}" . - - "an unused provider does not count"
	_st C C7 2 "$(_two "$(_tok $ST_D30)" "$(_tok $ST_H2)")" "$two" - - "the rollup counts every eligible profile"
	_st C C8 0 "$(_two "$(_tok $ST_E1)" "$(_tok $ST_D30)")" "$two" - - "an expired profile is not eligible"
	_st C C9 0 "$(_one "$(_tok $ST_D30)")" . "$cool" - "cooldowns are not looked at"
	_st C C10 2 "$(_one "$(_oa $ST_M3 ref-1)")" "$om" - - "oauth, 4 min: expiring (no margin rule)"
	_st C C11 1 '{"version":1,"profiles":{}}' 'del(.auth)' - - "nothing"
}

# states_build ERA STORE CONFIG-JQ STATE: $HOME (empty, from t_home) made
# into the state: the era's cached home, its store row and routing row
# replaced in one BEGIN IMMEDIATE transaction, the config filtered by jq.
states_build() {
	local era=$1 store=$2 cfg=$3 state=$4 db q qs now sql
	now=$(now_ms)
	q=$(printf '%s' "$store" | _times | sed "s/'/''/g")
	qs=$(printf '%s' "$state" | _times | sed "s/'/''/g")
	case $era in
	D)
		home_load d-fresh || return 1
		db=$(sql_db state)
		sql="UPDATE config_machine_state SET value_json='$q', updated_at_ms=$now WHERE state_key='authProfiles.store';"
		if [ "$state" != - ]; then
			sql="$sql INSERT INTO config_machine_state(state_key,value_json,updated_at_ms) VALUES('authProfiles.state','$qs',$now) ON CONFLICT(state_key) DO UPDATE SET value_json=excluded.value_json, updated_at_ms=excluded.updated_at_ms;"
		fi ;;
	C)
		home_load c-fresh || return 1
		db=$(sql_db main)
		sql="UPDATE auth_profile_store SET store_json='$q', updated_at=$now WHERE store_key='primary';"
		if [ "$state" != - ]; then
			sql="$sql INSERT INTO auth_profile_state(state_key,state_json,updated_at) VALUES('primary','$qs',$now) ON CONFLICT(state_key) DO UPDATE SET state_json=excluded.state_json, updated_at=excluded.updated_at;"
		fi ;;
	*) echo "states_build: era $era" >&2; return 1 ;;
	esac
	sql_update "$db" "$sql" || return 1
	if [ "$cfg" != . ]; then
		local f=$HOME/.openclaw/openclaw.json
		jq "$cfg" "$f" >"$f.new" && cat "$f.new" >"$f" && rm -f "$f.new" || return 1
	fi
}
