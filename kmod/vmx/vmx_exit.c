// SPDX-License-Identifier: GPL-2.0
/*
 * VM-exit decoding: each basic exit reason is turned into a call of the
 * x86 layer's handler (kmod/x86/), with the operands VT-x's exit
 * qualification gives. Exits nothing handles become INTERNAL_ERROR exits
 * with the basic reason, qualification, RIP and interruption information.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/vmx.h>
#include <asm/trapnr.h>
#include "vmx.h"
#include "vmx_ops.h"
#include "x86/x86.h"

/* GETSEC always exits (SDM Vol. 3, appendix C); Linux has no name for it. */
#define VMX_EXIT_GETSEC		11

/* Re-inject an event whose delivery the VM exit interrupted. */
static void complete_idt_vectoring(struct vmx_vcpu *vmx)
{
	u32 idt = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	u32 type;

	vmx->idt_vectoring = idt;
	if (!(idt & VECTORING_INFO_VALID_MASK))
		return;
	type = idt & VECTORING_INFO_TYPE_MASK;
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, idt & (VECTORING_INFO_VECTOR_MASK |
		     VECTORING_INFO_TYPE_MASK | VECTORING_INFO_DELIVER_CODE_MASK |
		     VECTORING_INFO_VALID_MASK));
	if (idt & VECTORING_INFO_DELIVER_CODE_MASK)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE,
			     vmcs_read32(IDT_VECTORING_ERROR_CODE));
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
}

static int handle_unhandled(struct minivmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 data[4] = { (u16)vmx->exit_reason, vmx->exit_qual,
			vmcs_readl(GUEST_RIP), vmcs_read32(VM_EXIT_INTR_INFO) };

	return minivmm_x86_internal_error(vcpu, MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT,
					  4, data);
}

static int handle_io(struct minivmm_vcpu *vcpu)
{
	u64 q = to_vmx(vcpu)->exit_qual;

	if (q & 16) {	/* INS/OUTS (string, REP) */
		u64 data[3] = { q, q >> 16, vmcs_readl(GUEST_RIP) };

		return minivmm_x86_internal_error(vcpu, MINIVMM_INTERNAL_ERROR_STRING_IO,
						  3, data);
	}
	return minivmm_x86_emulate_io(vcpu, q >> 16, (q & 7) + 1, q & 8);
}

static int handle_cr(struct minivmm_vcpu *vcpu)
{
	u64 q = to_vmx(vcpu)->exit_qual;
	int cr = q & 15, reg = (q >> 8) & 15;

	switch ((q >> 4) & 3) {
	case 0:
		return minivmm_x86_mov_to_cr(vcpu, cr, reg);
	case 1:
		return minivmm_x86_mov_from_cr(vcpu, cr, reg);
	case 2:
		return minivmm_x86_clts(vcpu);
	default:
		return minivmm_x86_lmsw(vcpu, (q >> 16) & 0xffff);
	}
}

static int handle_dr(struct minivmm_vcpu *vcpu)
{
	u64 q = to_vmx(vcpu)->exit_qual;

	return minivmm_x86_mov_dr(vcpu, q & 7, (q >> 8) & 15, q & 16);
}

static int handle_exception_nmi(struct minivmm_vcpu *vcpu)
{
	u32 info = vmcs_read32(VM_EXIT_INTR_INFO);
	u8 vector = info & INTR_INFO_VECTOR_MASK;

	/* NMIs and machine checks went to the host with interrupts off already. */
	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR || vector == X86_TRAP_MC)
		return MINIVMM_RUN_RESUME;
	/*
	 * An exception raised while delivering another event: that event
	 * is re-injected (complete_idt_vectoring()) and the exception recurs
	 * if its cause remains.
	 */
	if (to_vmx(vcpu)->idt_vectoring & VECTORING_INFO_VALID_MASK)
		return MINIVMM_RUN_RESUME;
	if (vector == X86_TRAP_AC || vector == X86_TRAP_DB)
		return minivmm_x86_reflect_exception(vcpu, vector,
				(info & INTR_INFO_DELIVER_CODE_MASK) ?
				vmcs_read32(VM_EXIT_INTR_ERROR_CODE) : 0,
				to_vmx(vcpu)->exit_qual);
	return handle_unhandled(vcpu);
}

/*
 * The access that faulted, in the x86 layer's terms: a write, a fetch, or
 * not the final translation of a linear address (a guest page-table walk
 * or A/D update, a PDPTE load), and the event being delivered if any.
 */
static int handle_ept_violation(struct minivmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 q = vmx->exit_qual;
	const u64 final = EPT_VIOLATION_GVA_IS_VALID | EPT_VIOLATION_GVA_TRANSLATED;
	struct minivmm_tdp_fault f = {
		.gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS),
		.qual = q,
		.vectoring = (vmx->idt_vectoring & VECTORING_INFO_VALID_MASK) ?
			     vmx->idt_vectoring : 0,
		.flags = ((q & EPT_VIOLATION_ACC_WRITE) ? MINIVMM_TDP_WRITE : 0) |
			 ((q & EPT_VIOLATION_ACC_INSTR) ? MINIVMM_TDP_FETCH : 0) |
			 ((q & final) != final ? MINIVMM_TDP_NOT_DATA : 0),
	};

	return minivmm_x86_tdp_fault(vcpu, &f);
}

static int handle_resume(struct minivmm_vcpu *vcpu)
{
	return MINIVMM_RUN_RESUME;
}

typedef int (*vmx_exit_handler)(struct minivmm_vcpu *vcpu);

/*
 * Exits by basic reason; a missing entry is an INTERNAL_ERROR exit.
 * CPUID never gets here: vmx_vcpu_run() handles it with interrupts off.
 */
static const vmx_exit_handler vmx_exit_handlers[] = {
	[EXIT_REASON_EXCEPTION_NMI]		= handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT]	= handle_resume,
	[EXIT_REASON_PREEMPTION_TIMER]		= handle_resume,	/* slice ended */
	[EXIT_REASON_TRIPLE_FAULT]		= minivmm_x86_shutdown,
	[EXIT_REASON_INTERRUPT_WINDOW]		= minivmm_x86_irq_window_open,
	[EXIT_REASON_HLT]			= minivmm_x86_emulate_hlt,
	[EXIT_REASON_INVD]			= minivmm_x86_emulate_invd,
	[EXIT_REASON_WBINVD]			= minivmm_x86_emulate_invd,
	[EXIT_REASON_RDPMC]			= minivmm_x86_emulate_rdpmc,
	[EXIT_REASON_VMCALL]			= minivmm_x86_emulate_hypercall,
	[EXIT_REASON_CR_ACCESS]			= handle_cr,
	[EXIT_REASON_DR_ACCESS]			= handle_dr,
	[EXIT_REASON_IO_INSTRUCTION]		= handle_io,
	[EXIT_REASON_MSR_READ]			= minivmm_x86_emulate_rdmsr,
	[EXIT_REASON_MSR_WRITE]			= minivmm_x86_emulate_wrmsr,
	[EXIT_REASON_XSETBV]			= minivmm_x86_emulate_xsetbv,
	[EXIT_REASON_EPT_VIOLATION]		= handle_ept_violation,
	/* Not offered to the guest (CPUID says so): #UD. */
	[VMX_EXIT_GETSEC]			= minivmm_x86_inject_ud,
	[EXIT_REASON_VMCLEAR]			= minivmm_x86_inject_ud,
	[EXIT_REASON_VMLAUNCH]			= minivmm_x86_inject_ud,
	[EXIT_REASON_VMPTRLD]			= minivmm_x86_inject_ud,
	[EXIT_REASON_VMPTRST]			= minivmm_x86_inject_ud,
	[EXIT_REASON_VMREAD]			= minivmm_x86_inject_ud,
	[EXIT_REASON_VMRESUME]			= minivmm_x86_inject_ud,
	[EXIT_REASON_VMWRITE]			= minivmm_x86_inject_ud,
	[EXIT_REASON_VMOFF]			= minivmm_x86_inject_ud,
	[EXIT_REASON_VMON]			= minivmm_x86_inject_ud,
	[EXIT_REASON_INVEPT]			= minivmm_x86_inject_ud,
	[EXIT_REASON_INVVPID]			= minivmm_x86_inject_ud,
	[EXIT_REASON_VMFUNC]			= minivmm_x86_inject_ud,
	[EXIT_REASON_MWAIT_INSTRUCTION]		= minivmm_x86_inject_ud,
	[EXIT_REASON_MONITOR_INSTRUCTION]	= minivmm_x86_inject_ud,
};

/**
 * vmx_handle_exit() - what the last entry ended with, handled
 * @vcpu: the vCPU; preemptible, loaded.
 *
 * Return: MINIVMM_RUN_RESUME, MINIVMM_RUN_USER (entry failures included:
 * a FAIL_ENTRY exit, bit 63 marking VMfail with the VM-instruction error,
 * bit 62 VMX off on this CPU because the host reboots, else the exit
 * reason with bit 31), or a negative errno.
 */
int vmx_handle_exit(struct minivmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u16 reason;

	/* VMX is off here (the host reboots): bit 62, no VMCS to read. */
	if (unlikely(vmx->entry_failed == VMX_ENTER_FAULT))
		return minivmm_x86_entry_failed(vcpu, 1ULL << 62);
	if (unlikely(vmx->entry_failed))
		return minivmm_x86_entry_failed(vcpu, (1ULL << 63) |
						vmcs_read32(VM_INSTRUCTION_ERROR));
	/* A machine check during entry: the host handled it; enter again. */
	if ((u16)vmx->exit_reason == EXIT_REASON_MCE_DURING_VMENTRY)
		return MINIVMM_RUN_RESUME;
	if (unlikely(vmx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
		return minivmm_x86_entry_failed(vcpu, vmx->exit_reason);

	vmx->exit_qual = vmcs_readl(EXIT_QUALIFICATION);
	complete_idt_vectoring(vmx);
	reason = vmx->exit_reason;
	/* The frequent exits as direct calls (an indirect one costs more). */
	switch (reason) {
	case EXIT_REASON_IO_INSTRUCTION:
		return handle_io(vcpu);
	case EXIT_REASON_EPT_VIOLATION:
		return handle_ept_violation(vcpu);
	case EXIT_REASON_EXTERNAL_INTERRUPT:
	case EXIT_REASON_PREEMPTION_TIMER:
		return MINIVMM_RUN_RESUME;
	default:
		break;
	}
	if (reason < ARRAY_SIZE(vmx_exit_handlers) && vmx_exit_handlers[reason])
		return vmx_exit_handlers[reason](vcpu);
	return handle_unhandled(vcpu);
}
