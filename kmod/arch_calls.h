/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The backend hooks called as static calls (kmod/arch_call.h), one line
 * each. No include guard: included with MINIVMM_ARCH_CALL() defined.
 */
MINIVMM_ARCH_CALL(run);
MINIVMM_ARCH_CALL(handle_exit);
MINIVMM_ARCH_CALL(flush_tlb);
MINIVMM_ARCH_CALL(vcpu_load);
MINIVMM_ARCH_CALL(vcpu_put);
MINIVMM_ARCH_CALL(get_rsp);
MINIVMM_ARCH_CALL(set_rsp);
MINIVMM_ARCH_CALL(get_rip);
MINIVMM_ARCH_CALL(set_rip);
MINIVMM_ARCH_CALL(get_rflags);
MINIVMM_ARCH_CALL(get_cpl);
MINIVMM_ARCH_CALL(get_segment);
MINIVMM_ARCH_CALL(get_cr3);
MINIVMM_ARCH_CALL(skip_instruction);
MINIVMM_ARCH_CALL(queue_exception);
MINIVMM_ARCH_CALL(interrupt_allowed);
MINIVMM_ARCH_CALL(inject_irq);
MINIVMM_ARCH_CALL(set_irq_window);
