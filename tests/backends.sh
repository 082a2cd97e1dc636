# SPDX-License-Identifier: ISC
# tests/backends.sh - the same questions asked of a home in any store era,
# so one test body runs against the JSON files (eras A and B) and the SQLite
# databases (eras C and D). Source after tests/lib.sh and tests/homes.sh,
# then home_load a cached home and be_init its name.
#
#	be_creds         the credential document the main agent writes to
#	be_state         the routing document `oc-order set` writes to
#	                 (empty when there is none)
#	be_stamp         the updated_at of the credential row (SQLite), or "-"
#	be_files         every file of the home but -wal/-shm, with its mode
#	be_others        a digest of every row and file the writes must not
#	                 touch (all rows of the databases but the two above)

# be_init NAME: the cached home NAME (already loaded in $HOME)
be_init() {
	BE_HOME=$1
	BE_ERA=$(home_manifest "$1" era)
	case $BE_ERA in
	A | B)
		BE_KIND=json
		BE_CREDS_FILE=$HOME/.openclaw/agents/main/agent/auth-profiles.json
		if [ "$BE_ERA" = A ]; then
			BE_STATE_FILE=$BE_CREDS_FILE
		else
			BE_STATE_FILE=$HOME/.openclaw/agents/main/agent/auth-state.json
		fi ;;
	C)
		BE_KIND=sqlite
		BE_CREDS_DB=$(sql_db main) BE_STATE_DB=$(sql_db main)
		BE_CREDS_SQL="select store_json from auth_profile_store where store_key='primary'"
		BE_STAMP_SQL="select updated_at from auth_profile_store where store_key='primary'"
		BE_STATE_SQL="select state_json from auth_profile_state where state_key='primary'"
		BE_OTHERS="auth_profile_store:store_key<>'primary' auth_profile_state:state_key<>'primary'" ;;
	D)
		BE_KIND=sqlite
		# the main agent of a state-db home writes the shared store,
		# and its routing state to its own database
		BE_CREDS_DB=$(sql_db state) BE_STATE_DB=$(sql_db main)
		BE_CREDS_SQL="select value_json from config_machine_state where state_key='authProfiles.store'"
		BE_STAMP_SQL="select updated_at_ms from config_machine_state where state_key='authProfiles.store'"
		BE_STATE_SQL="select state_json from auth_profile_state where state_key='primary'"
		BE_OTHERS="config_machine_state:state_key<>'authProfiles.store' auth_profile_state:state_key<>'primary'" ;;
	esac
}

be_creds() {
	if [ "$BE_KIND" = json ]; then
		cat "$BE_CREDS_FILE"
	else
		sql_get "$BE_CREDS_DB" "$BE_CREDS_SQL"
	fi
}

be_state() {
	if [ "$BE_KIND" = json ]; then
		if [ "$BE_ERA" = A ]; then
			# era A keeps the routing state inside the store
			[ -f "$BE_STATE_FILE" ] && jq -c '{order, lastGood, usageStats} | with_entries(select(.value != null))' "$BE_STATE_FILE"
		else
			[ -f "$BE_STATE_FILE" ] && cat "$BE_STATE_FILE"
		fi
	elif [ -f "$BE_STATE_DB" ]; then
		sql_get "$BE_STATE_DB" "$BE_STATE_SQL"
	fi
	return 0
}

be_stamp() {
	if [ "$BE_KIND" = json ]; then echo -; else sql_get "$BE_CREDS_DB" "$BE_STAMP_SQL"; fi
}

be_files() {
	(cd "$HOME" && find . ! -name '*-wal' ! -name '*-shm' -printf '%M %p\n' | sort)
}

# Everything in the databases but the rows the store writes: each table's
# rows, sorted; the two documents' own tables filtered as BE_OTHERS says.
be_others() {
	local db t w
	[ "$BE_KIND" = sqlite ] || { echo -; return; }
	for db in $(find "$HOME" -name '*.sqlite' | sort); do
		for t in $(sql_get "$db" "select name from sqlite_schema where type='table' order by name"); do
			w=$(printf '%s\n' $BE_OTHERS | sed -n "s/^$t://p" | head -1)
			# shellcheck disable=SC2016
			sql_get "$db" "select * from \"$t\"${w:+ where $w} order by 1" 2>/dev/null
		done
	done | sha256sum | cut -d' ' -f1
}
