// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of minivmm-ctl's aligned tables (userspace-ctl/lib/table.c).
 */
#include <stdlib.h>
#include "unit.h"
#include "table.h"

static char *render(struct table *t)
{
	size_t size;
	char *buf;
	FILE *f = open_memstream(&buf, &size);

	table_print(t, f);
	fclose(f);
	return buf;
}

UNIT_TEST(ctl_table_kv_aligns_values)
{
	struct table t;
	char *out;

	table_init(&t, 2);
	CHECK(table_kv(&t, "a", "%d", 1) == 0);
	CHECK(table_kv(&t, "longer key", "%s", "two") == 0);
	CHECK(table_kv(&t, "mid", "x%sx", "") == 0);
	out = render(&t);
	CHECK_STREQ(out, "  a           1\n"
			 "  longer key  two\n"
			 "  mid         xx\n");
	free(out);
	table_free(&t);
	CHECK_EQ(t.nrows, 0);
}

UNIT_TEST(ctl_table_columns_and_no_trailing_space)
{
	struct table t;
	char *out;

	table_init(&t, 0);
	table_row(&t);
	table_cell(&t, "NAME");
	table_cell(&t, "SIZE");
	table_cell(&t, "STATE");
	table_row(&t);
	table_cell(&t, "vm-long-name");
	table_cell(&t, "%u MiB", 512);
	table_cell(&t, "running");
	table_row(&t);
	table_cell(&t, "x");
	out = render(&t);
	CHECK_STREQ(out, "NAME          SIZE     STATE\n"
			 "vm-long-name  512 MiB  running\n"
			 "x\n");
	free(out);
	table_free(&t);
}

UNIT_TEST(ctl_table_utf8_width)
{
	struct table t;
	char *out;

	CHECK_EQ(utf8_width(""), 0);
	CHECK_EQ(utf8_width("abc"), 3);
	CHECK_EQ(utf8_width("caf\xc3\xa9"), 4);
	CHECK_EQ(utf8_width("\xe2\x82\xac\xf0\x9f\x98\x80"), 2);
	table_init(&t, 0);
	table_kv(&t, "caf\xc3\xa9", "1");
	table_kv(&t, "abcde", "2");
	out = render(&t);
	CHECK_STREQ(out, "caf\xc3\xa9   1\nabcde  2\n");
	free(out);
	table_free(&t);
}

UNIT_TEST(ctl_table_limits)
{
	struct table t;
	int i;

	table_init(&t, 0);
	CHECK(table_cell(&t, "no row yet") == -1);
	CHECK(table_row(&t) == 0);
	for (i = 0; i < TABLE_MAX_COLS; i++)
		CHECK(table_cell(&t, "%d", i) == 0);
	CHECK(table_cell(&t, "one too many") == -1);
	for (i = 0; i < 100; i++)
		CHECK(table_kv(&t, "k", "%d", i) == 0);
	CHECK_EQ(t.nrows, 101);
	CHECK_STREQ(t.rows[100].cells[1], "99");
	table_free(&t);
}
