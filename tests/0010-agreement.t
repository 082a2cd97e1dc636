#!/bin/sh
# SPDX-License-Identifier: ISC
# One store of edge cases, seen by every command: oc-profile list, oc-check,
# oc-order --effective and oc-keys get must agree with each other (they ask
# the same rules), and with `openclaw models status --json` (2026.3.24) when
# the reference peer can run. The states are the ones where the commands
# used to contradict each other, and more.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home
now=$(now_ms)
put_store '{"version":1,"profiles":{
"anthropic:oref":{"type":"oauth","provider":"anthropic","access":"acc-oref","refresh":" ","expires":'$((now - 3600000))'},
"anthropic:nokey":{"type":"api_key","provider":"anthropic"},
"anthropic:noacc":{"type":"oauth","provider":"anthropic","refresh":"rt-noacc","expires":'$((now + 3 * 86400000))'},
"anthropic:t5":{"type":5,"mode":"token","provider":"anthropic","token":"tok-t5"},
"anthropic:cjk":{"type":"token","provider":"anthropic","token":"\u4e2d\u6587","expires":'$((now + 3 * 86400000))'},
"anthropic:soon":{"type":"token","provider":"anthropic","token":"sk-ant-oat01-soon","expires":'$((now + 7200000))'},
"anthropic:old":{"type":"token","provider":"anthropic","token":"sk-ant-oat01-old","expires":'$((now - 7200000))'},
"anthropic:strexp":{"type":"token","provider":"anthropic","token":"sk-ant-oat01-str","expires":"soon"},
"anthropic:legacy":{"mode":"api_key","provider":"anthropic","apiKey":"sk-ant-api03-legacy"},
"anthropic:blankprov":{"type":"token","provider":"  ","token":"tok-blank"},
"anthropic:exp0":{"type":"oauth","provider":"anthropic","access":"acc-exp0","refresh":"rt","expires":0},
"anthropic:dup":{"type":"token","provider":"anthropic","token":"first"},
"anthropic:dup":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-dup-wins"}
}}'
WANT='{"anthropic:oref":"ok","anthropic:nokey":"static","anthropic:noacc":"ok","anthropic:t5":"ignored","anthropic:cjk":"ok","anthropic:soon":"expiring","anthropic:old":"expired","anthropic:strexp":"missing","anthropic:legacy":"static","anthropic:blankprov":"ignored","anthropic:exp0":"missing","anthropic:dup":"static"}'

run oc-profile list --json
is "$rc" 0 "oc-profile list --json: exit 0"
printf '%s' "$out" | jq -S '.profiles | map({(.profileId): .status}) | add' >"$T_TMP/profile.json"
is "$(jq -c . "$T_TMP/profile.json")" "$(printf '%s' "$WANT" | jq -cS .)" "oc-profile list: the statuses models status gives"
run oc-check --json
printf '%s' "$out" | jq -S '[.profiles[] | {(.profileId): .status}] | add' >"$T_TMP/check.json"
is "$(jq -c . "$T_TMP/check.json")" "$(jq -c . "$T_TMP/profile.json")" "oc-check --json agrees with oc-profile list"
jqok '.exitCode == 1 and .verdict == "EXPIRED"' "oc-check: the expired token makes the verdict"

# The auth order: exactly the eligible profiles, in OpenClaw's order
# (oauth, token, api_key; no usage, so store order within a type).
# OpenClaw's eligibility (evaluateStoredCredentialEligibility) does not look
# at an oauth profile's expiry, so anthropic:exp0, "missing" to models
# status, is still in the order: two OpenClaw functions, mirrored as they are.
run oc-order get -p anthropic --effective --json
jqok '(.order | map(.profileId)) == ["anthropic:oref","anthropic:noacc","anthropic:exp0","anthropic:cjk","anthropic:soon","anthropic:legacy","anthropic:dup"]' \
    "oc-order --effective: the eligible profiles in round-robin order"
jqok '(.excluded | map({(.profileId): .reason}) | add) == {"anthropic:nokey":"missing_credential","anthropic:old":"expired","anthropic:strexp":"invalid_expires"}' \
    "oc-order --effective: the others excluded with OpenClaw's reasons; entries its loader drops are no candidates"
# An explicit order naming an entry the loader drops: "profile_missing".
put_config '{"auth":{"order":{"anthropic":["anthropic:t5","anthropic:legacy"]}}}'
run oc-order get -p anthropic --effective --json
jqok '(.order | map(.profileId)) == ["anthropic:legacy"] and .excluded == [{"profileId":"anthropic:t5","reason":"profile_missing"}]' \
    "an ordered id whose entry OpenClaw drops is profile_missing"
rm -f "$CONFIG"
# every profile the order uses is one the health does not call
# ignored or expired
printf '%s' "$out" | jq -c '[.order[].profileId]' >"$T_TMP/usable"
is "$(jq -r --argjson u "$(cat "$T_TMP/usable")" '. as $st | [$u[] | select($st[.] | IN("ignored","expired"))] | length' "$T_TMP/profile.json")" 0 \
    "no profile the order uses is ignored or expired"

# The key the gateway would use: the first in the order that gives one
# (the oauth access token of anthropic:oref has expired: refreshing it is
# not tried with --no-refresh, so it is skipped, as are anthropic:noacc,
# with no access token, and anthropic:exp0, whose expiry is invalid; the
# token of anthropic:cjk counts for models status, which trims it, but
# resolving it as a key (normalizeSecretInput, which drops code points
# above U+00FF) leaves nothing, so it is skipped too).
run oc-keys get -p anthropic --no-refresh --json
jqok '.profileId == "anthropic:soon" and .key == "sk-ant-oat01-soon"' "oc-keys get: the first profile of the order that yields a key"

# The reference: OpenClaw's own models status over the same store.
PEER=${OC_PEER:-}
if [ -n "$PEER" ] && [ -x "$PEER" ]; then
	env -i HOME="$HOME" PATH=/usr/bin:/bin TZ=UTC timeout 300 "$PEER" models status --json \
	    >"$T_TMP/peer.json" 2>"$T_TMP/peer.err" </dev/null
	jq -S '[.auth.oauth.providers[].profiles[] | {(.profileId): .status}] | add' "$T_TMP/peer.json" >"$T_TMP/peer.st" 2>/dev/null
	is "$(jq -c . "$T_TMP/peer.st")" "$(jq -c 'with_entries(select(.value != "ignored"))' "$T_TMP/profile.json")" \
	    "openclaw models status --json: the same statuses; it does not list what oc-tools calls ignored"
else
	skip "reference peer not available (set OC_PEER to a 2026.3.24 wrapper)"
fi

done_testing
