// SPDX-License-Identifier: GPL-2.0
/*
 * External interrupts: one vector queued by userspace (MINIVMM_INTERRUPT)
 * and any number raised by in-kernel devices (minivmm_vcpu_raise_irq()),
 * injected highest first when the guest can take them (RFLAGS.IF, no
 * interrupt shadow, no event being delivered; for device vectors also the
 * TPR), else an interrupt-window exit is asked for; and the
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
	vcpu->arch.irq_pending = true;	/* the entry path looks at it */
	return 0;
}

/**
 * minivmm_vcpu_raise_irq() - raise an external interrupt from an in-kernel
 *	device
 * @vcpu: the vCPU.
 * @vector: 32 .. 255.
 *
 * Callable from any thread and from atomic context. The vector is kept
 * pending until the guest can take it (RFLAGS.IF, no interrupt shadow, its
 * TPR in CR8 below the vector's priority class), independently of what
 * MINIVMM_INTERRUPT has queued; a vector raised again before its delivery
 * is delivered once, as an edge interrupt pending in an APIC's IRR. A vCPU
 * in guest mode is kicked out so that the interrupt goes in at once.
 *
 * Return: true when @vector became pending, false when it was pending
 * already or is not an external interrupt vector.
 */
bool minivmm_vcpu_raise_irq(struct minivmm_vcpu *vcpu, u8 vector)
{
	bool was;

	if (vector < 32)
		return false;
	was = test_and_set_bit(vector, vcpu->arch.dev_irqs);
	minivmm_vcpu_request(vcpu, MINIVMM_REQ_EVENT);
	return !was;
}

/*
 * The highest device vector that the guest's TPR lets through, or -1:
 * vector[7:4] must be above TPR[7:4], which is CR8[3:0].
 */
static int dev_irq_deliverable(struct minivmm_vcpu_arch *a)
{
	unsigned long v = find_last_bit(a->dev_irqs, 256);

	if (v >= 256 || (v >> 4) <= (a->cr8 & 15))
		return -1;
	return v;
}

/**
 * minivmm_x86_prepare_injection() - before an entry: inject the interrupt
 *	of highest vector that the guest can take now, or ask for an exit
 *	when it can
 * @vcpu: the vCPU (loaded, preemption off).
 *
 * Called when MINIVMM_REQ_EVENT is set or MINIVMM_INTERRUPT or userspace's
 * interrupt window is pending. Device interrupts that the TPR holds back
 * wait for a MOV to CR8 (which requests an evaluation).
 *
 * Return: true when userspace asked for the window and it is open already
 * (exit to userspace without entering).
 */
bool minivmm_x86_prepare_injection(struct minivmm_vcpu *vcpu)
{
	struct minivmm_vcpu_arch *a = &vcpu->arch;
	bool window = vcpu->run->request_interrupt_window;
	int dev;

	clear_bit(MINIVMM_REQ_EVENT, &vcpu->requests);
	/* The request bit before the vectors it announces. */
	smp_mb__after_atomic();
	dev = dev_irq_deliverable(a);
	if (!a->irq_pending && dev < 0) {
		if (!window)
			return false;
		if (minivmm_call(interrupt_allowed)(vcpu))
			return true;
		minivmm_call(set_irq_window)(vcpu, true);
		return false;
	}
	if (!minivmm_call(interrupt_allowed)(vcpu)) {
		minivmm_call(set_irq_window)(vcpu, true);
		return false;
	}
	if (a->irq_pending && a->irq_vector >= dev) {
		minivmm_call(inject_irq)(vcpu, a->irq_vector);
		a->irq_pending = false;
	} else {
		clear_bit(dev, a->dev_irqs);
		minivmm_call(inject_irq)(vcpu, dev);
	}
	/* More to deliver: exit when the guest can take the next one. */
	minivmm_call(set_irq_window)(vcpu, window || a->irq_pending ||
				     dev_irq_deliverable(a) >= 0);
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
	set_bit(MINIVMM_REQ_EVENT, &vcpu->requests);
	if (!vcpu->arch.irq_pending && vcpu->run->request_interrupt_window) {
		vcpu->run->exit_reason = MINIVMM_EXIT_IRQ_WINDOW_OPEN;
		return MINIVMM_RUN_USER;
	}
	return MINIVMM_RUN_RESUME;
}
