#!/bin/sh
# Planted bugs in the series' dirty log, to show what the RAM comparison of
# the real migrations ("make run", the migrate plan of "make test") catches,
# and what it cannot.  Not part of "make test": each plant is a kernel of
# its own.
#
#   drop.diff     kvm_hdbss_mark_dirty() consumes every 1000th HDBSS entry
#                 without marking its page dirty.
#   noflush.diff  kvm_arch_sync_dirty_log() no longer drains the running
#                 vCPUs' HDBSS buffers: KVM_GET_DIRTY_LOG misses the pages
#                 whose entries are still in a buffer.
#
# Builds the nodebug kernel (that of "make run") with each diff applied on
# the series and boots it on the "vhe" machine with the plan plant-migrate:
# QEMU migrates make run's guest with HDBSS (with the 32 MiB buffer and 8
# MiB/s of make run's default before 2026-12-06: why, in the plan), twice
# through the dirty bitmap and twice through the dirty ring, guest RAM
# compared after each.  Then builds the debug kernel (that of "make test")
# with noflush.diff and runs hdbss_test's bitmap and manual_protect
# subtests on the "hostile" machine (nohz_full: vCPU 0 alone on its CPU,
# where no tick makes it exit and drain its buffer before a GET).
# Expected: with drop.diff the RAM comparison fails at least one migration
# through each log mode (all 4 in each run made so far; a dropped entry's
# page is saved when a later clean and a later write log it again, see
# the plan); with noflush.diff every migration passes it (QEMU stops the
# vCPUs before its last sync, every vCPU exit drains the buffer, and a
# page a GET missed is reported by the next one: the flush keeps
# KVM_GET_DIRTY_LOG's promise to a VMM that relies on a GET made while
# vCPUs run, which QEMU does not),
# and both subtests, which rely on it, fail.  Results in
# $OUT/results/plant-migrate.
TOP=${TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$TOP/testbed/scripts/lib.sh"

# The nodebug kernel with each plant, and make run's initramfs.
plant_init migrate nodebug
plant_build drop.diff drop
plant_build noflush.diff noflush
plant_initramfs "$PLANT/plant-migrate.plan"
for v in drop noflush; do
	mkdir -p "$RES/$v"
	"$TOP/testbed/scripts/run-guest.sh" vhe plant-migrate \
		"$WORK/Image.$v" "$WORK/initramfs.cpio" "$RES/$v" || true
	step "plant: $v.diff: $(grep 'plant-migrate' "$RES/$v/vhe.verdicts" | cut -f1,2)"
	tr -d '\r' <"$RES/$v/vhe.log" |
		grep -a '# migration [a-z0-9-]*: [a-zA-Z]*$\|RAM differs\|guest pages differ\|RAM identical' |
		sed 's/^/        /' >&2
done
rm -f "$TOP/testbed/plans/plant-migrate.plan"

# The debug kernel with noflush.diff, and make test's initramfs.
build_guest test
plant_build noflush.diff noflush-debug
plant_initramfs "$PLANT/plant-noflush.plan"
mkdir -p "$RES/noflush-debug"
"$TOP/testbed/scripts/run-guest.sh" hostile plant-noflush \
	"$WORK/Image.noflush-debug" "$WORK/initramfs.cpio" "$RES/noflush-debug" || true
grep 'plant-noflush' "$RES/noflush-debug/hostile.verdicts" | cut -f1,2 |
	sed 's/^/[noflush.diff, debug kernel] /' >&2
tr -d '\r' <"$RES/noflush-debug/hostile.log" | grep -a '# FAIL\|missing' |
	sed 's/^/        /' >&2

# count V RE: lines of plant V's console matching RE.
count() {
	tr -d '\r' <"$RES/$1/vhe.log" | grep -ac "$2" || :
}
# ram_failed MODE: drop.diff's migrations through log mode MODE that
# failed on their RAM comparison.
ram_failed() {
	tr -d '\r' <"$RES/drop/vhe.log" | awk -v m="$1" '
		/guest pages differ between source and destination/ { ram = 1 }
		/# migration [a-z0-9-]+: (FAILED|passed)$/ {
			if (ram && $0 ~ ("-" m "-[0-9]+: FAILED$")) n++
			ram = 0
		}
		END { print n + 0 }'
}
drop_bitmap=$(ram_failed bitmap)
drop_ring=$(ram_failed ring)
noflush_ram=$(count noflush 'guest RAM identical on both sides')
noflush_passed=$(count noflush '# migration [a-z0-9-]*: passed$')
step "plant: drop.diff: RAM differed in $drop_bitmap of 2 bitmap and $drop_ring of 2 ring" \
	"migrations; noflush.diff: $noflush_passed of 4 passed, $noflush_ram with identical RAM"
grep -q '^FAIL.*plant-migrate/migrations' "$RES/drop/vhe.verdicts" &&
[ "$drop_bitmap" -ge 1 ] && [ "$drop_ring" -ge 1 ] &&
grep -q '^PASS.*plant-migrate/migrations' "$RES/noflush/vhe.verdicts" &&
[ "$noflush_ram" = 4 ] && [ "$noflush_passed" = 4 ] &&
grep -q '^FAIL.*plant-noflush/hdbss_bitmap' "$RES/noflush-debug/hostile.verdicts" &&
grep -q '^FAIL.*plant-noflush/hdbss_manual' "$RES/noflush-debug/hostile.verdicts" ||
	die "expected: with drop.diff RAM differing in a bitmap and a ring migration, with noflush.diff 4 of 4 passed, and hdbss_test's bitmap and manual_protect subtests failed with noflush.diff (see $RES)"
step "plant: as expected"
