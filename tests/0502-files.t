#!/bin/sh
# SPDX-License-Identifier: ISC
# The files the tools write (issue 12, defects 5, 6, 7 and 14) and fault
# injection: a FIFO or other non-regular file at a path, another owner, one
# symlink policy, the temp files of killed writers, a full disk, a read-only
# file system, and SIGKILL at each step of taking the lock and of replacing
# a file. Faults that need root (mounts, other owners) skip, saying why,
# without it; those that need strace skip without strace.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"

STRACE=$(command -v strace || true)
KEY=sk-bbbbbbbbbbbbbbbbbbbbbbbb

# a pid that is certainly dead: a child that has exited and been reaped
dead_pid() { sh -c 'exit 0' & p=$!; wait "$p"; echo "$p"; }

# --- 5. a FIFO (or anything but a regular file) is refused, at once
t_home
put_store '{"version":1,"profiles":{}}'
rm -f "$STORE"
mkfifo "$STORE"
for cmd in "oc-profile list" "oc-check" "oc-order get -p openai" "oc-keys get -p openai"; do
	# shellcheck disable=SC2086 # cmd is words
	run timeout -s KILL 10 $cmd
	is "$rc" 65 "5: a FIFO store: $cmd refuses it (65), without hanging"
done
like "$err" 'auth-profiles.json: a FIFO, not a regular file' "5: and says what is there"
run_in "$KEY" timeout -s KILL 10 oc-profile add -t api_key --no-config openai:b
is "$rc" 65 "5: a FIFO store: add refuses it (65) under the lock, without hanging"
ok "$([ ! -e "$STORE.lock" ]; echo $?)" "5: and leaves no lock"
ok "$([ -p "$STORE" ]; echo $?)" "5: the FIFO is left as it was"
t_home
put_config '{}'
rm -f "$CONFIG"
mkfifo "$CONFIG"
run_in "$KEY" timeout -s KILL 10 oc-profile add -t api_key openai:b
is "$rc" 65 "5: a FIFO config: refused (65), without hanging"
t_home
mkdir -p "$STATE"
mkfifo "$STATE/.env"
run_in "$KEY" timeout -s KILL 10 oc-keys set -p openai
is "$rc" 65 "5: a FIFO .env: set refuses it (65), without hanging"
run timeout -s KILL 10 oc-keys list -p openai
ok "$([ "$rc" != 124 ]; echo $?)" "5: a FIFO .env: list does not hang (exit $rc)"
like "$err" '\.env: a FIFO, not a regular file' "5: and warns about it"
t_home
mkdir -p "$HOME/.claude"
mkfifo "$HOME/.claude/.credentials.json"
run timeout -s KILL 10 oc-sync --claude
is "$rc" 65 "5: a FIFO Claude Code credentials file: refused (65), without hanging"
t_home
mkdir -p "$STORE"
run oc-profile list
is "$rc" 65 "5: a directory at the store path: refused (65)"

# --- 7. one symlink policy: followed when the link and the file have one
# owner, the file replaced where it is, the link kept
t_home
put_store '{"version":1,"profiles":{}}'
mkdir -p "$HOME/dotfiles"
mv "$STORE" "$HOME/dotfiles/store.json"
ln -s "$HOME/dotfiles/store.json" "$STORE"
put_config '{"x":1}'
mv "$CONFIG" "$HOME/dotfiles/openclaw.json"
ln -s ../dotfiles/openclaw.json "$CONFIG"
run_in "$KEY" oc-profile add -t api_key openai:b
is "$rc" 0 "7: a symlinked store and config: add works"
ok "$([ -L "$STORE" ] && [ -L "$CONFIG" ]; echo $?)" "7: both links are kept"
jqfile "$HOME/dotfiles/store.json" '.profiles["openai:b"].key == "'"$KEY"'"' "7: the store's target holds the change"
jqfile "$HOME/dotfiles/openclaw.json" '.x == 1 and .auth.profiles["openai:b"].mode == "api_key"' "7: the config's target holds the change"
is "$(mode_of "$HOME/dotfiles/store.json")" 600 "7: the target is 0600"
ok "$(ls -A "$AGENT" | grep -q tmp; [ $? -ne 0 ]; echo $?)" "7: no temp file beside the link"
mkdir -p "$HOME/dotfiles/env"
printf 'A=1\n' >"$HOME/dotfiles/env/dot.env"
ln -s "$HOME/dotfiles/env/dot.env" "$STATE/.env"
run_in sk-eeeeeeeeeeeeeeeeeeeeeeee oc-keys set -p openai
is "$rc" 0 "7: a symlinked .env: set works"
ok "$([ -L "$STATE/.env" ] && grep -qx 'OPENAI_API_KEY=sk-eeeeeeeeeeeeeeeeeeeeeeee' "$HOME/dotfiles/env/dot.env" && grep -qx A=1 "$HOME/dotfiles/env/dot.env"; echo $?)" \
    "7: the .env link is kept and its target holds the change"
t_home
put_config '{"x":1}'
rm -f "$CONFIG"
ln -s "$HOME/nowhere.json" "$CONFIG"
run_in "$KEY" oc-profile add -t api_key openai:b
is "$rc" 73 "7: a dangling symlinked config: refused (73)"
like "$err" 'symbolic link to nothing' "7: saying why"
ok "$([ -L "$CONFIG" ] && [ ! -e "$HOME/nowhere.json" ]; echo $?)" "7: the link is left, nothing created"
t_home
put_store '{"version":1,"profiles":{}}'
ln -s "$HOME/elsewhere" "$STORE.lock"
run_in "$KEY" oc-profile add -t api_key --no-config --wait 0.5s openai:b
is "$rc" 75 "7: a symlink at the lock path is not followed: the lock is busy"
ok "$([ ! -e "$HOME/elsewhere" ]; echo $?)" "7: and nothing was made through it"
if asroot_ok; then
	# A user plants a link to a file of root's; root must not follow it.
	# (As a user: root through sudo -n, see asroot in lib.sh.)
	t_home
	put_store '{"version":1,"profiles":{}}'
	printf '{"version":1,"profiles":{},"precious":true}\n' >"$T_TMP/root-file"
	cp "$T_TMP/root-file" "$T_TMP/root-file.before"
	asroot chown 0:0 "$T_TMP/root-file"
	rm "$STORE"
	ln -s "$T_TMP/root-file" "$STORE"
	asroot chown -h 4242:4242 "$STORE" "$AGENT"
	run_in "$KEY" asroot oc-profile add -t api_key --no-config openai:b
	is "$rc" 73 "7: a link owned by another user to root's file: refused (73)"
	like "$err" 'refusing to write through it' "7: saying why"
	ok "$(cmp -s "$T_TMP/root-file" "$T_TMP/root-file.before"; echo $?)" "7: the file it points to is untouched"
	as_owner
else
	skip "7: a link to another owner's file: the set-up $ASROOT_WHY"
fi

# --- 6. root writing in another user's home keeps the user's files theirs
if ! command -v setpriv >/dev/null 2>&1; then
	skip "6: other owners need setpriv (util-linux)"
elif asroot_ok; then
	t_home
	chmod 711 "$T_TMP"
	put_store '{"version":1,"profiles":{}}'
	put_config '{"x":1,"agents":{"list":[{"id":"main"},{"id":"work"}]}}'
	asroot chown -R 4242:4343 "$HOME"
	run_in "$KEY" asroot oc-profile add -t api_key openai:b
	is "$rc" 0 "6: root adds a profile in uid 4242's home"
	is "$(asroot stat -c %u:%g "$STORE" "$CONFIG" "$CONFIG.bak" | tr "\n" " ")" \
	    "4242:4343 4242:4343 4242:4343 " "6: store, config and .bak keep their owner and group"
	run asroot setpriv --reuid 4242 --regid 4343 --clear-groups oc-profile list
	is "$rc" 0 "6: the owner can still read them"
	run_in "$KEY" asroot oc-profile -a work add -t api_key --no-config openai:w
	is "$rc" 0 "6: root adds to a new agent's store"
	is "$(asroot stat -c %u:%g "$STATE/agents/work" "$STATE/agents/work/agent" "$STATE/agents/work/agent/auth-profiles.json" | sort -u)" \
	    "4242:4343" "6: its new directories and store belong to the home's owner"
	run_in sk-eeeeeeeeeeeeeeeeeeeeeeee asroot oc-keys set -p openai
	is "$(asroot stat -c %u:%g "$STATE/.env")" 4242:4343 "6: so does a new .env"
	as_owner
	# Someone else's file in a directory we may write: refused, not stolen.
	t_home
	chmod 711 "$T_TMP"
	put_store '{"version":1,"profiles":{}}'
	chmod 777 "$AGENT"
	chmod 755 "$HOME" "$STATE" "$STATE/agents" "$STATE/agents/main"
	chmod 644 "$STORE"
	asroot chown 4343:4343 "$STORE"
	snap "$STORE"
	printf '%s' "$KEY" >"$T_TMP/key"
	run asroot setpriv --reuid 4242 --regid 4242 --clear-groups env HOME="$HOME" oc-profile add -t api_key --no-config openai:b <"$T_TMP/key"
	is "$rc" 73 "6: a user replacing another user's store: refused (73)"
	like "$err" 'belongs to uid 4343' "6: saying whose it is"
	same_file "$STORE" "6: and the store is untouched"
	as_owner
else
	skip "6: other owners: the set-up $ASROOT_WHY"
fi

# --- 14. the temp files of killed writers are swept under the lock
t_home
put_store '{"version":1,"profiles":{}}'
put_config '{}'
d1=$(dead_pid)
printf 'sk-leaked' >"$AGENT/.auth-profiles.json.tmp-$d1-0badcafe"
printf 'sk-leaked' >"$AGENT/.auth-state.json.tmp-$d1-0badcaff"
printf 'x' >"$AGENT/.auth-profiles.json.tmp-$$-0badcafe"
printf 'x' >"$AGENT/.unrelated.tmp-$d1-0badcafe"
printf '{}' >"$STATE/.openclaw.json.tmp-$d1-12345678"
printf '{"pid":%s}' "$d1" >"$AGENT/.auth-profiles.json.lock.tmp-$d1-12345678"
touch -d '1 minute ago' "$AGENT/.auth-profiles.json.lock.tmp-$d1-12345678"
printf '{"pid":%s}' "$d1" >"$AGENT/.auth-profiles.json.lock.tmp-$d1-12345679"
run_in "$KEY" oc-profile add -t api_key openai:b
is "$rc" 0 "14: add with leftovers of killed writers"
ok "$([ ! -e "$AGENT/.auth-profiles.json.tmp-$d1-0badcafe" ] && [ ! -e "$AGENT/.auth-state.json.tmp-$d1-0badcaff" ]; echo $?)" \
    "14: a dead writer's store and state temps (with a key in them) are gone"
ok "$([ ! -e "$STATE/.openclaw.json.tmp-$d1-12345678" ]; echo $?)" "14: so is a dead writer's config temp"
ok "$([ ! -e "$AGENT/.auth-profiles.json.lock.tmp-$d1-12345678" ]; echo $?)" "14: and an old lock temp"
ok "$([ -e "$AGENT/.auth-profiles.json.tmp-$$-0badcafe" ]; echo $?)" "14: a live writer's temp stays"
ok "$([ -e "$AGENT/.auth-profiles.json.lock.tmp-$d1-12345679" ]; echo $?)" "14: a fresh lock temp (a waiter's, maybe) stays"
ok "$([ -e "$AGENT/.unrelated.tmp-$d1-0badcafe" ]; echo $?)" "14: another file's temp stays"
mkdir -p "$STATE"
printf 'sk-leaked' >"$STATE/.env"
printf 'A=sk-leaked\n' >"$STATE/..env.tmp-$d1-abcdef01"
run_in sk-eeeeeeeeeeeeeeeeeeeeeeee oc-keys set -p openai
ok "$([ ! -e "$STATE/..env.tmp-$d1-abcdef01" ]; echo $?)" "14: oc-keys set sweeps a dead writer's .env temp"

# --- fault: a full disk, a read-only file system (root: a small tmpfs)
if mntns; then
	t_home
	put_store '{"version":1,"profiles":{"openai:a":{"type":"api_key","provider":"openai","key":"sk-aaaaaaaaaaaaaaaaaaaaaaaa"}}}'
	put_config '{"auth":{"profiles":{"openai:a":{"provider":"openai","mode":"api_key"}}}}'
	cp "$STORE" "$T_TMP/store.before"
	cp "$CONFIG" "$T_TMP/config.before"
	printf '%s' "$KEY" >"$T_TMP/key"
	# In a mount namespace of its own: the tmpfs goes when it exits.
	T_TMP="$T_TMP" $MNTNS sh -c '
		set -e
		mount -t tmpfs -o size=128k tmpfs "$HOME"
		mkdir -p "$(dirname "$1")" && cp "$T_TMP/store.before" "$1" && chmod 600 "$1"
		cp "$T_TMP/config.before" "$2" && chmod 700 "$(dirname "$2")" && chmod 600 "$2"
		dd if=/dev/zero of="$HOME/filler" bs=4k 2>/dev/null || true
		set +e
		oc-profile add -t api_key openai:b <"$T_TMP/key" >/dev/null 2>"$T_TMP/full.err"
		echo $? >"$T_TMP/full.rc"
		cmp -s "$1" "$T_TMP/store.before" && cmp -s "$2" "$T_TMP/config.before"; echo $? >"$T_TMP/full.same"
		find "$HOME" -name "*.tmp-*" | wc -l >"$T_TMP/full.tmps"
		[ -e "$1.lock" ]; echo $? >"$T_TMP/full.lock"
		rm -f "$HOME/filler"
		mount -o remount,bind,ro "$HOME"
		oc-profile add -t api_key openai:b <"$T_TMP/key" >/dev/null 2>"$T_TMP/ro.err"
		echo $? >"$T_TMP/ro.rc"
		cmp -s "$1" "$T_TMP/store.before"; echo $? >"$T_TMP/ro.same"
	' sh "$STORE" "$CONFIG"
	is "$(cat "$T_TMP/full.rc")" 73 "fault: a full disk: add fails with 73"
	like "$(cat "$T_TMP/full.err")" 'No space left on device' "fault: a full disk: says so"
	is "$(cat "$T_TMP/full.same")" 0 "fault: a full disk: store and config are byte for byte as they were"
	is "$(cat "$T_TMP/full.tmps")" 0 "fault: a full disk: no temp file is left"
	is "$(cat "$T_TMP/full.lock")" 1 "fault: a full disk: no lock is left"
	is "$(cat "$T_TMP/ro.rc")" 73 "fault: a read-only file system: add fails with 73"
	like "$(cat "$T_TMP/ro.err")" 'Read-only file system' "fault: a read-only file system: says so"
	is "$(cat "$T_TMP/ro.same")" 0 "fault: a read-only file system: the store is as it was"
else
	skip "fault: a full disk and a read-only file system: $MNTNS_WHY"
fi

# --- the size limit (oc(7) SAFETY): over 64 MiB is refused, for readers
# and writers, and the file is left alone
t_home
put_store '{"version":1,"profiles":{}}'
truncate -s 67108865 "$STORE"
run oc-profile list
is "$rc" 65 "size: a store over 64 MiB: list refuses it (65)"
like "$err" 'auth-profiles.json: larger than 67108864 bytes' "size: and says why, naming the file"
run_in "$KEY" oc-profile add -t api_key --no-config openai:b
is "$rc" 65 "size: add refuses it too"
is "$(stat -c %s "$STORE")" 67108865 "size: the file is left as it was"
rm -f "$STORE"

# --- 10. a change to the store and auth-state.json together: the disk
# fills between the two (the small state fits, the large store does not),
# and both are left as they were, not an order naming a removed profile
if mntns; then
	t_home
	pad=$(head -c 90000 /dev/zero | tr '\0' p)
	put_store "{\"version\":1,\"x-pad\":\"$pad\",\"profiles\":{\"openai:a\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-aaaaaaaaaaaaaaaaaaaaaaaa\"},\"openai:b\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"$KEY\"}}}"
	STATE=$(dirname "$STORE")/auth-state.json
	printf '{"version":1,"order":{"openai":["openai:b","openai:a"]},"lastGood":{"openai":"openai:b"}}\n' >"$STATE"
	chmod 600 "$STATE"
	cp "$STORE" "$T_TMP/pair.store"
	cp "$STATE" "$T_TMP/pair.state"
	T_TMP="$T_TMP" $MNTNS sh -c '
		set -e
		mount -t tmpfs -o size=256k tmpfs "$HOME"
		mkdir -p "$(dirname "$1")" && chmod 700 "$HOME/.openclaw" "$(dirname "$1")"
		cp "$T_TMP/pair.store" "$1" && cp "$T_TMP/pair.state" "$2" && chmod 600 "$1" "$2"
		# leave about 40 KiB: room for the new state, not the new store
		avail=$(df --output=avail -B1 "$HOME" | tail -n 1)
		dd if=/dev/zero of="$HOME/filler" bs=4096 count=$(( (avail - 40960) / 4096 )) 2>/dev/null
		set +e
		oc-profile rm openai:b >/dev/null 2>"$T_TMP/pair.err"
		echo $? >"$T_TMP/pair.rc"
		cmp -s "$1" "$T_TMP/pair.store"; echo $? >"$T_TMP/pair.same.store"
		cmp -s "$2" "$T_TMP/pair.state"; echo $? >"$T_TMP/pair.same.state"
		find "$HOME" -name "*.tmp-*" | wc -l >"$T_TMP/pair.tmps"
		rm -f "$HOME/filler"
		oc-profile rm openai:b >/dev/null 2>"$T_TMP/pair2.err"
		echo $? >"$T_TMP/pair2.rc"
		jq -c .order "$2" >"$T_TMP/pair2.order"
	' sh "$STORE" "$STATE"
	is "$(cat "$T_TMP/pair.rc")" 73 "10: the disk full between the two files: rm fails with 73"
	like "$(cat "$T_TMP/pair.err")" 'No space left on device' "10: and says so"
	is "$(cat "$T_TMP/pair.same.store"):$(cat "$T_TMP/pair.same.state")" 0:0 \
	    "10: the store and auth-state.json are both as they were (not an order naming a removed profile)"
	is "$(cat "$T_TMP/pair.tmps")" 0 "10: no temp file is left"
	is "$(cat "$T_TMP/pair2.rc")" 0 "10: with room again, rm succeeds"
	is "$(cat "$T_TMP/pair2.order")" '{"openai":["openai:a"]}' "10: and both files change together"
else
	skip "10: a full disk between two files: $MNTNS_WHY"
fi

# --- fault: SIGKILL at each step of taking the lock and of a replacement
if [ -n "$STRACE" ]; then
	# inject SYSCALL: oc-profile add killed (SIGKILL) when it makes it
	inject() {
		printf '%s' "$KEY" >"$T_TMP/key"
		( "$STRACE" -f -qq -o /dev/null -e trace="$1" \
		    -e inject="$1":signal=KILL${2:+:when=$2} \
		    oc-profile add -t api_key --no-config openai:b <"$T_TMP/key" \
		    >/dev/null 2>&1; true ) 2>/dev/null
	}
	# Between creating the lock and writing its content: the lock is made
	# whole beside it and link(2)ed into place, so a kill at the write or
	# at the link leaves no lock, empty or not, and the next writer does
	# not wait for one.
	for step in "write:1" "link:1"; do
		t_home
		put_store '{"version":1,"profiles":{}}'
		inject "${step%:*}" "${step#*:}"
		ok "$([ ! -e "$STORE.lock" ]; echo $?)" "fault: SIGKILL at the lock's ${step%:*}: no lock left (empty or not)"
		t0=$(date +%s)
		run_in sk-cccccccccccccccccccccccc oc-profile add -t api_key --no-config --wait 5s openai:c
		t1=$(date +%s)
		is "$rc" 0 "fault: SIGKILL at the lock's ${step%:*}: the next writer gets in"
		ok "$([ $((t1 - t0)) -lt 3 ]; echo $?)" "fault: SIGKILL at the lock's ${step%:*}: at once ($((t1 - t0)) s)"
	done
	# Before the rename: the store is untouched and the temp file (with
	# the new key) is left; the next writer sweeps it.
	t_home
	put_store '{"version":1,"profiles":{}}'
	snap "$STORE"
	inject rename
	same_file "$STORE" "fault: SIGKILL before the rename: the store is untouched"
	is "$(ls -A "$AGENT" | grep -c '^\.auth-profiles\.json\.tmp-')" 1 "fault: SIGKILL before the rename: its temp is left"
	ok "$([ ! -e "$STORE.lock" ] || [ -s "$STORE.lock" ]; echo $?)" "fault: SIGKILL before the rename: its lock, if any, is whole"
	run_in sk-cccccccccccccccccccccccc oc-profile add -t api_key --no-config openai:c
	is "$rc" 0 "fault: the next writer (the dead one's lock is stale: its pid is gone)"
	is "$(ls -A "$AGENT" | grep -c 'tmp-')" 0 "fault: and it swept the temp"
	jqfile "$STORE" '.profiles | keys == ["openai:c"]' "fault: and no partial file took the store's place"
else
	skip "fault: SIGKILL at each step needs strace"
fi

# A watcher never sees an empty lock while writers are killed at random.
t_home
put_store '{"version":1,"profiles":{}}'
empty=0
( i=0; while [ $i -lt 4000 ]; do
	# one stat(2): a lock released and taken again between two tests of
	# the path would look empty without being so
	[ "$(stat -c %s "$STORE.lock" 2>/dev/null)" = 0 ] && echo empty
	i=$((i + 1)); done >"$T_TMP/watch" ) &
W=$!
n=0
while [ $n -lt 60 ]; do
	printf '%s' "$KEY" | oc-profile add -t api_key --no-config --wait 2s "openai:k$n" >/dev/null 2>&1 &
	p=$!
	sleep "0.00$((n % 10))"
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	n=$((n + 1))
done
wait "$W"
is "$(grep -c empty "$T_TMP/watch")" 0 "fault: 60 writers killed at random: no empty lock ever seen"
ok "$([ ! -e "$STORE.lock" ] || [ -s "$STORE.lock" ]; echo $?)" "fault: and a lock left behind is whole"
run oc-profile list
is "$rc" 0 "fault: the store still reads"

done_testing
