# SPDX-License-Identifier: ISC
# The termux-packages recipe for oc-tools: copy this file to
# packages/oc-tools/build.sh in a termux-packages checkout and run
# ./build-package.sh oc-tools. It builds from the release tarball, which
# needs only a C compiler, make and pkg-config (no autotools). At a
# release, set TERMUX_PKG_VERSION (CI checks it is configure.ac's),
# TERMUX_PKG_SRCURL to where the tarball is published and
# TERMUX_PKG_SHA256 to `sha256sum oc-tools-VERSION.tar.gz`.
TERMUX_PKG_HOMEPAGE=https://oc-tools.invalid/
TERMUX_PKG_DESCRIPTION="Manage and monitor the model-provider credentials of OpenClaw"
TERMUX_PKG_LICENSE="ISC"
TERMUX_PKG_LICENSE_FILE="LICENSE"
TERMUX_PKG_MAINTAINER="@termux"
TERMUX_PKG_VERSION=0.1.0
TERMUX_PKG_SRCURL=https://oc-tools.invalid/releases/oc-tools-${TERMUX_PKG_VERSION}.tar.gz
TERMUX_PKG_SHA256=0000000000000000000000000000000000000000000000000000000000000000
TERMUX_PKG_DEPENDS="libcurl, json-c, libsqlite"
# json-c as a shared library; libsqlite3 loaded at its first use
# (configure's default), so libsqlite is a dependency of its own.
# Termux has no systemd: no units. Completion goes to $PREFIX/share, where
# Termux's bash-completion, zsh and fish look (named here, not left to the
# build machine's pkg-config).
TERMUX_PKG_EXTRA_CONFIGURE_ARGS="
--with-json-c=shared
--without-systemduserunitdir
--without-systemdsystemunitdir
--with-bashcompletiondir=$TERMUX_PREFIX/share/bash-completion/completions
--with-zshcompletiondir=$TERMUX_PREFIX/share/zsh/site-functions
--with-fishcompletiondir=$TERMUX_PREFIX/share/fish/vendor_completions.d
"

# The notifier and the scheduler for Termux:API (see oc-check(1)): their
# #! is already $PREFIX/bin/sh.
termux_step_post_make_install() {
	install -Dm755 "$TERMUX_PKG_SRCDIR/contrib/termux/oc-check-notify" \
		"$TERMUX_PREFIX/bin/oc-check-notify"
	install -Dm755 "$TERMUX_PKG_SRCDIR/contrib/termux/oc-check-schedule" \
		"$TERMUX_PREFIX/bin/oc-check-schedule"
}
