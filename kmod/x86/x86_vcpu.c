// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's x86 state: allocation, the architectural reset state (Intel SDM
 * Vol. 3, 10.1.1; AMD APM Vol. 2, 14.1.3), and the x86 vCPU ioctls:
 * GET/SET_REGS, _SREGS, _FPU, _MSRS, SET_CPUID and INTERRUPT.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include "cpuid.h"
#include "irq.h"
#include "x86.h"
#include "../arch_call.h"

u64 minivmm_host_xcr0 __ro_after_init;

/**
 * minivmm_x86_init() - read the host state the x86 layer depends on
 *
 * The host's XCR0 is read only when the kernel enabled XSAVE (CR4.OSXSAVE):
 * XGETBV would fault otherwise.
 * Return: 0.
 */
int minivmm_x86_init(void)
{
	if (boot_cpu_has(X86_FEATURE_OSXSAVE))
		minivmm_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	return 0;
}

/**
 * minivmm_x86_vcpu_init() - allocate a new vCPU's x86 state
 * @vcpu: the vCPU (its id set).
 *
 * Return: 0 or -ENOMEM.
 */
int minivmm_x86_vcpu_init(struct minivmm_vcpu *vcpu)
{
	int r;

	if (!fpu_alloc_guest_fpstate(&vcpu->arch.guest_fpu))
		return -ENOMEM;
	r = minivmm_cpuid_default(vcpu);
	if (r) {
		fpu_free_guest_fpstate(&vcpu->arch.guest_fpu);
		return r;
	}
	/* The first entry flushes: a dead VM may have used the same tags. */
	set_bit(MINIVMM_REQ_TLB_FLUSH, &vcpu->requests);
	return 0;
}

/**
 * minivmm_x86_vcpu_reset() - the architectural reset state of the x86
 *	registers the x86 layer holds; called by the backend while it
 *	creates the vCPU, with the vCPU loaded
 * @vcpu: the vCPU.
 */
void minivmm_x86_vcpu_reset(struct minivmm_vcpu *vcpu)
{
	struct minivmm_vcpu_arch *a = &vcpu->arch;

	a->efer = 0;
	minivmm_x86_set_efer(vcpu, 0);
	minivmm_x86_set_cr4(vcpu, 0);
	a->cr0 = 0;
	minivmm_x86_set_cr0(vcpu, X86_CR0_ET | X86_CR0_CD | X86_CR0_NW);
	a->xcr0 = XFEATURE_MASK_FP;
	/* RDX holds the processor signature after reset. */
	a->regs[VREG_RDX] = cpuid_eax(1);
}

/**
 * minivmm_x86_vcpu_free() - free a vCPU's x86 state
 * @vcpu: the vCPU.
 */
void minivmm_x86_vcpu_free(struct minivmm_vcpu *vcpu)
{
	struct minivmm_vcpu_arch *a = &vcpu->arch;

	while (a->tdp_cache_nr)
		__free_page(a->tdp_cache[--a->tdp_cache_nr]);
	fpu_free_guest_fpstate(&a->guest_fpu);
	kfree(a->cpuid);
}

/**
 * minivmm_x86_vcpu_bytes() - kernel memory of a vCPU's x86 state kept
 *	outside struct minivmm_vcpu (FPU state, CPUID table)
 * @vcpu: the vCPU.
 *
 * Return: bytes.
 */
size_t minivmm_x86_vcpu_bytes(struct minivmm_vcpu *vcpu)
{
	return vcpu->arch.guest_fpu.uabi_size +
	       MINIVMM_MAX_CPUID_ENTRIES * sizeof(*vcpu->arch.cpuid);
}

/* Register ioctls need the VMCS (or VMCB) current on this CPU. */
#define WITH_VCPU_LOADED(vcpu, expr) ({				\
	long __r;						\
	preempt_disable();					\
	minivmm_call(vcpu_load)(vcpu, smp_processor_id());	\
	__r = (expr);						\
	minivmm_call(vcpu_put)(vcpu);				\
	preempt_enable();					\
	__r;							\
})

static long vcpu_get_fpu(struct minivmm_vcpu *vcpu, void __user *argp)
{
	struct fpu_guest *gfpu = &vcpu->arch.guest_fpu;
	struct minivmm_fpu fpu;
	void *buf;

	buf = kzalloc(gfpu->uabi_size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	fpu_copy_guest_fpstate_to_uabi(gfpu, buf, gfpu->uabi_size,
				       gfpu->fpstate->user_xfeatures, 0);
	memcpy(fpu.fxsave, buf, sizeof(fpu.fxsave));
	kfree(buf);
	return copy_to_user(argp, &fpu, sizeof(fpu)) ? -EFAULT : 0;
}

static long vcpu_set_fpu(struct minivmm_vcpu *vcpu, void __user *argp)
{
	struct fpu_guest *gfpu = &vcpu->arch.guest_fpu;
	struct minivmm_fpu fpu;
	u64 *xstate_bv;
	u32 pkru = 0;
	void *buf;
	long r;

	if (copy_from_user(&fpu, argp, sizeof(fpu)))
		return -EFAULT;
	buf = kzalloc(gfpu->uabi_size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	fpu_copy_guest_fpstate_to_uabi(gfpu, buf, gfpu->uabi_size,
				       gfpu->fpstate->user_xfeatures, 0);
	memcpy(buf, fpu.fxsave, sizeof(fpu.fxsave));
	/* XSAVE header right after the legacy area: x87 and SSE are given. */
	xstate_bv = buf + sizeof(fpu.fxsave);
	*xstate_bv |= XFEATURE_MASK_FPSSE;
	r = fpu_copy_uabi_to_guest_fpstate(gfpu, buf, gfpu->fpstate->user_xfeatures, &pkru);
	kfree(buf);
	return r;
}

static long vcpu_set_cpuid(struct minivmm_vcpu *vcpu, void __user *argp)
{
	struct minivmm_cpuid hdr;
	struct minivmm_cpuid_entry *e;
	long r;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.padding || hdr.nent > MINIVMM_MAX_CPUID_ENTRIES)
		return -EINVAL;
	e = memdup_user(argp + sizeof(hdr), array_size(hdr.nent, sizeof(*e)));
	if (IS_ERR(e))
		return PTR_ERR(e);
	r = minivmm_cpuid_set(vcpu, e, hdr.nent);
	if (r)
		kfree(e);
	return r;
}

static long vcpu_msrs(struct minivmm_vcpu *vcpu, void __user *argp, bool set)
{
	struct minivmm_msrs hdr;
	struct minivmm_msr_entry *e;
	long r;
	u32 i;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.padding || hdr.nmsrs > MINIVMM_MAX_MSR_ENTRIES)
		return -EINVAL;
	e = memdup_user(argp + sizeof(hdr), array_size(hdr.nmsrs, sizeof(*e)));
	if (IS_ERR(e))
		return PTR_ERR(e);
	for (i = 0; i < hdr.nmsrs; i++) {
		if (e[i].reserved) {
			kfree(e);
			return -EINVAL;
		}
	}
	preempt_disable();
	minivmm_call(vcpu_load)(vcpu, smp_processor_id());
	for (i = 0; i < hdr.nmsrs; i++) {
		r = set ? minivmm_x86_set_msr(vcpu, e[i].index, e[i].data, true) :
			  minivmm_x86_get_msr(vcpu, e[i].index, &e[i].data, true);
		if (r)
			break;
	}
	minivmm_call(vcpu_put)(vcpu);
	preempt_enable();
	r = i;
	if (!set && copy_to_user(argp + sizeof(hdr), e, array_size(i, sizeof(*e))))
		r = -EFAULT;
	kfree(e);
	return r;
}

/**
 * minivmm_x86_vcpu_ioctl() - the x86 vCPU ioctls
 * @vcpu: the vCPU; caller holds its mutex.
 * @cmd: MINIVMM_GET/SET_REGS, _SREGS, _FPU, _MSRS, MINIVMM_SET_CPUID or
 *	MINIVMM_INTERRUPT.
 * @argp: the ioctl's argument.
 *
 * Return: see each ioctl in Documentation/ioctl-abi.rst; -ENOTTY for
 * other ioctls.
 */
long minivmm_x86_vcpu_ioctl(struct minivmm_vcpu *vcpu, unsigned int cmd,
			    void __user *argp)
{
	union {
		struct minivmm_regs regs;
		struct minivmm_sregs sregs;
	} u;
	long r;

	switch (cmd) {
	case MINIVMM_GET_REGS:
		r = WITH_VCPU_LOADED(vcpu, minivmm_x86_get_regs(vcpu, &u.regs));
		return r ?: (copy_to_user(argp, &u.regs, sizeof(u.regs)) ? -EFAULT : 0);
	case MINIVMM_SET_REGS:
		if (copy_from_user(&u.regs, argp, sizeof(u.regs)))
			return -EFAULT;
		return WITH_VCPU_LOADED(vcpu, minivmm_x86_set_regs(vcpu, &u.regs));
	case MINIVMM_GET_SREGS:
		r = WITH_VCPU_LOADED(vcpu, minivmm_x86_get_sregs(vcpu, &u.sregs));
		return r ?: (copy_to_user(argp, &u.sregs, sizeof(u.sregs)) ? -EFAULT : 0);
	case MINIVMM_SET_SREGS:
		if (copy_from_user(&u.sregs, argp, sizeof(u.sregs)))
			return -EFAULT;
		return WITH_VCPU_LOADED(vcpu, minivmm_x86_set_sregs(vcpu, &u.sregs));
	case MINIVMM_GET_FPU:
		return vcpu_get_fpu(vcpu, argp);
	case MINIVMM_SET_FPU:
		return vcpu_set_fpu(vcpu, argp);
	case MINIVMM_SET_CPUID:
		return vcpu_set_cpuid(vcpu, argp);
	case MINIVMM_GET_MSRS:
	case MINIVMM_SET_MSRS:
		return vcpu_msrs(vcpu, argp, cmd == MINIVMM_SET_MSRS);
	case MINIVMM_INTERRUPT:
		return minivmm_x86_queue_interrupt(vcpu, argp);
	default:
		return -ENOTTY;
	}
}
