// SPDX-License-Identifier: GPL-2.0
/*
 * EPT and memory overcommit: guest memory is the VMM's own pageable,
 * unpinned memory, faulted into EPT on first touch and kept coherent by the
 * MMU notifier. Checked here: a 64 MiB guest in a 24 MiB memory cgroup
 * with swap on zram keeps its data (pages come back from swap: major
 * faults); MADV_DONTNEED, fork() and munmap() of slot memory as the guest
 * sees them; read-only slots; MEM_STATS page and table counts and the
 * module-wide EPT table count after teardown; SET_MEMORY_REGION errors and
 * a slot deleted under a running guest; and a first-touch fault-in figure.
 *
 * Memory layout (guest-physical == host-virtual, as the library's): the
 * test binary and the library's system region use slots 0 .. nr_slots - 1
 * (a handful); the tests add TEST_SLOT (20) and TEST_SLOT2 (21). Their
 * memory is anonymous, mapped with MAP_FIXED_NOREPLACE at fixed addresses
 * that the library's system region (the first free 4 MiB in [1, 4) GiB)
 * never reaches in practice and that it skips if it did:
 *	0x80000000  64 MiB: overcommit_swap, first_touch_bench
 *	0x90000000 + n * 16 MiB  small slots of the other tests
 * THP is turned off on these ranges (MADV_NOHUGEPAGE) so page counts are
 * those of 4 KiB pages.
 *
 * overcommit_swap needs the test host prepared by
 * selftests/testhost/setup-swap.sh: swap on zram and the cgroup v2
 * /sys/fs/cgroup/minivmm-overcommit with memory.max = 24M.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "minivmm_util.h"
#include "mvmm.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

#define PAGE		MVM_PAGE_SIZE
#define MIB		(1ULL << 20)
#define QWORDS		(PAGE / 8)

#define BIG_GPA		0x80000000ULL
#define BIG_SIZE	(64 * MIB)
#define BIG_PAGES	(BIG_SIZE / PAGE)
#define SMALL_GPA(n)	(0x90000000ULL + (uint64_t)(n) * 16 * MIB)

#define TEST_SLOT	20
#define TEST_SLOT2	21

#define CG_DIR		"/sys/fs/cgroup/minivmm-overcommit"
#define EPT_PAGES_FILE	MVMM_SYSFS_MISC "/ept_table_pages"

/* What overcommit_swap writes at the start and the end of page i. */
#define VAL_FIRST(i)	((uint64_t)(i) ^ 0x6f76657263306d6dULL)
#define VAL_LAST(i)	(~(uint64_t)(i) ^ 0x3c5a96e1d2b4f087ULL)
/* Qword j of page pg, generation gen, of the smaller tests: never 0. */
#define PAT(gen, pg, j)	(0x5a00000000000000ULL | ((uint64_t)(gen) << 40) | \
			 ((uint64_t)(pg) << 16) | (uint64_t)(j))

/* @insn, then the global label @label right after it. */
#define LABELED_ASM(label, insn, ...) do {				\
	asm volatile(insn "\n\t.globl " #label "\n" #label ":\n\t" __VA_ARGS__); \
} while (0)

/* ---------------------------------------------------------------------- */
/* Helpers                                                                  */
/* ---------------------------------------------------------------------- */

/* Anonymous memory exactly at @addr (NULL if anything is there), no THP. */
static void *map_at(uint64_t addr, size_t size, int prot)
{
	void *p = mmap((void *)(uintptr_t)addr, size, prot,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if ((uintptr_t)p != addr) {	/* a kernel that took it as a hint */
		munmap(p, size);
		errno = EEXIST;
		return NULL;
	}
	madvise(p, size, MADV_NOHUGEPAGE);	/* fails harmlessly without THP */
	return p;
}

static int get_stats(struct mvm_vm *vm, struct minivmm_mem_stats *st)
{
	memset(st, 0, sizeof(*st));
	return ioctl(vm->fd, MINIVMM_GET_MEM_STATS, st) ? -errno : 0;
}

static void log_stats(struct __test_metadata *_metadata, const char *when,
		      const struct minivmm_mem_stats *st)
{
	TH_LOG("%s: ept_violations=%llu faults_major=%llu faults_minor=%llu",
	       when, (unsigned long long)st->ept_violations,
	       (unsigned long long)st->faults_major,
	       (unsigned long long)st->faults_minor);
	TH_LOG("%s: inval_clear=%llu inval_unmap=%llu inval_protect=%llu inval_migrate=%llu pages_zapped=%llu",
	       when, (unsigned long long)st->inval_clear,
	       (unsigned long long)st->inval_unmap,
	       (unsigned long long)st->inval_protect,
	       (unsigned long long)st->inval_migrate,
	       (unsigned long long)st->pages_zapped);
	TH_LOG("%s: pages_mapped=%llu young_cleared=%llu ept_table_pages=%llu mmio_exits=%llu",
	       when, (unsigned long long)st->pages_mapped,
	       (unsigned long long)st->young_cleared,
	       (unsigned long long)st->ept_table_pages,
	       (unsigned long long)st->mmio_exits);
}

/* A decimal file (sysfs, cgroup): 0 or -errno (-EINVAL: not a number). */
static int read_u64_file(const char *path, uint64_t *val)
{
	char buf[64], *end;
	int r = read_text_file(path, buf, sizeof(buf));

	if (r)
		return r;
	errno = 0;
	*val = strtoull(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

/* "NAME value" in a file like /proc/vmstat or memory.events; 0 if absent. */
static uint64_t read_keyed(const char *path, const char *name)
{
	unsigned long long v;
	char key[64];
	uint64_t val = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (fscanf(f, "%63s %llu", key, &v) == 2) {
		if (!strcmp(key, name)) {
			val = v;
			break;
		}
	}
	fclose(f);
	return val;
}

/* "Name:  N kB" of /proc/meminfo, in bytes; 0 if absent. */
static uint64_t meminfo_bytes(const char *name)
{
	unsigned long long kb;
	char line[128];
	size_t n = strlen(name);
	uint64_t val = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, n) && line[n] == ':' &&
		    sscanf(line + n + 1, "%llu", &kb) == 1) {
			val = kb * 1024;
			break;
		}
	}
	fclose(f);
	return val;
}

/* A VM from vm_create(), @mem as slot @slot (identity), a vCPU in @fn(args). */
static struct mvm_vm *setup_vm(struct __test_metadata *_metadata, struct mvm_vcpu **vcpu,
			       void *mem, uint64_t size, uint32_t flags, void *fn,
			       unsigned int nargs, const uint64_t *args)
{
	struct mvm_vm *vm = vm_create();
	int r;

	*vcpu = NULL;
	if (!vm) {
		TH_LOG("vm_create: %s", strerror(errno));
		return NULL;
	}
	if (vm->nr_slots > TEST_SLOT) {
		TH_LOG("the library uses %u slots: slot %u is taken", vm->nr_slots, TEST_SLOT);
		goto fail;
	}
	r = vm_set_region(vm, TEST_SLOT, flags, (uintptr_t)mem, size, mem);
	if (r) {
		TH_LOG("SET_MEMORY_REGION slot %u at %p, 0x%llx bytes: %s", TEST_SLOT, mem,
		       (unsigned long long)size, strerror(-r));
		goto fail;
	}
	*vcpu = vm_add_vcpu(vm, 0, fn);
	if (!*vcpu)
		goto fail;
	if (nargs && vcpu_set_args(*vcpu, nargs, args)) {
		TH_LOG("vcpu_set_args failed");
		goto fail;
	}
	return vm;
fail:
	vm_free(vm);
	*vcpu = NULL;
	return NULL;
}

/* Host view: how many pages of [mem, +npages) do not hold PAT(gen). */
static uint64_t host_pattern_mismatches(const void *mem, uint64_t npages, uint64_t gen)
{
	const uint64_t *p = mem;
	uint64_t pg, j, bad = 0;

	for (pg = 0; pg < npages; pg++)
		for (j = 0; j < QWORDS; j++)
			if (p[pg * QWORDS + j] != PAT(gen, pg, j)) {
				bad++;
				break;
			}
	return bad;
}

/* ---------------------------------------------------------------------- */
/* Guest code                                                               */
/* ---------------------------------------------------------------------- */

GUEST_CODE static void guest_nothing(void)
{
	GUEST_DONE();
}

/* Every qword of @npages pages at @base := PAT(gen). */
GUEST_CODE static void guest_fill(uint64_t base, uint64_t npages, uint64_t gen)
{
	uint64_t pg, j;

	for (pg = 0; pg < npages; pg++) {
		volatile uint64_t *p = (volatile uint64_t *)(base + pg * PAGE);

		for (j = 0; j < QWORDS; j++)
			p[j] = PAT(gen, pg, j);
	}
}

/* Qwords that are not PAT(gen); page @skip is left out. */
GUEST_CODE static uint64_t guest_check(uint64_t base, uint64_t npages, uint64_t gen,
				       uint64_t skip)
{
	uint64_t pg, j, bad = 0;

	for (pg = 0; pg < npages; pg++) {
		volatile uint64_t *p = (volatile uint64_t *)(base + pg * PAGE);

		if (pg == skip)
			continue;
		for (j = 0; j < QWORDS; j++)
			if (p[j] != PAT(gen, pg, j))
				bad++;
	}
	return bad;
}

/* Writes the first and last qword of each page, then reads all back. */
GUEST_CODE static void guest_fill_verify(uint64_t base, uint64_t npages)
{
	uint64_t i, bad = 0, first_bad = ~0ULL;

	for (i = 0; i < npages; i++) {
		volatile uint64_t *p = (volatile uint64_t *)(base + i * PAGE);

		p[0] = VAL_FIRST(i);
		p[QWORDS - 1] = VAL_LAST(i);
	}
	GUEST_SYNC(npages);
	for (i = 0; i < npages; i++) {
		volatile uint64_t *p = (volatile uint64_t *)(base + i * PAGE);

		if (p[0] != VAL_FIRST(i) || p[QWORDS - 1] != VAL_LAST(i)) {
			if (!bad)
				first_bad = i;
			bad++;
		}
	}
	GUEST_SYNC(bad, first_bad);
	GUEST_DONE();
}

/* SYNC, one write to each page and nothing else, SYNC. */
GUEST_CODE static void guest_touch_pages(uint64_t base, uint64_t npages)
{
	uint64_t i;

	GUEST_SYNC(0);
	for (i = 0; i < npages; i++)
		*(volatile uint64_t *)(base + i * PAGE) = i + 1;
	GUEST_SYNC(npages);
	GUEST_DONE();
}

/* ---------------------------------------------------------------------- */
/* Overcommit: 64 MiB of guest memory in a 24 MiB cgroup, swap on zram      */
/* ---------------------------------------------------------------------- */

FIXTURE(mem64) {
	int unused;
};

FIXTURE_SETUP(mem64)
{
}

FIXTURE_TEARDOWN(mem64)
{
}

/* The child: joins the cgroup, runs the guest; exits 0 when all went well. */
static void __attribute__((noreturn))
overcommit_child(struct __test_metadata *_metadata)
{
	uint64_t args[2] = { BIG_GPA, BIG_PAGES };
	struct minivmm_mem_stats st_write, st_read;
	uint64_t t0, t1, t2, t3, i, host_bad = 0;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	struct ucall uc;
	uint64_t *mem;
	char buf[32];
	int fd, n;

	/* An ASSERT failing here aborts the child: the parent sees SIGABRT. */
	fd = open(CG_DIR "/cgroup.procs", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open %s/cgroup.procs: %s", CG_DIR, strerror(errno));
	n = snprintf(buf, sizeof(buf), "%d\n", getpid());
	ASSERT_EQ(n, write(fd, buf, n))
		TH_LOG("joining %s: %s", CG_DIR, strerror(errno));
	close(fd);

	mem = map_at(BIG_GPA, BIG_SIZE, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, mem) TH_LOG("64 MiB at 0x%llx: %s", BIG_GPA, strerror(errno));
	vm = setup_vm(_metadata, &vcpu, mem, BIG_SIZE, 0, guest_fill_verify, 2, args);
	ASSERT_NE(NULL, vm);

	t0 = mvm_now_ns();
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	t1 = mvm_now_ns();
	EXPECT_EQ(BIG_PAGES, uc.args[0]);
	ASSERT_EQ(0, get_stats(vm, &st_write));
	log_stats(_metadata, "after writing 64 MiB", &st_write);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	t2 = mvm_now_ns();
	ASSERT_EQ(0, get_stats(vm, &st_read));
	log_stats(_metadata, "after reading it back", &st_read);
	EXPECT_EQ(0, uc.args[0])
		TH_LOG("%llu of %llu pages read back wrong by the guest, the first: page %llu",
		       (unsigned long long)uc.args[0], (unsigned long long)BIG_PAGES,
		       (unsigned long long)uc.args[1]);
	ASSERT_DONE(vcpu);

	/* The VMM sees what the guest wrote. */
	for (i = 0; i < BIG_PAGES; i++)
		if (mem[i * QWORDS] != VAL_FIRST(i) ||
		    mem[i * QWORDS + QWORDS - 1] != VAL_LAST(i))
			host_bad++;
	t3 = mvm_now_ns();
	EXPECT_EQ(0, host_bad) TH_LOG("pages wrong in the VMM's view");
	EXPECT_LT(0, st_read.faults_major)
		TH_LOG("no guest access brought a page back from swap");
	TH_LOG("write pass %llu ms, read pass %llu ms, host check %llu ms",
	       (unsigned long long)(t1 - t0) / 1000000,
	       (unsigned long long)(t2 - t1) / 1000000,
	       (unsigned long long)(t3 - t2) / 1000000);
	vm_free(vm);
	munmap(mem, BIG_SIZE);
	fflush(stdout);
	fflush(stderr);
	_exit(_metadata->passed ? 0 : 1);
}

TEST_F_TIMEOUT(mem64, overcommit_swap, 600)
{
	uint64_t max, swap_total, swap_free, in0, out0, in1, out1, oom0, oom1;
	int status;
	pid_t pid;

	ASSERT_TRUE(path_exists(CG_DIR "/cgroup.procs"))
		TH_LOG("no cgroup %s: the test host must run setup-swap.sh first", CG_DIR);
	ASSERT_EQ(0, read_u64_file(CG_DIR "/memory.max", &max))
		TH_LOG("%s/memory.max is not a byte count (setup-swap.sh sets 24M)", CG_DIR);
	ASSERT_GT(BIG_SIZE, max) TH_LOG("memory.max %llu does not overcommit 64 MiB",
					 (unsigned long long)max);
	swap_total = meminfo_bytes("SwapTotal");
	swap_free = meminfo_bytes("SwapFree");
	ASSERT_LT(0, swap_total) TH_LOG("no swap: the test host must run setup-swap.sh first");
	ASSERT_LE(BIG_SIZE, swap_free) TH_LOG("only %llu bytes of swap free",
					      (unsigned long long)swap_free);
	TH_LOG("memory.max %llu MiB, swap %llu MiB (%llu MiB free), guest memory %llu MiB",
	       (unsigned long long)max / MIB, (unsigned long long)swap_total / MIB,
	       (unsigned long long)swap_free / MIB, BIG_SIZE / MIB);

	oom0 = read_keyed(CG_DIR "/memory.events", "oom_kill");
	in0 = read_keyed("/proc/vmstat", "pswpin");
	out0 = read_keyed("/proc/vmstat", "pswpout");
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		overcommit_child(_metadata);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	in1 = read_keyed("/proc/vmstat", "pswpin");
	out1 = read_keyed("/proc/vmstat", "pswpout");
	oom1 = read_keyed(CG_DIR "/memory.events", "oom_kill");
	TH_LOG("/proc/vmstat: pswpin +%llu, pswpout +%llu (pages)",
	       (unsigned long long)(in1 - in0), (unsigned long long)(out1 - out0));
	if (WIFSIGNALED(status))
		TH_LOG("the child died of signal %d%s", WTERMSIG(status),
		       oom1 != oom0 ? ": the cgroup's OOM killer" :
		       WTERMSIG(status) == SIGABRT ? ": a failed assertion" : "");
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("the child's checks failed (see above)");
	EXPECT_LT(0, out1 - out0) TH_LOG("nothing was swapped out: is memory.max in effect?");
}

/* ---------------------------------------------------------------------- */
/* MADV_DONTNEED: the guest reads zeroes                                    */
/* ---------------------------------------------------------------------- */

#define DN_PAGES	4
#define DN_ZAPPED	2

GUEST_CODE static void guest_dontneed(uint64_t base, uint64_t npages, uint64_t zapped)
{
	volatile uint64_t *z = (volatile uint64_t *)(base + zapped * PAGE);
	uint64_t j, nonzero = 0;

	guest_fill(base, npages, 1);
	GUEST_SYNC(1);
	for (j = 0; j < QWORDS; j++)
		if (z[j])
			nonzero++;
	GUEST_SYNC(nonzero, guest_check(base, npages, 1, zapped));
	GUEST_DONE();
}

TEST(madvise_dontneed_reads_zero)
{
	uint64_t args[3] = { SMALL_GPA(0), DN_PAGES, DN_ZAPPED };
	struct minivmm_mem_stats st0, st1;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	struct ucall uc;
	uint8_t *mem;

	mem = map_at(SMALL_GPA(0), DN_PAGES * PAGE, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, mem) TH_LOG("mmap at 0x%llx: %s", SMALL_GPA(0), strerror(errno));
	vm = setup_vm(_metadata, &vcpu, mem, DN_PAGES * PAGE, 0, guest_dontneed, 3, args);
	ASSERT_NE(NULL, vm);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, host_pattern_mismatches(mem, DN_PAGES, 1));
	ASSERT_EQ(0, get_stats(vm, &st0));
	ASSERT_EQ(0, madvise(mem + DN_ZAPPED * PAGE, PAGE, MADV_DONTNEED));
	ASSERT_EQ(0, get_stats(vm, &st1));
	log_stats(_metadata, "after MADV_DONTNEED", &st1);
	EXPECT_LT(st0.inval_clear, st1.inval_clear);
	EXPECT_EQ(1, st1.pages_zapped - st0.pages_zapped);
	EXPECT_EQ(st0.pages_mapped - 1, st1.pages_mapped);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, uc.args[0]) TH_LOG("non-zero qwords in the dropped page");
	EXPECT_EQ(0, uc.args[1]) TH_LOG("qwords changed in the other pages");
	ASSERT_DONE(vcpu);
	vm_free(vm);
	munmap(mem, DN_PAGES * PAGE);
}

/* ---------------------------------------------------------------------- */
/* fork(): copy-on-write protection, the child cannot run the VM            */
/* ---------------------------------------------------------------------- */

#define FORK_PAGES	8

GUEST_CODE static void guest_fork(uint64_t base, uint64_t npages)
{
	uint64_t bad;

	guest_fill(base, npages, 1);
	GUEST_SYNC(1);
	bad = guest_check(base, npages, 1, ~0ULL);
	guest_fill(base, npages, 2);
	GUEST_SYNC(bad);
	GUEST_DONE();
}

TEST(fork_keeps_guest_memory)
{
	uint64_t args[2] = { SMALL_GPA(1), FORK_PAGES };
	const size_t size = FORK_PAGES * PAGE;
	struct minivmm_mem_stats st0, st1;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	struct ucall uc;
	uint8_t *mem;
	int status;
	pid_t pid;

	mem = map_at(SMALL_GPA(1), size, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, mem) TH_LOG("mmap at 0x%llx: %s", SMALL_GPA(1), strerror(errno));
	vm = setup_vm(_metadata, &vcpu, mem, size, 0, guest_fork, 2, args);
	ASSERT_NE(NULL, vm);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(0, host_pattern_mismatches(mem, FORK_PAGES, 1));
	ASSERT_EQ(0, get_stats(vm, &st0));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct minivmm_mem_stats st;
		int code = 0;

		/* The child's copy only. */
		memset(mem, 0xee, size);
		if (ioctl(vcpu->fd, MINIVMM_RUN, 0) != -1)
			code = 1;
		else if (errno != EIO)
			code = 2;
		else if (ioctl(vm->fd, MINIVMM_GET_MEM_STATS, &st) != -1 || errno != EIO)
			code = 3;
		_exit(code);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("child status 0x%x", status);
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("in the child: %s",
		       WEXITSTATUS(status) == 1 ? "MINIVMM_RUN succeeded" :
		       WEXITSTATUS(status) == 2 ? "MINIVMM_RUN failed, but not with EIO" :
		       "MINIVMM_GET_MEM_STATS did not fail with EIO");
	/* The child's writes went to its own copy. */
	EXPECT_EQ(0, host_pattern_mismatches(mem, FORK_PAGES, 1));
	ASSERT_EQ(0, get_stats(vm, &st1));
	log_stats(_metadata, "after fork()", &st1);
	EXPECT_LT(st0.inval_protect, st1.inval_protect)
		TH_LOG("fork() write-protected guest memory without an invalidation");

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, uc.args[0]) TH_LOG("qwords the guest found changed after fork()");
	/* The guest's writes after fork() land in the parent's memory. */
	EXPECT_EQ(0, host_pattern_mismatches(mem, FORK_PAGES, 2));
	ASSERT_DONE(vcpu);
	vm_free(vm);
	munmap(mem, size);
}

/* ---------------------------------------------------------------------- */
/* munmap() of slot memory: a clean exit, then the VM goes                  */
/* ---------------------------------------------------------------------- */

#define UNMAP_PAGES	4
#define UNMAP_OFF	(PAGE + 0x128)

GUEST_CODE static void guest_munmap(uint64_t addr)
{
	*(volatile uint64_t *)addr = 1;
	GUEST_SYNC(1);
	*(volatile uint64_t *)addr = 2;
	GUEST_FAIL("wrote to memory the VMM unmapped");
}

TEST(munmap_slot_memory_clean_exit)
{
	uint64_t args[1] = { SMALL_GPA(2) + UNMAP_OFF };
	const size_t size = UNMAP_PAGES * PAGE;
	struct minivmm_mem_stats st0, st1;
	struct mvm_vcpu *vcpu, *vcpu2;
	struct minivmm_run *run;
	struct mvm_vm *vm, *vm2;
	struct ucall uc;
	uint8_t *mem;

	mem = map_at(SMALL_GPA(2), size, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, mem) TH_LOG("mmap at 0x%llx: %s", SMALL_GPA(2), strerror(errno));
	vm = setup_vm(_metadata, &vcpu, mem, size, 0, guest_munmap, 1, args);
	ASSERT_NE(NULL, vm);
	run = vcpu->run;

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(0, get_stats(vm, &st0));
	ASSERT_EQ(0, munmap(mem, size));
	ASSERT_EQ(0, get_stats(vm, &st1));
	EXPECT_LT(st0.inval_unmap, st1.inval_unmap);

	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(MINIVMM_INTERNAL_ERROR_MEMORY, run->internal.suberror);
	EXPECT_LE(3, run->internal.ndata);
	EXPECT_EQ(args[0], run->internal.data[0]) TH_LOG("data[0]: the GPA");
	EXPECT_EQ((uint64_t)(int64_t)-EFAULT, run->internal.data[2])
		TH_LOG("data[2] = %lld, want -EFAULT", (long long)run->internal.data[2]);
	vm_free(vm);

	vm2 = vm_create();
	ASSERT_NE(NULL, vm2);
	vcpu2 = vm_add_vcpu(vm2, 0, guest_nothing);
	ASSERT_NE(NULL, vcpu2);
	ASSERT_DONE(vcpu2);
	vm_free(vm2);
}

/* ---------------------------------------------------------------------- */
/* Read-only slots                                                           */
/* ---------------------------------------------------------------------- */

#define RO_PAGES	2
#define RO_VAL8		0x0123456789abcdefULL
#define RO_VAL4		0xfeedf00dU

extern char ro_after_movq[], ro_after_movl[];

GUEST_CODE static void guest_readonly(uint64_t base)
{
	volatile uint64_t *p = (volatile uint64_t *)base;

	GUEST_SYNC(p[0], p[5], p[QWORDS + 7]);
	LABELED_ASM(ro_after_movq, "movq %0, 0x40(%1)",
		    : : "r"(RO_VAL8), "r"(base) : "memory");
	LABELED_ASM(ro_after_movl, "movl %k0, 0x1004(%1)",
		    : : "r"((uint64_t)RO_VAL4), "r"(base) : "memory");
	GUEST_SYNC(p[8], p[QWORDS + 1]);
	GUEST_DONE();
}

TEST(readonly_slot)
{
	uint64_t args[1] = { SMALL_GPA(3) };
	const size_t size = RO_PAGES * PAGE;
	struct minivmm_mem_stats st0, st1;
	struct minivmm_regs regs;
	struct minivmm_run *run;
	struct mvm_vcpu *vcpu;
	uint64_t *mem, i, d = 0;
	struct mvm_vm *vm;
	struct ucall uc;

	mem = map_at(SMALL_GPA(3), size, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, mem) TH_LOG("mmap at 0x%llx: %s", SMALL_GPA(3), strerror(errno));
	for (i = 0; i < size / 8; i++)
		mem[i] = PAT(7, i / QWORDS, i % QWORDS);
	vm = setup_vm(_metadata, &vcpu, mem, size, MINIVMM_MEM_READONLY, guest_readonly,
		      1, args);
	ASSERT_NE(NULL, vm);
	run = vcpu->run;

	ASSERT_EQ(0, get_stats(vm, &st0));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(PAT(7, 0, 0), uc.args[0]);
	EXPECT_EQ(PAT(7, 0, 5), uc.args[1]);
	EXPECT_EQ(PAT(7, 1, 7), uc.args[2]);

	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_MMIO);
	EXPECT_EQ(args[0] + 0x40, run->mmio.phys_addr);
	EXPECT_EQ(8, run->mmio.len);
	EXPECT_EQ(1, run->mmio.is_write);
	memcpy(&d, run->mmio.data, 8);
	EXPECT_EQ(RO_VAL8, d);
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &regs));
	EXPECT_EQ((uintptr_t)ro_after_movq, regs.rip);

	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_MMIO);
	EXPECT_EQ(args[0] + 0x1004, run->mmio.phys_addr);
	EXPECT_EQ(4, run->mmio.len);
	EXPECT_EQ(1, run->mmio.is_write);
	d = 0;
	memcpy(&d, run->mmio.data, 4);
	EXPECT_EQ(RO_VAL4, d);
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &regs));
	EXPECT_EQ((uintptr_t)ro_after_movl, regs.rip);

	/* The guest still reads the host's data; the host's data is unchanged. */
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(PAT(7, 0, 8), uc.args[0]);
	EXPECT_EQ(PAT(7, 1, 1), uc.args[1]);
	ASSERT_DONE(vcpu);
	for (i = 0; i < size / 8; i++)
		if (mem[i] != PAT(7, i / QWORDS, i % QWORDS))
			break;
	EXPECT_EQ(size / 8, i) TH_LOG("host memory changed at qword %llu",
				      (unsigned long long)i);
	ASSERT_EQ(0, get_stats(vm, &st1));
	EXPECT_EQ(2, st1.mmio_exits - st0.mmio_exits);
	vm_free(vm);
	munmap(mem, size);
}

/* ---------------------------------------------------------------------- */
/* Page and table counts; nothing left behind                                */
/* ---------------------------------------------------------------------- */

#define COUNT_PAGES	64
#define COUNT_SLACK	8	/* guest code/stack pages the loop may touch */

TEST(pages_mapped_and_teardown)
{
	uint64_t args[2] = { SMALL_GPA(4), COUNT_PAGES };
	const size_t size = COUNT_PAGES * PAGE;
	struct minivmm_mem_stats a, b, c;
	uint64_t sys0, sys1, sys2, added;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	struct ucall uc;
	uint8_t *mem;

	ASSERT_EQ(0, read_u64_file(EPT_PAGES_FILE, &sys0))
		TH_LOG("%s: missing or not a number", EPT_PAGES_FILE);
	mem = map_at(SMALL_GPA(4), size, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, mem) TH_LOG("mmap at 0x%llx: %s", SMALL_GPA(4), strerror(errno));
	vm = setup_vm(_metadata, &vcpu, mem, size, 0, guest_touch_pages, 2, args);
	ASSERT_NE(NULL, vm);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(0, get_stats(vm, &a));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(0, get_stats(vm, &b));
	log_stats(_metadata, "after touching 64 pages", &b);
	/*
	 * Mapped meanwhile: at least the growth plus what was zapped in
	 * between (nothing, normally); zaps only make the growth smaller.
	 */
	added = b.pages_mapped - a.pages_mapped;
	EXPECT_LE(COUNT_PAGES, added + (b.pages_zapped - a.pages_zapped));
	EXPECT_GE(COUNT_PAGES + COUNT_SLACK, added);
	EXPECT_LE(COUNT_PAGES, b.ept_violations - a.ept_violations);
	EXPECT_LE(COUNT_PAGES, b.faults_minor - a.faults_minor);
	EXPECT_LT(0, b.ept_table_pages);
	ASSERT_EQ(0, read_u64_file(EPT_PAGES_FILE, &sys1));
	EXPECT_EQ(sys0 + b.ept_table_pages, sys1)
		TH_LOG("module-wide %llu before the VM, %llu now; the VM holds %llu",
		       (unsigned long long)sys0, (unsigned long long)sys1,
		       (unsigned long long)b.ept_table_pages);

	/* Deleting the slot drops its mappings. */
	ASSERT_EQ(0, vm_set_region(vm, TEST_SLOT, 0, SMALL_GPA(4), 0, mem));
	ASSERT_EQ(0, get_stats(vm, &c));
	EXPECT_LE(COUNT_PAGES, b.pages_mapped - c.pages_mapped);
	EXPECT_LE(COUNT_PAGES, c.pages_zapped - b.pages_zapped);
	ASSERT_DONE(vcpu);
	vm_free(vm);
	munmap(mem, size);

	ASSERT_EQ(0, read_u64_file(EPT_PAGES_FILE, &sys2));
	EXPECT_EQ(sys0, sys2) TH_LOG("EPT table pages leaked: %llu before the VM, %llu after",
				     (unsigned long long)sys0, (unsigned long long)sys2);
}

/* ---------------------------------------------------------------------- */
/* SET_MEMORY_REGION errors; a slot deleted under a running guest           */
/* ---------------------------------------------------------------------- */

TEST(set_memory_region_errors)
{
	const uint64_t gpa = SMALL_GPA(5), gpa2 = SMALL_GPA(6), gpa3 = SMALL_GPA(7);
	uint8_t *mem, *other, *hole;
	struct mvm_vm *vm = vm_create();

	ASSERT_NE(NULL, vm);
	ASSERT_GE(TEST_SLOT, vm->nr_slots);
	mem = map_at(gpa, 16 * PAGE, PROT_READ | PROT_WRITE);
	other = map_at(gpa2, 4 * PAGE, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, mem);
	ASSERT_NE(NULL, other);
	ASSERT_EQ(0, vm_set_region(vm, TEST_SLOT, 0, gpa, 16 * PAGE, mem));

	/* Guest ranges overlapping slot TEST_SLOT, or a library slot. */
	EXPECT_EQ(-EEXIST, vm_set_region(vm, TEST_SLOT2, 0, gpa + 4 * PAGE, 4 * PAGE, other));
	EXPECT_EQ(-EEXIST, vm_set_region(vm, TEST_SLOT2, 0, gpa - 2 * PAGE, 4 * PAGE, other));
	EXPECT_EQ(-EEXIST, vm_set_region(vm, TEST_SLOT2, 0, gpa + 14 * PAGE, 4 * PAGE, other));
	EXPECT_EQ(-EEXIST, vm_set_region(vm, TEST_SLOT2, 0, (uintptr_t)vm->sys + PAGE,
					 4 * PAGE, other));

	/* Unaligned guest address, size, userspace address. */
	EXPECT_EQ(-EINVAL, vm_set_region(vm, TEST_SLOT2, 0, gpa2 + 0x800, 4 * PAGE, other));
	EXPECT_EQ(-EINVAL, vm_set_region(vm, TEST_SLOT2, 0, gpa2, 4 * PAGE - 0x10, other));
	EXPECT_EQ(-EINVAL, vm_set_region(vm, TEST_SLOT2, 0, gpa2, 4 * PAGE, other + 0x100));

	/* Userspace range not mapped, partly mapped, mapped without read. */
	hole = map_at(gpa3, 4 * PAGE, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, hole);
	ASSERT_EQ(0, munmap(hole, 4 * PAGE));
	EXPECT_EQ(-EFAULT, vm_set_region(vm, TEST_SLOT2, 0, gpa3, 4 * PAGE, hole));
	ASSERT_EQ(hole, map_at(gpa3, PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(-EFAULT, vm_set_region(vm, TEST_SLOT2, 0, gpa3, 4 * PAGE, hole));
	ASSERT_EQ(0, munmap(hole, PAGE));
	ASSERT_EQ(hole, map_at(gpa3, 4 * PAGE, PROT_NONE));
	EXPECT_EQ(-EFAULT, vm_set_region(vm, TEST_SLOT2, 0, gpa3, 4 * PAGE, hole));
	ASSERT_EQ(0, munmap(hole, 4 * PAGE));

	/* None of that took the slot; deleting an unused slot fails. */
	EXPECT_EQ(-EINVAL, vm_set_region(vm, TEST_SLOT2, 0, gpa2, 0, other));
	EXPECT_EQ(0, vm_set_region(vm, TEST_SLOT2, 0, gpa2, 4 * PAGE, other));
	EXPECT_EQ(0, vm_set_region(vm, TEST_SLOT2, 0, gpa2, 0, other));
	EXPECT_EQ(-EINVAL, vm_set_region(vm, TEST_SLOT2, 0, gpa2, 0, other));
	vm_free(vm);
	munmap(mem, 16 * PAGE);
	munmap(other, 4 * PAGE);
}

#define DEL_OFF		0x100
#define DEL_READ	0x1122334455667788ULL
#define DEL_WRITE	0x00c0ffee00c0ffeeULL

extern char del_after_load[], del_after_store[];

GUEST_CODE static void guest_deleted(uint64_t addr)
{
	uint64_t v;

	*(volatile uint64_t *)addr = 0x1234;
	GUEST_SYNC(*(volatile uint64_t *)addr);
	LABELED_ASM(del_after_load, "movq (%1), %0", : "=r"(v) : "r"(addr) : "memory");
	GUEST_SYNC(v);
	LABELED_ASM(del_after_store, "movq %0, 8(%1)",
		    : : "r"(DEL_WRITE), "r"(addr) : "memory");
	GUEST_DONE();
}

TEST(slot_deleted_while_running)
{
	uint64_t args[1] = { SMALL_GPA(8) + DEL_OFF };
	struct minivmm_mem_stats st0, st1;
	struct minivmm_regs regs;
	struct minivmm_run *run;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	struct ucall uc;
	uint64_t d = 0;
	uint8_t *mem;

	mem = map_at(SMALL_GPA(8), PAGE, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, mem) TH_LOG("mmap at 0x%llx: %s", SMALL_GPA(8), strerror(errno));
	vm = setup_vm(_metadata, &vcpu, mem, PAGE, 0, guest_deleted, 1, args);
	ASSERT_NE(NULL, vm);
	run = vcpu->run;

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0x1234, uc.args[0]);
	ASSERT_EQ(0, get_stats(vm, &st0));
	ASSERT_EQ(0, vm_set_region(vm, TEST_SLOT, 0, SMALL_GPA(8), 0, mem));
	ASSERT_EQ(0, get_stats(vm, &st1));
	EXPECT_LT(st0.pages_zapped, st1.pages_zapped);

	/* No slot there any more: the load is an MMIO read. */
	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_MMIO);
	EXPECT_EQ(args[0], run->mmio.phys_addr);
	EXPECT_EQ(8, run->mmio.len);
	EXPECT_EQ(0, run->mmio.is_write);
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &regs));
	EXPECT_EQ((uintptr_t)del_after_load, regs.rip);
	d = DEL_READ;
	memcpy(run->mmio.data, &d, 8);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(DEL_READ, uc.args[0]);

	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_MMIO);
	EXPECT_EQ(args[0] + 8, run->mmio.phys_addr);
	EXPECT_EQ(8, run->mmio.len);
	EXPECT_EQ(1, run->mmio.is_write);
	memcpy(&d, run->mmio.data, 8);
	EXPECT_EQ(DEL_WRITE, d);
	ASSERT_DONE(vcpu);
	/* The VMM's memory kept what the guest wrote while the slot existed. */
	memcpy(&d, mem + DEL_OFF, 8);
	EXPECT_EQ(0x1234, d);
	memcpy(&d, mem + DEL_OFF + 8, 8);
	EXPECT_EQ(0, d);
	vm_free(vm);
	munmap(mem, PAGE);
}

/* ---------------------------------------------------------------------- */
/* Benchmark figure: first touch of 64 MiB                                   */
/* ---------------------------------------------------------------------- */

TEST_F_TIMEOUT(mem64, first_touch_bench, 300)
{
	uint64_t args[2] = { BIG_GPA, BIG_PAGES };
	struct minivmm_mem_stats a, b;
	uint64_t t0, t1, ns, added, tables;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	struct ucall uc;
	void *mem;

	mem = map_at(BIG_GPA, BIG_SIZE, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, mem) TH_LOG("64 MiB at 0x%llx: %s", BIG_GPA, strerror(errno));
	vm = setup_vm(_metadata, &vcpu, mem, BIG_SIZE, 0, guest_touch_pages, 2, args);
	ASSERT_NE(NULL, vm);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(0, get_stats(vm, &a));
	t0 = mvm_now_ns();
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	t1 = mvm_now_ns();
	ASSERT_EQ(0, get_stats(vm, &b));
	ASSERT_DONE(vcpu);
	log_stats(_metadata, "after touching 64 MiB", &b);

	added = (b.pages_mapped - a.pages_mapped) + (b.pages_zapped - a.pages_zapped);
	EXPECT_LE(BIG_PAGES, added);
	tables = b.ept_table_pages - a.ept_table_pages;
	ns = t1 - t0 ? t1 - t0 : 1;
	ksft_print_msg("bench: first_touch_64MiB pages_per_s=%.0f ns_per_page=%.0f ept_bytes_per_GiB=%llu ept_table_pages_64MiB=%llu vm_ept_table_pages=%llu\n",
		       BIG_PAGES * 1e9 / ns, (double)ns / BIG_PAGES,
		       (unsigned long long)(tables * PAGE * (1024 * MIB / BIG_SIZE)),
		       (unsigned long long)tables,
		       (unsigned long long)b.ept_table_pages);
	vm_free(vm);
	munmap(mem, BIG_SIZE);
}

TEST_HARNESS_MAIN
