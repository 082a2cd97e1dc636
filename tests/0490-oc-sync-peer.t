#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-sync against the real OpenClaw 2026.3.24: what oc-sync imports and
# refreshes, `openclaw models status --json` lists with the right type,
# status and expiry, and reading it there does not undo the import.
# The wrapper comes from $OC_PEER, else ../shared/peer/openclaw.sh; without
# one the test is skipped and says why.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"

# Resolve the peer before t_home: the installer caches under the real HOME.
if ! peer_find; then
	echo "1..0 # SKIP $PEER_WHY"
	exit 0
fi

. "$OC_SRCDIR/tests/sync-lib.sh"
sync_home
# status: run OpenClaw in this HOME only, with its answer in $out
status() {
	run env HOME="$HOME" timeout 120 "$PEER" models status --json
	# Its logs may precede the JSON on stdout.
	out=$(printf '%s\n' "$out" | sed -n '/^{/,$p')
}
# prof ID FILTER DESCRIPTION: FILTER holds for the profile's status record
prof() { jqok "[.auth.oauth.profiles[] | select(.profileId == \"$1\")] | length == 1 and (.[0] | $2)" "$3"; }

# --- Claude Code, oauth, with a token-mode config entry
E1=$(in_hours 6)
put_claude "sk-ant-oat01-$(rand_str 80)" "sk-ant-ort01-$(rand_str 80)" "$E1"
put_config '{"auth":{"profiles":{"anthropic:claude-cli":{"provider":"anthropic","mode":"token"}}}}'
# --- Codex, from a file outside ~/.codex (OpenClaw would re-import ~/.codex itself)
EXP=$(( SYNC_NOW / 1000 + 5 * 86400 ))
put_codex "$(codex_jwt "$EXP" acct-1)" "rt-$(rand_str 30)" acct-1 "$T_TMP/codex-auth.json"
run oc-sync --claude --codex "$T_TMP/codex-auth.json"
is "$rc" 0 "oc-sync imports both"
jqfile "$CONFIG" '.auth.profiles["anthropic:claude-cli"].mode == "oauth"' "config migrated to mode oauth"

status
is "$rc" 0 "openclaw models status: exit 0 (it accepts the store and the config)"
prof anthropic:claude-cli ".provider == \"anthropic\" and .type == \"oauth\" and .status == \"ok\" and .expiresAt == $E1 and .source == \"store\"" \
    "OpenClaw lists anthropic:claude-cli: oauth, ok, our expiry"
prof openai-codex:default ".provider == \"openai-codex\" and .type == \"oauth\" and .status == \"ok\" and .expiresAt == $((EXP * 1000))" \
    "OpenClaw lists openai-codex:default: oauth, ok, the JWT's expiry"
jqok '[.auth.providers[] | select(.provider == "anthropic") | .profiles.labels[]] == ["anthropic:claude-cli=OAuth"]' \
    "OpenClaw counts it as the anthropic OAuth profile"
jqfile "$STORE" '.profiles["openai-codex:default"].managedBy == "codex-cli"' \
    "OpenClaw's store load keeps managedBy"

# --- a token (no refresh token)
rm -f "$STORE"
E2=$(in_hours 48)
put_claude "sk-ant-oat01-$(rand_str 80)" "" "$E2"
run oc-sync --claude
is "$rc" 0 "oc-sync imports the token"
status
prof anthropic:claude-cli ".type == \"token\" and .status == \"ok\" and .expiresAt == $E2" \
    "OpenClaw lists the imported token: token, ok, our expiry"

# --- a profile refreshed by oc-sync
put_store "{\"version\":1,\"profiles\":{\"anthropic:default\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"sk-ant-oat01-old\",\"refresh\":\"rt-old\",\"expires\":$(in_hours -1)}}}"
fake_start '[{"path":"/t","body":"{\"access_token\":\"sk-ant-oat01-new\",\"refresh_token\":\"rt-new\",\"expires_in\":28800}"}]'
run env OC_OAUTH_TOKEN_URL_ANTHROPIC="$FAKE_URL/t" oc-sync --refresh
fake_stop
is "$rc" 0 "oc-sync refreshes anthropic:default"
NEWEXP=$(sjq '.profiles["anthropic:default"].expires')
status
prof anthropic:default ".type == \"oauth\" and .status == \"ok\" and .expiresAt == $NEWEXP" \
    "OpenClaw lists the refreshed profile: oauth, ok, the new expiry"
done_testing
