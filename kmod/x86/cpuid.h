/* SPDX-License-Identifier: GPL-2.0 */
/* The CPUID table of a vCPU: the default one and MINIVMM_SET_CPUID. */
#ifndef MINIVMM_CPUID_H
#define MINIVMM_CPUID_H

#include "../vm.h"

int minivmm_cpuid_default(struct minivmm_vcpu *vcpu);
int minivmm_cpuid_set(struct minivmm_vcpu *vcpu, struct minivmm_cpuid_entry *e,
		      u32 n);
u64 minivmm_x86_guest_xcr0_mask(struct minivmm_vcpu *vcpu);
bool minivmm_x86_guest_has_xsave(struct minivmm_vcpu *vcpu);
int minivmm_x86_guest_maxphyaddr(struct minivmm_vcpu *vcpu);

#endif /* MINIVMM_CPUID_H */
