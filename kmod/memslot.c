// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory slots. Guest memory is the VMM's own pageable memory: a
 * guest page is looked up in the VMM's page tables when the guest first
 * touches it (get_user_pages, which faults it in or swaps it back), mapped
 * into the second-level tables, and its reference dropped at once. Nothing
 * is pinned; the MMU notifier keeps the mapping coherent.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>
#include "memslot.h"
#include "common/memslot_check.h"
#include "x86/x86.h"


/**
 * minivmm_find_slot() - the slot holding a guest-physical address
 * @vm: the VM; caller holds vm->mmu_lock or vm->lock.
 * @gpa: the address.
 *
 * Return: the slot, or NULL when @gpa is in none.
 */
const struct minivmm_memslot *minivmm_find_slot(struct minivmm_vm *vm, u64 gpa)
{
	int i;

	for (i = 0; i < MINIVMM_MAX_MEMSLOTS; i++) {
		const struct minivmm_memslot *s = &vm->slots[i];

		if (s->size && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

/* Is every page of [start, start + len) inside some readable VMA? */
static bool range_mapped(struct mm_struct *mm, u64 start, u64 len)
{
	u64 end = start + len;
	struct vm_area_struct *vma;
	bool ok = true;

	mmap_read_lock(mm);
	while (start < end) {
		vma = find_vma(mm, start);
		if (!vma || vma->vm_start > start || !(vma->vm_flags & VM_READ)) {
			ok = false;
			break;
		}
		start = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return ok;
}

/**
 * minivmm_set_memory_region() - MINIVMM_SET_MEMORY_REGION
 * @vm: the VM.
 * @r: the region (copied from userspace).
 *
 * A changed or deleted slot loses its second-level mappings first, and
 * the call returns only once no in-kernel access through its old address
 * is in flight (SRCU, as KVM's memslots).
 * Return: 0; -EINVAL for bad arguments (see minivmm_region_check());
 * -EEXIST for an overlap with another slot or an in-kernel device's
 * window; -EFAULT when the userspace range is not mapped.
 */
int minivmm_set_memory_region(struct minivmm_vm *vm,
			      const struct minivmm_memory_region *r)
{
	struct minivmm_slot_range ranges[MINIVMM_MAX_MEMSLOTS];
	struct minivmm_memslot *slot;
	bool flush = false, had = false;
	int i, ret;

	mutex_lock(&vm->lock);
	for (i = 0; i < MINIVMM_MAX_MEMSLOTS; i++) {
		ranges[i].gpa = vm->slots[i].gpa;
		ranges[i].size = vm->slots[i].size;
	}
	ret = minivmm_region_check(r, ranges, MINIVMM_MAX_GPA, TASK_SIZE_MAX);
	if (ret)
		goto out;
	/* Device windows are written under vm->lock too: stable here. */
	if (r->memory_size &&
	    minivmm_mmio_overlaps(vm, r->guest_phys_addr, r->memory_size)) {
		ret = -EEXIST;
		goto out;
	}
	if (r->memory_size && !range_mapped(vm->mm, r->userspace_addr, r->memory_size)) {
		ret = -EFAULT;
		goto out;
	}
	slot = &vm->slots[r->slot];
	spin_lock(&vm->mmu_lock);
	/* Faults retry while the old slot goes (the zap may yield the lock). */
	vm->mmu_invalidating++;
	had = slot->size;
	if (had)
		flush = minivmm_x86_tdp_zap(vm, slot->gpa, slot->size, true);
	slot->gpa = r->guest_phys_addr;
	slot->size = r->memory_size;
	slot->uaddr = r->userspace_addr;
	slot->flags = r->flags;
	/* Faults that looked at the old slot retry. */
	vm->mmu_seq++;
	vm->mmu_invalidating--;
	/* Flushed before unlocking, as the MMU notifier does. */
	if (flush)
		minivmm_request_all(vm, MINIVMM_REQ_TLB_FLUSH);
	spin_unlock(&vm->mmu_lock);
out:
	mutex_unlock(&vm->lock);
	/* In-kernel accesses through the old address are done after this. */
	if (had)
		synchronize_srcu_expedited(&vm->slots_srcu);
	return ret;
}

/**
 * minivmm_mmu_retry() - must a fault that started at @seq start again?
 * @vm: the VM; caller holds vm->mmu_lock.
 * @seq: vm->mmu_seq when the fault looked the page up.
 *
 * Return: true when an invalidation ran or runs since.
 */
bool minivmm_mmu_retry(struct minivmm_vm *vm, unsigned long seq)
{
	lockdep_assert_held(&vm->mmu_lock);
	return vm->mmu_invalidating || vm->mmu_seq != seq;
}

/**
 * minivmm_gpa_to_page() - the host page behind a guest-physical address
 * @vm: the VM; called from the thread of a vCPU, preemptible.
 * @gpa: the address.
 * @write: the guest writes: the page must be writable.
 * @page: out: the page, with a reference the caller drops once mapped.
 * @writable: out: the page may be mapped writable.
 * @seq: out: vm->mmu_seq before the lookup, for minivmm_mmu_retry().
 *
 * Return: 0; -ENOENT outside every slot; -EPERM for a write to a
 * read-only slot; -EIO from another process; -EFAULT (or another gup
 * errno) when the VMM's memory there is gone.
 */
int minivmm_gpa_to_page(struct minivmm_vm *vm, u64 gpa, bool write,
			struct page **page, bool *writable, unsigned long *seq)
{
	const struct minivmm_memslot *slot;
	unsigned long hva, maj;
	bool ro;
	long n;

	spin_lock(&vm->mmu_lock);
	slot = minivmm_find_slot(vm, gpa);
	if (!slot) {
		spin_unlock(&vm->mmu_lock);
		return -ENOENT;
	}
	ro = slot->flags & MINIVMM_MEM_READONLY;
	hva = minivmm_slot_hva(slot, gpa) & PAGE_MASK;
	*seq = vm->mmu_seq;
	spin_unlock(&vm->mmu_lock);
	if (write && ro)
		return -EPERM;
	if (current->mm != vm->mm)
		return -EIO;
	/* Ordered by the lock: the lookup below sees invalidations after seq. */
	/* Already present and writable in the VMM: map it so, no fault. */
	if (!ro && get_user_page_fast_only(hva, FOLL_WRITE, page)) {
		*writable = true;
		return 0;
	}
	/*
	 * Fault it in. A read maps read-only (the zero page for untouched
	 * memory, so reads commit nothing); a write breaks sharing. A major
	 * fault on the way means the host had swapped the page out.
	 */
	maj = current->maj_flt;
	n = get_user_pages_unlocked(hva, 1, page, write ? FOLL_WRITE : 0);
	if (n != 1)
		return n < 0 ? n : -EFAULT;
	if (current->maj_flt != maj)
		atomic64_inc(&vm->stats.faults_major);
	else
		atomic64_inc(&vm->stats.faults_minor);
	*writable = write;
	return 0;
}

/* One access; naturally aligned 2-, 4- and 8-byte ones are single loads/stores. */
static int guest_copy(unsigned long hva, void *buf, u32 len, bool write)
{
	void __user *p = (void __user *)hva;
	u16 v16;
	u32 v32;
	u64 v64;

	if (len == 2 && !(hva & 1)) {
		if (write) {
			memcpy(&v16, buf, 2);
			return put_user(v16, (u16 __user *)p);
		}
		if (get_user(v16, (u16 __user *)p))
			return -EFAULT;
		memcpy(buf, &v16, 2);
		return 0;
	}
	if (len == 4 && !(hva & 3)) {
		if (write) {
			memcpy(&v32, buf, 4);
			return put_user(v32, (u32 __user *)p);
		}
		if (get_user(v32, (u32 __user *)p))
			return -EFAULT;
		memcpy(buf, &v32, 4);
		return 0;
	}
	if (len == 8 && !(hva & 7)) {
		if (write) {
			memcpy(&v64, buf, 8);
			return put_user(v64, (u64 __user *)p);
		}
		if (get_user(v64, (u64 __user *)p))
			return -EFAULT;
		memcpy(buf, &v64, 8);
		return 0;
	}
	if (write)
		return copy_to_user(p, buf, len) ? -EFAULT : 0;
	return copy_from_user(buf, p, len) ? -EFAULT : 0;
}

/**
 * minivmm_guest_rw() - read or write guest-physical memory (RAM slots only)
 * @vm: the VM; called from a thread of the VMM's process.
 * @gpa: first byte.
 * @buf: the data (out for reads, in for writes).
 * @len: bytes; may span slots that are contiguous.
 * @write: write @buf to the guest (read-only slots refuse).
 *
 * The one way in-kernel code (MMIO instruction fetch, in-kernel devices)
 * touches guest memory. A naturally aligned 2-, 4- or 8-byte access is a
 * single access (virtqueue indices are read and written whole).
 * Return: 0; -EFAULT when a byte is outside every slot, read-only for a
 * write, or unmapped in the VMM.
 */
int minivmm_guest_rw(struct minivmm_vm *vm, u64 gpa, void *buf, u32 len, bool write)
{
	u8 *p = buf;
	int idx, r = 0;

	if (current->mm != vm->mm || gpa + len < gpa)
		return -EFAULT;
	/* A slot change returns only after the copies through its address. */
	idx = srcu_read_lock(&vm->slots_srcu);
	while (len) {
		const struct minivmm_memslot *s;
		unsigned long hva;
		u32 chunk;

		mutex_lock(&vm->lock);
		s = minivmm_find_slot(vm, gpa);
		if (!s || (write && (s->flags & MINIVMM_MEM_READONLY))) {
			mutex_unlock(&vm->lock);
			r = -EFAULT;
			break;
		}
		hva = minivmm_slot_hva(s, gpa);
		chunk = min_t(u64, len, s->gpa + s->size - gpa);
		mutex_unlock(&vm->lock);
		if (guest_copy(hva, p, chunk, write)) {
			r = -EFAULT;
			break;
		}
		gpa += chunk;
		p += chunk;
		len -= chunk;
	}
	srcu_read_unlock(&vm->slots_srcu, idx);
	return r;
}
