/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A freestanding virtio-balloon driver (VIRTIO 1.2 section 5.5) for a
 * guest without libc: it keeps the balloon's size (config `actual`)
 * following the device's target (`num_pages`) by taking pages from the
 * guest's allocator (inflate) or giving them back (deflate), answers
 * statistics requests, deflates on demand when the guest runs out of
 * memory, and reports free page ranges. Pages are 4 KiB; a page frame
 * number (PFN) is a guest-physical address >> 12.
 *
 * Queue indexes follow Linux's virtio_balloon + virtio_mmio: inflate 0,
 * deflate 1, then statsq and reporting_vq in that order, each only when
 * its feature was negotiated (free page hinting is never negotiated).
 *
 * Not reentrant: the guest serialises calls (the OOM entry point may be
 * called from the allocator, but not while the allocator is inside a
 * balloon call of its own: balloon_oom_deflate() then returns 0).
 */
#ifndef BALLOON_H
#define BALLOON_H

#include <linux/types.h>
#include <linux/virtio_balloon.h>
#include "virtio_mmio_guest.h"

/* PFNs per inflate or deflate request (Linux: VIRTIO_BALLOON_ARRAY_PFNS_MAX). */
#define BALLOON_BATCH		256
/* Ring size asked of every queue (Linux's page reporting needs >= 32). */
#define BALLOON_QUEUE_SIZE	64
/* Statistics entries per stats buffer. */
#define BALLOON_MAX_STATS	16
/* Ranges per free page report. */
#define BALLOON_MAX_REPORT	32

/**
 * struct balloon_stat - one statistic the guest supplies
 * @tag: VIRTIO_BALLOON_S_* (or the Linux 6.12 tags 10-15).
 * @val: its value.
 */
struct balloon_stat {
	__u16 tag;
	__u64 val;
};

/**
 * struct balloon_range - one free guest-physical range to report
 * @addr: guest-physical address (4 KiB aligned is best).
 * @len: bytes.
 */
struct balloon_range {
	__u64 addr;
	__u32 len;
};

/**
 * struct balloon_env - what the guest provides
 * @io: register access, address translation, barrier and relax hooks;
 *	@io.ctx is the first argument of every hook here too.
 * @alloc_page: take a free 4 KiB page out of the guest's allocator and
 *	store its PFN; 0, or negative when none is free. Must not call
 *	balloon_oom_deflate() itself.
 * @free_page: give page @pfn back to the allocator.
 * @fill_stats: write up to @max statistics, return how many (the same
 *	tags every time); NULL: the driver does not negotiate STATS_VQ.
 */
struct balloon_env {
	struct vmg_env io;
	int (*alloc_page)(void *ctx, __u32 *pfn);
	void (*free_page)(void *ctx, __u32 pfn);
	unsigned int (*fill_stats)(void *ctx, struct balloon_stat *st,
				   unsigned int max);
};

/**
 * struct balloon - driver state
 * @dev: the virtio-mmio device.
 * @env: the guest's hooks (a copy).
 * @inflate_vq: queue 0.
 * @deflate_vq: queue 1.
 * @stats_vq: statsq (when @has_stats).
 * @report_vq: reporting_vq (when @has_report).
 * @has_stats: STATS_VQ negotiated.
 * @has_report: REPORTING negotiated.
 * @tell_host: MUST_TELL_HOST negotiated.
 * @deflate_on_oom: DEFLATE_ON_OOM negotiated.
 * @dma: the ring and buffer memory given to balloon_init().
 * @dma_len: its size.
 * @pages: PFNs in the balloon (caller's array), @num_pages of them.
 * @max_pages: capacity of @pages: the balloon never grows beyond it.
 * @num_pages: pages in the balloon, acknowledged by the device (actual).
 * @pfns: request buffer (le32 PFNs) in @dma.
 * @stats_buf: stats buffer in @dma.
 * @req_n: PFNs of the request in flight (0: none).
 * @req_inflate: the request in flight inflates (else deflates).
 * @in_alloc: inside @env.alloc_page.
 * @oom_hold: do not re-inflate while num_pages stays @oom_target.
 * @oom_target: num_pages when the last OOM deflation happened.
 * @inflated: pages inflated since init (for statistics and tests).
 * @deflated: pages deflated since init.
 * @stats_sent: stats buffers sent.
 * @reports: free page reports sent.
 */
struct balloon {
	struct vmg_dev dev;
	struct balloon_env env;
	struct vmg_vq inflate_vq;
	struct vmg_vq deflate_vq;
	struct vmg_vq stats_vq;
	struct vmg_vq report_vq;
	int has_stats;
	int has_report;
	int tell_host;
	int deflate_on_oom;
	void *dma;
	__u32 dma_len;
	__u32 *pages;
	__u32 max_pages;
	__u32 num_pages;
	__le32 *pfns;
	struct virtio_balloon_stat *stats_buf;
	__u32 req_n;
	int req_inflate;
	int in_alloc;
	int oom_hold;
	__u32 oom_target;
	__u64 inflated;
	__u64 deflated;
	__u64 stats_sent;
	__u64 reports;
};

/**
 * balloon_dma_size() - bytes of DMA memory balloon_init() needs
 *
 * Return: the size (rings for four queues, one request buffer, one
 * stats buffer), to be given VMG_RING_ALIGN-aligned.
 */
__u32 balloon_dma_size(void);

/**
 * balloon_init() - find, reset and start the balloon device
 * @b: filled in.
 * @env: the guest's hooks (copied).
 * @dma: ring and buffer memory, balloon_dma_size() bytes,
 *	VMG_RING_ALIGN-aligned, reachable by the device.
 * @dma_len: its size.
 * @pages: storage for the PFNs in the balloon.
 * @max_pages: entries in @pages.
 *
 * Probes the device (magic, version 2, device ID 5), resets it, sets
 * ACKNOWLEDGE and DRIVER, negotiates (VERSION_1, MUST_TELL_HOST,
 * STATS_VQ when @env->fill_stats is set, DEFLATE_ON_OOM, REPORTING),
 * sets up the queues, gives the device its first stats buffer, sets
 * DRIVER_OK and notifies the stats queue. The balloon starts empty.
 *
 * Return: 0, or a negative VMG_E* error (the device is marked FAILED
 * when it was found but could not be started).
 */
int balloon_init(struct balloon *b, const struct balloon_env *env, void *dma,
		 __u32 dma_len, __u32 *pages, __u32 max_pages);

/**
 * balloon_target() - the device's target (config num_pages)
 * @b: the balloon.
 *
 * Return: pages the device wants in the balloon.
 */
__u32 balloon_target(struct balloon *b);

/**
 * balloon_poll() - do one step of work without waiting
 * @b: the balloon.
 *
 * Acknowledges interrupts, answers a stats request, completes the
 * inflate or deflate request in flight (storing or freeing its pages
 * and writing `actual`), then starts the next one toward the target.
 *
 * Return: 0 when the balloon has the target size (or may not inflate,
 * see balloon_oom_deflate()), 1 when more work is under way, or a
 * negative error: -VMG_ENOMEM the allocator has no page left (the
 * balloon stays smaller than the target), -VMG_ENOSPC the @pages store is
 * full, -VMG_EIO the device needs a reset (see balloon_reinit()).
 */
int balloon_poll(struct balloon *b);

/**
 * balloon_update() - poll until the balloon has the target size
 * @b: the balloon.
 *
 * Re-reads the target after every request, so a target changed while
 * inflating is followed. Calls the relax hook between polls.
 *
 * Return: 0, a negative error from balloon_poll(), or -VMG_ETIMEDOUT.
 */
int balloon_update(struct balloon *b);

/**
 * balloon_oom_deflate() - give pages back because the guest is out of memory
 * @b: the balloon.
 * @want: pages wanted.
 *
 * Only with DEFLATE_ON_OOM negotiated. Waits for a request in flight,
 * then deflates up to @want pages (at most BALLOON_BATCH), telling the
 * device first, and returns them to the allocator. The balloon then does
 * not re-inflate until the device changes its target.
 *
 * Return: pages returned to the allocator (0 when none could be).
 */
__u32 balloon_oom_deflate(struct balloon *b, __u32 want);

/**
 * balloon_report() - report free page ranges (free page reporting)
 * @b: the balloon.
 * @r: the ranges; the guest must not use them until this returns.
 * @n: how many, 1 to BALLOON_MAX_REPORT.
 *
 * Return: 0 once the device acknowledged; -VMG_ENODEV without
 * PAGE_REPORTING; -VMG_EINVAL for a bad @n or an empty range;
 * -VMG_ETIMEDOUT; -VMG_EIO.
 */
int balloon_report(struct balloon *b, const struct balloon_range *r,
		   unsigned int n);

/**
 * balloon_shutdown() - empty the balloon and reset the device
 * @b: the balloon.
 *
 * Deflates every page (telling the device), returns them to the
 * allocator, then resets the device.
 *
 * Return: 0, or a negative error (the device is reset anyway).
 */
int balloon_shutdown(struct balloon *b);

/**
 * balloon_reinit() - start over after a device reset or DEVICE_NEEDS_RESET
 * @b: the balloon.
 *
 * Resets the device; a reset device has forgotten the balloon, so every
 * page in it goes back to the allocator; then initialises again with the
 * same memory.
 *
 * Return: as balloon_init().
 */
int balloon_reinit(struct balloon *b);

#endif /* BALLOON_H */
