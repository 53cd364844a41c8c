# nouveau SVM: build, test and check pipeline.  `make help` lists the targets.
#
# Everything is built under build/ (ignored); downloads and ccache live under
# ~/.cache so that a fresh clone reuses them.

SHELL := /bin/bash
CI    := .ci

# DEBUG=1: the debug kernel (KASAN, lockdep, DEBUG_VM, kmemleak) instead of
# the test kernel, in its own object directory.
ifeq ($(DEBUG),1)
KOBJ      := $(CURDIR)/build/kernel-debug
FRAGMENTS := Kconfig/test-kernel.config Kconfig/debug-kernel.config
RESULTS   ?= $(CURDIR)/build/results-debug
GUEST_TIMEOUT ?= 2700
# The checkers slow the guest several times over under TCG: the bounds of
# each program (.ci/guest-suites.sh) grow with it.  They stop one stuck
# program each (hmm-tests, each IGT job, each fuzz program); they do not
# add up to less than GUEST_TIMEOUT, which bounds the whole run (about 20
# minutes of it is used).
NVSVM_HMM_TIMEOUT ?= 1200
NVSVM_IGT_TIMEOUT ?= 450
NVSVM_FUZZ_SLACK ?= 240
export NVSVM_HMM_TIMEOUT NVSVM_IGT_TIMEOUT NVSVM_FUZZ_SLACK
# Our suites first: lockdep switches itself off at the first report of any
# checker, so an upstream report in hmm must not leave kunit and igt
# unwatched.
SUITES   ?= kunit igt nouveau fuzz hmm
# hmm-tests' benchmark_thp_migration (a timing table, not a check) comes
# too near its built-in 120 s under KASAN and TCG (86 s device-private,
# 105 s coherent, seen on an idle machine); a killed run leaves device
# memory for a later test's dmirror_fops_release() to evict, which tripped
# a KASAN use-after-free of the dead process's anon_vma (rmap_walk_anon from
# migrate_device_finalize) on the path patch 0045 since fixed.  Not run on
# the debug kernel; HMM_ARGS= runs it anyway.
HMM_ARGS ?= -T benchmark_thp_migration
else
KOBJ      := $(CURDIR)/build/kernel
FRAGMENTS := Kconfig/test-kernel.config
RESULTS   ?= $(CURDIR)/build/results
GUEST_TIMEOUT ?= 900
endif
export KOBJ RESULTS
# make check IGT_SRC=<igt-gpu-tools tree>: the IGT tests against its headers;
# NV_CLASS_DOC=<open-gpu-doc>/classes/compute: the IGT compute path against
# NVIDIA's published class headers; NV_HOST_CLASSES=<open-gpu-kernel-modules
# 570.144 or later>/kernel-open/nvidia-uvm: the backend's MEM_OP fields
# against NVIDIA's host class headers.
export IGT_SRC NV_CLASS_DOC NV_HOST_CLASSES

# `make bench` output, and the bound on its guest run.
BENCH         ?= $(CURDIR)/build/bench$(if $(filter 1,$(DEBUG)),-debug)
BENCH_TIMEOUT ?= 720
# The guest's memory for it: the 1 GiB fault size holds test_hmm's buffer
# and its bounce buffer at once, beside test_hmm's two 256 MiB carve-outs.
BENCH_MEM     ?= 6G

# Which suites `make test` runs, and arguments for one of them, e.g.
#   make test SUITES=igt IGT=nouveau_svm_mirror IGT_ARGS="--run-subtest gpu-read-malloc"
#   make test SUITES=hmm HMM_ARGS="-r hmm.hmm_device_private.migrate"
# The nouveau suite runs the IGT binaries on nouveau's path
# (IGT_FORCE_DRIVER=nouveau), where this machine has no GPU; make test
# NOUVEAU_SVM_DRIVER=nouveau runs it alone.
ifeq ($(NOUVEAU_SVM_DRIVER),nouveau)
SUITES   := nouveau
endif
SUITES   ?= hmm kunit igt nouveau fuzz
HMM_ARGS ?=
IGT_ARGS ?=
KUNIT_ARGS ?=

# `make fuzz`: a long run of the ioctl fuzzer, then of the race stress, then
# of the memory-pressure stress, in one boot; FUZZ_SEED=N replays a run
# (make test takes it too).
FUZZ_SECONDS     ?= 600
STRESS_SECONDS   ?= 120
PRESSURE_SECONDS ?= 300
FUZZ_SEED        ?=
FUZZ_OUT         ?= $(CURDIR)/build/fuzz$(if $(filter 1,$(DEBUG)),-debug)

# `make profile`: perf in the guest on one migration direction, or on
# first touches of single pages, ours and test_hmm's;
# PROFILE_DIR=to-host|to-vram|first-touch|atomic, PROFILE_ARGS for svm-prof
# (e.g. "--mib 16 --thp").
PROFILE_DIR  ?= to-host
PROFILE_ARGS ?=
PROFILE_OUT  ?= $(CURDIR)/build/profile
# Extra arguments of the guest kernel's command line (e.g. idle=poll: idle
# vCPUs spin instead of halting, so that a wakeup does not wait for TCG to
# bring a halted vCPU back).
PROFILE_BOOT_ARGS ?=

# Builds and guest runs of one checkout are serialised on a lock, so that
# two of them (two shells, two agents) never share a half-built tree.
LOCK := mkdir -p build && flock build/.lock $(MAKE) --no-print-directory

.PHONY: help deps kernel tests test demo bench profile fuzz check kunit-uml \
	series series-check clean _kernel _tests _test _demo _bench _profile \
	_fuzz _check _kunit_uml _series _series_check

help:
	@echo "nouveau SVM pipeline"
	@echo "  make test    build the test kernel and tests, boot the guest, run"
	@echo "               every suite (SUITES='$(SUITES)'); ends with"
	@echo "               'N passed, N failed, N skipped'; JUnit XML in build/"
	@echo "  make demo    build and boot, run the demo and print what it did"
	@echo "  make bench   build and boot, run the benchmarks (ours vs test_hmm);"
	@echo "               table, JSON and PNG plots in build/bench/"
	@echo "  make fuzz    build and boot, fuzz the SVM ioctls for FUZZ_SECONDS"
	@echo "               (default 600), then the race stress for STRESS_SECONDS"
	@echo "               (default 120), then the memory-pressure stress for"
	@echo "               PRESSURE_SECONDS (default 300); prints the seeds;"
	@echo "               FUZZ_SEED=N replays"
	@echo "  make profile perf in the guest: where one migration direction spends"
	@echo "               its time, ours and test_hmm's (PROFILE_DIR=to-host|to-vram|first-touch|atomic)"
	@echo "  make check   checkpatch --strict, sparse, W=1 and kernel-doc on our code,"
	@echo "               what our documentation renders (and Sphinx builds), the"
	@echo "               IGT tests against IGT's headers (IGT_SRC=<igt tree>), the"
	@echo "               IGT compute path against NVIDIA's class headers"
	@echo "               (NV_CLASS_DOC=<open-gpu-doc>/classes/compute), the"
	@echo "               backend's MEM_OP fields against NVIDIA's host classes"
	@echo "               (NV_HOST_CLASSES=<open-gpu-kernel-modules 570.144+>/"
	@echo "               kernel-open/nvidia-uvm), then"
	@echo "               make kunit-uml and make series-check"
	@echo "  make series  the patch series for upstream, from the pinned base as"
	@echo "               patches/series.plan orders it, in build/series/patches"
	@echo "  make series-check  build it patch by patch (W=1, link, checkpatch);"
	@echo "               make check runs it"
	@echo "  make kunit-uml  upstream's KUnit tests of TTM, which patch 0030"
	@echo "               changes, on UML with kunit.py (the guest cannot run them)"
	@echo "  make kernel  only build the guest kernel and modules"
	@echo "  make tests   only build the test programs (needs the kernel)"
	@echo "  make clean   remove build/ (the caches in ~/.cache stay)"
	@echo "Options: DEBUG=1 (debug kernel), SUITES=..., HMM_ARGS=..., IGT_ARGS=...,"
	@echo "         FUZZ_SEED=..., NOUVEAU_SVM_DRIVER=nouveau (the IGT binaries on"
	@echo "         nouveau's path only: the nouveau suite)"

deps:
	@$(CI)/deps.sh

kernel: deps
	@$(LOCK) _kernel
tests: deps
	@$(LOCK) _tests
test: deps
	@$(LOCK) _test
demo: deps
	@$(LOCK) _demo
bench: deps
	@$(LOCK) _bench
fuzz: deps
	@$(LOCK) _fuzz
profile: deps
	@$(LOCK) _profile
check: deps
	@$(LOCK) _check
kunit-uml: deps
	@$(LOCK) _kunit_uml
series: deps
	@$(LOCK) _series
series-check: deps
	@$(LOCK) _series_check

_kernel:
	@$(CI)/build-kernel.sh $(addprefix $(CURDIR)/,$(FRAGMENTS))

_tests: _kernel
	@$(CI)/build-tests.sh

_test: _tests
	@rm -rf $(RESULTS); \
	 NVSVM_HMM_ARGS="$(HMM_ARGS)" NVSVM_IGT_ARGS="$(IGT_ARGS)" NVSVM_IGT="$(IGT)" \
	 NVSVM_FUZZ_SEED="$(FUZZ_SEED)" \
	 $(CI)/guest-run.sh -t $(GUEST_TIMEOUT) -o $(RESULTS) \
		$(CURDIR)/$(CI)/guest-suites.sh $(SUITES); rc=$$?; \
	 guest_failed=; [ $$rc -eq 3 ] && guest_failed=--guest-failed; \
	 $(CI)/summarize.py $(RESULTS) $(SUITES) $$guest_failed

_demo: _tests
	@rm -rf $(RESULTS)/demo; \
	 $(CI)/guest-run.sh -t 300 -o $(RESULTS)/demo \
		$(CURDIR)/$(CI)/guest-suites.sh demo; rc=$$?; \
	 cat $(RESULTS)/demo/demo.log 2>/dev/null; exit $$rc

# The benchmarks: one boot, the raw samples come back as bench-raw.json and
# the host makes the table (bench.md, bench.json) and the plots from them.
_bench: _tests
	@rm -rf $(BENCH); \
	 NVSVM_GUEST_MEM=$(BENCH_MEM) $(CI)/guest-run.sh -t $(BENCH_TIMEOUT) -o $(BENCH) \
		$(CURDIR)/$(CI)/guest-suites.sh bench; rc=$$?; \
	 if [ $$rc -ne 0 ] || [ ! -s $(BENCH)/bench-raw.json ]; then \
		tail -n 40 $(BENCH)/bench.log 2>/dev/null; \
		echo "bench: the guest run failed (exit $$rc)" >&2; exit 1; fi; \
	 cat $(BENCH)/bench.log; echo; $(CI)/bench-report.py $(BENCH)

# Profiles of one migration direction or of first touches, ours and
# test_hmm's, in one boot; for first touches and atomic round trips also
# ours stage by stage, from the tracepoints (.ci/profile-stages.py).
_profile: _tests
	@rm -rf $(PROFILE_OUT); \
	 NVSVM_PROFILE_DIR=$(PROFILE_DIR) NVSVM_PROFILE_ARGS="$(PROFILE_ARGS)" \
	 $(CI)/guest-run.sh -t 900 -o $(PROFILE_OUT) -a "$(PROFILE_BOOT_ARGS)" \
		$(CURDIR)/$(CI)/guest-suites.sh profile; rc=$$?; \
	 $(CI)/profile-symbolize.py $(PROFILE_OUT); \
	 for f in $(PROFILE_OUT)/profile-*-self.txt $(PROFILE_OUT)/profile-*-threads.txt; do \
		[ -f "$$f" ] || continue; echo "== $$(basename $$f)"; \
		grep -v -E '^(#|$$)' "$$f" | head -n 25; done; \
	 if [ -f $(PROFILE_OUT)/trace-ours.txt ]; then \
		echo "== profile-ours-stages.txt"; \
		$(CI)/profile-stages.py $(PROFILE_OUT)/trace-ours.txt \
			$(PROFILE_OUT)/profile-ours-stages.txt && \
		cat $(PROFILE_OUT)/profile-ours-stages.txt || \
		{ echo "profile: profile-stages.py failed" >&2; exit 1; }; fi; \
	 [ $$rc -eq 0 ] || { tail -n 20 $(PROFILE_OUT)/profile.log; \
		echo "profile: the guest run failed (exit $$rc)" >&2; exit 1; }

# The long fuzz: the guest's limit is the three runs plus boot and their
# checks.
_fuzz: _tests
	@rm -rf $(FUZZ_OUT); \
	 NVSVM_FUZZ_SECONDS=$(FUZZ_SECONDS) NVSVM_STRESS_SECONDS=$(STRESS_SECONDS) \
	 NVSVM_PRESSURE_SECONDS=$(PRESSURE_SECONDS) NVSVM_FUZZ_SEED="$(FUZZ_SEED)" \
	 $(CI)/guest-run.sh \
		-t $$(($(FUZZ_SECONDS) + $(STRESS_SECONDS) + $(PRESSURE_SECONDS) + 900)) \
		-o $(FUZZ_OUT) \
		$(CURDIR)/$(CI)/guest-suites.sh fuzz; rc=$$?; \
	 grep -v -E '^fuzz: [0-9]+ s, [0-9]+ ioctls$$' $(FUZZ_OUT)/fuzz.log 2>/dev/null; \
	 guest_failed=; [ $$rc -eq 3 ] && guest_failed=--guest-failed; \
	 $(CI)/summarize.py $(FUZZ_OUT) fuzz $$guest_failed

# All run whatever the others say; any failing fails the target.
_check: _kernel
	@rc=0; $(CI)/check.sh || rc=1; $(CI)/kunit-uml.sh || rc=1; \
	 { $(CI)/series.sh && $(CI)/series-check.sh; } || rc=1; exit $$rc

_series:
	@$(CI)/series.sh

# series.sh after the kernel, not beside it: both lay out build/src/linux.
_series_check: _kernel
	@$(CI)/series.sh && $(CI)/series-check.sh

_kunit_uml: _kernel
	@$(CI)/kunit-uml.sh

clean:
	rm -rf build
