#!/bin/sh
# SPDX-License-Identifier: ISC
# Processes that hold secrets (issue 12, defects 11, 12 and 13): every
# command is non-dumpable and has no core-dump limit (a crash leaves no core
# full of keys; no other process of the user reads its /proc environ); the
# HTTP helper gets only the environment it needs, never the keys a .env
# loaded; an exec SecretRef provider's error message reaches the terminal
# as one printable line.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/fake-http.sh"
LC=$OC_BUILDDIR/tests/progs/lib-check
CL=$OC_BUILDDIR/tests/http-client
KEY=sk-bbbbbbbbbbbbbbbbbbbbbbbb

# wait_file FILE: until it exists and is not empty (at most 10 s)
wait_file() {
	local i=0
	while [ ! -s "$1" ] && [ "$i" -lt 200 ]; do i=$((i + 1)); sleep 0.05; done
}
core_limit() { awk '/^Max core file size/ {print $5}' "/proc/$1/limits"; }

# --- 11. no core dumps, not dumpable
t_home
if [ -x "$LC" ]; then
	is "$("$LC" harden)" "dumpable 0 core 0" "11: oc_err_set_progname makes a program non-dumpable, with no core limit"
else
	skip "11: no lib-check"
fi
# oc-keys exec holds every key of the rotation while the command runs.
t_home
ulimit -c unlimited 2>/dev/null
mkdir -p "$T_TMP/cores"
cat >"$T_TMP/cmd.sh" <<'SH'
#!/bin/sh
echo "$PPID" >"$1/parent"
echo "$$" >"$1/self"
sleep 30
SH
chmod 755 "$T_TMP/cmd.sh"
# (ASan sets the core limit to 0 at start unless told not to)
( cd "$T_TMP/cores" && exec env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}disable_coredump=0" OPENAI_API_KEY=$KEY oc-keys exec -p openai -- "$T_TMP/cmd.sh" "$T_TMP/cores" ) &
X=$!
wait_file "$T_TMP/cores/self"
P=$(cat "$T_TMP/cores/parent")
C=$(cat "$T_TMP/cores/self")
is "$(core_limit "$P")" 0 "11: oc-keys exec runs with no core-dump limit"
is "$(core_limit "$C")" "$(ulimit -c)" "11: the command it runs gets the caller's limit back"
{ kill -SEGV "$P"; wait "$X"; } 2>/dev/null
kill "$C" 2>/dev/null
pat=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
case $pat in
core*)
	ok "$(ls "$T_TMP/cores" | grep -q '^core'; [ $? -ne 0 ]; echo $?)" "11: oc-keys killed by SIGSEGV leaves no core"
	# control: the same signal to a process of ours does leave one
	( cd "$T_TMP/cores" && exec sleep 30 ) &
	S=$!
	sleep 0.2
	{ kill -SEGV "$S"; wait "$S"; } 2>/dev/null
	ok "$(ls "$T_TMP/cores" | grep -q '^core'; echo $?)" "11: (control: a sleep killed alike does dump core here)"
	;;
*)
	skip "11: core_pattern is '$pat', not a file this test can look for"
	;;
esac
# Non-dumpable: another process of the same user cannot read its environ.
# Root reads any process's, so as root the command and the reader both run
# as a user of their own (from a copy of the binary: a build under /root is
# out of that user's reach).
as=
[ "$(id -u)" != 0 ] || { command -v setpriv >/dev/null 2>&1 && as="setpriv --reuid 4242 --regid 4242 --clear-groups" || as=none; }
if [ "$as" != none ]; then
	t_home
	prog=$OC_BUILDDIR/oc-profile
	if [ -n "$as" ]; then
		chown -R 4242:4242 "$HOME"
		prog=$(user_copy oc-profile)
	fi
	mkfifo "$T_TMP/in"
	chmod 666 "$T_TMP/in"
	# shellcheck disable=SC2086 # $as is a command line or nothing
	$as env HOME="$HOME" SOME_KEY=$KEY "$prog" add -t api_key --no-config openai:b <"$T_TMP/in" >/dev/null 2>&1 &
	X=$!
	exec 5>"$T_TMP/in"
	i=0
	while [ "$(cat "/proc/$X/comm" 2>/dev/null)" != oc-profile ] && [ $i -lt 150 ]; do i=$((i + 1)); sleep 0.02; done
	sleep 0.3	# it reads the key from the pipe we hold open
	is "$(cat "/proc/$X/comm" 2>/dev/null)" oc-profile "11: the command is running, waiting for its key"
	# shellcheck disable=SC2086
	run $as cat "/proc/$X/environ"
	ok "$([ "$rc" != 0 ] && ! printf '%s' "$out" | grep -q "$KEY"; echo $?)" \
	    "11: the same user cannot read a command's /proc environ"
	printf '%s' "$KEY" >&5
	exec 5>&-
	wait "$X"
	is "$?" 0 "11: and the command went on"
else
	for i in 1 2 3; do skip "11: as root, reading /proc as another user needs setpriv (util-linux)"; done
fi

# --- 12. the HTTP helper sees only what libcurl needs
# Root reads the running helper's /proc environ; a user cannot (it is not
# dumpable, as 11 shows), so as a user a wrapper in OC_HTTP_HELPER writes
# down the environment the helper is given, then runs it.
t_home
fake_start '[{"path":"/slow","delayMs":1500,"body":"ok"}]'
printf '{"requests":[{"id":"a","method":"GET","url":"%s/slow"}]}' "$FAKE_URL" >"$T_TMP/doc"
helper=
if [ "$(id -u)" != 0 ]; then
	printf '#!/bin/sh\nenv >"%s/helper.env"\nexec "%s/oc-http" "$@"\n' "$T_TMP" "$OC_BUILDDIR" >"$T_TMP/wrap"
	chmod 755 "$T_TMP/wrap"
	helper=OC_HTTP_HELPER=$T_TMP/wrap
fi
env $helper OPENAI_API_KEY=$KEY ANTHROPIC_OAUTH_TOKEN=$KEY no_proxy=127.0.0.1 SSL_CERT_DIR=/etc/ssl/certs \
    "$CL" <"$T_TMP/doc" >"$T_TMP/cl.out" 2>&1 &
X=$!
H=
i=0
while [ -z "$H" ] && [ $i -lt 100 ]; do H=$(pgrep -x -P "$X" oc-http); i=$((i + 1)); sleep 0.02; done
if [ -n "$H" ]; then
	if [ -z "$helper" ]; then
		tr '\0' '\n' <"/proc/$H/environ" >"$T_TMP/helper.env" 2>/dev/null
	else
		# what sh itself adds to what it was given
		sed -i -E '/^(PWD|SHLVL|_|OLDPWD)=/d' "$T_TMP/helper.env"
	fi
	ok "$([ -s "$T_TMP/helper.env" ]; echo $?)" "12: oc-http's environment was read${helper:+ (by a wrapper)}"
	is "$(grep -c "$KEY" "$T_TMP/helper.env")" 0 "12: oc-http's environment holds no key"
	ok "$(grep -qx no_proxy=127.0.0.1 "$T_TMP/helper.env" && grep -qx SSL_CERT_DIR=/etc/ssl/certs "$T_TMP/helper.env"; echo $?)" \
	    "12: it has the proxy and TLS variables"
	is "$(cut -d= -f1 "$T_TMP/helper.env" | grep -v -x -E 'PATH|LD_LIBRARY_PATH|TMPDIR|[a-zA-Z_]*_proxy|[A-Z_]*_PROXY|SSL_CERT_(FILE|DIR)|CURL_CA_BUNDLE|CURL_SSL_BACKEND|[AUL]SAN_OPTIONS' | tr '\n' ' ')" \
	    "" "12: and nothing else"
else
	for i in 1 2 3 4; do skip "12: the helper was not seen running"; done
fi
wait "$X"
out=$(cat "$T_TMP/cl.out")
jqok '.status == 200' "12: the request went through"
fake_stop

# --- 13. an exec provider's error message: one printable line
t_home
S=$T_TMP/s
mkdir -p "$S"
chmod 700 "$S"
cat >"$S/vault.sh" <<'X'
#!/bin/sh
cat >/dev/null
printf '{"protocolVersion":1,"values":{},"errors":{"openai/key":{"message":"sealed\\n\\u001b[31mred\\u001b[0m\\rover\\u202etxt.exe\\u2028next\\u0007"}}}'
X
chmod 755 "$S/vault.sh"
put_config "{\"secrets\":{\"providers\":{\"vault\":{\"source\":\"exec\",\"command\":\"$S/vault.sh\"}}}}"
put_store '{"version":1,"profiles":{"openai:r":{"type":"api_key","provider":"openai","keyRef":{"source":"exec","provider":"vault","id":"openai/key"}}}}'
run oc-keys get -p openai
is "$rc" 1 "13: a provider that reports an error: no key (exit 1)"
is "$(printf '%s\n' "$err" | wc -l)" 1 "13: its message is one line"
ok "$(printf '%s' "$err" | LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')"; [ $? -ne 0 ]; echo $?)" \
    "13: with no control character (no ESC, CR or BEL)"
unlike "$err" "$(printf '\342\200[\250\256]')" "13: nor a line separator or bidi override"
like "$err" 'sealed \[31mred \[0m over txt\.exe next\)' "13: the provider's words are kept, as text"

done_testing
