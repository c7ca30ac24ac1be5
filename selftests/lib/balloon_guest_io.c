// SPDX-License-Identifier: GPL-2.0
/*
 * The hooks an identity-mapped selftest guest gives the guest balloon
 * driver (see balloon_guest_driver.h). Guest code.
 */
#include <stdint.h>
#include "balloon_guest_driver.h"

GUEST_CODE __u32 g_read32(void *ctx, __u32 off)
{
	return *(volatile __u32 *)((uintptr_t)ctx + off);
}

GUEST_CODE void g_write32(void *ctx, __u32 off, __u32 val)
{
	*(volatile __u32 *)((uintptr_t)ctx + off) = val;
}

GUEST_CODE __u64 g_virt_to_phys(void *ctx, const void *p)
{
	return (uintptr_t)p;	/* identity mapping */
}

GUEST_CODE void g_barrier(void *ctx, enum vmg_barrier kind)
{
	asm volatile("mfence" ::: "memory");
}

GUEST_CODE void g_relax(void *ctx)
{
	asm volatile("pause" ::: "memory");
}
