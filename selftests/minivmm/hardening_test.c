// SPDX-License-Identifier: GPL-2.0
/*
 * What a guest or an unprivileged VMM must not do to the host (issue 15):
 *
 *  - vcpu_fd_failure: CREATE_VCPU whose fd cannot be installed (EMFILE)
 *    gives back everything (kernel_bytes, the id) - the vCPU is published
 *    before its fd and unpublished on failure.
 *  - slot_over_device / device_over_slot: a memory slot may not cover an
 *    in-kernel device's window, nor a window a slot (-EEXIST).
 *  - balloon_far_slot: a 4 KiB slot at 8 TiB or 2^45 plus CREATE_BALLOON
 *    costs kilobytes, not the 512 MiB of bitmaps sized by the highest
 *    guest-physical address; more than 1 TiB of writable slots: -E2BIG.
 *  - balloon_huge_chains: 16 inflate chains of 48 MiB of PFNs each stop
 *    the device at the first (-E2BIG, nothing walked) instead of keeping
 *    the vCPU in the kernel for 201 million frames; a SIGKILLed VMM in
 *    the middle is reaped promptly and another process's CREATE_VM does
 *    not wait (both measured against the RTC).
 *  - balloon_budget: 16 chains of 64 Ki frames are served a budget at a
 *    time (the guest sees part of them used right after its notify) and
 *    all of them end up used, from later vCPU entries.
 *  - balloon_signal: a signal arriving while those chains are served
 *    ends RUN (-EINTR) with chains still waiting; RUN again serves them.
 *  - monitor_stuck_vm: a VM whose balloon access sleeps on a
 *    userfaultfd page (holding its mmio_lock) while the monitor samples
 *    it does not stop another process from creating and destroying a VM.
 *  - sysfs_private: the per-VM sysfs files are root's only (0400): user
 *    nobody cannot read them; root reads the right figures.
 *
 * The rings are globals of this binary (the guest sees them at the same
 * addresses); the guest only pokes the device's registers.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/virtio_balloon.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <linux/userfaultfd.h>
#include "kselftest_harness.h"
#include "minivmm_util.h"
#include "balloon_host.h"
#include "mvmm.h"

#define PAGE		MVM_PAGE_SIZE
#define MIB		(1ULL << 20)
#define TIB		(1ULL << 40)
#define BALLOON_MMIO	0xd0000000ULL
#define BALLOON_VECTOR	0x42
#define NOBODY		65534

#define F_VERSION_1	(1ULL << VIRTIO_F_VERSION_1)
#define S_ACK		VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRV		VIRTIO_CONFIG_S_DRIVER
#define S_FOK		VIRTIO_CONFIG_S_FEATURES_OK
#define S_DOK		VIRTIO_CONFIG_S_DRIVER_OK
#define S_ALL		(S_ACK | S_DRV | S_FOK | S_DOK)

static uint64_t rtc_now(void)
{
	char buf[32];

	if (read_text_file("/sys/class/rtc/rtc0/since_epoch", buf, sizeof(buf)))
		return time(NULL);
	return strtoull(buf, NULL, 10);
}

static uint64_t kernel_bytes(int vm_fd)
{
	struct minivmm_mem_stats st;

	if (ioctl(vm_fd, MINIVMM_GET_MEM_STATS, &st))
		return ~0ULL;
	return st.kernel_bytes;
}

static int create_balloon(int vm_fd, uint64_t base)
{
	struct minivmm_balloon_config cfg = {
		.mmio_base = base,
		.irq_vector = BALLOON_VECTOR,
	};

	return ioctl(vm_fd, MINIVMM_CREATE_BALLOON, &cfg) ? -errno : 0;
}

/* ---------------------------------------------------------------------- */
/* Item 8: the vCPU is published before its fd, unpublished on failure    */
/* ---------------------------------------------------------------------- */

TEST(vcpu_fd_failure)
{
	struct rlimit old, lim;
	struct mvm_vm *vm = vm_create_empty();
	int fds[128], nfd = 0, fd, i;
	uint64_t before;

	ASSERT_NE(NULL, vm);
	before = kernel_bytes(vm->fd);
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	/* Use up every descriptor below a small limit. */
	lim = old;
	lim.rlim_cur = 64;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
	while (nfd < 128) {
		fd = dup(0);
		if (fd < 0)
			break;
		fds[nfd++] = fd;
	}
	ASSERT_EQ(EMFILE, errno);
	ASSERT_LT(1, nfd);
	errno = 0;
	EXPECT_EQ(-1, ioctl(vm->fd, MINIVMM_CREATE_VCPU, 0));
	EXPECT_EQ(EMFILE, errno);
	/* Nothing of it is left: not its memory, not its id. */
	EXPECT_EQ(before, kernel_bytes(vm->fd));
	close(fds[--nfd]);
	fd = ioctl(vm->fd, MINIVMM_CREATE_VCPU, 0);
	EXPECT_LE(0, fd) TH_LOG("CREATE_VCPU 0 after the failure: %s",
				strerror(errno));
	EXPECT_LT(before, kernel_bytes(vm->fd));
	if (fd >= 0) {
		errno = 0;
		close(fds[--nfd]);
		EXPECT_EQ(-1, ioctl(vm->fd, MINIVMM_CREATE_VCPU, 0));
		EXPECT_EQ(EEXIST, errno);
		close(fd);
	}
	for (i = 0; i < nfd; i++)
		close(fds[i]);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	vm_free(vm);
}

/* ---------------------------------------------------------------------- */
/* Item 19: slots and device windows never overlap                         */
/* ---------------------------------------------------------------------- */

TEST(slot_over_device)
{
	struct mvm_vm *vm = vm_create_empty();
	void *mem;

	ASSERT_NE(NULL, vm);
	mem = mmap(NULL, 4 * MIB, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, create_balloon(vm->fd, BALLOON_MMIO));
	/* Covering the window, from below, from its page, from above. */
	EXPECT_EQ(-EEXIST, vm_set_region(vm, 0, 0, BALLOON_MMIO - 2 * MIB,
					 4 * MIB, mem));
	EXPECT_EQ(-EEXIST, vm_set_region(vm, 0, 0, BALLOON_MMIO, PAGE, mem));
	EXPECT_EQ(-EEXIST, vm_set_region(vm, 0, MINIVMM_MEM_READONLY,
					 BALLOON_MMIO - PAGE, 2 * PAGE, mem));
	/* Right next to it, either side: fine. */
	EXPECT_EQ(0, vm_set_region(vm, 0, 0, BALLOON_MMIO - 2 * MIB, 2 * MIB,
				   mem));
	EXPECT_EQ(0, vm_set_region(vm, 1, 0, BALLOON_MMIO + PAGE, 2 * MIB,
				   mem));
	/* Moving a slot over it is refused too. */
	EXPECT_EQ(-EEXIST, vm_set_region(vm, 1, 0, BALLOON_MMIO, 2 * MIB, mem));
	vm_free(vm);
	munmap(mem, 4 * MIB);
}

TEST(device_over_slot)
{
	struct mvm_vm *vm = vm_create_empty();
	void *mem;

	ASSERT_NE(NULL, vm);
	mem = mmap(NULL, 2 * MIB, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, vm_set_region(vm, 0, 0, BALLOON_MMIO, 2 * MIB, mem));
	EXPECT_EQ(-EEXIST, create_balloon(vm->fd, BALLOON_MMIO + MIB));
	EXPECT_EQ(-EEXIST, create_balloon(vm->fd, BALLOON_MMIO));
	EXPECT_EQ(0, create_balloon(vm->fd, BALLOON_MMIO + 2 * MIB));
	vm_free(vm);
	munmap(mem, 2 * MIB);
}

/* ---------------------------------------------------------------------- */
/* New, host memory: balloon structures sized by the slots                 */
/* ---------------------------------------------------------------------- */

static void far_slot(struct __test_metadata *_metadata, uint64_t gpa)
{
	uint64_t avail0, avail1, kb0, kb1;
	struct mvm_vm *vm = vm_create_empty();
	void *mem;
	int r;

	ASSERT_NE(NULL, vm);
	mem = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, vm_set_region(vm, 0, 0, gpa, PAGE, mem));
	avail0 = mvm_proc_kb("/proc/meminfo", "MemAvailable");
	kb0 = kernel_bytes(vm->fd);
	r = create_balloon(vm->fd, BALLOON_MMIO);
	kb1 = kernel_bytes(vm->fd);
	avail1 = mvm_proc_kb("/proc/meminfo", "MemAvailable");
	TH_LOG("slot at 0x%llx: CREATE_BALLOON %d, kernel_bytes %llu -> %llu, MemAvailable %llu -> %llu kB",
	       (unsigned long long)gpa, r, (unsigned long long)kb0,
	       (unsigned long long)kb1, (unsigned long long)avail0,
	       (unsigned long long)avail1);
	EXPECT_EQ(0, r);
	EXPECT_GT(64 * 1024, kb1 - kb0);
	EXPECT_GT(16 * 1024, (int64_t)(avail0 - avail1));
	vm_free(vm);
	munmap(mem, PAGE);
}

TEST(balloon_far_slot)
{
	far_slot(_metadata, 8 * TIB);
	far_slot(_metadata, 1ULL << 45);
}

TEST(balloon_ram_limit)
{
	struct mvm_vm *vm = vm_create_empty();
	size_t size = 2 * TIB;
	void *mem;

	ASSERT_NE(NULL, vm);
	/* Address space only: read-only, nothing reserved, nothing touched. */
	mem = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		   MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		SKIP(return, "no 2 TiB of address space: %s", strerror(errno));
	ASSERT_EQ(0, vm_set_region(vm, 0, 0, TIB, size, mem));
	EXPECT_EQ(-E2BIG, create_balloon(vm->fd, BALLOON_MMIO));
	/* Read-only, it holds no frame a balloon could take. */
	ASSERT_EQ(0, vm_set_region(vm, 0, MINIVMM_MEM_READONLY, TIB, size,
				   mem));
	EXPECT_EQ(0, create_balloon(vm->fd, BALLOON_MMIO));
	vm_free(vm);
	munmap(mem, size);
}

/* ---------------------------------------------------------------------- */
/* Item 3: balloon work per notify is bounded, and signals end RUN         */
/* ---------------------------------------------------------------------- */

enum { SYNC_READY = 0x100, SYNC_RESULT };
enum { CMD_EXIT, CMD_W32, CMD_R32, CMD_NOTIFY };

#define NCHAINS		16
#define QN		16
#define CHAIN_FRAMES	65536		/* 256 KiB of PFNs: the most allowed */
#define HUGE_BYTES	(48 * MIB)
#define HUGE_GPA	0xc0000000ULL

static volatile uint64_t g_cmd, g_arg[2];
static volatile uint64_t g_notified, g_wait;
/* PFN 0 (no slot there): each frame is refused, cheaply, and counted. */
static uint32_t g_pfns[CHAIN_FRAMES] __attribute__((aligned(4096)));
static uint8_t g_ring[4 * 4096] __attribute__((aligned(4096)));

/*
 * CMD_NOTIFY: write QueueNotify (arg0 = queue), read the used index at
 * arg1 right after, then (if g_wait) poll it until all NCHAINS chains are
 * used.
 */
GUEST_CODE static void guest_main(void)
{
	volatile uint8_t *mmio = (volatile uint8_t *)BALLOON_MMIO;
	uint64_t cmd, res[2], i;
	volatile uint16_t *used;

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
		case CMD_NOTIFY:
			used = (volatile uint16_t *)g_arg[1];
			g_notified = 1;
			*(volatile uint32_t *)(mmio + VIRTIO_MMIO_QUEUE_NOTIFY) =
				(uint32_t)g_arg[0];
			res[0] = *used;
			for (i = 0; g_wait && i < 4000000000ULL &&
				    *used != NCHAINS; i++)
				;
			res[1] = *used;
			break;
		default:
			GUEST_DONE();
			return;
		}
		GUEST_SYNC(SYNC_RESULT, cmd, res[0], res[1]);
	}
}

FIXTURE(bq) {
	struct mvm_vm *vm;
	struct mvm_vcpu *vcpu;
	void *huge;
	struct vring vr;
	uint64_t res[2];
};

static void guest_cmd(struct __test_metadata *_metadata, FIXTURE_DATA(bq) *self,
		      uint64_t cmd, uint64_t a0, uint64_t a1)
{
	struct ucall uc;

	g_cmd = cmd;
	g_arg[0] = a0;
	g_arg[1] = a1;
	ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(SYNC_RESULT, uc.args[0]);
	self->res[0] = uc.args[2];
	self->res[1] = uc.args[3];
	ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(SYNC_READY, uc.args[0]);
}

#define W(off, v)	guest_cmd(_metadata, self, CMD_W32, (off), (v))
#define R(off)		(guest_cmd(_metadata, self, CMD_R32, (off), 0), \
			 (uint32_t)self->res[0])

/* Reset, VERSION_1 only, inflate queue of QN entries at g_ring, DRIVER_OK. */
static void bring_up(struct __test_metadata *_metadata, FIXTURE_DATA(bq) *self)
{
	uint64_t desc, avail, used;

	memset(g_ring, 0, sizeof(g_ring));
	vring_init(&self->vr, QN, g_ring, 4096);
	desc = (uintptr_t)self->vr.desc;
	avail = (uintptr_t)self->vr.avail;
	used = (uintptr_t)self->vr.used;
	W(VIRTIO_MMIO_STATUS, 0);
	W(VIRTIO_MMIO_STATUS, S_ACK);
	W(VIRTIO_MMIO_STATUS, S_ACK | S_DRV);
	W(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	W(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(F_VERSION_1 >> 32));
	W(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	W(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)F_VERSION_1);
	W(VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
	W(VIRTIO_MMIO_QUEUE_SEL, 0);
	W(VIRTIO_MMIO_QUEUE_NUM, QN);
	W(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	W(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	W(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
	W(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(avail >> 32));
	W(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
	W(VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(used >> 32));
	W(VIRTIO_MMIO_QUEUE_READY, 1);
	ASSERT_EQ(1, R(VIRTIO_MMIO_QUEUE_READY));
	W(VIRTIO_MMIO_STATUS, S_ALL);
	ASSERT_EQ(S_ALL, R(VIRTIO_MMIO_STATUS));
}

/* NCHAINS one-descriptor chains of @len bytes at @addr, made available. */
static void post_chains(FIXTURE_DATA(bq) *self, uint64_t addr, uint32_t len)
{
	uint16_t i;

	for (i = 0; i < NCHAINS; i++) {
		self->vr.desc[i].addr = addr;
		self->vr.desc[i].len = len;
		self->vr.desc[i].flags = 0;
		self->vr.desc[i].next = 0;
		self->vr.avail->ring[i] = i;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	self->vr.avail->idx = NCHAINS;
}

static uint16_t used_idx(FIXTURE_DATA(bq) *self)
{
	return *(volatile uint16_t *)&self->vr.used->idx;
}

static void bq_prepare(struct __test_metadata *_metadata, FIXTURE_DATA(bq) *self)
{
	struct ucall uc;
	int r;

	self->vm = vm_create();
	ASSERT_NE(NULL, self->vm);
	self->huge = mvm_map_at(HUGE_GPA, HUGE_BYTES);
	ASSERT_NE(NULL, self->huge);
	/* Never touched: reads see the zero page, PFN 0 everywhere. */
	r = vm_add_region(self->vm, 0, HUGE_GPA, HUGE_BYTES, self->huge);
	ASSERT_LE(0, r);
	ASSERT_EQ(0, create_balloon(self->vm->fd, BALLOON_MMIO));
	self->vcpu = vm_add_vcpu(self->vm, 0, guest_main);
	ASSERT_NE(NULL, self->vcpu);
	ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(SYNC_READY, uc.args[0]);
	g_notified = 0;
	g_wait = 0;
}

FIXTURE_SETUP(bq)
{
	bq_prepare(_metadata, self);
}

FIXTURE_TEARDOWN(bq)
{
	vm_free(self->vm);
	munmap(self->huge, HUGE_BYTES);
}

static void bstats(struct __test_metadata *_metadata, FIXTURE_DATA(bq) *self,
		   struct minivmm_balloon_status *st)
{
	ASSERT_EQ(0, vm_balloon_status(self->vm, st));
	TH_LOG("used %u: invalid=%llu errors=%llu needs_reset=%u inflate_requests=%llu",
	       used_idx(self), (unsigned long long)st->invalid_requests,
	       (unsigned long long)st->protocol_errors, st->needs_reset,
	       (unsigned long long)st->inflate_requests);
}

TEST_F(bq, balloon_huge_chains)
{
	struct minivmm_balloon_status st;
	uint64_t t0 = rtc_now();

	bring_up(_metadata, self);
	post_chains(self, HUGE_GPA, HUGE_BYTES);
	guest_cmd(_metadata, self, CMD_NOTIFY, 0,
		  (uintptr_t)&self->vr.used->idx);
	bstats(_metadata, self, &st);
	TH_LOG("notify of %u x %llu MiB of PFNs: %llu RTC seconds", NCHAINS,
	       HUGE_BYTES / MIB, (unsigned long long)(rtc_now() - t0));
	/* Refused at the first chain, before walking any of it. */
	EXPECT_EQ(1, st.needs_reset);
	EXPECT_EQ(1, st.protocol_errors);
	EXPECT_EQ(0, st.invalid_requests);
	EXPECT_EQ(0, used_idx(self));
}

TEST_F(bq, balloon_budget)
{
	struct minivmm_balloon_status st;

	bring_up(_metadata, self);
	post_chains(self, (uintptr_t)g_pfns, sizeof(g_pfns));
	g_wait = 1;
	guest_cmd(_metadata, self, CMD_NOTIFY, 0,
		  (uintptr_t)&self->vr.used->idx);
	bstats(_metadata, self, &st);
	TH_LOG("used right after the notify: %llu, at the end: %llu",
	       (unsigned long long)self->res[0],
	       (unsigned long long)self->res[1]);
	/* One notify (and one service before re-entry) did part of it. */
	EXPECT_LT(0, self->res[0]);
	EXPECT_GT(NCHAINS, self->res[0]);
	/* The rest came from later entries. */
	EXPECT_EQ(NCHAINS, self->res[1]);
	EXPECT_EQ(0, st.protocol_errors);
	EXPECT_EQ((uint64_t)NCHAINS * CHAIN_FRAMES, st.invalid_requests);
}

static volatile int g_stop_signals;
static pid_t g_vcpu_tid;

static void on_usr1(int sig)
{
}

static void *signaller(void *arg)
{
	while (!g_stop_signals) {
		syscall(SYS_tgkill, getpid(), g_vcpu_tid, SIGUSR1);
		usleep(200);
	}
	return NULL;
}

TEST_F(bq, balloon_signal)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct minivmm_balloon_status st;
	unsigned int eintr = 0, mid = 0, runs = 0;
	struct ucall uc;
	pthread_t t;
	uint64_t got;
	int r;

	bring_up(_metadata, self);
	post_chains(self, (uintptr_t)g_pfns, sizeof(g_pfns));
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	g_wait = 1;
	g_vcpu_tid = syscall(SYS_gettid);
	g_stop_signals = 0;
	ASSERT_EQ(0, pthread_create(&t, NULL, signaller, NULL));
	g_cmd = CMD_NOTIFY;
	g_arg[0] = 0;
	g_arg[1] = (uintptr_t)&self->vr.used->idx;
	for (;;) {
		runs++;
		r = vcpu_run(self->vcpu);
		if (r == -EINTR) {
			eintr++;
			if (g_notified && used_idx(self) < NCHAINS)
				mid++;
			continue;
		}
		break;
	}
	g_stop_signals = 1;
	pthread_join(t, NULL);
	signal(SIGUSR1, SIG_DFL);
	ASSERT_EQ(0, r);
	got = get_ucall(self->vcpu, &uc);
	ASSERT_EQ(UCALL_SYNC, got);
	ASSERT_EQ(SYNC_RESULT, uc.args[0]);
	bstats(_metadata, self, &st);
	TH_LOG("%u RUNs, %u ended by the signal, %u of them with chains waiting",
	       runs, eintr, mid);
	EXPECT_LT(0, mid);
	EXPECT_EQ(NCHAINS, uc.args[3]);
	EXPECT_EQ((uint64_t)NCHAINS * CHAIN_FRAMES, st.invalid_requests);
}

/*
 * A VMM killed while its guest's notify is being served is reaped at
 * once; meanwhile another process creates a VM without waiting.
 */
TEST(balloon_kill)
{
	uint64_t t0, t_create, t_reap;
	int p[2], status, dev, vmfd;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		FIXTURE_DATA(bq) data, *self = &data;

		/* A VM of this process: VM fds answer only their creator. */
		close(p[0]);
		bq_prepare(_metadata, self);
		bring_up(_metadata, self);
		post_chains(self, HUGE_GPA, HUGE_BYTES);
		g_cmd = CMD_NOTIFY;
		g_arg[0] = 0;
		g_arg[1] = (uintptr_t)&self->vr.used->idx;
		if (write(p[1], "g", 1) != 1)
			_exit(2);
		for (;;)
			vcpu_run(self->vcpu);
	}
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &c, 1));
	close(p[0]);
	usleep(20000);
	t0 = rtc_now();
	dev = mvmm_open();
	ASSERT_LE(0, dev);
	vmfd = ioctl(dev, MINIVMM_CREATE_VM, 0);
	t_create = rtc_now() - t0;
	EXPECT_LE(0, vmfd);
	if (vmfd >= 0)
		close(vmfd);
	close(dev);
	t0 = rtc_now();
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	t_reap = rtc_now() - t0;
	TH_LOG("CREATE_VM meanwhile: %llu s, reaped %llu s after SIGKILL (RTC)",
	       (unsigned long long)t_create, (unsigned long long)t_reap);
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_GE(5, t_create);
	EXPECT_GE(5, t_reap);
}

/* ---------------------------------------------------------------------- */
/* Item 15: no per-VM lock under the global VM-list lock                    */
/* ---------------------------------------------------------------------- */

#define UFFD_GPA	0xc8000000ULL
#define UFFD_SIZE	(1 * MIB)

struct stuck_run {
	FIXTURE_DATA(bq) *self;
	int r;
	uint64_t ucall;
};

static void *stuck_vcpu(void *arg)
{
	struct stuck_run *sr = arg;

	do
		sr->r = vcpu_run(sr->self->vcpu);
	while (sr->r == -EINTR);
	sr->ucall = get_ucall(sr->self->vcpu, NULL);
	return NULL;
}

static int policy(int dev, struct minivmm_policy *old, uint32_t interval_ms)
{
	struct minivmm_policy p;

	if (ioctl(dev, MINIVMM_ADMIN_GET_POLICY, &p))
		return -errno;
	if (old)
		*old = p;
	p.interval_ms = interval_ms;
	return ioctl(dev, MINIVMM_ADMIN_SET_POLICY, &p) ? -errno : 0;
}

TEST(monitor_stuck_vm)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { 0 };
	struct uffdio_zeropage zp = { 0 };
	FIXTURE_DATA(bq) data, *self = &data;
	struct stuck_run sr = { .self = self };
	struct minivmm_policy old;
	struct pollfd pfd;
	struct uffd_msg msg;
	uint64_t t0, waited = 0;
	int uffd, dev, status = -1;
	bool done = false;
	pthread_t t;
	void *mem;
	pid_t pid;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	dev = mvmm_open();
	ASSERT_LE(0, dev);
	/* Steps every 100 ms, set before any step can get stuck. */
	ASSERT_EQ(0, policy(dev, &old, 100));
	bq_prepare(_metadata, self);
	mem = mvm_map_at(UFFD_GPA, UFFD_SIZE);
	ASSERT_NE(NULL, mem);
	ASSERT_LE(0, vm_add_region(self->vm, 0, UFFD_GPA, UFFD_SIZE, mem));
	reg.range.start = UFFD_GPA;
	reg.range.len = UFFD_SIZE;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg));
	bring_up(_metadata, self);
	/* Its PFN array is on a page nobody serves: the device sleeps. */
	post_chains(self, UFFD_GPA, PAGE);
	g_cmd = CMD_NOTIFY;
	g_arg[0] = 0;
	g_arg[1] = (uintptr_t)&self->vr.used->idx;
	ASSERT_EQ(0, pthread_create(&t, NULL, stuck_vcpu, &sr));
	pfd.fd = uffd;
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 600000));
	ASSERT_EQ(sizeof(msg), read(uffd, &msg, sizeof(msg)));
	ASSERT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);
	/* Let monitor steps come and wait for this VM's mmio_lock. */
	usleep(300000);

	t0 = rtc_now();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int d = mvmm_open(), v;

		v = d < 0 ? -1 : ioctl(d, MINIVMM_CREATE_VM, 0);
		if (v < 0)
			_exit(1);
		close(v);	/* and its destruction */
		close(d);
		_exit(0);
	}
	while (rtc_now() - t0 < 30) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			done = true;
			break;
		}
		usleep(2000);
	}
	waited = rtc_now() - t0;
	/* Unstick the VM: its array reads as zeroes (PFN 0, refused). */
	zp.range.start = UFFD_GPA;
	zp.range.len = PAGE;
	ioctl(uffd, UFFDIO_ZEROPAGE, &zp);
	if (!done)
		waitpid(pid, &status, 0);
	pthread_join(t, NULL);
	TH_LOG("another process's CREATE_VM + destroy while the monitor waits on a stuck VM: %s after %llu RTC s",
	       done ? "done" : "still waiting", (unsigned long long)waited);
	EXPECT_TRUE(done);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(0, sr.r);
	EXPECT_EQ(UCALL_SYNC, sr.ucall);
	ioctl(dev, MINIVMM_ADMIN_SET_POLICY, &old);
	close(dev);
	close(uffd);
	vm_free(self->vm);
	munmap(self->huge, HUGE_BYTES);
	munmap(mem, UFFD_SIZE);
}

/* ---------------------------------------------------------------------- */
/* Item 10: per-VM sysfs attributes are root's                              */
/* ---------------------------------------------------------------------- */

TEST(sysfs_private)
{
	static const char *const files[] = {
		"owner_pid", "owner_comm", "mem_bytes", "nr_vcpus",
		"host_swapped_pages", "balloon_target_pages",
	};
	struct mvm_vm *vm = vm_create();
	struct minivmm_vm_info info[64];
	struct minivmm_vm_list l = {
		.capacity = 64, .vms = (uintptr_t)info,
	};
	char dir[128], path[192], buf[64];
	unsigned int i, id = 0;
	struct stat stt;
	int status;
	pid_t pid;

	ASSERT_NE(NULL, vm);
	ASSERT_EQ(0, ioctl(vm->dev_fd, MINIVMM_ADMIN_LIST_VMS, &l));
	for (i = 0; i < l.nr_vms && i < 64; i++)
		if (info[i].owner_pid == (uint32_t)getpid())
			id = info[i].vm_id;
	ASSERT_NE(0, id);
	snprintf(dir, sizeof(dir), MVMM_SYSFS_MISC "/vm/%u", id);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		ASSERT_EQ(0, stat(path, &stt)) TH_LOG("%s", path);
		EXPECT_EQ(0400, stt.st_mode & 0777) TH_LOG("%s", path);
	}
	/* Root reads the right figures. */
	snprintf(path, sizeof(path), "%s/owner_pid", dir);
	ASSERT_EQ(0, read_text_file(path, buf, sizeof(buf)));
	EXPECT_EQ(getpid(), atoi(buf));
	snprintf(path, sizeof(path), "%s/mem_bytes", dir);
	ASSERT_EQ(0, read_text_file(path, buf, sizeof(buf)));
	for (i = 0; i < l.nr_vms && i < 64; i++)
		if (info[i].vm_id == id)
			EXPECT_EQ(info[i].mem_bytes, strtoull(buf, NULL, 10));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(100);
		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			int fd;

			snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
			fd = open(path, O_RDONLY);
			if (fd >= 0 || errno != EACCES)
				_exit(1 + i);
		}
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("100: setuid failed; n: file n-1 readable by nobody");
	vm_free(vm);
}

TEST_HARNESS_MAIN
