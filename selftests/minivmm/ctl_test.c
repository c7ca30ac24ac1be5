// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm-ctl ($MINIVMM_CTL, default /bin/minivmm-ctl) against the loaded
 * module: its report matches MINIVMM_GET_CAPS, --json is one valid JSON
 * object, and each failure has its documented exit code and message. The
 * admin commands (list, show, balloon, policy, stats) run against a VM
 * with a balloon that the test creates (no guest runs).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "kselftest_harness.h"
#include "json_parse.h"
#include "mvmm.h"
#include "run.h"

#define NOBODY	65534

/* Each capability: its line in the text report and its JSON key. */
static const struct {
	unsigned long long bit;
	const char *text;
	const char *key;
} cap_words[] = {
	{ MINIVMM_CAP_VMX, "VMX", "vmx" },
	{ MINIVMM_CAP_VMX_FW_ENABLED, "Enabled by firmware", "vmx_fw_enabled" },
	{ MINIVMM_CAP_EPT, "EPT", "ept" },
	{ MINIVMM_CAP_EPT_4LEVEL, "EPT 4-level walk", "ept_4level" },
	{ MINIVMM_CAP_EPT_WB, "EPT write-back", "ept_wb" },
	{ MINIVMM_CAP_EPT_2M, "EPT 2 MiB pages", "ept_2m" },
	{ MINIVMM_CAP_EPT_1G, "EPT 1 GiB pages", "ept_1g" },
	{ MINIVMM_CAP_EPT_AD, "EPT accessed/dirty", "ept_ad" },
	{ MINIVMM_CAP_VPID, "VPID", "vpid" },
	{ MINIVMM_CAP_UNRESTRICTED_GUEST, "Unrestricted guest",
	  "unrestricted_guest" },
	{ MINIVMM_CAP_INVEPT, "INVEPT", "invept" },
	{ MINIVMM_CAP_INVVPID, "INVVPID", "invvpid" },
	{ MINIVMM_CAP_PREEMPTION_TIMER, "Preemption timer",
	  "preemption_timer" },
	{ MINIVMM_CAP_TRUE_CTLS, "True controls", "true_ctls" },
	{ MINIVMM_CAP_SECONDARY_CTLS, "Secondary controls", "secondary_ctls" },
};

#define N_CAPS	(sizeof(cap_words) / sizeof(cap_words[0]))

/* The same on AMD-V. */
static const struct {
	unsigned long long bit;
	const char *text;
	const char *key;
} svm_cap_words[] = {
	{ MINIVMM_CAP_SVM, "SVM", "svm" },
	{ MINIVMM_CAP_SVM_FW_ENABLED, "Enabled by firmware", "svm_fw_enabled" },
	{ MINIVMM_CAP_NPT, "Nested paging", "npt" },
	{ MINIVMM_CAP_NRIPS, "Next RIP saved", "nrips" },
	{ MINIVMM_CAP_FLUSH_BY_ASID, "Flush by ASID", "flush_by_asid" },
	{ MINIVMM_CAP_DECODE_ASSISTS, "Decode assists", "decode_assists" },
	{ MINIVMM_CAP_VMCB_CLEAN, "VMCB clean bits", "vmcb_clean" },
};

#define N_SVM_CAPS	(sizeof(svm_cap_words) / sizeof(svm_cap_words[0]))

static const char *ctl_path(void)
{
	return env_or(MVMM_ENV_CTL, MVMM_DEFAULT_CTL);
}

/*
 * Runs minivmm-ctl with up to 4 arguments (the first NULL ends them), as
 * @uid when not 0, with @env overrides (default: MINIVMM_DEV unset).
 */
static int ctl(struct run_result *r, const char *const *env, uid_t uid,
	       const char *a0, const char *a1, const char *a2,
	       const char *a3)
{
	static const char *const clean_env[] = { "MINIVMM_DEV", NULL };
	const char *argv[] = { ctl_path(), a0, a1, a2, a3, NULL };
	struct run_opts o = { .env = env ? env : clean_env, .uid = uid,
			      .gid = uid };

	return run_program(argv, &o, r);
}

#define NO_LINE	"(no such line)"

/* Value after "  KEY  " on a line of the text report, or NO_LINE. */
static const char *text_value(const char *out, const char *key)
{
	static char buf[256];
	size_t n = strlen(key);
	const char *p;

	for (p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, "  ", 2) || strncmp(p + 2, key, n) ||
		    strncmp(p + 2 + n, "  ", 2))
			continue;
		p += 2 + n + strspn(p + 2 + n, " ");
		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(p, "\n"), p);
		return buf;
	}
	return NO_LINE;
}

FIXTURE(ctl) {
	struct minivmm_caps c;
	struct minivmm_svm_caps svm;
	struct run_result r;
};

FIXTURE_SETUP(ctl)
{
	int fd = mvmm_open();

	ASSERT_LE(0, fd) TH_LOG("open %s: %m", MVMM_DEV);
	ASSERT_EQ(0, mvmm_get_caps(fd, &self->c));
	memset(&self->svm, 0, sizeof(self->svm));
	if (self->c.backend == MINIVMM_BACKEND_SVM)
		ASSERT_EQ(0, ioctl(fd, MINIVMM_GET_SVM_CAPS, &self->svm));
	close(fd);
	ASSERT_EQ(0, access(ctl_path(), X_OK)) TH_LOG("%s: %m", ctl_path());
}

FIXTURE_TEARDOWN(ctl)
{
	run_result_free(&self->r);
}

/* The AMD-V form of the text report. */
static void check_svm_text(struct __test_metadata *_metadata, const char *out,
			   const struct minivmm_caps *c,
			   const struct minivmm_svm_caps *svm)
{
	char want[64];
	size_t i;

	EXPECT_STREQ("SVM (AMD-V)", text_value(out, "Backend"));
	snprintf(want, sizeof(want), "%u", svm->revision);
	EXPECT_STREQ(want, text_value(out, "SVM revision"));
	snprintf(want, sizeof(want), "%u", svm->nr_asids);
	EXPECT_STREQ(want, text_value(out, "ASIDs"));
	snprintf(want, sizeof(want), "%u", c->nr_cpus);
	EXPECT_STREQ(want, text_value(out, "Host CPUs"));
	snprintf(want, sizeof(want), "0x%08x", svm->features);
	EXPECT_STREQ(want, text_value(out, "CPUID 0x8000000A EDX"));
	EXPECT_STREQ(NO_LINE, text_value(out, "IA32_VMX_BASIC"));
	for (i = 0; i < N_SVM_CAPS; i++) {
		const char *v = text_value(out, svm_cap_words[i].text);
		const char *yn = c->caps & svm_cap_words[i].bit ? "yes" : "no";

		ASSERT_STRNE(NO_LINE, v) TH_LOG("no line '%s'", svm_cap_words[i].text);
		EXPECT_STREQ(yn, v) TH_LOG("%s", svm_cap_words[i].text);
	}
}

TEST_F(ctl, caps_text_matches_ioctl)
{
	struct run_result *r = &self->r;
	char want[64];
	size_t i;

	ASSERT_EQ(0, ctl(r, NULL, 0, "caps", NULL, NULL, NULL));
	ASSERT_EQ(0, r->exit_code) TH_LOG("stderr: %s", r->err);
	EXPECT_STREQ("", r->err);
	if (self->c.backend == MINIVMM_BACKEND_SVM) {
		check_svm_text(_metadata, r->out, &self->c, &self->svm);
		return;
	}
	EXPECT_STREQ("VMX (Intel VT-x)", text_value(r->out, "Backend"));
	snprintf(want, sizeof(want), "%d", MINIVMM_API_VERSION);
	EXPECT_STREQ(want, text_value(r->out, "API version"));
	snprintf(want, sizeof(want), "0x%08x", self->c.vmcs_revision_id);
	EXPECT_STREQ(want, text_value(r->out, "VMCS revision id"));
	snprintf(want, sizeof(want), "%u", self->c.nr_cpus);
	EXPECT_STREQ(want, text_value(r->out, "Host CPUs"));
	snprintf(want, sizeof(want), "0x%016llx",
		 (unsigned long long)self->c.vmx_basic);
	EXPECT_STREQ(want, text_value(r->out, "IA32_VMX_BASIC"));
	for (i = 0; i < N_CAPS; i++) {
		const char *v = text_value(r->out, cap_words[i].text);
		const char *yn = self->c.caps & cap_words[i].bit ? "yes" : "no";

		ASSERT_STRNE(NO_LINE, v) TH_LOG("no line '%s'",
						cap_words[i].text);
		EXPECT_EQ(0, strncmp(v, yn, strlen(yn)))
			TH_LOG("%s: '%s', want %s", cap_words[i].text, v, yn);
	}
}

TEST_F(ctl, caps_json_matches_ioctl)
{
	const struct minivmm_caps *c = &self->c;
	struct run_result *r = &self->r;
	unsigned long long n;
	char s[64], path[64];
	size_t i;
	bool b;

	ASSERT_EQ(0, ctl(r, NULL, 0, "caps", "--json", NULL, NULL));
	ASSERT_EQ(0, r->exit_code) TH_LOG("stderr: %s", r->err);
	ASSERT_EQ(JSON_OBJECT, (int)json_validate(r->out)) TH_LOG("%s", r->out);
	EXPECT_EQ(0, json_get_string(r->out, "backend", s, sizeof(s)));
	if (c->backend == MINIVMM_BACKEND_SVM) {
		EXPECT_STREQ("svm", s);
		EXPECT_EQ(0, json_get_u64(r->out, "svm_revision", &n));
		EXPECT_EQ(self->svm.revision, n);
		EXPECT_EQ(0, json_get_u64(r->out, "nr_asids", &n));
		EXPECT_EQ(self->svm.nr_asids, n);
		EXPECT_EQ(0, json_get_u64(r->out, "nr_cpus", &n));
		EXPECT_EQ(c->nr_cpus, n);
		EXPECT_EQ(0, json_get_string(r->out, "raw.svm_features", s, sizeof(s)));
		EXPECT_EQ(self->svm.features, strtoull(s, NULL, 16)) TH_LOG("'%s'", s);
		EXPECT_NE(0, json_get_u64(r->out, "vmcs_revision_id", &n));
		for (i = 0; i < N_SVM_CAPS; i++) {
			snprintf(path, sizeof(path), "caps.%s", svm_cap_words[i].key);
			ASSERT_EQ(0, json_get_bool(r->out, path, &b)) TH_LOG("%s", path);
			EXPECT_EQ(!!(c->caps & svm_cap_words[i].bit), b) TH_LOG("%s", path);
		}
		return;
	}
	EXPECT_STREQ("vmx", s);
	EXPECT_EQ(0, json_get_u64(r->out, "api_version", &n));
	EXPECT_EQ((unsigned long long)MINIVMM_API_VERSION, n);
	EXPECT_EQ(0, json_get_u64(r->out, "vmcs_revision_id", &n));
	EXPECT_EQ(c->vmcs_revision_id, n);
	EXPECT_EQ(0, json_get_u64(r->out, "vmcs_size", &n));
	EXPECT_EQ(c->vmcs_size, n);
	EXPECT_EQ(0, json_get_u64(r->out, "nr_cpus", &n));
	EXPECT_EQ(c->nr_cpus, n);
	EXPECT_EQ(0, json_get_string(r->out, "raw.vmx_basic", s, sizeof(s)));
	EXPECT_EQ(c->vmx_basic, strtoull(s, NULL, 16)) TH_LOG("'%s'", s);
	EXPECT_EQ(0, strncmp(s, "0x", 2));
	EXPECT_EQ(0, json_get_string(r->out, "raw.ept_vpid_cap", s, sizeof(s)));
	EXPECT_EQ(c->ept_vpid_cap, strtoull(s, NULL, 16)) TH_LOG("'%s'", s);
	for (i = 0; i < N_CAPS; i++) {
		snprintf(path, sizeof(path), "caps.%s", cap_words[i].key);
		ASSERT_EQ(0, json_get_bool(r->out, path, &b)) TH_LOG("%s", path);
		EXPECT_EQ(!!(c->caps & cap_words[i].bit), b) TH_LOG("%s", path);
	}
}

TEST_F(ctl, missing_node_with_module_loaded)
{
	static const char *const env[] = { "MINIVMM_DEV=/nonexistent", NULL };
	struct run_result *r = &self->r;

	ASSERT_TRUE(path_exists(MVMM_SYSFS_MODULE));
	ASSERT_EQ(0, ctl(r, env, 0, "caps", NULL, NULL, NULL));
	EXPECT_EQ(2, r->exit_code);
	EXPECT_STREQ("", r->out);
	EXPECT_NE(NULL, strstr(r->err, "module is loaded but /nonexistent does not exist"))
		TH_LOG("stderr: %s", r->err);
}

TEST_F(ctl, device_option_beats_env)
{
	static const char *const env[] = { "MINIVMM_DEV=/nonexistent", NULL };
	struct run_result *r = &self->r;

	ASSERT_EQ(0, ctl(r, env, 0, "--device", MVMM_DEV, "caps", "--json"));
	EXPECT_EQ(0, r->exit_code) TH_LOG("stderr: %s", r->err);
	EXPECT_EQ(JSON_OBJECT, (int)json_validate(r->out));
	run_result_free(r);
	ASSERT_EQ(0, ctl(r, NULL, 0, "--device=/nonexistent2", "caps", NULL,
			 NULL));
	EXPECT_EQ(2, r->exit_code);
	EXPECT_NE(NULL, strstr(r->err, "/nonexistent2")) TH_LOG("%s", r->err);
}

TEST_F(ctl, not_a_minivmm_device)
{
	struct run_result *r = &self->r;

	ASSERT_EQ(0, ctl(r, NULL, 0, "--device", "/dev/null", "caps", NULL));
	EXPECT_EQ(4, r->exit_code);
	EXPECT_STREQ("", r->out);
	EXPECT_NE(NULL, strstr(r->err, "MINIVMM_GET_API_VERSION"))
		TH_LOG("stderr: %s", r->err);
}

/* Run as nobody: open() of the 0600 root node fails with EACCES. */
TEST_F(ctl, permission_denied)
{
	struct run_result *r = &self->r;
	struct stat st;

	/* nobody must be able to reach and run minivmm-ctl at all. */
	ASSERT_EQ(0, stat("/", &st));
	ASSERT_TRUE(!!(st.st_mode & S_IXOTH))
		TH_LOG("/ is mode %o: other users cannot run anything (the initramfs root must be 0755)",
		       st.st_mode & 07777);
	ASSERT_EQ(0, ctl(r, NULL, NOBODY, "caps", NULL, NULL, NULL));
	EXPECT_EQ(3, r->exit_code);
	EXPECT_NE(NULL, strstr(r->err, "permission denied opening /dev/minivmm"))
		TH_LOG("stderr: %s", r->err);
}

TEST_F(ctl, unknown_command_usage_error)
{
	struct run_result *r = &self->r;

	ASSERT_EQ(0, ctl(r, NULL, 0, "frobnicate", NULL, NULL, NULL));
	EXPECT_EQ(1, r->exit_code);
	EXPECT_NE(NULL, strstr(r->err, "unknown command 'frobnicate'"));
	run_result_free(r);
	ASSERT_EQ(0, ctl(r, NULL, 0, "caps", "--bogus", NULL, NULL));
	EXPECT_EQ(1, r->exit_code);
	run_result_free(r);
	ASSERT_EQ(0, ctl(r, NULL, 0, NULL, NULL, NULL, NULL));
	EXPECT_EQ(1, r->exit_code);
}

TEST_F(ctl, help_and_version)
{
	static const char *const forms[][2] = {
		{ "--help", NULL }, { "-h", NULL }, { "help", NULL },
	};
	struct run_result *r = &self->r;
	char want[64];
	size_t i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, ctl(r, NULL, 0, forms[i][0], NULL, NULL, NULL));
		EXPECT_EQ(0, r->exit_code) TH_LOG("%s", forms[i][0]);
		EXPECT_NE(NULL, strstr(r->out, "caps"));
		EXPECT_NE(NULL, strstr(r->out, "Exit codes"));
		run_result_free(r);
	}
	ASSERT_EQ(0, ctl(r, NULL, 0, "--version", NULL, NULL, NULL));
	EXPECT_EQ(0, r->exit_code);
	snprintf(want, sizeof(want), "API version %d", MINIVMM_API_VERSION);
	EXPECT_NE(NULL, strstr(r->out, want)) TH_LOG("%s", r->out);
}

/* @text as TAP comments, one per line. */
static void log_lines(const char *what, const char *text)
{
	while (text && *text) {
		int len = (int)strcspn(text, "\n");

		printf("# %s: %.*s\n", what, len, text);
		text = text[len] ? text + len + 1 : NULL;
	}
	fflush(stdout);
}

/* A VM with a 16 MiB RAM slot and a balloon: its VM fd, or -errno. */
static int balloon_vm(int dev, void **ram)
{
	struct minivmm_balloon_config cfg = {
		.mmio_base = 0xd0000000ULL, .irq_vector = 0x40,
	};
	struct minivmm_memory_region reg = {
		.guest_phys_addr = 0x100000000ULL, .memory_size = 16 << 20,
	};
	int vm = ioctl(dev, MINIVMM_CREATE_VM, 0);

	if (vm < 0)
		return -errno;
	*ram = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*ram == MAP_FAILED)
		return -errno;
	reg.userspace_addr = (unsigned long)*ram;
	if (ioctl(vm, MINIVMM_SET_MEMORY_REGION, &reg) ||
	    ioctl(vm, MINIVMM_CREATE_BALLOON, &cfg))
		return -errno;
	return vm;
}

/* The id minivmm gives our newest VM (from the admin list), or 0. */
static unsigned int our_vm_id(int dev)
{
	struct minivmm_vm_info info[32];
	struct minivmm_vm_list l = { .capacity = 32,
				     .vms = (unsigned long)info };
	unsigned int i, id = 0;

	if (ioctl(dev, MINIVMM_ADMIN_LIST_VMS, &l))
		return 0;
	for (i = 0; i < l.nr_vms && i < 32; i++)
		if (info[i].owner_pid == (unsigned int)getpid())
			id = info[i].vm_id;
	return id;
}

TEST_F(ctl, admin_commands)
{
	struct minivmm_balloon_status bs;
	struct run_result *r = &self->r;
	struct minivmm_policy pol;
	char id[16], want[64];
	int dev = mvmm_open(), vm;
	unsigned int vm_id;
	void *ram = NULL;

	ASSERT_LE(0, dev);
	vm = balloon_vm(dev, &ram);
	ASSERT_LE(0, vm) TH_LOG("VM with balloon: %s", strerror(-vm));
	vm_id = our_vm_id(dev);
	ASSERT_NE(0u, vm_id);
	snprintf(id, sizeof(id), "%u", vm_id);

	/* list: our VM, our pid, 16 MiB. */
	ASSERT_EQ(0, ctl(r, NULL, 0, "list", "--json", NULL, NULL));
	EXPECT_EQ(0, r->exit_code) TH_LOG("stderr: %s", r->err);
	snprintf(want, sizeof(want), "\"pid\": %d", getpid());
	EXPECT_NE(NULL, strstr(r->out, want)) TH_LOG("list: %s", r->out);
	EXPECT_NE(NULL, strstr(r->out, "\"mem_bytes\": 16777216"));
	run_result_free(r);
	ASSERT_EQ(0, ctl(r, NULL, 0, "list", NULL, NULL, NULL));
	EXPECT_EQ(0, r->exit_code);
	log_lines("list", r->out);
	run_result_free(r);

	/* balloon: 4M is 1024 pages, manual. */
	ASSERT_EQ(0, ctl(r, NULL, 0, "balloon", id, "4M", NULL));
	EXPECT_EQ(0, r->exit_code) TH_LOG("stderr: %s", r->err);
	ASSERT_EQ(0, ioctl(vm, MINIVMM_GET_BALLOON_STATS, &bs));
	EXPECT_EQ(1024u, bs.target_pages);
	run_result_free(r);
	ASSERT_EQ(0, ctl(r, NULL, 0, "balloon", id, "50%", NULL));
	EXPECT_EQ(0, r->exit_code);
	ASSERT_EQ(0, ioctl(vm, MINIVMM_GET_BALLOON_STATS, &bs));
	EXPECT_EQ(2048u, bs.target_pages);
	run_result_free(r);
	ASSERT_EQ(0, ctl(r, NULL, 0, "balloon", "999999", "4M", NULL));
	EXPECT_EQ(6, r->exit_code) TH_LOG("stderr: %s", r->err);
	run_result_free(r);
	ASSERT_EQ(0, ctl(r, NULL, 0, "balloon", id, "17M", NULL));
	EXPECT_EQ(8, r->exit_code) TH_LOG("stderr: %s", r->err);
	EXPECT_NE(NULL, strstr(r->err, "16")) TH_LOG("stderr: %s", r->err);
	ASSERT_EQ(0, ioctl(vm, MINIVMM_GET_BALLOON_STATS, &bs));
	EXPECT_EQ(2048u, bs.target_pages);
	run_result_free(r);
	ASSERT_EQ(0, ctl(r, NULL, 0, "balloon", id, "auto", NULL));
	EXPECT_EQ(0, r->exit_code);
	run_result_free(r);

	/* show and stats. */
	ASSERT_EQ(0, ctl(r, NULL, 0, "show", id, "--json", NULL));
	EXPECT_EQ(0, r->exit_code) TH_LOG("stderr: %s", r->err);
	EXPECT_NE(NULL, strstr(r->out, "\"double_paging_pages\": 0"))
		TH_LOG("show: %s", r->out);
	EXPECT_NE(NULL, strstr(r->out, "\"mode\": \"auto\""));
	run_result_free(r);
	ASSERT_EQ(0, ctl(r, NULL, 0, "stats", id, "--count", "2"));
	EXPECT_EQ(0, r->exit_code) TH_LOG("stderr: %s", r->err);
	EXPECT_NE(NULL, strstr(r->out, "sample 2")) TH_LOG("stats: %s", r->out);
	run_result_free(r);

	/* policy set round trip, and refusals. */
	ASSERT_EQ(0, ctl(r, NULL, 0, "policy", "set", "high=7%", NULL));
	EXPECT_EQ(0, r->exit_code) TH_LOG("stderr: %s", r->err);
	ASSERT_EQ(0, ioctl(dev, MINIVMM_ADMIN_GET_POLICY, &pol));
	EXPECT_EQ(700u, pol.high_bp);
	run_result_free(r);
	ASSERT_EQ(0, ctl(r, NULL, 0, "policy", "set", "bogus=1", NULL));
	EXPECT_EQ(1, r->exit_code);
	run_result_free(r);
	ASSERT_EQ(0, ctl(r, NULL, 0, "policy", "set", "soft=8%", NULL));
	EXPECT_EQ(1, r->exit_code);
	ASSERT_EQ(0, ioctl(dev, MINIVMM_ADMIN_GET_POLICY, &pol));
	EXPECT_EQ(700u, pol.high_bp);
	EXPECT_EQ(400u, pol.soft_bp);
	run_result_free(r);
	ASSERT_EQ(0, ctl(r, NULL, 0, "policy", "set", "high=6%", NULL));
	EXPECT_EQ(0, r->exit_code);
	run_result_free(r);

	/* Not root: the device opens (mode 0666 here) but admin is refused. */
	ASSERT_EQ(0, chmod(MVMM_DEV, 0666));
	ASSERT_EQ(0, ctl(r, NULL, NOBODY, "list", NULL, NULL, NULL));
	chmod(MVMM_DEV, 0600);
	EXPECT_EQ(3, r->exit_code);
	EXPECT_NE(NULL, strstr(r->err, "CAP_SYS_ADMIN")) TH_LOG("stderr: %s", r->err);

	close(vm);
	munmap(ram, 16 << 20);
	close(dev);
}

TEST_HARNESS_MAIN
