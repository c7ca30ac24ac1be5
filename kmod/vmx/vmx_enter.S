/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The world switch: load the guest's general-purpose registers, VMLAUNCH or
 * VMRESUME, and on VM exit (HOST_RIP = minivmm_vmx_vmexit) store them back.
 * RSP, RIP and RFLAGS of the guest live in the VMCS; CR2 is handled in C.
 * The speculative-execution mitigations are the kernel's own, as it set
 * them up for its CPU (alternatives patched at module load): CPU buffers
 * cleared before entry, return stack filled and branch history cleared
 * after exit.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/ibt.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>
#include "../x86/guest_regs_asm.h"


#define VMCS_HOST_RSP	0x6c14

.text

/*
 * int minivmm_vmx_enter(unsigned long *regs, int launched)
 *
 * Returns 0 after a VM exit, 1 when VMLAUNCH/VMRESUME itself failed
 * (VMfailValid or VMfailInvalid: read VM_INSTRUCTION_ERROR), 2 when the
 * HOST_RSP write, VMLAUNCH or VMRESUME faulted (VMX turned off under us by
 * a reboot or an emergency shutdown).
 * Called with interrupts disabled and this vCPU's VMCS current, from
 * noinstr code (vmx_vcpu_enter_exit()): it lives in .noinstr.text too.
 */
.section .noinstr.text, "ax"
SYM_FUNC_START(minivmm_vmx_enter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* The register array, found again at 0(%rsp) after the VM exit. */
	push	%rdi

	mov	$VMCS_HOST_RSP, %eax
1:	vmwrite	%rsp, %rax
	_ASM_EXTABLE(1b, .Lvmfault)

	/* CF from this test survives the movs and the VERW below. */
	bt	$0, %esi

	mov	R_RAX(%rdi), %rax
	mov	R_RCX(%rdi), %rcx
	mov	R_RDX(%rdi), %rdx
	mov	R_RBX(%rdi), %rbx
	mov	R_RBP(%rdi), %rbp
	mov	R_RSI(%rdi), %rsi
	mov	R_R8(%rdi), %r8
	mov	R_R9(%rdi), %r9
	mov	R_R10(%rdi), %r10
	mov	R_R11(%rdi), %r11
	mov	R_R12(%rdi), %r12
	mov	R_R13(%rdi), %r13
	mov	R_R14(%rdi), %r14
	mov	R_R15(%rdi), %r15
	mov	R_RDI(%rdi), %rdi

	/* MDS, TAA, MMIO stale data: clear CPU buffers (clobbers ZF only). */
	VM_CLEAR_CPU_BUFFERS

	jc	.Lvmresume
	UNWIND_HINT_SAVE
2:	vmlaunch
	_ASM_EXTABLE(2b, .Lvmfault)
	jmp	.Lvmfail
.Lvmresume:
	UNWIND_HINT_SAVE
3:	vmresume
	_ASM_EXTABLE(3b, .Lvmfault)

.Lvmfail:
	/* The guest never ran: drop the array pointer, return 1. */
	add	$8, %rsp
	mov	$1, %eax
	jmp	.Lout

.Lvmfault:
	/* VMX is off: the guest never ran; return 2. */
	add	$8, %rsp
	mov	$2, %eax
	jmp	.Lout

SYM_INNER_LABEL(minivmm_vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	push	%rax
	mov	8(%rsp), %rax
	mov	%rcx, R_RCX(%rax)
	mov	%rdx, R_RDX(%rax)
	mov	%rbx, R_RBX(%rax)
	mov	%rbp, R_RBP(%rax)
	mov	%rsi, R_RSI(%rax)
	mov	%rdi, R_RDI(%rax)
	mov	%r8, R_R8(%rax)
	mov	%r9, R_R9(%rax)
	mov	%r10, R_R10(%rax)
	mov	%r11, R_R11(%rax)
	mov	%r12, R_R12(%rax)
	mov	%r13, R_R13(%rax)
	mov	%r14, R_R14(%rax)
	mov	%r15, R_R15(%rax)
	pop	R_RAX(%rax)

	/* Leave no guest value in a register the host might speculate on. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%ebx, %ebx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, X86_FEATURE_RSB_VMEXIT_LITE
	/* Branch history injection: clear the BHB where the kernel does. */
	CLEAR_BRANCH_HISTORY_VMEXIT

	add	$8, %rsp
	xor	%eax, %eax
.Lout:
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(minivmm_vmx_enter)
