// SPDX-License-Identifier: MIT
/*
 * svm-prof - the workload `make profile` records with perf in the guest:
 * one direction of a migration between system memory and device memory,
 * repeated, or the first touch of single pages, for ours (the simulated
 * GPU through SVM_BIND MIGRATE, or DRM_NVSIM_OP_READ) or for the peer
 * (test_hmm's HMM_DMIRROR_MIGRATE_TO_DEV / _TO_SYS, or HMM_DMIRROR_READ),
 * so that the two profiles can be laid side by side.
 *
 *   svm-prof ours|peer to-vram|to-host [--reps N] [--mib N] [--thp]
 *   svm-prof ours|peer first-touch|atomic [--reps N]
 *
 * Every repetition migrates a buffer of --mib MiB (default 64) to device
 * memory and back, and checks every word afterwards.  first-touch instead
 * reads --reps (there, default 8192) fresh 4 KiB buffers, each its own VMA,
 * one read each, all of them recorded: the latency of a single fault,
 * where the time goes between the threads that serve it.  atomic records
 * --reps (default 8192) round trips of one GPU atomic add to a word and a
 * CPU read of it (ours, with the simulated GPU's atomic window off, as
 * `make bench` measures them) or of HMM_DMIRROR_EXCLUSIVE and a CPU read
 * (the peer).  When the
 * environment names perf's control FIFOs (PERF_CTL_FIFO, PERF_ACK_FIFO:
 * `perf record -D -1 --control fifo:CTL,ACK`), only the chosen direction
 * is recorded: the program enables the events just before it and disables
 * them just after, and waits for perf's acknowledgement each time.  When
 * NVSVM_TRACING_ON names tracefs' tracing_on, the trace buffer records the
 * same part only, in the same way (`make profile`'s stage breakdown of
 * first-touch and atomic, .ci/profile-stages.py).  It prints the
 * throughput of both directions in GB/s, or the time of one read or round
 * trip.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "svm_plain.h"
#include <drm/drm.h>
#include <drm/nouveau_drm.h>
#include <drm/nouveau_svm_sim.h>
#include <lib/test_hmm_uapi.h>

#define HMM_DEV	"/dev/hmm_dmirror0"
#define PAGE	4096UL

static struct {
	bool peer, to_host, thp, first_touch, atomic;
	unsigned int reps;
	size_t size;
	int fd, ctl, ack, tracing;
	char *bounce;
} opt = { .reps = 8, .size = 64UL << 20, .ctl = -1, .ack = -1, .tracing = -1 };

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("svm-prof: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Tell perf to "enable" or "disable" its events, and wait until it has. */
static void perf_ctl(const char *cmd)
{
	char buf[16];

	if (opt.ctl < 0)
		return;
	if (write(opt.ctl, cmd, strlen(cmd)) != (ssize_t)strlen(cmd))
		die("perf control FIFO: %s", strerror(errno));
	if (read(opt.ack, buf, sizeof(buf)) <= 0)
		die("perf ack FIFO: %s", strerror(errno));
}

/* Start or stop recording: perf's events, and the trace buffer if asked. */
static void recording(bool on)
{
	if (opt.tracing >= 0 && write(opt.tracing, on ? "1\n" : "0\n", 2) != 2)
		die("tracing_on: %s", strerror(errno));
	perf_ctl(on ? "enable\n" : "disable\n");
}

static void ours_migrate(void *buf, bool to_vram)
{
	uint64_t target = to_vram ? NOUVEAU_SVM_BIND_TARGET__GPU_VRAM :
				    NOUVEAU_SVM_BIND_TARGET__HOST;
	uint64_t result = 0;
	int ret;

	ret = svm_plain_bind(opt.fd, NOUVEAU_SVM_BIND_COMMAND__MIGRATE, target,
			     (uintptr_t)buf, opt.size, &result);
	if (ret)
		die("SVM_BIND MIGRATE: %s", strerror(-ret));
	if (result != opt.size / PAGE)
		die("SVM_BIND MIGRATE: %llu pages of %zu",
		    (unsigned long long)result, opt.size / PAGE);
}

static void peer_migrate(void *buf, bool to_vram)
{
	struct hmm_dmirror_cmd cmd = {
		.addr = (uintptr_t)buf,
		.ptr = (uintptr_t)opt.bounce,
		.npages = opt.size / PAGE,
	};

	if (ioctl(opt.fd, to_vram ? HMM_DMIRROR_MIGRATE_TO_DEV :
				    HMM_DMIRROR_MIGRATE_TO_SYS, &cmd))
		die("HMM_DMIRROR_MIGRATE: %s", strerror(errno));
	/*
	 * test_hmm counts what it moved by entries, a THP as one: with --thp
	 * the words, which check() reads after each round trip, tell.
	 */
	if (opt.thp ? !cmd.cpages || cmd.cpages > opt.size / PAGE :
		      cmd.cpages != opt.size / PAGE)
		die("HMM_DMIRROR_MIGRATE: %llu pages of %zu",
		    (unsigned long long)cmd.cpages, opt.size / PAGE);
}

/* One direction, recorded when it is the one asked for; its time. */
static double migrate(void *buf, bool to_vram)
{
	bool record = to_vram != opt.to_host;
	double t;

	if (record)
		recording(true);
	t = now();
	if (opt.peer)
		peer_migrate(buf, to_vram);
	else
		ours_migrate(buf, to_vram);
	t = now() - t;
	if (record)
		recording(false);
	return t;
}

static void check(const uint64_t *w, uint64_t salt)
{
	for (size_t i = 0; i < opt.size / 8; i++)
		if (w[i] != (salt ^ i))
			die("word %zu is %#llx, not %#llx", i,
			    (unsigned long long)w[i], (unsigned long long)(salt ^ i));
}

static void *buffer(void)
{
	size_t align = 2UL << 20;
	char *p = mmap(NULL, opt.size + align, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	p = (char *)(((uintptr_t)p + align - 1) & ~(align - 1));
	if (madvise(p, opt.size, opt.thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		die("madvise: %s", strerror(errno));
	return p;
}

/* One GPU read of a fresh page, ours or the peer's. */
static void read_page(void *page)
{
	if (opt.peer) {
		struct hmm_dmirror_cmd cmd = {
			.addr = (uintptr_t)page, .ptr = (uintptr_t)opt.bounce, .npages = 1,
		};

		if (ioctl(opt.fd, HMM_DMIRROR_READ, &cmd) || cmd.cpages != 1)
			die("HMM_DMIRROR_READ: %s", strerror(errno));
	} else {
		struct drm_nvsim_cmd cmd = {
			.op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)page, .size = PAGE,
		};
		struct drm_nvsim_exec exec = { .cmds = (uintptr_t)&cmd, .count = 1 };

		if (ioctl(opt.fd, DRM_IOCTL_NVSIM_EXEC, &exec) || exec.status)
			die("EXEC: %s, status %d", strerror(errno), exec.status);
	}
}

/*
 * --reps fresh pages, each its own VMA (a PROT_NONE page between two), read
 * once each under perf; the time per read.
 */
static double first_touch(void)
{
	size_t len = 2 * PAGE * opt.reps;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	double t;

	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	for (unsigned int i = 0; i < opt.reps; i++)
		if (mprotect(p + (2 * i + 1) * PAGE, PAGE, PROT_NONE))
			die("mprotect: %s", strerror(errno));
	recording(true);
	t = now();
	for (unsigned int i = 0; i < opt.reps; i++)
		read_page(p + 2 * i * PAGE);
	t = now() - t;
	recording(false);
	munmap(p, len);
	return t / opt.reps;
}

#define WINDOW_PARAM	"/sys/module/nouveau_svm_sim/parameters/atomic_window_us"

/* Write @value to the module parameter @path; the old value, -1 if none. */
static long set_param(const char *path, long value)
{
	long old = -1;
	FILE *f = fopen(path, "r+");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &old) != 1 || fseek(f, 0, SEEK_SET) ||
	    fprintf(f, "%ld\n", value) < 0)
		old = -1;
	if (fclose(f))
		old = -1;
	return old;
}

/* One GPU atomic add to @word (ours) or an exclusive grant of it (peer). */
static void atomic_once(volatile uint64_t *word)
{
	if (opt.peer) {
		struct hmm_dmirror_cmd cmd = {
			.addr = (uintptr_t)word, .ptr = (uintptr_t)opt.bounce, .npages = 1,
		};

		if (ioctl(opt.fd, HMM_DMIRROR_EXCLUSIVE, &cmd))
			die("HMM_DMIRROR_EXCLUSIVE: %s", strerror(errno));
	} else {
		struct drm_nvsim_cmd cmd = {
			.op = DRM_NVSIM_OP_ATOMIC_ADD, .addr = (uintptr_t)word,
			.size = 8, .value = 1,
		};
		struct drm_nvsim_exec exec = { .cmds = (uintptr_t)&cmd, .count = 1 };

		if (ioctl(opt.fd, DRM_IOCTL_NVSIM_EXEC, &exec) || exec.status)
			die("EXEC: %s, status %d", strerror(errno), exec.status);
	}
}

/* --reps round trips of a GPU atomic and a CPU read under perf; the time of one. */
static double atomic_round_trips(void)
{
	volatile uint64_t *word = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long window = opt.peer ? -1 : set_param(WINDOW_PARAM, 0);
	uint64_t v = 0;
	double t;

	if (word == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	*word = 0;	/* a page of its own, not the zero page */
	recording(true);
	t = now();
	for (unsigned int i = 0; i < opt.reps; i++) {
		atomic_once(word);
		v = *word;	/* the CPU read: takes the page back */
	}
	t = now() - t;
	recording(false);
	if (window >= 0)
		set_param(WINDOW_PARAM, window);
	if (!opt.peer && v != opt.reps)
		die("GPU atomics: the word is %llu, not %u", (unsigned long long)v, opt.reps);
	munmap((void *)word, PAGE);
	return t / opt.reps;
}

static void open_device(void)
{
	struct drm_nouveau_svm_init init = {};

	if (opt.peer) {
		opt.fd = open(HMM_DEV, O_RDWR | O_CLOEXEC);
		opt.bounce = malloc(opt.first_touch || opt.atomic ? PAGE : opt.size);
		if (opt.fd < 0 || !opt.bounce)
			die("%s: %s", HMM_DEV, strerror(errno));
		return;
	}
	opt.fd = svm_open_sim();
	if (opt.fd < 0)
		die("no %s render node", SVM_SIM_DRIVER);
	if (ioctl(opt.fd, DRM_IOCTL_NOUVEAU_SVM_INIT, &init))
		die("SVM_INIT: %s", strerror(errno));
}

static void parse_args(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "ours") && strcmp(argv[1], "peer")) ||
	    (strcmp(argv[2], "to-vram") && strcmp(argv[2], "to-host") &&
	     strcmp(argv[2], "first-touch") && strcmp(argv[2], "atomic")))
		die("usage: svm-prof ours|peer to-vram|to-host|first-touch|atomic [--reps N] [--mib N] [--thp]");
	opt.peer = !strcmp(argv[1], "peer");
	opt.to_host = !strcmp(argv[2], "to-host");
	opt.first_touch = !strcmp(argv[2], "first-touch");
	opt.atomic = !strcmp(argv[2], "atomic");
	if (opt.first_touch || opt.atomic)
		opt.reps = 8192;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--thp"))
			opt.thp = true;
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			opt.reps = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--mib") && i + 1 < argc)
			opt.size = strtoul(argv[++i], NULL, 0) << 20;
		else
			die("unknown argument %s", argv[i]);
	}
	if (!opt.reps || !opt.size)
		die("--reps and --mib must be positive");
}

int main(int argc, char **argv)
{
	double t_to = 0, t_back = 0;
	uint64_t *w;

	parse_args(argc, argv);
	if (getenv("PERF_CTL_FIFO") && getenv("PERF_ACK_FIFO")) {
		opt.ctl = open(getenv("PERF_CTL_FIFO"), O_WRONLY | O_CLOEXEC);
		opt.ack = open(getenv("PERF_ACK_FIFO"), O_RDONLY | O_CLOEXEC);
		if (opt.ctl < 0 || opt.ack < 0)
			die("perf FIFOs: %s", strerror(errno));
	}
	if (getenv("NVSVM_TRACING_ON")) {
		opt.tracing = open(getenv("NVSVM_TRACING_ON"), O_WRONLY | O_CLOEXEC);
		if (opt.tracing < 0)
			die("%s: %s", getenv("NVSVM_TRACING_ON"), strerror(errno));
	}
	open_device();
	if (opt.atomic) {
		printf("%s atomic: %u round trips: %.1f us each\n",
		       opt.peer ? "peer" : "ours", opt.reps, atomic_round_trips() * 1e6);
		return 0;
	}
	if (opt.first_touch) {
		printf("%s first-touch: %u pages: %.1f us per read\n",
		       opt.peer ? "peer" : "ours", opt.reps, first_touch() * 1e6);
		return 0;
	}
	w = buffer();
	for (unsigned int r = 0; r < opt.reps; r++) {
		for (size_t i = 0; i < opt.size / 8; i++)
			w[i] = r ^ i;
		t_to += migrate(w, true);
		t_back += migrate(w, false);
		check(w, r);
	}
	printf("%s %s%s: %u x %zu MiB: to device %.3f GB/s, to host %.3f GB/s\n",
	       opt.peer ? "peer" : "ours", opt.to_host ? "to-host" : "to-vram",
	       opt.thp ? " thp" : "", opt.reps, opt.size >> 20,
	       opt.reps * opt.size / t_to / 1e9, opt.reps * opt.size / t_back / 1e9);
	return 0;
}
