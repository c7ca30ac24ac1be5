/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Words for the bits of struct minivmm_caps: a JSON key and a human name
 * for every MINIVMM_CAP_*, MINIVMM_INVEPT_* and MINIVMM_INVVPID_* bit, in
 * the order minivmm-ctl reports them. caps_bit_names has the VT-x bits,
 * svm_caps_bit_names the AMD-V ones.
 */
#ifndef MINIVMM_CTL_CAPS_NAMES_H
#define MINIVMM_CTL_CAPS_NAMES_H

#include <stddef.h>
#include <linux/minivmm.h>

struct bit_name {
	unsigned long long bit;
	const char *key;	/* JSON key: lower case, '_' separated */
	const char *name;	/* for people */
};

extern const struct bit_name caps_bit_names[];
extern const size_t caps_bit_names_count;
extern const struct bit_name svm_caps_bit_names[];
extern const size_t svm_caps_bit_names_count;
extern const struct bit_name invept_type_names[];
extern const size_t invept_type_names_count;
extern const struct bit_name invvpid_type_names[];
extern const size_t invvpid_type_names_count;

/* Entry of @bit in @names[@n], or NULL. */
const struct bit_name *bit_name_find(const struct bit_name *names, size_t n,
				     unsigned long long bit);
/* The bits of @names[@n] ORed together. */
unsigned long long bit_names_mask(const struct bit_name *names, size_t n);

/*
 * The names of the bits set in @value, ", "-separated, into @buf;
 * unnamed bits are shown as one "0x..." word at the end. "none" if
 * @value is 0. Returns @buf.
 */
char *bit_names_words(const struct bit_name *names, size_t n,
		      unsigned long long value, char *buf, size_t size);

/*
 * "vmx" / "VMX (Intel VT-x)" for MINIVMM_BACKEND_VMX, "svm" / "SVM (AMD-V)"
 * for MINIVMM_BACKEND_SVM, else "unknown".
 */
const char *backend_key(unsigned int backend);
const char *backend_name(unsigned int backend);

#endif /* MINIVMM_CTL_CAPS_NAMES_H */
