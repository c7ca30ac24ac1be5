// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU life cycle on VT-x: the VMCS, its VPID, and moving it between host
 * CPUs. A vCPU is "loaded" from the start of RUN to its end, and across
 * preemption through the preempt notifier: load makes the VMCS current on
 * this CPU (VMCLEAR on the old one first) and puts the guest's
 * KERNEL_GS_BASE in the MSR; put restores every piece of host state that a
 * VM exit does not (segments, LDT, TSS limit, GDT limit, KERNEL_GS_BASE).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/segment.h>
#include "vmx.h"
#include "vmx_ops.h"

static DEFINE_IDA(vpid_ida);

/**
 * vmx_vcpu_create() - give a new vCPU its VMCS, VPID and reset state
 * @vcpu: the generic vCPU, inside a zeroed struct vmx_vcpu; VMX is on
 *	(the VM holds it).
 *
 * Return: 0, -ENOMEM, or -EIO when the VMCS could not be loaded.
 */
int vmx_vcpu_create(struct minivmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct page *page;
	int r, cpu;

	INIT_LIST_HEAD(&vmx->loaded_link);
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	vmx->vmcs = page_address(page);
	vmx->vmcs_pa = page_to_phys(page);
	*(u32 *)vmx->vmcs = vmx_cfg.revision_id;
	if (vmx_cfg.proc2 & SECONDARY_EXEC_ENABLE_VPID) {
		r = ida_alloc_range(&vpid_ida, 1, 0xffff, GFP_KERNEL);
		vmx->vpid = r > 0 ? r : 0;	/* none left: run without */
	}

	cpu = get_cpu();
	r = vmx_vmclear(vmx->vmcs_pa);
	if (!r)
		r = vmx_vmptrld(vmx->vmcs_pa);
	if (r) {
		put_cpu();
		if (vmx->vpid)
			ida_free(&vpid_ida, vmx->vpid);
		free_page((unsigned long)vmx->vmcs);
		vmx->vmcs = NULL;
		return -EIO;
	}
	vmx_set_current(vmx);
	vmx_track_loaded(vmx, cpu);
	vcpu->cpu = cpu;
	vmx_vmcs_set_host_percpu();
	vmx_vmcs_init(vmx);
	put_cpu();
	return 0;
}

/**
 * vmx_vcpu_free() - VMCLEAR a vCPU and free its VMCS and VPID
 * @vcpu: the vCPU; no thread runs it any more.
 */
void vmx_vcpu_free(struct minivmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	if (!vmx->vmcs)
		return;
	vmx_vmclear_on_cpu(vmx);
	if (vmx->vpid)
		ida_free(&vpid_ida, vmx->vpid);
	free_page((unsigned long)vmx->vmcs);
	vmx->vmcs = NULL;
}

static u16 read_ldt(void)
{
	u16 ldt;

	asm volatile("sldt %0" : "=g"(ldt));
	return ldt;
}

static void load_ldt(u16 sel)
{
	asm volatile("lldt %0" : : "rm"(sel));
}

static void switch_to_guest_state(struct vmx_vcpu *vmx)
{
	unsigned long fs_base;

	if (vmx->guest_state_loaded)
		return;
	savesegment(fs, vmx->host_fs_sel);
	savesegment(gs, vmx->host_gs_sel);
	savesegment(ds, vmx->host_ds_sel);
	savesegment(es, vmx->host_es_sel);
	vmx->host_ldt_sel = read_ldt();
	/* Exits load these selectors; one with RPL/TI bits is restored by hand. */
	vmcs_write16(HOST_FS_SELECTOR, (vmx->host_fs_sel & 7) ? 0 : vmx->host_fs_sel);
	vmcs_write16(HOST_GS_SELECTOR, (vmx->host_gs_sel & 7) ? 0 : vmx->host_gs_sel);
	rdmsrl(MSR_FS_BASE, fs_base);
	vmcs_writel(HOST_FS_BASE, fs_base);
	rdmsrl(MSR_KERNEL_GS_BASE, vmx->host_kernel_gs_base);
	wrmsrl(MSR_KERNEL_GS_BASE, vmx->kernel_gs_base);
	vmx->host_debugctl = get_debugctlmsr();
	vmx->guest_state_loaded = true;
}

static void switch_to_host_state(struct vmx_vcpu *vmx)
{
	if (!vmx->guest_state_loaded)
		return;
	rdmsrl(MSR_KERNEL_GS_BASE, vmx->kernel_gs_base);
	if (vmx->host_ldt_sel || (vmx->host_gs_sel & 7)) {
		load_ldt(vmx->host_ldt_sel);
		load_gs_index(vmx->host_gs_sel);
	}
	if (vmx->host_fs_sel & 7)
		loadsegment(fs, vmx->host_fs_sel);
	if (unlikely(vmx->host_ds_sel | vmx->host_es_sel)) {
		loadsegment(ds, vmx->host_ds_sel);
		loadsegment(es, vmx->host_es_sel);
	}
	/* VM exits set the TR limit to 0x67 and the GDT limit to 0xffff. */
	invalidate_tss_limit();
	wrmsrl(MSR_KERNEL_GS_BASE, vmx->host_kernel_gs_base);
	load_fixmap_gdt(raw_smp_processor_id());
	vmx->guest_state_loaded = false;
}

/**
 * vmx_vcpu_load() - make a vCPU ready to enter the guest on @cpu
 * @vcpu: the vCPU.
 * @cpu: this CPU; preemption is off.
 */
void vmx_vcpu_load(struct minivmm_vcpu *vcpu, int cpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	bool moved = vcpu->cpu != cpu;

	if (moved) {
		/* Active on another CPU: it must be VMCLEARed there first. */
		vmx_vmclear_on_cpu(vmx);
		/* Pairs with smp_wmb() in __vmx_vmclear(): list entry gone. */
		smp_rmb();
		vmx_track_loaded(vmx, cpu);
		vcpu->cpu = cpu;
	}
	if (vmx_current() != vmx) {
		struct vmx_vcpu *prev = vmx_current();

		/* Another VM's branch predictions must not steer this one. */
		if (!prev || prev->vcpu.vm != vcpu->vm)
			indirect_branch_prediction_barrier();
		if (vmx_vmptrld(vmx->vmcs_pa))
			pr_warn_ratelimited("VMPTRLD failed on CPU %d\n", cpu);
		vmx_set_current(vmx);
	}
	if (moved) {
		vmx_vmcs_set_host_percpu();
		/* This CPU may hold stale translations of this EPT. */
		set_bit(MINIVMM_REQ_TLB_FLUSH, &vcpu->requests);
	}
	switch_to_guest_state(vmx);
}

/**
 * vmx_vcpu_put() - give the CPU back to the host
 * @vcpu: the vCPU; preemption is off. Its VMCS stays active on this CPU.
 */
void vmx_vcpu_put(struct minivmm_vcpu *vcpu)
{
	switch_to_host_state(to_vmx(vcpu));
}
