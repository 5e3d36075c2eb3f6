#!/bin/sh
# Boot the kernel on one machine shape, run plans in the guest, and judge
# the console log.
#
#   run-guest.sh SHAPE PLANS IMAGE INITRAMFS RESULTS_DIR
#
# SHAPE is a name from testbed/shapes, PLANS a comma-separated list of
# testbed/plans names.  Writes RESULTS_DIR/SHAPE.log (the console),
# SHAPE.verdicts (see verdict.awk) and SHAPE.splats.  Prints each result as
# the guest reports it.  Exits 0 when the log was judged (whatever the
# verdicts), non-zero when the guest could not be run at all.
. "$(dirname "$0")/lib.sh"

SHAPE=${1:?usage: run-guest.sh SHAPE PLANS IMAGE INITRAMFS RESULTS_DIR}
PLANS=$2 IMAGE=$3 CPIO=$4 RES=$5
QEMU=${QEMU:-$OUT/qemu/build/qemu-system-aarch64}
GUEST_MEM=${GUEST_MEM:-4096}
GUEST_CPUS=${GUEST_CPUS:-2}
# Allowance for booting and powering off, on top of the plans' timeouts.
BOOT_SECONDS=${BOOT_SECONDS:-300}

line=$(shapes_table | awk -v s="$SHAPE" '$1 == s')
[ -n "$line" ] || die "no machine shape '$SHAPE' in testbed/shapes"
cpu=$(echo "$line" | awk '{ print $2 }')
# Kernel arguments: the words after the CPU, but "-", "plans=...",
# "kernel=...", "numa=...", "expect=..." and "optional" (see testbed/shapes).
args=$(echo "$line" | awk '{ a = ""; for (i = 3; i <= NF; i++)
	if ($i != "-" && $i !~ /^(plans|kernel|numa|expect)=/ && $i != "optional")
		a = a (a == "" ? "" : " ") $i; print a }')
numa=$(shape_word "$SHAPE" numa)

mkdir -p "$RES"
log=$RES/$SHAPE.log
expected=$RES/$SHAPE.expected
: >"$expected"
: >"$RES/$SHAPE.splats"
total=$BOOT_SECONDS
for p in $(echo "$PLANS" | tr , ' '); do
	f=$TOP/testbed/plans/$p.plan
	[ -f "$f" ] || die "no plan '$p' ($f)"
	sed 's/#.*//' "$f" | awk -v p="$p" 'NF >= 3 && $1 !~ /^@/ { print p "/" $1 }' >>"$expected"
	t=$(sed 's/#.*//' "$f" | awk 'NF >= 3 && $1 !~ /^@/ { t += $2 } END { print t + 0 }')
	total=$((total + t))
done

# pauth-impdef: QEMU's own pointer authentication algorithm, much faster to
# emulate than the architected one, and invisible to the kernel.
# thread=multi: multi-threaded TCG, one host thread per vCPU, on every
# shape (said here rather than left to QEMU's default).
set -- "$QEMU" -M virt,virtualization=on,gic-version=3 -accel tcg,thread=multi \
	-cpu "$cpu,pauth-impdef=on" -smp "$GUEST_CPUS" -m "$GUEST_MEM" \
	-nodefaults -display none -monitor none -serial stdio -no-reboot \
	-kernel "$IMAGE" -initrd "$CPIO" \
	-append "console=ttyAMA0 panic=-1 plan=$PLANS${GUEST_RUNARGS:+ runargs=$GUEST_RUNARGS} $args"
# numa=N: N nodes sharing the memory equally, every vCPU in node 0 (the
# others hold memory only: a CPU topology split across nodes is one QEMU
# warns about).
if [ -n "$numa" ]; then
	case $numa in
	*[!0-9]* | 0*) die "shape $SHAPE: numa=$numa is not one number of NUMA nodes" ;;
	esac
	[ $((GUEST_MEM % numa)) = 0 ] ||
		die "shape $SHAPE: $GUEST_MEM MiB do not split into $numa NUMA nodes"
	n=0
	while [ "$n" -lt "$numa" ]; do
		cpus=
		[ "$n" = 0 ] && cpus=",cpus=0-$((GUEST_CPUS - 1))"
		set -- "$@" -object memory-backend-ram,id=node$n,size=$((GUEST_MEM / numa))M \
			-numa "node,nodeid=$n,memdev=node$n$cpus"
		n=$((n + 1))
	done
fi

step "guest ($SHAPE): booting, plans $PLANS, at most ${total}s (console: $log)"
{
	echo "# host: $*"
	rc=0
	timeout -k 10 "$total" "$@" </dev/null 2>&1 || rc=$?
	echo "# host: qemu exit status $rc"
	[ "$rc" = 124 ] && echo "# host: killed after ${total}s"
} | tee "$log" | grep --line-buffered -E '^(not )?ok [0-9]+ ' | sed -u 's/^/        /'

awk -v shape="$SHAPE" -v expected="$expected" -v splats="$RES/$SHAPE.splats" \
	-f "$TOP/testbed/scripts/verdict.awk" "$log" >"$RES/$SHAPE.verdicts.tmp" ||
	die "judging $log failed"
mv "$RES/$SHAPE.verdicts.tmp" "$RES/$SHAPE.verdicts"

# "expect=RE": the console must have a line matching RE (an extended
# regular expression without blanks), one verdict each.  No globbing of
# the words; the console's carriage returns removed before matching.
set -f
for re in $(shape_word "$SHAPE" expect); do
	if tr -d '\r' <"$log" | grep -Eq -- "$re"; then
		printf 'PASS\t%s/expect:%s\t-\t\n' "$SHAPE" "$re"
	else
		printf 'FAIL\t%s/expect:%s\t-\tno console line matches %s\n' "$SHAPE" "$re" "$re"
	fi >>"$RES/$SHAPE.verdicts"
done
set +f
