// SPDX-License-Identifier: GPL-2.0
/* Unit tests of kmod/common/guest_walk.c on page tables built in a buffer. */
#include "unit.h"
#include "common/guest_walk.h"

#define MEM_SIZE	(64 * 4096)
static unsigned char mem[MEM_SIZE];

static int read_mem(void *opaque __attribute__((unused)), __u64 gpa, void *buf,
		    __u32 len)
{
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return -EFAULT;
	memcpy(buf, mem + gpa, len);
	return 0;
}

static void put64(__u64 gpa, __u64 v)
{
	memcpy(mem + gpa, &v, 8);
}

static void put32(__u64 gpa, __u32 v)
{
	memcpy(mem + gpa, &v, 4);
}

static struct minivmm_walk_ctx ctx(__u64 cr0, __u64 cr3, __u64 cr4, __u64 efer)
{
	struct minivmm_walk_ctx c = { cr0, cr3, cr4, efer, read_mem, NULL };

	return c;
}

UNIT_TEST(walk_no_paging_is_identity)
{
	struct minivmm_walk_ctx c = ctx(0x11, 0, 0, 0);
	__u64 gpa;

	CHECK_EQ(minivmm_guest_translate(&c, 0xfffffff0, &gpa), 0);
	CHECK_EQ(gpa, 0xfffffff0);
}

UNIT_TEST(walk_4level_4k_2m_1g)
{
	struct minivmm_walk_ctx c = ctx(0x80000011, 0x1000, 0x20, 1 << 10);
	__u64 gpa;

	memset(mem, 0, sizeof(mem));
	put64(0x1000 + 0 * 8, 0x2000 | 3);		/* PML4[0] -> PDPT */
	put64(0x1000 + 511 * 8, 0x5000 | 3);		/* PML4[511] -> PDPT */
	put64(0x2000 + 0 * 8, 0x3000 | 3);		/* PDPT[0] -> PD */
	put64(0x2000 + 1 * 8, 0x40000000ull | 0x83);	/* PDPT[1]: 1 GiB */
	put64(0x3000 + 0 * 8, 0x4000 | 3);		/* PD[0] -> PT */
	put64(0x3000 + 1 * 8, 0x00600000ull | 0x83);	/* PD[1]: 2 MiB at 6 MiB */
	put64(0x4000 + 5 * 8, 0x9000 | 3);		/* PT[5] -> 0x9000 */
	put64(0x5000 + 511 * 8, 0x6000 | 3);
	put64(0x6000 + 511 * 8, 0x7000 | 3);
	put64(0x7000 + 0 * 8, 0xa000 | 3);		/* PT[0] of the top 2 MiB */

	CHECK_EQ(minivmm_guest_translate(&c, 0x5123, &gpa), 0);
	CHECK_EQ(gpa, 0x9123);
	CHECK_EQ(minivmm_guest_translate(&c, 0x212345, &gpa), 0);
	CHECK_EQ(gpa, 0x612345);
	CHECK_EQ(minivmm_guest_translate(&c, 0x40000000ull + 0x123456, &gpa), 0);
	CHECK_EQ(gpa, 0x40123456);
	CHECK_EQ(minivmm_guest_translate(&c, 0xffffffffffe00abcull, &gpa), 0);
	CHECK_EQ(gpa, 0xaabc);
	CHECK_EQ(minivmm_guest_translate(&c, 0x6000, &gpa), -EFAULT);	/* PT[6] absent */
	CHECK_EQ(minivmm_guest_translate(&c, 0x0000800000000000ull, &gpa), -EINVAL);
}

UNIT_TEST(walk_32bit_and_pse)
{
	struct minivmm_walk_ctx c = ctx(0x80000011, 0x1000, 0, 0);
	__u64 gpa;

	memset(mem, 0, sizeof(mem));
	put32(0x1000 + 0 * 4, 0x2000 | 3);
	put32(0x2000 + 3 * 4, 0x8000 | 3);
	put32(0x1000 + 1 * 4, 0x00800000 | 0x83);	/* 4 MiB page (needs PSE) */
	CHECK_EQ(minivmm_guest_translate(&c, 0x3456, &gpa), 0);
	CHECK_EQ(gpa, 0x8456);
	/* Without CR4.PSE the PS bit is ignored: entry points to a table. */
	CHECK_EQ(minivmm_guest_translate(&c, 0x400000 + 0x1234, &gpa), -EFAULT);
	c.cr4 = 0x10;
	CHECK_EQ(minivmm_guest_translate(&c, 0x400000 + 0x1234, &gpa), 0);
	CHECK_EQ(gpa, 0x801234);
}

UNIT_TEST(walk_pae)
{
	struct minivmm_walk_ctx c = ctx(0x80000011, 0x1020, 0x20, 0);
	__u64 gpa;

	memset(mem, 0, sizeof(mem));
	put64(0x1020 + 2 * 8, 0x2000 | 1);		/* PDPTE[2] */
	put64(0x2000 + 1 * 8, 0x3000 | 3);		/* PD[1] -> PT */
	put64(0x3000 + 4 * 8, 0xb000 | 3);
	put64(0x2000 + 2 * 8, 0x00400000 | 0x83);	/* PD[2]: 2 MiB */
	CHECK_EQ(minivmm_guest_translate(&c, 0x80000000u + 0x200000 + 0x4321, &gpa), 0);
	CHECK_EQ(gpa, 0xb321);
	CHECK_EQ(minivmm_guest_translate(&c, 0x80000000u + 0x400000 + 0x54321, &gpa), 0);
	CHECK_EQ(gpa, 0x454321);
	CHECK_EQ(minivmm_guest_translate(&c, 0x40000000u, &gpa), -EFAULT);
}

UNIT_TEST(walk_read_virt_crosses_pages)
{
	struct minivmm_walk_ctx c = ctx(0x80000011, 0x1000, 0x20, 1 << 10);
	unsigned char buf[8];

	memset(mem, 0, sizeof(mem));
	put64(0x1000, 0x2000 | 3);
	put64(0x2000, 0x3000 | 3);
	put64(0x3000, 0x4000 | 3);
	put64(0x4000 + 0 * 8, 0xc000 | 3);		/* va 0x0000 -> 0xc000 */
	put64(0x4000 + 1 * 8, 0xe000 | 3);		/* va 0x1000 -> 0xe000 */
	memcpy(mem + 0xcffc, "\x01\x02\x03\x04", 4);
	memcpy(mem + 0xe000, "\x05\x06\x07\x08", 4);
	REQUIRE(minivmm_guest_read_virt(&c, 0xffc, buf, 8) == 0);
	CHECK(!memcmp(buf, "\x01\x02\x03\x04\x05\x06\x07\x08", 8));
	CHECK_EQ(minivmm_guest_read_virt(&c, 0x1ffc, buf, 8), -EFAULT);
}
