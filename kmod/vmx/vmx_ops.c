// SPDX-License-Identifier: GPL-2.0
/*
 * The VT-x backend's entry in the ops table: wiring only.
 */
#include "../arch_ops.h"
#include "vmx.h"
#include "vmx_ops.h"
#include "vmx_probe.h"

static int vmx_op_get_msr(struct minivmm_vcpu *vcpu, u32 index, u64 *data)
{
	return vmx_get_msr(to_vmx(vcpu), index, data, true);
}

static int vmx_op_set_msr(struct minivmm_vcpu *vcpu, u32 index, u64 data)
{
	return vmx_set_msr(to_vmx(vcpu), index, data, true);
}

const struct minivmm_arch_ops vmx_arch_ops = {
	.name			= "VT-x",
	.probe			= vmx_probe,
	.describe		= vmx_describe,
	.init			= vmx_hw_init,
	.exit			= vmx_hw_exit,
	.get_caps		= vmx_get_caps,
	.hardware_get		= vmx_hardware_get,
	.hardware_put		= vmx_hardware_put,
	.vm_init		= vmx_vm_init,
	.vm_destroy		= vmx_vm_destroy,
	.vcpu_create		= vmx_vcpu_create,
	.vcpu_free		= vmx_vcpu_free,
	.vcpu_load		= vmx_vcpu_load,
	.vcpu_put		= vmx_vcpu_put,
	.vcpu_enter		= vmx_vcpu_enter,
	.complete_user_exit	= vmx_complete_user_exit,
	.get_regs		= vmx_get_regs,
	.set_regs		= vmx_set_regs,
	.get_sregs		= vmx_get_sregs,
	.set_sregs		= vmx_set_sregs,
	.get_msr		= vmx_op_get_msr,
	.set_msr		= vmx_op_set_msr,
	.vm_bytes		= sizeof(struct vmx_vm),
	.vcpu_bytes		= sizeof(struct vmx_vcpu),
	.age_range		= vmx_ept_age,
	.zap_range		= vmx_ept_zap,
};
