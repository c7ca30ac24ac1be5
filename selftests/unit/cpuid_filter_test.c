// SPDX-License-Identifier: GPL-2.0
/* Unit tests of kmod/common/cpuid_filter.c: what a guest's CPUID shows. */
#include "unit.h"
#include "common/cpuid_filter.h"

static struct minivmm_cpuid_entry leaf(__u32 fn, __u32 idx, __u32 a, __u32 b,
				       __u32 c, __u32 d)
{
	struct minivmm_cpuid_entry e = { .function = fn, .index = idx,
		.eax = a, .ebx = b, .ecx = c, .edx = d };

	return e;
}

UNIT_TEST(cpuid_leaf1_hides_vmx_sets_hypervisor_and_apic_id)
{
	/* A Skylake-X leaf 1 as Bochs reports it: VMX (bit 5) is set. */
	struct minivmm_cpuid_entry e = leaf(1, 0, 0x50654, 0x00100800,
					    0x7ffefbff, 0xbfebfbff);

	CHECK(minivmm_cpuid_filter(&e, 3));
	CHECK_EQ(e.ecx & (1u << 5), 0);		/* VMX */
	CHECK_EQ(e.ecx & (1u << 6), 0);		/* SMX */
	CHECK_EQ(e.ecx & (1u << 3), 0);		/* MONITOR */
	CHECK_EQ(e.ecx & (1u << 21), 0);	/* x2APIC */
	CHECK(e.ecx & (1u << 31));		/* hypervisor */
	CHECK(e.ecx & (1u << 0));		/* SSE3 kept */
	CHECK(e.ecx & (1u << 26));		/* XSAVE kept */
	CHECK_EQ(e.ebx >> 24, 3);		/* APIC id = vCPU id */
	CHECK_EQ(e.ebx & 0xffffff, 0x100800);
	CHECK_EQ(e.edx & (1u << 21), 0);	/* DS */
	CHECK(e.edx & (1u << 25));		/* SSE kept */
	CHECK_EQ(e.eax, 0x50654);
}

UNIT_TEST(cpuid_leaf7_hides_invpcid_pku_waitpkg)
{
	struct minivmm_cpuid_entry e = leaf(7, 0, 0, 0xffffffff, 0xffffffff, 0);
	struct minivmm_cpuid_entry e1 = leaf(7, 1, 0, 0xffffffff, 0, 0);

	CHECK(minivmm_cpuid_filter(&e, 0));
	CHECK_EQ(e.ebx & (1u << 10), 0);
	CHECK_EQ(e.ecx & (1u << 3), 0);
	CHECK_EQ(e.ecx & (1u << 5), 0);
	CHECK(e.ebx & (1u << 0));		/* FSGSBASE kept */
	CHECK(minivmm_cpuid_filter(&e1, 0));
	CHECK_EQ(e1.ebx, 0xffffffff);		/* sub-leaf 1 untouched */
}

UNIT_TEST(cpuid_perfmon_thermal_zeroed_rdt_sgx_pt_dropped)
{
	struct minivmm_cpuid_entry a = leaf(0xa, 0, 1, 2, 3, 4);
	struct minivmm_cpuid_entry t = leaf(0x6, 0, 1, 2, 3, 4);
	struct minivmm_cpuid_entry s = leaf(0x12, 0, 1, 2, 3, 4);
	struct minivmm_cpuid_entry p = leaf(0x14, 0, 1, 2, 3, 4);
	struct minivmm_cpuid_entry x = leaf(0x80000001, 0, 0, 0, 1, 0xffffffff);

	CHECK(minivmm_cpuid_filter(&a, 0));
	CHECK_EQ(a.eax | a.ebx | a.ecx | a.edx, 0);
	CHECK(minivmm_cpuid_filter(&t, 0));
	CHECK_EQ(t.eax | t.ebx | t.ecx | t.edx, 0);
	CHECK(!minivmm_cpuid_filter(&s, 0));
	CHECK(!minivmm_cpuid_filter(&p, 0));
	CHECK(minivmm_cpuid_filter(&x, 0));
	CHECK_EQ(x.edx & (1u << 27), 0);	/* RDTSCP */
	CHECK(x.edx & (1u << 29));		/* LM kept */
}

UNIT_TEST(cpuid_hv_signature_leaf)
{
	struct minivmm_cpuid_entry e;
	char sig[12];

	minivmm_cpuid_hv_leaf(&e);
	CHECK_EQ(e.function, 0x40000000);
	CHECK_EQ(e.eax, 0x40000000);
	memcpy(sig, &e.ebx, 4);
	memcpy(sig + 4, &e.ecx, 4);
	memcpy(sig + 8, &e.edx, 4);
	CHECK(!memcmp(sig, "minivmm\0\0\0\0\0", 12));
}

UNIT_TEST(cpuid_lookup_honours_significant_index)
{
	struct minivmm_cpuid_entry t[3] = {
		leaf(0, 0, 0xd, 1, 2, 3),
		leaf(7, 0, 10, 11, 12, 13),
		leaf(7, 1, 20, 21, 22, 23),
	};
	__u32 out[4];

	t[1].flags = t[2].flags = MINIVMM_CPUID_SIGNIFICANT_INDEX;
	CHECK(minivmm_cpuid_lookup(t, 3, 7, 1, out));
	CHECK_EQ(out[0], 20);
	CHECK(minivmm_cpuid_lookup(t, 3, 7, 0, out));
	CHECK_EQ(out[3], 13);
	CHECK(!minivmm_cpuid_lookup(t, 3, 7, 2, out));
	CHECK_EQ(out[0] | out[1] | out[2] | out[3], 0);
	/* Without the flag, ECX does not matter. */
	CHECK(minivmm_cpuid_lookup(t, 3, 0, 99, out));
	CHECK_EQ(out[0], 0xd);
	CHECK(!minivmm_cpuid_lookup(t, 3, 0x80000000, 0, out));
}

UNIT_TEST(cpuid_check_table_rejects_bad_tables)
{
	struct minivmm_cpuid_entry t[2] = { leaf(1, 0, 0, 0, 0, 0), leaf(1, 0, 0, 0, 0, 0) };

	CHECK_EQ(minivmm_cpuid_check_table(t, 1), 0);
	CHECK_EQ(minivmm_cpuid_check_table(t, 2), -EINVAL);	/* duplicate */
	t[1].function = 7;
	t[0].flags = MINIVMM_CPUID_SIGNIFICANT_INDEX;
	CHECK_EQ(minivmm_cpuid_check_table(t, 2), 0);
	t[1].flags = 2;						/* unknown flag */
	CHECK_EQ(minivmm_cpuid_check_table(t, 2), -EINVAL);
	t[1].flags = 0;
	t[1].padding = 1;
	CHECK_EQ(minivmm_cpuid_check_table(t, 2), -EINVAL);
	CHECK_EQ(minivmm_cpuid_check_table(t, MINIVMM_MAX_CPUID_ENTRIES + 1), -EINVAL);
}

UNIT_TEST(cpuid_index_leaves)
{
	CHECK(minivmm_cpuid_leaf_has_index(4));
	CHECK(minivmm_cpuid_leaf_has_index(0xd));
	CHECK(!minivmm_cpuid_leaf_has_index(1));
	CHECK(!minivmm_cpuid_leaf_has_index(0x80000001));
}

UNIT_TEST(cpuid_features_without_msrs_are_hidden)
{
	struct minivmm_cpuid_entry l1 = leaf(1, 0, 0, 0, 0, 0xffffffff);
	struct minivmm_cpuid_entry l7 = leaf(7, 0, 0, 0, 0, 0xffffffff);
	struct minivmm_cpuid_entry x8 = leaf(0x80000008, 0, 0x3030, 0xffffffff, 0, 0);

	CHECK(minivmm_cpuid_filter(&l1, 0));
	CHECK_EQ(l1.edx & (1u << 7), 0);	/* MCE */
	CHECK_EQ(l1.edx & (1u << 14), 0);	/* MCA */
	CHECK(l1.edx & (1u << 0));		/* FPU kept */
	CHECK(minivmm_cpuid_filter(&l7, 0));
	CHECK_EQ(l7.edx >> 26, 0);		/* IBRS .. SSBD */
	CHECK(l7.edx & (1u << 10));		/* MD_CLEAR kept */
	CHECK(minivmm_cpuid_filter(&x8, 0));
	CHECK_EQ(x8.ebx & ((1u << 12) | (1u << 14) | (1u << 15) | (1u << 24)), 0);
	CHECK_EQ(x8.eax, 0x3030);
}

UNIT_TEST(cpuid_hide_xsave_for_hosts_without_it)
{
	struct minivmm_cpuid_entry l1 = leaf(1, 0, 0, 0, 0xffffffff, 0);
	struct minivmm_cpuid_entry l7 = leaf(7, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff);
	struct minivmm_cpuid_entry d = leaf(0xd, 0, 7, 0, 0, 0);
	struct minivmm_cpuid_entry l0 = leaf(0, 0, 0x16, 1, 2, 3);

	CHECK(minivmm_cpuid_hide_xsave(&l1));
	CHECK_EQ(l1.ecx & ((1u << 26) | (1u << 27) | (1u << 28)), 0);
	CHECK(l1.ecx & (1u << 0));		/* SSE3 kept */
	CHECK(minivmm_cpuid_hide_xsave(&l7));
	CHECK_EQ(l7.ebx & (1u << 5), 0);	/* AVX2 */
	CHECK_EQ(l7.ebx & (1u << 16), 0);	/* AVX512F */
	CHECK(l7.ebx & (1u << 0));		/* FSGSBASE kept */
	CHECK(!minivmm_cpuid_hide_xsave(&d));	/* leaf 0xd withheld */
	CHECK(minivmm_cpuid_hide_xsave(&l0));
	CHECK_EQ(l0.eax, 0x16);
}
