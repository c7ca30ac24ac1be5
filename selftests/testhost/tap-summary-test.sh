#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of the console judge (tap-summary.awk): feeds it small console
# logs and checks the verdict, so that a failure, a skip, a crash, a kernel
# error or a missing result can never pass unnoticed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0

# expect NAME WANT_RC STATUS LOG [SUMMARY]: the judge must exit WANT_RC on
# LOG (and print SUMMARY as its last line, when given).
expect() {
	local name=$1 want=$2 status=$3 log=$4 sum=${5:-} got out
	out=$(printf '%s\n' "$log" | awk -v host=t -v allow_skip=0 -v status="$status" \
		-f "$here/tap-summary.awk")
	got=$?
	if [ "$got" = "$want" ] && { [ -z "$sum" ] || [ "$(tail -n1 <<<"$out")" = "$sum" ]; }; then
		echo "ok $((pass + fail + 1)) judge: $name"
		pass=$((pass + 1))
	else
		echo "not ok $((pass + fail + 1)) judge: $name (exit $got, want $want)"
		printf '%s\n' "$out" | sed 's/^/#   /'
		fail=$((fail + 1))
	fi
}

B='# minivmm-run: BEGIN a'
E0='# minivmm-run: END a rc=0'
D='# minivmm-run: DONE'
expect "all pass" 0 finished "$B
1..2
ok 1 x
ok 2 y
$E0
$D"
expect "one not ok" 1 finished "$B
1..2
ok 1 x
not ok 2 y
# minivmm-run: END a rc=1
$D"
expect "skip is not a pass" 1 finished "$B
1..1
ok 1 x # SKIP no vmx
$E0
$D"
expect "fewer results than planned" 1 finished "$B
1..3
ok 1 x
$E0
$D"
expect "non-zero exit with all ok" 1 finished "$B
1..1
ok 1 x
# minivmm-run: END a rc=139
$D"
expect "binary never ended" 1 finished "$B
1..1
ok 1 x
$D"
expect "kernel error" 1 finished "$B
1..1
ok 1 x
# minivmm-run: KERNEL-ERROR [ 1.0] BUG: unable to handle page fault
$E0
$D"
expect "kernel panic" 1 finished "$B
1..1
[ 3.0] Kernel panic - not syncing: Fatal exception"
expect "no DONE" 1 exited "$B
1..1
ok 1 x
$E0"
expect "timeout" 1 timeout "$B
1..1
ok 1 x
$E0"
expect "no test at all" 1 finished "$D"

# Binaries run by the kernel's run_kselftest.sh: nested TAP.
K='TAP version 13
1..1
# selftests: minivmm: a'
expect "kselftest: all pass" 0 finished "$B
$K
# TAP version 13
# 1..2
# ok 1 x
# ok 2 y
# # Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0
ok 1 selftests: minivmm: a
$E0
$D"
expect "kselftest: inner results counted, not the verdict" 0 finished "$B
$K
# 1..3
# ok 1 x
# ok 2 y
# ok 3 z
ok 1 selftests: minivmm: a
$E0
$D" "t: 3 passed, 0 failed, 0 skipped"
expect "kselftest: inner not ok" 1 finished "$B
$K
# 1..2
# ok 1 x
# not ok 2 y
not ok 1 selftests: minivmm: a # exit=1
# minivmm-run: END a rc=1
$D"
expect "kselftest: inner skip is not a pass" 1 finished "$B
$K
# 1..1
# ok 1 x # SKIP no vmx
ok 1 selftests: minivmm: a # SKIP
# minivmm-run: END a rc=4
$D"
expect "kselftest: runner SKIP without results" 1 finished "$B
$K
ok 1 selftests: minivmm: a # SKIP
$E0
$D"
expect "kselftest: crash after some results" 1 finished "$B
$K
# 1..3
# ok 1 x
not ok 1 selftests: minivmm: a # exit=139
# minivmm-run: END a rc=139
$D"
expect "kselftest: verdict not ok, all inner ok" 1 finished "$B
$K
# 1..1
# ok 1 x
not ok 1 selftests: minivmm: a # TIMEOUT 300 seconds
$E0
$D"
expect "kselftest: no verdict" 1 finished "$B
$K
# 1..1
# ok 1 x
$E0
$D"
expect "kselftest: binary missing" 1 finished "$B
$K
# Warning: file a is missing!
not ok 1 selftests: minivmm: a
# minivmm-run: END a rc=127
$D"
expect "kselftest: unprefixed ok does not count" 1 finished "$B
$K
# 1..1
ok 1 x
ok 1 selftests: minivmm: a
$E0
$D"
echo "judge: $pass passed, $fail failed"
[ $fail = 0 ]
