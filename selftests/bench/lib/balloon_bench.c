// SPDX-License-Identifier: GPL-2.0
/*
 * The balloon workload: see balloon_bench.h. One host loop for both
 * hypervisors, behind struct bal_ops; the guest is balloon_guest.c.
 *
 * Steps: the guest touches 64 MiB and starts its driver; the host sets
 * the target to 16384 pages and resumes the guest, which runs
 * balloon_update() until actual == target and reports (inflate time =
 * from the target change to that report, host side); the host checks
 * actual, the device's counters and that the VMM's resident memory of
 * the 64 MiB dropped by about 64 MiB (mincore()); then the same with the
 * target 0 (deflate); then the guest writes every page again and the
 * memory is resident again. Last, with the VM still mapping the 64 MiB,
 * the host itself madvise()s it page by page, and (after another touch
 * by the guest) 1 MiB at a time: the cost of a zap through the
 * hypervisor's MMU notifier, for the profile.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "minivmm_util.h"
#include "balloon_guest.h"
#include "balloon_bench.h"
#include "kvm_balloon.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

/* Resident pages may differ from the ideal by this much (page tables etc.). */
#define BAL_SLACK	16

struct bal_ops {
	/* Run to the next ucall (device exits handled): its cmd. */
	uint64_t (*run_ucall)(void *h, struct ucall *uc);
	int (*set_target)(void *h, uint32_t pages);
	int (*counts)(void *h, struct bal_counts *c);
	void (*describe)(void *h, char *buf, size_t size);
};

#define FAIL(...) do { snprintf(why, why_len, __VA_ARGS__); return -1; } while (0)

static uint64_t resident(void *p, size_t size)
{
	static unsigned char vec[BAL_PAGES];
	uint64_t i, n = 0;

	if (size / BAL_PAGE > BAL_PAGES || mincore(p, size, vec))
		return ~0ULL;
	for (i = 0; i < size / BAL_PAGE; i++)
		n += vec[i] & 1;
	return n;
}

static void *map_at(uint64_t addr, size_t size)
{
	void *p = mmap((void *)(uintptr_t)addr, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if ((uintptr_t)p != addr) {
		munmap(p, size);
		errno = EEXIST;
		return NULL;
	}
	/* 4 KiB pages: what the floor and both devices release. */
	madvise(p, size, MADV_NOHUGEPAGE);
	return p;
}

static void sub_counts(struct bal_counts *d, const struct bal_counts *a,
		       const struct bal_counts *b)
{
	d->target = b->target;
	d->actual = b->actual;
	d->requests = b->requests - a->requests;
	d->pages = b->pages - a->pages;
	d->exits = b->exits - a->exits;
	d->released = b->released - a->released;
	d->zap_calls = b->zap_calls - a->zap_calls;
	d->ept_zapped = b->ept_zapped - a->ept_zapped;
}

/* Expect ucall SYNC(@step, ...) into @uc. */
static int expect_step(const struct bal_ops *ops, void *h, uint64_t step,
		       struct ucall *uc, char *why, size_t why_len)
{
	char d[160];
	uint64_t cmd = ops->run_ucall(h, uc);

	if (cmd == UCALL_SYNC && uc->args[0] == step)
		return 0;
	if (cmd == UCALL_ABORT)
		FAIL("guest assertion at line %llu (0x%llx 0x%llx)",
		     (unsigned long long)uc->line,
		     (unsigned long long)uc->args[0],
		     (unsigned long long)uc->args[1]);
	ops->describe(h, d, sizeof(d));
	FAIL("want step %llu, got ucall %llu (arg0 %llu): %s",
	     (unsigned long long)step, (unsigned long long)cmd,
	     (unsigned long long)(cmd == UCALL_SYNC ? uc->args[0] : 0), d);
}

/* One target change timed until the guest reports balloon_update() done. */
static int timed_update(const struct bal_ops *ops, void *h, uint32_t target,
			uint64_t step, struct bal_counts *delta, uint64_t *ns,
			uint64_t *tsc, char *why, size_t why_len)
{
	struct bal_counts a, b;
	struct ucall uc;
	uint64_t t0, t1;

	if (ops->counts(h, &a))
		FAIL("device counters: %s", strerror(errno));
	t0 = mvm_now_ns();
	if (ops->set_target(h, target))
		FAIL("set target %u: %s", target, strerror(errno));
	if (expect_step(ops, h, step, &uc, why, why_len))
		return -1;
	t1 = mvm_now_ns();
	if (ops->counts(h, &b))
		FAIL("device counters: %s", strerror(errno));
	sub_counts(delta, &a, &b);
	*ns = t1 - t0;
	*tsc = uc.args[3];
	if ((int64_t)uc.args[1] || uc.args[2] != target)
		FAIL("guest: balloon_update() %lld, num_pages %llu, want %u",
		     (long long)(int64_t)uc.args[1],
		     (unsigned long long)uc.args[2], target);
	if (b.target != target || b.actual != target)
		FAIL("device: target %llu actual %llu, want %u",
		     (unsigned long long)b.target, (unsigned long long)b.actual,
		     target);
	return 0;
}

/*
 * madvise(MADV_DONTNEED) of the 64 MiB at @mem in @chunk-byte calls: ns
 * per 4 KiB page into @ns_per_page; 0, or -1 when a call failed or memory
 * stayed resident.
 */
static int madvise_timed(void *mem, uint64_t chunk, double *ns_per_page)
{
	uint64_t off, t0 = mvm_now_ns();

	for (off = 0; off < BAL_SIZE; off += chunk)
		if (madvise((uint8_t *)mem + off, chunk, MADV_DONTNEED))
			return -1;
	*ns_per_page = (double)(mvm_now_ns() - t0) / BAL_PAGES;
	if (resident(mem, BAL_SIZE) > BAL_SLACK) {
		errno = EBUSY;
		return -1;
	}
	return 0;
}

static int workload(const struct bal_ops *ops, void *h, void *mem,
		    struct bal_result *res, char *why, size_t why_len)
{
	struct ucall uc;

	memset(res, 0, sizeof(*res));
	if (expect_step(ops, h, BAL_STEP_TOUCHED, &uc, why, why_len))
		return -1;
	if (uc.args[1] != BAL_PAGES)
		FAIL("guest read back %llu of %llu pages",
		     (unsigned long long)uc.args[1], (unsigned long long)BAL_PAGES);
	res->res_touched = resident(mem, BAL_SIZE);
	if (res->res_touched < BAL_PAGES - BAL_SLACK)
		FAIL("only %llu pages resident after the touch",
		     (unsigned long long)res->res_touched);
	if (expect_step(ops, h, BAL_STEP_READY, &uc, why, why_len))
		return -1;
	if (uc.args[1])
		FAIL("guest: balloon_init() %lld", (long long)(int64_t)uc.args[1]);

	if (timed_update(ops, h, BAL_PAGES, BAL_STEP_INFLATED, &res->inflate,
			 &res->inflate_ns, &res->inflate_tsc, why, why_len))
		return -1;
	res->res_inflated = resident(mem, BAL_SIZE);
	/* The row cannot be faked: the memory must really be gone. */
	if (res->res_inflated > BAL_SLACK)
		FAIL("%llu pages still resident after inflating 64 MiB",
		     (unsigned long long)res->res_inflated);
	if (res->inflate.pages != BAL_PAGES || res->inflate.released != BAL_PAGES)
		FAIL("device took %llu pages and released %llu, want %llu",
		     (unsigned long long)res->inflate.pages,
		     (unsigned long long)res->inflate.released,
		     (unsigned long long)BAL_PAGES);

	if (timed_update(ops, h, 0, BAL_STEP_DEFLATED, &res->deflate,
			 &res->deflate_ns, &res->deflate_tsc, why, why_len))
		return -1;
	res->res_deflated = resident(mem, BAL_SIZE);
	if (res->deflate.pages != BAL_PAGES)
		FAIL("device gave back %llu pages, want %llu",
		     (unsigned long long)res->deflate.pages,
		     (unsigned long long)BAL_PAGES);

	if (expect_step(ops, h, BAL_STEP_RETOUCHED, &uc, why, why_len))
		return -1;
	if (uc.args[1] || uc.args[2] != BAL_PAGES)
		FAIL("guest after deflate: %llu pages read back wrong, %llu free",
		     (unsigned long long)uc.args[1], (unsigned long long)uc.args[2]);
	res->res_retouched = resident(mem, BAL_SIZE);
	if (res->res_retouched < BAL_PAGES - BAL_SLACK)
		FAIL("only %llu pages resident after the guest wrote them again",
		     (unsigned long long)res->res_retouched);

	/*
	 * For the profile: the VM maps the 64 MiB (EPT entries present); the
	 * VMM zaps it itself, page by page, then (after the guest touched it
	 * all again) 1 MiB at a time, through the hypervisor's MMU notifier.
	 */
	if (madvise_timed(mem, BAL_PAGE, &res->madv_slot_ns))
		FAIL("madvise: %s", strerror(errno));
	if (expect_step(ops, h, BAL_STEP_RETOUCHED2, &uc, why, why_len))
		return -1;
	if (uc.args[1] || resident(mem, BAL_SIZE) < BAL_PAGES - BAL_SLACK)
		FAIL("guest did not get its memory back after a madvise");
	if (madvise_timed(mem, 256 * BAL_PAGE, &res->madv_slot_1m_ns))
		FAIL("madvise: %s", strerror(errno));
	if (ops->run_ucall(h, &uc) != UCALL_DONE)
		FAIL("guest did not finish");
	return 0;
}

/* ---- minivmm: the library's VM, the in-kernel device ------------------ */

struct mv_h {
	struct mvm_vm *vm;
	struct mvm_vcpu *vcpu;
};

static uint64_t mv_run_ucall(void *h, struct ucall *uc)
{
	struct mv_h *m = h;

	return vcpu_run_ucall(m->vcpu, uc);
}

static int mv_set_target(void *h, uint32_t pages)
{
	struct mv_h *m = h;
	struct minivmm_balloon_target t = { .target_pages = pages };

	return ioctl(m->vm->fd, MINIVMM_SET_BALLOON_TARGET, &t);
}

static int mv_counts(void *h, struct bal_counts *c)
{
	struct mv_h *m = h;
	struct minivmm_balloon_status st;
	struct minivmm_mem_stats ms;

	memset(&st, 0, sizeof(st));
	if (ioctl(m->vm->fd, MINIVMM_GET_BALLOON_STATS, &st) ||
	    ioctl(m->vm->fd, MINIVMM_GET_MEM_STATS, &ms))
		return -1;
	c->target = st.target_pages;
	c->actual = st.actual_pages;
	c->requests = st.inflate_requests + st.deflate_requests;
	c->pages = st.inflated_pages + st.deflated_pages;
	c->exits = ms.mmio_exits;
	c->released = st.released_bytes / BAL_PAGE;
	c->zap_calls = ms.inval_clear;
	c->ept_zapped = ms.pages_zapped;
	return 0;
}

static void mv_describe(void *h, char *buf, size_t size)
{
	struct mv_h *m = h;

	vcpu_describe(m->vcpu, buf, size);
}

static const struct bal_ops mv_ops = {
	.run_ucall = mv_run_ucall, .set_target = mv_set_target,
	.counts = mv_counts, .describe = mv_describe,
};

int bal_run_minivmm(struct bal_result *res, char *why, size_t why_len)
{
	struct minivmm_balloon_config cfg = {
		.mmio_base = BAL_MMIO, .irq_vector = BAL_VECTOR,
	};
	struct mv_h m = { 0 };
	void *mem;
	int r = -1;

	mem = map_at(BAL_GPA, BAL_SIZE);
	if (!mem)
		FAIL("mmap 64 MiB at 0x%llx: %s", BAL_GPA, strerror(errno));
	m.vm = vm_create();
	if (!m.vm) {
		snprintf(why, why_len, "vm_create: %s", strerror(errno));
		goto out;
	}
	if (vm_add_region(m.vm, 0, BAL_GPA, BAL_SIZE, mem) < 0) {
		snprintf(why, why_len, "memory region: %s", strerror(errno));
		goto out;
	}
	m.vcpu = vm_add_vcpu(m.vm, 0, bal_guest_main);
	if (!m.vcpu) {
		snprintf(why, why_len, "vCPU: %s", strerror(errno));
		goto out;
	}
	if (ioctl(m.vm->fd, MINIVMM_CREATE_BALLOON, &cfg)) {
		snprintf(why, why_len, "MINIVMM_CREATE_BALLOON: %s", strerror(errno));
		goto out;
	}
	r = workload(&mv_ops, &m, mem, res, why, why_len);
out:
	if (m.vm)
		vm_free(m.vm);
	munmap(mem, BAL_SIZE);
	return r;
}

/* ---- KVM: kvm_vm64.c's VM, the userspace device ----------------------- */

struct kvm_h {
	struct kvm64 vm;
	struct ubal *dev;
};

static uint64_t kvm_run_ucall(void *h, struct ucall *uc)
{
	struct kvm_h *k = h;
	uint64_t cmd;

	for (;;) {
		if (kvm64_run(&k->vm))
			return UCALL_NONE;
		if (k->vm.run->exit_reason == KVM_EXIT_MMIO) {
			if (!ubal_handle_mmio(k->dev, k->vm.run))
				return UCALL_NONE;
			continue;
		}
		cmd = kvm64_get_ucall(&k->vm, uc);
		if (cmd != UCALL_PRINTF)
			return cmd;
	}
}

static int kvm_set_target(void *h, uint32_t pages)
{
	struct kvm_h *k = h;

	ubal_set_target(k->dev, pages);
	return 0;
}

static int kvm_counts(void *h, struct bal_counts *c)
{
	struct kvm_h *k = h;

	c->target = k->dev->dev.num_pages;
	c->actual = k->dev->dev.actual;
	c->requests = k->dev->dev.cnt.requests;
	c->pages = k->dev->inflated + k->dev->deflated;
	c->exits = k->dev->mmio_exits;
	c->released = k->dev->madvise_pages;
	c->zap_calls = k->dev->madvise_calls;
	c->ept_zapped = 0;
	return 0;
}

static void kvm_describe(void *h, char *buf, size_t size)
{
	struct kvm_h *k = h;

	kvm64_describe(&k->vm, buf, size);
}

static const struct bal_ops kvm_ops = {
	.run_ucall = kvm_run_ucall, .set_target = kvm_set_target,
	.counts = kvm_counts, .describe = kvm_describe,
};

int bal_run_kvm(struct bal_result *res, char *why, size_t why_len)
{
	struct kvm_h k;
	void *mem;
	int r = -1;

	k.dev = calloc(1, sizeof(*k.dev));
	if (!k.dev)
		FAIL("out of memory");
	mem = map_at(BAL_GPA, BAL_SIZE);
	if (!mem) {
		free(k.dev);
		FAIL("mmap 64 MiB at 0x%llx: %s", BAL_GPA, strerror(errno));
	}
	r = kvm64_create(&k.vm, bal_guest_main, 0);
	if (r) {
		snprintf(why, why_len, "KVM VM: %s", strerror(-r));
		r = -1;
		goto out;
	}
	r = kvm64_add_slot(&k.vm, mem, BAL_SIZE);
	if (!r)
		r = ubal_init(k.dev, &k.vm, BAL_MMIO, mem, BAL_SIZE, 0);
	if (r) {
		snprintf(why, why_len, "KVM slot or device: %s", strerror(-r));
		r = -1;
		goto out;
	}
	r = workload(&kvm_ops, &k, mem, res, why, why_len);
	if (!r && k.dev->madvise_errors) {
		snprintf(why, why_len, "%llu madvise() calls failed",
			 (unsigned long long)k.dev->madvise_errors);
		r = -1;
	}
out:
	kvm64_destroy(&k.vm);
	munmap(mem, BAL_SIZE);
	free(k.dev);
	return r;
}

/* ---- the floor -------------------------------------------------------- */

static void touch(uint8_t *mem)
{
	uint64_t i;

	for (i = 0; i < BAL_PAGES; i++)
		mem[i * BAL_PAGE] = 1;
}

int bal_floor(struct bal_floor *f, char *why, size_t why_len)
{
	uint8_t *mem;
	double one;
	int r = 0;

	mem = mmap(NULL, BAL_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		FAIL("mmap 64 MiB: %s", strerror(errno));
	madvise(mem, BAL_SIZE, MADV_NOHUGEPAGE);
	touch(mem);
	r |= madvise_timed(mem, BAL_PAGE, &f->per_page_ns);
	touch(mem);
	r |= madvise_timed(mem, 256 * BAL_PAGE, &f->per_mib_ns);
	touch(mem);
	r |= madvise_timed(mem, BAL_SIZE, &one);
	f->one_call_ns = (uint64_t)(one * BAL_PAGES);
	f->res_after = resident(mem, BAL_SIZE);
	munmap(mem, BAL_SIZE);
	if (r)
		FAIL("madvise failed or left memory resident: %s", strerror(errno));
	return 0;
}
