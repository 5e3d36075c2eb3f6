#!/bin/sh
# Build sparse (testbed/pins: SPARSE_ORIG) for "make check-series".  Prints
# the binary's path on its last line.
. "$(dirname "$0")/lib.sh"

tarball=$(fetch_pinned_deb "$SPARSE_ORIG" src)
dir=$OUT/sparse
key=$(sha256_of "$tarball")
if up_to_date "$dir/stamp" "$key" && [ -x "$dir/src/sparse" ]; then
	echo "$dir/src/sparse"
	exit 0
fi
step "sparse: building $(basename "$tarball")"
rm -rf "$dir"
mkdir -p "$dir/src"
tar xzf "$tarball" -C "$dir/src" --strip-components=1
run_logged "$OUT/logs/sparse-build.log" "building sparse" \
	make -C "$dir/src" -j"$JOBS" sparse
echo "$key" >"$dir/stamp"
echo "$dir/src/sparse"
