// SPDX-License-Identifier: GPL-2.0
/*
 * Memory-region argument checks (see memslot_check.h).
 */
#include "memslot_check.h"

int minivmm_region_check(const struct minivmm_memory_region *r,
			 const struct minivmm_slot_range *slots,
			 __u64 max_gpa, __u64 max_uaddr)
{
	__u64 end;
	unsigned int i;

	if (r->flags & ~MINIVMM_MEM_READONLY)
		return -EINVAL;
	for (i = 0; i < MINIVMM_ARRAY_SIZE(r->reserved); i++)
		if (r->reserved[i])
			return -EINVAL;
	if (r->slot >= MINIVMM_MAX_MEMSLOTS)
		return -EINVAL;
	if ((r->guest_phys_addr | r->memory_size | r->userspace_addr) &
	    (MINIVMM_PAGE_SIZE - 1))
		return -EINVAL;
	if (!r->memory_size)
		return slots[r->slot].size ? 0 : -EINVAL;
	end = r->guest_phys_addr + r->memory_size;
	if (end < r->guest_phys_addr || end > max_gpa)
		return -EINVAL;
	if (r->userspace_addr + r->memory_size < r->userspace_addr ||
	    r->userspace_addr + r->memory_size > max_uaddr || !r->userspace_addr)
		return -EINVAL;
	for (i = 0; i < MINIVMM_MAX_MEMSLOTS; i++) {
		if (i == r->slot || !slots[i].size)
			continue;
		if (r->guest_phys_addr < slots[i].gpa + slots[i].size &&
		    slots[i].gpa < end)
			return -EEXIST;
	}
	return 0;
}
