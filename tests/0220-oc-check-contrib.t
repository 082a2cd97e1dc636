#!/bin/sh
# SPDX-License-Identifier: ISC
# The monitoring recipes in contrib/: the systemd units pass
# systemd-analyze verify, the Termux scripts pass shellcheck, have Termux's
# $PREFIX shebang, use no /tmp, and do what they say (driven here with
# stand-in termux-notification and termux-job-scheduler commands that
# record their arguments).
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home
C=$OC_SRCDIR/contrib

# ---- systemd ----
for u in oc-check.service oc-check.timer oc-check-notify@.service; do
	ok "$([ -f "$C/systemd/$u.in" ] && echo 0 || echo 1)" "contrib/systemd/$u.in exists"
done
grep -q '^OnBootSec=' "$C/systemd/oc-check.timer.in"; ok $? "timer: OnBootSec"
grep -q '^OnUnitActiveSec=30min$' "$C/systemd/oc-check.timer.in"; ok $? "timer: OnUnitActiveSec=30min"
grep -q '^Persistent=true$' "$C/systemd/oc-check.timer.in"; ok $? "timer: Persistent=true"
grep -q '^Type=oneshot$' "$C/systemd/oc-check.service.in"; ok $? "service: oneshot"
grep -q '^OnFailure=oc-check-notify@%n.service$' "$C/systemd/oc-check.service.in"
ok $? "service: OnFailure= notification"
grep -q '^#SuccessExitStatus=2$' "$C/systemd/oc-check.service.in"
ok $? "service: SuccessExitStatus=2 guidance"
if command -v systemd-analyze >/dev/null 2>&1; then
	# the units name the installed @bindir@/oc-check; verify checks
	# that the command exists, so point them at the build
	mkdir -p "$T_TMP/units"
	for u in "$C"/systemd/*.in; do
		sed "s|@bindir@|$OC_BUILDDIR|g" "$u" \
		    >"$T_TMP/units/$(basename "$u" .in)"
	done
	run systemd-analyze verify --man=no "$T_TMP/units/oc-check.service" \
	    "$T_TMP/units/oc-check.timer" "$T_TMP/units/oc-check-notify@.service"
	is "$rc" 0 "systemd-analyze verify: clean exit"
	is "$out$err" "" "systemd-analyze verify: no complaints"
else
	skip "systemd-analyze not installed (apt-get install systemd)"
	skip "systemd-analyze not installed (apt-get install systemd)"
fi
# the notifier's pipeline, run as systemd would (systemd-cat stood in)
mkdir -p "$T_TMP/bin"
printf '#!/bin/sh\nprintf "%%s|" "$@" >>"%s/cat.args"; cat >>"%s/cat.in"\n' "$T_TMP" "$T_TMP" >"$T_TMP/bin/systemd-cat"
chmod 755 "$T_TMP/bin/systemd-cat"
cmd=$(sed -n "s|^ExecStart=/bin/sh -c '\\(.*\\)'\$|\\1|p" "$C/systemd/oc-check-notify@.service.in" |
    sed "s|@bindir@|$OC_BUILDDIR|")
mkdir -p "$HOME/.openclaw/agents/main/agent"	# state, with nothing in it
PATH="$T_TMP/bin:$PATH" /bin/sh -c "$cmd"
is "$(cat "$T_TMP/cat.in")" "MISSING: no credential for anthropic (used by anthropic/claude-opus-4-6)" \
    "notify@: the verdict line goes to the journal"
is "$(cat "$T_TMP/cat.args")" "-t|oc-check|-p|warning|" "notify@: tagged oc-check, priority warning"

# ---- Termux ----
for s in oc-check-notify oc-check-schedule; do
	is "$(head -n1 "$C/termux/$s")" "#!/data/data/com.termux/files/usr/bin/sh" \
	    "termux/$s: Termux \$PREFIX shebang"
	ok "$([ -x "$C/termux/$s" ] && echo 0 || echo 1)" "termux/$s: executable"
done
run grep -rn '/tmp' "$C"
is "$out" "" "contrib: no /tmp anywhere"
# contrib/README.md describes every file in contrib/ (not the units that
# make writes from their .in in a build in the source tree), and ships
missing=
for f in $(cd "$C" && find . -type f ! -name README.md | sed 's|^\./||' | sort); do
	[ -f "$C/$f.in" ] && continue
	grep -qF "\`$(basename "$f")\`" "$C/README.md" || missing="$missing $f"
done
is "$missing" "" "contrib/README.md describes every file in contrib/"
grep -q 'contrib/README.md' "$OC_SRCDIR/Makefile.am"; ok $? "contrib/README.md is in the tarball (EXTRA_DIST)"
if command -v shellcheck >/dev/null 2>&1; then
	run shellcheck -s sh "$C/termux/oc-check-notify" "$C/termux/oc-check-schedule"
	is "$rc $out" "0 " "shellcheck: clean"
else
	skip "shellcheck not installed (apt-get install shellcheck)"
fi

# stand-ins for the Termux:API commands: a line per call in api.log, and
# the last call's arguments, one a line, in <command>.args
for c in termux-notification termux-notification-remove termux-job-scheduler; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/api.log"\nprintf "%%s\\n" "$@" >"%s/%s.args"\n' \
	    "$c" "$T_TMP" "$T_TMP" "$c" >"$T_TMP/bin/$c"
	chmod 755 "$T_TMP/bin/$c"
done
# the value given to --content in the last termux-notification call
content() { sed -n '/^--content$/{n;p;q}' "$T_TMP/termux-notification.args"; }
N=$(now_ms)
put_store "{\"version\":1,\"profiles\":{\"anthropic:default\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"t\",\"expires\":$((N + 7200000))}}}"
: >"$T_TMP/api.log"
run env PATH="$T_TMP/bin:$PATH" sh "$C/termux/oc-check-notify"
is "$rc" 2 "notify: exits with oc-check's status (expiring)"
like "$(cat "$T_TMP/api.log")" '^termux-notification --id oc-check --title OpenClaw credentials --content EXPIRING: anthropic:default expires in 1h [0-9]+m --priority high$' \
    "notify: posts oc-check's first line"
: >"$T_TMP/api.log"
run env PATH="$T_TMP/bin:$PATH" OC_CHECK_WARN=1h sh "$C/termux/oc-check-notify"
is "$rc" 0 "notify, -w 1h: all well, exit 0"
is "$(cat "$T_TMP/api.log")" "termux-notification-remove oc-check" \
    "notify: all well removes the old notification"
# a store that makes oc-check warn on stderr (an ignored profile, a store
# readable by others): the notification is still the verdict, stdout's
# first line; the warnings pass through on stderr
put_store "{\"version\":1,\"profiles\":{\"anthropic:default\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"t\",\"expires\":$((N + 7200000))},\"x:1\":{\"type\":\"bearer\",\"provider\":\"x\"}}}"
chmod 644 "$STORE"
run oc-check -w 24h
verdict=$(printf '%s\n' "$out" | head -n 1)
like "$err" 'warning: .*readable by other users' "notify, warning store: oc-check warns on stderr"
like "$verdict" '^EXPIRING: anthropic:default expires in 1h [0-9]+m$' "notify, warning store: and its first stdout line is the verdict"
: >"$T_TMP/api.log"
run env PATH="$T_TMP/bin:$PATH" sh "$C/termux/oc-check-notify"
is "$rc" 2 "notify, warning store: exit 2"
is "$(content)" "$verdict" "notify, warning store: --content is oc-check's first stdout line, not a warning"
like "$err" 'profile "x:1" is ignored by OpenClaw' "notify, warning store: the warnings pass through on stderr"
unlike "$(cat "$T_TMP/api.log")" 'termux-notification-remove' "notify, warning store: nothing removed"
: >"$T_TMP/api.log"
run env PATH="$T_TMP/bin:$PATH" OC_CHECK_WARN=1h sh "$C/termux/oc-check-notify"
is "$rc:$(cat "$T_TMP/api.log")" "0:termux-notification-remove oc-check" \
    "notify, warning store, all well: the remove stand-in called, no notification"
is "$(cat "$T_TMP/termux-notification-remove.args")" "oc-check" "notify: remove is given the notification's id"
# oc-check cannot check at all (nothing on stdout): said, not an empty
# notification
printf '{"version":1,"profiles":{' >"$STORE"
chmod 600 "$STORE"
: >"$T_TMP/api.log"
run env PATH="$T_TMP/bin:$PATH" sh "$C/termux/oc-check-notify"
is "$rc" 65 "notify, corrupt store: exits with oc-check's 65"
is "$(content)" "oc-check could not check (exit 65): run oc-check to see why" \
    "notify, corrupt store: the notification says oc-check could not check"
like "$err" 'auth-profiles.json: invalid JSON' "notify, corrupt store: oc-check's message on stderr"
put_store "{\"version\":1,\"profiles\":{\"anthropic:default\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"t\",\"expires\":$((N + 7200000))}}}"
: >"$T_TMP/api.log"
run env PATH="$T_TMP/bin:$PATH" OC_CHECK_NOTIFY="$C/termux/oc-check-notify" sh "$C/termux/oc-check-schedule"
is "$rc" 0 "schedule: exit 0"
is "$(cat "$T_TMP/api.log")" "termux-job-scheduler --job-id 4711 --script $C/termux/oc-check-notify --period-ms 1800000 --persisted true" \
    "schedule: a persisted 30-minute job running the notifier"
: >"$T_TMP/api.log"
run env PATH="$T_TMP/bin:$PATH" sh "$C/termux/oc-check-schedule" cancel
is "$(cat "$T_TMP/api.log")" "termux-job-scheduler --cancel --job-id 4711" "schedule cancel"
run env PATH="$T_TMP/bin:$PATH" PREFIX="$T_TMP/none" sh "$C/termux/oc-check-schedule"
is "$rc" 1 "schedule: the notifier not installed: exit 1"
run env PATH="$T_TMP/bin:$PATH" sh "$C/termux/oc-check-schedule" bogus
is "$rc" 64 "schedule: bad argument: 64"

done_testing
