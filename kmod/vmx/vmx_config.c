// SPDX-License-Identifier: GPL-2.0
/*
 * Chooses the VMX controls minivmm runs guests with, from the capability
 * MSRs: what minivmm needs (required) and what it uses when offered
 * (optional), all named in the table below.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/printk.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>
#include <asm/cpufeature.h>
#include <asm/tsc.h>
#include <asm/processor.h>
#include <asm/vmx.h>
#include "vmx.h"

struct vmx_config vmx_cfg;

/*
 * The controls: required ones fail the backend's set-up when missing,
 * optional ones are used when the CPU offers them.
 * Pin-based: external interrupts and NMIs exit (the host takes them);
 * the preemption timer bounds a stay in the guest.
 */
#define PIN_REQUIRED	(PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING)
#define PIN_OPTIONAL	PIN_BASED_VMX_PREEMPTION_TIMER
/* Primary: HLT, CR8, port I/O, MOV DR, RDPMC and MONITOR/MWAIT exit. */
#define PROC_REQUIRED	(CPU_BASED_HLT_EXITING | CPU_BASED_CR8_LOAD_EXITING | \
			 CPU_BASED_CR8_STORE_EXITING | CPU_BASED_UNCOND_IO_EXITING | \
			 CPU_BASED_MOV_DR_EXITING | CPU_BASED_MWAIT_EXITING | \
			 CPU_BASED_MONITOR_EXITING | CPU_BASED_RDPMC_EXITING | \
			 CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)
#define PROC_OPTIONAL	CPU_BASED_USE_TSC_OFFSETTING
/*
 * Secondary: EPT always; real mode without paging, VPIDs and WBINVD exiting
 * (a guest must not flush the host's caches) when offered.
 */
#define PROC2_REQUIRED	SECONDARY_EXEC_ENABLE_EPT
#define PROC2_OPTIONAL	(SECONDARY_EXEC_UNRESTRICTED_GUEST | SECONDARY_EXEC_ENABLE_VPID | \
			 SECONDARY_EXEC_WBINVD_EXITING)
/*
 * Exit: 64-bit host; EFER and PAT saved and loaded; the guest's DR7 and
 * DEBUGCTL saved (the host's come back: DR7 0x400, DEBUGCTL 0, then
 * restored by software).
 */
#define EXIT_REQUIRED	(VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER | \
			 VM_EXIT_LOAD_IA32_EFER | VM_EXIT_SAVE_IA32_PAT | \
			 VM_EXIT_LOAD_IA32_PAT | VM_EXIT_SAVE_DEBUG_CONTROLS)
#define EXIT_OPTIONAL	0
/* Entry: the guest's EFER, PAT, DR7 and DEBUGCTL loaded. */
#define ENTRY_REQUIRED	(VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_IA32_PAT | \
			 VM_ENTRY_LOAD_DEBUG_CONTROLS)
#define ENTRY_OPTIONAL	0

/*
 * A control MSR holds the allowed-0 settings (bits that must be 1) in its
 * low half and the allowed-1 settings (bits that may be 1) in its high half.
 */
static int adjust_controls(u32 min, u32 opt, u32 msr, u32 *result)
{
	u32 must, may, ctl;
	u64 val;

	if (rdmsrl_safe(msr, &val))
		return -EIO;
	must = (u32)val;
	may = (u32)(val >> 32);
	ctl = ((min | opt) & may) | must;
	if ((ctl & min) != min) {
		pr_err("VMX control MSR 0x%x lacks 0x%x\n", msr, min & ~ctl);
		return -EIO;
	}
	*result = ctl;
	return 0;
}

/*
 * The VMX-preemption timer bounds each stay in the guest to about one
 * millisecond, whatever the guest does. On hardware, host interrupts end a
 * stay sooner anyway; the timer is a backstop for emulators that fail to
 * deliver external-interrupt exits while the guest runs with RFLAGS.IF=0
 * (Bochs 2.7 recomputes its interrupt mask before it marks the CPU as in
 * VMX non-root operation). It ticks once per 2^MISC[4:0] TSC cycles.
 */
#define GUEST_SLICE_US	1000

static u32 preempt_ticks(void)
{
	u64 misc, ticks;

	if (rdmsrl_safe(MSR_IA32_VMX_MISC, &misc))
		return 0;
	ticks = ((u64)tsc_khz * GUEST_SLICE_US / 1000) >> (misc & 0x1f);
	return clamp_t(u64, ticks, 1, U32_MAX);
}

/*
 * L1TF: a guest could read host data left in the L1D through a not-present
 * EPT entry; flush it before every entry where the CPU has the bug, the
 * kernel mitigates it and the CPU does not say entries need no flush.
 */
static bool l1d_flush_needed(void)
{
	u64 cap = 0;

	if (!boot_cpu_has_bug(X86_BUG_L1TF) || l1tf_mitigation == L1TF_MITIGATION_OFF)
		return false;
	if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES))
		rdmsrl_safe(MSR_IA32_ARCH_CAPABILITIES, &cap);
	if (cap & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH)
		return false;
	if (!boot_cpu_has(X86_FEATURE_FLUSH_L1D)) {
		pr_warn("L1TF: this CPU cannot flush its L1D on VM entry (no IA32_FLUSH_CMD); guests may read host data\n");
		return false;
	}
	return true;
}

/**
 * vmx_config_setup() - choose VMX controls and read the fixed CR bits
 *
 * Return: 0, or -EIO when the CPU lacks a control minivmm needs.
 */
int vmx_config_setup(void)
{
	struct vmx_config c = {};
	bool true_ctls;
	u64 basic;
	int r;

	if (rdmsrl_safe(MSR_IA32_VMX_BASIC, &basic))
		return -EIO;
	true_ctls = basic & VMX_BASIC_TRUE_CTLS;
	c.revision_id = (u32)basic & 0x7fffffff;

	r = adjust_controls(PIN_REQUIRED, PIN_OPTIONAL,
			    true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
			    MSR_IA32_VMX_PINBASED_CTLS, &c.pin);
	if (r)
		return r;
	r = adjust_controls(PROC_REQUIRED, PROC_OPTIONAL,
			    true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
			    MSR_IA32_VMX_PROCBASED_CTLS, &c.proc);
	if (r)
		return r;
	r = adjust_controls(PROC2_REQUIRED, PROC2_OPTIONAL,
			    MSR_IA32_VMX_PROCBASED_CTLS2, &c.proc2);
	if (r)
		return r;
	r = adjust_controls(EXIT_REQUIRED, EXIT_OPTIONAL,
			    true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
			    MSR_IA32_VMX_EXIT_CTLS, &c.exit);
	if (r)
		return r;
	/* ACK_INTR_ON_EXIT stays off: the host takes the interrupt itself. */
	c.exit &= ~VM_EXIT_ACK_INTR_ON_EXIT;
	r = adjust_controls(ENTRY_REQUIRED, ENTRY_OPTIONAL,
			    true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
			    MSR_IA32_VMX_ENTRY_CTLS, &c.entry);
	if (r)
		return r;
	/* IA-32e mode guest is set per vCPU from its EFER.LMA. */
	c.entry &= ~VM_ENTRY_IA32E_MODE;

	if (rdmsrl_safe(MSR_IA32_VMX_CR0_FIXED0, &c.cr0_fixed0) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR0_FIXED1, &c.cr0_fixed1) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR4_FIXED0, &c.cr4_fixed0) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR4_FIXED1, &c.cr4_fixed1) ||
	    rdmsrl_safe(MSR_IA32_VMX_EPT_VPID_CAP, &c.ept_vpid_cap))
		return -EIO;
	c.preempt_ticks = preempt_ticks();
	rdmsrl(MSR_EFER, c.host_efer);
	rdmsrl(MSR_IA32_CR_PAT, c.host_pat);
	c.l1d_flush = l1d_flush_needed();
	vmx_cfg = c;
	vmx_ept_format_setup();
	return 0;
}
