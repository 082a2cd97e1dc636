#!/bin/bash
# SPDX-License-Identifier: ISC
# oc-sync on a 2026.9.6 home (d-fresh): 2026.9 retired anthropic:claude-cli
# (using it is an error, doctor deletes it) and reads the Codex CLI's login
# itself, so oc-sync imports neither: it says what the gateway does instead,
# writes nothing, and exits 0 - or 1 when a source was asked for by name.
# On a 2026.7.35 home (c-fresh) both are still imported, into the agent
# database.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/homes.sh"
. "$OC_SRCDIR/tests/backends.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"

t_home
if ! homes_available; then
	skip "$HOMES_WHY"
	done_testing
	exit
fi

sources() {
	put_claude "at-claude-0123456789" "rt-claude-0123456789" "$(in_hours 5)"
	put_codex "$(codex_jwt $(( SYNC_NOW / 1000 + 86400 )) acct-1)" "rt-codex-0123456789" acct-1
}

sync_home
home_load d-fresh
be_init d-fresh
sources
s0=$(be_creds | sha256sum) c0=$(sha256sum <"$CONFIG")
run oc-sync
is "$rc" 0 "era D: oc-sync exits 0"
like "$out" "^claude-code anthropic:claude-cli skipped: OpenClaw 2026.8 and later use Claude Code's own login" \
    "Claude Code: skipped, saying the gateway uses Claude Code's login itself"
like "$out" "codex openai-codex:default skipped: OpenClaw 2026.8 and later read the Codex CLI's login themselves" \
    "Codex: skipped, saying the gateway reads it itself"
unlike "$out$err" "at-claude|rt-claude|rt-codex" "no token in the output"
is "$(be_creds | sha256sum)$(sha256sum <"$CONFIG")" "$s0$c0" "nothing written: store and config as they were"
run oc-sync --json
jqok '.exitCode == 0 and ([.sources[] | .result] == ["skipped", "skipped"]) and ([.sources[].reason | test("OpenClaw 2026.8")] | all)' \
    "--json: both skipped, with the reason"
run oc-sync --claude
is "$rc" 1 "asked for Claude Code by name: 1 (it cannot be done)"
like "$out$err" "anthropic:claude-cli is retired|Claude Code's own login" "saying why"
run oc-sync --codex
is "$rc" 1 "asked for Codex by name: 1"
is "$(be_creds | sha256sum)$(sha256sum <"$CONFIG")" "$s0$c0" "still nothing written"
# a claude-cli profile already in the store is not refreshed or rewritten
sql_update "$BE_CREDS_DB" "UPDATE config_machine_state SET value_json=json_set(value_json, '\$.profiles.\"anthropic:claude-cli\"', json('{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"at-old\",\"refresh\":\"rt-old\",\"expires\":1}')) WHERE state_key='authProfiles.store';"
s1=$(be_creds | sha256sum)
run oc-sync
is "$rc" 0 "era D with a retired claude-cli profile in the store: 0"
is "$(be_creds | sha256sum)" "$s1" "the retired profile is left for doctor, not rewritten"

# ---- era C: both are imported, into the agent database
sync_home
home_load c-fresh
be_init c-fresh
sources
run oc-sync
is "$rc" 0 "era C: oc-sync imports"
is "$(be_creds | jq -r '.profiles["anthropic:claude-cli"].access, .profiles["openai-codex:default"].refresh' | tr '\n' ' ')" \
    "at-claude-0123456789 rt-codex-0123456789 " "both logins are in 7.35's agent database"
is "$(be_creds | jq -c '.profiles["anthropic:a"] | .type')" '"token"' "beside 7.35's own profile"

done_testing
