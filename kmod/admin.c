// SPDX-License-Identifier: GPL-2.0
/*
 * The administrator's ioctls: every VM of the host by id (list, statistics,
 * balloon target and mode, floor and ceiling) and the memory-pressure
 * monitor's policy. CAP_SYS_ADMIN only, checked before anything else.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "admin.h"
#include "monitor.h"
#include "paging_stats.h"
#include "vm_balloon.h"
#include "vm_registry.h"

/**
 * minivmm_vm_info() - a VM as MINIVMM_ADMIN_LIST_VMS reports it
 * @vm: the VM; the caller holds a reference.
 * @info: filled in.
 */
void minivmm_vm_info(struct minivmm_vm *vm, struct minivmm_vm_info *info)
{
	struct minivmm_balloon_status st;
	u64 ram = minivmm_vm_ram_pages(vm);

	memset(info, 0, sizeof(*info));
	info->vm_id = vm->admin.id;
	info->owner_pid = vm->admin.owner_pid;
	memcpy(info->owner_comm, vm->admin.owner_comm,
	       min(sizeof(info->owner_comm), sizeof(vm->admin.owner_comm)));
	info->owner_comm[sizeof(info->owner_comm) - 1] = 0;
	info->mem_bytes = ram << PAGE_SHIFT;
	info->nr_vcpus = READ_ONCE(vm->nr_vcpus);
	info->balloon_mode = READ_ONCE(vm->admin.mode);
	info->floor_pages = minivmm_vm_floor_pages(vm, ram);
	info->ceiling_pages = minivmm_vm_ceiling_pages(vm, ram);
	info->created_ns = vm->admin.created_ns;
	if (READ_ONCE(vm->admin.unresponsive))
		info->flags |= MINIVMM_VM_UNRESPONSIVE;
	if (!minivmm_vm_balloon_status(vm, &st)) {
		info->flags |= MINIVMM_VM_HAS_BALLOON;
		info->target_pages = st.target_pages;
		info->actual_pages = st.actual_pages;
	}
}

/* Copy out up to @cap infos; returns the number of VMs alive in *@nr. */
static int list_vms(struct minivmm_vm_info __user *uinfo, u32 cap, u32 *nr)
{
	struct minivmm_vm_info info;
	struct minivmm_vm **vms;
	int n, i, r = 0;

	n = minivmm_registry_snapshot(&vms);
	if (n < 0)
		return n;
	*nr = n;
	for (i = 0; i < n && i < cap; i++) {
		minivmm_vm_info(vms[i], &info);
		if (copy_to_user(&uinfo[i], &info, sizeof(info))) {
			r = -EFAULT;
			break;
		}
	}
	minivmm_registry_snapshot_put(vms, n);
	return r;
}

static long admin_list(void __user *argp)
{
	struct minivmm_vm_list l;
	u32 nr;
	int r;

	if (copy_from_user(&l, argp, sizeof(l)))
		return -EFAULT;
	if (l.flags || l.pad || memchr_inv(l.reserved, 0, sizeof(l.reserved)))
		return -EINVAL;
	r = list_vms(u64_to_user_ptr(l.vms), l.capacity, &nr);
	if (r)
		return r;
	l.nr_vms = nr;
	return copy_to_user(argp, &l, sizeof(l)) ? -EFAULT : 0;
}

static long admin_vm_stats(void __user *argp)
{
	struct minivmm_admin_vm_stats *st;
	struct minivmm_vm *vm;
	long r;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	r = -EFAULT;
	if (copy_from_user(st, argp, sizeof(*st)))
		goto out;
	r = -EINVAL;
	if (st->flags || memchr_inv(st->reserved, 0, sizeof(st->reserved)))
		goto out;
	r = -ENOENT;
	vm = minivmm_vm_get_by_id(st->vm_id);
	if (!vm)
		goto out;
	minivmm_vm_info(vm, &st->info);
	minivmm_vm_mem_stats(vm, &st->mem);
	if (minivmm_vm_balloon_status(vm, &st->balloon))
		memset(&st->balloon, 0, sizeof(st->balloon));
	minivmm_paging_stats(vm, &st->paging);
	minivmm_vm_put(vm);
	r = copy_to_user(argp, st, sizeof(*st)) ? -EFAULT : 0;
out:
	kfree(st);
	return r;
}

#define BALLOON_SET_ALL	(MINIVMM_BALLOON_SET_TARGET | MINIVMM_BALLOON_SET_MODE | \
			 MINIVMM_BALLOON_SET_FLOOR | MINIVMM_BALLOON_SET_CEILING)

static long admin_set_balloon(void __user *argp)
{
	struct minivmm_balloon_status bst;
	struct minivmm_vm_balloon_ctl c;
	struct minivmm_vm *vm;
	u64 ram;
	long r;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	if (!c.flags || (c.flags & ~BALLOON_SET_ALL) ||
	    memchr_inv(c.reserved, 0, sizeof(c.reserved)))
		return -EINVAL;
	if ((c.flags & MINIVMM_BALLOON_SET_MODE) &&
	    c.mode != MINIVMM_BALLOON_MANUAL && c.mode != MINIVMM_BALLOON_AUTO)
		return -EINVAL;
	if ((c.flags & MINIVMM_BALLOON_SET_TARGET) &&
	    (c.flags & MINIVMM_BALLOON_SET_MODE) &&
	    c.mode == MINIVMM_BALLOON_AUTO)
		return -EINVAL;
	vm = minivmm_vm_get_by_id(c.vm_id);
	if (!vm)
		return -ENOENT;
	r = -ENODEV;
	if (minivmm_vm_balloon_status(vm, &bst))
		goto put;
	ram = minivmm_vm_ram_pages(vm);
	r = -ERANGE;
	if (((c.flags & MINIVMM_BALLOON_SET_TARGET) && c.target_pages > ram) ||
	    ((c.flags & MINIVMM_BALLOON_SET_FLOOR) && c.floor_pages > ram) ||
	    ((c.flags & MINIVMM_BALLOON_SET_CEILING) && c.ceiling_pages > ram))
		goto put;
	/* The VM's own lock: a slow VM stalls no other VM's admin or life. */
	mutex_lock(&vm->admin.lock);
	if (c.flags & MINIVMM_BALLOON_SET_FLOOR) {
		WRITE_ONCE(vm->admin.floor_pages, c.floor_pages);
		WRITE_ONCE(vm->admin.floor_set, true);
	}
	if (c.flags & MINIVMM_BALLOON_SET_CEILING) {
		WRITE_ONCE(vm->admin.ceiling_pages, c.ceiling_pages);
		WRITE_ONCE(vm->admin.ceiling_set, true);
	}
	if (c.flags & MINIVMM_BALLOON_SET_MODE)
		WRITE_ONCE(vm->admin.mode, c.mode);
	if (c.flags & MINIVMM_BALLOON_SET_TARGET) {
		WRITE_ONCE(vm->admin.mode, MINIVMM_BALLOON_MANUAL);
		r = minivmm_vm_balloon_set_target(vm, c.target_pages);
	} else {
		r = 0;
	}
	mutex_unlock(&vm->admin.lock);
	/* An auto VM gets its first target at once. */
	if (!r && (c.flags & MINIVMM_BALLOON_SET_MODE))
		minivmm_monitor_kick();
put:
	minivmm_vm_put(vm);
	return r;
}

static long admin_get_policy(void __user *argp)
{
	struct minivmm_policy p;

	minivmm_monitor_get_policy(&p);
	return copy_to_user(argp, &p, sizeof(p)) ? -EFAULT : 0;
}

static long admin_set_policy(void __user *argp)
{
	struct minivmm_policy p;

	if (copy_from_user(&p, argp, sizeof(p)))
		return -EFAULT;
	return minivmm_monitor_set_policy(&p);
}

static long admin_get_monitor(void __user *argp)
{
	struct minivmm_monitor_status st;

	minivmm_monitor_status(&st);
	return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
}

/**
 * minivmm_admin_ioctl() - the MINIVMM_ADMIN_* ioctls of /dev/minivmm
 * @cmd: the ioctl.
 * @argp: its structure.
 *
 * LIST_VMS lists every VM of the host; GET_VM_STATS returns one VM's
 * information and statistics; SET_VM_BALLOON sets its balloon target
 * (which makes it manual), mode, floor or ceiling; GET_POLICY and
 * SET_POLICY read and replace the monitor's policy; GET_MONITOR returns
 * the monitor's state.
 *
 * Return: 0; -EPERM without CAP_SYS_ADMIN; -EFAULT; -EINVAL for bad
 * flags, reserved fields, modes or policies; -ENOENT for no such VM;
 * -ENODEV for a VM without balloon (SET_VM_BALLOON); -ERANGE for a target,
 * floor or ceiling above the VM's RAM; -ENOMEM; -ENOTTY for another @cmd.
 */
long minivmm_admin_ioctl(unsigned int cmd, void __user *argp)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case MINIVMM_ADMIN_LIST_VMS:
		return admin_list(argp);
	case MINIVMM_ADMIN_GET_VM_STATS:
		return admin_vm_stats(argp);
	case MINIVMM_ADMIN_SET_VM_BALLOON:
		return admin_set_balloon(argp);
	case MINIVMM_ADMIN_GET_POLICY:
		return admin_get_policy(argp);
	case MINIVMM_ADMIN_SET_POLICY:
		return admin_set_policy(argp);
	case MINIVMM_ADMIN_GET_MONITOR:
		return admin_get_monitor(argp);
	default:
		return -ENOTTY;
	}
}
