// SPDX-License-Identifier: GPL-2.0
/*
 * Every VM of the host is in one list, by id, from creation until its last
 * reference goes: the administrator's ioctls and the memory-pressure
 * monitor find VMs there. A VM in the list may already be at refcount 0;
 * lookups take a reference with refcount_inc_not_zero() and skip it, and
 * the caller drops its reference only after releasing minivmm_vms_lock
 * (the last put removes the VM from the list).
 *
 * The registry only lists: it calls no feature (balloon, sysfs). Under
 * minivmm_vms_lock nothing but the list is touched, never a per-VM lock,
 * so a VM stuck in a slow access cannot stall the creation or destruction
 * of the others: callers that visit every VM take a snapshot
 * (minivmm_registry_snapshot()) and sample the VMs after the lock is gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include "vm_registry.h"

DEFINE_MUTEX(minivmm_vms_lock);
LIST_HEAD(minivmm_vms);
/* Last id given; ids are not reused while the module is loaded. */
static u32 last_vm_id;

/**
 * minivmm_registry_add() - give a new VM its id and list it
 * @vm: the VM, created by the current process.
 *
 * Features that need the id (sysfs) are added by the VM's owner after.
 */
void minivmm_registry_add(struct minivmm_vm *vm)
{
	struct minivmm_vm_admin *a = &vm->admin;

	a->owner_pid = task_tgid_nr(current);
	get_task_comm(a->owner_comm, current);
	a->created_ns = ktime_get_ns();
	a->mode = MINIVMM_BALLOON_MANUAL;
	mutex_init(&a->lock);
	mutex_lock(&minivmm_vms_lock);
	a->id = ++last_vm_id;
	list_add_tail(&a->node, &minivmm_vms);
	mutex_unlock(&minivmm_vms_lock);
}

/**
 * minivmm_registry_remove() - take a VM off the list
 * @vm: the VM, at refcount 0.
 */
void minivmm_registry_remove(struct minivmm_vm *vm)
{
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
 * minivmm_registry_snapshot() - references to every VM alive
 * @vms: out: an array of the VMs, by increasing id, each holding a
 *	reference (NULL when there are none); free it with
 *	minivmm_registry_snapshot_put().
 *
 * Only the list is read under minivmm_vms_lock; the caller samples the
 * VMs (taking their own locks, which may be slow) after it is released.
 *
 * Return: the number of VMs in @vms, or -ENOMEM.
 */
int minivmm_registry_snapshot(struct minivmm_vm ***vms)
{
	struct minivmm_vm **arr = NULL;
	struct minivmm_vm_admin *a;
	unsigned int cap = 0, n = 0;

	*vms = NULL;
	mutex_lock(&minivmm_vms_lock);
	list_for_each_entry(a, &minivmm_vms, node)
		cap++;
	if (cap) {
		arr = kcalloc(cap, sizeof(*arr), GFP_KERNEL);
		if (!arr) {
			mutex_unlock(&minivmm_vms_lock);
			return -ENOMEM;
		}
	}
	list_for_each_entry(a, &minivmm_vms, node) {
		struct minivmm_vm *vm = container_of(a, struct minivmm_vm, admin);

		if (refcount_inc_not_zero(&vm->users))
			arr[n++] = vm;
	}
	mutex_unlock(&minivmm_vms_lock);
	*vms = arr;
	return n;
}

/**
 * minivmm_registry_snapshot_put() - drop what minivmm_registry_snapshot()
 *	took
 * @vms: the array (may be NULL).
 * @n: its entries.
 *
 * Not under minivmm_vms_lock: the last reference removes a VM from the
 * list.
 */
void minivmm_registry_snapshot_put(struct minivmm_vm **vms, int n)
{
	int i;

	for (i = 0; i < n; i++)
		minivmm_vm_put(vms[i]);
	kfree(vms);
}
