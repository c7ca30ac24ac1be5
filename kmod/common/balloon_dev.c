// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-balloon device model: the balloon's config space and queue roles
 * on top of the virtio-mmio register file, and the servicing of inflate,
 * deflate, stats and free page reporting requests. Errors in what the
 * guest sends stop the device (DEVICE_NEEDS_RESET); frames the host
 * refuses are only counted. Kernel-free: unit-tested in userspace.
 */
#include "balloon_dev.h"

#define CFG_SIZE	sizeof(struct virtio_balloon_config)
#define CFG_ACTUAL	offsetof(struct virtio_balloon_config, actual)

static bool has(__u64 features, unsigned int bit)
{
	return features & MINIVMM_BIT64(bit);
}

enum minivmm_balloon_vq minivmm_balloon_queue_role(__u64 offered,
						   __u64 features,
						   __u32 index)
{
	bool stats = has(features, VIRTIO_BALLOON_F_STATS_VQ);

	if (index == 0)
		return MINIVMM_BALLOON_VQ_INFLATE;
	if (index == 1)
		return MINIVMM_BALLOON_VQ_DEFLATE;
	if (index == 2 && stats)
		return MINIVMM_BALLOON_VQ_STATS;
	if (!has(features, VIRTIO_BALLOON_F_REPORTING))
		return MINIVMM_BALLOON_VQ_NONE;
	/* Linux (negotiated), QEMU (offered), the specification's list. */
	if (index == 2u + stats ||
	    index == 2u + has(offered, VIRTIO_BALLOON_F_STATS_VQ) ||
	    index == 4)
		return MINIVMM_BALLOON_VQ_REPORTING;
	return MINIVMM_BALLOON_VQ_NONE;
}

static enum minivmm_balloon_vq role_of(struct minivmm_balloon_dev *b,
				       __u32 index)
{
	return minivmm_balloon_queue_role(b->mmio.device_features,
					  minivmm_vmmio_features(&b->mmio),
					  index);
}

static __u16 op_queue_max(void *dev, __u32 index, __u64 features)
{
	struct minivmm_balloon_dev *b = dev;

	return minivmm_balloon_queue_role(b->mmio.device_features, features,
					  index) == MINIVMM_BALLOON_VQ_NONE ?
	       0 : MINIVMM_BALLOON_QUEUE_SIZE;
}

static void config_image(struct minivmm_balloon_dev *b, __u8 *img)
{
	memset(img, 0, CFG_SIZE);
	minivmm_put_le32(img + offsetof(struct virtio_balloon_config, num_pages),
			 b->num_pages);
	minivmm_put_le32(img + CFG_ACTUAL, b->actual);
	/* free_page_hint_cmd_id and poison_val: features never offered. */
}

static void op_config_read(void *dev, __u32 off, void *buf, __u32 len)
{
	__u8 img[CFG_SIZE], *out = buf;
	__u32 i;

	config_image(dev, img);
	for (i = 0; i < len; i++)
		out[i] = off + i < CFG_SIZE ? img[off + i] : 0;
}

static void op_config_write(void *dev, __u32 off, const void *buf, __u32 len)
{
	struct minivmm_balloon_dev *b = dev;
	const __u8 *in = buf;
	__u8 img[CFG_SIZE];
	bool changed = false;
	__u32 i;

	config_image(b, img);
	/* Only actual is the driver's to write. */
	for (i = 0; i < len; i++) {
		__u32 o = off + i;

		if (o >= CFG_ACTUAL && o < CFG_ACTUAL + sizeof(__u32)) {
			img[o] = in[i];
			changed = true;
		}
	}
	if (!changed)
		return;
	b->actual = minivmm_get_le32(img + CFG_ACTUAL);
	if (b->host.actual)
		b->host.actual(b->host.ctx, b->actual);
}

static void op_reset(void *dev)
{
	struct minivmm_balloon_dev *b = dev;

	b->actual = 0;
	b->stats_held = false;
	if (b->host.reset)
		b->host.reset(b->host.ctx);
}

static void op_irq(void *dev, bool level)
{
	struct minivmm_balloon_dev *b = dev;

	if (b->host.irq)
		b->host.irq(b->host.ctx, level);
}

static int op_notify(void *dev, __u32 index)
{
	return minivmm_balloon_process(dev, index);
}

static const struct minivmm_vmmio_dev_ops balloon_mmio_ops = {
	.queue_max = op_queue_max,
	.notify = op_notify,
	.config_read = op_config_read,
	.config_write = op_config_write,
	.reset = op_reset,
	.irq = op_irq,
};

int minivmm_balloon_init(struct minivmm_balloon_dev *b, __u64 features,
			 const struct minivmm_gmem_ops *gm,
			 const struct minivmm_balloon_host_ops *host)
{
	if (features & ~MINIVMM_BALLOON_FEATURES)
		return -EINVAL;
	memset(b, 0, sizeof(*b));
	b->gmem = *gm;
	b->host = *host;
	minivmm_vmmio_init(&b->mmio, VIRTIO_ID_BALLOON, features,
			   &balloon_mmio_ops, b, host->mem_barrier);
	return 0;
}

void minivmm_balloon_set_target(struct minivmm_balloon_dev *b, __u32 num_pages)
{
	b->num_pages = num_pages;
	minivmm_vmmio_config_changed(&b->mmio);
}

static int fail(struct minivmm_balloon_dev *b, __u32 index, int err)
{
	b->cnt.errors++;
	b->last_error = err;
	b->error_queue = index;
	minivmm_vmmio_needs_reset(&b->mmio);
	return err;
}

/* Every 64 frames: may the walk go on? -EINTR stops it (abort). */
static int walk_check(struct minivmm_balloon_dev *b)
{
	if (!b->host.check || ++b->work < 64)
		return 0;
	b->work = 0;
	return b->host.check(b->host.ctx, false) == MINIVMM_BALLOON_ABORT ?
	       -EINTR : 0;
}

static int pfn_inflate(void *arg, __u32 pfn)
{
	struct minivmm_balloon_dev *b = arg;

	if (walk_check(b))
		return -EINTR;

	if (b->host.inflate_pfn && b->host.inflate_pfn(b->host.ctx, pfn) < 0)
		b->cnt.rejected++;
	else
		b->cnt.inflated++;
	return 0;
}

static int pfn_deflate(void *arg, __u32 pfn)
{
	struct minivmm_balloon_dev *b = arg;

	if (walk_check(b))
		return -EINTR;

	if (b->host.deflate_pfn && b->host.deflate_pfn(b->host.ctx, pfn) < 0)
		b->cnt.rejected++;
	else
		b->cnt.deflated++;
	return 0;
}

static int report_range(void *arg, __u64 pfn, __u64 npages)
{
	struct minivmm_balloon_dev *b = arg;

	if (b->host.check &&
	    b->host.check(b->host.ctx, false) == MINIVMM_BALLOON_ABORT)
		return -EINTR;

	if (b->host.report_pages &&
	    b->host.report_pages(b->host.ctx, pfn, npages) < 0)
		b->cnt.rejected += npages;
	else
		b->cnt.reported += npages;
	return 0;
}

static void used_irq(struct minivmm_balloon_dev *b, struct minivmm_virtq *q)
{
	if (minivmm_virtq_should_notify(q, &b->gmem))
		minivmm_vmmio_interrupt(&b->mmio, VIRTIO_MMIO_INT_VRING);
}

/* One chain of the stats queue: parse it and keep it (1: pushed another). */
static int stats_chain(struct minivmm_balloon_dev *b, struct minivmm_virtq *q,
		       __u32 index, const struct minivmm_virtq_chain *c)
{
	int r = minivmm_balloon_parse_stats(&b->gmem, c, &b->stats);
	bool pushed = false;

	if (r)
		return r;
	/* At most one buffer may be available; give an extra one back. */
	if (b->stats_held) {
		r = minivmm_virtq_push(q, &b->gmem, b->stats_head, 0);
		if (r)
			return r;
		pushed = true;
	}
	b->stats_held = true;
	b->stats_head = c->head;
	b->stats_index = index;
	b->cnt.stats_updates++;
	if (b->host.stats)
		b->host.stats(b->host.ctx, &b->stats);
	return pushed;
}

int minivmm_balloon_process(struct minivmm_balloon_dev *b, __u32 index)
{
	struct minivmm_virtq_chain c = {
		.seg = b->seg, .cap = MINIVMM_ARRAY_SIZE(b->seg),
	};
	enum minivmm_balloon_vq role;
	unsigned int flags = MINIVMM_VIRTQ_NO_WRITABLE;
	struct minivmm_virtq *q;
	bool pushed = false;
	__u32 budget;
	int r;

	if (!minivmm_vmmio_live(&b->mmio))
		return -EIO;
	role = role_of(b, index);
	if (index >= MINIVMM_VMMIO_MAX_QUEUES || role == MINIVMM_BALLOON_VQ_NONE)
		return -ENOENT;
	q = &b->mmio.q[index];
	if (!q->ready)
		return -ENXIO;
	if (role == MINIVMM_BALLOON_VQ_REPORTING)
		flags = 0;
	for (budget = q->num; budget; budget--) {
		if (budget != q->num && b->host.check) {
			r = b->host.check(b->host.ctx, true);
			if (r == MINIVMM_BALLOON_ABORT)
				return -EINTR;
			if (r == MINIVMM_BALLOON_YIELD)
				break;
		}
		r = minivmm_virtq_pop(q, &b->gmem, flags, &c);
		if (r == 0)
			break;
		if (r < 0)
			return fail(b, index, r);
		if ((role == MINIVMM_BALLOON_VQ_INFLATE ||
		     role == MINIVMM_BALLOON_VQ_DEFLATE) &&
		    c.readable_len > MINIVMM_BALLOON_MAX_PFN_BYTES)
			return fail(b, index, -E2BIG);
		switch (role) {
		case MINIVMM_BALLOON_VQ_INFLATE:
			r = minivmm_balloon_walk_pfns(&b->gmem, &c, pfn_inflate,
						      b, NULL);
			break;
		case MINIVMM_BALLOON_VQ_DEFLATE:
			r = minivmm_balloon_walk_pfns(&b->gmem, &c, pfn_deflate,
						      b, NULL);
			break;
		case MINIVMM_BALLOON_VQ_STATS:
			r = stats_chain(b, q, index, &c);
			if (r < 0)
				return fail(b, index, r);
			pushed |= r;
			continue;
		default:
			r = minivmm_balloon_walk_report(&c, report_range, b);
			break;
		}
		if (r == -EINTR)
			return r;
		if (r)
			return fail(b, index, r);
		/* Nothing is written into balloon buffers: used length 0. */
		r = minivmm_virtq_push(q, &b->gmem, c.head, 0);
		if (r)
			return fail(b, index, r);
		b->cnt.requests++;
		if (role == MINIVMM_BALLOON_VQ_INFLATE)
			b->cnt.inflate_requests++;
		else if (role == MINIVMM_BALLOON_VQ_DEFLATE)
			b->cnt.deflate_requests++;
		pushed = true;
	}
	if (pushed)
		used_irq(b, q);
	if (budget) {
		/* Stopped early by the check hook: say whether chains remain. */
		r = minivmm_virtq_pending(q, &b->gmem);
		if (r < 0)
			return fail(b, index, r);
		if (r > 0)
			return 1;
		return 0;
	}
	if (!budget) {
		r = minivmm_virtq_pending(q, &b->gmem);
		if (r < 0)
			return fail(b, index, r);
		return r > 0;
	}
	return 0;
}

const char *minivmm_balloon_error_str(int err)
{
	switch (err) {
	case -ERANGE:
		return "descriptor index out of range";
	case -ELOOP:
		return "descriptor chain loops or is longer than the queue";
	case -EFAULT:
		return "ring or buffer outside guest memory";
	case -EOVERFLOW:
		return "more buffers made available than the queue holds";
	case -EOPNOTSUPP:
		return "indirect descriptor (not negotiated)";
	case -ENODATA:
		return "zero-length descriptor";
	case -EPROTO:
		return "device-readable descriptor after a device-writable one";
	case -EACCES:
		return "descriptor of the wrong direction for this queue";
	case -ENOBUFS:
		return "descriptor chain too long";
	case -EINVAL:
		return "bad buffer length or queue configuration";
	case -E2BIG:
		return "PFN array longer than 256 KiB";
	default:
		return "virtqueue protocol error";
	}
}

int minivmm_balloon_mmio_write(struct minivmm_balloon_dev *b, __u64 off,
			       __u32 size, __u64 val)
{
	bool was = b->mmio.status & VIRTIO_CONFIG_S_NEEDS_RESET;
	int r = minivmm_vmmio_write(&b->mmio, off, size, val);

	/* Queue errors on QueueNotify were counted by fail() already. */
	if (!was && (b->mmio.status & VIRTIO_CONFIG_S_NEEDS_RESET) &&
	    off == VIRTIO_MMIO_QUEUE_READY) {
		b->cnt.errors++;
		b->last_error = r;
		b->error_queue = b->mmio.queue_sel;
	}
	return r;
}

int minivmm_balloon_request_stats(struct minivmm_balloon_dev *b)
{
	struct minivmm_virtq *q;
	int r;

	if (!minivmm_vmmio_live(&b->mmio))
		return -EIO;
	if (!b->stats_held)
		return -EAGAIN;
	q = &b->mmio.q[b->stats_index];
	if (!q->ready) {
		b->stats_held = false;
		return -EAGAIN;
	}
	r = minivmm_virtq_push(q, &b->gmem, b->stats_head, 0);
	b->stats_held = false;
	/* -EINVAL: the queue was re-enabled since; the buffer is gone. */
	if (r == -EINVAL)
		return -EAGAIN;
	if (r)
		return fail(b, b->stats_index, r);
	used_irq(b, q);
	return 0;
}
