#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boots one emulated test host with the minivmm initramfs, streams its serial
# console, and judges the run from the TAP it printed (tap-summary.awk).
#
# usage: run.sh --plan PLAN [--host HOST] [--kver KVER] [--timeout SECONDS]
#               [--cpus N] [--mem MIB] [--out DIR] [--show-output] [--quiet]
#               [--allow-skip] [--plant-failure] [--append KERNEL-ARGS]
#               [--monitor SOCKET]
#
# HOST: bochs  Bochs 2.7, Intel Skylake-X model with VMX + EPT (slow, ~2.5 min boot)
#       qemu   QEMU TCG, AMD EPYC model with SVM + NPT: the AMD-V backend (fast)
#       qemu-novmx   QEMU TCG, Intel Skylake model without VMX (refusal)
#       qemu-nosvm   QEMU TCG, AMD EPYC model without SVM (refusal)
#       kvm    QEMU with -accel kvm -cpu host (needs /dev/kvm and nested VT-x)
#       vmx    kvm when /dev/kvm and a VT-x host CPU exist, else bochs (default)
# --append adds to the test host's kernel command line (e.g. mitigations=off
# to measure what the kernel's speculation mitigations cost the exit path).
# --monitor (QEMU hosts) puts QEMU's monitor on a Unix socket, to inspect a
# stuck host ("info registers -a").
# Exit status: 0 when every test passed; 1 on any failure, skip (unless
# --allow-skip), kernel error, missing result, emulator failure or timeout.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
host=vmx plan="" kver="" timeout="" cpus=1 mem=1024 out="" show=0 quiet=0 allow_skip=0 plant=0
append="" monitor=""
while [ $# -gt 0 ]; do
	case $1 in
	--host) host=$2; shift 2 ;;
	--plan) plan=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--show-output) show=1; shift ;;
	--quiet) quiet=1; shift ;;
	--allow-skip) allow_skip=1; shift ;;
	--plant-failure) plant=1; shift ;;
	--append) append=$2; shift 2 ;;
	--monitor) monitor=$2; shift 2 ;;
	-h|--help) sed -n '4,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 1 ;;
	esac
done
[ -n "$plan" ] && [ -f "$plan" ] || { echo "run.sh: --plan FILE is required" >&2; exit 1; }
# Default kernel: the one build/minivmm.ko was built for (its vermagic).
if [ -z "$kver" ]; then
	kver=$(grep -ao 'vermagic=[^ ]*' "${MINIVMM_BUILD:-$top/build}/minivmm.ko" 2>/dev/null |
		head -n1 | cut -d= -f2)
fi
if [ -z "$kver" ]; then
	kver=$(ls /boot/vmlinuz-6.1.*-amd64 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n1)
fi
vmlinuz=/boot/vmlinuz-$kver
[ -r "$vmlinuz" ] || { echo "run.sh: no $vmlinuz (apt-get install linux-image-amd64, or --kver)" >&2; exit 1; }

# Plans may ask for a CPU count: a line "#@ cpus=N" (and "#@ mem=MIB").
pc=$(sed -n 's/^#@ .*cpus=\([0-9]*\).*/\1/p' "$plan" | head -n1)
pm=$(sed -n 's/^#@ .*mem=\([0-9]*\).*/\1/p' "$plan" | head -n1)
[ -n "$pc" ] && cpus=$pc
[ -n "$pm" ] && mem=$pm

if [ "$host" = vmx ]; then
	if [ -w /dev/kvm ] && grep -qw vmx /proc/cpuinfo; then host=kvm; else host=bochs; fi
fi
case $host in
bochs) : "${timeout:=3600}" ;;
qemu|qemu-novmx|qemu-nosvm|kvm) : "${timeout:=300}" ;;
*) echo "run.sh: unknown host '$host' (bochs, qemu, qemu-novmx, qemu-nosvm, kvm, vmx)" >&2; exit 1 ;;
esac

name=$(basename "$plan" .plan)
[ -n "$out" ] || out=$top/build/testhost/$name-$host
case $out in /*) ;; *) out=$PWD/$out ;; esac
rm -rf "$out"
mkdir -p "$out"
serial=$out/serial.log
: > "$serial"

"$here/mkinitramfs.sh" --kver "$kver" --plan "$plan" --build "${MINIVMM_BUILD:-$top/build}" \
	--out "$out/initrd.img" >/dev/null || exit 1

cmdline="console=ttyS0,115200 oops=panic panic=-1 panic_on_warn=0 loglevel=4 nokaslr tsc=reliable"
# Plans that know it add a test that must fail (to prove failures are seen).
[ $plant = 1 ] && cmdline="$cmdline minivmm_selftest.plant_failure"
[ -n "$append" ] && cmdline="$cmdline $append"

start_bochs() {
	local iso=$out/iso
	mkdir -p "$iso/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso/isolinux/"
	cp "$vmlinuz" "$iso/vmlinuz"
	cp "$out/initrd.img" "$iso/initrd.img"
	cat > "$iso/isolinux/isolinux.cfg" <<-CFG
	SERIAL 0 115200
	DEFAULT minivmm
	PROMPT 0
	TIMEOUT 0
	LABEL minivmm
	  KERNEL /vmlinuz
	  INITRD /initrd.img
	  APPEND $cmdline
	CFG
	genisoimage -quiet -o "$out/boot.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
		-no-emul-boot -boot-load-size 4 -boot-info-table -J -R "$iso" || return 1
	rm -rf "$iso"
	cat > "$out/bochsrc" <<-RC
	display_library: term
	memory: guest=$mem, host=$mem
	romimage: file=/usr/share/bochs/BIOS-bochs-latest
	vgaromimage: file=/usr/share/vgabios/vgabios.bin
	cpu: model=corei7_skylake_x, count=$cpus, ips=200000000, reset_on_triple_fault=0
	clock: sync=none, time0=1
	ata0-master: type=cdrom, path=$out/boot.iso, status=inserted
	boot: cdrom
	com1: enabled=1, mode=file, dev=$serial
	panic: action=fatal
	error: action=report
	log: $out/bochs.log
	RC
	echo c > "$out/dbg.rc"
	(cd "$out" && TERM=dumb exec script -qec "bochs -q -f $out/bochsrc -rc $out/dbg.rc" /dev/null \
		</dev/null >"$out/bochs.out" 2>&1) &
	emu_pid=$!
}

start_qemu() {
	local accel=tcg cpu=EPYC,+svm,+npt mon=none
	[ -n "$monitor" ] && mon=unix:$monitor,server,nowait
	case $host in
	kvm) accel=kvm cpu=host ;;
	qemu-novmx) cpu=Skylake-Client,-vmx ;;
	qemu-nosvm) cpu=EPYC,-svm ;;
	esac
	qemu-system-x86_64 -machine q35 -accel $accel -cpu $cpu -smp "$cpus" -m "$mem" \
		-display none -monitor "$mon" -serial "file:$serial" -no-reboot \
		-kernel "$vmlinuz" -initrd "$out/initrd.img" -append "$cmdline" \
		>"$out/qemu.out" 2>&1 &
	emu_pid=$!
}

t0=$(date +%s)
case $host in
bochs) start_bochs || { echo "run.sh: could not build the boot ISO" >&2; exit 1; } ;;
*) start_qemu ;;
esac
[ $quiet = 1 ] || echo "run.sh: $host host, kernel $kver, $cpus cpu(s), $mem MiB, plan $name, log $serial"

# Stream the console until DONE, a panic, the emulator's exit or the timeout.
tail_pid=
if [ $quiet = 0 ]; then
	if [ $show = 1 ]; then
		tail -n +1 -f "$serial" &
	else
		tail -n +1 -f "$serial" | grep --line-buffered -E '^((# )?(ok|not ok)|# minivmm-run|Kernel panic|BUG:|(# )?# Totals|(# )?# FAIL)' &
	fi
	tail_pid=$!
fi
status=running
while :; do
	if grep -qE '^# minivmm-run: DONE|Kernel panic - not syncing|end Kernel panic' "$serial" 2>/dev/null; then
		status=finished
		sleep 2
		break
	fi
	if ! kill -0 "$emu_pid" 2>/dev/null; then
		status=exited
		break
	fi
	if [ $(($(date +%s) - t0)) -ge "$timeout" ]; then
		status=timeout
		break
	fi
	sleep 1
done
pkill -P "$emu_pid" 2>/dev/null
kill "$emu_pid" 2>/dev/null
# Debian runs bochs-bin, which ignores SIGTERM: kill it by its own bochsrc.
pkill -KILL -f -- "bochs(-bin)? (-q )+-f $out/bochsrc" 2>/dev/null
wait "$emu_pid" 2>/dev/null
[ -n "$tail_pid" ] && { sleep 0.5; kill "$tail_pid" 2>/dev/null; pkill -P $$ tail 2>/dev/null; }
secs=$(($(date +%s) - t0))

[ $show = 1 ] || [ $quiet = 1 ] || true
echo "run.sh: $host host ended ($status) after ${secs}s"
if [ $status = timeout ]; then
	echo "run.sh: TIMEOUT after ${timeout}s; last console lines:"
	tail -n 20 "$serial" | sed 's/^/    /'
fi
if [ $status = exited ] && ! grep -q '^# minivmm-run: DONE' "$serial"; then
	echo "run.sh: the emulator exited before the test host finished; its output:"
	tail -n 15 "$out/bochs.out" "$out/qemu.out" "$out/bochs.log" 2>/dev/null | sed 's/^/    /'
fi
tr -d '\r' < "$serial" | awk -v host="$host" -v allow_skip=$allow_skip -v status=$status \
	-f "$here/tap-summary.awk"
