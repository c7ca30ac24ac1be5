/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest balloon driver (balloon-driver/) for the identity-mapped
 * guests of the selftest library, and the hooks every such guest gives
 * it (balloon_guest_io.c): 32-bit MMIO register accesses, identity
 * virt-to-phys, mfence barriers and pause.
 *
 * The driver is not compiled into the test: it is a static library built
 * once (libballoon_guest.a, see selftests/minivmm/Makefile) with general
 * registers only, no stack protector (guests have no FS base and do not
 * save SSE state) and no loop-to-libc rewriting, and linked into the
 * binaries that run it in a guest.
 */
#ifndef MINIVMM_BALLOON_GUEST_DRIVER_H
#define MINIVMM_BALLOON_GUEST_DRIVER_H

#include <stdint.h>
#include "minivmm_util.h"
#include "balloon.h"
#include "virtio_mmio_guest.h"

/* The hooks of struct vmg_env for a device at guest address ctx. */
__u32 g_read32(void *ctx, __u32 off);
void g_write32(void *ctx, __u32 off, __u32 val);
__u64 g_virt_to_phys(void *ctx, const void *p);
void g_barrier(void *ctx, enum vmg_barrier kind);
void g_relax(void *ctx);

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
