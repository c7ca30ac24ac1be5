/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a hardware backend (vendor: Intel VT-x in kmod/vmx/; AMD-V may
 * follow in kmod/svm/) provides to the generic code (kmod/) and to the x86
 * layer (kmod/x86/). Nothing else of a backend is visible outside its
 * folder: a backend's VM and vCPU structures embed the generic ones
 * (struct minivmm_vm, struct minivmm_vcpu) and are reached with
 * container_of(); every x86 rule (CPUID, MSR policy, CR/XCR checks,
 * emulation, injection policy, second-level table walks) lives in the x86
 * layer, which calls the hooks below for the vendor's share of the state.
 */
#ifndef MINIVMM_ARCH_OPS_H
#define MINIVMM_ARCH_OPS_H

#include <linux/types.h>

struct minivmm_caps;
struct minivmm_svm_caps;
struct minivmm_segment;
struct minivmm_dtable;
struct minivmm_vm;
struct minivmm_vcpu;

/*
 * The run-loop contract. An exit handler (the backend's @handle_exit and
 * every x86 handler it calls) returns:
 *   MINIVMM_RUN_RESUME  the exit is handled: enter the guest again;
 *   MINIVMM_RUN_USER    vcpu->run holds an exit userspace must see;
 *   a negative errno    the host failed (-ENOMEM); RUN returns it.
 * -EINTR additionally means a signal is pending (MINIVMM_EXIT_INTR).
 */
#define MINIVMM_RUN_RESUME	1
#define MINIVMM_RUN_USER	0

/*
 * What @run returns: MINIVMM_FASTPATH_NONE, @handle_exit is to decode the
 * exit; MINIVMM_FASTPATH_REENTER, @run handled the exit itself with
 * interrupts off (as KVM's fastpath: a CPUID, which needs nothing that
 * sleeps) and the x86 layer enters again at once unless a signal,
 * rescheduling or a request waits.
 */
#define MINIVMM_FASTPATH_NONE		0
#define MINIVMM_FASTPATH_REENTER	1

/* Segment registers, for @get_segment and @set_segment. */
enum minivmm_sreg {
	MINIVMM_SREG_ES, MINIVMM_SREG_CS, MINIVMM_SREG_SS, MINIVMM_SREG_DS,
	MINIVMM_SREG_FS, MINIVMM_SREG_GS, MINIVMM_SREG_TR, MINIVMM_SREG_LDTR,
	MINIVMM_SREG_NR
};

/**
 * struct minivmm_tdp_format - bits of a backend's second-level page-table
 *	entries (4 levels, 512 entries of 8 bytes, 4 KiB tables)
 * @present: any of these bits set means the entry is present.
 * @table: the bits of an entry pointing to a lower-level table.
 * @leaf: the bits of a readable, executable leaf (memory type included).
 * @writable: the bit that makes a leaf writable.
 * @large: the bit that makes an entry above level 0 a leaf.
 * @accessed_bit: bit number of the accessed flag.
 * @dirty: the dirty flag.
 * @huge_2m: 2 MiB leaves may be used.
 * @ad: the hardware maintains @accessed_bit and @dirty.
 */
struct minivmm_tdp_format {
	u64 present;
	u64 table;
	u64 leaf;
	u64 writable;
	u64 large;
	int accessed_bit;
	u64 dirty;
	bool huge_2m;
	bool ad;
};

/**
 * struct minivmm_arch_ops - what a backend provides
 * @name: short name of the technology, for log lines.
 * @probe: called once at module load, before anything else and before
 *	/dev/minivmm exists: checks that this CPU can run minivmm guests.
 *	Changes no CPU state. Returns 0, or -ENODEV after logging exactly one
 *	pr_err() line, "minivmm: <technology> unusable: <missing piece>".
 * @describe: optional; after a successful @probe, writes into @buf (@size
 *	bytes, always NUL-terminated) a one-line hardware summary for the
 *	"minivmm: loaded" line. Without it @name is used.
 * @init: optional; after @probe, sets up backend state (CPU hotplug and
 *	reboot hooks, chosen controls, @tdp). Returns 0 or a negative errno.
 * @exit: optional; undoes @init at module unload.
 * @get_caps: fills what it knows of @caps (which arrives zeroed) from the
 *	hardware, read afresh at each call; common code fills @caps->nr_cpus.
 *	Returns 0 or a negative errno. May sleep.
 * @get_svm_caps: AMD-V only (NULL otherwise): fills @caps (zeroed) for
 *	MINIVMM_GET_SVM_CAPS. Returns 0 or a negative errno.
 * @hardware_get: takes a reference on hardware virtualization being on
 *	every online CPU, turning it on for the first; -EBUSY when another
 *	hypervisor holds it.
 * @hardware_put: drops that reference; the last one turns it off.
 * @vm_size: bytes of the backend's VM structure, which starts with (or
 *	embeds) struct minivmm_vm; generic code allocates it zeroed.
 * @vm_init: sets up the backend part of @vm; its second-level root table
 *	exists already (vm->arch.tdp_root).
 * @vm_destroy: undoes @vm_init; no vCPU of @vm exists any more.
 * @vcpu_size: bytes of the backend's vCPU structure, embedding struct
 *	minivmm_vcpu; allocated zeroed by generic code.
 * @vcpu_create: sets up the backend part of @vcpu and its reset state
 *	(x86 state already at reset values).
 * @vcpu_free: undoes @vcpu_create.
 * @vcpu_load: makes @vcpu current on host CPU @cpu (preemption disabled).
 * @vcpu_put: stops it being current (preemption disabled).
 * @run: enters the guest once; called with interrupts and preemption off,
 *	after the x86 layer served requests. Loads the guest's XCR0 and
 *	CR2 around the world switch (minivmm_x86_load_guest_xsave_state()).
 *	Returns when the guest exits (or entry failed): MINIVMM_FASTPATH_NONE
 *	for @handle_exit to see why, or MINIVMM_FASTPATH_REENTER.
 * @handle_exit: after @run, with interrupts on and preemption enabled:
 *	decodes the exit and calls the x86 handler for it. Returns per the
 *	run-loop contract above; an entry failure is a MINIVMM_EXIT_FAIL_ENTRY
 *	exit to userspace.
 * @flush_tlb: drops this CPU's cached guest-physical translations of
 *	@vcpu's VM (vCPU loaded, interrupts off).
 * @get_rsp: the guest's RSP.
 * @set_rsp: sets it.
 * @get_rip: the guest's RIP.
 * @set_rip: sets it.
 * @get_rflags: the guest's RFLAGS.
 * @set_rflags: sets it (already valid).
 * @get_cpl: the guest's current privilege level.
 * @get_segment: reads segment register @seg into @s (vCPU loaded).
 * @set_segment: loads it (values already checked for field ranges).
 * @get_dtables: reads GDTR and IDTR.
 * @set_dtables: loads them.
 * @get_cr3: the guest's CR3.
 * @set_cr3: loads it.
 * @set_cr0: makes @cr0 (already valid; vcpu->arch.cr0 holds it) the
 *	guest's CR0, adding what the hardware requires.
 * @set_cr4: likewise for CR4.
 * @set_efer: likewise for EFER (vcpu->arch.efer holds it), selecting the
 *	hardware's long-mode guest state from EFER.LMA.
 * @cr4_supported: may the hardware run a guest with these CR4 bits?
 * @get_dr7: the guest's DR7.
 * @set_dr7: loads it.
 * @get_msr: reads MSR @index when it lives in the backend's state
 *	(SYSENTER_*, FS/GS/KERNEL_GS base, PAT, TSC); -ENOENT otherwise.
 *	The x86 layer decides which MSRs exist and validates values.
 * @set_msr: writes one of those; -EINVAL when the hardware cannot (TSC
 *	without offsetting).
 * @skip_instruction: moves RIP past the instruction that caused the
 *	current exit and ends STI/MOV SS blocking.
 * @queue_exception: delivers hardware exception @vector (with @error when
 *	@has_error) at the next entry.
 * @interrupt_allowed: can the guest take an external interrupt now
 *	(RFLAGS.IF, no interrupt shadow, no event being injected)?
 * @inject_irq: delivers external interrupt @vector at the next entry.
 * @set_irq_window: asks (@on) for an exit as soon as the guest can take
 *	an interrupt, or stops asking.
 * @tdp: the format of the backend's second-level tables, set by @init.
 */
struct minivmm_arch_ops {
	const char *name;
	int (*probe)(void);
	void (*describe)(char *buf, size_t size);
	int (*init)(void);
	void (*exit)(void);
	int (*get_caps)(struct minivmm_caps *caps);
	int (*get_svm_caps)(struct minivmm_svm_caps *caps);

	int (*hardware_get)(void);
	void (*hardware_put)(void);
	size_t vm_size;
	int (*vm_init)(struct minivmm_vm *vm);
	void (*vm_destroy)(struct minivmm_vm *vm);
	size_t vcpu_size;
	int (*vcpu_create)(struct minivmm_vcpu *vcpu);
	void (*vcpu_free)(struct minivmm_vcpu *vcpu);
	void (*vcpu_load)(struct minivmm_vcpu *vcpu, int cpu);
	void (*vcpu_put)(struct minivmm_vcpu *vcpu);

	int (*run)(struct minivmm_vcpu *vcpu);
	int (*handle_exit)(struct minivmm_vcpu *vcpu);
	void (*flush_tlb)(struct minivmm_vcpu *vcpu);

	unsigned long (*get_rsp)(struct minivmm_vcpu *vcpu);
	void (*set_rsp)(struct minivmm_vcpu *vcpu, unsigned long val);
	unsigned long (*get_rip)(struct minivmm_vcpu *vcpu);
	void (*set_rip)(struct minivmm_vcpu *vcpu, unsigned long val);
	unsigned long (*get_rflags)(struct minivmm_vcpu *vcpu);
	void (*set_rflags)(struct minivmm_vcpu *vcpu, unsigned long val);
	int (*get_cpl)(struct minivmm_vcpu *vcpu);
	void (*get_segment)(struct minivmm_vcpu *vcpu, struct minivmm_segment *s,
			    enum minivmm_sreg seg);
	void (*set_segment)(struct minivmm_vcpu *vcpu,
			    const struct minivmm_segment *s, enum minivmm_sreg seg);
	void (*get_dtables)(struct minivmm_vcpu *vcpu, struct minivmm_dtable *gdt,
			    struct minivmm_dtable *idt);
	void (*set_dtables)(struct minivmm_vcpu *vcpu,
			    const struct minivmm_dtable *gdt,
			    const struct minivmm_dtable *idt);
	u64 (*get_cr3)(struct minivmm_vcpu *vcpu);
	void (*set_cr3)(struct minivmm_vcpu *vcpu, u64 cr3);
	void (*set_cr0)(struct minivmm_vcpu *vcpu, u64 cr0);
	void (*set_cr4)(struct minivmm_vcpu *vcpu, u64 cr4);
	void (*set_efer)(struct minivmm_vcpu *vcpu, u64 efer);
	bool (*cr4_supported)(u64 cr4);
	u64 (*get_dr7)(struct minivmm_vcpu *vcpu);
	void (*set_dr7)(struct minivmm_vcpu *vcpu, u64 dr7);
	int (*get_msr)(struct minivmm_vcpu *vcpu, u32 index, u64 *data);
	int (*set_msr)(struct minivmm_vcpu *vcpu, u32 index, u64 data);

	void (*skip_instruction)(struct minivmm_vcpu *vcpu);
	void (*queue_exception)(struct minivmm_vcpu *vcpu, u8 vector,
				bool has_error, u32 error);
	bool (*interrupt_allowed)(struct minivmm_vcpu *vcpu);
	void (*inject_irq)(struct minivmm_vcpu *vcpu, u8 vector);
	void (*set_irq_window)(struct minivmm_vcpu *vcpu, bool on);

	const struct minivmm_tdp_format *tdp;
};

/* The backend in use, chosen and probed at module load (kmod/main.c). */
extern const struct minivmm_arch_ops *minivmm_arch;

#endif /* MINIVMM_ARCH_OPS_H */
