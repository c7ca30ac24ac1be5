// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kmod/common/insn_decode.c: decoding of the MOVs behind
 * MMIO exits and their completion. The encodings are real: assembled with
 * GNU as (.code64/.code32/.code16) and read back with objdump -d, unless
 * marked "hand-made" (prefix orders and forms as does not emit).
 */
#include "unit.h"
#include "common/insn_decode.h"

#define L64	MINIVMM_MODE_LONG64
#define P32	MINIVMM_MODE_PROT32
#define P16	MINIVMM_MODE_PROT16
#define R16	MINIVMM_MODE_REAL16

#define B(...)	.b = { __VA_ARGS__ }, .n = sizeof((__u8[]){ __VA_ARGS__ })

/* Guest registers during the effective-address checks: rax 0x..100, ... */
#define HI		0xa5a5000000000000ull
#define G(i)		(HI + ((__u64)(i) + 1) * 0x100)
#define M32(x)		((__u64)(x) & 0xffffffffull)
#define M16(x)		((__u64)(x) & 0xffffull)
#define RIP		0xffffffff81001000ull

/* Expected segment, shifted by one so that 0 means "the default, DS". */
#define SEG(s)		((s) + 1)

struct enc {
	const char *text;
	enum minivmm_cpu_mode mode;
	__u8 b[16];
	__u8 n;
	__u8 len, size, reg, dst_size, seg;
	bool w, high8, has_imm, rip;
	enum minivmm_insn_ext ext;
	__u64 imm;
	__u64 ea;
};

#define ZX	MINIVMM_EXT_ZERO
#define SX	MINIVMM_EXT_SIGN
#define SS	SEG(MINIVMM_SEG_SS)

static const struct enc encs[] = {
	/* 64-bit mode */
	{ "mov %eax,(%rdi)", L64, B(0x89, 0x07),
	  .len = 2, .size = 4, .w = 1, .reg = 0, .ea = G(7) },
	{ "mov (%rsi),%rcx", L64, B(0x48, 0x8b, 0x0e),
	  .len = 3, .size = 8, .reg = 1, .ea = G(6) },
	{ "movb $0x12,0x10(%rbx)", L64, B(0xc6, 0x43, 0x10, 0x12),
	  .len = 4, .size = 1, .w = 1, .has_imm = 1, .imm = 0x12,
	  .ea = G(3) + 0x10 },
	{ "movl $0x12345678,-8(%rbp,%rcx,4)", L64,
	  B(0xc7, 0x44, 0x8d, 0xf8, 0x78, 0x56, 0x34, 0x12),
	  .len = 8, .size = 4, .w = 1, .has_imm = 1, .imm = 0x12345678,
	  .seg = SS, .ea = G(5) + G(1) * 4 - 8 },
	{ "movq $-1,(%rax)", L64, B(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff),
	  .len = 7, .size = 8, .w = 1, .has_imm = 1,
	  .imm = 0xffffffffffffffffull, .ea = G(0) },
	{ "movq $-2,(%rax) (hand-made)", L64,
	  B(0x48, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff),
	  .len = 7, .size = 8, .w = 1, .has_imm = 1,
	  .imm = 0xfffffffffffffffeull, .ea = G(0) },
	{ "movw $0x1234,(%rdx)", L64, B(0x66, 0xc7, 0x02, 0x34, 0x12),
	  .len = 5, .size = 2, .w = 1, .has_imm = 1, .imm = 0x1234,
	  .ea = G(2) },
	{ "mov %r12d,0x100(%r13)", L64,
	  B(0x45, 0x89, 0xa5, 0x00, 0x01, 0x00, 0x00),
	  .len = 7, .size = 4, .w = 1, .reg = 12, .ea = G(13) + 0x100 },
	{ "movzbl (%rax),%r9d", L64, B(0x44, 0x0f, 0xb6, 0x08),
	  .len = 4, .size = 1, .reg = 9, .ext = ZX, .dst_size = 4,
	  .ea = G(0) },
	{ "movsbq (%rcx),%rax", L64, B(0x48, 0x0f, 0xbe, 0x01),
	  .len = 4, .size = 1, .reg = 0, .ext = SX, .dst_size = 8,
	  .ea = G(1) },
	{ "movzwl 0x2(%rsi),%edx", L64, B(0x0f, 0xb7, 0x56, 0x02),
	  .len = 4, .size = 2, .reg = 2, .ext = ZX, .dst_size = 4,
	  .ea = G(6) + 2 },
	{ "movswl (%rdi),%ebx", L64, B(0x0f, 0xbf, 0x1f),
	  .len = 3, .size = 2, .reg = 3, .ext = SX, .dst_size = 4,
	  .ea = G(7) },
	{ "movzwq (%r8,%r9,2),%r10", L64, B(0x4f, 0x0f, 0xb7, 0x14, 0x48),
	  .len = 5, .size = 2, .reg = 10, .ext = ZX, .dst_size = 8,
	  .ea = G(8) + G(9) * 2 },
	{ "movsbw (%rax),%cx", L64, B(0x66, 0x0f, 0xbe, 0x08),
	  .len = 4, .size = 1, .reg = 1, .ext = SX, .dst_size = 2,
	  .ea = G(0) },
	{ "mov %ah,(%rbx)", L64, B(0x88, 0x23),
	  .len = 2, .size = 1, .w = 1, .reg = 0, .high8 = 1, .ea = G(3) },
	{ "mov (%rdx),%bh", L64, B(0x8a, 0x3a),
	  .len = 2, .size = 1, .reg = 3, .high8 = 1, .ea = G(2) },
	{ "mov %sil,(%rax)", L64, B(0x40, 0x88, 0x30),
	  .len = 3, .size = 1, .w = 1, .reg = 6, .ea = G(0) },
	{ "mov %dil,0x7f(%rax)", L64, B(0x40, 0x88, 0x78, 0x7f),
	  .len = 4, .size = 1, .w = 1, .reg = 7, .ea = G(0) + 0x7f },
	{ "mov %r15b,(%rax)", L64, B(0x44, 0x88, 0x38),
	  .len = 3, .size = 1, .w = 1, .reg = 15, .ea = G(0) },
	{ "mov 0x10(%r13,%r12,8),%r15b", L64,
	  B(0x47, 0x8a, 0x7c, 0xe5, 0x10),
	  .len = 5, .size = 1, .reg = 15, .ea = G(13) + G(12) * 8 + 0x10 },
	{ "mov 0x1000(%rip),%eax", L64, B(0x8b, 0x05, 0x00, 0x10, 0x00, 0x00),
	  .len = 6, .size = 4, .reg = 0, .rip = 1, .ea = RIP + 6 + 0x1000 },
	{ "mov -0x10(%rip),%rax (hand-made)", L64,
	  B(0x48, 0x8b, 0x05, 0xf0, 0xff, 0xff, 0xff),
	  .len = 7, .size = 8, .reg = 0, .rip = 1, .ea = RIP + 7 - 0x10 },
	{ "addr32 mov 0x1000(%eip),%eax (hand-made)", L64,
	  B(0x67, 0x8b, 0x05, 0x00, 0x10, 0x00, 0x00),
	  .len = 7, .size = 4, .reg = 0, .rip = 1,
	  .ea = M32(RIP + 7 + 0x1000) },
	{ "movl $0xfffffffe,0x100(%rip)", L64,
	  B(0xc7, 0x05, 0x00, 0x01, 0x00, 0x00, 0xfe, 0xff, 0xff, 0xff),
	  .len = 10, .size = 4, .w = 1, .has_imm = 1, .imm = 0xfffffffe,
	  .rip = 1, .ea = RIP + 10 + 0x100 },
	{ "movw $0x5,0x12345678(%rip)", L64,
	  B(0x66, 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12, 0x05, 0x00),
	  .len = 9, .size = 2, .w = 1, .has_imm = 1, .imm = 5, .rip = 1,
	  .ea = RIP + 9 + 0x12345678 },
	{ "mov %ecx,0x10(,%rbx,8)", L64,
	  B(0x89, 0x0c, 0xdd, 0x10, 0x00, 0x00, 0x00),
	  .len = 7, .size = 4, .w = 1, .reg = 1, .ea = G(3) * 8 + 0x10 },
	{ "mov 0x12345678,%eax (SIB, no base, no index)", L64,
	  B(0x8b, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12),
	  .len = 7, .size = 4, .reg = 0, .ea = 0x12345678 },
	{ "mov 0x8(%rbp,%riz,1),%ecx (hand-made: SIB base 101, mod 01)", L64,
	  B(0x8b, 0x4c, 0x25, 0x08),
	  .len = 4, .size = 4, .reg = 1, .seg = SS, .ea = G(5) + 8 },
	{ "mov %ebx,(%r12)", L64, B(0x41, 0x89, 0x1c, 0x24),
	  .len = 4, .size = 4, .w = 1, .reg = 3, .ea = G(12) },
	{ "mov 0x0(%r13),%eax", L64, B(0x41, 0x8b, 0x45, 0x00),
	  .len = 4, .size = 4, .reg = 0, .ea = G(13) },
	{ "mov %r8,(%rax,%r12,1)", L64, B(0x4e, 0x89, 0x04, 0x20),
	  .len = 4, .size = 8, .w = 1, .reg = 8, .ea = G(0) + G(12) },
	{ "mov (%rsp),%eax", L64, B(0x8b, 0x04, 0x24),
	  .len = 3, .size = 4, .reg = 0, .seg = SS, .ea = G(4) },
	{ "mov 0x0(%rbp),%ecx", L64, B(0x8b, 0x4d, 0x00),
	  .len = 3, .size = 4, .reg = 1, .seg = SS, .ea = G(5) },
	{ "movq $0x7fffffff,0x8(%rsp)", L64,
	  B(0x48, 0xc7, 0x44, 0x24, 0x08, 0xff, 0xff, 0xff, 0x7f),
	  .len = 9, .size = 8, .w = 1, .has_imm = 1, .imm = 0x7fffffff,
	  .seg = SS, .ea = G(4) + 8 },
	{ "mov %ax,(%rbx)", L64, B(0x66, 0x89, 0x03),
	  .len = 3, .size = 2, .w = 1, .reg = 0, .ea = G(3) },
	{ "movb $0xff,(%eax)", L64, B(0x67, 0xc6, 0x00, 0xff),
	  .len = 4, .size = 1, .w = 1, .has_imm = 1, .imm = 0xff,
	  .ea = M32(G(0)) },
	{ "mov %fs:0x28,%rax", L64,
	  B(0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00),
	  .len = 9, .size = 8, .reg = 0, .seg = SEG(MINIVMM_SEG_FS),
	  .ea = 0x28 },
	{ "mov %gs:(%rax),%edx", L64, B(0x65, 0x8b, 0x10),
	  .len = 3, .size = 4, .reg = 2, .seg = SEG(MINIVMM_SEG_GS),
	  .ea = G(0) },
	{ "ds mov (%rsp),%eax (hand-made: ignored in 64-bit mode)", L64,
	  B(0x3e, 0x8b, 0x04, 0x24),
	  .len = 4, .size = 4, .reg = 0, .seg = SS, .ea = G(4) },
	{ "movabs 0x1122334455667788,%eax", L64,
	  B(0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11),
	  .len = 9, .size = 4, .reg = 0, .ea = 0x1122334455667788ull },
	{ "movabs %rax,0x1122334455667788", L64,
	  B(0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11),
	  .len = 10, .size = 8, .w = 1, .reg = 0,
	  .ea = 0x1122334455667788ull },
	{ "movabs 0x1122334455667788,%al", L64,
	  B(0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11),
	  .len = 9, .size = 1, .reg = 0, .ea = 0x1122334455667788ull },
	{ "addr32 mov 0x11223344,%eax", L64,
	  B(0x67, 0xa1, 0x44, 0x33, 0x22, 0x11),
	  .len = 6, .size = 4, .reg = 0, .ea = 0x11223344 },
	{ "mov %ax,0x1122334455667788 (hand-made: 66 A3)", L64,
	  B(0x66, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11),
	  .len = 10, .size = 2, .w = 1, .reg = 0,
	  .ea = 0x1122334455667788ull },
	/* Prefix placement (hand-made): only a REX right before the opcode. */
	{ "rex.W data16 mov: REX ignored, 16-bit", L64,
	  B(0x48, 0x66, 0x89, 0x07),
	  .len = 4, .size = 2, .w = 1, .reg = 0, .ea = G(7) },
	{ "data16 rex.W mov: REX.W wins, 64-bit", L64,
	  B(0x66, 0x48, 0x89, 0x07),
	  .len = 4, .size = 8, .w = 1, .reg = 0, .ea = G(7) },
	{ "rex.B rex.W mov: only the last REX", L64,
	  B(0x41, 0x48, 0x89, 0x07),
	  .len = 4, .size = 8, .w = 1, .reg = 0, .ea = G(7) },
	{ "rex.R gs mov: REX ignored, gs kept", L64,
	  B(0x44, 0x65, 0x89, 0x07),
	  .len = 4, .size = 4, .w = 1, .reg = 0, .seg = SEG(MINIVMM_SEG_GS),
	  .ea = G(7) },
	{ "13 ds prefixes + mov: exactly 15 bytes", L64,
	  B(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
	    0x3e, 0x3e, 0x3e, 0x89, 0x07),
	  .len = 15, .size = 4, .w = 1, .reg = 0, .ea = G(7) },

	/* 32-bit protected mode */
	{ "mov %eax,(%edi)", P32, B(0x89, 0x07),
	  .len = 2, .size = 4, .w = 1, .reg = 0, .ea = M32(G(7)) },
	{ "mov 0x12345678,%ecx (disp32 absolute)", P32,
	  B(0x8b, 0x0d, 0x78, 0x56, 0x34, 0x12),
	  .len = 6, .size = 4, .reg = 1, .ea = 0x12345678 },
	{ "mov %ecx,0x12345678", P32, B(0x89, 0x0d, 0x78, 0x56, 0x34, 0x12),
	  .len = 6, .size = 4, .w = 1, .reg = 1, .ea = 0x12345678 },
	{ "movb $0x12,0x10(%ebx)", P32, B(0xc6, 0x43, 0x10, 0x12),
	  .len = 4, .size = 1, .w = 1, .has_imm = 1, .imm = 0x12,
	  .ea = M32(G(3) + 0x10) },
	{ "movl $0x12345678,-0x8(%ebp,%ecx,4)", P32,
	  B(0xc7, 0x44, 0x8d, 0xf8, 0x78, 0x56, 0x34, 0x12),
	  .len = 8, .size = 4, .w = 1, .has_imm = 1, .imm = 0x12345678,
	  .seg = SS, .ea = M32(G(5) + G(1) * 4 - 8) },
	{ "movw $0x1234,(%edx)", P32, B(0x66, 0xc7, 0x02, 0x34, 0x12),
	  .len = 5, .size = 2, .w = 1, .has_imm = 1, .imm = 0x1234,
	  .ea = M32(G(2)) },
	{ "mov %ah,(%ebx)", P32, B(0x88, 0x23),
	  .len = 2, .size = 1, .w = 1, .reg = 0, .high8 = 1,
	  .ea = M32(G(3)) },
	{ "movzbl (%eax),%ecx", P32, B(0x0f, 0xb6, 0x08),
	  .len = 3, .size = 1, .reg = 1, .ext = ZX, .dst_size = 4,
	  .ea = M32(G(0)) },
	{ "movswl 0x4(%esi),%edx", P32, B(0x0f, 0xbf, 0x56, 0x04),
	  .len = 4, .size = 2, .reg = 2, .ext = SX, .dst_size = 4,
	  .ea = M32(G(6) + 4) },
	{ "mov 0x10(,%eax,2),%edx", P32,
	  B(0x8b, 0x14, 0x45, 0x10, 0x00, 0x00, 0x00),
	  .len = 7, .size = 4, .reg = 2, .ea = M32(G(0) * 2 + 0x10) },
	{ "mov %dx,(%ecx)", P32, B(0x66, 0x89, 0x11),
	  .len = 3, .size = 2, .w = 1, .reg = 2, .ea = M32(G(1)) },
	{ "mov 0x11223344,%eax (A1)", P32, B(0xa1, 0x44, 0x33, 0x22, 0x11),
	  .len = 5, .size = 4, .reg = 0, .ea = 0x11223344 },
	{ "mov %eax,0x11223344 (A3)", P32, B(0xa3, 0x44, 0x33, 0x22, 0x11),
	  .len = 5, .size = 4, .w = 1, .reg = 0, .ea = 0x11223344 },
	{ "addr16 mov 0x1234,%eax (67 A1)", P32, B(0x67, 0xa1, 0x34, 0x12),
	  .len = 4, .size = 4, .reg = 0, .ea = 0x1234 },
	{ "addr16 mov (%bx,%si),%eax", P32, B(0x67, 0x8b, 0x00),
	  .len = 3, .size = 4, .reg = 0, .ea = M16(G(3) + G(6)) },
	{ "addr16 mov 0x1234,%ecx (mod 00 rm 110)", P32,
	  B(0x67, 0x8b, 0x0e, 0x34, 0x12),
	  .len = 5, .size = 4, .reg = 1, .ea = 0x1234 },
	{ "addr16 mov 0x0(%bp),%ecx", P32, B(0x67, 0x8b, 0x4e, 0x00),
	  .len = 4, .size = 4, .reg = 1, .seg = SS, .ea = M16(G(5)) },
	{ "addr16 mov -0x2(%bp,%si),%ecx", P32, B(0x67, 0x8b, 0x4a, 0xfe),
	  .len = 4, .size = 4, .reg = 1, .seg = SS,
	  .ea = M16(G(5) + G(6) - 2) },
	{ "addr16 movw $0x77,0x10(%bp,%di)", P32,
	  B(0x67, 0x66, 0xc7, 0x43, 0x10, 0x77, 0x00),
	  .len = 7, .size = 2, .w = 1, .has_imm = 1, .imm = 0x77,
	  .seg = SS, .ea = M16(G(5) + G(7) + 0x10) },
	{ "mov %es:(%eax),%eax", P32, B(0x26, 0x8b, 0x00),
	  .len = 3, .size = 4, .reg = 0, .seg = SEG(MINIVMM_SEG_ES),
	  .ea = M32(G(0)) },
	{ "mov %ss:(%eax),%eax (hand-made)", P32, B(0x36, 0x8b, 0x00),
	  .len = 3, .size = 4, .reg = 0, .seg = SS, .ea = M32(G(0)) },
	{ "mov %gs:0x4(%ebx),%al", P32, B(0x65, 0x8a, 0x43, 0x04),
	  .len = 4, .size = 1, .reg = 0, .seg = SEG(MINIVMM_SEG_GS),
	  .ea = M32(G(3) + 4) },

	/* 16-bit code (real mode and 16-bit protected mode) */
	{ "mov %ax,(%bx)", R16, B(0x89, 0x07),
	  .len = 2, .size = 2, .w = 1, .reg = 0, .ea = M16(G(3)) },
	{ "mov 0x1234,%ax (A1)", R16, B(0xa1, 0x34, 0x12),
	  .len = 3, .size = 2, .reg = 0, .ea = 0x1234 },
	{ "mov 0x1234,%cx (mod 00 rm 110)", R16, B(0x8b, 0x0e, 0x34, 0x12),
	  .len = 4, .size = 2, .reg = 1, .ea = 0x1234 },
	{ "mov 0x10(%bp),%cx", P16, B(0x8b, 0x4e, 0x10),
	  .len = 3, .size = 2, .reg = 1, .seg = SS, .ea = M16(G(5) + 0x10) },
	{ "movw $0x1234,0x0(%bp)", R16, B(0xc7, 0x46, 0x00, 0x34, 0x12),
	  .len = 5, .size = 2, .w = 1, .has_imm = 1, .imm = 0x1234,
	  .seg = SS, .ea = M16(G(5)) },
	{ "mov %eax,0x10(%bx,%si)", P16, B(0x66, 0x89, 0x40, 0x10),
	  .len = 4, .size = 4, .w = 1, .reg = 0,
	  .ea = M16(G(3) + G(6) + 0x10) },
	{ "movl $0x12345678,(%di)", R16,
	  B(0x66, 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12),
	  .len = 7, .size = 4, .w = 1, .has_imm = 1, .imm = 0x12345678,
	  .ea = M16(G(7)) },
	{ "addr32 mov (%eax),%ax", R16, B(0x67, 0x8b, 0x00),
	  .len = 3, .size = 2, .reg = 0, .ea = M32(G(0)) },
	{ "movzbw (%si),%ax", P16, B(0x0f, 0xb6, 0x04),
	  .len = 3, .size = 1, .reg = 0, .ext = ZX, .dst_size = 2,
	  .ea = M16(G(6)) },
};

static void fill_gprs(__u64 gprs[16])
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		gprs[i] = G(i);
}

static int check_enc(const struct enc *e, const struct minivmm_mmio_insn *in)
{
	__u8 dst = e->dst_size ? e->dst_size : e->size;
	__u8 seg = e->seg ? e->seg - 1 : MINIVMM_SEG_DS;
	__u64 gprs[16];
	int bad = 0;

	fill_gprs(gprs);
	bad |= in->len != e->len;
	bad |= in->size != e->size;
	bad |= in->is_write != e->w;
	bad |= in->high8 != e->high8;
	bad |= in->has_imm != e->has_imm;
	bad |= in->imm != e->imm;
	bad |= in->ext != e->ext;
	bad |= in->dst_size != dst;
	bad |= in->seg != seg;
	bad |= in->rip_relative != e->rip;
	if (!e->has_imm)
		bad |= in->reg != e->reg;
	bad |= minivmm_insn_mem_offset(in, gprs, RIP) != e->ea;
	if (bad)
		printf("#   %s: len %u size %u w %d reg %u high8 %d imm %d/0x%llx ext %d/%u seg %u rip %d ea 0x%llx\n",
		       e->text, in->len, in->size, in->is_write, in->reg,
		       in->high8, in->has_imm, (unsigned long long)in->imm,
		       in->ext, in->dst_size, in->seg, in->rip_relative,
		       (unsigned long long)minivmm_insn_mem_offset(in, gprs,
								   RIP));
	return bad;
}

UNIT_TEST(insn_decode_real_encodings)
{
	unsigned int i;

	CHECK(MINIVMM_ARRAY_SIZE(encs) >= 40);
	for (i = 0; i < MINIVMM_ARRAY_SIZE(encs); i++) {
		const struct enc *e = &encs[i];
		struct minivmm_mmio_insn in;
		int ret = minivmm_insn_decode(e->b, e->n, e->mode, &in);

		if (ret) {
			printf("#   %s: returned %d\n", e->text, ret);
			CHECK_EQ(ret, 0);
			continue;
		}
		CHECK_EQ(e->len, e->n);		/* the table is consistent */
		CHECK(!check_enc(e, &in));
	}
}

UNIT_TEST(insn_decode_ignores_bytes_after_the_instruction)
{
	unsigned int i;

	for (i = 0; i < MINIVMM_ARRAY_SIZE(encs); i++) {
		const struct enc *e = &encs[i];
		struct minivmm_mmio_insn in;
		__u8 buf[32];

		/* A fetch of 15 (or more) bytes, the rest being INT3s. */
		memset(buf, 0xcc, sizeof(buf));
		memcpy(buf, e->b, e->n);
		CHECK_EQ(minivmm_insn_decode(buf, 15, e->mode, &in), 0);
		CHECK_EQ(in.len, e->len);
		CHECK_EQ(minivmm_insn_decode(buf, sizeof(buf), e->mode, &in), 0);
		CHECK_EQ(in.len, e->len);
	}
}

UNIT_TEST(insn_decode_every_truncation_needs_more_bytes)
{
	unsigned int i, n;

	for (i = 0; i < MINIVMM_ARRAY_SIZE(encs); i++) {
		const struct enc *e = &encs[i];

		for (n = 0; n < e->n; n++) {
			struct minivmm_mmio_insn in;
			int ret = minivmm_insn_decode(e->b, n, e->mode, &in);

			if (ret != -ENODATA)
				printf("#   %s: %u bytes: %d\n", e->text, n, ret);
			CHECK_EQ(ret, -ENODATA);
			CHECK_EQ(in.len, 0);
		}
	}
}

struct bad {
	const char *text;
	enum minivmm_cpu_mode mode;
	__u8 b[16];
	__u8 n;
	int ret;
};

static const struct bad bads[] = {
	{ "add %eax,(%rdi)", L64, B(0x01, 0x07), -EINVAL },
	{ "lock mov %eax,(%rdi) (hand-made)", L64, B(0xf0, 0x89, 0x07),
	  -EINVAL },
	{ "rep movsl", L64, B(0xf3, 0xa5), -EINVAL },
	{ "movsl", P32, B(0xa5), -EINVAL },
	{ "repne mov %eax,(%rdi) (hand-made)", L64, B(0xf2, 0x89, 0x07),
	  -EINVAL },
	{ "xrelease mov %eax,(%rdi) (hand-made)", L64, B(0xf3, 0x89, 0x07),
	  -EINVAL },
	{ "mov %ecx,%eax", L64, B(0x89, 0xc8), -EINVAL },
	{ "mov %ecx,%eax (8B form)", L64, B(0x8b, 0xc1), -EINVAL },
	{ "mov %bl,%al (8A form, hand-made)", P32, B(0x8a, 0xc3), -EINVAL },
	{ "movzbl %al,%eax", L64, B(0x0f, 0xb6, 0xc0), -EINVAL },
	{ "mov $0x1,%eax (C7 /0 mod 11, hand-made)", L64,
	  B(0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00), -EINVAL },
	{ "mov $0x1,%eax (B8)", L64, B(0xb8, 0x01, 0x00, 0x00, 0x00), -EINVAL },
	{ "mov $0x1,%ah (B4)", L64, B(0xb4, 0x01), -EINVAL },
	{ "C7 /1 (hand-made)", L64, B(0xc7, 0x48, 0x08, 0x01, 0, 0, 0),
	  -EINVAL },
	{ "C7 /1, truncated (hand-made)", L64, B(0xc7, 0x48), -EINVAL },
	{ "xbegin", L64, B(0xc7, 0xf8, 0x00, 0x00, 0x00, 0x00), -EINVAL },
	{ "xabort $0x1", L64, B(0xc6, 0xf8, 0x01), -EINVAL },
	{ "xchg %eax,(%rdi)", L64, B(0x87, 0x07), -EINVAL },
	{ "movnti %eax,(%rdi)", L64, B(0x0f, 0xc3, 0x07), -EINVAL },
	{ "movslq (%rax),%rax", L64, B(0x48, 0x63, 0x00), -EINVAL },
	{ "lea 0x10(%rdi),%rax", L64, B(0x48, 0x8d, 0x47, 0x10), -EINVAL },
	{ "mov %eax,%ds", L64, B(0x8e, 0xd8), -EINVAL },
	{ "ud2", L64, B(0x0f, 0x0b), -EINVAL },
	{ "vmovd %xmm0,(%rdi) (VEX)", L64, B(0xc5, 0xf9, 0x7e, 0x07), -EINVAL },
	{ "dec %eax; mov %eax,(%edi): no REX in 32-bit mode", P32,
	  B(0x48, 0x89, 0x07), -EINVAL },
	{ "unknown mode", (enum minivmm_cpu_mode)7, B(0x89, 0x07), -EINVAL },
	{ "14 ds prefixes + mov: 16 bytes", L64,
	  B(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
	    0x3e, 0x3e, 0x3e, 0x3e, 0x89, 0x07), -E2BIG },
	{ "15 data16 prefixes", P32,
	  B(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x66, 0x66), -E2BIG },
	{ "7 ds + movl $imm32,disp32(%rsp): 18 bytes", L64,
	  B(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0xc7, 0x84, 0x24,
	    0x00, 0x01, 0x00, 0x00, 0x78), -E2BIG },
	{ "nothing fetched", L64, .n = 0, .ret = -ENODATA },
	{ "data16 alone", L64, B(0x66), -ENODATA },
	{ "0f alone", P32, B(0x0f), -ENODATA },
	{ "mov %eax,(%rsp) without its SIB", L64, B(0x89, 0x04), -ENODATA },
	{ "movabs %rax,moffs64 with 4 of 8 offset bytes", L64,
	  B(0x48, 0xa3, 0x88, 0x77, 0x66, 0x55), -ENODATA },
};

UNIT_TEST(insn_decode_refuses_and_truncations)
{
	unsigned int i;

	for (i = 0; i < MINIVMM_ARRAY_SIZE(bads); i++) {
		const struct bad *e = &bads[i];
		struct minivmm_mmio_insn in;
		int ret = minivmm_insn_decode(e->b, e->n, e->mode, &in);

		if (ret != e->ret)
			printf("#   %s: %d\n", e->text, ret);
		CHECK_EQ(ret, e->ret);
		CHECK_EQ(in.len, 0);		/* zeroed on error */
		CHECK_EQ(in.size, 0);
	}
}

UNIT_TEST(insn_decode_15_byte_limit_whatever_the_fetch)
{
	__u8 buf[20];
	struct minivmm_mmio_insn in;

	/* 14 prefixes and a 2-byte MOV, fetched in full: #GP, not "more". */
	memset(buf, 0x3e, sizeof(buf));
	buf[14] = 0x89;
	buf[15] = 0x07;
	CHECK_EQ(minivmm_insn_decode(buf, sizeof(buf), L64, &in), -E2BIG);
	/* 13 prefixes: fits. */
	CHECK_EQ(minivmm_insn_decode(buf + 1, sizeof(buf) - 1, L64, &in), 0);
	CHECK_EQ(in.len, 15);
}

UNIT_TEST(insn_decode_fields_of_rip_relative_and_sib)
{
	/* mov 0x1000(%rip),%eax */
	static const __u8 rip[] = { 0x8b, 0x05, 0x00, 0x10, 0x00, 0x00 };
	/* movl $0x12345678,-8(%rbp,%rcx,4) */
	static const __u8 sib[] = { 0xc7, 0x44, 0x8d, 0xf8,
				    0x78, 0x56, 0x34, 0x12 };
	/* mov %r8,(%rax,%r12,1) */
	static const __u8 rx[] = { 0x4e, 0x89, 0x04, 0x20 };
	/* mov 0x10(,%rbx,8): SIB, no base */
	static const __u8 nb[] = { 0x89, 0x0c, 0xdd, 0x10, 0x00, 0x00, 0x00 };
	struct minivmm_mmio_insn in;

	REQUIRE(!minivmm_insn_decode(rip, sizeof(rip), L64, &in));
	CHECK(in.rip_relative);
	CHECK(in.has_modrm);
	CHECK(!in.has_sib);
	CHECK_EQ(in.base, MINIVMM_INSN_NO_REG);
	CHECK_EQ(in.index, MINIVMM_INSN_NO_REG);
	CHECK_EQ(in.disp, 0x1000);
	CHECK_EQ(in.addr_size, 8);
	CHECK_EQ(in.op_size, 4);
	CHECK_EQ(in.opcode, 0x8b);

	/* The same bytes in 32-bit code: an absolute disp32. */
	REQUIRE(!minivmm_insn_decode(rip, sizeof(rip), P32, &in));
	CHECK(!in.rip_relative);
	CHECK_EQ(in.base, MINIVMM_INSN_NO_REG);
	CHECK_EQ(in.disp, 0x1000);
	CHECK_EQ(in.addr_size, 4);

	REQUIRE(!minivmm_insn_decode(sib, sizeof(sib), L64, &in));
	CHECK(in.has_sib);
	CHECK_EQ(in.sib, 0x8d);
	CHECK_EQ(in.base, 5);
	CHECK_EQ(in.index, 1);
	CHECK_EQ(in.scale, 4);
	CHECK_EQ(in.disp, (__u64)-8);
	CHECK_EQ(in.seg, MINIVMM_SEG_SS);

	REQUIRE(!minivmm_insn_decode(rx, sizeof(rx), L64, &in));
	CHECK_EQ(in.rex, 0x4e);
	CHECK_EQ(in.base, 0);
	CHECK_EQ(in.index, 12);		/* index 100 with REX.X: r12 */
	CHECK_EQ(in.scale, 1);
	CHECK_EQ(in.reg, 8);
	CHECK_EQ(in.op_size, 8);

	REQUIRE(!minivmm_insn_decode(nb, sizeof(nb), L64, &in));
	CHECK_EQ(in.base, MINIVMM_INSN_NO_REG);
	CHECK_EQ(in.index, 3);
	CHECK_EQ(in.scale, 8);
	CHECK_EQ(in.disp, 0x10);
}

UNIT_TEST(insn_decode_opcode_and_moffs_fields)
{
	/* movzwq (%r8,%r9,2),%r10 */
	static const __u8 mz[] = { 0x4f, 0x0f, 0xb7, 0x14, 0x48 };
	/* addr16 mov 0x1234,%eax in 32-bit code */
	static const __u8 mo[] = { 0x67, 0xa1, 0x34, 0x12 };
	struct minivmm_mmio_insn in;

	REQUIRE(!minivmm_insn_decode(mz, sizeof(mz), L64, &in));
	CHECK_EQ(in.opcode, 0x0fb7);
	CHECK_EQ(in.base, 8);
	CHECK_EQ(in.index, 9);
	CHECK_EQ(in.scale, 2);

	REQUIRE(!minivmm_insn_decode(mo, sizeof(mo), P32, &in));
	CHECK_EQ(in.opcode, 0xa1);
	CHECK(!in.has_modrm);
	CHECK_EQ(in.addr_size, 2);
	CHECK_EQ(in.disp, 0x1234);
	CHECK_EQ(in.base, MINIVMM_INSN_NO_REG);
}

static struct minivmm_mmio_insn dec(const __u8 *b, unsigned int n,
				    enum minivmm_cpu_mode mode)
{
	struct minivmm_mmio_insn in;

	if (minivmm_insn_decode(b, n, mode, &in))
		memset(&in, 0xee, sizeof(in));	/* fails the checks below */
	return in;
}

#define DEC(mode, ...)	dec((const __u8[]){ __VA_ARGS__ },		\
			    sizeof((const __u8[]){ __VA_ARGS__ }), mode)

#define ONES	0xffffffffffffffffull

UNIT_TEST(mmio_complete_read_widths)
{
	struct minivmm_mmio_insn in;

	in = DEC(L64, 0x8a, 0x03);			/* mov (%rbx),%al */
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0x12),
		 0xffffffffffffff12ull);
	in = DEC(L64, 0x8a, 0x23);			/* mov (%rbx),%ah */
	CHECK_EQ(in.reg, 0);
	CHECK(in.high8);
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0x34),
		 0xffffffffffff34ffull);
	CHECK_EQ(minivmm_mmio_complete_read(&in, 0, 0xab), 0xab00);
	in = DEC(L64, 0x66, 0x8b, 0x03);		/* mov (%rbx),%ax */
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0x1234),
		 0xffffffffffff1234ull);
	/* Bits beyond the access size are ignored. */
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0xdead1234),
		 0xffffffffffff1234ull);
	in = DEC(L64, 0x8b, 0x03);			/* mov (%rbx),%eax */
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0x12345678),
		 0x12345678);
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0xaaaaaaaa87654321ull),
		 0x87654321);
	in = DEC(L64, 0x48, 0x8b, 0x03);		/* mov (%rbx),%rax */
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0x1122334455667788ull),
		 0x1122334455667788ull);
	in = DEC(L64, 0x48, 0xa1, 0, 0, 0, 0, 0, 0, 0, 0); /* movabs */
	CHECK_EQ(minivmm_mmio_complete_read(&in, 0, 0x8000000000000000ull),
		 0x8000000000000000ull);
	in = DEC(P32, 0x8b, 0x03);			/* 32-bit code */
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0x12345678),
		 0x12345678);
	in = DEC(R16, 0x8b, 0x07);			/* mov (%bx),%ax */
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0x5678),
		 0xffffffffffff5678ull);
}

UNIT_TEST(mmio_complete_read_movzx_movsx)
{
	struct minivmm_mmio_insn in;

	in = DEC(L64, 0x0f, 0xb6, 0x03);		/* movzbl (%rbx),%eax */
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0x80), 0x80);
	in = DEC(L64, 0x0f, 0xbe, 0x03);		/* movsbl (%rbx),%eax */
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0x80), 0xffffff80);
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0x7f), 0x7f);
	in = DEC(L64, 0x48, 0x0f, 0xbe, 0x03);		/* movsbq */
	CHECK_EQ(minivmm_mmio_complete_read(&in, 0, 0x80),
		 0xffffffffffffff80ull);
	in = DEC(L64, 0x48, 0x0f, 0xb6, 0x03);		/* movzbq */
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0xff80), 0x80);
	in = DEC(L64, 0x66, 0x0f, 0xbe, 0x03);		/* movsbw (%rbx),%ax */
	CHECK_EQ(minivmm_mmio_complete_read(&in, 0x1111111111111111ull, 0x80),
		 0x111111111111ff80ull);
	in = DEC(L64, 0x66, 0x0f, 0xb6, 0x03);		/* movzbw (%rbx),%ax */
	CHECK_EQ(minivmm_mmio_complete_read(&in, 0xaaaaaaaaaaaaaaaaull, 0xff),
		 0xaaaaaaaaaaaa00ffull);
	in = DEC(L64, 0x0f, 0xbf, 0x03);		/* movswl (%rbx),%eax */
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0x8000), 0xffff8000);
	in = DEC(L64, 0x48, 0x0f, 0xbf, 0x03);		/* movswq */
	CHECK_EQ(minivmm_mmio_complete_read(&in, 0, 0x8000),
		 0xffffffffffff8000ull);
	in = DEC(L64, 0x0f, 0xb7, 0x03);		/* movzwl (%rbx),%eax */
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0xffff), 0xffff);
	in = DEC(L64, 0x4c, 0x0f, 0xb7, 0x03);		/* movzwq (%rbx),%r8 */
	CHECK_EQ(in.reg, 8);
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0xabcdffff), 0xffff);
	in = DEC(L64, 0x66, 0x0f, 0xbf, 0x03);		/* movsww: 16 -> 16 */
	CHECK_EQ(minivmm_mmio_complete_read(&in, ONES, 0x8001),
		 0xffffffffffff8001ull);
	in = DEC(P16, 0x0f, 0xbe, 0x04);		/* movsbw (%si),%ax */
	CHECK_EQ(minivmm_mmio_complete_read(&in, 0x12345678, 0xfe), 0x1234fffe);
}

UNIT_TEST(mmio_store_values)
{
	const __u64 r = 0x1122334455667788ull;
	struct minivmm_mmio_insn in;

	in = DEC(L64, 0x88, 0x23);			/* mov %ah,(%rbx) */
	CHECK_EQ(minivmm_mmio_store_value(&in, r), 0x77);
	in = DEC(L64, 0x88, 0x03);			/* mov %al,(%rbx) */
	CHECK_EQ(minivmm_mmio_store_value(&in, r), 0x88);
	in = DEC(L64, 0x88, 0x3b);			/* mov %bh,(%rbx) */
	CHECK_EQ(in.reg, 3);
	CHECK_EQ(minivmm_mmio_store_value(&in, r), 0x77);
	in = DEC(L64, 0x40, 0x88, 0x3b);		/* mov %dil,(%rbx) */
	CHECK_EQ(in.reg, 7);
	CHECK(!in.high8);
	CHECK_EQ(minivmm_mmio_store_value(&in, r), 0x88);
	in = DEC(L64, 0x66, 0x89, 0x03);		/* mov %ax,(%rbx) */
	CHECK_EQ(minivmm_mmio_store_value(&in, r), 0x7788);
	in = DEC(L64, 0x89, 0x03);			/* mov %eax,(%rbx) */
	CHECK_EQ(minivmm_mmio_store_value(&in, r), 0x55667788);
	in = DEC(L64, 0x48, 0x89, 0x03);		/* mov %rax,(%rbx) */
	CHECK_EQ(minivmm_mmio_store_value(&in, r), r);
	in = DEC(L64, 0xa2, 0, 0, 0, 0, 0, 0, 0, 0);	/* movabs %al,moffs */
	CHECK_EQ(minivmm_mmio_store_value(&in, r), 0x88);

	/* Immediates: the register is ignored. */
	in = DEC(L64, 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff);
	CHECK_EQ(minivmm_mmio_store_value(&in, r), ONES);
	in = DEC(L64, 0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80);
	CHECK_EQ(minivmm_mmio_store_value(&in, r), 0xffffffff80000000ull);
	in = DEC(L64, 0x48, 0xc7, 0x44, 0x24, 0x08, 0xff, 0xff, 0xff, 0x7f);
	CHECK_EQ(minivmm_mmio_store_value(&in, r), 0x7fffffff);
	in = DEC(L64, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff);
	CHECK_EQ(minivmm_mmio_store_value(&in, r), 0xfffffffe);
	in = DEC(L64, 0x66, 0xc7, 0x02, 0x34, 0x12);
	CHECK_EQ(minivmm_mmio_store_value(&in, r), 0x1234);
	in = DEC(L64, 0xc6, 0x43, 0x10, 0x80);
	CHECK_EQ(minivmm_mmio_store_value(&in, r), 0x80);
	in = DEC(R16, 0x66, 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12);
	CHECK_EQ(minivmm_mmio_store_value(&in, r), 0x12345678);
}
