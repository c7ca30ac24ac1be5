// SPDX-License-Identifier: GPL-2.0
/*
 * Messages of minivmm-ctl on stderr.
 */
#include <stdarg.h>
#include "ctl.h"

static void vreport(const char *fmt, va_list ap)
{
	fputs(CTL_NAME ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ctl_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
}

int ctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	fputs("Try '" CTL_NAME " --help'.\n", stderr);
	return CTL_EXIT_USAGE;
}
