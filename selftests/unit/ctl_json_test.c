// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of minivmm-ctl's JSON writer and reader
 * (userspace-ctl/lib/json_write.c, json_parse.c).
 */
#include <stdlib.h>
#include "unit.h"
#include "json_parse.h"
#include "json_write.h"

struct membuf {
	char *buf;
	size_t size;
	FILE *f;
};

static FILE *mem_open(struct membuf *m)
{
	m->buf = NULL;
	m->size = 0;
	m->f = open_memstream(&m->buf, &m->size);
	return m->f;
}

/* Closes the stream; the caller frees m->buf. */
static char *mem_close(struct membuf *m)
{
	fclose(m->f);
	return m->buf;
}

static char *escaped(const char *s)
{
	struct membuf m;

	json_write_string(mem_open(&m), s);
	return mem_close(&m);
}

UNIT_TEST(ctl_json_escape_quotes_and_backslash)
{
	char *s = escaped("a\"b\\c/d");

	CHECK_STREQ(s, "\"a\\\"b\\\\c/d\"");
	free(s);
	s = escaped("");
	CHECK_STREQ(s, "\"\"");
	free(s);
}

UNIT_TEST(ctl_json_escape_control_chars)
{
	char *s = escaped("\n\t\r\b\f\x01\x1f\x7f end");

	CHECK_STREQ(s, "\"\\n\\t\\r\\b\\f\\u0001\\u001f\\u007f end\"");
	free(s);
}

UNIT_TEST(ctl_json_escape_keeps_utf8)
{
	char *s = escaped("caf\xc3\xa9 \xe2\x82\xac");

	CHECK_STREQ(s, "\"caf\xc3\xa9 \xe2\x82\xac\"");
	free(s);
}

/* Every byte value survives writing then reading back. */
UNIT_TEST(ctl_json_escape_round_trip_all_bytes)
{
	char in[256], out[256], *doc;
	struct membuf m;
	int i;

	for (i = 1; i < 256; i++)
		in[i - 1] = (char)i;
	in[255] = '\0';
	mem_open(&m);
	fputs("{\"s\": ", m.f);
	json_write_string(m.f, in);
	fputs("}", m.f);
	doc = mem_close(&m);
	CHECK_EQ(json_validate(doc), JSON_OBJECT);
	REQUIRE(json_get_string(doc, "s", out, sizeof(out)) == 0);
	CHECK(memcmp(in, out, 256) == 0);
	free(doc);
}

UNIT_TEST(ctl_json_writer_nesting)
{
	struct json_writer w;
	struct membuf m;
	unsigned long long n;
	char s[16], *doc;
	bool b;

	jw_init(&w, mem_open(&m));
	jw_object_begin(&w, NULL);
	jw_object_begin(&w, "empty");
	jw_object_end(&w);
	jw_array_begin(&w, "list");
	jw_u64(&w, NULL, 1);
	jw_string(&w, NULL, "two");
	jw_array_begin(&w, NULL);
	jw_array_end(&w);
	jw_array_end(&w);
	jw_object_begin(&w, "inner");
	jw_bool(&w, "t", true);
	jw_hex(&w, "h", 0xdeadbeefcafeULL);
	jw_u64(&w, "max", ~0ULL);
	jw_object_end(&w);
	jw_object_end(&w);
	jw_finish(&w);
	doc = mem_close(&m);
	CHECK_EQ(json_validate(doc), JSON_OBJECT);
	CHECK_EQ(json_count(doc, "empty"), 0);
	CHECK_EQ(json_count(doc, "list"), 3);
	CHECK_EQ(json_count(doc, "inner"), 3);
	CHECK(json_get_bool(doc, "inner.t", &b) == 0 && b);
	CHECK(json_get_string(doc, "inner.h", s, sizeof(s)) == 0);
	CHECK_STREQ(s, "0xdeadbeefcafe");
	CHECK(json_get_u64(doc, "inner.max", &n) == 0 && n == ~0ULL);
	CHECK(doc[strlen(doc) - 1] == '\n');
	free(doc);
}

UNIT_TEST(ctl_json_writer_empty_top_object)
{
	struct json_writer w;
	struct membuf m;
	char *doc;

	jw_init(&w, mem_open(&m));
	jw_object_begin(&w, NULL);
	jw_object_end(&w);
	jw_finish(&w);
	doc = mem_close(&m);
	CHECK_STREQ(doc, "{}\n");
	free(doc);
}

UNIT_TEST(ctl_json_parse_accepts_valid)
{
	CHECK_EQ(json_validate("{}"), JSON_OBJECT);
	CHECK_EQ(json_validate(" [ ] \n"), JSON_ARRAY);
	CHECK_EQ(json_validate("{\"a\":[1,2,{\"b\":null}],\"c\":false}"),
		 JSON_OBJECT);
	CHECK_EQ(json_validate("-0.5e+10"), JSON_NUMBER);
	CHECK_EQ(json_validate("0"), JSON_NUMBER);
	CHECK_EQ(json_validate("1E9"), JSON_NUMBER);
	CHECK_EQ(json_validate("\"\\u00e9\\/\\\"\""), JSON_STRING);
	CHECK_EQ(json_validate("true"), JSON_TRUE);
	CHECK_EQ(json_validate("null"), JSON_NULL);
}

UNIT_TEST(ctl_json_parse_rejects_invalid)
{
	static const char *const bad[] = {
		"", "{", "}", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "{a:1}",
		"{'a':1}", "\"\x01\"", "\"\\q\"", "\"\\u12\"", "\"abc",
		"01", "1.", "1e", "-", "+1", ".5", "tru", "nul", "{} {}",
		"[1 2]", "{\"a\":}", "{,}", "[,1]", "\"a\nb\"", "0x10",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (json_validate(bad[i]) != JSON_INVALID) {
			printf("#   accepted: '%s'\n", bad[i]);
			CHECK(0);
		}
	}
	CHECK_EQ(json_validate(NULL), JSON_INVALID);
}

UNIT_TEST(ctl_json_parse_depth_limit)
{
	char deep[401];

	memset(deep, '[', 200);
	memset(deep + 200, ']', 200);
	deep[400] = '\0';
	CHECK_EQ(json_validate(deep), JSON_INVALID);
	CHECK_EQ(json_validate("[[[[[[[[[[]]]]]]]]]]"), JSON_ARRAY);
}

UNIT_TEST(ctl_json_lookup_paths)
{
	const char *doc = "{\"a\": {\"b\": {\"c\": 42}}, \"a.b\": 7, "
			  "\"list\": [1, {\"x\": 1}], \"s\": \"hi\"}";
	unsigned long long n;
	struct json_span sp;
	bool b;

	CHECK(json_get_u64(doc, "a.b.c", &n) == 0 && n == 42);
	CHECK(json_lookup(doc, "a.b", &sp) == 0 && sp.type == JSON_OBJECT);
	CHECK(json_lookup(doc, "a.x", &sp) == -1);
	CHECK(json_lookup(doc, "a.b.c.d", &sp) == -1);
	CHECK(json_lookup(doc, "nope", &sp) == -1);
	CHECK(json_lookup(doc, "list", &sp) == 0 && sp.type == JSON_ARRAY);
	CHECK_EQ(sp.len, strlen("[1, {\"x\": 1}]"));
	CHECK(json_get_bool(doc, "s", &b) == -1);
	CHECK(json_get_u64(doc, "s", &n) == -1);
	CHECK(json_lookup("[1]", "a", &sp) == -1);
	CHECK(json_lookup("{\"a\":1,}", "a", &sp) == -1);
}

UNIT_TEST(ctl_json_get_u64_limits)
{
	unsigned long long n = 0;

	CHECK(json_get_u64("{\"n\":18446744073709551615}", "n", &n) == 0);
	CHECK(n == ~0ULL);
	CHECK(json_get_u64("{\"n\":18446744073709551616}", "n", &n) == -1);
	CHECK(json_get_u64("{\"n\":-1}", "n", &n) == -1);
	CHECK(json_get_u64("{\"n\":1.5}", "n", &n) == -1);
	CHECK(json_get_u64("{\"n\":1e3}", "n", &n) == -1);
	CHECK(json_get_u64("{\"n\":0}", "n", &n) == 0 && n == 0);
}

UNIT_TEST(ctl_json_get_string_unescapes)
{
	const char *doc = "{\"s\": \"\\u00e9\\ud83d\\ude00\\n\\\"x\\\\\"}";
	char buf[32], small[4];

	REQUIRE(json_get_string(doc, "s", buf, sizeof(buf)) == 0);
	CHECK_STREQ(buf, "\xc3\xa9\xf0\x9f\x98\x80\n\"x\\");
	CHECK(json_get_string(doc, "s", small, sizeof(small)) == -1);
	CHECK(json_get_string("{\"k\\u0041\": \"v\"}", "kA", buf,
			      sizeof(buf)) == 0);
	CHECK_STREQ(buf, "v");
}
