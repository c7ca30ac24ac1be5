/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place for kernel API differences between the kernels minivmm
 * builds against: Linux 6.1 LTS (Debian 12) and 6.12 LTS (Debian 12
 * backports). Everything else in kmod/ uses the APIs as spelled here and
 * never tests LINUX_VERSION_CODE itself.
 *
 * Add an entry only when a build needs it, each with a comment naming the
 * commit or release that changed the API, in this form:
 *
 *	#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
 *	#define minivmm_foo(x)	old_foo(x)
 *	#else
 *	#define minivmm_foo(x)	new_foo(x)
 *	#endif
 *
 * No entry is needed so far: everything used by kmod/ exists with the same
 * signature in 6.1 and 6.12.
 */
#ifndef MINIVMM_COMPAT_H
#define MINIVMM_COMPAT_H

#include <linux/version.h>

#endif /* MINIVMM_COMPAT_H */
