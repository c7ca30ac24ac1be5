#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make check': every minivmm test, in stages, each timed. The VT-x stage (a
# Bochs boot, minutes) starts first in the background; the quick stages run
# meanwhile. Ends with "check: N passed, N failed, N skipped"; exits non-zero
# when anything failed.
#
# usage: check.sh --kver KVER [--host HOST] [--only STAGE[,STAGE...]]
# Stages: unit judge uapi checkpatch kerneldoc sparse module-6.12 novmx nosvm
# planted vmx (two boots: vmx and vmx-swap, accounted separately) svm (the
# AMD-V backend in QEMU, run once the vmx boot is done and a core is free)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top" || exit 1
kver="" vmxhost=vmx only=""
while [ $# -gt 0 ]; do
	case $1 in
	--kver) kver=$2; shift 2 ;;
	--host) vmxhost=$2; shift 2 ;;
	--only) only=",$2,"; shift 2 ;;
	*) echo "check.sh: unknown argument $1" >&2; exit 1 ;;
	esac
done
logs=$top/build/check
rm -rf "$logs"
mkdir -p "$logs"
tp=0 tf=0 ts=0
summary=()

want() { [ -z "$only" ] || [[ $only == *",$1,"* ]]; }

# account STAGE RC SECONDS: adds the stage's "N passed, N failed[, N skipped]"
# line to the totals; a stage that failed without such a line counts 1 failed.
account() {
	local st=$1 rc=$2 secs=$3 line p f s
	line=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "$logs/$st.log" | tail -n1)
	p=$(sed -n 's/.*\b\([0-9]\+\) passed.*/\1/p' <<<"$line")
	f=$(sed -n 's/.* \([0-9]\+\) failed.*/\1/p' <<<"$line")
	s=$(sed -n 's/.* \([0-9]\+\) skipped.*/\1/p' <<<"$line")
	p=${p:-0} f=${f:-0} s=${s:-0}
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
	fi
	tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + s))
	summary+=("$(printf '%-12s %-4s %4ss  %3d passed, %d failed, %d skipped' \
		"$st" "$([ "$rc" = 0 ] && echo ok || echo FAIL)" "$secs" "$p" "$f" "$s")")
}

# stage NAME CMD...: runs CMD with its output in build/check/NAME.log.
stage() {
	local st=$1 t0 rc
	shift
	want "$st" || return 0
	echo "=== $st: $*"
	t0=$(date +%s)
	"$@" > "$logs/$st.log" 2>&1
	rc=$?
	sed 's/^/    /' "$logs/$st.log" | tail -n 40
	account "$st" "$rc" $(($(date +%s) - t0))
}

# A single pass/fail step that prints no counts of its own.
one() {
	local name=$1
	shift
	if "$@"; then echo "$name: 1 passed, 0 failed"; else echo "$name: 0 passed, 1 failed"; return 1; fi
}

# Two VT-x boots side by side (one emulator per core): vmx.plan and the
# tests that need host swap, vmx-swap.plan.
bg_pid= bg2_pid=
if want vmx; then
	echo "=== vmx: starting the VT-x test hosts ($vmxhost) in the background"
	vmx_t0=$(date +%s)
	"$here/run.sh" --host "$vmxhost" --kver "$kver" --plan "$here/plans/vmx.plan" \
		> "$logs/vmx.log" 2>&1 &
	bg_pid=$!
	"$here/run.sh" --host "$vmxhost" --kver "$kver" --plan "$here/plans/vmx-swap.plan" \
		> "$logs/vmx-swap.log" 2>&1 &
	bg2_pid=$!
fi

stage unit "$top/build/unit-tests"
stage judge "$here/tap-summary-test.sh"
stage uapi one uapi-check make -s uapi-check
stage checkpatch one checkpatch make -s checkpatch
stage kerneldoc one kerneldoc make -s kerneldoc
stage sparse one sparse make -s sparse
if want module-6.12; then
	if ls -d /usr/src/linux-headers-6.12*-amd64 >/dev/null 2>&1; then
		stage module-6.12 one module-6.12 make -s module-6.12
	else
		echo "=== module-6.12: no 6.12 headers installed (.ci/run installs them); not built"
		summary+=("$(printf '%-12s %-4s %4ss  %3d passed, %d failed, %d skipped' module-6.12 skip 0 0 0 1)")
		ts=$((ts + 1))
	fi
fi
stage novmx "$here/run.sh" --host qemu-novmx --kver "$kver" --plan "$here/plans/novmx.plan" \
	--out "$top/build/testhost/novmx-qemu-novmx"
stage nosvm "$here/run.sh" --host qemu-nosvm --kver "$kver" --plan "$here/plans/novmx.plan" \
	--out "$top/build/testhost/novmx-qemu-nosvm"

# The harness must see a failure: the same host with a planted false test.
planted() {
	"$here/run.sh" --host qemu-novmx --kver "$kver" --plan "$here/plans/novmx.plan" \
		--plant-failure --out "$top/build/testhost/planted" > "$logs/planted.inner" 2>&1
	local rc=$?
	if [ $rc != 0 ] && grep -q 'planted_failure' "$logs/planted.inner" &&
	   grep -q -- '- device_test: not ok' "$logs/planted.inner"; then
		echo "planted failure turned the run red (exit $rc): 1 passed, 0 failed"
	else
		cat "$logs/planted.inner"
		echo "planted failure went unnoticed (exit $rc): 0 passed, 1 failed"
		return 1
	fi
}
want planted && stage planted planted

if [ -n "$bg_pid" ]; then
	echo "=== vmx: waiting for the VT-x test hosts"
	wait "$bg_pid"
	rc=$?
	sed 's/^/    /' "$logs/vmx.log" | grep -vE '^    (ISOLINUX|Loading|$)' | tail -n 80
	account vmx $rc $(($(date +%s) - vmx_t0))
fi
# AMD-V in QEMU: on the core the vmx boot left free.
stage svm "$here/run.sh" --host qemu --kver "$kver" --plan "$here/plans/svm.plan"
if [ -n "$bg2_pid" ]; then
	wait "$bg2_pid"
	rc=$?
	sed 's/^/    /' "$logs/vmx-swap.log" | grep -vE '^    (ISOLINUX|Loading|$)' | tail -n 40
	account vmx-swap $rc $(($(date +%s) - vmx_t0))
fi

echo
echo "stage        res    time  results"
printf '%s\n' "${summary[@]}"
echo "check: $tp passed, $tf failed, $ts skipped"
[ "$tf" = 0 ]
