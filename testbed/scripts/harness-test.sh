#!/bin/sh
# Test the harness's own judgement on recorded console logs: each case under
# testbed/tests/harness/ has console.log (what a guest printed), expected
# (the plan entries it was to run) and want (the verdicts verdict.awk must
# give, shape "t").  One verdict a case goes to RESULTS_DIR/harness.verdicts.
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
for c in "$CASES"/*/; do
	c=${c%/}
	name=$(basename "$c")
	n=$((n + 1))
	awk -v shape=t -v expected="$c/expected" -v splats="$tmp/$name.splats" \
		-f "$TOP/testbed/scripts/verdict.awk" "$c/console.log" | LC_ALL=C sort >"$tmp/$name.got"
	LC_ALL=C sort "$c/want" >"$tmp/$name.want"
	# Cases with a splat also check the quoted lines.
	splat_ok=1
	if [ -f "$c/want-splat" ]; then
		grep -qF "$(cat "$c/want-splat")" "$tmp/$name.splats" 2>/dev/null || splat_ok=0
	fi
	if cmp -s "$tmp/$name.got" "$tmp/$name.want" && [ $splat_ok = 1 ]; then
		printf 'PASS\tharness/%s\t-\t\n' "$name" >>"$RES/harness.verdicts"
	else
		bad=$((bad + 1))
		printf 'FAIL\tharness/%s\t-\tverdict.awk judged %s wrongly\n' "$name" "$c/console.log" >>"$RES/harness.verdicts"
		diff -u "$tmp/$name.want" "$tmp/$name.got" | sed 's/^/        | /' >&2 || true
		[ $splat_ok = 1 ] || note "splat excerpt lacks: $(cat "$c/want-splat")"
	fi
done
step "harness: $((n - bad)) of $n recorded-log cases judged right"
