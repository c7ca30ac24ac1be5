# SPDX-License-Identifier: GPL-2.0
#
# Judges a test host's console log. Input: the serial log; variables: host,
# status (finished, exited, timeout), allow_skip. Counts TAP results inside
# "# minivmm-run: BEGIN/END" frames and fails the run on any "not ok", a
# skip (unless allow_skip=1), a binary whose exit code is non-zero or whose
# results fall short of its plan, a kernel error line, a panic, or a missing
# DONE. Prints the failures and "HOST: N passed, N failed, N skipped".
#
# A binary run by the kernel's run_kselftest.sh (a "# selftests: minivmm:
# NAME" line inside the frame) prints nested TAP: its own lines prefixed
# with "# ", then the runner's one verdict "ok 1 selftests: minivmm: NAME"
# (or "not ok ... # exit=N", "# TIMEOUT", "ok ... # SKIP"). The inner
# results are the ones counted and checked against the inner plan; the
# verdict is not counted, but a missing one, a "not ok" or a SKIP that no
# inner result explains fails the run.

function fail(why) { failures[++nfail] = why }
function close_bin(rc) {
	if (cur == "")
		return
	if (rc != 0 && !bin_failed)
		fail(cur ": exited with status " rc)
	if (planned >= 0 && got != planned)
		fail(cur ": " got " of " planned " planned results")
	if (planned < 0 && got == 0)
		fail(cur ": printed no TAP results")
	if (ksft && verdict == "")
		fail(cur ": no verdict from run_kselftest.sh")
	else if (ksft && verdict ~ /^not ok/ && !bin_failed)
		fail(cur ": run_kselftest.sh: " verdict)
	else if (ksft && verdict ~ /# *SKIP/ && !bin_skipped && !allow_skip)
		fail(cur ": run_kselftest.sh: " verdict)
	cur = ""
}

# One TAP result line (prefix removed) of the current binary.
function result(line) {
	got++
	if (line ~ /^not ok/) {
		if (line ~ /# (TODO|todo)/) {
			fail(cur ": " line)
		} else {
			nfailed++
			bin_failed = 1
			fail(cur ": " line)
		}
	} else if (line ~ /# *(SKIP|skip)/) {
		nskipped++
		bin_skipped = 1
		if (!allow_skip)
			fail(cur ": skipped: " line)
	} else {
		npassed++
	}
}

/^# minivmm-run: BEGIN / {
	if (cur != "")
		close_bin(-1)
	cur = $4; planned = -1; got = 0; bin_failed = 0; bin_skipped = 0; nbins++
	ksft = 0; verdict = ""
	next
}
/^# minivmm-run: END / {
	rc = $5; sub(/^rc=/, "", rc)
	close_bin(rc + 0)
	next
}
/^# minivmm-run: KERNEL-ERROR / { sub(/^# minivmm-run: /, ""); fail($0); next }
/^# minivmm-run: DONE/ { done = 1; next }
/Kernel panic - not syncing/ { fail("kernel panic: " $0); next }
cur != "" && !ksft && $0 == "# selftests: minivmm: " cur {
	ksft = 1; planned = -1
	next
}
cur != "" && ksft && /^(not )?ok [0-9]+ selftests: / {
	if (verdict != "")
		fail(cur ": a second verdict: " $0)
	verdict = $0
	next
}
cur != "" && ksft && /^# 1\.\.[0-9]+/ { planned = substr($2, 4) + 0; next }
cur != "" && ksft && /^# (not )?ok [0-9]+/ { result(substr($0, 3)); next }
cur != "" && ksft { next }
cur != "" && /^1\.\.[0-9]+/ { planned = substr($1, 4) + 0; next }
cur != "" && /^(not )?ok [0-9]+/ { result($0); next }

END {
	if (cur != "")
		close_bin(-1)
	if (status != "finished" && !done)
		fail("test host did not finish (" status ")")
	else if (!done)
		fail("no '# minivmm-run: DONE' line: the test host stopped early")
	if (nbins == 0)
		fail("no test binary ran")
	if (nfail) {
		print "FAILURES (" host "):"
		for (i = 1; i <= nfail; i++)
			print "  - " failures[i]
	}
	nfailed += 0; npassed += 0; nskipped += 0
	# Failures outside TAP results (crash, timeout, kernel error) still count.
	extra = nfail - nfailed - (allow_skip ? 0 : nskipped)
	if (extra > 0)
		nfailed += extra
	printf "%s: %d passed, %d failed, %d skipped\n", host, npassed, nfailed, nskipped
	exit (nfail ? 1 : 0)
}
