#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-check's verdict over the state table (tests/oc-check-states.sh): the
# exit code is the one OpenClaw 2026.3.24's `models status --check` gave on
# the same state (recorded in the table; 0290 re-runs the peer live), the
# first word agrees with it, and --json agrees with both.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/oc-check-states.sh"
t_home

check_states >"$T_TMP/states"
n=0
while IFS='|' read -r name want store config envs; do
	n=$((n + 1))
	check_setup "$name" "$store" "$config"
	[ "$envs" = - ] && envs=
	# shellcheck disable=SC2086
	run env $envs oc-check </dev/null
	is "$rc" "$want" "$name: exit $want"
	case $want in
	0) like "$out" '^OK: ' "$name: first word OK" ;;
	2) like "$out" '^EXPIRING: ' "$name: first word EXPIRING" ;;
	1) like "$out" '^(EXPIRED|MISSING): ' "$name: first word EXPIRED or MISSING" ;;
	esac
	# shellcheck disable=SC2086
	run env $envs oc-check --json </dev/null
	jqok ".exitCode == $want and .schemaVersion == 2 and
	    .ok == ($want == 0)" "$name: --json exitCode $want"
	is "$rc" "$want" "$name: --json exits $want"
done <"$T_TMP/states"
ok "$([ "$n" -ge 40 ] && echo 0 || echo 1)" "the table has $n states"

# The reason names the problem.
check_setup x '{"version":1,"profiles":{"anthropic:default":{"type":"token","provider":"anthropic","token":"t","expires":0}}}' -
run oc-check
is "$(printf '%s\n' "$out" | head -n1)" \
    "MISSING: anthropic:default is unusable (invalid_expires)" \
    "invalid expires: MISSING with the reason code"
check_setup x - -
run oc-check
is "$rc" 1 "no state at all: exit 1, as OpenClaw"
is "$(printf '%s\n' "$out" | head -n1)" \
    "MISSING: no OpenClaw state at $HOME/.openclaw" \
    "no state at all: the first line says where it looked"
like "$err" "no OpenClaw state at $HOME/.openclaw.*--state-dir" \
    "no state at all: stderr says what to do"
run oc-check --nagios
is "$rc" 3 "no state, --nagios: UNKNOWN (3), not a credential verdict"
is "$out" "OC-CHECK UNKNOWN - no OpenClaw state at $HOME/.openclaw (run as the gateway's user, or give --state-dir)" \
    "no state, --nagios: one UNKNOWN line naming the directory"
run oc-check --json
is "$rc" 1 "no state, --json: exit 1"
jqok ".stateFound == false and .stateDir == \"$HOME/.openclaw\" and .ok == false and (.error | startswith(\"no OpenClaw state at\"))" \
    "no state, --json: stateFound false, the directory named"
mkdir -p "$HOME/.openclaw"
run oc-check --nagios
is "$rc:$out" "3:OC-CHECK UNKNOWN - no OpenClaw state at $HOME/.openclaw/agents/main/agent (run as the gateway's user, or give --state-dir)" \
    "a state dir without the agent's dir, nothing found: UNKNOWN naming the agent dir"
ANTHROPIC_API_KEY=sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxx run oc-check --nagios
is "$rc" 0 "no agent dir, but a key in the environment: OpenClaw runs on it, OK"
rm -rf "$HOME/.openclaw"
mkdir -p "$HOME/.openclaw/agents/main/agent"
run oc-check
is "$(printf '%s\n' "$out" | head -n1)" \
    "MISSING: no credential for anthropic (used by anthropic/claude-opus-4-6)" \
    "empty home: the built-in default model's provider is missing"
run oc-check --json
jqok '.models == [{"ref":"anthropic/claude-opus-4-6","role":"default (built-in)","provider":"anthropic"}] and
    ([.providers[] | select(.missing)] | map(.provider)) == ["anthropic"]' \
    "empty home: --json names the model and the missing provider"

# An expired one outranks a missing one; the others are counted.
now=$(now_ms)
check_setup x "{\"version\":1,\"profiles\":{\"anthropic:a\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"t\",\"expires\":$((now - 7200000))},\"anthropic:b\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"\"}}}" \
    '{"agents":{"defaults":{"model":"openai/gpt-5"}}}'
run oc-check
like "$(printf '%s\n' "$out" | head -n1)" '^EXPIRED: anthropic:a expired 2h 0m ago \(\+2 more\)$' \
    "EXPIRED first, +2 more (token missing, openai missing)"
is "$rc" 1 "exit 1"

# Without a model, a configured provider with a model becomes the default
# (resolveConfiguredProviderFallback) - unless anthropic is configured.
check_setup x '{"version":1,"profiles":{}}' \
    '{"models":{"providers":{"ollama":{"baseUrl":"http://127.0.0.1:9","apiKey":"k","models":[{"id":"llama3"}]}}}}'
run oc-check --json
jqok '.models[0].ref == "ollama/llama3" and .exitCode == 0' \
    "default model from models.providers"
check_setup x '{"version":1,"profiles":{}}' \
    '{"models":{"providers":{"anthropic":{"baseUrl":"http://127.0.0.1:9"},"ollama":{"apiKey":"k","models":[{"id":"llama3"}]}}}}'
run oc-check --json
jqok '.models[0].ref == "anthropic/claude-opus-4-6" and .exitCode == 1' \
    "built-in default when models.providers has anthropic"

# Agents: an agent's own model and fallbacks; the main store is inherited.
check_setup x '{"version":1,"profiles":{"anthropic:default":{"type":"api_key","provider":"anthropic","key":"k"}}}' \
    '{"agents":{"list":[{"id":"main","default":true},{"id":"work","model":{"primary":"openai/gpt-5","fallbacks":[]}}]}}'
mkdir -p "$STATE/agents/work/agent"
printf '{"version":1,"profiles":{"openai:w":{"type":"token","provider":"openai","token":"t","expires":%s}}}\n' \
    "$((now + 3600000))" >"$STATE/agents/work/agent/auth-profiles.json"
run oc-check
is "$rc" 0 "main agent: ok"
run oc-check -a work --json
is "$rc" 2 "agent work: its own expiring token"
jqok '[.profiles[] | {profileId, source}] == [{"profileId":"anthropic:default","source":"main-store"},{"profileId":"openai:w","source":"store"}]' \
    "agent work: main store merged under its own"
jqok '[.models[] | .ref] == ["openai/gpt-5"]' "agent work: its model, its empty fallbacks"
run oc-check -a nosuch
is "$rc" 1 "unknown agent: exit 1 as OpenClaw"
like "$err" 'unknown agent id "nosuch"' "unknown agent: says so"


# <state>/.env counts as environment (OpenClaw loads it first); a rotation
# variable alone does not.
check_setup x - -
mkdir -p "$STATE"
printf '# keys\nexport ANTHROPIC_API_KEY="sk-ant-api03-from-dotenv"\n' >"$STATE/.env"
run oc-check --json
is "$rc" 0 ".env: its anthropic key satisfies the default model"
jqok '.providers[0] | .provider == "anthropic" and .env == "ANTHROPIC_API_KEY"' \
    ".env: the variable is named"
unlike "$out" 'from-dotenv' ".env: the key is not printed"
printf 'ANTHROPIC_API_KEY_1=sk-ant-api03-rot\n' >"$STATE/.env"
run oc-check
is "$rc" 1 ".env with only a rotation variable: still missing"
rm -f "$STATE/.env"

# ldd: oc-check never loads libcurl; json-c as configure linked it; built
# to load libsqlite3 when needed (the default), neither it nor the libm
# its math functions need.
if command -v ldd >/dev/null 2>&1; then
	run ldd "$OC_BUILDDIR/oc-check"
	unlike "$out" 'libcurl' "oc-check does not link libcurl"
	if grep -q '^#define OC_JSONC_STATIC 1' "$OC_BUILDDIR/config.h"; then
		unlike "$out" 'libjson-c' "oc-check has json-c linked in (--with-json-c=static)"
	else
		like "$out" 'libjson-c' "oc-check links the shared json-c"
	fi
	if grep -q '^#define OC_SQLITE_DLOPEN 1' "$OC_BUILDDIR/config.h"; then
		unlike "$out" 'libsqlite3' "oc-check does not load libsqlite3 at start (--with-sqlite=dlopen)"
		if grep -q '^OC_CFLAGS *=.*-fsanitize' "$OC_BUILDDIR/Makefile"; then
			skip "a sanitizer build: its runtime needs libm"
		else
			unlike "$out" 'libm\.' "nor the libm SQLite's math functions need"
		fi
	else
		skip "libsqlite3 is linked (not --with-sqlite=dlopen)"
		skip "libsqlite3 is linked (not --with-sqlite=dlopen)"
	fi
else
	skip "ldd not installed"
	skip "ldd not installed"
	skip "ldd not installed"
	skip "ldd not installed"
fi

done_testing
