// SPDX-License-Identifier: GPL-2.0
/*
 * The MSRs a guest (RDMSR/WRMSR) and its VMM (GET/SET_MSRS) may touch, and
 * what values each takes. The list is short on purpose: each one is held
 * by the x86 layer (EFER) or by the backend's state (the others, through
 * minivmm_arch->get_msr/set_msr); any other MSR access by the guest gets
 * #GP.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>
#include "x86.h"
#include "../arch_call.h"

/*
 * EFER bits a guest may set. Not SCE: the SYSCALL MSRs (STAR, LSTAR,
 * CSTAR, SFMASK) are not switched yet, so a guest SYSCALL would jump to
 * the host's entry address (a KASLR leak); SYSCALL gets #UD instead.
 */
#define EFER_GUEST_BITS	(EFER_LME | EFER_LMA | EFER_NX)

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
 * minivmm_x86_get_msr() - read an allowed MSR of the guest
 * @vcpu: the vCPU (loaded).
 * @index: MSR number.
 * @data: the value.
 * @host: the VMM asks (GET_MSRS), not the guest.
 *
 * Return: 0, or -ENOENT for an MSR outside the allow-list.
 */
int minivmm_x86_get_msr(struct minivmm_vcpu *vcpu, u32 index, u64 *data, bool host)
{
	switch (index) {
	case MSR_EFER:
		*data = vcpu->arch.efer;
		return 0;
	case MSR_IA32_SYSENTER_CS:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_IA32_CR_PAT:
	case MSR_IA32_TSC:
		return minivmm_arch->get_msr(vcpu, index, data);
	default:
		return -ENOENT;
	}
}

/**
 * minivmm_x86_set_msr() - write an allowed MSR of the guest
 * @vcpu: the vCPU (loaded).
 * @index: MSR number.
 * @data: the value.
 * @host: the VMM writes (SET_MSRS): EFER.LME may change with paging on,
 *	and EFER.LMA becomes LME && CR0.PG (-EINVAL without CR4.PAE then).
 *
 * Return: 0; -ENOENT outside the allow-list; -EINVAL for a value the
 * MSR does not take (the guest gets #GP for either).
 */
int minivmm_x86_set_msr(struct minivmm_vcpu *vcpu, u32 index, u64 data, bool host)
{
	struct minivmm_vcpu_arch *a = &vcpu->arch;

	switch (index) {
	case MSR_IA32_SYSENTER_CS:
		data = (u32)data;
		break;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
		if (!is_canonical(data))
			return -EINVAL;
		break;
	case MSR_EFER:
		if (data & ~EFER_GUEST_BITS)
			return -EINVAL;
		if (!host) {
			/* LMA is read-only; LME cannot change with paging on. */
			data = (data & ~EFER_LMA) | (a->efer & EFER_LMA);
			if ((a->cr0 & X86_CR0_PG) && ((data ^ a->efer) & EFER_LME))
				return -EINVAL;
		} else {
			/*
			 * The VMM's write: LMA follows LME and CR0.PG, as the CPU
			 * would set it (a state such as LMA without paging is one
			 * that AMD-V would run as given).
			 */
			data &= ~EFER_LMA;
			if ((data & EFER_LME) && (a->cr0 & X86_CR0_PG)) {
				if (!(a->cr4 & X86_CR4_PAE))
					return -EINVAL;
				data |= EFER_LMA;
			}
		}
		minivmm_x86_set_efer(vcpu, data);
		return 0;
	case MSR_IA32_CR_PAT:
		if (!pat_valid(data))
			return -EINVAL;
		break;
	case MSR_IA32_TSC:
		break;
	default:
		return -ENOENT;
	}
	return minivmm_arch->set_msr(vcpu, index, data);
}

static int inject_gp(struct minivmm_vcpu *vcpu)
{
	minivmm_call(queue_exception)(vcpu, X86_TRAP_GP, true, 0);
	return MINIVMM_RUN_RESUME;
}

/**
 * minivmm_x86_emulate_rdmsr() - RDMSR: ECX names the MSR, EDX:EAX get it
 * @vcpu: the vCPU (loaded).
 *
 * Return: MINIVMM_RUN_RESUME (#GP for an MSR outside the list).
 */
int minivmm_x86_emulate_rdmsr(struct minivmm_vcpu *vcpu)
{
	unsigned long *r = vcpu->arch.regs;
	u64 data;

	if (minivmm_x86_get_msr(vcpu, r[VREG_RCX], &data, false))
		return inject_gp(vcpu);
	r[VREG_RAX] = (u32)data;
	r[VREG_RDX] = data >> 32;
	minivmm_call(skip_instruction)(vcpu);
	return MINIVMM_RUN_RESUME;
}

/**
 * minivmm_x86_emulate_wrmsr() - WRMSR: ECX names the MSR, EDX:EAX the value
 * @vcpu: the vCPU (loaded).
 *
 * Return: MINIVMM_RUN_RESUME (#GP for a refused MSR or value).
 */
int minivmm_x86_emulate_wrmsr(struct minivmm_vcpu *vcpu)
{
	unsigned long *r = vcpu->arch.regs;
	u64 data = (r[VREG_RDX] << 32) | (u32)r[VREG_RAX];

	if (minivmm_x86_set_msr(vcpu, r[VREG_RCX], data, false))
		return inject_gp(vcpu);
	minivmm_call(skip_instruction)(vcpu);
	return MINIVMM_RUN_RESUME;
}
