/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host memory-pressure monitor (kmod/monitor.c): sets the balloon
 * targets of VMs in auto mode from the host's available memory.
 */
#ifndef MINIVMM_MONITOR_H
#define MINIVMM_MONITOR_H

#include <linux/sysfs.h>
#include <linux/minivmm.h>

int minivmm_monitor_init(void);
void minivmm_monitor_exit(void);
void minivmm_monitor_get_policy(struct minivmm_policy *p);
int minivmm_monitor_set_policy(const struct minivmm_policy *p);
void minivmm_monitor_status(struct minivmm_monitor_status *st);
void minivmm_monitor_kick(void);

/* /sys/class/misc/minivmm/monitor/ */
extern const struct attribute_group minivmm_monitor_attr_group;

#endif /* MINIVMM_MONITOR_H */
