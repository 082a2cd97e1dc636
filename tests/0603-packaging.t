#!/bin/sh
# SPDX-License-Identifier: ISC
# The packaging stays in step with the source: debian/changelog and the
# Termux recipe carry this release's version, the recipe has the fields
# termux-packages requires and the dependencies of the build, and the
# Debian package takes its runtime libraries from the build (shlibs) and
# its directories from debian/rules.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home
D=$OC_SRCDIR/debian
R=$OC_SRCDIR/contrib/termux/build.sh
ver=$(oc-profile -V | sed -n 's/^oc-profile (oc-tools) //p')
ok "$([ -n "$ver" ]; echo $?)" "the version from oc-profile -V ($ver)"

# ---- Debian
is "$(sed -n '1s/^oc-tools (\([^)]*\)-[0-9][^)]*) .*/\1/p' "$D/changelog")" "$ver" \
    "debian/changelog's upstream version is the release's"
grep -q '^Build-Depends: debhelper-compat (= 13)' "$D/control"; ok $? "debhelper compat 13"
grep -q '^Depends: .*\${shlibs:Depends}' "$D/control"; ok $? "runtime libraries from \${shlibs:Depends}"
for dev in libcurl4-openssl-dev libjson-c-dev libsqlite3-dev; do
	grep -q "$dev" "$D/control"; ok $? "Build-Depends: $dev"
done
grep -q '^	dh \$@$' "$D/rules"; ok $? "debian/rules: dh"
for o in bashcompletiondir=/usr/share/bash-completion/completions \
    zshcompletiondir=/usr/share/zsh/vendor-completions \
    fishcompletiondir=/usr/share/fish/vendor_completions.d \
    systemduserunitdir=/usr/lib/systemd/user systemdsystemunitdir=/usr/lib/systemd/system; do
	grep -q -- "--with-$o" "$D/rules"; ok $? "debian/rules: --with-$o"
done
run sed -n '/^override_dh_installsystemduser:/{n;p;}' "$D/rules"
is "$out" "" "user units only shipped: not enabled for every user, no state left after dpkg -r"
ok "$([ -x "$D/rules" ]; echo $?)" "debian/rules is executable"
is "$(cat "$D/source/format")" "3.0 (quilt)" "source format 3.0 (quilt)"
if command -v dpkg-parsechangelog >/dev/null 2>&1; then
	run dpkg-parsechangelog -l "$D/changelog" -S Version
	is "$rc:$out" "0:$ver-1" "dpkg-parsechangelog reads it: $ver-1"
else
	skip "dpkg-parsechangelog not installed (apt-get install dpkg-dev)"
fi

# ---- Termux
run bash -n "$R"
is "$rc:$err" "0:" "termux build.sh: bash syntax"
run env TERMUX_PREFIX=/data/data/com.termux/files/usr bash -c '. "$1" && printf "%s\n" "$TERMUX_PKG_VERSION" "$TERMUX_PKG_DEPENDS" "$TERMUX_PKG_LICENSE" "$TERMUX_PKG_SRCURL" "$TERMUX_PKG_SHA256" "$TERMUX_PKG_EXTRA_CONFIGURE_ARGS" && declare -F termux_step_post_make_install' bash "$R"
is "$rc" 0 "termux build.sh: sources cleanly, defines termux_step_post_make_install"
is "$(printf '%s\n' "$out" | sed -n 1p)" "$ver" "TERMUX_PKG_VERSION is the release's"
is "$(printf '%s\n' "$out" | sed -n 2p)" "libcurl, json-c, libsqlite" "TERMUX_PKG_DEPENDS"
is "$(printf '%s\n' "$out" | sed -n 3p)" "ISC" "TERMUX_PKG_LICENSE"
like "$(printf '%s\n' "$out" | sed -n 4p)" "/oc-tools-$ver\\.tar\\.gz\$" "TERMUX_PKG_SRCURL is the release tarball"
like "$(printf '%s\n' "$out" | sed -n 5p)" '^[0-9a-f]{64}$' "TERMUX_PKG_SHA256: 64 hex digits"
like "$out" '--without-systemduserunitdir' "Termux: no systemd units"
like "$out" '--with-fishcompletiondir=/data/data/com.termux/files/usr/share/fish/vendor_completions.d' \
    "Termux: fish completion under \$PREFIX, whatever the build machine's pkg-config says"
for v in TERMUX_PKG_HOMEPAGE TERMUX_PKG_DESCRIPTION TERMUX_PKG_LICENSE TERMUX_PKG_MAINTAINER \
    TERMUX_PKG_VERSION TERMUX_PKG_SRCURL TERMUX_PKG_SHA256; do
	grep -q "^$v=" "$R"; ok $? "build.sh sets $v"
done
for f in oc-check-notify oc-check-schedule; do
	grep -q "contrib/termux/$f\" *\\\\\$" "$R"; ok $? "the recipe installs $f"
done
if command -v shellcheck >/dev/null 2>&1; then
	run shellcheck -s sh "$OC_SRCDIR/contrib/deb.sh"
	is "$rc:$out" "0:" "shellcheck: contrib/deb.sh"
	run shellcheck -s bash -e SC2034 "$R"
	is "$rc:$out" "0:" "shellcheck: contrib/termux/build.sh (SC2034: the variables are read by termux-packages)"
else
	skip "shellcheck not installed (apt-get install shellcheck)"
	skip "shellcheck not installed (apt-get install shellcheck)"
fi
done_testing
