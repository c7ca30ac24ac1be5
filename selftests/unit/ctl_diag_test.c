// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of minivmm-ctl's device error messages and exit codes
 * (userspace-ctl/lib/diag.c).
 */
#include <errno.h>
#include <linux/minivmm.h>
#include "unit.h"
#include "diag.h"
#include "exit_codes.h"

UNIT_TEST(ctl_diag_exit_codes_are_stable)
{
	CHECK_EQ(CTL_EXIT_OK, 0);
	CHECK_EQ(CTL_EXIT_USAGE, 1);
	CHECK_EQ(CTL_EXIT_NO_DEVICE, 2);
	CHECK_EQ(CTL_EXIT_PERM, 3);
	CHECK_EQ(CTL_EXIT_FAILURE, 4);
	CHECK_EQ(CTL_EXIT_ABI, 5);
}

UNIT_TEST(ctl_diag_module_not_loaded)
{
	static const int errs[] = { ENOENT, ENXIO, ENODEV };
	char msg[512];
	size_t i;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		msg[0] = '\0';
		CHECK_EQ(diag_open_error(errs[i], "/dev/minivmm", false, msg,
					 sizeof(msg)), CTL_EXIT_NO_DEVICE);
		CHECK_STREQ(msg, "minivmm module is not loaded (no /sys/module/minivmm); load it with: insmod minivmm.ko");
	}
}

UNIT_TEST(ctl_diag_loaded_but_node_missing)
{
	char msg[512];

	CHECK_EQ(diag_open_error(ENOENT, "/dev/other", true, msg, sizeof(msg)),
		 CTL_EXIT_NO_DEVICE);
	CHECK(strstr(msg, "module is loaded but /dev/other does not exist"));
	CHECK(strstr(msg, "devtmpfs"));
	CHECK(strstr(msg, "udev"));
	CHECK_EQ(diag_open_error(ENXIO, "/dev/x", true, msg, sizeof(msg)),
		 CTL_EXIT_NO_DEVICE);
	CHECK(strstr(msg, "no driver answers /dev/x"));
}

UNIT_TEST(ctl_diag_permission_denied)
{
	char msg[512];

	CHECK_EQ(diag_open_error(EACCES, "/dev/minivmm", true, msg,
				 sizeof(msg)), CTL_EXIT_PERM);
	CHECK_STREQ(msg, "permission denied opening /dev/minivmm (mode 0600 root; see Documentation for a udev group rule)");
	CHECK_EQ(diag_open_error(EPERM, "/dev/minivmm", false, msg,
				 sizeof(msg)), CTL_EXIT_PERM);
}

UNIT_TEST(ctl_diag_other_open_error)
{
	char msg[512];

	CHECK_EQ(diag_open_error(EIO, "/dev/minivmm", true, msg, sizeof(msg)),
		 CTL_EXIT_FAILURE);
	CHECK(strstr(msg, "cannot open /dev/minivmm: "));
	CHECK(strstr(msg, strerror(EIO)));
}

UNIT_TEST(ctl_diag_ioctl_error)
{
	char msg[512];

	CHECK_EQ(diag_ioctl_error(ENOTTY, "MINIVMM_GET_CAPS", "/dev/null", msg,
				  sizeof(msg)), CTL_EXIT_FAILURE);
	CHECK(strstr(msg, "MINIVMM_GET_CAPS on /dev/null failed"));
	CHECK(strstr(msg, "is it a minivmm device?"));
	CHECK_EQ(diag_ioctl_error(EFAULT, "X", "/d", msg, sizeof(msg)),
		 CTL_EXIT_FAILURE);
	CHECK(!strstr(msg, "minivmm device?"));
}

UNIT_TEST(ctl_diag_api_mismatch_names_both_versions)
{
	char msg[512], want[64];

	CHECK_EQ(diag_api_mismatch(MINIVMM_API_VERSION + 6, msg, sizeof(msg)),
		 CTL_EXIT_ABI);
	snprintf(want, sizeof(want), "module has API version %d",
		 MINIVMM_API_VERSION + 6);
	CHECK(strstr(msg, want));
	snprintf(want, sizeof(want), "built for API version %d",
		 MINIVMM_API_VERSION);
	CHECK(strstr(msg, want));
}

UNIT_TEST(ctl_diag_truncates_safely)
{
	char msg[8];

	memset(msg, 'x', sizeof(msg));
	diag_open_error(EACCES, "/dev/minivmm", true, msg, sizeof(msg));
	CHECK_EQ(strlen(msg), sizeof(msg) - 1);
}
