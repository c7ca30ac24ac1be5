// SPDX-License-Identifier: GPL-2.0
/*
 * SVM on one host CPU: EFER.SVME and the host save area (VM_HSAVE_PA),
 * and the CPU's ASIDs. When CPUs turn SVM on and off (while VMs exist,
 * CPU hotplug, reboot, suspend, panic) is the x86 layer's
 * (kmod/x86/virt_hw.c). ASIDs are handed out per CPU in generations: a
 * vCPU that comes to a CPU, or asks for a flush without flush-by-ASID,
 * takes the next one; when they run out, every ASID of the CPU is flushed
 * and a new generation starts. So a new VM never runs on an old VM's
 * cached translations.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include "svm.h"
#include "svm_ops.h"
#include "x86/virt_hw.h"

DEFINE_PER_CPU(struct svm_cpu, svm_cpu_data);

static int svm_cpu_alloc(int cpu)
{
	struct svm_cpu *sd = per_cpu_ptr(&svm_cpu_data, cpu);

	if (!sd->hsave)
		sd->hsave = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
	if (!sd->host_save)
		sd->host_save = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
	if (!sd->hsave || !sd->host_save)
		return -ENOMEM;
	sd->host_save_pa = page_to_phys(sd->host_save);
	return 0;
}

static void svm_cpu_free(int cpu)
{
	struct svm_cpu *sd = per_cpu_ptr(&svm_cpu_data, cpu);

	if (sd->on)
		return;
	if (sd->hsave)
		__free_page(sd->hsave);
	if (sd->host_save)
		__free_page(sd->host_save);
	sd->hsave = NULL;
	sd->host_save = NULL;
}

/* Turn SVM on for this CPU. Interrupts off. */
static int svm_cpu_enable(void)
{
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpu_data);
	u64 efer;

	if (sd->on)
		return 0;
	if (!sd->hsave || !sd->host_save)
		return -ENOMEM;
	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, page_to_phys(sd->hsave));
	/* Translations cached under any ASID before now are not ours. */
	sd->asid_gen++;
	sd->next_asid = 1;
	sd->flush_all = true;
	sd->last_vm = NULL;
	sd->on = true;
	return 0;
}

/*
 * Turn SVM off on this CPU. Interrupts off; also the emergency path (NMI
 * context). GIF is set first: a CPU left with GIF clear takes no INIT.
 */
static void svm_cpu_disable(void)
{
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpu_data);
	u64 efer;

	if (!sd->on)
		return;
	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME) {
		svm_stgi();
		wrmsrl(MSR_VM_HSAVE_PA, 0);
		wrmsrl(MSR_EFER, efer & ~EFER_SVME);
	}
	sd->on = false;
}

static const struct minivmm_virt_cpu_ops svm_cpu_ops = {
	.name		= "SVM",
	.alloc		= svm_cpu_alloc,
	.free		= svm_cpu_free,
	.enable		= svm_cpu_enable,
	.disable	= svm_cpu_disable,
};

/**
 * svm_assign_asid() - the ASID a vCPU runs with on this CPU
 * @svm: the vCPU, about to enter on @cpu (interrupts off).
 * @cpu: this CPU.
 *
 * Keeps the vCPU's ASID while it stays on @cpu in the same generation;
 * otherwise takes the next free one, starting a new generation (and a
 * flush of every ASID) when none is left.
 */
void svm_assign_asid(struct svm_vcpu *svm, int cpu)
{
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpu_data);

	if (svm->asid_cpu == cpu && svm->asid_gen == sd->asid_gen)
		return;
	if (sd->next_asid >= svm_cfg.nr_asids) {
		sd->asid_gen++;
		sd->next_asid = 1;
		sd->flush_all = true;
	}
	svm->asid = sd->next_asid++;
	svm->asid_cpu = cpu;
	svm->asid_gen = sd->asid_gen;
	svm->vmcb->control.asid = svm->asid;
}

/**
 * svm_hw_init() - hotplug, reboot and suspend handling for SVM
 *
 * Return: 0 or a negative errno.
 */
int svm_hw_init(void)
{
	return minivmm_virt_hw_init(&svm_cpu_ops);
}

/**
 * svm_hw_exit() - undo svm_hw_init(); every VM is gone by now
 */
void svm_hw_exit(void)
{
	minivmm_virt_hw_exit();
}
