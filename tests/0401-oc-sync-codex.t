#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-sync: importing the Codex CLI's login into openai-codex:default with
# managedBy "codex-cli": expiry from the access token's JWT exp, else the
# file's mtime + 1 h; account id from the file, else the JWT; CODEX_HOME;
# the file is never written, and --refresh never touches the profile.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"
sync_home

ID=openai-codex:default
NOW_S=$((SYNC_NOW / 1000))

# --- expiry from the JWT, account id from the file
EXP=$((NOW_S + 10 * 86400))
AT=$(codex_jwt "$EXP" acct-jwt)
RT=rt_$(rand_str 40)
put_codex "$AT" "$RT" acct-file
snap "$CODEX_FILE"
run oc-sync --codex
is "$rc" 0 "Codex import: exit 0"
like "$out" "^codex $ID imported \(oauth, expires " "Codex import: reported"
jqfile "$STORE" ".profiles[\"$ID\"] == {type:\"oauth\",provider:\"openai-codex\",access:\"$AT\",refresh:\"$RT\",expires:$((EXP * 1000)),accountId:\"acct-file\",managedBy:\"codex-cli\"}" \
    "Codex import: the profile, expiry = JWT exp x 1000, managedBy codex-cli"
same_file "$CODEX_FILE" "Codex's file untouched"
ok "$([ "$(ls -A "$HOME/.codex")" = auth.json ]; echo $?)" "nothing else appeared in ~/.codex"

# --- unchanged: not rewritten
snap "$STORE"
sleep 1
run oc-sync --codex
like "$out" "^codex $ID unchanged$" "same file again: unchanged"
same_file "$STORE" "unchanged: store not rewritten"

# --- account id from the JWT when the file has none
rm -f "$STORE"
put_codex "$AT" "$RT"
run oc-sync --codex
jqfile "$STORE" ".profiles[\"$ID\"].accountId == \"acct-jwt\"" "no account_id in the file: the JWT's chatgpt_account_id"

# --- a newer login without any account id drops the stale one
AT2=$(codex_jwt $((EXP + 60)))
put_codex "$AT2" "$RT"
run oc-sync --codex
jqfile "$STORE" ".profiles[\"$ID\"] | .access == \"$AT2\" and (has(\"accountId\") | not)" \
    "newer login naming no account: the old account id is not kept"

# --- mtime fallback: an access token that is not a JWT
rm -f "$STORE"
put_codex "opaque-access-$(rand_str 20)" "$RT" acct-file
MT=$((NOW_S - 600))
touch -d "@$MT" "$CODEX_FILE"
snap "$CODEX_FILE"
run oc-sync --codex
is "$rc" 0 "mtime fallback: exit 0"
jqfile "$STORE" ".profiles[\"$ID\"].expires == $((MT * 1000 + 3600000))" "not a JWT: expiry = file mtime + 1 h"
same_file "$CODEX_FILE" "mtime fallback: Codex's file untouched (mtime too)"

# --- a JWT without exp falls back too
rm -f "$STORE"
put_codex "$(jwt '{"sub":"x"}')" "$RT"
touch -d "@$MT" "$CODEX_FILE"
run oc-sync --codex
jqfile "$STORE" ".profiles[\"$ID\"].expires == $((MT * 1000 + 3600000))" "JWT without exp: mtime + 1 h"

# --- an old file without exp is expired
rm -f "$STORE"
touch -d "@$((NOW_S - 7200))" "$CODEX_FILE"
run oc-sync --codex
is "$rc" 1 "mtime + 1 h in the past: exit 1"
like "$out" "skipped: source expired" "mtime + 1 h in the past: source expired"

# --- an expired JWT
put_codex "$(codex_jwt $((NOW_S - 60)))" "$RT"
run oc-sync --codex
like "$out" "skipped: source expired" "JWT exp in the past: source expired"

# --- blanked: API-key login, or an empty token
printf '{"auth_mode":"apikey","OPENAI_API_KEY":"sk-proj-x","tokens":null}\n' >"$CODEX_FILE"
run oc-sync --codex
is "$rc" 1 "tokens null: exit 1"
like "$out" "skipped: source blanked" "tokens null: source blanked"
put_codex "" "$RT"
run oc-sync --codex
like "$out" "skipped: source blanked" "empty access_token: source blanked"
ok "$([ ! -e "$STORE" ]; echo $?)" "blanked: nothing written"

# --- CODEX_HOME
put_codex "$AT" "$RT" acct-file "$HOME/alt-codex/auth.json"
rm -f "$CODEX_FILE"
run env CODEX_HOME=$HOME/alt-codex oc-sync --codex
is "$rc" 0 "CODEX_HOME: exit 0"
jqfile "$STORE" ".profiles[\"$ID\"].access == \"$AT\"" "CODEX_HOME: read from \$CODEX_HOME/auth.json"
run env CODEX_HOME= oc-sync --codex
is "$rc" 66 "empty CODEX_HOME: ~/.codex/auth.json (missing here: 66)"

# --- --refresh never touches a profile the Codex CLI manages
put_store "{\"version\":1,\"profiles\":{\"$ID\":{\"type\":\"oauth\",\"provider\":\"openai-codex\",\"access\":\"a\",\"refresh\":\"r\",\"expires\":$(in_hours -1),\"managedBy\":\"codex-cli\"}}}"
snap "$STORE"
fake_start '[{"path":"/token","body":"{\"access_token\":\"x\",\"expires_in\":3600}"}]'
run env OC_OAUTH_TOKEN_URL_OPENAI_CODEX=$FAKE_URL/token oc-sync --refresh
is "$rc" 0 "--refresh over a managed profile: exit 0"
like "$out" "^$ID skipped: managed by codex-cli" "--refresh: managed profile skipped, says why"
is "$(fake_count /token)" 0 "--refresh: no request for it"
same_file "$STORE" "--refresh: managed profile untouched"
run env OC_OAUTH_TOKEN_URL_OPENAI_CODEX=$FAKE_URL/token oc-sync --refresh --profile "$ID"
is "$rc" 1 "--refresh --profile on a managed profile: exit 1"
is "$(fake_count /token)" 0 "--refresh --profile: still no request"
fake_stop
done_testing
