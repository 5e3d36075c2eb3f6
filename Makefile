# Front door of the project.  Every recipe is a script under testbed/scripts;
# each rebuilds only what changed (keyed on its inputs) and prints progress.
#
#   make test          set up, build, run every test plan on every shape
#   make test-granules the same on the 16K- and 64K-page shapes only
#   make test-kcsan    the same on the KCSAN shape only (vhekcsan)
#   make run           the main job: real QEMU live migrations in the
#                      emulated machine, with HDBSS and with write
#                      protection, side by side
#   make bench         the simulator over a sweep: CSV, report.md and plots
#   make linux-tree    materialize the kernel work tree (git) for editing
#   make linux-export  write the work tree's commits back to linux/patches
#   make qemu-tree / make qemu-export   the same for QEMU
#   make conformance   the emulator's bare-metal conformance suite alone
#   make check-series  every kernel patch: git am, build (both configs),
#                      no new W=1 warning, checkpatch --strict
#
# Variables: LINUX_SRC=/path/to/linux (use your own kernel tree),
# OUT=dir (build outputs, default ./out), QEMU_SRC_VERSION=... (another
# Debian qemu source version), JOBS=n, SHAPES="vhe ..." (a subset of the
# machine shapes), TEST_PLANS=a,b (a subset of the test plans),
# RUN_ARGS="-N 3 -r 0 ..." (options for make run's migrate_qemu),
# BENCH_ARGS="-R 2 ..." (options added to every run of make bench),
# BENCH_PUBLISH=1 (make bench also copies its report to docs/bench/).

SHELL := /bin/sh
S := testbed/scripts

# Test plans run by "make test" on every shape of testbed/shapes.
TEST_PLANS ?= dirty-log,hdbss,regress,migrate,qemu-migration-test
RUN_PLAN ?= run
RUN_ARGS ?=
BENCH_ARGS ?=

export LINUX_SRC OUT QEMU_SRC_VERSION JOBS TEST_PLANS RUN_PLAN RUN_ARGS \
	BENCH_ARGS SHAPES

.PHONY: all test test-granules test-kcsan run bench setup harness-test linux-tree linux-export linux-reset \
	qemu-tree qemu-export qemu-reset kernel-test kernel-nodebug qemu conformance \
	check-series clean help

all: help

help:
	@sed -n '/^#/!q; s/^# \{0,1\}//p' Makefile

test:
	@$(S)/test.sh

test-granules:
	@SHAPES="vhe16k vhe64k" $(S)/test.sh

test-kcsan:
	@SHAPES=vhekcsan $(S)/test.sh

run:
	@$(S)/run.sh

bench:
	@$(S)/bench.sh

setup:
	@$(S)/setup-host.sh

harness-test:
	@$(S)/harness-test.sh

conformance:
	@$(S)/conformance.sh "$$($(S)/build-qemu.sh)" $(or $(OUT),out)/results/conformance

check-series:
	@$(S)/check-series.sh

kernel-test:
	@$(S)/build-kernel.sh test

kernel-nodebug:
	@$(S)/build-kernel.sh nodebug

qemu:
	@$(S)/build-qemu.sh

linux-tree:
	@$(S)/linux-src.sh

linux-export:
	@$(S)/linux-src.sh export

linux-reset:
	@$(S)/linux-src.sh reset

qemu-tree:
	@$(S)/qemu-src.sh

qemu-export:
	@$(S)/qemu-src.sh export

qemu-reset:
	@$(S)/qemu-src.sh reset

clean:
	rm -rf $(or $(OUT),out)
