#!/bin/sh
# Print the table of every verdict of a run, quote the splats of failed
# tests, and close with one line "N passed, N failed[, N skipped]".
# Exits non-zero when anything failed, or nothing passed.
#
#   summary.sh RESULTS_DIR
. "$(dirname "$0")/lib.sh"

RES=${1:?usage: summary.sh RESULTS_DIR}
all=$RES/all.verdicts
cat "$RES"/*.verdicts 2>/dev/null | grep -v '^$' >"$all" || true
[ -s "$all" ] || die "no verdicts in $RES"

echo
echo "Results ($RES):"
awk -F '\t' '{ printf "  %-4s  %-58s %8s  %s\n", $1, $2, ($3 == "-" ? "-" : $3 "s"), $4 }' "$all"

failed=$(awk -F '\t' '$1 == "FAIL"' "$all" | wc -l)
passed=$(awk -F '\t' '$1 == "PASS"' "$all" | wc -l)
skipped=$(awk -F '\t' '$1 == "SKIP"' "$all" | wc -l)

if [ "$failed" -gt 0 ]; then
	echo
	echo "Failed:"
	awk -F '\t' '$1 == "FAIL" { print "  " $2 ": " $4 }' "$all"
	for s in "$RES"/*.splats; do
		[ -s "$s" ] || continue
		echo
		echo "Kernel splats ($s):"
		sed 's/^/  | /' "$s" | head -n 200
	done
	for l in "$RES"/*.log; do
		grep -q . "$l" 2>/dev/null && echo "  console log: $l"
	done
fi
if [ "$skipped" -gt 0 ]; then
	echo
	echo "Skipped: $(awk -F '\t' '$1 == "SKIP" { printf "%s%s", sep, $2; sep = ", " }' "$all")"
fi
echo
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
