#!/bin/sh
# Build the kernel without debug options (nodebug), the selftests and the
# migration simulator, boot the first machine shape (or RUN_SHAPE) and run
# one plan; then collect the simulator's "# result KEY VALUE" lines as
# RESULTS_DIR/SHAPE.results ("TEST KEY VALUE" lines).  Used by "make run"
# and "make bench".  Prints the shape's name last.
#
#   run-nodebug.sh PLAN RESULTS_DIR [ARGS]
#
# ARGS: extra options for the plan's "@ARGS@" (numbers and options, no
# commas), passed to the guest on the kernel command line.
. "$(dirname "$0")/lib.sh"

PLAN=${1:?usage: run-nodebug.sh PLAN RESULTS_DIR [ARGS]}
RES=${2:?usage: run-nodebug.sh PLAN RESULTS_DIR [ARGS]}
ARGS=${3:-}
SHAPE=${RUN_SHAPE:-$(shapes_table | awk 'NF { print $1; exit }')}
mkdir -p "$RES"

GUEST_RUNARGS=$(echo $ARGS | tr ' ' ',')
case $GUEST_RUNARGS in *[!A-Za-z0-9_.,=+-]*)
	die "options for the simulator may only hold options and numbers: '$ARGS'" ;;
esac
export GUEST_RUNARGS

"$TOP/testbed/scripts/setup-host.sh" >&2
build_guest nodebug >&2
# Its progress to stderr: stdout carries the shape's name.
"$TOP/testbed/scripts/run-guest.sh" "$SHAPE" "$PLAN" \
	"$kbuild/arch/arm64/boot/Image" "$OUT/initramfs.cpio" "$RES" >&2

# The console's "# result KEY VALUE" lines, per test of the plan.
sim_lines "$RES/$SHAPE.log" | awk '$2 == "result" { print $1, $3, $4 }' \
	>"$RES/$SHAPE.results"
echo "$SHAPE"
