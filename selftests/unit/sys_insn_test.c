// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kmod/common/sys_insn.c: length and operands of the system
 * instructions an AMD-V backend without NRIPS or decode assists must
 * decode itself. Encodings from GNU as and objdump -d unless marked
 * "hand-made".
 */
#include "unit.h"
#include "common/sys_insn.h"

#define L64	MINIVMM_MODE_LONG64
#define P32	MINIVMM_MODE_PROT32
#define R16	MINIVMM_MODE_REAL16

#define B(...)	.b = { __VA_ARGS__ }, .n = sizeof((__u8[]){ __VA_ARGS__ })

struct sys_enc {
	const char *text;
	enum minivmm_cpu_mode mode;
	__u8 b[16];
	__u8 n;
	enum minivmm_sys_op op;
	__u8 len, ctl, gpr;
	bool mem;
};

static const struct sys_enc sys_encs[] = {
	{ "cpuid", L64, B(0x0f, 0xa2), MINIVMM_SYS_CPUID, 2 },
	{ "data16 cpuid (hand-made)", L64, B(0x66, 0x0f, 0xa2), MINIVMM_SYS_CPUID, 3 },
	{ "hlt", P32, B(0xf4), MINIVMM_SYS_HLT, 1 },
	{ "rep hlt (hand-made)", R16, B(0xf3, 0xf4), MINIVMM_SYS_HLT, 2 },
	{ "rdmsr", L64, B(0x0f, 0x32), MINIVMM_SYS_RDMSR, 2 },
	{ "wrmsr", L64, B(0x0f, 0x30), MINIVMM_SYS_WRMSR, 2 },
	{ "rex.w wrmsr (hand-made)", L64, B(0x48, 0x0f, 0x30), MINIVMM_SYS_WRMSR, 3 },
	{ "rdpmc", P32, B(0x0f, 0x33), MINIVMM_SYS_RDPMC, 2 },
	{ "invd", L64, B(0x0f, 0x08), MINIVMM_SYS_INVD, 2 },
	{ "wbinvd", L64, B(0x0f, 0x09), MINIVMM_SYS_WBINVD, 2 },
	{ "vmmcall", L64, B(0x0f, 0x01, 0xd9), MINIVMM_SYS_VMMCALL, 3 },
	{ "vmcall", P32, B(0x0f, 0x01, 0xc1), MINIVMM_SYS_VMCALL, 3 },
	{ "xsetbv", L64, B(0x0f, 0x01, 0xd1), MINIVMM_SYS_XSETBV, 3 },
	{ "clts", R16, B(0x0f, 0x06), MINIVMM_SYS_CLTS, 2 },
	{ "mov %rax,%cr0", L64, B(0x0f, 0x22, 0xc0), MINIVMM_SYS_MOV_TO_CR, 3, 0, 0 },
	{ "mov %cr4,%rbx", L64, B(0x0f, 0x20, 0xe3), MINIVMM_SYS_MOV_FROM_CR, 3, 4, 3 },
	{ "mov %r9,%cr8", L64, B(0x45, 0x0f, 0x22, 0xc1), MINIVMM_SYS_MOV_TO_CR, 4, 8, 9 },
	{ "mov %cr8,%rcx", L64, B(0x44, 0x0f, 0x20, 0xc1), MINIVMM_SYS_MOV_FROM_CR, 4, 8, 1 },
	{ "lock mov %eax,%cr0 (CR8)", P32, B(0xf0, 0x0f, 0x22, 0xc0),
	  MINIVMM_SYS_MOV_TO_CR, 4, 8, 0 },
	{ "mov %eax,%cr3 with mod 00 (hand-made)", P32, B(0x0f, 0x22, 0x18),
	  MINIVMM_SYS_MOV_TO_CR, 3, 3, 0 },
	{ "mov %db7,%rax", L64, B(0x0f, 0x21, 0xf8), MINIVMM_SYS_MOV_FROM_DR, 3, 7, 0 },
	{ "mov %rdx,%db0", L64, B(0x0f, 0x23, 0xc2), MINIVMM_SYS_MOV_TO_DR, 3, 0, 2 },
	{ "mov %r15,%db1", L64, B(0x41, 0x0f, 0x23, 0xcf), MINIVMM_SYS_MOV_TO_DR, 4, 1, 15 },
	{ "lmsw %ax", P32, B(0x0f, 0x01, 0xf0), MINIVMM_SYS_LMSW, 3, 0, 0 },
	{ "lmsw %si", R16, B(0x0f, 0x01, 0xf6), MINIVMM_SYS_LMSW, 3, 0, 6 },
	{ "lmsw (%rax)", L64, B(0x0f, 0x01, 0x30), MINIVMM_SYS_LMSW, 3, .mem = 1 },
	{ "lmsw 0x10(%rbx,%rcx,4)", L64, B(0x0f, 0x01, 0x74, 0x8b, 0x10),
	  MINIVMM_SYS_LMSW, 5, .mem = 1 },
	{ "lmsw 0x12345678", P32, B(0x0f, 0x01, 0x35, 0x78, 0x56, 0x34, 0x12),
	  MINIVMM_SYS_LMSW, 7, .mem = 1 },
	{ "lmsw 0x12345678(,%eax,1)", P32,
	  B(0x0f, 0x01, 0x34, 0x05, 0x78, 0x56, 0x34, 0x12), MINIVMM_SYS_LMSW, 8, .mem = 1 },
	{ "lmsw 0x1234 (16-bit)", R16, B(0x0f, 0x01, 0x36, 0x34, 0x12),
	  MINIVMM_SYS_LMSW, 5, .mem = 1 },
	{ "lmsw 0x8(%bx,%si) (16-bit)", R16, B(0x0f, 0x01, 0x70, 0x08),
	  MINIVMM_SYS_LMSW, 4, .mem = 1 },
	{ "addr32 lmsw (%eax) in 16-bit code", R16, B(0x67, 0x0f, 0x01, 0x30),
	  MINIVMM_SYS_LMSW, 4, .mem = 1 },
	{ "nop", L64, B(0x90), MINIVMM_SYS_OTHER, 1 },
	{ "dec %eax then cpuid: no REX outside 64-bit mode", P32,
	  B(0x48, 0x0f, 0xa2), MINIVMM_SYS_OTHER, 1 },
	{ "sgdt (%rax): another 0f 01", L64, B(0x0f, 0x01, 0x00), MINIVMM_SYS_OTHER, 3 },
};

UNIT_TEST(sys_insn_known_encodings)
{
	size_t i;

	for (i = 0; i < MINIVMM_ARRAY_SIZE(sys_encs); i++) {
		const struct sys_enc *e = &sys_encs[i];
		struct minivmm_sys_insn in;
		int r = minivmm_sys_insn_decode(e->b, e->n, e->mode, &in);

		if (r || in.op != e->op || in.len != e->len ||
		    (e->op != MINIVMM_SYS_OTHER &&
		     (in.ctl != e->ctl || in.gpr != e->gpr || in.mem != e->mem))) {
			printf("#   %s: r %d op %u len %u ctl %u gpr %u mem %d\n",
			       e->text, r, in.op, in.len, in.ctl, in.gpr, in.mem);
			CHECK(0);
		}
	}
}

UNIT_TEST(sys_insn_truncated_or_too_long)
{
	static const __u8 two[] = { 0x0f, 0x22 };
	static const __u8 pfx[15] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
				      0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66 };
	static const __u8 sib[] = { 0x0f, 0x01, 0x34, 0x05, 0x78 };
	struct minivmm_sys_insn in;

	CHECK_EQ(minivmm_sys_insn_decode(two, 1, L64, &in), -EINVAL);
	CHECK_EQ(minivmm_sys_insn_decode(two, 2, L64, &in), -EINVAL);
	CHECK_EQ(minivmm_sys_insn_decode(two, 0, L64, &in), -EINVAL);
	/* Fifteen prefixes leave no room for an opcode. */
	CHECK_EQ(minivmm_sys_insn_decode(pfx, 15, L64, &in), -EINVAL);
	/* The disp32 after the SIB byte is cut short. */
	CHECK_EQ(minivmm_sys_insn_decode(sib, sizeof(sib), P32, &in), -EINVAL);
}
