// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel balloon's frames: per-slot bitmaps of ballooned (and
 * ballooned-while-swapped) frames, and the release of the VMM memory behind
 * inflated frames, gathered in runs of contiguous frames and zapped with
 * one call each (see kmod/vm_balloon.c for the whole design).
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
#include <linux/userfaultfd_k.h>
#include <linux/workqueue.h>
#include "compat.h"
#include "hva_peek.h"
#include "balloon_priv.h"
#include "vm_balloon.h"
#include "common/balloon_dev.h"
#include "common/memslot_check.h"

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
 *
 * The zap is MADV_DONTNEED's, except that a module cannot send the
 * UFFD_EVENT_REMOVE that madvise() sends first: memory registered with
 * userfaultfd is kept, or its monitor (a postcopy migration, say) would
 * find pages gone that it never saw removed.
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
	if (vma && hva + size <= vma->vm_end && !userfaultfd_armed(vma) &&
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
void balloon_flush_run(struct minivmm_balloon *bl)
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

int balloon_inflate_pfn(void *ctx, __u32 pfn)
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

int balloon_deflate_pfn(void *ctx, __u32 pfn)
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

int balloon_report_pages(void *ctx, __u64 pfn, __u64 npages)
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

void balloon_free_ranges(struct minivmm_balloon *bl)
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
int balloon_alloc_ranges(struct minivmm_balloon *bl)
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
