#!/bin/sh
# Install what the test bed needs on a Debian bookworm (or later) machine.
# Installs only what is missing; fast and quiet when everything is there.
#
# Debian's trixie and trixie-backports suites are added as apt sources (with
# deb-src, for the QEMU source package) pinned at priority 1: nothing
# installed is ever upgraded from them, and a package comes from them only
# when named with its suite (meson, the kernel source package).
. "$(dirname "$0")/lib.sh"

PACKAGES="make gcc git xz-utils cpio bc flex bison libssl-dev libelf-dev ccache curl
gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
dpkg-dev libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev ninja-build
pkg-config python3 python3-venv python3-setuptools python3-ply python3-git gnuplot-nox
python3-sphinx"
MESON_MIN=1.5.0

SOURCES=/etc/apt/sources.list.d/hdbss-kvm-trixie.sources
PREFS=/etc/apt/preferences.d/hdbss-kvm-trixie

if [ "$(id -u)" = 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	SUDO=
fi

as_root() {
	if [ "$(id -u)" != 0 ] && [ -z "$SUDO" ]; then
		die "need root to run: $* (install sudo or run 'make setup' as root)"
	fi
	$SUDO "$@"
}

[ -r /etc/debian_version ] ||
	die "this is not a Debian machine: install by hand the equivalents of: $PACKAGES meson>=$MESON_MIN"

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return 0
	step "setup: apt-get update"
	run_logged "$OUT/logs/apt-update.log" "apt-get update" \
		as_root apt-get update
	apt_updated=1
}

# 1. Apt sources for the pinned packages from trixie and trixie-backports.
want_sources='Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: trixie trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'
want_prefs='# Added by the hdbss-kvm test bed: use these suites only for packages
# requested by name with their suite; never upgrade from them.
Package: *
Pin: release n=trixie
Pin-Priority: 1

Package: *
Pin: release n=trixie-backports
Pin-Priority: 1'

if [ "$(cat $SOURCES 2>/dev/null)" != "$want_sources" ] ||
   [ "$(cat $PREFS 2>/dev/null)" != "$want_prefs" ]; then
	step "setup: adding Debian trixie and trixie-backports apt sources (pinned)"
	printf '%s\n' "$want_prefs" | as_root tee $PREFS >/dev/null
	printf '%s\n' "$want_sources" | as_root tee $SOURCES >/dev/null
	apt_updated=
	apt_update
fi
# The archive keyring must know trixie's keys.
if ! apt-cache policy 2>/dev/null | grep -q 'n=trixie-backports'; then
	apt_update
fi

# 2. Debian packages that are missing.
missing=
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	apt_update
	step "setup: installing$missing"
	run_logged "$OUT/logs/apt-install.log" "apt-get install$missing" \
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends $missing
fi

# 3. meson new enough for QEMU (bookworm's is too old): trixie's, by name.
meson_ok() {
	v=$(meson --version 2>/dev/null) || return 1
	[ "$(printf '%s\n%s\n' "$MESON_MIN" "$v" | sort -V | head -n1)" = "$MESON_MIN" ]
}
if ! meson_ok; then
	apt_update
	step "setup: installing meson from trixie (need >= $MESON_MIN)"
	run_logged "$OUT/logs/apt-install-meson.log" "apt-get install meson/trixie" \
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends meson/trixie
	meson_ok || die "meson >= $MESON_MIN still missing after installing meson/trixie"
fi

exit 0
