#!/bin/sh
# A planted test of the series' buffer-full guard (kvm_hdbss_vcpu_put()
# leaves the CPU's HDBSS buffer full), not part of "make test": the race it
# closes needs a window that only a planted sleep makes wide enough.
#
# kernel.diff, applied on the series, makes kvm_hdbss_stop() sleep 1 s
# between its VTCR_EL2 update and its TLB invalidation, makes
# kvm_hdbss_install() WARN when the CPU's HDBSSPROD_EL2 shows entries logged
# while no vCPU's buffer was loaded there, and adds the selftest
# hdbss_stop_race: vCPU 0 runs on CPU 1 while logging, then vCPU 1, created
# meanwhile (no buffer yet), first enters the guest on CPU 1 inside the
# window and writes 16 pages that vCPU 0 mapped.
#
# Builds two planted kernels, with the series as it is and with the line
# that makes the buffer full removed, and boots each on the "hostile"
# machine (VTCR_EL2.HDBSS latched per VMID until a stage-2 invalidation).
# Expected: "without the guard" FAILs with a kernel splat (the stray
# entries), "with the guard" PASSes, vCPU 1 having taken buffer-full exits.
# The shape's "expect:kvm.hdbss=Y," verdict fails in both: nothing in this
# plan prints the parameter.  Results in $OUT/results/plant-stop-window.
TOP=${TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$TOP/testbed/scripts/lib.sh"

plant_init stop-window
restore() {
	git -C "$TREE" checkout -q -- .
	rm -f "$TREE/tools/testing/selftests/kvm/arm64/hdbss_stop_race.c"
}
trap restore EXIT

step "plant: building the planted kernels (logs in $WORK)"
cp -a "$kbuild" "$WORK/build"
git -C "$TREE" apply "$PLANT/kernel.diff"
run_logged "$WORK/kernel-guard.log" "planted kernel build (with the guard)" \
	kernel_make "$TREE" "$WORK/build" Image
cp "$WORK/build/arch/arm64/boot/Image" "$WORK/Image.guard"
mkdir -p "$WORK/self/obj/tools"
run_logged "$WORK/selftest.log" "hdbss_stop_race build" \
	selftests_make "$TREE" "$WORK/self" "$kbuild" "$WORK/self/arm64/hdbss_stop_race"
# The guard: the three lines of kvm_hdbss_vcpu_put() that write
# HDBSSPROD_EL2 after the drain.
DT=$TREE/arch/arm64/kvm/dirty_tracking.c
[ "$(grep -c 'write_sysreg_s(FIELD_PREP(HDBSSPROD_EL2_INDEX_MASK,' "$DT")" = 1 ] ||
	die "kvm_hdbss_vcpu_put() no longer makes the buffer full as this plant expects"
sed -i '/write_sysreg_s(FIELD_PREP(HDBSSPROD_EL2_INDEX_MASK,/,/SYS_HDBSSPROD_EL2);/d' "$DT"
run_logged "$WORK/kernel-noguard.log" "planted kernel build (without the guard)" \
	kernel_make "$TREE" "$WORK/build" Image
cp "$WORK/build/arch/arm64/boot/Image" "$WORK/Image.noguard"
restore
trap - EXIT

# The initramfs of "make test" plus the program and its plan.
"${CROSS_COMPILE}strip" -o "$WORK/hdbss_stop_race" "$WORK/self/arm64/hdbss_stop_race"
plant_initramfs "$PLANT/plant-stop-window.plan" \
	"file /bin/arm64/hdbss_stop_race $WORK/hdbss_stop_race 0755 0 0"

for v in noguard guard; do
	mkdir -p "$RES/$v"
	"$TOP/testbed/scripts/run-guest.sh" hostile plant-stop-window \
		"$WORK/Image.$v" "$WORK/initramfs.cpio" "$RES/$v" || true
	step "plant: $v: $(grep plant-stop-window "$RES/$v/hostile.verdicts" | cut -f1,2)"
	tr -d '\r' <"$RES/$v/hostile.log" | grep -a 'PLANT: stray\|buffer-full exits' |
		sed 's/^/        /' >&2
done
grep -q '^FAIL.*plant-stop-window' "$RES/noguard/hostile.verdicts" &&
grep -q '^PASS.*plant-stop-window' "$RES/guard/hostile.verdicts" ||
	die "expected a failure without the guard and a pass with it"
step "plant: as expected"
