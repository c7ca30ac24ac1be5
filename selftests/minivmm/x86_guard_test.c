// SPDX-License-Identifier: GPL-2.0
/*
 * What the x86 layer keeps a guest from doing to its host: XSAVE state the
 * host kernel did not enable (a stock guest kernel set CR4.OSXSAVE on a
 * host running without XSAVE and the host's own XSETBV oopsed), XCR0 values
 * the architecture refuses, RDPMC reading the host's counters, CPUID
 * features whose MSRs are not there (a Linux guest believes CPUID), and
 * exceptions a guest could loop on in microcode (#DB here), and a 2 MiB
 * read-only leaf that a write must upgrade (it faulted forever).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "minivmm_util.h"

#define VECTOR_DB	1
#define VECTOR_UD	6
#define VECTOR_GP	13
#define CR4_OSXSAVE	(1ull << 18)

static volatile uint64_t gp_count, ud_count, skip_len;

/* #GP and #UD handlers: count, then skip the faulting instruction. */
GUEST_CODE static void guest_gp_handler(struct ex_regs *regs)
{
	gp_count++;
	regs->rip += skip_len;
}

GUEST_CODE static void guest_ud_handler(struct ex_regs *regs)
{
	ud_count++;
	regs->rip += skip_len;
}

static volatile uint64_t db_count, db_dr6;

/* #DB: note DR6 (the guest's view), stop single-stepping. */
GUEST_CODE static void guest_db_handler(struct ex_regs *regs)
{
	uint64_t dr6;

	asm volatile("mov %%dr6, %0" : "=r"(dr6));
	db_count++;
	db_dr6 = dr6;
	regs->rflags &= ~0x100ull;
}

static struct mvm_vm *new_vm_vcpu(struct mvm_vcpu **vcpu, void *guest_fn)
{
	struct mvm_vm *vm = vm_create();

	*vcpu = NULL;
	if (!vm)
		return NULL;
	*vcpu = vm_add_vcpu(vm, 0, guest_fn);
	if (!*vcpu) {
		vm_free(vm);
		return NULL;
	}
	vm_install_handler(vm, VECTOR_GP, guest_gp_handler);
	vm_install_handler(vm, VECTOR_UD, guest_ud_handler);
	vm_install_handler(vm, VECTOR_DB, guest_db_handler);
	return vm;
}

/* Does the test host's kernel run with XSAVE (its /proc/cpuinfo says)? */
static int host_has_flag(const char *flag)
{
	char line[4096], pat[64];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int found = 0;

	if (!f)
		return -1;
	snprintf(pat, sizeof(pat), " %s ", flag);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		line[strcspn(line, "\n")] = ' ';
		found = strstr(line, pat) != NULL;
		break;
	}
	fclose(f);
	return found;
}

GUEST_CODE static uint64_t guest_read_cr4(void)
{
	uint64_t v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

/* mov %rax, %cr4 is 0f 22 e0: three bytes. */
GUEST_CODE static void guest_write_cr4(uint64_t v)
{
	skip_len = 3;
	asm volatile("mov %0, %%cr4" : : "a"(v) : "memory");
}

/* xsetbv is 0f 01 d1: three bytes. */
GUEST_CODE static void guest_xsetbv(uint32_t index, uint64_t v)
{
	skip_len = 3;
	asm volatile("xsetbv" : : "c"(index), "a"((uint32_t)v),
		     "d"((uint32_t)(v >> 32)) : "memory");
}

GUEST_CODE static uint64_t guest_xgetbv0(void)
{
	uint32_t lo, hi;

	skip_len = 3;
	lo = hi = 0;
	asm volatile("xgetbv" : "+a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * Step 1: CPUID's XSAVE bit and whether CR4.OSXSAVE can be set.
 * Step 2 (when it could): XCR0 values, each reported with the #GP count.
 */
GUEST_CODE static void guest_xsave(void)
{
	uint32_t a, b, c, d;
	uint64_t cr4;

	guest_cpuid(1, 0, a, b, c, d);
	cr4 = guest_read_cr4();
	guest_write_cr4(cr4 | CR4_OSXSAVE);
	GUEST_SYNC(c, gp_count, guest_read_cr4() & CR4_OSXSAVE);
	if (!(guest_read_cr4() & CR4_OSXSAVE)) {
		/* Without OSXSAVE, XSETBV is #UD; nothing reaches the host. */
		guest_xsetbv(0, 3);
		GUEST_SYNC(ud_count, gp_count);
		GUEST_DONE();
	}
	guest_cpuid(0xd, 0, a, b, c, d);
	GUEST_SYNC(a, d);
	guest_xsetbv(0, 0x27);		/* x87|SSE|YMM|OPMASK without ZMM */
	GUEST_SYNC(gp_count, guest_xgetbv0());
	guest_xsetbv(0, 0x2);		/* no x87 */
	GUEST_SYNC(gp_count, guest_xgetbv0());
	guest_xsetbv(1, 0x3);		/* XCR1 */
	GUEST_SYNC(gp_count, guest_xgetbv0());
	guest_xsetbv(0, 0x3);		/* x87|SSE: valid */
	GUEST_SYNC(gp_count, guest_xgetbv0());
	GUEST_DONE();
}

TEST(xsave_follows_the_host)
{
	int host_xsave = host_has_flag("xsave");
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	struct ucall uc;

	ASSERT_LE(0, host_xsave) TH_LOG("no /proc/cpuinfo");
	gp_count = ud_count = 0;
	vm = new_vm_vcpu(&vcpu, guest_xsave);
	ASSERT_NE(NULL, vm);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	TH_LOG("host kernel XSAVE %s; guest CPUID.1:ECX 0x%llx, #GP %llu, OSXSAVE %s",
	       host_xsave ? "on" : "off", (unsigned long long)uc.args[0],
	       (unsigned long long)uc.args[1], uc.args[2] ? "set" : "refused");
	if (!host_xsave) {
		/* XSAVE, OSXSAVE, AVX hidden; CR4.OSXSAVE refused with #GP. */
		EXPECT_EQ(0, uc.args[0] & ((1u << 26) | (1u << 27) | (1u << 28)));
		EXPECT_EQ(1, uc.args[1]);
		EXPECT_EQ(0, uc.args[2]);
		ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
		EXPECT_EQ(1, uc.args[0]) TH_LOG("XSETBV without OSXSAVE: #UD");
		EXPECT_EQ(1, uc.args[1]);
		ASSERT_DONE(vcpu);
		vm_free(vm);
		return;
	}
	EXPECT_NE(0, uc.args[0] & (1u << 26));
	EXPECT_EQ(0, uc.args[1]);
	EXPECT_NE(0, uc.args[2]);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	TH_LOG("guest CPUID 0xd.0: EAX 0x%llx EDX 0x%llx",
	       (unsigned long long)uc.args[0], (unsigned long long)uc.args[1]);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[0]) TH_LOG("XCR0 0x27 (OPMASK without ZMM) accepted");
	EXPECT_EQ(1, uc.args[1]);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(2, uc.args[0]) TH_LOG("XCR0 without x87 accepted");
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(3, uc.args[0]) TH_LOG("XCR1 accepted");
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(3, uc.args[0]) TH_LOG("valid XCR0 refused");
	EXPECT_EQ(3, uc.args[1]);
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

/* rdpmc is 0f 33: two bytes. */
GUEST_CODE static void guest_rdpmc(void)
{
	uint32_t lo = 0, hi = 0;

	skip_len = 2;
	asm volatile("rdpmc" : "+a"(lo), "+d"(hi) : "c"(0));
	skip_len = 2;
	asm volatile("rdpmc" : "+a"(lo), "+d"(hi) : "c"(1u << 30));
	GUEST_SYNC(gp_count, lo, hi);
	GUEST_DONE();
}

TEST(rdpmc_is_gp)
{
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	struct ucall uc;

	gp_count = 0;
	vm = new_vm_vcpu(&vcpu, guest_rdpmc);
	ASSERT_NE(NULL, vm);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	/* No counters are offered: RDPMC never reads the host's. */
	EXPECT_EQ(2, uc.args[0]);
	EXPECT_EQ(0, uc.args[1]);
	EXPECT_EQ(0, uc.args[2]);
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

/*
 * Every feature the default CPUID advertises has its MSRs: the speculation
 * controls and machine-check architecture are hidden, and the MSRs they
 * would imply #GP (rdmsr/wrmsr are 0f 32 / 0f 30: two bytes).
 */
GUEST_CODE static void guest_cpuid_msrs(void)
{
	uint32_t a, b, c, d1, d7, b8, d;

	guest_cpuid(1, 0, a, b, c, d1);
	guest_cpuid(7, 0, a, b, c, d7);
	guest_cpuid(0x80000008, 0, a, b8, c, d);
	skip_len = 2;
	(void)guest_rdmsr(0x48);	/* IA32_SPEC_CTRL */
	skip_len = 2;
	(void)guest_rdmsr(0x10a);	/* IA32_ARCH_CAPABILITIES */
	skip_len = 2;
	(void)guest_rdmsr(0x17a);	/* IA32_MCG_STATUS */
	GUEST_SYNC(d1, d7, b8, gp_count);
	GUEST_DONE();
}

TEST(cpuid_promises_only_backed_msrs)
{
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	struct ucall uc;

	gp_count = 0;
	vm = new_vm_vcpu(&vcpu, guest_cpuid_msrs);
	ASSERT_NE(NULL, vm);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, uc.args[0] & ((1u << 7) | (1u << 14))) TH_LOG("MCE/MCA offered");
	EXPECT_EQ(0, uc.args[1] >> 26) TH_LOG("leaf 7 EDX 0x%llx: IBRS..SSBD offered",
					     (unsigned long long)uc.args[1]);
	EXPECT_EQ(0, uc.args[2] & ((1u << 12) | (1u << 14) | (1u << 15) | (1u << 24)));
	EXPECT_EQ(3, uc.args[3]);
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

/*
 * #DB is intercepted (a guest looping in #DB delivery would hang the host
 * CPU) and reflected: the guest still gets its single-step trap, with
 * DR6.BS in the DR6 it reads.
 */
GUEST_CODE static void guest_single_step(void)
{
	asm volatile("pushfq\n\t"
		     "orq $0x100, (%%rsp)\n\t"
		     "popfq\n\t"
		     "nop\n\t"
		     "nop" : : : "memory", "cc");
	GUEST_SYNC(db_count, db_dr6);
	GUEST_DONE();
}

TEST(single_step_db_reaches_guest_with_dr6)
{
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	struct ucall uc;

	db_count = db_dr6 = 0;
	vm = new_vm_vcpu(&vcpu, guest_single_step);
	ASSERT_NE(NULL, vm);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	TH_LOG("#DB %llu, guest DR6 0x%llx", (unsigned long long)uc.args[0],
	       (unsigned long long)uc.args[1]);
	EXPECT_EQ(1, uc.args[0]);
	EXPECT_NE(0, uc.args[1] & 0x4000) TH_LOG("DR6.BS not set");
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

/*
 * A 2 MiB leaf mapped read-only (the VMM forked: its huge page is shared
 * copy-on-write) is upgraded in place when the guest writes: the write
 * completes at once instead of faulting forever.
 */
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#define RO_GPA		0xc0000000ULL
#define RO_SIZE		(4ULL << 20)
#define RO_PAGES	(RO_SIZE / MVM_PAGE_SIZE)
#define RO_SLOT		23

GUEST_CODE static void guest_read_then_write(uint64_t base, uint64_t npages)
{
	uint64_t i, sum = 0, bad = 0;

	for (i = 0; i < npages; i++)
		sum += *(volatile uint64_t *)(base + i * MVM_PAGE_SIZE);
	GUEST_SYNC(sum);
	for (i = 0; i < npages; i++)
		*(volatile uint64_t *)(base + i * MVM_PAGE_SIZE) = ~i;
	for (i = 0; i < npages; i++)
		bad += *(volatile uint64_t *)(base + i * MVM_PAGE_SIZE) != ~i;
	GUEST_SYNC(bad);
	GUEST_DONE();
}

TEST(readonly_huge_leaf_is_upgraded_on_write)
{
	uint64_t args[2] = { RO_GPA, RO_PAGES }, i, want = 0, *mem;
	struct minivmm_mem_stats a, b, c;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	struct ucall uc;
	pid_t child;
	int status;

	mem = mmap((void *)RO_GPA, RO_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_NE(MAP_FAILED, mem) TH_LOG("mmap: %s", strerror(errno));
	ASSERT_EQ(0, madvise(mem, RO_SIZE, MADV_HUGEPAGE));
	for (i = 0; i < RO_PAGES; i++) {
		mem[i * (MVM_PAGE_SIZE / 8)] = i + 1;
		want += i + 1;
	}
	vm = vm_create();
	ASSERT_NE(NULL, vm);
	ASSERT_EQ(0, vm_set_region(vm, RO_SLOT, 0, RO_GPA, RO_SIZE, mem));
	vcpu = vm_add_vcpu(vm, 0, guest_read_then_write);
	ASSERT_NE(NULL, vcpu);
	ASSERT_EQ(0, vcpu_set_args(vcpu, 2, args));

	/* The fork write-protects the huge pages; the child keeps them shared. */
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		pause();
		_exit(0);
	}
	ASSERT_EQ(0, ioctl(vm->fd, MINIVMM_GET_MEM_STATS, &a));
	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, &uc));
	EXPECT_EQ(want, uc.args[0]);
	ASSERT_EQ(0, ioctl(vm->fd, MINIVMM_GET_MEM_STATS, &b));
	TH_LOG("reads: huge_mapped %llu, EPT violations %llu",
	       (unsigned long long)b.huge_mapped,
	       (unsigned long long)(b.ept_violations - a.ept_violations));
	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, &uc));
	EXPECT_EQ(0, uc.args[0]);
	ASSERT_EQ(0, ioctl(vm->fd, MINIVMM_GET_MEM_STATS, &c));
	TH_LOG("writes: huge_mapped %llu, pages_mapped %llu, EPT violations %llu",
	       (unsigned long long)c.huge_mapped, (unsigned long long)c.pages_mapped,
	       (unsigned long long)(c.ept_violations - b.ept_violations));
	/*
	 * A few faults per 4 KiB page (the leaf split, copy-on-write; two
	 * were seen in Bochs), never a storm (it was 772,527 in 5 s).
	 */
	EXPECT_GE(4 * RO_PAGES, c.ept_violations - b.ept_violations);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, &uc));
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	vm_free(vm);
	munmap(mem, RO_SIZE);
}

/*
 * EFER.SCE cannot be set while the SYSCALL MSRs are the host's: a guest
 * SYSCALL would jump to the host's entry address (wrmsr is 0f 30: two
 * bytes; syscall is 0f 05: two bytes, #UD without SCE).
 */
GUEST_CODE static void guest_syscall(void)
{
	uint64_t efer;

	skip_len = 2;
	efer = guest_rdmsr(0xc0000080);
	guest_wrmsr(0xc0000080, efer | 1);
	skip_len = 2;
	asm volatile("syscall" : : : "rcx", "r11", "memory");
	GUEST_SYNC(gp_count, ud_count, guest_rdmsr(0xc0000080) & 1);
	GUEST_DONE();
}

TEST(syscall_never_reaches_host_entry)
{
	struct minivmm_sregs sr;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	struct ucall uc;

	gp_count = ud_count = 0;
	vm = new_vm_vcpu(&vcpu, guest_syscall);
	ASSERT_NE(NULL, vm);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[0]) TH_LOG("WRMSR EFER.SCE accepted");
	EXPECT_EQ(1, uc.args[1]) TH_LOG("SYSCALL did not #UD");
	EXPECT_EQ(0, uc.args[2]);
	ASSERT_DONE(vcpu);
	ASSERT_EQ(0, vcpu_get_sregs(vcpu, &sr));
	sr.efer |= 1;
	EXPECT_NE(0, vcpu_set_sregs(vcpu, &sr));
	vm_free(vm);
}

TEST_HARNESS_MAIN
