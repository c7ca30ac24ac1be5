// SPDX-License-Identifier: GPL-2.0
/*
 * Guest side of the balloon benchmark: see balloon_guest.h. Everything
 * here runs in the guest; the driver is the selftests' libballoon_guest.a
 * (general registers only, no stack protector: the guest has no FS base
 * and no SSE state saving), as in balloon_test.c.
 */
#include <stdint.h>
#include "minivmm_util.h"
#include "balloon_guest.h"

#include "balloon_guest_driver.h"

/* Free pages, popped from the top: ascending contiguous PFNs. */
static uint32_t g_free[BAL_PAGES];
static uint32_t g_nfree;
static uint32_t g_balloon_pages[BAL_PAGES];
static struct balloon g_balloon;
static uint8_t g_dma[64 * 1024] __attribute__((aligned(4096)));

GUEST_CODE static int g_alloc_page(void *ctx, __u32 *pfn)
{
	if (!g_nfree)
		return -1;
	*pfn = g_free[--g_nfree];
	return 0;
}

GUEST_CODE static void g_free_page(void *ctx, __u32 pfn)
{
	if (g_nfree < BAL_PAGES)
		g_free[g_nfree++] = pfn;
}

GUEST_CODE static uint64_t g_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* Write a pattern to every free page, read it back: pages read wrong. */
GUEST_CODE static uint64_t g_write_check_free(uint64_t gen)
{
	uint64_t i, bad = 0;

	for (i = 0; i < g_nfree; i++) {
		volatile uint64_t *p = (volatile uint64_t *)((uint64_t)g_free[i] * BAL_PAGE);

		p[0] = gen ^ g_free[i];
	}
	for (i = 0; i < g_nfree; i++) {
		volatile uint64_t *p = (volatile uint64_t *)((uint64_t)g_free[i] * BAL_PAGE);

		if (p[0] != (gen ^ g_free[i]))
			bad++;
	}
	return bad;
}

GUEST_CODE void bal_guest_main(uint64_t vcpu_id)
{
	struct balloon_env env = {
		.io = BALLOON_GUEST_IO(BAL_MMIO),
		.alloc_page = g_alloc_page,
		.free_page = g_free_page,
		.fill_stats = 0,	/* no STATS_VQ: nothing else on the path */
	};
	uint64_t i, t0, t1;
	int r;

	g_nfree = 0;
	for (i = 0; i < BAL_PAGES; i++)
		g_free[g_nfree++] = (BAL_GPA / BAL_PAGE) + BAL_PAGES - 1 - i;
	GUEST_SYNC(BAL_STEP_TOUCHED, BAL_PAGES - g_write_check_free(1));

	GUEST_ASSERT(balloon_dma_size() <= sizeof(g_dma));
	r = balloon_init(&g_balloon, &env, g_dma, balloon_dma_size(),
			 g_balloon_pages, BAL_PAGES);
	GUEST_SYNC(BAL_STEP_READY, (uint64_t)(int64_t)r);

	/* The host set the target to BAL_PAGES. */
	t0 = g_rdtsc();
	r = balloon_update(&g_balloon);
	t1 = g_rdtsc();
	GUEST_SYNC(BAL_STEP_INFLATED, (uint64_t)(int64_t)r, g_balloon.num_pages,
		   t1 - t0);

	/* The host set the target to 0. */
	t0 = g_rdtsc();
	r = balloon_update(&g_balloon);
	t1 = g_rdtsc();
	GUEST_SYNC(BAL_STEP_DEFLATED, (uint64_t)(int64_t)r, g_balloon.num_pages,
		   t1 - t0);

	GUEST_SYNC(BAL_STEP_RETOUCHED, g_write_check_free(2), g_nfree);
	GUEST_SYNC(BAL_STEP_RETOUCHED2, g_write_check_free(3), g_nfree);
	GUEST_DONE();
}
