#!/bin/sh
# Build the migration simulator (testbed/bench/migrate_sim.c) against the
# KVM selftests library of a selftests build, into that build's directory,
# so that plans can run it like a selftest.  Prints the directory last.
#
#   build-bench.sh SELFTESTS_DIR KERNEL_BUILD_DIR
. "$(dirname "$0")/lib.sh"

SELF=${1:?usage: build-bench.sh SELFTESTS_DIR KERNEL_BUILD_DIR}
KBUILD=${2:?usage: build-bench.sh SELFTESTS_DIR KERNEL_BUILD_DIR}
TREE=$(linux_tree)
[ -f "$SELF/.testbed-key" ] || die "$SELF is not a selftests build: run build-selftests.sh first"

key=$(key_of "$TOP/testbed/bench" "$(cat "$SELF/.testbed-key")")
if up_to_date "$SELF/.testbed-bench-key" "$key" && [ -x "$SELF/migrate_sim" ]; then
	step "bench: migrate_sim up to date"
	echo "$SELF"
	exit 0
fi

step "bench: building migrate_sim (log: $OUT/logs/bench-build.log)"
rm -f "$SELF/.testbed-bench-key"
run_logged "$OUT/logs/bench-build.log" "migrate_sim build" \
	make -C "$TOP/testbed/bench" TREE="$TREE" SELF="$SELF" \
	KHDR="$KBUILD/usr/include" OUT="$SELF" \
	CC="ccache ${CROSS_COMPILE}gcc"
echo "$key" >"$SELF/.testbed-bench-key"
echo "$SELF"
