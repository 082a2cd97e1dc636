#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-profile list, show, path, cooldowns: reading the store.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home

run oc-profile -h
is "$rc" 0 "-h exits 0"
like "$out" '^usage: oc-profile' "-h prints usage on stdout"
run oc-profile -V
like "$out" 'oc-tools' "-V prints the version"
run oc-profile --bogus list
is "$rc" 64 "unknown option: exit 64"
run oc-profile frobnicate
is "$rc" 64 "unknown command: exit 64"
like "$err" 'unknown command "frobnicate"' "unknown command is named"
run oc-profile
is "$rc" 64 "no command: exit 64"

run oc-profile list
is "$rc" 0 "list on an empty home exits 0"
is "$out" "" "and prints nothing"
run oc-profile list --json
is "$(printf '%s' "$out" | jq -c .)" '{"schemaVersion":2,"agentId":"main","profiles":[]}' "list --json on an empty home: an empty profiles list"
ok "$([ ! -e "$STATE" ]; echo $?)" "reading creates nothing"

now=$(now_ms)
put_store '{"version":1,"profiles":{
 "anthropic:tok":{"type":"token","provider":"anthropic","token":"sk-ant-oat01-AAAAAAAABBBBBBBBCCCCCCCCDDDDDDDD","expires":'$((now + 3600000))'},
 "anthropic:far":{"type":"token","provider":"Anthropic","token":"sk-ant-oat01-farfarfarfarfarfar","expires":'$((now + 30*86400000))'},
 "openai:key":{"mode":"api_key","provider":"openai","apiKey":"sk-legacy-0123456789abcdef"},
 "openai:old":{"type":"token","provider":"openai","token":"tok-old-0123456789","expires":'$((now - 3600000))'},
 "openai-codex:default":{"type":"oauth","provider":"openai-codex","access":"acc-0123456789abcdefXYZ","refresh":"ref-0123456789","expires":'$((now - 60000))'},
 "zai:blank":{"type":"token","provider":"z.ai","token":"zzzzzzzzzzzz","expires":0},
 "zai:bad":{"type":"token","provider":"zai","token":"zzzzzzzzzzzz","expires":"soon"},
 "google:ref":{"type":"api_key","provider":"google","keyRef":{"source":"env","provider":"default","id":"GEMINI_API_KEY"}}
},"usageStats":{"openai:key":{"cooldownUntil":'$((now + 600000))',"errorCount":2},"anthropic:tok":{"lastUsed":'$now'}}}'

run oc-profile list
is "$rc" 0 "list exits 0"
like "$(printf '%s\n' "$out" | head -1)" '^ID +TYPE +PROVIDER +STATE +EXPIRES +SECRET$' "header line"
like "$out" 'anthropic:tok +token +anthropic +expiring +[0-9T:-]+Z +sk-ant-o\.\.\.DDDDDDDD' "expiring token, masked 8+8"
like "$out" 'anthropic:far +token +anthropic +ok ' "provider is shown normalised"
like "$out" 'openai:key +api_key +openai +static +never +sk-legac\.\.\.89abcdef' "legacy mode/apiKey read; an api key is static, as models status says"
like "$out" 'openai:old +token +openai +expired' "expired token"
like "$out" 'openai-codex:default +oauth +openai-codex +refreshable' "expired oauth with refresh token is refreshable"
like "$out" 'zai:blank +token +zai +missing' "expires 0 is a blanked source: missing"
like "$out" 'zai:bad +token +zai +missing +invalid' "non-numeric expires: missing, expiry shown as invalid"
like "$out" 'google:ref +api_key +google +static +never +<env ref>' "a keyRef is shown as a ref"
unlike "$out" 'AAAAAAAABBBBBBBBCCCCCCCC|0123456789abcdef"|acc-0123456789abcdefXYZ' "no secret in clear"

run oc-profile list --reveal
like "$out" 'sk-ant-oat01-AAAAAAAABBBBBBBBCCCCCCCCDDDDDDDD' "--reveal shows the secret"

run oc-profile list -p ANTHROPIC --json
is "$rc" 0 "list -p --json exits 0"
jqok '.profiles | length == 2 and all(.[]; .provider == "anthropic")' "-p filters on the normalised provider"
jqok '.profiles[0] | .profileId == "anthropic:tok" and .status == "expiring" and .refreshable == false and (.expiresAt|type) == "number" and (.expiresAtIso|test("Z$")) and (.remainingMs|type) == "number" and .secret == "sk-ant-o...DDDDDDDD"' "JSON fields"
run oc-profile list -p zai --json
jqok '.profiles | map([.status, .reasonCode, .expiresAt]) == [["missing","invalid_expires",null],["missing","invalid_expires",null]]' "blanked and invalid expiries in JSON: missing, reason invalid_expires"

run oc-profile show anthropic:tok
is "$rc" 0 "show exits 0"
like "$out" '^id: anthropic:tok' "show names the profile"
like "$out" 'token: sk-ant-o\.\.\.DDDDDDDD' "show masks the token"
unlike "$out" 'AAAAAAAABBBB' "show does not reveal"
run oc-profile show openai-codex:default --json
jqok '.profile.access == "acc-0123...bcdefXYZ" and .profile.refresh == "re...89" and .schemaVersion == 2 and .profileId == "openai-codex:default" and (.refreshable | type == "boolean") and has("state") == false' "show --json masks access and refresh"
run oc-profile show openai-codex:default --json --reveal
jqok '.profile.access == "acc-0123456789abcdefXYZ"' "show --reveal"
run oc-profile show nope:nope
is "$rc" 1 "show of an unknown profile: exit 1"
like "$err" 'no such profile: nope:nope' "and says so"
run oc-profile show
is "$rc" 64 "show without an id: exit 64"

run oc-profile cooldowns
is "$rc" 0 "cooldowns exits 0"
like "$out" 'openai:key +cooldown +[0-9T:.-]+Z +2' "cooldown shown with its end and error count"
like "$out" 'anthropic:tok +ok ' "a profile with usage but no cooldown is ok"
run oc-profile cooldowns --json
jqok '.cooldowns | map(select(.profileId=="openai:key"))[0] | .kind == "cooldown" and .errorCount == 2 and (.until|type)=="number"' "cooldowns --json"
cp "$STORE" "$T_TMP/before"
run oc-profile cooldowns --clear openai:key
is "$rc" 0 "cooldowns --clear exits 0"
jqfile "$STORE" '.usageStats["openai:key"] | has("cooldownUntil") or has("errorCount") | not' "cooldown fields removed"
jqfile "$STORE" '.usageStats["anthropic:tok"].lastUsed > 0' "lastUsed kept"
run oc-profile cooldowns --clear
like "$out" 'no cooldowns to clear' "clearing nothing says so"

run oc-profile path --json
jqok 'type == "object"' "path --json is an object"
jqok '.stateDir == env.HOME + "/.openclaw" and .agentId == "main" and .store == env.HOME + "/.openclaw/agents/main/agent/auth-profiles.json" and .layout == "inline" and .storeEra == "A" and .backend == "json" and .rules == "openclaw-2026.3.24"' "path --json fields"
run oc-profile path
like "$out" '^home +/' "path text output"

# States as `openclaw models status` judges them.
put_store '{"version":1,"profiles":{
 "a:oauth-noexp":{"type":"oauth","provider":"a","access":"acc-0123456789","refresh":"r"},
 "a:null":{"type":"token","provider":"a","token":"tok-0123456789","expires":null},
 "a:str":{"type":"token","provider":"a","token":"tok-0123456789","expires":"'$((now + 3600000))'"},
 "a:ws":{"type":"token","provider":"a","token":"   "}}}'
run oc-profile list --json
jqok '.profiles | map({(.profileId): [.status, .reasonCode]}) | add == {"a:oauth-noexp":["missing",null],"a:null":["missing","invalid_expires"],"a:str":["missing","invalid_expires"],"a:ws":["missing","missing_credential"]}' "oauth without expiry is missing; null or string expires is invalid; a blank token is missing"

# A corrupt store: exit 65 with file and position.
printf '{"version":1,\n "profiles":{"a:b":{"type":"token",}}}\n' >"$STORE"
run oc-profile list
is "$rc" 65 "corrupt store: exit 65"
like "$err" 'auth-profiles.json: invalid JSON at line 2, column [0-9]+' "names the file and the position"
printf '[1,2]\n' >"$STORE"
run oc-profile list
is "$rc" 65 "a store that is not an object: exit 65"
printf '{"version":1,"profiles":[]}\n' >"$STORE"
run oc-profile list
is "$rc" 65 "profiles not an object: exit 65"

# A group-readable store gets a warning.
put_store '{"version":1,"profiles":{}}'
chmod 644 "$STORE"
run oc-profile list
like "$err" 'readable by other users' "warns on a world-readable store"

done_testing
