/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AMD-V (SVM with nested paging) backend's own view of VMs and vCPUs:
 * they embed the generic structures (struct minivmm_vm, struct
 * minivmm_vcpu), reached with container_of(). The VMCB layout and exit
 * codes are the kernel's (<asm/svm.h>). Nothing outside kmod/svm/
 * includes this file.
 */
#ifndef MINIVMM_SVM_H
#define MINIVMM_SVM_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <asm/svm.h>
#include "../vm.h"
#include "../arch_ops.h"

/**
 * struct svm_config - what the CPU offers, read once at load
 * @features: CPUID 0x8000000A EDX.
 * @nr_asids: CPUID 0x8000000A EBX: ASIDs per CPU (0 is the host's).
 * @revision: CPUID 0x8000000A EAX[7:0], the SVM revision.
 */
struct svm_config {
	u32 features;
	u32 nr_asids;
	u32 revision;
};

extern struct svm_config svm_cfg;
extern const struct minivmm_tdp_format svm_npt_format;

/* CPUID 0x8000000A EDX bits (AMD APM Vol. 3, E.4.9). */
#define SVM_FEAT_NPT		BIT(0)
#define SVM_FEAT_LBRV		BIT(1)
#define SVM_FEAT_SVML		BIT(2)
#define SVM_FEAT_NRIPS		BIT(3)
#define SVM_FEAT_TSC_RATE	BIT(4)
#define SVM_FEAT_VMCB_CLEAN	BIT(5)
#define SVM_FEAT_FLUSH_ASID	BIT(6)
#define SVM_FEAT_DECODE_ASSISTS	BIT(7)

static inline bool svm_has(u32 feature)
{
	return svm_cfg.features & feature;
}

/**
 * struct svm_vcpu - a vCPU on AMD-V
 * @vcpu: the generic vCPU (its ->arch holds the x86 state).
 * @vmcb: the VMCB (one page).
 * @vmcb_pa: its physical address.
 * @msrpm: the MSR permission map (two pages; every MSR intercepted but
 *	the ones VMLOAD/VMSAVE switch).
 * @asid: the ASID the vCPU runs with on @asid_cpu.
 * @asid_cpu: the CPU @asid was taken on (-1: none yet).
 * @asid_gen: that CPU's ASID generation then.
 * @entry_failed: the last run did not enter: SVM is off on this CPU (the
 *	host reboots).
 * @exit_code: the last exit's code (SVM_EXIT_*; SVM_EXIT_ERR for an entry
 *	the CPU refused).
 * @exit_info_1: its EXITINFO1.
 * @exit_info_2: its EXITINFO2.
 * @exit_int_info: its EXITINTINFO (the event whose delivery the exit
 *	interrupted, bit 31 valid).
 * @next_rip: RIP after the exiting instruction, when @next_rip_valid.
 * @next_rip_valid: @next_rip is known for this exit.
 */
struct svm_vcpu {
	struct minivmm_vcpu vcpu;
	struct vmcb *vmcb;
	u64 vmcb_pa;
	void *msrpm;
	u32 asid;
	int asid_cpu;
	u64 asid_gen;
	bool entry_failed;
	u32 exit_code;
	u64 exit_info_1;
	u64 exit_info_2;
	u32 exit_int_info;
	u64 next_rip;
	bool next_rip_valid;
};

static inline struct svm_vcpu *to_svm(struct minivmm_vcpu *vcpu)
{
	return container_of(vcpu, struct svm_vcpu, vcpu);
}

/**
 * struct svm_cpu - one host CPU's SVM state
 * @hsave: the host save area VMRUN uses (MSR_VM_HSAVE_PA).
 * @host_save: host FS, GS, TR, LDTR and the SYSCALL/SYSENTER MSRs, saved
 *	and restored with VMSAVE and VMLOAD around each entry.
 * @host_save_pa: its physical address.
 * @on: EFER.SVME is set by minivmm on this CPU.
 * @asid_gen: bumped when ASIDs wrap (with a flush of every ASID).
 * @next_asid: the next ASID to hand out.
 * @flush_all: the next entry flushes every ASID (after a wrap or enable).
 * @last_vm: the VM whose guest ran last here (IBPB when another runs).
 */
struct svm_cpu {
	struct page *hsave;
	struct page *host_save;
	u64 host_save_pa;
	bool on;
	u64 asid_gen;
	u32 next_asid;
	bool flush_all;
	struct minivmm_vm *last_vm;
};

DECLARE_PER_CPU(struct svm_cpu, svm_cpu_data);

/* svm_enter.S: 0 after an exit, 1 when VMLOAD/VMRUN/VMSAVE faulted. */
int noinstr minivmm_svm_enter(unsigned long *regs, u64 vmcb_pa, u64 host_save_pa);

/* svm_probe.c */
int svm_probe(void);
void svm_describe(char *buf, size_t size);
int svm_get_caps(struct minivmm_caps *caps);
int svm_get_svm_caps(struct minivmm_svm_caps *caps);

/* svm_hw.c: SVM on one CPU, ASIDs */
int svm_hw_init(void);
void svm_hw_exit(void);
void svm_assign_asid(struct svm_vcpu *svm, int cpu);

/* svm_vmcb.c: VMCB contents */
int svm_maps_init(void);
void svm_maps_exit(void);
void svm_vmcb_init(struct svm_vcpu *svm);
void svm_set_cr0(struct minivmm_vcpu *vcpu, u64 cr0);
void svm_set_cr4(struct minivmm_vcpu *vcpu, u64 cr4);
void svm_set_efer(struct minivmm_vcpu *vcpu, u64 efer);
bool svm_cr4_supported(u64 cr4);

/* svm_vcpu.c */
int svm_vcpu_create(struct minivmm_vcpu *vcpu);
void svm_vcpu_free(struct minivmm_vcpu *vcpu);
void svm_vcpu_load(struct minivmm_vcpu *vcpu, int cpu);
void svm_vcpu_put(struct minivmm_vcpu *vcpu);

/* svm_state.c: guest state in the VMCB */
unsigned long svm_get_rsp(struct minivmm_vcpu *vcpu);
void svm_set_rsp(struct minivmm_vcpu *vcpu, unsigned long val);
unsigned long svm_get_rip(struct minivmm_vcpu *vcpu);
void svm_set_rip(struct minivmm_vcpu *vcpu, unsigned long val);
unsigned long svm_get_rflags(struct minivmm_vcpu *vcpu);
void svm_set_rflags(struct minivmm_vcpu *vcpu, unsigned long val);
int svm_get_cpl(struct minivmm_vcpu *vcpu);
void svm_get_segment(struct minivmm_vcpu *vcpu, struct minivmm_segment *s,
		     enum minivmm_sreg seg);
void svm_set_segment(struct minivmm_vcpu *vcpu, const struct minivmm_segment *s,
		     enum minivmm_sreg seg);
void svm_get_dtables(struct minivmm_vcpu *vcpu, struct minivmm_dtable *gdt,
		     struct minivmm_dtable *idt);
void svm_set_dtables(struct minivmm_vcpu *vcpu, const struct minivmm_dtable *gdt,
		     const struct minivmm_dtable *idt);
u64 svm_get_cr3(struct minivmm_vcpu *vcpu);
void svm_set_cr3(struct minivmm_vcpu *vcpu, u64 cr3);
u64 svm_get_dr7(struct minivmm_vcpu *vcpu);
void svm_set_dr7(struct minivmm_vcpu *vcpu, u64 dr7);
int svm_get_msr(struct minivmm_vcpu *vcpu, u32 index, u64 *data);
int svm_set_msr(struct minivmm_vcpu *vcpu, u32 index, u64 data);

/* svm_run.c */
int svm_vcpu_run(struct minivmm_vcpu *vcpu);
void svm_skip_instruction(struct minivmm_vcpu *vcpu);
void svm_queue_exception(struct minivmm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error);
bool svm_interrupt_allowed(struct minivmm_vcpu *vcpu);
void svm_inject_irq(struct minivmm_vcpu *vcpu, u8 vector);
void svm_set_irq_window(struct minivmm_vcpu *vcpu, bool on);

/* svm_exit.c */
int svm_handle_exit(struct minivmm_vcpu *vcpu);

/* svm_npt.c */
int svm_vm_init(struct minivmm_vm *vm);
void svm_vm_destroy(struct minivmm_vm *vm);
void svm_flush_tlb(struct minivmm_vcpu *vcpu);

#endif /* MINIVMM_SVM_H */
