// SPDX-License-Identifier: GPL-2.0
/*
 * One guest entry and what surrounds it: event injection, the last checks
 * with interrupts off (signals, rescheduling, TLB flush requests), the
 * per-entry host state (CR3, CR4, CR2, XCR0, DEBUGCTL), the world switch,
 * and NMIs that arrived while the guest ran.
 */
#include <linux/sched/signal.h>
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/debugreg.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include "vmx.h"
#include "vmx_insn.h"

/**
 * vmx_skip_instruction() - advance the guest past the exiting instruction
 * @vmx: the vCPU.
 */
void vmx_skip_instruction(struct vmx_vcpu *vmx)
{
	u32 intr;

	vmcs_write(GUEST_RIP, vmcs_read(GUEST_RIP) + vmcs_read(VM_EXIT_INSTRUCTION_LEN));
	/* An emulated instruction ends STI / MOV SS blocking. */
	intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write(GUEST_INTERRUPTIBILITY_INFO,
			   intr & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

/**
 * vmx_inject_exception() - deliver a hardware exception at the next entry
 * @vmx: the vCPU.
 * @vector: exception vector.
 * @has_error: the exception pushes an error code.
 * @error: the error code.
 */
void vmx_inject_exception(struct vmx_vcpu *vmx, u8 vector, bool has_error, u32 error)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	if (has_error) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info);
}

static bool guest_can_take_irq(void)
{
	return (vmcs_read(GUEST_RFLAGS) & X86_EFLAGS_IF) &&
	       !(vmcs_read(GUEST_INTERRUPTIBILITY_INFO) &
		 (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) &&
	       !(vmcs_read(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK);
}

static void set_irq_window(bool on)
{
	if (on)
		vmcs_set_bits(CPU_BASED_VM_EXEC_CONTROL, CPU_BASED_INTR_WINDOW_EXITING);
	else
		vmcs_clear_bits(CPU_BASED_VM_EXEC_CONTROL, CPU_BASED_INTR_WINDOW_EXITING);
}

/*
 * Inject the queued interrupt if the guest can take it now, or ask for an
 * exit when it can. Returns true when userspace asked for the window and
 * it is open already (exit to userspace without entering).
 */
static bool prepare_injection(struct minivmm_vcpu *vcpu)
{
	/* The common case, nothing queued or asked for, costs no VMREAD. */
	if (!vcpu->irq_pending && !vcpu->run->request_interrupt_window)
		return false;
	if (vcpu->irq_pending) {
		if (guest_can_take_irq()) {
			vmcs_write(VM_ENTRY_INTR_INFO_FIELD, vcpu->irq_vector |
				   INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK);
			vcpu->irq_pending = false;
			set_irq_window(false);
		} else {
			set_irq_window(true);
		}
		return false;
	}
	if (guest_can_take_irq())
		return true;
	set_irq_window(true);
	return false;
}

static void fill_run_state(struct minivmm_vcpu *vcpu)
{
	struct minivmm_run *run = vcpu->run;

	run->if_flag = !!(vmcs_read(GUEST_RFLAGS) & X86_EFLAGS_IF);
	run->ready_for_interrupt_injection = !vcpu->irq_pending && guest_can_take_irq();
}

static void refresh_host_cr3_cr4(struct vmx_vcpu *vmx)
{
	unsigned long cr3 = __read_cr3(), cr4 = cr4_read_shadow();

	if (unlikely(cr3 != vmx->host_cr3)) {
		vmcs_write(HOST_CR3, cr3);
		vmx->host_cr3 = cr3;
	}
	if (unlikely(cr4 != vmx->host_cr4)) {
		vmcs_write(HOST_CR4, cr4);
		vmx->host_cr4 = cr4;
	}
}

static void raise_nmi_if_any(struct vmx_vcpu *vmx)
{
	u32 info;

	if ((u16)vmx->exit_reason != EXIT_REASON_EXCEPTION_NMI)
		return;
	info = vmcs_read(VM_EXIT_INTR_INFO);
	if ((info & (INTR_INFO_VALID_MASK | INTR_INFO_INTR_TYPE_MASK)) ==
	    (INTR_INFO_VALID_MASK | INTR_TYPE_NMI_INTR))
		apic->send_IPI(smp_processor_id(), NMI_VECTOR);
}

static int entry_failed(struct minivmm_vcpu *vcpu, u64 reason)
{
	struct minivmm_run *run = vcpu->run;

	run->exit_reason = MINIVMM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = reason;
	run->fail_entry.cpu = vcpu->cpu;
	return VMX_EXIT_USER;
}

/**
 * vmx_vcpu_enter() - enter the guest once and handle the exit
 * @vcpu: the vCPU, loaded on this CPU.
 *
 * Return: VMX_EXIT_RESUME (1) to enter again, VMX_EXIT_USER (0) when
 * vcpu->run holds an exit for userspace, -EINTR for a pending signal.
 */
int vmx_vcpu_enter(struct minivmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	bool xcr0_switched = false;
	int failed;

	preempt_disable();
	if (prepare_injection(vcpu)) {
		preempt_enable();
		vcpu->run->exit_reason = MINIVMM_EXIT_IRQ_WINDOW_OPEN;
		fill_run_state(vcpu);
		return VMX_EXIT_USER;
	}
	local_irq_disable();
	/* Pairs with smp_mb__after_atomic() in minivmm_request_all(). */
	smp_store_mb(vcpu->mode, MINIVMM_IN_GUEST);
	if (signal_pending(current) || need_resched()) {
		WRITE_ONCE(vcpu->mode, MINIVMM_OUTSIDE_GUEST);
		local_irq_enable();
		preempt_enable();
		if (!signal_pending(current))
			return VMX_EXIT_RESUME;
		vcpu->run->exit_reason = MINIVMM_EXIT_INTR;
		fill_run_state(vcpu);
		return -EINTR;
	}
	if (test_and_clear_bit(MINIVMM_REQ_TLB_FLUSH, &vcpu->requests))
		vmx_ept_flush(vmx);
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
	refresh_host_cr3_cr4(vmx);
	if (vmx_cfg.pin & PIN_BASED_VMX_PREEMPTION_TIMER)
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE, vmx_cfg.preempt_ticks);
	if (vmx->cr2 != native_read_cr2())
		native_write_cr2(vmx->cr2);
	if ((vmx->cr4 & X86_CR4_OSXSAVE) && vmx->xcr0 != vmx_cfg.host_xcr0) {
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vmx->xcr0);
		xcr0_switched = true;
	}

	failed = minivmm_vmx_enter(vmx->regs, vmx->launched);

	vmx->cr2 = native_read_cr2();
	if (xcr0_switched)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vmx_cfg.host_xcr0);
	if (vmx->host_debugctl)
		update_debugctlmsr(vmx->host_debugctl);
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	/* Requesters reading OUTSIDE_GUEST see the guest's work done. */
	smp_store_release(&vcpu->mode, MINIVMM_OUTSIDE_GUEST);

	if (unlikely(failed)) {
		local_irq_enable();
		preempt_enable();
		fill_run_state(vcpu);
		/* VMfailValid: VM_INSTRUCTION_ERROR says why (bit 63 marks it). */
		return entry_failed(vcpu, (1ULL << 63) | vmcs_read(VM_INSTRUCTION_ERROR));
	}
	vmx->exit_reason = vmcs_read(VM_EXIT_REASON);
	if (!(vmx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
		vmx->launched = true;
	raise_nmi_if_any(vmx);
	local_irq_enable();	/* the host takes its interrupts here */
	preempt_enable();

	if (vmx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		fill_run_state(vcpu);
		return entry_failed(vcpu, vmx->exit_reason);
	}
	failed = vmx_handle_exit(vmx);
	if (failed != VMX_EXIT_RESUME)
		fill_run_state(vcpu);
	return failed;
}

/**
 * vmx_complete_user_exit() - apply what userspace answered to the last exit
 * @vcpu: the vCPU, loaded.
 *
 * The data of a port IN lands in RAX (AL, AX or EAX, the last one
 * zero-extending); a hypercall's return value lands in RAX; an MMIO read's
 * data lands in the instruction's destination register.
 */
void vmx_complete_user_exit(struct minivmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct minivmm_run *run = vcpu->run;
	unsigned long *rax = &vmx->regs[VREG_RAX];

	if (vcpu->pio_pending) {
		u32 data;

		memcpy(&data, (u8 *)run + MINIVMM_PIO_DATA_OFFSET, sizeof(data));
		switch (vcpu->pio_size) {
		case 1:
			*rax = (*rax & ~0xffUL) | (data & 0xff);
			break;
		case 2:
			*rax = (*rax & ~0xffffUL) | (data & 0xffff);
			break;
		default:
			*rax = data;
			break;
		}
		vcpu->pio_pending = false;
	}
	if (vcpu->hypercall_pending) {
		*rax = run->hypercall.ret;
		vcpu->hypercall_pending = false;
	}
	if (vcpu->mmio_pending)
		vmx_mmio_complete(vmx);
}
