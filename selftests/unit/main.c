// SPDX-License-Identifier: GPL-2.0
/*
 * Runner for the userspace unit tests: runs every registered test (or only
 * those whose name contains argv[1]) in registration order, prints TAP-like
 * lines and closes with "N passed, N failed". Exit status 1 on any failure
 * or when no test ran.
 */
#include <stdlib.h>
#include "unit.h"

static struct unit_test *head, **tail = &head;

void unit_register(struct unit_test *t)
{
	*tail = t;
	tail = &t->next;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	unsigned int passed = 0, failed = 0, n = 0;
	struct unit_test *t;

	for (t = head; t; t = t->next)
		if (!filter || strstr(t->name, filter))
			n++;
	printf("TAP version 13\n1..%u\n", n);
	n = 0;
	for (t = head; t; t = t->next) {
		int f = 0;

		if (filter && !strstr(t->name, filter))
			continue;
		t->fn(&f);
		n++;
		printf("%s %u %s\n", f ? "not ok" : "ok", n, t->name);
		fflush(stdout);
		if (f)
			failed++;
		else
			passed++;
	}
	printf("unit: %u passed, %u failed\n", passed, failed);
	return (failed || !passed) ? 1 : 0;
}
