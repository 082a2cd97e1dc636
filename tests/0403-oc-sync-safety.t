#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-sync import, the write-path rules: a lock held by a live process (wait,
# then 75, store untouched), a stale lock broken, a corrupt store (65, byte-
# identical), concurrent writers (no lost update), no temp files left, the
# SQLite era (78 unless --force).
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"
sync_home

ID=anthropic:claude-cli
A1=sk-ant-oat01-$(rand_str 80)
put_claude "$A1" "sk-ant-ort01-$(rand_str 80)" "$(in_hours 8)"
put_store '{"version":1,"profiles":{"openai:k":{"type":"api_key","provider":"openai","key":"sk-1"}}}'
LOCK=$STORE.lock

# --- a lock held by a live process
sleep 60 &
HOLDER=$!
printf '{"pid":%s,"createdAt":"%s"}' "$HOLDER" "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" >"$LOCK"
cp "$LOCK" "$T_TMP/lock.orig"
snap "$STORE"
t0=$(date +%s%N)
run oc-sync --claude --wait 1s
t1=$(date +%s%N)
is "$rc" 75 "lock held by a live process: exit 75"
like "$err" "locked" "lock held: says so"
waited=$(( (t1 - t0) / 1000000 ))
ok "$([ "$waited" -ge 900 ] && [ "$waited" -lt 5000 ]; echo $?)" "lock held: waited about --wait ($waited ms)"
same_file "$STORE" "lock held: store untouched"
ok "$(cmp -s "$LOCK" "$T_TMP/lock.orig"; echo $?)" "lock held: the other process's lock left alone"
like "$out" "failed" "lock held: the source's line says failed"
kill "$HOLDER" 2>/dev/null
wait "$HOLDER" 2>/dev/null

# --- a stale lock (dead pid) is broken
run oc-sync --claude --wait 2s
is "$rc" 0 "stale lock of a dead process: broken, exit 0"
jqfile "$STORE" ".profiles[\"$ID\"].access == \"$A1\" and .profiles[\"openai:k\"].key == \"sk-1\"" \
    "stale lock: imported, other profile kept"
ok "$([ ! -e "$LOCK" ]; echo $?)" "lock released"
is "$(ls -A "$AGENT" | tr '\n' ' ')" "auth-profiles.json " "no temp files left in the agent dir"

# --- corrupt store: 65, byte-identical
printf '{"version":1,"profiles":{"openai:k":{"type":"api_key",' >"$STORE"
snap "$STORE"
run oc-sync --claude
is "$rc" 65 "corrupt store: exit 65"
like "$err" "auth-profiles.json" "corrupt store: the error names the file"
same_file "$STORE" "corrupt store: byte-identical"
run oc-sync --claude --dry-run
is "$rc" 65 "corrupt store, dry run: exit 65 too"
printf '{"version":1,"profiles":[]}\n' >"$STORE"
snap "$STORE"
run oc-sync --claude
is "$rc" 65 "profiles not an object: exit 65"
same_file "$STORE" "profiles not an object: untouched"

# --- concurrent writers: oc-profile add x 6 while oc-sync imports
rm -f "$STORE"
i=1
while [ "$i" -le 6 ]; do
	printf 'sk-key-%s' "$i" | oc-profile add --no-config "openai:k$i" >/dev/null 2>&1 &
	[ "$i" -eq 3 ] && oc-sync --claude >/dev/null 2>&1 &
	i=$((i + 1))
done
wait
jqfile "$STORE" "[.profiles | keys[]] | sort == ([\"$ID\"] + [range(1;7) | \"openai:k\\(.)\"] | sort)" \
    "concurrent writers: every profile present (no lost update)"
is "$(ls -A "$AGENT" | tr '\n' ' ')" "auth-profiles.json " "concurrent writers: no temp or lock files left"

# --- five imports at once: one writes, the rest find it unchanged
rm -f "$STORE"
i=0
while [ "$i" -lt 5 ]; do
	oc-sync --claude >"$T_TMP/par.$i" 2>&1 &
	i=$((i + 1))
done
wait
is "$(cat "$T_TMP"/par.* | grep -c ' imported ')" 1 "five imports at once: exactly one imported"
is "$(cat "$T_TMP"/par.* | grep -c ' unchanged$')" 4 "five imports at once: four unchanged"

# --- an insecure store is warned about
chmod 644 "$STORE"
run oc-sync --claude
like "$err" "readable by other users" "group/world-readable store: warning"
chmod 600 "$STORE"

# --- an empty file where the agent database goes changes nothing
rm -f "$STORE"
: >"$AGENT/openclaw-agent.sqlite"
run oc-sync --claude --dry-run
is "$rc" 0 "dry run: exit 0"
ok "$([ ! -e "$STORE" ]; echo $?)" "dry run: nothing written"
run oc-sync --claude
is "$rc" 0 "an empty database file: the JSON store is written"
jqfile "$STORE" ".profiles[\"$ID\"].access == \"$A1\"" "imported into the JSON store"
rm -f "$AGENT/openclaw-agent.sqlite"

# --- -a AGENT
put_config '{"agents":{"list":[{"id":"main","default":true},{"id":"work"}]}}'
# The work agent inherits the main agent's store (as the gateway merges
# it): the login is already there for it, unchanged.
run oc-sync -a work --claude
is "$rc" 0 "-a work, inherited from main: exit 0"
like "$out" "$ID unchanged" "-a work: the profile it inherits is the same"
ok "$([ ! -e "$STATE/agents/work/agent/auth-profiles.json" ]; echo $?)" "-a work: nothing copied into the work agent's store"
# Without it in main, the import goes to the work agent's own store.
rm -f "$STORE"
run oc-sync -a work --claude
is "$rc" 0 "-a work: exit 0"
jqfile "$STATE/agents/work/agent/auth-profiles.json" ".profiles[\"$ID\"].access == \"$A1\"" "-a work: the work agent's store"
run oc-sync -a nosuch --claude
is "$rc" 1 "-a unknown agent: exit 1"
done_testing
