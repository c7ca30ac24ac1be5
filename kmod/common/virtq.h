/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device side of a split virtqueue (VIRTIO 1.2 section 2.7): pop the
 * next available descriptor chain, push a used element. Guest memory is
 * reached only through struct minivmm_gmem_ops, so the same code runs in
 * the module (GPA -> memory slot -> copy_from_user) and in the unit tests
 * (a flat buffer). Indirect descriptors and event indexes are not
 * supported: devices must not offer VIRTIO_RING_F_INDIRECT_DESC or
 * VIRTIO_RING_F_EVENT_IDX. Kernel-free.
 *
 * Locking: none. The caller serialises every call on one queue.
 */
#ifndef MINIVMM_VIRTQ_H
#define MINIVMM_VIRTQ_H

#include "pure.h"
#include <linux/virtio_ring.h>

/**
 * struct minivmm_gmem_ops - access to guest-physical memory
 * @read: copy @len bytes at guest-physical @gpa into @buf.
 * @write: copy @len bytes from @buf to guest-physical @gpa.
 * @ctx: first argument of both.
 *
 * Both return 0, or -EFAULT when any byte of the range is outside guest
 * memory. A naturally aligned access of 2 bytes must be done as one
 * load or store (no tearing): ring indexes are read and written that way.
 */
struct minivmm_gmem_ops {
	int (*read)(void *ctx, __u64 gpa, void *buf, __u32 len);
	int (*write)(void *ctx, __u64 gpa, const void *buf, __u32 len);
	void *ctx;
};

/**
 * enum minivmm_barrier - memory barrier kinds for the barrier hook
 * @MINIVMM_BARRIER_RMB: order earlier loads before later loads (smp_rmb).
 * @MINIVMM_BARRIER_WMB: order earlier stores before later stores (smp_wmb).
 * @MINIVMM_BARRIER_MB: full barrier (smp_mb).
 */
enum minivmm_barrier {
	MINIVMM_BARRIER_RMB,
	MINIVMM_BARRIER_WMB,
	MINIVMM_BARRIER_MB,
};

/* Largest split queue size the specification allows. */
#define MINIVMM_VIRTQ_SIZE_LIMIT	32768u

/* minivmm_virtq_pop() flags: what the device accepts in a chain. */
#define MINIVMM_VIRTQ_NO_WRITABLE	0x1u	/* device-readable only */
#define MINIVMM_VIRTQ_NO_READABLE	0x2u	/* device-writable only */

/**
 * struct minivmm_virtq - device-side state of one split virtqueue
 * @desc_gpa: descriptor table (QueueDesc).
 * @avail_gpa: available ring (QueueDriver).
 * @used_gpa: used ring (QueueDevice).
 * @num_max: largest size the device accepts (QueueNumMax); 0: no queue.
 * @num: size chosen by the driver (QueueNum); a power of two.
 * @last_avail_idx: next available ring entry the device will read.
 * @used_idx: the used ring index the device last published.
 * @ready: QueueReady.
 * @error: first fatal error seen (a negative errno), sticky until reset.
 * @mem_barrier: memory barrier hook; NULL when the gmem callbacks order
 *	accesses themselves (the unit tests).
 */
struct minivmm_virtq {
	__u64 desc_gpa;
	__u64 avail_gpa;
	__u64 used_gpa;
	__u16 num_max;
	__u16 num;
	__u16 last_avail_idx;
	__u16 used_idx;
	bool ready;
	int error;
	void (*mem_barrier)(enum minivmm_barrier kind);
};

/**
 * struct minivmm_virtq_seg - one buffer of a descriptor chain
 * @gpa: guest-physical address; @gpa + @len does not wrap.
 * @len: bytes, never 0.
 * @writable: device-writable (VRING_DESC_F_WRITE).
 */
struct minivmm_virtq_seg {
	__u64 gpa;
	__u32 len;
	bool writable;
};

/**
 * struct minivmm_virtq_chain - a popped descriptor chain
 * @seg: caller-provided array the segments are stored in; readable
 *	segments first, then writable ones.
 * @cap: entries in @seg; a chain with more segments is refused
 *	(-ENOBUFS), so @cap >= the queue size accepts every valid chain.
 * @nseg: segments stored.
 * @nr_readable: how many of them (the first ones) are device-readable.
 * @readable_len: total bytes of the readable segments.
 * @writable_len: total bytes of the writable segments.
 * @head: index of the first descriptor: the id to push when used.
 */
struct minivmm_virtq_chain {
	struct minivmm_virtq_seg *seg;
	__u32 cap;
	__u32 nseg;
	__u32 nr_readable;
	__u64 readable_len;
	__u64 writable_len;
	__u16 head;
};

/* Little-endian loads and stores on byte buffers, any alignment. */
static inline __u16 minivmm_get_le16(const void *p)
{
	const __u8 *b = p;

	return (__u16)(b[0] | (b[1] << 8));
}

static inline __u32 minivmm_get_le32(const void *p)
{
	const __u8 *b = p;

	return (__u32)b[0] | ((__u32)b[1] << 8) | ((__u32)b[2] << 16) |
	       ((__u32)b[3] << 24);
}

static inline __u64 minivmm_get_le64(const void *p)
{
	const __u8 *b = p;

	return (__u64)minivmm_get_le32(b) |
	       ((__u64)minivmm_get_le32(b + 4) << 32);
}

static inline void minivmm_put_le16(void *p, __u16 v)
{
	__u8 *b = p;

	b[0] = (__u8)v;
	b[1] = (__u8)(v >> 8);
}

static inline void minivmm_put_le32(void *p, __u32 v)
{
	__u8 *b = p;

	b[0] = (__u8)v;
	b[1] = (__u8)(v >> 8);
	b[2] = (__u8)(v >> 16);
	b[3] = (__u8)(v >> 24);
}

static inline void minivmm_put_le64(void *p, __u64 v)
{
	minivmm_put_le32(p, (__u32)v);
	minivmm_put_le32((__u8 *)p + 4, (__u32)(v >> 32));
}

/**
 * minivmm_virtq_init() - set up a queue as after a device reset
 * @vq: the queue.
 * @num_max: QueueNumMax: 0 for a queue that does not exist, else a power
 *	of two no larger than MINIVMM_VIRTQ_SIZE_LIMIT.
 * @mem_barrier: memory barrier hook, or NULL.
 */
void minivmm_virtq_init(struct minivmm_virtq *vq, __u16 num_max,
			void (*mem_barrier)(enum minivmm_barrier kind));

/**
 * minivmm_virtq_reset() - back to the state after a device reset
 * @vq: the queue; @num_max and @mem_barrier are kept, @num becomes @num_max.
 */
void minivmm_virtq_reset(struct minivmm_virtq *vq);

/**
 * minivmm_virtq_enable() - QueueReady 0 -> 1: check the configuration
 * @vq: the queue, with @num and the three ring addresses set.
 *
 * The ring indexes start at 0 and any earlier error is forgotten.
 *
 * Return: 0; -EINVAL when @num is 0, not a power of two or above
 * @num_max, when a ring address is not aligned as section 2.7 requires
 * (descriptors 16, available ring 2, used ring 4 bytes), or when a ring
 * wraps around the end of the address space. The queue stays not ready.
 */
int minivmm_virtq_enable(struct minivmm_virtq *vq);

/**
 * minivmm_virtq_disable() - QueueReady 1 -> 0
 * @vq: the queue; its configuration is kept.
 */
void minivmm_virtq_disable(struct minivmm_virtq *vq);

/**
 * minivmm_virtq_pending() - how many available chains wait
 * @vq: a ready queue.
 * @gm: guest memory.
 *
 * Return: the count (0 to @num), or a negative error as for
 * minivmm_virtq_pop().
 */
int minivmm_virtq_pending(struct minivmm_virtq *vq,
			  const struct minivmm_gmem_ops *gm);

/**
 * minivmm_virtq_pop() - take the next available descriptor chain
 * @vq: a ready queue.
 * @gm: guest memory.
 * @flags: MINIVMM_VIRTQ_NO_WRITABLE and/or MINIVMM_VIRTQ_NO_READABLE.
 * @c: receives the chain; @c->seg and @c->cap set by the caller.
 *
 * Reads avail->idx, then (after a read barrier) the ring entry and the
 * descriptors, each exactly once. Every error is sticky: the queue
 * refuses to pop or push until it is enabled again (after a reset), and
 * the device is expected to set DEVICE_NEEDS_RESET.
 *
 * Return: 1 with @c filled, 0 when no chain is available, or:
 * -ENXIO queue not ready; -EFAULT a ring, descriptor or buffer outside
 * guest memory (or a buffer wrapping the address space); -EOVERFLOW
 * avail->idx ahead of the device by more than the queue size; -ERANGE a
 * descriptor index (head or next) not below the queue size; -ELOOP a
 * chain longer than the queue size (a loop); -ENODATA a zero-length
 * descriptor; -EOPNOTSUPP an indirect descriptor; -EPROTO a readable
 * descriptor after a writable one; -EACCES a descriptor of a direction
 * @flags refuse; -ENOBUFS more segments than @c->cap.
 */
int minivmm_virtq_pop(struct minivmm_virtq *vq,
		      const struct minivmm_gmem_ops *gm, unsigned int flags,
		      struct minivmm_virtq_chain *c);

/**
 * minivmm_virtq_push() - return a chain to the driver
 * @vq: a ready queue.
 * @gm: guest memory.
 * @head: the chain's head (struct minivmm_virtq_chain.head).
 * @len: bytes the device wrote into the chain's writable buffers.
 *
 * Writes the used element, then (after a write barrier) used->idx.
 *
 * Return: 0; -ENXIO queue not ready; the queue's sticky error; -ERANGE
 * @head not below the queue size; -EINVAL no chain is outstanding (more
 * pushes than pops); -EFAULT the used ring is outside guest memory.
 */
int minivmm_virtq_push(struct minivmm_virtq *vq,
		       const struct minivmm_gmem_ops *gm, __u16 head, __u32 len);

/**
 * minivmm_virtq_should_notify() - send a used buffer notification?
 * @vq: the queue, after minivmm_virtq_push().
 * @gm: guest memory.
 *
 * Without VIRTIO_RING_F_EVENT_IDX the driver may ask for no interrupts
 * with VRING_AVAIL_F_NO_INTERRUPT. A full barrier orders the used->idx
 * store before the flags load.
 *
 * Return: false only when the driver set VRING_AVAIL_F_NO_INTERRUPT.
 */
bool minivmm_virtq_should_notify(struct minivmm_virtq *vq,
				 const struct minivmm_gmem_ops *gm);

#endif /* MINIVMM_VIRTQ_H */
