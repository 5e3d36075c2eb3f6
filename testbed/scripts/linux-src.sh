#!/bin/sh
# Materialize the kernel work tree: the pinned Debian linux-source (or the
# tree named by LINUX_SRC) with linux/patches applied, one commit a patch.
# Prints the tree's path on its last line.
#
#   linux-src.sh            prepare (or bring up to date) the tree
#   linux-src.sh export     write the tree's series back to linux/patches
#   linux-src.sh reset      drop the tree's commits and re-apply the series
. "$(dirname "$0")/lib.sh"
. "$TOP/testbed/scripts/series.sh"

PATCHES=$TOP/linux/patches
mkdir -p "$OUT/logs" "$OUT/linux" "$DL"

if [ -n "${LINUX_SRC:-}" ]; then
	TREE=$OUT/linux/user-src
	STAMP=$OUT/linux/user-src.applied
else
	TREE=$OUT/linux/src
	STAMP=$OUT/linux/src.applied
fi

fetch_deb() {
	deb=$DL/${LINUX_PKG}_$(echo "$LINUX_PKG_VERSION" | sed 's/^[0-9]*://')_all.deb
	if [ -f "$deb" ] && [ "$(sha256_of "$deb")" = "$LINUX_DEB_SHA256" ]; then
		return 0
	fi
	step "linux: downloading $LINUX_PKG $LINUX_PKG_VERSION ($LINUX_PKG_SUITE)"
	if ! (cd "$DL" && apt-get download "$LINUX_PKG=$LINUX_PKG_VERSION") \
		>"$OUT/logs/linux-download.log" 2>&1; then
		die "apt-get download $LINUX_PKG=$LINUX_PKG_VERSION failed (log: $OUT/logs/linux-download.log); 'make setup' adds the $LINUX_PKG_SUITE apt source"
	fi
	[ "$(sha256_of "$deb")" = "$LINUX_DEB_SHA256" ] ||
		die "$deb: sha256 $(sha256_of "$deb") is not the pinned $LINUX_DEB_SHA256"
}

import_debian_source() {
	fetch_deb
	step "linux: unpacking $LINUX_PKG $LINUX_PKG_VERSION"
	rm -rf "$TREE" "$TREE.tmp"
	mkdir -p "$TREE.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$TREE.tmp" "./$LINUX_TARBALL"
	tarball=$TREE.tmp/$LINUX_TARBALL
	[ "$(sha256_of "$tarball")" = "$LINUX_TARBALL_SHA256" ] ||
		die "$tarball: sha256 is not the pinned $LINUX_TARBALL_SHA256"
	tar -x -C "$TREE.tmp" -f "$tarball"
	rm -rf "$TREE.tmp/usr"
	mv "$TREE.tmp"/linux-source-* "$TREE"
	rm -rf "$TREE.tmp"
	step "linux: importing the source as git commit 'base'"
	run_logged "$OUT/logs/linux-import.log" "git import of the kernel source" \
		import_base "$TREE" "$LINUX_PKG $LINUX_PKG_VERSION"
	rm -f "$STAMP"
}

import_user_tree() {
	[ -d "$LINUX_SRC/.git" ] || [ -f "$LINUX_SRC/.git" ] ||
		die "LINUX_SRC=$LINUX_SRC is not a git checkout"
	want=$(git -C "$LINUX_SRC" rev-parse HEAD)
	if [ -d "$TREE/.git" ] && [ "$(git -C "$TREE" rev-parse -q --verify base)" = "$want" ]; then
		return 0
	fi
	step "linux: cloning $LINUX_SRC (HEAD $want) into $TREE"
	rm -rf "$TREE"
	run_logged "$OUT/logs/linux-clone.log" "git clone of $LINUX_SRC" \
		git clone -q --shared --no-checkout "$LINUX_SRC" "$TREE"
	git -C "$TREE" checkout -q -B series "$want"
	git -C "$TREE" tag -f base "$want" >/dev/null
	rm -f "$STAMP"
}

if [ -n "${LINUX_SRC:-}" ]; then
	import_user_tree
elif [ ! -d "$TREE/.git" ] || ! git -C "$TREE" rev-parse -q --verify base >/dev/null ||
     [ "$(git -C "$TREE" log -1 --format=%s base)" != "base: $LINUX_PKG $LINUX_PKG_VERSION" ]; then
	import_debian_source
fi

series_main "$TREE" "$PATCHES" "$STAMP" linux "$@"
