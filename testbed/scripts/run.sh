#!/bin/sh
# "make run", the main job: real live migrations with an unmodified QEMU.
# Builds the bench kernel (no debug options), the arm64 QEMU and the
# migrated guest, boots the first machine shape (vhe) and runs plan
# RUN_PLAN (testbed/plans/run.plan) in it: QEMU migrates a guest that
# writes memory, with kvm.hdbss on and off, reading the log through the
# dirty bitmap and through the dirty ring, several times each, the order of
# the two modes alternating; guest RAM is compared at the end of every
# migration.  Prints, per log mode, a table of medians [min-max] for each
# mode and their ratio, and writes under out/results/run-DATE:
#   runs.csv      a row per migration: run, kvm mode, log mode, repetition,
#                 then every result the driver printed
#   summary.csv   a row per log mode, kvm mode and result: n, median, min, max
#   samples.csv   the guest's progress rate (page writes a second) over time
. "$(dirname "$0")/lib.sh"

PLAN=${RUN_PLAN:-run}
PREV=$(cd "$OUT/results/run-latest" 2>/dev/null && pwd -P) || PREV=
RES=$OUT/results/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$RES"
ln -sfn "$(basename "$RES")" "$OUT/results/run-latest"

SHAPE=$("$TOP/testbed/scripts/bench-plan.sh" "$PLAN" "$RES" "${RUN_ARGS:-}")
"$TOP/testbed/scripts/run-report.sh" "$RES" "$SHAPE" "$PLAN"

# Counts must repeat: compare the medians with the previous run's, when it
# ran with the same options.
prev=$PREV/summary.csv
if [ -n "$PREV" ] && [ -s "$prev" ] && [ "$PREV" != "$(cd "$RES" && pwd -P)" ]; then
	echo
	if [ "$(cat "$PREV/run-args" 2>/dev/null)" != "${RUN_ARGS:-}" ]; then
		echo "  Counts: the previous run ($PREV) had other options; not compared."
	else
		awk -F, -v prev="$PREV" '
			FILENAME == ARGV[1] { p[$1, $2, $3] = $5; next }
			$3 ~ /^(dirty_sync_count|normal_pages|transferred_bytes|hdbss_entries|dirty_log_wp_faults)$/ {
				if (!(($1, $2, $3) in p)) next
				a = p[$1, $2, $3] + 0; b = $5 + 0
				d = (a == b) ? 0 : (a > b ? a - b : b - a) * 100 / (a > b ? a : b)
				if (d > worst) { worst = d; what = $1 " " $2 " " $3 " " a " -> " b }
			}
			END {
				printf "  Median counts within %.1f%% of the previous run (%s)%s.\n", worst, prev,
					(worst > 0 ? "; largest difference: " what : "")
			}' "$prev" "$RES/summary.csv"
	fi
fi
printf '%s\n' "${RUN_ARGS:-}" >"$RES/run-args"
echo
echo "Files: $RES/runs.csv, summary.csv, samples.csv; console: $RES/$SHAPE.log"
echo
exec "$TOP/testbed/scripts/summary.sh" "$RES"
