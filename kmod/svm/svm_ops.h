/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SVM instructions used from C. CLGI and STGI #UD once EFER.SVME is
 * clear (the host turned SVM off under a vCPU: reboot, panic): the fault
 * is caught by the exception table and reported as false.
 */
#ifndef MINIVMM_SVM_OPS_H
#define MINIVMM_SVM_OPS_H

#include <linux/compiler.h>
#include <asm/asm.h>

/* Clear GIF: no interrupt, NMI or SMI until STGI or VMRUN. */
static __always_inline bool svm_clgi(void)
{
	asm goto("1: clgi\n\t"
		 _ASM_EXTABLE(1b, (%l[fault]))
		 ::: "memory" : fault);
	return true;
fault:
	return false;
}

/* Set GIF again. */
static __always_inline bool svm_stgi(void)
{
	asm goto("1: stgi\n\t"
		 _ASM_EXTABLE(1b, (%l[fault]))
		 ::: "memory" : fault);
	return true;
fault:
	return false;
}

#endif /* MINIVMM_SVM_OPS_H */
