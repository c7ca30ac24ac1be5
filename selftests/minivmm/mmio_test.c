// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO emulation: a 64-bit guest accesses guest-physical addresses outside
 * every memory slot (identity-mapped by the library's 2 MiB guest page
 * tables, but no slot behind them), which the kernel decodes into
 * MINIVMM_EXIT_MMIO exits. For each instruction form the host checks the
 * exit (phys_addr, len, is_write, the data of a store) and that RIP is
 * already past the instruction; for loads it supplies the data and the
 * guest reports the destination register afterwards (zero extension of
 * 32-bit destinations, 8/16-bit destinations keep the other bits, AH vs.
 * SIL, movzx/movsx). An instruction the decoder does not handle stops the
 * guest with an EMULATION internal error; MEM_STATS counts the exits.
 *
 * Every guest access is one inline-asm instruction followed by a global
 * label, so the host knows where RIP must be when the exit is reported.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "minivmm_util.h"

/* Outside every slot (checked in the fixture), below 4 GiB. */
#define MMIO_GPA	0xd0000000ULL
/*
 * Target of the RIP-relative forms: within +-2 GiB of the test binary's
 * text (at 0x400000), outside every slot. The rel32 of those forms is
 * spelled out with .byte/.long because gas folds an absolute symbol in
 * "sym(%rip)" into a plain displacement.
 */
#define MMIO_RIP_GPA		0x70000000ULL
#define MMIO_RIP_GPA_STR	"0x70000000"

/* Register contents before each access: every byte distinct. */
#define P_RAX	0x1122334455667788ULL
#define P_RSI	0x8877665544332211ULL	/* SIL 0x11 */
#define P_RDX	0x0000000000003c3cULL	/* DH 0x3c: what SIL must not be */
#define P_R12	0xa1a2a3a4a5a6a7a8ULL

/* @insn, then the global label @label right after it. */
#define MMIO_ASM(label, insn, ...) do {				\
	asm volatile(insn "\n\t.globl " #label "\n" #label ":\n\t" __VA_ARGS__); \
} while (0)

struct mmio_step {
	const char *name;
	const char *rip;	/* label right after the instruction */
	uint64_t gpa;
	uint32_t len;
	uint8_t write;
	uint64_t data;		/* a store's data, or what a load gets */
	uint64_t want[2];	/* load: the guest's GUEST_SYNC arguments */
};

FIXTURE(mmio) {
	struct mvm_vm *vm;
	struct mvm_vcpu *vcpu;
};

FIXTURE_SETUP(mmio)
{
	self->vcpu = NULL;
	self->vm = vm_create();
	ASSERT_NE(NULL, self->vm);
	/* The addresses the guests use must not be memory of this VM. */
	ASSERT_FALSE(vm_is_guest_mem(self->vm, (void *)(uintptr_t)MMIO_GPA, 0x20000));
	ASSERT_FALSE(vm_is_guest_mem(self->vm, (void *)(uintptr_t)MMIO_RIP_GPA, 0x1000));
}

FIXTURE_TEARDOWN(mmio)
{
	vm_free(self->vm);
}

static int get_stats(struct mvm_vm *vm, struct minivmm_mem_stats *st)
{
	memset(st, 0, sizeof(*st));
	return ioctl(vm->fd, MINIVMM_GET_MEM_STATS, st) ? -errno : 0;
}

/*
 * Runs the guest through @steps: each one an MMIO exit as described; a
 * load is completed with step->data (bytes past len poisoned with 0xcc)
 * and followed by a GUEST_SYNC of step->want. Then the guest is done.
 */
static void run_steps(struct __test_metadata *_metadata, struct mvm_vcpu *vcpu,
		      const struct mmio_step *steps, unsigned int n)
{
	struct minivmm_run *run = vcpu->run;
	struct minivmm_mem_stats before, after;
	struct minivmm_regs regs;
	struct ucall uc;
	unsigned int i;

	ASSERT_EQ(0, get_stats(vcpu->vm, &before));
	for (i = 0; i < n; i++) {
		const struct mmio_step *s = &steps[i];
		uint64_t got = 0;
		int r = vcpu_run(vcpu);

		if (r || run->exit_reason != MINIVMM_EXIT_MMIO) {
			char d[512];

			vcpu_describe(vcpu, d, sizeof(d));
			TH_LOG("%s: want an MMIO exit, got %s", s->name, d);
		}
		ASSERT_EQ(0, r);
		ASSERT_EQ(MINIVMM_EXIT_MMIO, run->exit_reason);
		EXPECT_EQ(s->gpa, run->mmio.phys_addr) TH_LOG("%s: phys_addr", s->name);
		EXPECT_EQ(s->len, run->mmio.len) TH_LOG("%s: len", s->name);
		EXPECT_EQ(s->write, run->mmio.is_write) TH_LOG("%s: is_write", s->name);
		ASSERT_EQ(0, vcpu_get_regs(vcpu, &regs));
		EXPECT_EQ((uintptr_t)s->rip, regs.rip)
			TH_LOG("%s: RIP is not right after the instruction", s->name);
		if (s->write) {
			memcpy(&got, run->mmio.data, s->len <= 8 ? s->len : 8);
			EXPECT_EQ(s->data, got) TH_LOG("%s: data stored", s->name);
			continue;
		}
		memset(run->mmio.data, 0xcc, sizeof(run->mmio.data));
		memcpy(run->mmio.data, &s->data, s->len);
		ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
		EXPECT_EQ(s->want[0], uc.args[0]) TH_LOG("%s: register after the load", s->name);
		EXPECT_EQ(s->want[1], uc.args[1]) TH_LOG("%s: other register", s->name);
	}
	ASSERT_DONE(vcpu);
	ASSERT_EQ(0, get_stats(vcpu->vm, &after));
	EXPECT_EQ(n, after.mmio_exits - before.mmio_exits);
	EXPECT_LE(n, after.ept_violations - before.ept_violations);
}

#define STEP_W(lbl, off, l, d)						\
	{ .name = #lbl, .rip = lbl, .gpa = MMIO_GPA + (off), .len = (l),	\
	  .write = 1, .data = (d) }
#define STEP_R(lbl, off, l, d, w0, w1)					\
	{ .name = #lbl, .rip = lbl, .gpa = MMIO_GPA + (off), .len = (l),	\
	  .write = 0, .data = (d), .want = { (w0), (w1) } }

/* ---------------------------------------------------------------------- */
/* MOV stores from a register: 88, 89 (REX, 66)                            */
/* ---------------------------------------------------------------------- */

extern char mmio_st_al[], mmio_st_ah[], mmio_st_sil[], mmio_st_r12b[],
	mmio_st_ax[], mmio_st_r12w[], mmio_st_eax[], mmio_st_r12d[],
	mmio_st_rax[], mmio_st_r12[];

GUEST_CODE static void guest_store_reg(void)
{
	register uint64_t r12 asm("r12") = P_R12;
	uint64_t base = MMIO_GPA;

	/* 88 03 */
	MMIO_ASM(mmio_st_al, "movb %%al, (%%rbx)", : : "a"(P_RAX), "b"(base) : "memory");
	/* 88 63 01: reg 4 without REX is AH */
	MMIO_ASM(mmio_st_ah, "movb %%ah, 0x1(%%rbx)", : : "a"(P_RAX), "b"(base) : "memory");
	/* 40 88 73 02: reg 6 with REX is SIL, not DH */
	MMIO_ASM(mmio_st_sil, "movb %%sil, 0x2(%%rbx)",
		 : : "S"(P_RSI), "d"(P_RDX), "b"(base) : "memory");
	/* 44 88 63 03 */
	r12 = P_R12;
	MMIO_ASM(mmio_st_r12b, "movb %%r12b, 0x3(%%rbx)", : : "r"(r12), "b"(base) : "memory");
	/* 66 89 43 10 */
	MMIO_ASM(mmio_st_ax, "movw %%ax, 0x10(%%rbx)", : : "a"(P_RAX), "b"(base) : "memory");
	/* 66 44 89 63 12 */
	r12 = P_R12;
	MMIO_ASM(mmio_st_r12w, "movw %%r12w, 0x12(%%rbx)", : : "r"(r12), "b"(base) : "memory");
	/* 89 43 20 */
	MMIO_ASM(mmio_st_eax, "movl %%eax, 0x20(%%rbx)", : : "a"(P_RAX), "b"(base) : "memory");
	/* 44 89 63 24 */
	r12 = P_R12;
	MMIO_ASM(mmio_st_r12d, "movl %%r12d, 0x24(%%rbx)", : : "r"(r12), "b"(base) : "memory");
	/* 48 89 43 30 */
	MMIO_ASM(mmio_st_rax, "movq %%rax, 0x30(%%rbx)", : : "a"(P_RAX), "b"(base) : "memory");
	/* 4c 89 63 38 */
	r12 = P_R12;
	MMIO_ASM(mmio_st_r12, "movq %%r12, 0x38(%%rbx)", : : "r"(r12), "b"(base) : "memory");
	GUEST_DONE();
}

TEST_F(mmio, store_from_register)
{
	const struct mmio_step steps[] = {
		STEP_W(mmio_st_al, 0x00, 1, 0x88),
		STEP_W(mmio_st_ah, 0x01, 1, 0x77),
		STEP_W(mmio_st_sil, 0x02, 1, 0x11),
		STEP_W(mmio_st_r12b, 0x03, 1, 0xa8),
		STEP_W(mmio_st_ax, 0x10, 2, 0x7788),
		STEP_W(mmio_st_r12w, 0x12, 2, 0xa7a8),
		STEP_W(mmio_st_eax, 0x20, 4, 0x55667788),
		STEP_W(mmio_st_r12d, 0x24, 4, 0xa5a6a7a8),
		STEP_W(mmio_st_rax, 0x30, 8, P_RAX),
		STEP_W(mmio_st_r12, 0x38, 8, P_R12),
	};

	self->vcpu = vm_add_vcpu(self->vm, 0, guest_store_reg);
	ASSERT_NE(NULL, self->vcpu);
	run_steps(_metadata, self->vcpu, steps, ARRAY_SIZE(steps));
}

/* ---------------------------------------------------------------------- */
/* MOV loads into a register: 8A, 8B (REX, 66)                             */
/* ---------------------------------------------------------------------- */

extern char mmio_ld_al[], mmio_ld_ah[], mmio_ld_sil[], mmio_ld_r12b[],
	mmio_ld_ax[], mmio_ld_r12w[], mmio_ld_eax[], mmio_ld_r12d[],
	mmio_ld_rax[], mmio_ld_r12[];

GUEST_CODE static void guest_load_reg(void)
{
	register uint64_t r12 asm("r12");
	uint64_t base = MMIO_GPA, rax, rsi, rdx;

	rax = P_RAX;	/* 8a 03 */
	MMIO_ASM(mmio_ld_al, "movb (%%rbx), %%al", : "+a"(rax) : "b"(base) : "memory");
	GUEST_SYNC(rax);
	rax = P_RAX;	/* 8a 63 01 */
	MMIO_ASM(mmio_ld_ah, "movb 0x1(%%rbx), %%ah", : "+a"(rax) : "b"(base) : "memory");
	GUEST_SYNC(rax);
	rsi = P_RSI;	/* 40 8a 73 02 */
	rdx = P_RDX;
	MMIO_ASM(mmio_ld_sil, "movb 0x2(%%rbx), %%sil",
		 : "+S"(rsi), "+d"(rdx) : "b"(base) : "memory");
	GUEST_SYNC(rsi, rdx);
	r12 = P_R12;	/* 44 8a 63 03 */
	MMIO_ASM(mmio_ld_r12b, "movb 0x3(%%rbx), %%r12b", : "+r"(r12) : "b"(base) : "memory");
	GUEST_SYNC(r12);
	rax = P_RAX;	/* 66 8b 43 10 */
	MMIO_ASM(mmio_ld_ax, "movw 0x10(%%rbx), %%ax", : "+a"(rax) : "b"(base) : "memory");
	GUEST_SYNC(rax);
	r12 = P_R12;	/* 66 44 8b 63 12 */
	MMIO_ASM(mmio_ld_r12w, "movw 0x12(%%rbx), %%r12w", : "+r"(r12) : "b"(base) : "memory");
	GUEST_SYNC(r12);
	rax = P_RAX;	/* 8b 43 20 */
	MMIO_ASM(mmio_ld_eax, "movl 0x20(%%rbx), %%eax", : "+a"(rax) : "b"(base) : "memory");
	GUEST_SYNC(rax);
	r12 = P_R12;	/* 44 8b 63 24 */
	MMIO_ASM(mmio_ld_r12d, "movl 0x24(%%rbx), %%r12d", : "+r"(r12) : "b"(base) : "memory");
	GUEST_SYNC(r12);
	rax = P_RAX;	/* 48 8b 43 30 */
	MMIO_ASM(mmio_ld_rax, "movq 0x30(%%rbx), %%rax", : "+a"(rax) : "b"(base) : "memory");
	GUEST_SYNC(rax);
	r12 = P_R12;	/* 4c 8b 63 38 */
	MMIO_ASM(mmio_ld_r12, "movq 0x38(%%rbx), %%r12", : "+r"(r12) : "b"(base) : "memory");
	GUEST_SYNC(r12);
	GUEST_DONE();
}

TEST_F(mmio, load_into_register)
{
	const struct mmio_step steps[] = {
		/* 8-bit and 16-bit destinations keep the other bits. */
		STEP_R(mmio_ld_al, 0x00, 1, 0xab, 0x11223344556677abULL, 0),
		STEP_R(mmio_ld_ah, 0x01, 1, 0xcd, 0x112233445566cd88ULL, 0),
		STEP_R(mmio_ld_sil, 0x02, 1, 0xef, 0x88776655443322efULL, P_RDX),
		STEP_R(mmio_ld_r12b, 0x03, 1, 0x5a, 0xa1a2a3a4a5a6a75aULL, 0),
		STEP_R(mmio_ld_ax, 0x10, 2, 0xbeef, 0x112233445566beefULL, 0),
		STEP_R(mmio_ld_r12w, 0x12, 2, 0xcafe, 0xa1a2a3a4a5a6cafeULL, 0),
		/* 32-bit destinations zero the upper half. */
		STEP_R(mmio_ld_eax, 0x20, 4, 0xdeadbeef, 0xdeadbeefULL, 0),
		STEP_R(mmio_ld_r12d, 0x24, 4, 0x80000001, 0x80000001ULL, 0),
		STEP_R(mmio_ld_rax, 0x30, 8, 0x0123456789abcdefULL, 0x0123456789abcdefULL, 0),
		STEP_R(mmio_ld_r12, 0x38, 8, 0xfedcba9876543210ULL, 0xfedcba9876543210ULL, 0),
	};

	self->vcpu = vm_add_vcpu(self->vm, 0, guest_load_reg);
	ASSERT_NE(NULL, self->vcpu);
	run_steps(_metadata, self->vcpu, steps, ARRAY_SIZE(steps));
}

/* ---------------------------------------------------------------------- */
/* MOV immediate stores: C6, C7                                            */
/* ---------------------------------------------------------------------- */

extern char mmio_im_b[], mmio_im_b80[], mmio_im_w[], mmio_im_l[],
	mmio_im_q_m1[], mmio_im_q_min[], mmio_im_q_max[], mmio_im_l_disp32[],
	mmio_im_w_sib[], mmio_im_b_r12[], mmio_im_q_r13[];

GUEST_CODE static void guest_store_imm(void)
{
	register uint64_t r12 asm("r12");
	register uint64_t r13 asm("r13");
	uint64_t base = MMIO_GPA;

	/* c6 03 7f */
	MMIO_ASM(mmio_im_b, "movb $0x7f, (%%rbx)", : : "b"(base) : "memory");
	/* c6 43 01 80 */
	MMIO_ASM(mmio_im_b80, "movb $0x80, 0x1(%%rbx)", : : "b"(base) : "memory");
	/* 66 c7 43 02 34 12 */
	MMIO_ASM(mmio_im_w, "movw $0x1234, 0x2(%%rbx)", : : "b"(base) : "memory");
	/* c7 43 04 ef cd ab 89 */
	MMIO_ASM(mmio_im_l, "movl $0x89abcdef, 0x4(%%rbx)", : : "b"(base) : "memory");
	/* 48 c7 43 08 ff ff ff ff: imm32 sign-extended to 64 bits */
	MMIO_ASM(mmio_im_q_m1, "movq $-1, 0x8(%%rbx)", : : "b"(base) : "memory");
	/* 48 c7 43 10 00 00 00 80 */
	MMIO_ASM(mmio_im_q_min, "movq $-0x80000000, 0x10(%%rbx)", : : "b"(base) : "memory");
	/* 48 c7 43 18 ff ff ff 7f */
	MMIO_ASM(mmio_im_q_max, "movq $0x7fffffff, 0x18(%%rbx)", : : "b"(base) : "memory");
	/* c7 83 <disp32> <imm32> */
	MMIO_ASM(mmio_im_l_disp32, "movl $0x11223344, 0x12340(%%rbx)",
		 : : "b"(base) : "memory");
	/* 66 c7 84 cb <disp32> <imm16>: SIB, disp32 and imm16 */
	MMIO_ASM(mmio_im_w_sib, "movw $0xfffe, 0x100(%%rbx,%%rcx,8)",
		 : : "b"(base), "c"(2ULL) : "memory");
	/* 41 c6 04 24 5a: r12 as base needs a SIB byte */
	r12 = base + 0x200;
	MMIO_ASM(mmio_im_b_r12, "movb $0x5a, (%%r12)", : : "r"(r12) : "memory");
	/* 49 c7 45 00 <imm32>: r13 as base needs a disp8 */
	r13 = base + 0x208;
	MMIO_ASM(mmio_im_q_r13, "movq $0x12345678, (%%r13)", : : "r"(r13) : "memory");
	GUEST_DONE();
}

TEST_F(mmio, store_immediate)
{
	const struct mmio_step steps[] = {
		STEP_W(mmio_im_b, 0x00, 1, 0x7f),
		STEP_W(mmio_im_b80, 0x01, 1, 0x80),
		STEP_W(mmio_im_w, 0x02, 2, 0x1234),
		STEP_W(mmio_im_l, 0x04, 4, 0x89abcdef),
		STEP_W(mmio_im_q_m1, 0x08, 8, 0xffffffffffffffffULL),
		STEP_W(mmio_im_q_min, 0x10, 8, 0xffffffff80000000ULL),
		STEP_W(mmio_im_q_max, 0x18, 8, 0x7fffffffULL),
		STEP_W(mmio_im_l_disp32, 0x12340, 4, 0x11223344),
		STEP_W(mmio_im_w_sib, 0x110, 2, 0xfffe),
		STEP_W(mmio_im_b_r12, 0x200, 1, 0x5a),
		STEP_W(mmio_im_q_r13, 0x208, 8, 0x12345678),
	};

	self->vcpu = vm_add_vcpu(self->vm, 0, guest_store_imm);
	ASSERT_NE(NULL, self->vcpu);
	run_steps(_metadata, self->vcpu, steps, ARRAY_SIZE(steps));
}

/* ---------------------------------------------------------------------- */
/* MOVZX, MOVSX: 0F B6, B7, BE, BF                                         */
/* ---------------------------------------------------------------------- */

extern char mmio_zx_bl[], mmio_zx_wl_r12[], mmio_sx_bq[], mmio_sx_wl[],
	mmio_sx_bw[], mmio_zx_bw_r12[], mmio_sx_wq_r12[], mmio_sx_bl_esi[],
	mmio_zx_wq_rsi[];

GUEST_CODE static void guest_movx(void)
{
	register uint64_t r12 asm("r12");
	uint64_t base = MMIO_GPA, rax, rsi;

	rax = P_RAX;	/* 0f b6 03 */
	MMIO_ASM(mmio_zx_bl, "movzbl (%%rbx), %%eax", : "+a"(rax) : "b"(base) : "memory");
	GUEST_SYNC(rax);
	r12 = P_R12;	/* 44 0f b7 63 02 */
	MMIO_ASM(mmio_zx_wl_r12, "movzwl 0x2(%%rbx), %%r12d",
		 : "+r"(r12) : "b"(base) : "memory");
	GUEST_SYNC(r12);
	rax = P_RAX;	/* 48 0f be 43 04 */
	MMIO_ASM(mmio_sx_bq, "movsbq 0x4(%%rbx), %%rax", : "+a"(rax) : "b"(base) : "memory");
	GUEST_SYNC(rax);
	rax = P_RAX;	/* 0f bf 43 06 */
	MMIO_ASM(mmio_sx_wl, "movswl 0x6(%%rbx), %%eax", : "+a"(rax) : "b"(base) : "memory");
	GUEST_SYNC(rax);
	rax = P_RAX;	/* 66 0f be 43 08 */
	MMIO_ASM(mmio_sx_bw, "movsbw 0x8(%%rbx), %%ax", : "+a"(rax) : "b"(base) : "memory");
	GUEST_SYNC(rax);
	r12 = P_R12;	/* 66 44 0f b6 63 09 */
	MMIO_ASM(mmio_zx_bw_r12, "movzbw 0x9(%%rbx), %%r12w",
		 : "+r"(r12) : "b"(base) : "memory");
	GUEST_SYNC(r12);
	r12 = P_R12;	/* 4c 0f bf 63 0a */
	MMIO_ASM(mmio_sx_wq_r12, "movswq 0xa(%%rbx), %%r12",
		 : "+r"(r12) : "b"(base) : "memory");
	GUEST_SYNC(r12);
	rsi = P_RSI;	/* 0f be 73 0c */
	MMIO_ASM(mmio_sx_bl_esi, "movsbl 0xc(%%rbx), %%esi", : "+S"(rsi) : "b"(base) : "memory");
	GUEST_SYNC(rsi);
	rsi = P_RSI;	/* 48 0f b7 73 0e */
	MMIO_ASM(mmio_zx_wq_rsi, "movzwq 0xe(%%rbx), %%rsi", : "+S"(rsi) : "b"(base) : "memory");
	GUEST_SYNC(rsi);
	GUEST_DONE();
}

TEST_F(mmio, movzx_movsx)
{
	const struct mmio_step steps[] = {
		STEP_R(mmio_zx_bl, 0x0, 1, 0x80, 0x80, 0),
		STEP_R(mmio_zx_wl_r12, 0x2, 2, 0x8001, 0x8001, 0),
		STEP_R(mmio_sx_bq, 0x4, 1, 0x80, 0xffffffffffffff80ULL, 0),
		STEP_R(mmio_sx_wl, 0x6, 2, 0x8000, 0x00000000ffff8000ULL, 0),
		/* A 16-bit destination keeps bits 63:16. */
		STEP_R(mmio_sx_bw, 0x8, 1, 0x80, 0x112233445566ff80ULL, 0),
		STEP_R(mmio_zx_bw_r12, 0x9, 1, 0xff, 0xa1a2a3a4a5a600ffULL, 0),
		STEP_R(mmio_sx_wq_r12, 0xa, 2, 0x8000, 0xffffffffffff8000ULL, 0),
		STEP_R(mmio_sx_bl_esi, 0xc, 1, 0xff, 0x00000000ffffffffULL, 0),
		STEP_R(mmio_zx_wq_rsi, 0xe, 2, 0xffff, 0xffffULL, 0),
	};

	self->vcpu = vm_add_vcpu(self->vm, 0, guest_movx);
	ASSERT_NE(NULL, self->vcpu);
	run_steps(_metadata, self->vcpu, steps, ARRAY_SIZE(steps));
}

/* ---------------------------------------------------------------------- */
/* Addressing forms: SIB, scaled index, disp8/disp32, no base, r12/r13     */
/* ---------------------------------------------------------------------- */

extern char mmio_am_sib[], mmio_am_sib_d8[], mmio_am_sib_d32[], mmio_am_neg_d8[],
	mmio_am_nobase[], mmio_am_r12[], mmio_am_r13[], mmio_am_r13_r14[],
	mmio_am_ld_sib[];

GUEST_CODE static void guest_addressing(void)
{
	register uint64_t r12 asm("r12");
	register uint64_t r13 asm("r13");
	register uint64_t r14 asm("r14");
	register uint64_t r9 asm("r9");
	uint64_t base = MMIO_GPA;

	/* 89 04 cb */
	MMIO_ASM(mmio_am_sib, "movl %%eax, (%%rbx,%%rcx,8)",
		 : : "a"(P_RAX), "b"(base), "c"(2ULL) : "memory");
	/* 89 44 8b 18 */
	MMIO_ASM(mmio_am_sib_d8, "movl %%eax, 0x18(%%rbx,%%rcx,4)",
		 : : "a"(P_RAX), "b"(base), "c"(2ULL) : "memory");
	/* 89 84 4b 00 10 00 00 */
	MMIO_ASM(mmio_am_sib_d32, "movl %%eax, 0x1000(%%rbx,%%rcx,2)",
		 : : "a"(P_RAX), "b"(base), "c"(2ULL) : "memory");
	/* 89 47 f0 */
	MMIO_ASM(mmio_am_neg_d8, "movl %%eax, -0x10(%%rdi)",
		 : : "a"(P_RAX), "D"(base + 0x100) : "memory");
	/* 89 04 d5 40 00 00 00: no base, index * 8 + disp32 */
	MMIO_ASM(mmio_am_nobase, "movl %%eax, 0x40(,%%rdx,8)",
		 : : "a"(P_RAX), "d"((base + 0x300) / 8) : "memory");
	/* 41 89 04 24 */
	r12 = base + 0x400;
	MMIO_ASM(mmio_am_r12, "movl %%eax, (%%r12)", : : "a"(P_RAX), "r"(r12) : "memory");
	/* 41 89 45 00 */
	r13 = base + 0x408;
	MMIO_ASM(mmio_am_r13, "movl %%eax, (%%r13)", : : "a"(P_RAX), "r"(r13) : "memory");
	/* 43 89 44 75 10: REX.X and REX.B */
	r13 = base + 0x408;
	r14 = 4;
	MMIO_ASM(mmio_am_r13_r14, "movl %%eax, 0x10(%%r13,%%r14,2)",
		 : : "a"(P_RAX), "r"(r13), "r"(r14) : "memory");
	/* 4e 8b 4c f3 08: REX.W, .R, .X: load into r9 through a SIB */
	r9 = P_RAX;
	r14 = 0x100;
	MMIO_ASM(mmio_am_ld_sib, "movq 0x8(%%rbx,%%r14,8), %%r9",
		 : "+r"(r9) : "b"(base), "r"(r14) : "memory");
	GUEST_SYNC(r9);
	GUEST_DONE();
}

TEST_F(mmio, addressing_forms)
{
	const struct mmio_step steps[] = {
		STEP_W(mmio_am_sib, 0x10, 4, 0x55667788),
		STEP_W(mmio_am_sib_d8, 0x20, 4, 0x55667788),
		STEP_W(mmio_am_sib_d32, 0x1004, 4, 0x55667788),
		STEP_W(mmio_am_neg_d8, 0xf0, 4, 0x55667788),
		STEP_W(mmio_am_nobase, 0x340, 4, 0x55667788),
		STEP_W(mmio_am_r12, 0x400, 4, 0x55667788),
		STEP_W(mmio_am_r13, 0x408, 4, 0x55667788),
		STEP_W(mmio_am_r13_r14, 0x420, 4, 0x55667788),
		STEP_R(mmio_am_ld_sib, 0x808, 8, 0x0badc0ffee0ddf00ULL,
		       0x0badc0ffee0ddf00ULL, 0),
	};

	self->vcpu = vm_add_vcpu(self->vm, 0, guest_addressing);
	ASSERT_NE(NULL, self->vcpu);
	run_steps(_metadata, self->vcpu, steps, ARRAY_SIZE(steps));
}

/* ---------------------------------------------------------------------- */
/* RIP-relative: ModRM mod=00 rm=101 in 64-bit mode                         */
/* ---------------------------------------------------------------------- */

extern char mmio_rip_st[], mmio_rip_ld[], mmio_rip_imm32[], mmio_rip_imm8[];

/* rel32 = target - end of the instruction ("1:" right after it). */
#define RIP_REL32(off)	".long " MMIO_RIP_GPA_STR " + " #off " - 1f\n\t"

GUEST_CODE static void guest_rip_relative(void)
{
	register uint64_t r12 asm("r12");

	/* 89 05 <rel32>: movl %eax, target(%rip) */
	MMIO_ASM(mmio_rip_st, ".byte 0x89, 0x05\n\t" RIP_REL32(0) "1:",
		 : : "a"(P_RAX) : "memory");
	/* 4c 8b 25 <rel32>: movq target+8(%rip), %r12 */
	r12 = P_R12;
	MMIO_ASM(mmio_rip_ld, ".byte 0x4c, 0x8b, 0x25\n\t" RIP_REL32(8) "1:",
		 : "+r"(r12) : : "memory");
	GUEST_SYNC(r12);
	/* c7 05 <rel32> <imm32>: rel32 counts from after the immediate */
	MMIO_ASM(mmio_rip_imm32, ".byte 0xc7, 0x05\n\t" RIP_REL32(0x10)
		 ".long 0xa5a5f00d\n1:", : : : "memory");
	/* c6 05 <rel32> <imm8> */
	MMIO_ASM(mmio_rip_imm8, ".byte 0xc6, 0x05\n\t" RIP_REL32(0x18)
		 ".byte 0x3c\n1:", : : : "memory");
	GUEST_DONE();
}

TEST_F(mmio, rip_relative)
{
	const uint64_t d = MMIO_RIP_GPA - MMIO_GPA;	/* STEP_* add MMIO_GPA */
	const struct mmio_step steps[] = {
		STEP_W(mmio_rip_st, d + 0x0, 4, 0x55667788),
		STEP_R(mmio_rip_ld, d + 0x8, 8, 0x1020304050607080ULL,
		       0x1020304050607080ULL, 0),
		STEP_W(mmio_rip_imm32, d + 0x10, 4, 0xa5a5f00d),
		STEP_W(mmio_rip_imm8, d + 0x18, 1, 0x3c),
	};

	self->vcpu = vm_add_vcpu(self->vm, 0, guest_rip_relative);
	ASSERT_NE(NULL, self->vcpu);
	run_steps(_metadata, self->vcpu, steps, ARRAY_SIZE(steps));
}

/* ---------------------------------------------------------------------- */
/* MOV with a 64-bit absolute address (moffs): A0-A3                       */
/* ---------------------------------------------------------------------- */

extern char mmio_mo_st_eax[], mmio_mo_ld_al[], mmio_mo_ld_rax[], mmio_mo_st_ax[];

GUEST_CODE static void guest_moffs(void)
{
	uint64_t rax;

	/* a3 <8-byte address> */
	MMIO_ASM(mmio_mo_st_eax, "movabsl %%eax, 0xd0000100", : : "a"(P_RAX) : "memory");
	rax = P_RAX;	/* a0 <8-byte address> */
	MMIO_ASM(mmio_mo_ld_al, "movabsb 0xd0000108, %%al", : "+a"(rax) : : "memory");
	GUEST_SYNC(rax);
	rax = P_RAX;	/* 48 a1 <8-byte address> */
	MMIO_ASM(mmio_mo_ld_rax, "movabsq 0xd0000110, %%rax", : "+a"(rax) : : "memory");
	GUEST_SYNC(rax);
	/* 66 a3 <8-byte address> */
	MMIO_ASM(mmio_mo_st_ax, "movabsw %%ax, 0xd0000118", : : "a"(P_RAX) : "memory");
	GUEST_DONE();
}

TEST_F(mmio, moffs_absolute)
{
	const struct mmio_step steps[] = {
		STEP_W(mmio_mo_st_eax, 0x100, 4, 0x55667788),
		STEP_R(mmio_mo_ld_al, 0x108, 1, 0x42, 0x1122334455667742ULL, 0),
		STEP_R(mmio_mo_ld_rax, 0x110, 8, 0x8000000000000001ULL,
		       0x8000000000000001ULL, 0),
		STEP_W(mmio_mo_st_ax, 0x118, 2, 0x7788),
	};

	self->vcpu = vm_add_vcpu(self->vm, 0, guest_moffs);
	ASSERT_NE(NULL, self->vcpu);
	run_steps(_metadata, self->vcpu, steps, ARRAY_SIZE(steps));
}

/* ---------------------------------------------------------------------- */
/* Instructions the decoder does not handle                                */
/* ---------------------------------------------------------------------- */

extern char mmio_bad_add[], mmio_bad_lock_inc[];

GUEST_CODE static void guest_add_to_mmio(void)
{
	/* 83 00 01: a read-modify-write */
	asm volatile(".globl mmio_bad_add\nmmio_bad_add:\n\t"
		     "addl $1, (%%rax)" : : "a"(MMIO_GPA + 0x40) : "memory");
	GUEST_FAIL("addl to MMIO went on");
}

GUEST_CODE static void guest_lock_inc_mmio(void)
{
	/* f0 ff 00 */
	asm volatile(".globl mmio_bad_lock_inc\nmmio_bad_lock_inc:\n\t"
		     "lock incl (%%rax)" : : "a"(MMIO_GPA + 0x44) : "memory");
	GUEST_FAIL("lock incl on MMIO went on");
}

/* The guest stops with an EMULATION internal error, the instruction not done. */
static void check_unsupported(struct __test_metadata *_metadata, struct mvm_vm *vm,
			      void *guest_fn, const char *insn)
{
	struct mvm_vcpu *vcpu = vm_add_vcpu(vm, 0, guest_fn);
	struct minivmm_regs regs;
	struct minivmm_run *run;
	unsigned int i;

	ASSERT_NE(NULL, vcpu);
	run = vcpu->run;
	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_INTERNAL_ERROR);
	TH_LOG("suberror %u ndata %u", run->internal.suberror, run->internal.ndata);
	for (i = 0; i < run->internal.ndata && i < 6; i++)
		TH_LOG("  data[%u] = 0x%llx", i, (unsigned long long)run->internal.data[i]);
	EXPECT_EQ(MINIVMM_INTERNAL_ERROR_EMULATION, run->internal.suberror);
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &regs));
	/* Not emulated, so not skipped either: RIP still at the instruction. */
	EXPECT_EQ((uintptr_t)insn, regs.rip);
}

TEST_F(mmio, unsupported_add_is_emulation_error)
{
	check_unsupported(_metadata, self->vm, guest_add_to_mmio, mmio_bad_add);
}

TEST_F(mmio, unsupported_lock_inc_is_emulation_error)
{
	check_unsupported(_metadata, self->vm, guest_lock_inc_mmio, mmio_bad_lock_inc);
}

/* ---------------------------------------------------------------------- */
/* MMIO that is no instruction's data operand: nothing to emulate          */
/* ---------------------------------------------------------------------- */

extern char mmio_ud2[], mmio_walk_load[];

GUEST_CODE static void guest_ud2(void)
{
	asm volatile(".globl mmio_ud2\nmmio_ud2:\n\tud2");
	GUEST_FAIL("ud2 went on");
}

GUEST_CODE static void guest_call_mmio(void)
{
	((void (*)(void))(uintptr_t)MMIO_GPA)();
	GUEST_FAIL("code in MMIO ran");
}

GUEST_CODE static void guest_walk_load(void)
{
	uint32_t v;

	asm volatile(".globl mmio_walk_load\nmmio_walk_load:\n\t"
		     "movl (%%rax), %%ecx" : "=c"(v) : "a"(MMIO_GPA) : "memory");
	GUEST_ASSERT_EQ(0xdeadbeef, v);	/* not reached */
}

/*
 * Runs @vcpu once: it must stop with INTERNAL_ERROR @suberror for @gpa at
 * @rip, data[2] the event being delivered (@vectoring), and no MMIO exit
 * counted (nothing was emulated).
 */
static void check_not_data(struct __test_metadata *_metadata, struct mvm_vcpu *vcpu,
			   uint32_t suberror, uint64_t gpa, uint64_t vectoring,
			   uint64_t rip)
{
	struct minivmm_mem_stats before, after;
	struct minivmm_run *run = vcpu->run;
	struct minivmm_regs regs;
	unsigned int i;

	ASSERT_EQ(0, get_stats(vcpu->vm, &before));
	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_INTERNAL_ERROR);
	TH_LOG("suberror %u ndata %u", run->internal.suberror, run->internal.ndata);
	for (i = 0; i < run->internal.ndata && i < 6; i++)
		TH_LOG("  data[%u] = 0x%llx", i, (unsigned long long)run->internal.data[i]);
	ASSERT_EQ(suberror, run->internal.suberror);
	ASSERT_EQ(4, run->internal.ndata);
	EXPECT_EQ(gpa, run->internal.data[0]);
	EXPECT_EQ(vectoring, run->internal.data[2]);
	EXPECT_EQ(rip, run->internal.data[3]);
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &regs));
	EXPECT_EQ(rip, regs.rip);
	ASSERT_EQ(0, get_stats(vcpu->vm, &after));
	EXPECT_EQ(before.mmio_exits, after.mmio_exits);
}

/*
 * The IDT in MMIO: delivering the #UD reads gate 6 there. Before the
 * check, the ud2 at RIP was "emulated" as an MMIO access (an EMULATION
 * error at best, a wrong access and a skipped instruction at worst).
 */
TEST_F(mmio, event_delivery_through_mmio_is_delivery_error)
{
	struct minivmm_sregs sr;

	self->vcpu = vm_add_vcpu(self->vm, 0, guest_ud2);
	ASSERT_NE(NULL, self->vcpu);
	ASSERT_EQ(0, vcpu_get_sregs(self->vcpu, &sr));
	sr.idt.base = MMIO_GPA;
	ASSERT_EQ(0, vcpu_set_sregs(self->vcpu, &sr));
	/* Valid, hardware exception (type 3), vector 6, no error code. */
	check_not_data(_metadata, self->vcpu, MINIVMM_INTERNAL_ERROR_DELIVERY_EV,
		       MMIO_GPA + 6 * 16, 0x80000306, (uintptr_t)mmio_ud2);
}

/* A jump into MMIO: an instruction fetch, no operand to emulate. */
TEST_F(mmio, fetch_from_mmio_is_not_data)
{
	self->vcpu = vm_add_vcpu(self->vm, 0, guest_call_mmio);
	ASSERT_NE(NULL, self->vcpu);
	check_not_data(_metadata, self->vcpu, MINIVMM_INTERNAL_ERROR_MMIO_NOT_DATA,
		       MMIO_GPA, 0, MMIO_GPA);
}

/*
 * The guest's page table for MMIO_GPA's 2 MiB lies in MMIO: the load's
 * page walk reads the PTE there (EPT: guest linear address valid, not its
 * translation). Emulating the load as a data access would have made an
 * MMIO exit at the PTE's address.
 */
TEST_F(mmio, page_walk_through_mmio_is_not_data)
{
	uint64_t *pde, pt = MMIO_GPA + 0x10000;

	ASSERT_FALSE(vm_is_guest_mem(self->vm, (void *)(uintptr_t)pt, 0x1000));
	self->vcpu = vm_add_vcpu(self->vm, 0, guest_walk_load);
	ASSERT_NE(NULL, self->vcpu);
	/* The four page directories map 0-4 GiB: entry MMIO_GPA >> 21. */
	pde = (uint64_t *)(self->vm->sys + MVM_SYS_PD) + (MMIO_GPA >> 21);
	/* Today a 2 MiB identity leaf (PS, bit 7). */
	ASSERT_EQ(MMIO_GPA | 0x80, *pde & 0x000ffffffffff080ULL);
	*pde = pt | 0x3;	/* present, writable, PS clear: a page table */
	check_not_data(_metadata, self->vcpu, MINIVMM_INTERNAL_ERROR_MMIO_NOT_DATA,
		       pt, 0, (uintptr_t)mmio_walk_load);
}

TEST_HARNESS_MAIN
