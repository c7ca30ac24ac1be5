/* SPDX-License-Identifier: GPL-2.0 */
/* Guest memory slots: setting them and resolving guest-physical addresses. */
#ifndef MINIVMM_MEMSLOT_H
#define MINIVMM_MEMSLOT_H

#include "vm.h"

int minivmm_set_memory_region(struct minivmm_vm *vm,
			      const struct minivmm_memory_region *r);

#endif /* MINIVMM_MEMSLOT_H */
