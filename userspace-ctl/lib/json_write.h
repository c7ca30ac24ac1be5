/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer: objects, arrays, strings, booleans,
 * unsigned numbers and hex strings ("0x..."), pretty-printed with two
 * spaces per level. Inside an object every value has a key; inside an
 * array (and at top level) the key is NULL. A compact writer
 * (jw_init_compact) puts the whole document on one line.
 */
#ifndef MINIVMM_CTL_JSON_WRITE_H
#define MINIVMM_CTL_JSON_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#define JW_MAX_DEPTH	32	/* nesting deeper than this is not supported */

struct json_writer {
	FILE *f;
	int depth;
	bool compact;
	bool has_items[JW_MAX_DEPTH];
};

/* Writes @s as a quoted JSON string, escaping quotes, '\\' and controls. */
void json_write_string(FILE *f, const char *s);

void jw_init(struct json_writer *w, FILE *f);
void jw_init_compact(struct json_writer *w, FILE *f);
void jw_object_begin(struct json_writer *w, const char *key);
void jw_object_end(struct json_writer *w);
void jw_array_begin(struct json_writer *w, const char *key);
void jw_array_end(struct json_writer *w);
void jw_string(struct json_writer *w, const char *key, const char *s);
void jw_bool(struct json_writer *w, const char *key, bool v);
void jw_u64(struct json_writer *w, const char *key, unsigned long long v);
void jw_s64(struct json_writer *w, const char *key, long long v);
void jw_null(struct json_writer *w, const char *key);
void jw_hex(struct json_writer *w, const char *key, unsigned long long v);
/* Ends the document with a newline once the top-level value is closed. */
void jw_finish(struct json_writer *w);

#endif /* MINIVMM_CTL_JSON_WRITE_H */
