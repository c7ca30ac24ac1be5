// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kmod/common/balloon_dev.c: the virtio-balloon device
 * driven through its MMIO registers the way Linux's virtio_mmio and
 * virtio_balloon drivers drive it, with rings in a flat guest memory.
 */
#include "unit.h"
#include "vring_util.h"
#include "common/balloon_dev.h"

#define MEM_SIZE	0x100000ull
#define RING(i)		(0x10000ull + (i) * 0x4000ull)
#define BUF(i)		(0x40000ull + (i) * 0x1000ull)
#define ALL		MINIVMM_BALLOON_FEATURES
#define F(bit)		MINIVMM_BIT64(bit)
#define S_ALL		(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | \
			 VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK)

struct bfx {
	struct flatmem m;
	struct minivmm_balloon_dev *b;
	struct tring r[MINIVMM_VMMIO_MAX_QUEUES];
	__u32 infl[600], defl[64];
	unsigned int n_infl, n_defl;
	__u64 rep_pfn[8], rep_n[8];
	unsigned int n_rep;
	struct minivmm_balloon_stats st;
	unsigned int n_stats, resets, irqs;
	__u32 actual;
	bool level;
	__u32 reject_above;		/* inflate_pfn refuses PFNs above */
	unsigned int extra_chains;	/* inflate_pfn publishes more chains */
	int between_answer;		/* check hook between chains */
	int walk_answer;		/* check hook every 64 frames */
	unsigned int n_checks;
};

static int h_check(void *ctx, bool between_chains)
{
	struct bfx *f = ctx;

	f->n_checks++;
	return between_chains ? f->between_answer : f->walk_answer;
}

static int h_inflate(void *ctx, __u32 pfn);

static int h_deflate(void *ctx, __u32 pfn)
{
	struct bfx *f = ctx;

	if (f->n_defl < MINIVMM_ARRAY_SIZE(f->defl))
		f->defl[f->n_defl++] = pfn;
	return 0;
}

static int h_report(void *ctx, __u64 pfn, __u64 npages)
{
	struct bfx *f = ctx;

	if (f->n_rep < MINIVMM_ARRAY_SIZE(f->rep_pfn)) {
		f->rep_pfn[f->n_rep] = pfn;
		f->rep_n[f->n_rep++] = npages;
	}
	return 0;
}

static void h_stats(void *ctx, const struct minivmm_balloon_stats *st)
{
	struct bfx *f = ctx;

	f->st = *st;
	f->n_stats++;
}

static void h_actual(void *ctx, __u32 actual)
{
	struct bfx *f = ctx;

	f->actual = actual;
}

static void h_reset(void *ctx)
{
	struct bfx *f = ctx;

	f->resets++;
}

static void h_irq(void *ctx, bool level)
{
	struct bfx *f = ctx;

	f->level = level;
	f->irqs++;
}

static int bfx_init(struct bfx *f, __u64 offered)
{
	struct minivmm_balloon_host_ops h = {
		.inflate_pfn = h_inflate, .deflate_pfn = h_deflate,
		.report_pages = h_report, .stats = h_stats,
		.actual = h_actual, .reset = h_reset, .irq = h_irq,
		.mem_barrier = flat_barrier, .check = h_check, .ctx = f,
	};

	memset(f, 0, sizeof(*f));
	flat_init(&f->m, 0, MEM_SIZE);
	f->b = malloc(sizeof(*f->b));
	return minivmm_balloon_init(f->b, offered, &f->m.ops, &h);
}

static void bfx_fini(struct bfx *f)
{
	free(f->b);
	flat_fini(&f->m);
}

static __u32 rd(struct bfx *f, __u64 off)
{
	__u64 v;

	minivmm_vmmio_read(&f->b->mmio, off, 4, &v);
	return (__u32)v;
}

static int wr(struct bfx *f, __u64 off, __u32 v)
{
	return minivmm_vmmio_write(&f->b->mmio, off, 4, v);
}

static __u64 device_features(struct bfx *f)
{
	__u64 hi;

	wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	hi = rd(f, VIRTIO_MMIO_DEVICE_FEATURES);
	wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return hi << 32 | rd(f, VIRTIO_MMIO_DEVICE_FEATURES);
}

/* Linux's virtio_dev_probe up to FEATURES_OK; returns the status. */
static __u32 negotiate(struct bfx *f, __u64 want)
{
	__u64 feat = device_features(f) & want;

	wr(f, VIRTIO_MMIO_STATUS, 0);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	   VIRTIO_CONFIG_S_DRIVER);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, (__u32)(feat >> 32));
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, (__u32)feat);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	   VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	return rd(f, VIRTIO_MMIO_STATUS);
}

/* Linux's vm_setup_vq for queue @q with @num entries. */
static int setup_vq(struct bfx *f, __u32 q, __u16 num)
{
	struct tring *r = &f->r[q];

	wr(f, VIRTIO_MMIO_QUEUE_SEL, q);
	if (rd(f, VIRTIO_MMIO_QUEUE_READY))
		return -ENOENT;
	if (!rd(f, VIRTIO_MMIO_QUEUE_NUM_MAX))
		return -ENOENT;
	tring_init(r, &f->m, RING(q), num);
	wr(f, VIRTIO_MMIO_QUEUE_NUM, num);
	wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW, (__u32)r->desc);
	wr(f, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	wr(f, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (__u32)r->avail);
	wr(f, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
	wr(f, VIRTIO_MMIO_QUEUE_USED_LOW, (__u32)r->used);
	wr(f, VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
	return wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
}

static void driver_ok(struct bfx *f)
{
	wr(f, VIRTIO_MMIO_STATUS, S_ALL);
}

/* Full bring-up with every feature: queues 0, 1, 2 (stats), 3 (reporting). */
static bool bring_up(struct bfx *f)
{
	__u32 q;

	if (negotiate(f, ~0ull) != (S_ALL & ~VIRTIO_CONFIG_S_DRIVER_OK))
		return false;
	for (q = 0; q < 4; q++)
		if (setup_vq(f, q, 16))
			return false;
	driver_ok(f);
	return rd(f, VIRTIO_MMIO_STATUS) == S_ALL;
}

/* Put @n PFNs from @first in buffer @head and make it available on @q. */
static void send_pfns(struct bfx *f, __u32 q, __u16 head, __u32 first,
		      unsigned int n)
{
	struct tring *r = &f->r[q];
	unsigned int i;

	for (i = 0; i < n; i++)
		minivmm_put_le32(flat_ptr(&f->m, BUF(head) + 4 * i), first + i);
	tring_desc(r, head, BUF(head), 4 * n, 0, 0);
	tring_avail(r, head);
}

static int h_inflate(void *ctx, __u32 pfn)
{
	struct bfx *f = ctx;

	if (f->extra_chains) {		/* another vCPU adds work meanwhile */
		f->extra_chains--;
		send_pfns(f, 0, (__u16)(f->r[0].avail_idx % f->r[0].num),
			  0x7000, 1);
	}
	if (f->reject_above && pfn > f->reject_above)
		return -EINVAL;
	if (f->n_infl < MINIVMM_ARRAY_SIZE(f->infl))
		f->infl[f->n_infl++] = pfn;
	return 0;
}

static __u32 cfg32(struct bfx *f, __u32 off)
{
	__u64 v;

	minivmm_vmmio_read(&f->b->mmio, VIRTIO_MMIO_CONFIG + off, 4, &v);
	return (__u32)v;
}

UNIT_TEST(balloon_features_offered_poison_and_hinting_declined)
{
	struct bfx f;
	__u64 dev;

	CHECK_EQ(bfx_init(&f, ALL | F(VIRTIO_BALLOON_F_PAGE_POISON)), -EINVAL);
	bfx_fini(&f);
	CHECK_EQ(bfx_init(&f, ALL | F(VIRTIO_BALLOON_F_FREE_PAGE_HINT)), -EINVAL);
	bfx_fini(&f);
	REQUIRE(bfx_init(&f, ALL) == 0);
	CHECK_EQ(rd(&f, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BALLOON);
	dev = device_features(&f);
	CHECK_EQ(dev, ALL);
	CHECK(dev & F(VIRTIO_F_VERSION_1));
	CHECK(!(dev & F(VIRTIO_BALLOON_F_PAGE_POISON)));
	CHECK(!(dev & F(VIRTIO_RING_F_INDIRECT_DESC)));
	CHECK(!(dev & F(VIRTIO_RING_F_EVENT_IDX)));
	/* A driver that insists on PAGE_POISON does not get FEATURES_OK. */
	negotiate(&f, ~0ull);
	wr(&f, VIRTIO_MMIO_STATUS, 0);
	wr(&f, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	wr(&f, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	   VIRTIO_CONFIG_S_DRIVER);
	wr(&f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(&f, VIRTIO_MMIO_DRIVER_FEATURES, (__u32)ALL |
	   F(VIRTIO_BALLOON_F_PAGE_POISON));
	wr(&f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(&f, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(&f, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	   VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	CHECK_EQ(rd(&f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK, 0);
	/* Linux then clears PAGE_POISON and starts over: accepted. */
	CHECK(bring_up(&f));
	CHECK_EQ(minivmm_vmmio_features(&f.b->mmio), ALL);
	/* MUST_TELL_HOST is optional for the driver. */
	CHECK(negotiate(&f, ALL & ~F(VIRTIO_BALLOON_F_MUST_TELL_HOST)) &
	      VIRTIO_CONFIG_S_FEATURES_OK);
	bfx_fini(&f);
}

UNIT_TEST(balloon_queue_roles_for_every_numbering)
{
	const __u64 st = F(VIRTIO_BALLOON_F_STATS_VQ);
	const __u64 rp = F(VIRTIO_BALLOON_F_REPORTING);

	/* Everything negotiated: Linux and QEMU use 3, the spec list 4. */
	CHECK_EQ(minivmm_balloon_queue_role(ALL, ALL, 0), MINIVMM_BALLOON_VQ_INFLATE);
	CHECK_EQ(minivmm_balloon_queue_role(ALL, ALL, 1), MINIVMM_BALLOON_VQ_DEFLATE);
	CHECK_EQ(minivmm_balloon_queue_role(ALL, ALL, 2), MINIVMM_BALLOON_VQ_STATS);
	CHECK_EQ(minivmm_balloon_queue_role(ALL, ALL, 3), MINIVMM_BALLOON_VQ_REPORTING);
	CHECK_EQ(minivmm_balloon_queue_role(ALL, ALL, 4), MINIVMM_BALLOON_VQ_REPORTING);
	CHECK_EQ(minivmm_balloon_queue_role(ALL, ALL, 5), MINIVMM_BALLOON_VQ_NONE);
	/* Stats offered, not negotiated: Linux 2, QEMU 3, spec 4. */
	CHECK_EQ(minivmm_balloon_queue_role(ALL, ALL & ~st, 2),
		 MINIVMM_BALLOON_VQ_REPORTING);
	CHECK_EQ(minivmm_balloon_queue_role(ALL, ALL & ~st, 3),
		 MINIVMM_BALLOON_VQ_REPORTING);
	CHECK_EQ(minivmm_balloon_queue_role(ALL, ALL & ~st, 4),
		 MINIVMM_BALLOON_VQ_REPORTING);
	/* Stats not offered: 2 (all compact readings) and 4. */
	CHECK_EQ(minivmm_balloon_queue_role(ALL & ~st, ALL & ~st, 2),
		 MINIVMM_BALLOON_VQ_REPORTING);
	CHECK_EQ(minivmm_balloon_queue_role(ALL & ~st, ALL & ~st, 3),
		 MINIVMM_BALLOON_VQ_NONE);
	/* No reporting: nothing above stats. */
	CHECK_EQ(minivmm_balloon_queue_role(ALL, ALL & ~rp, 3), MINIVMM_BALLOON_VQ_NONE);
	CHECK_EQ(minivmm_balloon_queue_role(ALL, ALL & ~rp, 4), MINIVMM_BALLOON_VQ_NONE);
	CHECK_EQ(minivmm_balloon_queue_role(ALL, ALL & ~rp & ~st, 2),
		 MINIVMM_BALLOON_VQ_NONE);
}

UNIT_TEST(balloon_queue_num_max_follows_negotiation)
{
	struct bfx f;
	__u32 q;

	REQUIRE(bfx_init(&f, ALL) == 0);
	for (q = 0; q < 5; q++) {		/* before FEATURES_OK: offered */
		wr(&f, VIRTIO_MMIO_QUEUE_SEL, q);
		CHECK_EQ(rd(&f, VIRTIO_MMIO_QUEUE_NUM_MAX),
			 MINIVMM_BALLOON_QUEUE_SIZE);
	}
	negotiate(&f, ALL & ~F(VIRTIO_BALLOON_F_REPORTING));
	for (q = 0; q < 8; q++) {
		wr(&f, VIRTIO_MMIO_QUEUE_SEL, q);
		CHECK_EQ(rd(&f, VIRTIO_MMIO_QUEUE_NUM_MAX),
			 q < 3 ? MINIVMM_BALLOON_QUEUE_SIZE : 0);
	}
	/* Linux asks for 256 entries (the maximum). */
	CHECK_EQ(setup_vq(&f, 0, MINIVMM_BALLOON_QUEUE_SIZE), 0);
	CHECK_EQ(setup_vq(&f, 3, 16), -ENOENT);
	bfx_fini(&f);
}

UNIT_TEST(balloon_inflate_deflate_like_linux)
{
	struct bfx f;
	__u32 id, len, gen;

	REQUIRE(bfx_init(&f, ALL) == 0);
	REQUIRE(bring_up(&f));
	gen = rd(&f, VIRTIO_MMIO_CONFIG_GENERATION);
	minivmm_balloon_set_target(f.b, 300);
	CHECK_EQ(rd(&f, VIRTIO_MMIO_CONFIG_GENERATION), gen + 1);
	CHECK_EQ(rd(&f, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	CHECK(f.level);
	wr(&f, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
	CHECK(!f.level);
	CHECK_EQ(cfg32(&f, 0), 300);		/* num_pages */
	/* Inflate: 256 PFNs (Linux's VIRTIO_BALLOON_ARRAY_PFNS_MAX). */
	send_pfns(&f, 0, 5, 0x100, 256);
	CHECK_EQ(wr(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 0), 0);
	REQUIRE(f.n_infl == 256);
	CHECK_EQ(f.infl[0], 0x100);
	CHECK_EQ(f.infl[255], 0x1ff);
	CHECK_EQ(tring_used_idx(&f.r[0]), 1);
	tring_used_elem(&f.r[0], 0, &id, &len);
	CHECK_EQ(id, 5);
	CHECK_EQ(len, 0);
	CHECK_EQ(rd(&f, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	wr(&f, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	/* The driver updates actual after the ack (virtio_cwrite_le). */
	CHECK_EQ(minivmm_vmmio_write(&f.b->mmio, VIRTIO_MMIO_CONFIG + 4, 4, 256), 0);
	CHECK_EQ(f.actual, 256);
	CHECK_EQ(cfg32(&f, 4), 256);
	/* Deflate four of them. */
	send_pfns(&f, 1, 0, 0x1fc, 4);
	wr(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	REQUIRE(f.n_defl == 4);
	CHECK_EQ(f.defl[3], 0x1ff);
	CHECK_EQ(tring_used_idx(&f.r[1]), 1);
	CHECK_EQ(f.b->cnt.inflated, 256);
	CHECK_EQ(f.b->cnt.deflated, 4);
	CHECK_EQ(f.b->cnt.requests, 2);
	CHECK_EQ(f.b->cnt.errors, 0);
	CHECK(minivmm_vmmio_live(&f.b->mmio));
	bfx_fini(&f);
}

UNIT_TEST(balloon_rejected_pfns_are_counted_not_fatal)
{
	struct bfx f;

	REQUIRE(bfx_init(&f, ALL) == 0);
	REQUIRE(bring_up(&f));
	f.reject_above = 0x102;
	send_pfns(&f, 0, 0, 0x100, 6);
	wr(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK_EQ(f.n_infl, 3);
	CHECK_EQ(f.b->cnt.inflated, 3);
	CHECK_EQ(f.b->cnt.rejected, 3);
	CHECK_EQ(tring_used_idx(&f.r[0]), 1);
	CHECK(minivmm_vmmio_live(&f.b->mmio));
	bfx_fini(&f);
}

static void put_stat(struct flatmem *m, __u64 gpa, __u16 tag, __u64 val)
{
	minivmm_put_le16(flat_ptr(m, gpa), tag);
	minivmm_put_le64(flat_ptr(m, gpa + 2), val);
}

UNIT_TEST(balloon_stats_buffer_is_kept_and_returned)
{
	struct bfx f;
	__u32 id, len;
	__u32 q;

	REQUIRE(bfx_init(&f, ALL) == 0);
	REQUIRE(negotiate(&f, ~0ull) & VIRTIO_CONFIG_S_FEATURES_OK);
	for (q = 0; q < 4; q++)
		REQUIRE(setup_vq(&f, q, 16) == 0);
	/* Linux's init_vqs: fill, add and kick the stats buffer... */
	put_stat(&f.m, BUF(9), VIRTIO_BALLOON_S_MEMFREE, 1000);
	put_stat(&f.m, BUF(9) + 10, VIRTIO_BALLOON_S_MEMTOT, 4000);
	put_stat(&f.m, BUF(9) + 20, MINIVMM_BALLOON_S_ALLOC_STALL, 2);
	tring_desc(&f.r[2], 0, BUF(9), 30, 0, 0);
	tring_avail(&f.r[2], 0);
	CHECK_EQ(wr(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 2), 0);
	CHECK_EQ(f.n_stats, 0);			/* ...before DRIVER_OK */
	CHECK_EQ(minivmm_balloon_request_stats(f.b), -EIO);
	driver_ok(&f);
	CHECK_EQ(f.n_stats, 1);
	CHECK_EQ(f.st.val[VIRTIO_BALLOON_S_MEMFREE], 1000);
	CHECK_EQ(f.st.val[VIRTIO_BALLOON_S_MEMTOT], 4000);
	CHECK_EQ(f.st.val[MINIVMM_BALLOON_S_ALLOC_STALL], 2);
	CHECK_EQ(tring_used_idx(&f.r[2]), 0);	/* kept by the device */
	CHECK_EQ(rd(&f, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	/* The host asks for fresh statistics. */
	CHECK_EQ(minivmm_balloon_request_stats(f.b), 0);
	CHECK_EQ(tring_used_idx(&f.r[2]), 1);
	tring_used_elem(&f.r[2], 0, &id, &len);
	CHECK_EQ(id, 0);
	CHECK_EQ(len, 0);
	CHECK_EQ(rd(&f, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	CHECK_EQ(minivmm_balloon_request_stats(f.b), -EAGAIN);
	/* The driver refills and re-adds it (stats_handle_request). */
	put_stat(&f.m, BUF(9), VIRTIO_BALLOON_S_MEMFREE, 900);
	tring_avail(&f.r[2], 0);
	wr(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 2);
	CHECK_EQ(f.n_stats, 2);
	CHECK_EQ(f.st.val[VIRTIO_BALLOON_S_MEMFREE], 900);
	CHECK_EQ(minivmm_balloon_request_stats(f.b), 0);
	CHECK_EQ(tring_used_idx(&f.r[2]), 2);
	/* A driver breaking "at most one buffer" gets the older one back. */
	tring_desc(&f.r[2], 1, BUF(10), 10, 0, 0);
	tring_avail(&f.r[2], 0);
	tring_avail(&f.r[2], 1);
	wr(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 2);
	CHECK_EQ(f.n_stats, 4);
	CHECK_EQ(tring_used_idx(&f.r[2]), 3);
	tring_used_elem(&f.r[2], 2, &id, &len);
	CHECK_EQ(id, 0);
	CHECK(minivmm_vmmio_live(&f.b->mmio));
	/* The queue disabled and enabled again: the held buffer is gone. */
	wr(&f, VIRTIO_MMIO_QUEUE_SEL, 2);
	wr(&f, VIRTIO_MMIO_QUEUE_READY, 0);
	wr(&f, VIRTIO_MMIO_QUEUE_READY, 1);
	CHECK_EQ(minivmm_balloon_request_stats(f.b), -EAGAIN);
	CHECK(minivmm_vmmio_live(&f.b->mmio));
	CHECK_EQ(f.b->cnt.errors, 0);
	bfx_fini(&f);
}

/* A two-range report (Linux: device-writable sg entries) on queue @q. */
static void report(struct bfx *f, __u32 q)
{
	tring_desc(&f->r[q], 0, 0x200000, 0x200000,
		   VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	tring_desc(&f->r[q], 1, 0x600000, 0x400000, VRING_DESC_F_WRITE, 0);
	tring_avail(&f->r[q], 0);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

UNIT_TEST(balloon_reporting_on_every_numbering)
{
	struct bfx f;
	__u32 q;

	/* Linux today: queue 3 (compact numbering). */
	REQUIRE(bfx_init(&f, ALL) == 0);
	REQUIRE(bring_up(&f));
	report(&f, 3);
	REQUIRE(f.n_rep == 2);
	CHECK_EQ(f.rep_pfn[0], 0x200);
	CHECK_EQ(f.rep_n[0], 0x200);
	CHECK_EQ(f.rep_pfn[1], 0x600);
	CHECK_EQ(f.rep_n[1], 0x400);
	CHECK_EQ(tring_used_idx(&f.r[3]), 1);
	CHECK_EQ(f.b->cnt.reported, 0x600);
	bfx_fini(&f);
	/* A driver reading the specification's list: queue 4. */
	REQUIRE(bfx_init(&f, ALL) == 0);
	REQUIRE(negotiate(&f, ~0ull) & VIRTIO_CONFIG_S_FEATURES_OK);
	for (q = 0; q < 5; q++)
		if (q != 3)
			REQUIRE(setup_vq(&f, q, 16) == 0);
	driver_ok(&f);
	report(&f, 4);
	CHECK_EQ(f.n_rep, 2);
	CHECK_EQ(tring_used_idx(&f.r[4]), 1);
	bfx_fini(&f);
	/* Linux without STATS_VQ: reporting moves to queue 2. */
	REQUIRE(bfx_init(&f, ALL) == 0);
	REQUIRE(negotiate(&f, ALL & ~F(VIRTIO_BALLOON_F_STATS_VQ)) &
		VIRTIO_CONFIG_S_FEATURES_OK);
	for (q = 0; q < 3; q++)
		REQUIRE(setup_vq(&f, q, 16) == 0);
	driver_ok(&f);
	report(&f, 2);
	CHECK_EQ(f.n_rep, 2);
	CHECK_EQ(f.n_stats, 0);
	CHECK(minivmm_vmmio_live(&f.b->mmio));
	bfx_fini(&f);
}

UNIT_TEST(balloon_hostile_requests_need_reset_then_recover)
{
	unsigned int resets;
	struct bfx f;
	__u32 gen;

	REQUIRE(bfx_init(&f, ALL) == 0);
	REQUIRE(bring_up(&f));
	wr(&f, VIRTIO_MMIO_INTERRUPT_ACK, 3);
	/* Inflate buffers are device-readable only. */
	tring_desc(&f.r[0], 0, BUF(0), 8, VRING_DESC_F_WRITE, 0);
	tring_avail(&f.r[0], 0);
	gen = rd(&f, VIRTIO_MMIO_CONFIG_GENERATION);
	CHECK_EQ(wr(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 0), -EACCES);
	CHECK_EQ(f.n_infl, 0);
	CHECK(rd(&f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	CHECK_EQ(rd(&f, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	CHECK_EQ(rd(&f, VIRTIO_MMIO_CONFIG_GENERATION), gen);
	CHECK_EQ(f.b->cnt.errors, 1);
	CHECK_EQ(f.b->last_error, -EACCES);
	CHECK_EQ(tring_used_idx(&f.r[0]), 0);
	/* From now on notifications are ignored. */
	send_pfns(&f, 1, 0, 0x100, 1);
	CHECK_EQ(wr(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 1), -EIO);
	CHECK_EQ(f.n_defl, 0);
	CHECK_EQ(minivmm_balloon_process(f.b, 1), -EIO);
	/* The driver resets and starts again. */
	resets = f.resets;
	wr(&f, VIRTIO_MMIO_STATUS, 0);
	CHECK_EQ(f.resets, resets + 1);
	CHECK_EQ(f.b->actual, 0);
	REQUIRE(bring_up(&f));
	send_pfns(&f, 0, 0, 0x100, 2);
	CHECK_EQ(wr(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 0), 0);
	CHECK_EQ(f.n_infl, 2);
	/* A PFN array whose length is not a multiple of 4. */
	tring_desc(&f.r[0], 1, BUF(1), 6, 0, 0);
	tring_avail(&f.r[0], 1);
	CHECK_EQ(wr(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 0), -EINVAL);
	CHECK_EQ(f.n_infl, 2);
	CHECK(rd(&f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	/* A PFN array outside guest memory. */
	wr(&f, VIRTIO_MMIO_STATUS, 0);
	REQUIRE(bring_up(&f));
	tring_desc(&f.r[1], 0, MEM_SIZE - 4, 8, 0, 0);
	tring_avail(&f.r[1], 0);
	CHECK_EQ(wr(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 1), -EFAULT);
	/* A descriptor loop on the reporting queue. */
	wr(&f, VIRTIO_MMIO_STATUS, 0);
	REQUIRE(bring_up(&f));
	tring_desc(&f.r[3], 0, 0x200000, 0x1000, VRING_DESC_F_NEXT, 0);
	tring_avail(&f.r[3], 0);
	CHECK_EQ(wr(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 3), -ELOOP);
	CHECK_EQ(f.n_rep, 0);
	CHECK_EQ(f.b->cnt.errors, 4);
	bfx_fini(&f);
}

UNIT_TEST(balloon_refused_queue_ready_is_a_protocol_error)
{
	struct bfx f;

	REQUIRE(bfx_init(&f, ALL) == 0);
	REQUIRE(negotiate(&f, ~0ull) == (S_ALL & ~VIRTIO_CONFIG_S_DRIVER_OK));
	REQUIRE(setup_vq(&f, 0, 16) == 0);
	/* A descriptor table that is not 16-byte aligned. */
	wr(&f, VIRTIO_MMIO_QUEUE_SEL, 1);
	wr(&f, VIRTIO_MMIO_QUEUE_DESC_LOW, (__u32)RING(1) + 8);
	wr(&f, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (__u32)RING(1) + 0x1000);
	wr(&f, VIRTIO_MMIO_QUEUE_USED_LOW, (__u32)RING(1) + 0x2000);
	CHECK_EQ(minivmm_balloon_mmio_write(f.b, VIRTIO_MMIO_QUEUE_READY, 4, 1),
		 -EINVAL);
	CHECK(rd(&f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	CHECK_EQ(rd(&f, VIRTIO_MMIO_QUEUE_READY), 0);
	CHECK_EQ(f.b->cnt.errors, 1);
	CHECK_EQ(f.b->last_error, -EINVAL);
	/* Further writes are ignored and counted no more. */
	CHECK_EQ(minivmm_balloon_mmio_write(f.b, VIRTIO_MMIO_QUEUE_READY, 4, 1),
		 -EIO);
	CHECK_EQ(minivmm_balloon_mmio_write(f.b, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0),
		 -EIO);
	CHECK_EQ(f.b->cnt.errors, 1);
	/* Other registers go through unchanged; a reset recovers. */
	CHECK_EQ(minivmm_balloon_mmio_write(f.b, VIRTIO_MMIO_STATUS, 4, 0), 0);
	CHECK_EQ(rd(&f, VIRTIO_MMIO_STATUS), 0);
	REQUIRE(bring_up(&f));
	CHECK_EQ(f.b->cnt.errors, 1);
	bfx_fini(&f);
}

UNIT_TEST(balloon_requests_counted_by_queue_also_when_replayed)
{
	struct bfx f;

	REQUIRE(bfx_init(&f, ALL) == 0);
	REQUIRE(negotiate(&f, ~0ull) == (S_ALL & ~VIRTIO_CONFIG_S_DRIVER_OK));
	REQUIRE(setup_vq(&f, 0, 16) == 0);
	REQUIRE(setup_vq(&f, 1, 16) == 0);
	/* Notified before DRIVER_OK: served when it is set. */
	send_pfns(&f, 0, 0, 0x100, 3);
	CHECK_EQ(wr(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 0), 0);
	CHECK_EQ(f.n_infl, 0);
	driver_ok(&f);
	CHECK_EQ(f.n_infl, 3);
	CHECK_EQ(f.b->cnt.inflate_requests, 1);
	send_pfns(&f, 1, 0, 0x100, 1);
	send_pfns(&f, 1, 1, 0x101, 1);
	CHECK_EQ(wr(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 1), 0);
	CHECK_EQ(f.b->cnt.deflate_requests, 2);
	CHECK_EQ(f.b->cnt.inflate_requests, 1);
	CHECK_EQ(f.b->cnt.requests, 3);
	bfx_fini(&f);
}

UNIT_TEST(balloon_error_strings_name_each_error)
{
	static const int errs[] = {
		-ERANGE, -ELOOP, -EFAULT, -EOVERFLOW, -EOPNOTSUPP, -ENODATA,
		-EPROTO, -EACCES, -ENOBUFS, -EINVAL,
	};
	const char *s[MINIVMM_ARRAY_SIZE(errs)];
	unsigned int i, j;

	for (i = 0; i < MINIVMM_ARRAY_SIZE(errs); i++) {
		s[i] = minivmm_balloon_error_str(errs[i]);
		CHECK(s[i] && *s[i]);
		CHECK(strcmp(s[i], minivmm_balloon_error_str(-EBUSY)));
		for (j = 0; j < i; j++)
			CHECK(strcmp(s[i], s[j]));
	}
	CHECK(strstr(minivmm_balloon_error_str(-ELOOP), "loops"));
	CHECK(strstr(minivmm_balloon_error_str(0), "protocol"));
}

UNIT_TEST(balloon_no_interrupt_flag_suppresses_used_irq)
{
	struct bfx f;

	REQUIRE(bfx_init(&f, ALL) == 0);
	REQUIRE(bring_up(&f));
	tring_avail_flags(&f.r[0], VRING_AVAIL_F_NO_INTERRUPT);
	send_pfns(&f, 0, 0, 0x100, 1);
	wr(&f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK_EQ(tring_used_idx(&f.r[0]), 1);
	CHECK_EQ(rd(&f, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	CHECK_EQ(f.irqs, 0);
	bfx_fini(&f);
}

UNIT_TEST(balloon_process_is_bounded_per_call)
{
	struct bfx f;
	__u16 i;

	REQUIRE(bfx_init(&f, ALL) == 0);
	REQUIRE(negotiate(&f, ~0ull) & VIRTIO_CONFIG_S_FEATURES_OK);
	REQUIRE(setup_vq(&f, 0, 4) == 0);
	driver_ok(&f);
	/* Four chains now; more keep arriving while they are processed. */
	for (i = 0; i < 4; i++)
		send_pfns(&f, 0, i, 0x100 + i, 1);
	f.extra_chains = 2;
	CHECK_EQ(minivmm_balloon_process(f.b, 0), 1);	/* call again */
	CHECK_EQ(f.n_infl, 4);
	CHECK_EQ(minivmm_balloon_process(f.b, 0), 0);
	CHECK_EQ(f.n_infl, 6);
	CHECK_EQ(tring_used_idx(&f.r[0]), 6);
	CHECK_EQ(minivmm_balloon_process(f.b, 5), -ENOENT);
	CHECK_EQ(minivmm_balloon_process(f.b, 1), -ENXIO);
	bfx_fini(&f);
}

UNIT_TEST(balloon_long_pfn_array_is_refused)
{
	struct bfx f;

	REQUIRE(bfx_init(&f, ALL) == 0);
	REQUIRE(bring_up(&f));
	tring_desc(&f.r[0], 0, BUF(0), MINIVMM_BALLOON_MAX_PFN_BYTES + 4, 0, 0);
	tring_avail(&f.r[0], 0);
	CHECK_EQ(minivmm_balloon_process(f.b, 0), -E2BIG);
	CHECK_EQ(f.n_infl, 0);
	CHECK(rd(&f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	CHECK(strstr(minivmm_balloon_error_str(-E2BIG), "256 KiB"));
	bfx_fini(&f);
}

UNIT_TEST(balloon_check_hook_yields_and_aborts)
{
	struct bfx f;
	__u16 i;

	REQUIRE(bfx_init(&f, ALL) == 0);
	REQUIRE(bring_up(&f));
	for (i = 0; i < 3; i++)
		send_pfns(&f, 0, i, 0x100 + 100 * i, 100);
	/* Yield between chains: one chain per call, the rest stays. */
	f.between_answer = MINIVMM_BALLOON_YIELD;
	CHECK_EQ(minivmm_balloon_process(f.b, 0), 1);
	CHECK_EQ(f.n_infl, 100);
	CHECK_EQ(tring_used_idx(&f.r[0]), 1);
	CHECK(f.n_checks >= 2);		/* every 64 frames, then between */
	f.between_answer = MINIVMM_BALLOON_GO_ON;
	/* Abort inside a chain: neither finished nor returned, no stop. */
	f.walk_answer = MINIVMM_BALLOON_ABORT;
	CHECK_EQ(minivmm_balloon_process(f.b, 0), -EINTR);
	CHECK_EQ(tring_used_idx(&f.r[0]), 1);
	CHECK(!(rd(&f, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET));
	f.walk_answer = MINIVMM_BALLOON_GO_ON;
	CHECK_EQ(minivmm_balloon_process(f.b, 0), 0);
	CHECK_EQ(tring_used_idx(&f.r[0]), 2);
	bfx_fini(&f);
}

UNIT_TEST(balloon_config_space_fields)
{
	struct bfx f;
	__u64 v;

	REQUIRE(bfx_init(&f, ALL) == 0);
	REQUIRE(bring_up(&f));
	minivmm_balloon_set_target(f.b, 0x12345678);
	/* num_pages, free_page_hint_cmd_id, poison_val: not the driver's. */
	wr(&f, VIRTIO_MMIO_CONFIG + 0, 1);
	wr(&f, VIRTIO_MMIO_CONFIG + 8, 5);
	wr(&f, VIRTIO_MMIO_CONFIG + 12, 0xaa);
	CHECK_EQ(cfg32(&f, 0), 0x12345678);
	CHECK_EQ(cfg32(&f, 8), 0);
	CHECK_EQ(cfg32(&f, 12), 0);
	CHECK_EQ(f.actual, 0);
	/* actual, byte by byte like old PCI drivers. */
	minivmm_vmmio_write(&f.b->mmio, VIRTIO_MMIO_CONFIG + 4, 1, 0x44);
	minivmm_vmmio_write(&f.b->mmio, VIRTIO_MMIO_CONFIG + 5, 1, 0x33);
	CHECK_EQ(f.actual, 0x3344);
	minivmm_vmmio_write(&f.b->mmio, VIRTIO_MMIO_CONFIG + 6, 2, 0x1122);
	CHECK_EQ(f.actual, 0x11223344);
	CHECK_EQ(cfg32(&f, 4), 0x11223344);
	CHECK_EQ(minivmm_vmmio_read(&f.b->mmio, VIRTIO_MMIO_CONFIG, 8, &v), 0);
	CHECK_EQ(v, 0x1122334412345678ull);
	CHECK_EQ(cfg32(&f, 16), 0);		/* beyond the struct */
	bfx_fini(&f);
}
