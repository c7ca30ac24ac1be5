// SPDX-License-Identifier: GPL-2.0
/*
 * One VT-x entry and what surrounds it in hardware terms: the per-entry
 * host state (CR3, CR4, the preemption timer), the guest's CR2 and XCR0,
 * the world switch, DEBUGCTL and breakpoints after it, and NMIs that
 * or machine checks arrived while the guest ran; plus the event-injection primitives the x86
 * layer's policy (kmod/x86/irq.c) uses.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/apic.h>
#include <asm/trapnr.h>
#include <asm/irq_vectors.h>
#include <asm/msr.h>
#include <asm/debugreg.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
/* guest_state_enter_irqoff() and _exit_: what KVM's backends tell RCU. */
#include <linux/kvm_host.h>
#include "vmx.h"
#include "vmx_ops.h"
#include "x86/x86.h"
#include "x86/x86_run.h"

/**
 * vmx_skip_instruction() - advance the guest past the exiting instruction
 * @vcpu: the vCPU (loaded).
 */
void vmx_skip_instruction(struct minivmm_vcpu *vcpu)
{
	u32 intr;

	vmcs_writel(GUEST_RIP, vmcs_readl(GUEST_RIP) + vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	/* An emulated instruction ends STI / MOV SS blocking. */
	intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     intr & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

/**
 * vmx_queue_exception() - deliver a hardware exception at the next entry
 * @vcpu: the vCPU (loaded).
 * @vector: exception vector.
 * @has_error: the exception pushes an error code.
 * @error: the error code.
 */
void vmx_queue_exception(struct minivmm_vcpu *vcpu, u8 vector, bool has_error, u32 error)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	if (has_error) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
}

/**
 * vmx_interrupt_allowed() - can the guest take an external interrupt now?
 * @vcpu: the vCPU (loaded).
 *
 * Return: true with RFLAGS.IF set, no STI/MOV SS blocking and no event
 * being injected.
 */
bool vmx_interrupt_allowed(struct minivmm_vcpu *vcpu)
{
	return (vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF) &&
	       !(vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
		 (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) &&
	       !(vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK);
}

/**
 * vmx_inject_irq() - deliver external interrupt @vector at the next entry
 * @vcpu: the vCPU (loaded).
 * @vector: 32-255.
 */
void vmx_inject_irq(struct minivmm_vcpu *vcpu, u8 vector)
{
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, vector | INTR_TYPE_EXT_INTR |
		     INTR_INFO_VALID_MASK);
}

/**
 * vmx_set_irq_window() - interrupt-window exiting on or off
 * @vcpu: the vCPU (loaded).
 * @on: exit as soon as the guest can take an interrupt.
 */
void vmx_set_irq_window(struct minivmm_vcpu *vcpu, bool on)
{
	if (on)
		vmcs_set_bits(CPU_BASED_VM_EXEC_CONTROL, CPU_BASED_INTR_WINDOW_EXITING);
	else
		vmcs_clear_bits(CPU_BASED_VM_EXEC_CONTROL, CPU_BASED_INTR_WINDOW_EXITING);
}

static void refresh_host_cr3_cr4(struct vmx_vcpu *vmx)
{
	unsigned long cr3 = __read_cr3(), cr4 = cr4_read_shadow();

	if (unlikely(cr3 != vmx->host_cr3)) {
		vmcs_writel(HOST_CR3, cr3);
		vmx->host_cr3 = cr3;
	}
	if (unlikely(cr4 != vmx->host_cr4)) {
		vmcs_writel(HOST_CR4, cr4);
		vmx->host_cr4 = cr4;
	}
}

/*
 * NMIs and machine checks that hit the guest belong to the host: re-raise
 * the NMI, run the host's machine-check handler, with interrupts still off.
 */
static void handle_exit_irqoff(struct vmx_vcpu *vmx)
{
	u32 info;

	if ((u16)vmx->exit_reason == EXIT_REASON_MCE_DURING_VMENTRY) {
		minivmm_x86_machine_check();
		return;
	}
	if ((u16)vmx->exit_reason != EXIT_REASON_EXCEPTION_NMI)
		return;
	info = vmcs_read32(VM_EXIT_INTR_INFO);
	if ((info & (INTR_INFO_VALID_MASK | INTR_INFO_INTR_TYPE_MASK)) ==
	    (INTR_INFO_VALID_MASK | INTR_TYPE_NMI_INTR))
		apic->send_IPI(smp_processor_id(), NMI_VECTOR);
	else if ((info & (INTR_INFO_VALID_MASK | INTR_INFO_VECTOR_MASK)) ==
		 (INTR_INFO_VALID_MASK | X86_TRAP_MC))
		minivmm_x86_machine_check();
}

/*
 * The world switch proper, as KVM's vmx_vcpu_enter_exit(): from telling
 * RCU and context tracking that this CPU runs a guest (an extended
 * quiescent state, as user mode) until it is back, nothing instrumentable
 * (no tracing, no lockdep, no RCU): L1D flush, CR2, VMLAUNCH/VMRESUME.
 */
static noinstr void vmx_vcpu_enter_exit(struct vmx_vcpu *vmx,
					struct minivmm_vcpu_arch *a)
{
	guest_state_enter_irqoff();
	if (vmx_cfg.l1d_flush)
		native_wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
	if (a->cr2 != native_read_cr2())
		native_write_cr2(a->cr2);
	vmx->entry_failed = minivmm_vmx_enter(a->regs, vmx->launched);
	a->cr2 = native_read_cr2();
	guest_state_exit_irqoff();
}

/**
 * vmx_vcpu_run() - enter the guest once (interrupts and preemption off)
 * @vcpu: the vCPU, loaded on this CPU.
 *
 * Handles a CPUID exit at once (the x86 layer's handler needs nothing
 * that sleeps, and it is the most frequent exit handled in the kernel);
 * leaves any other exit reason (or the entry failure) for
 * vmx_handle_exit().
 *
 * Return: MINIVMM_FASTPATH_REENTER for a handled CPUID, else
 * MINIVMM_FASTPATH_NONE.
 */
int vmx_vcpu_run(struct minivmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct minivmm_vcpu_arch *a = &vcpu->arch;

	if (unlikely(!vmx_on_this_cpu())) {
		vmx->entry_failed = VMX_ENTER_FAULT;
		return MINIVMM_FASTPATH_NONE;
	}
	refresh_host_cr3_cr4(vmx);
	if (vmx_cfg.pin & PIN_BASED_VMX_PREEMPTION_TIMER)
		vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, vmx_cfg.preempt_ticks);
	minivmm_x86_load_guest_xsave_state(vcpu);
	vmx_vcpu_enter_exit(vmx, a);
	minivmm_x86_load_host_xsave_state(vcpu);
	if (vmx->host_debugctl)
		update_debugctlmsr(vmx->host_debugctl);
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	if (unlikely(vmx->entry_failed))
		return MINIVMM_FASTPATH_NONE;
	vmx->exit_reason = vmcs_read32(VM_EXIT_REASON);
	if (!(vmx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
		vmx->launched = true;
	/* An instruction's exit: no event was being delivered. */
	if (vmx->exit_reason == EXIT_REASON_CPUID) {
		minivmm_x86_emulate_cpuid(vcpu);
		return MINIVMM_FASTPATH_REENTER;
	}
	handle_exit_irqoff(vmx);
	return MINIVMM_FASTPATH_NONE;
}
