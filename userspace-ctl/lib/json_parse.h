/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small strict JSON (RFC 8259) reader: validates a whole document and
 * looks values up by a dotted path of object keys ("caps.ept"). Nothing is
 * allocated; values are reported as spans of the document text.
 */
#ifndef MINIVMM_CTL_JSON_PARSE_H
#define MINIVMM_CTL_JSON_PARSE_H

#include <stdbool.h>
#include <stddef.h>

enum json_type {
	JSON_INVALID,
	JSON_OBJECT,
	JSON_ARRAY,
	JSON_STRING,
	JSON_NUMBER,
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL,
};

struct json_span {
	enum json_type type;
	const char *start;	/* first character of the value */
	size_t len;		/* its length in the document */
};

/* Type of the single value @doc holds (surrounded by whitespace only). */
enum json_type json_validate(const char *doc);

/*
 * Finds @path ("key" or "key.sub.key") in the top-level object of @doc;
 * a component that is a decimal number N picks element N (from 0) of an
 * array ("vms.0.id").
 * Returns 0 and fills @out, or -1 when @doc is invalid or has no such key.
 */
int json_lookup(const char *doc, const char *path, struct json_span *out);

int json_get_bool(const char *doc, const char *path, bool *v);
/* A non-negative integer without fraction or exponent. */
int json_get_u64(const char *doc, const char *path, unsigned long long *v);
/* A string, unescaped into @buf (UTF-8); -1 if it does not fit. */
int json_get_string(const char *doc, const char *path, char *buf,
		    size_t size);
/* Number of members of an object or elements of an array, or -1. */
int json_count(const char *doc, const char *path);

#endif /* MINIVMM_CTL_JSON_PARSE_H */
