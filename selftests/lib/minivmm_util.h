/* SPDX-License-Identifier: GPL-2.0 */
/*
 * minivmm selftest library: VMs whose guests run C functions of the test
 * binary itself, in 64-bit mode, and talk to the host with "ucalls".
 *
 * Guest memory layout
 * -------------------
 * Every guest address is the host address of the same byte: guest virtual
 * == guest physical == host virtual. A test binary is static and not PIE
 * (gcc -static gives ET_EXEC at 0x400000 even with a default-PIE gcc), so
 * all of it sits below 4 GiB:
 *
 *  - the binary: vm_create() reads /proc/self/maps and registers every
 *    mapping that lies in [__executable_start, _end) (text, rodata,
 *    RELRO, data, bss; runs of adjacent mappings merged) as memory slots
 *    with guest_phys_addr == userspace_addr == its own address. Guest code
 *    calls GUEST_CODE functions and reads and writes globals that the host
 *    sees at once (same pages). The heap, mmap'ed memory, TLS and the
 *    host's stacks are NOT guest memory.
 *  - the system region: MVM_SYS_SIZE (4 MiB) of anonymous memory, mapped
 *    with MAP_FIXED_NOREPLACE at the first free 4 MiB-aligned address in
 *    [1 GiB, 4 GiB), one slot, same identity rule. It holds, at these
 *    offsets:
 *	0x000000  PML4, 0x001000 PDPT, 0x002000-0x005fff four page directories:
 *		  guest virtual 0-4 GiB identity-mapped with 2 MiB pages
 *	0x006000  GDT: 0x08 64-bit code, 0x10 data, 0x18 + 16 * id the TSS
 *		  descriptor of vCPU id
 *	0x007000  IDT: 256 interrupt gates (selector 0x08, IST 1) to the
 *		  stubs of minivmm_guest.c
 *	0x008000  handler table: 256 guest_handler_t, indexed by vector
 *		  (the stubs find it at IDTR.base + 0x1000)
 *	0x009000  TSSs, 128 bytes apart, one per vCPU id
 *	0x100000  per vCPU id, 128 KiB each: a 96 KiB stack, then a 32 KiB
 *		  IST1 stack for interrupts and exceptions (so handlers never
 *		  clobber the red zone of interrupted guest code)
 *	0x300000  1 MiB scratch for tests (vm_scratch())
 *
 * vCPU state set by vm_add_vcpu(): CR0 = PE|MP|ET|NE|WP|PG, CR4 =
 * PAE|OSFXSR|OSXMMEXCPT, EFER = LME|LMA, CR3 = the PML4; CS 0x08 (L=1),
 * DS/ES/FS/GS/SS 0x10 flat, TR the vCPU's busy 64-bit TSS, LDTR unusable;
 * RIP = the guest function, RSP = top of its stack holding the address of a
 * stub that reports UCALL_DONE if the function returns, RDI = vCPU id,
 * RFLAGS = 0x2 (interrupts off).
 *
 * ucall: the guest builds a struct ucall on its stack and executes
 * "out %eax, $UCALL_PORT" with EAX = the struct's address (below 4 GiB by
 * the layout above). The host sees a MINIVMM_EXIT_IO OUT of size 4 on
 * UCALL_PORT, reads the address from the exit data and the struct at that
 * same address.
 *
 * Guest code rules: mark every function the guest runs GUEST_CODE (it goes
 * to section minivmm_guest_text; vm_add_vcpu() refuses an entry point
 * outside it). No libc, no TLS, no floating point or SSE unless a test
 * means it (then write it in asm), no struct copies or memset-like loops
 * (the compiler may turn them into libc calls).
 */
#ifndef MINIVMM_SELFTEST_UTIL_H
#define MINIVMM_SELFTEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/minivmm.h>

/* ---------------------------------------------------------------------- */
/* Layout                                                                   */
/* ---------------------------------------------------------------------- */

#define MVM_PAGE_SIZE		0x1000UL
#define MVM_SYS_SIZE		0x400000UL
#define MVM_SYS_PML4		0x000000UL
#define MVM_SYS_PDPT		0x001000UL
#define MVM_SYS_PD		0x002000UL
#define MVM_SYS_GDT		0x006000UL
#define MVM_SYS_IDT		0x007000UL
#define MVM_SYS_HANDLERS	0x008000UL
#define MVM_SYS_TSS		0x009000UL
#define MVM_TSS_STRIDE		128UL
#define MVM_SYS_STACKS		0x100000UL
#define MVM_VCPU_AREA		0x20000UL
#define MVM_STACK_SIZE		0x18000UL
#define MVM_IST_SIZE		0x8000UL
#define MVM_SYS_SCRATCH		0x300000UL
#define MVM_SCRATCH_SIZE	0x100000UL

#define MVM_SEL_CODE		0x08
#define MVM_SEL_DATA		0x10
#define MVM_SEL_TSS(id)		(0x18 + 16 * (id))

#define X86_CR0_PE	(1UL << 0)
#define X86_CR0_MP	(1UL << 1)
#define X86_CR0_ET	(1UL << 4)
#define X86_CR0_NE	(1UL << 5)
#define X86_CR0_WP	(1UL << 16)
#define X86_CR0_NW	(1UL << 29)
#define X86_CR0_CD	(1UL << 30)
#define X86_CR0_PG	(1UL << 31)
#define X86_CR4_PAE	(1UL << 5)
#define X86_CR4_OSFXSR	(1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define EFER_SCE	(1UL << 0)
#define EFER_LME	(1UL << 8)
#define EFER_LMA	(1UL << 10)
#define X86_RFLAGS_FIXED (1UL << 1)
#define X86_RFLAGS_IF	(1UL << 9)

/* The port of ucalls (an OUT of 4 bytes: the struct ucall's address). */
#define UCALL_PORT		0xE7
#define UCALL_MAX_ARGS		6

enum {
	UCALL_NONE = 0,		/* the exit was not a ucall */
	UCALL_SYNC,		/* args: whatever the test says */
	UCALL_DONE,		/* the guest finished */
	UCALL_ABORT,		/* GUEST_ASSERT failed: file, line, expr, args */
	UCALL_PRINTF,		/* file = format, args[0..3] its arguments */
};

struct ucall {
	uint64_t cmd;
	uint64_t args[UCALL_MAX_ARGS];
	uint64_t nargs;		/* UCALL_ABORT: how many args are values */
	const char *file;	/* UCALL_ABORT: source file; PRINTF: format */
	const char *expr;	/* UCALL_ABORT: the failed expression */
	uint64_t line;
};

/* What the IDT stubs push, lowest address first; handlers may edit it. */
struct ex_regs {
	uint64_t rax, rcx, rdx, rbx, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

typedef void (*guest_handler_t)(struct ex_regs *regs);

/* ---------------------------------------------------------------------- */
/* Host side                                                                */
/* ---------------------------------------------------------------------- */

struct mvm_vm;

struct mvm_vcpu {
	struct mvm_vm *vm;
	uint32_t id;
	int fd;
	struct minivmm_run *run;
	size_t run_size;
	uint64_t stack_top;	/* guest (== host) address; 0: reset vCPU */
	int last_ret;		/* 0 or -errno of the last vcpu_run() */
	struct ucall uc;	/* the last ucall get_ucall() saw */
};

struct mvm_vm {
	int dev_fd;		/* /dev/minivmm, -1 once closed */
	int fd;			/* the VM fd, -1 once closed */
	size_t run_size;	/* MINIVMM_GET_VCPU_MMAP_SIZE */
	uint8_t *sys;		/* system region (NULL: vm_create_empty()) */
	unsigned int nr_slots;	/* slots 0 .. nr_slots - 1 are in use */
	struct mvm_vcpu *vcpus[MINIVMM_MAX_VCPUS];
};

/* Opens /dev/minivmm (O_RDWR | O_CLOEXEC): fd or -1 with errno. */
int mvm_open_dev(void);

/*
 * A VM with no memory and no vCPU (the device fd stays open in dev_fd).
 * NULL with errno set, and a "# " line on stderr saying what failed.
 */
struct mvm_vm *vm_create_empty(void);

/* A VM with the binary and the system region mapped (see above). */
struct mvm_vm *vm_create(void);

/*
 * What vm_create() adds to vm_create_empty(): the binary's slots, the
 * system region and its tables. 0 or -errno (and a "# " line).
 */
int vm_init_memory(struct mvm_vm *vm);

/* Unmaps and closes everything still open (any fd may be -1 already). */
void vm_free(struct mvm_vm *vm);

/* MINIVMM_SET_MEMORY_REGION: 0 or -errno. */
int vm_set_region(struct mvm_vm *vm, uint32_t slot, uint32_t flags,
		  uint64_t gpa, uint64_t size, void *hva);
/* vm_set_region() on the next free slot: the slot number, or -errno. */
int vm_add_region(struct mvm_vm *vm, uint32_t flags, uint64_t gpa,
		  uint64_t size, void *hva);

/* The scratch area (MVM_SCRATCH_SIZE bytes, guest memory, zeroed). */
void *vm_scratch(struct mvm_vm *vm);

/*
 * Creates vCPU @id, maps its run page, and sets it up to run @guest_fn
 * (a GUEST_CODE function) in 64-bit mode with RDI = @id. NULL with errno
 * and a "# " line on failure.
 */
struct mvm_vcpu *vm_add_vcpu(struct mvm_vm *vm, uint32_t id, void *guest_fn);

/* Creates vCPU @id and maps its run page; leaves it in its reset state. */
struct mvm_vcpu *vm_add_vcpu_reset(struct mvm_vm *vm, uint32_t id);

/* Closes the vCPU fd and unmaps its run page (vm->vcpus[id] becomes NULL). */
void vcpu_free(struct mvm_vcpu *vcpu);

/* The segments, tables and control registers of vm_add_vcpu(). */
void vcpu_long_mode_sregs(struct mvm_vcpu *vcpu, struct minivmm_sregs *sr);

/* RDI, RSI, RDX, RCX, R8, R9 = up to six arguments: 0 or -errno. */
int vcpu_set_args(struct mvm_vcpu *vcpu, unsigned int n, const uint64_t *args);

/* MINIVMM_RUN: 0 or -errno (also kept in vcpu->last_ret). */
int vcpu_run(struct mvm_vcpu *vcpu);

/* ioctl wrappers: 0 (or a count) or -errno. */
int vcpu_get_regs(struct mvm_vcpu *vcpu, struct minivmm_regs *regs);
int vcpu_set_regs(struct mvm_vcpu *vcpu, const struct minivmm_regs *regs);
int vcpu_get_sregs(struct mvm_vcpu *vcpu, struct minivmm_sregs *sregs);
int vcpu_set_sregs(struct mvm_vcpu *vcpu, const struct minivmm_sregs *sregs);
int vcpu_get_fpu(struct mvm_vcpu *vcpu, struct minivmm_fpu *fpu);
int vcpu_set_fpu(struct mvm_vcpu *vcpu, const struct minivmm_fpu *fpu);
int vcpu_set_cpuid(struct mvm_vcpu *vcpu, const struct minivmm_cpuid_entry *e,
		   uint32_t n);
/* GET/SET_MSRS on @n entries: how many were processed, or -errno. */
int vcpu_get_msrs(struct mvm_vcpu *vcpu, struct minivmm_msr_entry *e, uint32_t n);
int vcpu_set_msrs(struct mvm_vcpu *vcpu, const struct minivmm_msr_entry *e,
		  uint32_t n);
/* One MSR: 0, -ENOENT when the kernel processed none, or -errno. */
int vcpu_get_msr(struct mvm_vcpu *vcpu, uint32_t index, uint64_t *data);
int vcpu_set_msr(struct mvm_vcpu *vcpu, uint32_t index, uint64_t data);
int vcpu_interrupt(struct mvm_vcpu *vcpu, uint32_t vector);

/* Where the data of the last port I/O exit is. */
static inline void *vcpu_io_data(struct mvm_vcpu *vcpu)
{
	return (uint8_t *)vcpu->run + vcpu->run->io.data_offset;
}

/* "IO", "HLT", ... ("?" when unknown). */
const char *exit_reason_str(uint32_t reason);
const char *ucall_str(uint64_t cmd);

/*
 * Is the last exit a ucall? Then copies it to @uc (may be NULL) and to
 * vcpu->uc and returns its cmd; else UCALL_NONE.
 */
uint64_t get_ucall(struct mvm_vcpu *vcpu, struct ucall *uc);

/*
 * vcpu_run() then get_ucall(), printing and skipping UCALL_PRINTF.
 * UCALL_NONE when RUN failed or the exit is not a ucall.
 */
uint64_t vcpu_run_ucall(struct mvm_vcpu *vcpu, struct ucall *uc);

/*
 * One line about the last RUN: its errno, the exit reason and data, and
 * for a ucall its cmd (a failed guest assertion in full).
 */
void vcpu_describe(struct mvm_vcpu *vcpu, char *buf, size_t size);

/* Installs @h for @vector in the VM's IDT (NULL: none; unhandled aborts). */
void vm_install_handler(struct mvm_vm *vm, unsigned int vector, guest_handler_t h);

/* Is [p, p + len) guest memory of this VM (binary or system region)? */
bool vm_is_guest_mem(struct mvm_vm *vm, const void *p, size_t len);

/* Online CPUs this thread may run on, as a count. */
int mvm_nr_usable_cpus(void);

/* Monotonic time in ns. */
uint64_t mvm_now_ns(void);

/* ---------------------------------------------------------------------- */
/* Assertions for kselftest_harness.h tests (use _metadata)                */
/* ---------------------------------------------------------------------- */

/* Run once; the exit must be @reason. */
#define ASSERT_RUN_EXIT(vcpu, reason) do {				\
	struct mvm_vcpu *__v = (vcpu);					\
	uint32_t __want = (reason);					\
	int __r = vcpu_run(__v);					\
	if (__r || __v->run->exit_reason != __want) {			\
		char __d[512];						\
		vcpu_describe(__v, __d, sizeof(__d));			\
		TH_LOG("vCPU %u: want exit %s, got %s", __v->id,	\
		       exit_reason_str(__want), __d);			\
	}								\
	ASSERT_EQ(0, __r);						\
	ASSERT_EQ(__want, __v->run->exit_reason);			\
} while (0)

/* Run once; the exit must be a ucall @cmd; it is copied to *(ucp). */
#define ASSERT_UCALL(vcpu, cmd, ucp) do {				\
	struct mvm_vcpu *__v = (vcpu);					\
	uint64_t __want = (cmd);					\
	uint64_t __got = vcpu_run_ucall(__v, (ucp));			\
	if (__got != __want) {						\
		char __d[512];						\
		vcpu_describe(__v, __d, sizeof(__d));			\
		TH_LOG("vCPU %u: want ucall %s, got %s", __v->id,	\
		       ucall_str(__want), __d);				\
	}								\
	ASSERT_EQ(__want, __got);					\
} while (0)

#define ASSERT_DONE(vcpu)	ASSERT_UCALL(vcpu, UCALL_DONE, NULL)

/* ---------------------------------------------------------------------- */
/* Guest side                                                               */
/* ---------------------------------------------------------------------- */

#define GUEST_SECTION	"minivmm_guest_text"

/*
 * Every function the guest runs. Not inlined into host code, no stack
 * protector (the canary is read through FS, which is 0 in the guest), no
 * SSE/x87 registers (interrupt handlers do not save them).
 */
#define GUEST_CODE __attribute__((noinline, noclone, no_stack_protector, \
				  section(GUEST_SECTION),		\
				  target("general-regs-only")))

/* Bounds of the guest text (defined by the linker). */
extern char __start_minivmm_guest_text[], __stop_minivmm_guest_text[];

/* A ucall with up to six arguments (minivmm_ucall.c). */
void guest_ucall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2,
		 uint64_t a3, uint64_t a4, uint64_t a5);
/* Reports a failed assertion (UCALL_ABORT), then halts forever. */
void guest_assert_fail(const char *file, uint64_t line, const char *expr,
		       uint64_t nargs, uint64_t a0, uint64_t a1, uint64_t a2)
	__attribute__((noreturn));
/* Puts @h in the IDT's handler table, from the guest (uses SIDT). */
void guest_install_handler(unsigned int vector, guest_handler_t h);

#define __GUEST_UCALL(cmd, a0, a1, a2, a3, a4, a5, ...)		\
	guest_ucall(cmd, (uint64_t)(a0), (uint64_t)(a1), (uint64_t)(a2), \
		    (uint64_t)(a3), (uint64_t)(a4), (uint64_t)(a5))

/* GUEST_SYNC(), GUEST_SYNC(a), ... up to six values. */
#define GUEST_SYNC(...)	__GUEST_UCALL(UCALL_SYNC, ##__VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define GUEST_DONE()	__GUEST_UCALL(UCALL_DONE, 0, 0, 0, 0, 0, 0)
/* A format in rodata and up to four integer arguments (host printf). */
#define GUEST_PRINTF(fmt, ...)						\
	guest_ucall(UCALL_PRINTF, (uint64_t)(uintptr_t)(fmt),		\
		    __GUEST_PRINTF_ARGS(__VA_ARGS__, 0, 0, 0, 0))
#define __GUEST_PRINTF_ARGS(a, b, c, d, ...)				\
	(uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), 0

#define GUEST_ASSERT(cond) do {						\
	if (!(cond))							\
		guest_assert_fail(__FILE__, __LINE__, #cond, 0, 0, 0, 0); \
} while (0)

#define __GUEST_ASSERT_OP(a, op, b) do {				\
	uint64_t __ga = (uint64_t)(a), __gb = (uint64_t)(b);		\
	if (!(__ga op __gb))						\
		guest_assert_fail(__FILE__, __LINE__, #a " " #op " " #b, \
				  2, __ga, __gb, 0);			\
} while (0)
#define GUEST_ASSERT_EQ(a, b)	__GUEST_ASSERT_OP(a, ==, b)
#define GUEST_ASSERT_NE(a, b)	__GUEST_ASSERT_OP(a, !=, b)

#define GUEST_FAIL(msg)	guest_assert_fail(__FILE__, __LINE__, msg, 0, 0, 0, 0)

/* Instructions, as macros so they need no inlining into guest code. */
#define guest_outb(port, v) do {					\
	asm volatile("outb %b0, %w1"					\
		     : : "a"((uint8_t)(v)), "Nd"((uint16_t)(port)));	\
} while (0)
#define guest_outw(port, v) do {					\
	asm volatile("outw %w0, %w1"					\
		     : : "a"((uint16_t)(v)), "Nd"((uint16_t)(port)));	\
} while (0)
#define guest_outl(port, v) do {					\
	asm volatile("outl %k0, %w1"					\
		     : : "a"((uint32_t)(v)), "Nd"((uint16_t)(port)));	\
} while (0)
#define guest_inb(port) ({						\
	uint8_t __v;							\
	asm volatile("inb %w1, %b0" : "=a"(__v) : "Nd"((uint16_t)(port))); \
	__v; })
#define guest_inw(port) ({						\
	uint16_t __v;							\
	asm volatile("inw %w1, %w0" : "=a"(__v) : "Nd"((uint16_t)(port))); \
	__v; })
#define guest_inl(port) ({						\
	uint32_t __v;							\
	asm volatile("inl %w1, %k0" : "=a"(__v) : "Nd"((uint16_t)(port))); \
	__v; })
#define guest_hlt()	do { asm volatile("hlt" : : : "memory"); } while (0)
#define guest_sti()	do { asm volatile("sti" : : : "memory"); } while (0)
#define guest_cli()	do { asm volatile("cli" : : : "memory"); } while (0)
#define guest_pause()	do { asm volatile("pause" : : : "memory"); } while (0)
/* STI; NOP: interrupts are taken right after the NOP at the latest. */
#define guest_sti_nop()	do { asm volatile("sti; nop" : : : "memory"); } while (0)
#define guest_rdmsr(idx) ({						\
	uint32_t __lo, __hi;						\
	asm volatile("rdmsr" : "=a"(__lo), "=d"(__hi) : "c"((uint32_t)(idx))); \
	((uint64_t)__hi << 32) | __lo; })
#define guest_wrmsr(idx, val) do {					\
	uint64_t __wv = (val);						\
	asm volatile("wrmsr" : : "c"((uint32_t)(idx)), "a"((uint32_t)__wv), \
		     "d"((uint32_t)(__wv >> 32)) : "memory");		\
} while (0)
#define guest_cpuid(leaf, sub, a, b, c, d) do {				\
	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)	\
		     : "a"((uint32_t)(leaf)), "c"((uint32_t)(sub)));	\
} while (0)
#define guest_read_rflags() ({						\
	uint64_t __f;							\
	asm volatile("pushfq; popq %0" : "=r"(__f));			\
	__f; })

/* Reads and writes the compiler may not cache or drop. */
#ifndef READ_ONCE
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#endif
#ifndef WRITE_ONCE
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#endif

#endif /* MINIVMM_SELFTEST_UTIL_H */
