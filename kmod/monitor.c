// SPDX-License-Identifier: GPL-2.0
/*
 * The host memory-pressure monitor. Every interval it compares the host's
 * available memory (si_mem_available()) with four watermarks and, for the
 * VMs in auto mode, sets balloon targets decided by the kernel-free policy
 * of kmod/common/balloon_policy.c from each guest's free memory (balloon
 * statistics). A shrinker brings the next step forward when the host
 * enters direct reclaim, so sudden pressure is answered at once rather
 * than at the next tick; it frees nothing itself (balloon inflation needs
 * the guests' cooperation, which reclaim cannot wait for).
 *
 * Locking: monitor_lock serialises steps and policy changes; a step takes
 * a snapshot of the VMs (minivmm_registry_snapshot(): minivmm_vms_lock only
 * for the list), then each VM's mmio_lock (through the balloon calls) and,
 * to set a target, the VM's admin.lock. A VM stuck in a slow access stalls
 * the monitor, never the creation or destruction of VMs. The shrinker
 * takes no lock at all: it may run inside an allocation made under any of
 * them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/ratelimit.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <linux/virtio_balloon.h>
#include "compat.h"
#include "monitor.h"
#include "vm_balloon.h"
#include "vm_registry.h"
#include "common/balloon_policy.h"

/* Guest statistics older than this are not trusted. */
#define MONITOR_STATS_FRESH_NS		(10ULL * NSEC_PER_SEC)
/* The shrinker brings a step forward at most this often. */
#define MONITOR_KICK_MIN_MS		100

static DEFINE_MUTEX(monitor_lock);
static struct minivmm_policy_params params;
static u32 interval_ms = MINIVMM_POLICY_INTERVAL_MS;
static bool enabled = true;
static enum minivmm_host_state state;
static struct minivmm_monitor_status status;
static struct delayed_work monitor_work;
static struct shrinker *monitor_shrinker;
static bool running;
/* For the shrinker, read without locks. */
static atomic_long_t auto_balloon_room;
static atomic64_t shrinker_scans;
static unsigned long last_step_jiffies;

/* One VM taking part in a step. */
struct step_vm {
	struct minivmm_vm *vm;
	bool has_balloon;
};

static u64 bytes_to_pages(u64 b)
{
	return b >> PAGE_SHIFT;
}

/* Refresh @vm's sample from its balloon; false without a balloon. */
static bool sample_vm(struct minivmm_vm *vm, u64 now)
{
	struct minivmm_vm_sample *s = &vm->admin.sample;
	struct minivmm_balloon_status st;
	u64 ram;

	if (minivmm_vm_balloon_status(vm, &st))
		return false;
	ram = minivmm_vm_ram_pages(vm);
	s->mem_pages = ram;
	s->target_pages = st.target_pages;
	s->actual_pages = st.actual_pages;
	s->floor_pages = minivmm_vm_floor_pages(vm, ram);
	s->ceiling_pages = minivmm_vm_ceiling_pages(vm, ram);
	s->auto_mode = READ_ONCE(vm->admin.mode) == MINIVMM_BALLOON_AUTO;
	s->stats_valid = false;
	s->guest_free_pages = 0;
	if (st.stats_timestamp_ns &&
	    now - st.stats_timestamp_ns < MONITOR_STATS_FRESH_NS) {
		if (st.stats_valid & BIT(VIRTIO_BALLOON_S_AVAIL)) {
			s->guest_free_pages =
				bytes_to_pages(st.stats[VIRTIO_BALLOON_S_AVAIL]);
			s->stats_valid = true;
		} else if (st.stats_valid & BIT(VIRTIO_BALLOON_S_MEMFREE)) {
			s->guest_free_pages =
				bytes_to_pages(st.stats[VIRTIO_BALLOON_S_MEMFREE]);
			s->stats_valid = true;
		}
	}
	return true;
}

static void report_vm(struct minivmm_vm *vm, bool unresponsive)
{
	struct minivmm_vm_admin *a = &vm->admin;

	if (unresponsive && !a->unresponsive)
		pr_warn_ratelimited("vm %u (pid %d %s): balloon not following its target (target %llu, actual %llu pages) for %u steps\n",
				    a->id, a->owner_pid, a->owner_comm,
				    a->sample.target_pages,
				    a->sample.actual_pages,
				    params.unresponsive_steps);
	else if (!unresponsive && a->unresponsive)
		pr_info_ratelimited("vm %u (pid %d %s): balloon follows its target again\n",
				    a->id, a->owner_pid, a->owner_comm);
	WRITE_ONCE(a->unresponsive, unresponsive);
}

/* Under monitor_lock. */
static void monitor_step(void)
{
	struct minivmm_vm_sample *samples = NULL;
	struct minivmm_vm_decision *out = NULL;
	struct minivmm_policy_summary sum;
	enum minivmm_host_state prev = state;
	struct minivmm_vm **snap = NULL;
	struct step_vm *vms = NULL;
	unsigned int n = 0, m, i;
	int cap;
	u64 total = totalram_pages(), avail = si_mem_available();
	u64 now = ktime_get_ns();
	long room = 0;

	cap = minivmm_registry_snapshot(&snap);
	if (cap > 0) {
		vms = kcalloc(cap, sizeof(*vms), GFP_KERNEL);
		samples = kcalloc(cap, sizeof(*samples), GFP_KERNEL);
		out = kcalloc(cap, sizeof(*out), GFP_KERNEL);
	}
	/* Without memory: a step without VMs. No global lock from here. */
	for (i = 0; vms && samples && out && i < cap; i++) {
		vms[n].vm = snap[i];
		vms[n].has_balloon = sample_vm(snap[i], now);
		n++;
	}

	/* The policy sees only VMs with a balloon: pack them. */
	for (i = 0, m = 0; i < n; i++)
		if (vms[i].has_balloon)
			samples[m++] = vms[i].vm->admin.sample;
	minivmm_policy_step(&params, avail, total, &state, samples, out, m,
			    &sum);
	for (i = 0, m = 0; i < n; i++) {
		struct minivmm_vm *vm = vms[i].vm;
		struct minivmm_vm_decision *d;

		if (!vms[i].has_balloon)
			continue;
		d = &out[m];
		/* Keep the policy-private fields for the next step. */
		vm->admin.sample.last_actual_pages =
			samples[m].last_actual_pages;
		vm->admin.sample.lag_steps = samples[m].lag_steps;
		report_vm(vm, d->unresponsive);
		if (samples[m].auto_mode) {
			room += samples[m].mem_pages -
				min(samples[m].mem_pages,
				    samples[m].target_pages);
			if (enabled && d->changed) {
				/* Unless the administrator took it meanwhile. */
				mutex_lock(&vm->admin.lock);
				if (READ_ONCE(vm->admin.mode) ==
				    MINIVMM_BALLOON_AUTO)
					minivmm_vm_balloon_set_target(vm,
						min_t(u64, d->new_target_pages,
						      U32_MAX));
				mutex_unlock(&vm->admin.lock);
			}
		}
		m++;
	}

	minivmm_registry_snapshot_put(snap, max(cap, 0));
	kfree(out);
	kfree(samples);
	kfree(vms);

	atomic_long_set(&auto_balloon_room, room);
	if (state != prev)
		pr_info_ratelimited("host memory %s: avail %llu MiB of %llu MiB\n",
				    minivmm_host_state_name(state),
				    avail >> (20 - PAGE_SHIFT),
				    total >> (20 - PAGE_SHIFT));
	status.state = state;
	status.host_total_pages = total;
	status.host_avail_pages = avail;
	status.steps++;
	if (enabled) {
		status.inflate_pages += sum.inflate_pages;
		status.deflate_pages += sum.deflate_pages;
	}
	status.last_step_ns = now;
	WRITE_ONCE(last_step_jiffies, jiffies);
}

static void monitor_fn(struct work_struct *work)
{
	mutex_lock(&monitor_lock);
	monitor_step();
	if (running)
		schedule_delayed_work(&monitor_work,
				      msecs_to_jiffies(interval_ms));
	mutex_unlock(&monitor_lock);
}

/**
 * minivmm_monitor_kick() - run a step now (at most every 100 ms)
 *
 * Takes no lock and allocates nothing: callable from reclaim.
 */
void minivmm_monitor_kick(void)
{
	if (time_before(jiffies, READ_ONCE(last_step_jiffies) +
			msecs_to_jiffies(MONITOR_KICK_MIN_MS)))
		return;
	if (READ_ONCE(running))
		mod_delayed_work(system_wq, &monitor_work, 0);
}

static unsigned long monitor_count(struct shrinker *s,
				   struct shrink_control *sc)
{
	long room = atomic_long_read(&auto_balloon_room);

	/* Nothing to balloon: reclaim need not call us. */
	return room > 0 ? room : SHRINK_EMPTY;
}

static unsigned long monitor_scan(struct shrinker *s, struct shrink_control *sc)
{
	atomic64_inc(&shrinker_scans);
	minivmm_monitor_kick();
	/* Memory comes back later, when the guests have inflated. */
	return SHRINK_STOP;
}

/**
 * minivmm_monitor_get_policy() - the policy as MINIVMM_ADMIN_GET_POLICY says
 * @p: filled in.
 */
void minivmm_monitor_get_policy(struct minivmm_policy *p)
{
	mutex_lock(&monitor_lock);
	minivmm_policy_to_uapi(&params, interval_ms, enabled, p);
	mutex_unlock(&monitor_lock);
}

/**
 * minivmm_monitor_set_policy() - MINIVMM_ADMIN_SET_POLICY
 * @p: the new policy.
 *
 * The rules are kmod/common/balloon_policy.c's, shared with minivmm-ctl.
 * Return: 0 (the next step comes one new interval from now), or -EINVAL
 * when @p breaks a rule of &struct minivmm_policy.
 */
int minivmm_monitor_set_policy(const struct minivmm_policy *p)
{
	struct minivmm_policy_params np;

	if (minivmm_policy_from_uapi(p, &np, NULL))
		return -EINVAL;
	mutex_lock(&monitor_lock);
	params = np;
	interval_ms = p->interval_ms;
	enabled = p->enabled;
	if (running)
		mod_delayed_work(system_wq, &monitor_work,
				 msecs_to_jiffies(interval_ms));
	mutex_unlock(&monitor_lock);
	return 0;
}

/**
 * minivmm_monitor_status() - MINIVMM_ADMIN_GET_MONITOR
 * @st: filled in.
 */
void minivmm_monitor_status(struct minivmm_monitor_status *st)
{
	mutex_lock(&monitor_lock);
	*st = status;
	mutex_unlock(&monitor_lock);
	st->shrinker_scans = atomic64_read(&shrinker_scans);
}

/**
 * minivmm_monitor_init() - start sampling (and register the shrinker)
 *
 * Return: 0; a shrinker that cannot be registered is logged, and the
 * monitor then relies on its periodic steps.
 */
int minivmm_monitor_init(void)
{
	minivmm_policy_defaults(&params);
	INIT_DELAYED_WORK(&monitor_work, monitor_fn);
	status.host_total_pages = totalram_pages();
	status.host_avail_pages = si_mem_available();
	monitor_shrinker = minivmm_shrinker_create("minivmm-monitor",
						   monitor_count, monitor_scan);
	if (!monitor_shrinker)
		pr_warn("no shrinker: the monitor reacts at its interval only\n");
	WRITE_ONCE(running, true);
	schedule_delayed_work(&monitor_work, msecs_to_jiffies(interval_ms));
	return 0;
}

/**
 * minivmm_monitor_exit() - stop the monitor
 */
void minivmm_monitor_exit(void)
{
	if (monitor_shrinker)
		minivmm_shrinker_destroy(monitor_shrinker);
	mutex_lock(&monitor_lock);
	WRITE_ONCE(running, false);
	mutex_unlock(&monitor_lock);
	cancel_delayed_work_sync(&monitor_work);
}

/* /sys/class/misc/minivmm/monitor/ */
#define STATUS_ATTR(name, expr)						\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct minivmm_monitor_status st;				\
									\
	minivmm_monitor_status(&st);					\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)(expr));	\
}									\
static DEVICE_ATTR_RO(name)

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct minivmm_monitor_status st;

	minivmm_monitor_status(&st);
	return sysfs_emit(buf, "%s\n", minivmm_host_state_name(st.state));
}
static DEVICE_ATTR_RO(state);

STATUS_ATTR(host_total_pages, st.host_total_pages);
STATUS_ATTR(host_avail_pages, st.host_avail_pages);
STATUS_ATTR(steps, st.steps);
STATUS_ATTR(shrinker_scans, st.shrinker_scans);
STATUS_ATTR(inflate_pages, st.inflate_pages);
STATUS_ATTR(deflate_pages, st.deflate_pages);

static struct attribute *monitor_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_host_total_pages.attr,
	&dev_attr_host_avail_pages.attr,
	&dev_attr_steps.attr,
	&dev_attr_shrinker_scans.attr,
	&dev_attr_inflate_pages.attr,
	&dev_attr_deflate_pages.attr,
	NULL,
};

const struct attribute_group minivmm_monitor_attr_group = {
	.name = "monitor",
	.attrs = monitor_attrs,
};
