#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-keys set reports success only for a key dotenv reads back (issue 12,
# defect 4): after the change the file must load, by dotenv's own rules, as
# it did but for the variable set, which holds the value written; else the
# command fails and nothing changes. And the quoter (defect 16) writes every
# value so that it reads back, U+2028 and U+2029 included.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
. "$OC_SRCDIR/tests/sync-lib.sh"
DUMP=$OC_BUILDDIR/tests/progs/dotenv-dump
KEY=sk-bbbbbbbbbbbbbbbbbbbbbbbb

# refused TEXT VAR VALUE DESC: with .env holding TEXT (printf escapes),
# setting VAR to VALUE fails (65) and leaves the file as it was
refused() {
	t_home
	mkdir -p "$STATE"
	# shellcheck disable=SC2059
	printf "$1" >"$STATE/.env"
	chmod 600 "$STATE/.env"
	snap "$STATE/.env"
	run_in "$3" oc-keys set -e "$2"
	is "$rc" 65 "4: $4: refused (65)"
	like "$err" "a line for $2 would not read back" "4: $4: saying why"
	same_file "$STATE/.env" "4: $4: the file is untouched"
	unlike "$err" "$3" "4: $4: the message holds no key"
}
refused 'FOO=1\nBAR:' NEW "$KEY" '"NAME:" with nothing after it, at the end'
refused 'FOO=1\nBAR:\n' NEW "$KEY" '"NAME:" and a line break'
refused "FOO='abc\\n" NEW '# sk-bbbbbbbbbbbbbbbbbb' 'an unterminated quote earlier'
refused "FOO='a\\\\'\\n" NEW '# sk-bbbbbbbbbbbbbbbbbb' 'an escaped quote left open'

# what is accepted reads back through the same rules
t_home
mkdir -p "$STATE"
printf "A=1\nB='two\nlines'\nexport C=\"x\\\\ny\" # c\nD=bare\n" >"$STATE/.env"
chmod 600 "$STATE/.env"
"$DUMP" "$STATE/.env" >"$T_TMP/before.json"
run_in "sk-x y#z'w" oc-keys set -e D
is "$rc" 0 "4: a value that needs quoting, among multi-line and exported entries"
"$DUMP" "$STATE/.env" >"$T_TMP/after.json"
jqfile "$T_TMP/after.json" '.D == "sk-x y#z'"'"'w"' "4: it reads back as written"
is "$(jq -c 'del(.D)' "$T_TMP/after.json")" "$(jq -c 'del(.D)' "$T_TMP/before.json")" "4: every other entry reads as before"

# --- 16. the quoter and U+2028/U+2029, which end a bare value for dotenv
# (the paste normalisation of oc-keys set drops them, so only the library
# can be handed one: tests/progs/lib-check)
LC=$OC_BUILDDIR/tests/progs/lib-check
if [ -x "$LC" ]; then
	for v in 61e280a862 61e280a962 e280a8 6120e280a8 27e280a822 60e280a960; do
		r=$("$LC" quote "$v")
		case $r in
		NULL) ok 0 "16: $v: refused rather than written wrong" ;;
		*) is "${r#* }" "$v" "16: the value $v reads back (written as ${r% *})" ;;
		esac
	done
else
	skip "16: no lib-check"
fi

done_testing
