// SPDX-License-Identifier: GPL-2.0
/*
 * Guest state that lives in the VMCB, for the x86 layer: RSP, RIP, RFLAGS,
 * CPL, segments (in the VMCB's packed attribute form), descriptor tables,
 * CR3, DR7 and the MSRs the VMCB holds (SYSENTER_*, FS/GS base,
 * KERNEL_GS_BASE, PAT, TSC). Values are already validated by the x86 layer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include "svm.h"

/**
 * svm_get_rsp() - the guest's RSP
 * @vcpu: the vCPU.
 *
 * Return: the VMCB's RSP.
 */
unsigned long svm_get_rsp(struct minivmm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.rsp;
}

/**
 * svm_set_rsp() - set the guest's RSP
 * @vcpu: the vCPU.
 * @val: the value.
 */
void svm_set_rsp(struct minivmm_vcpu *vcpu, unsigned long val)
{
	to_svm(vcpu)->vmcb->save.rsp = val;
}

/**
 * svm_get_rip() - the guest's RIP
 * @vcpu: the vCPU.
 *
 * Return: the VMCB's RIP.
 */
unsigned long svm_get_rip(struct minivmm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.rip;
}

/**
 * svm_set_rip() - set the guest's RIP
 * @vcpu: the vCPU.
 * @val: the value.
 */
void svm_set_rip(struct minivmm_vcpu *vcpu, unsigned long val)
{
	to_svm(vcpu)->vmcb->save.rip = val;
}

/**
 * svm_get_rflags() - the guest's RFLAGS
 * @vcpu: the vCPU.
 *
 * Return: the VMCB's RFLAGS.
 */
unsigned long svm_get_rflags(struct minivmm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.rflags;
}

/**
 * svm_set_rflags() - set the guest's RFLAGS
 * @vcpu: the vCPU.
 * @val: the value.
 */
void svm_set_rflags(struct minivmm_vcpu *vcpu, unsigned long val)
{
	to_svm(vcpu)->vmcb->save.rflags = val;
}

/**
 * svm_get_cpl() - the guest's current privilege level
 * @vcpu: the vCPU.
 *
 * Return: 0-3 (the VMCB's CPL field, kept equal to SS.DPL in protected mode).
 */
int svm_get_cpl(struct minivmm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.cpl & 3;
}

static struct vmcb_seg *seg_of(struct vmcb_save_area *save, enum minivmm_sreg seg)
{
	switch (seg) {
	case MINIVMM_SREG_ES: return &save->es;
	case MINIVMM_SREG_CS: return &save->cs;
	case MINIVMM_SREG_SS: return &save->ss;
	case MINIVMM_SREG_DS: return &save->ds;
	case MINIVMM_SREG_FS: return &save->fs;
	case MINIVMM_SREG_GS: return &save->gs;
	case MINIVMM_SREG_TR: return &save->tr;
	default: return &save->ldtr;
	}
}

/*
 * VMCB attributes: type[3:0] S[4] DPL[6:5] P[7] AVL[8] L[9] DB[10] G[11]
 * (APM Vol. 2, 15.5.1). There is no "unusable" bit: an unusable segment
 * is a not-present one.
 */
#define SEG_ATTR_AVL	BIT(8)
#define SEG_ATTR_L	BIT(9)
#define SEG_ATTR_DB	BIT(10)
#define SEG_ATTR_G	BIT(11)

/**
 * svm_get_segment() - a guest segment register
 * @vcpu: the vCPU.
 * @s: filled in.
 * @seg: which one.
 */
void svm_get_segment(struct minivmm_vcpu *vcpu, struct minivmm_segment *s,
		     enum minivmm_sreg seg)
{
	const struct vmcb_seg *v = seg_of(&to_svm(vcpu)->vmcb->save, seg);
	u16 a = v->attrib;

	memset(s, 0, sizeof(*s));
	s->selector = v->selector;
	s->base = v->base;
	s->limit = v->limit;
	s->type = a & 15;
	s->s = (a >> 4) & 1;
	s->dpl = (a >> 5) & 3;
	s->present = (a >> 7) & 1;
	s->avl = !!(a & SEG_ATTR_AVL);
	s->l = !!(a & SEG_ATTR_L);
	s->db = !!(a & SEG_ATTR_DB);
	s->g = !!(a & SEG_ATTR_G);
	s->unusable = !s->present;
}

/**
 * svm_set_segment() - load a guest segment register
 * @vcpu: the vCPU.
 * @s: the values (field ranges checked).
 * @seg: which one; loading SS sets the CPL too (SS.DPL, 0 in real mode).
 */
void svm_set_segment(struct minivmm_vcpu *vcpu, const struct minivmm_segment *s,
		     enum minivmm_sreg seg)
{
	struct vmcb_save_area *save = &to_svm(vcpu)->vmcb->save;
	struct vmcb_seg *v = seg_of(save, seg);

	v->selector = s->selector;
	v->base = s->base;
	v->limit = s->limit;
	if (s->unusable)
		v->attrib = 0;
	else
		v->attrib = s->type | (s->s << 4) | (s->dpl << 5) | (s->present << 7) |
			    (s->avl ? SEG_ATTR_AVL : 0) | (s->l ? SEG_ATTR_L : 0) |
			    (s->db ? SEG_ATTR_DB : 0) | (s->g ? SEG_ATTR_G : 0);
	if (seg == MINIVMM_SREG_SS)
		save->cpl = (vcpu->arch.cr0 & X86_CR0_PE) ? s->dpl : 0;
}

/**
 * svm_get_dtables() - the guest's GDTR and IDTR
 * @vcpu: the vCPU.
 * @gdt: filled in.
 * @idt: filled in.
 */
void svm_get_dtables(struct minivmm_vcpu *vcpu, struct minivmm_dtable *gdt,
		     struct minivmm_dtable *idt)
{
	const struct vmcb_save_area *save = &to_svm(vcpu)->vmcb->save;

	gdt->base = save->gdtr.base;
	gdt->limit = save->gdtr.limit;
	idt->base = save->idtr.base;
	idt->limit = save->idtr.limit;
}

/**
 * svm_set_dtables() - load the guest's GDTR and IDTR
 * @vcpu: the vCPU.
 * @gdt: the GDTR.
 * @idt: the IDTR.
 */
void svm_set_dtables(struct minivmm_vcpu *vcpu, const struct minivmm_dtable *gdt,
		     const struct minivmm_dtable *idt)
{
	struct vmcb_save_area *save = &to_svm(vcpu)->vmcb->save;

	save->gdtr.base = gdt->base;
	save->gdtr.limit = gdt->limit;
	save->idtr.base = idt->base;
	save->idtr.limit = idt->limit;
}

/**
 * svm_get_cr3() - the guest's CR3
 * @vcpu: the vCPU.
 *
 * Return: the VMCB's CR3 (nested paging: the guest's own).
 */
u64 svm_get_cr3(struct minivmm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.cr3;
}

/**
 * svm_set_cr3() - load the guest's CR3
 * @vcpu: the vCPU.
 * @cr3: the value.
 */
void svm_set_cr3(struct minivmm_vcpu *vcpu, u64 cr3)
{
	to_svm(vcpu)->vmcb->save.cr3 = cr3;
}

/**
 * svm_get_dr7() - the guest's DR7
 * @vcpu: the vCPU.
 *
 * Return: the VMCB's DR7.
 */
u64 svm_get_dr7(struct minivmm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.dr7;
}

/**
 * svm_set_dr7() - load the guest's DR7
 * @vcpu: the vCPU.
 * @dr7: the value.
 */
void svm_set_dr7(struct minivmm_vcpu *vcpu, u64 dr7)
{
	to_svm(vcpu)->vmcb->save.dr7 = dr7;
}

/**
 * svm_get_msr() - read a guest MSR held by the VMCB
 * @vcpu: the vCPU.
 * @index: MSR number.
 * @data: the value.
 *
 * Return: 0, or -ENOENT for another MSR.
 */
int svm_get_msr(struct minivmm_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;

	switch (index) {
	case MSR_IA32_SYSENTER_CS:
		*data = vmcb->save.sysenter_cs;
		break;
	case MSR_IA32_SYSENTER_ESP:
		*data = vmcb->save.sysenter_esp;
		break;
	case MSR_IA32_SYSENTER_EIP:
		*data = vmcb->save.sysenter_eip;
		break;
	case MSR_FS_BASE:
		*data = vmcb->save.fs.base;
		break;
	case MSR_GS_BASE:
		*data = vmcb->save.gs.base;
		break;
	case MSR_KERNEL_GS_BASE:
		*data = vmcb->save.kernel_gs_base;
		break;
	case MSR_IA32_CR_PAT:
		*data = vmcb->save.g_pat;
		break;
	case MSR_IA32_TSC:
		*data = rdtsc() + vmcb->control.tsc_offset;
		break;
	default:
		return -ENOENT;
	}
	return 0;
}

/**
 * svm_set_msr() - write a guest MSR held by the VMCB
 * @vcpu: the vCPU.
 * @index: MSR number.
 * @data: the value (validated by the x86 layer).
 *
 * Return: 0, or -ENOENT for another MSR.
 */
int svm_set_msr(struct minivmm_vcpu *vcpu, u32 index, u64 data)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;

	switch (index) {
	case MSR_IA32_SYSENTER_CS:
		vmcb->save.sysenter_cs = data;
		break;
	case MSR_IA32_SYSENTER_ESP:
		vmcb->save.sysenter_esp = data;
		break;
	case MSR_IA32_SYSENTER_EIP:
		vmcb->save.sysenter_eip = data;
		break;
	case MSR_FS_BASE:
		vmcb->save.fs.base = data;
		break;
	case MSR_GS_BASE:
		vmcb->save.gs.base = data;
		break;
	case MSR_KERNEL_GS_BASE:
		vmcb->save.kernel_gs_base = data;
		break;
	case MSR_IA32_CR_PAT:
		vmcb->save.g_pat = data;
		break;
	case MSR_IA32_TSC:
		vmcb->control.tsc_offset = data - rdtsc();
		break;
	default:
		return -ENOENT;
	}
	return 0;
}
