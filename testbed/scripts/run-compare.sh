#!/bin/sh
# Compare the counts of a "make run" with those of an earlier run of the
# same plan and options (their summary.csv, see run.sh): prints how far
# apart the medians are, and the same without what the emulator's speed
# decides.  Tested by harness-test.sh on two recorded summaries
# (testbed/tests/run-compare).
#
#   run-compare.sh EARLIER_RESULTS_DIR RESULTS_DIR
. "$(dirname "$0")/lib.sh"

PREV=${1:?usage: run-compare.sh EARLIER_RESULTS_DIR RESULTS_DIR}
RES=${2:?usage: run-compare.sh EARLIER_RESULTS_DIR RESULTS_DIR}

# Two comparisons of one pass: "all", the medians of the counts, and
# "fair", the same without what the emulator's speed decides:
# dirty-sync-count, a small integer whose median jumps by a whole sync, by
# its mean; in ring mode, where QEMU collects continuously and about every
# guest write is logged, HDBSS entries and write faults follow the
# migration's duration, which follows the emulator's speed: pages logged
# per guest write instead.
awk -F, -v prev="$PREV" '
	function all(key) {
		return key ~ /^(dirty_sync_count|normal_pages|transferred_bytes|hdbss_entries|dirty_log_wp_faults)$/
	}
	function fair(lm, key) {
		if (key ~ /^(dirty_sync_count|normal_pages|transferred_bytes)$/) return 1
		if (lm == "ring") return key == "logged_per_write"
		return key ~ /^(hdbss_entries|dirty_log_wp_faults)$/
	}
	function fig(key) { return key == "dirty_sync_count" ? $9 : $6 }
	# Compare a with b in comparison c.
	function compare(c, a, b,   d) {
		n[c]++
		d = (a == b) ? 0 : (a > b ? a - b : b - a) * 100 / (a > b ? a : b)
		if (d > worst[c]) { worst[c] = d; what[c] = $1 " " $2 " " $3 " " $4 " " a " -> " b }
	}
	FILENAME == ARGV[1] {
		k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4
		if (all($4)) pall[k] = $6
		if (fair($2, $4)) pfair[k] = fig($4)
		next
	}
	{ k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4 }
	all($4) && (k in pall) { compare("all", pall[k] + 0, $6 + 0) }
	fair($2, $4) && (k in pfair) && pfair[k] != "" && fig($4) != "" {
		compare("fair", pfair[k] + 0, fig($4) + 0)
		if ($4 == "dirty_sync_count") nmean++
		if ($4 == "logged_per_write") nper++
	}
	function largest(c) { return worst[c] > 0 ? "; largest difference: " what[c] : "" }
	END {
		if (!n["all"]) { printf "  Counts: nothing in common with the earlier run %s to compare.\n", prev; exit }
		printf "  Median counts (%d compared) within %.1f%% of the earlier run with these options (%s)%s.\n",
			n["all"], worst["all"], prev, largest("all")
		if (!n["fair"]) exit
		printf "  Without what the emulator'"'"'s speed decides (%d compared, %d of them dirty-sync-count\n", n["fair"], nmean
		printf "  by its mean, %d ring-mode pages logged per guest write): within %.1f%%%s.\n",
			nper, worst["fair"], largest("fair")
	}' "$PREV/summary.csv" "$RES/summary.csv"
