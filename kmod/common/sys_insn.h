/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of the system instructions a backend intercepts, for CPUs that
 * report neither the next RIP nor the operands on an exit (AMD-V without
 * NRIPS and decode assists, as QEMU's TCG emulates it): the instruction's
 * length, and for MOV to/from CRn and DRn, CLTS and LMSW which control or
 * debug register and which general-purpose register. Prefixes and REX are
 * handled; the ModRM of MOV CR/DR is always a register operand (mod is
 * ignored, as by the CPU). Kernel-free: unit-tested in userspace.
 */
#ifndef MINIVMM_COMMON_SYS_INSN_H
#define MINIVMM_COMMON_SYS_INSN_H

#include "pure.h"
#include "insn_decode.h"

/**
 * enum minivmm_sys_op - the instructions minivmm_sys_insn_decode() knows
 * @MINIVMM_SYS_OTHER: anything else.
 * @MINIVMM_SYS_CPUID: 0F A2.
 * @MINIVMM_SYS_HLT: F4.
 * @MINIVMM_SYS_RDMSR: 0F 32.
 * @MINIVMM_SYS_WRMSR: 0F 30.
 * @MINIVMM_SYS_RDPMC: 0F 33.
 * @MINIVMM_SYS_INVD: 0F 08.
 * @MINIVMM_SYS_WBINVD: 0F 09.
 * @MINIVMM_SYS_VMMCALL: 0F 01 D9.
 * @MINIVMM_SYS_VMCALL: 0F 01 C1 (Intel's hypercall instruction).
 * @MINIVMM_SYS_XSETBV: 0F 01 D1.
 * @MINIVMM_SYS_MOV_TO_CR: 0F 22 /r (LOCK with CR0 means CR8).
 * @MINIVMM_SYS_MOV_FROM_CR: 0F 20 /r.
 * @MINIVMM_SYS_MOV_TO_DR: 0F 23 /r.
 * @MINIVMM_SYS_MOV_FROM_DR: 0F 21 /r.
 * @MINIVMM_SYS_CLTS: 0F 06.
 * @MINIVMM_SYS_LMSW: 0F 01 /6.
 */
enum minivmm_sys_op {
	MINIVMM_SYS_OTHER,
	MINIVMM_SYS_CPUID,
	MINIVMM_SYS_HLT,
	MINIVMM_SYS_RDMSR,
	MINIVMM_SYS_WRMSR,
	MINIVMM_SYS_RDPMC,
	MINIVMM_SYS_INVD,
	MINIVMM_SYS_WBINVD,
	MINIVMM_SYS_VMMCALL,
	MINIVMM_SYS_VMCALL,
	MINIVMM_SYS_XSETBV,
	MINIVMM_SYS_MOV_TO_CR,
	MINIVMM_SYS_MOV_FROM_CR,
	MINIVMM_SYS_MOV_TO_DR,
	MINIVMM_SYS_MOV_FROM_DR,
	MINIVMM_SYS_CLTS,
	MINIVMM_SYS_LMSW,
};

/**
 * struct minivmm_sys_insn - a decoded system instruction
 * @op: which one (MINIVMM_SYS_*).
 * @len: its length in bytes, prefixes included.
 * @ctl: the control or debug register of a MOV CR/DR (REX.R applied;
 *	LOCK MOV CR0 gives 8).
 * @gpr: the general-purpose register of a MOV CR/DR, or of a register
 *	LMSW (x86 numbering, REX.B applied).
 * @mem: LMSW with a memory operand (@gpr is not used then).
 */
struct minivmm_sys_insn {
	__u8 op;
	__u8 len;
	__u8 ctl;
	__u8 gpr;
	bool mem;
};

int minivmm_sys_insn_decode(const __u8 *bytes, __u32 n,
			    enum minivmm_cpu_mode mode,
			    struct minivmm_sys_insn *out);

#endif /* MINIVMM_COMMON_SYS_INSN_H */
