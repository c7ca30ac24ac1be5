// SPDX-License-Identifier: GPL-2.0
/*
 * ucalls: how guest code of the minivmm selftests talks to the host.
 * The guest fills a struct ucall on its stack and writes its address with
 * "out %eax, $UCALL_PORT"; the host reads the struct at that same address
 * (guest and host addresses are equal, see minivmm_util.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include "minivmm_util.h"

extern char __executable_start[], _end[];

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

GUEST_CODE static void guest_ucall_send(struct ucall *uc)
{
	asm volatile("outl %k0, %w1"
		     : : "a"((uint32_t)(uintptr_t)uc), "Nd"((uint16_t)UCALL_PORT)
		     : "memory");
}

GUEST_CODE void guest_ucall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2,
			    uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct ucall uc;

	uc.cmd = cmd;
	uc.args[0] = a0;
	uc.args[1] = a1;
	uc.args[2] = a2;
	uc.args[3] = a3;
	uc.args[4] = a4;
	uc.args[5] = a5;
	uc.nargs = UCALL_MAX_ARGS;
	uc.file = 0;
	uc.expr = 0;
	uc.line = 0;
	guest_ucall_send(&uc);
}

GUEST_CODE void guest_assert_fail(const char *file, uint64_t line, const char *expr,
				  uint64_t nargs, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct ucall uc;

	uc.cmd = UCALL_ABORT;
	uc.args[0] = a0;
	uc.args[1] = a1;
	uc.args[2] = a2;
	uc.args[3] = 0;
	uc.args[4] = 0;
	uc.args[5] = 0;
	uc.nargs = nargs;
	uc.file = file;
	uc.expr = expr;
	uc.line = line;
	for (;;) {
		guest_ucall_send(&uc);
		guest_hlt();
	}
}

/* ---------------------------------------------------------------------- */
/* Host side                                                                */
/* ---------------------------------------------------------------------- */

const char *exit_reason_str(uint32_t reason)
{
	static const char *const names[] = {
		[MINIVMM_EXIT_UNKNOWN] = "UNKNOWN",
		[MINIVMM_EXIT_IO] = "IO",
		[MINIVMM_EXIT_HLT] = "HLT",
		[MINIVMM_EXIT_MMIO] = "MMIO",
		[MINIVMM_EXIT_HYPERCALL] = "HYPERCALL",
		[MINIVMM_EXIT_SHUTDOWN] = "SHUTDOWN",
		[MINIVMM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[MINIVMM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
		[MINIVMM_EXIT_INTR] = "INTR",
		[MINIVMM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
	};

	if (reason < ARRAY_SIZE(names) && names[reason])
		return names[reason];
	return "?";
}

const char *ucall_str(uint64_t cmd)
{
	switch (cmd) {
	case UCALL_NONE:
		return "NONE";
	case UCALL_SYNC:
		return "SYNC";
	case UCALL_DONE:
		return "DONE";
	case UCALL_ABORT:
		return "ABORT";
	case UCALL_PRINTF:
		return "PRINTF";
	default:
		return "?";
	}
}

/* A string the guest pointed at: only one of the binary's own. */
static const char *guest_str(const char *p)
{
	if (p < __executable_start || p >= _end ||
	    !memchr(p, 0, (size_t)(_end - p)))
		return "(bad guest pointer)";
	return p;
}

uint64_t get_ucall(struct mvm_vcpu *vcpu, struct ucall *uc)
{
	struct minivmm_run *run = vcpu->run;
	uint32_t addr;
	void *p;

	if (vcpu->last_ret || run->exit_reason != MINIVMM_EXIT_IO ||
	    run->io.direction != MINIVMM_EXIT_IO_OUT ||
	    run->io.port != UCALL_PORT || run->io.size != 4 ||
	    run->io.data_offset + 4 > vcpu->run_size)
		return UCALL_NONE;
	memcpy(&addr, vcpu_io_data(vcpu), sizeof(addr));
	p = (void *)(uintptr_t)addr;
	if (!vm_is_guest_mem(vcpu->vm, p, sizeof(struct ucall)))
		return UCALL_NONE;
	memcpy(&vcpu->uc, p, sizeof(vcpu->uc));
	if (uc)
		memcpy(uc, &vcpu->uc, sizeof(*uc));
	return vcpu->uc.cmd;
}

uint64_t vcpu_run_ucall(struct mvm_vcpu *vcpu, struct ucall *uc)
{
	uint64_t cmd;

	for (;;) {
		if (vcpu_run(vcpu))
			return UCALL_NONE;
		cmd = get_ucall(vcpu, uc);
		if (cmd != UCALL_PRINTF)
			return cmd;
		printf("# guest %u: ", vcpu->id);
		printf(guest_str((const char *)(uintptr_t)vcpu->uc.args[0]),
		       vcpu->uc.args[1], vcpu->uc.args[2], vcpu->uc.args[3],
		       vcpu->uc.args[4]);
		printf("\n");
		fflush(stdout);
	}
}

static size_t describe_ucall(struct mvm_vcpu *vcpu, char *buf, size_t size)
{
	const struct ucall *uc = &vcpu->uc;
	size_t n;
	uint64_t i;

	n = snprintf(buf, size, ", ucall %s", ucall_str(uc->cmd));
	if (n >= size || uc->cmd != UCALL_ABORT) {
		if (uc->cmd != UCALL_ABORT && n < size)
			n += snprintf(buf + n, size - n,
				      " (0x%llx, 0x%llx, 0x%llx, 0x%llx)",
				      (unsigned long long)uc->args[0],
				      (unsigned long long)uc->args[1],
				      (unsigned long long)uc->args[2],
				      (unsigned long long)uc->args[3]);
		return n;
	}
	n += snprintf(buf + n, size - n, ": guest assertion failed at %s:%llu: %s",
		      guest_str(uc->file), (unsigned long long)uc->line,
		      guest_str(uc->expr));
	for (i = 0; i < uc->nargs && i < 3 && n < size; i++)
		n += snprintf(buf + n, size - n, "%s0x%llx%s", i ? ", " : " (",
			      (unsigned long long)uc->args[i],
			      i + 1 == uc->nargs || i == 2 ? ")" : "");
	return n;
}

void vcpu_describe(struct mvm_vcpu *vcpu, char *buf, size_t size)
{
	struct minivmm_run *run = vcpu->run;
	struct minivmm_regs regs;
	size_t n = 0;
	uint32_t data = 0;
	unsigned int i;

	if (!size)
		return;
	buf[0] = 0;
	if (vcpu->last_ret)
		n += snprintf(buf + n, size - n, "RUN failed with errno %d (%s), ",
			      -vcpu->last_ret, strerror(-vcpu->last_ret));
	if (n < size)
		n += snprintf(buf + n, size - n, "exit %s (%u)",
			      exit_reason_str(run->exit_reason), run->exit_reason);
	if (n >= size)
		return;
	switch (run->exit_reason) {
	case MINIVMM_EXIT_IO:
		if (run->io.data_offset + 4 <= vcpu->run_size)
			memcpy(&data, vcpu_io_data(vcpu), sizeof(data));
		n += snprintf(buf + n, size - n,
			      ": %s port 0x%x size %u count %u data 0x%x",
			      run->io.direction == MINIVMM_EXIT_IO_OUT ? "out" : "in",
			      run->io.port, run->io.size, run->io.count, data);
		if (n < size && get_ucall(vcpu, NULL) != UCALL_NONE)
			n += describe_ucall(vcpu, buf + n, size - n);
		break;
	case MINIVMM_EXIT_MMIO:
		n += snprintf(buf + n, size - n, ": %s gpa 0x%llx len %u",
			      run->mmio.is_write ? "write" : "read",
			      (unsigned long long)run->mmio.phys_addr, run->mmio.len);
		break;
	case MINIVMM_EXIT_HYPERCALL:
		n += snprintf(buf + n, size - n, ": nr 0x%llx args 0x%llx 0x%llx 0x%llx",
			      (unsigned long long)run->hypercall.nr,
			      (unsigned long long)run->hypercall.args[0],
			      (unsigned long long)run->hypercall.args[1],
			      (unsigned long long)run->hypercall.args[2]);
		break;
	case MINIVMM_EXIT_FAIL_ENTRY:
		n += snprintf(buf + n, size - n, ": hardware reason 0x%llx cpu %u",
			      (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
			      run->fail_entry.cpu);
		break;
	case MINIVMM_EXIT_INTERNAL_ERROR:
		n += snprintf(buf + n, size - n, ": suberror %u ndata %u",
			      run->internal.suberror, run->internal.ndata);
		for (i = 0; i < run->internal.ndata && i < 4 && n < size; i++)
			n += snprintf(buf + n, size - n, " 0x%llx",
				      (unsigned long long)run->internal.data[i]);
		break;
	default:
		break;
	}
	if (n < size && !ioctl(vcpu->fd, MINIVMM_GET_REGS, &regs))
		snprintf(buf + n, size - n, "; rip 0x%llx rsp 0x%llx rflags 0x%llx",
			 (unsigned long long)regs.rip, (unsigned long long)regs.rsp,
			 (unsigned long long)regs.rflags);
}
