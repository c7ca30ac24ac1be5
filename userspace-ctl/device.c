// SPDX-License-Identifier: GPL-2.0
/*
 * Device access for minivmm-ctl commands (see device.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include "device.h"
#include "diag.h"

static bool module_loaded(void)
{
	struct stat st;

	return !stat(CTL_SYSFS_MODULE, &st) && S_ISDIR(st.st_mode);
}

static int check_api(const struct ctl_ctx *ctx, int fd, int *api_version)
{
	char msg[512];
	int v = ioctl(fd, MINIVMM_GET_API_VERSION, 0);
	int code = CTL_EXIT_OK;

	if (v < 0)
		code = diag_ioctl_error(errno, "MINIVMM_GET_API_VERSION",
					ctx->device, msg, sizeof(msg));
	else if (v != MINIVMM_API_VERSION)
		code = diag_api_mismatch(v, msg, sizeof(msg));
	if (code != CTL_EXIT_OK)
		ctl_err("%s", msg);
	*api_version = v;
	return code;
}

int ctl_device_open(const struct ctl_ctx *ctx, int *fd, int *api_version)
{
	char msg[512];
	int code;

	*fd = open(ctx->device, O_RDWR | O_CLOEXEC);
	if (*fd < 0) {
		int err = errno;

		code = diag_open_error(err, ctx->device, module_loaded(), msg,
				       sizeof(msg));
		ctl_err("%s", msg);
		return code;
	}
	code = check_api(ctx, *fd, api_version);
	if (code != CTL_EXIT_OK) {
		close(*fd);
		*fd = -1;
	}
	return code;
}

int ctl_device_get_caps(const struct ctl_ctx *ctx, int fd,
			struct minivmm_caps *caps)
{
	char msg[512];
	int code;

	memset(caps, 0, sizeof(*caps));
	if (ioctl(fd, MINIVMM_GET_CAPS, caps) == 0)
		return CTL_EXIT_OK;
	code = diag_ioctl_error(errno, "MINIVMM_GET_CAPS", ctx->device, msg,
				sizeof(msg));
	ctl_err("%s", msg);
	return code;
}

int ctl_device_get_svm_caps(const struct ctl_ctx *ctx, int fd,
			    struct minivmm_svm_caps *caps)
{
	char msg[512];
	int code;

	memset(caps, 0, sizeof(*caps));
	if (ioctl(fd, MINIVMM_GET_SVM_CAPS, caps) == 0)
		return CTL_EXIT_OK;
	code = diag_ioctl_error(errno, "MINIVMM_GET_SVM_CAPS", ctx->device, msg,
				sizeof(msg));
	ctl_err("%s", msg);
	return code;
}

int ctl_admin(int fd, unsigned long req, void *arg, const char *what,
	      unsigned int vm_id)
{
	char msg[512];
	int code;

	if (ioctl(fd, req, arg) == 0)
		return CTL_EXIT_OK;
	code = diag_admin_error(errno, what, vm_id, msg, sizeof(msg));
	ctl_err("%s", msg);
	return code;
}

int ctl_vm_stats(int fd, unsigned int vm_id,
		 struct minivmm_admin_vm_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->vm_id = vm_id;
	return ctl_admin(fd, MINIVMM_ADMIN_GET_VM_STATS, st,
			 "MINIVMM_ADMIN_GET_VM_STATS", vm_id);
}
