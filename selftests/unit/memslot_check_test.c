// SPDX-License-Identifier: GPL-2.0
/* Unit tests of kmod/common/memslot_check.c: SET_MEMORY_REGION arguments. */
#include "unit.h"
#include "common/memslot_check.h"

#define MAX_GPA		(1ull << 46)
#define MAX_UADDR	(1ull << 47)

static struct minivmm_memory_region region(__u32 slot, __u64 gpa, __u64 size,
					   __u64 uaddr)
{
	struct minivmm_memory_region r = { .slot = slot, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = uaddr };

	return r;
}

UNIT_TEST(memslot_accepts_good_regions)
{
	struct minivmm_slot_range s[MINIVMM_MAX_MEMSLOTS] = { { 0, 0x100000 } };
	struct minivmm_memory_region r = region(1, 0x100000, 0x200000, 0x7f0000000000);

	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), 0);
	r.flags = MINIVMM_MEM_READONLY;
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), 0);
	/* Replacing slot 0 itself may overlap its old range. */
	r = region(0, 0, 0x200000, 0x7f0000000000);
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), 0);
}

UNIT_TEST(memslot_rejects_bad_arguments)
{
	struct minivmm_slot_range s[MINIVMM_MAX_MEMSLOTS] = { { 0 } };
	struct minivmm_memory_region r;

	r = region(0, 0x1000, 0x1000, 0x10000);
	r.flags = 2;
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), -EINVAL);
	r = region(0, 0x1000, 0x1000, 0x10000);
	r.reserved[3] = 1;
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), -EINVAL);
	r = region(MINIVMM_MAX_MEMSLOTS, 0x1000, 0x1000, 0x10000);
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), -EINVAL);
	r = region(0, 0x1001, 0x1000, 0x10000);
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), -EINVAL);
	r = region(0, 0x1000, 0x1800, 0x10000);
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), -EINVAL);
	r = region(0, 0x1000, 0x1000, 0x10010);
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), -EINVAL);
	r = region(0, MAX_GPA - 0x1000, 0x2000, 0x10000);
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), -EINVAL);
	r = region(0, 0xfffffffffffff000ull, 0x2000, 0x10000);	/* wraps */
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), -EINVAL);
	r = region(0, 0x1000, 0x2000, MAX_UADDR - 0x1000);
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), -EINVAL);
	r = region(0, 0x1000, 0x1000, 0);
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), -EINVAL);
}

UNIT_TEST(memslot_overlap_is_eexist)
{
	struct minivmm_slot_range s[MINIVMM_MAX_MEMSLOTS] = { { 0x100000, 0x100000 } };
	struct minivmm_memory_region r;

	r = region(1, 0x1ff000, 0x2000, 0x10000);	/* tail overlap */
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), -EEXIST);
	r = region(1, 0xff000, 0x2000, 0x10000);	/* head overlap */
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), -EEXIST);
	r = region(1, 0x0, 0x400000, 0x10000);		/* covers it */
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), -EEXIST);
	r = region(1, 0x200000, 0x1000, 0x10000);	/* adjacent: fine */
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), 0);
	r = region(1, 0xff000, 0x1000, 0x10000);	/* adjacent below */
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), 0);
}

UNIT_TEST(memslot_delete_needs_used_slot)
{
	struct minivmm_slot_range s[MINIVMM_MAX_MEMSLOTS] = { { 0x100000, 0x100000 } };
	struct minivmm_memory_region r = region(0, 0, 0, 0);

	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), 0);
	r.slot = 1;
	CHECK_EQ(minivmm_region_check(&r, s, MAX_GPA, MAX_UADDR), -EINVAL);
}
