# SPDX-License-Identifier: GPL-2.0-only
#
# Build migrate_sim inside the KVM selftests build of the work tree, with
# the selftests' own compiler flags, link flags and library objects (no
# copy of them here).  Read after the selftests' Makefile:
#
#   make -C TREE/tools/testing/selftests/kvm -f Makefile \
#	-f .../testbed/migrate_sim/selftests.mk ARCH=arm64 \
#	CROSS_COMPILE=... CC=... OUTPUT=SELF abs_objdir=SELF/obj \
#	KHDR_INCLUDES=... SELF/migrate_sim
#
# with the arguments of the selftests build itself (build-selftests.sh),
# so that the library objects it made are up to date.  Like the tests,
# migrate_sim is static and non-PIE (the library loads the program's own
# ELF image into the guest).

MIGRATE_SIM_SRC := $(dir $(lastword $(MAKEFILE_LIST)))migrate_sim.c

$(OUTPUT)/migrate_sim.o: $(MIGRATE_SIM_SRC) $(GEN_HDRS)
	$(CC) $(CFLAGS) $(CPPFLAGS) $(TARGET_ARCH) -c $< -o $@

$(OUTPUT)/migrate_sim: $(OUTPUT)/migrate_sim.o $(LIBKVM_OBJS)
	$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) $(TARGET_ARCH) $< $(LIBKVM_OBJS) $(LDLIBS) -o $@

-include $(OUTPUT)/migrate_sim.d
