// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kmod/common/balloon_policy.c: the balloon policy, driven by
 * a small simulator. The host has total RAM, a base use, a "hog" and the
 * guests; every guest's RAM is backed by the host except its balloon, so
 * host available = total - base - hog - sum(mem - balloon). A guest uses
 * some memory; its free memory is mem - used - balloon. Its balloon
 * follows the target at once (cooperative), by a few pages a step (slow)
 * or not at all (deaf). Set BALLOON_TRACE=1 to print every step.
 */
#include <stdlib.h>
#include "unit.h"
#include "common/balloon_policy.h"

#define SIM_MAX		8
#define K		1000ull

enum guest_kind { COOP, SLOW, DEAF };

struct sim_guest {
	__u64 mem, used, floor, ceiling, target, actual, rate;
	enum guest_kind kind;
	bool manual, no_stats;
	int last_dir;			/* +1 inflating, -1 deflating */
	unsigned int dir_changes;
	__u64 max_up, max_down;		/* largest target change in a step */
	unsigned int first_flagged;	/* step it was first unresponsive */
};

struct sim {
	struct minivmm_policy_params p;
	__u64 total, base, hog;
	enum minivmm_host_state state;
	unsigned int n, steps, violations;
	struct sim_guest g[SIM_MAX];
	struct minivmm_vm_sample s[SIM_MAX];
	struct minivmm_vm_decision d[SIM_MAX];
	struct minivmm_policy_summary sum;
	__u64 avail;			/* as sampled by the last step */
};

static void sim_init(struct sim *m, __u64 total, __u64 base)
{
	memset(m, 0, sizeof(*m));
	minivmm_policy_defaults(&m->p);
	m->total = total;
	m->base = base;
	m->state = MINIVMM_HOST_HIGH;
}

static struct sim_guest *sim_add(struct sim *m, __u64 mem, __u64 used,
				 __u64 floor, enum guest_kind kind)
{
	struct sim_guest *g = &m->g[m->n++];

	g->mem = mem;
	g->used = used;
	g->floor = floor;
	g->ceiling = mem;
	g->kind = kind;
	g->rate = 3 * K;
	return g;
}

static __u64 sim_avail(const struct sim *m)
{
	__u64 used = m->base + m->hog;
	unsigned int i;

	for (i = 0; i < m->n; i++)
		used += m->g[i].mem - m->g[i].actual;
	return used >= m->total ? 0 : m->total - used;
}

static __u64 sim_free(const struct sim_guest *g)
{
	__u64 busy = g->used + g->actual;

	return busy >= g->mem ? 0 : g->mem - busy;
}

static void sim_bad(struct sim *m, unsigned int i, const char *what,
		    __u64 a, __u64 b)
{
	printf("#   step %u vm %u: %s (%llu, %llu)\n", m->steps, i, what,
	       (unsigned long long)a, (unsigned long long)b);
	m->violations++;
}

/* Checks every rule the policy promises, on every VM of every step. */
static void sim_check(struct sim *m, unsigned int i)
{
	struct sim_guest *g = &m->g[i];
	const struct minivmm_vm_decision *d = &m->d[i];
	__u64 nt = d->new_target_pages, t = g->target;
	__u32 mult = m->sum.state == MINIVMM_HOST_LOW ? m->p.low_step_mult :
		     m->sum.state == MINIVMM_HOST_HARD ? m->p.hard_step_mult : 1;
	__u64 up_cap = g->mem * m->p.step_bp * mult / 10000;
	__u64 down_cap = g->mem * m->p.step_bp / 10000;
	__u64 maxb = g->mem - g->floor < g->ceiling ? g->mem - g->floor : g->ceiling;
	int dir = nt > t ? 1 : nt < t ? -1 : 0;

	if (d->changed != (nt != t))
		sim_bad(m, i, "changed flag wrong", nt, t);
	if (d->unresponsive && !g->first_flagged)
		g->first_flagged = m->steps;
	if (g->manual) {
		if (nt != t)
			sim_bad(m, i, "manual target touched", nt, t);
		return;
	}
	if (nt > maxb)
		sim_bad(m, i, "above floor/ceiling limit", nt, maxb);
	if (nt > t && nt - t > up_cap)
		sim_bad(m, i, "inflate step cap", nt - t, up_cap);
	/* Floor/ceiling clamps and withdrawn ignored requests: uncapped. */
	if (nt < t && t <= maxb && !d->unresponsive && t - nt > down_cap)
		sim_bad(m, i, "deflate step cap", t - nt, down_cap);
	if (nt > t && d->unresponsive)
		sim_bad(m, i, "unresponsive VM inflated", nt, t);
	if (d->unresponsive && nt < t && nt < g->actual)
		sim_bad(m, i, "withdrawn beyond the balloon", nt, g->actual);
	if (nt > t && nt - t > g->max_up)
		g->max_up = nt - t;
	if (nt < t && t - nt > g->max_down)
		g->max_down = t - nt;
	if (dir && g->last_dir && dir != g->last_dir)
		g->dir_changes++;
	if (dir)
		g->last_dir = dir;
}

/* One monitor period: sample, decide, apply, let the guests respond. */
static void sim_step(struct sim *m)
{
	unsigned int i;

	m->steps++;
	m->avail = sim_avail(m);
	for (i = 0; i < m->n; i++) {
		struct sim_guest *g = &m->g[i];
		struct minivmm_vm_sample *s = &m->s[i];

		s->mem_pages = g->mem;
		s->target_pages = g->target;
		s->actual_pages = g->actual;
		s->stats_valid = !g->no_stats;
		s->guest_free_pages = sim_free(g);	/* ignored if stale */
		s->floor_pages = g->floor;
		s->ceiling_pages = g->ceiling;
		s->auto_mode = !g->manual;
	}
	minivmm_policy_step(&m->p, m->avail, m->total, &m->state, m->s, m->d,
			    m->n, &m->sum);
	if (getenv("BALLOON_TRACE"))
		printf("# %3u avail %7llu %-4s need %6llu surplus %6llu:",
		       m->steps, (unsigned long long)m->avail,
		       minivmm_host_state_name(m->state),
		       (unsigned long long)m->sum.need_pages,
		       (unsigned long long)m->sum.surplus_pages);
	for (i = 0; i < m->n; i++) {
		struct sim_guest *g = &m->g[i];

		sim_check(m, i);
		if (getenv("BALLOON_TRACE"))
			printf(" [%llu/%llu%s]",
			       (unsigned long long)m->d[i].new_target_pages,
			       (unsigned long long)g->actual,
			       m->d[i].unresponsive ? " U" : "");
		g->target = m->d[i].new_target_pages;
		if (g->kind == COOP) {
			g->actual = g->target;
		} else if (g->kind == SLOW) {
			if (g->actual + g->rate <= g->target)
				g->actual += g->rate;
			else if (g->actual >= g->target + g->rate)
				g->actual -= g->rate;
			else
				g->actual = g->target;
		}
	}
	if (getenv("BALLOON_TRACE"))
		printf("\n");
}

/* Steps until the host state is HIGH with avail at/above the goal. */
static unsigned int sim_run_until_high(struct sim *m, unsigned int max)
{
	unsigned int i;

	for (i = 1; i <= max; i++) {
		sim_step(m);
		if (m->state == MINIVMM_HOST_HIGH && m->avail >= m->sum.goal_pages)
			return i;
	}
	return 0;
}

static __u64 sim_balloons(const struct sim *m)
{
	__u64 b = 0;
	unsigned int i;

	for (i = 0; i < m->n; i++)
		b += m->g[i].target;
	return b;
}

/*
 * The standard host: 1M pages (about 4 GiB), watermarks high 60000, soft
 * 40000, hard 20000, low 10000; 100000 pages of base use and three
 * 200000-page guests using 80000, 120000 and 160000 pages (free 120000,
 * 80000, 40000), floors 40000. Without the hog, 300000 pages are free;
 * default step: 10000 pages per VM.
 */
static void sim_standard(struct sim *m)
{
	sim_init(m, 1000 * K, 100 * K);
	sim_add(m, 200 * K, 80 * K, 40 * K, COOP);
	sim_add(m, 200 * K, 120 * K, 40 * K, COOP);
	sim_add(m, 200 * K, 160 * K, 40 * K, COOP);
}

UNIT_TEST(balloon_params_defaults_and_validation)
{
	struct minivmm_policy_params p, q;
	const char *why = "x";

	minivmm_policy_defaults(&p);
	CHECK_EQ(p.high_bp, 600);
	CHECK_EQ(p.soft_bp, 400);
	CHECK_EQ(p.hard_bp, 200);
	CHECK_EQ(p.low_bp, 100);
	CHECK_EQ(p.step_bp, 500);
	CHECK_EQ(p.min_change_bp, 25);
	CHECK_EQ(p.hard_step_mult, 2);
	CHECK_EQ(p.low_step_mult, 4);
	CHECK_EQ(p.unresponsive_steps, 5);
	CHECK_EQ(minivmm_policy_params_check(&p, &why), 0);
	CHECK(why == NULL);
	CHECK_EQ(minivmm_policy_params_check(&p, NULL), 0);

#define BAD(field, value, word) do {					\
	q = p;								\
	q.field = (value);						\
	why = NULL;							\
	CHECK_EQ(minivmm_policy_params_check(&q, &why), -EINVAL);	\
	CHECK(why && strstr(why, word));				\
	CHECK_EQ(minivmm_policy_params_check(&q, NULL), -EINVAL);	\
} while (0)
	BAD(low_bp, 0, "low");
	BAD(hard_bp, 100, "hard");		/* == low */
	BAD(soft_bp, 150, "soft");		/* below hard */
	BAD(high_bp, 400, "high");		/* == soft */
	BAD(high_bp, 5001, "50%");
	BAD(step_bp, 0, "step");
	BAD(step_bp, 10001, "step");
	BAD(min_change_bp, 500, "minimum");	/* == step */
	BAD(hard_step_mult, 0, "multipliers");
	BAD(low_step_mult, 1, "multipliers");	/* below hard */
	BAD(low_step_mult, 101, "multipliers");
	BAD(unresponsive_steps, 0, "unresponsive");
#undef BAD
	/* Edges that are fine. */
	q = p;
	q.high_bp = 5000;
	q.min_change_bp = 0;
	q.hard_step_mult = 1;
	q.low_step_mult = 1;
	q.unresponsive_steps = 1;
	CHECK_EQ(minivmm_policy_params_check(&q, &why), 0);
	q = p;
	q.high_bp = 4;
	q.soft_bp = 3;
	q.hard_bp = 2;
	q.low_bp = 1;
	CHECK_EQ(minivmm_policy_params_check(&q, &why), 0);
}

UNIT_TEST(balloon_host_state_watermarks_and_hysteresis)
{
	struct minivmm_policy_params p;
	const __u64 T = 1000 * K;	/* H 60000, S 40000, D 20000, L 10000 */

	minivmm_policy_defaults(&p);
	CHECK_EQ(minivmm_policy_bp_of(T, p.high_bp), 60 * K);
	CHECK_EQ(minivmm_policy_bp_of(T, p.low_bp), 10 * K);
	CHECK_EQ(minivmm_policy_bp_of(12345, 600), 740);	/* 740.7 */
	CHECK_EQ(minivmm_policy_bp_of(100, 20000), 100);	/* capped */
	CHECK_EQ(minivmm_policy_bp_of(~0ull, 10000), ~0ull);
	CHECK_EQ(minivmm_policy_bp_of(~0ull, 5000), 0x7fffffffffffffffull);

	/* Down: immediate, whatever the previous state. */
	CHECK_EQ(minivmm_policy_host_state(&p, 60 * K, T, MINIVMM_HOST_HIGH), MINIVMM_HOST_HIGH);
	CHECK_EQ(minivmm_policy_host_state(&p, 40 * K - 1, T, MINIVMM_HOST_HIGH), MINIVMM_HOST_SOFT);
	CHECK_EQ(minivmm_policy_host_state(&p, 20 * K, T, MINIVMM_HOST_HIGH), MINIVMM_HOST_SOFT);
	CHECK_EQ(minivmm_policy_host_state(&p, 20 * K - 1, T, MINIVMM_HOST_HIGH), MINIVMM_HOST_HARD);
	CHECK_EQ(minivmm_policy_host_state(&p, 10 * K, T, MINIVMM_HOST_SOFT), MINIVMM_HOST_HARD);
	CHECK_EQ(minivmm_policy_host_state(&p, 10 * K - 1, T, MINIVMM_HOST_HIGH), MINIVMM_HOST_LOW);
	CHECK_EQ(minivmm_policy_host_state(&p, 0, T, MINIVMM_HOST_HIGH), MINIVMM_HOST_LOW);
	/* Up from HARD/LOW: to SOFT and HARD at once, below high. */
	CHECK_EQ(minivmm_policy_host_state(&p, 10 * K, T, MINIVMM_HOST_LOW), MINIVMM_HOST_HARD);
	CHECK_EQ(minivmm_policy_host_state(&p, 20 * K, T, MINIVMM_HOST_HARD), MINIVMM_HOST_SOFT);
	/* The band [40000, 60000): the previous direction holds. */
	CHECK_EQ(minivmm_policy_host_state(&p, 40 * K, T, MINIVMM_HOST_HIGH), MINIVMM_HOST_HIGH);
	CHECK_EQ(minivmm_policy_host_state(&p, 60 * K - 1, T, MINIVMM_HOST_HIGH), MINIVMM_HOST_HIGH);
	CHECK_EQ(minivmm_policy_host_state(&p, 40 * K, T, MINIVMM_HOST_SOFT), MINIVMM_HOST_SOFT);
	CHECK_EQ(minivmm_policy_host_state(&p, 60 * K - 1, T, MINIVMM_HOST_SOFT), MINIVMM_HOST_SOFT);
	CHECK_EQ(minivmm_policy_host_state(&p, 50 * K, T, MINIVMM_HOST_HARD), MINIVMM_HOST_SOFT);
	CHECK_EQ(minivmm_policy_host_state(&p, 50 * K, T, MINIVMM_HOST_LOW), MINIVMM_HOST_SOFT);
	/* Up to HIGH only at the high watermark. */
	CHECK_EQ(minivmm_policy_host_state(&p, 60 * K, T, MINIVMM_HOST_SOFT), MINIVMM_HOST_HIGH);
	CHECK_EQ(minivmm_policy_host_state(&p, 60 * K, T, MINIVMM_HOST_LOW), MINIVMM_HOST_HIGH);
	/* Odd inputs. */
	CHECK_EQ(minivmm_policy_host_state(&p, 5, 0, MINIVMM_HOST_LOW), MINIVMM_HOST_HIGH);
	CHECK_EQ(minivmm_policy_host_state(&p, 2 * T, T, MINIVMM_HOST_LOW), MINIVMM_HOST_HIGH);
	CHECK_STREQ(minivmm_host_state_name(MINIVMM_HOST_HIGH), "high");
	CHECK_STREQ(minivmm_host_state_name(MINIVMM_HOST_SOFT), "soft");
	CHECK_STREQ(minivmm_host_state_name(MINIVMM_HOST_HARD), "hard");
	CHECK_STREQ(minivmm_host_state_name(MINIVMM_HOST_LOW), "low");
	CHECK_STREQ(minivmm_host_state_name((enum minivmm_host_state)7), "?");
}

UNIT_TEST(balloon_steady_pressure_inflates_and_recovers)
{
	struct sim m;
	unsigned int i;

	sim_standard(&m);
	m.hog = 279 * K;			/* avail 21000: SOFT */
	sim_step(&m);
	CHECK_EQ(m.avail, 21 * K);
	CHECK_EQ(m.state, MINIVMM_HOST_SOFT);
	CHECK_EQ(m.sum.goal_pages, 60 * K);
	CHECK_EQ(m.sum.need_pages, 39 * K);
	/* Shares 19500/13000/6500 capped at 10000: 30000 this step. */
	CHECK_EQ(m.g[0].target, 10 * K);
	CHECK_EQ(m.g[1].target, 10 * K);
	CHECK_EQ(m.g[2].target, 10 * K);
	CHECK_EQ(m.sum.inflate_pages, 30 * K);
	CHECK_EQ(m.sum.changed, 3);
	sim_step(&m);				/* avail 51000: band, still SOFT */
	CHECK_EQ(m.avail, 51 * K);
	CHECK_EQ(m.state, MINIVMM_HOST_SOFT);
	CHECK_EQ(m.sum.need_pages, 9 * K);
	CHECK_EQ(m.g[0].target, 14715);		/* 9000 by free 110k:70k:30k */
	CHECK_EQ(m.g[1].target, 13000);
	CHECK_EQ(m.g[2].target, 11285);
	sim_step(&m);
	CHECK_EQ(m.avail, 60 * K);		/* back at the high watermark */
	CHECK_EQ(m.state, MINIVMM_HOST_HIGH);
	CHECK_EQ(m.sum.changed, 0);
	for (i = 0; i < 20; i++) {		/* steady: nothing moves */
		sim_step(&m);
		CHECK_EQ(m.sum.changed, 0);
		CHECK_EQ(m.avail, 60 * K);
	}
	CHECK_EQ(sim_balloons(&m), 39 * K);

	/* More pressure: 35000 more pages of hog, avail 25000. */
	m.hog += 35 * K;
	CHECK_EQ(sim_run_until_high(&m, 10), 3);
	CHECK_EQ(m.avail, 60 * K);
	/* +10000 each, then 5000 by free 95285:57000:18715. */
	CHECK_EQ(m.g[0].target, 27502);
	CHECK_EQ(m.g[1].target, 24666);
	CHECK_EQ(m.g[2].target, 21832);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(m.g[i].max_up, 10 * K);	/* the 5 % cap, reached */
		CHECK_EQ(m.g[i].dir_changes, 0);
		CHECK(m.g[i].mem - m.g[i].target >= m.g[i].floor);
	}
	CHECK_EQ(m.violations, 0);
}

UNIT_TEST(balloon_sudden_pressure_takes_bigger_steps)
{
	struct sim m;

	/* LOW: avail 5000, step x4 = 40000 per VM: one step suffices. */
	sim_standard(&m);
	m.hog = 295 * K;
	sim_step(&m);
	CHECK_EQ(m.state, MINIVMM_HOST_LOW);
	CHECK_EQ(m.sum.need_pages, 55 * K);
	CHECK_EQ(m.g[0].target, 27501);		/* 55000 by 120:80:40 */
	CHECK_EQ(m.g[1].target, 18333);
	CHECK_EQ(m.g[2].target, 9166);
	CHECK_EQ(m.g[0].max_up, 27501);		/* beyond the 10000 cap */
	sim_step(&m);
	CHECK_EQ(m.state, MINIVMM_HOST_HIGH);
	CHECK_EQ(m.avail, 60 * K);
	CHECK_EQ(m.violations, 0);

	/* HARD: avail 15000, step x2 = 20000 per VM. */
	sim_standard(&m);
	m.hog = 285 * K;
	sim_step(&m);
	CHECK_EQ(m.state, MINIVMM_HOST_HARD);
	CHECK_EQ(m.sum.need_pages, 45 * K);
	CHECK_EQ(m.g[0].target, 20 * K);	/* 22500 capped at 20000 */
	CHECK_EQ(m.g[1].target, 16667);
	CHECK_EQ(m.g[2].target, 8333);
	CHECK_EQ(sim_run_until_high(&m, 10), 1);
	CHECK_EQ(m.avail, 60 * K);
	CHECK_EQ(m.violations, 0);

	/* The same LOW shock without multipliers needs three steps. */
	sim_standard(&m);
	m.p.hard_step_mult = 1;
	m.p.low_step_mult = 1;
	m.hog = 295 * K;
	sim_step(&m);
	CHECK_EQ(m.state, MINIVMM_HOST_LOW);
	CHECK_EQ(m.sum.inflate_pages, 30 * K);
	CHECK_EQ(m.g[0].max_up, 10 * K);
	CHECK_EQ(sim_run_until_high(&m, 10), 2);
	CHECK_EQ(m.steps, 3);
	CHECK_EQ(m.violations, 0);
}

UNIT_TEST(balloon_recovery_deflates_step_by_step)
{
	struct sim m;
	unsigned int i;

	sim_standard(&m);
	m.hog = 295 * K;
	CHECK_EQ(sim_run_until_high(&m, 10), 2);
	CHECK_EQ(sim_balloons(&m), 55 * K);	/* 27501, 18333, 9166 */

	/* Hog gone: 10000 pages per VM per step, then empty. */
	m.hog = 0;
	sim_step(&m);
	CHECK_EQ(m.state, MINIVMM_HOST_HIGH);
	CHECK_EQ(m.sum.surplus_pages, 295 * K);
	CHECK_EQ(m.g[0].target, 17501);
	CHECK_EQ(m.g[1].target, 8333);
	CHECK_EQ(m.g[2].target, 0);
	sim_step(&m);
	CHECK_EQ(m.g[0].target, 7501);
	CHECK_EQ(m.g[1].target, 0);
	sim_step(&m);
	CHECK_EQ(m.g[0].target, 0);
	CHECK_EQ(sim_balloons(&m), 0);
	sim_step(&m);
	CHECK_EQ(m.sum.changed, 0);
	CHECK_EQ(m.avail, 300 * K);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(m.g[i].max_down, i == 2 ? 9166 : 10 * K);
		CHECK_EQ(m.g[i].dir_changes, 1);	/* up once, down once */
	}
	CHECK_EQ(m.violations, 0);

	/*
	 * Hog fading by 5000 pages a step: deflation follows it and never
	 * takes the host below the high watermark, nor turns back.
	 */
	sim_standard(&m);
	m.hog = 295 * K;
	CHECK_EQ(sim_run_until_high(&m, 10), 2);
	for (i = 0; i < 70 && sim_balloons(&m); i++) {
		m.hog -= 5 * K;
		sim_step(&m);
		CHECK(m.avail >= 60 * K);
		CHECK_EQ(m.state, MINIVMM_HOST_HIGH);
		CHECK_EQ(m.sum.inflate_pages, 0);
	}
	CHECK_EQ(sim_balloons(&m), 0);
	CHECK_EQ(i, 11);			/* 55000 / 5000 */
	CHECK_EQ(m.hog, 240 * K);
	for (i = 0; i < 3; i++)
		CHECK_EQ(m.g[i].dir_changes, 1);
	CHECK_EQ(m.violations, 0);
}

UNIT_TEST(balloon_band_absorbs_noise)
{
	struct sim m;
	unsigned int i, changes = 0;

	sim_standard(&m);
	m.hog = 279 * K;
	CHECK_EQ(sim_run_until_high(&m, 10), 3);
	/* The hog swings by 15000 pages: inside the 20000-page band. */
	for (i = 0; i < 20; i++) {
		m.hog = 279 * K + (i & 1 ? 0 : 15 * K);
		sim_step(&m);
		changes += m.sum.changed;
		CHECK_EQ(m.state, MINIVMM_HOST_HIGH);
		CHECK_EQ(m.avail, i & 1 ? 60 * K : 45 * K);
	}
	CHECK_EQ(changes, 0);
	CHECK_EQ(sim_balloons(&m), 39 * K);
	for (i = 0; i < 3; i++)
		CHECK_EQ(m.g[i].dir_changes, 0);
	CHECK_EQ(m.violations, 0);
}

UNIT_TEST(balloon_split_proportional_to_free_memory)
{
	struct sim m;

	/* A 20 % step, so that no cap binds: shares are the free ratio. */
	sim_standard(&m);
	m.p.step_bp = 2000;
	m.hog = 279 * K;
	sim_step(&m);
	CHECK_EQ(m.sum.need_pages, 39 * K);
	CHECK_EQ(m.g[0].target, 19500);		/* free 120000 */
	CHECK_EQ(m.g[1].target, 13000);		/* free 80000 */
	CHECK_EQ(m.g[2].target, 6500);		/* free 40000 */
	CHECK_EQ(sim_run_until_high(&m, 10), 1);
	CHECK_EQ(m.violations, 0);

	/* SOFT takes free memory only: a guest with 1000 free gives 1000. */
	sim_standard(&m);
	m.g[0].used = 190 * K;			/* free 10000 */
	m.g[1].used = 195 * K;			/* free 5000 */
	m.g[2].used = 199 * K;			/* free 1000 */
	m.hog = 275 * K;			/* avail 25000: SOFT */
	sim_step(&m);
	CHECK_EQ(m.state, MINIVMM_HOST_SOFT);
	CHECK_EQ(m.sum.need_pages, 35 * K);
	CHECK_EQ(m.g[0].target, 10 * K);
	CHECK_EQ(m.g[1].target, 5 * K);
	CHECK_EQ(m.g[2].target, 1 * K);
	sim_step(&m);				/* nothing free left */
	CHECK_EQ(m.avail, 41 * K);
	CHECK_EQ(m.state, MINIVMM_HOST_SOFT);
	CHECK_EQ(m.sum.need_pages, 19 * K);
	CHECK_EQ(m.sum.changed, 0);
	/* HARD: the rest in equal shares, beyond free memory. */
	m.hog += 25 * K;			/* avail 16000 */
	sim_step(&m);
	CHECK_EQ(m.state, MINIVMM_HOST_HARD);
	CHECK_EQ(m.sum.need_pages, 44 * K);
	CHECK_EQ(m.g[0].target, 10 * K + 14667);
	CHECK_EQ(m.g[1].target, 5 * K + 14667);
	CHECK_EQ(m.g[2].target, 1 * K + 14666);
	CHECK_EQ(sim_run_until_high(&m, 10), 1);
	CHECK_EQ(m.violations, 0);
}

UNIT_TEST(balloon_split_equal_without_stats)
{
	struct sim m;

	/* No guest reports (the stale free counts are ignored): equal. */
	sim_standard(&m);
	m.p.step_bp = 2000;
	m.g[0].no_stats = m.g[1].no_stats = m.g[2].no_stats = true;
	m.hog = 279 * K;
	sim_step(&m);
	CHECK_EQ(m.g[0].target, 13 * K);
	CHECK_EQ(m.g[1].target, 13 * K);
	CHECK_EQ(m.g[2].target, 13 * K);
	CHECK_EQ(sim_run_until_high(&m, 10), 1);
	CHECK_EQ(m.violations, 0);

	/* One silent guest counts as the mean of the others (100000). */
	sim_standard(&m);
	m.p.step_bp = 2000;
	m.g[2].no_stats = true;
	m.hog = 279 * K;
	sim_step(&m);
	CHECK_EQ(m.g[0].target, 15600);		/* 39000 x 120/300 */
	CHECK_EQ(m.g[1].target, 10400);		/* 39000 x 80/300 */
	CHECK_EQ(m.g[2].target, 13 * K);	/* 39000 x 100/300 */
	CHECK_EQ(m.violations, 0);
}

UNIT_TEST(balloon_manual_vm_untouched)
{
	struct sim m;
	unsigned int i;

	/* The administrator holds 5000 pages in VM 1; that counts. */
	sim_standard(&m);
	m.g[1].manual = true;
	m.g[1].target = m.g[1].actual = 5 * K;
	m.hog = 279 * K;
	sim_step(&m);
	CHECK_EQ(m.avail, 26 * K);
	CHECK_EQ(m.sum.need_pages, 34 * K);
	CHECK_EQ(m.d[1].new_target_pages, 5 * K);
	CHECK(!m.d[1].changed);
	CHECK_EQ(m.sum.changed, 2);
	CHECK_EQ(sim_run_until_high(&m, 10), 2);
	CHECK_EQ(m.g[0].target, 20 * K);
	CHECK_EQ(m.g[1].target, 5 * K);
	CHECK_EQ(m.g[2].target, 14 * K);
	m.hog = 0;				/* and back: still untouched */
	for (i = 0; i < 5; i++)
		sim_step(&m);
	CHECK_EQ(m.g[0].target, 0);
	CHECK_EQ(m.g[1].target, 5 * K);
	CHECK_EQ(m.g[2].target, 0);
	CHECK_EQ(m.violations, 0);

	/*
	 * A manual balloon that ignores its 8000-page target: counted on
	 * until flagged at step 5, then the auto VMs make up for it; its
	 * target stays the administrator's.
	 */
	sim_standard(&m);
	m.g[1].manual = true;
	m.g[1].kind = DEAF;
	m.g[1].target = 8 * K;
	m.hog = 279 * K;
	for (i = 0; i < 4; i++)
		sim_step(&m);
	CHECK_EQ(m.avail, 52 * K);		/* short by the 8000 */
	CHECK_EQ(m.sum.need_pages, 0);
	CHECK(!m.d[1].unresponsive);
	sim_step(&m);
	CHECK(m.d[1].unresponsive);
	CHECK_EQ(m.g[1].first_flagged, 5);
	CHECK_EQ(m.sum.unresponsive, 1);
	CHECK_EQ(m.sum.need_pages, 8 * K);
	CHECK_EQ(m.sum.inflate_pages, 8 * K);
	sim_step(&m);
	CHECK_EQ(m.state, MINIVMM_HOST_HIGH);
	CHECK_EQ(m.avail, 60 * K);
	CHECK_EQ(m.g[1].target, 8 * K);
	CHECK(m.d[1].unresponsive);
	CHECK_EQ(m.violations, 0);
}

UNIT_TEST(balloon_floor_and_ceiling_respected)
{
	struct minivmm_policy_params p;
	struct minivmm_vm_sample s[2];
	struct minivmm_vm_decision d[2];
	enum minivmm_host_state st = MINIVMM_HOST_HIGH;
	struct sim m;
	unsigned int i;

	/* VM 0: ceiling 3000; VM 2: floor 195000 (balloon <= 5000). */
	sim_standard(&m);
	m.g[0].ceiling = 3 * K;
	m.g[2].floor = 195 * K;
	m.hog = 279 * K;
	sim_step(&m);
	CHECK_EQ(m.g[0].target, 3 * K);
	CHECK_EQ(m.g[1].target, 10 * K);
	CHECK_EQ(m.g[2].target, 5 * K);
	CHECK_EQ(sim_run_until_high(&m, 10), 4);	/* VM 1 does the rest */
	CHECK_EQ(m.g[0].target, 3 * K);
	CHECK_EQ(m.g[1].target, 31 * K);
	CHECK_EQ(m.g[2].target, 5 * K);
	CHECK_EQ(m.avail, 60 * K);
	for (i = 0; i < 5; i++)
		sim_step(&m);
	CHECK_EQ(m.g[0].max_up, 3 * K);
	CHECK_EQ(m.g[2].max_up, 5 * K);
	CHECK_EQ(m.violations, 0);

	/*
	 * Limits lowered under a full balloon: the target comes down at once
	 * (beyond the step cap, and even under pressure).
	 */
	minivmm_policy_defaults(&p);
	memset(s, 0, sizeof(s));
	s[0].mem_pages = 200 * K;
	s[0].target_pages = s[0].actual_pages = 30 * K;
	s[0].ceiling_pages = 3 * K;
	s[0].auto_mode = true;
	s[1] = s[0];
	s[1].ceiling_pages = 200 * K;
	s[1].floor_pages = 190 * K;		/* balloon <= 10000 */
	minivmm_policy_step(&p, 60 * K, 1000 * K, &st, s, d, 2, NULL);
	CHECK_EQ(d[0].new_target_pages, 3 * K);
	CHECK_EQ(d[1].new_target_pages, 10 * K);
	CHECK(d[0].changed && d[1].changed);
	st = MINIVMM_HOST_LOW;
	minivmm_policy_step(&p, 0, 1000 * K, &st, s, d, 2, NULL);
	CHECK_EQ(st, MINIVMM_HOST_LOW);
	CHECK_EQ(d[0].new_target_pages, 3 * K);
	CHECK_EQ(d[1].new_target_pages, 10 * K);
	/* A floor above the guest's RAM, or a 0 ceiling: no balloon. */
	s[0].ceiling_pages = 0;
	s[1].ceiling_pages = 200 * K;
	s[1].floor_pages = 300 * K;
	minivmm_policy_step(&p, 0, 1000 * K, &st, s, d, 2, NULL);
	CHECK_EQ(d[0].new_target_pages, 0);
	CHECK_EQ(d[1].new_target_pages, 0);
}

UNIT_TEST(balloon_deaf_guest_flagged_and_others_take_over)
{
	struct sim m;
	unsigned int i;

	sim_standard(&m);
	m.g[0].kind = DEAF;
	m.hog = 279 * K;
	sim_step(&m);
	CHECK_EQ(m.g[0].target, 10 * K);	/* asked like the others */
	for (i = 2; i <= 5; i++) {
		sim_step(&m);
		CHECK(!m.d[0].unresponsive);
		CHECK_EQ(m.g[0].target, 10 * K);	/* not raised */
	}
	CHECK_EQ(m.avail, 50 * K);		/* its 10000 still counted on */
	CHECK_EQ(m.g[1].target, 16300);
	CHECK_EQ(m.g[2].target, 12700);
	sim_step(&m);				/* 5 steps without moving */
	CHECK(m.d[0].unresponsive);
	CHECK_EQ(m.g[0].first_flagged, 6);
	CHECK_EQ(m.sum.unresponsive, 1);
	CHECK_EQ(m.sum.need_pages, 10 * K);
	CHECK_EQ(m.g[0].target, 10 * K);
	CHECK_EQ(m.g[1].target, 23300);		/* +7000 */
	CHECK_EQ(m.g[2].target, 15700);		/* +3000 */
	sim_step(&m);
	CHECK_EQ(m.state, MINIVMM_HOST_HIGH);
	CHECK_EQ(m.avail, 60 * K);
	CHECK_EQ(m.g[0].target, 0);		/* the ignored request dropped */
	sim_step(&m);
	CHECK(!m.d[0].unresponsive);
	CHECK_EQ(m.sum.changed, 0);
	CHECK_EQ(m.violations, 0);

	/*
	 * Pressure the others cannot fully cover (ceilings 15000): the deaf
	 * VM stays flagged with its target frozen; when it wakes up and
	 * delivers, the flag clears and the host gets the pages.
	 */
	sim_standard(&m);
	m.g[0].kind = DEAF;
	m.g[1].ceiling = m.g[2].ceiling = 15 * K;
	m.hog = 279 * K;
	for (i = 0; i < 10; i++)
		sim_step(&m);
	CHECK_EQ(m.g[0].first_flagged, 6);
	CHECK(m.d[0].unresponsive);
	CHECK_EQ(m.state, MINIVMM_HOST_SOFT);
	CHECK_EQ(m.avail, 51 * K);
	CHECK_EQ(m.sum.need_pages, 9 * K);
	CHECK_EQ(m.g[0].target, 10 * K);
	CHECK_EQ(m.g[0].max_up, 10 * K);
	m.g[0].kind = COOP;
	m.g[0].actual = m.g[0].target;
	sim_step(&m);
	CHECK(!m.d[0].unresponsive);
	CHECK_EQ(m.avail, 61 * K);
	CHECK_EQ(m.state, MINIVMM_HOST_HIGH);
	CHECK_EQ(m.violations, 0);
}

UNIT_TEST(balloon_slow_guest_not_flagged)
{
	struct sim m;
	unsigned int i;

	sim_standard(&m);
	m.g[0].kind = SLOW;			/* 3000 pages a step */
	m.hog = 279 * K;
	CHECK_EQ(sim_run_until_high(&m, 20), 6);
	CHECK_EQ(m.g[0].target, 13 * K);
	CHECK_EQ(m.g[1].target, 14201);
	CHECK_EQ(m.g[2].target, 11799);
	m.hog = 0;
	for (i = 0; i < 10; i++)
		sim_step(&m);
	CHECK_EQ(m.g[0].first_flagged, 0);
	CHECK_EQ(sim_balloons(&m), 0);
	CHECK_EQ(m.g[0].actual, 0);
	CHECK_EQ(m.avail, 300 * K);
	CHECK_EQ(m.violations, 0);
}

static void vm3(struct minivmm_vm_sample *s, __u64 target, __u64 actual)
{
	memset(s, 0, sizeof(*s));
	s->mem_pages = 200 * K;
	s->target_pages = target;
	s->actual_pages = actual;
	s->last_actual_pages = actual;
	s->guest_free_pages = 100 * K;
	s->stats_valid = true;
	s->auto_mode = true;
	s->ceiling_pages = 200 * K;
}

UNIT_TEST(balloon_tiny_changes_skipped)
{
	struct minivmm_policy_params p;
	struct minivmm_vm_sample s[3];
	struct minivmm_vm_decision d[3];
	struct minivmm_policy_summary sum;
	enum minivmm_host_state st;

	minivmm_policy_defaults(&p);		/* threshold: 500 pages */
	/* SOFT in the band, 100 pages short: shares of 34/33/33 skipped. */
	vm3(&s[0], 10 * K, 10 * K);
	vm3(&s[1], 10 * K, 10 * K);
	vm3(&s[2], 10 * K, 10 * K);
	st = MINIVMM_HOST_SOFT;
	minivmm_policy_step(&p, 59900, 1000 * K, &st, s, d, 3, &sum);
	CHECK_EQ(st, MINIVMM_HOST_SOFT);
	CHECK_EQ(sum.need_pages, 100);
	CHECK_EQ(sum.changed, 0);
	CHECK_EQ(sum.inflate_pages, 0);
	CHECK_EQ(d[0].new_target_pages, 10 * K);
	CHECK(!d[0].changed && !d[1].changed && !d[2].changed);
	/* Without the threshold they go through. */
	p.min_change_bp = 0;
	minivmm_policy_step(&p, 59900, 1000 * K, &st, s, d, 3, &sum);
	CHECK_EQ(sum.inflate_pages, 100);
	CHECK_EQ(d[0].new_target_pages, 10034);	/* 33 + the rest */
	CHECK_EQ(d[1].new_target_pages, 10033);
	CHECK_EQ(d[2].new_target_pages, 10033);
	p.min_change_bp = 25;

	/* HARD, 100 short once VM 0's balloon arrives: no threshold. */
	vm3(&s[0], 54900, 10 * K);
	s[0].last_actual_pages = 0;		/* moving: not lagging */
	vm3(&s[1], 10 * K, 10 * K);
	vm3(&s[2], 10 * K, 10 * K);
	st = MINIVMM_HOST_HIGH;
	minivmm_policy_step(&p, 15 * K, 1000 * K, &st, s, d, 3, &sum);
	CHECK_EQ(st, MINIVMM_HOST_HARD);
	CHECK_EQ(sum.projected_pages, 59900);
	CHECK_EQ(sum.need_pages, 100);
	CHECK_EQ(d[0].new_target_pages, 54900);	/* a step ahead already */
	CHECK_EQ(d[1].new_target_pages, 10050);
	CHECK_EQ(d[2].new_target_pages, 10050);
	CHECK(!d[0].unresponsive);

	/* HIGH, 400 pages to give back: too little for anyone. */
	vm3(&s[0], 300, 300);
	vm3(&s[1], 100 * K, 100 * K);
	st = MINIVMM_HOST_HIGH;
	minivmm_policy_step(&p, 60400, 1000 * K, &st, s, d, 2, &sum);
	CHECK_EQ(sum.surplus_pages, 400);
	CHECK_EQ(sum.changed, 0);
	CHECK_EQ(d[0].new_target_pages, 300);
	CHECK_EQ(d[1].new_target_pages, 100 * K);
	/* Emptying a balloon is never too small. */
	minivmm_policy_step(&p, 160 * K, 1000 * K, &st, s, d, 2, &sum);
	CHECK_EQ(sum.surplus_pages, 100 * K);
	CHECK_EQ(d[0].new_target_pages, 0);
	CHECK_EQ(d[1].new_target_pages, 90 * K);
	CHECK_EQ(sum.deflate_pages, 10300);
	CHECK_EQ(sum.changed, 2);
}

UNIT_TEST(balloon_huge_numbers_do_not_overflow)
{
	struct minivmm_policy_params p;
	struct minivmm_vm_sample s[4];
	struct minivmm_vm_decision d[4];
	struct minivmm_policy_summary sum;
	enum minivmm_host_state st = MINIVMM_HOST_SOFT;
	const __u64 T = 1ull << 40;		/* 4 PiB of 4 KiB pages */
	__u64 goal = minivmm_policy_bp_of(T, 600);
	unsigned int i;

	minivmm_policy_defaults(&p);
	CHECK_EQ(goal, 65970697666ull);
	memset(s, 0, sizeof(s));
	for (i = 0; i < 4; i++) {
		s[i].mem_pages = 1ull << 37;
		s[i].ceiling_pages = ~0ull;
		s[i].stats_valid = true;
		s[i].auto_mode = true;
	}
	s[0].guest_free_pages = 1ull << 36;
	s[1].guest_free_pages = 1ull << 35;
	s[2].guest_free_pages = 1ull << 34;
	s[3].guest_free_pages = 1ull << 34;
	minivmm_policy_step(&p, goal - (1ull << 32), T, &st, s, d, 4, &sum);
	CHECK_EQ(st, MINIVMM_HOST_SOFT);
	CHECK_EQ(sum.need_pages, 1ull << 32);
	CHECK_EQ(d[0].new_target_pages, 1ull << 31);
	CHECK_EQ(d[1].new_target_pages, 1ull << 30);
	CHECK_EQ(d[2].new_target_pages, 1ull << 29);
	CHECK_EQ(d[3].new_target_pages, 1ull << 29);
	/* Absurd availability: HIGH, nothing to deflate, no wrap. */
	st = MINIVMM_HOST_LOW;
	minivmm_policy_step(&p, ~0ull, T, &st, s, d, 4, &sum);
	CHECK_EQ(st, MINIVMM_HOST_HIGH);
	CHECK_EQ(sum.projected_pages, ~0ull);
	CHECK_EQ(sum.changed, 0);
	/* Full balloons and all of it free: each drops by one 5 % step. */
	for (i = 0; i < 4; i++)
		s[i].target_pages = s[i].actual_pages = 1ull << 36;
	minivmm_policy_step(&p, ~0ull, T, &st, s, d, 4, &sum);
	CHECK_EQ(d[0].new_target_pages, (1ull << 36) - 6871947673ull);
	CHECK_EQ(sum.deflate_pages, 4 * 6871947673ull);
	/* No VMs at all. */
	minivmm_policy_step(&p, 0, T, &st, s, d, 0, &sum);
	CHECK_EQ(st, MINIVMM_HOST_LOW);
	CHECK_EQ(sum.need_pages, goal);
	CHECK_EQ(sum.changed, 0);
}

static __u32 rnd_state = 12345;

static __u32 rnd(__u32 n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

/*
 * Random hosts, guests and hog walks: every rule holds at every step.
 * With cooperative auto guests and a hog that stops moving, the targets
 * settle (nothing changes in the last 10 of 40 steps), and a host still
 * below the soft watermark has taken all it may.
 */
UNIT_TEST(balloon_random_hosts_keep_invariants)
{
	unsigned int run, i, j, settled = 0, pressed = 0, checked = 0, bad = 0;

	for (run = 0; run < 400; run++) {
		struct sim m;
		bool tame = run & 1, moved = false;
		__u64 soft;

		sim_init(&m, 500 * K + rnd(3500) * K, 0);
		m.base = m.total / 20 + rnd(m.total / 10);
		if (tame)
			m.p.min_change_bp = 0;
		else if (rnd(2))
			m.p.unresponsive_steps = 1 + rnd(8);
		soft = minivmm_policy_bp_of(m.total, m.p.soft_bp);
		for (i = 1 + rnd(SIM_MAX); i; i--) {
			__u64 mem = 20 * K + rnd(m.total / 5);
			struct sim_guest *g = sim_add(&m, mem, rnd(mem), rnd(mem / 2),
						      tame || rnd(4) ? COOP : rnd(2) ? SLOW : DEAF);

			g->rate = 1 + rnd(mem / 10);
			if (rnd(3) == 0)
				g->ceiling = rnd(mem);
			if (!tame) {
				g->no_stats = rnd(5) == 0;
				g->manual = rnd(8) == 0;
				if (g->manual)
					g->target = g->actual = rnd(mem / 4);
			}
		}
		for (j = 0; j < 120; j++) {
			if (j < 80 && rnd(3) == 0)
				m.hog = rnd(m.total - m.base);
			sim_step(&m);
			if (j >= 110 && m.sum.changed)
				moved = true;
		}
		checked++;
		bad += m.violations;
		if (!tame)
			continue;
		if (!moved)
			settled++;
		if (sim_avail(&m) >= soft)
			continue;
		pressed++;
		for (i = 0; i < m.n; i++) {
			const struct sim_guest *g = &m.g[i];
			__u64 maxb = g->mem - g->floor < g->ceiling ?
				     g->mem - g->floor : g->ceiling;

			CHECK(g->target == maxb ||
			      (m.state == MINIVMM_HOST_SOFT && !sim_free(g)));
		}
	}
	CHECK_EQ(checked, 400);
	CHECK_EQ(settled, 200);
	CHECK(pressed > 20);
	printf("# %u runs under lasting pressure\n", pressed);
	CHECK_EQ(bad, 0);
}
