/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Validation of MINIVMM_SET_MEMORY_REGION arguments against the existing
 * slots. Kernel-free: unit-tested in userspace.
 */
#ifndef MINIVMM_MEMSLOT_CHECK_H
#define MINIVMM_MEMSLOT_CHECK_H

#include "pure.h"
#include <linux/minivmm.h>

#define MINIVMM_PAGE_SIZE	4096ull

/**
 * struct minivmm_slot_range - an existing slot, as the check needs it
 * @gpa: first guest-physical address.
 * @size: bytes; 0 for an unused slot.
 */
struct minivmm_slot_range {
	__u64 gpa;
	__u64 size;
};

/**
 * minivmm_region_check() - may this region be set?
 * @r: the request.
 * @slots: the VM's slots, MINIVMM_MAX_MEMSLOTS of them.
 * @max_gpa: first guest-physical address beyond what guests may use.
 * @max_uaddr: first userspace address beyond the VMM's address space.
 *
 * Return: 0; -EINVAL for unknown flags, non-zero reserved words, a slot
 * number out of range, unaligned or wrapping addresses, a range beyond
 * @max_gpa or @max_uaddr, or deleting an unused slot; -EEXIST when the
 * range overlaps another slot.
 */
int minivmm_region_check(const struct minivmm_memory_region *r,
			 const struct minivmm_slot_range *slots,
			 __u64 max_gpa, __u64 max_uaddr);

#endif /* MINIVMM_MEMSLOT_CHECK_H */
