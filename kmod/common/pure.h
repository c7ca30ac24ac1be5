/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kernel-free code in kmod/common/ may use: fixed-width types, bool,
 * NULL, memset/memcpy, errno values. Built both into the module and into
 * the userspace unit tests.
 */
#ifndef MINIVMM_COMMON_PURE_H
#define MINIVMM_COMMON_PURE_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#endif

/* ARRAY_SIZE is kernel-internal; this one serves both worlds. */
#define MINIVMM_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#endif /* MINIVMM_COMMON_PURE_H */
