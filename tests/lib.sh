# SPDX-License-Identifier: ISC
# tests/lib.sh - TAP helpers for the oc-tools tests. Each test script
# sources it, calls t_home for a throw-away HOME, makes assertions with
# ok/is/jqok, and ends with done_testing (the plan comes last).
set -u
: "${OC_BUILDDIR:=$(pwd)}"
: "${OC_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
PATH="$OC_BUILDDIR:$PATH"
export PATH OC_BUILDDIR OC_SRCDIR
export OC_HTTP_HELPER="$OC_BUILDDIR/oc-http"
FIX="$OC_SRCDIR/tests/fixtures"
T_N=0
T_FAIL=0
T_TMP=

diag() { printf '%s\n' "$*" | sed 's/^/# /'; }
ok() {
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then echo "ok $T_N - $2"
	else echo "not ok $T_N - $2"; T_FAIL=$((T_FAIL + 1)); fi
}
# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then ok 0 "$3"
	else ok 1 "$3"; diag "got:  '$1'"; diag "want: '$2'"; fi
}
# like GOT REGEX DESCRIPTION (grep -E)
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok 0 "$3"
	else ok 1 "$3"; diag "got: '$1'"; diag "does not match: $2"; fi
}
unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok 1 "$3"; diag "got: '$1'"; diag "matches: $2"
	else ok 0 "$3"; fi
}
skip() { T_N=$((T_N + 1)); echo "ok $T_N # SKIP $1"; }
# run CMD...: $rc, $out (stdout), $err (stderr); stdin is the caller's.
run() {
	"$@" >"$T_TMP/.out" 2>"$T_TMP/.err"
	rc=$?
	out=$(cat "$T_TMP/.out")
	err=$(cat "$T_TMP/.err")
}
# run_in TEXT CMD...: run with TEXT (no newline added) on stdin; a pipe
# into run would set $rc in a subshell only.
run_in() {
	local t=$1
	shift
	printf '%s' "$t" >"$T_TMP/.in"
	run "$@" <"$T_TMP/.in"
}
# jqok FILTER DESCRIPTION: jq -e FILTER over $out
jqok() {
	if printf '%s' "$out" | jq -e "$1" >/dev/null 2>&1; then ok 0 "$2"
	else ok 1 "$2"; diag "jq -e '$1' failed on:"; diag "$out"; fi
}
# jqfile FILE FILTER DESCRIPTION
jqfile() {
	if jq -e "$2" "$1" >/dev/null 2>&1; then ok 0 "$3"
	else ok 1 "$3"; diag "jq -e '$2' failed on $1:"; diag "$(cat "$1" 2>&1)"; fi
}
mode_of() { stat -c %a "$1"; }
sum_of() { sha256sum "$1" | cut -d' ' -f1; }
now_ms() { echo $(( $(date +%s) * 1000 )); }

# A fresh HOME with no OpenClaw or provider variables inherited.
t_home() {
	local v
	[ -n "$T_TMP" ] && rm -rf "$T_TMP"
	T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/oc-test.XXXXXX")
	for v in $(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' |
	    grep -E 'OPENCLAW|^PI_|API_KEY|_TOKEN|^OC_NOW|GEMINI|GOOGLE|CODEX_HOME|_BASE_URL|_KEYS$|^OC_LOCK'); do
		unset "$v"
	done
	HOME=$T_TMP/home
	mkdir -p "$HOME"
	export HOME
	STATE=$HOME/.openclaw
	AGENT=$STATE/agents/main/agent
	STORE=$AGENT/auth-profiles.json
	CONFIG=$STATE/openclaw.json
}
# put_store JSON: write the main agent's store (0600)
put_store() {
	mkdir -p "$AGENT" && chmod 700 "$STATE" "$STATE/agents" "$AGENT"
	printf '%s\n' "$1" >"$STORE" && chmod 600 "$STORE"
}
put_config() {
	mkdir -p "$STATE" && chmod 700 "$STATE"
	printf '%s\n' "$1" >"$CONFIG" && chmod 600 "$CONFIG"
}
# A random token-like string of N characters (default 40).
rand_str() {
	head -c 256 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' | head -c "${1:-40}"
}
anthropic_token() { printf 'sk-ant-oat01-%s' "$(rand_str 90)"; }

# user_copy NAME: a copy of the build's program NAME that another user can
# run (a build under /root, mode 0700, is out of their reach), in T_TMP
# (made passable); prints its path.
user_copy() {
	chmod 711 "$T_TMP"
	mkdir -p "$T_TMP/bin"
	cp "$OC_BUILDDIR/$1" "$T_TMP/bin/$1"
	chmod 755 "$T_TMP/bin" "$T_TMP/bin/$1"
	printf '%s\n' "$T_TMP/bin/$1"
}

# peer_find: the wrapper of the reference OpenClaw (2026.3.24) in PEER:
# $OC_PEER, else the one ../shared/peer/openclaw.sh installs and prints,
# under a lock (tests run in parallel, and two npm installs into one cache
# collide, leaving a wrapper with nothing behind it). Returns 1, with
# PEER_WHY, when there is none, or when the installed one does not run.
peer_find() {
	PEER=${OC_PEER:-}
	PEER_WHY=
	inst=$OC_SRCDIR/../shared/peer/openclaw.sh
	if [ -z "$PEER" ] && [ -f "$inst" ]; then
		if command -v flock >/dev/null 2>&1; then
			PEER=$(flock "${TMPDIR:-/tmp}/oc-peer-install.lock" timeout 900 bash "$inst" 2>/dev/null) || PEER=
		else
			PEER=$(timeout 900 bash "$inst" 2>/dev/null) || PEER=
		fi
		if [ -n "$PEER" ] && ! timeout 120 "$PEER" --version >/dev/null 2>&1; then
			PEER_WHY="the OpenClaw that ../shared/peer/openclaw.sh installed ($PEER) does not run"
			PEER=
			return 1
		fi
	fi
	if [ -z "$PEER" ] || [ ! -x "$PEER" ]; then
		PEER_WHY="OpenClaw 2026.3.24 is not available (set OC_PEER to its wrapper, or provide ../shared/peer/openclaw.sh)"
		PEER=
		return 1
	fi
}

# asroot CMD...: run CMD as root: directly when we are root, else through
# passwordless sudo (sudo -n, never a prompt), keeping the environment, PATH
# and HOME. asroot_ok says whether it can here (ASROOT_WHY says why not);
# OC_TEST_SUDO=no keeps the tests from using sudo at all. It serves the few
# set-ups a user cannot make alone: another owner's file, a tmpfs.
asroot() {
	if [ "$(id -u)" = 0 ]; then "$@"
	else sudo -n -E env "PATH=$PATH" "HOME=$HOME" "$@"; fi
}
asroot_ok() {
	[ "$(id -u)" = 0 ] && return 0
	if [ -z "${ASROOT_WHY+set}" ]; then	# asked once per test
		ASROOT_WHY=
		if [ "${OC_TEST_SUDO:-yes}" = no ]; then
			ASROOT_WHY="needs root (OC_TEST_SUDO=no: not through sudo)"
		elif ! command -v sudo >/dev/null 2>&1; then
			ASROOT_WHY="needs root, or sudo"
		elif ! sudo -n -E env true 2>/dev/null; then
			ASROOT_WHY="needs root, or sudo without a password prompt (sudo -n)"
		fi
	fi
	[ -z "$ASROOT_WHY" ]
}
# as_owner: chown -R T_TMP back to us after a set-up gave it to others, so
# that it can be removed
as_owner() {
	[ "$(id -u)" = 0 ] || asroot chown -R "$(id -u):$(id -g)" "$T_TMP"
}

# rewriter_start FILE HALF_BYTES HALF_MS PAUSE_MS: rewrite FILE in place,
# from the text it has now, until rewriter_stop (tests/progs/rewrite-inplace:
# each round leaves the first HALF_BYTES for HALF_MS, the whole for
# PAUSE_MS, and is timed).
rewriter_start() {
	cp "$1" "$T_TMP/rewrite.text"
	rm -f "$T_TMP/rewrite.stop"
	"$OC_BUILDDIR/tests/progs/rewrite-inplace" "$@" "$T_TMP/rewrite.stop" \
	    <"$T_TMP/rewrite.text" >"$T_TMP/rewrite.rounds" &
	REWRITER=$!
}
# rewriter_stop DURING: stop it, and check that it ran and rewrote the file
# DURING ("the reads"); REWRITE_LONGEST is its longest round, in ms.
rewriter_stop() {
	local rounds
	: >"$T_TMP/rewrite.stop"
	wait "$REWRITER"
	is "$?" 0 "the in-place writer ran"
	read -r _ rounds _ REWRITE_LONGEST <"$T_TMP/rewrite.rounds" || rounds=0
	ok "$([ "${rounds:-0}" -gt 0 ]; echo $?)" "  and rewrote the store ${rounds:-0} times during $1"
}
# rewriter_none_failed N DESC WHAT: N readers failed; is N 0 DESC, unless
# the writer was held mid-write as long as a reader waits out a file that
# stays the same and bad (100 ms, common/file.c): a loaded machine broke the
# premise, and the check skips saying so ("N WHAT"), returning 1.
rewriter_none_failed() {
	if [ "${REWRITE_LONGEST:-0}" -lt 100 ]; then
		is "$1" 0 "$2"
		return 0
	fi
	skip "the machine held the in-place writer mid-write for $REWRITE_LONGEST ms (100 ms is what a reader waits out): $1 $3"
	return 1
}

# mntns: how to run a command in a mount namespace of its own, where it may
# mount a small tmpfs (and make it read-only with remount,bind,ro): sets
# MNTNS to "unshare -m" for root, "unshare -r -m" (a user namespace of its
# own) for a user, or, where a user may not make one (in a chroot), to
# "asroot unshare -m" (root through sudo -n); when none works here, MNTNS is
# empty, MNTNS_WHY says why and it returns 1.
mntns() {
	MNTNS=
	MNTNS_WHY=
	command -v unshare >/dev/null 2>&1 || { MNTNS_WHY="needs unshare (util-linux)"; return 1; }
	set -- "unshare -m"
	if [ "$(id -u)" != 0 ]; then
		set -- "unshare -r -m"
		asroot_ok && set -- "$1" "asroot unshare -m"
	fi
	for m; do
		# shellcheck disable=SC2016,SC2086 # for the inner shell; m is words
		if $m sh -c 'd=$(mktemp -d) || exit 1; mount -t tmpfs -o size=64k tmpfs "$d" && mount -o remount,bind,ro "$d" && ! touch "$d/x" 2>/dev/null; r=$?; umount "$d" 2>/dev/null; rmdir "$d"; exit $r' 2>/dev/null; then
			MNTNS=$m
			return 0
		fi
	done
	MNTNS_WHY="needs a mount namespace with a tmpfs of its own, which '$1'${2:+ or '$2'} cannot make here (a container or chroot without the privilege?)"
	[ "$(id -u)" != 0 ] && [ -n "${ASROOT_WHY:-}" ] && MNTNS_WHY="$MNTNS_WHY; as root: $ASROOT_WHY"
	return 1
}

done_testing() {
	echo "1..$T_N"
	[ -n "$T_TMP" ] && rm -rf "$T_TMP"
	[ "$T_FAIL" -eq 0 ]
}
