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

for shape in ${SHAPES:-$(sed 's/#.*//' "$TOP/testbed/shapes" | awk 'NF { print $1 }')}; do
	# A shape may name its own plans ("plans=a,b"), or runs $PLANS.
	plans=$(sed 's/#.*//' "$TOP/testbed/shapes" |
		awk -v s="$shape" '$1 == s { for (i = 3; i <= NF; i++)
			if ($i ~ /^plans=/) print substr($i, 7) }')
	"$TOP/testbed/scripts/run-guest.sh" "$shape" "${plans:-$PLANS}" \
		"$kbuild/arch/arm64/boot/Image" "$OUT/initramfs.cpio" "$RES"
done

step "test: done"
exec "$TOP/testbed/scripts/summary.sh" "$RES"
