#!/bin/bash
# SPDX-License-Identifier: ISC
# The states of tests/states-eras.sh through the installed releases:
# `openclaw models status --json --check` of 2026.9.6 ($OC_PEER_D) on the
# era-D homes and of 2026.7.35 ($OC_PEER_C) on the era-C homes, and
# oc-check on the same home. Both must exit with the same code (and the
# code the table recorded: a release that changed its mind fails here, not
# quietly), and every profile both list must have the same status.
# Without a peer its era's states skip, saying why; CI installs both.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/homes.sh"
. "$OC_SRCDIR/tests/states-eras.sh"

t_home
if ! homes_available; then
	skip "$HOMES_WHY"
	done_testing
	exit
fi
declare -A peer why_none rel
for era in C D; do
	if peer[$era]=$(peer_for "$era" 2>"$T_TMP/why"); then
		rel[$era]=$(peer_release "${peer[$era]}")
	else
		peer[$era]= why_none[$era]=$(cat "$T_TMP/why")
	fi
done
JOBS=${PEER_JOBS:-4}

# case_run N ERA ENV: both tools on home $T_TMP/sN; results beside it
case_run() {
	local h=$T_TMP/s$1 e=$3 t0
	# oc-check judges at the moment the release started (OC_NOW_MS): a
	# release run on a loaded machine can take minutes
	t0=$(date +%s%3N)
	# shellcheck disable=SC2086
	env -i HOME="$h" PATH=/usr/bin:/bin TZ=UTC $e timeout 300 "${peer[$2]}" \
	    models status --json --check >"$h.peer" 2>"$h.peer-err" </dev/null
	echo $? >"$h.peer-rc"
	# shellcheck disable=SC2086
	env -i HOME="$h" PATH="$PATH" TZ=UTC OC_NOW_MS="$t0" $e oc-check --json >"$h.oc" 2>"$h.oc-err" </dev/null
	echo $? >"$h.oc-rc"
}

states >"$T_TMP/states"
n=0
while IFS=$'\t' read -r era id want store cfg state envs why; do
	n=$((n + 1))
	[ -n "${peer[$era]}" ] || continue
	mkdir -p "$T_TMP/s$n"
	HOME=$T_TMP/s$n states_build "$era" "$store" "$cfg" "$state" 2>"$T_TMP/s$n.build" || continue
	e=; [ "$envs" = - ] || e=$envs
	case_run "$n" "$era" "$e" &
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
done <"$T_TMP/states"
wait

n=0
while IFS=$'\t' read -r era id want store cfg state envs why; do
	n=$((n + 1))
	h=$T_TMP/s$n
	if [ -z "${peer[$era]}" ]; then
		skip "$era/$id: ${why_none[$era]}"
		continue
	fi
	if [ ! -s "$h.peer-rc" ]; then
		ok 1 "$era/$id: the home could be built"
		diag "$(cat "$h.build" 2>/dev/null)"
		continue
	fi
	prc=$(cat "$h.peer-rc") orc=$(cat "$h.oc-rc")
	is "$prc" "$want" "$era/$id ($why): ${rel[$era]} exits $want, as recorded"
	[ "$prc" = "$want" ] || diag "$(head -c 2000 "$h.peer-err")"
	is "$orc" "$prc" "$era/$id: oc-check exits as models status --check does"
	[ "$orc" = "$prc" ] || diag "$(cat "$h.oc-err")" "$(jq -c '{routes,issues}' "$h.oc" 2>/dev/null)" \
	    "$(jq -c '.auth | {missingProvidersInUse, modelRouteIssues, runtimeAuthRoutes}' "$h.peer" 2>/dev/null)"
	# the status of every profile both name
	if jq -e '.auth.oauth.profiles' "$h.peer" >/dev/null 2>&1; then
		got=$(jq -r --slurpfile p "$h.peer" '
			($p[0].auth.oauth.profiles | map({(.profileId): .status}) | add // {}) as $want
			| [.profiles[] | select($want[.profileId] != null) | "\(.profileId)=\(.status)"] | sort | join(" ")' "$h.oc")
		want_st=$(jq -r --slurpfile o "$h.oc" '
			($o[0].profiles | map(.profileId)) as $ids
			| [.auth.oauth.profiles[] | select(.profileId as $i | $ids | index($i)) | "\(.profileId)=\(.status)"]
			| unique | sort | join(" ")' "$h.peer")
		is "$got" "$want_st" "$era/$id: the same status for each profile"
	else
		# the release printed an error envelope: so does not oc-check judge it ok
		ok "$([ "$orc" != 0 ]; echo $?)" "$era/$id: models status printed no profiles; oc-check does not say ok"
	fi
done <"$T_TMP/states"

done_testing
