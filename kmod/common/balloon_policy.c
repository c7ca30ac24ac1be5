// SPDX-License-Identifier: GPL-2.0
/*
 * Balloon policy arithmetic: host state with hysteresis, and the balloon
 * targets of auto-mode VMs, split by water-filling under per-VM step caps,
 * floors and ceilings. The rules are in balloon_policy.h. Integers only:
 * pages in __u64, shares in basis points; every product is bounded so
 * nothing overflows. Kernel-free: unit-tested in userspace.
 */
#include "balloon_policy.h"

#define U64_ALL		(~0ull)
#define U32_ALL		(~0u)

/* What a water-filling pass hands out, and by which weights. */
enum fill_kind {
	FILL_INFLATE_FREE,	/* proportional to guest free memory */
	FILL_INFLATE_EQUAL,	/* equal shares */
	FILL_DEFLATE,		/* proportional to balloon target */
};

struct policy_ctx {
	const struct minivmm_policy_params *p;
	struct minivmm_vm_sample *vms;
	struct minivmm_vm_decision *out;
	unsigned int n;
	__u32 inflate_mult;
	__u64 mean_free;	/* weight of VMs without statistics */
	enum fill_kind kind;
};

static __u64 min64(__u64 a, __u64 b)
{
	return a < b ? a : b;
}

static __u64 max64(__u64 a, __u64 b)
{
	return a > b ? a : b;
}

static __u64 sat_add(__u64 a, __u64 b)
{
	return a > U64_ALL - b ? U64_ALL : a + b;
}

static __u64 sat_sub(__u64 a, __u64 b)
{
	return a > b ? a - b : 0;
}

/*
 * a * b / c rounded down, for b <= c < 2^32: a = q * c + r gives
 * q * b <= a and r * b < 2^64.
 */
static __u64 mul_div(__u64 a, __u64 b, __u64 c)
{
	return (a / c) * b + (a % c) * b / c;
}

void minivmm_policy_defaults(struct minivmm_policy_params *p)
{
	memset(p, 0, sizeof(*p));
	p->high_bp = MINIVMM_POLICY_HIGH_BP;
	p->soft_bp = MINIVMM_POLICY_SOFT_BP;
	p->hard_bp = MINIVMM_POLICY_HARD_BP;
	p->low_bp = MINIVMM_POLICY_LOW_BP;
	p->step_bp = MINIVMM_POLICY_STEP_BP;
	p->min_change_bp = MINIVMM_POLICY_MIN_CHANGE_BP;
	p->hard_step_mult = MINIVMM_POLICY_HARD_STEP_MULT;
	p->low_step_mult = MINIVMM_POLICY_LOW_STEP_MULT;
	p->unresponsive_steps = MINIVMM_POLICY_UNRESPONSIVE;
}

/*
 * The uapi spells the host states, and the policy header the rules, that
 * this file and minivmm-ctl share: the two must not drift apart.
 */
_Static_assert(MINIVMM_MONITOR_HIGH == MINIVMM_HOST_HIGH, "host state high differs");
_Static_assert(MINIVMM_MONITOR_SOFT == MINIVMM_HOST_SOFT, "host state soft differs");
_Static_assert(MINIVMM_MONITOR_HARD == MINIVMM_HOST_HARD, "host state hard differs");
_Static_assert(MINIVMM_MONITOR_LOW == MINIVMM_HOST_LOW, "host state low differs");
_Static_assert(MINIVMM_BALLOON_MANUAL != MINIVMM_BALLOON_AUTO,
	       "balloon modes must differ");
_Static_assert(MINIVMM_POLICY_HIGH_BP <= MINIVMM_POLICY_MAX_HIGH_BP,
	       "default high watermark above its bound");
_Static_assert(MINIVMM_POLICY_INTERVAL_MS >= MINIVMM_POLICY_MIN_INTERVAL_MS,
	       "default interval below its bound");
_Static_assert(MINIVMM_POLICY_INTERVAL_MS <= MINIVMM_POLICY_MAX_INTERVAL_MS,
	       "default interval above its bound");

static const char *const rule_text[MINIVMM_POLICY_RULE_NR] = {
	[MINIVMM_POLICY_RULE_LOW] = "low watermark must be above 0",
	[MINIVMM_POLICY_RULE_HARD] = "hard watermark must be above low",
	[MINIVMM_POLICY_RULE_SOFT] = "soft watermark must be above hard",
	[MINIVMM_POLICY_RULE_HIGH] = "high watermark must be above soft",
	[MINIVMM_POLICY_RULE_HIGH_MAX] = "high watermark must be at most 50% of host RAM",
	[MINIVMM_POLICY_RULE_STEP] = "step must be 1..10000 basis points",
	[MINIVMM_POLICY_RULE_MIN_CHANGE] = "minimum change must be below the step",
	[MINIVMM_POLICY_RULE_STEP_MULT] =
		"step multipliers must be 1 <= hard <= low <= 100",
	[MINIVMM_POLICY_RULE_UNRESPONSIVE] =
		"unresponsive steps must be at least 1",
	[MINIVMM_POLICY_RULE_INTERVAL] = "interval must be 100..60000 ms",
	[MINIVMM_POLICY_RULE_ENABLED] = "enabled must be 0 or 1",
	[MINIVMM_POLICY_RULE_RESERVED] = "pad and reserved must be zero",
};

enum minivmm_policy_rule
minivmm_policy_params_rule(const struct minivmm_policy_params *p)
{
	if (!p->low_bp)
		return MINIVMM_POLICY_RULE_LOW;
	if (p->hard_bp <= p->low_bp)
		return MINIVMM_POLICY_RULE_HARD;
	if (p->soft_bp <= p->hard_bp)
		return MINIVMM_POLICY_RULE_SOFT;
	if (p->high_bp <= p->soft_bp)
		return MINIVMM_POLICY_RULE_HIGH;
	if (p->high_bp > MINIVMM_POLICY_MAX_HIGH_BP)
		return MINIVMM_POLICY_RULE_HIGH_MAX;
	if (!p->step_bp || p->step_bp > MINIVMM_POLICY_BP)
		return MINIVMM_POLICY_RULE_STEP;
	if (p->min_change_bp >= p->step_bp)
		return MINIVMM_POLICY_RULE_MIN_CHANGE;
	if (!p->hard_step_mult || p->low_step_mult < p->hard_step_mult ||
	    p->low_step_mult > MINIVMM_POLICY_MAX_STEP_MULT)
		return MINIVMM_POLICY_RULE_STEP_MULT;
	if (!p->unresponsive_steps)
		return MINIVMM_POLICY_RULE_UNRESPONSIVE;
	return MINIVMM_POLICY_RULE_OK;
}

const char *minivmm_policy_rule_text(enum minivmm_policy_rule rule)
{
	if ((unsigned int)rule >= MINIVMM_POLICY_RULE_NR)
		return NULL;
	return rule_text[rule];
}

int minivmm_policy_params_check(const struct minivmm_policy_params *p,
				const char **why)
{
	enum minivmm_policy_rule rule = minivmm_policy_params_rule(p);

	if (why)
		*why = minivmm_policy_rule_text(rule);
	return rule == MINIVMM_POLICY_RULE_OK ? 0 : -EINVAL;
}

/* The rules of struct minivmm_policy beyond the tunables. */
static enum minivmm_policy_rule uapi_only_rule(const struct minivmm_policy *u)
{
	unsigned int i;

	if (u->interval_ms < MINIVMM_POLICY_MIN_INTERVAL_MS ||
	    u->interval_ms > MINIVMM_POLICY_MAX_INTERVAL_MS)
		return MINIVMM_POLICY_RULE_INTERVAL;
	if (u->enabled > 1)
		return MINIVMM_POLICY_RULE_ENABLED;
	if (u->pad)
		return MINIVMM_POLICY_RULE_RESERVED;
	for (i = 0; i < MINIVMM_ARRAY_SIZE(u->reserved); i++)
		if (u->reserved[i])
			return MINIVMM_POLICY_RULE_RESERVED;
	return MINIVMM_POLICY_RULE_OK;
}

int minivmm_policy_from_uapi(const struct minivmm_policy *u,
			     struct minivmm_policy_params *p,
			     enum minivmm_policy_rule *rule)
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
	enum minivmm_policy_rule r = minivmm_policy_params_rule(&np);

	if (r == MINIVMM_POLICY_RULE_OK)
		r = uapi_only_rule(u);
	if (p)
		*p = np;
	if (rule)
		*rule = r;
	return r == MINIVMM_POLICY_RULE_OK ? 0 : -EINVAL;
}

void minivmm_policy_to_uapi(const struct minivmm_policy_params *p,
			    __u32 interval_ms, bool enabled,
			    struct minivmm_policy *u)
{
	memset(u, 0, sizeof(*u));
	u->high_bp = p->high_bp;
	u->soft_bp = p->soft_bp;
	u->hard_bp = p->hard_bp;
	u->low_bp = p->low_bp;
	u->step_bp = p->step_bp;
	u->min_change_bp = p->min_change_bp;
	u->hard_step_mult = p->hard_step_mult;
	u->low_step_mult = p->low_step_mult;
	u->unresponsive_steps = p->unresponsive_steps;
	u->interval_ms = interval_ms;
	u->enabled = enabled;
}

const char *minivmm_host_state_name(enum minivmm_host_state s)
{
	switch (s) {
	case MINIVMM_HOST_HIGH:
		return "high";
	case MINIVMM_HOST_SOFT:
		return "soft";
	case MINIVMM_HOST_HARD:
		return "hard";
	case MINIVMM_HOST_LOW:
		return "low";
	}
	return "?";
}

const char *minivmm_balloon_mode_name(__u32 mode)
{
	switch (mode) {
	case MINIVMM_BALLOON_MANUAL:
		return "manual";
	case MINIVMM_BALLOON_AUTO:
		return "auto";
	}
	return "?";
}

__u64 minivmm_policy_bp_of(__u64 pages, __u32 bp)
{
	if (bp > MINIVMM_POLICY_BP)
		bp = MINIVMM_POLICY_BP;
	return mul_div(pages, bp, MINIVMM_POLICY_BP);
}

enum minivmm_host_state
minivmm_policy_host_state(const struct minivmm_policy_params *p,
			  __u64 avail_pages, __u64 total_pages,
			  enum minivmm_host_state prev)
{
	__u64 a = min64(avail_pages, total_pages);

	if (!total_pages)
		return MINIVMM_HOST_HIGH;
	if (a < minivmm_policy_bp_of(total_pages, p->low_bp))
		return MINIVMM_HOST_LOW;
	if (a < minivmm_policy_bp_of(total_pages, p->hard_bp))
		return MINIVMM_HOST_HARD;
	if (a < minivmm_policy_bp_of(total_pages, p->soft_bp))
		return MINIVMM_HOST_SOFT;
	if (a >= minivmm_policy_bp_of(total_pages, p->high_bp))
		return MINIVMM_HOST_HIGH;
	/* The band: keep going the way we were going. */
	return prev == MINIVMM_HOST_HIGH ? MINIVMM_HOST_HIGH : MINIVMM_HOST_SOFT;
}

/* The balloon as the policy believes it: never larger than the guest. */
static __u64 vm_actual(const struct minivmm_vm_sample *s)
{
	return min64(s->actual_pages, s->mem_pages);
}

/* Largest balloon an auto VM may have: the floor and the ceiling. */
static __u64 vm_max_balloon(const struct minivmm_vm_sample *s)
{
	return min64(sat_sub(s->mem_pages, s->floor_pages), s->ceiling_pages);
}

/* Largest change of the VM's target in one step, at least one page. */
static __u64 vm_step(const struct minivmm_policy_params *p,
		     const struct minivmm_vm_sample *s, __u32 mult)
{
	__u64 bp = (__u64)p->step_bp * mult;
	__u64 x = minivmm_policy_bp_of(s->mem_pages,
				       bp > MINIVMM_POLICY_BP ? MINIVMM_POLICY_BP : (__u32)bp);

	return x ? x : min64(1, s->mem_pages);
}

/* Did the balloon move towards its target since the previous step? */
static bool vm_progressed(const struct minivmm_vm_sample *s)
{
	__u64 a = vm_actual(s), t = s->target_pages, last = s->last_actual_pages;

	return (t > a && a > last) || (t < a && a < last);
}

static bool fill_eligible(const struct policy_ctx *c, unsigned int i)
{
	const struct minivmm_vm_sample *s = &c->vms[i];

	if (!s->auto_mode || !s->mem_pages)
		return false;
	return c->kind == FILL_DEFLATE || !c->out[i].unresponsive;
}

/* How much more this pass may move VM i's target. */
static __u64 fill_room(const struct policy_ctx *c, unsigned int i)
{
	const struct minivmm_vm_sample *s = &c->vms[i];
	__u64 nt = c->out[i].new_target_pages, a = vm_actual(s), lim;

	if (!fill_eligible(c, i))
		return 0;
	if (c->kind == FILL_DEFLATE) {
		/* Step-capped from the target, and from a lagging balloon. */
		lim = sat_sub(max64(s->target_pages, a), vm_step(c->p, s, 1));
		return sat_sub(nt, lim);
	}
	/* At most one step above the target, and above the balloon. */
	lim = sat_add(min64(s->target_pages, a), vm_step(c->p, s, c->inflate_mult));
	/* Taking free memory only: no further than the guest's free pages. */
	if (c->kind == FILL_INFLATE_FREE && s->stats_valid)
		lim = min64(lim, sat_add(a, s->guest_free_pages));
	return sat_sub(min64(lim, vm_max_balloon(s)), nt);
}

static __u64 fill_weight(const struct policy_ctx *c, unsigned int i)
{
	const struct minivmm_vm_sample *s = &c->vms[i];

	switch (c->kind) {
	case FILL_INFLATE_FREE:
		return s->stats_valid ? min64(s->guest_free_pages, s->mem_pages) :
					c->mean_free;
	case FILL_INFLATE_EQUAL:
		return 1;
	case FILL_DEFLATE:
		return c->out[i].new_target_pages;
	}
	return 0;
}

static void fill_give(struct policy_ctx *c, unsigned int i, __u64 pages)
{
	if (c->kind == FILL_DEFLATE)
		c->out[i].new_target_pages -= pages;
	else
		c->out[i].new_target_pages += pages;
}

/*
 * Water-filling: hand @amount out in proportion to the weights, each VM
 * clamped to its room; what the clamped VMs could not take is handed out
 * again over the others. Shares are rounded down and the rounding rest
 * (less than one page per VM) goes a page each to the first VMs, so a
 * round that clamps nobody hands out everything: at most n + 1 rounds.
 * Weights are scaled down so that their sum stays below 2^32 (mul_div's
 * bound).
 * Return: what was handed out.
 */
static __u64 water_fill(struct policy_ctx *c, __u64 amount)
{
	__u64 left = amount;
	unsigned int round, i;

	for (round = 0; round <= c->n && left; round++) {
		__u64 wmax = 0, sum = 0, start = left, rest = left, cap;
		unsigned int active = 0, shift = 0;

		for (i = 0; i < c->n; i++) {
			__u64 w = fill_weight(c, i);

			if (!w || !fill_room(c, i))
				continue;
			wmax = max64(wmax, w);
			active++;
		}
		if (!active)
			break;
		cap = U32_ALL / active;
		while ((wmax >> shift) > cap)
			shift++;
		for (i = 0; i < c->n; i++) {
			__u64 w = fill_weight(c, i);

			if (w && fill_room(c, i))
				sum += max64(w >> shift, 1);
		}
		/* Weights and rooms of VM i change only when i gets pages. */
		for (i = 0; i < c->n; i++) {
			__u64 w = fill_weight(c, i), room, share;

			if (!w)
				continue;
			room = fill_room(c, i);
			if (!room)
				continue;
			share = mul_div(start, max64(w >> shift, 1), sum);
			rest -= share;
			fill_give(c, i, min64(share, room));
			left -= min64(share, room);
		}
		for (i = 0; i < c->n && rest && left; i++) {
			if (!fill_weight(c, i) || !fill_room(c, i))
				continue;
			fill_give(c, i, 1);
			left--;
			rest--;
		}
	}
	return amount - left;
}

/* Mean free memory of the responsive auto VMs that report it, at least 1. */
static __u64 mean_free(const struct policy_ctx *c)
{
	__u64 total = 0, count = 0;
	unsigned int i;

	for (i = 0; i < c->n; i++) {
		const struct minivmm_vm_sample *s = &c->vms[i];

		if (!fill_eligible(c, i) || !s->stats_valid)
			continue;
		total = sat_add(total, min64(s->guest_free_pages, s->mem_pages));
		count++;
	}
	return count && total / count ? total / count : 1;
}

/* Update the lag, flag the VM, clamp its target to floor and ceiling. */
static void vm_prepare(const struct minivmm_policy_params *p,
		       enum minivmm_host_state state,
		       struct minivmm_vm_sample *s, struct minivmm_vm_decision *d)
{
	__u64 a = vm_actual(s), nt = s->target_pages;

	if (a == s->target_pages || vm_progressed(s))
		s->lag_steps = 0;
	else if (s->lag_steps < U32_ALL)
		s->lag_steps++;
	s->last_actual_pages = a;
	d->unresponsive = s->lag_steps >= p->unresponsive_steps;

	if (s->auto_mode) {
		nt = min64(nt, vm_max_balloon(s));
		/* No pressure: withdraw what an unresponsive guest ignores. */
		if (state == MINIVMM_HOST_HIGH && d->unresponsive)
			nt = min64(nt, a);
	}
	d->new_target_pages = nt;
}

void minivmm_policy_step(const struct minivmm_policy_params *p,
			 __u64 host_avail_pages, __u64 host_total_pages,
			 enum minivmm_host_state *state,
			 struct minivmm_vm_sample *vms,
			 struct minivmm_vm_decision *out, unsigned int n,
			 struct minivmm_policy_summary *sum)
{
	struct policy_ctx c = { .p = p, .vms = vms, .out = out, .n = n };
	struct minivmm_policy_summary r;
	__u64 up = 0, down = 0;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	r.state = minivmm_policy_host_state(p, host_avail_pages,
					    host_total_pages, *state);
	*state = r.state;
	r.goal_pages = minivmm_policy_bp_of(host_total_pages, p->high_bp);

	for (i = 0; i < n; i++) {
		struct minivmm_vm_decision *d = &out[i];
		__u64 a = vm_actual(&vms[i]);

		vm_prepare(p, r.state, &vms[i], d);
		if (d->unresponsive)
			continue;
		if (d->new_target_pages > a)
			up = sat_add(up, d->new_target_pages - a);
		else
			down = sat_add(down, a - d->new_target_pages);
	}
	r.projected_pages = sat_sub(sat_add(host_avail_pages, up), down);

	if (r.state == MINIVMM_HOST_HIGH) {
		r.surplus_pages = sat_sub(r.projected_pages, r.goal_pages);
		c.kind = FILL_DEFLATE;
		water_fill(&c, r.surplus_pages);
	} else {
		__u64 placed;

		r.need_pages = sat_sub(r.goal_pages, r.projected_pages);
		c.inflate_mult = r.state == MINIVMM_HOST_LOW ? p->low_step_mult :
				 r.state == MINIVMM_HOST_HARD ? p->hard_step_mult : 1;
		c.kind = FILL_INFLATE_FREE;
		c.mean_free = mean_free(&c);
		placed = water_fill(&c, r.need_pages);
		if (r.state != MINIVMM_HOST_SOFT) {
			c.kind = FILL_INFLATE_EQUAL;
			water_fill(&c, r.need_pages - placed);
		}
	}

	for (i = 0; i < n; i++) {
		const struct minivmm_vm_sample *s = &vms[i];
		struct minivmm_vm_decision *d = &out[i];
		__u64 t = s->target_pages, nt = d->new_target_pages;
		__u64 delta = nt > t ? nt - t : t - nt;

		if (s->auto_mode && delta && nt &&
		    (r.state == MINIVMM_HOST_HIGH || r.state == MINIVMM_HOST_SOFT) &&
		    t <= vm_max_balloon(s) &&
		    delta < minivmm_policy_bp_of(s->mem_pages, p->min_change_bp))
			nt = t;
		d->new_target_pages = nt;
		d->changed = nt != t;
		if (d->changed)
			r.changed++;
		if (d->unresponsive)
			r.unresponsive++;
		if (nt > t)
			r.inflate_pages += nt - t;
		else
			r.deflate_pages += t - nt;
	}
	if (sum)
		*sum = r;
}
