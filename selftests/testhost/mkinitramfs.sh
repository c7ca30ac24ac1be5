#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packs the test-host initramfs: busybox-static, /init, the plan, minivmm.ko,
# minivmm-ctl, the selftest binaries and the host kernel modules that tests
# compare against or need (Linux's kvm, zram for swap).
#
# usage: mkinitramfs.sh --kver KVER --plan PLAN --build DIR --out FILE
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
kver="" plan="" build="" out=""
while [ $# -gt 0 ]; do
	case $1 in
	--kver) kver=$2; shift 2 ;;
	--plan) plan=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	*) echo "mkinitramfs: unknown argument $1" >&2; exit 1 ;;
	esac
done
for v in kver plan build out; do
	[ -n "${!v}" ] || { echo "mkinitramfs: --$v is required" >&2; exit 1; }
done
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 ||
	{ echo "mkinitramfs: need a static /bin/busybox (apt-get install busybox-static)" >&2; exit 1; }
[ -f "$build/minivmm.ko" ] || { echo "mkinitramfs: $build/minivmm.ko missing (run make)" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,tests,lib/modules/host,etc}
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$here/init.sh" "$root/init"
cp "$plan" "$root/plan"
cp "$build/minivmm.ko" "$root/lib/modules/minivmm.ko"
[ -x "$build/minivmm-ctl" ] && cp "$build/minivmm-ctl" "$root/bin/"
# The installed kselftest tree at /kselftest (run by init's run_test with
# run_kselftest.sh); /tests has the other binaries (benchmarks) and, for
# plans and PATH, links to the kselftest binaries.
ksft=$build/kselftest/install
if [ -x "$ksft/run_kselftest.sh" ]; then
	cp -a "$ksft" "$root/kselftest"
fi
if [ -d "$build/selftests" ]; then
	for f in "$build"/selftests/*; do
		b=$(basename "$f")
		if [ -f "$root/kselftest/minivmm/$b" ]; then
			ln -s "/kselftest/minivmm/$b" "$root/tests/$b"
		else
			cp "$f" "$root/tests/"
		fi
	done
fi
cp "$here/setup-swap.sh" "$root/tests/setup-swap.sh"

# Modules of the test host's own kernel, flat under /lib/modules/host.
mods=/lib/modules/$kver/kernel
for m in virt/lib/irqbypass.ko arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-intel.ko \
	 arch/x86/kvm/kvm-amd.ko drivers/crypto/ccp/ccp.ko mm/zsmalloc.ko drivers/block/zram/zram.ko; do
	for f in "$mods/$m" "$mods/$m.xz"; do
		[ -f "$f" ] || continue
		case $f in
		*.xz) xz -dc "$f" > "$root/lib/modules/host/$(basename "${f%.xz}")" ;;
		*) cp "$f" "$root/lib/modules/host/" ;;
		esac
	done
done
chmod 0755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out"
echo "mkinitramfs: $out ($(du -h "$out" | cut -f1), kernel $kver)"
