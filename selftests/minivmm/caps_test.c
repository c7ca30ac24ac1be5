// SPDX-License-Identifier: GPL-2.0
/*
 * MINIVMM_GET_CAPS against what the kernel itself reports in /proc/cpuinfo
 * ("flags", and on VMX CPUs "vmx flags", whose names come from
 * arch/x86/include/asm/vmxfeatures.h), and against its own raw MSR values
 * (Intel SDM vol. 3, appendix A). Needs minivmm loaded.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "cpuinfo.h"
#include "mvmm.h"

#define BIT64(n)	(1ULL << (n))
#define HAS(c, bit)	(!!((c)->caps & (bit)))

FIXTURE(caps) {
	int fd;
	struct minivmm_caps c;
};

FIXTURE_SETUP(caps)
{
	self->fd = mvmm_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %m", MVMM_DEV);
	ASSERT_EQ(0, mvmm_get_caps(self->fd, &self->c));
}

FIXTURE_TEARDOWN(caps)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(caps, vmx_matches_cpuinfo_flags)
{
	char flags[8192];

	ASSERT_EQ(0, cpuinfo_field("flags", flags, sizeof(flags)));
	EXPECT_EQ(has_token(flags, "vmx"), HAS(&self->c, MINIVMM_CAP_VMX));
}

TEST_F(caps, vmcs_revision_and_size)
{
	const struct minivmm_caps *c = &self->c;

	EXPECT_NE(0u, c->vmcs_revision_id);
	EXPECT_EQ(0u, c->vmcs_revision_id >> 31);
	EXPECT_LT(0u, c->vmcs_size);
	EXPECT_GE(4096u, c->vmcs_size);
}

TEST_F(caps, vmx_basic_matches_fields)
{
	const struct minivmm_caps *c = &self->c;

	EXPECT_EQ(c->vmcs_revision_id, c->vmx_basic & 0x7fffffffULL);
	EXPECT_EQ(c->vmcs_size, (c->vmx_basic >> 32) & 0x1fffULL);
	EXPECT_EQ(HAS(c, MINIVMM_CAP_TRUE_CTLS), !!(c->vmx_basic & BIT64(55)));
}

/* minivmm refuses to load without EPT, a 4-level walk and WB structures. */
TEST_F(caps, ept_with_4level_and_wb)
{
	const struct minivmm_caps *c = &self->c;

	ASSERT_TRUE(HAS(c, MINIVMM_CAP_EPT));
	EXPECT_TRUE(HAS(c, MINIVMM_CAP_EPT_4LEVEL));
	EXPECT_TRUE(HAS(c, MINIVMM_CAP_EPT_WB));
	EXPECT_TRUE(HAS(c, MINIVMM_CAP_VMX));
	EXPECT_TRUE(HAS(c, MINIVMM_CAP_VMX_FW_ENABLED));
	EXPECT_TRUE(HAS(c, MINIVMM_CAP_SECONDARY_CTLS));
}

TEST_F(caps, feature_control_enabled)
{
	const struct minivmm_caps *c = &self->c;
	bool locked_on = (c->feature_control & 1) &&
			 (c->feature_control & BIT64(2));

	EXPECT_EQ(locked_on, HAS(c, MINIVMM_CAP_VMX_FW_ENABLED));
}

TEST_F(caps, nr_cpus_online)
{
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN), (long)self->c.nr_cpus);
}

TEST_F(caps, reserved_zero)
{
	int i;

	for (i = 0; i < 8; i++)
		EXPECT_EQ(0ULL, self->c.reserved[i]) TH_LOG("reserved[%d]", i);
}

TEST_F(caps, two_calls_identical)
{
	struct minivmm_caps again;

	ASSERT_EQ(0, mvmm_get_caps(self->fd, &again));
	EXPECT_EQ(0, memcmp(&self->c, &again, sizeof(again)));
}

/* Without secondary controls the two MSRs that need them read as 0. */
TEST_F(caps, secondary_ctls_raw)
{
	const struct minivmm_caps *c = &self->c;

	if (!HAS(c, MINIVMM_CAP_SECONDARY_CTLS)) {
		EXPECT_EQ(0ULL, c->procbased_ctls2);
		EXPECT_EQ(0ULL, c->ept_vpid_cap);
	} else {
		EXPECT_NE(0ULL, c->procbased_ctls2 >> 32);
	}
}

TEST_F(caps, invept_types_match_raw)
{
	const struct minivmm_caps *c = &self->c;
	bool single = c->ept_vpid_cap & BIT64(25);
	bool all = c->ept_vpid_cap & BIT64(26);

	EXPECT_EQ(HAS(c, MINIVMM_CAP_INVEPT), !!(c->ept_vpid_cap & BIT64(20)));
	if (!HAS(c, MINIVMM_CAP_INVEPT)) {
		EXPECT_EQ(0u, c->invept_types);
		return;
	}
	EXPECT_EQ(single, !!(c->invept_types & MINIVMM_INVEPT_SINGLE_CONTEXT));
	EXPECT_EQ(all, !!(c->invept_types & MINIVMM_INVEPT_ALL_CONTEXT));
	EXPECT_EQ(0u, c->invept_types & ~3u);
}

TEST_F(caps, invvpid_types_match_raw)
{
	const struct minivmm_caps *c = &self->c;
	int i;

	EXPECT_EQ(HAS(c, MINIVMM_CAP_INVVPID), !!(c->ept_vpid_cap & BIT64(32)));
	if (!HAS(c, MINIVMM_CAP_INVVPID)) {
		EXPECT_EQ(0u, c->invvpid_types);
		return;
	}
	for (i = 0; i < 4; i++)	/* EPT_VPID_CAP bits 40..43 */
		EXPECT_EQ(!!(c->ept_vpid_cap & BIT64(40 + i)),
			  !!(c->invvpid_types & (1u << i))) TH_LOG("type %d", i);
	EXPECT_EQ(0u, c->invvpid_types & ~15u);
}

/*
 * A capability and the raw bit it comes from (ioctl-abi.rst). A module may
 * leave a feature out when EPT (or VPID) itself is missing, so the raw bit
 * implies the capability only when @needs is reported too.
 */
FIXTURE(raw_bit) {
	int fd;
	struct minivmm_caps c;
};

FIXTURE_VARIANT(raw_bit) {
	unsigned long long cap;
	bool in_ctls2;		/* bit of procbased_ctls2, else ept_vpid_cap */
	int bit;
	unsigned long long needs;
};

FIXTURE_VARIANT_ADD(raw_bit, ept) {
	.cap = MINIVMM_CAP_EPT, .in_ctls2 = true, .bit = 32 + 1,
};
FIXTURE_VARIANT_ADD(raw_bit, vpid) {
	.cap = MINIVMM_CAP_VPID, .in_ctls2 = true, .bit = 32 + 5,
};
FIXTURE_VARIANT_ADD(raw_bit, unrestricted_guest) {
	.cap = MINIVMM_CAP_UNRESTRICTED_GUEST, .in_ctls2 = true, .bit = 32 + 7,
	.needs = MINIVMM_CAP_EPT,
};
FIXTURE_VARIANT_ADD(raw_bit, ept_4level) {
	.cap = MINIVMM_CAP_EPT_4LEVEL, .bit = 6, .needs = MINIVMM_CAP_EPT,
};
FIXTURE_VARIANT_ADD(raw_bit, ept_wb) {
	.cap = MINIVMM_CAP_EPT_WB, .bit = 14, .needs = MINIVMM_CAP_EPT,
};
FIXTURE_VARIANT_ADD(raw_bit, ept_2m) {
	.cap = MINIVMM_CAP_EPT_2M, .bit = 16, .needs = MINIVMM_CAP_EPT,
};
FIXTURE_VARIANT_ADD(raw_bit, ept_1g) {
	.cap = MINIVMM_CAP_EPT_1G, .bit = 17, .needs = MINIVMM_CAP_EPT,
};
FIXTURE_VARIANT_ADD(raw_bit, ept_ad) {
	.cap = MINIVMM_CAP_EPT_AD, .bit = 21, .needs = MINIVMM_CAP_EPT,
};

FIXTURE_SETUP(raw_bit)
{
	self->fd = mvmm_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %m", MVMM_DEV);
	ASSERT_EQ(0, mvmm_get_caps(self->fd, &self->c));
}

FIXTURE_TEARDOWN(raw_bit)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(raw_bit, matches_msr)
{
	const struct minivmm_caps *c = &self->c;
	__u64 raw = variant->in_ctls2 ? c->procbased_ctls2 : c->ept_vpid_cap;
	bool raw_set = raw & BIT64(variant->bit);
	bool needs_met = (c->caps & variant->needs) == variant->needs;

	if (HAS(c, variant->cap))
		EXPECT_TRUE(raw_set) TH_LOG("cap set, raw bit %d clear (0x%llx)",
					    variant->bit,
					    (unsigned long long)raw);
	if (raw_set && needs_met)
		EXPECT_TRUE(HAS(c, variant->cap))
			TH_LOG("raw bit %d set (0x%llx), cap clear",
			       variant->bit, (unsigned long long)raw);
}

/*
 * "vmx flags" tokens of the 6.1 kernel (lower-case VMX_FEATURE_* names,
 * arch/x86/kernel/cpu/feat_ctl.c fills them from the same MSRs).
 */
FIXTURE(vmx_flag) {
	int fd;
	struct minivmm_caps c;
	char vmx_flags[4096];
};

FIXTURE_VARIANT(vmx_flag) {
	const char *token;
	unsigned long long cap;
};

FIXTURE_VARIANT_ADD(vmx_flag, ept) {
	.token = "ept", .cap = MINIVMM_CAP_EPT,
};
FIXTURE_VARIANT_ADD(vmx_flag, vpid) {
	.token = "vpid", .cap = MINIVMM_CAP_VPID,
};
FIXTURE_VARIANT_ADD(vmx_flag, unrestricted_guest) {
	.token = "unrestricted_guest", .cap = MINIVMM_CAP_UNRESTRICTED_GUEST,
};
FIXTURE_VARIANT_ADD(vmx_flag, ept_ad) {
	.token = "ept_ad", .cap = MINIVMM_CAP_EPT_AD,
};
FIXTURE_VARIANT_ADD(vmx_flag, ept_1gb) {
	.token = "ept_1gb", .cap = MINIVMM_CAP_EPT_1G,
};
FIXTURE_VARIANT_ADD(vmx_flag, preemption_timer) {
	.token = "preemption_timer", .cap = MINIVMM_CAP_PREEMPTION_TIMER,
};
FIXTURE_VARIANT_ADD(vmx_flag, invvpid) {
	.token = "invvpid", .cap = MINIVMM_CAP_INVVPID,
};

FIXTURE_SETUP(vmx_flag)
{
	self->fd = mvmm_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %m", MVMM_DEV);
	ASSERT_EQ(0, mvmm_get_caps(self->fd, &self->c));
	ASSERT_TRUE(HAS(&self->c, MINIVMM_CAP_VMX));
	ASSERT_EQ(0, cpuinfo_field("vmx flags", self->vmx_flags,
				   sizeof(self->vmx_flags)))
		TH_LOG("no 'vmx flags' line in /proc/cpuinfo on a VMX CPU");
}

FIXTURE_TEARDOWN(vmx_flag)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(vmx_flag, matches_cap)
{
	bool token = has_token(self->vmx_flags, variant->token);

	EXPECT_EQ(token, HAS(&self->c, variant->cap))
		TH_LOG("'%s' %s in vmx flags, caps 0x%llx", variant->token,
		       token ? "present" : "absent",
		       (unsigned long long)self->c.caps);
}

TEST_HARNESS_MAIN
