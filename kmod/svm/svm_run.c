// SPDX-License-Identifier: GPL-2.0
/*
 * One AMD-V entry and what surrounds it in hardware terms: the ASID and
 * TLB control, the guest's RAX, CR2 and XCR0, GIF around the world switch,
 * breakpoints after it, and NMIs and machine checks that arrived while the
 * guest ran; plus the event-injection primitives the x86 layer's policy
 * (kmod/x86/irq.c) uses.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/* guest_state_enter_irqoff() and _exit_: what KVM's backends tell RCU. */
#include <linux/kvm_host.h>
#include <asm/debugreg.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>
#include <asm/trapnr.h>
#include "svm.h"
#include "svm_ops.h"
#include "x86/x86.h"
#include "x86/x86_run.h"
#include "x86/virt_hw.h"

/**
 * svm_skip_instruction() - advance the guest past the exiting instruction
 * @vcpu: the vCPU; the exit decoding found where it ends (next_rip).
 */
void svm_skip_instruction(struct minivmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	if (!WARN_ON_ONCE(!svm->next_rip_valid))
		svm->vmcb->save.rip = svm->next_rip;
	/* An emulated instruction ends STI / MOV SS blocking. */
	svm->vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
}

/**
 * svm_queue_exception() - deliver a hardware exception at the next entry
 * @vcpu: the vCPU.
 * @vector: exception vector.
 * @has_error: the exception pushes an error code.
 * @error: the error code.
 */
void svm_queue_exception(struct minivmm_vcpu *vcpu, u8 vector, bool has_error, u32 error)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->event_inj = vector | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID |
		       (has_error ? SVM_EVTINJ_VALID_ERR : 0);
	c->event_inj_err = error;
}

/**
 * svm_interrupt_allowed() - can the guest take an external interrupt now?
 * @vcpu: the vCPU.
 *
 * Return: true with RFLAGS.IF set, no interrupt shadow and no event being
 * injected.
 */
bool svm_interrupt_allowed(struct minivmm_vcpu *vcpu)
{
	const struct vmcb *vmcb = to_svm(vcpu)->vmcb;

	return (vmcb->save.rflags & X86_EFLAGS_IF) &&
	       !(vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK) &&
	       !(vmcb->control.event_inj & SVM_EVTINJ_VALID);
}

/**
 * svm_inject_irq() - deliver external interrupt @vector at the next entry
 * @vcpu: the vCPU.
 * @vector: 32-255.
 */
void svm_inject_irq(struct minivmm_vcpu *vcpu, u8 vector)
{
	to_svm(vcpu)->vmcb->control.event_inj = vector | SVM_EVTINJ_TYPE_INTR |
						SVM_EVTINJ_VALID;
}

/**
 * svm_set_irq_window() - exit as soon as the guest can take an interrupt
 * @vcpu: the vCPU.
 * @on: ask for the exit, or stop asking.
 *
 * A virtual interrupt (V_IRQ, TPR ignored) is made pending with VINTR
 * intercepted: the guest exits the moment it would take it.
 */
void svm_set_irq_window(struct minivmm_vcpu *vcpu, bool on)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->int_ctl &= ~V_IRQ_INJECTION_BITS_MASK;
	if (on) {
		c->int_ctl |= V_IRQ_MASK | V_INTR_PRIO_MASK | V_IGN_TPR_MASK;
		c->intercepts[INTERCEPT_VINTR / 32] |= BIT(INTERCEPT_VINTR % 32);
	} else {
		c->intercepts[INTERCEPT_VINTR / 32] &= ~BIT(INTERCEPT_VINTR % 32);
	}
}

/*
 * The world switch proper, as KVM's svm_vcpu_enter_exit(): from telling
 * RCU and context tracking that this CPU runs a guest until it is back,
 * nothing instrumentable. GIF is clear around it: no interrupt, NMI or SMI
 * may see the host half switched (VMLOAD'ed FS/GS).
 */
static noinstr int svm_vcpu_enter_exit(struct svm_vcpu *svm,
				       struct minivmm_vcpu_arch *a, u64 host_save_pa)
{
	int r;

	guest_state_enter_irqoff();
	r = minivmm_svm_enter(a->regs, svm->vmcb_pa, host_save_pa);
	guest_state_exit_irqoff();
	return r;
}

/* The event whose delivery the exit interrupted is delivered again. */
static void complete_interrupts(struct svm_vcpu *svm)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	u32 info = c->exit_int_info, type = info & SVM_EXITINTINFO_TYPE_MASK;
	u8 vector = info & SVM_EXITINTINFO_VEC_MASK;

	svm->exit_int_info = info;
	c->event_inj = 0;
	if (!(info & SVM_EXITINTINFO_VALID))
		return;
	/*
	 * INTn, INT3 and INTO: RIP is still at the instruction, which runs
	 * again and raises its event again.
	 */
	if (type == SVM_EXITINTINFO_TYPE_SOFT ||
	    (type == SVM_EXITINTINFO_TYPE_EXEPT && (vector == 3 || vector == 4)))
		return;
	c->event_inj = info & (SVM_EXITINTINFO_VEC_MASK | SVM_EXITINTINFO_TYPE_MASK |
			       SVM_EXITINTINFO_VALID | SVM_EXITINTINFO_VALID_ERR);
	c->event_inj_err = c->exit_int_info_err;
}

/**
 * svm_vcpu_run() - enter the guest once (interrupts and preemption off)
 * @vcpu: the vCPU, loaded on this CPU.
 *
 * With next-RIP saving, a CPUID exit is handled at once (the x86 layer's
 * handler needs nothing that sleeps); any other exit, or an entry that
 * did not happen, is left for svm_handle_exit().
 *
 * Return: MINIVMM_FASTPATH_REENTER for a handled CPUID, else
 * MINIVMM_FASTPATH_NONE.
 */
int svm_vcpu_run(struct minivmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpu_data);
	struct vmcb_control_area *c = &svm->vmcb->control;
	u64 rip, rsp, rflags;
	int r;

	svm->next_rip_valid = false;
	if (unlikely(!sd->on || READ_ONCE(minivmm_virt_rebooting) || !svm_clgi())) {
		svm->entry_failed = true;
		return MINIVMM_FASTPATH_NONE;
	}
	svm_assign_asid(svm, vcpu->cpu);
	if (sd->flush_all) {
		c->tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
		sd->flush_all = false;
	}
	svm->vmcb->save.cr2 = vcpu->arch.cr2;
	svm->vmcb->save.rax = vcpu->arch.regs[VREG_RAX];
	rip = svm->vmcb->save.rip;
	rsp = svm->vmcb->save.rsp;
	rflags = svm->vmcb->save.rflags;
	minivmm_x86_load_guest_xsave_state(vcpu);
	r = svm_vcpu_enter_exit(svm, &vcpu->arch, sd->host_save_pa);
	minivmm_x86_load_host_xsave_state(vcpu);
	if (likely(c->exit_code != (u32)SVM_EXIT_ERR)) {
		vcpu->arch.regs[VREG_RAX] = svm->vmcb->save.rax;
		vcpu->arch.cr2 = svm->vmcb->save.cr2;
	} else {
		/*
		 * The guest never ran; an emulated CPU (QEMU) may have written
		 * the host's RAX, RSP or RIP into the save area meanwhile.
		 */
		svm->vmcb->save.rip = rip;
		svm->vmcb->save.rsp = rsp;
		svm->vmcb->save.rflags = rflags;
	}
	c->tlb_ctl = TLB_CONTROL_DO_NOTHING;
	/* #VMEXIT clears DR7; the host's breakpoints come back. */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	svm->entry_failed = r;
	if (unlikely(r)) {
		svm_stgi();
		return MINIVMM_FASTPATH_NONE;
	}
	svm->exit_code = c->exit_code;
	svm->exit_info_1 = c->exit_info_1;
	svm->exit_info_2 = c->exit_info_2;
	/* NMIs wait for STGI and are taken by the host's handler there. */
	svm_stgi();
	if (svm->exit_code == SVM_EXIT_EXCP_BASE + X86_TRAP_MC)
		minivmm_x86_machine_check();
	complete_interrupts(svm);
	if (svm->exit_code == SVM_EXIT_CPUID && svm_has(SVM_FEAT_NRIPS)) {
		svm->next_rip = c->next_rip;
		svm->next_rip_valid = true;
		minivmm_x86_emulate_cpuid(vcpu);
		return MINIVMM_FASTPATH_REENTER;
	}
	return MINIVMM_FASTPATH_NONE;
}
