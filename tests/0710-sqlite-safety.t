#!/bin/bash
# SPDX-License-Identifier: ISC
# The SQLite write path under pressure, on homes 2026.9.6 (d-fresh: the
# shared store in state/openclaw.sqlite) and 2026.7.35 (c-fresh: the agent
# database) made: another writer's transaction held for less and for more
# than the 5 s OpenClaw waits, the shared-state write coordinator held, a
# newer schema, a corrupt cell, a read-only database, writers killed in the
# middle of a storm, and 8 concurrent writers x 50 changes. Nothing may be
# lost, half-written or touched when a write is refused. The other writer
# is the sqlite3 CLI taking the locks OpenClaw takes (BEGIN IMMEDIATE on the
# database, BEGIN EXCLUSIVE on the coordinator); tests/0790-interop-d.t
# runs OpenClaw itself alongside.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/homes.sh"
. "$OC_SRCDIR/tests/backends.sh"

t_home
if ! homes_available; then
	skip "$HOMES_WHY"
	done_testing
	exit
fi
KEY=sk-proj-$(rand_str 40)

# hold DB SECONDS SQL: a background sqlite3 that takes BEGIN IMMEDIATE,
# runs SQL, sleeps, then commits; waits until the lock is taken.
hold() {
	rm -f "$T_TMP/held"
	printf 'PRAGMA busy_timeout=5000;\nBEGIN IMMEDIATE;\n%s\n.shell touch %s/held; sleep %s\nCOMMIT;\n' \
	    "$3" "$T_TMP" "$2" | sqlite3 -bail "$1" >"$T_TMP/hold.out" 2>&1 &
	HOLDER=$!
	local i=0
	while [ ! -e "$T_TMP/held" ] && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
}
# the creds row's JSON set ID to a token (SQL for hold)
set_sql() {
	if [ "$BE_ERA" = D ]; then
		echo "UPDATE config_machine_state SET value_json=json_set(value_json, '\$.profiles.\"$1\"', json('{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-held\"}')) WHERE state_key='authProfiles.store';"
	else
		echo "UPDATE auth_profile_store SET store_json=json_set(store_json, '\$.profiles.\"$1\"', json('{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-held\"}')) WHERE store_key='primary';"
	fi
}
ids() { be_creds | jq -r '.profiles | keys | join(" ")'; }

for H in d-fresh c-fresh; do
	t_home
	home_load "$H"
	be_init "$H"
	db=$BE_CREDS_DB
	ino=$(stat -c %i "$db")

	# ---- a transaction shorter than busy_timeout: waited for, both kept
	hold "$db" 2 "$(set_sql openai:held)"
	t0=$(date +%s)
	run_in "$KEY" oc-profile add --no-config -t api_key openai:k
	wait "$HOLDER"
	is "$rc" 0 "$H: a write waits out another writer's 2 s transaction"
	is "$(ids)" "anthropic:a openai:held openai:k" "$H: and keeps what that writer committed (re-read inside BEGIN IMMEDIATE)"

	# ---- longer than OpenClaw's 5 s but within --wait: waited out
	hold "$db" 7 "SELECT 1;"
	run_in "$KEY" oc-profile add --no-config -t api_key --wait 10s openai:k7
	wait "$HOLDER"
	is "$rc" 0 "$H: a 7 s transaction within --wait 10s is waited out (OpenClaw's own wait is 5 s)"
	oc-profile rm openai:k7 >/dev/null 2>&1

	# ---- longer than OpenClaw waits: refused, nothing written
	sum0=$(be_creds | sha256sum)
	hold "$db" 8 "SELECT 1;"
	run_in "$KEY" oc-profile add --no-config -t api_key --wait 5s openai:late
	is "$rc" 75 "$H: a transaction held past the wait (--wait 5s): exit 75"
	like "$err" "$(basename "$db").*(locked|busy).*try again" "$H: names the database and says to try again"
	unlike "$err" "$KEY" "$H: no secret in the message"
	wait "$HOLDER"
	is "$(be_creds | sha256sum)" "$sum0" "$H: nothing was written"

	# ---- a newer schema: refused as OpenClaw refuses it
	# 2026.9.6's schemas: state database 18, agent database 23
	uv=$(sql_get "$db" 'PRAGMA user_version')
	nv=$([ "$BE_ERA" = D ] && echo 19 || echo 24)
	sqlite3 "$db" "PRAGMA user_version=$nv"
	run_in "$KEY" oc-profile add --no-config -t api_key openai:new
	is "$rc" 78 "$H: schema $nv (newer than OpenClaw 2026.9.6's): exit 78"
	like "$err" "newer OpenClaw \(schema $nv" "$H: says so"
	is "$(be_creds | sha256sum)" "$sum0" "$H: nothing was written"
	run oc-profile list
	is "$rc" 78 "$H: nor read"
	sqlite3 "$db" "PRAGMA user_version=$uv"

	# ---- a corrupt cell: exit 65, named, nothing changed
	if [ "$BE_ERA" = D ]; then
		sql_update "$db" "UPDATE config_machine_state SET value_json='{\"version\":1,\"profiles\":{' WHERE state_key='authProfiles.store';"
		where="config_machine_state authProfiles.store"
	else
		sql_update "$db" "UPDATE auth_profile_store SET store_json='{\"version\":1,\"profiles\":{' WHERE store_key='primary';"
		where="auth_profile_store primary"
	fi
	sumc=$(be_creds | sha256sum)
	for cmd in "oc-profile add --no-config -t api_key openai:z" "oc-profile rm openai:k" "oc-profile cooldowns --clear"; do
		run_in "$KEY" $cmd
		is "$rc" 65 "$H: corrupt cell: '$cmd' exits 65"
		like "$err" "$(basename "$db") \($where\)" "$H: '$cmd' names the database, table and row"
	done
	is "$(be_creds | sha256sum)" "$sumc" "$H: the corrupt cell is left as it was"
	# models status exits 1 on it; oc-check's code for a corrupt store is 65
	run oc-check
	is "$rc" 65 "$H: oc-check: 65, a corrupt store"
	like "$err" "$(basename "$db") \($where\)" "$H: naming the row"
	run oc-check --nagios
	is "$rc" 3 "$H: UNKNOWN under --nagios"
	if [ "$BE_ERA" = D ]; then
		sql_update "$db" "UPDATE config_machine_state SET value_json='{\"version\":1,\"profiles\":{}}' WHERE state_key='authProfiles.store';"
	else
		sql_update "$db" "UPDATE auth_profile_store SET store_json='{\"version\":1,\"profiles\":{}}' WHERE store_key='primary';"
	fi

	# ---- a database the user cannot write
	# (root writes through file modes: as root, the writer runs as a user
	# of its own, from a copy of the binary a build under /root hides)
	# Nor may a read through libsqlite3 (OC_SQLITE_READER=libsqlite3, or
	# what sqlpage hands back) make a -shm and -wal with the database's
	# read-only mode: they would keep OpenClaw from writing afterwards.
	if [ "$(id -u)" != 0 ]; then
		chmod 400 "$db"
		before=$(ls -l "$(dirname "$db")" | sed 1d)
		run_in "$KEY" oc-profile add --no-config -t api_key openai:ro
		is "$rc" 73 "$H: a read-only database: exit 73"
		OC_SQLITE_READER=libsqlite3 run oc-check --json
		jqok '.profiles | type == "array"' "$H: a read-only database read through libsqlite3"
		OC_SQLITE_READER=libsqlite3 run_in "$KEY" oc-profile add --no-config -t api_key openai:ro
		is "$rc" 73 "$H: and a write that reads it so first: exit 73"
		is "$(ls -l "$(dirname "$db")" | sed 1d)" "$before" "$H: and no -wal or -shm is made beside it"
		chmod 600 "$db"
	elif command -v setpriv >/dev/null 2>&1; then
		prog=$(user_copy oc-profile)
		chown -R 4242:4242 "$HOME"
		chmod 400 "$db"
		before=$(ls -l "$(dirname "$db")" | sed 1d)
		printf '%s' "$KEY" >"$T_TMP/rokey"
		run setpriv --reuid 4242 --regid 4242 --clear-groups env HOME="$HOME" \
		    "$prog" add --no-config -t api_key openai:ro <"$T_TMP/rokey"
		is "$rc" 73 "$H: a read-only database: exit 73 (as uid 4242)"
		run setpriv --reuid 4242 --regid 4242 --clear-groups env HOME="$HOME" \
		    OC_SQLITE_READER=libsqlite3 "$(user_copy oc-check)" --json
		jqok '.profiles | type == "array"' "$H: a read-only database read through libsqlite3 (as uid 4242)"
		is "$(ls -l "$(dirname "$db")" | sed 1d)" "$before" "$H: and no -wal or -shm is made beside it"
		chmod 600 "$db"
		chown -R 0:0 "$HOME"
	else
		skip "$H: a read-only database: as root, needs setpriv (util-linux) to write as a user"
	fi

	# ---- writers killed mid-write: never a half row
	for w in 1 2 3 4; do
		( i=0; while [ ! -e "$T_TMP/stop" ]; do i=$((i + 1))
			printf 'sk-k%s-%s-0123456789abcdef' "$w" "$i" |
			    oc-profile add --no-config -t api_key "groq:k$w-$i" >/dev/null 2>&1
		done ) 2>/dev/null &
		eval "W$w=\$!"
	done
	writers="$W1,$W2,$W3,$W4"
	kills=0 bad=0 end=$(( $(date +%s) + 60 ))
	while [ "$kills" -lt 8 ] && [ "$(date +%s)" -lt "$end" ]; do
		victim=$(pgrep -n -x -P "$writers" oc-profile) && kill -9 "$victim" 2>/dev/null && kills=$((kills + 1))
		be_creds | jq -e '.profiles | type == "object"' >/dev/null 2>&1 || bad=$((bad + 1))
		sleep 0.0$((RANDOM % 5 + 1))
	done
	touch "$T_TMP/stop"; wait; rm -f "$T_TMP/stop"
	ok "$([ "$kills" -ge 5 ]; echo $?)" "$H: writers were killed mid-flight ($kills)"
	is "$bad" 0 "$H: the row parsed at every look"
	is "$(sql_get "$db" 'PRAGMA integrity_check')" ok "$H: the database is intact"
	is "$(be_creds | jq '[.profiles[] | select(.provider == "groq" and (.key | test("^sk-k[0-9]+-[0-9]+-0123456789abcdef$") | not))] | length')" 0 \
	    "$H: every profile written is complete"
	run_in "$KEY" oc-profile add --no-config -t api_key openai:after
	is "$rc" 0 "$H: a write after the storm gets through"
	is "$(stat -c %i "$db")" "$ino" "$H: the database is the same file throughout (never replaced)"
done

# ---- the coordinator OpenClaw serialises state-database writes with
t_home
home_load d-fresh
be_init d-fresh
real=$(realpath "$(sql_db state)")
coord=/tmp/openclaw-state-locks-$(id -u)/state-lifecycle.$(printf '%s' "$real" | sha256sum | cut -c1-8).lock.sqlite
mkdir -p "$(dirname "$coord")" && chmod 700 "$(dirname "$coord")"
rm -f "$T_TMP/held"
printf 'PRAGMA journal_mode=MEMORY;\nBEGIN EXCLUSIVE;\n.shell touch %s/held; sleep 8\nROLLBACK;\n' "$T_TMP" |
    sqlite3 "$coord" >/dev/null 2>&1 &
HOLDER=$!
i=0; while [ ! -e "$T_TMP/held" ] && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
sum0=$(be_creds | sha256sum)
run_in "$KEY" oc-profile add --no-config -t api_key --wait 5s openai:k
is "$rc" 75 "the state-write coordinator held past the wait (--wait 5s): exit 75"
like "$err" "another OpenClaw process is writing the state database \\(waited 5000 ms\\)" "says why, and how long it waited"
is "$(be_creds | sha256sum)" "$sum0" "nothing was written"
wait "$HOLDER"
run_in "$KEY" oc-profile add --no-config -t api_key openai:k
is "$rc" 0 "once it is released, the write goes through"
rm -f "$coord"

# ---- 8 writers x 50 changes: nothing lost
for H in d-fresh c-fresh; do
	t_home
	home_load "$H"
	be_init "$H"
	for w in 1 2 3 4 5 6 7 8; do
		(
			fails=0
			for i in $(seq 1 50); do
				printf 'sk-w%s-%s-0123456789abcdef' "$w" "$i" |
				    oc-profile add --no-config -t api_key --wait 60s "groq:w$w-$i" >/dev/null 2>>"$T_TMP/w.err" ||
				    fails=$((fails + 1))
			done
			echo "$fails" >"$T_TMP/w$w.fails"
		) &
	done
	wait
	is "$(cat "$T_TMP"/w?.fails | awk '{ n += $1 } END { print n }')" 0 "$H: 400 writes by 8 concurrent writers all succeeded"
	is "$(be_creds | jq '[.profiles | keys[] | select(startswith("groq:w"))] | length')" 400 "$H: and all 400 are in the store"
	is "$(cat "$T_TMP/w.err" 2>/dev/null)" "" "$H: no writer reported an error"
	rm -f "$T_TMP"/w*.fails "$T_TMP/w.err"
done

done_testing
