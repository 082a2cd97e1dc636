#!/bin/sh
# SPDX-License-Identifier: ISC
# Every command: -h is its man page's SYNOPSIS, --help describes every
# option it takes in one line, and an option that does not belong to a
# verb is a usage error.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home

for c in oc-profile oc-order oc-check oc-keys oc-sync; do
	run "$c" -h
	is "$rc" 0 "$c -h: exit 0"
	use=$(printf '%s\n' "$out" | sed 's/^usage: //' | tr -s ' \t\n' '   ' | sed 's/^ //;s/ $//')
	if command -v mandoc >/dev/null 2>&1; then
		syn=$(mandoc -Tascii "$OC_SRCDIR/man/$c.1" | col -b |
		    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' |
		    tr -s ' \t\n' '   ' | sed 's/^ //;s/ $//')
		is "$use" "$syn" "$c -h is the SYNOPSIS of $c(1)"
	else
		skip "mandoc not installed: $c -h not compared with $c(1)"
	fi
	run "$c" --help
	is "$rc" 0 "$c --help: exit 0"
	# every --long option the usage names has a line of its own
	missing=
	for o in $(printf '%s\n' "$use" | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
		printf '%s\n' "$out" | grep -qE -- "^  (-[a-zA-Z], )?$o( |$)" || missing="$missing $o"
	done
	is "$missing" "" "$c --help: a line for every option"
done

# options that are not the verb's
run oc-profile rm --reveal --expires-in 3d --clear x
is "$rc" 64 "oc-profile rm --reveal ...: 64"
like "$err" 'oc-profile rm does not take --reveal' "and names the option"
run oc-keys classify -p openai
is "$rc" 64 "oc-keys classify -p: 64"
like "$err" 'oc-keys classify does not take -p' "and names it"
run oc-order set --effective -p openai openai:a
is "$rc" 64 "oc-order set --effective: 64"
run oc-profile list --clear
is "$rc" 64 "oc-profile list --clear: 64"
run oc-profile --bogus list
is "$rc" 64 "an unknown option: 64"
like "$err" 'unknown option --bogus' "and says so"
run oc-check -T
is "$rc" 64 "an option without its value: 64"
like "$err" '-T needs a value' "and says so"

done_testing
