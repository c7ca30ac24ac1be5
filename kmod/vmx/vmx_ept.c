// SPDX-License-Identifier: GPL-2.0
/*
 * Extended page tables, VT-x's share of them: the entry format the x86
 * layer's table code (kmod/x86/tdp_mmu.c) writes, the EPT pointer of each
 * VM, and INVEPT.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/mm.h>
#include <asm/vmx.h>
#include "vmx.h"
#include "vmx_ops.h"

#define EPT_R		BIT_ULL(0)
#define EPT_W		BIT_ULL(1)
#define EPT_X		BIT_ULL(2)
#define EPT_RWX		(EPT_R | EPT_W | EPT_X)
#define EPT_MT_WB	(6ULL << 3)
#define EPT_IPAT	BIT_ULL(6)
#define EPT_LARGE	BIT_ULL(7)
#define EPT_A_BIT	8
#define EPT_D		BIT_ULL(9)
#define EPT_LEVELS	4

/* Filled by vmx_ept_format_setup() once the capabilities are known. */
struct minivmm_tdp_format vmx_ept_format = {
	.present	= EPT_RWX,
	.table		= EPT_RWX,
	.leaf		= EPT_R | EPT_X | EPT_MT_WB | EPT_IPAT,
	.writable	= EPT_W,
	.large		= EPT_LARGE,
	.accessed_bit	= EPT_A_BIT,
	.dirty		= EPT_D,
};

/**
 * vmx_ept_format_setup() - what the CPU's EPT offers: 2 MiB leaves,
 *	accessed and dirty flags
 */
void vmx_ept_format_setup(void)
{
	vmx_ept_format.huge_2m = vmx_cfg.ept_vpid_cap & VMX_EPT_2MB_PAGE_BIT;
	vmx_ept_format.ad = vmx_cfg.ept_vpid_cap & VMX_EPT_AD_BIT;
}

/**
 * vmx_vm_init() - the EPT pointer of a new VM, from its root table
 * @vm: the VM.
 *
 * Return: 0.
 */
int vmx_vm_init(struct minivmm_vm *vm)
{
	struct vmx_vm *vvm = to_vmx_vm(vm);

	/* WB paging structures, 4-level walk (SDM 25.6.11), A/D when offered. */
	vvm->eptp = page_to_phys(vm->arch.tdp_root) | 6 | ((EPT_LEVELS - 1) << 3);
	if (vm->arch.tdp_ad)
		vvm->eptp |= BIT_ULL(6);
	return 0;
}

/**
 * vmx_vm_destroy() - forget a VM's EPT on every CPU before its tables go
 * @vm: the VM; none of its vCPUs exists any more.
 *
 * The next VM may get the same root page (so the same EPTP) and VPIDs:
 * no CPU may still hold translations to this VM's frames.
 */
void vmx_vm_destroy(struct minivmm_vm *vm)
{
	vmx_invept_all_cpus(to_vmx_vm(vm)->eptp);
}

/**
 * vmx_flush_tlb() - drop this CPU's cached translations of the vCPU's EPT
 * @vcpu: the vCPU, loaded on this CPU.
 */
void vmx_flush_tlb(struct minivmm_vcpu *vcpu)
{
	struct vmx_vm *vvm = to_vmx_vm(vcpu->vm);

	if (vmx_cfg.ept_vpid_cap & VMX_EPT_EXTENT_CONTEXT_BIT)
		vmx_invept(VMX_INVEPT_SINGLE, vvm->eptp);
	else
		vmx_invept(VMX_INVEPT_GLOBAL, 0);
}
