#!/bin/sh
# "make run", the main job: build the bench kernel (no debug options), boot
# it on the first machine shape, run the dirty-logging workload of plan
# RUN_PLAN in the guest and print a short summary of what the guest
# measured.
. "$(dirname "$0")/lib.sh"

PLAN=${RUN_PLAN:-run}
SHAPE=${RUN_SHAPE:-$(sed 's/#.*//' "$TOP/testbed/shapes" | awk 'NF { print $1; exit }')}
RES=$OUT/results/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$RES"
ln -sfn "$(basename "$RES")" "$OUT/results/run-latest"

"$TOP/testbed/scripts/setup-host.sh"
kbuild=$("$TOP/testbed/scripts/build-kernel.sh" bench)
self=$("$TOP/testbed/scripts/build-selftests.sh" "$kbuild")
self=$("$TOP/testbed/scripts/build-bench.sh" "$self" "$kbuild")
QEMU=$("$TOP/testbed/scripts/build-qemu.sh")
export QEMU
"$TOP/testbed/scripts/mkinitramfs.sh" "$self" "$OUT/initramfs.cpio"
# RUN_ARGS: extra options for the plan's "@ARGS@" (words without commas).
GUEST_RUNARGS=$(echo ${RUN_ARGS:-} | tr ' ' ',')
case $GUEST_RUNARGS in *[!A-Za-z0-9_.,=+-]*)
	die "RUN_ARGS may only hold options and numbers: '$RUN_ARGS'" ;;
esac
export GUEST_RUNARGS
"$TOP/testbed/scripts/run-guest.sh" "$SHAPE" "$PLAN" \
	"$kbuild/arch/arm64/boot/Image" "$OUT/initramfs.cpio" "$RES"

# The simulator's "# result KEY VALUE" lines, per test of the plan.
results=$RES/$SHAPE.results
tr -d '\r' <"$RES/$SHAPE.log" | sed -n 's/^# //p' | awk '
	/^testbed: start / { name = $4; sub(/^[^\/]*\//, "", name); sub(/:$/, "", name) }
	/^testbed: end / { name = "" }
	name != "" && $1 == "#" && $2 == "result" { print name, $3, $4 }
' >"$results"

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
		row("all exits (grow with time)", "exits", "lower")
		row("GET_DIRTY_LOG total (ms)", "get_ms_total", "lower")
		row("CLEAR_DIRTY_LOG total (ms)", "clear_ms_total", "lower")
		row("migration (ms)", "migration_ms", "lower")
		row("blackout (ms)", "blackout_ms", "lower")
		row("guest pages/s before", "rate_before", "")
		row("guest pages/s while logging", "rate_during", "higher")
		row("guest pages/s after", "rate_after", "")
		row("lost progress (pages)", "lost_progress_pages", "lower")
		row("lost progress (% of baseline)", "lost_progress_pct", "lower")
		row("destination pages differing", "dest_mismatch_pages", "")
		print ""
		print "  ratio: how many times better the first column is (lower or higher is better)."
	}
' "$results"
echo
exec "$TOP/testbed/scripts/summary.sh" "$RES"
