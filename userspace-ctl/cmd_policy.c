// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm-ctl policy [--json] | policy set KEY=VALUE...: the memory-pressure
 * monitor's policy and state.
 */
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include "ctl.h"
#include "device.h"
#include "policy_kv.h"
#include "reports.h"
#include "units.h"

static int policy_run(const struct ctl_ctx *ctx, int argc, char **argv)
{
	struct minivmm_monitor_status mon;
	struct minivmm_policy pol;
	char err[CTL_ERR_LEN];
	bool json = false, set = false;
	int i, first = 0, fd, api, code;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			ctl_print_command_help(stdout, &cmd_policy);
			return CTL_EXIT_OK;
		} else if (!set && !strcmp(argv[i], "set")) {
			set = true;
			first = i + 1;
			break;
		} else {
			return ctl_usage_error("policy: unknown argument '%s'",
					       argv[i]);
		}
	}
	if (set && first >= argc)
		return ctl_usage_error("policy set: give KEY=VALUE; keys:\n%s",
				       policy_keys_help);
	code = ctl_device_open(ctx, &fd, &api);
	if (code != CTL_EXIT_OK)
		return code;
	code = ctl_admin(fd, MINIVMM_ADMIN_GET_POLICY, &pol,
			 "MINIVMM_ADMIN_GET_POLICY", 0);
	if (code != CTL_EXIT_OK)
		goto out;
	if (set) {
		/* Everything is checked before anything is set. */
		for (i = first; i < argc; i++) {
			if (policy_apply_kv(&pol, argv[i], err, sizeof(err))) {
				code = ctl_usage_error("policy set: %s", err);
				goto out;
			}
		}
		if (policy_check(&pol, err, sizeof(err))) {
			code = ctl_usage_error("policy set: %s", err);
			goto out;
		}
		code = ctl_admin(fd, MINIVMM_ADMIN_SET_POLICY, &pol,
				 "MINIVMM_ADMIN_SET_POLICY", 0);
		if (code != CTL_EXIT_OK)
			goto out;
	}
	code = ctl_admin(fd, MINIVMM_ADMIN_GET_MONITOR, &mon,
			 "MINIVMM_ADMIN_GET_MONITOR", 0);
	if (code != CTL_EXIT_OK)
		goto out;
	if (json)
		policy_json(stdout, &pol, &mon);
	else
		policy_text(stdout, &pol, &mon);
	code = fflush(stdout) ? CTL_EXIT_FAILURE : CTL_EXIT_OK;
out:
	close(fd);
	return code;
}

const struct ctl_cmd cmd_policy = {
	.name = "policy",
	.args = "[--json] | set KEY=VALUE...",
	.summary = "show or set the memory-pressure monitor's policy",
	.help =
	"Without arguments: the watermarks, step sizes, interval and whether the\n"
	"monitor sets auto VMs' targets, then the monitor's state and counters.\n"
	"'set' changes keys and shows the result: high, soft, hard, low, step and\n"
	"min_change as a percentage of RAM (6%, 0.25%) or basis points (600bp);\n"
	"hard_step_mult, low_step_mult, unresponsive_steps as numbers; interval\n"
	"in ms or with a unit (250ms, 2s); enabled=on|off. A bad key or value, or\n"
	"a policy the kernel would refuse (0 < low < hard < soft < high <= 50%),\n"
	"exits with 1 and sets nothing. Needs CAP_SYS_ADMIN.",
	.run = policy_run,
};
