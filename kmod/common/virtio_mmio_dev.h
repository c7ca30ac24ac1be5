/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-mmio version 2 register file of one device (VIRTIO 1.2
 * section 4.2.2): transport logic only. The device type plugs in through
 * struct minivmm_vmmio_dev_ops (config space, which queues exist, queue
 * notifications, reset); the kernel feeds it the guest's MMIO accesses
 * (offset from the region base, size, value). Kernel-free.
 *
 * Locking: none. The caller serialises all calls for one device.
 */
#ifndef MINIVMM_VIRTIO_MMIO_DEV_H
#define MINIVMM_VIRTIO_MMIO_DEV_H

#include "pure.h"
#include "virtq.h"
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>

/* Queue indexes a device may use: 0 .. MINIVMM_VMMIO_MAX_QUEUES - 1. */
#define MINIVMM_VMMIO_MAX_QUEUES	8
/* Bytes of MMIO space a device decodes (registers + config space). */
#define MINIVMM_VMMIO_REGION_SIZE	0x200
/* MagicValue: "virt" in little-endian. */
#define MINIVMM_VMMIO_MAGIC		0x74726976u
/* VendorID reported by minivmm devices: "MVMM" in little-endian. */
#define MINIVMM_VMMIO_VENDOR_ID		0x4d4d564du

/**
 * struct minivmm_vmmio_dev_ops - what the device type provides
 * @queue_max: QueueNumMax of queue @index given the @features the driver
 *	negotiated (FEATURES_OK) or, before that, those the device offers;
 *	0 when that queue does not exist.
 * @notify: the driver notified queue @index (a ready queue, after
 *	DRIVER_OK; notifications that come before DRIVER_OK are replayed
 *	when it is set). Returns 0 or a negative errno (for tracing).
 * @config_read: fill @len bytes of the little-endian config space image
 *	at @off (@off + @len <= MINIVMM_VMMIO_REGION_SIZE - VIRTIO_MMIO_CONFIG).
 * @config_write: the driver wrote @len bytes at config offset @off.
 * @features_ok: the driver asks for FEATURES_OK with @features, all of
 *	them offered; return false to refuse. NULL: accept.
 * @reset: the driver reset the device (Status written with 0).
 * @irq: the interrupt line is now @level (asserted when any
 *	InterruptStatus bit is set); called on every new interrupt too.
 */
struct minivmm_vmmio_dev_ops {
	__u16 (*queue_max)(void *dev, __u32 index, __u64 features);
	int (*notify)(void *dev, __u32 index);
	void (*config_read)(void *dev, __u32 off, void *buf, __u32 len);
	void (*config_write)(void *dev, __u32 off, const void *buf, __u32 len);
	bool (*features_ok)(void *dev, __u64 features);
	void (*reset)(void *dev);
	void (*irq)(void *dev, bool level);
};

/**
 * struct minivmm_vmmio - one virtio-mmio device's transport state
 * @ops: the device type.
 * @dev: first argument of every @ops call.
 * @device_id: DeviceID (virtio device type).
 * @vendor_id: VendorID.
 * @device_features: features offered; VIRTIO_F_VERSION_1 always set.
 * @driver_features: features the driver wrote (words 0 and 1).
 * @driver_features_high: the driver set a bit in a word above 1.
 * @device_features_sel: DeviceFeaturesSel.
 * @driver_features_sel: DriverFeaturesSel.
 * @queue_sel: QueueSel.
 * @shm_sel: SHMSel (no shared memory regions exist).
 * @status: device status (VIRTIO_CONFIG_S_*).
 * @int_status: InterruptStatus (VIRTIO_MMIO_INT_*).
 * @config_generation: ConfigGeneration.
 * @pending_notify: queues notified before DRIVER_OK (bit per index).
 * @mem_barrier: memory barrier hook handed to every queue.
 * @q: the queues.
 */
struct minivmm_vmmio {
	const struct minivmm_vmmio_dev_ops *ops;
	void *dev;
	__u32 device_id;
	__u32 vendor_id;
	__u64 device_features;
	__u64 driver_features;
	bool driver_features_high;
	__u32 device_features_sel;
	__u32 driver_features_sel;
	__u32 queue_sel;
	__u32 shm_sel;
	__u32 status;
	__u32 int_status;
	__u32 config_generation;
	__u32 pending_notify;
	void (*mem_barrier)(enum minivmm_barrier kind);
	struct minivmm_virtq q[MINIVMM_VMMIO_MAX_QUEUES];
};

/**
 * minivmm_vmmio_init() - a device as after power-on
 * @m: the transport state; fully initialised here.
 * @device_id: virtio device type (e.g. VIRTIO_ID_BALLOON).
 * @features: features offered; VIRTIO_F_VERSION_1 is added.
 * @ops: the device type's callbacks; must outlive @m.
 * @dev: their first argument.
 * @mem_barrier: memory barrier hook for the queues, or NULL.
 */
void minivmm_vmmio_init(struct minivmm_vmmio *m, __u32 device_id,
			__u64 features, const struct minivmm_vmmio_dev_ops *ops,
			void *dev, void (*mem_barrier)(enum minivmm_barrier kind));

/**
 * minivmm_vmmio_read() - the guest reads the MMIO region
 * @m: the device.
 * @off: offset from the region base.
 * @size: access size in bytes.
 * @val: receives the value (0 for refused accesses).
 *
 * Registers below VIRTIO_MMIO_CONFIG take only aligned 4-byte accesses;
 * config space takes naturally aligned 1, 2, 4 and 8-byte accesses.
 *
 * Return: 0; -EINVAL for a refused size or alignment; -ENOENT for an
 * offset that is no register (reads as 0).
 */
int minivmm_vmmio_read(struct minivmm_vmmio *m, __u64 off, __u32 size,
		       __u64 *val);

/**
 * minivmm_vmmio_write() - the guest writes the MMIO region
 * @m: the device.
 * @off: offset from the region base.
 * @size: access size in bytes (as for minivmm_vmmio_read()).
 * @val: the value written.
 *
 * The access is complete whatever the result, which is for tracing (an
 * MMIO dispatcher must not treat it as "no such device").
 *
 * Return: for QueueNotify of a ready queue after DRIVER_OK, what the
 * device type's @notify returned; otherwise 0 when the write took
 * effect, or why it was ignored: -EINVAL refused size, alignment or
 * value; -ENOENT no such register, queue or read-only register; -EPERM
 * not allowed in the current device status or while QueueReady is 1;
 * -EIO the device needs a reset or the driver failed it; -ENXIO
 * QueueNotify for a queue that is not ready. A queue that refuses
 * QueueReady = 1 sets DEVICE_NEEDS_RESET.
 */
int minivmm_vmmio_write(struct minivmm_vmmio *m, __u64 off, __u32 size,
			__u64 val);

/**
 * minivmm_vmmio_interrupt() - raise an interrupt
 * @m: the device.
 * @bits: VIRTIO_MMIO_INT_VRING and/or VIRTIO_MMIO_INT_CONFIG.
 *
 * Sets the InterruptStatus bits and calls the irq hook with level true.
 */
void minivmm_vmmio_interrupt(struct minivmm_vmmio *m, __u32 bits);

/**
 * minivmm_vmmio_config_changed() - the device changed its config space
 * @m: the device.
 *
 * Bumps ConfigGeneration and, once DRIVER_OK is set, sends a
 * configuration change notification.
 */
void minivmm_vmmio_config_changed(struct minivmm_vmmio *m);

/**
 * minivmm_vmmio_needs_reset() - the device hit an unrecoverable error
 * @m: the device.
 *
 * Sets DEVICE_NEEDS_RESET (queue notifications are ignored from now on)
 * and, once DRIVER_OK is set, sends a configuration change notification.
 */
void minivmm_vmmio_needs_reset(struct minivmm_vmmio *m);

/**
 * minivmm_vmmio_live() - is the device operating?
 * @m: the device.
 *
 * Return: true when DRIVER_OK is set and neither DEVICE_NEEDS_RESET nor
 * FAILED is.
 */
bool minivmm_vmmio_live(const struct minivmm_vmmio *m);

/**
 * minivmm_vmmio_features() - the features in use
 * @m: the device.
 *
 * Return: the negotiated features once FEATURES_OK is set, else 0.
 */
__u64 minivmm_vmmio_features(const struct minivmm_vmmio *m);

#endif /* MINIVMM_VIRTIO_MMIO_DEV_H */
