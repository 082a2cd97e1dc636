#!/bin/sh
# SPDX-License-Identifier: ISC
# SecretRefs (keyRef/tokenRef, the inline "${VAR}" form) through config
# secrets.providers: env, file and exec, each refusal, and no resolved
# secret in any message. Driven through oc-keys get.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
t_home
ALLERR=$T_TMP/all-stderr
: >"$ALLERR"
# g [VAR=V...]: oc-keys get -p openai in a clean environment
g() {
	run env -i HOME="$HOME" PATH="$PATH" "$@" oc-keys get -p openai
	printf '%s\n' "$err" >>"$ALLERR"
}
ref_store() {
	put_store "{\"version\":1,\"profiles\":{\"openai:r\":{\"type\":\"api_key\",\"provider\":\"openai\",\"keyRef\":$1}}}"
}
S=$T_TMP/s
mkdir -p "$S"; chmod 700 "$S"

# --- env
ref_store '{"source":"env","provider":"default","id":"MY_KEY"}'
g MY_KEY=SEKRET-env1
is "$out" "SEKRET-env1" "env ref, provider default, no config needed"
g
is "$rc" 1 "env ref to a missing variable: exit 1"
like "$err" "environment variable \"MY_KEY\" is missing or empty" "missing variable: said"
put_config '{"secrets":{"providers":{"vars":{"source":"env","allowlist":["MY_KEY"]}}}}'
ref_store '{"source":"env","provider":"vars","id":"MY_KEY"}'
g MY_KEY=SEKRET-env2
is "$out" "SEKRET-env2" "env provider with an allowlist"
ref_store '{"source":"env","provider":"vars","id":"OTHER_KEY"}'
g OTHER_KEY=SEKRET-env3
is "$rc" 1 "not in the allowlist: exit 1"
like "$err" "not allowlisted in secrets.providers.vars.allowlist" "allowlist: said"
ref_store '{"source":"env","provider":"nowhere","id":"MY_KEY"}'
g MY_KEY=SEKRET-env4
is "$rc" 1 "an unconfigured provider: exit 1"
like "$err" "secret provider \"nowhere\" is not configured \(ref: env:nowhere:MY_KEY\)" "unconfigured: said"
put_config '{"secrets":{"defaults":{"env":"mine"}}}'
ref_store '{"source":"env","id":"MY_KEY"}'
g MY_KEY=SEKRET-env5
is "$out" "SEKRET-env5" "legacy ref without provider: secrets.defaults.env names the built-in env provider"
put_store '{"version":1,"profiles":{"openai:r":{"type":"api_key","provider":"openai","key":"${MY_KEY}"}}}'
g MY_KEY=SEKRET-env6
is "$out" "SEKRET-env6" "inline \${VAR} uses the default env alias"
put_config '{"secrets":{"providers":{"vars":{"source":"file","path":"/x"}}}}'
ref_store '{"source":"env","provider":"vars","id":"MY_KEY"}'
g MY_KEY=SEKRET-env7
like "$err" "has source \"file\" but ref requests \"env\"" "source mismatch: said"
put_config '{}'

# --- file, JSON mode (the default)
printf '{"providers":{"openai":{"apiKey":"SEKRET-file1"}},"a/b":{"c~d":"SEKRET-file2"},"list":["x","SEKRET-file3"],"num":42,"obj":{"k":"SEKRET-inobj"}}' >"$S/secrets.json"
chmod 600 "$S/secrets.json"
put_config "{\"secrets\":{\"providers\":{\"fs\":{\"source\":\"file\",\"path\":\"$S/secrets.json\"},\"one\":{\"source\":\"file\",\"path\":\"$S/one\",\"mode\":\"singleValue\"},\"tiny\":{\"source\":\"file\",\"path\":\"$S/secrets.json\",\"maxBytes\":10}}}}"
ref_store '{"source":"file","provider":"fs","id":"/providers/openai/apiKey"}'
g
is "$out" "SEKRET-file1" "file: a JSON pointer"
ref_store '{"source":"file","provider":"fs","id":"/a~1b/c~0d"}'
g
is "$out" "SEKRET-file2" "file: ~1 and ~0 escapes"
ref_store '{"source":"file","provider":"fs","id":"/list/1"}'
g
is "$out" "SEKRET-file3" "file: an array index"
ref_store '{"source":"file","provider":"fs","id":"/list/2"}'
g
like "$err" "JSON pointer segment \"2\" is out of bounds" "file: index out of bounds"
ref_store '{"source":"file","provider":"fs","id":"/providers/nope"}'
g
like "$err" "JSON pointer segment \"nope\" does not exist" "file: missing member"
ref_store '{"source":"file","provider":"fs","id":"/obj"}'
g
like "$err" "resolved to a non-string or empty value" "file: an object is not a secret"
ref_store '{"source":"file","provider":"fs","id":"/num"}'
g
is "$rc" 1 "file: a number is not a secret"
ref_store '{"source":"file","provider":"fs","id":"providers"}'
g
like "$err" "absolute JSON pointers" "file: the id must be a pointer"
ref_store '{"source":"file","provider":"tiny","id":"/num"}'
g
like "$err" "exceeded maxBytes \(10\)" "file: the size bound"
printf 'SEKRET-broken {' >"$S/bad.json"; chmod 600 "$S/bad.json"
put_config "{\"secrets\":{\"providers\":{\"fs\":{\"source\":\"file\",\"path\":\"$S/bad.json\"}}}}"
ref_store '{"source":"file","provider":"fs","id":"/a"}'
g
is "$rc" 1 "file: invalid JSON: exit 1"

# --- file, singleValue
put_config "{\"secrets\":{\"providers\":{\"one\":{\"source\":\"file\",\"path\":\"$S/one\",\"mode\":\"singleValue\"},\"fs\":{\"source\":\"file\",\"path\":\"$S/secrets.json\"}}}}"
printf 'SEKRET-single\n' >"$S/one"; chmod 600 "$S/one"
ref_store '{"source":"file","provider":"one","id":"value"}'
g
is "$out" "SEKRET-single" "singleValue: the whole file, less the final newline"
ref_store '{"source":"file","provider":"one","id":"/x"}'
g
like "$err" "singleValue file provider \"one\" expects ref id \"value\"" "singleValue: the id must be value"

# --- file refusals (77)
ref_store '{"source":"file","provider":"one","id":"value"}'
chmod 644 "$S/one"
g
is "$rc" 77 "a 0644 file: refused, 77"
like "$err" "permissions are too open \(644\)" "0644: said"
chmod 640 "$S/one"; g
is "$rc" 77 "a 0640 file: refused"
chmod 620 "$S/one"; g
is "$rc" 77 "a group-writable file: refused"
chmod 700 "$S/one"; g
is "$out" "SEKRET-single" "execute bits are not checked (0700 is fine)"
chmod 600 "$S/one"
ln -s "$S/one" "$S/link"
put_config "{\"secrets\":{\"providers\":{\"one\":{\"source\":\"file\",\"path\":\"$S/link\",\"mode\":\"singleValue\"}}}}"
g
is "$rc" 77 "a symlink: refused, 77"
like "$err" "must not be a symlink" "symlink: said"
put_config '{"secrets":{"providers":{"one":{"source":"file","path":"relative/one","mode":"singleValue"}}}}'
g
is "$rc" 77 "a relative path: refused, 77"
put_config "{\"secrets\":{\"providers\":{\"one\":{\"source\":\"file\",\"path\":\"$S/none\",\"mode\":\"singleValue\"}}}}"
g
is "$rc" 1 "a missing file: unresolved, exit 1"
put_config "{\"secrets\":{\"providers\":{\"one\":{\"source\":\"file\",\"path\":\"$S\",\"mode\":\"singleValue\"}}}}"
g
is "$rc" 1 "a directory: unresolved, exit 1"
if asroot_ok; then
	cp "$S/one" "$S/theirs"; chmod 600 "$S/theirs"; asroot chown nobody "$S/theirs"
	put_config "{\"secrets\":{\"providers\":{\"one\":{\"source\":\"file\",\"path\":\"$S/theirs\",\"mode\":\"singleValue\"}}}}"
	g
	is "$rc" 77 "a file owned by another user: refused, 77"
	like "$err" "must be owned by the current user \(uid=$(id -u)\)" "other owner: said"
	as_owner
else
	skip "a file owned by another user: chown to another user $ASROOT_WHY"
	skip "a file owned by another user: chown to another user $ASROOT_WHY"
fi
# a refused profile does not stop a usable one after it, but is warned about
put_config "{\"secrets\":{\"providers\":{\"one\":{\"source\":\"file\",\"path\":\"$S/link\",\"mode\":\"singleValue\"}}}}"
put_store '{"version":1,"profiles":{"openai:r":{"type":"api_key","provider":"openai","keyRef":{"source":"file","provider":"one","id":"value"}},"openai:z":{"type":"api_key","provider":"openai","key":"SEKRET-plain"}}}'
g
is "$out" "SEKRET-plain" "a refused ref: the next profile is used"
like "$err" "warning: skipped profile openai:r: .*must not be a symlink" "a refused ref: warned"

# --- exec
EX=$S/vault.sh
cat >"$EX" <<'X'
#!/bin/sh
cat >"$LOGDIR/stdin"
env >"$LOGDIR/env"
pwd >"$LOGDIR/pwd"
printf '%s\n' "$@" >"$LOGDIR/args"
case ${MODE:-ok} in
ok) printf '{"protocolVersion":1,"values":{"openai/key":"SEKRET-exec1","other":"SEKRET-other"}}\n' ;;
raw) printf '  SEKRET-raw  \n' ;;
badjson) printf '{"protocolVersion":1,"values":{"openai/key":"SEKRET-inbad"' ;;
v2) printf '{"protocolVersion":2,"values":{"openai/key":"SEKRET-v2"}}' ;;
novalues) printf '{"protocolVersion":1}' ;;
missing) printf '{"protocolVersion":1,"values":{"other":"SEKRET-other"}}' ;;
errmsg) printf '{"protocolVersion":1,"values":{"openai/key":"SEKRET-both"},"errors":{"openai/key":{"message":"vault sealed"}}}' ;;
array) printf '[1,2]' ;;
empty) printf '   \n' ;;
notstring) printf '{"protocolVersion":1,"values":{"openai/key":{"v":"SEKRET-nested"}}}' ;;
exit3) printf '{"protocolVersion":1,"values":{"openai/key":"SEKRET-exit"}}'; exit 3 ;;
slow) sleep 5 ;;
quiet) sleep 0.2; printf ' '; sleep 5 ;;
big) i=0; while [ $i -lt 200 ]; do printf 'SEKRET-big-%04d\n' $i; i=$((i + 1)); done ;;
bigerr) i=0; while [ $i -lt 200 ]; do printf 'noise-noise-noise\n' >&2; i=$((i + 1)); done
	printf '{"protocolVersion":1,"values":{"openai/key":"SEKRET-x"}}' ;;
esac
X
chmod 755 "$EX"
LOGDIR=$T_TMP/exlog; mkdir -p "$LOGDIR"
# vault MODE [extra provider JSON members]
vault() {
	put_config "{\"secrets\":{\"providers\":{\"vault\":{\"source\":\"exec\",\"command\":\"$EX\",\"args\":[\"--a\",\"b c\"],\"passEnv\":[\"LOGDIR\",\"HOME\"],\"env\":{\"MODE\":\"$1\"}${2:+,$2}}}}}"
}
ref_store '{"source":"exec","provider":"vault","id":"openai/key"}'
vault ok
g LOGDIR="$LOGDIR" CALLER_SECRET=SEKRET-caller
is "$rc" 0 "exec: exit 0"
is "$out" "SEKRET-exec1" "exec: the value for the id"
is "$(cat "$LOGDIR/stdin")" '{"protocolVersion":1,"provider":"vault","ids":["openai/key"]}' \
    "exec: the request on stdin, compact, protocol 1"
is "$(tr '\n' ' ' <"$LOGDIR/args")" "--a b c " "exec: args as configured, no shell"
is "$(cat "$LOGDIR/pwd")" "$S" "exec: run in the command's directory"
is "$(grep -c -e CALLER_SECRET -e '^PATH=' "$LOGDIR/env")" 0 "exec: the caller's environment is not passed"
is "$(grep -c -e '^MODE=ok$' -e "^LOGDIR=$LOGDIR\$" -e "^HOME=$HOME\$" "$LOGDIR/env")" 3 "exec: passEnv and env are"
vault raw '"jsonOnly":false'
g LOGDIR="$LOGDIR"
is "$out" "SEKRET-raw" "exec: jsonOnly false takes raw text (trimmed)"
vault raw
g LOGDIR="$LOGDIR"
like "$err" "exec provider \"vault\" returned invalid JSON" "exec: raw text with jsonOnly (the default) is an error"
for m in badjson:"returned invalid JSON" v2:"protocolVersion must be 1" novalues:"missing \\\"values\\\"" \
    missing:"missing id \\\"openai/key\\\"" errmsg:"failed for id \\\"openai/key\\\" \\(vault sealed\\)" \
    array:"response must be an object" empty:"returned empty stdout" notstring:"non-string or empty value" \
    exit3:"exited with code 3"; do
	vault "${m%%:*}"
	g LOGDIR="$LOGDIR"
	is "$rc" 1 "exec protocol error ${m%%:*}: exit 1"
	like "$err" "${m#*:}" "exec protocol error ${m%%:*}: said"
done
vault slow '"timeoutMs":300'
t0=$(date +%s%N); g LOGDIR="$LOGDIR"; t1=$(date +%s%N)
like "$err" "timed out after 300ms" "exec: timeout"
[ $(( (t1 - t0) / 1000000 )) -lt 3000 ]; ok $? "exec: the timeout kills it (well before its 5 s)"
vault quiet '"timeoutMs":4000,"noOutputTimeoutMs":500'
g LOGDIR="$LOGDIR"
like "$err" "produced no output for 500ms" "exec: no-output timeout"
vault big '"maxOutputBytes":1000'
g LOGDIR="$LOGDIR"
like "$err" "output exceeded maxOutputBytes \(1000\)" "exec: output cap"
vault bigerr '"maxOutputBytes":1000'
g LOGDIR="$LOGDIR"
like "$err" "exceeded maxOutputBytes" "exec: stderr counts against the cap too"
ref_store '{"source":"exec","provider":"vault","id":"../key"}'
vault ok
g LOGDIR="$LOGDIR"
like "$err" "must not include|without \".\" or \"..\" segments" "exec: an id with a .. segment is refused"
ref_store '{"source":"exec","provider":"vault","id":"openai/key"}'

# exec refusals
put_config '{"secrets":{"providers":{"vault":{"source":"exec","command":"vault.sh"}}}}'
g LOGDIR="$LOGDIR"
is "$rc" 77 "exec: a relative command: refused, 77"
like "$err" "secrets.providers.vault.command must be an absolute path" "relative command: said"
chmod 757 "$EX"; vault ok; g LOGDIR="$LOGDIR"
is "$rc" 77 "exec: a world-writable command: refused"
chmod 775 "$EX"; g LOGDIR="$LOGDIR"
is "$rc" 77 "exec: a group-writable command: refused"
chmod 755 "$EX"
ln -sf "$EX" "$S/vault-link"
put_config "{\"secrets\":{\"providers\":{\"vault\":{\"source\":\"exec\",\"command\":\"$S/vault-link\",\"passEnv\":[\"LOGDIR\"],\"env\":{\"MODE\":\"ok\"}}}}}"
g LOGDIR="$LOGDIR"
is "$rc" 77 "exec: a symlinked command: refused"
put_config "{\"secrets\":{\"providers\":{\"vault\":{\"source\":\"exec\",\"command\":\"$S/vault-link\",\"allowSymlinkCommand\":true,\"passEnv\":[\"LOGDIR\"],\"env\":{\"MODE\":\"ok\"}}}}}"
g LOGDIR="$LOGDIR"
is "$out" "SEKRET-exec1" "exec: allowSymlinkCommand follows it"
vault ok "\"trustedDirs\":[\"$T_TMP/elsewhere\"]"
g LOGDIR="$LOGDIR"
is "$rc" 77 "exec: outside trustedDirs: refused"
vault ok "\"trustedDirs\":[\"$S\"]"
g LOGDIR="$LOGDIR"
is "$out" "SEKRET-exec1" "exec: inside trustedDirs"
if asroot_ok; then
	asroot chown nobody "$EX"
	vault ok; g LOGDIR="$LOGDIR"
	is "$rc" 77 "exec: a command owned by another user: refused"
	vault ok '"allowInsecurePath":true'; g LOGDIR="$LOGDIR"
	is "$out" "SEKRET-exec1" "exec: allowInsecurePath skips the owner check"
	asroot chown "$(id -u)" "$EX"
else
	skip "exec: another owner's command: chown $ASROOT_WHY"
	skip "exec: another owner's command: chown $ASROOT_WHY"
fi
put_config "{\"secrets\":{\"providers\":{\"vault\":{\"source\":\"exec\",\"command\":\"$S/missing\"}}}}"
g LOGDIR="$LOGDIR"
is "$rc" 1 "exec: a missing command: unresolved, exit 1"

# --- tokenRef, oauth
put_config '{}'
put_store '{"version":1,"profiles":{"openai:t":{"type":"token","provider":"openai","tokenRef":{"source":"env","provider":"default","id":"TOK"}}}}'
g TOK=SEKRET-tok
is "$out" "SEKRET-tok" "tokenRef"
put_store '{"version":1,"profiles":{"openai:o":{"type":"oauth","provider":"openai","access":"${TOK}","refresh":"r","expires":99999999999999}}}'
g TOK=SEKRET-oauth
is "$rc" 1 "oauth profiles may not use refs"
like "$err" "oauth profiles cannot use SecretRefs" "oauth with a ref: said"

# --- no resolved secret in any message
# (every secret in this file starts with SEKRET-; stdout carried them, stderr never)
is "$(grep -c 'SEKRET' "$ALLERR")" 0 "no secret in any error message of this test"

done_testing
