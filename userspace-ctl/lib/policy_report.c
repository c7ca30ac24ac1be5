// SPDX-License-Identifier: GPL-2.0
/*
 * "minivmm-ctl policy": the monitor's policy and status (see reports.h).
 */
#include "reports.h"
#include "table.h"
#include "units.h"

void monitor_line(FILE *f, const struct minivmm_monitor_status *mon,
		  const struct minivmm_policy *pol)
{
	char avail[CTL_BYTES_LEN], total[CTL_BYTES_LEN];

	fprintf(f, "Host memory %s: %s available of %s",
		host_state_name(mon->state),
		fmt_pages(mon->host_avail_pages, avail, sizeof(avail)),
		fmt_pages(mon->host_total_pages, total, sizeof(total)));
	if (pol)
		fprintf(f, "; monitor %s, every %u ms",
			pol->enabled ? "enabled" : "disabled (samples only)",
			pol->interval_ms);
	fputc('\n', f);
}

/* A watermark row: key, percentage, what it is, and what that is now. */
static void bp_row(struct table *t, const char *key, unsigned int bp,
		   const char *what, unsigned long long total_pages)
{
	char pct[16], sz[CTL_BYTES_LEN];

	table_row(t);
	table_cell(t, "%s", key);
	table_cell(t, "%s", fmt_bp(bp, pct, sizeof(pct)));
	if (total_pages)
		table_cell(t, "%s (%s here)", what,
			   fmt_pages(total_pages * bp / 10000, sz, sizeof(sz)));
	else
		table_cell(t, "%s", what);
}

static void row(struct table *t, const char *key, const char *value,
		const char *what)
{
	table_row(t);
	table_cell(t, "%s", key);
	table_cell(t, "%s", value);
	table_cell(t, "%s", what);
}

static void policy_table(FILE *f, const struct minivmm_policy *p,
			 unsigned long long host_pages)
{
	char v[32];
	struct table t;

	table_init(&t, 2);
	row(&t, "enabled", p->enabled ? "on" : "off",
	    "the monitor sets the targets of VMs in auto mode");
	snprintf(v, sizeof(v), "%u ms", p->interval_ms);
	row(&t, "interval", v, "sampling period");
	bp_row(&t, "high", p->high_bp, "high watermark, of host RAM",
	       host_pages);
	bp_row(&t, "soft", p->soft_bp, "soft: balloons inflate below it",
	       host_pages);
	bp_row(&t, "hard", p->hard_bp, "hard: bigger steps, down to floors",
	       host_pages);
	bp_row(&t, "low", p->low_bp, "low: bigger steps still", host_pages);
	bp_row(&t, "step", p->step_bp, "largest change per step, of a VM's RAM",
	       0);
	bp_row(&t, "min_change", p->min_change_bp,
	       "smaller changes are skipped", 0);
	snprintf(v, sizeof(v), "%u", p->hard_step_mult);
	row(&t, "hard_step_mult", v, "step multiplier under hard");
	snprintf(v, sizeof(v), "%u", p->low_step_mult);
	row(&t, "low_step_mult", v, "step multiplier under low");
	snprintf(v, sizeof(v), "%u", p->unresponsive_steps);
	row(&t, "unresponsive_steps", v,
	    "steps a balloon may ignore its target");
	table_print(&t, f);
	table_free(&t);
}

static void monitor_table(FILE *f, const struct minivmm_monitor_status *m)
{
	char a[CTL_BYTES_LEN], b[CTL_BYTES_LEN];
	struct table t;

	table_init(&t, 2);
	table_kv(&t, "Host state", "%s", host_state_name(m->state));
	table_kv(&t, "Host RAM", "%s (%llu pages)",
		 fmt_pages(m->host_total_pages, a, sizeof(a)),
		 (unsigned long long)m->host_total_pages);
	table_kv(&t, "Available", "%s (%llu pages)",
		 fmt_pages(m->host_avail_pages, b, sizeof(b)),
		 (unsigned long long)m->host_avail_pages);
	table_kv(&t, "Steps", "%llu", (unsigned long long)m->steps);
	table_kv(&t, "Shrinker scans", "%llu",
		 (unsigned long long)m->shrinker_scans);
	table_kv(&t, "Inflated", "%s (%llu pages, sum of target increases)",
		 fmt_pages(m->inflate_pages, a, sizeof(a)),
		 (unsigned long long)m->inflate_pages);
	table_kv(&t, "Deflated", "%s (%llu pages, sum of target decreases)",
		 fmt_pages(m->deflate_pages, b, sizeof(b)),
		 (unsigned long long)m->deflate_pages);
	table_print(&t, f);
	table_free(&t);
}

void policy_text(FILE *f, const struct minivmm_policy *pol,
		 const struct minivmm_monitor_status *mon)
{
	fputs("Policy ('minivmm-ctl policy set KEY=VALUE' changes it):\n", f);
	policy_table(f, pol, mon ? mon->host_total_pages : 0);
	if (mon) {
		fputs("Monitor:\n", f);
		monitor_table(f, mon);
	}
}

void policy_obj_json(struct json_writer *w, const char *key,
		     const struct minivmm_policy *p)
{
	jw_object_begin(w, key);
	jw_bool(w, "enabled", p->enabled);
	jw_u64(w, "interval_ms", p->interval_ms);
	jw_u64(w, "high_bp", p->high_bp);
	jw_u64(w, "soft_bp", p->soft_bp);
	jw_u64(w, "hard_bp", p->hard_bp);
	jw_u64(w, "low_bp", p->low_bp);
	jw_u64(w, "step_bp", p->step_bp);
	jw_u64(w, "min_change_bp", p->min_change_bp);
	jw_u64(w, "hard_step_mult", p->hard_step_mult);
	jw_u64(w, "low_step_mult", p->low_step_mult);
	jw_u64(w, "unresponsive_steps", p->unresponsive_steps);
	jw_object_end(w);
}

void monitor_obj_json(struct json_writer *w, const char *key,
		      const struct minivmm_monitor_status *m)
{
	jw_object_begin(w, key);
	jw_string(w, "state", host_state_name(m->state));
	report_pages_json(w, "host_total", m->host_total_pages);
	report_pages_json(w, "host_avail", m->host_avail_pages);
	jw_u64(w, "steps", m->steps);
	jw_u64(w, "shrinker_scans", m->shrinker_scans);
	jw_u64(w, "inflate_pages", m->inflate_pages);
	jw_u64(w, "deflate_pages", m->deflate_pages);
	jw_u64(w, "last_step_ns", m->last_step_ns);
	jw_object_end(w);
}

void policy_json(FILE *f, const struct minivmm_policy *pol,
		 const struct minivmm_monitor_status *mon)
{
	struct json_writer w;

	jw_init(&w, f);
	jw_object_begin(&w, NULL);
	policy_obj_json(&w, "policy", pol);
	if (mon)
		monitor_obj_json(&w, "monitor", mon);
	else
		jw_null(&w, "monitor");
	jw_object_end(&w);
	jw_finish(&w);
}
