#!/bin/sh
# Build the migration simulator (testbed/migrate_sim/migrate_sim.c) in a
# KVM selftests build of the work tree, with the selftests' own flags and
# library (testbed/migrate_sim/selftests.mk), so that plans can run it like
# a selftest.  Prints the directory last.
#
#   build-migrate-sim.sh SELFTESTS_DIR KERNEL_BUILD_DIR
. "$(dirname "$0")/lib.sh"

SELF=${1:?usage: build-migrate-sim.sh SELFTESTS_DIR KERNEL_BUILD_DIR}
KBUILD=${2:?usage: build-migrate-sim.sh SELFTESTS_DIR KERNEL_BUILD_DIR}
TREE=$(linux_tree)
[ -f "$SELF/.testbed-key" ] || die "$SELF is not a selftests build: run build-selftests.sh first"

key=$(key_of "$TOP/testbed/migrate_sim" "$(cat "$SELF/.testbed-key")")
if up_to_date "$SELF/.testbed-migrate-sim-key" "$key" && [ -x "$SELF/migrate_sim" ]; then
	step "migrate_sim: up to date"
	echo "$SELF"
	exit 0
fi

step "migrate_sim: building (log: $OUT/logs/migrate-sim-build.log)"
rm -f "$SELF/.testbed-migrate-sim-key"
# Compiled again whenever the key changes: a dependency file written by
# another build of it (another source path) would otherwise mislead make.
rm -f "$SELF/migrate_sim.o" "$SELF/migrate_sim.d"
# Inside the selftests build, with its rules and flags (selftests.mk),
# with the arguments of the selftests build itself.
run_logged "$OUT/logs/migrate-sim-build.log" "migrate_sim build" \
	selftests_make "$TREE" "$SELF" "$KBUILD" -f Makefile \
	-f "$TOP/testbed/migrate_sim/selftests.mk" "$SELF/migrate_sim"
echo "$key" >"$SELF/.testbed-migrate-sim-key"
echo "$SELF"
