#!/bin/sh
# bench-csv.sh RES SHAPE: from the console log RES/SHAPE.log of a "make
# bench" guest (plan entries named CONFIG-MODE or CONFIG-REP-MODE, MODE
# hdbss, wp or control (migrate_sim -n: no dirty logging), REP the repetition's
# number, 1 when absent, each running migrate_sim), write in RES:
#   lines         migrate_sim's result, round and sample lines, tagged
#                 "CONFIG REP MODE"
#   summary.csv   a row per run: config, rep, mode, then KEYS (below);
#                 a key that the run did not report (an older migrate_sim)
#                 is an empty field
#   rounds.csv    a row per round of every run: config, rep, mode, round,
#                 then ROUND_KEYS (below)
#   samples.csv   the guest's progress rate: config, rep, mode, t_ms, rate,
#                 phase
#   medians.csv   a row per configuration, mode and key of MEDIAN_KEYS
#                 (below) over the repetitions: config, mode, key, n,
#                 median, lo, hi, coverage_pct; [lo, hi] is the interval
#                 of order statistics [x(k), x(n+1-k)] with the largest k
#                 whose coverage of the population median is at least 95%
#                 (k = 1, the whole range, when none is: 75% for n = 3,
#                 93.8% for n = 5), coverage_pct that coverage,
#                 1 - 2 P(Bin(n, 1/2) <= k - 1), distribution-free;
#                 and, where a configuration ran both modes, rows of
#                 mode "hdbss/wp" and key logop_ratio: the ratio of the
#                 two modes' logop_ms_per_round (below) within each
#                 repetition, over the repetitions that ran both.
# Every row of each file has as many fields as its header, or this fails.
# testbed/tests/bench-csv holds recorded logs and the files they must give.
. "$(dirname "$0")/lib.sh"

RES=$1 SHAPE=$2
[ -f "$RES/$SHAPE.log" ] || die "no console log $RES/$SHAPE.log"

# The plan's runs are CONFIG[-REP]-hdbss and CONFIG[-REP]-wp; every line
# of the simulator's output that we use, tagged with the configuration,
# the repetition and the mode.
sim_lines "$RES/$SHAPE.log" | awk '{
	config = $1; sub(/-[a-z]*$/, "", config)
	mode = $1; sub(/^.*-/, "", mode)
	rep = 1
	if (match(config, /-[0-9]+$/)) {
		rep = substr(config, RSTART + 1)
		config = substr(config, 1, RSTART - 1)
	}
	$1 = config " " rep " " mode; print
}' >"$RES/lines"
[ -s "$RES/lines" ] || die "the guest reported no result (console: $RES/$SHAPE.log)"

# Columns of summary.csv, after config, rep and mode.
KEYS="hdbss vcpus mib pattern write_share bandwidth_mib_s rounds converged
unsaturated_syncs pages_dirtied wp_faults hdbss_entries hdbss_full_exits
hdbss_error_recoveries exits tracking_exits exits_per_dirtied_page
other_exits_per_s log_enable_ms get_ms_total clear_ms_total clears
clear_chunk_pages initially_set logging migration_ms blackout_ms baseline
baseline_iqr_pct rate_before rate_during rate_after lost_progress_pages
lost_progress_pct dest_mismatch_pages memslots backing s2_pgtable_kib_before
s2_pgtable_kib_logging dirty_ring ring_full_exits"

awk -v keys="$(echo $KEYS)" '
	BEGIN { nk = split(keys, k, " ") }
	$4 == "result" {
		id = $1 "," $2 "," $3
		if (!(id in seen)) { seen[id] = 1; ids[++n] = id }
		v[id, $5] = $6
	}
	END {
		printf "config,rep,mode"
		for (i = 1; i <= nk; i++) printf ",%s", k[i]
		print ""
		for (j = 1; j <= n; j++) {
			printf "%s", ids[j]
			for (i = 1; i <= nk; i++) printf ",%s", v[ids[j], k[i]]
			print ""
		}
	}
' "$RES/lines" >"$RES/summary.csv"

# Columns of rounds.csv, after config, rep, mode and round: the key=value
# words of migrate_sim's "round N kind=..." lines, by name (its other
# "round N (kind): ..." lines are for people, not read).
ROUND_KEYS="kind dirtied copied get_ms clear_ms clears copy_ms wall_ms rate
wp_faults hdbss_entries hdbss_full_exits exits saturated reaped"

awk -v keys="$(echo $ROUND_KEYS)" '
	BEGIN {
		nk = split(keys, k, " ")
		printf "config,rep,mode,round"
		for (i = 1; i <= nk; i++) printf ",%s", k[i]
		print ""
	}
	$4 == "round" && $6 ~ /^kind=/ {
		split("", v)
		for (i = 6; i <= NF; i++) {
			e = index($i, "=")
			v[substr($i, 1, e - 1)] = substr($i, e + 1)
		}
		printf "%s,%s,%s,%s", $1, $2, $3, $5
		for (i = 1; i <= nk; i++) printf ",%s", v[k[i]]
		print ""
	}
' "$RES/lines" >"$RES/rounds.csv"

{
	echo "config,rep,mode,t_ms,rate,phase"
	awk '$4 == "sample" { print $1 "," $2 "," $3 "," $5 "," $6 "," $7 }' "$RES/lines"
} >"$RES/samples.csv"

# medians.csv: the keys of summary.csv summarised over the repetitions,
# and logop_ms_per_round: the mean over a run's pre-copy ("iter") rounds
# of GET plus CLEAR time, from rounds.csv (round 0 enables logging and
# copies everything, the final round reads the log with the vCPUs
# stopped), and lost_progress_pct split in two: lost_logging_pct, the
# progress lost while logging ((baseline - rate_during) x (migration_ms -
# blackout_ms), rate_during being the guest's mean rate from the start of
# logging to the blackout), and lost_blackout_pct, the rest; both in
# percent of the baseline's progress over the whole migration, as
# lost_progress_pct.
MEDIAN_KEYS="pages_dirtied wp_faults hdbss_entries hdbss_full_exits exits
tracking_exits exits_per_dirtied_page other_exits_per_s get_ms_total
clear_ms_total logop_ms_per_round migration_ms blackout_ms
baseline_iqr_pct rate_before rate_during rate_after lost_progress_pct
lost_logging_pct lost_blackout_pct dest_mismatch_pages log_enable_ms
s2_pgtable_kib_before s2_pgtable_kib_logging ring_full_exits"

awk -F , -v keys="$(echo $MEDIAN_KEYS)" '
	function sort(a, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
	}
	# P(Bin(n, 1/2) <= m)
	function bincdf(n, m,   i, c, s) {
		c = 1; s = 0
		for (i = 0; i <= m; i++) {
			s += c
			c = c * (n - i) / (i + 1)
		}
		return s / 2 ^ n
	}
	BEGIN { nk = split(keys, k, " ") }
	FNR == 1 { for (i = 1; i <= NF; i++) col[FILENAME, $i] = i; next }
	FILENAME ~ /rounds.csv$/ {
		if ($col[FILENAME, "kind"] == "iter") {
			run = $1 "," $2 "," $3
			logop[run] += $col[FILENAME, "get_ms"] + $col[FILENAME, "clear_ms"]
			iters[run]++
		}
		next
	}
	{
		id = $1 "," $3
		run = $1 "," $2 "," $3
		if (!(id in cnt)) ids[++nid] = id
		r = ++cnt[id]
		for (i = 1; i <= nk; i++) {
			if (k[i] == "logop_ms_per_round")
				x = iters[run] ? logop[run] / iters[run] : ""
			else if (k[i] == "lost_logging_pct" || k[i] == "lost_blackout_pct") {
				b = $col[FILENAME, "baseline"]; t = $col[FILENAME, "migration_ms"]
				x = ""
				if (b > 0 && t > 0) {
					x = (b - $col[FILENAME, "rate_during"]) * (t - $col[FILENAME, "blackout_ms"])
					x = x * 100 / (b * t)
					if (k[i] == "lost_blackout_pct")
						x = $col[FILENAME, "lost_progress_pct"] - x
				}
			} else {
				# A raw field: a number, or a word such as "na"
				x = $col[FILENAME, k[i]]
				if (x !~ /^-?[0-9]+(\.[0-9]+)?$/)
					x = ""
			}
			val[id, k[i], r] = x
		}
	}
	# The row of a[1..n]: its median and interval of order statistics.
	function row(id, key, n,   med, q, cov) {
		sort(a, n)
		med = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		for (q = 1; 2 * (q + 1) <= n + 1 && 1 - 2 * bincdf(n, q) >= 0.95; q++)
			;
		cov = n > 1 ? 100 * (1 - 2 * bincdf(n, q - 1)) : 0
		printf "%s,%s,%d,%.10g,%.10g,%.10g,%.1f\n", id, key, n,
			med, a[q], a[n + 1 - q], cov
	}
	END {
		print "config,mode,key,n,median,lo,hi,coverage_pct"
		for (j = 1; j <= nid; j++) {
			id = ids[j]
			for (i = 1; i <= nk; i++) {
				n = 0
				split("", a)
				for (r = 1; r <= cnt[id]; r++) {
					x = val[id, k[i], r]
					if (x != "") a[++n] = x + 0
				}
				if (n > 0)
					row(id, k[i], n)
			}
		}
		# GET plus CLEAR, HDBSS over write protection, repetition by
		# repetition: the two runs of a repetition ran next to each
		# other on the same boot.
		for (j = 1; j <= nid; j++) {
			split(ids[j], f, ",")
			if (f[2] != "hdbss" || !((f[1] ",wp") in cnt))
				continue
			n = 0
			split("", a)
			for (run in iters) {
				split(run, g, ",")
				w = g[1] "," g[2] ",wp"
				if (g[1] == f[1] && g[3] == "hdbss" && iters[run] > 0 &&
				    (w in iters) && iters[w] > 0 && logop[w] > 0)
					a[++n] = (logop[run] / iters[run]) / (logop[w] / iters[w])
			}
			if (n > 0)
				row(f[1] ",hdbss/wp", "logop_ratio", n)
		}
	}
' "$RES/rounds.csv" "$RES/summary.csv" >"$RES/medians.csv"

# A strict check: a header, then rows of as many fields (no field of these
# files holds a comma or a quote).
for f in summary rounds samples medians; do
	awk -F , 'NR == 1 { n = NF } NF != n { bad = 1 } END { exit bad || NR < 2 }' \
		"$RES/$f.csv" || die "$RES/$f.csv: no row, or a row whose field count differs from the header's"
done
