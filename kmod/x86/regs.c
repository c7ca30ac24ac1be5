// SPDX-License-Identifier: GPL-2.0
/*
 * Register state between a vCPU and userspace: GET/SET_REGS and
 * GET/SET_SREGS, with the architectural checks (reserved RFLAGS bits,
 * segment field ranges, CR0/CR4/EFER consistency). The backend holds RSP,
 * RIP, RFLAGS, segments, descriptor tables and CR3; the x86 layer holds
 * the rest. Callers hold the vCPU mutex and have it loaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include "x86.h"
#include "../arch_call.h"

/* RFLAGS bits software may set (the others are reserved and read 0). */
#define RFLAGS_WRITABLE		0x3f7fd7ULL

/**
 * minivmm_x86_read_reg() - a guest general-purpose register
 * @vcpu: the vCPU (loaded).
 * @reg: VREG_* number.
 *
 * Return: its value; RSP comes from the backend.
 */
unsigned long minivmm_x86_read_reg(struct minivmm_vcpu *vcpu, int reg)
{
	if (reg == VREG_RSP)
		return minivmm_call(get_rsp)(vcpu);
	return vcpu->arch.regs[reg];
}

/**
 * minivmm_x86_write_reg() - set a guest general-purpose register
 * @vcpu: the vCPU (loaded).
 * @reg: VREG_* number.
 * @val: the value.
 */
void minivmm_x86_write_reg(struct minivmm_vcpu *vcpu, int reg, unsigned long val)
{
	if (reg == VREG_RSP)
		minivmm_call(set_rsp)(vcpu, val);
	else
		vcpu->arch.regs[reg] = val;
}

/**
 * minivmm_x86_get_regs() - MINIVMM_GET_REGS
 * @vcpu: the vCPU (loaded).
 * @r: filled in.
 *
 * Return: 0.
 */
int minivmm_x86_get_regs(struct minivmm_vcpu *vcpu, struct minivmm_regs *r)
{
	unsigned long *g = vcpu->arch.regs;

	r->rax = g[VREG_RAX]; r->rbx = g[VREG_RBX]; r->rcx = g[VREG_RCX];
	r->rdx = g[VREG_RDX]; r->rsi = g[VREG_RSI]; r->rdi = g[VREG_RDI];
	r->rbp = g[VREG_RBP]; r->r8 = g[VREG_R8]; r->r9 = g[VREG_R9];
	r->r10 = g[VREG_R10]; r->r11 = g[VREG_R11]; r->r12 = g[VREG_R12];
	r->r13 = g[VREG_R13]; r->r14 = g[VREG_R14]; r->r15 = g[VREG_R15];
	r->rsp = minivmm_call(get_rsp)(vcpu);
	r->rip = minivmm_call(get_rip)(vcpu);
	r->rflags = minivmm_call(get_rflags)(vcpu);
	return 0;
}

/**
 * minivmm_x86_set_regs() - MINIVMM_SET_REGS
 * @vcpu: the vCPU (loaded).
 * @r: the values; RFLAGS bit 1 is forced on, reserved bits must be 0.
 *
 * Return: 0, or -EINVAL for reserved RFLAGS bits.
 */
int minivmm_x86_set_regs(struct minivmm_vcpu *vcpu, const struct minivmm_regs *r)
{
	unsigned long *g = vcpu->arch.regs;

	if (r->rflags & ~RFLAGS_WRITABLE)
		return -EINVAL;
	g[VREG_RAX] = r->rax; g[VREG_RBX] = r->rbx; g[VREG_RCX] = r->rcx;
	g[VREG_RDX] = r->rdx; g[VREG_RSI] = r->rsi; g[VREG_RDI] = r->rdi;
	g[VREG_RBP] = r->rbp; g[VREG_R8] = r->r8; g[VREG_R9] = r->r9;
	g[VREG_R10] = r->r10; g[VREG_R11] = r->r11; g[VREG_R12] = r->r12;
	g[VREG_R13] = r->r13; g[VREG_R14] = r->r14; g[VREG_R15] = r->r15;
	minivmm_call(set_rsp)(vcpu, r->rsp);
	minivmm_call(set_rip)(vcpu, r->rip);
	minivmm_arch->set_rflags(vcpu, r->rflags | X86_EFLAGS_FIXED);
	return 0;
}

static int check_seg(const struct minivmm_segment *s)
{
	if (s->padding || s->type > 15 || s->dpl > 3 || s->present > 1 ||
	    s->s > 1 || s->l > 1 || s->db > 1 || s->g > 1 || s->avl > 1 ||
	    s->unusable > 1)
		return -EINVAL;
	return 0;
}

/* struct minivmm_sregs order of segments, and the backend's numbering. */
#define SREGS_SEGS(sr) { &(sr)->cs, &(sr)->ds, &(sr)->es, &(sr)->fs, \
			 &(sr)->gs, &(sr)->ss, &(sr)->tr, &(sr)->ldt }
static const enum minivmm_sreg sregs_seg_ids[] = {
	MINIVMM_SREG_CS, MINIVMM_SREG_DS, MINIVMM_SREG_ES, MINIVMM_SREG_FS,
	MINIVMM_SREG_GS, MINIVMM_SREG_SS, MINIVMM_SREG_TR, MINIVMM_SREG_LDTR,
};

/**
 * minivmm_x86_get_sregs() - MINIVMM_GET_SREGS
 * @vcpu: the vCPU (loaded).
 * @sr: filled in.
 *
 * Return: 0.
 */
int minivmm_x86_get_sregs(struct minivmm_vcpu *vcpu, struct minivmm_sregs *sr)
{
	struct minivmm_segment *segs[] = SREGS_SEGS(sr);
	unsigned int i;

	memset(sr, 0, sizeof(*sr));
	for (i = 0; i < ARRAY_SIZE(segs); i++)
		minivmm_call(get_segment)(vcpu, segs[i], sregs_seg_ids[i]);
	minivmm_arch->get_dtables(vcpu, &sr->gdt, &sr->idt);
	sr->cr0 = vcpu->arch.cr0;
	sr->cr2 = vcpu->arch.cr2;
	sr->cr3 = minivmm_call(get_cr3)(vcpu);
	sr->cr4 = vcpu->arch.cr4;
	sr->cr8 = vcpu->arch.cr8;
	sr->efer = vcpu->arch.efer;
	return 0;
}

/**
 * minivmm_x86_set_sregs() - MINIVMM_SET_SREGS
 * @vcpu: the vCPU (loaded).
 * @sr: the values. CR0, CR4 and EFER must be a state the guest itself
 *	could reach (PG needs PE; EFER.LMA equals LME && PG, with PAE), else
 *	-EINVAL. Other inconsistencies fail VM entry (FAIL_ENTRY exit).
 *
 * Return: 0 or -EINVAL.
 */
int minivmm_x86_set_sregs(struct minivmm_vcpu *vcpu, const struct minivmm_sregs *sr)
{
	const struct minivmm_segment *segs[] = SREGS_SEGS(sr);
	bool lma = sr->efer & EFER_LMA;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sr->reserved); i++)
		if (sr->reserved[i])
			return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(segs); i++)
		if (check_seg(segs[i]))
			return -EINVAL;
	if (sr->gdt.padding[0] || sr->gdt.padding[1] || sr->gdt.padding[2] ||
	    sr->idt.padding[0] || sr->idt.padding[1] || sr->idt.padding[2])
		return -EINVAL;
	if ((sr->cr0 >> 32) || ((sr->cr0 & X86_CR0_PG) && !(sr->cr0 & X86_CR0_PE)) ||
	    ((sr->cr0 & X86_CR0_NW) && !(sr->cr0 & X86_CR0_CD)))
		return -EINVAL;
	/* EFER.SCE is refused as for the guest (kmod/x86/msr.c). */
	if (sr->efer & ~(u64)(EFER_LME | EFER_LMA | EFER_NX))
		return -EINVAL;
	if (lma != ((sr->efer & EFER_LME) && (sr->cr0 & X86_CR0_PG)) ||
	    (lma && !(sr->cr4 & X86_CR4_PAE)))
		return -EINVAL;
	if (sr->cr8 > 15)
		return -EINVAL;
	if (!minivmm_x86_cr4_valid(vcpu, sr->cr4, sr->efer))
		return -EINVAL;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		minivmm_arch->set_segment(vcpu, segs[i], sregs_seg_ids[i]);
	minivmm_arch->set_dtables(vcpu, &sr->gdt, &sr->idt);
	/* EFER first and CR0 preset: no LMA transition is seen. */
	minivmm_x86_set_efer(vcpu, sr->efer);
	vcpu->arch.cr0 = sr->cr0;
	minivmm_x86_set_cr0(vcpu, sr->cr0);
	minivmm_x86_set_cr4(vcpu, sr->cr4);
	minivmm_arch->set_cr3(vcpu, sr->cr3);
	vcpu->arch.cr2 = sr->cr2;
	vcpu->arch.cr8 = sr->cr8;
	set_bit(MINIVMM_REQ_EVENT, &vcpu->requests);
	return 0;
}
