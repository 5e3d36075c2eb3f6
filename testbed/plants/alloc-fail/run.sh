#!/bin/sh
# Planted bugs in the series' handling of a failed HDBSS buffer allocation,
# to show that hdbss_buffer_test's alloc_fail_start and alloc_fail_vcpu
# (part of "make test", plan hdbss) fail when the fallback to write
# protection is broken.  Not part of "make test": each plant is a kernel of
# its own.
#
#   start.diff  kvm_hdbss_start() goes on after a failed allocation: the
#               VM tracks with HDBSS although vCPU 1 has no buffer
#               (half-enabled).  kvm_hdbss_vcpu_ready() then makes vCPU 1
#               allocate one before it enters the guest, so this kernel
#               loses no page: the plant shows that the subtest catches a
#               start that does not fall back.
#   vcpu.diff   kvm_hdbss_vcpu_update() does not fall back when the buffer
#               of a vCPU added while tracking cannot be allocated: the
#               vCPU tries again at its next entry (and succeeds: the test
#               injects one failure).
#
# Builds a kernel with each diff applied on the series and boots it on the
# "vhe" machine with the plan plant-alloc-fail (the two subtests).
# Expected: with start.diff alloc_fail_start FAILs and alloc_fail_vcpu
# PASSes, with vcpu.diff the other way round.  Results in
# $OUT/results/plant-alloc-fail.
TOP=${TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$TOP/testbed/scripts/lib.sh"

plant_init alloc-fail
plant_build start.diff start
plant_build vcpu.diff vcpu

# The initramfs of "make test" (it has hdbss_buffer_test) plus the plan.
plant_initramfs "$PLANT/plant-alloc-fail.plan"

for v in start vcpu; do
	mkdir -p "$RES/$v"
	"$TOP/testbed/scripts/run-guest.sh" vhe plant-alloc-fail \
		"$WORK/Image.$v" "$WORK/initramfs.cpio" "$RES/$v" || true
	grep 'alloc_fail_' "$RES/$v/vhe.verdicts" | cut -f1,2 |
		sed "s/^/[$v.diff] /" >&2
	tr -d '\r' <"$RES/$v/vhe.log" | grep -a '# FAIL\|# .*: .* rounds, HDBSS' |
		sed 's/^/        /' >&2
done
grep -q '^FAIL.*/alloc_fail_start' "$RES/start/vhe.verdicts" &&
grep -q '^PASS.*/alloc_fail_vcpu' "$RES/start/vhe.verdicts" &&
grep -q '^PASS.*/alloc_fail_start' "$RES/vcpu/vhe.verdicts" &&
grep -q '^FAIL.*/alloc_fail_vcpu' "$RES/vcpu/vhe.verdicts" ||
	die "expected each plant to fail its own subtest and pass the other"
step "plant: as expected"
