// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm-ctl and the module agree because they run the same code: the
 * CLI's policy check refuses exactly what the module's SET_POLICY path
 * refuses, and host-state names, balloon-mode names and statistics tags
 * come from kmod/common/.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/minivmm.h>
#include "unit.h"
#include "common/balloon_policy.h"
#include "common/balloon_req.h"
#include "balloon_names.h"
#include "policy_kv.h"
#include "reports.h"
#include "units.h"

static const struct minivmm_policy defaults = {
	.high_bp = 600, .soft_bp = 400, .hard_bp = 200, .low_bp = 100,
	.step_bp = 500, .min_change_bp = 25, .hard_step_mult = 2,
	.low_step_mult = 4, .unresponsive_steps = 5, .interval_ms = 1000,
	.enabled = 1,
};

/*
 * The SET_POLICY rules written out independently (as kmod/monitor.c spelt
 * them before it called the shared helper): pad/enabled/interval/reserved
 * checks, a field-by-field copy into the tunables, then
 * minivmm_policy_params_check(). The oracle the shared helper, which both
 * the module and the CLI now call, is compared with.
 */
static bool kernel_accepts(const struct minivmm_policy *u)
{
	struct minivmm_policy_params np = {
		.high_bp = u->high_bp,
		.soft_bp = u->soft_bp,
		.hard_bp = u->hard_bp,
		.low_bp = u->low_bp,
		.step_bp = u->step_bp,
		.min_change_bp = u->min_change_bp,
		.hard_step_mult = u->hard_step_mult,
		.low_step_mult = u->low_step_mult,
		.unresponsive_steps = u->unresponsive_steps,
	};
	unsigned int i;

	if (u->pad || u->enabled > 1 || u->interval_ms < 100 ||
	    u->interval_ms > 60000)
		return false;
	for (i = 0; i < 4; i++)
		if (u->reserved[i])
			return false;
	return !minivmm_policy_params_check(&np, NULL);
}

/* One CLI/module comparison; counts disagreements and refusals. */
static void compare(int *unit_failed_, const struct minivmm_policy *u,
		    unsigned int *bad, unsigned int *refused)
{
	enum minivmm_policy_rule rule = MINIVMM_POLICY_RULE_NR;
	struct minivmm_policy_params p;
	char err[CTL_ERR_LEN] = "";
	bool kernel = kernel_accepts(u);
	int ctl = policy_check(u, err, sizeof(err));
	int common = minivmm_policy_from_uapi(u, &p, &rule);

	if ((ctl == 0) != kernel || (common == 0) != kernel ||
	    (common == 0) != (rule == MINIVMM_POLICY_RULE_OK) ||
	    (common && common != -EINVAL)) {
		if (++*bad <= 5)
			printf("#   disagree: high %u soft %u hard %u low %u step %u min %u mult %u/%u unr %u int %u en %u pad %u: kernel %d ctl %d common %d\n",
			       u->high_bp, u->soft_bp, u->hard_bp, u->low_bp,
			       u->step_bp, u->min_change_bp, u->hard_step_mult,
			       u->low_step_mult, u->unresponsive_steps,
			       u->interval_ms, u->enabled, u->pad, kernel, ctl,
			       common);
		CHECK(0);
		return;
	}
	if (kernel)
		return;
	(*refused)++;
	/* The message opens with the module's words for the broken rule. */
	CHECK(minivmm_policy_rule_text(rule) != NULL);
	if (minivmm_policy_rule_text(rule))
		CHECK(!strncmp(err, minivmm_policy_rule_text(rule),
			       strlen(minivmm_policy_rule_text(rule))));
	/* The tunables are converted whether or not they are valid. */
	CHECK_EQ(p.high_bp, u->high_bp);
	CHECK_EQ(p.unresponsive_steps, u->unresponsive_steps);
}

/* Edge values of every field, from the rules of struct minivmm_policy. */
static const __u32 edge_bp[] = {
	0, 1, 2, 3, 4, 24, 25, 26, 99, 100, 101, 199, 200, 201, 399, 400,
	401, 499, 500, 501, 599, 600, 601, 4999, 5000, 5001, 9999, 10000,
	10001, 0xffffffffu,
};
static const __u32 edge_mult[] = { 0, 1, 2, 3, 4, 99, 100, 101, 0xffffffffu };
/* The tunables: six in basis points, then three counts. */
static const size_t tunables[] = {
	offsetof(struct minivmm_policy, high_bp),
	offsetof(struct minivmm_policy, soft_bp),
	offsetof(struct minivmm_policy, hard_bp),
	offsetof(struct minivmm_policy, low_bp),
	offsetof(struct minivmm_policy, step_bp),
	offsetof(struct minivmm_policy, min_change_bp),
	offsetof(struct minivmm_policy, hard_step_mult),
	offsetof(struct minivmm_policy, low_step_mult),
	offsetof(struct minivmm_policy, unresponsive_steps),
};
static const __u32 edge_ms[] = { 0, 99, 100, 101, 1000, 59999, 60000, 60001 };

static __u32 lcg(__u64 *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

#define PICK(s, a)	((a)[lcg(s) % MINIVMM_ARRAY_SIZE(a)])

UNIT_TEST(ctl_policy_check_refuses_what_the_module_refuses)
{
	unsigned int bad = 0, refused = 0, n = 0, i, j;
	struct minivmm_policy u;
	__u64 seed = 12;

	compare(unit_failed_, &defaults, &bad, &refused);
	CHECK_EQ(refused, 0);

	/* Every tunable alone at every edge value. */
	for (i = 0; i < MINIVMM_ARRAY_SIZE(tunables); i++) {
		for (j = 0; j < MINIVMM_ARRAY_SIZE(edge_bp); j++) {
			__u32 v = i < 6 ? edge_bp[j] :
				  edge_mult[j % MINIVMM_ARRAY_SIZE(edge_mult)];

			u = defaults;
			memcpy((char *)&u + tunables[i], &v, sizeof(v));
			compare(unit_failed_, &u, &bad, &refused);
			n++;
		}
	}
	for (j = 0; j < MINIVMM_ARRAY_SIZE(edge_ms); j++) {
		u = defaults;
		u.interval_ms = edge_ms[j];
		compare(unit_failed_, &u, &bad, &refused);
		u = defaults;
		u.enabled = j;
		compare(unit_failed_, &u, &bad, &refused);
		n += 2;
	}
	u = defaults;
	u.pad = 1;
	compare(unit_failed_, &u, &bad, &refused);
	for (j = 0; j < 4; j++) {
		u = defaults;
		u.reserved[j] = 1ull << 63;
		compare(unit_failed_, &u, &bad, &refused);
	}

	/* All watermark orders over a small grid, the rest at defaults. */
	{
		static const __u32 w[] = { 0, 1, 2, 3, 5000, 5001 };
		unsigned int a, b, c, d;

		for (a = 0; a < 6; a++)
			for (b = 0; b < 6; b++)
				for (c = 0; c < 6; c++)
					for (d = 0; d < 6; d++) {
						u = defaults;
						u.high_bp = w[a];
						u.soft_bp = w[b];
						u.hard_bp = w[c];
						u.low_bp = w[d];
						compare(unit_failed_, &u, &bad,
							&refused);
						n++;
					}
	}

	/* Many fields broken at once, in every combination the dice give. */
	for (i = 0; i < 100000; i++) {
		u = defaults;
		u.high_bp = PICK(&seed, edge_bp);
		u.soft_bp = PICK(&seed, edge_bp);
		u.hard_bp = PICK(&seed, edge_bp);
		u.low_bp = PICK(&seed, edge_bp);
		u.step_bp = PICK(&seed, edge_bp);
		u.min_change_bp = PICK(&seed, edge_bp);
		u.hard_step_mult = PICK(&seed, edge_mult);
		u.low_step_mult = PICK(&seed, edge_mult);
		u.unresponsive_steps = PICK(&seed, edge_mult);
		u.interval_ms = PICK(&seed, edge_ms);
		u.enabled = lcg(&seed) % 3;
		u.pad = !(lcg(&seed) % 50);
		u.reserved[lcg(&seed) % 4] = !(lcg(&seed) % 50);
		/* Now and then a valid ladder, so acceptance is tried too. */
		if (lcg(&seed) % 2) {
			u.low_bp = 1 + lcg(&seed) % 1000;
			u.hard_bp = u.low_bp + 1 + lcg(&seed) % 1000;
			u.soft_bp = u.hard_bp + 1 + lcg(&seed) % 1000;
			u.high_bp = u.soft_bp + 1 + lcg(&seed) % 2500;
		}
		compare(unit_failed_, &u, &bad, &refused);
		n++;
	}
	printf("#   %u policies compared, %u refused by both\n", n, refused);
	CHECK_EQ(bad, 0);
	CHECK(refused > 1000 && refused < n - 1000);
}

UNIT_TEST(ctl_policy_check_messages)
{
	struct minivmm_policy u = defaults;
	char err[CTL_ERR_LEN];

	u.soft_bp = 600;
	CHECK_EQ(policy_check(&u, err, sizeof(err)), -1);
	CHECK_STREQ(err, "high watermark must be above soft: soft is 6%, high is 6%");
	u = defaults;
	u.low_bp = 0;
	CHECK_EQ(policy_check(&u, err, sizeof(err)), -1);
	CHECK_STREQ(err, "low watermark must be above 0: low is 0%");
	u = defaults;
	u.high_bp = 5050;
	CHECK_EQ(policy_check(&u, err, sizeof(err)), -1);
	CHECK_STREQ(err, "high watermark must be at most 50% of host RAM: high is 50.5%");
	u = defaults;
	u.min_change_bp = 500;
	CHECK_EQ(policy_check(&u, err, sizeof(err)), -1);
	CHECK_STREQ(err, "minimum change must be below the step: min_change is 5%, step is 5%");
	u = defaults;
	u.low_step_mult = 1;
	CHECK_EQ(policy_check(&u, err, sizeof(err)), -1);
	CHECK_STREQ(err, "step multipliers must be 1 <= hard <= low <= 100: hard_step_mult is 2, low_step_mult is 1");
	u = defaults;
	u.interval_ms = 50;
	CHECK_EQ(policy_check(&u, err, sizeof(err)), -1);
	CHECK_STREQ(err, "interval must be 100..60000 ms: interval (ms) is 50");
	u = defaults;
	u.enabled = 2;
	CHECK_EQ(policy_check(&u, err, sizeof(err)), -1);
	CHECK_STREQ(err, "enabled must be 0 or 1: enabled is 2");
	u = defaults;
	u.reserved[3] = 1;
	CHECK_EQ(policy_check(&u, err, sizeof(err)), -1);
	CHECK_STREQ(err, "pad and reserved must be zero");
	/* Every rule has words; none beyond the last. */
	CHECK(minivmm_policy_rule_text(MINIVMM_POLICY_RULE_OK) == NULL);
	CHECK(minivmm_policy_rule_text(MINIVMM_POLICY_RULE_NR) == NULL);
	CHECK(minivmm_policy_rule_text((enum minivmm_policy_rule)-1) == NULL);
	for (int r = MINIVMM_POLICY_RULE_OK + 1; r < MINIVMM_POLICY_RULE_NR; r++)
		CHECK(minivmm_policy_rule_text(r) != NULL);
}

UNIT_TEST(ctl_policy_uapi_round_trip)
{
	struct minivmm_policy_params p, q;
	enum minivmm_policy_rule rule = MINIVMM_POLICY_RULE_NR;
	struct minivmm_policy u;

	minivmm_policy_defaults(&p);
	memset(&u, 0xa5, sizeof(u));
	minivmm_policy_to_uapi(&p, MINIVMM_POLICY_INTERVAL_MS, true, &u);
	CHECK(!memcmp(&u, &defaults, sizeof(u)));
	CHECK_EQ(minivmm_policy_from_uapi(&u, &q, &rule), 0);
	CHECK_EQ(rule, MINIVMM_POLICY_RULE_OK);
	CHECK(!memcmp(&p, &q, sizeof(p)));
	CHECK_EQ(minivmm_policy_from_uapi(&u, NULL, NULL), 0);
	u.enabled = 2;
	CHECK_EQ(minivmm_policy_from_uapi(&u, NULL, NULL), -EINVAL);
}

UNIT_TEST(ctl_names_come_from_the_module)
{
	unsigned int i;

	for (i = MINIVMM_MONITOR_HIGH; i <= MINIVMM_MONITOR_LOW; i++)
		CHECK_STREQ(host_state_name(i),
			    minivmm_host_state_name((enum minivmm_host_state)i));
	CHECK_STREQ(host_state_name(MINIVMM_MONITOR_SOFT), "soft");
	CHECK_STREQ(host_state_name(MINIVMM_MONITOR_LOW + 1), "unknown");
	CHECK_STREQ(host_state_name(~0u), "unknown");

	CHECK_STREQ(balloon_mode_name(MINIVMM_BALLOON_MANUAL),
		    minivmm_balloon_mode_name(MINIVMM_BALLOON_MANUAL));
	CHECK_STREQ(balloon_mode_name(MINIVMM_BALLOON_AUTO), "auto");
	CHECK_STREQ(minivmm_balloon_mode_name(MINIVMM_BALLOON_MANUAL), "manual");
	CHECK_STREQ(minivmm_balloon_mode_name(7), "?");
	CHECK_STREQ(balloon_mode_name(7), "unknown");

	/* One numbering of the statistics tags, every one named. */
	CHECK_EQ(MINIVMM_BALLOON_NR_STATS, MINIVMM_BALLOON_S_NR);
	for (i = 0; i < MINIVMM_BALLOON_NR_STATS; i++) {
		CHECK(balloon_stat_names[i].macro != NULL);
		CHECK(balloon_stat_names[i].name != NULL);
		CHECK(balloon_stat_names[i].key != NULL);
	}
	CHECK_STREQ(balloon_stat_names[VIRTIO_BALLOON_S_HTLB_PGFAIL].name,
		    "hugetlb-failures");
	CHECK_STREQ(balloon_stat_names[MINIVMM_BALLOON_S_OOM_KILL].macro,
		    "VIRTIO_BALLOON_S_OOM_KILL");
	CHECK_STREQ(balloon_stat_names[MINIVMM_BALLOON_S_DIRECT_RECLAIM].key,
		    "direct_reclaim_pages");
}
