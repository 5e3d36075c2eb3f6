#!/bin/sh
# The report of "make run" from a guest's console log: RESULTS_DIR/runs.csv,
# summary.csv and samples.csv (see run.sh), and the table of medians on
# stdout.  Reads only the driver's machine-readable lines; tested by
# harness-test.sh on a recorded log (testbed/tests/run-report).
#
#   run-report.sh RESULTS_DIR SHAPE PLAN
. "$(dirname "$0")/lib.sh"

RES=${1:?usage: run-report.sh RESULTS_DIR SHAPE PLAN}
SHAPE=${2:?usage: run-report.sh RESULTS_DIR SHAPE PLAN}
PLAN=${3:?usage: run-report.sh RESULTS_DIR SHAPE PLAN}
LOG=$RES/$SHAPE.log
rm -f "$RES/samples.csv"

# The driver's lines: "# run NAME KVM LOG REP", "# result KEY VALUE",
# "# sample T RATE PHASE", as the guest's init quotes them ("# " first),
# and the init's "testbed: start N PLAN/ENTRY: ..." line that opens each
# plan entry (a plan may run the driver with different options in several
# entries: every row says which).
tr -d '\r' <"$LOG" | sed -n -e 's/^# # //p' -e 's/^# \(testbed: start \)/\1/p' | awk -v res="$RES" '
	$1 == "testbed:" { entry = $4; sub(/^[^\/]*\//, "", entry); sub(/:$/, "", entry); run = ""; next }
	# A run is known by its place in the log: two plan entries name their
	# runs alike.
	$1 == "run" && NF == 5 && $2 !~ /:$/ { run = ++n; name[run] = $2; ent[run] = entry; kvm[run] = $3; lm[run] = $4; rep[run] = $5; next }
	run == "" { next }
	$1 == "result" { v[run, $2] = $3; if (!($2 in known)) { known[$2] = 1; keys[++nk] = $2 }; next }
	$1 == "sample" { print ent[run] "," name[run] "," kvm[run] "," lm[run] "," rep[run] "," $2 "," $3 "," $4 >res "/samples.csv" }
	END {
		# Derived: pages logged (HDBSS entries and dirty-log write
		# faults) per page write of the guest during the migration.
		# In ring mode QEMU collects continuously and logs about every
		# write, so the raw counts follow the migration'"'"'s duration
		# (emulation speed); this ratio does not.
		per = ("guest_writes_during" in known) && (("hdbss_entries" in known) || ("dirty_log_wp_faults" in known))
		hdr = "entry,run,kvm_mode,log_mode,rep"
		for (k = 1; k <= nk; k++) hdr = hdr "," keys[k]
		if (per) hdr = hdr ",logged_per_write"
		print hdr >res "/runs.csv"
		for (r = 1; r <= n; r++) {
			line = ent[r] "," name[r] "," kvm[r] "," lm[r] "," rep[r]
			for (k = 1; k <= nk; k++) line = line "," v[r, keys[k]]
			if (per) {
				w = v[r, "guest_writes_during"] + 0
				line = line "," (w > 0 ? sprintf("%.3f", (v[r, "hdbss_entries"] + v[r, "dirty_log_wp_faults"]) / w) : "")
			}
			print line >res "/runs.csv"
		}
	}'
[ -s "$RES/runs.csv" ] && [ "$(wc -l <"$RES/runs.csv")" -gt 1 ] ||
	die "the guest reported no migration (console: $LOG)"
if [ -f "$RES/samples.csv" ]; then
	{ echo "entry,run,kvm_mode,log_mode,rep,t_ms,writes_per_s,phase"; cat "$RES/samples.csv"; } \
		>"$RES/samples.tmp" && mv "$RES/samples.tmp" "$RES/samples.csv"
fi

# Medians and ranges per plan entry, log mode, kvm mode and key.
awk -F, '
	NR == 1 { for (i = 6; i <= NF; i++) key[i] = $i; nf = NF; next }
	{
		g = $1 "," $4 "," $3
		if (!(g in seen)) { seen[g] = 1; groups[++ng] = g }
		for (i = 6; i <= nf; i++) if ($i != "" && $i ~ /^-?[0-9.]+$/) {
			c = ++cnt[g, i]; val[g, i, c] = $i + 0
		}
		if ($6 == "completed") done[g]++
		runs[g]++
	}
	function median(g, i,   n, a, j, k, t) {
		n = cnt[g, i]
		for (j = 1; j <= n; j++) a[j] = val[g, i, j]
		for (j = 2; j <= n; j++) { t = a[j]; for (k = j - 1; k >= 1 && a[k] > t; k--) a[k + 1] = a[k]; a[k + 1] = t }
		lo = a[1]; hi = a[n]
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	END {
		print "entry,log_mode,kvm_mode,key,n,median,min,max,mean"
		for (x = 1; x <= ng; x++) {
			g = groups[x]
			print g ",completed_runs," runs[g] "," done[g] + 0 ",,,"
			for (i = 6; i <= nf; i++) if (cnt[g, i]) {
				m = median(g, i)
				for (j = 1; j <= cnt[g, i]; j++) sum[g, i] += val[g, i, j]
				# The mean with three decimals, no trailing zeros.
				mean = sprintf("%.3f", sum[g, i] / cnt[g, i])
				sub(/\.?0+$/, "", mean)
				print g "," key[i] "," cnt[g, i] "," m "," lo "," hi "," mean
			}
		}
	}' "$RES/runs.csv" >"$RES/summary.csv"

echo
echo "Real live migrations with QEMU on the '$SHAPE' machine (nodebug kernel as the"
echo "KVM host, Debian's QEMU unmodified inside it), plan '$PLAN'."
echo "Each cell: median [min, max] over the repetitions.  Counts carry over to"
echo "hardware; times are under an emulated CPU: compare them only with each other."
awk -F, '
	NR == 1 { next }
	# l: "ENTRY|LOG", a table each.
	{ l = $1 "|" $2; m[l, $3, $4] = $6; lo[l, $3, $4] = $7; hi[l, $3, $4] = $8; n[l, $3, $4] = $5
	  if (!(l in seenl)) { seenl[l] = 1; lms[++nl] = l }
	  if (!($1 in seene)) { seene[$1] = 1; ne++ } }
	function cell(l, k, key) {
		if (!((l, k, key) in m)) return "-"
		if (key == "completed_runs") return m[l, k, key] "/" n[l, k, key]
		if (lo[l, k, key] == hi[l, k, key]) return m[l, k, key]
		return m[l, k, key] " [" lo[l, k, key] ", " hi[l, k, key] "]"
	}
	function row(l, label, key,   a, b, r) {
		a = cell(l, "hdbss", key); b = cell(l, "wp", key)
		if (a == "-" && b == "-") return
		r = ""
		if (key != "completed_runs" && m[l, "wp", key] + 0 != 0 && (l, "hdbss", key) in m)
			r = sprintf("%.2f", m[l, "hdbss", key] / m[l, "wp", key])
		printf "  %-28s %32s %32s %6s\n", label, a, b, r
	}
	END {
		for (i = 1; i <= nl; i++) {
			l = lms[i]; split(l, el, "|")
			print ""
			print (ne > 1 ? "Plan entry " el[1] ", log" : "Log") " read through the " (el[2] == "ring" ? "dirty ring (-accel kvm,dirty-ring-size)" : "dirty bitmap (GET/CLEAR_DIRTY_LOG, QEMU default)") ":"
			printf "  %-28s %32s %32s %6s\n", "", "kvm.hdbss=1", "kvm.hdbss=0 (write-protect)", "ratio"
			row(l, "completed / runs", "completed_runs")
			row(l, "total time (ms)", "total_time_ms")
			row(l, "setup time (ms)", "setup_time_ms")
			row(l, "downtime (ms)", "downtime_ms")
			row(l, "expected downtime (ms)", "expected_downtime_ms")
			row(l, "dirty-sync-count", "dirty_sync_count")
			row(l, "auto-converge throttle, max (%)", "cpu_throttle_max_pct")
			row(l, "dirty-pages-rate (pages/s)", "dirty_pages_rate")
			row(l, "transferred (bytes)", "transferred_bytes")
			row(l, "pages sent (normal)", "normal_pages")
			row(l, "HDBSS entries", "hdbss_entries")
			row(l, "HDBSS buffer-full exits", "hdbss_full_exits")
			row(l, "HDBSS error recoveries", "hdbss_error_recoveries")
			row(l, "dirty-log write faults", "dirty_log_wp_faults")
			row(l, "pages logged per guest write", "logged_per_write")
			row(l, "vCPU exits (all causes)", "exits")
			row(l, "guest writes/s before", "rate_before")
			row(l, "guest writes/s during", "rate_during")
			row(l, "guest writes/s after", "rate_after")
			row(l, "lost progress (writes)", "lost_progress_writes")
			row(l, "lost progress (%)", "lost_progress_pct")
			row(l, "RAM pages differing", "ram_pages_differing")
		}
		print ""
		for (i = 1; i <= nl; i++) for (k = 1; k <= 2; k++) {
			l = lms[i]; km = k == 1 ? "hdbss" : "wp"
			if (!((l, km, "total_time_ms") in m) || m[l, km, "total_time_ms"] + 0 == 0) continue
			split(l, el, "|")
			if (n[l, km, "total_time_ms"] < 2) {
				printf "  %s%s, kvm.hdbss=%d: one migration, no spread to report.\n",
					(ne > 1 ? el[1] " " : ""), el[2], k == 1
				continue
			}
			printf "  %s%s, kvm.hdbss=%d: total times varied by %.0f%% of their median (max - min), downtimes by %.0f%%.\n",
				(ne > 1 ? el[1] " " : ""), el[2], k == 1, 100 * (hi[l, km, "total_time_ms"] - lo[l, km, "total_time_ms"]) / m[l, km, "total_time_ms"],
				m[l, km, "downtime_ms"] + 0 ? 100 * (hi[l, km, "downtime_ms"] - lo[l, km, "downtime_ms"]) / m[l, km, "downtime_ms"] : 0
		}
		print "  ratio: median with HDBSS over median with write protection."
		print "  KVM counters are deltas over the migration, summed over the vCPUs (QMP query-stats)."
		print "  lost progress: the baseline rate (median before) times the migration'"'"'s duration,"
		print "  minus the page writes the guest made in it (the blackout included)."
	}' "$RES/summary.csv"

