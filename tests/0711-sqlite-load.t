#!/bin/bash
# SPDX-License-Identifier: ISC
# libsqlite3 loaded at its first use (--with-sqlite=dlopen, configure's
# default; common/sqlite.c), on homes 2026.9.6 (d-fresh) and 2026.7.35
# (c-fresh) made: a write loads it and is read back by libsqlite3 itself;
# when the library cannot be loaded (OC_SQLITE_LIBRARY names a missing
# file, or a library that is not libsqlite3) every write says so in one
# line on standard error and exits 69, and nothing is written or created;
# oc-check still reads the store (its own reader needs no libsqlite3), and
# says so with 69 when it is made to read through libsqlite3.
. "${OC_SRCDIR:-.}/tests/lib.sh"
. "$OC_SRCDIR/tests/homes.sh"
. "$OC_SRCDIR/tests/backends.sh"

t_home
if ! grep -q '^#define OC_SQLITE_DLOPEN 1' "$OC_BUILDDIR/config.h"; then
	skip "libsqlite3 is linked, not loaded (configured --with-sqlite=static or shared)"
	done_testing
	exit
fi
if ! homes_available; then
	skip "$HOMES_WHY"
	done_testing
	exit
fi
KEY=sk-proj-$(rand_str 40)
# a shared library that is not libsqlite3: json-c's, or libc's
NOTSQL=$(ldd "$OC_BUILDDIR/oc-http" 2>/dev/null | awk '/libjson-c|libc\.so/ { print $3; exit }')
ids() { be_creds | jq -r '.profiles | keys | join(" ")'; }

for H in d-fresh c-fresh; do
	t_home
	home_load "$H"
	be_init "$H"

	# ---- loaded: a write goes through, libsqlite3 reads it back
	run_in "$KEY" oc-profile add --no-config -t api_key openai:k
	is "$rc" 0 "$H: a write loads libsqlite3 and succeeds"
	is "$(ids)" "anthropic:a openai:k" "$H: the row holds the new profile (read by sqlite3)"

	# ---- not loadable: refused, nothing touched
	files0=$(be_files) others0=$(be_others) creds0=$(be_creds | sha256sum)
	for lib in "$T_TMP/no-such-libsqlite3.so" ${NOTSQL:+"$NOTSQL"}; do
		what=$([ "$lib" = "$NOTSQL" ] && echo "a library that is not libsqlite3" || echo "a missing library")
		OC_SQLITE_LIBRARY=$lib run_in "$KEY" oc-profile add --no-config -t api_key openai:late
		is "$rc" 69 "$H: $what: oc-profile add exits 69"
		like "$err" "^oc-profile: libsqlite3, which SQLite stores need, cannot be loaded: $lib" "$H: $what: says so, naming it"
		is "$(printf '%s\n' "$err" | wc -l)" 1 "$H: $what: in one line"
		unlike "$err$out" "$KEY" "$H: $what: no secret in the output"
		OC_SQLITE_LIBRARY=$lib run oc-order set -p openai openai:k
		is "$rc" 69 "$H: $what: oc-order set exits 69"
		OC_SQLITE_LIBRARY=$lib run oc-profile rm openai:k
		is "$rc" 69 "$H: $what: oc-profile rm exits 69"
	done
	is "$(be_creds | sha256sum)" "$creds0" "$H: the store row is unchanged"
	is "$(be_others)" "$others0" "$H: and every other row"
	is "$(be_files)" "$files0" "$H: no file appeared or changed mode"
	[ -n "$NOTSQL" ] || skip "$H: no shared library to offer in place of libsqlite3"

	# ---- reads need no libsqlite3
	OC_SQLITE_LIBRARY=$T_TMP/no-such-libsqlite3.so run oc-check --json
	is "$rc" 0 "$H: oc-check reads the store without libsqlite3"
	jqok '[.profiles[].profileId] | sort == ["anthropic:a", "openai:k"]' "$H: and sees both profiles"
	OC_SQLITE_LIBRARY=$T_TMP/no-such-libsqlite3.so OC_SQLITE_READER=libsqlite3 run oc-check
	is "$rc" 69 "$H: made to read through libsqlite3, which cannot be loaded: 69"
	like "$err" "cannot be loaded" "$H: and says why"
done

done_testing
