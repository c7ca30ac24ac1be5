// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel virtio-balloon device (MINIVMM_CREATE_BALLOON) driven by
 * the project's guest balloon driver (balloon-driver/), run inside the
 * guest.
 *
 * The guest owns a 16 MiB RAM slot (slot BALLOON_SLOT at BALLOON_GPA,
 * anonymous memory of this process, no THP) and hands its pages out with a
 * small free-stack allocator. It touches every page, probes the balloon at
 * BALLOON_MMIO, then follows the target with balloon_update() (polling: it
 * runs with interrupts off). The host checks that the balloon reached the
 * target, that GET_BALLOON_STATS agrees, and that the VMM's resident
 * memory of the slot (mincore()) dropped by about the target; then sets the
 * target to 0 and checks that the guest gets every page back and can write
 * and read it again. One frame the guest "inflates" lies outside guest
 * memory: the device refuses it (invalid_requests) and goes on.
 *
 * The ioctl checks (bad flags, alignment, vector, overlaps, a second
 * balloon) need no guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/userfaultfd.h>
#include "kselftest_harness.h"
#include "minivmm_util.h"
#include "balloon_host.h"

#include "balloon_guest_driver.h"


#define PAGE		MVM_PAGE_SIZE
#define MIB		(1ULL << 20)

#define BALLOON_SLOT	23
#define BALLOON_GPA	0xb0000000ULL
#define BALLOON_SIZE	(16 * MIB)
#define BALLOON_PAGES	(BALLOON_SIZE / PAGE)
#define BALLOON_MMIO	0xb2000000ULL
#define BALLOON_VECTOR	0x40
#define TARGET_PAGES	2048		/* 8 MiB */
/* A frame far above guest memory, slipped into the first inflation. */
#define BOGUS_PFN	0x7ffff000u

/* Guest-side steps reported with GUEST_SYNC(step, ...). */
enum { STEP_TOUCHED = 1, STEP_INFLATED, STEP_STATS, STEP_DEFLATED };
/* Polls the guest waits at most for a statistics request. */
#define STATS_POLLS	60000

/* ---------------------------------------------------------------------- */
/* Guest                                                                    */
/* ---------------------------------------------------------------------- */

static uint32_t g_free[BALLOON_PAGES];
static uint32_t g_nfree;
static int g_bogus_once;
static uint32_t g_balloon_pages[BALLOON_PAGES];
static struct balloon g_balloon;
static uint8_t g_dma[64 * 1024] __attribute__((aligned(4096)));

GUEST_CODE static int g_alloc_page(void *ctx, __u32 *pfn)
{
	if (g_bogus_once) {
		g_bogus_once = 0;
		*pfn = BOGUS_PFN;
		return 0;
	}
	if (!g_nfree)
		return -1;
	*pfn = g_free[--g_nfree];
	return 0;
}

GUEST_CODE static void g_free_page(void *ctx, __u32 pfn)
{
	uint64_t gpa = (uint64_t)pfn * PAGE;

	/* Only pages of our slot go back (the bogus frame does not). */
	if (gpa < BALLOON_GPA || gpa >= BALLOON_GPA + BALLOON_SIZE)
		return;
	if (g_nfree < BALLOON_PAGES)
		g_free[g_nfree++] = pfn;
}

GUEST_CODE static unsigned int g_fill_stats(void *ctx, struct balloon_stat *st,
					    unsigned int max)
{
	if (max < 2)
		return 0;
	st[0].tag = VIRTIO_BALLOON_S_MEMFREE;
	st[0].val = (uint64_t)g_nfree * PAGE;
	st[1].tag = VIRTIO_BALLOON_S_MEMTOT;
	st[1].val = BALLOON_SIZE;
	return 2;
}

/* Write every page of the free stack with a pattern, read it back. */
GUEST_CODE static uint64_t g_write_check_free(uint64_t gen)
{
	uint64_t i, bad = 0;

	for (i = 0; i < g_nfree; i++) {
		volatile uint64_t *p = (volatile uint64_t *)((uint64_t)g_free[i] * PAGE);

		p[0] = gen ^ g_free[i];
		p[PAGE / 8 - 1] = ~(gen ^ g_free[i]);
	}
	for (i = 0; i < g_nfree; i++) {
		volatile uint64_t *p = (volatile uint64_t *)((uint64_t)g_free[i] * PAGE);

		if (p[0] != (gen ^ g_free[i]) ||
		    p[PAGE / 8 - 1] != ~(gen ^ g_free[i]))
			bad++;
	}
	return bad;
}

GUEST_CODE static void guest_balloon(uint64_t id)
{
	struct balloon_env env = {
		.io = BALLOON_GUEST_IO(BALLOON_MMIO),
		.alloc_page = g_alloc_page,
		.free_page = g_free_page,
		.fill_stats = g_fill_stats,
	};
	uint64_t i, st0;
	int r;

	g_nfree = 0;
	for (i = 0; i < BALLOON_PAGES; i++)
		g_free[g_nfree++] = (BALLOON_GPA / PAGE) + BALLOON_PAGES - 1 - i;
	GUEST_SYNC(STEP_TOUCHED, g_write_check_free(1), g_nfree);

	GUEST_ASSERT(balloon_dma_size() <= sizeof(g_dma));
	r = balloon_init(&g_balloon, &env, g_dma, balloon_dma_size(),
			 g_balloon_pages, BALLOON_PAGES);
	GUEST_ASSERT_EQ(r, 0);

	g_bogus_once = 1;
	r = balloon_update(&g_balloon);
	GUEST_SYNC(STEP_INFLATED, (uint64_t)(int64_t)r, g_balloon.num_pages,
		   g_nfree, balloon_target(&g_balloon));

	/* Wait for the device's periodic statistics request, answer it. */
	for (i = 0, st0 = g_balloon.stats_sent;
	     i < STATS_POLLS && g_balloon.stats_sent == st0; i++) {
		balloon_poll(&g_balloon);
		g_relax(NULL);
	}
	GUEST_SYNC(STEP_STATS, g_balloon.stats_sent - st0, i, g_nfree);

	/* The host set the target to 0. */
	r = balloon_update(&g_balloon);
	GUEST_SYNC(STEP_DEFLATED, (uint64_t)(int64_t)r, g_balloon.num_pages,
		   g_nfree, g_write_check_free(2));
	GUEST_DONE();
}

/* ---------------------------------------------------------------------- */
/* Host                                                                     */
/* ---------------------------------------------------------------------- */

static int create_balloon(struct mvm_vm *vm, uint64_t base, uint32_t vector,
			  uint32_t target, uint32_t stats_ms)
{
	struct minivmm_balloon_config cfg = {
		.mmio_base = base,
		.irq_vector = vector,
		.initial_target_pages = target,
		.stats_interval_ms = stats_ms,
	};

	return ioctl(vm->fd, MINIVMM_CREATE_BALLOON, &cfg) ? -errno : 0;
}

static void log_bstats(struct __test_metadata *_metadata, const char *when,
		       const struct minivmm_balloon_status *st)
{
	TH_LOG("%s: target=%u actual=%u balloon_pages=%llu inflate_req=%llu deflate_req=%llu",
	       when, st->target_pages, st->actual_pages,
	       (unsigned long long)st->balloon_pages,
	       (unsigned long long)st->inflate_requests,
	       (unsigned long long)st->deflate_requests);
	TH_LOG("%s: inflated=%llu deflated=%llu released_bytes=%llu invalid=%llu errors=%llu needs_reset=%u",
	       when, (unsigned long long)st->inflated_pages,
	       (unsigned long long)st->deflated_pages,
	       (unsigned long long)st->released_bytes,
	       (unsigned long long)st->invalid_requests,
	       (unsigned long long)st->protocol_errors, st->needs_reset);
	TH_LOG("%s: stats_updates=%llu stats_valid=0x%x memfree=%llu memtot=%llu",
	       when, (unsigned long long)st->stats_updates, st->stats_valid,
	       (unsigned long long)st->stats[VIRTIO_BALLOON_S_MEMFREE],
	       (unsigned long long)st->stats[VIRTIO_BALLOON_S_MEMTOT]);
}

FIXTURE(balloon) {
	struct mvm_vm *vm;
	void *mem;
};

FIXTURE_SETUP(balloon)
{
	int r;

	self->mem = NULL;
	self->vm = vm_create();
	ASSERT_NE(NULL, self->vm) TH_LOG("vm_create: %s", strerror(errno));
	ASSERT_GT(BALLOON_SLOT, self->vm->nr_slots);
	ASSERT_FALSE(vm_is_guest_mem(self->vm, (void *)(uintptr_t)BALLOON_GPA,
				     BALLOON_SIZE));
	ASSERT_FALSE(vm_is_guest_mem(self->vm, (void *)(uintptr_t)BALLOON_MMIO, PAGE));
	self->mem = mvm_map_at(BALLOON_GPA, BALLOON_SIZE);
	ASSERT_NE(NULL, self->mem) TH_LOG("mmap at 0x%llx: %s",
					  BALLOON_GPA, strerror(errno));
	r = vm_set_region(self->vm, BALLOON_SLOT, 0, BALLOON_GPA, BALLOON_SIZE,
			  self->mem);
	ASSERT_EQ(0, r) TH_LOG("SET_MEMORY_REGION: %s", strerror(-r));
}

FIXTURE_TEARDOWN(balloon)
{
	vm_free(self->vm);
	if (self->mem)
		munmap(self->mem, BALLOON_SIZE);
}

TEST_F(balloon, create_errors)
{
	struct minivmm_balloon_config cfg = {
		.mmio_base = BALLOON_MMIO, .irq_vector = BALLOON_VECTOR,
	};
	struct minivmm_balloon_target t = { 0 };
	struct minivmm_balloon_status st;

	/* No balloon yet. */
	ASSERT_EQ(-ENODEV, vm_balloon_status(self->vm, &st));
	ASSERT_EQ(-1, ioctl(self->vm->fd, MINIVMM_SET_BALLOON_TARGET, &t));
	ASSERT_EQ(ENODEV, errno);

	cfg.flags = 1;
	ASSERT_EQ(-1, ioctl(self->vm->fd, MINIVMM_CREATE_BALLOON, &cfg));
	ASSERT_EQ(EINVAL, errno);
	cfg.flags = 0;
	cfg.reserved[3] = 1;
	ASSERT_EQ(-1, ioctl(self->vm->fd, MINIVMM_CREATE_BALLOON, &cfg));
	ASSERT_EQ(EINVAL, errno);
	cfg.reserved[3] = 0;
	cfg.features = 1ULL << 3;	/* FREE_PAGE_HINT: never offered */
	ASSERT_EQ(-1, ioctl(self->vm->fd, MINIVMM_CREATE_BALLOON, &cfg));
	ASSERT_EQ(EINVAL, errno);
	cfg.features = 0;

	ASSERT_EQ(-EINVAL, create_balloon(self->vm, BALLOON_MMIO + 0x100,
					  BALLOON_VECTOR, 0, 0));
	ASSERT_EQ(-EINVAL, create_balloon(self->vm, BALLOON_MMIO, 31, 0, 0));
	ASSERT_EQ(-EINVAL, create_balloon(self->vm, BALLOON_MMIO, 256, 0, 0));
	ASSERT_EQ(-EINVAL, create_balloon(self->vm, BALLOON_MMIO, BALLOON_VECTOR,
					  0, 10));
	ASSERT_EQ(-EINVAL, create_balloon(self->vm, ~0ULL & ~(PAGE - 1),
					  BALLOON_VECTOR, 0, 0));
	/* Inside guest RAM. */
	ASSERT_EQ(-EEXIST, create_balloon(self->vm, BALLOON_GPA + PAGE,
					  BALLOON_VECTOR, 0, 0));

	ASSERT_EQ(0, create_balloon(self->vm, BALLOON_MMIO, BALLOON_VECTOR, 5, 0));
	/* A second one, elsewhere or at the same place. */
	ASSERT_EQ(-EEXIST, create_balloon(self->vm, BALLOON_MMIO + 16 * PAGE,
					  BALLOON_VECTOR, 0, 0));
	ASSERT_EQ(-EEXIST, create_balloon(self->vm, BALLOON_MMIO,
					  BALLOON_VECTOR, 0, 0));

	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	ASSERT_EQ(5, st.target_pages);
	ASSERT_EQ(0, st.actual_pages);
	t.flags = 1;
	ASSERT_EQ(-1, ioctl(self->vm->fd, MINIVMM_SET_BALLOON_TARGET, &t));
	ASSERT_EQ(EINVAL, errno);
	t.flags = 0;
	t.target_pages = 7;
	ASSERT_EQ(0, ioctl(self->vm->fd, MINIVMM_SET_BALLOON_TARGET, &t));
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	ASSERT_EQ(7, st.target_pages);
}

/* vCPU 0 runs guest_balloon with a balloon of TARGET_PAGES; it touched its pages. */
static struct mvm_vcpu *start_guest(struct __test_metadata *_metadata,
				    FIXTURE_DATA(balloon) *self, struct ucall *uc)
{
	struct mvm_vcpu *vcpu = vm_add_vcpu(self->vm, 0, guest_balloon);

	ASSERT_NE(NULL, vcpu);
	ASSERT_EQ(0, create_balloon(self->vm, BALLOON_MMIO, BALLOON_VECTOR,
				    TARGET_PAGES, 100));
	ASSERT_UCALL(vcpu, UCALL_SYNC, uc);
	ASSERT_EQ(STEP_TOUCHED, uc->args[0]);
	return vcpu;
}

TEST_F(balloon, inflate_deflate)
{
	struct minivmm_balloon_target t = { 0 };
	struct minivmm_balloon_status st;
	uint64_t res_touched, res_inflated;
	struct mvm_vcpu *vcpu;
	struct ucall uc;

	/* The guest touched all of its pages. */
	vcpu = start_guest(_metadata, self, &uc);
	ASSERT_EQ(0, uc.args[1]) TH_LOG("%llu pages read back wrong",
					(unsigned long long)uc.args[1]);
	ASSERT_EQ(BALLOON_PAGES, uc.args[2]);
	res_touched = mvm_resident_pages(self->mem, BALLOON_SIZE);
	TH_LOG("resident after touching: %llu of %llu pages",
	       (unsigned long long)res_touched, (unsigned long long)BALLOON_PAGES);
	ASSERT_GE(res_touched, BALLOON_PAGES - 16);

	/* Inflated to the target. */
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(STEP_INFLATED, uc.args[0]);
	TH_LOG("guest: balloon_update %lld, num_pages %llu, free %llu, target %llu",
	       (long long)uc.args[1], (unsigned long long)uc.args[2],
	       (unsigned long long)uc.args[3], (unsigned long long)uc.args[4]);
	ASSERT_EQ(0, uc.args[1]);
	ASSERT_EQ(TARGET_PAGES, uc.args[2]);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "inflated", &st);
	ASSERT_EQ(TARGET_PAGES, st.target_pages);
	ASSERT_EQ(TARGET_PAGES, st.actual_pages);
	/* The bogus frame was refused, the rest taken. */
	ASSERT_LE(1, st.invalid_requests);
	ASSERT_EQ(TARGET_PAGES - 1, st.inflated_pages);
	ASSERT_EQ(TARGET_PAGES - 1, st.balloon_pages);
	ASSERT_EQ((uint64_t)(TARGET_PAGES - 1) * PAGE, st.released_bytes);
	ASSERT_LE((TARGET_PAGES + BALLOON_BATCH - 1) / BALLOON_BATCH,
		  st.inflate_requests);
	ASSERT_EQ(0, st.needs_reset);
	res_inflated = mvm_resident_pages(self->mem, BALLOON_SIZE);
	TH_LOG("resident after inflating: %llu pages (dropped %llu)",
	       (unsigned long long)res_inflated,
	       (unsigned long long)(res_touched - res_inflated));
	ASSERT_GE(res_touched - res_inflated, TARGET_PAGES - 16);
	ASSERT_LE(res_touched - res_inflated, TARGET_PAGES);

	/* Statistics: the device asks every 100 ms, the guest answers. */
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(STEP_STATS, uc.args[0]);
	TH_LOG("guest: %llu stats buffers sent after %llu polls",
	       (unsigned long long)uc.args[1], (unsigned long long)uc.args[2]);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "stats", &st);
	EXPECT_LE(1, uc.args[1]);
	EXPECT_LE(2, st.stats_updates);
	EXPECT_EQ(uc.args[3] * PAGE, st.stats[VIRTIO_BALLOON_S_MEMFREE]);
	EXPECT_EQ(BALLOON_SIZE, st.stats[VIRTIO_BALLOON_S_MEMTOT]);
	EXPECT_EQ((1u << VIRTIO_BALLOON_S_MEMFREE) | (1u << VIRTIO_BALLOON_S_MEMTOT),
		  st.stats_valid);
	EXPECT_NE(0, st.stats_timestamp_ns);

	/* Target 0: everything comes back and is usable. */
	ASSERT_EQ(0, ioctl(self->vm->fd, MINIVMM_SET_BALLOON_TARGET, &t));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(STEP_DEFLATED, uc.args[0]);
	TH_LOG("guest: balloon_update %lld, num_pages %llu, free %llu, bad %llu",
	       (long long)uc.args[1], (unsigned long long)uc.args[2],
	       (unsigned long long)uc.args[3], (unsigned long long)uc.args[4]);
	ASSERT_EQ(0, uc.args[1]);
	ASSERT_EQ(0, uc.args[2]);
	ASSERT_EQ(BALLOON_PAGES, uc.args[3]);
	ASSERT_EQ(0, uc.args[4]);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "deflated", &st);
	ASSERT_EQ(0, st.actual_pages);
	ASSERT_EQ(0, st.balloon_pages);
	ASSERT_EQ(TARGET_PAGES - 1, st.deflated_pages);
	/* The bogus frame again, refused on the way out too. */
	ASSERT_LE(2, st.invalid_requests);
	ASSERT_EQ(0, st.needs_reset);
	ASSERT_GE(mvm_resident_pages(self->mem, BALLOON_SIZE), BALLOON_PAGES - 16);
	ASSERT_DONE(vcpu);
}

/*
 * Memory registered with userfaultfd is not released: a module cannot
 * send the UFFD_EVENT_REMOVE that MADV_DONTNEED sends, and a monitor that
 * never saw the pages go would take the next touch for a first one. The
 * frames are still ballooned (the guest gave them up); nothing is zapped.
 * Before the check, released_bytes was (TARGET_PAGES - 1) pages here.
 */
TEST_F(balloon, inflate_keeps_userfaultfd_memory)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)self->mem, .len = BALLOON_SIZE },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	struct minivmm_balloon_target t = { 0 };
	struct minivmm_balloon_status st;
	uint64_t res_touched, res_inflated;
	struct mvm_vcpu *vcpu;
	struct ucall uc;
	int uffd;

	vcpu = start_guest(_metadata, self, &uc);
	res_touched = mvm_resident_pages(self->mem, BALLOON_SIZE);

	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	ASSERT_LE(0, uffd) TH_LOG("userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api)) TH_LOG("UFFDIO_API: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg))
		TH_LOG("UFFDIO_REGISTER: %s", strerror(errno));

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(STEP_INFLATED, uc.args[0]);
	ASSERT_EQ(0, uc.args[1]);
	ASSERT_EQ(TARGET_PAGES, uc.args[2]);
	ASSERT_EQ(0, vm_balloon_status(self->vm, &st));
	log_bstats(_metadata, "inflated, userfaultfd", &st);
	res_inflated = mvm_resident_pages(self->mem, BALLOON_SIZE);
	TH_LOG("resident: %llu touched, %llu inflated",
	       (unsigned long long)res_touched, (unsigned long long)res_inflated);
	EXPECT_EQ(TARGET_PAGES - 1, st.inflated_pages);
	EXPECT_EQ(TARGET_PAGES - 1, st.balloon_pages);
	ASSERT_EQ(0, st.released_bytes);
	ASSERT_EQ(res_touched, res_inflated);

	/* Unregistered (closed), the rest of the run is the ordinary one. */
	close(uffd);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(STEP_STATS, uc.args[0]);
	ASSERT_EQ(0, ioctl(self->vm->fd, MINIVMM_SET_BALLOON_TARGET, &t));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(STEP_DEFLATED, uc.args[0]);
	ASSERT_EQ(0, uc.args[1]);
	ASSERT_EQ(0, uc.args[2]);
	ASSERT_EQ(0, uc.args[4]) TH_LOG("pages read back wrong after deflating");
	ASSERT_DONE(vcpu);
}

TEST_HARNESS_MAIN
