// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of minivmm-ctl's argument parsers and formatters
 * (userspace-ctl/lib/units.c, policy_kv.c) and of its JSON reports.
 */
#include <stdio.h>
#include <string.h>
#include <linux/minivmm.h>
#include "unit.h"
#include "policy_kv.h"
#include "reports.h"
#include "units.h"

#define MIB	(1ULL << 20)

/* @s as pages of a VM of @mem bytes, or ~0 when refused. */
static unsigned long long pages_of(const char *s, unsigned long long mem,
				   bool *rounded)
{
	char err[CTL_ERR_LEN];
	struct size_arg a;
	unsigned long long p;

	if (parse_size(s, &a, err, sizeof(err)))
		return ~0ULL;
	if (size_to_pages(&a, mem, &p, rounded))
		return ~0ULL;
	return p;
}

UNIT_TEST(ctl_parse_sizes)
{
	bool r = false;

	CHECK_EQ(pages_of("512M", 0, &r), 131072ULL);
	CHECK_EQ(r, false);
	CHECK_EQ(pages_of("2G", 0, &r), 524288ULL);
	CHECK_EQ(pages_of("1.5G", 0, &r), 393216ULL);
	CHECK_EQ(pages_of("4096K", 0, &r), 1024ULL);
	CHECK_EQ(pages_of("8192", 0, &r), 2ULL);
	CHECK_EQ(pages_of("25%", 64 * MIB, &r), 4096ULL);
	CHECK_EQ(pages_of("100%", 64 * MIB, &r), 16384ULL);
	/* 5000 bytes: rounded to the nearest page, and said so. */
	CHECK_EQ(pages_of("5000", 0, &r), 1ULL);
	CHECK_EQ(r, true);
	CHECK_EQ(pages_of("0", 0, &r), 0ULL);
}

UNIT_TEST(ctl_parse_sizes_refused)
{
	static const char *const bad[] = {
		"", "M", "12Q", "-1M", "1..5G", "101%", "1e3", "0x10",
		"99999999999999999999", "16E", "1.1234567G", " 1M",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(pages_of(bad[i], 64 * MIB, NULL), ~0ULL);
}

UNIT_TEST(ctl_parse_policy_values)
{
	char err[CTL_ERR_LEN];
	unsigned int v;
	bool on;

	CHECK_EQ(parse_bp("6%", &v, err, sizeof(err)), 0);
	CHECK_EQ(v, 600u);
	CHECK_EQ(parse_bp("0.25%", &v, err, sizeof(err)), 0);
	CHECK_EQ(v, 25u);
	CHECK_EQ(parse_bp("600bp", &v, err, sizeof(err)), 0);
	CHECK_EQ(v, 600u);
	CHECK_EQ(parse_bp("6", &v, err, sizeof(err)) == 0 && v == 6, false);
	CHECK_EQ(parse_ms("2s", &v, err, sizeof(err)), 0);
	CHECK_EQ(v, 2000u);
	CHECK_EQ(parse_ms("250ms", &v, err, sizeof(err)), 0);
	CHECK_EQ(v, 250u);
	CHECK_EQ(parse_ms("1000", &v, err, sizeof(err)), 0);
	CHECK_EQ(v, 1000u);
	CHECK_EQ(parse_ms("soon", &v, err, sizeof(err)), -1);
	CHECK_EQ(parse_onoff("off", &on, err, sizeof(err)), 0);
	CHECK_EQ(on, false);
	CHECK_EQ(parse_onoff("1", &on, err, sizeof(err)), 0);
	CHECK_EQ(on, true);
	CHECK_EQ(parse_onoff("maybe", &on, err, sizeof(err)), -1);
	CHECK_EQ(parse_vm_id("12", &v, err, sizeof(err)), 0);
	CHECK_EQ(v, 12u);
	CHECK_EQ(parse_vm_id("0", &v, err, sizeof(err)), -1);
	CHECK_EQ(parse_vm_id("vm1", &v, err, sizeof(err)), -1);
}

static const struct minivmm_policy defaults = {
	.high_bp = 600, .soft_bp = 400, .hard_bp = 200, .low_bp = 100,
	.step_bp = 500, .min_change_bp = 25, .hard_step_mult = 2,
	.low_step_mult = 4, .unresponsive_steps = 5, .interval_ms = 1000,
	.enabled = 1,
};

UNIT_TEST(ctl_policy_set_keys)
{
	struct minivmm_policy p = defaults;
	char err[CTL_ERR_LEN];

	CHECK_EQ(policy_apply_kv(&p, "high=7%", err, sizeof(err)), 0);
	CHECK_EQ(p.high_bp, 700u);
	CHECK_EQ(policy_apply_kv(&p, "interval=250ms", err, sizeof(err)), 0);
	CHECK_EQ(p.interval_ms, 250u);
	CHECK_EQ(policy_apply_kv(&p, "enabled=off", err, sizeof(err)), 0);
	CHECK_EQ(p.enabled, 0u);
	CHECK_EQ(policy_apply_kv(&p, "low_step_mult=8", err, sizeof(err)), 0);
	CHECK_EQ(p.low_step_mult, 8u);
	CHECK_EQ(policy_check(&p, err, sizeof(err)), 0);

	/* Refused: nothing changes. */
	CHECK_EQ(policy_apply_kv(&p, "bogus=1", err, sizeof(err)), -1);
	CHECK_EQ(policy_apply_kv(&p, "high", err, sizeof(err)), -1);
	CHECK_EQ(policy_apply_kv(&p, "high=lots", err, sizeof(err)), -1);
	CHECK_EQ(p.high_bp, 700u);

	/* A policy the kernel would refuse is caught before it is sent. */
	p = defaults;
	CHECK_EQ(policy_apply_kv(&p, "soft=6%", err, sizeof(err)), 0);
	CHECK_EQ(policy_check(&p, err, sizeof(err)), -1);
	p = defaults;
	p.interval_ms = 50;
	CHECK_EQ(policy_check(&p, err, sizeof(err)), -1);
}

UNIT_TEST(ctl_show_and_stats_json)
{
	struct minivmm_admin_vm_stats s;
	struct stats_sample a, b;
	char buf[8192];
	FILE *f;

	memset(&s, 0, sizeof(s));
	s.info.vm_id = 3;
	s.info.mem_bytes = 64 * MIB;
	s.info.flags = MINIVMM_VM_HAS_BALLOON;
	s.balloon.target_pages = 1024;
	s.paging.double_paging_pages = 7;
	s.paging.guest_stats_valid = 1;
	s.paging.guest_swap_in = 9;
	f = fmemopen(buf, sizeof(buf), "w");
	show_json(f, &s, 0);
	fclose(f);
	CHECK_EQ(strstr(buf, "\"double_paging_pages\": 7") != NULL, true);
	CHECK_EQ(strstr(buf, "\"target_pages\": 1024") != NULL, true);
	CHECK_EQ(strstr(buf, "\"guest_swap_in_pages\": 9") != NULL, true);
	CHECK_EQ(strstr(buf, "\"guest_swap_out_pages\": null") != NULL, true);

	memset(&a, 0, sizeof(a));
	a.vm_id = 3;
	a.seq = 1;
	a.p.host_swapin_faults = 10;
	b = a;
	b.seq = 2;
	b.time_ns = 1000;
	b.p.host_swapin_faults = 15;
	f = fmemopen(buf, sizeof(buf), "w");
	stats_json(f, &b, &a, true);
	fclose(f);
	CHECK_EQ(strchr(buf, '\n') == strrchr(buf, '\n'), true);
	CHECK_EQ(strstr(buf, "\"host_swapin_faults\":5") != NULL ||
		 strstr(buf, "\"host_swapin_faults\": 5") != NULL, true);
}
