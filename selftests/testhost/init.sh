#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the minivmm test-host initramfs. Mounts the basics, then sources
# /plan, a shell fragment that calls the helpers below. Every line meant for
# the host-side parser starts with "# minivmm-run:" or is TAP from a test.
# Ends with "# minivmm-run: DONE" and powers the test host off.

/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/tests
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /tmp /run
# What udev would add (kselftest/runner.sh writes to /dev/stdout).
ln -sf /proc/self/fd /dev/fd
ln -sf fd/0 /dev/stdin
ln -sf fd/1 /dev/stdout
ln -sf fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
exec </dev/console >/dev/console 2>&1

export MINIVMM_KO=/lib/modules/minivmm.ko
export MINIVMM_CTL=/bin/minivmm-ctl
KERR='BUG:|WARNING: CPU:|Oops|general protection|Call Trace|RIP: 0010|list_del corruption|kernel BUG|refcount_t:|UBSAN|KASAN|soft lockup|hung_task|blocked for more than'

say() { echo "# minivmm-run: $*"; }

# Report kernel errors logged since the last call (WARN, BUG, oops ...).
kerr_seen=0
check_kernel_log() {
	n=$(dmesg | grep -cE "$KERR")
	if [ "$n" -gt "$kerr_seen" ]; then
		dmesg | grep -E "$KERR" | tail -n $((n - kerr_seen)) |
			while read -r l; do say "KERNEL-ERROR $l"; done
		kerr_seen=$n
	fi
}

# The installed kselftest tree ('make -C tools/testing/selftests
# TARGETS=minivmm install'): run_kselftest.sh, kselftest/runner.sh,
# kselftest-list.txt, minivmm/ (the test binaries, settings, config).
KSFT=/kselftest

# ksft_rc NAME LOG: the exit status of NAME as run_kselftest.sh reported it
# in LOG ("ok N selftests: minivmm: NAME", "... # SKIP", "not ok ... # exit=RC",
# "# TIMEOUT"); 125 when it printed no verdict for NAME.
ksft_rc() {
	v=$(grep -E "^(not )?ok [0-9]+ selftests: minivmm: $1( |\$)" "$2" | tail -n 1)
	case $v in
	"") echo 125 ;;
	"not ok "*"# exit="*) echo "${v##*# exit=}" ;;
	"not ok "*"# TIMEOUT"*) echo 124 ;;
	"not ok "*) echo 127 ;;
	*"# SKIP"*) echo 4 ;;
	*) echo 0 ;;
	esac
}

# run_test NAME [ARGS]: runs test NAME, framed for the parser. A kselftest
# (listed in $KSFT/kselftest-list.txt) runs under the kernel's own
# run_kselftest.sh -t minivmm:NAME, ARGS passed as runner.sh passes them
# (KSELFTEST_<NAME>_ARGS); its TAP is nested: the binary's lines prefixed
# with "# ", then the runner's verdict. Anything else (benchmarks, demo)
# is /tests/NAME ARGS, run directly.
run_test() {
	t=$1
	shift
	say "BEGIN $t"
	if grep -qx "minivmm:$t" "$KSFT/kselftest-list.txt" 2>/dev/null; then
		var=KSELFTEST_$(echo "$t" | tr -c '[:alnum:]_\n' _ | tr '[:lower:]' '[:upper:]')_ARGS
		env "$var=$*" "$KSFT/run_kselftest.sh" -t "minivmm:$t" 2>&1 | tee /tmp/ksft.log
		rc=$(ksft_rc "$t" /tmp/ksft.log)
	elif [ -x "/tests/$t" ]; then
		"/tests/$t" "$@"
		rc=$?
	else
		echo "# /tests/$t: not in the initramfs"
		rc=127
	fi
	check_kernel_log
	say "END $t rc=$rc"
}

# run_cmd NAME CMD...: a shell command counted as one test, ok when it exits 0.
run_cmd() {
	t=$1
	shift
	say "BEGIN $t"
	echo "TAP version 13"
	echo "1..1"
	if "$@"; then echo "ok 1 $t"; rc=0; else rc=$?; echo "not ok 1 $t # exit $rc"; fi
	check_kernel_log
	say "END $t rc=$rc"
}

load_minivmm() { insmod "$MINIVMM_KO"; }

# show CMD...: output for a person (demo); not a test.
show() {
	say "SHOW $*"
	"$@"
	say "SHOW-END rc=$?"
}

say "BOOTED $(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo) mem=$(sed -n 's/MemTotal: *//p' /proc/meminfo)"
say "CPU vmx=$(grep -qw vmx /proc/cpuinfo && echo yes || echo no) $(sed -n 's/^model name.*: //p' /proc/cpuinfo | head -n1)"
# Kernel errors from before /init belong to the emulator's boot, not a test.
kerr_seen=$(dmesg | grep -cE "$KERR")
[ "$kerr_seen" -gt 0 ] && dmesg | grep -E "$KERR" | while read -r l; do say "BOOT-LOG $l"; done
if [ -f /plan ]; then
	. /plan
else
	say "KERNEL-ERROR no /plan in the initramfs"
fi
say "DONE"
sync
# Let the serial port drain before the power goes (Bochs loses the tail).
sleep 5
poweroff -f
