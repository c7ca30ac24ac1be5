/* SPDX-License-Identifier: GPL-2.0 */
/* Interrupt queueing and injection policy (kmod/x86/irq.c). */
#ifndef MINIVMM_X86_IRQ_H
#define MINIVMM_X86_IRQ_H

#include "../vm.h"

long minivmm_x86_queue_interrupt(struct minivmm_vcpu *vcpu, void __user *argp);
bool minivmm_x86_prepare_injection(struct minivmm_vcpu *vcpu);
void minivmm_x86_fill_run_state(struct minivmm_vcpu *vcpu);

#endif /* MINIVMM_X86_IRQ_H */
