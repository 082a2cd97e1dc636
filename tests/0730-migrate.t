#!/bin/bash
# SPDX-License-Identifier: ISC
# oc-profile migrate, offline, on the homes 2026.9.6 made (d-legacy-json:
# a JSON store beside the SQLite owner store, which 2026.9.6 refuses with
# AUTH_PROFILE_MIGRATION_REQUIRED; d-fresh: nothing to migrate) and on
# 2026.7.35's (c-fresh). What doctor --fix does to the credentials and
# routing state, and nothing else: legacy spellings made current, retired
# ids renamed or dropped as 2026.9 does, a stored credential never
# replaced, every import read back before the files are archived under
# OpenClaw's .migrated-<iso>-<uuid> names (bytes and mode kept); a corrupt
# source, a held lock or a held transaction change nothing; a migration
# cut short resumes. tests/0790-interop-eras.t has 2026.9.6 read the result.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/homes.sh"
. "$OC_SRCDIR/tests/backends.sh"

t_home
if ! homes_available; then
	skip "$HOMES_WHY"
	done_testing
	exit
fi

# legacy: d-legacy-json with a richer JSON source and a routing file
legacy() {
	t_home
	home_load d-legacy-json
	be_init d-legacy-json
	AD=$HOME/.openclaw/agents/main/agent
	jq '.profiles["openai-codex:w"] = {type: "oauth", provider: "openai-codex", access: "at-w", refresh: "rt-w", expires: 9999999999999}
	    | .profiles["anthropic:claude-cli"] = {type: "oauth", provider: "anthropic", access: "at-c", refresh: "rt-c", expires: 9999999999999}
	    | .profiles["groq:old"] = {mode: "api_key", provider: "groq", apiKey: "gsk-legacy-1"}' \
	    "$AD/auth-profiles.json" >"$T_TMP/ap" && cat "$T_TMP/ap" >"$AD/auth-profiles.json"
	printf '{"version":1,"order":{"anthropic":["anthropic:a"]},"lastGood":{"groq":"groq:old"}}\n' >"$AD/auth-state.json"
	chmod 640 "$AD/auth-state.json"
}
sums() { sha256sum "$AD"/auth-*.json 2>/dev/null; be_creds | sha256sum; }

# ---- the refusal, and a dry run
legacy
run oc-check
is "$rc" 1 "a home 2026.9.6 refuses: oc-check 1"
like "$out" "OpenClaw refuses this agent: .*auth-profiles.json awaits migration \(run oc-profile migrate\)" \
    "saying the gateway refuses the agent, not judging the JSON file"
run oc-check --nagios
like "$out" "^OC-CHECK CRITICAL - MISSING: OpenClaw refuses this agent" "--nagios: CRITICAL, saying why"
run_in "sk-x-0123456789" oc-profile add --no-config -t api_key openai:new
is "$rc" 78 "writes are refused while the store awaits migration"
like "$err" "--force|migrate" "saying what to do"
s0=$(sums)
run oc-profile --json migrate --dry-run
is "$rc" 0 "migrate --dry-run"
jqok '.dryRun == true and (.profiles | map("\(.profileId)>\(.storedAs)=\(.result)") | sort) ==
    ["anthropic:a>anthropic:a=imported", "anthropic:claude-cli>null=dropped", "groq:old>groq:old=imported", "openai-codex:w>openai:w=renamed"]' \
    "--dry-run --json: each profile's fate (renamed and dropped as 2026.9 does)"
is "$(sums)" "$s0" "--dry-run changes nothing"

# ---- the migration
src_sum=$(sha256sum <"$AD/auth-profiles.json") st_sum=$(sha256sum <"$AD/auth-state.json")
run oc-profile migrate
is "$rc" 0 "migrate"
like "$out" "archived .*auth-profiles.json as .*auth-profiles.json.migrated-" "says where the file went"
unlike "$out$err" "gsk-legacy-1|at-w|rt-w" "no secret in the output"
ok "$([ ! -e "$AD/auth-profiles.json" ] && [ ! -e "$AD/auth-state.json" ]; echo $?)" "the JSON files are gone from where OpenClaw looks"
arch=$(ls "$AD" | grep -E '^auth-profiles\.json\.migrated-[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2}\.[0-9]{3}Z-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$')
ok "$([ -n "$arch" ]; echo $?)" "archived as auth-profiles.json.migrated-<iso, ':' as '-'>-<uuid v4> ($arch)"
is "$(sha256sum <"$AD/$arch")" "$src_sum" "the archive holds the file's bytes"
is "$(mode_of "$AD/$arch")" 600 "and its mode"
sarch=$(ls "$AD" | grep -E '^auth-state\.json\.migrated-')
is "$(sha256sum <"$AD/$sarch"):$(mode_of "$AD/$sarch")" "$st_sum:640" "the routing file too, bytes and mode"
creds=$(be_creds)
is "$(printf '%s' "$creds" | jq -c '.profiles | keys')" '["anthropic:a","groq:old","openai:w"]' "the owner store holds the imported profiles"
is "$(printf '%s' "$creds" | jq -c '.profiles["groq:old"]')" '{"type":"api_key","provider":"groq","key":"gsk-legacy-1"}' \
    "legacy mode/apiKey written as type/key"
is "$(printf '%s' "$creds" | jq -c '.profiles["openai:w"] | [.type, .provider, .access, .refresh]')" '["oauth","openai","at-w","rt-w"]' \
    "openai-codex:w renamed openai:w, provider openai, tokens kept"
run oc-order --json get -p anthropic
jqok '.order == ["anthropic:a"]' "the order came along"
run oc-check
is "$rc" 0 "oc-check: no longer refused, and ok"
run oc-profile migrate
is "$rc:$out" "0:nothing to migrate: no JSON store in $AD" "a second migrate has nothing to do"

# ---- resumed: the files back (a migration cut off before the archive)
cp -p "$AD/$arch" "$AD/auth-profiles.json"
be_before=$(be_creds)
run oc-profile migrate
is "$rc" 0 "migrate again over an imported store"
is "$(be_creds | jq -S .)" "$(printf '%s' "$be_before" | jq -S .)" "nothing stored twice or changed"
is "$(ls "$AD" | grep -c '^auth-profiles\.json\.migrated-')" 2 "the second archive did not clobber the first"

# ---- a usable stored credential is never replaced
legacy
sql_update "$(sql_db state)" "UPDATE config_machine_state SET value_json='{\"version\":1,\"profiles\":{\"anthropic:a\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"sk-ant-oat01-STORED\"}}}' WHERE state_key='authProfiles.store';"
run oc-profile --json migrate
is "$rc" 0 "migrate beside a stored profile of the same id"
jqok '.profiles[] | select(.profileId == "anthropic:a") | .result != "imported"' "reported as not imported"
is "$(be_creds | jq -r '.profiles["anthropic:a"].token')" sk-ant-oat01-STORED "the stored credential is the one kept"

# ---- a corrupt source: 65, nothing changed
legacy
printf '{"version":1,"profiles":{"x":' >"$AD/auth-profiles.json"
s0=$(sums)
run oc-profile migrate
is "$rc" 65 "a corrupt JSON source: 65"
like "$err" "auth-profiles.json: invalid JSON at line 1, column [0-9]+" "named, with the position"
is "$(sums)" "$s0" "nothing changed, nothing archived"
ok "$(ls "$AD" | grep -q migrated; [ $? -ne 0 ]; echo $?)" "no archive made"

# ---- another writer's transaction past 5 s: 75, nothing archived
legacy
s0=$(sums)
rm -f "$T_TMP/held"
printf 'BEGIN IMMEDIATE;\nSELECT 1;\n.shell touch %s/held; sleep 8\nCOMMIT;\n' "$T_TMP" | sqlite3 "$(sql_db state)" >/dev/null 2>&1 &
holder=$!
i=0; while [ ! -e "$T_TMP/held" ] && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
run oc-profile migrate --wait 5s
is "$rc" 75 "the owner database held: 75"
wait "$holder"
is "$(sums)" "$s0" "nothing changed, nothing archived"
run oc-profile migrate
is "$rc" 0 "and once released it goes through"

# ---- the JSON lock held (an older OpenClaw writing the file): 75
legacy
s0=$(sums)
# lock-hold takes the lock, says "locked", and waits for a line on stdin
sleep 60 | "$OC_BUILDDIR/tests/progs/lock-hold" "$AD/auth-profiles.json.lock" "$T_TMP/junk" x >"$T_TMP/lh" 2>&1 &
holder=$!
i=0; while ! grep -q locked "$T_TMP/lh" && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
run oc-profile migrate --wait 1s
is "$rc" 75 "the JSON store's lock held: 75"
is "$(sums)" "$s0" "nothing changed"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null

# ---- nothing to migrate; a JSON era has nothing to migrate to
t_home
home_load d-fresh
run oc-profile migrate
is "$rc" 0 "d-fresh: migrate with no JSON store: 0"
like "$out" "nothing to migrate" "says so"
t_home
home_load a-json
run oc-profile migrate
is "$rc" 1 "a-json: the JSON files are the store: 1"
like "$err" "nothing to migrate" "says so"

# ---- era C: 2026.7.35's archive name
t_home
home_load c-fresh
AD=$HOME/.openclaw/agents/main/agent
printf '{"version":1,"profiles":{"groq:j":{"type":"api_key","provider":"groq","key":"gsk-j"}}}\n' >"$AD/auth-profiles.json"
chmod 600 "$AD/auth-profiles.json"
run oc-profile migrate
is "$rc" 0 "c-fresh: migrate"
like "$(ls "$AD")" 'auth-profiles\.json\.sqlite-import\.[0-9]{13}\.bak' "archived under 2026.7's .sqlite-import.<ms>.bak name"
run oc-profile --json list
jqok '.profiles | map(.profileId) | sort == ["anthropic:a", "groq:j"]' "the profile is in the agent database beside 7.35's"

done_testing
