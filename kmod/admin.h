/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The administrator's ioctls on /dev/minivmm (kmod/admin.c).
 */
#ifndef MINIVMM_ADMIN_H
#define MINIVMM_ADMIN_H

long minivmm_admin_ioctl(unsigned int cmd, void __user *argp);

#endif /* MINIVMM_ADMIN_H */
