# SPDX-License-Identifier: GPL-2.0
#
# Judges a test host's console log. Input: the serial log; variables: host,
# status (finished, exited, timeout), allow_skip. Counts TAP results inside
# "# minivmm-run: BEGIN/END" frames and fails the run on any "not ok", a
# skip (unless allow_skip=1), a binary whose exit code is non-zero or whose
# results fall short of its plan, a kernel error line, a panic, or a missing
# DONE. Prints the failures and "HOST: N passed, N failed, N skipped".

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
	cur = ""
}

/^# minivmm-run: BEGIN / {
	if (cur != "")
		close_bin(-1)
	cur = $4; planned = -1; got = 0; bin_failed = 0; nbins++
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
cur != "" && /^1\.\.[0-9]+/ { planned = substr($1, 4) + 0; next }
cur != "" && /^(not )?ok [0-9]+/ {
	got++
	line = $0
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
		if (!allow_skip)
			fail(cur ": skipped: " line)
	} else {
		npassed++
	}
	next
}

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
