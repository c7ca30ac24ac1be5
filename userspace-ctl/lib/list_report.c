// SPDX-License-Identifier: GPL-2.0
/*
 * "minivmm-ctl list": one row per VM (see reports.h).
 */
#include <stdbool.h>
#include "common/balloon_policy.h"
#include "reports.h"
#include "table.h"
#include "units.h"

/* The words are the module's (kmod/common/balloon_policy.c). */
const char *host_state_name(unsigned int state)
{
	if (state > MINIVMM_MONITOR_LOW)
		return "unknown";
	return minivmm_host_state_name((enum minivmm_host_state)state);
}

const char *balloon_mode_name(unsigned int mode)
{
	if (mode != MINIVMM_BALLOON_MANUAL && mode != MINIVMM_BALLOON_AUTO)
		return "unknown";
	return minivmm_balloon_mode_name(mode);
}

static bool has_balloon(const struct minivmm_vm_info *vm)
{
	return vm->flags & MINIVMM_VM_HAS_BALLOON;
}

static void vm_row(struct table *t, const struct minivmm_vm_info *vm)
{
	char mem[CTL_BYTES_LEN], tgt[CTL_BYTES_LEN], act[CTL_BYTES_LEN];
	bool b = has_balloon(vm);

	table_row(t);
	table_cell(t, "%u", vm->vm_id);
	table_cell(t, "%u", vm->owner_pid);
	table_cell(t, "%.16s", vm->owner_comm);
	table_cell(t, "%s", fmt_bytes(vm->mem_bytes, mem, sizeof(mem)));
	table_cell(t, "%u", vm->nr_vcpus);
	table_cell(t, "%s", b ? fmt_pages(vm->target_pages, tgt, sizeof(tgt))
			    : "-");
	table_cell(t, "%s", b ? fmt_pages(vm->actual_pages, act, sizeof(act))
			    : "-");
	table_cell(t, "%s%s", b ? balloon_mode_name(vm->balloon_mode) : "-",
		   vm->flags & MINIVMM_VM_UNRESPONSIVE ? " (unresponsive)"
						       : "");
}

void list_text(FILE *f, const struct minivmm_vm_info *vms, size_t n,
	       const struct minivmm_monitor_status *mon,
	       const struct minivmm_policy *pol)
{
	struct table t;
	size_t i;

	if (!n) {
		fputs("No VMs.\n", f);
	} else {
		table_init(&t, 0);
		table_row(&t);
		table_cell(&t, "ID");
		table_cell(&t, "PID");
		table_cell(&t, "COMMAND");
		table_cell(&t, "MEMORY");
		table_cell(&t, "VCPUS");
		table_cell(&t, "BALLOON");
		table_cell(&t, "ACTUAL");
		table_cell(&t, "MODE");
		for (i = 0; i < n; i++)
			vm_row(&t, &vms[i]);
		table_print(&t, f);
		table_free(&t);
	}
	if (mon)
		monitor_line(f, mon, pol);
}

void report_pages_json(struct json_writer *w, const char *name,
		       unsigned long long pages)
{
	char key[64];

	snprintf(key, sizeof(key), "%s_pages", name);
	jw_u64(w, key, pages);
	snprintf(key, sizeof(key), "%s_bytes", name);
	jw_u64(w, key, pages * CTL_PAGE_SIZE);
}

void vm_info_json(struct json_writer *w, const char *key,
		  const struct minivmm_vm_info *vm)
{
	char comm[sizeof(vm->owner_comm) + 1];

	snprintf(comm, sizeof(comm), "%.16s", vm->owner_comm);
	jw_object_begin(w, key);
	jw_u64(w, "id", vm->vm_id);
	jw_u64(w, "pid", vm->owner_pid);
	jw_string(w, "command", comm);
	jw_u64(w, "mem_bytes", vm->mem_bytes);
	jw_u64(w, "mem_pages", vm->mem_bytes / CTL_PAGE_SIZE);
	jw_u64(w, "vcpus", vm->nr_vcpus);
	jw_u64(w, "created_ns", vm->created_ns);
	jw_bool(w, "has_balloon", has_balloon(vm));
	jw_bool(w, "unresponsive", vm->flags & MINIVMM_VM_UNRESPONSIVE);
	if (has_balloon(vm)) {
		jw_object_begin(w, "balloon");
		jw_string(w, "mode", balloon_mode_name(vm->balloon_mode));
		report_pages_json(w, "target", vm->target_pages);
		report_pages_json(w, "actual", vm->actual_pages);
		report_pages_json(w, "floor", vm->floor_pages);
		report_pages_json(w, "ceiling", vm->ceiling_pages);
		jw_object_end(w);
	} else {
		jw_null(w, "balloon");
	}
	jw_object_end(w);
}

void list_json(FILE *f, const struct minivmm_vm_info *vms, size_t n,
	       const struct minivmm_monitor_status *mon,
	       const struct minivmm_policy *pol)
{
	struct json_writer w;
	size_t i;

	jw_init(&w, f);
	jw_object_begin(&w, NULL);
	jw_u64(&w, "nr_vms", n);
	jw_array_begin(&w, "vms");
	for (i = 0; i < n; i++)
		vm_info_json(&w, NULL, &vms[i]);
	jw_array_end(&w);
	if (mon)
		monitor_obj_json(&w, "monitor", mon);
	else
		jw_null(&w, "monitor");
	if (pol)
		policy_obj_json(&w, "policy", pol);
	else
		jw_null(&w, "policy");
	jw_object_end(&w);
	jw_finish(&w);
}
