// SPDX-License-Identifier: GPL-2.0
/*
 * The MSRs a guest (RDMSR/WRMSR) and its VMM (GET/SET_MSRS) may touch. The
 * list is short on purpose: each one lives in the VMCS or is switched by
 * minivmm; any other MSR access by the guest gets #GP.
 */
#include <linux/kernel.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>
#include "vmx.h"
#include "vmx_insn.h"

#define EFER_GUEST_BITS	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

static bool is_canonical(u64 addr)
{
	return (u64)((s64)(addr << 16) >> 16) == addr;
}

static bool pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = pat >> (i * 8);

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

/**
 * vmx_get_msr() - read an allowed MSR of the guest
 * @vmx: the vCPU; its VMCS is current.
 * @index: MSR number.
 * @data: the value.
 * @host: the VMM asks (GET_MSRS), not the guest.
 *
 * Return: 0, or -ENOENT for an MSR outside the allow-list.
 */
int vmx_get_msr(struct vmx_vcpu *vmx, u32 index, u64 *data, bool host)
{
	switch (index) {
	case MSR_IA32_SYSENTER_CS:
		*data = vmcs_read(GUEST_SYSENTER_CS);
		break;
	case MSR_IA32_SYSENTER_ESP:
		*data = vmcs_read(GUEST_SYSENTER_ESP);
		break;
	case MSR_IA32_SYSENTER_EIP:
		*data = vmcs_read(GUEST_SYSENTER_EIP);
		break;
	case MSR_FS_BASE:
		*data = vmcs_read(GUEST_FS_BASE);
		break;
	case MSR_GS_BASE:
		*data = vmcs_read(GUEST_GS_BASE);
		break;
	case MSR_KERNEL_GS_BASE:
		if (vmx->guest_state_loaded)
			rdmsrl(MSR_KERNEL_GS_BASE, *data);
		else
			*data = vmx->kernel_gs_base;
		break;
	case MSR_EFER:
		*data = vmx->efer;
		break;
	case MSR_IA32_CR_PAT:
		*data = vmcs_read(GUEST_IA32_PAT);
		break;
	case MSR_IA32_TSC:
		*data = rdtsc() + ((vmx_cfg.proc & CPU_BASED_USE_TSC_OFFSETTING) ?
				   vmcs_read(TSC_OFFSET) : 0);
		break;
	default:
		return -ENOENT;
	}
	return 0;
}

/**
 * vmx_set_msr() - write an allowed MSR of the guest
 * @vmx: the vCPU; its VMCS is current.
 * @index: MSR number.
 * @data: the value.
 * @host: the VMM writes (SET_MSRS): EFER.LMA may then change too.
 *
 * Return: 0; -ENOENT outside the allow-list; -EINVAL for a value the
 * MSR does not take (the guest gets #GP for either).
 */
int vmx_set_msr(struct vmx_vcpu *vmx, u32 index, u64 data, bool host)
{
	switch (index) {
	case MSR_IA32_SYSENTER_CS:
		vmcs_write(GUEST_SYSENTER_CS, (u32)data);
		break;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
		if (!is_canonical(data))
			return -EINVAL;
		if (index == MSR_IA32_SYSENTER_ESP)
			vmcs_write(GUEST_SYSENTER_ESP, data);
		else if (index == MSR_IA32_SYSENTER_EIP)
			vmcs_write(GUEST_SYSENTER_EIP, data);
		else if (index == MSR_FS_BASE)
			vmcs_write(GUEST_FS_BASE, data);
		else if (index == MSR_GS_BASE)
			vmcs_write(GUEST_GS_BASE, data);
		else if (vmx->guest_state_loaded)
			wrmsrl(MSR_KERNEL_GS_BASE, data);
		else
			vmx->kernel_gs_base = data;
		break;
	case MSR_EFER:
		if (data & ~EFER_GUEST_BITS)
			return -EINVAL;
		if (!host) {
			/* LMA is read-only; LME cannot change with paging on. */
			data = (data & ~EFER_LMA) | (vmx->efer & EFER_LMA);
			if ((vmx->cr0 & X86_CR0_PG) && ((data ^ vmx->efer) & EFER_LME))
				return -EINVAL;
		}
		vmx_set_efer(vmx, data);
		break;
	case MSR_IA32_CR_PAT:
		if (!pat_valid(data))
			return -EINVAL;
		vmcs_write(GUEST_IA32_PAT, data);
		break;
	case MSR_IA32_TSC:
		if (!(vmx_cfg.proc & CPU_BASED_USE_TSC_OFFSETTING))
			return -EINVAL;
		vmcs_write(TSC_OFFSET, data - rdtsc());
		break;
	default:
		return -ENOENT;
	}
	return 0;
}
