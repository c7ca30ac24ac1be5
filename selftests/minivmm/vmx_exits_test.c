// SPDX-License-Identifier: GPL-2.0
/*
 * Ways a guest stops, and what the host survives: exceptions through the
 * guest's IDT, triple fault (SHUTDOWN), invalid guest state (refused by
 * SET_SREGS or a FAIL_ENTRY exit), a signal or immediate_exit ending RUN
 * (EINTR, MINIVMM_EXIT_INTR), injected external interrupts (spinning,
 * halted, masked guests, the interrupt window), and a vCPU started from its
 * architectural reset state at the reset vector.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "minivmm_util.h"
#include "mvmm.h"

#define VECTOR_UD	6
#define VECTOR_TEST	0x40

static volatile uint64_t spin_count;
static volatile int spin_stop;

GUEST_CODE static void guest_nothing(void)
{
	GUEST_DONE();
}

GUEST_CODE static void guest_spin(void)
{
	while (!spin_stop) {
		spin_count++;
		guest_pause();
	}
	GUEST_DONE();
}

static struct mvm_vm *new_vm_vcpu(struct mvm_vcpu **vcpu, void *guest_fn)
{
	struct mvm_vm *vm = vm_create();

	*vcpu = NULL;
	if (!vm)
		return NULL;
	*vcpu = vm_add_vcpu(vm, 0, guest_fn);
	if (!*vcpu) {
		vm_free(vm);
		return NULL;
	}
	return vm;
}

/* After whatever happened before: a new VM runs a guest to its end. */
#define ASSERT_NEW_VM_WORKS() do {					\
	struct mvm_vcpu *__vc;						\
	struct mvm_vm *__vm = new_vm_vcpu(&__vc, guest_nothing);	\
	ASSERT_NE(NULL, __vm);						\
	ASSERT_DONE(__vc);						\
	vm_free(__vm);							\
} while (0)

/* ---------------------------------------------------------------------- */
/* Exceptions, triple fault                                                 */
/* ---------------------------------------------------------------------- */

static volatile uint64_t ud_count, ud_frame, ud_rip;
extern char guest_ud2_first[], guest_ud2_second[];

GUEST_CODE static void guest_ud_handler(struct ex_regs *regs)
{
	ud_count++;
	ud_frame = (uintptr_t)regs;
	ud_rip = regs->rip;
	regs->rip += 2;		/* ud2: 0f 0b */
}

GUEST_CODE static void guest_ud(void)
{
	asm volatile(".globl guest_ud2_first\n"
		     "guest_ud2_first: ud2" : : : "memory");
	GUEST_SYNC(ud_count, ud_frame, ud_rip);
	asm volatile(".globl guest_ud2_second\n"
		     "guest_ud2_second: ud2" : : : "memory");
	GUEST_DONE();
}

TEST(exception_reaches_guest_idt)
{
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_ud);
	uint64_t ist_top, ist_bottom;
	struct ucall uc;

	ASSERT_NE(NULL, vm);
	vm_install_handler(vm, VECTOR_UD, guest_ud_handler);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[0]);
	EXPECT_EQ((uintptr_t)guest_ud2_first, uc.args[2]);
	/* The handler ran on the vCPU's IST stack, right above its stack. */
	ist_bottom = vcpu->stack_top;
	ist_top = ist_bottom + MVM_IST_SIZE;
	EXPECT_LE(ist_bottom, uc.args[1]);
	EXPECT_GT(ist_top, uc.args[1]);

	/* No handler: the library's dispatcher reports it. */
	vm_install_handler(vm, VECTOR_UD, NULL);
	ASSERT_UCALL(vcpu, UCALL_ABORT, &uc);
	EXPECT_EQ(VECTOR_UD, uc.args[0]);
	EXPECT_EQ((uintptr_t)guest_ud2_second, uc.args[1]);
	vm_free(vm);
}

GUEST_CODE static void guest_triple_fault(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr;

	idtr.limit = 0;
	idtr.base = 0;
	/* #UD cannot be delivered, nor #GP, nor #DF: shutdown. */
	asm volatile("lidt %0\n\tud2" : : "m"(idtr) : "memory");
	GUEST_DONE();
}

TEST(triple_fault_is_shutdown)
{
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_triple_fault);

	ASSERT_NE(NULL, vm);
	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_SHUTDOWN);
	vm_free(vm);
	ASSERT_NEW_VM_WORKS();
}

/* ---------------------------------------------------------------------- */
/* Invalid guest state                                                      */
/* ---------------------------------------------------------------------- */

#define EXIT_REASON_INVALID_STATE	33
#define EXIT_REASON_FAILED_VMENTRY	(1ULL << 31)
/* AMD-V: VMEXIT_INVALID, the exit code of a VMRUN that refused the state. */
#define SVM_EXIT_ERR_CODE		0xffffffffULL

static void pg_without_pe(struct minivmm_sregs *sr)
{
	sr->cr0 &= ~X86_CR0_PE;
}

static void tr_unusable(struct minivmm_sregs *sr)
{
	sr->tr.unusable = 1;
}

static void tr_16bit_in_long_mode(struct minivmm_sregs *sr)
{
	sr->tr.type = 3;	/* busy 16-bit TSS: not in IA-32e mode */
}

static void cs_l_and_db(struct minivmm_sregs *sr)
{
	sr->cs.db = 1;		/* L and D/B both set: reserved */
}

/*
 * SET_SREGS refuses @bad (EINVAL) or RUN fails the entry (FAIL_ENTRY: VMX
 * basic reason 33, or SVM_EXIT_ERR when VMRUN's consistency checks refuse
 * it); either way the host lives on, the same vCPU runs once given a valid
 * state again, and a new VM works. AMD-V checks less than VT-x: a state
 * without @svm_checks runs there (the guest's own problem).
 */
static void check_invalid_state(struct __test_metadata *_metadata,
				void (*bad)(struct minivmm_sregs *sr), bool svm_checks)
{
	struct minivmm_sregs good, sr;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_nothing);
	uint64_t reason;
	int r;

	ASSERT_NE(NULL, vm);
	ASSERT_EQ(0, vcpu_get_sregs(vcpu, &good));
	sr = good;
	bad(&sr);
	r = vcpu_set_sregs(vcpu, &sr);
	if (r) {
		EXPECT_EQ(-EINVAL, r);
		TH_LOG("SET_SREGS refused the state");
	} else if (mvmm_is_svm() && !svm_checks) {
		TH_LOG("AMD-V runs this state");
	} else {
		ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_FAIL_ENTRY);
		reason = vcpu->run->fail_entry.hardware_entry_failure_reason;
		TH_LOG("FAIL_ENTRY: hardware reason 0x%llx on CPU %u",
		       (unsigned long long)reason, vcpu->run->fail_entry.cpu);
		if (mvmm_is_svm()) {
			EXPECT_EQ(SVM_EXIT_ERR_CODE, reason & 0xffffffffULL);
		} else {
			EXPECT_EQ(EXIT_REASON_FAILED_VMENTRY | EXIT_REASON_INVALID_STATE,
				  reason & 0xffffffffULL);
		}
		ASSERT_EQ(0, vcpu_set_sregs(vcpu, &good));
	}
	ASSERT_DONE(vcpu);
	vm_free(vm);
	ASSERT_NEW_VM_WORKS();
}

TEST(invalid_state_pg_without_pe)
{
	check_invalid_state(_metadata, pg_without_pe, true);
}

TEST(invalid_state_tr_unusable)
{
	check_invalid_state(_metadata, tr_unusable, false);
}

TEST(invalid_state_tr_16bit_in_long_mode)
{
	check_invalid_state(_metadata, tr_16bit_in_long_mode, false);
}

TEST(invalid_state_cs_l_and_db)
{
	check_invalid_state(_metadata, cs_l_and_db, true);
}

/* ---------------------------------------------------------------------- */
/* Signals and immediate_exit                                               */
/* ---------------------------------------------------------------------- */

static volatile sig_atomic_t sigusr1_seen;
static volatile int run_returned;

static void on_sigusr1(int sig)
{
	sigusr1_seen++;
}

struct kicker {
	pthread_t target;
};

/* Waits for the guest to spin, then 100 ms, then signals until RUN ends. */
static void *kicker_fn(void *arg)
{
	struct kicker *k = arg;
	struct timespec ms100 = { 0, 100 * 1000 * 1000 };
	int i;

	for (i = 0; i < 1000 && !spin_count; i++)
		usleep(1000);
	nanosleep(&ms100, NULL);
	while (!run_returned) {
		pthread_kill(k->target, SIGUSR1);
		nanosleep(&ms100, NULL);
	}
	return NULL;
}

TEST(signal_interrupts_run)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };	/* no SA_RESTART */
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_spin);
	struct kicker k;
	pthread_t t;
	uint64_t count;
	int r;

	ASSERT_NE(NULL, vm);
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	spin_stop = 0;
	spin_count = 0;
	run_returned = 0;
	k.target = pthread_self();
	ASSERT_EQ(0, pthread_create(&t, NULL, kicker_fn, &k));
	r = vcpu_run(vcpu);
	run_returned = 1;
	pthread_join(t, NULL);
	count = spin_count;
	EXPECT_EQ(-EINTR, r);
	EXPECT_EQ(MINIVMM_EXIT_INTR, vcpu->run->exit_reason);
	EXPECT_LE(1, sigusr1_seen);
	EXPECT_LT(0, count) TH_LOG("the guest never ran");
	TH_LOG("guest spun %llu times before the signal", (unsigned long long)count);

	/* The vCPU goes on where it was. */
	spin_stop = 1;
	ASSERT_DONE(vcpu);
	EXPECT_LE(count, spin_count);
	vm_free(vm);
}

TEST(immediate_exit)
{
	struct minivmm_regs before, after;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_nothing);

	ASSERT_NE(NULL, vm);
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &before));
	vcpu->run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, vcpu_run(vcpu));
	EXPECT_EQ(MINIVMM_EXIT_INTR, vcpu->run->exit_reason);
	EXPECT_EQ(-EINTR, vcpu_run(vcpu));
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &after));
	EXPECT_EQ(before.rip, after.rip) TH_LOG("the guest ran");
	EXPECT_EQ(before.rsp, after.rsp);
	vcpu->run->immediate_exit = 0;
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

/* ---------------------------------------------------------------------- */
/* External interrupts                                                      */
/* ---------------------------------------------------------------------- */

static volatile uint64_t irq_count, irq_vector;

GUEST_CODE static void guest_irq_handler(struct ex_regs *regs)
{
	irq_count++;
	irq_vector = regs->vector;
}

GUEST_CODE static void guest_irq_spin(void)
{
	guest_sti();
	GUEST_SYNC(1);
	while (!irq_count)
		guest_pause();
	GUEST_SYNC(irq_count, irq_vector);
}

TEST(interrupt_to_spinning_guest)
{
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_irq_spin);
	struct ucall uc;

	ASSERT_NE(NULL, vm);
	vm_install_handler(vm, VECTOR_TEST, guest_irq_handler);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, vcpu->run->if_flag);
	EXPECT_EQ(1, vcpu->run->ready_for_interrupt_injection);
	ASSERT_EQ(0, vcpu_interrupt(vcpu, VECTOR_TEST));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[0]);
	EXPECT_EQ(VECTOR_TEST, uc.args[1]);
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

extern char guest_after_sti_hlt[];

GUEST_CODE static void guest_irq_hlt(void)
{
	asm volatile("sti\n\thlt\n"
		     ".globl guest_after_sti_hlt\n"
		     "guest_after_sti_hlt:" : : : "memory");
	GUEST_SYNC(irq_count, irq_vector);
}

TEST(interrupt_wakes_halted_guest)
{
	struct minivmm_regs regs;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_irq_hlt);
	struct ucall uc;

	ASSERT_NE(NULL, vm);
	vm_install_handler(vm, VECTOR_TEST + 1, guest_irq_handler);
	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_HLT);
	EXPECT_EQ(1, vcpu->run->if_flag);
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &regs));
	EXPECT_EQ((uintptr_t)guest_after_sti_hlt, regs.rip);
	ASSERT_EQ(0, vcpu_interrupt(vcpu, VECTOR_TEST + 1));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[0]);
	EXPECT_EQ(VECTOR_TEST + 1, uc.args[1]);
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

GUEST_CODE static void guest_irq_masked(void)
{
	guest_cli();
	GUEST_SYNC(1);
	GUEST_SYNC(irq_count);
	guest_sti_nop();
	GUEST_SYNC(irq_count, irq_vector);
}

TEST(interrupt_waits_for_if)
{
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_irq_masked);
	struct ucall uc;

	ASSERT_NE(NULL, vm);
	vm_install_handler(vm, VECTOR_TEST + 2, guest_irq_handler);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, vcpu->run->if_flag);
	EXPECT_EQ(0, vcpu->run->ready_for_interrupt_injection);
	ASSERT_EQ(0, vcpu_interrupt(vcpu, VECTOR_TEST + 2));
	/* Still masked: not delivered yet. */
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, uc.args[0]);
	/* STI; NOP: delivered right there. */
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[0]);
	EXPECT_EQ(VECTOR_TEST + 2, uc.args[1]);
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

GUEST_CODE static void guest_irq_window(void)
{
	guest_cli();
	GUEST_SYNC(1);
	guest_sti_nop();
	while (!irq_count)
		guest_pause();
	GUEST_SYNC(irq_count, irq_vector);
}

TEST(interrupt_window_open_exit)
{
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_irq_window);
	struct ucall uc;

	ASSERT_NE(NULL, vm);
	vm_install_handler(vm, VECTOR_TEST + 3, guest_irq_handler);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, vcpu->run->if_flag);
	vcpu->run->request_interrupt_window = 1;
	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_IRQ_WINDOW_OPEN);
	EXPECT_EQ(1, vcpu->run->if_flag);
	EXPECT_EQ(1, vcpu->run->ready_for_interrupt_injection);
	vcpu->run->request_interrupt_window = 0;
	ASSERT_EQ(0, vcpu_interrupt(vcpu, VECTOR_TEST + 3));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[0]);
	EXPECT_EQ(VECTOR_TEST + 3, uc.args[1]);
	ASSERT_DONE(vcpu);
	vm_free(vm);
}

TEST(interrupt_bad_arguments)
{
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_nothing);
	struct minivmm_interrupt irq = { .vector = VECTOR_TEST, .flags = 1 };

	ASSERT_NE(NULL, vm);
	EXPECT_EQ(-EINVAL, vcpu_interrupt(vcpu, 0));
	EXPECT_EQ(-EINVAL, vcpu_interrupt(vcpu, 2));	/* NMI's vector */
	EXPECT_EQ(-EINVAL, vcpu_interrupt(vcpu, 31));
	EXPECT_EQ(-EINVAL, vcpu_interrupt(vcpu, 256));
	EXPECT_EQ(-EINVAL, vcpu_interrupt(vcpu, ~0U));
	EXPECT_EQ(-1, ioctl(vcpu->fd, MINIVMM_INTERRUPT, &irq));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, vcpu_interrupt(vcpu, 32));
	vm_free(vm);
}

/* ---------------------------------------------------------------------- */
/* Real mode from reset                                                     */
/* ---------------------------------------------------------------------- */

#define SEG64K	0x10000UL

TEST(real_mode_reset_vector)
{
	/* At F000:FFF0 (0xfffffff0): jmp near 0x0100 */
	static const uint8_t reset[] = { 0xe9, 0x0d, 0x01 };
	/* At F000:0100: mov al,0x11; out 0x80,al; jmp far F000:1000 */
	static const uint8_t high[] = { 0xb0, 0x11, 0xe6, 0x80,
					0xea, 0x00, 0x10, 0x00, 0xf0 };
	/* At 0xf1000: mov dx,0x1234; mov ax,0xbeef; out dx,ax; hlt */
	static const uint8_t low[] = { 0xba, 0x34, 0x12, 0xb8, 0xef, 0xbe,
				       0xef, 0xf4 };
	struct minivmm_caps caps;
	struct minivmm_sregs sr;
	struct minivmm_regs regs;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm;
	uint8_t *hi, *lo;
	uint16_t w = 0;

	vm = vm_create_empty();
	ASSERT_NE(NULL, vm);
	memset(&caps, 0, sizeof(caps));
	ASSERT_EQ(0, ioctl(vm->dev_fd, MINIVMM_GET_CAPS, &caps));
	/* AMD-V runs real mode as it is; VT-x needs unrestricted guest. */
	if (caps.backend != MINIVMM_BACKEND_SVM &&
	    !(caps.caps & MINIVMM_CAP_UNRESTRICTED_GUEST)) {
		vm_free(vm);
		SKIP(return, "no unrestricted guest: real mode cannot run under VT-x");
	}
	hi = mmap(NULL, SEG64K, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	lo = mmap(NULL, SEG64K, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hi);
	ASSERT_NE(MAP_FAILED, lo);
	memset(hi, 0xf4, SEG64K);	/* hlt everywhere else */
	memset(lo, 0xf4, SEG64K);
	memcpy(hi + 0xfff0, reset, sizeof(reset));
	memcpy(hi + 0x0100, high, sizeof(high));
	memcpy(lo + 0x1000, low, sizeof(low));
	ASSERT_LE(0, vm_add_region(vm, 0, 0xffff0000ULL, SEG64K, hi));
	ASSERT_LE(0, vm_add_region(vm, 0, 0xf0000ULL, SEG64K, lo));
	vcpu = vm_add_vcpu_reset(vm, 0);
	ASSERT_NE(NULL, vcpu);

	ASSERT_EQ(0, vcpu_get_sregs(vcpu, &sr));
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &regs));
	EXPECT_EQ(0xf000, sr.cs.selector);
	EXPECT_EQ(0xffff0000ULL, sr.cs.base);
	EXPECT_EQ(0xfff0, regs.rip);
	EXPECT_EQ(0, sr.cr0 & X86_CR0_PE);

	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_IO);
	EXPECT_EQ(MINIVMM_EXIT_IO_OUT, vcpu->run->io.direction);
	EXPECT_EQ(0x80, vcpu->run->io.port);
	EXPECT_EQ(1, vcpu->run->io.size);
	EXPECT_EQ(0x11, *(uint8_t *)vcpu_io_data(vcpu));

	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_IO);
	EXPECT_EQ(MINIVMM_EXIT_IO_OUT, vcpu->run->io.direction);
	EXPECT_EQ(0x1234, vcpu->run->io.port);
	EXPECT_EQ(2, vcpu->run->io.size);
	memcpy(&w, vcpu_io_data(vcpu), sizeof(w));
	EXPECT_EQ(0xbeef, w);

	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_HLT);
	ASSERT_EQ(0, vcpu_get_sregs(vcpu, &sr));
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &regs));
	EXPECT_EQ(0xf000, sr.cs.selector);
	EXPECT_EQ(0xf0000ULL, sr.cs.base);
	EXPECT_EQ(0x1008, regs.rip);
	vm_free(vm);
	munmap(hi, SEG64K);
	munmap(lo, SEG64K);
}

/* 32-bit code: out %al, $0x80; hlt. Runs as data of the binary. */
static const uint8_t code32_out_hlt[] = { 0xe6, 0x80, 0xf4 };

/*
 * A guest in protected mode with EFER.LME set but paging and PAE off (a
 * step a kernel may take on its way to long mode) exits and enters again.
 * QEMU's emulated AMD-V lost the host's CR0 on such an exit and hung the
 * host; the backend keeps LME out of the VMCB until paging is on.
 */
TEST(lme_without_paging_exits)
{
	struct minivmm_regs regs;
	struct minivmm_sregs sr;
	struct mvm_vcpu *vcpu;
	struct mvm_vm *vm = new_vm_vcpu(&vcpu, guest_nothing);
	uint64_t efer;

	ASSERT_NE(NULL, vm);
	ASSERT_EQ(0, vcpu_get_sregs(vcpu, &sr));
	sr.cr0 = X86_CR0_PE | X86_CR0_ET;
	sr.cr4 = 0;
	sr.efer = EFER_LME;
	sr.cs.l = 0;
	sr.cs.db = 1;
	sr.cs.limit = 0xffffffff;
	sr.cs.g = 1;
	sr.tr.type = 11;
	ASSERT_EQ(0, vcpu_set_sregs(vcpu, &sr));
	ASSERT_EQ(0, vcpu_get_regs(vcpu, &regs));
	regs.rip = (uint64_t)(uintptr_t)code32_out_hlt;
	ASSERT_EQ(0, vcpu_set_regs(vcpu, &regs));
	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_IO);
	EXPECT_EQ(0x80, vcpu->run->io.port);
	ASSERT_RUN_EXIT(vcpu, MINIVMM_EXIT_HLT);
	ASSERT_EQ(0, vcpu_get_msr(vcpu, 0xc0000080, &efer));
	EXPECT_EQ(EFER_LME, efer & (EFER_LME | EFER_LMA));
	vm_free(vm);
	ASSERT_NEW_VM_WORKS();
}

TEST_HARNESS_MAIN
