// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile guest against the in-kernel virtio-balloon device: descriptor
 * indices out of range, chains that loop or run longer than the queue,
 * rings and buffers outside guest memory, PFNs outside memory, queue
 * sizes that are not powers of two, and register writes in the wrong
 * device state. The device must stop with DEVICE_NEEDS_RESET (and say why
 * in the kernel log) or ignore the request; it must not release memory
 * nobody asked for; a reset must bring it back, and the project's driver
 * must then work as on a fresh device (the VMM's RssAnon drops by what it
 * inflates).
 *
 * The guest is a register poker: it runs a command loop (GUEST_SYNC
 * SYNC_READY, the host writes g_cmd/g_arg, the guest answers with
 * SYNC_RESULT) whose commands are single MMIO accesses to the device, plus
 * the balloon driver for the last test. The host writes the rings itself:
 * they are globals of this binary, which the guest sees at the same
 * addresses (identity mapping), so every ring and PFN array is built
 * exactly as the test wants it, wrong on purpose.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/userfaultfd.h>
#include <linux/virtio_balloon.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include "kselftest_harness.h"
#include "klog.h"
#include "minivmm_util.h"
#include "balloon_host.h"
#include "balloon_guest_driver.h"


#define PAGE		MVM_PAGE_SIZE
#define MIB		(1ULL << 20)

/* Guest RAM the balloon may take: 16 MiB, nothing mapped right above it. */
#define RAM_SLOT	23
#define RAM_GPA		0xb0000000ULL
#define RAM_SIZE	(16 * MIB)
#define RAM_PAGES	(RAM_SIZE / PAGE)
#define RAM_PFN		(RAM_GPA / PAGE)
/* A read-only slot (a ROM): its frames are no balloon's. */
#define ROM_SLOT	24
#define ROM_GPA		0xb1800000ULL
#define ROM_SIZE	(1 * MIB)
#define BALLOON_MMIO	0xb2000000ULL
#define BALLOON_VECTOR	0x42
/* Guest-physical address no slot covers (below MAXPHYADDR). */
#define NO_RAM_GPA	0x4000000000ULL

#define F_VERSION_1	(1ULL << VIRTIO_F_VERSION_1)
#define S_ACK		VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRV		VIRTIO_CONFIG_S_DRIVER
#define S_FOK		VIRTIO_CONFIG_S_FEATURES_OK
#define S_DOK		VIRTIO_CONFIG_S_DRIVER_OK
#define S_ALL		(S_ACK | S_DRV | S_FOK | S_DOK)
#define S_RESET		VIRTIO_CONFIG_S_NEEDS_RESET

/* Queue size the raw tests use unless they test the size itself. */
#define QN		16
#define NQ		2	/* inflate (0) and deflate (1) */

enum { SYNC_READY = 0x100, SYNC_RESULT };

enum {
	CMD_EXIT,
	CMD_W32,	/* write32(arg0, arg1) */
	CMD_R32,	/* r0 = read32(arg0) */
	CMD_W8,		/* write8(arg0, arg1) */
	CMD_R8,		/* r0 = read8(arg0) */
	CMD_INIT,	/* balloon_init(): r0 result, r1 features */
	CMD_UPDATE,	/* balloon_update(): r0 result, r1 num_pages */
	CMD_TOUCH,	/* write and check every free page: r0 bad, r1 nfree */
};

/* ---------------------------------------------------------------------- */
/* Guest                                                                    */
/* ---------------------------------------------------------------------- */

static volatile uint64_t g_cmd, g_arg[2];

static uint32_t g_free[RAM_PAGES];
static uint32_t g_nfree;
static uint32_t g_balloon_pages[RAM_PAGES];
static struct balloon g_balloon;
static uint8_t g_dma[64 * 1024] __attribute__((aligned(4096)));

GUEST_CODE static int g_alloc_page(void *ctx, __u32 *pfn)
{
	if (!g_nfree)
		return -1;
	*pfn = g_free[--g_nfree];
	return 0;
}

GUEST_CODE static void g_free_page(void *ctx, __u32 pfn)
{
	if (pfn >= RAM_PFN && pfn < RAM_PFN + RAM_PAGES && g_nfree < RAM_PAGES)
		g_free[g_nfree++] = pfn;
}

GUEST_CODE static uint64_t page_word(uint32_t pfn)
{
	return 0x5a5a000000000000ULL ^ ((uint64_t)pfn * 0x9e3779b1ULL);
}

GUEST_CODE static uint64_t g_touch_free(void)
{
	uint64_t i, bad = 0;

	for (i = 0; i < g_nfree; i++) {
		volatile uint64_t *p = (volatile uint64_t *)((uint64_t)g_free[i] * PAGE);

		p[0] = page_word(g_free[i]);
		p[PAGE / 8 - 1] = ~page_word(g_free[i]);
	}
	for (i = 0; i < g_nfree; i++) {
		volatile uint64_t *p = (volatile uint64_t *)((uint64_t)g_free[i] * PAGE);

		bad += p[0] != page_word(g_free[i]) ||
		       p[PAGE / 8 - 1] != ~page_word(g_free[i]);
	}
	return bad;
}

GUEST_CODE static void guest_main(void)
{
	struct balloon_env env = {
		.io = BALLOON_GUEST_IO(BALLOON_MMIO),
		.alloc_page = g_alloc_page,
		.free_page = g_free_page,
	};
	volatile uint8_t *mmio = (volatile uint8_t *)BALLOON_MMIO;
	uint64_t i, cmd, res[2];
	int r;

	for (i = 0; i < RAM_PAGES; i++)
		g_free[g_nfree++] = RAM_PFN + RAM_PAGES - 1 - i;
	for (;;) {
		GUEST_SYNC(SYNC_READY);
		cmd = g_cmd;
		res[0] = res[1] = 0;
		switch (cmd) {
		case CMD_W32:
			*(volatile uint32_t *)(mmio + g_arg[0]) = (uint32_t)g_arg[1];
			break;
		case CMD_R32:
			res[0] = *(volatile uint32_t *)(mmio + g_arg[0]);
			break;
		case CMD_W8:
			mmio[g_arg[0]] = (uint8_t)g_arg[1];
			break;
		case CMD_R8:
			res[0] = mmio[g_arg[0]];
			break;
		case CMD_INIT:
			r = balloon_init(&g_balloon, &env, g_dma, balloon_dma_size(),
					 g_balloon_pages, RAM_PAGES);
			res[0] = (uint64_t)(int64_t)r;
			res[1] = g_balloon.dev.features;
			break;
		case CMD_UPDATE:
			r = balloon_update(&g_balloon);
			res[0] = (uint64_t)(int64_t)r;
			res[1] = g_balloon.num_pages;
			break;
		case CMD_TOUCH:
			res[0] = g_touch_free();
			res[1] = g_nfree;
			break;
		default:
			GUEST_DONE();
			return;
		}
		GUEST_SYNC(SYNC_RESULT, cmd, res[0], res[1]);
	}
}

/* ---------------------------------------------------------------------- */
/* Host: rings written by hand                                              */
/* ---------------------------------------------------------------------- */

/* Ring memory of queue q (vring_init() layout, 4 KiB aligned parts). */
static uint8_t g_ring_mem[NQ][4 * 4096] __attribute__((aligned(4096)));
/* PFN arrays the descriptors point at. */
static uint32_t g_pfn_buf[8][1024] __attribute__((aligned(4096)));

struct hq {
	struct vring vr;
	uint16_t num;
	uint16_t avail_idx;
};

static void hq_init(struct hq *q, unsigned int index, uint16_t num)
{
	memset(g_ring_mem[index], 0, sizeof(g_ring_mem[index]));
	vring_init(&q->vr, num, g_ring_mem[index], 4096);
	q->num = num;
	q->avail_idx = 0;
}

static void hq_desc(struct hq *q, uint16_t i, uint64_t addr, uint32_t len,
		    uint16_t flags, uint16_t next)
{
	q->vr.desc[i].addr = addr;
	q->vr.desc[i].len = len;
	q->vr.desc[i].flags = flags;
	q->vr.desc[i].next = next;
}

/* Publish @head in the next available ring entry. */
static void hq_avail(struct hq *q, uint16_t head)
{
	q->vr.avail->ring[q->avail_idx % q->num] = head;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->avail_idx++;
	q->vr.avail->idx = q->avail_idx;
}

static uint16_t hq_used_idx(struct hq *q)
{
	return *(volatile __virtio16 *)&q->vr.used->idx;
}

/* @n PFNs from @first into PFN array @buf. */
static uint32_t *pfns(unsigned int buf, uint64_t first, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		g_pfn_buf[buf][i] = (uint32_t)(first + i);
	return g_pfn_buf[buf];
}

FIXTURE(bh) {
	struct mvm_vm *vm;
	struct mvm_vcpu *vcpu;
	void *ram, *rom;
	struct hq q[NQ];
	uint64_t res[2];
};

static void log_bstats(struct __test_metadata *_metadata, const char *when,
		       const struct minivmm_balloon_status *st)
{
	TH_LOG("%s: inflated=%llu deflated=%llu balloon_pages=%llu released_bytes=%llu invalid=%llu errors=%llu needs_reset=%u",
	       when, (unsigned long long)st->inflated_pages,
	       (unsigned long long)st->deflated_pages,
	       (unsigned long long)st->balloon_pages,
	       (unsigned long long)st->released_bytes,
	       (unsigned long long)st->invalid_requests,
	       (unsigned long long)st->protocol_errors, st->needs_reset);
}

/* One guest command; its results are in self->res. */
static void guest_cmd(struct __test_metadata *_metadata, FIXTURE_DATA(bh) *self,
		      uint64_t cmd, uint64_t a0, uint64_t a1)
{
	struct ucall uc;

	g_cmd = cmd;
	g_arg[0] = a0;
	g_arg[1] = a1;
	ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(SYNC_RESULT, uc.args[0]);
	ASSERT_EQ(cmd, uc.args[1]);
	self->res[0] = uc.args[2];
	self->res[1] = uc.args[3];
	ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(SYNC_READY, uc.args[0]);
}

/* Register access by the guest (offsets from the register window). */
#define W(off, v)	guest_cmd(_metadata, self, CMD_W32, (off), (v))
#define R(off)		(guest_cmd(_metadata, self, CMD_R32, (off), 0), \
			 (uint32_t)self->res[0])

static void write_features(struct __test_metadata *_metadata,
			   FIXTURE_DATA(bh) *self, uint64_t features)
{
	W(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	W(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	W(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	W(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
}

/* Reset, ACKNOWLEDGE, DRIVER, VERSION_1 only, FEATURES_OK. */
static void negotiate(struct __test_metadata *_metadata, FIXTURE_DATA(bh) *self)
{
	W(VIRTIO_MMIO_STATUS, 0);
	ASSERT_EQ(0, R(VIRTIO_MMIO_STATUS));
	W(VIRTIO_MMIO_STATUS, S_ACK);
	W(VIRTIO_MMIO_STATUS, S_ACK | S_DRV);
	write_features(_metadata, self, F_VERSION_1);
	W(VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
	ASSERT_EQ(S_ACK | S_DRV | S_FOK, R(VIRTIO_MMIO_STATUS));
}

static void queue_addrs(struct __test_metadata *_metadata,
			FIXTURE_DATA(bh) *self, uint64_t desc, uint64_t avail,
			uint64_t used)
{
	W(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	W(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	W(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
	W(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(avail >> 32));
	W(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
	W(VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(used >> 32));
}

/*
 * Queue @index with @num entries at our ring memory, except for the
 * addresses given non-zero. Returns QueueReady after writing 1.
 */
static uint32_t setup_queue(struct __test_metadata *_metadata,
			    FIXTURE_DATA(bh) *self, unsigned int index,
			    uint16_t num, uint64_t desc, uint64_t avail,
			    uint64_t used)
{
	struct hq *q = &self->q[index];

	hq_init(q, index, num);
	W(VIRTIO_MMIO_QUEUE_SEL, index);
	EXPECT_EQ(0, R(VIRTIO_MMIO_QUEUE_READY));
	EXPECT_EQ(256, R(VIRTIO_MMIO_QUEUE_NUM_MAX));
	W(VIRTIO_MMIO_QUEUE_NUM, num);
	queue_addrs(_metadata, self,
		    desc ? desc : (uintptr_t)q->vr.desc,
		    avail ? avail : (uintptr_t)q->vr.avail,
		    used ? used : (uintptr_t)q->vr.used);
	W(VIRTIO_MMIO_QUEUE_READY, 1);
	return R(VIRTIO_MMIO_QUEUE_READY);
}

/* The whole bring-up with both queues of @num entries. */
static void bring_up(struct __test_metadata *_metadata, FIXTURE_DATA(bh) *self,
		     uint16_t num)
{
	unsigned int i;

	negotiate(_metadata, self);
	for (i = 0; i < NQ; i++)
		ASSERT_EQ(1, setup_queue(_metadata, self, i, num, 0, 0, 0));
	W(VIRTIO_MMIO_STATUS, S_ALL);
	ASSERT_EQ(S_ALL, R(VIRTIO_MMIO_STATUS));
}

static void notify(struct __test_metadata *_metadata, FIXTURE_DATA(bh) *self,
		   uint32_t index)
{
	W(VIRTIO_MMIO_QUEUE_NOTIFY, index);
}

/* Inflate (q 0) or deflate (q 1) @n PFNs from PFN array @buf, head @head. */
static void send_pfns(FIXTURE_DATA(bh) *self, unsigned int index,
		      uint16_t head, unsigned int buf, unsigned int n)
{
	hq_desc(&self->q[index], head, (uintptr_t)g_pfn_buf[buf], 4 * n, 0, 0);
	hq_avail(&self->q[index], head);
}

FIXTURE_SETUP(bh)
{
	struct minivmm_balloon_config cfg = {
		.mmio_base = BALLOON_MMIO,
		.irq_vector = BALLOON_VECTOR,
	};
	struct ucall uc;
	int r;

	self->ram = NULL;
	self->rom = NULL;
	self->vm = vm_create();
	ASSERT_NE(NULL, self->vm) TH_LOG("vm_create: %s", strerror(errno));
	ASSERT_GT(RAM_SLOT, self->vm->nr_slots);
	self->ram = mvm_map_at(RAM_GPA, RAM_SIZE);
	ASSERT_NE(NULL, self->ram) TH_LOG("mmap at 0x%llx: %s", RAM_GPA,
					  strerror(errno));
	self->rom = mvm_map_at(ROM_GPA, ROM_SIZE);
	ASSERT_NE(NULL, self->rom);
	memset(self->ram, 0x11, RAM_SIZE);
	memset(self->rom, 0x22, ROM_SIZE);
	r = vm_set_region(self->vm, RAM_SLOT, 0, RAM_GPA, RAM_SIZE, self->ram);
	ASSERT_EQ(0, r) TH_LOG("RAM slot: %s", strerror(-r));
	r = vm_set_region(self->vm, ROM_SLOT, MINIVMM_MEM_READONLY, ROM_GPA,
			  ROM_SIZE, self->rom);
	ASSERT_EQ(0, r) TH_LOG("ROM slot: %s", strerror(-r));
	ASSERT_EQ(0, ioctl(self->vm->fd, MINIVMM_CREATE_BALLOON, &cfg))
		TH_LOG("CREATE_BALLOON: %s", strerror(errno));
	self->vcpu = vm_add_vcpu(self->vm, 0, guest_main);
	ASSERT_NE(NULL, self->vcpu);
	ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(SYNC_READY, uc.args[0]);
}

FIXTURE_TEARDOWN(bh)
{
	vm_free(self->vm);
	if (self->ram)
		munmap(self->ram, RAM_SIZE);
	if (self->rom)
		munmap(self->rom, ROM_SIZE);
}

/* ---------------------------------------------------------------------- */
/* Bad chains and rings: the device stops, releases nothing, resets clean  */
/* ---------------------------------------------------------------------- */

struct bad_case {
	const char *name;
	/* Kernel log text of the stop ("balloon queue 0: <why>"). */
	const char *why;
	/* Queue 0 ring addresses (0: the good ones); QueueReady refused. */
	uint64_t desc, avail, used;
	bool ready_refused;
	/* Valid RAM frames named by the request, released before the stop. */
	unsigned int released;
	void (*make)(FIXTURE_DATA(bh) *self);
};

static void bad_head(FIXTURE_DATA(bh) *self)
{
	hq_avail(&self->q[0], QN);
}

static void bad_head_ffff(FIXTURE_DATA(bh) *self)
{
	hq_avail(&self->q[0], 0xffff);
}

static void bad_next(FIXTURE_DATA(bh) *self)
{
	pfns(0, RAM_PFN, 4);
	hq_desc(&self->q[0], 0, (uintptr_t)g_pfn_buf[0], 16, VRING_DESC_F_NEXT,
		QN + 5);
	hq_avail(&self->q[0], 0);
}

static void self_loop(FIXTURE_DATA(bh) *self)
{
	pfns(0, RAM_PFN, 4);
	hq_desc(&self->q[0], 3, (uintptr_t)g_pfn_buf[0], 16, VRING_DESC_F_NEXT, 3);
	hq_avail(&self->q[0], 3);
}

/* 0 -> 1 -> ... -> QN - 1 -> 0: every index valid, the chain endless. */
static void long_loop(FIXTURE_DATA(bh) *self)
{
	uint16_t i;

	pfns(0, RAM_PFN, 4);
	for (i = 0; i < QN; i++)
		hq_desc(&self->q[0], i, (uintptr_t)g_pfn_buf[0], 16,
			VRING_DESC_F_NEXT, (i + 1) % QN);
	hq_avail(&self->q[0], 5);
}

/* The driver claims more new buffers than the ring holds. */
static void avail_overflow(FIXTURE_DATA(bh) *self)
{
	pfns(0, RAM_PFN, 4);
	send_pfns(self, 0, 0, 0, 4);
	self->q[0].vr.avail->idx = QN + 1;
}

static void buf_outside(FIXTURE_DATA(bh) *self)
{
	hq_desc(&self->q[0], 0, NO_RAM_GPA, 16, 0, 0);
	hq_avail(&self->q[0], 0);
}

/* 64 bytes of PFNs of which the last 32 lie past the end of the slot. */
static void buf_straddles_slot_end(FIXTURE_DATA(bh) *self)
{
	uint32_t *p = (uint32_t *)(uintptr_t)(RAM_GPA + RAM_SIZE - 32);
	unsigned int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint32_t)(RAM_PFN + 100 + i);
	hq_desc(&self->q[0], 0, RAM_GPA + RAM_SIZE - 32, 64, 0, 0);
	hq_avail(&self->q[0], 0);
}

static void buf_in_mmio(FIXTURE_DATA(bh) *self)
{
	hq_desc(&self->q[0], 0, BALLOON_MMIO, 16, 0, 0);
	hq_avail(&self->q[0], 0);
}

static void buf_wraps(FIXTURE_DATA(bh) *self)
{
	hq_desc(&self->q[0], 0, 0xfffffffffffffff0ULL, 32, 0, 0);
	hq_avail(&self->q[0], 0);
}

static void buf_device_writable(FIXTURE_DATA(bh) *self)
{
	pfns(0, RAM_PFN, 4);
	hq_desc(&self->q[0], 0, (uintptr_t)g_pfn_buf[0], 16, VRING_DESC_F_WRITE, 0);
	hq_avail(&self->q[0], 0);
}

static void buf_zero_length(FIXTURE_DATA(bh) *self)
{
	hq_desc(&self->q[0], 0, (uintptr_t)g_pfn_buf[0], 0, 0, 0);
	hq_avail(&self->q[0], 0);
}

static void buf_indirect(FIXTURE_DATA(bh) *self)
{
	hq_desc(&self->q[0], 0, (uintptr_t)g_pfn_buf[0], 16,
		VRING_DESC_F_INDIRECT, 0);
	hq_avail(&self->q[0], 0);
}

static void buf_odd_length(FIXTURE_DATA(bh) *self)
{
	pfns(0, RAM_PFN, 4);
	hq_desc(&self->q[0], 0, (uintptr_t)g_pfn_buf[0], 6, 0, 0);
	hq_avail(&self->q[0], 0);
}

/*
 * A good request (4 frames not named before). When only the used ring is
 * bad, the frames are released (the guest asked for that) but the buffer
 * cannot be returned.
 */
static void good_request(FIXTURE_DATA(bh) *self)
{
	static uint32_t next = 200;

	pfns(0, RAM_PFN + next, 4);
	next += 4;
	send_pfns(self, 0, 0, 0, 4);
}

/*
 * The device logs at most 10 stops per 5 s and VM: the first 10 cases
 * name every reason once and have their log lines checked.
 */
#define LOGGED_CASES	10
#define LOOP_CASE	1

static const struct bad_case bad_cases[] = {
	{ "head index = queue size", "descriptor index out of range",
	  .make = bad_head },
	{ "descriptor chained to itself", "loops",
	  .make = self_loop },
	{ "avail idx ahead by more than the queue size", "more buffers",
	  .make = avail_overflow },
	{ "PFN array outside guest memory", "outside guest memory",
	  .make = buf_outside },
	{ "device-writable inflate buffer", "wrong direction",
	  .make = buf_device_writable },
	{ "zero-length descriptor", "zero-length",
	  .make = buf_zero_length },
	{ "indirect descriptor", "indirect",
	  .make = buf_indirect },
	{ "PFN array of 6 bytes", "bad buffer length",
	  .make = buf_odd_length },
	{ "descriptor table not 16-byte aligned", "queue configuration",
	  .desc = 1, .ready_refused = true },
	{ "used ring outside guest memory", "outside guest memory",
	  .used = NO_RAM_GPA + 0x2000, .released = 4, .make = good_request },
	/* Not logged any more (rate limit). */
	{ "head index 0xffff", "descriptor index out of range",
	  .make = bad_head_ffff },
	{ "next index out of range", "descriptor index out of range",
	  .make = bad_next },
	{ "chain through every descriptor and back", "loops",
	  .make = long_loop },
	{ "PFN array across the end of a slot", "outside guest memory",
	  .make = buf_straddles_slot_end },
	{ "PFN array in the device's MMIO window", "outside guest memory",
	  .make = buf_in_mmio },
	{ "PFN array wrapping the address space", "outside guest memory",
	  .make = buf_wraps },
	{ "descriptor table outside guest memory", "outside guest memory",
	  .desc = NO_RAM_GPA, .make = good_request },
	{ "available ring outside guest memory", "outside guest memory",
	  .avail = NO_RAM_GPA + 0x1000, .make = good_request },
	{ "used ring in a read-only slot", "outside guest memory",
	  .used = ROM_GPA, .released = 4, .make = good_request },
	{ "descriptor table wrapping the address space", "queue configuration",
	  .desc = 0xffffffffffffff80ULL, .ready_refused = true },
};

/* The kernel said why the device stopped (shown in the TAP output). */
static void check_logged(struct __test_metadata *_metadata, const char *mark,
			 const char *why)
{
	char line[256] = "";
	bool found = klog_line_since(mark, why, line, sizeof(line));

	EXPECT_TRUE(found) TH_LOG("no kernel log line with \"%s\"", why);
	if (found)
		TH_LOG("kernel: %s", line);
}

/*
 * One bad case on a fresh device; it leaves the device reset. @logged:
 * the kernel log must explain the stop.
 */
static void run_bad_case(struct __test_metadata *_metadata,
			 FIXTURE_DATA(bh) *self, const struct bad_case *c,
			 bool logged)
{
	struct minivmm_balloon_status before, after;
	uint64_t resident = mvm_resident_pages(self->ram, RAM_SIZE);
	char mark[64];
	unsigned int i;

	TH_LOG("case: %s", c->name);
	ASSERT_EQ(0, klog_mark(mark, sizeof(mark)));
	ASSERT_EQ(0, vm_balloon_status(self->vm, &before));
	ASSERT_EQ(0, before.needs_reset);
	negotiate(_metadata, self);
	/* Queue 1 first: nothing is configured once queue 0 is refused. */
	for (i = NQ; i-- > 0;) {
		uint32_t ready = setup_queue(_metadata, self, i, QN,
					     i ? 0 : c->desc, i ? 0 : c->avail,
					     i ? 0 : c->used);

		ASSERT_EQ(i == 0 && c->ready_refused ? 0 : 1, ready);
	}
	W(VIRTIO_MMIO_STATUS, S_ALL);
	if (c->ready_refused) {
		/* The device stopped at QueueReady: no DRIVER_OK now. */
		EXPECT_EQ(S_ACK | S_DRV | S_FOK | S_RESET, R(VIRTIO_MMIO_STATUS));
	} else {
		ASSERT_EQ(S_ALL, R(VIRTIO_MMIO_STATUS));
		W(VIRTIO_MMIO_INTERRUPT_ACK, 3);
		c->make(self);
		notify(_metadata, self, 0);
		EXPECT_EQ(S_ALL | S_RESET, R(VIRTIO_MMIO_STATUS));
		/* DEVICE_NEEDS_RESET comes with a configuration interrupt. */
		EXPECT_EQ(VIRTIO_MMIO_INT_CONFIG,
			  R(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);
	}
	EXPECT_EQ(0, hq_used_idx(&self->q[0]));
	ASSERT_EQ(0, vm_balloon_status(self->vm, &after));
	log_bstats(_metadata, c->name, &after);
	EXPECT_EQ(1, after.needs_reset);
	EXPECT_EQ(before.protocol_errors + 1, after.protocol_errors);
	EXPECT_EQ(before.inflated_pages + c->released, after.inflated_pages);
	EXPECT_EQ(before.released_bytes + c->released * PAGE, after.released_bytes);
	EXPECT_EQ(before.invalid_requests, after.invalid_requests);
	EXPECT_EQ(before.inflate_requests, after.inflate_requests);
	EXPECT_EQ(resident - c->released, mvm_resident_pages(self->ram, RAM_SIZE));

	/* A stopped device ignores every further notification. */
	pfns(1, RAM_PFN + 300, 4);
	send_pfns(self, 1, 0, 1, 4);
	notify(_metadata, self, 1);
	notify(_metadata, self, 0);
	EXPECT_EQ(0, hq_used_idx(&self->q[1]));
	ASSERT_EQ(0, vm_balloon_status(self->vm, &after));
	EXPECT_EQ(before.protocol_errors + 1, after.protocol_errors);
	EXPECT_EQ(before.inflated_pages + c->released, after.inflated_pages);
	EXPECT_EQ(before.deflated_pages, after.deflated_pages);

	/* Reset: status 0, DEVICE_NEEDS_RESET gone, interrupt cleared. */
	W(VIRTIO_MMIO_STATUS, 0);
	EXPECT_EQ(0, R(VIRTIO_MMIO_STATUS));
	EXPECT_EQ(0, R(VIRTIO_MMIO_INTERRUPT_STATUS));
	W(VIRTIO_MMIO_QUEUE_SEL, 0);
	EXPECT_EQ(0, R(VIRTIO_MMIO_QUEUE_READY));
	ASSERT_EQ(0, vm_balloon_status(self->vm, &after));
	EXPECT_EQ(0, after.needs_reset);
	EXPECT_EQ(0, after.balloon_pages);	/* a reset forgets the balloon */
	if (logged)
		check_logged(_metadata, mark, c->why);
}

TEST_F(bh, bad_chains_and_rings_stop_the_device)
{
	const unsigned int n = sizeof(bad_cases) / sizeof(bad_cases[0]);
	struct minivmm_balloon_status st;
	unsigned int i, released = 0;

	for (i = 0; i < n && _metadata->passed; i++) {
		run_bad_case(_metadata, self, &bad_cases[i], i < LOGGED_CASES);
		released += bad_cases[i].released;
	}
	/* After all of that the device works as new. */
	bring_up(_metadata, self, QN);
	pfns(3, RAM_PFN + 400, 64);
	send_pfns(self, 0, 7, 3, 64);
	notify(_metadata, self, 0);
	EXPECT_EQ(1, hq_used_idx(&self->q[0]));
	EXPECT_EQ(7, self->q[0].vr.used->ring[0].id);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "after the bad cases, 64 good frames", &st);
	EXPECT_EQ(0, st.needs_reset);
	EXPECT_EQ(64, st.balloon_pages);
	EXPECT_EQ(n, st.protocol_errors);
	EXPECT_EQ(RAM_PAGES - 64 - released, mvm_resident_pages(self->ram, RAM_SIZE));
	EXPECT_EQ(0, mvm_resident_pages((char *)self->ram + 400 * PAGE, 64 * PAGE));
}

/* ---------------------------------------------------------------------- */
/* PFNs outside guest RAM: refused one by one, the request completes       */
/* ---------------------------------------------------------------------- */

TEST_F(bh, bad_pfns_are_refused_not_fatal)
{
	struct minivmm_balloon_status before, st;
	uint32_t *p = g_pfn_buf[0];
	unsigned int n = 0, good = 0, i;
	uint64_t rom_before;

	bring_up(_metadata, self, QN);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &before));
	rom_before = mvm_resident_pages(self->rom, ROM_SIZE);
	for (i = 0; i < 4; i++, good++)
		p[n++] = (uint32_t)(RAM_PFN + 10 + i);
	p[n++] = 0xffffffffu;				/* far beyond memory */
	p[n++] = (uint32_t)(NO_RAM_GPA / PAGE);		/* no slot there */
	p[n++] = (uint32_t)(RAM_PFN + RAM_PAGES);	/* just past the slot */
	p[n++] = (uint32_t)(BALLOON_MMIO / PAGE);	/* the device itself */
	p[n++] = (uint32_t)(ROM_GPA / PAGE);		/* read-only slot */
	p[n++] = (uint32_t)(RAM_PFN + 10);		/* inflated twice */
	p[n++] = (uint32_t)(RAM_PFN + 20);
	good++;
	send_pfns(self, 0, 2, 0, n);
	notify(_metadata, self, 0);
	EXPECT_EQ(1, hq_used_idx(&self->q[0]));
	EXPECT_EQ(S_ALL, R(VIRTIO_MMIO_STATUS));
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "inflate with 6 bad PFNs", &st);
	EXPECT_EQ(0, st.needs_reset);
	EXPECT_EQ(before.protocol_errors, st.protocol_errors);
	EXPECT_EQ(before.inflate_requests + 1, st.inflate_requests);
	EXPECT_EQ(good, st.inflated_pages - before.inflated_pages);
	EXPECT_EQ(n - good, st.invalid_requests - before.invalid_requests);
	EXPECT_EQ(good * PAGE, st.released_bytes - before.released_bytes);
	EXPECT_EQ(RAM_PAGES - good, mvm_resident_pages(self->ram, RAM_SIZE));
	/* The ROM keeps its memory and its contents. */
	EXPECT_EQ(rom_before, mvm_resident_pages(self->rom, ROM_SIZE));
	EXPECT_EQ(0x22, ((volatile uint8_t *)self->rom)[0]);

	/* Deflate: one inflated frame, one never inflated, one far out. */
	p = g_pfn_buf[1];
	p[0] = (uint32_t)(RAM_PFN + 10);
	p[1] = (uint32_t)(RAM_PFN + 30);
	p[2] = 0xfffffff0u;
	send_pfns(self, 1, 4, 1, 3);
	notify(_metadata, self, 1);
	EXPECT_EQ(1, hq_used_idx(&self->q[1]));
	ASSERT_EQ(0, vm_balloon_status(self->vm, &before));
	log_bstats(_metadata, "deflate with 2 bad PFNs", &before);
	EXPECT_EQ(0, before.needs_reset);
	EXPECT_EQ(1, before.deflated_pages);
	EXPECT_EQ(st.invalid_requests + 2, before.invalid_requests);
	EXPECT_EQ(good - 1, before.balloon_pages);
}

/* ---------------------------------------------------------------------- */
/* Queue sizes: only powers of two up to QueueNumMax are taken              */
/* ---------------------------------------------------------------------- */

TEST_F(bh, queue_size_must_be_power_of_two)
{
	static const uint32_t bad[] = { 0, 3, 100, 255, 512, 0x10000 };
	struct minivmm_balloon_status st;
	struct hq *q = &self->q[0];
	unsigned int i;

	negotiate(_metadata, self);
	W(VIRTIO_MMIO_QUEUE_SEL, 0);
	EXPECT_EQ(256, R(VIRTIO_MMIO_QUEUE_NUM_MAX));
	hq_init(q, 0, 4);
	W(VIRTIO_MMIO_QUEUE_NUM, 4);
	/* Refused sizes leave the queue at 4 entries. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		W(VIRTIO_MMIO_QUEUE_NUM, bad[i]);
	queue_addrs(_metadata, self, (uintptr_t)q->vr.desc,
		    (uintptr_t)q->vr.avail, (uintptr_t)q->vr.used);
	W(VIRTIO_MMIO_QUEUE_READY, 1);
	EXPECT_EQ(1, R(VIRTIO_MMIO_QUEUE_READY));
	/* Nor may the size change once the queue is ready. */
	W(VIRTIO_MMIO_QUEUE_NUM, 8);
	W(VIRTIO_MMIO_QUEUE_SEL, 1);
	ASSERT_EQ(1, setup_queue(_metadata, self, 1, QN, 0, 0, 0));
	W(VIRTIO_MMIO_STATUS, S_ALL);
	ASSERT_EQ(S_ALL, R(VIRTIO_MMIO_STATUS));
	/*
	 * Six requests, one frame each: with 4 entries the fifth and sixth
	 * are in ring entries 0 and 1 again. Entries past 3 (avail's
	 * used_event word and beyond) hold heads no size > 4 would accept.
	 */
	q->vr.avail->ring[4] = 0xffff;
	q->vr.avail->ring[5] = 0xffff;
	for (i = 0; i < 6; i++) {
		pfns(i, RAM_PFN + 500 + i, 1);
		send_pfns(self, 0, (uint16_t)(i % 4), i, 1);
		notify(_metadata, self, 0);
		EXPECT_EQ(i + 1, hq_used_idx(q));
		EXPECT_EQ(i % 4, q->vr.used->ring[i % 4].id);
	}
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "6 requests on a 4-entry queue", &st);
	EXPECT_EQ(0, st.needs_reset);
	EXPECT_EQ(0, st.protocol_errors);
	EXPECT_EQ(6, st.inflate_requests);
	EXPECT_EQ(6, st.balloon_pages);
	EXPECT_EQ(6 * PAGE, st.released_bytes);
}

/* ---------------------------------------------------------------------- */
/* Register writes in the wrong device state are ignored                    */
/* ---------------------------------------------------------------------- */

TEST_F(bh, writes_in_wrong_state_are_ignored)
{
	struct minivmm_balloon_status st;
	struct hq *q = &self->q[0];
	uint32_t gen;

	W(VIRTIO_MMIO_STATUS, 0);
	/* Features, queues and DRIVER_OK before their time. */
	write_features(_metadata, self, F_VERSION_1);
	W(VIRTIO_MMIO_QUEUE_SEL, 0);
	hq_init(q, 0, QN);
	W(VIRTIO_MMIO_QUEUE_NUM, QN);
	W(VIRTIO_MMIO_QUEUE_READY, 1);
	EXPECT_EQ(0, R(VIRTIO_MMIO_QUEUE_READY));
	W(VIRTIO_MMIO_STATUS, S_DOK);
	EXPECT_EQ(0, R(VIRTIO_MMIO_STATUS));
	W(VIRTIO_MMIO_STATUS, S_ACK | S_FOK);
	EXPECT_EQ(S_ACK, R(VIRTIO_MMIO_STATUS));
	/* The driver may not set DEVICE_NEEDS_RESET, nor clear bits. */
	W(VIRTIO_MMIO_STATUS, S_ACK | S_RESET);
	EXPECT_EQ(S_ACK, R(VIRTIO_MMIO_STATUS));
	W(VIRTIO_MMIO_STATUS, S_ACK | S_DRV);
	W(VIRTIO_MMIO_STATUS, S_DRV);
	EXPECT_EQ(S_ACK | S_DRV, R(VIRTIO_MMIO_STATUS));
	/* Features never offered: without VERSION_1, PAGE_POISON, bit 40, bit 70. */
	write_features(_metadata, self, 0);
	W(VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
	EXPECT_EQ(S_ACK | S_DRV, R(VIRTIO_MMIO_STATUS));
	write_features(_metadata, self,
		       F_VERSION_1 | (1ULL << VIRTIO_BALLOON_F_PAGE_POISON));
	W(VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
	EXPECT_EQ(S_ACK | S_DRV, R(VIRTIO_MMIO_STATUS));
	write_features(_metadata, self, F_VERSION_1 | (1ULL << 40));
	W(VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
	EXPECT_EQ(S_ACK | S_DRV, R(VIRTIO_MMIO_STATUS));
	write_features(_metadata, self, F_VERSION_1);
	W(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
	W(VIRTIO_MMIO_DRIVER_FEATURES, 0x40);
	W(VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
	EXPECT_EQ(S_ACK | S_DRV, R(VIRTIO_MMIO_STATUS));
	/* A clean negotiation works; features are frozen after FEATURES_OK. */
	negotiate(_metadata, self);
	write_features(_metadata, self, 0);
	W(VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
	EXPECT_EQ(S_ACK | S_DRV | S_FOK, R(VIRTIO_MMIO_STATUS));
	/* Queue 2 (stats) does not exist without STATS_VQ. */
	W(VIRTIO_MMIO_QUEUE_SEL, 2);
	EXPECT_EQ(0, R(VIRTIO_MMIO_QUEUE_NUM_MAX));
	W(VIRTIO_MMIO_QUEUE_READY, 1);
	EXPECT_EQ(0, R(VIRTIO_MMIO_QUEUE_READY));
	ASSERT_EQ(1, setup_queue(_metadata, self, 0, QN, 0, 0, 0));
	/* Ring addresses are frozen while the queue is ready. */
	queue_addrs(_metadata, self, NO_RAM_GPA, NO_RAM_GPA, NO_RAM_GPA);
	/* Notifications: of a queue not ready, of no queue, before DRIVER_OK. */
	pfns(0, RAM_PFN + 600, 8);
	send_pfns(self, 0, 1, 0, 8);
	notify(_metadata, self, 1);
	notify(_metadata, self, 7);
	notify(_metadata, self, 0xffffffffu);
	notify(_metadata, self, 0);
	EXPECT_EQ(0, hq_used_idx(q));
	ASSERT_EQ(1, setup_queue(_metadata, self, 1, QN, 0, 0, 0));
	/* DRIVER_OK serves what was notified before it (as Linux expects). */
	W(VIRTIO_MMIO_STATUS, S_ALL);
	EXPECT_EQ(S_ALL, R(VIRTIO_MMIO_STATUS));
	EXPECT_EQ(1, hq_used_idx(q));
	/* Register accesses of the wrong size or alignment. */
	guest_cmd(_metadata, self, CMD_W8, VIRTIO_MMIO_STATUS, 0);
	EXPECT_EQ(S_ALL, R(VIRTIO_MMIO_STATUS));
	guest_cmd(_metadata, self, CMD_R8, VIRTIO_MMIO_MAGIC_VALUE, 0);
	EXPECT_EQ(0, self->res[0]);
	W(VIRTIO_MMIO_STATUS + 2, 0);
	EXPECT_EQ(S_ALL, R(VIRTIO_MMIO_STATUS));
	/* Read-only registers and config fields. */
	W(VIRTIO_MMIO_MAGIC_VALUE, 0);
	EXPECT_EQ(0x74726976, R(VIRTIO_MMIO_MAGIC_VALUE));
	W(VIRTIO_MMIO_DEVICE_ID, 1);
	EXPECT_EQ(VIRTIO_ID_BALLOON, R(VIRTIO_MMIO_DEVICE_ID));
	ASSERT_EQ(0, vm_balloon_target(self->vm, 77));
	gen = R(VIRTIO_MMIO_CONFIG_GENERATION);
	W(VIRTIO_MMIO_CONFIG + offsetof(struct virtio_balloon_config, num_pages), 5);
	EXPECT_EQ(77, R(VIRTIO_MMIO_CONFIG +
			offsetof(struct virtio_balloon_config, num_pages)));
	EXPECT_EQ(gen, R(VIRTIO_MMIO_CONFIG_GENERATION));
	W(VIRTIO_MMIO_CONFIG + offsetof(struct virtio_balloon_config, actual), 8);
	W(0x1fc, 0xdead);	/* past the config space, inside the window */
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "after the wrong-state writes", &st);
	EXPECT_EQ(8, st.actual_pages);
	EXPECT_EQ(77, st.target_pages);
	/* Nothing of this was a protocol error; one request was served. */
	EXPECT_EQ(0, st.needs_reset);
	EXPECT_EQ(0, st.protocol_errors);
	EXPECT_EQ(1, st.inflate_requests);
	EXPECT_EQ(8, st.balloon_pages);
	EXPECT_EQ(8 * PAGE, st.released_bytes);
	/* The queue still runs at its first addresses. */
	pfns(1, RAM_PFN + 610, 2);
	send_pfns(self, 0, 2, 1, 2);
	notify(_metadata, self, 0);
	EXPECT_EQ(2, hq_used_idx(q));
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	EXPECT_EQ(10, st.balloon_pages);
	/* FAILED stops the device until a reset. */
	W(VIRTIO_MMIO_STATUS, S_ALL | VIRTIO_CONFIG_S_FAILED);
	pfns(2, RAM_PFN + 620, 2);
	send_pfns(self, 0, 3, 2, 2);
	notify(_metadata, self, 0);
	EXPECT_EQ(2, hq_used_idx(q));
	W(VIRTIO_MMIO_STATUS, 0);
	EXPECT_EQ(0, R(VIRTIO_MMIO_STATUS));
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	EXPECT_EQ(0, st.balloon_pages);
	EXPECT_EQ(0, st.protocol_errors);
	EXPECT_EQ(0, st.actual_pages);
	EXPECT_EQ(10 * PAGE, st.released_bytes);
}

/* ---------------------------------------------------------------------- */
/* After a stop and a reset the project's driver works as on a new device  */
/* ---------------------------------------------------------------------- */

#define DRV_TARGET	1024	/* 4 MiB */

TEST_F(bh, driver_reinit_after_stop)
{
	struct minivmm_balloon_status st;
	uint64_t rss0, rss1, rss2, res0;

	/* Stop the device with a loop first. */
	run_bad_case(_metadata, self, &bad_cases[LOOP_CASE], true);
	rss0 = mvm_proc_kb("/proc/self/status", "RssAnon");
	res0 = mvm_resident_pages(self->ram, RAM_SIZE);
	ASSERT_NE(~0ULL, rss0);
	ASSERT_EQ(0, vm_balloon_target(self->vm, DRV_TARGET));
	guest_cmd(_metadata, self, CMD_INIT, 0, 0);
	TH_LOG("driver: balloon_init %lld, features 0x%llx",
	       (long long)self->res[0], (unsigned long long)self->res[1]);
	ASSERT_EQ(0, self->res[0]);
	guest_cmd(_metadata, self, CMD_UPDATE, 0, 0);
	ASSERT_EQ(0, self->res[0]);
	ASSERT_EQ(DRV_TARGET, self->res[1]);
	rss1 = mvm_proc_kb("/proc/self/status", "RssAnon");
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "driver inflated 4 MiB", &st);
	TH_LOG("RssAnon %llu -> %llu kB, RAM slot resident %llu -> %llu pages",
	       (unsigned long long)rss0, (unsigned long long)rss1,
	       (unsigned long long)res0,
	       (unsigned long long)mvm_resident_pages(self->ram, RAM_SIZE));
	EXPECT_EQ(DRV_TARGET, st.actual_pages);
	EXPECT_EQ(DRV_TARGET, st.balloon_pages);
	EXPECT_EQ(0, st.needs_reset);
	EXPECT_EQ(DRV_TARGET * PAGE, st.released_bytes);
	/* 4096 kB left the VMM; allow 10% for the rest of the process. */
	EXPECT_LE(rss1 + 4096 * 9 / 10, rss0);
	EXPECT_GE(rss1 + 4096 * 11 / 10, rss0);
	EXPECT_EQ(res0 - DRV_TARGET, mvm_resident_pages(self->ram, RAM_SIZE));
	/* Give it all back: the guest can use every page again. */
	ASSERT_EQ(0, vm_balloon_target(self->vm, 0));
	guest_cmd(_metadata, self, CMD_UPDATE, 0, 0);
	ASSERT_EQ(0, self->res[0]);
	ASSERT_EQ(0, self->res[1]);
	guest_cmd(_metadata, self, CMD_TOUCH, 0, 0);
	EXPECT_EQ(0, self->res[0]);
	EXPECT_EQ(RAM_PAGES, self->res[1]);
	rss2 = mvm_proc_kb("/proc/self/status", "RssAnon");
	TH_LOG("after deflating and touching: RssAnon %llu kB",
	       (unsigned long long)rss2);
	EXPECT_GE(rss2 + 4096 / 10, rss0);
	EXPECT_EQ(RAM_PAGES, mvm_resident_pages(self->ram, RAM_SIZE));
	g_cmd = CMD_EXIT;
	ASSERT_DONE(self->vcpu);
}

/* ---------------------------------------------------------------------- */
/* A slot change waits for the device's access through its old address     */
/* ---------------------------------------------------------------------- */

/* One page for queue 0's used ring, in its own slot, userfaultfd-armed. */
#define UFD_SLOT	25
#define UFD_GPA		0xb1a00000ULL

struct blocked_run {
	struct mvm_vcpu *vcpu;
	struct ucall uc;
	uint64_t cmd;		/* ucall of the guest after its QueueNotify */
	int r;
};

static void *notify_thread(void *arg)
{
	struct blocked_run *b = arg;

	b->r = vcpu_run(b->vcpu);
	b->cmd = b->r ? UCALL_NONE : get_ucall(b->vcpu, &b->uc);
	return NULL;
}

struct slot_delete {
	struct mvm_vm *vm;
	volatile int done;
	int r;
};

static void *delete_thread(void *arg)
{
	struct slot_delete *d = arg;

	d->r = vm_set_region(d->vm, UFD_SLOT, 0, UFD_GPA, 0, NULL);
	__atomic_store_n(&d->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * The device writes the used ring through the slot's userspace address;
 * that page faults to userfaultfd, so the write sleeps in the kernel. A
 * SET_MEMORY_REGION deleting the slot meanwhile must not return before
 * the write is done: once it returns the VMM may map anything there, and
 * the device's write would land in it. Before SRCU the delete returned at
 * once.
 */
TEST_F(bh, slot_delete_waits_for_device_access)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_zeropage zp = { .mode = 0 };
	struct slot_delete del = { .vm = self->vm };
	struct blocked_run b = { .vcpu = self->vcpu };
	struct pollfd pfd = { .events = POLLIN };
	struct uffd_msg msg;
	pthread_t tn, td;
	void *ufd_page;
	int uffd, waited_ms;

	ufd_page = mvm_map_at(UFD_GPA, PAGE);
	ASSERT_NE(NULL, ufd_page);
	ASSERT_EQ(0, vm_set_region(self->vm, UFD_SLOT, 0, UFD_GPA, PAGE, ufd_page));
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	ASSERT_LE(0, uffd) TH_LOG("userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	reg.range.start = (uintptr_t)ufd_page;
	reg.range.len = PAGE;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg)) TH_LOG("UFFDIO_REGISTER: %s",
								 strerror(errno));

	negotiate(_metadata, self);
	ASSERT_EQ(1, setup_queue(_metadata, self, 0, QN, 0, 0, UFD_GPA));
	ASSERT_EQ(1, setup_queue(_metadata, self, 1, QN, 0, 0, 0));
	W(VIRTIO_MMIO_STATUS, S_ALL);
	pfns(0, RAM_PFN + 5, 1);
	send_pfns(self, 0, 0, 0, 1);

	/* The guest's QueueNotify: the device's used-ring write sleeps. */
	g_cmd = CMD_W32;
	g_arg[0] = VIRTIO_MMIO_QUEUE_NOTIFY;
	g_arg[1] = 0;
	ASSERT_EQ(0, pthread_create(&tn, NULL, notify_thread, &b));
	pfd.fd = uffd;
	ASSERT_EQ(1, poll(&pfd, 1, 60000)) TH_LOG("no userfault from the device");
	ASSERT_EQ(sizeof(msg), read(uffd, &msg, sizeof(msg)));
	ASSERT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);
	TH_LOG("device blocked on 0x%llx (flags 0x%llx)",
	       (unsigned long long)msg.arg.pagefault.address,
	       (unsigned long long)msg.arg.pagefault.flags);
	EXPECT_EQ((uintptr_t)ufd_page, msg.arg.pagefault.address & ~(PAGE - 1));

	ASSERT_EQ(0, pthread_create(&td, NULL, delete_thread, &del));
	for (waited_ms = 0; waited_ms < 500 && !__atomic_load_n(&del.done, __ATOMIC_SEQ_CST);
	     waited_ms += 10)
		usleep(10000);
	TH_LOG("slot delete %s after %d ms with the device's access in flight",
	       del.done ? "returned" : "still waits", waited_ms);
	EXPECT_EQ(0, del.done);

	/* The fault resolved, the access finishes and the delete returns. */
	zp.range.start = (uintptr_t)ufd_page;
	zp.range.len = PAGE;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_ZEROPAGE, &zp)) TH_LOG("UFFDIO_ZEROPAGE: %s",
								strerror(errno));
	ASSERT_EQ(0, pthread_join(td, NULL));
	ASSERT_EQ(0, pthread_join(tn, NULL));
	EXPECT_EQ(0, del.r);
	ASSERT_EQ(0, b.r);
	ASSERT_EQ(UCALL_SYNC, b.cmd);
	EXPECT_EQ(SYNC_RESULT, b.uc.args[0]);
	close(uffd);
	munmap(ufd_page, PAGE);
}

TEST_HARNESS_MAIN
