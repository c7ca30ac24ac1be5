/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel balloon's shared state, for its three files:
 * kmod/vm_balloon.c (ioctls, life cycle, statistics worker, status),
 * kmod/balloon_device.c (the register window and the device model's
 * callbacks) and kmod/balloon_frames.c (ballooned-frame bitmaps and the
 * release of VMM memory behind inflated frames).
 */
#ifndef MINIVMM_BALLOON_PRIV_H
#define MINIVMM_BALLOON_PRIV_H

#include <linux/ratelimit.h>
#include <linux/workqueue.h>
#include "vm.h"
#include "common/balloon_dev.h"

/* Notifications served per QueueNotify write before leaving the rest. */
#define BALLOON_PROCESS_ROUNDS	64
/*
 * Frames walked per QueueNotify (or per later service at a vCPU entry)
 * before the rest waits on the ring: with chains of at most 65536 frames
 * (MINIVMM_BALLOON_MAX_PFN_BYTES), one hold of mmio_lock walks at most
 * about 320 Ki frames.
 */
#define BALLOON_WORK_BUDGET	(256u * 1024)
/* Shortest statistics period. */
#define BALLOON_STATS_MIN_MS	100
/* Longest run of frames released with one zap (1 GiB). */
#define BALLOON_MAX_RUN		(1UL << 18)
/* Highest frame a virtio-balloon PFN (le32) can name, plus one. */
#define BALLOON_MAX_PFNS	(1ULL << 32)
/* Most frames the bitmaps may cover: 1 TiB of guest RAM (2 x 32 MiB). */
#define BALLOON_MAX_RAM_PFNS	(1ULL << 28)

/**
 * struct balloon_range - the frames of one writable slot at creation
 * @first: first frame.
 * @nr: frames (0: unused entry).
 * @bits: ballooned frames, bit i for frame @first + i.
 * @swapped: frames that were in host swap when inflated.
 */
struct balloon_range {
	u64 first;
	u64 nr;
	unsigned long *bits;
	unsigned long *swapped;
};

/**
 * struct minivmm_balloon - the balloon device of one VM
 * @vm: the VM (the device lives no longer than it).
 * @mmio: the register window registered with minivmm_mmio_register().
 * @irq_vector: vector queued on vCPU 0 on interrupts.
 * @stats_interval_ms: statistics period, 0 for none.
 * @stats_work: asks the guest for statistics every @stats_interval_ms.
 * @ranges: the frames the device accepts, with their bitmaps.
 * @nr_ranges: entries of @ranges in use.
 * @last_range: the range of the last frame looked up (a cache).
 * @run_pfn: first frame of the run of inflated frames not yet released.
 * @run_len: frames in it (0: no run).
 * @run_slot_end: end frame of the slot holding the run.
 * @run_range: the range holding the run.
 * @bitmap_bytes: bytes of all bitmaps.
 * @balloon_pages: bits set in the ranges' @bits.
 * @work: frames walked since the current notification or service began.
 * @yielded: the check hook said to stop; the rest waits.
 * @pending_queues: queues with chains left on the ring by a budget or a
 *	signal, served before the next guest entry of any vCPU.
 * @log_rs: limits the log lines about this device's stops.
 * @inflated_pages: frames accepted for inflation.
 * @deflated_pages: frames accepted for deflation.
 * @reported_pages: frames in accepted free page reports.
 * @released_bytes: VMM memory zapped behind them.
 * @invalid: frames and ranges refused.
 * @stats_updates: statistics buffers received.
 * @stats_ts: CLOCK_MONOTONIC ns of the last one.
 * @stats: the last statistics.
 * @dev: the device model (large: keep last).
 */
struct minivmm_balloon {
	struct minivmm_vm *vm;
	struct minivmm_mmio_dev mmio;
	u32 irq_vector;
	u32 stats_interval_ms;
	struct delayed_work stats_work;
	struct balloon_range ranges[MINIVMM_MAX_MEMSLOTS];
	unsigned int nr_ranges;
	struct balloon_range *last_range;
	u64 run_pfn;
	u64 run_len;
	u64 run_slot_end;
	struct balloon_range *run_range;
	size_t bitmap_bytes;
	u64 balloon_pages;
	u32 work;
	bool yielded;
	unsigned long pending_queues;
	struct ratelimit_state log_rs;
	u64 inflated_pages;
	u64 deflated_pages;
	u64 reported_pages;
	u64 released_bytes;
	u64 invalid;
	u64 stats_updates;
	u64 stats_ts;
	struct minivmm_balloon_stats stats;
	struct minivmm_balloon_dev dev;
};

/* kmod/balloon_frames.c */
void balloon_flush_run(struct minivmm_balloon *bl);
int balloon_inflate_pfn(void *ctx, __u32 pfn);
int balloon_deflate_pfn(void *ctx, __u32 pfn);
int balloon_report_pages(void *ctx, __u64 pfn, __u64 npages);
int balloon_alloc_ranges(struct minivmm_balloon *bl);
void balloon_free_ranges(struct minivmm_balloon *bl);

/* kmod/balloon_device.c */
int balloon_device_init(struct minivmm_balloon *bl, u64 features, u64 mmio_base,
			u32 target);
bool balloon_needs_reset(const struct minivmm_balloon *bl);
void balloon_log_stop(struct minivmm_balloon *bl, bool was);

#endif /* MINIVMM_BALLOON_PRIV_H */
