// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO on VT-x: an EPT violation outside guest RAM (or a write to a
 * read-only slot) gives no instruction length or operands, so the guest's
 * instruction is fetched through its own page tables and decoded
 * (common/insn_decode.c). An in-kernel device may take the access;
 * otherwise it becomes a MINIVMM_EXIT_MMIO, completed by the next RUN.
 * Anything the decoder does not know stops the guest with an
 * INTERNAL_ERROR exit carrying the instruction bytes.
 */
#include <linux/kernel.h>
#include <asm/vmx.h>
#include "vmx.h"
#include "vmx_insn.h"
#include "../mmio.h"
#include "common/guest_walk.h"
#include "common/insn_decode.h"

static int read_gpa(void *opaque, __u64 gpa, void *buf, __u32 len)
{
	return minivmm_read_guest(opaque, gpa, buf, len);
}

static enum minivmm_cpu_mode guest_mode(struct vmx_vcpu *vmx)
{
	u32 cs_ar = vmcs_read(GUEST_CS_AR_BYTES);

	if ((vmx->efer & EFER_LMA) && (cs_ar & BIT(13)))
		return MINIVMM_MODE_LONG64;
	if (!(vmx->cr0 & X86_CR0_PE))
		return MINIVMM_MODE_REAL16;
	return (cs_ar & BIT(14)) ? MINIVMM_MODE_PROT32 : MINIVMM_MODE_PROT16;
}

/* Fetch up to 15 bytes at CS:RIP; fewer when the next page is missing. */
static int fetch_insn(struct vmx_vcpu *vmx, enum minivmm_cpu_mode mode,
		      u8 *bytes, u32 *n)
{
	struct minivmm_walk_ctx ctx = {
		.cr0 = vmx->cr0, .cr3 = vmcs_read(GUEST_CR3), .cr4 = vmx->cr4,
		.efer = vmx->efer, .read_gpa = read_gpa, .opaque = vmx->vcpu->vm,
	};
	u64 rip = vmcs_read(GUEST_RIP);
	u64 lin = mode == MINIVMM_MODE_LONG64 ? rip :
		  (u32)(vmcs_read(GUEST_CS_BASE) + rip);
	u32 len = 15, first = 4096 - (lin & 4095);

	if (!minivmm_guest_read_virt(&ctx, lin, bytes, len)) {
		*n = len;
		return 0;
	}
	if (first < len && !minivmm_guest_read_virt(&ctx, lin, bytes, first)) {
		*n = first;
		return 0;
	}
	return -EFAULT;
}

static int insn_error(struct vmx_vcpu *vmx, u64 gpa, const u8 *bytes, u32 n, int err)
{
	struct minivmm_run *run = vmx->vcpu->run;
	u64 b[2] = {};

	memcpy(b, bytes, min_t(u32, n, sizeof(b)));
	run->exit_reason = MINIVMM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = MINIVMM_INTERNAL_ERROR_EMULATION;
	run->internal.ndata = 6;
	run->internal.data[0] = gpa;
	run->internal.data[1] = vmcs_read(GUEST_RIP);
	run->internal.data[2] = (u64)(s64)err;
	run->internal.data[3] = n;
	run->internal.data[4] = b[0];
	run->internal.data[5] = b[1];
	return VMX_EXIT_USER;
}

/* RIP past the instruction, wrapping as IP/EIP do outside 64-bit mode. */
static void skip_insn(enum minivmm_cpu_mode mode, u32 len)
{
	u64 rip = vmcs_read(GUEST_RIP) + len;

	if (mode == MINIVMM_MODE_PROT32)
		rip = (u32)rip;
	else if (mode != MINIVMM_MODE_LONG64)
		rip = (u16)rip;
	vmcs_write(GUEST_RIP, rip);
}

static unsigned long *insn_reg(struct vmx_vcpu *vmx, const struct minivmm_mmio_insn *in,
			       u64 *rsp)
{
	if (in->reg == VREG_RSP && !in->high8) {
		*rsp = vmcs_read(GUEST_RSP);
		return (unsigned long *)rsp;
	}
	/* For AH..BH the decoder names RAX..RBX and sets high8. */
	return &vmx->regs[in->reg];
}

/**
 * vmx_mmio_access() - emulate the access of an EPT violation outside RAM
 * @vmx: the vCPU.
 * @gpa: the guest-physical address.
 *
 * Return: VMX_EXIT_RESUME when an in-kernel device took it, VMX_EXIT_USER
 * with an MMIO exit (or an INTERNAL_ERROR exit for an unknown instruction).
 */
int vmx_mmio_access(struct vmx_vcpu *vmx, u64 gpa)
{
	struct minivmm_vcpu *vcpu = vmx->vcpu;
	struct minivmm_run *run = vcpu->run;
	enum minivmm_cpu_mode mode = guest_mode(vmx);
	struct minivmm_mmio_insn in;
	unsigned long *reg;
	u64 val = 0, rsp;
	u8 bytes[15];
	u32 n;
	int r;

	atomic64_inc(&vcpu->vm->stats.mmio_exits);
	r = fetch_insn(vmx, mode, bytes, &n);
	if (r)
		return insn_error(vmx, gpa, bytes, 0, r);
	r = minivmm_insn_decode(bytes, n, mode, &in);
	if (r)
		return insn_error(vmx, gpa, bytes, n, r);

	reg = insn_reg(vmx, &in, &rsp);
	if (in.is_write)
		val = minivmm_mmio_store_value(&in, *reg);
	if (!minivmm_mmio_dispatch(vcpu->vm, gpa, in.size, in.is_write, &val)) {
		if (!in.is_write)
			*reg = minivmm_mmio_complete_read(&in, *reg, val);
		if (reg == (unsigned long *)&rsp)
			vmcs_write(GUEST_RSP, rsp);
		skip_insn(mode, in.len);
		return VMX_EXIT_RESUME;
	}

	run->exit_reason = MINIVMM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = in.size;
	run->mmio.is_write = in.is_write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (in.is_write)
		memcpy(run->mmio.data, &val, in.size);
	else
		vmx->mmio_read = in;
	vcpu->mmio_pending = !in.is_write;
	/* The access is done once userspace has seen it: move past it. */
	skip_insn(mode, in.len);
	return VMX_EXIT_USER;
}

/**
 * vmx_mmio_complete() - put the data of an MMIO read exit in its register
 * @vmx: the vCPU (need not be loaded unless the register is RSP).
 */
void vmx_mmio_complete(struct vmx_vcpu *vmx)
{
	struct minivmm_vcpu *vcpu = vmx->vcpu;
	const struct minivmm_mmio_insn *in = &vmx->mmio_read;
	u64 data = 0, rsp;
	unsigned long *reg;

	memcpy(&data, vcpu->run->mmio.data, min_t(u32, in->size, sizeof(data)));
	reg = insn_reg(vmx, in, &rsp);
	*reg = minivmm_mmio_complete_read(in, *reg, data);
	if (reg == (unsigned long *)&rsp)
		vmcs_write(GUEST_RSP, rsp);
	vcpu->mmio_pending = false;
}
