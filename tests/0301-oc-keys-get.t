#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-keys get: the one credential the gateway would use (OpenClaw's
# resolveApiKeyForProvider): profiles in the effective auth order, skipping
# ineligible and unresolvable ones, cooldown last; then the environment;
# then models.providers.<id>.apiKey. --profile pins one. An expired
# OpenClaw-owned oauth token is refreshed first.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
t_home
NOW=$(now_ms)
FUT=$((NOW + 86400000))
PAST=$((NOW - 3600000))
get() { run env -i HOME="$HOME" PATH="$PATH" OC_HTTP_HELPER="$OC_HTTP_HELPER" "$@"; }

run oc-keys get
is "$rc" 64 "get without -p: usage error"

# --- nothing at all
get oc-keys get -p anthropic
is "$rc" 1 "no credential: exit 1"
is "$out" "" "no credential: nothing on stdout"
like "$err" "no credential for provider anthropic" "no credential: said"

# --- one api_key profile, printed raw
put_store '{"version":1,"profiles":{"openai:a":{"type":"api_key","provider":"openai","key":"sk-openai-1"}}}'
get oc-keys get -p openai
is "$rc" 0 "api_key profile: exit 0"
is "$out" "sk-openai-1" "the key, raw"
get sh -c 'printf "[%s]" "$(oc-keys get -p openai)"'
is "$out" "[sk-openai-1]" "fit for \$(...)"

# --- round-robin: oauth, then token, then api_key; least recently used first
put_store "{\"version\":1,\"profiles\":{
 \"anthropic:key\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"k-api\"},
 \"anthropic:tok1\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"k-tok1\",\"expires\":$FUT},
 \"anthropic:tok2\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"k-tok2\"},
 \"openai:x\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"k-openai\"}},
 \"usageStats\":{\"anthropic:tok1\":{\"lastUsed\":$NOW},\"anthropic:tok2\":{\"lastUsed\":$((NOW - 1000))}}}"
get oc-keys get -p anthropic
is "$out" "k-tok2" "tokens before api keys; the least recently used token first"
get oc-keys get -p anthropic --json
jqok '.provider == "anthropic" and .source == "profile:anthropic:tok2" and .profileId == "anthropic:tok2" and .type == "token" and .key == "k-tok2" and .var == null' \
    "--json: provider, source, profileId, type, key"

# --- cooldown last
jq --argjson u $((NOW + 600000)) '.usageStats["anthropic:tok2"].cooldownUntil = $u' "$STORE" >"$T_TMP/s" && mv "$T_TMP/s" "$STORE"
get oc-keys get -p anthropic
is "$out" "k-tok1" "a profile in cooldown goes last"
jq --argjson u $((NOW + 600000)) '.usageStats["anthropic:tok1"].disabledUntil = $u + 5 | .usageStats["anthropic:key"].cooldownUntil = $u + 9' "$STORE" >"$T_TMP/s" && mv "$T_TMP/s" "$STORE"
get oc-keys get -p anthropic
is "$out" "k-tok2" "all in cooldown: the soonest usable first"

# --- explicit orders: the store's per-agent order, else config auth.order
put_store "{\"version\":1,\"profiles\":{
 \"anthropic:a\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"k-a\"},
 \"anthropic:b\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"k-b\"},
 \"anthropic:c\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"k-c\"}}}"
put_config '{"auth":{"order":{"anthropic":["anthropic:c","anthropic:a"]}}}'
get oc-keys get -p anthropic
is "$out" "k-c" "config auth.order is followed"
jq '.order = {"Anthropic":["anthropic:a","anthropic:b"]}' "$STORE" >"$T_TMP/s" && mv "$T_TMP/s" "$STORE"
get oc-keys get -p anthropic
is "$out" "k-a" "the store's order (provider key normalised) wins over config auth.order"
put_config '{}'
jq '.order = {"anthropic":["anthropic:gone","anthropic:c"]}' "$STORE" >"$T_TMP/s" && mv "$T_TMP/s" "$STORE"
get oc-keys get -p anthropic
is "$out" "k-c" "an id missing from the store is skipped"

# --- ineligible profiles are skipped
put_store "{\"version\":1,\"profiles\":{
 \"anthropic:exp\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"k-exp\",\"expires\":$PAST},
 \"anthropic:bad\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"k-bad\",\"expires\":\"soon\"},
 \"anthropic:empty\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"\"},
 \"anthropic:zero\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"k-zero\",\"expires\":0},
 \"anthropic:ok\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"k-ok\"}}}"
get oc-keys get -p anthropic
is "$out" "k-ok" "expired, invalid-expiry, blanked and empty tokens skipped"
get oc-keys get -p anthropic --profile anthropic:exp
is "$rc" 1 "--profile pins: an expired pinned token is exit 1, no fallback"
like "$err" "anthropic:exp: the token has expired" "--profile: why"
unlike "$err" "k-exp" "--profile: no secret in the message"
get oc-keys get -p anthropic --profile anthropic:nope
is "$rc" 1 "--profile of a missing profile: exit 1"
get oc-keys get -p anthropic --profile anthropic:ok
is "$out" "k-ok" "--profile of a good profile"

# config auth.profiles: its mode must match
put_config '{"auth":{"profiles":{"anthropic:ok":{"provider":"anthropic","mode":"token"}}}}'
put_store '{"version":1,"profiles":{"anthropic:ok":{"type":"api_key","provider":"anthropic","key":"k-ok"},"anthropic:other":{"type":"api_key","provider":"anthropic","key":"k-other"}}}'
get oc-keys get -p anthropic
is "$rc" 1 "config auth.profiles lists only a mode-mismatched profile: none usable"
put_config '{}'

# --- keyRef beats a plaintext key; an unresolvable ref is skipped
put_store '{"version":1,"profiles":{
 "openai:ref":{"type":"api_key","provider":"openai","key":"k-plain","keyRef":{"source":"env","provider":"default","id":"MY_OPENAI"}},
 "openai:zz":{"type":"api_key","provider":"openai","key":"k-zz"}}}'
get MY_OPENAI=k-from-ref oc-keys get -p openai
is "$out" "k-from-ref" "keyRef wins over the plaintext key (as the gateway's snapshot)"
get oc-keys get -p openai
is "$out" "k-zz" "an unresolvable ref: the next profile"
put_store '{"version":1,"profiles":{"openai:ref":{"type":"api_key","provider":"openai","key":"${MY_OPENAI}"}}}'
get MY_OPENAI=k-inline oc-keys get -p openai
is "$out" "k-inline" "the inline \${VAR} form"
get OPENAI_API_KEY=k-env oc-keys get -p openai
is "$out" "k-env" "inline form unresolved: on to the environment"

# --- the environment, in the gateway's table order
put_store '{"version":1,"profiles":{}}'
get ANTHROPIC_API_KEY=k-api ANTHROPIC_OAUTH_TOKEN=k-oauth oc-keys get -p anthropic --json
jqok '.key == "k-oauth" and .source == "env: ANTHROPIC_OAUTH_TOKEN" and .type == "oauth" and .var == "ANTHROPIC_OAUTH_TOKEN"' \
    "env: ANTHROPIC_OAUTH_TOKEN before ANTHROPIC_API_KEY (OpenClaw's table)"
get ANTHROPIC_API_KEY=" k-api " oc-keys get -p anthropic
is "$out" "k-api" "env value trimmed"
get GH_TOKEN=gh2 GITHUB_TOKEN=gh3 oc-keys get -p github-copilot
is "$out" "gh2" "github-copilot: COPILOT_GITHUB_TOKEN, GH_TOKEN, GITHUB_TOKEN"
get OPENCLAW_LIVE_ANTHROPIC_KEY=live ANTHROPIC_API_KEYS=l1 oc-keys get -p anthropic
is "$rc" 1 "get ignores the rotation-only variables (as the gateway)"
put_store '{"version":1,"profiles":{"anthropic:p":{"type":"api_key","provider":"anthropic","key":"k-profile"}}}'
get ANTHROPIC_API_KEY=k-env oc-keys get -p anthropic
is "$out" "k-profile" "a usable profile beats the environment"
mkdir -p "$STATE"; printf 'MISTRAL_API_KEY="k-dotenv"\n' >"$STATE/.env"
get oc-keys get -p mistral
is "$out" "k-dotenv" "env keys from <state>/.env"
get MISTRAL_API_KEY=k-proc oc-keys get -p mistral
is "$out" "k-proc" "the process environment beats .env"
rm "$STATE/.env"

# --- config models.providers.<id>.apiKey last
put_config '{"models":{"providers":{"My-LLM":{"baseUrl":"http://x","apiKey":"k-config"},"other":{"apiKey":"${OTHER_KEY}"},"marker":{"apiKey":"MISTRAL_API_KEY"},"local":{"apiKey":"ollama-local"}}}}'
get oc-keys get -p my-llm --json
jqok '.key == "k-config" and .source == "config: models.providers.My-LLM.apiKey" and .type == "api_key"' \
    "config apiKey (provider key matched normalised)"
get OTHER_KEY=k-subst oc-keys get -p other
is "$out" "k-subst" "config apiKey \${VAR} substituted"
get MISTRAL_API_KEY=k-marker oc-keys get -p marker
is "$out" "k-marker" "config apiKey naming a known variable reads it"
get oc-keys get -p local
is "$rc" 1 "a non-secret marker (ollama-local) is no key"
put_config '{"models":{"providers":{"bed":{"auth":"aws-sdk"}}}}'
get oc-keys get -p bed
is "$rc" 1 "auth aws-sdk: no key"
like "$err" "AWS SDK" "auth aws-sdk: said"
put_config '{}'

# --- oauth: a valid access token is used; an expired one refreshed first
put_store "{\"version\":1,\"profiles\":{\"anthropic:me\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"at-valid\",\"refresh\":\"rt-1\",\"expires\":$FUT}}}"
get oc-keys get -p anthropic
is "$out" "at-valid" "a valid oauth access token"
put_store "{\"version\":1,\"profiles\":{\"anthropic:me\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"at-old\",\"refresh\":\"rt-1\",\"expires\":$PAST,\"email\":\"me@x\"}}}"
fake_start '[{"path":"/token","headers":{"content-type":"application/json"},"body":"{\"access_token\":\"at-new\",\"refresh_token\":\"rt-2\",\"expires_in\":28800,\"token_type\":\"Bearer\"}"}]'
get OC_OAUTH_TOKEN_URL_ANTHROPIC="$FAKE_URL/token" oc-keys get -p anthropic --no-refresh
is "$rc" 1 "--no-refresh: an expired oauth token is not used"
is "$(wc -l <"$FAKE_LOG" | tr -d ' ')" 0 "--no-refresh: no request"
get OC_OAUTH_TOKEN_URL_ANTHROPIC="$FAKE_URL/token" oc-keys get -p anthropic
is "$rc" 0 "expired oauth: refreshed, exit 0"
is "$out" "at-new" "expired oauth: the new access token"
jqfile "$STORE" '.profiles["anthropic:me"] | .access == "at-new" and .refresh == "rt-2" and .email == "me@x"' \
    "the refreshed tokens are stored"
is "$(wc -l <"$FAKE_LOG" | tr -d ' ')" 1 "one refresh request"
unlike "$err" "at-new|rt-" "no token on stderr"
fake_start '[{"path":"/token","status":400,"body":"{\"error\":\"invalid_grant\"}"}]'
put_store "{\"version\":1,\"profiles\":{\"anthropic:me\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"at-old\",\"refresh\":\"rt-1\",\"expires\":$PAST}}}"
get OC_OAUTH_TOKEN_URL_ANTHROPIC="$FAKE_URL/token" ANTHROPIC_API_KEY=k-fallback oc-keys get -p anthropic
is "$out" "k-fallback" "refresh refused: on to the next source, as the gateway"
get OC_OAUTH_TOKEN_URL_ANTHROPIC="$FAKE_URL/token" oc-keys get -p anthropic
is "$rc" 1 "refresh refused and nothing else: exit 1"
like "$err" "anthropic:me" "refresh refused: the profile is named"
put_store "{\"version\":1,\"profiles\":{\"anthropic:claude-cli\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"at-cli\",\"refresh\":\"rt-cli\",\"expires\":$PAST}}}"
fake_start '[{"path":"/token","body":"{}"}]'
get OC_OAUTH_TOKEN_URL_ANTHROPIC="$FAKE_URL/token" oc-keys get -p anthropic
is "$rc" 1 "Claude Code's login is never refreshed here"
is "$(wc -l <"$FAKE_LOG" | tr -d ' ')" 0 "no request for another CLI's login"
fake_stop

# --- the agent, corrupt stores
put_config '{"agents":{"list":[{"id":"main"},{"id":"work"}]}}'
mkdir -p "$STATE/agents/work/agent"
printf '{"version":1,"profiles":{"openai:w":{"type":"api_key","provider":"openai","key":"k-work"}}}\n' >"$STATE/agents/work/agent/auth-profiles.json"
get oc-keys -a work get -p openai
is "$out" "k-work" "-a selects the agent's store"
get oc-keys -a nobody get -p openai
is "$rc" 1 "-a with an unknown agent: exit 1"
printf '{"version":1,"profiles":' >"$STORE"
get OPENAI_API_KEY=k oc-keys get -p openai
is "$rc" 65 "a corrupt store: exit 65"
like "$err" "auth-profiles.json" "a corrupt store: named"

done_testing
