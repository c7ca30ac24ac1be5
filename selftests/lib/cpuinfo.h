/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/cpuinfo for selftests: the first CPU's fields, and tokens of the
 * space-separated "flags" and "vmx flags" lists.
 */
#ifndef MINIVMM_SELFTEST_CPUINFO_H
#define MINIVMM_SELFTEST_CPUINFO_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Copies the value of the first "@field\t: value" line of /proc/cpuinfo
 * into @buf. Returns 0, -ENOENT when no such line, or another -errno.
 */
int cpuinfo_field(const char *field, char *buf, size_t size);

/* Whether @tok is one of the space-separated words of @list. */
bool has_token(const char *list, const char *tok);

#endif /* MINIVMM_SELFTEST_CPUINFO_H */
