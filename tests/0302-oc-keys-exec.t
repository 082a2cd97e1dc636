#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-keys exec: runs the command with VAR set to each key in turn, and
# moves on only when the command failed and (exit 75 or a rate-limit
# message on its stderr). Output passes through live; stderr is teed; the
# exit status is the last attempt's; the key reaches the command only in
# VAR (never argv), over the caller's environment.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
t_home
D=$T_TMP/d
mkdir -p "$D"
LOG=$D/attempts
CMD=$T_TMP/cmd.sh
cat >"$CMD" <<'X'
#!/bin/sh
v=${KEYVAR:-OPENAI_API_KEY}
eval "key=\${$v:-}"
echo "$key" >>"$LOG"
tr '\0' '\n' </proc/$$/cmdline >"$D/cmdline.$key"
tr '\0' '\n' </proc/$$/environ >"$D/environ.$key"
case $key in
k75*) echo "busy, try later" >&2; exit 75 ;;
k429ok*) echo "saw 429 but fine" >&2; echo "ok:$key"; exit 0 ;;
k429*) echo "Error: HTTP 429 Too Many Requests" >&2; exit 1 ;;
kquota*) echo "RESOURCE_EXHAUSTED: Quota Exceeded" >&2; exit 2 ;;
kfail*) echo "boom" >&2; exit 3 ;;
kout*) echo "rate limit (on stdout)"; exit 4 ;;
kbare*) echo "quota is low" >&2; exit 5 ;;
kkill*) kill -9 $$ ;;
*) echo "ok:$key"; exit 0 ;;
esac
X
chmod 755 "$CMD"
export LOG D

# ex KEYS [extra env...] -- args: run exec for openai with OPENAI_API_KEYS
ex() {
	local k=$1
	shift
	: >"$LOG"
	run env -i HOME="$HOME" PATH="$PATH" LOG="$LOG" D="$D" OPENAI_API_KEYS="$k" "$@"
}
attempts() { tr '\n' ' ' <"$LOG"; }

ex "k75 kok" oc-keys exec -p openai -- "$CMD"
is "$rc" 0 "exit 75: rotates to the next key, which succeeds"
is "$(attempts)" "k75 kok " "exit 75: both keys tried in order"
is "$out" "ok:kok" "the command's stdout passes through"
like "$err" "busy, try later" "the command's stderr passes through"
like "$err" "key 1/2 \(OPENAI_API_KEYS\) rate-limited \(exit 75\); trying the next" "rotation is said on stderr"
unlike "$err" "k75|kok" "no key in oc-keys' own messages"

ex "k429 kok" oc-keys exec -p openai -- "$CMD"
is "$rc" 0 "a 429 message on stderr: rotates"
is "$(attempts)" "k429 kok " "429: both keys tried"
like "$err" "HTTP 429 Too Many Requests" "429: stderr still shown"

ex "kquota kok" oc-keys exec -p openai -- "$CMD"
is "$(attempts)" "kquota kok " "RESOURCE_EXHAUSTED / quota exceeded (any case): rotates"

ex "kfail kok" oc-keys exec -p openai -- "$CMD"
is "$rc" 3 "any other failure: stops, with the command's status"
is "$(attempts)" "kfail " "any other failure: the next key is not tried"

ex "kbare kok" oc-keys exec -p openai -- "$CMD"
is "$rc" 5 "a bare \"quota\" is not a rate limit"
is "$(attempts)" "kbare " "bare quota: no rotation"

ex "kout kok" oc-keys exec -p openai -- "$CMD"
is "$rc" 4 "a rate-limit message on stdout does not count"
is "$(attempts)" "kout " "stdout is not inspected"

ex "k429ok kok" oc-keys exec -p openai -- "$CMD"
is "$rc" 0 "success with a 429 on stderr: no rotation"
is "$(attempts)" "k429ok " "only failed commands rotate"

ex "k75 kfail kok" oc-keys exec -p openai -- "$CMD"
is "$rc" 3 "exit status of the last attempt"
is "$(attempts)" "k75 kfail " "stopped at the non-rate-limit failure"

ex "k75 k429" oc-keys exec -p openai -- "$CMD"
is "$rc" 1 "every key rate-limited: the last attempt's status (here 1)"
like "$err" "every key \(2\) was rate-limited; exit status 1" "every key rate-limited: said"
ex "k429 k75" oc-keys exec -p openai -- "$CMD"
is "$rc" 75 "every key rate-limited, last one exit 75: 75"

ex "kkill kok" oc-keys exec -p openai -- "$CMD"
is "$rc" 137 "killed by a signal: 128+9, no rotation"
is "$(attempts)" "kkill " "killed: the next key is not tried"

ex "kok" oc-keys exec -p openai -- "$T_TMP/no-such-command"
is "$rc" 127 "a command that does not exist: 127"
like "$err" "no-such-command" "and it is named"

# --- the key only in VAR, never in argv
ex "k75 kok" ANTHROPIC_API_KEY=unrelated oc-keys exec -p openai -- "$CMD" --flag
for k in k75 kok; do
	if grep -q "$k" "$D/cmdline.$k"; then ok 1 "$k: not in the command's argv"; else ok 0 "$k: not in the command's argv"; fi
	is "$(grep -c "^OPENAI_API_KEY=$k\$" "$D/environ.$k")" 1 "$k: in OPENAI_API_KEY"
done
is "$(grep -c -e k75 -e kok "$D/environ.kok" | tr -d ' ')" 2 \
    "kok attempt: the other key only in the caller's own OPENAI_API_KEYS"
is "$(grep -c '^ANTHROPIC_API_KEY=unrelated$' "$D/environ.kok")" 1 "the caller's environment is inherited"
is "$(sed -n 2p "$D/cmdline.kok")" "$CMD" "argv as given"
is "$(sed -n 3p "$D/cmdline.kok")" "--flag" "arguments after -- reach the command untouched"

# -e VAR and the default variable per provider
: >"$LOG"
run env -i HOME="$HOME" PATH="$PATH" LOG="$LOG" D="$D" KEYVAR=MY_KEY GEMINI_API_KEY=kg1 oc-keys exec -p google -e MY_KEY -- "$CMD"
is "$rc" 0 "-e VAR: exit 0"
is "$(attempts)" "kg1 " "-e VAR: the key in that variable"
: >"$LOG"
run env -i HOME="$HOME" PATH="$PATH" LOG="$LOG" D="$D" KEYVAR=GEMINI_API_KEY GOOGLE_API_KEY=kg2 oc-keys exec -p google -- "$CMD"
is "$(attempts)" "kg2 " "google: the default variable is GEMINI_API_KEY"

# --- keys from .env: used, but .env's other variables do not leak to the command
mkdir -p "$STATE"
printf 'OPENAI_API_KEYS="k429 kenv"\nDOTENV_ONLY=s3cr3t\n' >"$STATE/.env"
: >"$LOG"
run env -i HOME="$HOME" PATH="$PATH" LOG="$LOG" D="$D" oc-keys exec -p openai -- "$CMD"
is "$rc" 0 ".env keys: rotated to the second"
is "$(attempts)" "k429 kenv " ".env keys: used in order"
is "$(grep -c -e DOTENV_ONLY -e '^OPENAI_API_KEYS=' "$D/environ.kenv")" 0 \
    "the command gets the caller's environment, not the .env additions"
rm -f "$STATE/.env"

# --- no keys: the command is not run
: >"$LOG"
run env -i HOME="$HOME" PATH="$PATH" LOG="$LOG" D="$D" oc-keys exec -p openai -- "$CMD"
is "$rc" 1 "no keys: exit 1"
is "$(attempts)" "" "no keys: the command is not run"
run env -i HOME="$HOME" PATH="$PATH" OPENAI_API_KEY=x oc-keys exec -p openai
is "$rc" 64 "no command: usage error"

# --- stdout and stderr are live, not buffered until the end
cat >"$T_TMP/slow.sh" <<'X'
#!/bin/sh
echo first-out; echo first-err >&2
while [ ! -e "$D/go" ]; do sleep 0.05; done
echo second-out
X
chmod 755 "$T_TMP/slow.sh"
env -i HOME="$HOME" PATH="$PATH" D="$D" OPENAI_API_KEY=k oc-keys exec -p openai -- "$T_TMP/slow.sh" \
    >"$T_TMP/live.out" 2>"$T_TMP/live.err" &
bg=$!
i=0
while [ $i -lt 100 ] && ! grep -q first-err "$T_TMP/live.err" 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
is "$(cat "$T_TMP/live.out")" "first-out" "stdout arrives while the command runs"
is "$(cat "$T_TMP/live.err")" "first-err" "stderr is teed while the command runs"
touch "$D/go"
wait $bg
is "$?" 0 "the slow command finished: exit 0"
is "$(tr '\n' ' ' <"$T_TMP/live.out")" "first-out second-out " "all of stdout"

# --- a process the command leaves behind holding stderr does not hold us
cat >"$T_TMP/bg.sh" <<'X'
#!/bin/sh
echo "$OPENAI_API_KEY" >>"$LOG"
sleep 6 &
echo "HTTP 429 from $OPENAI_API_KEY" >&2
[ "$OPENAI_API_KEY" = kb2 ] && exit 0
exit 1
X
chmod 755 "$T_TMP/bg.sh"
: >"$LOG"
t0=$(date +%s)
run env -i HOME="$HOME" PATH="$PATH" LOG="$LOG" OPENAI_API_KEYS="kb1 kb2" oc-keys exec -p openai -- "$T_TMP/bg.sh"
t1=$(date +%s)
is "$rc" 0 "a background child keeps stderr open: still rotates and ends"
is "$(attempts)" "kb1 kb2 " "its rate-limit message was seen"
[ $((t1 - t0)) -lt 5 ]; ok $? "not held until the background process exits"

done_testing
