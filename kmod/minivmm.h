/* SPDX-License-Identifier: GPL-2.0 */
/*
 * minivmm internal header for common code: what the module's parts share.
 * Knows nothing of any backend; see arch_ops.h for the backend interface.
 */
#ifndef MINIVMM_INTERNAL_H
#define MINIVMM_INTERNAL_H

#include "compat.h"
#include "arch_ops.h"

/* kmod/dev.c: /dev/minivmm */
int minivmm_dev_register(void);
void minivmm_dev_unregister(void);

#endif /* MINIVMM_INTERNAL_H */
