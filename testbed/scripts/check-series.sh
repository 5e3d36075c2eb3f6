#!/bin/sh
# Check the kernel series patch by patch, as a maintainer would:
#  - every patch of linux/patches applies with "git am" on the pinned base;
#  - after each patch the kernel builds (Image) with both configurations,
#    "test" (base + debug fragments) and "nodebug" (base);
#  - the C files a patch touches compile without new warnings at W=1
#    (warnings already there before the patch, compared without line
#    numbers, are not new), with "test" and "nodebug" and with the debug
#    configuration at 16K and 64K pages ("test16k", "test64k"; those two
#    compile the touched files only: a whole kernel per patch and page
#    size would double the run, and make test-granules builds both);
#  - a patch that touches Documentation/*.rst adds no Sphinx warning in
#    the books it touches (make SPHINXDIRS=... htmldocs, before and after,
#    compared without line numbers);
#  - the C files a patch touches add no sparse warning (make C=2, with
#    "test"; compared as for W=1), with the sparse of testbed/pins
#    (build-sparse.sh), which scripts/checker-valid.sh must accept;
#  - after the selftest patch, the KVM selftests build;
#  - every patch passes scripts/checkpatch.pl --strict.  Stored patches
#    carry no Signed-off-by (the export for sending adds it), and new files
#    fall under existing MAINTAINERS entries, so --no-signoff and
#    --ignore FILE_PATH_CHANGES; the base is Debian's source, not a clone
#    of Linux's history, so the commit a "Fixes:" tag names cannot be looked
#    up: --ignore UNKNOWN_COMMIT_ID.
# Works in $OUT/linux/check (a git worktree of the series tree and its own
# build directories).  Prints one line per patch and a closing verdict.
# CHECK_FROM=N applies patches 1 to N-1 unchecked and checks from patch N
# on (the base builds are then of patch N-1); CHECK_TO=M stops after patch
# M.  The verdict names the patches left unchecked.
. "$(dirname "$0")/lib.sh"

need_cmd "${CROSS_COMPILE}gcc" gcc-aarch64-linux-gnu
need_cmd ccache ccache
need_cmd sphinx-build python3-sphinx
SPARSE=$("$TOP/testbed/scripts/build-sparse.sh" | tail -n1)

PATCHES=$TOP/linux/patches
TREE=$(linux_tree)
[ -n "${LINUX_SRC:-}" ] && die "check-series checks linux/patches on the pinned source; unset LINUX_SRC"

LAST=$(grep -c . "$PATCHES/series")
FROM=${CHECK_FROM:-1}
case $FROM in '' | *[!0-9]*) die "CHECK_FROM=$FROM is not a patch number" ;; esac
[ "$FROM" -ge 1 ] && [ "$FROM" -le "$LAST" ] ||
	die "CHECK_FROM=$FROM is not between 1 and the number of patches"
TO=${CHECK_TO:-$LAST}
case $TO in '' | *[!0-9]*) die "CHECK_TO=$TO is not a patch number" ;; esac
[ "$TO" -ge "$FROM" ] && [ "$TO" -le "$LAST" ] ||
	die "CHECK_TO=$TO is not between CHECK_FROM ($FROM) and the number of patches ($LAST)"

CHECK=$OUT/linux/check
WT=$CHECK/src
LOGS=$OUT/logs/check-series
mkdir -p "$CHECK" "$LOGS"
rm -f "$LOGS"/*.log

step "check-series: worktree at base ($WT)"
if [ -d "$WT" ]; then
	git -C "$TREE" worktree remove --force "$WT" 2>/dev/null || rm -rf "$WT"
	git -C "$TREE" worktree prune
fi
run_logged "$LOGS/worktree.log" "creating the worktree" \
	git -C "$TREE" worktree add --detach "$WT" base

[ "$(sh "$WT/scripts/checker-valid.sh" "$SPARSE" --arch=arm64 -mlittle-endian -m64 2>/dev/null)" = 1 ] ||
	die "$SPARSE: scripts/checker-valid.sh rejects it"

# kmake BUILD ARGS...: make in the worktree.
kmake() {
	kernel_make "$WT" "$@"
}

# configure DIR CONFIG: allnoconfig plus the configuration's fragments.
configure() {
	_frags=$(config_fragments "$2")
	mkdir -p "$1"
	: >"$1/fragment.config"
	for _f in $_frags; do
		cat "$TOP/linux/config/$_f" >>"$1/fragment.config"
	done
	run_logged "$LOGS/config-$(basename "$1").log" "configuring $(basename "$1")" \
		kmake "$1" KCONFIG_ALLCONFIG="$1/fragment.config" allnoconfig
}

# c_objects PATCH: the objects of the kernel C files PATCH touches.
c_objects() {
	sed -n 's|^+++ b/\(.*\.c\)$|\1|p' "$1" | grep -v '^tools/' |
		sed 's/\.c$/.o/' | sort -u
}

# w1_warnings CONFIG OBJS...: compile OBJS at W=1, print the warnings
# without line and column numbers.  Objects the configuration does not
# build are skipped.
w1_warnings() {
	_cfg=$1
	shift
	for _obj in "$@"; do
		[ -f "$WT/${_obj%.o}.c" ] || continue
		rm -f "$CHECK/w1-$_cfg/$_obj"
		kmake "$CHECK/w1-$_cfg" W=1 "$_obj" >"$LOGS/w1.tmp" 2>&1 || {
			grep -q "No rule to make target" "$LOGS/w1.tmp" && continue
			cat "$LOGS/w1.tmp" >&2
			die "W=1 compile of $_obj ($_cfg) failed"
		}
		grep -E ': (warning|error):' "$LOGS/w1.tmp" |
			sed -E 's/:[0-9]+:[0-9]+:/:/' || true
	done | sort -u
}

# sparse_warnings OBJS...: run sparse (C=2) on OBJS in the "test" build
# directory; print each distinct warning (with its "expected" and "got"
# lines, which sparse prints as "FILE:LINE:COL:    ...", all without line
# and column numbers) and how often it came.  Only what sparse says while
# checking the object's own source (the lines after its CHECK line, up to
# the next command) counts: "make X.o" may first rebuild and check other
# objects (a header change makes the vDSO rebuild, for one), and their
# reports, already in the base, would otherwise be counted again.
# The kernel's Makefile turns the checker off, with a message but no
# "warning:", if it rejects it: each object must show its CHECK line.
# (virt/kvm/*.o are built through arch/arm64/kvm/Makefile; as for W=1,
# "make virt/kvm/x.o" checks them with the generic rule's flags.)
sparse_warnings() {
	for _obj in "$@"; do
		[ -f "$WT/${_obj%.o}.c" ] || continue
		kmake "$CHECK/build-test" C=2 CHECK="$SPARSE" "$_obj" >"$LOGS/sparse.tmp" 2>&1 || {
			grep -q "No rule to make target" "$LOGS/sparse.tmp" && continue
			cat "$LOGS/sparse.tmp" >&2
			die "sparse check of $_obj failed"
		}
		grep -Eq "^  CHECK   (.*/)?${_obj%.o}\.c\$" "$LOGS/sparse.tmp" ||
			die "sparse did not run on ${_obj%.o}.c (log: $LOGS/sparse.tmp)"
		awk -v src="${_obj%.o}.c" '
			function flush() { if (w != "") print w; w = "" }
			/^  [A-Z][A-Z0-9_]* +[^ ]/ {
				flush()
				mine = $1 == "CHECK" && ($2 == src ||
					substr($2, length($2) - length(src)) == "/" src)
				next
			}
			!mine { next }
			/: (warning|error):/ { flush(); w = $0; next }
			w != "" && /:[0-9]+:[0-9]+:    / { w = w " |" $0; next }
			{ flush() }
			END { flush() }' "$LOGS/sparse.tmp" |
			sed -E 's/:[0-9]+:[0-9]+:/:/g'
	done | sort | uniq -c
}

# more_warnings BEFORE AFTER: the warnings of AFTER (sparse_warnings'
# output) that came more often than in BEFORE.
more_warnings() {
	awk 'FILENAME == ARGV[1] { n = $1; $1 = ""; before[$0] = n; next }
		{ n = $1; $1 = ""; if (n > before[$0] + 0) print n - before[$0] "x" $0 }' "$1" "$2"
}

# rst_books PATCH: the Sphinx books (SPHINXDIRS) of the .rst and .txt
# files PATCH touches: the first two directories under Documentation/, or
# the first for a file directly in it (admin-guide/kernel-parameters.txt,
# included by admin-guide/kernel-parameters.rst).
rst_books() {
	sed -n -e 's#^+++ b/Documentation/\([^/]*/[^/]*\)/.*\.\(rst\|txt\)$#\1#p' \
		-e 's#^+++ b/Documentation/\([^/]*\)/[^/]*\.\(rst\|txt\)$#\1#p' "$1" | sort -u
}

# doc_warnings BOOKS...: build each book from scratch, print its Sphinx
# warnings without line numbers.
doc_warnings() {
	for _book in "$@"; do
		rm -rf "$CHECK/docs"
		kmake "$CHECK/docs" SPHINXDIRS="$_book" htmldocs >"$LOGS/docs.tmp" 2>&1 || {
			cat "$LOGS/docs.tmp" >&2
			die "htmldocs of $_book failed"
		}
		grep -E '(WARNING|ERROR|CRITICAL):' "$LOGS/docs.tmp" |
			sed -E 's/:[0-9]+:/:/' || true
	done | sort -u
}

n=0
for p in $(cat "$PATCHES/series"); do
	n=$((n + 1))
	[ "$n" -lt "$FROM" ] || break
	run_logged "$LOGS/$n-am.log" "git am $p" \
		git -C "$WT" -c user.name=check -c user.email=check@localhost \
		am -q "$PATCHES/$p"
done
[ "$FROM" = 1 ] || step "check-series: patches 1 to $((FROM - 1)) applied unchecked (CHECK_FROM=$FROM)"

W1_CONFIGS="test nodebug test16k test64k"
for cfg in $W1_CONFIGS; do
	configure "$CHECK/w1-$cfg" "$cfg"
	run_logged "$LOGS/prepare-w1-$cfg.log" "preparing the W=1 tree ($cfg)" \
		kmake "$CHECK/w1-$cfg" prepare
done
for cfg in test nodebug; do
	configure "$CHECK/build-$cfg" "$cfg"
	step "check-series: base kernel ($cfg)"
	run_logged "$LOGS/base-$cfg.log" "building the base kernel ($cfg)" \
		kmake "$CHECK/build-$cfg" Image
done

failed=0
n=0
for p in $(cat "$PATCHES/series"); do
	n=$((n + 1))
	[ "$n" -ge "$FROM" ] || continue
	[ "$n" -le "$TO" ] || break
	case $p in 0000-*) continue ;; esac
	f=$PATCHES/$p
	subject=$(sed -n 's/^Subject: //p' "$f" | head -n1)
	step "check-series: [$n/$LAST] $subject"
	objs=$(c_objects "$f")
	books=$(rst_books "$f")

	for cfg in $W1_CONFIGS; do
		w1_warnings "$cfg" $objs >"$CHECK/w1-before-$cfg.txt"
	done
	doc_warnings $books >"$CHECK/docs-before.txt"
	sparse_warnings $objs >"$CHECK/sparse-before.txt"

	run_logged "$LOGS/$n-am.log" "git am $p" \
		git -C "$WT" -c user.name=check -c user.email=check@localhost \
		am -q "$f"

	problems=
	for cfg in $W1_CONFIGS; do
		case $cfg in
		test | nodebug)
			if ! kmake "$CHECK/build-$cfg" Image >"$LOGS/$n-build-$cfg.log" 2>&1; then
				problems="$problems build($cfg, see $LOGS/$n-build-$cfg.log)"
				continue
			fi
			;;
		esac
		w1_warnings "$cfg" $objs >"$CHECK/w1-after-$cfg.txt"
		new=$(comm -13 "$CHECK/w1-before-$cfg.txt" "$CHECK/w1-after-$cfg.txt")
		if [ -n "$new" ]; then
			echo "$new" >"$LOGS/$n-w1-$cfg.log"
			problems="$problems W=1($cfg, see $LOGS/$n-w1-$cfg.log)"
		fi
	done
	case $problems in
	*"build(test"*) ;;
	*)
		sparse_warnings $objs >"$CHECK/sparse-after.txt"
		new=$(more_warnings "$CHECK/sparse-before.txt" "$CHECK/sparse-after.txt")
		if [ -n "$new" ]; then
			echo "$new" >"$LOGS/$n-sparse.log"
			problems="$problems sparse(see $LOGS/$n-sparse.log)"
		fi
		;;
	esac
	doc_warnings $books >"$CHECK/docs-after.txt"
	new=$(comm -13 "$CHECK/docs-before.txt" "$CHECK/docs-after.txt")
	if [ -n "$new" ]; then
		echo "$new" >"$LOGS/$n-docs.log"
		problems="$problems htmldocs(see $LOGS/$n-docs.log)"
	fi

	if grep -q '^+++ b/tools/testing/selftests/kvm/' "$f"; then
		if ! kmake "$CHECK/build-test" headers >"$LOGS/$n-headers.log" 2>&1 ||
			! "$TOP/testbed/scripts/build-selftests.sh" "$CHECK/build-test" \
			"$WT" "$CHECK/selftests" >"$LOGS/$n-selftests.log" 2>&1; then
			problems="$problems selftests(see $LOGS/$n-selftests.log)"
		fi
	fi

	# /usr/bin first: checkpatch runs scripts/spdxcheck.py with "python3",
	# which needs Debian's python3-ply and python3-git, not another python3
	# on PATH.
	if ! (cd "$WT" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --no-signoff \
		--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID -q "$f") >"$LOGS/$n-checkpatch.log" 2>&1; then
		problems="$problems checkpatch(see $LOGS/$n-checkpatch.log)"
	elif grep -q Traceback "$LOGS/$n-checkpatch.log"; then
		problems="$problems checkpatch-helper-crashed(see $LOGS/$n-checkpatch.log)"
	fi

	if [ -n "$problems" ]; then
		echo "FAIL [$n/$LAST] $subject:$problems"
		failed=$((failed + 1))
	else
		echo "ok   [$n/$LAST] $subject"
	fi
done

git -C "$TREE" worktree remove --force "$WT" 2>/dev/null || true
if [ "$failed" -ne 0 ]; then
	die "check-series: $failed patch(es) failed"
fi
[ "$FROM" = 1 ] || step "check-series: NOT CHECKED: patches 1 to $((FROM - 1)) (CHECK_FROM=$FROM)"
[ "$TO" = "$LAST" ] || step "check-series: NOT CHECKED: patches $((TO + 1)) to $LAST (CHECK_TO=$TO)"
step "check-series: every patch applies, builds (test and nodebug), adds no W=1 warning (test, nodebug, test16k, test64k), no sparse warning (test) and no htmldocs warning, passes checkpatch"
