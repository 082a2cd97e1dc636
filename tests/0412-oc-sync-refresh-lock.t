#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-sync --refresh and the store lock: five runs at once make exactly one
# request per profile; a lock held by a live process means 75 and no
# request; a corrupt store 65 and no request; a run killed mid-request
# leaves the store byte-identical and its lock is broken by the next run;
# another writer during a refresh loses nothing.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"
sync_home

STORE_JSON=$(expired_oauth_pair_json)
# routes DELAY_MS: both endpoints answer with rotated tokens after DELAY_MS
routes() {
	fake_start "[{\"path\":\"/anthropic\",\"delayMs\":$1,\"body\":\"{\\\"access_token\\\":\\\"at-a2\\\",\\\"refresh_token\\\":\\\"rt-a2\\\",\\\"expires_in\\\":28800}\"},
 {\"path\":\"/codex\",\"delayMs\":$1,\"body\":\"{\\\"access_token\\\":\\\"at-c2\\\",\\\"refresh_token\\\":\\\"rt-c2\\\",\\\"expires_in\\\":3600}\"}]"
	export OC_OAUTH_TOKEN_URL_ANTHROPIC=$FAKE_URL/anthropic
	export OC_OAUTH_TOKEN_URL_OPENAI_CODEX=$FAKE_URL/codex
}

# --- five at once: one request per profile
put_store "$STORE_JSON"
routes 300
i=0
PIDS=
while [ "$i" -lt 5 ]; do
	( oc-sync --refresh >"$T_TMP/par.$i.out" 2>"$T_TMP/par.$i.err"; echo $? >"$T_TMP/par.$i.rc" ) &
	PIDS="$PIDS $!"
	i=$((i + 1))
done
# Not a bare "wait": the fake server is a background job too.
for p in $PIDS; do wait "$p"; done
is "$(cat "$T_TMP"/par.*.rc | sort -u | tr '\n' ' ')" "0 " "five concurrent runs: all exit 0"
is "$(fake_count /anthropic)" 1 "five concurrent runs: exactly one anthropic request"
is "$(fake_count /codex)" 1 "five concurrent runs: exactly one openai-codex request"
is "$(cat "$T_TMP"/par.*.out | grep -c '^anthropic:default refreshed')" 1 "anthropic:default: refreshed by one run"
is "$(cat "$T_TMP"/par.*.out | grep -c '^openai-codex:work refreshed')" 1 "openai-codex:work: refreshed by one run"
is "$(cat "$T_TMP"/par.*.out | grep -c 'fresh: \(refreshed by another process\|not due\)')" 8 \
    "the other runs: already refreshed by another process, or not due"
jqfile "$STORE" '.profiles["anthropic:default"].refresh == "rt-a2" and .profiles["openai-codex:work"].refresh == "rt-c2"' \
    "rotated refresh tokens stored"
is "$(ls -A "$AGENT" | tr '\n' ' ')" "auth-profiles.json " "no lock or temp file left"

# --- a lock held by a live process: 75, no request, untouched
put_store "$STORE_JSON"
snap "$STORE"
routes 0
sleep 60 &
HOLDER=$!
printf '{"pid":%s,"createdAt":"%s"}' "$HOLDER" "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" >"$STORE.lock"
run oc-sync --refresh --wait 1s
is "$rc" 75 "lock held by a live process: exit 75"
like "$err" "locked by another process" "lock held: says so"
is "$(fake_count /anthropic)$(fake_count /codex)" "00" "lock held: no request"
same_file "$STORE" "lock held: store untouched"
ok "$([ -e "$STORE.lock" ]; echo $?)" "lock held: the other process's lock is still there"
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null
rm -f "$STORE.lock"

# --- a corrupt store: 65, no request, byte-identical
printf '{"version":1,"profiles":{"anthropic:default":{"type":"oauth","access":"x",,}}}\n' >"$STORE"
snap "$STORE"
run oc-sync --refresh
is "$rc" 65 "corrupt store: exit 65"
like "$err" "auth-profiles.json" "corrupt store: names the file"
is "$(fake_count /anthropic)$(fake_count /codex)" "00" "corrupt store: no request"
same_file "$STORE" "corrupt store: byte-identical"

# --- killed mid-request: store byte-identical; the next run breaks the lock
put_store "$STORE_JSON"
snap "$STORE"
routes 4000
oc-sync --refresh --profile anthropic:default >/dev/null 2>&1 &
VICTIM=$!
i=0
while [ "$(fake_count /anthropic)" -eq 0 ] && [ "$i" -lt 100 ]; do
	sleep 0.05; i=$((i + 1))
done
is "$(fake_count /anthropic)" 1 "the request is in flight"
ok "$([ -e "$STORE.lock" ]; echo $?)" "the lock is held during the request"
kill -9 "$VICTIM"
wait "$VICTIM" 2>/dev/null
same_file "$STORE" "killed mid-request: store byte-identical"
is "$(ls -A "$AGENT" | grep -v '^auth-profiles.json' | tr '\n' ' ')" "" \
    "killed mid-request: no temp file (only the dead process's lock)"
routes 0
run oc-sync --refresh --wait 2s
is "$rc" 0 "next run: the dead process's lock is broken, exit 0"
jqfile "$STORE" '.profiles["anthropic:default"].access == "at-a2"' "next run: refreshed"

# --- another writer during a refresh loses nothing
put_store "$STORE_JSON"
routes 500
oc-sync --refresh --profile anthropic:default >/dev/null 2>&1 &
R=$!
sleep 0.2
printf 'sk-other' | oc-profile add -t api_key --no-config openai:other >/dev/null 2>&1
wait "$R"
is "$?" 0 "refresh beside another writer: exit 0"
jqfile "$STORE" '.profiles["anthropic:default"].access == "at-a2" and .profiles["openai:other"].key == "sk-other"' \
    "refresh beside another writer: both changes kept"
fake_stop
done_testing
