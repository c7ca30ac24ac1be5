/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AMD-V world switch: save the host's FS, GS, TR, LDTR and SYSCALL/
 * SYSENTER MSRs (VMSAVE), load the guest's (VMLOAD), load the guest's
 * general-purpose registers, VMRUN, and on #VMEXIT store them back, save
 * the guest's share (VMSAVE) and restore the host's (VMLOAD). RAX, RSP,
 * RIP and RFLAGS of the guest live in the VMCB. Called with GIF clear
 * (CLGI), so nothing interrupts between VMSAVE and VMLOAD of the host;
 * host interrupts that arrive while the guest runs make it exit.
 * The speculative-execution mitigations are the kernel's own: return
 * stack filled and branch history cleared after the exit.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include "../x86/guest_regs_asm.h"


/*
 * int minivmm_svm_enter(unsigned long *regs, u64 vmcb_pa, u64 host_save_pa)
 *
 * Returns 0 after a #VMEXIT (the exit code is in the VMCB, SVM_EXIT_ERR
 * when VMRUN refused the state), 1 when an SVM instruction faulted: SVM
 * is off on this CPU (reboot, panic) and the guest did not run.
 */
.section .noinstr.text, "ax"
SYM_FUNC_START(minivmm_svm_enter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* 16(%rsp): the register array; 8(%rsp): host save area; 0: VMCB. */
	push	%rdi
	push	%rdx
	push	%rsi

	mov	%rdx, %rax
1:	vmsave	%rax
	_ASM_EXTABLE(1b, .Lfault)
	mov	(%rsp), %rax
2:	vmload	%rax
	_ASM_EXTABLE(2b, .Lfault_guest_loaded)

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

	/* Host interrupts are taken as exits while the guest runs. */
	sti
3:	vmrun	%rax
	_ASM_EXTABLE(3b, .Lfault_regs)
4:	cli

	mov	16(%rsp), %rax
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

	mov	(%rsp), %rax
5:	vmsave	%rax
	_ASM_EXTABLE(5b, .Lfault_host)
.Lrestore_host:
	mov	8(%rsp), %rax
6:	vmload	%rax
	_ASM_EXTABLE(6b, .Lhost_gone)
.Lhost_back:
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
	CLEAR_BRANCH_HISTORY_VMEXIT

	/* 1 when a fault path below marked the slot of the array pointer. */
	xor	%eax, %eax
	cmpq	$1, 16(%rsp)
	sete	%al
	add	$24, %rsp
.Lout:
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

	/* Host VMSAVE faulted: nothing of the guest was loaded. */
.Lfault:
	add	$24, %rsp
	mov	$1, %eax
	jmp	.Lout
	/*
	 * SVM went off between two SVM instructions (impossible with GIF
	 * clear, but never trust it): the host's FS/GS may be the guest's, so
	 * try to restore them; the emergency path is under way anyway.
	 */
.Lfault_guest_loaded:
.Lfault_regs:
	cli
.Lfault_host:
	movq	$1, 16(%rsp)
	jmp	.Lrestore_host
.Lhost_gone:
	movq	$1, 16(%rsp)
	jmp	.Lhost_back
SYM_FUNC_END(minivmm_svm_enter)
