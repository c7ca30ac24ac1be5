// SPDX-License-Identifier: GPL-2.0
/*
 * One guest entry as the x86 layer sees it: event injection, the last
 * checks with interrupts off (signals, rescheduling, TLB-flush requests,
 * the FPU), the guest's XCR0 around the backend's world switch, then the
 * backend's exit decoding. The guest FPU is swapped in for the whole of
 * RUN.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched/signal.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
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
 * minivmm_x86_load_guest_xsave_state() - the guest's XCR0, for the entry
 * @vcpu: the vCPU; interrupts off.
 *
 * Never executes XSETBV on a host whose kernel runs without XSAVE (there
 * the guest cannot set CR4.OSXSAVE).
 */
void minivmm_x86_load_guest_xsave_state(struct minivmm_vcpu *vcpu)
{
	const struct minivmm_vcpu_arch *a = &vcpu->arch;

	if (minivmm_host_xcr0 && (a->cr4 & X86_CR4_OSXSAVE) &&
	    a->xcr0 != minivmm_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, a->xcr0);
}

/**
 * minivmm_x86_load_host_xsave_state() - the host's XCR0, after the exit
 * @vcpu: the vCPU; interrupts off.
 */
void minivmm_x86_load_host_xsave_state(struct minivmm_vcpu *vcpu)
{
	const struct minivmm_vcpu_arch *a = &vcpu->arch;

	if (minivmm_host_xcr0 && (a->cr4 & X86_CR4_OSXSAVE) &&
	    a->xcr0 != minivmm_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, minivmm_host_xcr0);
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
	int r;

	preempt_disable();
	if (minivmm_x86_prepare_injection(vcpu)) {
		preempt_enable();
		vcpu->run->exit_reason = MINIVMM_EXIT_IRQ_WINDOW_OPEN;
		minivmm_x86_fill_run_state(vcpu);
		return MINIVMM_RUN_USER;
	}
	local_irq_disable();
	/* Pairs with smp_mb__after_atomic() in minivmm_request_all(). */
	smp_store_mb(vcpu->mode, MINIVMM_IN_GUEST);
	if (signal_pending(current) || need_resched()) {
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

	minivmm_call(run)(vcpu);

	/* Requesters reading OUTSIDE_GUEST see the guest's work done. */
	smp_store_release(&vcpu->mode, MINIVMM_OUTSIDE_GUEST);
	local_irq_enable();	/* the host takes its interrupts here */
	preempt_enable();

	r = minivmm_call(handle_exit)(vcpu);
	if (r != MINIVMM_RUN_RESUME)
		minivmm_x86_fill_run_state(vcpu);
	return r;
}
