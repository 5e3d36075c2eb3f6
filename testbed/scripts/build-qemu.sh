#!/bin/sh
# Build qemu-system-aarch64 (TCG only, no docs, no firmware blobs) from the
# work tree that qemu-src.sh prepares.  Prints the binary's path last.
. "$(dirname "$0")/lib.sh"

need_cmd ninja ninja-build
need_cmd meson meson
need_cmd pkg-config pkg-config

TREE=$("$TOP/testbed/scripts/qemu-src.sh") || exit 1
TREE=$(echo "$TREE" | tail -n1)
BUILD=$OUT/qemu/build
BIN=$BUILD/qemu-system-aarch64
# Debian's python3, not whatever python3 comes first in PATH: QEMU makes a
# venv from it.
PYTHON=/usr/bin/python3
[ -x $PYTHON ] || PYTHON=$(command -v python3)
# Only the "virt" machine (and sbsa-ref, which comes with it) is built:
# QEMU's minimal device configuration for aarch64.
CONFIGURE="--target-list=aarch64-softmmu --without-default-features
--without-default-devices --with-devices-aarch64=minimal
--enable-tcg --enable-fdt=system --disable-docs --disable-download
--disable-install-blobs --disable-werror --python=$PYTHON"

key=$(key_of "$(git -C "$TREE" rev-parse 'HEAD^{tree}')" "$CONFIGURE" "$(gcc --version | head -n1)")
if up_to_date "$BUILD/.testbed-key" "$key" && [ -x "$BIN" ]; then
	step "qemu: up to date"
	echo "$BIN"
	exit 0
fi

if [ ! -f "$BUILD/build.ninja" ] || [ "$(cat "$BUILD/.testbed-configure" 2>/dev/null)" != "$CONFIGURE" ]; then
	step "qemu: configuring"
	rm -rf "$BUILD"
	mkdir -p "$BUILD"
	# shellcheck disable=SC2086
	run_logged "$OUT/logs/qemu-configure.log" "QEMU configure" \
		sh -c "cd '$BUILD' && '$TREE/configure' --cc='ccache gcc' $(echo $CONFIGURE)"
	echo "$CONFIGURE" >"$BUILD/.testbed-configure"
fi
step "qemu: building qemu-system-aarch64 (log: $OUT/logs/qemu-build.log)"
run_logged "$OUT/logs/qemu-build.log" "QEMU build" \
	ninja -C "$BUILD" -j"$JOBS" qemu-system-aarch64
echo "$key" >"$BUILD/.testbed-key"
step "qemu: built $("$BIN" --version | head -n1)"
echo "$BIN"
