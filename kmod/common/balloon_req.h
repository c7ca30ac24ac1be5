/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing of virtio-balloon requests (VIRTIO 1.2 section 5.5.6): the le32
 * page frame numbers of inflate and deflate buffers, the memory statistics
 * of the stats buffer, the page ranges of a free page report. Reads go
 * through struct minivmm_gmem_ops. Kernel-free.
 */
#ifndef MINIVMM_BALLOON_REQ_H
#define MINIVMM_BALLOON_REQ_H

#include "pure.h"
#include "virtq.h"
#include <linux/virtio_balloon.h>
#include <linux/minivmm.h>

/*
 * Statistics tags Linux 6.12 adds after VIRTIO_BALLOON_S_HTLB_PGFAIL (9).
 * The installed uapi header (Linux 6.1) stops at VIRTIO_BALLOON_S_NR == 10,
 * so these numbers are defined here under our own prefix, with the values
 * of Linux 6.12's include/uapi/linux/virtio_balloon.h.
 */
#define MINIVMM_BALLOON_S_OOM_KILL	10	/* OOM killer invocations */
#define MINIVMM_BALLOON_S_ALLOC_STALL	11	/* stall count of memory allocation */
#define MINIVMM_BALLOON_S_ASYNC_SCAN	12	/* pages scanned by kswapd */
#define MINIVMM_BALLOON_S_DIRECT_SCAN	13	/* pages scanned directly */
#define MINIVMM_BALLOON_S_ASYNC_RECLAIM	14	/* pages reclaimed by kswapd */
#define MINIVMM_BALLOON_S_DIRECT_RECLAIM 15	/* pages reclaimed directly */
/* Tags 0 to MINIVMM_BALLOON_S_NR - 1 are recognised. */
#define MINIVMM_BALLOON_S_NR		16

/*
 * The one numbering of the statistics tags: Linux's header where it has
 * them, ours above; the uapi's stats[] and stats_valid bits (and
 * struct minivmm_balloon_stats.present) hold exactly these tags.
 */
#ifdef VIRTIO_BALLOON_S_DIRECT_RECLAIM
_Static_assert(VIRTIO_BALLOON_S_OOM_KILL == MINIVMM_BALLOON_S_OOM_KILL, "tag OOM_KILL differs");
_Static_assert(VIRTIO_BALLOON_S_ALLOC_STALL == MINIVMM_BALLOON_S_ALLOC_STALL, "tag ALLOC_STALL differs");
_Static_assert(VIRTIO_BALLOON_S_ASYNC_SCAN == MINIVMM_BALLOON_S_ASYNC_SCAN, "tag ASYNC_SCAN differs");
_Static_assert(VIRTIO_BALLOON_S_DIRECT_SCAN == MINIVMM_BALLOON_S_DIRECT_SCAN, "tag DIRECT_SCAN differs");
_Static_assert(VIRTIO_BALLOON_S_ASYNC_RECLAIM == MINIVMM_BALLOON_S_ASYNC_RECLAIM, "tag ASYNC_RECLAIM differs");
_Static_assert(VIRTIO_BALLOON_S_DIRECT_RECLAIM == MINIVMM_BALLOON_S_DIRECT_RECLAIM, "tag DIRECT_RECLAIM differs");
#else
_Static_assert(VIRTIO_BALLOON_S_NR <= MINIVMM_BALLOON_S_OOM_KILL,
	       "virtio_balloon.h has tags but not VIRTIO_BALLOON_S_DIRECT_RECLAIM");
#endif
_Static_assert(MINIVMM_BALLOON_S_DIRECT_RECLAIM + 1 == MINIVMM_BALLOON_S_NR,
	       "a statistics tag below MINIVMM_BALLOON_S_NR has no name");
_Static_assert(MINIVMM_BALLOON_S_NR == MINIVMM_BALLOON_NR_STATS,
	       "uapi MINIVMM_BALLOON_NR_STATS and MINIVMM_BALLOON_S_NR differ");
_Static_assert(MINIVMM_BALLOON_S_NR <= 32,
	       "stats_valid and present are 32-bit masks");

/* Only this much of a stats buffer is parsed; the rest is ignored. */
#define MINIVMM_BALLOON_STATS_MAX_BYTES	4096u

/* Bytes in one guest page frame of the balloon interface (4 KiB). */
#define MINIVMM_BALLOON_PFN_BYTES	(1ull << VIRTIO_BALLOON_PFN_SHIFT)

/**
 * struct minivmm_balloon_stats - one stats buffer, decoded
 * @val: value of each recognised tag (0 when absent).
 * @present: bit n set when tag n was supplied.
 * @nr_entries: whole entries parsed (recognised or not).
 * @nr_unknown: entries whose tag is MINIVMM_BALLOON_S_NR or above; their
 *	values are ignored, as section 5.5.6.3.2 requires.
 * @ignored_bytes: bytes not parsed: a trailing partial entry and anything
 *	beyond MINIVMM_BALLOON_STATS_MAX_BYTES.
 */
struct minivmm_balloon_stats {
	__u64 val[MINIVMM_BALLOON_S_NR];
	__u32 present;
	__u32 nr_entries;
	__u32 nr_unknown;
	__u32 ignored_bytes;
};

/**
 * minivmm_balloon_walk_pfns() - walk the PFNs of an inflate/deflate buffer
 * @gm: guest memory.
 * @c: the popped chain; its readable segments hold arrays of le32 page
 *	frame numbers in 4 KiB units (writable segments are skipped).
 * @fn: called for each PFN in order; a negative return stops the walk.
 * @arg: first argument of @fn.
 * @count: if not NULL, receives how many PFNs @fn was called for.
 *
 * Every segment length is checked before @fn is called for any PFN.
 *
 * Return: 0; -EINVAL when a readable segment's length is not a multiple
 * of 4; -EFAULT when a segment cannot be read (then @fn has seen the PFNs
 * before it); or the negative value @fn returned.
 */
int minivmm_balloon_walk_pfns(const struct minivmm_gmem_ops *gm,
			      const struct minivmm_virtq_chain *c,
			      int (*fn)(void *arg, __u32 pfn), void *arg,
			      __u32 *count);

/**
 * minivmm_balloon_parse_stats() - decode a stats buffer
 * @gm: guest memory.
 * @c: the popped chain; its readable segments, taken as one byte stream
 *	(an entry may straddle two segments), hold packed
 *	struct virtio_balloon_stat entries (le16 tag, le64 value).
 * @st: receives the statistics; cleared first.
 *
 * Unknown tags are counted and skipped. When a tag repeats, the last
 * value wins.
 *
 * Return: 0, or -EFAULT when a segment cannot be read.
 */
int minivmm_balloon_parse_stats(const struct minivmm_gmem_ops *gm,
				const struct minivmm_virtq_chain *c,
				struct minivmm_balloon_stats *st);

/**
 * minivmm_balloon_walk_report() - walk the ranges of a free page report
 * @c: the popped chain; each segment (readable or writable: Linux sends
 *	device-writable ones) is one free guest-physical range.
 * @fn: called with the whole 4 KiB frames inside each range (ranges not
 *	aligned to 4 KiB are trimmed inwards; ranges without a whole frame
 *	are skipped); a negative return stops the walk.
 * @arg: first argument of @fn.
 *
 * Guest memory is not read: a report is its descriptors.
 *
 * Return: 0, or the negative value @fn returned.
 */
int minivmm_balloon_walk_report(const struct minivmm_virtq_chain *c,
				int (*fn)(void *arg, __u64 pfn, __u64 npages),
				void *arg);

#endif /* MINIVMM_BALLOON_REQ_H */
