// SPDX-License-Identifier: GPL-2.0
/*
 * Names of the virtio-balloon statistics tags (see balloon_names.h).
 */
#include "balloon_names.h"
#include "common/balloon_req.h"

/*
 * Tags 10 .. 15 came with Linux 6.12; the installed uapi header may stop
 * at VIRTIO_BALLOON_S_HTLB_PGFAIL (9), so the module's common code numbers
 * them (MINIVMM_BALLOON_S_*, checked there against the header when it has
 * them and against MINIVMM_BALLOON_NR_STATS).
 */
#define S(tag, n, k, b) \
	[VIRTIO_BALLOON_S_##tag] = { "VIRTIO_BALLOON_S_" #tag, n, k, b }
#define S2(tag, n, k) \
	[MINIVMM_BALLOON_S_##tag] = { "VIRTIO_BALLOON_S_" #tag, n, k, false }

const struct balloon_stat_name balloon_stat_names[MINIVMM_BALLOON_NR_STATS] = {
	S(SWAP_IN, "swap-in", "swap_in_bytes", true),
	S(SWAP_OUT, "swap-out", "swap_out_bytes", true),
	S(MAJFLT, "major-faults", "major_faults", false),
	S(MINFLT, "minor-faults", "minor_faults", false),
	S(MEMFREE, "free-memory", "free_memory_bytes", true),
	S(MEMTOT, "total-memory", "total_memory_bytes", true),
	S(AVAIL, "available-memory", "available_memory_bytes", true),
	S(CACHES, "disk-caches", "disk_caches_bytes", true),
	S(HTLB_PGALLOC, "hugetlb-allocations", "hugetlb_allocations", false),
	S(HTLB_PGFAIL, "hugetlb-failures", "hugetlb_failures", false),
	S2(OOM_KILL, "oom-kills", "oom_kills"),
	S2(ALLOC_STALL, "alloc-stalls", "alloc_stalls"),
	S2(ASYNC_SCAN, "async-scans", "async_scan_pages"),
	S2(DIRECT_SCAN, "direct-scans", "direct_scan_pages"),
	S2(ASYNC_RECLAIM, "async-reclaims", "async_reclaim_pages"),
	S2(DIRECT_RECLAIM, "direct-reclaims", "direct_reclaim_pages"),
};
