// SPDX-License-Identifier: GPL-2.0
/*
 * 2 MiB EPT leaves: guest memory the VMM backs with transparent huge pages
 * is mapped with one EPT entry per 2 MiB; a partial invalidation (here
 * MADV_DONTNEED of one 4 KiB page) removes that leaf, and the rest of the
 * range comes back through 4 KiB mappings with its data intact.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "kselftest_harness.h"
#include "minivmm_util.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

#define THP_GPA		0xa0000000ULL
#define THP_SIZE	(8ULL << 20)
#define THP_PAGES	(THP_SIZE / MVM_PAGE_SIZE)
#define THP_SLOT	22
#define DROP_PAGE	37	/* inside the first 2 MiB */

static uint64_t val(uint64_t i)
{
	return 0x7468700000000000ULL | i;
}

/* Sum of mismatches over all pages, reported twice around a SYNC. */
GUEST_CODE static void guest_check(uint64_t base, uint64_t npages, uint64_t drop)
{
	uint64_t pass, i, bad;

	for (pass = 0; pass < 2; pass++) {
		bad = 0;
		for (i = 0; i < npages; i++) {
			uint64_t v = *(volatile uint64_t *)(base + i * MVM_PAGE_SIZE);
			uint64_t want = (pass && i == drop) ? 0 :
					(0x7468700000000000ULL | i);

			bad += v != want;
		}
		GUEST_SYNC(bad);
	}
	GUEST_DONE();
}

/* AnonHugePages of the mapping that starts at @addr, from smaps; -1 if none. */
static long anon_huge_kb(void *addr)
{
	unsigned long start, end;
	char line[256];
	long kb = -1;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = start == (unsigned long)addr;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

TEST(thp_backed_memory_gets_2mib_leaves)
{
	uint64_t args[3] = { THP_GPA, THP_PAGES, DROP_PAGE };
	struct minivmm_mem_stats a, b, c;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	struct ucall uc;
	uint64_t i, *mem;
	long kb;

	mem = mmap((void *)THP_GPA, THP_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_NE(MAP_FAILED, mem) TH_LOG("mmap: %s", strerror(errno));
	ASSERT_EQ(0, madvise(mem, THP_SIZE, MADV_HUGEPAGE));
	for (i = 0; i < THP_PAGES; i++)
		mem[i * (MVM_PAGE_SIZE / 8)] = val(i);
	kb = anon_huge_kb(mem);
	TH_LOG("AnonHugePages of the range: %ld kB", kb);
	ASSERT_LT(0, kb) TH_LOG("the host did not back the range with huge pages");

	vm = vm_create();
	ASSERT_NE(NULL, vm);
	ASSERT_GT(THP_SLOT, vm->nr_slots);
	ASSERT_EQ(0, vm_set_region(vm, THP_SLOT, 0, THP_GPA, THP_SIZE, mem));
	vcpu = vm_add_vcpu(vm, 0, guest_check);
	ASSERT_NE(NULL, vcpu);
	ASSERT_EQ(0, vcpu_set_args(vcpu, 3, args));

	ASSERT_EQ(0, ioctl(vm->fd, MINIVMM_GET_MEM_STATS, &a));
	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, &uc));
	EXPECT_EQ(0, uc.args[0]) TH_LOG("pages read wrong in the first pass");
	ASSERT_EQ(0, ioctl(vm->fd, MINIVMM_GET_MEM_STATS, &b));
	TH_LOG("after the first pass: huge_mapped %llu (+%llu), pages_mapped +%llu",
	       (unsigned long long)b.huge_mapped,
	       (unsigned long long)(b.huge_mapped - a.huge_mapped),
	       (unsigned long long)(b.pages_mapped - a.pages_mapped));
	/* Every 2 MiB the host backs with a huge page: one EPT leaf each. */
	EXPECT_LE((uint64_t)kb / 2048, b.huge_mapped - a.huge_mapped);
	EXPECT_LT(b.pages_mapped - a.pages_mapped, THP_PAGES / 4);

	/* Drop one 4 KiB page: its 2 MiB leaf goes, the data elsewhere stays. */
	ASSERT_EQ(0, madvise((char *)mem + DROP_PAGE * MVM_PAGE_SIZE, MVM_PAGE_SIZE,
			     MADV_DONTNEED));
	ASSERT_EQ(0, ioctl(vm->fd, MINIVMM_GET_MEM_STATS, &c));
	EXPECT_EQ(b.huge_mapped - 1, c.huge_mapped);
	EXPECT_LE(b.pages_zapped + 512, c.pages_zapped);

	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, &uc));
	EXPECT_EQ(0, uc.args[0]) TH_LOG("pages read wrong after the partial drop");
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, &uc));
	ASSERT_EQ(0, ioctl(vm->fd, MINIVMM_GET_MEM_STATS, &b));
	TH_LOG("after the second pass: huge_mapped %llu, pages_mapped %llu",
	       (unsigned long long)b.huge_mapped, (unsigned long long)b.pages_mapped);
	/* The split 2 MiB comes back in 4 KiB pieces. */
	EXPECT_LE(c.pages_mapped + 500, b.pages_mapped);
	vm_free(vm);
	munmap(mem, THP_SIZE);
}

TEST_HARNESS_MAIN
