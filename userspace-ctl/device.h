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

#endif /* MINIVMM_CTL_DEVICE_H */
