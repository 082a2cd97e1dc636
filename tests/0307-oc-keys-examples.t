#!/bin/sh
# SPDX-License-Identifier: ISC
# The EXAMPLES of oc-keys(1) that can run, run (the network ones against
# the fake server, pass(1) replaced by cat, systemctl left out).
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
t_home
cd "$T_TMP" || exit 1

# curl with the key the gateway uses
printf 'sk-ant-api03-%s' "$(rand_str 40)" | oc-profile add -t api_key --no-config anthropic:ci >/dev/null
KEY=$(jq -r '.profiles["anthropic:ci"].key' "$STORE")
if command -v curl >/dev/null 2>&1; then
	fake_start '[{"path":"/v1/models","body":"{\"data\":[]}"}]'
	run sh -c "curl -s $FAKE_URL/v1/models \
	    -H \"x-api-key: \$(oc-keys get -p anthropic)\" \
	    -H 'anthropic-version: 2023-06-01'"
	is "$rc" 0 "curl with \$(oc-keys get -p anthropic): exit 0"
	is "$out" '{"data":[]}' "curl got the answer"
	jqfile "$FAKE_LOG" ".headers[\"x-api-key\"] == \"$KEY\"" "the request carried the profile's key"
	fake_stop
else
	for i in 1 2 3; do skip "curl not installed (apt-get install curl): the curl example not run"; done
fi

# exec across OPENAI_API_KEYS
cat >batch.sh <<'X'
#!/bin/sh
case $OPENAI_API_KEY in
sk-one) echo "429 Too Many Requests" >&2; exit 1 ;;
sk-two) exit 75 ;;
*) echo "done with $OPENAI_API_KEY" ;;
esac
X
chmod 755 batch.sh
run sh -c 'export OPENAI_API_KEYS="sk-one sk-two sk-three"; oc-keys exec -p openai -- ./batch.sh'
is "$rc" 0 "exec -p openai -- ./batch.sh: exit 0"
is "$out" "done with sk-three" "the third key did it"

# a tool that reports rate limits only in its messages
cat >gemini-tool <<'X'
#!/bin/sh
[ "$GOOGLE_API_KEY" = g-2 ] && { echo ok; exit 0; }
echo "RESOURCE_EXHAUSTED" >&2; exit 1
X
chmod 755 gemini-tool
run env PATH="$T_TMP:$PATH" GEMINI_API_KEYS="g-1 g-2" oc-keys exec -p google -e GOOGLE_API_KEY -- gemini-tool --prompt hi
is "$rc" 0 "exec -p google -e GOOGLE_API_KEY: exit 0"
is "$out" "ok" "rotated to the second key"

# classify the last log line
printf 'started\nerror: 429 rate limited\n' >job.log
if tail -n 1 job.log | oc-keys classify; then r=0; else r=1; fi
is "$r" 0 "tail -n 1 job.log | oc-keys classify: a rate limit"

# set from a password manager (cat for pass)
printf 'sk-prod-123\n' >pass.out
run sh -c 'cat pass.out | oc-keys set -p openai'
is "$rc" 0 "... | oc-keys set -p openai: exit 0"
is "$(cat "$STATE/.env")" "OPENAI_API_KEY=sk-prod-123" "the key is in <state>/.env"

# which variables, and which one wins
run env ANTHROPIC_API_KEY=sk-env-key-1 oc-keys list -p anthropic
like "$out" "^ANTHROPIC_API_KEY +sk\\.\\.\\.-1$" "oc-keys list -p anthropic"
run sh -c 'oc-keys get -p anthropic --json | jq -r .source'
is "$out" "profile:anthropic:ci" "oc-keys get --json | jq -r .source"

done_testing
