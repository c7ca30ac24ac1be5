// SPDX-License-Identifier: GPL-2.0
/*
 * Nested page tables, AMD-V's share of them: the entry format the x86
 * layer's table code (kmod/x86/tdp_mmu.c) writes (the host's own x86-64
 * page-table format; every guest access counts as a user access, so U is
 * set everywhere), and TLB flushes by ASID.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <asm/pgtable_types.h>
#include "svm.h"

#define NPT_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)

/* Write-back leaves (PAT index 0), executable; the CPU sets A and D. */
const struct minivmm_tdp_format svm_npt_format = {
	.present	= _PAGE_PRESENT,
	.table		= NPT_TABLE,
	.leaf		= _PAGE_PRESENT | _PAGE_USER,
	.writable	= _PAGE_RW,
	.large		= _PAGE_PSE,
	.accessed_bit	= _PAGE_BIT_ACCESSED,
	.dirty		= _PAGE_DIRTY,
	.huge_2m	= true,
	.ad		= true,
};

/**
 * svm_vm_init() - nothing beyond the root table, which each VMCB names
 * @vm: the VM.
 *
 * Return: 0.
 */
int svm_vm_init(struct minivmm_vm *vm)
{
	return 0;
}

/**
 * svm_vm_destroy() - nothing: no CPU can use the VM's translations again
 * @vm: the VM; none of its vCPUs exists any more.
 *
 * Translations are tagged by ASID, and a CPU gives an ASID out again only
 * after flushing every ASID (svm_assign_asid()).
 */
void svm_vm_destroy(struct minivmm_vm *vm)
{
}

/**
 * svm_flush_tlb() - drop this CPU's cached translations of the vCPU
 * @vcpu: the vCPU, about to enter on this CPU (interrupts off).
 *
 * With flush-by-ASID the next entry flushes the vCPU's ASID; without it
 * the vCPU takes a fresh ASID.
 */
void svm_flush_tlb(struct minivmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	if (svm_has(SVM_FEAT_FLUSH_ASID))
		svm->vmcb->control.tlb_ctl = TLB_CONTROL_FLUSH_ASID;
	else
		svm->asid_cpu = -1;
}
