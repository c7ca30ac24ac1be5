// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm-ctl stats VM [--json] [--watch SECONDS] [--count N]: a VM's
 * balloon and double-paging counters, once or every SECONDS.
 */
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include "ctl.h"
#include "device.h"
#include "reports.h"
#include "units.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig __attribute__((unused)))
{
	stop = 1;
}

static int stats_run(const struct ctl_ctx *ctx, int argc, char **argv)
{
	struct stats_sample cur = { 0 }, prev;
	struct minivmm_admin_vm_stats st;
	unsigned int id, watch_ms = 0, count = 0;
	const char *vm = NULL;
	char err[CTL_ERR_LEN];
	bool json = false;
	int i, fd, api, code;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			ctl_print_command_help(stdout, &cmd_stats);
			return CTL_EXIT_OK;
		} else if (!strcmp(argv[i], "--watch") && i + 1 < argc) {
			const char *w = argv[++i];
			char s[32];

			/* Seconds by default; "500ms" works too. */
			snprintf(s, sizeof(s), "%s%s", w,
				 strspn(w, "0123456789") == strlen(w) ? "s" : "");
			if (parse_ms(s, &watch_ms, err, sizeof(err)) || !watch_ms)
				return ctl_usage_error("stats: --watch: %s",
						       watch_ms ? err : "must be > 0");
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			if (parse_u32(argv[++i], &count, err, sizeof(err)) ||
			    !count)
				return ctl_usage_error("stats: --count: %s",
						       count ? err : "must be > 0");
		} else if (!vm && argv[i][0] != '-') {
			vm = argv[i];
		} else {
			return ctl_usage_error("stats: unknown argument '%s'",
					       argv[i]);
		}
	}
	code = ctl_parse_vm("stats", vm, &id);
	if (code != CTL_EXIT_OK)
		return code;
	if (!watch_ms && count > 1)
		watch_ms = 1000;
	code = ctl_device_open(ctx, &fd, &api);
	if (code != CTL_EXIT_OK)
		return code;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (cur.seq = 1; !stop; cur.seq++) {
		code = ctl_vm_stats(fd, id, &st);
		if (code != CTL_EXIT_OK)
			break;
		cur.vm_id = id;
		cur.time_ns = ctl_now_ns();
		cur.p = st.paging;
		if (json)
			stats_json(stdout, &cur, cur.seq > 1 ? &prev : NULL,
				   watch_ms != 0);
		else
			stats_text(stdout, &cur, cur.seq > 1 ? &prev : NULL);
		fflush(stdout);
		prev = cur;
		if (!watch_ms || (count && cur.seq >= count))
			break;
		usleep(watch_ms * 1000U);
	}
	close(fd);
	return code;
}

const struct ctl_cmd cmd_stats = {
	.name = "stats",
	.args = "VM [--json] [--watch SECONDS] [--count N]",
	.summary = "a VM's balloon and double-paging counters, once or watched",
	.help =
	"Counters in 4 KiB pages since the VM was created: host swap-in faults,\n"
	"double paging (guest disk writes of pages in host swap), stale swap\n"
	"reads (guest disk reads into them), pages ballooned while in host swap\n"
	"and the swap-ins that saved, the guest's own swap-ins/outs, and pages in\n"
	"host swap and in the balloon now. --watch SECONDS repeats until\n"
	"interrupted (or --count N samples), with the change since the previous\n"
	"sample; with --json one object per line. Needs CAP_SYS_ADMIN.",
	.run = stats_run,
};
