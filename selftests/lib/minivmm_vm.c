// SPDX-License-Identifier: GPL-2.0
/*
 * VMs and vCPUs for the minivmm selftests: memory (the test binary and the
 * system region, identity-mapped), guest page tables, GDT, TSS and IDT,
 * 64-bit vCPU state, and thin ioctl wrappers. The layout is described at
 * the top of minivmm_util.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "minivmm_util.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

extern char __executable_start[], _end[];
extern char guest_idt_stubs[], guest_idt_stubs_end[], guest_return_stub[];

#define mvm_err(fmt, ...) \
	fprintf(stderr, "# minivmm_util: " fmt "\n", ##__VA_ARGS__)

#define PAGE_DOWN(x)	((uint64_t)(x) & ~(MVM_PAGE_SIZE - 1))
#define PAGE_UP(x)	PAGE_DOWN((uint64_t)(x) + MVM_PAGE_SIZE - 1)
#define GIB		(1ULL << 30)

/* Where the system region may go. */
#define SYS_LOW		(1 * GIB)
#define SYS_HIGH	(4 * GIB)

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes");
_Static_assert(sizeof(struct tss64) <= MVM_TSS_STRIDE, "TSS stride");
_Static_assert(MVM_SYS_TSS + MINIVMM_MAX_VCPUS * MVM_TSS_STRIDE <= MVM_SYS_STACKS,
	       "TSSs fit below the stacks");
_Static_assert(MVM_SYS_STACKS + MINIVMM_MAX_VCPUS * MVM_VCPU_AREA <= MVM_SYS_SCRATCH,
	       "stacks fit below the scratch area");
_Static_assert(MVM_SYS_SCRATCH + MVM_SCRATCH_SIZE <= MVM_SYS_SIZE,
	       "scratch area fits");
_Static_assert(MVM_STACK_SIZE + MVM_IST_SIZE <= MVM_VCPU_AREA, "vCPU area");

int mvm_open_dev(void)
{
	return open("/dev/minivmm", O_RDWR | O_CLOEXEC);
}

uint64_t mvm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int mvm_nr_usable_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

struct mvm_vm *vm_create_empty(void)
{
	struct mvm_vm *vm = calloc(1, sizeof(*vm));
	long size;
	int err;

	if (!vm)
		return NULL;
	vm->fd = -1;
	vm->dev_fd = mvm_open_dev();
	if (vm->dev_fd < 0) {
		err = errno;
		mvm_err("open /dev/minivmm: %s", strerror(err));
		goto fail;
	}
	vm->fd = ioctl(vm->dev_fd, MINIVMM_CREATE_VM, 0);
	if (vm->fd < 0) {
		err = errno;
		mvm_err("MINIVMM_CREATE_VM: %s", strerror(err));
		goto fail;
	}
	size = ioctl(vm->dev_fd, MINIVMM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (long)sizeof(struct minivmm_run)) {
		err = size < 0 ? errno : EINVAL;
		mvm_err("MINIVMM_GET_VCPU_MMAP_SIZE: %ld (%s)", size, strerror(err));
		goto fail;
	}
	vm->run_size = size;
	return vm;

fail:
	vm_free(vm);
	errno = err;
	return NULL;
}

int vm_set_region(struct mvm_vm *vm, uint32_t slot, uint32_t flags,
		  uint64_t gpa, uint64_t size, void *hva)
{
	struct minivmm_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	return ioctl(vm->fd, MINIVMM_SET_MEMORY_REGION, &r) ? -errno : 0;
}

int vm_add_region(struct mvm_vm *vm, uint32_t flags, uint64_t gpa,
		  uint64_t size, void *hva)
{
	int r;

	if (vm->nr_slots >= MINIVMM_MAX_MEMSLOTS)
		return -ENOSPC;
	r = vm_set_region(vm, vm->nr_slots, flags, gpa, size, hva);
	if (r)
		return r;
	return vm->nr_slots++;
}

static int add_identity_slot(struct mvm_vm *vm, uint64_t start, uint64_t end)
{
	int r = vm_add_region(vm, 0, start, end - start, (void *)(uintptr_t)start);

	if (r < 0)
		mvm_err("memory slot for [0x%llx, 0x%llx): %s",
			(unsigned long long)start, (unsigned long long)end,
			strerror(-r));
	return r < 0 ? r : 0;
}

/*
 * Registers the binary's readable mappings in [__executable_start, _end)
 * as identity slots, adjacent mappings merged.
 */
static int map_binary(struct mvm_vm *vm)
{
	uint64_t lo = PAGE_DOWN(__executable_start), hi = PAGE_UP(_end);
	uint64_t run_start = 0, run_end = 0;
	char line[512];
	FILE *f;
	int r = 0;

	if (hi > SYS_HIGH) {
		mvm_err("test binary at [0x%llx, 0x%llx) is not below 4 GiB: link it -static -no-pie",
			(unsigned long long)lo, (unsigned long long)hi);
		return -ERANGE;
	}
	f = fopen("/proc/self/maps", "re");
	if (!f) {
		r = -errno;
		mvm_err("/proc/self/maps: %s", strerror(-r));
		return r;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e;
		char perms[8];

		if (sscanf(line, "%llx-%llx %7s", &s, &e, perms) != 3)
			continue;
		if (s < lo)
			s = lo;
		if (e > hi)
			e = hi;
		if (s >= e)
			continue;
		if (perms[0] == 'r' && s == run_end) {
			run_end = e;
			continue;
		}
		if (run_end > run_start) {
			r = add_identity_slot(vm, run_start, run_end);
			if (r)
				break;
		}
		run_start = run_end = 0;
		if (perms[0] == 'r') {
			run_start = s;
			run_end = e;
		}
	}
	fclose(f);
	if (!r && run_end > run_start)
		r = add_identity_slot(vm, run_start, run_end);
	if (!r && !vm->nr_slots) {
		mvm_err("no mapping of the test binary in /proc/self/maps");
		r = -ENOENT;
	}
	return r;
}

/* 4 MiB of anonymous memory at a free, aligned address in [1, 4) GiB. */
static uint8_t *map_sys_region(void)
{
	uint64_t addr;
	void *p;

	for (addr = SYS_LOW; addr + MVM_SYS_SIZE <= SYS_HIGH; addr += MVM_SYS_SIZE) {
		p = mmap((void *)(uintptr_t)addr, MVM_SYS_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED) {
			if (errno == EEXIST)
				continue;
			return NULL;
		}
		if ((uintptr_t)p == addr)
			return p;
		munmap(p, MVM_SYS_SIZE);	/* a kernel that took it as a hint */
	}
	errno = ENOMEM;
	return NULL;
}

static void build_page_tables(uint8_t *sys)
{
	uint64_t *pml4 = (uint64_t *)(sys + MVM_SYS_PML4);
	uint64_t *pdpt = (uint64_t *)(sys + MVM_SYS_PDPT);
	uint64_t *pd = (uint64_t *)(sys + MVM_SYS_PD);
	uint64_t i;

	/* Present | writable; PDEs add PS (2 MiB). WB memory (PAT entry 0). */
	pml4[0] = (uintptr_t)pdpt | 0x3;
	for (i = 0; i < 4; i++)
		pdpt[i] = (uintptr_t)(pd + 512 * i) | 0x3;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | 0x83;
}

static uint64_t idt_gate_lo(uint64_t off)
{
	return (off & 0xffff) | ((uint64_t)MVM_SEL_CODE << 16) |
	       (1ULL << 32) |			/* IST 1 */
	       (0x8eULL << 40) |		/* present, DPL 0, interrupt gate */
	       (((off >> 16) & 0xffff) << 48);
}

static void build_tables(uint8_t *sys)
{
	uint64_t *gdt = (uint64_t *)(sys + MVM_SYS_GDT);
	uint64_t *idt = (uint64_t *)(sys + MVM_SYS_IDT);
	unsigned int v;

	gdt[0] = 0;
	gdt[1] = 0x00af9b000000ffffULL;	/* 64-bit code, DPL 0, accessed */
	gdt[2] = 0x00cf93000000ffffULL;	/* flat data, writable, accessed */
	for (v = 0; v < 256; v++) {
		uint64_t off = (uintptr_t)guest_idt_stubs + 16 * v;

		idt[2 * v] = idt_gate_lo(off);
		idt[2 * v + 1] = off >> 32;
	}
}

int vm_init_memory(struct mvm_vm *vm)
{
	int r;

	if (guest_idt_stubs_end - guest_idt_stubs != 256 * 16) {
		mvm_err("IDT stubs are %ld bytes, not 16 each",
			(long)(guest_idt_stubs_end - guest_idt_stubs));
		return -EINVAL;
	}
	if (vm->sys) {
		mvm_err("%s() called twice", __func__);
		return -EINVAL;
	}
	r = map_binary(vm);
	if (r)
		return r;
	vm->sys = map_sys_region();
	if (!vm->sys) {
		r = -errno;
		mvm_err("system region below 4 GiB: %s", strerror(-r));
		return r;
	}
	build_page_tables(vm->sys);
	build_tables(vm->sys);
	return add_identity_slot(vm, (uintptr_t)vm->sys,
				 (uintptr_t)vm->sys + MVM_SYS_SIZE);
}

struct mvm_vm *vm_create(void)
{
	struct mvm_vm *vm = vm_create_empty();
	int r;

	if (!vm)
		return NULL;
	r = vm_init_memory(vm);
	if (r) {
		vm_free(vm);
		errno = -r;
		return NULL;
	}
	return vm;
}

void vm_free(struct mvm_vm *vm)
{
	unsigned int i;

	if (!vm)
		return;
	for (i = 0; i < MINIVMM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			vcpu_free(vm->vcpus[i]);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	if (vm->sys)
		munmap(vm->sys, MVM_SYS_SIZE);
	free(vm);
}

void *vm_scratch(struct mvm_vm *vm)
{
	return vm->sys ? vm->sys + MVM_SYS_SCRATCH : NULL;
}

bool vm_is_guest_mem(struct mvm_vm *vm, const void *p, size_t len)
{
	uint64_t a = (uintptr_t)p, e = a + len;

	if (e < a)
		return false;
	if (a >= PAGE_DOWN(__executable_start) && e <= PAGE_UP(_end))
		return true;
	return vm->sys && a >= (uintptr_t)vm->sys &&
	       e <= (uintptr_t)vm->sys + MVM_SYS_SIZE;
}

void vm_install_handler(struct mvm_vm *vm, unsigned int vector, guest_handler_t h)
{
	guest_handler_t *table = (guest_handler_t *)(vm->sys + MVM_SYS_HANDLERS);

	table[vector & 0xff] = h;
}

/* ---------------------------------------------------------------------- */
/* vCPUs                                                                    */
/* ---------------------------------------------------------------------- */

struct mvm_vcpu *vm_add_vcpu_reset(struct mvm_vm *vm, uint32_t id)
{
	struct mvm_vcpu *vcpu;
	int err;

	if (id >= MINIVMM_MAX_VCPUS || vm->vcpus[id]) {
		mvm_err("vCPU id %u out of range or in use", id);
		errno = EINVAL;
		return NULL;
	}
	vcpu = calloc(1, sizeof(*vcpu));
	if (!vcpu)
		return NULL;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ioctl(vm->fd, MINIVMM_CREATE_VCPU, (unsigned long)id);
	if (vcpu->fd < 0) {
		err = errno;
		mvm_err("MINIVMM_CREATE_VCPU %u: %s", id, strerror(err));
		free(vcpu);
		errno = err;
		return NULL;
	}
	vcpu->run_size = vm->run_size;
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		err = errno;
		mvm_err("mmap of vCPU %u (%zu bytes): %s", id, vcpu->run_size,
			strerror(err));
		close(vcpu->fd);
		free(vcpu);
		errno = err;
		return NULL;
	}
	vm->vcpus[id] = vcpu;
	return vcpu;
}

void vcpu_free(struct mvm_vcpu *vcpu)
{
	if (!vcpu)
		return;
	if (vcpu->run && vcpu->run != MAP_FAILED)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	if (vcpu->vm->vcpus[vcpu->id] == vcpu)
		vcpu->vm->vcpus[vcpu->id] = NULL;
	free(vcpu);
}

static uint64_t tss_addr(struct mvm_vm *vm, uint32_t id)
{
	return (uintptr_t)vm->sys + MVM_SYS_TSS + id * MVM_TSS_STRIDE;
}

static void flat_segment(struct minivmm_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
}

void vcpu_long_mode_sregs(struct mvm_vcpu *vcpu, struct minivmm_sregs *sr)
{
	struct mvm_vm *vm = vcpu->vm;

	memset(sr, 0, sizeof(*sr));
	flat_segment(&sr->cs, MVM_SEL_CODE, 0xb);
	sr->cs.l = 1;
	flat_segment(&sr->ds, MVM_SEL_DATA, 0x3);
	sr->ds.db = 1;
	sr->es = sr->ds;
	sr->fs = sr->ds;
	sr->gs = sr->ds;
	sr->ss = sr->ds;

	sr->tr.base = tss_addr(vm, vcpu->id);
	sr->tr.limit = sizeof(struct tss64) - 1;
	sr->tr.selector = MVM_SEL_TSS(vcpu->id);
	sr->tr.type = 0xb;		/* busy 64-bit TSS */
	sr->tr.present = 1;

	sr->ldt.unusable = 1;

	sr->gdt.base = (uintptr_t)vm->sys + MVM_SYS_GDT;
	sr->gdt.limit = MVM_SEL_TSS(MINIVMM_MAX_VCPUS) - 1;
	sr->idt.base = (uintptr_t)vm->sys + MVM_SYS_IDT;
	sr->idt.limit = 256 * 16 - 1;

	sr->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
		  X86_CR0_WP | X86_CR0_PG;
	sr->cr3 = (uintptr_t)vm->sys + MVM_SYS_PML4;
	sr->cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	sr->efer = EFER_LME | EFER_LMA;
}

/* The vCPU's TSS (IST1 = its interrupt stack) and GDT descriptor. */
static void setup_tss(struct mvm_vcpu *vcpu)
{
	struct mvm_vm *vm = vcpu->vm;
	uint64_t area = (uintptr_t)vm->sys + MVM_SYS_STACKS + vcpu->id * MVM_VCPU_AREA;
	struct tss64 *tss = (struct tss64 *)(uintptr_t)tss_addr(vm, vcpu->id);
	uint64_t *gdt = (uint64_t *)(vm->sys + MVM_SYS_GDT);
	uint64_t base = (uintptr_t)tss, limit = sizeof(*tss) - 1;
	unsigned int i = MVM_SEL_TSS(vcpu->id) / 8;

	memset(tss, 0, sizeof(*tss));
	tss->rsp[0] = area + MVM_STACK_SIZE;
	tss->ist[0] = area + MVM_STACK_SIZE + MVM_IST_SIZE;
	tss->iomap_base = sizeof(*tss);

	gdt[i] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		 (0xbULL << 40) | (1ULL << 47) |	/* busy TSS, present */
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[i + 1] = base >> 32;

	vcpu->stack_top = area + MVM_STACK_SIZE;
}

struct mvm_vcpu *vm_add_vcpu(struct mvm_vm *vm, uint32_t id, void *guest_fn)
{
	struct minivmm_sregs sr;
	struct minivmm_regs regs;
	struct mvm_vcpu *vcpu;
	int r;

	if (!vm->sys) {
		mvm_err("%s() needs a VM from vm_create()", __func__);
		errno = EINVAL;
		return NULL;
	}
	if ((char *)guest_fn < __start_minivmm_guest_text ||
	    (char *)guest_fn >= __stop_minivmm_guest_text) {
		mvm_err("guest entry %p is not GUEST_CODE", guest_fn);
		errno = EINVAL;
		return NULL;
	}
	vcpu = vm_add_vcpu_reset(vm, id);
	if (!vcpu)
		return NULL;
	setup_tss(vcpu);

	vcpu_long_mode_sregs(vcpu, &sr);
	r = vcpu_set_sregs(vcpu, &sr);
	if (r) {
		mvm_err("MINIVMM_SET_SREGS (64-bit state) on vCPU %u: %s", id,
			strerror(-r));
		goto fail;
	}

	/* A return from guest_fn lands in guest_return_stub. */
	*(uint64_t *)(uintptr_t)(vcpu->stack_top - 8) = (uintptr_t)guest_return_stub;
	memset(&regs, 0, sizeof(regs));
	regs.rip = (uintptr_t)guest_fn;
	regs.rsp = vcpu->stack_top - 8;
	regs.rdi = id;
	regs.rflags = X86_RFLAGS_FIXED;
	r = vcpu_set_regs(vcpu, &regs);
	if (r) {
		mvm_err("MINIVMM_SET_REGS on vCPU %u: %s", id, strerror(-r));
		goto fail;
	}
	return vcpu;

fail:
	vcpu_free(vcpu);
	errno = -r;
	return NULL;
}

int vcpu_set_args(struct mvm_vcpu *vcpu, unsigned int n, const uint64_t *args)
{
	struct minivmm_regs regs;
	__u64 *slots[6] = { &regs.rdi, &regs.rsi, &regs.rdx, &regs.rcx,
			    &regs.r8, &regs.r9 };
	unsigned int i;
	int r;

	if (n > 6)
		return -EINVAL;
	r = vcpu_get_regs(vcpu, &regs);
	if (r)
		return r;
	for (i = 0; i < n; i++)
		*slots[i] = args[i];
	return vcpu_set_regs(vcpu, &regs);
}

int vcpu_run(struct mvm_vcpu *vcpu)
{
	vcpu->last_ret = ioctl(vcpu->fd, MINIVMM_RUN, 0) ? -errno : 0;
	return vcpu->last_ret;
}

#define VCPU_IOCTL(vcpu, cmd, arg) (ioctl((vcpu)->fd, cmd, arg) ? -errno : 0)

int vcpu_get_regs(struct mvm_vcpu *vcpu, struct minivmm_regs *regs)
{
	return VCPU_IOCTL(vcpu, MINIVMM_GET_REGS, regs);
}

int vcpu_set_regs(struct mvm_vcpu *vcpu, const struct minivmm_regs *regs)
{
	return VCPU_IOCTL(vcpu, MINIVMM_SET_REGS, regs);
}

int vcpu_get_sregs(struct mvm_vcpu *vcpu, struct minivmm_sregs *sregs)
{
	return VCPU_IOCTL(vcpu, MINIVMM_GET_SREGS, sregs);
}

int vcpu_set_sregs(struct mvm_vcpu *vcpu, const struct minivmm_sregs *sregs)
{
	return VCPU_IOCTL(vcpu, MINIVMM_SET_SREGS, sregs);
}

int vcpu_get_fpu(struct mvm_vcpu *vcpu, struct minivmm_fpu *fpu)
{
	return VCPU_IOCTL(vcpu, MINIVMM_GET_FPU, fpu);
}

int vcpu_set_fpu(struct mvm_vcpu *vcpu, const struct minivmm_fpu *fpu)
{
	return VCPU_IOCTL(vcpu, MINIVMM_SET_FPU, fpu);
}

int vcpu_set_cpuid(struct mvm_vcpu *vcpu, const struct minivmm_cpuid_entry *e,
		   uint32_t n)
{
	struct minivmm_cpuid *c;
	int r;

	c = calloc(1, sizeof(*c) + (size_t)n * sizeof(*e));
	if (!c)
		return -ENOMEM;
	c->nent = n;
	if (n)
		memcpy(c->entries, e, (size_t)n * sizeof(*e));
	r = VCPU_IOCTL(vcpu, MINIVMM_SET_CPUID, c);
	free(c);
	return r;
}

static int vcpu_msrs(struct mvm_vcpu *vcpu, unsigned long cmd,
		     struct minivmm_msr_entry *e, uint32_t n)
{
	struct minivmm_msrs *m;
	int r;

	m = calloc(1, sizeof(*m) + (size_t)n * sizeof(*e));
	if (!m)
		return -ENOMEM;
	m->nmsrs = n;
	if (n)
		memcpy(m->entries, e, (size_t)n * sizeof(*e));
	r = ioctl(vcpu->fd, cmd, m);
	if (r < 0)
		r = -errno;
	else if (cmd == MINIVMM_GET_MSRS && n)
		memcpy(e, m->entries, (size_t)n * sizeof(*e));
	free(m);
	return r;
}

int vcpu_get_msrs(struct mvm_vcpu *vcpu, struct minivmm_msr_entry *e, uint32_t n)
{
	return vcpu_msrs(vcpu, MINIVMM_GET_MSRS, e, n);
}

int vcpu_set_msrs(struct mvm_vcpu *vcpu, const struct minivmm_msr_entry *e,
		  uint32_t n)
{
	return vcpu_msrs(vcpu, MINIVMM_SET_MSRS, (struct minivmm_msr_entry *)e, n);
}

int vcpu_get_msr(struct mvm_vcpu *vcpu, uint32_t index, uint64_t *data)
{
	struct minivmm_msr_entry e = { .index = index };
	int r = vcpu_get_msrs(vcpu, &e, 1);

	if (r < 0)
		return r;
	if (r != 1)
		return -ENOENT;
	*data = e.data;
	return 0;
}

int vcpu_set_msr(struct mvm_vcpu *vcpu, uint32_t index, uint64_t data)
{
	struct minivmm_msr_entry e = { .index = index, .data = data };
	int r = vcpu_set_msrs(vcpu, &e, 1);

	if (r < 0)
		return r;
	return r == 1 ? 0 : -ENOENT;
}

int vcpu_interrupt(struct mvm_vcpu *vcpu, uint32_t vector)
{
	struct minivmm_interrupt irq = { .vector = vector };

	return VCPU_IOCTL(vcpu, MINIVMM_INTERRUPT, &irq);
}
