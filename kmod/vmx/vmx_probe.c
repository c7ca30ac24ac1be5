// SPDX-License-Identifier: GPL-2.0
/*
 * VT-x backend: can this CPU run minivmm guests, and what does it offer?
 * Reads CPUID, IA32_FEATURE_CONTROL, the VMX capability MSRs and CR4.VMXE;
 * kmod/vmx/vmx_caps_decode.c (kernel-free) turns them into caps and a verdict.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <asm/cpufeatures.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/tlbflush.h>
#include <asm/vmx.h>
#include "minivmm.h"
#include "vmx_caps_decode.h"
#include "vmx_probe.h"

/* The decoder's own bit definitions must agree with the kernel's. */
static_assert(VMX_DEC_CPUID1_ECX_VMX == (BIT(X86_FEATURE_VMX % 32)));
static_assert(X86_FEATURE_VMX / 32 == 4);	/* word 4: CPUID.1:ECX */
static_assert(VMX_DEC_FEAT_CTL_LOCKED == FEAT_CTL_LOCKED);
static_assert(VMX_DEC_FEAT_CTL_VMX_OUTSIDE_SMX == FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX);
static_assert(VMX_DEC_BASIC_TRUE_CTLS == VMX_BASIC_TRUE_CTLS);
static_assert(VMX_DEC_PIN_PREEMPTION_TIMER == PIN_BASED_VMX_PREEMPTION_TIMER);
static_assert(VMX_DEC_PROC_SECONDARY_CTLS == CPU_BASED_ACTIVATE_SECONDARY_CONTROLS);
static_assert(VMX_DEC_PROC2_EPT == SECONDARY_EXEC_ENABLE_EPT);
static_assert(VMX_DEC_PROC2_VPID == SECONDARY_EXEC_ENABLE_VPID);
static_assert(VMX_DEC_PROC2_UNRESTRICTED == SECONDARY_EXEC_UNRESTRICTED_GUEST);
static_assert(VMX_DEC_EPT_WALK_4 == VMX_EPT_PAGE_WALK_4_BIT);
static_assert(VMX_DEC_EPT_UC == VMX_EPTP_UC_BIT);
static_assert(VMX_DEC_EPT_WB == VMX_EPTP_WB_BIT);
static_assert(VMX_DEC_EPT_2M == VMX_EPT_2MB_PAGE_BIT);
static_assert(VMX_DEC_EPT_1G == VMX_EPT_1GB_PAGE_BIT);
static_assert(VMX_DEC_EPT_INVEPT == VMX_EPT_INVEPT_BIT);
static_assert(VMX_DEC_EPT_AD == VMX_EPT_AD_BIT);
static_assert(VMX_DEC_EPT_INVEPT_SINGLE == VMX_EPT_EXTENT_CONTEXT_BIT);
static_assert(VMX_DEC_EPT_INVEPT_ALL == VMX_EPT_EXTENT_GLOBAL_BIT);
/* The kernel numbers the VPID half of IA32_VMX_EPT_VPID_CAP from bit 32. */
static_assert(VMX_DEC_VPID_INVVPID == (VMX_VPID_INVVPID_BIT << 32));
static_assert(VMX_DEC_VPID_INVVPID_ADDR == (VMX_VPID_EXTENT_INDIVIDUAL_ADDR_BIT << 32));
static_assert(VMX_DEC_VPID_INVVPID_SINGLE == (VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT << 32));
static_assert(VMX_DEC_VPID_INVVPID_ALL == (VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT << 32));
static_assert(VMX_DEC_VPID_INVVPID_SINGLE_NG ==
	      (VMX_VPID_EXTENT_SINGLE_NON_GLOBAL_BIT << 32));

/* An MSR the CPU lacks (or a hypervisor hides) reads as 0, never faults. */
static u64 vmx_read_msr(u32 msr)
{
	u64 val;

	if (rdmsrl_safe(msr, &val))
		return 0;
	return val;
}

/*
 * Reads everything on one CPU. CPUID itself, not boot_cpu_has(): Linux
 * clears X86_FEATURE_VMX when firmware disabled VMX, and that case must be
 * told apart from a CPU without VMX. MSRs that exist only with VMX, or only
 * with secondary controls, are not read without them.
 */
static void vmx_read_raw(struct vmx_caps_raw *raw)
{
	memset(raw, 0, sizeof(*raw));
	preempt_disable();
	raw->cpuid1_ecx = cpuid_ecx(1);
	raw->feature_control = vmx_read_msr(MSR_IA32_FEAT_CTL);
	raw->cr4_vmxe = cr4_read_shadow() & X86_CR4_VMXE;
	if (raw->cpuid1_ecx & VMX_DEC_CPUID1_ECX_VMX) {
		/*
		 * The allowed-1 halves, all the decoder uses, are the same in
		 * the TRUE_* MSRs, which exist only when VMX_BASIC[55] is set.
		 */
		raw->vmx_basic = vmx_read_msr(MSR_IA32_VMX_BASIC);
		raw->pinbased = vmx_read_msr(MSR_IA32_VMX_PINBASED_CTLS);
		raw->procbased = vmx_read_msr(MSR_IA32_VMX_PROCBASED_CTLS);
		raw->misc = vmx_read_msr(MSR_IA32_VMX_MISC);
		if (vmx_dec_has_secondary_ctls(raw->procbased))
			raw->procbased2 = vmx_read_msr(MSR_IA32_VMX_PROCBASED_CTLS2);
		if (vmx_dec_has_ept_vpid_cap(raw->procbased, raw->procbased2))
			raw->ept_vpid_cap = vmx_read_msr(MSR_IA32_VMX_EPT_VPID_CAP);
	}
	preempt_enable();
}

/**
 * vmx_probe() - check that this CPU can run minivmm guests with VT-x
 *
 * Needs VMX, enabled and locked by firmware, EPT with a 4-level walk and
 * write-back paging structures, and VMX not already in use (CR4.VMXE clear
 * on this CPU). Changes no CPU state.
 *
 * Return: 0, or -ENODEV after logging one line that names the missing
 * piece ("minivmm: VT-x unusable" and the reason).
 */
int vmx_probe(void)
{
	char why[VMX_REFUSAL_TEXT_MAX];
	struct minivmm_caps caps;
	struct vmx_caps_raw raw;

	vmx_read_raw(&raw);
	if (vmx_caps_decode(&raw, &caps, why, sizeof(why)) == VMX_USABLE)
		return 0;
	pr_err("VT-x unusable: %s\n", why);
	return -ENODEV;
}

/**
 * vmx_describe() - one-line summary of the VT-x hardware
 * @buf: out: e.g. "VT-x with EPT, VMCS revision 0x4", NUL-terminated.
 * @size: bytes at @buf.
 */
void vmx_describe(char *buf, size_t size)
{
	struct minivmm_caps caps;
	struct vmx_caps_raw raw;

	vmx_read_raw(&raw);
	vmx_caps_decode(&raw, &caps, NULL, 0);
	scnprintf(buf, size, "VT-x with EPT, VMCS revision 0x%x",
		  caps.vmcs_revision_id);
}

/**
 * vmx_get_caps() - what this CPU offers, read now
 * @caps: out: every field but @caps->nr_cpus (left 0), @caps->flags and
 *	@caps->reserved (0).
 *
 * Return: 0.
 */
int vmx_get_caps(struct minivmm_caps *caps)
{
	struct vmx_caps_raw raw;

	vmx_read_raw(&raw);
	vmx_caps_decode(&raw, caps, NULL, 0);
	return 0;
}

/*
 * The VT-x entry of the ops table. Once the VM and vCPU hooks exist this
 * moves to a file of its own that only wires functions together.
 */
