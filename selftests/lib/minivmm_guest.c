// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-side runtime of the minivmm selftest library: the 256 IDT entry
 * stubs, the C dispatcher they call, and the stub a guest function returns
 * to. All of it is guest code (section minivmm_guest_text).
 *
 * Stub i is at guest_idt_stubs + 16 * i. It pushes a zero error code for
 * vectors where the CPU pushes none, then the vector, then every
 * general-purpose register (struct ex_regs), calls guest_idt_dispatch()
 * with the frame, restores the registers (a handler may have changed them,
 * RIP included) and returns with IRETQ. The IDT gates use IST 1, so a
 * handler runs on the vCPU's own interrupt stack.
 */
#include <stdint.h>
#include "minivmm_util.h"

void guest_idt_dispatch(struct ex_regs *regs);
void guest_fn_returned(void);

asm(
"	.pushsection " GUEST_SECTION ", \"ax\"\n"
"	.globl guest_idt_stubs\n"
"	.p2align 4\n"
"guest_idt_stubs:\n"
"	.set mvm_vector, 0\n"
"	.rept 256\n"
"	.p2align 4\n"
"	.if (mvm_vector == 8) || ((mvm_vector >= 10) && (mvm_vector <= 14)) || (mvm_vector == 17) || (mvm_vector == 21) || (mvm_vector == 29) || (mvm_vector == 30)\n"
"	.else\n"
"	pushq $0\n"
"	.endif\n"
"	pushq $mvm_vector\n"
"	jmp guest_idt_common\n"
"	.set mvm_vector, mvm_vector + 1\n"
"	.endr\n"
"	.p2align 4\n"
"	.globl guest_idt_stubs_end\n"
"guest_idt_stubs_end:\n"
"\n"
"guest_idt_common:\n"
"	pushq %r15\n"
"	pushq %r14\n"
"	pushq %r13\n"
"	pushq %r12\n"
"	pushq %r11\n"
"	pushq %r10\n"
"	pushq %r9\n"
"	pushq %r8\n"
"	pushq %rdi\n"
"	pushq %rsi\n"
"	pushq %rbp\n"
"	pushq %rbx\n"
"	pushq %rdx\n"
"	pushq %rcx\n"
"	pushq %rax\n"
"	movq %rsp, %rdi\n"
"	cld\n"
"	call guest_idt_dispatch\n"
"	popq %rax\n"
"	popq %rcx\n"
"	popq %rdx\n"
"	popq %rbx\n"
"	popq %rbp\n"
"	popq %rsi\n"
"	popq %rdi\n"
"	popq %r8\n"
"	popq %r9\n"
"	popq %r10\n"
"	popq %r11\n"
"	popq %r12\n"
"	popq %r13\n"
"	popq %r14\n"
"	popq %r15\n"
"	addq $16, %rsp\n"
"	iretq\n"
"\n"
"	.globl guest_return_stub\n"
"	.p2align 4\n"
"guest_return_stub:\n"
"	andq $-16, %rsp\n"
"	call guest_fn_returned\n"
"1:	hlt\n"
"	jmp 1b\n"
"	.popsection\n");

/* The handler table sits one page after the IDT (see minivmm_util.h). */
#define GUEST_HANDLER_TABLE() ({					\
	struct __attribute__((packed)) {				\
		uint16_t limit;						\
		uint64_t base;						\
	} __idtr;							\
	asm volatile("sidt %0" : "=m"(__idtr));				\
	(guest_handler_t *)(uintptr_t)(__idtr.base + MVM_SYS_HANDLERS -	\
				       MVM_SYS_IDT); })

GUEST_CODE void guest_idt_dispatch(struct ex_regs *regs)
{
	guest_handler_t *table = GUEST_HANDLER_TABLE();
	guest_handler_t h = table[regs->vector & 0xff];

	if (h) {
		h(regs);
		return;
	}
	guest_assert_fail(__FILE__, __LINE__,
			  "unhandled exception or interrupt (vector, rip, error code)",
			  3, regs->vector, regs->rip, regs->error_code);
}

GUEST_CODE void guest_install_handler(unsigned int vector, guest_handler_t h)
{
	guest_handler_t *table = GUEST_HANDLER_TABLE();

	WRITE_ONCE(table[vector & 0xff], h);
}

/* A guest function returned to guest_return_stub: it is done. */
GUEST_CODE void guest_fn_returned(void)
{
	GUEST_DONE();
}
