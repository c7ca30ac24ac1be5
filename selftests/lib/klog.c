// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel log helpers for selftests (see klog.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/klog.h>
#include "klog.h"

#define SYSLOG_ACTION_READ_ALL		3
#define SYSLOG_ACTION_SIZE_BUFFER	10

char *klog_read_all(void)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	char *buf;
	int n;

	if (size <= 0)
		size = 1 << 20;
	buf = malloc(size + 1);
	if (!buf)
		return NULL;
	n = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	if (n < 0) {
		int err = errno;

		free(buf);
		errno = err;
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

int klog_mark(char *marker, size_t size)
{
	static unsigned int seq;
	struct timespec ts;
	char line[160];
	int fd, len, ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(marker, size, "minivmm-selftest mark %d.%u.%ld.%09ld",
		 getpid(), ++seq, (long)ts.tv_sec, ts.tv_nsec);
	len = snprintf(line, sizeof(line), "<6>%s\n", marker);
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, line, len) != len)
		ret = -EIO;
	close(fd);
	return ret;
}

bool klog_has_after(const char *log, const char *marker, const char *needle)
{
	const char *p = log ? strstr(log, marker) : NULL;

	return p && strstr(p + strlen(marker), needle);
}

bool klog_logged_since(const char *marker, const char *needle)
{
	char *log = klog_read_all();
	bool found = klog_has_after(log, marker, needle);

	free(log);
	return found;
}

bool klog_line_since(const char *marker, const char *needle, char *line,
		     size_t size)
{
	char *log = klog_read_all();
	const char *p = log ? strstr(log, marker) : NULL;
	const char *hit = p ? strstr(p + strlen(marker), needle) : NULL;
	const char *start, *end;

	if (hit && size) {
		for (start = hit; start > log && start[-1] != '\n'; start--)
			;
		end = strchr(hit, '\n');
		if (!end)
			end = hit + strlen(hit);
		if ((size_t)(end - start) >= size)
			end = start + size - 1;
		memcpy(line, start, end - start);
		line[end - start] = '\0';
	}
	free(log);
	return hit;
}
