# SPDX-License-Identifier: ISC
# tests/fake-ws.sh - start and stop the fake gateway (tests/fake-ws.c) from
# a test script. Source it after tests/lib.sh and t_home:
#
#	ws_start ok              behaviours, comma-separated, one per connection
#	... oc-profile add --reload ...; assertions on $WS_LOG (JSON Lines) ...
#	ws_stop
#
# ws_start takes the secret the fake accepts from $WS_SECRET (written to a
# file: never in argv) and extra options after the behaviours (-x). It sets
# WS_PORT, WS_LOG and WS_PID. Starting again stops the previous one; an
# EXIT trap stops it if the script ends early.
WS_BIN="$OC_BUILDDIR/tests/fake-ws"
WS_PID=
WS_N=0
WS_SECRET=

ws_start() {
	local dir i beh=$1
	shift
	ws_stop
	WS_N=$((WS_N + 1))
	dir="$T_TMP/ws.$WS_N"
	mkdir -p "$dir"
	WS_LOG="$dir/log.jsonl"
	: >"$WS_LOG"
	if [ -n "$WS_SECRET" ]; then
		printf '%s' "$WS_SECRET" >"$dir/secret"
		set -- -S "$dir/secret" "$@"
	fi
	"$WS_BIN" -b "$beh" -l "$WS_LOG" -p "$dir/port" -t "${WS_TIMEOUT:-120}" "$@" &
	WS_PID=$!
	i=0
	while [ ! -s "$dir/port" ]; do
		i=$((i + 1))
		if [ "$i" -gt 200 ] || ! kill -0 "$WS_PID" 2>/dev/null; then
			echo "Bail out! fake-ws did not start"
			exit 1
		fi
		sleep 0.05
	done
	WS_PORT=$(cat "$dir/port")
	export WS_PORT WS_LOG
	trap ws_stop EXIT
}

ws_stop() {
	if [ -n "$WS_PID" ]; then
		kill "$WS_PID" 2>/dev/null
		wait "$WS_PID" 2>/dev/null
		WS_PID=
	fi
}

# ws_frames: the client's text frames, parsed, as one JSON array
ws_frames() {
	jq -s '[.[] | select(.kind == "frame" and .opcode == 1) | .json]' "$WS_LOG"
}
# ws_ok FILTER DESCRIPTION: jq -e FILTER over the whole log, slurped; the
# secret is env.WS_SECRET there (in jq's environment only, not exported)
ws_ok() {
	if WS_SECRET=$WS_SECRET jq -e -s "$1" "$WS_LOG" >/dev/null 2>&1; then ok 0 "$2"
	else ok 1 "$2"; diag "jq -e -s '$1' failed on the fake gateway's log:"
		diag "$(cut -c1-300 "$WS_LOG")"; fi
}
# ws_conns: how many connections reached the upgrade
ws_conns() { jq -s '[.[] | select(.kind == "http")] | length' "$WS_LOG"; }
