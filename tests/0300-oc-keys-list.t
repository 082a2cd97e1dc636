#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-keys list: OpenClaw's rotation order (live-auth-keys): a live override
# alone; else the list variables split on white space, "," and ";", the
# primary variable, <P>_API_KEY_* in environment order, the google
# fallback, then the provider's known variables; trimmed, deduplicated
# (first wins); <state>/.env and gateway.env under the process environment.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
t_home

# keys PROVIDER [VAR=VALUE...]: "var=key" per line, revealed, from a clean
# environment holding only the given variables (in that order)
keys() {
	local p=$1
	shift
	run env -i HOME="$HOME" PATH="$PATH" "$@" oc-keys list -p "$p" --reveal --json
	[ "$rc" -eq 0 ] && out=$(printf '%s' "$out" | jq -r '.keys[] | "\(.var)=\(.key)"' | tr '\n' ' ')
}

run oc-keys -h
is "$rc" 0 "-h exits 0"
like "$out" "^usage: oc-keys .*list -p provider" "-h prints the usage on stdout"
run oc-keys -V
like "$out" "^oc-keys \(oc-tools\) " "-V prints the version"
run oc-keys list
is "$rc" 64 "list without -p: usage error"
run oc-keys frob
is "$rc" 64 "unknown command: 64"
# oc-keys makes no HTTP request of its own (a refresh goes through oc-http)
if command -v ldd >/dev/null 2>&1; then
	unlike "$(ldd "$(command -v oc-keys)" 2>&1)" "libcurl" "oc-keys does not link libcurl"
else
	skip "no ldd"
fi

# --- nothing at all
run env -i HOME="$HOME" PATH="$PATH" oc-keys list -p anthropic
is "$rc" 1 "no keys: exit 1"
is "$out" "" "no keys: nothing on stdout"
like "$err" "no keys for provider anthropic" "no keys: said on stderr"

# --- the live override hides everything else
keys anthropic OPENCLAW_LIVE_ANTHROPIC_KEY=" live1 " ANTHROPIC_API_KEY=p1 \
    OPENCLAW_LIVE_ANTHROPIC_KEYS=l1,l2 ANTHROPIC_API_KEY_X=x1 ANTHROPIC_OAUTH_TOKEN=o1
is "$out" "OPENCLAW_LIVE_ANTHROPIC_KEY=live1 " "live override alone, trimmed"
keys anthropic OPENCLAW_LIVE_ANTHROPIC_KEY="   " ANTHROPIC_API_KEY=p1
is "$out" "ANTHROPIC_API_KEY=p1 " "a blank live override is ignored"
keys google OPENCLAW_LIVE_GEMINI_KEY=g-live GEMINI_API_KEY=g1 GOOGLE_API_KEY=g2
is "$out" "OPENCLAW_LIVE_GEMINI_KEY=g-live " "google: the live override is OPENCLAW_LIVE_GEMINI_KEY"
keys openai OPENCLAW_LIVE_OPENAI_KEY=o-live OPENAI_API_KEYS=a,b
is "$out" "OPENCLAW_LIVE_OPENAI_KEY=o-live " "openai: live override"
keys mistral OPENCLAW_LIVE_MISTRAL_KEY=m-live MISTRAL_API_KEY=m1
is "$out" "OPENCLAW_LIVE_MISTRAL_KEY=m-live " "generic provider: OPENCLAW_LIVE_<P>_KEY"

# --- list splitting: runs of white space, commas, semicolons
keys openai OPENAI_API_KEYS="  a1,a2;a3 a4	a5
a6,, ;a7 "
is "$out" "OPENAI_API_KEYS=a1 OPENAI_API_KEYS=a2 OPENAI_API_KEYS=a3 OPENAI_API_KEYS=a4 OPENAI_API_KEYS=a5 OPENAI_API_KEYS=a6 OPENAI_API_KEYS=a7 " \
    "list split on white space, tab, newline, ',' and ';', empties dropped"
keys openai OPENAI_API_KEYS="$(printf 'u1\302\240u2\342\200\203u3')"
is "$out" "OPENAI_API_KEYS=u1 OPENAI_API_KEYS=u2 OPENAI_API_KEYS=u3 " \
    "JavaScript white space (NBSP, EM SPACE) splits too"

# --- the full order for anthropic
keys anthropic ANTHROPIC_OAUTH_TOKEN=tok ANTHROPIC_API_KEY_B=b ANTHROPIC_API_KEY=primary \
    ANTHROPIC_API_KEYS="gen1 gen2" OPENCLAW_LIVE_ANTHROPIC_KEYS="live1;live2" ANTHROPIC_API_KEY_A=a
is "$out" "OPENCLAW_LIVE_ANTHROPIC_KEYS=live1 OPENCLAW_LIVE_ANTHROPIC_KEYS=live2 ANTHROPIC_API_KEYS=gen1 ANTHROPIC_API_KEYS=gen2 ANTHROPIC_API_KEY=primary ANTHROPIC_API_KEY_B=b ANTHROPIC_API_KEY_A=a ANTHROPIC_OAUTH_TOKEN=tok " \
    "anthropic: live list, generic list, primary, prefixed (env order), known variables"
keys anthropic ANTHROPIC_API_KEY_Z=z ANTHROPIC_API_KEY_A=a ANTHROPIC_API_KEY_M=m
is "$out" "ANTHROPIC_API_KEY_Z=z ANTHROPIC_API_KEY_A=a ANTHROPIC_API_KEY_M=m " \
    "<P>_API_KEY_* in environment order, not sorted"
keys anthropic ANTHROPIC_API_KEYSX=nope ANTHROPIC_API_KEY=p anthropic_api_key_low=no
is "$out" "ANTHROPIC_API_KEY=p " "prefix match is exact and case-sensitive"

# --- dedupe across sources: first occurrence wins
keys anthropic ANTHROPIC_API_KEY=" same " ANTHROPIC_API_KEYS="same,other" \
    ANTHROPIC_API_KEY_2=other ANTHROPIC_OAUTH_TOKEN=same
is "$out" "ANTHROPIC_API_KEYS=same ANTHROPIC_API_KEYS=other " \
    "duplicates dropped after trimming; the first source is kept"

# --- google family
keys google GOOGLE_API_KEY=gk GEMINI_API_KEY_1=g1 GEMINI_API_KEY=g0 GEMINI_API_KEYS=gl
is "$out" "GEMINI_API_KEYS=gl GEMINI_API_KEY=g0 GEMINI_API_KEY_1=g1 GOOGLE_API_KEY=gk " \
    "google: GEMINI_* naming and the GOOGLE_API_KEY fallback last"
keys google-vertex GEMINI_API_KEY=g0 GOOGLE_API_KEY=gk
is "$out" "GEMINI_API_KEY=g0 GOOGLE_API_KEY=gk " "google-vertex shares google's variables"

# --- the provider id: normalised, '-' to '_'
keys z.ai ZAI_API_KEY=z1 Z_AI_API_KEY=z2
is "$out" "ZAI_API_KEY=z1 Z_AI_API_KEY=z2 " "z.ai -> zai; then its known variable Z_AI_API_KEY"
keys cloudflare-ai-gateway CLOUDFLARE_AI_GATEWAY_API_KEY=cf
is "$out" "CLOUDFLARE_AI_GATEWAY_API_KEY=cf " "'-' becomes '_'"
keys github-copilot GITHUB_TOKEN=gh3 GH_TOKEN=gh2 COPILOT_GITHUB_TOKEN=gh1
is "$out" "COPILOT_GITHUB_TOKEN=gh1 GH_TOKEN=gh2 GITHUB_TOKEN=gh3 " "known variables in the table's order"
keys ANTHROPIC ANTHROPIC_API_KEY=p
is "$out" "ANTHROPIC_API_KEY=p " "provider ids are case-insensitive"

# --- masked unless --reveal
run env -i HOME="$HOME" PATH="$PATH" ANTHROPIC_API_KEY=sk-ant-api03-abcdefghijklmnopqrstuvwxyz oc-keys list -p anthropic
is "$rc" 0 "text list: exit 0"
like "$out" "^ANTHROPIC_API_KEY +sk-ant-a\.\.\.stuvwxyz$" "text: VAR and the masked key"
unlike "$out" "abcdefghijklmnop" "the key is not shown in full"

# --- <state>/.env and gateway.env; the process environment wins
mkdir -p "$STATE" "$HOME/.config/openclaw"
printf '# keys\nexport OPENAI_API_KEY="from-dotenv"\nOPENAI_API_KEY_2=second # c\nMISTRAL_API_KEY=m-dotenv\n' >"$STATE/.env"
printf 'OPENAI_API_KEY_3=third\nOPENAI_API_KEY=from-gateway-env\nMISTRAL_API_KEY=m-gw\nGROQ_API_KEY=groq-gw\n' >"$HOME/.config/openclaw/gateway.env"
keys openai
is "$out" "OPENAI_API_KEY=from-dotenv OPENAI_API_KEY_2=second OPENAI_API_KEY_3=third " \
    ".env read with dotenv rules; gateway.env after it; the first file wins"
keys openai OPENAI_API_KEY=from-process
is "$out" "OPENAI_API_KEY=from-process OPENAI_API_KEY_2=second OPENAI_API_KEY_3=third " \
    "a variable set in the process wins over .env"
keys openai OPENAI_API_KEY=
is "$out" "OPENAI_API_KEY_2=second OPENAI_API_KEY_3=third " \
    "set but empty in the process still blocks the .env value (as dotenv)"
keys groq
is "$out" "GROQ_API_KEY=groq-gw " "gateway.env alone provides a key"
keys openai OPENCLAW_STATE_DIR="$T_TMP/other"
is "$out" "OPENAI_API_KEY=from-gateway-env OPENAI_API_KEY_3=third " \
    "OPENCLAW_STATE_DIR moves the .env with the state dir"
chmod 000 "$STATE/.env"
if [ "$(id -u)" -ne 0 ]; then
	run env -i HOME="$HOME" PATH="$PATH" oc-keys list -p groq
	is "$rc" 0 "an unreadable .env: the other sources still work"
	like "$err" "warning: .*\.env" "an unreadable .env: a warning"
else
	# root reads anything; a directory in its place is unreadable too
	chmod 600 "$STATE/.env"; mv "$STATE/.env" "$T_TMP/env.bak"; mkdir "$STATE/.env"
	run env -i HOME="$HOME" PATH="$PATH" oc-keys list -p groq
	is "$rc" 0 "an unreadable .env: the other sources still work"
	like "$err" "warning: .*\.env" "an unreadable .env: a warning"
	rmdir "$STATE/.env"; mv "$T_TMP/env.bak" "$STATE/.env"
fi
chmod 600 "$STATE/.env"

# --- --json
run env -i HOME="$HOME" PATH="$PATH" oc-keys list -p mistral --json
jqok '.schemaVersion == 2 and .provider == "mistral" and (.keys | length == 1) and .keys[0].var == "MISTRAL_API_KEY" and .keys[0].key == "m-...nv"' "--json: var and masked key"
run env -i HOME="$HOME" PATH="$PATH" oc-keys list -p nothing-here --json
is "$rc" 1 "--json with no keys: exit 1"
jqok '.keys == []' "--json with no keys: an empty keys list"

# --- --primary puts the credential `get` picks first (OpenClaw's rotation)
put_store '{"version":1,"profiles":{"openai:p":{"type":"api_key","provider":"openai","key":"from-profile"}}}'
run env -i HOME="$HOME" PATH="$PATH" oc-keys list -p openai --reveal --json --primary
jqok '[.keys[].key] == ["from-profile","from-dotenv","second","third"] and .keys[0].var == "profile:openai:p"' \
    "--primary: the profile's key first, then the env keys"
put_store '{"version":1,"profiles":{"openai:p":{"type":"api_key","provider":"openai","key":"third"}}}'
run env -i HOME="$HOME" PATH="$PATH" oc-keys list -p openai --reveal --json --primary
jqok '[.keys[].key] == ["third","from-dotenv","second"]' "--primary: a key also in env moves to the front, once"

done_testing
