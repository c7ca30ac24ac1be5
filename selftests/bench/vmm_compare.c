// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm against Linux's own KVM (issue 7): the same guest code bytes,
 * the same host loop, two tiny backends behind one ops struct.
 *
 * usage: vmm_compare minivmm|kvm [balloon]
 * ("balloon": only the balloon workload, for development runs)
 *
 * Prints "TAP version 13", a plan, one "# bench: BACKEND.METRIC VALUE UNIT"
 * line per figure and one TAP result per workload, which only says that the
 * workload ran to its end (figures are never assertions).
 *
 * The guest runs in 32-bit flat protected mode without paging, set through
 * SREGS: code at guest-physical 0x1000 in a 64 KiB slot at 0, the stack in
 * it too. Timings are CLOCK_MONOTONIC in this program; in the Bochs test
 * host (clock: sync=none) they are emulated-instruction time: deterministic,
 * comparable as ratios, not hardware times.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/minivmm.h>
#include "lib/balloon_bench.h"

#define N_LOOP		10000
#define BENCH_PORT	0x80
#define MMIO_GPA	0xd0000000ULL
#define LOW_SLOT_SIZE	0x10000ULL
#define CODE_GPA	0x1000ULL
#define STACK_GPA	0x8000ULL
#define TOUCH_SLOT	1
#define TOUCH_GPA	0x10000000ULL
#define TOUCH_SIZE	(64ULL << 20)
#define TOUCH_PAGES	(TOUCH_SIZE / 4096)
#define N_CREATE	20
/* KVM's private pages for real mode / unpaged protected mode without
 * unrestricted guest: out of the way of every slot here.
 */
#define KVM_IDENT_GPA	0xfffbc000ULL
#define KVM_TSS_GPA	0xfffbd000ULL

/*
 * Guest code (as --32, objdump -d), identical for both backends.
 */
/* mov $10000,%ecx; 1: out %al,$0x80; dec %ecx; jnz 1b; hlt */
static const uint8_t code_pio[] = {
	0xb9, 0x10, 0x27, 0x00, 0x00, 0xe6, 0x80, 0x49, 0x75, 0xfb, 0xf4,
};
/* mov $10000,%ecx; 1: mov %eax,0xd0000000; dec %ecx; jnz 1b; hlt */
static const uint8_t code_mmio[] = {
	0xb9, 0x10, 0x27, 0x00, 0x00, 0xa3, 0x00, 0x00, 0x00, 0xd0, 0x49,
	0x75, 0xf8, 0xf4,
};
/* out %al,$0x80; mov $10000,%esi; 1: xor %eax,%eax; xor %ecx,%ecx; cpuid;
 * dec %esi; jnz 1b; out %al,$0x80; hlt
 */
static const uint8_t code_cpuid[] = {
	0xe6, 0x80, 0xbe, 0x10, 0x27, 0x00, 0x00, 0x31, 0xc0, 0x31, 0xc9,
	0x0f, 0xa2, 0x4e, 0x75, 0xf7, 0xe6, 0x80, 0xf4,
};
/* out %al,$0x80; mov $0x10000000,%ebx; mov $16384,%ecx;
 * 1: mov %ecx,(%ebx); add $0x1000,%ebx; dec %ecx; jnz 1b; out %al,$0x80; hlt
 */
static const uint8_t code_touch[] = {
	0xe6, 0x80, 0xbb, 0x00, 0x00, 0x00, 0x10, 0xb9, 0x00, 0x40, 0x00,
	0x00, 0x89, 0x0b, 0x81, 0xc3, 0x00, 0x10, 0x00, 0x00, 0x49, 0x75,
	0xf5, 0xe6, 0x80, 0xf4,
};
/* out %al,$0x80; hlt */
static const uint8_t code_first[] = { 0xe6, 0x80, 0xf4 };

enum vexit { VX_IO, VX_MMIO, VX_HLT, VX_OTHER, VX_ERR };

struct vm {
	int sys;		/* /dev/minivmm or /dev/kvm, shared */
	int fd, vcpu;
	void *run;
	long run_size;
	uint8_t *low;		/* the 64 KiB slot at 0 */
	uint32_t raw_exit;	/* the backend's exit reason, for messages */
	uint16_t port;
	uint64_t mmio_addr;
};

struct backend {
	const char *name, *dev;
	int (*create_vm)(struct vm *vm);
	int (*set_region)(struct vm *vm, uint32_t slot, uint64_t gpa,
			  uint64_t size, void *mem);
	int (*create_vcpu)(struct vm *vm);
	int (*set_flat32)(struct vm *vm, uint64_t rip, uint64_t rsp);
	enum vexit (*run)(struct vm *vm);
	/* kernel bytes the VM says it holds; NULL when it cannot say */
	int (*kernel_bytes)(struct vm *vm, uint64_t *bytes);
};

/* The segment fields of both ABIs have the same names. */
#define FLAT_SEG(seg, sel, typ) do {				\
	(seg).base = 0; (seg).limit = 0xffffffff;		\
	(seg).selector = (sel); (seg).type = (typ);		\
	(seg).present = 1; (seg).dpl = 0; (seg).db = 1;		\
	(seg).s = 1; (seg).l = 0; (seg).g = 1; (seg).avl = 0;	\
	(seg).unusable = 0;					\
} while (0)

#define FLAT32_SREGS(sr) do {					\
	FLAT_SEG((sr).cs, 0x08, 0xb);				\
	FLAT_SEG((sr).ds, 0x10, 0x3);				\
	FLAT_SEG((sr).es, 0x10, 0x3);				\
	FLAT_SEG((sr).fs, 0x10, 0x3);				\
	FLAT_SEG((sr).gs, 0x10, 0x3);				\
	FLAT_SEG((sr).ss, 0x10, 0x3);				\
	(sr).cr0 = 0x11;	/* PE | ET, no paging */	\
	(sr).cr3 = 0; (sr).cr4 = 0; (sr).efer = 0;		\
} while (0)

/* ---- minivmm ---------------------------------------------------------- */

static int mv_create_vm(struct vm *vm)
{
	vm->fd = ioctl(vm->sys, MINIVMM_CREATE_VM, 0);
	return vm->fd < 0 ? -1 : 0;
}

static int mv_set_region(struct vm *vm, uint32_t slot, uint64_t gpa,
			 uint64_t size, void *mem)
{
	struct minivmm_memory_region r = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uintptr_t)mem,
	};

	return ioctl(vm->fd, MINIVMM_SET_MEMORY_REGION, &r);
}

static int mv_create_vcpu(struct vm *vm)
{
	vm->vcpu = ioctl(vm->fd, MINIVMM_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		return -1;
	vm->run_size = ioctl(vm->sys, MINIVMM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size < (long)sizeof(struct minivmm_run))
		return -1;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu, 0);
	return vm->run == MAP_FAILED ? -1 : 0;
}

static int mv_set_flat32(struct vm *vm, uint64_t rip, uint64_t rsp)
{
	struct minivmm_sregs sr;
	struct minivmm_regs r;

	if (ioctl(vm->vcpu, MINIVMM_GET_SREGS, &sr))
		return -1;
	FLAT32_SREGS(sr);
	if (ioctl(vm->vcpu, MINIVMM_SET_SREGS, &sr))
		return -1;
	memset(&r, 0, sizeof(r));
	r.rip = rip;
	r.rsp = rsp;
	r.rflags = 2;
	return ioctl(vm->vcpu, MINIVMM_SET_REGS, &r);
}

static enum vexit mv_run(struct vm *vm)
{
	struct minivmm_run *run = vm->run;

	if (ioctl(vm->vcpu, MINIVMM_RUN, 0))
		return VX_ERR;
	vm->raw_exit = run->exit_reason;
	switch (run->exit_reason) {
	case MINIVMM_EXIT_IO:
		vm->port = run->io.port;
		return VX_IO;
	case MINIVMM_EXIT_MMIO:
		vm->mmio_addr = run->mmio.phys_addr;
		return VX_MMIO;
	case MINIVMM_EXIT_HLT:
		return VX_HLT;
	}
	return VX_OTHER;
}

static int mv_kernel_bytes(struct vm *vm, uint64_t *bytes)
{
	struct minivmm_mem_stats st;

	if (ioctl(vm->fd, MINIVMM_GET_MEM_STATS, &st))
		return -1;
	*bytes = st.kernel_bytes;
	return 0;
}

static const struct backend minivmm_backend = {
	.name = "minivmm", .dev = "/dev/minivmm",
	.create_vm = mv_create_vm, .set_region = mv_set_region,
	.create_vcpu = mv_create_vcpu, .set_flat32 = mv_set_flat32,
	.run = mv_run, .kernel_bytes = mv_kernel_bytes,
};

/* ---- KVM -------------------------------------------------------------- */

static int kvm_create(struct vm *vm)
{
	uint64_t ident = KVM_IDENT_GPA;

	vm->fd = ioctl(vm->sys, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return -1;
	/* Needed by kvm_intel without unrestricted guest; harmless with it. */
	if (ioctl(vm->fd, KVM_SET_IDENTITY_MAP_ADDR, &ident) ||
	    ioctl(vm->fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_GPA))
		return -1;
	return 0;
}

static int kvm_set_region(struct vm *vm, uint32_t slot, uint64_t gpa,
			  uint64_t size, void *mem)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uintptr_t)mem,
	};

	return ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r);
}

static int kvm_create_vcpu(struct vm *vm)
{
	vm->vcpu = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		return -1;
	vm->run_size = ioctl(vm->sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size < (long)sizeof(struct kvm_run))
		return -1;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu, 0);
	return vm->run == MAP_FAILED ? -1 : 0;
}

static int kvm_set_flat32(struct vm *vm, uint64_t rip, uint64_t rsp)
{
	struct kvm_sregs sr;
	struct kvm_regs r;

	if (ioctl(vm->vcpu, KVM_GET_SREGS, &sr))
		return -1;
	FLAT32_SREGS(sr);
	if (ioctl(vm->vcpu, KVM_SET_SREGS, &sr))
		return -1;
	memset(&r, 0, sizeof(r));
	r.rip = rip;
	r.rsp = rsp;
	r.rflags = 2;
	return ioctl(vm->vcpu, KVM_SET_REGS, &r);
}

static enum vexit kvm_run_once(struct vm *vm)
{
	struct kvm_run *run = vm->run;

	if (ioctl(vm->vcpu, KVM_RUN, 0))
		return VX_ERR;
	vm->raw_exit = run->exit_reason;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		vm->port = run->io.port;
		return VX_IO;
	case KVM_EXIT_MMIO:
		vm->mmio_addr = run->mmio.phys_addr;
		return VX_MMIO;
	case KVM_EXIT_HLT:
		return VX_HLT;
	}
	return VX_OTHER;
}

static const struct backend kvm_backend = {
	.name = "kvm", .dev = "/dev/kvm",
	.create_vm = kvm_create, .set_region = kvm_set_region,
	.create_vcpu = kvm_create_vcpu, .set_flat32 = kvm_set_flat32,
	.run = kvm_run_once, .kernel_bytes = NULL,
};

/* ---- common ----------------------------------------------------------- */

static const struct backend *be;
static int sys_fd = -1, results;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void report(const char *metric, int ok, const char *why)
{
	printf("%s %d %s.%s%s%s\n", ok ? "ok" : "not ok", ++results, be->name,
	       metric, why && !ok ? " # " : "", why && !ok ? why : "");
	fflush(stdout);
}

static void figure(const char *metric, double value, const char *unit)
{
	/* ratios ("x") need more digits than times */
	printf("# bench: %s.%s %.*f %s\n", be->name, metric,
	       strcmp(unit, "x") ? 1 : 3, value, unit);
	fflush(stdout);
}

static void vm_destroy(struct vm *vm)
{
	if (vm->run && vm->run != MAP_FAILED)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu >= 0)
		close(vm->vcpu);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->low && vm->low != MAP_FAILED)
		munmap(vm->low, LOW_SLOT_SIZE);
	memset(vm, 0, sizeof(*vm));
	vm->fd = vm->vcpu = -1;
}

/* A VM with the 64 KiB slot at 0 holding @code at 0x1000 (hlt elsewhere),
 * one vCPU in flat 32-bit protected mode at its first byte.
 */
static int vm_make(struct vm *vm, const uint8_t *code, size_t len)
{
	memset(vm, 0, sizeof(*vm));
	vm->sys = sys_fd;
	vm->fd = vm->vcpu = -1;
	if (be->create_vm(vm))
		return -1;
	vm->low = mmap(NULL, LOW_SLOT_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->low == MAP_FAILED)
		return -2;
	memset(vm->low, 0xf4, LOW_SLOT_SIZE);
	memcpy(vm->low + CODE_GPA, code, len);
	if (be->set_region(vm, 0, 0, LOW_SLOT_SIZE, vm->low))
		return -3;
	if (be->create_vcpu(vm))
		return -4;
	if (be->set_flat32(vm, CODE_GPA, STACK_GPA))
		return -5;
	return 0;
}

static int setup_failed(const char *metric, struct vm *vm, int err)
{
	char why[96];

	snprintf(why, sizeof(why), "setup step %d: %s", -err, strerror(errno));
	printf("# %s.%s: %s\n", be->name, metric, why);
	vm_destroy(vm);
	report(metric, 0, why);
	return -1;
}

static void bad_exit(const char *metric, struct vm *vm, enum vexit e)
{
	printf("# %s.%s: unexpected exit %d (raw %u)%s%s\n", be->name, metric,
	       e, vm->raw_exit, e == VX_ERR ? ": " : "",
	       e == VX_ERR ? strerror(errno) : "");
}

/* Exits to userspace: the guest makes N_LOOP exits of @kind, then hlt. */
static void bench_roundtrip(const char *metric, const uint8_t *code, size_t len,
			    enum vexit kind)
{
	uint64_t t0, t1, n = 0;
	enum vexit e;
	struct vm vm;
	int err, ok;

	err = vm_make(&vm, code, len);
	if (err) {
		setup_failed(metric, &vm, err);
		return;
	}
	t0 = now_ns();
	for (;;) {
		e = be->run(&vm);
		if (e != kind)
			break;
		if (kind == VX_IO ? vm.port != BENCH_PORT : vm.mmio_addr != MMIO_GPA)
			break;
		n++;
	}
	t1 = now_ns();
	ok = e == VX_HLT && n == N_LOOP;
	if (ok)
		figure(metric, (double)(t1 - t0) / n, "ns");
	else
		bad_exit(metric, &vm, e);
	vm_destroy(&vm);
	report(metric, ok, NULL);
}

/* Run to the next exit, which must be an OUT to BENCH_PORT. */
static int run_to_mark(struct vm *vm, const char *metric)
{
	enum vexit e = be->run(vm);

	if (e == VX_IO && vm->port == BENCH_PORT)
		return 0;
	bad_exit(metric, vm, e);
	return -1;
}

static int run_to_hlt(struct vm *vm, const char *metric)
{
	enum vexit e = be->run(vm);

	if (e == VX_HLT)
		return 0;
	bad_exit(metric, vm, e);
	return -1;
}

/* Exits handled in the kernel: N_LOOP CPUIDs between two marks. */
static void bench_cpuid(void)
{
	const char *metric = "cpuid_exit_in_kernel";
	uint64_t t0, t1;
	struct vm vm;
	int err, ok = 0;

	err = vm_make(&vm, code_cpuid, sizeof(code_cpuid));
	if (err) {
		setup_failed(metric, &vm, err);
		return;
	}
	if (run_to_mark(&vm, metric))
		goto out;
	t0 = now_ns();
	if (run_to_mark(&vm, metric))
		goto out;
	t1 = now_ns();
	if (run_to_hlt(&vm, metric))
		goto out;
	ok = 1;
	figure(metric, (double)(t1 - t0) / N_LOOP, "ns");
out:
	vm_destroy(&vm);
	report(metric, ok, NULL);
}

/*
 * What a VM costs the kernel, measured the same way for both backends:
 * this program runs alone in its own memory cgroup, and both minivmm and
 * KVM allocate a VM's memory with __GFP_ACCOUNT (structures, VMCS and run
 * pages, EPT tables), so the growth of memory.stat "kernel" while the VM is
 * created and touches 64 MiB, less the growth of "pagetables" (this
 * process's own page tables for the 64 MiB), is the VM's kernel memory.
 * Guest memory is "anon", not "kernel". /proc/meminfo cannot do this: its
 * MemFree moves by megabytes with the per-CPU page lists.
 */
#define CG_DIR	"/sys/fs/cgroup/vmm_compare"

struct kstat {
	long long kernel, pagetables, anon;
};

static int write_str(const char *path, const char *str)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, str, strlen(str)) == (ssize_t)strlen(str);
	close(fd);
	return ok ? 0 : -1;
}

static int enter_memcg(void)
{
	char pid[32];

	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) &&
	    mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL))
		return -1;
	write_str("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
	if (mkdir(CG_DIR, 0755) && errno != EEXIST)
		return -1;
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (write_str(CG_DIR "/cgroup.procs", pid))
		return -1;
	return access(CG_DIR "/memory.stat", R_OK);
}

static int read_kstat(struct kstat *k)
{
	char line[128];
	long long v;
	FILE *f;
	int got = 0;

	/* memcg statistics are flushed every 2 s at the latest. */
	sleep(3);
	f = fopen(CG_DIR "/memory.stat", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "kernel %lld", &v) == 1)
			k->kernel = v, got |= 1;
		else if (sscanf(line, "pagetables %lld", &v) == 1)
			k->pagetables = v, got |= 2;
		else if (sscanf(line, "anon %lld", &v) == 1)
			k->anon = v, got |= 4;
	}
	fclose(f);
	return got == 7 ? 0 : -1;
}

/* First touch of a fresh 64 MiB slot, and the VM's kernel memory then. */
static void bench_first_touch(int memcg_ok)
{
	const char *metric = "first_touch_64MiB";
	const char *why = memcg_ok ? "memory.stat has no kernel/pagetables/anon" :
				     "no memory cgroup for this process";
	struct kstat k0, k1;
	uint64_t t0, t1, kbytes = 0;
	int err, ok = 0, mem_ok = 0, own_ok = 0;
	struct vm vm;
	void *mem;

	mem = mmap(NULL, TOUCH_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		report(metric, 0, "mmap");
		report("vm_kernel_bytes_memcg", 0, "mmap");
		return;
	}
	madvise(mem, TOUCH_SIZE, MADV_NOHUGEPAGE);
	mem_ok = memcg_ok && !read_kstat(&k0);
	err = vm_make(&vm, code_touch, sizeof(code_touch));
	if (!err && be->set_region(&vm, TOUCH_SLOT, TOUCH_GPA, TOUCH_SIZE, mem))
		err = -6;
	if (err) {
		setup_failed(metric, &vm, err);
		report("vm_kernel_bytes_memcg", 0, "setup");
		munmap(mem, TOUCH_SIZE);
		return;
	}
	if (run_to_mark(&vm, metric))
		goto out;
	t0 = now_ns();
	if (run_to_mark(&vm, metric))
		goto out;
	t1 = now_ns();
	mem_ok = mem_ok && !read_kstat(&k1);
	if (be->kernel_bytes)
		own_ok = !be->kernel_bytes(&vm, &kbytes);
	if (run_to_hlt(&vm, metric))
		goto out;
	ok = 1;
	figure(metric, TOUCH_PAGES * 1e9 / (double)(t1 - t0), "pages/s");
	figure("first_touch_64MiB_per_page", (double)(t1 - t0) / TOUCH_PAGES, "ns");
	if (mem_ok) {
		printf("# %s memcg: kernel +%lld, pagetables +%lld, anon +%lld bytes\n",
		       be->name, k1.kernel - k0.kernel, k1.pagetables - k0.pagetables,
		       k1.anon - k0.anon);
		figure("vm_kernel_bytes_memcg",
		       (double)((k1.kernel - k0.kernel) - (k1.pagetables - k0.pagetables)),
		       "bytes");
	} else {
		printf("# %s: %s\n", be->name, why);
	}
	if (own_ok)
		figure("vm_kernel_bytes_own_count", (double)kbytes, "bytes");
out:
	vm_destroy(&vm);
	munmap(mem, TOUCH_SIZE);
	report(metric, ok, NULL);
	report("vm_kernel_bytes_memcg", ok && mem_ok, why);
}

/* Create VM + slot + vCPU + registers, run to the first exit, close. */
static void bench_create(void)
{
	const char *metric = "vm_create_to_first_exit";
	uint64_t t0, total = 0, open_part = 0;
	struct vm vm;
	int i, err, ok = 1;

	for (i = 0; i < N_CREATE && ok; i++) {
		t0 = now_ns();
		err = vm_make(&vm, code_first, sizeof(code_first));
		if (err) {
			setup_failed(metric, &vm, err);
			return;
		}
		ok = !run_to_mark(&vm, metric);
		open_part += now_ns() - t0;
		vm_destroy(&vm);
		total += now_ns() - t0;
	}
	if (ok) {
		figure(metric, (double)total / N_CREATE, "ns");
		/* the same without closing the VM again */
		figure("vm_create_to_first_exit_open", (double)open_part / N_CREATE, "ns");
	}
	report(metric, ok, NULL);
}

/*
 * 64 MiB balloon inflate and deflate (issues 5 and 7): minivmm's in-kernel
 * device, or KVM with a Firecracker-like userspace device, next to the
 * raw madvise(MADV_DONTNEED) floor measured in this process. The guest is
 * 64-bit C code (lib/balloon_guest.c, the project's balloon driver), the
 * same bytes under both; see lib/balloon_bench.c.
 */
static void bench_balloon(void)
{
	const double mib = (double)(64ULL << 20) / (1 << 20);
	const double pages = (64ULL << 20) / 4096;
	struct bal_result r;
	struct bal_floor fl;
	char why[192] = "";
	int ok, floor_ok;

	floor_ok = !bal_floor(&fl, why, sizeof(why));
	if (floor_ok) {
		figure("madvise_floor_4k_per_page", fl.per_page_ns, "ns");
		figure("madvise_floor_1MiB_per_page", fl.per_mib_ns, "ns");
		figure("madvise_floor_64MiB_one_call", (double)fl.one_call_ns, "ns");
	} else {
		printf("# %s.madvise_floor: %s\n", be->name, why);
	}
	report("madvise_floor", floor_ok, why);

	why[0] = 0;
	ok = !(be == &kvm_backend ? bal_run_kvm : bal_run_minivmm)(&r, why,
								     sizeof(why));
	if (!ok) {
		printf("# %s.balloon_64MiB: %s\n", be->name, why);
		report("balloon_64MiB", 0, why);
		return;
	}
	printf("# %s balloon: resident pages touched %llu, inflated %llu, deflated %llu, written again %llu\n",
	       be->name, (unsigned long long)r.res_touched,
	       (unsigned long long)r.res_inflated,
	       (unsigned long long)r.res_deflated,
	       (unsigned long long)r.res_retouched);
	printf("# %s balloon inflate: %llu requests, %llu pages, %llu device exits, %llu pages released in %llu %s, %llu EPT entries zapped; guest TSC %llu cycles\n",
	       be->name, (unsigned long long)r.inflate.requests,
	       (unsigned long long)r.inflate.pages,
	       (unsigned long long)r.inflate.exits,
	       (unsigned long long)r.inflate.released,
	       (unsigned long long)r.inflate.zap_calls,
	       be == &kvm_backend ? "madvise() calls" : "MMU-notifier invalidations",
	       (unsigned long long)r.inflate.ept_zapped,
	       (unsigned long long)r.inflate_tsc);
	printf("# %s balloon deflate: %llu requests, %llu pages, %llu device exits; guest TSC %llu cycles\n",
	       be->name, (unsigned long long)r.deflate.requests,
	       (unsigned long long)r.deflate.pages,
	       (unsigned long long)r.deflate.exits,
	       (unsigned long long)r.deflate_tsc);
	figure("balloon_inflate_64MiB", mib * 1e9 / (double)r.inflate_ns, "MiB/s");
	figure("balloon_inflate_64MiB_per_page", (double)r.inflate_ns / pages, "ns");
	if (floor_ok) {
		figure("balloon_inflate_over_4k_floor",
		       (double)r.inflate_ns / pages / fl.per_page_ns, "x");
		figure("balloon_inflate_over_1MiB_floor",
		       (double)r.inflate_ns / pages / fl.per_mib_ns, "x");
	}
	figure("balloon_deflate_64MiB", mib * 1e9 / (double)r.deflate_ns, "MiB/s");
	figure("balloon_deflate_64MiB_per_page", (double)r.deflate_ns / pages, "ns");
	figure("balloon_inflate_exits", (double)r.inflate.exits, "exits");
	figure("balloon_inflate_release_calls", (double)r.inflate.zap_calls, "calls");
	figure("balloon_deflate_exits", (double)r.deflate.exits, "exits");
	figure("madvise_4k_guest_slot_per_page", r.madv_slot_ns, "ns");
	figure("madvise_1MiB_guest_slot_per_page", r.madv_slot_1m_ns, "ns");
	report("balloon_64MiB", 1, NULL);
}

int main(int argc, char **argv)
{
	int memcg_ok, only_balloon;

	if (argc < 2 || argc > 3 ||
	    (strcmp(argv[1], "minivmm") && strcmp(argv[1], "kvm")) ||
	    (argc == 3 && strcmp(argv[2], "balloon"))) {
		fprintf(stderr, "usage: %s minivmm|kvm [balloon]\n", argv[0]);
		return 2;
	}
	only_balloon = argc == 3;
	be = strcmp(argv[1], "kvm") ? &minivmm_backend : &kvm_backend;
	printf("TAP version 13\n1..%d\n", only_balloon ? 2 : 8);
	printf("# %s: same guest bytes for both backends; emulated time under Bochs\n",
	       be->name);
	fflush(stdout);
	sys_fd = open(be->dev, O_RDWR | O_CLOEXEC);
	if (sys_fd < 0) {
		printf("Bail out! %s: %s\n", be->dev, strerror(errno));
		return 1;
	}
	if (be == &kvm_backend && ioctl(sys_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		printf("Bail out! KVM_GET_API_VERSION is not %d\n", KVM_API_VERSION);
		return 1;
	}
	if (only_balloon) {
		bench_balloon();
		close(sys_fd);
		return 0;
	}
	memcg_ok = !enter_memcg();
	bench_roundtrip("pio_exit_roundtrip", code_pio, sizeof(code_pio), VX_IO);
	/* MMIO exits include fetching and decoding the instruction. */
	bench_roundtrip("mmio_exit_roundtrip", code_mmio, sizeof(code_mmio), VX_MMIO);
	bench_cpuid();
	bench_first_touch(memcg_ok);
	bench_create();
	bench_balloon();
	close(sys_fd);
	return 0;
}
