#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-sync --refresh against the fake server: per provider the exact request
# (method, headers, body) and the expiry rule; a rotated refresh token
# stored, a missing one kept; only due, OpenClaw-owned profiles refreshed;
# --within, --profile, --dry-run, --json.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"
sync_home

ms() { echo $(( $(date +%s%N) / 1000000 )); }
# between LO HI VALUE DESCRIPTION
between() {
	if [ "$3" -ge "$1" ] && [ "$3" -le "$2" ]; then ok 0 "$4"
	else ok 1 "$4"; diag "$3 not in [$1, $2]"; fi
}
# serve ROUTES: (re)start the fake server and point every provider at it
serve() {
	fake_start "$1"
	export OC_OAUTH_TOKEN_URL_ANTHROPIC=$FAKE_URL/anthropic
	export OC_OAUTH_TOKEN_URL_OPENAI_CODEX=$FAKE_URL/codex
	export OC_OAUTH_TOKEN_URL_CHUTES=$FAKE_URL/chutes
	export OC_OAUTH_TOKEN_URL_GOOGLE_GEMINI_CLI=$FAKE_URL/google
}
PAST=$(in_hours -1)
ok_body() { printf '"{\\"access_token\\":\\"%s\\",%s\\"expires_in\\":%s,\\"token_type\\":\\"Bearer\\"}"' "$1" "$2" "$3"; }

# --- anthropic: JSON body, client id, 5 minutes early
put_store "{\"version\":1,\"profiles\":{
 \"anthropic:default\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"at-a1\",\"refresh\":\"rt-a1\",\"expires\":$PAST,\"email\":\"me@x\"},
 \"anthropic:fresh\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"at-f\",\"refresh\":\"rt-f\",\"expires\":$(in_hours 2)},
 \"openai:k\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-1\"}},
 \"order\":{\"anthropic\":[\"anthropic:default\"]}}"
serve "[{\"path\":\"/anthropic\",\"headers\":{\"content-type\":\"application/json\"},\"body\":$(ok_body at-a2 '\"refresh_token\":\"rt-a2\",' 28800)}]"
t0=$(ms)
run oc-sync --refresh
t1=$(ms)
is "$rc" 0 "anthropic: exit 0"
like "$out" "^anthropic:default refreshed \(expires " "anthropic: refreshed"
like "$out" "^anthropic:fresh fresh: not due" "a profile not due: fresh"
unlike "$out" "openai:k" "api_key profiles are not listed"
fake_req /anthropic '.method == "POST" and .headers["content-type"] == "application/json" and .headers.accept == "application/json"' \
    "anthropic: POST, Content-Type and Accept application/json"
fake_req /anthropic '.body == "{\"grant_type\":\"refresh_token\",\"client_id\":\"9d1c250a-e61b-44d9-88ed-5944d1962f5e\",\"refresh_token\":\"rt-a1\"}"' \
    "anthropic: the exact JSON body, OpenClaw's key order and client id"
fake_req /anthropic '.headers["user-agent"] | startswith("oc-tools/")' "anthropic: User-Agent names the tool"
is "$(fake_count /anthropic)" 1 "anthropic: one request (the fresh profile is left alone)"
jqfile "$STORE" '.profiles["anthropic:default"] | .access == "at-a2" and .refresh == "rt-a2" and .email == "me@x" and .type == "oauth"' \
    "anthropic: new access, rotated refresh stored, other members kept"
between $((t0 + 28800000 - 300000)) $((t1 + 28800000 - 300000)) "$(sjq '.profiles["anthropic:default"].expires')" \
    "anthropic: expires = now + expires_in - 5 min"
jqfile "$STORE" '.profiles["anthropic:fresh"].access == "at-f" and .profiles["openai:k"].key == "sk-1" and .order.anthropic == ["anthropic:default"]' \
    "anthropic: other profiles and routing state untouched"
unlike "$out$err" "at-a2|rt-a2|rt-a1" "anthropic: no token in the output"
is "$(mode_of "$STORE")" 600 "store still 0600"

# --- no refresh_token in the answer: the old one is kept
put_store "{\"version\":1,\"profiles\":{\"anthropic:default\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"at-a1\",\"refresh\":\"rt-keep\",\"expires\":$PAST}}}"
serve "[{\"path\":\"/anthropic\",\"body\":$(ok_body at-a3 '' 3600)}]"
run oc-sync --refresh
is "$rc" 0 "no refresh_token in the answer: exit 0"
jqfile "$STORE" '.profiles["anthropic:default"] | .access == "at-a3" and .refresh == "rt-keep"' \
    "no refresh_token in the answer: the old refresh token kept"

# --- openai-codex: form body (URLSearchParams encoding), account id from the JWT, no early margin
CAT=$(codex_jwt $(( SYNC_NOW / 1000 + 864000 )) acct-new)
put_store "{\"version\":1,\"profiles\":{\"openai-codex:work\":{\"type\":\"oauth\",\"provider\":\"openai-codex\",\"access\":\"at-c1\",\"refresh\":\"rt c+/=~é\",\"expires\":$PAST,\"accountId\":\"acct-old\"}}}"
serve "[{\"path\":\"/codex\",\"body\":$(ok_body "$CAT" '\"refresh_token\":\"rt-c2\",' 864000)}]"
t0=$(ms)
run oc-sync --refresh
t1=$(ms)
is "$rc" 0 "openai-codex: exit 0"
fake_req /codex '.method == "POST" and .headers["content-type"] == "application/x-www-form-urlencoded" and (.headers.accept // "*/*") == "*/*"' \
    "openai-codex: POST, form Content-Type, no Accept of its own (fetch and curl send */*)"
fake_req /codex '.body == "grant_type=refresh_token&refresh_token=rt+c%2B%2F%3D%7E%C3%A9&client_id=app_EMoamEEZ73f0CkXaXp7hrann"' \
    "openai-codex: the exact form body, in OpenClaw's order and encoding"
jqfile "$STORE" ".profiles[\"openai-codex:work\"] | .access == \"$CAT\" and .refresh == \"rt-c2\" and .accountId == \"acct-new\"" \
    "openai-codex: tokens stored, accountId from the new JWT"
between $((t0 + 864000000)) $((t1 + 864000000)) "$(sjq '.profiles["openai-codex:work"].expires')" \
    "openai-codex: expires = now + expires_in (no early margin)"

# --- chutes: client id from the profile, secret from CHUTES_CLIENT_SECRET, at least 30 s
put_store "{\"version\":1,\"profiles\":{\"chutes:default\":{\"type\":\"oauth\",\"provider\":\"chutes\",\"access\":\"at-h1\",\"refresh\":\"rt-h1\",\"expires\":$PAST,\"clientId\":\"cid-1\"}}}"
serve "[{\"path\":\"/chutes\",\"body\":$(ok_body at-h2 '' 60)}]"
t0=$(ms)
run env CHUTES_CLIENT_SECRET=csec oc-sync --refresh
t1=$(ms)
is "$rc" 0 "chutes: exit 0"
fake_req /chutes '.headers["content-type"] == "application/x-www-form-urlencoded" and .body == "grant_type=refresh_token&client_id=cid-1&refresh_token=rt-h1&client_secret=csec"' \
    "chutes: form body with client id and secret"
jqfile "$STORE" '.profiles["chutes:default"] | .access == "at-h2" and .refresh == "rt-h1" and .clientId == "cid-1"' \
    "chutes: access stored, refresh kept, clientId kept"
between $((t0 + 30000)) $((t1 + 30000)) "$(sjq '.profiles["chutes:default"].expires')" \
    "chutes: a short expires_in still gives now + 30 s"

# --- chutes: CHUTES_CLIENT_ID when the profile has none; none at all: skipped
put_store "{\"version\":1,\"profiles\":{\"chutes:default\":{\"type\":\"oauth\",\"provider\":\"chutes\",\"access\":\"at-h1\",\"refresh\":\"rt-h1\",\"expires\":$PAST}}}"
serve "[{\"path\":\"/chutes\",\"body\":$(ok_body at-h3 '\"refresh_token\":\"rt-h3\",' 7200)}]"
run oc-sync --refresh
like "$out" "^chutes:default skipped: no client id" "chutes without a client id: skipped, says why"
is "$(fake_count /chutes)" 0 "chutes without a client id: no request"
t0=$(ms)
run env CHUTES_CLIENT_ID=cid-env oc-sync --refresh
t1=$(ms)
fake_req /chutes '.body == "grant_type=refresh_token&client_id=cid-env&refresh_token=rt-h1"' "chutes: CHUTES_CLIENT_ID, no secret"
jqfile "$STORE" '.profiles["chutes:default"] | .refresh == "rt-h3" and .clientId == "cid-env"' "chutes: rotated refresh and the client id stored"
between $((t0 + 7200000 - 300000)) $((t1 + 7200000 - 300000)) "$(sjq '.profiles["chutes:default"].expires')" \
    "chutes: expires = now + expires_in - 5 min"

# --- google-gemini-cli: only with a configured client
put_store "{\"version\":1,\"profiles\":{\"google-gemini-cli:me\":{\"type\":\"oauth\",\"provider\":\"google-gemini-cli\",\"access\":\"at-g1\",\"refresh\":\"rt-g1\",\"expires\":$PAST,\"projectId\":\"proj-1\"}}}"
serve "[{\"path\":\"/google\",\"body\":$(ok_body at-g2 '' 3599)}]"
run oc-sync --refresh
is "$rc" 0 "google-gemini-cli without a client: exit 0"
like "$out" "skipped: no OAuth client configured" "google-gemini-cli without a client: skipped, says why"
is "$(fake_count /google)" 0 "google-gemini-cli without a client: no request"
t0=$(ms)
run env GEMINI_CLI_OAUTH_CLIENT_ID=gid.apps.googleusercontent.com GEMINI_CLI_OAUTH_CLIENT_SECRET=gsec oc-sync --refresh
t1=$(ms)
is "$rc" 0 "google-gemini-cli: exit 0"
fake_req /google '.headers["content-type"] == "application/x-www-form-urlencoded" and .body == "client_id=gid.apps.googleusercontent.com&client_secret=gsec&refresh_token=rt-g1&grant_type=refresh_token"' \
    "google-gemini-cli: form body in pi-ai's order"
jqfile "$STORE" '.profiles["google-gemini-cli:me"] | .access == "at-g2" and .refresh == "rt-g1" and .projectId == "proj-1"' \
    "google-gemini-cli: access stored, refresh and projectId kept"
between $((t0 + 3599000 - 300000)) $((t1 + 3599000 - 300000)) "$(sjq '.profiles["google-gemini-cli:me"].expires')" \
    "google-gemini-cli: expires = now + expires_in - 5 min"

# --- not ours, or no rule: skipped without a request
put_store "{\"version\":1,\"profiles\":{
 \"anthropic:claude-cli\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"a\",\"refresh\":\"r\",\"expires\":$PAST},
 \"qwen-portal:default\":{\"type\":\"oauth\",\"provider\":\"qwen-portal\",\"access\":\"a\",\"refresh\":\"r\",\"expires\":$PAST},
 \"anthropic:norefresh\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"a\",\"expires\":$PAST}}}"
snap "$STORE"
serve "[{\"path\":\"/anthropic\",\"body\":$(ok_body x '' 60)}]"
run oc-sync --refresh
is "$rc" 0 "nothing refreshable: exit 0"
like "$out" "^anthropic:claude-cli skipped: owned by Claude Code" "anthropic:claude-cli: never refreshed here"
like "$out" "^qwen-portal:default skipped: no refresh rule" "qwen-portal: no refresh rule"
like "$out" "^anthropic:norefresh skipped: no refresh token" "no refresh token: skipped"
is "$(fake_count /anthropic)" 0 "no request for any of them"
same_file "$STORE" "store untouched"
run oc-sync --refresh --profile anthropic:claude-cli
is "$rc" 1 "--profile anthropic:claude-cli: exit 1"
like "$err$out" "owned by Claude Code" "--profile anthropic:claude-cli: says why"

# --- --within, --profile, --dry-run, --json
put_store "{\"version\":1,\"profiles\":{
 \"anthropic:a\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"at-1\",\"refresh\":\"rt-1\",\"expires\":$(in_hours 2)},
 \"anthropic:b\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"at-2\",\"refresh\":\"rt-2\",\"expires\":$(in_hours 2)}}}"
snap "$STORE"
serve "[{\"path\":\"/anthropic\",\"body\":$(ok_body at-new '\"refresh_token\":\"rt-new\",' 28800)}]"
run oc-sync --refresh --within 90m
is "$rc" 0 "--within 90m: exit 0"
is "$(printf '%s\n' "$out" | grep -c 'fresh: not due')" 2 "--within 90m: both not due"
run oc-sync --refresh --within 3h --dry-run
is "$rc" 0 "--dry-run: exit 0"
is "$(printf '%s\n' "$out" | grep -c 'would refresh')" 2 "--dry-run: both would be refreshed"
is "$(fake_count /anthropic)" 0 "--dry-run: no request"
same_file "$STORE" "--dry-run: store untouched"
run oc-sync --refresh --within 3h --profile anthropic:b --json
is "$rc" 0 "--profile: exit 0"
jqok '.profiles | length == 1 and .[0].profileId == "anthropic:b" and .[0].result == "refreshed" and .[0].requested == true and .[0].provider == "anthropic"' \
    "--profile --json: only that profile, refreshed"
jqok '.exitCode == 0 and .dryRun == false and .withinMs == 10800000 and (.profiles[0].expiresAtIso | test("Z$"))' "--json: top level"
unlike "$out" "at-new|rt-new" "--json: no token"
is "$(fake_count /anthropic)" 1 "--profile: one request"
jqfile "$STORE" '.profiles["anthropic:a"].access == "at-1" and .profiles["anthropic:b"].access == "at-new"' \
    "--profile: the other profile untouched"
run oc-sync --refresh --profile anthropic:nosuch
is "$rc" 1 "--profile unknown: exit 1"
like "$err" "no such profile: anthropic:nosuch" "--profile unknown: says so"
run oc-sync --refresh --within 5x
is "$rc" 64 "--within bad duration: exit 64"
fake_stop
done_testing
