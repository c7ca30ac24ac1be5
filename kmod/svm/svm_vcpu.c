// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU life cycle on AMD-V: the VMCB, and moving a vCPU between host CPUs.
 * A VMCB is not tied to a CPU (unlike a VMCS): loading a vCPU only
 * records the CPU and, when another VM's guest ran there last, issues an
 * IBPB. The host state a #VMEXIT does not restore (FS, GS, TR, LDTR,
 * KERNEL_GS_BASE, the SYSCALL and SYSENTER MSRs) is saved and restored
 * around each entry with VMSAVE and VMLOAD (svm_enter.S).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <asm/nospec-branch.h>
#include "svm.h"

/**
 * svm_vcpu_create() - give a new vCPU its VMCB and reset state
 * @vcpu: the generic vCPU, inside a zeroed struct svm_vcpu; SVM is on
 *	(the VM holds it).
 *
 * Return: 0 or -ENOMEM.
 */
int svm_vcpu_create(struct minivmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct page *page;

	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	svm->vmcb = page_address(page);
	svm->vmcb_pa = page_to_phys(page);
	svm_vmcb_init(svm);
	return 0;
}

/**
 * svm_vcpu_free() - free a vCPU's VMCB
 * @vcpu: the vCPU; no thread runs it any more.
 */
void svm_vcpu_free(struct minivmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	if (svm->vmcb)
		free_page((unsigned long)svm->vmcb);
	svm->vmcb = NULL;
}

/**
 * svm_vcpu_load() - make a vCPU ready to enter the guest on @cpu
 * @vcpu: the vCPU.
 * @cpu: this CPU; preemption is off.
 */
void svm_vcpu_load(struct minivmm_vcpu *vcpu, int cpu)
{
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpu_data);

	/* Another VM's branch predictions must not steer this one. */
	if (sd->last_vm != vcpu->vm) {
		if (sd->last_vm)
			indirect_branch_prediction_barrier();
		sd->last_vm = vcpu->vm;
	}
	WRITE_ONCE(vcpu->cpu, cpu);
}

/**
 * svm_vcpu_put() - give the CPU back to the host
 * @vcpu: the vCPU; preemption is off. Nothing of the guest stays loaded.
 */
void svm_vcpu_put(struct minivmm_vcpu *vcpu)
{
}
