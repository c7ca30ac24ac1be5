/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hardware virtualization on every online CPU while VMs exist, for any
 * backend (kmod/x86/virt_hw.c): the count of VMs, CPU hotplug, reboot,
 * suspend and the kernel's emergency path. A backend supplies what one
 * CPU does to turn its technology on and off.
 */
#ifndef MINIVMM_X86_VIRT_HW_H
#define MINIVMM_X86_VIRT_HW_H

#include <linux/types.h>

/**
 * struct minivmm_virt_cpu_ops - one CPU's share of a backend
 * @name: the technology in log lines ("VMX", "SVM").
 * @alloc: gets per-CPU memory for @cpu (may sleep); 0 or -ENOMEM.
 * @free: frees it (the CPU is out of virtualization).
 * @enable: turns virtualization on for this CPU, interrupts off: 0,
 *	-EBUSY when another hypervisor holds it, -ENOMEM without @alloc's
 *	memory, -EIO when the CPU refused.
 * @disable: turns it off on this CPU (a no-op when off), interrupts off;
 *	also called from the emergency path (panic, kdump), in NMI context.
 */
struct minivmm_virt_cpu_ops {
	const char *name;
	int (*alloc)(int cpu);
	void (*free)(int cpu);
	int (*enable)(void);
	void (*disable)(void);
};

int minivmm_virt_hw_init(const struct minivmm_virt_cpu_ops *ops);
void minivmm_virt_hw_exit(void);
int minivmm_virt_hw_get(void);
void minivmm_virt_hw_put(void);

/* Set when the host reboots or panics: no entry is tried any more. */
extern bool minivmm_virt_rebooting;

#endif /* MINIVMM_X86_VIRT_HW_H */
