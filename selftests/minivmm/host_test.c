// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm and the rest of the host: CPU hotplug while a VM exists (VT-x:
 * the VMCS on the CPU going offline is VMCLEARed, VMX is entered again on
 * the CPU coming back; AMD-V: EFER.SVME off and on again), and taking
 * turns with Linux's own KVM, kvm_intel or kvm_amd (whoever holds the
 * CPUs' virtualization first makes the other's VM creation fail with
 * EBUSY).
 *
 * Needs 2 CPUs, CPU hotplug, and the vendor's KVM module loaded (the plans
 * load it).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>
#include "kselftest_harness.h"
#include "minivmm_util.h"

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"

GUEST_CODE static void guest_sync_loop(void)
{
	for (;;)
		GUEST_SYNC(1);
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static int set_online(int on)
{
	int fd = open(CPU1_ONLINE, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, on ? "1" : "0", 1);
	close(fd);
	return n == 1 ? 0 : -1;
}

TEST(cpu_offline_and_online_under_a_vm)
{
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	struct ucall uc;

	ASSERT_EQ(0, access(CPU1_ONLINE, W_OK)) TH_LOG("no CPU hotplug for cpu1");
	vm = vm_create();
	ASSERT_NE(NULL, vm);
	vcpu = vm_add_vcpu(vm, 0, guest_sync_loop);
	ASSERT_NE(NULL, vcpu);

	/* Run on CPU 1, so its VMCS is active there. */
	ASSERT_EQ(0, pin(1));
	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, &uc));
	ASSERT_EQ(0, pin(0));
	ASSERT_EQ(0, set_online(0)) TH_LOG("offlining cpu1: %s", strerror(errno));
	/* CPU 1 VMCLEARed it on the way down: it runs on CPU 0 from scratch. */
	EXPECT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, &uc));
	ASSERT_EQ(0, set_online(1)) TH_LOG("onlining cpu1: %s", strerror(errno));
	/* CPU 1 entered VMX again when it came back. */
	ASSERT_EQ(0, pin(1));
	EXPECT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, &uc));
	ASSERT_EQ(0, pin(0));
	EXPECT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, &uc));
	vm_free(vm);

	/* A VM created after all this works on both CPUs. */
	vm = vm_create();
	ASSERT_NE(NULL, vm);
	vcpu = vm_add_vcpu(vm, 0, guest_sync_loop);
	ASSERT_NE(NULL, vcpu);
	ASSERT_EQ(0, pin(1));
	EXPECT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, &uc));
	vm_free(vm);
}

TEST(taking_turns_with_kvm)
{
	int kvm, kvm_vm, dev, vm;

	kvm = open("/dev/kvm", O_RDWR);
	ASSERT_LE(0, kvm) TH_LOG("/dev/kvm: %s (is kvm_intel or kvm_amd loaded?)", strerror(errno));
	dev = mvm_open_dev();
	ASSERT_LE(0, dev);

	/* KVM holds VMX or SVM while it has a VM: minivmm must refuse, cleanly. */
	kvm_vm = ioctl(kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, kvm_vm) TH_LOG("KVM_CREATE_VM: %s", strerror(errno));
	vm = ioctl(dev, MINIVMM_CREATE_VM, 0);
	EXPECT_EQ(-1, vm);
	EXPECT_EQ(EBUSY, errno);
	close(kvm_vm);

	/* KVM let go: minivmm takes the CPUs, and now KVM is refused. */
	vm = ioctl(dev, MINIVMM_CREATE_VM, 0);
	ASSERT_LE(0, vm) TH_LOG("MINIVMM_CREATE_VM after KVM: %s", strerror(errno));
	kvm_vm = ioctl(kvm, KVM_CREATE_VM, 0);
	EXPECT_EQ(-1, kvm_vm);
	if (kvm_vm >= 0)
		close(kvm_vm);
	close(vm);

	/* minivmm let go again: KVM works. */
	kvm_vm = ioctl(kvm, KVM_CREATE_VM, 0);
	EXPECT_LE(0, kvm_vm) TH_LOG("KVM_CREATE_VM after minivmm: %s", strerror(errno));
	if (kvm_vm >= 0)
		close(kvm_vm);
	close(dev);
	close(kvm);
}

TEST_HARNESS_MAIN
