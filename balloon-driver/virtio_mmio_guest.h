/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest side of the virtio-mmio version 2 transport (VIRTIO 1.2 section
 * 4.2) with split virtqueues, for a freestanding guest: no libc, no
 * kernel; the guest supplies register access, ring memory and a few
 * hooks through struct vmg_env. Polling only (an interrupt handler may
 * call vmg_irq_ack()). No indirect descriptors, no event indexes.
 */
#ifndef VIRTIO_MMIO_GUEST_H
#define VIRTIO_MMIO_GUEST_H

#include <linux/types.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#ifndef NULL
#define NULL ((void *)0)
#endif

/* Error numbers (returned negated); the values of Linux's errno. */
#define VMG_EIO		5	/* the device refused or needs a reset */
#define VMG_EAGAIN	11	/* nothing yet (no used buffer) */
#define VMG_ENOMEM	12	/* the guest allocator has no page */
#define VMG_EINVAL	22	/* bad argument */
#define VMG_ENOSPC	28	/* ring or page store full */
#define VMG_ENODEV	19	/* no such device or queue */
#define VMG_ENOTSUP	95	/* legacy device, or VERSION_1 not offered */
#define VMG_ETIMEDOUT	110	/* the device did not answer in time */

/* Largest ring the driver sets up. */
#define VMG_QUEUE_MAX	256
/* Ring memory alignment (descriptor table). */
#define VMG_RING_ALIGN	16
/* Polls of a register or ring before giving up, unless told otherwise. */
#define VMG_SPIN_DEFAULT 1000000u

/**
 * enum vmg_barrier - kinds of memory barrier
 * @VMG_RMB: loads before later loads.
 * @VMG_WMB: stores before later stores.
 * @VMG_MB: everything before everything.
 */
enum vmg_barrier { VMG_RMB, VMG_WMB, VMG_MB };

/**
 * struct vmg_env - what the guest provides
 * @read32: read the 32-bit register at @off of the device's MMIO region.
 * @write32: write it.
 * @virt_to_phys: guest-physical address of driver memory @p; NULL when
 *	pointers are guest-physical addresses (identity mapping).
 * @barrier: memory barrier; NULL uses the compiler's sequentially
 *	consistent fence for every kind.
 * @relax: called between polls (cpu_relax, or in tests: run the device).
 *	NULL: nothing.
 * @spin_limit: polls before -VMG_ETIMEDOUT; 0: VMG_SPIN_DEFAULT.
 * @ctx: first argument of every hook.
 */
struct vmg_env {
	__u32 (*read32)(void *ctx, __u32 off);
	void (*write32)(void *ctx, __u32 off, __u32 val);
	__u64 (*virt_to_phys)(void *ctx, const void *p);
	void (*barrier)(void *ctx, enum vmg_barrier kind);
	void (*relax)(void *ctx);
	__u32 spin_limit;
	void *ctx;
};

/**
 * struct vmg_dev - one virtio-mmio device
 * @env: the guest's hooks (a copy).
 * @device_id: DeviceID found by vmg_probe().
 * @features: features negotiated by vmg_negotiate().
 */
struct vmg_dev {
	struct vmg_env env;
	__u32 device_id;
	__u64 features;
};

/**
 * struct vmg_sg - one buffer handed to the device
 * @addr: guest-physical address.
 * @len: bytes.
 */
struct vmg_sg {
	__u64 addr;
	__u32 len;
};

/**
 * struct vmg_vq - driver side of one split virtqueue
 * @dev: its device.
 * @index: queue index.
 * @num: ring size.
 * @free_head: first free descriptor (free ones chain through next).
 * @num_free: free descriptors.
 * @avail_idx: next available ring index to publish.
 * @last_used_idx: next used ring entry to consume.
 * @vr: the ring in driver memory.
 * @chain_len: descriptors in each outstanding chain, by head (0: free).
 */
struct vmg_vq {
	struct vmg_dev *dev;
	__u32 index;
	__u16 num;
	__u16 free_head;
	__u16 num_free;
	__u16 avail_idx;
	__u16 last_used_idx;
	struct vring vr;
	__u16 chain_len[VMG_QUEUE_MAX];
};

/**
 * vmg_probe() - is there a virtio-mmio version 2 device of this type?
 * @d: filled in.
 * @env: the guest's hooks (copied).
 * @device_id: the virtio device type wanted (e.g. VIRTIO_ID_BALLOON).
 *
 * Return: 0; -VMG_ENODEV for a wrong magic value, DeviceID 0 (no device)
 * or another type; -VMG_ENOTSUP for a legacy (version 1) device.
 */
int vmg_probe(struct vmg_dev *d, const struct vmg_env *env, __u32 device_id);

/**
 * vmg_reset() - reset the device and wait until Status reads 0
 * @d: the device.
 *
 * Return: 0, or -VMG_ETIMEDOUT.
 */
int vmg_reset(struct vmg_dev *d);

/**
 * vmg_status() - read the device status
 * @d: the device.
 *
 * Return: VIRTIO_CONFIG_S_* bits.
 */
__u32 vmg_status(struct vmg_dev *d);

/**
 * vmg_add_status() - set device status bits (keeping those set)
 * @d: the device.
 * @bits: VIRTIO_CONFIG_S_* bits to add.
 */
void vmg_add_status(struct vmg_dev *d, __u32 bits);

/**
 * vmg_negotiate() - agree on features and set FEATURES_OK
 * @d: the device, with ACKNOWLEDGE and DRIVER set.
 * @wanted: features the driver supports; VIRTIO_F_VERSION_1 is added.
 *
 * Return: 0 with @d->features set; -VMG_ENOTSUP when the device does not
 * offer VIRTIO_F_VERSION_1; -VMG_EIO when it does not keep FEATURES_OK.
 */
int vmg_negotiate(struct vmg_dev *d, __u64 wanted);

/**
 * vmg_has_feature() - was a feature negotiated?
 * @d: the device.
 * @bit: feature bit number.
 *
 * Return: true when negotiated.
 */
static inline int vmg_has_feature(const struct vmg_dev *d, unsigned int bit)
{
	return (d->features >> bit) & 1;
}

/**
 * vmg_vq_mem_size() - bytes of ring memory a queue needs
 * @num: ring size (a power of two).
 *
 * Return: the size of the split ring (VRING_USED_ALIGN_SIZE layout).
 */
__u32 vmg_vq_mem_size(__u16 num);

/**
 * vmg_vq_setup() - configure and enable one queue
 * @d: the device, after vmg_negotiate().
 * @vq: filled in.
 * @index: queue index.
 * @mem: ring memory, VMG_RING_ALIGN-aligned, zeroed here.
 * @mem_len: its size; at least vmg_vq_mem_size() of the chosen size.
 * @num: ring size wanted (the device's QueueNumMax may make it smaller).
 *
 * Return: 0; -VMG_ENODEV when the device has no such queue;
 * -VMG_EINVAL for bad memory or size; -VMG_EIO when the queue is already
 * in use or does not become ready.
 */
int vmg_vq_setup(struct vmg_dev *d, struct vmg_vq *vq, __u32 index,
		 void *mem, __u32 mem_len, __u16 num);

/**
 * vmg_vq_add() - make a buffer chain available (without notifying)
 * @vq: the queue.
 * @sg: @n_out device-readable buffers followed by @n_in device-writable.
 * @n_out: readable count.
 * @n_in: writable count.
 *
 * Return: the chain's head (>= 0); -VMG_ENOSPC when the ring lacks free
 * descriptors; -VMG_EINVAL for an empty chain or a zero-length buffer.
 */
int vmg_vq_add(struct vmg_vq *vq, const struct vmg_sg *sg, unsigned int n_out,
	       unsigned int n_in);

/**
 * vmg_vq_kick() - notify the device of new available buffers
 * @vq: the queue.
 */
void vmg_vq_kick(struct vmg_vq *vq);

/**
 * vmg_vq_get_used() - take one used chain back, if any
 * @vq: the queue.
 * @len: if not NULL, receives the bytes the device wrote.
 *
 * Return: the head of the used chain; -VMG_EAGAIN when none is used
 * yet; -VMG_EIO when the device returned an id that is not outstanding.
 */
int vmg_vq_get_used(struct vmg_vq *vq, __u32 *len);

/**
 * vmg_vq_wait_used() - poll until a chain is used
 * @vq: the queue.
 * @len: as for vmg_vq_get_used().
 *
 * Calls the relax hook between polls.
 *
 * Return: as vmg_vq_get_used(), or -VMG_ETIMEDOUT.
 */
int vmg_vq_wait_used(struct vmg_vq *vq, __u32 *len);

/**
 * vmg_config_read32() - read a 32-bit device config field
 * @d: the device.
 * @off: offset in config space.
 *
 * Retries while ConfigGeneration changes under the read.
 *
 * Return: the value.
 */
__u32 vmg_config_read32(struct vmg_dev *d, __u32 off);

/**
 * vmg_config_write32() - write a 32-bit device config field
 * @d: the device.
 * @off: offset in config space.
 * @val: the value.
 */
void vmg_config_write32(struct vmg_dev *d, __u32 off, __u32 val);

/**
 * vmg_irq_ack() - read and acknowledge the interrupt status
 * @d: the device.
 *
 * Return: the VIRTIO_MMIO_INT_* bits that were pending.
 */
__u32 vmg_irq_ack(struct vmg_dev *d);

#endif /* VIRTIO_MMIO_GUEST_H */
