/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Units of minivmm-ctl arguments and output, as pure functions: sizes
 * ("512M", "1.5G", "4096K", "1048576", "25%" of a VM's RAM), basis points
 * ("6%", "600bp"), durations ("1000", "500ms", "2s"), on/off words, VM ids,
 * and sizes in human units ("1.5 GiB"). Every parser returns 0, or -1 with
 * a message in @err (which names the bad argument).
 */
#ifndef MINIVMM_CTL_UNITS_H
#define MINIVMM_CTL_UNITS_H

#include <stdbool.h>
#include <stddef.h>

#define CTL_PAGE_SIZE		4096ULL	/* balloon and admin ioctls count these */
#define CTL_ERR_LEN		160	/* room for any parser message */
#define CTL_BYTES_LEN		32	/* room for any fmt_bytes() result */

/*
 * struct size_arg - a parsed SIZE: @num / @den bytes, or @num / @den
 * percent of a VM's RAM when @percent (at most 100%). @den is a power of
 * ten (decimals are kept exact until the size is turned into pages).
 */
struct size_arg {
	bool percent;
	unsigned long long num;
	unsigned long long den;
};

/*
 * Units: none or B (bytes), K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB (all
 * powers of 1024, any case), or %. Up to 6 decimals ("1.5G", "12.5%").
 */
int parse_size(const char *s, struct size_arg *out, char *err, size_t size);

/*
 * @a in 4 KiB pages for a VM of @mem_bytes RAM, rounded to the nearest
 * page (halves up). *@rounded tells whether it was not a whole number of
 * pages. -1 if the result does not fit 64 bits.
 */
int size_to_pages(const struct size_arg *a, unsigned long long mem_bytes,
		  unsigned long long *pages, bool *rounded);

/* Basis points (1/10000): "6%", "6.25%", "600bp"; at most 10000. */
int parse_bp(const char *s, unsigned int *bp, char *err, size_t size);
/* Milliseconds: "1000", "1000ms", "1s", "1.5s"; fits 32 bits. */
int parse_ms(const char *s, unsigned int *ms, char *err, size_t size);
/* A decimal unsigned 32-bit number, nothing else. */
int parse_u32(const char *s, unsigned int *v, char *err, size_t size);
/* on/off, 1/0, yes/no, true/false (any case). */
int parse_onoff(const char *s, bool *v, char *err, size_t size);
/* A VM id: decimal, 1 .. 4294967295. */
int parse_vm_id(const char *s, unsigned int *id, char *err, size_t size);

/*
 * @bytes in the largest binary unit it reaches: "0 B", "512 B", "4 KiB",
 * "1.5 GiB"; one decimal (rounded to nearest) when not a whole number of
 * that unit. Returns @buf (CTL_BYTES_LEN bytes suffice).
 */
char *fmt_bytes(unsigned long long bytes, char *buf, size_t size);
/* fmt_bytes() of @pages 4 KiB pages. */
char *fmt_pages(unsigned long long pages, char *buf, size_t size);
/* Basis points as a percentage: 600 -> "6%", 625 -> "6.25%". */
char *fmt_bp(unsigned int bp, char *buf, size_t size);

#endif /* MINIVMM_CTL_UNITS_H */
