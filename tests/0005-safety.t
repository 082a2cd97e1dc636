#!/bin/bash
# SPDX-License-Identifier: ISC
# Safety of every write: the lock, concurrent writers, crashes, corrupt input,
# file modes, the SQLite era.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home
put_store '{"version":1,"profiles":{"openai:a":{"type":"api_key","provider":"openai","key":"sk-aaaaaaaaaaaaaaaa"},"openai:b":{"type":"api_key","provider":"openai","key":"sk-bbbbbbbbbbbbbbbb"}}}'
LOCK=$AGENT/auth-profiles.json.lock
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.000Z; }

# --- concurrent writers: 8 x 50 adds, nothing lost, JSON valid throughout
( while [ ! -e "$T_TMP/stop" ]; do
	if [ -s "$STORE" ] && ! jq -e '.profiles | type == "object"' "$STORE" >/dev/null 2>&1; then
		echo bad >>"$T_TMP/badreads"
	fi
done ) &
reader=$!
for w in 1 2 3 4 5 6 7 8; do
	( for i in $(seq 1 50); do
		echo "sk-w$w-$i-0123456789abcdef" | oc-profile add -t api_key --wait 60s "groq:w$w-$i" >/dev/null 2>>"$T_TMP/werr" || echo "fail $w $i" >>"$T_TMP/wfail"
	done ) &
done
wait_writers() { for j in $(jobs -p); do [ "$j" = "$reader" ] || wait "$j"; done; }
wait_writers
touch "$T_TMP/stop"; wait "$reader"
is "$(cat "$T_TMP/wfail" 2>/dev/null | wc -l)" 0 "all 400 concurrent adds succeeded"
jqfile "$STORE" '[.profiles | keys[] | select(startswith("groq:w"))] | length == 400' "store holds all 400 profiles: no lost update"
jqfile "$STORE" '[.profiles | to_entries[] | select(.key | startswith("groq:w")) | select(.value.key == "sk-" + (.key | ltrimstr("groq:")) + "-0123456789abcdef")] | length == 400' "each with its own key"
jqfile "$CONFIG" '[.auth.profiles | keys[] | select(startswith("groq:w"))] | length == 400' "config holds all 400 entries: no lost update"
is "$(cat "$T_TMP/badreads" 2>/dev/null | wc -l)" 0 "a concurrent reader never saw invalid JSON"
ok "$([ ! -e "$LOCK" ]; echo $?)" "no lock left behind"
is "$(ls -A "$AGENT" | grep -c tmp)" 0 "no temp file left behind"

# --- a lock held by a live process (OpenClaw's format)
sleep 300 & holder=$!
printf '{\n  "pid": %d,\n  "createdAt": "%s"\n}' "$holder" "$(iso "$(date +%s)")" >"$LOCK"
sum=$(sum_of "$STORE")
t0=$(date +%s%N)
run oc-order set --wait 1s -p openai openai:b openai:a
t1=$(date +%s%N)
is "$rc" 75 "lock held by a live process: exit 75 after the wait"
like "$err" 'locked by another process' "says the store is locked"
ok "$([ $(( (t1 - t0) / 1000000 )) -ge 900 ]; echo $?)" "it waited about --wait (1 s)"
is "$(sum_of "$STORE")" "$sum" "store untouched"
ok "$([ -e "$LOCK" ]; echo $?)" "the other process's lock is left alone"
# A waiter gets through when the holder lets go.
( sleep 0.5; rm -f "$LOCK" ) &
run oc-order set --wait 5s -p openai openai:b openai:a
is "$rc" 0 "a writer waits for the lock and then writes"
jqfile "$STORE" '.order.openai == ["openai:b","openai:a"]' "and its change is there"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null

# --- stale locks are broken
sh -c 'exit 0' & dead=$!; wait $dead
printf '{"pid":%d,"createdAt":"%s"}' "$dead" "$(iso "$(date +%s)")" >"$LOCK"
run oc-order clear --wait 1s -p openai
is "$rc" 0 "a lock whose pid is dead is broken"
sleep 300 & holder=$!
printf '{"pid":%d,"createdAt":"%s"}' "$holder" "$(iso $(( $(date +%s) - 60 )))" >"$LOCK"
run oc-order set --wait 1s -p openai openai:a
is "$rc" 0 "a lock older than 30 s is broken even with a live pid"
printf 'garbage' >"$LOCK"; touch -d '-60 seconds' "$LOCK"
run oc-order clear --wait 1s -p openai
is "$rc" 0 "an unparsable lock with an old mtime is broken"
printf 'garbage' >"$LOCK"
run oc-order set --wait 1s -p openai openai:a
is "$rc" 75 "an unparsable lock with a fresh mtime is honoured"
rm -f "$LOCK"
mkdir "$LOCK"
run oc-order clear --wait 1s -p openai
is "$rc" 75 "a directory lock (older OpenClaw) is honoured"
touch -d '-60 seconds' "$LOCK"
run oc-order clear --wait 1s -p openai
is "$rc" 0 "a directory lock older than 30 s is broken"
ok "$([ ! -e "$LOCK" ]; echo $?)" "and removed"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
# A symlink planted at the lock path is not followed.
ln -s "$T_TMP/victim" "$LOCK"; touch -h -d '-60 seconds' "$LOCK"
run oc-order set --wait 1s -p openai openai:a
ok "$([ ! -e "$T_TMP/victim" ]; echo $?)" "a symlink at the lock path is never written through"
rm -f "$LOCK"

# --- SIGKILL during a write storm never leaves a partial store
# (it finds the writers to kill with pgrep, from procps)
if command -v pgrep >/dev/null 2>&1; then
	t_home
	put_store '{"version":1,"profiles":{}}'
	writers=
	for w in 1 2 3 4; do
		( i=0; while [ ! -e "$T_TMP/stop" ]; do i=$((i + 1))
			echo "sk-k$w-$i-0123456789abcdef" | oc-profile add --no-config -t api_key --wait 30s "groq:k$w-$i" >/dev/null 2>&1
		done ) 2>/dev/null &
		writers=$writers${writers:+,}$!
	done
	# Until eight writers were killed (a loaded machine needs longer than an
	# idle one), for at most 60 s.
	kills=0; end=$(( $(date +%s) + 60 )); bad=0
	while [ "$kills" -lt 8 ] && [ "$(date +%s)" -lt "$end" ]; do
		# Only the writers' own children: not a sanitizer's helper process.
		victim=$(pgrep -n -x -P "$writers" oc-profile) && kill -9 "$victim" 2>/dev/null && kills=$((kills + 1))
		jq -e '.profiles | type == "object"' "$STORE" >/dev/null 2>&1 || bad=$((bad + 1))
		sleep 0.0$((RANDOM % 5 + 1))
	done
	touch "$T_TMP/stop"; wait
	diag "killed $kills writers"
	ok "$([ "$kills" -ge 5 ]; echo $?)" "the storm killed writers mid-flight ($kills)"
	is "$bad" 0 "the store parsed at every look during the storm"
	jqfile "$STORE" '[.profiles[] | select(.type != "api_key" or .provider != "groq" or (.key | test("^sk-k[0-9]+-[0-9]+-0123456789abcdef$") | not))] | length == 0' "every profile in the store is complete"
	run sh -c "echo sk-after-0123456789 | oc-profile add --no-config -t api_key --wait 5s groq:after"
	is "$rc" 0 "a writer after the storm gets through (a dead writer's lock is stale)"
else
	for d in "the storm killed writers" "the store parsed during the storm" \
	    "every profile complete" "a writer after the storm"; do
		skip "pgrep not installed (apt-get install procps): write storm not run: $d"
	done
fi

# --- corrupt input: exit 65, named file and position, byte-identical
t_home
put_store '{"version":1,"profiles":{"openai:a":{"type":"api_key","provider":"openai","key":"sk-a"}},}'
sum=$(sum_of "$STORE")
for cmd in "oc-order set -p openai openai:a" "oc-order clear -p openai" "oc-profile rm openai:a" "oc-profile cooldowns --clear" "oc-profile add -t api_key openai:z"; do
	run sh -c "echo sk-zzzzzzzzzzzz | $cmd"
	is "$rc" 65 "corrupt store: '$cmd' exits 65"
	like "$err" 'auth-profiles.json: invalid JSON at line 1, column [0-9]+' "'$cmd' names the file and position"
done
is "$(sum_of "$STORE")" "$sum" "the corrupt store is byte-identical"
put_store '{"version":1,"profiles":{}}'
put_config '{"auth": {"profiles": }'
csum=$(sum_of "$CONFIG"); sum=$(sum_of "$STORE")
run sh -c "echo sk-zzzzzzzzzzzz | oc-profile add -t api_key openai:z"
is "$rc" 65 "corrupt config: exit 65"
like "$err" 'openclaw.json: invalid JSON at line 1, column [0-9]+' "names the config and the position"
is "$(sum_of "$CONFIG")$(sum_of "$STORE")" "$csum$sum" "config and store untouched"
ok "$([ ! -e "$CONFIG.bak" ]; echo $?)" "no .bak made of a file that was not rewritten"

# --- a store rewritten in place (as OpenClaw does) is waited for, not "corrupt"
t_home
put_store '{"version":1,"profiles":{"openai:a":{"type":"api_key","provider":"openai","key":"sk-a"}}}'
# the writer leaves '{"version":1,"profiles":' for 30 ms, the whole for
# 10 ms
rewriter_start "$STORE" 24 30 10
fails=0
for i in $(seq 1 30); do
	oc-profile list >/dev/null 2>&1 || fails=$((fails + 1))
	oc-order get -p openai --effective >/dev/null 2>&1 || fails=$((fails + 1))
done
rewriter_stop "the reads"
rewriter_none_failed "$fails" "readers wait out a store being rewritten in place" "of 60 reads failed"

# --- modes under a permissive umask
t_home
( umask 000; echo sk-umask-0123456789 | oc-profile add -t api_key openai:u >/dev/null )
is "$(mode_of "$STORE")" 600 "store 0600 under umask 000"
is "$(mode_of "$AGENT")" 700 "agent dir 0700 under umask 000"
is "$(mode_of "$STATE/agents")" 700 "agents dir 0700 under umask 000"
is "$(mode_of "$CONFIG")" 600 "config 0600 under umask 000"

# --- an empty file where OpenClaw's databases go is not an OpenClaw store:
# the era is chosen by what the files hold (real SQLite homes: 07NN tests)
t_home
put_store '{"version":1,"profiles":{"openai:a":{"type":"api_key","provider":"openai","key":"sk-a"}}}'
: >"$AGENT/openclaw-agent.sqlite"
mkdir -p "$STATE/state"; : >"$STATE/state/openclaw.sqlite"
run oc-profile path --json
jqok '.storeEra == "A" and .backend == "json"' "empty database files: still the JSON era"
run oc-order set -p openai openai:a
is "$rc" 0 "and the JSON store is written"
jqfile "$STORE" '.order.openai == ["openai:a"]' "the order is in the JSON store"
is "$(stat -c %s "$AGENT/openclaw-agent.sqlite")$(stat -c %s "$STATE/state/openclaw.sqlite")" "00" "the empty files are left alone"
printf 'not a database at all' >"$AGENT/openclaw-agent.sqlite"
run oc-profile list
is "$rc" 65 "a file that is not a database where one goes: exit 65"
like "$err" 'openclaw-agent.sqlite' "and names it"

done_testing
