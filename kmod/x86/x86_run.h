/* SPDX-License-Identifier: GPL-2.0 */
/* What a backend's world switch calls around the entry (kmod/x86/x86_run.c). */
#ifndef MINIVMM_X86_RUN_H
#define MINIVMM_X86_RUN_H

#include "../vm.h"

void minivmm_x86_load_guest_xsave_state(struct minivmm_vcpu *vcpu);
void minivmm_x86_load_host_xsave_state(struct minivmm_vcpu *vcpu);

#endif /* MINIVMM_X86_RUN_H */
