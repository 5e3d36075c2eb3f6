#!/bin/sh
# "make run", the main job: build the bench kernel (no debug options), boot
# it on the first machine shape, run the dirty-logging workload of plan
# RUN_PLAN in the guest and print a short summary of what the guest
# measured.
. "$(dirname "$0")/lib.sh"

PLAN=${RUN_PLAN:-run}
# The previous run, to compare counts with.
PREV=$(cd "$OUT/results/run-latest" 2>/dev/null && pwd -P) || PREV=
RES=$OUT/results/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$RES"
ln -sfn "$(basename "$RES")" "$OUT/results/run-latest"

SHAPE=$("$TOP/testbed/scripts/bench-plan.sh" "$PLAN" "$RES" "${RUN_ARGS:-}")
results=$RES/$SHAPE.results

echo
echo "Simulated live migration on the '$SHAPE' machine, bench kernel, plan '$PLAN'"
echo "(counts are what carries over to hardware; times are under an emulated CPU:"
echo "compare them only with each other):"
echo
awk '
	{ v[$1, $2] = $3; if (!($1 in seen)) { seen[$1] = 1; names[++n] = $1 } }
	function row(label, key, better,   a, b, r) {
		a = v[names[1], key]; b = v[names[2], key]
		if (a == "" && b == "") return
		r = "-"
		if (better == "lower" && a + 0 > 0) r = sprintf("%.1fx", b / a)
		if (better == "higher" && b + 0 > 0) r = sprintf("%.1fx", a / b)
		printf "  %-34s %16s %16s %10s\n", label, a, b, r
	}
	END {
		if (n < 2) { print "  (the guest did not report both runs)"; exit }
		printf "  %-34s %16s %16s %10s\n", "", names[1], names[2], "ratio"
		row("kvm.hdbss", "hdbss", "")
		row("rounds", "rounds", "")
		row("pages dirtied (all rounds)", "pages_dirtied", "")
		row("write-protect faults", "wp_faults", "lower")
		row("HDBSS entries", "hdbss_entries", "")
		row("HDBSS buffer-full exits", "hdbss_full_exits", "")
		row("dirty-tracking exits", "tracking_exits", "lower")
		row("dirty-tracking exits per page", "exits_per_dirtied_page", "lower")
		row("other exits per second", "other_exits_per_s", "")
		row("GET_DIRTY_LOG total (ms)", "get_ms_total", "lower")
		row("CLEAR_DIRTY_LOG total (ms)", "clear_ms_total", "lower")
		row("migration (ms)", "migration_ms", "lower")
		row("blackout (ms)", "blackout_ms", "lower")
		row("baseline writes/s (median)", "baseline", "")
		row("  its interquartile range (%)", "baseline_iqr_pct", "")
		row("guest writes/s before (median)", "rate_before", "")
		row("guest writes/s while logging", "rate_during", "higher")
		row("guest writes/s after (median)", "rate_after", "")
		row("lost progress (page writes)", "lost_progress_pages", "lower")
		row("lost progress (% of baseline)", "lost_progress_pct", "lower")
		row("destination pages differing", "dest_mismatch_pages", "")
		print ""
		print "  ratio: how many times better the first column is (lower or higher is better)."
		print "  dirty-tracking exits: write-protect faults plus HDBSS buffer-full exits."
		print "  other exits: host timer ticks and kicks; they grow with time, not with writes."
		print "  writes/s: the guest'"'"'s hot-set page writes (its progress); lost progress:"
		print "  the baseline rate over the migration (blackout included) minus what it wrote."
		for (i = 1; i <= 2; i++) {
			x = v[names[i], "lost_progress_pct"]; q = v[names[i], "baseline_iqr_pct"]
			if (x != "" && (x < 0 ? -x : x) <= q + 0)
				printf "  %s: its lost progress (%s%%) is within the noise (%s%%): not measurable.\n", names[i], x, q
		}
	}
' "$results"

# Counts must repeat: compare them with the previous run, if it ran the
# same plan with the same parameters.
prev=$PREV/$SHAPE.results
if [ -n "$PREV" ] && [ -s "$prev" ]; then
	echo
	awk -v prev="$PREV" '
		FILENAME != ARGV[1] && FNR == 1 { second = 1 }
		!second { p[$1, $2] = $3; next }
		{ c[$1, $2] = $3; if (!($1 in seen)) { seen[$1] = 1; names[++n] = $1 } }
		END {
			nk = split("rounds pages_dirtied wp_faults hdbss_entries hdbss_full_exits tracking_exits dest_mismatch_pages", k, " ")
			np = split("hdbss vcpus mib pattern write_share bandwidth_mib_s", par, " ")
			for (i = 1; i <= n; i++)
				for (j = 1; j <= np; j++)
					if (p[names[i], par[j]] != c[names[i], par[j]]) {
						print "  Counts: the previous run (" prev ") had other parameters; not compared."
						exit
					}
			worst = 0
			for (i = 1; i <= n; i++)
				for (j = 1; j <= nk; j++) {
					a = p[names[i], k[j]] + 0; b = c[names[i], k[j]] + 0
					d = (a == b) ? 0 : (a > b ? a - b : b - a) * 100 / (a > b ? a : b)
					if (d > worst) { worst = d; what = names[i] " " k[j] " " a " -> " b }
				}
			if (worst == 0)
				print "  Counts: equal to those of the previous run (" prev ")."
			else
				printf "  Counts: within %.1f%% of the previous run (%s); largest difference: %s.\n", worst, prev, what
		}
	' "$prev" "$results"
fi
echo
exec "$TOP/testbed/scripts/summary.sh" "$RES"
