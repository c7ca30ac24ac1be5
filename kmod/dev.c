// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/minivmm: the misc device and its system ioctls. Everything a
 * backend knows comes through minivmm_arch; nothing here is VT-x specific.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/minivmm.h>
#include "minivmm.h"
#include "vm.h"
#include "admin.h"
#include "monitor.h"
#include "vm_sysfs.h"

/**
 * minivmm_ioctl_get_caps() - MINIVMM_GET_CAPS
 * @ucaps: the caller's struct minivmm_caps; @flags and @reserved are read
 *	and must be zero, then the whole structure is written.
 *
 * The backend reads the hardware afresh at each call.
 *
 * Return: 0; -EFAULT when @ucaps cannot be read or written; -EINVAL when
 * flags or a reserved word is non-zero; or the backend's error.
 */
static int minivmm_ioctl_get_caps(struct minivmm_caps __user *ucaps)
{
	struct minivmm_caps caps;
	int r;

	if (copy_from_user(&caps, ucaps, sizeof(caps)))
		return -EFAULT;
	if (caps.flags || memchr_inv(caps.reserved, 0, sizeof(caps.reserved)))
		return -EINVAL;

	memset(&caps, 0, sizeof(caps));
	r = minivmm_arch->get_caps(&caps);
	if (r)
		return r;
	caps.nr_cpus = num_online_cpus();

	if (copy_to_user(ucaps, &caps, sizeof(caps)))
		return -EFAULT;
	return 0;
}

/**
 * minivmm_ioctl_get_svm_caps() - MINIVMM_GET_SVM_CAPS
 * @ucaps: user pointer to struct minivmm_svm_caps.
 *
 * Return: 0; -ENODEV when the backend is not AMD-V; -EFAULT when @ucaps
 * cannot be read or written; -EINVAL when flags or a reserved word is
 * non-zero.
 */
static int minivmm_ioctl_get_svm_caps(struct minivmm_svm_caps __user *ucaps)
{
	struct minivmm_svm_caps caps;
	int r;

	if (!minivmm_arch->get_svm_caps)
		return -ENODEV;
	if (copy_from_user(&caps, ucaps, sizeof(caps)))
		return -EFAULT;
	if (caps.flags || memchr_inv(caps.reserved, 0, sizeof(caps.reserved)))
		return -EINVAL;
	memset(&caps, 0, sizeof(caps));
	r = minivmm_arch->get_svm_caps(&caps);
	if (r)
		return r;
	if (copy_to_user(ucaps, &caps, sizeof(caps)))
		return -EFAULT;
	return 0;
}

/**
 * minivmm_dev_ioctl() - system ioctls on an fd of /dev/minivmm
 * @file: the open device.
 * @cmd: a MINIVMM_* system ioctl number; any other number, including one
 *	differing only in size or direction, is unknown.
 * @arg: the ioctl's argument.
 *
 * Return: MINIVMM_API_VERSION for MINIVMM_GET_API_VERSION; 0 for
 * MINIVMM_GET_CAPS and MINIVMM_GET_SVM_CAPS (-ENODEV for the latter on
 * VT-x); a VM fd for MINIVMM_CREATE_VM; the run page size for
 * MINIVMM_GET_VCPU_MMAP_SIZE; what minivmm_admin_ioctl() returns for the
 * MINIVMM_ADMIN_* ioctls (root only); -EINVAL for a bad argument; -EFAULT for a
 * bad pointer; -ENOTTY for an unknown ioctl.
 */
static long minivmm_dev_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case MINIVMM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return MINIVMM_API_VERSION;
	case MINIVMM_GET_CAPS:
		return minivmm_ioctl_get_caps(argp);
	case MINIVMM_GET_SVM_CAPS:
		return minivmm_ioctl_get_svm_caps(argp);
	case MINIVMM_CREATE_VM:
		if (arg)
			return -EINVAL;
		return minivmm_vm_create();
	case MINIVMM_GET_VCPU_MMAP_SIZE:
		if (arg)
			return -EINVAL;
		return PAGE_SIZE;
	case MINIVMM_ADMIN_LIST_VMS:
	case MINIVMM_ADMIN_GET_VM_STATS:
	case MINIVMM_ADMIN_SET_VM_BALLOON:
	case MINIVMM_ADMIN_GET_POLICY:
	case MINIVMM_ADMIN_SET_POLICY:
	case MINIVMM_ADMIN_GET_MONITOR:
		return minivmm_admin_ioctl(cmd, argp);
	default:
		return -ENOTTY;
	}
}

/* .owner pins the module while the device is open: rmmod gets -EBUSY. */
static const struct file_operations minivmm_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= minivmm_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/* Read-only module-wide figures under /sys/class/misc/minivmm/. */
static ssize_t vms_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&minivmm_nr_vms));
}
static DEVICE_ATTR_RO(vms);

static ssize_t ept_table_pages_show(struct device *dev, struct device_attribute *attr,
				    char *buf)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&minivmm_table_pages));
}
static DEVICE_ATTR_RO(ept_table_pages);

static struct attribute *minivmm_dev_attrs[] = {
	&dev_attr_vms.attr,
	&dev_attr_ept_table_pages.attr,
	NULL,
};

static const struct attribute_group minivmm_dev_group = {
	.attrs = minivmm_dev_attrs,
};

static const struct attribute_group *minivmm_dev_groups[] = {
	&minivmm_dev_group,
	&minivmm_monitor_attr_group,
	NULL,
};

static struct miscdevice minivmm_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "minivmm",
	.fops	= &minivmm_dev_fops,
	.mode	= 0600,
	.groups	= minivmm_dev_groups,
};

/**
 * minivmm_dev_register() - create /dev/minivmm (root only, mode 0600)
 *
 * Call only once minivmm_arch is set, as ioctls may arrive at once.
 *
 * Also creates /sys/class/misc/minivmm/vm/ for the VMs' statistics.
 *
 * Return: 0 or a negative errno from misc_register(), or -ENOMEM.
 */
int minivmm_dev_register(void)
{
	int r = misc_register(&minivmm_miscdev);

	if (r)
		return r;
	r = minivmm_vm_sysfs_init(minivmm_miscdev.this_device);
	if (r)
		misc_deregister(&minivmm_miscdev);
	return r;
}

/**
 * minivmm_dev_unregister() - remove /dev/minivmm
 *
 * Open fds keep the module loaded, so none exists when this runs at unload.
 */
void minivmm_dev_unregister(void)
{
	minivmm_vm_sysfs_exit();
	misc_deregister(&minivmm_miscdev);
}
