# Patch series <-> git work tree, shared by the kernel and QEMU (POSIX sh).
# Source after lib.sh.
#
# A work tree is a git repository whose commit tagged "base" is the pinned
# source as released, and whose branch "series" is base plus one commit per
# patch of the series, applied with "git am".  Commits are made with a fixed
# identity and dates, so applying the same series gives the same commits and
# an unchanged tree is never touched (and never rebuilt).  A series is
# exported with "git format-patch"; exporting an unchanged tree gives
# byte-identical files.

TB_GIT_ID='hdbss-kvm test bed'
TB_GIT_MAIL='testbed@localhost'
TB_BASE_DATE='2026-01-01T00:00:00Z'

tb_git() {
	_d=$1
	shift
	GIT_AUTHOR_NAME=$TB_GIT_ID GIT_AUTHOR_EMAIL=$TB_GIT_MAIL \
	GIT_COMMITTER_NAME=$TB_GIT_ID GIT_COMMITTER_EMAIL=$TB_GIT_MAIL \
		git -C "$_d" -c core.autocrlf=false -c advice.detachedHead=false \
		-c gc.auto=0 "$@"
}

# import_base DIR: make DIR (an unpacked source) a repository with one
# commit, tagged base.  Files the source's own .gitignore names are included
# (-f): the commit must be the source as released.
import_base() {
	rm -rf "$1/.git"
	tb_git "$1" init -q -b series
	tb_git "$1" add -A -f
	GIT_AUTHOR_DATE=$TB_BASE_DATE GIT_COMMITTER_DATE=$TB_BASE_DATE \
		tb_git "$1" commit -q --no-verify -m "base: $2"
	tb_git "$1" tag base
}

# series_patches PATCHDIR: the patch files of the series, in order.
series_patches() {
	[ -f "$1/series" ] || die "$1/series is missing"
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$1/series" | grep -v '^$' || true
}

# export_to DIR OUTDIR: write the series of DIR as format-patch files and a
# series file into OUTDIR (which must be empty).  The cover letter's text is
# the "series" branch description.
export_to() {
	_n=$(git -C "$1" rev-list --count base..series)
	[ "$_n" -gt 0 ] || { : >"$2/series"; return 0; }
	_cover=
	if [ -n "$(git -C "$1" config branch.series.description || true)" ] && [ "$_n" -gt 1 ]; then
		_cover='--cover-letter --cover-from-description=subject'
	fi
	# Every option that changes the output is fixed here, not taken from
	# the user's configuration.  The cover letter's sender and date are
	# those of the last patch, not whoever exports when.
	# shellcheck disable=SC2086
	GIT_COMMITTER_NAME=$(git -C "$1" log -1 --format=%an series) \
	GIT_COMMITTER_EMAIL=$(git -C "$1" log -1 --format=%ae series) \
	GIT_COMMITTER_DATE=$(git -C "$1" log -1 --format=%aI series) \
	git -C "$1" -c core.abbrev=12 -c diff.algorithm=myers -c diff.renames=true \
		-c diff.noprefix=false -c diff.mnemonicPrefix=false \
		-c format.coverLetter=false -c format.signOff=false \
		-c format.numbered=auto -c format.pretty= \
		-c format.useAutoBase=false \
		format-patch -q --zero-commit --no-signature --no-thread \
		--no-add-header --no-to --no-cc \
		--no-base $_cover -o "$2" base..series >/dev/null
	(cd "$2" && ls ./*.patch | sed 's|^\./||' | grep -v '^0000-cover-letter.patch$') >"$2/series"
}

# tree_matches_series DIR PATCHDIR: true when exporting DIR gives PATCHDIR.
tree_matches_series() {
	_tmp=$(mktemp -d)
	export_to "$1" "$_tmp"
	_rc=0
	for _f in "$_tmp"/* "$2"/*; do
		[ -e "$_f" ] || continue
		_b=$(basename "$_f")
		case $_b in *.patch|series) ;; *) continue ;; esac
		cmp -s "$_tmp/$_b" "$2/$_b" || { _rc=1; break; }
	done
	rm -rf "$_tmp"
	return $_rc
}

# apply_series DIR PATCHDIR STAMP WHAT: bring branch "series" of DIR to
# base + the series.  Refuses to drop work: uncommitted edits, or commits
# that were not exported to PATCHDIR.
apply_series() {
	_dir=$1 _pd=$2 _stamp=$3 _what=$4
	_key=$(key_of "$_pd")
	_head=$(git -C "$_dir" rev-parse HEAD)
	if [ -f "$_stamp" ] && [ "$(cat "$_stamp")" = "$_key $_head" ] &&
	   [ -z "$(git -C "$_dir" status --porcelain --untracked-files=no)" ]; then
		return 0
	fi
	if [ -n "$(git -C "$_dir" status --porcelain --untracked-files=no)" ]; then
		die "$_dir has uncommitted edits: commit them and run 'make $_what-export', or discard them (git -C $_dir reset --hard)"
	fi
	if [ "$(git -C "$_dir" symbolic-ref -q --short HEAD || true)" != series ]; then
		die "$_dir is not on branch 'series': check it out (git -C $_dir checkout series)"
	fi
	if [ -f "$_stamp" ] && [ "${_head}" != "$(cut -d' ' -f2 "$_stamp")" ]; then
		if tree_matches_series "$_dir" "$_pd"; then
			# Just exported: the tree already is the series.
			echo "$_key $_head" >"$_stamp"
			return 0
		fi
		die "$_dir has commits that $_pd does not: run 'make $_what-export' to keep them, or 'make $_what-reset' to drop them"
	fi

	step "$_what: applying $(series_patches "$_pd" | wc -l) patches of $_pd"
	tb_git "$_dir" checkout -q -B series base
	tb_git "$_dir" config branch.series.description "$(cover_description "$_pd")"
	for _p in $(series_patches "$_pd"); do
		[ -f "$_pd/$_p" ] || die "$_pd/series names $_p, which does not exist"
		if ! GIT_COMMITTER_DATE=$TB_BASE_DATE tb_git "$_dir" am -q --keep-cr \
			--committer-date-is-author-date "$(cd "$_pd" && pwd)/$_p" \
			>"$OUT/logs/$_what-am.log" 2>&1; then
			tb_git "$_dir" am --abort >/dev/null 2>&1 || true
			die "$_pd/$_p does not apply with git am (log: $OUT/logs/$_what-am.log)"
		fi
	done
	echo "$_key $(git -C "$_dir" rev-parse HEAD)" >"$_stamp"
}

# cover_description PATCHDIR: the cover letter's subject and text, as the
# branch description that format-patch turns back into the same letter.
cover_description() {
	_c=$1/0000-cover-letter.patch
	[ -f "$_c" ] || return 0
	awk '
		!hdr && /^Subject: / { sub(/^Subject: (\[[^]]*\] )?/, ""); subj = $0; next }
		!hdr && /^$/ { hdr = 1; next }
		hdr { body[++n] = $0 }
		END {
			# The text ends before the shortlog (groups of indented
			# subjects under "Name (N):", one per author) and the
			# diffstat: at the first group header after which every
			# line is blank, indented or another header.
			end = n
			for (i = n; i > 0; i--) {
				if (body[i] ~ /^[^ ].* \([0-9]+\):$/)
					end = i - 1
				else if (body[i] != "" && body[i] !~ /^ /)
					break
			}
			while (end > 0 && body[end] == "") end--
			start = 1
			while (start <= end && body[start] == "") start++
			print subj
			print ""
			for (i = start; i <= end; i++) print body[i]
		}' "$_c"
}

# export_series DIR PATCHDIR WHAT: write DIR's series back into PATCHDIR.
export_series() {
	_tmp=$(mktemp -d)
	export_to "$1" "$_tmp"
	rm -f "$2"/*.patch
	cp "$_tmp"/* "$2"/ 2>/dev/null || true
	[ -f "$_tmp/series" ] && cp "$_tmp/series" "$2/series"
	rm -rf "$_tmp"
	step "$3: exported $(series_patches "$2" | wc -l) patches to $2"
}

# series_main DIR PATCHDIR STAMP WHAT [export|reset]: the command line of
# linux-src.sh and qemu-src.sh once their tree has a base; prints DIR.
series_main() {
	case ${5:-} in
	export)
		export_series "$1" "$2" "$4"
		# The tree is the series now.
		echo "$(key_of "$2") $(git -C "$1" rev-parse HEAD)" >"$3"
		;;
	reset)
		rm -f "$3"
		tb_git "$1" reset -q --hard
		tb_git "$1" checkout -q -B series base
		apply_series "$1" "$2" "$3" "$4"
		;;
	'')
		apply_series "$1" "$2" "$3" "$4"
		;;
	*)
		die "unknown command '$5' (export or reset)"
		;;
	esac
	echo "$1"
}
