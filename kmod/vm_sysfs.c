// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/class/misc/minivmm/vm/ID/: one directory per VM, one read-only
 * value per file, for scripts (the same figures as the admin ioctls).
 * Removing a directory waits for its readers, and happens before the VM
 * is torn down, so a reader always sees a whole VM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include "admin.h"
#include "paging_stats.h"
#include "vm_balloon.h"
#include "vm_registry.h"
#include "vm_sysfs.h"

/* The "vm" directory, or NULL. */
static struct kobject *vm_dir;

struct vm_kobj {
	struct kobject kobj;
	struct minivmm_vm *vm;
};

static struct minivmm_vm *kobj_vm(struct kobject *kobj)
{
	return container_of(kobj, struct vm_kobj, kobj)->vm;
}

static ssize_t owner_pid_show(struct kobject *kobj, struct kobj_attribute *a,
			      char *buf)
{
	return sysfs_emit(buf, "%d\n", kobj_vm(kobj)->admin.owner_pid);
}

static ssize_t owner_comm_show(struct kobject *kobj, struct kobj_attribute *a,
			       char *buf)
{
	return sysfs_emit(buf, "%s\n", kobj_vm(kobj)->admin.owner_comm);
}

static ssize_t balloon_mode_show(struct kobject *kobj,
				 struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  READ_ONCE(kobj_vm(kobj)->admin.mode) ==
			  MINIVMM_BALLOON_AUTO ? "auto" : "manual");
}

/* Figures of struct minivmm_vm_info. */
#define INFO_ATTR(name, expr)						\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *a, char *buf)		\
{									\
	struct minivmm_vm_info info;					\
									\
	minivmm_vm_info(kobj_vm(kobj), &info);				\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)(expr));	\
}

/* Figures of struct minivmm_paging_stats. */
#define PAGING_ATTR(name, field)					\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *a, char *buf)		\
{									\
	struct minivmm_paging_stats ps;					\
									\
	minivmm_paging_stats(kobj_vm(kobj), &ps);			\
	return sysfs_emit(buf, "%llu\n", ps.field);			\
}

INFO_ATTR(mem_bytes, info.mem_bytes)
INFO_ATTR(nr_vcpus, info.nr_vcpus)
INFO_ATTR(balloon_target_pages, info.target_pages)
INFO_ATTR(balloon_actual_pages, info.actual_pages)
INFO_ATTR(floor_pages, info.floor_pages)
INFO_ATTR(ceiling_pages, info.ceiling_pages)
PAGING_ATTR(host_swapin_faults, host_swapin_faults)
PAGING_ATTR(double_paging_pages, double_paging_pages)
PAGING_ATTR(stale_swap_read_pages, stale_swap_read_pages)
PAGING_ATTR(ballooned_swapped_pages, ballooned_swapped_pages)
PAGING_ATTR(swapins_saved, swapins_saved)
PAGING_ATTR(host_swapped_pages, host_swapped_pages)

static struct kobj_attribute vm_attrs[] = {
	__ATTR_RO_MODE(owner_pid, 0400),
	__ATTR_RO_MODE(owner_comm, 0400),
	__ATTR_RO_MODE(mem_bytes, 0400),
	__ATTR_RO_MODE(nr_vcpus, 0400),
	__ATTR_RO_MODE(balloon_mode, 0400),
	__ATTR_RO_MODE(balloon_target_pages, 0400),
	__ATTR_RO_MODE(balloon_actual_pages, 0400),
	__ATTR_RO_MODE(floor_pages, 0400),
	__ATTR_RO_MODE(ceiling_pages, 0400),
	__ATTR_RO_MODE(host_swapin_faults, 0400),
	__ATTR_RO_MODE(double_paging_pages, 0400),
	__ATTR_RO_MODE(stale_swap_read_pages, 0400),
	__ATTR_RO_MODE(ballooned_swapped_pages, 0400),
	__ATTR_RO_MODE(swapins_saved, 0400),
	__ATTR_RO_MODE(host_swapped_pages, 0400),
};

static struct attribute *vm_attr_ptrs[ARRAY_SIZE(vm_attrs) + 1];
static const struct attribute_group vm_group = { .attrs = vm_attr_ptrs };
static const struct attribute_group *vm_groups[] = { &vm_group, NULL };

static void vm_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct vm_kobj, kobj));
}

static const struct kobj_type vm_ktype = {
	.release = vm_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = vm_groups,
};

/**
 * minivmm_vm_sysfs_add() - create /sys/class/misc/minivmm/vm/ID
 * @vm: the VM, with its id.
 *
 * A failure is logged; the VM works without its directory.
 */
void minivmm_vm_sysfs_add(struct minivmm_vm *vm)
{
	struct vm_kobj *vk;

	if (!vm_dir)
		return;
	vk = kzalloc(sizeof(*vk), GFP_KERNEL);
	if (!vk)
		return;
	vk->vm = vm;
	if (kobject_init_and_add(&vk->kobj, &vm_ktype, vm_dir, "%u",
				 vm->admin.id)) {
		pr_warn_ratelimited("no sysfs directory for vm %u\n",
				    vm->admin.id);
		kobject_put(&vk->kobj);
		return;
	}
	vm->admin.kobj = &vk->kobj;
}

/**
 * minivmm_vm_sysfs_remove() - remove a VM's directory, waiting for readers
 * @vm: the VM.
 */
void minivmm_vm_sysfs_remove(struct minivmm_vm *vm)
{
	if (!vm->admin.kobj)
		return;
	kobject_del(vm->admin.kobj);
	kobject_put(vm->admin.kobj);
	vm->admin.kobj = NULL;
}

/**
 * minivmm_vm_sysfs_init() - create /sys/class/misc/minivmm/vm
 * @dev: the misc device.
 *
 * Return: 0 or -ENOMEM.
 */
int minivmm_vm_sysfs_init(struct device *dev)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vm_attrs); i++)
		vm_attr_ptrs[i] = &vm_attrs[i].attr;
	vm_dir = kobject_create_and_add("vm", &dev->kobj);
	return vm_dir ? 0 : -ENOMEM;
}

/**
 * minivmm_vm_sysfs_exit() - remove /sys/class/misc/minivmm/vm
 *
 * No VM exists any more (open fds hold the module).
 */
void minivmm_vm_sysfs_exit(void)
{
	kobject_put(vm_dir);
	vm_dir = NULL;
}
