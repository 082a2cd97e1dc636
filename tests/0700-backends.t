#!/bin/bash
# SPDX-License-Identifier: ISC
# One body of store tests, run against a home of every store era: the JSON
# files of 2026.3.24 (a-json) and 2026.5.28 (b-json), the agent database of
# 2026.7.35 (c-fresh), and the shared state database of 2026.9.6 with and
# without the main agent's own database (d-agentdb, d-fresh). The homes are
# the cached ones the releases made (tests/fixtures/homes); tests/backends.sh
# asks each the same questions. What every command must do on every era:
# read the merged view, write the document OpenClaw itself would write, keep
# every other byte, row, file and mode, never create a JSON file beside a
# database, and in SQLite write compact JSON with updated_at in epoch ms.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/homes.sh"
. "$OC_SRCDIR/tests/backends.sh"

t_home
if ! homes_available; then
	skip "$HOMES_WHY"
	done_testing
	exit
fi
KEY=sk-proj-$(rand_str 40)

for H in a-json b-json c-fresh d-agentdb d-fresh; do
	t_home
	home_load "$H" || { ok 1 "$H: loaded"; continue; }
	be_init "$H"
	E=$BE_ERA
	tokA=$(be_creds | jq -c '.profiles["anthropic:a"]')
	files0=$(be_files) others0=$(be_others) stamp0=$(be_stamp)
	# add writes the config's auth.profiles entry as paste-token does,
	# keeping the config it replaced as openclaw.json.bak (0600)
	files1=$( (printf '%s\n' "$files0"; echo "-rw------- ./.openclaw/openclaw.json.bak") | sort -u)

	# ---- reading
	run oc-profile --json list
	is "$rc" 0 "$H ($E): list"
	jqok '.profiles | map(select(.profileId == "anthropic:a" and .type == "token" and .status == "ok")) | length == 1' "$H: the release's token is listed ok"
	run oc-profile --json path
	jqok ".storeEra == \"$E\" and .backend == \"$BE_KIND\"" "$H: path says era $E, backend $BE_KIND"
	run oc-check
	is "$rc" 0 "$H: oc-check ok on the release's first login"

	# ---- add
	t0=$(date +%s%3N)
	run_in "$KEY" oc-profile add -t api_key openai:k
	is "$rc" 0 "$H: add an api key from stdin"
	unlike "$out$err" "$KEY" "$H: the key is not echoed"
	is "$(be_creds | jq -r '.profiles["openai:k"] | "\(.type) \(.provider) \(.key)"')" "api_key openai $KEY" \
	    "$H: the key is in the document OpenClaw reads"
	is "$(be_creds | jq -c '.profiles["anthropic:a"]')" "$tokA" "$H: the release's own profile is unchanged"
	is "$(be_others)" "$others0" "$H: every other row of every database is unchanged"
	is "$(be_files)" "$files1" "$H: no file appeared but the config's backup, none changed mode"
	if [ "$BE_KIND" = sqlite ]; then
		raw=$(be_creds)
		is "$raw" "$(printf '%s' "$raw" | jq -c .)" "$H: the cell is compact JSON, as JSON.stringify writes it"
		st=$(be_stamp)
		ok "$([ "$st" -ge "$t0" ] && [ "$st" -le "$(($(date +%s%3N) + 1000))" ] && [ "$st" != "$stamp0" ]; echo $?)" \
		    "$H: updated_at is now, in epoch ms ($st)"
		is "$(sql_get "$BE_CREDS_DB" 'PRAGMA journal_mode')$(sql_get "$BE_CREDS_DB" 'PRAGMA integrity_check')" "walok" \
		    "$H: journal mode left as it was, the database intact"
		ok "$([ ! -e "$AGENT/auth-profiles.json" ]; echo $?)" "$H: no auth-profiles.json beside the database"
	fi
	run oc-keys get -p openai
	is "$rc:$out" "0:$KEY" "$H: oc-keys get finds it"
	run oc-profile show openai:k
	unlike "$out" "$KEY" "$H: show masks it"

	# ---- order: set, get, effective, clear
	if [ "$H" = d-fresh ]; then
		# the main agent has no database yet: it is OpenClaw's to create
		run oc-order set -p anthropic anthropic:a
		is "$rc" 78 "$H: order set without the agent's database: 78"
		like "$err" "openclaw models auth order clear --agent main --provider anthropic" "$H: and says how OpenClaw makes it"
		is "$(be_files)" "$files1" "$H: and creates nothing"
	else
		others_order() { be_state | jq -sc '(.[0].order // {}) | del(.anthropic)'; }
		state0=$(others_order)
		run_in "" oc-order set -p anthropic anthropic:a
		is "$rc" 0 "$H: order set"
		is "$(be_state | jq -c '.order.anthropic')" '["anthropic:a"]' "$H: the order is in the routing document"
		run oc-order --json get -p anthropic
		jqok '.order == ["anthropic:a"]' "$H: order get reads it back"
		run oc-order --json get --effective -p anthropic
		jqok '.order[0].profileId == "anthropic:a" and .source == "store order"' "$H: --effective puts it first, from the store order"
		run oc-order clear -p anthropic
		is "$rc" 0 "$H: order clear"
		is "$(others_order)" "$state0" "$H: only the anthropic order went"
		is "$(be_state | jq -sr '.[0].order.anthropic // "none"')" "none" "$H: it is gone"
		if [ "$BE_KIND" = sqlite ]; then
			# no order left and nothing else: OpenClaw deletes the row
			is "$(sql_get "$BE_STATE_DB" "select count(*) from auth_profile_state where state_key='primary'")" 0 \
			    "$H: an empty routing state is deleted, not written"
		fi
	fi

	# ---- rm
	run oc-profile rm openai:k
	is "$rc" 0 "$H: rm"
	is "$(be_creds | jq -c '.profiles | keys')" '["anthropic:a"]' "$H: the profile is gone, the release's stays"
	is "$(be_creds | jq -c '.profiles["anthropic:a"]')" "$tokA" "$H: byte for byte"
	run oc-check --json
	jqok ".exitCode == 0 and .storeEra == \"$E\"" "$H: oc-check ok after it all"
	is "$(be_files)" "$files1" "$H: and the home holds the same files with the same modes"
done

# ---- another agent of an era-D home: its own database, the shared store merged
t_home
home_load d-two-agents
wdb=$(sql_db work)
run oc-profile -a work --json list
jqok '.profiles | map(.profileId) | sort == ["anthropic:a", "anthropic:workonly"]' "d-two-agents: -a work sees its own and the shared profile"
run_in "$KEY" oc-profile -a work add -t api_key openai:w
is "$rc" 0 "d-two-agents: add -a work"
is "$(sql_get "$wdb" "select json_extract(store_json, '\$.profiles.\"openai:w\".key') from auth_profile_store where store_key='primary'")" "$KEY" \
    "the work agent's profile is in the work agent's database"
is "$(sql_get "$(sql_db state)" "select json_extract(value_json, '\$.profiles.\"openai:w\"') is null from config_machine_state where state_key='authProfiles.store'")" 1 \
    "and not in the shared store"
run oc-profile --json list
jqok '.profiles | map(.profileId) | index("openai:w") == null' "the main agent does not see it"
run oc-order -a work set -p anthropic anthropic:workonly
is "$rc" 0 "order set -a work"
is "$(sql_get "$wdb" "select json_extract(state_json, '\$.order.anthropic') from auth_profile_state where state_key='primary'")" '["anthropic:workonly"]' \
    "in the work agent's own routing row"

# ---- an era-C agent inherits the main agent's database
t_home
home_load c-two-agents
run oc-profile -a work --json list
jqok '.profiles | map(.profileId) | sort == ["anthropic:a", "anthropic:workonly"]' "c-two-agents: -a work sees its own and the main agent's profile"
run_in "$KEY" oc-profile -a work add -t api_key openai:w
is "$(sql_get "$(sql_db work)" "select json_extract(store_json, '\$.profiles.\"openai:w\".type') from auth_profile_store where store_key='primary'")" api_key \
    "c-two-agents: add -a work writes the work agent's database"
is "$(sql_get "$(sql_db main)" "select json_extract(store_json, '\$.profiles.\"openai:w\"') is null from auth_profile_store where store_key='primary'")" 1 \
    "and not the main agent's"

# ---- unknown keys in a cell survive a write, in place
for H in c-fresh d-fresh; do
	t_home
	home_load "$H"
	be_init "$H"
	if [ "$H" = c-fresh ]; then
		sql_update "$BE_CREDS_DB" "UPDATE auth_profile_store SET store_json=json_set(store_json, '\$.zExtra', json('{\"b\":1,\"a\":[2,1]}'), '\$.profiles.\"anthropic:a\".xNote', 'kept') WHERE store_key='primary';"
	else
		sql_update "$BE_CREDS_DB" "UPDATE config_machine_state SET value_json=json_set(value_json, '\$.zExtra', json('{\"b\":1,\"a\":[2,1]}'), '\$.profiles.\"anthropic:a\".xNote', 'kept') WHERE state_key='authProfiles.store';"
	fi
	before=$(be_creds)
	run_in "$KEY" oc-profile add -t api_key openai:k
	after=$(be_creds)
	is "$(printf '%s' "$after" | jq -c 'del(.profiles["openai:k"])')" "$(printf '%s' "$before" | jq -c .)" \
	    "$H: everything else in the cell is kept, in its order"
	is "$(printf '%s' "$after" | jq -c '.zExtra, .profiles["anthropic:a"].xNote' | tr '\n' ' ')" '{"b":1,"a":[2,1]} "kept" ' \
	    "$H: unknown keys kept as they were"
done

done_testing
