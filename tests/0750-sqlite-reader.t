#!/bin/bash
# SPDX-License-Identifier: ISC
# The read-only commands read SQLite stores through common/sqlpage.c (the
# file format, no schema parse) and fall back to libsqlite3 for anything it
# hands back. Here: on every cached home both readers give the same output
# and exit code; on the OpenClaw homes sqlpage really answers
# (OC_SQLITE_READER=trace); a database just written, a transaction left
# open by another writer, a corrupt cell and a missing agent database read
# as libsqlite3 reads them; readers racing 4 writers never see a torn or
# older store.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/homes.sh"
. "$OC_SRCDIR/tests/backends.sh"

t_home
if ! homes_available; then
	skip "$HOMES_WHY"
	done_testing
	exit
fi

# Everything a database can be read for (with a clock that stands still:
# OC_NOW_MS, set after each t_home, which clears the environment).
reads() {
	local c
	for c in "oc-check --json" "oc-check --nagios" "oc-profile list --json" \
	    "oc-order get --json" "oc-keys get --json anthropic"; do
		$c 2>&1
		echo "rc=$?"
	done
}
# A database the tests just wrote proves its state only by timestamps older
# than a clock tick: back-date them, as a store written a moment ago is.
settle() {
	find "$HOME/.openclaw" -name '*.sqlite' -exec touch -d '-10 seconds' {} +
}
traced() { OC_SQLITE_READER=trace "$@" 2>&1 >/dev/null | grep '^oc-tools: .*: read by '; }

for H in $(home_list); do
	t_home
	home_load "$H" || { ok 1 "$H: home_load"; continue; }
	be_init "$H"
	settle
	export OC_NOW_MS=$(now_ms)
	a=$(reads)
	b=$(OC_SQLITE_READER=libsqlite3 reads)
	is "$a" "$b" "$H: sqlpage and libsqlite3 give the same output and exit codes"
	if [ "$BE_KIND" = sqlite ]; then
		tr=$(traced oc-check)
		like "$tr" "read by sqlpage" "$H: oc-check reads through sqlpage"
		unlike "$tr" "read by libsqlite3" "$H: and nothing is handed back ($(printf '%s' "$tr" | grep -c libsqlite3) of $(printf '%s\n' "$tr" | grep -c .))"
	fi
done

# ---- a database just written (no WAL left, timestamps too fresh to prove
# anything): handed back, and read right
t_home
home_load d-fresh
be_init d-fresh
echo "sk-fresh-0123456789" | oc-profile add --no-config -t api_key openai:fresh >/dev/null 2>&1
touch "$BE_CREDS_DB"
tr=$(traced oc-profile list)
run oc-profile list --json
is "$rc" 0 "just written: read"
jqok '[.profiles[] | .profileId] | index("openai:fresh") != null' "just written: the new profile is there"
diag "reader for a database written a moment ago: $(printf '%s' "$tr" | sed -n '1s/.*read by //p')"

# ---- another writer's open transaction: its uncommitted row is not seen,
# by either reader; its commit is, at once
settle
rm -f "$T_TMP/held" "$T_TMP/go"
{
	printf 'PRAGMA busy_timeout=5000;\nBEGIN IMMEDIATE;\n'
	printf "UPDATE config_machine_state SET value_json=json_set(value_json, '\$.profiles.\"openai:uncommitted\"', json('{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-unc\"}')) WHERE state_key='authProfiles.store';\n"
	printf '.shell touch %s/held; while [ ! -e %s/go ]; do sleep 0.05; done\nCOMMIT;\n' "$T_TMP" "$T_TMP"
} | sqlite3 "$BE_CREDS_DB" >/dev/null 2>&1 &
holder=$!
i=0; while [ ! -e "$T_TMP/held" ] && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
# (one clock for both: remainingMs is of the time of the run)
t=$(now_ms)
a=$(OC_NOW_MS=$t oc-profile list --json) b=$(OC_NOW_MS=$t OC_SQLITE_READER=libsqlite3 oc-profile list --json)
is "$a" "$b" "an open transaction: both readers agree"
is "$(printf '%s' "$a" | jq '[.profiles[] | select(.profileId == "openai:uncommitted")] | length')" 0 "and neither sees its uncommitted row"
touch "$T_TMP/go"; wait "$holder"
run oc-profile list --json
jqok '[.profiles[] | .profileId] | index("openai:uncommitted") != null' "its commit is seen by the next read"

# ---- a corrupt cell: the same error, worded by libsqlite3's path
sql_update "$BE_CREDS_DB" "UPDATE config_machine_state SET value_json='{\"profiles\":' WHERE state_key='authProfiles.store';"
settle
run oc-check
a="$rc:$err"
OC_SQLITE_READER=libsqlite3 run oc-check
is "$a" "$rc:$err" "a corrupt cell: the same exit code and message from both"
is "$rc" 65 "and that is 65"

# ---- readers racing writers: every read is a whole store, never an older one
t_home
home_load d-fresh
be_init d-fresh
settle
rm -f "$T_TMP/stop"
n0=$(oc-profile list --json | jq ".profiles | length")
for w in 1 2 3 4; do
	( for i in $(seq 1 25); do
		echo "sk-w$w-$i-0123456789abcdef" | oc-profile add --no-config -t api_key --wait 60s "groq:w$w-$i" >/dev/null 2>>"$T_TMP/w.err" ||
		    echo "writer $w add $i: exit $?" >>"$T_TMP/w.err"
	done ) &
done
bad=0 back=0 runs=0 last=$n0 sq=0
while [ "$(jobs -r | wc -l)" -gt 0 ]; do
	c=$(OC_SQLITE_READER=trace oc-profile list --json 2>"$T_TMP/r.err")
	r=$?
	runs=$((runs + 1))
	grep -q "read by sqlpage" "$T_TMP/r.err" && sq=$((sq + 1))
	n=$(printf '%s' "$c" | jq 'if (.profiles | type) == "array" and all(.profiles[]; .profileId != null) then .profiles | length else -1 end' 2>/dev/null)
	if [ "$r" -ne 0 ] || [ -z "$n" ] || [ "$n" -lt 0 ]; then
		bad=$((bad + 1)); echo "read $runs: exit $r: $(grep -v 'read by' "$T_TMP/r.err" | head -1)" >>"$T_TMP/bad"
	elif [ "$n" -lt "$last" ]; then
		back=$((back + 1)); echo "read $runs: $n profiles after $last" >>"$T_TMP/bad"
	else
		last=$n
	fi
done
wait
diag "$runs reads during 100 writes, $sq answered by sqlpage"
is "$bad" 0 "every read during the writes succeeded with a whole store"
[ -s "$T_TMP/bad" ] && diag "$(head -5 "$T_TMP/bad")"
is "$back" 0 "no read saw fewer profiles than one before it"
ok "$([ "$runs" -ge 5 ]; echo $?)" "the readers ran during the writes ($runs)"
is "$(cat "$T_TMP/w.err" 2>/dev/null)" "" "every write succeeded"
is "$(oc-profile list --json | jq ".profiles | length")" "$((n0 + 100))" "and all 100 are read back"

done_testing
