/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Intel VT-x backend's own view of VMs and vCPUs: they embed the
 * generic structures (struct minivmm_vm, struct minivmm_vcpu), reached
 * with container_of(). Nothing outside kmod/vmx/ includes this file.
 */
#ifndef MINIVMM_VMX_H
#define MINIVMM_VMX_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include "../vm.h"
#include "../arch_ops.h"
#include "../x86/virt_hw.h"

/**
 * struct vmx_config - VMX controls and limits chosen once at first use
 * @pin: pin-based VM-execution controls.
 * @proc: primary processor-based VM-execution controls.
 * @proc2: secondary processor-based VM-execution controls.
 * @exit: VM-exit controls.
 * @entry: VM-entry controls.
 * @cr0_fixed0: CR0 bits that must be 1.
 * @cr0_fixed1: CR0 bits that may be 1.
 * @cr4_fixed0: CR4 bits that must be 1.
 * @cr4_fixed1: CR4 bits that may be 1.
 * @revision_id: VMCS revision identifier.
 * @ept_vpid_cap: IA32_VMX_EPT_VPID_CAP.
 * @host_efer: host IA32_EFER.
 * @host_pat: host IA32_PAT.
 * @preempt_ticks: VMX-preemption timer value armed at each entry.
 * @l1d_flush: flush the L1D before each entry (L1TF).
 */
struct vmx_config {
	u32 pin;
	u32 proc;
	u32 proc2;
	u32 exit;
	u32 entry;
	u64 cr0_fixed0;
	u64 cr0_fixed1;
	u64 cr4_fixed0;
	u64 cr4_fixed1;
	u32 revision_id;
	u64 ept_vpid_cap;
	u64 host_efer;
	u64 host_pat;
	u32 preempt_ticks;
	bool l1d_flush;
};

extern struct vmx_config vmx_cfg;
extern struct minivmm_tdp_format vmx_ept_format;

/**
 * struct vmx_vm - a VM on VT-x
 * @vm: the generic VM (its ->arch holds the EPT tables).
 * @eptp: the EPT pointer written to each VMCS.
 */
struct vmx_vm {
	struct minivmm_vm vm;
	u64 eptp;
};

/**
 * struct vmx_vcpu - a vCPU on VT-x
 * @vcpu: the generic vCPU (its ->arch holds the x86 state).
 * @vmcs: the VMCS region.
 * @vmcs_pa: its physical address.
 * @launched: VMLAUNCH done since the last VMCLEAR (use VMRESUME).
 * @loaded_link: entry in the per-CPU list of VMCSs active on @vcpu.cpu.
 * @kernel_gs_base: guest MSR_KERNEL_GS_BASE while not loaded in hardware.
 * @vpid: VPID (0: none).
 * @guest_state_loaded: the guest's KERNEL_GS_BASE is in the MSR now.
 * @host_fs_sel: host FS selector saved by vmx_vcpu_load().
 * @host_gs_sel: host GS selector.
 * @host_ds_sel: host DS selector.
 * @host_es_sel: host ES selector.
 * @host_ldt_sel: host LDT selector.
 * @host_kernel_gs_base: host MSR_KERNEL_GS_BASE.
 * @host_debugctl: host IA32_DEBUGCTL, restored after each exit (exits clear it).
 * @host_cr3: HOST_CR3 written in the VMCS.
 * @host_cr4: HOST_CR4 written in the VMCS.
 * @entry_failed: the last VMLAUNCH/VMRESUME failed: 1 VMfail, 2 not tried
 *	or faulted because VMX is off on this CPU (the host is rebooting).
 * @exit_reason: basic exit reason of the last exit (bit 31: entry failure).
 * @exit_qual: its exit qualification.
 * @idt_vectoring: its IDT-vectoring information (the event whose delivery
 *	the exit interrupted; bit 31 clear when none).
 */
struct vmx_vcpu {
	struct minivmm_vcpu vcpu;
	void *vmcs;
	u64 vmcs_pa;
	bool launched;
	struct list_head loaded_link;
	u64 kernel_gs_base;
	u16 vpid;
	bool guest_state_loaded;
	u16 host_fs_sel;
	u16 host_gs_sel;
	u16 host_ds_sel;
	u16 host_es_sel;
	u16 host_ldt_sel;
	u64 host_kernel_gs_base;
	u64 host_debugctl;
	unsigned long host_cr3;
	unsigned long host_cr4;
	int entry_failed;
	u32 exit_reason;
	u64 exit_qual;
	u32 idt_vectoring;
};

static inline struct vmx_vcpu *to_vmx(struct minivmm_vcpu *vcpu)
{
	return container_of(vcpu, struct vmx_vcpu, vcpu);
}

static inline struct vmx_vm *to_vmx_vm(struct minivmm_vm *vm)
{
	return container_of(vm, struct vmx_vm, vm);
}

/* minivmm_vmx_enter() results besides 0 (a VM exit happened). */
#define VMX_ENTER_VMFAIL	1
#define VMX_ENTER_FAULT		2

/* vmx_enter.S */
int noinstr minivmm_vmx_enter(unsigned long *regs, int launched);
void minivmm_vmx_vmexit(void);

/* vmx_hw.c: VMX operation on one CPU (x86/virt_hw.c says when) */
int vmx_hw_init(void);
void vmx_hw_exit(void);
void vmx_track_loaded(struct vmx_vcpu *vmx, int cpu);
void vmx_vmclear_on_cpu(struct vmx_vcpu *vmx);
void vmx_set_current(struct vmx_vcpu *vmx);
struct vmx_vcpu *vmx_current(void);
void vmx_invept_all_cpus(u64 eptp);

/* This CPU is in VMX operation (vmx_hw.c). */
DECLARE_PER_CPU(bool, vmx_on);

/**
 * vmx_on_this_cpu() - may a VM entry be tried on this CPU?
 *
 * Return: true when this CPU is in VMX operation and the host is not
 * rebooting (preemption off).
 */
static inline bool vmx_on_this_cpu(void)
{
	return this_cpu_read(vmx_on) && !READ_ONCE(minivmm_virt_rebooting);
}

/* vmx_config.c */
int vmx_config_setup(void);

/* vmx_vmcs.c: VMCS contents */
void vmx_vmcs_init(struct vmx_vcpu *vmx);
void vmx_vmcs_set_host_percpu(void);
void vmx_set_cr0(struct minivmm_vcpu *vcpu, u64 cr0);
void vmx_set_cr4(struct minivmm_vcpu *vcpu, u64 cr4);
void vmx_set_efer(struct minivmm_vcpu *vcpu, u64 efer);
bool vmx_cr4_supported(u64 cr4);

/* vmx_vcpu.c */
int vmx_vcpu_create(struct minivmm_vcpu *vcpu);
void vmx_vcpu_free(struct minivmm_vcpu *vcpu);
void vmx_vcpu_load(struct minivmm_vcpu *vcpu, int cpu);
void vmx_vcpu_put(struct minivmm_vcpu *vcpu);

/* vmx_state.c: guest state in the VMCS */
unsigned long vmx_get_rsp(struct minivmm_vcpu *vcpu);
void vmx_set_rsp(struct minivmm_vcpu *vcpu, unsigned long val);
unsigned long vmx_get_rip(struct minivmm_vcpu *vcpu);
void vmx_set_rip(struct minivmm_vcpu *vcpu, unsigned long val);
unsigned long vmx_get_rflags(struct minivmm_vcpu *vcpu);
void vmx_set_rflags(struct minivmm_vcpu *vcpu, unsigned long val);
int vmx_get_cpl(struct minivmm_vcpu *vcpu);
void vmx_get_segment(struct minivmm_vcpu *vcpu, struct minivmm_segment *s,
		     enum minivmm_sreg seg);
void vmx_set_segment(struct minivmm_vcpu *vcpu, const struct minivmm_segment *s,
		     enum minivmm_sreg seg);
void vmx_get_dtables(struct minivmm_vcpu *vcpu, struct minivmm_dtable *gdt,
		     struct minivmm_dtable *idt);
void vmx_set_dtables(struct minivmm_vcpu *vcpu, const struct minivmm_dtable *gdt,
		     const struct minivmm_dtable *idt);
u64 vmx_get_cr3(struct minivmm_vcpu *vcpu);
void vmx_set_cr3(struct minivmm_vcpu *vcpu, u64 cr3);
u64 vmx_get_dr7(struct minivmm_vcpu *vcpu);
void vmx_set_dr7(struct minivmm_vcpu *vcpu, u64 dr7);
int vmx_get_msr(struct minivmm_vcpu *vcpu, u32 index, u64 *data);
int vmx_set_msr(struct minivmm_vcpu *vcpu, u32 index, u64 data);

/* vmx_run.c */
int vmx_vcpu_run(struct minivmm_vcpu *vcpu);
void vmx_skip_instruction(struct minivmm_vcpu *vcpu);
void vmx_queue_exception(struct minivmm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error);
bool vmx_interrupt_allowed(struct minivmm_vcpu *vcpu);
void vmx_inject_irq(struct minivmm_vcpu *vcpu, u8 vector);
void vmx_set_irq_window(struct minivmm_vcpu *vcpu, bool on);

/* vmx_exit.c */
int vmx_handle_exit(struct minivmm_vcpu *vcpu);

/* vmx_ept.c */
int vmx_vm_init(struct minivmm_vm *vm);
void vmx_vm_destroy(struct minivmm_vm *vm);
void vmx_flush_tlb(struct minivmm_vcpu *vcpu);
void vmx_ept_format_setup(void);

#endif /* MINIVMM_VMX_H */
