/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read-only per-VM statistics under /sys/class/misc/minivmm/vm/ID/, one
 * value per file (kmod/vm_sysfs.c).
 */
#ifndef MINIVMM_VM_SYSFS_H
#define MINIVMM_VM_SYSFS_H

#include <linux/device.h>
#include "vm.h"

int minivmm_vm_sysfs_init(struct device *dev);
void minivmm_vm_sysfs_exit(void);
void minivmm_vm_sysfs_add(struct minivmm_vm *vm);
void minivmm_vm_sysfs_remove(struct minivmm_vm *vm);

#endif /* MINIVMM_VM_SYSFS_H */
