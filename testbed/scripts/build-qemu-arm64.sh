#!/bin/sh
# Cross-build the QEMU that runs inside the guest: qemu-system-aarch64 with
# KVM (no TCG) and QEMU's own migration qtest, for arm64, statically
# linked, from the pinned Debian qemu source WITHOUT qemu/patches (the
# commit "base" of the QEMU work tree): the VMM our users run, unmodified.
# The arm64 libraries come from Debian's packages pinned in testbed/pins,
# unpacked into a sysroot.  Prints the build directory last; the programs
# are qemu-system-aarch64 and tests/qtest/migration-test in it.
. "$(dirname "$0")/lib.sh"

need_cmd ninja ninja-build
need_cmd meson meson
need_cmd pkg-config pkg-config
need_cmd "${CROSS_COMPILE}gcc" gcc-aarch64-linux-gnu

TREE=$("$TOP/testbed/scripts/qemu-src.sh") || exit 1
TREE=$(echo "$TREE" | tail -n1)
SRC=$OUT/qemu-arm64/src
SYSROOT=$OUT/qemu-arm64/sysroot
BUILD=$OUT/qemu-arm64/build
PYTHON=/usr/bin/python3
[ -x $PYTHON ] || PYTHON=$(command -v python3)
mkdir -p "$OUT/qemu-arm64"

# 1. The sysroot: the pinned arm64 .debs, checked, unpacked.  The compiler
# uses it as its --sysroot (C library included), so that meson finds
# libfdt, which has no pkg-config file, in the compiler's search path.
sys_key=$(key_of "$ARM64_SYSROOT_DEBS")
if ! up_to_date "$SYSROOT/.testbed-key" "$sys_key"; then
	step "qemu (arm64): preparing the arm64 sysroot from Debian's packages"
	rm -rf "$SYSROOT"
	mkdir -p "$SYSROOT"
	echo "$ARM64_SYSROOT_DEBS" | while read -r path sum; do
		[ -n "$path" ] || continue
		deb=$(fetch_pinned_deb "$path $sum")
		dpkg-deb -x "$deb" "$SYSROOT" || die "unpacking $deb failed"
	done
	echo "$sys_key" >"$SYSROOT/.testbed-key"
fi

# 2. The source: Debian's qemu, as imported (commit "base"), no patches.
src_tree=$(git -C "$TREE" rev-parse 'base^{tree}')
if ! up_to_date "$SRC.key" "$src_tree" || [ ! -x "$SRC/configure" ]; then
	step "qemu (arm64): exporting Debian's qemu source (commit base, no qemu/patches)"
	rm -rf "$SRC"
	mkdir -p "$SRC"
	git -C "$TREE" archive base | tar -x -C "$SRC" || die "git archive of the QEMU base failed"
	echo "$src_tree" >"$SRC.key"
fi

# Devices: QEMU's defaults for a KVM-only build (the boards that need TCG
# drop out; "virt" stays).  The "minimal" device set selects sbsa-ref,
# which needs TCG.
# pkg-config that sees only the sysroot's arm64 libraries.
PKGCONF=$OUT/qemu-arm64/pkg-config
cat >"$PKGCONF" <<PC
#!/bin/sh
PKG_CONFIG_SYSROOT_DIR='$SYSROOT' \\
PKG_CONFIG_LIBDIR='$SYSROOT/usr/lib/aarch64-linux-gnu/pkgconfig:$SYSROOT/usr/share/pkgconfig' \\
exec pkg-config "\$@"
PC
chmod +x "$PKGCONF"

CONFIGURE="--cross-prefix=$CROSS_COMPILE --static --target-list=aarch64-softmmu
--without-default-features
--enable-kvm --disable-tcg --enable-fdt=system --disable-docs --disable-download
--disable-install-blobs --disable-werror --python=$PYTHON"
BINS="qemu-system-aarch64 tests/qtest/migration-test"

key=$(key_of "$src_tree" "$sys_key" "$CONFIGURE" "$BINS" "$(${CROSS_COMPILE}gcc --version | head -n1)")
if up_to_date "$BUILD/.testbed-key" "$key" && [ -x "$BUILD/qemu-system-aarch64" ]; then
	step "qemu (arm64): up to date"
	echo "$BUILD"
	exit 0
fi
if [ ! -f "$BUILD/build.ninja" ] || [ "$(cat "$BUILD/.testbed-configure" 2>/dev/null)" != "$CONFIGURE $sys_key" ]; then
	step "qemu (arm64): configuring"
	rm -rf "$BUILD"
	mkdir -p "$BUILD"
	# shellcheck disable=SC2086
	run_logged "$OUT/logs/qemu-arm64-configure.log" "QEMU (arm64) configure" \
		sh -c "cd '$BUILD' && PKG_CONFIG='$PKGCONF' '$SRC/configure' \
			--cc='ccache ${CROSS_COMPILE}gcc --sysroot=$SYSROOT' \
			$(echo $CONFIGURE)"
	echo "$CONFIGURE $sys_key" >"$BUILD/.testbed-configure"
fi
step "qemu (arm64): building $BINS (log: $OUT/logs/qemu-arm64-build.log)"
# shellcheck disable=SC2086
run_logged "$OUT/logs/qemu-arm64-build.log" "QEMU (arm64) build" \
	ninja -C "$BUILD" -j"$JOBS" $BINS
echo "$key" >"$BUILD/.testbed-key"
step "qemu (arm64): built $(du -h "$BUILD/qemu-system-aarch64" | cut -f1) qemu-system-aarch64 and migration-test"
echo "$BUILD"
