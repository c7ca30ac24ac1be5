/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the admin commands of minivmm-ctl print, as text for people or as
 * JSON, from the structures of the admin ioctls (no device needed, so unit
 * tests render them from fake structures). JSON keys are stable: sizes
 * carry their unit in the key (_bytes, _pages, _bp, _ms, _ns).
 */
#ifndef MINIVMM_CTL_REPORTS_H
#define MINIVMM_CTL_REPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/minivmm.h>
#include "json_write.h"

/* "high", "soft", "hard", "low", or "unknown". */
const char *host_state_name(unsigned int state);
/* "manual", "auto", or "unknown". */
const char *balloon_mode_name(unsigned int mode);

/* list_report.c: "minivmm-ctl list". @mon and @pol may be NULL. */
void list_text(FILE *f, const struct minivmm_vm_info *vms, size_t n,
	       const struct minivmm_monitor_status *mon,
	       const struct minivmm_policy *pol);
void list_json(FILE *f, const struct minivmm_vm_info *vms, size_t n,
	       const struct minivmm_monitor_status *mon,
	       const struct minivmm_policy *pol);
/* "NAME_pages": @pages and "NAME_bytes": the same in bytes. */
void report_pages_json(struct json_writer *w, const char *name,
		       unsigned long long pages);
/* One VM as a JSON object (the entries of list, "info" of show). */
void vm_info_json(struct json_writer *w, const char *key,
		  const struct minivmm_vm_info *vm);

/* policy_report.c: "minivmm-ctl policy". */
void policy_text(FILE *f, const struct minivmm_policy *pol,
		 const struct minivmm_monitor_status *mon);
void policy_json(FILE *f, const struct minivmm_policy *pol,
		 const struct minivmm_monitor_status *mon);
void policy_obj_json(struct json_writer *w, const char *key,
		     const struct minivmm_policy *pol);
void monitor_obj_json(struct json_writer *w, const char *key,
		      const struct minivmm_monitor_status *mon);
/* "Host: soft, 1.2 GiB of 2 GiB available (...)" line. @pol may be NULL. */
void monitor_line(FILE *f, const struct minivmm_monitor_status *mon,
		  const struct minivmm_policy *pol);

/*
 * show_report.c: "minivmm-ctl show VM". @now_ns is CLOCK_MONOTONIC now
 * (ages of the VM and of the last guest statistics).
 */
void show_text(FILE *f, const struct minivmm_admin_vm_stats *s,
	       unsigned long long now_ns);
void show_json(FILE *f, const struct minivmm_admin_vm_stats *s,
	       unsigned long long now_ns);

/*
 * stats_report.c: "minivmm-ctl stats VM": one sample of the paging and
 * balloon counters; with @prev (the sample before, or NULL) also the
 * change since it.
 */
struct stats_sample {
	unsigned int vm_id;
	unsigned int seq;		/* 1, 2, ... */
	unsigned long long time_ns;	/* CLOCK_MONOTONIC when taken */
	struct minivmm_paging_stats p;
};

/* show_report.c: the paging counters (also used by stats). */
void paging_text(FILE *f, const struct minivmm_paging_stats *p);
void paging_obj_json(struct json_writer *w, const char *key,
		     const struct minivmm_paging_stats *p);

void stats_text(FILE *f, const struct stats_sample *cur,
		const struct stats_sample *prev);
/* Pretty JSON, or one line per sample when @compact (--watch). */
void stats_json(FILE *f, const struct stats_sample *cur,
		const struct stats_sample *prev, bool compact);

#endif /* MINIVMM_CTL_REPORTS_H */
