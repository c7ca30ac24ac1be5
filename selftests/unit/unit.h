/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal userspace unit-test framework for minivmm code that needs no
 * kernel. Tests register themselves with UNIT_TEST(); the runner (main.c)
 * runs them all, or those whose name contains argv[1], and ends with the
 * line "N passed, N failed".
 */
#ifndef MINIVMM_UNIT_H
#define MINIVMM_UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	const char *file;
	void (*fn)(int *failed);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);

#define UNIT_TEST(tname)						\
	static void tname##_body(int *unit_failed_);			\
	static struct unit_test tname##_desc = {			\
		.name = #tname, .file = __FILE__, .fn = tname##_body,	\
	};								\
	__attribute__((constructor)) static void tname##_reg(void)	\
	{								\
		unit_register(&tname##_desc);				\
	}								\
	static void tname##_body(int *unit_failed_)

/* Non-fatal check: records the failure and goes on. */
#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("#   %s:%d: CHECK(%s) failed\n",			\
		       __FILE__, __LINE__, #cond);			\
		*unit_failed_ = 1;					\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	unsigned long long a_ = (unsigned long long)(a);		\
	unsigned long long b_ = (unsigned long long)(b);		\
	if (a_ != b_) {							\
		printf("#   %s:%d: %s == %s failed: 0x%llx != 0x%llx\n",\
		       __FILE__, __LINE__, #a, #b, a_, b_);		\
		*unit_failed_ = 1;					\
	}								\
} while (0)

#define CHECK_STREQ(a, b) do {						\
	const char *a_ = (a), *b_ = (b);				\
	if (!a_ || !b_ || strcmp(a_, b_)) {				\
		printf("#   %s:%d: %s == %s failed: \"%s\" != \"%s\"\n",\
		       __FILE__, __LINE__, #a, #b,			\
		       a_ ? a_ : "(null)", b_ ? b_ : "(null)");		\
		*unit_failed_ = 1;					\
	}								\
} while (0)

/* Fatal check: records the failure and leaves the test. */
#define REQUIRE(cond) do {						\
	if (!(cond)) {							\
		printf("#   %s:%d: REQUIRE(%s) failed\n",		\
		       __FILE__, __LINE__, #cond);			\
		*unit_failed_ = 1;					\
		return;							\
	}								\
} while (0)

#endif /* MINIVMM_UNIT_H */
