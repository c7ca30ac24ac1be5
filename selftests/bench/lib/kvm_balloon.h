/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A userspace virtio-balloon device for the KVM side of the benchmark,
 * doing what Firecracker's balloon does: on a QueueNotify (KVM_EXIT_MMIO)
 * it reads the PFN batches from the inflate queue, sorts them, coalesces
 * contiguous PFNs into ranges and calls madvise(MADV_DONTNEED) once per
 * range on the host address of the guest memory (Firecracker:
 * compact_page_frame_numbers() then remove_range()). Deflate only
 * acknowledges (Firecracker does nothing either; the page faults back in
 * zeroed). The device model is the project's kernel-free one
 * (kmod/common/balloon_dev.c on virtio_mmio_dev.c and virtq.c), the same
 * code minivmm runs in the kernel: only where it runs and madvise instead
 * of a zap differ.
 */
#ifndef BENCH_KVM_BALLOON_H
#define BENCH_KVM_BALLOON_H

#include <stdint.h>
#include "common/balloon_dev.h"
#include "kvm_vm64.h"

/* PFNs gathered per notification before coalescing (a queue's worth). */
#define UBAL_MAX_PFNS	(MINIVMM_BALLOON_QUEUE_SIZE * 256)

/**
 * struct ubal - the userspace balloon device
 * @vm: the KVM VM (its slots are guest memory).
 * @base: guest-physical base of the register window.
 * @ram: the guest RAM the balloon may release (identity-mapped),
 *	@ram_size bytes; PFNs outside it are refused.
 * @pfns: PFNs gathered during one notification, @npfns of them.
 * @mmio_exits: MMIO exits handled.
 * @notifies: QueueNotify writes.
 * @madvise_calls: madvise() calls (ranges).
 * @madvise_pages: pages they covered.
 * @madvise_errors: madvise() calls that failed.
 * @inflated: frames accepted for inflation.
 * @deflated: frames accepted for deflation.
 * @rejected: frames refused.
 * @dev: the device model (large: keep last).
 */
struct ubal {
	struct kvm64 *vm;
	uint64_t base;
	uint8_t *ram;
	uint64_t ram_size;
	uint32_t pfns[UBAL_MAX_PFNS];
	uint32_t npfns;
	uint64_t mmio_exits, notifies, madvise_calls, madvise_pages;
	uint64_t madvise_errors, inflated, deflated, rejected;
	struct minivmm_balloon_dev dev;
};

/**
 * ubal_init() - the device as after power-on, every feature offered
 * @b: filled in.
 * @vm: the KVM VM.
 * @base: guest-physical base of the register window.
 * @ram: guest RAM the balloon may release.
 * @ram_size: its size.
 * @target: initial num_pages.
 *
 * Return: 0, or -errno from the device model.
 */
int ubal_init(struct ubal *b, struct kvm64 *vm, uint64_t base, void *ram,
	      uint64_t ram_size, uint32_t target);

/**
 * ubal_set_target() - set num_pages, as MINIVMM_SET_BALLOON_TARGET does
 * @b: the device.
 * @pages: the target in 4 KiB pages.
 *
 * Bumps ConfigGeneration; the interrupt goes nowhere (no irqchip: the
 * guest polls).
 */
void ubal_set_target(struct ubal *b, uint32_t pages);

/**
 * ubal_handle_mmio() - serve a KVM_EXIT_MMIO
 * @b: the device.
 * @run: the vCPU's kvm_run after a KVM_EXIT_MMIO.
 *
 * A read fills run->mmio.data; a QueueNotify processes the queue and
 * then releases the gathered inflate PFNs, coalesced into ranges.
 *
 * Return: 1 when the access was in the device's window, else 0.
 */
int ubal_handle_mmio(struct ubal *b, struct kvm_run *run);

#endif /* BENCH_KVM_BALLOON_H */
