#!/bin/sh
# SPDX-License-Identifier: ISC
# The dotenv parser against what OpenClaw's dotenv 17 returns for the same
# file (the expected JSON was produced by dotenv.parse under Node 24), and
# the loading rules: the last duplicate in a file wins, <state>/.env wins
# over gateway.env, the process environment over both.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
t_home
DUMP="$OC_BUILDDIR/tests/progs/dotenv-dump"

run "$DUMP" "$FIX/dotenv-tricky.env"
is "$rc" 0 "the tricky file parses"
want=$(jq -S . "$FIX/dotenv-tricky.json")
got=$(printf '%s' "$out" | jq -S .)
is "$got" "$want" "every key and value as dotenv.parse gives them"
for k in L Y N W U R E F G export spaced.key-1 SEP; do
	is "$(printf '%s' "$out" | jq -r --arg k "$k" '.[$k]')" "$(jq -r --arg k "$k" '.[$k]' "$FIX/dotenv-tricky.json")" "key $k"
done

# entry spans (used by set): from the key's line to the end of the value's line
printf '# c\n  export A="one\ntwo" # t\nB=2\n' >"$T_TMP/s.env"
run "$DUMP" -s "$T_TMP/s.env"
jqok '.[0] | .key == "A" and .value == "one\ntwo" and .start == 4 and .end == 28 and .exported' "a multi-line entry's span"
jqok '.[1] | .key == "B" and .start == 29 and .end == 32 and (.exported | not)' "the next entry's span"

printf 'A=1\nB=\0\n' >"$T_TMP/nul.env"
run "$DUMP" "$T_TMP/nul.env"
is "$rc" 65 "a NUL byte is an error"

# loading
mkdir -p "$STATE" "$HOME/.config/openclaw"
printf 'OPENAI_API_KEY=first\nOPENAI_API_KEY=second\n' >"$STATE/.env"
printf 'OPENAI_API_KEY=gw\nXAI_API_KEY=xgw\n' >"$HOME/.config/openclaw/gateway.env"
run env -i HOME="$HOME" PATH="$PATH" oc-keys get -p openai
is "$out" "second" "within one file the last duplicate wins"
run env -i HOME="$HOME" PATH="$PATH" oc-keys get -p xai
is "$out" "xgw" "gateway.env is read"
rm "$STATE/.env"
run env -i HOME="$HOME" PATH="$PATH" oc-keys get -p openai
is "$out" "gw" "without <state>/.env, gateway.env's value"
run env -i HOME="$HOME" PATH="$PATH" OPENAI_API_KEY=proc oc-keys get -p openai
is "$out" "proc" "the process environment wins over both"

done_testing
