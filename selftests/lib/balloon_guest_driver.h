/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest balloon driver (balloon-driver/) compiled into a test binary
 * for its identity-mapped guests, with the hooks every such guest gives
 * it: 32-bit MMIO register accesses, identity virt-to-phys, mfence
 * barriers and pause. Include it in one .c file per binary.
 *
 * The driver is built with general registers only, no stack protector
 * (guests have no FS base and do not save SSE state) and no loop-to-libc
 * rewriting; both driver files define a static spin_limit(): one is
 * renamed.
 */
#ifndef MINIVMM_BALLOON_GUEST_DRIVER_H
#define MINIVMM_BALLOON_GUEST_DRIVER_H

#include <stdint.h>
#include "minivmm_util.h"

#pragma GCC push_options
#pragma GCC target("general-regs-only")
#pragma GCC optimize("no-stack-protector", "no-tree-loop-distribute-patterns")
#define spin_limit(d) vmg_spin_limit_(d)
#include "../../balloon-driver/virtio_mmio_guest.c"
#undef spin_limit
#include "../../balloon-driver/balloon.c"
#pragma GCC pop_options

GUEST_CODE static __u32 g_read32(void *ctx, __u32 off)
{
	return *(volatile __u32 *)((uintptr_t)ctx + off);
}

GUEST_CODE static void g_write32(void *ctx, __u32 off, __u32 val)
{
	*(volatile __u32 *)((uintptr_t)ctx + off) = val;
}

GUEST_CODE static __u64 g_virt_to_phys(void *ctx, const void *p)
{
	return (uintptr_t)p;	/* identity mapping */
}

GUEST_CODE static void g_barrier(void *ctx, enum vmg_barrier kind)
{
	asm volatile("mfence" ::: "memory");
}

GUEST_CODE static void g_relax(void *ctx)
{
	asm volatile("pause" ::: "memory");
}

/* The struct vmg_env initialiser for a device at guest address @base. */
#define BALLOON_GUEST_IO(base) {				\
	.read32 = g_read32,					\
	.write32 = g_write32,					\
	.virt_to_phys = g_virt_to_phys,				\
	.barrier = g_barrier,					\
	.relax = g_relax,					\
	.ctx = (void *)(uintptr_t)(base),			\
}

#endif /* MINIVMM_BALLOON_GUEST_DRIVER_H */
