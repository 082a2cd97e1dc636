#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-check when it cannot tell: a corrupt store or config is exit 65 naming
# the file and position (OpenClaw silently reads a corrupt store as empty
# and says "missing"), in every output format; usage errors; files it
# must leave alone; a held lock; the SQLite era.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home

printf '{"version":1,"profiles":{"anthropic:a":{"type":"api_key",,}}}\n' >"$T_TMP/bad.json"
mkdir -p "$AGENT" && cp "$T_TMP/bad.json" "$STORE" && chmod 600 "$STORE"
sum=$(sum_of "$STORE")

run oc-check
is "$rc" 65 "corrupt store: exit 65"
like "$err" "^oc-check: $STORE: invalid JSON at line 1, column [0-9]+" \
    "corrupt store: names the file and the position"
is "$out" "" "corrupt store: nothing on stdout"
run oc-check -q
is "$rc" 65 "corrupt store, -q: exit 65"
run oc-check --json
is "$rc" 65 "corrupt store, --json: exit 65"
jqok '.schemaVersion == 2 and .ok == false and
    .exitCode == 65 and (.error | test("auth-profiles.json: invalid JSON at line 1"))' \
    "corrupt store, --json: exitCode 65 and the error"
run oc-check --nagios
is "$rc" 3 "corrupt store, --nagios: UNKNOWN is 3"
like "$out" '^OC-CHECK UNKNOWN - .*auth-profiles.json: invalid JSON at line 1' \
    "corrupt store, --nagios: UNKNOWN line"
run oc-check --prometheus
is "$rc" 65 "corrupt store, --prometheus: exit 65"
like "$out" 'oc_check_up\{agent="main"\} 0' "corrupt store, --prometheus: oc_check_up 0"
unlike "$out" 'oc_check_status' "corrupt store, --prometheus: no verdict"
is "$(sum_of "$STORE")" "$sum" "corrupt store: byte-identical afterwards"

printf '{"version":1,"profiles":[]}\n' >"$STORE"
run oc-check
is "$rc" 65 "profiles not an object: exit 65"
like "$err" '"profiles" is not an object' "profiles not an object: says so"

# A corrupt main store, read for another agent, is as bad.
put_config '{"agents":{"list":[{"id":"main"},{"id":"work"}]}}'
mkdir -p "$STATE/agents/work/agent"
echo '{"version":1,"profiles":{}}' >"$STATE/agents/work/agent/auth-profiles.json"
cp "$T_TMP/bad.json" "$STORE"
run oc-check -a work
is "$rc" 65 "corrupt main store under agent work: exit 65"
like "$err" "$STORE" "names the main store"

# A corrupt config.
put_store '{"version":1,"profiles":{}}'
printf '{\n  "agents": {\n    "defaults": [,\n}\n' >"$CONFIG"
csum=$(sum_of "$CONFIG")
run oc-check
is "$rc" 65 "corrupt config: exit 65"
like "$err" "$CONFIG: invalid JSON at line [0-9]+, column [0-9]+" \
    "corrupt config: names the file and the position"
is "$(sum_of "$CONFIG")" "$csum" "corrupt config: byte-identical afterwards"
# ...but a lenient one (comments, trailing commas) is fine.
printf '// mine\n{"agents": {"defaults": {"model": "openai/gpt-5",},},}\n' >"$CONFIG"
run env OPENAI_API_KEY=sk-x oc-check
is "$rc" 0 "config with comments and trailing commas: read"

# Usage.
run oc-check --bogus
is "$rc" 64 "unknown option: 64"
like "$err" 'usage: oc-check' "unknown option: usage on stderr"
run oc-check extra
is "$rc" 64 "an operand: 64"
run oc-check --json --nagios
is "$rc" 3 "two formats under --nagios: UNKNOWN (3)"
like "$out" '^OC-CHECK UNKNOWN - usage error' "and says so on stdout"
run oc-check -q --prometheus
is "$rc" 64 "-q and --prometheus: 64"
run oc-check -p ''
is "$rc" 64 "-p with an empty provider: 64"
run oc-check --profile a,,b
is "$rc" 64 "--profile with an empty id in a list: 64"
run oc-check --probe -j 0
is "$rc" 64 "-j 0: 64"
run oc-check --probe -T 0
is "$rc" 64 "-T 0: 64"
run oc-check --nagios --bogus
is "$rc" 3 "--nagios with an unknown option: UNKNOWN (3)"
run oc-check -h
is "$rc" 0 "-h: exit 0"
like "$out" '^usage: oc-check \[-q \| --json \| --nagios \| --prometheus \[--output file\]\]' "-h: usage on stdout"
is "$err" "" "-h: nothing on stderr"
run oc-check -V
is "$rc" 0 "-V: exit 0"
like "$out" '^oc-check \(oc-tools\) [0-9]' "-V: the version"


# OpenClaw rewrites the store in place (truncate, then write) on every
# request it routes: a reader that catches it half written reads again
# instead of calling a healthy store corrupt.
rm -f "$CONFIG"
put_store '{"version":1,"profiles":{"anthropic:a":{"type":"api_key","provider":"anthropic","key":"k"}}}'
cp "$STORE" "$T_TMP/full"
head -c 40 "$T_TMP/full" >"$T_TMP/half"
# the writer leaves the first 40 bytes for 10 ms, the whole for 30 ms
rewriter_start "$STORE" 40 10 30
bad=0 i=0
while [ "$i" -lt 40 ]; do
	oc-check -q 2>>"$T_TMP/werr"
	c=$?
	[ "$c" -ne 0 ] && bad=$((bad + 1)) && echo "run $i: exit $c" >>"$T_TMP/werr"
	i=$((i + 1))
done
rewriter_stop "the runs"
cp "$T_TMP/full" "$STORE"
rewriter_none_failed "$bad" "a store rewritten in place during 40 runs: never misread" "of 40 runs misread" &&
    [ "$bad" -ne 0 ] && diag "$(cat "$T_TMP/werr")"
# ...while a store that stays corrupt is still reported (after one pause)
cp "$T_TMP/half" "$STORE"
t0=$(date +%s%N)
run oc-check
t1=$(date +%s%N)
is "$rc" 65 "a truncated store that stays so: 65"
ok "$([ $(( (t1 - t0) / 1000000 )) -lt 1000 ] && echo 0 || echo 1)" "...reported without a long wait"

# A held lock does not matter: oc-check only reads.
rm -f "$CONFIG"
put_store '{"version":1,"profiles":{"anthropic:a":{"type":"api_key","provider":"anthropic","key":"k"}}}'
sleep 30 &
spid=$!
printf '{"pid":%s,"createdAt":"%s"}' "$spid" "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" >"$AGENT/auth-profiles.json.lock"
t0=$(date +%s)
run oc-check
t1=$(date +%s)
is "$rc" 0 "lock held by a live process: still checks"
ok "$([ $((t1 - t0)) -lt 3 ] && echo 0 || echo 1)" "lock held: does not wait for it"
ok "$([ -f "$AGENT/auth-profiles.json.lock" ] && echo 0 || echo 1)" "lock held: left alone"
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
rm -f "$AGENT/auth-profiles.json.lock"

# A group-readable store is warned about, and still checked.
chmod 644 "$STORE"
run oc-check
is "$rc" 0 "group-readable store: checked"
like "$err" 'readable by other users' "group-readable store: warned"
chmod 600 "$STORE"

# An empty file where the agent database goes is no OpenClaw store.
: >"$AGENT/openclaw-agent.sqlite"
run oc-check --json
is "$rc" 0 "an empty database file: the JSON store is checked"
jqok '.storeEra == "A"' "and the era says so"
rm -f "$AGENT/openclaw-agent.sqlite"

# oc-check writes nothing.
sleep 1
touch "$T_TMP/mark"
run oc-check --json
is "$(find "$HOME" -newer "$T_TMP/mark" | wc -l)" 0 "oc-check writes nothing under HOME"

done_testing
