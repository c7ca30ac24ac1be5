// SPDX-License-Identifier: GPL-2.0
/*
 * One guest entry as the x86 layer sees it: event injection, the last
 * checks with interrupts off (signals, rescheduling, TLB-flush requests,
 * the FPU), the guest's XCR0 around the backend's world switch, then the
 * backend's exit decoding. The guest FPU is swapped in for the whole of
 * RUN.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>	/* guest_timing_enter_irqoff() */
#include <linux/sched/signal.h>
#include <asm/fpu/api.h>
#include <asm/processor-flags.h>
#include "irq.h"
#include "x86_run.h"
#include "x86.h"
#include "../arch_call.h"

/**
 * minivmm_x86_run_begin() - RUN starts: the guest's FPU state goes in
 * @vcpu: the vCPU; caller holds its mutex.
 */
void minivmm_x86_run_begin(struct minivmm_vcpu *vcpu)
{
	fpu_swap_kvm_fpstate(&vcpu->arch.guest_fpu, true);
}

/**
 * minivmm_x86_run_end() - RUN ends: the host's FPU state comes back
 * @vcpu: the vCPU.
 */
void minivmm_x86_run_end(struct minivmm_vcpu *vcpu)
{
	fpu_swap_kvm_fpstate(&vcpu->arch.guest_fpu, false);
}

/**
 * minivmm_x86_vcpu_enter() - enter the guest once and handle the exit
 * @vcpu: the vCPU, loaded on this CPU.
 *
 * Return: MINIVMM_RUN_RESUME to enter again, MINIVMM_RUN_USER when
 * vcpu->run holds an exit for userspace, -EINTR for a pending signal,
 * another negative errno when the host failed.
 */
int minivmm_x86_vcpu_enter(struct minivmm_vcpu *vcpu)
{
	int r, fast;

	preempt_disable();
	/* The common case, nothing queued or asked for, costs no call. */
	if (unlikely(vcpu->arch.irq_pending || vcpu->run->request_interrupt_window ||
		     test_bit(MINIVMM_REQ_EVENT, &vcpu->requests)) &&
	    minivmm_x86_prepare_injection(vcpu)) {
		preempt_enable();
		vcpu->run->exit_reason = MINIVMM_EXIT_IRQ_WINDOW_OPEN;
		minivmm_x86_fill_run_state(vcpu);
		return MINIVMM_RUN_USER;
	}
	local_irq_disable();
	/* Pairs with smp_mb__after_atomic() in minivmm_request_all(). */
	smp_store_mb(vcpu->mode, MINIVMM_IN_GUEST);
	/* An interrupt raised since the injection above: evaluate again. */
	if (signal_pending(current) || need_resched() ||
	    test_bit(MINIVMM_REQ_EVENT, &vcpu->requests)) {
		WRITE_ONCE(vcpu->mode, MINIVMM_OUTSIDE_GUEST);
		local_irq_enable();
		preempt_enable();
		if (!signal_pending(current))
			return MINIVMM_RUN_RESUME;
		vcpu->run->exit_reason = MINIVMM_EXIT_INTR;
		minivmm_x86_fill_run_state(vcpu);
		return -EINTR;
	}
	if (test_and_clear_bit(MINIVMM_REQ_TLB_FLUSH, &vcpu->requests))
		minivmm_call(flush_tlb)(vcpu);
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();

	/* The tick counts guest time from here (PF_VCPU), as under KVM. */
	guest_timing_enter_irqoff();
	/*
	 * Exits the backend handled with interrupts off: enter again unless
	 * something waits. A host interrupt that came meanwhile makes the
	 * next entry exit at once, and that exit ends the loop.
	 */
	do {
		fast = minivmm_call(run)(vcpu);
	} while (fast == MINIVMM_FASTPATH_REENTER &&
		 likely(!READ_ONCE(vcpu->requests) && !signal_pending(current) &&
			!need_resched()));
	guest_timing_exit_irqoff();

	/* Requesters reading OUTSIDE_GUEST see the guest's work done. */
	smp_store_release(&vcpu->mode, MINIVMM_OUTSIDE_GUEST);
	local_irq_enable();	/* the host takes its interrupts here */
	preempt_enable();
	if (fast == MINIVMM_FASTPATH_REENTER)
		return MINIVMM_RUN_RESUME;	/* handled; what waits is served */

	r = minivmm_call(handle_exit)(vcpu);
	if (r != MINIVMM_RUN_RESUME)
		minivmm_x86_fill_run_state(vcpu);
	return r;
}
