/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel log for selftests: read it whole with klogctl(), and put a
 * unique marker line in it (/dev/kmsg) so a test looks only at what was
 * logged after the marker.
 */
#ifndef MINIVMM_SELFTEST_KLOG_H
#define MINIVMM_SELFTEST_KLOG_H

#include <stdbool.h>
#include <stddef.h>

/* The whole log buffer (SYSLOG_ACTION_READ_ALL), malloc'ed; NULL + errno. */
char *klog_read_all(void);

/* Logs a new unique marker line; copies its text to @marker. 0 or -errno. */
int klog_mark(char *marker, size_t size);

/* Whether a line containing @needle was logged after @marker. */
bool klog_has_after(const char *log, const char *marker, const char *needle);

/* klog_read_all() + klog_has_after() (false if the log cannot be read). */
bool klog_logged_since(const char *marker, const char *needle);

/*
 * klog_logged_since() that also copies the first such line (its text
 * up to the newline, cut to @size - 1 bytes) to @line.
 */
bool klog_line_since(const char *marker, const char *needle, char *line,
		     size_t size);

#endif /* MINIVMM_SELFTEST_KLOG_H */
