// SPDX-License-Identifier: GPL-2.0
/*
 * Guest state that lives in the VMCS, for the x86 layer: RSP, RIP, RFLAGS,
 * CPL, segments (in VMCS access-rights form), descriptor tables, CR3, DR7
 * and the MSRs the VMCS holds or VT-x switches (SYSENTER_*, FS/GS base,
 * KERNEL_GS_BASE, PAT, TSC). Callers have the vCPU loaded; values are
 * already validated by the x86 layer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>
#include "vmx.h"
#include "vmx_ops.h"

/**
 * vmx_get_rsp() - the guest's RSP
 * @vcpu: the vCPU (loaded).
 *
 * Return: GUEST_RSP.
 */
unsigned long vmx_get_rsp(struct minivmm_vcpu *vcpu)
{
	return vmcs_readl(GUEST_RSP);
}

/**
 * vmx_set_rsp() - set the guest's RSP
 * @vcpu: the vCPU (loaded).
 * @val: the value.
 */
void vmx_set_rsp(struct minivmm_vcpu *vcpu, unsigned long val)
{
	vmcs_writel(GUEST_RSP, val);
}

/**
 * vmx_get_rip() - the guest's RIP
 * @vcpu: the vCPU (loaded).
 *
 * Return: GUEST_RIP.
 */
unsigned long vmx_get_rip(struct minivmm_vcpu *vcpu)
{
	return vmcs_readl(GUEST_RIP);
}

/**
 * vmx_set_rip() - set the guest's RIP
 * @vcpu: the vCPU (loaded).
 * @val: the value.
 */
void vmx_set_rip(struct minivmm_vcpu *vcpu, unsigned long val)
{
	vmcs_writel(GUEST_RIP, val);
}

/**
 * vmx_get_rflags() - the guest's RFLAGS
 * @vcpu: the vCPU (loaded).
 *
 * Return: GUEST_RFLAGS.
 */
unsigned long vmx_get_rflags(struct minivmm_vcpu *vcpu)
{
	return vmcs_readl(GUEST_RFLAGS);
}

/**
 * vmx_set_rflags() - set the guest's RFLAGS
 * @vcpu: the vCPU (loaded).
 * @val: the value.
 */
void vmx_set_rflags(struct minivmm_vcpu *vcpu, unsigned long val)
{
	vmcs_writel(GUEST_RFLAGS, val);
}

/**
 * vmx_get_cpl() - the guest's current privilege level (SS.DPL)
 * @vcpu: the vCPU (loaded).
 *
 * Return: 0-3.
 */
int vmx_get_cpl(struct minivmm_vcpu *vcpu)
{
	if (!(vcpu->arch.cr0 & X86_CR0_PE))
		return 0;
	return (vmcs_read32(GUEST_SS_AR_BYTES) >> 5) & 3;
}

/* VMCS field encodings of one segment register. */
struct seg_fields {
	u16 sel, base, limit, ar;
};

#define SEG(s) { GUEST_##s##_SELECTOR, GUEST_##s##_BASE, GUEST_##s##_LIMIT, \
		 GUEST_##s##_AR_BYTES }
static const struct seg_fields seg_fields[MINIVMM_SREG_NR] = {
	[MINIVMM_SREG_ES] = SEG(ES), [MINIVMM_SREG_CS] = SEG(CS),
	[MINIVMM_SREG_SS] = SEG(SS), [MINIVMM_SREG_DS] = SEG(DS),
	[MINIVMM_SREG_FS] = SEG(FS), [MINIVMM_SREG_GS] = SEG(GS),
	[MINIVMM_SREG_TR] = SEG(TR), [MINIVMM_SREG_LDTR] = SEG(LDTR),
};

/**
 * vmx_get_segment() - a guest segment register
 * @vcpu: the vCPU (loaded).
 * @s: filled in.
 * @seg: which one.
 */
void vmx_get_segment(struct minivmm_vcpu *vcpu, struct minivmm_segment *s,
		     enum minivmm_sreg seg)
{
	const struct seg_fields *f = &seg_fields[seg];
	u32 ar = vmcs_read32(f->ar);

	memset(s, 0, sizeof(*s));
	s->selector = vmcs_read16(f->sel);
	s->base = vmcs_readl(f->base);
	s->limit = vmcs_read32(f->limit);
	s->type = ar & 15;
	s->s = (ar >> 4) & 1;
	s->dpl = (ar >> 5) & 3;
	s->present = (ar >> 7) & 1;
	s->avl = (ar >> 12) & 1;
	s->l = (ar >> 13) & 1;
	s->db = (ar >> 14) & 1;
	s->g = (ar >> 15) & 1;
	s->unusable = (ar >> 16) & 1;
}

/**
 * vmx_set_segment() - load a guest segment register
 * @vcpu: the vCPU (loaded).
 * @s: the values (field ranges checked).
 * @seg: which one.
 */
void vmx_set_segment(struct minivmm_vcpu *vcpu, const struct minivmm_segment *s,
		     enum minivmm_sreg seg)
{
	const struct seg_fields *f = &seg_fields[seg];
	u32 ar = s->type | (s->s << 4) | (s->dpl << 5) | (s->present << 7) |
		 (s->avl << 12) | (s->l << 13) | (s->db << 14) | (s->g << 15) |
		 (s->unusable << 16);

	vmcs_write16(f->sel, s->selector);
	vmcs_writel(f->base, s->base);
	vmcs_write32(f->limit, s->limit);
	vmcs_write32(f->ar, ar);
}

/**
 * vmx_get_dtables() - the guest's GDTR and IDTR
 * @vcpu: the vCPU (loaded).
 * @gdt: filled in.
 * @idt: filled in.
 */
void vmx_get_dtables(struct minivmm_vcpu *vcpu, struct minivmm_dtable *gdt,
		     struct minivmm_dtable *idt)
{
	gdt->base = vmcs_readl(GUEST_GDTR_BASE);
	gdt->limit = vmcs_read32(GUEST_GDTR_LIMIT);
	idt->base = vmcs_readl(GUEST_IDTR_BASE);
	idt->limit = vmcs_read32(GUEST_IDTR_LIMIT);
}

/**
 * vmx_set_dtables() - load the guest's GDTR and IDTR
 * @vcpu: the vCPU (loaded).
 * @gdt: the GDTR.
 * @idt: the IDTR.
 */
void vmx_set_dtables(struct minivmm_vcpu *vcpu, const struct minivmm_dtable *gdt,
		     const struct minivmm_dtable *idt)
{
	vmcs_writel(GUEST_GDTR_BASE, gdt->base);
	vmcs_write32(GUEST_GDTR_LIMIT, gdt->limit);
	vmcs_writel(GUEST_IDTR_BASE, idt->base);
	vmcs_write32(GUEST_IDTR_LIMIT, idt->limit);
}

/**
 * vmx_get_cr3() - the guest's CR3
 * @vcpu: the vCPU (loaded).
 *
 * Return: GUEST_CR3.
 */
u64 vmx_get_cr3(struct minivmm_vcpu *vcpu)
{
	return vmcs_readl(GUEST_CR3);
}

/**
 * vmx_set_cr3() - load the guest's CR3
 * @vcpu: the vCPU (loaded).
 * @cr3: the value.
 */
void vmx_set_cr3(struct minivmm_vcpu *vcpu, u64 cr3)
{
	vmcs_writel(GUEST_CR3, cr3);
}

/**
 * vmx_get_dr7() - the guest's DR7
 * @vcpu: the vCPU (loaded).
 *
 * Return: GUEST_DR7.
 */
u64 vmx_get_dr7(struct minivmm_vcpu *vcpu)
{
	return vmcs_readl(GUEST_DR7);
}

/**
 * vmx_set_dr7() - load the guest's DR7
 * @vcpu: the vCPU (loaded).
 * @dr7: the value.
 */
void vmx_set_dr7(struct minivmm_vcpu *vcpu, u64 dr7)
{
	vmcs_writel(GUEST_DR7, dr7);
}

/**
 * vmx_get_msr() - read a guest MSR held by the VMCS or switched by VT-x
 * @vcpu: the vCPU (loaded).
 * @index: MSR number.
 * @data: the value.
 *
 * Return: 0, or -ENOENT for another MSR.
 */
int vmx_get_msr(struct minivmm_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	switch (index) {
	case MSR_IA32_SYSENTER_CS:
		*data = vmcs_read32(GUEST_SYSENTER_CS);
		break;
	case MSR_IA32_SYSENTER_ESP:
		*data = vmcs_readl(GUEST_SYSENTER_ESP);
		break;
	case MSR_IA32_SYSENTER_EIP:
		*data = vmcs_readl(GUEST_SYSENTER_EIP);
		break;
	case MSR_FS_BASE:
		*data = vmcs_readl(GUEST_FS_BASE);
		break;
	case MSR_GS_BASE:
		*data = vmcs_readl(GUEST_GS_BASE);
		break;
	case MSR_KERNEL_GS_BASE:
		if (vmx->guest_state_loaded)
			rdmsrl(MSR_KERNEL_GS_BASE, *data);
		else
			*data = vmx->kernel_gs_base;
		break;
	case MSR_IA32_CR_PAT:
		*data = vmcs_read64(GUEST_IA32_PAT);
		break;
	case MSR_IA32_TSC:
		*data = rdtsc() + ((vmx_cfg.proc & CPU_BASED_USE_TSC_OFFSETTING) ?
				   vmcs_read64(TSC_OFFSET) : 0);
		break;
	default:
		return -ENOENT;
	}
	return 0;
}

/**
 * vmx_set_msr() - write a guest MSR held by the VMCS or switched by VT-x
 * @vcpu: the vCPU (loaded).
 * @index: MSR number.
 * @data: the value (validated by the x86 layer).
 *
 * Return: 0; -ENOENT for another MSR; -EINVAL for the TSC without TSC
 * offsetting.
 */
int vmx_set_msr(struct minivmm_vcpu *vcpu, u32 index, u64 data)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	switch (index) {
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(GUEST_SYSENTER_CS, data);
		break;
	case MSR_IA32_SYSENTER_ESP:
		vmcs_writel(GUEST_SYSENTER_ESP, data);
		break;
	case MSR_IA32_SYSENTER_EIP:
		vmcs_writel(GUEST_SYSENTER_EIP, data);
		break;
	case MSR_FS_BASE:
		vmcs_writel(GUEST_FS_BASE, data);
		break;
	case MSR_GS_BASE:
		vmcs_writel(GUEST_GS_BASE, data);
		break;
	case MSR_KERNEL_GS_BASE:
		if (vmx->guest_state_loaded)
			wrmsrl(MSR_KERNEL_GS_BASE, data);
		else
			vmx->kernel_gs_base = data;
		break;
	case MSR_IA32_CR_PAT:
		vmcs_write64(GUEST_IA32_PAT, data);
		break;
	case MSR_IA32_TSC:
		if (!(vmx_cfg.proc & CPU_BASED_USE_TSC_OFFSETTING))
			return -EINVAL;
		vmcs_write64(TSC_OFFSET, data - rdtsc());
		break;
	default:
		return -ENOENT;
	}
	return 0;
}
