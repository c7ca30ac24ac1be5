// SPDX-License-Identifier: GPL-2.0
/*
 * Every VM of the host is in one list, by id, from creation until its last
 * reference goes: the administrator's ioctls and the memory-pressure
 * monitor find VMs there. A VM in the list may already be at refcount 0;
 * lookups take a reference with refcount_inc_not_zero() and skip it, and
 * the caller drops its reference only after releasing minivmm_vms_lock
 * (the last put removes the VM from the list).
 */
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include "vm_balloon.h"
#include "vm_registry.h"
#include "vm_sysfs.h"

DEFINE_MUTEX(minivmm_vms_lock);
LIST_HEAD(minivmm_vms);
/* Last id given; ids are not reused while the module is loaded. */
static u32 last_vm_id;

/**
 * minivmm_registry_add() - give a new VM its id and list it
 * @vm: the VM, created by the current process.
 *
 * Also creates /sys/class/misc/minivmm/vm/ID (a failure there is logged
 * and otherwise ignored).
 */
void minivmm_registry_add(struct minivmm_vm *vm)
{
	struct minivmm_vm_admin *a = &vm->admin;

	a->owner_pid = task_tgid_nr(current);
	get_task_comm(a->owner_comm, current);
	a->created_ns = ktime_get_ns();
	a->mode = MINIVMM_BALLOON_MANUAL;
	mutex_lock(&minivmm_vms_lock);
	a->id = ++last_vm_id;
	list_add_tail(&a->node, &minivmm_vms);
	mutex_unlock(&minivmm_vms_lock);
	minivmm_vm_sysfs_add(vm);
}

/**
 * minivmm_registry_remove() - take a VM off the list
 * @vm: the VM, at refcount 0.
 */
void minivmm_registry_remove(struct minivmm_vm *vm)
{
	/* Waits for sysfs readers of this VM; they take no lock. */
	minivmm_vm_sysfs_remove(vm);
	mutex_lock(&minivmm_vms_lock);
	list_del(&vm->admin.node);
	mutex_unlock(&minivmm_vms_lock);
}

/**
 * minivmm_vm_get_by_id() - find a VM and take a reference
 * @id: its id.
 *
 * Return: the VM (drop it with minivmm_vm_put(), not under
 * minivmm_vms_lock), or NULL.
 */
struct minivmm_vm *minivmm_vm_get_by_id(u32 id)
{
	struct minivmm_vm_admin *a;
	struct minivmm_vm *found = NULL;

	mutex_lock(&minivmm_vms_lock);
	list_for_each_entry(a, &minivmm_vms, node) {
		struct minivmm_vm *vm = container_of(a, struct minivmm_vm, admin);

		if (a->id == id) {
			if (refcount_inc_not_zero(&vm->users))
				found = vm;
			break;
		}
	}
	mutex_unlock(&minivmm_vms_lock);
	return found;
}

/**
 * minivmm_vm_ram_pages() - guest RAM of a VM
 * @vm: the VM.
 *
 * Return: 4 KiB pages in its writable memory slots.
 */
u64 minivmm_vm_ram_pages(struct minivmm_vm *vm)
{
	u64 bytes = 0;
	int i;

	mutex_lock(&vm->lock);
	for (i = 0; i < MINIVMM_MAX_MEMSLOTS; i++)
		if (!(vm->slots[i].flags & MINIVMM_MEM_READONLY))
			bytes += vm->slots[i].size;
	mutex_unlock(&vm->lock);
	return bytes >> PAGE_SHIFT;
}

/**
 * minivmm_vm_floor_pages() - RAM the monitor leaves a VM
 * @vm: the VM (its ->admin read without the lock: one value).
 * @ram_pages: its RAM.
 *
 * Return: the floor set by the administrator, else a quarter of the RAM.
 */
u64 minivmm_vm_floor_pages(struct minivmm_vm *vm, u64 ram_pages)
{
	return READ_ONCE(vm->admin.floor_set) ?
	       READ_ONCE(vm->admin.floor_pages) : ram_pages / 4;
}

/**
 * minivmm_vm_ceiling_pages() - the monitor's largest balloon for a VM
 * @vm: the VM.
 * @ram_pages: its RAM.
 *
 * Return: the ceiling set by the administrator, else the RAM.
 */
u64 minivmm_vm_ceiling_pages(struct minivmm_vm *vm, u64 ram_pages)
{
	return READ_ONCE(vm->admin.ceiling_set) ?
	       READ_ONCE(vm->admin.ceiling_pages) : ram_pages;
}

/**
 * minivmm_vm_info() - a VM as MINIVMM_ADMIN_LIST_VMS reports it
 * @vm: the VM; the caller holds a reference, not minivmm_vms_lock.
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
