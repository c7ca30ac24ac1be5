/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest accesses outside guest RAM: in-kernel devices that claim ranges of
 * guest-physical space (the balloon), before userspace sees MMIO exits.
 */
#ifndef MINIVMM_MMIO_H
#define MINIVMM_MMIO_H

#include <linux/types.h>

struct minivmm_vm;

/* Kinds of in-kernel devices (struct minivmm_mmio_dev.kind). */
enum minivmm_mmio_kind {
	MINIVMM_MMIO_BALLOON = 1,
};

/**
 * struct minivmm_mmio_dev - an in-kernel device's register window
 * @kind: MINIVMM_MMIO_*; a VM has at most one device of each kind.
 * @base: first guest-physical address.
 * @size: bytes.
 * @read: read @len (1, 2, 4, 8) bytes at offset @off into *@val.
 * @write: write @len bytes of @val at offset @off.
 * @service: optional; work the device left for later (a bounded budget
 *	per access), done before a vCPU of the VM enters the guest while
 *	vm->mmio_service is set; returns true while work remains.
 * @priv: the device.
 */
struct minivmm_mmio_dev {
	enum minivmm_mmio_kind kind;
	u64 base;
	u64 size;
	int (*read)(struct minivmm_mmio_dev *dev, u64 off, u32 len, u64 *val);
	int (*write)(struct minivmm_mmio_dev *dev, u64 off, u32 len, u64 val);
	bool (*service)(struct minivmm_mmio_dev *dev);
	void *priv;
};

#define MINIVMM_MAX_MMIO_DEVS	4

int minivmm_mmio_register(struct minivmm_vm *vm, struct minivmm_mmio_dev *dev);
void minivmm_mmio_unregister(struct minivmm_vm *vm, struct minivmm_mmio_dev *dev);
bool minivmm_mmio_overlaps(struct minivmm_vm *vm, u64 gpa, u64 size);
struct minivmm_mmio_dev *minivmm_mmio_find(struct minivmm_vm *vm,
					   enum minivmm_mmio_kind kind);
int minivmm_mmio_dispatch(struct minivmm_vm *vm, u64 gpa, u32 len, bool write,
			  u64 *val);
void minivmm_mmio_service(struct minivmm_vm *vm);

#endif /* MINIVMM_MMIO_H */
