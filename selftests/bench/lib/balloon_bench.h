/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The balloon workload of vmm_compare (issues 5 and 7): a guest that
 * touched 64 MiB gives all of it to the balloon (inflate), then takes it
 * back (deflate), under minivmm's in-kernel device or under KVM with a
 * Firecracker-like userspace device; and the raw floor, madvise
 * (MADV_DONTNEED) of 64 MiB of touched memory in this process.
 */
#ifndef BENCH_BALLOON_BENCH_H
#define BENCH_BALLOON_BENCH_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct bal_counts - device and hypervisor counters at one moment
 * @target: num_pages.
 * @actual: actual, as the driver last wrote it.
 * @requests: inflate plus deflate requests completed.
 * @pages: frames accepted (inflated plus deflated).
 * @exits: guest accesses to the device's registers (VM exits): minivmm's
 *	mem_stats mmio_exits, the KVM side's MMIO exits to userspace.
 * @released: host memory released (pages): minivmm's released_bytes / 4 KiB,
 *	the KVM side's pages madvise()d.
 * @zap_calls: minivmm: MMU-notifier invalidations of guest memory
 *	(inval_clear); KVM side: madvise() calls.
 * @ept_zapped: minivmm only: EPT mappings removed (pages_zapped).
 */
struct bal_counts {
	uint64_t target, actual, requests, pages, exits, released;
	uint64_t zap_calls, ept_zapped;
};

/**
 * struct bal_result - one run of the balloon workload
 * @inflate_ns: host time from setting the target to 64 MiB until the
 *	guest reported actual == target (CLOCK_MONOTONIC in the VMM).
 * @deflate_ns: the same for the target 0.
 * @inflate_tsc: guest RDTSC cycles around its balloon_update() (inflate).
 * @deflate_tsc: the same (deflate).
 * @res_touched: resident pages of the 64 MiB after the guest touched it
 *	(mincore()).
 * @res_inflated: after the inflation.
 * @res_deflated: after the deflation (before the guest touches again).
 * @res_retouched: after the guest wrote every page again.
 * @madv_slot_ns: per-page madvise(MADV_DONTNEED) of the 64 MiB by the
 *	VMM itself while the VM holds it mapped (the hypervisor's MMU
 *	notifier included), ns per 4 KiB call.
 * @madv_slot_1m_ns: the same with one 1 MiB (256-page) call at a time,
 *	ns per page: what a device that releases each 256-PFN request as
 *	one range pays for the zap.
 * @inflate: counters consumed by the inflation (after minus before).
 * @deflate: by the deflation.
 */
struct bal_result {
	uint64_t inflate_ns, deflate_ns, inflate_tsc, deflate_tsc;
	uint64_t res_touched, res_inflated, res_deflated, res_retouched;
	double madv_slot_ns, madv_slot_1m_ns;
	struct bal_counts inflate, deflate;
};

/**
 * struct bal_floor - madvise(MADV_DONTNEED) of 64 MiB of touched memory
 *	that no VM maps
 * @per_page_ns: ns per call, one 4 KiB call per page.
 * @per_mib_ns: ns per page, one 1 MiB (256-page) call at a time.
 * @one_call_ns: ns for one call over the 64 MiB.
 * @res_after: resident pages after each (must be ~0): the larger.
 */
struct bal_floor {
	double per_page_ns, per_mib_ns;
	uint64_t one_call_ns;
	uint64_t res_after;
};

/**
 * bal_run_minivmm() - the workload under minivmm and its in-kernel device
 * @res: the figures.
 * @why: receives what failed.
 * @why_len: bytes in @why.
 *
 * Return: 0, or -1 with @why set (a failed check included).
 */
int bal_run_minivmm(struct bal_result *res, char *why, size_t why_len);

/**
 * bal_run_kvm() - the workload under KVM and the userspace device
 * @res: the figures.
 * @why: receives what failed.
 * @why_len: bytes in @why.
 *
 * Return: 0, or -1 with @why set.
 */
int bal_run_kvm(struct bal_result *res, char *why, size_t why_len);

/**
 * bal_floor() - madvise(MADV_DONTNEED) of 64 MiB of touched memory
 * @f: the figures.
 * @why: receives what failed.
 * @why_len: bytes in @why.
 *
 * Return: 0, or -1 with @why set.
 */
int bal_floor(struct bal_floor *f, char *why, size_t why_len);

#endif /* BENCH_BALLOON_BENCH_H */
