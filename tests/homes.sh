# SPDX-License-Identifier: ISC
# tests/homes.sh - OpenClaw homes that the real releases made, cached as text
# under tests/fixtures/homes/ (see its README), rebuilt for a test. Source it
# after tests/lib.sh; call t_home first, then:
#
#	homes_available || { skip "$HOMES_WHY"; done_testing; exit; }
#	home_load d-agentdb
#	sql_get "$(sql_db state)" "select value_json from config_machine_state ..."
#
# The SQLite databases of OpenClaw 2026.6+ carry dozens of tables that only
# OpenClaw can create, so the cache keeps OpenClaw's own dump of them and the
# sqlite3 CLI rebuilds them; without sqlite3 the tests that need a home skip.
HOMES_DIR=$OC_SRCDIR/tests/fixtures/homes
HOMES_WHY=

# homes_available: 0 when the cached homes can be rebuilt here; otherwise 1
# with the reason in $HOMES_WHY (for a TAP skip).
homes_available() {
	if ! command -v sqlite3 >/dev/null 2>&1; then
		HOMES_WHY="sqlite3 not installed (the sqlite3 package): cached OpenClaw homes cannot be rebuilt"
		return 1
	fi
	if [ ! -r "$HOMES_DIR/d-fresh/MANIFEST" ]; then
		HOMES_WHY="no cached OpenClaw homes under $HOMES_DIR"
		return 1
	fi
	return 0
}

# home_list: the names of the cached homes, one a line.
home_list() {
	local m
	for m in "$HOMES_DIR"/*/MANIFEST; do
		[ -r "$m" ] && basename "$(dirname "$m")"
	done
}

# home_manifest NAME KEY: the values of KEY in NAME's MANIFEST, one a line
# (MANIFEST lines are "KEY VALUE...").
home_manifest() {
	sed -n "s/^$2 //p" "$HOMES_DIR/$1/MANIFEST"
}

# The fixture file that holds HOME-relative PATH: the first component loses
# its leading dot (.openclaw -> openclaw), so nothing in the cache is hidden,
# and a database X.sqlite is kept as its dump X.sql (short names: automake's
# default tar format drops paths over 99 characters from the tarball).
_home_fixture_path() {
	case $2 in
	*.sqlite) printf '%s/%s/%s.sql' "$HOMES_DIR" "$1" "${2#.}" | sed 's/\.sqlite\.sql$/.sql/' ;;
	*) printf '%s/%s/%s' "$HOMES_DIR" "$1" "${2#.}" ;;
	esac
}

# Text of a fixture file with @HOME@ replaced by $HOME and, unless told to
# keep them, every credential "expires" moved by DELTA ms.
_home_subst() {
	local file=$1 delta=$2 h
	h=$(printf '%s' "$HOME" | sed 's/[\\&|]/\\&/g')
	sed "s|@HOME@|$h|g" "$file" | awk -v d="$delta" '
	d == 0 { print; next }
	{
		out = ""; s = $0
		while (match(s, /"expires": ?[0-9]+/)) {
			m = substr(s, RSTART, RLENGTH); n = m
			sub(/^"expires": ?/, "", n)
			pre = substr(m, 1, length(m) - length(n))
			if (n + 0 > 0) n = sprintf("%.0f", n + d)
			out = out substr(s, 1, RSTART - 1) pre n
			s = substr(s, RSTART + RLENGTH)
		}
		print out s
	}'
}

# _home_shim: a dump on stdin, made runnable by this sqlite3. OpenClaw 2026.9.6
# (SQLite 3.53) writes a CHECK constraint with octet_length(), which SQLite
# only knows from 3.43 (Debian 12 has 3.40.1). An older sqlite3 reads and
# writes such a database, but cannot CREATE it: so the table is created with
# length(CAST(X AS BLOB)) (the same value) marked by a comment, and the
# schema text is then put back to OpenClaw's, so the file is the one OpenClaw
# made. A newer sqlite3 gets the dump unchanged.
_home_shim() {
	if sqlite3 :memory: "select octet_length('a')" >/dev/null 2>&1; then
		cat
		return
	fi
	local x ids
	x=$(cat)
	ids=$(printf '%s\n' "$x" | grep -o 'octet_length([A-Za-z_][A-Za-z0-9_]*)' | sed 's/^octet_length(\(.*\))$/\1/' | sort -u)
	printf '%s\n' "$x" | sed -E 's|octet_length\(([A-Za-z_][A-Za-z0-9_]*)\)|length(CAST(\1 AS BLOB)/*octet_length*/)|g'
	[ -n "$ids" ] || return 0
	echo "PRAGMA writable_schema=ON;"
	for id in $ids; do
		echo "UPDATE sqlite_schema SET sql=replace(sql, 'length(CAST($id AS BLOB)/*octet_length*/)', 'octet_length($id)') WHERE sql LIKE '%/*octet_length*/%';"
	done
	echo "PRAGMA writable_schema=OFF;"
}

# home_load [-k] NAME: rebuilds cached home NAME into $HOME (which t_home
# made empty): its directories and files with OpenClaw's modes, each SQLite
# database from its dump (page size, auto_vacuum, user_version and journal
# mode included), absolute paths rewritten to this $HOME. Credential expiry
# times are moved by the time since the home was made, so a token that had
# 30 days left then has 30 days left now; -k keeps them as made. Returns
# non-zero, with the reason on stderr, when anything fails.
home_load() {
	local keep=0 name dir delta kind mode rel src dst
	if [ "${1:-}" = -k ]; then keep=1; shift; fi
	name=$1
	dir=$HOMES_DIR/$name
	if [ ! -r "$dir/MANIFEST" ]; then
		echo "home_load: no cached home '$name' in $HOMES_DIR" >&2
		return 1
	fi
	delta=0
	[ "$keep" = 1 ] || delta=$(( $(now_ms) - $(home_manifest "$name" snapshot_ms) ))
	while read -r kind mode rel _; do
		dst=$HOME/$rel
		src=$(_home_fixture_path "$name" "$rel")
		case $kind in
		dir)
			mkdir -p "$dst" && chmod "$mode" "$dst" || return 1 ;;
		file)
			_home_subst "$src" "$delta" >"$dst" && chmod "$mode" "$dst" || return 1 ;;
		db)
			rm -f "$dst" "$dst-wal" "$dst-shm"
			if ! _home_subst "$src" "$delta" | _home_shim | sqlite3 -bail "$dst" >/dev/null; then
				echo "home_load: $name: sqlite3 could not rebuild $rel" >&2
				return 1
			fi
			chmod "$mode" "$dst" || return 1 ;;
		esac
	done < <(grep -E '^(dir|file|db) ' "$dir/MANIFEST")
}

# sql_db WHICH: the path of a database of the loaded home: "state" (the shared
# state DB), "quarantine", or an agent id for that agent's openclaw-agent.sqlite
# (its agentDir from openclaw.json when set there, as OpenClaw resolves it).
sql_db() {
	local st=$HOME/.openclaw ad=
	case $1 in
	state) printf '%s\n' "$st/state/openclaw.sqlite" ;;
	quarantine) printf '%s\n' "$st/state/openclaw-quarantine.sqlite" ;;
	*)
		[ -r "$st/openclaw.json" ] &&
		    ad=$(jq -r --arg id "$1" '(.agents.entries[$id].agentDir //
			([.agents.list[]? | select(.id == $id) | .agentDir][0])) // empty' \
			"$st/openclaw.json" 2>/dev/null)
		printf '%s\n' "${ad:-$st/agents/$1/agent}/openclaw-agent.sqlite" ;;
	esac
}

# sql_update DB SQL: runs SQL as one write transaction the way OpenClaw
# expects an outside writer to (busy_timeout 5000, BEGIN IMMEDIATE, COMMIT);
# stops at the first error, which rolls it back. Never creates DB.
sql_update() {
	if [ ! -f "$1" ]; then echo "sql_update: no database $1" >&2; return 1; fi
	printf 'PRAGMA busy_timeout=5000;\nBEGIN IMMEDIATE;\n%s\nCOMMIT;\n' "$2" |
	    sqlite3 -bail "$1" >/dev/null
}

# sql_get DB SQL: the result of a read-only query, "|"-separated, one row a line.
sql_get() {
	if [ ! -f "$1" ]; then echo "sql_get: no database $1" >&2; return 1; fi
	sqlite3 -readonly -bail "$1" "$2"
}

# peer_for ERA: the wrapper of the OpenClaw release that judges a home of
# ERA: A = $OC_PEER (2026.3.24), C = $OC_PEER_C (2026.7.35), D = $OC_PEER_D
# (2026.9.6), B = $OC_PEER_B (optional, 2026.5.28). Fails, saying why on
# stderr, when that variable is unset or not executable.
peer_for() {
	local var
	case $1 in
	A) var=OC_PEER ;; B) var=OC_PEER_B ;; C) var=OC_PEER_C ;; D) var=OC_PEER_D ;;
	*) echo "peer_for: unknown era '$1'" >&2; return 1 ;;
	esac
	if [ -z "${!var:-}" ]; then
		echo "$var not set (the wrapper of the era-$1 OpenClaw release, see .ci/run)" >&2
		return 1
	fi
	if [ ! -f "${!var}" ] || [ ! -x "${!var}" ]; then
		echo "$var=${!var} is not executable" >&2
		return 1
	fi
	printf '%s\n' "${!var}"
}

# peer_release WRAPPER: the release number the wrapper runs (e.g. 2026.9.6).
peer_release() {
	env -i PATH=/usr/bin:/bin HOME="$T_TMP/peer-version" timeout 60 "$1" --version 2>/dev/null |
	    sed -n 's/^OpenClaw \([0-9][0-9.]*\).*/\1/p'
}

# peer_in_home WRAPPER ARGS...: runs OpenClaw on $HOME as the cache was made
# (clean environment, 120 s bound); sets $rc, $out, $err like run.
peer_in_home() {
	local p=$1
	shift
	run env -i PATH=/usr/bin:/bin HOME="$HOME" timeout 120 "$p" "$@"
}

# The part of `openclaw models status --json` that says how a release judged
# the credentials of a home: .auth (or the error envelope) without the
# clock-dependent expiresAt/remainingMs, with $HOME written @HOME@. make.sh
# records it in MANIFEST as status_auth; use: jq -c --arg h "$HOME" "$HOMES_STATUS_JQ".
HOMES_STATUS_JQ='(if has("auth") then .auth else . end)
	| walk(if type == "object" then del(.expiresAt, .remainingMs)
	       elif type == "string" and startswith($h + "/") then "@HOME@" + .[($h | length):]
	       else . end)'
