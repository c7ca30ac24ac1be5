// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm's life cycle through the raw syscalls: an open /dev/minivmm pins
 * the module, unloading removes /sys/module/minivmm and the node, loading
 * brings them back and logs "minivmm: loaded". Module file: $MINIVMM_KO
 * (default /lib/modules/minivmm.ko). Every test leaves minivmm loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "kselftest_harness.h"
#include "klog.h"
#include "module.h"
#include "mvmm.h"

#define NODE_TIMEOUT_MS	2000

FIXTURE(life) {
	int fd;
};

FIXTURE_SETUP(life)
{
	self->fd = -1;
	ASSERT_EQ(0, module_ensure_loaded())
		TH_LOG("minivmm not loaded and %s does not load",
		       module_ko_path());
}

FIXTURE_TEARDOWN(life)
{
	if (self->fd >= 0)
		close(self->fd);
	if (module_ensure_loaded())
		TH_LOG("could not load minivmm again from %s",
		       module_ko_path());
}

/* Unloads minivmm (nothing may hold it) and checks everything went. */
static void unload_and_check(struct __test_metadata *_metadata)
{
	int fd;

	ASSERT_EQ(0, module_unload(MVMM_MODULE_NAME, O_NONBLOCK));
	EXPECT_FALSE(module_loaded());
	EXPECT_TRUE(wait_for_path(MVMM_DEV, false, NODE_TIMEOUT_MS))
		TH_LOG("%s still there after unload", MVMM_DEV);
	fd = mvmm_open();
	EXPECT_EQ(-1, fd);
	if (fd >= 0)
		close(fd);
}

static int refcnt(void)
{
	char buf[32];

	if (read_text_file(MVMM_SYSFS_MODULE "/refcnt", buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

TEST_F(life, open_fd_pins_module)
{
	int ret;

	self->fd = mvmm_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %m", MVMM_DEV);
	ret = module_unload(MVMM_MODULE_NAME, O_NONBLOCK);
	EXPECT_TRUE(ret == -EAGAIN || ret == -EBUSY)
		TH_LOG("delete_module with an open fd: %d", ret);
	EXPECT_TRUE(module_loaded());
	EXPECT_TRUE(path_exists(MVMM_DEV));
	EXPECT_EQ(MINIVMM_API_VERSION,
		  ioctl(self->fd, MINIVMM_GET_API_VERSION, 0));
}

TEST_F(life, refcnt_follows_open_fds)
{
	int base = refcnt(), fd2;

	ASSERT_LE(0, base);
	self->fd = mvmm_open();
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(base + 1, refcnt());
	fd2 = mvmm_open();
	ASSERT_LE(0, fd2);
	EXPECT_EQ(base + 2, refcnt());
	close(fd2);
	EXPECT_EQ(base + 1, refcnt());
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(base, refcnt());
}

TEST_F(life, unload_after_close)
{
	self->fd = mvmm_open();
	ASSERT_LE(0, self->fd);
	ASSERT_NE(0, module_unload(MVMM_MODULE_NAME, O_NONBLOCK));
	close(self->fd);
	self->fd = -1;
	unload_and_check(_metadata);
}

TEST_F(life, unload_then_load)
{
	unload_and_check(_metadata);
	ASSERT_EQ(0, module_load(module_ko_path()));
	EXPECT_TRUE(module_loaded());
	ASSERT_TRUE(wait_for_path(MVMM_DEV, true, NODE_TIMEOUT_MS))
		TH_LOG("%s did not come back", MVMM_DEV);
	self->fd = mvmm_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %m", MVMM_DEV);
	EXPECT_EQ(MINIVMM_API_VERSION,
		  ioctl(self->fd, MINIVMM_GET_API_VERSION, 0));
}

TEST_F(life, load_twice_eexist)
{
	EXPECT_EQ(-EEXIST, module_load(module_ko_path()));
	EXPECT_TRUE(module_loaded());
	self->fd = mvmm_open();
	EXPECT_LE(0, self->fd);
}

TEST_F(life, load_logs_loaded)
{
	char mark[96];

	unload_and_check(_metadata);
	ASSERT_EQ(0, klog_mark(mark, sizeof(mark)));
	ASSERT_EQ(0, module_load(module_ko_path()));
	EXPECT_TRUE(klog_logged_since(mark, "minivmm: loaded"))
		TH_LOG("no 'minivmm: loaded' in the kernel log after '%s'",
		       mark);
}

TEST_F(life, unload_load_cycles)
{
	int i;

	for (i = 0; i < 3; i++) {
		unload_and_check(_metadata);
		ASSERT_EQ(0, module_load(module_ko_path())) TH_LOG("cycle %d", i);
		ASSERT_TRUE(wait_for_path(MVMM_DEV, true, NODE_TIMEOUT_MS));
		self->fd = mvmm_open();
		ASSERT_LE(0, self->fd) TH_LOG("cycle %d: open: %m", i);
		EXPECT_EQ(MINIVMM_API_VERSION,
			  ioctl(self->fd, MINIVMM_GET_API_VERSION, 0));
		close(self->fd);
		self->fd = -1;
	}
}

TEST_HARNESS_MAIN
