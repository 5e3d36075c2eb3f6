#!/bin/sh
# bench-csv.sh RES SHAPE: from the console log RES/SHAPE.log of a "make
# bench" guest (plan entries named CONFIG-MODE, MODE hdbss or wp, each
# running migrate_sim), write in RES:
#   lines         migrate_sim's result, round and sample lines, tagged
#                 "CONFIG MODE"
#   summary.csv   a row per run: config, mode, then KEYS (below)
#   rounds.csv    a row per round of every run: config, mode, round, then
#                 ROUND_KEYS (below)
#   samples.csv   the guest's progress rate: config, mode, t_ms, rate, phase
# Every row of each file has as many fields as its header, or this fails.
# testbed/tests/bench-csv holds a recorded log and the files it must give.
. "$(dirname "$0")/lib.sh"

RES=$1 SHAPE=$2
[ -f "$RES/$SHAPE.log" ] || die "no console log $RES/$SHAPE.log"

# The plan's runs are CONFIG-hdbss and CONFIG-wp; every line of the
# simulator's output that we use, tagged with the configuration and mode.
sim_lines "$RES/$SHAPE.log" | awk '{
	config = $1; sub(/-[a-z]*$/, "", config)
	mode = $1; sub(/^.*-/, "", mode)
	$1 = config " " mode; print
}' >"$RES/lines"
[ -s "$RES/lines" ] || die "the guest reported no result (console: $RES/$SHAPE.log)"

# Columns of summary.csv, after config and mode.
KEYS="hdbss vcpus mib pattern write_share bandwidth_mib_s rounds converged
unsaturated_syncs pages_dirtied wp_faults hdbss_entries hdbss_full_exits
hdbss_error_recoveries exits tracking_exits exits_per_dirtied_page
other_exits_per_s log_enable_ms get_ms_total clear_ms_total migration_ms
blackout_ms baseline baseline_iqr_pct rate_before rate_during rate_after
lost_progress_pages lost_progress_pct dest_mismatch_pages"

awk -v keys="$(echo $KEYS)" '
	BEGIN { nk = split(keys, k, " ") }
	$3 == "result" {
		id = $1 "," $2
		if (!(id in seen)) { seen[id] = 1; ids[++n] = id }
		v[id, $4] = $5
	}
	END {
		printf "config,mode"
		for (i = 1; i <= nk; i++) printf ",%s", k[i]
		print ""
		for (j = 1; j <= n; j++) {
			printf "%s", ids[j]
			for (i = 1; i <= nk; i++) printf ",%s", v[ids[j], k[i]]
			print ""
		}
	}
' "$RES/lines" >"$RES/summary.csv"

# Columns of rounds.csv, after config, mode and round: the key=value words
# of migrate_sim's "round N kind=..." lines, by name (its other "round N
# (kind): ..." lines are for people, not read).
ROUND_KEYS="kind dirtied copied get_ms clear_ms copy_ms wall_ms rate wp_faults
hdbss_entries hdbss_full_exits exits saturated"

awk -v keys="$(echo $ROUND_KEYS)" '
	BEGIN {
		nk = split(keys, k, " ")
		printf "config,mode,round"
		for (i = 1; i <= nk; i++) printf ",%s", k[i]
		print ""
	}
	$3 == "round" && $5 ~ /^kind=/ {
		split("", v)
		for (i = 5; i <= NF; i++) {
			e = index($i, "=")
			v[substr($i, 1, e - 1)] = substr($i, e + 1)
		}
		printf "%s,%s,%s", $1, $2, $4
		for (i = 1; i <= nk; i++) printf ",%s", v[k[i]]
		print ""
	}
' "$RES/lines" >"$RES/rounds.csv"

{
	echo "config,mode,t_ms,rate,phase"
	awk '$3 == "sample" { print $1 "," $2 "," $4 "," $5 "," $6 }' "$RES/lines"
} >"$RES/samples.csv"

# A strict check: a header, then rows of as many fields (no field of these
# files holds a comma or a quote).
for f in summary rounds samples; do
	awk -F , 'NR == 1 { n = NF } NF != n { bad = 1 } END { exit bad || NR < 2 }' \
		"$RES/$f.csv" || die "$RES/$f.csv: no row, or a row whose field count differs from the header's"
done
