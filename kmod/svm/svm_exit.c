// SPDX-License-Identifier: GPL-2.0
/*
 * #VMEXIT decoding: each exit code is turned into a call of the x86
 * layer's handler (kmod/x86/), with the operands the exit gives. Without
 * NRIPS (next RIP saved) the exiting instruction is fetched and decoded
 * (common/sys_insn.c) for its length and, for MOV CR/DR, CLTS and LMSW,
 * its operands, which AMD-V reports only with decode assists. An
 * instruction that is no longer the one that exited (another vCPU
 * rewrote it) is not emulated: the guest runs it again. Exits nothing
 * handles become INTERNAL_ERROR exits with the exit code, EXITINFO1/2,
 * RIP and EXITINTINFO.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/trapnr.h>
#include "svm.h"
#include "x86/x86.h"
#include "common/sys_insn.h"

/* NPF EXITINFO1 bits (APM Vol. 2, 15.25.6). */
#define NPF_WRITE		BIT_ULL(1)
#define NPF_FETCH		BIT_ULL(4)
#define NPF_GUEST_FINAL		BIT_ULL(32)
#define NPF_GUEST_TABLE		BIT_ULL(33)

static int handle_unhandled(struct minivmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	u64 data[5] = { svm->exit_code, svm->exit_info_1, svm->exit_info_2,
			svm->vmcb->save.rip, svm->exit_int_info };

	return minivmm_x86_internal_error(vcpu, MINIVMM_INTERNAL_ERROR_UNHANDLED_EXIT,
					  5, data);
}

/*
 * The exiting instruction: its next RIP (for svm_skip_instruction()) and
 * operands. Return: 0; 1 when the instruction is no longer @want (enter
 * again, nothing done); a run-loop value on a fault.
 */
static int decode_exiting(struct minivmm_vcpu *vcpu, enum minivmm_sys_op want,
			  enum minivmm_sys_op want2, struct minivmm_sys_insn *in)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct minivmm_fetched_insn f;
	int r;

	r = minivmm_x86_fetch_insn(vcpu, &f);
	if (!r)
		r = minivmm_sys_insn_decode(f.bytes, f.n, f.mode, in);
	if (r) {
		u64 data[3] = { svm->exit_code, f.rip, (u64)(s64)r };

		return minivmm_x86_internal_error(vcpu, MINIVMM_INTERNAL_ERROR_EMULATION,
						  3, data) ?: -1;
	}
	if (in->op != want && in->op != want2)
		return 1;
	if (!svm_has(SVM_FEAT_NRIPS)) {
		svm->next_rip = minivmm_x86_next_rip(f.mode, f.rip, in->len);
		svm->next_rip_valid = true;
	}
	return 0;
}

/* The instruction's length only: from NRIPS, else decoded. */
static int need_next_rip(struct minivmm_vcpu *vcpu, enum minivmm_sys_op want,
			 enum minivmm_sys_op want2)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct minivmm_sys_insn in;

	if (svm_has(SVM_FEAT_NRIPS)) {
		svm->next_rip = svm->vmcb->control.next_rip;
		svm->next_rip_valid = true;
		return 0;
	}
	return decode_exiting(vcpu, want, want2, &in);
}

/* Run an x86 handler once the exiting instruction's end is known. */
static int insn_exit(struct minivmm_vcpu *vcpu, enum minivmm_sys_op op,
		     enum minivmm_sys_op op2, int (*handler)(struct minivmm_vcpu *))
{
	int r = need_next_rip(vcpu, op, op2);

	if (r > 0)
		return MINIVMM_RUN_RESUME;
	if (r < 0)
		return MINIVMM_RUN_USER;
	return handler(vcpu);
}

static int handle_msr(struct minivmm_vcpu *vcpu)
{
	bool write = to_svm(vcpu)->exit_info_1 & 1;
	int r = need_next_rip(vcpu, write ? MINIVMM_SYS_WRMSR : MINIVMM_SYS_RDMSR,
			      write ? MINIVMM_SYS_WRMSR : MINIVMM_SYS_RDMSR);

	if (r)
		return r > 0 ? MINIVMM_RUN_RESUME : MINIVMM_RUN_USER;
	return write ? minivmm_x86_emulate_wrmsr(vcpu) : minivmm_x86_emulate_rdmsr(vcpu);
}

/* EXITINFO1 (APM Vol. 2, 15.10.2): port, size, direction; EXITINFO2: next RIP. */
static int handle_io(struct minivmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	u64 q = svm->exit_info_1;
	u8 size = (q & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;

	if (q & SVM_IOIO_STR_MASK) {
		u64 data[3] = { q, q >> 16, svm->vmcb->save.rip };

		return minivmm_x86_internal_error(vcpu, MINIVMM_INTERNAL_ERROR_STRING_IO,
						  3, data);
	}
	svm->next_rip = svm->exit_info_2;
	svm->next_rip_valid = true;
	/* SZ8, SZ16, SZ32: one bit each. */
	return minivmm_x86_emulate_io(vcpu, q >> 16, size == 4 ? 4 : size == 2 ? 2 : 1,
				      q & SVM_IOIO_TYPE_MASK);
}

/* MOV to/from CR0, CR4, CR8, CLTS and LMSW: decoded, then the x86 rules. */
static int handle_cr(struct minivmm_vcpu *vcpu)
{
	struct minivmm_sys_insn in;
	int r;

	r = decode_exiting(vcpu, MINIVMM_SYS_MOV_TO_CR, MINIVMM_SYS_MOV_FROM_CR, &in);
	if (r == 1)
		r = decode_exiting(vcpu, MINIVMM_SYS_CLTS, MINIVMM_SYS_LMSW, &in);
	if (r)
		return r > 0 ? MINIVMM_RUN_RESUME : MINIVMM_RUN_USER;
	if (svm_has(SVM_FEAT_NRIPS)) {
		to_svm(vcpu)->next_rip = to_svm(vcpu)->vmcb->control.next_rip;
		to_svm(vcpu)->next_rip_valid = true;
	}
	switch (in.op) {
	case MINIVMM_SYS_MOV_TO_CR:
		return minivmm_x86_mov_to_cr(vcpu, in.ctl, in.gpr);
	case MINIVMM_SYS_MOV_FROM_CR:
		return minivmm_x86_mov_from_cr(vcpu, in.ctl, in.gpr);
	case MINIVMM_SYS_CLTS:
		return minivmm_x86_clts(vcpu);
	default:
		if (in.mem)
			return handle_unhandled(vcpu);
		return minivmm_x86_lmsw(vcpu, minivmm_x86_read_reg(vcpu, in.gpr));
	}
}

static int handle_dr(struct minivmm_vcpu *vcpu)
{
	struct minivmm_sys_insn in;
	int r;

	r = decode_exiting(vcpu, MINIVMM_SYS_MOV_TO_DR, MINIVMM_SYS_MOV_FROM_DR, &in);
	if (r)
		return r > 0 ? MINIVMM_RUN_RESUME : MINIVMM_RUN_USER;
	if (svm_has(SVM_FEAT_NRIPS)) {
		to_svm(vcpu)->next_rip = to_svm(vcpu)->vmcb->control.next_rip;
		to_svm(vcpu)->next_rip_valid = true;
	}
	return minivmm_x86_mov_dr(vcpu, in.ctl, in.gpr, in.op == MINIVMM_SYS_MOV_FROM_DR);
}

/* #UD: VMCALL (the VT-x hypercall) is one here too; anything else is the guest's. */
static int handle_ud(struct minivmm_vcpu *vcpu)
{
	struct minivmm_sys_insn in;
	int r = decode_exiting(vcpu, MINIVMM_SYS_VMCALL, MINIVMM_SYS_VMCALL, &in);

	if (r < 0)
		return MINIVMM_RUN_USER;
	if (r > 0)
		return minivmm_x86_inject_ud(vcpu);
	return minivmm_x86_emulate_hypercall(vcpu);
}

static int handle_exception(struct minivmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	u8 vector = svm->exit_code - SVM_EXIT_EXCP_BASE;

	/* Machine checks went to the host with interrupts off already. */
	if (vector == X86_TRAP_MC)
		return MINIVMM_RUN_RESUME;
	/* Raised while delivering another event: that one is re-injected. */
	if (svm->exit_int_info & SVM_EXITINTINFO_VALID)
		return MINIVMM_RUN_RESUME;
	if (vector == X86_TRAP_UD)
		return handle_ud(vcpu);
	if (vector == X86_TRAP_AC)
		return minivmm_x86_reflect_exception(vcpu, vector, svm->exit_info_1, 0);
	if (vector == X86_TRAP_DB)
		return minivmm_x86_reflect_exception(vcpu, vector, 0, svm->vmcb->save.dr6);
	return handle_unhandled(vcpu);
}

/* The access that faulted, in the x86 layer's terms (as on VT-x). */
static int handle_npf(struct minivmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	u64 q = svm->exit_info_1;
	struct minivmm_tdp_fault f = {
		.gpa = svm->exit_info_2,
		.qual = q,
		.vectoring = (svm->exit_int_info & SVM_EXITINTINFO_VALID) ?
			     svm->exit_int_info : 0,
		.flags = ((q & NPF_WRITE) ? MINIVMM_TDP_WRITE : 0) |
			 ((q & NPF_FETCH) ? MINIVMM_TDP_FETCH : 0) |
			 ((q & NPF_GUEST_TABLE) ? MINIVMM_TDP_NOT_DATA : 0),
	};

	return minivmm_x86_tdp_fault(vcpu, &f);
}

static int handle_resume(struct minivmm_vcpu *vcpu)
{
	return MINIVMM_RUN_RESUME;
}

/**
 * svm_handle_exit() - what the last entry ended with, handled
 * @vcpu: the vCPU; preemptible, loaded.
 *
 * Return: MINIVMM_RUN_RESUME, MINIVMM_RUN_USER (entry failures included:
 * a FAIL_ENTRY exit, bit 62 marking SVM off on this CPU because the host
 * reboots, else SVM_EXIT_ERR as the exit code), or a negative errno.
 */
int svm_handle_exit(struct minivmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	u32 code = svm->exit_code;

	if (unlikely(svm->entry_failed))
		return minivmm_x86_entry_failed(vcpu, 1ULL << 62);
	if (code >= SVM_EXIT_EXCP_BASE && code <= SVM_EXIT_LAST_EXCP)
		return handle_exception(vcpu);
	switch (code) {
	case SVM_EXIT_IOIO:
		return handle_io(vcpu);
	case SVM_EXIT_NPF:
		return handle_npf(vcpu);
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
		return handle_resume(vcpu);
	case SVM_EXIT_CPUID:
		return insn_exit(vcpu, MINIVMM_SYS_CPUID, MINIVMM_SYS_CPUID,
				 minivmm_x86_emulate_cpuid);
	case SVM_EXIT_MSR:
		return handle_msr(vcpu);
	case SVM_EXIT_HLT:
		return insn_exit(vcpu, MINIVMM_SYS_HLT, MINIVMM_SYS_HLT,
				 minivmm_x86_emulate_hlt);
	case SVM_EXIT_VINTR:
		return minivmm_x86_irq_window_open(vcpu);
	case SVM_EXIT_SHUTDOWN:
		return minivmm_x86_shutdown(vcpu);
	case SVM_EXIT_READ_CR0 ... SVM_EXIT_WRITE_CR8:
		return handle_cr(vcpu);
	case SVM_EXIT_READ_DR0 ... SVM_EXIT_WRITE_DR7:
		return handle_dr(vcpu);
	case SVM_EXIT_INVD:
	case SVM_EXIT_WBINVD:
		return insn_exit(vcpu, MINIVMM_SYS_INVD, MINIVMM_SYS_WBINVD,
				 minivmm_x86_emulate_invd);
	case SVM_EXIT_RDPMC:
		return insn_exit(vcpu, MINIVMM_SYS_RDPMC, MINIVMM_SYS_RDPMC,
				 minivmm_x86_emulate_rdpmc);
	case SVM_EXIT_VMMCALL:
		return insn_exit(vcpu, MINIVMM_SYS_VMMCALL, MINIVMM_SYS_VMMCALL,
				 minivmm_x86_emulate_hypercall);
	case SVM_EXIT_XSETBV:
		return insn_exit(vcpu, MINIVMM_SYS_XSETBV, MINIVMM_SYS_XSETBV,
				 minivmm_x86_emulate_xsetbv);
	/* Not offered to the guest (CPUID says so): #UD. */
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_MWAIT_COND:
	case SVM_EXIT_RDPRU:
	case SVM_EXIT_RSM:
		return minivmm_x86_inject_ud(vcpu);
	case SVM_EXIT_ERR:
		/*
		 * VMRUN refused the state, perhaps after loading part of it:
		 * the next entry starts with a fresh ASID, nothing cached.
		 */
		svm->asid_cpu = -1;
		return minivmm_x86_entry_failed(vcpu, svm->exit_code);
	default:
		return handle_unhandled(vcpu);
	}
}
