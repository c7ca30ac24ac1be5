// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware virtualization (VMX, SVM) is on every online CPU only while at
 * least one VM exists, so that Linux's own KVM, which does the same, can
 * take turns with minivmm. CPU hotplug, reboot (kexec included), suspend
 * and hibernation (PM notifier) and the kernel's emergency path (panic,
 * kdump: the emergency-virt callback) turn it off everywhere; resume turns
 * it on again. Once rebooting, no vCPU enters a guest again (the backends'
 * run hooks check minivmm_virt_rebooting). What one CPU does is the
 * backend's (struct minivmm_virt_cpu_ops).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/suspend.h>
#include <asm/reboot.h>
#include "virt_hw.h"

static const struct minivmm_virt_cpu_ops *cpu_ops;
static DEFINE_MUTEX(virt_hw_lock);
static unsigned int virt_users;		/* VMs alive, under virt_hw_lock */
bool minivmm_virt_rebooting;
static enum cpuhp_state virt_cpuhp_state;

/*
 * The kernel has one emergency-virt callback slot, which KVM takes at its
 * load (and warns when it is taken). minivmm takes it at its first VM when
 * KVM is not loaded, keeps it (unregistering waits for an RCU grace period:
 * too slow for every last VM going), and gives it back when a KVM module
 * starts loading (module notifier) or minivmm unloads. KVM's callback
 * turns virtualization off on every CPU, minivmm's included (it checks
 * CR4.VMXE or EFER.SVME). Under virt_hw_lock.
 */
static void virt_emergency_disable(void);
static bool virt_emergency_registered;

static void virt_emergency_get(void)
{
	void *kvm;

	if (virt_emergency_registered)
		return;
	kvm = __symbol_get("kvm_rebooting");
	if (kvm) {
		__symbol_put("kvm_rebooting");
		return;
	}
	cpu_emergency_register_virt_callback(virt_emergency_disable);
	virt_emergency_registered = true;
}

static void virt_emergency_put(void)
{
	if (!virt_emergency_registered)
		return;
	cpu_emergency_unregister_virt_callback(virt_emergency_disable);
	virt_emergency_registered = false;
}

static int virt_module_notify(struct notifier_block *nb, unsigned long state,
			      void *data)
{
	struct module *mod = data;

	if (state == MODULE_STATE_COMING && !strncmp(mod->name, "kvm", 3)) {
		mutex_lock(&virt_hw_lock);
		virt_emergency_put();
		mutex_unlock(&virt_hw_lock);
	}
	return NOTIFY_OK;
}

static struct notifier_block virt_module_nb = {
	.notifier_call = virt_module_notify,
};

static void enable_fn(void *arg)
{
	atomic_t *failed = arg;
	int r = cpu_ops->enable();

	if (r)
		atomic_cmpxchg(failed, 0, r);
}

static void disable_fn(void *arg)
{
	cpu_ops->disable();
}

static void free_all(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		cpu_ops->free(cpu);
}

/**
 * minivmm_virt_hw_get() - take virtualization on every online CPU for one
 *	more VM
 *
 * The first VM turns it on everywhere. Return: 0; -EBUSY when another
 * hypervisor holds it on some CPU or the host is rebooting; -ENOMEM; -EIO
 * when a CPU refused.
 */
int minivmm_virt_hw_get(void)
{
	atomic_t failed = ATOMIC_INIT(0);
	int cpu, r = 0;

	mutex_lock(&virt_hw_lock);
	if (minivmm_virt_rebooting) {
		r = -EBUSY;
		goto out;
	}
	if (virt_users++)
		goto out;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		r = cpu_ops->alloc(cpu);
		if (r)
			break;
	}
	if (!r) {
		on_each_cpu(enable_fn, &failed, 1);
		r = atomic_read(&failed);
	}
	if (!r)
		virt_emergency_get();
	if (r) {
		on_each_cpu(disable_fn, NULL, 1);
		free_all();
		virt_users = 0;
		if (r == -EBUSY)
			pr_warn_ratelimited("%s is held by another hypervisor\n",
					    cpu_ops->name);
	}
	cpus_read_unlock();
out:
	mutex_unlock(&virt_hw_lock);
	return r;
}

/**
 * minivmm_virt_hw_put() - drop one VM's hold; the last one turns
 *	virtualization off everywhere
 */
void minivmm_virt_hw_put(void)
{
	mutex_lock(&virt_hw_lock);
	if (!WARN_ON(!virt_users) && !--virt_users) {
		cpus_read_lock();
		on_each_cpu(disable_fn, NULL, 1);
		free_all();
		cpus_read_unlock();
	}
	mutex_unlock(&virt_hw_lock);
}

static int virt_cpu_online(unsigned int cpu)
{
	int r = 0;

	mutex_lock(&virt_hw_lock);
	if (virt_users) {
		r = cpu_ops->alloc(cpu);
		if (!r) {
			local_irq_disable();
			r = cpu_ops->enable();
			local_irq_enable();
		}
		if (r)
			pr_err("CPU %u cannot enter %s (%d)\n", cpu, cpu_ops->name, r);
	}
	mutex_unlock(&virt_hw_lock);
	return r;
}

static int virt_cpu_offline(unsigned int cpu)
{
	local_irq_disable();
	cpu_ops->disable();
	local_irq_enable();
	return 0;
}

static int virt_reboot(struct notifier_block *nb, unsigned long code, void *p)
{
	/* No new VM nor entry from now on; off everywhere. */
	WRITE_ONCE(minivmm_virt_rebooting, true);
	on_each_cpu(disable_fn, NULL, 1);
	return NOTIFY_OK;
}

/*
 * Panic, kdump, emergency reboot: called on every CPU with interrupts off
 * (from NMI context on the others). A CPU left in VMX operation blocks INIT
 * and the kdump kernel's start; one with EFER.SVME set cannot be reset
 * either (GIF may be clear).
 */
static void virt_emergency_disable(void)
{
	WRITE_ONCE(minivmm_virt_rebooting, true);
	cpu_ops->disable();
}

/*
 * Suspend and hibernation: the CPUs come back with virtualization off (and
 * the boot CPU does not go through CPU hotplug), so it is turned off
 * everywhere before and on again after if VMs exist. vCPU threads are
 * frozen in between; the backends' entries check their per-CPU state.
 */
static int virt_pm_notify(struct notifier_block *nb, unsigned long event, void *p)
{
	switch (event) {
	case PM_SUSPEND_PREPARE:
	case PM_HIBERNATION_PREPARE:
	case PM_RESTORE_PREPARE:
		mutex_lock(&virt_hw_lock);
		if (virt_users)
			on_each_cpu(disable_fn, NULL, 1);
		mutex_unlock(&virt_hw_lock);
		break;
	case PM_POST_SUSPEND:
	case PM_POST_HIBERNATION:
	case PM_POST_RESTORE:
		mutex_lock(&virt_hw_lock);
		if (virt_users && !minivmm_virt_rebooting) {
			atomic_t failed = ATOMIC_INIT(0);

			on_each_cpu(enable_fn, &failed, 1);
			if (atomic_read(&failed))
				pr_err("%s could not be entered again after resume (%d)\n",
				       cpu_ops->name, atomic_read(&failed));
		}
		mutex_unlock(&virt_hw_lock);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block virt_reboot_nb = {
	.notifier_call = virt_reboot,
};

static struct notifier_block virt_pm_nb = {
	.notifier_call = virt_pm_notify,
};

/**
 * minivmm_virt_hw_init() - hotplug, reboot, suspend and emergency handling
 *	for a backend
 * @ops: what one CPU does; kept until minivmm_virt_hw_exit().
 *
 * Return: 0 or a negative errno.
 */
int minivmm_virt_hw_init(const struct minivmm_virt_cpu_ops *ops)
{
	int r;

	cpu_ops = ops;
	r = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "minivmm/virt:online",
				      virt_cpu_online, virt_cpu_offline);
	if (r < 0)
		return r;
	virt_cpuhp_state = r;
	register_reboot_notifier(&virt_reboot_nb);
	register_pm_notifier(&virt_pm_nb);
	register_module_notifier(&virt_module_nb);
	return 0;
}

/**
 * minivmm_virt_hw_exit() - undo minivmm_virt_hw_init(); every VM is gone
 */
void minivmm_virt_hw_exit(void)
{
	unregister_module_notifier(&virt_module_nb);
	mutex_lock(&virt_hw_lock);
	virt_emergency_put();
	mutex_unlock(&virt_hw_lock);
	unregister_pm_notifier(&virt_pm_nb);
	unregister_reboot_notifier(&virt_reboot_nb);
	cpuhp_remove_state_nocalls(virt_cpuhp_state);
}
