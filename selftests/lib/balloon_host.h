/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-side helpers of the balloon selftests: guest RAM mapped at a fixed
 * address, how much of it is resident, /proc figures, and the balloon's
 * VM ioctls.
 */
#ifndef MINIVMM_SELFTEST_BALLOON_HOST_H
#define MINIVMM_SELFTEST_BALLOON_HOST_H

#include <stddef.h>
#include <stdint.h>
#include "minivmm_util.h"

/*
 * Anonymous private read-write memory at exactly @addr (never replacing a
 * mapping), in 4 KiB pages (no THP): what a balloon releases page by page.
 * NULL with errno on failure.
 */
void *mvm_map_at(uint64_t addr, size_t size);

/* Resident 4 KiB pages of [p, p + size) (mincore); ~0 on error. */
uint64_t mvm_resident_pages(const void *p, size_t size);

/* "Name: N kB" of a /proc status-like file, in kB; ~0 when absent. */
uint64_t mvm_proc_kb(const char *path, const char *name);

/* "name value" of /proc/vmstat; ~0 when absent. */
uint64_t mvm_vmstat(const char *name);

/* MINIVMM_GET_BALLOON_STATS (@st poisoned first): 0 or -errno. */
int vm_balloon_status(struct mvm_vm *vm, struct minivmm_balloon_status *st);

/* MINIVMM_SET_BALLOON_TARGET: 0 or -errno. */
int vm_balloon_target(struct mvm_vm *vm, uint32_t pages);

#endif /* MINIVMM_SELFTEST_BALLOON_HOST_H */
