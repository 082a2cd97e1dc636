#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-sync: importing Claude Code's login into anthropic:claude-cli, and the
# conflict rules: first import, unchanged, newer replaces, older / expired /
# blanked skipped, a token never replaces oauth, a stored API key is kept.
# Claude Code's file is never written (bytes and mtime checked every run).
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"
sync_home

ID=anthropic:claude-cli
A1=sk-ant-oat01-$(rand_str 80)
R1=sk-ant-ort01-$(rand_str 80)

# --- nothing there at all
run oc-sync
is "$rc" 1 "no source anywhere: exit 1"
like "$out" "^claude-code $ID skipped: not found" "not found: Claude Code"
like "$out" "codex openai-codex:default skipped: not found" "not found: Codex"
like "$err" "nothing to import" "says there is nothing to import"
ok "$([ ! -e "$STORE" ]; echo $?)" "no store created"

# --- first import
E1=$(in_hours 8)
put_claude "$A1" "$R1" "$E1"
snap "$CLAUDE_FILE"
run oc-sync
is "$rc" 0 "first import: exit 0"
like "$out" "^claude-code $ID imported \(oauth, expires " "first import: reported"
jqfile "$STORE" ".profiles[\"$ID\"] == {type:\"oauth\",provider:\"anthropic\",access:\"$A1\",refresh:\"$R1\",expires:$E1}" \
    "first import: the profile, exactly"
jqfile "$STORE" '.version == 1' "store has version 1"
is "$(sjq ".profiles[\"$ID\"] | keys_unsorted | join(\",\")")" "type,provider,access,refresh,expires" \
    "key order as OpenClaw writes it"
is "$(mode_of "$STORE")" 600 "store is 0600"
is "$(mode_of "$AGENT")" 700 "agent dir is 0700"
unlike "$out$err" "$A1|$R1" "no secret in the output"
same_file "$CLAUDE_FILE" "Claude Code's file untouched by the import"

# --- unchanged: not rewritten
snap "$STORE"
sleep 1
run oc-sync --claude
is "$rc" 0 "unchanged: exit 0"
like "$out" "^claude-code $ID unchanged$" "unchanged: reported"
same_file "$STORE" "unchanged: store not rewritten (bytes and mtime)"
same_file "$CLAUDE_FILE" "Claude Code's file untouched (unchanged run)"

# --- newer source replaces; other members and profiles survive
put_store "$(jq --arg id "$ID" '.profiles[$id].email = "me@example.com"
  | .profiles[$id].displayName = "Me" | .profiles["openai:k"] = {type:"api_key",provider:"openai",key:"sk-x",x:{y:1}}
  | .order = {anthropic:[$id]} | .usageStats = {($id):{lastUsed:5}} | .extra = [1,2]' "$STORE")"
A2=sk-ant-oat01-$(rand_str 80)
R2=sk-ant-ort01-$(rand_str 80)
E2=$(in_hours 9)
put_claude "$A2" "$R2" "$E2"
snap "$CLAUDE_FILE"
run oc-sync --claude
is "$rc" 0 "newer source: exit 0"
like "$out" "imported" "newer source: imported"
jqfile "$STORE" ".profiles[\"$ID\"] | .access == \"$A2\" and .refresh == \"$R2\" and .expires == $E2" \
    "newer source: new tokens and expiry"
jqfile "$STORE" ".profiles[\"$ID\"] | .email == \"me@example.com\" and .displayName == \"Me\"" \
    "newer source: members the import does not own are kept"
jqfile "$STORE" '.profiles["openai:k"] == {type:"api_key",provider:"openai",key:"sk-x",x:{y:1}}' \
    "newer source: other profiles untouched"
jqfile "$STORE" ".order.anthropic == [\"$ID\"] and .usageStats[\"$ID\"].lastUsed == 5 and .extra == [1,2]" \
    "newer source: routing state and unknown keys kept"
same_file "$CLAUDE_FILE" "Claude Code's file untouched (newer run)"

# --- older source ignored
snap "$STORE"
put_claude "sk-ant-oat01-$(rand_str 80)" "sk-ant-ort01-$(rand_str 80)" "$(in_hours 4)"
snap "$CLAUDE_FILE"
run oc-sync --claude
is "$rc" 0 "older source: exit 0 (the store is newer)"
like "$out" "^claude-code $ID skipped: source older$" "older source: skipped, says why"
same_file "$STORE" "older source: store untouched"
same_file "$CLAUDE_FILE" "Claude Code's file untouched (older run)"

# --- expired source ignored, even when newer than the store
put_store "{\"version\":1,\"profiles\":{\"$ID\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"a\",\"refresh\":\"r\",\"expires\":$(in_hours -5)}}}"
snap "$STORE"
put_claude "sk-ant-oat01-$(rand_str 80)" "sk-ant-ort01-$(rand_str 80)" "$(in_hours -1)"
snap "$CLAUDE_FILE"
run oc-sync --claude
is "$rc" 1 "expired source: exit 1"
like "$out" "^claude-code $ID skipped: source expired$" "expired source: skipped, says why"
same_file "$STORE" "expired source: store untouched"
same_file "$CLAUDE_FILE" "Claude Code's file untouched (expired run)"
rm -f "$STORE"
run oc-sync --claude
is "$rc" 1 "expired source, empty store: exit 1"
ok "$([ ! -e "$STORE" ]; echo $?)" "expired source: nothing written to an empty store"

# --- blanked source: expiresAt 0, or no token
put_store "{\"version\":1,\"profiles\":{\"$ID\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"$A1\",\"refresh\":\"$R1\",\"expires\":$(in_hours 2)}}}"
snap "$STORE"
put_claude "sk-ant-oat01-$(rand_str 80)" "sk-ant-ort01-$(rand_str 80)" 0
run oc-sync --claude
is "$rc" 1 "blanked (expiresAt 0): exit 1"
like "$out" "^claude-code $ID skipped: source blanked$" "blanked (expiresAt 0): reported"
same_file "$STORE" "blanked (expiresAt 0): store untouched"
put_claude "" "sk-ant-ort01-$(rand_str 80)" "$(in_hours 8)"
snap "$CLAUDE_FILE"
run oc-sync --claude
is "$rc" 1 "blanked (empty token): exit 1"
like "$out" "skipped: source blanked" "blanked (empty token): reported"
same_file "$STORE" "blanked (empty token): store untouched"
same_file "$CLAUDE_FILE" "Claude Code's file untouched (blanked run)"
printf '{"mcpOAuth":{}}\n' >"$CLAUDE_FILE"
run oc-sync --claude
like "$out" "skipped: source blanked" "no claudeAiOauth at all: blanked"

# --- a token (no refresh token) never replaces oauth
T1=sk-ant-oat01-$(rand_str 80)
put_claude "$T1" "" "$(in_hours 20)"
run oc-sync --claude
is "$rc" 0 "token vs stored oauth: exit 0"
like "$out" "skipped: token never replaces oauth" "token vs stored oauth: skipped, says why"
same_file "$STORE" "token vs stored oauth: store untouched"

# --- token import, then an oauth source upgrades it
rm -f "$STORE"
run oc-sync --claude
is "$rc" 0 "token import: exit 0"
like "$out" "imported \(token, " "token import: says token"
jqfile "$STORE" ".profiles[\"$ID\"] == {type:\"token\",provider:\"anthropic\",token:\"$T1\",expires:$(in_hours 20)}" \
    "token import: the profile, exactly"
put_claude "$A1" "$R1" "$(in_hours 21)"
run oc-sync --claude
is "$rc" 0 "oauth replaces token: exit 0"
jqfile "$STORE" ".profiles[\"$ID\"] | .type == \"oauth\" and .access == \"$A1\" and (has(\"token\") | not)" \
    "oauth replaces token: type oauth, old token member gone"

# --- a legacy "mode" member becomes "type", in place
put_store "{\"version\":1,\"profiles\":{\"$ID\":{\"mode\":\"token\",\"provider\":\"anthropic\",\"token\":\"old\",\"expires\":$(in_hours 1),\"email\":\"e@x\"}}}"
run oc-sync --claude
is "$(sjq ".profiles[\"$ID\"] | keys_unsorted | join(\",\")")" "type,provider,expires,email,access,refresh" \
    "legacy mode: replaced by type in its place, token gone"

# --- a stored API key under that id is never overwritten
put_store "{\"version\":1,\"profiles\":{\"$ID\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"sk-ant-api03-keep\"}}}"
snap "$STORE"
run oc-sync --claude
is "$rc" 1 "stored api_key: exit 1"
like "$out" "skipped: stored profile is not oauth or token" "stored api_key: skipped, says why"
same_file "$STORE" "stored api_key: untouched"

# --- --claude FILE, stdin, missing FILE, unreadable source
rm -f "$STORE"
ALT=$T_TMP/elsewhere.json
cp "$CLAUDE_FILE" "$ALT"
rm -f "$CLAUDE_FILE"
run oc-sync --claude "$ALT"
is "$rc" 0 "--claude FILE: exit 0"
like "$out" "imported" "--claude FILE: imported"
run oc-sync --claude="$ALT"
like "$out" "unchanged" "--claude=FILE works too"
rm -f "$STORE"
oc-sync --claude - <"$ALT" >"$T_TMP/o" 2>&1
is "$?" 0 "--claude - reads stdin"
jqfile "$STORE" ".profiles[\"$ID\"].access == \"$A1\"" "--claude -: imported from stdin"
run oc-sync --claude "$T_TMP/nope.json"
is "$rc" 66 "--claude FILE missing: exit 66"
like "$err" "nope.json" "--claude FILE missing: names the file"
run oc-sync --claude
is "$rc" 66 "--claude with its default file missing: exit 66"
printf '{"claudeAiOauth":{"accessToken":"%s",' "$A1" >"$ALT"
snap "$STORE"
run oc-sync --claude "$ALT"
is "$rc" 65 "corrupt source: exit 65"
like "$out" "failed: source unreadable" "corrupt source: reported"
like "$err" "elsewhere.json" "corrupt source: the error names the file"
unlike "$err" "$A1" "corrupt source: no secret in the error"
same_file "$STORE" "corrupt source: store untouched"

# --- --dry-run writes nothing
rm -f "$STORE"
put_claude "$A1" "$R1" "$(in_hours 8)"
run oc-sync --dry-run
is "$rc" 0 "dry run: exit 0"
like "$out" "^claude-code $ID would import" "dry run: would import"
ok "$([ ! -e "$STORE" ]; echo $?)" "dry run: no store written"

# --- --json
run oc-sync --json --claude
is "$rc" 0 "--json: exit 0"
jqok ".dryRun == false and .exitCode == 0 and (.sources | length) == 1" "--json: top level"
jqok ".sources[0] | .source == \"claude-code\" and .profileId == \"$ID\" and .result == \"imported\" and .reason == null and .type == \"oauth\" and .expiresAt == $(in_hours 8) and (.expiresAtIso | test(\"Z\$\"))" \
    "--json: the source's record"
unlike "$out" "$A1" "--json: no secret"
run oc-sync --json
jqok '.sources | map(.result) == ["unchanged","skipped"] and .[1].reason == "not found"' \
    "--json: every source, not found included"
jqok ".exitCode == 0" "--json: exitCode"
is "$rc" 0 "--json: exit status equals exitCode"

# --- usage
run oc-sync --refresh --claude
is "$rc" 64 "--refresh with --claude: usage error"
run oc-sync stray
is "$rc" 64 "an operand: usage error"
run oc-sync --within 1h
is "$rc" 64 "--within without --refresh: usage error"
run oc-sync -h
is "$rc" 0 "-h: exit 0"
like "$out" "usage: oc-sync .*--claude \[file\]" "-h: usage on stdout"
done_testing
