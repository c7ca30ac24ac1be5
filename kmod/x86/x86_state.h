/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The architectural (x86) state of a vCPU and a VM, as every backend shares
 * it: general-purpose registers, control registers, EFER, XCR0, debug
 * registers, the CPUID table, the guest FPU, pending user exits, queued
 * interrupts, and the second-level page tables. Embedded in the generic
 * struct minivmm_vcpu and struct minivmm_vm (kmod/vm.h) as ->arch.
 */
#ifndef MINIVMM_X86_STATE_H
#define MINIVMM_X86_STATE_H

#include <linux/bitops.h>
#include <linux/types.h>
#include <asm/fpu/api.h>
#include <linux/minivmm.h>
#include "common/insn_decode.h"

/* Guest general-purpose registers, indexed by x86 register number. */
enum {
	VREG_RAX, VREG_RCX, VREG_RDX, VREG_RBX, VREG_RSP, VREG_RBP, VREG_RSI,
	VREG_RDI, VREG_R8, VREG_R9, VREG_R10, VREG_R11, VREG_R12, VREG_R13,
	VREG_R14, VREG_R15, VREG_NR
};

/* Pages kept per vCPU for new second-level tables (filled before mmu_lock). */
#define MINIVMM_TDP_CACHE_PAGES	4

/**
 * struct minivmm_vcpu_arch - x86 state of a vCPU
 * @regs: guest GPRs; the backend keeps RSP (@regs[VREG_RSP] is unused),
 *	RIP and RFLAGS in its own state (VMCS, VMCB).
 * @cr0: guest's view of CR0.
 * @cr2: guest CR2, loaded around each entry by the backend.
 * @cr4: guest's view of CR4.
 * @cr8: guest TPR.
 * @efer: guest IA32_EFER.
 * @xcr0: guest XCR0.
 * @dr: guest DR0-DR3 and DR6 (index 4 unused), emulated only.
 * @cpuid: the CPUID table the guest sees.
 * @cpuid_nent: its entries.
 * @guest_fpu: the guest's FPU/XSAVE state, swapped in during RUN.
 * @pio_pending: an IN exit awaits its data from userspace.
 * @pio_size: its size in bytes.
 * @hypercall_pending: a hypercall exit awaits its return value.
 * @mmio_pending: an MMIO read exit awaits its data.
 * @mmio_read: the decoded instruction of that read.
 * @irq_pending: @irq_vector waits to be injected.
 * @irq_vector: the external interrupt queued by MINIVMM_INTERRUPT (one at
 *	a time, as KVM_INTERRUPT with a userspace interrupt controller; like
 *	an ExtINT it is not held back by the guest's TPR). vCPU thread only.
 * @dev_irqs: vectors raised by in-kernel devices, from any thread (atomic
 *	bit operations), each delivered once, highest first, when the guest's
 *	RFLAGS.IF and TPR (CR8) allow it.
 * @tdp_cache: free pages for second-level tables.
 * @tdp_cache_nr: pages in @tdp_cache.
 */
struct minivmm_vcpu_arch {
	unsigned long regs[VREG_NR];
	u64 cr0;
	u64 cr2;
	u64 cr4;
	u64 cr8;
	u64 efer;
	u64 xcr0;
	u64 dr[5];
	struct minivmm_cpuid_entry *cpuid;
	u32 cpuid_nent;
	struct fpu_guest guest_fpu;
	bool pio_pending;
	u8 pio_size;
	bool hypercall_pending;
	bool mmio_pending;
	struct minivmm_mmio_insn mmio_read;
	bool irq_pending;
	u8 irq_vector;
	unsigned long dev_irqs[BITS_TO_LONGS(256)];
	struct page *tdp_cache[MINIVMM_TDP_CACHE_PAGES];
	int tdp_cache_nr;
};

/**
 * struct minivmm_vm_arch - x86 state of a VM: its second-level page tables
 * @tdp_root: the top-level table page (EPT PML4, NPT PML4).
 * @tdp_pages: table pages in use, root included.
 * @tdp_ad: the hardware sets accessed and dirty flags in the tables.
 */
struct minivmm_vm_arch {
	struct page *tdp_root;
	unsigned long tdp_pages;
	bool tdp_ad;
};

#endif /* MINIVMM_X86_STATE_H */
