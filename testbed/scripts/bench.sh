#!/bin/sh
# "make bench": run the migration simulator over the sweep of plan
# BENCH_PLAN (testbed/plans/bench.plan), each configuration with FEAT_HDBSS
# and with write-protect dirty logging, on the nodebug kernel; then write,
# in $OUT/results/bench-DATE (and bench-latest):
#   summary.csv   a row per run: configuration, repetition, mode and
#                 every result
#   rounds.csv    a row per round of every run
#   samples.csv   the guest's progress rate, sampled every 100 ms
#   medians.csv   medians and intervals over the repetitions
#   report.md     the method, the A/B table per configuration, the plots
#   exits.png, lost.png, progress.png   the plots (gnuplot)
# BENCH_FROM=DIR makes the files again from the console log of an earlier
# run in DIR, without running anything (BENCH_PREV=DIR2: the earlier run
# to compare with).  Counts are compared with the latest earlier run of
# the same plan, options and kernel series.  BENCH_PUBLISH=1 then copies the
# report, the plots and the CSV files to docs/bench/ (plan "bench") or
# docs/bench/PLAN/ (another plan), the published results that README.md
# shows.
. "$(dirname "$0")/lib.sh"

PLAN=${BENCH_PLAN:-bench}
# The configuration (and repetition, 1 unless it ends in -N) whose
# progress over time is plotted.
BASE=${BENCH_BASE:-v2-m256-rand}

# What makes two runs comparable (lib.sh, as for "make run").
ARGS=$(run_key "$PLAN" "${BENCH_ARGS:-}")

if [ -n "${BENCH_FROM:-}" ]; then
	# Only the report, again, from the console log of an earlier run.
	RES=$(cd "$BENCH_FROM" && pwd) || die "no results directory $BENCH_FROM"
	SHAPE=$(basename "$(ls "$RES"/*.log | head -n1)" .log)
	PREV=${BENCH_PREV:-}
	if [ -n "$PREV" ]; then
		[ -s "$PREV/medians.csv" ] || die "BENCH_PREV=$PREV: no medians.csv there"
		[ "$(cat "$PREV/bench-args" 2>/dev/null)" = "$(cat "$RES/bench-args" 2>/dev/null)" ] ||
			die "BENCH_PREV=$PREV was not run with the plan, options and kernel series of $RES (bench-args differ)"
	fi
else
	# The latest earlier run with the same that made its report, if any
	# (the glob sorts by date).
	PREV=
	for d in "$OUT"/results/bench-2*; do
		if [ -s "$d/medians.csv" ] && [ -s "$d/report.md" ] &&
		   [ "$(cat "$d/bench-args" 2>/dev/null)" = "$ARGS" ]; then
			PREV=$d
		fi
	done
	RES=$OUT/results/bench-$(date +%Y%m%d-%H%M%S)
	mkdir -p "$RES"
	ln -sfn "$(basename "$RES")" "$OUT/results/bench-latest"
	# The project commit that ran and the options, for the report (made
	# when the run ends, or again later).
	git -C "$TOP" describe --always --dirty >"$RES/project-commit" 2>/dev/null ||
		echo unknown >"$RES/project-commit"
	printf '%s\n' "${BENCH_ARGS:-}" >"$RES/bench-options"
	SHAPE=$("$TOP/testbed/scripts/run-nodebug.sh" "$PLAN" "$RES" "${BENCH_ARGS:-}")
	printf '%s\n' "$ARGS" >"$RES/bench-args"
fi

# summary.csv, rounds.csv and samples.csv from the console log.
"$TOP/testbed/scripts/bench-csv.sh" "$RES" "$SHAPE"

# An awk prelude for medians.csv: m(config, mode, key) is the median over
# the repetitions, iv(...) "median [lo, hi]" (the median alone for one
# run or when lo = hi), n(...) the number of runs, cfg[1..ncfg] the configurations in the
# order they ran.
MED_AWK='
	FNR == 1 {
		if (FILENAME ~ /summary.csv$/)
			for (i = 1; i <= NF; i++) scol[$i] = i
		next
	}
	FILENAME ~ /summary.csv$/ {
		if ($3 != "control") {
			d = $scol["dest_mismatch_pages"]
			if (!($1 in DMAX) || d == "" || d > DMAX[$1])
				DMAX[$1] = d == "" ? -1 : d
		}
		next
	}
	{
		if (!($1 in seen)) { seen[$1] = 1; cfg[++ncfg] = $1 }
		N[$1, $2, $3] = $4; M[$1, $2, $3] = $5
		LO[$1, $2, $3] = $6; HI[$1, $2, $3] = $7; COV[$1, $2, $3] = $8
	}
	function m(c, mo, k) { return M[c, mo, k] }
	function n(c, mo, k) { return N[c, mo, k] }
	function lo(c, mo, k) { return LO[c, mo, k] }
	function hi(c, mo, k) { return HI[c, mo, k] }
	function num(x, d) { return d == "" ? x : sprintf("%." d "f", x) }
	# The median alone, "-" for a mode the plan did not run.
	function mm(c, mo, k, d) { return N[c, mo, k] == "" ? "-" : num(M[c, mo, k], d) }
	function pct(c, mo, k) { return N[c, mo, k] == "" ? "-" : num(M[c, mo, k], 1) "%" }
	function iv(c, mo, k, d) {
		if (N[c, mo, k] == "") return "-"
		if (N[c, mo, k] < 2 || LO[c, mo, k] == HI[c, mo, k]) return num(M[c, mo, k], d)
		return num(M[c, mo, k], d) " [" num(LO[c, mo, k], d) ", " num(HI[c, mo, k], d) "]"
	}
	# An interval that holds zero is not a measured loss (or gain).
	function lost(c, mo, k,   s) {
		if (k == "") k = "lost_progress_pct"
		if (N[c, mo, k] == "") return "-"
		s = iv(c, mo, k, 1) "%"
		if (n(c, mo, k) > 1 && lo(c, mo, k) <= 0 && hi(c, mo, k) >= 0)
			s = s " (holds 0)"
		return s
	}
	function pages(c,   h, w) {
		h = iv(c, "hdbss", "pages_dirtied"); w = iv(c, "wp", "pages_dirtied")
		return h == w ? h : h " / " w
	}
	function ratio(a, b) { return a != "" && b > 0 ? sprintf("%.2f", a / b) : "-" }
	# "pass" when every logged run of the configuration found the
	# destination equal to guest memory (DMAX: the largest count of
	# differing pages over the runs, from summary.csv).
	function dest(c) {
		return (c in DMAX) && DMAX[c] == 0 ? "pass (every run)" : "FAIL"
	}
'

# Plot data.  exits.dat and lost.dat: a row per configuration, the median,
# low and high of the interval for HDBSS, then for WP.  For the progress
# plot, per mode, the first repetition of the base configuration: seconds
# since logging started, the rate in percent of the baseline, and the
# progress lost so far in seconds of baseline work.
awk -F, -v res="$RES" "$MED_AWK"'
END {
	for (i = 1; i <= ncfg; i++) {
		c = cfg[i]
		k = "exits_per_dirtied_page"
		print c, m(c, "hdbss", k), lo(c, "hdbss", k), hi(c, "hdbss", k),
			m(c, "wp", k), lo(c, "wp", k), hi(c, "wp", k) >res "/exits.dat"
		k = "lost_progress_pct"
		print c, m(c, "hdbss", k), lo(c, "hdbss", k), hi(c, "hdbss", k),
			m(c, "wp", k), lo(c, "wp", k), hi(c, "wp", k) >res "/lost.dat"
	}
}' "$RES/medians.csv"
BASE_CFG=$(echo "$BASE" | sed 's/-[0-9]*$//')
BASE_REP=$(echo "$BASE" | sed -n 's/.*-\([0-9][0-9]*\)$/\1/p')
for mode in hdbss wp; do
	base=$(awk -F, -v c="$BASE_CFG" -v r="${BASE_REP:-1}" -v m="$mode" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == c && $2 == r && $3 == m { print $col["baseline"] }' "$RES/summary.csv")
	awk -F, -v c="$BASE_CFG" -v rep="${BASE_REP:-1}" -v m="$mode" -v b="${base:-0}" '
		$1 != c || $2 != rep || $3 != m { next }
		{ t[++n] = $4; r[n] = $5; ph[n] = $6 }
		$6 == "before" { t0 = $4 }
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
[ -s "$RES/progress-hdbss.dat" ] || [ -s "$RES/progress-wp.dat" ] ||
	die "no progress samples of $BASE_CFG, repetition ${BASE_REP:-1} (BENCH_BASE=$BASE: a configuration of plan $PLAN?)"

step "bench: plots"
run_logged "$OUT/logs/bench-gnuplot.log" "gnuplot (plots of $RES)" \
	gnuplot -e "dir='$RES'; base='$BASE'" "$TOP/testbed/scripts/bench-plots.gp"

# The report.
commit=$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)
# The commit that ran, and the report's own where it differs (a report
# made again later, or a tree changed during the run).
if [ -s "$RES/project-commit" ] && [ "$(cat "$RES/project-commit")" != "$commit" ]; then
	commit="$(cat "$RES/project-commit") (this report made at $commit)"
fi
options=
if [ -n "$(cat "$RES/bench-options" 2>/dev/null)" ]; then
	options=", BENCH_ARGS=\"$(cat "$RES/bench-options")\""
fi
reps=$(awk -F, 'NR > 1 && $3 == "pages_dirtied" { print $4 }' "$RES/medians.csv" | sort -n | uniq | tr '\n' ' ' | sed 's/ $//; s/ /, /g')
{
	echo "# HDBSS benchmark: simulated live migration"
	echo
	echo "Run $(date -u +%Y-%m-%d) on the emulated '$SHAPE' machine (QEMU TCG, 2"
	echo "CPUs), kernel without debug options (nodebug), project commit $commit."
	echo "Produced by \`make bench\` (testbed/scripts/bench.sh, plan $PLAN$options)."
	echo
	echo "Each configuration runs testbed/migrate_sim/migrate_sim in the modes of the"
	echo "plan, on the same boot: with FEAT_HDBSS (kvm.hdbss=1), with"
	echo "write-protect dirty logging (kvm.hdbss=0) and, in some plans, as a"
	echo "control without dirty logging (migrate_sim -n); $reps time(s) each, in"
	echo "the plan's order (the modes alternate or rotate from one repetition"
	echo "to the next).  The guest's vCPUs"
	echo "write a hot set of 25% of their memory in a loop; the host runs"
	echo "pre-copy rounds of at least 3 s (6 s with 3 and 4 vCPUs in plan"
	echo "bench; GET and CLEAR of the dirty log, copy at 200 MiB/s), a"
	echo "blackout, and checks that the destination copy"
	echo "equals guest memory.  Configuration names: vCPUs (v), MiB per vCPU"
	echo "(m), order of the writes (rand or seq); see the plan for others."
	echo
	echo "Figures are medians over the repetitions, with the interval"
	echo "[x(k), x(n+1-k)] of the order statistics: distribution-free, it holds"
	echo "the population median with the probability given in medians.csv"
	echo "(column coverage_pct: 93.8% for 5 runs, 75% for 3; up to 8 runs the"
	echo "interval is the whole range of the runs).  A lost progress whose"
	echo "interval holds zero is marked so: not a measured loss."
	echo
	echo "**Times come from an emulated CPU**: only the counts and the ratios"
	echo "between the two modes of one run carry over to hardware.  Rates vary by"
	echo "10-30% between 100 ms samples under emulation (the interquartile"
	echo "range of a run's baseline samples is baseline_iqr_pct in summary.csv)."
	echo
	echo "## Dirty tracking"
	echo
	echo "Dirty-tracking exits: write-protect faults plus HDBSS buffer-full exits."
	echo
	awk -F, "$MED_AWK"'
	END {
		print "| configuration | runs a mode | pages dirtied (HDBSS / WP) | HDBSS entries | buffer-full exits | write-protect faults | exits per dirtied page, HDBSS | exits per dirtied page, WP | ratio | destination check |"
		print "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|"
		for (i = 1; i <= ncfg; i++) {
			c = cfg[i]
			h = m(c, "hdbss", "exits_per_dirtied_page")
			w = m(c, "wp", "exits_per_dirtied_page")
			printf "| %s | %s / %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				c, n(c, "hdbss", "pages_dirtied") + 0, n(c, "wp", "pages_dirtied") + 0,
				pages(c),
				iv(c, "hdbss", "hdbss_entries"), iv(c, "hdbss", "hdbss_full_exits"),
				iv(c, "wp", "wp_faults"),
				iv(c, "hdbss", "exits_per_dirtied_page", 5),
				iv(c, "wp", "exits_per_dirtied_page", 5),
				(h > 0 && w != "" ? sprintf("%.0fx", w / h) : "-"), dest(c)
		}
	}' "$RES/summary.csv" "$RES/medians.csv"
	awk -F, '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["unsaturated_syncs"] > 0 {
			note = note sprintf("- %s, run %s, %s: %s collection(s) did not report the whole hot set.\n",
				$1, $2, $3, $col["unsaturated_syncs"])
		}
		END { if (note != "") printf "\nCounts of these runs depend on timing:\n\n%s", note }
	' "$RES/summary.csv"
	echo
	echo "![Dirty-tracking exits per dirtied page](exits.png)"
	echo
	echo "## Lost progress"
	echo
	echo "The guest's baseline rate (logging off, before and after) over the"
	echo "whole migration, blackout included, minus what it wrote, in percent,"
	echo "and its two parts: while logging (the baseline minus the guest's mean"
	echo "rate from the start of logging to the blackout, over that time) and"
	echo "in the blackout (the rest; the vCPUs are stopped).  A plan may add"
	echo "control runs (mode \"control\": migrate_sim -n, the same migration"
	echo "without dirty logging, every collection reporting the whole hot set):"
	echo "their loss while logging is that of the copy thread alone, which"
	echo "competes with the vCPUs for the CPUs; what a mode loses beyond it is"
	echo "the cost of its dirty logging.  \"-\": no such run in the plan."
	echo
	awk -F, "$MED_AWK"'
	END {
		print "| configuration | lost progress, HDBSS | lost progress, WP | while logging, HDBSS | while logging, WP | while logging, control | blackout, HDBSS / WP / control | baseline noise (IQR %), HDBSS / WP |"
		print "|---|--:|--:|--:|--:|--:|--:|--:|"
		for (i = 1; i <= ncfg; i++) {
			c = cfg[i]
			printf "| %s | %s | %s | %s | %s | %s | %s / %s / %s | %s / %s |\n", c,
				lost(c, "hdbss"), lost(c, "wp"),
				lost(c, "hdbss", "lost_logging_pct"), lost(c, "wp", "lost_logging_pct"),
				lost(c, "control", "lost_logging_pct"),
				pct(c, "hdbss", "lost_blackout_pct"), pct(c, "wp", "lost_blackout_pct"),
				pct(c, "control", "lost_blackout_pct"),
				mm(c, "hdbss", "baseline_iqr_pct"), mm(c, "wp", "baseline_iqr_pct")
		}
	}' "$RES/medians.csv"
	echo
	echo "![Lost progress per configuration](lost.png)"
	echo
	echo "## Progress over time ($BASE)"
	echo
	echo "The guest's progress rate in percent of its baseline, and the progress"
	echo "lost so far in seconds of baseline work, from the start of logging; the"
	echo "blackout ends the migration, then the guest runs with logging off.  One"
	echo "repetition of each mode (BENCH_BASE: the first unless it names one)."
	echo
	echo "![Guest progress over time](progress.png)"
	echo
	echo "## Cost of the log operations (emulated time)"
	echo
	echo "GET plus CLEAR per pre-copy round: the mean over a run's rounds, then"
	echo "the median over the runs.  Under emulation only the ratio between the"
	echo "modes of one run means something, and only roughly (TLB invalidation"
	echo "and the vCPU kicks cost the emulator what they do not cost hardware)."
	echo "The ratio within a repetition is HDBSS's time over write protection's"
	echo "for the two runs of one repetition, which ran one after the other on"
	echo "the same boot: its median and interval over the repetitions.  An"
	echo "interval that holds 1 does not tell the two modes apart."
	echo
	awk -F, "$MED_AWK"'
	END {
		print "| configuration | GET + CLEAR per round, HDBSS (ms) | WP (ms) | ratio of medians | ratio within a repetition | blackout, HDBSS / WP (ms) | other exits/s, HDBSS / WP |"
		print "|---|--:|--:|--:|--:|--:|--:|"
		for (i = 1; i <= ncfg; i++) {
			c = cfg[i]
			k = "logop_ms_per_round"
			printf "| %s | %s | %s | %s | %s | %s / %s | %s / %s |\n", c,
				iv(c, "hdbss", k, 2), iv(c, "wp", k, 2),
				ratio(m(c, "hdbss", k), m(c, "wp", k)),
				iv(c, "hdbss/wp", "logop_ratio", 2),
				mm(c, "hdbss", "blackout_ms", 1), mm(c, "wp", "blackout_ms", 1),
				mm(c, "hdbss", "other_exits_per_s", 0), mm(c, "wp", "other_exits_per_s", 0)
		}
	}' "$RES/medians.csv"
	echo
	echo "Other exits are host timer ticks (HZ=250 per busy CPU) and kicks: they"
	echo "grow with time, not with writes.  Raw data: summary.csv (a row per"
	echo "run), rounds.csv, samples.csv, medians.csv (columns in"
	echo "testbed/scripts/bench-csv.sh)."
	echo
	echo "## Repeatability"
	echo
	if [ -n "${BENCH_FROM:-}" ] && [ -z "$PREV" ]; then
		echo "Not compared: made again from a console log (BENCH_FROM) without"
		echo "BENCH_PREV, the earlier run to compare with."
	elif [ -z "$PREV" ]; then
		echo "No earlier run of this plan, with these options and this kernel"
		echo "series, to compare with."
	else
		# Counts: the medians of the dirty-tracking counts against the
		# earlier run's; lost progress: do the intervals overlap?
		awk -F, -v prev="$(basename "$PREV")" '
			NR == FNR { if (FNR > 1) { p[$1, $2, $3] = $5; plo[$1, $2, $3] = $6; phi[$1, $2, $3] = $7 }; next }
			FNR == 1 { next }
			!(($1, $2, $3) in p) { next }
			$3 ~ /^(pages_dirtied|wp_faults|hdbss_entries|hdbss_full_exits|tracking_exits)$/ {
				a = p[$1, $2, $3] + 0; b = $5 + 0; nc++
				d = a == b ? 0 : (a > b ? a - b : b - a) * 100 / (a > b ? a : b)
				if (d >= worst) { worst = d; what = $1 " " $2 " " $3 ": " a " then " b }
			}
			$3 == "lost_progress_pct" {
				nl++
				if ($6 > phi[$1, $2, $3] || $7 < plo[$1, $2, $3]) {
					apart++
					list = list sprintf("\n- %s, %s: [%s, %s] then [%s, %s]", $1, $2,
						plo[$1, $2, $3], phi[$1, $2, $3], $6, $7)
				}
			}
			END {
				if (!nc) {
					printf "The earlier run %s has no configuration in common with this one.\n", prev
					exit
				}
				printf "Against the earlier run %s with the same plan, options and series:\n\n", prev
				printf "- median counts (%d compared: pages dirtied, write-protect faults, HDBSS\n", nc
				printf "  entries, buffer-full exits, dirty-tracking exits) within %.1f%%%s;\n",
					worst, (worst > 0 ? " (largest: " what ")" : "")
				printf "- lost-progress intervals: %d of %d overlap%s\n", nl - apart, nl,
					apart ? "; apart:" list : "."
			}' "$PREV/medians.csv" "$RES/medians.csv"
	fi
} >"$RES/report.md"
rm -f "$RES/lines"

if [ "${BENCH_PUBLISH:-0}" = 1 ]; then
	pub=docs/bench
	[ "$PLAN" = bench ] || pub=$pub/$PLAN
	mkdir -p "$TOP/$pub"
	cp "$RES/report.md" "$RES"/*.png "$RES"/*.csv "$TOP/$pub/"
	step "bench: report, plots and CSV files copied to $pub/"
fi

echo
echo "Benchmark report: $RES/report.md"
sed -n '/^## Dirty tracking/,/^!\[/p' "$RES/report.md" | grep '^|' | sed 's/^/  /'
echo
sed -n '/^## Repeatability/,$p' "$RES/report.md" | sed '1,2d; s/^/  /'
echo
exec "$TOP/testbed/scripts/summary.sh" "$RES"
