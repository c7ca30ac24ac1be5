// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest real guests: a vCPU left in its reset state (real mode,
 * CS:IP = F000:FFF0, physical 0xfffffff0) runs a few bytes placed at the
 * reset vector. Checks port I/O exits both ways, HLT, the 10,000-exit loop
 * (timed: a figure, not an assertion), and VM/vCPU teardown.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/minivmm.h>
#include "kselftest_harness.h"

#define RESET_SLOT_GPA	0xffff0000ULL
#define RESET_SLOT_SIZE	0x10000ULL

struct smoke {
	int dev, vm, vcpu;
	uint8_t *mem;
	struct minivmm_run *run;
};

/* Build a VM with one 64 KiB slot under 4 GiB holding @code at 0xfff0. */
static int smoke_setup(struct smoke *s, const uint8_t *code, size_t len)
{
	struct minivmm_memory_region r = {
		.slot = 0, .guest_phys_addr = RESET_SLOT_GPA,
		.memory_size = RESET_SLOT_SIZE,
	};
	long sz;

	s->dev = open("/dev/minivmm", O_RDWR);
	if (s->dev < 0)
		return -1;
	s->vm = ioctl(s->dev, MINIVMM_CREATE_VM, 0);
	if (s->vm < 0)
		return -2;
	s->mem = mmap(NULL, RESET_SLOT_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->mem == MAP_FAILED)
		return -3;
	memset(s->mem, 0xf4, RESET_SLOT_SIZE);	/* hlt everywhere */
	memcpy(s->mem + 0xfff0, code, len);
	r.userspace_addr = (uintptr_t)s->mem;
	if (ioctl(s->vm, MINIVMM_SET_MEMORY_REGION, &r))
		return -4;
	s->vcpu = ioctl(s->vm, MINIVMM_CREATE_VCPU, 0);
	if (s->vcpu < 0)
		return -5;
	sz = ioctl(s->dev, MINIVMM_GET_VCPU_MMAP_SIZE, 0);
	if (sz < (long)sizeof(struct minivmm_run))
		return -6;
	s->run = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, s->vcpu, 0);
	if (s->run == MAP_FAILED)
		return -7;
	return 0;
}

static void smoke_teardown(struct smoke *s)
{
	close(s->vcpu);
	close(s->vm);
	close(s->dev);
	munmap(s->mem, RESET_SLOT_SIZE);
}

static const char *exit_name(uint32_t r)
{
	static const char *const names[] = {
		"UNKNOWN", "IO", "HLT", "MMIO", "HYPERCALL", "SHUTDOWN",
		"FAIL_ENTRY", "INTERNAL_ERROR", "INTR", "IRQ_WINDOW_OPEN",
	};

	return r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

#define EXPECT_EXIT(s, want) do {					\
	ASSERT_EQ(0, ioctl((s)->vcpu, MINIVMM_RUN, 0));			\
	if ((s)->run->exit_reason != (want)) {				\
		TH_LOG("exit %s, want %s; internal %u data %llx %llx %llx",\
		       exit_name((s)->run->exit_reason), exit_name(want),\
		       (s)->run->internal.suberror,			\
		       (unsigned long long)(s)->run->internal.data[0],	\
		       (unsigned long long)(s)->run->internal.data[1],	\
		       (unsigned long long)(s)->run->internal.data[2]);	\
	}								\
	ASSERT_EQ((want), (s)->run->exit_reason);			\
} while (0)

static uint8_t io_byte(struct smoke *s)
{
	return *((uint8_t *)s->run + s->run->io.data_offset);
}

TEST(reset_vector_out_then_hlt)
{
	/* mov dx,0x3f8; mov al,'A'; out dx,al; hlt */
	static const uint8_t code[] = { 0xba, 0xf8, 0x03, 0xb0, 0x41, 0xee, 0xf4 };
	struct minivmm_regs regs;
	struct smoke s;

	ASSERT_EQ(0, smoke_setup(&s, code, sizeof(code)));
	EXPECT_EXIT(&s, MINIVMM_EXIT_IO);
	EXPECT_EQ(MINIVMM_EXIT_IO_OUT, s.run->io.direction);
	EXPECT_EQ(1, s.run->io.size);
	EXPECT_EQ(0x3f8, s.run->io.port);
	EXPECT_EQ(1, s.run->io.count);
	EXPECT_EQ('A', io_byte(&s));
	EXPECT_EXIT(&s, MINIVMM_EXIT_HLT);
	ASSERT_EQ(0, ioctl(s.vcpu, MINIVMM_GET_REGS, &regs));
	EXPECT_EQ(0xfff7, regs.rip);	/* after the hlt */
	smoke_teardown(&s);
}

TEST(port_in_lands_in_al)
{
	/* mov dx,0x60; in al,dx; out dx,al; hlt: echoes what the host gave. */
	static const uint8_t code[] = { 0xba, 0x60, 0x00, 0xec, 0xee, 0xf4 };
	struct smoke s;

	ASSERT_EQ(0, smoke_setup(&s, code, sizeof(code)));
	EXPECT_EXIT(&s, MINIVMM_EXIT_IO);
	EXPECT_EQ(MINIVMM_EXIT_IO_IN, s.run->io.direction);
	EXPECT_EQ(0x60, s.run->io.port);
	*((uint8_t *)s.run + s.run->io.data_offset) = 0x5a;
	EXPECT_EXIT(&s, MINIVMM_EXIT_IO);
	EXPECT_EQ(MINIVMM_EXIT_IO_OUT, s.run->io.direction);
	EXPECT_EQ(0x5a, io_byte(&s));
	EXPECT_EXIT(&s, MINIVMM_EXIT_HLT);
	smoke_teardown(&s);
}

TEST(ten_thousand_port_io_exits)
{
	/* mov dx,0x3f8; mov cx,10000; l: out dx,al; loop l; hlt */
	static const uint8_t code[] = { 0xba, 0xf8, 0x03, 0xb9, 0x10, 0x27,
					0xee, 0xe2, 0xfd, 0xf4 };
	struct timespec t0, t1;
	struct smoke s;
	unsigned int n = 0;
	double ns;

	ASSERT_EQ(0, smoke_setup(&s, code, sizeof(code)));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		ASSERT_EQ(0, ioctl(s.vcpu, MINIVMM_RUN, 0));
		if (s.run->exit_reason != MINIVMM_EXIT_IO)
			break;
		ASSERT_EQ(0x3f8, s.run->io.port);
		n++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT_EQ(MINIVMM_EXIT_HLT, s.run->exit_reason);
	EXPECT_EQ(10000, n);
	ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
	TH_LOG("%u port-I/O exits, %.0f ns each (emulated time)", n, ns / (n ? n : 1));
	smoke_teardown(&s);
}

TEST(cpuid_in_guest_hides_vmx)
{
	/* mov eax,1; cpuid; mov eax,ecx; mov dx,0x80; out dx,eax; hlt */
	static const uint8_t code[] = { 0x66, 0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f,
					0xa2, 0x66, 0x89, 0xc8, 0xba, 0x80, 0x00,
					0x66, 0xef, 0xf4 };
	struct smoke s;
	uint32_t ecx;

	/* 17 bytes do not fit at 0xfff0: jump back from the reset vector. */
	uint8_t img[32];

	memset(img, 0xf4, sizeof(img));
	memcpy(img, code, sizeof(code));
	ASSERT_EQ(0, smoke_setup(&s, (const uint8_t *)"\xe9\x0d\xff", 3));
	/* jmp near -243: 0xfff3 + 0xff0d = 0xff00 (16-bit wrap) */
	memcpy(s.mem + 0xff00, img, sizeof(img));
	EXPECT_EXIT(&s, MINIVMM_EXIT_IO);
	EXPECT_EQ(4, s.run->io.size);
	memcpy(&ecx, (uint8_t *)s.run + s.run->io.data_offset, 4);
	EXPECT_EQ(0, ecx & (1u << 5));		/* VMX hidden */
	EXPECT_NE(0, ecx & (1u << 31));		/* hypervisor bit */
	EXPECT_EXIT(&s, MINIVMM_EXIT_HLT);
	smoke_teardown(&s);
}

TEST(outside_memory_is_an_mmio_exit)
{
	/* mov ax,0x1000; mov ds,ax; mov al,0x7e; mov [0],al; mov al,[2]; hlt */
	static const uint8_t code[] = { 0xb8, 0x00, 0x10, 0x8e, 0xd8, 0xb0, 0x7e,
					0xa2, 0x00, 0x00, 0xa0, 0x02, 0x00, 0xf4 };
	struct minivmm_regs regs;
	struct smoke s;

	/* 14 bytes fit at 0xfff0 exactly. */
	ASSERT_EQ(0, smoke_setup(&s, code, sizeof(code)));
	EXPECT_EXIT(&s, MINIVMM_EXIT_MMIO);
	EXPECT_EQ(0x10000, s.run->mmio.phys_addr);
	EXPECT_EQ(1, s.run->mmio.len);
	EXPECT_EQ(1, s.run->mmio.is_write);
	EXPECT_EQ(0x7e, s.run->mmio.data[0]);
	EXPECT_EXIT(&s, MINIVMM_EXIT_MMIO);
	EXPECT_EQ(0x10002, s.run->mmio.phys_addr);
	EXPECT_EQ(0, s.run->mmio.is_write);
	s.run->mmio.data[0] = 0x42;
	EXPECT_EXIT(&s, MINIVMM_EXIT_HLT);
	ASSERT_EQ(0, ioctl(s.vcpu, MINIVMM_GET_REGS, &regs));
	EXPECT_EQ(0x1042, regs.rax & 0xffff);	/* AH kept, AL read */
	smoke_teardown(&s);
}

TEST(mem_stats_count_faults)
{
	static const uint8_t code[] = { 0xf4 };
	struct minivmm_mem_stats st;
	struct smoke s;

	ASSERT_EQ(0, smoke_setup(&s, code, sizeof(code)));
	EXPECT_EXIT(&s, MINIVMM_EXIT_HLT);
	ASSERT_EQ(0, ioctl(s.vm, MINIVMM_GET_MEM_STATS, &st));
	EXPECT_GE(st.ept_violations, 1);
	EXPECT_EQ(1, st.pages_mapped);		/* the reset-vector page */
	EXPECT_GE(st.ept_table_pages, 4);	/* root + 3 levels */
	EXPECT_EQ(0, st.mmio_exits);
	/* Dropping the page from the VMM zaps its mapping. */
	ASSERT_EQ(0, madvise(s.mem + 0xf000, 0x1000, MADV_DONTNEED));
	ASSERT_EQ(0, ioctl(s.vm, MINIVMM_GET_MEM_STATS, &st));
	EXPECT_EQ(0, st.pages_mapped);
	EXPECT_EQ(1, st.pages_zapped);
	EXPECT_EQ(1, st.inval_clear);
	smoke_teardown(&s);
}

TEST(vm_fd_closed_first)
{
	static const uint8_t code[] = { 0xf4 };
	struct smoke s;

	ASSERT_EQ(0, smoke_setup(&s, code, sizeof(code)));
	close(s.vm);
	close(s.dev);
	/* The vCPU keeps its VM alive. */
	EXPECT_EXIT(&s, MINIVMM_EXIT_HLT);
	close(s.vcpu);
	munmap(s.mem, RESET_SLOT_SIZE);
}

TEST_HARNESS_MAIN
