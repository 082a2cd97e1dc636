#!/bin/sh
# SPDX-License-Identifier: ISC
# The EXAMPLES of oc-sync(1), run: the import and its output, the dry run,
# the login piped in (ssh replaced by cat), the systemd units (taken from
# the man page itself, checked by systemd-analyze, their ExecStart run),
# the cron line, and the refresh pipeline with jq.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"
sync_home
MAN=$OC_SRCDIR/man/oc-sync.1

put_claude "sk-ant-oat01-$(rand_str 80)" "sk-ant-ort01-$(rand_str 80)" "$(in_hours 8)"

# $ oc-sync
run oc-sync
is "$rc" 0 "oc-sync: exit 0"
like "$(printf '%s\n' "$out" | sed -n 1p)" '^claude-code anthropic:claude-cli imported \(oauth, expires [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}Z\)$' \
    "oc-sync: first line as in the man page"
is "$(printf '%s\n' "$out" | sed -n 2p)" "codex openai-codex:default skipped: not found ($HOME/.codex/auth.json)" \
    "oc-sync: second line as in the man page"
# $ oc-sync --dry-run
run oc-sync --dry-run
is "$rc" 0 "oc-sync --dry-run: exit 0"
like "$out" "^claude-code anthropic:claude-cli unchanged" "oc-sync --dry-run: reports"

# $ ssh laptop cat .claude/.credentials.json | oc-sync --claude -
rm -f "$STORE"
mv "$CLAUDE_FILE" "$T_TMP/laptop-credentials.json"
cat "$T_TMP/laptop-credentials.json" | oc-sync --claude - >"$T_TMP/o" 2>&1
is "$?" 0 "piped login: exit 0"
like "$(cat "$T_TMP/o")" "imported" "piped login: imported"
mv "$T_TMP/laptop-credentials.json" "$CLAUDE_FILE"

# The systemd units, as the man page gives them.
unit() {
	awk -v name="$1" '
	    index($0, name) && /^\.Pa/ { want = 1; next }
	    want && /^\.Bd/ { on = 1; next }
	    on && /^\.Ed/ { exit }
	    on { print }' "$MAN"
}
UD=$T_TMP/units
mkdir -p "$UD" "$HOME/.local/bin"
unit oc-sync-claude.service >"$UD/oc-sync-claude.service"
unit oc-sync-claude.timer >"$UD/oc-sync-claude.timer"
like "$(cat "$UD/oc-sync-claude.service")" '^ExecStart=%h/.local/bin/oc-sync --claude$' "service unit found in the man page"
like "$(cat "$UD/oc-sync-claude.timer")" '^OnUnitActiveSec=15min$' "timer unit found in the man page"
ln -s "$OC_BUILDDIR/oc-sync" "$HOME/.local/bin/oc-sync"
if command -v systemd-analyze >/dev/null 2>&1; then
	(cd "$UD" && systemd-analyze verify --man=no ./oc-sync-claude.timer ./oc-sync-claude.service) >"$T_TMP/sa" 2>&1
	is "$?" 0 "systemd-analyze verify: the units are valid"
	is "$(cat "$T_TMP/sa")" "" "systemd-analyze verify: no warnings"
else
	skip "systemd-analyze is not installed: units not verified"
	skip "systemd-analyze is not installed"
fi
EXEC=$(sed -n 's/^ExecStart=//p' "$UD/oc-sync-claude.service" | sed "s|%h|$HOME|")
rm -f "$STORE"
run sh -c "$EXEC"
is "$rc" 0 "the service's ExecStart runs: exit 0"
like "$out" "imported" "the service's ExecStart imports"

# */15 * * * * oc-sync --claude >/dev/null
CRON=$(sed -n 's/^\*\/15 \* \* \* \* //p' "$MAN")
is "$CRON" "oc-sync --claude >/dev/null" "cron line found in the man page"
run sh -c "$CRON"
is "$rc" 0 "cron command: exit 0"
is "$out$err" "" "cron command: silent when all is well (nothing to mail)"
rm -f "$CLAUDE_FILE"
run sh -c "$CRON"
is "$rc" 66 "cron command, Claude Code logged out completely: exit 66"
like "$err" "credentials.json" "cron command: the error is written (and mailed)"

# $ oc-sync --refresh --within 30m
# $ oc-sync --refresh --json | jq -r '.profiles[] | select(.result == "failed") | .profileId'
put_store "{\"version\":1,\"profiles\":{
 \"anthropic:soon\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"a1\",\"refresh\":\"r1\",\"expires\":$((SYNC_NOW + 20 * 60000))},
 \"openai-codex:dead\":{\"type\":\"oauth\",\"provider\":\"openai-codex\",\"access\":\"c1\",\"refresh\":\"c1r\",\"expires\":$(in_hours -1)}}}"
fake_start '[{"path":"/anthropic","body":"{\"access_token\":\"a2\",\"refresh_token\":\"r2\",\"expires_in\":28800}"},
 {"path":"/codex","status":400,"body":"{\"error\":\"invalid_grant\"}"}]'
export OC_OAUTH_TOKEN_URL_ANTHROPIC=$FAKE_URL/anthropic OC_OAUTH_TOKEN_URL_OPENAI_CODEX=$FAKE_URL/codex
run oc-sync --refresh --within 30m
is "$rc" 1 "refresh --within 30m: exit 1 (one needs a new login)"
like "$out" "^anthropic:soon refreshed" "refresh --within 30m: the expiring one refreshed"
like "$out" "^openai-codex:dead failed: re-authentication required" "refresh --within 30m: the dead one failed"
PIPE=$(sed -n "/^\$ oc-sync --refresh --json |/{n;s/^ *//;p;}" "$MAN")
is "$PIPE" "jq -r '.profiles[] | select(.result == \"failed\") | .profileId'" "jq pipeline found in the man page"
run sh -c "oc-sync --refresh --json | $PIPE"
is "$out" "openai-codex:dead" "the pipeline lists the profile that needs a new login"
fake_stop
done_testing
