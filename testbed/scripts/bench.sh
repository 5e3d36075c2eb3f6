#!/bin/sh
# "make bench": run the migration simulator over the sweep of plan
# BENCH_PLAN (testbed/plans/bench.plan), each configuration with FEAT_HDBSS
# and with write-protect dirty logging, on the bench kernel; then write,
# in $OUT/results/bench-DATE (and bench-latest):
#   summary.csv   a row per run: configuration, mode and every result
#   rounds.csv    a row per round of every run
#   samples.csv   the guest's progress rate, sampled every 100 ms
#   report.md     the method, the A/B table per configuration, the plots
#   exits.png, lost.png, progress.png   the plots (gnuplot)
# BENCH_FROM=DIR makes the files again from the console log of an earlier
# run in DIR, without running anything.  BENCH_PUBLISH=1 then copies the
# report, the plots and the CSV files to docs/bench/, the published
# results that README.md shows.
. "$(dirname "$0")/lib.sh"

PLAN=${BENCH_PLAN:-bench}
# The configuration whose progress over time is plotted.
BASE=${BENCH_BASE:-v2-m256-rand}

if [ -n "${BENCH_FROM:-}" ]; then
	# Only the report, again, from the console log of an earlier run.
	RES=$(cd "$BENCH_FROM" && pwd) || die "no results directory $BENCH_FROM"
	SHAPE=$(basename "$(ls "$RES"/*.log | head -n1)" .log)
else
	RES=$OUT/results/bench-$(date +%Y%m%d-%H%M%S)
	mkdir -p "$RES"
	ln -sfn "$(basename "$RES")" "$OUT/results/bench-latest"
	SHAPE=$("$TOP/testbed/scripts/bench-plan.sh" "$PLAN" "$RES" "${BENCH_ARGS:-}")
fi

# summary.csv, rounds.csv and samples.csv from the console log.
"$TOP/testbed/scripts/bench-csv.sh" "$RES" "$SHAPE"

# An awk prelude for summary.csv: f(config, mode, key) is a value of it,
# cfg[1..ncfg] the configurations in the order they ran.
CSV_AWK='
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{
		if (!($1 in seen)) { seen[$1] = 1; cfg[++ncfg] = $1 }
		for (i = 1; i <= NF; i++) v[$1, $2, i] = $i
	}
	function f(c, m, key) { return v[c, m, col[key]] }
	# The lost progress in percent, starred when the noise is larger.
	function lost(c, m,   x, n) {
		x = f(c, m, "lost_progress_pct"); n = f(c, m, "baseline_iqr_pct")
		return x "%" ((x < 0 ? -x : x) <= n + 0 ? "*" : "")
	}
'

# Plot data.  exits.dat and lost.dat: a row per configuration.  For the
# progress plot, per mode: seconds since logging started, the rate in percent
# of the baseline, and the progress lost so far in seconds of baseline work.
awk -F, -v res="$RES" "$CSV_AWK"'
END {
	for (i = 1; i <= ncfg; i++) {
		c = cfg[i]
		print c, f(c, "hdbss", "exits_per_dirtied_page"),
			f(c, "wp", "exits_per_dirtied_page") >res "/exits.dat"
		print c, f(c, "hdbss", "lost_progress_pct"),
			f(c, "wp", "lost_progress_pct") >res "/lost.dat"
	}
}' "$RES/summary.csv"
for mode in hdbss wp; do
	base=$(awk -F, -v c="$BASE" -v m="$mode" "$CSV_AWK"'
		END { print f(c, m, "baseline") }' "$RES/summary.csv")
	awk -F, -v c="$BASE" -v m="$mode" -v b="${base:-0}" '
		$1 != c || $2 != m { next }
		{ t[++n] = $3; r[n] = $4; ph[n] = $5 }
		$5 == "before" { t0 = $3 }
		END {
			for (i = 1; i <= n; i++) {
				if (i > 1 && (ph[i] == "logging" || ph[i] == "blackout") && b > 0)
					lost += (1 - r[i] / b) * (t[i] - t[i - 1]) / 1000
				printf "%.3f %.2f %.4f %s\n", (t[i] - t0) / 1000,
					(b > 0 ? r[i] * 100 / b : 0), lost, ph[i]
			}
		}
	' "$RES/samples.csv" >"$RES/progress-$mode.dat"
done

step "bench: plots"
run_logged "$OUT/logs/bench-gnuplot.log" "gnuplot (plots of $RES)" \
	gnuplot -e "dir='$RES'; base='$BASE'" "$TOP/testbed/bench/plots.gp"

# The report.
commit=$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)
{
	echo "# HDBSS benchmark: simulated live migration"
	echo
	echo "Run $(date -u +%Y-%m-%d) on the emulated '$SHAPE' machine (QEMU TCG, 2"
	echo "CPUs), bench kernel (no debug options), project commit $commit."
	echo "Produced by \`make bench\` (testbed/scripts/bench.sh, plan $PLAN)."
	echo
	echo "Each configuration runs testbed/bench/migrate_sim twice on the same boot:"
	echo "with FEAT_HDBSS (kvm.hdbss=1) and with write-protect dirty logging"
	echo "(kvm.hdbss=0).  The guest's vCPUs write a hot set of 25% of their memory"
	echo "in a loop; the host runs pre-copy rounds of at least 3 s (GET and CLEAR"
	echo "of the dirty log, copy at 200 MiB/s), a blackout, and checks that the"
	echo "destination copy equals guest memory.  Configuration names: vCPUs (v),"
	echo "MiB per vCPU (m), order of the writes (rand or seq)."
	echo
	echo "**Times come from an emulated CPU**: only the counts and the ratios"
	echo "between the two modes of one run carry over to hardware.  Rates vary by"
	echo "10-30% between 100 ms samples under emulation (column \"noise\": the"
	echo "interquartile range of the baseline samples); a lost progress smaller"
	echo "than that is not measurable here."
	echo
	echo "## Dirty tracking and lost progress"
	echo
	echo "Dirty-tracking exits: write-protect faults plus HDBSS buffer-full exits."
	echo "Lost progress: the guest's baseline rate (logging off) over the whole"
	echo "migration, blackout included, minus what it wrote, in percent."
	echo
	awk -F, "$CSV_AWK"'
	END {
		print "| configuration | pages dirtied | HDBSS entries | buffer-full exits | write-protect faults | exits per dirtied page, HDBSS | exits per dirtied page, WP | ratio | lost progress, HDBSS | lost progress, WP | noise (HDBSS / WP) | destination check |"
		print "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"
		for (i = 1; i <= ncfg; i++) {
			c = cfg[i]
			h = f(c, "hdbss", "exits_per_dirtied_page")
			w = f(c, "wp", "exits_per_dirtied_page")
			ratio = h > 0 ? sprintf("%.0fx", w / h) : "-"
			ph = f(c, "hdbss", "pages_dirtied"); pw = f(c, "wp", "pages_dirtied")
			pd = ph == pw ? ph : ph " / " pw
			mh = f(c, "hdbss", "dest_mismatch_pages"); mw = f(c, "wp", "dest_mismatch_pages")
			dest = mh == "0" && mw == "0" ? "pass" : "FAIL (" mh " / " mw " pages)"
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s%% / %s%% | %s |\n",
				c, pd, f(c, "hdbss", "hdbss_entries"),
				f(c, "hdbss", "hdbss_full_exits"), f(c, "wp", "wp_faults"),
				h, w, ratio, lost(c, "hdbss"), lost(c, "wp"),
				f(c, "hdbss", "baseline_iqr_pct"), f(c, "wp", "baseline_iqr_pct"),
				dest
			for (m = 1; m <= 2; m++) {
				mode = m == 1 ? "hdbss" : "wp"
				if (f(c, mode, "unsaturated_syncs") > 0)
					note = note sprintf("- %s-%s: %s collection(s) did not report the whole hot set.\n",
						c, mode, f(c, mode, "unsaturated_syncs"))
			}
		}
		print ""
		print "\\* Not larger than the noise of that run: not measurable here."
		if (note != "")
			printf "\nCounts of these runs depend on timing:\n\n%s", note
	}' "$RES/summary.csv"
	echo
	echo "![Dirty-tracking exits per dirtied page](exits.png)"
	echo
	echo "![Lost progress per configuration](lost.png)"
	echo
	echo "## Progress over time ($BASE)"
	echo
	echo "The guest's progress rate in percent of its baseline, and the progress"
	echo "lost so far in seconds of baseline work, from the start of logging; the"
	echo "blackout ends the migration, then the guest runs with logging off."
	echo
	echo "![Guest progress over time](progress.png)"
	echo
	echo "## Cost of the log operations (emulated time)"
	echo
	awk -F, "$CSV_AWK"'
	END {
		print "| configuration | rounds | GET total ms, HDBSS / WP | CLEAR total ms, HDBSS / WP | blackout ms, HDBSS / WP | other exits/s, HDBSS / WP |"
		print "|---|--:|--:|--:|--:|--:|"
		for (i = 1; i <= ncfg; i++) {
			c = cfg[i]
			printf "| %s | %s | %s / %s | %s / %s | %s / %s | %s / %s |\n",
				c, f(c, "hdbss", "rounds"),
				f(c, "hdbss", "get_ms_total"), f(c, "wp", "get_ms_total"),
				f(c, "hdbss", "clear_ms_total"), f(c, "wp", "clear_ms_total"),
				f(c, "hdbss", "blackout_ms"), f(c, "wp", "blackout_ms"),
				f(c, "hdbss", "other_exits_per_s"), f(c, "wp", "other_exits_per_s")
		}
	}' "$RES/summary.csv"
	echo
	echo "Other exits are host timer ticks (HZ=250 per busy CPU) and kicks: they"
	echo "grow with time, not with writes.  Raw data: summary.csv, rounds.csv,"
	echo "samples.csv."
} >"$RES/report.md"
rm -f "$RES/lines"

if [ "${BENCH_PUBLISH:-0}" = 1 ]; then
	mkdir -p "$TOP/docs/bench"
	cp "$RES/report.md" "$RES"/*.png "$RES"/*.csv "$TOP/docs/bench/"
	step "bench: report, plots and CSV files copied to docs/bench/"
fi

echo
echo "Benchmark report: $RES/report.md"
sed -n '/^## Dirty tracking/,/^!\[/p' "$RES/report.md" | grep '^|' | sed 's/^/  /'
echo
exec "$TOP/testbed/scripts/summary.sh" "$RES"
