// SPDX-License-Identifier: GPL-2.0
/*
 * Walks guest page tables (Intel SDM Vol. 3, chapter 4): 32-bit paging with
 * 4 MiB pages under CR4.PSE, PAE paging with 2 MiB pages, 4-level paging
 * with 2 MiB and 1 GiB pages. Only presence matters here: the access the
 * walk serves is the guest's own instruction fetch, which already passed
 * the guest's permission checks.
 */
#include "guest_walk.h"

#define CR0_PG		(1ull << 31)
#define CR4_PSE		(1ull << 4)
#define CR4_PAE		(1ull << 5)
#define EFER_LMA	(1ull << 10)
#define PTE_P		1ull
#define PTE_PS		(1ull << 7)
#define ADDR_MASK	0x000ffffffffff000ull

static int read_entry(const struct minivmm_walk_ctx *ctx, __u64 gpa, int size,
		      __u64 *e)
{
	__u32 v32;
	int r;

	if (size == 4) {
		r = ctx->read_gpa(ctx->opaque, gpa, &v32, 4);
		*e = v32;
	} else {
		r = ctx->read_gpa(ctx->opaque, gpa, e, 8);
	}
	return r ? -EFAULT : 0;
}

static int walk_32(const struct minivmm_walk_ctx *ctx, __u64 gva, __u64 *gpa)
{
	__u64 pde, pte;

	if (read_entry(ctx, (ctx->cr3 & 0xfffff000ull) + ((gva >> 22) & 0x3ff) * 4, 4, &pde) ||
	    !(pde & PTE_P))
		return -EFAULT;
	if ((pde & PTE_PS) && (ctx->cr4 & CR4_PSE)) {
		/* 4 MiB page; bits 20:13 of the PDE give address bits 39:32. */
		*gpa = (pde & 0xffc00000ull) | ((pde & 0x1fe000ull) << 19) |
		       (gva & 0x3fffff);
		return 0;
	}
	if (read_entry(ctx, (pde & 0xfffff000ull) + ((gva >> 12) & 0x3ff) * 4, 4, &pte) ||
	    !(pte & PTE_P))
		return -EFAULT;
	*gpa = (pte & 0xfffff000ull) | (gva & 0xfff);
	return 0;
}

/* Levels from @top down to 1 (1 = page table) of PAE or 4-level paging. */
static int walk_64(const struct minivmm_walk_ctx *ctx, __u64 table, int top,
		   __u64 gva, __u64 *gpa)
{
	int level;
	__u64 e;

	for (level = top; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);

		if (read_entry(ctx, (table & ADDR_MASK) + ((gva >> shift) & 511) * 8, 8, &e) ||
		    !(e & PTE_P))
			return -EFAULT;
		if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PS))) {
			__u64 mask = (1ull << shift) - 1;

			*gpa = ((e & ADDR_MASK) & ~mask) | (gva & mask);
			return 0;
		}
		table = e;
	}
	return -EFAULT;
}

int minivmm_guest_translate(const struct minivmm_walk_ctx *ctx, __u64 gva,
			    __u64 *gpa)
{
	__u64 pdpte;

	if (!(ctx->cr0 & CR0_PG)) {
		*gpa = gva & 0xffffffffull;
		return 0;
	}
	if (ctx->efer & EFER_LMA) {
		if ((__u64)((__s64)(gva << 16) >> 16) != gva)
			return -EINVAL;
		return walk_64(ctx, ctx->cr3, 4, gva, gpa);
	}
	gva &= 0xffffffffull;
	if (!(ctx->cr4 & CR4_PAE))
		return walk_32(ctx, gva, gpa);
	/* PAE: four PDPTEs at CR3[31:5]. */
	if (read_entry(ctx, (ctx->cr3 & 0xffffffe0ull) + (gva >> 30) * 8, 8, &pdpte) ||
	    !(pdpte & PTE_P))
		return -EFAULT;
	return walk_64(ctx, pdpte, 2, gva, gpa);
}

int minivmm_guest_read_virt(const struct minivmm_walk_ctx *ctx, __u64 gva,
			    void *buf, __u32 len)
{
	__u8 *out = buf;

	while (len) {
		__u32 chunk = 4096 - (gva & 4095);
		__u64 gpa;
		int r;

		if (chunk > len)
			chunk = len;
		r = minivmm_guest_translate(ctx, gva, &gpa);
		if (!r)
			r = ctx->read_gpa(ctx->opaque, gpa, out, chunk);
		if (r)
			return r;
		gva += chunk;
		out += chunk;
		len -= chunk;
	}
	return 0;
}
