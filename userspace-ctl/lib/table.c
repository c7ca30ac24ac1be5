// SPDX-License-Identifier: GPL-2.0
/*
 * Aligned text tables (see table.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* vasprintf */
#endif
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "table.h"

void table_init(struct table *t, int indent)
{
	memset(t, 0, sizeof(*t));
	t->indent = indent;
}

int table_row(struct table *t)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct table_row *r = realloc(t->rows, cap * sizeof(*r));

		if (!r)
			return -1;
		t->rows = r;
		t->cap = cap;
	}
	memset(&t->rows[t->nrows++], 0, sizeof(struct table_row));
	return 0;
}

static int add_cell(struct table *t, const char *fmt, va_list ap)
{
	struct table_row *r;
	char *s;

	if (!t->nrows)
		return -1;
	r = &t->rows[t->nrows - 1];
	if (r->ncells == TABLE_MAX_COLS || vasprintf(&s, fmt, ap) < 0)
		return -1;
	r->cells[r->ncells++] = s;
	return 0;
}

int table_cell(struct table *t, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = add_cell(t, fmt, ap);
	va_end(ap);
	return ret;
}

int table_kv(struct table *t, const char *key, const char *fmt, ...)
{
	va_list ap;
	int ret;

	if (table_row(t) || table_cell(t, "%s", key))
		return -1;
	va_start(ap, fmt);
	ret = add_cell(t, fmt, ap);
	va_end(ap);
	return ret;
}

size_t utf8_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void column_widths(const struct table *t, size_t *w)
{
	size_t i;
	int c;

	memset(w, 0, TABLE_MAX_COLS * sizeof(*w));
	for (i = 0; i < t->nrows; i++)
		for (c = 0; c < t->rows[i].ncells; c++) {
			size_t n = utf8_width(t->rows[i].cells[c]);

			if (n > w[c])
				w[c] = n;
		}
}

static void print_row(const struct table_row *r, const size_t *w,
		      int indent, FILE *f)
{
	int c;

	fprintf(f, "%*s", indent, "");
	for (c = 0; c < r->ncells; c++) {
		fputs(r->cells[c], f);
		if (c + 1 < r->ncells)
			fprintf(f, "%*s", (int)(w[c] - utf8_width(r->cells[c]) + 2),
				"");
	}
	fputc('\n', f);
}

void table_print(const struct table *t, FILE *f)
{
	size_t w[TABLE_MAX_COLS];
	size_t i;

	column_widths(t, w);
	for (i = 0; i < t->nrows; i++)
		print_row(&t->rows[i], w, t->indent, f);
}

void table_free(struct table *t)
{
	size_t i;
	int c;

	for (i = 0; i < t->nrows; i++)
		for (c = 0; c < t->rows[i].ncells; c++)
			free(t->rows[i].cells[c]);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
