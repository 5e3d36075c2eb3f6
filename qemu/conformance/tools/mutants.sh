#!/bin/sh
# Optional check of the suite's power to discriminate: build mutants of the
# patched QEMU (one deliberate bug each, in one source file: target/arm/ptw.c,
# target/arm/hostile.c, target/arm/helper.c, target/arm/tcg/tlb_helper.c,
# target/arm/tcg/tlb-insns.c or target/arm/tcg/translate-a64.c), compile the
# mutated copy, link it with the other object files of a QEMU build
# directory (read-only), and run the suite against each. Nothing in the
# QEMU source or build tree is written: sources, objects, binaries and
# results go to $WORK (an absolute path).
#
#   SRC=out/qemu/src BUILD=out/qemu/build WORK=out/mutants \
#       tools/mutants.sh [mutant...]
#
# Per mutant: $WORK/verdicts-<m> (run.sh's verdicts), $WORK/log-<m>, and one
# summary line "mutant <m>: <n> FAIL: <cases>" on stdout.
#
# pre0014, pre0015, pre0017, pre0019 and pre0022 (named only, not in the default list) are not
# mutants but fails-before-fix builds: the file as it was before that patch
# (from $SRC's git history, SRC being the series applied as commits).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
top=$(cd "$here/../.." && pwd)
SRC=${SRC:-$top/out/qemu/src}
BUILD=${BUILD:-$top/out/qemu/build}
WORK=${WORK:-$top/out/mutants}
mkdir -p "$WORK"

# mutant -> file (relative to $SRC) and a list of (pattern, replacement),
# each pattern replaced once. "file" prints the file; "make" writes
# $WORK/<m>.c and fails if a pattern is missing.
mutant() {	# file|make name
	python3 - "$SRC" "$WORK" "$1" "$2" <<'PY'
import sys
src, work, what, name = sys.argv[1:]
PTW, HOST, HELP = 'target/arm/ptw.c', 'target/arm/hostile.c', 'target/arm/helper.c'
TLBH, TLBI, TRA = 'target/arm/tcg/tlb_helper.c', 'target/arm/tcg/tlb-insns.c', 'target/arm/tcg/translate-a64.c'
M = {
 # target/arm/ptw.c: logging
 'ttwl':   (PTW, [('entry |= (uint64_t)(level & 7) << 1;', 'entry |= (uint64_t)((level + 1) & 7) << 1;')]),
 'nohdbssf': (PTW, [('fi->hdbssf = hdbss_full;', 'fi->hdbssf = hdbss_full && false;')]),
 'fulloff1': (PTW, [('< (512u << sz);', '<= (512u << sz);')]),
 'logaf':  (PTW, [('extract64(new_descriptor & ~descriptor, 7, 1);', 'new_descriptor != descriptor;')]),
 'pa':     (PTW, [('hdbss_addr,\n                                              address, level', 'hdbss_addr,\n                                              descaddr, level')]),
 'nofsc':  (PTW, [(' || FIELD_EX64(prod, HDBSSPROD, FSC) != 0', '')]),
 'endian': (PTW, [('bool be = env->cp15.sctlr_el[2] & SCTLR_EE;', 'bool be = false;')]),
 'nohaft': (PTW, [('if (param.haft && !(descriptor & (1 << 10)) &&', 'if (0 && param.haft && !(descriptor & (1 << 10)) &&')]),
 'noenable': (PTW, [('hdbss_log = param.hdbss && regime_is_stage2(mmu_idx) &&', 'hdbss_log = regime_is_stage2(mmu_idx) &&')]),
 # target/arm/hostile.c: the test-only hostile options (patch 0013)
 # m1: a TLBI completes when issued (on every PE if broadcast), not at the DSB
 'tlbinow': (HOST, [
    ('void arm_hostile_tlbi(CPUARMState *env,',
     'static void tlbi_complete(ARMHostile *h, const HostileTlbi *op);\n\nvoid arm_hostile_tlbi(CPUARMState *env,'),
    ('    g_array_append_val(h->tlbi, op);\n',
     '    {\n        CPUState *cs;\n\n        CPU_FOREACH(cs) {\n'
     '            ARMHostile *o = ARM_CPU(cs)->hostile;\n\n'
     '            if (o && (op.broadcast || o == h)) {\n                tlbi_complete(o, &op);\n'
     '            }\n        }\n    }\n')]),
 # m2: the TTL / range TTL level hint is ignored (any level removed)
 'nottl':  (HOST, [('if (op->level >= 0 && op->level != e->level) {', 'if (0 && op->level >= 0 && op->level != e->level) {')]),
 # m3: an IPA invalidation removes the combined copies too
 'ipacomb': (HOST, [('            e->s2_gone = ++hostile_seq;\n', '            e->s2_gone = ++hostile_seq;\n            e->comb_live = false;\n')]),
 # m4: VMALLS12E1* does not drop the latched VTCR_EL2
 'vmallsvtcr': (HOST, [('        g_hash_table_remove(h->vtcr, GUINT_TO_POINTER(op->vmid));\n', '')]),
 # m5: VMALLS12E1* removes the entries of every VMID (as ALLE1* does)
 'vmallsall': (HOST, [('return e->key.vmid == op->vmid;', 'return true;')]),
 # m6: entry stores not delayed (visible at once, a failure recorded at the access)
 'storenow': (HOST, [('    if (!cpu->prop_hdbss_delay) {\n        return false;\n    }\n    g_array_append_val',
                      '    if (1) {\n        return false;\n    }\n    g_array_append_val')]),
 # m7: MRS sees logging's HDBSSPROD_EL2 changes at once (no ISB needed)
 'prodnow': (HOST, [('if (cpu->prop_hdbss_delay && h->prod_stale) {', 'if (0 && cpu->prop_hdbss_delay && h->prod_stale) {')]),
 # target/arm/tcg/tlb_helper.c (patch 0011)
 # m8: ISS2.HDBSSF not set on Instruction Aborts
 'insnhdbssf': (TLBH, [('            if (fi->hdbssf) {\n                syn |= ARM_EL_ISS2_HDBSSF;',
                        '            if (0 && fi->hdbssf) {\n                syn |= ARM_EL_ISS2_HDBSSF;')]),
 # target/arm/tcg/tlb-insns.c (patch 0013)
 # m9: TLBI IPAS2E1IS (and its OS / IPAS2LE1 forms sharing the function) not reported to hostile.c
 'ipas2unrep': (TLBI, [('        hostile_tlbi_ipa(env, value, true);\n', '')]),
 # target/arm/helper.c (patch 0013)
 # m10: the HDBSSPROD_EL2 readfn returns the internal value
 'prodreadfn': (HELP, [('return arm_hostile_prod_read(env);', 'return env->cp15.hdbssprod_el2;')]),
 # target/arm/tcg/translate-a64.c (patch 0013)
 # m11: the DSB helper is called for DSB nXS only, not for DSB
 'dsbhelper': (TRA, [('if (s->hostile && !extract32(s->insn, 5, 1) &&', 'if (0 && s->hostile && !extract32(s->insn, 5, 1) &&')]),
 # target/arm/helper.c (patches 0017, 0018)
 # m12: TCR_EL3.HAFT ignored (as before 0017: EL3 walks never set AF in table descriptors)
 'el3haft': (HELP, [('haft = ha && extract64(tcr, 42, 1) &&', 'haft = 0 && ha && extract64(tcr, 42, 1) &&')]),
 # m13: the Secure stage 2 does not take VTCR_EL2.HDBSS (as before 0018)
 'sel2hdbss': (HELP, [('hdbss = ha && hd && FIELD_EX64(tcr, VTCR, HDBSS) &&',
                       'hdbss = ha && hd && FIELD_EX64(tcr, VTCR, HDBSS) && mmu_idx != ARMMMUIdx_Stage2_S &&')]),
 # target/arm/ptw.c (patches 0019, 0020, 0021)
 # m14: a GPF on the entry store handled like an External abort (descriptor made dirty)
 'gpfdirty': (PTW, [('if (hdbss_fsc == HDBSS_FSC_GPF) {', 'if (0 && hdbss_fsc == HDBSS_FSC_GPF) {')]),
 # m15: x-hdbss-fsc-late ignored: FSC recorded at once
 'fscnow': (PTW, [('    if (cpu->hdbss_fsc_late) {', '    if (0 && cpu->hdbss_fsc_late) {')]),
 # m16: x-hdbss-spurious makes no update
 'spurnone': (PTW, [('env_archcpu(env)->prop_hdbss_spurious) {', 'env_archcpu(env)->prop_hdbss_spurious && 0) {')]),
 # m17: a spurious update that fails for a full buffer does not fault
 'spurnofault': (PTW, [('} else if (wfi.hdbssf) {', '} else if (0 && wfi.hdbssf) {')]),
 # m18: a spurious update faults on a read-only table page too
 'spurro': (PTW, [('} else if (wfi.hdbssf) {', '} else if (1) {')]),
 # target/arm/hostile.c (patch 0020)
 # m19: a DSB does not make a pending FSC visible
 'fscdsb': (HOST, [('    stores_complete(env, h, nsh);\n    arm_hostile_fsc_commit(env);\n', '    stores_complete(env, h, nsh);\n')]),
 # m20: a PE whose descriptor update loses the race logs the page too (run by the smp program)
 'logloser': (PTW, [('            descriptor = new_descriptor;\n            goto restart_atomic_update;',
                     '            if (hdbss_log && !hdbss_fsc &&\n                !hdbss_write_entry(env, mmu_idx, hdbss_addr, address, level, page_size)) {\n'
                     '                hdbss_advance(env);\n            }\n'
                     '            descriptor = new_descriptor;\n            goto restart_atomic_update;')]),
 # m21: a DSB makes every PE's delayed entry stores visible, not only its own
 'dsbany': (HOST, [('    stores_complete(env, h, nsh);\n    arm_hostile_fsc_commit(env);\n',
                    '    {\n        CPUState *o;\n\n        CPU_FOREACH(o) {\n            if (ARM_CPU(o)->hostile) {\n'
                    '                stores_complete(&ARM_CPU(o)->env, ARM_CPU(o)->hostile, nsh);\n            }\n        }\n    }\n'
                    '    arm_hostile_fsc_commit(env);\n')]),
 # m22: x-hdbss-fsc-late's countdown never runs out (FSC visible at a DSB only)
 'fsccount': (PTW, [('if (env->hdbss_fsc_pending && --env->hdbss_fsc_countdown == 0) {',
                     'if (0 && env->hdbss_fsc_pending && --env->hdbss_fsc_countdown == 0) {')]),
 # target/arm/helper.c (patch 0022)
 # m23: the stage 2 fault of an AT's walk taken to EL2 without ISS2.HDBSSF (as before 0022)
 'athdbssf': (HELP, [('            if (fi.hdbssf) {\n                syn |= ARM_EL_ISS2_HDBSSF;',
                      '            if (0 && fi.hdbssf) {\n                syn |= ARM_EL_ISS2_HDBSSF;')]),
 # target/arm/hostile.c (patch 0023)
 # m24: a DSB NSH completes the entry stores for every observer (nothing made again later)
 'nshall': (HOST, [('if (res == MEMTX_OK && nsh) {', 'if (res == MEMTX_OK && nsh && 0) {')]),
 # m25: a DSB NSH completes nothing, not even for the writing PE
 'nshnone': (HOST, [('    stores_complete(env, h, nsh);\n', '    if (!nsh) {\n        stores_complete(env, h, nsh);\n    }\n')]),
 # target/arm/tcg/translate-a64.c (patch 0024)
 # m26: SSBB and PSSBB call the hostile DSB helper (as before 0024)
 'ssbbdsb': (TRA, [('        !(a->types == 0 && a->domain < 2)) {', '        1) {')]),
 # a DSB NSH completes a broadcast TLBI on every PE (as before 0025)
 'tlbinshall': (HOST, [('        if (op->broadcast && nsh) {', '        if (0) {')]),
 # a stage 1 TLBI removes the combined copies once the stage 2 entry is gone,
 # even if issued before that (as before 0026)
 's1early': (HOST, [('&& e->s2_gone < op->seq) {', ') {')]),
 # a broadcast TLBI completed for its issuer by a DSB NSH is applied to the
 # issuer again at its next wider DSB (as in 0025)
 'nshagain': (HOST, [('if (other && !(other == h && op->local_done)) {', 'if (other) {')]),
 # Fails-before-fix builds, not in the default list: the whole file as it
 # was in the parent of the named commit of $SRC's git history (the other
 # files stay as built; later commits' changes to this file are undone too).
 # pre0014: AT S1E*W / S12E*W walks make a writable-clean descriptor dirty (and log it)
 'pre0014': (PTW, 'target/arm: Never make a descriptor dirty for an AT instruction'),
 # pre0015: FEAT_HDBSS advertised (HAFDBS = 0b0100) without EL2
 'pre0015': ('target/arm/cpu.c', 'target/arm: Do not advertise FEAT_HDBSS without EL2'),
 # pre0017: TCR_EL3.HAFT not honoured
 'pre0017': (HELP, 'target/arm: Honour TCR_EL3.HAFT'),
 # pre0019: a GPF on the entry store made the descriptor dirty (ptw.c of 0018:
 # the options of 0020 and 0021 are gone too)
 'pre0019': (PTW, 'target/arm: Leave the descriptor clean on a GPF on the HDBSS entry store'),
 # pre0022: the stage 2 fault of an AT's walk reported without ISS2.HDBSSF
 'pre0022': (HELP, "target/arm: Report ISS2.HDBSSF for the stage 2 fault of an AT's walk"),
}
f, subs = M[name]
if what == 'file':
    print(f)
    sys.exit(0)
if isinstance(subs, str):
    import subprocess
    run = lambda *a: subprocess.run(['git', '-C', src] + list(a), check=True,
                                    capture_output=True, text=True).stdout
    commits = run('log', '--format=%H', '-F', '--grep=' + subs).split()
    if len(commits) != 1:
        sys.exit(1)
    open(work + '/' + name + '.c', 'w').write(run('show', commits[0] + '^:' + f))
    sys.exit(0)
s = open(src + '/' + f).read()
for a, b in subs:
    if a not in s:
        sys.exit(1)
    s = s.replace(a, b, 1)
open(work + '/' + name + '.c', 'w').write(s)
PY
}

# file (relative to $SRC) -> its compile command and object (relative to $BUILD)
compile_entry() {	# what(command|output) file
	python3 - "$BUILD" "$1" "$2" <<'PY'
import json, sys
build, what, f = sys.argv[1:]
for e in json.load(open(build + '/compile_commands.json')):
    if e['file'].endswith('/' + f):
        print(e['command'].replace('ccache ', '', 1) if what == 'command' else e['output'])
        break
PY
}

link_inputs=$(awk '/^build qemu-system-aarch64:/{sub(/^build qemu-system-aarch64: c_LINKER_RSP /,""); sub(/ \|.*/,""); print; exit}' "$BUILD/build.ninja")
link_args=$(awk '/^build qemu-system-aarch64:/{f=1} f&&/^ LINK_ARGS = /{sub(/^ LINK_ARGS = /,""); print; exit}' "$BUILD/build.ninja")

all='ttwl nohdbssf fulloff1 logaf pa nofsc noenable endian nohaft
tlbinow nottl ipacomb vmallsvtcr vmallsall storenow prodnow
insnhdbssf ipas2unrep prodreadfn dsbhelper
el3haft sel2hdbss gpfdirty fscnow spurnone spurnofault spurro fscdsb
logloser dsbany fsccount athdbssf nshall nshnone ssbbdsb tlbinshall s1early nshagain'

for m in ${*:-$all}; do
	file=$(mutant file "$m") || { echo "mutant $m: unknown" >&2; continue; }
	touch "$WORK/.stamp"
	if ! mutant make "$m"; then echo "mutant $m: pattern not found in $file" >&2; continue; fi
	cc_cmd=$(compile_entry command "$file")
	orig_obj=$(compile_entry output "$file")
	obj="$WORK/$m.o"
	# the copy is compiled outside the source tree: its own directory for "..." includes
	cmd=$(echo "$cc_cmd" | sed "s# -MD -MQ [^ ]* -MF [^ ]* # -iquote $SRC/$(dirname "$file") #; s# -o [^ ]* -c [^ ]*\$# -o $obj -c $WORK/$m.c#")
	(cd "$BUILD" && nice -n 19 sh -c "$cmd") || { echo "mutant $m: compile failed" >&2; continue; }
	ins=$(echo "$link_inputs" | sed "s#$orig_obj#$obj#")
	(cd "$BUILD" && nice -n 19 sh -c "gcc -m64 -o $WORK/qemu-$m $ins $link_args") ||
		{ echo "mutant $m: link failed" >&2; continue; }
	QEMU="$WORK/qemu-$m" "$here/run.sh" "$WORK/out-$m" > "$WORK/verdicts-$m" 2>"$WORK/log-$m"
	echo "mutant $m ($file): $(grep -c '^FAIL' "$WORK/verdicts-$m") FAIL: $(grep '^FAIL' "$WORK/verdicts-$m" | sed 's#.*conformance/##' | tr '\n' ' ')"
	# someone else rebuilding the tree meanwhile makes the result meaningless
	changed=$(find "$SRC/$file" "$BUILD" \( -name '*.o' -o -name '*.c' -o -name qemu-system-aarch64 \) \
		-newer "$WORK/.stamp" -print 2>/dev/null | head -3)
	[ -z "$changed" ] || echo "mutant $m: NOT VALID, changed during the run:" $changed
	rm -f "$WORK/qemu-$m" "$obj"
done
