#!/bin/bash
# SPDX-License-Identifier: ISC
# Runs the commands' main paths under valgrind (memcheck, leak check) in a
# throw-away home and prints one TAP line per command; .ci/run calls it.
# Usage: tests/valgrind.sh BUILDDIR
set -u
B=${1:?builddir}
S=$(cd "$(dirname "$0")/.." && pwd)
export OC_SRCDIR=$S OC_BUILDDIR=$B
. "$S/tests/lib.sh"
. "$S/tests/fake-http.sh"
t_home
# vg DESC CMD... (stdin from $VG_IN, else /dev/null)
vg() {
	local desc=$1; shift
	if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --log-file="$T_TMP/vg.log" "$@" >/dev/null 2>"$T_TMP/vg.err" <"${VG_IN:-/dev/null}"; then rc=0; else rc=$?; fi
	if [ "$rc" -eq 99 ] || [ -s "$T_TMP/vg.log" ]; then ok 1 "valgrind clean: $desc"; diag "$(head -30 "$T_TMP/vg.log")"
	else ok 0 "valgrind clean: $desc"; fi
}
# The harness itself: a program that leaks must fail it.
printf '#include <stdlib.h>\nint main(void){ void *volatile p = malloc(64); p = 0; return 0; }\n' >"$T_TMP/leak.c"
if cc -O0 -o "$T_TMP/leak" "$T_TMP/leak.c" 2>/dev/null; then
	saved_n=$T_N saved_f=$T_FAIL
	vg "self-check" "$T_TMP/leak" >/dev/null
	T_N=$saved_n
	if [ "$T_FAIL" -gt "$saved_f" ]; then T_FAIL=$saved_f; ok 0 "the valgrind harness catches a leak"
	else ok 1 "the valgrind harness catches a leak"; fi
fi
printf '%s' "$(anthropic_token)" | oc-profile add --expires-in 12h anthropic:me >/dev/null
printf 'sk-openai-0123456789abcdef' | oc-profile add -t api_key openai:k >/dev/null
printf 'ANTHROPIC_API_KEY=sk-ant-env-0123456789\n' >"$STATE/.env"
vg "oc-profile list --json" oc-profile list --json
vg "oc-profile show" oc-profile show anthropic:me
vg "oc-profile path" oc-profile path --json
vg "oc-order set" oc-order set -p anthropic anthropic:me
vg "oc-order get --effective" oc-order get -p anthropic --effective --json
vg "oc-order clear" oc-order clear -p anthropic
vg "oc-check" oc-check
vg "oc-check --json" oc-check --json
vg "oc-check --nagios" oc-check --nagios
vg "oc-check --prometheus" oc-check --prometheus
fake_start '[{"method":"*","pathPrefix":"/","status":200,"body":"{\"data\":[]}"}]'
export OC_PROBE_BASE_URL_ANTHROPIC=$FAKE_URL OC_PROBE_BASE_URL_OPENAI=$FAKE_URL/v1
vg "oc-check --probe" oc-check --probe --json
vg "oc-keys list" oc-keys list -p anthropic
vg "oc-keys get" oc-keys get -p openai
echo "429 Too Many Requests" >"$T_TMP/msg"
VG_IN=$T_TMP/msg vg "oc-keys classify" oc-keys classify
printf '{"concurrency":2,"requests":[{"id":"a","method":"GET","url":"%s/v1/models","headers":["x-api-key: k"],"body":null,"timeoutMs":2000}]}' "$FAKE_URL" >"$T_TMP/req"
VG_IN=$T_TMP/req vg "oc-http" "$OC_BUILDDIR/oc-http"
fake_stop
vg "oc-sync --dry-run" oc-sync --dry-run
vg "oc-profile rm" oc-profile rm openai:k
# --reload against the fake gateway: a refresh with pings and fragments,
# the 8.x fallback, a refused token, a gateway that does not answer
. "$S/tests/fake-ws.sh"
WS_SECRET=gwtok-valgrind-0123456789
export OC_GATEWAY_TIMEOUT_MS=2000
for beh in ok old auth-echo hang-call; do
	ws_start "$beh" -x
	printf '{"gateway":{"port":%s,"auth":{"mode":"token","token":"%s"}}}\n' "$WS_PORT" "$WS_SECRET" >"$STATE/openclaw.json"
	vg "oc-order set --reload ($beh)" oc-order set --reload -p anthropic anthropic:me
done
ws_start ok
printf 'sk-ant-api03-valgrind-0123456789' >"$T_TMP/key"
VG_IN=$T_TMP/key vg "oc-keys set --reload" oc-keys set -p anthropic --reload
ws_stop
# The SQLite eras (homes made by 2026.9.6 and 2026.7.35): both readers and
# a write, when the cached homes can be rebuilt (the sqlite3 CLI).
. "$S/tests/homes.sh"
if homes_available; then
	for H in d-fresh c-fresh; do
		t_home
		home_load "$H"
		find "$HOME/.openclaw" -name '*.sqlite' -exec touch -d '-10 seconds' {} +
		vg "$H: oc-check --json (sqlpage)" oc-check --json
		OC_SQLITE_READER=libsqlite3 vg "$H: oc-check --json (libsqlite3)" oc-check --json
		vg "$H: oc-profile list" oc-profile list
		VG_IN=$T_TMP/key
		printf 'sk-vg-0123456789abcdef' >"$VG_IN"
		vg "$H: oc-profile add" oc-profile add --no-config -t api_key openai:vg
		unset VG_IN
	done
else
	diag "SQLite homes not run: $HOMES_WHY"
fi
done_testing
