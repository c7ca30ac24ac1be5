// SPDX-License-Identifier: GPL-2.0
/*
 * Coherence between the VMM's page tables and the second-level (EPT)
 * tables. When the host unmaps, migrates, swaps out or write-protects
 * VMM memory that backs a slot, the covered guest mappings are zapped and
 * every vCPU flushes before the host may reuse the page. Faults that raced
 * with an invalidation see mmu_seq/mmu_invalidating and retry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include "vm.h"
#include "x86/x86.h"

static struct minivmm_vm *mn_to_vm(struct mmu_notifier *mn)
{
	return container_of(mn, struct minivmm_vm, mn);
}

/*
 * Call @fn on the guest ranges backed by [start, end) of the VMM; returns
 * the OR (zap) or sum (age) of the results. Under mmu_lock.
 */
static int for_hva_range(struct minivmm_vm *vm, unsigned long start,
			 unsigned long end, int (*fn)(struct minivmm_vm *vm,
			 u64 gpa, u64 size, bool arg), bool arg)
{
	int ret = 0;
	int i;

	for (i = 0; i < MINIVMM_MAX_MEMSLOTS; i++) {
		const struct minivmm_memslot *s = &vm->slots[i];
		u64 lo, hi;

		if (!s->size)
			continue;
		lo = max_t(u64, start, s->uaddr);
		hi = min_t(u64, end, s->uaddr + s->size);
		if (lo >= hi)
			continue;
		lo &= PAGE_MASK;
		hi = PAGE_ALIGN(hi);
		ret += fn(vm, s->gpa + (lo - s->uaddr), hi - lo, arg);
	}
	return ret;
}

static int zap_fn(struct minivmm_vm *vm, u64 gpa, u64 size, bool can_yield)
{
	return minivmm_x86_tdp_zap(vm, gpa, size, can_yield);
}

/* @can_yield: the caller may sleep and has mmu_invalidating raised. */
static bool zap_hva_range(struct minivmm_vm *vm, unsigned long start,
			  unsigned long end, bool can_yield)
{
	return for_hva_range(vm, start, end, zap_fn, can_yield) != 0;
}

static int age_fn(struct minivmm_vm *vm, u64 gpa, u64 size, bool clear)
{
	return minivmm_x86_tdp_age(vm, gpa, size, clear);
}

static int age_hva_range(struct minivmm_vm *vm, unsigned long start,
			 unsigned long end, bool clear)
{
	int young;

	spin_lock(&vm->mmu_lock);
	young = for_hva_range(vm, start, end, age_fn, clear);
	spin_unlock(&vm->mmu_lock);
	if (clear && young)
		atomic64_add(young, &vm->stats.young_cleared);
	return young;
}

static int inval_cause(enum mmu_notifier_event event)
{
	switch (event) {
	case MMU_NOTIFY_UNMAP:
		return MINIVMM_INVAL_UNMAP;
	case MMU_NOTIFY_CLEAR:
		return MINIVMM_INVAL_CLEAR;
	case MMU_NOTIFY_PROTECTION_VMA:
	case MMU_NOTIFY_PROTECTION_PAGE:
		return MINIVMM_INVAL_PROTECT;
	case MMU_NOTIFY_MIGRATE:
		return MINIVMM_INVAL_MIGRATE;
	default:
		return MINIVMM_INVAL_OTHER;
	}
}

static int mn_invalidate_range_start(struct mmu_notifier *mn,
				     const struct mmu_notifier_range *range)
{
	struct minivmm_vm *vm = mn_to_vm(mn);
	bool flush;

	spin_lock(&vm->mmu_lock);
	vm->mmu_invalidating++;
	flush = zap_hva_range(vm, range->start, range->end,
			      mmu_notifier_range_blockable(range));
	/*
	 * Flush before unlocking: a second invalidation of the same range
	 * finds nothing to zap, and must not return (letting the page be
	 * freed) while a vCPU may still hold the translation.
	 */
	if (flush)
		minivmm_request_all(vm, MINIVMM_REQ_TLB_FLUSH);
	spin_unlock(&vm->mmu_lock);
	if (flush)
		atomic64_inc(&vm->stats.inval[inval_cause(range->event)]);
	return 0;
}

static void mn_invalidate_range_end(struct mmu_notifier *mn,
				    const struct mmu_notifier_range *range)
{
	struct minivmm_vm *vm = mn_to_vm(mn);

	spin_lock(&vm->mmu_lock);
	vm->mmu_seq++;
	vm->mmu_invalidating--;
	spin_unlock(&vm->mmu_lock);
}

static void mn_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct minivmm_vm *vm = mn_to_vm(mn);
	bool flush;

	spin_lock(&vm->mmu_lock);
	vm->mmu_invalidating++;
	flush = zap_hva_range(vm, 0, ULONG_MAX, true);
	vm->mmu_seq++;
	vm->mmu_invalidating--;
	if (flush)
		minivmm_request_all(vm, MINIVMM_REQ_TLB_FLUSH);
	spin_unlock(&vm->mmu_lock);
}

/*
 * Host reclaim ages guest pages by the guest's own use: the EPT accessed
 * bits stand in for the accessed bits of the VMM's page tables, which the
 * guest's accesses never set.
 */
static int mn_clear_flush_young(struct mmu_notifier *mn, struct mm_struct *mm,
				unsigned long start, unsigned long end)
{
	struct minivmm_vm *vm = mn_to_vm(mn);
	int young = age_hva_range(vm, start, end, true);

	/* Cached translations would not set the accessed bit again. */
	if (young)
		minivmm_request_all(vm, MINIVMM_REQ_TLB_FLUSH);
	return young;
}

static int mn_clear_young(struct mmu_notifier *mn, struct mm_struct *mm,
			  unsigned long start, unsigned long end)
{
	return age_hva_range(mn_to_vm(mn), start, end, true);
}

static int mn_test_young(struct mmu_notifier *mn, struct mm_struct *mm,
			 unsigned long address)
{
	return age_hva_range(mn_to_vm(mn), address, address + 1, false);
}

static const struct mmu_notifier_ops minivmm_mn_ops = {
	.invalidate_range_start	= mn_invalidate_range_start,
	.invalidate_range_end	= mn_invalidate_range_end,
	.clear_flush_young	= mn_clear_flush_young,
	.clear_young		= mn_clear_young,
	.test_young		= mn_test_young,
	.release		= mn_release,
};

/**
 * minivmm_mmu_notifier_register() - watch the VM's address space
 * @vm: the VM; vm->mm is current->mm.
 *
 * Return: 0 or a negative errno.
 */
int minivmm_mmu_notifier_register(struct minivmm_vm *vm)
{
	int r;

	vm->mn.ops = &minivmm_mn_ops;
	r = mmu_notifier_register(&vm->mn, vm->mm);
	if (!r)
		vm->mn_registered = true;
	return r;
}

/**
 * minivmm_mmu_notifier_unregister() - stop watching; safe after release
 * @vm: the VM (vm->mm still grabbed).
 */
void minivmm_mmu_notifier_unregister(struct minivmm_vm *vm)
{
	if (vm->mn_registered)
		mmu_notifier_unregister(&vm->mn, vm->mm);
	vm->mn_registered = false;
}
