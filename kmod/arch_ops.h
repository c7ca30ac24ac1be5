/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface between minivmm's common code (module life cycle,
 * /dev/minivmm, VMs, vCPUs) and a hardware backend (Intel VT-x in
 * kmod/vmx/; AMD-V may follow). Common code reaches the hardware only
 * through these hooks and never sees a backend's registers or structures.
 */
#ifndef MINIVMM_ARCH_OPS_H
#define MINIVMM_ARCH_OPS_H

#include <linux/types.h>

struct minivmm_caps;
struct minivmm_regs;
struct minivmm_sregs;
struct minivmm_vm;
struct minivmm_vcpu;

/**
 * struct minivmm_arch_ops - what a backend provides to common code
 * @name: short name of the technology, for log lines.
 * @probe: called once at module load, before anything else and before
 *	/dev/minivmm exists: checks that this CPU can run minivmm guests.
 *	Changes no CPU state. Returns 0, or -ENODEV after logging exactly one
 *	pr_err() line, "minivmm: <technology> unusable: <missing piece>".
 * @describe: optional; after a successful @probe, writes into @buf (@size
 *	bytes, always NUL-terminated) a one-line hardware summary for the
 *	"minivmm: loaded" line. Without it @name is used.
 * @init: optional; after @probe, sets up backend state (CPU hotplug and
 *	reboot hooks, chosen controls). Returns 0 or a negative errno.
 * @exit: optional; undoes @init at module unload.
 * @get_caps: fills what it knows of @caps (which arrives zeroed) from the
 *	hardware, read afresh at each call; common code fills @caps->nr_cpus.
 *	Returns 0 or a negative errno. May sleep.
 *
 * Hooks used once VMs exist (process context unless told otherwise):
 *
 * @hardware_get: takes a reference on hardware virtualization being on
 *	every online CPU, turning it on for the first; -EBUSY when another
 *	hypervisor holds it.
 * @hardware_put: drops that reference; the last one turns it off.
 * @vm_init: creates the backend state of @vm (->arch).
 * @vm_destroy: frees it.
 * @vcpu_create: creates the backend state of @vcpu (->arch).
 * @vcpu_free: frees it.
 * @vcpu_load: makes @vcpu current on host CPU @cpu (preemption disabled).
 * @vcpu_put: stops it being current (preemption disabled).
 * @vcpu_enter: enters the guest until an exit userspace must see.
 * @complete_user_exit: consumes what userspace answered to the last exit.
 * @get_regs: reads the general-purpose registers (vCPU loaded).
 * @set_regs: writes them (vCPU loaded).
 * @get_sregs: reads segments, tables and control registers (vCPU loaded).
 * @set_sregs: writes them (vCPU loaded).
 * @get_msr: reads guest MSR @index (vCPU loaded).
 * @set_msr: writes it (vCPU loaded).
 * @vm_bytes: bytes of backend state per VM (for memory statistics).
 * @vcpu_bytes: bytes of backend state per vCPU, VMCS page excluded.
 * @age_range: counts the pages of [@gpa, @gpa + @size) the guest accessed
 *	since the last call, clearing that state when @clear, under the VM's
 *	mmu_lock; 0 when the backend cannot tell.
 * @zap_range: drops second-level mappings of [@gpa, @gpa + @size) under
 *	the VM's mmu_lock; returns true when TLBs must be flushed.
 */
struct minivmm_arch_ops {
	const char *name;
	int (*probe)(void);
	void (*describe)(char *buf, size_t size);
	int (*init)(void);
	void (*exit)(void);
	int (*get_caps)(struct minivmm_caps *caps);

	int (*hardware_get)(void);
	void (*hardware_put)(void);
	int (*vm_init)(struct minivmm_vm *vm);
	void (*vm_destroy)(struct minivmm_vm *vm);
	int (*vcpu_create)(struct minivmm_vcpu *vcpu);
	void (*vcpu_free)(struct minivmm_vcpu *vcpu);
	void (*vcpu_load)(struct minivmm_vcpu *vcpu, int cpu);
	void (*vcpu_put)(struct minivmm_vcpu *vcpu);
	int (*vcpu_enter)(struct minivmm_vcpu *vcpu);
	void (*complete_user_exit)(struct minivmm_vcpu *vcpu);
	int (*get_regs)(struct minivmm_vcpu *vcpu, struct minivmm_regs *regs);
	int (*set_regs)(struct minivmm_vcpu *vcpu,
			const struct minivmm_regs *regs);
	int (*get_sregs)(struct minivmm_vcpu *vcpu, struct minivmm_sregs *sregs);
	int (*set_sregs)(struct minivmm_vcpu *vcpu,
			 const struct minivmm_sregs *sregs);
	int (*get_msr)(struct minivmm_vcpu *vcpu, u32 index, u64 *data);
	int (*set_msr)(struct minivmm_vcpu *vcpu, u32 index, u64 data);
	size_t vm_bytes;
	size_t vcpu_bytes;
	int (*age_range)(struct minivmm_vm *vm, u64 gpa, u64 size, bool clear);
	bool (*zap_range)(struct minivmm_vm *vm, u64 gpa, u64 size);
};

/* The backend in use, chosen and probed at module load (kmod/main.c). */
extern const struct minivmm_arch_ops *minivmm_arch;

#endif /* MINIVMM_ARCH_OPS_H */
