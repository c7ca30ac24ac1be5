/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 layer (kmod/x86/): architectural rules every backend shares. It
 * owns the vCPU's x86 state (struct minivmm_vcpu_arch), CPUID, the MSR
 * policy, CR/XCR/DR rules, event-injection policy, port I/O, hypercall,
 * HLT and MMIO emulation, and the second-level page tables. Backends call
 * the exit handlers below from their exit decoding; generic code calls the
 * vCPU and VM hooks. It reaches the hardware only through minivmm_arch.
 */
#ifndef MINIVMM_X86_H
#define MINIVMM_X86_H

#include <linux/types.h>
#include "../vm.h"
#include "../arch_ops.h"

/* vCPU and VM life cycle (kmod/x86/x86_vcpu.c, tdp_mmu.c) */
int minivmm_x86_vcpu_init(struct minivmm_vcpu *vcpu);
void minivmm_x86_vcpu_reset(struct minivmm_vcpu *vcpu);
void minivmm_x86_vcpu_free(struct minivmm_vcpu *vcpu);
size_t minivmm_x86_vcpu_bytes(struct minivmm_vcpu *vcpu);
int minivmm_x86_vm_init(struct minivmm_vm *vm);
void minivmm_x86_vm_destroy(struct minivmm_vm *vm);
int minivmm_x86_init(void);

/* The RUN loop's x86 part (kmod/x86/x86_run.c) */
void minivmm_x86_run_begin(struct minivmm_vcpu *vcpu);
void minivmm_x86_run_end(struct minivmm_vcpu *vcpu);
int minivmm_x86_vcpu_enter(struct minivmm_vcpu *vcpu);
void minivmm_x86_complete_user_exit(struct minivmm_vcpu *vcpu);
long minivmm_x86_vcpu_ioctl(struct minivmm_vcpu *vcpu, unsigned int cmd,
			    void __user *argp);

/* Registers (kmod/x86/regs.c) */
unsigned long minivmm_x86_read_reg(struct minivmm_vcpu *vcpu, int reg);
void minivmm_x86_write_reg(struct minivmm_vcpu *vcpu, int reg,
			   unsigned long val);
int minivmm_x86_get_regs(struct minivmm_vcpu *vcpu, struct minivmm_regs *r);
int minivmm_x86_set_regs(struct minivmm_vcpu *vcpu, const struct minivmm_regs *r);
int minivmm_x86_get_sregs(struct minivmm_vcpu *vcpu, struct minivmm_sregs *sr);
int minivmm_x86_set_sregs(struct minivmm_vcpu *vcpu,
			  const struct minivmm_sregs *sr);

/* Exit handlers, called by a backend's exit decoding. */
int minivmm_x86_emulate_cpuid(struct minivmm_vcpu *vcpu);
int minivmm_x86_emulate_rdmsr(struct minivmm_vcpu *vcpu);
int minivmm_x86_emulate_wrmsr(struct minivmm_vcpu *vcpu);
int minivmm_x86_mov_to_cr(struct minivmm_vcpu *vcpu, int cr, int reg);
int minivmm_x86_mov_from_cr(struct minivmm_vcpu *vcpu, int cr, int reg);
int minivmm_x86_clts(struct minivmm_vcpu *vcpu);
int minivmm_x86_lmsw(struct minivmm_vcpu *vcpu, u16 val);
int minivmm_x86_mov_dr(struct minivmm_vcpu *vcpu, int dr, int reg, bool from);
int minivmm_x86_emulate_xsetbv(struct minivmm_vcpu *vcpu);
int minivmm_x86_emulate_io(struct minivmm_vcpu *vcpu, u16 port, u8 size,
			   bool in);
int minivmm_x86_emulate_hypercall(struct minivmm_vcpu *vcpu);
int minivmm_x86_emulate_hlt(struct minivmm_vcpu *vcpu);
int minivmm_x86_emulate_invd(struct minivmm_vcpu *vcpu);
int minivmm_x86_emulate_rdpmc(struct minivmm_vcpu *vcpu);
int minivmm_x86_inject_ud(struct minivmm_vcpu *vcpu);
int minivmm_x86_reflect_exception(struct minivmm_vcpu *vcpu, u8 vector, u32 error,
				  u64 dr6);
void minivmm_x86_machine_check(void);
int minivmm_x86_irq_window_open(struct minivmm_vcpu *vcpu);
int minivmm_x86_shutdown(struct minivmm_vcpu *vcpu);
int minivmm_x86_internal_error(struct minivmm_vcpu *vcpu, u32 suberror,
			       u32 ndata, const u64 *data);
int minivmm_x86_entry_failed(struct minivmm_vcpu *vcpu, u64 reason);

/* minivmm_tdp_fault.flags */
#define MINIVMM_TDP_WRITE	BIT(0)	/* the access was a write */
#define MINIVMM_TDP_FETCH	BIT(1)	/* an instruction fetch */
/* Not the translation of a linear address: a guest page walk, a PDPTE load. */
#define MINIVMM_TDP_NOT_DATA	BIT(2)

/**
 * struct minivmm_tdp_fault - a second-level fault as the backend decoded it
 * @gpa: the guest-physical address.
 * @qual: the backend's own description (VT-x exit qualification, NPT
 *	error code), reported to userspace on failure.
 * @vectoring: the event whose delivery faulted, in the VT-x IDT-vectoring
 *	format (SVM's EXITINTINFO has the same layout); 0 when none.
 * @flags: MINIVMM_TDP_*.
 */
struct minivmm_tdp_fault {
	u64 gpa;
	u64 qual;
	u32 vectoring;
	u32 flags;
};

/**
 * struct minivmm_fetched_insn - the instruction at the guest's CS:RIP
 * @bytes: up to 15 bytes of it.
 * @n: how many could be read (fewer when the next page is missing).
 * @mode: the guest's code mode (default sizes, REX).
 * @rip: the RIP it was fetched at.
 */
struct minivmm_fetched_insn {
	u8 bytes[15];
	u32 n;
	enum minivmm_cpu_mode mode;
	u64 rip;
};

/* Fetching the guest's instruction (kmod/x86/insn_fetch.c) */
int minivmm_x86_fetch_insn(struct minivmm_vcpu *vcpu, struct minivmm_fetched_insn *f);
u64 minivmm_x86_next_rip(enum minivmm_cpu_mode mode, u64 rip, u32 len);

int minivmm_x86_tdp_fault(struct minivmm_vcpu *vcpu, const struct minivmm_tdp_fault *f);
int minivmm_x86_emulate_mmio(struct minivmm_vcpu *vcpu, u64 gpa, bool write);
void minivmm_x86_mmio_complete(struct minivmm_vcpu *vcpu);

/* Control registers and MSRs (kmod/x86/cr.c, msr.c) */
bool minivmm_x86_cr0_valid(struct minivmm_vcpu *vcpu, u64 cr0);
bool minivmm_x86_cr4_valid(struct minivmm_vcpu *vcpu, u64 cr4, u64 efer);
void minivmm_x86_set_cr0(struct minivmm_vcpu *vcpu, u64 cr0);
void minivmm_x86_set_cr4(struct minivmm_vcpu *vcpu, u64 cr4);
void minivmm_x86_set_efer(struct minivmm_vcpu *vcpu, u64 efer);
int minivmm_x86_get_msr(struct minivmm_vcpu *vcpu, u32 index, u64 *data,
			bool host);
int minivmm_x86_set_msr(struct minivmm_vcpu *vcpu, u32 index, u64 data,
			bool host);

/* Second-level page tables (kmod/x86/tdp_mmu.c) */
void minivmm_x86_tdp_init(const struct minivmm_tdp_format *f);
bool minivmm_x86_tdp_zap(struct minivmm_vm *vm, u64 gpa, u64 size, bool can_yield);
int minivmm_x86_tdp_age(struct minivmm_vm *vm, u64 gpa, u64 size, bool clear);

/* The host's XCR0 (0 when the host kernel runs without XSAVE). */
extern u64 minivmm_host_xcr0;

#endif /* MINIVMM_X86_H */
