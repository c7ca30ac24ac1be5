/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Intel VT-x backend's own view of VMs and vCPUs. Nothing outside
 * kmod/vmx/ includes this file.
 */
#ifndef MINIVMM_VMX_H
#define MINIVMM_VMX_H

#include <linux/types.h>
#include <linux/list.h>
#include "../vm.h"
#include "common/insn_decode.h"

/* Guest general-purpose registers, indexed by x86 register number. */
enum {
	VREG_RAX, VREG_RCX, VREG_RDX, VREG_RBX, VREG_RSP, VREG_RBP, VREG_RSI,
	VREG_RDI, VREG_R8, VREG_R9, VREG_R10, VREG_R11, VREG_R12, VREG_R13,
	VREG_R14, VREG_R15, VREG_NR
};

/**
 * struct vmx_config - VMX controls and limits chosen once at first use
 * @pin: pin-based controls. @proc: primary processor-based controls.
 * @proc2: secondary controls. @exit: VM-exit controls. @entry: VM-entry.
 * @cr0_fixed0: CR0 bits that must be 1. @cr0_fixed1: bits that may be 1.
 * @cr4_fixed0: CR4 bits that must be 1. @cr4_fixed1: bits that may be 1.
 * @revision_id: VMCS revision identifier.
 * @ept_vpid_cap: IA32_VMX_EPT_VPID_CAP.
 * @host_efer: host IA32_EFER. @host_pat: host IA32_PAT.
 * @host_xcr0: host XCR0 (0 without XSAVE).
 * @preempt_ticks: VMX-preemption timer value armed at each entry.
 */
struct vmx_config {
	u32 pin, proc, proc2, exit, entry;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u32 revision_id;
	u64 ept_vpid_cap;
	u64 host_efer, host_pat, host_xcr0;
	u32 preempt_ticks;
};

extern struct vmx_config vmx_cfg;

/**
 * struct vmx_vm - backend state of a VM: its EPT
 * @ept_root: the PML4 page.
 * @eptp: the EPT pointer written to each VMCS.
 * @ept_pages: EPT table pages in use, root included.
 * @ad: EPT accessed and dirty flags are on.
 */
struct vmx_vm {
	struct page *ept_root;
	u64 eptp;
	unsigned long ept_pages;
	bool ad;
};

#define VMX_EPT_CACHE_PAGES	4

/**
 * struct vmx_vcpu - backend state of a vCPU
 * @vcpu: the common vCPU.
 * @vmcs: the VMCS region. @vmcs_pa: its physical address.
 * @launched: VMLAUNCH done since the last VMCLEAR (use VMRESUME).
 * @loaded_link: entry in the per-CPU list of VMCSs active on @vcpu->cpu.
 * @regs: guest GPRs (RSP lives in the VMCS).
 * @cr0: guest's view of CR0. @cr4: guest's view of CR4. @cr2: guest CR2.
 * @cr8: guest TPR. @efer: guest IA32_EFER. @xcr0: guest XCR0.
 * @dr: guest DR0-DR3 and DR6 (index 4 unused), emulated only.
 * @kernel_gs_base: guest MSR_KERNEL_GS_BASE while not loaded in hardware.
 * @vpid: VPID (0: none).
 * @guest_state_loaded: the guest's KERNEL_GS_BASE is in the MSR now.
 * @host_fs_sel: host selectors saved by vmx_vcpu_load(). @host_gs_sel, @host_ds_sel,
 *	@host_es_sel, @host_ldt_sel likewise.
 * @host_kernel_gs_base: host MSR_KERNEL_GS_BASE.
 * @host_debugctl: host IA32_DEBUGCTL, restored after each exit (exits clear it).
 * @host_cr3: HOST_CR3 written in the VMCS. @host_cr4: HOST_CR4 likewise.
 * @exit_reason: basic exit reason of the last exit (bit 31: entry failure).
 * @exit_qual: its exit qualification.
 * @ept_cache: free pages for EPT tables, filled before taking mmu_lock.
 * @ept_cache_nr: pages in @ept_cache.
 * @mmio_read: the decoded instruction of a pending MMIO read exit.
 */
struct vmx_vcpu {
	struct minivmm_vcpu *vcpu;
	void *vmcs;
	u64 vmcs_pa;
	bool launched;
	struct list_head loaded_link;
	unsigned long regs[VREG_NR];
	u64 cr0, cr4, cr2, cr8, efer, xcr0;
	u64 dr[5];
	u64 kernel_gs_base;
	u16 vpid;
	bool guest_state_loaded;
	u16 host_fs_sel, host_gs_sel, host_ds_sel, host_es_sel, host_ldt_sel;
	u64 host_kernel_gs_base;
	u64 host_debugctl;
	unsigned long host_cr3, host_cr4;
	u32 exit_reason;
	u64 exit_qual;
	struct page *ept_cache[VMX_EPT_CACHE_PAGES];
	int ept_cache_nr;
	struct minivmm_mmio_insn mmio_read;
};

static inline struct vmx_vcpu *to_vmx(struct minivmm_vcpu *vcpu)
{
	return vcpu->arch;
}

static inline struct vmx_vm *to_vmx_vm(struct minivmm_vm *vm)
{
	return vm->arch;
}

/* DR7 bit 10 reads as 1 (SDM Vol. 3, 17.2.4). */
#define VMX_DR7_FIXED_1		0x400UL

/* Results of an exit handler. */
#define VMX_EXIT_RESUME		1	/* handled: enter the guest again */
#define VMX_EXIT_USER		0	/* run->exit_reason set: return to user */

/* vmx_enter.S */
int minivmm_vmx_enter(unsigned long *regs, int launched);
void minivmm_vmx_vmexit(void);

/* vmx_hw.c: VMX operation on every CPU while VMs exist */
int vmx_hardware_get(void);
void vmx_hardware_put(void);
int vmx_hw_init(void);
void vmx_hw_exit(void);
void vmx_track_loaded(struct vmx_vcpu *vmx, int cpu);
void vmx_vmclear_on_cpu(struct vmx_vcpu *vmx);
void vmx_set_current(struct vmx_vcpu *vmx);
struct vmx_vcpu *vmx_current(void);

/* vmx_config.c */
int vmx_config_setup(void);

/* vmx_vmcs.c: VMCS contents */
void vmx_vmcs_init(struct vmx_vcpu *vmx);
void vmx_vmcs_set_host_percpu(void);
void vmx_set_cr0(struct vmx_vcpu *vmx, u64 cr0);
void vmx_set_cr4(struct vmx_vcpu *vmx, u64 cr4);
void vmx_set_efer(struct vmx_vcpu *vmx, u64 efer);

/* vmx_vcpu.c */
int vmx_vcpu_create(struct minivmm_vcpu *vcpu);
void vmx_vcpu_free(struct minivmm_vcpu *vcpu);
void vmx_vcpu_load(struct minivmm_vcpu *vcpu, int cpu);
void vmx_vcpu_put(struct minivmm_vcpu *vcpu);

/* vmx_state.c: register ioctls */
int vmx_get_regs(struct minivmm_vcpu *vcpu, struct minivmm_regs *regs);
int vmx_set_regs(struct minivmm_vcpu *vcpu, const struct minivmm_regs *regs);
int vmx_get_sregs(struct minivmm_vcpu *vcpu, struct minivmm_sregs *sregs);
int vmx_set_sregs(struct minivmm_vcpu *vcpu, const struct minivmm_sregs *sregs);
int vmx_get_fpu(struct minivmm_vcpu *vcpu, struct minivmm_fpu *fpu);
bool vmx_cr0_valid(struct vmx_vcpu *vmx, u64 cr0);
bool vmx_cr4_valid(struct vmx_vcpu *vmx, u64 cr4);

/* vmx_msr.c */
int vmx_get_msr(struct vmx_vcpu *vmx, u32 index, u64 *data, bool host);
int vmx_set_msr(struct vmx_vcpu *vmx, u32 index, u64 data, bool host);

/* vmx_run.c */
int vmx_vcpu_enter(struct minivmm_vcpu *vcpu);
void vmx_complete_user_exit(struct minivmm_vcpu *vcpu);
void vmx_inject_exception(struct vmx_vcpu *vmx, u8 vector, bool has_error,
			  u32 error);
void vmx_skip_instruction(struct vmx_vcpu *vmx);

/* vmx_exit.c */
int vmx_handle_exit(struct vmx_vcpu *vmx);

/* vmx_mmio.c */
int vmx_mmio_access(struct vmx_vcpu *vmx, u64 gpa);
void vmx_mmio_complete(struct vmx_vcpu *vmx);

/* vmx_ept.c */
int vmx_vm_init(struct minivmm_vm *vm);
void vmx_vm_destroy(struct minivmm_vm *vm);
int vmx_ept_fault(struct vmx_vcpu *vmx, u64 gpa, u64 qual);
bool vmx_ept_zap(struct minivmm_vm *vm, u64 gpa, u64 size);
int vmx_ept_age(struct minivmm_vm *vm, u64 gpa, u64 size, bool clear);
void vmx_ept_flush(struct vmx_vcpu *vmx);
void vmx_ept_cache_free(struct vmx_vcpu *vmx);

#endif /* MINIVMM_VMX_H */
