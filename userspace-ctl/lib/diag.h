/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What minivmm-ctl says, and with which exit code (exit_codes.h), when the
 * device cannot be used. Pure functions: the caller gathers the facts
 * (errno, whether /sys/module/minivmm exists).
 */
#ifndef MINIVMM_CTL_DIAG_H
#define MINIVMM_CTL_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#define CTL_SYSFS_MODULE	"/sys/module/minivmm"
#define CTL_DEFAULT_DEVICE	"/dev/minivmm"

/* open(@path) failed with @err. Fills @msg, returns the exit code. */
int diag_open_error(int err, const char *path, bool module_loaded,
		    char *msg, size_t size);
/* ioctl @what on @path failed with @err. Returns CTL_EXIT_FAILURE. */
int diag_ioctl_error(int err, const char *what, const char *path,
		     char *msg, size_t size);
/* The module answered API version @kernel_version. Returns CTL_EXIT_ABI. */
int diag_api_mismatch(int kernel_version, char *msg, size_t size);

/*
 * Admin ioctl @what failed with @err; @vm_id is the VM it was about (0:
 * none). EPERM/EACCES give CTL_EXIT_PERM ("needs CAP_SYS_ADMIN"), ENOENT
 * CTL_EXIT_NO_VM, ENODEV CTL_EXIT_NO_BALLOON, ENOTTY CTL_EXIT_ABI (a module
 * without that ioctl), anything else CTL_EXIT_FAILURE.
 */
int diag_admin_error(int err, const char *what, unsigned int vm_id,
		     char *msg, size_t size);
/*
 * ERANGE: @what (say "balloon target") of @pages 4 KiB pages is more than
 * the @mem_bytes of RAM of VM @vm_id. Returns CTL_EXIT_RANGE.
 */
int diag_range_error(const char *what, unsigned long long pages,
		     unsigned int vm_id, unsigned long long mem_bytes,
		     char *msg, size_t size);

#endif /* MINIVMM_CTL_DIAG_H */
