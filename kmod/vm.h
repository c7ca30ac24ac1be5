/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMs and vCPUs as common code sees them. The x86 state is embedded as
 * ->arch (kmod/x86/x86_state.h); a backend's structures embed these and
 * are reached with container_of(), never seen by generic code.
 */
#ifndef MINIVMM_VM_H
#define MINIVMM_VM_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/refcount.h>
#include <linux/mmu_notifier.h>
#include <linux/preempt.h>
#include <linux/minivmm.h>
#include <linux/list.h>
#include <linux/sched.h>
#include "mmio.h"
#include "common/balloon_policy.h"
#include "x86/x86_state.h"

struct minivmm_vcpu;

/**
 * struct minivmm_vm_stats - counters behind MINIVMM_GET_MEM_STATS
 * @ept_violations: EPT-violation exits.
 * @pages_mapped: 4 KiB EPT leaves now.
 * @huge_mapped: 2 MiB EPT leaves now.
 * @faults_major: host swap-in faults.
 * @faults_minor: faults served without I/O.
 * @inval: invalidations by
 *	cause (MINIVMM_INVAL_*).
 * @pages_zapped: EPT leaves removed by them.
 * @young_cleared: accessed bits cleared for host aging.
 * @mmio_exits: accesses outside guest RAM.
 * @ept_table_pages: EPT tables.
 * @kernel_bytes: kernel memory held for the VM, EPT tables excluded.
 * @double_paging: pages of guest disk writes (MINIVMM_REPORT_DMA) that
 *	the host had swapped out.
 * @stale_swap_reads: same for disk reads.
 * @ballooned_swapped: inflated pages released from host swap.
 * @swapins_saved: of those, pages deflated since.
 * @dma_reports: DMA reports accepted.
 * @dma_pages: pages they covered.
 */
struct minivmm_vm_stats {
	atomic64_t ept_violations;
	atomic64_t pages_mapped;
	atomic64_t huge_mapped;
	atomic64_t faults_major;
	atomic64_t faults_minor;
	atomic64_t inval[5];
	atomic64_t pages_zapped;
	atomic64_t young_cleared;
	atomic64_t mmio_exits;
	atomic64_t ept_table_pages;
	atomic64_t kernel_bytes;
	atomic64_t double_paging;
	atomic64_t stale_swap_reads;
	atomic64_t ballooned_swapped;
	atomic64_t swapins_saved;
	atomic64_t dma_reports;
	atomic64_t dma_pages;
};

/**
 * struct minivmm_vm_admin - what the administrator and the monitor keep of
 *	a VM (kmod/vm_registry.c, kmod/admin.c, kmod/monitor.c)
 * @node: in the registry's list, by increasing @id (minivmm_vms_lock).
 * @lock: orders the administrator's changes of @mode, @floor_pages,
 *	@ceiling_pages and the target with the monitor's; before mmio_lock.
 *	Single fields are read with READ_ONCE() without it; @sample and
 *	@unresponsive are the monitor's (under its monitor_lock).
 * @id: host-wide id (from 1).
 * @owner_pid: thread-group id of the creator.
 * @owner_comm: its command.
 * @created_ns: CLOCK_MONOTONIC creation time.
 * @mode: MINIVMM_BALLOON_MANUAL or MINIVMM_BALLOON_AUTO.
 * @floor_set: @floor_pages was set (else a quarter of the RAM).
 * @ceiling_set: @ceiling_pages was set (else the RAM).
 * @floor_pages: RAM the monitor leaves the guest.
 * @ceiling_pages: the monitor's largest balloon.
 * @sample: the policy's view of the VM across steps.
 * @unresponsive: the policy reported the balloon as not following.
 * @kobj: /sys/class/misc/minivmm/vm/ID, or NULL.
 */
struct minivmm_vm_admin {
	struct list_head node;
	struct mutex lock;
	u32 id;
	pid_t owner_pid;
	char owner_comm[TASK_COMM_LEN];
	u64 created_ns;
	u32 mode;
	bool floor_set;
	bool ceiling_set;
	u64 floor_pages;
	u64 ceiling_pages;
	struct minivmm_vm_sample sample;
	bool unresponsive;
	struct kobject *kobj;
};

/* Causes of MMU-notifier invalidations (minivmm_vm_stats.inval). */
enum {
	MINIVMM_INVAL_UNMAP,
	MINIVMM_INVAL_CLEAR,
	MINIVMM_INVAL_PROTECT,
	MINIVMM_INVAL_MIGRATE,
	MINIVMM_INVAL_OTHER,
};

/**
 * struct minivmm_memslot - one guest-physical range backed by VMM memory
 * @gpa: first guest-physical address (page aligned).
 * @size: bytes (page aligned); 0 means the slot is unused.
 * @uaddr: first byte of the backing in the VMM's address space.
 * @flags: MINIVMM_MEM_* flags.
 */
struct minivmm_memslot {
	u64 gpa;
	u64 size;
	u64 uaddr;
	u32 flags;
};

/* Guest-physical addresses minivmm accepts (slots and device windows). */
#define MINIVMM_MAX_GPA		(1ULL << 46)

/**
 * minivmm_slot_hva() - the VMM address behind a guest-physical address
 * @s: the slot holding @gpa.
 * @gpa: the address.
 *
 * Return: the address in the VMM's address space.
 */
static inline unsigned long minivmm_slot_hva(const struct minivmm_memslot *s, u64 gpa)
{
	return s->uaddr + (gpa - s->gpa);
}

/**
 * struct minivmm_vm - a virtual machine
 * @users: references: the VM fd and every vCPU.
 * @mm: the address space of the process that created the VM; only it may
 *	run vCPUs or change memory (others get -EIO), as with KVM.
 * @lock: serialises vCPU creation and memory-slot changes.
 * @slots: the memory slots, read under @mmu_lock or @lock.
 * @slots_srcu: in-kernel accesses through a slot's userspace address
 *	(minivmm_guest_rw()) are read-side sections; a slot change or delete
 *	waits for them before it returns, so none lands in whatever the VMM
 *	maps at the old address next.
 * @vcpus: vCPUs by id; a vCPU holds a VM reference, not the reverse.
 * @nr_vcpus: vCPUs created.
 * @mmu_lock: protects the backend's second-level page tables and the
 *	invalidation state below; taken in MMU-notifier context, never sleeps.
 * @mmu_seq: bumped at the end of every invalidation.
 * @mmu_invalidating: invalidations in progress.
 * @mn: MMU notifier on @mm keeping second-level tables coherent.
 * @mn_registered: @mn is live.
 * @stats: memory statistics.
 * @mmio_lock: protects @mmio_devs and serialises their handlers.
 * @mmio_devs: in-kernel devices claiming guest-physical ranges; written
 *	with both @mmio_lock and @lock held, read under either.
 * @mmio_service: a device left work for vCPU entries (minivmm_mmio_service()).
 * @admin: registry, administrator and monitor state.
 * @arch: x86 state: the second-level page tables.
 */
struct minivmm_vm {
	refcount_t users;
	struct mm_struct *mm;
	struct mutex lock;
	struct minivmm_memslot slots[MINIVMM_MAX_MEMSLOTS];
	struct srcu_struct slots_srcu;
	struct minivmm_vcpu *vcpus[MINIVMM_MAX_VCPUS];
	unsigned int nr_vcpus;
	spinlock_t mmu_lock;
	unsigned long mmu_seq;
	long mmu_invalidating;
	struct mmu_notifier mn;
	bool mn_registered;
	struct minivmm_vm_stats stats;
	struct mutex mmio_lock;
	struct minivmm_mmio_dev *mmio_devs[MINIVMM_MAX_MMIO_DEVS];
	bool mmio_service;
	struct minivmm_vm_admin admin;
	struct minivmm_vm_arch arch;
};

/* minivmm_vcpu.mode */
enum minivmm_vcpu_mode {
	MINIVMM_OUTSIDE_GUEST,
	MINIVMM_IN_GUEST,
};

/* Where port I/O data sits in the run page (minivmm_run.io.data_offset). */
#define MINIVMM_PIO_DATA_OFFSET	512

/* Requests (bits of minivmm_vcpu.requests) served before the next entry. */
#define MINIVMM_REQ_TLB_FLUSH	0
/* An event to evaluate: an interrupt was raised, or may be deliverable now. */
#define MINIVMM_REQ_EVENT	1

/**
 * struct minivmm_vcpu - a virtual CPU
 * @vm: its VM (holds a reference).
 * @id: 0 .. MINIVMM_MAX_VCPUS - 1.
 * @mutex: serialises the vCPU's ioctls (RUN included).
 * @run: the page shared with userspace (struct minivmm_run).
 * @cpu: host CPU it last ran on, -1 before the first run.
 * @mode: MINIVMM_IN_GUEST between the last request check and VM exit.
 * @requests: MINIVMM_REQ_* bits.
 * @pn: preempt notifier, registered while RUN runs.
 * @arch: x86 state (registers, CPUID, FPU, pending exits and interrupts).
 */
struct minivmm_vcpu {
	struct minivmm_vm *vm;
	u32 id;
	struct mutex mutex;
	struct minivmm_run *run;
	int cpu;
	int mode;
	unsigned long requests;
	struct preempt_notifier pn;
	struct minivmm_vcpu_arch arch;
};

/* Second-level table pages of all VMs, and VMs alive (module-wide). */
extern atomic_long_t minivmm_table_pages;
extern atomic_t minivmm_nr_vms;

int minivmm_vm_create(void);
void minivmm_vm_put(struct minivmm_vm *vm);
void minivmm_vm_mem_stats(struct minivmm_vm *vm, struct minivmm_mem_stats *out);
int minivmm_vcpu_create(struct minivmm_vm *vm, unsigned long id);
long minivmm_vcpu_run(struct minivmm_vcpu *vcpu);
void minivmm_vcpu_destroy(struct minivmm_vcpu *vcpu);
bool minivmm_vcpu_raise_irq(struct minivmm_vcpu *vcpu, u8 vector);
void minivmm_vcpu_init(void);
void minivmm_vcpu_exit(void);

const struct minivmm_memslot *minivmm_find_slot(struct minivmm_vm *vm, u64 gpa);
int minivmm_guest_rw(struct minivmm_vm *vm, u64 gpa, void *buf, u32 len,
		     bool write);
int minivmm_gpa_to_page(struct minivmm_vm *vm, u64 gpa, bool write,
			struct page **page, bool *writable, unsigned long *seq);
bool minivmm_mmu_retry(struct minivmm_vm *vm, unsigned long seq);
void minivmm_request_all(struct minivmm_vm *vm, int req);
void minivmm_vcpu_request(struct minivmm_vcpu *vcpu, int req);

int minivmm_mmu_notifier_register(struct minivmm_vm *vm);
void minivmm_mmu_notifier_unregister(struct minivmm_vm *vm);

#endif /* MINIVMM_VM_H */
