// SPDX-License-Identifier: GPL-2.0
/*
 * Double-paging accounting. Host paging of guest memory shows in four
 * places, each counted per VM:
 *  - the guest touches a page the host swapped out: a major fault on the
 *    EPT-violation path (kmod/memslot.c, stats.faults_major);
 *  - a device model writes guest memory to disk (DMA to the device) that
 *    the host had swapped out: the host reads it from swap only for it to
 *    be written out again, the classic double paging;
 *  - a device model reads disk data into a page the host had swapped out:
 *    the old contents were kept in swap for nothing (a stale swap read);
 *  - balloon inflation releases a page the host had swapped out
 *    (kmod/vm_balloon.c): a swap slot freed without a read.
 * Device models live in userspace, so they report their DMA ranges with
 * MINIVMM_REPORT_DMA before touching them; residency is read from the
 * VMM's page tables (kmod/hva_peek.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>
#include <linux/virtio_balloon.h>
#include "hva_peek.h"
#include "paging_stats.h"
#include "vm_balloon.h"

/* Largest DMA report: 64 MiB. */
#define DMA_REPORT_MAX		(64ULL << 20)

/* Resident and swapped pages of every writable slot of @vm. */
static void slots_peek(struct minivmm_vm *vm, struct minivmm_hva_counts *sum)
{
	struct minivmm_hva_counts c;
	int i;

	sum->present = 0;
	sum->swapped = 0;
	if (!mmget_not_zero(vm->mm))
		return;
	mutex_lock(&vm->lock);
	mmap_read_lock(vm->mm);
	for (i = 0; i < MINIVMM_MAX_MEMSLOTS; i++) {
		const struct minivmm_memslot *s = &vm->slots[i];

		if (!s->size || (s->flags & MINIVMM_MEM_READONLY))
			continue;
		minivmm_hva_peek(vm->mm, s->uaddr, s->size >> PAGE_SHIFT,
				 NULL, 0, &c);
		sum->present += c.present;
		sum->swapped += c.swapped;
	}
	mmap_read_unlock(vm->mm);
	mutex_unlock(&vm->lock);
	mmput(vm->mm);
}

/**
 * minivmm_paging_stats() - a VM's paging statistics
 * @vm: the VM; the caller holds a reference. Any process may ask.
 * @ps: filled in.
 *
 * Walks the page tables of the VM's writable slots (for the pages in host
 * swap and resident now). Return: 0.
 */
int minivmm_paging_stats(struct minivmm_vm *vm, struct minivmm_paging_stats *ps)
{
	struct minivmm_balloon_status bst;
	struct minivmm_hva_counts now;
	struct minivmm_vm_stats *v = &vm->stats;

	memset(ps, 0, sizeof(*ps));
	ps->host_swapin_faults = atomic64_read(&v->faults_major);
	ps->double_paging_pages = atomic64_read(&v->double_paging);
	ps->stale_swap_read_pages = atomic64_read(&v->stale_swap_reads);
	ps->ballooned_swapped_pages = atomic64_read(&v->ballooned_swapped);
	ps->swapins_saved = atomic64_read(&v->swapins_saved);
	ps->dma_reports = atomic64_read(&v->dma_reports);
	ps->dma_pages = atomic64_read(&v->dma_pages);
	if (!minivmm_vm_balloon_status(vm, &bst)) {
		ps->balloon_pages = bst.balloon_pages;
		/* The statistics queue reports swap traffic in bytes. */
		if (bst.stats_valid & BIT(VIRTIO_BALLOON_S_SWAP_IN)) {
			ps->guest_swap_in = bst.stats[VIRTIO_BALLOON_S_SWAP_IN] >>
					    PAGE_SHIFT;
			ps->guest_stats_valid |= BIT(0);
		}
		if (bst.stats_valid & BIT(VIRTIO_BALLOON_S_SWAP_OUT)) {
			ps->guest_swap_out = bst.stats[VIRTIO_BALLOON_S_SWAP_OUT] >>
					     PAGE_SHIFT;
			ps->guest_stats_valid |= BIT(1);
		}
	}
	slots_peek(vm, &now);
	ps->host_swapped_pages = now.swapped;
	ps->host_resident_pages = now.present;
	return 0;
}

static long report_dma(struct minivmm_vm *vm, void __user *argp)
{
	struct minivmm_dma_report rep;
	const struct minivmm_memslot *s;
	struct minivmm_hva_counts cnt;
	unsigned long hva, npages;
	u64 first, end;

	if (copy_from_user(&rep, argp, sizeof(rep)))
		return -EFAULT;
	if (rep.flags || rep.reserved[0] || rep.reserved[1])
		return -EINVAL;
	if (rep.direction != MINIVMM_DMA_TO_DEVICE &&
	    rep.direction != MINIVMM_DMA_FROM_DEVICE)
		return -EINVAL;
	if (!rep.size || rep.size > DMA_REPORT_MAX ||
	    rep.gpa + rep.size < rep.gpa)
		return -EINVAL;
	first = rep.gpa & PAGE_MASK;
	end = PAGE_ALIGN(rep.gpa + rep.size);
	npages = (end - first) >> PAGE_SHIFT;

	mutex_lock(&vm->lock);
	s = minivmm_find_slot(vm, rep.gpa);
	if (!s || rep.gpa + rep.size > s->gpa + s->size) {
		mutex_unlock(&vm->lock);
		return -EINVAL;
	}
	hva = minivmm_slot_hva(s, first);
	mmap_read_lock(vm->mm);
	minivmm_hva_peek(vm->mm, hva, npages, NULL, 0, &cnt);
	mmap_read_unlock(vm->mm);
	mutex_unlock(&vm->lock);

	atomic64_inc(&vm->stats.dma_reports);
	atomic64_add(npages, &vm->stats.dma_pages);
	if (rep.direction == MINIVMM_DMA_TO_DEVICE)
		atomic64_add(cnt.swapped, &vm->stats.double_paging);
	else
		atomic64_add(cnt.swapped, &vm->stats.stale_swap_reads);
	rep.swapped_pages = cnt.swapped;
	return copy_to_user(argp, &rep, sizeof(rep)) ? -EFAULT : 0;
}

static long get_paging_stats(struct minivmm_vm *vm, void __user *argp)
{
	struct minivmm_paging_stats ps;

	minivmm_paging_stats(vm, &ps);
	return copy_to_user(argp, &ps, sizeof(ps)) ? -EFAULT : 0;
}

/**
 * minivmm_paging_ioctl() - MINIVMM_GET_PAGING_STATS and MINIVMM_REPORT_DMA
 * @vm: the VM; the caller is a thread of the VMM's process.
 * @cmd: the ioctl.
 * @argp: its structure.
 *
 * MINIVMM_REPORT_DMA counts the host-swapped pages of a guest range a
 * device model is about to read (a guest disk write: double paging) or
 * write (a guest disk read: stale swap reads), and returns their number.
 *
 * Return: 0; -EFAULT; -EINVAL for a bad direction, flags or reserved
 * fields, a size of 0 or above 64 MiB, or a range not inside one memory
 * slot; -ENOTTY for another @cmd.
 */
long minivmm_paging_ioctl(struct minivmm_vm *vm, unsigned int cmd,
			  void __user *argp)
{
	switch (cmd) {
	case MINIVMM_GET_PAGING_STATS:
		return get_paging_stats(vm, argp);
	case MINIVMM_REPORT_DMA:
		return report_dma(vm, argp);
	default:
		return -ENOTTY;
	}
}
