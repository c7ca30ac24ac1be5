// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of the guest balloon driver (balloon-driver/) against
 * the device model of kmod/common/balloon_dev.c, in one process: the
 * driver's rings and buffers live in a flat "guest memory" that the
 * device reads through its gmem callbacks, the driver's MMIO accesses go
 * straight to the device's register file, and a fake page allocator
 * hands out the guest's pages. Queue notifications can be deferred to the
 * driver's relax hook, to see the driver poll and the target move while
 * a request is in flight.
 */
#include "unit.h"
#include "vring_util.h"
#include "common/balloon_dev.h"
#include "balloon.h"

#define GMEM_SIZE	(4u << 20)		/* PFNs 0 .. 0x3ff */
#define DMA_OFF		0x10000u
#define FIRST_PFN	0x100u			/* the allocator's pages */
#define NR_PFNS		768u
#define ALL		MINIVMM_BALLOON_FEATURES

struct e2e {
	struct flatmem m;
	struct minivmm_balloon_dev *dev;
	struct balloon b;
	__u32 store[1024];
	/* the guest's page allocator */
	__u32 freelist[1024];
	unsigned int nfree;
	bool allocated[1024];
	/* the host's view */
	bool in_balloon[1024];
	unsigned int host_count, resets, n_stats, n_rep;
	struct minivmm_balloon_stats st;
	__u64 rep_pfn[8], rep_n[8];
	/* deferred queue notifications */
	bool defer;
	__u32 pending;
	unsigned int relax_calls;
	void (*on_relax)(struct e2e *e, unsigned int call);
	unsigned int errors;	/* protocol violations seen by the checks */
};

/* ---- guest side hooks ---- */

static __u32 g_read32(void *ctx, __u32 off)
{
	struct e2e *e = ctx;
	__u64 v;

	minivmm_vmmio_read(&e->dev->mmio, off, 4, &v);
	return (__u32)v;
}

static void g_write32(void *ctx, __u32 off, __u32 val)
{
	struct e2e *e = ctx;

	if (e->defer && off == VIRTIO_MMIO_QUEUE_NOTIFY && val < 32) {
		e->pending |= 1u << val;
		return;
	}
	minivmm_vmmio_write(&e->dev->mmio, off, 4, val);
}

static __u64 g_virt_to_phys(void *ctx, const void *p)
{
	struct e2e *e = ctx;

	return (__u64)((const __u8 *)p - e->m.buf);
}

static void g_relax(void *ctx)
{
	struct e2e *e = ctx;
	__u32 i, p;

	e->relax_calls++;
	if (e->on_relax)
		e->on_relax(e, e->relax_calls);
	p = e->pending;
	e->pending = 0;
	for (i = 0; i < 32; i++)
		if (p & (1u << i))
			minivmm_vmmio_write(&e->dev->mmio,
					    VIRTIO_MMIO_QUEUE_NOTIFY, 4, i);
}

static int g_alloc_page(void *ctx, __u32 *pfn)
{
	struct e2e *e = ctx;

	if (!e->nfree)
		return -1;
	*pfn = e->freelist[--e->nfree];
	if (e->allocated[*pfn])
		e->errors++;
	e->allocated[*pfn] = true;
	return 0;
}

static void g_free_page(void *ctx, __u32 pfn)
{
	struct e2e *e = ctx;

	if (pfn >= 1024 || !e->allocated[pfn])
		e->errors++;		/* double free or foreign page */
	else if (e->in_balloon[pfn])
		e->errors++;		/* reused before the host was told */
	else
		e->allocated[pfn] = false;
	e->freelist[e->nfree++] = pfn;
}

static unsigned int g_fill_stats(void *ctx, struct balloon_stat *st,
				 unsigned int max)
{
	struct e2e *e = ctx;

	if (max < 3)
		return 0;
	st[0].tag = VIRTIO_BALLOON_S_MEMFREE;
	st[0].val = (__u64)e->nfree << 12;
	st[1].tag = VIRTIO_BALLOON_S_MEMTOT;
	st[1].val = (__u64)GMEM_SIZE;
	st[2].tag = MINIVMM_BALLOON_S_OOM_KILL;
	st[2].val = 7;
	return 3;
}

/* ---- host side hooks ---- */

static int h_inflate(void *ctx, __u32 pfn)
{
	struct e2e *e = ctx;

	if (pfn < FIRST_PFN || pfn >= FIRST_PFN + NR_PFNS)
		return -EINVAL;
	if (e->in_balloon[pfn] || !e->allocated[pfn])
		e->errors++;		/* not the guest's to give */
	e->in_balloon[pfn] = true;
	e->host_count++;
	return 0;
}

static int h_deflate(void *ctx, __u32 pfn)
{
	struct e2e *e = ctx;

	if (pfn >= 1024 || !e->in_balloon[pfn]) {
		e->errors++;
		return -EINVAL;
	}
	e->in_balloon[pfn] = false;
	e->host_count--;
	return 0;
}

static int h_report(void *ctx, __u64 pfn, __u64 npages)
{
	struct e2e *e = ctx;

	if (e->n_rep < 8) {
		e->rep_pfn[e->n_rep] = pfn;
		e->rep_n[e->n_rep++] = npages;
	}
	return 0;
}

static void h_stats(void *ctx, const struct minivmm_balloon_stats *st)
{
	struct e2e *e = ctx;

	e->st = *st;
	e->n_stats++;
}

static void h_reset(void *ctx)
{
	struct e2e *e = ctx;

	memset(e->in_balloon, 0, sizeof(e->in_balloon));
	e->host_count = 0;
	e->resets++;
}

static struct balloon_env genv(struct e2e *e, bool stats)
{
	struct balloon_env env = {
		.io = {
			.read32 = g_read32, .write32 = g_write32,
			.virt_to_phys = g_virt_to_phys, .relax = g_relax,
			.spin_limit = 10000, .ctx = e,
		},
		.alloc_page = g_alloc_page, .free_page = g_free_page,
		.fill_stats = stats ? g_fill_stats : NULL,
	};

	return env;
}

static int e2e_start(struct e2e *e, __u64 offered, bool stats)
{
	struct minivmm_balloon_host_ops h = {
		.inflate_pfn = h_inflate, .deflate_pfn = h_deflate,
		.report_pages = h_report, .stats = h_stats, .reset = h_reset,
		.ctx = e,
	};
	struct balloon_env env = genv(e, stats);
	unsigned int i;

	memset(e, 0, sizeof(*e));
	flat_init(&e->m, 0, GMEM_SIZE);
	e->dev = malloc(sizeof(*e->dev));
	if (minivmm_balloon_init(e->dev, offered, &e->m.ops, &h))
		return -1;
	for (i = 0; i < NR_PFNS; i++)
		e->freelist[e->nfree++] = FIRST_PFN + NR_PFNS - 1 - i;
	return balloon_init(&e->b, &env, e->m.buf + DMA_OFF, balloon_dma_size(),
			    e->store, MINIVMM_ARRAY_SIZE(e->store));
}

static void e2e_stop(struct e2e *e)
{
	free(e->dev);
	flat_fini(&e->m);
}

/* The host's and the driver's views of the balloon agree. */
static bool views_agree(struct e2e *e)
{
	unsigned int i, n = 0;

	for (i = 0; i < e->b.num_pages; i++)
		if (e->store[i] < 1024 && e->in_balloon[e->store[i]] &&
		    e->allocated[e->store[i]])
			n++;
	return n == e->b.num_pages && e->host_count == e->b.num_pages &&
	       e->dev->actual == e->b.num_pages &&
	       e->nfree + e->b.num_pages <= NR_PFNS;
}

UNIT_TEST(balloon_driver_init_negotiates_and_numbers_queues)
{
	struct e2e e;

	REQUIRE(e2e_start(&e, ALL, true) == 0);
	CHECK_EQ(minivmm_vmmio_features(&e.dev->mmio), ALL);
	CHECK(e.b.tell_host && e.b.has_stats && e.b.has_report &&
	      e.b.deflate_on_oom);
	/* Linux numbering: inflate 0, deflate 1, stats 2, reporting 3. */
	CHECK_EQ(e.b.inflate_vq.index, 0);
	CHECK_EQ(e.b.deflate_vq.index, 1);
	CHECK_EQ(e.b.stats_vq.index, 2);
	CHECK_EQ(e.b.report_vq.index, 3);
	CHECK_EQ(e.b.inflate_vq.num, BALLOON_QUEUE_SIZE);
	CHECK(minivmm_vmmio_live(&e.dev->mmio));
	/* The first stats buffer arrived after DRIVER_OK. */
	CHECK_EQ(e.n_stats, 1);
	CHECK_EQ(e.st.val[VIRTIO_BALLOON_S_MEMTOT], GMEM_SIZE);
	CHECK_EQ(e.st.val[MINIVMM_BALLOON_S_OOM_KILL], 7);
	CHECK_EQ(e.dev->cnt.errors, 0);
	/* Nothing to do yet. */
	CHECK_EQ(balloon_update(&e.b), 0);
	CHECK_EQ(e.b.num_pages, 0);
	e2e_stop(&e);
}

UNIT_TEST(balloon_driver_inflate_and_deflate_follow_target)
{
	struct e2e e;
	__u32 free0;

	REQUIRE(e2e_start(&e, ALL, true) == 0);
	free0 = e.nfree;
	minivmm_balloon_set_target(e.dev, 600);
	CHECK_EQ(balloon_target(&e.b), 600);
	CHECK_EQ(balloon_update(&e.b), 0);
	CHECK_EQ(e.b.num_pages, 600);
	CHECK_EQ(e.nfree, free0 - 600);		/* pages left the allocator */
	CHECK(views_agree(&e));
	CHECK_EQ(e.dev->cnt.inflated, 600);
	CHECK_EQ(e.dev->cnt.requests, 3);	/* 256 + 256 + 88 */
	minivmm_balloon_set_target(e.dev, 100);
	CHECK_EQ(balloon_update(&e.b), 0);
	CHECK_EQ(e.b.num_pages, 100);
	CHECK_EQ(e.nfree, free0 - 100);		/* deflate gave them back */
	CHECK(views_agree(&e));
	minivmm_balloon_set_target(e.dev, 0);
	CHECK_EQ(balloon_update(&e.b), 0);
	CHECK_EQ(e.nfree, free0);
	CHECK(views_agree(&e));
	CHECK_EQ(e.errors, 0);
	CHECK_EQ(e.dev->cnt.errors, 0);
	CHECK_EQ(e.dev->cnt.rejected, 0);
	e2e_stop(&e);
}

UNIT_TEST(balloon_driver_polls_and_acks_before_counting)
{
	struct e2e e;

	REQUIRE(e2e_start(&e, ALL, true) == 0);
	e.defer = true;
	minivmm_balloon_set_target(e.dev, 10);
	CHECK_EQ(balloon_poll(&e.b), 1);	/* request sent, not used yet */
	CHECK_EQ(e.b.num_pages, 0);
	CHECK_EQ(e.host_count, 0);
	CHECK_EQ(e.dev->actual, 0);
	CHECK_EQ(balloon_poll(&e.b), 1);	/* still in flight */
	g_relax(&e);				/* the device runs */
	CHECK_EQ(e.host_count, 10);
	CHECK_EQ(e.b.num_pages, 0);		/* not before the driver sees it */
	CHECK_EQ(balloon_poll(&e.b), 0);
	CHECK_EQ(e.b.num_pages, 10);
	CHECK_EQ(e.dev->actual, 10);		/* actual after the ack */
	CHECK(views_agree(&e));
	e2e_stop(&e);
}

static void shrink_target_on_first_relax(struct e2e *e, unsigned int call)
{
	if (call == 1)
		minivmm_balloon_set_target(e->dev, 300);
}

static void collapse_target_on_second_relax(struct e2e *e, unsigned int call)
{
	if (call == 2)
		minivmm_balloon_set_target(e->dev, 100);
}

UNIT_TEST(balloon_driver_target_changed_mid_inflate)
{
	struct e2e e;

	REQUIRE(e2e_start(&e, ALL, true) == 0);
	e.defer = true;
	e.on_relax = shrink_target_on_first_relax;
	minivmm_balloon_set_target(e.dev, 700);
	CHECK_EQ(balloon_update(&e.b), 0);
	CHECK_EQ(e.b.num_pages, 300);		/* 256 in flight, then 44 */
	CHECK(views_agree(&e));
	/* Down below what is already in the balloon while inflating. */
	e.relax_calls = 0;
	e.on_relax = collapse_target_on_second_relax;
	minivmm_balloon_set_target(e.dev, 700);
	CHECK_EQ(balloon_update(&e.b), 0);
	CHECK_EQ(e.b.num_pages, 100);
	CHECK(views_agree(&e));
	CHECK_EQ(e.errors, 0);
	e2e_stop(&e);
}

UNIT_TEST(balloon_driver_stats_answered_on_request)
{
	struct e2e e;

	REQUIRE(e2e_start(&e, ALL, true) == 0);
	REQUIRE(e.n_stats == 1);
	minivmm_balloon_set_target(e.dev, 50);
	CHECK_EQ(balloon_update(&e.b), 0);
	CHECK_EQ(minivmm_balloon_request_stats(e.dev), 0);
	CHECK_EQ(minivmm_balloon_request_stats(e.dev), -EAGAIN);
	CHECK_EQ(balloon_poll(&e.b), 0);	/* refills and re-adds */
	CHECK_EQ(e.n_stats, 2);
	CHECK_EQ(e.b.stats_sent, 1);
	CHECK_EQ(e.st.val[VIRTIO_BALLOON_S_MEMFREE], (__u64)e.nfree << 12);
	CHECK_EQ(e.st.val[VIRTIO_BALLOON_S_MEMFREE], (__u64)(NR_PFNS - 50) << 12);
	CHECK_EQ(e.st.nr_unknown, 0);
	/* Without a stats hook the driver leaves STATS_VQ alone. */
	e2e_stop(&e);
	REQUIRE(e2e_start(&e, ALL, false) == 0);
	CHECK(!e.b.has_stats);
	CHECK_EQ(e.b.report_vq.index, 2);	/* compact numbering */
	CHECK_EQ(minivmm_balloon_request_stats(e.dev), -EAGAIN);
	e2e_stop(&e);
}

UNIT_TEST(balloon_driver_reset_and_reinit)
{
	struct e2e e;
	struct balloon_env env;
	unsigned int resets;

	REQUIRE(e2e_start(&e, ALL, true) == 0);
	minivmm_balloon_set_target(e.dev, 200);
	CHECK_EQ(balloon_update(&e.b), 0);
	/* Orderly: deflate everything, then reset. */
	resets = e.resets;
	CHECK_EQ(balloon_shutdown(&e.b), 0);
	CHECK_EQ(e.b.num_pages, 0);
	CHECK_EQ(e.nfree, NR_PFNS);
	CHECK_EQ(e.host_count, 0);
	CHECK_EQ(e.resets, resets + 1);
	CHECK_EQ(minivmm_vmmio_live(&e.dev->mmio), false);
	env = genv(&e, true);
	CHECK_EQ(balloon_init(&e.b, &env, e.m.buf + DMA_OFF, balloon_dma_size(),
			      e.store, MINIVMM_ARRAY_SIZE(e.store)), 0);
	CHECK_EQ(balloon_update(&e.b), 0);
	CHECK_EQ(e.b.num_pages, 200);
	CHECK(views_agree(&e));
	/* The device fails (DEVICE_NEEDS_RESET): start over. */
	minivmm_vmmio_needs_reset(&e.dev->mmio);
	CHECK_EQ(balloon_poll(&e.b), -VMG_EIO);
	CHECK_EQ(balloon_reinit(&e.b), 0);
	CHECK_EQ(e.b.num_pages, 0);
	CHECK_EQ(e.nfree, NR_PFNS);		/* the reset device forgot them */
	CHECK_EQ(e.host_count, 0);
	CHECK_EQ(balloon_update(&e.b), 0);
	CHECK_EQ(e.b.num_pages, 200);		/* the target survived */
	CHECK(views_agree(&e));
	/* A reset with a request in flight loses nothing either. */
	e.defer = true;
	minivmm_balloon_set_target(e.dev, 300);
	CHECK_EQ(balloon_poll(&e.b), 1);
	e.defer = false;
	e.pending = 0;
	CHECK_EQ(balloon_reinit(&e.b), 0);
	CHECK_EQ(e.nfree, NR_PFNS);
	CHECK_EQ(e.errors, 0);
	e2e_stop(&e);
}

/* The guest's own allocation: on failure, ask the balloon for pages. */
static int guest_alloc(struct e2e *e, __u32 *pfn)
{
	if (g_alloc_page(e, pfn) == 0)
		return 0;
	if (!balloon_oom_deflate(&e->b, 16))
		return -1;
	return g_alloc_page(e, pfn);
}

UNIT_TEST(balloon_driver_deflate_on_oom)
{
	struct e2e e;
	__u32 pfn;
	int got = 0;

	REQUIRE(e2e_start(&e, ALL, true) == 0);
	minivmm_balloon_set_target(e.dev, 700);
	CHECK_EQ(balloon_update(&e.b), 0);
	/* The guest uses up the remaining 68 pages, then 20 more. */
	while (got < 88 && guest_alloc(&e, &pfn) == 0)
		got++;
	CHECK_EQ(got, 88);
	CHECK_EQ(e.b.num_pages, 700 - 32);	/* two OOM deflations of 16 */
	CHECK_EQ(e.host_count, e.b.num_pages);	/* told before reuse */
	CHECK_EQ(e.dev->actual, e.b.num_pages);
	CHECK_EQ(e.errors, 0);
	/* No re-inflation while the target stays put... */
	CHECK_EQ(balloon_update(&e.b), 0);
	CHECK_EQ(e.b.num_pages, 668);
	/* ...until the device changes it. */
	minivmm_balloon_set_target(e.dev, 672);
	CHECK_EQ(balloon_update(&e.b), 0);
	CHECK_EQ(e.b.num_pages, 672);
	CHECK(views_agree(&e));
	e2e_stop(&e);
	/* Without DEFLATE_ON_OOM the balloon keeps its pages. */
	REQUIRE(e2e_start(&e, ALL & ~MINIVMM_BIT64(VIRTIO_BALLOON_F_DEFLATE_ON_OOM),
			  true) == 0);
	minivmm_balloon_set_target(e.dev, 10);
	CHECK_EQ(balloon_update(&e.b), 0);
	CHECK_EQ(balloon_oom_deflate(&e.b, 5), 0);
	CHECK_EQ(e.b.num_pages, 10);
	e2e_stop(&e);
}

UNIT_TEST(balloon_driver_runs_out_of_guest_pages)
{
	struct e2e e;

	REQUIRE(e2e_start(&e, ALL, true) == 0);
	minivmm_balloon_set_target(e.dev, NR_PFNS + 100);
	CHECK_EQ(balloon_update(&e.b), -VMG_ENOMEM);
	CHECK_EQ(e.b.num_pages, NR_PFNS);
	CHECK_EQ(e.nfree, 0);
	CHECK(views_agree(&e));
	/* OOM deflation is not triggered by the balloon's own allocations. */
	CHECK_EQ(e.dev->cnt.deflated, 0);
	minivmm_balloon_set_target(e.dev, 0);
	CHECK_EQ(balloon_update(&e.b), 0);
	CHECK_EQ(e.nfree, NR_PFNS);
	CHECK_EQ(e.errors, 0);
	e2e_stop(&e);
}

UNIT_TEST(balloon_driver_free_page_reporting)
{
	struct balloon_range r[2] = {
		{ .addr = 0x200000, .len = 0x100000 },
		{ .addr = 0x380000, .len = 0x8000 },
	};
	struct e2e e;

	REQUIRE(e2e_start(&e, ALL, true) == 0);
	CHECK_EQ(balloon_report(&e.b, r, 2), 0);
	REQUIRE(e.n_rep == 2);
	CHECK_EQ(e.rep_pfn[0], 0x200);
	CHECK_EQ(e.rep_n[0], 0x100);
	CHECK_EQ(e.rep_pfn[1], 0x380);
	CHECK_EQ(e.rep_n[1], 8);
	CHECK_EQ(e.b.reports, 1);
	CHECK_EQ(e.dev->mmio.q[3].used_idx, 1);	/* reporting_vq is 3 */
	CHECK_EQ(balloon_report(&e.b, r, 0), -VMG_EINVAL);
	CHECK_EQ(balloon_report(&e.b, r, BALLOON_MAX_REPORT + 1), -VMG_EINVAL);
	e2e_stop(&e);
	/* Device without STATS_VQ: reporting_vq is queue 2 on both sides. */
	REQUIRE(e2e_start(&e, ALL & ~MINIVMM_BIT64(VIRTIO_BALLOON_F_STATS_VQ),
			  true) == 0);
	CHECK(!e.b.has_stats);
	CHECK_EQ(e.b.report_vq.index, 2);
	CHECK_EQ(balloon_report(&e.b, r, 1), 0);
	CHECK_EQ(e.dev->mmio.q[2].used_idx, 1);
	CHECK_EQ(e.n_rep, 1);
	e2e_stop(&e);
	/* Device without REPORTING. */
	REQUIRE(e2e_start(&e, ALL & ~MINIVMM_BIT64(VIRTIO_BALLOON_F_REPORTING),
			  true) == 0);
	CHECK_EQ(balloon_report(&e.b, r, 1), -VMG_ENODEV);
	e2e_stop(&e);
}

/* A register file that is not a version 2 balloon. */
static __u32 fake_regs[0x100 / 4];

static __u32 fake_read32(void *ctx, __u32 off)
{
	(void)ctx;
	if (off == VIRTIO_MMIO_DEVICE_FEATURES &&
	    fake_regs[VIRTIO_MMIO_DEVICE_FEATURES_SEL / 4])
		return 0;
	return off < sizeof(fake_regs) ? fake_regs[off / 4] : 0;
}

static void fake_write32(void *ctx, __u32 off, __u32 val)
{
	(void)ctx;
	if (off == VIRTIO_MMIO_STATUS || off == VIRTIO_MMIO_DEVICE_FEATURES_SEL)
		fake_regs[off / 4] = val;
}

UNIT_TEST(balloon_driver_probe_refuses_other_devices)
{
	struct vmg_env io = { .read32 = fake_read32, .write32 = fake_write32 };
	struct balloon_env env = { .io = io };
	const __u32 size = 16384;
	__u8 *dma = aligned_alloc(16, size);
	struct balloon b;
	__u32 store[4];

	REQUIRE(dma && balloon_dma_size() <= size);
	fake_regs[VIRTIO_MMIO_MAGIC_VALUE / 4] = 0x12345678;
	CHECK_EQ(balloon_init(&b, &env, dma, size, store, 4), -VMG_ENODEV);
	fake_regs[VIRTIO_MMIO_MAGIC_VALUE / 4] = 0x74726976;
	fake_regs[VIRTIO_MMIO_VERSION / 4] = 1;		/* legacy */
	CHECK_EQ(balloon_init(&b, &env, dma, size, store, 4), -VMG_ENOTSUP);
	fake_regs[VIRTIO_MMIO_VERSION / 4] = 2;
	fake_regs[VIRTIO_MMIO_DEVICE_ID / 4] = 0;		/* empty slot */
	CHECK_EQ(balloon_init(&b, &env, dma, size, store, 4), -VMG_ENODEV);
	fake_regs[VIRTIO_MMIO_DEVICE_ID / 4] = VIRTIO_ID_BLOCK;
	CHECK_EQ(balloon_init(&b, &env, dma, size, store, 4), -VMG_ENODEV);
	/* A balloon without VERSION_1: refused and marked FAILED. */
	fake_regs[VIRTIO_MMIO_DEVICE_ID / 4] = VIRTIO_ID_BALLOON;
	fake_regs[VIRTIO_MMIO_DEVICE_FEATURES / 4] = 1;	/* word 0 only */
	CHECK_EQ(balloon_init(&b, &env, dma, size, store, 4), -VMG_ENOTSUP);
	CHECK(fake_regs[VIRTIO_MMIO_STATUS / 4] & VIRTIO_CONFIG_S_FAILED);
	/* Bad memory. */
	CHECK_EQ(balloon_init(&b, &env, dma + 1, size - 1, store, 4),
		 -VMG_EINVAL);
	CHECK_EQ(balloon_init(&b, &env, dma, 64, store, 4), -VMG_EINVAL);
	free(dma);
}
