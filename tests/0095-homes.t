#!/bin/bash
# SPDX-License-Identifier: ISC
# The cached OpenClaw homes (tests/fixtures/homes, made by its make.sh from the
# real releases) rebuild into the homes those releases made: the same files,
# modes, databases (schema, user_version, journal mode, rows) and auth data.
# With the peers set (OC_PEER, OC_PEER_C, OC_PEER_D; OC_PEER_B optional), each
# release judges a rebuilt home exactly as it judged the original, and a home
# it makes now has the cached schema, so a stale cache fails here.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/homes.sh"

t_home
if ! homes_available; then
	skip "$HOMES_WHY"
	done_testing
	exit
fi

# The homes this test knows; a cached home it does not know is a failure, so
# whoever adds one says here what must be in it.
known="a-json a-order b-json b-61 c-fresh c-two-agents d-fresh d-agentdb d-two-agents d-legacy-json d-legacy-main d-upgraded"
is "$(home_list | sort | tr '\n' ' ')" "$(printf '%s\n' $known | sort | tr '\n' ' ')" \
    "the cache holds exactly the homes this test knows"

# files.am (what make dist ships) lists exactly the files of the cache.
listed=$(sed -n 's/^\t//p' "$HOMES_DIR/files.am" | tr ' ' '\n' | grep -v '^\\$' | grep . | LC_ALL=C sort)
present=$(cd "$OC_SRCDIR" && find tests/fixtures/homes -type f | LC_ALL=C sort)
is "$listed" "$present" "files.am lists every file of tests/fixtures/homes, and only those"
is "$(printf '%s\n' "$listed" | awk 'length("oc-tools-00.00.00/" $0) > 99')" "" \
    "no cached path is too long for automake's default tar format (99 characters)"

SSSS="sk-ant-oat01-$(head -c 90 /dev/zero | tr '\0' S)"
WWWW="sk-ant-oat01-$(head -c 90 /dev/zero | tr '\0' W)"
MAIN=.openclaw/agents/main/agent
# The credential JSON of a DB cell, or a file, into $out for jqok.
cell() { out=$(sql_get "$1" "$2"); }
file() { out=$(cat "$HOME/$1" 2>/dev/null); }
tables() { sql_get "$1" "select group_concat(name, ' ') from (select name from sqlite_master where type='table' and name like '$2' order by name)"; }
# jq: the anthropic:a token make-home.sh pastes, with an expiry.
TOK_A=".profiles[\"anthropic:a\"] | .type == \"token\" and .provider == \"anthropic\" and .token == \"$SSSS\" and .expires > 1700000000000"

# ---- 1. structure: every home, rebuilt as made (-k: expiry times kept) ----
for name in $(home_list); do
	t_home
	run home_load -k "$name"
	is "$rc:$err" "0:" "$name: home_load rebuilds it"
	m=$HOMES_DIR/$name/MANIFEST

	# Exactly the recorded entries, each with OpenClaw's mode; no -wal/-shm.
	bad=
	n=0
	while read -r kind mode rel _; do
		n=$((n + 1))
		case $kind in dir) t=-d ;; *) t=-f ;; esac
		if ! test "$t" "$HOME/$rel"; then bad+=" missing:$rel"
		elif [ "$(mode_of "$HOME/$rel")" != "$mode" ]; then bad+=" $rel:$(mode_of "$HOME/$rel")!=$mode"; fi
	done < <(grep -E '^(dir|file|db) ' "$m")
	is "$bad" "" "$name: its $n directories and files, each with the mode the MANIFEST records"
	# ...which are OpenClaw's: every file and database 0600; the state dir,
	# state/ and each agent/ dir 0700 (other dirs vary: agents/work is 0755).
	is "$(awk '($1 == "file" || $1 == "db") && $2 != "600" { print $3 }
	    $1 == "dir" && ($3 == ".openclaw" || $3 ~ /\/state$/ || $3 ~ /\/agent$/) && $2 != "700" { print $3 }' "$m")" "" \
	    "$name: the modes are OpenClaw's (files 0600; .openclaw, state/, agent/ 0700)"
	is "$(find "$HOME" -mindepth 1 | wc -l)" "$n" "$name: and nothing else (no -wal/-shm left by the rebuild)"
	is "$(grep -rl '@HOME@' "$HOME" | wc -l)" 0 "$name: no @HOME@ left: paths are this home's"

	# Each database: the recorded pragmas, intact, and its dump is the cached dump.
	while read -r _ _ rel info; do
		db=$HOME/$rel
		got="user_version=$(sql_get "$db" 'PRAGMA user_version') journal_mode=$(sql_get "$db" 'PRAGMA journal_mode') auto_vacuum=$(sql_get "$db" 'PRAGMA auto_vacuum') page_size=$(sql_get "$db" 'PRAGMA page_size') tables=$(sql_get "$db" "select count(*) from sqlite_master where type='table'")"
		is "$got" "$info" "$name: $rel has the original's user_version, journal mode, auto_vacuum, page size and table count"
		is "$(sql_get "$db" 'PRAGMA integrity_check')" ok "$name: $rel passes integrity_check"
		h=$(printf '%s' "$HOME" | sed 's/[\\&|]/\\&/g')
		sed -n '/^PRAGMA foreign_keys=OFF;$/,/^COMMIT;$/p' "$(_home_fixture_path "$name" "$rel")" | sed "s|@HOME@|$h|g" >"$T_TMP/want.sql"
		sqlite3 -readonly "$db" .dump >"$T_TMP/got.sql"
		if cmp -s "$T_TMP/want.sql" "$T_TMP/got.sql"; then ok 0 "$name: $rel dumps to the cached dump (a faithful rebuild)"
		else ok 1 "$name: $rel dumps to the cached dump (a faithful rebuild)"; diag "$(diff "$T_TMP/want.sql" "$T_TMP/got.sql" | head -20)"; fi
	done < <(grep '^db ' "$m")

	# What each home is for.
	st=$(sql_db state)
	case $name in
	a-json|a-order|b-json)
		file "$MAIN/auth-profiles.json"
		jqok "$TOK_A" "$name: auth-profiles.json holds the anthropic:a token (expires set)"
		is "$(find "$HOME" -name '*.sqlite' | wc -l)" 0 "$name: no database in this era"
		case $name in
		a-json) jqok 'has("order") | not' "$name: no order yet"
			is "$(test -e "$HOME/$MAIN/auth-state.json"; echo $?)" 1 "$name: no auth-state.json" ;;
		a-order) jqok '.order.anthropic == ["anthropic:a"]' "$name: the order inline in auth-profiles.json (era A)"
			is "$(test -e "$HOME/$MAIN/auth-state.json"; echo $?)" 1 "$name: no auth-state.json in era A" ;;
		b-json) jqok 'has("order") | not' "$name: no routing state in auth-profiles.json"
			jqfile "$HOME/$MAIN/auth-state.json" '.order.anthropic == ["anthropic:a"] and (has("profiles") | not)' "$name: the order in auth-state.json (era B)" ;;
		esac ;;
	b-61)
		file "$MAIN/auth-profiles.json"
		jqok "$TOK_A" "$name: auth-profiles.json holds the anthropic:a token"
		is "$(tables "$st" 'auth_profile%')" "auth_profile_state auth_profile_stores" "$name: the state DB has the era-C auth tables"
		is "$(sql_get "$st" "select (select count(*) from auth_profile_stores) + (select count(*) from auth_profile_state)")" 0 "$name: empty: 6.1 never writes them"
		is "$(sql_get "$st" "select group_concat(name) from pragma_table_info('auth_profile_state')")" "store_key,state_json,updated_at" "$name: whose auth_profile_state is keyed by store_key"
		is "$(test -e "$HOME/$MAIN/openclaw-agent.sqlite"; echo $?)" 1 "$name: no agent DB" ;;
	c-fresh|c-two-agents)
		cell "$(sql_db main)" "select store_json from auth_profile_store where store_key='primary'"
		jqok "$TOK_A" "$name: the main agent DB's primary row holds the anthropic:a token"
		unlike "$(sql_get "$(sql_db main)" "select sql from sqlite_master where name='auth_profile_store'")" STRICT "$name: era-C tables are not STRICT"
		is "$(sql_get "$st" "select (select count(*) from auth_profile_stores) + (select count(*) from auth_profile_state)")" 0 "$name: the state DB's auth tables stay empty"
		is "$(test -e "$HOME/$MAIN/auth-profiles.json"; echo $?)" 1 "$name: no auth-profiles.json"
		jqfile "$CONFIG" '.auth.profiles["anthropic:a"] == {"provider":"anthropic","mode":"token"} and .meta.lastTouchedVersion == "2026.7.35" and (.meta.lastTouchedAt | type) == "string"' "$name: config as 7.35 writes it (meta.lastTouchedAt kept)"
		if [ "$name" = c-two-agents ]; then
			is "$(sql_db work)" "$HOME/.openclaw/agents/work/agent/openclaw-agent.sqlite" "$name: sql_db finds the work agent's DB through the config"
			jqfile "$CONFIG" '.agents.list | map(.id) | index("work") != null' "$name: agents.list has work"
			cell "$(sql_db work)" "select store_json from auth_profile_store where store_key='primary'"
			jqok ".profiles | keys == [\"anthropic:workonly\"] and .[\"anthropic:workonly\"].token == \"$WWWW\" and (.[\"anthropic:workonly\"] | has(\"expires\") | not)" "$name: the work agent DB holds only anthropic:workonly (no expiry)"
		fi ;;
	d-*)
		is "$(sql_get "$st" 'PRAGMA user_version')" 18 "$name: state DB at 9.6's schema 18"
		is "$(tables "$st" 'auth_profile%')" "" "$name: the 9.6 state DB has no auth_profile_* tables"
		like "$(sql_get "$st" "select sql from sqlite_master where name='config_machine_state'")" STRICT "$name: config_machine_state is STRICT"
		is "$(sql_get "$st" "select count(*) from config_health_entries where config_path='$HOME/.openclaw/openclaw.json'")" 1 "$name: config_health_entries is keyed by this home's config path"
		lt=2026.9.6
		[ "$name" = d-legacy-main ] && lt=2026.7.35	# doctor stopped before rewriting it
		jqfile "$CONFIG" "(.meta | has(\"lastTouchedAt\") | not) and .meta.lastTouchedVersion == \"$lt\"" "$name: config as 9.6 accepts it (no meta.lastTouchedAt), last written by $lt"
		case $name in
		d-legacy-main)
			is "$(sql_get "$st" "select count(*) from config_machine_state where state_key like 'auth%'")" 0 "$name: no auth.sharedStore row and no shared rows: legacy-main"
			is "$(sql_get "$(sql_db main)" 'PRAGMA user_version')" 23 "$name: the main agent DB was upgraded to 23"
			cell "$(sql_db main)" "select store_json from auth_profile_store where store_key='primary'"
			jqok "$TOK_A" "$name: and holds anthropic:a, the shared store of a legacy-main home" ;;
		d-legacy-json)
			cell "$st" "select value_json from config_machine_state where state_key='auth.sharedStore'"
			jqok '. == {"location":"state-db"}' "$name: shared store in the state DB"
			cell "$st" "select value_json from config_machine_state where state_key='authProfiles.store'"
			jqok '. == {"version":1,"profiles":{}}' "$name: logout left the shared store row, empty"
			file "$MAIN/auth-profiles.json"
			jqok "$TOK_A" "$name: auth-profiles.json (from 2026.5.28) holds anthropic:a"
			is "$(home_manifest "$name" status_rc)" 1 "$name: 9.6 refused it when it was made"
			like "$(home_manifest "$name" status_auth)" 'requires legacy credential migration' "$name: for the legacy JSON (AUTH_PROFILE_MIGRATION_REQUIRED)" ;;
		*)
			cell "$st" "select value_json from config_machine_state where state_key='auth.sharedStore'"
			jqok '. == {"location":"state-db"}' "$name: auth.sharedStore is state-db"
			cell "$st" "select value_json from config_machine_state where state_key='authProfiles.store'"
			jqok "($TOK_A) and (.profiles | keys == [\"anthropic:a\"])" "$name: authProfiles.store holds anthropic:a, only"
			is "$(sql_get "$st" "select count(*) from config_machine_state where state_key='authProfiles.state'")" 0 "$name: no authProfiles.state row (empty state is deleted)" ;;
		esac
		case $name in
		d-fresh)
			is "$(test -e "$HOME/.openclaw/agents"; echo $?)" 1 "$name: no agent DB, no agents dir" ;;
		d-agentdb|d-two-agents)
			cell "$(sql_db main)" "select store_json from auth_profile_store where store_key='primary'"
			jqok '. == {"version":1,"profiles":{}}' "$name: order set made the main agent DB with an empty store row"
			cell "$(sql_db main)" "select state_json from auth_profile_state where state_key='primary'"
			jqok '. == {"version":1,"order":{"anthropic":["anthropic:a"]}}' "$name: and the order in its own state row"
			is "$(sql_get "$st" "select path from agent_databases where agent_id='main'")" "agents/main/agent/openclaw-agent.sqlite" "$name: the state DB registers it, relative to the state dir"
			is "$(sql_get "$(sql_db quarantine)" 'PRAGMA user_version'):$(sql_get "$(sql_db quarantine)" 'PRAGMA journal_mode')" "2:delete" "$name: the quarantine DB: schema 2, rollback journal" ;;&
		d-two-agents)
			is "$(sql_db work)" "$HOME/.openclaw/agents/work/agent/openclaw-agent.sqlite" "$name: sql_db finds the work agent's DB through the config"
			jqfile "$CONFIG" ".agents.entries.work.agentDir == \"$HOME/.openclaw/agents/work/agent\"" "$name: agents.entries.work.agentDir is this home's path"
			cell "$(sql_db work)" "select store_json from auth_profile_store where store_key='primary'"
			jqok ".profiles | keys == [\"anthropic:workonly\"] and .[\"anthropic:workonly\"].token == \"$WWWW\"" "$name: the work agent DB holds anthropic:workonly, agent-local" ;;
		d-upgraded)
			is "$(sql_get "$st" "select status from migration_runs where id like 'shared-auth-store:%'")" completed "$name: doctor's relocation receipt"
			is "$(sql_get "$(sql_db main)" "select (select count(*) from auth_profile_store) + (select count(*) from auth_profile_state)")" 0 "$name: the relocation left no auth rows in the main agent DB"
			is "$(sql_get "$(sql_db main)" 'PRAGMA user_version')" 23 "$name: main agent DB at 23" ;;
		esac ;;
	*)
		ok 1 "$name: no expectations in 0095-homes.t" ;;
	esac
done

# ---- 2. expiry times move with the clock; nothing else does -------------
for name in d-fresh a-json; do
	t_home
	home_load -k "$name"
	case $name in
	d-*) e0=$(sql_get "$(sql_db state)" "select json_extract(value_json,'\$.profiles.\"anthropic:a\".expires') from config_machine_state where state_key='authProfiles.store'")
	     k=$(sql_get "$(sql_db state)" .dump | sed 's/"expires":[0-9]*//' | sed "s|$HOME|HOME|g") ;;
	*) e0=$(jq '.profiles["anthropic:a"].expires' "$STORE")
	   k=$(sed 's/"expires": [0-9]*//' "$STORE" | sed "s|$HOME|HOME|g") ;;
	esac
	t_home
	t0=$(now_ms)
	home_load "$name"
	case $name in
	d-*) e1=$(sql_get "$(sql_db state)" "select json_extract(value_json,'\$.profiles.\"anthropic:a\".expires') from config_machine_state where state_key='authProfiles.store'")
	     r=$(sql_get "$(sql_db state)" .dump | sed 's/"expires":[0-9]*//' | sed "s|$HOME|HOME|g") ;;
	*) e1=$(jq '.profiles["anthropic:a"].expires' "$STORE")
	   r=$(sed 's/"expires": [0-9]*//' "$STORE" | sed "s|$HOME|HOME|g") ;;
	esac
	shift_ms=$(( t0 - $(home_manifest "$name" snapshot_ms) ))
	off=$(( e1 - e0 - shift_ms ))
	ok "$([ "${off#-}" -le 2000 ] && echo 0 || echo 1)" "$name: home_load moves expires by the time since the snapshot (off by ${off} ms)"
	is "$([ -n "$k" ] && [ "$k" = "$r" ] && echo same)" same "$name: and changes nothing else"
done

# ---- 3. the helpers the tests use ----------------------------------------
t_home
home_load d-agentdb
db=$(sql_db main)
is "$db" "$HOME/.openclaw/agents/main/agent/openclaw-agent.sqlite" "sql_db main: the default agent dir when the config names none"
run sql_update "$db" "UPDATE auth_profile_state SET state_json=json_set(state_json,'\$.order.anthropic',json('[\"anthropic:x\"]')), updated_at=1 WHERE state_key='primary';"
is "$rc:$out" "0:" "sql_update commits, printing nothing"
is "$(sql_get "$db" "select state_json||'|'||updated_at from auth_profile_state")" '{"version":1,"order":{"anthropic":["anthropic:x"]}}|1' "sql_get reads the committed row"
run sql_update "$db" "UPDATE auth_profile_state SET updated_at=2; SELECT no_such_function();"
is "$([ "$rc" -ne 0 ] && echo failed)" failed "sql_update fails on an error in its SQL"
is "$(sql_get "$db" "select updated_at from auth_profile_state")" 1 "and rolls the whole transaction back"
is "$(sql_get "$db" 'PRAGMA journal_mode')" wal "and leaves the journal mode alone"
run sql_update "$HOME/none.sqlite" "SELECT 1;"
is "$rc:$(test -e "$HOME/none.sqlite"; echo $?)" "1:1" "sql_update on a missing DB fails and creates nothing"
run sql_get "$HOME/none.sqlite" "SELECT 1;"
is "$rc:$(test -e "$HOME/none.sqlite"; echo $?)" "1:1" "sql_get too"
run home_load no-such-home
is "$rc" 1 "home_load of an unknown home fails"
like "$err" "no cached home 'no-such-home'" "saying which"
mkdir -p "$T_TMP/nobin"
is "$(PATH=$T_TMP/nobin; homes_available; echo "$?:$HOMES_WHY")" "1:sqlite3 not installed (the sqlite3 package): cached OpenClaw homes cannot be rebuilt" \
    "homes_available says why when sqlite3 is missing"
out=$( (unset OC_PEER_D; peer_for D) 2>"$T_TMP/e"); rc=$?
is "$rc:$out" "1:" "peer_for fails when its variable is unset"
like "$(cat "$T_TMP/e")" "OC_PEER_D not set" "and says which variable"
: >"$T_TMP/plain"
out=$( (OC_PEER_C=$T_TMP/plain; peer_for C) 2>"$T_TMP/e"); rc=$?
is "$rc:$out" "1:" "peer_for fails when the wrapper is not executable"
out=$( (OC_PEER=/bin/true; peer_for A) 2>"$T_TMP/e"); rc=$?
is "$rc:$out" "0:/bin/true" "peer_for A prints \$OC_PEER"

# ---- 4. the releases judge the rebuilt homes as they judged the originals --
declare -A peer_ok peer_why
for era in A B C D; do
	if p=$(peer_for "$era" 2>"$T_TMP/why"); then
		peer_ok[$era]=$p
		peer_why[$era]=$(peer_release "$p")
	else
		peer_why[$era]=$(cat "$T_TMP/why")
	fi
done
# A, C and D each have one reference release; a peer of another release means
# the cache is stale (regenerate it). B's homes come from two releases.
for era in A C D; do
	[ -n "${peer_ok[$era]:-}" ] || continue
	want=$(for n in $(home_list); do [ "$(home_manifest "$n" era)" = "$era" ] && home_manifest "$n" release; done | sort -u)
	is "${peer_why[$era]}" "$want" "the era-$era peer runs the release its cached homes were made with (else run tests/fixtures/homes/make.sh)"
done
for name in $(home_list); do
	era=$(home_manifest "$name" era)
	rel=$(home_manifest "$name" release)
	p=${peer_ok[$era]:-}
	if [ -z "$p" ]; then
		skip "$name: no peer: ${peer_why[$era]}"; skip "$name: no peer"
		continue
	fi
	if [ "${peer_why[$era]}" != "$rel" ]; then
		skip "$name: made by $rel, the era-$era peer is ${peer_why[$era]}"; skip "$name: other release"
		continue
	fi
	t_home
	home_load "$name"
	peer_in_home "$p" models status --json --check
	is "$rc" "$(home_manifest "$name" check_rc)" "$name: openclaw@$rel models status --check exits as it did on the original"
	got=$(printf '%s' "$out" | jq -c --arg h "$HOME" "$HOMES_STATUS_JQ" 2>/dev/null)
	is "$got" "$(home_manifest "$name" status_auth)" "$name: and reports the same auth (models status --json .auth)"
	if [ "$name" = d-legacy-main ]; then
		is "$(sql_get "$(sql_db state)" "select count(*) from config_machine_state where state_key like 'auth%'")" 0 "$name: 9.6 reads legacy-main in place, without relocating it"
	fi
done

# ---- 5. a home the release makes now has the cached schema ---------------
# DB NAME REL: DB (made now) has the schema and user_version of the cached
# home NAME's database at the same path REL. The schema is compared as the
# set of CREATE statements: a rebuild from a dump lists the indexes after all
# tables, where a fresh database has each after its table.
schema_of() {
	sqlite3 -readonly "$1" "select type || ' ' || name || ' ON ' || tbl_name || char(10) || coalesce(sql, '') || ';' from sqlite_master order by type, name"
}
same_schema() {
	local fresh=$1 name=$2 rel=$3 home=$HOME
	HOME=$T_TMP/cached
	rm -rf "$HOME"; mkdir -p "$HOME"
	home_load -k "$name"
	schema_of "$HOME/$rel" >"$T_TMP/s.cached"
	cv=$(sql_get "$HOME/$rel" 'PRAGMA user_version')
	HOME=$home
	schema_of "$fresh" >"$T_TMP/s.fresh"
	is "$(sql_get "$fresh" 'PRAGMA user_version')" "$cv" "a home $4 makes now: $rel has the user_version of $name's"
	if cmp -s "$T_TMP/s.cached" "$T_TMP/s.fresh"; then ok 0 "and the same schema (the cache is current)"
	else ok 1 "and the same schema (the cache is current)"; diag "stale cache: run tests/fixtures/homes/make.sh"; diag "$(diff "$T_TMP/s.cached" "$T_TMP/s.fresh" | head -20)"; fi
}
for era in D C; do
	p=${peer_ok[$era]:-}
	n=6; [ "$era" = C ] && n=5
	if [ -z "$p" ]; then
		for _ in $(seq $n); do skip "fresh era-$era home: no peer: ${peer_why[$era]}"; done
		continue
	fi
	r=${peer_why[$era]}
	t_home
	run_in "$SSSS" env -i PATH=/usr/bin:/bin HOME="$HOME" timeout 120 "$p" models auth paste-token --provider anthropic --profile-id anthropic:a --expires-in 30d
	is "$rc" 0 "openclaw@$r models auth paste-token makes a fresh home"
	if [ "$era" = D ]; then
		peer_in_home "$p" models auth order set --provider anthropic anthropic:a
		is "$rc" 0 "openclaw@$r models auth order set makes its main agent DB"
		same_schema "$(sql_db state)" d-agentdb .openclaw/state/openclaw.sqlite "$r"
		same_schema "$(sql_db main)" d-agentdb "$MAIN/openclaw-agent.sqlite" "$r"
	else
		same_schema "$(sql_db state)" c-fresh .openclaw/state/openclaw.sqlite "$r"
		same_schema "$(sql_db main)" c-fresh "$MAIN/openclaw-agent.sqlite" "$r"
	fi
done

done_testing
