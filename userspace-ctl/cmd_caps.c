// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm-ctl caps [--json]: what this CPU offers to minivmm.
 */
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include "caps_report.h"
#include "ctl.h"
#include "device.h"

static int caps_run(const struct ctl_ctx *ctx, int argc, char **argv)
{
	struct minivmm_caps caps;
	struct minivmm_svm_caps svm;
	struct caps_report r = { .device = ctx->device, .caps = &caps };
	bool json = false;
	int i, fd, code;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			ctl_print_command_help(stdout, &cmd_caps);
			return CTL_EXIT_OK;
		} else {
			return ctl_usage_error("caps: unknown argument '%s'",
					       argv[i]);
		}
	}
	code = ctl_device_open(ctx, &fd, &r.api_version);
	if (code != CTL_EXIT_OK)
		return code;
	code = ctl_device_get_caps(ctx, fd, &caps);
	if (code == CTL_EXIT_OK && caps.backend == MINIVMM_BACKEND_SVM) {
		code = ctl_device_get_svm_caps(ctx, fd, &svm);
		r.svm = &svm;
	}
	close(fd);
	if (code != CTL_EXIT_OK)
		return code;
	if (json)
		caps_report_json(stdout, &r);
	else if (caps_report_text(stdout, &r))
		return CTL_EXIT_FAILURE;
	return fflush(stdout) ? CTL_EXIT_FAILURE : CTL_EXIT_OK;
}

const struct ctl_cmd cmd_caps = {
	.name = "caps",
	.args = "[--json]",
	.summary = "show what this CPU offers to minivmm",
	.help =
	"Shows the backend, the API version, the VMCS revision id and size, each\n"
	"VT-x capability minivmm uses (yes/no), the host CPUs and the raw VMX\n"
	"capability MSRs; on AMD-V the SVM revision, the ASIDs, each SVM\n"
	"capability, CPUID 0x8000000A EDX and VM_CR instead. --json prints the\n"
	"same facts as one JSON object: capabilities as true/false, raw values\n"
	"as \"0x...\" strings.",
	.run = caps_run,
};
