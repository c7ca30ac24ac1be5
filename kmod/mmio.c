// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel MMIO devices of a VM: the guest-physical windows they claim
 * (never overlapping a memory slot or another device) and the dispatch of
 * accesses to them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/uaccess.h>
#include "vm.h"
#include "mmio.h"

/**
 * minivmm_mmio_overlaps() - does a guest-physical range meet a device window?
 * @vm: the VM; the caller holds vm->lock or vm->mmio_lock (the table is
 *	written with both held).
 * @gpa: first byte.
 * @size: bytes.
 *
 * Return: true when [@gpa, @gpa + @size) overlaps an in-kernel device.
 */
bool minivmm_mmio_overlaps(struct minivmm_vm *vm, u64 gpa, u64 size)
{
	int i;

	for (i = 0; i < MINIVMM_MAX_MMIO_DEVS; i++) {
		const struct minivmm_mmio_dev *d = vm->mmio_devs[i];

		if (d && gpa < d->base + d->size && d->base < gpa + size)
			return true;
	}
	return false;
}

/**
 * minivmm_mmio_find() - the VM's in-kernel device of a kind
 * @vm: the VM; the caller holds vm->mmio_lock or vm->lock.
 * @kind: MINIVMM_MMIO_*.
 *
 * Return: the device, or NULL.
 */
struct minivmm_mmio_dev *minivmm_mmio_find(struct minivmm_vm *vm,
					   enum minivmm_mmio_kind kind)
{
	int i;

	for (i = 0; i < MINIVMM_MAX_MMIO_DEVS; i++) {
		struct minivmm_mmio_dev *d = vm->mmio_devs[i];

		if (d && d->kind == kind)
			return d;
	}
	return NULL;
}

/* Does [gpa, gpa + size) overlap a memory slot? Under vm->lock. */
static bool slots_overlap(struct minivmm_vm *vm, u64 gpa, u64 size)
{
	int i;

	for (i = 0; i < MINIVMM_MAX_MEMSLOTS; i++) {
		const struct minivmm_memslot *s = &vm->slots[i];

		if (s->size && gpa < s->gpa + s->size && s->gpa < gpa + size)
			return true;
	}
	return false;
}

/**
 * minivmm_mmio_register() - let an in-kernel device claim a range
 * @vm: the VM.
 * @dev: the device; no byte of its range may be guest RAM or another
 *	device's (MINIVMM_SET_MEMORY_REGION refuses the reverse), and the VM
 *	may not have a device of its kind already.
 *
 * Return: 0; -EEXIST for an overlap or a second device of a kind;
 * -ENOSPC when the table is full.
 */
int minivmm_mmio_register(struct minivmm_vm *vm, struct minivmm_mmio_dev *dev)
{
	int i, free = -1, r = 0;

	if (!dev->size || dev->base + dev->size < dev->base)
		return -EINVAL;
	mutex_lock(&vm->mmio_lock);
	mutex_lock(&vm->lock);
	for (i = 0; i < MINIVMM_MAX_MMIO_DEVS; i++)
		if (!vm->mmio_devs[i] && free < 0)
			free = i;
	if (minivmm_mmio_overlaps(vm, dev->base, dev->size) ||
	    slots_overlap(vm, dev->base, dev->size) ||
	    minivmm_mmio_find(vm, dev->kind))
		r = -EEXIST;
	else if (free < 0)
		r = -ENOSPC;
	else
		vm->mmio_devs[free] = dev;
	mutex_unlock(&vm->lock);
	mutex_unlock(&vm->mmio_lock);
	return r;
}

/**
 * minivmm_mmio_unregister() - remove an in-kernel device
 * @vm: the VM.
 * @dev: the device.
 */
void minivmm_mmio_unregister(struct minivmm_vm *vm, struct minivmm_mmio_dev *dev)
{
	int i;

	mutex_lock(&vm->mmio_lock);
	mutex_lock(&vm->lock);
	for (i = 0; i < MINIVMM_MAX_MMIO_DEVS; i++)
		if (vm->mmio_devs[i] == dev)
			vm->mmio_devs[i] = NULL;
	mutex_unlock(&vm->lock);
	mutex_unlock(&vm->mmio_lock);
}

/**
 * minivmm_mmio_dispatch() - give an MMIO access to the device claiming it
 * @vm: the VM; called from a vCPU thread.
 * @gpa: the address.
 * @len: 1, 2, 4 or 8.
 * @write: a store (@val holds the data) or a load (@val receives it).
 * @val: the data.
 *
 * Devices run under vm->mmio_lock, not vm->lock: they may read guest memory
 * (minivmm_guest_rw() takes vm->lock). Lock order: mmio_lock, then lock.
 *
 * Return: 0 when a device took it; -ENOENT when none claims @gpa (the
 * access goes to userspace).
 */
int minivmm_mmio_dispatch(struct minivmm_vm *vm, u64 gpa, u32 len, bool write,
			  u64 *val)
{
	int i, r = -ENOENT;

	mutex_lock(&vm->mmio_lock);
	for (i = 0; i < MINIVMM_MAX_MMIO_DEVS; i++) {
		struct minivmm_mmio_dev *d = vm->mmio_devs[i];

		if (!d || gpa < d->base || gpa + len > d->base + d->size)
			continue;
		r = write ? d->write(d, gpa - d->base, len, *val) :
			    d->read(d, gpa - d->base, len, val);
		break;
	}
	mutex_unlock(&vm->mmio_lock);
	return r;
}

/**
 * minivmm_mmio_service() - let devices do the work they left for later
 * @vm: the VM; called from a vCPU thread before it enters the guest, when
 *	vm->mmio_service is set.
 *
 * Each device does a bounded amount (it stops early for a signal), so
 * the caller enters the guest, or returns to userspace, soon after.
 */
void minivmm_mmio_service(struct minivmm_vm *vm)
{
	bool more = false;
	int i;

	if (mutex_lock_killable(&vm->mmio_lock))
		return;
	WRITE_ONCE(vm->mmio_service, false);
	for (i = 0; i < MINIVMM_MAX_MMIO_DEVS; i++) {
		struct minivmm_mmio_dev *d = vm->mmio_devs[i];

		if (d && d->service && d->service(d))
			more = true;
	}
	if (more)
		WRITE_ONCE(vm->mmio_service, true);
	mutex_unlock(&vm->mmio_lock);
}
