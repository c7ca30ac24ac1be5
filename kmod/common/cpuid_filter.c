// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's CPUID: host leaves with what minivmm cannot virtualise
 * hidden (VMX and SMX, MONITOR/MWAIT, x2APIC and the TSC deadline timer,
 * INVPCID, PKU, WAITPKG, XSAVES, RDTSCP, debug store, thermal and
 * performance monitoring, PT, SGX, RDT), the hypervisor bit and a
 * "minivmm" signature leaf. Kernel-free: unit-tested in userspace.
 */
#include "cpuid_filter.h"

bool minivmm_cpuid_leaf_has_index(__u32 function)
{
	switch (function) {
	case 0x4: case 0x7: case 0xb: case 0xd: case 0xf: case 0x10:
	case 0x12: case 0x14: case 0x17: case 0x18: case 0x1d: case 0x1e:
	case 0x1f: case 0x8000001d:
		return true;
	default:
		return false;
	}
}

bool minivmm_cpuid_filter(struct minivmm_cpuid_entry *e, __u32 vcpu_id)
{
	switch (e->function) {
	case 0x1:
		e->ecx &= ~MINIVMM_HIDE_1_ECX;
		e->ecx |= MINIVMM_CPUID_1_ECX_HYPERVISOR;
		e->edx &= ~MINIVMM_HIDE_1_EDX;
		/* EBX[31:24]: initial APIC id. */
		e->ebx = (e->ebx & 0x00ffffffu) | (vcpu_id << 24);
		break;
	case 0x6:	/* thermal and power management */
	case 0xa:	/* architectural performance monitoring */
		e->eax = e->ebx = e->ecx = e->edx = 0;
		break;
	case 0x7:
		if (e->index == 0) {
			e->ebx &= ~MINIVMM_HIDE_7_EBX;
			e->ecx &= ~MINIVMM_HIDE_7_ECX;
			e->edx &= ~MINIVMM_HIDE_7_EDX;
		}
		break;
	case 0xb:
	case 0x1f:
		e->edx = vcpu_id;	/* x2APIC id */
		break;
	case 0xd:
		if (e->index == 1)
			e->eax &= ~MINIVMM_HIDE_D1_EAX;
		break;
	case 0xf: case 0x10: case 0x12: case 0x14:
		return false;	/* RDT, SGX, processor trace */
	case 0x80000001:
		e->edx &= ~MINIVMM_HIDE_80000001_EDX;
		break;
	case 0x80000008:
		e->ebx &= ~MINIVMM_HIDE_80000008_EBX;
		break;
	default:
		break;
	}
	return true;
}

bool minivmm_cpuid_hide_xsave(struct minivmm_cpuid_entry *e)
{
	switch (e->function) {
	case 0x1:
		e->ecx &= ~MINIVMM_XSAVE_1_ECX;
		break;
	case 0x7:
		if (e->index == 0) {
			e->ebx &= ~MINIVMM_XSAVE_7_EBX;
			e->ecx &= ~MINIVMM_XSAVE_7_ECX;
			e->edx &= ~MINIVMM_XSAVE_7_EDX;
		}
		break;
	case 0xd:
		return false;
	default:
		break;
	}
	return true;
}

void minivmm_cpuid_hv_leaf(struct minivmm_cpuid_entry *e)
{
	char sig[12] = MINIVMM_CPUID_SIGNATURE;

	memset(e, 0, sizeof(*e));
	e->function = MINIVMM_CPUID_HV_BASE;
	e->eax = MINIVMM_CPUID_HV_BASE;	/* highest hypervisor leaf */
	memcpy(&e->ebx, sig, 4);
	memcpy(&e->ecx, sig + 4, 4);
	memcpy(&e->edx, sig + 8, 4);
}

bool minivmm_cpuid_lookup(const struct minivmm_cpuid_entry *table, __u32 n,
			  __u32 function, __u32 index, __u32 out[4])
{
	__u32 i;

	for (i = 0; i < n; i++) {
		const struct minivmm_cpuid_entry *e = &table[i];

		if (e->function != function)
			continue;
		if ((e->flags & MINIVMM_CPUID_SIGNIFICANT_INDEX) && e->index != index)
			continue;
		out[0] = e->eax;
		out[1] = e->ebx;
		out[2] = e->ecx;
		out[3] = e->edx;
		return true;
	}
	out[0] = out[1] = out[2] = out[3] = 0;
	return false;
}

int minivmm_cpuid_check_table(const struct minivmm_cpuid_entry *table, __u32 n)
{
	__u32 i, j;

	if (n > MINIVMM_MAX_CPUID_ENTRIES)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		const struct minivmm_cpuid_entry *a = &table[i];

		if ((a->flags & ~MINIVMM_CPUID_SIGNIFICANT_INDEX) || a->padding)
			return -EINVAL;
		for (j = 0; j < i; j++) {
			const struct minivmm_cpuid_entry *b = &table[j];
			bool idx = (a->flags & MINIVMM_CPUID_SIGNIFICANT_INDEX) &&
				   (b->flags & MINIVMM_CPUID_SIGNIFICANT_INDEX);

			if (a->function == b->function && (!idx || a->index == b->index))
				return -EINVAL;
		}
	}
	return 0;
}
