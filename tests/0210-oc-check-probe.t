#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-check --probe against the fake server (tests/fake-http): the exact
# request each provider gets, every HTTP status mapping, a timeout, a
# refused connection, a malformed body, the Claude-Code-only hint, what is
# not probed and why, filters, and concurrency (N slow answers take about
# one delay, not N).
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
t_home

AKEY="sk-ant-api03-$(rand_str 40)"
ATOK=$(anthropic_token)
OKEY="sk-proj-$(rand_str 40)"
GKEY="AIza$(rand_str 35)"
RKEY="sk-or-v1-$(rand_str 40)"
PKEY="px-$(rand_str 30)"
MODELS='{"path":"/v1/models","body":"{\"data\":[{\"id\":\"m\"}]}"}'

# env for every probe run: the fake server stands in for each provider
probe_env() {
	OC_PROBE_BASE_URL_ANTHROPIC=$FAKE_URL
	OC_PROBE_BASE_URL_OPENAI=$FAKE_URL/v1
	OC_PROBE_BASE_URL_GOOGLE=$FAKE_URL/v1beta
	OC_PROBE_BASE_URL_OPENROUTER=$FAKE_URL/api/v1
	export OC_PROBE_BASE_URL_ANTHROPIC OC_PROBE_BASE_URL_OPENAI \
	    OC_PROBE_BASE_URL_GOOGLE OC_PROBE_BASE_URL_OPENROUTER
}
one() {		# one PROVIDER TYPE SECRETFIELD SECRET: a store with it
	put_store "{\"version\":1,\"profiles\":{\"$1:p\":{\"type\":\"$2\",\"provider\":\"$1\",\"$3\":\"$4\"}}}"
}

# ---- the request per provider ----
fake_start "[$MODELS]"; probe_env
one anthropic api_key key "$AKEY"
run oc-check --probe --json
is "$rc" 0 "anthropic api key accepted: exit 0"
jqok '.probes.results == [{"provider":"anthropic","profileId":"anthropic:p",
    "source":"profile","mode":"api_key","status":"ok","reasonCode":null,
    "request":"GET '"$FAKE_URL"'/v1/models?limit=1","httpStatus":200,
    "latencyMs":.probes.results[0].latencyMs,"error":null,"hint":null}]' \
    "anthropic api key: result"
fake_req /v1/models '.method == "GET" and .query == "limit=1" and
    .headers["x-api-key"] == "'"$AKEY"'" and
    .headers["anthropic-version"] == "2023-06-01" and
    (.headers | has("authorization") | not) and
    (.headers | has("anthropic-beta") | not) and
    (.headers["user-agent"] | startswith("oc-tools/"))' \
    "anthropic api key: GET /v1/models?limit=1 with x-api-key and anthropic-version"

fake_start "[$MODELS]"; probe_env
one anthropic token token "$ATOK"
run oc-check --probe --json
jqok '.probes.results[0].status == "ok" and .probes.results[0].mode == "token"' \
    "anthropic setup-token: ok"
fake_req /v1/models '.query == "limit=1" and
    .headers.authorization == "Bearer '"$ATOK"'" and
    .headers["anthropic-beta"] == "oauth-2025-04-20" and
    .headers["anthropic-version"] == "2023-06-01" and
    (.headers | has("x-api-key") | not)' \
    "anthropic setup-token: Bearer with the oauth beta, no x-api-key"

fake_start "[$MODELS]"; probe_env
put_store "{\"version\":1,\"profiles\":{\"anthropic:me\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"$ATOK\",\"refresh\":\"sk-ant-ort01-r\",\"expires\":$(( $(now_ms) + 7200000 ))}}}"
run oc-check --probe --json
jqok '.probes.results[0] | .status == "ok" and .mode == "oauth"' "anthropic oauth: ok"
fake_req /v1/models '.headers.authorization == "Bearer '"$ATOK"'" and
    .headers["anthropic-beta"] == "oauth-2025-04-20"' \
    "anthropic oauth: the access token as Bearer"

fake_start "[$MODELS]"; probe_env
one openai api_key key "$OKEY"
put_config '{"agents":{"defaults":{"model":"openai/gpt-5"}}}'
run oc-check --probe --json
jqok '.probes.results[0] | .status == "ok" and .request == "GET '"$FAKE_URL"'/v1/models"' \
    "openai: GET {base}/models"
fake_req /v1/models '.query == "" and .headers.authorization == "Bearer '"$OKEY"'" and
    (.headers | has("x-api-key") | not)' "openai: Bearer key"

fake_start '[{"path":"/v1beta/models","body":"{\"models\":[]}"}]'; probe_env
one google api_key key "$GKEY"
put_config '{"agents":{"defaults":{"model":"google/gemini-2.5-pro"}}}'
run oc-check --probe --json
jqok '.probes.results[0].status == "ok"' "google: ok"
fake_req /v1beta/models '.query == "pageSize=1" and .headers["x-goog-api-key"] == "'"$GKEY"'" and
    (.headers | has("authorization") | not)' \
    "google: GET /v1beta/models?pageSize=1, the key in x-goog-api-key"
unlike "$(cat "$FAKE_LOG" | jq -r .query)" "$GKEY" "google: the key is not in the URL"

fake_start '[{"path":"/api/v1/key","body":"{\"data\":{\"label\":\"x\",\"usage\":0}}"}]'; probe_env
one openrouter api_key key "$RKEY"
put_config '{"agents":{"defaults":{"model":"openrouter/auto"}}}'
run oc-check --probe --json
jqok '.probes.results[0].status == "ok"' "openrouter: ok"
fake_req /api/v1/key '.headers.authorization == "Bearer '"$RKEY"'"' \
    "openrouter: GET /api/v1/key (the key-info endpoint) with Bearer"

# an OpenAI-compatible provider through its config baseUrl
fake_start '[{"path":"/proxy/v1/models","body":"{\"data\":[]}"}]'
put_config "{\"agents\":{\"defaults\":{\"model\":\"myproxy/m\"}},\"models\":{\"providers\":{\"myproxy\":{\"baseUrl\":\"$FAKE_URL/proxy/v1/\",\"api\":\"openai-completions\",\"models\":[]}}}}"
one myproxy api_key key "$PKEY"
run oc-check --probe --json
jqok '.probes.results[0] | .provider == "myproxy" and .status == "ok"' \
    "custom provider: probed through models.providers.<id>.baseUrl"
fake_req /proxy/v1/models '.headers.authorization == "Bearer '"$PKEY"'"' \
    "custom provider: GET {baseUrl}/models with Bearer"
# ...and with "api": "anthropic-messages" it gets the Anthropic form
fake_start "[$MODELS]"
put_config "{\"agents\":{\"defaults\":{\"model\":\"myproxy/m\"}},\"models\":{\"providers\":{\"myproxy\":{\"baseUrl\":\"$FAKE_URL\",\"api\":\"anthropic-messages\"}}}}"
run oc-check --probe --json
fake_req /v1/models '.query == "limit=1" and .headers["x-api-key"] == "'"$PKEY"'"' \
    "custom anthropic-messages provider: the Anthropic request"
# the env override beats the config
fake_start '[{"path":"/over/models","body":"{}"}]'
put_config "{\"agents\":{\"defaults\":{\"model\":\"myproxy/m\"}},\"models\":{\"providers\":{\"myproxy\":{\"baseUrl\":\"http://127.0.0.1:9/v1\"}}}}"
run env OC_PROBE_BASE_URL_MYPROXY="$FAKE_URL/over" oc-check --probe --json
jqok '.probes.results[0].status == "ok"' "OC_PROBE_BASE_URL_<P> beats the config baseUrl"
is "$(fake_count /over/models)" 1 "the override URL got the request"
rm -f "$CONFIG"

# ---- status mapping (OpenClaw's) ----
one openai api_key key "$OKEY"
mapping() {	# mapping HTTPSTATUS BODY WANT_STATUS WANT_RC
	fake_start "[{\"path\":\"/v1/models\",\"status\":$1,\"body\":$(printf '%s' "$2" | jq -Rs .)}]"
	probe_env
	run oc-check --probe --json -p openai
	jqok ".probes.results[0].status == \"$3\" and .probes.results[0].httpStatus == $1" \
	    "HTTP $1 ${2:+($2) }-> $3"
	is "$rc" "$4" "HTTP $1 ${2:+($2) }-> exit $4"
}
put_store "{\"version\":1,\"profiles\":{\"openai:p\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"$OKEY\"},\"anthropic:a\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"$AKEY\"}}}"
mapping 200 '{"data":[]}' ok 0
mapping 401 '{"error":{"message":"Incorrect API key provided"}}' auth 1
mapping 403 '{"error":"forbidden"}' auth 1
mapping 402 '{"error":"Payment required: insufficient credits"}' billing 1
mapping 402 '' billing 1
mapping 402 '{"error":"rate limit reached, try again in 20s"}' rate_limit 0
mapping 429 '{"error":"Too Many Requests"}' rate_limit 0
mapping 408 '' timeout 0
mapping 500 'Internal Server Error' timeout 0
mapping 502 '' timeout 0
mapping 503 'Service Unavailable' timeout 0
mapping 503 '{"error":{"type":"overloaded_error","message":"Overloaded"}}' rate_limit 0
mapping 504 '' timeout 0
mapping 529 '{"type":"error","error":{"type":"overloaded_error"}}' rate_limit 0
mapping 400 '{"error":"bad request"}' format 0
mapping 400 '{"error":"Your credit balance is too low"}' billing 1
mapping 422 '{"error":"unprocessable"}' format 0
mapping 404 '{"error":"not found"}' unknown 0
mapping 418 '' unknown 0

# auth makes the verdict EXPIRED and names the credential
fake_start '[{"path":"/v1/models","status":401,"body":"{\"error\":\"invalid key\"}"}]'; probe_env
run oc-check --probe -p openai
is "$rc" 1 "rejected key: exit 1"
is "$(printf '%s\n' "$out" | head -n1)" "REJECTED: openai:p rejected by openai (auth)" \
    "rejected key: the first line says so"
like "$out" 'openai:p +api_key +static +- +never +probe: auth \(HTTP 401, [0-9]+ ms\)' \
    "rejected key: its line carries the probe result"
unlike "$out$err" "$OKEY" "rejected key: the key is not printed"
run oc-check --probe -p openai --nagios
is "$rc" 2 "rejected key, --nagios: CRITICAL"
run oc-check --probe -p openai --prometheus
like "$out" 'oc_check_probe_ok\{agent="main",provider="openai",profile="openai:p"\} 0' \
    "rejected key, --prometheus: oc_check_probe_ok 0"
like "$out" 'oc_check_probe_status\{agent="main",provider="openai",profile="openai:p",status="auth"\} 1' \
    "rejected key, --prometheus: its status is auth"

# a provider that echoes the key in its error: the key is masked
fake_start '[{"path":"/v1/models","status":401,"body":"{\"error\":\"Incorrect API key provided: '"$OKEY"'. Check it.\"}"}]'; probe_env
run oc-check --probe --json -p openai
jqok '.probes.results[0].status == "auth" and (.probes.results[0].error | test("Incorrect API key provided: sk-proj-\\.\\.\\."))' \
    "an echoed key: the error keeps the message"
unlike "$out$err" "$OKEY" "an echoed key: masked in the error"
run oc-check --probe -p openai
unlike "$out$err" "$OKEY" "an echoed key: masked in the text too"

# a 2xx whose body is not JSON is not the provider's API
fake_start '[{"path":"/v1/models","body":"<html>captive portal</html>"}]'; probe_env
run oc-check --probe --json -p openai
jqok '.probes.results[0] | .status == "unknown" and .httpStatus == 200 and (.error | test("not JSON"))' \
    "malformed 200 body: unknown"

# the Claude-Code-only message gets the hint
fake_start '[{"path":"/v1/models","status":400,"body":"{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"This credential is only authorized for use with Claude Code and cannot be used for other API requests.\"}}"}]'; probe_env
one anthropic token token "$ATOK"
run oc-check --probe --json
jqok '.probes.results[0] | .status == "format" and (.hint | test("Anthropic API key"))' \
    "Claude-Code-only token: the hint to use an API key"
run oc-check --probe
like "$out" 'probe: format \(HTTP 400, [0-9]+ ms\): this token is only authorized for Claude Code' \
    "Claude-Code-only token: the hint in the text"

# a timeout (-T), and a refused connection
fake_start '[{"path":"/v1/models","delayMs":3000,"body":"{}"}]'; probe_env
one openai api_key key "$OKEY"
put_config '{"agents":{"defaults":{"model":"openai/gpt-5"}}}'
t0=$(date +%s%N)
run oc-check --probe --json -T 300
t1=$(date +%s%N)
jqok '.probes.results[0] | .status == "timeout" and .httpStatus == null and (.error | test("timeout"))' \
    "-T 300 against a 3 s answer: timeout"
is "$rc" 69 "timeout, and no other probe: no provider reached, so not OK (69)"
jqok '.verdict == "UNKNOWN" and (.reason | startswith("no probe reached its provider"))' \
    "timeout: the verdict is UNKNOWN, and says why"
ok "$([ $(( (t1 - t0) / 1000000 )) -lt 2000 ] && echo 0 || echo 1)" "-T bounds the wait"
fake_stop
DEAD=$(fake_dead_port)
run env OC_PROBE_BASE_URL_OPENAI="http://127.0.0.1:$DEAD/v1" oc-check --probe --json
jqok '.probes.results[0] | .status == "timeout" and (.error | test("connect"))' \
    "connection refused: timeout (as OpenClaw maps ECONNREFUSED)"

# ---- what is not probed, and why ----
rm -f "$CONFIG"
fake_start "[$MODELS]"; probe_env
now=$(now_ms)
put_store "{\"version\":1,\"profiles\":{
 \"anthropic:a\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"$AKEY\"},
 \"anthropic:b\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"$AKEY-b\"},
 \"anthropic:old\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"$ATOK\",\"expires\":$((now - 1000))},
 \"anthropic:empty\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"\"},
 \"openai-codex:default\":{\"type\":\"oauth\",\"provider\":\"openai-codex\",\"access\":\"x\",\"refresh\":\"y\",\"expires\":$((now + 86400000 * 5))},
 \"openai:cli\":{\"type\":\"oauth\",\"provider\":\"openai\",\"access\":\"x\",\"refresh\":\"y\",\"expires\":$((now - 1000))}},
 \"order\":{\"anthropic\":[\"anthropic:a\",\"anthropic:old\",\"anthropic:empty\"]}}"
run oc-check --probe --json
jqok '[.probes.results[] | {profileId, status, reasonCode}] == [
 {"profileId":"anthropic:a","status":"ok","reasonCode":null},
 {"profileId":"anthropic:b","status":"unknown","reasonCode":"excluded_by_auth_order"},
 {"profileId":"anthropic:empty","status":"unknown","reasonCode":"missing_credential"},
 {"profileId":"anthropic:old","status":"unknown","reasonCode":"expired"},
 {"profileId":"openai:cli","status":"unknown","reasonCode":"expired"},
 {"profileId":"openai-codex:default","status":"no_model","reasonCode":"no_model"}]' \
    "not probed: excluded by order, missing, expired, expired oauth, no request known" 
is "$(fake_count /v1/models)" 1 "only the one eligible credential was sent"
jqok '.probes.results[] | select(.profileId == "openai-codex:default") | .error | test("OC_PROBE_BASE_URL_OPENAI_CODEX")' \
    "no request known: says how to give one"

# env keys for providers without profiles; filters
fake_start "[$MODELS]"; probe_env
put_store '{"version":1,"profiles":{}}'
run env ANTHROPIC_API_KEY="$AKEY" OPENAI_API_KEY="$OKEY" oc-check --probe --json
jqok '[.probes.results[] | {provider, profileId, source, status}] == [
 {"provider":"anthropic","profileId":null,"source":"env","status":"ok"},
 {"provider":"openai","profileId":null,"source":"env","status":"ok"}]' \
    "env keys are probed for providers without profiles"
is "$(fake_count /v1/models)" 2 "two env keys, two requests"
fake_start "[$MODELS]"; probe_env
run env ANTHROPIC_API_KEY="$AKEY" OPENAI_API_KEY="$OKEY" oc-check --probe --json -p OpenAI
jqok '[.probes.results[] | .provider] == ["openai"]' "-p: one provider (normalised)"
run env ANTHROPIC_API_KEY="$AKEY" OPENAI_API_KEY="$OKEY" oc-check --probe
like "$out" '^anthropic +env +static +- +never +env ANTHROPIC_API_KEY; probe: ok \(HTTP 200, [0-9]+ ms\)' \
    "text: the env key's line carries its probe"
fake_start "[$MODELS]"; probe_env
put_store "{\"version\":1,\"profiles\":{\"anthropic:a\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"$AKEY\"},\"anthropic:b\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"$AKEY-b\"}}}"
run env OPENAI_API_KEY="$OKEY" oc-check --probe --json --profile anthropic:b
jqok '[.probes.results[] | .profileId] == ["anthropic:b"]' "--profile: only that profile, no env keys"
fake_req /v1/models '.headers["x-api-key"] == "'"$AKEY-b"'"' "--profile: its key was sent"
run oc-check --probe --profile anthropic:nope
is "$rc" 1 "--profile naming no profile: exit 1"
like "$err" 'no such profile' "--profile naming no profile: says so"


# ---- SecretRefs: resolved for the request, or reported ----
fake_start "[$MODELS]"; probe_env
put_config '{"agents":{"defaults":{"model":"openai/gpt-5"}}}'
put_store '{"version":1,"profiles":{
 "openai:ref":{"type":"api_key","provider":"openai","keyRef":{"source":"env","provider":"default","id":"MY_OPENAI_KEY"}},
 "openai:tpl":{"type":"api_key","provider":"openai","key":"${MY_OTHER_KEY}"},
 "openai:gone":{"type":"api_key","provider":"openai","keyRef":{"source":"env","provider":"default","id":"NOT_SET_ANYWHERE"}}}}'
run env MY_OPENAI_KEY="$OKEY-ref" MY_OTHER_KEY="$OKEY-tpl" oc-check --probe --json
jqok '[.probes.results[] | {profileId, status, reasonCode}] == [
 {"profileId":"openai:gone","status":"unknown","reasonCode":"unresolved_ref"},
 {"profileId":"openai:ref","status":"ok","reasonCode":null},
 {"profileId":"openai:tpl","status":"ok","reasonCode":null}]' \
    "keyRef and \${VAR} resolved; an unset ref is unresolved_ref"
is "$(fake_count /v1/models)" 2 "SecretRefs: two requests"
is "$(jq -r -s '[.[] | .headers.authorization] | sort | join(" ")' "$FAKE_LOG")" \
    "Bearer $OKEY-ref Bearer $OKEY-tpl" "SecretRefs: the resolved keys were sent"
is "$rc" 0 "an unresolved ref alone does not change the verdict"
unlike "$out$err" "$OKEY" "SecretRefs: no resolved key printed"

# a key in <state>/.env is loaded (a variable already set wins)
fake_start "[$MODELS]"; probe_env
put_store '{"version":1,"profiles":{}}'
printf 'OPENAI_API_KEY=%s-dotenv\n' "$OKEY" >"$STATE/.env"
chmod 600 "$STATE/.env"
run oc-check --probe --json
jqok '.probes.results == [.probes.results[0]] and .probes.results[0].source == "env" and .probes.results[0].status == "ok"' \
    ".env key probed"
fake_req /v1/models '.headers.authorization == "Bearer '"$OKEY"'-dotenv"' ".env: its key was sent"
fake_start "[$MODELS]"; probe_env
run env OPENAI_API_KEY="$OKEY-process" oc-check --probe --json
fake_req /v1/models '.headers.authorization == "Bearer '"$OKEY"'-process"' \
    ".env: the process environment wins"
rm -f "$STATE/.env" "$CONFIG"

# ---- concurrency: 8 answers of 300 ms each ----
fake_start '[{"path":"/v1/models","delayMs":300,"body":"{\"data\":[]}"}]'; probe_env
s='{"version":1,"profiles":{'
for i in 1 2 3 4 5 6 7 8; do
	s="$s\"openai:k$i\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"$OKEY-$i\"}"
	[ "$i" -lt 8 ] && s="$s,"
done
put_store "$s}}"
run oc-check --probe --json -j 8
jqok '[.probes.results[] | .status] == ["ok","ok","ok","ok","ok","ok","ok","ok"]' "-j 8: eight ok"
par=$(printf '%s' "$out" | jq .probes.durationMs)
ok "$([ "$par" -lt 1200 ] && echo 0 || echo 1)" "-j 8: 8 x 300 ms took ${par} ms (about one delay, not 2400)"
is "$(fake_count /v1/models)" 8 "-j 8: eight requests"
fake_start '[{"path":"/v1/models","delayMs":300,"body":"{\"data\":[]}"}]'; probe_env
run oc-check --probe --json -j 2
seq=$(printf '%s' "$out" | jq .probes.durationMs)
ok "$([ "$seq" -ge 1150 ] && echo 0 || echo 1)" "-j 2: 8 x 300 ms took ${seq} ms (four rounds)"
jqok '.probes.concurrency == 2 and .probes.timeoutMs == 8000' "--json: probe options"

# the helper missing is an error, not a verdict
run env OC_HTTP_HELPER=/nonexistent/oc-http oc-check --probe
is "$rc" 69 "no HTTP helper: exit 69"
like "$err" 'HTTP helper' "no HTTP helper: says so"

fake_stop
done_testing
