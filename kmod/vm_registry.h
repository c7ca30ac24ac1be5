/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host-wide list of VMs (kmod/vm_registry.c): ids, owners, and lookups
 * for the administrator and the memory-pressure monitor.
 */
#ifndef MINIVMM_VM_REGISTRY_H
#define MINIVMM_VM_REGISTRY_H

#include "vm.h"

/*
 * Protects the list (and ids). Nothing else is done under it: no per-VM
 * lock is taken while it is held.
 */
extern struct mutex minivmm_vms_lock;
/* VMs by increasing id; each entry may be at refcount 0 (being freed). */
extern struct list_head minivmm_vms;

void minivmm_registry_add(struct minivmm_vm *vm);
void minivmm_registry_remove(struct minivmm_vm *vm);
struct minivmm_vm *minivmm_vm_get_by_id(u32 id);
u64 minivmm_vm_ram_pages(struct minivmm_vm *vm);
u64 minivmm_vm_floor_pages(struct minivmm_vm *vm, u64 ram_pages);
u64 minivmm_vm_ceiling_pages(struct minivmm_vm *vm, u64 ram_pages);
int minivmm_registry_snapshot(struct minivmm_vm ***vms);
void minivmm_registry_snapshot_put(struct minivmm_vm **vms, int n);

#endif /* MINIVMM_VM_REGISTRY_H */
