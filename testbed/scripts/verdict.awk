# Judge one guest console log (POSIX awk).
#
#   awk -v shape=NAME -v expected=FILE -v splats=FILE -f verdict.awk LOG
#
# expected: the plan entries the guest was to run, one "NAME" a line, in
# order.  Writes one line a verdict to stdout, tab separated:
#   STATUS <TAB> SHAPE/NAME <TAB> SECONDS <TAB> DETAIL
# with STATUS one of PASS, FAIL, SKIP.  Every expected entry gets a verdict.
# Extra FAIL lines name what belongs to no entry: a kernel splat outside any
# test, a guest that never finished, a malformed log.  The lines of every
# splat are written to the splats file, headed by "== SHAPE/NAME".
#
# A splat is a kernel message (a line with a printk timestamp) that reports
# a bug: WARNING, BUG (KASAN, sleeping in atomic context, ...), Oops, panic,
# lockdep reports, RCU stalls, hung tasks, a freed page written to (page
# poisoning, page_poison=1: "pagealloc: memory corruption").  It fails the
# test that was running when it was printed.

function kernel_line(s) {
	return s ~ /\[ *[0-9]+\.[0-9]+\]/
}

function is_splat(s) {
	if (!kernel_line(s))
		return 0
	return s ~ /\] (------------\[ cut here \]------------|WARNING:|BUG:|KASAN:|UBSAN:|Oops|Internal error:|Unable to handle kernel|Kernel panic|kernel BUG at|general protection fault|INFO: task .* blocked for more than|rcu: INFO: .* detected stalls?|rcu_.* self-detected stall|watchdog: BUG: soft lockup|inconsistent lock state|possible circular locking dependency|possible recursive locking|suspicious RCU usage|lock held when returning to user space|list_(add|del) corruption|refcount_t: |Bad page (state|map)|pagealloc: (memory corruption|single bit error))/
}

function splat_owner() {
	return current != "" ? current : (started ? "kernel-after-tests" : "kernel-boot")
}

BEGIN {
	n = 0
	while ((getline line < expected) > 0) {
		if (line == "")
			continue
		names[++n] = line
		index_of[line] = n
	}
	close(expected)
	current = ""
	started = 0
	done = 0
	bailed = ""
	splat_lines = 0
}

{
	sub(/\r$/, "")
}

# Context of a splat: the kernel lines that follow it.
splat_lines > 0 && kernel_line($0) {
	print >> splats
	splat_lines--
}

is_splat($0) {
	owner = splat_owner()
	if (!(owner in splat_first)) {
		s = $0
		sub(/^.*\[ *[0-9]+\.[0-9]+\] /, "", s)
		splat_first[owner] = s
		printf "== %s/%s\n", shape, owner >> splats
		print >> splats
		splat_lines = 40
	}
}

# A test's own failure report ("# FAIL: ...", under the runner's "# "
# prefix or not): keep the first for the verdict, count the others.
current != "" && /^# (# )?FAIL: / {
	s = $0
	sub(/^# (# )?FAIL: /, "", s)
	gsub(/\t/, " ", s)
	if (current in failmsg)
		failmore[current]++
	else
		failmsg[current] = s
	next
}

# The KVM selftests' assertion report: keep where and what for the verdict.
/^# ==== Test Assertion Failure ====/ {
	assert_lines = 3
	next
}

assert_lines > 0 && /^# / && !/^# testbed: / {
	assert_lines--
	s = substr($0, 3)
	sub(/^ +/, "", s)
	if (current != "" && assert_lines != 1) {
		prev = (current in assertion) ? assertion[current] " / " : ""
		assertion[current] = prev s
	}
	next
}

/^# testbed: start [0-9]+ / {
	started = 1
	current = $5
	sub(/:$/, "", current)
	next
}

/^# testbed: end [0-9]+ / {
	name = $5
	sub(/:$/, "", name)
	if (match($0, /after [0-9.]+s$/))
		secs[name] = substr($0, RSTART + 6, RLENGTH - 7)
	next
}

/^# testbed: done$/ {
	done = 1
	next
}

/^Bail out!/ {
	bailed = $0
	next
}

/^(not )?ok [0-9]+ / {
	ok = ($1 == "ok")
	name = ok ? $3 : $4
	directive = ""
	if (match($0, / # .*$/))
		directive = substr($0, RSTART + 3)
	if (!(name in index_of)) {
		unexpected[name] = 1
		next
	}
	if (ok && directive ~ /^SKIP/)
		result[name] = "SKIP"
	else if (ok)
		result[name] = "PASS"
	else
		result[name] = "FAIL"
	detail[name] = directive
	if (name == current)
		current = ""
	next
}

END {
	for (i = 1; i <= n; i++) {
		name = names[i]
		status = result[name]
		why = detail[name]
		if (status == "FAIL" && (name in assertion))
			why = (why != "" ? why "; " : "") assertion[name]
		if (status == "FAIL" && (name in failmsg))
			why = (why != "" ? why "; " : "") failmsg[name] \
			    ((name in failmore) ? " (" failmore[name] " more FAIL lines in the log)" : "")
		if (status == "") {
			status = "FAIL"
			why = "no result: the guest stopped before reporting it" \
			    ((name in failmsg) ? "; " failmsg[name] : "")
		}
		if (name in splat_first) {
			status = "FAIL"
			why = "kernel splat: " splat_first[name] (why != "" ? "; " why : "")
		}
		t = (name in secs) ? secs[name] : "-"
		printf "%s\t%s/%s\t%s\t%s\n", status, shape, name, t, why
	}
	for (owner in splat_first)
		if (!(owner in index_of))
			printf "FAIL\t%s/%s\t-\tkernel splat: %s\n", shape, owner, splat_first[owner]
	for (name in unexpected)
		printf "FAIL\t%s/%s\t-\tresult for an entry not in the plan\n", shape, name
	if (bailed != "")
		printf "FAIL\t%s/guest-init\t-\t%s\n", shape, bailed
	if (!done)
		printf "FAIL\t%s/guest-finished\t-\tthe guest never finished its plan (no '# testbed: done': hang, crash or timeout)\n", shape
}
