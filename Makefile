# SPDX-License-Identifier: GPL-2.0
#
# minivmm top-level Makefile (the module itself is described by ./Kbuild).
#
#   make deps       install the Debian packages everything below needs (root)
#   make            build minivmm.ko, minivmm-ctl, the selftests, the unit tests
#   make demo       boot the Bochs (VT-x) test host, load the module, run guests
#   make check      every test: unit, uapi, style, kernel-doc, QEMU refusal, Bochs selftests
#   make bench      benchmark figures from one Bochs boot (build/bench/)
#   make fuzz       a long fuzz campaign in one Bochs boot (FUZZ_SEEDS, FUZZ_SECONDS)
#
# Variables: KDIR (kernel build dir), KERNEL (6.1 or 6.12: picks KDIR),
# HOST (bochs, qemu, kvm, auto) for 'make testhost', V=1 for verbose kbuild.

SHELL       := /bin/bash
space       := $(subst ,, )
TOP         := $(CURDIR)
B           := $(TOP)/build

# Kernel to build against: KDIR wins, then KERNEL=6.x (newest Debian amd64
# headers of that series), then the running kernel's build dir, then the
# newest 6.1 LTS headers (the default test-host kernel), then any.
KERNEL      ?=
newest_headers = $(shell ls -d /usr/src/linux-headers-$(1)*-amd64 2>/dev/null | sort -V | tail -n1)
ifeq ($(origin KDIR),undefined)
ifneq ($(KERNEL),)
KDIR := $(call newest_headers,$(KERNEL).)
else
KDIR := $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	  $(call newest_headers,6.1.) $(call newest_headers,))
endif
endif
KVER         = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
		$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

CC          ?= gcc
USER_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	       -I$(TOP)/uapi -I$(B)/linux-tools
STATIC      := -static -pthread

# Files that ship inside Debian's linux-source-6.1 tarball and are extracted
# at build time (never committed).
LINUX_SRC_TAR ?= $(lastword $(sort $(wildcard /usr/src/linux-source-6.1*.tar.xz)))
LINUX_TOOLS := $(B)/linux-tools
HARNESS_H   := $(LINUX_TOOLS)/kselftest_harness.h
CHECKPATCH  := $(LINUX_TOOLS)/scripts/checkpatch.pl
KERNEL_DOC  := $(LINUX_TOOLS)/scripts/kernel-doc
# The kernel's selftests framework (Makefile, lib.mk, run_kselftest.sh,
# kselftest/runner.sh): LINUX_TOOLS is a kernel tree as far as
# 'make -C tools/testing/selftests' is concerned.
KSFT_DIR    := $(LINUX_TOOLS)/tools/testing/selftests
KSFT_LIBMK  := $(KSFT_DIR)/lib.mk

.PHONY: bench fuzz deps all module ctl selftests kselftest kselftest-dropin benches unit-build unit \
	tools check demo testhost checkpatch kerneldoc sparse uapi-check module-6.12 clean help
.DEFAULT_GOAL := all

all: module ctl selftests unit-build

# Debian packages for building and for the test hosts (root).
deps:
	.ci/install-deps

help:
	@sed -n '3,12p' Makefile | sed 's/^# \{0,1\}//'

# ---------------------------------------------------------------- module --
module:
	@test -d "$(KDIR)" || { echo "no kernel build dir (KDIR='$(KDIR)'); install linux-headers-amd64 or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) modules
	@mkdir -p $(B) && cp minivmm.ko $(B)/minivmm.ko

# Build against the 6.12 LTS headers too (compat header keeps this building).
module-6.12:
	@d=$$(ls -d /usr/src/linux-headers-6.12*-amd64 2>/dev/null | sort -V | tail -1); \
	test -n "$$d" || { echo "no 6.12 headers: apt-get install -t bookworm-backports linux-headers-6.12-amd64" >&2; exit 1; }; \
	rm -rf $(B)/kbuild-6.12 && mkdir -p $(B)/kbuild-6.12 && \
	cp -r Kbuild kmod uapi $(B)/kbuild-6.12/ && \
	$(MAKE) -C $$d M=$(B)/kbuild-6.12 modules && \
	echo "module-6.12: built $(B)/kbuild-6.12/minivmm.ko against $$d"

# sparse names files by absolute path under M=$(TOP); pipefail keeps a
# failed build from passing through tee.
sparse: tools
	set -o pipefail; $(MAKE) -C $(KDIR) M=$(TOP) C=2 modules 2>&1 | tee $(B)/sparse.log
	@! grep -E '^($(TOP)/)?(kmod|uapi)/.*: (warning|error):' $(B)/sparse.log

# ----------------------------------------------------- extracted tools --
tools: $(HARNESS_H) $(CHECKPATCH) $(KERNEL_DOC) $(KSFT_LIBMK)

$(HARNESS_H) $(CHECKPATCH) $(KERNEL_DOC) $(KSFT_LIBMK) &:
	@test -f "$(LINUX_SRC_TAR)" || { echo "need Debian's linux-source-6.1 (apt-get install linux-source-6.1)" >&2; exit 1; }
	@mkdir -p $(LINUX_TOOLS)
	tar -xJf $(LINUX_SRC_TAR) -C $(LINUX_TOOLS) --strip-components=1 --wildcards \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h' \
		'*/tools/testing/selftests/Makefile' \
		'*/tools/testing/selftests/lib.mk' \
		'*/tools/testing/selftests/run_kselftest.sh' \
		'*/tools/testing/selftests/kselftest_install.sh' \
		'*/tools/testing/selftests/kselftest/*' \
		'*/scripts/subarch.include' \
		'*/scripts/kernel-doc' \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	cp $(LINUX_TOOLS)/tools/testing/selftests/kselftest_harness.h \
	   $(LINUX_TOOLS)/tools/testing/selftests/kselftest.h $(LINUX_TOOLS)/
	@touch $(HARNESS_H) $(CHECKPATCH) $(KERNEL_DOC) $(KSFT_LIBMK)

# ------------------------------------------------------------ userspace --
# userspace-ctl/lib: pure helpers (no device), also unit-tested.
CTL_LIB_SRCS := $(wildcard userspace-ctl/lib/*.c)
CTL_LIB_HDRS := $(wildcard userspace-ctl/lib/*.h)
# The kernel-free code of the module the CLI shares (one source of truth for
# policy validation, host-state and mode names, statistics tag numbers).
CTL_COMMON_SRCS := kmod/common/balloon_policy.c
CTL_COMMON_HDRS := $(wildcard kmod/common/*.h)
CTL_SRCS := $(wildcard userspace-ctl/*.c) $(CTL_LIB_SRCS)
ctl: $(B)/minivmm-ctl
$(B)/minivmm-ctl: $(CTL_SRCS) $(CTL_COMMON_SRCS) $(wildcard userspace-ctl/*.h) $(CTL_LIB_HDRS) \
		$(CTL_COMMON_HDRS) uapi/linux/minivmm.h
	@mkdir -p $(B)
	$(CC) $(USER_CFLAGS) -Ikmod -Iuserspace-ctl/lib $(STATIC) -o $@ $(CTL_SRCS) $(CTL_COMMON_SRCS)

# selftests/minivmm is a kselftest target (its Makefile uses the kernel's
# lib.mk). kselftest-dropin copies it, with the sources it uses from the rest
# of this tree (in its src/), into DEST (a kernel's tools/testing/selftests);
# 'kselftest' does that into LINUX_TOOLS and runs the kernel's own
# 'make -C tools/testing/selftests TARGETS=minivmm install': KSFT_INSTALL is
# the tree (run_kselftest.sh, kselftest-list.txt, minivmm/) the test host
# runs. Its binaries are also copied to build/selftests/ with the benchmarks.
KSFT_SRCS    := uapi/linux/minivmm.h selftests/lib selftests/ovc balloon-driver \
		userspace-ctl/lib/json_parse.c userspace-ctl/lib/json_parse.h
KSFT_OBJ     := $(B)/kselftest/obj
KSFT_OUT     := $(KSFT_OBJ)/kselftest/minivmm
KSFT_INSTALL := $(B)/kselftest/install
kselftest-dropin:
	@test -n "$(DEST)" || { echo "usage: make kselftest-dropin DEST=LINUX/tools/testing/selftests" >&2; exit 1; }
	@mkdir -p $(DEST)/minivmm/src
	rsync -a --delete --exclude=/src selftests/minivmm/ $(DEST)/minivmm/
	rsync -aR --delete $(KSFT_SRCS) $(DEST)/minivmm/src/
kselftest: tools
	@$(MAKE) -s --no-print-directory kselftest-dropin DEST=$(KSFT_DIR)
	set -o pipefail; $(MAKE) -C $(KSFT_DIR) TARGETS=minivmm FORCE_TARGETS=1 O=$(KSFT_OBJ) \
		KSFT_INSTALL_PATH=$(KSFT_INSTALL) install | { grep -v '^\(Emit Tests\|rsync\|mkdir\|install -m\)' || true; }
	@mkdir -p $(B)/selftests
	@cd $(KSFT_INSTALL)/minivmm && for f in *; do \
		[ -x "$$f" ] && [ -f "$$f" ] && ! cmp -s "$$f" $(B)/selftests/"$$f" && cp -p "$$f" $(B)/selftests/; :; \
	done; cd $(B)/selftests && for f in *; do \
		[ -e $(KSFT_INSTALL)/minivmm/"$$f" ] || [ -f $(TOP)/selftests/bench/"$$f".c ] || rm -f "$$f"; \
	done
selftests: kselftest
	@$(MAKE) --no-print-directory benches

# Benchmarks (make bench) ride in the same initramfs (build/selftests/) but
# are not kselftests: built here, linked with the selftests' libraries.
KSFT_LIBS     := $(KSFT_OUT)/libminivmm.a $(KSFT_OUT)/libballoon_guest.a
BENCH_CFLAGS  := $(USER_CFLAGS) -Wno-unused-parameter -Wno-sign-compare -Iselftests/lib \
		 -Iballoon-driver -Iuserspace-ctl/lib
BENCH_SRCS    := $(wildcard selftests/bench/*.c)
BENCHES       := $(patsubst selftests/bench/%.c,$(B)/selftests/%,$(BENCH_SRCS))
benches: $(BENCHES)
$(B)/selftests/%: selftests/bench/%.c $(KSFT_LIBS) $(wildcard selftests/lib/*.h) \
		uapi/linux/minivmm.h
	@mkdir -p $(B)/selftests
	$(CC) $(BENCH_CFLAGS) $(STATIC) -o $@ $< $(KSFT_LIBS)
# vmm_compare's balloon workload (selftests/bench/lib/): the guest driver
# (libballoon_guest.a, through lib/balloon_guest.c) and, for the KVM side's
# userspace device, the kernel-free device model of kmod/common/.
BENCH_LIB_SRCS := $(wildcard selftests/bench/lib/*.c) kmod/common/balloon_dev.c \
		  kmod/common/virtio_mmio_dev.c kmod/common/virtq.c kmod/common/balloon_req.c
$(B)/selftests/vmm_compare: selftests/bench/vmm_compare.c $(BENCH_LIB_SRCS) \
		$(wildcard selftests/bench/lib/*.h kmod/common/*.h balloon-driver/*.h) \
		$(KSFT_LIBS) $(wildcard selftests/lib/*.h) uapi/linux/minivmm.h
	@mkdir -p $(B)/selftests
	$(CC) $(BENCH_CFLAGS) -Iselftests/bench/lib -Ikmod $(STATIC) -o $@ $< $(BENCH_LIB_SRCS) $(KSFT_LIBS)

# Unit tests of code that needs no kernel: one binary, prints "N passed, N failed".
UNIT_SRCS := $(wildcard selftests/unit/*.c) $(wildcard kmod/common/*.c) kmod/vmx/vmx_caps_decode.c $(wildcard balloon-driver/*.c) $(CTL_LIB_SRCS)
unit-build: $(B)/unit-tests
$(B)/unit-tests: $(UNIT_SRCS) $(wildcard selftests/unit/*.h kmod/common/*.h) kmod/vmx/vmx_caps_decode.h $(CTL_LIB_HDRS) uapi/linux/minivmm.h
	@mkdir -p $(B)
	$(CC) $(USER_CFLAGS) -Ikmod -Iselftests/unit -Iuserspace-ctl/lib -Iballoon-driver -o $@ $(UNIT_SRCS)
unit: $(B)/unit-tests
	$(B)/unit-tests

# The uapi header must compile alone in userspace C (and C++).
uapi-check:
	@mkdir -p $(B)
	printf '#include <linux/minivmm.h>\nint main(void){return 0;}\n' > $(B)/uapi-check.c
	$(CC) -std=c11 -Wall -Wextra -Werror -pedantic -Iuapi -c $(B)/uapi-check.c -o $(B)/uapi-check.o
	$(CC) -std=gnu89 -Wall -Wextra -Werror -Iuapi -c $(B)/uapi-check.c -o $(B)/uapi-check-89.o
	g++ -x c++ -Wall -Wextra -Werror -Iuapi -c $(B)/uapi-check.c -o $(B)/uapi-check-cxx.o
	@echo "uapi-check: uapi/linux/minivmm.h compiles alone (C11 pedantic, gnu89, C++)"

# Kernel style over every kernel and uapi file.
# (tracked and not-yet-added files alike: --others, minus .gitignore'd ones)
KSTYLE_FILES = $(shell git ls-files --cached --others --exclude-standard \
		 'kmod/*.c' 'kmod/*.h' 'uapi/*.h' 2>/dev/null || \
		 find kmod uapi -name '*.[ch]')
# Userspace C (the CLI, the guest balloon driver, the selftests) in kernel
# style too, except for these types, each for the reason given:
#  VOLATILE           memory shared with a running guest and guest MMIO
#                     registers: userspace has no READ_ONCE/WRITE_ONCE
#  PREFER_DEFINED_ATTRIBUTE_MACRO  no <linux/compiler.h> in userspace:
#                     __attribute__((...)) is spelled out (GUEST_CODE, ...)
#  ARRAY_SIZE         no kernel ARRAY_SIZE() in userspace C
#  AVOID_EXTERNS      linker-defined symbols (__start_minivmm_guest_text,
#                     __executable_start) and asm stubs, declared where used
#  SPACING            "FIXTURE_DATA(name) *self" (kselftest_harness.h)
#                     is a type checkpatch cannot parse
#  COMPLEX_MACRO, MACRO_WITH_FLOW_CONTROL, SINGLE_STATEMENT_DO_WHILE_MACRO,
#  TRAILING_SEMICOLON, DO_WHILE_MACRO_WITH_TRAILING_SEMICOLON
#                     assertion macros in the style of kselftest_harness.h
#                     (they return from the test), argument-list and X-macros
#  SPLIT_STRING, QUOTED_WHITESPACE_BEFORE_NEWLINE  expected JSON and text
#                     outputs in unit tests, written as they are printed
#  STATIC_CONST_CHAR_ARRAY  argv arrays for execv() built per call
#  SYMBOLIC_PERMS     POSIX S_I* mode bits in userspace
#  EMBEDDED_FUNCTION_NAME  words in messages ("usage", "refcnt") that are
#                     also function names
#  NEW_TYPEDEFS       u128 (unsigned __int128), which has no kernel type here
#  NAKED_SSCANF, CONSTANT_COMPARISON, LINE_SPACING, UNNECESSARY_ELSE
#                     misparses: a checked sscanf inside ASSERT_EQ, a
#                     _Static_assert tying two constants, a register asm
#                     declaration, an else-if chain that parses arguments
USTYLE_IGNORE := VOLATILE,PREFER_DEFINED_ATTRIBUTE_MACRO,ARRAY_SIZE,AVOID_EXTERNS,SPACING,\
	COMPLEX_MACRO,MACRO_WITH_FLOW_CONTROL,SINGLE_STATEMENT_DO_WHILE_MACRO,TRAILING_SEMICOLON,\
	DO_WHILE_MACRO_WITH_TRAILING_SEMICOLON,SPLIT_STRING,QUOTED_WHITESPACE_BEFORE_NEWLINE,\
	STATIC_CONST_CHAR_ARRAY,SYMBOLIC_PERMS,EMBEDDED_FUNCTION_NAME,NEW_TYPEDEFS,NAKED_SSCANF,\
	CONSTANT_COMPARISON,LINE_SPACING,UNNECESSARY_ELSE
USTYLE_FILES = $(shell git ls-files --cached --others --exclude-standard \
		 'userspace-ctl/*.[ch]' 'balloon-driver/*.[ch]' 'selftests/*.[ch]' 2>/dev/null || \
		 find userspace-ctl balloon-driver selftests -name '*.[ch]')
checkpatch: $(CHECKPATCH)
	perl $(CHECKPATCH) --no-tree --terse --show-types -f $(KSTYLE_FILES)
	perl $(CHECKPATCH) --no-tree --terse --show-types --ignore $(subst $(space),,$(USTYLE_IGNORE)) \
		-f $(USTYLE_FILES)
	@echo "checkpatch: clean"

# kernel-doc over every kernel and uapi file: any warning fails.
kerneldoc: $(KERNEL_DOC)
	@mkdir -p $(B)
	perl $(KERNEL_DOC) -none $(KSTYLE_FILES) > $(B)/kerneldoc.log 2>&1; \
	n=$$(grep -c . $(B)/kerneldoc.log); cat $(B)/kerneldoc.log; \
	if [ "$$n" = 0 ]; then echo "kerneldoc: clean"; else echo "kerneldoc: $$n warnings"; exit 1; fi

# --------------------------------------------------------- test hosts --
HOST ?= auto
testhost: all
	selftests/testhost/run.sh --host $(HOST) --kver $(KVER) --plan $(or $(PLAN),selftests/testhost/plans/vmx.plan)

demo: all
	selftests/testhost/run.sh --host $(if $(filter auto,$(HOST)),vmx,$(HOST)) --kver $(KVER) \
		--plan selftests/testhost/plans/demo.plan --show-output

check: all tools
	selftests/testhost/check.sh --kver $(KVER)

# A long fuzz campaign: one Bochs boot, fuzz_test once per seed (each run
# stays under the kselftest timeout of selftests/minivmm/settings). An
# emulated second of fuzzing (about 30,000 calls) is about four minutes of
# Bochs; 'make check' runs 2 seconds of seed 5 (plans/vmx.plan).
FUZZ_SEEDS   ?= 1 2 3 4
FUZZ_SECONDS ?= 10
fuzz: all
	@mkdir -p $(B)
	@{ echo '#@ cpus=2'; echo 'run_cmd insmod_minivmm load_minivmm'; \
	  for s in $(FUZZ_SEEDS); do echo "run_test fuzz_test --seed $$s --seconds $(FUZZ_SECONDS)"; done; \
	} > $(B)/fuzz.plan
	selftests/testhost/run.sh --host $(if $(filter auto,$(HOST)),vmx,$(HOST)) --kver $(KVER) \
		--plan $(B)/fuzz.plan --timeout $$(( 3600 + 400 * $(FUZZ_SECONDS) * $(words $(FUZZ_SEEDS)) ))

# Figures, not assertions: one boot of the VT-x test host.
bench: all
	selftests/testhost/bench.sh --kver $(KVER) --host $(if $(filter auto,$(HOST)),vmx,$(HOST))

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	rm -rf $(B)
