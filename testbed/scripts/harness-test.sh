#!/bin/sh
# Test the harness's own judgement on recorded console logs: each case under
# testbed/tests/harness/ has console.log (what a guest printed), expected
# (the plan entries it was to run) and want (the verdicts verdict.awk must
# give, shape "t").  One verdict a case goes to RESULTS_DIR/harness.verdicts.
#
# A case with an "xfail" file also tests summary.sh on those verdicts: they
# go to a results directory of their own (t.verdicts, t.splats, t.log), and
# summary.sh runs with a test bed made for the case: the case's xfail list,
# shapes "t" (the one that ran) and "u" (plans=p, never run), and a plan
# file for each plan of "expected" holding its entries.  Its output, the
# results directory shown as RES, then "exit STATUS", must equal
# want-summary.
#
#   harness-test.sh [RESULTS_DIR]
. "$(dirname "$0")/lib.sh"

RES=${1:-$OUT/results/harness}
mkdir -p "$RES"
CASES=$TOP/testbed/tests/harness
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$RES/harness.verdicts"
n=0 bad=0

# summary_of CASE NAME: summary.sh's output on the case's verdicts, with
# the test bed made for the case, in $tmp/NAME.summary.
summary_of() {
	_r=$tmp/$2.res _tb=$tmp/$2.testbed
	mkdir -p "$_r" "$_tb/plans"
	cp "$tmp/$2.verdicts" "$_r/t.verdicts"
	cp "$tmp/$2.splats" "$_r/t.splats" 2>/dev/null || : >"$_r/t.splats"
	cp "$1/console.log" "$_r/t.log"
	cp "$1/xfail" "$_tb/xfail"
	printf 't\tmax\t-\nu\tmax\t-\tplans=p\n' >"$_tb/shapes"
	awk -F / -v d="$_tb/plans" 'NF == 2 { print $2 "\t60\t" $2 >>(d "/" $1 ".plan") }' \
		"$1/expected"
	_rc=0
	"$TOP/testbed/scripts/summary.sh" "$_r" "$_tb" >"$tmp/$2.out" 2>&1 || _rc=$?
	{
		sed "s|$_r|RES|g" "$tmp/$2.out"
		echo "exit $_rc"
	} >"$tmp/$2.summary"
}

for c in "$CASES"/*/; do
	c=${c%/}
	name=$(basename "$c")
	n=$((n + 1))
	awk -v shape=t -v expected="$c/expected" -v splats="$tmp/$name.splats" \
		-f "$TOP/testbed/scripts/verdict.awk" "$c/console.log" >"$tmp/$name.verdicts" ||
		note "verdict.awk failed on $c/console.log"
	LC_ALL=C sort "$tmp/$name.verdicts" >"$tmp/$name.got"
	LC_ALL=C sort "$c/want" >"$tmp/$name.want"
	# Cases with a splat also check the quoted lines.
	splat_ok=1
	if [ -f "$c/want-splat" ]; then
		grep -qF "$(cat "$c/want-splat")" "$tmp/$name.splats" 2>/dev/null || splat_ok=0
	fi
	# Cases with an expected-to-fail list also check summary.sh.
	summary_ok=1
	if [ -f "$c/xfail" ]; then
		summary_of "$c" "$name"
		cmp -s "$tmp/$name.summary" "$c/want-summary" || summary_ok=0
	fi
	if cmp -s "$tmp/$name.got" "$tmp/$name.want" && [ $splat_ok = 1 ]; then
		if [ $summary_ok = 1 ]; then
			printf 'PASS\tharness/%s\t-\t\n' "$name" >>"$RES/harness.verdicts"
		else
			bad=$((bad + 1))
			printf 'FAIL\tharness/%s\t-\tsummary.sh reported %s wrongly\n' "$name" "$c" >>"$RES/harness.verdicts"
			diff -u "$c/want-summary" "$tmp/$name.summary" | sed 's/^/        | /' >&2 || true
		fi
	else
		bad=$((bad + 1))
		printf 'FAIL\tharness/%s\t-\tverdict.awk judged %s wrongly\n' "$name" "$c/console.log" >>"$RES/harness.verdicts"
		diff -u "$tmp/$name.want" "$tmp/$name.got" | sed 's/^/        | /' >&2 || true
		[ $splat_ok = 1 ] || note "splat excerpt lacks: $(cat "$c/want-splat")"
	fi
done

# The report of "make run" (run-report.sh) on recorded console logs: each
# case of testbed/tests/run-report/ has console.log and the files the
# report must write from it: want-runs.csv, want-summary.csv, want-table.
for c in "$TOP"/testbed/tests/run-report/*/; do
	c=${c%/}
	name=run-report-$(basename "$c")
	n=$((n + 1))
	r=$tmp/$name
	mkdir -p "$r"
	cp "$c/console.log" "$r/vhe.log"
	"$TOP/testbed/scripts/run-report.sh" "$r" vhe run >"$r/table" 2>&1 || true
	if cmp -s "$r/runs.csv" "$c/want-runs.csv" && cmp -s "$r/summary.csv" "$c/want-summary.csv" &&
	   cmp -s "$r/table" "$c/want-table"; then
		printf 'PASS\tharness/%s\t-\t\n' "$name" >>"$RES/harness.verdicts"
	else
		bad=$((bad + 1))
		printf 'FAIL\tharness/%s\t-\trun-report.sh reported %s wrongly\n' "$name" "$c/console.log" >>"$RES/harness.verdicts"
		for f in runs.csv summary.csv table; do
			diff -u "$c/want-$f" "$r/$f" | sed 's/^/        | /' >&2 || true
		done
	fi
done
# The comparison of two "make run"s (run-compare.sh): each case of
# testbed/tests/run-compare/ has the summaries of two runs,
# earlier-summary.csv and summary.csv, and want (what it must print; the
# directories' names replaced by EARLIER).
for c in "$TOP"/testbed/tests/run-compare/*/; do
	c=${c%/}
	name=run-compare-$(basename "$c")
	n=$((n + 1))
	r=$tmp/$name
	mkdir -p "$r/earlier" "$r/now"
	cp "$c/earlier-summary.csv" "$r/earlier/summary.csv"
	cp "$c/summary.csv" "$r/now/summary.csv"
	"$TOP/testbed/scripts/run-compare.sh" "$r/earlier" "$r/now" 2>&1 |
		sed "s|$r/earlier|EARLIER|g" >"$r/out" || true
	if cmp -s "$r/out" "$c/want"; then
		printf 'PASS\tharness/%s\t-\t\n' "$name" >>"$RES/harness.verdicts"
	else
		bad=$((bad + 1))
		printf 'FAIL\tharness/%s\t-\trun-compare.sh compared %s wrongly\n' "$name" "$c" >>"$RES/harness.verdicts"
		diff -u "$c/want" "$r/out" | sed 's/^/        | /' >&2 || true
	fi
done
# The CSV files of "make bench" (bench-csv.sh) on recorded console logs:
# each case of testbed/tests/bench-csv/ has console.log and the files that
# must come from it: want-summary.csv, want-rounds.csv, want-samples.csv,
# want-medians.csv.
for c in "$TOP"/testbed/tests/bench-csv/*/; do
	c=${c%/}
	name=bench-csv-$(basename "$c")
	n=$((n + 1))
	r=$tmp/$name
	mkdir -p "$r"
	cp "$c/console.log" "$r/bench.log"
	ok=1
	"$TOP/testbed/scripts/bench-csv.sh" "$r" bench >"$r/out" 2>&1 || ok=0
	for f in summary rounds samples medians; do
		cmp -s "$r/$f.csv" "$c/want-$f.csv" || ok=0
	done
	if [ $ok = 1 ]; then
		printf 'PASS\tharness/%s\t-\t\n' "$name" >>"$RES/harness.verdicts"
	else
		bad=$((bad + 1))
		printf 'FAIL\tharness/%s\t-\tbench-csv.sh wrote wrong CSV files from %s\n' "$name" "$c/console.log" >>"$RES/harness.verdicts"
		sed 's/^/        | /' "$r/out" >&2
		for f in summary rounds samples medians; do
			diff -u "$c/want-$f.csv" "$r/$f.csv" | sed 's/^/        | /' >&2 || true
		done
	fi
done
# The report of "make bench" (bench.sh) from a recorded console log: each
# case of testbed/tests/bench-csv/ with a want-report.md must give that
# report (but for its lines naming the date and the project commit).  Its
# plan (want-plan) and plotted configuration (want-base) are the run's.
for c in "$TOP"/testbed/tests/bench-csv/*/; do
	c=${c%/}
	[ -f "$c/want-report.md" ] || continue
	name=bench-report-$(basename "$c")
	n=$((n + 1))
	r=$tmp/$name
	mkdir -p "$r"
	cp "$c/console.log" "$r/bench.log"
	printf 'PASS\tbench/recorded\t-\t\n' >"$r/bench.verdicts"
	BENCH_FROM=$r BENCH_PLAN=$(cat "$c/want-plan") BENCH_BASE=$(cat "$c/want-base") \
		BENCH_PUBLISH=0 BENCH_PREV= BENCH_ARGS= RUN_SHAPE= \
		"$TOP/testbed/scripts/bench.sh" >"$r/out" 2>&1 || true
	grep -v '^Run [0-9-]* on the emulated\|kernel without debug options (nodebug), project commit' \
		"$r/report.md" >"$r/report.cmp" 2>/dev/null || true
	if cmp -s "$r/report.cmp" "$c/want-report.md"; then
		printf 'PASS\tharness/%s\t-\t\n' "$name" >>"$RES/harness.verdicts"
	else
		bad=$((bad + 1))
		printf 'FAIL\tharness/%s\t-\tbench.sh wrote a wrong report from %s\n' "$name" "$c/console.log" >>"$RES/harness.verdicts"
		sed 's/^/        | /' "$r/out" >&2
		diff -u "$c/want-report.md" "$r/report.cmp" | sed 's/^/        | /' >&2 || true
	fi
done
# The published CSV files (docs/bench, and docs/bench/PLAN for a plan other
# than "bench") have the columns that bench-csv.sh writes today (the
# headers of the first case's want files) and rows of as many fields as
# their header.
n=$((n + 1))
ok=1
c=$(ls -d "$TOP"/testbed/tests/bench-csv/*/ | head -n1)
for d in "$TOP/docs/bench" "$TOP"/docs/bench/*/; do
	[ -d "$d" ] || continue
	for f in summary rounds samples medians; do
		p=${d%/}/$f.csv
		if [ "$(head -n1 "$p")" != "$(head -n1 "$c/want-$f.csv")" ] ||
		   ! awk -F , 'NR == 1 { n = NF } NF != n { bad = 1 } END { exit bad || NR < 2 }' "$p"; then
			ok=0
			echo "        | $p: not the columns of bench-csv.sh, or a row of another width" >&2
		fi
	done
done
if [ $ok = 1 ]; then
	printf 'PASS\tharness/bench-csv-published\t-\t\n' >>"$RES/harness.verdicts"
else
	bad=$((bad + 1))
	printf 'FAIL\tharness/bench-csv-published\t-\tdocs/bench CSV files do not parse into the columns bench-csv.sh writes\n' >>"$RES/harness.verdicts"
fi
# The series round trip (series.sh): a series of commits by two authors,
# with a cover letter whose text ends in an indented list, exported, applied
# to a fresh tree at base as "make setup" does, and exported again, must give
# the same files (the cover letter's text must not take in the shortlog).
n=$((n + 1))
if (
	. "$TOP/testbed/scripts/series.sh"
	OUT=$tmp/rt
	mkdir -p "$OUT/logs" "$OUT/a" "$OUT/b" "$OUT/p1" "$OUT/p2"
	for d in a b; do
		echo base >"$OUT/$d/f"
		import_base "$OUT/$d" "round trip" >/dev/null
	done
	i=0
	for who in Alice Bob Alice; do
		i=$((i + 1))
		echo "change $i" >>"$OUT/a/f"
		GIT_AUTHOR_NAME=$who GIT_AUTHOR_EMAIL=$who@example.org \
			GIT_AUTHOR_DATE=2026-01-0${i}T00:00:00Z GIT_COMMITTER_DATE=2026-01-0${i}T00:00:00Z \
			GIT_COMMITTER_NAME=$who GIT_COMMITTER_EMAIL=$who@example.org \
			git -C "$OUT/a" commit -q -a -m "f: change $i"
	done
	tb_git "$OUT/a" config branch.series.description \
		"$(printf 'the subject\n\nSome text.\n\n- a list\n  - an indented item\n    that goes on')"
	export_to "$OUT/a" "$OUT/p1"
	# A cover letter, three patches and the series file, or nothing to compare.
	[ "$(ls "$OUT/p1" | wc -l)" = 5 ] && [ -s "$OUT/p1/0000-cover-letter.patch" ] || exit 1
	apply_series "$OUT/b" "$OUT/p1" "$OUT/b.stamp" roundtrip 2>/dev/null
	export_to "$OUT/b" "$OUT/p2"
	diff -ru "$OUT/p1" "$OUT/p2" >&2
) >"$tmp/roundtrip.out" 2>&1; then
	printf 'PASS\tharness/series-roundtrip\t-\t\n' >>"$RES/harness.verdicts"
else
	bad=$((bad + 1))
	printf 'FAIL\tharness/series-roundtrip\t-\tseries.sh: export, apply and export again changed the patches\n' >>"$RES/harness.verdicts"
	sed 's/^/        | /' "$tmp/roundtrip.out" >&2
fi
step "harness: $((n - bad)) of $n recorded-log cases judged right"
