// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's instruction at CS:RIP, fetched through its own page tables,
 * for the exits that come with neither the instruction's length nor its
 * operands: MMIO on either vendor, and on AMD-V without NRIPS or decode
 * assists every intercepted instruction.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include "x86.h"
#include "../arch_call.h"
#include "../mmio.h"
#include "common/guest_walk.h"

static int read_gpa(void *opaque, __u64 gpa, void *buf, __u32 len)
{
	return minivmm_guest_rw(opaque, gpa, buf, len, false);
}

static enum minivmm_cpu_mode guest_mode(struct minivmm_vcpu *vcpu,
					const struct minivmm_segment *cs)
{
	if ((vcpu->arch.efer & EFER_LMA) && cs->l)
		return MINIVMM_MODE_LONG64;
	if (!(vcpu->arch.cr0 & X86_CR0_PE))
		return MINIVMM_MODE_REAL16;
	return cs->db ? MINIVMM_MODE_PROT32 : MINIVMM_MODE_PROT16;
}

/**
 * minivmm_x86_fetch_insn() - fetch up to 15 bytes at the guest's CS:RIP
 * @vcpu: the vCPU (loaded; may sleep: guest memory is pageable).
 * @f: out: the bytes, how many, the code mode and the RIP.
 *
 * Return: 0 (with fewer than 15 bytes when the next page is missing), or
 * -EFAULT when not even the first page can be read.
 */
int minivmm_x86_fetch_insn(struct minivmm_vcpu *vcpu, struct minivmm_fetched_insn *f)
{
	struct minivmm_walk_ctx ctx = {
		.cr0 = vcpu->arch.cr0, .cr3 = minivmm_call(get_cr3)(vcpu),
		.cr4 = vcpu->arch.cr4, .efer = vcpu->arch.efer,
		.read_gpa = read_gpa, .opaque = vcpu->vm,
	};
	struct minivmm_segment cs;
	u32 len = sizeof(f->bytes), first;
	u64 lin;

	minivmm_call(get_segment)(vcpu, &cs, MINIVMM_SREG_CS);
	f->mode = guest_mode(vcpu, &cs);
	f->rip = minivmm_call(get_rip)(vcpu);
	f->n = 0;
	lin = f->mode == MINIVMM_MODE_LONG64 ? f->rip : (u32)(cs.base + f->rip);
	first = 4096 - (lin & 4095);
	if (!minivmm_guest_read_virt(&ctx, lin, f->bytes, len)) {
		f->n = len;
		return 0;
	}
	if (first < len && !minivmm_guest_read_virt(&ctx, lin, f->bytes, first)) {
		f->n = first;
		return 0;
	}
	return -EFAULT;
}

/**
 * minivmm_x86_next_rip() - RIP past an instruction
 * @mode: the guest's code mode.
 * @rip: the instruction's RIP.
 * @len: its length.
 *
 * Return: @rip + @len, wrapping as IP and EIP do outside 64-bit mode.
 */
u64 minivmm_x86_next_rip(enum minivmm_cpu_mode mode, u64 rip, u32 len)
{
	rip += len;
	if (mode == MINIVMM_MODE_PROT32)
		return (u32)rip;
	if (mode != MINIVMM_MODE_LONG64)
		return (u16)rip;
	return rip;
}
