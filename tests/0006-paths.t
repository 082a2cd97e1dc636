#!/bin/bash
# SPDX-License-Identifier: ISC
# Where the tools look: home, state dir, config, agent, as OpenClaw resolves them.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home

path() { oc-profile path --json "$@"; }
out=$(path); jqok '.home == env.HOME and .stateDir == env.HOME + "/.openclaw" and .config == env.HOME + "/.openclaw/openclaw.json" and .configExists == false' "defaults under HOME"

out=$(OPENCLAW_HOME="$T_TMP/oh" path)
jqok '.stateDir | endswith("/oh/.openclaw")' "OPENCLAW_HOME replaces HOME"
out=$(OPENCLAW_HOME="~/sub" path)
jqok '.stateDir == env.HOME + "/sub/.openclaw"' "OPENCLAW_HOME may start with ~"
out=$(OPENCLAW_STATE_DIR="~/st" path)
jqok '.stateDir == env.HOME + "/st" and .store == env.HOME + "/st/agents/main/agent/auth-profiles.json" and .envFile == env.HOME + "/st/.env"' "OPENCLAW_STATE_DIR with ~ expanded"
out=$(OPENCLAW_CONFIG_PATH="$T_TMP/c.json" path)
jqok '.config | endswith("/c.json")' "OPENCLAW_CONFIG_PATH"

mkdir -p "$HOME/.clawdbot"
printf '{"agents":{"list":[{"id":"leg"}]}}\n' >"$HOME/.clawdbot/clawdbot.json"
out=$(path)
jqok '.stateDir == env.HOME + "/.clawdbot" and .config == env.HOME + "/.clawdbot/clawdbot.json" and .agentId == "leg" and .agentDir == env.HOME + "/.clawdbot/agents/leg/agent"' "legacy ~/.clawdbot with clawdbot.json"
mkdir -p "$HOME/.openclaw"
out=$(path)
jqok '.stateDir == env.HOME + "/.openclaw" and .config == env.HOME + "/.clawdbot/clawdbot.json"' "a new ~/.openclaw wins as state dir; the only config found is still read"
rm -rf "$HOME/.clawdbot"

put_config '{"agents":{"list":[{"id":"main"},{"id":"Work","default":true,"agentDir":"~/wdir"},{"id":"Ops Team"}]}}'
out=$(path); jqok '.agentId == "work" and .agentDir == env.HOME + "/wdir"' "default agent from agents.list, agentDir with ~"
out=$(path -a "ops team"); jqok '.agentId == "ops-team" and .agentDir == env.HOME + "/.openclaw/agents/ops-team/agent"' "agent ids normalised as OpenClaw"
out=$(path --agent WORK); jqok '.agentId == "work"' "--agent is case-insensitive"
run oc-profile -a ghost path
is "$rc" 1 "unknown agent: exit 1"
like "$err" 'unknown agent id "ghost" \(known: main, Work, Ops Team\)' "lists the known agents"
put_config '{}'
run oc-profile -a other list
is "$rc" 1 "without agents.list only main is known"
out=$(path -a main); jqok '.agentId == "main"' "-a main always works"

out=$(OPENCLAW_AGENT_DIR="$T_TMP/ad" path)
jqok '.agentDir | endswith("/ad")' "OPENCLAW_AGENT_DIR"
out=$(PI_CODING_AGENT_DIR="$T_TMP/pi" path)
jqok '.agentDir | endswith("/pi")' "PI_CODING_AGENT_DIR"
out=$(OPENCLAW_AGENT_DIR="$T_TMP/ad" path -a main)
jqok '.agentDir == env.HOME + "/.openclaw/agents/main/agent"' "-a wins over OPENCLAW_AGENT_DIR"

# A store written under OPENCLAW_AGENT_DIR is the one read back.
echo sk-agentdir-0123456789 | OPENCLAW_AGENT_DIR="$T_TMP/ad" oc-profile add -t api_key --no-config openai:ad >/dev/null
jqfile "$T_TMP/ad/auth-profiles.json" '.profiles["openai:ad"].key == "sk-agentdir-0123456789"' "writes go to the resolved agent dir"

done_testing
