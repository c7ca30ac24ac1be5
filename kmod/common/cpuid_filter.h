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
/* EDX: MCE (7) and MCA (14) too: the MCG_* and MCi_* MSRs are not offered. */
#define MINIVMM_HIDE_1_EDX	((1u << 7) | (1u << 14) | (1u << 21) | (1u << 22) | \
				 (1u << 29) | (1u << 31))
#define MINIVMM_HIDE_7_EBX	((1u << 2) | (1u << 10) | (1u << 12) | (1u << 14) | \
				 (1u << 15) | (1u << 25))
#define MINIVMM_HIDE_7_ECX	((1u << 3) | (1u << 4) | (1u << 5) | (1u << 30))
/*
 * Leaf 7 EDX: IBRS/IBPB (26), STIBP (27), L1D_FLUSH (28), ARCH_CAPABILITIES
 * (29), CORE_CAPABILITIES (30), SSBD (31): their MSRs are not offered.
 */
#define MINIVMM_HIDE_7_EDX	((1u << 26) | (1u << 27) | (1u << 28) | (1u << 29) | \
				 (1u << 30) | (1u << 31))
/* Leaf 0x80000008 EBX: AMD's IBPB (12), IBRS (14), STIBP (15), SSBD (24, 25). */
#define MINIVMM_HIDE_80000008_EBX ((1u << 12) | (1u << 14) | (1u << 15) | \
				   (1u << 24) | (1u << 25))
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

/* What needs XSAVE enabled by the host: hidden when the host runs without. */
#define MINIVMM_XSAVE_1_ECX	((1u << 12) | (1u << 26) | (1u << 27) | \
				 (1u << 28) | (1u << 29))
#define MINIVMM_XSAVE_7_EBX	((1u << 5) | (1u << 16) | (1u << 17) | (1u << 21) | \
				 (1u << 26) | (1u << 27) | (1u << 28) | (1u << 30) | \
				 (1u << 31))
#define MINIVMM_XSAVE_7_ECX	((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | \
				 (1u << 14))
#define MINIVMM_XSAVE_7_EDX	((1u << 2) | (1u << 3) | (1u << 8) | (1u << 22) | \
				 (1u << 23) | (1u << 24) | (1u << 25))

/**
 * minivmm_cpuid_hide_xsave() - withhold XSAVE and what depends on it
 *	(AVX, AVX2, AVX-512, FMA, F16C, AMX) from a leaf, for hosts whose
 *	kernel runs with XSAVE off
 * @e: the leaf; rewritten in place.
 *
 * Return: false when the whole leaf is withheld (leaf 0xd).
 */
bool minivmm_cpuid_hide_xsave(struct minivmm_cpuid_entry *e);

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
