/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a backend's world switch calls around the entry, inline: this is
 * the exit path (kmod/x86/x86_run.c has the rest of the entry).
 */
#ifndef MINIVMM_X86_RUN_H
#define MINIVMM_X86_RUN_H

#include <asm/fpu/xcr.h>
#include <asm/processor-flags.h>
#include "x86.h"

/**
 * minivmm_x86_load_guest_xsave_state() - the guest's XCR0, for the entry
 * @vcpu: the vCPU; interrupts off.
 *
 * Never executes XSETBV on a host whose kernel runs without XSAVE (there
 * the guest cannot set CR4.OSXSAVE).
 */
static __always_inline void minivmm_x86_load_guest_xsave_state(struct minivmm_vcpu *vcpu)
{
	const struct minivmm_vcpu_arch *a = &vcpu->arch;

	if (minivmm_host_xcr0 && (a->cr4 & X86_CR4_OSXSAVE) &&
	    a->xcr0 != minivmm_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, a->xcr0);
}

/**
 * minivmm_x86_load_host_xsave_state() - the host's XCR0, after the exit
 * @vcpu: the vCPU; interrupts off.
 */
static __always_inline void minivmm_x86_load_host_xsave_state(struct minivmm_vcpu *vcpu)
{
	const struct minivmm_vcpu_arch *a = &vcpu->arch;

	if (minivmm_host_xcr0 && (a->cr4 & X86_CR4_OSXSAVE) &&
	    a->xcr0 != minivmm_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, minivmm_host_xcr0);
}

#endif /* MINIVMM_X86_RUN_H */
