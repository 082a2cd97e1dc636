# SPDX-License-Identifier: ISC
# tests/oc-check-states.sh - the table of states over which oc-check's
# verdict is compared with `openclaw models status --check` (sourced by
# 0200-oc-check-verdict.t, which checks oc-check against the exit codes
# recorded from OpenClaw 2026.3.24, and by 0290-oc-check-peer.t, which runs
# the peer live on the same states).
#
# check_states prints one state per line: NAME|RC|STORE|CONFIG|ENV, where
# RC is OpenClaw's exit code, STORE and CONFIG are JSON or "-" for no file,
# ENV is "-" or space-separated VAR=value words. Times are relative to the
# real clock (both tools read it), far from every boundary.
check_states() {
	local now h1 h23 h25 h48 ago T O AK
	now=$(( $(date +%s) * 1000 ))
	h1=$((now + 3600000)); h23=$((now + 82800000))
	h25=$((now + 90000000)); h48=$((now + 172800000))
	ago=$((now - 3600000))
	T='"type":"token","provider":"anthropic","token":"sk-ant-oat01-abc"'
	O='"type":"oauth","provider":"anthropic","access":"sk-ant-oat01-a"'
	AK='"type":"api_key","provider":"anthropic","key":"sk-ant-api03-xyz"'
	cat <<EOF
empty_home|1|-|-|-
empty_store|1|{"version":1,"profiles":{}}|-|-
token_no_expiry|0|{"version":1,"profiles":{"anthropic:default":{$T}}}|-|-
token_1h|2|{"version":1,"profiles":{"anthropic:default":{$T,"expires":$h1}}}|-|-
token_23h|2|{"version":1,"profiles":{"anthropic:default":{$T,"expires":$h23}}}|-|-
token_25h|0|{"version":1,"profiles":{"anthropic:default":{$T,"expires":$h25}}}|-|-
token_48h|0|{"version":1,"profiles":{"anthropic:default":{$T,"expires":$h48}}}|-|-
token_expired|1|{"version":1,"profiles":{"anthropic:default":{$T,"expires":$ago}}}|-|-
token_expires_0|1|{"version":1,"profiles":{"anthropic:default":{$T,"expires":0}}}|-|-
token_expires_neg|1|{"version":1,"profiles":{"anthropic:default":{$T,"expires":-5}}}|-|-
token_expires_str|1|{"version":1,"profiles":{"anthropic:default":{$T,"expires":"$h48"}}}|-|-
token_expires_null|1|{"version":1,"profiles":{"anthropic:default":{$T,"expires":null}}}|-|-
token_empty_secret|1|{"version":1,"profiles":{"anthropic:default":{"type":"token","provider":"anthropic","token":"","expires":$h48}}}|-|-
token_ws_secret|1|{"version":1,"profiles":{"anthropic:default":{"type":"token","provider":"anthropic","token":"   "}}}|-|-
oauth_expired_refresh|0|{"version":1,"profiles":{"anthropic:default":{$O,"refresh":"sk-ant-ort01-r","expires":$ago}}}|-|-
oauth_1h_refresh|0|{"version":1,"profiles":{"anthropic:default":{$O,"refresh":"sk-ant-ort01-r","expires":$h1}}}|-|-
oauth_expired_norefresh|1|{"version":1,"profiles":{"anthropic:default":{$O,"expires":$ago}}}|-|-
oauth_expired_emptyrefresh|1|{"version":1,"profiles":{"anthropic:default":{$O,"refresh":"","expires":$ago}}}|-|-
oauth_1h_norefresh|2|{"version":1,"profiles":{"anthropic:default":{$O,"expires":$h1}}}|-|-
oauth_48h_norefresh|0|{"version":1,"profiles":{"anthropic:default":{$O,"expires":$h48}}}|-|-
oauth_noexpires_refresh|1|{"version":1,"profiles":{"anthropic:default":{$O,"refresh":"r"}}}|-|-
oauth_expires0_refresh|1|{"version":1,"profiles":{"anthropic:default":{$O,"refresh":"r","expires":0}}}|-|-
api_key_only|0|{"version":1,"profiles":{"anthropic:default":{$AK}}}|-|-
api_key_empty|0|{"version":1,"profiles":{"anthropic:default":{"type":"api_key","provider":"anthropic","key":""}}}|-|-
legacy_mode_token_expired|1|{"version":1,"profiles":{"anthropic:default":{"mode":"token","provider":"anthropic","token":"sk-ant-oat01-abc","expires":$ago}}}|-|-
legacy_mode_apiKey|0|{"version":1,"profiles":{"anthropic:default":{"mode":"api_key","provider":"anthropic","apiKey":"sk-ant-api03-xyz"}}}|-|-
type_apikey_field|0|{"version":1,"profiles":{"anthropic:default":{"type":"api_key","provider":"anthropic","apiKey":"sk-ant-api03-xyz"}}}|-|-
no_provider_field|1|{"version":1,"profiles":{"anthropic:default":{"type":"api_key","key":"sk-ant-api03-xyz"}}}|-|-
bad_type|1|{"version":1,"profiles":{"anthropic:default":{"type":"bearer","provider":"anthropic","key":"sk-ant-api03-xyz"}}}|-|-
env_only_anthropic|0|-|-|ANTHROPIC_API_KEY=sk-ant-api03-envkey
env_oauth_token_anthropic|0|-|-|ANTHROPIC_OAUTH_TOKEN=sk-ant-oat01-envtok
env_only_openai|1|-|-|OPENAI_API_KEY=sk-envkey
env_rotation_only|1|-|-|ANTHROPIC_API_KEY_1=sk-ant-api03-rot OPENCLAW_LIVE_ANTHROPIC_KEYS=sk-ant-api03-rot2
cfg_default_openai_only_anthropic|1|{"version":1,"profiles":{"anthropic:default":{$AK}}}|{"agents":{"defaults":{"model":{"primary":"openai/gpt-5"}}}}|-
cfg_fallback_openai|1|{"version":1,"profiles":{"anthropic:default":{$AK}}}|{"agents":{"defaults":{"model":{"primary":"anthropic/claude-opus-4-6","fallbacks":["openai/gpt-5"]}}}}|-
cfg_image_openai|1|{"version":1,"profiles":{"anthropic:default":{$AK}}}|{"agents":{"defaults":{"imageModel":{"primary":"openai/gpt-5"}}}}|-
cfg_allowed_openai|0|{"version":1,"profiles":{"anthropic:default":{$AK}}}|{"agents":{"defaults":{"models":{"openai/gpt-5":{}}}}}|-
cfg_provider_apikey|0|{"version":1,"profiles":{}}|{"agents":{"defaults":{"model":"openai/gpt-5"}},"models":{"providers":{"openai":{"baseUrl":"http://127.0.0.1:9/v1","apiKey":"sk-cfg","models":[]}}}}|-
cfg_bare_model_is_anthropic|1|{"version":1,"profiles":{"openai:default":{"type":"api_key","provider":"openai","key":"sk-x"}}}|{"agents":{"defaults":{"model":"gpt-5"}}}|-
cfg_provider_case|0|{"version":1,"profiles":{"openai:default":{"type":"api_key","provider":"OpenAI","key":"sk-x"}}}|{"agents":{"defaults":{"model":"OpenAI/gpt-5"}}}|-
unrelated_provider_expired|1|{"version":1,"profiles":{"anthropic:default":{$AK},"openai:default":{"type":"token","provider":"openai","token":"t","expires":$ago}}}|-|-
tokenref_env_unset|0|{"version":1,"profiles":{"anthropic:default":{"type":"token","provider":"anthropic","tokenRef":{"source":"env","provider":"default","id":"NOPE_TOKEN"}}}}|-|-
auth_order_excluding_expired|1|{"version":1,"profiles":{"anthropic:a":{$AK},"anthropic:b":{"type":"token","provider":"anthropic","token":"t","expires":$ago}},"order":{"anthropic":["anthropic:a"]}}|-|-
cooldown_profile|0|{"version":1,"profiles":{"anthropic:a":{$AK}},"usageStats":{"anthropic:a":{"cooldownUntil":$h1}}}|-|-
mixed_expiring_and_ok|2|{"version":1,"profiles":{"anthropic:default":{$AK},"openai:t":{"type":"token","provider":"openai","token":"t","expires":$h23},"google:t":{"type":"token","provider":"google","token":"t","expires":$h48}}}|-|-
EOF
}

# check_setup NAME STORE CONFIG: write the state's files under $HOME.
check_setup() {
	rm -rf "$HOME/.openclaw"
	if [ "$2" != - ]; then put_store "$2"; fi
	if [ "$3" != - ]; then put_config "$3"; fi
}
