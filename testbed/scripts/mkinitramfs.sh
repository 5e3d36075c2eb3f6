#!/bin/sh
# Build the guest's initramfs: our init (PID 1), every plan in
# testbed/plans, and the programs the plans run (stripped), taken from the
# KVM selftests build.  Uncompressed newc cpio made with the kernel's
# gen_init_cpio, so no root is needed for /dev/console.
#
#   mkinitramfs.sh SELFTESTS_DIR OUTPUT.cpio
. "$(dirname "$0")/lib.sh"

SELF=${1:?usage: mkinitramfs.sh SELFTESTS_DIR OUTPUT.cpio}
CPIO=${2:?usage: mkinitramfs.sh SELFTESTS_DIR OUTPUT.cpio}
TREE=$(linux_tree)
STAGE=$OUT/initramfs
TOOLS=$OUT/tools

# The selftests build and, when built into it, migrate_sim (build-migrate-sim.sh).
key=$(key_of "$TOP/testbed/init" "$TOP/testbed/plans" "$(cat "$SELF/.testbed-key")" \
	"$(cat "$SELF/.testbed-migrate-sim-key" 2>/dev/null)" \
	"$(cat "$SELF/.testbed-migrate-key" 2>/dev/null)" "$TREE/usr/gen_init_cpio.c")
if up_to_date "$CPIO.key" "$key" && [ -f "$CPIO" ]; then
	step "initramfs: up to date"
	exit 0
fi
step "initramfs: building"
rm -rf "$STAGE"
mkdir -p "$STAGE/bin" "$TOOLS"

run_logged "$OUT/logs/init-build.log" "guest init build" \
	"${CROSS_COMPILE}gcc" -static -O2 -Wall -Wextra -Werror \
	-o "$STAGE/init" "$TOP/testbed/init/init.c"
run_logged "$OUT/logs/gen_init_cpio-build.log" "gen_init_cpio build" \
	cc -O2 -o "$TOOLS/gen_init_cpio" "$TREE/usr/gen_init_cpio.c"

spec=$STAGE/spec
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in proc sys tmp bin plans; do echo "dir /$d 0755 0 0"; done
	echo "file /init $STAGE/init 0755 0 0"
} >"$spec"

# Programs named by the plans: the third word of every entry line.
progs=$(cat "$TOP"/testbed/plans/*.plan | sed 's/#.*//' |
	awk 'NF >= 3 && $1 !~ /^@/ { print $3 }' | LC_ALL=C sort -u)
dirs=
for p in $progs; do
	src=$SELF/$p
	[ -x "$src" ] || die "a plan runs '$p', which the selftests build did not produce ($src)"
	d=$(dirname "$p")
	if [ "$d" != . ] && ! echo "$dirs" | grep -qx "$d"; then
		dirs="$dirs
$d"
		echo "dir /bin/$d 0755 0 0" >>"$spec"
	fi
	mkdir -p "$STAGE/bin/$d"
	"${CROSS_COMPILE}strip" -o "$STAGE/bin/$p" "$src"
	echo "file /bin/$p $STAGE/bin/$p 0755 0 0" >>"$spec"
done
# Files staged by build-migrate.sh (QEMU, the migrated guest), at the same
# paths.
if [ -d "$SELF/extra" ]; then
	(cd "$SELF/extra" && find . -mindepth 1 -type d | LC_ALL=C sort) | while read -r d; do
		d=${d#./}
		[ "$d" = bin ] || echo "dir /$d 0755 0 0"
	done >>"$spec"
	(cd "$SELF/extra" && find . -type f | LC_ALL=C sort) | while read -r f; do
		f=${f#./}
		echo "file /$f $SELF/extra/$f 0755 0 0"
	done >>"$spec"
fi
for f in "$TOP"/testbed/plans/*.plan; do
	echo "file /plans/$(basename "$f") $f 0644 0 0" >>"$spec"
done

"$TOOLS/gen_init_cpio" "$spec" >"$CPIO.tmp" || die "gen_init_cpio failed (spec: $spec)"
mv "$CPIO.tmp" "$CPIO"
echo "$key" >"$CPIO.key"
step "initramfs: $(echo "$progs" | wc -w) programs, $(du -h "$CPIO" | cut -f1)"
