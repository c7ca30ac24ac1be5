/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs a program for selftests and captures its exit code, stdout and
 * stderr.
 */
#ifndef MINIVMM_SELFTEST_RUN_H
#define MINIVMM_SELFTEST_RUN_H

#include <sys/types.h>

struct run_result {
	int exit_code;		/* exit status, or 128 + signal */
	char *out;		/* stdout, NUL-terminated */
	char *err;		/* stderr, NUL-terminated */
};

struct run_opts {
	/* "NAME=VALUE" sets, "NAME" unsets; NULL-terminated, may be NULL. */
	const char *const *env;
	/* Run as this uid/gid (no supplementary groups) when not 0. */
	uid_t uid;
	gid_t gid;
};

/* Runs @argv (argv[0] a path). 0, or -errno when it could not be run. */
int run_program(const char *const *argv, const struct run_opts *opts,
		struct run_result *r);
void run_result_free(struct run_result *r);

#endif /* MINIVMM_SELFTEST_RUN_H */
