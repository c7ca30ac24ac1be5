/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Byte offsets in struct minivmm_vcpu_arch.regs (indexed by x86 register
 * number, kmod/x86/x86_state.h), for the backends' world switches.
 */
#ifndef MINIVMM_X86_GUEST_REGS_ASM_H
#define MINIVMM_X86_GUEST_REGS_ASM_H

#define R_RAX	(0 * 8)
#define R_RCX	(1 * 8)
#define R_RDX	(2 * 8)
#define R_RBX	(3 * 8)
#define R_RBP	(5 * 8)
#define R_RSI	(6 * 8)
#define R_RDI	(7 * 8)
#define R_R8	(8 * 8)
#define R_R9	(9 * 8)
#define R_R10	(10 * 8)
#define R_R11	(11 * 8)
#define R_R12	(12 * 8)
#define R_R13	(13 * 8)
#define R_R14	(14 * 8)
#define R_R15	(15 * 8)

#endif /* MINIVMM_X86_GUEST_REGS_ASM_H */
