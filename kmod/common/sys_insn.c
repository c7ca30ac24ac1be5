// SPDX-License-Identifier: GPL-2.0
/*
 * Length and operands of the system instructions a backend intercepts
 * (see sys_insn.h). Kernel-free.
 */
#include "sys_insn.h"

#define MAX_INSN_LEN	15

static bool is_legacy_prefix(__u8 b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	default:
		return false;
	}
}

/*
 * Bytes taken by a memory ModRM operand after the ModRM byte itself (SIB
 * and displacement), for @addr_size 2, 4 or 8; -1 when @n runs out.
 */
static int modrm_mem_extra(const __u8 *b, __u32 n, __u32 at, __u8 modrm,
			   int addr_size)
{
	__u8 mod = modrm >> 6, rm = modrm & 7;
	int extra = 0;

	if (addr_size == 2) {
		if (mod == 0 && rm == 6)
			return 2;
		return mod == 1 ? 1 : mod == 2 ? 2 : 0;
	}
	if (rm == 4) {			/* SIB */
		if (at >= n)
			return -1;
		extra = 1;
		if (mod == 0 && (b[at] & 7) == 5)
			extra += 4;
	} else if (mod == 0 && rm == 5) {
		extra = 4;		/* disp32 (RIP-relative in 64-bit mode) */
	}
	if (mod == 1)
		extra += 1;
	else if (mod == 2)
		extra += 4;
	return extra;
}

/**
 * minivmm_sys_insn_decode() - decode a system instruction
 * @bytes: the instruction's bytes as fetched at the guest's RIP.
 * @n: how many were fetched (up to 15).
 * @mode: the guest's code: default operand and address sizes, REX.
 * @out: the instruction, with @out->op MINIVMM_SYS_OTHER when it is none
 *	of those known.
 *
 * Return: 0; -EINVAL when the bytes end before the instruction does (or
 * it would be longer than 15 bytes).
 */
int minivmm_sys_insn_decode(const __u8 *bytes, __u32 n,
			    enum minivmm_cpu_mode mode,
			    struct minivmm_sys_insn *out)
{
	bool lock = false, addr_override = false;
	__u8 rex = 0, op, modrm;
	__u32 i = 0;
	int addr_size, extra;

	memset(out, 0, sizeof(*out));
	if (n > MAX_INSN_LEN)
		n = MAX_INSN_LEN;
	while (i < n && is_legacy_prefix(bytes[i])) {
		if (bytes[i] == 0xf0)
			lock = true;
		if (bytes[i] == 0x67)
			addr_override = true;
		i++;
	}
	if (mode == MINIVMM_MODE_LONG64 && i < n && (bytes[i] & 0xf0) == 0x40)
		rex = bytes[i++];
	if (i >= n)
		return -EINVAL;
	op = bytes[i++];
	if (op == 0xf4) {
		out->op = MINIVMM_SYS_HLT;
		out->len = i;
		return 0;
	}
	if (op != 0x0f) {
		out->len = i;
		return 0;
	}
	if (i >= n)
		return -EINVAL;
	op = bytes[i++];
	switch (op) {
	case 0xa2:
		out->op = MINIVMM_SYS_CPUID;
		break;
	case 0x32:
		out->op = MINIVMM_SYS_RDMSR;
		break;
	case 0x30:
		out->op = MINIVMM_SYS_WRMSR;
		break;
	case 0x33:
		out->op = MINIVMM_SYS_RDPMC;
		break;
	case 0x08:
		out->op = MINIVMM_SYS_INVD;
		break;
	case 0x09:
		out->op = MINIVMM_SYS_WBINVD;
		break;
	case 0x06:
		out->op = MINIVMM_SYS_CLTS;
		break;
	case 0x20: case 0x21: case 0x22: case 0x23:
		if (i >= n)
			return -EINVAL;
		modrm = bytes[i++];
		out->op = op == 0x20 ? MINIVMM_SYS_MOV_FROM_CR :
			  op == 0x21 ? MINIVMM_SYS_MOV_FROM_DR :
			  op == 0x22 ? MINIVMM_SYS_MOV_TO_CR : MINIVMM_SYS_MOV_TO_DR;
		out->ctl = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);
		out->gpr = (modrm & 7) | ((rex & 1) ? 8 : 0);
		if (lock && (op == 0x20 || op == 0x22) && out->ctl == 0)
			out->ctl = 8;
		break;
	case 0x01:
		if (i >= n)
			return -EINVAL;
		modrm = bytes[i++];
		if (modrm == 0xd9) {
			out->op = MINIVMM_SYS_VMMCALL;
		} else if (modrm == 0xc1) {
			out->op = MINIVMM_SYS_VMCALL;
		} else if (modrm == 0xd1) {
			out->op = MINIVMM_SYS_XSETBV;
		} else if (((modrm >> 3) & 7) == 6) {
			out->op = MINIVMM_SYS_LMSW;
			if ((modrm >> 6) == 3) {
				out->gpr = (modrm & 7) | ((rex & 1) ? 8 : 0);
				break;
			}
			out->mem = true;
			addr_size = mode == MINIVMM_MODE_LONG64 ? 8 :
				    mode == MINIVMM_MODE_PROT32 ? 4 : 2;
			if (addr_override)
				addr_size = addr_size == 8 ? 4 : addr_size == 4 ? 2 : 4;
			extra = modrm_mem_extra(bytes, n, i, modrm, addr_size);
			if (extra < 0)
				return -EINVAL;
			i += extra;
		}
		break;
	default:
		break;
	}
	if (i > n)
		return -EINVAL;
	out->len = i;
	return 0;
}
