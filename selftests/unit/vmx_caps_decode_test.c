// SPDX-License-Identifier: GPL-2.0
/*
 * vmx_caps_decode(): raw VT-x registers of realistic CPUs -> caps bits,
 * fields and refusal reason. MSR values are from real parts (Skylake client,
 * Core 2) or derived from them by clearing the bits a case is about.
 */
#include "unit.h"
#include "vmx/vmx_caps_decode.h"

#define BIT64(n)	(1ULL << (n))

/* Every capability bit minivmm defines (caps bits 0..14). */
#define ALL_CAPS	(BIT64(15) - 1)

/* A Skylake client part (i7-6700), firmware-enabled, nobody in VMX. */
static struct vmx_caps_raw skylake(void)
{
	struct vmx_caps_raw r = {
		.cpuid1_ecx = 0x7ffafbbf,
		.feature_control = 0x5,			/* locked, VMX outside SMX */
		.vmx_basic = 0x00da040000000004ULL,	/* rev 4, 1 KiB, true ctls */
		.pinbased = 0x0000007f00000016ULL,	/* preemption timer */
		.procbased = 0xfff9fffe0401e172ULL,	/* secondary controls */
		.procbased2 = 0x0153ffff00000000ULL,	/* EPT, VPID, UG */
		.ept_vpid_cap = 0x00000f0106734141ULL,
		.misc = 0x00000000300481e5ULL,		/* timer rate 5 */
		.cr4_vmxe = false,
	};
	return r;
}

/* A Core 2 (Merom): VMX without secondary controls or true controls. */
static struct vmx_caps_raw core2_merom(void)
{
	struct vmx_caps_raw r = {
		.cpuid1_ecx = 0x0000e3bd,
		.feature_control = 0x5,
		.vmx_basic = 0x005a04000000000dULL,
		.pinbased = 0x0000003f00000016ULL,	/* no preemption timer */
		.procbased = 0x77b9fffe0401e172ULL,	/* bit 63 clear */
		/* These two MSRs do not exist: whatever is here must not show. */
		.procbased2 = 0xffffffff00000000ULL,
		.ept_vpid_cap = 0x00000f0106734141ULL,
		.misc = 0x00000000000403c0ULL,
	};
	return r;
}

static enum vmx_refusal decode(const struct vmx_caps_raw *r,
			       struct minivmm_caps *c, char *why)
{
	memset(c, 0xa5, sizeof(*c));
	memset(why, 'x', VMX_REFUSAL_TEXT_MAX);
	return vmx_caps_decode(r, c, why, VMX_REFUSAL_TEXT_MAX);
}

/* Fields common code fills, or that must be zero, are zero. */
static int common_fields_zero(const struct minivmm_caps *c)
{
	int i;

	if (c->flags || c->nr_cpus)
		return 0;
	for (i = 0; i < 8; i++)
		if (c->reserved[i])
			return 0;
	return 1;
}

UNIT_TEST(vmx_caps_skylake_everything)
{
	struct vmx_caps_raw r = skylake();
	char why[VMX_REFUSAL_TEXT_MAX];
	struct minivmm_caps c;

	CHECK_EQ(decode(&r, &c, why), VMX_USABLE);
	CHECK_STREQ(why, "");
	CHECK_EQ(c.backend, MINIVMM_BACKEND_VMX);
	CHECK_EQ(c.caps, ALL_CAPS);
	CHECK_EQ(c.invept_types,
		 MINIVMM_INVEPT_SINGLE_CONTEXT | MINIVMM_INVEPT_ALL_CONTEXT);
	CHECK_EQ(c.invvpid_types,
		 MINIVMM_INVVPID_INDIVIDUAL_ADDR | MINIVMM_INVVPID_SINGLE_CONTEXT |
		 MINIVMM_INVVPID_ALL_CONTEXT | MINIVMM_INVVPID_SINGLE_NONGLOBAL);
	CHECK_EQ(c.vmcs_revision_id, 4);
	CHECK_EQ(c.vmcs_size, 1024);
	CHECK_EQ(c.preemption_timer_shift, 5);
	CHECK_EQ(c.vmx_basic, r.vmx_basic);
	CHECK_EQ(c.procbased_ctls2, r.procbased2);
	CHECK_EQ(c.ept_vpid_cap, r.ept_vpid_cap);
	CHECK_EQ(c.feature_control, 0x5);
	CHECK(common_fields_zero(&c));
}

/* EPT_VPID_CAP bits that only mean something with EPT allowed. */
#define EPT_CAPS	(MINIVMM_CAP_EPT_4LEVEL | MINIVMM_CAP_EPT_WB | \
			 MINIVMM_CAP_EPT_2M | MINIVMM_CAP_EPT_1G | \
			 MINIVMM_CAP_EPT_AD | MINIVMM_CAP_INVEPT)

UNIT_TEST(vmx_caps_each_bit_from_its_source)
{
	static const struct {
		__u64 cap;	/* the bits that go with it */
		int msr;	/* 0 basic, 1 pin, 2 proc2, 3 ept_vpid_cap */
		int bit;
	} map[] = {
		{ MINIVMM_CAP_TRUE_CTLS, 0, 55 },
		{ MINIVMM_CAP_PREEMPTION_TIMER, 1, 32 + 6 },
		{ MINIVMM_CAP_EPT | EPT_CAPS, 2, 32 + 1 },
		{ MINIVMM_CAP_VPID | MINIVMM_CAP_INVVPID, 2, 32 + 5 },
		{ MINIVMM_CAP_UNRESTRICTED_GUEST, 2, 32 + 7 },
		{ MINIVMM_CAP_EPT_4LEVEL, 3, 6 },
		{ MINIVMM_CAP_EPT_WB, 3, 14 },
		{ MINIVMM_CAP_EPT_2M, 3, 16 },
		{ MINIVMM_CAP_EPT_1G, 3, 17 },
		{ MINIVMM_CAP_INVEPT, 3, 20 },
		{ MINIVMM_CAP_EPT_AD, 3, 21 },
		{ MINIVMM_CAP_INVVPID, 3, 32 },
	};
	char why[VMX_REFUSAL_TEXT_MAX];
	struct minivmm_caps c;
	unsigned int i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		struct vmx_caps_raw r = skylake();
		__u64 *msr[] = { &r.vmx_basic, &r.pinbased, &r.procbased2,
				 &r.ept_vpid_cap };

		*msr[map[i].msr] &= ~BIT64(map[i].bit);
		decode(&r, &c, why);
		if (c.caps != (ALL_CAPS & ~map[i].cap))
			printf("#   cleared bit %d of MSR %d\n", map[i].bit,
			       map[i].msr);
		CHECK_EQ(c.caps, ALL_CAPS & ~map[i].cap);
	}
}

/* The Merom has VMX but no secondary controls: no EPT, MSRs reported 0. */
UNIT_TEST(vmx_caps_no_secondary_controls)
{
	struct vmx_caps_raw r = core2_merom();
	char why[VMX_REFUSAL_TEXT_MAX];
	struct minivmm_caps c;

	CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_NO_EPT);
	CHECK_STREQ(why, "no EPT (no secondary processor-based controls)");
	CHECK_EQ(c.caps, MINIVMM_CAP_VMX | MINIVMM_CAP_VMX_FW_ENABLED);
	CHECK_EQ(c.procbased_ctls2, 0);
	CHECK_EQ(c.ept_vpid_cap, 0);
	CHECK_EQ(c.invept_types, 0);
	CHECK_EQ(c.invvpid_types, 0);
	CHECK_EQ(c.vmcs_revision_id, 0xd);
	CHECK_EQ(c.vmcs_size, 1024);
	CHECK_EQ(c.preemption_timer_shift, 0);
	CHECK_EQ(c.vmx_basic, r.vmx_basic);
	CHECK(common_fields_zero(&c));
}

/* Secondary controls without EPT or VPID (Penryn-like): no EPT_VPID_CAP. */
UNIT_TEST(vmx_caps_secondary_without_ept)
{
	struct vmx_caps_raw r = core2_merom();
	char why[VMX_REFUSAL_TEXT_MAX];
	struct minivmm_caps c;

	r.procbased |= BIT64(63);
	r.procbased2 = 0x0000004100000000ULL;	/* APIC accesses, WBINVD exit */
	CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_NO_EPT);
	CHECK_STREQ(why, "no EPT (IA32_VMX_PROCBASED_CTLS2 does not allow EPT)");
	CHECK_EQ(c.caps, MINIVMM_CAP_VMX | MINIVMM_CAP_VMX_FW_ENABLED |
		 MINIVMM_CAP_SECONDARY_CTLS);
	CHECK_EQ(c.procbased_ctls2, 0x0000004100000000ULL);
	CHECK_EQ(c.ept_vpid_cap, 0);
	CHECK_EQ(c.invept_types, 0);
	CHECK_EQ(c.invvpid_types, 0);
}

/* VPID without EPT: only the VPID half of EPT_VPID_CAP means anything. */
UNIT_TEST(vmx_caps_vpid_without_ept)
{
	struct vmx_caps_raw r = skylake();
	char why[VMX_REFUSAL_TEXT_MAX];
	struct minivmm_caps c;

	r.procbased2 &= ~(BIT64(32 + 1) | BIT64(32 + 7));	/* EPT, UG */
	CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_NO_EPT);
	CHECK_STREQ(why, "no EPT (IA32_VMX_PROCBASED_CTLS2 does not allow EPT)");
	CHECK_EQ(c.caps, MINIVMM_CAP_VMX | MINIVMM_CAP_VMX_FW_ENABLED |
		 MINIVMM_CAP_TRUE_CTLS | MINIVMM_CAP_PREEMPTION_TIMER |
		 MINIVMM_CAP_SECONDARY_CTLS | MINIVMM_CAP_VPID |
		 MINIVMM_CAP_INVVPID);
	CHECK_EQ(c.ept_vpid_cap, r.ept_vpid_cap);
	CHECK_EQ(c.invept_types, 0);
	CHECK_EQ(c.invvpid_types, 0xf);
}

UNIT_TEST(vmx_caps_firmware_locked_off)
{
	static const __u64 values[] = { 0x1, 0x3, 0x40001 };
	static const char *const texts[] = {
		"VMX disabled by firmware (IA32_FEATURE_CONTROL=0x1, VMX outside SMX off)",
		"VMX disabled by firmware (IA32_FEATURE_CONTROL=0x3, VMX outside SMX off)",
		"VMX disabled by firmware (IA32_FEATURE_CONTROL=0x40001, VMX outside SMX off)",
	};
	char why[VMX_REFUSAL_TEXT_MAX];
	struct minivmm_caps c;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct vmx_caps_raw r = skylake();

		r.feature_control = values[i];
		CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_FW_DISABLED);
		CHECK_STREQ(why, texts[i]);
		CHECK_EQ(c.caps, ALL_CAPS & ~MINIVMM_CAP_VMX_FW_ENABLED);
		CHECK_EQ(c.feature_control, values[i]);
		CHECK_EQ(c.vmcs_revision_id, 4);
	}
}

UNIT_TEST(vmx_caps_firmware_unlocked)
{
	char why[VMX_REFUSAL_TEXT_MAX];
	struct vmx_caps_raw r = skylake();
	struct minivmm_caps c;

	r.feature_control = 0x4;	/* VMX on, but not locked */
	CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_FW_DISABLED);
	CHECK_STREQ(why,
		    "VMX disabled by firmware (IA32_FEATURE_CONTROL=0x4, not locked)");
	CHECK_EQ(c.caps, ALL_CAPS & ~MINIVMM_CAP_VMX_FW_ENABLED);

	r.feature_control = 0;
	CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_FW_DISABLED);
	CHECK_STREQ(why,
		    "VMX disabled by firmware (IA32_FEATURE_CONTROL=0x0, not locked)");
	CHECK_EQ(c.feature_control, 0);
}

/* QEMU TCG's qemu64: no VMX. The VMX MSR values must be ignored. */
UNIT_TEST(vmx_caps_no_vmx)
{
	struct vmx_caps_raw r = skylake();
	char why[VMX_REFUSAL_TEXT_MAX];
	struct minivmm_caps c;

	r.cpuid1_ecx = 0x80802001;
	r.feature_control = 0;
	r.cr4_vmxe = true;
	CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_NO_VMX);
	CHECK_STREQ(why, "no VMX (CPUID.1:ECX.VMX=0)");
	CHECK_EQ(c.backend, MINIVMM_BACKEND_VMX);
	CHECK_EQ(c.caps, 0);
	CHECK_EQ(c.vmx_basic, 0);
	CHECK_EQ(c.vmcs_revision_id, 0);
	CHECK_EQ(c.vmcs_size, 0);
	CHECK_EQ(c.procbased_ctls2, 0);
	CHECK_EQ(c.ept_vpid_cap, 0);
	CHECK_EQ(c.invept_types, 0);
	CHECK_EQ(c.invvpid_types, 0);
	CHECK_EQ(c.preemption_timer_shift, 0);
	CHECK(common_fields_zero(&c));

	/* Firmware may lock the MSR on a CPU without VMX: still "no VMX". */
	r.feature_control = 0x1;
	CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_NO_VMX);
	CHECK_EQ(c.caps, 0);
	CHECK_EQ(c.feature_control, 0x1);
}

UNIT_TEST(vmx_caps_owned_by_another_hypervisor)
{
	struct vmx_caps_raw r = skylake();
	char why[VMX_REFUSAL_TEXT_MAX];
	struct minivmm_caps c;

	r.cr4_vmxe = true;
	CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_VMX_BUSY);
	CHECK_STREQ(why, "VMX owned by another hypervisor (CR4.VMXE=1)");
	CHECK_EQ(c.caps, ALL_CAPS);
}

UNIT_TEST(vmx_caps_ept_without_4level)
{
	struct vmx_caps_raw r = skylake();
	char why[VMX_REFUSAL_TEXT_MAX];
	struct minivmm_caps c;

	r.ept_vpid_cap &= ~BIT64(6);
	CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_NO_EPT);
	CHECK_STREQ(why, "no EPT (IA32_VMX_EPT_VPID_CAP: no 4-level page walk)");
	CHECK_EQ(c.caps, ALL_CAPS & ~MINIVMM_CAP_EPT_4LEVEL);

	/* Both missing: the walk length is named first. */
	r.ept_vpid_cap &= ~BIT64(14);
	CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_NO_EPT);
	CHECK_STREQ(why, "no EPT (IA32_VMX_EPT_VPID_CAP: no 4-level page walk)");
}

UNIT_TEST(vmx_caps_ept_without_wb)
{
	struct vmx_caps_raw r = skylake();
	char why[VMX_REFUSAL_TEXT_MAX];
	struct minivmm_caps c;

	r.ept_vpid_cap &= ~BIT64(14);
	CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_NO_EPT);
	CHECK_STREQ(why, "no EPT (IA32_VMX_EPT_VPID_CAP: no write-back memory type)");
	CHECK_EQ(c.caps, ALL_CAPS & ~MINIVMM_CAP_EPT_WB);
}

/* Only VMX, firmware, EPT 4-level + WB and CR4.VMXE decide. */
UNIT_TEST(vmx_caps_optional_features_do_not_refuse)
{
	struct vmx_caps_raw r = skylake();
	char why[VMX_REFUSAL_TEXT_MAX];
	struct minivmm_caps c;

	r.vmx_basic &= ~BIT64(55);
	r.pinbased &= ~BIT64(32 + 6);
	r.procbased2 &= ~(BIT64(32 + 5) | BIT64(32 + 7));	/* VPID, UG */
	r.ept_vpid_cap &= ~(BIT64(16) | BIT64(17) | BIT64(20) | BIT64(21));
	CHECK_EQ(decode(&r, &c, why), VMX_USABLE);
	CHECK_STREQ(why, "");
	CHECK_EQ(c.caps, MINIVMM_CAP_VMX | MINIVMM_CAP_VMX_FW_ENABLED |
		 MINIVMM_CAP_SECONDARY_CTLS | MINIVMM_CAP_EPT |
		 MINIVMM_CAP_EPT_4LEVEL | MINIVMM_CAP_EPT_WB);
	CHECK_EQ(c.preemption_timer_shift, 0);
	/* INVEPT/INVVPID types only count with the instruction itself. */
	CHECK_EQ(c.invept_types, 0);
	CHECK_EQ(c.invvpid_types, 0);
	CHECK_EQ(c.ept_vpid_cap, r.ept_vpid_cap);
}

UNIT_TEST(vmx_caps_partial_invalidation_types)
{
	struct vmx_caps_raw r = skylake();
	char why[VMX_REFUSAL_TEXT_MAX];
	struct minivmm_caps c;

	r.ept_vpid_cap &= ~(BIT64(25) | BIT64(40) | BIT64(42));
	CHECK_EQ(decode(&r, &c, why), VMX_USABLE);
	CHECK_EQ(c.invept_types, MINIVMM_INVEPT_ALL_CONTEXT);
	CHECK_EQ(c.invvpid_types, MINIVMM_INVVPID_SINGLE_CONTEXT |
		 MINIVMM_INVVPID_SINGLE_NONGLOBAL);

	r = skylake();
	r.ept_vpid_cap &= ~(BIT64(26) | BIT64(41) | BIT64(43));
	CHECK_EQ(decode(&r, &c, why), VMX_USABLE);
	CHECK_EQ(c.invept_types, MINIVMM_INVEPT_SINGLE_CONTEXT);
	CHECK_EQ(c.invvpid_types, MINIVMM_INVVPID_INDIVIDUAL_ADDR |
		 MINIVMM_INVVPID_ALL_CONTEXT);
}

/* VMX_BASIC: revision is bits 30:0 (bit 31 is not part of it), size 44:32. */
UNIT_TEST(vmx_caps_basic_fields)
{
	struct vmx_caps_raw r = skylake();
	char why[VMX_REFUSAL_TEXT_MAX];
	struct minivmm_caps c;

	r.vmx_basic = 0x00daf000c0000012ULL;	/* size 4096, bits 47:45 set */
	CHECK_EQ(decode(&r, &c, why), VMX_USABLE);
	CHECK_EQ(c.vmcs_revision_id, 0x40000012);
	CHECK_EQ(c.vmcs_size, 4096);
	CHECK_EQ(c.vmx_basic, 0x00daf000c0000012ULL);
	CHECK(c.caps & MINIVMM_CAP_TRUE_CTLS);

	r.misc = 0xffffffffffffffe0ULL;		/* rate 0, every other bit set */
	CHECK_EQ(decode(&r, &c, why), VMX_USABLE);
	CHECK_EQ(c.preemption_timer_shift, 0);
	r.misc = 0x1f;
	CHECK_EQ(decode(&r, &c, why), VMX_USABLE);
	CHECK_EQ(c.preemption_timer_shift, 31);
}

/* The first reason in enum order wins. */
UNIT_TEST(vmx_caps_refusal_order)
{
	struct vmx_caps_raw r = skylake();
	char why[VMX_REFUSAL_TEXT_MAX];
	struct minivmm_caps c;

	r.cr4_vmxe = true;
	r.ept_vpid_cap &= ~BIT64(14);
	CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_NO_EPT);
	r.feature_control = 0x1;
	CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_FW_DISABLED);
	r.cpuid1_ecx &= ~0x20u;
	CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_NO_VMX);
}

UNIT_TEST(vmx_caps_text_buffer_bounds)
{
	struct vmx_caps_raw r = skylake();
	struct minivmm_caps c;
	char small[8];

	r.feature_control = 0xffffffffffffff0eULL;
	memset(small, 'x', sizeof(small));
	CHECK_EQ(vmx_caps_decode(&r, &c, small, sizeof(small)),
		 VMX_REFUSE_FW_DISABLED);
	CHECK_STREQ(small, "VMX dis");

	CHECK_EQ(vmx_caps_decode(&r, &c, NULL, 0), VMX_REFUSE_FW_DISABLED);
	CHECK_EQ(c.feature_control, 0xffffffffffffff0eULL);

	/* The longest text fits VMX_REFUSAL_TEXT_MAX. */
	{
		char why[VMX_REFUSAL_TEXT_MAX];

		r.feature_control = 0xfffffffffffffffbULL;
		CHECK_EQ(decode(&r, &c, why), VMX_REFUSE_FW_DISABLED);
		CHECK_STREQ(why, "VMX disabled by firmware (IA32_FEATURE_CONTROL="
			    "0xfffffffffffffffb, VMX outside SMX off)");
	}
}

UNIT_TEST(vmx_caps_msr_existence_helpers)
{
	struct vmx_caps_raw s = skylake(), m = core2_merom();

	CHECK(vmx_dec_has_secondary_ctls(s.procbased));
	CHECK(!vmx_dec_has_secondary_ctls(m.procbased));
	CHECK(vmx_dec_has_ept_vpid_cap(s.procbased, s.procbased2));
	CHECK(!vmx_dec_has_ept_vpid_cap(m.procbased, m.procbased2));
	CHECK(vmx_dec_has_ept_vpid_cap(s.procbased, BIT64(32 + 5)));
	CHECK(vmx_dec_has_ept_vpid_cap(s.procbased, BIT64(32 + 1)));
	CHECK(!vmx_dec_has_ept_vpid_cap(s.procbased, 0x0000004100000000ULL));
	/* Allowed-0 (low) bits never count. */
	CHECK(!vmx_dec_has_ept_vpid_cap(s.procbased, 0x22));
	CHECK(!vmx_dec_has_secondary_ctls(0x80000000ULL));
}
