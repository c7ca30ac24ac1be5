// SPDX-License-Identifier: GPL-2.0
/*
 * Peek at the VMM's page tables without taking page-table locks, as
 * statistics may: an entry that changes under the walk is counted as it
 * was or as it is. The caller holds the mmap lock and, when it is not a
 * thread of the VMM, a reference on the mm (mmget_not_zero()). Only the
 * parts of the range inside a VMA are walked, VMA by VMA: munmap frees
 * page tables only of VMAs it has already taken out of the tree (under
 * the mmap lock for writing), so the tables of a VMA found here stay
 * (PTE tables that khugepaged frees after an RCU grace period on newer
 * kernels are read under rcu_read_lock()). VM_PFNMAP and VM_IO mappings
 * are not walked. Linux's walk_page_range() would take each table's lock
 * too, but it is not exported to modules.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include "hva_peek.h"

/* Swap entries proper: migration, device and poison entries are not. */
static bool pte_is_swapped(pte_t pte)
{
	return !pte_none(pte) && !pte_present(pte) &&
	       !non_swap_entry(pte_to_swp_entry(pte));
}

static void count_ptes(pmd_t pmd, unsigned long addr, unsigned long n,
		       unsigned long first, unsigned long *swapped_bits,
		       struct minivmm_hva_counts *cnt)
{
	unsigned long i;
	pte_t *ptep;

	rcu_read_lock();
	ptep = pte_offset_kernel(&pmd, addr);
	for (i = 0; i < n; i++) {
		pte_t pte = READ_ONCE(ptep[i]);

		if (pte_present(pte)) {
			cnt->present++;
		} else if (pte_is_swapped(pte)) {
			cnt->swapped++;
			if (swapped_bits)
				__set_bit(first + i, swapped_bits);
		} else if (!pte_none(pte)) {
			cnt->present++;	/* migration entry: in memory */
		}
	}
	rcu_read_unlock();
}

/* Walk [addr, end), inside one VMA; bits count from @hva. */
static void peek_range(struct mm_struct *mm, unsigned long hva,
		       unsigned long addr, unsigned long end,
		       unsigned long *swapped_bits, unsigned long bit0,
		       struct minivmm_hva_counts *cnt)
{
	while (addr < end) {
		unsigned long next = min(pmd_addr_end(addr, end), end);
		unsigned long n = (next - addr) >> PAGE_SHIFT;
		pgd_t *pgd = pgd_offset(mm, addr);
		p4d_t *p4d;
		pud_t *pud, pudv;
		pmd_t pmd;

		if (pgd_none(READ_ONCE(*pgd)))
			goto next;
		p4d = p4d_offset(pgd, addr);
		if (p4d_none(READ_ONCE(*p4d)))
			goto next;
		pud = pud_offset(p4d, addr);
		pudv = READ_ONCE(*pud);
		if (pud_none(pudv))
			goto next;
		if (pud_leaf(pudv)) {
			cnt->present += n;
			goto next;
		}
		pmd = READ_ONCE(*pmd_offset(pud, addr));
		if (pmd_none(pmd))
			goto next;
		if (pmd_leaf(pmd) || !pmd_present(pmd)) {
			/* A huge page, or a huge page being migrated. */
			cnt->present += n;
			goto next;
		}
		count_ptes(pmd, addr, n, bit0 + ((addr - hva) >> PAGE_SHIFT),
			   swapped_bits, cnt);
next:
		addr = next;
		cond_resched();
	}
}

/**
 * minivmm_hva_peek() - count resident and swapped pages of a user range
 * @mm: the address space; the caller holds its mmap lock and a reference
 *	on its users (mmget_not_zero(), or is one of its threads).
 * @hva: page-aligned start.
 * @npages: 4 KiB pages.
 * @swapped_bits: if not NULL, bit @bit0 + i is set for each swapped page
 *	i (bits of other pages are left alone).
 * @bit0: bit of @swapped_bits standing for the first page.
 * @cnt: zeroed, then filled in. Pages outside every VMA and in VM_PFNMAP
 *	or VM_IO mappings count as neither.
 *
 * May sleep (it reschedules between page tables).
 */
void minivmm_hva_peek(struct mm_struct *mm, unsigned long hva,
		      unsigned long npages, unsigned long *swapped_bits,
		      unsigned long bit0, struct minivmm_hva_counts *cnt)
{
	unsigned long addr = hva, end = hva + npages * PAGE_SIZE;
	struct vm_area_struct *vma;

	cnt->present = 0;
	cnt->swapped = 0;
	mmap_assert_locked(mm);
	while (addr < end) {
		vma = find_vma(mm, addr);
		if (!vma || vma->vm_start >= end)
			break;
		addr = max(addr, vma->vm_start);
		if (!(vma->vm_flags & (VM_PFNMAP | VM_IO)))
			peek_range(mm, hva, addr, min(end, vma->vm_end),
				   swapped_bits, bit0, cnt);
		addr = vma->vm_end;
	}
}
