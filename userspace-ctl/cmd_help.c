// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm-ctl help, --help and --version.
 */
#include <string.h>
#include <linux/minivmm.h>
#include "ctl.h"
#include "diag.h"
#include "table.h"

static const char *const exit_codes[][2] = {
	{ "0", "success" },
	{ "1", "usage error (unknown command or option)" },
	{ "2", "minivmm module not loaded, or its device node missing" },
	{ "3", "permission denied (the device, or an admin command without CAP_SYS_ADMIN)" },
	{ "4", "ioctl or other failure" },
	{ "5", "ABI mismatch between minivmm-ctl and the loaded module" },
	{ "6", "no such VM" },
	{ "7", "the VM has no balloon device" },
	{ "8", "size out of range (more than the VM's RAM)" },
};

static void print_commands(FILE *f)
{
	struct table t;
	int i;

	table_init(&t, 2);
	for (i = 0; ctl_commands[i]; i++) {
		const struct ctl_cmd *c = ctl_commands[i];

		table_row(&t);
		table_cell(&t, "%s", c->name);
		table_cell(&t, "%s", c->args);
		table_cell(&t, "%s", c->summary);
	}
	table_print(&t, f);
	table_free(&t);
}

static void print_exit_codes(FILE *f)
{
	struct table t;
	size_t i;

	table_init(&t, 2);
	for (i = 0; i < sizeof(exit_codes) / sizeof(exit_codes[0]); i++)
		table_kv(&t, exit_codes[i][0], "%s", exit_codes[i][1]);
	table_print(&t, f);
	table_free(&t);
}

void ctl_print_usage(FILE *f)
{
	fprintf(f,
		"usage: %s [--device PATH] COMMAND [ARGS]\n"
		"       %s --help | --version\n\n"
		"Shows and controls the minivmm hypervisor module through its device.\n\n"
		"Commands:\n", CTL_NAME, CTL_NAME);
	print_commands(f);
	fprintf(f, "\nOptions:\n"
		"  -d, --device PATH  device node (default: $%s, else %s)\n"
		"  -h, --help         show this help ('%s help COMMAND' for one command)\n"
		"  -V, --version      show the version and the ABI version\n"
		"\nExit codes:\n", CTL_ENV_DEVICE, CTL_DEFAULT_DEVICE, CTL_NAME);
	print_exit_codes(f);
	fprintf(f, "\nEnvironment:\n"
		"  %s  device node used when --device is not given\n",
		CTL_ENV_DEVICE);
}

void ctl_print_command_help(FILE *f, const struct ctl_cmd *cmd)
{
	fprintf(f, "usage: %s [--device PATH] %s %s\n\n%s\n", CTL_NAME,
		cmd->name, cmd->args, cmd->help);
}

void ctl_print_version(FILE *f)
{
	fprintf(f, "%s %s (minivmm API version %d)\n", CTL_NAME, CTL_VERSION,
		MINIVMM_API_VERSION);
}

static int help_run(const struct ctl_ctx *ctx, int argc, char **argv)
{
	const struct ctl_cmd *cmd;

	(void)ctx;
	if (argc > 2)
		return ctl_usage_error("help: too many arguments");
	if (argc < 2) {
		ctl_print_usage(stdout);
		return CTL_EXIT_OK;
	}
	cmd = ctl_find_command(argv[1]);
	if (!cmd)
		return ctl_usage_error("help: unknown command '%s'", argv[1]);
	ctl_print_command_help(stdout, cmd);
	return CTL_EXIT_OK;
}

const struct ctl_cmd cmd_help = {
	.name = "help",
	.args = "[COMMAND]",
	.summary = "show this help, or one command's",
	.help = "Shows the general help, or the help of COMMAND.",
	.run = help_run,
};
