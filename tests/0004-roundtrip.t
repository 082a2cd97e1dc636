#!/bin/bash
# SPDX-License-Identifier: ISC
# Round-trip fidelity: every key the tools do not understand, at any depth,
# survives a rewrite, and a change touches nothing but what it changes.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home
put_store "$(cat "$FIX/store-unknown-keys.json")"
orig=$T_TMP/orig.json
cp "$STORE" "$orig"

# same FILTER-ON-ORIG FILTER-ON-NEW DESCRIPTION: compare with jq -S
same() {
	a=$(jq -S "$1" "$orig"); b=$(jq -S "$2" "$STORE")
	if [ "$a" = "$b" ]; then ok 0 "$3"; else ok 1 "$3"; diag "$(diff <(echo "$a") <(echo "$b") 2>/dev/null || true)"; fi
}

run oc-order set -p openai openai:c openai:b
is "$rc" 0 "order set"
same 'del(.order.openai)' 'del(.order.openai)' "order set: everything else identical"
jqfile "$STORE" '.order.openai == ["openai:c","openai:b"]' "order set: the change itself"
jqfile "$STORE" '.["x-top"].nested[1] == 2.5 and .["x-top"].s == "keep/me é \u2028" and .profiles["openai:b"]["x-n"] == 12345678901234' "numbers, unicode and slashes intact"

cp "$STORE" "$orig"
run oc-order clear -p openai
same 'del(.order.openai)' '.' "order clear: everything else identical"

cp "$STORE" "$orig"
run sh -c "echo 'sk-new-0123456789abcdef' | oc-profile add -t api_key --no-config groq:new"
is "$rc" 0 "profile add"
same '.' 'del(.profiles["groq:new"])' "add: everything else identical"

cp "$STORE" "$orig"
run oc-profile rm openai:c
is "$rc" 0 "profile rm"
same 'del(.profiles["openai:c"])' '.' "rm: everything else identical (openai:c had no routing state left)"

cp "$STORE" "$orig"
run oc-profile cooldowns --clear openai:b
same 'del(.usageStats["openai:b"].cooldownUntil, .usageStats["openai:b"].errorCount)' '.' "cooldowns --clear: only the cooldown fields go"

# Legacy spellings are kept as written.
jqfile "$STORE" '.profiles["openai:b"] | has("mode") and has("apiKey") and (has("type") | not)' "legacy profile not rewritten into new spellings"

# Same for the config: unknown keys survive an add.
put_config '{
  // a comment OpenClaw users write
  "gateway": {"port": 18789, "x-cfg": [1, {"a": "b"}],},
  "auth": {"profiles": {"x:y": {"provider": "x", "mode": "api_key", "x-extra": 1}}},
  x_unquoted: "kept",
}'
run sh -c "echo 'sk-cfg-0123456789' | oc-profile add -t api_key openai:cfg"
is "$rc" 0 "add with a JSON5 config"
jqfile "$CONFIG" '.gateway == {"port":18789,"x-cfg":[1,{"a":"b"}]} and .auth.profiles["x:y"]["x-extra"] == 1 and .x_unquoted == "kept" and .auth.profiles["openai:cfg"].mode == "api_key"' "config keys survive, JSON5 read, plain JSON written"
like "$(cat "$CONFIG.bak")" 'a comment OpenClaw users write' ".bak keeps the commented original"

done_testing
