/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What host paging cost a VM (kmod/paging_stats.c): MINIVMM_GET_PAGING_STATS
 * and the DMA reports of userspace device models (MINIVMM_REPORT_DMA).
 */
#ifndef MINIVMM_PAGING_STATS_H
#define MINIVMM_PAGING_STATS_H

#include "vm.h"

int minivmm_paging_stats(struct minivmm_vm *vm, struct minivmm_paging_stats *ps);
long minivmm_paging_ioctl(struct minivmm_vm *vm, unsigned int cmd,
			  void __user *argp);

#endif /* MINIVMM_PAGING_STATS_H */
