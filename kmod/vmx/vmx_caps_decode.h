/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of the raw VT-x capability registers (CPUID, IA32_FEATURE_CONTROL,
 * the IA32_VMX_* capability MSRs, CR4.VMXE) into struct minivmm_caps and the
 * one reason, if any, why minivmm cannot use VT-x on this CPU.
 *
 * Pure code: no kernel-internal header, so the same file builds into the
 * module and into the userspace unit tests (selftests/unit/). Bit positions
 * are from the Intel SDM Vol. 3, Appendix A; kmod/vmx/vmx_probe.c checks
 * them at build time against the kernel's asm/vmx.h and asm/msr-index.h.
 */
#ifndef MINIVMM_VMX_CAPS_DECODE_H
#define MINIVMM_VMX_CAPS_DECODE_H

#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#endif
#include <linux/types.h>
#include <linux/minivmm.h>

/* CPUID.1:ECX */
#define VMX_DEC_CPUID1_ECX_VMX		(1U << 5)

/* IA32_FEATURE_CONTROL (MSR 0x3a) */
#define VMX_DEC_FEAT_CTL_LOCKED		(1ULL << 0)
#define VMX_DEC_FEAT_CTL_VMX_OUTSIDE_SMX	(1ULL << 2)

/* IA32_VMX_BASIC (MSR 0x480) */
#define VMX_DEC_BASIC_REVISION_MASK	0x7fffffffULL	/* bits 30:0 */
#define VMX_DEC_BASIC_SIZE_SHIFT	32
#define VMX_DEC_BASIC_SIZE_MASK		0x1fffULL	/* bits 44:32 */
#define VMX_DEC_BASIC_TRUE_CTLS		(1ULL << 55)

/*
 * VM-execution control bits. A control MSR reports in its high 32 bits the
 * controls that may be 1 (allowed-1 settings); these are positions there.
 */
#define VMX_DEC_PIN_PREEMPTION_TIMER	(1U << 6)
#define VMX_DEC_PROC_SECONDARY_CTLS	(1U << 31)
#define VMX_DEC_PROC2_EPT		(1U << 1)
#define VMX_DEC_PROC2_VPID		(1U << 5)
#define VMX_DEC_PROC2_UNRESTRICTED	(1U << 7)

/* IA32_VMX_MISC (MSR 0x485) */
#define VMX_DEC_MISC_TIMER_RATE_MASK	0x1fULL		/* bits 4:0 */

/* IA32_VMX_EPT_VPID_CAP (MSR 0x48c): EPT half (bits 31:0) */
#define VMX_DEC_EPT_WALK_4		(1ULL << 6)
#define VMX_DEC_EPT_UC			(1ULL << 8)
#define VMX_DEC_EPT_WB			(1ULL << 14)
#define VMX_DEC_EPT_2M			(1ULL << 16)
#define VMX_DEC_EPT_1G			(1ULL << 17)
#define VMX_DEC_EPT_INVEPT		(1ULL << 20)
#define VMX_DEC_EPT_AD			(1ULL << 21)
#define VMX_DEC_EPT_INVEPT_SINGLE	(1ULL << 25)
#define VMX_DEC_EPT_INVEPT_ALL		(1ULL << 26)
/* ... and VPID half (bits 63:32) */
#define VMX_DEC_VPID_INVVPID		(1ULL << 32)
#define VMX_DEC_VPID_INVVPID_ADDR	(1ULL << 40)
#define VMX_DEC_VPID_INVVPID_SINGLE	(1ULL << 41)
#define VMX_DEC_VPID_INVVPID_ALL	(1ULL << 42)
#define VMX_DEC_VPID_INVVPID_SINGLE_NG	(1ULL << 43)

/**
 * struct vmx_caps_raw - raw register values, as read on one CPU
 * @cpuid1_ecx: ECX of CPUID leaf 1.
 * @feature_control: IA32_FEATURE_CONTROL (0 when unreadable).
 * @vmx_basic: IA32_VMX_BASIC (only read when CPUID reports VMX).
 * @pinbased: IA32_VMX_PINBASED_CTLS.
 * @procbased: IA32_VMX_PROCBASED_CTLS.
 * @procbased2: IA32_VMX_PROCBASED_CTLS2; only read when
 *	vmx_dec_has_secondary_ctls(@procbased), else 0.
 * @ept_vpid_cap: IA32_VMX_EPT_VPID_CAP; only read when
 *	vmx_dec_has_ept_vpid_cap(@procbased, @procbased2), else 0.
 * @misc: IA32_VMX_MISC.
 * @cr4_vmxe: CR4.VMXE is set on this CPU (someone is in VMX operation).
 *
 * The IA32_VMX_* MSRs exist only on CPUs with VMX; the decoder ignores
 * whatever they hold when @cpuid1_ecx has no VMX.
 */
struct vmx_caps_raw {
	__u32 cpuid1_ecx;
	__u64 feature_control;
	__u64 vmx_basic;
	__u64 pinbased;
	__u64 procbased;
	__u64 procbased2;
	__u64 ept_vpid_cap;
	__u64 misc;
	bool cr4_vmxe;
};

/**
 * enum vmx_refusal - why minivmm cannot use VT-x, in the order checked
 * @VMX_USABLE: nothing missing.
 * @VMX_REFUSE_NO_VMX: CPUID.1:ECX.VMX is clear.
 * @VMX_REFUSE_FW_DISABLED: IA32_FEATURE_CONTROL unlocked, or locked without
 *	"VMX outside SMX".
 * @VMX_REFUSE_NO_EPT: no secondary controls, no "enable EPT", or EPT
 *	without a 4-level walk or write-back paging structures.
 * @VMX_REFUSE_VMX_BUSY: CR4.VMXE already set: another hypervisor owns VMX.
 *
 * A missing unrestricted guest, VPID, A/D bits or large pages is no reason
 * to refuse; those only show in the capability bits.
 */
enum vmx_refusal {
	VMX_USABLE = 0,
	VMX_REFUSE_NO_VMX,
	VMX_REFUSE_FW_DISABLED,
	VMX_REFUSE_NO_EPT,
	VMX_REFUSE_VMX_BUSY,
};

/* Room for any text vmx_caps_decode() writes, NUL included. */
#define VMX_REFUSAL_TEXT_MAX	96

/**
 * vmx_dec_has_secondary_ctls() - may the secondary controls be activated?
 * @procbased: IA32_VMX_PROCBASED_CTLS.
 *
 * Return: true when IA32_VMX_PROCBASED_CTLS2 exists and may be read.
 */
static inline bool vmx_dec_has_secondary_ctls(__u64 procbased)
{
	return (procbased >> 32) & VMX_DEC_PROC_SECONDARY_CTLS;
}

/**
 * vmx_dec_has_ept_vpid_cap() - does IA32_VMX_EPT_VPID_CAP exist?
 * @procbased: IA32_VMX_PROCBASED_CTLS.
 * @procbased2: IA32_VMX_PROCBASED_CTLS2 (0 when it does not exist).
 *
 * The MSR exists with secondary controls that allow EPT or VPID (SDM A.10).
 *
 * Return: true when IA32_VMX_EPT_VPID_CAP may be read.
 */
static inline bool vmx_dec_has_ept_vpid_cap(__u64 procbased, __u64 procbased2)
{
	return vmx_dec_has_secondary_ctls(procbased) &&
	       ((procbased2 >> 32) & (VMX_DEC_PROC2_EPT | VMX_DEC_PROC2_VPID));
}

enum vmx_refusal vmx_caps_decode(const struct vmx_caps_raw *raw,
				 struct minivmm_caps *caps,
				 char *why, size_t why_size);

#endif /* MINIVMM_VMX_CAPS_DECODE_H */
