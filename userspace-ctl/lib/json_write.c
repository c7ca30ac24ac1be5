// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming JSON writer for minivmm-ctl --json output (see json_write.h).
 */
#include "json_write.h"

void json_write_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void jw_init(struct json_writer *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->compact = false;
	w->has_items[0] = false;
}

void jw_init_compact(struct json_writer *w, FILE *f)
{
	jw_init(w, f);
	w->compact = true;
}

static void indent(struct json_writer *w)
{
	int i;

	for (i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

/* Separator, newline, indentation and "key": before a new value. */
static void begin_value(struct json_writer *w, const char *key)
{
	if (w->depth > 0) {
		if (w->has_items[w->depth])
			fputc(',', w->f);
		if (!w->compact) {
			fputc('\n', w->f);
			indent(w);
		}
	}
	w->has_items[w->depth] = true;
	if (key) {
		json_write_string(w->f, key);
		fputs(w->compact ? ":" : ": ", w->f);
	}
}

static void open_container(struct json_writer *w, const char *key, char c)
{
	begin_value(w, key);
	fputc(c, w->f);
	if (w->depth + 1 < JW_MAX_DEPTH)
		w->depth++;
	w->has_items[w->depth] = false;
}

static void close_container(struct json_writer *w, char c)
{
	bool had_items = w->has_items[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (had_items && !w->compact) {
		fputc('\n', w->f);
		indent(w);
	}
	fputc(c, w->f);
}

void jw_object_begin(struct json_writer *w, const char *key)
{
	open_container(w, key, '{');
}

void jw_object_end(struct json_writer *w)
{
	close_container(w, '}');
}

void jw_array_begin(struct json_writer *w, const char *key)
{
	open_container(w, key, '[');
}

void jw_array_end(struct json_writer *w)
{
	close_container(w, ']');
}

void jw_string(struct json_writer *w, const char *key, const char *s)
{
	begin_value(w, key);
	json_write_string(w->f, s);
}

void jw_bool(struct json_writer *w, const char *key, bool v)
{
	begin_value(w, key);
	fputs(v ? "true" : "false", w->f);
}

void jw_u64(struct json_writer *w, const char *key, unsigned long long v)
{
	begin_value(w, key);
	fprintf(w->f, "%llu", v);
}

void jw_s64(struct json_writer *w, const char *key, long long v)
{
	begin_value(w, key);
	fprintf(w->f, "%lld", v);
}

void jw_null(struct json_writer *w, const char *key)
{
	begin_value(w, key);
	fputs("null", w->f);
}

void jw_hex(struct json_writer *w, const char *key, unsigned long long v)
{
	begin_value(w, key);
	fprintf(w->f, "\"0x%llx\"", v);
}

void jw_finish(struct json_writer *w)
{
	fputc('\n', w->f);
}
