/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM VMs laid out like the minivmm selftests library's (minivmm_util.h):
 * guest virtual == guest physical == host virtual, the test binary and a
 * 4 MiB system region (page tables for 0-4 GiB with 2 MiB pages, GDT,
 * IDT, TSS, stacks) as identity slots, one vCPU in 64-bit mode at a
 * GUEST_CODE function. So guest code of the binary runs, byte for byte,
 * under kvm_intel as under minivmm, with the same ucalls.
 */
#ifndef BENCH_KVM_VM64_H
#define BENCH_KVM_VM64_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>
#include "minivmm_util.h"

#define KVM64_MAX_SLOTS	16

/**
 * struct kvm64 - one KVM VM with one vCPU
 * @kvm: /dev/kvm.
 * @fd: the VM.
 * @vcpu: vCPU 0.
 * @run: its kvm_run page, @run_size bytes.
 * @sys: the system region (MVM_SYS_SIZE bytes, identity-mapped).
 * @nslots: slots in use; @slot_gpa/@slot_size describe them.
 */
struct kvm64 {
	int kvm, fd, vcpu;
	struct kvm_run *run;
	long run_size;
	uint8_t *sys;
	unsigned int nslots;
	uint64_t slot_gpa[KVM64_MAX_SLOTS], slot_size[KVM64_MAX_SLOTS];
};

/* VM, binary and system region slots, vCPU 0 at @guest_fn(@arg0): 0 or -errno. */
int kvm64_create(struct kvm64 *vm, void *guest_fn, uint64_t arg0);

/* Another identity slot (gpa == hva): 0 or -errno. */
int kvm64_add_slot(struct kvm64 *vm, void *hva, uint64_t size);

/* Is [gpa, gpa + len) in one of the VM's slots? */
bool kvm64_is_mem(const struct kvm64 *vm, uint64_t gpa, uint64_t len);

/* KVM_RUN once: 0 or -errno. */
int kvm64_run(struct kvm64 *vm);

/* Is the last exit a ucall? Then copies it to @uc and returns its cmd. */
uint64_t kvm64_get_ucall(struct kvm64 *vm, struct ucall *uc);

/* One line about the last exit, for messages. */
void kvm64_describe(struct kvm64 *vm, char *buf, size_t size);

/* Closes and unmaps everything (safe on a half-made VM). */
void kvm64_destroy(struct kvm64 *vm);

#endif /* BENCH_KVM_VM64_H */
