// SPDX-License-Identifier: GPL-2.0
/*
 * Control, debug and extended control registers: what a guest may load
 * (CR0, CR3, CR4, CR8, DR0-DR7, XCR0), the long-mode transitions CR0.PG
 * makes with EFER.LME, and the exit handlers for MOV CR, CLTS, LMSW, MOV DR
 * and XSETBV. The backend turns the values into hardware state.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>
#include "cpuid.h"
#include "x86.h"
#include "../arch_call.h"

/* Guest CR4 bits minivmm lets a guest set (others: #GP). */
#define GUEST_CR4_ALLOWED (X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE | \
			   X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE | \
			   X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | \
			   X86_CR4_UMIP | X86_CR4_FSGSBASE | X86_CR4_PCIDE | \
			   X86_CR4_OSXSAVE | X86_CR4_SMEP | X86_CR4_SMAP)

/* DR7 bit 10 reads as 1 (SDM Vol. 3, 17.2.4). */
#define GUEST_DR7_FIXED_1		0x400UL

/* XCR0 components that come in groups (SDM Vol. 1, 13.3). */
#define XCR0_AVX512	(XFEATURE_MASK_OPMASK | XFEATURE_MASK_ZMM_Hi256 | \
			 XFEATURE_MASK_Hi16_ZMM)
#define XCR0_MPX	(XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR)
#define XCR0_XTILE_CFG	BIT_ULL(17)
#define XCR0_XTILE_DATA	BIT_ULL(18)

static int inject_gp(struct minivmm_vcpu *vcpu)
{
	minivmm_call(queue_exception)(vcpu, X86_TRAP_GP, true, 0);
	return MINIVMM_RUN_RESUME;
}

static int skip(struct minivmm_vcpu *vcpu)
{
	minivmm_call(skip_instruction)(vcpu);
	return MINIVMM_RUN_RESUME;
}

/**
 * minivmm_x86_cr0_valid() - would this CR0 value make a MOV to CR0 succeed?
 * @vcpu: the vCPU.
 * @cr0: the new value.
 *
 * Return: true when valid, false when the instruction must #GP.
 */
bool minivmm_x86_cr0_valid(struct minivmm_vcpu *vcpu, u64 cr0)
{
	const struct minivmm_vcpu_arch *a = &vcpu->arch;

	if (cr0 >> 32)
		return false;
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE))
		return false;
	if ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD))
		return false;
	if ((cr0 & X86_CR0_PG) && !(a->cr0 & X86_CR0_PG) &&
	    (a->efer & EFER_LME) && !(a->cr4 & X86_CR4_PAE))
		return false;
	return true;
}

/**
 * minivmm_x86_cr4_valid() - would this CR4 value make a MOV to CR4 succeed?
 * @vcpu: the vCPU.
 * @cr4: the new value.
 * @efer: the EFER it would run with.
 *
 * OSXSAVE needs XSAVE in the guest's CPUID and a host running with XSAVE.
 * Return: true when valid.
 */
bool minivmm_x86_cr4_valid(struct minivmm_vcpu *vcpu, u64 cr4, u64 efer)
{
	if (cr4 & ~(u64)GUEST_CR4_ALLOWED)
		return false;
	if (!minivmm_arch->cr4_supported(cr4))
		return false;
	if ((cr4 & X86_CR4_OSXSAVE) && !minivmm_x86_guest_has_xsave(vcpu))
		return false;
	if ((efer & EFER_LMA) && !(cr4 & X86_CR4_PAE))
		return false;
	return true;
}

/**
 * minivmm_x86_set_efer() - give the guest an EFER value (already valid)
 * @vcpu: the vCPU (loaded).
 * @efer: the value.
 */
void minivmm_x86_set_efer(struct minivmm_vcpu *vcpu, u64 efer)
{
	vcpu->arch.efer = efer;
	minivmm_arch->set_efer(vcpu, efer);
}

/**
 * minivmm_x86_set_cr0() - give the guest a CR0 value (already valid)
 * @vcpu: the vCPU (loaded).
 * @cr0: the value the guest sees.
 *
 * Turning paging on with EFER.LME set enters IA-32e mode (EFER.LMA), off
 * leaves it.
 */
void minivmm_x86_set_cr0(struct minivmm_vcpu *vcpu, u64 cr0)
{
	struct minivmm_vcpu_arch *a = &vcpu->arch;

	if ((cr0 & X86_CR0_PG) && !(a->cr0 & X86_CR0_PG) && (a->efer & EFER_LME))
		minivmm_x86_set_efer(vcpu, a->efer | EFER_LMA);
	else if (!(cr0 & X86_CR0_PG) && (a->efer & EFER_LMA))
		minivmm_x86_set_efer(vcpu, a->efer & ~EFER_LMA);
	a->cr0 = cr0;
	minivmm_arch->set_cr0(vcpu, cr0);
}

/**
 * minivmm_x86_set_cr4() - give the guest a CR4 value (already valid)
 * @vcpu: the vCPU (loaded).
 * @cr4: the value the guest sees.
 */
void minivmm_x86_set_cr4(struct minivmm_vcpu *vcpu, u64 cr4)
{
	vcpu->arch.cr4 = cr4;
	minivmm_arch->set_cr4(vcpu, cr4);
}

/*
 * In long mode, CR3 bits at and above the guest's MAXPHYADDR are reserved
 * (bit 63 means "no flush" with CR4.PCIDE); outside it a 32-bit value.
 */
static bool cr3_valid(struct minivmm_vcpu *vcpu, u64 cr3)
{
	u64 rsvd;

	if (!(vcpu->arch.efer & EFER_LMA))
		return !(cr3 >> 32);
	rsvd = ~((1ULL << minivmm_x86_guest_maxphyaddr(vcpu)) - 1);
	if (vcpu->arch.cr4 & X86_CR4_PCIDE)
		rsvd &= ~BIT_ULL(63);
	return !(cr3 & rsvd);
}

/**
 * minivmm_x86_mov_to_cr() - MOV to CR0, CR3, CR4 or CR8
 * @vcpu: the vCPU (loaded).
 * @cr: the control register.
 * @reg: the source GPR (VREG_*).
 *
 * Return: MINIVMM_RUN_RESUME (#GP injected for an invalid value), or an
 * INTERNAL_ERROR exit for another control register.
 */
int minivmm_x86_mov_to_cr(struct minivmm_vcpu *vcpu, int cr, int reg)
{
	unsigned long val = minivmm_x86_read_reg(vcpu, reg);

	switch (cr) {
	case 0:
		if (!minivmm_x86_cr0_valid(vcpu, val))
			return inject_gp(vcpu);
		minivmm_x86_set_cr0(vcpu, val);
		break;
	case 3:
		if (!cr3_valid(vcpu, val))
			return inject_gp(vcpu);
		minivmm_arch->set_cr3(vcpu, val);
		break;
	case 4:
		if (!minivmm_x86_cr4_valid(vcpu, val, vcpu->arch.efer))
			return inject_gp(vcpu);
		minivmm_x86_set_cr4(vcpu, val);
		break;
	case 8:
		if (val & ~15UL)
			return inject_gp(vcpu);
		vcpu->arch.cr8 = val;
		/* A lower TPR may let a held device interrupt through. */
		set_bit(MINIVMM_REQ_EVENT, &vcpu->requests);
		break;
	default: {
		u64 data[2] = { cr, minivmm_call(get_rip)(vcpu) };

		return minivmm_x86_internal_error(vcpu,
				MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT, 2, data);
	}
	}
	return skip(vcpu);
}

/**
 * minivmm_x86_mov_from_cr() - MOV from CR3 or CR8 (the others do not exit)
 * @vcpu: the vCPU (loaded).
 * @cr: the control register.
 * @reg: the destination GPR.
 *
 * Return: MINIVMM_RUN_RESUME, or an INTERNAL_ERROR exit.
 */
int minivmm_x86_mov_from_cr(struct minivmm_vcpu *vcpu, int cr, int reg)
{
	unsigned long val;

	switch (cr) {
	case 3:
		val = minivmm_call(get_cr3)(vcpu);
		break;
	case 8:
		val = vcpu->arch.cr8;
		break;
	default: {
		u64 data[2] = { cr, minivmm_call(get_rip)(vcpu) };

		return minivmm_x86_internal_error(vcpu,
				MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT, 2, data);
	}
	}
	minivmm_x86_write_reg(vcpu, reg, val);
	return skip(vcpu);
}

/**
 * minivmm_x86_clts() - CLTS: clear CR0.TS
 * @vcpu: the vCPU (loaded).
 *
 * Return: MINIVMM_RUN_RESUME.
 */
int minivmm_x86_clts(struct minivmm_vcpu *vcpu)
{
	minivmm_x86_set_cr0(vcpu, vcpu->arch.cr0 & ~X86_CR0_TS);
	return skip(vcpu);
}

/**
 * minivmm_x86_lmsw() - LMSW: load CR0 bits 0-3; it never clears PE
 * @vcpu: the vCPU (loaded).
 * @val: the source operand.
 *
 * Return: MINIVMM_RUN_RESUME.
 */
int minivmm_x86_lmsw(struct minivmm_vcpu *vcpu, u16 val)
{
	u64 cr0 = vcpu->arch.cr0;

	minivmm_x86_set_cr0(vcpu, (cr0 & ~0xeUL) | (val & 0xf) | (cr0 & X86_CR0_PE));
	return skip(vcpu);
}

/**
 * minivmm_x86_mov_dr() - MOV to or from a debug register
 * @vcpu: the vCPU (loaded).
 * @dr: the debug register (0-7).
 * @reg: the GPR.
 * @from: MOV from DR (else to).
 *
 * DR0-DR3 and DR6 are kept in software only; DR7 lives in the backend.
 * DR4/DR5 alias DR6/DR7 unless CR4.DE (#UD then).
 * Return: MINIVMM_RUN_RESUME.
 */
int minivmm_x86_mov_dr(struct minivmm_vcpu *vcpu, int dr, int reg, bool from)
{
	struct minivmm_vcpu_arch *a = &vcpu->arch;
	unsigned long val;

	if (dr == 4 || dr == 5) {
		if (a->cr4 & X86_CR4_DE) {
			minivmm_call(queue_exception)(vcpu, X86_TRAP_UD, false, 0);
			return MINIVMM_RUN_RESUME;
		}
		dr += 2;
	}
	if (from) {
		val = dr == 7 ? minivmm_arch->get_dr7(vcpu) : a->dr[dr == 6 ? 4 : dr];
		minivmm_x86_write_reg(vcpu, reg, val);
	} else {
		val = minivmm_x86_read_reg(vcpu, reg);
		if ((dr == 6 || dr == 7) && (val >> 32))
			return inject_gp(vcpu);
		if (dr == 7)
			minivmm_arch->set_dr7(vcpu, (val & ~GUEST_DR7_FIXED_1 & 0xffffffffUL) |
					      GUEST_DR7_FIXED_1);
		else
			a->dr[dr == 6 ? 4 : dr] = val;
	}
	return skip(vcpu);
}

/* The architectural rules for XCR0 (as Linux's __kvm_set_xcr() applies them). */
static bool xcr0_valid(struct minivmm_vcpu *vcpu, u64 xcr0)
{
	if (!(xcr0 & XFEATURE_MASK_FP))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	if (xcr0 & ~minivmm_x86_guest_xcr0_mask(vcpu))
		return false;
	if ((xcr0 & XCR0_MPX) && (xcr0 & XCR0_MPX) != XCR0_MPX)
		return false;
	if (xcr0 & XCR0_AVX512) {
		if (!(xcr0 & XFEATURE_MASK_YMM))
			return false;
		if ((xcr0 & XCR0_AVX512) != XCR0_AVX512)
			return false;
	}
	if (!(xcr0 & XCR0_XTILE_CFG) != !(xcr0 & XCR0_XTILE_DATA))
		return false;
	return true;
}

/**
 * minivmm_x86_emulate_xsetbv() - XSETBV
 * @vcpu: the vCPU (loaded).
 *
 * #UD without CR4.OSXSAVE; #GP outside CPL 0, for an XCR other than XCR0,
 * or for an XCR0 value the architecture, the guest's CPUID or the host
 * refuse. The value is loaded around each entry (kmod/x86/x86_run.c).
 * Return: MINIVMM_RUN_RESUME.
 */
int minivmm_x86_emulate_xsetbv(struct minivmm_vcpu *vcpu)
{
	struct minivmm_vcpu_arch *a = &vcpu->arch;
	u64 val = (a->regs[VREG_RDX] << 32) | (u32)a->regs[VREG_RAX];
	u32 index = a->regs[VREG_RCX];

	if (!(a->cr4 & X86_CR4_OSXSAVE) || !minivmm_host_xcr0) {
		minivmm_call(queue_exception)(vcpu, X86_TRAP_UD, false, 0);
		return MINIVMM_RUN_RESUME;
	}
	if (minivmm_call(get_cpl)(vcpu) != 0 || index != 0 || !xcr0_valid(vcpu, val))
		return inject_gp(vcpu);
	a->xcr0 = val;
	return skip(vcpu);
}
