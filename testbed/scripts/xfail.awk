# Apply the expected-to-fail list to the verdicts of a run (POSIX awk).
#
#   awk -F '\t' -v xfail=FILE -v shapes=FILE -v plans=DIR -f xfail.awk VERDICTS
#
# xfail: testbed/xfail, one entry a line, "SHAPE/PLAN/TEST  reason...";
# lines starting with "#" are comments.  shapes: testbed/shapes; plans: the
# directory of the plan files.  VERDICTS: lines of verdict.awk's format
#   STATUS <TAB> NAME <TAB> SECONDS <TAB> DETAIL
# Writes them again, with a listed entry's status changed:
#   FAIL -> XFAIL   expected to fail; the reason goes to a fifth field
#   PASS -> XPASS   a failure: the detail tells to remove the entry
# (SKIP stays SKIP; an entry that did not run is ignored).  Then one FAIL
# line, named "testbed/xfail:LINE", a broken entry: not "SHAPE/PLAN/TEST
# reason", listed twice, or naming no shape of the shapes file; or, for a
# shape that ran (one that has a verdict), naming no plan file, no test of
# that plan, or a plan that the shape's own "plans=" leaves out.

# bad(LINE, TEXT): entry LINE of the list is broken (one reason a line).
function bad(line, text) {
	bad_text[line] = text
}

# plan_has(PLAN, TEST): 1 when plan PLAN has an entry TEST, 0 when not,
# -1 when there is no plan file PLAN.  Entries as run-guest.sh reads them.
function plan_has(plan, test,   f, l, w, r, lines) {
	if (!(plan in plan_read)) {
		plan_read[plan] = 1
		f = plans "/" plan ".plan"
		lines = 0
		while ((r = getline l < f) > 0) {
			lines++
			sub(/#.*/, "", l)
			if (split(l, w, " ") >= 3 && w[1] !~ /^@/)
				entry_of[plan, w[1]] = 1
		}
		close(f)
		if (r < 0 && lines == 0)
			no_plan[plan] = 1
	}
	if (plan in no_plan)
		return -1
	return ((plan, test) in entry_of)
}

BEGIN {
	while ((getline l < shapes) > 0) {
		sub(/#.*/, "", l)
		if ((n = split(l, w, " ")) == 0)
			continue
		shape[w[1]] = 1
		for (i = 3; i <= n; i++)
			if (w[i] ~ /^plans=/)
				own_plans[w[1]] = "," substr(w[i], 7) ","
	}
	close(shapes)
	ln = 0
	while ((getline l < xfail) > 0) {
		ln++
		if (l ~ /^[ \t]*(#|$)/)
			continue
		e = l
		sub(/^[ \t]+/, "", e)
		reason = e
		sub(/[ \t].*$/, "", e)
		sub(/^[^ \t]+[ \t]*/, "", reason)
		sub(/[ \t]+$/, "", reason)
		if (split(e, part, "/") != 3 || part[1] == "" || part[2] == "" ||
		    part[3] == "" || reason == "") {
			gsub(/\t/, " ", l)
			bad(ln, "'" l "': not \"SHAPE/PLAN/TEST  reason\"")
			continue
		}
		if (e in listed) {
			bad(ln, "'" e "': listed twice (first on line " listed[e] ")")
			continue
		}
		if (!(part[1] in shape)) {
			bad(ln, "'" e "': no shape '" part[1] "' in testbed/shapes")
			continue
		}
		listed[e] = ln
		why[e] = reason
		entries[++nentries] = e
	}
	close(xfail)
}

{
	s = $2
	sub(/\/.*$/, "", s)
	ran[s] = 1
	if (!($2 in listed)) {
		print
		next
	}
	if ($1 == "FAIL")
		printf "XFAIL\t%s\t%s\t%s\t%s\n", $2, $3, $4, why[$2]
	else if ($1 == "PASS")
		printf "XPASS\t%s\t%s\tpassed, but testbed/xfail lists it (line %d) as expected to fail: remove it from testbed/xfail\t%s\n",
			$2, $3, listed[$2], why[$2]
	else
		print
}

END {
	for (i = 1; i <= nentries; i++) {
		e = entries[i]
		split(e, part, "/")
		if (!(part[1] in ran))
			continue
		h = plan_has(part[2], part[3])
		if (h < 0)
			bad(listed[e], "'" e "': no plan '" part[2] "' (testbed/plans/" part[2] ".plan)")
		else if (!h)
			bad(listed[e], "'" e "': no test '" part[3] "' in plan '" part[2] "' (testbed/plans/" part[2] ".plan)")
		else if ((part[1] in own_plans) && index(own_plans[part[1]], "," part[2] ",") == 0)
			bad(listed[e], "'" e "': shape '" part[1] "' does not run plan '" part[2] "' (its plans= in testbed/shapes)")
	}
	for (i = 1; i <= ln; i++)
		if (i in bad_text)
			printf "FAIL\ttestbed/xfail:%d\t-\tbroken entry: %s\n", i, bad_text[i]
}
