/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit codes of minivmm-ctl. Scripts rely on them: never renumber, only add.
 *
 *   0  success
 *   1  usage error (unknown command or option, bad argument)
 *   2  minivmm module not loaded, or its device node is missing
 *   3  permission denied opening the device
 *   4  ioctl or other failure
 *   5  ABI mismatch between minivmm-ctl and the loaded module (also: the
 *      module does not know an ioctl the command needs)
 *   6  no such VM (ENOENT from an admin ioctl)
 *   7  the VM has no balloon device (ENODEV)
 *   8  a size is out of range for the VM (ERANGE: more than its RAM)
 *
 * Permission denied by an admin ioctl (EPERM: no CAP_SYS_ADMIN) is 3 too.
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
	CTL_EXIT_NO_VM		= 6,
	CTL_EXIT_NO_BALLOON	= 7,
	CTL_EXIT_RANGE		= 8,
};

#endif /* MINIVMM_CTL_EXIT_CODES_H */
