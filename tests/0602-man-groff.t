#!/bin/sh
# SPDX-License-Identifier: ISC
# Every man page renders without a warning under groff as well as mandoc:
# man --warnings, run as lintian runs it (UTF-8, 80 columns), prints
# nothing (lintian reports anything it prints as groff-message), and
# mandoc -Tlint finds nothing at warning level.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home
pages="oc.7 oc-profile.1 oc-order.1 oc-check.1 oc-keys.1 oc-sync.1"
have_groff=0
if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1 &&
    man --help 2>&1 | grep -q -- '--warnings'; then
	have_groff=1
fi
for p in $pages; do
	f=$OC_SRCDIR/man/$p
	if [ "$have_groff" = 1 ]; then
		w=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$f" 2>&1 >/dev/null)
		is "$?:$w" "0:" "groff: $p renders without a warning"
	else
		skip "man-db or groff not installed (apt-get install man-db groff-base): $p not rendered by groff"
	fi
	if command -v mandoc >/dev/null 2>&1; then
		run mandoc -Tlint -Wwarning "$f"
		is "$rc:$out$err" "0:" "mandoc -Tlint: $p clean"
	else
		skip "mandoc not installed (apt-get install mandoc): $p not linted"
	fi
done
done_testing
