// SPDX-License-Identifier: GPL-2.0
/*
 * Register state between the VMCS and userspace: GET/SET_REGS, GET/SET_SREGS
 * (segments in VMCS access-rights form, descriptor tables, control
 * registers, EFER). Callers hold the vCPU mutex and have it loaded.
 */
#include <linux/kernel.h>
#include <asm/vmx.h>
#include "vmx.h"
#include "vmx_insn.h"

/**
 * vmx_get_regs() - the guest's general-purpose registers, RIP and RFLAGS
 * @vcpu: the vCPU (loaded).
 * @r: filled in.
 *
 * Return: 0.
 */
int vmx_get_regs(struct minivmm_vcpu *vcpu, struct minivmm_regs *r)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	unsigned long *g = vmx->regs;

	r->rax = g[VREG_RAX]; r->rbx = g[VREG_RBX]; r->rcx = g[VREG_RCX];
	r->rdx = g[VREG_RDX]; r->rsi = g[VREG_RSI]; r->rdi = g[VREG_RDI];
	r->rbp = g[VREG_RBP]; r->r8 = g[VREG_R8]; r->r9 = g[VREG_R9];
	r->r10 = g[VREG_R10]; r->r11 = g[VREG_R11]; r->r12 = g[VREG_R12];
	r->r13 = g[VREG_R13]; r->r14 = g[VREG_R14]; r->r15 = g[VREG_R15];
	r->rsp = vmcs_read(GUEST_RSP);
	r->rip = vmcs_read(GUEST_RIP);
	r->rflags = vmcs_read(GUEST_RFLAGS);
	return 0;
}

/**
 * vmx_set_regs() - load the guest's general-purpose registers
 * @vcpu: the vCPU (loaded).
 * @r: the values; RFLAGS bit 1 is forced on, reserved bits must be 0.
 *
 * Return: 0, or -EINVAL for reserved RFLAGS bits.
 */
int vmx_set_regs(struct minivmm_vcpu *vcpu, const struct minivmm_regs *r)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	unsigned long *g = vmx->regs;

	if (r->rflags & ~0x3f7fd7ULL)
		return -EINVAL;
	g[VREG_RAX] = r->rax; g[VREG_RBX] = r->rbx; g[VREG_RCX] = r->rcx;
	g[VREG_RDX] = r->rdx; g[VREG_RSI] = r->rsi; g[VREG_RDI] = r->rdi;
	g[VREG_RBP] = r->rbp; g[VREG_R8] = r->r8; g[VREG_R9] = r->r9;
	g[VREG_R10] = r->r10; g[VREG_R11] = r->r11; g[VREG_R12] = r->r12;
	g[VREG_R13] = r->r13; g[VREG_R14] = r->r14; g[VREG_R15] = r->r15;
	vmcs_write(GUEST_RSP, r->rsp);
	vmcs_write(GUEST_RIP, r->rip);
	vmcs_write(GUEST_RFLAGS, r->rflags | X86_EFLAGS_FIXED);
	return 0;
}

/* VMCS field encodings of one segment register. */
struct seg_fields {
	u16 sel, base, limit, ar;
};

#define SEG(s) { GUEST_##s##_SELECTOR, GUEST_##s##_BASE, GUEST_##s##_LIMIT, GUEST_##s##_AR_BYTES }
static const struct seg_fields seg_cs = SEG(CS), seg_ds = SEG(DS), seg_es = SEG(ES),
	seg_fs = SEG(FS), seg_gs = SEG(GS), seg_ss = SEG(SS), seg_tr = SEG(TR),
	seg_ldt = SEG(LDTR);

static void get_seg(const struct seg_fields *f, struct minivmm_segment *s)
{
	u32 ar = vmcs_read(f->ar);

	memset(s, 0, sizeof(*s));
	s->selector = vmcs_read(f->sel);
	s->base = vmcs_read(f->base);
	s->limit = vmcs_read(f->limit);
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

static int check_seg(const struct minivmm_segment *s)
{
	if (s->padding || s->type > 15 || s->dpl > 3 || s->present > 1 ||
	    s->s > 1 || s->l > 1 || s->db > 1 || s->g > 1 || s->avl > 1 ||
	    s->unusable > 1)
		return -EINVAL;
	return 0;
}

static void set_seg(const struct seg_fields *f, const struct minivmm_segment *s)
{
	u32 ar = s->type | (s->s << 4) | (s->dpl << 5) | (s->present << 7) |
		 (s->avl << 12) | (s->l << 13) | (s->db << 14) | (s->g << 15) |
		 (s->unusable << 16);

	vmcs_write(f->sel, s->selector);
	vmcs_write(f->base, s->base);
	vmcs_write(f->limit, s->limit);
	vmcs_write(f->ar, ar);
}

/**
 * vmx_get_sregs() - segments, descriptor tables and control registers
 * @vcpu: the vCPU (loaded).
 * @sr: filled in.
 *
 * Return: 0.
 */
int vmx_get_sregs(struct minivmm_vcpu *vcpu, struct minivmm_sregs *sr)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	memset(sr, 0, sizeof(*sr));
	get_seg(&seg_cs, &sr->cs);
	get_seg(&seg_ds, &sr->ds);
	get_seg(&seg_es, &sr->es);
	get_seg(&seg_fs, &sr->fs);
	get_seg(&seg_gs, &sr->gs);
	get_seg(&seg_ss, &sr->ss);
	get_seg(&seg_tr, &sr->tr);
	get_seg(&seg_ldt, &sr->ldt);
	sr->gdt.base = vmcs_read(GUEST_GDTR_BASE);
	sr->gdt.limit = vmcs_read(GUEST_GDTR_LIMIT);
	sr->idt.base = vmcs_read(GUEST_IDTR_BASE);
	sr->idt.limit = vmcs_read(GUEST_IDTR_LIMIT);
	sr->cr0 = vmx->cr0;
	sr->cr2 = vmx->cr2;
	sr->cr3 = vmcs_read(GUEST_CR3);
	sr->cr4 = vmx->cr4;
	sr->cr8 = vmx->cr8;
	sr->efer = vmx->efer;
	return 0;
}

/**
 * vmx_set_sregs() - load segments, descriptor tables, CRs and EFER
 * @vcpu: the vCPU (loaded).
 * @sr: the values. CR0, CR4 and EFER must be a state the guest itself
 *	could reach (PG needs PE; EFER.LMA equals LME && PG, with PAE), else
 *	-EINVAL. Other inconsistencies fail VM entry (FAIL_ENTRY exit).
 *
 * Return: 0 or -EINVAL.
 */
int vmx_set_sregs(struct minivmm_vcpu *vcpu, const struct minivmm_sregs *sr)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	bool lma = sr->efer & EFER_LMA, ok;
	unsigned int i;
	u64 old_efer;

	for (i = 0; i < ARRAY_SIZE(sr->reserved); i++)
		if (sr->reserved[i])
			return -EINVAL;
	if (check_seg(&sr->cs) || check_seg(&sr->ds) || check_seg(&sr->es) ||
	    check_seg(&sr->fs) || check_seg(&sr->gs) || check_seg(&sr->ss) ||
	    check_seg(&sr->tr) || check_seg(&sr->ldt) ||
	    sr->gdt.padding[0] || sr->gdt.padding[1] || sr->gdt.padding[2] ||
	    sr->idt.padding[0] || sr->idt.padding[1] || sr->idt.padding[2])
		return -EINVAL;
	if ((sr->cr0 >> 32) || ((sr->cr0 & X86_CR0_PG) && !(sr->cr0 & X86_CR0_PE)) ||
	    ((sr->cr0 & X86_CR0_NW) && !(sr->cr0 & X86_CR0_CD)))
		return -EINVAL;
	if (sr->efer & ~(u64)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX))
		return -EINVAL;
	if (lma != ((sr->efer & EFER_LME) && (sr->cr0 & X86_CR0_PG)) ||
	    (lma && !(sr->cr4 & X86_CR4_PAE)))
		return -EINVAL;
	if (sr->cr8 > 15)
		return -EINVAL;
	old_efer = vmx->efer;
	vmx->efer = sr->efer;
	ok = vmx_cr4_valid(vmx, sr->cr4);
	vmx->efer = old_efer;
	if (!ok)
		return -EINVAL;

	set_seg(&seg_cs, &sr->cs);
	set_seg(&seg_ds, &sr->ds);
	set_seg(&seg_es, &sr->es);
	set_seg(&seg_fs, &sr->fs);
	set_seg(&seg_gs, &sr->gs);
	set_seg(&seg_ss, &sr->ss);
	set_seg(&seg_tr, &sr->tr);
	set_seg(&seg_ldt, &sr->ldt);
	vmcs_write(GUEST_GDTR_BASE, sr->gdt.base);
	vmcs_write(GUEST_GDTR_LIMIT, sr->gdt.limit);
	vmcs_write(GUEST_IDTR_BASE, sr->idt.base);
	vmcs_write(GUEST_IDTR_LIMIT, sr->idt.limit);
	/* EFER first and CR0 preset: vmx_set_cr0() sees no LMA transition. */
	vmx_set_efer(vmx, sr->efer);
	vmx->cr0 = sr->cr0;
	vmx_set_cr0(vmx, sr->cr0);
	vmx_set_cr4(vmx, sr->cr4);
	vmcs_write(GUEST_CR3, sr->cr3);
	vmx->cr2 = sr->cr2;
	vmx->cr8 = sr->cr8;
	return 0;
}
