// SPDX-License-Identifier: GPL-2.0
/*
 * VMX operation on the host CPUs. minivmm holds VMX (CR4.VMXE + VMXON) on
 * every online CPU only while at least one VM exists, so that Linux's own
 * kvm_intel, which does the same, can take turns with it. CPU hotplug,
 * reboot (kexec included), suspend and hibernation (PM notifier) and the kernel's
 * emergency path (panic, kdump: the emergency-virt callback) VMCLEAR every
 * active VMCS and leave VMX; resume enters it again. Once rebooting, no
 * vCPU enters a guest again (vmx_vcpu_run() checks), and a VMX instruction
 * that faults because VMX is already off is caught (vmx_enter.S).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/suspend.h>
#include <asm/reboot.h>
#include <asm/tlbflush.h>
#include <asm/special_insns.h>
#include "vmx.h"
#include "vmx_ops.h"

static DEFINE_MUTEX(vmx_hw_lock);
static unsigned int vmx_users;		/* VMs alive, under vmx_hw_lock */
bool vmx_rebooting;
static enum cpuhp_state vmx_cpuhp_state;

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

/*
 * The kernel has one emergency-virt callback slot, which kvm_intel takes
 * at its load (and warns when it is taken). minivmm takes it at its first
 * VM when KVM is not loaded, keeps it (unregistering waits for an RCU grace
 * period: too slow for every last VM going), and gives it back when a KVM
 * module starts loading (module notifier) or minivmm unloads. KVM's
 * callback leaves VMX on every CPU, ours included (it checks CR4.VMXE).
 * Under vmx_hw_lock.
 */
static void vmx_emergency_disable(void);
static bool vmx_emergency_registered;

static void vmx_emergency_get(void)
{
	void *kvm;

	if (vmx_emergency_registered)
		return;
	kvm = __symbol_get("kvm_rebooting");
	if (kvm) {
		__symbol_put("kvm_rebooting");
		return;
	}
	cpu_emergency_register_virt_callback(vmx_emergency_disable);
	vmx_emergency_registered = true;
}

static void vmx_emergency_put(void)
{
	if (!vmx_emergency_registered)
		return;
	cpu_emergency_unregister_virt_callback(vmx_emergency_disable);
	vmx_emergency_registered = false;
}

static int vmx_module_notify(struct notifier_block *nb, unsigned long state,
			     void *data)
{
	struct module *mod = data;

	if (state == MODULE_STATE_COMING && !strncmp(mod->name, "kvm", 3)) {
		mutex_lock(&vmx_hw_lock);
		vmx_emergency_put();
		mutex_unlock(&vmx_hw_lock);
	}
	return NOTIFY_OK;
}

static struct notifier_block vmx_module_nb = {
	.notifier_call = vmx_module_notify,
};

static void enable_fn(void *arg)
{
	atomic_t *failed = arg;
	int r = vmx_cpu_enable();

	if (r)
		atomic_cmpxchg(failed, 0, r);
}

static void disable_fn(void *arg)
{
	vmx_cpu_disable();
}

/**
 * vmx_hardware_get() - take VMX on every online CPU for one more VM
 *
 * The first VM turns VMX on everywhere. Return: 0; -EBUSY when another
 * hypervisor holds VMX on some CPU; -ENOMEM; -EIO when VMXON failed.
 */
int vmx_hardware_get(void)
{
	atomic_t failed = ATOMIC_INIT(0);
	int cpu, r = 0;

	mutex_lock(&vmx_hw_lock);
	if (vmx_rebooting) {
		r = -EBUSY;
		goto out;
	}
	if (vmx_users++)
		goto out;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		r = vmx_alloc_vmxon(cpu);
		if (r)
			break;
	}
	if (!r) {
		on_each_cpu(enable_fn, &failed, 1);
		r = atomic_read(&failed);
	}
	if (!r)
		vmx_emergency_get();
	if (r) {
		on_each_cpu(disable_fn, NULL, 1);
		for_each_possible_cpu(cpu)
			vmx_free_vmxon(cpu);
		vmx_users = 0;
		if (r == -EBUSY)
			pr_warn_ratelimited("VMX is held by another hypervisor (CR4.VMXE set)\n");
	}
	cpus_read_unlock();
out:
	mutex_unlock(&vmx_hw_lock);
	return r;
}

/**
 * vmx_hardware_put() - drop one VM's hold on VMX; the last one leaves VMX
 */
void vmx_hardware_put(void)
{
	int cpu;

	mutex_lock(&vmx_hw_lock);
	if (!WARN_ON(!vmx_users) && !--vmx_users) {
		cpus_read_lock();
		on_each_cpu(disable_fn, NULL, 1);
		for_each_possible_cpu(cpu)
			vmx_free_vmxon(cpu);
		cpus_read_unlock();
	}
	mutex_unlock(&vmx_hw_lock);
}

static int vmx_cpu_online(unsigned int cpu)
{
	int r = 0;

	mutex_lock(&vmx_hw_lock);
	if (vmx_users) {
		r = vmx_alloc_vmxon(cpu);
		if (!r) {
			local_irq_disable();
			r = vmx_cpu_enable();
			local_irq_enable();
		}
		if (r)
			pr_err("CPU %u cannot enter VMX (%d)\n", cpu, r);
	}
	mutex_unlock(&vmx_hw_lock);
	return r;
}

static int vmx_cpu_offline(unsigned int cpu)
{
	local_irq_disable();
	vmx_cpu_disable();
	local_irq_enable();
	return 0;
}

static int vmx_reboot(struct notifier_block *nb, unsigned long code, void *p)
{
	/* No new VM nor entry from now on; VMCLEAR and leave VMX everywhere. */
	WRITE_ONCE(vmx_rebooting, true);
	on_each_cpu(disable_fn, NULL, 1);
	return NOTIFY_OK;
}

/*
 * Panic, kdump, emergency reboot: called on every CPU with interrupts off
 * (from NMI context on the others). A CPU left in VMX operation blocks INIT
 * and the kdump kernel's start.
 */
static void vmx_emergency_disable(void)
{
	WRITE_ONCE(vmx_rebooting, true);
	vmx_cpu_disable();
}

/*
 * Suspend and hibernation: the CPUs come back out of VMX (and the boot CPU
 * does not go through CPU hotplug), so VMX is left everywhere before, with
 * every VMCS cleared, and entered again after if VMs exist. vCPU threads
 * are frozen in between; entries check vmx_on anyway.
 */
static int vmx_pm_notify(struct notifier_block *nb, unsigned long event, void *p)
{
	switch (event) {
	case PM_SUSPEND_PREPARE:
	case PM_HIBERNATION_PREPARE:
	case PM_RESTORE_PREPARE:
		mutex_lock(&vmx_hw_lock);
		if (vmx_users)
			on_each_cpu(disable_fn, NULL, 1);
		mutex_unlock(&vmx_hw_lock);
		break;
	case PM_POST_SUSPEND:
	case PM_POST_HIBERNATION:
	case PM_POST_RESTORE:
		mutex_lock(&vmx_hw_lock);
		if (vmx_users && !vmx_rebooting) {
			atomic_t failed = ATOMIC_INIT(0);

			on_each_cpu(enable_fn, &failed, 1);
			if (atomic_read(&failed))
				pr_err("VMX could not be entered again after resume (%d)\n",
				       atomic_read(&failed));
		}
		mutex_unlock(&vmx_hw_lock);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block vmx_reboot_nb = {
	.notifier_call = vmx_reboot,
};

static struct notifier_block vmx_pm_nb = {
	.notifier_call = vmx_pm_notify,
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
	r = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "minivmm/vmx:online",
				      vmx_cpu_online, vmx_cpu_offline);
	if (r < 0)
		return r;
	vmx_cpuhp_state = r;
	register_reboot_notifier(&vmx_reboot_nb);
	register_pm_notifier(&vmx_pm_nb);
	register_module_notifier(&vmx_module_nb);
	return 0;
}

/**
 * vmx_hw_exit() - undo vmx_hw_init(); every VM is gone by now
 */
void vmx_hw_exit(void)
{
	unregister_module_notifier(&vmx_module_nb);
	mutex_lock(&vmx_hw_lock);
	vmx_emergency_put();
	mutex_unlock(&vmx_hw_lock);
	unregister_pm_notifier(&vmx_pm_nb);
	unregister_reboot_notifier(&vmx_reboot_nb);
	cpuhp_remove_state_nocalls(vmx_cpuhp_state);
}
