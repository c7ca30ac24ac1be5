/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The balloon benchmark's guest (issue 5 and 7): the project's guest
 * balloon driver (balloon-driver/) running in a 64-bit identity-mapped
 * guest of the selftests library layout (minivmm_util.h). The same code
 * bytes run under minivmm (in-kernel device) and under KVM (userspace
 * device, kvm_balloon.c).
 */
#ifndef BENCH_BALLOON_GUEST_H
#define BENCH_BALLOON_GUEST_H

#include <stdint.h>

#define BAL_PAGE	4096ULL
/* Guest RAM the balloon takes pages from: 64 MiB, guest == host address. */
#define BAL_GPA		0xc0000000ULL
#define BAL_SIZE	(64ULL << 20)
#define BAL_PAGES	(BAL_SIZE / BAL_PAGE)
/* The balloon's virtio-mmio window (outside every memory slot). */
#define BAL_MMIO	0xd8000000ULL
#define BAL_VECTOR	0x40

/* Guest steps, reported as GUEST_SYNC(step, ...). */
enum {
	BAL_STEP_TOUCHED = 1,	/* args: pages touched */
	BAL_STEP_READY,		/* args: balloon_init() result */
	BAL_STEP_INFLATED,	/* args: balloon_update(), num_pages, tsc */
	BAL_STEP_DEFLATED,	/* args: balloon_update(), num_pages, tsc */
	BAL_STEP_RETOUCHED,	/* args: pages read back wrong, free pages */
	BAL_STEP_RETOUCHED2,	/* the same, once more */
};

/**
 * bal_guest_main() - the guest's entry (GUEST_CODE)
 * @vcpu_id: RDI as the VMs set it (unused).
 *
 * Touches every page of [BAL_GPA, +BAL_SIZE),
 * starts the driver on the device at BAL_MMIO and follows the target
 * with balloon_update() twice (the host changes it in between), timing
 * each with RDTSC; then writes and reads back every page it owns again,
 * twice (the host releases the memory behind its back in between).
 */
void bal_guest_main(uint64_t vcpu_id);

#endif /* BENCH_BALLOON_GUEST_H */
