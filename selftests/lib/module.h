/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading and unloading minivmm.ko with the raw syscalls (finit_module,
 * delete_module), for the life-cycle selftests.
 */
#ifndef MINIVMM_SELFTEST_MODULE_H
#define MINIVMM_SELFTEST_MODULE_H

#include <stdbool.h>

/* $MINIVMM_KO, else /lib/modules/minivmm.ko. */
const char *module_ko_path(void);
/* finit_module(@ko, "", 0): 0 or -errno. */
int module_load(const char *ko);
/* delete_module(@name, @flags): 0 or -errno. */
int module_unload(const char *name, int flags);
/* /sys/module/minivmm exists. */
bool module_loaded(void);
/*
 * Loads minivmm from module_ko_path() unless it is loaded, then waits up
 * to 2 s for /dev/minivmm. 0 or -errno (-ETIMEDOUT: no device node).
 */
int module_ensure_loaded(void);

#endif /* MINIVMM_SELFTEST_MODULE_H */
