// SPDX-License-Identifier: GPL-2.0
/*
 * Freestanding virtio-balloon driver: `actual` follows `num_pages` one
 * request (up to BALLOON_BATCH PFNs) at a time; a page enters the balloon
 * only once the device has used the inflate request, and leaves it (back
 * to the allocator) only once the device has used the deflate request.
 */
#include "balloon.h"

#define CFG_NUM_PAGES	__builtin_offsetof(struct virtio_balloon_config, num_pages)
#define CFG_ACTUAL	__builtin_offsetof(struct virtio_balloon_config, actual)
#define STAT_SIZE	sizeof(struct virtio_balloon_stat)
#define STAT_TAG	__builtin_offsetof(struct virtio_balloon_stat, tag)
#define STAT_VAL	__builtin_offsetof(struct virtio_balloon_stat, val)
/* Tag of the filler entry sent when the guest has no statistic at all. */
#define STAT_NONE	0xffff

/* Byte stores the compiler cannot turn into a call to memset(). */
static void bzero_(void *p, __u32 n)
{
	__u8 *c = p;

	while (n--)
		__atomic_store_n(c++, 0, __ATOMIC_RELAXED);
}

static __u32 ring_bytes(void)
{
	return (vmg_vq_mem_size(BALLOON_QUEUE_SIZE) + VMG_RING_ALIGN - 1) &
	       ~(__u32)(VMG_RING_ALIGN - 1);
}

__u32 balloon_dma_size(void)
{
	return 4 * ring_bytes() + BALLOON_BATCH * sizeof(__le32) +
	       BALLOON_MAX_STATS * STAT_SIZE;
}

static __u64 dma_addr(struct balloon *b, const void *p)
{
	if (b->dev.env.virt_to_phys)
		return b->dev.env.virt_to_phys(b->dev.env.ctx, p);
	return (unsigned long)p;
}

static void *ctx(struct balloon *b)
{
	return b->env.io.ctx;
}

static void relax(struct balloon *b)
{
	if (b->env.io.relax)
		b->env.io.relax(ctx(b));
}

static __u32 spin_limit(struct balloon *b)
{
	return b->env.io.spin_limit ? b->env.io.spin_limit : VMG_SPIN_DEFAULT;
}

static void put_le16(void *p, __u16 v)
{
	__u8 *c = p;

	c[0] = (__u8)v;
	c[1] = (__u8)(v >> 8);
}

static void put_le64(void *p, __u64 v)
{
	__u8 *c = p;
	int i;

	for (i = 0; i < 8; i++)
		c[i] = (__u8)(v >> (8 * i));
}

static __le32 cpu_to_le32_(__u32 v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (__le32)__builtin_bswap32(v);
#else
	return (__le32)v;
#endif
}

static __u32 le32_to_cpu_(__le32 v)
{
	return (__u32)cpu_to_le32_((__u32)v);
}

/* Fill the stats buffer and make it available (not notified). */
static int stats_add(struct balloon *b)
{
	struct balloon_stat st[BALLOON_MAX_STATS];
	unsigned int n, i;
	struct vmg_sg sg;
	__u8 *e;

	n = b->env.fill_stats(ctx(b), st, BALLOON_MAX_STATS);
	if (n > BALLOON_MAX_STATS)
		n = BALLOON_MAX_STATS;
	if (!n) {
		/* Devices ignore tags they do not know (5.5.6.3.2). */
		st[0].tag = STAT_NONE;
		st[0].val = 0;
		n = 1;
	}
	for (i = 0; i < n; i++) {
		e = (__u8 *)b->stats_buf + i * STAT_SIZE;
		put_le16(e + STAT_TAG, st[i].tag);
		put_le64(e + STAT_VAL, st[i].val);
	}
	sg.addr = dma_addr(b, b->stats_buf);
	sg.len = n * STAT_SIZE;
	return vmg_vq_add(&b->stats_vq, &sg, 1, 0);
}

/* The device used the stats buffer: it wants fresh statistics. */
static void stats_service(struct balloon *b)
{
	if (vmg_vq_get_used(&b->stats_vq, NULL) < 0)
		return;
	if (stats_add(b) >= 0) {
		vmg_vq_kick(&b->stats_vq);
		b->stats_sent++;
	}
}

int balloon_init(struct balloon *b, const struct balloon_env *env, void *dma,
		 __u32 dma_len, __u32 *pages, __u32 max_pages)
{
	__u32 rb = ring_bytes(), q = 2;
	__u8 *mem = dma;
	__u64 want;
	int r;

	bzero_(b, sizeof(*b));
	if (!mem || dma_len < balloon_dma_size() ||
	    ((unsigned long)mem % VMG_RING_ALIGN) || (!pages && max_pages))
		return -VMG_EINVAL;
	b->env = *env;
	b->dma = dma;
	b->dma_len = dma_len;
	b->pages = pages;
	b->max_pages = max_pages;
	b->pfns = (__le32 *)(mem + 4 * rb);
	b->stats_buf = (struct virtio_balloon_stat *)(mem + 4 * rb +
						     BALLOON_BATCH * sizeof(__le32));
	r = vmg_probe(&b->dev, &env->io, VIRTIO_ID_BALLOON);
	if (r)
		return r;
	r = vmg_reset(&b->dev);
	if (r)
		return r;
	vmg_add_status(&b->dev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	vmg_add_status(&b->dev, VIRTIO_CONFIG_S_DRIVER);
	want = (1ull << VIRTIO_BALLOON_F_MUST_TELL_HOST) |
	       (1ull << VIRTIO_BALLOON_F_DEFLATE_ON_OOM) |
	       (1ull << VIRTIO_BALLOON_F_REPORTING);
	if (env->fill_stats)
		want |= 1ull << VIRTIO_BALLOON_F_STATS_VQ;
	r = vmg_negotiate(&b->dev, want);
	if (r)
		goto fail;
	b->tell_host = vmg_has_feature(&b->dev, VIRTIO_BALLOON_F_MUST_TELL_HOST);
	b->has_stats = vmg_has_feature(&b->dev, VIRTIO_BALLOON_F_STATS_VQ);
	b->deflate_on_oom = vmg_has_feature(&b->dev,
					    VIRTIO_BALLOON_F_DEFLATE_ON_OOM);
	b->has_report = vmg_has_feature(&b->dev, VIRTIO_BALLOON_F_REPORTING);
	r = vmg_vq_setup(&b->dev, &b->inflate_vq, 0, mem, rb, BALLOON_QUEUE_SIZE);
	if (!r)
		r = vmg_vq_setup(&b->dev, &b->deflate_vq, 1, mem + rb, rb,
				 BALLOON_QUEUE_SIZE);
	/* Absent queues take no index (Linux's find_vqs numbering). */
	if (!r && b->has_stats)
		r = vmg_vq_setup(&b->dev, &b->stats_vq, q++, mem + 2 * rb, rb,
				 BALLOON_QUEUE_SIZE);
	if (!r && b->has_report)
		r = vmg_vq_setup(&b->dev, &b->report_vq, q++, mem + 3 * rb, rb,
				 BALLOON_QUEUE_SIZE);
	if (!r && b->has_stats)
		r = stats_add(b) < 0 ? -VMG_EIO : 0;
	if (r)
		goto fail;
	vmg_add_status(&b->dev, VIRTIO_CONFIG_S_DRIVER_OK);
	if (b->has_stats)
		vmg_vq_kick(&b->stats_vq);
	return 0;
fail:
	vmg_add_status(&b->dev, VIRTIO_CONFIG_S_FAILED);
	return r;
}

__u32 balloon_target(struct balloon *b)
{
	return vmg_config_read32(&b->dev, CFG_NUM_PAGES);
}

/* Send the @n PFNs in b->pfns on the inflate or deflate queue. */
static int req_send(struct balloon *b, int inflate, __u32 n)
{
	struct vmg_vq *vq = inflate ? &b->inflate_vq : &b->deflate_vq;
	struct vmg_sg sg = {
		.addr = dma_addr(b, b->pfns), .len = n * sizeof(__le32),
	};
	int r = vmg_vq_add(vq, &sg, 1, 0);

	if (r < 0)
		return r;
	b->req_n = n;
	b->req_inflate = inflate;
	vmg_vq_kick(vq);
	return 1;
}

/* 1: still in flight; 0: done (pages moved, actual written); < 0: error. */
static int req_complete(struct balloon *b)
{
	struct vmg_vq *vq = b->req_inflate ? &b->inflate_vq : &b->deflate_vq;
	__u32 i, n = b->req_n;
	int r = vmg_vq_get_used(vq, NULL);

	if (r == -VMG_EAGAIN)
		return 1;
	if (r < 0)
		return r;
	if (b->req_inflate) {
		for (i = 0; i < n; i++)
			b->pages[b->num_pages++] = le32_to_cpu_(b->pfns[i]);
		b->inflated += n;
	} else {
		for (i = 0; i < n; i++)
			b->env.free_page(ctx(b), le32_to_cpu_(b->pfns[i]));
		b->num_pages -= n;
		b->deflated += n;
	}
	b->req_n = 0;
	vmg_config_write32(&b->dev, CFG_ACTUAL, b->num_pages);
	return 0;
}

static int req_wait(struct balloon *b)
{
	__u32 spins = 0;
	int r;

	while (b->req_n && (r = req_complete(b)) != 0) {
		if (r < 0)
			return r;
		if (++spins > spin_limit(b))
			return -VMG_ETIMEDOUT;
		relax(b);
	}
	return 0;
}

static int inflate_start(struct balloon *b, __u32 want)
{
	__u32 n = want, i, pfn;
	int r;

	if (n > BALLOON_BATCH)
		n = BALLOON_BATCH;
	if (n > b->max_pages - b->num_pages)
		n = b->max_pages - b->num_pages;
	if (!n)
		return -VMG_ENOSPC;
	b->in_alloc = 1;
	for (i = 0; i < n; i++) {
		if (b->env.alloc_page(ctx(b), &pfn) < 0)
			break;
		b->pfns[i] = cpu_to_le32_(pfn);
	}
	b->in_alloc = 0;
	if (!i)
		return -VMG_ENOMEM;
	r = req_send(b, 1, i);
	if (r < 0)
		while (i--)
			b->env.free_page(ctx(b), le32_to_cpu_(b->pfns[i]));
	return r;
}

/* Deflate the @n most recently inflated pages. */
static int deflate_start(struct balloon *b, __u32 n)
{
	__u32 i;

	if (n > BALLOON_BATCH)
		n = BALLOON_BATCH;
	if (n > b->num_pages)
		n = b->num_pages;
	for (i = 0; i < n; i++)
		b->pfns[i] = cpu_to_le32_(b->pages[b->num_pages - n + i]);
	return req_send(b, 0, n);
}

int balloon_poll(struct balloon *b)
{
	__u32 target;
	int r;

	if (vmg_status(&b->dev) & VIRTIO_CONFIG_S_NEEDS_RESET)
		return -VMG_EIO;
	vmg_irq_ack(&b->dev);
	if (b->has_stats)
		stats_service(b);
	if (b->req_n) {
		r = req_complete(b);
		if (r)
			return r;
	}
	target = balloon_target(b);
	if (b->oom_hold && target != b->oom_target)
		b->oom_hold = 0;
	if (target > b->num_pages && !b->oom_hold)
		return inflate_start(b, target - b->num_pages);
	if (target < b->num_pages)
		return deflate_start(b, b->num_pages - target);
	return 0;
}

int balloon_update(struct balloon *b)
{
	__u32 spins = 0;
	int r;

	while ((r = balloon_poll(b)) == 1) {
		if (++spins > spin_limit(b))
			return -VMG_ETIMEDOUT;
		relax(b);
	}
	return r;
}

__u32 balloon_oom_deflate(struct balloon *b, __u32 want)
{
	__u32 n;

	if (!b->deflate_on_oom || b->in_alloc || !want)
		return 0;
	if (req_wait(b) || !b->num_pages)
		return 0;
	n = b->num_pages < want ? b->num_pages : want;
	if (deflate_start(b, n) < 0)
		return 0;
	n = b->req_n;
	if (req_wait(b))
		return 0;
	b->oom_hold = 1;
	b->oom_target = balloon_target(b);
	return n;
}

int balloon_report(struct balloon *b, const struct balloon_range *r,
		   unsigned int n)
{
	struct vmg_sg sg[BALLOON_MAX_REPORT];
	unsigned int i;
	int head;

	if (!b->has_report)
		return -VMG_ENODEV;
	if (!n || n > BALLOON_MAX_REPORT)
		return -VMG_EINVAL;
	for (i = 0; i < n; i++) {
		sg[i].addr = r[i].addr;
		sg[i].len = r[i].len;
	}
	/* Device-writable, as Linux's virtballoon_free_page_report(). */
	head = vmg_vq_add(&b->report_vq, sg, 0, n);
	if (head < 0)
		return head;
	vmg_vq_kick(&b->report_vq);
	head = vmg_vq_wait_used(&b->report_vq, NULL);
	if (head < 0)
		return head;
	b->reports++;
	return 0;
}

int balloon_shutdown(struct balloon *b)
{
	int r = req_wait(b);

	while (!r && b->num_pages) {
		r = deflate_start(b, b->num_pages);
		if (r >= 0)
			r = req_wait(b);
	}
	vmg_reset(&b->dev);
	return r;
}

int balloon_reinit(struct balloon *b)
{
	struct balloon_env env = b->env;
	__u32 *pages = b->pages, max = b->max_pages, i;
	void *dma = b->dma;
	__u32 len = b->dma_len;

	vmg_reset(&b->dev);
	/* The device forgot the balloon: all its pages are ours again. */
	if (b->req_n && b->req_inflate)
		for (i = 0; i < b->req_n; i++)
			env.free_page(env.io.ctx, le32_to_cpu_(b->pfns[i]));
	for (i = 0; i < b->num_pages; i++)
		env.free_page(env.io.ctx, pages[i]);
	b->num_pages = 0;
	b->req_n = 0;
	return balloon_init(b, &env, dma, len, pages, max);
}
