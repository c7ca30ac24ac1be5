// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel balloon's register window (virtio-mmio) and the callbacks
 * the kernel-free device model (kmod/common/balloon_dev.c) calls: guest
 * memory, statistics, reset, interrupts, barriers and the work budget
 * (see kmod/vm_balloon.c for the whole design).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/ratelimit.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include "compat.h"
#include "hva_peek.h"
#include "balloon_priv.h"
#include "vm_balloon.h"
#include "common/balloon_dev.h"
#include "common/memslot_check.h"

static int gmem_read(void *ctx, __u64 gpa, void *buf, __u32 len)
{
	struct minivmm_balloon *bl = ctx;

	return minivmm_guest_rw(bl->vm, gpa, buf, len, false);
}

static int gmem_write(void *ctx, __u64 gpa, const void *buf, __u32 len)
{
	struct minivmm_balloon *bl = ctx;

	return minivmm_guest_rw(bl->vm, gpa, (void *)buf, len, true);
}

static void host_stats(void *ctx, const struct minivmm_balloon_stats *st)
{
	struct minivmm_balloon *bl = ctx;

	bl->stats = *st;
	bl->stats_updates++;
	bl->stats_ts = ktime_get_ns();
}

static void host_reset(void *ctx)
{
	struct minivmm_balloon *bl = ctx;
	unsigned int i;

	/* A reset device has forgotten the balloon: the guest owns it all. */
	balloon_flush_run(bl);
	for (i = 0; i < bl->nr_ranges; i++) {
		bitmap_zero(bl->ranges[i].bits, bl->ranges[i].nr);
		bitmap_zero(bl->ranges[i].swapped, bl->ranges[i].nr);
	}
	bl->balloon_pages = 0;
}

static void host_irq(void *ctx, bool level)
{
	struct minivmm_balloon *bl = ctx;
	struct minivmm_vcpu *vcpu;

	/* RCU: a vCPU whose fd could not be installed is unpublished. */
	rcu_read_lock();
	vcpu = READ_ONCE(bl->vm->vcpus[0]);
	if (level && vcpu)
		minivmm_vcpu_raise_irq(vcpu, bl->irq_vector);
	rcu_read_unlock();
}

static void host_mem_barrier(enum minivmm_barrier kind)
{
	switch (kind) {
	case MINIVMM_BARRIER_RMB:
		smp_rmb();	/* ring index before the entries it covers */
		break;
	case MINIVMM_BARRIER_WMB:
		smp_wmb();	/* used entries before the used index */
		break;
	default:
		smp_mb();	/* used index before reading the avail flags */
		break;
	}
}

static int balloon_mmio_read(struct minivmm_mmio_dev *d, u64 off, u32 len,
			     u64 *val)
{
	struct minivmm_balloon *bl = d->priv;

	/* Refused reads return 0 to the guest; the access is handled. */
	minivmm_vmmio_read(&bl->dev.mmio, off, len, val);
	return 0;
}

bool balloon_needs_reset(const struct minivmm_balloon *bl)
{
	return bl->dev.mmio.status & VIRTIO_CONFIG_S_NEEDS_RESET;
}

/*
 * The guest's driver made the device stop (DEVICE_NEEDS_RESET): say why,
 * once per stop, at most DEFAULT_RATELIMIT_BURST times per interval and
 * VM. The guest keeps running; resetting the device is its driver's
 * business.
 */
void balloon_log_stop(struct minivmm_balloon *bl, bool was)
{
	const struct minivmm_vm_admin *a = &bl->vm->admin;
	int err = bl->dev.last_error;

	if (was || !balloon_needs_reset(bl) || !__ratelimit(&bl->log_rs))
		return;
	pr_warn("vm %u (pid %d %s): balloon queue %u: %s (%d); device needs reset\n",
		a->id, a->owner_pid, a->owner_comm, bl->dev.error_queue,
		minivmm_balloon_error_str(err), err);
}

/*
 * The device model asks every 64 frames and between chains. Reschedule;
 * a fatal signal aborts (the VM goes away with its process); between
 * chains a pending signal or a spent budget leaves the rest on the ring,
 * so RUN returns promptly and other users of mmio_lock get their turn.
 */
static int host_check(void *ctx, bool between_chains)
{
	struct minivmm_balloon *bl = ctx;

	cond_resched();
	if (fatal_signal_pending(current))
		return MINIVMM_BALLOON_ABORT;
	if (!between_chains) {
		bl->work += 64;
		return MINIVMM_BALLOON_GO_ON;
	}
	if (bl->work >= BALLOON_WORK_BUDGET || signal_pending(current)) {
		bl->yielded = true;
		return MINIVMM_BALLOON_YIELD;
	}
	return MINIVMM_BALLOON_GO_ON;
}

/*
 * Serve queue @index until drained, refused, out of budget or signalled;
 * remember it in pending_queues when chains are left. Under mmio_lock.
 */
static void balloon_serve(struct minivmm_balloon *bl, u32 index)
{
	int r, rounds = 0;

	do
		r = minivmm_balloon_process(&bl->dev, index);
	while (r == 1 && !bl->yielded && ++rounds < BALLOON_PROCESS_ROUNDS);
	if (r == 1) {
		set_bit(index, &bl->pending_queues);
		WRITE_ONCE(bl->vm->mmio_service, true);
	} else {
		clear_bit(index, &bl->pending_queues);
	}
}

/* minivmm_mmio_dev.service: chains left on the ring. Under mmio_lock. */
static bool balloon_service(struct minivmm_mmio_dev *d)
{
	struct minivmm_balloon *bl = d->priv;
	bool was = balloon_needs_reset(bl);
	unsigned long q;

	bl->work = 0;
	bl->yielded = false;
	for_each_set_bit(q, &bl->pending_queues, MINIVMM_VMMIO_MAX_QUEUES) {
		if (bl->yielded)
			break;
		balloon_serve(bl, q);
	}
	balloon_flush_run(bl);
	balloon_log_stop(bl, was);
	return bl->pending_queues;
}

static int balloon_mmio_write(struct minivmm_mmio_dev *d, u64 off, u32 len,
			      u64 val)
{
	struct minivmm_balloon *bl = d->priv;
	struct minivmm_balloon_dev *b = &bl->dev;
	bool was = balloon_needs_reset(bl);
	int r, rounds = 0;

	bl->work = 0;
	bl->yielded = false;
	r = minivmm_balloon_mmio_write(b, off, len, val);
	if (off == VIRTIO_MMIO_QUEUE_NOTIFY && len == 4) {
		while (r == 1 && !bl->yielded && ++rounds < BALLOON_PROCESS_ROUNDS)
			r = minivmm_balloon_process(b, (u32)val);
		if (r == 1 && val < MINIVMM_VMMIO_MAX_QUEUES) {
			/* The rest before the next guest entry. */
			set_bit(val, &bl->pending_queues);
			WRITE_ONCE(bl->vm->mmio_service, true);
		}
	}
	/* Notifications served at DRIVER_OK that yielded: all queues later. */
	if (bl->yielded && off != VIRTIO_MMIO_QUEUE_NOTIFY) {
		bl->pending_queues |= GENMASK(MINIVMM_VMMIO_MAX_QUEUES - 1, 0);
		WRITE_ONCE(bl->vm->mmio_service, true);
	}
	/* A reset or a stop forgets what was left on the rings. */
	if (!minivmm_vmmio_live(&b->mmio))
		bl->pending_queues = 0;
	/*
	 * Requests are served on QueueNotify and, for notifications that
	 * came before it, on DRIVER_OK; ignored writes (r < 0) are handled
	 * too.
	 */
	balloon_flush_run(bl);
	balloon_log_stop(bl, was);
	return 0;
}

/**
 * balloon_device_init() - the device model and its register window
 * @bl: the balloon (ranges allocated).
 * @features: the feature bits offered.
 * @mmio_base: guest-physical base of the register window.
 * @target: the initial num_pages.
 *
 * Return: 0 or the device model's errno.
 */
int balloon_device_init(struct minivmm_balloon *bl, u64 features, u64 mmio_base,
			u32 target)
{
	static const struct minivmm_gmem_ops gm_ops = {
		.read = gmem_read,
		.write = gmem_write,
	};
	static const struct minivmm_balloon_host_ops host_ops = {
		.inflate_pfn = balloon_inflate_pfn,
		.deflate_pfn = balloon_deflate_pfn,
		.report_pages = balloon_report_pages,
		.stats = host_stats,
		.reset = host_reset,
		.irq = host_irq,
		.mem_barrier = host_mem_barrier,
		.check = host_check,
	};
	struct minivmm_balloon_host_ops host = host_ops;
	struct minivmm_gmem_ops gm = gm_ops;
	int r;

	gm.ctx = bl;
	host.ctx = bl;
	r = minivmm_balloon_init(&bl->dev, features, &gm, &host);
	if (r)
		return r;
	minivmm_balloon_set_target(&bl->dev, target);
	bl->mmio.kind = MINIVMM_MMIO_BALLOON;
	bl->mmio.base = mmio_base;
	bl->mmio.size = MINIVMM_BALLOON_MMIO_SIZE;
	bl->mmio.read = balloon_mmio_read;
	bl->mmio.write = balloon_mmio_write;
	bl->mmio.service = balloon_service;
	bl->mmio.priv = bl;
	return 0;
}

