// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded, reproducible fuzzer of /dev/minivmm, syzkaller-style but small:
 * random ioctl sequences on the device, VM and vCPU fds (boundary values,
 * wrong sizes, bad pointers), random and hostile guest code and register
 * states, a balloon poked by the guest through rings of random bytes, and
 * a second thread racing RUN with slot changes, madvise(), mprotect(),
 * munmap(), fork() and fd closes. The oracle is the kernel: the run fails
 * on any kernel error line logged meanwhile, on an errno the ABI does not
 * name, or when the process itself dies (the host kernel must never hand
 * it a fault of the guest's making).
 *
 * usage: fuzz_test [--seed N] [--seconds S]
 * Prints TAP (one test), the seed, and the calls, VMs and guest runs made.
 * The same seed gives the same sequence of operations (the racer's timing,
 * and so what it races with, is the emulator's).
 *
 * Guest memory is only the fuzzer's own pool (never its stack, heap or
 * data), so random guest stores cannot corrupt the fuzzer.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <ucontext.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "klog.h"
#include "minivmm_util.h"

#define PAGE		4096UL
#define POOL_BASE	0x7e000000UL	/* host address of the pool */
#define POOL_REGIONS	4
#define REGION_SIZE	(2UL << 20)
#define MAX_VMS		3
#define OPS_PER_VM	400

/* ---------------------------------------------------------------------- */
/* Random numbers (xorshift64*: the same seed, the same run)               */
/* ---------------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* Values kernels get wrong: limits, boundaries, sign bits, page edges. */
static uint64_t interesting(void)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256,
		511, 512, 4095, 4096, 4097, 0x7fff, 0x8000, 0xffff, 0x10000,
		0x1fffff, 0x200000, 0x7fffffff, 0x80000000, 0xffffffff,
		0x100000000ULL, 0xfffff000ULL, 0x3fffffffffffULL, 0x400000000000ULL,
		0x7fffffffffffULL, 0x800000000000ULL, 0xfffffffffffff000ULL,
		0xffff800000000000ULL, 0x8000000000000000ULL, ~0ULL, ~0ULL - 1,
	};

	switch (below(4)) {
	case 0:
		return rnd();
	case 1:
		return v[below(sizeof(v) / sizeof(v[0]))] + below(3) - 1;
	default:
		return v[below(sizeof(v) / sizeof(v[0]))];
	}
}

static void fill_random(void *p, size_t n)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)rnd();
}

/* ---------------------------------------------------------------------- */
/* Counters and the errno oracle                                            */
/* ---------------------------------------------------------------------- */

static uint64_t n_calls, n_vms, n_runs, n_exits[16], n_races, n_forks;
static unsigned int bad_errnos;
/* What the main thread does now, for the hang report. */
static const char *volatile cur_op = "start";
static volatile unsigned long cur_cmd;
static volatile unsigned int racer_op;
static char mark[128];

/* Errnos the ABI documents for some ioctl; anything else is a finding. */
static void check_errno(const char *what, unsigned long cmd, int r, int err)
{
	switch (r < 0 ? err : 0) {
	case 0: case EINVAL: case EFAULT: case ENOTTY: case EBUSY: case EEXIST:
	case ENOMEM: case E2BIG: case EINTR: case EIO: case EPERM: case ENOENT:
	case ENODEV: case EBADF: case ENOSPC: case EAGAIN: case ERANGE:
	case EOPNOTSUPP: case EMFILE: case ENFILE: case ENXIO: case ENODATA:
	case EOVERFLOW: case ENOBUFS: case EACCES:
		return;
	}
	if (bad_errnos++ < 10)
		printf("# %s 0x%lx: unexpected errno %d (%s)\n", what, cmd, err,
		       strerror(err));
}

static int xioctl(const char *what, int fd, unsigned long cmd, void *arg)
{
	int r;

	cur_op = what;
	cur_cmd = cmd;
	r = ioctl(fd, cmd, arg);

	n_calls++;
	check_errno(what, cmd, r, errno);
	return r;
}

/* ---------------------------------------------------------------------- */
/* The pool: the only memory guests ever get                                */
/* ---------------------------------------------------------------------- */

static uint8_t *region(unsigned int i)
{
	return (uint8_t *)(POOL_BASE + i * 2 * REGION_SIZE);
}

static int pool_map(unsigned int i)
{
	void *p = mmap(region(i), REGION_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	return p == MAP_FAILED ? -errno : 0;
}

/* A userspace address for a slot: the pool mostly, else something bad. */
static uint64_t slot_uaddr(__u64 *size)
{
	unsigned int i = below(POOL_REGIONS);
	uint64_t off = below(4) ? 0 : below(REGION_SIZE / PAGE) * PAGE;

	*size = below(4) ? REGION_SIZE - off : below(REGION_SIZE / PAGE + 2) * PAGE;
	switch (below(10)) {
	case 0:
		return interesting();			/* not ours, or not mapped */
	case 1:
		*size = interesting();
		return (uintptr_t)region(i) + off;
	default:
		return (uintptr_t)region(i) + off;
	}
}

/* Guest-physical addresses where things tend to be. */
static uint64_t some_gpa(void)
{
	static const uint64_t g[] = { 0, 0x1000, 0xf0000, 0x100000, 0x200000,
				      0x400000, 0xd0000000, 0xfee00000, 0xfffff000 };

	return below(3) ? g[below(sizeof(g) / sizeof(g[0]))] : interesting() & ~0xfffULL;
}

/* ---------------------------------------------------------------------- */
/* One VM under test                                                        */
/* ---------------------------------------------------------------------- */

struct fvm {
	struct mvm_vm *vm;
	struct mvm_vcpu *vcpu[2];
	uint64_t balloon_base;		/* 0: none */
	uint64_t code_gpa;		/* where guest code goes (slot 0) */
	uint8_t *code;			/* its host address */
};

static volatile int racer_stop;
static struct fvm *volatile racer_vm;
static pthread_mutex_t racer_lock = PTHREAD_MUTEX_INITIALIZER;

/* 32-bit flat protected mode without paging, set through the caches. */
static void flat32(struct minivmm_sregs *sr)
{
	struct minivmm_segment code = { .base = 0, .limit = 0xffffffff, .selector = 8,
					.type = 11, .present = 1, .db = 1, .s = 1, .g = 1 };
	struct minivmm_segment data = code;

	data.type = 3;
	data.selector = 16;
	sr->cs = code;
	sr->ds = sr->es = sr->fs = sr->gs = sr->ss = data;
	sr->cr0 = 0x11;		/* PE, ET */
	sr->cr4 = 0;
	sr->efer = 0;
}

/* Guest code: random bytes, or register pokes of the balloon, then HLT. */
static void write_code(struct fvm *f)
{
	uint8_t *c = f->code;
	unsigned int n = 0, i;

	if (!f->balloon_base || below(3) == 0) {
		fill_random(c, 256);
		/* Often a known instruction first, to get further. */
		if (below(2)) {
			static const uint8_t ops[][4] = {
				{ 0x0f, 0xa2 },		/* cpuid */
				{ 0x0f, 0x30 },		/* wrmsr */
				{ 0x0f, 0x32 },		/* rdmsr */
				{ 0x0f, 0x01, 0xd1 },	/* xsetbv */
				{ 0x0f, 0x22, 0xc0 },	/* mov eax, cr0 */
				{ 0x0f, 0x22, 0xe0 },	/* mov eax, cr4 */
				{ 0x0f, 0x22, 0xd8 },	/* mov eax, cr3 */
				{ 0x0f, 0x01, 0xc1 },	/* vmcall */
				{ 0xe6, 0x80 },		/* out 0x80, al */
				{ 0xf4 },		/* hlt */
				{ 0x0f, 0x0b },		/* ud2 */
				{ 0xcc },		/* int3 */
				{ 0x0f, 0x33 },		/* rdpmc */
				{ 0x0f, 0x09 },		/* wbinvd */
				{ 0x0f, 0x05 },		/* syscall */
			};
			memcpy(c, ops[below(sizeof(ops) / sizeof(ops[0]))], 4);
		}
		return;
	}
	/* mov dword [base + off], imm32 (C7 05), mov eax, [moffs] (A1), hlt */
	for (i = 0; i < 12 && n < 240; i++) {
		uint32_t off = below(0x110) & ~3u, val;

		switch (below(5)) {
		case 0:
			val = below(0x100);			/* status bits */
			break;
		case 1:
			val = (uint32_t)(f->code_gpa + below(REGION_SIZE));	/* ring */
			break;
		case 2:
			val = below(2);
			break;
		default:
			val = (uint32_t)interesting();
		}
		if (below(4)) {
			c[n++] = 0xc7;
			c[n++] = 0x05;
		} else {
			c[n++] = 0xa1;
		}
		memcpy(c + n, &(uint32_t){ (uint32_t)f->balloon_base + off }, 4);
		n += 4;
		if (c[n - 5] == 0x05) {
			memcpy(c + n, &val, 4);
			n += 4;
		}
	}
	c[n] = 0xf4;
	/* Rings and PFN arrays: random bytes around the code. */
	fill_random(c + 512, 3 * PAGE);
}

static void reset_vcpu(struct fvm *f, struct mvm_vcpu *v)
{
	struct minivmm_regs regs = { .rip = f->code_gpa, .rflags = 2 };
	struct minivmm_sregs sr;

	if (xioctl("GET_SREGS", v->fd, MINIVMM_GET_SREGS, &sr))
		return;
	flat32(&sr);
	xioctl("SET_SREGS", v->fd, MINIVMM_SET_SREGS, &sr);
	fill_random(&regs, 8 * 16);
	regs.rip = f->code_gpa;
	regs.rflags = 2 | (below(2) ? X86_RFLAGS_IF : 0);
	xioctl("SET_REGS", v->fd, MINIVMM_SET_REGS, &regs);
	write_code(f);
}

/* Mutate a state the module must refuse or survive. */
static void mutate_sregs(struct mvm_vcpu *v)
{
	struct minivmm_sregs sr;
	uint8_t *b = (uint8_t *)&sr;

	if (xioctl("GET_SREGS", v->fd, MINIVMM_GET_SREGS, &sr))
		return;
	switch (below(4)) {
	case 0:
		sr.cr0 ^= 1ULL << below(64);
		break;
	case 1:
		sr.cr4 ^= 1ULL << below(64);
		break;
	case 2:
		sr.efer ^= 1ULL << below(64);
		break;
	default:
		b[below(sizeof(sr))] = (uint8_t)rnd();
	}
	xioctl("SET_SREGS", v->fd, MINIVMM_SET_SREGS, &sr);
}

static void fuzz_msrs(struct mvm_vcpu *v)
{
	static const uint32_t idx[] = { 0x10, 0x1b, 0x3a, 0x48, 0x49, 0x8b, 0x174,
		0x175, 0x176, 0x1a0, 0x1d9, 0x277, 0x2ff, 0x480, 0x6e0, 0xc0000080,
		0xc0000081, 0xc0000082, 0xc0000084, 0xc0000100, 0xc0000101,
		0xc0000102, 0xc0000103, 0x40000000, 0x4b564d00 };
	struct {
		struct minivmm_msrs h;
		struct minivmm_msr_entry e[8];
	} m;
	unsigned int i;

	memset(&m, 0, sizeof(m));
	m.h.nmsrs = below(10) ? below(9) : (uint32_t)interesting();
	for (i = 0; i < 8; i++) {
		m.e[i].index = below(3) ? idx[below(sizeof(idx) / sizeof(idx[0]))] :
					  (uint32_t)interesting();
		m.e[i].data = interesting();
		if (!below(8))
			m.e[i].reserved = 1;
	}
	xioctl(below(2) ? "SET_MSRS" : "GET_MSRS", v->fd,
	       below(2) ? MINIVMM_SET_MSRS : MINIVMM_GET_MSRS, &m);
}

static void fuzz_cpuid(struct mvm_vcpu *v)
{
	static struct {
		struct minivmm_cpuid h;
		struct minivmm_cpuid_entry e[16];
	} c;
	unsigned int i;

	fill_random(&c, sizeof(c));
	c.h.nent = below(8) ? below(17) : (uint32_t)interesting();
	c.h.padding = below(8) ? 0 : 1;
	for (i = 0; i < 16; i++) {
		c.e[i].function = below(2) ? below(0x20) : (uint32_t)interesting();
		c.e[i].index = below(4);
		c.e[i].flags = below(4) ? 0 : (uint32_t)rnd();
		c.e[i].padding = 0;
	}
	xioctl("SET_CPUID", v->fd, MINIVMM_SET_CPUID, &c);
}

static void fuzz_slot(struct fvm *f)
{
	struct minivmm_memory_region r = {
		.slot = below(4) ? below(4) : (uint32_t)interesting(),
		.flags = below(4) ? 0 : (below(2) ? MINIVMM_MEM_READONLY : (uint32_t)rnd()),
		.guest_phys_addr = some_gpa(),
	};

	r.userspace_addr = slot_uaddr(&r.memory_size);
	if (!below(10))
		r.reserved[below(4)] = rnd();
	/* Slot 0 holds the guest code: keep it where the code is. */
	if (r.slot == 0) {
		r.guest_phys_addr = f->code_gpa;
		r.userspace_addr = (uintptr_t)f->code;
		r.memory_size = below(4) ? REGION_SIZE : below(2) * REGION_SIZE;
	}
	xioctl("SET_MEMORY_REGION", f->vm->fd, MINIVMM_SET_MEMORY_REGION, &r);
}

static void fuzz_balloon(struct fvm *f)
{
	struct minivmm_balloon_config cfg = {
		.mmio_base = below(3) ? f->code_gpa + REGION_SIZE + below(16) * PAGE :
					interesting(),
		.irq_vector = below(4) ? 0x20 + below(0xe0) : (uint32_t)interesting(),
		.features = below(2) ? 0 : rnd(),
		.initial_target_pages = below(2) ? below(512) : (uint32_t)interesting(),
		.stats_interval_ms = below(2) ? 0 : below(2000),
	};
	struct minivmm_balloon_target t = { .target_pages = below(1024) };
	struct minivmm_balloon_status st;

	switch (below(4)) {
	case 0:
		if (!xioctl("CREATE_BALLOON", f->vm->fd, MINIVMM_CREATE_BALLOON, &cfg))
			f->balloon_base = cfg.mmio_base;
		break;
	case 1:
		if (!below(4))
			t.flags = (uint32_t)rnd();
		xioctl("SET_BALLOON_TARGET", f->vm->fd, MINIVMM_SET_BALLOON_TARGET, &t);
		break;
	default:
		xioctl("GET_BALLOON_STATS", f->vm->fd, MINIVMM_GET_BALLOON_STATS, &st);
	}
}

/* Any ioctl number on any fd, with an argument good, random or bad. */
static void fuzz_raw_ioctl(int fd)
{
	static uint8_t buf[8192] __attribute__((aligned(64)));
	unsigned long cmd;
	void *arg;
	int r;

	switch (below(4)) {
	case 0:	/* ours, with the size field changed */
		cmd = _IOC(below(4), MINIVMMIO, below(0x40), below(2) ? below(512) : below(16384));
		break;
	case 1:
		cmd = (unsigned long)rnd();
		break;
	default: /* ours, as declared, minus those that change host policy */
		cmd = _IOC(below(4), MINIVMMIO, below(0x30), below(1024));
	}
	fill_random(buf, 256);
	switch (below(6)) {
	case 0:
		arg = NULL;
		break;
	case 1:
		arg = (void *)(uintptr_t)interesting();
		break;
	case 2:
		arg = buf + sizeof(buf) - below(16);	/* runs off the end */
		break;
	default:
		arg = buf;
	}
	/* RUN without the run page handled goes through fuzz_run(). */
	if (_IOC_NR(cmd) == _IOC_NR(MINIVMM_RUN) && _IOC_TYPE(cmd) == MINIVMMIO)
		return;
	r = xioctl("raw", fd, cmd, arg);
	/* CREATE_VM and CREATE_VCPU hit by chance: no fd is kept. */
	if (r > 2 && _IOC_TYPE(cmd) == MINIVMMIO &&
	    (_IOC_NR(cmd) == _IOC_NR(MINIVMM_CREATE_VM) ||
	     _IOC_NR(cmd) == _IOC_NR(MINIVMM_CREATE_VCPU)))
		close(r);
}

static void fuzz_run(struct fvm *f, struct mvm_vcpu *v)
{
	struct minivmm_run *run = v->run;
	int r;

	run->immediate_exit = !below(20);
	run->request_interrupt_window = !below(8);
	cur_op = "RUN";
	r = ioctl(v->fd, MINIVMM_RUN, 0);
	n_calls++;
	n_runs++;
	check_errno("RUN", MINIVMM_RUN, r, errno);
	if (r && errno != EINTR)
		return;
	n_exits[run->exit_reason & 15]++;
	switch (run->exit_reason) {
	case MINIVMM_EXIT_IO:
		if (run->io.direction == MINIVMM_EXIT_IO_IN && run->io.size <= 4 &&
		    run->io.count <= 64 && run->io.data_offset < v->run_size)
			fill_random((uint8_t *)run + run->io.data_offset,
				    run->io.size * run->io.count <= v->run_size -
				    run->io.data_offset ? run->io.size * run->io.count : 0);
		break;
	case MINIVMM_EXIT_MMIO:
		if (!run->mmio.is_write)
			fill_random(run->mmio.data, sizeof(run->mmio.data));
		break;
	case MINIVMM_EXIT_HLT:
		if (!below(3)) {
			struct minivmm_interrupt irq = { .vector = 0x20 + below(0xe0) };

			xioctl("INTERRUPT", v->fd, MINIVMM_INTERRUPT, &irq);
		}
		/* fall through */
	case MINIVMM_EXIT_SHUTDOWN:
	case MINIVMM_EXIT_FAIL_ENTRY:
	case MINIVMM_EXIT_INTERNAL_ERROR:
	case MINIVMM_EXIT_HYPERCALL:
		if (below(3))
			reset_vcpu(f, v);
		break;
	}
}

/* A fork child that faults says where, so a finding can be followed. */
static void child_fault(int sig, siginfo_t *si, void *uc)
{
	const ucontext_t *u = uc;
	char line[160];
	ssize_t n;

	snprintf(line, sizeof(line),
		 "# fork child: signal %d at %p, rip 0x%llx, rsp 0x%llx\n", sig,
		 si->si_addr, (unsigned long long)u->uc_mcontext.gregs[REG_RIP],
		 (unsigned long long)u->uc_mcontext.gregs[REG_RSP]);
	n = write(1, line, strlen(line));
	(void)n;
	_exit(4);
}

static void fuzz_fork(struct fvm *f)
{
	pid_t pid;

	cur_op = "fork";
	pid = fork();

	n_forks++;
	if (pid == 0) {
		/* Another mm: the module must refuse, not crash. */
		struct mvm_vcpu *v = f->vcpu[0];
		struct sigaction sa = { .sa_sigaction = child_fault, .sa_flags = SA_SIGINFO };

		sigaction(SIGILL, &sa, NULL);
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);

		if (v && ioctl(v->fd, MINIVMM_RUN, 0) == 0)
			_exit(3);
		_exit(0);
	}
	if (pid > 0) {
		int st = 0;
		pid_t w;

		/* The SIGALRM tick interrupts waitpid() too. */
		do
			w = waitpid(pid, &st, 0);
		while (w < 0 && errno == EINTR);
		if (w != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
			bad_errnos++;
			printf("# fork child: RUN from another process succeeded or it died (0x%x)\n",
			       st);
		}
	}
}

/*
 * MINIVMM_FUZZ_SKIP: operations not to do, comma-separated (run, reset,
 * sregs, msrs, cpuid, slot, balloon, ioctl, fork, regs, racer), to narrow
 * down a finding. The random stream stays the same.
 */
static const char *fuzz_skip;

static bool skipped(const char *op)
{
	size_t n = strlen(op);
	const char *p = fuzz_skip;

	while (p && *p) {
		if (!strncmp(p, op, n) && (p[n] == ',' || !p[n]))
			return true;
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return false;
}

static int fuzz_vm(void)
{
	struct fvm f = { 0 };
	unsigned int i, op;

	cur_op = "vm_create";
	f.vm = vm_create_empty();
	if (!f.vm)
		return -1;
	n_vms++;
	f.code_gpa = below(2) ? 0x100000 : 0x400000;
	f.code = region(0);
	if (vm_set_region(f.vm, 0, 0, f.code_gpa, REGION_SIZE, f.code))
		goto out;
	for (i = 0; i < 2; i++) {
		f.vcpu[i] = vm_add_vcpu_reset(f.vm, i ? (uint32_t)below(16) | 1 : 0);
		if (f.vcpu[i])
			reset_vcpu(&f, f.vcpu[i]);
	}
	if (!f.vcpu[0])
		goto out;
	pthread_mutex_lock(&racer_lock);
	racer_vm = &f;
	pthread_mutex_unlock(&racer_lock);
	for (op = 0; op < OPS_PER_VM; op++) {
		struct mvm_vcpu *v = f.vcpu[f.vcpu[1] && below(4) == 0];

		switch (below(20)) {
		case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
			if (!skipped("run"))
				fuzz_run(&f, v);
			break;
		case 8:
			if (!skipped("reset"))
				reset_vcpu(&f, v);
			break;
		case 9:
			if (!skipped("sregs"))
				mutate_sregs(v);
			break;
		case 10:
			if (!skipped("msrs"))
				fuzz_msrs(v);
			break;
		case 11:
			if (!skipped("cpuid"))
				fuzz_cpuid(v);
			break;
		case 12:
			if (!skipped("slot"))
				fuzz_slot(&f);
			break;
		case 13:
			if (!skipped("balloon"))
				fuzz_balloon(&f);
			break;
		case 14:
			if (!skipped("ioctl"))
				fuzz_raw_ioctl(v->fd);
			break;
		case 15:
			if (!skipped("ioctl"))
				fuzz_raw_ioctl(f.vm->fd);
			break;
		case 16:
			if (!skipped("ioctl"))
				fuzz_raw_ioctl(f.vm->dev_fd);
			break;
		case 17:
			if (!below(10) && !skipped("fork"))
				fuzz_fork(&f);
			break;
		default: {
			if (skipped("regs"))
				break;
			struct minivmm_regs regs;

			fill_random(&regs, sizeof(regs));
			if (below(2))
				regs.rip = f.code_gpa + below(256);
			xioctl("SET_REGS", v->fd, MINIVMM_SET_REGS, &regs);
		}
		}
	}
out:
	pthread_mutex_lock(&racer_lock);
	racer_vm = NULL;
	pthread_mutex_unlock(&racer_lock);
	cur_op = "vm_free";
	vm_free(f.vm);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* The racer: memory and slots change under running vCPUs                  */
/* ---------------------------------------------------------------------- */

static void *racer(void *arg)
{
	uint64_t s = *(uint64_t *)arg;

	while (!racer_stop) {
		unsigned int i;
		uint8_t *p;

		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		i = (s >> 33) % POOL_REGIONS;
		p = region(i) + ((s >> 40) % (REGION_SIZE / PAGE)) * PAGE;
		pthread_mutex_lock(&racer_lock);
		racer_op = (s >> 20) % 8;
		switch (racer_op) {
		case 0:
			madvise(p, 16 * PAGE, MADV_DONTNEED);
			break;
		case 1:
			/* Region 0 holds the code the main thread writes. */
			if (i) {
				mprotect(p, 16 * PAGE, PROT_READ);
				mprotect(p, 16 * PAGE, PROT_READ | PROT_WRITE);
			}
			break;
		case 2:
			if (i) {
				munmap(region(i), REGION_SIZE);
				pool_map(i);
			}
			break;
		case 3:
			madvise(region(i), REGION_SIZE, (s & 1) ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
			break;
		case 4:
			if (racer_vm) {
				struct minivmm_memory_region r = {
					.slot = 1 + (s >> 50) % 3,
					.guest_phys_addr = 0x800000 + ((s >> 44) % 4) * REGION_SIZE,
					.memory_size = (s & 2) ? REGION_SIZE : 0,
					.userspace_addr = (uintptr_t)region(1 + (s >> 50) % 3),
				};

				ioctl(racer_vm->vm->fd, MINIVMM_SET_MEMORY_REGION, &r);
			}
			break;
		default:
			/* Touch: the guest's view and ours must stay one. */
			if (i)
				((volatile uint8_t *)p)[0]++;
		}
		n_races++;
		pthread_mutex_unlock(&racer_lock);
		usleep(200 + (s >> 54));
	}
	return NULL;
}

/*
 * A hang is a finding too: when either thread made no progress for 20 s,
 * ask the kernel for its blocked tasks and CPU backtraces (sysrq w, l),
 * print what the log says after our mark, and fail. A thread stuck in the
 * kernel may hold this process's mmap lock, so the report touches only
 * memory faulted in beforehand and uses no malloc: plain write(), a
 * static buffer, a stack pre-touched.
 */
static char wd_log[1 << 20];

static void wd_say(const char *s)
{
	ssize_t n = write(1, s, strlen(s));

	(void)n;
}

static void __attribute__((noinline)) wd_touch_stack(void)
{
	volatile char pad[64 * 1024];

	memset((char *)pad, 0, sizeof(pad));
}

static void *watchdog(void *arg)
{
	uint64_t last_calls = ~0ULL, last_races = ~0ULL;
	unsigned int still_main = 0, still_racer = 0;
	char line[256];

	memset(wd_log, 0, sizeof(wd_log));
	wd_touch_stack();
	for (;;) {
		uint64_t calls = n_calls, races = n_races;
		char *p;
		int fd, n;

		sleep(1);
		if (racer_stop)
			return NULL;
		still_main = calls == last_calls ? still_main + 1 : 0;
		still_racer = races == last_races ? still_racer + 1 : 0;
		last_calls = calls;
		last_races = races;
		if (still_main < 20 && still_racer < 20)
			continue;
		snprintf(line, sizeof(line),
			 "# fuzz: no progress for 20 s (%s); main thread in %s (0x%lx), racer in op %u\n",
			 still_main >= 20 ? "main thread" : "racer", cur_op, cur_cmd, racer_op);
		wd_say(line);
		fd = open("/proc/sysrq-trigger", O_WRONLY);
		if (fd >= 0) {
			n = write(fd, "w", 1);
			n = write(fd, "l", 1);
			close(fd);
		}
		sleep(2);
		n = klogctl(3, wd_log, sizeof(wd_log) - 1);	/* SYSLOG_ACTION_READ_ALL */
		if (n > 0) {
			wd_log[n] = 0;
			p = strstr(wd_log, mark);
			wd_say(p ? p : wd_log);
		}
		wd_say("\nnot ok 1 fuzz # hang\n");
		_exit(1);
	}
}

/* SIGALRM ends a RUN (-EINTR): guest code that loops still comes back. */
static void on_tick(int sig)
{
}

static const char *const kernel_errors[] = {
	"BUG:", "WARNING:", "Oops", "general protection fault", "Call Trace",
	"soft lockup", "hard LOCKUP", "rcu_sched detected stalls", "rcu: INFO",
	"blocked for more than", "Kernel panic", "UBSAN", "KASAN", "list_add corruption",
};

int main(int argc, char **argv)
{
	uint64_t seed = 1, seconds = 60, t_end, racer_seed;
	struct sigaction sa = { .sa_handler = on_tick };
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	sigset_t mask;
	pthread_t rt, wt;
	unsigned int i, kerr = 0;
	time_t t0;
	int r;

	for (i = 1; i + 1 < (unsigned int)argc; i += 2) {
		if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = strtoull(argv[i + 1], NULL, 0);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fuzz_skip = getenv("MINIVMM_FUZZ_SKIP");
	printf("TAP version 13\n1..1\n");
	printf("# fuzz_test: seed %llu, %llu s%s%s\n", (unsigned long long)seed,
	       (unsigned long long)seconds, fuzz_skip ? ", skipping " : "",
	       fuzz_skip ? fuzz_skip : "");
	rng_state = seed ? seed : 1;
	racer_seed = rnd();
	for (i = 0; i < POOL_REGIONS; i++) {
		r = pool_map(i);
		if (r) {
			printf("not ok 1 fuzz # pool mmap: %s\n", strerror(-r));
			return 1;
		}
	}
	if (klog_mark(mark, sizeof(mark))) {
		printf("not ok 1 fuzz # cannot mark the kernel log: %s\n", strerror(errno));
		return 1;
	}
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* The racer never takes the tick: it must reach the RUN thread. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	if (!skipped("racer"))
		pthread_create(&rt, NULL, racer, &racer_seed);
	pthread_create(&wt, NULL, watchdog, NULL);
	pthread_sigmask(SIG_UNBLOCK, &mask, NULL);
	setitimer(ITIMER_REAL, &it, NULL);

	t0 = time(NULL);
	t_end = t0 + seconds;
	while ((uint64_t)time(NULL) < t_end)
		fuzz_vm();
	racer_stop = 1;
	if (!skipped("racer"))
		pthread_join(rt, NULL);
	pthread_join(wt, NULL);
	it.it_value.tv_usec = it.it_interval.tv_usec = 0;
	setitimer(ITIMER_REAL, &it, NULL);

	{
		char *log = klog_read_all();

		for (i = 0; log && i < sizeof(kernel_errors) / sizeof(kernel_errors[0]); i++) {
			if (klog_has_after(log, mark, kernel_errors[i])) {
				printf("# kernel log has \"%s\" after %s\n", kernel_errors[i], mark);
				kerr++;
			}
		}
		if (!log) {
			printf("# cannot read the kernel log: %s\n", strerror(errno));
			kerr++;
		}
		free(log);
	}
	t0 = time(NULL) - t0;
	printf("# fuzz: %llu calls, %llu VMs, %llu guest runs, %llu races, %llu forks in %ld s (%.0f calls/min)\n",
	       (unsigned long long)n_calls, (unsigned long long)n_vms,
	       (unsigned long long)n_runs, (unsigned long long)n_races,
	       (unsigned long long)n_forks, (long)t0,
	       t0 ? n_calls * 60.0 / t0 : 0.0);
	printf("# exits:");
	for (i = 0; i < 16; i++)
		if (n_exits[i])
			printf(" %s=%llu", exit_reason_str(i), (unsigned long long)n_exits[i]);
	printf("\n");
	if (kerr || bad_errnos || !n_runs) {
		printf("not ok 1 fuzz # seed %llu: %u kernel errors, %u bad results, %llu runs\n",
		       (unsigned long long)seed, kerr, bad_errnos, (unsigned long long)n_runs);
		return 1;
	}
	printf("ok 1 fuzz # seed %llu\n", (unsigned long long)seed);
	return 0;
}
