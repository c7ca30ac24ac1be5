/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The capability report of "minivmm-ctl caps", as text for people or as
 * one JSON object, from a struct minivmm_caps and, on AMD-V, a struct
 * minivmm_svm_caps (no device needed).
 */
#ifndef MINIVMM_CTL_CAPS_REPORT_H
#define MINIVMM_CTL_CAPS_REPORT_H

#include <stdio.h>
#include <linux/minivmm.h>

struct caps_report {
	const char *device;		/* path the caps came from */
	int api_version;		/* MINIVMM_GET_API_VERSION's answer */
	const struct minivmm_caps *caps;
	const struct minivmm_svm_caps *svm;	/* AMD-V only, else NULL */
};

int caps_report_text(FILE *f, const struct caps_report *r);
void caps_report_json(FILE *f, const struct caps_report *r);

#endif /* MINIVMM_CTL_CAPS_REPORT_H */
