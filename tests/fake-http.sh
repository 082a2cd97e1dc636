# SPDX-License-Identifier: ISC
# tests/fake-http.sh - start and stop the fake HTTP server (tests/fake-http.c)
# from a test script. Source it after tests/lib.sh and t_home:
#
#	fake_start '[{"path":"/v1/models","body":"{}"}]'
#	... requests to $FAKE_URL; assertions on $FAKE_LOG (JSON Lines) ...
#	fake_stop
#
# fake_start writes the routes to a file in $T_TMP, starts the server in the
# background on 127.0.0.1 (the kernel picks the port) and waits for its port
# file. It sets FAKE_URL (http://127.0.0.1:PORT), FAKE_LOG and FAKE_PID.
# Calling fake_start again stops the previous server first. An EXIT trap
# stops the server if the script ends early.
FAKE_BIN="$OC_BUILDDIR/tests/fake-http"
# libcurl honours the proxy environment; a proxy inherited from the
# machine would take the requests meant for 127.0.0.1 elsewhere.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
    no_proxy NO_PROXY
FAKE_PID=
FAKE_N=0

fake_start() {
	local dir i
	fake_stop
	FAKE_N=$((FAKE_N + 1))
	dir="$T_TMP/fake.$FAKE_N"
	mkdir -p "$dir"
	printf '%s\n' "$1" >"$dir/routes.json"
	FAKE_LOG="$dir/log.jsonl"
	: >"$FAKE_LOG"
	"$FAKE_BIN" -r "$dir/routes.json" -l "$FAKE_LOG" -p "$dir/port" \
	    -t "${FAKE_TIMEOUT:-120}" &
	FAKE_PID=$!
	i=0
	while [ ! -s "$dir/port" ]; do
		i=$((i + 1))
		if [ "$i" -gt 200 ] || ! kill -0 "$FAKE_PID" 2>/dev/null; then
			echo "Bail out! fake-http did not start"
			exit 1
		fi
		sleep 0.05
	done
	FAKE_PORT=$(cat "$dir/port")
	FAKE_URL="http://127.0.0.1:$FAKE_PORT"
	export FAKE_URL FAKE_LOG FAKE_PORT
	trap fake_stop EXIT
}

fake_stop() {
	if [ -n "$FAKE_PID" ]; then
		kill "$FAKE_PID" 2>/dev/null
		wait "$FAKE_PID" 2>/dev/null
		FAKE_PID=
	fi
}

# A port on 127.0.0.1 with nothing listening: bind one, then let it go.
fake_dead_port() {
	local dir="$T_TMP/fake.dead"
	mkdir -p "$dir"
	echo '[]' >"$dir/routes.json"
	"$FAKE_BIN" -r "$dir/routes.json" -l "$dir/log" -p "$dir/port" -t 5 &
	local pid=$! i=0
	while [ ! -s "$dir/port" ] && [ "$i" -lt 200 ]; do
		i=$((i + 1)); sleep 0.05
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	cat "$dir/port"
}

# fake_req PATH FILTER DESCRIPTION: exactly one request to PATH is in the
# log, and FILTER (jq -e) holds for its line ({method, path, query,
# headers, body, route}).
fake_req() {
	if jq -e -s --arg p "$1" "[.[] | select(.path == \$p)] |
	    length == 1 and (.[0] | $2)" "$FAKE_LOG" >/dev/null 2>&1; then
		ok 0 "$3"
	else
		ok 1 "$3"; diag "jq -e '$2' on the one request to $1 failed; log:"
		diag "$(cat "$FAKE_LOG")"
	fi
}
# fake_count PATH: how many requests to PATH the server got.
fake_count() {
	jq -s --arg p "$1" '[.[] | select(.path == $p)] | length' "$FAKE_LOG"
}
