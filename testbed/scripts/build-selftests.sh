#!/bin/sh
# Cross-build the KVM selftests of the work tree, statically linked, against
# the UAPI headers of a kernel build.  Prints the output directory last.
#
#   build-selftests.sh KERNEL_BUILD_DIR [TREE OUTPUT_DIR]
#
# TREE and OUTPUT_DIR default to the work tree and $OUT/linux/selftests.
. "$(dirname "$0")/lib.sh"

KBUILD=${1:?usage: build-selftests.sh KERNEL_BUILD_DIR [TREE OUTPUT_DIR]}
if [ -n "${2:-}" ]; then
	TREE=$2
	SELF=${3:?usage: build-selftests.sh KERNEL_BUILD_DIR [TREE OUTPUT_DIR]}
else
	TREE=$(linux_tree)
	SELF=$OUT/linux/selftests
fi
[ -d "$KBUILD/usr/include/linux" ] || die "$KBUILD has no UAPI headers: build the kernel first"

key=$(key_of "$(git -C "$TREE" rev-parse 'HEAD^{tree}')" "$(${CROSS_COMPILE}gcc --version | head -n1)")
if up_to_date "$SELF/.testbed-key" "$key" && [ -x "$SELF/dirty_log_test" ]; then
	step "selftests: up to date"
	echo "$SELF"
	exit 0
fi

step "selftests: building the KVM selftests (log: $OUT/logs/selftests-build.log)"
mkdir -p "$SELF/obj/tools"
# A dependency file that ccache restores names its object by a path
# relative to the directory it was compiled in (CCACHE_BASEDIR), not as the
# selftests' rules do (OUTPUT is absolute), so make would not rebuild an
# object whose headers alone changed: rebuild every object (from ccache
# where nothing changed).
find "$SELF" -name '*.o' -type f -delete
run_logged "$OUT/logs/selftests-build.log" "KVM selftests build" \
	selftests_make "$TREE" "$SELF" "$KBUILD" -j"$JOBS"
echo "$key" >"$SELF/.testbed-key"
step "selftests: built $(find "$SELF" -maxdepth 2 -type f -perm -u+x ! -name '*.o' | wc -l) programs"
echo "$SELF"
