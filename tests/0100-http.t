#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-http, the network helper, driven directly with JSON on stdin against
# the fake server: what comes back, what was sent, timeouts, errors,
# concurrency, the body cap, and a malformed document.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
t_home

H="$OC_BUILDDIR/oc-http"
ms() { echo $(( $(date +%s%N) / 1000000 )); }
# http DOC: run the helper on DOC; $rc, $out (JSON Lines), $err
http() { printf '%s' "$1" >"$T_TMP/doc"; run "$H" <"$T_TMP/doc"; }

fake_start '[
 {"method":"GET","path":"/v1/models","status":200,
  "headers":{"content-type":"application/json","X-Req-Id":"r1"},
  "body":"{\"data\":[{\"id\":\"m1\"}]}"},
 {"method":"POST","path":"/v1/echo","status":201,"body":"made"},
 {"path":"/slow","delayMs":300,"body":"slow"},
 {"path":"/sleepy","delayMs":3000,"body":"late"},
 {"path":"/close","close":true},
 {"pathPrefix":"/pre/","status":202,"body":"prefix"},
 {"path":"/big","body":"0123456789abcdef","bodyRepeat":70000},
 {"path":"/bigchunked","body":"0123456789abcdef","bodyRepeat":70000,"chunked":true},
 {"path":"/justunder","body":"0123456789abcdef","bodyRepeat":65536},
 {"path":"/redirect","status":302,"headers":{"location":"/v1/models"}},
 {"path":"/seq","sequence":[{"status":500,"body":"first"},{"status":200,"body":"second"}]},
 {"path":"/dup","headers":{"x-a":"1"},"body":""}
]'

# --- status, body, headers back
http '{"requests":[{"id":"m","method":"GET","url":"'"$FAKE_URL"'/v1/models","headers":[],"body":null,"timeoutMs":5000}]}'
is "$rc" 0 "GET: exit 0"
jqok '.id == "m" and .status == 200 and .error == null' "GET: id, status 200, no error"
jqok '.body | fromjson | .data[0].id == "m1"' "GET: body comes back intact"
jqok '.headers["content-type"] == "application/json" and .headers["x-req-id"] == "r1"' \
    "GET: response headers with lower-case names"
jqok '.elapsedMs | type == "number" and . >= 0' "GET: elapsedMs is a number"
is "$(printf '%s\n' "$out" | wc -l)" 1 "GET: exactly one line for one request"

# --- what the server received: headers and body exactly
SECRET="sk-test-$(rand_str 32)"
BODY='{"model":"m1","messages":[{"role":"user","content":"hi \"there\"\n\ttab \\ back ünï"}]}'
BODYJ=$(printf '%s' "$BODY" | jq -Rs .)
http '{"concurrency":1,"requests":[{"id":"p","method":"POST","url":"'"$FAKE_URL"'/v1/echo?beta=1&x=y",
 "headers":["Authorization: Bearer '"$SECRET"'","Content-Type: application/json","X-Custom: a b  c"],
 "body":'"$BODYJ"',"timeoutMs":5000}]}'
is "$rc" 0 "POST: exit 0"
jqok '.status == 201 and .body == "made"' "POST: status 201 and body"
fake_req /v1/echo '.method == "POST" and .query == "beta=1&x=y"' \
    "server got POST /v1/echo with the query string"
fake_req /v1/echo '.headers.authorization == "Bearer '"$SECRET"'"' \
    "server got the Authorization header exactly"
fake_req /v1/echo '.headers["content-type"] == "application/json" and .headers["x-custom"] == "a b  c"' \
    "server got the other headers exactly"
fake_req /v1/echo '.headers["user-agent"] | test("^oc-tools/[0-9]")' \
    "default User-Agent names oc-tools and its version"
got=$(jq -r 'select(.path == "/v1/echo") | .body' "$FAKE_LOG")
is "$got" "$BODY" "server got the body byte for byte"
fake_req /v1/echo '.headers | has("expect") | not' \
    "no Expect: 100-continue"
unlike "$err" "$SECRET" "the secret is not on stderr"

# --- User-Agent override and methods
http '{"requests":[{"id":"u","method":"GET","url":"'"$FAKE_URL"'/pre/ua","headers":["User-Agent: probe/9"]},
 {"id":"h","method":"HEAD","url":"'"$FAKE_URL"'/pre/head"},
 {"id":"d","method":"DELETE","url":"'"$FAKE_URL"'/pre/del"},
 {"id":"e","method":"POST","url":"'"$FAKE_URL"'/pre/empty"}]}'
is "$rc" 0 "methods: exit 0"
fake_req /pre/ua '.headers["user-agent"] == "probe/9"' \
    "a User-Agent header overrides the default"
out=$(printf '%s\n' "$out" | jq -sc 'map({(.id): .}) | add')
jqok '.u.status == 202 and .u.body == "prefix"' "pathPrefix route answers"
jqok '.h.status == 202 and .h.body == ""' "HEAD: status, no body"
jqok '.d.status == 202 and .e.status == 202' "DELETE and empty POST answered"
fake_req /pre/head '.method == "HEAD"' "server got HEAD"
fake_req /pre/del '.method == "DELETE"' "server got DELETE"
fake_req /pre/empty '.method == "POST" and .headers["content-length"] == "0" and .body == ""' \
    "POST with a null body sends Content-Length: 0"

# --- redirects are answers, never followed
http '{"requests":[{"id":"r","method":"GET","url":"'"$FAKE_URL"'/redirect","headers":["Authorization: Bearer x"]}]}'
jqok '.status == 302 and .error == null and .headers.location == "/v1/models"' "302 comes back as it is"
is "$(fake_count /v1/models)" 1 \
    "the redirect was not followed"

# --- sequence: successive answers
http '{"concurrency":1,"requests":[{"id":"1","method":"GET","url":"'"$FAKE_URL"'/seq"}]}'
jqok '.status == 500 and .body == "first"' "sequence: first answer"
http '{"concurrency":1,"requests":[{"id":"2","method":"GET","url":"'"$FAKE_URL"'/seq"}]}'
jqok '.status == 200 and .body == "second"' "sequence: second answer"
http '{"concurrency":1,"requests":[{"id":"3","method":"GET","url":"'"$FAKE_URL"'/seq"}]}'
jqok '.status == 200 and .body == "second"' "sequence: the last answer repeats"

# --- unmatched route
http '{"requests":[{"id":"n","method":"GET","url":"'"$FAKE_URL"'/nowhere"}]}'
jqok '.status == 404 and (.body | fromjson | .error == "no route")' "unmatched: 404 with a JSON body"

# --- timeout
t0=$(ms)
http '{"requests":[{"id":"t","method":"GET","url":"'"$FAKE_URL"'/sleepy","timeoutMs":400}]}'
t1=$(ms)
is "$rc" 0 "timeout: exit 0 (a per-request failure)"
jqok '.id == "t" and .error == "timeout" and .status == 0' "delay past timeoutMs: error timeout"
el=$((t1 - t0))
ok "$([ "$el" -ge 350 ] && [ "$el" -lt 2000 ]; echo $?)" "timeout: returned within about the timeout ($el ms)"
jqok '.elapsedMs >= 350 and .elapsedMs < 2000' "timeout: elapsedMs about the timeout"

# --- connection refused
DEAD=$(fake_dead_port)
http '{"requests":[{"id":"c","method":"GET","url":"http://127.0.0.1:'"$DEAD"'/","timeoutMs":3000}]}'
is "$rc" 0 "refused: exit 0"
jqok '.error == "connect" and .status == 0' "nothing listening: error connect"

# --- connection closed without an answer
http '{"requests":[{"id":"x","method":"GET","url":"'"$FAKE_URL"'/close","timeoutMs":3000}]}'
is "$rc" 0 "closed: exit 0"
jqok '.status == 0 and (.error | type == "string" and startswith("other: "))' \
    "closed without a reply: an other: error"

# --- only http and https
http '{"requests":[{"id":"f","method":"GET","url":"file:///etc/passwd"},
 {"id":"g","method":"GET","url":"ftp://127.0.0.1:'"$DEAD"'/"}]}'
out=$(printf '%s\n' "$out" | jq -sc .)
jqok 'length == 2 and all(.[]; .status == 0 and (.error | startswith("other: ")) and .body == "")' \
    "file:// and ftp:// are refused"

# --- TLS: verification is always on
# https:// to the plain-HTTP fake server: the handshake fails
http '{"requests":[{"id":"s","method":"GET","url":"https://127.0.0.1:'"$FAKE_PORT"'/v1/models","timeoutMs":3000}]}'
jqok '.error == "tls" and .status == 0' "https to a plain HTTP server: error tls"
# a self-signed certificate is refused
if command -v openssl >/dev/null 2>&1; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/k.pem" \
	    -out "$T_TMP/c.pem" -subj /CN=127.0.0.1 -days 1 \
	    -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
	TP=$(fake_dead_port)
	openssl s_server -accept "127.0.0.1:$TP" -cert "$T_TMP/c.pem" \
	    -key "$T_TMP/k.pem" -www -quiet </dev/null >/dev/null 2>&1 &
	SPID=$!
	i=0
	while :; do
		http '{"requests":[{"id":"v","method":"GET","url":"https://127.0.0.1:'"$TP"'/","timeoutMs":3000}]}'
		[ "$(printf '%s' "$out" | jq -r .error)" != connect ] && break
		i=$((i + 1)); [ "$i" -gt 50 ] && break
		sleep 0.1
	done
	jqok '.error == "tls" and .status == 0 and .body == ""' \
	    "a self-signed certificate is refused: error tls"
	kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
else
	skip "openssl(1) is not installed: no self-signed TLS server"
fi

# --- the proxy environment is honoured (the fake server is the proxy)
printf '%s' '{"requests":[{"id":"x","method":"GET","url":"http://proxied.example.invalid/via/proxy?q=1","timeoutMs":3000}]}' >"$T_TMP/doc"
run env http_proxy="$FAKE_URL" "$H" <"$T_TMP/doc"
jqok '.status == 404 and .error == null' "through http_proxy: the proxy answered"
fake_req "http://proxied.example.invalid/via/proxy" \
    '.method == "GET" and .query == "q=1" and .headers.host == "proxied.example.invalid"' \
    "the request went to the proxy in absolute form"

# --- body cap
http '{"requests":[{"id":"b","method":"GET","url":"'"$FAKE_URL"'/big"},
 {"id":"bc","method":"GET","url":"'"$FAKE_URL"'/bigchunked"},
 {"id":"ju","method":"GET","url":"'"$FAKE_URL"'/justunder"}]}'
out=$(printf '%s\n' "$out" | jq -sc 'map({(.id): .}) | add')
jqok '.b.error == "too_large" and .b.body == ""' "a body over 1 MiB (Content-Length): too_large"
jqok '.bc.error == "too_large" and .bc.body == ""' "a body over 1 MiB (chunked): too_large"
jqok '.ju.error == null and (.ju.body | length) == 1048576' "a body of exactly 1 MiB comes back whole"

# --- concurrency
five() {
	local c=$1 i reqs=
	for i in 1 2 3 4 5; do
		reqs="$reqs${reqs:+,}{\"id\":\"$i\",\"method\":\"GET\",\"url\":\"$FAKE_URL/slow\",\"timeoutMs\":5000}"
	done
	printf '{"concurrency":%s,"requests":[%s]}' "$c" "$reqs"
}
t0=$(ms); http "$(five 5)"; t1=$(ms)
el=$((t1 - t0))
out=$(printf '%s\n' "$out" | jq -sc .)
jqok 'length == 5 and all(.[]; .status == 200 and .body == "slow")' "concurrency 5: five answers"
jqok '[.[].id] | sort == ["1","2","3","4","5"]' "concurrency 5: every id once"
ok "$([ "$el" -lt 1200 ]; echo $?)" "concurrency 5: 5 x 300 ms in parallel ($el ms < 1200)"
t0=$(ms); http "$(five 1)"; t1=$(ms)
el=$((t1 - t0))
out=$(printf '%s\n' "$out" | jq -sc .)
jqok 'length == 5 and all(.[]; .status == 200)' "concurrency 1: five answers"
ok "$([ "$el" -ge 1500 ]; echo $?)" "concurrency 1: one at a time ($el ms >= 1500)"

# --- empty request list
http '{"requests":[]}'
is "$rc" 0 "no requests: exit 0"
is "$out" "" "no requests: no output"

# --- malformed documents: 64, and the secret is never echoed
SEC="sk-ant-$(rand_str 40)"
for doc in \
    '{"requests":[{"id":"a","method":"GET","url":"'"$FAKE_URL"'/","headers":["Authorization: Bearer '"$SEC"'"]' \
    '{"requests":[{"id":"a","method":"GET","url":"'"$FAKE_URL"'/","headers":["Authorization: '"$SEC"'"],"body":'"$SEC"'}]}' \
    '{"requests":[{"id":"a","method":"GET","url":"'"$FAKE_URL"'/","headers":["X-Key: '"$SEC"'\r\nX-Evil: 1"]}]}' \
    '{"requests":[{"id":"a","method":"GET","url":"'"$FAKE_URL"'/","headers":["'"$SEC"'"]}]}' \
    '{"requests":{"id":"'"$SEC"'"}}' \
    '{"requests":[{"id":"a","method":"GET","url":"'"$FAKE_URL"'/","timeoutMs":"'"$SEC"'"}]}' \
    '["'"$SEC"'"]' \
    '' \
    '{"requests":[]} {"x":"'"$SEC"'"}'; do
	http "$doc"
	is "$rc" 64 "malformed document: exit 64 ($(printf '%s' "$doc" | cut -c1-30 | tr -d '\n'))"
	like "$err" "malformed input" "malformed document: a message on stderr"
	unlike "$err$out" "$SEC" "malformed document: the secret is not echoed"
done
n_before=$(wc -l <"$FAKE_LOG")
http '{"requests":[{"id":"a","method":"GET","url":"'"$FAKE_URL"'/v1/models"},{"id":"b","method":"GET"}]}'
is "$rc" 64 "one bad request in the list: exit 64"
is "$(wc -l <"$FAKE_LOG")" "$n_before" "nothing was sent when the document is malformed"

# --- no arguments carry data
run "$H" -h
is "$rc" 0 "-h: exit 0"
like "$out" "usage" "-h: usage on stdout"
run "$H" extra
is "$rc" 64 "an argument: exit 64"

# --- the fake server itself: 127.0.0.1 only, SIGTERM takes its children
# along, and it ends by itself after -t
hexport=$(printf '%04X' "$FAKE_PORT")
is "$(awk -v p=":$hexport" '$2 ~ p"$" && $4 == "0A" { print $2 }' /proc/net/tcp)" \
    "0100007F:$hexport" "the fake server listens on 127.0.0.1 only"
printf '%s' '{"requests":[{"id":"l","method":"GET","url":"'"$FAKE_URL"'/sleepy","timeoutMs":20000}]}' >"$T_TMP/doc"
t0=$(ms)
"$H" <"$T_TMP/doc" >"$T_TMP/late.out" 2>&1 &
HP=$!
sleep 0.3
fake_stop
wait "$HP"
t1=$(ms)
jqfile "$T_TMP/late.out" '.error != null and .status == 0' \
    "stopping the server ends the connection it was serving"
ok "$([ $((t1 - t0)) -lt 2500 ]; echo $?)" "... at once, not after the 3 s delay ($((t1 - t0)) ms)"
FAKE_TIMEOUT=1 fake_start '[]'
P1=$FAKE_PID
sleep 1.6
# gone, or a zombie waiting for us
st=$(awk '{ print $3 }' "/proc/$P1/stat" 2>/dev/null)
ok "$([ -z "$st" ] || [ "$st" = Z ]; echo $?)" "the fake server exits by itself after -t (state '$st')"
wait "$P1" 2>/dev/null
FAKE_PID=

done_testing
