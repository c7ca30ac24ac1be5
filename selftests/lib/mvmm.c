// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest helpers for /dev/minivmm (see mvmm.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include "mvmm.h"

const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

int mvmm_open(void)
{
	return open(MVMM_DEV, O_RDWR | O_CLOEXEC);
}

int mvmm_get_caps(int fd, struct minivmm_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	return ioctl(fd, MINIVMM_GET_CAPS, caps) ? -errno : 0;
}

unsigned int mvmm_backend(void)
{
	static unsigned int backend;
	struct minivmm_caps caps;
	int fd;

	if (backend)
		return backend;
	fd = mvmm_open();
	if (fd < 0)
		return 0;
	if (!mvmm_get_caps(fd, &caps))
		backend = caps.backend;
	close(fd);
	return backend;
}

bool path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

bool wait_for_path(const char *path, bool present, int timeout_ms)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	int waited;

	for (waited = 0; ; waited += 10) {
		if (path_exists(path) == present)
			return true;
		if (waited >= timeout_ms)
			return false;
		nanosleep(&tick, NULL);
	}
}

int read_text_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}
