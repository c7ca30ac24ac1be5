/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Aligned text tables for minivmm-ctl: rows of cells, each column padded to
 * its widest cell (counted in UTF-8 characters), columns two spaces apart,
 * the last column never padded. table_kv() is the "key  value" case.
 */
#ifndef MINIVMM_CTL_TABLE_H
#define MINIVMM_CTL_TABLE_H

#include <stdio.h>

#define TABLE_MAX_COLS	8

struct table_row {
	char *cells[TABLE_MAX_COLS];
	int ncells;
};

struct table {
	struct table_row *rows;
	size_t nrows;
	size_t cap;
	int indent;		/* spaces before every row */
};

void table_init(struct table *t, int indent);
/* Starts a row; returns -1 when out of memory. */
int table_row(struct table *t);
/* Appends a printf-formatted cell to the current row. */
int table_cell(struct table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A row of two cells: @key and the formatted value. */
int table_kv(struct table *t, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void table_print(const struct table *t, FILE *f);
void table_free(struct table *t);

/* Characters (not bytes) of a UTF-8 string. */
size_t utf8_width(const char *s);

#endif /* MINIVMM_CTL_TABLE_H */
