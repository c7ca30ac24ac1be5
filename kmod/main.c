// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm module life cycle: pick the hardware backend, let it check the
 * CPU (refusing to load with -ENODEV when it cannot run guests), then
 * create /dev/minivmm.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <asm/processor.h>
#include <linux/minivmm.h>
#include "minivmm.h"
#include "monitor.h"
#include "vm.h"
#include "vmx/vmx_main.h"
#include "svm/svm_main.h"
#include "x86/x86.h"
#include "arch_call.h"

/* Set once at load, before /dev/minivmm exists; read-only afterwards. */
const struct minivmm_arch_ops *minivmm_arch __ro_after_init;

#define MINIVMM_ARCH_CALL(name)						\
	DEFINE_STATIC_CALL_NULL(minivmm_arch_##name,			\
				*(((struct minivmm_arch_ops *)0)->name))
#include "arch_calls.h"
#undef MINIVMM_ARCH_CALL

/**
 * minivmm_arch_calls_update() - point the hot-path static calls at a backend
 * @ops: the backend chosen at load.
 */
void minivmm_arch_calls_update(const struct minivmm_arch_ops *ops)
{
#define MINIVMM_ARCH_CALL(name)	static_call_update(minivmm_arch_##name, ops->name)
#include "arch_calls.h"
#undef MINIVMM_ARCH_CALL
}

/*
 * The backend for this CPU, by vendor (AMD and Hygon CPUs have AMD-V,
 * the others are offered VT-x), so that only one backend's probe runs and
 * logs.
 */
static const struct minivmm_arch_ops *minivmm_pick_arch(void)
{
	if (boot_cpu_data.x86_vendor == X86_VENDOR_AMD ||
	    boot_cpu_data.x86_vendor == X86_VENDOR_HYGON)
		return &svm_arch_ops;
	return &vmx_arch_ops;
}

static int __init minivmm_init(void)
{
	const struct minivmm_arch_ops *ops = minivmm_pick_arch();
	char desc[96];
	int r;

	r = ops->probe();
	if (r)
		return r;
	r = minivmm_x86_init();
	if (r)
		return r;
	if (ops->init) {
		r = ops->init();
		if (r)
			return r;
	}
	minivmm_arch = ops;
	minivmm_arch_calls_update(ops);
	minivmm_x86_tdp_init(ops->tdp);
	minivmm_vcpu_init();
	minivmm_monitor_init();

	r = minivmm_dev_register();
	if (r) {
		pr_err("cannot register /dev/minivmm: %d\n", r);
		goto exit_monitor;
	}

	if (ops->describe)
		ops->describe(desc, sizeof(desc));
	else
		strscpy(desc, ops->name, sizeof(desc));
	pr_info("loaded, %s, API %d\n", desc, MINIVMM_API_VERSION);
	return 0;

exit_monitor:
	minivmm_monitor_exit();
	minivmm_vcpu_exit();
	if (ops->exit)
		ops->exit();
	return r;
}

static void __exit minivmm_exit(void)
{
	minivmm_dev_unregister();
	minivmm_monitor_exit();
	minivmm_vcpu_exit();
	if (minivmm_arch->exit)
		minivmm_arch->exit();
	pr_info("unloaded\n");
}

module_init(minivmm_init);
module_exit(minivmm_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("minivmm developers");
MODULE_DESCRIPTION("minivmm: a minimal hypervisor on Intel VT-x with EPT and AMD-V with NPT");
