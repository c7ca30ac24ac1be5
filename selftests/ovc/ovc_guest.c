// SPDX-License-Identifier: GPL-2.0
/*
 * The overcommit guest (see ovc_guest.h): guest code (page allocator,
 * workload with its own paging, balloon driver) and the host side (RAM
 * slot, balloon device, the disk device model with MINIVMM_REPORT_DMA,
 * one VM per process).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "ovc_guest.h"

#include "balloon_guest_driver.h"

/* The guest code below is built like the driver (see balloon_guest_driver.h). */
#pragma GCC push_options
#pragma GCC target("general-regs-only")
#pragma GCC optimize("no-stack-protector", "no-tree-loop-distribute-patterns")

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif

#define PAGE		MVM_PAGE_SIZE
#define LINES		64		/* words checked per page: one per 64 bytes */
#define NONE		0xffffffffu
#define VP_ON_DISK	1u
#define VP_DIRTY	2u
#define VP_REF		4u

/* ---------------------------------------------------------------------- */
/* Guest                                                                    */
/* ---------------------------------------------------------------------- */

/* Everything the guest keeps; the host reads and writes it at ticks. */
struct ovc_guest {
	/* Set by the host before the first run. */
	uint32_t ram_pages;
	uint32_t reserved;
	uint32_t wss;
	uint32_t hot_pages;
	uint32_t hot_pct;
	uint32_t write_pct;
	uint32_t chunk;
	uint32_t min_resident;
	uint32_t touch_all;
	uint32_t balloon;
	uint32_t paced;
	uint64_t rng;
	/* Host to guest, at ticks. */
	volatile uint64_t stop;
	volatile uint64_t cmd_seq;
	volatile uint64_t cmd;
	volatile uint64_t arg[3];
	/* Guest to host. */
	volatile uint64_t done_seq;
	volatile uint64_t result;
	struct ovc_counters c;
	uint32_t nfree;
	uint32_t hand;
	uint32_t resident;
	struct ovc_disk_req req;
};

static struct ovc_guest g_ovc;
static uint32_t g_free[OVC_MAX_RAM_PAGES];
static uint32_t g_frame_vp[OVC_MAX_RAM_PAGES];
static uint32_t g_balloon_pfns[OVC_MAX_RAM_PAGES];
static uint32_t g_vp_frame[OVC_MAX_WSS_PAGES];
static uint32_t g_vp_ver[OVC_MAX_WSS_PAGES];
static uint8_t g_vp_flags[OVC_MAX_WSS_PAGES];
static struct balloon g_balloon;
static uint8_t g_dma[64 * 1024] __attribute__((aligned(4096)));

GUEST_CODE static volatile uint64_t *frame_ptr(uint32_t fi)
{
	return (volatile uint64_t *)(uintptr_t)(OVC_RAM_GPA + (uint64_t)fi * PAGE);
}

GUEST_CODE static uint64_t g_word(uint64_t tag, uint64_t line)
{
	return (tag * 0x9e3779b97f4a7c15ULL) ^ (line * 0xbf58476d1ce4e5b9ULL) ^
	       0x5bd1e995ULL;
}

GUEST_CODE static void fill_page(uint32_t fi, uint64_t tag)
{
	volatile uint64_t *p = frame_ptr(fi);
	uint64_t l;

	for (l = 0; l < LINES; l++)
		p[l * 8] = g_word(tag, l);
}

GUEST_CODE static int check_page(uint32_t fi, uint64_t tag)
{
	volatile uint64_t *p = frame_ptr(fi);
	uint64_t l;

	for (l = 0; l < LINES; l++)
		if (p[l * 8] != g_word(tag, l))
			return 0;
	return 1;
}

GUEST_CODE static uint64_t rnd(struct ovc_guest *g)
{
	uint64_t x = g->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	g->rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

GUEST_CODE static uint32_t disk_io(struct ovc_guest *g, uint32_t op,
				   uint32_t fi, uint32_t n, uint64_t sector)
{
	g->req.op = op;
	g->req.status = 0xffff;
	g->req.sector = sector;
	g->req.gpa = OVC_RAM_GPA + (uint64_t)fi * PAGE;
	g->req.len = (uint64_t)n * PAGE;
	asm volatile("outl %k0, %w1"
		     : : "a"((uint32_t)(uintptr_t)&g->req),
		       "Nd"((uint16_t)OVC_DISK_PORT) : "memory");
	if (op == OVC_DISK_OP_READ) {
		g->c.disk_reads++;
		g->c.disk_read_pages += n;
	} else {
		g->c.disk_writes++;
		g->c.disk_write_pages += n;
	}
	if (READ_ONCE(g->req.status))
		g->c.disk_errors++;
	return READ_ONCE(g->req.status);
}

/* Evict a working-set page (clock): its frame, or NONE. */
GUEST_CODE static uint32_t evict(struct ovc_guest *g)
{
	uint32_t span = g->ram_pages - g->reserved, i, fi, vp;

	if (!g->resident)
		return NONE;
	for (i = 0; i < 2 * span + 1; i++) {
		fi = g->reserved + g->hand;
		g->hand = g->hand + 1 == span ? 0 : g->hand + 1;
		vp = g_frame_vp[fi];
		if (vp == NONE)
			continue;
		if (g_vp_flags[vp] & VP_REF) {
			g_vp_flags[vp] &= ~VP_REF;
			continue;
		}
		if ((g_vp_flags[vp] & VP_DIRTY) || !(g_vp_flags[vp] & VP_ON_DISK)) {
			disk_io(g, OVC_DISK_OP_WRITE, fi, 1, g->reserved + vp);
			g->c.swap_out++;
		}
		g_vp_flags[vp] = VP_ON_DISK;
		g_vp_frame[vp] = NONE;
		g_frame_vp[fi] = NONE;
		g->resident--;
		return fi;
	}
	return NONE;
}

GUEST_CODE static uint32_t get_frame(struct ovc_guest *g)
{
	uint32_t fi;

	if (g->nfree)
		return g_free[--g->nfree];
	fi = evict(g);
	if (fi != NONE)
		return fi;
	if (g->balloon == OVC_BALLOON_DRIVER &&
	    balloon_oom_deflate(&g_balloon, 16) && g->nfree)
		return g_free[--g->nfree];
	return NONE;
}

GUEST_CODE static void workload_op(struct ovc_guest *g)
{
	uint64_t r = rnd(g);
	uint32_t vp, fi;

	if (g->hot_pages && (r % 100) < g->hot_pct)
		vp = (r >> 8) % g->hot_pages;
	else
		vp = (r >> 8) % g->wss;
	fi = g_vp_frame[vp];
	if (fi == NONE) {
		fi = get_frame(g);
		if (fi == NONE)
			return;
		if (g_vp_flags[vp] & VP_ON_DISK) {
			disk_io(g, OVC_DISK_OP_READ, fi, 1, g->reserved + vp);
			g->c.swap_in++;
		}
		g_vp_frame[vp] = fi;
		g_frame_vp[fi] = vp;
		g->resident++;
	}
	g_vp_flags[vp] |= VP_REF;
	if (g_vp_ver[vp] &&
	    !check_page(fi, ((uint64_t)vp << 32) | g_vp_ver[vp]))
		g->c.corrupt++;
	if (!g_vp_ver[vp] || ((r >> 40) % 100) < g->write_pct) {
		g_vp_ver[vp]++;
		fill_page(fi, ((uint64_t)vp << 32) | g_vp_ver[vp]);
		g_vp_flags[vp] |= VP_DIRTY;
	}
	g->c.ops++;
}

GUEST_CODE static int g_alloc_page(void *ctx, __u32 *pfn)
{
	struct ovc_guest *g = &g_ovc;
	uint32_t fi;

	if (g->nfree) {
		fi = g_free[--g->nfree];
	} else {
		if (g->resident <= g->min_resident)
			return -1;
		fi = evict(g);
		if (fi == NONE)
			return -1;
	}
	*pfn = (uint32_t)(OVC_RAM_GPA / PAGE) + fi;
	return 0;
}

GUEST_CODE static void g_free_page(void *ctx, __u32 pfn)
{
	struct ovc_guest *g = &g_ovc;
	uint32_t base = (uint32_t)(OVC_RAM_GPA / PAGE);

	if (pfn < base + g->reserved || pfn >= base + g->ram_pages)
		return;
	if (g->nfree < g->ram_pages)
		g_free[g->nfree++] = pfn - base;
}

GUEST_CODE static unsigned int g_fill_stats(void *ctx, struct balloon_stat *st,
					    unsigned int max)
{
	struct ovc_guest *g = &g_ovc;

	if (max < 5)
		return 0;
	st[0].tag = VIRTIO_BALLOON_S_MEMFREE;
	st[0].val = (uint64_t)g->nfree * PAGE;
	st[1].tag = VIRTIO_BALLOON_S_MEMTOT;
	st[1].val = (uint64_t)g->ram_pages * PAGE;
	st[2].tag = VIRTIO_BALLOON_S_AVAIL;
	st[2].val = (uint64_t)g->nfree * PAGE;
	st[3].tag = VIRTIO_BALLOON_S_SWAP_IN;
	st[3].val = g->c.swap_in * PAGE;
	st[4].tag = VIRTIO_BALLOON_S_SWAP_OUT;
	st[4].val = g->c.swap_out * PAGE;
	return 5;
}

static const struct balloon_env g_env = {
	.io = BALLOON_GUEST_IO(OVC_BALLOON_MMIO),
	.alloc_page = g_alloc_page,
	.free_page = g_free_page,
	.fill_stats = g_fill_stats,
};

GUEST_CODE static uint64_t run_cmd(struct ovc_guest *g)
{
	uint64_t f0 = g->arg[0], n = g->arg[1], a2 = g->arg[2], i, bad = 0;

	if (f0 + n > g->reserved || !n)
		return ~0ULL;
	switch (g->cmd) {
	case OVC_CMD_FILL:
		for (i = f0; i < f0 + n; i++)
			fill_page(i, (a2 << 32) | i);
		return 0;
	case OVC_CMD_CHECK:
		for (i = f0; i < f0 + n; i++)
			bad += !check_page(i, (a2 << 32) | i);
		return bad;
	case OVC_CMD_DISK_WRITE:
		return disk_io(g, OVC_DISK_OP_WRITE, f0, n, a2);
	case OVC_CMD_DISK_READ:
		return disk_io(g, OVC_DISK_OP_READ, f0, n, a2);
	}
	return ~0ULL;
}

GUEST_CODE static void ovc_guest_main(uint64_t id)
{
	struct ovc_guest *g = &g_ovc;
	uint32_t i, k;
	int r, busy;

	for (i = 0; i < g->ram_pages; i++)
		g_frame_vp[i] = NONE;
	g->nfree = 0;
	for (i = g->ram_pages; i > g->reserved; i--)
		g_free[g->nfree++] = i - 1;
	for (i = 0; i < g->wss; i++) {
		g_vp_frame[i] = NONE;
		g_vp_ver[i] = 0;
		g_vp_flags[i] = 0;
	}
	if (g->touch_all)
		for (i = 0; i < g->ram_pages; i++)
			frame_ptr(i)[0] = i;
	if (g->balloon == OVC_BALLOON_DRIVER) {
		GUEST_ASSERT(balloon_dma_size() <= sizeof(g_dma));
		r = balloon_init(&g_balloon, &g_env, g_dma, balloon_dma_size(),
				 g_balloon_pfns, g->ram_pages);
		GUEST_ASSERT_EQ(r, 0);
	}
	for (;;) {
		g->c.free_pages = g->nfree;
		g->c.resident_pages = g->resident;
		if (g->balloon == OVC_BALLOON_DRIVER) {
			g->c.balloon_pages = g_balloon.num_pages;
			g->c.stats_sent = g_balloon.stats_sent;
		}
		asm volatile("outl %k0, %w1"
			     : : "a"(0), "Nd"((uint16_t)OVC_TICK_PORT) : "memory");
		if (READ_ONCE(g->cmd_seq) != g->done_seq) {
			g->result = run_cmd(g);
			g->c.cmd_done++;
			WRITE_ONCE(g->done_seq, g->cmd_seq);
			continue;
		}
		if (READ_ONCE(g->stop))
			break;
		busy = 0;
		if (g->wss) {
			for (k = 0; k < g->chunk; k++)
				workload_op(g);
			busy = 1;
		}
		if (g->balloon == OVC_BALLOON_DRIVER) {
			for (k = 0; k < 32; k++) {
				r = balloon_poll(&g_balloon);
				if (r == -VMG_ENOMEM)
					g->c.balloon_short++;
				else if (r < 0)
					g->c.balloon_errors++;
				if (r != 1)
					break;
				busy = 1;
			}
			g->c.balloon_target = balloon_target(&g_balloon);
		}
		if (!busy || g->paced)
			guest_hlt();
	}
	GUEST_DONE();
}
#pragma GCC pop_options

/* ---------------------------------------------------------------------- */
/* Host                                                                     */
/* ---------------------------------------------------------------------- */

static int set_err(struct ovc_vm *v, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_err(struct ovc_vm *v, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->err, sizeof(v->err), fmt, ap);
	va_end(ap);
	return err;
}

static void apply_defaults(struct ovc_config *c)
{
	if (!c->hot_share_pct)
		c->hot_share_pct = 25;
	if (!c->hot_pct)
		c->hot_pct = 75;
	if (!c->write_pct)
		c->write_pct = 50;
	if (!c->ops_per_chunk)
		c->ops_per_chunk = 128;
	if (!c->min_resident)
		c->min_resident = 64;
	if (!c->seed)
		c->seed = 1;
	if (!c->pace_ms)
		c->pace_ms = 10;
	if (!c->disk_pages)
		c->disk_pages = c->wss_pages + c->reserved_pages;
}

int ovc_vm_create(struct ovc_vm *v, const struct ovc_config *cfg)
{
	struct minivmm_balloon_config bc = { 0 };
	uint64_t pages = cfg->ram_bytes / PAGE;
	void *p;
	int r;

	memset(v, 0, sizeof(*v));
	v->cfg = *cfg;
	apply_defaults(&v->cfg);
	cfg = &v->cfg;
	if (!pages || cfg->ram_bytes % PAGE || pages > OVC_MAX_RAM_PAGES)
		return set_err(v, -EINVAL, "RAM size %llu: not a multiple of 4 KiB in 4 KiB .. %u MiB",
			       (unsigned long long)cfg->ram_bytes,
			       OVC_MAX_RAM_PAGES / 256);
	if (cfg->wss_pages > OVC_MAX_WSS_PAGES)
		return set_err(v, -EINVAL, "working set of %u pages: at most %u",
			       cfg->wss_pages, OVC_MAX_WSS_PAGES);
	if (cfg->reserved_pages >= pages)
		return set_err(v, -EINVAL, "%u reserved pages of %llu",
			       cfg->reserved_pages, (unsigned long long)pages);
	if (cfg->disk_pages < cfg->wss_pages + cfg->reserved_pages)
		return set_err(v, -EINVAL, "disk of %u pages: needs %u",
			       cfg->disk_pages, cfg->wss_pages + cfg->reserved_pages);
	if (cfg->balloon > OVC_BALLOON_IGNORE)
		return set_err(v, -EINVAL, "balloon mode %u", cfg->balloon);
	if (cfg->hot_share_pct > 100 || cfg->hot_pct > 100 || cfg->write_pct > 100)
		return set_err(v, -EINVAL, "percentages above 100");

	v->vm = vm_create();
	if (!v->vm)
		return set_err(v, -errno, "vm_create: %s", strerror(errno));
	if (vm_is_guest_mem(v->vm, (void *)(uintptr_t)OVC_RAM_GPA, cfg->ram_bytes) ||
	    vm_is_guest_mem(v->vm, (void *)(uintptr_t)OVC_BALLOON_MMIO, PAGE)) {
		r = set_err(v, -EEXIST, "guest memory already at 0x%llx",
			    OVC_RAM_GPA);
		goto fail;
	}
	p = mmap((void *)(uintptr_t)OVC_RAM_GPA, cfg->ram_bytes,
		 PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE,
		 -1, 0);
	if (p == MAP_FAILED || (uintptr_t)p != OVC_RAM_GPA) {
		r = set_err(v, p == MAP_FAILED ? -errno : -EEXIST,
			    "mmap of %llu bytes at 0x%llx: %s",
			    (unsigned long long)cfg->ram_bytes, OVC_RAM_GPA,
			    p == MAP_FAILED ? strerror(errno) : "elsewhere");
		if (p != MAP_FAILED)
			munmap(p, cfg->ram_bytes);
		goto fail;
	}
	v->ram = p;
	v->ram_pages = pages;
	madvise(v->ram, cfg->ram_bytes, MADV_NOHUGEPAGE);
	r = vm_add_region(v->vm, 0, OVC_RAM_GPA, cfg->ram_bytes, v->ram);
	if (r < 0) {
		r = set_err(v, r, "SET_MEMORY_REGION for the RAM slot: %s",
			    strerror(-r));
		goto fail;
	}
	v->disk_pages = cfg->disk_pages ? cfg->disk_pages : 1;
	p = mmap(NULL, v->disk_pages * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		r = set_err(v, -errno, "mmap of the disk (%llu pages): %s",
			    (unsigned long long)v->disk_pages, strerror(errno));
		goto fail;
	}
	v->disk = p;
	madvise(v->disk, v->disk_pages * PAGE, MADV_NOHUGEPAGE);
	if (cfg->balloon != OVC_BALLOON_NONE) {
		bc.mmio_base = OVC_BALLOON_MMIO;
		bc.irq_vector = OVC_BALLOON_VECTOR;
		bc.initial_target_pages = cfg->initial_target_pages;
		bc.stats_interval_ms = cfg->stats_interval_ms;
		if (ioctl(v->vm->fd, MINIVMM_CREATE_BALLOON, &bc)) {
			r = set_err(v, -errno, "MINIVMM_CREATE_BALLOON: %s",
				    strerror(errno));
			goto fail;
		}
	}

	memset(&g_ovc, 0, sizeof(g_ovc));
	g_ovc.ram_pages = pages;
	g_ovc.reserved = cfg->reserved_pages;
	g_ovc.wss = cfg->wss_pages;
	g_ovc.hot_pages = (uint64_t)cfg->wss_pages * cfg->hot_share_pct / 100;
	g_ovc.hot_pct = cfg->hot_pct;
	g_ovc.write_pct = cfg->write_pct;
	g_ovc.chunk = cfg->ops_per_chunk;
	g_ovc.min_resident = cfg->min_resident;
	g_ovc.touch_all = cfg->touch_all;
	g_ovc.balloon = cfg->balloon;
	g_ovc.paced = !cfg->flat_out;
	g_ovc.rng = 0x853c49e6748fea9bULL ^ cfg->seed;
	v->vcpu = vm_add_vcpu(v->vm, 0, ovc_guest_main);
	if (!v->vcpu) {
		r = set_err(v, -errno, "vm_add_vcpu: %s", strerror(errno));
		goto fail;
	}
	return 0;
fail:
	ovc_vm_destroy(v);
	return r;
}

void ovc_vm_destroy(struct ovc_vm *v)
{
	if (v->vm)
		vm_free(v->vm);
	v->vm = NULL;
	v->vcpu = NULL;
	if (v->ram)
		munmap(v->ram, v->ram_pages * PAGE);
	v->ram = NULL;
	if (v->disk)
		munmap(v->disk, v->disk_pages * PAGE);
	v->disk = NULL;
}

/* The disk device: one request at @addr in guest memory. */
static void disk_request(struct ovc_vm *v, uint32_t addr)
{
	struct ovc_disk_req *req = (struct ovc_disk_req *)(uintptr_t)addr;
	struct minivmm_dma_report rep = { 0 };
	uint64_t off, end = OVC_RAM_GPA + v->ram_pages * PAGE;
	int write;

	if (!vm_is_guest_mem(v->vm, req, sizeof(*req))) {
		v->host.disk_errors++;
		return;	/* nowhere to write a status */
	}
	write = req->op == OVC_DISK_OP_WRITE;
	if ((req->op != OVC_DISK_OP_READ && !write) ||
	    !req->len || req->len % PAGE || req->len > OVC_MAX_IO_PAGES * PAGE ||
	    req->gpa % PAGE || req->gpa < OVC_RAM_GPA || req->gpa >= end ||
	    req->len > end - req->gpa ||
	    req->sector >= v->disk_pages ||
	    req->len / PAGE > v->disk_pages - req->sector) {
		v->host.disk_errors++;
		req->status = EINVAL;
		return;
	}
	rep.gpa = req->gpa;
	rep.size = req->len;
	rep.direction = write ? MINIVMM_DMA_TO_DEVICE : MINIVMM_DMA_FROM_DEVICE;
	if (ioctl(v->vm->fd, MINIVMM_REPORT_DMA, &rep)) {
		if (!v->host.dma_errors)
			fprintf(stderr, "# ovc: MINIVMM_REPORT_DMA: %s\n",
				strerror(errno));
		v->host.dma_errors++;
	} else {
		v->host.dma_reports++;
		if (write)
			v->host.dma_swapped_to_dev += rep.swapped_pages;
		else
			v->host.dma_swapped_from_dev += rep.swapped_pages;
	}
	off = req->gpa - OVC_RAM_GPA;
	if (write) {
		memcpy(v->disk + req->sector * PAGE, v->ram + off, req->len);
		if (v->cfg.disk_pageout)
			madvise(v->disk + req->sector * PAGE, req->len,
				MADV_PAGEOUT);
	} else {
		memcpy(v->ram + off, v->disk + req->sector * PAGE, req->len);
	}
	req->status = 0;
}

int ovc_vm_run_tick(struct ovc_vm *v)
{
	struct minivmm_run *run = v->vcpu->run;
	struct ucall uc;
	char d[512];
	uint64_t cmd;

	if (v->done)
		return 0;
	for (;;) {
		cmd = vcpu_run_ucall(v->vcpu, &uc);
		if (cmd == UCALL_DONE) {
			v->done = 1;
			return 0;
		}
		if (cmd != UCALL_NONE) {
			vcpu_describe(v->vcpu, d, sizeof(d));
			return set_err(v, -EIO, "guest: %s", d);
		}
		if (v->vcpu->last_ret == -EINTR)
			continue;
		if (v->vcpu->last_ret)
			return set_err(v, v->vcpu->last_ret, "MINIVMM_RUN: %s",
				       strerror(-v->vcpu->last_ret));
		if (run->exit_reason == MINIVMM_EXIT_HLT)
			return 2;
		if (run->exit_reason == MINIVMM_EXIT_IO &&
		    run->io.direction == MINIVMM_EXIT_IO_OUT && run->io.size == 4) {
			if (run->io.port == OVC_DISK_PORT) {
				disk_request(v, *(uint32_t *)vcpu_io_data(v->vcpu));
				continue;
			}
			if (run->io.port == OVC_TICK_PORT) {
				v->host.ticks++;
				return 1;
			}
		}
		vcpu_describe(v->vcpu, d, sizeof(d));
		return set_err(v, -EIO, "unexpected exit: %s", d);
	}
}

int ovc_vm_command(struct ovc_vm *v, enum ovc_cmd cmd, uint64_t a0,
		   uint64_t a1, uint64_t a2, uint64_t *result)
{
	uint64_t seq = g_ovc.cmd_seq + 1;
	int i, r;

	g_ovc.cmd = cmd;
	g_ovc.arg[0] = a0;
	g_ovc.arg[1] = a1;
	g_ovc.arg[2] = a2;
	WRITE_ONCE(g_ovc.cmd_seq, seq);
	for (i = 0; i < 1000; i++) {
		r = ovc_vm_run_tick(v);
		if (r < 0)
			return r;
		if (r == 0)
			return set_err(v, -ESRCH, "guest finished before the command");
		if (READ_ONCE(g_ovc.done_seq) == seq) {
			if (result)
				*result = g_ovc.result;
			return 0;
		}
	}
	return set_err(v, -ETIMEDOUT, "guest did not run command %d", cmd);
}

int ovc_vm_stop(struct ovc_vm *v)
{
	int r, i;

	WRITE_ONCE(g_ovc.stop, 1);
	for (i = 0; i < 100000; i++) {
		r = ovc_vm_run_tick(v);
		if (r <= 0)
			return r;
	}
	return set_err(v, -ETIMEDOUT, "guest did not stop");
}

void ovc_vm_counters(struct ovc_vm *v, struct ovc_counters *c)
{
	*c = g_ovc.c;
	c->disk_errors += v->host.disk_errors;
	c->dma_reports = v->host.dma_reports;
	c->dma_errors = v->host.dma_errors;
	c->dma_swapped_to_dev = v->host.dma_swapped_to_dev;
	c->dma_swapped_from_dev = v->host.dma_swapped_from_dev;
	c->ticks = v->host.ticks;
}

/* ---------------------------------------------------------------------- */
/* One VM per process                                                       */
/* ---------------------------------------------------------------------- */

struct ovc_slot *ovc_slots_alloc(unsigned int n)
{
	void *p = mmap(NULL, n * sizeof(struct ovc_slot), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void publish(struct ovc_vm *v, struct ovc_slot *slot)
{
	ovc_vm_counters(v, &slot->c);
	__atomic_store_n(&slot->updated_ns, mvm_now_ns(), __ATOMIC_RELEASE);
}

static int child_main(const struct ovc_config *cfg, struct ovc_slot *slot)
{
	struct ovc_vm v;
	int r;

	r = ovc_vm_create(&v, cfg);
	if (r) {
		snprintf(slot->err, sizeof(slot->err), "%s", v.err);
		return 1;
	}
	publish(&v, slot);
	slot->state = OVC_RUNNING;
	while (!slot->stop) {
		r = ovc_vm_run_tick(&v);
		if (r <= 0)
			break;
		publish(&v, slot);
		if (r == 2)
			usleep(v.cfg.pace_ms * 1000);
	}
	if (r > 0)
		r = ovc_vm_stop(&v);
	publish(&v, slot);
	if (r < 0 || !v.done) {
		snprintf(slot->err, sizeof(slot->err), "%s",
			 r < 0 ? v.err : "guest ended early");
		ovc_vm_destroy(&v);
		return 1;
	}
	ovc_vm_destroy(&v);
	if (slot->c.corrupt) {
		snprintf(slot->err, sizeof(slot->err), "%llu corrupted pages",
			 (unsigned long long)slot->c.corrupt);
		return 1;
	}
	return 0;
}

pid_t ovc_spawn(const struct ovc_config *cfg, struct ovc_slot *slot)
{
	pid_t pid;
	int r;

	slot->stop = 0;
	slot->state = OVC_STARTING;
	slot->err[0] = 0;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		slot->pid = getpid();
		r = child_main(cfg, slot);
		slot->state = r ? OVC_FAILED : OVC_DONE;
		fflush(NULL);
		_exit(r);
	}
	slot->pid = pid;
	return pid;
}

int ovc_wait_running(struct ovc_slot *slot, unsigned int timeout_ms)
{
	uint64_t end = mvm_now_ns() + (uint64_t)timeout_ms * 1000000;

	while (mvm_now_ns() < end) {
		if (slot->state == OVC_RUNNING)
			return 0;
		if (slot->state == OVC_FAILED || slot->state == OVC_DONE)
			return -EIO;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

int ovc_find_vm_id(int dev_fd, pid_t pid)
{
	struct minivmm_vm_info info[64];
	struct minivmm_vm_list l = { 0 };
	unsigned int i;

	memset(info, 0, sizeof(info));
	l.capacity = 64;
	l.vms = (uintptr_t)info;
	if (ioctl(dev_fd, MINIVMM_ADMIN_LIST_VMS, &l))
		return -errno;
	for (i = 0; i < l.nr_vms && i < l.capacity; i++)
		if ((pid_t)info[i].owner_pid == pid)
			return info[i].vm_id;
	return -ENOENT;
}

/* ---------------------------------------------------------------------- */
/* Host helpers                                                             */
/* ---------------------------------------------------------------------- */

static uint64_t proc_field(const char *path, const char *key, int colon)
{
	unsigned long long v;
	size_t n = strlen(key);
	char line[256];
	uint64_t val = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, n) || line[n] != (colon ? ':' : ' '))
			continue;
		if (sscanf(line + n + 1, "%llu", &v) == 1)
			val = v;
		break;
	}
	fclose(f);
	return val;
}

uint64_t ovc_meminfo_kb(const char *key)
{
	return proc_field("/proc/meminfo", key, 1);
}

uint64_t ovc_vmstat(const char *key)
{
	return proc_field("/proc/vmstat", key, 0);
}

int ovc_admin_vm_stats(int dev_fd, int vm_id, struct minivmm_admin_vm_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->vm_id = vm_id;
	return ioctl(dev_fd, MINIVMM_ADMIN_GET_VM_STATS, st) ? -errno : 0;
}

int ovc_admin_monitor(int dev_fd, struct minivmm_monitor_status *m)
{
	memset(m, 0, sizeof(*m));
	return ioctl(dev_fd, MINIVMM_ADMIN_GET_MONITOR, m) ? -errno : 0;
}

int ovc_admin_get_policy(int dev_fd, struct minivmm_policy *p)
{
	memset(p, 0, sizeof(*p));
	return ioctl(dev_fd, MINIVMM_ADMIN_GET_POLICY, p) ? -errno : 0;
}

int ovc_admin_set_policy(int dev_fd, const struct minivmm_policy *p)
{
	return ioctl(dev_fd, MINIVMM_ADMIN_SET_POLICY, p) ? -errno : 0;
}

int ovc_admin_set_balloon(int dev_fd, int vm_id, uint32_t flags, uint32_t mode,
			  uint32_t target, uint64_t floor, uint64_t ceiling)
{
	struct minivmm_vm_balloon_ctl c;

	memset(&c, 0, sizeof(c));
	c.vm_id = vm_id;
	c.flags = flags;
	c.mode = mode;
	c.target_pages = target;
	c.floor_pages = floor;
	c.ceiling_pages = ceiling;
	return ioctl(dev_fd, MINIVMM_ADMIN_SET_VM_BALLOON, &c) ? -errno : 0;
}

const char *ovc_state_name(uint32_t state)
{
	static const char *const names[] = { "high", "soft", "hard", "low" };

	return state < 4 ? names[state] : "?";
}
