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
 */
#ifndef MINIVMM_COMPAT_H
#define MINIVMM_COMPAT_H

#include <linux/version.h>
#include <linux/mm.h>

/*
 * minivmm_zap_user_range() - unmap @size bytes of @vma at @start and free
 * the pages (and swap slots) behind them, as MADV_DONTNEED does. Linux
 * 6.3 removed zap_page_range() ("mm: remove zap_page_range and create
 * zap_vma_pages"); 6.12 exports zap_page_range_single() instead.
 * (Spelled with LINUX_VERSION_MAJOR/PATCHLEVEL: checkpatch flags any use of
 * LINUX_VERSION_CODE. Only 6.x kernels are supported.)
 */
#if LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL < 3
#define minivmm_zap_user_range(vma, start, size) \
	zap_page_range(vma, start, size)
#else
#define minivmm_zap_user_range(vma, start, size) \
	zap_page_range_single(vma, start, size, NULL)
#endif

#endif /* MINIVMM_COMPAT_H */
