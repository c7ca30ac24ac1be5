// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kmod/common/virtio_mmio_dev.c: the virtio-mmio version 2
 * register file, driven like a driver would, with a small test device
 * behind it (two queues, eight bytes of config space).
 */
#include "unit.h"
#include "common/virtio_mmio_dev.h"

#define F_VERSION_1	(1ull << VIRTIO_F_VERSION_1)
#define S_ACK		VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRIVER	VIRTIO_CONFIG_S_DRIVER
#define S_FEAT		VIRTIO_CONFIG_S_FEATURES_OK
#define S_DOK		VIRTIO_CONFIG_S_DRIVER_OK
#define S_RESET		VIRTIO_CONFIG_S_NEEDS_RESET

struct tdev {
	struct minivmm_vmmio m;
	__u8 cfg[8];
	unsigned int notified[MINIVMM_VMMIO_MAX_QUEUES];
	unsigned int resets, irqs;
	bool level, refuse;
};

/* Queue 0 always exists; queue 1 only with feature bit 0. */
static __u16 t_queue_max(void *dev, __u32 index, __u64 features)
{
	(void)dev;
	if (index == 0 || (index == 1 && (features & 1)))
		return 16;
	return 0;
}

static int t_notify(void *dev, __u32 index)
{
	struct tdev *t = dev;

	t->notified[index]++;
	return 0;
}

static void t_config_read(void *dev, __u32 off, void *buf, __u32 len)
{
	struct tdev *t = dev;
	__u8 *out = buf;
	__u32 i;

	for (i = 0; i < len; i++)
		out[i] = off + i < sizeof(t->cfg) ? t->cfg[off + i] : 0;
}

static void t_config_write(void *dev, __u32 off, const void *buf, __u32 len)
{
	struct tdev *t = dev;
	const __u8 *in = buf;
	__u32 i;

	for (i = 0; i < len; i++)
		if (off + i < sizeof(t->cfg))
			t->cfg[off + i] = in[i];
}

static bool t_features_ok(void *dev, __u64 features)
{
	struct tdev *t = dev;

	(void)features;
	return !t->refuse;
}

static void t_reset(void *dev)
{
	struct tdev *t = dev;

	t->resets++;
}

static void t_irq(void *dev, bool level)
{
	struct tdev *t = dev;

	t->level = level;
	t->irqs++;
}

static const struct minivmm_vmmio_dev_ops tops = {
	.queue_max = t_queue_max,
	.notify = t_notify,
	.config_read = t_config_read,
	.config_write = t_config_write,
	.features_ok = t_features_ok,
	.reset = t_reset,
	.irq = t_irq,
};

static void tdev_init(struct tdev *t)
{
	memset(t, 0, sizeof(*t));
	minivmm_vmmio_init(&t->m, 42, 0x7, &tops, t, NULL);
}

static __u32 rd(struct tdev *t, __u64 off)
{
	__u64 v;

	minivmm_vmmio_read(&t->m, off, 4, &v);
	return (__u32)v;
}

static int wr(struct tdev *t, __u64 off, __u32 v)
{
	return minivmm_vmmio_write(&t->m, off, 4, v);
}

static void wr_features(struct tdev *t, __u64 f)
{
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, (__u32)f);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, (__u32)(f >> 32));
}

/* ACKNOWLEDGE, DRIVER, features, FEATURES_OK; returns the status. */
static __u32 negotiate(struct tdev *t, __u64 f)
{
	wr(t, VIRTIO_MMIO_STATUS, S_ACK);
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER);
	wr_features(t, f);
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_FEAT);
	return rd(t, VIRTIO_MMIO_STATUS);
}

/* Configure queue @q with aligned rings at @gpa and enable it. */
static int setup_queue(struct tdev *t, __u32 q, __u32 num, __u64 gpa)
{
	wr(t, VIRTIO_MMIO_QUEUE_SEL, q);
	if (rd(t, VIRTIO_MMIO_QUEUE_READY))
		return -EBUSY;
	wr(t, VIRTIO_MMIO_QUEUE_NUM, num);
	wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, (__u32)gpa);
	wr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, (__u32)(gpa >> 32));
	wr(t, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (__u32)(gpa + 0x1000));
	wr(t, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (__u32)((gpa + 0x1000) >> 32));
	wr(t, VIRTIO_MMIO_QUEUE_USED_LOW, (__u32)(gpa + 0x2000));
	wr(t, VIRTIO_MMIO_QUEUE_USED_HIGH, (__u32)((gpa + 0x2000) >> 32));
	return wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
}

UNIT_TEST(vmmio_identity_registers_and_access_rules)
{
	struct tdev t;
	__u64 v;

	tdev_init(&t);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_VERSION), 2);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_DEVICE_ID), 42);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_VENDOR_ID), MINIVMM_VMMIO_VENDOR_ID);
	/* Control registers: 32-bit aligned accesses only. */
	CHECK_EQ(minivmm_vmmio_read(&t.m, VIRTIO_MMIO_MAGIC_VALUE, 2, &v), -EINVAL);
	CHECK_EQ(v, 0);
	CHECK_EQ(minivmm_vmmio_read(&t.m, VIRTIO_MMIO_MAGIC_VALUE + 1, 4, &v),
		 -EINVAL);
	CHECK_EQ(minivmm_vmmio_read(&t.m, VIRTIO_MMIO_STATUS, 8, &v), -EINVAL);
	CHECK_EQ(minivmm_vmmio_write(&t.m, VIRTIO_MMIO_STATUS, 1, S_ACK), -EINVAL);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_STATUS), 0);
	/* Holes and read-only registers. */
	CHECK_EQ(minivmm_vmmio_read(&t.m, 0x018, 4, &v), -ENOENT);
	CHECK_EQ(minivmm_vmmio_write(&t.m, VIRTIO_MMIO_MAGIC_VALUE, 4, 0), -ENOENT);
	CHECK_EQ(minivmm_vmmio_write(&t.m, VIRTIO_MMIO_INTERRUPT_STATUS, 4, 1),
		 -ENOENT);
	/* Legacy-only registers do not exist in version 2. */
	CHECK_EQ(minivmm_vmmio_write(&t.m, 0x028, 4, 4096), -ENOENT);
	CHECK_EQ(minivmm_vmmio_read(&t.m, 0x040, 4, &v), -ENOENT);
	/* No shared memory regions: length -1. */
	wr(&t, VIRTIO_MMIO_SHM_SEL, 0);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffff);
	/* Outside the region. */
	CHECK_EQ(minivmm_vmmio_read(&t.m, MINIVMM_VMMIO_REGION_SIZE, 4, &v),
		 -ENOENT);
}

UNIT_TEST(vmmio_feature_windows)
{
	struct tdev t;

	tdev_init(&t);
	wr(&t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_DEVICE_FEATURES), 0x7);
	wr(&t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_DEVICE_FEATURES), 1);	/* VERSION_1 */
	wr(&t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_DEVICE_FEATURES), 0);
	/* Driver features only between DRIVER and FEATURES_OK. */
	CHECK_EQ(wr(&t, VIRTIO_MMIO_DRIVER_FEATURES, 1), -EPERM);
	wr(&t, VIRTIO_MMIO_STATUS, S_ACK);
	wr(&t, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER);
	wr_features(&t, F_VERSION_1 | 1);
	CHECK_EQ(t.m.driver_features, F_VERSION_1 | 1);
	CHECK_EQ(minivmm_vmmio_features(&t.m), 0);	/* not yet FEATURES_OK */
	wr(&t, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_FEAT);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_STATUS), S_ACK | S_DRIVER | S_FEAT);
	CHECK_EQ(minivmm_vmmio_features(&t.m), F_VERSION_1 | 1);
	wr(&t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_DRIVER_FEATURES, 3), -EPERM);
	CHECK_EQ(minivmm_vmmio_features(&t.m), F_VERSION_1 | 1);
}

UNIT_TEST(vmmio_features_ok_refused_for_bad_feature_sets)
{
	struct tdev t;

	tdev_init(&t);			/* a feature not offered (bit 3) */
	CHECK_EQ(negotiate(&t, F_VERSION_1 | 0x8) & S_FEAT, 0);
	tdev_init(&t);			/* VERSION_1 missing */
	CHECK_EQ(negotiate(&t, 0x1) & S_FEAT, 0);
	tdev_init(&t);			/* a bit in feature word 2 */
	wr(&t, VIRTIO_MMIO_STATUS, S_ACK);
	wr(&t, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER);
	wr_features(&t, F_VERSION_1);
	wr(&t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
	wr(&t, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_FEAT), -EINVAL);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_STATUS), S_ACK | S_DRIVER);
	tdev_init(&t);			/* the device type says no */
	t.refuse = true;
	CHECK_EQ(negotiate(&t, F_VERSION_1) & S_FEAT, 0);
	tdev_init(&t);
	CHECK_EQ(negotiate(&t, F_VERSION_1 | 0x7), S_ACK | S_DRIVER | S_FEAT);
}

UNIT_TEST(vmmio_status_state_machine)
{
	struct tdev t;

	tdev_init(&t);
	/* DRIVER needs ACKNOWLEDGE; DRIVER_OK needs FEATURES_OK. */
	CHECK_EQ(wr(&t, VIRTIO_MMIO_STATUS, S_DRIVER), -EINVAL);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_STATUS), 0);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_DOK), -EINVAL);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_STATUS), S_ACK | S_DRIVER);
	/* FEATURES_OK needs DRIVER (a fresh device). */
	tdev_init(&t);
	wr(&t, VIRTIO_MMIO_STATUS, S_ACK);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_STATUS, S_ACK | S_FEAT), -EINVAL);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_STATUS), S_ACK);
	/* The driver cannot clear bits, nor set DEVICE_NEEDS_RESET. */
	tdev_init(&t);
	negotiate(&t, F_VERSION_1);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_STATUS, S_ACK | S_FEAT), -EINVAL);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_STATUS), S_ACK | S_DRIVER | S_FEAT);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_FEAT | S_RESET),
		 -EINVAL);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_STATUS) & S_RESET, 0);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_STATUS, 0x10 | S_ACK | S_DRIVER | S_FEAT),
		 -EINVAL);			/* unknown bit */
	CHECK_EQ(wr(&t, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_FEAT | S_DOK), 0);
	CHECK(minivmm_vmmio_live(&t.m));
	/* FAILED is accepted and stops the device. */
	wr(&t, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_FEAT | S_DOK |
	   VIRTIO_CONFIG_S_FAILED);
	CHECK(!minivmm_vmmio_live(&t.m));
	/* Writing 0 resets. */
	CHECK_EQ(wr(&t, VIRTIO_MMIO_STATUS, 0), 0);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_STATUS), 0);
	CHECK_EQ(t.resets, 1);
	CHECK_EQ(t.m.driver_features, 0);
}

UNIT_TEST(vmmio_queue_registers)
{
	struct tdev t;

	tdev_init(&t);
	/* QueueNumMax before FEATURES_OK: from the offered features. */
	wr(&t, VIRTIO_MMIO_QUEUE_SEL, 1);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_QUEUE_NUM_MAX), 16);
	/* Queue configuration before FEATURES_OK is refused. */
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_NUM, 8), -EPERM);
	negotiate(&t, F_VERSION_1);		/* without bit 0: no queue 1 */
	CHECK_EQ(rd(&t, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	CHECK_EQ(setup_queue(&t, 1, 8, 0x10000), -ENOENT);
	wr(&t, VIRTIO_MMIO_QUEUE_SEL, 7);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	wr(&t, VIRTIO_MMIO_QUEUE_SEL, 1000);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_QUEUE_READY), 0);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_READY, 1), -ENOENT);
	wr(&t, VIRTIO_MMIO_QUEUE_SEL, 0);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_QUEUE_NUM_MAX), 16);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_NUM, 0), -EINVAL);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_NUM, 12), -EINVAL);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_NUM, 32), -EINVAL);
	CHECK_EQ(t.m.q[0].num, 16);		/* default: QueueNumMax */
	CHECK_EQ(setup_queue(&t, 0, 8, 0x123400000000ull), 0);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_QUEUE_READY), 1);
	CHECK_EQ(t.m.q[0].num, 8);
	CHECK_EQ(t.m.q[0].desc_gpa, 0x123400000000ull);
	CHECK_EQ(t.m.q[0].avail_gpa, 0x123400001000ull);
	CHECK_EQ(t.m.q[0].used_gpa, 0x123400002000ull);
	/* Ready: configuration is frozen. */
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_NUM, 4), -EPERM);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_DESC_LOW, 0), -EPERM);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_USED_HIGH, 0), -EPERM);
	CHECK_EQ(t.m.q[0].num, 8);
	CHECK_EQ(t.m.q[0].desc_gpa, 0x123400000000ull);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_READY, 2), -EINVAL);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_READY, 1), 0);	/* again: no-op */
	/* Linux's vm_del_vqs: QueueReady = 0, read back 0. */
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_READY, 0), 0);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_QUEUE_READY), 0);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_NUM, 4), 0);
}

UNIT_TEST(vmmio_bad_queue_config_needs_reset)
{
	struct tdev t;

	tdev_init(&t);
	negotiate(&t, F_VERSION_1);
	wr(&t, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_FEAT | S_DOK);
	wr(&t, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(&t, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1008);	/* not 16-aligned */
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_READY, 1), -EINVAL);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_QUEUE_READY), 0);
	CHECK(rd(&t, VIRTIO_MMIO_STATUS) & S_RESET);
	CHECK(rd(&t, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);
	CHECK(t.level);
	CHECK(!minivmm_vmmio_live(&t.m));
	/* Dead device: queue writes and notifications are ignored. */
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000), -EIO);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_NOTIFY, 0), -EIO);
	/* Reading status back with NEEDS_RESET and writing it is fine. */
	CHECK_EQ(wr(&t, VIRTIO_MMIO_STATUS, rd(&t, VIRTIO_MMIO_STATUS)), 0);
	/* A reset clears everything, the interrupt line included. */
	wr(&t, VIRTIO_MMIO_STATUS, 0);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_STATUS), 0);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	CHECK(!t.level);
	CHECK_EQ(t.m.q[0].desc_gpa, 0);
	CHECK_EQ(negotiate(&t, F_VERSION_1), S_ACK | S_DRIVER | S_FEAT);
	CHECK_EQ(setup_queue(&t, 0, 16, 0x20000), 0);
}

UNIT_TEST(vmmio_notify_before_driver_ok_is_replayed)
{
	struct tdev t;

	tdev_init(&t);
	negotiate(&t, F_VERSION_1 | 1);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_NOTIFY, 1), -ENXIO);	/* not ready */
	CHECK_EQ(setup_queue(&t, 1, 16, 0x10000), 0);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_NOTIFY, 1), 0);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_NOTIFY, 1), 0);
	CHECK_EQ(t.notified[1], 0);
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_NOTIFY, 9), -ENOENT);
	wr(&t, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_FEAT | S_DOK);
	CHECK_EQ(t.notified[1], 1);		/* replayed once */
	CHECK_EQ(wr(&t, VIRTIO_MMIO_QUEUE_NOTIFY, 1), 0);
	CHECK_EQ(t.notified[1], 2);
	CHECK_EQ(t.notified[0], 0);
}

UNIT_TEST(vmmio_interrupts_and_config_generation)
{
	struct tdev t;
	__u32 gen;

	tdev_init(&t);
	gen = rd(&t, VIRTIO_MMIO_CONFIG_GENERATION);
	minivmm_vmmio_config_changed(&t.m);	/* before DRIVER_OK: no irq */
	CHECK_EQ(rd(&t, VIRTIO_MMIO_CONFIG_GENERATION), gen + 1);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	CHECK_EQ(t.irqs, 0);
	negotiate(&t, F_VERSION_1);
	wr(&t, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_FEAT | S_DOK);
	minivmm_vmmio_config_changed(&t.m);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_CONFIG_GENERATION), gen + 2);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	CHECK(t.level);
	minivmm_vmmio_interrupt(&t.m, VIRTIO_MMIO_INT_VRING);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_INTERRUPT_STATUS), 3);
	CHECK_EQ(t.irqs, 2);
	wr(&t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	CHECK(t.level);
	wr(&t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	CHECK_EQ(rd(&t, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	CHECK(!t.level);
	CHECK_EQ(t.irqs, 3);
	wr(&t, VIRTIO_MMIO_INTERRUPT_ACK, 3);	/* nothing pending: no call */
	CHECK_EQ(t.irqs, 3);
}

UNIT_TEST(vmmio_config_space_access_sizes)
{
	struct tdev t;
	__u64 v;
	int i;

	tdev_init(&t);
	for (i = 0; i < 8; i++)
		t.cfg[i] = 0x10 + i;
	CHECK_EQ(minivmm_vmmio_read(&t.m, 0x100, 4, &v), 0);
	CHECK_EQ(v, 0x13121110);
	CHECK_EQ(minivmm_vmmio_read(&t.m, 0x101, 1, &v), 0);
	CHECK_EQ(v, 0x11);
	CHECK_EQ(minivmm_vmmio_read(&t.m, 0x106, 2, &v), 0);
	CHECK_EQ(v, 0x1716);
	CHECK_EQ(minivmm_vmmio_read(&t.m, 0x100, 8, &v), 0);
	CHECK_EQ(v, 0x1716151413121110ull);
	CHECK_EQ(minivmm_vmmio_read(&t.m, 0x108, 4, &v), 0);	/* past cfg */
	CHECK_EQ(v, 0);
	CHECK_EQ(minivmm_vmmio_read(&t.m, 0x102, 4, &v), -EINVAL);
	CHECK_EQ(minivmm_vmmio_read(&t.m, 0x100, 3, &v), -EINVAL);
	CHECK_EQ(minivmm_vmmio_read(&t.m, 0x1fc, 8, &v), -EINVAL);
	CHECK_EQ(minivmm_vmmio_write(&t.m, 0x104, 4, 0xaabbccdd), 0);
	CHECK_EQ(t.cfg[4], 0xdd);
	CHECK_EQ(t.cfg[7], 0xaa);
	CHECK_EQ(minivmm_vmmio_write(&t.m, 0x103, 1, 0x55), 0);
	CHECK_EQ(t.cfg[3], 0x55);
	CHECK_EQ(minivmm_vmmio_write(&t.m, 0x101, 2, 0), -EINVAL);
}
