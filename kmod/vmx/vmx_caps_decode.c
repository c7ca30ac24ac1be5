// SPDX-License-Identifier: GPL-2.0
/*
 * Raw VT-x capability registers -> struct minivmm_caps + refusal reason.
 * Pure code shared by the module and the userspace unit tests; see
 * vmx_caps_decode.h for the bit positions and their source.
 */
#include "vmx_caps_decode.h"

/* One raw bit and the bit it becomes; tables end with a zero entry. */
struct vmx_dec_bit {
	__u64 raw;
	__u64 out;
};

/* IA32_VMX_EPT_VPID_CAP bits meaningful when EPT may be enabled. */
static const struct vmx_dec_bit ept_caps[] = {
	{ VMX_DEC_EPT_WALK_4, MINIVMM_CAP_EPT_4LEVEL },
	{ VMX_DEC_EPT_WB, MINIVMM_CAP_EPT_WB },
	{ VMX_DEC_EPT_2M, MINIVMM_CAP_EPT_2M },
	{ VMX_DEC_EPT_1G, MINIVMM_CAP_EPT_1G },
	{ VMX_DEC_EPT_AD, MINIVMM_CAP_EPT_AD },
	{ VMX_DEC_EPT_INVEPT, MINIVMM_CAP_INVEPT },
	{ 0, 0 }
};

static const struct vmx_dec_bit invept_types[] = {
	{ VMX_DEC_EPT_INVEPT_SINGLE, MINIVMM_INVEPT_SINGLE_CONTEXT },
	{ VMX_DEC_EPT_INVEPT_ALL, MINIVMM_INVEPT_ALL_CONTEXT },
	{ 0, 0 }
};

static const struct vmx_dec_bit invvpid_types[] = {
	{ VMX_DEC_VPID_INVVPID_ADDR, MINIVMM_INVVPID_INDIVIDUAL_ADDR },
	{ VMX_DEC_VPID_INVVPID_SINGLE, MINIVMM_INVVPID_SINGLE_CONTEXT },
	{ VMX_DEC_VPID_INVVPID_ALL, MINIVMM_INVVPID_ALL_CONTEXT },
	{ VMX_DEC_VPID_INVVPID_SINGLE_NG, MINIVMM_INVVPID_SINGLE_NONGLOBAL },
	{ 0, 0 }
};

static __u64 map_bits(__u64 raw, const struct vmx_dec_bit *map)
{
	__u64 out = 0;

	for (; map->raw; map++)
		if (raw & map->raw)
			out |= map->out;
	return out;
}

/* Bounded, always NUL-terminated text; a NULL buffer swallows everything. */
struct vmx_dec_text {
	char *buf;
	size_t size;
	size_t len;
};

static void text_putc(struct vmx_dec_text *t, char c)
{
	if (!t->buf || t->len + 1 >= t->size)
		return;
	t->buf[t->len++] = c;
	t->buf[t->len] = '\0';
}

static void text_puts(struct vmx_dec_text *t, const char *s)
{
	while (*s)
		text_putc(t, *s++);
}

/* Like printf's "0x%llx". */
static void text_put_hex(struct vmx_dec_text *t, __u64 v)
{
	int shift = 60;

	text_puts(t, "0x");
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		text_putc(t, "0123456789abcdef"[(v >> shift) & 0xf]);
}

static bool fw_enabled(__u64 feature_control)
{
	return (feature_control & VMX_DEC_FEAT_CTL_LOCKED) &&
	       (feature_control & VMX_DEC_FEAT_CTL_VMX_OUTSIDE_SMX);
}

/* Everything but the refusal: called only when CPUID reports VMX. */
static void decode_vmx(const struct vmx_caps_raw *raw, struct minivmm_caps *caps)
{
	__u32 pin1 = raw->pinbased >> 32;
	__u32 proc2_1;

	caps->caps |= MINIVMM_CAP_VMX;
	if (fw_enabled(raw->feature_control))
		caps->caps |= MINIVMM_CAP_VMX_FW_ENABLED;

	caps->vmx_basic = raw->vmx_basic;
	caps->vmcs_revision_id = raw->vmx_basic & VMX_DEC_BASIC_REVISION_MASK;
	caps->vmcs_size = (raw->vmx_basic >> VMX_DEC_BASIC_SIZE_SHIFT) &
			  VMX_DEC_BASIC_SIZE_MASK;
	if (raw->vmx_basic & VMX_DEC_BASIC_TRUE_CTLS)
		caps->caps |= MINIVMM_CAP_TRUE_CTLS;

	if (pin1 & VMX_DEC_PIN_PREEMPTION_TIMER) {
		caps->caps |= MINIVMM_CAP_PREEMPTION_TIMER;
		caps->preemption_timer_shift = raw->misc & VMX_DEC_MISC_TIMER_RATE_MASK;
	}

	/* Without secondary controls IA32_VMX_PROCBASED_CTLS2 does not exist. */
	if (!vmx_dec_has_secondary_ctls(raw->procbased))
		return;
	caps->caps |= MINIVMM_CAP_SECONDARY_CTLS;
	caps->procbased_ctls2 = raw->procbased2;
	proc2_1 = raw->procbased2 >> 32;
	if (proc2_1 & VMX_DEC_PROC2_EPT)
		caps->caps |= MINIVMM_CAP_EPT;
	if (proc2_1 & VMX_DEC_PROC2_VPID)
		caps->caps |= MINIVMM_CAP_VPID;
	if (proc2_1 & VMX_DEC_PROC2_UNRESTRICTED)
		caps->caps |= MINIVMM_CAP_UNRESTRICTED_GUEST;

	if (!vmx_dec_has_ept_vpid_cap(raw->procbased, raw->procbased2))
		return;
	caps->ept_vpid_cap = raw->ept_vpid_cap;

	/* The EPT half is only meaningful with EPT, the VPID half with VPID. */
	if (proc2_1 & VMX_DEC_PROC2_EPT) {
		caps->caps |= map_bits(raw->ept_vpid_cap, ept_caps);
		if (caps->caps & MINIVMM_CAP_INVEPT)
			caps->invept_types = map_bits(raw->ept_vpid_cap,
						      invept_types);
	}
	if ((proc2_1 & VMX_DEC_PROC2_VPID) &&
	    (raw->ept_vpid_cap & VMX_DEC_VPID_INVVPID)) {
		caps->caps |= MINIVMM_CAP_INVVPID;
		caps->invvpid_types = map_bits(raw->ept_vpid_cap, invvpid_types);
	}
}

/* What minivmm needs of EPT; the reason goes to @t when it is missing. */
static bool ept_usable(__u64 caps, struct vmx_dec_text *t)
{
	const char *missing;

	if (!(caps & MINIVMM_CAP_SECONDARY_CTLS))
		missing = "no secondary processor-based controls";
	else if (!(caps & MINIVMM_CAP_EPT))
		missing = "IA32_VMX_PROCBASED_CTLS2 does not allow EPT";
	else if (!(caps & MINIVMM_CAP_EPT_4LEVEL))
		missing = "IA32_VMX_EPT_VPID_CAP: no 4-level page walk";
	else if (!(caps & MINIVMM_CAP_EPT_WB))
		missing = "IA32_VMX_EPT_VPID_CAP: no write-back memory type";
	else
		return true;
	text_puts(t, "no EPT (");
	text_puts(t, missing);
	text_putc(t, ')');
	return false;
}

/**
 * vmx_caps_decode() - decode raw VT-x registers
 * @raw: the registers, read on one CPU.
 * @caps: out: every field filled (backend, caps bits, types, VMCS revision
 *	and size, timer shift, raw MSRs); @caps->nr_cpus, @caps->flags and
 *	@caps->reserved are left zero.
 * @why: out: when VT-x is unusable, the missing piece as one short line
 *	without newline, e.g. "no VMX (CPUID.1:ECX.VMX=0)"; "" when usable.
 *	May be NULL.
 * @why_size: bytes at @why; VMX_REFUSAL_TEXT_MAX always suffices.
 *
 * Reasons are checked in enum vmx_refusal order and only the first one found
 * is reported.
 *
 * Return: VMX_USABLE, or the reason minivmm cannot use VT-x.
 */
enum vmx_refusal vmx_caps_decode(const struct vmx_caps_raw *raw,
				 struct minivmm_caps *caps,
				 char *why, size_t why_size)
{
	struct vmx_dec_text t = { .buf = why, .size = why_size };

	if (why && why_size)
		why[0] = '\0';
	memset(caps, 0, sizeof(*caps));
	caps->backend = MINIVMM_BACKEND_VMX;
	caps->feature_control = raw->feature_control;

	if (!(raw->cpuid1_ecx & VMX_DEC_CPUID1_ECX_VMX)) {
		text_puts(&t, "no VMX (CPUID.1:ECX.VMX=0)");
		return VMX_REFUSE_NO_VMX;
	}
	decode_vmx(raw, caps);

	if (!(caps->caps & MINIVMM_CAP_VMX_FW_ENABLED)) {
		text_puts(&t, "VMX disabled by firmware (IA32_FEATURE_CONTROL=");
		text_put_hex(&t, raw->feature_control);
		text_puts(&t, raw->feature_control & VMX_DEC_FEAT_CTL_LOCKED ?
			  ", VMX outside SMX off)" : ", not locked)");
		return VMX_REFUSE_FW_DISABLED;
	}
	if (!ept_usable(caps->caps, &t))
		return VMX_REFUSE_NO_EPT;
	if (raw->cr4_vmxe) {
		text_puts(&t, "VMX owned by another hypervisor (CR4.VMXE=1)");
		return VMX_REFUSE_VMX_BUSY;
	}
	return VMX_USABLE;
}
