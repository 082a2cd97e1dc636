#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-sync: the config side of the Claude Code import. An existing
# auth.profiles["anthropic:claude-cli"].mode "token" becomes "oauth" (as
# OpenClaw's own migration); a missing entry is added only when the config
# lists other anthropic profiles (else the gateway already takes every
# stored one); an unchanged config is not rewritten.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"
sync_home

ID=anthropic:claude-cli
put_claude "sk-ant-oat01-$(rand_str 80)" "sk-ant-ort01-$(rand_str 80)" "$(in_hours 8)"

# --- migration token -> oauth, everything else kept
put_config '{
  // a comment
  "gateway": {"port": 18789},
  "auth": {"profiles": {"anthropic:claude-cli": {"provider": "anthropic", "mode": "token", "email": "me@x"},
                        "openai:default": {"provider": "openai", "mode": "api_key"}},
           "order": {"anthropic": ["anthropic:claude-cli"]}},
}'
cp "$CONFIG" "$T_TMP/config.orig"
run oc-sync --claude --dry-run
like "$out" "; config would be mode token -> oauth" "dry run: says the config would be migrated"
ok "$(cmp -s "$CONFIG" "$T_TMP/config.orig"; echo $?)" "dry run: config untouched"
run oc-sync --claude
is "$rc" 0 "migration: exit 0"
like "$out" "imported .*; config mode token -> oauth" "migration: reported on the source's line"
jqfile "$CONFIG" '.auth.profiles["anthropic:claude-cli"] == {provider:"anthropic",mode:"oauth",email:"me@x"}' \
    "migration: mode is oauth, other members kept"
jqfile "$CONFIG" '.gateway.port == 18789 and .auth.profiles["openai:default"].mode == "api_key" and .auth.order.anthropic == ["anthropic:claude-cli"]' \
    "migration: the rest of the config kept"
is "$(mode_of "$CONFIG")" 600 "config is 0600"
ok "$(cmp -s "$CONFIG.bak" "$T_TMP/config.orig"; echo $?)" "the previous config is kept as openclaw.json.bak"

# --- already oauth: config not rewritten
snap "$CONFIG"
sleep 1
run oc-sync --claude
like "$out" "unchanged$" "second run: unchanged, no config note"
same_file "$CONFIG" "second run: config not rewritten"

# --- the migration also runs when the store is already up to date
jq '.auth.profiles["anthropic:claude-cli"].mode = "token"' "$CONFIG" >"$T_TMP/c" && cp "$T_TMP/c" "$CONFIG"
run oc-sync --claude
like "$out" "unchanged; config mode token -> oauth" "store unchanged, config still migrated"
jqfile "$CONFIG" '.auth.profiles["anthropic:claude-cli"].mode == "oauth"' "migrated"

# --- the config lists other anthropic profiles: an entry is added
rm -f "$STORE"
put_config '{"auth":{"profiles":{"anthropic:work":{"provider":"anthropic","mode":"api_key"}}}}'
run oc-sync --claude
like "$out" "; config entry added \(mode oauth\)" "other anthropic profiles listed: entry added"
jqfile "$CONFIG" '.auth.profiles["anthropic:claude-cli"] == {provider:"anthropic",mode:"oauth"} and .auth.profiles["anthropic:work"].mode == "api_key"' \
    "entry {provider, mode oauth} beside the others"

# --- no anthropic profile listed: no entry (it would hide the others)
rm -f "$STORE"
put_config '{"auth":{"profiles":{"openai:default":{"provider":"openai","mode":"api_key"}}}}'
snap "$CONFIG"
run oc-sync --claude
is "$rc" 0 "no anthropic entries: exit 0"
unlike "$out" "config" "no anthropic entries: no config change reported"
same_file "$CONFIG" "no anthropic entries: config untouched"
rm -f "$STORE" "$CONFIG"
run oc-sync --claude
ok "$([ ! -e "$CONFIG" ]; echo $?)" "no config at all: none created"

# --- a skipped source (older) still migrates the stored profile's config
put_config '{"auth":{"profiles":{"anthropic:claude-cli":{"provider":"anthropic","mode":"token"}}}}'
put_store "{\"version\":1,\"profiles\":{\"$ID\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"a\",\"refresh\":\"r\",\"expires\":$(in_hours 20)}}}"
run oc-sync --claude
like "$out" "skipped: source older; config mode token -> oauth" "older source: config still migrated"

# --- a blanked source leaves the config alone
put_config '{"auth":{"profiles":{"anthropic:claude-cli":{"provider":"anthropic","mode":"token"}}}}'
snap "$CONFIG"
put_claude "sk-ant-oat01-x" "r" 0
run oc-sync --claude
same_file "$CONFIG" "blanked source: config untouched"

# --- Codex never touches the config
put_codex "$(codex_jwt $(( SYNC_NOW / 1000 + 3600 )))" rt
run oc-sync --codex
is "$rc" 0 "Codex import: exit 0"
same_file "$CONFIG" "Codex import: config untouched"
done_testing
