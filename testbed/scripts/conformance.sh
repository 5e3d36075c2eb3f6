#!/bin/sh
# Run the emulator's bare-metal FEAT_HDBSS/FEAT_HAFT conformance suite
# (qemu/conformance) on a QEMU binary, without Linux, and write its verdicts
# in the test bed's format to RESULTS_DIR/conformance.verdicts.
#
#   conformance.sh QEMU RESULTS_DIR
. "$(dirname "$0")/lib.sh"

QEMU=${1:?usage: conformance.sh QEMU RESULTS_DIR}
RES=${2:?usage: conformance.sh QEMU RESULTS_DIR}
mkdir -p "$RES"
step "conformance: bare-metal FEAT_HDBSS/HAFT suite (log: $RES/conformance.log)"
QEMU=$QEMU "$TOP/qemu/conformance/run.sh" "$OUT/conformance" \
	>"$RES/conformance.raw" 2>"$RES/conformance.log" ||
	die "the conformance runner failed (log: $RES/conformance.log)"
awk -F '\t' -v ktap="$OUT/conformance" '
	NF >= 2 { printf "%s\t%s\t-\t%s\n", $1, $2, ($1 == "FAIL" ? "see " ktap "/*.ktap" : "") }
' "$RES/conformance.raw" >"$RES/conformance.verdicts"
step "conformance: $(grep -c '^PASS' "$RES/conformance.verdicts" || true) passed, $(grep -c '^FAIL' "$RES/conformance.verdicts" || true) failed, $(grep -c '^SKIP' "$RES/conformance.verdicts" || true) skipped"
