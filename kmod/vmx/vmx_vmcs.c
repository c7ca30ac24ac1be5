// SPDX-License-Identifier: GPL-2.0
/*
 * What goes into a VMCS: controls, the host state VM exits return to, and
 * the architectural reset state a new vCPU starts in (Intel SDM Vol. 3,
 * 10.1.1: real mode, CS.base 0xffff0000, RIP 0xfff0).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/desc.h>
#include <asm/trapnr.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/vmx.h>
#include "vmx.h"
#include "vmx_ops.h"
#include "x86/x86.h"

/*
 * Intercepted exceptions: #AC and #DB (a guest whose delivery of them
 * faults again would loop in microcode, CVE-2015-5307 / CVE-2015-8104;
 * intercepted, each round is one exit), #MC (the host's handler owns it).
 */
#define VMX_EXCEPTION_BITMAP	(BIT(X86_TRAP_AC) | BIT(X86_TRAP_DB) | BIT(X86_TRAP_MC))

/* Guest-owned CR0 bits (no exit on write). Everything else is intercepted. */
#define GUEST_OWNED_CR0		X86_CR0_TS

/* Access rights: real-mode code/data, LDT, busy 32-bit TSS (SDM 25.4.1). */
#define AR_CODE_RESET		0x9b
#define AR_DATA_RESET		0x93
#define AR_LDT_RESET		0x82
#define AR_TSS_RESET		0x8b

/* DR7 after reset: bit 10 reads as 1 (SDM Vol. 3, 17.2.4). */
#define DR7_RESET		0x400UL

static void set_host_constant_state(void)
{
	struct desc_ptr idt;
	u32 lo, hi;

	vmcs_writel(HOST_CR0, read_cr0() & ~X86_CR0_TS);
	vmcs_write16(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write16(HOST_DS_SELECTOR, 0);
	vmcs_write16(HOST_ES_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	store_idt(&idt);
	vmcs_writel(HOST_IDTR_BASE, idt.address);
	vmcs_writel(HOST_RIP, (unsigned long)minivmm_vmx_vmexit);
	rdmsr(MSR_IA32_SYSENTER_CS, lo, hi);
	vmcs_write32(HOST_IA32_SYSENTER_CS, lo);
	rdmsr(MSR_IA32_SYSENTER_EIP, lo, hi);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, ((u64)hi << 32) | lo);
	vmcs_write64(HOST_IA32_EFER, vmx_cfg.host_efer);
	vmcs_write64(HOST_IA32_PAT, vmx_cfg.host_pat);
}

/**
 * vmx_vmcs_set_host_percpu() - host state that differs between CPUs
 *
 * Called with preemption off after the VMCS became current on a new CPU.
 */
void vmx_vmcs_set_host_percpu(void)
{
	int cpu = smp_processor_id();
	u64 val;

	vmcs_writel(HOST_TR_BASE, (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_writel(HOST_GDTR_BASE, (unsigned long)get_current_gdt_ro());
	rdmsrl(MSR_IA32_SYSENTER_ESP, val);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, val);
	rdmsrl(MSR_GS_BASE, val);
	vmcs_writel(HOST_GS_BASE, val);
}

static void set_segment_reset(unsigned long sel, unsigned long base,
			      unsigned long limit, unsigned long ar,
			      u16 selector, u64 base_val, u32 ar_val)
{
	vmcs_write16(sel, selector);
	vmcs_writel(base, base_val);
	vmcs_write32(limit, 0xffff);
	vmcs_write32(ar, ar_val);
}

static void set_guest_reset_state(struct vmx_vcpu *vmx)
{
	set_segment_reset(GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT,
			  GUEST_CS_AR_BYTES, 0xf000, 0xffff0000, AR_CODE_RESET);
	set_segment_reset(GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT,
			  GUEST_DS_AR_BYTES, 0, 0, AR_DATA_RESET);
	set_segment_reset(GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT,
			  GUEST_ES_AR_BYTES, 0, 0, AR_DATA_RESET);
	set_segment_reset(GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT,
			  GUEST_SS_AR_BYTES, 0, 0, AR_DATA_RESET);
	set_segment_reset(GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT,
			  GUEST_FS_AR_BYTES, 0, 0, AR_DATA_RESET);
	set_segment_reset(GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT,
			  GUEST_GS_AR_BYTES, 0, 0, AR_DATA_RESET);
	set_segment_reset(GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT,
			  GUEST_LDTR_AR_BYTES, 0, 0, AR_LDT_RESET);
	set_segment_reset(GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT,
			  GUEST_TR_AR_BYTES, 0, 0, AR_TSS_RESET);
	vmcs_writel(GUEST_GDTR_BASE, 0);
	vmcs_write32(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0xffff);

	vmcs_writel(GUEST_RIP, 0xfff0);
	vmcs_writel(GUEST_RSP, 0);
	vmcs_writel(GUEST_RFLAGS, X86_EFLAGS_FIXED);
	vmcs_writel(GUEST_CR3, 0);
	vmcs_writel(GUEST_DR7, DR7_RESET);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write64(GUEST_IA32_PAT, 0x0007040600070406ULL);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);
	vmcs_write64(GUEST_IA32_EFER, 0);
	minivmm_x86_vcpu_reset(&vmx->vcpu);
}

/**
 * vmx_vmcs_init() - fill a new vCPU's VMCS; it is current on this CPU
 * @vmx: the vCPU.
 */
void vmx_vmcs_init(struct vmx_vcpu *vmx)
{
	struct vmx_vm *vvm = to_vmx_vm(vmx->vcpu.vm);

	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, vmx_cfg.pin);
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, vmx_cfg.proc);
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL,
		     vmx->vpid ? vmx_cfg.proc2 : vmx_cfg.proc2 & ~SECONDARY_EXEC_ENABLE_VPID);
	vmcs_write32(VM_EXIT_CONTROLS, vmx_cfg.exit);
	vmcs_write32(VM_ENTRY_CONTROLS, vmx_cfg.entry);
	vmcs_write32(EXCEPTION_BITMAP, VMX_EXCEPTION_BITMAP);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	if (vmx_cfg.proc & CPU_BASED_USE_TSC_OFFSETTING)
		vmcs_write64(TSC_OFFSET, 0);
	vmcs_write64(EPT_POINTER, vvm->eptp);
	if (vmx->vpid)
		vmcs_write16(VIRTUAL_PROCESSOR_ID, vmx->vpid);
	vmcs_writel(CR0_GUEST_HOST_MASK, ~(unsigned long)GUEST_OWNED_CR0);
	vmcs_writel(CR4_GUEST_HOST_MASK, ~0UL);

	set_host_constant_state();
	set_guest_reset_state(vmx);
}

/**
 * vmx_set_cr0() - make a (valid) CR0 value the guest's
 * @vcpu: the vCPU (loaded); vcpu->arch.cr0 already holds @cr0.
 * @cr0: the value the guest sees.
 *
 * The hardware value adds the bits VMX requires (NE; PE and PG too without
 * unrestricted guest).
 */
void vmx_set_cr0(struct minivmm_vcpu *vcpu, u64 cr0)
{
	u64 fixed0 = vmx_cfg.cr0_fixed0;

	if (vmx_cfg.proc2 & SECONDARY_EXEC_UNRESTRICTED_GUEST)
		fixed0 &= ~(u64)(X86_CR0_PE | X86_CR0_PG);
	vmcs_writel(CR0_READ_SHADOW, cr0);
	vmcs_writel(GUEST_CR0, (cr0 | fixed0) & vmx_cfg.cr0_fixed1);
}

/**
 * vmx_set_cr4() - make a (valid) CR4 value the guest's
 * @vcpu: the vCPU (loaded).
 * @cr4: the value the guest sees; the hardware value adds VMXE.
 */
void vmx_set_cr4(struct minivmm_vcpu *vcpu, u64 cr4)
{
	vmcs_writel(CR4_READ_SHADOW, cr4);
	vmcs_writel(GUEST_CR4, (cr4 | vmx_cfg.cr4_fixed0) & vmx_cfg.cr4_fixed1);
}

/**
 * vmx_cr4_supported() - may a VMX guest run with these CR4 bits?
 * @cr4: the guest's value.
 *
 * Return: true when IA32_VMX_CR4_FIXED1 allows every bit.
 */
bool vmx_cr4_supported(u64 cr4)
{
	return !(cr4 & ~(vmx_cfg.cr4_fixed1 | X86_CR4_VMXE));
}

/**
 * vmx_set_efer() - make a (valid) EFER value the guest's
 * @vcpu: the vCPU (loaded).
 * @efer: the value; LMA selects the "IA-32e mode guest" entry control.
 */
void vmx_set_efer(struct minivmm_vcpu *vcpu, u64 efer)
{
	vmcs_write64(GUEST_IA32_EFER, efer);
	if (efer & EFER_LMA)
		vmcs_set_bits(VM_ENTRY_CONTROLS, VM_ENTRY_IA32E_MODE);
	else
		vmcs_clear_bits(VM_ENTRY_CONTROLS, VM_ENTRY_IA32E_MODE);
}
