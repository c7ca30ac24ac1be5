// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU file descriptors: creation, the vCPU ioctls, the shared run page,
 * and the RUN loop. RUN swaps the guest's FPU state in (x86 layer), registers a
 * preempt notifier so the backend can give the CPU back to the host when
 * the thread is scheduled out (and reload on whichever CPU it comes back
 * to), and enters the guest until an exit needs userspace or a signal
 * arrives.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
/* smp_send_reschedule() traces the IPI from Linux 6.6 on. */
#include <trace/events/ipi.h>
#include "arch_ops.h"
#include "vm.h"
#include "x86/x86.h"
#include "arch_call.h"

static struct preempt_ops minivmm_preempt_ops;

static struct minivmm_vcpu *pn_to_vcpu(struct preempt_notifier *pn)
{
	return container_of(pn, struct minivmm_vcpu, pn);
}

static void vcpu_sched_in(struct preempt_notifier *pn, int cpu)
{
	minivmm_call(vcpu_load)(pn_to_vcpu(pn), cpu);
}

static void vcpu_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	minivmm_call(vcpu_put)(pn_to_vcpu(pn));
}

static void vcpu_load(struct minivmm_vcpu *vcpu)
{
	int cpu = get_cpu();

	preempt_notifier_register(&vcpu->pn);
	minivmm_call(vcpu_load)(vcpu, cpu);
	put_cpu();
}

static void vcpu_put(struct minivmm_vcpu *vcpu)
{
	preempt_disable();
	minivmm_call(vcpu_put)(vcpu);
	preempt_notifier_unregister(&vcpu->pn);
	preempt_enable();
}

static void nop_ipi(void *unused)
{
}

/**
 * minivmm_vcpu_request() - ask one vCPU to serve a request before it
 *	enters the guest again, kicking it out of guest mode
 * @vcpu: the vCPU.
 * @req: MINIVMM_REQ_* bit.
 *
 * Does not wait: callable from any context, interrupts off included. The
 * kick is a reschedule IPI, which makes the vCPU's CPU leave guest mode.
 */
void minivmm_vcpu_request(struct minivmm_vcpu *vcpu, int req)
{
	int cpu, me = get_cpu();

	set_bit(req, &vcpu->requests);
	/* Pairs with smp_store_mb(vcpu->mode) in the entry path. */
	smp_mb__after_atomic();
	cpu = READ_ONCE(vcpu->cpu);
	if (READ_ONCE(vcpu->mode) == MINIVMM_IN_GUEST && cpu >= 0 && cpu != me &&
	    cpu_online(cpu))
		smp_send_reschedule(cpu);
	put_cpu();
}

/**
 * minivmm_request_all() - ask every vCPU to serve a request before it
 *	enters the guest again, and wait until none runs guest code
 *	without having seen it
 * @vm: the VM.
 * @req: MINIVMM_REQ_* bit.
 *
 * A vCPU in guest mode gets an IPI, which forces a VM exit; the IPI is
 * waited for. Must be called with interrupts enabled.
 */
void minivmm_request_all(struct minivmm_vm *vm, int req)
{
	int i, me = get_cpu();

	for (i = 0; i < MINIVMM_MAX_VCPUS; i++) {
		struct minivmm_vcpu *vcpu = READ_ONCE(vm->vcpus[i]);
		int cpu;

		if (!vcpu)
			continue;
		set_bit(req, &vcpu->requests);
		/* Pairs with smp_store_mb(vcpu->mode) in the entry path. */
		smp_mb__after_atomic();
		cpu = READ_ONCE(vcpu->cpu);
		if (READ_ONCE(vcpu->mode) == MINIVMM_IN_GUEST && cpu >= 0 && cpu != me)
			smp_call_function_single(cpu, nop_ipi, NULL, 1);
	}
	put_cpu();
}

/**
 * minivmm_vcpu_run() - MINIVMM_RUN
 * @vcpu: the vCPU; caller holds vcpu->mutex.
 *
 * Return: 0 with run->exit_reason telling why the guest stopped;
 * -EINTR with MINIVMM_EXIT_INTR for a signal or immediate_exit; another
 * negative errno when the host failed (-ENOMEM).
 */
long minivmm_vcpu_run(struct minivmm_vcpu *vcpu)
{
	struct minivmm_run *run = vcpu->run;
	long r;

	minivmm_x86_run_begin(vcpu);
	vcpu_load(vcpu);
	/* Userspace's answer lands even when it asks for an immediate exit. */
	minivmm_x86_complete_user_exit(vcpu);
	if (READ_ONCE(run->immediate_exit)) {
		run->exit_reason = MINIVMM_EXIT_INTR;
		r = -EINTR;
	} else {
		run->exit_reason = MINIVMM_EXIT_UNKNOWN;
		do {
			/* Device work left by a bounded MMIO access. */
			if (READ_ONCE(vcpu->vm->mmio_service))
				minivmm_mmio_service(vcpu->vm);
			r = minivmm_x86_vcpu_enter(vcpu);
			if (r == MINIVMM_RUN_RESUME)
				cond_resched();
		} while (r == MINIVMM_RUN_RESUME);
	}
	vcpu_put(vcpu);
	minivmm_x86_run_end(vcpu);
	return r;
}

static vm_fault_t run_page_fault(struct vm_fault *vmf)
{
	struct minivmm_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff != 0)
		return VM_FAULT_SIGBUS;
	page = virt_to_page(vcpu->run);
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct run_vm_ops = {
	.fault = run_page_fault,
};

static int vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start > PAGE_SIZE)
		return -EINVAL;
	vma->vm_ops = &run_vm_ops;
	return 0;
}

static int vcpu_release(struct inode *inode, struct file *file)
{
	struct minivmm_vcpu *vcpu = file->private_data;

	minivmm_vm_put(vcpu->vm);
	return 0;
}

/**
 * minivmm_vcpu_ioctl() - ioctls on a vCPU fd
 * @file: the vCPU fd.
 * @cmd: MINIVMM_RUN, or an x86 vCPU ioctl (kmod/x86/x86_vcpu.c):
 *	MINIVMM_GET/SET_REGS, _SREGS, _FPU, _MSRS, MINIVMM_SET_CPUID or
 *	MINIVMM_INTERRUPT.
 * @arg: the ioctl's argument.
 *
 * Only the process that created the VM may use its vCPUs (-EIO).
 * Return: see each ioctl in Documentation/ioctl-abi.rst; -ENOTTY for
 * unknown ioctls.
 */
static long minivmm_vcpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct minivmm_vcpu *vcpu = file->private_data;
	void __user *argp = (void __user *)arg;
	long r;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	switch (cmd) {
	case MINIVMM_RUN:
		r = arg ? -EINVAL : minivmm_vcpu_run(vcpu);
		break;
	default:
		r = minivmm_x86_vcpu_ioctl(vcpu, cmd, argp);
		break;
	}
	mutex_unlock(&vcpu->mutex);
	return r;
}

static const struct file_operations minivmm_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= vcpu_release,
	.unlocked_ioctl	= minivmm_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= vcpu_mmap,
	.llseek		= noop_llseek,
};

/**
 * minivmm_vcpu_destroy() - free a vCPU; its VM is being destroyed
 * @vcpu: the vCPU; no fd refers to it any more.
 */
void minivmm_vcpu_destroy(struct minivmm_vcpu *vcpu)
{
	minivmm_arch->vcpu_free(vcpu);
	minivmm_x86_vcpu_free(vcpu);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

/**
 * minivmm_vcpu_create() - MINIVMM_CREATE_VCPU
 * @vm: the VM.
 * @id: 0 .. MINIVMM_MAX_VCPUS - 1.
 *
 * Return: the vCPU fd; -EINVAL for an id out of range; -EEXIST for an id
 * in use; -ENOMEM.
 */
int minivmm_vcpu_create(struct minivmm_vm *vm, unsigned long id)
{
	struct minivmm_vcpu *vcpu;
	s64 bytes;
	int r, fd;

	if (id >= MINIVMM_MAX_VCPUS)
		return -EINVAL;
	mutex_lock(&vm->lock);
	r = -EEXIST;
	if (vm->vcpus[id])
		goto unlock;
	r = -ENOMEM;
	/* The backend's vCPU structure embeds the generic one. */
	vcpu = kzalloc(minivmm_arch->vcpu_size, GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		goto unlock;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->cpu = -1;
	mutex_init(&vcpu->mutex);
	preempt_notifier_init(&vcpu->pn, &minivmm_preempt_ops);
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run)
		goto free_vcpu;
	r = minivmm_x86_vcpu_init(vcpu);
	if (r)
		goto free_run;
	r = minivmm_arch->vcpu_create(vcpu);
	if (r)
		goto free_x86;
	refcount_inc(&vm->users);
	/* The vCPU with its backend state, run page, VMCS page, FPU and CPUID. */
	bytes = minivmm_arch->vcpu_size + 2 * PAGE_SIZE + minivmm_x86_vcpu_bytes(vcpu);
	atomic64_add(bytes, &vm->stats.kernel_bytes);
	/*
	 * Publish before the fd exists: once userspace holds the fd it may
	 * RUN, and minivmm_request_all() must see every vCPU that can run.
	 * The fd is installed last, as in KVM's kvm_vm_ioctl_create_vcpu().
	 */
	smp_store_release(&vm->vcpus[id], vcpu);
	vm->nr_vcpus++;
	fd = anon_inode_getfd("minivmm-vcpu", &minivmm_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		/* Unpublish; nothing could run it, but requesters may look. */
		vm->nr_vcpus--;
		WRITE_ONCE(vm->vcpus[id], NULL);
		synchronize_rcu();
		atomic64_sub(bytes, &vm->stats.kernel_bytes);
		refcount_dec(&vm->users);
		r = fd;
		minivmm_arch->vcpu_free(vcpu);
		goto free_x86;
	}
	mutex_unlock(&vm->lock);
	return fd;

free_x86:
	minivmm_x86_vcpu_free(vcpu);
free_run:
	free_page((unsigned long)vcpu->run);
free_vcpu:
	kfree(vcpu);
	if (!r)
		r = -ENOMEM;
unlock:
	mutex_unlock(&vm->lock);
	return r;
}

/**
 * minivmm_vcpu_init() - module-wide set-up for vCPUs
 */
void minivmm_vcpu_init(void)
{
	minivmm_preempt_ops.sched_in = vcpu_sched_in;
	minivmm_preempt_ops.sched_out = vcpu_sched_out;
	preempt_notifier_inc();
}

/**
 * minivmm_vcpu_exit() - undo minivmm_vcpu_init()
 */
void minivmm_vcpu_exit(void)
{
	preempt_notifier_dec();
}
