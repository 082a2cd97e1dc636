#!/bin/bash
# SPDX-License-Identifier: ISC
# The EXAMPLES of oc-profile(1), oc-order(1) and oc(7) that can run, run.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home
now=$(now_ms)

# oc-profile(1): an API key without touching the config.
KEY=sk-example-0123456789abcdef
run sh -c "printf '%s' '$KEY' | oc-profile add -t api_key --no-config openai:ci"
is "$rc" 0 "oc-profile(1): add -t api_key --no-config"
ok "$([ ! -e "$CONFIG" ]; echo $?)" "no config written"

# A setup-token from a file (the pass(1) example, with cat).
anthropic_token >"$T_TMP/token.txt"
run sh -c "cat '$T_TMP/token.txt' | oc-profile add --expires-in 365d anthropic:me"
is "$rc" 0 "oc-profile(1): add --expires-in 365d from a pipe"

jq --argjson n "$now" '.profiles["openai:old"] = {"type":"token","provider":"openai","token":"t-old","expires":($n-1000)} | .profiles["openai:old2"] = {"type":"token","provider":"openai","token":"t-old2","expires":($n-5000)}' "$STORE" >"$T_TMP/s" && cat "$T_TMP/s" >"$STORE"
run sh -c "oc-profile list --json | jq -r '.profiles[] | select(.status == \"expired\") | .profileId'"
is "$out" "openai:old
openai:old2" "oc-profile(1): the ids of every expired profile"
run sh -c "oc-profile list --json | jq -r '.profiles[] | select(.status == \"expired\") | .profileId' | xargs -r oc-profile rm"
is "$rc" 0 "oc-profile(1)/oc(7): remove them"
jqfile "$STORE" '.profiles | keys == ["anthropic:me","openai:ci"]' "only the expired ones went"

# oc-order(1).
printf 'sk-ant-api03-%s' "$(rand_str 30)" | oc-profile add -t api_key anthropic:key >/dev/null
run oc-order set -p anthropic anthropic:key anthropic:me
is "$rc" 0 "oc-order(1): set"
run oc-order get -p anthropic --effective
like "$out" '^anthropic:key +api_key +store order' "oc-order(1): get --effective"
printf 'sk-a' | oc-profile add -t api_key --no-config openai:a >/dev/null
printf 'sk-b' | oc-profile add -t api_key --no-config openai:b >/dev/null
oc-order set -p openai openai:ci openai:a openai:b >/dev/null
run sh -c "oc-order get -p openai | { read -r first; cat; echo \"\$first\"; } | xargs oc-order set -p openai"
is "$out" "openai:a
openai:b
openai:ci" "oc-order(1): rotate the first profile to the end"

# oc(7): the profile that expires last first.
printf '%s' "$(anthropic_token)" | oc-profile add --expires-in 30d anthropic:short >/dev/null
run sh -c "oc-profile list -p anthropic --json | jq -r '.profiles | sort_by(-(.expiresAt // 0)) | .[].profileId' | xargs oc-order set -p anthropic"
is "$out" "anthropic:me
anthropic:short
anthropic:key" "oc(7): order by expiry, latest first"

# oc(7): over ssh, the token from a file on stdin (ssh replaced by sh -c).
run sh -c "sh -c 'oc-profile add --expires-in 365d anthropic:ssh' < '$T_TMP/token.txt'"
is "$rc" 0 "oc(7): add reads a redirected file, no terminal needed"

done_testing
