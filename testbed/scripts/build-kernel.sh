#!/bin/sh
# Build the kernel Image for one configuration ("test": debug options on;
# "nodebug": without them; see config_fragments in lib.sh), from the work
# tree that linux-src.sh prepares.  The configuration is allnoconfig with
# the fragments merged on top; every option's last setting in them is
# checked in the result.
#
#   build-kernel.sh CONFIG      prints the build directory on its last line
. "$(dirname "$0")/lib.sh"

CONFIG=${1:?usage: build-kernel.sh test|test16k|test64k|testkcsan|nodebug}
FRAGS=$(config_fragments "$CONFIG")

need_cmd "${CROSS_COMPILE}gcc" gcc-aarch64-linux-gnu
need_cmd ccache ccache
need_cmd flex flex
need_cmd bison bison
need_cmd bc bc

TREE=$(linux_tree)
if [ -n "${LINUX_SRC:-}" ]; then
	BUILD=$OUT/linux/build-user-$CONFIG
else
	BUILD=$OUT/linux/build-$CONFIG
fi
mkdir -p "$BUILD"

frag_files=
for f in $FRAGS; do
	frag_files="$frag_files $TOP/linux/config/$f"
done
# shellcheck disable=SC2086
key=$(key_of "$(git -C "$TREE" rev-parse 'HEAD^{tree}')" $frag_files \
	"$(${CROSS_COMPILE}gcc --version | head -n1)")
if up_to_date "$BUILD/.testbed-key" "$key" && [ -f "$BUILD/arch/arm64/boot/Image" ]; then
	step "kernel ($CONFIG): up to date"
	echo "$BUILD"
	exit 0
fi

kmake() {
	kernel_make "$TREE" "$BUILD" "$@"
}

step "kernel ($CONFIG): configuring (allnoconfig + $FRAGS)"
# shellcheck disable=SC2086
cat $frag_files >"$BUILD/fragment.config"
rm -f "$BUILD/.testbed-key"
run_logged "$OUT/logs/kernel-$CONFIG-config.log" "kernel configuration" \
	kmake KCONFIG_ALLCONFIG="$BUILD/fragment.config" allnoconfig
# Each option's last setting in the fragments: "=value", or "is not set".
bad=
for line in $(awk '
	/^CONFIG_[A-Za-z0-9_]+=/ { o = $0; sub(/=.*/, "", o); last[o] = $0; next }
	/^# CONFIG_[A-Za-z0-9_]+ is not set/ { last[$2] = $2 "=n" }
	END { for (o in last) print last[o] }' "$BUILD/fragment.config"); do
	case $line in
	*=n) ! grep -q "^${line%=n}=" "$BUILD/.config" || bad="$bad ${line}" ;;
	*) grep -qx "$line" "$BUILD/.config" || bad="$bad ${line}" ;;
	esac
done
[ -z "$bad" ] || die "the kernel configuration does not honour:$bad (see $BUILD/.config; an option may have been renamed, or depend on another)"

step "kernel ($CONFIG): building Image and headers (log: $OUT/logs/kernel-$CONFIG-build.log)"
run_logged "$OUT/logs/kernel-$CONFIG-build.log" "kernel build ($CONFIG)" \
	kmake Image headers
echo "$key" >"$BUILD/.testbed-key"
step "kernel ($CONFIG): built $(git -C "$TREE" describe --always --tags) ($(du -h "$BUILD/arch/arm64/boot/Image" | cut -f1))"
echo "$BUILD"
