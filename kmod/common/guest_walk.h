/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest-virtual to guest-physical translation through the guest's own page
 * tables (no paging, 32-bit, PAE, 4-level), for fetching the instruction
 * that caused an MMIO exit. Kernel-free: unit-tested in userspace.
 */
#ifndef MINIVMM_GUEST_WALK_H
#define MINIVMM_GUEST_WALK_H

#include "pure.h"

/**
 * struct minivmm_walk_ctx - the guest paging state and memory access
 * @cr0: guest CR0 (PG decides whether paging is on).
 * @cr3: guest CR3.
 * @cr4: guest CR4 (PAE, PSE).
 * @efer: guest EFER (LMA: 4-level paging).
 * @read_gpa: reads @len bytes of guest-physical memory at @gpa into @buf;
 *	returns 0, or a negative errno when @gpa is not guest memory.
 * @opaque: passed to @read_gpa.
 */
struct minivmm_walk_ctx {
	__u64 cr0, cr3, cr4, efer;
	int (*read_gpa)(void *opaque, __u64 gpa, void *buf, __u32 len);
	void *opaque;
};

/**
 * minivmm_guest_translate() - translate a guest linear address
 * @ctx: paging state.
 * @gva: the linear address.
 * @gpa: out: the guest-physical address.
 *
 * Return: 0; -EFAULT when a level is not present or the walk cannot read
 * guest memory; -EINVAL for a non-canonical address in 4-level paging.
 */
int minivmm_guest_translate(const struct minivmm_walk_ctx *ctx, __u64 gva,
			    __u64 *gpa);

/**
 * minivmm_guest_read_virt() - read guest memory by linear address
 * @ctx: paging state.
 * @gva: first byte.
 * @buf: out.
 * @len: bytes (may cross pages).
 *
 * Return: 0 or the error of the first failing translation or read.
 */
int minivmm_guest_read_virt(const struct minivmm_walk_ctx *ctx, __u64 gva,
			    void *buf, __u32 len);

#endif /* MINIVMM_GUEST_WALK_H */
