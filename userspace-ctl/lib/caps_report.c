// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON forms of the capability report (see caps_report.h).
 */
#include <stdbool.h>
#include "caps_names.h"
#include "caps_report.h"
#include "json_write.h"
#include "table.h"

static const char *yes_no(bool v)
{
	return v ? "yes" : "no";
}

/* The words after "yes"/"no" for the capabilities that carry details. */
static void cap_detail(const struct minivmm_caps *c, unsigned long long bit,
		       char *buf, size_t size)
{
	char words[256];

	buf[0] = '\0';
	if (bit == MINIVMM_CAP_INVEPT && c->invept_types)
		snprintf(buf, size, " (%s)",
			 bit_names_words(invept_type_names,
					 invept_type_names_count,
					 c->invept_types, words, sizeof(words)));
	else if (bit == MINIVMM_CAP_INVVPID && c->invvpid_types)
		snprintf(buf, size, " (%s)",
			 bit_names_words(invvpid_type_names,
					 invvpid_type_names_count,
					 c->invvpid_types, words, sizeof(words)));
	else if (bit == MINIVMM_CAP_PREEMPTION_TIMER && (c->caps & bit))
		snprintf(buf, size, " (ticks every 2^%u TSC cycles)",
			 c->preemption_timer_shift);
}

static bool is_svm(const struct caps_report *r)
{
	return r->caps->backend == MINIVMM_BACKEND_SVM && r->svm;
}

static int add_summary(struct table *t, const struct caps_report *r)
{
	const struct minivmm_caps *c = r->caps;

	if (is_svm(r))
		return table_kv(t, "Device", "%s", r->device) |
		       table_kv(t, "Backend", "%s", backend_name(c->backend)) |
		       table_kv(t, "API version", "%d", r->api_version) |
		       table_kv(t, "SVM revision", "%u", r->svm->revision) |
		       table_kv(t, "ASIDs", "%u", r->svm->nr_asids) |
		       table_kv(t, "Host CPUs", "%u", c->nr_cpus);
	return table_kv(t, "Device", "%s", r->device) |
	       table_kv(t, "Backend", "%s", backend_name(c->backend)) |
	       table_kv(t, "API version", "%d", r->api_version) |
	       table_kv(t, "VMCS revision id", "0x%08x", c->vmcs_revision_id) |
	       table_kv(t, "VMCS size", "%u bytes", c->vmcs_size) |
	       table_kv(t, "Host CPUs", "%u", c->nr_cpus);
}

static int add_caps(struct table *t, const struct caps_report *r)
{
	const struct minivmm_caps *c = r->caps;
	const struct bit_name *names = is_svm(r) ? svm_caps_bit_names : caps_bit_names;
	size_t n = is_svm(r) ? svm_caps_bit_names_count : caps_bit_names_count;
	unsigned long long other;
	char detail[300];
	int ret = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct bit_name *b = &names[i];

		cap_detail(c, b->bit, detail, sizeof(detail));
		ret |= table_kv(t, b->name, "%s%s", yes_no(c->caps & b->bit),
				detail);
	}
	other = c->caps & ~bit_names_mask(names, n);
	if (other)
		ret |= table_kv(t, "Other capability bits", "0x%llx", other);
	return ret;
}

static int add_raw(struct table *t, const struct caps_report *r)
{
	const struct minivmm_caps *c = r->caps;

	if (is_svm(r))
		return table_kv(t, "CPUID 0x8000000A EDX", "0x%08x", r->svm->features) |
		       table_kv(t, "VM_CR", "0x%016llx", (unsigned long long)r->svm->vm_cr) |
		       table_kv(t, "caps", "0x%016llx", (unsigned long long)c->caps);
	return table_kv(t, "IA32_VMX_BASIC", "0x%016llx",
			(unsigned long long)c->vmx_basic) |
	       table_kv(t, "IA32_VMX_EPT_VPID_CAP", "0x%016llx",
			(unsigned long long)c->ept_vpid_cap) |
	       table_kv(t, "IA32_VMX_PROCBASED_CTLS2", "0x%016llx",
			(unsigned long long)c->procbased_ctls2) |
	       table_kv(t, "IA32_FEATURE_CONTROL", "0x%016llx",
			(unsigned long long)c->feature_control) |
	       table_kv(t, "caps", "0x%016llx", (unsigned long long)c->caps);
}

static int print_section(FILE *f, const char *title,
			 int (*add)(struct table *, const struct caps_report *),
			 const struct caps_report *r)
{
	struct table t;
	int ret;

	table_init(&t, 2);
	ret = add(&t, r);
	if (!ret) {
		fprintf(f, "%s\n", title);
		table_print(&t, f);
	}
	table_free(&t);
	return ret;
}

int caps_report_text(FILE *f, const struct caps_report *r)
{
	if (print_section(f, "minivmm capabilities", add_summary, r))
		return -1;
	fputc('\n', f);
	if (print_section(f, "Capabilities", add_caps, r))
		return -1;
	fputc('\n', f);
	return print_section(f, "Raw values", add_raw, r);
}

static void json_bits(struct json_writer *w, const char *key,
		      const struct bit_name *names, size_t n,
		      unsigned long long value)
{
	size_t i;

	jw_object_begin(w, key);
	for (i = 0; i < n; i++)
		jw_bool(w, names[i].key, value & names[i].bit);
	jw_object_end(w);
}

static void json_raw(struct json_writer *w, const struct minivmm_caps *c)
{
	jw_object_begin(w, "raw");
	jw_hex(w, "caps", c->caps);
	jw_hex(w, "invept_types", c->invept_types);
	jw_hex(w, "invvpid_types", c->invvpid_types);
	jw_hex(w, "vmx_basic", c->vmx_basic);
	jw_hex(w, "ept_vpid_cap", c->ept_vpid_cap);
	jw_hex(w, "procbased_ctls2", c->procbased_ctls2);
	jw_hex(w, "feature_control", c->feature_control);
	jw_object_end(w);
}

static void json_svm(struct json_writer *w, const struct caps_report *r)
{
	const struct minivmm_caps *c = r->caps;

	jw_u64(w, "svm_revision", r->svm->revision);
	jw_u64(w, "nr_asids", r->svm->nr_asids);
	jw_u64(w, "nr_cpus", c->nr_cpus);
	json_bits(w, "caps", svm_caps_bit_names, svm_caps_bit_names_count, c->caps);
	jw_object_begin(w, "raw");
	jw_hex(w, "caps", c->caps);
	jw_hex(w, "svm_features", r->svm->features);
	jw_hex(w, "vm_cr", r->svm->vm_cr);
	jw_object_end(w);
}

void caps_report_json(FILE *f, const struct caps_report *r)
{
	const struct minivmm_caps *c = r->caps;
	struct json_writer w;

	jw_init(&w, f);
	jw_object_begin(&w, NULL);
	if (is_svm(r)) {
		jw_string(&w, "device", r->device);
		jw_u64(&w, "api_version", r->api_version);
		jw_string(&w, "backend", backend_key(c->backend));
		jw_u64(&w, "backend_id", c->backend);
		json_svm(&w, r);
		jw_object_end(&w);
		jw_finish(&w);
		return;
	}
	jw_string(&w, "device", r->device);
	jw_u64(&w, "api_version", r->api_version);
	jw_string(&w, "backend", backend_key(c->backend));
	jw_u64(&w, "backend_id", c->backend);
	jw_u64(&w, "vmcs_revision_id", c->vmcs_revision_id);
	jw_u64(&w, "vmcs_size", c->vmcs_size);
	jw_u64(&w, "nr_cpus", c->nr_cpus);
	jw_u64(&w, "preemption_timer_shift", c->preemption_timer_shift);
	json_bits(&w, "caps", caps_bit_names, caps_bit_names_count, c->caps);
	json_bits(&w, "invept_types", invept_type_names,
		  invept_type_names_count, c->invept_types);
	json_bits(&w, "invvpid_types", invvpid_type_names,
		  invvpid_type_names_count, c->invvpid_types);
	json_raw(&w, c);
	jw_object_end(&w);
	jw_finish(&w);
}
