// SPDX-License-Identifier: GPL-2.0
/*
 * Guest side of virtio-mmio version 2 with split virtqueues: device
 * probe, reset, status and feature negotiation, queue setup, adding
 * buffers, notifying, and taking used buffers back. Freestanding: no
 * libc calls (its own byte loops), no kernel headers but the uapi ones.
 */
#include "virtio_mmio_guest.h"

#define VMG_MAGIC	0x74726976u	/* "virt" */
#define VMG_VERSION	2u

/* Ring fields are little-endian (VIRTIO_F_VERSION_1). */
static inline __u16 vmg_le16(__u16 v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap16(v);
#else
	return v;
#endif
}

static inline __u32 vmg_le32(__u32 v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

static inline __u64 vmg_le64(__u64 v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap64(v);
#else
	return v;
#endif
}

/* Shared ring words: one untorn access each (like READ_ONCE/WRITE_ONCE). */
static inline __u16 vmg_load16(const __u16 *p)
{
	return vmg_le16(__atomic_load_n(p, __ATOMIC_RELAXED));
}

static inline void vmg_store16(__u16 *p, __u16 v)
{
	__atomic_store_n(p, vmg_le16(v), __ATOMIC_RELAXED);
}

/* Byte stores the compiler cannot turn into a call to memset(). */
static void vmg_zero(void *p, __u32 n)
{
	__u8 *b = p;

	while (n--)
		__atomic_store_n(b++, 0, __ATOMIC_RELAXED);
}

static __u32 rd(struct vmg_dev *d, __u32 off)
{
	return d->env.read32(d->env.ctx, off);
}

static void wr(struct vmg_dev *d, __u32 off, __u32 val)
{
	d->env.write32(d->env.ctx, off, val);
}

static void vmg_mb(struct vmg_dev *d, enum vmg_barrier kind)
{
	if (d->env.barrier)
		d->env.barrier(d->env.ctx, kind);
	else
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void vmg_relax(struct vmg_dev *d)
{
	if (d->env.relax)
		d->env.relax(d->env.ctx);
}

static __u32 spin_limit(const struct vmg_dev *d)
{
	return d->env.spin_limit ? d->env.spin_limit : VMG_SPIN_DEFAULT;
}

static __u64 phys(struct vmg_dev *d, const void *p)
{
	if (d->env.virt_to_phys)
		return d->env.virt_to_phys(d->env.ctx, p);
	return (unsigned long)p;
}

int vmg_probe(struct vmg_dev *d, const struct vmg_env *env, __u32 device_id)
{
	__u32 id;

	d->env = *env;
	d->features = 0;
	d->device_id = 0;
	if (rd(d, VIRTIO_MMIO_MAGIC_VALUE) != VMG_MAGIC)
		return -VMG_ENODEV;
	if (rd(d, VIRTIO_MMIO_VERSION) != VMG_VERSION)
		return -VMG_ENOTSUP;
	id = rd(d, VIRTIO_MMIO_DEVICE_ID);
	if (!id || id != device_id)
		return -VMG_ENODEV;
	d->device_id = id;
	return 0;
}

int vmg_reset(struct vmg_dev *d)
{
	__u32 spins = 0;

	wr(d, VIRTIO_MMIO_STATUS, 0);
	while (rd(d, VIRTIO_MMIO_STATUS)) {
		if (++spins > spin_limit(d))
			return -VMG_ETIMEDOUT;
		vmg_relax(d);
	}
	d->features = 0;
	return 0;
}

__u32 vmg_status(struct vmg_dev *d)
{
	return rd(d, VIRTIO_MMIO_STATUS);
}

void vmg_add_status(struct vmg_dev *d, __u32 bits)
{
	wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | bits);
}

int vmg_negotiate(struct vmg_dev *d, __u64 wanted)
{
	__u64 dev, f;

	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	dev = (__u64)rd(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	dev |= rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
	if (!(dev & (1ull << VIRTIO_F_VERSION_1)))
		return -VMG_ENOTSUP;
	f = dev & (wanted | (1ull << VIRTIO_F_VERSION_1));
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (__u32)(f >> 32));
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (__u32)f);
	vmg_add_status(d, VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(vmg_status(d) & VIRTIO_CONFIG_S_FEATURES_OK))
		return -VMG_EIO;
	d->features = f;
	return 0;
}

__u32 vmg_vq_mem_size(__u16 num)
{
	return vring_size(num, VRING_USED_ALIGN_SIZE);
}

static void wr64(struct vmg_dev *d, __u32 lo, __u64 v)
{
	wr(d, lo, (__u32)v);
	wr(d, lo + 4, (__u32)(v >> 32));
}

int vmg_vq_setup(struct vmg_dev *d, struct vmg_vq *vq, __u32 index,
		 void *mem, __u32 mem_len, __u16 num)
{
	__u32 max, i;

	wr(d, VIRTIO_MMIO_QUEUE_SEL, index);
	if (rd(d, VIRTIO_MMIO_QUEUE_READY))
		return -VMG_EIO;
	max = rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (!max)
		return -VMG_ENODEV;
	if (num > max)
		num = (__u16)max;
	if (num > VMG_QUEUE_MAX)
		num = VMG_QUEUE_MAX;
	while (num & (num - 1))
		num &= (__u16)(num - 1);
	if (!num || ((unsigned long)mem % VMG_RING_ALIGN) ||
	    mem_len < vmg_vq_mem_size(num))
		return -VMG_EINVAL;
	vmg_zero(mem, vmg_vq_mem_size(num));
	vring_init(&vq->vr, num, mem, VRING_USED_ALIGN_SIZE);
	vq->dev = d;
	vq->index = index;
	vq->num = num;
	vq->free_head = 0;
	vq->num_free = num;
	vq->avail_idx = 0;
	vq->last_used_idx = 0;
	for (i = 0; i < num; i++) {
		vq->vr.desc[i].next = vmg_le16((__u16)(i + 1));
		vq->chain_len[i] = 0;
	}
	wr(d, VIRTIO_MMIO_QUEUE_NUM, num);
	wr64(d, VIRTIO_MMIO_QUEUE_DESC_LOW, phys(d, vq->vr.desc));
	wr64(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, phys(d, vq->vr.avail));
	wr64(d, VIRTIO_MMIO_QUEUE_USED_LOW, phys(d, vq->vr.used));
	wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
	if (rd(d, VIRTIO_MMIO_QUEUE_READY) != 1)
		return -VMG_EIO;
	return 0;
}

int vmg_vq_add(struct vmg_vq *vq, const struct vmg_sg *sg, unsigned int n_out,
	       unsigned int n_in)
{
	unsigned int n = n_out + n_in, i;
	__u16 head, idx;

	if (!n || n > vq->num)
		return -VMG_EINVAL;
	for (i = 0; i < n; i++)
		if (!sg[i].len)
			return -VMG_EINVAL;
	if (n > vq->num_free)
		return -VMG_ENOSPC;
	head = vq->free_head;
	idx = head;
	for (i = 0; i < n; i++) {
		struct vring_desc *desc = &vq->vr.desc[idx];
		__u16 flags = i < n_out ? 0 : VRING_DESC_F_WRITE;

		if (i + 1 < n)
			flags |= VRING_DESC_F_NEXT;
		desc->addr = vmg_le64(sg[i].addr);
		desc->len = vmg_le32(sg[i].len);
		desc->flags = vmg_le16(flags);
		/* next already links the free list, which the chain follows. */
		idx = vmg_le16(desc->next);
	}
	vq->free_head = idx;
	vq->num_free -= n;
	vq->chain_len[head] = (__u16)n;
	vq->vr.avail->ring[vq->avail_idx & (vq->num - 1)] = vmg_le16(head);
	/* Descriptors and ring entry before the index that publishes them. */
	vmg_mb(vq->dev, VMG_WMB);
	vq->avail_idx++;
	vmg_store16(&vq->vr.avail->idx, vq->avail_idx);
	return head;
}

void vmg_vq_kick(struct vmg_vq *vq)
{
	/* avail->idx store before the used->flags load. */
	vmg_mb(vq->dev, VMG_MB);
	if (vmg_load16(&vq->vr.used->flags) & VRING_USED_F_NO_NOTIFY)
		return;
	wr(vq->dev, VIRTIO_MMIO_QUEUE_NOTIFY, vq->index);
}

int vmg_vq_get_used(struct vmg_vq *vq, __u32 *len)
{
	__u16 slot, tail;
	__u32 id, n, k;

	if (vmg_load16(&vq->vr.used->idx) == vq->last_used_idx)
		return -VMG_EAGAIN;
	/* The element was written before the index. */
	vmg_mb(vq->dev, VMG_RMB);
	slot = vq->last_used_idx & (vq->num - 1);
	id = vmg_le32(vq->vr.used->ring[slot].id);
	if (id >= vq->num || !vq->chain_len[id])
		return -VMG_EIO;
	if (len)
		*len = vmg_le32(vq->vr.used->ring[slot].len);
	n = vq->chain_len[id];
	tail = (__u16)id;
	for (k = 1; k < n; k++) {
		tail = vmg_le16(vq->vr.desc[tail].next);
		if (tail >= vq->num)
			return -VMG_EIO;
	}
	vq->vr.desc[tail].next = vmg_le16(vq->free_head);
	vq->free_head = (__u16)id;
	vq->num_free += n;
	vq->chain_len[id] = 0;
	vq->last_used_idx++;
	return (int)id;
}

int vmg_vq_wait_used(struct vmg_vq *vq, __u32 *len)
{
	__u32 spins = 0;
	int r;

	while ((r = vmg_vq_get_used(vq, len)) == -VMG_EAGAIN) {
		if (++spins > spin_limit(vq->dev))
			return -VMG_ETIMEDOUT;
		vmg_relax(vq->dev);
	}
	return r;
}

__u32 vmg_config_read32(struct vmg_dev *d, __u32 off)
{
	__u32 gen, v, tries = 0;

	do {
		gen = rd(d, VIRTIO_MMIO_CONFIG_GENERATION);
		v = rd(d, VIRTIO_MMIO_CONFIG + off);
	} while (gen != rd(d, VIRTIO_MMIO_CONFIG_GENERATION) && ++tries < 16);
	return v;
}

void vmg_config_write32(struct vmg_dev *d, __u32 off, __u32 val)
{
	wr(d, VIRTIO_MMIO_CONFIG + off, val);
}

__u32 vmg_irq_ack(struct vmg_dev *d)
{
	__u32 s = rd(d, VIRTIO_MMIO_INTERRUPT_STATUS);

	if (s)
		wr(d, VIRTIO_MMIO_INTERRUPT_ACK, s);
	return s;
}
