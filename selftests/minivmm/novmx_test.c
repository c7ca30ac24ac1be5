// SPDX-License-Identifier: GPL-2.0
/*
 * On a CPU with neither VMX nor SVM (the QEMU TCG test hosts qemu-novmx
 * and qemu-nosvm) minivmm must refuse to load, say why in the kernel log,
 * leave nothing behind, and minivmm-ctl must say the module is not loaded.
 * Only for those hosts: on a VMX or SVM CPU these tests fail. Reads $MINIVMM_KO and $MINIVMM_CTL.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include "kselftest_harness.h"
#include "cpuinfo.h"
#include "klog.h"
#include "module.h"
#include "mvmm.h"
#include "run.h"

/* The refusal line of the backend this CPU's vendor gets. */
static const char *refusal(void)
{
	char vendor[64];

	if (!cpuinfo_field("vendor_id", vendor, sizeof(vendor)) &&
	    (strstr(vendor, "AMD") || strstr(vendor, "Hygon")))
		return "minivmm: AMD-V unusable: CPU has no SVM";
	return "minivmm: VT-x unusable: no VMX";
}

static const char *const clean_env[] = { "MINIVMM_DEV", NULL };
static const struct run_opts default_dev = { .env = clean_env };

/* Tries to load minivmm: must fail with ENODEV (unloads it otherwise). */
static void load_refused(struct __test_metadata *_metadata)
{
	int ret = module_load(module_ko_path());

	if (ret == 0)
		module_unload(MVMM_MODULE_NAME, O_NONBLOCK);
	ASSERT_EQ(-ENODEV, ret) TH_LOG("finit_module(%s): %s",
				       module_ko_path(), strerror(-ret));
}

TEST(cpu_has_no_vmx)
{
	char flags[8192];

	ASSERT_EQ(0, cpuinfo_field("flags", flags, sizeof(flags)));
	EXPECT_FALSE(has_token(flags, "vmx"));
	EXPECT_FALSE(has_token(flags, "svm"));
	EXPECT_FALSE(module_loaded());
}

TEST(load_fails_enodev)
{
	load_refused(_metadata);
	EXPECT_FALSE(module_loaded());
}

TEST(load_logs_no_vmx)
{
	char mark[96];

	ASSERT_EQ(0, klog_mark(mark, sizeof(mark)));
	load_refused(_metadata);
	EXPECT_TRUE(klog_logged_since(mark, refusal()))
		TH_LOG("no '%s' in the kernel log after '%s'", refusal(), mark);
}

TEST(nothing_left_behind)
{
	load_refused(_metadata);
	EXPECT_FALSE(path_exists(MVMM_SYSFS_MODULE));
	EXPECT_FALSE(path_exists(MVMM_SYSFS_MISC));
	EXPECT_FALSE(path_exists(MVMM_DEV));
	EXPECT_EQ(-1, mvmm_open());
}

FIXTURE(ctl) {
	struct run_result r;
};

FIXTURE_SETUP(ctl)
{
	ASSERT_FALSE(module_loaded());
}

FIXTURE_TEARDOWN(ctl)
{
	run_result_free(&self->r);
}

TEST_F(ctl, caps_says_not_loaded)
{
	const char *argv[] = { env_or(MVMM_ENV_CTL, MVMM_DEFAULT_CTL), "caps",
			       NULL };

	ASSERT_EQ(0, run_program(argv, &default_dev, &self->r));
	EXPECT_EQ(2, self->r.exit_code);
	EXPECT_STREQ("", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.err, "minivmm module is not loaded"))
		TH_LOG("stderr: %s", self->r.err);
}

TEST_F(ctl, caps_json_says_not_loaded)
{
	const char *argv[] = { env_or(MVMM_ENV_CTL, MVMM_DEFAULT_CTL), "caps",
			       "--json", NULL };

	ASSERT_EQ(0, run_program(argv, &default_dev, &self->r));
	EXPECT_EQ(2, self->r.exit_code);
	EXPECT_STREQ("", self->r.out);
	EXPECT_NE(NULL, strstr(self->r.err, "insmod minivmm.ko"))
		TH_LOG("stderr: %s", self->r.err);
}

TEST_HARNESS_MAIN
