#!/bin/sh
# Materialize the QEMU work tree: Debian's qemu source package, unpacked
# with Debian's own patches (dpkg-source -x), then qemu/patches applied, one
# commit a patch.  Prints the tree's path on its last line.
#
#   qemu-src.sh            prepare (or bring up to date) the tree
#   qemu-src.sh export     write the tree's series back to qemu/patches
#   qemu-src.sh reset      drop the tree's commits and re-apply the series
#
# QEMU_SRC_VERSION=... picks another version of Debian's package; the pinned
# checksums are then replaced by apt's own verification of the download.
. "$(dirname "$0")/lib.sh"
. "$TOP/testbed/scripts/series.sh"

PATCHES=$TOP/qemu/patches
TREE=$OUT/qemu/src
STAMP=$OUT/qemu/src.applied
mkdir -p "$OUT/logs" "$OUT/qemu" "$DL"

pinned=$(. "$TOP/testbed/pins" && echo "$QEMU_SRC_VERSION")
v=$(echo "$QEMU_SRC_VERSION" | sed 's/^[0-9]*://')
upstream=${v%-*}
dsc=$DL/qemu_$v.dsc
orig=$DL/qemu_$upstream.orig.tar.xz
debian=$DL/qemu_$v.debian.tar.xz

checksums_ok() {
	[ -f "$dsc" ] && [ -f "$orig" ] && [ -f "$debian" ] || return 1
	[ "$QEMU_SRC_VERSION" != "$pinned" ] && return 0
	[ "$(sha256_of "$dsc")" = "$QEMU_DSC_SHA256" ] &&
	[ "$(sha256_of "$orig")" = "$QEMU_ORIG_SHA256" ] &&
	[ "$(sha256_of "$debian")" = "$QEMU_DEBIAN_SHA256" ]
}

import_source() {
	if ! checksums_ok; then
		step "qemu: downloading Debian source package qemu $QEMU_SRC_VERSION"
		if ! (cd "$DL" && apt-get source -q --download-only "qemu=$QEMU_SRC_VERSION") \
			>"$OUT/logs/qemu-download.log" 2>&1; then
			die "apt-get source qemu=$QEMU_SRC_VERSION failed (log: $OUT/logs/qemu-download.log); 'make setup' adds the deb-src lines for $QEMU_SRC_SUITE"
		fi
		checksums_ok || die "qemu $QEMU_SRC_VERSION source: sha256 differs from testbed/pins"
	fi
	need_cmd dpkg-source dpkg-dev
	step "qemu: unpacking with Debian's patches (dpkg-source -x)"
	rm -rf "$TREE" "$TREE.tmp"
	run_logged "$OUT/logs/qemu-unpack.log" "dpkg-source -x $dsc" \
		dpkg-source --no-check -x "$dsc" "$TREE.tmp"
	# quilt's bookkeeping is not part of the source.
	rm -rf "$TREE.tmp/.pc"
	mv "$TREE.tmp" "$TREE"
	step "qemu: importing the source as git commit 'base'"
	run_logged "$OUT/logs/qemu-import.log" "git import of the QEMU source" \
		import_base "$TREE" "qemu $QEMU_SRC_VERSION"
	rm -f "$STAMP"
}

if [ ! -d "$TREE/.git" ] || ! git -C "$TREE" rev-parse -q --verify base >/dev/null ||
   [ "$(git -C "$TREE" log -1 --format=%s base)" != "base: qemu $QEMU_SRC_VERSION" ]; then
	import_source
fi

series_main "$TREE" "$PATCHES" "$STAMP" qemu "$@"
