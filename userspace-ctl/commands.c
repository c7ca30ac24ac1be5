// SPDX-License-Identifier: GPL-2.0
/*
 * The command table of minivmm-ctl: add a command group here.
 */
#include <string.h>
#include "ctl.h"

const struct ctl_cmd *const ctl_commands[] = {
	&cmd_list,
	&cmd_show,
	&cmd_balloon,
	&cmd_policy,
	&cmd_stats,
	&cmd_caps,
	&cmd_help,
	NULL,
};

const struct ctl_cmd *ctl_find_command(const char *name)
{
	int i;

	for (i = 0; ctl_commands[i]; i++)
		if (!strcmp(ctl_commands[i]->name, name))
			return ctl_commands[i];
	return NULL;
}
