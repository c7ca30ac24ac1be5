// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio version 2 register file: feature windows, the device status
 * state machine, per-queue configuration, interrupts and config space
 * forwarding. Everything the driver writes is checked against the
 * current status; what is not allowed is ignored.
 * Kernel-free: unit-tested in userspace.
 */
#include "virtio_mmio_dev.h"

#define VMMIO_VERSION		2u
#define STATUS_KNOWN		(VIRTIO_CONFIG_S_ACKNOWLEDGE | \
				 VIRTIO_CONFIG_S_DRIVER | \
				 VIRTIO_CONFIG_S_DRIVER_OK | \
				 VIRTIO_CONFIG_S_FEATURES_OK | \
				 VIRTIO_CONFIG_S_NEEDS_RESET | \
				 VIRTIO_CONFIG_S_FAILED)
#define STATUS_DEAD		(VIRTIO_CONFIG_S_NEEDS_RESET | \
				 VIRTIO_CONFIG_S_FAILED)

static void set_irq(struct minivmm_vmmio *m, bool level)
{
	if (m->ops->irq)
		m->ops->irq(m->dev, level);
}

static void reset_queues(struct minivmm_vmmio *m)
{
	__u32 i;

	for (i = 0; i < MINIVMM_VMMIO_MAX_QUEUES; i++)
		minivmm_virtq_init(&m->q[i], 0, m->mem_barrier);
}

void minivmm_vmmio_init(struct minivmm_vmmio *m, __u32 device_id,
			__u64 features, const struct minivmm_vmmio_dev_ops *ops,
			void *dev, void (*mem_barrier)(enum minivmm_barrier kind))
{
	memset(m, 0, sizeof(*m));
	m->ops = ops;
	m->dev = dev;
	m->device_id = device_id;
	m->vendor_id = MINIVMM_VMMIO_VENDOR_ID;
	m->device_features = features | (1ull << VIRTIO_F_VERSION_1);
	m->mem_barrier = mem_barrier;
	reset_queues(m);
}

static void device_reset(struct minivmm_vmmio *m)
{
	bool irq = m->int_status;

	m->status = 0;
	m->driver_features = 0;
	m->driver_features_high = false;
	m->device_features_sel = 0;
	m->driver_features_sel = 0;
	m->queue_sel = 0;
	m->shm_sel = 0;
	m->int_status = 0;
	m->pending_notify = 0;
	reset_queues(m);
	if (m->ops->reset)
		m->ops->reset(m->dev);
	if (irq)
		set_irq(m, false);
}

bool minivmm_vmmio_live(const struct minivmm_vmmio *m)
{
	return (m->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	       !(m->status & STATUS_DEAD);
}

__u64 minivmm_vmmio_features(const struct minivmm_vmmio *m)
{
	return (m->status & VIRTIO_CONFIG_S_FEATURES_OK) ? m->driver_features : 0;
}

void minivmm_vmmio_interrupt(struct minivmm_vmmio *m, __u32 bits)
{
	m->int_status |= bits;
	set_irq(m, true);
}

void minivmm_vmmio_config_changed(struct minivmm_vmmio *m)
{
	m->config_generation++;
	if (m->status & VIRTIO_CONFIG_S_DRIVER_OK)
		minivmm_vmmio_interrupt(m, VIRTIO_MMIO_INT_CONFIG);
}

void minivmm_vmmio_needs_reset(struct minivmm_vmmio *m)
{
	if (m->status & VIRTIO_CONFIG_S_NEEDS_RESET)
		return;
	m->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	if (m->status & VIRTIO_CONFIG_S_DRIVER_OK)
		minivmm_vmmio_interrupt(m, VIRTIO_MMIO_INT_CONFIG);
}

static bool features_acceptable(struct minivmm_vmmio *m)
{
	__u64 f = m->driver_features;

	if (m->driver_features_high || (f & ~m->device_features))
		return false;
	if (!(f & (1ull << VIRTIO_F_VERSION_1)))
		return false;
	return !m->ops->features_ok || m->ops->features_ok(m->dev, f);
}

static void features_ok(struct minivmm_vmmio *m)
{
	__u32 i;

	for (i = 0; i < MINIVMM_VMMIO_MAX_QUEUES; i++)
		minivmm_virtq_init(&m->q[i],
				   m->ops->queue_max(m->dev, i, m->driver_features),
				   m->mem_barrier);
}

static void driver_ok(struct minivmm_vmmio *m)
{
	__u32 i, pending = m->pending_notify;

	m->pending_notify = 0;
	for (i = 0; i < MINIVMM_VMMIO_MAX_QUEUES; i++)
		if ((pending & (1u << i)) && m->q[i].ready &&
		    minivmm_vmmio_live(m))
			m->ops->notify(m->dev, i);
}

static int write_status(struct minivmm_vmmio *m, __u32 v)
{
	__u32 old = m->status, set, want;

	if (!v) {
		device_reset(m);
		return 0;
	}
	/* The driver never clears a bit (only a reset does). */
	if ((old & ~v & ~VIRTIO_CONFIG_S_NEEDS_RESET) || (v & ~STATUS_KNOWN))
		return -EINVAL;
	/* DEVICE_NEEDS_RESET is the device's to set. */
	set = v & ~old & ~VIRTIO_CONFIG_S_NEEDS_RESET;
	want = old | set;
	if (set & VIRTIO_CONFIG_S_FAILED)
		m->status |= VIRTIO_CONFIG_S_FAILED;
	if (set & VIRTIO_CONFIG_S_ACKNOWLEDGE)
		m->status |= VIRTIO_CONFIG_S_ACKNOWLEDGE;
	if ((set & VIRTIO_CONFIG_S_DRIVER) &&
	    (m->status & VIRTIO_CONFIG_S_ACKNOWLEDGE))
		m->status |= VIRTIO_CONFIG_S_DRIVER;
	if ((set & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    (m->status & VIRTIO_CONFIG_S_DRIVER) && features_acceptable(m)) {
		m->status |= VIRTIO_CONFIG_S_FEATURES_OK;
		features_ok(m);
	}
	if ((set & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    (m->status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(m->status & STATUS_DEAD)) {
		m->status |= VIRTIO_CONFIG_S_DRIVER_OK;
		driver_ok(m);
	}
	if ((v & VIRTIO_CONFIG_S_NEEDS_RESET) &&
	    !(old & VIRTIO_CONFIG_S_NEEDS_RESET))
		return -EINVAL;
	return (m->status | VIRTIO_CONFIG_S_NEEDS_RESET) ==
	       (want | VIRTIO_CONFIG_S_NEEDS_RESET) ? 0 : -EINVAL;
}

static struct minivmm_virtq *sel_queue(struct minivmm_vmmio *m)
{
	return m->queue_sel < MINIVMM_VMMIO_MAX_QUEUES ? &m->q[m->queue_sel] : NULL;
}

/* May the driver configure the selected queue now? */
static int queue_writable(struct minivmm_vmmio *m, struct minivmm_virtq **qp)
{
	struct minivmm_virtq *q = sel_queue(m);

	if (m->status & STATUS_DEAD)
		return -EIO;
	if (!(m->status & VIRTIO_CONFIG_S_FEATURES_OK))
		return -EPERM;
	if (!q || !q->num_max)
		return -ENOENT;
	*qp = q;
	return 0;
}

static int write_queue(struct minivmm_vmmio *m, __u64 off, __u32 v)
{
	struct minivmm_virtq *q;
	__u64 *addr;
	int r = queue_writable(m, &q);

	if (r)
		return r;
	if (off == VIRTIO_MMIO_QUEUE_READY) {
		if (v > 1)
			return -EINVAL;
		if (!v) {
			minivmm_virtq_disable(q);
			return 0;
		}
		if (q->ready)
			return 0;
		r = minivmm_virtq_enable(q);
		if (r)
			minivmm_vmmio_needs_reset(m);
		return r;
	}
	if (q->ready)
		return -EPERM;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		if (!v || (v & (v - 1)) || v > q->num_max)
			return -EINVAL;
		q->num = (__u16)v;
		return 0;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		addr = &q->desc_gpa;
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		addr = &q->avail_gpa;
		break;
	default:
		addr = &q->used_gpa;
		break;
	}
	if (off & 4)
		*addr = (*addr & 0xffffffffull) | ((__u64)v << 32);
	else
		*addr = (*addr & ~0xffffffffull) | v;
	return 0;
}

static int write_notify(struct minivmm_vmmio *m, __u32 index)
{
	if (index >= MINIVMM_VMMIO_MAX_QUEUES)
		return -ENOENT;
	if (m->status & STATUS_DEAD)
		return -EIO;
	if (!m->q[index].ready)
		return -ENXIO;
	if (!(m->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
		/* Linux kicks the balloon's stats queue before DRIVER_OK. */
		m->pending_notify |= 1u << index;
		return 0;
	}
	return m->ops->notify(m->dev, index);
}

static int write_reg(struct minivmm_vmmio *m, __u64 off, __u32 v)
{
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		m->device_features_sel = v;
		return 0;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		m->driver_features_sel = v;
		return 0;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (!(m->status & VIRTIO_CONFIG_S_DRIVER) ||
		    (m->status & VIRTIO_CONFIG_S_FEATURES_OK))
			return -EPERM;
		if (m->driver_features_sel == 0) {
			m->driver_features = (m->driver_features &
					      ~0xffffffffull) | v;
		} else if (m->driver_features_sel == 1) {
			m->driver_features = (m->driver_features &
					      0xffffffffull) | ((__u64)v << 32);
		} else if (v) {
			m->driver_features_high = true;
		}
		return 0;
	case VIRTIO_MMIO_QUEUE_SEL:
		m->queue_sel = v;
		return 0;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		return write_queue(m, off, v);
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		return write_notify(m, v);
	case VIRTIO_MMIO_INTERRUPT_ACK:
		if (m->int_status & v) {
			m->int_status &= ~v;
			if (!m->int_status)
				set_irq(m, false);
		}
		return 0;
	case VIRTIO_MMIO_STATUS:
		return write_status(m, v);
	case VIRTIO_MMIO_SHM_SEL:
		m->shm_sel = v;
		return 0;
	default:
		return -ENOENT;
	}
}

static __u32 queue_num_max(struct minivmm_vmmio *m)
{
	struct minivmm_virtq *q = sel_queue(m);

	if (!q)
		return 0;
	if (m->status & VIRTIO_CONFIG_S_FEATURES_OK)
		return q->num_max;
	return m->ops->queue_max(m->dev, m->queue_sel, m->device_features);
}

static int read_reg(struct minivmm_vmmio *m, __u64 off, __u32 *v)
{
	struct minivmm_virtq *q = sel_queue(m);
	__u64 f;

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		*v = MINIVMM_VMMIO_MAGIC;
		return 0;
	case VIRTIO_MMIO_VERSION:
		*v = VMMIO_VERSION;
		return 0;
	case VIRTIO_MMIO_DEVICE_ID:
		*v = m->device_id;
		return 0;
	case VIRTIO_MMIO_VENDOR_ID:
		*v = m->vendor_id;
		return 0;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		f = m->device_features;
		*v = m->device_features_sel == 0 ? (__u32)f :
		     m->device_features_sel == 1 ? (__u32)(f >> 32) : 0;
		return 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		*v = queue_num_max(m);
		return 0;
	case VIRTIO_MMIO_QUEUE_READY:
		*v = q ? q->ready : 0;
		return 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		*v = m->int_status;
		return 0;
	case VIRTIO_MMIO_STATUS:
		*v = m->status;
		return 0;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		*v = m->config_generation;
		return 0;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		/* No shared memory region: length reads as -1. */
		*v = 0xffffffffu;
		return 0;
	default:
		*v = 0;
		return -ENOENT;
	}
}

static bool config_access_ok(__u64 off, __u32 size)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	return !(off & (size - 1)) && off + size <= MINIVMM_VMMIO_REGION_SIZE;
}

int minivmm_vmmio_read(struct minivmm_vmmio *m, __u64 off, __u32 size,
		       __u64 *val)
{
	__u8 buf[8];
	__u32 v, i;
	int r;

	*val = 0;
	if (off >= VIRTIO_MMIO_CONFIG) {
		if (!config_access_ok(off, size))
			return off < MINIVMM_VMMIO_REGION_SIZE ? -EINVAL : -ENOENT;
		memset(buf, 0, sizeof(buf));
		m->ops->config_read(m->dev, off - VIRTIO_MMIO_CONFIG, buf, size);
		for (i = size; i-- > 0;)
			*val = (*val << 8) | buf[i];
		return 0;
	}
	if (size != 4 || (off & 3))
		return -EINVAL;
	r = read_reg(m, off, &v);
	*val = v;
	return r;
}

int minivmm_vmmio_write(struct minivmm_vmmio *m, __u64 off, __u32 size,
			__u64 val)
{
	__u8 buf[8];
	__u32 i;

	if (off >= VIRTIO_MMIO_CONFIG) {
		if (!config_access_ok(off, size))
			return off < MINIVMM_VMMIO_REGION_SIZE ? -EINVAL : -ENOENT;
		if (m->status & VIRTIO_CONFIG_S_FAILED)
			return -EIO;
		for (i = 0; i < size; i++)
			buf[i] = (__u8)(val >> (8 * i));
		m->ops->config_write(m->dev, off - VIRTIO_MMIO_CONFIG, buf, size);
		return 0;
	}
	if (size != 4 || (off & 3))
		return -EINVAL;
	return write_reg(m, off, (__u32)val);
}
