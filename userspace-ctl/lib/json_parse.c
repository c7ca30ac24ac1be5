// SPDX-License-Identifier: GPL-2.0
/*
 * Strict JSON validator and path lookup (see json_parse.h). Used by the
 * unit tests and selftests to check minivmm-ctl --json output, and ready
 * for commands that read JSON.
 */
#include <stdlib.h>
#include <string.h>
#include "json_parse.h"

#define JSON_MAX_DEPTH	64

/* Where a decoded string goes; buf NULL: validate only. */
struct sbuf {
	char *buf;
	size_t size;
	size_t len;
	bool overflow;
};

static const char *parse_value(const char *p, int depth, enum json_type *t);

static const char *ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static void put_byte(struct sbuf *b, unsigned int c)
{
	if (!b->buf)
		return;
	if (b->len + 1 >= b->size) {
		b->overflow = true;
		return;
	}
	b->buf[b->len++] = (char)c;
	b->buf[b->len] = '\0';
}

static void put_utf8(struct sbuf *b, unsigned int cp)
{
	if (cp < 0x80) {
		put_byte(b, cp);
	} else if (cp < 0x800) {
		put_byte(b, 0xc0 | (cp >> 6));
		put_byte(b, 0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		put_byte(b, 0xe0 | (cp >> 12));
		put_byte(b, 0x80 | ((cp >> 6) & 0x3f));
		put_byte(b, 0x80 | (cp & 0x3f));
	} else {
		put_byte(b, 0xf0 | (cp >> 18));
		put_byte(b, 0x80 | ((cp >> 12) & 0x3f));
		put_byte(b, 0x80 | ((cp >> 6) & 0x3f));
		put_byte(b, 0x80 | (cp & 0x3f));
	}
}

static int hex4(const char *p, unsigned int *cp)
{
	int i;

	*cp = 0;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		*cp <<= 4;
		if (c >= '0' && c <= '9')
			*cp |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*cp |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*cp |= c - 'A' + 10;
		else
			return -1;
	}
	return 0;
}

/* @p is just past "\u"; decodes one code point, joining surrogate pairs. */
static const char *parse_uescape(const char *p, struct sbuf *b)
{
	unsigned int cp, lo;

	if (hex4(p, &cp))
		return NULL;
	p += 4;
	if (cp >= 0xd800 && cp < 0xdc00 && p[0] == '\\' && p[1] == 'u' &&
	    !hex4(p + 2, &lo) && lo >= 0xdc00 && lo < 0xe000) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		p += 6;
	} else if (cp >= 0xd800 && cp < 0xe000) {
		cp = 0xfffd;	/* lone surrogate */
	}
	put_utf8(b, cp);
	return p;
}

static const char *parse_escape(const char *p, struct sbuf *b)
{
	static const char from[] = "\"\\/bfnrt";
	static const char to[] = "\"\\/\b\f\n\r\t";
	const char *e;

	if (*p == 'u')
		return parse_uescape(p + 1, b);
	e = *p ? strchr(from, *p) : NULL;
	if (!e)
		return NULL;
	put_byte(b, (unsigned char)to[e - from]);
	return p + 1;
}

/* @p at the opening quote; returns the position past the closing one. */
static const char *parse_string(const char *p, struct sbuf *b)
{
	p++;
	while (*p != '"') {
		unsigned char c = *p;

		if (c < 0x20)	/* includes the terminating NUL */
			return NULL;
		if (c == '\\') {
			p = parse_escape(p + 1, b);
			if (!p)
				return NULL;
			continue;
		}
		put_byte(b, c);
		p++;
	}
	return p + 1;
}

static const char *digits(const char *p)
{
	const char *s = p;

	while (*p >= '0' && *p <= '9')
		p++;
	return p > s ? p : NULL;
}

static const char *parse_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else
		p = digits(p);
	if (p && *p == '.')
		p = digits(p + 1);
	if (!p)
		return NULL;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		p = digits(p);
	}
	return p;
}

static const char *parse_literal(const char *p, const char *lit)
{
	size_t n = strlen(lit);

	return strncmp(p, lit, n) ? NULL : p + n;
}

/* Members "key": value separated by commas, up to @close. */
static const char *parse_members(const char *p, int depth, char close,
				 bool keyed)
{
	enum json_type t;

	p = ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (keyed) {
			struct sbuf none = { 0 };

			if (*p != '"')
				return NULL;
			p = parse_string(p, &none);
			if (!p)
				return NULL;
			p = ws(p);
			if (*p != ':')
				return NULL;
			p = ws(p + 1);
		}
		p = parse_value(p, depth + 1, &t);
		if (!p)
			return NULL;
		p = ws(p);
		if (*p == close)
			return p + 1;
		if (*p != ',')
			return NULL;
		p = ws(p + 1);
	}
}

static const char *parse_value(const char *p, int depth, enum json_type *t)
{
	struct sbuf none = { 0 };

	if (depth > JSON_MAX_DEPTH)
		return NULL;
	switch (*p) {
	case '{':
		*t = JSON_OBJECT;
		return parse_members(p, depth, '}', true);
	case '[':
		*t = JSON_ARRAY;
		return parse_members(p, depth, ']', false);
	case '"':
		*t = JSON_STRING;
		return parse_string(p, &none);
	case 't':
		*t = JSON_TRUE;
		return parse_literal(p, "true");
	case 'f':
		*t = JSON_FALSE;
		return parse_literal(p, "false");
	case 'n':
		*t = JSON_NULL;
		return parse_literal(p, "null");
	default:
		*t = JSON_NUMBER;
		return parse_number(p);
	}
}

enum json_type json_validate(const char *doc)
{
	enum json_type t = JSON_INVALID;
	const char *end;

	if (!doc)
		return JSON_INVALID;
	end = parse_value(ws(doc), 0, &t);
	if (!end || *ws(end))
		return JSON_INVALID;
	return t;
}

/* In a valid object at @obj, the value of @key (length @klen) or NULL. */
static const char *find_key(const char *obj, const char *key, size_t klen)
{
	const char *p = ws(obj + 1);
	enum json_type t;
	char kbuf[256];

	while (*p == '"') {
		struct sbuf b = { kbuf, sizeof(kbuf), 0, false };
		const char *v;

		p = parse_string(p, &b);
		v = ws(ws(p) + 1);
		if (!b.overflow && b.len == klen && !memcmp(kbuf, key, klen))
			return v;
		p = ws(parse_value(v, 0, &t));
		if (*p != ',')
			break;
		p = ws(p + 1);
	}
	return NULL;
}

/* In a valid array at @arr, element @key (decimal, length @klen) or NULL. */
static const char *find_index(const char *arr, const char *key, size_t klen)
{
	const char *p = ws(arr + 1);
	unsigned long idx = 0;
	enum json_type t;
	size_t i;

	if (!klen || klen > 9)
		return NULL;
	for (i = 0; i < klen; i++) {
		if (key[i] < '0' || key[i] > '9')
			return NULL;
		idx = idx * 10 + (key[i] - '0');
	}
	if (*p == ']')
		return NULL;
	for (; idx; idx--) {
		p = ws(parse_value(p, 0, &t));
		if (*p != ',')
			return NULL;
		p = ws(p + 1);
	}
	return p;
}

int json_lookup(const char *doc, const char *path, struct json_span *out)
{
	const char *p, *end;

	if (json_validate(doc) != JSON_OBJECT)
		return -1;
	p = ws(doc);
	for (;;) {
		size_t klen = strcspn(path, ".");

		if (*p == '[')
			p = find_index(p, path, klen);
		else if (*p == '{')
			p = find_key(p, path, klen);
		else
			return -1;
		if (!p)
			return -1;
		if (!path[klen])
			break;
		path += klen + 1;
	}
	end = parse_value(p, 0, &out->type);
	out->start = p;
	out->len = end - p;
	return 0;
}

int json_get_bool(const char *doc, const char *path, bool *v)
{
	struct json_span s;

	if (json_lookup(doc, path, &s))
		return -1;
	if (s.type != JSON_TRUE && s.type != JSON_FALSE)
		return -1;
	*v = s.type == JSON_TRUE;
	return 0;
}

int json_get_u64(const char *doc, const char *path, unsigned long long *v)
{
	unsigned long long n = 0;
	struct json_span s;
	size_t i;

	if (json_lookup(doc, path, &s) || s.type != JSON_NUMBER)
		return -1;
	for (i = 0; i < s.len; i++) {
		unsigned int d = s.start[i] - '0';

		if (d > 9 || n > (~0ULL - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	*v = n;
	return 0;
}

int json_get_string(const char *doc, const char *path, char *buf,
		    size_t size)
{
	struct sbuf b = { buf, size, 0, false };
	struct json_span s;

	if (!size || json_lookup(doc, path, &s) || s.type != JSON_STRING)
		return -1;
	buf[0] = '\0';
	parse_string(s.start, &b);
	return b.overflow ? -1 : 0;
}

int json_count(const char *doc, const char *path)
{
	struct json_span s;
	enum json_type t;
	const char *p;
	int n = 0;

	if (json_lookup(doc, path, &s))
		return -1;
	if (s.type != JSON_OBJECT && s.type != JSON_ARRAY)
		return -1;
	p = ws(s.start + 1);
	while (*p != '}' && *p != ']') {
		if (s.type == JSON_OBJECT) {
			struct sbuf none = { 0 };

			p = ws(ws(parse_string(p, &none)) + 1);
		}
		p = ws(parse_value(p, 0, &t));
		n++;
		if (*p == ',')
			p = ws(p + 1);
	}
	return n;
}
