/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX instructions as C functions, and typed VMCS accessors. Every
 * instruction that can fault (VMX off, bad operand) has an exception-table
 * entry, and every failure (VMfail or fault) is reported by a rate-limited
 * log line naming the instruction and field (vmx_hw.c), never a host oops
 * and never a silent 0. A VMCS field is read and written only with the
 * accessor of its width (16, 32, 64 bits or natural width, SDM Vol. 3,
 * appendix B: bits 14:13 of the encoding); a constant field used with the
 * wrong one fails the build.
 */
#ifndef MINIVMM_VMX_OPS_H
#define MINIVMM_VMX_OPS_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/types.h>
#include <asm/asm.h>
#include <asm/vmx.h>

void vmx_vmread_error(unsigned long field, u8 status);
void vmx_vmwrite_error(unsigned long field, unsigned long value, u8 status);
void vmx_insn_fault(const char *insn);

/*
 * Status of a VMX instruction: 0 success, 1 VMfail (CF or ZF set), 2 the
 * instruction faulted (exception-table fixup skipped the SETNA).
 */
#define VMX_OK		0
#define VMX_FAIL	1
#define VMX_FAULT	2

/* Field widths, bits 14:13 of a VMCS field encoding. */
#define VMCS_WIDTH_16	0
#define VMCS_WIDTH_64	1
#define VMCS_WIDTH_32	2
#define VMCS_WIDTH_NAT	3
#define VMCS_FIELD_WIDTH(field)	(((field) >> 13) & 3)
/* Bit 0 of a 64-bit field's encoding selects its high 32 bits. */
#define VMCS_FIELD_HIGH(field)	((field) & 1)

static __always_inline void vmcs_check(unsigned long field, int width)
{
	BUILD_BUG_ON_MSG(__builtin_constant_p(field) &&
			 VMCS_FIELD_WIDTH(field) != width &&
			 !(width == VMCS_WIDTH_32 && VMCS_FIELD_WIDTH(field) == VMCS_WIDTH_64 &&
			   VMCS_FIELD_HIGH(field)),
			 "VMCS field accessed with the wrong width");
	BUILD_BUG_ON_MSG(__builtin_constant_p(field) && width == VMCS_WIDTH_64 &&
			 VMCS_FIELD_HIGH(field),
			 "64-bit accessor used on the high half of a 64-bit field");
}

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

/*
 * VMREAD and VMWRITE cost one taken-never branch on success (asm goto, as
 * KVM's vmx_ops.h): this is the exit path. Failures (VMfail) and faults
 * (VMX off under us) are reported out of line and read as 0.
 */
#ifdef CONFIG_CC_HAS_ASM_GOTO_OUTPUT
static __always_inline unsigned long __vmcs_readl(unsigned long field)
{
	unsigned long value;

	asm goto("1: vmread %[field], %[value]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, (%l[fault]))
		 : [value] "=r"(value) : [field] "r"(field) : "cc" : fail, fault);
	return value;
fail:
	vmx_vmread_error(field, VMX_FAIL);
	return 0;
fault:
	vmx_vmread_error(field, VMX_FAULT);
	return 0;
}
#else
static __always_inline unsigned long __vmcs_readl(unsigned long field)
{
	unsigned long value = 0;
	u8 st = VMX_FAULT;

	asm volatile("1: vmread %[field], %[value]\n\t"
		     "setna %[st]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [value] "+r"(value), [st] "+q"(st) : [field] "r"(field) : "cc");
	if (unlikely(st != VMX_OK)) {
		vmx_vmread_error(field, st);
		return 0;
	}
	return value;
}
#endif

static __always_inline void __vmcs_writel(unsigned long field, unsigned long value)
{
	asm goto("1: vmwrite %[value], %[field]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, (%l[fault]))
		 : : [field] "r"(field), [value] "rm"(value) : "cc" : fail, fault);
	return;
fail:
	vmx_vmwrite_error(field, value, VMX_FAIL);
	return;
fault:
	vmx_vmwrite_error(field, value, VMX_FAULT);
}

static __always_inline u16 vmcs_read16(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_16);
	return __vmcs_readl(field);
}

static __always_inline u32 vmcs_read32(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_32);
	return __vmcs_readl(field);
}

static __always_inline u64 vmcs_read64(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_64);
	return __vmcs_readl(field);
}

static __always_inline unsigned long vmcs_readl(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_NAT);
	return __vmcs_readl(field);
}

static __always_inline void vmcs_write16(unsigned long field, u16 value)
{
	vmcs_check(field, VMCS_WIDTH_16);
	__vmcs_writel(field, value);
}

static __always_inline void vmcs_write32(unsigned long field, u32 value)
{
	vmcs_check(field, VMCS_WIDTH_32);
	__vmcs_writel(field, value);
}

static __always_inline void vmcs_write64(unsigned long field, u64 value)
{
	vmcs_check(field, VMCS_WIDTH_64);
	__vmcs_writel(field, value);
}

static __always_inline void vmcs_writel(unsigned long field, unsigned long value)
{
	vmcs_check(field, VMCS_WIDTH_NAT);
	__vmcs_writel(field, value);
}

static __always_inline void vmcs_set_bits(unsigned long field, u32 mask)
{
	vmcs_write32(field, vmcs_read32(field) | mask);
}

static __always_inline void vmcs_clear_bits(unsigned long field, u32 mask)
{
	vmcs_write32(field, vmcs_read32(field) & ~mask);
}

/* INVEPT types (Intel SDM Vol. 3, 30.3) */
#define VMX_INVEPT_SINGLE	1
#define VMX_INVEPT_GLOBAL	2

static inline void vmx_invept(unsigned long type, u64 eptp)
{
	struct {
		u64 eptp, gpa;
	} desc = { eptp, 0 };
	u8 st = VMX_FAULT;

	asm volatile("1: invept %[desc], %[type]\n\t"
		     "setna %[st]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [st] "+q"(st) : [desc] "m"(desc), [type] "r"(type) : "cc", "memory");
	if (unlikely(st != VMX_OK))
		vmx_insn_fault("invept");
}

#endif /* MINIVMM_VMX_OPS_H */
