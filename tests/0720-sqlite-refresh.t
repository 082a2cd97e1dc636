#!/bin/bash
# SPDX-License-Identifier: ISC
# oc-sync --refresh in the SQLite eras, against the fake server: OpenClaw's
# refresh claim on a 2026.9.6 home (d-fresh, the shared store) and a
# 2026.7.35 one (c-fresh). The lock at <state>/locks/oauth-refresh/
# lock-<digest>.lock is held across the request; the row holds OpenClaw's
# pending fence while the request is out (so a gateway will not spend the
# same single-use refresh token) and the new tokens after; a request that
# was sent and failed leaves the failed fence OpenClaw leaves (re-login
# needed); one that never left restores the row exactly; a pending fence
# of another process is respected; a row another process changed during
# the request is left to it.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/homes.sh"
. "$OC_SRCDIR/tests/backends.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"

t_home
if ! homes_available; then
	skip "$HOMES_WHY"
	done_testing
	exit
fi
FENCE='^openclaw-oauth-refresh-fence:v1:[0-9a-f]{32}:(access|refresh):[0-9a-f]{64}$'
FAILED='^openclaw-oauth-refresh-fence:v1:[0-9a-f]{32}:failed:(access|refresh):[0-9a-f]{64}$'
ok_body() { printf '"{\\"access_token\\":\\"%s\\",\\"refresh_token\\":\\"%s\\",\\"expires_in\\":%s,\\"token_type\\":\\"Bearer\\"}"' "$1" "$2" "$3"; }
# put_oauth JSON: the profile anthropic:o in the credential row
put_oauth() {
	if [ "$BE_ERA" = D ]; then
		sql_update "$BE_CREDS_DB" "UPDATE config_machine_state SET value_json=json_set(value_json, '\$.profiles.\"anthropic:o\"', json('$1')) WHERE state_key='authProfiles.store';"
	else
		sql_update "$BE_CREDS_DB" "UPDATE auth_profile_store SET store_json=json_set(store_json, '\$.profiles.\"anthropic:o\"', json('$1')) WHERE store_key='primary';"
	fi
}
prof() { be_creds | jq -c '.profiles["anthropic:o"]'; }
locks() { ls "$HOME/.openclaw/locks/oauth-refresh" 2>/dev/null | tr '\n' ' '; }

for H in d-fresh c-fresh; do
	sync_home
	home_load "$H"
	be_init "$H"
	PAST=$(in_hours -1)
	orig="{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"at-1\",\"refresh\":\"rt-1\",\"expires\":$PAST,\"email\":\"me@x\"}"

	# ---- success, watched mid-request
	put_oauth "$orig"
	fake_start "[{\"path\":\"/anthropic\",\"delayMs\":1500,\"body\":$(ok_body at-2 rt-2 28800)}]"
	export OC_OAUTH_TOKEN_URL_ANTHROPIC=$FAKE_URL/anthropic
	oc-sync --refresh --profile anthropic:o >"$T_TMP/o" 2>"$T_TMP/e" &
	pid=$!
	i=0; while [ "$(fake_count /anthropic 2>/dev/null || echo 0)" = 0 ] && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	mid=$(prof) midlocks=$(locks)
	wait "$pid"; rc=$?
	is "$rc" 0 "$H: refreshed"
	ok "$(printf '%s' "$mid" | jq -e --arg f "$FENCE" '.expires == 1 and (.access | test($f)) and (.refresh | test($f)) and .email == "me@x"' >/dev/null; echo $?)" \
	    "$H: while the request is out the row holds OpenClaw's pending fence"
	like "$midlocks" '^lock-[0-9a-f]{32}\.lock $' "$H: and OpenClaw's refresh lock is held"
	LOCKNAME=${midlocks% }
	ok "$(prof | jq -e '.access == "at-2" and .refresh == "rt-2" and .expires > 1 and .email == "me@x" and .type == "oauth"' >/dev/null; echo $?)" \
	    "$H: after it, the new tokens, other members kept"
	is "$(locks)" "" "$H: the lock is released"
	fake_req /anthropic '.body | fromjson | .refresh_token == "rt-1"' "$H: the request spent the stored refresh token"

	# ---- sent, and refused: the failed fence, as OpenClaw leaves it
	put_oauth "$orig"
	fake_start '[{"path":"/anthropic","status":400,"body":"{\"error\":\"invalid_grant\",\"error_description\":\"Refresh token revoked\"}"}]'
	export OC_OAUTH_TOKEN_URL_ANTHROPIC=$FAKE_URL/anthropic
	run oc-sync --refresh --profile anthropic:o
	is "$rc" 1 "$H: a refused refresh: exit 1"
	like "$err" "re-authentication required" "$H: says a new login is needed"
	ok "$(prof | jq -e --arg f "$FAILED" '.expires == 1 and (.access | test($f)) and (.refresh | test($f))' >/dev/null; echo $?)" \
	    "$H: the row holds the failed fence"
	run oc-check --json
	jqok '.profiles[] | select(.profileId == "anthropic:o") | .status == "expired"' "$H: oc-check calls it expired, as 2026.9.6 does"
	run oc-sync --refresh --profile anthropic:o
	is "$rc" 1 "$H: a second attempt does not spend anything"
	is "$(fake_count /anthropic)" 1 "$H: no second request"

	# ---- never sent: the row exactly as it was
	put_oauth "$orig"
	before=$(prof)
	export OC_OAUTH_TOKEN_URL_ANTHROPIC=http://127.0.0.1:$(fake_dead_port)/anthropic
	run oc-sync --refresh --profile anthropic:o
	ok "$([ "$rc" -ne 0 ]; echo $?)" "$H: an endpoint that cannot be reached fails"
	is "$(prof)" "$before" "$H: and the row is restored exactly (the refresh token was never sent)"
	is "$(locks)" "" "$H: no lock left"

	# ---- another process's pending fence: respected, no request
	pend="{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"openclaw-oauth-refresh-fence:v1:0123456789abcdef0123456789abcdef:access:$(printf 'a%.0s' $(seq 64))\",\"refresh\":\"openclaw-oauth-refresh-fence:v1:0123456789abcdef0123456789abcdef:refresh:$(printf 'b%.0s' $(seq 64))\",\"expires\":1}"
	put_oauth "$pend"
	fake_start "[{\"path\":\"/anthropic\",\"body\":$(ok_body at-x rt-x 28800)}]"
	export OC_OAUTH_TOKEN_URL_ANTHROPIC=$FAKE_URL/anthropic
	run oc-sync --refresh --profile anthropic:o
	is "$rc" 0 "$H: a profile OpenClaw is refreshing: exit 0"
	like "$out" "OpenClaw is refreshing it now" "$H: says so"
	is "$(fake_count /anthropic)" 0 "$H: and sends nothing"
	is "$(prof)" "$(printf '%s' "$pend" | jq -c .)" "$H: the fence is left as it was"

	# ---- the row changed by someone else during the request: theirs stays
	put_oauth "$orig"
	fake_start "[{\"path\":\"/anthropic\",\"delayMs\":1500,\"body\":$(ok_body at-3 rt-3 28800)}]"
	export OC_OAUTH_TOKEN_URL_ANTHROPIC=$FAKE_URL/anthropic
	oc-sync --refresh --profile anthropic:o >"$T_TMP/o" 2>"$T_TMP/e" &
	pid=$!
	i=0; while [ "$(fake_count /anthropic 2>/dev/null || echo 0)" = 0 ] && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	relog="{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"at-relogin\",\"refresh\":\"rt-relogin\",\"expires\":$(in_hours 8)}"
	put_oauth "$relog"
	wait "$pid"
	is "$(prof)" "$(printf '%s' "$relog" | jq -c .)" "$H: a new login written during the request is kept, not overwritten"
	fake_stop
done

# ---- the lock held by another process (OpenClaw's own content)
sync_home
home_load d-fresh
be_init d-fresh
put_oauth "{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"at-1\",\"refresh\":\"rt-1\",\"expires\":$(in_hours -1)}"
fake_start "[{\"path\":\"/anthropic\",\"body\":$(ok_body at-2 rt-2 28800)}]"
export OC_OAUTH_TOKEN_URL_ANTHROPIC=$FAKE_URL/anthropic
# the lock's name, as seen held during the first refresh above
if [ -z "${LOCKNAME:-}" ]; then
	ok 1 "the lock was seen during a refresh"
else
	lk=$HOME/.openclaw/locks/oauth-refresh/$LOCKNAME
	mkdir -p "$(dirname "$lk")" && chmod 700 "$(dirname "$lk")"
	sleep 300 &
	holder=$!
	printf '{"pid":%s,"createdAt":"%s"}\n' "$holder" "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" >"$lk"
	run oc-sync --refresh --profile anthropic:o --wait 1s
	is "$rc" 75 "OpenClaw's refresh lock held by a live process: exit 75"
	is "$(fake_count /anthropic)" 0 "and no request"
	kill "$holder"; wait "$holder" 2>/dev/null
	ok "$([ -e "$lk" ]; echo $?)" "another's lock is never removed while it is live"
	run oc-sync --refresh --profile anthropic:o --wait 5s
	is "$rc" 0 "once its process is gone, the lock is stale and the refresh goes through"
fi
fake_stop

done_testing
