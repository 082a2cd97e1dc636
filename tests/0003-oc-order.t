#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-order get, set, clear, and the effective order.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home
now=$(now_ms)
put_store '{"version":1,"profiles":{
 "anthropic:a":{"type":"api_key","provider":"anthropic","key":"sk-ant-api-aaaaaaaaaaaa"},
 "anthropic:t":{"type":"token","provider":"anthropic","token":"sk-ant-oat01-tttttttttttt","expires":'$((now + 86400000*3))'},
 "anthropic:o":{"type":"oauth","provider":"anthropic","access":"acc","refresh":"ref","expires":'$((now - 1000))'},
 "anthropic:x":{"type":"token","provider":"anthropic","token":"sk-ant-oat01-xxxxxxxxxxxx","expires":'$((now - 1000))'},
 "anthropic:i":{"type":"token","provider":"anthropic","token":"sk-ant-oat01-iiiiiiiiiiii","expires":-5},
 "anthropic:m":{"type":"api_key","provider":"anthropic"},
 "openai:k":{"type":"api_key","provider":"openai","key":"sk-openai-kkkkkkkkkk"}}}'

run oc-order -h
is "$rc" 0 "-h exits 0"
like "$out" '^usage: oc-order' "-h prints usage"
run oc-order get
is "$rc" 64 "get without -p: exit 64"
run oc-order frob -p x
is "$rc" 64 "unknown command: exit 64"

run oc-order get -p anthropic
is "$rc" 0 "get with no override exits 0"
is "$out" "" "and prints nothing"
run oc-order get -p anthropic --json
jqok '.agentId == "main" and .provider == "anthropic" and .order == null and .authStorePath == "~/.openclaw/agents/main/agent/auth-profiles.json" and (.agentDir | endswith("/.openclaw/agents/main/agent"))' "get --json has OpenClaw's fields, order null"

sum=$(sum_of "$STORE")
run oc-order set -p anthropic anthropic:nope
is "$rc" 1 "set with an unknown id: exit 1"
like "$err" 'no such profile: anthropic:nope' "names it"
run oc-order set -p anthropic anthropic:a openai:k
is "$rc" 1 "set with another provider's profile: exit 1"
like "$err" 'openai:k is for openai, not anthropic' "explains the mismatch"
run oc-order set -p anthropic
is "$rc" 64 "set without ids: exit 64"
is "$(sum_of "$STORE")" "$sum" "rejected sets write nothing"

run oc-order set -p ANTHROPIC anthropic:t anthropic:a anthropic:t
is "$rc" 0 "set exits 0"
is "$out" "anthropic:t
anthropic:a" "prints the new order, duplicates dropped, first kept"
jqfile "$STORE" '.order == {"anthropic":["anthropic:t","anthropic:a"]}' "stored under the normalised provider"
run oc-order get -p anthropic
is "$out" "anthropic:t
anthropic:a" "get prints one id per line"
mt=$(stat -c %Y.%N "$STORE" 2>/dev/null || stat -c %Y "$STORE")
sum=$(sum_of "$STORE"); sleep 1
run oc-order set -p anthropic anthropic:t anthropic:a
is "$(sum_of "$STORE")$(stat -c %Y "$STORE")" "$sum$(echo "$mt" | cut -d. -f1)" "setting the same order does not rewrite the store"

run oc-order get -p anthropic --effective --json
is "$rc" 0 "effective exits 0"
jqok '.source == "store order" and (.order | map(.profileId)) == ["anthropic:t","anthropic:a"]' "an override is followed as given"

run oc-order clear -p anthropic
is "$rc" 0 "clear exits 0"
is "$out" "" "clear prints nothing"
jqfile "$STORE" 'has("order") | not' "the last override cleared removes order"
run oc-order clear -p anthropic
is "$rc" 0 "clear again is fine"

# Round-robin: oauth, token, api_key; expired/invalid/missing excluded.
run oc-order get -p anthropic --effective --json
jqok '.source == "store profiles" and (.order | map(.profileId)) == ["anthropic:o","anthropic:t","anthropic:a"]' "round-robin by type: oauth (refreshable) then token then api_key"
jqok '(.excluded | map({(.profileId): .reason}) | add) == {"anthropic:x":"expired","anthropic:i":"invalid_expires","anthropic:m":"missing_credential"}' "excluded with OpenClaw's reason codes"
run oc-order get -p anthropic --effective
like "$out" 'anthropic:x +token +excluded: expired' "text output explains exclusions"
like "$out" 'anthropic:o +oauth +round-robin' "text output explains round-robin"

# lastUsed and cooldown.
jq --argjson n "$now" '.profiles["anthropic:t2"] = {"type":"token","provider":"anthropic","token":"t2"} | .usageStats = {"anthropic:t":{"lastUsed":($n-10)}, "anthropic:t2":{"lastUsed":($n-1000)}, "anthropic:o":{"cooldownUntil":($n+600000)}}' "$STORE" >"$T_TMP/s" && cat "$T_TMP/s" >"$STORE"
run oc-order get -p anthropic --effective --json
jqok '(.order | map(.profileId)) == ["anthropic:t2","anthropic:t","anthropic:a","anthropic:o"]' "least recently used first; cooldown last"
jqok '.order[3].reason == "cooldown" and .order[3].until > 0' "cooldown entry says until when"

# Config auth.order and auth.profiles.
put_config '{"auth":{"order":{"Anthropic":["anthropic:a","anthropic:t"]}}}'
run oc-order get -p anthropic --effective --json
jqok '.source == "config auth.order" and (.order | map(.profileId)) == ["anthropic:a","anthropic:t"]' "config auth.order applies without an override"
put_config '{"auth":{"profiles":{"anthropic:a":{"provider":"anthropic","mode":"api_key"},"anthropic:t":{"provider":"anthropic","mode":"oauth"}}}}'
run oc-order get -p anthropic --effective --json
jqok '.source == "config auth.profiles" and (.order | map(.profileId)) == ["anthropic:t","anthropic:a"]' "config auth.profiles limit the candidates (token allowed under mode oauth)"
put_config '{"auth":{"profiles":{"anthropic:a":{"provider":"anthropic","mode":"token"}}}}'
run oc-order get -p anthropic --effective --json
jqok '.excluded == [{"profileId":"anthropic:a","reason":"mode_mismatch"}] and .order == []' "a config mode that differs excludes the profile"
is "$rc" 1 "no usable profile: exit 1"

# The later layout: routing state in auth-state.json.
t_home
put_store '{"version":1,"profiles":{"openai:a":{"type":"api_key","provider":"openai","key":"k1"},"openai:b":{"type":"api_key","provider":"openai","key":"k2"}},"order":{"openai":["openai:a"]}}'
printf '{"version":1,"order":{"openai":["openai:b","openai:a"]},"lastGood":{}}\n' >"$AGENT/auth-state.json"
run oc-order get -p openai
is "$out" "openai:b
openai:a" "auth-state.json wins over the inline order"
run oc-profile path --json
jqok '.layout == "auth-state.json"' "path reports the split layout"
sum=$(sum_of "$STORE")
run oc-order set -p openai openai:a
jqfile "$AGENT/auth-state.json" '.order.openai == ["openai:a"] and .lastGood == {} and .version == 1' "set writes auth-state.json"
is "$(sum_of "$STORE")" "$sum" "and leaves auth-profiles.json alone"
run oc-order clear -p openai
jqfile "$AGENT/auth-state.json" 'has("order") | not' "clear removes it from auth-state.json"
jqfile "$STORE" 'has("order") | not' "and the stale inline copy, so it cannot come back"
run oc-order get -p openai
is "$out" "" "nothing left"

# A second agent.
t_home
put_config '{"agents":{"list":[{"id":"main"},{"id":"Work","default":true,"agentDir":"~/wdir"}]}}'
mkdir -p "$HOME/wdir"
printf '{"version":1,"profiles":{"openai:w":{"type":"api_key","provider":"openai","key":"kw"}}}\n' >"$HOME/wdir/auth-profiles.json"
run oc-order set -p openai openai:w
is "$rc" 0 "set on the config's default agent"
jqfile "$HOME/wdir/auth-profiles.json" '.order.openai == ["openai:w"]' "written to its agentDir (~ expanded)"
run oc-order get -p openai --json
jqok '.agentId == "work" and .authStorePath == "~/wdir/auth-profiles.json"' "get --json names the agent"
run oc-order -a main set -p openai openai:w
is "$rc" 1 "-a main: that profile is not in main's store"
run oc-order -a nobody get -p openai
is "$rc" 1 "unknown agent: exit 1"
like "$err" 'unknown agent id "nobody"' "names the agent"

done_testing
