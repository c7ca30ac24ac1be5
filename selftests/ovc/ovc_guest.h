/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The overcommit guest: a reusable VM for memory-pressure tests and the
 * demo, built on the selftest library (minivmm_util.h).
 *
 * Guest memory
 * ------------
 * Besides the binary and the system region of vm_create(), the VM has a
 * RAM slot of ovc_config.ram_bytes at OVC_RAM_GPA: anonymous memory of the
 * VMM process (MADV_NOHUGEPAGE), identity-mapped like the rest. Its first
 * ovc_config.reserved_pages frames are for host commands (OVC_CMD_*); the
 * others are free frames of the guest's page allocator (a free stack).
 *
 * What the guest runs
 * -------------------
 *  - optionally ("boot") it writes every frame once, as an OS that has
 *    used all of its memory once (page cache, zeroing);
 *  - the balloon driver of balloon-driver/ over the in-kernel balloon
 *    (MINIVMM_CREATE_BALLOON at OVC_BALLOON_MMIO) with STATS_VQ: MEMFREE,
 *    MEMTOT, AVAIL, SWAP_IN and SWAP_OUT (bytes, as Linux reports them).
 *    It follows the target by polling between work chunks; inflation takes
 *    free frames first and then evicts workload pages to the disk, as a
 *    guest OS under balloon pressure does;
 *  - a memory workload: a working set of ovc_config.wss_pages logical
 *    pages, each resident in a frame or on the guest's disk. Every
 *    operation picks a page (hot/cold mix), brings it in (swap-in from the
 *    disk when it was evicted, a fresh page when never written), verifies
 *    its contents (one word per 64-byte line, derived from the page number
 *    and its version: a corrupted, stale or zeroed page is caught and
 *    counted in ovc_counters.corrupt) and, for write_pct percent of the
 *    operations, writes a new version. When no frame is free, a clock
 *    (second chance) evicts a page: a disk write when it is dirty (a guest
 *    swap-out). Guest swap-ins and swap-outs are counted and reported in
 *    the balloon statistics.
 *
 * The disk
 * --------
 * A port-I/O device emulated by this library in the VMM process: the guest
 * writes the address of a struct ovc_disk_req (in its memory) to
 * OVC_DISK_PORT with a 32-bit OUT; the host checks it, calls
 * MINIVMM_REPORT_DMA for the guest range (TO_DEVICE for a disk write,
 * FROM_DEVICE for a disk read) BEFORE touching it, then copies through its
 * own mapping of the RAM slot and writes the request's status. The disk's
 * contents are anonymous memory of the VMM; with ovc_config.disk_pageout
 * every written range is pushed to host swap (MADV_PAGEOUT), standing for
 * storage that does not use host RAM.
 *
 * Ticks
 * -----
 * The guest writes OVC_TICK_PORT after every work chunk and halts (HLT)
 * when it has nothing to do, or after every chunk when paced
 * (ovc_config.pace_ms); both return to the host's ovc_vm_run_tick(),
 * which publishes counters and hands commands over. Guest state lives in
 * the test binary's globals, so one process runs one overcommit VM:
 * ovc_spawn() forks a process per VM.
 */
#ifndef MINIVMM_OVC_GUEST_H
#define MINIVMM_OVC_GUEST_H

#include <stdint.h>
#include <sys/types.h>
#include "minivmm_util.h"

#define OVC_RAM_GPA		0x80000000ULL
#define OVC_MAX_RAM_PAGES	65536u		/* 256 MiB */
#define OVC_MAX_WSS_PAGES	65536u
#define OVC_BALLOON_MMIO	0xd0000000ULL
#define OVC_BALLOON_VECTOR	0x40
#define OVC_DISK_PORT		0x5d0
#define OVC_TICK_PORT		0x5d4
/* Largest disk request, pages. */
#define OVC_MAX_IO_PAGES	256u

/* ovc_config.balloon */
enum ovc_balloon_mode {
	OVC_BALLOON_NONE = 0,	/* no balloon device */
	OVC_BALLOON_DRIVER,	/* device, and the guest runs the driver */
	OVC_BALLOON_IGNORE,	/* device, but the guest never drives it */
};

/**
 * struct ovc_config - one overcommit VM
 * @ram_bytes: RAM slot size, a multiple of 4 KiB, at most
 *	OVC_MAX_RAM_PAGES pages.
 * @reserved_pages: frames at the start of the RAM slot kept out of the
 *	allocator, for host commands.
 * @wss_pages: working set of the workload (0: no workload).
 * @disk_pages: disk size (0: @wss_pages + @reserved_pages).
 * @hot_share_pct: share of the working set that is hot (0: 25).
 * @hot_pct: share of operations that go to the hot pages (0: 75).
 * @write_pct: share of operations that write (0: 50).
 * @ops_per_chunk: operations between ticks (0: 128).
 * @min_resident: the balloon never takes the workload below this many
 *	resident pages (0: 64).
 * @touch_all: write every frame once before starting.
 * @balloon: enum ovc_balloon_mode.
 * @initial_target_pages: balloon target at power-on.
 * @stats_interval_ms: balloon statistics period (0: never, else >= 100).
 * @disk_pageout: push written disk ranges to host swap (MADV_PAGEOUT).
 * @seed: PRNG seed of the workload (0: 1).
 * @pace_ms: after every work chunk the guest halts and its process
 *	sleeps this long (0: 10). Emulated test hosts charge for every
 *	guest instruction: a paced guest keeps the host's CPUs mostly idle.
 * @flat_out: no pacing: the guest halts only when it has nothing to do.
 */
struct ovc_config {
	uint64_t ram_bytes;
	uint32_t reserved_pages;
	uint32_t wss_pages;
	uint32_t disk_pages;
	uint32_t hot_share_pct;
	uint32_t hot_pct;
	uint32_t write_pct;
	uint32_t ops_per_chunk;
	uint32_t min_resident;
	uint32_t touch_all;
	uint32_t balloon;
	uint32_t initial_target_pages;
	uint32_t stats_interval_ms;
	uint32_t disk_pageout;
	uint32_t seed;
	uint32_t pace_ms;
	uint32_t flat_out;
};

/**
 * struct ovc_counters - what one overcommit VM did (guest and device side)
 * @ops: workload operations done.
 * @corrupt: operations that found a page with wrong contents (must be 0).
 * @swap_in: guest swap-ins (pages read back from its disk).
 * @swap_out: guest swap-outs (pages written to its disk).
 * @free_pages: guest free frames now.
 * @resident_pages: working-set pages in frames now.
 * @balloon_pages: pages in the balloon now (guest's view).
 * @balloon_target: balloon target last read by the guest.
 * @balloon_errors: balloon_poll() errors other than -VMG_ENOMEM.
 * @balloon_short: polls that found no page to give (-VMG_ENOMEM).
 * @stats_sent: balloon statistics buffers sent.
 * @disk_reads: disk read requests; @disk_read_pages pages.
 * @disk_writes: disk write requests; @disk_write_pages pages.
 * @disk_errors: requests the device refused.
 * @dma_reports: MINIVMM_REPORT_DMA calls that succeeded.
 * @dma_errors: that failed (the copy is still done).
 * @dma_swapped_to_dev: swapped_pages summed over disk writes.
 * @dma_swapped_from_dev: over disk reads.
 * @ticks: ticks seen by the host.
 * @cmd_done: host commands the guest completed.
 */
struct ovc_counters {
	uint64_t ops;
	uint64_t corrupt;
	uint64_t swap_in;
	uint64_t swap_out;
	uint64_t free_pages;
	uint64_t resident_pages;
	uint64_t balloon_pages;
	uint64_t balloon_target;
	uint64_t balloon_errors;
	uint64_t balloon_short;
	uint64_t stats_sent;
	uint64_t disk_reads;
	uint64_t disk_read_pages;
	uint64_t disk_writes;
	uint64_t disk_write_pages;
	uint64_t disk_errors;
	uint64_t dma_reports;
	uint64_t dma_errors;
	uint64_t dma_swapped_to_dev;
	uint64_t dma_swapped_from_dev;
	uint64_t ticks;
	uint64_t cmd_done;
};

/* Host commands (ovc_vm_command()); pages are frame indexes of the slot. */
enum ovc_cmd {
	OVC_CMD_NONE = 0,
	OVC_CMD_FILL,		/* a0 first frame, a1 count, a2 seed */
	OVC_CMD_CHECK,		/* same; result: frames with wrong contents */
	OVC_CMD_DISK_WRITE,	/* a0 first frame, a1 count, a2 sector: status */
	OVC_CMD_DISK_READ,	/* same, disk to memory: status */
};

/* A disk request, in guest memory; its address goes to OVC_DISK_PORT. */
struct ovc_disk_req {
	uint32_t op;		/* OVC_DISK_OP_* */
	uint32_t status;	/* out: 0, or a positive errno */
	uint64_t sector;	/* 4 KiB sectors */
	uint64_t gpa;		/* page aligned, inside the RAM slot */
	uint64_t len;		/* bytes, 4 KiB multiple, <= OVC_MAX_IO_PAGES pages */
};

#define OVC_DISK_OP_READ	1
#define OVC_DISK_OP_WRITE	2

/**
 * struct ovc_vm - one overcommit VM in this process
 * @vm: the selftest-library VM.
 * @vcpu: its vCPU 0.
 * @cfg: the configuration (defaults filled in).
 * @ram: the RAM slot (host view).
 * @ram_pages: its pages.
 * @disk: the disk's contents.
 * @disk_pages: its size.
 * @done: the guest reported UCALL_DONE.
 * @host: device-side counters (disk and DMA reports).
 * @err: what went wrong, for the last failed call.
 */
struct ovc_vm {
	struct mvm_vm *vm;
	struct mvm_vcpu *vcpu;
	struct ovc_config cfg;
	uint8_t *ram;
	uint64_t ram_pages;
	uint8_t *disk;
	uint64_t disk_pages;
	int done;
	struct ovc_counters host;
	char err[256];
};

/**
 * ovc_vm_create() - build an overcommit VM in this process
 * @v: filled in.
 * @cfg: the configuration.
 *
 * Only one per process (guest state is in the binary's globals).
 *
 * Return: 0, or -errno with @v->err saying what failed.
 */
int ovc_vm_create(struct ovc_vm *v, const struct ovc_config *cfg);

/**
 * ovc_vm_destroy() - free everything ovc_vm_create() made
 * @v: the VM.
 */
void ovc_vm_destroy(struct ovc_vm *v);

/**
 * ovc_vm_run_tick() - run the guest until its next tick
 * @v: the VM.
 *
 * Serves disk requests and ucalls (printing UCALL_PRINTF) on the way.
 *
 * Return: 1 after a tick, 2 when the guest halted (idle: the caller may
 * sleep), 0 once the guest is done, or -errno (@v->err says why; a failed
 * guest assertion is -EIO).
 */
int ovc_vm_run_tick(struct ovc_vm *v);

/**
 * ovc_vm_command() - have the guest run one OVC_CMD_* and wait for it
 * @v: the VM.
 * @cmd: the command.
 * @a0: first argument. @a1: second. @a2: third.
 * @result: if not NULL, the command's result.
 *
 * Return: 0, or -errno from ovc_vm_run_tick() (-ETIMEDOUT when the
 * guest never picked the command up).
 */
int ovc_vm_command(struct ovc_vm *v, enum ovc_cmd cmd, uint64_t a0,
		   uint64_t a1, uint64_t a2, uint64_t *result);

/**
 * ovc_vm_stop() - tell the guest to finish and run it until it is done
 * @v: the VM.
 *
 * Return: 0, or -errno.
 */
int ovc_vm_stop(struct ovc_vm *v);

/**
 * ovc_vm_counters() - guest and device counters now
 * @v: the VM.
 * @c: filled in.
 */
void ovc_vm_counters(struct ovc_vm *v, struct ovc_counters *c);

/**
 * ovc_fill_word() - the word the guest writes at line @line of a page
 * @tag: the page's identity (page number and version, or frame and seed).
 * @line: 0 .. 63.
 *
 * Return: the word.
 */
static inline uint64_t ovc_fill_word(uint64_t tag, uint64_t line)
{
	return (tag * 0x9e3779b97f4a7c15ULL) ^ (line * 0xbf58476d1ce4e5b9ULL) ^
	       0x5bd1e995ULL;
}

/* ---------------------------------------------------------------------- */
/* One VM per process                                                       */
/* ---------------------------------------------------------------------- */

/* ovc_slot.state */
enum ovc_state {
	OVC_STARTING = 0,
	OVC_RUNNING,	/* the VM exists and the guest runs */
	OVC_DONE,	/* stopped cleanly */
	OVC_FAILED,	/* see ovc_slot.err */
};

/**
 * struct ovc_slot - shared (MAP_SHARED) between a VM process and its parent
 * @stop: the parent sets it to end the VM.
 * @state: enum ovc_state, set by the VM process.
 * @pid: the VM process.
 * @c: its counters, refreshed at every tick.
 * @updated_ns: mvm_now_ns() of the last refresh.
 * @err: why it failed.
 */
struct ovc_slot {
	volatile uint32_t stop;
	volatile uint32_t state;
	volatile int32_t pid;
	uint32_t pad;
	struct ovc_counters c;
	volatile uint64_t updated_ns;
	char err[256];
};

/**
 * ovc_slots_alloc() - shared memory for @n slots, zeroed
 * @n: how many.
 *
 * Return: the slots, or NULL with errno.
 */
struct ovc_slot *ovc_slots_alloc(unsigned int n);

/**
 * ovc_spawn() - fork a process that creates an overcommit VM and runs it
 *	until @slot->stop
 * @cfg: the configuration.
 * @slot: shared slot of this VM.
 *
 * The child exits 0 when the VM ran and stopped cleanly with no corrupted
 * page, 1 otherwise (@slot->err says why).
 *
 * Return: the child's pid, or -errno.
 */
pid_t ovc_spawn(const struct ovc_config *cfg, struct ovc_slot *slot);

/**
 * ovc_wait_running() - wait until a spawned VM runs (or failed)
 * @slot: its slot.
 * @timeout_ms: how long at most.
 *
 * Return: 0 when running, -EIO when it failed, -ETIMEDOUT.
 */
int ovc_wait_running(struct ovc_slot *slot, unsigned int timeout_ms);

/**
 * ovc_find_vm_id() - the admin VM id of a process's VM (ADMIN_LIST_VMS)
 * @dev_fd: an fd of /dev/minivmm (CAP_SYS_ADMIN).
 * @pid: the owner.
 *
 * Return: the id (> 0), -ENOENT when that process has no VM, or -errno.
 */
int ovc_find_vm_id(int dev_fd, pid_t pid);

/* ---------------------------------------------------------------------- */
/* Host helpers                                                             */
/* ---------------------------------------------------------------------- */

/* A /proc/meminfo field in KiB (0 when absent). */
uint64_t ovc_meminfo_kb(const char *key);
/* A /proc/vmstat counter (0 when absent). */
uint64_t ovc_vmstat(const char *key);

/* Admin ioctl wrappers on a /dev/minivmm fd: 0 or -errno. */
int ovc_admin_vm_stats(int dev_fd, int vm_id, struct minivmm_admin_vm_stats *st);
int ovc_admin_monitor(int dev_fd, struct minivmm_monitor_status *m);
int ovc_admin_get_policy(int dev_fd, struct minivmm_policy *p);
int ovc_admin_set_policy(int dev_fd, const struct minivmm_policy *p);
/* SET_VM_BALLOON with @flags (MINIVMM_BALLOON_SET_*) and the other fields. */
int ovc_admin_set_balloon(int dev_fd, int vm_id, uint32_t flags, uint32_t mode,
			  uint32_t target, uint64_t floor, uint64_t ceiling);

/* "high", "soft", "hard", "low" or "?". */
const char *ovc_state_name(uint32_t state);

#endif /* MINIVMM_OVC_GUEST_H */
