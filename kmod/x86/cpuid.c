// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's CPUID table and the CPUID instruction. By default: the host's
 * leaves (basic and extended, with their sub-leaves), filtered by
 * common/cpuid_filter.c (XSAVE and what needs it hidden too when the host
 * kernel runs without XSAVE), plus the minivmm signature leaf.
 * MINIVMM_SET_CPUID replaces it whole.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include "cpuid.h"
#include "x86.h"
#include "../arch_call.h"
#include "common/cpuid_filter.h"

/* Sub-leaves read for leaves that take ECX. */
#define MAX_SUBLEAVES	8

static bool add_leaf(struct minivmm_cpuid_entry *t, u32 *n, u32 fn, u32 idx,
		     u32 vcpu_id)
{
	struct minivmm_cpuid_entry *e = &t[*n];

	if (*n >= MINIVMM_MAX_CPUID_ENTRIES)
		return false;
	memset(e, 0, sizeof(*e));
	e->function = fn;
	e->index = idx;
	cpuid_count(fn, idx, &e->eax, &e->ebx, &e->ecx, &e->edx);
	if (minivmm_cpuid_leaf_has_index(fn))
		e->flags = MINIVMM_CPUID_SIGNIFICANT_INDEX;
	if (!minivmm_cpuid_filter(e, vcpu_id))
		return true;
	if (!minivmm_host_xcr0 && !minivmm_cpuid_hide_xsave(e))
		return true;
	(*n)++;
	return true;
}

static void add_leaves(struct minivmm_cpuid_entry *t, u32 *n, u32 base, u32 max,
		      u32 vcpu_id)
{
	u32 fn, idx;

	for (fn = base; fn <= max; fn++) {
		if (!minivmm_cpuid_leaf_has_index(fn)) {
			add_leaf(t, n, fn, 0, vcpu_id);
			continue;
		}
		for (idx = 0; idx < MAX_SUBLEAVES; idx++) {
			u32 a, b, c, d;

			cpuid_count(fn, idx, &a, &b, &c, &d);
			if (idx && !(a | b | c | d))
				break;
			add_leaf(t, n, fn, idx, vcpu_id);
		}
	}
}

/**
 * minivmm_cpuid_default() - give a new vCPU the default CPUID table
 * @vcpu: the vCPU (its id becomes its APIC id).
 *
 * Return: 0 or -ENOMEM.
 */
int minivmm_cpuid_default(struct minivmm_vcpu *vcpu)
{
	struct minivmm_cpuid_entry *t;
	u32 n = 0;

	t = kcalloc(MINIVMM_MAX_CPUID_ENTRIES, sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	add_leaves(t, &n, 0, min(cpuid_eax(0), 0x1fu), vcpu->id);
	minivmm_cpuid_hv_leaf(&t[n++]);
	add_leaves(t, &n, 0x80000000, min(cpuid_eax(0x80000000), 0x80000008u), vcpu->id);
	vcpu->arch.cpuid = t;
	vcpu->arch.cpuid_nent = n;
	return 0;
}

/**
 * minivmm_cpuid_set() - MINIVMM_SET_CPUID: replace the vCPU's table
 * @vcpu: the vCPU; caller holds its mutex.
 * @e: the entries (kmalloc'ed; owned by the vCPU on success).
 * @n: how many.
 *
 * Return: 0, or -EINVAL for an invalid table (then @e stays the caller's).
 */
int minivmm_cpuid_set(struct minivmm_vcpu *vcpu, struct minivmm_cpuid_entry *e, u32 n)
{
	int r = minivmm_cpuid_check_table(e, n);

	if (r)
		return r;
	kfree(vcpu->arch.cpuid);
	vcpu->arch.cpuid = e;
	vcpu->arch.cpuid_nent = n;
	return 0;
}

/**
 * minivmm_x86_emulate_cpuid() - the CPUID instruction, from the vCPU's table
 * @vcpu: the vCPU (loaded).
 *
 * CPUID.1:ECX.OSXSAVE mirrors the guest's CR4.OSXSAVE.
 * Return: MINIVMM_RUN_RESUME.
 */
int minivmm_x86_emulate_cpuid(struct minivmm_vcpu *vcpu)
{
	struct minivmm_vcpu_arch *a = &vcpu->arch;
	u32 fn = a->regs[VREG_RAX], out[4];

	minivmm_cpuid_lookup(a->cpuid, a->cpuid_nent, fn, a->regs[VREG_RCX], out);
	if (fn == 1) {
		out[2] &= ~BIT(27);
		if (a->cr4 & X86_CR4_OSXSAVE)
			out[2] |= BIT(27);
	}
	a->regs[VREG_RAX] = out[0];
	a->regs[VREG_RBX] = out[1];
	a->regs[VREG_RCX] = out[2];
	a->regs[VREG_RDX] = out[3];
	minivmm_call(skip_instruction)(vcpu);
	return MINIVMM_RUN_RESUME;
}

/**
 * minivmm_x86_guest_xcr0_mask() - the XCR0 bits the guest may set: those
 *	its CPUID leaf 0xd advertises that the host has enabled
 * @vcpu: the vCPU.
 *
 * Return: the mask (x87 always included).
 */
u64 minivmm_x86_guest_xcr0_mask(struct minivmm_vcpu *vcpu)
{
	u32 out[4];

	if (!minivmm_cpuid_lookup(vcpu->arch.cpuid, vcpu->arch.cpuid_nent, 0xd, 0, out))
		return XFEATURE_MASK_FP;
	/* PKRU is not switched for guests (PKU is hidden): never theirs. */
	return ((((u64)out[3] << 32) | out[0]) & minivmm_host_xcr0 & ~XFEATURE_MASK_PKRU) |
	       XFEATURE_MASK_FP;
}

/**
 * minivmm_x86_guest_maxphyaddr() - the guest's physical-address width
 * @vcpu: the vCPU.
 *
 * Return: CPUID 0x80000008 EAX[7:0], or 36 when the leaf is absent.
 */
int minivmm_x86_guest_maxphyaddr(struct minivmm_vcpu *vcpu)
{
	u32 out[4];

	if (!minivmm_cpuid_lookup(vcpu->arch.cpuid, vcpu->arch.cpuid_nent,
				  0x80000008, 0, out) || !(out[0] & 0xff))
		return 36;
	return min_t(u32, out[0] & 0xff, 52);
}

/**
 * minivmm_x86_guest_has_xsave() - does the guest's CPUID offer XSAVE (and
 *	does the host run with it)?
 * @vcpu: the vCPU.
 *
 * Return: true when the guest may set CR4.OSXSAVE.
 */
bool minivmm_x86_guest_has_xsave(struct minivmm_vcpu *vcpu)
{
	u32 out[4];

	if (!minivmm_host_xcr0)
		return false;
	minivmm_cpuid_lookup(vcpu->arch.cpuid, vcpu->arch.cpuid_nent, 1, 0, out);
	return out[2] & BIT(26);
}
