// SPDX-License-Identifier: GPL-2.0
/*
 * ovc_demo: the main job of `make demo`. Runs several overcommit VMs (one
 * process each, selftests/ovc/) whose memory adds up to more than the host
 * can hold, starts a memory hog on the host part way and stops it later,
 * and prints a timeline every second: host available memory, each VM's
 * balloon target and size, and what host paging cost the guests (host
 * swap-in faults, double paging, stale swap reads, pages ballooned while
 * swapped). It does this twice, with the memory-pressure monitor
 * ballooning the VMs (auto mode) and with ballooning off (host swapping
 * only), and ends with a side-by-side table.
 *
 * usage: ovc_demo [--vms N] [--ram MIB] [--wss MIB] [--hog MIB]
 *                 [--run-ms MS] [--hog-start-ms MS] [--hog-stop-ms MS]
 *                 [--tick-ms MS] [--interval-ms MS] [--chunk OPS]
 *                 [--pace-ms MS] [--only on|off]
 * Guests do CHUNK workload operations, then halt for PACE ms (--pace-ms 0:
 * flat out). Times are the test host's: an emulated host (Bochs) takes a
 * minute or more of wall time per emulated second, more the busier its
 * guests, so the defaults are short and paced: 3 VMs of 32 MiB RAM with an
 * 8 MiB working set, 128 operations every 50 ms, 3 s per run, the hog
 * from 0.75 s to 2 s, a timeline line every 250 ms, policy interval
 * 100 ms, watermarks high 48, soft 36, hard 24, low 12 MiB. The hog (--hog 0, the default) is
 * what the host has left once the VMs booted, plus 40 MiB; the second run
 * uses the same size.
 * Must run as root in a host with swap. Exit status 0 when both runs
 * completed with no corrupted guest page.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "minivmm_util.h"
#include "ovc_guest.h"

#define MIB		(1ULL << 20)
#define MIB_PAGES	(MIB / MVM_PAGE_SIZE)
#define MAX_VMS		8
#define ULL(x)		((unsigned long long)(x))

struct opts {
	unsigned int vms;
	unsigned int ram_mib;
	unsigned int wss_mib;
	unsigned int hog_mib;
	unsigned int run_ms;
	unsigned int hog_start_ms;
	unsigned int hog_stop_ms;
	unsigned int tick_ms;
	unsigned int interval_ms;
	unsigned int chunk;
	unsigned int pace_ms;
	int only;		/* -1 both, 1 on, 0 off */
};

/* What one run measured. */
struct result {
	int ran;
	uint64_t pswpin, pswpout;
	uint64_t swapin_faults, double_paging, stale_reads;
	uint64_t ballooned_swapped, swapins_saved;
	uint64_t guest_swap_in, guest_swap_out;
	uint64_t ops, corrupt;
	double secs;
	uint64_t min_avail_pages;
	uint64_t max_balloon_pages;
	uint64_t inflate_pages, deflate_pages;
	int failed;
};

static int dev_fd = -1;
static struct minivmm_policy saved_policy;
static int policy_saved;

static void restore_policy(void)
{
	if (policy_saved)
		ovc_admin_set_policy(dev_fd, &saved_policy);
}

static void on_signal(int sig)
{
	restore_policy();
	signal(sig, SIG_DFL);
	raise(sig);
}

static double now_s(void)
{
	return mvm_now_ns() / 1e9;
}

/* The hog: allocates @mib MiB, 8 MiB every 20 ms, and keeps it in use. */
static pid_t start_hog(unsigned int mib)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	{
		size_t size = (size_t)mib * MIB, done = 0, end, i;
		uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(1);
		madvise(p, size, MADV_NOHUGEPAGE);
		for (;;) {
			if (done < size) {
				end = done + 8 * MIB < size ? done + 8 * MIB : size;
				for (; done < end; done += 4096)
					p[done] = 1;
			} else {
				/* Keep it in use: the host has to keep it. */
				for (i = 0; i < size; i += 4096)
					p[i]++;
			}
			usleep(done < size ? 20000 : 250000);
		}
	}
}

static uint32_t bp_of_mib(uint64_t mib, uint64_t total_pages)
{
	return mib * MIB_PAGES * 10000 / total_pages + 1;
}

/*
 * Watermarks for a small demo host, in MiB rather than the default shares
 * of host RAM (6 % of a 300 MiB host is less than the kernel's own
 * reclaim watermarks).
 */
static int set_policy(unsigned int interval_ms, int enabled, uint64_t total)
{
	struct minivmm_policy p = saved_policy;

	p.interval_ms = interval_ms;
	p.enabled = enabled;
	p.high_bp = bp_of_mib(48, total);
	p.soft_bp = bp_of_mib(36, total);
	p.hard_bp = bp_of_mib(24, total);
	p.low_bp = bp_of_mib(12, total);
	if (p.high_bp > 5000) {
		p.high_bp = 5000;
		p.soft_bp = 4000;
		p.hard_bp = 3000;
		p.low_bp = 2000;
	}
	return ovc_admin_set_policy(dev_fd, &p);
}

static void print_header(unsigned int n)
{
	unsigned int i;

	printf("    t state  avail  hog |");
	for (i = 0; i < n; i++)
		printf("  vm%-2u tgt/act", i + 1);
	printf(" | swapin-flt dbl-page stale-rd bal-swp | g-swpin g-swpout |   ops/s\n");
}

static int run(struct opts *o, int on, struct result *res)
{
	struct ovc_config cfg = {
		.ram_bytes = (uint64_t)o->ram_mib * MIB,
		.wss_pages = o->wss_mib * MIB_PAGES,
		.touch_all = 1,
		.balloon = OVC_BALLOON_DRIVER,
		.stats_interval_ms = 100,
		.disk_pageout = 1,
		.ops_per_chunk = o->chunk,
		.pace_ms = o->pace_ms,
		.flat_out = !o->pace_ms,
	};
	struct minivmm_admin_vm_stats st[MAX_VMS];
	struct minivmm_monitor_status mon;
	struct ovc_slot *slots;
	int id[MAX_VMS], r, status;
	uint64_t sin0, sout0, ops_prev = 0, total;
	double t0, tprev, t, next;
	pid_t hog = 0;
	unsigned int i, tick = 0;
	int hog_started = 0;

	memset(res, 0, sizeof(*res));
	res->min_avail_pages = ~0ULL;
	if (ovc_admin_monitor(dev_fd, &mon))
		return -errno;
	total = mon.host_total_pages;
	r = set_policy(o->interval_ms, on, total);
	if (r) {
		fprintf(stderr, "ovc_demo: SET_POLICY: %s\n", strerror(-r));
		return r;
	}
	slots = ovc_slots_alloc(o->vms);
	if (!slots)
		return -errno;
	printf("\n=== ballooning %s: %u VMs x %u MiB RAM (working set %u MiB each), host %llu MiB, %llu MiB available\n",
	       on ? "ON (auto mode, monitor enabled)" : "OFF (monitor disabled, host swapping only)",
	       o->vms, o->ram_mib, o->wss_mib, ULL(total / MIB_PAGES),
	       ULL(ovc_meminfo_kb("MemAvailable") / 1024));
	sin0 = ovc_vmstat("pswpin");
	sout0 = ovc_vmstat("pswpout");
	for (i = 0; i < o->vms; i++) {
		cfg.seed = i + 1;
		if (ovc_spawn(&cfg, &slots[i]) < 0) {
			perror("ovc_demo: fork");
			res->failed = 1;
			goto stop;
		}
	}
	for (i = 0; i < o->vms; i++) {
		double end = now_s() + 300;

		while (!slots[i].c.ticks && slots[i].state <= OVC_RUNNING &&
		       now_s() < end)
			usleep(20000);
		if (slots[i].state != OVC_RUNNING || !slots[i].c.ticks) {
			fprintf(stderr, "ovc_demo: vm%u did not start: %s\n", i + 1,
				slots[i].err);
			res->failed = 1;
			goto stop;
		}
		id[i] = ovc_find_vm_id(dev_fd, slots[i].pid);
		if (id[i] <= 0) {
			fprintf(stderr, "ovc_demo: vm%u: no id: %s\n", i + 1,
				strerror(-id[i]));
			res->failed = 1;
			goto stop;
		}
		if (on) {
			r = ovc_admin_set_balloon(dev_fd, id[i], MINIVMM_BALLOON_SET_MODE,
						  MINIVMM_BALLOON_AUTO, 0, 0, 0);
			if (r) {
				fprintf(stderr, "ovc_demo: SET_VM_BALLOON auto: %s\n",
					strerror(-r));
				res->failed = 1;
				goto stop;
			}
		}
	}
	/* Auto hog: what the host has left after the VMs, and 40 MiB more. */
	if (!o->hog_mib)
		o->hog_mib = ovc_meminfo_kb("MemAvailable") / 1024 + 40;
	printf("VMs booted (every guest page touched once), minivmm ids");
	for (i = 0; i < o->vms; i++)
		printf(" %d", id[i]);
	printf("; %llu MiB available; a %u MiB memory hog runs from t=%.2f s to t=%.2f s\n",
	       ULL(ovc_meminfo_kb("MemAvailable") / 1024), o->hog_mib,
	       o->hog_start_ms / 1000.0, o->hog_stop_ms / 1000.0);
	print_header(o->vms);

	t0 = tprev = now_s();
	for (i = 0; i < o->vms; i++)
		ops_prev += slots[i].c.ops;
	for (next = t0 + o->tick_ms / 1000.0;; next += o->tick_ms / 1000.0) {
		uint64_t sf = 0, dp = 0, sr = 0, bs = 0, gi = 0, go = 0, ops = 0;

		while ((t = now_s()) < next)
			usleep((next - t) * 1e6 + 1000);
		tick++;
		if (tick * o->tick_ms >= o->hog_start_ms && !hog_started &&
		    o->hog_mib) {
			hog = start_hog(o->hog_mib);
			hog_started = 1;
		}
		if (tick * o->tick_ms >= o->hog_stop_ms && hog > 0) {
			kill(hog, SIGKILL);
			waitpid(hog, NULL, 0);
			hog = 0;
		}
		if (ovc_admin_monitor(dev_fd, &mon))
			break;
		if (mon.host_avail_pages < res->min_avail_pages)
			res->min_avail_pages = mon.host_avail_pages;
		printf("%5.2f %-5s %4llu M %3s |", tick * o->tick_ms / 1000.0,
		       ovc_state_name(mon.state),
		       ULL(ovc_meminfo_kb("MemAvailable") / 1024), hog ? "on" : "-");
		for (i = 0; i < o->vms; i++) {
			if (ovc_admin_vm_stats(dev_fd, id[i], &st[i])) {
				printf(" %14s", "gone");
				res->failed = 1;
				continue;
			}
			printf("  %5.1f/%5.1f M",
			       st[i].info.target_pages / 256.0,
			       st[i].info.actual_pages / 256.0);
			if (st[i].info.actual_pages > res->max_balloon_pages)
				res->max_balloon_pages = st[i].info.actual_pages;
			sf += st[i].paging.host_swapin_faults;
			dp += st[i].paging.double_paging_pages;
			sr += st[i].paging.stale_swap_read_pages;
			bs += st[i].paging.ballooned_swapped_pages;
			gi += slots[i].c.swap_in;
			go += slots[i].c.swap_out;
			ops += slots[i].c.ops;
		}
		printf(" | %10llu %8llu %8llu %7llu | %7llu %8llu | %7.0f\n",
		       ULL(sf), ULL(dp), ULL(sr), ULL(bs), ULL(gi), ULL(go),
		       (ops - ops_prev) / (t - tprev));
		fflush(stdout);
		ops_prev = ops;
		tprev = t;
		if (tick * o->tick_ms >= o->run_ms || res->failed)
			break;
	}
	res->secs = now_s() - t0;
	/* Final figures, while the VMs still exist. */
	for (i = 0; i < o->vms; i++) {
		if (ovc_admin_vm_stats(dev_fd, id[i], &st[i]))
			continue;
		res->swapin_faults += st[i].paging.host_swapin_faults;
		res->double_paging += st[i].paging.double_paging_pages;
		res->stale_reads += st[i].paging.stale_swap_read_pages;
		res->ballooned_swapped += st[i].paging.ballooned_swapped_pages;
		res->swapins_saved += st[i].paging.swapins_saved;
	}
	res->inflate_pages = mon.inflate_pages;
	res->deflate_pages = mon.deflate_pages;
	res->ran = 1;
stop:
	if (hog > 0) {
		kill(hog, SIGKILL);
		waitpid(hog, NULL, 0);
	}
	for (i = 0; i < o->vms; i++)
		slots[i].stop = 1;
	for (i = 0; i < o->vms; i++) {
		if (slots[i].pid <= 0 || waitpid(slots[i].pid, &status, 0) < 0)
			continue;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "ovc_demo: vm%u: %s (status 0x%x)\n", i + 1,
				slots[i].err[0] ? slots[i].err : "failed", status);
			res->failed = 1;
		}
		res->ops += slots[i].c.ops;
		res->corrupt += slots[i].c.corrupt;
		res->guest_swap_in += slots[i].c.swap_in;
		res->guest_swap_out += slots[i].c.swap_out;
	}
	res->pswpin = ovc_vmstat("pswpin") - sin0;
	res->pswpout = ovc_vmstat("pswpout") - sout0;
	munmap(slots, o->vms * sizeof(*slots));
	return 0;
}

static void row(const char *name, const struct result *r, uint64_t on,
		uint64_t off)
{
	char a[32] = "-", b[32] = "-";

	if (r[1].ran)
		snprintf(a, sizeof(a), "%llu", ULL(on));
	if (r[0].ran)
		snprintf(b, sizeof(b), "%llu", ULL(off));
	printf("%-34s %16s %16s\n", name, a, b);
}

static void usage(void)
{
	fprintf(stderr, "usage: ovc_demo [--vms N] [--ram MIB] [--wss MIB] [--hog MIB]\n"
		"                [--run-ms MS] [--hog-start-ms MS] [--hog-stop-ms MS]\n"
		"                [--tick-ms MS] [--interval-ms MS] [--chunk OPS]\n"
		"                [--pace-ms MS] [--only on|off]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "vms", 1, NULL, 'n' }, { "ram", 1, NULL, 'r' },
		{ "wss", 1, NULL, 'w' }, { "hog", 1, NULL, 'h' },
		{ "run-ms", 1, NULL, 's' }, { "hog-start-ms", 1, NULL, 'a' },
		{ "hog-stop-ms", 1, NULL, 'b' }, { "interval-ms", 1, NULL, 'i' },
		{ "tick-ms", 1, NULL, 't' },
		{ "only", 1, NULL, 'o' }, { "chunk", 1, NULL, 'c' },
		{ "pace-ms", 1, NULL, 'p' }, { NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.vms = 3, .ram_mib = 32, .wss_mib = 8, .hog_mib = 0,
		.run_ms = 3000, .hog_start_ms = 750, .hog_stop_ms = 2000,
		.tick_ms = 250, .interval_ms = 100, .chunk = 128, .pace_ms = 50,
		.only = -1,
	};
	struct result res[2];
	int c, failed = 0;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		unsigned long v;
		char *end;

		if (c == '?' || c == ':')
			usage();
		if (c == 'o') {
			if (!strcmp(optarg, "on"))
				o.only = 1;
			else if (!strcmp(optarg, "off"))
				o.only = 0;
			else
				usage();
			continue;
		}
		errno = 0;
		v = strtoul(optarg, &end, 10);
		if (errno || *end || end == optarg || v > 100000) {
			fprintf(stderr, "ovc_demo: bad number '%s'\n", optarg);
			usage();
		}
		switch (c) {
		case 'n':
			o.vms = v;
			break;
		case 'r':
			o.ram_mib = v;
			break;
		case 'w':
			o.wss_mib = v;
			break;
		case 'h':
			o.hog_mib = v;
			break;
		case 's':
			o.run_ms = v;
			break;
		case 'a':
			o.hog_start_ms = v;
			break;
		case 'b':
			o.hog_stop_ms = v;
			break;
		case 't':
			o.tick_ms = v;
			break;
		case 'i':
			o.interval_ms = v;
			break;
		case 'c':
			o.chunk = v;
			break;
		case 'p':
			o.pace_ms = v;
			break;
		}
	}
	if (!o.vms || o.vms > MAX_VMS || !o.ram_mib ||
	    o.ram_mib * MIB_PAGES > OVC_MAX_RAM_PAGES ||
	    o.wss_mib * MIB_PAGES > OVC_MAX_WSS_PAGES || !o.run_ms || !o.tick_ms ||
	    o.interval_ms < 100 || o.interval_ms > 60000 || !o.chunk ||
	    o.pace_ms > 10000) {
		fprintf(stderr, "ovc_demo: --vms 1..%d, --ram 1..%u, --wss up to %u, --run-ms and --tick-ms >= 1, --interval-ms 100..60000, --chunk >= 1, --pace-ms 0..10000\n",
			MAX_VMS, OVC_MAX_RAM_PAGES / 256, OVC_MAX_WSS_PAGES / 256);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	dev_fd = mvm_open_dev();
	if (dev_fd < 0) {
		fprintf(stderr, "ovc_demo: /dev/minivmm: %s (is minivmm loaded?)\n",
			strerror(errno));
		return 1;
	}
	if (ovc_admin_get_policy(dev_fd, &saved_policy)) {
		fprintf(stderr, "ovc_demo: ADMIN_GET_POLICY: %s (needs CAP_SYS_ADMIN)\n",
			strerror(errno));
		return 1;
	}
	policy_saved = 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!ovc_meminfo_kb("SwapTotal"))
		printf("ovc_demo: warning: the host has no swap\n");

	memset(res, 0, sizeof(res));
	if (o.only != 0 && run(&o, 1, &res[1]))
		failed = 1;
	if (o.only != 1 && run(&o, 0, &res[0]))
		failed = 1;
	restore_policy();

	printf("\n=== ballooning on vs off (%u VMs x %u MiB, working set %u MiB each, hog %u MiB)\n",
	       o.vms, o.ram_mib, o.wss_mib, o.hog_mib);
	printf("%-34s %16s %16s\n", "", "ballooning on", "ballooning off");
	row("host pswpin (pages, /proc/vmstat)", res, res[1].pswpin, res[0].pswpin);
	row("host pswpout (pages)", res, res[1].pswpout, res[0].pswpout);
	row("guest host-swap-in faults", res, res[1].swapin_faults, res[0].swapin_faults);
	row("double paging (pages)", res, res[1].double_paging, res[0].double_paging);
	row("stale swap reads (pages)", res, res[1].stale_reads, res[0].stale_reads);
	row("ballooned while swapped (pages)", res, res[1].ballooned_swapped, res[0].ballooned_swapped);
	row("swap-ins saved by ballooning", res, res[1].swapins_saved, res[0].swapins_saved);
	row("guest swap-ins (own disk, pages)", res, res[1].guest_swap_in, res[0].guest_swap_in);
	row("guest swap-outs (pages)", res, res[1].guest_swap_out, res[0].guest_swap_out);
	row("largest balloon (pages)", res, res[1].max_balloon_pages, res[0].max_balloon_pages);
	row("lowest host available (MiB)", res,
	    res[1].min_avail_pages / MIB_PAGES, res[0].min_avail_pages / MIB_PAGES);
	row("workload ops/s (all guests)", res,
	    res[1].secs > 0 ? res[1].ops / res[1].secs : 0,
	    res[0].secs > 0 ? res[0].ops / res[0].secs : 0);
	row("corrupted pages (must be 0)", res, res[1].corrupt, res[0].corrupt);
	printf("(host pswpin/pswpout include the guests' virtual disks, whose contents the\n"
	       " VMM keeps in host swap; the other rows count guest RAM only)\n");
	if (res[0].failed || res[1].failed || res[0].corrupt || res[1].corrupt ||
	    (o.only != 0 && !res[1].ran) || (o.only != 1 && !res[0].ran))
		failed = 1;
	printf("ovc_demo: %s\n", failed ? "FAILED" : "done");
	return failed;
}
