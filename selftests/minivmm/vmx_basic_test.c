// SPDX-License-Identifier: GPL-2.0
/*
 * The basics of /dev/minivmm VMs on VT-x: creating VMs and vCPUs, the
 * argument checks of CREATE_VM, CREATE_VCPU and SET_MEMORY_REGION, and the
 * exits a 64-bit guest causes: port I/O both ways, HLT, VMCALL (arguments
 * out, return value in), and 10,000 port-I/O exits in a row (timed).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "minivmm_util.h"

/* ---------------------------------------------------------------------- */
/* File descriptors and argument checks                                    */
/* ---------------------------------------------------------------------- */

TEST(create_vm_vcpu_and_map_run)
{
	struct minivmm_run *run;
	int dev, vm, vcpu;
	long size;

	dev = mvm_open_dev();
	ASSERT_LE(0, dev) TH_LOG("open /dev/minivmm: %s", strerror(errno));
	vm = ioctl(dev, MINIVMM_CREATE_VM, 0);
	EXPECT_LE(0, vm) TH_LOG("CREATE_VM: %s", strerror(errno));
	ASSERT_LE(0, vm);
	size = ioctl(dev, MINIVMM_GET_VCPU_MMAP_SIZE, 0);
	ASSERT_LE((long)sizeof(struct minivmm_run), size);
	vcpu = ioctl(vm, MINIVMM_CREATE_VCPU, 0);
	EXPECT_LE(0, vcpu) TH_LOG("CREATE_VCPU: %s", strerror(errno));
	ASSERT_LE(0, vcpu);
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ASSERT_NE(MAP_FAILED, run) TH_LOG("mmap vCPU: %s", strerror(errno));
	/* Nothing ran yet: no exit. */
	EXPECT_EQ(MINIVMM_EXIT_UNKNOWN, run->exit_reason);
	EXPECT_EQ(0, run->immediate_exit);
	EXPECT_EQ(0, munmap(run, size));
	EXPECT_EQ(0, close(vcpu));
	EXPECT_EQ(0, close(vm));
	EXPECT_EQ(0, close(dev));
}

TEST(create_vm_arg_must_be_zero)
{
	int dev = mvm_open_dev();

	ASSERT_LE(0, dev);
	EXPECT_EQ(-1, ioctl(dev, MINIVMM_CREATE_VM, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(dev, MINIVMM_CREATE_VM, ~0UL));
	EXPECT_EQ(EINVAL, errno);
	close(dev);
}

TEST(create_vcpu_ids)
{
	struct mvm_vm *vm = vm_create_empty();
	int fds[MINIVMM_MAX_VCPUS];
	unsigned long id;

	ASSERT_NE(NULL, vm);
	EXPECT_EQ(-1, ioctl(vm->fd, MINIVMM_CREATE_VCPU, (unsigned long)MINIVMM_MAX_VCPUS));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, MINIVMM_CREATE_VCPU, ~0UL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, MINIVMM_CREATE_VCPU, 1UL << 32));
	EXPECT_EQ(EINVAL, errno);

	for (id = 0; id < MINIVMM_MAX_VCPUS; id++) {
		fds[id] = ioctl(vm->fd, MINIVMM_CREATE_VCPU, id);
		EXPECT_LE(0, fds[id]) TH_LOG("vCPU %lu: %s", id, strerror(errno));
	}
	EXPECT_EQ(-1, ioctl(vm->fd, MINIVMM_CREATE_VCPU, 0UL));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, MINIVMM_CREATE_VCPU, 7UL));
	EXPECT_EQ(EEXIST, errno);
	for (id = 0; id < MINIVMM_MAX_VCPUS; id++)
		if (fds[id] >= 0)
			close(fds[id]);
	vm_free(vm);
}

static int set_region(int vm_fd, struct minivmm_memory_region *r)
{
	return ioctl(vm_fd, MINIVMM_SET_MEMORY_REGION, r) ? errno : 0;
}

TEST(memory_region_checks)
{
	const uint64_t size = 0x10000;
	struct minivmm_memory_region r, good;
	struct mvm_vm *vm = vm_create_empty();
	uint8_t *mem;
	int i;

	ASSERT_NE(NULL, vm);
	mem = mmap(NULL, 4 * size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	memset(&good, 0, sizeof(good));
	good.slot = 0;
	good.guest_phys_addr = 0x100000;
	good.memory_size = size;
	good.userspace_addr = (uintptr_t)mem;
	r = good;
	ASSERT_EQ(0, set_region(vm->fd, &r));

	/* Alignment of each address and of the size. */
	r = good;
	r.slot = 1;
	r.guest_phys_addr = 0x200800;
	EXPECT_EQ(EINVAL, set_region(vm->fd, &r));
	r = good;
	r.slot = 1;
	r.guest_phys_addr = 0x200000;
	r.memory_size = size + 0x800;
	EXPECT_EQ(EINVAL, set_region(vm->fd, &r));
	r = good;
	r.slot = 1;
	r.guest_phys_addr = 0x200000;
	r.userspace_addr = (uintptr_t)mem + size + 0x800;
	EXPECT_EQ(EINVAL, set_region(vm->fd, &r));

	/* Slot numbers. */
	r = good;
	r.slot = MINIVMM_MAX_MEMSLOTS;
	r.guest_phys_addr = 0x200000;
	EXPECT_EQ(EINVAL, set_region(vm->fd, &r));
	r.slot = ~0U;
	EXPECT_EQ(EINVAL, set_region(vm->fd, &r));

	/* Overlaps with slot 0 at [0x100000, 0x110000). */
	r = good;
	r.slot = 1;
	r.guest_phys_addr = 0x108000;
	r.userspace_addr = (uintptr_t)mem + size;
	EXPECT_EQ(EEXIST, set_region(vm->fd, &r));
	r.guest_phys_addr = 0x0f8000;
	EXPECT_EQ(EEXIST, set_region(vm->fd, &r));
	r.guest_phys_addr = 0x0f0000;
	r.memory_size = 4 * size;
	EXPECT_EQ(EEXIST, set_region(vm->fd, &r));
	/* Adjacent is fine, and so is deleting it again. */
	r.guest_phys_addr = 0x110000;
	r.memory_size = size;
	EXPECT_EQ(0, set_region(vm->fd, &r));
	r.memory_size = 0;
	EXPECT_EQ(0, set_region(vm->fd, &r));

	/* Flags: only MINIVMM_MEM_READONLY is known. */
	r = good;
	r.slot = 2;
	r.guest_phys_addr = 0x300000;
	r.userspace_addr = (uintptr_t)mem + 2 * size;
	r.flags = 1U << 1;
	EXPECT_EQ(EINVAL, set_region(vm->fd, &r));
	r.flags = 1U << 31;
	EXPECT_EQ(EINVAL, set_region(vm->fd, &r));

	/* Reserved words, each one alone. */
	for (i = 0; i < 4; i++) {
		r.flags = 0;
		memset(r.reserved, 0, sizeof(r.reserved));
		r.reserved[i] = 1;
		EXPECT_EQ(EINVAL, set_region(vm->fd, &r)) TH_LOG("reserved[%d]", i);
	}
	memset(r.reserved, 0, sizeof(r.reserved));
	r.flags = MINIVMM_MEM_READONLY;
	EXPECT_EQ(0, set_region(vm->fd, &r));

	munmap(mem, 4 * size);
	vm_free(vm);
}

/* ---------------------------------------------------------------------- */
/* Guest exits                                                              */
/* ---------------------------------------------------------------------- */

GUEST_CODE static void guest_returns(void)
{
}

TEST(guest_return_is_done)
{
	struct mvm_vm *vm = vm_create();
	struct mvm_vcpu *vcpu;

	ASSERT_NE(NULL, vm);
	vcpu = vm_add_vcpu(vm, 0, guest_returns);
	ASSERT_NE(NULL, vcpu);
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

static volatile uint64_t guest_one = 1;

GUEST_CODE static void guest_fails_assert(void)
{
	GUEST_ASSERT_EQ(guest_one, 2);
	GUEST_DONE();
}

/* The library reports a failed GUEST_ASSERT with its place and values. */
TEST(guest_assert_reaches_host)
{
	struct mvm_vm *vm = vm_create();
	struct mvm_vcpu *vcpu;
	struct ucall uc;

	ASSERT_NE(NULL, vm);
	vcpu = vm_add_vcpu(vm, 0, guest_fails_assert);
	ASSERT_NE(NULL, vcpu);
	ASSERT_UCALL(vcpu, UCALL_ABORT, &uc);
	EXPECT_EQ(2, uc.nargs);
	EXPECT_EQ(1, uc.args[0]);
	EXPECT_EQ(2, uc.args[1]);
	EXPECT_NE(NULL, strstr(uc.file, "vmx_basic_test.c"));
	EXPECT_NE(NULL, strstr(uc.expr, "guest_one"));
	EXPECT_LT(0, uc.line);
	vm_free(vm);
}

GUEST_CODE static void guest_out(void)
{
	guest_outb(0x3f9, 0xab);
	guest_outw(0x1234, 0xbeef);
	guest_outl(0xcf8, 0x80001234);
	GUEST_DONE();
}

TEST(port_out_exits)
{
	static const struct {
		uint16_t port;
		uint8_t size;
		uint32_t data;
	} want[] = {
		{ 0x3f9, 1, 0xab },
		{ 0x1234, 2, 0xbeef },
		{ 0xcf8, 4, 0x80001234 },
	};
	struct mvm_vm *vm = vm_create();
	struct mvm_vcpu *vcpu;
	unsigned int i;

	ASSERT_NE(NULL, vm);
	vcpu = vm_add_vcpu(vm, 0, guest_out);
	ASSERT_NE(NULL, vcpu);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		uint32_t data = 0;

		ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_IO);
		EXPECT_EQ(MINIVMM_EXIT_IO_OUT, vcpu->run->io.direction);
		EXPECT_EQ(want[i].size, vcpu->run->io.size);
		EXPECT_EQ(want[i].port, vcpu->run->io.port);
		EXPECT_EQ(1, vcpu->run->io.count);
		ASSERT_GE(vcpu->run_size, vcpu->run->io.data_offset + 4);
		memcpy(&data, vcpu_io_data(vcpu), want[i].size);
		EXPECT_EQ(want[i].data, data);
	}
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

GUEST_CODE static void guest_in(void)
{
	uint64_t rax;
	uint32_t l;
	uint16_t w;
	uint8_t b;

	/* IN AL and IN AX keep the rest of RAX; IN EAX zero-extends. */
	rax = 0x1122334455667788ULL;
	asm volatile("inb %w1, %b0" : "+a"(rax) : "Nd"((uint16_t)0x71));
	GUEST_ASSERT_EQ(rax, 0x11223344556677a5ULL);
	rax = 0x1122334455667788ULL;
	asm volatile("inw %w1, %w0" : "+a"(rax) : "Nd"((uint16_t)0x1f0));
	GUEST_ASSERT_EQ(rax, 0x112233445566c0deULL);
	rax = 0x1122334455667788ULL;
	asm volatile("inl %w1, %k0" : "+a"(rax) : "Nd"((uint16_t)0xcfc));
	GUEST_ASSERT_EQ(rax, 0xdeadbeefULL);

	/* The macros, one after the other (argument order is unspecified). */
	b = guest_inb(0x60);
	w = guest_inw(0x60);
	l = guest_inl(0x60);
	GUEST_SYNC(b, w, l);
}

TEST(port_in_data_reaches_guest)
{
	static const struct {
		uint16_t port;
		uint8_t size;
	} want[] = {
		{ 0x71, 1 }, { 0x1f0, 2 }, { 0xcfc, 4 },
	};
	/* The host fills all 4 bytes; only the first io.size may count. */
	static const uint32_t data[] = { 0x5a5a5aa5, 0x5a5ac0de, 0xdeadbeef };
	struct mvm_vm *vm = vm_create();
	struct mvm_vcpu *vcpu;
	struct ucall uc;
	unsigned int i;

	ASSERT_NE(NULL, vm);
	vcpu = vm_add_vcpu(vm, 0, guest_in);
	ASSERT_NE(NULL, vcpu);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_IO);
		EXPECT_EQ(MINIVMM_EXIT_IO_IN, vcpu->run->io.direction);
		EXPECT_EQ(want[i].size, vcpu->run->io.size);
		EXPECT_EQ(want[i].port, vcpu->run->io.port);
		EXPECT_EQ(1, vcpu->run->io.count);
		ASSERT_GE(vcpu->run_size, vcpu->run->io.data_offset + 4);
		memcpy(vcpu_io_data(vcpu), &data[i], 4);
	}
	/* Three more INs from port 0x60, each answered with its size. */
	for (i = 1; i <= 4; i *= 2) {
		uint32_t v = 0x10 * i + i;

		ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_IO);
		EXPECT_EQ(MINIVMM_EXIT_IO_IN, vcpu->run->io.direction);
		EXPECT_EQ(0x60, vcpu->run->io.port);
		EXPECT_EQ(i, vcpu->run->io.size);
		memcpy(vcpu_io_data(vcpu), &v, 4);
	}
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0x11, uc.args[0]);
	EXPECT_EQ(0x22, uc.args[1]);
	EXPECT_EQ(0x44, uc.args[2]);
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

extern char guest_after_hlt[];

GUEST_CODE static void guest_halts(void)
{
	GUEST_SYNC(1);
	asm volatile("hlt\n"
		     ".globl guest_after_hlt\n"
		     "guest_after_hlt:\n" : : : "memory");
	GUEST_SYNC(2);
}

TEST(hlt_exit)
{
	struct mvm_vm *vm = vm_create();
	struct minivmm_regs regs;
	struct mvm_vcpu *vcpu;
	struct ucall uc;

	ASSERT_NE(NULL, vm);
	vcpu = vm_add_vcpu(vm, 0, guest_halts);
	ASSERT_NE(NULL, vcpu);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[0]);
	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_HLT);
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &regs));
	EXPECT_EQ((uintptr_t)guest_after_hlt, regs.rip);
	/* RUN again: the guest goes on after the HLT. */
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(2, uc.args[0]);
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

GUEST_CODE static uint64_t guest_do_vmcall(uint64_t nr, uint64_t base)
{
	uint64_t rax = nr, rbx = base + 1, rcx = base + 2, rdx = base + 3;
	uint64_t rsi = base + 4, rdi = base + 5;
	register uint64_t r8 asm("r8") = base + 6;

	asm volatile("vmcall"
		     : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx), "+S"(rsi),
		       "+D"(rdi), "+r"(r8)
		     : : "memory");
	/* Only RAX changes. */
	GUEST_ASSERT_EQ(rbx, base + 1);
	GUEST_ASSERT_EQ(rcx, base + 2);
	GUEST_ASSERT_EQ(rdx, base + 3);
	GUEST_ASSERT_EQ(rsi, base + 4);
	GUEST_ASSERT_EQ(rdi, base + 5);
	GUEST_ASSERT_EQ(r8, base + 6);
	return rax;
}

GUEST_CODE static void guest_vmcalls(void)
{
	GUEST_ASSERT_EQ(guest_do_vmcall(0x1234, 0xa0), 0xfeedf00dULL);
	GUEST_ASSERT_EQ(guest_do_vmcall(0xffffffff00000001ULL, 0xffff000000000000ULL),
			0ULL);
	GUEST_DONE();
}

TEST(vmcall_exit)
{
	struct mvm_vm *vm = vm_create();
	struct mvm_vcpu *vcpu;
	unsigned int i;

	ASSERT_NE(NULL, vm);
	vcpu = vm_add_vcpu(vm, 0, guest_vmcalls);
	ASSERT_NE(NULL, vcpu);

	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_HYPERCALL);
	EXPECT_EQ(0x1234, vcpu->run->hypercall.nr);
	for (i = 0; i < 6; i++)
		EXPECT_EQ(0xa0 + i + 1, vcpu->run->hypercall.args[i])
			TH_LOG("args[%u]", i);
	vcpu->run->hypercall.ret = 0xfeedf00d;

	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_HYPERCALL);
	EXPECT_EQ(0xffffffff00000001ULL, vcpu->run->hypercall.nr);
	for (i = 0; i < 6; i++)
		EXPECT_EQ(0xffff000000000000ULL + i + 1, vcpu->run->hypercall.args[i])
			TH_LOG("args[%u]", i);
	vcpu->run->hypercall.ret = 0;

	ASSERT_DONE(vcpu);
	vm_free(vm);
}

#define PIO_LOOPS	10000
#define PIO_PORT	0x80

GUEST_CODE static void guest_pio_loop(void)
{
	unsigned int i;

	for (i = 0; i < PIO_LOOPS; i++)
		guest_outb(PIO_PORT, i);
	GUEST_DONE();
}

FIXTURE(slow) {
	int unused;
};
FIXTURE_SETUP(slow)
{
}
FIXTURE_TEARDOWN(slow)
{
}

TEST_F_TIMEOUT(slow, ten_thousand_port_io_exits, 300)
{
	struct mvm_vm *vm = vm_create();
	struct mvm_vcpu *vcpu;
	unsigned int n = 0, bad = 0;
	uint64_t t0, t1;

	ASSERT_NE(NULL, vm);
	vcpu = vm_add_vcpu(vm, 0, guest_pio_loop);
	ASSERT_NE(NULL, vcpu);
	t0 = mvm_now_ns();
	for (;;) {
		struct minivmm_run *run = vcpu->run;

		if (vcpu_run(vcpu) || run->exit_reason != MINIVMM_EXIT_IO ||
		    run->io.port != PIO_PORT)
			break;
		if (run->io.direction != MINIVMM_EXIT_IO_OUT || run->io.size != 1 ||
		    *(uint8_t *)vcpu_io_data(vcpu) != (uint8_t)n)
			bad++;
		n++;
	}
	t1 = mvm_now_ns();
	if (get_ucall(vcpu, NULL) != UCALL_DONE) {
		char d[512];

		vcpu_describe(vcpu, d, sizeof(d));
		TH_LOG("after %u exits: %s", n, d);
	}
	ASSERT_EQ(UCALL_DONE, get_ucall(vcpu, NULL));
	EXPECT_EQ(PIO_LOOPS, n);
	EXPECT_EQ(0, bad);
	TH_LOG("%u port-I/O exits in %.3f ms: %.0f ns per exit (CLOCK_MONOTONIC)",
	       n, (t1 - t0) / 1e6, n ? (double)(t1 - t0) / n : 0.0);
	vm_free(vm);
}

TEST_HARNESS_MAIN
