#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-check --prometheus for operators: promtool accepts every output (with
# and without probes, failed runs included); the profile and probe status
# state sets have every status word once and exactly one 1; --output
# replaces the file atomically, 0644 under any umask, and never leaves it
# empty or partial (a read-only directory, a full disk, a concurrent
# reader); the oc-check-prometheus@ unit; the PROMETHEUS section's crontab
# line, run verbatim as cron runs it, and its alerting rules, checked and
# unit-tested with promtool.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
t_home
MAN=$OC_SRCDIR/man/oc-check.1
ROOT=0
[ "$(id -u)" = 0 ] && ROOT=1
PROMTOOL=$(command -v promtool || true)
HSTATUS="ok static expiring expired missing ignored"
PSTATUS="ok auth billing rate_limit timeout format unknown no_model"

# prom_ok FILE DESCRIPTION: promtool check metrics accepts FILE
prom_ok() {
	if [ -z "$PROMTOOL" ]; then
		skip "promtool not installed (apt-get install prometheus): $2"
		return
	fi
	"$PROMTOOL" check metrics <"$1" >"$T_TMP/.promtool" 2>&1
	if [ $? -eq 0 ]; then ok 0 "promtool check metrics: $2"
	else ok 1 "promtool check metrics: $2"; diag "$(cat "$T_TMP/.promtool")"; fi
}
# stateset FILE METRIC WORD...: a line per broken set (a word missing or
# twice, a word not listed, not exactly one 1), then "N sets"
stateset() {
	local f=$1 m=$2
	shift 2
	awk -v m="$m" -v words="$*" '
	BEGIN { nw = split(words, w, " ") }
	index($0, m "{") == 1 {
		l = $0; sub(/^[^{]*\{/, "", l)
		v = l; sub(/^.*\} /, "", v); sub(/\} [^}]*$/, "", l)
		if (!match(l, /,status="[^"]*"$/)) { print "no status label: " $0; next }
		st = substr(l, RSTART + 9, RLENGTH - 10); k = substr(l, 1, RSTART - 1)
		if (!(k in n)) order[++nk] = k
		n[k]++; one[k] += (v + 0 == 1); seen[k SUBSEP st]++
		if (v != "0" && v != "1") print "not 0 or 1: " $0
	}
	END {
		for (i = 1; i <= nk; i++) {
			k = order[i]
			for (j = 1; j <= nw; j++)
				if (seen[k SUBSEP w[j]] != 1)
					print k ": " w[j] " " seen[k SUBSEP w[j]] + 0 " times"
			if (n[k] != nw) print k ": " n[k] " series, not " nw
			if (one[k] != 1) print k ": " one[k] " ones"
		}
		print nk + 0 " sets"
	}' "$f"
}
# value FILE SERIES: the value of the sample whose name and labels are SERIES
value() { grep -F "$2 " "$1" | sed 's/.* //'; }
temps() { find "$1" -name '.*.tmp-*' | wc -l; }
dead_pid() { sh -c 'exit 0' & p=$!; wait "$p"; echo "$p"; }
# a fresh HOME at a frozen clock (t_home unsets OC_NOW_MS)
N=1795300000000			# 2026-11-21T22:26:40Z
frozen_home() { t_home; OC_NOW_MS=$N; export OC_NOW_MS; }
# a token expiring in 12 hours, from clock-time now (for runs with env -i)
expiring_store() {
	put_store "{\"version\":1,\"profiles\":{\"anthropic:t\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"t\",\"expires\":$(( $1 + 43200000 ))}}}"
}
# 400 api keys: a file of about 290 kB, written in many write(2) calls
BIG=$(awk 'BEGIN { printf "{\"version\":1,\"profiles\":{"
	for (i = 0; i < 400; i++) printf "%s\"anthropic:p%03d\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"sk-%d\"}", i ? "," : "", i, i
	print "}}" }')

frozen_home
# one profile of each status (and a refreshable oauth, which is ok)
put_store "{\"version\":1,\"profiles\":{
 \"anthropic:soon\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"sk-ant-oat01-a\",\"expires\":$((N + 43200000))},
 \"anthropic:later\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"sk-ant-oat01-b\",\"expires\":$((N + 259200000))},
 \"openai:key\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-1\"},
 \"google:old\":{\"type\":\"token\",\"provider\":\"google\",\"token\":\"g\",\"expires\":$((N - 3600000))},
 \"mistral:empty\":{\"type\":\"token\",\"provider\":\"mistral\"},
 \"x:bad\":{\"type\":\"bearer\",\"provider\":\"x\"},
 \"openai-codex:o\":{\"type\":\"oauth\",\"provider\":\"openai-codex\",\"access\":\"a\",\"refresh\":\"r\",\"expires\":$((N - 3600000))}}}"

# ---- the metrics, on standard output
run oc-check --prometheus
is "$rc" 1 "stdout: exit 1 (an expired token)"
printf '%s\n' "$out" >"$T_TMP/all.prom"
prom_ok "$T_TMP/all.prom" "a profile of every status"
is "$(stateset "$T_TMP/all.prom" oc_check_profile_status $HSTATUS)" "7 sets" \
    "profile state set: every status word once, exactly one 1, for each of the 7 profiles"
for ps in anthropic:soon=expiring anthropic:later=ok openai:key=static google:old=expired \
    mistral:empty=missing x:bad=ignored openai-codex:o=ok; do
	is "$(grep "^oc_check_profile_status{agent=\"main\",profile=\"${ps%%=*}\"," "$T_TMP/all.prom" |
	    grep ' 1$' | sed 's/.*status="\([a-z_]*\)"} 1$/\1/')" "${ps#*=}" \
	    "profile state set: ${ps%%=*} is ${ps#*=}"
done
# the health module's words are the state set's: none missing from HSTATUS
is "$(sed -n 's/^oc_check_profile_status{.*,status="\([a-z_]*\)"} [01]$/\1/p' "$T_TMP/all.prom" | sort -u | tr '\n' ' ')" \
    "$(printf '%s\n' $HSTATUS | sort | tr '\n' ' ')" "profile state set: the six status words and no other"
is "$(grep -c '^# TYPE ' "$T_TMP/all.prom") $(grep -c '^# HELP ' "$T_TMP/all.prom")" "6 6" \
    "HELP and TYPE once for each of the 6 families"
is "$(sed -n 's/^# TYPE [a-z_]* //p' "$T_TMP/all.prom" | sort -u)" "gauge" "every family is a gauge"
is "$(value "$T_TMP/all.prom" 'oc_check_up{agent="main"}') $(value "$T_TMP/all.prom" 'oc_check_status{agent="main"}') $(value "$T_TMP/all.prom" 'oc_check_last_run_timestamp_seconds{agent="main"}')" \
    "1 1 1795300000.000" "up, status and last run kept"
is "$(grep -c '^oc_check_profile_expiry_timestamp_seconds{' "$T_TMP/all.prom")" 3 \
    "expiry: the three tokens with one (not the refreshable oauth)"

# no state at all: oc_check_up 0, a valid file
frozen_home
run oc-check --prometheus
printf '%s\n' "$out" >"$T_TMP/nostate.prom"
prom_ok "$T_TMP/nostate.prom" "no OpenClaw state"
is "$(value "$T_TMP/nostate.prom" 'oc_check_up{agent="main"}')" 0 "no state: oc_check_up 0 (a report could not be made)"
# an empty home (the agent's directory, nothing in it): no profiles,
# still a valid file
mkdir -p "$HOME/.openclaw/agents/main/agent"
run oc-check --prometheus
printf '%s\n' "$out" >"$T_TMP/empty.prom"
is "$rc" 1 "empty home: exit 1 (anthropic, the default model's provider, has nothing)"
prom_ok "$T_TMP/empty.prom" "an empty home"
is "$(stateset "$T_TMP/empty.prom" oc_check_profile_status $HSTATUS)" "0 sets" "empty home: no profile sets"
like "$out" 'oc_check_provider_missing\{agent="main",provider="anthropic"\} 1' "empty home: the missing provider"

# ---- --output: the file, its mode, no temp
frozen_home
expiring_store "$N"
TC=$T_TMP/tc
mkdir -p "$TC"
run oc-check --prometheus
printf '%s\n' "$out" >"$T_TMP/expected.prom"
run sh -c "umask 077 && exec oc-check --prometheus --output '$TC/oc-check.prom'"
is "$rc" 2 "--output: the exit status is still the verdict (2)"
is "$out$err" "" "--output: nothing on stdout or stderr"
ok "$(cmp -s "$TC/oc-check.prom" "$T_TMP/expected.prom"; echo $?)" "--output: the file holds what stdout would"
is "$(mode_of "$TC/oc-check.prom")" 644 "--output: mode 0644 under umask 077"
is "$(ls -A "$TC")" "oc-check.prom" "--output: no temporary file left"
prom_ok "$TC/oc-check.prom" "--output's file"
is "$(tail -c 1 "$TC/oc-check.prom" | od -An -c | tr -d ' ')" '\n' "--output: the file ends with a newline"
# an existing file is replaced by a rename, never rewritten in place
printf 'old\n' >"$TC/oc-check.prom"
chmod 600 "$TC/oc-check.prom"
ln "$TC/oc-check.prom" "$T_TMP/hardlink"
ino=$(stat -c %i "$TC/oc-check.prom")
run sh -c "umask 077 && exec oc-check --output '$TC/oc-check.prom' --prometheus"
is "$rc" 2 "--output before --prometheus: the same"
ok "$(cmp -s "$TC/oc-check.prom" "$T_TMP/expected.prom"; echo $?)" "replace: the new metrics"
is "$(mode_of "$TC/oc-check.prom")" 644 "replace: a 0600 file becomes 0644"
is "$(cat "$T_TMP/hardlink")" "old" "replace: the old inode was not written (renamed over)"
ok "$([ "$(stat -c %i "$TC/oc-check.prom")" != "$ino" ]; echo $?)" "replace: a new inode"
is "$(ls -A "$TC")" "oc-check.prom" "replace: no temporary file left"

# what a killed run left: a dead pid's temp older than a minute is swept;
# a fresh one, and a live writer's, are not
d=$(dead_pid)
printf 'oc_check_up 1\n' >"$TC/.oc-check.prom.tmp-$d-0123abcd"
touch -d '2 minutes ago' "$TC/.oc-check.prom.tmp-$d-0123abcd"
printf 'x' >"$TC/.oc-check.prom.tmp-$d-0123abce"
printf 'x' >"$TC/.oc-check.prom.tmp-$$-0123abcf"
touch -d '2 minutes ago' "$TC/.oc-check.prom.tmp-$$-0123abcf"
# (the temps' age is by clock time, not the frozen one)
run env -u OC_NOW_MS oc-check --prometheus --output "$TC/oc-check.prom"
is "$(ls -A "$TC" | LC_ALL=C sort | tr '\n' ' ')" "$(printf '%s\n' ".oc-check.prom.tmp-$$-0123abcf" ".oc-check.prom.tmp-$d-0123abce" oc-check.prom | LC_ALL=C sort | tr '\n' ' ')" \
    "a dead run's old temp is swept; a fresh one and a live one's are kept"
rm -f "$TC"/.oc-check.prom.tmp-*

# a concurrent reader never sees an empty or partial file: a store large
# enough that a write takes many write(2) calls
frozen_home
put_store "$BIG"
TC=$T_TMP/tc
mkdir -p "$TC"
oc-check --prometheus --output "$TC/oc-check.prom"
lines=$(wc -l <"$TC/oc-check.prom")
ok "$([ "$(wc -c <"$TC/oc-check.prom")" -gt 200000 ]; echo $?)" "big store: a file of more than 200 kB ($lines lines)"
( for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
	oc-check --prometheus --output "$TC/oc-check.prom" || echo "writer failed" >>"$T_TMP/bad"
done; : >"$T_TMP/writers.done" ) &
wpid=$!
reads=0
while [ ! -e "$T_TMP/writers.done" ]; do
	n=$(wc -l <"$TC/oc-check.prom")
	[ "$n" = "$lines" ] || echo "read $n lines, not $lines" >>"$T_TMP/bad"
	reads=$((reads + 1))
done
wait "$wpid"
is "$(cat "$T_TMP/bad" 2>/dev/null)" "" "15 writes, $reads reads between: every read saw the whole file"
is "$(temps "$TC")" 0 "and no temporary file is left"

# ---- --output that cannot be written: FILE as it was, one line naming it
frozen_home
expiring_store "$N"
TC=$T_TMP/tc
mkdir -p "$TC"
printf 'oc_check_up{agent="main"} 1\n' >"$TC/oc-check.prom"
before=$(sum_of "$TC/oc-check.prom")
as_user=
if [ "$ROOT" = 1 ]; then
	# root writes a read-only directory anyway: run as a user
	if command -v setpriv >/dev/null 2>&1; then
		chown -R 4242:4242 "$HOME" "$TC"
		as_user="setpriv --reuid 4242 --regid 4242 --clear-groups"
		ck_user=$(user_copy oc-check)
	else
		as_user=none
	fi
fi
if [ "$as_user" != none ]; then
	chmod 555 "$TC"
	ck=$OC_BUILDDIR/oc-check
	[ -z "$as_user" ] || ck=$ck_user
	run $as_user env HOME="$HOME" "$ck" --prometheus --output "$TC/oc-check.prom"
	chmod 755 "$TC"
	is "$rc" 73 "a read-only directory: exit 73"
	is "$err" "oc-check: cannot write $TC/oc-check.prom: Permission denied" \
	    "a read-only directory: one line, naming the file"
	is "$(sum_of "$TC/oc-check.prom")" "$before" "a read-only directory: the old file intact"
	is "$(temps "$TC")" 0 "a read-only directory: no temporary file"
	is "$out" "" "a read-only directory: nothing on stdout"
else
	for i in 1 2 3 4 5; do skip "a read-only directory: root needs setpriv to be another user"; done
fi
run oc-check --prometheus --output "$T_TMP/nowhere/oc-check.prom"
is "$rc:$err" "73:oc-check: cannot write $T_TMP/nowhere/oc-check.prom: No such file or directory" \
    "a missing directory: 73, naming the file"
ok "$([ ! -e "$T_TMP/nowhere" ]; echo $?)" "a missing directory: nothing made"
mkdir "$TC/dir.prom"
run oc-check --prometheus --output "$TC/dir.prom"
is "$rc" 65 "a directory at FILE: 65"
like "$err" "dir.prom is a directory, not a regular file; refusing to replace it" "a directory at FILE: says so"
rmdir "$TC/dir.prom"

# a full disk: the write fails half way; the old file stays whole
if mntns; then
	put_store "$BIG"
	T_TMP="$T_TMP" TC="$TC" $MNTNS sh -c '
		mount -t tmpfs -o size=64k tmpfs "$TC"
		printf "oc_check_up{agent=\"main\"} 1\n" >"$TC/oc-check.prom"
		oc-check --prometheus --output "$TC/oc-check.prom" >/dev/null 2>"$T_TMP/full.err"
		echo $? >"$T_TMP/full.rc"
		sha256sum "$TC/oc-check.prom" | cut -d" " -f1 >"$T_TMP/full.sum"
		ls -A "$TC" >"$T_TMP/full.ls"
	'
	is "$(cat "$T_TMP/full.rc")" 73 "a full disk: exit 73"
	is "$(cat "$T_TMP/full.err")" "oc-check: cannot write $TC/oc-check.prom: No space left on device" \
	    "a full disk: one line, naming the file and the cause"
	is "$(cat "$T_TMP/full.sum")" "$before" "a full disk: the old file intact, not a partial one"
	is "$(cat "$T_TMP/full.ls")" "oc-check.prom" "a full disk: the temporary file removed"
else
	for i in 1 2 3 4; do skip "a full disk: $MNTNS_WHY"; done
fi

# usage: --output is for --prometheus only, and needs a name
for args in "--output $TC/u.prom" "--json --output $TC/u.prom" "--nagios --output $TC/u.prom" \
    "-q --prometheus --output $TC/u.prom"; do
	# shellcheck disable=SC2086 # args is words
	run oc-check $args
	ok "$([ "$rc" = 64 ] || [ "$rc" = 3 ]; echo $?)" "oc-check $args: a usage error ($rc)"
done
ok "$([ ! -e "$TC/u.prom" ]; echo $?)" "usage errors: no file made"
like "$(oc-check --output "$TC/u.prom" 2>&1)" '--output is for --prometheus' "without --prometheus: says so"
run oc-check --prometheus --output ''
is "$rc" 64 "--output '': 64"

# a run that cannot read the store still publishes a complete file
printf '{"version":1,"profiles":{' >"$STORE"
run oc-check --prometheus --output "$TC/oc-check.prom"
is "$rc" 65 "a corrupt store: exit 65"
like "$err" 'auth-profiles.json' "a corrupt store: names it"
is "$(value "$TC/oc-check.prom" 'oc_check_up{agent="main"}')" 0 "a corrupt store: the file says oc_check_up 0"
unlike "$(cat "$TC/oc-check.prom")" 'oc_check_status' "a corrupt store: and no verdict"
is "$(mode_of "$TC/oc-check.prom")" 644 "a corrupt store: 0644"
prom_ok "$TC/oc-check.prom" "a corrupt store"
run oc-check -a nobody --prometheus --output "$TC/agent.prom"
is "$rc" 1 "an unknown agent: exit 1"
like "$(cat "$TC/agent.prom" 2>&1)" 'oc_check_up\{agent=""\} 0' "an unknown agent: oc_check_up 0 in the file"
prom_ok "$TC/agent.prom" "an unknown agent"
is "$(temps "$TC")" 0 "failed runs: no temporary file"

# ---- probes: against the fake server on 127.0.0.1, never the internet
frozen_home
put_store "{\"version\":1,\"profiles\":{
 \"anthropic:k\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"sk-ant-api03-k\"},
 \"openai:k\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-proj-k\"},
 \"google:old\":{\"type\":\"token\",\"provider\":\"google\",\"token\":\"g\",\"expires\":$((N - 3600000))}}}"
fake_start '[{"path":"/v1/models","delayMs":60,"body":"{\"data\":[]}"},
 {"path":"/oa/v1/models","status":401,"body":"{\"error\":\"invalid key\"}"}]'
OC_PROBE_BASE_URL_ANTHROPIC=$FAKE_URL
OC_PROBE_BASE_URL_OPENAI=$FAKE_URL/oa/v1
OC_PROBE_BASE_URL_GOOGLE=$FAKE_URL/g/v1beta
export OC_PROBE_BASE_URL_ANTHROPIC OC_PROBE_BASE_URL_OPENAI OC_PROBE_BASE_URL_GOOGLE
TC=$T_TMP/tc
mkdir -p "$TC"
run sh -c "umask 077 && exec oc-check --probe --prometheus --output '$TC/probe.prom'"
P=$TC/probe.prom
is "$rc" 1 "probes: exit 1 (openai rejects its key)"
is "$(fake_count /v1/models) $(fake_count /oa/v1/models)" "1 1" "probes: one request each, to 127.0.0.1"
prom_ok "$P" "with probes"
is "$(mode_of "$P")" 644 "probes: the file is 0644"
is "$(stateset "$P" oc_check_probe_status $PSTATUS)" "3 sets" \
    "probe state set: every probe status once, exactly one 1, for each of the 3 credentials"
for ps in anthropic:k=ok openai:k=auth google:old=unknown; do
	is "$(grep "^oc_check_probe_status{agent=\"main\",provider=\"[a-z]*\",profile=\"${ps%%=*}\"," "$P" |
	    grep ' 1$' | sed 's/.*status="\([a-z_]*\)"} 1$/\1/')" "${ps#*=}" "probe state set: ${ps%%=*} is ${ps#*=}"
done
is "$(value "$P" 'oc_check_probe_ok{agent="main",provider="anthropic",profile="anthropic:k"}') $(value "$P" 'oc_check_probe_ok{agent="main",provider="openai",profile="openai:k"}') $(value "$P" 'oc_check_probe_ok{agent="main",provider="google",profile="google:old"}')" \
    "1 0 0" "probe ok: 1 accepted, 0 rejected, 0 not probed"
lat=$(value "$P" 'oc_check_probe_latency_seconds{agent="main",provider="anthropic",profile="anthropic:k"}')
ok "$(awk -v l="${lat:-x}" 'BEGIN { exit !(l ~ /^[0-9]+\.[0-9][0-9][0-9]$/ && l >= 0.060 && l < 30) }'; echo $?)" \
    "probe latency: seconds, at least the server's 60 ms delay ($lat)"
like "$(cat "$P")" 'oc_check_probe_latency_seconds\{agent="main",provider="openai",profile="openai:k"\} [0-9]+\.[0-9]{3}' \
    "probe latency: for the rejected probe too"
unlike "$(cat "$P")" 'oc_check_probe_latency_seconds\{[^}]*google:old' "probe latency: none for what was not sent"
like "$(cat "$P")" '^oc_check_probe_run_duration_seconds\{agent="main"\} [0-9]+\.[0-9]{3}$' "probe run duration"
unlike "$(grep '^oc_check_probe_ok{' "$P")" 'status=' "probe ok: no status label (the state set has it)"
unlike "$(cat "$P")" 'sk-ant-api03-k|sk-proj-k' "probes: no secret in the metrics"
run oc-check --probe --prometheus
PROBE_OUT=$out
printf '%s\n' "$out" >"$T_TMP/probe-stdout.prom"
prom_ok "$T_TMP/probe-stdout.prom" "with probes, on stdout"
# the probes cannot run at all (no helper): oc_check_up 0
run env OC_HTTP_HELPER="$T_TMP/no-such-helper" oc-check --probe --prometheus --output "$TC/nohelper.prom"
is "$rc" 69 "probes without their helper: exit 69"
is "$(value "$TC/nohelper.prom" 'oc_check_up{agent="main"}')" 0 "probes without their helper: oc_check_up 0"
prom_ok "$TC/nohelper.prom" "probes without their helper"
fake_stop
unset OC_PROBE_BASE_URL_ANTHROPIC OC_PROBE_BASE_URL_OPENAI OC_PROBE_BASE_URL_GOOGLE

# ---- the oc-check-prometheus@ unit (systemd sets no OC_NOW_MS: clock time)
t_home
expiring_store "$(now_ms)"
U=$T_TMP/units
mkdir -p "$U"
for f in oc-check-prometheus@.service oc-check-prometheus@.timer; do
	sed "s|@bindir[@]|$OC_BUILDDIR|g" "$OC_SRCDIR/contrib/systemd/$f.in" >"$U/$f"
done
if command -v systemd-analyze >/dev/null 2>&1; then
	run sh -c "cd '$U' && systemd-analyze verify --man=no oc-check-prometheus@.service oc-check-prometheus@.timer"
	is "$rc:$out$err" "0:" "systemd-analyze verify: oc-check-prometheus@ clean"
else
	skip "systemd-analyze not installed (apt-get install systemd)"
fi
TC=$T_TMP/tc
mkdir -p "$TC"
cmd=$(sed -n 's/^ExecStart=//p' "$U/oc-check-prometheus@.service")
like "$cmd" ' --output /var/lib/prometheus/node-exporter/oc-check-%i\.prom$' "unit: writes through --output"
cmd=$(printf '%s\n' "$cmd" | sed "s|/var/lib/prometheus/node-exporter|$TC|; s|%i|alice|")
run sh -c "umask 077 && $cmd"
is "$rc" 2 "unit: its command exits 2 (expiring), which SuccessExitStatus= counts as success"
is "$(mode_of "$TC/oc-check-alice.prom" 2>&1)" 644 "unit: oc-check-alice.prom is 0644 under umask 077"
prom_ok "$TC/oc-check-alice.prom" "the unit's file"
is "$(ls -A "$TC")" "oc-check-alice.prom" "unit: no temporary file"

# ---- PROMETHEUS: the crontab line, verbatim, as cron runs it
have_mandoc=0
command -v mandoc >/dev/null 2>&1 && command -v col >/dev/null 2>&1 && have_mandoc=1
# the page's source, roff escapes undone; the rendered page must show it too
cron=$(grep -E '^(\*|[0-9])[^ ]* [^ ]+ [^ ]+ [^ ]+ [^ ]+ .*oc-check --prometheus.* --output ' "$MAN" | sed 's/\\e/\\/g; s/\\&//g')
is "$(printf '%s\n' "$cron" | grep -c .)" 1 "the page has one crontab line with --output"
if [ "$have_mandoc" = 1 ]; then
	mandoc -Tascii "$MAN" | col -bx >"$T_TMP/man.txt"
	ok "$(sed 's/^ *//' "$T_TMP/man.txt" | grep -qxF -- "$cron"; echo $?)" "the rendered page shows it as it is"
else
	skip "mandoc or col not installed: the rendered line not compared"
fi
unlike "$cron" '%' "no % in it (cron would make it a newline)"
cmd=$(printf '%s\n' "$cron" | sed -E 's/^([^ ]+ ){5}//')
like "$cmd" '^/[^ ]*/oc-check ' "it names oc-check by its full path"
like "$cmd" ' --output /var/lib/prometheus/node-exporter/[^ /]+\.prom$' "it writes Debian's collector directory through --output"
TC=$T_TMP/cron
mkdir -p "$TC"
incron() { (umask 077 && env -i PATH=/usr/bin:/bin HOME="$HOME" SHELL=/bin/sh LOGNAME=cron /bin/sh -c "$1"); }
ocpath=$(printf '%s\n' "$cmd" | sed 's/ .*//')
cmd=$(printf '%s\n' "$cmd" | sed "s|/var/lib/prometheus/node-exporter|$TC|g")
prom=$(printf '%s\n' "$cmd" | sed 's/.* //')
# oc-check not where the line says (nor on cron's PATH): no file, never an
# empty one; and an old file is left as it was
run incron "$(printf '%s\n' "$cmd" | sed "s|^$ocpath |$T_TMP/not-installed/oc-check |")"
is "$rc" 127 "cron, oc-check not installed there: the command is not found (127)"
ok "$([ ! -e "$prom" ]; echo $?)" "cron, oc-check not installed there: no file"
printf 'oc_check_up{agent="main"} 1\n' >"$prom"
before=$(sum_of "$prom")
run incron "$(printf '%s\n' "$cmd" | sed "s|^$ocpath |$T_TMP/not-installed/oc-check |")"
is "$(sum_of "$prom")" "$before" "cron, oc-check not installed there: the old file left as it was"
rm -f "$prom"
# where it is installed: a valid file
run incron "$(printf '%s\n' "$cmd" | sed "s|^$ocpath |$OC_BUILDDIR/oc-check |")"
is "$rc:$out$err" "2:" "cron, the full path: exit 2 (expiring), nothing printed for cron to mail"
prom_ok "$prom" "the crontab line's file"
is "$(mode_of "$prom")" 644 "cron: the file is 0644 under umask 077"
like "$(cat "$prom")" 'oc_check_status\{agent="main"\} 2' "cron: the verdict is in it"
is "$(ls -A "$TC")" "$(basename "$prom")" "cron: no temporary file"
# control: cron's PATH lacks oc-check here, so the old recipe (redirect,
# then mv) reproduces its bug: a 0-byte file moved into place
if incron 'command -v oc-check' >/dev/null 2>&1; then
	skip "oc-check is installed on /usr/bin:/bin: the old recipe's failure cannot be shown"
else
	rm -f "$prom"
	incron "oc-check --prometheus -w 48h >$prom.tmp; mv $prom.tmp $prom" 2>/dev/null
	is "$(wc -c <"$prom")" 0 "control: the old recipe under cron's PATH publishes an empty file"
fi

# ---- PROMETHEUS: the alerting rules, checked and unit-tested
awk '/^groups:$/ { on = 1 } on && /^\.Ed$/ { exit } on' "$MAN" | sed 's/\\e/\\/g; s/\\&//g' >"$T_TMP/rules.yml"
like "$(cat "$T_TMP/rules.yml")" 'absent\(oc_check_up\{' "the rules alert on absent oc_check_up"
like "$(cat "$T_TMP/rules.yml")" 'time\(\) - oc_check_last_run_timestamp_seconds > 2 \* 300' \
    "the rules alert on a stale last run (two of the crontab line's 5 minutes)"
like "$cron" '^\*/5 ' "the crontab line runs every 5 minutes, as the stale rule assumes"
# every series the rules name is one oc-check prints
missing=
for s in $(grep -oE 'oc_check_[a-z_]+' "$T_TMP/rules.yml" | sort -u); do
	printf '%s\n' "$PROBE_OUT" | grep -q "^$s{" || missing="$missing $s"
done
is "$missing" "" "the rules name only series oc-check prints"
if [ -n "$PROMTOOL" ]; then
	run "$PROMTOOL" check rules "$T_TMP/rules.yml"
	is "$rc" 0 "promtool check rules: the page's rules"
	[ "$rc" = 0 ] || diag "$out$err"
	inst=$(sed -n 's/.*absent(oc_check_up{instance="\([^"]*\)"}).*/\1/p' "$T_TMP/rules.yml")
	cat >"$T_TMP/rules-test.yml" <<EOF
rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  # oc-check stopped at 10m: the file stays, its last run grows old
  - interval: 1m
    input_series:
      - series: 'oc_check_up{instance="$inst",agent="main"}'
        values: '1x60'
      - series: 'oc_check_status{instance="$inst",agent="main"}'
        values: '0x60'
      - series: 'oc_check_last_run_timestamp_seconds{instance="$inst",agent="main"}'
        values: '0+60x10 600x50'
    alert_rule_test:
      - eval_time: 12m
        alertname: OpenClawCheckStale
        exp_alerts: []
      - eval_time: 40m
        alertname: OpenClawCheckStale
        exp_alerts:
          - exp_labels: {instance: "$inst", agent: main}
      - eval_time: 40m
        alertname: OpenClawCheckAbsent
        exp_alerts: []
  # the file went at 10m: its series are gone
  - interval: 1m
    input_series:
      - series: 'oc_check_up{instance="$inst",agent="main"}'
        values: '1x10'
      - series: 'oc_check_last_run_timestamp_seconds{instance="$inst",agent="main"}'
        values: '0+60x10'
    alert_rule_test:
      - eval_time: 5m
        alertname: OpenClawCheckAbsent
        exp_alerts: []
      - eval_time: 40m
        alertname: OpenClawCheckAbsent
        exp_alerts:
          - exp_labels: {instance: "$inst"}
  # a failed run (oc_check_up 0), and an expiring credential
  - interval: 1m
    input_series:
      - series: 'oc_check_up{instance="$inst",agent="main"}'
        values: '0x30'
      - series: 'oc_check_up{instance="$inst",agent="work"}'
        values: '1x30'
      - series: 'oc_check_status{instance="$inst",agent="work"}'
        values: '2x30'
    alert_rule_test:
      - eval_time: 20m
        alertname: OpenClawCredentials
        exp_alerts:
          - exp_labels: {instance: "$inst", agent: main}
          - exp_labels: {instance: "$inst", agent: work}
EOF
	run sh -c "cd '$T_TMP' && '$PROMTOOL' test rules rules-test.yml"
	is "$rc" 0 "promtool test rules: stale and absent metrics and failed runs alert, fresh ones do not"
	[ "$rc" = 0 ] || diag "$out$err"
else
	skip "promtool not installed: the rules not checked"
	skip "promtool not installed: the rules not unit-tested"
fi

done_testing
