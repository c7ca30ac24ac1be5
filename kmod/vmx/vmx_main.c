// SPDX-License-Identifier: GPL-2.0
/*
 * The VT-x backend's entry in the ops table: wiring only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "../arch_ops.h"
#include "vmx.h"
#include "vmx_main.h"
#include "vmx_probe.h"

const struct minivmm_arch_ops vmx_arch_ops = {
	.name			= "VT-x",
	.probe			= vmx_probe,
	.describe		= vmx_describe,
	.init			= vmx_hw_init,
	.exit			= vmx_hw_exit,
	.get_caps		= vmx_get_caps,
	.hardware_get		= minivmm_virt_hw_get,
	.hardware_put		= minivmm_virt_hw_put,
	.vm_size		= sizeof(struct vmx_vm),
	.vm_init		= vmx_vm_init,
	.vm_destroy		= vmx_vm_destroy,
	.vcpu_size		= sizeof(struct vmx_vcpu),
	.vcpu_create		= vmx_vcpu_create,
	.vcpu_free		= vmx_vcpu_free,
	.vcpu_load		= vmx_vcpu_load,
	.vcpu_put		= vmx_vcpu_put,
	.run			= vmx_vcpu_run,
	.handle_exit		= vmx_handle_exit,
	.flush_tlb		= vmx_flush_tlb,
	.get_rsp		= vmx_get_rsp,
	.set_rsp		= vmx_set_rsp,
	.get_rip		= vmx_get_rip,
	.set_rip		= vmx_set_rip,
	.get_rflags		= vmx_get_rflags,
	.set_rflags		= vmx_set_rflags,
	.get_cpl		= vmx_get_cpl,
	.get_segment		= vmx_get_segment,
	.set_segment		= vmx_set_segment,
	.get_dtables		= vmx_get_dtables,
	.set_dtables		= vmx_set_dtables,
	.get_cr3		= vmx_get_cr3,
	.set_cr3		= vmx_set_cr3,
	.set_cr0		= vmx_set_cr0,
	.set_cr4		= vmx_set_cr4,
	.set_efer		= vmx_set_efer,
	.cr4_supported		= vmx_cr4_supported,
	.get_dr7		= vmx_get_dr7,
	.set_dr7		= vmx_set_dr7,
	.get_msr		= vmx_get_msr,
	.set_msr		= vmx_set_msr,
	.skip_instruction	= vmx_skip_instruction,
	.queue_exception	= vmx_queue_exception,
	.interrupt_allowed	= vmx_interrupt_allowed,
	.inject_irq		= vmx_inject_irq,
	.set_irq_window		= vmx_set_irq_window,
	.tdp			= &vmx_ept_format,
};
