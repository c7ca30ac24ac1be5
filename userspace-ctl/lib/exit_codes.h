/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit codes of minivmm-ctl. Scripts rely on them: never renumber, only add.
 *
 *   0  success
 *   1  usage error (unknown command or option, bad argument)
 *   2  minivmm module not loaded, or its device node is missing
 *   3  permission denied opening the device
 *   4  ioctl or other failure
 *   5  ABI mismatch between minivmm-ctl and the loaded module
 */
#ifndef MINIVMM_CTL_EXIT_CODES_H
#define MINIVMM_CTL_EXIT_CODES_H

enum ctl_exit {
	CTL_EXIT_OK		= 0,
	CTL_EXIT_USAGE		= 1,
	CTL_EXIT_NO_DEVICE	= 2,
	CTL_EXIT_PERM		= 3,
	CTL_EXIT_FAILURE	= 4,
	CTL_EXIT_ABI		= 5,
};

#endif /* MINIVMM_CTL_EXIT_CODES_H */
