/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The administrator's ioctls on /dev/minivmm (kmod/admin.c).
 */
#ifndef MINIVMM_ADMIN_H
#define MINIVMM_ADMIN_H

#include "vm.h"

long minivmm_admin_ioctl(unsigned int cmd, void __user *argp);
void minivmm_vm_info(struct minivmm_vm *vm, struct minivmm_vm_info *info);

#endif /* MINIVMM_ADMIN_H */
