#!/bin/sh
# FEAT_HDBSS / FEAT_HAFT bare-metal conformance suite runner.
#
#   QEMU=/path/to/qemu-system-aarch64 ./run.sh [OUTDIR]
#
# Builds the test programs into OUTDIR (default ./out), runs each under QEMU
# with its machine/CPU options and a timeout, keeps the KTAP output in
# OUTDIR/<prog>.ktap, and prints one verdict line per case on stdout:
#
#   PASS|FAIL|SKIP<TAB>conformance/<case>
#
# Diagnostics go to stderr. Exit status: 0 when the runner itself worked
# (the verdicts carry the results), 2 on a usage/build/setup error.
#
# Environment: QEMU (required: the qemu-system-aarch64 to test),
# CROSS (default aarch64-linux-gnu-), TIMEOUT (seconds per program, default 60),
# VERBOSE=1 copies the KTAP output to stderr.

set -u

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/out}
QEMU=${QEMU:-}
TIMEOUT=${TIMEOUT:-60}
CROSS=${CROSS:-aarch64-linux-gnu-}

die() { echo "run.sh: $*" >&2; exit 2; }

[ -n "$QEMU" ] && [ -x "$QEMU" ] || die "QEMU binary '$QEMU' not found or not executable (set QEMU=)"
command -v "${CROSS}gcc" >/dev/null 2>&1 || die "cross compiler ${CROSS}gcc not found"
mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)

echo "# building into $out" >&2
nice -n 19 make -s -j1 -C "$here" O="$out" CROSS="$CROSS" >"$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; die "build failed"; }

# program | QEMU machine | CPU | extra QEMU options
programs='
selftest|virt,virtualization=on|max|
hdbss|virt,virtualization=on|max|
failstore|virt,virtualization=on|max,x-hdbss-fail-store=2|
hdbss_off|virt,virtualization=on|max,hdbss=off|
el3_trap|virt,secure=on,virtualization=on|max|-semihosting
endian|virt,virtualization=on|max|
hostile|virt,virtualization=on|max,x-s2-sticky-tlb=on,x-vtcr-latch=on,x-hdbss-delay=on|-smp 2 -accel tcg,thread=multi
failsea|virt,virtualization=on|max,x-hdbss-fail-store=2,x-hdbss-fail-mode=sea|
failseadirty|virt,virtualization=on|max,x-hdbss-fail-store=2,x-hdbss-fail-mode=sea-dirty|
fsclate|virt,virtualization=on|max,x-hdbss-fail-store=2,x-hdbss-fsc-late=2|
spurious|virt,virtualization=on|max,x-hdbss-spurious=on|
smp|virt,virtualization=on|max|-smp 2 -accel tcg,thread=multi
noel2|virt,secure=on,virtualization=off|max|-semihosting
rme|virt,secure=on,virtualization=on|max,x-rme=on|-semihosting
'

# Case names, in KTAP order, from the program's case table.
cases_of() {
	sed -n 's/^[[:space:]]*{ "\([A-Za-z0-9_]*\)", t_.*/\1/p' "$here/src/t_$1.c"
}

tab=$(printf '\t')
echo "$programs" | while IFS='|' read -r prog machine cpu extra; do
	[ -n "$prog" ] || continue
	elf="$out/$prog.elf"
	ktap="$out/$prog.ktap"
	[ -f "$elf" ] || die "missing $elf"
	echo "# running $prog: -M $machine -cpu $cpu $extra" >&2
	# shellcheck disable=SC2086
	timeout "$TIMEOUT" nice -n 19 "$QEMU" -M "$machine" -cpu "$cpu" -m 256M \
		-nodefaults -display none -serial stdio $extra \
		-kernel "$elf" </dev/null >"$ktap" 2>"$out/$prog.stderr"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "# $prog: QEMU exit status $rc$( [ $rc -eq 124 ] && echo ' (timeout)')" >&2
		sed 's/^/#   qemu: /' "$out/$prog.stderr" | head -5 >&2
	fi
	[ "${VERBOSE:-0}" = 1 ] && sed "s/^/#   $prog: /" "$ktap" >&2
	grep -q '^KTAP version 1' "$ktap" || echo "# $prog: no KTAP header in output" >&2
	grep -q '^Bail out!' "$ktap" && echo "# $prog: $(grep '^Bail out!' "$ktap")" >&2
	n=$(cases_of "$prog" | wc -l)
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$ktap" | head -1)
	[ -n "$plan" ] && [ "$plan" != "$n" ] && echo "# $prog: KTAP plan 1..$plan, expected $n cases" >&2
	i=0
	cases_of "$prog" | while read -r name; do
		i=$((i + 1))
		line=$(grep -E "^(not )?ok $i $name( |\$)" "$ktap" | head -1)
		case "$line" in
		"not ok "*)		v=FAIL ;;
		"ok "*"# SKIP"*)	v=SKIP ;;
		"ok "*)			v=PASS ;;
		*)			v=FAIL; echo "# $prog: no result for case $i $name" >&2 ;;
		esac
		echo "$v${tab}conformance/$name"
	done
done || exit 2
exit 0
