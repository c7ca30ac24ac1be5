// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm benchmarks ('make bench'): figures, not assertions. Each prints
 * "# bench: NAME VALUE UNIT" lines and one TAP result that only says the
 * workload ran to its end. In the Bochs test host the clock advances with
 * emulated instructions: figures are deterministic instruction-count
 * times, comparable between runs, not hardware times.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "minivmm_util.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

#define N_EXITS		10000
#define BENCH_PORT	0x80
#define MMIO_GPA	0xd0000000ULL
#define TOUCH_GPA	0x80000000ULL
#define TOUCH_SIZE	(64ULL << 20)
#define TOUCH_SLOT	20

static int results;

static void report(const char *name, int ok)
{
	printf("%s %d %s\n", ok ? "ok" : "not ok", ++results, name);
	fflush(stdout);
}

static void figure(const char *name, double value, const char *unit)
{
	printf("# bench: %s %.1f %s\n", name, value, unit);
	fflush(stdout);
}

GUEST_CODE static void guest_pio_loop(uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		guest_outb(BENCH_PORT, 1);
	GUEST_DONE();
}

GUEST_CODE static void guest_cpuid_loop(uint64_t n)
{
	uint32_t a = 0, b, c, d;
	uint64_t i;

	GUEST_SYNC(0);
	for (i = 0; i < n; i++)
		asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
	GUEST_SYNC(a);
	GUEST_DONE();
}

GUEST_CODE static void guest_mmio_loop(uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		*(volatile uint32_t *)MMIO_GPA = (uint32_t)i;
	GUEST_DONE();
}

GUEST_CODE static void guest_touch(uint64_t base, uint64_t npages)
{
	uint64_t i;

	GUEST_SYNC(0);
	for (i = 0; i < npages; i++)
		*(volatile uint64_t *)(base + i * MVM_PAGE_SIZE) = i;
	GUEST_SYNC(npages);
	GUEST_DONE();
}

GUEST_CODE static void guest_nothing(void)
{
	GUEST_DONE();
}

static struct mvm_vcpu *vm_with_vcpu(struct mvm_vm **vm, void *fn, uint64_t arg0,
				     uint64_t arg1)
{
	uint64_t args[2] = { arg0, arg1 };
	struct mvm_vcpu *vcpu;

	*vm = vm_create();
	if (!*vm)
		return NULL;
	vcpu = vm_add_vcpu(*vm, 0, fn);
	if (!vcpu || vcpu_set_args(vcpu, 2, args)) {
		vm_free(*vm);
		return NULL;
	}
	return vcpu;
}

static bool is_pio(const struct minivmm_run *run)
{
	return run->exit_reason == MINIVMM_EXIT_IO && run->io.port == BENCH_PORT;
}

static bool is_mmio(const struct minivmm_run *run)
{
	return run->exit_reason == MINIVMM_EXIT_MMIO && run->mmio.phys_addr == MMIO_GPA;
}

/*
 * Round trips to userspace: run @fn, which makes N_EXITS exits that @match
 * recognises and then reports DONE, and print the time per exit as @name.
 */
static void bench_roundtrip(const char *name, void *fn,
			    bool (*match)(const struct minivmm_run *run))
{
	struct mvm_vm *vm;
	struct mvm_vcpu *vcpu = vm_with_vcpu(&vm, fn, N_EXITS, 0);
	struct ucall uc;
	uint64_t t0, n = 0;
	int ok = 0;

	if (!vcpu)
		goto out;
	t0 = mvm_now_ns();
	for (;;) {
		if (vcpu_run(vcpu))
			break;
		if (match(vcpu->run)) {
			n++;
			continue;
		}
		ok = get_ucall(vcpu, &uc) == UCALL_DONE && n == N_EXITS;
		break;
	}
	if (ok)
		figure(name, (double)(mvm_now_ns() - t0) / n, "ns");
	vm_free(vm);
out:
	report(name, ok);
}

/* An exit handled in the kernel: CPUID. */
static void bench_cpuid(void)
{
	struct mvm_vm *vm;
	struct mvm_vcpu *vcpu = vm_with_vcpu(&vm, guest_cpuid_loop, N_EXITS, 0);
	struct ucall uc;
	uint64_t t0, t1;
	int ok = 0;

	if (!vcpu)
		goto out;
	if (vcpu_run_ucall(vcpu, &uc) != UCALL_SYNC)
		goto free;
	t0 = mvm_now_ns();
	if (vcpu_run_ucall(vcpu, &uc) != UCALL_SYNC)
		goto free;
	t1 = mvm_now_ns();
	ok = vcpu_run_ucall(vcpu, &uc) == UCALL_DONE;
	if (ok)
		figure("cpuid_exit_in_kernel", (double)(t1 - t0) / N_EXITS, "ns");
free:
	vm_free(vm);
out:
	report("cpuid_exit_in_kernel", ok);
}

/* First touch of 64 MiB by the guest, and what the VM costs the kernel. */
static void bench_first_touch(void)
{
	struct minivmm_mem_stats a, b;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	struct ucall uc;
	uint64_t t0, t1, pages = TOUCH_SIZE / MVM_PAGE_SIZE;
	void *mem;
	int ok = 0;

	mem = mmap((void *)TOUCH_GPA, TOUCH_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (mem == MAP_FAILED)
		goto out;
	madvise(mem, TOUCH_SIZE, MADV_NOHUGEPAGE);
	vcpu = vm_with_vcpu(&vm, guest_touch, TOUCH_GPA, pages);
	if (!vcpu)
		goto unmap;
	if (vm_set_region(vm, TOUCH_SLOT, 0, TOUCH_GPA, TOUCH_SIZE, mem) ||
	    vcpu_run_ucall(vcpu, &uc) != UCALL_SYNC ||
	    ioctl(vm->fd, MINIVMM_GET_MEM_STATS, &a))
		goto free;
	t0 = mvm_now_ns();
	if (vcpu_run_ucall(vcpu, &uc) != UCALL_SYNC)
		goto free;
	t1 = mvm_now_ns();
	if (ioctl(vm->fd, MINIVMM_GET_MEM_STATS, &b) || vcpu_run_ucall(vcpu, &uc) != UCALL_DONE)
		goto free;
	ok = 1;
	figure("first_touch_64MiB", pages * 1e9 / (double)(t1 - t0), "pages/s");
	figure("first_touch_64MiB_per_page", (double)(t1 - t0) / pages, "ns");
	figure("ept_bytes_per_GiB_touched",
	       (double)(b.ept_table_pages - a.ept_table_pages) * 4096 * 16, "bytes");
	figure("vm_kernel_bytes_64MiB_1vcpu", (double)b.kernel_bytes, "bytes");
free:
	vm_free(vm);
unmap:
	munmap(mem, TOUCH_SIZE);
out:
	report("first_touch_64MiB", ok);
}

/* VM creation up to the first exit. */
static void bench_create(void)
{
	uint64_t t0 = mvm_now_ns(), total = 0;
	int i, ok = 1;

	for (i = 0; i < 20 && ok; i++) {
		struct mvm_vm *vm;
		struct mvm_vcpu *vcpu;
		struct ucall uc;

		t0 = mvm_now_ns();
		vcpu = vm_with_vcpu(&vm, guest_nothing, 0, 0);
		ok = vcpu && vcpu_run_ucall(vcpu, &uc) == UCALL_DONE;
		total += mvm_now_ns() - t0;
		if (vcpu)
			vm_free(vm);
	}
	if (ok)
		figure("vm_create_to_first_exit", (double)total / 20, "ns");
	report("vm_create_to_first_exit", ok);
}

int main(void)
{
	printf("TAP version 13\n1..5\n");
	bench_roundtrip("pio_exit_roundtrip", guest_pio_loop, is_pio);
	bench_cpuid();
	/* MMIO exits include fetching and decoding the instruction. */
	bench_roundtrip("mmio_exit_roundtrip", guest_mmio_loop, is_mmio);
	bench_first_touch();
	bench_create();
	return 0;
}
