#!/bin/sh
# Build what the real-migration plans run inside the guest, into a
# selftests build directory (as build-migrate-sim.sh does for migrate_sim):
#
#   SELF/migrate_qemu             the QMP driver (testbed/migrate)
#   SELF/qemu/migration-test      QEMU's own migration qtest
#   SELF/extra/bin/qemu-system-aarch64      the unmodified arm64 QEMU
#   SELF/extra/bin/sh             Debian's static busybox (qtest runs QEMU
#                                 with "sh -c")
#   SELF/extra/share/qemu/efi-virtio.rom   Debian's ipxe-qemu ROM, where QEMU
#                                 looks (its data directory relative to
#                                 the binary: /bin/../share/qemu)
#   SELF/extra/lib/l2/Image       the migrated guest's kernel: the kernel
#                                 of KBUILD, the one the guest itself boots
#                                 (no second kernel to build)
#   SELF/extra/lib/l2/initramfs.cpio        its workload (l2init.c)
#
# mkinitramfs.sh puts SELF/extra/* at the same paths in the guest.
#
#   build-migrate.sh SELFTESTS_DIR KBUILD   prints the directory last
. "$(dirname "$0")/lib.sh"

SELF=${1:?usage: build-migrate.sh SELFTESTS_DIR KBUILD}
KB=${2:?usage: build-migrate.sh SELFTESTS_DIR KBUILD}
TREE=$(linux_tree)
QB=$("$TOP/testbed/scripts/build-qemu-arm64.sh" | tail -n1)
TOOLS=$OUT/tools
X=$SELF/extra

key=$(key_of "$TOP/testbed/scripts/build-migrate.sh" "$ARM64_SHELL_DEB" "$QEMU_ROM_DEB" "$TOP/testbed/migrate" "$(cat "$QB/.testbed-key")" "$(cat "$KB/.testbed-key")" \
	"$(${CROSS_COMPILE}gcc --version | head -n1)")
if up_to_date "$SELF/.testbed-migrate-key" "$key" && [ -x "$SELF/migrate_qemu" ]; then
	step "migrate: up to date"
	echo "$SELF"
	exit 0
fi
step "migrate: building the migration driver, the migrated guest and staging QEMU"
rm -f "$SELF/.testbed-migrate-key"
rm -rf "$X"
mkdir -p "$X/bin" "$X/lib/l2" "$SELF/qemu" "$TOOLS" "$OUT/migrate"
cflags="-static -O2 -Wall -Wextra -Werror"
run_logged "$OUT/logs/migrate-build.log" "migrate_qemu build" \
	ccache "${CROSS_COMPILE}gcc" $cflags -o "$SELF/migrate_qemu" \
	"$TOP/testbed/migrate/migrate_qemu.c" -lm
run_logged "$OUT/logs/migrate-l2init-build.log" "l2init build" \
	ccache "${CROSS_COMPILE}gcc" $cflags -pthread -o "$OUT/migrate/l2init" \
	"$TOP/testbed/migrate/l2init.c"
[ -x "$TOOLS/gen_init_cpio" ] ||
	run_logged "$OUT/logs/gen_init_cpio-build.log" "gen_init_cpio build" \
		cc -O2 -o "$TOOLS/gen_init_cpio" "$TREE/usr/gen_init_cpio.c"
"${CROSS_COMPILE}strip" -o "$OUT/migrate/l2init.stripped" "$OUT/migrate/l2init"
cat >"$OUT/migrate/l2.spec" <<SPEC
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
file /init $OUT/migrate/l2init.stripped 0755 0 0
SPEC
"$TOOLS/gen_init_cpio" "$OUT/migrate/l2.spec" >"$X/lib/l2/initramfs.cpio" ||
	die "gen_init_cpio of the migrated guest's initramfs failed"
cp "$KB/arch/arm64/boot/Image" "$X/lib/l2/Image"
"${CROSS_COMPILE}strip" -o "$X/bin/qemu-system-aarch64" "$QB/qemu-system-aarch64"
cp "$QB/tests/qtest/migration-test" "$SELF/qemu/migration-test"
# unpack_pinned DIR "POOL_PATH SHA256": a pinned .deb, unpacked into DIR.
unpack_pinned() {
	_d=$(fetch_pinned_deb "$2")
	rm -rf "$1"
	dpkg-deb -x "$_d" "$1" || die "unpacking $_d failed"
}
unpack_pinned "$OUT/migrate/busybox" "$ARM64_SHELL_DEB"
cp "$OUT/migrate/busybox/bin/busybox" "$X/bin/sh"
unpack_pinned "$OUT/migrate/ipxe" "$QEMU_ROM_DEB"
mkdir -p "$X/share/qemu"
cp "$OUT/migrate/ipxe/usr/lib/ipxe/qemu/efi-virtio.rom" "$X/share/qemu/"
echo "$key" >"$SELF/.testbed-migrate-key"
step "migrate: QEMU $(du -h "$X/bin/qemu-system-aarch64" | cut -f1), guest kernel $(du -h "$X/lib/l2/Image" | cut -f1)"
echo "$SELF"
