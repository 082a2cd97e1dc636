#!/bin/sh
# SPDX-License-Identifier: ISC
# Regressions for the defects a red-team pass found (issue "Hardening"):
# each block reproduces one, as reported, against the real binaries.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"
LOCKHOLD=$OC_BUILDDIR/tests/progs/lock-hold

# wait_for FILE TEXT: until FILE holds TEXT (at most 10 s)
wait_for() {
	local i=0
	while ! grep -q "$2" "$1" 2>/dev/null && [ "$i" -lt 200 ]; do
		i=$((i + 1)); sleep 0.05
	done
}

# --- 1. the JWT decoder on an invalid base64url character (heap overrun)
sync_home
mkdir -p "$HOME/.codex"
printf '{"tokens":{"access_token":"h.eyJ!%s.s","refresh_token":"r","account_id":"a"}}' \
    "$(head -c 67 /dev/zero | tr '\0' A)" >"$HOME/.codex/auth.json"
run env MALLOC_PERTURB_=165 oc-sync --codex
is "$rc" 0 "1: a Codex token that is not a JWT: imported, no abort"
like "$out" 'openai-codex:default imported' "1: expiry from the file's time instead"
ok "$([ ! -e "$STORE.lock" ]; echo $?)" "1: no lock left behind"

# --- 2. the lenient config reader: true/false/null in arrays stay values
t_home
put_config '{"agents":{"list":[{"id":"main"}]},"tools":{"flags":[true,false,null],"deep":[[null,{k:[false]}]]},
 // bare words are keys only directly inside an object
 x: {true: 1, null: [false, true]}, }'
run_in sk-bbbbbbbbbbbbbbbbbbbbbbbb oc-profile add -t api_key openai:b
is "$rc" 0 "2: add with a config holding literals in arrays"
jqfile "$CONFIG" '.tools.flags == [true,false,null] and .tools.deep == [[null,{"k":[false]}]]' \
    "2: true/false/null in arrays are kept as literals"
jqfile "$CONFIG" '.x == {"true":1,"null":[false,true]} and .auth.profiles["openai:b"].mode == "api_key"' \
    "2: bare keys named true/null stay keys; the change is made"
put_config '{"a":[x]}'
snap "$CONFIG"
run_in sk-bbbbbbbbbbbbbbbbbbbbbbbb oc-profile add -t api_key openai:c
is "$rc" 65 "2: a bare word as an array element is not JSON5: exit 65"
same_file "$CONFIG" "2: and the config is untouched"

# --- 3. a writer stalled inside the lock past the stale limit
t_home
put_store '{"version":1,"profiles":{}}'
snap "$STORE"
mkfifo "$T_TMP/w1.in" "$T_TMP/w2.in"
exec 3<>"$T_TMP/w1.in" 4<>"$T_TMP/w2.in"
"$LOCKHOLD" "$STORE.lock" "$STORE" stale <"$T_TMP/w1.in" >"$T_TMP/w1.out" 2>"$T_TMP/w1.err" &
W1=$!
wait_for "$T_TMP/w1.out" locked
# The second writer's clock is 31 s ahead: the first one's lock is stale.
OC_NOW_MS=$(( $(now_ms) + 31000 )) "$LOCKHOLD" "$STORE.lock" "$T_TMP/w2.target" w2 \
    <"$T_TMP/w2.in" >"$T_TMP/w2.out" 2>"$T_TMP/w2.err" &
W2=$!
wait_for "$T_TMP/w2.out" locked
is "$(cat "$T_TMP/w2.out")" locked "3: a later writer breaks the stalled writer's lock"
echo go >&3
wait "$W1"; rc1=$?
is "$rc1" 75 "3: the stalled writer finds its lock lost: exit 75"
like "$(cat "$T_TMP/w1.err")" 'lost the lock .*nothing was written' "3: and says nothing was written"
same_file "$STORE" "3: its stale copy did not replace the store"
like "$(cat "$STORE.lock" 2>/dev/null)" "\"pid\":$W2," "3: the successor's lock was not removed"
run_in sk-dddddddddddddddddddddddd oc-profile add -t api_key --no-config --wait 0.3s openai:d
is "$rc" 75 "3: a third writer still waits for the successor"
echo go >&4
wait "$W2"; rc2=$?
is "$rc2" 0 "3: the successor commits"
is "$(cat "$T_TMP/w2.target")" w2 "3: its write is in place"
ok "$([ ! -e "$STORE.lock" ]; echo $?)" "3: and it released its lock"
exec 3>&- 4>&-

# The real path: a refresh holds the store lock across its request. A
# writer whose clock says the lock is stale breaks it and adds a profile;
# the refresh then loses its lock, but the answer (a single-use refresh
# token's) is stored under a new lock, and the added profile is kept.
sync_home
put_store "$(expired_oauth_pair_json)"
fake_start '[{"path":"/anthropic","delayMs":2500,"body":"{\"access_token\":\"at-a2\",\"refresh_token\":\"rt-a2\",\"expires_in\":28800}"}]'
export OC_OAUTH_TOKEN_URL_ANTHROPIC=$FAKE_URL/anthropic
( oc-sync --refresh --profile anthropic:default >"$T_TMP/r.out" 2>"$T_TMP/r.err"; echo $? >"$T_TMP/r.rc" ) &
RP=$!
i=0; while [ ! -e "$STORE.lock" ] && [ "$i" -lt 100 ]; do i=$((i + 1)); sleep 0.05; done
run_in sk-eeeeeeeeeeeeeeeeeeeeeeee env OC_NOW_MS=$(( $(now_ms) + 31000 )) oc-profile add -t api_key --no-config openai:e
is "$rc" 0 "3: a writer breaks the refresh's lock (stale by its clock) and adds"
wait "$RP"
is "$(cat "$T_TMP/r.rc")" 0 "3: the refresh still succeeds"
jqfile "$STORE" '.profiles["anthropic:default"].refresh == "rt-a2" and .profiles["anthropic:default"].access == "at-a2"' \
    "3: the rotated tokens are stored"
jqfile "$STORE" '.profiles["openai:e"].key == "sk-eeeeeeeeeeeeeeeeeeeeeeee"' "3: the other writer's profile is kept"
is "$(fake_count /anthropic)" 1 "3: one request"
fake_stop

# --- 15. secrets are masked at any depth, unless --reveal
t_home
KEY=sk-top0top0top0top0top0top0
NK=sk-nested0nested0nested0nested
DT=tok-deep0deep0deep0deep0deep
put_store "{\"version\":1,\"profiles\":{\"openai:m\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"$KEY\",\"metadata\":{\"apiKey\":\"$NK\",\"deep\":[{\"x\":{\"token\":\"$DT\"}}]}}}}"
for f in "" --json; do
	# shellcheck disable=SC2086
	run oc-profile show $f openai:m
	is "$rc" 0 "15: show $f: exit 0"
	unlike "$out" "$NK|$DT|$KEY" "15: show $f: no secret in clear, at depth 2 or 4"
	like "$out" 'sk-neste\.\.\.' "15: show $f: the nested apiKey shown masked"
	# shellcheck disable=SC2086
	run oc-profile show $f --reveal openai:m
	like "$out" "$NK" "15: show $f --reveal: the nested key in clear"
	like "$out" "$DT" "15: show $f --reveal: the token four levels down in clear"
done

done_testing
