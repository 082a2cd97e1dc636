#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-sync --refresh: every error leaves the profile byte-identical.
# invalid_grant / refresh_token_reused / revoked -> "re-authentication
# required" naming the command, exit 1; network failure or 5xx -> 69;
# a malformed answer -> 65; one failure does not stop the other profiles.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"
sync_home

STORE_JSON=$(expired_oauth_pair_json)

# case ROUTE_JSON WANT_RC WANT_ERR_REGEX NAME: the anthropic endpoint answers
# ROUTE; the store must come out byte-identical.
case_() {
	put_store "$STORE_JSON"
	snap "$STORE"
	fake_start "[$(printf '%s' "$1" | sed 's|^{|{"path":"/anthropic",|')]"
	run env OC_OAUTH_TOKEN_URL_ANTHROPIC="$FAKE_URL/anthropic" oc-sync --refresh --profile anthropic:default
	is "$rc" "$2" "$4: exit $2"
	like "$err" "$3" "$4: says so"
	unlike "$out$err" "at-a1|rt-a1" "$4: no token in any message"
	like "$out" "^anthropic:default failed" "$4: the profile's line says failed"
	same_file "$STORE" "$4: store byte-identical"
	is "$(fake_count /anthropic)" 1 "$4: exactly one request"
	is "$(ls -A "$AGENT" | tr '\n' ' ')" "auth-profiles.json " "$4: no lock or temp file left"
}

REAUTH='re-authentication required.*openclaw models auth login --provider anthropic'
case_ '{"status":400,"body":"{\"error\":\"invalid_grant\",\"error_description\":\"Refresh token not found or invalid\"}"}' \
    1 "$REAUTH" "invalid_grant"
case_ '{"status":400,"body":"{\"error\":{\"message\":\"Your refresh token has already been used\",\"type\":\"invalid_request_error\",\"code\":\"refresh_token_reused\"}}"}' \
    1 "re-authentication required \(refresh_token_reused\)" "refresh_token_reused (OpenAI's nested error)"
case_ '{"status":401,"body":"{\"error\":\"invalid_request\",\"error_description\":\"The refresh token has been revoked\"}"}' \
    1 "$REAUTH" "revoked"
case_ '{"status":400,"body":"{\"error\":\"invalid_client\"}"}' \
    1 "refused the refresh \(HTTP 400, invalid_client\)" "other 4xx: refused, exit 1"
case_ '{"status":403,"body":"<html>nope\u0007</html>"}' \
    1 "refused the refresh \(HTTP 403\)" "4xx with a non-JSON body"
case_ '{"status":500,"body":"oops"}' 69 "answered HTTP 500.*unchanged" "HTTP 500"
case_ '{"status":503,"body":""}' 69 "answered HTTP 503" "HTTP 503"
case_ '{"status":429,"body":"{\"error\":\"rate_limited\"}"}' 69 "answered HTTP 429" "HTTP 429: try later"
case_ '{"close":true}' 69 "cannot reach the anthropic token endpoint" "connection closed without an answer"
case_ '{"status":200,"body":"<html>login</html>"}' 65 "malformed token response" "200 with HTML"
case_ '{"status":200,"body":"{\"refresh_token\":\"rt-x\",\"expires_in\":3600}"}' 65 "malformed token response \(no access_token\)" "200 without access_token"
case_ '{"status":200,"body":"{\"access_token\":\"at-x\",\"refresh_token\":\"rt-x\"}"}' 65 "malformed token response \(no numeric expires_in\)" "200 without expires_in"
case_ '{"status":200,"body":"{\"access_token\":\"at-x\",\"expires_in\":\"soon\"}"}' 65 "no numeric expires_in" "200 with a string expires_in"
case_ '{"status":200,"body":"[1,2]"}' 65 "not a JSON object" "200 with a JSON array"

# --- nothing listening at all
put_store "$STORE_JSON"
snap "$STORE"
PORT=$(fake_dead_port)
run env OC_OAUTH_TOKEN_URL_ANTHROPIC="http://127.0.0.1:$PORT/t" oc-sync --refresh --profile anthropic:default
is "$rc" 69 "connection refused: exit 69"
like "$err" "cannot reach the anthropic token endpoint \(connect" "connection refused: says so"
same_file "$STORE" "connection refused: store byte-identical"

# --- one profile fails, the other is still refreshed; the failed one is byte-identical
put_store "$STORE_JSON"
fake_start '[{"path":"/anthropic","status":400,"body":"{\"error\":\"invalid_grant\"}"},
 {"path":"/codex","body":"{\"access_token\":\"at-c2\",\"refresh_token\":\"rt-c2\",\"expires_in\":3600}"}]'
jq -c '.profiles["anthropic:default"]' "$STORE" >"$T_TMP/a.before"
run env OC_OAUTH_TOKEN_URL_ANTHROPIC="$FAKE_URL/anthropic" OC_OAUTH_TOKEN_URL_OPENAI_CODEX="$FAKE_URL/codex" oc-sync --refresh
is "$rc" 1 "one re-auth failure among two: exit 1"
like "$out" "^anthropic:default failed" "the failed profile: failed"
like "$out" "^openai-codex:work refreshed" "the other profile: refreshed"
jqfile "$STORE" '.profiles["openai-codex:work"].access == "at-c2"' "the other profile: written"
is "$(jq -c '.profiles["anthropic:default"]' "$STORE")" "$(cat "$T_TMP/a.before")" "the failed profile: exactly as before"

# --- worst code wins: 69 over 1
put_store "$STORE_JSON"
fake_start '[{"path":"/anthropic","status":400,"body":"{\"error\":\"invalid_grant\"}"},{"path":"/codex","status":502}]'
run env OC_OAUTH_TOKEN_URL_ANTHROPIC="$FAKE_URL/anthropic" OC_OAUTH_TOKEN_URL_OPENAI_CODEX="$FAKE_URL/codex" oc-sync --refresh --json
is "$rc" 69 "re-auth and 502 together: exit 69"
jqok '.exitCode == 69 and ([.profiles[].result] | all(. == "failed")) and (.profiles[] | select(.profileId == "anthropic:default") | .error | test("re-authentication required"))' \
    "--json: both failed, each with its error"
fake_stop
done_testing
