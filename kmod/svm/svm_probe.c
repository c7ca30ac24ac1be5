// SPDX-License-Identifier: GPL-2.0
/*
 * AMD-V backend: can this CPU run minivmm guests, and what does it offer?
 * Reads CPUID 0x80000001 and 0x8000000A, MSR VM_CR and EFER.SVME.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <asm/cpufeatures.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <linux/minivmm.h>
#include "svm.h"

struct svm_config svm_cfg __ro_after_init;

/* CPUID 0x80000001:ECX bit 2. */
#define CPUID_EXT_ECX_SVM	BIT(X86_FEATURE_SVM % 32)
static_assert(X86_FEATURE_SVM / 32 == 6);	/* word 6: CPUID 0x80000001:ECX */

struct svm_raw {
	u32 ext_ecx;
	u32 max_ext;
	u32 eax, ebx, edx;	/* CPUID 0x8000000A */
	u64 vm_cr;
	bool svme;
};

static void svm_read_raw(struct svm_raw *raw)
{
	u32 ecx;
	u64 efer;

	memset(raw, 0, sizeof(*raw));
	preempt_disable();
	raw->max_ext = cpuid_eax(0x80000000);
	if (raw->max_ext >= 0x80000001)
		raw->ext_ecx = cpuid_ecx(0x80000001);
	if ((raw->ext_ecx & CPUID_EXT_ECX_SVM) && raw->max_ext >= SVM_CPUID_FUNC) {
		cpuid(SVM_CPUID_FUNC, &raw->eax, &raw->ebx, &ecx, &raw->edx);
		if (rdmsrl_safe(MSR_VM_CR, &raw->vm_cr))
			raw->vm_cr = 0;
		rdmsrl(MSR_EFER, efer);
		raw->svme = efer & EFER_SVME;
	}
	preempt_enable();
}

static u64 raw_to_caps(const struct svm_raw *raw)
{
	u64 caps = 0;

	if (!(raw->ext_ecx & CPUID_EXT_ECX_SVM))
		return 0;
	caps |= MINIVMM_CAP_SVM;
	if (!(raw->vm_cr & SVM_VM_CR_SVM_DIS_MASK))
		caps |= MINIVMM_CAP_SVM_FW_ENABLED;
	if (raw->edx & SVM_FEAT_NPT)
		caps |= MINIVMM_CAP_NPT;
	if (raw->edx & SVM_FEAT_NRIPS)
		caps |= MINIVMM_CAP_NRIPS;
	if (raw->edx & SVM_FEAT_FLUSH_ASID)
		caps |= MINIVMM_CAP_FLUSH_BY_ASID;
	if (raw->edx & SVM_FEAT_DECODE_ASSISTS)
		caps |= MINIVMM_CAP_DECODE_ASSISTS;
	if (raw->edx & SVM_FEAT_VMCB_CLEAN)
		caps |= MINIVMM_CAP_VMCB_CLEAN;
	return caps;
}

/**
 * svm_probe() - check that this CPU can run minivmm guests with AMD-V
 *
 * Needs SVM, not disabled by firmware (VM_CR.SVMDIS), nested paging, at
 * least two ASIDs, and SVM not already in use (EFER.SVME clear on this
 * CPU). Changes no CPU state; records what the CPU offers.
 *
 * Return: 0, or -ENODEV after logging one line that names the missing
 * piece ("minivmm: AMD-V unusable" and the reason).
 */
int svm_probe(void)
{
	struct svm_raw raw;
	const char *why = NULL;

	svm_read_raw(&raw);
	if (!(raw.ext_ecx & CPUID_EXT_ECX_SVM))
		why = "CPU has no SVM (CPUID 0x80000001:ECX.SVM clear)";
	else if (raw.vm_cr & SVM_VM_CR_SVM_DIS_MASK)
		why = "SVM disabled by firmware (VM_CR.SVMDIS set)";
	else if (!(raw.edx & SVM_FEAT_NPT))
		why = "no nested paging (CPUID 0x8000000A:EDX.NP clear)";
	else if (raw.ebx < 2)
		why = "no ASID for guests (CPUID 0x8000000A:EBX < 2)";
	else if (raw.svme)
		why = "SVM already in use by another hypervisor (EFER.SVME set)";
	if (why) {
		pr_err("AMD-V unusable: %s\n", why);
		return -ENODEV;
	}
	svm_cfg.features = raw.edx;
	svm_cfg.nr_asids = raw.ebx;
	svm_cfg.revision = raw.eax & 0xff;
	return 0;
}

/**
 * svm_describe() - one-line summary of the AMD-V hardware
 * @buf: out: e.g. "AMD-V with NPT, SVM revision 1, 16 ASIDs, NRIPS",
 *	NUL-terminated.
 * @size: bytes at @buf.
 */
void svm_describe(char *buf, size_t size)
{
	scnprintf(buf, size, "AMD-V with NPT, SVM revision %u, %u ASIDs%s%s%s",
		  svm_cfg.revision, svm_cfg.nr_asids,
		  svm_has(SVM_FEAT_NRIPS) ? ", NRIPS" : "",
		  svm_has(SVM_FEAT_FLUSH_ASID) ? ", flush by ASID" : "",
		  svm_has(SVM_FEAT_DECODE_ASSISTS) ? ", decode assists" : "");
}

/**
 * svm_get_caps() - what this CPU offers, read now
 * @caps: out: @caps->backend and @caps->caps; the VT-x fields stay 0.
 *
 * Return: 0.
 */
int svm_get_caps(struct minivmm_caps *caps)
{
	struct svm_raw raw;

	svm_read_raw(&raw);
	caps->backend = MINIVMM_BACKEND_SVM;
	caps->caps = raw_to_caps(&raw);
	return 0;
}

/**
 * svm_get_svm_caps() - the AMD-V specifics, read now
 * @caps: out: revision, ASIDs, CPUID 0x8000000A:EDX and VM_CR.
 *
 * Return: 0.
 */
int svm_get_svm_caps(struct minivmm_svm_caps *caps)
{
	struct svm_raw raw;

	svm_read_raw(&raw);
	caps->revision = raw.eax & 0xff;
	caps->nr_asids = raw.ebx;
	caps->features = raw.edx;
	caps->vm_cr = raw.vm_cr;
	return 0;
}
