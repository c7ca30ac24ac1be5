#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Prepares the test host for memory-overcommit tests (memory_test's
# overcommit_swap): 256 MiB of swap on zram, and a cgroup v2
# /sys/fs/cgroup/minivmm-overcommit with memory.max = 24M (swap unlimited).
# POSIX sh for busybox; run as root by the plan before those tests, e.g.
#	run_cmd setup_swap sh /tests/setup-swap.sh
# Every line it prints starts with "# " (TAP comments). Exits non-zero on
# the first failure. Running it again is harmless.
set -eu

MODDIR=${MODDIR:-/lib/modules/host}
CG=/sys/fs/cgroup
CGDIR=$CG/minivmm-overcommit
ZRAM_SIZE=256M
MEM_MAX=24M

say() { echo "# setup-swap: $*"; }
die() { say "FAILED: $*"; exit 1; }

# run CMD...: runs it, shows its output as comments, dies if it fails.
run() {
	say "+ $*"
	if out=$("$@" 2>&1); then rc=0; else rc=$?; fi
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# setup-swap:   /'
	[ "$rc" -eq 0 ] || die "'$*' exited with $rc"
}

# put VALUE FILE: writes VALUE into FILE (sysfs, cgroupfs), dies on error.
put() {
	say "+ echo $1 > $2"
	[ -e "$2" ] || die "$2 does not exist"
	if ! (printf '%s\n' "$1" > "$2") 2>/dev/null; then
		die "writing '$1' to $2 failed"
	fi
}

# load NAME: insmod $MODDIR/NAME.ko [ARGS] unless it is loaded or built in.
load() {
	name=$1
	shift
	if [ -d "/sys/module/$name" ]; then
		say "$name: already loaded (or built in)"
		return 0
	fi
	[ -f "$MODDIR/$name.ko" ] || die "$MODDIR/$name.ko missing and $name not built in"
	run insmod "$MODDIR/$name.ko" "$@"
}

[ "$(id -u)" -eq 0 ] || die "must run as root"

# ---- swap on zram ---------------------------------------------------------
load zsmalloc
load zram num_devices=1
[ -d /sys/block/zram0 ] || die "no /sys/block/zram0 after loading zram"
if grep -q '^/dev/zram0 ' /proc/swaps; then
	say "/dev/zram0: swap already on"
else
	i=0
	while [ ! -b /dev/zram0 ] && [ $i -lt 5 ]; do
		sleep 1
		i=$((i + 1))
	done
	[ -b /dev/zram0 ] || die "no block device /dev/zram0"
	if [ "$(cat /sys/block/zram0/disksize)" = 0 ]; then
		put $ZRAM_SIZE /sys/block/zram0/disksize
	else
		say "/sys/block/zram0/disksize already $(cat /sys/block/zram0/disksize)"
	fi
	run mkswap /dev/zram0
	run swapon /dev/zram0
fi
grep -q '^/dev/zram0 ' /proc/swaps || die "/dev/zram0 is not in /proc/swaps"
say "zram0: disksize $(cat /sys/block/zram0/disksize) bytes, algorithm $(cat /sys/block/zram0/comp_algorithm 2>/dev/null || echo '?')"
sed 's/^/# setup-swap: swaps: /' /proc/swaps

# ---- cgroup v2 with a memory limit ------------------------------------------
[ -d $CG ] || die "$CG does not exist (kernel without cgroups?)"
if grep -q "^[^ ]* $CG cgroup2 " /proc/mounts; then
	say "cgroup2 already mounted on $CG"
else
	run mount -t cgroup2 none $CG
fi
grep -qw memory $CG/cgroup.controllers ||
	die "no memory controller in $CG/cgroup.controllers ($(cat $CG/cgroup.controllers))"
grep -qw memory $CG/cgroup.subtree_control || put +memory $CG/cgroup.subtree_control
grep -qw memory $CG/cgroup.subtree_control || die "memory controller not enabled for children"
if [ -d $CGDIR ]; then
	say "$CGDIR exists"
else
	run mkdir $CGDIR
fi
put $MEM_MAX $CGDIR/memory.max
if [ -e $CGDIR/memory.swap.max ]; then
	put max $CGDIR/memory.swap.max
else
	say "no memory.swap.max (swap accounting off): swap is not limited anyway"
fi
say "memory.max $(cat $CGDIR/memory.max), memory.swap.max $(cat $CGDIR/memory.swap.max 2>/dev/null || echo '-')"
say "$(grep -E '^(MemTotal|MemFree|SwapTotal|SwapFree):' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"
say "done"
