// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-balloon request parsing: PFN arrays, statistics, free page
 * reports. Guest buffers are read in small chunks (bounded stack) and
 * every length comes from a descriptor already checked by virtq.c.
 * Kernel-free: unit-tested in userspace.
 */
#include "balloon_req.h"

/* Headers that know the Linux 6.12 tags must agree with ours. */
#ifdef VIRTIO_BALLOON_S_DIRECT_RECLAIM
#if VIRTIO_BALLOON_S_DIRECT_RECLAIM != MINIVMM_BALLOON_S_DIRECT_RECLAIM
#error "virtio-balloon stats tags differ from Linux 6.12"
#endif
#endif

#define PFNS_PER_CHUNK	64u

int minivmm_balloon_walk_pfns(const struct minivmm_gmem_ops *gm,
			      const struct minivmm_virtq_chain *c,
			      int (*fn)(void *arg, __u32 pfn), void *arg,
			      __u32 *count)
{
	__u8 buf[PFNS_PER_CHUNK * sizeof(__u32)];
	__u32 i, n = 0;
	int r = 0;

	for (i = 0; i < c->nseg; i++)
		if (!c->seg[i].writable && c->seg[i].len % sizeof(__u32))
			return -EINVAL;
	for (i = 0; i < c->nseg && !r; i++) {
		const struct minivmm_virtq_seg *s = &c->seg[i];
		__u32 off = 0;

		if (s->writable)
			continue;
		while (off < s->len && !r) {
			__u32 chunk = s->len - off, k;

			if (chunk > sizeof(buf))
				chunk = sizeof(buf);
			if (gm->read(gm->ctx, s->gpa + off, buf, chunk)) {
				r = -EFAULT;
				break;
			}
			for (k = 0; k < chunk && !r; k += sizeof(__u32)) {
				r = fn(arg, minivmm_get_le32(buf + k));
				if (r >= 0) {
					r = 0;
					n++;
				}
			}
			off += chunk;
		}
	}
	if (count)
		*count = n;
	return r;
}

static void stat_entry(struct minivmm_balloon_stats *st, const __u8 *e)
{
	__u16 tag = minivmm_get_le16(e + offsetof(struct virtio_balloon_stat, tag));

	st->nr_entries++;
	if (tag >= MINIVMM_BALLOON_S_NR) {
		st->nr_unknown++;
		return;
	}
	st->val[tag] = minivmm_get_le64(e + offsetof(struct virtio_balloon_stat, val));
	st->present |= 1u << tag;
}

int minivmm_balloon_parse_stats(const struct minivmm_gmem_ops *gm,
				const struct minivmm_virtq_chain *c,
				struct minivmm_balloon_stats *st)
{
	__u8 buf[25 * sizeof(struct virtio_balloon_stat)];
	__u8 e[sizeof(struct virtio_balloon_stat)];
	__u32 budget = MINIVMM_BALLOON_STATS_MAX_BYTES;
	__u32 i, have = 0;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < c->nr_readable; i++) {
		const struct minivmm_virtq_seg *s = &c->seg[i];
		__u32 off = 0;

		if (s->len > budget)
			st->ignored_bytes += s->len - budget;
		while (off < s->len && budget) {
			__u32 chunk = s->len - off, k;

			if (chunk > sizeof(buf))
				chunk = sizeof(buf);
			if (chunk > budget)
				chunk = budget;
			if (gm->read(gm->ctx, s->gpa + off, buf, chunk))
				return -EFAULT;
			for (k = 0; k < chunk; k++) {
				e[have++] = buf[k];
				if (have == sizeof(e)) {
					stat_entry(st, e);
					have = 0;
				}
			}
			off += chunk;
			budget -= chunk;
		}
	}
	st->ignored_bytes += have;
	return 0;
}

int minivmm_balloon_walk_report(const struct minivmm_virtq_chain *c,
				int (*fn)(void *arg, __u64 pfn, __u64 npages),
				void *arg)
{
	__u32 i;
	int r;

	for (i = 0; i < c->nseg; i++) {
		const struct minivmm_virtq_seg *s = &c->seg[i];
		__u64 first = (s->gpa + MINIVMM_BALLOON_PFN_BYTES - 1) >>
			      VIRTIO_BALLOON_PFN_SHIFT;
		__u64 end = (s->gpa + s->len) >> VIRTIO_BALLOON_PFN_SHIFT;

		/* gpa + len does not wrap (virtq.c); gpa + 4095 might. */
		if (s->gpa > ~0ull - (MINIVMM_BALLOON_PFN_BYTES - 1))
			continue;
		if (end <= first)
			continue;
		r = fn(arg, first, end - first);
		if (r < 0)
			return r;
	}
	return 0;
}
