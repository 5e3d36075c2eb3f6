#!/bin/sh
# "make run", the main job: build the bench kernel (no debug options), boot
# it on the first machine shape, run the dirty-logging workload of plan
# RUN_PLAN in the guest and print a short summary of what the guest
# measured.
. "$(dirname "$0")/lib.sh"

PLAN=${RUN_PLAN:-run}
SHAPE=${RUN_SHAPE:-$(sed 's/#.*//' "$TOP/testbed/shapes" | awk 'NF { print $1; exit }')}
RES=$OUT/results/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$RES"
ln -sfn "$(basename "$RES")" "$OUT/results/run-latest"

"$TOP/testbed/scripts/setup-host.sh"
kbuild=$("$TOP/testbed/scripts/build-kernel.sh" bench)
self=$("$TOP/testbed/scripts/build-selftests.sh" "$kbuild")
QEMU=$("$TOP/testbed/scripts/build-qemu.sh")
export QEMU
"$TOP/testbed/scripts/mkinitramfs.sh" "$self" "$OUT/initramfs.cpio"
"$TOP/testbed/scripts/run-guest.sh" "$SHAPE" "$PLAN" \
	"$kbuild/arch/arm64/boot/Image" "$OUT/initramfs.cpio" "$RES"

echo
echo "Dirty-logging workload on the '$SHAPE' machine, bench kernel (guest's own figures;"
echo "times are under an emulated CPU: compare them only with each other):"
# The workload's measurements, as the guest printed them.
sed -n 's/^# //p' "$RES/$SHAPE.log" | grep -E \
	'^(testbed: start|Testing guest mode|guest physical test memory|Populate memory time|Enabling dirty logging time|Iteration [0-9]+ dirty memory time|Disabling dirty logging time|Get dirty log over|Clear dirty log over|Dirty memory time|.*dirty log.* time)' |
	sed -e 's/^testbed: start [0-9]* /run: /' -e 's/^/  /'
echo
exec "$TOP/testbed/scripts/summary.sh" "$RES"
