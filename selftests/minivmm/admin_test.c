// SPDX-License-Identifier: GPL-2.0
/*
 * The administrator's ioctls of /dev/minivmm and the VM ioctls behind the
 * double-paging statistics, without running a guest: VMs with a 16 MiB
 * anonymous RAM slot and (some of them) a balloon device.
 *
 *  - MINIVMM_ADMIN_LIST_VMS, _GET_VM_STATS: ids, owner, RAM, defaults;
 *  - MINIVMM_ADMIN_SET_VM_BALLOON: target, mode, floor, ceiling, and
 *    every error (ENOENT, ENODEV, ERANGE, EINVAL);
 *  - MINIVMM_ADMIN_GET/SET_POLICY, _GET_MONITOR: defaults, round trip,
 *    refusals, the monitor stepping at the interval set;
 *  - /sys/class/misc/minivmm/vm/ID and monitor/;
 *  - MINIVMM_SET_BALLOON_STATS_INTERVAL errors;
 *  - MINIVMM_REPORT_DMA and MINIVMM_GET_PAGING_STATS over pages pushed to
 *    host swap with MADV_PAGEOUT (needs swap: run after setup-swap.sh);
 *  - EPERM for a caller without CAP_SYS_ADMIN, who may still create VMs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "minivmm_util.h"
#include "mvmm.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

#define PAGE		4096ULL
#define RAM_GPA		0x100000000ULL
#define RAM_SIZE	(16ULL << 20)
#define RAM_PAGES	(RAM_SIZE / PAGE)
#define BALLOON_MMIO	0xd0000000ULL
#define NOBODY		65534
#define SYSFS_VM	MVMM_SYSFS_MISC "/vm"

struct admin_vm {
	struct mvm_vm *vm;
	void *ram;
	uint32_t id;
};

/* The id of the VM whose owner is us and whose RAM slot maps @ram. */
static uint32_t find_id(int dev, struct admin_vm *v)
{
	struct minivmm_vm_info info[64];
	struct minivmm_vm_list l = { .capacity = 64,
				     .vms = (uintptr_t)info };
	uint32_t i, best = 0;

	if (ioctl(dev, MINIVMM_ADMIN_LIST_VMS, &l))
		return 0;
	/* The newest of ours: VMs are listed by increasing id. */
	for (i = 0; i < l.nr_vms && i < 64; i++)
		if (info[i].owner_pid == (uint32_t)getpid())
			best = info[i].vm_id;
	return best;
}

static int admin_vm_create(int dev, struct admin_vm *v, bool balloon)
{
	struct minivmm_balloon_config cfg = {
		.mmio_base = BALLOON_MMIO,
		.irq_vector = 0x40,
		.initial_target_pages = 16,
	};

	v->vm = vm_create_empty();
	if (!v->vm)
		return -errno;
	v->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->ram == MAP_FAILED)
		return -errno;
	madvise(v->ram, RAM_SIZE, MADV_NOHUGEPAGE);
	if (vm_set_region(v->vm, 0, 0, RAM_GPA, RAM_SIZE, v->ram))
		return -EINVAL;
	if (balloon && ioctl(v->vm->fd, MINIVMM_CREATE_BALLOON, &cfg))
		return -errno;
	v->id = find_id(dev, v);
	return v->id ? 0 : -ENOENT;
}

static void admin_vm_free(struct admin_vm *v)
{
	if (v->vm)
		vm_free(v->vm);
	if (v->ram && v->ram != MAP_FAILED)
		munmap(v->ram, RAM_SIZE);
	v->vm = NULL;
	v->ram = NULL;
}

static int get_stats(int dev, uint32_t id, struct minivmm_admin_vm_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->vm_id = id;
	return ioctl(dev, MINIVMM_ADMIN_GET_VM_STATS, st) ? -errno : 0;
}

static int set_balloon(int dev, uint32_t id, uint32_t flags, uint32_t mode,
		       uint32_t target, uint64_t floor, uint64_t ceiling)
{
	struct minivmm_vm_balloon_ctl c = {
		.vm_id = id, .flags = flags, .mode = mode,
		.target_pages = target, .floor_pages = floor,
		.ceiling_pages = ceiling,
	};

	return ioctl(dev, MINIVMM_ADMIN_SET_VM_BALLOON, &c) ? -errno : 0;
}

static uint64_t sysfs_u64(const char *path)
{
	char buf[64];

	if (read_text_file(path, buf, sizeof(buf)))
		return ~0ULL;
	return strtoull(buf, NULL, 0);
}

FIXTURE(admin) {
	int dev;
	struct admin_vm a;	/* with a balloon */
	struct admin_vm b;	/* without */
};

FIXTURE_SETUP(admin)
{
	int r;

	memset(&self->a, 0, sizeof(self->a));
	memset(&self->b, 0, sizeof(self->b));
	self->dev = mvmm_open();
	ASSERT_LE(0, self->dev) TH_LOG("open: %m");
	r = admin_vm_create(self->dev, &self->a, true);
	ASSERT_EQ(0, r) TH_LOG("VM a: %s", strerror(-r));
	r = admin_vm_create(self->dev, &self->b, false);
	ASSERT_EQ(0, r) TH_LOG("VM b: %s", strerror(-r));
	ASSERT_LT(self->a.id, self->b.id);
}

FIXTURE_TEARDOWN(admin)
{
	admin_vm_free(&self->a);
	admin_vm_free(&self->b);
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(admin, list_vms)
{
	struct minivmm_vm_info info[64], *a = NULL, *b = NULL;
	struct minivmm_vm_list l = { 0 };
	uint32_t i, prev = 0;

	/* Counting only. */
	ASSERT_EQ(0, ioctl(self->dev, MINIVMM_ADMIN_LIST_VMS, &l));
	ASSERT_LE(2u, l.nr_vms);

	memset(info, 0xa5, sizeof(info));
	l.capacity = 64;
	l.vms = (uintptr_t)info;
	ASSERT_EQ(0, ioctl(self->dev, MINIVMM_ADMIN_LIST_VMS, &l));
	for (i = 0; i < l.nr_vms && i < 64; i++) {
		EXPECT_LT(prev, info[i].vm_id) TH_LOG("ids not increasing");
		prev = info[i].vm_id;
		if (info[i].vm_id == self->a.id)
			a = &info[i];
		if (info[i].vm_id == self->b.id)
			b = &info[i];
	}
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	EXPECT_EQ((uint32_t)getpid(), a->owner_pid);
	EXPECT_EQ(0, strncmp(a->owner_comm, "admin_test", 11))
		TH_LOG("comm '%.16s'", a->owner_comm);
	EXPECT_EQ(RAM_SIZE, a->mem_bytes);
	EXPECT_EQ(0u, a->nr_vcpus);
	EXPECT_EQ(MINIVMM_VM_HAS_BALLOON, a->flags);
	EXPECT_EQ(0u, b->flags);
	EXPECT_EQ(MINIVMM_BALLOON_MANUAL, a->balloon_mode);
	EXPECT_EQ(16u, a->target_pages);
	EXPECT_EQ(0u, b->target_pages);
	EXPECT_EQ(RAM_PAGES / 4, a->floor_pages);
	EXPECT_EQ(RAM_PAGES, a->ceiling_pages);
	EXPECT_LT(0ull, a->created_ns);

	/* Room for one: one entry written, the next left alone. */
	memset(info, 0xa5, sizeof(info));
	l.capacity = 1;
	ASSERT_EQ(0, ioctl(self->dev, MINIVMM_ADMIN_LIST_VMS, &l));
	EXPECT_LE(2u, l.nr_vms);
	EXPECT_NE(0xa5a5a5a5u, info[0].vm_id);
	EXPECT_EQ(0xa5a5a5a5u, info[1].vm_id);

	l.flags = 1;
	EXPECT_EQ(-1, ioctl(self->dev, MINIVMM_ADMIN_LIST_VMS, &l));
	EXPECT_EQ(EINVAL, errno);
	l.flags = 0;
	l.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(self->dev, MINIVMM_ADMIN_LIST_VMS, &l));
	EXPECT_EQ(EINVAL, errno);
	l.reserved[1] = 0;
	l.vms = 8;	/* unmapped */
	EXPECT_EQ(-1, ioctl(self->dev, MINIVMM_ADMIN_LIST_VMS, &l));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(admin, vm_stats)
{
	struct minivmm_admin_vm_stats st;
	uint64_t i;

	for (i = 0; i < 256; i++)
		((volatile char *)self->a.ram)[i * PAGE] = 1;
	ASSERT_EQ(0, get_stats(self->dev, self->a.id, &st));
	EXPECT_EQ(self->a.id, st.info.vm_id);
	EXPECT_EQ(RAM_SIZE, st.info.mem_bytes);
	EXPECT_EQ(16u, st.balloon.target_pages);
	EXPECT_EQ(256ull, st.paging.host_resident_pages);
	EXPECT_EQ(0ull, st.paging.host_swapped_pages);
	EXPECT_EQ(0ull, st.paging.double_paging_pages);
	EXPECT_LT(0ull, st.mem.kernel_bytes);
	TH_LOG("vm %u: resident %llu pages, kernel %llu bytes", st.info.vm_id,
	       (unsigned long long)st.paging.host_resident_pages,
	       (unsigned long long)st.mem.kernel_bytes);

	ASSERT_EQ(0, get_stats(self->dev, self->b.id, &st));
	EXPECT_EQ(0u, st.balloon.target_pages);
	EXPECT_EQ(0u, st.info.flags & MINIVMM_VM_HAS_BALLOON);

	EXPECT_EQ(-ENOENT, get_stats(self->dev, 0, &st));
	EXPECT_EQ(-ENOENT, get_stats(self->dev, 0x7fffffff, &st));
	memset(&st, 0, sizeof(st));
	st.vm_id = self->a.id;
	st.flags = 1;
	EXPECT_EQ(-1, ioctl(self->dev, MINIVMM_ADMIN_GET_VM_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(admin, set_balloon)
{
	struct minivmm_balloon_status bs;
	struct minivmm_admin_vm_stats st;
	uint32_t id = self->a.id;

	ASSERT_EQ(0, set_balloon(self->dev, id, MINIVMM_BALLOON_SET_MODE,
				 MINIVMM_BALLOON_AUTO, 0, 0, 0));
	ASSERT_EQ(0, get_stats(self->dev, id, &st));
	EXPECT_EQ(MINIVMM_BALLOON_AUTO, st.info.balloon_mode);

	/* A target makes the VM manual again. */
	ASSERT_EQ(0, set_balloon(self->dev, id, MINIVMM_BALLOON_SET_TARGET, 0,
				 1024, 0, 0));
	ASSERT_EQ(0, ioctl(self->a.vm->fd, MINIVMM_GET_BALLOON_STATS, &bs));
	EXPECT_EQ(1024u, bs.target_pages);
	ASSERT_EQ(0, get_stats(self->dev, id, &st));
	EXPECT_EQ(MINIVMM_BALLOON_MANUAL, st.info.balloon_mode);
	EXPECT_EQ(1024u, st.info.target_pages);

	ASSERT_EQ(0, set_balloon(self->dev, id, MINIVMM_BALLOON_SET_FLOOR |
				 MINIVMM_BALLOON_SET_CEILING, 0, 0, 512, 2048));
	ASSERT_EQ(0, get_stats(self->dev, id, &st));
	EXPECT_EQ(512ull, st.info.floor_pages);
	EXPECT_EQ(2048ull, st.info.ceiling_pages);
	/* The whole RAM is allowed, one page more is not. */
	EXPECT_EQ(0, set_balloon(self->dev, id, MINIVMM_BALLOON_SET_TARGET, 0,
				 RAM_PAGES, 0, 0));

	EXPECT_EQ(-ERANGE, set_balloon(self->dev, id, MINIVMM_BALLOON_SET_TARGET,
				       0, RAM_PAGES + 1, 0, 0));
	EXPECT_EQ(-ERANGE, set_balloon(self->dev, id, MINIVMM_BALLOON_SET_FLOOR,
				       0, 0, RAM_PAGES + 1, 0));
	EXPECT_EQ(-ERANGE, set_balloon(self->dev, id,
				       MINIVMM_BALLOON_SET_CEILING, 0, 0, 0,
				       RAM_PAGES + 1));
	EXPECT_EQ(-EINVAL, set_balloon(self->dev, id, 0, 0, 0, 0, 0));
	EXPECT_EQ(-EINVAL, set_balloon(self->dev, id, 1u << 4, 0, 0, 0, 0));
	EXPECT_EQ(-EINVAL, set_balloon(self->dev, id, MINIVMM_BALLOON_SET_MODE,
				       7, 0, 0, 0));
	EXPECT_EQ(-EINVAL, set_balloon(self->dev, id,
				       MINIVMM_BALLOON_SET_MODE |
				       MINIVMM_BALLOON_SET_TARGET,
				       MINIVMM_BALLOON_AUTO, 8, 0, 0));
	EXPECT_EQ(-ENODEV, set_balloon(self->dev, self->b.id,
				       MINIVMM_BALLOON_SET_TARGET, 0, 8, 0, 0));
	EXPECT_EQ(-ENOENT, set_balloon(self->dev, 0x7fffffff,
				       MINIVMM_BALLOON_SET_TARGET, 0, 8, 0, 0));
	/* Nothing of the refused calls stuck. */
	ASSERT_EQ(0, get_stats(self->dev, id, &st));
	EXPECT_EQ(RAM_PAGES, st.info.target_pages);
	EXPECT_EQ(512ull, st.info.floor_pages);
}

static const struct minivmm_policy default_policy = {
	.high_bp = 600, .soft_bp = 400, .hard_bp = 200, .low_bp = 100,
	.step_bp = 500, .min_change_bp = 25, .hard_step_mult = 2,
	.low_step_mult = 4, .unresponsive_steps = 5, .interval_ms = 1000,
	.enabled = 1,
};

TEST_F(admin, policy)
{
	struct minivmm_policy p, q, bad[8];
	unsigned int i;

	ASSERT_EQ(0, ioctl(self->dev, MINIVMM_ADMIN_GET_POLICY, &p));
	EXPECT_EQ(0, memcmp(&p, &default_policy, sizeof(p)))
		TH_LOG("high %u soft %u hard %u low %u step %u interval %u enabled %u",
		       p.high_bp, p.soft_bp, p.hard_bp, p.low_bp, p.step_bp,
		       p.interval_ms, p.enabled);

	q = default_policy;
	q.high_bp = 700;
	q.interval_ms = 250;
	q.enabled = 0;
	ASSERT_EQ(0, ioctl(self->dev, MINIVMM_ADMIN_SET_POLICY, &q));
	ASSERT_EQ(0, ioctl(self->dev, MINIVMM_ADMIN_GET_POLICY, &p));
	EXPECT_EQ(0, memcmp(&p, &q, sizeof(p)));

	/* Each broken rule is refused, and changes nothing. */
	for (i = 0; i < 8; i++)
		bad[i] = default_policy;
	bad[0].soft_bp = bad[0].high_bp;	/* soft < high */
	bad[1].low_bp = 0;
	bad[2].high_bp = 5001;
	bad[3].step_bp = 0;
	bad[4].interval_ms = 99;
	bad[5].interval_ms = 60001;
	bad[6].enabled = 2;
	bad[7].reserved[3] = 1;
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(-1, ioctl(self->dev, MINIVMM_ADMIN_SET_POLICY, &bad[i]))
			TH_LOG("bad policy %u", i);
		EXPECT_EQ(EINVAL, errno);
	}
	ASSERT_EQ(0, ioctl(self->dev, MINIVMM_ADMIN_GET_POLICY, &p));
	EXPECT_EQ(0, memcmp(&p, &q, sizeof(p)));
	ASSERT_EQ(0, ioctl(self->dev, MINIVMM_ADMIN_SET_POLICY,
			   &default_policy));
}

TEST_F(admin, monitor_steps)
{
	struct minivmm_monitor_status s0, s1;
	struct minivmm_policy p = default_policy;
	char state[16];
	uint64_t steps;

	p.interval_ms = 100;
	ASSERT_EQ(0, ioctl(self->dev, MINIVMM_ADMIN_SET_POLICY, &p));
	ASSERT_EQ(0, ioctl(self->dev, MINIVMM_ADMIN_GET_MONITOR, &s0));
	usleep(1000 * 1000);
	ASSERT_EQ(0, ioctl(self->dev, MINIVMM_ADMIN_GET_MONITOR, &s1));
	ASSERT_EQ(0, ioctl(self->dev, MINIVMM_ADMIN_SET_POLICY,
			   &default_policy));
	TH_LOG("steps %llu -> %llu in 1 s at 100 ms; host %llu of %llu pages available, state %u",
	       (unsigned long long)s0.steps, (unsigned long long)s1.steps,
	       (unsigned long long)s1.host_avail_pages,
	       (unsigned long long)s1.host_total_pages, s1.state);
	/* 10 steps a second, give or take the emulator's timer. */
	EXPECT_LE(s0.steps + 5, s1.steps);
	EXPECT_GE(s0.steps + 15, s1.steps);
	EXPECT_LT(0ull, s1.last_step_ns);
	EXPECT_LT(s1.host_avail_pages, s1.host_total_pages);
	EXPECT_LT(0ull, s1.host_avail_pages);
	EXPECT_GE(3u, s1.state);

	steps = sysfs_u64(MVMM_SYSFS_MISC "/monitor/steps");
	EXPECT_LE(s1.steps, steps);
	EXPECT_EQ(s1.host_total_pages,
		  sysfs_u64(MVMM_SYSFS_MISC "/monitor/host_total_pages"));
	ASSERT_EQ(0, read_text_file(MVMM_SYSFS_MISC "/monitor/state", state,
				    sizeof(state)));
	EXPECT_TRUE(!strncmp(state, "high", 4) || !strncmp(state, "soft", 4) ||
		    !strncmp(state, "hard", 4) || !strncmp(state, "low", 3))
		TH_LOG("state '%s'", state);
}

TEST_F(admin, sysfs_vm_dir)
{
	char path[128], comm[32];

	snprintf(path, sizeof(path), SYSFS_VM "/%u/owner_pid", self->a.id);
	EXPECT_EQ((uint64_t)getpid(), sysfs_u64(path));
	snprintf(path, sizeof(path), SYSFS_VM "/%u/mem_bytes", self->a.id);
	EXPECT_EQ(RAM_SIZE, sysfs_u64(path));
	snprintf(path, sizeof(path), SYSFS_VM "/%u/balloon_target_pages",
		 self->a.id);
	EXPECT_EQ(16ull, sysfs_u64(path));
	snprintf(path, sizeof(path), SYSFS_VM "/%u/floor_pages", self->a.id);
	EXPECT_EQ(RAM_PAGES / 4, sysfs_u64(path));
	snprintf(path, sizeof(path), SYSFS_VM "/%u/double_paging_pages",
		 self->a.id);
	EXPECT_EQ(0ull, sysfs_u64(path));
	snprintf(path, sizeof(path), SYSFS_VM "/%u/owner_comm", self->a.id);
	ASSERT_EQ(0, read_text_file(path, comm, sizeof(comm)));
	EXPECT_EQ(0, strncmp(comm, "admin_test", 10));
	snprintf(path, sizeof(path), SYSFS_VM "/%u/balloon_mode", self->a.id);
	ASSERT_EQ(0, read_text_file(path, comm, sizeof(comm)));
	EXPECT_EQ(0, strncmp(comm, "manual", 6));

	/* The directory goes with the VM. */
	snprintf(path, sizeof(path), SYSFS_VM "/%u", self->b.id);
	EXPECT_TRUE(path_exists(path));
	admin_vm_free(&self->b);
	EXPECT_FALSE(path_exists(path));
}

TEST_F(admin, stats_interval_errors)
{
	struct minivmm_balloon_interval iv = { .interval_ms = 100 };

	EXPECT_EQ(0, ioctl(self->a.vm->fd, MINIVMM_SET_BALLOON_STATS_INTERVAL, &iv));
	iv.interval_ms = 0;
	EXPECT_EQ(0, ioctl(self->a.vm->fd, MINIVMM_SET_BALLOON_STATS_INTERVAL, &iv));
	iv.interval_ms = 99;
	EXPECT_EQ(-1, ioctl(self->a.vm->fd, MINIVMM_SET_BALLOON_STATS_INTERVAL, &iv));
	EXPECT_EQ(EINVAL, errno);
	iv.interval_ms = 100;
	iv.flags = 1;
	EXPECT_EQ(-1, ioctl(self->a.vm->fd, MINIVMM_SET_BALLOON_STATS_INTERVAL, &iv));
	EXPECT_EQ(EINVAL, errno);
	iv.flags = 0;
	EXPECT_EQ(-1, ioctl(self->b.vm->fd, MINIVMM_SET_BALLOON_STATS_INTERVAL, &iv));
	EXPECT_EQ(ENODEV, errno);
}

static int report_dma(int vm_fd, uint64_t gpa, uint64_t size, uint32_t dir,
		      uint64_t *swapped)
{
	struct minivmm_dma_report r = { .gpa = gpa, .size = size,
					.direction = dir };

	if (ioctl(vm_fd, MINIVMM_REPORT_DMA, &r))
		return -errno;
	if (swapped)
		*swapped = r.swapped_pages;
	return 0;
}

TEST_F(admin, dma_report_errors)
{
	int fd = self->a.vm->fd;
	struct minivmm_dma_report r = { .gpa = RAM_GPA, .size = PAGE,
					.direction = MINIVMM_DMA_TO_DEVICE };

	EXPECT_EQ(0, report_dma(fd, RAM_GPA, PAGE, MINIVMM_DMA_TO_DEVICE, NULL));
	EXPECT_EQ(0, report_dma(fd, RAM_GPA + RAM_SIZE - 1, 1,
				MINIVMM_DMA_FROM_DEVICE, NULL));
	EXPECT_EQ(-EINVAL, report_dma(fd, RAM_GPA, PAGE, 0, NULL));
	EXPECT_EQ(-EINVAL, report_dma(fd, RAM_GPA, PAGE, 3, NULL));
	EXPECT_EQ(-EINVAL, report_dma(fd, RAM_GPA, 0, MINIVMM_DMA_TO_DEVICE, NULL));
	EXPECT_EQ(-EINVAL, report_dma(fd, RAM_GPA, (64ULL << 20) + 1,
				      MINIVMM_DMA_TO_DEVICE, NULL));
	EXPECT_EQ(-EINVAL, report_dma(fd, RAM_GPA - PAGE, PAGE,
				      MINIVMM_DMA_TO_DEVICE, NULL));
	EXPECT_EQ(-EINVAL, report_dma(fd, RAM_GPA + RAM_SIZE - PAGE, PAGE + 1,
				      MINIVMM_DMA_TO_DEVICE, NULL));
	EXPECT_EQ(-EINVAL, report_dma(fd, ~0ULL - 10, 100,
				      MINIVMM_DMA_TO_DEVICE, NULL));
	r.flags = 1;
	EXPECT_EQ(-1, ioctl(fd, MINIVMM_REPORT_DMA, &r));
	EXPECT_EQ(EINVAL, errno);
	r.flags = 0;
	r.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(fd, MINIVMM_REPORT_DMA, &r));
	EXPECT_EQ(EINVAL, errno);
}

/* Swap is configured (by setup-swap.sh in the test host)? */
static bool have_swap(void)
{
	unsigned long long kb = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SwapFree: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb >= 4096;	/* room for the 256 pages pushed out */
}

TEST_F(admin, dma_double_paging)
{
	int fd = self->a.vm->fd;
	struct minivmm_paging_stats ps;
	volatile uint8_t *ram = self->a.ram;
	uint64_t i, swapped = ~0ULL, resident_swapped = ~0ULL;

	ASSERT_TRUE(have_swap()) TH_LOG("no swap: run setup-swap.sh first");
	for (i = 0; i < 512; i++)
		ram[i * PAGE] = (uint8_t)i | 1;
	/* The first 256 pages go to swap, the next 256 stay. */
	ASSERT_EQ(0, madvise(self->a.ram, 256 * PAGE, MADV_PAGEOUT))
		TH_LOG("MADV_PAGEOUT: %m");
	ASSERT_EQ(0, ioctl(fd, MINIVMM_GET_PAGING_STATS, &ps));
	TH_LOG("after pageout: host swapped %llu, resident %llu",
	       (unsigned long long)ps.host_swapped_pages,
	       (unsigned long long)ps.host_resident_pages);
	EXPECT_LE(240ull, ps.host_swapped_pages);
	EXPECT_GE(256ull, ps.host_swapped_pages);
	EXPECT_EQ(512ull - ps.host_swapped_pages, ps.host_resident_pages);

	/* A guest disk write over both halves: only the swapped half counts. */
	ASSERT_EQ(0, report_dma(fd, RAM_GPA, 512 * PAGE, MINIVMM_DMA_TO_DEVICE,
				&swapped));
	EXPECT_EQ(ps.host_swapped_pages, swapped);
	/* A disk read into resident pages counts nothing. */
	ASSERT_EQ(0, report_dma(fd, RAM_GPA + 256 * PAGE, 256 * PAGE,
				MINIVMM_DMA_FROM_DEVICE, &resident_swapped));
	EXPECT_EQ(0ull, resident_swapped);
	/* A disk read into swapped pages, unaligned: pages spanned count. */
	ASSERT_EQ(0, report_dma(fd, RAM_GPA + 100, 2 * PAGE,
				MINIVMM_DMA_FROM_DEVICE, &resident_swapped));
	EXPECT_GE(3ull, resident_swapped);
	EXPECT_LE(2ull, resident_swapped);

	ASSERT_EQ(0, ioctl(fd, MINIVMM_GET_PAGING_STATS, &ps));
	TH_LOG("double paging %llu, stale swap reads %llu, dma reports %llu over %llu pages",
	       (unsigned long long)ps.double_paging_pages,
	       (unsigned long long)ps.stale_swap_read_pages,
	       (unsigned long long)ps.dma_reports,
	       (unsigned long long)ps.dma_pages);
	EXPECT_EQ(swapped, ps.double_paging_pages);
	EXPECT_EQ(resident_swapped, ps.stale_swap_read_pages);
	EXPECT_EQ(3ull, ps.dma_reports);
	EXPECT_EQ(512ull + 256 + 3, ps.dma_pages);
	/* Not a guest access: no host swap-in fault. */
	EXPECT_EQ(0ull, ps.host_swapin_faults);
	/* The data survived the trip through swap. */
	for (i = 0; i < 512; i++)
		ASSERT_EQ((uint8_t)i | 1, ram[i * PAGE]);
}

/* Runs @fn as user nobody, with /dev/minivmm opened to everyone meanwhile. */
static int as_nobody(int (*fn)(void))
{
	int status = -1;
	pid_t pid;

	if (chmod(MVMM_DEV, 0666))
		return -1;
	pid = fork();
	if (!pid) {
		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(100);
		_exit(fn());
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	chmod(MVMM_DEV, 0600);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* 0 when every admin ioctl says EPERM and VM creation works; else which. */
static int nobody_calls(void)
{
	static const unsigned long cmds[] = {
		MINIVMM_ADMIN_LIST_VMS, MINIVMM_ADMIN_GET_VM_STATS,
		MINIVMM_ADMIN_SET_VM_BALLOON, MINIVMM_ADMIN_GET_POLICY,
		MINIVMM_ADMIN_SET_POLICY, MINIVMM_ADMIN_GET_MONITOR,
	};
	static char buf[4096];
	int fd = mvmm_open(), vm;
	unsigned int i;

	if (fd < 0)
		return 50;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (ioctl(fd, cmds[i], buf) != -1 || errno != EPERM)
			return 1 + i;
	vm = ioctl(fd, MINIVMM_CREATE_VM, 0);
	if (vm < 0)
		return 60;
	close(vm);
	close(fd);
	return 0;
}

TEST_F(admin, needs_cap_sys_admin)
{
	EXPECT_EQ(0, as_nobody(nobody_calls))
		TH_LOG("1-6: admin ioctl n did not fail with EPERM; 50: open; 60: CREATE_VM; 100: setuid");
}

TEST_HARNESS_MAIN
