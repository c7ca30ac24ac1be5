// SPDX-License-Identifier: GPL-2.0
/*
 * What goes into a VMCB: the intercepts, the I/O and MSR permission maps
 * (shared by every vCPU: every port and every MSR exits, the x86 layer's
 * policy decides), nested paging, and the architectural reset state a new
 * vCPU starts in (AMD APM Vol. 2, 14.1.3: real mode, CS.base 0xffff0000,
 * RIP 0xfff0). The intercepts match the VT-x backend's, for the same
 * reasons: every instruction whose effect the x86 layer owns exits.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/cpufeature.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include "svm.h"
#include "x86/x86.h"

/* Permission maps (APM Vol. 2, 15.10 and 15.11): 12 KiB and 8 KiB. */
#define SVM_IOPM_ORDER		2
#define SVM_MSRPM_ORDER		1

static struct page *svm_iopm, *svm_msrpm;

/* Segment attributes after reset (APM Vol. 2, table 14-1). */
#define ATTR_CODE_RESET		0x9b
#define ATTR_DATA_RESET		0x93
#define ATTR_LDT_RESET		0x82
#define ATTR_TSS_RESET		0x8b
#define DR7_RESET		0x400UL
#define DR6_RESET		0xffff0ff0UL
#define PAT_RESET		0x0007040600070406ULL

/**
 * svm_maps_init() - the I/O and MSR permission maps every vCPU uses
 *
 * Return: 0 or -ENOMEM.
 */
int svm_maps_init(void)
{
	svm_iopm = alloc_pages(GFP_KERNEL, SVM_IOPM_ORDER);
	svm_msrpm = alloc_pages(GFP_KERNEL, SVM_MSRPM_ORDER);
	if (!svm_iopm || !svm_msrpm) {
		svm_maps_exit();
		return -ENOMEM;
	}
	memset(page_address(svm_iopm), 0xff, PAGE_SIZE << SVM_IOPM_ORDER);
	memset(page_address(svm_msrpm), 0xff, PAGE_SIZE << SVM_MSRPM_ORDER);
	return 0;
}

/**
 * svm_maps_exit() - free the permission maps; no vCPU exists
 */
void svm_maps_exit(void)
{
	if (svm_iopm)
		__free_pages(svm_iopm, SVM_IOPM_ORDER);
	if (svm_msrpm)
		__free_pages(svm_msrpm, SVM_MSRPM_ORDER);
	svm_iopm = NULL;
	svm_msrpm = NULL;
}

static void set_intercept(struct vmcb_control_area *c, int bit)
{
	c->intercepts[bit / 32] |= BIT(bit % 32);
}

static void set_seg(struct vmcb_seg *s, u16 sel, u64 base, u16 attrib)
{
	s->selector = sel;
	s->base = base;
	s->limit = 0xffff;
	s->attrib = attrib;
}

static void set_guest_reset_state(struct svm_vcpu *svm)
{
	struct vmcb_save_area *save = &svm->vmcb->save;

	set_seg(&save->cs, 0xf000, 0xffff0000, ATTR_CODE_RESET);
	set_seg(&save->ds, 0, 0, ATTR_DATA_RESET);
	set_seg(&save->es, 0, 0, ATTR_DATA_RESET);
	set_seg(&save->ss, 0, 0, ATTR_DATA_RESET);
	set_seg(&save->fs, 0, 0, ATTR_DATA_RESET);
	set_seg(&save->gs, 0, 0, ATTR_DATA_RESET);
	set_seg(&save->ldtr, 0, 0, ATTR_LDT_RESET);
	set_seg(&save->tr, 0, 0, ATTR_TSS_RESET);
	save->gdtr.limit = 0xffff;
	save->idtr.limit = 0xffff;
	save->rip = 0xfff0;
	save->rflags = X86_EFLAGS_FIXED;
	save->dr7 = DR7_RESET;
	save->dr6 = DR6_RESET;
	save->g_pat = PAT_RESET;
	save->cpl = 0;
	minivmm_x86_vcpu_reset(&svm->vcpu);
}

/**
 * svm_vmcb_init() - fill a new vCPU's VMCB
 * @svm: the vCPU; its VMCB page is zeroed.
 */
void svm_vmcb_init(struct svm_vcpu *svm)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	static const int intercepts[] = {
		/* CR0 and CR4 writes are checked; CR8 is the x86 layer's TPR. */
		INTERCEPT_CR0_WRITE, INTERCEPT_CR4_WRITE,
		INTERCEPT_CR8_READ, INTERCEPT_CR8_WRITE,
		/* Host events. */
		INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI,
		/* What the x86 layer emulates or refuses. */
		INTERCEPT_RDPMC, INTERCEPT_CPUID, INTERCEPT_RSM, INTERCEPT_INVD,
		INTERCEPT_HLT, INTERCEPT_INVLPGA, INTERCEPT_IOIO_PROT,
		INTERCEPT_MSR_PROT, INTERCEPT_TASK_SWITCH, INTERCEPT_SHUTDOWN,
		INTERCEPT_VMMCALL, INTERCEPT_WBINVD, INTERCEPT_XSETBV,
		/* SVM itself (VMRUN must exit), MONITOR/MWAIT, RDPRU: #UD. */
		INTERCEPT_VMRUN, INTERCEPT_VMLOAD, INTERCEPT_VMSAVE,
		INTERCEPT_STGI, INTERCEPT_CLGI, INTERCEPT_SKINIT,
		INTERCEPT_MONITOR, INTERCEPT_MWAIT, INTERCEPT_MWAIT_COND,
		INTERCEPT_RDPRU,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(intercepts); i++)
		set_intercept(c, intercepts[i]);
	/* Debug registers are emulated (the x86 layer), as on VT-x. */
	c->intercepts[INTERCEPT_DR] = 0xffffffff;
	/*
	 * #AC and #DB: a guest whose delivery of them faults again would
	 * loop in microcode (CVE-2015-5307, CVE-2015-8104); intercepted, each
	 * round is one exit. #MC belongs to the host's handler. #UD: Intel's
	 * VMCALL is a hypercall here too, as under KVM.
	 */
	c->intercepts[INTERCEPT_EXCEPTION] = BIT(X86_TRAP_AC) | BIT(X86_TRAP_DB) |
					     BIT(X86_TRAP_MC) | BIT(X86_TRAP_UD);
	c->iopm_base_pa = page_to_phys(svm_iopm);
	c->msrpm_base_pa = page_to_phys(svm_msrpm);
	/* The guest's RFLAGS.IF masks only virtual interrupts. */
	c->int_ctl = V_INTR_MASKING_MASK;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = page_to_phys(svm->vcpu.vm->arch.tdp_root);
	c->tlb_ctl = TLB_CONTROL_DO_NOTHING;
	c->asid = 0;		/* none yet: svm_assign_asid() before entry */
	svm->asid_cpu = -1;
	set_guest_reset_state(svm);
}

/**
 * svm_set_cr0() - make a (valid) CR0 value the guest's
 * @vcpu: the vCPU; vcpu->arch.cr0 already holds @cr0.
 * @cr0: the value; with nested paging the hardware runs the guest's own
 *	CR0 (real mode and paging off included).
 */
void svm_set_cr0(struct minivmm_vcpu *vcpu, u64 cr0)
{
	to_svm(vcpu)->vmcb->save.cr0 = cr0;
}

/**
 * svm_set_cr4() - make a (valid) CR4 value the guest's
 * @vcpu: the vCPU.
 * @cr4: the value.
 */
void svm_set_cr4(struct minivmm_vcpu *vcpu, u64 cr4)
{
	to_svm(vcpu)->vmcb->save.cr4 = cr4;
}

/**
 * svm_cr4_supported() - may an SVM guest run with these CR4 bits?
 * @cr4: the guest's value.
 *
 * Return: true when this CPU implements every bit set (VMRUN refuses a
 * CR4 with a bit the CPU lacks).
 */
bool svm_cr4_supported(u64 cr4)
{
	if (cr4 & (X86_CR4_VMXE | X86_CR4_SMXE))
		return false;
	if ((cr4 & X86_CR4_UMIP) && !boot_cpu_has(X86_FEATURE_UMIP))
		return false;
	if ((cr4 & X86_CR4_FSGSBASE) && !boot_cpu_has(X86_FEATURE_FSGSBASE))
		return false;
	if ((cr4 & X86_CR4_PCIDE) && !boot_cpu_has(X86_FEATURE_PCID))
		return false;
	if ((cr4 & X86_CR4_SMEP) && !boot_cpu_has(X86_FEATURE_SMEP))
		return false;
	if ((cr4 & X86_CR4_SMAP) && !boot_cpu_has(X86_FEATURE_SMAP))
		return false;
	if ((cr4 & X86_CR4_LA57) && !boot_cpu_has(X86_FEATURE_LA57))
		return false;
	if ((cr4 & X86_CR4_PKE) && !boot_cpu_has(X86_FEATURE_PKU))
		return false;
	return true;
}

/**
 * svm_set_efer() - make a (valid) EFER value the guest's
 * @vcpu: the vCPU.
 * @efer: the value; the VMCB's copy adds SVME, which VMRUN requires.
 *
 * Outside long mode the VMCB's copy drops LME, as KVM's does without
 * nested paging: LME only matters when paging is turned on, and every
 * CR0 write exits, so the x86 layer sets LME and LMA together then; the
 * guest reads EFER through the MSR intercept. A #VMEXIT from a guest with
 * LME set and paging and PAE off leaves QEMU's emulated CPU in the guest's
 * CR0 (it refuses the host's CR0.PG as an entry to long mode without PAE),
 * which hangs the host.
 */
void svm_set_efer(struct minivmm_vcpu *vcpu, u64 efer)
{
	if (!(efer & EFER_LMA))
		efer &= ~EFER_LME;
	to_svm(vcpu)->vmcb->save.efer = efer | EFER_SVME;
}
