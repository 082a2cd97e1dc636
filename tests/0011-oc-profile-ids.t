#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-profile list --ids and oc-profile agents: the bare values that shell
# completion reads (one a line, nothing else on stdout, exit 0 when there
# is nothing).
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home

run oc-profile list --ids
is "$rc:$out:$err" "0::" "--ids without a store: exit 0, nothing printed"
ok "$([ ! -e "$STATE" ]; echo $?)" "--ids creates nothing"
run oc-profile agents
is "$rc:$out:$err" "0:main:" "agents without a config: main"

put_store '{"version":1,"profiles":{
 "anthropic:work":{"type":"token","provider":"anthropic","token":"sk-ant-oat01-xxxxxxxxxxxxxxxxxxxx"},
 "openai:default":{"type":"api_key","provider":"openai","key":"sk-openai-secret-1234"},
 "zai:cn":{"type":"api_key","provider":"Z.AI","key":"zk-secret-5678"},
 "broken":"not an object",
 "anthropic:home":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-yyyy"}}}'
run oc-profile list --ids
is "$rc" 0 "--ids: exit 0"
is "$out" "anthropic:work
openai:default
zai:cn
anthropic:home" "--ids: every profile id in store order, a non-object entry left out"
unlike "$out" 'secret|sk-|xxxx|TYPE' "--ids: no secret, no header"
run oc-profile list --ids -p anthropic
is "$out" "anthropic:work
anthropic:home" "--ids -p anthropic: that provider's ids"
run oc-profile list --ids -p z.ai
is "$out" "zai:cn" "--ids -p z.ai: providers compared normalised"
run oc-profile list --ids -p nobody
is "$rc:$out" "0:" "--ids -p with no profiles: exit 0, nothing"
run oc-profile --json list --ids
is "$rc:$(printf '%s' "$out" | jq -c '{ok, exitCode}')" '64:{"ok":false,"exitCode":64}' "--ids with --json: a usage error, and the JSON error object"
run oc-profile list --ids --reveal
is "$rc:$out" "64:" "--ids with --reveal: a usage error, nothing printed"

# another agent's store
put_config '{"agents":{"list":[{"id":"main"},{"id":"work","default":true},{"id":"Ops"}]}}'
mkdir -p "$STATE/agents/work/agent" && chmod 700 "$STATE/agents/work" "$STATE/agents/work/agent"
printf '{"version":1,"profiles":{"openai:w":{"type":"api_key","provider":"openai","key":"sk-w"}}}\n' \
    >"$STATE/agents/work/agent/auth-profiles.json"
chmod 600 "$STATE/agents/work/agent/auth-profiles.json"
run oc-profile -a work list --ids
is "$out" "anthropic:work
openai:default
zai:cn
anthropic:home
openai:w" "-a work list --ids: main's profiles, which every agent inherits, then its own"
run oc-profile agents
is "$rc:$out" "0:main
work
Ops" "agents: the ids of agents.list, in order, as configured"
run oc-profile agents extra
is "$rc" 64 "agents with an argument: usage error"
run oc-profile -a nosuch list --ids
is "$rc:$out" "1:" "--ids for an unknown agent: exit 1, nothing on stdout"

# a corrupt store is an error, not an empty list
printf '{"version":1,"profiles":{' >"$STORE"
run oc-profile -a main list --ids
is "$rc:$out" "65:" "--ids on a corrupt store: 65, nothing on stdout"

done_testing
