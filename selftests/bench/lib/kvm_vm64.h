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

/**
 * kvm64_create() - a KVM VM with the library layout and vCPU 0
 * @vm: filled in (kvm64_destroy() it even on failure).
 * @guest_fn: GUEST_CODE function vCPU 0 starts in (64-bit mode).
 * @arg0: its first argument (RDI).
 *
 * Return: 0, or -errno of the step that failed.
 */
int kvm64_create(struct kvm64 *vm, void *guest_fn, uint64_t arg0);

/**
 * kvm64_add_slot() - add an identity slot (guest-physical == host address)
 * @vm: the VM.
 * @hva: page-aligned host memory.
 * @size: bytes.
 *
 * Return: 0, -ENOSPC past KVM64_MAX_SLOTS, or -errno of the ioctl.
 */
int kvm64_add_slot(struct kvm64 *vm, void *hva, uint64_t size);

/**
 * kvm64_is_mem() - is a range guest memory?
 * @vm: the VM.
 * @gpa: guest-physical address.
 * @len: bytes.
 *
 * Return: true when [@gpa, @gpa + @len) lies inside one slot.
 */
bool kvm64_is_mem(const struct kvm64 *vm, uint64_t gpa, uint64_t len);

/**
 * kvm64_run() - KVM_RUN once
 * @vm: the VM.
 *
 * Return: 0, or -errno.
 */
int kvm64_run(struct kvm64 *vm);

/**
 * kvm64_get_ucall() - decode the last exit as a ucall
 * @vm: the VM.
 * @uc: receives the ucall.
 *
 * Return: its cmd, or UCALL_NONE when the exit is no ucall.
 */
uint64_t kvm64_get_ucall(struct kvm64 *vm, struct ucall *uc);

/**
 * kvm64_describe() - one line about the last exit, for messages
 * @vm: the VM.
 * @buf: where to write it.
 * @size: bytes in @buf.
 */
void kvm64_describe(struct kvm64 *vm, char *buf, size_t size);

/**
 * kvm64_destroy() - close and unmap everything
 * @vm: the VM; safe on a half-made one.
 */
void kvm64_destroy(struct kvm64 *vm);

#endif /* BENCH_KVM_VM64_H */
