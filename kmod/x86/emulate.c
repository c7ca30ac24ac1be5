// SPDX-License-Identifier: GPL-2.0
/*
 * Exits that end in userspace, and their completion by the next RUN: port
 * I/O, hypercalls (VMCALL/VMMCALL), HLT, triple faults, entry failures and
 * internal errors; plus the small in-kernel ones (INVD, #UD for
 * instructions the guest is not offered).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <asm/debugreg.h>
#include <asm/mce.h>
#include <asm/processor-flags.h>
#include <asm/ptrace.h>
#include <asm/traps.h>
#include "x86.h"
#include "../arch_call.h"

/**
 * minivmm_x86_internal_error() - stop with a MINIVMM_EXIT_INTERNAL_ERROR
 * @vcpu: the vCPU.
 * @suberror: MINIVMM_INTERNAL_ERROR_*.
 * @ndata: words in @data (at most the run page's room is kept).
 * @data: what userspace needs to tell what happened.
 *
 * Return: MINIVMM_RUN_USER.
 */
int minivmm_x86_internal_error(struct minivmm_vcpu *vcpu, u32 suberror,
			       u32 ndata, const u64 *data)
{
	struct minivmm_run *run = vcpu->run;
	u32 i;

	run->exit_reason = MINIVMM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = min_t(u32, ndata, ARRAY_SIZE(run->internal.data));
	for (i = 0; i < run->internal.ndata; i++)
		run->internal.data[i] = data[i];
	return MINIVMM_RUN_USER;
}

/**
 * minivmm_x86_entry_failed() - stop with a MINIVMM_EXIT_FAIL_ENTRY
 * @vcpu: the vCPU.
 * @reason: the hardware's reason (backend-specific encoding).
 *
 * Return: MINIVMM_RUN_USER.
 */
int minivmm_x86_entry_failed(struct minivmm_vcpu *vcpu, u64 reason)
{
	struct minivmm_run *run = vcpu->run;

	run->exit_reason = MINIVMM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = reason;
	run->fail_entry.cpu = vcpu->cpu;
	return MINIVMM_RUN_USER;
}

/**
 * minivmm_x86_emulate_io() - IN or OUT (not the string forms): an IO exit
 * @vcpu: the vCPU (loaded).
 * @port: the port.
 * @size: 1, 2 or 4 bytes.
 * @in: IN (data comes back with the next RUN).
 *
 * Return: MINIVMM_RUN_USER.
 */
int minivmm_x86_emulate_io(struct minivmm_vcpu *vcpu, u16 port, u8 size, bool in)
{
	struct minivmm_run *run = vcpu->run;
	u8 *data = (u8 *)run + MINIVMM_PIO_DATA_OFFSET;

	run->exit_reason = MINIVMM_EXIT_IO;
	run->io.direction = in ? MINIVMM_EXIT_IO_IN : MINIVMM_EXIT_IO_OUT;
	run->io.size = size;
	run->io.port = port;
	run->io.count = 1;
	run->io.data_offset = MINIVMM_PIO_DATA_OFFSET;
	if (in) {
		vcpu->arch.pio_pending = true;
		vcpu->arch.pio_size = size;
		memset(data, 0, 4);
	} else {
		u32 v = vcpu->arch.regs[VREG_RAX];

		memcpy(data, &v, 4);
	}
	minivmm_call(skip_instruction)(vcpu);
	return MINIVMM_RUN_USER;
}

/**
 * minivmm_x86_emulate_hypercall() - VMCALL: a HYPERCALL exit with RAX as
 *	the number and RBX, RCX, RDX, RSI, RDI, R8 as arguments
 * @vcpu: the vCPU (loaded).
 *
 * From CPL 1-3 the call fails in the guest: RAX becomes -EPERM, no exit.
 * Return: MINIVMM_RUN_USER; the return value lands in RAX with the next
 * RUN. MINIVMM_RUN_RESUME outside CPL 0.
 */
int minivmm_x86_emulate_hypercall(struct minivmm_vcpu *vcpu)
{
	struct minivmm_run *run = vcpu->run;
	unsigned long *r = vcpu->arch.regs;

	/* Only the guest kernel may call the VMM (as KVM's -KVM_EPERM). */
	if (minivmm_call(get_cpl)(vcpu) != 0) {
		r[VREG_RAX] = (unsigned long)-EPERM;
		minivmm_call(skip_instruction)(vcpu);
		return MINIVMM_RUN_RESUME;
	}
	run->exit_reason = MINIVMM_EXIT_HYPERCALL;
	run->hypercall.nr = r[VREG_RAX];
	run->hypercall.args[0] = r[VREG_RBX];
	run->hypercall.args[1] = r[VREG_RCX];
	run->hypercall.args[2] = r[VREG_RDX];
	run->hypercall.args[3] = r[VREG_RSI];
	run->hypercall.args[4] = r[VREG_RDI];
	run->hypercall.args[5] = r[VREG_R8];
	run->hypercall.ret = r[VREG_RAX];
	vcpu->arch.hypercall_pending = true;
	minivmm_call(skip_instruction)(vcpu);
	return MINIVMM_RUN_USER;
}

/**
 * minivmm_x86_emulate_hlt() - HLT: a HLT exit, past the instruction
 * @vcpu: the vCPU (loaded).
 *
 * Return: MINIVMM_RUN_USER.
 */
int minivmm_x86_emulate_hlt(struct minivmm_vcpu *vcpu)
{
	minivmm_call(skip_instruction)(vcpu);
	vcpu->run->exit_reason = MINIVMM_EXIT_HLT;
	return MINIVMM_RUN_USER;
}

/**
 * minivmm_x86_emulate_invd() - INVD or WBINVD: nothing to do (guest
 *	memory is coherent; the host's caches are not the guest's to flush)
 * @vcpu: the vCPU (loaded).
 *
 * Return: MINIVMM_RUN_RESUME.
 */
int minivmm_x86_emulate_invd(struct minivmm_vcpu *vcpu)
{
	minivmm_call(skip_instruction)(vcpu);
	return MINIVMM_RUN_RESUME;
}

/**
 * minivmm_x86_emulate_rdpmc() - RDPMC: no performance counters are
 *	offered (CPUID leaf 0xa is zero), so #GP
 * @vcpu: the vCPU (loaded).
 *
 * Return: MINIVMM_RUN_RESUME.
 */
int minivmm_x86_emulate_rdpmc(struct minivmm_vcpu *vcpu)
{
	minivmm_call(queue_exception)(vcpu, X86_TRAP_GP, true, 0);
	return MINIVMM_RUN_RESUME;
}

/**
 * minivmm_x86_inject_ud() - #UD for an instruction the guest's CPUID does
 *	not offer (VMX, SVM, GETSEC, MONITOR/MWAIT)
 * @vcpu: the vCPU (loaded).
 *
 * Return: MINIVMM_RUN_RESUME.
 */
int minivmm_x86_inject_ud(struct minivmm_vcpu *vcpu)
{
	minivmm_call(queue_exception)(vcpu, X86_TRAP_UD, false, 0);
	return MINIVMM_RUN_RESUME;
}

/**
 * minivmm_x86_shutdown() - the guest triple-faulted: a SHUTDOWN exit
 * @vcpu: the vCPU.
 *
 * Return: MINIVMM_RUN_USER.
 */
int minivmm_x86_shutdown(struct minivmm_vcpu *vcpu)
{
	vcpu->run->exit_reason = MINIVMM_EXIT_SHUTDOWN;
	return MINIVMM_RUN_USER;
}

/**
 * minivmm_x86_complete_user_exit() - apply what userspace answered to the
 *	last exit
 * @vcpu: the vCPU, loaded.
 *
 * The data of a port IN lands in RAX (AL, AX or EAX, the last one
 * zero-extending); a hypercall's return value lands in RAX; an MMIO read's
 * data lands in the instruction's destination register.
 */
void minivmm_x86_complete_user_exit(struct minivmm_vcpu *vcpu)
{
	struct minivmm_vcpu_arch *a = &vcpu->arch;
	struct minivmm_run *run = vcpu->run;
	unsigned long *rax = &a->regs[VREG_RAX];

	if (a->pio_pending) {
		u32 data;

		memcpy(&data, (u8 *)run + MINIVMM_PIO_DATA_OFFSET, sizeof(data));
		switch (a->pio_size) {
		case 1:
			*rax = (*rax & ~0xffUL) | (data & 0xff);
			break;
		case 2:
			*rax = (*rax & ~0xffffUL) | (data & 0xffff);
			break;
		default:
			*rax = data;
			break;
		}
		a->pio_pending = false;
	}
	if (a->hypercall_pending) {
		*rax = run->hypercall.ret;
		a->hypercall_pending = false;
	}
	if (a->mmio_pending)
		minivmm_x86_mmio_complete(vcpu);
}

/**
 * minivmm_x86_reflect_exception() - an intercepted guest exception goes
 *	back to the guest
 * @vcpu: the vCPU (loaded).
 * @vector: X86_TRAP_AC or X86_TRAP_DB (the ones minivmm intercepts so that
 *	a guest cannot loop in microcode delivering them, CVE-2015-5307 and
 *	CVE-2015-8104).
 * @error: the error code (#AC pushes one).
 * @dr6: for #DB, the debug-status bits the exit reported (B0-B3, BD, BS).
 *
 * A guest whose #AC or #DB delivery faults again keeps exiting, one exit
 * at a time: its vCPU thread stays preemptible and killable.
 * Return: MINIVMM_RUN_RESUME.
 */
int minivmm_x86_reflect_exception(struct minivmm_vcpu *vcpu, u8 vector, u32 error,
				  u64 dr6)
{
	if (vector == X86_TRAP_DB) {
		u64 *g = &vcpu->arch.dr[4];

		*g = (*g & ~(u64)(DR_TRAP_BITS | DR_STEP | 0x2000)) |
		     (dr6 & (DR_TRAP_BITS | DR_STEP | 0x2000)) | DR6_RESERVED;
		minivmm_call(queue_exception)(vcpu, vector, false, 0);
	} else {
		minivmm_call(queue_exception)(vcpu, vector, true, error);
	}
	return MINIVMM_RUN_RESUME;
}

/**
 * minivmm_x86_machine_check() - a machine check hit while the guest ran (or
 *	during entry): the host's handler deals with it
 *
 * Called with interrupts off right after the exit, as the exception would
 * have been taken by the host. The handler sees a user-mode frame, so a
 * recoverable error is dealt with in process context (the VMM's).
 */
void minivmm_x86_machine_check(void)
{
#ifdef CONFIG_X86_MCE
	struct pt_regs regs = {
		.cs = 3,	/* any ring-3 selector: not the host kernel */
		.flags = X86_EFLAGS_IF,
	};

	do_machine_check(&regs);
#endif
}
