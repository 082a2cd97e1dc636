#!/bin/sh
# SPDX-License-Identifier: ISC
# liboc's oc_http_run (common/http.c) through tests/http-client: results in
# request order whatever the completion order, the caller's ids, the
# helper-missing and helper-failure paths.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
t_home

C="$OC_BUILDDIR/tests/http-client"
cl() { printf '%s' "$1" >"$T_TMP/doc"; run "$C" <"$T_TMP/doc"; }
# clh HELPER DOC: the same with OC_HTTP_HELPER set to HELPER
clh() { printf '%s' "$2" >"$T_TMP/doc"; run env OC_HTTP_HELPER="$1" "$C" <"$T_TMP/doc"; }

fake_start '[
 {"path":"/slow","delayMs":400,"body":"slow"},
 {"path":"/fast","body":"fast","headers":{"x-token":"tok"}},
 {"path":"/echo","method":"POST","status":200,"body":"ok"},
 {"path":"/big","body":"0123456789abcdef","bodyRepeat":65536}
]'

# --- results in the order of the requests
cl '{"concurrency":4,"requests":[
 {"id":"same","method":"GET","url":"'"$FAKE_URL"'/slow","timeoutMs":5000},
 {"id":"same","method":"GET","url":"'"$FAKE_URL"'/fast","timeoutMs":5000},
 {"method":"GET","url":"'"$FAKE_URL"'/fast"}]}'
is "$rc" 0 "three requests: exit 0"
out=$(printf '%s\n' "$out" | jq -sc .)
jqok 'length == 3' "three results"
jqok '.[0].body == "slow" and .[1].body == "fast" and .[2].body == "fast"' \
    "results in request order, though the slow one finished last"
jqok '.[0].id == "same" and .[1].id == "same" and .[2].id == ""' \
    "the caller's ids come back, duplicates and all; none gives \"\""
jqok '.[1].headers["x-token"] == "tok" and .[1].status == 200 and .[1].error == null' \
    "headers, status, error of a result"
jqok '.[0].elapsedMs >= 350' "elapsed time of the slow one"

# --- request body and headers arrive exactly, NUL bytes included
SECRET="sk-$(rand_str 30)"
cl '{"requests":[{"id":"p","method":"POST","url":"'"$FAKE_URL"'/echo",
 "headers":["Authorization: Bearer '"$SECRET"'","Content-Type: text/plain"],
 "body":"a\u0000b\"c\\\\d\n\u0001é"}]}'
is "$rc" 0 "POST through the library: exit 0"
jqok '.status == 200 and .body == "ok"' "POST: the answer"
fake_req /echo '.body == "a\u0000b\"c\\\\d\n\u0001é"' \
    "the body arrived byte for byte (NUL, quote, backslash, control, UTF-8)"
fake_req /echo '.headers.authorization == "Bearer '"$SECRET"'"' \
    "the Authorization header arrived"
unlike "$err" "$SECRET" "the secret is not on stderr"

# --- a 1 MiB body comes back whole through the pipe
cl '{"requests":[{"id":"b","method":"GET","url":"'"$FAKE_URL"'/big"}]}'
jqok '.error == null and .bodyLen == 1048576' "a 1 MiB body through the library"

# --- errors of single requests are results, not failures
DEAD=$(fake_dead_port)
cl '{"requests":[{"id":"d","method":"GET","url":"http://127.0.0.1:'"$DEAD"'/"},
 {"id":"t","method":"GET","url":"'"$FAKE_URL"'/slow","timeoutMs":100}]}'
is "$rc" 0 "failed requests: exit 0"
out=$(printf '%s\n' "$out" | jq -sc .)
jqok '.[0].error == "connect" and .[1].error == "timeout"' "connect and timeout errors per request"

# --- no requests: no helper needed
clh $T_TMP/nonexistent '{"requests":[]}'
is "$rc" 0 "no requests: exit 0 even without a helper"

# --- helper missing
clh $T_TMP/no-such-oc-http '{"requests":[{"id":"a","method":"GET","url":"'"$FAKE_URL"'/fast"}]}'
is "$rc" 69 "helper missing: exit 69 (unavailable)"
like "$err" "no-such-oc-http" "helper missing: the message names the path"
like "$err" "OC_HTTP_HELPER" "helper missing: the message names OC_HTTP_HELPER"
is "$out" "" "helper missing: no results"

# --- helper not executable
printf '#!/bin/sh\nexit 0\n' >"$T_TMP/noexec"
chmod 644 "$T_TMP/noexec"
clh $T_TMP/noexec '{"requests":[{"id":"a","method":"GET","url":"'"$FAKE_URL"'/fast"}]}'
is "$rc" 69 "helper not executable: exit 69"
like "$err" "noexec" "helper not executable: path named"

# --- helper crashes
printf '#!/bin/sh\ncat >/dev/null\nkill -SEGV $$\n' >"$T_TMP/crash"
chmod 755 "$T_TMP/crash"
clh $T_TMP/crash '{"requests":[{"id":"a","method":"GET","url":"'"$FAKE_URL"'/fast"}]}'
is "$rc" 69 "helper crash: exit 69"
like "$err" "signal" "helper crash: the signal is reported"

# --- helper exits before reading its input (EPIPE must not kill us)
printf '#!/bin/sh\nexit 3\n' >"$T_TMP/early"
chmod 755 "$T_TMP/early"
BIG=$(head -c 300000 /dev/zero | tr '\0' x)
clh $T_TMP/early '{"requests":[{"id":"a","method":"POST","url":"'"$FAKE_URL"'/echo","body":"'"$BIG"'"}]}'
is "$rc" 69 "helper gone before reading: exit 69, not SIGPIPE"
like "$err" "exit status 3" "helper gone before reading: its status is reported"

# --- helper answers some requests only
cat >"$T_TMP/partial" <<'SH'
#!/bin/sh
cat >/dev/null
echo '{"id":"1","status":204,"error":null,"headers":{},"body":"","elapsedMs":1}'
SH
chmod 755 "$T_TMP/partial"
clh $T_TMP/partial '{"requests":[{"id":"a","method":"GET","url":"x"},{"id":"b","method":"GET","url":"y"}]}'
is "$rc" 0 "partial results: exit 0"
out=$(printf '%s\n' "$out" | jq -sc .)
jqok '.[0].error == "other: helper gave no result" and .[0].status == 0' \
    "a request without a result gets other: helper gave no result"
jqok '.[1].status == 204 and .[1].error == null and .[1].id == "b"' \
    "the result that came maps back by position"

# --- helper writes garbage
printf '#!/bin/sh\ncat >/dev/null\necho "not json"\n' >"$T_TMP/garbage"
chmod 755 "$T_TMP/garbage"
clh $T_TMP/garbage '{"requests":[{"id":"a","method":"GET","url":"x"}]}'
is "$rc" 69 "helper output malformed: exit 69"
like "$err" "malformed output" "helper output malformed: said so"

# --- the helper sees the request only on stdin, never in argv
cat >"$T_TMP/spy" <<SH
#!/bin/sh
printf '%s\n' "\$#" "\$@" >"$T_TMP/spy.argv"
cat >"$T_TMP/spy.stdin"
SH
chmod 755 "$T_TMP/spy"
clh $T_TMP/spy '{"requests":[{"id":"a","method":"GET","url":"'"$FAKE_URL"'/x","headers":["Authorization: Bearer '"$SECRET"'"]}]}'
is "$(cat "$T_TMP/spy.argv")" 0 "the helper gets no arguments"
jqfile "$T_TMP/spy.stdin" '.requests[0].headers[0] == "Authorization: Bearer '"$SECRET"'" and .requests[0].id == "0"' \
    "the helper reads the request (ids are positions) on stdin"
jqok '.error == "other: helper gave no result"' \
    "a helper that answers nothing: the request says so"
# --- bad fields are refused per request, before anything is sent, and the
# message never quotes a value
n_before=$(wc -l <"$FAKE_LOG")
for r in \
    '"method":"GET","url":"'"$FAKE_URL"'/fast","headers":["Authorization: Bearer '"$SECRET"'\r\nX-Evil: 1"]' \
    '"method":"GET","url":"'"$FAKE_URL"'/fast","headers":["Authorization: Bearer '"$SECRET"'\n"]' \
    '"method":"GET","url":"'"$FAKE_URL"'/fast","headers":["'"$SECRET"'"]' \
    '"method":"GET","url":"'"$FAKE_URL"'/fast?k='"$SECRET"' x"' \
    '"method":"get","url":"'"$FAKE_URL"'/fast"' \
    '"url":"'"$FAKE_URL"'/fast"'; do
	cl '{"requests":[{"id":"a","method":"GET","url":"'"$FAKE_URL"'/fast"},{"id":"b",'"$r"'}]}'
	ok "$([ "$rc" -eq 64 ] || [ "$rc" -eq 65 ]; echo $?)" "bad request field: refused ($rc)"
	like "$err" "request 1" "bad request field: the message names the request"
	unlike "$err$out" "$SECRET" "bad request field: the secret is not quoted"
done
is "$(wc -l <"$FAKE_LOG")" "$n_before" "bad request fields: nothing was sent"

# --- a large request body goes through the pipe whole
head -c 3000000 /dev/urandom | base64 -w0 >"$T_TMP/big.txt"
jq -Rs '{requests:[{id:"big",method:"POST",url:($u + "/echo"),body:.,timeoutMs:20000}]}' \
    --arg u "$FAKE_URL" "$T_TMP/big.txt" >"$T_TMP/big.json"
run "$C" <"$T_TMP/big.json"
is "$rc" 0 "a 4 MB request body: exit 0"
jqok '.status == 200' "a 4 MB request body: answered"
is "$(jq -s -j '[.[] | select(.path == "/echo")] | last | .body' "$FAKE_LOG" | sha256sum)" \
    "$(sha256sum <"$T_TMP/big.txt")" "a 4 MB request body arrives byte for byte"

# --- a helper that writes before it reads cannot deadlock us
cat >"$T_TMP/chatty" <<'SH'
#!/bin/sh
head -c 2000000 /dev/zero | tr '\0' x
echo
cat >/dev/null
SH
chmod 755 "$T_TMP/chatty"
printf '{"requests":[{"id":"a","method":"POST","url":"x","body":"%s"}]}' \
    "$(head -c 2000000 /dev/zero | tr '\0' y)" >"$T_TMP/doc"
t0=$(date +%s)
run env OC_HTTP_HELPER="$T_TMP/chatty" "$C" <"$T_TMP/doc"
t1=$(date +%s)
is "$rc" 69 "helper writing 2 MB while we write 2 MB: no deadlock, an error"
ok "$([ $((t1 - t0)) -lt 5 ]; echo $?)" "... at once ($((t1 - t0)) s)"

# --- a helper that hangs is killed after its budget (timeouts + 5 s)
printf '#!/bin/sh
exec sleep 60
' >"$T_TMP/hang"
chmod 755 "$T_TMP/hang"
t0=$(date +%s)
clh "$T_TMP/hang" '{"requests":[{"id":"a","method":"GET","url":"x","timeoutMs":500}]}'
t1=$(date +%s)
is "$rc" 69 "hung helper: exit 69"
like "$err" "did not finish" "hung helper: said so"
ok "$([ $((t1 - t0)) -ge 5 ] && [ $((t1 - t0)) -le 9 ]; echo $?)" \
    "hung helper: given up after the budget ($((t1 - t0)) s)"

# --- the caller ignoring SIGCHLD does not lose the helper's status
printf '%s' '{"requests":[{"id":"a","method":"GET","url":"'"$FAKE_URL"'/fast"}]}' >"$T_TMP/doc"
run sh -c 'trap "" CHLD; exec "$0"' "$C" <"$T_TMP/doc"
is "$rc" 0 "SIGCHLD ignored: exit 0"
jqok '.status == 200 and .body == "fast"' "SIGCHLD ignored: the result"

fake_stop
done_testing
