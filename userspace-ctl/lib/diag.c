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
#include "units.h"

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

int diag_admin_error(int err, const char *what, unsigned int vm_id,
		     char *msg, size_t size)
{
	switch (err) {
	case EPERM:
	case EACCES:
		snprintf(msg, size,
			 "%s: permission denied: needs CAP_SYS_ADMIN (run as root)",
			 what);
		return CTL_EXIT_PERM;
	case ENOENT:
		snprintf(msg, size,
			 "no VM with id %u (see 'minivmm-ctl list')", vm_id);
		return CTL_EXIT_NO_VM;
	case ENODEV:
		snprintf(msg, size, "VM %u has no balloon device", vm_id);
		return CTL_EXIT_NO_BALLOON;
	case ENOTTY:
		snprintf(msg, size,
			 "the loaded minivmm module does not know %s: use a matching minivmm-ctl and module",
			 what);
		return CTL_EXIT_ABI;
	default:
		snprintf(msg, size, "%s failed: %s", what, strerror(err));
		return CTL_EXIT_FAILURE;
	}
}

int diag_range_error(const char *what, unsigned long long pages,
		     unsigned int vm_id, unsigned long long mem_bytes,
		     char *msg, size_t size)
{
	char want[CTL_BYTES_LEN], have[CTL_BYTES_LEN];

	snprintf(msg, size,
		 "size out of range: %s %s (%llu pages) is more than the RAM of VM %u (VM has %s, %llu pages)",
		 what, fmt_pages(pages, want, sizeof(want)), pages, vm_id,
		 fmt_bytes(mem_bytes, have, sizeof(have)),
		 mem_bytes / CTL_PAGE_SIZE);
	return CTL_EXIT_RANGE;
}
