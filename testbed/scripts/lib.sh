# Shared helpers of the test bed scripts (POSIX sh). Source, don't run.
#
# Layout:
#   $TOP            the checkout
#   $OUT            every build output and result (git-ignored), default $TOP/out
#   $CACHE          downloads and ccache, kept across clones
#                   (${XDG_CACHE_HOME:-$HOME/.cache}/hdbss-kvm)

set -eu

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${OUT:-$TOP/out}
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hdbss-kvm}
DL=$CACHE/dl
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
JOBS=${JOBS:-$(($(nproc) + 1))}
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
# Paths inside the checkout hash as relative ones, so that another clone
# (CI's, say) hits the same cache entries.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP}
export CCACHE_NOHASHDIR=1

# Pins, with an override of the QEMU source version from the environment.
_qemu_version=${QEMU_SRC_VERSION:-}
. "$TOP/testbed/pins"
[ -z "$_qemu_version" ] || QEMU_SRC_VERSION=$_qemu_version

# The wall clock of the whole make invocation, for progress lines.
START_TIME=${START_TIME:-$(date +%s)}
export START_TIME

elapsed() {
	s=$(($(date +%s) - START_TIME))
	printf '%d:%02d' $((s / 60)) $((s % 60))
}

# step "what": a progress line with the elapsed time.  Progress goes to
# stderr: a script's stdout is kept for what its caller uses (a path).
step() {
	printf '[%s] %s\n' "$(elapsed)" "$*" >&2
}

note() {
	printf '        %s\n' "$*" >&2
}

die() {
	printf '[%s] FAILED: %s\n' "$(elapsed)" "$*" >&2
	exit 1
}

# run_logged LOG DESCRIPTION CMD...: run CMD with its output in LOG; on
# failure, name the step and the log and show the log's tail.
run_logged() {
	_log=$1 _what=$2
	shift 2
	mkdir -p "$(dirname "$_log")"
	if ! "$@" >"$_log" 2>&1; then
		printf '[%s] FAILED: %s\n' "$(elapsed)" "$_what" >&2
		printf '        log: %s (last 25 lines follow)\n' "$_log" >&2
		tail -n 25 "$_log" | sed 's/^/        | /' >&2
		exit 1
	fi
}

sha256_of() {
	sha256sum "$1" | cut -d' ' -f1
}

# key_of ARGS...: a digest of strings and files (directories recursively,
# in a stable order), to decide whether an output is up to date.
key_of() {
	for _a in "$@"; do
		if [ -d "$_a" ]; then
			(cd "$_a" && find . -type f ! -name '*~' | LC_ALL=C sort |
				while read -r _f; do
					printf '%s ' "$_f"
					sha256sum <"$_f"
				done)
		elif [ -f "$_a" ]; then
			printf '%s ' "$(basename "$_a")"
			sha256sum <"$_a"
		else
			printf 'str %s\n' "$_a"
		fi
	done | sha256sum | cut -c1-16
}

# up_to_date STAMP KEY: true when STAMP records KEY.
up_to_date() {
	[ -f "$1" ] && [ "$(cat "$1")" = "$2" ]
}

# fetch_pinned_deb "POOL_PATH SHA256" [SUBDIR]: download a file of
# testbed/pins from Debian's archive ($ARM64_DEB_MIRROR) into the download
# cache (its SUBDIR, arm64 by default), unless the cache holds it already,
# check its sha256, and print its path.
fetch_pinned_deb() {
	_sub=${2:-arm64}
	set -- $1
	_deb=$DL/$_sub/$(basename "$1")
	mkdir -p "$DL/$_sub"
	if [ ! -f "$_deb" ] || [ "$(sha256_of "$_deb")" != "$2" ]; then
		need_cmd curl curl
		run_logged "$OUT/logs/deb-download.log" \
			"download of $ARM64_DEB_MIRROR/$1 (a newer release may have replaced it: update testbed/pins)" \
			curl -sSfL -o "$_deb.tmp" "$ARM64_DEB_MIRROR/$1"
		[ "$(sha256_of "$_deb.tmp")" = "$2" ] ||
			die "$1: sha256 $(sha256_of "$_deb.tmp") is not the pinned $2"
		mv "$_deb.tmp" "$_deb"
	fi
	echo "$_deb"
}

need_cmd() {
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' is missing: run 'make setup' (installs Debian package '$2')"
}

# plant_init NAME [KIND]: the start of testbed/plants/NAME/run.sh: sets
# PLANT (its directory), RES (its results) and WORK (its scratch
# directory), both emptied, builds the guest of kernel configuration KIND
# (build_guest; default test, that of "make test") and sets TREE, the
# kernel work tree, which must have no local changes.
# shellcheck disable=SC2034 # set for the caller
plant_init() {
	PLANT=$TOP/testbed/plants/$1
	RES=$OUT/results/plant-$1
	WORK=$OUT/plant-$1
	rm -rf "$RES" "$WORK"
	mkdir -p "$RES" "$WORK"
	build_guest "${2:-test}"
	TREE=$(linux_tree)
	git -C "$TREE" diff --quiet HEAD || die "$TREE has local changes"
}

# plant_build DIFF NAME: for a plant script (plant_init), the kernel of the
# guest built last (build_guest, $kbuild) with $PLANT/DIFF applied on the
# series, as $WORK/Image.NAME.  Built in a copy of $kbuild made once, the
# work tree restored afterwards (this sets and clears the EXIT trap).
plant_build() {
	_pb_build=$WORK/build-$(basename "$kbuild")
	[ -d "$_pb_build" ] || cp -a "$kbuild" "$_pb_build"
	step "plant: building the kernel $2 with $1 (log: $WORK/kernel-$2.log)"
	trap 'git -C "$TREE" checkout -q -- .' EXIT
	git -C "$TREE" apply "$PLANT/$1" ||
		die "$PLANT/$1 does not apply to the series any more"
	run_logged "$WORK/kernel-$2.log" "planted kernel build ($1)" \
		kernel_make "$TREE" "$_pb_build" Image
	cp "$_pb_build/arch/arm64/boot/Image" "$WORK/Image.$2"
	git -C "$TREE" checkout -q -- .
	trap - EXIT
}

# plant_initramfs PLAN [LINE...]: for a plant script (plant_init), the
# initramfs of the guest built last (build_guest) plus the plan file PLAN
# and the given gen_init_cpio lines, as $WORK/initramfs.cpio.  The plan is
# also copied into testbed/plans for run-guest.sh, and removed from there
# when the script exits (this sets the EXIT trap).
plant_initramfs() {
	_pi_plan=$1
	_pi_name=$(basename "$_pi_plan")
	shift
	cp "$_pi_plan" "$TOP/testbed/plans/"
	# shellcheck disable=SC2064 # expanded now, on purpose
	trap "rm -f '$TOP/testbed/plans/$_pi_name'" EXIT
	{
		cat "$OUT/initramfs/spec"
		echo "file /plans/$_pi_name $_pi_plan 0644 0 0"
		for _pi_line; do
			echo "$_pi_line"
		done
	} >"$WORK/spec"
	"$OUT/tools/gen_init_cpio" "$WORK/spec" >"$WORK/initramfs.cpio"
}

# build_guest KIND: build the kernel of configuration KIND (test or nodebug),
# the KVM selftests and migrate_sim against it, QEMU, what the real
# migrations run in the guest (build-migrate.sh: the arm64 QEMU, and the
# same kernel as the migrated guest's) and the initramfs.
# Sets kbuild (kernel build directory), self (selftests directory) and
# QEMU (exported, for run-guest.sh).
build_guest() {
	kbuild=$("$TOP/testbed/scripts/build-kernel.sh" "$1")
	self=$("$TOP/testbed/scripts/build-selftests.sh" "$kbuild")
	self=$("$TOP/testbed/scripts/build-migrate-sim.sh" "$self" "$kbuild")
	self=$("$TOP/testbed/scripts/build-migrate.sh" "$self" "$kbuild")
	QEMU=$("$TOP/testbed/scripts/build-qemu.sh")
	export QEMU
	"$TOP/testbed/scripts/mkinitramfs.sh" "$self" "$OUT/initramfs.cpio"
}

# selftests_make TREE SELF KBUILD ARGS...: make in TREE's KVM selftests,
# output in SELF, against the UAPI headers of kernel build KBUILD,
# statically linked for arm64 (build-selftests.sh, build-migrate-sim.sh).
selftests_make() {
	_sm_tree=$1 _sm_self=$2 _sm_kb=$3
	shift 3
	make -C "$_sm_tree/tools/testing/selftests/kvm" ARCH=arm64 \
		CROSS_COMPILE="$CROSS_COMPILE" CC="ccache ${CROSS_COMPILE}gcc -static" \
		OUTPUT="$_sm_self" abs_objdir="$_sm_self/obj" \
		KHDR_INCLUDES="-isystem $_sm_kb/usr/include" "$@"
}

# linux_tree: prepare the kernel work tree (linux-src.sh) and print its path.
linux_tree() {
	_lt=$("$TOP/testbed/scripts/linux-src.sh") || exit 1
	echo "$_lt" | tail -n1
}

# shapes_table: testbed/shapes without its comments ("#" to the end of
# a line).
shapes_table() {
	sed 's/#.*//' "$TOP/testbed/shapes"
}

# shape_word SHAPE KEY: the values of SHAPE's "KEY=value" words in
# testbed/shapes, one a line (none if it has no such word; see the file's
# header for the keys).
shape_word() {
	shapes_table |
		awk -v s="$1" -v k="$2=" '$1 == s { for (i = 3; i <= NF; i++)
			if (index($i, k) == 1) print substr($i, length(k) + 1) }'
}

# config_fragments CONFIG: the fragments of linux/config that make kernel
# configuration CONFIG ("test": debug options on; "nodebug": without them;
# "test16k", "test64k": "test" with 16 KiB or 64 KiB pages; "testkcsan":
# "test" with KCSAN instead of KASAN), merged in this
# order on allnoconfig (a later fragment's setting wins).
config_fragments() {
	case $1 in
	test) echo "base.config debug.config" ;;
	test16k) echo "base.config debug.config 16k.config" ;;
	test64k) echo "base.config debug.config 64k.config" ;;
	testkcsan) echo "base.config debug.config kcsan.config" ;;
	nodebug) echo "base.config" ;;
	*) die "unknown kernel configuration '$1' (test, test16k, test64k, testkcsan or nodebug)" ;;
	esac
}

# kernel_make SRC BUILD ARGS...: make in kernel tree SRC, output in BUILD.
kernel_make() {
	_km_src=$1 _km_build=$2
	shift 2
	make -C "$_km_src" O="$_km_build" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" \
		CC="ccache ${CROSS_COMPILE}gcc" -j"$JOBS" "$@"
}

# sim_lines CONSOLE_LOG: migrate_sim's machine-readable lines ("# result",
# "# sample", "# round") in a guest's console log, each prefixed with the
# name of the plan entry that printed it: "NAME result KEY VALUE" and so on.
sim_lines() {
	tr -d '\r' <"$1" | sed -n 's/^# //p' | awk '
		/^testbed: start / { name = $4; sub(/^[^\/]*\//, "", name); sub(/:$/, "", name) }
		/^testbed: end / { name = "" }
		name != "" && $1 == "#" && ($2 == "result" || $2 == "sample" || $2 == "round") {
			$1 = name; print
		}
	'
}

# run_key PLAN OPTIONS: what makes two runs of "make run" or "make bench"
# comparable: the plan's lines (comments aside), the options, the shape
# (RUN_SHAPE) and the kernel series' code (patch ids: commit messages and
# the cover letter aside).
run_key() {
	echo "$1 $(sed 's/#.*//' "$TOP/testbed/plans/$1.plan" | awk 'NF' | cksum | cut -d' ' -f1)" \
		"$(echo $2) ${RUN_SHAPE:-first-shape} series-$(for p in "$TOP"/linux/patches/*.patch; do
			case $p in */0000-cover-letter.patch) ;; *) cat "$p" ;; esac
		done | git patch-id --stable | cut -d' ' -f1 | cksum | cut -d' ' -f1)"
}
