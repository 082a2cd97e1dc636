#!/bin/sh
# SPDX-License-Identifier: ISC
# deb.sh TARBALL [OUTDIR] - build the Debian package from a release tarball
# (`make dist`'s, which carries debian/) the way a packager would: unpack
# it in a scratch directory, `dpkg-buildpackage -us -uc -b`, then lintian
# on the .changes with info and pedantic tags shown. The .deb, .changes,
# .buildinfo and lintian's report (lintian.txt) go to OUTDIR (default: the
# current directory). `make deb` runs it. Exits non-zero when the build
# fails or lintian reports an error or a warning.
#
#   DEB_BUILD_OPTIONS=nocheck  skip make check during the build
#   LINTIAN=no                 build only
set -eu
[ $# -ge 1 ] || { echo "usage: deb.sh oc-tools-VERSION.tar.gz [outdir]" >&2; exit 64; }
tarball=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
mkdir -p "${2:-.}"
out=$(cd "${2:-.}" && pwd)
name=$(basename "$tarball" .tar.gz)
ver=${name#oc-tools-}
work=$(mktemp -d -t oc-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

cp "$tarball" "$work/oc-tools_$ver.orig.tar.gz"
tar -xzf "$tarball" -C "$work"
cd "$work/$name"
if [ ! -x debian/rules ]; then
	echo "deb.sh: $1 has no debian/rules" >&2
	exit 1
fi
dv=$(dpkg-parsechangelog -S Version)
if [ "${dv%-*}" != "$ver" ]; then
	echo "deb.sh: debian/changelog is at $dv, the tarball at $ver: add a changelog entry (dch -v $ver-1)" >&2
	exit 1
fi
dpkg-buildpackage -us -uc -b
cd "$work"
cp ./*.deb ./*.changes ./*.buildinfo "$out/"
[ "${LINTIAN:-yes}" = no ] && exit 0
# Every tag shown, overridden ones too (O:); errors and warnings fail.
lintian --display-info --pedantic --display-experimental --show-overrides \
    ./*.changes >"$out/lintian.txt" 2>"$work/lintian.err" || :
grep -v 'running with root privileges' "$work/lintian.err" >&2 || :
echo "--- lintian ($(lintian --version)):"
cat "$out/lintian.txt"
[ -s "$out/lintian.txt" ] || echo "(no tags)"
if grep -q '^[EW]: ' "$out/lintian.txt"; then
	echo "deb.sh: lintian reports errors or warnings" >&2
	exit 1
fi
