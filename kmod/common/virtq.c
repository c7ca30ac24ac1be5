// SPDX-License-Identifier: GPL-2.0
/*
 * Device side of a split virtqueue. The guest is not trusted: every index
 * it writes is range-checked, each descriptor is read once into a local
 * copy before use, chains are bounded by the queue size, and the first
 * protocol violation stops the queue until the driver resets the device.
 * Kernel-free: unit-tested in userspace.
 */
#include "virtq.h"

static void vq_barrier(const struct minivmm_virtq *vq, enum minivmm_barrier kind)
{
	if (vq->mem_barrier)
		vq->mem_barrier(kind);
}

static int vq_fail(struct minivmm_virtq *vq, int err)
{
	if (!vq->error)
		vq->error = err;
	return vq->error;
}

static bool is_pow2(__u32 n)
{
	return n && !(n & (n - 1));
}

/* [gpa, gpa + len) must not wrap; len may be 0. */
static bool range_wraps(__u64 gpa, __u64 len)
{
	return gpa + len < gpa;
}

void minivmm_virtq_init(struct minivmm_virtq *vq, __u16 num_max,
			void (*mem_barrier)(enum minivmm_barrier kind))
{
	memset(vq, 0, sizeof(*vq));
	vq->num_max = num_max;
	vq->num = num_max;
	vq->mem_barrier = mem_barrier;
}

void minivmm_virtq_reset(struct minivmm_virtq *vq)
{
	minivmm_virtq_init(vq, vq->num_max, vq->mem_barrier);
}

int minivmm_virtq_enable(struct minivmm_virtq *vq)
{
	__u64 n = vq->num;

	if (!is_pow2(n) || n > vq->num_max || n > MINIVMM_VIRTQ_SIZE_LIMIT)
		return -EINVAL;
	if (vq->desc_gpa % VRING_DESC_ALIGN_SIZE ||
	    vq->avail_gpa % VRING_AVAIL_ALIGN_SIZE ||
	    vq->used_gpa % VRING_USED_ALIGN_SIZE)
		return -EINVAL;
	if (range_wraps(vq->desc_gpa, n * sizeof(struct vring_desc)) ||
	    range_wraps(vq->avail_gpa, offsetof(struct vring_avail, ring) +
			n * sizeof(__u16)) ||
	    range_wraps(vq->used_gpa, offsetof(struct vring_used, ring) +
			n * sizeof(struct vring_used_elem)))
		return -EINVAL;
	vq->last_avail_idx = 0;
	vq->used_idx = 0;
	vq->error = 0;
	vq->ready = true;
	return 0;
}

void minivmm_virtq_disable(struct minivmm_virtq *vq)
{
	vq->ready = false;
}

static int read_le16(const struct minivmm_gmem_ops *gm, __u64 gpa, __u16 *v)
{
	__u8 b[2];
	int r = gm->read(gm->ctx, gpa, b, sizeof(b));

	if (r)
		return -EFAULT;
	*v = minivmm_get_le16(b);
	return 0;
}

int minivmm_virtq_pending(struct minivmm_virtq *vq,
			  const struct minivmm_gmem_ops *gm)
{
	__u16 avail_idx, n;

	if (!vq->ready)
		return -ENXIO;
	if (vq->error)
		return vq->error;
	if (read_le16(gm, vq->avail_gpa + offsetof(struct vring_avail, idx),
		      &avail_idx))
		return vq_fail(vq, -EFAULT);
	n = (__u16)(avail_idx - vq->last_avail_idx);
	if (n > vq->num)
		return vq_fail(vq, -EOVERFLOW);
	return n;
}

/* Check one descriptor and append it to the chain. */
static int chain_add(struct minivmm_virtq_chain *c, unsigned int flags,
		     __u64 addr, __u32 len, __u16 dflags)
{
	bool w = dflags & VRING_DESC_F_WRITE;
	struct minivmm_virtq_seg *s;

	if (dflags & VRING_DESC_F_INDIRECT)
		return -EOPNOTSUPP;
	if (!len)
		return -ENODATA;
	if (range_wraps(addr, len))
		return -EFAULT;
	if (!w && c->nseg > c->nr_readable)
		return -EPROTO;
	if ((w && (flags & MINIVMM_VIRTQ_NO_WRITABLE)) ||
	    (!w && (flags & MINIVMM_VIRTQ_NO_READABLE)))
		return -EACCES;
	if (c->nseg >= c->cap)
		return -ENOBUFS;
	s = &c->seg[c->nseg++];
	s->gpa = addr;
	s->len = len;
	s->writable = w;
	if (w) {
		c->writable_len += len;
	} else {
		c->nr_readable++;
		c->readable_len += len;
	}
	return 0;
}

int minivmm_virtq_pop(struct minivmm_virtq *vq,
		      const struct minivmm_gmem_ops *gm, unsigned int flags,
		      struct minivmm_virtq_chain *c)
{
	__u16 slot, idx, dflags;
	struct vring_desc d;
	__u32 count = 0;
	int r;

	c->nseg = 0;
	c->nr_readable = 0;
	c->readable_len = 0;
	c->writable_len = 0;
	r = minivmm_virtq_pending(vq, gm);
	if (r <= 0)
		return r;
	/* The ring entry and descriptors were written before avail->idx. */
	vq_barrier(vq, MINIVMM_BARRIER_RMB);
	slot = vq->last_avail_idx & (vq->num - 1);
	if (read_le16(gm, vq->avail_gpa + offsetof(struct vring_avail, ring) +
		      (__u64)slot * sizeof(__u16), &idx))
		return vq_fail(vq, -EFAULT);
	c->head = idx;
	for (;;) {
		if (idx >= vq->num)
			return vq_fail(vq, -ERANGE);
		if (++count > vq->num)
			return vq_fail(vq, -ELOOP);
		if (gm->read(gm->ctx, vq->desc_gpa + (__u64)idx * sizeof(d),
			     &d, sizeof(d)))
			return vq_fail(vq, -EFAULT);
		dflags = minivmm_get_le16(&d.flags);
		r = chain_add(c, flags, minivmm_get_le64(&d.addr),
			      minivmm_get_le32(&d.len), dflags);
		if (r)
			return vq_fail(vq, r);
		if (!(dflags & VRING_DESC_F_NEXT))
			break;
		idx = minivmm_get_le16(&d.next);
	}
	vq->last_avail_idx++;
	return 1;
}

int minivmm_virtq_push(struct minivmm_virtq *vq,
		       const struct minivmm_gmem_ops *gm, __u16 head, __u32 len)
{
	__u8 elem[sizeof(struct vring_used_elem)];
	__u16 slot;
	__u8 idx[2];

	if (!vq->ready)
		return -ENXIO;
	if (vq->error)
		return vq->error;
	if (head >= vq->num)
		return -ERANGE;
	if (vq->last_avail_idx == vq->used_idx)
		return -EINVAL;
	slot = vq->used_idx & (vq->num - 1);
	minivmm_put_le32(elem + offsetof(struct vring_used_elem, id), head);
	minivmm_put_le32(elem + offsetof(struct vring_used_elem, len), len);
	if (gm->write(gm->ctx, vq->used_gpa + offsetof(struct vring_used, ring) +
		      (__u64)slot * sizeof(elem), elem, sizeof(elem)))
		return vq_fail(vq, -EFAULT);
	/* The element must be visible before the index that publishes it. */
	vq_barrier(vq, MINIVMM_BARRIER_WMB);
	minivmm_put_le16(idx, (__u16)(vq->used_idx + 1));
	if (gm->write(gm->ctx, vq->used_gpa + offsetof(struct vring_used, idx),
		      idx, sizeof(idx)))
		return vq_fail(vq, -EFAULT);
	vq->used_idx++;
	return 0;
}

bool minivmm_virtq_should_notify(struct minivmm_virtq *vq,
				 const struct minivmm_gmem_ops *gm)
{
	__u16 flags;

	/* Publish used->idx before sampling the driver's flags. */
	vq_barrier(vq, MINIVMM_BARRIER_MB);
	if (read_le16(gm, vq->avail_gpa + offsetof(struct vring_avail, flags),
		      &flags))
		return true;
	return !(flags & VRING_AVAIL_F_NO_INTERRUPT);
}
