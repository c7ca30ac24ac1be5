// SPDX-License-Identifier: GPL-2.0
/*
 * External interrupts: one vector queued at a time (MINIVMM_INTERRUPT from
 * userspace, minivmm_vcpu_raise_irq() from in-kernel devices), injected
 * when the guest can take it (RFLAGS.IF, no interrupt shadow, no event
 * being delivered), or an interrupt-window exit asked for; and the
 * IRQ_WINDOW_OPEN exit userspace may ask for.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/uaccess.h>
#include <asm/processor-flags.h>
#include "irq.h"
#include "x86.h"
#include "../arch_call.h"

/**
 * minivmm_x86_queue_interrupt() - MINIVMM_INTERRUPT
 * @vcpu: the vCPU; caller holds its mutex.
 * @argp: the struct minivmm_interrupt.
 *
 * Return: 0; -EFAULT; -EINVAL for flags or a vector under 32; -EBUSY
 * while one is queued.
 */
long minivmm_x86_queue_interrupt(struct minivmm_vcpu *vcpu, void __user *argp)
{
	struct minivmm_interrupt irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	if (irq.flags || irq.vector < 32 || irq.vector > 255)
		return -EINVAL;
	if (vcpu->arch.irq_pending)
		return -EBUSY;
	vcpu->arch.irq_vector = irq.vector;
	vcpu->arch.irq_pending = true;
	return 0;
}

/**
 * minivmm_vcpu_raise_irq() - queue an external interrupt from an in-kernel
 *	device (the MINIVMM_INTERRUPT path, without the vCPU mutex)
 * @vcpu: the vCPU.
 * @vector: 32 .. 255.
 *
 * Limits: one interrupt is queued at a time, shared with MINIVMM_INTERRUPT;
 * when one is pending already this one is dropped (devices keep their
 * interrupt status, so the guest still finds the cause). The vCPU is not
 * kicked out of guest mode: injection happens at its next VM entry. Called
 * from another thread it may race with MINIVMM_INTERRUPT (one of the two
 * vectors wins).
 *
 * Return: true when queued.
 */
bool minivmm_vcpu_raise_irq(struct minivmm_vcpu *vcpu, u8 vector)
{
	if (vector < 32 || READ_ONCE(vcpu->arch.irq_pending))
		return false;
	WRITE_ONCE(vcpu->arch.irq_vector, vector);
	smp_wmb();	/* the vector before the flag that publishes it */
	WRITE_ONCE(vcpu->arch.irq_pending, true);
	return true;
}

/**
 * minivmm_x86_prepare_injection() - before an entry: inject the queued
 *	interrupt if the guest can take it now, or ask for an exit when it can
 * @vcpu: the vCPU (loaded, preemption off).
 *
 * Return: true when userspace asked for the window and it is open already
 * (exit to userspace without entering).
 */
bool minivmm_x86_prepare_injection(struct minivmm_vcpu *vcpu)
{
	struct minivmm_vcpu_arch *a = &vcpu->arch;

	/* The common case, nothing queued or asked for, costs nothing. */
	if (!a->irq_pending && !vcpu->run->request_interrupt_window)
		return false;
	if (a->irq_pending) {
		if (minivmm_call(interrupt_allowed)(vcpu)) {
			minivmm_call(inject_irq)(vcpu, a->irq_vector);
			a->irq_pending = false;
			minivmm_call(set_irq_window)(vcpu, false);
		} else {
			minivmm_call(set_irq_window)(vcpu, true);
		}
		return false;
	}
	if (minivmm_call(interrupt_allowed)(vcpu))
		return true;
	minivmm_call(set_irq_window)(vcpu, true);
	return false;
}

/**
 * minivmm_x86_fill_run_state() - the interrupt state userspace sees with
 *	every exit (run->if_flag, run->ready_for_interrupt_injection)
 * @vcpu: the vCPU (loaded).
 */
void minivmm_x86_fill_run_state(struct minivmm_vcpu *vcpu)
{
	struct minivmm_run *run = vcpu->run;

	run->if_flag = !!(minivmm_call(get_rflags)(vcpu) & X86_EFLAGS_IF);
	run->ready_for_interrupt_injection = !vcpu->arch.irq_pending &&
					     minivmm_call(interrupt_allowed)(vcpu);
}

/**
 * minivmm_x86_irq_window_open() - the interrupt-window exit
 * @vcpu: the vCPU (loaded).
 *
 * Return: MINIVMM_RUN_USER with an IRQ_WINDOW_OPEN exit when userspace
 * asked for the window and has nothing queued, else MINIVMM_RUN_RESUME
 * (the next entry injects).
 */
int minivmm_x86_irq_window_open(struct minivmm_vcpu *vcpu)
{
	minivmm_call(set_irq_window)(vcpu, false);
	if (!vcpu->arch.irq_pending && vcpu->run->request_interrupt_window) {
		vcpu->run->exit_reason = MINIVMM_EXIT_IRQ_WINDOW_OPEN;
		return MINIVMM_RUN_USER;
	}
	return MINIVMM_RUN_RESUME;
}
