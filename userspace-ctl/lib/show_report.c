// SPDX-License-Identifier: GPL-2.0
/*
 * "minivmm-ctl show VM": one VM's information, memory, balloon and paging
 * statistics, as text or JSON (see reports.h).
 */
#include <stdio.h>
#include "balloon_names.h"
#include "reports.h"
#include "units.h"

/* The paging counters, in the order both outputs list them. */
#define PAGING_FIELDS(X)						\
	X(host_swapin_faults, "host swap-in faults")			\
	X(double_paging_pages, "double paging")				\
	X(stale_swap_read_pages, "stale swap reads")			\
	X(ballooned_swapped_pages, "ballooned while swapped")		\
	X(swapins_saved, "swap-ins saved")				\
	X(dma_reports, "DMA reports")					\
	X(dma_pages, "DMA pages")					\
	X(host_swapped_pages, "host-swapped pages now")			\
	X(host_resident_pages, "resident pages now")			\
	X(balloon_pages, "balloon pages now")

void paging_text(FILE *f, const struct minivmm_paging_stats *p)
{
#define X(field, label) fprintf(f, "  %-26s %llu\n", label ":",	\
				(unsigned long long)p->field);
	PAGING_FIELDS(X)
#undef X
	if (p->guest_stats_valid & 1)
		fprintf(f, "  %-26s %llu pages\n", "guest swap-ins:",
			(unsigned long long)p->guest_swap_in);
	else
		fprintf(f, "  %-26s -\n", "guest swap-ins:");
	if (p->guest_stats_valid & 2)
		fprintf(f, "  %-26s %llu pages\n", "guest swap-outs:",
			(unsigned long long)p->guest_swap_out);
	else
		fprintf(f, "  %-26s -\n", "guest swap-outs:");
}

void paging_obj_json(struct json_writer *w, const char *key,
		     const struct minivmm_paging_stats *p)
{
	jw_object_begin(w, key);
#define X(field, label) jw_u64(w, #field, p->field);
	PAGING_FIELDS(X)
#undef X
	if (p->guest_stats_valid & 1)
		jw_u64(w, "guest_swap_in_pages", p->guest_swap_in);
	else
		jw_null(w, "guest_swap_in_pages");
	if (p->guest_stats_valid & 2)
		jw_u64(w, "guest_swap_out_pages", p->guest_swap_out);
	else
		jw_null(w, "guest_swap_out_pages");
	jw_object_end(w);
}

static void balloon_text(FILE *f, const struct minivmm_balloon_status *b)
{
	char t[CTL_BYTES_LEN], a[CTL_BYTES_LEN];
	unsigned int i;

	fprintf(f, "  %-26s %s (%u pages)\n", "target:",
		fmt_pages(b->target_pages, t, sizeof(t)), b->target_pages);
	fprintf(f, "  %-26s %s (%u pages)\n", "actual:",
		fmt_pages(b->actual_pages, a, sizeof(a)), b->actual_pages);
	fprintf(f, "  %-26s %llu / %llu pages\n", "inflated / deflated:",
		(unsigned long long)b->inflated_pages,
		(unsigned long long)b->deflated_pages);
	fprintf(f, "  %-26s %llu pages\n", "reported free:",
		(unsigned long long)b->reported_pages);
	fprintf(f, "  %-26s %s\n", "released:",
		fmt_bytes(b->released_bytes, t, sizeof(t)));
	fprintf(f, "  %-26s %llu invalid, %llu protocol errors%s\n",
		"refused:", (unsigned long long)b->invalid_requests,
		(unsigned long long)b->protocol_errors,
		b->needs_reset ? ", NEEDS RESET" : "");
	fprintf(f, "  %-26s %llu\n", "statistics updates:",
		(unsigned long long)b->stats_updates);
	for (i = 0; i < MINIVMM_BALLOON_NR_STATS; i++) {
		const struct balloon_stat_name *n = &balloon_stat_names[i];

		if (!(b->stats_valid & (1u << i)) || !n->name)
			continue;
		if (n->bytes)
			fprintf(f, "    %-24s %s\n", n->name,
				fmt_bytes(b->stats[i], t, sizeof(t)));
		else
			fprintf(f, "    %-24s %llu\n", n->name,
				(unsigned long long)b->stats[i]);
	}
}

static void balloon_obj_json(struct json_writer *w,
			     const struct minivmm_balloon_status *b)
{
	unsigned int i;

	jw_object_begin(w, "balloon");
	jw_u64(w, "target_pages", b->target_pages);
	jw_u64(w, "actual_pages", b->actual_pages);
	jw_u64(w, "balloon_pages", b->balloon_pages);
	jw_u64(w, "inflate_requests", b->inflate_requests);
	jw_u64(w, "deflate_requests", b->deflate_requests);
	jw_u64(w, "inflated_pages", b->inflated_pages);
	jw_u64(w, "deflated_pages", b->deflated_pages);
	jw_u64(w, "reported_pages", b->reported_pages);
	jw_u64(w, "released_bytes", b->released_bytes);
	jw_u64(w, "invalid_requests", b->invalid_requests);
	jw_u64(w, "protocol_errors", b->protocol_errors);
	jw_bool(w, "needs_reset", b->needs_reset);
	jw_u64(w, "stats_updates", b->stats_updates);
	jw_u64(w, "stats_timestamp_ns", b->stats_timestamp_ns);
	jw_object_begin(w, "guest_stats");
	for (i = 0; i < MINIVMM_BALLOON_NR_STATS; i++)
		if ((b->stats_valid & (1u << i)) && balloon_stat_names[i].key)
			jw_u64(w, balloon_stat_names[i].key, b->stats[i]);
	jw_object_end(w);
	jw_object_end(w);
}

void show_text(FILE *f, const struct minivmm_admin_vm_stats *s,
	       unsigned long long now_ns)
{
	const struct minivmm_vm_info *v = &s->info;
	char m[CTL_BYTES_LEN];

	fprintf(f, "VM %u: pid %u (%.16s), %s RAM, %u vCPU(s), up %llu s\n",
		v->vm_id, v->owner_pid, v->owner_comm,
		fmt_bytes(v->mem_bytes, m, sizeof(m)), v->nr_vcpus,
		now_ns > v->created_ns ?
		(now_ns - v->created_ns) / 1000000000ULL : 0ULL);
	fprintf(f, "Memory:\n");
	fprintf(f, "  %-26s %llu\n", "EPT violations:",
		(unsigned long long)s->mem.ept_violations);
	fprintf(f, "  %-26s %llu (%llu as 2 MiB)\n", "pages mapped in EPT:",
		(unsigned long long)s->mem.pages_mapped,
		(unsigned long long)s->mem.huge_mapped);
	fprintf(f, "  %-26s %s\n", "kernel memory:",
		fmt_bytes(s->mem.kernel_bytes, m, sizeof(m)));
	if (v->flags & MINIVMM_VM_HAS_BALLOON) {
		fprintf(f, "Balloon (%s%s, floor %s, ",
			balloon_mode_name(v->balloon_mode),
			(v->flags & MINIVMM_VM_UNRESPONSIVE) ?
			", UNRESPONSIVE" : "",
			fmt_pages(v->floor_pages, m, sizeof(m)));
		fprintf(f, "ceiling %s):\n",
			fmt_pages(v->ceiling_pages, m, sizeof(m)));
		balloon_text(f, &s->balloon);
	} else {
		fprintf(f, "Balloon: none\n");
	}
	fprintf(f, "Host paging:\n");
	paging_text(f, &s->paging);
}

void show_json(FILE *f, const struct minivmm_admin_vm_stats *s,
	       unsigned long long now_ns)
{
	struct json_writer w;

	jw_init(&w, f);
	jw_object_begin(&w, NULL);
	vm_info_json(&w, "info", &s->info);
	jw_object_begin(&w, "memory");
	jw_u64(&w, "ept_violations", s->mem.ept_violations);
	jw_u64(&w, "pages_mapped", s->mem.pages_mapped);
	jw_u64(&w, "huge_mapped", s->mem.huge_mapped);
	jw_u64(&w, "faults_major", s->mem.faults_major);
	jw_u64(&w, "faults_minor", s->mem.faults_minor);
	jw_u64(&w, "pages_zapped", s->mem.pages_zapped);
	jw_u64(&w, "young_cleared", s->mem.young_cleared);
	jw_u64(&w, "mmio_exits", s->mem.mmio_exits);
	jw_u64(&w, "ept_table_pages", s->mem.ept_table_pages);
	jw_u64(&w, "kernel_bytes", s->mem.kernel_bytes);
	jw_object_end(&w);
	if (s->info.flags & MINIVMM_VM_HAS_BALLOON)
		balloon_obj_json(&w, &s->balloon);
	else
		jw_null(&w, "balloon");
	paging_obj_json(&w, "paging", &s->paging);
	jw_u64(&w, "now_ns", now_ns);
	jw_object_end(&w);
	jw_finish(&w);
}
