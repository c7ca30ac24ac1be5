// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's CPUID table. By default: the host's leaves (basic and extended,
 * with their sub-leaves), filtered by common/cpuid_filter.c, plus the
 * minivmm signature leaf. MINIVMM_SET_CPUID replaces it whole.
 */
#include <linux/slab.h>
#include <asm/processor.h>
#include "cpuid.h"
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
	if (minivmm_cpuid_filter(e, vcpu_id))
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
	vcpu->cpuid = t;
	vcpu->cpuid_nent = n;
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
	kfree(vcpu->cpuid);
	vcpu->cpuid = e;
	vcpu->cpuid_nent = n;
	return 0;
}
