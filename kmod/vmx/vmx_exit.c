// SPDX-License-Identifier: GPL-2.0
/*
 * VM-exit handlers. Handled here: CPUID, allowed RDMSR/WRMSR (others get
 * #GP), control- and debug-register accesses, XSETBV, interrupt windows,
 * external interrupts and NMIs, EPT violations. Exits to userspace: port
 * I/O, HLT, VMCALL, triple fault; anything else is an INTERNAL_ERROR exit
 * with the basic reason and qualification.
 */
#include <linux/kernel.h>
#include <asm/fpu/xcr.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>
#include <asm/vmx.h>
#include "vmx.h"
#include "vmx_insn.h"
#include "common/cpuid_filter.h"

/* GETSEC always exits (SDM Vol. 3, appendix C); Linux has no name for it. */
#define VMX_EXIT_GETSEC		11

/* Re-inject an event whose delivery the VM exit interrupted. */
static void complete_idt_vectoring(void)
{
	u32 idt = vmcs_read(IDT_VECTORING_INFO_FIELD);
	u32 type;

	if (!(idt & VECTORING_INFO_VALID_MASK))
		return;
	type = idt & VECTORING_INFO_TYPE_MASK;
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, idt & (VECTORING_INFO_VECTOR_MASK |
		   VECTORING_INFO_TYPE_MASK | VECTORING_INFO_DELIVER_CODE_MASK |
		   VECTORING_INFO_VALID_MASK));
	if (idt & VECTORING_INFO_DELIVER_CODE_MASK)
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE,
			   vmcs_read(IDT_VECTORING_ERROR_CODE));
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		vmcs_write(VM_ENTRY_INSTRUCTION_LEN, vmcs_read(VM_EXIT_INSTRUCTION_LEN));
}

static int internal_error(struct vmx_vcpu *vmx, u32 suberror, u32 ndata,
			  const u64 *data)
{
	struct minivmm_run *run = vmx->vcpu->run;
	u32 i;

	run->exit_reason = MINIVMM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = min_t(u32, ndata, ARRAY_SIZE(run->internal.data));
	for (i = 0; i < run->internal.ndata; i++)
		run->internal.data[i] = data[i];
	return VMX_EXIT_USER;
}

static int handle_unhandled(struct vmx_vcpu *vmx)
{
	u64 data[4] = { (u16)vmx->exit_reason, vmx->exit_qual,
			vmcs_read(GUEST_RIP), vmcs_read(VM_EXIT_INTR_INFO) };

	return internal_error(vmx, MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT, 4, data);
}

static int handle_io(struct vmx_vcpu *vmx)
{
	struct minivmm_vcpu *vcpu = vmx->vcpu;
	struct minivmm_run *run = vcpu->run;
	u64 q = vmx->exit_qual;
	u32 size = (q & 7) + 1;
	bool in = q & 8;

	if (q & 16) {	/* INS/OUTS (string, REP) */
		u64 data[3] = { q, q >> 16, vmcs_read(GUEST_RIP) };

		return internal_error(vmx, MINIVMM_INTERNAL_ERROR_STRING_IO, 3, data);
	}
	run->exit_reason = MINIVMM_EXIT_IO;
	run->io.direction = in ? MINIVMM_EXIT_IO_IN : MINIVMM_EXIT_IO_OUT;
	run->io.size = size;
	run->io.port = q >> 16;
	run->io.count = 1;
	run->io.data_offset = MINIVMM_PIO_DATA_OFFSET;
	if (in) {
		vcpu->pio_pending = true;
		vcpu->pio_size = size;
		memset((u8 *)run + MINIVMM_PIO_DATA_OFFSET, 0, 4);
	} else {
		u32 v = vmx->regs[VREG_RAX];

		memcpy((u8 *)run + MINIVMM_PIO_DATA_OFFSET, &v, 4);
	}
	vmx_skip_instruction(vmx);
	return VMX_EXIT_USER;
}

static int handle_cpuid(struct vmx_vcpu *vmx)
{
	struct minivmm_vcpu *vcpu = vmx->vcpu;
	u32 fn = vmx->regs[VREG_RAX], out[4];

	minivmm_cpuid_lookup(vcpu->cpuid, vcpu->cpuid_nent, fn, vmx->regs[VREG_RCX], out);
	/* CPUID.1:ECX.OSXSAVE mirrors the guest's CR4.OSXSAVE. */
	if (fn == 1) {
		out[2] &= ~BIT(27);
		if (vmx->cr4 & X86_CR4_OSXSAVE)
			out[2] |= BIT(27);
	}
	vmx->regs[VREG_RAX] = out[0];
	vmx->regs[VREG_RBX] = out[1];
	vmx->regs[VREG_RCX] = out[2];
	vmx->regs[VREG_RDX] = out[3];
	vmx_skip_instruction(vmx);
	return VMX_EXIT_RESUME;
}

static int handle_msr(struct vmx_vcpu *vmx, bool write)
{
	u32 index = vmx->regs[VREG_RCX];
	u64 data;

	if (write) {
		data = (vmx->regs[VREG_RDX] << 32) | (u32)vmx->regs[VREG_RAX];
		if (vmx_set_msr(vmx, index, data, false)) {
			vmx_inject_exception(vmx, X86_TRAP_GP, true, 0);
			return VMX_EXIT_RESUME;
		}
	} else {
		if (vmx_get_msr(vmx, index, &data, false)) {
			vmx_inject_exception(vmx, X86_TRAP_GP, true, 0);
			return VMX_EXIT_RESUME;
		}
		vmx->regs[VREG_RAX] = (u32)data;
		vmx->regs[VREG_RDX] = data >> 32;
	}
	vmx_skip_instruction(vmx);
	return VMX_EXIT_RESUME;
}

/* Guest CR4 bits minivmm lets a guest set (others: #GP). */
#define GUEST_CR4_ALLOWED (X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE | \
			   X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE | \
			   X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | \
			   X86_CR4_UMIP | X86_CR4_FSGSBASE | X86_CR4_PCIDE | \
			   X86_CR4_OSXSAVE | X86_CR4_SMEP | X86_CR4_SMAP)

/**
 * vmx_cr0_valid() - would this CR0 value make a MOV to CR0 succeed?
 * @vmx: the vCPU.
 * @cr0: the new value.
 *
 * Return: true when valid, false when the instruction must #GP.
 */
bool vmx_cr0_valid(struct vmx_vcpu *vmx, u64 cr0)
{
	if (cr0 >> 32)
		return false;
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE))
		return false;
	if ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD))
		return false;
	if ((cr0 & X86_CR0_PG) && !(vmx->cr0 & X86_CR0_PG) &&
	    (vmx->efer & EFER_LME) && !(vmx->cr4 & X86_CR4_PAE))
		return false;
	return true;
}

/**
 * vmx_cr4_valid() - would this CR4 value make a MOV to CR4 succeed?
 * @vmx: the vCPU.
 * @cr4: the new value.
 *
 * Return: true when valid.
 */
bool vmx_cr4_valid(struct vmx_vcpu *vmx, u64 cr4)
{
	u64 allowed = GUEST_CR4_ALLOWED & (vmx_cfg.cr4_fixed1 | X86_CR4_VMXE);

	if (cr4 & ~allowed)
		return false;
	if ((vmx->efer & EFER_LMA) && !(cr4 & X86_CR4_PAE))
		return false;
	return true;
}

static int handle_cr(struct vmx_vcpu *vmx)
{
	u64 q = vmx->exit_qual;
	u32 cr = q & 15, type = (q >> 4) & 3, reg = (q >> 8) & 15;
	unsigned long *r = &vmx->regs[reg];
	unsigned long val;

	if (reg == VREG_RSP && type <= 1)
		r = NULL;	/* RSP lives in the VMCS */
	val = r ? *r : vmcs_read(GUEST_RSP);

	switch (type) {
	case 0:	/* MOV to CR */
		switch (cr) {
		case 0:
			if (!vmx_cr0_valid(vmx, val))
				goto gp;
			vmx_set_cr0(vmx, val);
			break;
		case 3:
			vmcs_write(GUEST_CR3, val);
			break;
		case 4:
			if (!vmx_cr4_valid(vmx, val))
				goto gp;
			vmx_set_cr4(vmx, val);
			break;
		case 8:
			if (val & ~15UL)
				goto gp;
			vmx->cr8 = val;
			break;
		default:
			return handle_unhandled(vmx);
		}
		break;
	case 1:	/* MOV from CR */
		switch (cr) {
		case 3:
			val = vmcs_read(GUEST_CR3);
			break;
		case 8:
			val = vmx->cr8;
			break;
		default:
			return handle_unhandled(vmx);
		}
		if (r)
			*r = val;
		else
			vmcs_write(GUEST_RSP, val);
		break;
	case 2:	/* CLTS */
		vmx_set_cr0(vmx, vmx->cr0 & ~X86_CR0_TS);
		break;
	default: /* LMSW: the low four bits; it never clears PE */
		val = (q >> 16) & 0xf;
		vmx_set_cr0(vmx, (vmx->cr0 & ~0xeUL) | val | (vmx->cr0 & X86_CR0_PE));
		break;
	}
	vmx_skip_instruction(vmx);
	return VMX_EXIT_RESUME;
gp:
	vmx_inject_exception(vmx, X86_TRAP_GP, true, 0);
	return VMX_EXIT_RESUME;
}

/* MOV to/from DR0-3, DR6: kept in software only; DR7 lives in the VMCS. */
static int handle_dr(struct vmx_vcpu *vmx)
{
	u64 q = vmx->exit_qual;
	u32 dr = q & 7, reg = (q >> 8) & 15;
	bool from = q & 16;
	unsigned long val;

	if (dr == 4 || dr == 5) {
		if (vmx->cr4 & X86_CR4_DE) {
			vmx_inject_exception(vmx, X86_TRAP_UD, false, 0);
			return VMX_EXIT_RESUME;
		}
		dr += 2;
	}
	if (from) {
		val = dr == 7 ? vmcs_read(GUEST_DR7) : vmx->dr[dr == 6 ? 4 : dr];
		if (reg == VREG_RSP)
			vmcs_write(GUEST_RSP, val);
		else
			vmx->regs[reg] = val;
	} else {
		val = reg == VREG_RSP ? vmcs_read(GUEST_RSP) : vmx->regs[reg];
		if ((dr == 6 || dr == 7) && (val >> 32)) {
			vmx_inject_exception(vmx, X86_TRAP_GP, true, 0);
			return VMX_EXIT_RESUME;
		}
		if (dr == 7)
			vmcs_write(GUEST_DR7, (val & ~VMX_DR7_FIXED_1 & 0xffffffffUL) | VMX_DR7_FIXED_1);
		else
			vmx->dr[dr == 6 ? 4 : dr] = val;
	}
	vmx_skip_instruction(vmx);
	return VMX_EXIT_RESUME;
}

static int handle_xsetbv(struct vmx_vcpu *vmx)
{
	u64 val = (vmx->regs[VREG_RDX] << 32) | (u32)vmx->regs[VREG_RAX];
	u32 index = vmx->regs[VREG_RCX];

	if (index != 0 || !(val & XFEATURE_MASK_FP) || (val & ~vmx_cfg.host_xcr0) ||
	    ((val & XFEATURE_MASK_YMM) && !(val & XFEATURE_MASK_SSE)) ||
	    !(vmx->cr4 & X86_CR4_OSXSAVE)) {
		vmx_inject_exception(vmx, X86_TRAP_GP, true, 0);
		return VMX_EXIT_RESUME;
	}
	vmx->xcr0 = val;
	vmx_skip_instruction(vmx);
	return VMX_EXIT_RESUME;
}

static int handle_hypercall(struct vmx_vcpu *vmx)
{
	struct minivmm_run *run = vmx->vcpu->run;

	run->exit_reason = MINIVMM_EXIT_HYPERCALL;
	run->hypercall.nr = vmx->regs[VREG_RAX];
	run->hypercall.args[0] = vmx->regs[VREG_RBX];
	run->hypercall.args[1] = vmx->regs[VREG_RCX];
	run->hypercall.args[2] = vmx->regs[VREG_RDX];
	run->hypercall.args[3] = vmx->regs[VREG_RSI];
	run->hypercall.args[4] = vmx->regs[VREG_RDI];
	run->hypercall.args[5] = vmx->regs[VREG_R8];
	run->hypercall.ret = vmx->regs[VREG_RAX];
	vmx->vcpu->hypercall_pending = true;
	vmx_skip_instruction(vmx);
	return VMX_EXIT_USER;
}

static int handle_exception_nmi(struct vmx_vcpu *vmx)
{
	u32 info = vmcs_read(VM_EXIT_INTR_INFO);

	/* NMIs were re-raised on the host with interrupts off already. */
	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		return VMX_EXIT_RESUME;
	return handle_unhandled(vmx);
}

/**
 * vmx_handle_exit() - dispatch a VM exit by its basic reason
 * @vmx: the vCPU; preemptible, loaded.
 *
 * Return: VMX_EXIT_RESUME or VMX_EXIT_USER.
 */
int vmx_handle_exit(struct vmx_vcpu *vmx)
{
	struct minivmm_run *run = vmx->vcpu->run;

	vmx->exit_qual = vmcs_read(EXIT_QUALIFICATION);
	complete_idt_vectoring();

	switch ((u16)vmx->exit_reason) {
	case EXIT_REASON_EXTERNAL_INTERRUPT:
	case EXIT_REASON_PREEMPTION_TIMER:	/* the guest's slice ended */
		return VMX_EXIT_RESUME;
	case EXIT_REASON_EXCEPTION_NMI:
		return handle_exception_nmi(vmx);
	case EXIT_REASON_TRIPLE_FAULT:
		run->exit_reason = MINIVMM_EXIT_SHUTDOWN;
		return VMX_EXIT_USER;
	case EXIT_REASON_INTERRUPT_WINDOW:
		vmcs_clear_bits(CPU_BASED_VM_EXEC_CONTROL, CPU_BASED_INTR_WINDOW_EXITING);
		if (!vmx->vcpu->irq_pending && run->request_interrupt_window) {
			run->exit_reason = MINIVMM_EXIT_IRQ_WINDOW_OPEN;
			return VMX_EXIT_USER;
		}
		return VMX_EXIT_RESUME;
	case EXIT_REASON_CPUID:
		return handle_cpuid(vmx);
	case EXIT_REASON_HLT:
		vmx_skip_instruction(vmx);
		run->exit_reason = MINIVMM_EXIT_HLT;
		return VMX_EXIT_USER;
	case EXIT_REASON_INVD:
		vmx_skip_instruction(vmx);
		return VMX_EXIT_RESUME;
	case EXIT_REASON_VMCALL:
		return handle_hypercall(vmx);
	case EXIT_REASON_CR_ACCESS:
		return handle_cr(vmx);
	case EXIT_REASON_DR_ACCESS:
		return handle_dr(vmx);
	case EXIT_REASON_IO_INSTRUCTION:
		return handle_io(vmx);
	case EXIT_REASON_MSR_READ:
		return handle_msr(vmx, false);
	case EXIT_REASON_MSR_WRITE:
		return handle_msr(vmx, true);
	case EXIT_REASON_XSETBV:
		return handle_xsetbv(vmx);
	case EXIT_REASON_EPT_VIOLATION:
		return vmx_ept_fault(vmx, vmcs_read(GUEST_PHYSICAL_ADDRESS), vmx->exit_qual);
	case VMX_EXIT_GETSEC:
	case EXIT_REASON_VMCLEAR:
	case EXIT_REASON_VMLAUNCH:
	case EXIT_REASON_VMPTRLD:
	case EXIT_REASON_VMPTRST:
	case EXIT_REASON_VMREAD:
	case EXIT_REASON_VMRESUME:
	case EXIT_REASON_VMWRITE:
	case EXIT_REASON_VMOFF:
	case EXIT_REASON_VMON:
	case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID:
	case EXIT_REASON_VMFUNC:
	case EXIT_REASON_MWAIT_INSTRUCTION:
	case EXIT_REASON_MONITOR_INSTRUCTION:
		/* Not offered to the guest (CPUID says so): #UD. */
		vmx_inject_exception(vmx, X86_TRAP_UD, false, 0);
		return VMX_EXIT_RESUME;
	default:
		return handle_unhandled(vmx);
	}
}
