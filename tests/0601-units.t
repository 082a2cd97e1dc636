#!/bin/sh
# SPDX-License-Identifier: ISC
# The systemd units `make install` installs: every unit passes
# systemd-analyze verify, the system templates run as the instance's user
# and are hardened (systemd-analyze security exposure under 3), and each
# ExecStart does what its unit says when run against a test home.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home
S=$OC_SRCDIR/contrib/systemd
U=$T_TMP/units
mkdir -p "$U"
# as `make` substitutes them, with the build's programs as bindir
for f in "$S"/*.in; do
	sed "s|@bindir[@]|$OC_BUILDDIR|g" "$f" >"$U/$(basename "$f" .in)"
done
user_units="oc-check.service oc-check.timer oc-check-notify@.service oc-sync-refresh.service oc-sync-refresh.timer"
system_units="oc-check@.service oc-check@.timer oc-check-prometheus@.service oc-check-prometheus@.timer"

# ---- what the Makefile installs is what is here
for u in $user_units $system_units; do
	grep -q "contrib/systemd/$u" "$OC_SRCDIR/Makefile.am"
	ok $? "$u is installed by make install"
done
run sh -c "grep -h '^ExecStart=' '$S'/*.service.in | grep -v '@bindir@/oc-'"
is "$out" "" "every service runs its command from @bindir@"
run grep -n '/usr/local' "$S"/*.in
is "$out" "" "no unit hard-codes /usr/local"

# ---- static facts of the system templates
for u in oc-check@.service oc-check-prometheus@.service; do
	grep -q '^User=%i$' "$U/$u"; ok $? "$u runs as the instance's user"
	grep -q '^ProtectHome=read-only$' "$U/$u"; ok $? "$u reads the home, writes none of it"
	grep -q '^PrivateNetwork=yes$' "$U/$u"; ok $? "$u has no network"
done
grep -q "^ExecStart=$OC_BUILDDIR/oc-check --prometheus -w 48h --output /var/lib/prometheus/node-exporter/oc-check-%i.prom\$" \
    "$U/oc-check-prometheus@.service"
ok $? "prometheus@: writes node-exporter's textfile directory through --output"
grep -q '^SuccessExitStatus=1 2$' "$U/oc-check-prometheus@.service"
ok $? "prometheus@: an expired credential is data, not a failure"
grep -q '^ReadWritePaths=-/var/lib/prometheus/node-exporter$' "$U/oc-check-prometheus@.service"
ok $? "prometheus@: may write only there"
grep -q "^ExecStart=$OC_BUILDDIR/oc-sync --refresh --within 30m\$" "$U/oc-sync-refresh.service"
ok $? "oc-sync-refresh: refreshes what expires within 30 minutes"
grep -q '^OnUnitActiveSec=15min$' "$U/oc-sync-refresh.timer"
ok $? "oc-sync-refresh.timer: every 15 minutes"

# ---- systemd-analyze
if ! command -v systemd-analyze >/dev/null 2>&1; then
	for i in 1 2 3 4; do skip "systemd-analyze not installed (apt-get install systemd)"; done
else
	(cd "$U" && systemd-analyze verify --man=no $user_units) >"$T_TMP/v" 2>&1
	is "$?:$(cat "$T_TMP/v")" "0:" "systemd-analyze verify: user units clean"
	(cd "$U" && systemd-analyze verify --man=no $system_units) >"$T_TMP/v" 2>&1
	is "$?:$(cat "$T_TMP/v")" "0:" "systemd-analyze verify: system units clean"
	for u in oc-check@.service oc-check-prometheus@.service; do
		if ! systemd-analyze security --offline=yes "$U/$u" >"$T_TMP/s" 2>&1; then
			skip "systemd-analyze security --offline cannot run here (systemd 250 or newer): $(tail -n 1 "$T_TMP/s")"
			continue
		fi
		x=$(sed -n 's/.*Overall exposure level for [^ ]*: \([0-9.]*\) .*/\1/p' "$T_TMP/s")
		diag "$u: exposure $x"
		ok "$(awk -v x="${x:-99}" 'BEGIN { print (x < 3) ? 0 : 1 }')" \
		    "systemd-analyze security: $u exposure ${x:-?} is under 3"
	done
fi

# ---- the commands the services run, against a test home
ex() { sed -n 's/^ExecStart=//p' "$U/$1"; }
N=$(now_ms)
put_store "{\"version\":1,\"profiles\":{\"openai:k\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-k\"},\"anthropic:t\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"t\",\"expires\":$((N + 86400000))}}}"
run sh -c "$(ex oc-check@.service)"
is "$rc:$out" "2:" "oc-check@: quiet, exit 2 for a token expiring within 48 h"
run sh -c "$(ex oc-check.service)"
is "$rc:$out" "2:" "oc-check.service: the same check"
run sh -c "$(ex oc-sync-refresh.service)"
is "$rc" 0 "oc-sync-refresh: nothing to refresh is success"
if oc-check -h 2>&1 | grep -q -- '--output'; then
	mkdir -p "$T_TMP/tc"
	cmd=$(ex oc-check-prometheus@.service | sed "s|/var/lib/prometheus/node-exporter|$T_TMP/tc|; s|%i|alice|")
	run sh -c "$cmd"
	is "$rc" 2 "prometheus@: oc-check's exit status (2: expiring)"
	like "$(cat "$T_TMP/tc/oc-check-alice.prom" 2>&1)" 'oc_check_status\{agent="main"\} 2' \
	    "prometheus@: the metrics file is in place"
	is "$(ls "$T_TMP/tc")" "oc-check-alice.prom" "prometheus@: no temporary file left"
else
	for i in 1 2 3; do skip "oc-check has no --output yet: the Prometheus unit's command not run"; done
fi

done_testing
