// SPDX-License-Identifier: GPL-2.0
/*
 * VM file descriptors: creation (MINIVMM_CREATE_VM), the VM ioctls, and the
 * VM's life cycle. The VM fd and every vCPU hold a reference; the last one
 * frees the vCPUs, the MMU notifier, the second-level tables, and VMX's
 * hold on the CPUs, so fds may be closed in any order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "arch_ops.h"
#include "vm.h"
#include "memslot.h"
#include "vm_balloon.h"
#include "paging_stats.h"
#include "vm_registry.h"
#include "vm_sysfs.h"
#include "x86/x86.h"

atomic_long_t minivmm_table_pages = ATOMIC_LONG_INIT(0);
atomic_t minivmm_nr_vms = ATOMIC_INIT(0);

static void vm_destroy(struct minivmm_vm *vm)
{
	int i;

	/* Waits for sysfs readers of this VM; they take no lock. */
	minivmm_vm_sysfs_remove(vm);
	minivmm_registry_remove(vm);
	minivmm_balloon_destroy(vm);
	minivmm_mmu_notifier_unregister(vm);
	for (i = 0; i < MINIVMM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			minivmm_vcpu_destroy(vm->vcpus[i]);
	minivmm_arch->vm_destroy(vm);
	minivmm_x86_vm_destroy(vm);
	mmdrop(vm->mm);
	cleanup_srcu_struct(&vm->slots_srcu);
	kfree(vm);
	atomic_dec(&minivmm_nr_vms);
	minivmm_arch->hardware_put();
	module_put(THIS_MODULE);
}

/**
 * minivmm_vm_put() - drop a reference to a VM; the last one frees it
 * @vm: the VM.
 */
void minivmm_vm_put(struct minivmm_vm *vm)
{
	if (refcount_dec_and_test(&vm->users))
		vm_destroy(vm);
}

/**
 * minivmm_vm_mem_stats() - a VM's memory statistics
 * @vm: the VM.
 * @out: filled in, as MINIVMM_GET_MEM_STATS returns them.
 */
void minivmm_vm_mem_stats(struct minivmm_vm *vm, struct minivmm_mem_stats *out)
{
	struct minivmm_vm_stats *v = &vm->stats;
	struct minivmm_mem_stats st = {
		.ept_violations = atomic64_read(&v->ept_violations),
		.pages_mapped = atomic64_read(&v->pages_mapped),
		.huge_mapped = atomic64_read(&v->huge_mapped),
		.faults_major = atomic64_read(&v->faults_major),
		.faults_minor = atomic64_read(&v->faults_minor),
		.inval_unmap = atomic64_read(&v->inval[MINIVMM_INVAL_UNMAP]),
		.inval_clear = atomic64_read(&v->inval[MINIVMM_INVAL_CLEAR]),
		.inval_protect = atomic64_read(&v->inval[MINIVMM_INVAL_PROTECT]),
		.inval_migrate = atomic64_read(&v->inval[MINIVMM_INVAL_MIGRATE]),
		.inval_other = atomic64_read(&v->inval[MINIVMM_INVAL_OTHER]),
		.pages_zapped = atomic64_read(&v->pages_zapped),
		.young_cleared = atomic64_read(&v->young_cleared),
		.mmio_exits = atomic64_read(&v->mmio_exits),
		.ept_table_pages = atomic64_read(&v->ept_table_pages),
		.kernel_bytes = atomic64_read(&v->kernel_bytes) +
				atomic64_read(&v->ept_table_pages) * PAGE_SIZE,
	};

	*out = st;
}

static long vm_get_mem_stats(struct minivmm_vm *vm, void __user *argp)
{
	struct minivmm_mem_stats st;

	minivmm_vm_mem_stats(vm, &st);
	return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
}

static int vm_release(struct inode *inode, struct file *file)
{
	minivmm_vm_put(file->private_data);
	return 0;
}

/**
 * minivmm_vm_ioctl() - ioctls on a VM fd
 * @file: the VM fd.
 * @cmd: MINIVMM_CREATE_VCPU, MINIVMM_SET_MEMORY_REGION,
 *	MINIVMM_GET_MEM_STATS, a balloon ioctl (kmod/vm_balloon.c), or
 *	MINIVMM_GET_PAGING_STATS or MINIVMM_REPORT_DMA (kmod/paging_stats.c).
 * @arg: the vCPU id, or a pointer to the ioctl's structure.
 *
 * Only the process that created the VM may use it (-EIO otherwise).
 * Return: a vCPU fd, 0, or a negative errno; -ENOTTY for unknown ioctls.
 */
static long minivmm_vm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct minivmm_vm *vm = file->private_data;
	struct minivmm_memory_region region;

	if (vm->mm != current->mm)
		return -EIO;
	switch (cmd) {
	case MINIVMM_CREATE_VCPU:
		return minivmm_vcpu_create(vm, arg);
	case MINIVMM_SET_MEMORY_REGION:
		if (copy_from_user(&region, (void __user *)arg, sizeof(region)))
			return -EFAULT;
		return minivmm_set_memory_region(vm, &region);
	case MINIVMM_GET_MEM_STATS:
		return vm_get_mem_stats(vm, (void __user *)arg);
	case MINIVMM_CREATE_BALLOON:
	case MINIVMM_SET_BALLOON_TARGET:
	case MINIVMM_GET_BALLOON_STATS:
	case MINIVMM_SET_BALLOON_STATS_INTERVAL:
		return minivmm_balloon_ioctl(vm, cmd, (void __user *)arg);
	case MINIVMM_GET_PAGING_STATS:
	case MINIVMM_REPORT_DMA:
		return minivmm_paging_ioctl(vm, cmd, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations minivmm_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= vm_release,
	.unlocked_ioctl	= minivmm_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * minivmm_vm_create() - MINIVMM_CREATE_VM: a new VM and its fd
 *
 * Takes VMX on every CPU if this is the first VM. Return: the VM fd,
 * -EBUSY when another hypervisor holds VMX, -ENOMEM, or another errno.
 */
int minivmm_vm_create(void)
{
	struct minivmm_vm *vm;
	int r, fd;

	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	r = minivmm_arch->hardware_get();
	if (r)
		goto put_module;
	r = -ENOMEM;
	/* The backend's VM structure embeds the generic one. */
	vm = kzalloc(minivmm_arch->vm_size, GFP_KERNEL_ACCOUNT);
	if (!vm)
		goto put_hw;
	refcount_set(&vm->users, 1);
	mutex_init(&vm->lock);
	mutex_init(&vm->mmio_lock);
	spin_lock_init(&vm->mmu_lock);
	r = init_srcu_struct(&vm->slots_srcu);
	if (r)
		goto free_struct;
	mmgrab(current->mm);
	vm->mm = current->mm;
	r = minivmm_x86_vm_init(vm);
	if (r)
		goto free_vm;
	r = minivmm_arch->vm_init(vm);
	if (r)
		goto x86_destroy;
	atomic64_set(&vm->stats.kernel_bytes, minivmm_arch->vm_size);
	r = minivmm_mmu_notifier_register(vm);
	if (r)
		goto arch_destroy;
	atomic_inc(&minivmm_nr_vms);
	minivmm_registry_add(vm);
	/* A failure there is logged; the VM works without its directory. */
	minivmm_vm_sysfs_add(vm);
	fd = anon_inode_getfd("minivmm-vm", &minivmm_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		/* vm_destroy() undoes everything, module reference included. */
		minivmm_vm_put(vm);
		return fd;
	}
	return fd;

arch_destroy:
	minivmm_arch->vm_destroy(vm);
x86_destroy:
	minivmm_x86_vm_destroy(vm);
free_vm:
	mmdrop(vm->mm);
	cleanup_srcu_struct(&vm->slots_srcu);
free_struct:
	kfree(vm);
put_hw:
	minivmm_arch->hardware_put();
put_module:
	module_put(THIS_MODULE);
	return r;
}
