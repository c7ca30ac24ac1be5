// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm-ctl: command-line tool for the minivmm hypervisor module.
 *
 * minivmm-ctl [--device PATH] COMMAND [ARGS]; the commands are listed in
 * commands.c, the exit codes (which scripts rely on) in lib/exit_codes.h:
 * 0 ok, 1 usage error, 2 module not loaded or device node missing,
 * 3 permission denied, 4 ioctl or other failure, 5 ABI mismatch.
 */
#include <stdlib.h>
#include <string.h>
#include "ctl.h"
#include "diag.h"

/* Value of option @name at argv[*i] ("--opt VAL" or "--opt=VAL"), or NULL. */
static const char *option_value(int argc, char **argv, int *i,
				const char *lng, const char *shrt)
{
	size_t n = strlen(lng);
	const char *a = argv[*i];

	if (!strncmp(a, lng, n) && a[n] == '=')
		return a + n + 1;
	if (strcmp(a, lng) && strcmp(a, shrt))
		return NULL;
	if (*i + 1 >= argc)
		return "";
	return argv[++*i];
}

static const char *default_device(void)
{
	const char *env = getenv(CTL_ENV_DEVICE);

	return env && *env ? env : CTL_DEFAULT_DEVICE;
}

/* Parses global options; returns the index of the command, or -exit. */
static int parse_globals(int argc, char **argv, struct ctl_ctx *ctx)
{
	int i;

	ctx->device = default_device();
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *v;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			ctl_print_usage(stdout);
			return -CTL_EXIT_OK;
		}
		if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			ctl_print_version(stdout);
			return -CTL_EXIT_OK;
		}
		if (!strcmp(a, "--"))
			return i + 1;
		v = option_value(argc, argv, &i, "--device", "-d");
		if (!v)
			return -ctl_usage_error("unknown option '%s'", a);
		if (!*v)
			return -ctl_usage_error("%s needs a device path", a);
		ctx->device = v;
	}
	return i;
}

int main(int argc, char **argv)
{
	const struct ctl_cmd *cmd;
	struct ctl_ctx ctx;
	int i = parse_globals(argc, argv, &ctx);

	if (i <= 0)
		return -i;
	if (i >= argc) {
		ctl_print_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	cmd = ctl_find_command(argv[i]);
	if (!cmd)
		return ctl_usage_error("unknown command '%s'", argv[i]);
	return cmd->run(&ctx, argc - i, argv + i);
}
