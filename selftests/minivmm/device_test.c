// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/minivmm: the node, and the system ioctls' handling of good and bad
 * input (MINIVMM_GET_API_VERSION, MINIVMM_GET_CAPS, unknown ioctls).
 * Needs minivmm loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "mvmm.h"

#define MISC_MAJOR	10
#define NOBODY		65534

TEST(node_is_root_char_device_0600)
{
	struct stat st;

	ASSERT_EQ(0, stat(MVMM_DEV, &st)) TH_LOG("stat %s: %m", MVMM_DEV);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600u, st.st_mode & 07777);
	EXPECT_EQ(0u, st.st_uid);
	EXPECT_EQ(0u, st.st_gid);
}

TEST(node_matches_sysfs_misc_device)
{
	unsigned int maj, min;
	struct stat st;
	char dev[32];

	ASSERT_TRUE(path_exists(MVMM_SYSFS_MISC));
	ASSERT_EQ(0, read_text_file(MVMM_SYSFS_MISC "/dev", dev, sizeof(dev)));
	ASSERT_EQ(2, sscanf(dev, "%u:%u", &maj, &min)) TH_LOG("dev '%s'", dev);
	EXPECT_EQ(MISC_MAJOR, (int)maj);
	ASSERT_EQ(0, stat(MVMM_DEV, &st));
	EXPECT_EQ(maj, major(st.st_rdev));
	EXPECT_EQ(min, minor(st.st_rdev));
}

TEST(open_rdwr_twice)
{
	int a = mvmm_open(), b = mvmm_open();

	ASSERT_LE(0, a) TH_LOG("open %s: %m", MVMM_DEV);
	ASSERT_LE(0, b) TH_LOG("second open %s: %m", MVMM_DEV);
	EXPECT_EQ(MINIVMM_API_VERSION, ioctl(a, MINIVMM_GET_API_VERSION, 0));
	EXPECT_EQ(MINIVMM_API_VERSION, ioctl(b, MINIVMM_GET_API_VERSION, 0));
	close(a);
	EXPECT_EQ(MINIVMM_API_VERSION, ioctl(b, MINIVMM_GET_API_VERSION, 0));
	close(b);
}

/*
 * Mode 0600 root: another user gets EACCES. The node is opened relative to
 * /dev (opened as root), so only /dev and the node's own modes matter;
 * /dev/null, 0666, shows that the lookup itself works.
 */
TEST(unprivileged_open_denied)
{
	int dir, status;
	pid_t pid;

	ASSERT_TRUE(path_exists(MVMM_DEV));
	dir = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, dir);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(10);
		if (openat(dir, "null", O_RDWR) < 0)
			_exit(13);
		if (openat(dir, "minivmm", O_RDWR) >= 0)
			_exit(11);
		_exit(errno == EACCES ? 0 : 12);
	}
	close(dir);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10: setuid failed, 11: open worked, 12: not EACCES, 13: /dev/null not openable");
}

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = mvmm_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %m", MVMM_DEV);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dev, api_version)
{
	EXPECT_EQ(MINIVMM_API_VERSION,
		  ioctl(self->fd, MINIVMM_GET_API_VERSION, 0));
}

TEST_F(dev, api_version_nonzero_arg_einval)
{
	static const unsigned long args[] = { 1, 0x1000, ~0UL };
	size_t i;

	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, MINIVMM_GET_API_VERSION, args[i]))
			TH_LOG("arg 0x%lx", args[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("arg 0x%lx", args[i]);
	}
}

TEST_F(dev, caps_good_call)
{
	struct minivmm_caps c;
	int i;

	/* Output fields are not read: garbage in them is fine. */
	memset(&c, 0xa5, sizeof(c));
	c.flags = 0;
	memset(c.reserved, 0, sizeof(c.reserved));
	ASSERT_EQ(0, ioctl(self->fd, MINIVMM_GET_CAPS, &c)) TH_LOG("%m");
	if (c.backend == MINIVMM_BACKEND_SVM) {
		/* AMD-V: its bits; every VT-x field reads 0. */
		EXPECT_TRUE(!!(c.caps & MINIVMM_CAP_SVM));
		EXPECT_TRUE(!!(c.caps & MINIVMM_CAP_NPT));
		EXPECT_FALSE(!!(c.caps & MINIVMM_CAP_VMX));
		EXPECT_EQ(0u, c.vmcs_revision_id);
		EXPECT_EQ(0u, c.vmcs_size);
		EXPECT_EQ(0ULL, c.vmx_basic);
		EXPECT_EQ(0ULL, c.feature_control);
	} else {
		EXPECT_EQ(MINIVMM_BACKEND_VMX, (int)c.backend);
		EXPECT_TRUE(!!(c.caps & MINIVMM_CAP_VMX));
		EXPECT_NE(0xa5a5a5a5u, c.vmcs_revision_id);
		EXPECT_NE(0xa5a5a5a5a5a5a5a5ULL, c.vmx_basic);
	}
	EXPECT_NE(0xa5a5a5a5u, c.nr_cpus);
	EXPECT_LT(0u, c.nr_cpus);
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0ULL, c.reserved[i]) TH_LOG("reserved[%d]", i);
}

TEST_F(dev, svm_caps_by_backend)
{
	struct minivmm_caps c;
	struct minivmm_svm_caps s;
	unsigned int eax, ebx, ecx, edx;

	ASSERT_EQ(0, mvmm_get_caps(self->fd, &c));
	memset(&s, 0xa5, sizeof(s));
	s.flags = 0;
	memset(s.reserved, 0, sizeof(s.reserved));
	if (c.backend != MINIVMM_BACKEND_SVM) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, MINIVMM_GET_SVM_CAPS, &s));
		EXPECT_EQ(ENODEV, errno);
		return;
	}
	ASSERT_EQ(0, ioctl(self->fd, MINIVMM_GET_SVM_CAPS, &s)) TH_LOG("%m");
	__asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx)
			 : "a"(0x8000000a), "c"(0));
	EXPECT_EQ(eax & 0xff, s.revision);
	EXPECT_EQ(ebx, s.nr_asids);
	EXPECT_EQ(edx, s.features);
	EXPECT_EQ(!!(edx & 8), !!(c.caps & MINIVMM_CAP_NRIPS));
	EXPECT_EQ(!!(edx & 0x40), !!(c.caps & MINIVMM_CAP_FLUSH_BY_ASID));
	EXPECT_EQ(!!(edx & 0x80), !!(c.caps & MINIVMM_CAP_DECODE_ASSISTS));
	EXPECT_EQ(0ULL, s.vm_cr & 0x10);	/* SVMDIS: the module loaded */
	/* Flags and reserved words are checked like GET_CAPS'. */
	s.flags = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, MINIVMM_GET_SVM_CAPS, &s));
	EXPECT_EQ(EINVAL, errno);
	s.flags = 0;
	s.reserved[5] = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, MINIVMM_GET_SVM_CAPS, &s));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, MINIVMM_GET_SVM_CAPS, NULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(dev, caps_null_efault)
{
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, MINIVMM_GET_CAPS, NULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(dev, caps_kernel_address_efault)
{
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, MINIVMM_GET_CAPS, 0xffffffff81000000UL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(dev, caps_unmapped_page_efault)
{
	long pg = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, MINIVMM_GET_CAPS, p));
	EXPECT_EQ(EFAULT, errno);
	munmap(p, pg);
}

/* The struct reads fine (all zero) but cannot be written back. */
TEST_F(dev, caps_read_only_page_efault)
{
	long pg = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, MINIVMM_GET_CAPS, p));
	EXPECT_EQ(EFAULT, errno);
	munmap(p, pg);
}

/* The struct starts on a good page and runs into an unmapped one. */
TEST_F(dev, caps_straddling_page_efault)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mprotect(p + pg, pg, PROT_NONE));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, MINIVMM_GET_CAPS, p + pg - 64));
	EXPECT_EQ(EFAULT, errno);
	munmap(p, 2 * pg);
}

TEST_F(dev, caps_flags_einval)
{
	static const __u32 flags[] = { 1, 0x80000000u, ~0u };
	struct minivmm_caps c;
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		memset(&c, 0, sizeof(c));
		c.flags = flags[i];
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, MINIVMM_GET_CAPS, &c))
			TH_LOG("flags 0x%x", flags[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("flags 0x%x", flags[i]);
	}
}

TEST_F(dev, caps_reserved_einval)
{
	struct minivmm_caps c;
	int i;

	for (i = 0; i < 8; i++) {
		memset(&c, 0, sizeof(c));
		c.reserved[i] = 1;
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, MINIVMM_GET_CAPS, &c))
			TH_LOG("reserved[%d] = 1", i);
		EXPECT_EQ(EINVAL, errno) TH_LOG("reserved[%d] = 1", i);
		c.reserved[i] = 1ULL << 63;
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, MINIVMM_GET_CAPS, &c))
			TH_LOG("reserved[%d] = 1 << 63", i);
		EXPECT_EQ(EINVAL, errno) TH_LOG("reserved[%d] = 1 << 63", i);
	}
}

/* Unknown ioctl numbers: each variant one command, all must be -ENOTTY. */
FIXTURE(bad_ioctl) {
	int fd;
};

FIXTURE_VARIANT(bad_ioctl) {
	unsigned long cmd;
};

#define CAPS_SIZE	sizeof(struct minivmm_caps)
#define RW		(_IOC_READ | _IOC_WRITE)

FIXTURE_VARIANT_ADD(bad_ioctl, nr_ff) { .cmd = _IO(MINIVMMIO, 0xff) };
FIXTURE_VARIANT_ADD(bad_ioctl, nr_fe_iowr) {
	.cmd = _IOC(RW, MINIVMMIO, 0xfe, CAPS_SIZE)
};
FIXTURE_VARIANT_ADD(bad_ioctl, caps_nr_ior_int) {
	.cmd = _IOR(MINIVMMIO, 0x01, int)
};
FIXTURE_VARIANT_ADD(bad_ioctl, caps_nr_no_dir) { .cmd = _IO(MINIVMMIO, 0x01) };
FIXTURE_VARIANT_ADD(bad_ioctl, caps_nr_short_struct) {
	.cmd = _IOC(RW, MINIVMMIO, 0x01, CAPS_SIZE - 8)
};
FIXTURE_VARIANT_ADD(bad_ioctl, caps_nr_long_struct) {
	.cmd = _IOC(RW, MINIVMMIO, 0x01, CAPS_SIZE + 8)
};
FIXTURE_VARIANT_ADD(bad_ioctl, caps_nr_iow) {
	.cmd = _IOC(_IOC_WRITE, MINIVMMIO, 0x01, CAPS_SIZE)
};
FIXTURE_VARIANT_ADD(bad_ioctl, version_nr_iow_int) {
	.cmd = _IOW(MINIVMMIO, 0x00, int)
};
/* Foreign type bytes with minivmm's numbers: KVM's, and TCGETS ('T', 1). */
FIXTURE_VARIANT_ADD(bad_ioctl, kvm_get_api_version) { .cmd = _IO(0xae, 0x00) };
FIXTURE_VARIANT_ADD(bad_ioctl, kvm_create_vm) { .cmd = _IO(0xae, 0x01) };
FIXTURE_VARIANT_ADD(bad_ioctl, tcgets) { .cmd = 0x5401 };
FIXTURE_VARIANT_ADD(bad_ioctl, foreign_iowr_caps_size) {
	.cmd = _IOC(RW, 'x', 0x01, CAPS_SIZE)
};

FIXTURE_SETUP(bad_ioctl)
{
	self->fd = mvmm_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %m", MVMM_DEV);
}

FIXTURE_TEARDOWN(bad_ioctl)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(bad_ioctl, enotty)
{
	/* A zeroed buffer, so a driver that wrongly uses it does no harm. */
	struct minivmm_caps buf[2];

	memset(buf, 0, sizeof(buf));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, variant->cmd, buf))
		TH_LOG("cmd 0x%lx", variant->cmd);
	EXPECT_EQ(ENOTTY, errno) TH_LOG("cmd 0x%lx: %m", variant->cmd);
	/* The device still works. */
	EXPECT_EQ(MINIVMM_API_VERSION,
		  ioctl(self->fd, MINIVMM_GET_API_VERSION, 0));
}

TEST_HARNESS_MAIN
