/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest statistics of virtio-balloon (VIRTIO_BALLOON_S_* tags), as
 * minivmm-ctl names them: the macro's name, the virtio name ("swap-in"),
 * the JSON key, and whether the value is in bytes.
 */
#ifndef MINIVMM_CTL_BALLOON_NAMES_H
#define MINIVMM_CTL_BALLOON_NAMES_H

#include <stdbool.h>
#include <linux/minivmm.h>

struct balloon_stat_name {
	const char *macro;	/* "VIRTIO_BALLOON_S_SWAP_IN" */
	const char *name;	/* "swap-in", as Linux's VIRTIO_BALLOON_S_NAMES */
	const char *key;	/* "swap_in_bytes": JSON key */
	bool bytes;		/* an amount of memory in bytes, else a count */
};

/* Indexed by tag, 0 .. MINIVMM_BALLOON_NR_STATS - 1. */
extern const struct balloon_stat_name
	balloon_stat_names[MINIVMM_BALLOON_NR_STATS];

#endif /* MINIVMM_CTL_BALLOON_NAMES_H */
