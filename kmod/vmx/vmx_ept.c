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
#include <asm/vmx.h>
#include "vmx.h"
#include "vmx_insn.h"

#define EPT_R		BIT_ULL(0)
#define EPT_W		BIT_ULL(1)
#define EPT_X		BIT_ULL(2)
#define EPT_RWX		(EPT_R | EPT_W | EPT_X)
#define EPT_MT_WB	(6ULL << 3)
#define EPT_IPAT	BIT_ULL(6)
#define EPT_ADDR_MASK	0x000ffffffffff000ULL
#define EPT_LEVELS	4
#define EPT_ENTRIES	512

/* Table pages in use by all VMs, for leak checks. */
atomic_long_t minivmm_ept_table_pages = ATOMIC_LONG_INIT(0);

static u64 *table_of(u64 entry)
{
	return phys_to_virt(entry & EPT_ADDR_MASK);
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
	atomic_long_inc(&minivmm_ept_table_pages);
	/* WB paging structures, 4-level walk (SDM 25.6.11). */
	vvm->eptp = page_to_phys(vvm->ept_root) | 6 | ((EPT_LEVELS - 1) << 3);
	vm->arch = vvm;
	return 0;
}

static void free_level(u64 *table, int level, struct vmx_vm *vvm)
{
	int i;

	if (level > 0) {
		for (i = 0; i < EPT_ENTRIES; i++)
			if (table[i] & EPT_RWX)
				free_level(table_of(table[i]), level - 1, vvm);
	}
	free_page((unsigned long)table);
	vvm->ept_pages--;
	atomic_long_dec(&minivmm_ept_table_pages);
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

/* The leaf entry for @gpa, creating tables from the cache. Under mmu_lock. */
static u64 *walk_alloc(struct vmx_vcpu *vmx, struct vmx_vm *vvm, u64 gpa)
{
	u64 *table = page_address(vvm->ept_root);
	int level;

	for (level = EPT_LEVELS - 1; level > 0; level--) {
		u64 *e = &table[index_at(gpa, level)];

		if (!(*e & EPT_RWX)) {
			struct page *p;

			if (WARN_ON_ONCE(!vmx->ept_cache_nr))
				return NULL;
			p = vmx->ept_cache[--vmx->ept_cache_nr];
			vvm->ept_pages++;
			atomic_long_inc(&minivmm_ept_table_pages);
			WRITE_ONCE(*e, page_to_phys(p) | EPT_RWX);
		}
		table = table_of(*e);
	}
	return &table[index_at(gpa, 0)];
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

	r = minivmm_gpa_to_page(vm, gpa, write, &page, &writable, &seq);
	if (r == -EINTR || r == -EAGAIN || r == -ERESTARTSYS)
		return VMX_EXIT_RESUME;	/* the entry path sees the signal */
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
	e = walk_alloc(vmx, vvm, gpa);
	if (!e)
		goto unlock;
	new = page_to_phys(page) | EPT_R | EPT_X | (writable ? EPT_W : 0) |
	      EPT_MT_WB | EPT_IPAT;
	old = *e;
	WRITE_ONCE(*e, new);
	/* A new frame behind a present entry: other CPUs may cache the old. */
	flush = (old & EPT_RWX) && (old & EPT_ADDR_MASK) != (new & EPT_ADDR_MASK);
unlock:
	spin_unlock(&vm->mmu_lock);
	put_page(page);
	if (flush)
		minivmm_request_all(vm, MINIVMM_REQ_TLB_FLUSH);
	return VMX_EXIT_RESUME;
}

static bool zap_level(u64 *table, int level, u64 base, u64 start, u64 end)
{
	u64 span = 1ULL << (12 + 9 * level);
	bool zapped = false;
	unsigned int i;

	for (i = index_at(start, level); i < EPT_ENTRIES; i++) {
		u64 lo = base + i * span, hi = lo + span;

		if (lo >= end)
			break;
		if (!(table[i] & EPT_RWX))
			continue;
		if (level == 0) {
			WRITE_ONCE(table[i], 0);
			zapped = true;
		} else {
			zapped |= zap_level(table_of(table[i]), level - 1, lo,
					    max(start, lo), min(end, hi));
		}
	}
	return zapped;
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
	struct vmx_vm *vvm = to_vmx_vm(vm);

	lockdep_assert_held(&vm->mmu_lock);
	if (!size)
		return false;
	return zap_level(page_address(vvm->ept_root), EPT_LEVELS - 1, 0, gpa,
			 gpa + size);
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
