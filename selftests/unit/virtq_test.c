// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kmod/common/virtq.c: the device side of a split
 * virtqueue, against rings built in a flat guest memory, including
 * every hostile-guest case.
 */
#include "unit.h"
#include "vring_util.h"

#define MEM_BASE	0x100000ull
#define MEM_SIZE	0x10000ull
#define RING_GPA	MEM_BASE
#define BUF_GPA		(MEM_BASE + 0x8000)
#define QSZ		8

struct fixture {
	struct flatmem m;
	struct tring r;
	struct minivmm_virtq vq;
	struct minivmm_virtq_seg seg[QSZ];
	struct minivmm_virtq_chain c;
};

static void fx_init(struct fixture *f, void (*mb)(enum minivmm_barrier))
{
	if (f->m.buf)
		flat_fini(&f->m);
	flat_init(&f->m, MEM_BASE, MEM_SIZE);
	tring_init(&f->r, &f->m, RING_GPA, QSZ);
	minivmm_virtq_init(&f->vq, QSZ, mb);
	tring_attach(&f->r, &f->vq);
	f->c.seg = f->seg;
	f->c.cap = QSZ;
}

static int fx_pop(struct fixture *f, unsigned int flags)
{
	return minivmm_virtq_pop(&f->vq, &f->m.ops, flags, &f->c);
}

UNIT_TEST(virtq_pop_push_single_buffer)
{
	struct fixture f = { 0 };
	__u32 id, len;

	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	CHECK(f.vq.ready);
	CHECK_EQ(fx_pop(&f, 0), 0);		/* nothing available */
	CHECK_EQ(minivmm_virtq_pending(&f.vq, &f.m.ops), 0);
	tring_desc(&f.r, 3, BUF_GPA, 100, 0, 0);
	tring_avail(&f.r, 3);
	CHECK_EQ(minivmm_virtq_pending(&f.vq, &f.m.ops), 1);
	REQUIRE(fx_pop(&f, MINIVMM_VIRTQ_NO_WRITABLE) == 1);
	CHECK_EQ(f.c.head, 3);
	CHECK_EQ(f.c.nseg, 1);
	CHECK_EQ(f.c.nr_readable, 1);
	CHECK_EQ(f.c.seg[0].gpa, BUF_GPA);
	CHECK_EQ(f.c.seg[0].len, 100);
	CHECK(!f.c.seg[0].writable);
	CHECK_EQ(f.c.readable_len, 100);
	CHECK_EQ(f.c.writable_len, 0);
	CHECK_EQ(fx_pop(&f, 0), 0);
	CHECK_EQ(minivmm_virtq_push(&f.vq, &f.m.ops, 3, 0), 0);
	CHECK_EQ(tring_used_idx(&f.r), 1);
	tring_used_elem(&f.r, 0, &id, &len);
	CHECK_EQ(id, 3);
	CHECK_EQ(len, 0);
	/* More pushes than pops is a device bug, refused. */
	CHECK_EQ(minivmm_virtq_push(&f.vq, &f.m.ops, 3, 0), -EINVAL);
	flat_fini(&f.m);
}

UNIT_TEST(virtq_chain_readable_then_writable)
{
	struct fixture f = { 0 };
	__u32 id, len;

	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_desc(&f.r, 2, BUF_GPA, 16, VRING_DESC_F_NEXT, 5);
	tring_desc(&f.r, 5, BUF_GPA + 0x100, 32, VRING_DESC_F_NEXT, 1);
	tring_desc(&f.r, 1, BUF_GPA + 0x200, 64, VRING_DESC_F_WRITE, 0);
	tring_avail(&f.r, 2);
	REQUIRE(fx_pop(&f, 0) == 1);
	CHECK_EQ(f.c.head, 2);
	CHECK_EQ(f.c.nseg, 3);
	CHECK_EQ(f.c.nr_readable, 2);
	CHECK_EQ(f.c.seg[1].gpa, BUF_GPA + 0x100);
	CHECK(f.c.seg[2].writable);
	CHECK_EQ(f.c.readable_len, 48);
	CHECK_EQ(f.c.writable_len, 64);
	CHECK_EQ(minivmm_virtq_push(&f.vq, &f.m.ops, 2, 7), 0);
	tring_used_elem(&f.r, 0, &id, &len);
	CHECK_EQ(id, 2);
	CHECK_EQ(len, 7);
	flat_fini(&f.m);
}

UNIT_TEST(virtq_longest_chain_is_queue_size)
{
	struct fixture f = { 0 };
	__u16 i;

	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	for (i = 0; i < QSZ; i++)
		tring_desc(&f.r, i, BUF_GPA + 16 * i, 16,
			   i + 1 < QSZ ? VRING_DESC_F_NEXT : 0, i + 1);
	tring_avail(&f.r, 0);
	f.m.n = 0;
	REQUIRE(fx_pop(&f, 0) == 1);
	CHECK_EQ(f.c.nseg, QSZ);
	/* Each descriptor was read exactly once. */
	for (i = 0; i < QSZ; i++) {
		int a = flat_find(&f.m, 0, FLAT_READ, f.r.desc + 16 * i);

		CHECK(a >= 0);
		CHECK_EQ(flat_find(&f.m, a + 1, FLAT_READ, f.r.desc + 16 * i), -1);
	}
	flat_fini(&f.m);
}

UNIT_TEST(virtq_indexes_wrap_at_65536)
{
	struct fixture f = { 0 };
	__u32 id, len;
	int i;

	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	f.vq.last_avail_idx = 0xfffe;
	f.vq.used_idx = 0xfffe;
	f.r.avail_idx = 0xfffe;
	for (i = 0; i < 3; i++) {
		tring_desc(&f.r, i, BUF_GPA, 4, 0, 0);
		tring_avail(&f.r, i);
	}
	CHECK_EQ(minivmm_virtq_pending(&f.vq, &f.m.ops), 3);
	for (i = 0; i < 3; i++) {
		REQUIRE(fx_pop(&f, 0) == 1);
		CHECK_EQ(f.c.head, i);
		CHECK_EQ(minivmm_virtq_push(&f.vq, &f.m.ops, f.c.head, 0), 0);
	}
	CHECK_EQ(fx_pop(&f, 0), 0);
	CHECK_EQ(tring_used_idx(&f.r), 1);
	tring_used_elem(&f.r, 0xffff, &id, &len);
	CHECK_EQ(id, 1);
	tring_used_elem(&f.r, 0, &id, &len);
	CHECK_EQ(id, 2);
	flat_fini(&f.m);
}

UNIT_TEST(virtq_enable_checks_configuration)
{
	struct fixture f = { 0 };

	fx_init(&f, NULL);
	f.vq.num = 0;
	CHECK_EQ(minivmm_virtq_enable(&f.vq), -EINVAL);
	f.vq.num = 6;
	CHECK_EQ(minivmm_virtq_enable(&f.vq), -EINVAL);
	f.vq.num = 16;				/* above num_max */
	CHECK_EQ(minivmm_virtq_enable(&f.vq), -EINVAL);
	f.vq.num = 4;
	f.vq.desc_gpa = RING_GPA + 8;		/* descriptors: 16-aligned */
	CHECK_EQ(minivmm_virtq_enable(&f.vq), -EINVAL);
	f.vq.desc_gpa = RING_GPA;
	f.vq.avail_gpa = f.r.avail + 1;		/* available ring: 2-aligned */
	CHECK_EQ(minivmm_virtq_enable(&f.vq), -EINVAL);
	f.vq.avail_gpa = f.r.avail;
	f.vq.used_gpa = f.r.used + 2;		/* used ring: 4-aligned */
	CHECK_EQ(minivmm_virtq_enable(&f.vq), -EINVAL);
	f.vq.used_gpa = ~0ull - 15;		/* wraps the address space */
	CHECK_EQ(minivmm_virtq_enable(&f.vq), -EINVAL);
	f.vq.used_gpa = f.r.used;
	f.vq.desc_gpa = ~0ull - 15;
	CHECK_EQ(minivmm_virtq_enable(&f.vq), -EINVAL);
	CHECK(!f.vq.ready);
	f.vq.desc_gpa = RING_GPA;
	CHECK_EQ(minivmm_virtq_enable(&f.vq), 0);
	CHECK(f.vq.ready);
	minivmm_virtq_disable(&f.vq);
	CHECK(!f.vq.ready);
	CHECK_EQ(fx_pop(&f, 0), -ENXIO);
	CHECK_EQ(minivmm_virtq_push(&f.vq, &f.m.ops, 0, 0), -ENXIO);
	CHECK_EQ(minivmm_virtq_pending(&f.vq, &f.m.ops), -ENXIO);
	minivmm_virtq_reset(&f.vq);
	CHECK_EQ(f.vq.num, QSZ);
	CHECK_EQ(f.vq.num_max, QSZ);
	CHECK_EQ(f.vq.desc_gpa, 0);
	flat_fini(&f.m);
}

/* Set up one hostile chain, pop it, expect @err, then check stickiness. */
static int hostile(struct fixture *f, unsigned int flags)
{
	int r = fx_pop(f, flags);

	if (r < 0 && fx_pop(f, flags) != r)
		return 1000;	/* error not sticky */
	return r;
}

UNIT_TEST(virtq_hostile_descriptor_index_out_of_range)
{
	struct fixture f = { 0 };

	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_avail(&f.r, QSZ);			/* head == queue size */
	CHECK_EQ(hostile(&f, 0), -ERANGE);
	CHECK_EQ(minivmm_virtq_push(&f.vq, &f.m.ops, 0, 0), -ERANGE);
	/* Re-enabling (after a device reset) clears the error. */
	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_desc(&f.r, 0, BUF_GPA, 8, VRING_DESC_F_NEXT, 0xffff);
	tring_avail(&f.r, 0);
	CHECK_EQ(hostile(&f, 0), -ERANGE);
	flat_fini(&f.m);
}

UNIT_TEST(virtq_hostile_loops_are_bounded)
{
	struct fixture f = { 0 };

	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_desc(&f.r, 0, BUF_GPA, 8, VRING_DESC_F_NEXT, 0);	/* self */
	tring_avail(&f.r, 0);
	f.m.n = 0;
	CHECK_EQ(hostile(&f, 0), -ELOOP);
	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_desc(&f.r, 4, BUF_GPA, 8, VRING_DESC_F_NEXT, 6);
	tring_desc(&f.r, 6, BUF_GPA, 8, VRING_DESC_F_NEXT, 7);
	tring_desc(&f.r, 7, BUF_GPA, 8, VRING_DESC_F_NEXT, 4);
	tring_avail(&f.r, 4);
	f.m.n = 0;
	CHECK_EQ(fx_pop(&f, 0), -ELOOP);
	/* At most queue-size descriptor reads (+ avail idx and ring entry). */
	CHECK(f.m.n <= QSZ + 2);
	flat_fini(&f.m);
}

UNIT_TEST(virtq_hostile_avail_idx_jump)
{
	struct fixture f = { 0 };

	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_set_avail_idx(&f.r, QSZ + 1);
	CHECK_EQ(minivmm_virtq_pending(&f.vq, &f.m.ops), -EOVERFLOW);
	CHECK_EQ(hostile(&f, 0), -EOVERFLOW);
	/* Exactly a full queue is fine. */
	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_set_avail_idx(&f.r, QSZ);
	CHECK_EQ(minivmm_virtq_pending(&f.vq, &f.m.ops), QSZ);
	/* Going backwards is a jump too (by 0xffff). */
	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_set_avail_idx(&f.r, 0xffff);
	CHECK_EQ(hostile(&f, 0), -EOVERFLOW);
	flat_fini(&f.m);
}

UNIT_TEST(virtq_hostile_rings_and_buffers_outside_memory)
{
	struct fixture f = { 0 };

	/* Descriptor table outside guest memory. */
	fx_init(&f, NULL);
	f.vq.desc_gpa = MEM_BASE + MEM_SIZE;
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_avail(&f.r, 0);
	CHECK_EQ(hostile(&f, 0), -EFAULT);
	/* Available ring outside guest memory. */
	fx_init(&f, NULL);
	f.vq.avail_gpa = MEM_BASE - 0x1000;
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	CHECK_EQ(hostile(&f, 0), -EFAULT);
	/* Available ring whose entries (not idx) run past the end. */
	fx_init(&f, NULL);
	f.vq.avail_gpa = MEM_BASE + MEM_SIZE - 4;
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	minivmm_put_le16(flat_ptr(&f.m, f.vq.avail_gpa + 2), 1);
	CHECK_EQ(hostile(&f, 0), -EFAULT);
	/* Used ring outside guest memory: the push fails. */
	fx_init(&f, NULL);
	f.vq.used_gpa = MEM_BASE + MEM_SIZE + 0x1000;
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_desc(&f.r, 0, BUF_GPA, 8, 0, 0);
	tring_avail(&f.r, 0);
	REQUIRE(fx_pop(&f, 0) == 1);
	CHECK_EQ(minivmm_virtq_push(&f.vq, &f.m.ops, 0, 0), -EFAULT);
	CHECK_EQ(fx_pop(&f, 0), -EFAULT);		/* sticky */
	/* A buffer that wraps the address space. */
	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_desc(&f.r, 0, ~0ull - 0xfff, 0x2000, 0, 0);
	tring_avail(&f.r, 0);
	CHECK_EQ(hostile(&f, 0), -EFAULT);
	flat_fini(&f.m);
}

UNIT_TEST(virtq_hostile_bad_descriptors)
{
	struct fixture f = { 0 };

	/* Zero-length buffer. */
	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_desc(&f.r, 0, BUF_GPA, 8, VRING_DESC_F_NEXT, 1);
	tring_desc(&f.r, 1, BUF_GPA, 0, 0, 0);
	tring_avail(&f.r, 0);
	CHECK_EQ(hostile(&f, 0), -ENODATA);
	/* Readable after writable. */
	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_desc(&f.r, 0, BUF_GPA, 8, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	tring_desc(&f.r, 1, BUF_GPA, 8, 0, 0);
	tring_avail(&f.r, 0);
	CHECK_EQ(hostile(&f, 0), -EPROTO);
	/* Writable where the device expects read-only. */
	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_desc(&f.r, 0, BUF_GPA, 8, VRING_DESC_F_NEXT, 1);
	tring_desc(&f.r, 1, BUF_GPA, 8, VRING_DESC_F_WRITE, 0);
	tring_avail(&f.r, 0);
	CHECK_EQ(hostile(&f, MINIVMM_VIRTQ_NO_WRITABLE), -EACCES);
	/* Readable where the device expects write-only. */
	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_desc(&f.r, 0, BUF_GPA, 8, 0, 0);
	tring_avail(&f.r, 0);
	CHECK_EQ(hostile(&f, MINIVMM_VIRTQ_NO_READABLE), -EACCES);
	/* Indirect descriptor (VIRTIO_RING_F_INDIRECT_DESC never offered). */
	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_desc(&f.r, 0, BUF_GPA, 32, VRING_DESC_F_INDIRECT, 0);
	tring_avail(&f.r, 0);
	CHECK_EQ(hostile(&f, 0), -EOPNOTSUPP);
	/* More segments than the caller can hold. */
	fx_init(&f, NULL);
	f.c.cap = 2;
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_desc(&f.r, 0, BUF_GPA, 8, VRING_DESC_F_NEXT, 1);
	tring_desc(&f.r, 1, BUF_GPA, 8, VRING_DESC_F_NEXT, 2);
	tring_desc(&f.r, 2, BUF_GPA, 8, 0, 0);
	tring_avail(&f.r, 0);
	CHECK_EQ(hostile(&f, 0), -ENOBUFS);
	flat_fini(&f.m);
}

UNIT_TEST(virtq_error_codes_are_distinct)
{
	static const int codes[] = {
		-ENXIO, -EFAULT, -EOVERFLOW, -ERANGE, -ELOOP, -ENODATA,
		-EOPNOTSUPP, -EPROTO, -EACCES, -ENOBUFS, -EINVAL,
	};
	unsigned int i, j;

	for (i = 0; i < MINIVMM_ARRAY_SIZE(codes); i++)
		for (j = i + 1; j < MINIVMM_ARRAY_SIZE(codes); j++)
			CHECK(codes[i] != codes[j]);
}

UNIT_TEST(virtq_barriers_order_ring_accesses)
{
	struct fixture f = { 0 };
	int idx, rmb, ent, elem, wmb, uidx, mb, flags;

	fx_init(&f, flat_barrier);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	tring_desc(&f.r, 0, BUF_GPA, 8, 0, 0);
	tring_avail(&f.r, 0);
	f.m.n = 0;
	REQUIRE(fx_pop(&f, 0) == 1);
	idx = flat_find(&f.m, 0, FLAT_READ, f.r.avail + 2);
	rmb = flat_find(&f.m, 0, FLAT_RMB, 0);
	ent = flat_find(&f.m, 0, FLAT_READ, f.r.avail + 4);
	CHECK(idx >= 0 && rmb > idx && ent > rmb);
	CHECK(flat_find(&f.m, 0, FLAT_READ, f.r.desc) > rmb);
	f.m.n = 0;
	REQUIRE(minivmm_virtq_push(&f.vq, &f.m.ops, 0, 0) == 0);
	elem = flat_find(&f.m, 0, FLAT_WRITE, f.r.used + 4);
	wmb = flat_find(&f.m, 0, FLAT_WMB, 0);
	uidx = flat_find(&f.m, 0, FLAT_WRITE, f.r.used + 2);
	CHECK(elem >= 0 && wmb > elem && uidx > wmb);
	CHECK_EQ(f.m.log[uidx].len, 2);		/* one 16-bit store */
	f.m.n = 0;
	CHECK(minivmm_virtq_should_notify(&f.vq, &f.m.ops));
	mb = flat_find(&f.m, 0, FLAT_MB, 0);
	flags = flat_find(&f.m, 0, FLAT_READ, f.r.avail);
	CHECK(mb >= 0 && flags > mb);
	flat_fini(&f.m);
}

UNIT_TEST(virtq_should_notify_honours_no_interrupt)
{
	struct fixture f = { 0 };

	fx_init(&f, NULL);
	REQUIRE(minivmm_virtq_enable(&f.vq) == 0);
	CHECK(minivmm_virtq_should_notify(&f.vq, &f.m.ops));
	tring_avail_flags(&f.r, VRING_AVAIL_F_NO_INTERRUPT);
	CHECK(!minivmm_virtq_should_notify(&f.vq, &f.m.ops));
	f.vq.avail_gpa = MEM_BASE + MEM_SIZE;	/* unreadable: notify */
	CHECK(minivmm_virtq_should_notify(&f.vq, &f.m.ops));
	flat_fini(&f.m);
}

UNIT_TEST(virtq_le_helpers)
{
	__u8 b[8];

	minivmm_put_le64(b, 0x0102030405060708ull);
	CHECK_EQ(b[0], 0x08);
	CHECK_EQ(b[7], 0x01);
	CHECK_EQ(minivmm_get_le64(b), 0x0102030405060708ull);
	CHECK_EQ(minivmm_get_le32(b + 1), 0x04050607);
	CHECK_EQ(minivmm_get_le16(b + 6), 0x0102);
	minivmm_put_le16(b, 0xbeef);
	CHECK_EQ(minivmm_get_le16(b), 0xbeef);
}
