// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/cpuinfo reader for selftests (see cpuinfo.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpuinfo.h"

/* "key\t\t: value": whether the key is @field; *value set past ": ". */
static bool match_field(const char *line, const char *field,
			const char **value)
{
	size_t n = strlen(field);
	const char *p = line + n;

	if (strncmp(line, field, n))
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != ':')
		return false;
	p++;
	while (*p == ' ')
		p++;
	*value = p;
	return true;
}

int cpuinfo_field(const char *field, char *buf, size_t size)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		const char *v;

		if (!match_field(line, field, &v))
			continue;
		snprintf(buf, size, "%s", v);
		buf[strcspn(buf, "\n")] = '\0';
		ret = 0;
		break;
	}
	free(line);
	fclose(f);
	return ret;
}

bool has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);
	const char *p = list;

	while (*p) {
		size_t len;

		p += strspn(p, " \t");
		len = strcspn(p, " \t");
		if (len == n && !strncmp(p, tok, n))
			return true;
		p += len;
	}
	return false;
}
