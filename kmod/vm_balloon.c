// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel virtio-balloon device of a VM (MINIVMM_CREATE_BALLOON): the
 * kernel-free device model of kmod/common/balloon_dev.c behind a
 * virtio-mmio register window, with guest memory reached through the
 * memory slots and the VMM's page tables.
 *
 * Inflating a page releases the VMM memory behind it: the page is zapped
 * from the VMM's address space (as MADV_DONTNEED does, swap slot included,
 * without reading it back); the MMU notifier then removes the EPT entry by
 * itself. If the guest touches the page again it gets a fresh zeroed page,
 * as with any balloon. Frames of one request that are contiguous in one
 * slot are gathered into a run and released with one zap (one TLB flush,
 * one invalidation) when the run ends or the request has been served.
 * Before the zap, the run's page-table entries are peeked at: pages the
 * host had swapped out count as "ballooned while swapped", and are
 * remembered so that deflating them later counts a swap-in saved.
 * Per-slot bitmaps record the ballooned frames: one pair (ballooned,
 * swapped) for each writable slot that exists when the device is created,
 * sized by the slot (not by the highest guest-physical address, which a
 * VMM may put anywhere below 2^46) and charged to the caller's memory
 * cgroup. Frames outside those ranges (slots added later, frames above
 * the 2^32 a PFN can name) are refused and counted in invalid_requests.
 * A VM whose writable slots hold more than BALLOON_MAX_RAM_PFNS frames
 * gets no balloon (-E2BIG).
 *
 * Locking: every device call runs under vm->mmio_lock (MMIO handlers are
 * called with it held by minivmm_mmio_dispatch(); the ioctls and the stats
 * work take it). Guest memory accesses take vm->lock for the slot lookup,
 * then the VMM's mmap lock; lock order mmio_lock, lock, mmap_lock.
 *
 * Interrupts: the device's interrupt is raised on vCPU 0 with
 * minivmm_vcpu_raise_irq(), which kicks the vCPU out of guest mode and
 * keeps the vector pending until the guest can take it; raised again
 * before then, it is delivered once (InterruptStatus tells the driver
 * every cause).
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

/* The balloon of @vm, or NULL. Under vm->mmio_lock. */
static struct minivmm_balloon *balloon_find(struct minivmm_vm *vm)
{
	struct minivmm_mmio_dev *d;

	lockdep_assert_held(&vm->mmio_lock);
	d = minivmm_mmio_find(vm, MINIVMM_MMIO_BALLOON);
	return d ? d->priv : NULL;
}

static void balloon_stats_work(struct work_struct *work)
{
	struct minivmm_balloon *bl = container_of(to_delayed_work(work),
						  struct minivmm_balloon,
						  stats_work);
	struct minivmm_vm *vm = bl->vm;
	bool mm = mmget_not_zero(vm->mm);
	bool was;

	/* Guest memory is the VMM's: borrow its address space. */
	if (mm)
		kthread_use_mm(vm->mm);
	mutex_lock(&vm->mmio_lock);
	if (mm) {
		was = balloon_needs_reset(bl);
		minivmm_balloon_request_stats(&bl->dev);
		balloon_log_stop(bl, was);
	}
	/*
	 * Decided under mmio_lock, as balloon_set_interval() changes the
	 * period and cancels: a period set to 0 while this ran is seen here,
	 * or its cancel comes after this requeue.
	 */
	if (bl->stats_interval_ms)
		schedule_delayed_work(&bl->stats_work,
				      msecs_to_jiffies(bl->stats_interval_ms));
	mutex_unlock(&vm->mmio_lock);
	if (mm) {
		kthread_unuse_mm(vm->mm);
		mmput(vm->mm);
	}
}

static bool all_zero(const u64 *v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (v[i])
			return false;
	return true;
}

static long balloon_create(struct minivmm_vm *vm, void __user *argp)
{
	struct minivmm_balloon_config cfg;
	struct minivmm_balloon *bl;
	u64 features;
	long r;

	if (copy_from_user(&cfg, argp, sizeof(cfg)))
		return -EFAULT;
	if (cfg.flags || !all_zero(cfg.reserved, ARRAY_SIZE(cfg.reserved)))
		return -EINVAL;
	if (!PAGE_ALIGNED(cfg.mmio_base) ||
	    cfg.mmio_base + MINIVMM_BALLOON_MMIO_SIZE > MINIVMM_MAX_GPA)
		return -EINVAL;
	if (cfg.irq_vector < 32 || cfg.irq_vector > 255)
		return -EINVAL;
	if (cfg.features & ~MINIVMM_BALLOON_FEATURES_SUPPORTED)
		return -EINVAL;
	if (cfg.stats_interval_ms && cfg.stats_interval_ms < BALLOON_STATS_MIN_MS)
		return -EINVAL;
	features = cfg.features ?: MINIVMM_BALLOON_FEATURES_SUPPORTED;

	bl = kzalloc(sizeof(*bl), GFP_KERNEL_ACCOUNT);
	if (!bl)
		return -ENOMEM;
	bl->vm = vm;
	bl->irq_vector = cfg.irq_vector;
	bl->stats_interval_ms = cfg.stats_interval_ms;
	INIT_DELAYED_WORK(&bl->stats_work, balloon_stats_work);
	ratelimit_default_init(&bl->log_rs);
	r = balloon_alloc_ranges(bl);
	if (r)
		goto free;
	r = balloon_device_init(bl, features, cfg.mmio_base, cfg.initial_target_pages);
	if (r)
		goto free;

	/* -EEXIST too when the VM has a balloon already (one per VM). */
	r = minivmm_mmio_register(vm, &bl->mmio);
	if (r)
		goto free;
	atomic64_add(sizeof(*bl) + bl->bitmap_bytes, &vm->stats.kernel_bytes);
	if (bl->stats_interval_ms)
		schedule_delayed_work(&bl->stats_work,
				      msecs_to_jiffies(bl->stats_interval_ms));
	return 0;

free:
	balloon_free_ranges(bl);
	kfree(bl);
	return r;
}

/**
 * minivmm_vm_balloon_set_target() - set the target of a VM's balloon
 * @vm: the VM.
 * @pages: new num_pages.
 *
 * Bumps the config generation and raises a config-change interrupt. Return: 0, or -ENODEV when the VM has no balloon.
 */
int minivmm_vm_balloon_set_target(struct minivmm_vm *vm, u32 pages)
{
	struct minivmm_balloon *bl;

	mutex_lock(&vm->mmio_lock);
	bl = balloon_find(vm);
	if (bl)
		minivmm_balloon_set_target(&bl->dev, pages);
	mutex_unlock(&vm->mmio_lock);
	return bl ? 0 : -ENODEV;
}

static long balloon_set_target(struct minivmm_vm *vm, void __user *argp)
{
	struct minivmm_balloon_target t;

	if (copy_from_user(&t, argp, sizeof(t)))
		return -EFAULT;
	if (t.flags || !all_zero(t.reserved, ARRAY_SIZE(t.reserved)))
		return -EINVAL;
	return minivmm_vm_balloon_set_target(vm, t.target_pages);
}

static long balloon_set_interval(struct minivmm_vm *vm, void __user *argp)
{
	struct minivmm_balloon_interval iv;
	struct minivmm_balloon *bl;

	if (copy_from_user(&iv, argp, sizeof(iv)))
		return -EFAULT;
	if (iv.flags || !all_zero(iv.reserved, ARRAY_SIZE(iv.reserved)))
		return -EINVAL;
	if (iv.interval_ms && iv.interval_ms < BALLOON_STATS_MIN_MS)
		return -EINVAL;
	mutex_lock(&vm->mmio_lock);
	bl = balloon_find(vm);
	if (bl) {
		WRITE_ONCE(bl->stats_interval_ms, iv.interval_ms);
		/*
		 * A running worker decides whether to come back under
		 * mmio_lock: before this (its requeue is cancelled here) or
		 * after (it sees the new period).
		 */
		if (iv.interval_ms)
			mod_delayed_work(system_wq, &bl->stats_work,
					 msecs_to_jiffies(iv.interval_ms));
		else
			cancel_delayed_work(&bl->stats_work);
	}
	mutex_unlock(&vm->mmio_lock);
	return bl ? 0 : -ENODEV;
}

/**
 * minivmm_vm_balloon_status() - a VM's balloon as GET_BALLOON_STATS says it
 * @vm: the VM.
 * @st: filled in (zeroed first).
 *
 * Return: 0, or -ENODEV when the VM has no balloon.
 */
int minivmm_vm_balloon_status(struct minivmm_vm *vm,
			       struct minivmm_balloon_status *st)
{
	struct minivmm_balloon *bl;
	unsigned int i;

	memset(st, 0, sizeof(*st));
	mutex_lock(&vm->mmio_lock);
	bl = balloon_find(vm);
	if (!bl) {
		mutex_unlock(&vm->mmio_lock);
		return -ENODEV;
	}
	st->target_pages = bl->dev.num_pages;
	st->actual_pages = bl->dev.actual;
	st->inflate_requests = bl->dev.cnt.inflate_requests;
	st->deflate_requests = bl->dev.cnt.deflate_requests;
	st->inflated_pages = bl->inflated_pages;
	st->deflated_pages = bl->deflated_pages;
	st->reported_pages = bl->reported_pages;
	st->released_bytes = bl->released_bytes;
	st->invalid_requests = bl->invalid;
	st->protocol_errors = bl->dev.cnt.errors;
	st->needs_reset = !!(bl->dev.mmio.status &
			     VIRTIO_CONFIG_S_NEEDS_RESET);
	st->balloon_pages = bl->balloon_pages;
	st->stats_updates = bl->stats_updates;
	st->stats_timestamp_ns = bl->stats_ts;
	st->stats_valid = bl->stats.present &
			  GENMASK(MINIVMM_BALLOON_NR_STATS - 1, 0);
	for (i = 0; i < MINIVMM_BALLOON_NR_STATS && i < MINIVMM_BALLOON_S_NR;
	     i++)
		st->stats[i] = bl->stats.val[i];
	mutex_unlock(&vm->mmio_lock);
	return 0;
}

static long balloon_get_stats(struct minivmm_vm *vm, void __user *argp)
{
	struct minivmm_balloon_status st;
	int r = minivmm_vm_balloon_status(vm, &st);

	if (r)
		return r;
	return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
}

/**
 * minivmm_balloon_ioctl() - the balloon's VM ioctls
 * @vm: the VM; the caller is a thread of the VMM's process.
 * @cmd: MINIVMM_CREATE_BALLOON, MINIVMM_SET_BALLOON_TARGET,
 *	MINIVMM_GET_BALLOON_STATS or MINIVMM_SET_BALLOON_STATS_INTERVAL.
 * @argp: the ioctl's structure.
 *
 * Return: 0; -EFAULT; -EINVAL for a bad argument (flags, reserved fields,
 * an unaligned base, a vector below 32, features minivmm cannot offer);
 * -EEXIST when the window overlaps a memory slot or another device or the
 * VM has a balloon already; -ENOSPC when the VM has no room for another
 * in-kernel device; -ENODEV (target, stats) when the VM has no balloon;
 * -ENOMEM; -ENOTTY for another @cmd.
 */
long minivmm_balloon_ioctl(struct minivmm_vm *vm, unsigned int cmd,
			   void __user *argp)
{
	switch (cmd) {
	case MINIVMM_CREATE_BALLOON:
		return balloon_create(vm, argp);
	case MINIVMM_SET_BALLOON_TARGET:
		return balloon_set_target(vm, argp);
	case MINIVMM_GET_BALLOON_STATS:
		return balloon_get_stats(vm, argp);
	case MINIVMM_SET_BALLOON_STATS_INTERVAL:
		return balloon_set_interval(vm, argp);
	default:
		return -ENOTTY;
	}
}

/**
 * minivmm_balloon_destroy() - remove the VM's balloon, if any
 * @vm: the VM, being destroyed (no vCPU runs any more).
 *
 * Ballooned pages stay unmapped in the VMM; nothing needs to be restored.
 */
void minivmm_balloon_destroy(struct minivmm_vm *vm)
{
	struct minivmm_balloon *bl;

	mutex_lock(&vm->mmio_lock);
	bl = balloon_find(vm);
	mutex_unlock(&vm->mmio_lock);
	if (!bl)
		return;
	cancel_delayed_work_sync(&bl->stats_work);
	minivmm_mmio_unregister(vm, &bl->mmio);
	atomic64_sub(sizeof(*bl) + bl->bitmap_bytes, &vm->stats.kernel_bytes);
	balloon_free_ranges(bl);
	kfree(bl);
}
