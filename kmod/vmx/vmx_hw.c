// SPDX-License-Identifier: GPL-2.0
/*
 * VMX operation on one host CPU: CR4.VMXE and VMXON, and every active
 * VMCS VMCLEARed before VMXOFF. When CPUs enter and leave VMX (while VMs
 * exist, CPU hotplug, reboot, suspend, panic) is the x86 layer's
 * (kmod/x86/virt_hw.c). Once the host reboots no vCPU enters a guest
 * again (vmx_vcpu_run() checks), and a VMX instruction that faults
 * because VMX is already off is caught (vmx_enter.S).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <asm/tlbflush.h>
#include <asm/special_insns.h>
#include "vmx.h"
#include "vmx_ops.h"
#include "x86/virt_hw.h"

static DEFINE_PER_CPU(struct page *, vmxon_page);
DEFINE_PER_CPU(bool, vmx_on);
static DEFINE_PER_CPU(struct list_head, loaded_vmcss);
static DEFINE_PER_CPU(struct vmx_vcpu *, current_vmx);

/**
 * vmx_vmread_error() - report a VMREAD that failed or faulted
 * @field: VMCS field encoding.
 * @status: VMX_FAIL or VMX_FAULT.
 */
void vmx_vmread_error(unsigned long field, u8 status)
{
	if (status == VMX_FAULT)
		pr_warn_ratelimited("vmread 0x%lx faulted on CPU %d\n", field,
				    raw_smp_processor_id());
	else
		pr_warn_ratelimited("vmread 0x%lx failed on CPU %d\n", field,
				    raw_smp_processor_id());
}

/**
 * vmx_vmwrite_error() - report a VMWRITE that the CPU refused or that faulted
 * @field: VMCS field encoding.
 * @value: the value written.
 * @status: VMX_FAIL or VMX_FAULT.
 */
void vmx_vmwrite_error(unsigned long field, unsigned long value, u8 status)
{
	if (status == VMX_FAULT)
		vmx_insn_fault("vmwrite");
	else
		pr_warn_ratelimited("vmwrite 0x%lx <- 0x%lx failed, error %u\n",
				    field, value, vmcs_read32(VM_INSTRUCTION_ERROR));
}

/**
 * vmx_insn_fault() - report a VMX instruction that faulted
 * @insn: its mnemonic.
 */
void vmx_insn_fault(const char *insn)
{
	pr_warn_ratelimited("%s faulted on CPU %d\n", insn,
			    raw_smp_processor_id());
}

struct vmx_vcpu *vmx_current(void)
{
	return this_cpu_read(current_vmx);
}

void vmx_set_current(struct vmx_vcpu *vmx)
{
	this_cpu_write(current_vmx, vmx);
}

/* Called on @cpu with preemption off: note that @vmx's VMCS is active here. */
void vmx_track_loaded(struct vmx_vcpu *vmx, int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	list_add(&vmx->loaded_link, per_cpu_ptr(&loaded_vmcss, cpu));
	local_irq_restore(flags);
}

static void __vmx_vmclear(void *arg)
{
	struct vmx_vcpu *vmx = arg;
	int cpu = raw_smp_processor_id();

	if (vmx->vcpu.cpu != cpu)
		return;
	vmx_vmclear(vmx->vmcs_pa);
	if (this_cpu_read(current_vmx) == vmx)
		this_cpu_write(current_vmx, NULL);
	list_del(&vmx->loaded_link);
	vmx->launched = false;
	/* Order the list removal before another CPU loads this VMCS. */
	smp_wmb();
	vmx->vcpu.cpu = -1;
}

/**
 * vmx_vmclear_on_cpu() - VMCLEAR a vCPU's VMCS on the CPU where it is active
 * @vmx: the vCPU; its VMCS may be active on another CPU.
 */
void vmx_vmclear_on_cpu(struct vmx_vcpu *vmx)
{
	int cpu = vmx->vcpu.cpu;

	if (cpu < 0)
		return;
	smp_call_function_single(cpu, __vmx_vmclear, vmx, 1);
}

static void vmclear_all_on_this_cpu(void)
{
	struct list_head *head = this_cpu_ptr(&loaded_vmcss);
	struct vmx_vcpu *vmx, *n;

	list_for_each_entry_safe(vmx, n, head, loaded_link)
		__vmx_vmclear(vmx);
}

/* Enter VMX operation on this CPU. Interrupts off. */
static int vmx_cpu_enable(void)
{
	struct page *page = this_cpu_read(vmxon_page);
	int r;

	if (this_cpu_read(vmx_on))
		return 0;
	if (!page)
		return -ENOMEM;
	if (cr4_read_shadow() & X86_CR4_VMXE)
		return -EBUSY;
	cr4_set_bits(X86_CR4_VMXE);
	r = vmx_vmxon(page_to_phys(page));
	if (r) {
		cr4_clear_bits(X86_CR4_VMXE);
		return r == -EFAULT ? -EIO : -EBUSY;
	}
	/* A fresh VMXON leaves stale EPT translations possible: flush all. */
	if (vmx_cfg.ept_vpid_cap & VMX_EPT_EXTENT_GLOBAL_BIT)
		vmx_invept(VMX_INVEPT_GLOBAL, 0);
	this_cpu_write(vmx_on, true);
	return 0;
}

static void invept_here(void *eptp)
{
	if (!this_cpu_read(vmx_on))
		return;
	if (vmx_cfg.ept_vpid_cap & VMX_EPT_EXTENT_CONTEXT_BIT)
		vmx_invept(VMX_INVEPT_SINGLE, *(u64 *)eptp);
	else
		vmx_invept(VMX_INVEPT_GLOBAL, 0);
}

/**
 * vmx_invept_all_cpus() - drop every CPU's cached translations of an EPT
 * @eptp: the EPT pointer (a VM being destroyed: its root page and VPIDs
 *	may be reused by the next VM).
 */
void vmx_invept_all_cpus(u64 eptp)
{
	on_each_cpu(invept_here, &eptp, 1);
}

/* Leave VMX operation on this CPU. Interrupts off. */
static void vmx_cpu_disable(void)
{
	if (!this_cpu_read(vmx_on))
		return;
	vmclear_all_on_this_cpu();
	vmx_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
	this_cpu_write(vmx_on, false);
}

static int vmx_alloc_vmxon(int cpu)
{
	struct page *page;

	if (per_cpu(vmxon_page, cpu))
		return 0;
	page = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
	if (!page)
		return -ENOMEM;
	*(u32 *)page_address(page) = vmx_cfg.revision_id;
	per_cpu(vmxon_page, cpu) = page;
	return 0;
}

static void vmx_free_vmxon(int cpu)
{
	if (per_cpu(vmxon_page, cpu)) {
		__free_page(per_cpu(vmxon_page, cpu));
		per_cpu(vmxon_page, cpu) = NULL;
	}
}

static const struct minivmm_virt_cpu_ops vmx_cpu_ops = {
	.name		= "VMX",
	.alloc		= vmx_alloc_vmxon,
	.free		= vmx_free_vmxon,
	.enable		= vmx_cpu_enable,
	.disable	= vmx_cpu_disable,
};

/**
 * vmx_hw_init() - set up per-CPU state, hotplug and reboot handling
 *
 * Return: 0 or a negative errno.
 */
int vmx_hw_init(void)
{
	int cpu, r;

	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(per_cpu_ptr(&loaded_vmcss, cpu));
	r = vmx_config_setup();
	if (r)
		return r;
	return minivmm_virt_hw_init(&vmx_cpu_ops);
}

/**
 * vmx_hw_exit() - undo vmx_hw_init(); every VM is gone by now
 */
void vmx_hw_exit(void)
{
	minivmm_virt_hw_exit();
}
