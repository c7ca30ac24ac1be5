// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace virtio-balloon device of the KVM benchmark: see
 * kvm_balloon.h.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "kvm_balloon.h"

/* Notifications served per QueueNotify write, as minivmm's vm_balloon.c. */
#define UBAL_ROUNDS	64

/* Guest memory is identity-mapped in this process: gpa == hva. */
static int gm_read(void *ctx, __u64 gpa, void *buf, __u32 len)
{
	struct ubal *b = ctx;

	if (!kvm64_is_mem(b->vm, gpa, len))
		return -EFAULT;
	memcpy(buf, (void *)(uintptr_t)gpa, len);
	return 0;
}

static int gm_write(void *ctx, __u64 gpa, const void *buf, __u32 len)
{
	struct ubal *b = ctx;

	if (!kvm64_is_mem(b->vm, gpa, len))
		return -EFAULT;
	memcpy((void *)(uintptr_t)gpa, buf, len);
	return 0;
}

static bool in_ram(struct ubal *b, __u32 pfn)
{
	uint64_t gpa = (uint64_t)pfn << 12;

	return gpa >= (uintptr_t)b->ram && gpa < (uintptr_t)b->ram + b->ram_size;
}

static int h_inflate(void *ctx, __u32 pfn)
{
	struct ubal *b = ctx;

	if (!in_ram(b, pfn) || b->npfns >= UBAL_MAX_PFNS) {
		b->rejected++;
		return -EINVAL;
	}
	b->pfns[b->npfns++] = pfn;
	b->inflated++;
	return 0;
}

static int h_deflate(void *ctx, __u32 pfn)
{
	struct ubal *b = ctx;

	if (!in_ram(b, pfn)) {
		b->rejected++;
		return -EINVAL;
	}
	b->deflated++;
	return 0;
}

static void h_barrier(enum minivmm_barrier kind)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Firecracker's compact_page_frame_numbers() + remove_range(). */
static void release_gathered(struct ubal *b)
{
	uint32_t i = 0, j;

	qsort(b->pfns, b->npfns, sizeof(b->pfns[0]), cmp_u32);
	while (i < b->npfns) {
		for (j = i + 1; j < b->npfns && b->pfns[j] == b->pfns[j - 1] + 1; j++)
			;
		/* a repeated PFN starts a new range, as in Firecracker */
		if (madvise((void *)((uintptr_t)b->pfns[i] << 12),
			    (size_t)(j - i) << 12, MADV_DONTNEED))
			b->madvise_errors++;
		b->madvise_calls++;
		b->madvise_pages += j - i;
		i = j;
	}
	b->npfns = 0;
}

int ubal_init(struct ubal *b, struct kvm64 *vm, uint64_t base, void *ram,
	      uint64_t ram_size, uint32_t target)
{
	struct minivmm_gmem_ops gm = { .read = gm_read, .write = gm_write, .ctx = b };
	struct minivmm_balloon_host_ops host = {
		.inflate_pfn = h_inflate, .deflate_pfn = h_deflate,
		.mem_barrier = h_barrier, .ctx = b,
	};
	int r;

	memset(b, 0, sizeof(*b));
	b->vm = vm;
	b->base = base;
	b->ram = ram;
	b->ram_size = ram_size;
	r = minivmm_balloon_init(&b->dev, MINIVMM_BALLOON_FEATURES, &gm, &host);
	if (!r)
		minivmm_balloon_set_target(&b->dev, target);
	return r;
}

void ubal_set_target(struct ubal *b, uint32_t pages)
{
	minivmm_balloon_set_target(&b->dev, pages);
}

int ubal_handle_mmio(struct ubal *b, struct kvm_run *run)
{
	__u64 off = run->mmio.phys_addr - b->base, val = 0;
	uint32_t len = run->mmio.len;
	int r, rounds = 0;

	if (run->mmio.phys_addr < b->base || off >= MINIVMM_VMMIO_REGION_SIZE ||
	    len > 8)
		return 0;
	b->mmio_exits++;
	if (!run->mmio.is_write) {
		minivmm_vmmio_read(&b->dev.mmio, off, len, &val);
		memcpy(run->mmio.data, &val, len);
		return 1;
	}
	memcpy(&val, run->mmio.data, len);
	r = minivmm_vmmio_write(&b->dev.mmio, off, len, val);
	if (off != VIRTIO_MMIO_QUEUE_NOTIFY || len != 4)
		return 1;
	b->notifies++;
	while (r == 1 && ++rounds < UBAL_ROUNDS)
		r = minivmm_balloon_process(&b->dev, (uint32_t)val);
	/* The vCPU is stopped here: the guest sees the used ring only now. */
	if (b->npfns)
		release_gathered(b);
	return 1;
}
