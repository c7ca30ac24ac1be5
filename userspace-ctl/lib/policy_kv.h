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
 * Would MINIVMM_ADMIN_SET_POLICY accept @p? The module's own check
 * decides (minivmm_policy_from_uapi() of kmod/common/balloon_policy.c,
 * linked in). Returns 0, or -1 with @err stating the broken rule in the
 * module's words followed by the values involved, e.g. "hard watermark
 * must be above low: low is 2%, hard is 2%".
 */
int policy_check(const struct minivmm_policy *p, char *err, size_t size);

#endif /* MINIVMM_CTL_POLICY_KV_H */
