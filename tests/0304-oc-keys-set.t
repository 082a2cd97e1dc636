#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-keys set: a key from stdin into <state>/.env for daemons: replaces
# only the entry for VAR, keeps every other byte, quotes only when needed,
# 0600, atomic, under a lock (concurrent sets lose nothing), and refuses
# a file it cannot read or parse without touching it.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
t_home
ENV=$STATE/.env
DUMP="$OC_BUILDDIR/tests/progs/dotenv-dump"
# parsed VAR: the value as dotenv reads it back
parsed() { "$DUMP" "$ENV" | jq -r --arg k "$1" '.[$k]'; }

# --- a new file, in a state dir that does not exist yet
printf 'sk-first\n' | oc-keys set -p openai >"$T_TMP/o" 2>"$T_TMP/e"
is "$?" 0 "set: exit 0"
is "$(cat "$T_TMP/o")" "OPENAI_API_KEY added to $ENV" "says what it did"
is "$(cat "$ENV")" "OPENAI_API_KEY=sk-first" "VAR=value, the trailing newline of stdin dropped"
is "$(mode_of "$ENV")" 600 ".env is 0600"
is "$(mode_of "$STATE")" 700 "a state dir it creates is 0700"
unlike "$(cat "$T_TMP/o" "$T_TMP/e")" "sk-first" "the key is not echoed"

# --- replacing one entry keeps every other byte
printf '# daemon keys\r\nexport OPENAI_API_KEY="old" # rotated monthly\nA=1\n\n  # indented comment\nMULTI="line one\nline two"\nB=two words\nOPENAI_API_KEY=dup\nC=last-no-newline' >"$ENV"
chmod 644 "$ENV"
ino1=$(stat -c %i "$ENV")
printf 'sk-second' | oc-keys set -p openai >/dev/null
is "$?" 0 "replace: exit 0"
is "$(cat "$ENV")" "$(printf '# daemon keys\r\nexport OPENAI_API_KEY=sk-second\nA=1\n\n  # indented comment\nMULTI="line one\nline two"\nB=two words\nC=last-no-newline')" \
    "only the VAR entry changed (export kept); a later duplicate removed; CRLF, comments, blank lines kept"
is "$(mode_of "$ENV")" 600 "a 0644 .env becomes 0600"
isnt_ino=$(stat -c %i "$ENV")
[ "$ino1" != "$isnt_ino" ]; ok $? "replaced by rename, not rewritten in place"
is "$(ls -a "$STATE" | grep -c 'tmp')" 0 "no temporary file left behind"

printf 'ml-new' | oc-keys -e MULTI set >/dev/null
is "$(parsed MULTI)" "ml-new" "a multi-line quoted entry is replaced whole"
is "$(parsed B)" "two words" "the entry after it intact"
is "$(grep -c 'line two' "$ENV")" 0 "no piece of the old multi-line value left"
printf 'cc' | oc-keys set -e C >/dev/null
is "$(tail -n 1 "$ENV")" "C=cc" "the last entry, without a final newline, replaced"

# --- quoting only when needed; every value reads back as itself
for v in 'plain-Key_123' 'with#hash' 'with space inside' "quote'single" '"leading-double' \
    'both '"'"'and#' 'a=b=c' 'trailing\' '`tick' 'has\nliteral'; do
	printf '%s' "$v" | oc-keys set -e QV >/dev/null
	# (descriptions go through echo: no backslashes in them)
	is "$(parsed QV)" "$v" "round trip: $(printf '%s' "$v" | tr '\\' '/')"
done
printf 'plain-Key_123' | oc-keys set -e QV >/dev/null
is "$(grep '^QV=' "$ENV")" "QV=plain-Key_123" "a plain value is not quoted"
printf 'with#hash' | oc-keys set -e QV >/dev/null
is "$(grep '^QV=' "$ENV")" "QV='with#hash'" "'#' needs quotes"

# --- stdin is normalised like a pasted key; it is never taken from argv
printf '  sk-pad \r\n' | oc-keys set -e PAD >/dev/null
is "$(grep '^PAD=' "$ENV")" "PAD=sk-pad" "surrounding white space and CRLF dropped"
run oc-keys set -p openai sk-in-argv </dev/null
is "$rc" 64 "a key in argv: usage error"
cp "$ENV" "$T_TMP/before"
run sh -c 'printf "   \n" | oc-keys set -p openai'
is "$rc" 65 "an empty key: exit 65"
cmp -s "$ENV" "$T_TMP/before"; ok $? "an empty key: file untouched"
run sh -c 'printf x | oc-keys set -e "1BAD"'
is "$rc" 64 "an invalid variable name: usage error"
run sh -c 'printf x | oc-keys set'
is "$rc" 64 "neither -p nor -e: usage error"
run sh -c 'printf x | OPENAI_API_KEY=y oc-keys set -p openai'
like "$err" "OPENAI_API_KEY is set in this environment" "a note when the process has VAR set"
run sh -c 'printf sk-j | oc-keys set -p google --json'
jqok ".var == \"GEMINI_API_KEY\" and .path == \"$ENV\" and .replaced == false" "--json; google's variable is GEMINI_API_KEY"

# --- what get reads back is what was set
printf 'sk-roundtrip#1' | oc-keys set -p mistral >/dev/null
run env -i HOME="$HOME" PATH="$PATH" oc-keys get -p mistral
is "$out" "sk-roundtrip#1" "get reads the key set for the provider"

# --- corrupt and unreadable files are not rewritten
printf 'A=1\nB=\0x\n' >"$ENV"
cp "$ENV" "$T_TMP/before"
run sh -c 'printf k | oc-keys set -e A'
is "$rc" 65 "a NUL byte: exit 65"
like "$err" "NUL" "a NUL byte: said"
cmp -s "$ENV" "$T_TMP/before"; ok $? "a NUL byte: file byte-identical"
rm "$ENV"; mkdir "$ENV"
run sh -c 'printf k | oc-keys set -e A'
is "$rc" 65 "an unreadable .env (a directory): exit 65"
[ -d "$ENV" ]; ok $? "an unreadable .env: left alone"
rmdir "$ENV"
head -c 1100000 /dev/zero | tr '\0' 'x' >"$ENV"
cp "$ENV" "$T_TMP/before"
run sh -c 'printf k | oc-keys set -e A'
is "$rc" 65 "a .env over 1 MiB: exit 65"
cmp -s "$ENV" "$T_TMP/before"; ok $? "a .env over 1 MiB: untouched"

# --- a symlinked .env is updated where it points
printf 'A=1\n' >"$T_TMP/real.env"; chmod 600 "$T_TMP/real.env"
rm -f "$ENV"; ln -s "$T_TMP/real.env" "$ENV"
printf k2 | oc-keys set -e A >/dev/null
[ -L "$ENV" ]; ok $? "symlink: the link stays"
is "$(cat "$T_TMP/real.env")" "A=k2" "symlink: the target is updated"
rm -f "$ENV"

# --- a lock held by a live process: wait, then 75, file untouched
printf 'A=1\n' >"$ENV"; chmod 600 "$ENV"
cp "$ENV" "$T_TMP/before"
sleep 30 & holder=$!
printf '{"pid":%d,"createdAt":"%s"}' "$holder" "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" >"$ENV.lock"
t0=$(date +%s%N)
run sh -c 'printf k | oc-keys set -e A --wait 1s'
t1=$(date +%s%N)
is "$rc" 75 "lock held: exit 75"
[ $(( (t1 - t0) / 1000000 )) -ge 900 ]; ok $? "lock held: it waited about --wait"
cmp -s "$ENV" "$T_TMP/before"; ok $? "lock held: file untouched"
kill "$holder"; wait "$holder" 2>/dev/null
run sh -c 'printf k3 | oc-keys set -e A --wait 2s'
is "$rc" 0 "the holder died: its stale lock is broken"
[ ! -e "$ENV.lock" ]; ok $? "the lock is released"

# --- concurrent writers: nothing lost
printf '# shared\n' >"$ENV"
i=0
while [ $i -lt 20 ]; do
	{ printf 'v%d' $i | oc-keys set -e "CONC_$i" --wait 120s >/dev/null 2>&1; echo $? >"$T_TMP/rc.$i"; } &
	i=$((i + 1))
done
wait
n=0; good=0; i=0
while [ $i -lt 20 ]; do
	[ "$(cat "$T_TMP/rc.$i")" = 0 ] && good=$((good + 1))
	[ "$(parsed "CONC_$i")" = "v$i" ] && n=$((n + 1))
	i=$((i + 1))
done
is "$good" 20 "20 concurrent sets: every writer succeeded"
is "$n" 20 "20 concurrent sets: every variable present"
is "$(head -n 1 "$ENV")" "# shared" "concurrent sets: the comment kept"
is "$(wc -l <"$ENV" | tr -d ' ')" 21 "concurrent sets: no duplicate or lost line"
i=0
while [ $i -lt 10 ]; do
	printf 'r%d' $i | oc-keys set -e SAME --wait 120s >/dev/null 2>&1 &
	i=$((i + 1))
done
wait
is "$(grep -c '^SAME=' "$ENV")" 1 "10 concurrent sets of one variable: one entry"

# --- crash mid-write: a writer killed at any moment leaves the old or the
# new file, never a partial one
printf '# keep me\nOTHER=1\nBIG=old\n' >"$ENV"
big=$(head -c 50000 /dev/zero | tr '\0' 'k')
printf '%s' "$big" >"$T_TMP/big"
bad=0; i=0
while [ $i -lt 25 ]; do
	oc-keys set -e BIG <"$T_TMP/big" >/dev/null 2>&1 &
	pid=$!
	sleep "0.00$((i % 10))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	v=$(parsed BIG)
	if [ "$v" != old ] && [ "$v" != "$big" ]; then bad=$((bad + 1)); diag "round $i: BIG is neither"; fi
	if [ "$(parsed OTHER)" != 1 ] || [ "$(head -n 1 "$ENV")" != "# keep me" ]; then
		bad=$((bad + 1)); diag "round $i: the other lines changed"
	fi
	# A writer killed between creating the lock and writing its pid
	# leaves an empty lock, honoured for 30 s (oc(7) SAFETY): clear it.
	rm -f "$ENV.lock"
	printf '# keep me\nOTHER=1\nBIG=old\n' >"$ENV"
	i=$((i + 1))
done
is "$bad" 0 "25 writers killed at random moments: the file is always whole, old or new"
run sh -c "oc-keys set -e BIG <'$T_TMP/big'"
is "$rc" 0 "after the crashes a set succeeds"
is "$(parsed BIG)" "$big" "and writes the whole value"

done_testing
