#!/bin/sh
# "make test": set up the host, build the debug kernel, the KVM selftests
# and QEMU, test the harness itself, run the emulator's conformance suite,
# then boot every machine shape of testbed/shapes and run the plans of
# TEST_PLANS in it.  Ends with the table
# of results and one line "N passed, N failed"; exits non-zero on any
# failure.
. "$(dirname "$0")/lib.sh"

PLANS=${TEST_PLANS:-dirty-log,hdbss,regress,migrate,qemu-migration-test}
RES=$OUT/results/test-$(date +%Y%m%d-%H%M%S)
mkdir -p "$RES"
ln -sfn "$(basename "$RES")" "$OUT/results/test-latest"

step "test: results in $RES"
"$TOP/testbed/scripts/setup-host.sh"
"$TOP/testbed/scripts/harness-test.sh" "$RES"
build_guest test
"$TOP/testbed/scripts/conformance.sh" "$QEMU" "$RES"

# Every shape but the "optional" ones, unless SHAPES names them.
for shape in ${SHAPES:-$(shapes_table |
	awk 'NF { for (i = 3; i <= NF; i++) if ($i == "optional") next; print $1 }')}; do
	# A shape may name its own plans ("plans=a,b"), or runs $PLANS, and
	# its own kernel configuration ("kernel=test16k"), or boots the
	# debug kernel.
	plans=$(shape_word "$shape" plans)
	kconf=$(shape_word "$shape" kernel)
	image=$kbuild/arch/arm64/boot/Image
	if [ -n "$kconf" ]; then
		kb=$("$TOP/testbed/scripts/build-kernel.sh" "$kconf") ||
			die "the $kconf kernel for shape $shape did not build"
		image=$(echo "$kb" | tail -n1)/arch/arm64/boot/Image
	fi
	"$TOP/testbed/scripts/run-guest.sh" "$shape" "${plans:-$PLANS}" \
		"$image" "$OUT/initramfs.cpio" "$RES"
done

step "test: done"
exec "$TOP/testbed/scripts/summary.sh" "$RES"
