// SPDX-License-Identifier: GPL-2.0
/*
 * Second-level page tables (Intel EPT, AMD NPT): 4 levels, write-back,
 * 4 KiB leaves and, over transparent huge pages, 2 MiB leaves. The entry
 * format comes from the backend (struct minivmm_tdp_format); the logic is
 * shared. A guest page is mapped on its first second-level fault from the
 * page the VMM's own page tables hold at that moment; no reference is kept
 * once it is mapped. The MMU notifier (kmod/mmu_notifier.c) zaps entries
 * whenever the host unmaps, moves, swaps or write-protects the page, and
 * a fault that raced with that retries (mmu_seq), as in KVM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/pgtable.h>
#include <linux/huge_mm.h>
#include <linux/sizes.h>
#include "x86.h"
#include "../arch_call.h"

#define TDP_ADDR_MASK	0x000ffffffffff000ULL
#define TDP_LEVELS	4
#define TDP_ENTRIES	512

static void leaf_dropped(struct minivmm_vm *vm, u64 entry);

/* The backend's entry format, copied at load: one load per field on faults. */
static struct minivmm_tdp_format tdp_fmt __ro_after_init;

static const struct minivmm_tdp_format *fmt(void)
{
	return &tdp_fmt;
}

/**
 * minivmm_x86_tdp_init() - take the backend's second-level entry format
 * @f: the format (struct minivmm_arch_ops.tdp), after the backend's @init.
 */
void __init minivmm_x86_tdp_init(const struct minivmm_tdp_format *f)
{
	tdp_fmt = *f;
}

static u64 *table_of(u64 entry)
{
	return phys_to_virt(entry & TDP_ADDR_MASK);
}

static bool present(u64 entry)
{
	return entry & fmt()->present;
}

/* A present entry above level 0 that points to a table (not a 2 MiB leaf). */
static bool is_table(u64 entry, int level)
{
	return level > 0 && present(entry) && !(entry & fmt()->large);
}

static unsigned int index_at(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * level)) & (TDP_ENTRIES - 1);
}

/**
 * minivmm_x86_vm_init() - give a new VM an empty second-level table
 * @vm: the VM.
 *
 * Return: 0 or -ENOMEM.
 */
int minivmm_x86_vm_init(struct minivmm_vm *vm)
{
	vm->arch.tdp_root = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vm->arch.tdp_root)
		return -ENOMEM;
	vm->arch.tdp_pages = 1;
	vm->arch.tdp_ad = fmt()->ad;
	atomic_long_inc(&minivmm_table_pages);
	atomic64_set(&vm->stats.ept_table_pages, 1);
	return 0;
}

static void free_level(u64 *table, int level, struct minivmm_vm *vm)
{
	int i;

	for (i = 0; i < TDP_ENTRIES; i++) {
		if (!present(table[i]))
			continue;
		if (is_table(table[i], level))
			free_level(table_of(table[i]), level - 1, vm);
		else
			leaf_dropped(vm, table[i]);
	}
	free_page((unsigned long)table);
	vm->arch.tdp_pages--;
	atomic_long_dec(&minivmm_table_pages);
	/* A large VM has a million tables: let others run in between. */
	if (level)
		cond_resched();
}

/**
 * minivmm_x86_vm_destroy() - free a VM's second-level tables; no vCPU of
 *	it exists any more
 * @vm: the VM.
 */
void minivmm_x86_vm_destroy(struct minivmm_vm *vm)
{
	if (!vm->arch.tdp_root)
		return;
	free_level(page_address(vm->arch.tdp_root), TDP_LEVELS - 1, vm);
	WARN_ON(vm->arch.tdp_pages);
	vm->arch.tdp_root = NULL;
}

static int cache_topup(struct minivmm_vcpu_arch *a)
{
	while (a->tdp_cache_nr < MINIVMM_TDP_CACHE_PAGES) {
		struct page *p = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

		if (!p)
			return -ENOMEM;
		a->tdp_cache[a->tdp_cache_nr++] = p;
	}
	return 0;
}

/*
 * The entry for @gpa at @target_level (0: 4 KiB leaf, 1: 2 MiB leaf),
 * creating tables from the cache. A 2 MiB leaf on the way to a 4 KiB
 * entry is dropped (the range refaults in 4 KiB pages; *@flush is set).
 * NULL when a table sits where a 2 MiB leaf should go. Under mmu_lock.
 */
static u64 *walk_alloc(struct minivmm_vcpu *vcpu, u64 gpa, int target_level,
		       bool *flush)
{
	struct minivmm_vcpu_arch *a = &vcpu->arch;
	struct minivmm_vm *vm = vcpu->vm;
	u64 *table = page_address(vm->arch.tdp_root);
	int level;

	for (level = TDP_LEVELS - 1; level > target_level; level--) {
		u64 *e = &table[index_at(gpa, level)];

		if (present(*e) && (*e & fmt()->large)) {
			leaf_dropped(vm, xchg(e, 0));
			atomic64_dec(&vm->stats.huge_mapped);
			atomic64_add(512, &vm->stats.pages_zapped);
			*flush = true;
		}
		if (!present(*e)) {
			struct page *p;

			if (WARN_ON_ONCE(!a->tdp_cache_nr))
				return NULL;
			p = a->tdp_cache[--a->tdp_cache_nr];
			vm->arch.tdp_pages++;
			atomic_long_inc(&minivmm_table_pages);
			atomic64_inc(&vm->stats.ept_table_pages);
			WRITE_ONCE(*e, page_to_phys(p) | fmt()->table);
		}
		table = table_of(*e);
	}
	if (target_level && is_table(table[index_at(gpa, target_level)], target_level))
		return NULL;
	return &table[index_at(gpa, target_level)];
}

/*
 * Install @new at @e (present or not), keeping the counters; a present
 * entry replaced by another frame needs a flush (*@flush).
 */
static void set_leaf(struct minivmm_vm *vm, u64 *e, u64 new, bool huge, bool *flush)
{
	/* xchg: the CPU may set the dirty flag of the old entry meanwhile. */
	u64 old = xchg(e, new);

	if (!present(old)) {
		atomic64_inc(huge ? &vm->stats.huge_mapped : &vm->stats.pages_mapped);
		return;
	}
	leaf_dropped(vm, old);
	/* A new frame behind a present entry: other CPUs may cache the old. */
	if ((old & TDP_ADDR_MASK) != (new & TDP_ADDR_MASK))
		*flush = true;
}

static int fault_exit(struct minivmm_vcpu *vcpu, u64 gpa, u64 qual, int err)
{
	u64 data[4] = { gpa, qual, (u64)(s64)err, minivmm_call(get_rip)(vcpu) };

	return minivmm_x86_internal_error(vcpu, MINIVMM_INTERNAL_ERROR_MEMORY, 4, data);
}

/*
 * Does the VMM map the 2 MiB-aligned range around @hva with one PMD that
 * points at @pfn (a transparent huge page)? Read locklessly with interrupts
 * off, as fast GUP does, so page tables cannot be freed under us; the
 * caller's mmu_seq check catches any change after.
 */
static bool host_maps_pmd(struct mm_struct *mm, unsigned long hva,
			  unsigned long pfn, bool *writable)
{
	unsigned long flags;
	bool ok = false;
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t pud;
	pmd_t pmd;

	local_irq_save(flags);
	pgd = pgd_offset(mm, hva);
	if (pgd_none(READ_ONCE(*pgd)))
		goto out;
	p4d = p4d_offset(pgd, hva);
	if (p4d_none(READ_ONCE(*p4d)))
		goto out;
	pud = READ_ONCE(*pud_offset(p4d, hva));
	if (!pud_present(pud) || (pud_val(pud) & _PAGE_PSE))
		goto out;
	pmd = READ_ONCE(*pmd_offset(&pud, hva));
	if (pmd_trans_huge(pmd) && pmd_pfn(pmd) == pfn) {
		ok = true;
		*writable = *writable && pmd_write(pmd);
	}
out:
	local_irq_restore(flags);
	return ok;
}

/*
 * May the fault at @gpa map a 2 MiB leaf? The backend must offer 2 MiB
 * leaves, the slot must hold the whole aligned 2 MiB with the same
 * alignment in the VMM, and the VMM must map it with a transparent huge
 * page. Under mmu_lock.
 */
static bool huge_ok(struct minivmm_vm *vm, u64 gpa, struct page *page,
		    bool *writable)
{
	const struct minivmm_memslot *s;
	u64 base = gpa & ~(u64)(SZ_2M - 1);
	struct page *head;
	unsigned long hva;

	if (!fmt()->huge_2m || !PageTransCompound(page))
		return false;
	head = compound_head(page);
	if (compound_order(head) != HPAGE_PMD_ORDER)
		return false;
	s = minivmm_find_slot(vm, gpa);
	if (!s || base < s->gpa || base + SZ_2M > s->gpa + s->size ||
	    ((s->gpa ^ s->uaddr) & (SZ_2M - 1)))
		return false;
	hva = minivmm_slot_hva(s, base);
	return host_maps_pmd(vm->mm, hva, page_to_pfn(head), writable);
}

/*
 * MMIO that is no instruction's data operand has nothing to emulate: an
 * event's delivery (the IDT, GDT or a stack in MMIO), an instruction
 * fetch, a guest page-table walk. The VM stops, as on KVM
 * (KVM_INTERNAL_ERROR_DELIVERY_EV), instead of the instruction at RIP
 * being emulated as an access it never made.
 */
static int mmio_not_data(struct minivmm_vcpu *vcpu, const struct minivmm_tdp_fault *tf)
{
	u64 data[4] = { tf->gpa, tf->qual, tf->vectoring, minivmm_call(get_rip)(vcpu) };

	return minivmm_x86_internal_error(vcpu, tf->vectoring ?
					  MINIVMM_INTERNAL_ERROR_DELIVERY_EV :
					  MINIVMM_INTERNAL_ERROR_MMIO_NOT_DATA, 4, data);
}

/**
 * minivmm_x86_tdp_fault() - handle a second-level fault (EPT violation,
 *	NPT fault)
 * @vcpu: the vCPU; preemptible.
 * @tf: the fault, as the backend decoded it.
 *
 * Return: MINIVMM_RUN_RESUME once mapped (or to retry after a race),
 * MINIVMM_RUN_USER for an access outside guest memory (MMIO) or to memory
 * the host cannot provide, -ENOMEM.
 */
int minivmm_x86_tdp_fault(struct minivmm_vcpu *vcpu, const struct minivmm_tdp_fault *tf)
{
	const struct minivmm_tdp_format *f = fmt();
	struct minivmm_vm *vm = vcpu->vm;
	bool write = tf->flags & MINIVMM_TDP_WRITE;
	u64 gpa = tf->gpa;
	struct page *page;
	unsigned long seq;
	bool writable, flush = false;
	u64 *e;
	int r;

	atomic64_inc(&vm->stats.ept_violations);
	r = minivmm_gpa_to_page(vm, gpa, write, &page, &writable, &seq);
	if (r == -EINTR || r == -EAGAIN || r == -ERESTARTSYS)
		return MINIVMM_RUN_RESUME;	/* the entry path sees the signal */
	if (r == -ENOENT || r == -EPERM) {
		if (tf->vectoring || (tf->flags & (MINIVMM_TDP_FETCH | MINIVMM_TDP_NOT_DATA)))
			return mmio_not_data(vcpu, tf);
		return minivmm_x86_emulate_mmio(vcpu, gpa, write);
	}
	if (r)
		return fault_exit(vcpu, gpa, tf->qual, r);
	r = cache_topup(&vcpu->arch);
	if (r) {
		put_page(page);
		return r;
	}
	spin_lock(&vm->mmu_lock);
	if (minivmm_mmu_retry(vm, seq))
		goto unlock;
	/*
	 * A 2 MiB leaf is installed, or upgraded in place (a read-only one
	 * that the guest now writes, after a fork or clear_refs made the
	 * VMM's mapping read-only for a while).
	 */
	if (huge_ok(vm, gpa, page, &writable)) {
		e = walk_alloc(vcpu, gpa, 1, &flush);
		if (e) {
			set_leaf(vm, e, page_to_phys(compound_head(page)) | f->large |
				 f->leaf | (writable ? f->writable : 0), true, &flush);
			goto unlock;
		}
	}
	e = walk_alloc(vcpu, gpa, 0, &flush);
	if (e)
		set_leaf(vm, e, page_to_phys(page) | f->leaf |
			 (writable ? f->writable : 0), false, &flush);
unlock:
	/* Other CPUs drop the old translations before the lock is dropped. */
	if (flush)
		minivmm_request_all(vm, MINIVMM_REQ_TLB_FLUSH);
	spin_unlock(&vm->mmu_lock);
	put_page(page);
	return MINIVMM_RUN_RESUME;
}

/*
 * A leaf leaves the table: the guest's writes through it become the page's
 * dirty state, which the VMM's page tables never saw (A/D off: any
 * writable mapping counts as written).
 */
static void leaf_dropped(struct minivmm_vm *vm, u64 entry)
{
	unsigned long pfn = (entry & TDP_ADDR_MASK) >> PAGE_SHIFT;

	if ((entry & fmt()->writable) && (!vm->arch.tdp_ad || (entry & fmt()->dirty)) &&
	    pfn_valid(pfn))
		SetPageDirty(pfn_to_page(pfn));
}

struct tdp_walk {
	struct minivmm_vm *vm;
	bool clear;		/* age: clear the accessed bits */
	bool can_yield;		/* zap: mmu_lock may be dropped between tables */
	bool unflushed;		/* zap: leaves removed since the last flush */
	long count;		/* zap: 4 KiB leaves removed; age: leaves accessed */
	long huge;		/* zap: 2 MiB leaves removed */
};

/*
 * Between two tables of a long zap: let a waiter of mmu_lock, or the
 * scheduler, in. vCPUs drop what was removed so far first, so that no
 * other invalidation can return while a translation it found gone is
 * still cached. Tables are freed only with the VM, so the walk goes on
 * where it was; faults meanwhile retry (the caller has mmu_invalidating
 * raised).
 */
static void zap_yield(struct tdp_walk *w)
{
	struct minivmm_vm *vm = w->vm;

	if (!w->can_yield || !(need_resched() || spin_needbreak(&vm->mmu_lock)))
		return;
	if (w->unflushed) {
		minivmm_request_all(vm, MINIVMM_REQ_TLB_FLUSH);
		w->unflushed = false;
	}
	spin_unlock(&vm->mmu_lock);
	cond_resched();
	spin_lock(&vm->mmu_lock);
}

/* Visit the leaves of [start, end) under @table; @zap removes them. */
static void walk_level(u64 *table, int level, u64 base, u64 start, u64 end,
		       struct tdp_walk *w, bool zap)
{
	u64 span = 1ULL << (12 + 9 * level);
	int abit = fmt()->accessed_bit;
	unsigned int i;

	for (i = index_at(start, level); i < TDP_ENTRIES; i++) {
		u64 lo = base + i * span, hi = lo + span;

		if (lo >= end)
			break;
		if (!present(table[i]))
			continue;
		if (is_table(table[i], level)) {
			walk_level(table_of(table[i]), level - 1, lo, max(start, lo),
				   min(end, hi), w, zap);
			/* After each table of 4 KiB or 2 MiB leaves. */
			if (zap && level <= 2)
				zap_yield(w);
		} else if (zap) {
			/* A 2 MiB leaf goes whole; what remains refaults. */
			leaf_dropped(w->vm, xchg(&table[i], 0));
			w->unflushed = true;
			if (level)
				w->huge++;
			else
				w->count++;
		} else if (w->clear) {
			w->count += test_and_clear_bit(abit, (unsigned long *)&table[i]);
		} else {
			w->count += !!(table[i] & BIT_ULL(abit));
		}
	}
}

/**
 * minivmm_x86_tdp_zap() - remove the second-level mappings of a range
 * @vm: the VM; the caller holds vm->mmu_lock.
 * @gpa: start (page aligned).
 * @size: bytes (page aligned).
 * @can_yield: the caller may sleep and has vm->mmu_invalidating raised:
 *	mmu_lock may be dropped and taken again between tables of a long
 *	range (vCPUs flush what was removed before each break).
 *
 * Tables stay allocated until the VM goes. Return: true when an entry was
 * removed since the last flush, so vCPUs must flush their cached
 * translations.
 */
bool minivmm_x86_tdp_zap(struct minivmm_vm *vm, u64 gpa, u64 size, bool can_yield)
{
	struct tdp_walk w = { .vm = vm, .can_yield = can_yield };

	lockdep_assert_held(&vm->mmu_lock);
	if (!size)
		return false;
	walk_level(page_address(vm->arch.tdp_root), TDP_LEVELS - 1, 0, gpa,
		   gpa + size, &w, true);
	if (w.count) {
		atomic64_sub(w.count, &vm->stats.pages_mapped);
		atomic64_add(w.count, &vm->stats.pages_zapped);
	}
	if (w.huge) {
		atomic64_sub(w.huge, &vm->stats.huge_mapped);
		atomic64_add(w.huge * 512, &vm->stats.pages_zapped);
	}
	return w.unflushed;
}

/**
 * minivmm_x86_tdp_age() - guest pages of a range accessed since they were
 *	last aged
 * @vm: the VM; the caller holds vm->mmu_lock.
 * @gpa: start (page aligned).
 * @size: bytes (page aligned).
 * @clear: clear the accessed flags found set.
 *
 * Return: how many pages were accessed; 0 without hardware A/D flags.
 */
int minivmm_x86_tdp_age(struct minivmm_vm *vm, u64 gpa, u64 size, bool clear)
{
	struct tdp_walk w = { .vm = vm, .clear = clear };

	lockdep_assert_held(&vm->mmu_lock);
	if (!size || !vm->arch.tdp_ad)
		return 0;
	walk_level(page_address(vm->arch.tdp_root), TDP_LEVELS - 1, 0, gpa,
		   gpa + size, &w, false);
	return w.count;
}
