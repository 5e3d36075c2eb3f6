#!/bin/sh
# Print the table of every verdict of a run, quote the splats of failed
# tests, and close with one line "N passed, N failed[, N skipped]".
# Exits non-zero when anything failed, or nothing passed.
#
#   summary.sh RESULTS_DIR [TESTBED_DIR]
#
# The expected-to-fail list, TESTBED_DIR/xfail (default testbed/xfail; the
# harness tests give a directory of their own, with its shapes and plans/),
# turns a listed FAIL into XFAIL, counted among the skipped, and a listed
# PASS into XPASS, a failure; a broken entry is a failure (xfail.awk).
. "$(dirname "$0")/lib.sh"

RES=${1:?usage: summary.sh RESULTS_DIR [TESTBED_DIR]}
TB=${2:-$TOP/testbed}
all=$RES/all.verdicts
# Every verdicts file but the one written here (a summary may run again on
# the same directory, as BENCH_FROM does).
for v in "$RES"/*.verdicts; do
	[ "$v" = "$all" ] || [ ! -f "$v" ] || cat "$v"
done | grep -v '^$' >"$all.tmp" || true
[ -s "$all.tmp" ] || { rm -f "$all.tmp"; die "no verdicts in $RES"; }
awk -F '\t' -v xfail="$TB/xfail" -v shapes="$TB/shapes" -v plans="$TB/plans" \
	-f "$TOP/testbed/scripts/xfail.awk" "$all.tmp" >"$all" ||
	die "applying $TB/xfail to the verdicts of $RES failed"
rm -f "$all.tmp"

echo
echo "Results ($RES):"
# XFAIL and XPASS take one space of the gap, to keep the names aligned.
awk -F '\t' '{ printf "  %-4s%s%-58s %8s  %s\n", $1, (length($1) > 4 ? " " : "  "), $2,
	($3 == "-" ? "-" : $3 "s"), $4 }' "$all"

failed=$(awk -F '\t' '$1 == "FAIL" || $1 == "XPASS"' "$all" | wc -l)
passed=$(awk -F '\t' '$1 == "PASS"' "$all" | wc -l)
skipped=$(awk -F '\t' '$1 == "SKIP" || $1 == "XFAIL"' "$all" | wc -l)
xfailed=$(awk -F '\t' '$1 == "XFAIL"' "$all" | wc -l)

if [ "$failed" -gt 0 ]; then
	echo
	echo "Failed:"
	awk -F '\t' '$1 == "FAIL" || $1 == "XPASS" { print "  " $2 ": " $4 }' "$all"
	for s in "$RES"/*.splats; do
		[ -s "$s" ] || continue
		echo
		echo "Kernel splats ($s):"
		sed 's/^/  | /' "$s" | head -n 200
	done
	# The last lines each failed entry printed, for a reader who has only
	# this output (CI); for a guest that did not finish its plan or a
	# splat outside any test, the last lines of its console, unless an
	# entry of that shape showed them.
	quoted=
	awk -F '\t' '$1 == "FAIL" { print $2 }' "$all" | while read -r v; do
		shape=${v%%/*}
		l=$RES/$shape.log
		[ -f "$l" ] || continue
		case "${v#*/} $quoted " in
		guest-finished\ *" $shape "* | guest-init\ *" $shape "* | kernel-*\ *" $shape "*) continue ;;
		esac
		E=${v#*/} S=$shape awk -v keep=20 '
			BEGIN { e = ENVIRON["E"]; whole = e ~ /^(guest-finished|guest-init|kernel-boot|kernel-after-tests)$/ }
			{ sub(/\r$/, "") }
			$1 == "#" && $2 == "testbed:" && $3 == "start" && $5 == e ":" { on = 1; n = 0 }
			on || whole { buf[n++ % keep] = $0 }
			on && /^(not )?ok [0-9]+ / && ($3 == e || $4 == e) { exit }
			END {
				if (n == 0)
					exit 1
				printf "\n  last lines of %s/%s:\n", ENVIRON["S"], e
				for (i = (n > keep ? n - keep : 0); i < n; i++)
					print "  | " buf[i % keep]
			}' "$l" && quoted="$quoted $shape" || true
	done
	# The console logs of the shapes that failed, to read first.
	awk -F '\t' '$1 == "FAIL" || $1 == "XPASS" { sub(/\/.*/, "", $2); print $2 }' "$all" |
		LC_ALL=C sort -u | while read -r shape; do
			l=$RES/$shape.log
			if grep -q . "$l" 2>/dev/null; then
				echo "  console log: $l"
			fi
		done
fi
if [ "$xfailed" -gt 0 ]; then
	echo
	echo "Expected to fail (testbed/xfail):"
	awk -F '\t' '$1 == "XFAIL" { print "  " $2 ": " $5 }' "$all"
fi
if [ "$skipped" -gt "$xfailed" ]; then
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
