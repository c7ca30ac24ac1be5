// SPDX-License-Identifier: GPL-2.0
/*
 * Chooses the VMX controls minivmm runs guests with, from the capability
 * MSRs: what minivmm needs (min) and what it uses when offered (opt).
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>
#include <asm/fpu/xcr.h>
#include <asm/cpufeature.h>
#include <asm/tsc.h>
#include "vmx.h"

struct vmx_config vmx_cfg;

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
		pr_err("minivmm: VMX control MSR 0x%x lacks 0x%x\n", msr, min & ~ctl);
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

	r = adjust_controls(PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING,
			    PIN_BASED_VMX_PREEMPTION_TIMER,
			    true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
			    MSR_IA32_VMX_PINBASED_CTLS, &c.pin);
	if (r)
		return r;
	r = adjust_controls(CPU_BASED_HLT_EXITING | CPU_BASED_CR8_LOAD_EXITING |
			    CPU_BASED_CR8_STORE_EXITING | CPU_BASED_UNCOND_IO_EXITING |
			    CPU_BASED_MOV_DR_EXITING | CPU_BASED_MWAIT_EXITING |
			    CPU_BASED_MONITOR_EXITING |
			    CPU_BASED_ACTIVATE_SECONDARY_CONTROLS,
			    CPU_BASED_USE_TSC_OFFSETTING,
			    true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
			    MSR_IA32_VMX_PROCBASED_CTLS, &c.proc);
	if (r)
		return r;
	r = adjust_controls(SECONDARY_EXEC_ENABLE_EPT,
			    SECONDARY_EXEC_UNRESTRICTED_GUEST | SECONDARY_EXEC_ENABLE_VPID,
			    MSR_IA32_VMX_PROCBASED_CTLS2, &c.proc2);
	if (r)
		return r;
	r = adjust_controls(VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER |
			    VM_EXIT_LOAD_IA32_EFER | VM_EXIT_SAVE_IA32_PAT |
			    VM_EXIT_LOAD_IA32_PAT, 0,
			    true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
			    MSR_IA32_VMX_EXIT_CTLS, &c.exit);
	if (r)
		return r;
	/* ACK_INTR_ON_EXIT stays off: the host takes the interrupt itself. */
	c.exit &= ~VM_EXIT_ACK_INTR_ON_EXIT;
	r = adjust_controls(VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_IA32_PAT, 0,
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
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		c.host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	vmx_cfg = c;
	return 0;
}
