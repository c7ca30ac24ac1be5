// SPDX-License-Identifier: GPL-2.0
/*
 * KEY=VALUE changes of the monitor's policy (see policy_kv.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "policy_kv.h"
#include "units.h"

enum kv_kind { KV_BP, KV_COUNT, KV_MS, KV_ONOFF };

struct policy_key {
	const char *name;
	const char *alias;	/* the JSON key */
	enum kv_kind kind;
	size_t off;
};

#define K(n, field, kind) \
	{ n, #field, kind, offsetof(struct minivmm_policy, field) }

static const struct policy_key keys[] = {
	K("high", high_bp, KV_BP),
	K("soft", soft_bp, KV_BP),
	K("hard", hard_bp, KV_BP),
	K("low", low_bp, KV_BP),
	K("step", step_bp, KV_BP),
	K("min_change", min_change_bp, KV_BP),
	K("hard_step_mult", hard_step_mult, KV_COUNT),
	K("low_step_mult", low_step_mult, KV_COUNT),
	K("unresponsive_steps", unresponsive_steps, KV_COUNT),
	K("interval", interval_ms, KV_MS),
	K("enabled", enabled, KV_ONOFF),
};

const char policy_keys_help[] =
	"  high, soft, hard, low  host watermarks, of host RAM: 6% or 600bp\n"
	"  step                   largest target change per step, of the VM's RAM\n"
	"  min_change             smaller target changes are skipped (% or bp)\n"
	"  hard_step_mult         step multiplier under the hard watermark\n"
	"  low_step_mult          step multiplier under the low watermark\n"
	"  unresponsive_steps     steps before a balloon is called unresponsive\n"
	"  interval               sampling period: 1000, 1000ms, 1s (100ms .. 60s)\n"
	"  enabled                on/off (1/0): off only samples, sets no target\n"
	"  (the JSON names high_bp, ..., interval_ms are accepted too)\n";

static const struct policy_key *find_key(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((strlen(keys[i].name) == len &&
		     !strncmp(keys[i].name, name, len)) ||
		    (strlen(keys[i].alias) == len &&
		     !strncmp(keys[i].alias, name, len)))
			return &keys[i];
	return NULL;
}

int policy_apply_kv(struct minivmm_policy *p, const char *kv, char *err,
		    size_t size)
{
	const char *eq = strchr(kv, '=');
	const struct policy_key *k;
	char verr[CTL_ERR_LEN];
	unsigned int v = 0;
	bool b;
	int r;

	if (!eq || eq == kv) {
		snprintf(err, size, "'%s' is not KEY=VALUE (for instance high=7%%)",
			 kv);
		return -1;
	}
	k = find_key(kv, eq - kv);
	if (!k) {
		snprintf(err, size,
			 "unknown policy key '%.*s' (keys: high, soft, hard, low, step, min_change, hard_step_mult, low_step_mult, unresponsive_steps, interval, enabled)",
			 (int)(eq - kv), kv);
		return -1;
	}
	switch (k->kind) {
	case KV_BP:
		r = parse_bp(eq + 1, &v, verr, sizeof(verr));
		break;
	case KV_COUNT:
		r = parse_u32(eq + 1, &v, verr, sizeof(verr));
		break;
	case KV_MS:
		/* interval_ms=N is plain milliseconds, interval=N too. */
		r = parse_ms(eq + 1, &v, verr, sizeof(verr));
		break;
	default:
		r = parse_onoff(eq + 1, &b, verr, sizeof(verr));
		v = b;
		break;
	}
	if (r) {
		snprintf(err, size, "%s: %s", k->name, verr);
		return -1;
	}
	memcpy((char *)p + k->off, &v, sizeof(v));
	return 0;
}

static int broken(char *err, size_t size, const char *rule,
		  const char *a, unsigned int av, const char *b,
		  unsigned int bv)
{
	char x[16], y[16];

	if (b)
		snprintf(err, size, "%s: %s is %s, %s is %s", rule, a,
			 fmt_bp(av, x, sizeof(x)), b, fmt_bp(bv, y, sizeof(y)));
	else
		snprintf(err, size, "%s: %s is %u", rule, a, av);
	return -1;
}

int policy_check(const struct minivmm_policy *p, char *err, size_t size)
{
	const char *wm = "watermarks must be 0 < low < hard < soft < high <= 50%";

	if (!p->low_bp)
		return broken(err, size, wm, "low", p->low_bp, "hard",
			      p->hard_bp);
	if (p->low_bp >= p->hard_bp)
		return broken(err, size, wm, "low", p->low_bp, "hard",
			      p->hard_bp);
	if (p->hard_bp >= p->soft_bp)
		return broken(err, size, wm, "hard", p->hard_bp, "soft",
			      p->soft_bp);
	if (p->soft_bp >= p->high_bp)
		return broken(err, size, wm, "soft", p->soft_bp, "high",
			      p->high_bp);
	if (p->high_bp > 5000)
		return broken(err, size, wm, "high", p->high_bp, "the limit",
			      5000);
	if (!p->step_bp || p->step_bp > 10000)
		return broken(err, size, "step must be 0 < step <= 100%",
			      "step", p->step_bp, "the limit", 10000);
	if (p->min_change_bp >= p->step_bp)
		return broken(err, size, "min_change must be below step",
			      "min_change", p->min_change_bp, "step",
			      p->step_bp);
	if (!p->hard_step_mult || p->hard_step_mult > p->low_step_mult ||
	    p->low_step_mult > 100) {
		snprintf(err, size,
			 "step multipliers must be 1 <= hard_step_mult <= low_step_mult <= 100: hard_step_mult is %u, low_step_mult is %u",
			 p->hard_step_mult, p->low_step_mult);
		return -1;
	}
	if (!p->unresponsive_steps)
		return broken(err, size, "unresponsive_steps must be at least 1",
			      "unresponsive_steps", 0, NULL, 0);
	if (p->interval_ms < 100 || p->interval_ms > 60000)
		return broken(err, size,
			      "interval must be 100 .. 60000 ms",
			      "interval (ms)", p->interval_ms, NULL, 0);
	if (p->enabled > 1)
		return broken(err, size, "enabled must be 0 or 1", "enabled",
			      p->enabled, NULL, 0);
	return 0;
}
