/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPUID table a guest sees: which host features are hidden, the
 * hypervisor leaves, and the lookup done on each CPUID exit. Kernel-free.
 */
#ifndef MINIVMM_CPUID_FILTER_H
#define MINIVMM_CPUID_FILTER_H

#include "pure.h"
#include <linux/minivmm.h>

/* Leaf 0x40000000: EBX, ECX, EDX spell this, zero padded to 12 bytes. */
#define MINIVMM_CPUID_SIGNATURE		"minivmm"
#define MINIVMM_CPUID_HV_BASE		0x40000000u

/* Features hidden from guests (bits of the named leaf and register). */
#define MINIVMM_HIDE_1_ECX	((1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | \
				 (1u << 6) | (1u << 7) | (1u << 8) | (1u << 15) | \
				 (1u << 21) | (1u << 24))
#define MINIVMM_HIDE_1_EDX	((1u << 21) | (1u << 22) | (1u << 29) | (1u << 31))
#define MINIVMM_HIDE_7_EBX	((1u << 2) | (1u << 10) | (1u << 12) | (1u << 14) | \
				 (1u << 15) | (1u << 25))
#define MINIVMM_HIDE_7_ECX	((1u << 3) | (1u << 4) | (1u << 5) | (1u << 30))
#define MINIVMM_HIDE_D1_EAX	((1u << 3) | (1u << 4))
#define MINIVMM_HIDE_80000001_EDX (1u << 27)
#define MINIVMM_CPUID_1_ECX_HYPERVISOR	(1u << 31)

/**
 * minivmm_cpuid_leaf_has_index() - does this leaf take a sub-leaf in ECX?
 * @function: the leaf.
 *
 * Return: true for the leaves whose output depends on ECX.
 */
bool minivmm_cpuid_leaf_has_index(__u32 function);

/**
 * minivmm_cpuid_filter() - turn a host CPUID leaf into the guest's
 * @e: the leaf, holding host values; rewritten in place.
 * @vcpu_id: the vCPU's id, used as its APIC id.
 *
 * Return: false when the whole leaf is withheld (drop it from the table).
 */
bool minivmm_cpuid_filter(struct minivmm_cpuid_entry *e, __u32 vcpu_id);

/**
 * minivmm_cpuid_hv_leaf() - the hypervisor signature leaf 0x40000000
 * @e: filled in.
 */
void minivmm_cpuid_hv_leaf(struct minivmm_cpuid_entry *e);

/**
 * minivmm_cpuid_lookup() - what CPUID returns for a leaf and sub-leaf
 * @table: the vCPU's table.
 * @n: its entries.
 * @function: EAX input.
 * @index: ECX input.
 * @out: EAX, EBX, ECX, EDX; all zero when the leaf is not in the table.
 *
 * Return: true when the leaf was found.
 */
bool minivmm_cpuid_lookup(const struct minivmm_cpuid_entry *table, __u32 n,
			  __u32 function, __u32 index, __u32 out[4]);

/**
 * minivmm_cpuid_check_table() - validate a table given by userspace
 * @table: the entries.
 * @n: how many.
 *
 * Return: 0, or -EINVAL for unknown flags, non-zero padding, too many
 * entries, or the same leaf/sub-leaf twice.
 */
int minivmm_cpuid_check_table(const struct minivmm_cpuid_entry *table, __u32 n);

#endif /* MINIVMM_CPUID_FILTER_H */
