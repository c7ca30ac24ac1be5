// SPDX-License-Identifier: GPL-2.0
/*
 * The host memory-pressure monitor, the admin ioctls and the double-paging
 * statistics, with overcommit guests (selftests/ovc/) running the balloon
 * driver and a memory workload.
 *
 *  - pressure.balloons: four VMs, one process each: A (auto, with a floor),
 *    B (auto, with a ceiling), C (manual, with a target), D (auto, a balloon
 *    its guest never drives). A host memory hog, sized at test time, takes
 *    the host below the soft watermark (watermarks raised with SET_POLICY
 *    from MemTotal and MemAvailable, interval 200 ms): A and B inflate
 *    within a few steps, up to their floor and ceiling limits, C keeps its
 *    target, D is reported unresponsive (info.flags and the kernel log).
 *    Freeing the hog deflates A and B back to 0.
 *  - admin.non_root_eperm: a non-root caller (uid 65534, /dev/minivmm
 *    made 0666 for the test) gets EPERM from every admin ioctl but still
 *    creates a VM.
 *  - dma.*: guest RAM pushed to host swap (MADV_PAGEOUT on the VMM's
 *    mapping), then a guest disk write over it counts double paging, a disk
 *    read into it stale swap reads, the guest touching it host swap-in
 *    faults; the same I/O over resident pages counts nothing. Needs swap
 *    (the plan runs setup-swap.sh first).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/virtio_balloon.h>
#include "kselftest_harness.h"
#include "minivmm_util.h"
#include "klog.h"
#include "ovc_guest.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

#define PAGE		MVM_PAGE_SIZE
#define MIB		(1ULL << 20)
#define MIB_PAGES	(MIB / PAGE)
#define ULL(x)		((unsigned long long)(x))

/* ---------------------------------------------------------------------- */
/* pressure                                                                 */
/* ---------------------------------------------------------------------- */

enum { VM_A, VM_B, VM_C, VM_D, NR_VMS };
static const char *const vm_name[NR_VMS] = { "A", "B", "C", "D" };

#define RAM_BYTES	(32 * MIB)
#define A_LIMIT		3000u	/* A's floor leaves it this largest balloon */
#define B_CEILING	1024u
#define C_TARGET	512u
#define INTERVAL_MS	200
#define UNRESP_STEPS	3

FIXTURE(pressure) {
	int fd;
	struct minivmm_policy saved;
	bool restore;
	struct ovc_slot *slots;
	int id[NR_VMS];
	void *hog;
	size_t hog_size;
};

FIXTURE_SETUP(pressure)
{
	self->restore = false;
	self->hog = NULL;
	self->slots = NULL;
	self->fd = mvm_open_dev();
	ASSERT_LE(0, self->fd) TH_LOG("/dev/minivmm: %s", strerror(errno));
	ASSERT_EQ(0, ovc_admin_get_policy(self->fd, &self->saved));
	self->restore = true;
	self->slots = ovc_slots_alloc(NR_VMS);
	ASSERT_NE(NULL, self->slots);
}

FIXTURE_TEARDOWN(pressure)
{
	int i, st;

	if (self->hog)
		munmap(self->hog, self->hog_size);
	if (self->slots) {
		for (i = 0; i < NR_VMS; i++)
			self->slots[i].stop = 1;
		for (i = 0; i < NR_VMS; i++)
			if (self->slots[i].pid > 0 &&
			    waitpid(self->slots[i].pid, &st, 0) < 0)
				kill(self->slots[i].pid, SIGKILL);
	}
	if (self->restore)
		ovc_admin_set_policy(self->fd, &self->saved);
	close(self->fd);
}

/* Did a kernel log line after @marker contain both @a and @b? */
static bool klog_line_after(const char *marker, const char *a, const char *b)
{
	char *log = klog_read_all(), *p, *eol;
	bool found = false;

	p = log ? strstr(log, marker) : NULL;
	while (p && *p && !found) {
		eol = strchr(p, '\n');
		if (eol)
			*eol = 0;
		found = strstr(p, a) && strstr(p, b);
		p = eol ? eol + 1 : NULL;
	}
	free(log);
	return found;
}

struct snap {
	struct minivmm_monitor_status mon;
	struct minivmm_admin_vm_stats st[NR_VMS];
};

static int take_snap(int fd, const int *id, struct snap *s)
{
	int i, r = ovc_admin_monitor(fd, &s->mon);

	for (i = 0; !r && i < NR_VMS; i++)
		r = ovc_admin_vm_stats(fd, id[i], &s->st[i]);
	return r;
}

static void log_snap(struct __test_metadata *_metadata, const char *when,
		     const struct snap *s)
{
	int i;

	TH_LOG("%s: step %llu state %s avail %llu MiB of %llu MiB",
	       when, ULL(s->mon.steps), ovc_state_name(s->mon.state),
	       ULL(s->mon.host_avail_pages / MIB_PAGES),
	       ULL(s->mon.host_total_pages / MIB_PAGES));
	for (i = 0; i < NR_VMS; i++) {
		const struct minivmm_vm_info *in = &s->st[i].info;

		TH_LOG("%s:   vm %s id %u mode %s target %u actual %u floor %llu ceiling %llu flags 0x%x free %llu KiB",
		       when, vm_name[i], in->vm_id,
		       in->balloon_mode == MINIVMM_BALLOON_AUTO ? "auto" : "manual",
		       in->target_pages, in->actual_pages, ULL(in->floor_pages),
		       ULL(in->ceiling_pages), in->flags,
		       ULL(s->st[i].balloon.stats[VIRTIO_BALLOON_S_AVAIL] / 1024));
	}
}

TEST_F_TIMEOUT(pressure, balloons, 900)
{
	struct ovc_config cfg = {
		.ram_bytes = RAM_BYTES,
		.wss_pages = 512,
		.ops_per_chunk = 64,
		.touch_all = 1,
		.balloon = OVC_BALLOON_DRIVER,
		.stats_interval_ms = 200,
	};
	struct minivmm_policy pol;
	struct snap s;
	uint64_t total, avail0, soft, hog_pages, steps0, mem_a, t_end;
	uint64_t first_inflate_step = 0, max_a = 0, max_b = 0;
	uint32_t g;
	char marker[128], needle[64];
	bool unresp_seen = false, c_kept = true;
	int i, st;

	/* The VMs. */
	for (i = 0; i < NR_VMS; i++) {
		struct ovc_config c = cfg;

		c.seed = i + 1;
		if (i == VM_D) {
			c.balloon = OVC_BALLOON_IGNORE;
			c.wss_pages = 0;
		}
		ASSERT_LT(0, ovc_spawn(&c, &self->slots[i]));
	}
	for (i = 0; i < NR_VMS; i++) {
		uint64_t end = mvm_now_ns() + 300ULL * 1000000000;

		while (!self->slots[i].c.ticks && self->slots[i].state <= OVC_RUNNING &&
		       mvm_now_ns() < end)
			usleep(20000);
		ASSERT_EQ(OVC_RUNNING, self->slots[i].state)
			TH_LOG("vm %s: %s", vm_name[i], self->slots[i].err);
		ASSERT_LT(0, self->slots[i].c.ticks) TH_LOG("vm %s never ticked", vm_name[i]);
		self->id[i] = ovc_find_vm_id(self->fd, self->slots[i].pid);
		ASSERT_LT(0, self->id[i]) TH_LOG("vm %s (pid %d): no VM id: %s",
						 vm_name[i], self->slots[i].pid,
						 strerror(-self->id[i]));
	}

	/* Modes, floor, ceiling, manual target. */
	ASSERT_EQ(0, ovc_admin_vm_stats(self->fd, self->id[VM_A], &s.st[VM_A]));
	mem_a = s.st[VM_A].info.mem_bytes / PAGE;
	TH_LOG("vm A: %llu pages of RAM, default floor %llu ceiling %llu",
	       ULL(mem_a), ULL(s.st[VM_A].info.floor_pages),
	       ULL(s.st[VM_A].info.ceiling_pages));
	EXPECT_EQ(mem_a / 4, s.st[VM_A].info.floor_pages);
	EXPECT_EQ(mem_a, s.st[VM_A].info.ceiling_pages);
	EXPECT_EQ(MINIVMM_BALLOON_MANUAL, s.st[VM_A].info.balloon_mode);
	ASSERT_LT(A_LIMIT, mem_a);
	ASSERT_EQ(0, ovc_admin_set_balloon(self->fd, self->id[VM_A],
					   MINIVMM_BALLOON_SET_MODE | MINIVMM_BALLOON_SET_FLOOR,
					   MINIVMM_BALLOON_AUTO, 0, mem_a - A_LIMIT, 0));
	ASSERT_EQ(0, ovc_admin_set_balloon(self->fd, self->id[VM_B],
					   MINIVMM_BALLOON_SET_MODE | MINIVMM_BALLOON_SET_CEILING,
					   MINIVMM_BALLOON_AUTO, 0, 0, B_CEILING));
	ASSERT_EQ(0, ovc_admin_set_balloon(self->fd, self->id[VM_C],
					   MINIVMM_BALLOON_SET_TARGET, 0, C_TARGET, 0, 0));
	ASSERT_EQ(0, ovc_admin_set_balloon(self->fd, self->id[VM_D],
					   MINIVMM_BALLOON_SET_MODE,
					   MINIVMM_BALLOON_AUTO, 0, 0, 0));
	/* Out of range: more than the VM's RAM. */
	EXPECT_EQ(-ERANGE, ovc_admin_set_balloon(self->fd, self->id[VM_B],
						 MINIVMM_BALLOON_SET_CEILING, 0,
						 0, 0, mem_a * 4));

	/* Policy: fast steps, watermarks from this host's memory. */
	ASSERT_EQ(0, take_snap(self->fd, self->id, &s));
	total = s.mon.host_total_pages;
	avail0 = ovc_meminfo_kb("MemAvailable") / 4;
	ASSERT_LT(0, total);
	g = 16 * MIB_PAGES * 10000 / total + 1;		/* 16 MiB in bp */
	pol = self->saved;
	pol.interval_ms = INTERVAL_MS;
	pol.unresponsive_steps = UNRESP_STEPS;
	pol.enabled = 1;
	pol.high_bp = avail0 * 10000 / total - g;
	if (pol.high_bp > 5000)
		pol.high_bp = 5000;
	pol.soft_bp = pol.high_bp - 2 * g;
	pol.hard_bp = pol.soft_bp / 2;
	pol.low_bp = pol.hard_bp / 2;
	ASSERT_LT(4 * g, pol.high_bp) TH_LOG("host too small: %llu of %llu pages available",
					     ULL(avail0), ULL(total));
	ASSERT_EQ(0, ovc_admin_set_policy(self->fd, &pol));
	soft = total * pol.soft_bp / 10000;
	TH_LOG("host: %llu MiB, %llu MiB available; watermarks high %u soft %u hard %u low %u bp (soft %llu MiB)",
	       ULL(total / MIB_PAGES), ULL(avail0 / MIB_PAGES), pol.high_bp,
	       pol.soft_bp, pol.hard_bp, pol.low_bp, ULL(soft / MIB_PAGES));
	usleep(3 * INTERVAL_MS * 1000);
	ASSERT_EQ(0, take_snap(self->fd, self->id, &s));
	log_snap(_metadata, "before", &s);
	EXPECT_EQ(MINIVMM_MONITOR_HIGH, s.mon.state);
	for (i = 0; i < NR_VMS; i++)
		EXPECT_EQ(i == VM_C ? C_TARGET : 0, s.st[i].info.target_pages);

	/* The hog: the host below the soft watermark, by 24 MiB. */
	ASSERT_EQ(0, klog_mark(marker, sizeof(marker)));
	avail0 = ovc_meminfo_kb("MemAvailable") / 4;
	ASSERT_LT(soft, avail0);
	hog_pages = avail0 - soft + 24 * MIB_PAGES;
	self->hog_size = hog_pages * PAGE;
	TH_LOG("hog: %llu MiB", ULL(hog_pages / MIB_PAGES));
	self->hog = mmap(NULL, self->hog_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->hog);
	ASSERT_EQ(0, ovc_admin_monitor(self->fd, &s.mon));
	steps0 = s.mon.steps;
	TH_LOG("hog in place at step %llu, MemAvailable %llu MiB",
	       ULL(steps0), ULL(ovc_meminfo_kb("MemAvailable") / 1024));

	t_end = mvm_now_ns() + 60ULL * 1000000000;
	for (;;) {
		ASSERT_EQ(0, take_snap(self->fd, self->id, &s));
		if (!first_inflate_step && s.st[VM_A].info.target_pages)
			first_inflate_step = s.mon.steps;
		if (s.st[VM_A].info.target_pages > max_a)
			max_a = s.st[VM_A].info.target_pages;
		if (s.st[VM_B].info.target_pages > max_b)
			max_b = s.st[VM_B].info.target_pages;
		if (s.st[VM_C].info.target_pages != C_TARGET ||
		    s.st[VM_C].info.balloon_mode != MINIVMM_BALLOON_MANUAL)
			c_kept = false;
		if (s.st[VM_D].info.flags & MINIVMM_VM_UNRESPONSIVE)
			unresp_seen = true;
		if (s.st[VM_A].info.actual_pages == A_LIMIT &&
		    s.st[VM_B].info.actual_pages == B_CEILING &&
		    s.st[VM_C].info.actual_pages == C_TARGET && unresp_seen)
			break;
		if (mvm_now_ns() > t_end)
			break;
		usleep(50000);
	}
	log_snap(_metadata, "pressure", &s);
	TH_LOG("first inflation of A at step %llu (hog at step %llu); largest targets A %llu B %llu",
	       ULL(first_inflate_step), ULL(steps0), ULL(max_a), ULL(max_b));
	EXPECT_NE(MINIVMM_MONITOR_HIGH, s.mon.state);
	ASSERT_NE(0, first_inflate_step) TH_LOG("A's balloon was never inflated");
	EXPECT_GE(steps0 + 3, first_inflate_step);
	EXPECT_EQ(A_LIMIT, max_a);
	EXPECT_EQ(A_LIMIT, s.st[VM_A].info.actual_pages);
	EXPECT_EQ(B_CEILING, max_b);
	EXPECT_EQ(B_CEILING, s.st[VM_B].info.actual_pages);
	EXPECT_TRUE(c_kept);
	EXPECT_EQ(C_TARGET, s.st[VM_C].info.actual_pages);
	EXPECT_TRUE(unresp_seen);
	EXPECT_EQ(0, s.st[VM_D].info.actual_pages);
	EXPECT_LT(0, s.st[VM_D].info.target_pages);
	EXPECT_LT(0, s.mon.inflate_pages);
	snprintf(needle, sizeof(needle), "minivmm: vm %d (pid %d ",
		 self->id[VM_D], self->slots[VM_D].pid);
	EXPECT_TRUE(klog_line_after(marker, needle, "balloon not following its target"))
		TH_LOG("no kernel log line \"%s... balloon not following its target\"", needle);
	EXPECT_TRUE(klog_line_after(marker, "minivmm: host memory ", ": avail "));
	EXPECT_EQ(0, s.st[VM_A].balloon.invalid_requests);
	EXPECT_LE((uint64_t)A_LIMIT * PAGE, s.st[VM_A].balloon.released_bytes);

	/* Recovery. */
	munmap(self->hog, self->hog_size);
	self->hog = NULL;
	ASSERT_EQ(0, ovc_admin_monitor(self->fd, &s.mon));
	steps0 = s.mon.steps;
	t_end = mvm_now_ns() + 60ULL * 1000000000;
	for (;;) {
		ASSERT_EQ(0, take_snap(self->fd, self->id, &s));
		if (s.st[VM_C].info.target_pages != C_TARGET)
			c_kept = false;
		if (!s.st[VM_A].info.target_pages && !s.st[VM_A].info.actual_pages &&
		    !s.st[VM_B].info.target_pages && !s.st[VM_B].info.actual_pages)
			break;
		if (mvm_now_ns() > t_end)
			break;
		usleep(50000);
	}
	log_snap(_metadata, "recovered", &s);
	TH_LOG("deflated in %llu steps", ULL(s.mon.steps - steps0));
	EXPECT_EQ(MINIVMM_MONITOR_HIGH, s.mon.state);
	EXPECT_EQ(0, s.st[VM_A].info.target_pages);
	EXPECT_EQ(0, s.st[VM_A].info.actual_pages);
	EXPECT_EQ(0, s.st[VM_B].info.target_pages);
	EXPECT_EQ(0, s.st[VM_B].info.actual_pages);
	EXPECT_EQ(0, s.st[VM_D].info.target_pages);
	EXPECT_TRUE(c_kept);
	EXPECT_LT(0, s.mon.deflate_pages);

	/* The guests ran clean. */
	for (i = 0; i < NR_VMS; i++)
		self->slots[i].stop = 1;
	for (i = 0; i < NR_VMS; i++) {
		ASSERT_EQ(self->slots[i].pid, waitpid(self->slots[i].pid, &st, 0));
		TH_LOG("vm %s: ops %llu corrupt %llu swap in %llu out %llu stats sent %llu balloon errors %llu",
		       vm_name[i], ULL(self->slots[i].c.ops),
		       ULL(self->slots[i].c.corrupt), ULL(self->slots[i].c.swap_in),
		       ULL(self->slots[i].c.swap_out), ULL(self->slots[i].c.stats_sent),
		       ULL(self->slots[i].c.balloon_errors));
		EXPECT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st))
			TH_LOG("vm %s: status 0x%x: %s", vm_name[i], st, self->slots[i].err);
		EXPECT_EQ(0, self->slots[i].c.corrupt);
		self->slots[i].pid = 0;
	}
}

/* ---------------------------------------------------------------------- */
/* admin                                                                    */
/* ---------------------------------------------------------------------- */

/* What the unprivileged child saw: errno per admin ioctl, and CREATE_VM. */
struct nonroot_result {
	int uid;
	int open_errno;
	int err[6];
	int create_vm_fd;
	int create_errno;
};

static const char *const admin_names[6] = {
	"LIST_VMS", "GET_VM_STATS", "SET_VM_BALLOON", "GET_POLICY",
	"SET_POLICY", "GET_MONITOR",
};

static void nonroot_child(struct nonroot_result *res, int vm_id)
{
	struct minivmm_admin_vm_stats st;
	struct minivmm_vm_balloon_ctl ctl;
	struct minivmm_monitor_status mon;
	struct minivmm_vm_info info[4];
	struct minivmm_vm_list l;
	struct minivmm_policy pol;
	int fd;

	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		_exit(2);
	res->uid = getuid();
	fd = open("/dev/minivmm", O_RDWR);
	if (fd < 0) {
		res->open_errno = errno;
		_exit(3);
	}
	memset(&l, 0, sizeof(l));
	l.capacity = 4;
	l.vms = (uintptr_t)info;
	res->err[0] = ioctl(fd, MINIVMM_ADMIN_LIST_VMS, &l) ? errno : 0;
	memset(&st, 0, sizeof(st));
	st.vm_id = vm_id;
	res->err[1] = ioctl(fd, MINIVMM_ADMIN_GET_VM_STATS, &st) ? errno : 0;
	memset(&ctl, 0, sizeof(ctl));
	ctl.vm_id = vm_id;
	ctl.flags = MINIVMM_BALLOON_SET_TARGET;
	ctl.target_pages = 1;
	res->err[2] = ioctl(fd, MINIVMM_ADMIN_SET_VM_BALLOON, &ctl) ? errno : 0;
	memset(&pol, 0, sizeof(pol));
	res->err[3] = ioctl(fd, MINIVMM_ADMIN_GET_POLICY, &pol) ? errno : 0;
	pol.high_bp = 600;
	pol.soft_bp = 400;
	pol.hard_bp = 200;
	pol.low_bp = 100;
	pol.step_bp = 500;
	pol.min_change_bp = 25;
	pol.hard_step_mult = 2;
	pol.low_step_mult = 4;
	pol.unresponsive_steps = 5;
	pol.interval_ms = 1000;
	pol.enabled = 0;
	res->err[4] = ioctl(fd, MINIVMM_ADMIN_SET_POLICY, &pol) ? errno : 0;
	memset(&mon, 0, sizeof(mon));
	res->err[5] = ioctl(fd, MINIVMM_ADMIN_GET_MONITOR, &mon) ? errno : 0;
	res->create_vm_fd = ioctl(fd, MINIVMM_CREATE_VM, 0);
	res->create_errno = res->create_vm_fd < 0 ? errno : 0;
	_exit(0);
}

TEST(admin_non_root_eperm)
{
	struct minivmm_policy before, after;
	struct nonroot_result *res;
	struct mvm_vm *vm;
	struct stat sb;
	int fd, id, i, st;
	pid_t pid;

	fd = mvm_open_dev();
	ASSERT_LE(0, fd);
	/* A VM of root's, for the calls that name one. */
	vm = vm_create_empty();
	ASSERT_NE(NULL, vm);
	id = ovc_find_vm_id(fd, getpid());
	ASSERT_LT(0, id);
	ASSERT_EQ(0, ovc_admin_get_policy(fd, &before));
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, res);
	memset(res, 0xff, sizeof(*res));

	ASSERT_EQ(0, stat("/dev/minivmm", &sb));
	ASSERT_EQ(0, chmod("/dev/minivmm", 0666));
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		nonroot_child(res, id);
	waitpid(pid, &st, 0);
	chmod("/dev/minivmm", sb.st_mode & 07777);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st))
		TH_LOG("child status 0x%x (2: setuid failed, 3: open failed: %s)",
		       st, strerror(res->open_errno));
	EXPECT_EQ(65534, res->uid);
	for (i = 0; i < 6; i++) {
		TH_LOG("uid 65534: ADMIN_%s: %s", admin_names[i], strerror(res->err[i]));
		EXPECT_EQ(EPERM, res->err[i]) TH_LOG("ADMIN_%s", admin_names[i]);
	}
	TH_LOG("uid 65534: CREATE_VM: fd %d (%s)", res->create_vm_fd,
	       strerror(res->create_errno));
	EXPECT_LE(0, res->create_vm_fd);
	/* Root still can, and nothing changed. */
	ASSERT_EQ(0, ovc_admin_get_policy(fd, &after));
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
	munmap(res, sizeof(*res));
	vm_free(vm);
	close(fd);
}

/* ---------------------------------------------------------------------- */
/* dma                                                                      */
/* ---------------------------------------------------------------------- */

#define DMA_N		64	/* pages per region */
#define DMA_SLACK	4	/* pages MADV_PAGEOUT may fail to push out */

FIXTURE(dma) {
	struct ovc_vm v;
	bool made;
};

FIXTURE_SETUP(dma)
{
	struct ovc_config cfg = {
		.ram_bytes = 4 * MIB,
		.reserved_pages = 2 * DMA_N,
		.balloon = OVC_BALLOON_NONE,
	};
	int r;

	self->made = false;
	ASSERT_LT(0, ovc_meminfo_kb("SwapTotal"))
		TH_LOG("no swap: the test host must run setup-swap.sh first");
	r = ovc_vm_create(&self->v, &cfg);
	ASSERT_EQ(0, r) TH_LOG("%s", self->v.err);
	self->made = true;
	/* Region X: frames 0..63 (seed 1); region Y: 64..127 (seed 2). */
	ASSERT_EQ(0, ovc_vm_command(&self->v, OVC_CMD_FILL, 0, DMA_N, 1, NULL))
		TH_LOG("%s", self->v.err);
	ASSERT_EQ(0, ovc_vm_command(&self->v, OVC_CMD_FILL, DMA_N, DMA_N, 2, NULL))
		TH_LOG("%s", self->v.err);
}

FIXTURE_TEARDOWN(dma)
{
	if (self->made)
		ovc_vm_destroy(&self->v);
}

static int paging(struct ovc_vm *v, struct minivmm_paging_stats *p)
{
	memset(p, 0, sizeof(*p));
	return ioctl(v->vm->fd, MINIVMM_GET_PAGING_STATS, p) ? -errno : 0;
}

static uint64_t not_resident(void *p, size_t pages)
{
	unsigned char vec[DMA_N];
	uint64_t i, n = 0;

	if (pages > DMA_N || mincore(p, pages * PAGE, vec))
		return ~0ULL;
	for (i = 0; i < pages; i++)
		n += !(vec[i] & 1);
	return n;
}

/* Push frames [f0, f0 + DMA_N) to host swap; how many went. */
static uint64_t page_out(struct ovc_vm *v, uint64_t f0)
{
	void *p = v->ram + f0 * PAGE;
	uint64_t n = 0;
	int i;

	for (i = 0; i < 5 && n < DMA_N; i++) {
		madvise(p, DMA_N * PAGE, MADV_PAGEOUT);
		n = not_resident(p, DMA_N);
	}
	return n;
}

static void log_paging(struct __test_metadata *_metadata, const char *when,
		       const struct minivmm_paging_stats *p)
{
	TH_LOG("%s: swapin_faults %llu double_paging %llu stale_reads %llu dma_reports %llu dma_pages %llu host_swapped %llu resident %llu",
	       when, ULL(p->host_swapin_faults), ULL(p->double_paging_pages),
	       ULL(p->stale_swap_read_pages), ULL(p->dma_reports),
	       ULL(p->dma_pages), ULL(p->host_swapped_pages),
	       ULL(p->host_resident_pages));
}

TEST_F_TIMEOUT(dma, resident_pages_count_nothing, 300)
{
	struct minivmm_paging_stats p0, p1;
	struct ovc_counters c0, c1;
	uint64_t res;

	ASSERT_EQ(0, paging(&self->v, &p0));
	ovc_vm_counters(&self->v, &c0);
	log_paging(_metadata, "before", &p0);
	EXPECT_EQ(0, not_resident(self->v.ram + DMA_N * PAGE, DMA_N));
	ASSERT_EQ(0, ovc_vm_command(&self->v, OVC_CMD_DISK_WRITE, DMA_N, DMA_N, 64, &res));
	EXPECT_EQ(0, res);
	ASSERT_EQ(0, ovc_vm_command(&self->v, OVC_CMD_DISK_READ, DMA_N, DMA_N, 64, &res));
	EXPECT_EQ(0, res);
	ASSERT_EQ(0, ovc_vm_command(&self->v, OVC_CMD_CHECK, DMA_N, DMA_N, 2, &res));
	EXPECT_EQ(0, res) TH_LOG("%llu pages read back wrong", ULL(res));
	ASSERT_EQ(0, paging(&self->v, &p1));
	ovc_vm_counters(&self->v, &c1);
	log_paging(_metadata, "after", &p1);
	EXPECT_EQ(2, c1.dma_reports - c0.dma_reports);
	EXPECT_EQ(0, c1.dma_errors);
	EXPECT_EQ(0, c1.dma_swapped_to_dev - c0.dma_swapped_to_dev);
	EXPECT_EQ(0, c1.dma_swapped_from_dev - c0.dma_swapped_from_dev);
	EXPECT_EQ(p0.double_paging_pages, p1.double_paging_pages);
	EXPECT_EQ(p0.stale_swap_read_pages, p1.stale_swap_read_pages);
	EXPECT_EQ(p0.host_swapin_faults, p1.host_swapin_faults);
	EXPECT_EQ(2, p1.dma_reports - p0.dma_reports);
	EXPECT_EQ(2 * DMA_N, p1.dma_pages - p0.dma_pages);
	EXPECT_EQ(0, p1.double_paging_pages);
	EXPECT_EQ(0, p1.stale_swap_read_pages);
}

TEST_F_TIMEOUT(dma, swapped_pages_count, 300)
{
	struct minivmm_paging_stats p0, p1, p2, p3;
	struct ovc_counters c0, c1, c2;
	uint64_t out, res, d;

	ASSERT_EQ(0, paging(&self->v, &p0));
	log_paging(_metadata, "filled", &p0);

	/* Disk write over swapped-out pages: double paging. */
	out = page_out(&self->v, 0);
	TH_LOG("paged out %llu of %d pages", ULL(out), DMA_N);
	ASSERT_LE(DMA_N - DMA_SLACK, out) TH_LOG("MADV_PAGEOUT did not push the pages to swap");
	ASSERT_EQ(0, paging(&self->v, &p1));
	log_paging(_metadata, "paged out", &p1);
	EXPECT_LE(out, p1.host_swapped_pages);
	ovc_vm_counters(&self->v, &c0);
	ASSERT_EQ(0, ovc_vm_command(&self->v, OVC_CMD_DISK_WRITE, 0, DMA_N, 0, &res));
	EXPECT_EQ(0, res);
	ovc_vm_counters(&self->v, &c1);
	ASSERT_EQ(0, paging(&self->v, &p2));
	log_paging(_metadata, "disk write", &p2);
	d = c1.dma_swapped_to_dev - c0.dma_swapped_to_dev;
	TH_LOG("REPORT_DMA(TO_DEVICE) swapped_pages %llu", ULL(d));
	EXPECT_LE(out, d);
	EXPECT_GE(DMA_N, d);
	EXPECT_EQ(d, p2.double_paging_pages - p1.double_paging_pages);
	EXPECT_EQ(p1.stale_swap_read_pages, p2.stale_swap_read_pages);
	EXPECT_EQ(p1.host_swapin_faults, p2.host_swapin_faults);

	/* Disk read into swapped-out pages: stale swap reads. */
	out = page_out(&self->v, 0);
	ASSERT_LE(DMA_N - DMA_SLACK, out);
	ASSERT_EQ(0, paging(&self->v, &p1));
	ASSERT_EQ(0, ovc_vm_command(&self->v, OVC_CMD_DISK_READ, 0, DMA_N, 0, &res));
	EXPECT_EQ(0, res);
	ovc_vm_counters(&self->v, &c2);
	ASSERT_EQ(0, paging(&self->v, &p2));
	log_paging(_metadata, "disk read", &p2);
	d = c2.dma_swapped_from_dev - c1.dma_swapped_from_dev;
	TH_LOG("REPORT_DMA(FROM_DEVICE) swapped_pages %llu", ULL(d));
	EXPECT_LE(out, d);
	EXPECT_GE(DMA_N, d);
	EXPECT_EQ(d, p2.stale_swap_read_pages - p1.stale_swap_read_pages);
	EXPECT_EQ(p1.double_paging_pages, p2.double_paging_pages);
	EXPECT_EQ(p1.host_swapin_faults, p2.host_swapin_faults);

	/* The guest touches swapped-out pages: host swap-in faults. */
	out = page_out(&self->v, 0);
	ASSERT_LE(DMA_N - DMA_SLACK, out);
	ASSERT_EQ(0, paging(&self->v, &p2));
	ASSERT_EQ(0, ovc_vm_command(&self->v, OVC_CMD_CHECK, 0, DMA_N, 1, &res));
	EXPECT_EQ(0, res) TH_LOG("%llu pages lost their contents", ULL(res));
	ASSERT_EQ(0, paging(&self->v, &p3));
	log_paging(_metadata, "guest read", &p3);
	d = p3.host_swapin_faults - p2.host_swapin_faults;
	TH_LOG("host swap-in faults: %llu for %llu pages paged out", ULL(d), ULL(out));
	EXPECT_LE(out / 2, d);
	EXPECT_GE(DMA_N + DMA_SLACK, d);
	EXPECT_EQ(p2.double_paging_pages, p3.double_paging_pages);
	EXPECT_EQ(p2.stale_swap_read_pages, p3.stale_swap_read_pages);
	EXPECT_EQ(0, c2.dma_errors);
}

TEST_HARNESS_MAIN
