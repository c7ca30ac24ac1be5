// SPDX-License-Identifier: GPL-2.0
/*
 * The instruction behind an MMIO exit: decoding of the MOV family that
 * device drivers use (SDM vol. 2, chapter 2: prefixes, REX, ModRM, SIB,
 * displacement, immediate) and the register arithmetic that completes a
 * load or produces a store's data. Kernel-free: unit-tested in userspace.
 */
#include "insn_decode.h"

#define REX_W	0x08
#define REX_R	0x04
#define REX_X	0x02
#define REX_B	0x01

/* The 16-bit register numbers used by the 16-bit ModRM table. */
#define R_BX	3
#define R_BP	5
#define R_SI	6
#define R_DI	7
#define R_NONE	MINIVMM_INSN_NO_REG

struct insn_cursor {
	const __u8 *bytes;
	unsigned int avail;
	unsigned int pos;
};

static __u64 size_mask(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static __u64 sign_extend(__u64 v, unsigned int size)
{
	unsigned int shift = 64 - 8 * size;

	return (__u64)((__s64)(v << shift) >> shift);
}

/* Takes the next @n bytes as a little-endian number. */
static int take(struct insn_cursor *c, unsigned int n, __u64 *v)
{
	__u64 r = 0;
	unsigned int i;

	if (c->pos + n > MINIVMM_INSN_MAX_LEN)
		return -E2BIG;
	if (c->pos + n > c->avail)
		return -ENODATA;
	for (i = 0; i < n; i++)
		r |= (__u64)c->bytes[c->pos + i] << (8 * i);
	c->pos += n;
	*v = r;
	return 0;
}

static int take_byte(struct insn_cursor *c, __u8 *b)
{
	__u64 v;
	int err = take(c, 1, &v);

	if (!err)
		*b = (__u8)v;
	return err;
}

/* 16-bit addressing: ModRM rm -> base and index (SDM vol. 2, table 2-1). */
static const __u8 base16[8] = { R_BX, R_BX, R_BP, R_BP, R_SI, R_DI, R_BP, R_BX };
static const __u8 index16[8] = { R_SI, R_DI, R_SI, R_DI, R_NONE, R_NONE,
				 R_NONE, R_NONE };

/*
 * ModRM (and SIB, displacement) of an instruction with a memory operand:
 * fills @out's reg (ModRM.reg with REX.R) and address fields. -EINVAL for
 * mod 11, a register operand.
 */
static int decode_modrm(struct insn_cursor *c, enum minivmm_cpu_mode mode,
			struct minivmm_mmio_insn *out)
{
	__u8 rex = out->rex;
	unsigned int disp_len = 0;
	__u8 mod, rm;
	__u64 disp;
	int err;

	err = take_byte(c, &out->modrm);
	if (err)
		return err;
	out->has_modrm = true;
	mod = out->modrm >> 6;
	rm = out->modrm & 7;
	out->reg = ((out->modrm >> 3) & 7) | (rex & REX_R ? 8 : 0);
	if (mod == 3)
		return -EINVAL;

	if (out->addr_size == 2) {
		if (mod == 0 && rm == 6) {
			disp_len = 2;		/* disp16, no base */
		} else {
			out->base = base16[rm];
			out->index = index16[rm];
		}
		if (mod == 1)
			disp_len = 1;
		else if (mod == 2)
			disp_len = 2;
	} else {
		if (rm == 4) {
			__u8 sib, idx;

			err = take_byte(c, &sib);
			if (err)
				return err;
			out->sib = sib;
			out->has_sib = true;
			out->scale = 1 << (sib >> 6);
			idx = ((sib >> 3) & 7) | (rex & REX_X ? 8 : 0);
			if (idx != 4)		/* 100 without REX.X: none */
				out->index = idx;
			if ((sib & 7) == 5 && mod == 0)
				disp_len = 4;	/* disp32, no base */
			else
				out->base = (sib & 7) | (rex & REX_B ? 8 : 0);
		} else if (rm == 5 && mod == 0) {
			disp_len = 4;		/* disp32: absolute or RIP + */
			out->rip_relative = mode == MINIVMM_MODE_LONG64;
		} else {
			out->base = rm | (rex & REX_B ? 8 : 0);
		}
		if (mod == 1)
			disp_len = 1;
		else if (mod == 2)
			disp_len = 4;
	}

	if (disp_len) {
		err = take(c, disp_len, &disp);
		if (err)
			return err;
		out->disp = sign_extend(disp, disp_len);
	}
	if (out->base == 4 || out->base == 5)	/* rSP or rBP based */
		out->seg = MINIVMM_SEG_SS;
	return 0;
}

/* The immediate of C6/C7: imm8, imm16 or imm32 (sign-extended for 64). */
static int decode_imm(struct insn_cursor *c, struct minivmm_mmio_insn *out)
{
	unsigned int n = out->size > 4 ? 4 : out->size;
	__u64 imm;
	int err;

	err = take(c, n, &imm);
	if (err)
		return err;
	out->has_imm = true;
	out->imm = sign_extend(imm, n) & size_mask(out->size);
	return 0;
}

/* The two-byte opcodes 0F xx: MOVZX and MOVSX. */
static int decode_0f(struct insn_cursor *c, enum minivmm_cpu_mode mode,
		     struct minivmm_mmio_insn *out)
{
	__u8 op2;
	int err;

	err = take_byte(c, &op2);
	if (err)
		return err;
	out->opcode = 0x0f00 | op2;
	switch (op2) {
	case 0xb6:	/* MOVZX r, r/m8 */
	case 0xb7:	/* MOVZX r, r/m16 */
	case 0xbe:	/* MOVSX r, r/m8 */
	case 0xbf:	/* MOVSX r, r/m16 */
		break;
	default:
		return -EINVAL;
	}
	err = decode_modrm(c, mode, out);
	if (err)
		return err;
	out->size = op2 & 1 ? 2 : 1;
	out->dst_size = out->op_size;
	out->ext = op2 & 8 ? MINIVMM_EXT_SIGN : MINIVMM_EXT_ZERO;
	return 0;
}

static int decode_opcode(struct insn_cursor *c, enum minivmm_cpu_mode mode,
			 __u8 op, struct minivmm_mmio_insn *out)
{
	__u64 moffs;
	int err;

	switch (op) {
	case 0x88:	/* MOV r/m8, r8 */
	case 0x89:	/* MOV r/m, r */
	case 0x8a:	/* MOV r8, r/m8 */
	case 0x8b:	/* MOV r, r/m */
		err = decode_modrm(c, mode, out);
		if (err)
			return err;
		out->is_write = !(op & 2);
		out->size = op & 1 ? out->op_size : 1;
		if (out->size == 1 && !out->rex && out->reg >= 4) {
			out->reg -= 4;	/* AH, CH, DH, BH */
			out->high8 = true;
		}
		return 0;
	case 0xc6:	/* MOV r/m8, imm8 */
	case 0xc7:	/* MOV r/m, imm16/32 */
		/* Only /0 is MOV (C6 F8, C7 F8 are XABORT, XBEGIN). */
		if (c->pos < c->avail && c->pos < MINIVMM_INSN_MAX_LEN &&
		    (c->bytes[c->pos] >> 3) & 7)
			return -EINVAL;
		err = decode_modrm(c, mode, out);
		if (err)
			return err;
		out->reg = 0;
		out->is_write = true;
		out->size = op & 1 ? out->op_size : 1;
		return decode_imm(c, out);
	case 0xa0:	/* MOV AL, moffs8 */
	case 0xa1:	/* MOV rAX, moffs */
	case 0xa2:	/* MOV moffs8, AL */
	case 0xa3:	/* MOV moffs, rAX */
		err = take(c, out->addr_size, &moffs);
		if (err)
			return err;
		out->disp = moffs;
		out->reg = 0;
		out->is_write = op & 2;
		out->size = op & 1 ? out->op_size : 1;
		return 0;
	case 0x0f:
		return decode_0f(c, mode, out);
	default:
		return -EINVAL;
	}
}

static int decode(const __u8 *bytes, unsigned int avail,
		  enum minivmm_cpu_mode mode, struct minivmm_mmio_insn *out)
{
	struct insn_cursor c = { .bytes = bytes, .avail = avail };
	bool long64 = mode == MINIVMM_MODE_LONG64;
	bool opsize_prefix = false, addrsize_prefix = false;
	int seg = -1;
	__u8 b;
	int err;

	if (mode != MINIVMM_MODE_REAL16 && mode != MINIVMM_MODE_PROT16 &&
	    mode != MINIVMM_MODE_PROT32 && !long64)
		return -EINVAL;

	/* Legacy prefixes, in any order; REX counts only last of all. */
	for (;;) {
		err = take_byte(&c, &b);
		if (err)
			return err;
		if (long64 && (b & 0xf0) == 0x40) {
			out->rex = b;
			continue;
		}
		switch (b) {
		case 0x66:
			opsize_prefix = true;
			break;
		case 0x67:
			addrsize_prefix = true;
			break;
		case 0x26:
			seg = MINIVMM_SEG_ES;
			break;
		case 0x2e:
			seg = MINIVMM_SEG_CS;
			break;
		case 0x36:
			seg = MINIVMM_SEG_SS;
			break;
		case 0x3e:
			seg = MINIVMM_SEG_DS;
			break;
		case 0x64:
			seg = MINIVMM_SEG_FS;
			break;
		case 0x65:
			seg = MINIVMM_SEG_GS;
			break;
		case 0xf0:	/* LOCK: #UD with MOV */
		case 0xf2:	/* REPNE */
		case 0xf3:	/* REP */
			return -EINVAL;
		default:
			goto opcode;
		}
		out->rex = 0;	/* a REX before a legacy prefix is ignored */
	}

opcode:
	if (long64) {
		if (out->rex & REX_W)
			out->op_size = 8;
		else
			out->op_size = opsize_prefix ? 2 : 4;
		out->addr_size = addrsize_prefix ? 4 : 8;
	} else if (mode == MINIVMM_MODE_PROT32) {
		out->op_size = opsize_prefix ? 2 : 4;
		out->addr_size = addrsize_prefix ? 2 : 4;
	} else {
		out->op_size = opsize_prefix ? 4 : 2;
		out->addr_size = addrsize_prefix ? 4 : 2;
	}
	out->opcode = b;
	out->base = R_NONE;
	out->index = R_NONE;
	out->scale = 1;
	out->seg = MINIVMM_SEG_DS;

	err = decode_opcode(&c, mode, b, out);
	if (err)
		return err;

	if (seg >= 0 && (!long64 || seg == MINIVMM_SEG_FS ||
			 seg == MINIVMM_SEG_GS))
		out->seg = seg;
	if (out->ext == MINIVMM_EXT_NONE)
		out->dst_size = out->size;
	out->len = c.pos;
	return 0;
}

int minivmm_insn_decode(const __u8 *bytes, unsigned int avail,
			enum minivmm_cpu_mode mode,
			struct minivmm_mmio_insn *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = decode(bytes, avail, mode, out);
	if (err)
		memset(out, 0, sizeof(*out));
	return err;
}

__u64 minivmm_insn_mem_offset(const struct minivmm_mmio_insn *in,
			      const __u64 gprs[16], __u64 rip)
{
	__u64 ea = in->disp;

	if (in->rip_relative)
		ea += rip + in->len;
	if (in->base < 16)
		ea += gprs[in->base];
	if (in->index < 16)
		ea += gprs[in->index] * in->scale;
	return ea & size_mask(in->addr_size);
}

__u64 minivmm_mmio_complete_read(const struct minivmm_mmio_insn *in,
				 __u64 old_reg, __u64 data)
{
	unsigned int width = in->size;
	__u64 v = data & size_mask(in->size);

	if (in->ext != MINIVMM_EXT_NONE) {
		if (in->ext == MINIVMM_EXT_SIGN)
			v = sign_extend(v, in->size);
		width = in->dst_size;
	}

	switch (width) {
	case 1:
		if (in->high8)
			return (old_reg & ~0xff00ull) | ((v & 0xff) << 8);
		return (old_reg & ~0xffull) | (v & 0xff);
	case 2:
		return (old_reg & ~0xffffull) | (v & 0xffff);
	case 4:
		return v & 0xffffffffull;	/* a 32-bit write zero-extends */
	default:
		return v;
	}
}

__u64 minivmm_mmio_store_value(const struct minivmm_mmio_insn *in,
			       __u64 reg_value)
{
	if (in->has_imm)
		return in->imm & size_mask(in->size);
	if (in->high8)
		reg_value >>= 8;
	return reg_value & size_mask(in->size);
}
