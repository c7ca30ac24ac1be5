// SPDX-License-Identifier: GPL-2.0
/*
 * Extended page tables: 4 levels, write-back, 4 KiB leaves. A guest page is
 * mapped on its first EPT violation from the page the VMM's own page tables
 * hold at that moment; no reference is kept once it is mapped. The MMU
 * notifier (kmod/mmu_notifier.c) zaps entries whenever the host unmaps,
 * moves, swaps or write-protects the page, and a fault that raced with that
 * retries (mmu_seq), as in KVM.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/pgtable.h>
#include <linux/huge_mm.h>
#include <linux/sizes.h>
#include <asm/vmx.h>
#include "vmx.h"
#include "vmx_insn.h"

#define EPT_R		BIT_ULL(0)
#define EPT_W		BIT_ULL(1)
#define EPT_X		BIT_ULL(2)
#define EPT_RWX		(EPT_R | EPT_W | EPT_X)
#define EPT_MT_WB	(6ULL << 3)
#define EPT_IPAT	BIT_ULL(6)
#define EPT_LARGE	BIT_ULL(7)
#define EPT_A_BIT	8
#define EPT_D		BIT_ULL(9)
#define EPT_ADDR_MASK	0x000ffffffffff000ULL
#define EPT_LEVELS	4
#define EPT_ENTRIES	512

static void leaf_dropped(struct vmx_vm *vvm, u64 entry);

static u64 *table_of(u64 entry)
{
	return phys_to_virt(entry & EPT_ADDR_MASK);
}

/* A present entry above level 0 that points to a table (not a 2 MiB leaf). */
static bool is_table(u64 entry, int level)
{
	return level > 0 && (entry & EPT_RWX) && !(entry & EPT_LARGE);
}

static unsigned int index_at(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * level)) & (EPT_ENTRIES - 1);
}

/**
 * vmx_vm_init() - give a new VM an empty EPT
 * @vm: the VM.
 *
 * Return: 0 or -ENOMEM.
 */
int vmx_vm_init(struct minivmm_vm *vm)
{
	struct vmx_vm *vvm = kzalloc(sizeof(*vvm), GFP_KERNEL_ACCOUNT);

	if (!vvm)
		return -ENOMEM;
	vvm->ept_root = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vvm->ept_root) {
		kfree(vvm);
		return -ENOMEM;
	}
	vvm->ept_pages = 1;
	atomic_long_inc(&minivmm_table_pages);
	atomic64_set(&vm->stats.ept_table_pages, 1);
	/* WB paging structures, 4-level walk (SDM 25.6.11), A/D when offered. */
	vvm->eptp = page_to_phys(vvm->ept_root) | 6 | ((EPT_LEVELS - 1) << 3);
	vvm->ad = vmx_cfg.ept_vpid_cap & VMX_EPT_AD_BIT;
	if (vvm->ad)
		vvm->eptp |= BIT_ULL(6);
	vm->arch = vvm;
	return 0;
}

static void free_level(u64 *table, int level, struct vmx_vm *vvm)
{
	int i;

	for (i = 0; i < EPT_ENTRIES; i++) {
		if (!(table[i] & EPT_RWX))
			continue;
		if (is_table(table[i], level))
			free_level(table_of(table[i]), level - 1, vvm);
		else
			leaf_dropped(vvm, table[i]);
	}
	free_page((unsigned long)table);
	vvm->ept_pages--;
	atomic_long_dec(&minivmm_table_pages);
}

/**
 * vmx_vm_destroy() - free a VM's EPT; no vCPU of it exists any more
 * @vm: the VM.
 */
void vmx_vm_destroy(struct minivmm_vm *vm)
{
	struct vmx_vm *vvm = to_vmx_vm(vm);

	if (!vvm)
		return;
	free_level(page_address(vvm->ept_root), EPT_LEVELS - 1, vvm);
	WARN_ON(vvm->ept_pages);
	kfree(vvm);
	vm->arch = NULL;
}

static int cache_topup(struct vmx_vcpu *vmx)
{
	while (vmx->ept_cache_nr < VMX_EPT_CACHE_PAGES) {
		struct page *p = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

		if (!p)
			return -ENOMEM;
		vmx->ept_cache[vmx->ept_cache_nr++] = p;
	}
	return 0;
}

/**
 * vmx_ept_cache_free() - free the pages kept for future EPT tables
 * @vmx: the vCPU.
 */
void vmx_ept_cache_free(struct vmx_vcpu *vmx)
{
	while (vmx->ept_cache_nr)
		__free_page(vmx->ept_cache[--vmx->ept_cache_nr]);
}

/*
 * The entry for @gpa at @target_level (0: 4 KiB leaf, 1: 2 MiB leaf),
 * creating tables from the cache. NULL when a 2 MiB leaf covers @gpa on
 * the way to a 4 KiB one, or a table sits where a 2 MiB leaf should go.
 * Under mmu_lock.
 */
static u64 *walk_alloc(struct vmx_vcpu *vmx, struct vmx_vm *vvm, u64 gpa,
		       int target_level)
{
	u64 *table = page_address(vvm->ept_root);
	int level;

	for (level = EPT_LEVELS - 1; level > target_level; level--) {
		u64 *e = &table[index_at(gpa, level)];

		if ((*e & EPT_RWX) && (*e & EPT_LARGE))
			return NULL;
		if (!(*e & EPT_RWX)) {
			struct page *p;

			if (WARN_ON_ONCE(!vmx->ept_cache_nr))
				return NULL;
			p = vmx->ept_cache[--vmx->ept_cache_nr];
			vvm->ept_pages++;
			atomic_long_inc(&minivmm_table_pages);
			atomic64_inc(&vmx->vcpu->vm->stats.ept_table_pages);
			WRITE_ONCE(*e, page_to_phys(p) | EPT_RWX);
		}
		table = table_of(*e);
	}
	if (target_level && is_table(table[index_at(gpa, target_level)], target_level))
		return NULL;
	return &table[index_at(gpa, target_level)];
}

static int fault_exit(struct vmx_vcpu *vmx, u64 gpa, u64 qual, int err)
{
	struct minivmm_run *run = vmx->vcpu->run;

	run->exit_reason = MINIVMM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = MINIVMM_INTERNAL_ERROR_MEMORY;
	run->internal.ndata = 4;
	run->internal.data[0] = gpa;
	run->internal.data[1] = qual;
	run->internal.data[2] = (u64)(s64)err;
	run->internal.data[3] = vmcs_read(GUEST_RIP);
	return VMX_EXIT_USER;
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
 * May the fault at @gpa map a 2 MiB leaf? The CPU must offer 2 MiB EPT
 * pages, the slot must hold the whole aligned 2 MiB with the same alignment
 * in the VMM, and the VMM must map it with a transparent huge page.
 * Under mmu_lock.
 */
static bool huge_ok(struct minivmm_vm *vm, struct vmx_vm *vvm, u64 gpa,
		    struct page *page, bool *writable)
{
	const struct minivmm_memslot *s;
	u64 base = gpa & ~(u64)(SZ_2M - 1);
	struct page *head;
	unsigned long hva;

	if (!(vmx_cfg.ept_vpid_cap & VMX_EPT_2MB_PAGE_BIT) || !PageTransCompound(page))
		return false;
	head = compound_head(page);
	if (compound_order(head) != HPAGE_PMD_ORDER)
		return false;
	s = minivmm_find_slot(vm, gpa);
	if (!s || base < s->gpa || base + SZ_2M > s->gpa + s->size ||
	    ((s->gpa ^ s->uaddr) & (SZ_2M - 1)))
		return false;
	hva = s->uaddr + (base - s->gpa);
	return host_maps_pmd(vm->mm, hva, page_to_pfn(head), writable);
}

/**
 * vmx_ept_fault() - handle an EPT violation
 * @vmx: the vCPU; preemptible.
 * @gpa: the guest-physical address.
 * @qual: the exit qualification (bit 1: write access).
 *
 * Return: VMX_EXIT_RESUME once mapped (or to retry after a race),
 * VMX_EXIT_USER for an access outside guest memory or to memory the host
 * cannot provide, -ENOMEM.
 */
int vmx_ept_fault(struct vmx_vcpu *vmx, u64 gpa, u64 qual)
{
	struct minivmm_vm *vm = vmx->vcpu->vm;
	struct vmx_vm *vvm = to_vmx_vm(vm);
	bool write = qual & EPT_VIOLATION_ACC_WRITE;
	struct page *page;
	unsigned long seq;
	bool writable, flush = false;
	u64 *e, old, new;
	int r;

	atomic64_inc(&vm->stats.ept_violations);
	r = minivmm_gpa_to_page(vm, gpa, write, &page, &writable, &seq);
	if (r == -EINTR || r == -EAGAIN || r == -ERESTARTSYS)
		return VMX_EXIT_RESUME;	/* the entry path sees the signal */
	if (r == -ENOENT || r == -EPERM)
		return vmx_mmio_access(vmx, gpa);
	if (r)
		return fault_exit(vmx, gpa, qual, r);
	r = cache_topup(vmx);
	if (r) {
		put_page(page);
		return r;
	}
	spin_lock(&vm->mmu_lock);
	if (minivmm_mmu_retry(vm, seq))
		goto unlock;
	if (huge_ok(vm, vvm, gpa, page, &writable)) {
		e = walk_alloc(vmx, vvm, gpa, 1);
		if (e && !(*e & EPT_RWX)) {
			WRITE_ONCE(*e, page_to_phys(compound_head(page)) | EPT_LARGE |
				   EPT_R | EPT_X | (writable ? EPT_W : 0) | EPT_MT_WB |
				   EPT_IPAT);
			atomic64_inc(&vm->stats.huge_mapped);
			goto unlock;
		}
	}
	e = walk_alloc(vmx, vvm, gpa, 0);
	if (!e)
		goto unlock;
	new = page_to_phys(page) | EPT_R | EPT_X | (writable ? EPT_W : 0) |
	      EPT_MT_WB | EPT_IPAT;
	old = *e;
	WRITE_ONCE(*e, new);
	if (!(old & EPT_RWX))
		atomic64_inc(&vm->stats.pages_mapped);
	else
		leaf_dropped(vvm, old);
	/* A new frame behind a present entry: other CPUs may cache the old. */
	flush = (old & EPT_RWX) && (old & EPT_ADDR_MASK) != (new & EPT_ADDR_MASK);
unlock:
	spin_unlock(&vm->mmu_lock);
	put_page(page);
	if (flush)
		minivmm_request_all(vm, MINIVMM_REQ_TLB_FLUSH);
	return VMX_EXIT_RESUME;
}

/*
 * A leaf leaves the EPT: the guest's writes through it become the page's
 * dirty state, which the VMM's page tables never saw (A/D off: any
 * writable mapping counts as written).
 */
static void leaf_dropped(struct vmx_vm *vvm, u64 entry)
{
	unsigned long pfn = (entry & EPT_ADDR_MASK) >> PAGE_SHIFT;

	if ((entry & EPT_W) && (!vvm->ad || (entry & EPT_D)) && pfn_valid(pfn))
		SetPageDirty(pfn_to_page(pfn));
}

struct ept_walk {
	struct minivmm_vm *vm;
	struct vmx_vm *vvm;
	bool clear;		/* age: clear the accessed bits */
	long count;		/* zap: 4 KiB leaves removed; age: leaves accessed */
	long huge;		/* zap: 2 MiB leaves removed */
};

/* Visit the leaves of [start, end) under @table; @zap removes them. */
static void walk_level(u64 *table, int level, u64 base, u64 start, u64 end,
		       struct ept_walk *w, bool zap)
{
	u64 span = 1ULL << (12 + 9 * level);
	unsigned int i;

	for (i = index_at(start, level); i < EPT_ENTRIES; i++) {
		u64 lo = base + i * span, hi = lo + span;

		if (lo >= end)
			break;
		if (!(table[i] & EPT_RWX))
			continue;
		if (is_table(table[i], level)) {
			walk_level(table_of(table[i]), level - 1, lo, max(start, lo),
				   min(end, hi), w, zap);
		} else if (zap) {
			/* A 2 MiB leaf goes whole; what remains refaults. */
			leaf_dropped(w->vvm, table[i]);
			WRITE_ONCE(table[i], 0);
			if (level)
				w->huge++;
			else
				w->count++;
		} else if (w->clear) {
			w->count += test_and_clear_bit(EPT_A_BIT, (unsigned long *)&table[i]);
		} else {
			w->count += !!(table[i] & BIT_ULL(EPT_A_BIT));
		}
	}
}

/**
 * vmx_ept_zap() - remove the EPT mappings of a guest-physical range
 * @vm: the VM; the caller holds vm->mmu_lock.
 * @gpa: start (page aligned).
 * @size: bytes (page aligned).
 *
 * Tables stay allocated until the VM goes. Return: true when an entry was
 * removed, so vCPUs must flush their EPT translations.
 */
bool vmx_ept_zap(struct minivmm_vm *vm, u64 gpa, u64 size)
{
	struct ept_walk w = { .vm = vm, .vvm = to_vmx_vm(vm) };

	lockdep_assert_held(&vm->mmu_lock);
	if (!size)
		return false;
	walk_level(page_address(w.vvm->ept_root), EPT_LEVELS - 1, 0, gpa,
		   gpa + size, &w, true);
	if (w.count) {
		atomic64_sub(w.count, &vm->stats.pages_mapped);
		atomic64_add(w.count, &vm->stats.pages_zapped);
	}
	if (w.huge) {
		atomic64_sub(w.huge, &vm->stats.huge_mapped);
		atomic64_add(w.huge * 512, &vm->stats.pages_zapped);
	}
	return w.count || w.huge;
}

/**
 * vmx_ept_age() - guest pages of a range accessed since they were last aged
 * @vm: the VM; the caller holds vm->mmu_lock.
 * @gpa: start (page aligned).
 * @size: bytes (page aligned).
 * @clear: clear the EPT accessed bits found set.
 *
 * Return: how many pages were accessed; 0 without EPT A/D bits.
 */
int vmx_ept_age(struct minivmm_vm *vm, u64 gpa, u64 size, bool clear)
{
	struct ept_walk w = { .vm = vm, .vvm = to_vmx_vm(vm), .clear = clear };

	lockdep_assert_held(&vm->mmu_lock);
	if (!size || !w.vvm->ad)
		return 0;
	walk_level(page_address(w.vvm->ept_root), EPT_LEVELS - 1, 0, gpa,
		   gpa + size, &w, false);
	return w.count;
}

/**
 * vmx_ept_flush() - drop this CPU's cached translations of the vCPU's EPT
 * @vmx: the vCPU, loaded on this CPU.
 */
void vmx_ept_flush(struct vmx_vcpu *vmx)
{
	struct vmx_vm *vvm = to_vmx_vm(vmx->vcpu->vm);

	if (vmx_cfg.ept_vpid_cap & VMX_EPT_EXTENT_CONTEXT_BIT)
		vmx_invept(VMX_INVEPT_SINGLE, vvm->eptp);
	else
		vmx_invept(VMX_INVEPT_GLOBAL, 0);
}
