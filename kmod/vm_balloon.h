/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-VM in-kernel virtio-balloon device (kmod/vm_balloon.c): the VM
 * ioctls that create and drive it, what the administrator and the
 * memory-pressure monitor use of it, and its teardown.
 */
#ifndef MINIVMM_VM_BALLOON_H
#define MINIVMM_VM_BALLOON_H

#include "vm.h"

long minivmm_balloon_ioctl(struct minivmm_vm *vm, unsigned int cmd,
			   void __user *argp);
void minivmm_balloon_destroy(struct minivmm_vm *vm);
int minivmm_vm_balloon_set_target(struct minivmm_vm *vm, u32 pages);
int minivmm_vm_balloon_status(struct minivmm_vm *vm,
			      struct minivmm_balloon_status *st);

#endif /* MINIVMM_VM_BALLOON_H */
