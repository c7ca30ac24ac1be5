// SPDX-License-Identifier: GPL-2.0
/*
 * KEY=VALUE changes of the monitor's policy (see policy_kv.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "common/balloon_policy.h"
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

	for (i = 0; i < MINIVMM_ARRAY_SIZE(keys); i++)
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

/* "@rule: a is x, b is y" with the values in the units policy set takes. */
static void explain(char *err, size_t size, const char *rule,
		    const char *a, unsigned int av, const char *b,
		    unsigned int bv, bool bp)
{
	char x[16], y[16];

	if (bp) {
		fmt_bp(av, x, sizeof(x));
		fmt_bp(bv, y, sizeof(y));
	} else {
		snprintf(x, sizeof(x), "%u", av);
		snprintf(y, sizeof(y), "%u", bv);
	}
	if (b)
		snprintf(err, size, "%s: %s is %s, %s is %s", rule, a, x, b, y);
	else
		snprintf(err, size, "%s: %s is %s", rule, a, x);
}

int policy_check(const struct minivmm_policy *p, char *err, size_t size)
{
	enum minivmm_policy_rule rule;
	const char *text;

	/* The module's own check decides; this only adds the values. */
	if (!minivmm_policy_from_uapi(p, NULL, &rule))
		return 0;
	text = minivmm_policy_rule_text(rule);
	if (!text)
		text = "policy refused";
	switch (rule) {
	case MINIVMM_POLICY_RULE_LOW:
		explain(err, size, text, "low", p->low_bp, NULL, 0, true);
		break;
	case MINIVMM_POLICY_RULE_HARD:
		explain(err, size, text, "low", p->low_bp, "hard", p->hard_bp,
			true);
		break;
	case MINIVMM_POLICY_RULE_SOFT:
		explain(err, size, text, "hard", p->hard_bp, "soft", p->soft_bp,
			true);
		break;
	case MINIVMM_POLICY_RULE_HIGH:
		explain(err, size, text, "soft", p->soft_bp, "high", p->high_bp,
			true);
		break;
	case MINIVMM_POLICY_RULE_HIGH_MAX:
		explain(err, size, text, "high", p->high_bp, NULL, 0, true);
		break;
	case MINIVMM_POLICY_RULE_STEP:
		explain(err, size, text, "step", p->step_bp, NULL, 0, true);
		break;
	case MINIVMM_POLICY_RULE_MIN_CHANGE:
		explain(err, size, text, "min_change", p->min_change_bp, "step",
			p->step_bp, true);
		break;
	case MINIVMM_POLICY_RULE_STEP_MULT:
		explain(err, size, text, "hard_step_mult", p->hard_step_mult,
			"low_step_mult", p->low_step_mult, false);
		break;
	case MINIVMM_POLICY_RULE_UNRESPONSIVE:
		explain(err, size, text, "unresponsive_steps",
			p->unresponsive_steps, NULL, 0, false);
		break;
	case MINIVMM_POLICY_RULE_INTERVAL:
		explain(err, size, text, "interval (ms)", p->interval_ms, NULL,
			0, false);
		break;
	case MINIVMM_POLICY_RULE_ENABLED:
		explain(err, size, text, "enabled", p->enabled, NULL, 0, false);
		break;
	default:
		snprintf(err, size, "%s", text);
		break;
	}
	return -1;
}
