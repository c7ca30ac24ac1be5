/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-balloon device (VIRTIO 1.2 section 5.5, device ID 5) on the
 * virtio-mmio transport: config space, which queue index plays which
 * role, and the servicing of queue notifications. The host side (page
 * release, statistics, interrupt injection) plugs in through struct
 * minivmm_balloon_host_ops. Kernel-free.
 *
 * Queue numbering. The specification lists inflateq 0, deflateq 1,
 * statsq 2, free_page_vq 3, reporting_vq 4, each optional queue existing
 * only with its feature. Implementations disagree on what "exists" means
 * for the indexes: Linux's virtio_mmio.c (vm_find_vqs) skips absent
 * queues, numbering by the *negotiated* features; QEMU (and crosvm since
 * 2025) number by the *offered* features; the list read literally keeps
 * reporting_vq at 4 (MST's 2024 Linux patch "virtio: fix vq # when vq
 * skipped" would switch Linux to that, falling back to the compact
 * numbering on failure). As this device never offers FREE_PAGE_HINT, the
 * three readings never give one index two roles, so the device accepts
 * all of them: reporting_vq is every index among 2 + STATS_VQ negotiated,
 * 2 + STATS_VQ offered, and 4; statsq is 2 when STATS_VQ is negotiated.
 * With every feature accepted (Linux, our driver): inflate 0, deflate 1,
 * stats 2, reporting 3 (and 4).
 *
 * Locking: none. The caller serialises all calls for one device.
 */
#ifndef MINIVMM_BALLOON_DEV_H
#define MINIVMM_BALLOON_DEV_H

#include "pure.h"
#include "virtq.h"
#include "balloon_req.h"
#include "virtio_mmio_dev.h"
#include <linux/virtio_balloon.h>

#define MINIVMM_BIT64(n)		(1ull << (n))

/* Features this device can offer (PAGE_POISON and FREE_PAGE_HINT: never). */
#define MINIVMM_BALLOON_FEATURES	\
	(MINIVMM_BIT64(VIRTIO_F_VERSION_1) |			\
	 MINIVMM_BIT64(VIRTIO_BALLOON_F_MUST_TELL_HOST) |	\
	 MINIVMM_BIT64(VIRTIO_BALLOON_F_STATS_VQ) |		\
	 MINIVMM_BIT64(VIRTIO_BALLOON_F_DEFLATE_ON_OOM) |	\
	 MINIVMM_BIT64(VIRTIO_BALLOON_F_REPORTING))

/* QueueNumMax of every balloon queue (Linux needs >= 32 for reporting). */
#define MINIVMM_BALLOON_QUEUE_SIZE	256

/*
 * Longest PFN array of one inflate or deflate chain: 256 KiB (65536
 * frames; Linux sends at most 1 KiB). A longer chain is a protocol error
 * (-E2BIG), so that one chain is a bounded amount of work.
 */
#define MINIVMM_BALLOON_MAX_PFN_BYTES	(256u * 1024)

/**
 * enum minivmm_balloon_vq - the role of a queue index
 * @MINIVMM_BALLOON_VQ_NONE: no queue at this index.
 * @MINIVMM_BALLOON_VQ_INFLATE: inflateq.
 * @MINIVMM_BALLOON_VQ_DEFLATE: deflateq.
 * @MINIVMM_BALLOON_VQ_STATS: statsq.
 * @MINIVMM_BALLOON_VQ_REPORTING: reporting_vq.
 */
enum minivmm_balloon_vq {
	MINIVMM_BALLOON_VQ_NONE,
	MINIVMM_BALLOON_VQ_INFLATE,
	MINIVMM_BALLOON_VQ_DEFLATE,
	MINIVMM_BALLOON_VQ_STATS,
	MINIVMM_BALLOON_VQ_REPORTING,
};

/**
 * struct minivmm_balloon_host_ops - what the host (the module) provides
 * @inflate_pfn: the guest gave up 4 KiB frame @pfn (guest-physical
 *	address @pfn << 12): check it against the memory slots and release
 *	the backing page. A negative return rejects the frame (counted,
 *	not fatal to the device). NULL: accept.
 * @deflate_pfn: the guest takes frame @pfn back (MUST_TELL_HOST: before
 *	using it). Same conventions as @inflate_pfn.
 * @report_pages: free page reporting: frames @pfn .. @pfn + @npages - 1
 *	are free in the guest; their backing may be discarded. A negative
 *	return is counted, not fatal. NULL: ignore.
 * @stats: the guest sent statistics. NULL: ignore.
 * @actual: the guest wrote @actual (pages in its balloon). NULL: ignore.
 * @reset: the driver reset the device: every frame it had given up is
 *	the guest's again. NULL: nothing to do.
 * @irq: set the interrupt line to @level; also called with true on each
 *	new interrupt (edge-triggered delivery can inject on every true).
 * @mem_barrier: memory barrier hook for the queues, or NULL.
 * @check: how long the work may go on, or NULL (never stop). Called
 *	every 64 frames with @between_chains false, and before each chain
 *	after the first of a minivmm_balloon_process() call with it true.
 *	MINIVMM_BALLOON_GO_ON: carry on; MINIVMM_BALLOON_YIELD (only honoured
 *	between chains): stop, leaving the other chains on the ring (process
 *	returns 1); MINIVMM_BALLOON_ABORT: stop at once, the current chain
 *	neither finished nor returned (process returns -EINTR; for a caller
 *	that is going away, e.g. on a fatal signal).
 * @ctx: first argument of every hook but @mem_barrier.
 *
 * The hooks run in the context of the call that triggered them (usually
 * the vCPU's MMIO write to QueueNotify or Status).
 */
struct minivmm_balloon_host_ops {
	int (*inflate_pfn)(void *ctx, __u32 pfn);
	int (*deflate_pfn)(void *ctx, __u32 pfn);
	int (*report_pages)(void *ctx, __u64 pfn, __u64 npages);
	void (*stats)(void *ctx, const struct minivmm_balloon_stats *st);
	void (*actual)(void *ctx, __u32 actual);
	void (*reset)(void *ctx);
	void (*irq)(void *ctx, bool level);
	void (*mem_barrier)(enum minivmm_barrier kind);
	int (*check)(void *ctx, bool between_chains);
	void *ctx;
};

/* What struct minivmm_balloon_host_ops.check answers. */
enum {
	MINIVMM_BALLOON_GO_ON,
	MINIVMM_BALLOON_YIELD,
	MINIVMM_BALLOON_ABORT,
};

/**
 * struct minivmm_balloon_counters - what the device has seen
 * @inflated: frames accepted by @inflate_pfn.
 * @deflated: frames accepted by @deflate_pfn.
 * @rejected: frames a hook refused.
 * @reported: frames in free page reports.
 * @requests: inflate, deflate and report chains completed.
 * @inflate_requests: inflate chains completed.
 * @deflate_requests: deflate chains completed.
 * @stats_updates: stats buffers parsed.
 * @errors: protocol errors (each set DEVICE_NEEDS_RESET).
 */
struct minivmm_balloon_counters {
	__u64 inflated;
	__u64 deflated;
	__u64 rejected;
	__u64 reported;
	__u64 requests;
	__u64 inflate_requests;
	__u64 deflate_requests;
	__u64 stats_updates;
	__u64 errors;
};

/**
 * struct minivmm_balloon_dev - one balloon device
 * @mmio: the virtio-mmio transport (feed it the guest's MMIO accesses
 *	with minivmm_vmmio_read() and minivmm_balloon_mmio_write()).
 * @gmem: guest memory.
 * @host: the host hooks.
 * @num_pages: config num_pages: the target the host set.
 * @actual: config actual: the last value the driver wrote.
 * @stats_held: the device holds the driver's stats buffer.
 * @stats_head: its descriptor chain head.
 * @stats_index: the queue it came from.
 * @stats: the last statistics received.
 * @cnt: counters.
 * @last_error: the last protocol error (negative errno), 0 if none.
 * @error_queue: the queue index it happened on.
 * @seg: segment storage for popped chains (one chain at a time).
 * @work: frames walked since the last check.
 */
struct minivmm_balloon_dev {
	struct minivmm_vmmio mmio;
	struct minivmm_gmem_ops gmem;
	struct minivmm_balloon_host_ops host;
	__u32 num_pages;
	__u32 actual;
	bool stats_held;
	__u16 stats_head;
	__u32 stats_index;
	struct minivmm_balloon_stats stats;
	struct minivmm_balloon_counters cnt;
	int last_error;
	__u32 error_queue;
	struct minivmm_virtq_seg seg[MINIVMM_BALLOON_QUEUE_SIZE];
	__u32 work;
};

/**
 * minivmm_balloon_queue_role() - which queue is at an index
 * @offered: features the device offers.
 * @features: features the driver negotiated.
 * @index: the queue index.
 *
 * See the queue numbering note at the top of this header.
 *
 * Return: the role, MINIVMM_BALLOON_VQ_NONE when no queue is there.
 */
enum minivmm_balloon_vq minivmm_balloon_queue_role(__u64 offered,
						   __u64 features,
						   __u32 index);

/**
 * minivmm_balloon_init() - create a device (as after power-on)
 * @b: the device; fully initialised here (allocate it zeroed or not).
 * @features: features to offer, a subset of MINIVMM_BALLOON_FEATURES;
 *	VIRTIO_F_VERSION_1 is always offered.
 * @gm: guest memory accessors (copied).
 * @host: host hooks (copied).
 *
 * Return: 0, or -EINVAL when @features has a bit this device cannot offer.
 */
int minivmm_balloon_init(struct minivmm_balloon_dev *b, __u64 features,
			 const struct minivmm_gmem_ops *gm,
			 const struct minivmm_balloon_host_ops *host);

/**
 * minivmm_balloon_set_target() - set num_pages (the balloon's target size)
 * @b: the device.
 * @num_pages: target in 4 KiB frames.
 *
 * Bumps ConfigGeneration and, after DRIVER_OK, interrupts the guest.
 */
void minivmm_balloon_set_target(struct minivmm_balloon_dev *b, __u32 num_pages);

/**
 * minivmm_balloon_error_str() - what a protocol error means, for logs
 * @err: a negative errno from minivmm_balloon_process() or the queue
 *	configuration (struct minivmm_balloon_dev.last_error).
 *
 * Return: a short static description (never NULL).
 */
const char *minivmm_balloon_error_str(int err);

/**
 * minivmm_balloon_mmio_write() - the guest writes the balloon's registers
 * @b: the device.
 * @off: offset from the region base.
 * @size: access size in bytes.
 * @val: the value written.
 *
 * minivmm_vmmio_write() that also counts a queue configuration refused
 * at QueueReady (which sets DEVICE_NEEDS_RESET) as a protocol error, as
 * the errors found on QueueNotify are.
 *
 * Return: what minivmm_vmmio_write() returned.
 */
int minivmm_balloon_mmio_write(struct minivmm_balloon_dev *b, __u64 off,
			       __u32 size, __u64 val);

/**
 * minivmm_balloon_request_stats() - ask the guest for fresh statistics
 * @b: the device.
 *
 * Returns the held stats buffer to the driver (which refills it and makes
 * it available again; the new values arrive through the @stats hook).
 *
 * Return: 0; -EAGAIN when the device holds no stats buffer (none sent
 * yet, or a request is in flight); -EIO when the device is not live;
 * or an error from the queue (then DEVICE_NEEDS_RESET is set).
 */
int minivmm_balloon_request_stats(struct minivmm_balloon_dev *b);

/**
 * minivmm_balloon_process() - service queue @index
 * @b: the device.
 * @index: queue index (what the driver wrote to QueueNotify).
 *
 * Called through the transport on QueueNotify; may be called again by the
 * host when it returned 1. Pops at most one queue's worth of chains,
 * hands their contents to the host hooks, pushes them used and raises a
 * used buffer interrupt unless the driver suppressed it.
 *
 * Return: 0 when the queue is drained, 1 when chains remain (call again;
 * also when the @check hook said to yield), -EIO device not live, -ENXIO
 * queue not ready, -ENOENT no queue at @index, -EINTR when the @check
 * hook aborted; another negative errno is a protocol error (from virtq.c,
 * balloon_req.c, or -E2BIG for a PFN array longer than
 * MINIVMM_BALLOON_MAX_PFN_BYTES) after which DEVICE_NEEDS_RESET is set.
 */
int minivmm_balloon_process(struct minivmm_balloon_dev *b, __u32 index);

#endif /* MINIVMM_BALLOON_DEV_H */
