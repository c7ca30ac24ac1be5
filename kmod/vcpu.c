// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU file descriptors: creation, the vCPU ioctls, the shared run page,
 * and the RUN loop. RUN swaps the guest's FPU state in, registers a
 * preempt notifier so the backend can give the CPU back to the host when
 * the thread is scheduled out (and reload on whichever CPU it comes back
 * to), and enters the guest until an exit needs userspace or a signal
 * arrives.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include "arch_ops.h"
#include "vm.h"
#include "cpuid.h"

static struct preempt_ops minivmm_preempt_ops;

static struct minivmm_vcpu *pn_to_vcpu(struct preempt_notifier *pn)
{
	return container_of(pn, struct minivmm_vcpu, pn);
}

static void vcpu_sched_in(struct preempt_notifier *pn, int cpu)
{
	minivmm_arch->vcpu_load(pn_to_vcpu(pn), cpu);
}

static void vcpu_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	minivmm_arch->vcpu_put(pn_to_vcpu(pn));
}

static void vcpu_load(struct minivmm_vcpu *vcpu)
{
	int cpu = get_cpu();

	preempt_notifier_register(&vcpu->pn);
	minivmm_arch->vcpu_load(vcpu, cpu);
	put_cpu();
}

static void vcpu_put(struct minivmm_vcpu *vcpu)
{
	preempt_disable();
	minivmm_arch->vcpu_put(vcpu);
	preempt_notifier_unregister(&vcpu->pn);
	preempt_enable();
}

static void nop_ipi(void *unused)
{
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

	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, true);
	vcpu_load(vcpu);
	/* Userspace's answer lands even when it asks for an immediate exit. */
	minivmm_arch->complete_user_exit(vcpu);
	if (READ_ONCE(run->immediate_exit)) {
		run->exit_reason = MINIVMM_EXIT_INTR;
		r = -EINTR;
	} else {
		run->exit_reason = MINIVMM_EXIT_UNKNOWN;
		do {
			/* Device work left by a bounded MMIO access. */
			if (READ_ONCE(vcpu->vm->mmio_service))
				minivmm_mmio_service(vcpu->vm);
			r = minivmm_arch->vcpu_enter(vcpu);
			if (r > 0)
				cond_resched();
		} while (r > 0);
	}
	vcpu_put(vcpu);
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, false);
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

static long vcpu_get_fpu(struct minivmm_vcpu *vcpu, void __user *argp)
{
	struct fpu_guest *gfpu = &vcpu->guest_fpu;
	struct minivmm_fpu fpu;
	void *buf;

	buf = kzalloc(gfpu->uabi_size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	fpu_copy_guest_fpstate_to_uabi(gfpu, buf, gfpu->uabi_size,
				       gfpu->fpstate->user_xfeatures, 0);
	memcpy(fpu.fxsave, buf, sizeof(fpu.fxsave));
	kfree(buf);
	return copy_to_user(argp, &fpu, sizeof(fpu)) ? -EFAULT : 0;
}

static long vcpu_set_fpu(struct minivmm_vcpu *vcpu, void __user *argp)
{
	struct fpu_guest *gfpu = &vcpu->guest_fpu;
	struct minivmm_fpu fpu;
	u64 *xstate_bv;
	u32 pkru = 0;
	void *buf;
	long r;

	if (copy_from_user(&fpu, argp, sizeof(fpu)))
		return -EFAULT;
	buf = kzalloc(gfpu->uabi_size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	fpu_copy_guest_fpstate_to_uabi(gfpu, buf, gfpu->uabi_size,
				       gfpu->fpstate->user_xfeatures, 0);
	memcpy(buf, fpu.fxsave, sizeof(fpu.fxsave));
	/* XSAVE header right after the legacy area: x87 and SSE are given. */
	xstate_bv = buf + sizeof(fpu.fxsave);
	*xstate_bv |= XFEATURE_MASK_FPSSE;
	r = fpu_copy_uabi_to_guest_fpstate(gfpu, buf, gfpu->fpstate->user_xfeatures, &pkru);
	kfree(buf);
	return r;
}

static long vcpu_set_cpuid(struct minivmm_vcpu *vcpu, void __user *argp)
{
	struct minivmm_cpuid hdr;
	struct minivmm_cpuid_entry *e;
	long r;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.padding || hdr.nent > MINIVMM_MAX_CPUID_ENTRIES)
		return -EINVAL;
	e = memdup_user(argp + sizeof(hdr), array_size(hdr.nent, sizeof(*e)));
	if (IS_ERR(e))
		return PTR_ERR(e);
	r = minivmm_cpuid_set(vcpu, e, hdr.nent);
	if (r)
		kfree(e);
	return r;
}

static long vcpu_msrs(struct minivmm_vcpu *vcpu, void __user *argp, bool set)
{
	struct minivmm_msrs hdr;
	struct minivmm_msr_entry *e;
	long r;
	u32 i;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.padding || hdr.nmsrs > MINIVMM_MAX_MSR_ENTRIES)
		return -EINVAL;
	e = memdup_user(argp + sizeof(hdr), array_size(hdr.nmsrs, sizeof(*e)));
	if (IS_ERR(e))
		return PTR_ERR(e);
	for (i = 0; i < hdr.nmsrs; i++) {
		if (e[i].reserved) {
			kfree(e);
			return -EINVAL;
		}
	}
	preempt_disable();
	minivmm_arch->vcpu_load(vcpu, smp_processor_id());
	for (i = 0; i < hdr.nmsrs; i++) {
		r = set ? minivmm_arch->set_msr(vcpu, e[i].index, e[i].data) :
			  minivmm_arch->get_msr(vcpu, e[i].index, &e[i].data);
		if (r)
			break;
	}
	minivmm_arch->vcpu_put(vcpu);
	preempt_enable();
	r = i;
	if (!set && copy_to_user(argp + sizeof(hdr), e, array_size(i, sizeof(*e))))
		r = -EFAULT;
	kfree(e);
	return r;
}

/* Register ioctls need the VMCS (or VMCB) current on this CPU. */
#define WITH_VCPU_LOADED(vcpu, expr) ({				\
	long __r;						\
	preempt_disable();					\
	minivmm_arch->vcpu_load(vcpu, smp_processor_id());	\
	__r = (expr);						\
	minivmm_arch->vcpu_put(vcpu);				\
	preempt_enable();					\
	__r;							\
})

static long vcpu_state_ioctl(struct minivmm_vcpu *vcpu, unsigned int cmd,
			     void __user *argp)
{
	union {
		struct minivmm_regs regs;
		struct minivmm_sregs sregs;
	} u;
	long r;

	switch (cmd) {
	case MINIVMM_GET_REGS:
		r = WITH_VCPU_LOADED(vcpu, minivmm_arch->get_regs(vcpu, &u.regs));
		return r ?: (copy_to_user(argp, &u.regs, sizeof(u.regs)) ? -EFAULT : 0);
	case MINIVMM_SET_REGS:
		if (copy_from_user(&u.regs, argp, sizeof(u.regs)))
			return -EFAULT;
		return WITH_VCPU_LOADED(vcpu, minivmm_arch->set_regs(vcpu, &u.regs));
	case MINIVMM_GET_SREGS:
		r = WITH_VCPU_LOADED(vcpu, minivmm_arch->get_sregs(vcpu, &u.sregs));
		return r ?: (copy_to_user(argp, &u.sregs, sizeof(u.sregs)) ? -EFAULT : 0);
	case MINIVMM_SET_SREGS:
		if (copy_from_user(&u.sregs, argp, sizeof(u.sregs)))
			return -EFAULT;
		return WITH_VCPU_LOADED(vcpu, minivmm_arch->set_sregs(vcpu, &u.sregs));
	default:
		return -ENOTTY;
	}
}

/**
 * minivmm_vcpu_ioctl() - ioctls on a vCPU fd
 * @file: the vCPU fd.
 * @cmd: MINIVMM_RUN, MINIVMM_GET/SET_REGS, _SREGS, _FPU, _MSRS,
 *	MINIVMM_SET_CPUID or MINIVMM_INTERRUPT.
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
	struct minivmm_interrupt irq;
	long r;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	switch (cmd) {
	case MINIVMM_RUN:
		r = arg ? -EINVAL : minivmm_vcpu_run(vcpu);
		break;
	case MINIVMM_GET_FPU:
		r = vcpu_get_fpu(vcpu, argp);
		break;
	case MINIVMM_SET_FPU:
		r = vcpu_set_fpu(vcpu, argp);
		break;
	case MINIVMM_SET_CPUID:
		r = vcpu_set_cpuid(vcpu, argp);
		break;
	case MINIVMM_GET_MSRS:
	case MINIVMM_SET_MSRS:
		r = vcpu_msrs(vcpu, argp, cmd == MINIVMM_SET_MSRS);
		break;
	case MINIVMM_INTERRUPT:
		r = -EFAULT;
		if (copy_from_user(&irq, argp, sizeof(irq)))
			break;
		r = -EINVAL;
		if (irq.flags || irq.vector < 32 || irq.vector > 255)
			break;
		r = -EBUSY;
		if (vcpu->irq_pending)
			break;
		vcpu->irq_vector = irq.vector;
		vcpu->irq_pending = true;
		r = 0;
		break;
	default:
		r = vcpu_state_ioctl(vcpu, cmd, argp);
		break;
	}
	mutex_unlock(&vcpu->mutex);
	return r;
}

/**
 * minivmm_vcpu_raise_irq() - queue an external interrupt from an in-kernel
 *	device (the MINIVMM_INTERRUPT path, without the vCPU mutex)
 * @vcpu: the vCPU.
 * @vector: 32 .. 255.
 *
 * Limits: one interrupt is queued at a time, shared with MINIVMM_INTERRUPT;
 * when one is pending already this one is dropped (devices keep their
 * interrupt status, so the guest still finds the cause). The vCPU is not
 * kicked out of guest mode: injection happens at its next VM entry. Called
 * from another thread it may race with MINIVMM_INTERRUPT (one of the two
 * vectors wins).
 *
 * Return: true when queued.
 */
bool minivmm_vcpu_raise_irq(struct minivmm_vcpu *vcpu, u8 vector)
{
	if (vector < 32 || READ_ONCE(vcpu->irq_pending))
		return false;
	WRITE_ONCE(vcpu->irq_vector, vector);
	smp_wmb();	/* the vector before the flag that publishes it */
	WRITE_ONCE(vcpu->irq_pending, true);
	return true;
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
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu->cpuid);
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
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
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
	if (!fpu_alloc_guest_fpstate(&vcpu->guest_fpu))
		goto free_run;
	r = minivmm_cpuid_default(vcpu);
	if (r)
		goto free_fpu;
	r = minivmm_arch->vcpu_create(vcpu);
	if (r)
		goto free_cpuid;
	refcount_inc(&vm->users);
	/* The vCPU, its run page, VMCS page, backend state, FPU and CPUID. */
	bytes = sizeof(*vcpu) + 2 * PAGE_SIZE + minivmm_arch->vcpu_bytes +
		vcpu->guest_fpu.uabi_size +
		MINIVMM_MAX_CPUID_ENTRIES * sizeof(*vcpu->cpuid);
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
		goto free_cpuid;
	}
	mutex_unlock(&vm->lock);
	return fd;

free_cpuid:
	kfree(vcpu->cpuid);
free_fpu:
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
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
