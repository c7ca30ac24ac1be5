// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm-ctl list [--json]: every VM of the host, and the monitor.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ctl.h"
#include "device.h"
#include "reports.h"

/* Fills *@vms (malloc'ed) and *@n; an exit code. */
static int get_list(int fd, struct minivmm_vm_info **vms, size_t *n)
{
	struct minivmm_vm_list l;
	int code, tries;

	*vms = NULL;
	*n = 0;
	for (tries = 0; tries < 8; tries++) {
		memset(&l, 0, sizeof(l));
		code = ctl_admin(fd, MINIVMM_ADMIN_LIST_VMS, &l,
				 "MINIVMM_ADMIN_LIST_VMS", 0);
		if (code != CTL_EXIT_OK)
			return code;
		free(*vms);
		l.capacity = l.nr_vms + 4;	/* room for VMs created meanwhile */
		*vms = calloc(l.capacity, sizeof(**vms));
		if (!*vms)
			return CTL_EXIT_FAILURE;
		l.vms = (unsigned long)*vms;
		code = ctl_admin(fd, MINIVMM_ADMIN_LIST_VMS, &l,
				 "MINIVMM_ADMIN_LIST_VMS", 0);
		if (code != CTL_EXIT_OK)
			return code;
		if (l.nr_vms <= l.capacity) {
			size_t i, k = 0;

			/* VMs gone between the two calls come back zeroed. */
			for (i = 0; i < l.nr_vms; i++)
				if ((*vms)[i].vm_id)
					(*vms)[k++] = (*vms)[i];
			*n = k;
			return CTL_EXIT_OK;
		}
	}
	return CTL_EXIT_FAILURE;
}

static int list_run(const struct ctl_ctx *ctx, int argc, char **argv)
{
	struct minivmm_monitor_status mon;
	struct minivmm_vm_info *vms;
	struct minivmm_policy pol;
	bool json = false;
	int i, fd, api, code;
	size_t n;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			ctl_print_command_help(stdout, &cmd_list);
			return CTL_EXIT_OK;
		} else {
			return ctl_usage_error("list: unknown argument '%s'",
					       argv[i]);
		}
	}
	code = ctl_device_open(ctx, &fd, &api);
	if (code != CTL_EXIT_OK)
		return code;
	code = get_list(fd, &vms, &n);
	if (code == CTL_EXIT_OK)
		code = ctl_admin(fd, MINIVMM_ADMIN_GET_MONITOR, &mon,
				 "MINIVMM_ADMIN_GET_MONITOR", 0);
	if (code == CTL_EXIT_OK)
		code = ctl_admin(fd, MINIVMM_ADMIN_GET_POLICY, &pol,
				 "MINIVMM_ADMIN_GET_POLICY", 0);
	close(fd);
	if (code == CTL_EXIT_OK) {
		if (json)
			list_json(stdout, vms, n, &mon, &pol);
		else
			list_text(stdout, vms, n, &mon, &pol);
	}
	free(vms);
	if (code != CTL_EXIT_OK)
		return code;
	return fflush(stdout) ? CTL_EXIT_FAILURE : CTL_EXIT_OK;
}

const struct ctl_cmd cmd_list = {
	.name = "list",
	.args = "[--json]",
	.summary = "list the host's VMs and the memory monitor's state",
	.help =
	"One row per VM: id, owner pid and command, RAM, vCPUs, balloon target\n"
	"and actual size, balloon mode (manual/auto; '!' marks a VM whose balloon\n"
	"does not follow its target), then the host memory state. Needs\n"
	"CAP_SYS_ADMIN. --json: {\"vms\": [...], \"monitor\": {...}, \"policy\": {...}}.",
	.run = list_run,
};
