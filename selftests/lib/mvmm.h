/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftest helpers for /dev/minivmm and the files around it.
 */
#ifndef MINIVMM_SELFTEST_MVMM_H
#define MINIVMM_SELFTEST_MVMM_H

#include <stdbool.h>
#include <linux/minivmm.h>

#define MVMM_DEV		"/dev/minivmm"
#define MVMM_MODULE_NAME	"minivmm"
#define MVMM_SYSFS_MODULE	"/sys/module/minivmm"
#define MVMM_SYSFS_MISC		"/sys/class/misc/minivmm"

/* Environment variables the selftests read, and their defaults. */
#define MVMM_ENV_KO		"MINIVMM_KO"
#define MVMM_DEFAULT_KO		"/lib/modules/minivmm.ko"
#define MVMM_ENV_CTL		"MINIVMM_CTL"
#define MVMM_DEFAULT_CTL	"/bin/minivmm-ctl"

/* $name if set and not empty, else @def. */
const char *env_or(const char *name, const char *def);

/* open(MVMM_DEV, O_RDWR | O_CLOEXEC): fd or -1 with errno. */
int mvmm_open(void);
/* MINIVMM_GET_CAPS with flags and reserved zeroed: 0 or -errno. */
int mvmm_get_caps(int fd, struct minivmm_caps *caps);
/* MINIVMM_BACKEND_* of the loaded module (asked once), 0 when unknown. */
unsigned int mvmm_backend(void);
/* The loaded backend is AMD-V. */
#define mvmm_is_svm()	(mvmm_backend() == MINIVMM_BACKEND_SVM)

bool path_exists(const char *path);
/* Polls every 10 ms until @path exists (@present) or not; false on timeout. */
bool wait_for_path(const char *path, bool present, int timeout_ms);
/* Reads a small text file into @buf (NUL-terminated, newline stripped). */
int read_text_file(const char *path, char *buf, size_t size);

#endif /* MINIVMM_SELFTEST_MVMM_H */
