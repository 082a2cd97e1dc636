#!/bin/sh
# SPDX-License-Identifier: ISC
# The JSON readers and the writer (issue 12, defects 2, 8 and 9), through
# the real commands: the config reader against the JSON5 grammar as a whole
# (it never changes a value, and refuses what JSON cannot hold, naming the
# place); one strict verdict, JSON.parse's, for every command; and what the
# tools do not understand surviving a rewrite byte for byte. Where Node and
# the json5 package are at hand, their verdicts and values are checked too.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"
JT=$OC_BUILDDIR/tests/progs/parse-tool

NODE=$(command -v node || command -v nodejs || true)
MODS=${OC_NODE_MODULES:-}
if [ -z "$MODS" ] && [ -n "${OC_PEER:-}" ]; then MODS=$(dirname "$OC_PEER")/node_modules; fi
if [ -z "$MODS" ]; then
	for d in /work/peer-cache/*/node_modules; do [ -d "$d/json5" ] && MODS=$d && break; done
fi
[ -n "$MODS" ] && [ -d "$MODS/json5" ] || MODS=

# --- 2. the config reader: JSON5 as a whole, each value kept
# cfg5 TEXT JQ DESC: a config holding TEXT (printf escapes) survives an add
# with every value as JQ expects it
cfg5() {
	t_home
	mkdir -p "$STATE"
	# shellcheck disable=SC2059 # TEXT carries printf escapes on purpose
	printf "$1" >"$CONFIG"
	chmod 600 "$CONFIG"
	run_in sk-bbbbbbbbbbbbbbbbbbbbbbbb oc-profile add -t api_key openai:b
	is "$rc" 0 "2: $3: read (exit 0)"
	jqfile "$CONFIG" "$2 and .auth.profiles[\"openai:b\"].mode == \"api_key\"" "2: $3: every value kept"
}
cfg5 '{n: [0x1F, 0XfF, -0x10, +0x0, 0xFFFFFFFFFFFFFFFFFF]}' \
    '.n == [31, 255, -16, 0, 4722366482869645213695]' "hexadecimal numbers"
cfg5 '{n: [.5, 5., -.5, +1, +.25e1, 5.e3, 1E-2, -0]}' \
    '.n == [0.5, 5, -0.5, 1, 2.5, 5000, 0.01, 0]' "leading and trailing points, + signs"
cfg5 "{s: ['a\\\\x41\\\\x00z', '\\\\v\\\\0\\\\b\\\\f', '\\\\q\\\\\\\\'], t: \"it's\", u: 'say \"hi\"'}" \
    '.s == ["aA\u0000z", "\u000b\u0000\b\f", "q\\"] and .t == "it'"'"'s" and .u == "say \"hi\""' \
    "escapes: \\\\x, \\\\v, \\\\0, any character"
cfg5 "{s: ['a\\\\\nb', 'c\\\\\r\nd', 'e\\\\\re', 'f\\\\\342\200\250g', 'h\\\\\342\200\251i', 'raw\342\200\250sep']}" \
    '.s == ["ab", "cd", "ee", "fg", "hi", "raw\u2028sep"]' \
    "line continuations (LF, CRLF, CR, U+2028, U+2029) and a raw U+2028"
cfg5 "{\$a: 1, _b: 2, \303\251t\303\251: 3, \\\\u0061\\\\u0062: 4, x\\\\u0031: 5, \316\273\342\200\277: 6}" \
    '.["$a"] == 1 and ._b == 2 and .["été"] == 3 and .ab == 4 and .x1 == 5 and .["λ‿"] == 6' \
    "identifiers: \$ _, Unicode letters and connectors, \\\\u escapes"
cfg5 "\357\273\277{\302\240a\342\200\250:\343\200\2001,\v\fb\342\200\251:\t2\r}" \
    '.a == 1 and .b == 2' "every JSON5 white space (BOM, NBSP, U+2028/9, U+3000, VT, FF)"
cfg5 "// c\n{/* c */a/* c */:/* c */[1/* c */,//c\n2,],'b'/**/:{c:3,},}//end" \
    '.a == [1, 2] and .b == {"c": 3}' "comments anywhere, trailing commas"
cfg5 '{"tools":{"flags":[true,false,null]},k:[[null,{true:false}]]}' \
    '.tools.flags == [true,false,null] and .k == [[null,{"true":false}]]' \
    "literals stay literals, and are keys only as keys"

# refused, with the position, the file untouched: what JSON cannot hold
# bad5 TEXT POS DESC
bad5() {
	t_home
	put_config "$1"
	snap "$CONFIG"
	run_in sk-bbbbbbbbbbbbbbbbbbbbbbbb oc-profile add -t api_key openai:b
	is "$rc" 65 "2: $3: refused (65)"
	like "$err" "openclaw.json: invalid JSON at line $2" "2: $3: at its place"
	same_file "$CONFIG" "2: $3: the config is untouched"
}
bad5 '{a: 1, b: Infinity}' '1, column 11: Infinity' "Infinity"
bad5 '{a: [1,
 -NaN]}' '2, column 2: NaN' "NaN"
bad5 "{a: 0x$(printf '%0260d' 0 | tr 0 F)}" \
    '1, column 5: a number too large' "a hexadecimal number past the largest double"
bad5 "{a: 'x
y'}" '1, column 7: line break' "a raw line break in a string"
bad5 "{a: '\\1'}" '1, column 7: invalid escape' "an octal escape"
bad5 '{a: 01}' '1, column 6' "a leading zero"
bad5 '{1: 2}' '1, column 2: expected a key' "a number as a key"
bad5 '{a: 1 /* open' '1, column 7: unterminated comment' "an unterminated comment"

# The json5 package agrees, value for value, on a table of texts.
if [ -n "$NODE" ] && [ -n "$MODS" ] && [ -x "$JT" ]; then
	mkdir -p "$T_TMP/j5"
	i=0
	for t in '{a:1}' "{'a':'\\x41'}" '[0x10,.5,5.,+1]' "{\\u0061:1}" '[1,,2]' '{a:Infinity}' \
	    "['\\0', '\\v']" '{a:/*x*/1}' '[01]' '{"a":1,"a":2}' "'\\u00e9'" '-0x1' '+.5e-2' \
	    "['a\\
b']" '[1,]' '{,}' '[.]' '{a:1}x' 'nul' '{"__proto__":1}'; do
		i=$((i + 1))
		printf '%s' "$t" >"$T_TMP/j5/$i.json5"
	done
	ls "$T_TMP"/j5/*.json5 | "$JT" -l json5 >"$T_TMP/j5.ours"
	"$NODE" "$OC_SRCDIR/tests/fuzz/diff-json5.js" --modules "$MODS" --ours "$T_TMP/j5.ours" >"$T_TMP/j5.diff" 2>&1
	is "$?" 0 "2: the json5 package reads the table as we do ($(grep -c . "$T_TMP/j5.ours") texts)"
	grep -v '^ok' "$T_TMP/j5.diff" | head -5 | while read -r l; do diag "$l"; done
else
	skip "2: the differential check needs node and the json5 package OpenClaw ships (OC_PEER, or OC_NODE_MODULES)"
fi

# --- 8. one strict verdict, JSON.parse's, for every command
# strict TEXT WANT DESC: a store holding TEXT; every reader and writer says
# WANT (0 accepted, 65 refused)
strict() {
	t_home
	put_store "$1"
	snap "$STORE"
	run oc-profile list
	a=$rc
	run oc-check -q
	c=$rc
	[ "$c" = 1 ] && c=0	# no credentials: a verdict, not an error
	run oc-order get -p openai
	o=$rc
	run_in sk-cccccccccccccccccccccccc oc-profile add -t api_key --no-config openai:c
	w=$rc
	is "$a $c $o $w" "$2 $2 $2 $2" "8: $3: list, check, order, add all say $2"
	[ "$2" = 65 ] && same_file "$STORE" "8: $3: the store is untouched"
	if [ -n "$NODE" ]; then
		"$NODE" -e 'try { JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.exit(0) } catch (e) { process.exit(65) }' \
		    "$(_snapname "$STORE").bytes" 2>/dev/null
		is "$?" "$2" "8: $3: JSON.parse says $2 too"
	else
		skip "8: $3: JSON.parse's verdict needs node (package nodejs)"
	fi
}
mkdir -p "$T_TMP"
strict '{"version":1,"profiles":{},"x":NaN}' 65 "NaN"
strict '{"version":1,"profiles":{},"x":-Infinity}' 65 "Infinity"
strict '{"version":1,"profiles":{},"x":1.}' 65 "1."
strict "$(printf '{"version":1,"profiles":{},"x":"a\001b"}')" 65 "a raw control character"
strict "$(printf '{"version":1,"profiles":{},"x":"a\tb"}')" 65 "a raw tab"
strict '{"version":1,"profiles":{},"x":[1,]}' 65 "a trailing comma"
strict '{"version":1,"profiles":{},"x":"\x41"}' 65 "a \\x escape"
strict "$(printf '{"version":1,"profiles":{}}\v')" 65 "a vertical tab after the document"
deep=$(printf '%065d' 0 | sed 's/0/[/g')$(printf '%065d' 0 | sed 's/0/]/g')
strict "{\"version\":1,\"profiles\":{},\"x\":$deep}" 0 "nested 65 deep"
deep=$(printf '%0100000d' 0 | tr 0 '[')$(printf '%0100000d' 0 | tr 0 ']')
strict "{\"version\":1,\"profiles\":{},\"x\":$deep}" 0 "nested 100,000 deep"
# (jq stops at 10,000 levels: grep)
# (the store keeps its compact layout: jdoc.c writes only the changed member)
ok "$(grep -Eq '"key": ?"sk-cccccccccccccccccccccccc"' "$STORE"; echo $?)" "8: nested 100,000 deep: the add is made"
ok "$(tr -d -c '[' <"$STORE" | wc -c | grep -qx 100000; echo $?)" "8: nested 100,000 deep: and every level kept"
strict '{"version":1,"profiles":{},"x":1e400,"y":-0,"z":[1E+2,0.0e-0]}' 0 "numbers JSON.parse takes"

# --- 9. what the tools do not understand survives a rewrite, exactly
# A change rewrites only the member it changes (jdoc.c): the rest of the
# file, keys and numbers json-c cannot hold included, is copied byte for byte.
t_home
meta='"meta":{"k\u0000a":1,"k\u0000b":2,"\ud800":"\udfff\u0000","big":18446744073709551617,"neg":-9223372036854775809,"huge":1e400,"frac":1.50,"pair":"\ud83d\ude00","hi":"\uD83D"}'
put_store "{\"version\":1,\"profiles\":{},$meta}"
run_in sk-dddddddddddddddddddddddd oc-profile add -t api_key --no-config openai:d
is "$rc" 0 "9: add to a store with keys and numbers json-c cannot hold"
ok "$(grep -qF -- "$meta" "$STORE"; echo $?)" "9: every byte of what was not changed is kept"
ok "$(grep -qF -- '"key":"sk-dddddddddddddddddddddddd"' "$STORE"; echo $?)" "9: and the change is made"
# The same values in a map that changes go through the writer
# (oc_json_dump_at), which gives them back as JSON.stringify would.
t_home
put_store "{\"version\":1,\"profiles\":{\"openai:a\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-aaaaaaaaaaaaaaaaaaaaaaaa\"},\"openai:b\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":\"sk-bbbbbbbbbbbbbbbbbbbbbbbb\"}},\"usageStats\":{\"openai:a\":{\"lastUsed\":1,$meta},\"openai:b\":{\"lastUsed\":2}}}"
run oc-profile rm openai:b
is "$rc" 0 "9: rewrite a map whose members json-c cannot hold"
for want in '"k\u0000a":1' '"k\u0000b":2' '"\ud800":"\udfff\u0000"' '"big":18446744073709551617' \
    '"neg":-9223372036854775809' '"huge":1e400' '"frac":1.50' '"pair":"😀"' '"hi":"\ud83d"'; do
	ok "$(grep -qF -- "$want" "$STORE"; echo $?)" "9: kept: $want"
done
if [ -n "$NODE" ]; then
	# For ordinary values the writer prints what JSON.stringify(v, null, 2)
	# does: a store in that form stays in it.
	t_home
	mkdir -p "$AGENT"
	"$NODE" -e 'const fs=require("fs"); const v=JSON.parse(fs.readFileSync(process.argv[1],"utf8"));
	    process.stdout.write(JSON.stringify(v, null, 2) + "\n")' \
	    "$OC_SRCDIR/tests/fixtures/store-unknown-keys.json" >"$STORE"
	chmod 600 "$STORE"
	run_in sk-eeeeeeeeeeeeeeeeeeeeeeee oc-profile add -t api_key --no-config openai:e
	"$NODE" -e 'const fs=require("fs"); const t=fs.readFileSync(process.argv[1],"utf8");
	    process.exit(t === JSON.stringify(JSON.parse(t), null, 2) + "\n" ? 0 : 1)' "$STORE"
	is "$?" 0 "9: an ordinary store is written as JSON.stringify(v, null, 2) writes it"
else
	skip "9: JSON.stringify's layout needs node (package nodejs)"
fi
t_home
put_store '{"version":1,"profiles":{},"meta":{"k\u0000a":1,"\ud800":"x"}}'
run_in sk-dddddddddddddddddddddddd oc-profile add -t api_key --no-config openai:d
if [ -n "$NODE" ]; then
	"$NODE" -e 'const fs=require("fs"); const v=JSON.parse(fs.readFileSync(process.argv[1],"utf8")).meta;
	    process.exit(v["k\u0000a"] === 1 && v["\ud800"] === "x" ? 0 : 1)' "$STORE"
	is "$?" 0 "9: JSON.parse reads the same keys back"
else
	skip "9: JSON.parse reading the keys back needs node (package nodejs)"
fi

# --- bytes that are not UTF-8 read as Node reads them (fuzz-json5,
# 2026-12-02): each maximal run of them is one U+FFFD, wherever it is, so
# two pieces of a string (around an escape or a line continuation) never
# join into an internal form the file never spelled; written out and read
# back they stay so.
# raw5 MODE BYTES(printf) WANT(printf) DESC
raw5() {
	mkdir -p "$T_TMP/raw5"
	# shellcheck disable=SC2059 # printf escapes on purpose
	printf "$2" >"$T_TMP/raw5/in"
	"$JT" "$1" "$T_TMP/raw5/in" >"$T_TMP/raw5/out" 2>"$T_TMP/raw5/err"
	is "$?" 0 "raw bytes: $4: read"
	# shellcheck disable=SC2059
	printf "$3" >"$T_TMP/raw5/want"
	ok "$(cmp -s "$T_TMP/raw5/out" "$T_TMP/raw5/want"; echo $?)" "raw bytes: $4: U+FFFD as Node reads them"
	"$JT" strict "$T_TMP/raw5/out" >"$T_TMP/raw5/again" 2>/dev/null
	ok "$(cmp -s "$T_TMP/raw5/out" "$T_TMP/raw5/again"; echo $?)" "raw bytes: $4: written and read back, unchanged"
}
F='\357\277\275'
raw5 json5 '"\\\355\240\200\\\355\260\200"' "\"$F$F$F$F$F$F\"\n" \
    "an escaped ED before A0 80 (the fuzz crash)"
raw5 json5 '"\355\\\n\240\200"' "\"$F$F$F\"\n" "ED, a line continuation, A0 80"
raw5 json5 '"\300\\\n\200"' "\"$F$F\"\n" "C0, a line continuation, 80"
raw5 json5 '"\374\\\n\022_\177\300\000\f}"' "\"$F\\\\u0012_\177$F\\\\u0000\\\\f}\"\n" \
    "a C0 before a NUL (the second fuzz crash)"
raw5 json5 '"\\\342\200x\342\200\\\n\250"' "\"${F}x$F$F\"\n" \
    "an escaped cut-off sequence is one U+FFFD, and one cut by a continuation stays cut"
raw5 strict '"x\355\240\\n\200"' "\"x$F$F\\\\n$F\"\n" "ED A0 before an escape (strict)"
raw5 strict '"\355A\355\237\277\360\237\230"' "\"${F}A\355\237\277$F\"\n" \
    "a lone ED, U+D7FF kept, a cut-off four-byte sequence (strict)"

done_testing
