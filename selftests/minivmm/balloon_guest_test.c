// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel virtio-balloon device driven by the project's guest driver
 * (balloon-driver/): target changes while the guest inflates, statistics
 * at the configured interval, config-change interrupts, device reset and
 * re-initialisation, DEFLATE_ON_OOM, free page reporting, and ballooning
 * of pages the host had swapped out.
 *
 * The guest owns a 16 MiB RAM slot (slot BALLOON_SLOT at BALLOON_GPA,
 * anonymous memory of this process, no THP) and hands its pages out with a
 * free-stack allocator. It runs a small command loop: it stops at
 * GUEST_SYNC(SYNC_READY), the host writes a command into g_cmd/g_arg
 * (globals of this binary, shared with the guest) and resumes it; the
 * guest answers with GUEST_SYNC(SYNC_RESULT, cmd, r0..r3). Long commands
 * stop at GUEST_SYNC(SYNC_TICK) every few polls so the host can watch the
 * clock and end them (g_stop), and at GUEST_SYNC(SYNC_HOOK) when the
 * balloon crosses a size the host asked about (target changes in the
 * middle of an inflation).
 *
 * balloon_swapped needs swap (selftests/testhost/setup-swap.sh).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "minivmm_util.h"
#include "balloon_host.h"

/* The guest driver (libballoon_guest.a, see balloon_guest_driver.h);
 * this test has hooks of its own (g_relax reports progress to the host).
 */
#include "balloon.h"
#include "virtio_mmio_guest.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif

#define PAGE		MVM_PAGE_SIZE
#define MIB		(1ULL << 20)
#define MS		1000000ULL	/* ns */

#define BALLOON_SLOT	23
#define BALLOON_GPA	0xb0000000ULL
#define BALLOON_SIZE	(16 * MIB)
#define NPAGES		(BALLOON_SIZE / PAGE)
#define BASE_PFN	(BALLOON_GPA / PAGE)
#define BALLOON_MMIO	0xb2000000ULL
#define BALLOON_VECTOR	0x41
/* MINIVMM_INTERRUPT's vector in the interrupt tests: above the balloon's. */
#define USER_VECTOR	0x52

/* What each statistic tag carries in the stats buffer number @seq. */
#define BG_STAT_VAL(tag, seq)	(((uint64_t)(tag) + 1) * 1000000ULL + (seq))

enum { SYNC_READY = 0x100, SYNC_RESULT, SYNC_HOOK, SYNC_TICK };

enum {
	CMD_EXIT,
	CMD_INIT,	/* balloon_init(): r, features */
	CMD_UPDATE,	/* balloon_update(): r, num_pages, nfree, target */
	CMD_POLL,	/* balloon_poll() until g_stop: r, polls, num_pages, stats_sent */
	CMD_TOUCH,	/* write and check every free page (gen arg0): bad */
	CMD_OOM,	/* allocate all, then OOM-deflate arg0: held, n, num_pages, got */
	CMD_FREE_HELD,	/* free what CMD_OOM holds: nfree */
	CMD_REINIT,	/* balloon_reinit(): r, num_pages, nfree */
	CMD_SHUTDOWN,	/* balloon_shutdown(): r, num_pages, nfree, status */
	CMD_REPORT,	/* balloon_report(g_ranges, arg0): r, reports */
	CMD_RANGE,	/* pages [arg0, +arg1): arg2 0 zero check, 1 write, 2 check */
	CMD_RESERVE,	/* take the arg0 highest pages out of the allocator */
	CMD_IRQ_WAIT,	/* spin until arg0 config irqs or arg1 spins: cfg, vring, all, isr */
	CMD_STI,
	CMD_CLI,
	CMD_REGS,	/* Status, InterruptStatus */
	CMD_CR8,	/* MOV arg0 to CR8 (the TPR) */
};

/* ---------------------------------------------------------------------- */
/* Guest                                                                    */
/* ---------------------------------------------------------------------- */

static uint32_t g_free[NPAGES];
static uint32_t g_nfree;
static uint32_t g_held[NPAGES];
static uint32_t g_nheld;
static uint32_t g_balloon_pages[NPAGES];
static struct balloon g_balloon;
static uint8_t g_dma[64 * 1024] __attribute__((aligned(4096)));

/* Written by the host while the guest waits at SYNC_READY or SYNC_TICK. */
static volatile uint64_t g_cmd, g_arg[3];
static volatile uint32_t g_stop;
static struct balloon_range g_ranges[BALLOON_MAX_REPORT];
static volatile uint32_t g_nhooks, g_hook_k;
static volatile uint32_t g_hook_pages[8], g_hook_up[8];

/* Written by the guest. */
static volatile uint64_t g_stats_seq;
static volatile uint64_t g_irq_all, g_irq_cfg, g_irq_vring;
static volatile uint64_t g_irq_isr, g_irq_isr_after;
/* Vectors in the order the guest took them, one byte each, first lowest. */
static volatile uint64_t g_irq_order, g_irq_user;

GUEST_CODE static __u32 g_read32(void *ctx, __u32 off)
{
	return *(volatile __u32 *)((uintptr_t)ctx + off);
}

GUEST_CODE static void g_write32(void *ctx, __u32 off, __u32 val)
{
	*(volatile __u32 *)((uintptr_t)ctx + off) = val;
}

GUEST_CODE static __u64 g_virt_to_phys(void *ctx, const void *p)
{
	return (uintptr_t)p;	/* identity mapping */
}

GUEST_CODE static void g_barrier(void *ctx, enum vmg_barrier kind)
{
	asm volatile("mfence" ::: "memory");
}

/* Between polls: report hook crossings to the host. */
GUEST_CODE static void g_relax(void *ctx)
{
	uint32_t k = g_hook_k, n;

	asm volatile("pause" ::: "memory");
	if (k >= g_nhooks)
		return;
	n = g_balloon.num_pages;
	if (g_hook_up[k] ? n >= g_hook_pages[k] : n <= g_hook_pages[k]) {
		g_hook_k = k + 1;
		GUEST_SYNC(SYNC_HOOK, n, k);
	}
}

GUEST_CODE static int g_alloc_page(void *ctx, __u32 *pfn)
{
	if (!g_nfree)
		return -1;
	*pfn = g_free[--g_nfree];
	return 0;
}

GUEST_CODE static void g_free_page(void *ctx, __u32 pfn)
{
	if (pfn >= BASE_PFN && pfn < BASE_PFN + NPAGES && g_nfree < NPAGES)
		g_free[g_nfree++] = pfn;
}

/* Every tag 0 .. MINIVMM_BALLOON_NR_STATS - 1, new values each time. */
GUEST_CODE static unsigned int g_fill_stats(void *ctx, struct balloon_stat *st,
					    unsigned int max)
{
	uint64_t seq = g_stats_seq + 1;
	unsigned int i, n = MINIVMM_BALLOON_NR_STATS;

	if (n > max)
		n = max;
	for (i = 0; i < n; i++) {
		st[i].tag = (__u16)i;
		st[i].val = BG_STAT_VAL(i, seq);
	}
	g_stats_seq = seq;
	return n;
}

GUEST_CODE static void irq_taken(uint8_t vector)
{
	unsigned int i;

	for (i = 0; i < 8 && ((g_irq_order >> (8 * i)) & 0xff); i++)
		;
	if (i < 8)
		g_irq_order |= (uint64_t)vector << (8 * i);
}

GUEST_CODE static void guest_user_irq(struct ex_regs *regs)
{
	g_irq_user++;
	irq_taken(USER_VECTOR);
}

GUEST_CODE static void guest_balloon_irq(struct ex_regs *regs)
{
	uint32_t isr = g_read32((void *)BALLOON_MMIO, VIRTIO_MMIO_INTERRUPT_STATUS);

	irq_taken(BALLOON_VECTOR);
	g_irq_all++;
	if (isr & VIRTIO_MMIO_INT_CONFIG)
		g_irq_cfg++;
	if (isr & VIRTIO_MMIO_INT_VRING)
		g_irq_vring++;
	g_irq_isr = isr;
	if (isr)
		g_write32((void *)BALLOON_MMIO, VIRTIO_MMIO_INTERRUPT_ACK, isr);
	g_irq_isr_after = g_read32((void *)BALLOON_MMIO,
				   VIRTIO_MMIO_INTERRUPT_STATUS);
}

GUEST_CODE static uint64_t page_word(uint32_t pfn, uint64_t gen)
{
	return (gen << 40) ^ ((uint64_t)pfn * 0x9e3779b1ULL);
}

/* Write every free page (first and last word), read them all back. */
GUEST_CODE static uint64_t g_touch_free(uint64_t gen)
{
	uint64_t i, bad = 0;

	for (i = 0; i < g_nfree; i++) {
		volatile uint64_t *p = (volatile uint64_t *)((uint64_t)g_free[i] * PAGE);

		p[0] = page_word(g_free[i], gen);
		p[PAGE / 8 - 1] = ~page_word(g_free[i], gen);
	}
	for (i = 0; i < g_nfree; i++) {
		volatile uint64_t *p = (volatile uint64_t *)((uint64_t)g_free[i] * PAGE);

		if (p[0] != page_word(g_free[i], gen) ||
		    p[PAGE / 8 - 1] != ~page_word(g_free[i], gen))
			bad++;
	}
	return bad;
}

/* Pages [pfn, pfn + n): 0 count non-zero words, 1 write, 2 count bad. */
GUEST_CODE static uint64_t g_range(uint64_t pfn, uint64_t n, uint64_t mode)
{
	uint64_t i, w, bad = 0;

	for (i = pfn; i < pfn + n; i++) {
		volatile uint64_t *p = (volatile uint64_t *)(i * PAGE);

		if (mode == 0) {
			for (w = 0; w < PAGE / 8; w++)
				bad += p[w] != 0;
		} else if (mode == 1) {
			p[0] = page_word(i, 7);
			p[PAGE / 8 - 1] = ~page_word(i, 7);
		} else {
			bad += p[0] != page_word(i, 7) ||
			       p[PAGE / 8 - 1] != ~page_word(i, 7);
		}
	}
	return bad;
}

GUEST_CODE static void g_poll(uint64_t *res)
{
	uint64_t polls = 0;
	int r = 0, first_err = 0;

	while (!g_stop) {
		r = balloon_poll(&g_balloon);
		if (r < 0 && !first_err)
			first_err = r;
		if (r == -VMG_EIO)
			break;
		if (!(++polls % 64))
			GUEST_SYNC(SYNC_TICK, polls, g_balloon.num_pages);
		asm volatile("pause" ::: "memory");
	}
	res[0] = (uint64_t)(int64_t)first_err;
	res[1] = polls;
	res[2] = g_balloon.num_pages;
	res[3] = g_balloon.stats_sent;
}

/* Allocate everything, then ask the balloon for @want pages back. */
GUEST_CODE static void g_oom(uint64_t want, uint64_t *res)
{
	__u32 pfn, n;
	uint64_t got = 0;

	while (!g_alloc_page(NULL, &pfn)) {
		*(volatile uint64_t *)((uint64_t)pfn * PAGE) = page_word(pfn, 9);
		g_held[g_nheld++] = pfn;
	}
	res[0] = g_nheld;
	n = balloon_oom_deflate(&g_balloon, (__u32)want);
	/* The allocator has exactly the deflated pages now. */
	while (!g_alloc_page(NULL, &pfn)) {
		*(volatile uint64_t *)((uint64_t)pfn * PAGE) = page_word(pfn, 9);
		g_held[g_nheld++] = pfn;
		got++;
	}
	res[1] = n;
	res[2] = g_balloon.num_pages;
	res[3] = got;
}

GUEST_CODE static void guest_main(void)
{
	struct balloon_env env = {
		.io = {
			.read32 = g_read32,
			.write32 = g_write32,
			.virt_to_phys = g_virt_to_phys,
			.barrier = g_barrier,
			.relax = g_relax,
			.ctx = (void *)(uintptr_t)BALLOON_MMIO,
		},
		.alloc_page = g_alloc_page,
		.free_page = g_free_page,
		.fill_stats = g_fill_stats,
	};
	uint64_t i, cmd, res[4];
	int r;

	g_nfree = 0;
	for (i = 0; i < NPAGES; i++)
		g_free[g_nfree++] = BASE_PFN + NPAGES - 1 - i;
	for (;;) {
		GUEST_SYNC(SYNC_READY);
		cmd = g_cmd;
		res[0] = res[1] = res[2] = res[3] = 0;
		switch (cmd) {
		case CMD_INIT:
			GUEST_ASSERT(balloon_dma_size() <= sizeof(g_dma));
			r = balloon_init(&g_balloon, &env, g_dma, balloon_dma_size(),
					 g_balloon_pages, NPAGES);
			res[0] = (uint64_t)(int64_t)r;
			res[1] = g_balloon.dev.features;
			break;
		case CMD_UPDATE:
			r = balloon_update(&g_balloon);
			res[0] = (uint64_t)(int64_t)r;
			res[1] = g_balloon.num_pages;
			res[2] = g_nfree;
			res[3] = balloon_target(&g_balloon);
			break;
		case CMD_POLL:
			g_poll(res);
			break;
		case CMD_TOUCH:
			res[0] = g_touch_free(g_arg[0]);
			res[1] = g_nfree;
			break;
		case CMD_OOM:
			g_oom(g_arg[0], res);
			break;
		case CMD_FREE_HELD:
			while (g_nheld)
				g_free_page(NULL, g_held[--g_nheld]);
			res[0] = g_nfree;
			break;
		case CMD_REINIT:
			r = balloon_reinit(&g_balloon);
			res[0] = (uint64_t)(int64_t)r;
			res[1] = g_balloon.num_pages;
			res[2] = g_nfree;
			break;
		case CMD_SHUTDOWN:
			r = balloon_shutdown(&g_balloon);
			res[0] = (uint64_t)(int64_t)r;
			res[1] = g_balloon.num_pages;
			res[2] = g_nfree;
			res[3] = g_read32((void *)BALLOON_MMIO, VIRTIO_MMIO_STATUS);
			break;
		case CMD_REPORT:
			r = balloon_report(&g_balloon, g_ranges, (unsigned int)g_arg[0]);
			res[0] = (uint64_t)(int64_t)r;
			res[1] = g_balloon.reports;
			break;
		case CMD_RANGE:
			res[0] = g_range(g_arg[0], g_arg[1], g_arg[2]);
			break;
		case CMD_RESERVE:
			/* g_free[0 .. n - 1] hold the highest frames. */
			GUEST_ASSERT(g_nfree == NPAGES && g_arg[0] < NPAGES);
			for (i = 0; i + g_arg[0] < NPAGES; i++)
				g_free[i] = g_free[i + g_arg[0]];
			g_nfree = NPAGES - g_arg[0];
			res[0] = g_nfree;
			break;
		case CMD_IRQ_WAIT:
			for (i = 0; g_irq_cfg < g_arg[0] && i < g_arg[1]; i++)
				asm volatile("pause" ::: "memory");
			res[0] = g_irq_cfg;
			res[1] = g_irq_vring;
			res[2] = g_irq_all;
			res[3] = g_irq_isr | (g_irq_isr_after << 32);
			break;
		case CMD_STI:
			guest_sti_nop();
			break;
		case CMD_CLI:
			guest_cli();
			break;
		case CMD_CR8:
			asm volatile("mov %0, %%cr8" : : "r"((uint64_t)g_arg[0]) : "memory");
			break;
		case CMD_REGS:
			res[0] = g_read32((void *)BALLOON_MMIO, VIRTIO_MMIO_STATUS);
			res[1] = g_read32((void *)BALLOON_MMIO,
					  VIRTIO_MMIO_INTERRUPT_STATUS);
			break;
		default:
			GUEST_DONE();
			return;
		}
		GUEST_SYNC(SYNC_RESULT, cmd, res[0], res[1], res[2], res[3]);
	}
}

/* ---------------------------------------------------------------------- */
/* Host                                                                     */
/* ---------------------------------------------------------------------- */

FIXTURE(bg) {
	struct mvm_vm *vm;
	struct mvm_vcpu *vcpu;
	void *mem;
	uint64_t res[4];
	/* SYNC_HOOK k sets the target to hook_target[k]. */
	uint32_t hook_target[8];
	/* SYNC_TICK: stop when the deadline passed or tick() says so. */
	uint64_t deadline_ns;
	bool (*tick)(FIXTURE_DATA(bg) *self);
	uint64_t ticks;
	pthread_t thread;
	volatile int thread_done;
};

static int create_balloon(struct mvm_vm *vm, uint32_t target, uint32_t stats_ms)
{
	struct minivmm_balloon_config cfg = {
		.mmio_base = BALLOON_MMIO,
		.irq_vector = BALLOON_VECTOR,
		.initial_target_pages = target,
		.stats_interval_ms = stats_ms,
	};

	return ioctl(vm->fd, MINIVMM_CREATE_BALLOON, &cfg) ? -errno : 0;
}

static int set_interval(struct mvm_vm *vm, uint32_t ms, uint32_t flags,
			uint64_t reserved1)
{
	struct minivmm_balloon_interval iv = {
		.interval_ms = ms, .flags = flags, .reserved = { 0, reserved1 },
	};

	return ioctl(vm->fd, MINIVMM_SET_BALLOON_STATS_INTERVAL, &iv) ? -errno : 0;
}

static int paging_stats(struct mvm_vm *vm, struct minivmm_paging_stats *ps)
{
	memset(ps, 0xa5, sizeof(*ps));
	return ioctl(vm->fd, MINIVMM_GET_PAGING_STATS, ps) ? -errno : 0;
}

static void log_bstats(struct __test_metadata *_metadata, const char *when,
		       const struct minivmm_balloon_status *st)
{
	TH_LOG("%s: target=%u actual=%u balloon_pages=%llu inflated=%llu deflated=%llu reported=%llu released_bytes=%llu",
	       when, st->target_pages, st->actual_pages,
	       (unsigned long long)st->balloon_pages,
	       (unsigned long long)st->inflated_pages,
	       (unsigned long long)st->deflated_pages,
	       (unsigned long long)st->reported_pages,
	       (unsigned long long)st->released_bytes);
	TH_LOG("%s: inflate_req=%llu deflate_req=%llu invalid=%llu errors=%llu needs_reset=%u stats_updates=%llu",
	       when, (unsigned long long)st->inflate_requests,
	       (unsigned long long)st->deflate_requests,
	       (unsigned long long)st->invalid_requests,
	       (unsigned long long)st->protocol_errors, st->needs_reset,
	       (unsigned long long)st->stats_updates);
}

static const char *cmd_name(uint64_t cmd)
{
	static const char *const n[] = {
		"EXIT", "INIT", "UPDATE", "POLL", "TOUCH", "OOM", "FREE_HELD",
		"REINIT", "SHUTDOWN", "REPORT", "RANGE", "RESERVE", "IRQ_WAIT",
		"STI", "CLI", "REGS",
	};

	return cmd < sizeof(n) / sizeof(n[0]) ? n[cmd] : "?";
}

/*
 * Run one guest command; the guest stops at SYNC_READY again afterwards.
 * The results are in self->res.
 */
static void guest_cmd(struct __test_metadata *_metadata, FIXTURE_DATA(bg) *self,
		      uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct ucall uc;

	g_cmd = cmd;
	g_arg[0] = a0;
	g_arg[1] = a1;
	g_arg[2] = a2;
	g_stop = 0;
	for (;;) {
		ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
		if (uc.args[0] == SYNC_TICK) {
			self->ticks++;
			if ((self->deadline_ns && mvm_now_ns() >= self->deadline_ns) ||
			    (self->tick && self->tick(self)))
				g_stop = 1;
			continue;
		}
		if (uc.args[0] == SYNC_HOOK) {
			ASSERT_GT(8, uc.args[2]);
			TH_LOG("hook %llu: balloon at %llu pages, target -> %u",
			       (unsigned long long)uc.args[2],
			       (unsigned long long)uc.args[1],
			       self->hook_target[uc.args[2]]);
			ASSERT_EQ(0, vm_balloon_target(self->vm, self->hook_target[uc.args[2]]));
			continue;
		}
		ASSERT_EQ(SYNC_RESULT, uc.args[0]);
		ASSERT_EQ(cmd, uc.args[1]) TH_LOG("result of %s, want %s",
						  cmd_name(uc.args[1]), cmd_name(cmd));
		memcpy(self->res, &uc.args[2], sizeof(self->res));
		break;
	}
	ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(SYNC_READY, uc.args[0]);
	self->deadline_ns = 0;
	self->tick = NULL;
}

#define CMD(c, a0, a1, a2) guest_cmd(_metadata, self, c, a0, a1, a2)

/* CMD_EXIT: the guest returns. */
static void guest_exit(struct __test_metadata *_metadata, FIXTURE_DATA(bg) *self)
{
	g_cmd = CMD_EXIT;
	ASSERT_DONE(self->vcpu);
}

/* CMD_POLL for @ms milliseconds of host time. */
static void guest_poll_ms(struct __test_metadata *_metadata,
			  FIXTURE_DATA(bg) *self, uint64_t ms)
{
	self->deadline_ns = mvm_now_ns() + ms * MS;
	guest_cmd(_metadata, self, CMD_POLL, 0, 0, 0);
	ASSERT_EQ(0, self->res[0]) TH_LOG("balloon_poll() failed: %lld",
					  (long long)self->res[0]);
}

/* balloon_update(): it must end at @want pages without error. */
static void guest_update2(struct __test_metadata *_metadata,
			  FIXTURE_DATA(bg) *self, uint32_t want,
			  uint32_t target)
{
	guest_cmd(_metadata, self, CMD_UPDATE, 0, 0, 0);
	TH_LOG("guest: balloon_update %lld, num_pages %llu, free %llu, target %llu",
	       (long long)self->res[0], (unsigned long long)self->res[1],
	       (unsigned long long)self->res[2], (unsigned long long)self->res[3]);
	ASSERT_EQ(0, self->res[0]);
	ASSERT_EQ(want, self->res[1]);
	ASSERT_EQ(target, self->res[3]);
}

#define guest_update(m, s, want) guest_update2(m, s, want, want)

static void guest_init(struct __test_metadata *_metadata, FIXTURE_DATA(bg) *self)
{
	guest_cmd(_metadata, self, CMD_INIT, 0, 0, 0);
	TH_LOG("guest: balloon_init %lld, features 0x%llx",
	       (long long)self->res[0], (unsigned long long)self->res[1]);
	ASSERT_EQ(0, self->res[0]);
	ASSERT_EQ(MINIVMM_BALLOON_FEATURES_SUPPORTED, self->res[1]);
}

FIXTURE_SETUP(bg)
{
	struct ucall uc;
	int r;

	self->mem = NULL;
	self->deadline_ns = 0;
	self->tick = NULL;
	self->ticks = 0;
	self->thread_done = 0;
	self->vm = vm_create();
	ASSERT_NE(NULL, self->vm) TH_LOG("vm_create: %s", strerror(errno));
	ASSERT_GT(BALLOON_SLOT, self->vm->nr_slots);
	ASSERT_FALSE(vm_is_guest_mem(self->vm, (void *)(uintptr_t)BALLOON_GPA,
				     BALLOON_SIZE));
	self->mem = mvm_map_at(BALLOON_GPA, BALLOON_SIZE);
	ASSERT_NE(NULL, self->mem) TH_LOG("mmap at 0x%llx: %s",
					  BALLOON_GPA, strerror(errno));
	r = vm_set_region(self->vm, BALLOON_SLOT, 0, BALLOON_GPA, BALLOON_SIZE,
			  self->mem);
	ASSERT_EQ(0, r) TH_LOG("SET_MEMORY_REGION: %s", strerror(-r));
	self->vcpu = vm_add_vcpu(self->vm, 0, guest_main);
	ASSERT_NE(NULL, self->vcpu);
	vm_install_handler(self->vm, BALLOON_VECTOR, guest_balloon_irq);
	vm_install_handler(self->vm, USER_VECTOR, guest_user_irq);
	g_irq_order = 0;
	g_irq_user = 0;
	ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(SYNC_READY, uc.args[0]);
}

FIXTURE_TEARDOWN(bg)
{
	vm_free(self->vm);
	if (self->mem)
		munmap(self->mem, BALLOON_SIZE);
}

/* ---------------------------------------------------------------------- */
/* Target changes while the guest inflates                                  */
/* ---------------------------------------------------------------------- */

#define FINAL_TARGET	1500

/* Second thread: move the target around while the guest polls. */
static void *target_mover(void *arg)
{
	FIXTURE_DATA(bg) *self = arg;
	static const uint32_t seq[] = { 3000, 200, 3500, 1000, 2600, 0, 2200,
					 700, 3900, FINAL_TARGET };
	unsigned int i;

	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		if (vm_balloon_target(self->vm, seq[i]))
			break;
		usleep(20000 + 7000 * (i % 3));
	}
	self->thread_done = 1;
	return NULL;
}

static bool mover_finished(FIXTURE_DATA(bg) *self)
{
	struct minivmm_balloon_status st;

	if (!self->thread_done || vm_balloon_status(self->vm, &st))
		return false;
	return st.target_pages == FINAL_TARGET && st.actual_pages == FINAL_TARGET;
}

TEST_F_TIMEOUT(bg, target_changes_while_inflating, 120)
{
	struct minivmm_balloon_status st;
	uint64_t res;

	ASSERT_EQ(0, create_balloon(self->vm, 0, 0));
	guest_init(_metadata, self);
	CMD(CMD_TOUCH, 1, 0, 0);
	ASSERT_EQ(0, self->res[0]);

	/* Between ucalls, in the middle of balloon_update(). */
	g_hook_pages[0] = 512;	g_hook_up[0] = 1; self->hook_target[0] = 3072;
	g_hook_pages[1] = 2560;	g_hook_up[1] = 1; self->hook_target[1] = 1024;
	g_hook_pages[2] = 1536;	g_hook_up[2] = 0; self->hook_target[2] = 2304;
	g_hook_k = 0;
	g_nhooks = 3;
	ASSERT_EQ(0, vm_balloon_target(self->vm, 2048));
	guest_update(_metadata, self, 2304);
	ASSERT_EQ(3, g_hook_k) TH_LOG("only %u of 3 hooks reached", g_hook_k);
	g_nhooks = 0;
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "after hooks", &st);
	EXPECT_EQ(2304, st.target_pages);
	EXPECT_EQ(2304, st.actual_pages);
	EXPECT_EQ(2304, st.balloon_pages);
	EXPECT_EQ(st.inflated_pages - st.deflated_pages, st.balloon_pages);
	/* It went past 2048 (raised), down to 1536 (lowered), up again. */
	EXPECT_LE(2560 + 2304 - 1536, st.inflated_pages);
	EXPECT_LE(2560 - 1536, st.deflated_pages);
	EXPECT_EQ(0, st.invalid_requests);
	EXPECT_EQ(0, st.protocol_errors);
	EXPECT_EQ(0, st.needs_reset);
	CMD(CMD_TOUCH, 2, 0, 0);
	EXPECT_EQ(0, self->res[0]);
	res = mvm_resident_pages(self->mem, BALLOON_SIZE);
	TH_LOG("resident after touching the free pages: %llu (want %llu)",
	       (unsigned long long)res, (unsigned long long)(NPAGES - 2304));
	EXPECT_EQ(NPAGES - 2304, res);

	/* From a second thread while the guest polls. */
	ASSERT_EQ(0, pthread_create(&self->thread, NULL, target_mover, self));
	self->tick = mover_finished;
	self->deadline_ns = mvm_now_ns() + 60000 * MS;
	CMD(CMD_POLL, 0, 0, 0);
	pthread_join(self->thread, NULL);
	TH_LOG("guest polled %llu times (%llu ticks), num_pages %llu",
	       (unsigned long long)self->res[1], (unsigned long long)self->ticks,
	       (unsigned long long)self->res[2]);
	ASSERT_EQ(0, self->res[0]);
	ASSERT_EQ(FINAL_TARGET, self->res[2]) TH_LOG("the guest did not end at the last target");
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "after the mover", &st);
	EXPECT_EQ(FINAL_TARGET, st.target_pages);
	EXPECT_EQ(FINAL_TARGET, st.actual_pages);
	EXPECT_EQ(FINAL_TARGET, st.balloon_pages);
	EXPECT_EQ(st.inflated_pages - st.deflated_pages, st.balloon_pages);
	EXPECT_EQ(0, st.invalid_requests);
	EXPECT_EQ(0, st.protocol_errors);
	EXPECT_EQ(0, st.needs_reset);
	CMD(CMD_TOUCH, 3, 0, 0);
	EXPECT_EQ(0, self->res[0]);
	EXPECT_EQ(NPAGES - FINAL_TARGET, self->res[1]);
	EXPECT_EQ(NPAGES - FINAL_TARGET, mvm_resident_pages(self->mem, BALLOON_SIZE));
	guest_exit(_metadata, self);
}

/* ---------------------------------------------------------------------- */
/* Statistics interval                                                      */
/* ---------------------------------------------------------------------- */

/* Poll for @ms; return the stats updates counted and the window in ms. */
static uint64_t stats_window(struct __test_metadata *_metadata,
			     FIXTURE_DATA(bg) *self, uint64_t ms,
			     uint64_t *window_ms)
{
	struct minivmm_balloon_status st;
	uint64_t c0, t0;

	EXPECT_EQ(0, vm_balloon_status(self->vm, &st));
	c0 = st.stats_updates;
	t0 = mvm_now_ns();
	guest_poll_ms(_metadata, self, ms);
	EXPECT_EQ(0, vm_balloon_status(self->vm, &st));
	*window_ms = (mvm_now_ns() - t0) / MS;
	return st.stats_updates - c0;
}

/* Updates in a window of @win ms at @iv ms: sane bounds. */
static void check_rate(struct __test_metadata *_metadata, const char *what,
		       uint64_t n, uint64_t win, uint64_t iv)
{
	uint64_t want = win / iv;

	TH_LOG("%s: %llu stats updates in %llu ms at %llu ms (%llu expected)",
	       what, (unsigned long long)n, (unsigned long long)win,
	       (unsigned long long)iv, (unsigned long long)want);
	EXPECT_LE(want * 6 / 10, n);
	EXPECT_GE(want + 2, n);
}

TEST_F_TIMEOUT(bg, stats_interval, 180)
{
	struct minivmm_balloon_status st;
	struct minivmm_paging_stats ps;
	uint64_t n, win, t0, seq;
	unsigned int i;

	ASSERT_EQ(-ENODEV, set_interval(self->vm, 200, 0, 0));
	ASSERT_EQ(0, create_balloon(self->vm, 0, 0));
	EXPECT_EQ(-EINVAL, set_interval(self->vm, 1, 0, 0));
	EXPECT_EQ(-EINVAL, set_interval(self->vm, 99, 0, 0));
	EXPECT_EQ(-EINVAL, set_interval(self->vm, 200, 1, 0));
	EXPECT_EQ(-EINVAL, set_interval(self->vm, 200, 0, 1));
	guest_init(_metadata, self);

	/* Interval 0 from the start: only the buffer of balloon_init(). */
	n = stats_window(_metadata, self, 500, &win);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	TH_LOG("interval 0: %llu updates in %llu ms, %llu in all",
	       (unsigned long long)n, (unsigned long long)win,
	       (unsigned long long)st.stats_updates);
	EXPECT_EQ(0, n);
	EXPECT_EQ(1, st.stats_updates);

	ASSERT_EQ(0, set_interval(self->vm, 200, 0, 0));
	n = stats_window(_metadata, self, 1200, &win);
	check_rate(_metadata, "interval 200", n, win, 200);

	/* Stop: one request may be on its way; then nothing. */
	ASSERT_EQ(0, set_interval(self->vm, 0, 0, 0));
	n = stats_window(_metadata, self, 400, &win);
	EXPECT_GE(1, n);
	n = stats_window(_metadata, self, 800, &win);
	TH_LOG("interval 0 again: %llu updates in %llu ms",
	       (unsigned long long)n, (unsigned long long)win);
	EXPECT_EQ(0, n);

	/* Restart, faster. */
	t0 = mvm_now_ns();
	ASSERT_EQ(0, set_interval(self->vm, 150, 0, 0));
	n = stats_window(_metadata, self, 900, &win);
	check_rate(_metadata, "interval 150", n, win, 150);

	/* The last values of every tag, with a timestamp. */
	seq = g_stats_seq;
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	TH_LOG("last buffer %llu: stats_valid 0x%x, timestamp %llu ns (window from %llu, now %llu)",
	       (unsigned long long)seq, st.stats_valid,
	       (unsigned long long)st.stats_timestamp_ns,
	       (unsigned long long)t0, (unsigned long long)mvm_now_ns());
	EXPECT_EQ((1u << MINIVMM_BALLOON_NR_STATS) - 1, st.stats_valid);
	for (i = 0; i < MINIVMM_BALLOON_NR_STATS; i++)
		EXPECT_EQ(BG_STAT_VAL(i, seq), st.stats[i]) TH_LOG("tag %u", i);
	EXPECT_LE(t0, st.stats_timestamp_ns);
	EXPECT_GE(mvm_now_ns(), st.stats_timestamp_ns);
	EXPECT_EQ(seq, st.stats_updates);

	/* The guest's own swap figures reach the paging statistics. */
	ASSERT_EQ(0, paging_stats(self->vm, &ps));
	TH_LOG("paging: guest_swap_in %llu guest_swap_out %llu valid 0x%x",
	       (unsigned long long)ps.guest_swap_in,
	       (unsigned long long)ps.guest_swap_out, ps.guest_stats_valid);
	/* The statistics carry bytes; the paging statistics count pages. */
	EXPECT_EQ(BG_STAT_VAL(VIRTIO_BALLOON_S_SWAP_IN, seq) / PAGE,
		  ps.guest_swap_in);
	EXPECT_EQ(BG_STAT_VAL(VIRTIO_BALLOON_S_SWAP_OUT, seq) / PAGE,
		  ps.guest_swap_out);
	EXPECT_EQ(3, ps.guest_stats_valid);
	guest_exit(_metadata, self);
}

/* ---------------------------------------------------------------------- */
/* Interrupts                                                               */
/* ---------------------------------------------------------------------- */

#define IRQ_SPINS	2000000

TEST_F(bg, config_change_interrupt)
{
	struct minivmm_balloon_status st;
	uint64_t cfg = 0, vring;
	unsigned int i;

	ASSERT_EQ(0, create_balloon(self->vm, 0, 0));
	guest_init(_metadata, self);
	CMD(CMD_STI, 0, 0, 0);
	CMD(CMD_IRQ_WAIT, 0, 0, 0);
	TH_LOG("before any target change: cfg %llu vring %llu all %llu",
	       (unsigned long long)self->res[0], (unsigned long long)self->res[1],
	       (unsigned long long)self->res[2]);
	ASSERT_EQ(0, self->res[0]);

	for (i = 1; i <= 3; i++) {
		ASSERT_EQ(0, vm_balloon_target(self->vm, 256 * i));
		CMD(CMD_IRQ_WAIT, cfg + 1, IRQ_SPINS, 0);
		TH_LOG("target %u: cfg irqs %llu, vring %llu, all %llu, isr 0x%llx, after ack 0x%llx",
		       256 * i, (unsigned long long)self->res[0],
		       (unsigned long long)self->res[1],
		       (unsigned long long)self->res[2],
		       (unsigned long long)(self->res[3] & 0xffffffff),
		       (unsigned long long)(self->res[3] >> 32));
		ASSERT_EQ(cfg + 1, self->res[0]);
		EXPECT_TRUE(self->res[3] & VIRTIO_MMIO_INT_CONFIG);
		EXPECT_EQ(0, self->res[3] >> 32);
		cfg = self->res[0];
		vring = self->res[1];
		/* Inflating with interrupts on: used-buffer interrupts. */
		guest_update(_metadata, self, 256 * i);
		CMD(CMD_IRQ_WAIT, 0, 0, 0);
		TH_LOG("after inflating: cfg %llu vring %llu",
		       (unsigned long long)self->res[0],
		       (unsigned long long)self->res[1]);
		EXPECT_EQ(cfg, self->res[0]);
		EXPECT_LT(vring, self->res[1]);
	}

	/* Masked: pending, InterruptStatus bit 1 set, delivered on STI. */
	CMD(CMD_CLI, 0, 0, 0);
	ASSERT_EQ(0, vm_balloon_target(self->vm, 100));
	CMD(CMD_IRQ_WAIT, cfg + 1, 100000, 0);
	EXPECT_EQ(cfg, self->res[0]) TH_LOG("delivered with IF=0");
	CMD(CMD_REGS, 0, 0, 0);
	TH_LOG("masked: Status 0x%llx InterruptStatus 0x%llx",
	       (unsigned long long)self->res[0], (unsigned long long)self->res[1]);
	EXPECT_TRUE(self->res[1] & VIRTIO_MMIO_INT_CONFIG);
	CMD(CMD_STI, 0, 0, 0);
	CMD(CMD_IRQ_WAIT, cfg + 1, IRQ_SPINS, 0);
	EXPECT_EQ(cfg + 1, self->res[0]);
	EXPECT_EQ(0, self->res[3] >> 32);
	CMD(CMD_REGS, 0, 0, 0);
	EXPECT_EQ(0, self->res[1]) TH_LOG("InterruptStatus not acknowledged");
	guest_update(_metadata, self, 100);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "end", &st);
	EXPECT_EQ(100, st.actual_pages);
	EXPECT_EQ(0, st.needs_reset);
	guest_exit(_metadata, self);
}

/*
 * A device interrupt and MINIVMM_INTERRUPT's wait apart: with IF=0, the
 * balloon's config interrupt is pending when userspace queues its own.
 * Before, both shared one slot: MINIVMM_INTERRUPT got -EBUSY (or the
 * device's interrupt was dropped, the other way round). Both must arrive,
 * the higher vector first.
 */
TEST_F(bg, device_and_userspace_interrupts_both_delivered)
{
	ASSERT_EQ(0, create_balloon(self->vm, 0, 0));
	guest_init(_metadata, self);
	CMD(CMD_CLI, 0, 0, 0);
	ASSERT_EQ(0, vm_balloon_target(self->vm, 64));
	ASSERT_EQ(0, vcpu_interrupt(self->vcpu, USER_VECTOR))
		TH_LOG("MINIVMM_INTERRUPT with a device interrupt pending failed");
	/* The slot of MINIVMM_INTERRUPT is full now. */
	EXPECT_EQ(-EBUSY, vcpu_interrupt(self->vcpu, USER_VECTOR + 1));
	CMD(CMD_IRQ_WAIT, 1, 100000, 0);
	EXPECT_EQ(0, self->res[2]) TH_LOG("delivered with IF=0");
	EXPECT_EQ(0, g_irq_user);
	CMD(CMD_STI, 0, 0, 0);
	CMD(CMD_IRQ_WAIT, 1, IRQ_SPINS, 0);
	TH_LOG("taken: order 0x%llx, user %llu, cfg %llu",
	       (unsigned long long)g_irq_order, (unsigned long long)g_irq_user,
	       (unsigned long long)self->res[0]);
	EXPECT_EQ(1, self->res[0]);
	EXPECT_EQ(1, g_irq_user);
	EXPECT_EQ((BALLOON_VECTOR << 8) | USER_VECTOR, g_irq_order);
	guest_update(_metadata, self, 64);
	guest_exit(_metadata, self);
}

/*
 * The guest's TPR (CR8) holds back device interrupts of its priority
 * class and below (vector 0x41: class 4) until it is lowered; the
 * interrupt of MINIVMM_INTERRUPT, ExtINT-like, is not held. Before, the
 * TPR was ignored and the balloon's interrupt came in under CR8 = 4.
 */
TEST_F(bg, tpr_holds_device_interrupts)
{
	ASSERT_EQ(0, create_balloon(self->vm, 0, 0));
	guest_init(_metadata, self);
	CMD(CMD_CR8, BALLOON_VECTOR >> 4, 0, 0);
	CMD(CMD_STI, 0, 0, 0);
	ASSERT_EQ(0, vm_balloon_target(self->vm, 64));
	CMD(CMD_IRQ_WAIT, 1, 100000, 0);
	TH_LOG("CR8 %d: cfg irqs %llu", BALLOON_VECTOR >> 4,
	       (unsigned long long)self->res[0]);
	EXPECT_EQ(0, self->res[2]) TH_LOG("taken with the TPR at its class");
	ASSERT_EQ(0, vcpu_interrupt(self->vcpu, USER_VECTOR));
	CMD(CMD_IRQ_WAIT, 1, 100000, 0);
	EXPECT_EQ(1, g_irq_user) TH_LOG("MINIVMM_INTERRUPT held by the TPR");
	EXPECT_EQ(0, self->res[2]);
	CMD(CMD_CR8, (BALLOON_VECTOR >> 4) - 1, 0, 0);
	CMD(CMD_IRQ_WAIT, 1, IRQ_SPINS, 0);
	TH_LOG("CR8 %d: cfg irqs %llu, order 0x%llx", (BALLOON_VECTOR >> 4) - 1,
	       (unsigned long long)self->res[0], (unsigned long long)g_irq_order);
	EXPECT_EQ(1, self->res[0]);
	EXPECT_EQ((BALLOON_VECTOR << 8) | USER_VECTOR, g_irq_order);
	CMD(CMD_CR8, 0, 0, 0);
	guest_update(_metadata, self, 64);
	guest_exit(_metadata, self);
}

/* ---------------------------------------------------------------------- */
/* Reset and re-initialisation                                              */
/* ---------------------------------------------------------------------- */

TEST_F(bg, reset_and_reinit)
{
	struct minivmm_balloon_status st;
	uint64_t infl;

	ASSERT_EQ(0, create_balloon(self->vm, 1024, 0));
	guest_init(_metadata, self);
	CMD(CMD_TOUCH, 1, 0, 0);
	ASSERT_EQ(0, self->res[0]);
	guest_update(_metadata, self, 1024);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "inflated", &st);
	ASSERT_EQ(1024, st.balloon_pages);
	ASSERT_EQ(1024, st.actual_pages);
	EXPECT_EQ(NPAGES - 1024, mvm_resident_pages(self->mem, BALLOON_SIZE));
	infl = st.inflated_pages;

	/* balloon_reinit(): the device forgets the balloon. */
	CMD(CMD_REINIT, 0, 0, 0);
	TH_LOG("guest: balloon_reinit %lld, num_pages %llu, free %llu",
	       (long long)self->res[0], (unsigned long long)self->res[1],
	       (unsigned long long)self->res[2]);
	ASSERT_EQ(0, self->res[0]);
	EXPECT_EQ(0, self->res[1]);
	EXPECT_EQ(NPAGES, self->res[2]);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "reinit", &st);
	EXPECT_EQ(0, st.balloon_pages);
	EXPECT_EQ(0, st.actual_pages);
	EXPECT_EQ(1024, st.target_pages);
	EXPECT_EQ(0, st.needs_reset);
	/* Every page, the formerly ballooned ones too, is usable. */
	CMD(CMD_TOUCH, 2, 0, 0);
	EXPECT_EQ(0, self->res[0]);
	EXPECT_EQ(NPAGES, mvm_resident_pages(self->mem, BALLOON_SIZE));
	guest_update(_metadata, self, 1024);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	EXPECT_EQ(1024, st.balloon_pages);
	EXPECT_EQ(infl + 1024, st.inflated_pages);
	EXPECT_EQ(NPAGES - 1024, mvm_resident_pages(self->mem, BALLOON_SIZE));

	/* balloon_shutdown(): deflates (telling the host), then resets. */
	CMD(CMD_SHUTDOWN, 0, 0, 0);
	TH_LOG("guest: balloon_shutdown %lld, num_pages %llu, free %llu, status 0x%llx",
	       (long long)self->res[0], (unsigned long long)self->res[1],
	       (unsigned long long)self->res[2], (unsigned long long)self->res[3]);
	ASSERT_EQ(0, self->res[0]);
	EXPECT_EQ(0, self->res[1]);
	EXPECT_EQ(NPAGES, self->res[2]);
	EXPECT_EQ(0, self->res[3]);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "shutdown", &st);
	EXPECT_EQ(0, st.balloon_pages);
	EXPECT_EQ(1024, st.deflated_pages);
	EXPECT_EQ(0, st.actual_pages);

	/* And from scratch again. */
	guest_init(_metadata, self);
	guest_update(_metadata, self, 1024);
	ASSERT_EQ(0, vm_balloon_target(self->vm, 0));
	guest_update(_metadata, self, 0);
	CMD(CMD_TOUCH, 3, 0, 0);
	EXPECT_EQ(0, self->res[0]);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "again", &st);
	EXPECT_EQ(0, st.balloon_pages);
	EXPECT_EQ(infl + 2048, st.inflated_pages);
	EXPECT_EQ(2048, st.deflated_pages);
	EXPECT_EQ(0, st.invalid_requests);
	EXPECT_EQ(0, st.protocol_errors);
	EXPECT_EQ(NPAGES, mvm_resident_pages(self->mem, BALLOON_SIZE));
	guest_exit(_metadata, self);
}

/* ---------------------------------------------------------------------- */
/* DEFLATE_ON_OOM                                                           */
/* ---------------------------------------------------------------------- */

#define OOM_TARGET	3072
#define OOM_WANT	200

TEST_F(bg, deflate_on_oom)
{
	struct minivmm_balloon_status st, st0;

	ASSERT_EQ(0, create_balloon(self->vm, OOM_TARGET, 0));
	guest_init(_metadata, self);
	guest_update(_metadata, self, OOM_TARGET);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st0));
	log_bstats(_metadata, "inflated", &st0);

	/* The allocator runs dry; the driver deflates, telling the host. */
	CMD(CMD_OOM, OOM_WANT, 0, 0);
	TH_LOG("guest: held %llu pages when dry, oom_deflate gave %llu, num_pages %llu, allocated %llu more",
	       (unsigned long long)self->res[0], (unsigned long long)self->res[1],
	       (unsigned long long)self->res[2], (unsigned long long)self->res[3]);
	ASSERT_EQ(NPAGES - OOM_TARGET, self->res[0]);
	ASSERT_EQ(OOM_WANT, self->res[1]);
	ASSERT_EQ(OOM_TARGET - OOM_WANT, self->res[2]);
	ASSERT_EQ(OOM_WANT, self->res[3]);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "after OOM", &st);
	EXPECT_EQ(st0.deflated_pages + OOM_WANT, st.deflated_pages);
	EXPECT_EQ(OOM_TARGET, st.target_pages);
	EXPECT_EQ(OOM_TARGET - OOM_WANT, st.actual_pages);
	EXPECT_EQ(OOM_TARGET - OOM_WANT, st.balloon_pages);

	/* No re-inflation while the target stays (pages freed or not). */
	CMD(CMD_FREE_HELD, 0, 0, 0);
	EXPECT_EQ(NPAGES - OOM_TARGET + OOM_WANT, self->res[0]);
	guest_update2(_metadata, self, OOM_TARGET - OOM_WANT, OOM_TARGET);
	guest_poll_ms(_metadata, self, 300);
	EXPECT_EQ(OOM_TARGET - OOM_WANT, self->res[2]);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	EXPECT_EQ(OOM_TARGET - OOM_WANT, st.actual_pages);
	EXPECT_EQ(st0.inflated_pages, st.inflated_pages);

	/* A new target: followed again. */
	ASSERT_EQ(0, vm_balloon_target(self->vm, OOM_TARGET - 100));
	guest_update(_metadata, self, OOM_TARGET - 100);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "new target", &st);
	EXPECT_EQ(OOM_TARGET - 100, st.actual_pages);
	EXPECT_EQ(OOM_TARGET - 100, st.balloon_pages);
	EXPECT_EQ(0, st.invalid_requests);
	CMD(CMD_TOUCH, 4, 0, 0);
	EXPECT_EQ(0, self->res[0]);
	EXPECT_EQ(NPAGES - OOM_TARGET + 100, self->res[1]);
	guest_exit(_metadata, self);
}

/* ---------------------------------------------------------------------- */
/* Free page reporting                                                      */
/* ---------------------------------------------------------------------- */

#define REPORT_PAGES	1024			/* the top 4 MiB of the slot */
#define REPORT_PFN	(BASE_PFN + NPAGES - REPORT_PAGES)
#define REPORT_HVA	((uint8_t *)(uintptr_t)(REPORT_PFN * PAGE))

TEST_F(bg, page_reporting)
{
	struct minivmm_balloon_status st0, st;
	uint64_t anon0, anon1, res;
	unsigned int i;

	ASSERT_EQ(0, create_balloon(self->vm, 512, 0));
	guest_init(_metadata, self);
	CMD(CMD_RESERVE, REPORT_PAGES, 0, 0);
	ASSERT_EQ(NPAGES - REPORT_PAGES, self->res[0]);
	CMD(CMD_TOUCH, 1, 0, 0);
	ASSERT_EQ(0, self->res[0]);
	CMD(CMD_RANGE, REPORT_PFN, REPORT_PAGES, 1);
	guest_update(_metadata, self, 512);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st0));
	log_bstats(_metadata, "before", &st0);
	ASSERT_EQ(REPORT_PAGES, mvm_resident_pages(REPORT_HVA, REPORT_PAGES * PAGE));
	anon0 = mvm_proc_kb("/proc/self/smaps_rollup", "Anonymous");

	/* Four 1 MiB ranges. */
	for (i = 0; i < 4; i++) {
		g_ranges[i].addr = (REPORT_PFN + i * 256ULL) * PAGE;
		g_ranges[i].len = 256 * PAGE;
	}
	CMD(CMD_REPORT, 4, 0, 0);
	ASSERT_EQ(0, self->res[0]);
	EXPECT_EQ(1, self->res[1]);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "reported", &st);
	anon1 = mvm_proc_kb("/proc/self/smaps_rollup", "Anonymous");
	res = mvm_resident_pages(REPORT_HVA, REPORT_PAGES * PAGE);
	TH_LOG("smaps_rollup Anonymous %llu -> %llu kB, reported range resident %llu pages",
	       (unsigned long long)anon0, (unsigned long long)anon1,
	       (unsigned long long)res);
	EXPECT_EQ(st0.reported_pages + REPORT_PAGES, st.reported_pages);
	EXPECT_EQ(st0.released_bytes + REPORT_PAGES * PAGE, st.released_bytes);
	EXPECT_EQ(0, res);
	EXPECT_LE(REPORT_PAGES * 4 - 64, anon0 - anon1);
	EXPECT_GE(REPORT_PAGES * 4 + 64, anon0 - anon1);
	EXPECT_EQ(512, st.balloon_pages);
	EXPECT_EQ(512, st.actual_pages);
	EXPECT_EQ(st0.inflated_pages, st.inflated_pages);
	EXPECT_EQ(st0.invalid_requests, st.invalid_requests);

	/* The guest uses them again: zero first, then what it writes. */
	CMD(CMD_RANGE, REPORT_PFN, REPORT_PAGES, 0);
	EXPECT_EQ(0, self->res[0]) TH_LOG("non-zero words in reported pages");
	CMD(CMD_RANGE, REPORT_PFN, REPORT_PAGES, 1);
	CMD(CMD_RANGE, REPORT_PFN, REPORT_PAGES, 2);
	EXPECT_EQ(0, self->res[0]);
	EXPECT_EQ(REPORT_PAGES, mvm_resident_pages(REPORT_HVA, REPORT_PAGES * PAGE));

	/* Ranges outside guest RAM or the MMIO window: refused, counted. */
	st0 = st;
	g_ranges[0].addr = 0x7000000000ULL;
	g_ranges[0].len = 16 * PAGE;
	g_ranges[1].addr = BALLOON_MMIO;
	g_ranges[1].len = PAGE;
	g_ranges[2].addr = REPORT_PFN * PAGE + 8;	/* no whole frame */
	g_ranges[2].len = 100;
	CMD(CMD_REPORT, 3, 0, 0);
	ASSERT_EQ(0, self->res[0]);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "bad report", &st);
	EXPECT_EQ(st0.invalid_requests + 2, st.invalid_requests);
	EXPECT_EQ(st0.reported_pages, st.reported_pages);
	EXPECT_EQ(st0.released_bytes, st.released_bytes);
	EXPECT_EQ(0, st.needs_reset);
	EXPECT_EQ(REPORT_PAGES, mvm_resident_pages(REPORT_HVA, REPORT_PAGES * PAGE));
	CMD(CMD_RANGE, REPORT_PFN, REPORT_PAGES, 2);
	EXPECT_EQ(0, self->res[0]);
	guest_exit(_metadata, self);
}

/* ---------------------------------------------------------------------- */
/* Ballooning pages the host had swapped out                                */
/* ---------------------------------------------------------------------- */

#define SWAP_PAGES	1024	/* the lowest 4 MiB: what the guest inflates first */

TEST_F_TIMEOUT(bg, balloon_swapped, 120)
{
	struct minivmm_paging_stats ps0, ps1, ps2;
	struct minivmm_balloon_status st;
	uint64_t res, swapped, in0, in1, in2, swap_kb;
	int tries;

	swap_kb = mvm_proc_kb("/proc/meminfo", "SwapFree");
	ASSERT_NE(~0ULL, swap_kb);
	ASSERT_LE(8 * 1024, swap_kb) TH_LOG("no swap (SwapFree %llu kB): the test host must run setup-swap.sh first",
					    (unsigned long long)swap_kb);
	ASSERT_EQ(0, create_balloon(self->vm, 0, 0));
	guest_init(_metadata, self);
	CMD(CMD_TOUCH, 1, 0, 0);
	ASSERT_EQ(0, self->res[0]);
	ASSERT_EQ(NPAGES, mvm_resident_pages(self->mem, BALLOON_SIZE));

	/* Push the lowest 4 MiB to host swap. */
	for (tries = 0; tries < 5; tries++) {
		ASSERT_EQ(0, madvise(self->mem, SWAP_PAGES * PAGE, MADV_PAGEOUT))
			TH_LOG("MADV_PAGEOUT: %s", strerror(errno));
		res = mvm_resident_pages(self->mem, SWAP_PAGES * PAGE);
		if (res < SWAP_PAGES / 16)
			break;
		usleep(50000);
	}
	swapped = SWAP_PAGES - res;
	ASSERT_EQ(0, paging_stats(self->vm, &ps0));
	TH_LOG("after MADV_PAGEOUT: %llu of %u pages resident; host_swapped_pages %llu host_resident_pages %llu",
	       (unsigned long long)res, SWAP_PAGES,
	       (unsigned long long)ps0.host_swapped_pages,
	       (unsigned long long)ps0.host_resident_pages);
	ASSERT_LE(SWAP_PAGES / 2, swapped) TH_LOG("pages did not go to swap");
	EXPECT_LE(swapped - 16, ps0.host_swapped_pages);

	/* Inflate over them: no swap-in. */
	in0 = mvm_vmstat("pswpin");
	ASSERT_EQ(0, vm_balloon_target(self->vm, SWAP_PAGES));
	guest_update(_metadata, self, SWAP_PAGES);
	in1 = mvm_vmstat("pswpin");
	ASSERT_EQ(0, paging_stats(self->vm, &ps1));
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "inflated", &st);
	TH_LOG("inflated: ballooned_swapped_pages %llu -> %llu, host_swapped_pages %llu -> %llu, pswpin +%llu",
	       (unsigned long long)ps0.ballooned_swapped_pages,
	       (unsigned long long)ps1.ballooned_swapped_pages,
	       (unsigned long long)ps0.host_swapped_pages,
	       (unsigned long long)ps1.host_swapped_pages,
	       (unsigned long long)(in1 - in0));
	EXPECT_EQ(SWAP_PAGES, st.balloon_pages);
	EXPECT_LE(swapped - 16, ps1.ballooned_swapped_pages - ps0.ballooned_swapped_pages);
	EXPECT_GE(SWAP_PAGES, ps1.ballooned_swapped_pages - ps0.ballooned_swapped_pages);
	EXPECT_GT(16, in1 - in0) TH_LOG("ballooned pages were swapped in");
	EXPECT_GE(ps0.host_swapped_pages - (swapped - 16), ps1.host_swapped_pages);
	EXPECT_EQ(SWAP_PAGES, ps1.balloon_pages);
	EXPECT_EQ(0, mvm_resident_pages(self->mem, SWAP_PAGES * PAGE));

	/* Deflate, use them: zero pages, no swap-in, swapins_saved. */
	ASSERT_EQ(0, vm_balloon_target(self->vm, 0));
	guest_update(_metadata, self, 0);
	CMD(CMD_TOUCH, 2, 0, 0);
	EXPECT_EQ(0, self->res[0]);
	in2 = mvm_vmstat("pswpin");
	ASSERT_EQ(0, paging_stats(self->vm, &ps2));
	TH_LOG("deflated and touched: swapins_saved %llu -> %llu, pswpin +%llu",
	       (unsigned long long)ps1.swapins_saved,
	       (unsigned long long)ps2.swapins_saved,
	       (unsigned long long)(in2 - in1));
	EXPECT_EQ(ps1.ballooned_swapped_pages - ps0.ballooned_swapped_pages,
		  ps2.swapins_saved - ps0.swapins_saved);
	EXPECT_GT(16, in2 - in1);
	EXPECT_EQ(0, ps2.balloon_pages);
	EXPECT_EQ(NPAGES, mvm_resident_pages(self->mem, BALLOON_SIZE));
	guest_exit(_metadata, self);
}

TEST_HARNESS_MAIN
