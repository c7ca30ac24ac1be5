/* SPDX-License-Identifier: GPL-2.0 */
/* The VT-x backend as common code sees it: one ops table. */
#ifndef MINIVMM_VMX_OPS_H
#define MINIVMM_VMX_OPS_H

#include "../arch_ops.h"

extern const struct minivmm_arch_ops vmx_arch_ops;

#endif /* MINIVMM_VMX_OPS_H */
