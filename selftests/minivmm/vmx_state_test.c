// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU state on VT-x: GET/SET of REGS, SREGS and FPU round trips, what the
 * guest sees of them and what the host sees of the guest's, isolation of
 * the guest's and the host thread's SSE state across RUN, the guest's
 * CPUID (default and set by the VMM), and the MSR allow-list (host ioctls
 * and guest RDMSR/WRMSR, #GP outside it).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "minivmm_util.h"
#include "mvmm.h"

/*
 * CPUID leaf 0x40000000: EBX, ECX, EDX spell this (12 bytes, NUL padded).
 * Keep in line with the kernel (kmod/common/cpuid_filter.h).
 */
#define MINIVMM_EXPECTED_CPUID_SIGNATURE	"minivmm\0\0\0\0\0"

/* MSRs on minivmm's allow-list, with values valid for each. */
static const struct {
	uint32_t index;
	uint64_t value;		/* set by the host */
	uint64_t guest_value;	/* then written by the guest */
	const char *name;
} allowed_msrs[] = {
	{ 0x174, 0x10, 0x23, "IA32_SYSENTER_CS" },
	{ 0x175, 0xffff888000123000ULL, 0xffff888000456000ULL, "IA32_SYSENTER_ESP" },
	{ 0x176, 0xffffffff81234560ULL, 0xffffffff81abcde0ULL, "IA32_SYSENTER_EIP" },
	{ 0xc0000100, 0x00007f0012340000ULL, 0x00007f00aaaa0000ULL, "FS_BASE" },
	{ 0xc0000101, 0x00007f0056780000ULL, 0x00007f00bbbb0000ULL, "GS_BASE" },
	{ 0xc0000102, 0xffff888012345000ULL, 0xffff8880abcde000ULL, "KERNEL_GS_BASE" },
	{ 0x277, 0x0007050600070106ULL, 0x0006060606060606ULL, "IA32_PAT" },
};
#define NR_ALLOWED_MSRS	ARRAY_SIZE(allowed_msrs)

/* Surely outside the allow-list: IA32_FEATURE_CONTROL. */
#define MSR_NOT_ALLOWED	0x3a

#define VECTOR_GP	13

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
	return vm;
}

/* ---------------------------------------------------------------------- */
/* General-purpose registers                                                */
/* ---------------------------------------------------------------------- */

GUEST_CODE static void guest_nothing(void)
{
	GUEST_DONE();
}

static void fill_regs(struct minivmm_regs *r, uint64_t seed)
{
	__u64 *p = &r->rax;
	unsigned int i;

	/* rax .. r15: 16 distinct values */
	for (i = 0; i < 16; i++)
		p[i] = seed ^ (0x0101010101010101ULL * (i + 1));
}

#define EXPECT_REGS_EQ(want, got) do {					\
	EXPECT_EQ((want)->rax, (got)->rax);				\
	EXPECT_EQ((want)->rbx, (got)->rbx);				\
	EXPECT_EQ((want)->rcx, (got)->rcx);				\
	EXPECT_EQ((want)->rdx, (got)->rdx);				\
	EXPECT_EQ((want)->rsi, (got)->rsi);				\
	EXPECT_EQ((want)->rdi, (got)->rdi);				\
	EXPECT_EQ((want)->rsp, (got)->rsp);				\
	EXPECT_EQ((want)->rbp, (got)->rbp);				\
	EXPECT_EQ((want)->r8, (got)->r8);				\
	EXPECT_EQ((want)->r9, (got)->r9);				\
	EXPECT_EQ((want)->r10, (got)->r10);				\
	EXPECT_EQ((want)->r11, (got)->r11);				\
	EXPECT_EQ((want)->r12, (got)->r12);				\
	EXPECT_EQ((want)->r13, (got)->r13);				\
	EXPECT_EQ((want)->r14, (got)->r14);				\
	EXPECT_EQ((want)->r15, (got)->r15);				\
	EXPECT_EQ((want)->rip, (got)->rip);				\
} while (0)

/* CF, PF, AF, ZF, SF, DF, OF and the fixed bit 1. */
#define RFLAGS_TEST	(0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x400 | 0x800 | 0x2)

TEST(regs_round_trip)
{
	struct minivmm_regs set, got;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_nothing);

	ASSERT_NE(NULL, vm);
	memset(&set, 0, sizeof(set));
	fill_regs(&set, 0x8000123456789abcULL);
	set.rip = 0xffffffff81000000ULL;
	set.rflags = RFLAGS_TEST;
	ASSERT_EQ(0, vcpu_set_regs(vcpu, &set));
	memset(&got, 0xcc, sizeof(got));
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &got));
	EXPECT_REGS_EQ(&set, &got);
	EXPECT_EQ(set.rflags, got.rflags);
	vm_free(vm);
}

/* What the guest found in its registers on entry. */
struct minivmm_regs captured_regs __attribute__((used));
void guest_capture_done(void);
extern char guest_capture_regs[], guest_set_regs_then_hlt[], guest_set_regs_hlt_after[];

asm(
"	.pushsection " GUEST_SECTION ", \"ax\"\n"
"	.globl guest_capture_regs\n"
"guest_capture_regs:\n"
"	movq %rax, captured_regs+0(%rip)\n"
"	movq %rbx, captured_regs+8(%rip)\n"
"	movq %rcx, captured_regs+16(%rip)\n"
"	movq %rdx, captured_regs+24(%rip)\n"
"	movq %rsi, captured_regs+32(%rip)\n"
"	movq %rdi, captured_regs+40(%rip)\n"
"	movq %rsp, captured_regs+48(%rip)\n"
"	movq %rbp, captured_regs+56(%rip)\n"
"	movq %r8, captured_regs+64(%rip)\n"
"	movq %r9, captured_regs+72(%rip)\n"
"	movq %r10, captured_regs+80(%rip)\n"
"	movq %r11, captured_regs+88(%rip)\n"
"	movq %r12, captured_regs+96(%rip)\n"
"	movq %r13, captured_regs+104(%rip)\n"
"	movq %r14, captured_regs+112(%rip)\n"
"	movq %r15, captured_regs+120(%rip)\n"
"	pushfq\n"
"	popq %rax\n"
"	movq %rax, captured_regs+136(%rip)\n"
"	leaq guest_capture_regs(%rip), %rax\n"
"	movq %rax, captured_regs+128(%rip)\n"
"	cld\n"
"	andq $-16, %rsp\n"
"	call guest_capture_done\n"
"1:	hlt\n"
"	jmp 1b\n"
"\n"
"	.globl guest_set_regs_then_hlt\n"
"guest_set_regs_then_hlt:\n"
"	movabsq $0x1111111111111111, %rax\n"
"	movabsq $0x2222222222222222, %rbx\n"
"	movabsq $0x3333333333333333, %rcx\n"
"	movabsq $0x4444444444444444, %rdx\n"
"	movabsq $0x5555555555555555, %rsi\n"
"	movabsq $0x6666666666666666, %rdi\n"
"	movabsq $0x7777777777777777, %rbp\n"
"	movabsq $0x8888888888888888, %r8\n"
"	movabsq $0x9999999999999999, %r9\n"
"	movabsq $0xaaaaaaaaaaaaaaaa, %r10\n"
"	movabsq $0xbbbbbbbbbbbbbbbb, %r11\n"
"	movabsq $0xcccccccccccccccc, %r12\n"
"	movabsq $0xdddddddddddddddd, %r13\n"
"	movabsq $0xeeeeeeeeeeeeeeee, %r14\n"
"	movabsq $0xffffffffffffffff, %r15\n"
"	subq $0x100, %rsp\n"
"	stc\n"
"	hlt\n"
"	.globl guest_set_regs_hlt_after\n"
"guest_set_regs_hlt_after:\n"
"	hlt\n"
"	jmp guest_set_regs_hlt_after\n"
"	.popsection\n");

GUEST_CODE void guest_capture_done(void)
{
	GUEST_DONE();
}

TEST(guest_sees_host_regs)
{
	struct minivmm_regs set;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_capture_regs);

	ASSERT_NE(NULL, vm);
	memset(&set, 0, sizeof(set));
	fill_regs(&set, 0x0123456789abcdefULL);
	set.rsp = vcpu->stack_top - 0x100;	/* a stack the guest can use */
	set.rip = (uintptr_t)guest_capture_regs;
	set.rflags = RFLAGS_TEST;
	ASSERT_EQ(0, vcpu_set_regs(vcpu, &set));
	memset(&captured_regs, 0, sizeof(captured_regs));
	ASSERT_DONE(vcpu);
	EXPECT_REGS_EQ(&set, &captured_regs);
	EXPECT_EQ(set.rflags, captured_regs.rflags & RFLAGS_TEST);
	vm_free(vm);
}

TEST(host_sees_guest_regs)
{
	struct minivmm_regs got;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_set_regs_then_hlt);
	uint64_t rsp0;

	ASSERT_NE(NULL, vm);
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &got));
	rsp0 = got.rsp;
	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_HLT);
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &got));
	EXPECT_EQ(0x1111111111111111ULL, got.rax);
	EXPECT_EQ(0x2222222222222222ULL, got.rbx);
	EXPECT_EQ(0x3333333333333333ULL, got.rcx);
	EXPECT_EQ(0x4444444444444444ULL, got.rdx);
	EXPECT_EQ(0x5555555555555555ULL, got.rsi);
	EXPECT_EQ(0x6666666666666666ULL, got.rdi);
	EXPECT_EQ(0x7777777777777777ULL, got.rbp);
	EXPECT_EQ(0x8888888888888888ULL, got.r8);
	EXPECT_EQ(0x9999999999999999ULL, got.r9);
	EXPECT_EQ(0xaaaaaaaaaaaaaaaaULL, got.r10);
	EXPECT_EQ(0xbbbbbbbbbbbbbbbbULL, got.r11);
	EXPECT_EQ(0xccccccccccccccccULL, got.r12);
	EXPECT_EQ(0xddddddddddddddddULL, got.r13);
	EXPECT_EQ(0xeeeeeeeeeeeeeeeeULL, got.r14);
	EXPECT_EQ(0xffffffffffffffffULL, got.r15);
	EXPECT_EQ(rsp0 - 0x100, got.rsp);
	EXPECT_EQ((uintptr_t)guest_set_regs_hlt_after, got.rip);
	EXPECT_EQ(1, got.rflags & 1);		/* STC */
	EXPECT_EQ(2, got.rflags & 2);
	vm_free(vm);
}

/* ---------------------------------------------------------------------- */
/* Segments and control registers                                           */
/* ---------------------------------------------------------------------- */

TEST(reset_state)
{
	struct mvm_vm *vm = vm_create_empty();
	struct minivmm_sregs sr;
	struct minivmm_regs regs;
	struct mvm_vcpu *vcpu;

	ASSERT_NE(NULL, vm);
	vcpu = vm_add_vcpu_reset(vm, 0);
	ASSERT_NE(NULL, vcpu);
	ASSERT_EQ(0, vcpu_get_sregs(vcpu, &sr));
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &regs));
	EXPECT_EQ(0xf000, sr.cs.selector);
	EXPECT_EQ(0xffff0000ULL, sr.cs.base);
	EXPECT_EQ(0xffff, sr.cs.limit);
	EXPECT_EQ(0xfff0, regs.rip);
	EXPECT_EQ(0x2, regs.rflags);
	EXPECT_EQ(0, sr.cr0 & (X86_CR0_PE | X86_CR0_PG));
	EXPECT_EQ(0, sr.efer & (EFER_LME | EFER_LMA));
	EXPECT_EQ(0, sr.cr4 & X86_CR4_PAE);
	TH_LOG("reset CR0 0x%llx CR4 0x%llx EFER 0x%llx",
	       (unsigned long long)sr.cr0, (unsigned long long)sr.cr4,
	       (unsigned long long)sr.efer);
	vm_free(vm);
}

#define EXPECT_SEG_EQ(a, b) do {					\
	EXPECT_EQ((a).base, (b).base);					\
	EXPECT_EQ((a).limit, (b).limit);				\
	EXPECT_EQ((a).selector, (b).selector);				\
	EXPECT_EQ((a).type, (b).type);					\
	EXPECT_EQ((a).present, (b).present);				\
	EXPECT_EQ((a).dpl, (b).dpl);					\
	EXPECT_EQ((a).db, (b).db);					\
	EXPECT_EQ((a).s, (b).s);					\
	EXPECT_EQ((a).l, (b).l);					\
	EXPECT_EQ((a).g, (b).g);					\
	EXPECT_EQ((a).avl, (b).avl);					\
	EXPECT_EQ((a).unusable, (b).unusable);				\
} while (0)

TEST(sregs_round_trip)
{
	struct minivmm_sregs set, got, bad;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_nothing);

	ASSERT_NE(NULL, vm);
	vcpu_long_mode_sregs(vcpu, &set);
	set.fs.base = 0x12345000;
	set.gs.base = 0xffff888000000000ULL;
	set.gs.avl = 1;
	set.es.unusable = 1;
	set.idt.limit = 0x7ff;
	set.cr2 = 0xdead0000;
	set.cr8 = 5;
	ASSERT_EQ(0, vcpu_set_sregs(vcpu, &set));
	memset(&got, 0xcc, sizeof(got));
	ASSERT_EQ(0, vcpu_get_sregs(vcpu, &got));
	EXPECT_SEG_EQ(set.cs, got.cs);
	EXPECT_SEG_EQ(set.ds, got.ds);
	if (mvmm_is_svm()) {
		/* The VMCB has no "unusable" bit: such a segment is not present. */
		EXPECT_EQ(1, got.es.unusable);
		EXPECT_EQ(0, got.es.present);
		EXPECT_EQ(set.es.selector, got.es.selector);
		EXPECT_EQ(set.es.base, got.es.base);
		EXPECT_EQ(set.es.limit, got.es.limit);
	} else {
		EXPECT_SEG_EQ(set.es, got.es);
	}
	EXPECT_SEG_EQ(set.fs, got.fs);
	EXPECT_SEG_EQ(set.gs, got.gs);
	EXPECT_SEG_EQ(set.ss, got.ss);
	EXPECT_SEG_EQ(set.tr, got.tr);
	EXPECT_EQ(set.ldt.unusable, got.ldt.unusable);
	EXPECT_EQ(set.gdt.base, got.gdt.base);
	EXPECT_EQ(set.gdt.limit, got.gdt.limit);
	EXPECT_EQ(set.idt.base, got.idt.base);
	EXPECT_EQ(set.idt.limit, got.idt.limit);
	EXPECT_EQ(set.cr0, got.cr0);
	EXPECT_EQ(set.cr2, got.cr2);
	EXPECT_EQ(set.cr3, got.cr3);
	EXPECT_EQ(set.cr4, got.cr4);
	EXPECT_EQ(set.cr8, got.cr8);
	EXPECT_EQ(set.efer, got.efer);
	/* Output padding and reserved words are zero. */
	EXPECT_EQ(0, got.cs.padding);
	EXPECT_EQ(0, got.gdt.padding[0] | got.gdt.padding[1] | got.gdt.padding[2]);
	EXPECT_EQ(0, got.reserved[0] | got.reserved[1] | got.reserved[2] | got.reserved[3]);

	/* Reserved and padding must be zero on input. */
	bad = set;
	bad.reserved[3] = 1;
	EXPECT_EQ(-EINVAL, vcpu_set_sregs(vcpu, &bad));
	bad = set;
	bad.ss.padding = 1;
	EXPECT_EQ(-EINVAL, vcpu_set_sregs(vcpu, &bad));
	bad = set;
	bad.idt.padding[1] = 1;
	EXPECT_EQ(-EINVAL, vcpu_set_sregs(vcpu, &bad));
	/* Nothing of the refused calls stuck. */
	ASSERT_EQ(0, vcpu_get_sregs(vcpu, &got));
	EXPECT_EQ(set.idt.limit, got.idt.limit);
	EXPECT_EQ(set.cr2, got.cr2);
	vm_free(vm);
}

/* ---------------------------------------------------------------------- */
/* FPU and SSE                                                              */
/* ---------------------------------------------------------------------- */

#define FX_FCW		0
#define FX_MXCSR	24
#define FX_XMM		160

struct xmm_regs {
	uint8_t b[16][16];
};

static uint16_t fx_fcw(const struct minivmm_fpu *f)
{
	uint16_t v;

	memcpy(&v, f->fxsave + FX_FCW, sizeof(v));
	return v;
}

static uint32_t fx_mxcsr(const struct minivmm_fpu *f)
{
	uint32_t v;

	memcpy(&v, f->fxsave + FX_MXCSR, sizeof(v));
	return v;
}

static void fill_xmm(struct xmm_regs *x, uint8_t seed)
{
	unsigned int i, j;

	for (i = 0; i < 16; i++)
		for (j = 0; j < 16; j++)
			x->b[i][j] = (uint8_t)(seed + 16 * i + j * 7);
}

TEST(fpu_round_trip)
{
	struct minivmm_fpu fpu, got;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_nothing);
	struct xmm_regs x;
	uint16_t fcw = 0x027f;		/* 53-bit precision */
	uint32_t mxcsr = 0x7f80;	/* all masked, round toward zero */

	ASSERT_NE(NULL, vm);
	ASSERT_EQ(0, vcpu_get_fpu(vcpu, &fpu));
	TH_LOG("initial FCW 0x%x MXCSR 0x%x", fx_fcw(&fpu), fx_mxcsr(&fpu));
	memcpy(fpu.fxsave + FX_FCW, &fcw, sizeof(fcw));
	memcpy(fpu.fxsave + FX_MXCSR, &mxcsr, sizeof(mxcsr));
	fill_xmm(&x, 0x31);
	memcpy(fpu.fxsave + FX_XMM, &x, sizeof(x));
	ASSERT_EQ(0, vcpu_set_fpu(vcpu, &fpu));
	memset(&got, 0, sizeof(got));
	ASSERT_EQ(0, vcpu_get_fpu(vcpu, &got));
	EXPECT_EQ(fcw, fx_fcw(&got));
	EXPECT_EQ(mxcsr, fx_mxcsr(&got));
	EXPECT_EQ(0, memcmp(got.fxsave + FX_XMM, &x, sizeof(x)));
	vm_free(vm);
}

/* What the guest saw on entry, and what it saw after an exit. */
struct xmm_regs fpu_seen_xmm __attribute__((used));
struct xmm_regs fpu_seen_xmm2 __attribute__((used));
uint32_t fpu_seen_mxcsr __attribute__((used));
uint16_t fpu_seen_fcw __attribute__((used));
/* What the guest loads. */
struct xmm_regs guest_xmm __attribute__((used));
uint32_t guest_mxcsr __attribute__((used)) = 0x9f80;	/* + flush to zero */

void guest_fpu_sync(void);
extern char guest_fpu_stub[];

#define XMM_STORE(sym, n) "	movdqu %xmm" #n ", " sym "+" #n "*16(%rip)\n"
#define XMM_LOAD(sym, n) "	movdqu " sym "+" #n "*16(%rip), %xmm" #n "\n"
#define XMM_ALL(op, sym)						\
	op(sym, 0) op(sym, 1) op(sym, 2) op(sym, 3) op(sym, 4) op(sym, 5) \
	op(sym, 6) op(sym, 7) op(sym, 8) op(sym, 9) op(sym, 10) op(sym, 11) \
	op(sym, 12) op(sym, 13) op(sym, 14) op(sym, 15)

asm(
"	.pushsection " GUEST_SECTION ", \"ax\"\n"
"	.globl guest_fpu_stub\n"
"guest_fpu_stub:\n"
"	fnstcw fpu_seen_fcw(%rip)\n"
"	stmxcsr fpu_seen_mxcsr(%rip)\n"
XMM_ALL(XMM_STORE, "fpu_seen_xmm")
XMM_ALL(XMM_LOAD, "guest_xmm")
"	ldmxcsr guest_mxcsr(%rip)\n"
"	andq $-16, %rsp\n"
"	call guest_fpu_sync\n"
XMM_ALL(XMM_STORE, "fpu_seen_xmm2")
"	call guest_fpu_sync\n"
"1:	hlt\n"
"	jmp 1b\n"
"	.popsection\n");

GUEST_CODE void guest_fpu_sync(void)
{
	GUEST_SYNC(0xf9);
}

#define HOST_XMM(op, n) op " %%xmm" #n ", " #n "*16(%[out])\n\t"
#define HOST_XMM_IN(n) "movdqu " #n "*16(%[in]), %%xmm" #n "\n\t"
#define HOST_XMM_OUT(n) "movdqu %%xmm" #n ", " #n "*16(%[out])\n\t"
#define HOST_ALL(m)							\
	m(0) m(1) m(2) m(3) m(4) m(5) m(6) m(7) m(8) m(9) m(10) m(11)	\
	m(12) m(13) m(14) m(15)

/*
 * MINIVMM_RUN as a raw syscall with this thread's XMM0-15 loaded from @in
 * just before and stored to @out right after, and MXCSR likewise: nothing
 * of libc or the compiler between the registers and the kernel.
 */
static int run_with_host_xmm(struct mvm_vcpu *vcpu, const struct xmm_regs *in,
			     struct xmm_regs *out, uint32_t mxcsr_in,
			     uint32_t *mxcsr_out)
{
	long ret;

	asm volatile("ldmxcsr %[mi]\n\t"
		     HOST_ALL(HOST_XMM_IN)
		     "syscall\n\t"
		     HOST_ALL(HOST_XMM_OUT)
		     "stmxcsr %[mo]\n\t"
		     : "=a"(ret), [mo] "=m"(*mxcsr_out)
		     : "a"((long)SYS_ioctl), "D"((long)vcpu->fd),
		       "S"((long)MINIVMM_RUN), "d"(0L),
		       [in] "r"(in), [out] "r"(out), [mi] "m"(mxcsr_in)
		     : "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3",
		       "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
		       "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	vcpu->last_ret = ret < 0 ? (int)ret : 0;
	return vcpu->last_ret;
}

TEST(fpu_guest_and_host_isolated)
{
	struct xmm_regs set_x, host_x, host_after;
	struct minivmm_fpu fpu, got;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_fpu_stub);
	uint16_t fcw = 0x027f;
	uint32_t mxcsr = 0x7f80, host_mxcsr = 0x1f80, host_mxcsr_after = 0;
	struct ucall uc;

	ASSERT_NE(NULL, vm);
	/* The guest's FPU, through SET_FPU. */
	ASSERT_EQ(0, vcpu_get_fpu(vcpu, &fpu));
	memcpy(fpu.fxsave + FX_FCW, &fcw, sizeof(fcw));
	memcpy(fpu.fxsave + FX_MXCSR, &mxcsr, sizeof(mxcsr));
	fill_xmm(&set_x, 0x10);
	memcpy(fpu.fxsave + FX_XMM, &set_x, sizeof(set_x));
	ASSERT_EQ(0, vcpu_set_fpu(vcpu, &fpu));
	fill_xmm(&guest_xmm, 0x80);
	fill_xmm(&host_x, 0xc0);

	/* The guest saves what it got, loads guest_xmm, and exits. */
	ASSERT_EQ(0, run_with_host_xmm(vcpu, &host_x, &host_after, host_mxcsr,
				       &host_mxcsr_after));
	ASSERT_EQ(UCALL_SYNC, get_ucall(vcpu, &uc));
	EXPECT_EQ(0, memcmp(&host_x, &host_after, sizeof(host_x)))
		TH_LOG("the host thread's XMM registers changed across RUN");
	EXPECT_EQ(host_mxcsr, host_mxcsr_after);
	EXPECT_EQ(0, memcmp(&set_x, &fpu_seen_xmm, sizeof(set_x)))
		TH_LOG("the guest did not get the XMM registers of SET_FPU");
	EXPECT_EQ(mxcsr, fpu_seen_mxcsr);
	EXPECT_EQ(fcw, fpu_seen_fcw);

	/* The host sees what the guest loaded. */
	ASSERT_EQ(0, vcpu_get_fpu(vcpu, &got));
	EXPECT_EQ(0, memcmp(got.fxsave + FX_XMM, &guest_xmm, sizeof(guest_xmm)));
	EXPECT_EQ(guest_mxcsr, fx_mxcsr(&got));

	/* Other host values this time; the guest finds its own again. */
	fill_xmm(&host_x, 0x55);
	ASSERT_EQ(0, run_with_host_xmm(vcpu, &host_x, &host_after, host_mxcsr,
				       &host_mxcsr_after));
	ASSERT_EQ(UCALL_SYNC, get_ucall(vcpu, &uc));
	EXPECT_EQ(0, memcmp(&host_x, &host_after, sizeof(host_x)));
	EXPECT_EQ(host_mxcsr, host_mxcsr_after);
	EXPECT_EQ(0, memcmp(&guest_xmm, &fpu_seen_xmm2, sizeof(guest_xmm)))
		TH_LOG("the guest's XMM registers changed across an exit");
	vm_free(vm);
}

/* ---------------------------------------------------------------------- */
/* CPUID                                                                    */
/* ---------------------------------------------------------------------- */

GUEST_CODE static void guest_cpuid_default(void)
{
	uint32_t a, b, c, d, ecx1;

	guest_cpuid(1, 0, a, b, c, d);
	ecx1 = c;
	guest_cpuid(0x40000000, 0, a, b, c, d);
	GUEST_SYNC(ecx1, a, b, c, d);
}

TEST(cpuid_default)
{
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_cpuid_default);
	uint32_t sig[3];
	struct ucall uc;

	ASSERT_NE(NULL, vm);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, uc.args[0] & (1u << 5)) TH_LOG("CPUID.1:ECX.VMX is visible");
	EXPECT_NE(0, uc.args[0] & (1u << 31)) TH_LOG("CPUID.1:ECX.hypervisor clear");
	sig[0] = uc.args[2];
	sig[1] = uc.args[3];
	sig[2] = uc.args[4];
	EXPECT_EQ(0, memcmp(sig, MINIVMM_EXPECTED_CPUID_SIGNATURE, 12))
		TH_LOG("0x40000000 signature \"%.12s\"", (char *)sig);
	TH_LOG("CPUID 0x40000000: EAX 0x%llx", (unsigned long long)uc.args[1]);
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

/* What the guest asks CPUID for; it reports each answer. */
static const struct {
	uint32_t leaf, sub;
} cpuid_queries[] = {
	{ 0x40000001, 0 }, { 0x40000001, 5 }, { 7, 0 }, { 7, 1 }, { 1, 0 },
	{ 0x40000000, 0 },
};
#define NR_CPUID_QUERIES ARRAY_SIZE(cpuid_queries)

GUEST_CODE static void guest_cpuid_queries(void)
{
	uint32_t a, b, c, d;
	unsigned int i;

	for (i = 0; i < NR_CPUID_QUERIES; i++) {
		guest_cpuid(cpuid_queries[i].leaf, cpuid_queries[i].sub, a, b, c, d);
		GUEST_SYNC(cpuid_queries[i].leaf, cpuid_queries[i].sub, a, b, c, d);
	}
}

TEST(cpuid_set_by_vmm)
{
	static const struct minivmm_cpuid_entry table[] = {
		{ .function = 0x40000001, .eax = 0x12345678, .ebx = 0x9abcdef0,
		  .ecx = 0x0badf00d, .edx = 0xfeedface },
		{ .function = 7, .index = 0, .flags = MINIVMM_CPUID_SIGNIFICANT_INDEX,
		  .eax = 0x11, .ebx = 0x12, .ecx = 0x13, .edx = 0x14 },
		{ .function = 7, .index = 1, .flags = MINIVMM_CPUID_SIGNIFICANT_INDEX,
		  .eax = 0x21, .ebx = 0x22, .ecx = 0x23, .edx = 0x24 },
	};
	/* The answers to cpuid_queries[]; unlisted leaves read as zeroes. */
	static const uint32_t want[NR_CPUID_QUERIES][4] = {
		{ 0x12345678, 0x9abcdef0, 0x0badf00d, 0xfeedface },
		{ 0x12345678, 0x9abcdef0, 0x0badf00d, 0xfeedface },
		{ 0x11, 0x12, 0x13, 0x14 },
		{ 0x21, 0x22, 0x23, 0x24 },
		{ 0, 0, 0, 0 },
		{ 0, 0, 0, 0 },
	};
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_cpuid_queries);
	struct ucall uc;
	unsigned int i, j;

	ASSERT_NE(NULL, vm);
	ASSERT_EQ(0, vcpu_set_cpuid(vcpu, table, ARRAY_SIZE(table)));
	for (i = 0; i < NR_CPUID_QUERIES; i++) {
		ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
		ASSERT_EQ(cpuid_queries[i].leaf, uc.args[0]);
		ASSERT_EQ(cpuid_queries[i].sub, uc.args[1]);
		for (j = 0; j < 4; j++)
			EXPECT_EQ(want[i][j], uc.args[2 + j])
				TH_LOG("leaf 0x%x.%u register %u", cpuid_queries[i].leaf,
				       cpuid_queries[i].sub, j);
	}
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

TEST(cpuid_set_bad_input)
{
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_nothing);
	struct minivmm_cpuid_entry e = { .function = 0x40000001, .eax = 1 };
	struct {
		struct minivmm_cpuid hdr;
		struct minivmm_cpuid_entry e[1];
	} c;

	ASSERT_NE(NULL, vm);
	e.padding = 1;
	EXPECT_EQ(-EINVAL, vcpu_set_cpuid(vcpu, &e, 1));

	memset(&c, 0, sizeof(c));
	c.hdr.nent = 1;
	c.hdr.padding = 1;
	c.e[0].function = 1;
	EXPECT_EQ(-1, ioctl(vcpu->fd, MINIVMM_SET_CPUID, &c));
	EXPECT_EQ(EINVAL, errno);

	c.hdr.padding = 0;
	c.hdr.nent = MINIVMM_MAX_CPUID_ENTRIES + 1;
	EXPECT_EQ(-1, ioctl(vcpu->fd, MINIVMM_SET_CPUID, &c));
	EXPECT_EQ(EINVAL, errno);
	vm_free(vm);
}

/* ---------------------------------------------------------------------- */
/* MSRs                                                                     */
/* ---------------------------------------------------------------------- */

TEST(msrs_round_trip)
{
	struct minivmm_msr_entry e[NR_ALLOWED_MSRS];
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_nothing);
	unsigned int i;

	ASSERT_NE(NULL, vm);
	memset(e, 0, sizeof(e));
	for (i = 0; i < NR_ALLOWED_MSRS; i++) {
		e[i].index = allowed_msrs[i].index;
		e[i].data = allowed_msrs[i].value;
	}
	ASSERT_EQ((int)NR_ALLOWED_MSRS, vcpu_set_msrs(vcpu, e, NR_ALLOWED_MSRS));
	for (i = 0; i < NR_ALLOWED_MSRS; i++)
		e[i].data = 0;
	ASSERT_EQ((int)NR_ALLOWED_MSRS, vcpu_get_msrs(vcpu, e, NR_ALLOWED_MSRS));
	for (i = 0; i < NR_ALLOWED_MSRS; i++) {
		EXPECT_EQ(allowed_msrs[i].index, e[i].index);
		EXPECT_EQ(allowed_msrs[i].value, e[i].data)
			TH_LOG("MSR 0x%x", allowed_msrs[i].index);
		EXPECT_EQ(0, e[i].reserved);
	}
	vm_free(vm);
}

GUEST_CODE static void guest_msrs(void)
{
	unsigned int i;

	for (i = 0; i < NR_ALLOWED_MSRS; i++)
		GUEST_SYNC(allowed_msrs[i].index, guest_rdmsr(allowed_msrs[i].index));
	for (i = 0; i < NR_ALLOWED_MSRS; i++)
		guest_wrmsr(allowed_msrs[i].index, allowed_msrs[i].guest_value);
	GUEST_DONE();
}

TEST(msrs_seen_by_guest_and_host)
{
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_msrs);
	struct ucall uc;
	unsigned int i;
	uint64_t v;

	ASSERT_NE(NULL, vm);
	for (i = 0; i < NR_ALLOWED_MSRS; i++)
		ASSERT_EQ(0, vcpu_set_msr(vcpu, allowed_msrs[i].index,
					  allowed_msrs[i].value))
			TH_LOG("MSR 0x%x", allowed_msrs[i].index);
	for (i = 0; i < NR_ALLOWED_MSRS; i++) {
		ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
		EXPECT_EQ(allowed_msrs[i].index, uc.args[0]);
		EXPECT_EQ(allowed_msrs[i].value, uc.args[1])
			TH_LOG("guest RDMSR 0x%x", allowed_msrs[i].index);
	}
	ASSERT_DONE(vcpu);
	for (i = 0; i < NR_ALLOWED_MSRS; i++) {
		ASSERT_EQ(0, vcpu_get_msr(vcpu, allowed_msrs[i].index, &v));
		EXPECT_EQ(allowed_msrs[i].guest_value, v)
			TH_LOG("after guest WRMSR 0x%x", allowed_msrs[i].index);
	}
	vm_free(vm);
}

static volatile uint64_t gp_count, gp_vector, gp_error;

GUEST_CODE static void guest_gp_handler(struct ex_regs *regs)
{
	gp_count++;
	gp_vector = regs->vector;
	gp_error = regs->error_code;
	regs->rip += 2;		/* RDMSR 0f 32, WRMSR 0f 30 */
}

GUEST_CODE static void guest_msr_not_allowed(void)
{
	uint64_t v;

	guest_install_handler(VECTOR_GP, guest_gp_handler);
	v = guest_rdmsr(MSR_NOT_ALLOWED);
	GUEST_SYNC(gp_count, gp_vector, gp_error, v);
	guest_wrmsr(MSR_NOT_ALLOWED, 0x5);
	GUEST_SYNC(gp_count, gp_vector, gp_error);
	/* An allowed one still works. */
	GUEST_SYNC(guest_rdmsr(0x174));
}

TEST(msr_not_allowed)
{
	struct minivmm_msr_entry e[3];
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_msr_not_allowed);
	struct ucall uc;

	ASSERT_NE(NULL, vm);
	memset(e, 0, sizeof(e));
	e[0].index = MSR_NOT_ALLOWED;
	EXPECT_EQ(0, vcpu_get_msrs(vcpu, e, 1));
	EXPECT_EQ(0, vcpu_set_msrs(vcpu, e, 1));
	/* Processing stops at the first MSR outside the list. */
	e[0].index = 0x174;
	e[0].data = 0x42;
	e[1].index = MSR_NOT_ALLOWED;
	e[2].index = 0x175;
	EXPECT_EQ(1, vcpu_set_msrs(vcpu, e, 3));
	e[0].data = 0;
	EXPECT_EQ(1, vcpu_get_msrs(vcpu, e, 3));
	EXPECT_EQ(0x42, e[0].data);
	/* Reserved must be zero. */
	e[0].reserved = 1;
	EXPECT_EQ(-EINVAL, vcpu_get_msrs(vcpu, e, 1));

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[0]) TH_LOG("#GP count after RDMSR 0x%x", MSR_NOT_ALLOWED);
	EXPECT_EQ(VECTOR_GP, uc.args[1]);
	EXPECT_EQ(0, uc.args[2]);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(2, uc.args[0]) TH_LOG("#GP count after WRMSR 0x%x", MSR_NOT_ALLOWED);
	EXPECT_EQ(VECTOR_GP, uc.args[1]);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0x42, uc.args[0]);
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

/*
 * The VMM's EFER write: LMA is LME && CR0.PG whatever it asks for (AMD-V
 * would run an LMA without paging as given), and the vCPU still runs.
 */
TEST(efer_lma_follows_paging)
{
	struct minivmm_sregs sr, lm;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_nothing);
	uint64_t efer;

	ASSERT_NE(NULL, vm);
	ASSERT_EQ(0, vcpu_get_sregs(vcpu, &lm));
	ASSERT_EQ(EFER_LME | EFER_LMA, lm.efer & (EFER_LME | EFER_LMA));
	/* Paging on: LMA comes with LME, and goes with it. */
	ASSERT_EQ(0, vcpu_set_msr(vcpu, 0xc0000080, EFER_LME));
	ASSERT_EQ(0, vcpu_get_msr(vcpu, 0xc0000080, &efer));
	EXPECT_EQ(EFER_LME | EFER_LMA, efer & (EFER_LME | EFER_LMA));
	ASSERT_EQ(0, vcpu_set_msr(vcpu, 0xc0000080, EFER_LMA));
	ASSERT_EQ(0, vcpu_get_msr(vcpu, 0xc0000080, &efer));
	EXPECT_EQ(0, efer & (EFER_LME | EFER_LMA));
	/* Paging off: no LMA, even asked for. */
	sr = lm;
	sr.cr0 &= ~X86_CR0_PG;
	sr.efer = 0;
	ASSERT_EQ(0, vcpu_set_sregs(vcpu, &sr));
	ASSERT_EQ(0, vcpu_set_msr(vcpu, 0xc0000080, EFER_LME | EFER_LMA));
	ASSERT_EQ(0, vcpu_get_msr(vcpu, 0xc0000080, &efer));
	EXPECT_EQ(EFER_LME, efer & (EFER_LME | EFER_LMA));
	ASSERT_EQ(0, vcpu_get_sregs(vcpu, &sr));
	EXPECT_EQ(EFER_LME, sr.efer & (EFER_LME | EFER_LMA));
	/* Back to long mode: it runs. */
	ASSERT_EQ(0, vcpu_set_sregs(vcpu, &lm));
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

TEST_HARNESS_MAIN
