// SPDX-License-Identifier: GPL-2.0
/*
 * Names of the virtio-balloon statistics tags (see balloon_names.h).
 */
#include <linux/virtio_balloon.h>
#include "balloon_names.h"

/*
 * Tags 10 .. 15 came with Linux 6.12; the installed uapi header may stop
 * at VIRTIO_BALLOON_S_HTLB_PGFAIL (9), so they are numbered here, checked
 * against the header when it has them.
 */
#define CTL_BALLOON_S_OOM_KILL		10
#define CTL_BALLOON_S_ALLOC_STALL	11
#define CTL_BALLOON_S_ASYNC_SCAN	12
#define CTL_BALLOON_S_DIRECT_SCAN	13
#define CTL_BALLOON_S_ASYNC_RECLAIM	14
#define CTL_BALLOON_S_DIRECT_RECLAIM	15
#ifdef VIRTIO_BALLOON_S_DIRECT_RECLAIM
_Static_assert(VIRTIO_BALLOON_S_OOM_KILL == CTL_BALLOON_S_OOM_KILL &&
	       VIRTIO_BALLOON_S_DIRECT_RECLAIM == CTL_BALLOON_S_DIRECT_RECLAIM,
	       "virtio_balloon.h numbers the 6.12 tags differently");
#endif
_Static_assert(CTL_BALLOON_S_DIRECT_RECLAIM + 1 == MINIVMM_BALLOON_NR_STATS,
	       "a balloon statistics tag has no name");

#define S(tag, n, k, b) \
	[VIRTIO_BALLOON_S_##tag] = { "VIRTIO_BALLOON_S_" #tag, n, k, b }
#define S2(tag, n, k) \
	[CTL_BALLOON_S_##tag] = { "VIRTIO_BALLOON_S_" #tag, n, k, false }

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
