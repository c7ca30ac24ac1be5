// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kmod/common/balloon_req.c: PFN arrays, statistics and
 * free page reports read from chains in a flat guest memory.
 */
#include "unit.h"
#include "vring_util.h"
#include "common/balloon_req.h"

#define MEM_BASE	0x200000ull
#define MEM_SIZE	0x20000ull

struct pfn_log {
	__u32 pfn[512];
	unsigned int n;
	unsigned int stop_at;	/* return -EDOM on this call (1-based) */
};

static int log_pfn(void *arg, __u32 pfn)
{
	struct pfn_log *l = arg;

	if (l->stop_at && l->n + 1 == l->stop_at)
		return -EDOM;
	if (l->n < MINIVMM_ARRAY_SIZE(l->pfn))
		l->pfn[l->n] = pfn;
	l->n++;
	return 1;	/* positive: keep going */
}

static void put_pfns(struct flatmem *m, __u64 gpa, __u32 first, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		minivmm_put_le32(flat_ptr(m, gpa + 4 * i), first + i);
}

static void seg(struct minivmm_virtq_chain *c, __u64 gpa, __u32 len, bool w)
{
	c->seg[c->nseg].gpa = gpa;
	c->seg[c->nseg].len = len;
	c->seg[c->nseg].writable = w;
	if (!w)
		c->nr_readable++;
	c->nseg++;
}

UNIT_TEST(balloon_pfns_across_segments)
{
	struct minivmm_virtq_seg s[4];
	struct minivmm_virtq_chain c = { .seg = s, .cap = 4 };
	struct pfn_log l = { .n = 0 };
	struct flatmem m;
	__u32 count = 0;
	unsigned int i;

	flat_init(&m, MEM_BASE, MEM_SIZE);
	put_pfns(&m, MEM_BASE + 0x1000, 0x100, 300);	/* > one chunk */
	put_pfns(&m, MEM_BASE + 0x3000, 0x9000, 3);
	seg(&c, MEM_BASE + 0x1000, 300 * 4, false);
	seg(&c, MEM_BASE + 0x3000, 3 * 4, false);
	seg(&c, MEM_BASE + 0x5000, 6, true);		/* writable: skipped */
	CHECK_EQ(minivmm_balloon_walk_pfns(&m.ops, &c, log_pfn, &l, &count), 0);
	CHECK_EQ(count, 303);
	REQUIRE(l.n == 303);
	for (i = 0; i < 300; i++)
		CHECK_EQ(l.pfn[i], 0x100 + i);
	CHECK_EQ(l.pfn[300], 0x9000);
	CHECK_EQ(l.pfn[302], 0x9002);
	flat_fini(&m);
}

UNIT_TEST(balloon_pfns_bad_segment_length_before_any_callback)
{
	struct minivmm_virtq_seg s[2];
	struct minivmm_virtq_chain c = { .seg = s, .cap = 2 };
	struct pfn_log l = { .n = 0 };
	struct flatmem m;
	__u32 count = 7;

	flat_init(&m, MEM_BASE, MEM_SIZE);
	seg(&c, MEM_BASE, 8, false);
	seg(&c, MEM_BASE + 8, 6, false);		/* not a multiple of 4 */
	CHECK_EQ(minivmm_balloon_walk_pfns(&m.ops, &c, log_pfn, &l, &count),
		 -EINVAL);
	CHECK_EQ(l.n, 0);
	CHECK_EQ(count, 7);			/* untouched on -EINVAL */
	flat_fini(&m);
}

UNIT_TEST(balloon_pfns_outside_memory_and_callback_stop)
{
	struct minivmm_virtq_seg s[2];
	struct minivmm_virtq_chain c = { .seg = s, .cap = 2 };
	struct pfn_log l = { .n = 0 };
	struct flatmem m;
	__u32 count;

	flat_init(&m, MEM_BASE, MEM_SIZE);
	put_pfns(&m, MEM_BASE + MEM_SIZE - 16, 1, 4);
	seg(&c, MEM_BASE + MEM_SIZE - 16, 16, false);
	seg(&c, MEM_BASE + MEM_SIZE, 4, false);		/* past the end */
	CHECK_EQ(minivmm_balloon_walk_pfns(&m.ops, &c, log_pfn, &l, &count),
		 -EFAULT);
	CHECK_EQ(l.n, 4);
	CHECK_EQ(count, 4);
	l.n = 0;
	l.stop_at = 3;
	c.nseg = 1;
	CHECK_EQ(minivmm_balloon_walk_pfns(&m.ops, &c, log_pfn, &l, &count),
		 -EDOM);
	CHECK_EQ(count, 2);
	/* A segment straddling the end of memory fails too. */
	s[0].gpa = MEM_BASE + MEM_SIZE - 8;
	l.stop_at = 0;
	CHECK_EQ(minivmm_balloon_walk_pfns(&m.ops, &c, log_pfn, &l, NULL),
		 -EFAULT);
	flat_fini(&m);
}

static void put_stat(struct flatmem *m, __u64 gpa, __u16 tag, __u64 val)
{
	minivmm_put_le16(flat_ptr(m, gpa), tag);
	minivmm_put_le64(flat_ptr(m, gpa + 2), val);
}

UNIT_TEST(balloon_stats_known_new_and_unknown_tags)
{
	struct minivmm_virtq_seg s[2];
	struct minivmm_virtq_chain c = { .seg = s, .cap = 2 };
	struct minivmm_balloon_stats st;
	struct flatmem m;
	__u64 g = MEM_BASE + 0x100;

	flat_init(&m, MEM_BASE, MEM_SIZE);
	put_stat(&m, g + 0, VIRTIO_BALLOON_S_MEMFREE, 123456789ull << 12);
	put_stat(&m, g + 10, VIRTIO_BALLOON_S_MEMTOT, 1ull << 32);
	put_stat(&m, g + 20, MINIVMM_BALLOON_S_OOM_KILL, 3);
	put_stat(&m, g + 30, MINIVMM_BALLOON_S_DIRECT_RECLAIM, 77);
	put_stat(&m, g + 40, 0x1234, 5);		/* unknown: skipped */
	put_stat(&m, g + 50, VIRTIO_BALLOON_S_SWAP_IN, 9);
	put_stat(&m, g + 60, VIRTIO_BALLOON_S_SWAP_IN, 10);	/* last wins */
	seg(&c, g, 70, false);
	CHECK_EQ(minivmm_balloon_parse_stats(&m.ops, &c, &st), 0);
	CHECK_EQ(st.nr_entries, 7);
	CHECK_EQ(st.nr_unknown, 1);
	CHECK_EQ(st.ignored_bytes, 0);
	CHECK_EQ(st.val[VIRTIO_BALLOON_S_MEMFREE], 123456789ull << 12);
	CHECK_EQ(st.val[VIRTIO_BALLOON_S_MEMTOT], 1ull << 32);
	CHECK_EQ(st.val[MINIVMM_BALLOON_S_OOM_KILL], 3);
	CHECK_EQ(st.val[MINIVMM_BALLOON_S_DIRECT_RECLAIM], 77);
	CHECK_EQ(st.val[VIRTIO_BALLOON_S_SWAP_IN], 10);
	CHECK_EQ(st.present, (1u << VIRTIO_BALLOON_S_MEMFREE) |
		 (1u << VIRTIO_BALLOON_S_MEMTOT) | (1u << 10) | (1u << 15) |
		 (1u << VIRTIO_BALLOON_S_SWAP_IN));
	/* The Linux 6.12 numbering of the tags the 6.1 header lacks. */
	CHECK_EQ(MINIVMM_BALLOON_S_OOM_KILL, VIRTIO_BALLOON_S_NR);
	CHECK_EQ(MINIVMM_BALLOON_S_ALLOC_STALL, 11);
	CHECK_EQ(MINIVMM_BALLOON_S_ASYNC_SCAN, 12);
	CHECK_EQ(MINIVMM_BALLOON_S_DIRECT_SCAN, 13);
	CHECK_EQ(MINIVMM_BALLOON_S_ASYNC_RECLAIM, 14);
	CHECK_EQ(MINIVMM_BALLOON_S_DIRECT_RECLAIM, 15);
	flat_fini(&m);
}

UNIT_TEST(balloon_stats_entry_straddles_segments_and_trailing_bytes)
{
	struct minivmm_virtq_seg s[3];
	struct minivmm_virtq_chain c = { .seg = s, .cap = 3 };
	struct minivmm_balloon_stats st;
	struct flatmem m;
	__u8 e[10];

	flat_init(&m, MEM_BASE, MEM_SIZE);
	minivmm_put_le16(e, VIRTIO_BALLOON_S_AVAIL);
	minivmm_put_le64(e + 2, 0x1122334455667788ull);
	memcpy(flat_ptr(&m, MEM_BASE + 0x100), e, 3);
	memcpy(flat_ptr(&m, MEM_BASE + 0x200), e + 3, 7);
	seg(&c, MEM_BASE + 0x100, 3, false);
	seg(&c, MEM_BASE + 0x200, 11, false);	/* 7 bytes + 4 trailing */
	seg(&c, MEM_BASE + 0x300, 10, true);	/* writable: not stats */
	CHECK_EQ(minivmm_balloon_parse_stats(&m.ops, &c, &st), 0);
	CHECK_EQ(st.nr_entries, 1);
	CHECK_EQ(st.val[VIRTIO_BALLOON_S_AVAIL], 0x1122334455667788ull);
	CHECK_EQ(st.ignored_bytes, 4);
	flat_fini(&m);
}

UNIT_TEST(balloon_stats_size_cap_and_fault)
{
	struct minivmm_virtq_seg s[2];
	struct minivmm_virtq_chain c = { .seg = s, .cap = 2 };
	struct minivmm_balloon_stats st;
	struct flatmem m;

	flat_init(&m, MEM_BASE, MEM_SIZE);
	/* 8 KiB of entries: only the first 4 KiB are parsed. */
	seg(&c, MEM_BASE, 8000, false);
	seg(&c, MEM_BASE + 8000, 100, false);
	CHECK_EQ(minivmm_balloon_parse_stats(&m.ops, &c, &st), 0);
	CHECK_EQ(st.nr_entries, MINIVMM_BALLOON_STATS_MAX_BYTES / 10);
	CHECK_EQ(st.ignored_bytes, 8100 - MINIVMM_BALLOON_STATS_MAX_BYTES +
		 MINIVMM_BALLOON_STATS_MAX_BYTES % 10);
	c.nseg = c.nr_readable = 1;
	s[0].gpa = MEM_BASE + MEM_SIZE - 5;
	s[0].len = 10;
	CHECK_EQ(minivmm_balloon_parse_stats(&m.ops, &c, &st), -EFAULT);
	flat_fini(&m);
}

struct range_log {
	__u64 pfn[8], n[8];
	unsigned int cnt;
};

static int log_range(void *arg, __u64 pfn, __u64 npages)
{
	struct range_log *l = arg;

	if (l->cnt >= 3)
		return -ENOSPC;
	l->pfn[l->cnt] = pfn;
	l->n[l->cnt++] = npages;
	return 0;
}

UNIT_TEST(balloon_report_ranges_trimmed_to_frames)
{
	struct minivmm_virtq_seg s[6];
	struct minivmm_virtq_chain c = { .seg = s, .cap = 6 };
	struct range_log l = { .cnt = 0 };

	seg(&c, 0x200000, 0x200000, true);	/* 2 MiB, aligned */
	seg(&c, 0x1800, 0x2000, false);		/* 0x1800-0x3800: frame 2 only */
	seg(&c, 0x5001, 0xfff, true);		/* no whole frame: skipped */
	seg(&c, ~0ull - 0x800, 0x800, true);	/* near the top: skipped */
	seg(&c, 0x10000, 0x1000, true);
	CHECK_EQ(minivmm_balloon_walk_report(&c, log_range, &l), 0);
	REQUIRE(l.cnt == 3);
	CHECK_EQ(l.pfn[0], 0x200);
	CHECK_EQ(l.n[0], 0x200);
	CHECK_EQ(l.pfn[1], 2);
	CHECK_EQ(l.n[1], 1);
	CHECK_EQ(l.pfn[2], 0x10);
	CHECK_EQ(l.n[2], 1);
	seg(&c, 0x20000, 0x1000, true);
	l.cnt = 0;
	CHECK_EQ(minivmm_balloon_walk_report(&c, log_range, &l), -ENOSPC);
}
