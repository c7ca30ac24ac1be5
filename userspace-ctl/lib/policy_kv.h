/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "policy set KEY=VALUE": the keys of struct minivmm_policy as minivmm-ctl
 * names them, applied to a policy read with MINIVMM_ADMIN_GET_POLICY, and
 * the validity rules of the header checked before it is written back.
 */
#ifndef MINIVMM_CTL_POLICY_KV_H
#define MINIVMM_CTL_POLICY_KV_H

#include <stddef.h>
#include <linux/minivmm.h>

/* One line per key for the help text. */
extern const char policy_keys_help[];

/*
 * Applies "KEY=VALUE" to @p. Returns 0, or -1 with @err saying what is
 * wrong (unknown key, bad value); @p is unchanged then.
 */
int policy_apply_kv(struct minivmm_policy *p, const char *kv, char *err,
		    size_t size);

/*
 * The rules of MINIVMM_ADMIN_SET_POLICY (0 < low < hard < soft < high <=
 * 5000, 0 < step <= 10000, min_change < step, 1 <= hard_step_mult <=
 * low_step_mult <= 100, unresponsive_steps >= 1, interval 100 .. 60000 ms,
 * enabled 0 or 1). Returns 0, or -1 with @err naming the broken rule.
 */
int policy_check(const struct minivmm_policy *p, char *err, size_t size);

#endif /* MINIVMM_CTL_POLICY_KV_H */
