/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX instructions as C functions. Every instruction that can fault (VMX
 * off, bad operand) has an exception-table entry, so a minivmm bug shows up
 * as an error code or a rate-limited log line, never as a host oops.
 */
#ifndef MINIVMM_VMX_INSN_H
#define MINIVMM_VMX_INSN_H

#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/types.h>
#include <asm/asm.h>
#include <asm/vmx.h>

void vmx_vmwrite_error(unsigned long field, unsigned long value);
void vmx_insn_fault(const char *insn);

/*
 * Status of a VMX instruction: 0 success, 1 VMfail (CF or ZF set), 2 the
 * instruction faulted (exception-table fixup skipped the SETNA).
 */
#define VMX_OK		0
#define VMX_FAIL	1
#define VMX_FAULT	2

#define VMX_INSN_M(insn, op) ({						\
	u8 __st = VMX_FAULT;						\
	asm volatile("1: " insn " %[arg]\n\t"				\
		     "setna %[st]\n\t"					\
		     "2:\n\t"						\
		     _ASM_EXTABLE(1b, 2b)					\
		     : [st] "+q"(__st) : [arg] "m"(op) : "cc", "memory");	\
	__st;								\
})

static inline int vmx_status_errno(u8 st)
{
	return st == VMX_OK ? 0 : st == VMX_FAIL ? -EIO : -EFAULT;
}

/**
 * vmx_vmxon() - enter VMX operation on this CPU
 * @pa: physical address of this CPU's VMXON region
 *
 * Return: 0, -EIO on VMfail, -EFAULT when the instruction faulted.
 */
static inline int vmx_vmxon(u64 pa)
{
	return vmx_status_errno(VMX_INSN_M("vmxon", pa));
}

static inline void vmx_vmxoff(void)
{
	asm volatile("1: vmxoff\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : : "cc", "memory");
}

static inline int vmx_vmclear(u64 pa)
{
	u8 st = VMX_INSN_M("vmclear", pa);

	if (st == VMX_FAULT)
		vmx_insn_fault("vmclear");
	return vmx_status_errno(st);
}

static inline int vmx_vmptrld(u64 pa)
{
	u8 st = VMX_INSN_M("vmptrld", pa);

	if (st == VMX_FAULT)
		vmx_insn_fault("vmptrld");
	return vmx_status_errno(st);
}

static __always_inline unsigned long vmcs_read(unsigned long field)
{
	unsigned long value = 0;

	asm volatile("1: vmread %[field], %[value]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [value] "+r"(value) : [field] "r"(field) : "cc");
	return value;
}

static __always_inline void vmcs_write(unsigned long field, unsigned long value)
{
	u8 st = VMX_FAULT;

	asm volatile("1: vmwrite %[value], %[field]\n\t"
		     "setna %[st]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [st] "+q"(st) : [field] "r"(field), [value] "rm"(value) : "cc");
	if (unlikely(st == VMX_FAIL))
		vmx_vmwrite_error(field, value);
	else if (unlikely(st == VMX_FAULT))
		vmx_insn_fault("vmwrite");
}

static __always_inline void vmcs_set_bits(unsigned long field, u32 mask)
{
	vmcs_write(field, vmcs_read(field) | mask);
}

static __always_inline void vmcs_clear_bits(unsigned long field, u32 mask)
{
	vmcs_write(field, vmcs_read(field) & ~mask);
}

/* INVEPT / INVVPID types (Intel SDM Vol. 3, 30.3) */
#define VMX_INVEPT_SINGLE	1
#define VMX_INVEPT_GLOBAL	2
#define VMX_INVVPID_SINGLE	1
#define VMX_INVVPID_ALL		2

static inline void vmx_invept(unsigned long type, u64 eptp)
{
	struct {
		u64 eptp, gpa;
	} desc = { eptp, 0 };

	asm volatile("1: invept %[desc], %[type]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : [desc] "m"(desc), [type] "r"(type) : "cc", "memory");
}

static inline void vmx_invvpid(unsigned long type, u16 vpid)
{
	struct {
		u64 vpid : 16;
		u64 rsvd : 48;
		u64 gva;
	} desc = { vpid, 0, 0 };

	asm volatile("1: invvpid %[desc], %[type]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : [desc] "m"(desc), [type] "r"(type) : "cc", "memory");
}

#endif /* MINIVMM_VMX_INSN_H */
