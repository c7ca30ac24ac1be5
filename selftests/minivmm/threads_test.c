// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs and host threads and processes: eight vCPUs in eight threads, a
 * vCPU thread moved between CPU 0 and CPU 1 between RUNs and while its
 * guest runs, file descriptors closed in every order (also while a RUN is
 * in progress), and a process exiting or killed while its vCPUs run. After
 * each of these a new VM must work.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "minivmm_util.h"

#define NR_THREAD_VCPUS		8
#define UCALLS_PER_VCPU		1000
#define MIGRATE_SYNCS		200
#define MIGRATIONS		20

static volatile uint64_t spin_count[MINIVMM_MAX_VCPUS];
static volatile int spin_stop;

FIXTURE(slow) {
	int unused;
};
FIXTURE_SETUP(slow)
{
}
FIXTURE_TEARDOWN(slow)
{
}

GUEST_CODE static void guest_nothing(void)
{
	GUEST_DONE();
}

/* Counts in spin_count[id] until spin_stop, then is done. */
GUEST_CODE static void guest_spin(uint64_t id)
{
	while (!spin_stop) {
		spin_count[id]++;
		guest_pause();
	}
	GUEST_DONE();
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Waits up to @ms for spin_count[id] to pass @than. */
static bool wait_spin_past(unsigned int id, uint64_t than, unsigned int ms)
{
	unsigned int i;

	for (i = 0; i < ms; i++) {
		if (spin_count[id] > than)
			return true;
		sleep_ms(1);
	}
	return spin_count[id] > than;
}

/* A new VM runs a guest to its end. */
#define ASSERT_NEW_VM_WORKS() do {					\
	struct mvm_vm *__vm = vm_create();				\
	struct mvm_vcpu *__vc;						\
	ASSERT_NE(NULL, __vm);						\
	__vc = vm_add_vcpu(__vm, 0, guest_nothing);			\
	ASSERT_NE(NULL, __vc);						\
	ASSERT_DONE(__vc);						\
	vm_free(__vm);							\
} while (0)

/* A thread running one vCPU until an expected ucall, noting what failed. */
struct vcpu_thread {
	struct mvm_vcpu *vcpu;
	pthread_t thread;
	pid_t tid;
	uint64_t want_cmd;	/* for run_once_fn */
	unsigned int syncs;	/* ucalls that were right */
	bool done;
	struct ucall uc;
	char msg[512];
};

static void thread_fail(struct vcpu_thread *t, const char *what)
{
	char d[400];

	vcpu_describe(t->vcpu, d, sizeof(d));
	snprintf(t->msg, sizeof(t->msg), "vCPU %u %s: %s", t->vcpu->id, what, d);
}

/* ---------------------------------------------------------------------- */
/* Eight vCPUs                                                              */
/* ---------------------------------------------------------------------- */

GUEST_CODE static void guest_count(uint64_t id)
{
	uint64_t i;

	for (i = 0; i < UCALLS_PER_VCPU; i++)
		GUEST_SYNC(id, i);
	GUEST_DONE();
}

static void *count_thread_fn(void *arg)
{
	struct vcpu_thread *t = arg;
	struct ucall uc;
	unsigned int i;

	for (i = 0; i < UCALLS_PER_VCPU; i++) {
		if (vcpu_run_ucall(t->vcpu, &uc) != UCALL_SYNC) {
			thread_fail(t, "wanted SYNC");
			return NULL;
		}
		if (uc.args[0] != t->vcpu->id || uc.args[1] != i) {
			snprintf(t->msg, sizeof(t->msg),
				 "vCPU %u ucall %u: guest says id %llu count %llu",
				 t->vcpu->id, i, (unsigned long long)uc.args[0],
				 (unsigned long long)uc.args[1]);
			return NULL;
		}
		t->syncs++;
	}
	if (vcpu_run_ucall(t->vcpu, &uc) != UCALL_DONE) {
		thread_fail(t, "wanted DONE");
		return NULL;
	}
	t->done = true;
	return NULL;
}

TEST_F_TIMEOUT(slow, eight_vcpus_eight_threads, 600)
{
	struct vcpu_thread t[NR_THREAD_VCPUS];
	struct mvm_vm *vm = vm_create();
	uint64_t t0;
	unsigned int i;

	ASSERT_NE(NULL, vm);
	memset(t, 0, sizeof(t));
	for (i = 0; i < NR_THREAD_VCPUS; i++) {
		t[i].vcpu = vm_add_vcpu(vm, i, guest_count);
		ASSERT_NE(NULL, t[i].vcpu);
	}
	t0 = mvm_now_ns();
	for (i = 0; i < NR_THREAD_VCPUS; i++)
		ASSERT_EQ(0, pthread_create(&t[i].thread, NULL, count_thread_fn, &t[i]));
	for (i = 0; i < NR_THREAD_VCPUS; i++)
		pthread_join(t[i].thread, NULL);
	TH_LOG("%u vCPUs x %u ucalls in %.1f ms", NR_THREAD_VCPUS, UCALLS_PER_VCPU,
	       (mvm_now_ns() - t0) / 1e6);
	for (i = 0; i < NR_THREAD_VCPUS; i++) {
		EXPECT_EQ(UCALLS_PER_VCPU, t[i].syncs) TH_LOG("%s", t[i].msg);
		EXPECT_TRUE(t[i].done) TH_LOG("%s", t[i].msg);
	}
	vm_free(vm);
}

/* ---------------------------------------------------------------------- */
/* Migration between CPU 0 and CPU 1                                        */
/* ---------------------------------------------------------------------- */

static bool have_cpus_0_and_1(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return false;
	return CPU_ISSET(0, &set) && CPU_ISSET(1, &set);
}

static int pin_to(pid_t tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(tid, sizeof(set), &set) ? -errno : 0;
}

/* The CPU a thread last ran on: field 39 of /proc/self/task/TID/stat. */
static int task_cpu(pid_t tid)
{
	char path[64], buf[1024], *p;
	int field, cpu = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');	/* after "pid (comm)" */
		for (field = 2; p && field < 39; field++)
			p = strchr(p + 1, ' ');
		if (p)
			sscanf(p + 1, "%d", &cpu);
	}
	fclose(f);
	return cpu;
}

GUEST_CODE static void guest_sum(void)
{
	uint64_t i, sum = 0;

	for (i = 0; i < MIGRATE_SYNCS; i++) {
		sum += i;
		GUEST_SYNC(i, sum);
	}
	GUEST_DONE();
}

TEST_F_TIMEOUT(slow, migrate_between_runs, 300)
{
	struct mvm_vm *vm;
	struct mvm_vcpu *vcpu;
	unsigned int i, on[2] = { 0, 0 };
	struct ucall uc;
	uint64_t sum = 0;

	if (!have_cpus_0_and_1())
		SKIP(return, "needs CPUs 0 and 1");
	vm = vm_create();
	ASSERT_NE(NULL, vm);
	vcpu = vm_add_vcpu(vm, 0, guest_sum);
	ASSERT_NE(NULL, vcpu);
	for (i = 0; i < MIGRATE_SYNCS; i++) {
		int cpu;

		ASSERT_EQ(0, pin_to(0, i % 2));
		cpu = sched_getcpu();
		if (cpu == 0 || cpu == 1)
			on[cpu]++;
		ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
		sum += i;
		ASSERT_EQ(i, uc.args[0]);
		ASSERT_EQ(sum, uc.args[1]);
	}
	ASSERT_DONE(vcpu);
	TH_LOG("RUN started %u times on CPU 0, %u times on CPU 1", on[0], on[1]);
	EXPECT_LT(0, on[0]);
	EXPECT_LT(0, on[1]);
	vm_free(vm);
}

#define LCG(x)	((x) * 6364136223846793005ULL + 1442695040888963407ULL)

/* Spins until spin_stop with two copies of a sequence that must agree. */
GUEST_CODE static void guest_spin_check(uint64_t id)
{
	uint64_t x = 1, y = 1, n = 0;

	while (!spin_stop) {
		x = LCG(x);
		y = LCG(y);
		asm volatile("" : "+r"(y));	/* the compiler can't merge them */
		n++;
		spin_count[id] = n;
		if (x != y)
			GUEST_FAIL("a register changed under the guest");
	}
	GUEST_SYNC(n, x);
}

static void *run_once_fn(void *arg)
{
	struct vcpu_thread *t = arg;

	t->tid = syscall(SYS_gettid);
	if (vcpu_run_ucall(t->vcpu, &t->uc) != t->want_cmd)
		thread_fail(t, "wrong exit");
	else
		t->done = true;
	return NULL;
}

TEST_F_TIMEOUT(slow, migrate_during_run, 300)
{
	struct vcpu_thread t;
	struct mvm_vm *vm;
	unsigned int i, seen[2] = { 0, 0 }, stalled = 0;
	uint64_t n, x = 1;

	if (!have_cpus_0_and_1())
		SKIP(return, "needs CPUs 0 and 1");
	vm = vm_create();
	ASSERT_NE(NULL, vm);
	memset(&t, 0, sizeof(t));
	t.vcpu = vm_add_vcpu(vm, 0, guest_spin_check);
	ASSERT_NE(NULL, t.vcpu);
	t.want_cmd = UCALL_SYNC;
	spin_stop = 0;
	spin_count[0] = 0;
	ASSERT_EQ(0, pthread_create(&t.thread, NULL, run_once_fn, &t));
	ASSERT_TRUE(wait_spin_past(0, 0, 10000)) {
		spin_stop = 1;
		pthread_join(t.thread, NULL);
		TH_LOG("the guest does not run: %s", t.msg);
	}

	for (i = 0; i < MIGRATIONS; i++) {
		int cpu = i % 2, now;

		EXPECT_EQ(0, pin_to(t.tid, cpu));
		/* The guest goes on after the move... */
		if (!wait_spin_past(0, spin_count[0], 10000))
			stalled++;
		/* ...on the CPU it was moved to. */
		now = task_cpu(t.tid);
		if (now == 0 || now == 1)
			seen[now]++;
		sleep_ms(10);
	}
	spin_stop = 1;
	pthread_join(t.thread, NULL);
	ASSERT_TRUE(t.done) TH_LOG("%s", t.msg);
	n = t.uc.args[0];
	for (i = 0; i < n; i++)
		x = LCG(x);
	EXPECT_EQ(x, t.uc.args[1]);
	EXPECT_EQ(0, stalled);
	TH_LOG("guest looped %llu times; thread seen on CPU 0 %u, CPU 1 %u times",
	       (unsigned long long)n, seen[0], seen[1]);
	EXPECT_LT(0, seen[0]);
	EXPECT_LT(0, seen[1]);
	vm_free(vm);
}

/* ---------------------------------------------------------------------- */
/* Closing file descriptors                                                 */
/* ---------------------------------------------------------------------- */

GUEST_CODE static void guest_three_syncs(void)
{
	GUEST_SYNC(1);
	GUEST_SYNC(2);
	GUEST_SYNC(3);
}

TEST(close_vcpu_then_vm_then_dev)
{
	struct mvm_vm *vm = vm_create();
	struct mvm_vcpu *vcpu;

	ASSERT_NE(NULL, vm);
	vcpu = vm_add_vcpu(vm, 0, guest_nothing);
	ASSERT_NE(NULL, vcpu);
	ASSERT_DONE(vcpu);
	vcpu_free(vcpu);
	EXPECT_EQ(0, close(vm->fd));
	vm->fd = -1;
	EXPECT_EQ(0, close(vm->dev_fd));
	vm->dev_fd = -1;
	vm_free(vm);
	ASSERT_NEW_VM_WORKS();
}

TEST(close_vm_then_run_vcpu)
{
	struct mvm_vm *vm = vm_create();
	struct mvm_vcpu *vcpu;
	struct ucall uc;
	uint64_t cmd;

	ASSERT_NE(NULL, vm);
	vcpu = vm_add_vcpu(vm, 0, guest_three_syncs);
	ASSERT_NE(NULL, vcpu);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, close(vm->fd));
	vm->fd = -1;
	EXPECT_EQ(0, close(vm->dev_fd));
	vm->dev_fd = -1;
	/* Works on (the vCPU holds its VM), or fails cleanly. */
	cmd = vcpu_run_ucall(vcpu, &uc);
	if (vcpu->last_ret) {
		TH_LOG("RUN after the VM fd was closed: errno %d (%s)",
		       -vcpu->last_ret, strerror(-vcpu->last_ret));
		EXPECT_NE(-EFAULT, vcpu->last_ret);
	} else {
		ASSERT_EQ(UCALL_SYNC, cmd);
		EXPECT_EQ(2, uc.args[0]);
		ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
		EXPECT_EQ(3, uc.args[0]);
		ASSERT_DONE(vcpu);
	}
	vm_free(vm);
	ASSERT_NEW_VM_WORKS();
}

TEST(close_dev_first)
{
	struct mvm_vm *vm = vm_create_empty();
	struct mvm_vcpu *vcpu;

	ASSERT_NE(NULL, vm);
	EXPECT_EQ(0, close(vm->dev_fd));
	vm->dev_fd = -1;
	/* The VM fd alone: memory, a vCPU, a run. */
	ASSERT_EQ(0, vm_init_memory(vm));
	vcpu = vm_add_vcpu(vm, 0, guest_three_syncs);
	ASSERT_NE(NULL, vcpu);
	ASSERT_UCALL(vcpu, UCALL_SYNC, NULL);
	ASSERT_UCALL(vcpu, UCALL_SYNC, NULL);
	ASSERT_UCALL(vcpu, UCALL_SYNC, NULL);
	ASSERT_DONE(vcpu);
	vm_free(vm);
	ASSERT_NEW_VM_WORKS();
}

/* Closes the vCPU fd (@vcpu_fd) or the VM fd while a RUN is in progress. */
static void close_during_run(struct __test_metadata *_metadata, bool vcpu_fd)
{
	struct vcpu_thread t;
	struct mvm_vm *vm = vm_create();

	ASSERT_NE(NULL, vm);
	memset(&t, 0, sizeof(t));
	t.vcpu = vm_add_vcpu(vm, 0, guest_spin);
	ASSERT_NE(NULL, t.vcpu);
	t.want_cmd = UCALL_DONE;
	spin_stop = 0;
	spin_count[0] = 0;
	ASSERT_EQ(0, pthread_create(&t.thread, NULL, run_once_fn, &t));
	if (!wait_spin_past(0, 0, 10000)) {
		spin_stop = 1;
		pthread_join(t.thread, NULL);
		ASSERT_TRUE(false) TH_LOG("the guest does not run: %s", t.msg);
	}
	if (vcpu_fd) {
		EXPECT_EQ(0, close(t.vcpu->fd));
	} else {
		EXPECT_EQ(0, close(vm->fd));
		vm->fd = -1;
		EXPECT_EQ(0, close(vm->dev_fd));
		vm->dev_fd = -1;
	}
	/* The RUN in progress goes on: the guest still counts. */
	EXPECT_TRUE(wait_spin_past(0, spin_count[0], 10000));
	spin_stop = 1;
	pthread_join(t.thread, NULL);
	EXPECT_TRUE(t.done) TH_LOG("%s", t.msg);
	if (vcpu_fd)
		t.vcpu->fd = -1;	/* closed already */
	vm_free(vm);
	ASSERT_NEW_VM_WORKS();
}

TEST_F_TIMEOUT(slow, close_vcpu_fd_during_run, 120)
{
	close_during_run(_metadata, true);
}

TEST_F_TIMEOUT(slow, close_vm_fd_during_run, 120)
{
	close_during_run(_metadata, false);
}

/* ---------------------------------------------------------------------- */
/* A process ending with vCPUs in the guest                                 */
/* ---------------------------------------------------------------------- */

#define CHILD_EXIT_CODE	7

static void *spin_thread_fn(void *arg)
{
	struct mvm_vcpu *vcpu = arg;

	vcpu_run(vcpu);		/* only a signal ends it */
	return NULL;
}

/*
 * In a child: a VM with two vCPUs spinning in two threads; writes one byte
 * to @ready_fd once both guests run, then ends (_exit) or waits to be
 * killed (@wait_for_kill). Exit codes other than CHILD_EXIT_CODE say what
 * went wrong.
 */
static void __attribute__((noreturn)) child_spinning_vcpus(int ready_fd, bool wait_for_kill)
{
	struct mvm_vcpu *vcpu[2];
	struct mvm_vm *vm;
	pthread_t thr[2];
	int i;

	vm = vm_create();
	if (!vm)
		_exit(10);
	spin_stop = 0;
	for (i = 0; i < 2; i++) {
		spin_count[i] = 0;
		vcpu[i] = vm_add_vcpu(vm, i, guest_spin);
		if (!vcpu[i])
			_exit(11);
	}
	for (i = 0; i < 2; i++)
		if (pthread_create(&thr[i], NULL, spin_thread_fn, vcpu[i]))
			_exit(12);
	for (i = 0; i < 2; i++)
		if (!wait_spin_past(i, 0, 20000))
			_exit(13);
	if (write(ready_fd, "r", 1) != 1)
		_exit(14);
	if (wait_for_kill)
		for (;;)
			pause();
	_exit(CHILD_EXIT_CODE);
}

/* waitpid() with a timeout; kills the child when it runs out. */
static int wait_child(pid_t pid, int *status, unsigned int ms)
{
	unsigned int i;
	pid_t r;

	for (i = 0; i < ms; i++) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0)
			return -errno;
		sleep_ms(1);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return -ETIMEDOUT;
}

static void process_ends(struct __test_metadata *_metadata, bool killed)
{
	int p[2], status = 0;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(p[0]);
		child_spinning_vcpus(p[1], killed);
	}
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &c, 1)) {
		wait_child(pid, &status, 1000);
		TH_LOG("child not ready: status 0x%x", status);
	}
	close(p[0]);
	if (killed)
		ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(0, wait_child(pid, &status, 60000))
		TH_LOG("the child did not end within 60 s");
	if (killed) {
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			TH_LOG("status 0x%x", status);
	} else {
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == CHILD_EXIT_CODE)
			TH_LOG("status 0x%x", status);
	}
	ASSERT_NEW_VM_WORKS();
}

TEST_F_TIMEOUT(slow, process_exits_with_vcpus_running, 180)
{
	process_ends(_metadata, false);
}

TEST_F_TIMEOUT(slow, process_killed_with_vcpus_running, 180)
{
	process_ends(_metadata, true);
}

TEST_HARNESS_MAIN
