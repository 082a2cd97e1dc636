#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-check's output formats on one fixed state, at a frozen clock
# (OC_NOW_MS): the exact text, Nagios and Prometheus lines, the JSON
# document, -q, and that every format exits with the verdict.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home
N=1795300000000			# 2026-11-21T22:26:40Z
OC_NOW_MS=$N
export OC_NOW_MS
put_store "{\"version\":1,\"profiles\":{
 \"anthropic:default\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"sk-ant-oat01-abc\",\"expires\":$((N + 43200000))},
 \"openai:default\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-1234567890\"},
 \"openai-codex:default\":{\"type\":\"oauth\",\"provider\":\"openai-codex\",\"access\":\"a\",\"refresh\":\"r\",\"expires\":$((N - 3600000)),\"email\":\"me@example.com\"},
 \"google:t\":{\"type\":\"token\",\"provider\":\"google\",\"token\":\"g\",\"expires\":$((N + 172800000))}}}"

# ---- text ----
run oc-check
is "$rc" 2 "text: exit 2 (expiring)"
is "$out" "EXPIRING: anthropic:default expires in 12h 0m
anthropic:default     token    expiring  12h 0m  2026-11-22T10:26:40Z
google:t              token    ok        2d 0h   2026-11-23T22:26:40Z
openai:default        api_key  static    -       never
openai-codex:default  oauth    ok        -1h 0m  2026-11-21T21:26:40Z  expired (refreshable)" \
    "text: verdict line, then one line per credential"
is "$err" "" "text: nothing on stderr"
unlike "$out" 'sk-ant-oat01-abc|sk-1234567890' "text: no secret"

# ---- -q ----
run oc-check -q
is "$rc" 2 "-q: exit 2"
is "$out$err" "" "-q: prints nothing"
run oc-check --quiet -w 1h
is "$rc" 0 "--quiet -w 1h: exit 0"
is "$out$err" "" "--quiet: prints nothing"

# ---- JSON ----
run oc-check --json
is "$rc" 2 "--json: exit 2"
jqok '.schemaVersion == 2 and .ok == false and .verdict == "EXPIRING" and
    .exitCode == 2 and .reason == "anthropic:default expires in 12h 0m" and
    .agentId == "main" and .now == 1795300000000 and .warnAfterMs == 86400000' \
    "--json: header fields"
jqok '.store | endswith("/.openclaw/agents/main/agent/auth-profiles.json")' \
    "--json: store path"
jqok '[.profiles[] | .profileId] == ["anthropic:default","google:t","openai:default","openai-codex:default"]' \
    "--json: profiles sorted by provider then id"
jqok '.profiles[0] == {"profileId":"anthropic:default","provider":"anthropic",
    "type":"token","status":"expiring","reasonCode":null,
    "expiresAt":1795343200000,"expiresAtIso":"2026-11-22T10:26:40.000Z",
    "remainingMs":43200000,"refreshable":false,"source":"store","label":null}' \
    "--json: an expiring token"
jqok '.profiles[2] | .status == "static" and .expiresAt == null and .remainingMs == null' \
    "--json: an api key is static"
jqok '.profiles[3] | .status == "ok" and .refreshable and .remainingMs == -3600000 and .label == "me@example.com"' \
    "--json: an expired oauth token with a refresh token is ok, refreshable"
jqok '[.providers[] | {provider, inUse, profiles, missing}] == [
    {"provider":"anthropic","inUse":true,"profiles":1,"missing":false},
    {"provider":"google","inUse":false,"profiles":1,"missing":false},
    {"provider":"openai","inUse":false,"profiles":1,"missing":false},
    {"provider":"openai-codex","inUse":false,"profiles":1,"missing":false}]' \
    "--json: providers"
jqok 'has("probes") | not' "--json: no probes without --probe"
unlike "$out" 'sk-ant-oat01-abc|sk-1234567890' "--json: no secret"

# ---- Nagios ----
run oc-check --nagios
is "$rc" 1 "--nagios: WARNING is 1"
is "$(printf '%s\n' "$out" | head -n1)" \
    "OC-CHECK WARNING - EXPIRING: anthropic:default expires in 12h 0m | 'anthropic:default'=43200s;86400:;0: 'google:t'=172800s;86400:;0: ok=3;;;0 expiring=1;;;0 expired=0;;;0 missing=0;;;0" \
    "--nagios: status line with perfdata (seconds left; warn below the window, crit below 0; the counts)"
is "$(printf '%s\n' "$out" | sed -n 2p)" \
    "anthropic:default     token    expiring  12h 0m  2026-11-22T10:26:40Z" \
    "--nagios: long output lists the credentials"
run oc-check --nagios -w 6h
is "$rc" 0 "--nagios -w 6h: OK is 0"
like "$out" "^OC-CHECK OK - OK: 4 profiles, 1 provider in use, nothing expires within 6h \\| 'anthropic:default'=43200s;21600:;0: " \
    "--nagios: OK line, thresholds follow -w"

# ---- Prometheus ----
run oc-check --prometheus
is "$rc" 2 "--prometheus: exits with the verdict"
is "$out" '# HELP oc_check_up 1 when oc-check could make its report (read the store and config, run the probes), 0 when it could not.
# TYPE oc_check_up gauge
oc_check_up{agent="main"} 1
# HELP oc_check_last_run_timestamp_seconds When oc-check ran.
# TYPE oc_check_last_run_timestamp_seconds gauge
oc_check_last_run_timestamp_seconds{agent="main"} 1795300000.000
# HELP oc_check_status oc-check exit code: 0 ok, 1 expired, missing or rejected, 2 expiring, 69 or 75 probes that told nothing.
# TYPE oc_check_status gauge
oc_check_status{agent="main"} 2
# HELP oc_check_profile_status The profile'"'"'s status as a state set: 1 for its status, 0 for the others.
# TYPE oc_check_profile_status gauge
oc_check_profile_status{agent="main",profile="anthropic:default",provider="anthropic",type="token",status="ok"} 0
oc_check_profile_status{agent="main",profile="anthropic:default",provider="anthropic",type="token",status="static"} 0
oc_check_profile_status{agent="main",profile="anthropic:default",provider="anthropic",type="token",status="expiring"} 1
oc_check_profile_status{agent="main",profile="anthropic:default",provider="anthropic",type="token",status="expired"} 0
oc_check_profile_status{agent="main",profile="anthropic:default",provider="anthropic",type="token",status="missing"} 0
oc_check_profile_status{agent="main",profile="anthropic:default",provider="anthropic",type="token",status="ignored"} 0
oc_check_profile_status{agent="main",profile="google:t",provider="google",type="token",status="ok"} 1
oc_check_profile_status{agent="main",profile="google:t",provider="google",type="token",status="static"} 0
oc_check_profile_status{agent="main",profile="google:t",provider="google",type="token",status="expiring"} 0
oc_check_profile_status{agent="main",profile="google:t",provider="google",type="token",status="expired"} 0
oc_check_profile_status{agent="main",profile="google:t",provider="google",type="token",status="missing"} 0
oc_check_profile_status{agent="main",profile="google:t",provider="google",type="token",status="ignored"} 0
oc_check_profile_status{agent="main",profile="openai:default",provider="openai",type="api_key",status="ok"} 0
oc_check_profile_status{agent="main",profile="openai:default",provider="openai",type="api_key",status="static"} 1
oc_check_profile_status{agent="main",profile="openai:default",provider="openai",type="api_key",status="expiring"} 0
oc_check_profile_status{agent="main",profile="openai:default",provider="openai",type="api_key",status="expired"} 0
oc_check_profile_status{agent="main",profile="openai:default",provider="openai",type="api_key",status="missing"} 0
oc_check_profile_status{agent="main",profile="openai:default",provider="openai",type="api_key",status="ignored"} 0
oc_check_profile_status{agent="main",profile="openai-codex:default",provider="openai-codex",type="oauth",status="ok"} 1
oc_check_profile_status{agent="main",profile="openai-codex:default",provider="openai-codex",type="oauth",status="static"} 0
oc_check_profile_status{agent="main",profile="openai-codex:default",provider="openai-codex",type="oauth",status="expiring"} 0
oc_check_profile_status{agent="main",profile="openai-codex:default",provider="openai-codex",type="oauth",status="expired"} 0
oc_check_profile_status{agent="main",profile="openai-codex:default",provider="openai-codex",type="oauth",status="missing"} 0
oc_check_profile_status{agent="main",profile="openai-codex:default",provider="openai-codex",type="oauth",status="ignored"} 0
# HELP oc_check_profile_expiry_timestamp_seconds When the profile'"'"'s credential expires.
# TYPE oc_check_profile_expiry_timestamp_seconds gauge
oc_check_profile_expiry_timestamp_seconds{agent="main",profile="anthropic:default",provider="anthropic",type="token"} 1795343200.000
oc_check_profile_expiry_timestamp_seconds{agent="main",profile="google:t",provider="google",type="token"} 1795472800.000
# HELP oc_check_provider_missing 1 when a provider in use has no credential.
# TYPE oc_check_provider_missing gauge
oc_check_provider_missing{agent="main",provider="anthropic"} 0' \
    "--prometheus: the exact textfile"
if command -v promtool >/dev/null 2>&1; then
	printf '%s\n' "$out" | promtool check metrics >/dev/null 2>&1
	ok $? "--prometheus: promtool check metrics"
else
	# the exposition grammar, line by line
	bad=$(printf '%s\n' "$out" | grep -Ev '^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+\{([a-z_]+="([^"\\]|\\.)*",?)*\} -?[0-9]+(\.[0-9]+)?)$')
	is "$bad" "" "--prometheus: every line is a comment or a sample"
fi

# Label values are escaped.
put_store '{"version":1,"profiles":{"anthropic:we\"ird\\x":{"type":"api_key","provider":"anthropic","key":"k"}}}'
run oc-check --prometheus
like "$out" 'profile="anthropic:we\\"ird\\\\x"' "--prometheus: quotes and backslashes escaped"
run oc-check --nagios
like "$out" "^OC-CHECK OK - " "--nagios: OK when nothing expires"
like "$(printf '%s\n' "$out" | head -n1)" ' \| ok=1;;;0 expiring=0;;;0 expired=0;;;0 missing=0;;;0$' \
    "--nagios: nothing expires, so only the counts as perfdata"

# ---- the other rows: env keys, config keys, missing providers, ignored ----
put_store '{"version":1,"profiles":{"x:1":{"type":"bearer","provider":"x"},"y:1":{"type":"api_key","key":"k"}}}'
put_config '{"agents":{"defaults":{"model":"openai/gpt-5","imageModel":"google/gemini-2.5"}},"models":{"providers":{"ollama":{"apiKey":"k"}}}}'
run env GEMINI_API_KEY=g-key-123 oc-check
is "$rc" 1 "missing openai: exit 1"
is "$out" "MISSING: no credential for openai (used by openai/gpt-5)
google  env      static   -  never  env GEMINI_API_KEY
ollama  config   static   -  never  config apiKey
openai  -        missing  -  -      used by openai/gpt-5, no credential
x:1     bearer   ignored  -  -      invalid_type
y:1     api_key  ignored  -  -      missing_provider" \
    "rows for env keys, config keys, a missing provider, ignored entries last"
like "$err" 'profile "x:1" is ignored by OpenClaw \(invalid_type\)' \
    "ignored entries are warned about"
unlike "$out$err" 'g-key-123' "no env secret shown"

done_testing
