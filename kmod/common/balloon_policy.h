/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Balloon policy: from the host's available memory and the guests' balloon
 * statistics, the balloon targets of the VMs in auto mode. Pure integer
 * arithmetic in pages and basis points (1/10000); kernel-free, so the
 * memory-pressure monitor in the module and the unit tests share it.
 *
 * Host states (four watermarks, defaults after VMware ESX's free-memory
 * states, fractions of host RAM): with A the available pages and H, S, D,
 * L the high, soft, hard and low watermarks in pages,
 *
 *	A <  L		LOW	inflate, step x low_step_mult
 *	A <  D		HARD	inflate, step x hard_step_mult
 *	A <  S		SOFT	inflate, step x 1
 *	A >= H		HIGH	deflate what lies above H, step x 1
 *	S <= A < H	(band)	HIGH if the previous state was HIGH (no new
 *			inflation in the band when coming from above),
 *			SOFT otherwise (reclaim goes on until A reaches H).
 *
 * Ballooning therefore starts below the soft watermark and reclaims up to
 * the high watermark; it stops at the high watermark and deflation never
 * takes the host below it, so the band [S, H) absorbs the oscillation.
 */
#ifndef MINIVMM_BALLOON_POLICY_H
#define MINIVMM_BALLOON_POLICY_H

#include "pure.h"
#include <linux/minivmm.h>

/* One basis point is 1/10000 of the whole. */
#define MINIVMM_POLICY_BP		10000u

/* Defaults: ESX watermarks, oVirt MOM's step and change threshold. */
#define MINIVMM_POLICY_HIGH_BP		600u	/* 6 % of host RAM */
#define MINIVMM_POLICY_SOFT_BP		400u	/* 4 % */
#define MINIVMM_POLICY_HARD_BP		200u	/* 2 % */
#define MINIVMM_POLICY_LOW_BP		100u	/* 1 % */
#define MINIVMM_POLICY_STEP_BP		500u	/* 5 % of a VM's RAM per step */
#define MINIVMM_POLICY_MIN_CHANGE_BP	25u	/* 0.25 % of a VM's RAM */
#define MINIVMM_POLICY_HARD_STEP_MULT	2u
#define MINIVMM_POLICY_LOW_STEP_MULT	4u
#define MINIVMM_POLICY_UNRESPONSIVE	5u	/* steps */

/* Bounds enforced by minivmm_policy_params_check(). */
#define MINIVMM_POLICY_MAX_HIGH_BP	5000u	/* 50 % */
#define MINIVMM_POLICY_MAX_STEP_MULT	100u

/* struct minivmm_policy.interval_ms: default and bounds (milliseconds). */
#define MINIVMM_POLICY_INTERVAL_MS	1000u
#define MINIVMM_POLICY_MIN_INTERVAL_MS	100u
#define MINIVMM_POLICY_MAX_INTERVAL_MS	60000u

/**
 * enum minivmm_policy_rule - the validity rules of the policy, in the
 *	order they are checked
 * @MINIVMM_POLICY_RULE_OK: no rule is broken.
 * @MINIVMM_POLICY_RULE_LOW: low watermark above 0.
 * @MINIVMM_POLICY_RULE_HARD: hard watermark above low.
 * @MINIVMM_POLICY_RULE_SOFT: soft watermark above hard.
 * @MINIVMM_POLICY_RULE_HIGH: high watermark above soft.
 * @MINIVMM_POLICY_RULE_HIGH_MAX: high watermark at most 5000 (50 %).
 * @MINIVMM_POLICY_RULE_STEP: step 1 .. 10000.
 * @MINIVMM_POLICY_RULE_MIN_CHANGE: minimum change below the step.
 * @MINIVMM_POLICY_RULE_STEP_MULT: 1 <= hard_step_mult <= low_step_mult
 *	<= 100.
 * @MINIVMM_POLICY_RULE_UNRESPONSIVE: unresponsive steps at least 1.
 * @MINIVMM_POLICY_RULE_INTERVAL: (uapi only) interval 100 .. 60000 ms.
 * @MINIVMM_POLICY_RULE_ENABLED: (uapi only) enabled 0 or 1.
 * @MINIVMM_POLICY_RULE_RESERVED: (uapi only) pad and reserved zero.
 * @MINIVMM_POLICY_RULE_NR: number of values, not a rule.
 */
enum minivmm_policy_rule {
	MINIVMM_POLICY_RULE_OK = 0,
	MINIVMM_POLICY_RULE_LOW,
	MINIVMM_POLICY_RULE_HARD,
	MINIVMM_POLICY_RULE_SOFT,
	MINIVMM_POLICY_RULE_HIGH,
	MINIVMM_POLICY_RULE_HIGH_MAX,
	MINIVMM_POLICY_RULE_STEP,
	MINIVMM_POLICY_RULE_MIN_CHANGE,
	MINIVMM_POLICY_RULE_STEP_MULT,
	MINIVMM_POLICY_RULE_UNRESPONSIVE,
	MINIVMM_POLICY_RULE_INTERVAL,
	MINIVMM_POLICY_RULE_ENABLED,
	MINIVMM_POLICY_RULE_RESERVED,
	MINIVMM_POLICY_RULE_NR,
};

/**
 * enum minivmm_host_state - host memory state, by growing pressure
 * @MINIVMM_HOST_HIGH: at or above the high watermark, or in the band below
 *	it when coming from above; balloons deflate while that keeps the host
 *	at or above the high watermark. The zero value: start here.
 * @MINIVMM_HOST_SOFT: below the soft watermark, or in the band while
 *	recovering; balloons inflate, taking only guests' free memory, until
 *	the high watermark is reached.
 * @MINIVMM_HOST_HARD: below the hard watermark; as SOFT with a bigger step,
 *	and what free memory cannot cover is taken from guests in equal
 *	shares, down to their floors.
 * @MINIVMM_HOST_LOW: below the low watermark; as HARD with a bigger step.
 */
enum minivmm_host_state {
	MINIVMM_HOST_HIGH = 0,
	MINIVMM_HOST_SOFT,
	MINIVMM_HOST_HARD,
	MINIVMM_HOST_LOW,
};

/**
 * struct minivmm_policy_params - tunables of the balloon policy
 * @high_bp: high watermark, basis points of host RAM (default 600, 6 %).
 * @soft_bp: soft watermark (default 400); inflation starts below it.
 * @hard_bp: hard watermark (default 200).
 * @low_bp: low watermark (default 100).
 * @step_bp: largest change of one VM's balloon target per step, basis
 *	points of that VM's RAM (default 500, 5 %).
 * @min_change_bp: in the SOFT and HIGH states, a change of a target smaller
 *	than this share of the VM's RAM is skipped (default 25, 0.25 %),
 *	except one that empties the balloon; 0 disables the threshold.
 * @hard_step_mult: @step_bp multiplier in the HARD state (default 2).
 * @low_step_mult: @step_bp multiplier in the LOW state (default 4).
 * @unresponsive_steps: steps a balloon may stay off its target without
 *	moving towards it before the VM is reported unresponsive (default 5).
 *
 * Valid when 0 < low < hard < soft < high <= 5000, 0 < step <= 10000,
 * min_change < step, 1 <= hard_step_mult <= low_step_mult <= 100 and
 * unresponsive_steps >= 1 (&enum minivmm_policy_rule, checked by
 * minivmm_policy_params_rule()). Step caps beyond 100 % count as 100 %.
 */
struct minivmm_policy_params {
	__u32 high_bp;
	__u32 soft_bp;
	__u32 hard_bp;
	__u32 low_bp;
	__u32 step_bp;
	__u32 min_change_bp;
	__u32 hard_step_mult;
	__u32 low_step_mult;
	__u32 unresponsive_steps;
};

/**
 * struct minivmm_vm_sample - one VM as the policy sees it at a step
 * @mem_pages: guest RAM.
 * @target_pages: current balloon target (what the last step, or the
 *	administrator for a manual VM, asked for).
 * @actual_pages: balloon size the guest reports.
 * @guest_free_pages: memory the guest is not using, from its balloon
 *	statistics (MemAvailable if reported, else MemFree, else total minus
 *	used); the ballooned pages are not part of it. Ignored unless
 *	@stats_valid.
 * @floor_pages: the guest keeps at least this much RAM: targets of auto
 *	VMs stay at or below @mem_pages - @floor_pages.
 * @ceiling_pages: largest balloon allowed for an auto VM (0 forbids
 *	ballooning it; @mem_pages or more: no limit beyond the floor).
 * @last_actual_pages: policy-private: @actual_pages at the previous step.
 * @lag_steps: policy-private: consecutive steps the balloon was off its
 *	target without moving towards it.
 * @stats_valid: @guest_free_pages is fresh; false when the guest reports
 *	nothing or its statistics are stale.
 * @auto_mode: the policy sets this VM's target; a manual VM keeps the
 *	administrator's target (it is only checked for responsiveness).
 *
 * The caller keeps one sample per VM across steps, refreshes every field
 * but the two policy-private ones before each step, and zeroes the whole
 * sample when the VM appears.
 */
struct minivmm_vm_sample {
	__u64 mem_pages;
	__u64 target_pages;
	__u64 actual_pages;
	__u64 guest_free_pages;
	__u64 floor_pages;
	__u64 ceiling_pages;
	__u64 last_actual_pages;
	__u32 lag_steps;
	bool stats_valid;
	bool auto_mode;
};

/**
 * struct minivmm_vm_decision - what the policy decided for one VM
 * @new_target_pages: balloon target to set (the current one when
 *	unchanged; always the current one for a manual VM).
 * @changed: @new_target_pages differs from the sample's target.
 * @unresponsive: the balloon has been off its target without moving
 *	towards it for @unresponsive_steps steps or more. Its target is not
 *	raised (and in HIGH is lowered to its balloon's size), its outstanding
 *	pages are not counted on, and the memory it should have given is asked
 *	of the other VMs. Cleared once the balloon reaches or moves towards
 *	its target.
 */
struct minivmm_vm_decision {
	__u64 new_target_pages;
	bool changed;
	bool unresponsive;
};

/**
 * struct minivmm_policy_summary - host-wide figures of one step
 * @state: the new host state.
 * @goal_pages: the high watermark in pages, what reclaim aims for.
 * @projected_pages: available pages once every responsive balloon has
 *	reached its target (after floor and ceiling clamps).
 * @need_pages: in SOFT, HARD and LOW, @goal_pages - @projected_pages
 *	(0 when not positive); 0 in HIGH.
 * @surplus_pages: in HIGH, @projected_pages - @goal_pages (0 when not
 *	positive); 0 otherwise.
 * @inflate_pages: sum of the target increases decided.
 * @deflate_pages: sum of the target decreases decided.
 * @changed: VMs whose target changed.
 * @unresponsive: VMs reported unresponsive.
 */
struct minivmm_policy_summary {
	enum minivmm_host_state state;
	__u64 goal_pages;
	__u64 projected_pages;
	__u64 need_pages;
	__u64 surplus_pages;
	__u64 inflate_pages;
	__u64 deflate_pages;
	__u32 changed;
	__u32 unresponsive;
};

/**
 * minivmm_policy_defaults() - fill in the default tunables
 * @p: filled in.
 */
void minivmm_policy_defaults(struct minivmm_policy_params *p);

/**
 * minivmm_policy_params_check() - validate tunables (e.g. from userspace)
 * @p: the tunables.
 * @why: if not NULL, set to a static string saying what is wrong, or to
 *	NULL when @p is valid.
 *
 * Return: 0, or -EINVAL when a rule in &struct minivmm_policy_params is
 * broken.
 */
int minivmm_policy_params_check(const struct minivmm_policy_params *p,
				const char **why);

/**
 * minivmm_policy_params_rule() - the first rule the tunables break
 * @p: the tunables.
 *
 * Return: %MINIVMM_POLICY_RULE_OK, or the first broken rule (never one of
 * the uapi-only rules).
 */
enum minivmm_policy_rule
minivmm_policy_params_rule(const struct minivmm_policy_params *p);

/**
 * minivmm_policy_rule_text() - a rule as a sentence
 * @rule: the rule.
 *
 * Return: a static string stating what @rule requires ("hard watermark
 * must be above low"), or NULL for %MINIVMM_POLICY_RULE_OK and values
 * that are no rule.
 */
const char *minivmm_policy_rule_text(enum minivmm_policy_rule rule);

/**
 * minivmm_policy_from_uapi() - check a MINIVMM_ADMIN_SET_POLICY argument
 * @u: the policy as userspace gives it.
 * @p: if not NULL, receives the tunables of @u (whether valid or not).
 * @rule: if not NULL, receives the first broken rule: those of
 *	minivmm_policy_params_rule() first, then interval, enabled, and
 *	pad/reserved; %MINIVMM_POLICY_RULE_OK when @u is valid.
 *
 * The one place that decides what SET_POLICY accepts: kmod/monitor.c
 * calls it, and minivmm-ctl too, before it sends a policy.
 *
 * Return: 0, or -EINVAL when @u breaks a rule of &struct minivmm_policy.
 */
int minivmm_policy_from_uapi(const struct minivmm_policy *u,
			     struct minivmm_policy_params *p,
			     enum minivmm_policy_rule *rule);

/**
 * minivmm_policy_to_uapi() - the policy as MINIVMM_ADMIN_GET_POLICY says
 * @p: the tunables.
 * @interval_ms: the sampling period.
 * @enabled: whether the monitor sets auto VMs' targets.
 * @u: filled in (pad and reserved zeroed).
 */
void minivmm_policy_to_uapi(const struct minivmm_policy_params *p,
			    __u32 interval_ms, bool enabled,
			    struct minivmm_policy *u);

/**
 * minivmm_host_state_name() - a host state as a word
 * @s: the state.
 *
 * Return: "high", "soft", "hard", "low", or "?" for anything else.
 */
const char *minivmm_host_state_name(enum minivmm_host_state s);

/**
 * minivmm_balloon_mode_name() - a balloon mode as a word
 * @mode: MINIVMM_BALLOON_MANUAL or MINIVMM_BALLOON_AUTO.
 *
 * Return: "manual", "auto", or "?" for anything else.
 */
const char *minivmm_balloon_mode_name(__u32 mode);

/**
 * minivmm_policy_bp_of() - a share of a page count
 * @pages: the whole.
 * @bp: the share in basis points; more than 10000 counts as 10000.
 *
 * Return: @pages * @bp / 10000 rounded down, without overflow.
 */
__u64 minivmm_policy_bp_of(__u64 pages, __u32 bp);

/**
 * minivmm_policy_host_state() - host state from its available memory
 * @p: the tunables (valid).
 * @avail_pages: available host memory (more than @total_pages counts as
 *	@total_pages).
 * @total_pages: host RAM; 0 gives MINIVMM_HOST_HIGH.
 * @prev: the state of the previous step (MINIVMM_HOST_HIGH at first).
 *
 * Watermarks in pages are minivmm_policy_bp_of(@total_pages, x_bp). Below
 * the low, hard or soft watermark: LOW, HARD or SOFT. At or above the high
 * watermark: HIGH. In between (the band): HIGH when @prev is HIGH, SOFT
 * otherwise.
 *
 * Return: the new state.
 */
enum minivmm_host_state
minivmm_policy_host_state(const struct minivmm_policy_params *p,
			  __u64 avail_pages, __u64 total_pages,
			  enum minivmm_host_state prev);

/**
 * minivmm_policy_step() - one step of the balloon policy
 * @p: the tunables (valid).
 * @host_avail_pages: available host memory now.
 * @host_total_pages: host RAM.
 * @state: in: the previous host state; out: the new one.
 * @vms: the VMs; only the policy-private fields are written.
 * @out: one decision per VM, all written.
 * @n: number of VMs.
 * @sum: if not NULL, host-wide figures of this step.
 *
 * Per VM first: the balloon's lag is updated and the VM flagged
 * unresponsive when it reaches @p->unresponsive_steps; an auto VM's target
 * above min(@ceiling_pages, @mem_pages - @floor_pages) is pulled down to
 * it at once (not step-capped). Projected memory (@projected_pages) is
 * the available memory plus target - actual of every responsive VM
 * (negative for balloons still to deflate): what the host will have once
 * the outstanding requests are met, so they are not asked for twice.
 *
 * Pressure (SOFT, HARD, LOW): the missing pages up to the high watermark
 * (@need_pages) are split over the responsive auto VMs in proportion to
 * their free memory, by water-filling: what a VM cannot take is split
 * again over the others. A VM reporting statistics gives at most its free
 * pages here; one without valid statistics counts as having the mean free
 * memory of those that report (1 page when none does or all report 0:
 * equal shares). In HARD and LOW, what is still missing is then split in
 * equal shares regardless of free memory, down to the floors. A VM's
 * target rises by at most step_bp x multiplier of its RAM, is never more
 * than that ahead of its balloon, and never exceeds its floor/ceiling
 * limit. Unresponsive VMs keep their target.
 *
 * HIGH: the projected pages above the high watermark are given back by
 * lowering targets in proportion to balloon size, at most step_bp of a
 * VM's RAM per step, until the balloons are empty; an unresponsive VM's
 * target is first lowered to its balloon's size (a withdrawn request: no
 * memory moves, not step-capped). Deflation never takes the projected
 * memory below the high watermark.
 *
 * Last, in SOFT and HIGH, a change smaller than min_change_bp of the VM's
 * RAM is dropped unless it empties the balloon or enforces the floor or
 * ceiling. Manual VMs keep their target.
 *
 * Cost: O(n) per water-filling round, at most n + 1 rounds per pass.
 */
void minivmm_policy_step(const struct minivmm_policy_params *p,
			 __u64 host_avail_pages, __u64 host_total_pages,
			 enum minivmm_host_state *state,
			 struct minivmm_vm_sample *vms,
			 struct minivmm_vm_decision *out, unsigned int n,
			 struct minivmm_policy_summary *sum);

#endif /* MINIVMM_BALLOON_POLICY_H */
