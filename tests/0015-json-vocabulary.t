#!/bin/bash
# SPDX-License-Identifier: ISC
# One JSON vocabulary (oc(7) JSON OUTPUT): on one store, oc-profile list,
# oc-check, oc-keys get and oc-sync --dry-run say the same of the same
# profile (profileId, provider, type, status, reasonCode, expiresAt,
# expiresAtIso, remainingMs, refreshable), every member present, null when
# unknown, in documents that are objects with schemaVersion 2; and a
# command asked for JSON that fails prints exactly one error object
# {"schemaVersion":2,"ok":false,"exitCode":N,"error":"..."} on stdout.
# The store is a plain JSON file (era A) and OpenClaw's own SQLite homes
# (era C, 2026.7.35; era D, 2026.9.6), written the way tests/states-eras.sh
# writes them.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/homes.sh"
. "$OC_SRCDIR/tests/states-eras.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"

# jqa [JQ OPTIONS...] FILTER DESCRIPTION: jq -e over $out, with options
jqa() {
	local n=$# desc filter
	desc=${!n}
	n=$((n - 1))
	filter=${!n}
	if printf '%s' "$out" | jq -e "${@:1:$((n - 1))}" "$filter" >/dev/null 2>&1; then ok 0 "$desc"
	else ok 1 "$desc"; diag "jq -e '$filter' failed on:"; diag "$out"; fi
}

VOCAB='["profileId","provider","type","status","reasonCode","expiresAt","expiresAtIso","remainingMs","refreshable"]'
# the vocabulary's members of a profile object, compact, in one order
PICK='{profileId, provider, type, status, reasonCode, expiresAt, expiresAtIso, remainingMs, refreshable}'
# every member present, each of its type or null
TYPES='(to_entries | map(.key) | contains($v)) and
    (.profileId | type == "string") and
    ((.provider | type) as $t | $t == "string" or $t == "null") and
    ((.type | type) as $t | $t == "string" or $t == "null") and
    ((.status | type) as $t | $t == "string" or $t == "null") and
    ((.reasonCode | type) as $t | $t == "string" or $t == "null") and
    ((.expiresAt | type) as $t | $t == "number" or $t == "null") and
    ((.expiresAtIso | type) as $t | $t == "string" or $t == "null") and
    ((.remainingMs | type) as $t | $t == "number" or $t == "null") and
    ((.expiresAt == null) == (.expiresAtIso == null)) and
    ((.expiresAt == null) == (.remainingMs == null)) and
    (.refreshable | type == "boolean")'

TOK="sk-ant-oat01-$(printf 'T%.0s' $(seq 90))"
KEY=sk-proj-$(rand_str 40)
H=3600000

# the store of this test, at time $N: an api key, a key with no secret, an
# expiring token, a token whose ref resolves to nothing, an expired oauth
# login with a refresh token, one without
store_json() {
	cat <<EOF
{"version":1,"profiles":{
 "openai:k":{"type":"api_key","provider":"openai","key":"$KEY"},
 "groq:empty":{"type":"api_key","provider":"groq","key":""},
 "anthropic:t":{"type":"token","provider":"anthropic","token":"$TOK","expires":$((N + 2 * H))},
 "anthropic:ref":{"type":"token","provider":"anthropic","tokenRef":{"source":"env","provider":"default","id":"OC_TEST_UNSET_TOKEN"}},
 "anthropic:o":{"type":"oauth","provider":"anthropic","access":"acc-o","refresh":"ref-o","expires":$((N - H))},
 "mistral:x":{"type":"oauth","provider":"mistral","access":"acc-x","expires":$((N - 3 * H))}
}}
EOF
}

# agree ERA: the four commands on the home in $HOME
agree() {
	local E=$1 ids id
	run oc-profile list --json
	is "$rc" 0 "$E: oc-profile list --json: exit 0"
	printf '%s' "$out" >"$T_TMP/list.json"
	jqok '.schemaVersion == 2 and (.agentId | type == "string") and (.profiles | type == "array")' \
	    "$E: oc-profile list --json: an object with schemaVersion 2, agentId, profiles"
	jqa --argjson v "$VOCAB" "[.profiles[] | $TYPES] | length > 0 and all" \
	    "$E: oc-profile list --json: every profile carries the whole vocabulary"
	jqok '[.profiles[] | has("state") or has("expires") or has("id")] | any | not' \
	    "$E: oc-profile list --json: no second spelling (state, expires, id)"
	ids=$(jq -r '.profiles[].profileId' "$T_TMP/list.json" | sort | tr '\n' ' ')
	is "$ids" "anthropic:claude-cli anthropic:o anthropic:ref anthropic:t groq:empty mistral:x openai-codex:default openai:k " \
	    "$E: oc-profile list --json: every profile of the store"

	run oc-check --json
	printf '%s' "$out" >"$T_TMP/check.json"
	jqok '.schemaVersion == 2 and .exitCode == '"$rc"' and (.agentId | type == "string")' \
	    "$E: oc-check --json: schemaVersion 2, agentId, exitCode = the exit status ($rc)"
	jqa --argjson v "$VOCAB" "[.profiles[] | $TYPES] | length > 0 and all" \
	    "$E: oc-check --json: every profile carries the whole vocabulary"
	jqok '[.profiles[] | has("expires") or has("state") or has("id")] | any | not' \
	    "$E: oc-check --json: no second spelling (expires, state, id)"
	is "$(jq -c "[.profiles[] | $PICK] | sort_by(.profileId)" "$T_TMP/check.json")" \
	    "$(jq -c "[.profiles[] | $PICK] | sort_by(.profileId)" "$T_TMP/list.json")" \
	    "$E: oc-check --json and oc-profile list --json say the same of every profile"

	# oc-keys get: the profiles it hands out without a network refresh
	for id in openai:k anthropic:t anthropic:claude-cli; do
		run oc-keys get --json -p "${id%%:*}" --profile "$id"
		is "$rc" 0 "$E: oc-keys get --json --profile $id: exit 0"
		jqa --argjson v "$VOCAB" ".schemaVersion == 2 and ($TYPES) and .profileId == \"$id\"" \
		    "$E: oc-keys get --json --profile $id: schemaVersion 2 and the whole vocabulary"
		is "$(printf '%s' "$out" | jq -c "$PICK")" \
		    "$(jq -c --arg id "$id" ".profiles[] | select(.profileId == \$id) | $PICK" "$T_TMP/list.json")" \
		    "$E: oc-keys get --json says of $id what oc-profile list says"
		jqok 'has("mode") | not' "$E: oc-keys get --json: no mode beside type"
	done

	run oc-sync --json --dry-run
	printf '%s' "$out" >"$T_TMP/sync.json"
	jqok '.schemaVersion == 2 and (.agentId | type == "string") and (.sources | length == 2)' \
	    "$E: oc-sync --json --dry-run: schemaVersion 2, agentId, both sources"
	jqa --argjson v "$VOCAB" "[.sources[] | $TYPES and (.result | type == \"string\") and has(\"reason\")] | all" \
	    "$E: oc-sync --json --dry-run: result, reason and the whole vocabulary for each source"
	jqok '[.sources[] | has("profile") or has("expires")] | any | not' \
	    "$E: oc-sync --json --dry-run: no second spelling (profile, expires)"
	if [ "$E" = D ]; then
		# 2026.8 and later read both logins themselves: nothing is
		# imported, and the retired ids are judged where stored
		jqok '[.sources[].result] == ["skipped","skipped"]' "$E: oc-sync: both sources skipped (the gateway reads them)"
	else
		jqok '[.sources[].result] == ["unchanged","unchanged"]' "$E: oc-sync --dry-run: both sources unchanged"
	fi
	for id in anthropic:claude-cli openai-codex:default; do
		is "$(jq -c --arg id "$id" ".sources[] | select(.profileId == \$id) | $PICK" "$T_TMP/sync.json")" \
		    "$(jq -c --arg id "$id" ".profiles[] | select(.profileId == \$id) | $PICK" "$T_TMP/list.json")" \
		    "$E: oc-sync --json --dry-run says of $id what oc-profile list says"
	done

	# what the rules say of each, as OpenClaw's models status words
	st() { jq -r --arg id "$1" '.profiles[] | select(.profileId == $id) | "\(.status) \(.refreshable) \(.remainingMs)"' "$T_TMP/list.json"; }
	is "$(st openai:k)" "static false null" "$E: an api key: static, never expires"
	is "$(st anthropic:t)" "expiring false $((2 * H))" "$E: a token with 2 h left: expiring, remainingMs exact"
	is "$(jq -r '.profiles[] | select(.profileId == "anthropic:t") | .expiresAtIso' "$T_TMP/list.json")" \
	    "$(TZ=UTC date -u -d "@$(( (N + 2 * H) / 1000 ))" +%Y-%m-%dT%H:%M:%S).000Z" "$E: expiresAtIso is expiresAt in ISO-8601 UTC"
	is "$(st mistral:x)" "expired false $((-3 * H))" "$E: oauth without a refresh token, expired: expired"
	if [ "$E" = A ]; then
		is "$(st anthropic:o)" "ok true $((-H))" "$E: oauth expired with a refresh token: ok and refreshable (2026.3.24)"
	fi
}

# ---- era A: the JSON file
t_home
sync_home
N=$(( $(now_ms) / 1000 * 1000 ))
OC_NOW_MS=$N
export OC_NOW_MS
put_store "$(store_json)"
put_claude "acc-claude" "ref-claude" $((N + 30 * 24 * H))
put_codex "$(codex_jwt $(( N / 1000 + 10 * 24 * 3600 )) acct-1)" "ref-codex" acct-1
run oc-sync
is "$rc" 0 "A: the two logins imported"
agree A

# ---- the SQLite eras
if ! homes_available; then
	skip "$HOMES_WHY"
else
	for E in C D; do
		t_home
		sync_home
		N=$(( $(now_ms) / 1000 * 1000 ))
		OC_NOW_MS=$N
		export OC_NOW_MS
		if ! states_build "$E" "$(store_json)" . - 2>"$T_TMP/build.err"; then
			ok 1 "$E: the home could be built"
			diag "$(cat "$T_TMP/build.err")"
			continue
		fi
		put_claude "acc-claude" "ref-claude" $((N + 30 * 24 * H))
		put_codex "$(codex_jwt $(( N / 1000 + 10 * 24 * 3600 )) acct-1)" "ref-codex" acct-1
		if [ "$E" = C ]; then
			run oc-sync
			is "$rc" 0 "$E: the two logins imported"
		else
			# nothing to import in era D: the profiles as an older
			# release left them
			db=$(sql_db state)
			j=$(sql_get "$db" "select value_json from config_machine_state where state_key='authProfiles.store'" |
			    jq -c --argjson n "$N" '.profiles["anthropic:claude-cli"] = {"type":"oauth","provider":"anthropic","access":"acc-claude","refresh":"ref-claude","expires":($n + 2592000000)} |
				.profiles["openai-codex:default"] = {"type":"oauth","provider":"openai-codex","access":"acc-c","refresh":"ref-codex","expires":($n + 864000000),"managedBy":"codex-cli"}' |
			    sed "s/'/''/g")
			sql_update "$db" "UPDATE config_machine_state SET value_json='$j' WHERE state_key='authProfiles.store';"
			ok $? "$E: the two old logins written"
		fi
		agree "$E"
	done
fi

# ---- the error object
t_home
put_store "$(N=$(now_ms) store_json)"
# err_obj CODE DESC: the exit status is CODE and stdout is exactly one
# error object saying it
err_obj() {
	is "$rc" "$1" "$2: exit $1"
	jqa --slurp "length == 1 and (.[0] | keys == [\"error\",\"exitCode\",\"ok\",\"schemaVersion\"]) and
	    .[0].schemaVersion == 2 and .[0].ok == false and .[0].exitCode == $1 and
	    (.[0].error | type == \"string\" and length > 0 and (contains(\"\\n\") | not))" \
	    "$2: stdout is one error object"
	is "$(printf '%s\n' "$out" | grep -c .)" 1 "$2: on one line"
}
for cmd in "oc-profile list" "oc-profile show openai:k" "oc-profile cooldowns" "oc-profile path" \
    "oc-check" "oc-keys get -p openai" "oc-keys list -p openai" "oc-sync --dry-run" \
    "oc-sync --refresh --dry-run" "oc-order get -p openai"; do
	# shellcheck disable=SC2086
	run $cmd --json --bogus
	err_obj 64 "$cmd --json --bogus"
	like "$err" 'unknown option --bogus' "$cmd --json --bogus: stderr keeps its line"
	# shellcheck disable=SC2086
	run $cmd --bogus --json
	err_obj 64 "$cmd --bogus --json (--json after the bad option)"
done
run oc-check --json -w 2
err_obj 64 "oc-check --json -w 2"
jqa --slurp '.[0].error | contains("use 90m, 2h, 7d")' "oc-check --json -w 2: the error says the hint"
run oc-profile --json
err_obj 64 "oc-profile --json without a verb"
run oc-keys get --json
err_obj 64 "oc-keys get --json without -p"
run oc-profile show --json no:such
err_obj 1 "oc-profile show --json no:such"
jqa --slurp '.[0].error | contains("no:such")' "and names the profile"
run oc-keys get --json -p xai
err_obj 1 "oc-keys get --json for a provider without a key"

# a corrupt store: 65 for every command that reads it
printf '{"version":1,"profiles":{"openai:k":{"type":"api_key",}' >"$STORE"
for cmd in "oc-profile list" "oc-profile show openai:k" "oc-check" "oc-keys get -p openai" \
    "oc-sync --dry-run" "oc-sync --refresh" "oc-order get -p openai" "oc-profile rm openai:k"; do
	# shellcheck disable=SC2086
	run $cmd --json
	err_obj 65 "corrupt store: $cmd --json"
	jqa --slurp ".[0].error | contains(\"auth-profiles.json\")" "corrupt store: $cmd --json: the error names the file"
	like "$err" 'auth-profiles.json' "corrupt store: $cmd --json: stderr still says it"
done
run oc-check
is "$(printf '%s' "$out" | grep -c '^{')" 0 "without --json no JSON is printed"

# oc-check --json --nagios: one rule, --nagios owns stdout: the one UNKNOWN
# line, no JSON
put_store "$(N=$(now_ms) store_json)"
for args in "--json --nagios" "--nagios --json"; do
	# shellcheck disable=SC2086
	run oc-check $args
	is "$rc" 3 "oc-check $args: 3"
	is "$(printf '%s\n' "$out" | grep -c .)" 1 "oc-check $args: one line on stdout"
	like "$out" '^OC-CHECK UNKNOWN - ' "oc-check $args: the UNKNOWN line, not a JSON object"
done

# no state: the error object, and where it was looked for
t_home
run oc-check --json
is "$rc" 1 "no state: oc-check --json exits 1"
jqa --slurp "length == 1 and .[0].schemaVersion == 2 and .[0].ok == false and .[0].exitCode == 1 and
    .[0].stateFound == false and .[0].stateDir == \"$HOME/.openclaw\" and (.[0].error | contains(\"$HOME/.openclaw\"))" \
    "no state: one error object naming the state directory"

# the -t backstop (a SecretRef command still running a second after the
# deadline): the error object too
t_home
mkdir -p "$T_TMP/bin"
printf '#!/bin/sh\nsleep 8\n' >"$T_TMP/bin/slow"
chmod 700 "$T_TMP/bin/slow"
put_config "{\"secrets\":{\"providers\":{\"vault\":{\"source\":\"exec\",\"command\":\"$T_TMP/bin/slow\",\"timeoutMs\":60000,\"noOutputTimeoutMs\":60000}}}}"
put_store '{"version":1,"profiles":{"openai:r":{"type":"api_key","provider":"openai","keyRef":{"source":"exec","provider":"vault","id":"k"}}}}'
t0=$(date +%s)
# (--probe resolves the ref; no request is sent while the command hangs)
run env OC_PROBE_BASE_URL_OPENAI=http://127.0.0.1:9 oc-check --probe --json -t 1
t1=$(date +%s)
err_obj 75 "oc-check --probe --json -t 1, a SecretRef command that hangs"
jqa --slurp '.[0].error | contains("deadline")' "the -t backstop: the error says the deadline"
ok $([ $((t1 - t0)) -le 4 ]; echo $?) "the -t backstop: back within 4 s ($((t1 - t0)) s)"
done_testing
