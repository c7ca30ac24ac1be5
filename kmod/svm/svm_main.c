// SPDX-License-Identifier: GPL-2.0
/*
 * The AMD-V backend's entry in the ops table, and its set-up: wiring only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "../arch_ops.h"
#include "x86/virt_hw.h"
#include "svm.h"
#include "svm_main.h"

static int svm_init(void)
{
	int r = svm_maps_init();

	if (r)
		return r;
	r = svm_hw_init();
	if (r)
		svm_maps_exit();
	return r;
}

static void svm_exit(void)
{
	svm_hw_exit();
	svm_maps_exit();
}

const struct minivmm_arch_ops svm_arch_ops = {
	.name			= "AMD-V",
	.probe			= svm_probe,
	.describe		= svm_describe,
	.init			= svm_init,
	.exit			= svm_exit,
	.get_caps		= svm_get_caps,
	.get_svm_caps		= svm_get_svm_caps,
	.hardware_get		= minivmm_virt_hw_get,
	.hardware_put		= minivmm_virt_hw_put,
	.vm_size		= sizeof(struct minivmm_vm),
	.vm_init		= svm_vm_init,
	.vm_destroy		= svm_vm_destroy,
	.vcpu_size		= sizeof(struct svm_vcpu),
	.vcpu_create		= svm_vcpu_create,
	.vcpu_free		= svm_vcpu_free,
	.vcpu_load		= svm_vcpu_load,
	.vcpu_put		= svm_vcpu_put,
	.run			= svm_vcpu_run,
	.handle_exit		= svm_handle_exit,
	.flush_tlb		= svm_flush_tlb,
	.get_rsp		= svm_get_rsp,
	.set_rsp		= svm_set_rsp,
	.get_rip		= svm_get_rip,
	.set_rip		= svm_set_rip,
	.get_rflags		= svm_get_rflags,
	.set_rflags		= svm_set_rflags,
	.get_cpl		= svm_get_cpl,
	.get_segment		= svm_get_segment,
	.set_segment		= svm_set_segment,
	.get_dtables		= svm_get_dtables,
	.set_dtables		= svm_set_dtables,
	.get_cr3		= svm_get_cr3,
	.set_cr3		= svm_set_cr3,
	.set_cr0		= svm_set_cr0,
	.set_cr4		= svm_set_cr4,
	.set_efer		= svm_set_efer,
	.cr4_supported		= svm_cr4_supported,
	.get_dr7		= svm_get_dr7,
	.set_dr7		= svm_set_dr7,
	.get_msr		= svm_get_msr,
	.set_msr		= svm_set_msr,
	.skip_instruction	= svm_skip_instruction,
	.queue_exception	= svm_queue_exception,
	.interrupt_allowed	= svm_interrupt_allowed,
	.inject_irq		= svm_inject_irq,
	.set_irq_window		= svm_set_irq_window,
	.tdp			= &svm_npt_format,
};
