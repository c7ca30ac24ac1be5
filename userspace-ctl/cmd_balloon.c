// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm-ctl balloon VM SIZE|auto|manual [--floor SIZE] [--ceiling SIZE]:
 * set a VM's balloon target (manual mode), or its mode, floor, ceiling.
 */
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include "ctl.h"
#include "device.h"
#include "diag.h"
#include "units.h"

/* @s as pages of a VM of @mem bytes; CTL_EXIT_OK or a usage error. */
static int size_pages(const char *what, const char *s, unsigned long long mem,
		      unsigned long long *pages, bool *rounded)
{
	char err[CTL_ERR_LEN];
	struct size_arg a;

	if (parse_size(s, &a, err, sizeof(err)))
		return ctl_usage_error("balloon: %s: %s", what, err);
	if (size_to_pages(&a, mem, pages, rounded))
		return ctl_usage_error("balloon: %s '%s' is too large", what, s);
	return CTL_EXIT_OK;
}

static int range_error(const char *what, unsigned long long pages,
		       unsigned int id, unsigned long long mem)
{
	char msg[512];
	int code = diag_range_error(what, pages, id, mem, msg, sizeof(msg));

	ctl_err("%s", msg);
	return code;
}

static int balloon_run(const struct ctl_ctx *ctx, int argc, char **argv)
{
	const char *vm = NULL, *what = NULL, *floor = NULL, *ceiling = NULL;
	struct minivmm_vm_balloon_ctl c = { 0 };
	struct minivmm_admin_vm_stats st;
	unsigned long long pages, mem;
	char b[CTL_BYTES_LEN];
	bool rounded = false;
	unsigned int id;
	int i, fd, api, code;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			ctl_print_command_help(stdout, &cmd_balloon);
			return CTL_EXIT_OK;
		} else if (!strcmp(argv[i], "--floor") && i + 1 < argc) {
			floor = argv[++i];
		} else if (!strcmp(argv[i], "--ceiling") && i + 1 < argc) {
			ceiling = argv[++i];
		} else if (!vm && argv[i][0] != '-') {
			vm = argv[i];
		} else if (!what && argv[i][0] != '-') {
			what = argv[i];
		} else {
			return ctl_usage_error("balloon: unknown argument '%s'",
					       argv[i]);
		}
	}
	code = ctl_parse_vm("balloon", vm, &id);
	if (code != CTL_EXIT_OK)
		return code;
	if (!what && !floor && !ceiling)
		return ctl_usage_error("balloon: give a SIZE, auto, manual, --floor or --ceiling");
	/* Syntax first: a bad size is a usage error even without the module. */
	{
		const char *args[3] = { what, floor, ceiling };
		char err[CTL_ERR_LEN];
		struct size_arg a;

		for (i = 0; i < 3; i++)
			if (args[i] && strcmp(args[i], "auto") &&
			    strcmp(args[i], "manual") &&
			    parse_size(args[i], &a, err, sizeof(err)))
				return ctl_usage_error("balloon: %s", err);
	}
	code = ctl_device_open(ctx, &fd, &api);
	if (code != CTL_EXIT_OK)
		return code;
	code = ctl_vm_stats(fd, id, &st);
	if (code != CTL_EXIT_OK)
		goto out;
	mem = st.info.mem_bytes;
	c.vm_id = id;
	if (what && !strcmp(what, "auto")) {
		c.flags |= MINIVMM_BALLOON_SET_MODE;
		c.mode = MINIVMM_BALLOON_AUTO;
	} else if (what && !strcmp(what, "manual")) {
		c.flags |= MINIVMM_BALLOON_SET_MODE;
		c.mode = MINIVMM_BALLOON_MANUAL;
	} else if (what) {
		code = size_pages("size", what, mem, &pages, &rounded);
		if (code != CTL_EXIT_OK)
			goto out;
		if (pages > mem / CTL_PAGE_SIZE || pages > 0xffffffffULL) {
			code = range_error("balloon target", pages, id, mem);
			goto out;
		}
		c.flags |= MINIVMM_BALLOON_SET_TARGET;
		c.target_pages = pages;
		if (rounded)
			fprintf(stderr, CTL_NAME ": balloon: %s rounded to %llu pages (%s)\n",
				what, pages, fmt_pages(pages, b, sizeof(b)));
	}
	if (floor) {
		code = size_pages("--floor", floor, mem, &pages, &rounded);
		if (code != CTL_EXIT_OK)
			goto out;
		if (pages > mem / CTL_PAGE_SIZE) {
			code = range_error("balloon floor", pages, id, mem);
			goto out;
		}
		c.flags |= MINIVMM_BALLOON_SET_FLOOR;
		c.floor_pages = pages;
	}
	if (ceiling) {
		code = size_pages("--ceiling", ceiling, mem, &pages, &rounded);
		if (code != CTL_EXIT_OK)
			goto out;
		if (pages > mem / CTL_PAGE_SIZE) {
			code = range_error("balloon ceiling", pages, id, mem);
			goto out;
		}
		c.flags |= MINIVMM_BALLOON_SET_CEILING;
		c.ceiling_pages = pages;
	}
	code = ctl_admin(fd, MINIVMM_ADMIN_SET_VM_BALLOON, &c,
			 "MINIVMM_ADMIN_SET_VM_BALLOON", id);
	if (code == CTL_EXIT_OK && (c.flags & MINIVMM_BALLOON_SET_TARGET))
		printf("VM %u: balloon target %s (%u pages), manual\n", id,
		       fmt_pages(c.target_pages, b, sizeof(b)), c.target_pages);
	else if (code == CTL_EXIT_OK && (c.flags & MINIVMM_BALLOON_SET_MODE))
		printf("VM %u: balloon mode %s\n", id, what);
out:
	close(fd);
	return code;
}

const struct ctl_cmd cmd_balloon = {
	.name = "balloon",
	.args = "VM SIZE|auto|manual [--floor SIZE] [--ceiling SIZE]",
	.summary = "set a VM's balloon target, mode, floor or ceiling",
	.help =
	"SIZE is memory to take from the guest: bytes, or with K, M, G, T\n"
	"(powers of 1024, decimals allowed: 1.5G), or a percentage of the VM's\n"
	"RAM (25%); it is rounded to 4 KiB pages. Setting a size puts the VM in\n"
	"manual mode; 'auto' hands it to the memory-pressure monitor, 'manual'\n"
	"takes it back (keeping the current target). --floor: RAM the monitor\n"
	"always leaves the guest; --ceiling: the monitor's largest balloon.\n"
	"A size above the VM's RAM exits with 8. Needs CAP_SYS_ADMIN.",
	.run = balloon_run,
};
