#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-profile add and rm: the scriptable paste-token.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home

tok=$(anthropic_token)
start=$(now_ms)
run sh -c "printf '%s\n' '$tok' | oc-profile add --expires-in 12h anthropic:me"
is "$rc" 0 "add a setup-token from stdin"
like "$out" 'anthropic:me \(anthropic/token\) saved in ' "says what it saved"
jqfile "$STORE" 'type == "object"' "store is JSON"
jqfile "$STORE" '.version == 1 and .profiles["anthropic:me"].type == "token" and .profiles["anthropic:me"].provider == "anthropic"' "type and provider"
got=$(jq -r '.profiles["anthropic:me"].token' "$STORE")
is "$got" "$tok" "token stored exactly"
exp=$(jq -r '.profiles["anthropic:me"].expires' "$STORE")
end=$(now_ms)
ok "$([ "$exp" -ge $((start + 43200000 - 1000)) ] && [ "$exp" -le $((end + 43200000 + 1000)) ]; echo $?)" "expires = now + 12h"
is "$(mode_of "$STORE")" 600 "store is 0600"
is "$(mode_of "$AGENT")" 700 "agent dir is 0700"
is "$(mode_of "$STATE")" 700 "state dir is 0700"
is "$(mode_of "$CONFIG")" 600 "config is 0600"
jqfile "$CONFIG" '.auth.profiles["anthropic:me"] == {"provider":"anthropic","mode":"token"}' "config auth.profiles entry as paste-token writes it"
jqfile "$CONFIG" '.auth | has("order") | not' "no order created for a single profile"

# Whitespace and line breaks pasted around and inside an anthropic token.
half=$(printf '%s' "$tok" | cut -c1-40); rest=$(printf '%s' "$tok" | cut -c41-)
run sh -c "printf '  %s\r\n %s \n\n' '$half' '$rest' | oc-profile add anthropic:spaced"
is "$rc" 0 "a token pasted with breaks and spaces"
is "$(jq -r '.profiles["anthropic:spaced"].token' "$STORE")" "$tok" "is normalised as one token"
jqfile "$STORE" '.profiles["anthropic:spaced"] | has("expires") | not' "no --expires-in: no expires"

# Bare provider: <provider>:manual, like paste-token.
run sh -c "echo 'sk-openai-manual-123456' | oc-profile add openai"
is "$rc" 0 "add with a bare provider"
jqfile "$STORE" '.profiles["openai:manual"].token == "sk-openai-manual-123456"' "defaults the id to <provider>:manual"

# An api key, an alias provider and an e-mail.
run sh -c "echo 'zai-key-abcdef0123456789' | oc-profile add -t api_key --email me@example.org Z.AI:work"
is "$rc" 0 "add -t api_key"
jqfile "$STORE" '.profiles["Z.AI:work"] == {"type":"api_key","provider":"zai","key":"zai-key-abcdef0123456789","email":"me@example.org"}' "api_key profile with normalised provider and email"
jqfile "$CONFIG" '.auth.profiles["Z.AI:work"] == {"provider":"zai","mode":"api_key","email":"me@example.org"}' "config entry has the email"

# Config order rules (OpenClaw's applyAuthProfileConfig).
run sh -c "echo 'sk-anthropic-apikey-0123456789' | oc-profile add -t api_key anthropic:key"
jqfile "$CONFIG" '.auth.order.anthropic == ["anthropic:key","anthropic:me","anthropic:spaced"]' "mixed modes: an order is created, the new id first"
run sh -c "printf '%s' '$tok' | oc-profile add anthropic:me"
jqfile "$CONFIG" '.auth.order.anthropic == ["anthropic:me","anthropic:key","anthropic:spaced"]' "an existing order gets the id moved to the front"
ok "$([ -e "$CONFIG.bak" ]; echo $?)" "previous config kept as .bak"
is "$(mode_of "$CONFIG.bak")" 600 ".bak is 0600"

# --no-config, --ref.
cp "$CONFIG" "$T_TMP/cfg"
run sh -c "echo 'k-0123456789abcdef' | oc-profile add --no-config -t api_key groq:nc"
is "$rc" 0 "add --no-config"
ok "$(cmp -s "$CONFIG" "$T_TMP/cfg"; echo $?)" "--no-config leaves the config alone"
run oc-profile add -t api_key --ref env:default:OPENAI_API_KEY openai:ref </dev/null
is "$rc" 0 "add --ref reads no stdin"
jqfile "$STORE" '.profiles["openai:ref"] == {"type":"api_key","provider":"openai","keyRef":{"source":"env","provider":"default","id":"OPENAI_API_KEY"}}' "keyRef stored"
run oc-profile add --ref env:default:TOK openai:tokref </dev/null
jqfile "$STORE" '.profiles["openai:tokref"].tokenRef.id == "TOK"' "tokenRef for tokens"
run oc-profile add --ref bogus openai:x </dev/null
is "$rc" 64 "malformed --ref: exit 64"

# Bad input: nothing written.
sum=$(sum_of "$STORE"); csum=$(sum_of "$CONFIG")
run sh -c "echo '$tok' | oc-profile add --expires-in 5x anthropic:bad"
is "$rc" 64 "bad duration: exit 64"
like "$err" 'invalid duration "5x"' "names the bad duration"
run sh -c "printf '  \n\r\n' | oc-profile add anthropic:empty"
is "$rc" 65 "empty token: exit 65"
like "$err" 'empty token' "says it is empty"
run sh -c "echo 'sk-proj-NOT-AN-ANTHROPIC-TOKEN-0123456789' | oc-profile add anthropic:wrong"
is "$rc" 65 "non-Anthropic token for anthropic: exit 65"
like "$err" 'not an Anthropic setup-token' "explains the expected prefix"
unlike "$err" 'NOT-AN-ANTHROPIC' "the rejected secret is not echoed"
run sh -c "echo 'sk-ant-oat01-short' | oc-profile add anthropic:short"
is "$rc" 65 "too-short setup-token: exit 65"
unlike "$err" 'oat01-short' "the short token is not echoed"
run oc-profile add -t oauth anthropic:o </dev/null
is "$rc" 64 "-t oauth is refused"
run oc-profile add -t api_key --expires-in 1d openai:x </dev/null
is "$rc" 64 "--expires-in with an api key: exit 64"
run oc-profile add ':nope' </dev/null
is "$rc" 64 "id without provider: exit 64"
run oc-profile add a b </dev/null
is "$rc" 64 "two ids: exit 64"
is "$(sum_of "$STORE")" "$sum" "store unchanged by every rejected add"
is "$(sum_of "$CONFIG")" "$csum" "config unchanged by every rejected add"

# Durations: composites, bare number = days.
for d in '1h30m:5400000' '2:172800000' '90s:90000' '1.5h:5400000' '500ms:500' '1D:86400000'; do
	spec=${d%%:*}; want=${d#*:}
	b=$(now_ms)
	echo 'tok-0123456789' | oc-profile add --no-config --expires-in "$spec" openai:dur >/dev/null
	e=$(jq -r '.profiles["openai:dur"].expires' "$STORE")
	ok "$([ $((e - b - want)) -ge -1000 ] && [ $((e - b - want)) -le 2000 ]; echo $?)" "--expires-in $spec"
done
for spec in '1h 30m' '-1h' '1h30' 'h' '1w'; do
	run sh -c "echo tok | oc-profile add --no-config --expires-in '$spec' openai:dur"
	is "$rc" 64 "--expires-in '$spec' is refused"
done

# The secret never appears in argv: add reads it from stdin while we look.
mkfifo "$T_TMP/fifo"
oc-profile add -t api_key openai:argv <"$T_TMP/fifo" >/dev/null 2>&1 &
pid=$!
exec 7>"$T_TMP/fifo"
printf 'sk-SECRET-IN-FLIGHT-0123456789' >&7
sleep 0.2
cmdline=$(tr '\0' ' ' </proc/$pid/cmdline 2>/dev/null)
exec 7>&-
wait $pid
like "$cmdline" 'oc-profile add -t api_key openai:argv' "argv seen while the secret is being read"
unlike "$cmdline" 'SECRET-IN-FLIGHT' "the secret is not in argv"
jqfile "$STORE" '.profiles["openai:argv"].key == "sk-SECRET-IN-FLIGHT-0123456789"' "and arrives through stdin"

# The tty prompt path: a prompt on /dev/tty, echo off.
if command -v script >/dev/null 2>&1; then
	run sh -c "(sleep 0.5; printf 'tty-token-0123456789\n') | script -qec 'oc-profile add --no-config openai:tty' /dev/null"
	like "$out" 'Paste token for openai:tty' "on a terminal, prompts"
	unlike "$out" 'tty-token-0123456789' "and does not echo the token"
	jqfile "$STORE" '.profiles["openai:tty"].token == "tty-token-0123456789"' "the token typed at the prompt is stored"
else
	skip "script(1) (bsdutils) not installed: tty prompt not tested"
fi

# rm: profile, order, lastGood, usageStats, config entries.
jq '.order = {"anthropic":["anthropic:key","anthropic:me"]} | .lastGood = {"anthropic":"anthropic:me","openai":"openai:manual"} | .usageStats = {"anthropic:me":{"lastUsed":1},"openai:manual":{"lastUsed":2}}' "$STORE" >"$T_TMP/s" && cat "$T_TMP/s" >"$STORE"
run oc-profile rm anthropic:me
is "$rc" 0 "rm exits 0"
is "$out" "removed anthropic:me" "says what it removed"
jqfile "$STORE" '(.profiles | has("anthropic:me") | not) and .order.anthropic == ["anthropic:key"] and (.lastGood | has("anthropic") | not) and .lastGood.openai == "openai:manual" and (.usageStats | has("anthropic:me") | not) and .usageStats["openai:manual"].lastUsed == 2' "rm removes the profile and its routing entries only"
jqfile "$CONFIG" '(.auth.profiles | has("anthropic:me") | not) and .auth.order.anthropic == ["anthropic:key","anthropic:spaced"]' "rm removes the config entries"
sum=$(sum_of "$STORE")
run oc-profile rm openai:manual nope:nope
is "$rc" 1 "rm with an unknown id: exit 1"
like "$err" 'no such profile: nope:nope' "names the unknown id"
is "$(sum_of "$STORE")" "$sum" "and removes nothing"
run oc-profile rm
is "$rc" 64 "rm without ids: exit 64"
run oc-profile rm --json openai:manual groq:nc
jqok '.removed == ["openai:manual","groq:nc"]' "rm --json"

done_testing
