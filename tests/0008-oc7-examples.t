#!/bin/bash
# SPDX-License-Identifier: ISC
# The EXAMPLES of oc(7) that involve oc-check, oc-keys and oc-sync, run with
# the network replaced by the fake server and ssh/mail by local stand-ins.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
t_home
now=$(now_ms)

# "ssh pi 'oc-profile add ...' < token.txt; ssh pi oc-check"
anthropic_token >"$T_TMP/token.txt"
run sh -c "sh -c 'oc-profile add --expires-in 365d anthropic:me' < '$T_TMP/token.txt' >/dev/null; sh -c oc-check"
is "$rc" 0 "oc(7): a token added over a pipe, then oc-check says OK"
like "$out" '^OK' "the verdict word comes first"

# "curl -H "x-api-key: $(oc-keys get -p anthropic)" .../v1/models"
if command -v curl >/dev/null 2>&1; then
	fake_start '[{"method":"GET","path":"/v1/models","status":200,"body":"{\"data\":[]}"}]'
	printf 'sk-ant-api03-curl-0123456789' | oc-profile add -t api_key anthropic:key >/dev/null
	oc-order set -p anthropic anthropic:key >/dev/null
	run sh -c "curl -s -H \"x-api-key: \$(oc-keys get -p anthropic)\" $FAKE_URL/v1/models"
	is "$rc" 0 "oc(7): curl with the key from oc-keys get"
	fake_req /v1/models '.headers["x-api-key"] == "sk-ant-api03-curl-0123456789"' "the request carried the key the gateway would use"
	fake_stop
else
	skip "curl not installed"
	skip "curl not installed"
fi

# "oc-keys exec -p openai -- ./batch.sh": the second key after a rate limit.
printf '#!/bin/sh\necho "$OPENAI_API_KEY" >>"%s/keys-seen"\n[ "$OPENAI_API_KEY" = sk-second ] && exit 0\necho "429 Too Many Requests" >&2; exit 1\n' "$T_TMP" >"$T_TMP/batch.sh"
chmod +x "$T_TMP/batch.sh"
run env OPENAI_API_KEYS="sk-first sk-second" oc-keys exec -p openai -- "$T_TMP/batch.sh"
is "$rc" 0 "oc(7): oc-keys exec moves to the next key on a rate limit"
is "$(cat "$T_TMP/keys-seen")" "sk-first
sk-second" "batch.sh ran with each key in turn"

# "oc-check -q || oc-check | mail -s ... me"
mail() { cat >"$MAILBOX"; }
export -f mail
export MAILBOX=$T_TMP/mailbox
put_store "$(jq --argjson n "$now" '.profiles["anthropic:me"].expires = ($n + 3600000)' "$STORE")"
run bash -c "oc-check -q || oc-check | mail -s 'OpenClaw credentials' me"
like "$(cat "$MAILBOX" 2>/dev/null)" '^EXPIRING' "oc(7): cron alert mails the report when a credential expires soon"

# "oc-sync --refresh --within 48h; oc-check -q" (a refreshable oauth profile
# is fine for oc-check even when it expires soon, so refresh on a timer).
fake_start "[{\"method\":\"POST\",\"path\":\"/v1/oauth/token\",\"status\":200,\"body\":\"{\\\"access_token\\\":\\\"acc-new\\\",\\\"refresh_token\\\":\\\"ref-new\\\",\\\"expires_in\\\":604800}\"}]"
export OC_OAUTH_TOKEN_URL_ANTHROPIC=$FAKE_URL/v1/oauth/token
put_store "$(jq --argjson n "$now" '.profiles = {"anthropic:oauth":{"type":"oauth","provider":"anthropic","access":"acc-old","refresh":"ref-old","expires":($n + 86400000)}}' "$STORE")"
run sh -c "oc-sync --refresh --within 48h; oc-check -q"
is "$rc" 0 "oc(7): refresh ahead of time what expires within two days, then check"
jqfile "$STORE" '.profiles["anthropic:oauth"] | .access == "acc-new" and .refresh == "ref-new" and .expires > '$((now + 6 * 86400000))'' "the token was refreshed"
fake_stop
unset OC_OAUTH_TOKEN_URL_ANTHROPIC

# "oc-check --json | jq ... | xargs -r -n1 oc-profile show"
put_store "$(jq --argjson n "$now" '.profiles["openai:old"] = {"type":"token","provider":"openai","token":"tok-old-0123456789","expires":($n - 1000)}' "$STORE")"
run sh -c "oc-check --json | jq -r '.profiles[] | select(.status | IN(\"ok\",\"static\") | not) | .profileId' | xargs -r -n1 oc-profile show"
like "$out" '^id: openai:old' "oc(7): show every profile that is not fine"
unlike "$out" 'anthropic:oauth' "and only those"

# "ssh laptop cat .claude/.credentials.json | oc-sync --claude - && oc-check"
printf '{"claudeAiOauth":{"accessToken":"sk-ant-oat01-cc-%s","refreshToken":"sk-ant-ort01-%s","expiresAt":%s,"scopes":["user:inference"]}}\n' \
    "$(rand_str 60)" "$(rand_str 60)" "$((now + 8 * 3600000))" >"$T_TMP/laptop-creds.json"
oc-profile rm openai:old >/dev/null
run sh -c "cat '$T_TMP/laptop-creds.json' | oc-sync --claude - && oc-check"
jqfile "$STORE" '.profiles["anthropic:claude-cli"].type == "oauth"' "oc(7): Claude Code login imported from a pipe"
like "$out" 'anthropic:claude-cli' "and oc-check reports it"

done_testing
