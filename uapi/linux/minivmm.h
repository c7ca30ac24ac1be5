/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * minivmm userspace ABI: ioctls on /dev/minivmm and on the file descriptors
 * it hands out.
 *
 * Rules kept by every structure here: fixed-width types only, explicit
 * padding, userspace pointers carried as __u64, reserved fields must be zero
 * on input (-EINVAL otherwise) and are zero on output. A structure is never
 * changed once released: a new layout gets a new ioctl number. An unknown
 * ioctl answers -ENOTTY.
 */
#ifndef _UAPI_LINUX_MINIVMM_H
#define _UAPI_LINUX_MINIVMM_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* Returned by MINIVMM_GET_API_VERSION; bumped only for incompatible changes. */
#define MINIVMM_API_VERSION	1

/* ioctl type byte of every minivmm ioctl. */
#define MINIVMMIO		0xE7

/* ---------------------------------------------------------------------- */
/* System ioctls: on an fd of /dev/minivmm                                  */
/* ---------------------------------------------------------------------- */

/*
 * MINIVMM_GET_API_VERSION: takes no argument (it must be 0), returns
 * MINIVMM_API_VERSION as the ioctl's return value.
 */
#define MINIVMM_GET_API_VERSION	_IO(MINIVMMIO, 0x00)

/* Bits of minivmm_caps.caps. */
#define MINIVMM_CAP_VMX			(1ULL << 0)  /* CPUID.1:ECX.VMX */
#define MINIVMM_CAP_VMX_FW_ENABLED	(1ULL << 1)  /* FEATURE_CONTROL locked, VMX on */
#define MINIVMM_CAP_EPT			(1ULL << 2)  /* secondary control "enable EPT" */
#define MINIVMM_CAP_EPT_4LEVEL		(1ULL << 3)  /* 4-level page walk */
#define MINIVMM_CAP_EPT_WB		(1ULL << 4)  /* write-back EPT paging structures */
#define MINIVMM_CAP_EPT_2M		(1ULL << 5)  /* 2 MiB EPT leaves */
#define MINIVMM_CAP_EPT_1G		(1ULL << 6)  /* 1 GiB EPT leaves */
#define MINIVMM_CAP_EPT_AD		(1ULL << 7)  /* EPT accessed/dirty flags */
#define MINIVMM_CAP_VPID		(1ULL << 8)  /* secondary control "enable VPID" */
#define MINIVMM_CAP_UNRESTRICTED_GUEST	(1ULL << 9)
#define MINIVMM_CAP_INVEPT		(1ULL << 10) /* INVEPT instruction */
#define MINIVMM_CAP_INVVPID		(1ULL << 11) /* INVVPID instruction */
#define MINIVMM_CAP_PREEMPTION_TIMER	(1ULL << 12) /* VMX-preemption timer */
#define MINIVMM_CAP_TRUE_CTLS		(1ULL << 13) /* IA32_VMX_TRUE_*_CTLS exist */
#define MINIVMM_CAP_SECONDARY_CTLS	(1ULL << 14) /* secondary proc-based controls */
/* AMD-V (MINIVMM_BACKEND_SVM): CPUID 0x80000001 and 0x8000000A, VM_CR. */
#define MINIVMM_CAP_SVM			(1ULL << 15) /* CPUID 0x80000001:ECX.SVM */
#define MINIVMM_CAP_SVM_FW_ENABLED	(1ULL << 16) /* VM_CR.SVMDIS clear */
#define MINIVMM_CAP_NPT			(1ULL << 17) /* nested paging */
#define MINIVMM_CAP_NRIPS		(1ULL << 18) /* next RIP saved on exits */
#define MINIVMM_CAP_FLUSH_BY_ASID	(1ULL << 19) /* TLB flush of one ASID */
#define MINIVMM_CAP_DECODE_ASSISTS	(1ULL << 20) /* exit operands decoded */
#define MINIVMM_CAP_VMCB_CLEAN		(1ULL << 21) /* VMCB clean bits */

/* Bits of minivmm_caps.invept_types. */
#define MINIVMM_INVEPT_SINGLE_CONTEXT	(1U << 0)
#define MINIVMM_INVEPT_ALL_CONTEXT	(1U << 1)

/* Bits of minivmm_caps.invvpid_types. */
#define MINIVMM_INVVPID_INDIVIDUAL_ADDR	(1U << 0)
#define MINIVMM_INVVPID_SINGLE_CONTEXT	(1U << 1)
#define MINIVMM_INVVPID_ALL_CONTEXT	(1U << 2)
#define MINIVMM_INVVPID_SINGLE_NONGLOBAL (1U << 3)

/* minivmm_caps.backend */
#define MINIVMM_BACKEND_VMX		1
#define MINIVMM_BACKEND_SVM		2	/* AMD-V; the VMX fields read 0 */

/**
 * struct minivmm_caps - what this CPU offers to minivmm (MINIVMM_GET_CAPS)
 * @flags: in: must be 0.
 * @backend: out: MINIVMM_BACKEND_* of the loaded backend.
 * @caps: out: MINIVMM_CAP_* bits.
 * @invept_types: out: MINIVMM_INVEPT_* bits.
 * @invvpid_types: out: MINIVMM_INVVPID_* bits.
 * @vmcs_revision_id: out: IA32_VMX_BASIC[30:0].
 * @vmcs_size: out: bytes of a VMCS region, IA32_VMX_BASIC[44:32].
 * @preemption_timer_shift: out: the timer counts down once every
 *	2^shift TSC ticks (IA32_VMX_MISC[4:0]); valid with
 *	MINIVMM_CAP_PREEMPTION_TIMER.
 * @nr_cpus: out: online host CPUs at the time of the call.
 * @vmx_basic: out: raw IA32_VMX_BASIC.
 * @ept_vpid_cap: out: raw IA32_VMX_EPT_VPID_CAP (0 without secondary controls).
 * @procbased_ctls2: out: raw IA32_VMX_PROCBASED_CTLS2 (0 without them).
 * @feature_control: out: raw IA32_FEATURE_CONTROL.
 * @reserved: in: must be zero; out: zero.
 */
struct minivmm_caps {
	__u32 flags;
	__u32 backend;
	__u64 caps;
	__u32 invept_types;
	__u32 invvpid_types;
	__u32 vmcs_revision_id;
	__u32 vmcs_size;
	__u32 preemption_timer_shift;
	__u32 nr_cpus;
	__u64 vmx_basic;
	__u64 ept_vpid_cap;
	__u64 procbased_ctls2;
	__u64 feature_control;
	__u64 reserved[8];
};

#define MINIVMM_GET_CAPS	_IOWR(MINIVMMIO, 0x01, struct minivmm_caps)

/**
 * struct minivmm_svm_caps - what an AMD-V CPU offers (MINIVMM_GET_SVM_CAPS)
 * @flags: in: must be 0.
 * @revision: out: the SVM revision, CPUID 0x8000000A:EAX[7:0].
 * @nr_asids: out: address space IDs per CPU, CPUID 0x8000000A:EBX (ASID 0
 *	is the host's).
 * @features: out: raw CPUID 0x8000000A:EDX (bit 0 nested paging, 3 NRIPS,
 *	5 VMCB clean bits, 6 flush by ASID, 7 decode assists; AMD APM Vol. 3).
 * @vm_cr: out: raw MSR VM_CR (0xc0010114; bit 4 SVMDIS).
 * @reserved: in: must be zero; out: zero.
 */
struct minivmm_svm_caps {
	__u32 flags;
	__u32 revision;
	__u32 nr_asids;
	__u32 features;
	__u64 vm_cr;
	__u64 reserved[6];
};

/*
 * MINIVMM_GET_SVM_CAPS: the AMD-V specifics next to MINIVMM_GET_CAPS
 * (whose VMX fields read 0 on AMD-V). -ENODEV with another backend.
 */
#define MINIVMM_GET_SVM_CAPS	_IOWR(MINIVMMIO, 0x04, struct minivmm_svm_caps)

/*
 * MINIVMM_CREATE_VM: argument must be 0. Returns a new VM file descriptor
 * (O_CLOEXEC). -EBUSY when another hypervisor holds VMX on some CPU.
 */
#define MINIVMM_CREATE_VM		_IO(MINIVMMIO, 0x02)

/* MINIVMM_GET_VCPU_MMAP_SIZE: argument 0; returns the bytes to mmap from a
 * vCPU fd to reach its struct minivmm_run (at offset 0).
 */
#define MINIVMM_GET_VCPU_MMAP_SIZE	_IO(MINIVMMIO, 0x03)

/* ---------------------------------------------------------------------- */
/* VM ioctls: on a VM fd                                                    */
/* ---------------------------------------------------------------------- */

#define MINIVMM_MAX_VCPUS		16
#define MINIVMM_MAX_MEMSLOTS		32

/* minivmm_memory_region.flags */
#define MINIVMM_MEM_READONLY		(1U << 0)

/**
 * struct minivmm_memory_region - guest physical memory backed by the
 *	caller's memory (MINIVMM_SET_MEMORY_REGION)
 * @slot: 0 .. MINIVMM_MAX_MEMSLOTS - 1.
 * @flags: MINIVMM_MEM_* bits.
 * @guest_phys_addr: page aligned.
 * @memory_size: page aligned; 0 deletes the slot.
 * @userspace_addr: page-aligned address in the caller's address space.
 * @reserved: must be zero.
 */
struct minivmm_memory_region {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
	__u64 reserved[4];
};

/* MINIVMM_CREATE_VCPU: argument is the vCPU id (0 .. MINIVMM_MAX_VCPUS - 1);
 * returns a vCPU fd. -EEXIST for an id in use.
 */
#define MINIVMM_CREATE_VCPU		_IO(MINIVMMIO, 0x10)
#define MINIVMM_SET_MEMORY_REGION	_IOW(MINIVMMIO, 0x11, struct minivmm_memory_region)

/**
 * struct minivmm_mem_stats - guest memory statistics of a VM
 *	(MINIVMM_GET_MEM_STATS); counters count since the VM was created
 * @ept_violations: EPT-violation exits.
 * @pages_mapped: 4 KiB guest pages mapped in EPT now.
 * @huge_mapped: 2 MiB EPT mappings now.
 * @faults_major: host swap-in faults: guest accesses whose page the host
 *	had to bring back (a major fault while minivmm looked it up).
 * @faults_minor: guest first touches and refaults served without I/O.
 * @inval_unmap: MMU-notifier invalidations for munmap() and mremap().
 * @inval_clear: for reclaim and swap-out, MADV_DONTNEED and the like.
 * @inval_protect: for write protection (fork()'s copy-on-write, mprotect).
 * @inval_migrate: for page migration and compaction.
 * @inval_other: any other cause.
 * @pages_zapped: EPT mappings those invalidations removed.
 * @young_cleared: pages the host aged through their EPT accessed bits.
 * @mmio_exits: guest accesses outside memory slots (or writes to read-only
 *	slots) handed to a device.
 * @ept_table_pages: EPT table pages the VM holds now.
 * @kernel_bytes: kernel memory the VM holds now for itself: its
 *	structures, VMCS and run pages, guest FPU state, CPUID tables and
 *	EPT tables (guest memory is the VMM's, not counted).
 * @reserved: zero.
 */
struct minivmm_mem_stats {
	__u64 ept_violations;
	__u64 pages_mapped;
	__u64 huge_mapped;
	__u64 faults_major;
	__u64 faults_minor;
	__u64 inval_unmap;
	__u64 inval_clear;
	__u64 inval_protect;
	__u64 inval_migrate;
	__u64 inval_other;
	__u64 pages_zapped;
	__u64 young_cleared;
	__u64 mmio_exits;
	__u64 ept_table_pages;
	__u64 kernel_bytes;
	__u64 reserved[17];
};

#define MINIVMM_GET_MEM_STATS		_IOR(MINIVMMIO, 0x12, struct minivmm_mem_stats)

/**
 * struct minivmm_balloon_config - an in-kernel virtio-balloon device
 *	(MINIVMM_CREATE_BALLOON): VIRTIO 1.2 traditional balloon, device ID
 *	5, on the virtio-mmio (version 2) transport
 * @mmio_base: guest-physical base of its 0x200-byte register window;
 *	page aligned, outside every memory slot and other device.
 * @irq_vector: external interrupt vector (32 .. 255) queued on vCPU 0
 *	when the device interrupts.
 * @flags: must be zero.
 * @features: virtio feature bits to offer, a subset of
 *	MINIVMM_BALLOON_FEATURES_SUPPORTED; 0 offers all of them.
 *	VIRTIO_F_VERSION_1 (bit 32) is always offered.
 * @initial_target_pages: num_pages (target balloon size in 4 KiB pages)
 *	at power-on.
 * @stats_interval_ms: ask the guest for statistics this often
 *	(0: never; at least 100 otherwise).
 * @reserved: must be zero.
 */
struct minivmm_balloon_config {
	__u64 mmio_base;
	__u32 irq_vector;
	__u32 flags;
	__u64 features;
	__u32 initial_target_pages;
	__u32 stats_interval_ms;
	__u64 reserved[4];
};

/* Size of the balloon's register window. */
#define MINIVMM_BALLOON_MMIO_SIZE	0x200
/*
 * Feature bits minivmm's balloon can offer: VIRTIO_F_VERSION_1 (32),
 * MUST_TELL_HOST (0), STATS_VQ (1), DEFLATE_ON_OOM (2), REPORTING (5).
 */
#define MINIVMM_BALLOON_FEATURES_SUPPORTED \
	((1ULL << 32) | (1ULL << 0) | (1ULL << 1) | (1ULL << 2) | (1ULL << 5))

/**
 * struct minivmm_balloon_target - MINIVMM_SET_BALLOON_TARGET
 * @target_pages: new num_pages (4 KiB pages the guest should give up).
 * @flags: must be zero.
 * @reserved: must be zero.
 */
struct minivmm_balloon_target {
	__u32 target_pages;
	__u32 flags;
	__u64 reserved[2];
};

/* Number of statistic tags kept (VIRTIO_BALLOON_S_* 0 .. 15). */
#define MINIVMM_BALLOON_NR_STATS	16

/**
 * struct minivmm_balloon_status - MINIVMM_GET_BALLOON_STATS
 * @target_pages: num_pages, as last set.
 * @actual_pages: config actual, as the driver last wrote it.
 * @inflate_requests: inflate buffers completed.
 * @deflate_requests: deflate buffers completed.
 * @inflated_pages: PFNs accepted from inflate buffers.
 * @deflated_pages: PFNs accepted from deflate buffers.
 * @reported_pages: pages in free page reports.
 * @released_bytes: host memory released behind inflated and reported
 *	pages (bytes of 4 KiB pages whose VMM mapping was discarded).
 * @invalid_requests: PFNs or ranges refused (outside guest RAM,
 *	read-only slot, inflated twice, deflated while not inflated).
 * @protocol_errors: virtqueue protocol errors of the driver.
 * @needs_reset: 1 when the device is in DEVICE_NEEDS_RESET.
 * @balloon_pages: pages the host holds as ballooned now.
 * @stats_valid: bit n set when @stats[n] came from the guest.
 * @stats_updates: statistics buffers received.
 * @stats_timestamp_ns: CLOCK_MONOTONIC time the last one arrived, 0 if none.
 * @stats: last guest statistics by VIRTIO_BALLOON_S_* tag.
 * @reserved: zero.
 */
struct minivmm_balloon_status {
	__u32 target_pages;
	__u32 actual_pages;
	__u64 inflate_requests;
	__u64 deflate_requests;
	__u64 inflated_pages;
	__u64 deflated_pages;
	__u64 reported_pages;
	__u64 released_bytes;
	__u64 invalid_requests;
	__u64 protocol_errors;
	__u32 needs_reset;
	__u32 stats_valid;
	__u64 balloon_pages;
	__u64 stats_updates;
	__u64 stats_timestamp_ns;
	__u64 stats[MINIVMM_BALLOON_NR_STATS];
	__u64 reserved[8];
};

#define MINIVMM_CREATE_BALLOON		_IOW(MINIVMMIO, 0x13, struct minivmm_balloon_config)
#define MINIVMM_SET_BALLOON_TARGET	_IOW(MINIVMMIO, 0x14, struct minivmm_balloon_target)
#define MINIVMM_GET_BALLOON_STATS	_IOR(MINIVMMIO, 0x15, struct minivmm_balloon_status)

/**
 * struct minivmm_balloon_interval - MINIVMM_SET_BALLOON_STATS_INTERVAL
 * @interval_ms: ask the guest for statistics this often from now on
 *	(0: stop asking; at least 100 otherwise).
 * @flags: must be zero.
 * @reserved: must be zero.
 */
struct minivmm_balloon_interval {
	__u32 interval_ms;
	__u32 flags;
	__u64 reserved[2];
};

/* minivmm_dma_report.direction */
#define MINIVMM_DMA_TO_DEVICE		1 /* device reads guest RAM (disk write) */
#define MINIVMM_DMA_FROM_DEVICE		2 /* device writes guest RAM (disk read) */

/**
 * struct minivmm_dma_report - MINIVMM_REPORT_DMA: a userspace device
 *	model tells minivmm which guest RAM a DMA transfer covers, *before*
 *	it touches that memory, so that host-swapped pages can be counted
 *	(double paging, stale swap reads)
 * @gpa: guest-physical start.
 * @size: bytes, 1 .. 64 MiB; the range lies inside one memory slot.
 * @direction: MINIVMM_DMA_TO_DEVICE or MINIVMM_DMA_FROM_DEVICE.
 * @flags: must be zero.
 * @swapped_pages: out: pages of the range the host had swapped out.
 * @reserved: must be zero.
 */
struct minivmm_dma_report {
	__u64 gpa;
	__u64 size;
	__u32 direction;
	__u32 flags;
	__u64 swapped_pages;
	__u64 reserved[2];
};

/* ---------------------------------------------------------------------- */
/* Admin ioctls: on an fd of /dev/minivmm, caller needs CAP_SYS_ADMIN       */
/* (-EPERM otherwise). They reach every VM of the host by its id.           */
/* ---------------------------------------------------------------------- */

/* minivmm_vm_info.balloon_mode and minivmm_vm_balloon_ctl.mode */
#define MINIVMM_BALLOON_MANUAL		0 /* the administrator's target */
#define MINIVMM_BALLOON_AUTO		1 /* the memory-pressure monitor's */

/* Bits of minivmm_vm_info.flags */
#define MINIVMM_VM_HAS_BALLOON		(1U << 0)
#define MINIVMM_VM_UNRESPONSIVE		(1U << 1) /* balloon ignores its target */

/**
 * struct minivmm_vm_info - one VM as the administrator sees it
 * @vm_id: host-wide id, from 1, never reused while the module is loaded.
 * @owner_pid: thread-group id of the process that created it.
 * @owner_comm: that process's command name, NUL-terminated.
 * @mem_bytes: guest RAM: the size of its writable memory slots.
 * @nr_vcpus: vCPUs created.
 * @flags: MINIVMM_VM_* bits.
 * @balloon_mode: MINIVMM_BALLOON_MANUAL (the default) or _AUTO.
 * @target_pages: balloon target (num_pages), 4 KiB pages; 0 without balloon.
 * @actual_pages: balloon size the guest reports (actual).
 * @floor_pages: the monitor leaves the guest at least this much RAM.
 * @ceiling_pages: the monitor's largest balloon for this VM.
 * @created_ns: CLOCK_MONOTONIC time of creation.
 * @pad: zero.
 * @reserved: zero.
 */
struct minivmm_vm_info {
	__u32 vm_id;
	__u32 owner_pid;
	char owner_comm[16];
	__u64 mem_bytes;
	__u32 nr_vcpus;
	__u32 flags;
	__u32 balloon_mode;
	__u32 target_pages;
	__u32 actual_pages;
	__u32 pad;
	__u64 floor_pages;
	__u64 ceiling_pages;
	__u64 created_ns;
	__u64 reserved[4];
};

/**
 * struct minivmm_vm_list - MINIVMM_ADMIN_LIST_VMS
 * @capacity: in: entries @vms has room for (0 to only count).
 * @nr_vms: out: VMs alive; min(@capacity, @nr_vms) entries are written,
 *	by increasing id.
 * @vms: pointer to an array of struct minivmm_vm_info.
 * @flags: must be zero.
 * @pad: must be zero.
 * @reserved: must be zero.
 */
struct minivmm_vm_list {
	__u32 capacity;
	__u32 nr_vms;
	__u64 vms;
	__u32 flags;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * struct minivmm_paging_stats - what host paging cost a guest
 *	(MINIVMM_GET_PAGING_STATS, MINIVMM_ADMIN_GET_VM_STATS); counters
 *	count since the VM was created, in 4 KiB pages
 * @host_swapin_faults: the guest touched a page the host had swapped out
 *	(major faults on the EPT-violation path; mem_stats.faults_major).
 * @double_paging_pages: the guest wrote to its disk (DMA to the device,
 *	MINIVMM_REPORT_DMA) pages the host had swapped out: the host reads
 *	them back from swap only for the guest to write them out again.
 * @stale_swap_read_pages: the guest read disk data into (DMA from the
 *	device) pages the host had swapped out: their old contents were
 *	kept in host swap for nothing.
 * @ballooned_swapped_pages: inflation released a page the host had
 *	swapped out; its swap slot is freed without being read.
 * @swapins_saved: of those, pages the guest has since taken back
 *	(deflated): refilled with a zero page instead of a swap-in.
 * @dma_reports: MINIVMM_REPORT_DMA calls accepted.
 * @dma_pages: pages they covered.
 * @guest_swap_in: the guest's own swap-ins, pages (balloon statistics
 *	VIRTIO_BALLOON_S_SWAP_IN); valid when @guest_stats_valid.
 * @guest_swap_out: the guest's own swap-outs (VIRTIO_BALLOON_S_SWAP_OUT).
 * @host_swapped_pages: guest RAM pages in host swap now.
 * @host_resident_pages: guest RAM pages resident in host memory now.
 * @balloon_pages: pages in the balloon now.
 * @guest_stats_valid: bit 0: @guest_swap_in, bit 1: @guest_swap_out.
 * @pad: zero.
 * @reserved: zero.
 */
struct minivmm_paging_stats {
	__u64 host_swapin_faults;
	__u64 double_paging_pages;
	__u64 stale_swap_read_pages;
	__u64 ballooned_swapped_pages;
	__u64 swapins_saved;
	__u64 dma_reports;
	__u64 dma_pages;
	__u64 guest_swap_in;
	__u64 guest_swap_out;
	__u64 host_swapped_pages;
	__u64 host_resident_pages;
	__u64 balloon_pages;
	__u32 guest_stats_valid;
	__u32 pad;
	__u64 reserved[8];
};

/**
 * struct minivmm_vm_balloon_ctl - MINIVMM_ADMIN_SET_VM_BALLOON
 * @vm_id: the VM.
 * @flags: MINIVMM_BALLOON_SET_* bits: which fields to apply (at least one).
 * @mode: with SET_MODE: MINIVMM_BALLOON_MANUAL or _AUTO.
 * @target_pages: with SET_TARGET: new target; also puts the VM in manual
 *	mode (SET_TARGET with SET_MODE auto is -EINVAL). At most the VM's RAM.
 * @floor_pages: with SET_FLOOR: RAM the monitor always leaves the guest.
 * @ceiling_pages: with SET_CEILING: the monitor's largest balloon.
 * @reserved: must be zero.
 */
struct minivmm_vm_balloon_ctl {
	__u32 vm_id;
	__u32 flags;
	__u32 mode;
	__u32 target_pages;
	__u64 floor_pages;
	__u64 ceiling_pages;
	__u64 reserved[2];
};

#define MINIVMM_BALLOON_SET_TARGET	(1U << 0)
#define MINIVMM_BALLOON_SET_MODE	(1U << 1)
#define MINIVMM_BALLOON_SET_FLOOR	(1U << 2)
#define MINIVMM_BALLOON_SET_CEILING	(1U << 3)

/**
 * struct minivmm_policy - the memory-pressure monitor's policy
 *	(MINIVMM_ADMIN_GET_POLICY, MINIVMM_ADMIN_SET_POLICY)
 * @high_bp: high watermark, basis points (1/10000) of host RAM (600).
 * @soft_bp: soft watermark (400): auto VMs' balloons inflate below it.
 * @hard_bp: hard watermark (200): bigger steps, and memory the guests
 *	use is taken too, down to their floors.
 * @low_bp: low watermark (100): bigger steps still.
 * @step_bp: largest change of a VM's target per step, basis points of
 *	its RAM (500).
 * @min_change_bp: smaller changes are skipped (25), against oscillation.
 * @hard_step_mult: @step_bp multiplier under the hard watermark (2).
 * @low_step_mult: under the low watermark (4).
 * @unresponsive_steps: steps a balloon may ignore its target before the
 *	VM is reported unresponsive (5).
 * @interval_ms: sampling period, 100 .. 60000 (1000).
 * @enabled: 1: the monitor sets auto VMs' targets; 0: it only samples.
 * @pad: must be zero.
 * @reserved: must be zero.
 *
 * Valid when 0 < low < hard < soft < high <= 5000, 0 < step <= 10000,
 * min_change < step, 1 <= hard_step_mult <= low_step_mult <= 100 and
 * unresponsive_steps >= 1; SET_POLICY returns -EINVAL otherwise.
 */
struct minivmm_policy {
	__u32 high_bp;
	__u32 soft_bp;
	__u32 hard_bp;
	__u32 low_bp;
	__u32 step_bp;
	__u32 min_change_bp;
	__u32 hard_step_mult;
	__u32 low_step_mult;
	__u32 unresponsive_steps;
	__u32 interval_ms;
	__u32 enabled;
	__u32 pad;
	__u64 reserved[4];
};

/* minivmm_monitor_status.state */
#define MINIVMM_MONITOR_HIGH		0
#define MINIVMM_MONITOR_SOFT		1
#define MINIVMM_MONITOR_HARD		2
#define MINIVMM_MONITOR_LOW		3

/**
 * struct minivmm_monitor_status - MINIVMM_ADMIN_GET_MONITOR
 * @state: MINIVMM_MONITOR_HIGH, _SOFT, _HARD or _LOW after the last step.
 * @pad: zero.
 * @host_total_pages: host RAM, 4 KiB pages.
 * @host_avail_pages: available host memory at the last step.
 * @steps: policy steps run.
 * @shrinker_scans: times direct reclaim called the monitor's shrinker.
 * @inflate_pages: sum of target increases the monitor decided.
 * @deflate_pages: sum of target decreases.
 * @last_step_ns: CLOCK_MONOTONIC time of the last step (0: none yet).
 * @reserved: zero.
 */
struct minivmm_monitor_status {
	__u32 state;
	__u32 pad;
	__u64 host_total_pages;
	__u64 host_avail_pages;
	__u64 steps;
	__u64 shrinker_scans;
	__u64 inflate_pages;
	__u64 deflate_pages;
	__u64 last_step_ns;
	__u64 reserved[8];
};


#define MINIVMM_SET_BALLOON_STATS_INTERVAL _IOW(MINIVMMIO, 0x16, struct minivmm_balloon_interval)
#define MINIVMM_GET_PAGING_STATS	_IOR(MINIVMMIO, 0x17, struct minivmm_paging_stats)
#define MINIVMM_REPORT_DMA		_IOWR(MINIVMMIO, 0x18, struct minivmm_dma_report)


/**
 * struct minivmm_admin_vm_stats - MINIVMM_ADMIN_GET_VM_STATS
 * @vm_id: in: the VM.
 * @flags: must be zero.
 * @info: out: as in MINIVMM_ADMIN_LIST_VMS.
 * @mem: out: as MINIVMM_GET_MEM_STATS returns to the VM's owner.
 * @balloon: out: as MINIVMM_GET_BALLOON_STATS (zero without a balloon).
 * @paging: out: as MINIVMM_GET_PAGING_STATS.
 * @reserved: must be zero.
 */
struct minivmm_admin_vm_stats {
	__u32 vm_id;
	__u32 flags;
	struct minivmm_vm_info info;
	struct minivmm_mem_stats mem;
	struct minivmm_balloon_status balloon;
	struct minivmm_paging_stats paging;
	__u64 reserved[4];
};

#define MINIVMM_ADMIN_LIST_VMS		_IOWR(MINIVMMIO, 0x30, struct minivmm_vm_list)
#define MINIVMM_ADMIN_GET_VM_STATS	_IOWR(MINIVMMIO, 0x31, struct minivmm_admin_vm_stats)
#define MINIVMM_ADMIN_SET_VM_BALLOON	_IOW(MINIVMMIO, 0x32, struct minivmm_vm_balloon_ctl)
#define MINIVMM_ADMIN_GET_POLICY	_IOR(MINIVMMIO, 0x33, struct minivmm_policy)
#define MINIVMM_ADMIN_SET_POLICY	_IOW(MINIVMMIO, 0x34, struct minivmm_policy)
#define MINIVMM_ADMIN_GET_MONITOR	_IOR(MINIVMMIO, 0x35, struct minivmm_monitor_status)


/* ---------------------------------------------------------------------- */
/* vCPU ioctls: on a vCPU fd                                                */
/* ---------------------------------------------------------------------- */

/**
 * struct minivmm_regs - general-purpose registers (MINIVMM_GET/SET_REGS)
 * @rax: RAX.
 * @rbx: RBX.
 * @rcx: RCX.
 * @rdx: RDX.
 * @rsi: RSI.
 * @rdi: RDI.
 * @rsp: RSP.
 * @rbp: RBP.
 * @r8: R8.
 * @r9: R9.
 * @r10: R10.
 * @r11: R11.
 * @r12: R12.
 * @r13: R13.
 * @r14: R14.
 * @r15: R15.
 * @rip: RIP.
 * @rflags: RFLAGS (reserved bits must be 0; bit 1 reads as 1).
 */
struct minivmm_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};

/**
 * struct minivmm_segment - a segment register, as the VMCS holds it
 * @base: segment base.
 * @limit: limit in bytes (granularity already applied).
 * @selector: selector.
 * @type: 4-bit type field.
 * @present: P.
 * @dpl: DPL.
 * @db: D/B.
 * @s: S (code/data).
 * @l: L (64-bit code).
 * @g: granularity.
 * @avl: AVL.
 * @unusable: the VMX "unusable" bit.
 * @padding: must be zero.
 */
struct minivmm_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u8 type, present, dpl, db, s, l, g, avl, unusable;
	__u8 padding;
};

/**
 * struct minivmm_dtable - GDTR or IDTR
 * @base: base address.
 * @limit: limit.
 * @padding: must be zero.
 */
struct minivmm_dtable {
	__u64 base;
	__u16 limit;
	__u16 padding[3];
};

/**
 * struct minivmm_sregs - segments, descriptor tables, control registers
 *	(MINIVMM_GET/SET_SREGS)
 * @cs: CS.
 * @ds: DS.
 * @es: ES.
 * @fs: FS.
 * @gs: GS.
 * @ss: SS.
 * @tr: the task register.
 * @ldt: the LDT register.
 * @gdt: GDTR.
 * @idt: IDTR.
 * @cr0: CR0 as the guest sees it.
 * @cr2: CR2.
 * @cr3: CR3.
 * @cr4: CR4 as the guest sees it.
 * @cr8: CR8 (the TPR, 0-15).
 * @efer: IA32_EFER.
 * @reserved: must be zero.
 */
struct minivmm_sregs {
	struct minivmm_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct minivmm_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8, efer;
	__u64 reserved[4];
};

/**
 * struct minivmm_fpu - x87/SSE state in the FXSAVE layout (512 bytes,
 *	Intel SDM Vol. 1 table 10-2) (MINIVMM_GET/SET_FPU)
 * @fxsave: the FXSAVE image.
 */
struct minivmm_fpu {
	__u8 fxsave[512];
};

/**
 * struct minivmm_cpuid_entry - one CPUID leaf the guest sees
 * @function: EAX input.
 * @index: ECX input (sub-leaf).
 * @flags: MINIVMM_CPUID_SIGNIFICANT_INDEX when @index matters.
 * @padding: must be zero.
 * @eax: EAX output.
 * @ebx: EBX output.
 * @ecx: ECX output.
 * @edx: EDX output.
 */
struct minivmm_cpuid_entry {
	__u32 function;
	__u32 index;
	__u32 flags;
	__u32 eax, ebx, ecx, edx;
	__u32 padding;
};

#define MINIVMM_CPUID_SIGNIFICANT_INDEX	(1U << 0)
#define MINIVMM_MAX_CPUID_ENTRIES	256

/**
 * struct minivmm_cpuid - the CPUID table of a vCPU (MINIVMM_SET_CPUID)
 * @nent: entries that follow (at most MINIVMM_MAX_CPUID_ENTRIES).
 * @padding: must be zero.
 * @entries: the leaves; a leaf not listed reads as zeroes.
 */
struct minivmm_cpuid {
	__u32 nent;
	__u32 padding;
	struct minivmm_cpuid_entry entries[];
};

/**
 * struct minivmm_msr_entry - one MSR
 * @index: MSR number.
 * @reserved: must be zero.
 * @data: value.
 */
struct minivmm_msr_entry {
	__u32 index;
	__u32 reserved;
	__u64 data;
};

#define MINIVMM_MAX_MSR_ENTRIES		64

/**
 * struct minivmm_msrs - MSRs to read or write (MINIVMM_GET/SET_MSRS)
 * @nmsrs: entries that follow (at most MINIVMM_MAX_MSR_ENTRIES).
 * @padding: must be zero.
 * @entries: the MSRs. The ioctl returns how many entries it processed;
 *	it stops at the first MSR outside the allow-list.
 */
struct minivmm_msrs {
	__u32 nmsrs;
	__u32 padding;
	struct minivmm_msr_entry entries[];
};

/**
 * struct minivmm_interrupt - queue an external interrupt (MINIVMM_INTERRUPT)
 * @vector: 32 .. 255.
 * @flags: must be zero.
 */
struct minivmm_interrupt {
	__u32 vector;
	__u32 flags;
};

#define MINIVMM_RUN		_IO(MINIVMMIO, 0x20)
#define MINIVMM_GET_REGS	_IOR(MINIVMMIO, 0x21, struct minivmm_regs)
#define MINIVMM_SET_REGS	_IOW(MINIVMMIO, 0x22, struct minivmm_regs)
#define MINIVMM_GET_SREGS	_IOR(MINIVMMIO, 0x23, struct minivmm_sregs)
#define MINIVMM_SET_SREGS	_IOW(MINIVMMIO, 0x24, struct minivmm_sregs)
#define MINIVMM_GET_FPU		_IOR(MINIVMMIO, 0x25, struct minivmm_fpu)
#define MINIVMM_SET_FPU		_IOW(MINIVMMIO, 0x26, struct minivmm_fpu)
#define MINIVMM_SET_CPUID	_IOW(MINIVMMIO, 0x27, struct minivmm_cpuid)
#define MINIVMM_GET_MSRS	_IOWR(MINIVMMIO, 0x28, struct minivmm_msrs)
#define MINIVMM_SET_MSRS	_IOW(MINIVMMIO, 0x29, struct minivmm_msrs)
#define MINIVMM_INTERRUPT	_IOW(MINIVMMIO, 0x2a, struct minivmm_interrupt)

/* ---------------------------------------------------------------------- */
/* The run structure: mmap of a vCPU fd, offset 0                           */
/* ---------------------------------------------------------------------- */

/* minivmm_run.exit_reason */
#define MINIVMM_EXIT_UNKNOWN		0
#define MINIVMM_EXIT_IO			1  /* port I/O: run->io */
#define MINIVMM_EXIT_HLT		2
#define MINIVMM_EXIT_MMIO		3  /* run->mmio */
#define MINIVMM_EXIT_HYPERCALL		4  /* VMCALL: run->hypercall */
#define MINIVMM_EXIT_SHUTDOWN		5  /* triple fault */
#define MINIVMM_EXIT_FAIL_ENTRY		6  /* run->fail_entry */
#define MINIVMM_EXIT_INTERNAL_ERROR	7  /* run->internal */
#define MINIVMM_EXIT_INTR		8  /* a signal is pending (RUN: -EINTR) */
#define MINIVMM_EXIT_IRQ_WINDOW_OPEN	9  /* request_interrupt_window met */

/* run->io.direction */
#define MINIVMM_EXIT_IO_IN		0
#define MINIVMM_EXIT_IO_OUT		1

/* run->internal.suberror */
#define MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT	1 /* data[0] basic reason, [1] qualification */
#define MINIVMM_INTERNAL_ERROR_EMULATION	2 /* data[]: instruction bytes */
#define MINIVMM_INTERNAL_ERROR_STRING_IO	3 /* INS/OUTS, REP: not emulated */
/* A guest-physical access the host cannot back: data[0] GPA, [1] exit
 * qualification, [2] negative errno (-ENOENT: outside every slot, -EPERM:
 * write to a read-only slot, -EFAULT: VMM memory not mapped), [3] RIP.
 */
#define MINIVMM_INTERNAL_ERROR_MEMORY		4
/*
 * Guest-physical accesses to MMIO (outside every slot, or a write to a
 * read-only slot) that are no instruction's data operand, so there is
 * nothing to emulate; the VM cannot go on. DELIVERY_EV: the processor
 * touched MMIO while delivering an event (an IDT, GDT or stack there).
 * MMIO_NOT_DATA: an instruction fetch from MMIO, or a guest page-table
 * walk that reached MMIO. data[0] GPA, [1] exit qualification (NPT: the
 * fault's error code), [2] the event being delivered (VT-x IDT-vectoring
 * information format, 0 for MMIO_NOT_DATA), [3] RIP.
 */
#define MINIVMM_INTERNAL_ERROR_DELIVERY_EV	5
#define MINIVMM_INTERNAL_ERROR_MMIO_NOT_DATA	6

/**
 * struct minivmm_run - shared between the kernel and the thread that runs
 *	a vCPU; read after MINIVMM_RUN returns
 * @request_interrupt_window: in: exit with MINIVMM_EXIT_IRQ_WINDOW_OPEN as
 *	soon as the guest can take an interrupt.
 * @immediate_exit: in: when set, MINIVMM_RUN returns -EINTR at once.
 * @padding1: reserved.
 * @exit_reason: out: MINIVMM_EXIT_*.
 * @ready_for_interrupt_injection: out: the guest can take an interrupt now.
 * @if_flag: out: guest RFLAGS.IF.
 * @padding2: reserved.
 * @io: out: MINIVMM_EXIT_IO: direction, size, port, count (1), where the
 *	data is in the run page.
 * @mmio: out: MINIVMM_EXIT_MMIO: address, data, length, direction.
 * @hypercall: out: MINIVMM_EXIT_HYPERCALL: number, six arguments; in: the
 *	return value.
 * @fail_entry: out: MINIVMM_EXIT_FAIL_ENTRY: the hardware's reason, the CPU.
 * @internal: out: MINIVMM_EXIT_INTERNAL_ERROR: suberror and data words.
 * @exit_data: out: the exit's data, by @exit_reason.
 *
 * For MINIVMM_EXIT_IO, the data of an OUT is at (char *)run + io.data_offset,
 * and the data of an IN is read from there by the next MINIVMM_RUN. For
 * MINIVMM_EXIT_MMIO a read's data is taken from mmio.data by the next RUN.
 */
struct minivmm_run {
	__u8 request_interrupt_window;
	__u8 immediate_exit;
	__u8 padding1[6];
	__u32 exit_reason;
	__u8 ready_for_interrupt_injection;
	__u8 if_flag;
	__u8 padding2[2];
	union {
		struct {
			__u8 direction;
			__u8 size;	/* 1, 2 or 4 bytes */
			__u16 port;
			__u32 count;
			__u64 data_offset;
		} io;
		struct {
			__u64 phys_addr;
			__u8 data[8];
			__u32 len;
			__u8 is_write;
			__u8 padding[3];
		} mmio;
		struct {
			__u64 nr;	/* guest RAX */
			__u64 args[6];	/* RBX, RCX, RDX, RSI, RDI, R8 */
			__u64 ret;	/* in: written to guest RAX */
		} hypercall;
		struct {
			__u64 hardware_entry_failure_reason;
			__u32 cpu;
			__u32 padding;
		} fail_entry;
		struct {
			__u32 suberror;
			__u32 ndata;
			__u64 data[16];
		} internal;
		__u8 exit_data[256];
	};
};

#endif /* _UAPI_LINUX_MINIVMM_H */
