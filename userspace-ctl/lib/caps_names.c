// SPDX-License-Identifier: GPL-2.0
/*
 * Names of the capability bits of struct minivmm_caps (see caps_names.h).
 */
#include <stdio.h>
#include <string.h>
#include "caps_names.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

const struct bit_name caps_bit_names[] = {
	{ MINIVMM_CAP_VMX, "vmx", "VMX" },
	{ MINIVMM_CAP_VMX_FW_ENABLED, "vmx_fw_enabled", "Enabled by firmware" },
	{ MINIVMM_CAP_EPT, "ept", "EPT" },
	{ MINIVMM_CAP_EPT_4LEVEL, "ept_4level", "EPT 4-level walk" },
	{ MINIVMM_CAP_EPT_WB, "ept_wb", "EPT write-back" },
	{ MINIVMM_CAP_EPT_2M, "ept_2m", "EPT 2 MiB pages" },
	{ MINIVMM_CAP_EPT_1G, "ept_1g", "EPT 1 GiB pages" },
	{ MINIVMM_CAP_EPT_AD, "ept_ad", "EPT accessed/dirty" },
	{ MINIVMM_CAP_VPID, "vpid", "VPID" },
	{ MINIVMM_CAP_UNRESTRICTED_GUEST, "unrestricted_guest",
	  "Unrestricted guest" },
	{ MINIVMM_CAP_INVEPT, "invept", "INVEPT" },
	{ MINIVMM_CAP_INVVPID, "invvpid", "INVVPID" },
	{ MINIVMM_CAP_PREEMPTION_TIMER, "preemption_timer",
	  "Preemption timer" },
	{ MINIVMM_CAP_TRUE_CTLS, "true_ctls", "True controls" },
	{ MINIVMM_CAP_SECONDARY_CTLS, "secondary_ctls", "Secondary controls" },
};
const size_t caps_bit_names_count = ARRAY_SIZE(caps_bit_names);

const struct bit_name svm_caps_bit_names[] = {
	{ MINIVMM_CAP_SVM, "svm", "SVM" },
	{ MINIVMM_CAP_SVM_FW_ENABLED, "svm_fw_enabled", "Enabled by firmware" },
	{ MINIVMM_CAP_NPT, "npt", "Nested paging" },
	{ MINIVMM_CAP_NRIPS, "nrips", "Next RIP saved" },
	{ MINIVMM_CAP_FLUSH_BY_ASID, "flush_by_asid", "Flush by ASID" },
	{ MINIVMM_CAP_DECODE_ASSISTS, "decode_assists", "Decode assists" },
	{ MINIVMM_CAP_VMCB_CLEAN, "vmcb_clean", "VMCB clean bits" },
};
const size_t svm_caps_bit_names_count = ARRAY_SIZE(svm_caps_bit_names);

const struct bit_name invept_type_names[] = {
	{ MINIVMM_INVEPT_SINGLE_CONTEXT, "single_context", "single-context" },
	{ MINIVMM_INVEPT_ALL_CONTEXT, "all_context", "all-context" },
};
const size_t invept_type_names_count = ARRAY_SIZE(invept_type_names);

const struct bit_name invvpid_type_names[] = {
	{ MINIVMM_INVVPID_INDIVIDUAL_ADDR, "individual_address",
	  "individual-address" },
	{ MINIVMM_INVVPID_SINGLE_CONTEXT, "single_context", "single-context" },
	{ MINIVMM_INVVPID_ALL_CONTEXT, "all_context", "all-context" },
	{ MINIVMM_INVVPID_SINGLE_NONGLOBAL, "single_context_nonglobal",
	  "single-context-retaining-globals" },
};
const size_t invvpid_type_names_count = ARRAY_SIZE(invvpid_type_names);

const struct bit_name *bit_name_find(const struct bit_name *names, size_t n,
				     unsigned long long bit)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i].bit == bit)
			return &names[i];
	return NULL;
}

unsigned long long bit_names_mask(const struct bit_name *names, size_t n)
{
	unsigned long long mask = 0;
	size_t i;

	for (i = 0; i < n; i++)
		mask |= names[i].bit;
	return mask;
}

static void append(char *buf, size_t size, const char *word)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s%s", len ? ", " : "", word);
}

char *bit_names_words(const struct bit_name *names, size_t n,
		      unsigned long long value, char *buf, size_t size)
{
	unsigned long long other = value & ~bit_names_mask(names, n);
	char hex[24];
	size_t i;

	if (!size)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		if (value & names[i].bit)
			append(buf, size, names[i].name);
	if (other) {
		snprintf(hex, sizeof(hex), "0x%llx", other);
		append(buf, size, hex);
	}
	if (!value)
		snprintf(buf, size, "none");
	return buf;
}

const char *backend_key(unsigned int backend)
{
	switch (backend) {
	case MINIVMM_BACKEND_VMX:
		return "vmx";
	case MINIVMM_BACKEND_SVM:
		return "svm";
	default:
		return "unknown";
	}
}

const char *backend_name(unsigned int backend)
{
	switch (backend) {
	case MINIVMM_BACKEND_VMX:
		return "VMX (Intel VT-x)";
	case MINIVMM_BACKEND_SVM:
		return "SVM (AMD-V)";
	default:
		return "unknown";
	}
}
