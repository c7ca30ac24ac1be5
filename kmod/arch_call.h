/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The backend's hooks that run on every exit or context switch, called as
 * static calls (patched into direct calls once the backend is chosen, as
 * KVM does with kvm_x86_ops) rather than through the ops table's pointers.
 * Use minivmm_call(name)(args) for them; the others stay minivmm_arch->name.
 */
#ifndef MINIVMM_ARCH_CALL_H
#define MINIVMM_ARCH_CALL_H

#include <linux/static_call.h>
#include "arch_ops.h"

#define MINIVMM_ARCH_CALL(name)						\
	DECLARE_STATIC_CALL(minivmm_arch_##name,			\
			    *(((struct minivmm_arch_ops *)0)->name))
#include "arch_calls.h"
#undef MINIVMM_ARCH_CALL

#define minivmm_call(name)	static_call(minivmm_arch_##name)

void minivmm_arch_calls_update(const struct minivmm_arch_ops *ops);

#endif /* MINIVMM_ARCH_CALL_H */
