/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A lockless look at the VMM's page tables: which pages of a range of its
 * address space are resident, in swap, or neither. For statistics only.
 */
#ifndef MINIVMM_HVA_PEEK_H
#define MINIVMM_HVA_PEEK_H

#include <linux/mm_types.h>

/**
 * struct minivmm_hva_counts - what minivmm_hva_peek() saw
 * @present: pages mapped (resident, or being migrated).
 * @swapped: pages whose page-table entry is a swap entry.
 */
struct minivmm_hva_counts {
	unsigned long present;
	unsigned long swapped;
};

void minivmm_hva_peek(struct mm_struct *mm, unsigned long hva,
		      unsigned long npages, unsigned long *swapped_bits,
		      unsigned long bit0, struct minivmm_hva_counts *cnt);

#endif /* MINIVMM_HVA_PEEK_H */
