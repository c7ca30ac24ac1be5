// SPDX-License-Identifier: GPL-2.0
/*
 * Error messages and exit codes for device access (see diag.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/minivmm.h>
#include "diag.h"
#include "exit_codes.h"

static int not_loaded(char *msg, size_t size)
{
	snprintf(msg, size,
		 "minivmm module is not loaded (no %s); load it with: insmod minivmm.ko",
		 CTL_SYSFS_MODULE);
	return CTL_EXIT_NO_DEVICE;
}

int diag_open_error(int err, const char *path, bool module_loaded,
		    char *msg, size_t size)
{
	switch (err) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		if (!module_loaded)
			return not_loaded(msg, size);
		if (err == ENOENT)
			snprintf(msg, size,
				 "minivmm module is loaded but %s does not exist: is devtmpfs mounted on /dev, did udev create it? (its major:minor is in /sys/class/misc/minivmm/dev)",
				 path);
		else
			snprintf(msg, size,
				 "minivmm module is loaded but no driver answers %s (%s): a stale node? compare it with /sys/class/misc/minivmm/dev",
				 path, strerror(err));
		return CTL_EXIT_NO_DEVICE;
	case EACCES:
	case EPERM:
		snprintf(msg, size,
			 "permission denied opening %s (mode 0600 root; see Documentation for a udev group rule)",
			 path);
		return CTL_EXIT_PERM;
	default:
		snprintf(msg, size, "cannot open %s: %s", path, strerror(err));
		return CTL_EXIT_FAILURE;
	}
}

int diag_ioctl_error(int err, const char *what, const char *path,
		     char *msg, size_t size)
{
	snprintf(msg, size, "%s on %s failed: %s%s", what, path,
		 strerror(err),
		 err == ENOTTY ? " (is it a minivmm device?)" : "");
	return CTL_EXIT_FAILURE;
}

int diag_api_mismatch(int kernel_version, char *msg, size_t size)
{
	snprintf(msg, size,
		 "minivmm API version mismatch: the loaded module has API version %d, minivmm-ctl was built for API version %d; use a matching minivmm-ctl and module",
		 kernel_version, MINIVMM_API_VERSION);
	return CTL_EXIT_ABI;
}
