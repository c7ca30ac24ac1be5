/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening /dev/minivmm and the system ioctls, each failure reported on
 * stderr and turned into a minivmm-ctl exit code.
 */
#ifndef MINIVMM_CTL_DEVICE_H
#define MINIVMM_CTL_DEVICE_H

#include <linux/minivmm.h>
#include "ctl.h"

/*
 * Opens ctx->device and checks its API version. Returns CTL_EXIT_OK with
 * *fd and *api_version set, or another exit code after saying why.
 */
int ctl_device_open(const struct ctl_ctx *ctx, int *fd, int *api_version);
int ctl_device_get_caps(const struct ctl_ctx *ctx, int fd,
			struct minivmm_caps *caps);
/* MINIVMM_GET_SVM_CAPS, reporting failures like ctl_device_get_caps(). */
int ctl_device_get_svm_caps(const struct ctl_ctx *ctx, int fd,
			    struct minivmm_svm_caps *caps);

/*
 * Admin ioctl @req (named @what, about VM @vm_id or 0) on @fd: CTL_EXIT_OK,
 * or the exit code of diag_admin_error() after printing its message.
 */
int ctl_admin(int fd, unsigned long req, void *arg, const char *what,
	      unsigned int vm_id);
/* MINIVMM_ADMIN_GET_VM_STATS of @vm_id, as ctl_admin(). */
int ctl_vm_stats(int fd, unsigned int vm_id,
		 struct minivmm_admin_vm_stats *st);

#endif /* MINIVMM_CTL_DEVICE_H */
