// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side helpers of the balloon selftests (see balloon_host.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "balloon_host.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

void *mvm_map_at(uint64_t addr, size_t size)
{
	void *p = mmap((void *)(uintptr_t)addr, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if ((uintptr_t)p != addr) {	/* kernels without NOREPLACE */
		munmap(p, size);
		errno = EEXIST;
		return NULL;
	}
	madvise(p, size, MADV_NOHUGEPAGE);
	return p;
}

uint64_t mvm_resident_pages(const void *p, size_t size)
{
	size_t i, n = size / MVM_PAGE_SIZE;
	unsigned char *vec = malloc(n ? n : 1);
	uint64_t res = 0;

	if (!vec)
		return ~0ULL;
	if (mincore((void *)p, size, vec)) {
		free(vec);
		return ~0ULL;
	}
	for (i = 0; i < n; i++)
		res += vec[i] & 1;
	free(vec);
	return res;
}

uint64_t mvm_proc_kb(const char *path, const char *name)
{
	unsigned long long kb;
	char line[256];
	size_t n = strlen(name);
	uint64_t val = ~0ULL;
	FILE *f = fopen(path, "re");

	if (!f)
		return ~0ULL;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, n) && line[n] == ':' &&
		    sscanf(line + n + 1, "%llu", &kb) == 1) {
			val = kb;
			break;
		}
	}
	fclose(f);
	return val;
}

uint64_t mvm_vmstat(const char *name)
{
	unsigned long long v;
	char key[64];
	uint64_t val = ~0ULL;
	FILE *f = fopen("/proc/vmstat", "re");

	if (!f)
		return ~0ULL;
	while (fscanf(f, "%63s %llu", key, &v) == 2) {
		if (!strcmp(key, name)) {
			val = v;
			break;
		}
	}
	fclose(f);
	return val;
}

int vm_balloon_status(struct mvm_vm *vm, struct minivmm_balloon_status *st)
{
	memset(st, 0xa5, sizeof(*st));
	return ioctl(vm->fd, MINIVMM_GET_BALLOON_STATS, st) ? -errno : 0;
}

int vm_balloon_target(struct mvm_vm *vm, uint32_t pages)
{
	struct minivmm_balloon_target t = { .target_pages = pages };

	return ioctl(vm->fd, MINIVMM_SET_BALLOON_TARGET, &t) ? -errno : 0;
}
