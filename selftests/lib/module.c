// SPDX-License-Identifier: GPL-2.0
/*
 * Module load/unload helpers for selftests (see module.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "module.h"
#include "mvmm.h"

const char *module_ko_path(void)
{
	return env_or(MVMM_ENV_KO, MVMM_DEFAULT_KO);
}

int module_load(const char *ko)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		ret = -errno;
	close(fd);
	return ret;
}

int module_unload(const char *name, int flags)
{
	return syscall(SYS_delete_module, name, flags) ? -errno : 0;
}

bool module_loaded(void)
{
	return path_exists(MVMM_SYSFS_MODULE);
}

int module_ensure_loaded(void)
{
	if (!module_loaded()) {
		int ret = module_load(module_ko_path());

		if (ret && ret != -EEXIST)
			return ret;
	}
	return wait_for_path(MVMM_DEV, true, 2000) ? 0 : -ETIMEDOUT;
}
