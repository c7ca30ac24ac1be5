// SPDX-License-Identifier: GPL-2.0
/*
 * KVM VMs with the selftests library's memory layout: see kvm_vm64.h and
 * the layout note at the top of minivmm_util.h, which this follows (the
 * library builds it with minivmm ioctls only, hence this small copy).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kvm_vm64.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

extern char __executable_start[], _end[];
extern char guest_idt_stubs[], guest_return_stub[];

#define PG_DOWN(x)	((uint64_t)(x) & ~(MVM_PAGE_SIZE - 1))
#define PG_UP(x)	PG_DOWN((uint64_t)(x) + MVM_PAGE_SIZE - 1)
#define GIB		(1ULL << 30)
/* KVM's private pages without unrestricted guest (unused in long mode). */
#define KVM64_IDENT_GPA	0xfffbc000ULL
#define KVM64_TSS_GPA	0xfffbd000ULL

int kvm64_add_slot(struct kvm64 *vm, void *hva, uint64_t size)
{
	struct kvm_userspace_memory_region r = {
		.slot = vm->nslots, .guest_phys_addr = (uintptr_t)hva,
		.memory_size = size, .userspace_addr = (uintptr_t)hva,
	};

	if (vm->nslots >= KVM64_MAX_SLOTS)
		return -ENOSPC;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r))
		return -errno;
	vm->slot_gpa[vm->nslots] = (uintptr_t)hva;
	vm->slot_size[vm->nslots++] = size;
	return 0;
}

bool kvm64_is_mem(const struct kvm64 *vm, uint64_t gpa, uint64_t len)
{
	unsigned int i;

	if (gpa + len < gpa)
		return false;
	for (i = 0; i < vm->nslots; i++)
		if (gpa >= vm->slot_gpa[i] &&
		    gpa + len <= vm->slot_gpa[i] + vm->slot_size[i])
			return true;
	return false;
}

/* The binary's readable mappings in [__executable_start, _end), merged. */
static int map_binary(struct kvm64 *vm)
{
	uint64_t lo = PG_DOWN(__executable_start), hi = PG_UP(_end);
	uint64_t rs = 0, re = 0;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");
	int r = 0;

	if (!f)
		return -errno;
	while (!r && fgets(line, sizeof(line), f)) {
		unsigned long long s, e;
		char perms[8];

		if (sscanf(line, "%llx-%llx %7s", &s, &e, perms) != 3)
			continue;
		s = s < lo ? lo : s;
		e = e > hi ? hi : e;
		if (s >= e)
			continue;
		if (perms[0] == 'r' && s == re) {
			re = e;
			continue;
		}
		if (re > rs)
			r = kvm64_add_slot(vm, (void *)(uintptr_t)rs, re - rs);
		rs = re = 0;
		if (perms[0] == 'r') {
			rs = s;
			re = e;
		}
	}
	fclose(f);
	if (!r && re > rs)
		r = kvm64_add_slot(vm, (void *)(uintptr_t)rs, re - rs);
	return r ? r : (vm->nslots ? 0 : -ENOENT);
}

static uint8_t *map_sys(void)
{
	uint64_t a;
	void *p;

	for (a = GIB; a + MVM_SYS_SIZE <= 4 * GIB; a += MVM_SYS_SIZE) {
		p = mmap((void *)(uintptr_t)a, MVM_SYS_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED) {
			if (errno == EEXIST)
				continue;
			return NULL;
		}
		if ((uintptr_t)p == a)
			return p;
		munmap(p, MVM_SYS_SIZE);
	}
	errno = ENOMEM;
	return NULL;
}

/* Page tables, GDT (with vCPU 0's TSS), IDT, TSS: as minivmm_vm.c. */
static void build_sys(uint8_t *sys, uint64_t *stack_top)
{
	uint64_t *pml4 = (uint64_t *)(sys + MVM_SYS_PML4);
	uint64_t *pdpt = (uint64_t *)(sys + MVM_SYS_PDPT);
	uint64_t *pd = (uint64_t *)(sys + MVM_SYS_PD);
	uint64_t *gdt = (uint64_t *)(sys + MVM_SYS_GDT);
	uint64_t *idt = (uint64_t *)(sys + MVM_SYS_IDT);
	uint8_t *tss = sys + MVM_SYS_TSS;
	uint64_t area = (uintptr_t)sys + MVM_SYS_STACKS, base = (uintptr_t)tss;
	uint64_t i, v, ist = area + MVM_STACK_SIZE + MVM_IST_SIZE, limit = 103;

	pml4[0] = (uintptr_t)pdpt | 0x3;
	for (i = 0; i < 4; i++)
		pdpt[i] = (uintptr_t)(pd + 512 * i) | 0x3;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | 0x83;
	gdt[0] = 0;
	gdt[1] = 0x00af9b000000ffffULL;
	gdt[2] = 0x00cf93000000ffffULL;
	for (v = 0; v < 256; v++) {
		uint64_t off = (uintptr_t)guest_idt_stubs + 16 * v;

		idt[2 * v] = (off & 0xffff) | ((uint64_t)MVM_SEL_CODE << 16) |
			     (1ULL << 32) | (0x8eULL << 40) |
			     (((off >> 16) & 0xffff) << 48);
		idt[2 * v + 1] = off >> 32;
	}
	/* 64-bit TSS: rsp0 at byte 4, ist1 at byte 36, iomap base at 102. */
	memset(tss, 0, 104);
	v = area + MVM_STACK_SIZE;
	memcpy(tss + 4, &v, 8);
	memcpy(tss + 36, &ist, 8);
	tss[102] = 104;
	gdt[MVM_SEL_TSS(0) / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
				  (0xbULL << 40) | (1ULL << 47) |
				  (((limit >> 16) & 0xf) << 48) |
				  (((base >> 24) & 0xff) << 56);
	gdt[MVM_SEL_TSS(0) / 8 + 1] = base >> 32;
	*stack_top = area + MVM_STACK_SIZE;
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
}

/* KVM refuses EFER.LME without LM in the guest's CPUID: give it all. */
static int set_cpuid(struct kvm64 *vm)
{
	struct kvm_cpuid2 *c = NULL;
	int n = 64, r;

	for (;;) {
		free(c);
		c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			return -ENOMEM;
		c->nent = n;
		if (!ioctl(vm->kvm, KVM_GET_SUPPORTED_CPUID, c))
			break;
		if (errno != E2BIG || n > 4096) {
			r = -errno;
			free(c);
			return r;
		}
		n *= 2;
	}
	r = ioctl(vm->vcpu, KVM_SET_CPUID2, c) ? -errno : 0;
	free(c);
	return r;
}

static int setup_vcpu(struct kvm64 *vm, void *fn, uint64_t arg0, uint64_t top)
{
	struct kvm_sregs sr;
	struct kvm_regs regs;
	int r;

	r = set_cpuid(vm);
	if (r)
		return r;
	if (ioctl(vm->vcpu, KVM_GET_SREGS, &sr))
		return -errno;
	seg(&sr.cs, MVM_SEL_CODE, 0xb);
	sr.cs.l = 1;
	seg(&sr.ds, MVM_SEL_DATA, 0x3);
	sr.ds.db = 1;
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	memset(&sr.tr, 0, sizeof(sr.tr));
	sr.tr.base = (uintptr_t)vm->sys + MVM_SYS_TSS;
	sr.tr.limit = 103;
	sr.tr.selector = MVM_SEL_TSS(0);
	sr.tr.type = 0xb;
	sr.tr.present = 1;
	memset(&sr.ldt, 0, sizeof(sr.ldt));
	sr.ldt.unusable = 1;
	sr.gdt.base = (uintptr_t)vm->sys + MVM_SYS_GDT;
	sr.gdt.limit = MVM_SEL_TSS(MINIVMM_MAX_VCPUS) - 1;
	sr.idt.base = (uintptr_t)vm->sys + MVM_SYS_IDT;
	sr.idt.limit = 256 * 16 - 1;
	sr.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
		 X86_CR0_WP | X86_CR0_PG;
	sr.cr3 = (uintptr_t)vm->sys + MVM_SYS_PML4;
	sr.cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	sr.efer = EFER_LME | EFER_LMA;
	if (ioctl(vm->vcpu, KVM_SET_SREGS, &sr))
		return -errno;
	*(uint64_t *)(uintptr_t)(top - 8) = (uintptr_t)guest_return_stub;
	memset(&regs, 0, sizeof(regs));
	regs.rip = (uintptr_t)fn;
	regs.rsp = top - 8;
	regs.rdi = arg0;
	regs.rflags = X86_RFLAGS_FIXED;
	return ioctl(vm->vcpu, KVM_SET_REGS, &regs) ? -errno : 0;
}

int kvm64_create(struct kvm64 *vm, void *guest_fn, uint64_t arg0)
{
	uint64_t ident = KVM64_IDENT_GPA, top;
	int r;

	memset(vm, 0, sizeof(*vm));
	vm->fd = vm->vcpu = -1;
	vm->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm < 0)
		return -errno;
	vm->fd = ioctl(vm->kvm, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return -errno;
	if (ioctl(vm->fd, KVM_SET_IDENTITY_MAP_ADDR, &ident) ||
	    ioctl(vm->fd, KVM_SET_TSS_ADDR, (unsigned long)KVM64_TSS_GPA))
		return -errno;
	r = map_binary(vm);
	if (r)
		return r;
	vm->sys = map_sys();
	if (!vm->sys)
		return -errno;
	build_sys(vm->sys, &top);
	r = kvm64_add_slot(vm, vm->sys, MVM_SYS_SIZE);
	if (r)
		return r;
	vm->vcpu = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		return -errno;
	vm->run_size = ioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size < (long)sizeof(struct kvm_run))
		return -EINVAL;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		return -errno;
	}
	return setup_vcpu(vm, guest_fn, arg0, top);
}

int kvm64_run(struct kvm64 *vm)
{
	return ioctl(vm->vcpu, KVM_RUN, 0) ? -errno : 0;
}

uint64_t kvm64_get_ucall(struct kvm64 *vm, struct ucall *uc)
{
	struct kvm_run *run = vm->run;
	uint32_t addr;

	if (run->exit_reason != KVM_EXIT_IO ||
	    run->io.direction != KVM_EXIT_IO_OUT ||
	    run->io.port != UCALL_PORT || run->io.size != 4 ||
	    run->io.data_offset + 4 > (uint64_t)vm->run_size)
		return UCALL_NONE;
	memcpy(&addr, (uint8_t *)run + run->io.data_offset, 4);
	if (!kvm64_is_mem(vm, addr, sizeof(*uc)))
		return UCALL_NONE;
	memcpy(uc, (void *)(uintptr_t)addr, sizeof(*uc));
	return uc->cmd;
}

void kvm64_describe(struct kvm64 *vm, char *buf, size_t size)
{
	struct kvm_run *run = vm->run;

	if (!run) {
		snprintf(buf, size, "no vCPU");
		return;
	}
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		snprintf(buf, size, "KVM exit IO port 0x%x", run->io.port);
		break;
	case KVM_EXIT_MMIO:
		snprintf(buf, size, "KVM exit MMIO 0x%llx",
			 (unsigned long long)run->mmio.phys_addr);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(buf, size, "KVM internal error, suberror %u",
			 run->internal.suberror);
		break;
	default:
		snprintf(buf, size, "KVM exit %u", run->exit_reason);
	}
}

void kvm64_destroy(struct kvm64 *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu >= 0)
		close(vm->vcpu);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->kvm >= 0)
		close(vm->kvm);
	if (vm->sys)
		munmap(vm->sys, MVM_SYS_SIZE);
	memset(vm, 0, sizeof(*vm));
	vm->kvm = vm->fd = vm->vcpu = -1;
}
