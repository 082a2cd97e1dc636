#!/bin/bash
# SPDX-License-Identifier: ISC
# --reload against the fake gateway (tests/fake-ws.c): the exact frames sent
# (upgrade, connect as client "cli" with the token, models.authRefresh
# {"operation":"update"}, close), every outcome and what is said about it,
# where the port and the token come from, the writing verbs that call it,
# and that the token never reaches argv or stderr.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
. "$OC_SRCDIR/tests/fake-ws.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"
sync_home
unset OC_GATEWAY_TIMEOUT_MS

TOK="gwtok-$(rand_str 32)"
WS_SECRET=$TOK
ALL_ERR=$T_TMP/all-output
: >"$ALL_ERR"
# run, keeping everything every command printed, to look for the token
run() {
	"$@" >"$T_TMP/.out" 2>"$T_TMP/.err"
	rc=$?
	out=$(cat "$T_TMP/.out")
	err=$(cat "$T_TMP/.err")
	cat "$T_TMP/.out" "$T_TMP/.err" >>"$ALL_ERR"
}
ms() { echo $(( $(date +%s%N) / 1000000 )); }
# wsup BEHAVIOURS [OPTIONS]: start the fake; the config's gateway.port follows
wsup() {
	ws_start "$@"
	if [ -f "$CONFIG" ]; then
		put_config "$(jq -c --argjson p "$WS_PORT" '.gateway.port = $p' "$CONFIG")"
	fi
}
# gw_config PORT [AUTH_JSON] [EXTRA_GATEWAY_MEMBERS]
gw_config() {
	local auth=${2:-"{\"mode\":\"token\",\"token\":\"$TOK\"}"}
	put_config "{\"gateway\":{\"mode\":\"local\",\"port\":$1,\"bind\":\"loopback\",\"auth\":$auth${3:+,$3}}}"
}
# add_key ID [OPTIONS...]: oc-profile add an api key, stderr kept
add_key() {
	local id=$1
	shift
	run_in "sk-test-$(rand_str 24)" oc-profile add -t api_key "$@" "$id"
}
WARN='warning: the running gateway was not told to reload'
# the advice: before era D (no models.authRefresh in those releases) a
# restart; era D the call
HINT="it uses the change from its second request on, or run: openclaw gateway restart"
HINT_D="it uses the change from its second request on, or run: openclaw gateway call models.authRefresh --params '{\"operation\":\"update\"}'"

# --- 1. the happy path, frame by frame
wsup ok
gw_config "$WS_PORT"
t0=$(ms)
add_key anthropic:k --reload
t1=$(ms)
is "$rc" 0 "add --reload: exit 0"
is "$err" "" "refreshed: nothing on stderr"
like "$out" '^anthropic:k \(anthropic/api_key\) saved in ' "the write's own line on stdout, as without --reload"
diag "add --reload against the fake: $((t1 - t0)) ms"
is "$(ws_conns)" 1 "one connection"
ws_ok '.[0] | .kind == "http" and .line == "GET / HTTP/1.1" and .headers.upgrade == "websocket" and
    (.headers.connection | test("upgrade"; "i")) and .headers["sec-websocket-version"] == "13" and
    (.headers["sec-websocket-key"] | length) == 24 and .headers.host == "127.0.0.1:\(env.WS_PORT)" and
    (.headers | has("origin") | not)' \
    "the upgrade: GET / with Upgrade, Connection, a 16-byte key, version 13, Host 127.0.0.1, no Origin"
ws_ok '[.[] | select(.kind == "frame")] | all(.masked)' "every client frame is masked"
ws_ok '[.[] | select(.kind == "frame" and .opcode == 1) | .json] | .[0] |
    .type == "req" and .id == "c1" and .method == "connect" and
    .params.minProtocol == 4 and .params.maxProtocol == 4 and
    .params.client.id == "cli" and .params.client.mode == "cli" and
    (.params.client.displayName | startswith("oc-tools ")) and .params.client.platform == "linux" and
    .params.role == "operator" and .params.scopes == ["operator.admin"] and
    .params.auth == {"token": env.WS_SECRET} and (.params | has("device") | not)' \
    "connect: client cli/cli, oc-tools as display name, operator.admin, the token, no device identity"
ws_ok '[.[] | select(.kind == "frame" and .opcode == 1) | .json] | length == 2 and
    .[1] == {"type":"req","id":"r1","method":"models.authRefresh","params":{"operation":"update"}}' \
    "then exactly models.authRefresh {\"operation\":\"update\"} (no agentId without -a)"
ws_ok '[.[] | select(.kind == "frame")] | last | .opcode == 8 and .code == 1000' "and a close frame 1000"

# --- 2. without --reload nothing is sent
wsup ok
add_key anthropic:k2
is "$rc$err" 0 "add without --reload: exit 0, quiet"
is "$(ws_conns)" 0 "without --reload the gateway is not contacted"

# --- 3. -a names the agent: agentId goes along
wsup ok
run oc-order set -a main --reload -p anthropic anthropic:k anthropic:k2
is "$rc$err" 0 "oc-order set -a main --reload: exit 0, quiet"
ws_ok '[.[] | select(.kind == "frame" and .opcode == 1) | .json][1].params == {"operation":"update","agentId":"main"}' \
    "with -a, the call names the agent"

# --- 4. every writing verb calls it, after its write
wsup ok
run oc-order clear --reload -p anthropic
is "$rc$err" 0 "oc-order clear --reload"
run oc-profile rm --reload anthropic:k2
is "$rc$err" 0 "oc-profile rm --reload"
jqfile "$STORE" '.profiles | has("anthropic:k2") | not' "rm wrote before the call"
put_store "$(jq -c --argjson u "$(in_hours 2)" '.usageStats = {"anthropic:k": {"cooldownUntil": $u, "errorCount": 2}}' "$STORE")"
run oc-profile cooldowns --clear --reload
is "$rc" 0 "oc-profile cooldowns --clear --reload"
run oc-profile cooldowns --reload
is "$rc" 0 "cooldowns --reload without --clear: exit 0 (nothing written, nothing sent)"
put_claude "sk-ant-oat01-$(rand_str 60)" "sk-ant-ort01-$(rand_str 60)" "$(in_hours 5)"
run oc-sync --claude --reload
is "$rc" 0 "oc-sync --claude --reload"
run oc-sync --claude --reload
is "$rc" 0 "oc-sync --claude --reload again: unchanged, nothing sent"
run oc-sync --claude --dry-run --reload
is "$rc" 0 "oc-sync --dry-run --reload: nothing sent"
is "$(ws_conns)" 4 "clear, rm, cooldowns --clear and the first import each called it; the reads, the unchanged import and the dry run did not"
ws_ok '[.[] | select(.kind == "frame" and .opcode == 1 and .json.method == "models.authRefresh")] | length == 4' \
    "four models.authRefresh calls"

# oc-sync --refresh: a token endpoint on fake-http, the gateway on fake-ws
put_store "{\"version\":1,\"profiles\":{\"anthropic:default\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"at-1\",\"refresh\":\"rt-1\",\"expires\":$(in_hours -1)}}}"
fake_start '[{"path":"/anthropic","headers":{"content-type":"application/json"},"body":"{\"access_token\":\"at-2\",\"refresh_token\":\"rt-2\",\"expires_in\":3600,\"token_type\":\"Bearer\"}"}]'
wsup ok
OC_OAUTH_TOKEN_URL_ANTHROPIC=$FAKE_URL/anthropic run oc-sync --refresh --reload
is "$rc$err" 0 "oc-sync --refresh --reload: exit 0, quiet"
jqfile "$STORE" '.profiles["anthropic:default"].access == "at-2"' "the token was refreshed"
is "$(ws_conns)" 1 "and the gateway told"
OC_OAUTH_TOKEN_URL_ANTHROPIC=$FAKE_URL/anthropic run oc-sync --refresh --reload
is "$(ws_conns)" 1 "nothing due: nothing written, nothing sent"
fake_stop

# oc(7): "oc-profile add -t api_key --reload openai:work < key.txt"
wsup ok
printf 'sk-proj-%s\n' "$(rand_str 40)" >"$T_TMP/key.txt"
run sh -c "cd '$T_TMP' && oc-profile add -t api_key --reload openai:work < key.txt"
is "$rc$err" 0 "oc(7) example: add a key with --reload"
ws_ok '[.[] | select(.kind == "frame" and .opcode == 1) | .json.method] == ["connect", "models.authRefresh"]' \
    "and the gateway was told"

# --- 5. only writing verbs take it
for c in "oc-profile list" "oc-profile show anthropic:k" "oc-order get -p anthropic" "oc-keys get -p anthropic" "oc-check"; do
	run $c --reload
	is "$rc" 64 "$c --reload: usage error"
done
like "$err" 'does not take --reload' "and it says so"

# --- 6. the outcomes
# outcome BEHAVIOUR REGEX DESCRIPTION [fake options]
outcome() {
	local beh=$1 re=$2 desc=$3
	shift 3
	wsup "$beh" "$@"
	add_key anthropic:k --reload
	is "$rc" 0 "$desc: the write's exit status (0)"
	like "$err" "$re" "$desc: $(printf '%s' "$re" | cut -c1-60)"
}
export OC_GATEWAY_TIMEOUT_MS=1000
outcome old "^oc-profile: warning: the gateway has no models.authRefresh \(OpenClaw before 2026.9\): it was sent the weaker models.authStatus \{\"refresh\":true\}" \
    "an 8.x gateway: the weaker refresh"
ws_ok '[.[] | select(.kind == "frame" and .opcode == 1) | .json] | length == 3 and .[2].method == "models.authStatus" and .[2].params == {"refresh":true}' \
    "fallback: models.authStatus {\"refresh\":true} on the same connection"
outcome ancient "^oc-profile: $WARN \(the gateway knows neither models.authRefresh nor models.authStatus\); $HINT" \
    "neither method"
outcome call-error "$WARN \(models.authRefresh failed \(INVALID_REQUEST: unknown agent id \"x\"\)\)" "a call answered with an error"
outcome not-refreshed "$WARN \(models.authRefresh answered without \"refreshed\": true\)" "an answer without refreshed"
outcome forbidden "$WARN \(models.authRefresh failed \(FORBIDDEN: missing scope: operator.admin\)\)" "a missing scope"
outcome hang-call "$WARN \(no answer to models.authRefresh from 127.0.0.1:[0-9]+ within 1000 ms\)" "no answer to the call: timeout"
outcome close-upgrade "$WARN \(the gateway closed the connection before answering the WebSocket upgrade\)" "closed before the upgrade"
outcome close-connect "$WARN \(waiting for the answer to connect: the gateway closed the connection\)" "closed mid-handshake"
outcome close1008 "$WARN \(the gateway refused the token from gateway.auth.token \(unauthorized: gateway token mismatch\)\)" "a 1008 close after connect"
outcome bad-accept "$WARN \(the gateway's Sec-WebSocket-Accept does not match the key sent\)" "a wrong Sec-WebSocket-Accept"
outcome http404 "$WARN \(the WebSocket upgrade was answered with HTTP 404\)" "not a WebSocket server"
outcome ok "^$" "framing: events, pings and a fragmented 100 KiB hello-ok" -x
ws_ok '[.[] | select(.kind == "frame" and .opcode == 10) | .data] == ["ping-1", "ping-2", "ping-1"]' \
    "every ping was answered with its data (pong, masked)"
ws_ok '[.[] | select(.kind == "frame" and .opcode == 1) | .json.method] == ["connect", "models.authRefresh"]' \
    "and the call made after the fragmented hello"
outcome unavailable,ok "^$" "a gateway still starting: retried after retryAfterMs"
is "$(ws_conns)" 2 "two connections, the second refreshed"
unset OC_GATEWAY_TIMEOUT_MS

# hang: the default budget is OpenClaw's 3 s
wsup hang
t0=$(ms)
add_key anthropic:k --reload
t1=$(ms)
like "$err" "$WARN \(no answer to the WebSocket upgrade from 127.0.0.1:$WS_PORT within 3000 ms\); $HINT" \
    "a gateway that never answers: timeout after 3000 ms"
if [ $((t1 - t0)) -ge 2900 ] && [ $((t1 - t0)) -lt 8000 ]; then ok 0 "and it took about 3 s"
else ok 1 "and it took about 3 s"; diag "$((t1 - t0)) ms"; fi

# wrong token
wsup ok
gw_config "$WS_PORT" '{"mode":"token","token":"not-the-token"}'
add_key anthropic:k --reload
like "$err" "$WARN \(the gateway refused the token from gateway.auth.token \(AUTH_TOKEN_MISMATCH: unauthorized: gateway token mismatch\)\); $HINT" \
    "a wrong token: auth failed, named by where it came from"
ws_ok '[.[] | select(.kind == "frame" and .opcode == 1) | .json] | length == 1' "no call after a refused connect"
# a gateway whose error quotes the token: withheld
wsup auth-echo
gw_config "$WS_PORT"
add_key anthropic:k --reload
like "$err" 'message withheld' "a gateway message that holds the token is withheld"

# not running
dead=$(fake_dead_port)
gw_config "$dead"
add_key anthropic:k --reload
is "$rc" 0 "not running: exit 0"
is "$err" "oc-profile: note: no gateway is listening on 127.0.0.1:$dead (port from gateway.port): nothing to reload" \
    "not running: a note naming the port and where it came from"

# --- 7. where the port comes from
wsup ok
gw_config "$dead"
OPENCLAW_GATEWAY_PORT=$WS_PORT add_key anthropic:k --reload
is "$err" "" "OPENCLAW_GATEWAY_PORT wins over gateway.port"
is "$(ws_conns)" 1 "and is the port used"
put_config '{"gateway":{}}'
OPENCLAW_GATEWAY_TOKEN=$TOK OPENCLAW_PROFILE=work add_key anthropic:k --reload
like "$err" "127.0.0.1:41984 \(port from OPENCLAW_PROFILE\)" "OPENCLAW_PROFILE=work: port 41984, as OpenClaw's resolveGatewayPort"
OPENCLAW_GATEWAY_TOKEN=$TOK OPENCLAW_PROFILE=default OPENCLAW_GATEWAY_PORT=x add_key anthropic:k --reload
like "$err" "127.0.0.1:18789 \(port from OpenClaw's default\)|$WARN" "no port anywhere: OpenClaw's default, 18789"

# --- 8. where the token comes from
wsup ok
gw_config "$WS_PORT" '{"mode":"token"}'
add_key anthropic:k --reload
like "$err" "$WARN \(no gateway token: neither gateway.auth.token nor OPENCLAW_GATEWAY_TOKEN is set\)" "no token: said, not sent"
is "$(ws_conns)" 0 "no token: no WebSocket connection"
ws_stop
add_key anthropic:k --reload
is "$err" "oc-profile: note: no gateway is listening on 127.0.0.1:$WS_PORT (port from gateway.port): nothing to reload" \
    "no token and no gateway: only the note that nothing runs"
wsup ok
OPENCLAW_GATEWAY_TOKEN=$TOK add_key anthropic:k --reload
is "$err" "" "OPENCLAW_GATEWAY_TOKEN when the config has none"
printf 'OPENCLAW_GATEWAY_TOKEN=%s\n' "$TOK" >"$STATE/.env"
chmod 600 "$STATE/.env"
add_key anthropic:k --reload
is "$err" "" "OPENCLAW_GATEWAY_TOKEN from the state dir's .env, as OpenClaw's CLI loads it"
rm -f "$STATE/.env"
gw_config "$WS_PORT"
OPENCLAW_GATEWAY_TOKEN=wrong-env-token add_key anthropic:k --reload
is "$err" "" "config first: gateway.auth.token wins over OPENCLAW_GATEWAY_TOKEN (resolveLocalGatewayCredentials)"
gw_config "$WS_PORT" '{"mode":"token","token":"${GW_TOKEN_VAR}"}'
GW_TOKEN_VAR=$TOK add_key anthropic:k --reload
is "$err" "" "a \${VAR} token is resolved from the environment"
gw_config "$WS_PORT" "{\"mode\":\"password\",\"password\":\"$TOK\"}"
add_key anthropic:k --reload
is "$err" "" "password mode: the password"
ws_ok '[.[] | select(.kind == "frame" and .opcode == 1) | .json | select(.method == "connect")] | last | .params.auth == {"password": env.WS_SECRET}' \
    "sent as auth.password"
gw_config "$WS_PORT" "{\"password\":\"$TOK\"}"
add_key anthropic:k --reload
is "$err" "" "no mode, a password: password mode (resolveGatewayAuth)"
gw_config "$WS_PORT" '{"mode":"none"}'
add_key anthropic:k --reload
like "$err" "$WARN \(gateway.auth.mode is \"none\": oc-tools authenticates only with the gateway's shared token or password\)" \
    "auth mode none: said why"

# --- 9. not the local gateway: not tried
n0=$(ws_conns)
gw_config "$WS_PORT" "" '"remote":{"url":"wss://gw.example.net"}'
put_config "$(jq -c '.gateway.mode = "remote"' "$CONFIG")"
add_key anthropic:k --reload
like "$err" "warning: the gateway was not told to reload \(gateway.mode is \"remote\": the gateway runs on another host\); a gateway on another host does not read this host's store: make the change there" \
    "remote mode: not tried, and why"
gw_config "$WS_PORT"
OPENCLAW_GATEWAY_URL=ws://127.0.0.1:$WS_PORT add_key anthropic:k --reload
like "$err" "OPENCLAW_GATEWAY_URL names the gateway" "a URL override: not tried (OpenClaw's refresh refuses it too)"
gw_config "$WS_PORT" "" '"tls":{"enabled":true}'
add_key anthropic:k --reload
like "$err" "$WARN \(gateway.tls.enabled: the gateway speaks wss://" "TLS: not tried"
put_config "$(jq -c '.gateway.bind = "tailnet" | del(.gateway.tls)' "$CONFIG")"
add_key anthropic:k --reload
like "$err" "$WARN \(gateway.bind is \"tailnet\"" "bind tailnet: not tried"
put_config "$(jq -c '.gateway.bind = "custom" | .gateway.customBindHost = "192.168.1.5"' "$CONFIG")"
add_key anthropic:k --reload
like "$err" "$WARN \(gateway.bind is custom \(192.168.1.5\)" "bind custom on a network address: not tried"
is "$(ws_conns)" "$n0" "none of these connected"
put_config "$(jq -c '.gateway.bind = "lan" | del(.gateway.customBindHost)' "$CONFIG")"
add_key anthropic:k --reload
is "$err" "" "bind lan listens on 0.0.0.0, loopback included: refreshed over 127.0.0.1"

# --- 10. oc-keys set: .env is read at gateway start only
wsup ok
gw_config "$WS_PORT"
run_in "sk-ant-api03-$(rand_str 30)" oc-keys set -p anthropic --reload
is "$rc" 0 "oc-keys set --reload: exit 0"
is "$err" "oc-keys: warning: the running gateway (127.0.0.1:$WS_PORT) reads $STATE/.env only when it starts, and models.authRefresh does not reread it: restart it to use the new key: openclaw gateway restart" \
    "oc-keys set --reload: says the running gateway needs a restart"
is "$(ws_conns)" 0 "and makes no call"
gw_config "$dead"
run_in "sk-ant-api03-$(rand_str 30)" oc-keys set -p anthropic --reload
is "$err" "oc-keys: note: no gateway is listening on 127.0.0.1:$dead (port from gateway.port): one started later reads the new key" \
    "oc-keys set --reload, no gateway: a note"

# --- 11. the token is never in argv or on stderr
wsup hang-call
gw_config "$WS_PORT"
OC_GATEWAY_TIMEOUT_MS=3000 oc-profile add -t api_key --reload anthropic:argv <<<"sk-test-$(rand_str 24)" >/dev/null 2>>"$ALL_ERR" &
pid=$!
seen=
for i in $(seq 1 40); do
	if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'oc-profile'; then
		seen=$(tr '\0' ' ' <"/proc/$pid/cmdline"; tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -c -- "$TOK")
		[ "$(ws_conns)" -ge 1 ] && break
	fi
	sleep 0.1
done
wait "$pid"
like "$seen" 'oc-profile add -t api_key --reload anthropic:argv 0$' "while it talks to the gateway, its argv holds no token"
if grep -qF -- "$TOK" "$ALL_ERR"; then ok 1 "the token never appeared on stderr"; else ok 0 "the token never appeared on stderr"; fi
if [ -s "$ALL_ERR" ]; then ok 0 "(stderr of the runs was collected)"; else ok 1 "(stderr of the runs was collected)"; fi
ws_stop

# --- 12. the SQLite eras: the same call after a committed row
# 2026.9.6 (era D) uses a row committed by another program from its second
# model request on, and models.authRefresh makes it the next; its CLI makes
# that call after each write, 2026.8 and 2026.7.35 (era C) send
# models.authStatus {"refresh":true} instead. oc-profile migrate is a write
# like the others: rows committed, a 2026.8+ agent no longer refused.
. "$OC_SRCDIR/tests/homes.sh"
. "$OC_SRCDIR/tests/backends.sh"
ws_stop
t_home
if ! homes_available; then
	skip "$HOMES_WHY"
	done_testing
	exit
fi
# sqlite_home NAME: load a cached home, and point its config at the fake
sqlite_home() {
	t_home
	ALL_ERR=$T_TMP/all-output
	home_load "$1" || { echo "Bail out! home_load $1"; exit 1; }
	be_init "$1"
	wsup ok
	put_config "$(jq -c --argjson p "$WS_PORT" --arg t "$TOK" \
	    '.gateway = {mode: "local", port: $p, bind: "loopback", auth: {mode: "token", token: $t}}' "$CONFIG")"
}
calls() { jq -s -c '[.[] | select(.kind == "frame" and .opcode == 1) | .json | select(.method != "connect") | {method, params}]' "$WS_LOG"; }

for h in d-agentdb c-fresh; do
	sqlite_home "$h"
	s0=$(be_stamp)
	add_key groq:sq --reload
	is "$rc$err" 0 "$h (era $BE_ERA): add --reload: exit 0, quiet"
	if be_creds | jq -e '.profiles["groq:sq"].type == "api_key"' >/dev/null; then
		ok 0 "$h: the row holds the new profile (committed before the call)"
	else ok 1 "$h: the row holds the new profile (committed before the call)"; fi
	if [ "$(be_stamp)" != "$s0" ]; then ok 0 "$h: and its updated_at moved"
	else ok 1 "$h: and its updated_at moved"; fi
	is "$(ws_conns)" 1 "$h: one connection"
	is "$(calls)" '[{"method":"models.authRefresh","params":{"operation":"update"}}]' \
	    "$h: models.authRefresh {\"operation\":\"update\"}, as after OpenClaw's own write"
	if [ -e "$HOME/.openclaw/agents/main/agent/auth-profiles.json" ]; then
		ok 1 "$h: no auth-profiles.json written"
	else ok 0 "$h: no auth-profiles.json written"; fi
	wsup ok
	run oc-order set --reload -p anthropic anthropic:a
	is "$rc$err" 0 "$h: oc-order set --reload: exit 0, quiet"
	like "$(be_state)" '"anthropic":\["anthropic:a"\]' "$h: the order is in the agent database"
	run oc-order clear --reload -p anthropic
	run oc-profile rm --reload groq:sq
	is "$rc$err" 0 "$h: rm --reload"
	is "$(ws_conns)" 3 "$h: set, clear and rm each told the gateway"
	run oc-profile list --json
	is "$(ws_conns)" 3 "$h: a read tells nothing"
	wsup ok
	run oc-sync --claude --reload
	run oc-profile cooldowns --clear --reload
	is "$(ws_conns)" 0 "$h: nothing written (no Claude login, no cooldowns): nothing sent"
done

# a write that fails tells nothing: d-fresh has no agent database for the
# order, and none is created (78)
sqlite_home d-fresh
run oc-order set --reload -p anthropic anthropic:a
is "$rc" 78 "d-fresh: oc-order set with no agent database: 78"
is "$(ws_conns)" 0 "a failed write sends nothing"

# the gateway of each era lacking models.authRefresh (the fake's "old")
sqlite_home c-fresh
wsup old
add_key groq:old --reload
is "$rc$err" 0 "era C, models.authStatus only: no warning (2026.7.35's own post-write refresh, complete there)"
is "$(calls)" '[{"method":"models.authRefresh","params":{"operation":"update"}},{"method":"models.authStatus","params":{"refresh":true}}]' \
    "era C: models.authStatus {\"refresh\":true} after the unknown method"
sqlite_home d-fresh
wsup old
add_key groq:old --reload
is "$rc" 0 "era D, models.authStatus only (a 2026.8 gateway): exit 0"
like "$err" '^oc-profile: warning: the gateway has no models.authRefresh \(OpenClaw before 2026.9\): it was sent the weaker models.authStatus' \
    "era D: the weaker refresh is said (2026.8 keeps a prepared model runtime it does not renew)"
wsup ancient
add_key groq:old --reload
like "$err" "^oc-profile: $WARN \(the gateway knows neither models.authRefresh nor models.authStatus\); $HINT_D" \
    "era D: neither method: the warning and the hint (the models.authRefresh call)"

# an agent of its own: its database, and agentId
for h in d-two-agents c-two-agents; do
	sqlite_home "$h"
	add_key groq:w -a work --reload
	is "$rc$err" 0 "$h: add -a work --reload"
	if sql_get "$(sql_db work)" "select store_json from auth_profile_store where store_key='primary'" |
	    jq -e '.profiles | has("groq:w")' >/dev/null; then ok 0 "$h: written to the work agent's database"
	else ok 1 "$h: written to the work agent's database"; fi
	is "$(calls)" '[{"method":"models.authRefresh","params":{"operation":"update","agentId":"work"}}]' \
	    "$h: the call names the agent"
done

# migrate: d-legacy-json is refused by 2026.9.6 until it is imported
sqlite_home d-legacy-json
run oc-profile migrate --dry-run --reload
is "$rc" 0 "migrate --dry-run --reload: exit 0"
is "$(ws_conns)" 0 "a dry run sends nothing"
run oc-profile migrate --reload
is "$rc" 0 "migrate --reload: exit 0"
like "$out" 'archived .*auth-profiles\.json as .*\.migrated-' "the JSON store was imported and archived"
is "$err" "" "quiet: the gateway was told"
is "$(calls)" '[{"method":"models.authRefresh","params":{"operation":"update"}}]' \
    "migrate told the gateway, as after doctor --fix"
wsup ok
run oc-profile migrate --reload
is "$rc" 0 "migrate again: nothing to migrate"
is "$(ws_conns)" 0 "nothing written: nothing sent"
sqlite_home c-fresh
printf '{"version":1,"profiles":{"groq:j":{"type":"api_key","provider":"groq","key":"gsk-j"}}}\n' >"$AGENT/auth-profiles.json"
chmod 600 "$AGENT/auth-profiles.json"
run oc-profile migrate --reload
is "$rc$err" 0 "era C: migrate --reload: exit 0, quiet"
is "$(ws_conns)" 1 "era C: migrate told the gateway"
sqlite_home d-fresh
gw_dead=$(fake_dead_port)
put_config "$(jq -c --argjson p "$gw_dead" '.gateway.port = $p' "$CONFIG")"
add_key groq:n --reload
is "$rc" 0 "era D, no gateway: exit 0"
is "$err" "oc-profile: note: no gateway is listening on 127.0.0.1:$gw_dead (port from gateway.port): nothing to reload" \
    "era D, no gateway: the note"
ws_stop

done_testing
