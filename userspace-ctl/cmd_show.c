// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm-ctl show VM [--json]: everything about one VM.
 */
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ctl.h"
#include "device.h"
#include "reports.h"
#include "units.h"

unsigned long long ctl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Parses the VM argument; CTL_EXIT_OK or a usage error. */
int ctl_parse_vm(const char *cmd, const char *arg, unsigned int *id)
{
	char err[CTL_ERR_LEN];

	if (!arg)
		return ctl_usage_error("%s: which VM? (an id from 'list')", cmd);
	if (parse_vm_id(arg, id, err, sizeof(err)))
		return ctl_usage_error("%s: %s", cmd, err);
	return CTL_EXIT_OK;
}

static int show_run(const struct ctl_ctx *ctx, int argc, char **argv)
{
	struct minivmm_admin_vm_stats st;
	const char *vm = NULL;
	bool json = false;
	unsigned int id;
	int i, fd, api, code;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			ctl_print_command_help(stdout, &cmd_show);
			return CTL_EXIT_OK;
		} else if (!vm && argv[i][0] != '-') {
			vm = argv[i];
		} else {
			return ctl_usage_error("show: unknown argument '%s'",
					       argv[i]);
		}
	}
	code = ctl_parse_vm("show", vm, &id);
	if (code != CTL_EXIT_OK)
		return code;
	code = ctl_device_open(ctx, &fd, &api);
	if (code != CTL_EXIT_OK)
		return code;
	code = ctl_vm_stats(fd, id, &st);
	close(fd);
	if (code != CTL_EXIT_OK)
		return code;
	if (json)
		show_json(stdout, &st, ctl_now_ns());
	else
		show_text(stdout, &st, ctl_now_ns());
	return fflush(stdout) ? CTL_EXIT_FAILURE : CTL_EXIT_OK;
}

const struct ctl_cmd cmd_show = {
	.name = "show",
	.args = "VM [--json]",
	.summary = "show one VM: memory, balloon, guest statistics, host paging",
	.help =
	"VM is an id from 'list'. Shows the owner, RAM and vCPUs; EPT and kernel\n"
	"memory figures; the balloon (mode, floor, ceiling, target, actual,\n"
	"requests, released memory, refusals and the guest's last statistics by\n"
	"name); and what host paging cost the guest (host swap-in faults, double\n"
	"paging, stale swap reads, pages ballooned while in host swap, swap-ins\n"
	"saved, the guest's own swap traffic). Needs CAP_SYS_ADMIN.",
	.run = show_run,
};
