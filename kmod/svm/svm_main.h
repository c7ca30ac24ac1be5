/* SPDX-License-Identifier: GPL-2.0 */
/* The AMD-V backend as common code sees it: one ops table. */
#ifndef MINIVMM_SVM_MAIN_H
#define MINIVMM_SVM_MAIN_H

#include "../arch_ops.h"

extern const struct minivmm_arch_ops svm_arch_ops;

#endif /* MINIVMM_SVM_MAIN_H */
