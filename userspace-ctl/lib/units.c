// SPDX-License-Identifier: GPL-2.0
/*
 * Argument parsers and human units of minivmm-ctl (see units.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "units.h"

#define MAX_DECIMALS	6

typedef unsigned __int128 u128;

/*
 * A decimal number "D[.D]" at the start of @s: @num / @den with @den a
 * power of ten. Returns the first character after it, or NULL if there is
 * no number, too many decimals, or it does not fit 64 bits.
 */
static const char *parse_decimal(const char *s, unsigned long long *num,
				 unsigned long long *den)
{
	unsigned long long n = 0, d = 1;
	bool digits = false, dot = false;

	for (; *s; s++) {
		unsigned int c = (unsigned char)*s - '0';

		if (*s == '.' && !dot) {
			dot = true;
			continue;
		}
		if (c > 9)
			break;
		if (n > (~0ULL - c) / 10)
			return NULL;
		if (dot) {
			if (d >= 1000000)	/* 10^MAX_DECIMALS */
				return NULL;
			d *= 10;
		}
		n = n * 10 + c;
		digits = true;
	}
	if (!digits || s[-1] == '.')
		return NULL;
	*num = n;
	*den = d;
	return s;
}

/* Binary multiplier of a size unit, 0 if @u is not one. */
static unsigned long long size_unit(const char *u)
{
	static const char letters[] = "KMGT";
	const char *l;
	int shift;

	if (!*u || !strcasecmp(u, "B"))
		return 1;
	l = strchr(letters, u[0] >= 'a' ? u[0] - 'a' + 'A' : u[0]);
	if (!l || !u[0])
		return 0;
	shift = 10 * (int)(l - letters + 1);
	if (!u[1] || !strcasecmp(u + 1, "B") || !strcasecmp(u + 1, "iB"))
		return 1ULL << shift;
	return 0;
}

int parse_size(const char *s, struct size_arg *out, char *err, size_t size)
{
	unsigned long long num, den, mult;
	const char *u = parse_decimal(s, &num, &den);

	if (!u) {
		snprintf(err, size,
			 "'%s' is not a size (a number with up to %d decimals, then K, M, G, T or %%)",
			 s, MAX_DECIMALS);
		return -1;
	}
	if (!strcmp(u, "%")) {
		if (num > 100 * den) {
			snprintf(err, size, "'%s': at most 100%% of the VM's RAM",
				 s);
			return -1;
		}
		*out = (struct size_arg){ .percent = true, .num = num,
					  .den = den };
		return 0;
	}
	mult = size_unit(u);
	if (!mult) {
		snprintf(err, size,
			 "'%s': unknown unit '%s' (use B, K, M, G, T (powers of 1024) or %%)",
			 s, u);
		return -1;
	}
	if ((u128)num * mult / den > ~0ULL) {
		snprintf(err, size, "'%s' is too large", s);
		return -1;
	}
	*out = (struct size_arg){ .num = num * mult, .den = den };
	if ((u128)num * mult > ~0ULL) {
		/* Drop what is below a byte to stay within 64 bits. */
		out->num = (unsigned long long)((u128)num * mult / den);
		out->den = 1;
	}
	return 0;
}

int size_to_pages(const struct size_arg *a, unsigned long long mem_bytes,
		  unsigned long long *pages, bool *rounded)
{
	u128 n = a->num, d = (u128)a->den * CTL_PAGE_SIZE, p;

	if (a->percent) {
		n *= mem_bytes;
		d *= 100;
	}
	p = (n + d / 2) / d;
	if (p > ~0ULL)
		return -1;
	*pages = (unsigned long long)p;
	*rounded = n % d != 0;
	return 0;
}

int parse_bp(const char *s, unsigned int *bp, char *err, size_t size)
{
	unsigned long long num, den;
	const char *u = parse_decimal(s, &num, &den);
	u128 v = 0;
	bool ok = u != NULL;

	if (ok && !strcmp(u, "%")) {
		v = (u128)num * 100;
		ok = v % den == 0;
		v /= den;
	} else if (ok && !strcasecmp(u, "bp")) {
		ok = den == 1;
		v = num;
	} else {
		ok = false;
	}
	if (!ok) {
		snprintf(err, size,
			 "'%s' is not a percentage with up to 2 decimals or a number of basis points (6%%, 6.25%%, 625bp)",
			 s);
		return -1;
	}
	if (v > 10000) {
		snprintf(err, size, "'%s' is more than 100%%", s);
		return -1;
	}
	*bp = (unsigned int)v;
	return 0;
}

int parse_ms(const char *s, unsigned int *ms, char *err, size_t size)
{
	unsigned long long num, den;
	const char *u = parse_decimal(s, &num, &den);
	u128 v = 0;
	bool ok = u != NULL;

	if (ok && (!*u || !strcasecmp(u, "ms"))) {
		ok = den == 1;
		v = num;
	} else if (ok && !strcasecmp(u, "s")) {
		v = (u128)num * 1000;
		ok = v % den == 0;
		v /= den;
	} else {
		ok = false;
	}
	if (!ok) {
		snprintf(err, size,
			 "'%s' is not a duration (milliseconds: 1000, 1000ms, 1s, 1.5s)",
			 s);
		return -1;
	}
	if (v > 0xffffffffULL) {
		snprintf(err, size, "'%s' is too long", s);
		return -1;
	}
	*ms = (unsigned int)v;
	return 0;
}

int parse_u32(const char *s, unsigned int *v, char *err, size_t size)
{
	unsigned long long num, den;
	const char *u = parse_decimal(s, &num, &den);

	if (!u || *u || den != 1 || num > 0xffffffffULL) {
		snprintf(err, size, "'%s' is not a whole number (0 .. 4294967295)",
			 s);
		return -1;
	}
	*v = (unsigned int)num;
	return 0;
}

int parse_onoff(const char *s, bool *v, char *err, size_t size)
{
	static const char *const words[][2] = {
		{ "on", "off" }, { "1", "0" }, { "yes", "no" },
		{ "true", "false" },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!strcasecmp(s, words[i][0]) || !strcasecmp(s, words[i][1])) {
			*v = !strcasecmp(s, words[i][0]);
			return 0;
		}
	}
	snprintf(err, size, "'%s' is not on/off (on, off, 1, 0, yes, no)", s);
	return -1;
}

int parse_vm_id(const char *s, unsigned int *id, char *err, size_t size)
{
	unsigned int v;

	if (strchr(s, '.') || parse_u32(s, &v, err, size) || !v) {
		snprintf(err, size,
			 "'%s' is not a VM id (a number from 1; see 'minivmm-ctl list')",
			 s);
		return -1;
	}
	*id = v;
	return 0;
}

char *fmt_bytes(unsigned long long bytes, char *buf, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB",
					     "PiB", "EiB" };
	unsigned long long unit = 1, tenths;
	int i = 0;

	while (i < 6 && bytes >= unit * 1024) {
		unit *= 1024;
		i++;
	}
	if (bytes % unit == 0) {
		snprintf(buf, size, "%llu %s", bytes / unit, units[i]);
		return buf;
	}
	tenths = (unsigned long long)(((u128)bytes * 10 + unit / 2) / unit);
	if (tenths >= 10240 && i < 6) {
		unit *= 1024;
		i++;
		tenths = (unsigned long long)(((u128)bytes * 10 + unit / 2) /
					      unit);
	}
	snprintf(buf, size, "%llu.%llu %s", tenths / 10, tenths % 10,
		 units[i]);
	return buf;
}

char *fmt_pages(unsigned long long pages, char *buf, size_t size)
{
	if (pages > ~0ULL / CTL_PAGE_SIZE) {
		snprintf(buf, size, "%llu pages", pages);
		return buf;
	}
	return fmt_bytes(pages * CTL_PAGE_SIZE, buf, size);
}

char *fmt_bp(unsigned int bp, char *buf, size_t size)
{
	if (bp % 10)
		snprintf(buf, size, "%u.%02u%%", bp / 100, bp % 100);
	else if (bp % 100)
		snprintf(buf, size, "%u.%u%%", bp / 100, bp % 100 / 10);
	else
		snprintf(buf, size, "%u%%", bp / 100);
	return buf;
}
