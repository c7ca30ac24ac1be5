/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test helpers for the virtio unit tests: a flat "guest memory" behind
 * struct minivmm_gmem_ops (with an access log to check ordering), and a
 * driver-side split ring builder that writes descriptors and the
 * available ring straight into that memory.
 */
#ifndef MINIVMM_VRING_UTIL_H
#define MINIVMM_VRING_UTIL_H

#include <stdlib.h>
#include "unit.h"
#include "common/virtq.h"

#define FLAT_LOG_MAX	64

/* Access log entries: a read, a write, or a barrier of some kind. */
enum flat_ev { FLAT_READ, FLAT_WRITE, FLAT_RMB, FLAT_WMB, FLAT_MB };

struct flat_log {
	enum flat_ev ev;
	__u64 gpa;
	__u32 len;
};

struct flatmem {
	__u8 *buf;
	__u64 base;		/* guest-physical address of buf[0] */
	__u64 size;
	unsigned int n;		/* log entries */
	struct flat_log log[FLAT_LOG_MAX];
	struct minivmm_gmem_ops ops;
};

static struct flatmem *flat_cur;	/* for the barrier hook */

static inline void flat_note(struct flatmem *m, enum flat_ev ev, __u64 gpa,
			     __u32 len)
{
	if (m->n < FLAT_LOG_MAX) {
		m->log[m->n].ev = ev;
		m->log[m->n].gpa = gpa;
		m->log[m->n].len = len;
		m->n++;
	}
}

static inline bool flat_in(struct flatmem *m, __u64 gpa, __u32 len)
{
	return gpa >= m->base && gpa - m->base <= m->size &&
	       len <= m->size - (gpa - m->base);
}

static inline int flat_read(void *ctx, __u64 gpa, void *buf, __u32 len)
{
	struct flatmem *m = ctx;

	flat_note(m, FLAT_READ, gpa, len);
	if (!flat_in(m, gpa, len))
		return -EFAULT;
	memcpy(buf, m->buf + (gpa - m->base), len);
	return 0;
}

static inline int flat_write(void *ctx, __u64 gpa, const void *buf, __u32 len)
{
	struct flatmem *m = ctx;

	flat_note(m, FLAT_WRITE, gpa, len);
	if (!flat_in(m, gpa, len))
		return -EFAULT;
	memcpy(m->buf + (gpa - m->base), buf, len);
	return 0;
}

static inline void flat_barrier(enum minivmm_barrier kind)
{
	if (flat_cur)
		flat_note(flat_cur, kind == MINIVMM_BARRIER_RMB ? FLAT_RMB :
			  kind == MINIVMM_BARRIER_WMB ? FLAT_WMB : FLAT_MB, 0, 0);
}

static inline void flat_init(struct flatmem *m, __u64 base, __u64 size)
{
	memset(m, 0, sizeof(*m));
	m->buf = calloc(1, size);
	m->base = base;
	m->size = size;
	m->ops.read = flat_read;
	m->ops.write = flat_write;
	m->ops.ctx = m;
	flat_cur = m;
}

static inline void flat_fini(struct flatmem *m)
{
	free(m->buf);
	m->buf = NULL;
	if (flat_cur == m)
		flat_cur = NULL;
}

static inline __u8 *flat_ptr(struct flatmem *m, __u64 gpa)
{
	return m->buf + (gpa - m->base);
}

/* Index of the first log entry of @ev at or after @from, or -1. */
static inline int flat_find(struct flatmem *m, unsigned int from,
			    enum flat_ev ev, __u64 gpa)
{
	unsigned int i;

	for (i = from; i < m->n; i++)
		if (m->log[i].ev == ev &&
		    (ev >= FLAT_RMB || m->log[i].gpa == gpa))
			return (int)i;
	return -1;
}

/* Driver side of a split ring living in a flatmem. */
struct tring {
	struct flatmem *m;
	__u64 desc, avail, used;
	__u16 num;
	__u16 avail_idx;
	__u16 used_seen;
};

/* Lay out a ring of @num entries at @gpa (desc, then avail, then used). */
static inline void tring_init(struct tring *r, struct flatmem *m, __u64 gpa,
			      __u16 num)
{
	r->m = m;
	r->num = num;
	r->desc = gpa;
	r->avail = gpa + 16ull * num;
	r->used = (r->avail + 6 + 2ull * num + 3) & ~3ull;
	r->avail_idx = 0;
	r->used_seen = 0;
	memset(flat_ptr(m, gpa), 0, r->used + 6 + 8ull * num - gpa);
}

static inline void tring_desc(struct tring *r, __u16 i, __u64 addr, __u32 len,
			      __u16 flags, __u16 next)
{
	__u8 *d = flat_ptr(r->m, r->desc + 16ull * i);

	minivmm_put_le64(d, addr);
	minivmm_put_le32(d + 8, len);
	minivmm_put_le16(d + 12, flags);
	minivmm_put_le16(d + 14, next);
}

static inline void tring_set_avail_idx(struct tring *r, __u16 idx)
{
	minivmm_put_le16(flat_ptr(r->m, r->avail + 2), idx);
}

/* Make chain @head available and publish it. */
static inline void tring_avail(struct tring *r, __u16 head)
{
	minivmm_put_le16(flat_ptr(r->m, r->avail + 4 +
				  2ull * (r->avail_idx % r->num)), head);
	r->avail_idx++;
	tring_set_avail_idx(r, r->avail_idx);
}

static inline void tring_avail_flags(struct tring *r, __u16 flags)
{
	minivmm_put_le16(flat_ptr(r->m, r->avail), flags);
}

static inline __u16 tring_used_idx(struct tring *r)
{
	return minivmm_get_le16(flat_ptr(r->m, r->used + 2));
}

static inline void tring_used_elem(struct tring *r, __u16 slot, __u32 *id,
				   __u32 *len)
{
	__u8 *e = flat_ptr(r->m, r->used + 4 + 8ull * (slot % r->num));

	*id = minivmm_get_le32(e);
	*len = minivmm_get_le32(e + 4);
}

/* Point a device queue at this ring. */
static inline void tring_attach(struct tring *r, struct minivmm_virtq *vq)
{
	vq->num = r->num;
	vq->desc_gpa = r->desc;
	vq->avail_gpa = r->avail;
	vq->used_gpa = r->used;
}

#endif /* MINIVMM_VRING_UTIL_H */
