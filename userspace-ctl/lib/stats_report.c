// SPDX-License-Identifier: GPL-2.0
/*
 * "minivmm-ctl stats VM": one sample of a VM's paging and balloon
 * counters, with the change since the previous sample (--watch).
 */
#include <stdio.h>
#include "reports.h"

#define STATS_FIELDS(X)						\
	X(host_swapin_faults, "host swap-in faults")		\
	X(double_paging_pages, "double paging")			\
	X(stale_swap_read_pages, "stale swap reads")		\
	X(ballooned_swapped_pages, "ballooned while swapped")	\
	X(swapins_saved, "swap-ins saved")			\
	X(host_swapped_pages, "host-swapped now")		\
	X(balloon_pages, "balloon now")

static long long delta(unsigned long long a, unsigned long long b)
{
	return (long long)(a - b);
}

void stats_text(FILE *f, const struct stats_sample *cur,
		const struct stats_sample *prev)
{
	const struct minivmm_paging_stats *p = &cur->p;

	fprintf(f, "VM %u sample %u (pages)\n", cur->vm_id, cur->seq);
#define X(field, label)							\
	do {								\
		fprintf(f, "  %-24s %12llu", label ":",			\
			(unsigned long long)p->field);			\
		if (prev)						\
			fprintf(f, "  %+lld", delta(p->field,		\
						     prev->p.field));	\
		fputc('\n', f);						\
	} while (0);
	STATS_FIELDS(X)
#undef X
	if (p->guest_stats_valid & 1)
		fprintf(f, "  %-24s %12llu\n", "guest swap-ins:",
			(unsigned long long)p->guest_swap_in);
	if (p->guest_stats_valid & 2)
		fprintf(f, "  %-24s %12llu\n", "guest swap-outs:",
			(unsigned long long)p->guest_swap_out);
}

void stats_json(FILE *f, const struct stats_sample *cur,
		const struct stats_sample *prev, bool compact)
{
	struct json_writer w;

	if (compact)
		jw_init_compact(&w, f);
	else
		jw_init(&w, f);
	jw_object_begin(&w, NULL);
	jw_u64(&w, "vm_id", cur->vm_id);
	jw_u64(&w, "seq", cur->seq);
	jw_u64(&w, "time_ns", cur->time_ns);
	paging_obj_json(&w, "paging", &cur->p);
	if (prev) {
		jw_object_begin(&w, "delta");
#define X(field, label) jw_s64(&w, #field, delta(cur->p.field, prev->p.field));
		STATS_FIELDS(X)
#undef X
		jw_u64(&w, "interval_ns", cur->time_ns - prev->time_ns);
		jw_object_end(&w);
	}
	jw_object_end(&w);
	jw_finish(&w);
}
