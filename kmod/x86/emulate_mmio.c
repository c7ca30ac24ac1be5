// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO emulation: a second-level fault outside guest RAM (or a write to a
 * read-only slot) gives no instruction length or operands on either
 * vendor without decode assists, so the guest's instruction is fetched
 * through its own page tables and decoded (common/insn_decode.c). An
 * in-kernel device may take the access; otherwise it becomes a
 * MINIVMM_EXIT_MMIO, completed by the next RUN. Anything the decoder does
 * not know stops the guest with an INTERNAL_ERROR exit carrying the
 * instruction bytes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include "x86.h"
#include "../arch_call.h"
#include "../mmio.h"
#include "common/insn_decode.h"

static int insn_error(struct minivmm_vcpu *vcpu, u64 gpa, u64 rip,
		      const u8 *bytes, u32 n, int err)
{
	u64 b[2] = {};
	u64 data[6];

	memcpy(b, bytes, min_t(u32, n, sizeof(b)));
	data[0] = gpa;
	data[1] = rip;
	data[2] = (u64)(s64)err;
	data[3] = n;
	data[4] = b[0];
	data[5] = b[1];
	return minivmm_x86_internal_error(vcpu, MINIVMM_INTERNAL_ERROR_EMULATION,
					  6, data);
}

/* RIP past the instruction, wrapping as IP/EIP do outside 64-bit mode. */
static void skip_insn(struct minivmm_vcpu *vcpu, enum minivmm_cpu_mode mode,
		      u64 rip, u32 len)
{
	minivmm_call(set_rip)(vcpu, minivmm_x86_next_rip(mode, rip, len));
}

/* The operand register; for AH..BH the decoder names RAX..RBX, high8 set. */
static unsigned long read_operand(struct minivmm_vcpu *vcpu,
				  const struct minivmm_mmio_insn *in)
{
	return minivmm_x86_read_reg(vcpu, in->reg);
}

static void write_operand(struct minivmm_vcpu *vcpu,
			  const struct minivmm_mmio_insn *in, unsigned long val)
{
	minivmm_x86_write_reg(vcpu, in->reg, val);
}

/**
 * minivmm_x86_emulate_mmio() - emulate the access of a fault outside RAM
 * @vcpu: the vCPU (loaded).
 * @gpa: the guest-physical address.
 * @write: the fault was a write (the decoded instruction must agree: it may
 *	have changed since, under another vCPU's hand).
 *
 * Return: MINIVMM_RUN_RESUME when an in-kernel device took it,
 * MINIVMM_RUN_USER with an MMIO exit (or an INTERNAL_ERROR exit for an
 * unknown instruction).
 */
int minivmm_x86_emulate_mmio(struct minivmm_vcpu *vcpu, u64 gpa, bool write)
{
	struct minivmm_run *run = vcpu->run;
	struct minivmm_fetched_insn f;
	enum minivmm_cpu_mode mode;
	struct minivmm_mmio_insn in;
	u64 val = 0, rip;
	int r;

	atomic64_inc(&vcpu->vm->stats.mmio_exits);
	r = minivmm_x86_fetch_insn(vcpu, &f);
	mode = f.mode;
	rip = f.rip;
	if (r)
		return insn_error(vcpu, gpa, rip, f.bytes, 0, r);
	r = minivmm_insn_decode(f.bytes, f.n, mode, &in);
	if (!r && in.is_write != write)
		r = -EINVAL;
	if (r)
		return insn_error(vcpu, gpa, rip, f.bytes, f.n, r);

	if (in.is_write)
		val = minivmm_mmio_store_value(&in, read_operand(vcpu, &in));
	if (!minivmm_mmio_dispatch(vcpu->vm, gpa, in.size, in.is_write, &val)) {
		if (!in.is_write)
			write_operand(vcpu, &in, minivmm_mmio_complete_read(&in,
					read_operand(vcpu, &in), val));
		skip_insn(vcpu, mode, rip, in.len);
		return MINIVMM_RUN_RESUME;
	}

	run->exit_reason = MINIVMM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = in.size;
	run->mmio.is_write = in.is_write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (in.is_write)
		memcpy(run->mmio.data, &val, in.size);
	else
		vcpu->arch.mmio_read = in;
	vcpu->arch.mmio_pending = !in.is_write;
	/* The access is done once userspace has seen it: move past it. */
	skip_insn(vcpu, mode, rip, in.len);
	return MINIVMM_RUN_USER;
}

/**
 * minivmm_x86_mmio_complete() - put the data of an MMIO read exit in its
 *	register
 * @vcpu: the vCPU (loaded).
 */
void minivmm_x86_mmio_complete(struct minivmm_vcpu *vcpu)
{
	const struct minivmm_mmio_insn *in = &vcpu->arch.mmio_read;
	u64 data = 0;

	memcpy(&data, vcpu->run->mmio.data, min_t(u32, in->size, sizeof(data)));
	write_operand(vcpu, in, minivmm_mmio_complete_read(in, read_operand(vcpu, in), data));
	vcpu->arch.mmio_pending = false;
}
