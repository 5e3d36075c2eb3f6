#!/bin/sh
# "make run", the main job: real live migrations with an unmodified QEMU.
# Builds the nodebug kernel (no debug options), the arm64 QEMU and the
# migrated guest, boots the first machine shape (vhe) and runs plan
# RUN_PLAN (testbed/plans/run.plan) in it: QEMU migrates a guest that
# writes memory, with kvm.hdbss on and off, reading the log through the
# dirty bitmap and through the dirty ring, several times each, the order of
# the two modes alternating; guest RAM is compared at the end of every
# migration.  Prints, per plan entry and log mode, a table of medians
# [min-max] for each mode and their ratio, and writes under
# out/results/run-DATE:
#   runs.csv      a row per migration: plan entry, run, kvm mode, log mode,
#                 repetition, then every result the driver printed, then
#                 logged_per_write (run-report.sh)
#   summary.csv   a row per plan entry, log mode, kvm mode and result: n,
#                 median, min, max, mean
#   samples.csv   the guest's progress rate (page writes a second) over time
. "$(dirname "$0")/lib.sh"

PLAN=${RUN_PLAN:-run}
[ -f "$TOP/testbed/plans/$PLAN.plan" ] || die "no plan '$PLAN' (testbed/plans/$PLAN.plan)"
# What makes runs comparable (lib.sh).
ARGS=$(run_key "$PLAN" "${RUN_ARGS:-}")
# The latest earlier run with the same in which everything passed, if any
# (the glob sorts by date).
PREV=
for d in "$OUT"/results/run-2*; do
	if [ -s "$d/summary.csv" ] && [ "$(cat "$d/run-args" 2>/dev/null)" = "$ARGS" ] &&
	   ! grep -q '^FAIL' "$d"/*.verdicts 2>/dev/null; then
		PREV=$d
	fi
done
RES=$OUT/results/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$RES"
ln -sfn "$(basename "$RES")" "$OUT/results/run-latest"

SHAPE=$("$TOP/testbed/scripts/run-nodebug.sh" "$PLAN" "$RES" "${RUN_ARGS:-}")
"$TOP/testbed/scripts/run-report.sh" "$RES" "$SHAPE" "$PLAN"
printf '%s\n' "$ARGS" >"$RES/run-args"

# Counts must repeat: compare them with those of the latest earlier run
# with the same plan and options.
echo
if [ -z "$PREV" ]; then
	echo "  Counts: no earlier run of this plan with these options to compare with."
else
	"$TOP/testbed/scripts/run-compare.sh" "$PREV" "$RES"
fi
echo
echo "Files: $RES/runs.csv, summary.csv, samples.csv; console: $RES/$SHAPE.log"
echo
exec "$TOP/testbed/scripts/summary.sh" "$RES"
