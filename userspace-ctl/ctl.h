/* SPDX-License-Identifier: GPL-2.0 */
/*
 * minivmm-ctl: the command table and what commands share. A command group
 * lives in its own cmd_*.c and is listed once in commands.c.
 */
#ifndef MINIVMM_CTL_H
#define MINIVMM_CTL_H

#include <stdio.h>
#include "exit_codes.h"

#define CTL_NAME	"minivmm-ctl"
#define CTL_VERSION	"0.1"
#define CTL_ENV_DEVICE	"MINIVMM_DEV"

/* Global options, parsed before the command name. */
struct ctl_ctx {
	const char *device;	/* --device, else $MINIVMM_DEV, else default */
};

struct ctl_cmd {
	const char *name;
	const char *args;	/* synopsis of its arguments */
	const char *summary;	/* one line for the command list */
	const char *help;	/* paragraph for "help NAME" */
	/* argv[0] is the command name; returns an exit code. */
	int (*run)(const struct ctl_ctx *ctx, int argc, char **argv);
};

extern const struct ctl_cmd cmd_caps;
extern const struct ctl_cmd cmd_help;
extern const struct ctl_cmd cmd_list;
extern const struct ctl_cmd cmd_show;
extern const struct ctl_cmd cmd_balloon;
extern const struct ctl_cmd cmd_policy;
extern const struct ctl_cmd cmd_stats;

/* CLOCK_MONOTONIC now, ns. */
unsigned long long ctl_now_ns(void);
/* The VM argument of @cmd as an id; CTL_EXIT_OK or a usage error. */
int ctl_parse_vm(const char *cmd, const char *arg, unsigned int *id);

/* NULL-terminated, in the order "help" lists them. */
extern const struct ctl_cmd *const ctl_commands[];
const struct ctl_cmd *ctl_find_command(const char *name);

/* "minivmm-ctl: " + message + newline on stderr. */
void ctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports a usage error and returns CTL_EXIT_USAGE. */
int ctl_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

void ctl_print_usage(FILE *f);
void ctl_print_command_help(FILE *f, const struct ctl_cmd *cmd);
void ctl_print_version(FILE *f);

#endif /* MINIVMM_CTL_H */
