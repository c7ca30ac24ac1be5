/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VT-x probing and capability reporting, for the backend's ops table
 * (vmx_ops.c); common code calls them only through that table.
 */
#ifndef MINIVMM_VMX_PROBE_H
#define MINIVMM_VMX_PROBE_H

#include <linux/types.h>
#include "../arch_ops.h"

int vmx_probe(void);
void vmx_describe(char *buf, size_t size);
int vmx_get_caps(struct minivmm_caps *caps);

#endif /* MINIVMM_VMX_PROBE_H */
