/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of the instruction behind an MMIO exit (an EPT violation
 * outside every memory slot gives no length and no operands) and the
 * arithmetic that completes it: the MOV family drivers use for device
 * registers (88/89/8A/8B/C6/C7, A0-A3 moffs, MOVZX/MOVSX 0F B6/B7/BE/BF)
 * with prefixes, REX, ModRM, SIB and displacements, in 16-, 32- and
 * 64-bit code. Anything else is refused. Kernel-free: unit-tested in
 * userspace.
 */
#ifndef MINIVMM_INSN_DECODE_H
#define MINIVMM_INSN_DECODE_H

#include "pure.h"

/* The architectural limit on an instruction's length. */
#define MINIVMM_INSN_MAX_LEN	15

/* @base or @index of struct minivmm_mmio_insn when there is none. */
#define MINIVMM_INSN_NO_REG	0xff

/* Segment registers, numbered as in the SDM (and the VMCS). */
#define MINIVMM_SEG_ES		0
#define MINIVMM_SEG_CS		1
#define MINIVMM_SEG_SS		2
#define MINIVMM_SEG_DS		3
#define MINIVMM_SEG_FS		4
#define MINIVMM_SEG_GS		5

/**
 * enum minivmm_cpu_mode - the code the guest runs, for default sizes
 * @MINIVMM_MODE_REAL16: real mode (or virtual-8086): 16-bit operands and
 *	addresses.
 * @MINIVMM_MODE_PROT16: protected mode, CS.D = 0: 16-bit defaults.
 * @MINIVMM_MODE_PROT32: protected mode (or compatibility mode), CS.D = 1:
 *	32-bit defaults.
 * @MINIVMM_MODE_LONG64: 64-bit mode (EFER.LMA = 1 and CS.L = 1): 32-bit
 *	operands, 64-bit addresses, REX prefixes.
 *
 * The caller picks it from CR0.PE, EFER.LMA, CS.L and CS.D.
 */
enum minivmm_cpu_mode {
	MINIVMM_MODE_REAL16,
	MINIVMM_MODE_PROT16,
	MINIVMM_MODE_PROT32,
	MINIVMM_MODE_LONG64,
};

/**
 * enum minivmm_insn_ext - how a load is widened into its register
 * @MINIVMM_EXT_NONE: not widened (MOV): the register is @size bytes.
 * @MINIVMM_EXT_ZERO: zero-extended to @dst_size bytes (MOVZX).
 * @MINIVMM_EXT_SIGN: sign-extended to @dst_size bytes (MOVSX).
 */
enum minivmm_insn_ext {
	MINIVMM_EXT_NONE,
	MINIVMM_EXT_ZERO,
	MINIVMM_EXT_SIGN,
};

/**
 * struct minivmm_mmio_insn - a decoded memory-accessing MOV
 * @len: the instruction's length in bytes, prefixes included: RIP
 *	advances by this much once the access is done.
 * @size: bytes of memory accessed: 1, 2, 4 or 8.
 * @is_write: true for a store (register or immediate to memory), false
 *	for a load.
 * @reg: the general-purpose register loaded or stored, in the x86
 *	numbering (rax 0, rcx 1, rdx 2, rbx 3, rsp 4, rbp 5, rsi 6, rdi 7,
 *	r8-r15 8-15). For AH, CH, DH and BH it is the register that holds
 *	them (0-3) and @high8 is set. 0 (unused) for immediate stores.
 * @high8: the operand is bits 15:8 of @reg (AH, CH, DH, BH: ModRM reg
 *	4-7 with a byte operand and no REX prefix).
 * @has_imm: an immediate store (C6, C7): the data is @imm, not a register.
 * @imm: the immediate, masked to @size bytes (C7 with REX.W: the 32-bit
 *	immediate sign-extended to 64 bits).
 * @ext: MOVZX/MOVSX widening of a load, or none.
 * @dst_size: the register's width for MOVZX/MOVSX (2, 4 or 8); @size
 *	otherwise.
 * @op_size: the effective operand size (2, 4 or 8) from the mode, 0x66 and
 *	REX.W, whatever the opcode's width.
 * @addr_size: the effective address size (2, 4 or 8) from the mode and 0x67.
 * @opcode: the opcode: one byte, or 0x0fXX for the two-byte ones.
 * @rex: the REX prefix in force (0 for none).
 * @seg: the segment the access goes through (MINIVMM_SEG_*): an override
 *	prefix, else SS for rSP/rBP-based addresses, else DS. In 64-bit mode
 *	only FS and GS overrides count (the others are ignored, as by the CPU).
 * @modrm: the ModRM byte (0 for the moffs forms A0-A3).
 * @sib: the SIB byte, when @has_sib.
 * @has_modrm: the instruction has a ModRM byte (all but A0-A3).
 * @has_sib: the instruction has a SIB byte.
 * @rip_relative: the address is RIP (EIP with 0x67) of the next
 *	instruction plus @disp (64-bit mode, ModRM mod 00 rm 101).
 * @base: the base register (x86 numbering, REX.B applied), or
 *	MINIVMM_INSN_NO_REG.
 * @index: the index register (REX.X applied), or MINIVMM_INSN_NO_REG.
 * @scale: the index's multiplier: 1, 2, 4 or 8.
 * @disp: the displacement sign-extended to 64 bits; for the moffs forms
 *	the absolute offset, zero-extended.
 *
 * The address fields let the kernel recompute the guest's linear address
 * (minivmm_insn_mem_offset()) and check it against the faulting one.
 */
struct minivmm_mmio_insn {
	__u8 len;
	__u8 size;
	bool is_write;
	__u8 reg;
	bool high8;
	bool has_imm;
	__u64 imm;
	enum minivmm_insn_ext ext;
	__u8 dst_size;
	__u8 op_size;
	__u8 addr_size;
	__u16 opcode;
	__u8 rex;
	__u8 seg;
	__u8 modrm;
	__u8 sib;
	bool has_modrm;
	bool has_sib;
	bool rip_relative;
	__u8 base;
	__u8 index;
	__u8 scale;
	__u64 disp;
};

/**
 * minivmm_insn_decode() - decode the MOV that touched MMIO
 * @bytes: the instruction's bytes, fetched at the guest's RIP.
 * @avail: how many of @bytes could be fetched (more than 15 is fine; the
 *	rest are ignored).
 * @mode: the guest's code size.
 * @out: the decoded instruction; zeroed on error.
 *
 * Accepts 88, 89, 8A, 8B, C6 /0, C7 /0, A0-A3 and 0F B6/B7/BE/BF with a
 * memory operand, after any of the prefixes 66, 67, 26, 2E, 36, 3E, 64,
 * 65 and (64-bit mode) REX. A REX prefix counts only right before the
 * opcode; one followed by another prefix is ignored, as by the CPU.
 *
 * Return: 0; -EINVAL for any other instruction, a register-only form
 * (ModRM mod 11), a LOCK or REP/REPNE prefix, or an unknown @mode;
 * -ENODATA when the instruction runs past @avail bytes (fetch more and
 * retry); -E2BIG when it would be longer than 15 bytes (the CPU raises
 * #GP for it).
 */
int minivmm_insn_decode(const __u8 *bytes, unsigned int avail,
			enum minivmm_cpu_mode mode,
			struct minivmm_mmio_insn *out);

/**
 * minivmm_insn_mem_offset() - the effective address of the memory operand
 * @in: a decoded instruction.
 * @gprs: the guest's general-purpose registers, x86 numbering (rax 0 ..
 *	r15 15).
 * @rip: the guest's RIP at the instruction (its first prefix).
 *
 * Return: base + index * scale + displacement (or RIP-relative, or the
 * moffs offset), truncated to the address size. This is the offset within
 * segment @in->seg: the caller adds that segment's base to get the linear
 * address.
 */
__u64 minivmm_insn_mem_offset(const struct minivmm_mmio_insn *in,
			      const __u64 gprs[16], __u64 rip);

/**
 * minivmm_mmio_complete_read() - the register's value after an MMIO load
 * @in: the decoded load.
 * @old_reg: the register's full 64-bit value before (the whole of RAX..
 *	RBX for AH..BH).
 * @data: the bytes read, little-endian in the low @in->size bytes; higher
 *	bits are ignored.
 *
 * The loaded value is zero- or sign-extended to @in->dst_size for MOVZX/
 * MOVSX, then written at the register's width: 8 bits keep bits 63:8
 * (bits 63:16 and 7:0 for AH..BH), 16 bits keep bits 63:16, 32 bits zero
 * bits 63:32 (as in 64-bit mode; in other modes those bits are not
 * visible), 64 bits replace it all.
 *
 * Return: the new 64-bit value of register @in->reg.
 */
__u64 minivmm_mmio_complete_read(const struct minivmm_mmio_insn *in,
				 __u64 old_reg, __u64 data);

/**
 * minivmm_mmio_store_value() - the data an MMIO store writes
 * @in: the decoded store.
 * @reg_value: the full 64-bit value of register @in->reg (ignored for
 *	immediate stores).
 *
 * Return: the immediate, or the register's low @in->size bytes (bits 15:8
 * for AH..BH), zero-extended to 64 bits.
 */
__u64 minivmm_mmio_store_value(const struct minivmm_mmio_insn *in,
			       __u64 reg_value);

#endif /* MINIVMM_INSN_DECODE_H */
