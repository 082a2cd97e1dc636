# SPDX-License-Identifier: ISC
# tests/sync-lib.sh - fixtures for the oc-sync tests: credential files of
# Claude Code and the Codex CLI, JWTs built in shell, times relative to now.
# Source after tests/lib.sh and call t_home first.

# The other CLIs' variables must not leak in from the caller.
unset CODEX_HOME CLAUDE_CONFIG_DIR
for _v in $(env | sed -n 's/^\(OC_OAUTH_TOKEN_URL_[A-Z_]*\|CHUTES_[A-Z_]*\)=.*/\1/p'); do
	unset "$_v"
done

SYNC_NOW=$(now_ms)
CLAUDE_FILE=
CODEX_FILE=
sync_home() {
	t_home
	SYNC_NOW=$(now_ms)
	CLAUDE_FILE=$HOME/.claude/.credentials.json
	CODEX_FILE=$HOME/.codex/auth.json
}

# b64u STRING: base64url without padding
b64u() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
# jwt PAYLOAD_JSON: an unsigned-looking JWT with that payload
jwt() { printf '%s.%s.%s' "$(b64u '{"alg":"RS256","typ":"JWT"}')" "$(b64u "$1")" "c2lnbmF0dXJl"; }
# codex_jwt EXP_SECONDS [ACCOUNT]: a Codex-style access token
codex_jwt() {
	if [ -n "${2:-}" ]; then
		jwt "{\"exp\":$1,\"https://api.openai.com/auth\":{\"chatgpt_account_id\":\"$2\"}}"
	else
		jwt "{\"exp\":$1}"
	fi
}

# put_claude ACCESS REFRESH EXPIRES_AT_MS: Claude Code's file (0600); an
# empty REFRESH leaves refreshToken out.
put_claude() {
	mkdir -p "$HOME/.claude" && chmod 700 "$HOME/.claude"
	if [ -n "$2" ]; then
		printf '{"claudeAiOauth":{"accessToken":"%s","refreshToken":"%s","expiresAt":%s,"scopes":["user:inference","user:profile"],"subscriptionType":"max","rateLimitTier":"default_claude_max_20x"}}\n' \
		    "$1" "$2" "$3" >"$CLAUDE_FILE"
	else
		printf '{"claudeAiOauth":{"accessToken":"%s","expiresAt":%s,"scopes":["user:inference"]}}\n' \
		    "$1" "$3" >"$CLAUDE_FILE"
	fi
	chmod 600 "$CLAUDE_FILE"
}

# put_codex ACCESS REFRESH [ACCOUNT_ID] [FILE]: the Codex CLI's auth.json
put_codex() {
	local f=${4:-$CODEX_FILE} acct=null
	[ -n "${3:-}" ] && acct="\"$3\""
	mkdir -p "$(dirname "$f")"
	printf '{"auth_mode":"chatgpt","OPENAI_API_KEY":null,"tokens":{"id_token":"%s","access_token":"%s","refresh_token":"%s","account_id":%s},"last_refresh":"2026-01-01T00:00:00Z"}\n' \
	    "$(jwt '{"email":"u@example.com"}')" "$1" "$2" "$acct" >"$f"
	chmod 600 "$f"
}

# in_hours N: now + N hours in ms (N may be negative)
in_hours() { echo $(( SYNC_NOW + $1 * 3600000 )); }
# A store with two OpenClaw-owned oauth profiles (anthropic, openai-codex)
# whose access tokens expired an hour ago.
expired_oauth_pair_json() {
	local past
	past=$(in_hours -1)
	printf '%s' "{\"version\":1,\"profiles\":{
 \"anthropic:default\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"at-a1\",\"refresh\":\"rt-a1\",\"expires\":$past},
 \"openai-codex:work\":{\"type\":\"oauth\",\"provider\":\"openai-codex\",\"access\":\"at-c1\",\"refresh\":\"rt-c1\",\"expires\":$past}}}"
}

# snap FILE...: remember its bytes and mtime (kept in $T_TMP, not beside
# it); same_file FILE DESCRIPTION: both are as they were at snap
_snapname() { printf '%s/snap%s' "$T_TMP" "$(printf '%s' "$1" | tr / _)"; }
snap() {
	local f s
	for f in "$@"; do
		s=$(_snapname "$f")
		stat -c '%y %s' "$f" >"$s.stat"
		cp "$f" "$s.bytes"
	done
}
same_file() {
	local s
	s=$(_snapname "$1")
	if cmp -s "$1" "$s.bytes" && [ "$(stat -c '%y %s' "$1")" = "$(cat "$s.stat")" ]; then
		ok 0 "$2"
	else
		ok 1 "$2"; diag "$1 changed (bytes or mtime)"
	fi
}
# sjq FILTER: jq over the store
sjq() { jq -r "$1" "$STORE"; }
