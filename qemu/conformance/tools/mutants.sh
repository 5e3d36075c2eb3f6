#!/bin/sh
# Optional check of the suite's power to discriminate: build mutants of the
# patched QEMU's target/arm/ptw.c (one deliberate bug each), link them from
# the existing object files of a QEMU build directory (read-only), and run
# the suite against each. Nothing in the QEMU source or build tree is
# written: objects, binaries and results go to $WORK.
#
#   SRC=out/qemu/src BUILD=out/qemu/build WORK=out/mutants \
#       tools/mutants.sh [mutant...]
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
top=$(cd "$here/../.." && pwd)
SRC=${SRC:-$top/out/qemu/src}
BUILD=${BUILD:-$top/out/qemu/build}
WORK=${WORK:-$top/out/mutants}
mkdir -p "$WORK"

mutate() {	# name -> writes $WORK/ptw_$name.c, returns 1 if the pattern is missing
	python3 - "$SRC/target/arm/ptw.c" "$WORK/ptw_$1.c" "$1" <<'PY'
import sys
src, dst, name = sys.argv[1:]
s = open(src).read()
M = {
 'ttwl':   ('entry |= (uint64_t)(level & 7) << 1;', 'entry |= (uint64_t)((level + 1) & 7) << 1;'),
 'nohdbssf': ('fi->hdbssf = hdbss_full;', 'fi->hdbssf = false;'),
 'fulloff1': ('< (512u << sz);', '<= (512u << sz);'),
 'logaf':  ('extract64(new_descriptor & ~descriptor, 7, 1)) {', 'new_descriptor != descriptor) {'),
 'pa':     ('hdbss_logged = hdbss_write_entry(env, mmu_idx, address,', 'hdbss_logged = hdbss_write_entry(env, mmu_idx, descaddr,'),
 'nofsc':  (' || FIELD_EX64(prod, HDBSSPROD, FSC) != 0', ''),
 'endian': ('if (env->cp15.sctlr_el[2] & SCTLR_EE) {', 'if (0) {'),
 'nohaft': ('if (param.haft && !(descriptor & (1 << 10)) &&', 'if (0 && param.haft && !(descriptor & (1 << 10)) &&'),
 'noenable': ('if (param.hdbss && regime_is_stage2(mmu_idx) &&', 'if (regime_is_stage2(mmu_idx) &&'),
}
a, b = M[name]
if a not in s:
    sys.exit(1)
open(dst, 'w').write(s.replace(a, b, 1))
PY
}

cc_cmd=$(python3 - "$BUILD" <<'PY'
import json, sys
for e in json.load(open(sys.argv[1] + '/compile_commands.json')):
    if e['file'].endswith('target/arm/ptw.c'):
        print(e['command'].replace('ccache ', '', 1))
PY
)
link_inputs=$(awk '/^build qemu-system-aarch64:/{sub(/^build qemu-system-aarch64: c_LINKER_RSP /,""); sub(/ \|.*/,""); print; exit}' "$BUILD/build.ninja")
link_args=$(awk '/^build qemu-system-aarch64:/{f=1} f&&/^ LINK_ARGS = /{sub(/^ LINK_ARGS = /,""); print; exit}' "$BUILD/build.ninja")

for m in ${*:-ttwl nohdbssf fulloff1 logaf pa nofsc noenable endian nohaft}; do
	if ! mutate "$m"; then echo "mutant $m: pattern not found in ptw.c" >&2; continue; fi
	obj="$WORK/ptw_$m.o"
	cmd=$(echo "$cc_cmd" | sed "s# -MD -MQ [^ ]* -MF [^ ]* # #; s# -o [^ ]* -c [^ ]*\$# -o $obj -c $WORK/ptw_$m.c#")
	(cd "$BUILD" && nice -n 19 sh -c "$cmd") || { echo "mutant $m: compile failed" >&2; continue; }
	ins=$(echo "$link_inputs" | sed "s#libqemu-aarch64-softmmu.a.p/target_arm_ptw.c.o#$obj#")
	(cd "$BUILD" && nice -n 19 sh -c "gcc -m64 -o $WORK/qemu-$m $ins $link_args") ||
		{ echo "mutant $m: link failed" >&2; continue; }
	QEMU="$WORK/qemu-$m" "$here/run.sh" "$WORK/out-$m" > "$WORK/verdicts-$m" 2>"$WORK/log-$m"
	echo "mutant $m: $(grep -c '^FAIL' "$WORK/verdicts-$m") FAIL: $(grep '^FAIL' "$WORK/verdicts-$m" | sed 's#.*conformance/##' | tr '\n' ' ')"
	rm -f "$WORK/qemu-$m" "$obj"
done
