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
 * Interrupts: the device's interrupt is queued on vCPU 0 with
 * minivmm_vcpu_raise_irq(); while an interrupt is pending there, a new one
 * is dropped (InterruptStatus stays set, so a polling driver, or the
 * driver's handler of the earlier interrupt, still sees it).
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
#include "vm_balloon.h"
#include "common/balloon_dev.h"
#include "common/memslot_check.h"

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
/* Guest-physical addresses are below 2^52 (the architectural MAXPHYADDR). */
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

/*
 * Release the VMM memory behind guest-physical [gpa, gpa + size): the
 * range must lie inside one writable slot. vm->lock is held across the
 * zap so that the slot cannot go away (and its memory be reused by the
 * VMM) in between. If @swapped is set, host-swapped pages of the range
 * get their bit set there (from bit @bit0) and are counted as ballooned
 * while swapped.
 * Return: 0 (bytes released added to released_bytes; memory that cannot be
 * zapped, e.g. mlock()ed or hugetlbfs, is kept), or -EINVAL for a range
 * outside guest RAM.
 */
static int balloon_release(struct minivmm_balloon *bl, u64 gpa, u64 size,
			   unsigned long *swapped, u64 bit0)
{
	struct minivmm_vm *vm = bl->vm;
	const struct minivmm_memslot *s;
	struct minivmm_hva_counts cnt;
	struct vm_area_struct *vma;
	unsigned long hva;
	int r = 0;

	if (!size || gpa + size < gpa)
		return -EINVAL;
	mutex_lock(&vm->lock);
	s = minivmm_find_slot(vm, gpa);
	if (!s || (s->flags & MINIVMM_MEM_READONLY) ||
	    gpa + size > s->gpa + s->size) {
		r = -EINVAL;
		goto out;
	}
	hva = minivmm_slot_hva(s, gpa);
	if (current->mm != vm->mm)
		goto out;
	mmap_read_lock(vm->mm);
	vma = vma_lookup(vm->mm, hva);
	if (vma && hva + size <= vma->vm_end &&
	    !(vma->vm_flags & (VM_LOCKED | VM_HUGETLB | VM_PFNMAP | VM_IO |
			       VM_MIXEDMAP))) {
		if (swapped) {
			minivmm_hva_peek(vm->mm, hva, size >> PAGE_SHIFT,
					 swapped, bit0, &cnt);
			atomic64_add(cnt.swapped, &vm->stats.ballooned_swapped);
		}
		minivmm_zap_user_range(vma, hva, size);
		bl->released_bytes += size;
	}
	mmap_read_unlock(vm->mm);
out:
	mutex_unlock(&vm->lock);
	return r;
}

/* Release the pending run of inflated frames, if any. */
static void balloon_flush_run(struct minivmm_balloon *bl)
{
	if (!bl->run_len)
		return;
	/* The slot was checked when the run started; a slot removed since
	 * leaves its frames ballooned but unreleased.
	 */
	balloon_release(bl, bl->run_pfn << PAGE_SHIFT,
			bl->run_len << PAGE_SHIFT, bl->run_range->swapped,
			bl->run_pfn - bl->run_range->first);
	bl->run_len = 0;
}

/* The range holding @pfn, or NULL. */
static struct balloon_range *balloon_range_of(struct minivmm_balloon *bl,
					      u64 pfn)
{
	struct balloon_range *r = bl->last_range;
	unsigned int i;

	if (r && pfn - r->first < r->nr)
		return r;
	for (i = 0; i < bl->nr_ranges; i++) {
		r = &bl->ranges[i];
		if (pfn - r->first < r->nr) {
			bl->last_range = r;
			return r;
		}
	}
	return NULL;
}

/* Start a run at @pfn (0), or -EINVAL when it is not in writable RAM. */
static int balloon_start_run(struct minivmm_balloon *bl, u64 pfn,
			     struct balloon_range *range)
{
	struct minivmm_vm *vm = bl->vm;
	const struct minivmm_memslot *s;
	int r = -EINVAL;

	mutex_lock(&vm->lock);
	s = minivmm_find_slot(vm, pfn << PAGE_SHIFT);
	if (s && !(s->flags & MINIVMM_MEM_READONLY)) {
		bl->run_pfn = pfn;
		bl->run_len = 1;
		bl->run_slot_end = min((s->gpa + s->size) >> PAGE_SHIFT,
				       range->first + range->nr);
		bl->run_range = range;
		r = 0;
	}
	mutex_unlock(&vm->lock);
	return r;
}

static int host_inflate_pfn(void *ctx, __u32 pfn)
{
	struct minivmm_balloon *bl = ctx;
	struct balloon_range *range = balloon_range_of(bl, pfn);

	if (!range || test_bit(pfn - range->first, range->bits)) {
		bl->invalid++;
		return -EINVAL;
	}
	if (bl->run_len && pfn == bl->run_pfn + bl->run_len &&
	    pfn < bl->run_slot_end && bl->run_len < BALLOON_MAX_RUN) {
		bl->run_len++;
	} else {
		balloon_flush_run(bl);
		if (balloon_start_run(bl, pfn, range)) {
			bl->invalid++;
			return -EINVAL;
		}
	}
	__set_bit(pfn - range->first, range->bits);
	bl->balloon_pages++;
	bl->inflated_pages++;
	return 0;
}

static int host_deflate_pfn(void *ctx, __u32 pfn)
{
	struct minivmm_balloon *bl = ctx;
	struct balloon_range *range = balloon_range_of(bl, pfn);

	if (!range || !test_bit(pfn - range->first, range->bits)) {
		bl->invalid++;
		return -EINVAL;
	}
	/* The page faults back in, zeroed, when the guest touches it. */
	balloon_flush_run(bl);
	__clear_bit(pfn - range->first, range->bits);
	if (__test_and_clear_bit(pfn - range->first, range->swapped))
		atomic64_inc(&bl->vm->stats.swapins_saved);
	bl->balloon_pages--;
	bl->deflated_pages++;
	return 0;
}

static int host_report_pages(void *ctx, __u64 pfn, __u64 npages)
{
	struct minivmm_balloon *bl = ctx;
	int r = -EINVAL;

	if (npages && pfn < BALLOON_MAX_PFNS && npages <= BALLOON_MAX_PFNS)
		r = balloon_release(bl, pfn << PAGE_SHIFT, npages << PAGE_SHIFT,
				    NULL, 0);
	if (r) {
		bl->invalid++;
		return r;
	}
	bl->reported_pages += npages;
	return 0;
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

static bool balloon_needs_reset(const struct minivmm_balloon *bl)
{
	return bl->dev.mmio.status & VIRTIO_CONFIG_S_NEEDS_RESET;
}

/*
 * The guest's driver made the device stop (DEVICE_NEEDS_RESET): say why,
 * once per stop, at most DEFAULT_RATELIMIT_BURST times per interval and
 * VM. The guest keeps running; resetting the device is its driver's
 * business.
 */
static void balloon_log_stop(struct minivmm_balloon *bl, bool was)
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

static void balloon_free_ranges(struct minivmm_balloon *bl)
{
	unsigned int i;

	for (i = 0; i < bl->nr_ranges; i++) {
		kvfree(bl->ranges[i].bits);
		kvfree(bl->ranges[i].swapped);
	}
	bl->nr_ranges = 0;
}

/*
 * One range per writable slot, clipped to the frames a PFN can name, with
 * bitmaps sized by the slot and charged to the caller's memory cgroup.
 * Return: 0, -E2BIG when the slots hold more than BALLOON_MAX_RAM_PFNS
 * frames, or -ENOMEM.
 */
static int balloon_alloc_ranges(struct minivmm_balloon *bl)
{
	struct minivmm_slot_range slots[MINIVMM_MAX_MEMSLOTS];
	struct minivmm_vm *vm = bl->vm;
	u64 total = 0;
	int i;

	mutex_lock(&vm->lock);
	for (i = 0; i < MINIVMM_MAX_MEMSLOTS; i++) {
		const struct minivmm_memslot *s = &vm->slots[i];

		slots[i].gpa = s->gpa;
		slots[i].size = (s->flags & MINIVMM_MEM_READONLY) ? 0 : s->size;
	}
	mutex_unlock(&vm->lock);
	for (i = 0; i < MINIVMM_MAX_MEMSLOTS; i++) {
		u64 first = slots[i].gpa >> PAGE_SHIFT;
		u64 end = (slots[i].gpa + slots[i].size) >> PAGE_SHIFT;

		end = min(end, BALLOON_MAX_PFNS);
		if (!slots[i].size || first >= end)
			continue;
		total += end - first;
		if (total > BALLOON_MAX_RAM_PFNS)
			return -E2BIG;
	}
	for (i = 0; i < MINIVMM_MAX_MEMSLOTS; i++) {
		struct balloon_range *r = &bl->ranges[bl->nr_ranges];
		u64 first = slots[i].gpa >> PAGE_SHIFT;
		u64 end = (slots[i].gpa + slots[i].size) >> PAGE_SHIFT;
		size_t bytes;

		end = min(end, BALLOON_MAX_PFNS);
		if (!slots[i].size || first >= end)
			continue;
		bytes = BITS_TO_LONGS(end - first) * sizeof(unsigned long);
		r->bits = kvzalloc(bytes, GFP_KERNEL_ACCOUNT);
		r->swapped = kvzalloc(bytes, GFP_KERNEL_ACCOUNT);
		bl->nr_ranges++;
		if (!r->bits || !r->swapped)
			return -ENOMEM;
		r->first = first;
		r->nr = end - first;
		bl->bitmap_bytes += 2 * bytes;
	}
	return 0;
}

static long balloon_create(struct minivmm_vm *vm, void __user *argp)
{
	static const struct minivmm_gmem_ops gm_ops = {
		.read = gmem_read,
		.write = gmem_write,
	};
	static const struct minivmm_balloon_host_ops host_ops = {
		.inflate_pfn = host_inflate_pfn,
		.deflate_pfn = host_deflate_pfn,
		.report_pages = host_report_pages,
		.stats = host_stats,
		.reset = host_reset,
		.irq = host_irq,
		.mem_barrier = host_mem_barrier,
		.check = host_check,
	};
	struct minivmm_balloon_host_ops host = host_ops;
	struct minivmm_gmem_ops gm = gm_ops;
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
	gm.ctx = bl;
	host.ctx = bl;
	r = minivmm_balloon_init(&bl->dev, features, &gm, &host);
	if (r)
		goto free;
	minivmm_balloon_set_target(&bl->dev, cfg.initial_target_pages);
	bl->mmio.kind = MINIVMM_MMIO_BALLOON;
	bl->mmio.base = cfg.mmio_base;
	bl->mmio.size = MINIVMM_BALLOON_MMIO_SIZE;
	bl->mmio.read = balloon_mmio_read;
	bl->mmio.write = balloon_mmio_write;
	bl->mmio.service = balloon_service;
	bl->mmio.priv = bl;

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
