// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the "minivmm-ctl caps" report (userspace-ctl/lib/
 * caps_names.c, caps_report.c): words for every bit, text lines and the
 * JSON object read back.
 */
#include <ctype.h>
#include <stdlib.h>
#include "unit.h"
#include "caps_names.h"
#include "caps_report.h"
#include "json_parse.h"

#define ALL_CAPS	((MINIVMM_CAP_SECONDARY_CTLS << 1) - 1)

static const struct minivmm_caps sample = {
	.backend = MINIVMM_BACKEND_VMX,
	.caps = ALL_CAPS & ~(MINIVMM_CAP_EPT_1G | MINIVMM_CAP_EPT_AD),
	.invept_types = MINIVMM_INVEPT_SINGLE_CONTEXT |
			MINIVMM_INVEPT_ALL_CONTEXT,
	.invvpid_types = MINIVMM_INVVPID_ALL_CONTEXT,
	.vmcs_revision_id = 0x12345,
	.vmcs_size = 4096,
	.preemption_timer_shift = 5,
	.nr_cpus = 3,
	.vmx_basic = 0x00da100000012345ULL,
	.ept_vpid_cap = 0x00000f0106734141ULL,
	.procbased_ctls2 = 0x000000bf00000000ULL,
	.feature_control = 0x5,
};

static __attribute__((noinline)) char *
report(const struct minivmm_caps *c, const char *dev, bool json)
{
	struct caps_report r = { .device = dev, .api_version = 1, .caps = c };
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (json)
		caps_report_json(f, &r);
	else
		caps_report_text(f, &r);
	fclose(f);
	return buf;
}

/* Value column of the text line "  KEY  value", or NULL. */
static const char *text_value(const char *out, const char *key,
			      char *buf, size_t size)
{
	const char *p = out;
	size_t n = strlen(key);

	while ((p = strstr(p, key))) {
		if (p - out >= 2 && p[-1] == ' ' && p[-2] == ' ' &&
		    (p - out == 2 || p[-3] == '\n') &&
		    p[n] == ' ' && p[n + 1] == ' ') {
			p += n;
			while (*p == ' ')
				p++;
			snprintf(buf, size, "%.*s", (int)strcspn(p, "\n"), p);
			return buf;
		}
		p += n;
	}
	return NULL;
}

UNIT_TEST(ctl_caps_every_bit_has_unique_words)
{
	size_t i, j;

	CHECK_EQ(bit_names_mask(caps_bit_names, caps_bit_names_count),
		 ALL_CAPS);
	CHECK_EQ(caps_bit_names_count, 15);
	for (i = 0; i < caps_bit_names_count; i++) {
		const char *k = caps_bit_names[i].key;

		CHECK(caps_bit_names[i].name && caps_bit_names[i].name[0]);
		for (; *k; k++)
			CHECK(islower(*k) || isdigit(*k) || *k == '_');
		for (j = i + 1; j < caps_bit_names_count; j++) {
			CHECK(strcmp(caps_bit_names[i].key,
				     caps_bit_names[j].key));
			CHECK(strcmp(caps_bit_names[i].name,
				     caps_bit_names[j].name));
			CHECK(caps_bit_names[i].bit != caps_bit_names[j].bit);
		}
	}
	CHECK_EQ(bit_names_mask(invept_type_names, invept_type_names_count),
		 3);
	CHECK_EQ(bit_names_mask(invvpid_type_names, invvpid_type_names_count),
		 15);
}

UNIT_TEST(ctl_caps_bit_words)
{
	char buf[128];

	CHECK_STREQ(bit_names_words(invept_type_names, invept_type_names_count,
				    0, buf, sizeof(buf)), "none");
	CHECK_STREQ(bit_names_words(invept_type_names, invept_type_names_count,
				    3, buf, sizeof(buf)),
		    "single-context, all-context");
	CHECK_STREQ(bit_names_words(invept_type_names, invept_type_names_count,
				    0x12, buf, sizeof(buf)), "all-context, 0x10");
	CHECK_STREQ(bit_name_find(caps_bit_names, caps_bit_names_count,
				   MINIVMM_CAP_EPT_2M)->key, "ept_2m");
	CHECK(!bit_name_find(caps_bit_names, caps_bit_names_count, 1ULL << 40));
	CHECK_STREQ(backend_key(MINIVMM_BACKEND_VMX), "vmx");
	CHECK_STREQ(backend_key(7), "unknown");
}

UNIT_TEST(ctl_caps_text_words)
{
	char *out = report(&sample, "/dev/minivmm", false);
	char v[256];

	REQUIRE(out);
	CHECK_STREQ(text_value(out, "Backend", v, sizeof(v)), "VMX (Intel VT-x)");
	CHECK_STREQ(text_value(out, "API version", v, sizeof(v)), "1");
	CHECK_STREQ(text_value(out, "VMCS revision id", v, sizeof(v)),
		    "0x00012345");
	CHECK_STREQ(text_value(out, "VMCS size", v, sizeof(v)), "4096 bytes");
	CHECK_STREQ(text_value(out, "Host CPUs", v, sizeof(v)), "3");
	CHECK_STREQ(text_value(out, "EPT", v, sizeof(v)), "yes");
	CHECK_STREQ(text_value(out, "EPT 1 GiB pages", v, sizeof(v)), "no");
	CHECK_STREQ(text_value(out, "EPT accessed/dirty", v, sizeof(v)), "no");
	CHECK_STREQ(text_value(out, "EPT 2 MiB pages", v, sizeof(v)), "yes");
	CHECK_STREQ(text_value(out, "INVEPT", v, sizeof(v)),
		    "yes (single-context, all-context)");
	CHECK_STREQ(text_value(out, "INVVPID", v, sizeof(v)),
		    "yes (all-context)");
	CHECK_STREQ(text_value(out, "Preemption timer", v, sizeof(v)),
		    "yes (ticks every 2^5 TSC cycles)");
	CHECK_STREQ(text_value(out, "IA32_VMX_BASIC", v, sizeof(v)),
		    "0x00da100000012345");
	CHECK_STREQ(text_value(out, "IA32_FEATURE_CONTROL", v, sizeof(v)),
		    "0x0000000000000005");
	CHECK(!strstr(out, "Other capability bits"));
	free(out);
}

/* Every capability line of the text report says yes exactly for its bit. */
UNIT_TEST(ctl_caps_text_each_bit_alone)
{
	size_t i, j;
	char v[256];

	for (i = 0; i < caps_bit_names_count; i++) {
		struct minivmm_caps c = { .caps = caps_bit_names[i].bit };
		char *out = report(&c, "/d", false);

		for (j = 0; j < caps_bit_names_count; j++) {
			const char *got = text_value(out, caps_bit_names[j].name,
						     v, sizeof(v));

			REQUIRE(got);
			CHECK_EQ(!strncmp(got, "yes", 3), i == j);
			CHECK_EQ(!strncmp(got, "no", 2), i != j);
		}
		free(out);
	}
}

/* Column where "yes"/"no" starts in @line, or -1. */
static long value_column(const char *line)
{
	size_t len = strcspn(line, "\n");
	const char *y = memmem(line, len, "  yes", 5);
	const char *n = memmem(line, len, "  no", 4);
	const char *v = y && (!n || y < n) ? y : n;

	return v ? v + 2 - line : -1;
}

UNIT_TEST(ctl_caps_text_values_aligned)
{
	char *out = report(&sample, "/dev/minivmm", false);
	const char *line = strstr(out, "\nCapabilities\n");
	long col = -1;
	int rows = 0;

	REQUIRE(line);
	line = strchr(line + 1, '\n') + 1;
	for (; line[0] == ' '; line = strchr(line, '\n') + 1, rows++) {
		if (col < 0)
			col = value_column(line);
		CHECK_EQ(value_column(line), col);
	}
	CHECK(col > 2);
	CHECK_EQ(rows, caps_bit_names_count);
	free(out);
}

UNIT_TEST(ctl_caps_text_unknown_bits)
{
	struct minivmm_caps c = sample;
	char v[64];
	char *out;

	c.caps |= 1ULL << 40;
	c.invept_types |= 1U << 7;
	out = report(&c, "/dev/minivmm", false);
	CHECK_STREQ(text_value(out, "Other capability bits", v, sizeof(v)),
		    "0x10000000000");
	CHECK_STREQ(text_value(out, "INVEPT", v, sizeof(v)),
		    "yes (single-context, all-context, 0x80)");
	free(out);
}

UNIT_TEST(ctl_caps_json_reads_back)
{
	char *doc = report(&sample, "/dev/minivmm", true);
	unsigned long long n;
	char s[64];
	size_t i;
	bool b;

	REQUIRE(json_validate(doc) == JSON_OBJECT);
	CHECK(json_get_string(doc, "device", s, sizeof(s)) == 0);
	CHECK_STREQ(s, "/dev/minivmm");
	CHECK(json_get_string(doc, "backend", s, sizeof(s)) == 0);
	CHECK_STREQ(s, "vmx");
	CHECK(json_get_u64(doc, "api_version", &n) == 0 && n == 1);
	CHECK(json_get_u64(doc, "backend_id", &n) == 0 && n == 1);
	CHECK(json_get_u64(doc, "vmcs_revision_id", &n) == 0 && n == 0x12345);
	CHECK(json_get_u64(doc, "vmcs_size", &n) == 0 && n == 4096);
	CHECK(json_get_u64(doc, "nr_cpus", &n) == 0 && n == 3);
	CHECK(json_get_u64(doc, "preemption_timer_shift", &n) == 0 && n == 5);
	CHECK_EQ(json_count(doc, "caps"), caps_bit_names_count);
	for (i = 0; i < caps_bit_names_count; i++) {
		char path[64];

		snprintf(path, sizeof(path), "caps.%s", caps_bit_names[i].key);
		CHECK(json_get_bool(doc, path, &b) == 0);
		CHECK_EQ(b, !!(sample.caps & caps_bit_names[i].bit));
	}
	CHECK(json_get_bool(doc, "caps.ept_1g", &b) == 0 && !b);
	CHECK(json_get_bool(doc, "caps.unrestricted_guest", &b) == 0 && b);
	CHECK(json_get_bool(doc, "invept_types.all_context", &b) == 0 && b);
	CHECK(json_get_bool(doc, "invvpid_types.individual_address", &b) == 0);
	CHECK(!b);
	CHECK_EQ(json_count(doc, "invvpid_types"), 4);
	free(doc);
}

UNIT_TEST(ctl_caps_json_raw_hex)
{
	char *doc = report(&sample, "/dev/minivmm", true);
	char s[32];

	CHECK(json_get_string(doc, "raw.vmx_basic", s, sizeof(s)) == 0);
	CHECK_STREQ(s, "0xda100000012345");
	CHECK(json_get_string(doc, "raw.ept_vpid_cap", s, sizeof(s)) == 0);
	CHECK_EQ(strtoull(s, NULL, 0), sample.ept_vpid_cap);
	CHECK(json_get_string(doc, "raw.procbased_ctls2", s, sizeof(s)) == 0);
	CHECK_STREQ(s, "0xbf00000000");
	CHECK(json_get_string(doc, "raw.feature_control", s, sizeof(s)) == 0);
	CHECK_STREQ(s, "0x5");
	CHECK(json_get_string(doc, "raw.caps", s, sizeof(s)) == 0);
	CHECK_EQ(strtoull(s, NULL, 0), sample.caps);
	CHECK(json_get_string(doc, "raw.invept_types", s, sizeof(s)) == 0);
	CHECK_STREQ(s, "0x3");
	free(doc);
}

UNIT_TEST(ctl_caps_json_escapes_device_path)
{
	const char *dev = "/dev/we\"ird\\name\n\x01";
	char *doc = report(&sample, dev, true);
	char s[64];

	REQUIRE(json_validate(doc) == JSON_OBJECT);
	CHECK(json_get_string(doc, "device", s, sizeof(s)) == 0);
	CHECK_STREQ(s, dev);
	free(doc);
}

UNIT_TEST(ctl_caps_json_zero_caps)
{
	struct minivmm_caps c = { 0 };
	char *doc = report(&c, "/d", true);
	char s[32];
	size_t i;
	bool b;

	REQUIRE(json_validate(doc) == JSON_OBJECT);
	CHECK(json_get_string(doc, "backend", s, sizeof(s)) == 0);
	CHECK_STREQ(s, "unknown");
	for (i = 0; i < caps_bit_names_count; i++) {
		char path[64];

		snprintf(path, sizeof(path), "caps.%s", caps_bit_names[i].key);
		CHECK(json_get_bool(doc, path, &b) == 0 && !b);
	}
	free(doc);
}

/* The AMD-V form: SVM words, the SVM facts, no VT-x field at all. */
UNIT_TEST(ctl_caps_svm_report)
{
	static const struct minivmm_caps c = {
		.backend = MINIVMM_BACKEND_SVM,
		.caps = MINIVMM_CAP_SVM | MINIVMM_CAP_SVM_FW_ENABLED |
			MINIVMM_CAP_NPT | MINIVMM_CAP_FLUSH_BY_ASID,
		.nr_cpus = 2,
	};
	static const struct minivmm_svm_caps s = {
		.revision = 1, .nr_asids = 32768, .features = 0x41, .vm_cr = 0x8,
	};
	struct caps_report r = { .device = "/d", .api_version = 1, .caps = &c,
				 .svm = &s };
	char *buf = NULL, v[256];
	unsigned long long n;
	size_t size = 0, i;
	FILE *f;
	bool b;

	f = open_memstream(&buf, &size);
	REQUIRE(f);
	CHECK_EQ(caps_report_text(f, &r), 0);
	fclose(f);
	REQUIRE(buf);
	CHECK_STREQ(text_value(buf, "Backend", v, sizeof(v)), "SVM (AMD-V)");
	CHECK_STREQ(text_value(buf, "SVM revision", v, sizeof(v)), "1");
	CHECK_STREQ(text_value(buf, "ASIDs", v, sizeof(v)), "32768");
	CHECK_STREQ(text_value(buf, "Nested paging", v, sizeof(v)), "yes");
	CHECK_STREQ(text_value(buf, "Next RIP saved", v, sizeof(v)), "no");
	CHECK_STREQ(text_value(buf, "Flush by ASID", v, sizeof(v)), "yes");
	CHECK_STREQ(text_value(buf, "CPUID 0x8000000A EDX", v, sizeof(v)), "0x00000041");
	CHECK_STREQ(text_value(buf, "VM_CR", v, sizeof(v)), "0x0000000000000008");
	CHECK(!text_value(buf, "VMCS revision id", v, sizeof(v)));
	CHECK(!text_value(buf, "EPT", v, sizeof(v)));
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &size);
	REQUIRE(f);
	caps_report_json(f, &r);
	fclose(f);
	REQUIRE(buf);
	CHECK_EQ(json_validate(buf), JSON_OBJECT);
	CHECK_EQ(json_get_string(buf, "backend", v, sizeof(v)), 0);
	CHECK_STREQ(v, "svm");
	CHECK_EQ(json_get_u64(buf, "nr_asids", &n), 0);
	CHECK_EQ(n, 32768);
	CHECK_EQ(json_get_string(buf, "raw.vm_cr", v, sizeof(v)), 0);
	CHECK_EQ(strtoull(v, NULL, 16), 8);
	CHECK(json_get_u64(buf, "vmcs_revision_id", &n) != 0);
	for (i = 0; i < svm_caps_bit_names_count; i++) {
		char path[64];

		snprintf(path, sizeof(path), "caps.%s", svm_caps_bit_names[i].key);
		CHECK_EQ(json_get_bool(buf, path, &b), 0);
		CHECK_EQ(b, !!(c.caps & svm_caps_bit_names[i].bit));
	}
	CHECK_STREQ(backend_key(MINIVMM_BACKEND_SVM), "svm");
	free(buf);
}
