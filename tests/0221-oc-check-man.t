#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-check(1): lint-clean mdoc, -h mirrors its SYNOPSIS, and every EXAMPLE
# that can run here runs (the Icinga object and the systemctl lines cannot;
# the units are verified in 0220 and 0601, PROMETHEUS's recipes in 0240).
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
t_home
MAN=$OC_SRCDIR/man/oc-check.1

have_mandoc=0
command -v mandoc >/dev/null 2>&1 && command -v col >/dev/null 2>&1 && have_mandoc=1
if [ "$have_mandoc" = 1 ]; then
	run mandoc -Tlint -Wwarning "$MAN"
	is "$rc $out$err" "0 " "mandoc -Tlint: clean"
	# the rendered page, whitespace collapsed, to find examples in
	mandoc -Tascii "$MAN" | col -b | tr -s ' \t\n' '   ' >"$T_TMP/man.txt"
else
	skip "mandoc or col not installed (apt-get install mandoc bsdextrautils)"
	sed -e 's/\\e/\\/g' "$MAN" | tr -s ' \t\n' '   ' >"$T_TMP/man.txt"
fi
# man_has TEXT: the page shows TEXT (whitespace collapsed)
man_has() {
	local t
	t=$(printf '%s' "$1" | tr -s ' \t\n' '   ')
	if grep -qF -- "$t" "$T_TMP/man.txt"; then ok 0 "the page shows: $1"
	else ok 1 "the page shows: $1"; fi
}

# -h mirrors the SYNOPSIS
if [ "$have_mandoc" = 1 ]; then
	run oc-check -h
	syn=$(mandoc -Tascii "$MAN" 2>/dev/null | col -b | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' |
	    sed '1d;$d' | tr -s ' \t\n' '   ' | sed 's/^ //;s/ $//')
	use=$(printf '%s\n' "$out" | sed 's/^usage: //' | tr -s ' \t\n' '   ' | sed 's/^ //;s/ $//')
	is "$use" "$syn" "-h is the SYNOPSIS"
else
	skip "mandoc or col not installed: -h not compared with the SYNOPSIS"
fi

N=$(now_ms)
put_store "{\"version\":1,\"profiles\":{\"anthropic:default\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"t\",\"expires\":$((N + 43200000))},\"anthropic:k\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"sk-ant-api03-k\"}}}"

ex='oc-check -q -w 48h || echo "OpenClaw credentials need attention"'
man_has "$ex"
run sh -c "$ex"
is "$out" "OpenClaw credentials need attention" "example 1: speaks when a token expires within 48h"

ex='oc-check --json | jq -r '"'"'.profiles[] | select(.status | IN("ok", "static") | not) | "\(.profileId) \(.status)"'"'"
man_has "$ex"
run sh -c "$ex"
is "$out" "anthropic:default expiring" "example 2: lists what is not fine"

fake_start '[{"path":"/v1/models","delayMs":50,"body":"{\"data\":[]}"}]'
ex='oc-check --probe -j 8 -T 5000'
man_has "$ex"
run env OC_PROBE_BASE_URL_ANTHROPIC="$FAKE_URL" sh -c "$ex"
like "$out" 'anthropic:k +api_key +static +- +never +probe: ok \(HTTP 200' "example 3: probes"
is "$(fake_count /v1/models)" 2 "example 3: both credentials asked"
fake_stop

man_has 'command_line /usr/local/bin/oc-check --nagios -w $ARG1$'
man_has 'check_command check_openclaw_auth!48h'
run oc-check --nagios -w 48h
is "$rc" 1 "example 4 (Nagios, ARG1=48h): WARNING"
like "$out" "^OC-CHECK WARNING - EXPIRING: anthropic:default expires in 1[12]h [0-9]+m \\| 'anthropic:default'=[0-9]+s;172800:;0: ok=1;;;0 expiring=1;;;0 expired=0;;;0 missing=0;;;0$" \
    "example 4: the status line"

# the Prometheus crontab line and alerting rules (PROMETHEUS) are run by
# tests/0240-oc-check-prometheus.t
man_has 'a crontab line and alerting rules are in PROMETHEUS.'

man_has 'install -m 755 contrib/termux/oc-check-notify "$PREFIX/bin/"'
man_has 'sh contrib/termux/oc-check-schedule'
mkdir -p "$T_TMP/prefix/bin" "$T_TMP/bin"
printf '#!/bin/sh\necho "termux-job-scheduler $*" >>"%s/api.log"\n' "$T_TMP" >"$T_TMP/bin/termux-job-scheduler"
chmod 755 "$T_TMP/bin/termux-job-scheduler"
(cd "$OC_SRCDIR" && PREFIX=$T_TMP/prefix PATH="$T_TMP/bin:$PATH" && export PREFIX PATH &&
    install -m 755 contrib/termux/oc-check-notify "$PREFIX/bin/" &&
    sh contrib/termux/oc-check-schedule)
ok $? "example 6 (Termux): installs and schedules"
is "$(cat "$T_TMP/api.log")" "termux-job-scheduler --job-id 4711 --script $T_TMP/prefix/bin/oc-check-notify --period-ms 1800000 --persisted true" \
    "example 6: the job runs the installed notifier"

done_testing
