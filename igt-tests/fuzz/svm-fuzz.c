// SPDX-License-Identifier: MIT
/*
 * svm-fuzz - an ioctl fuzzer for nouveau SVM on the simulated GPU.
 *
 * Several threads send random and edge-valued arguments to every ioctl of
 * the simulated GPU's render node: GETPARAM, SVM_INIT, SVM_BIND (every
 * command and target, ranges aligned or not, empty, wrapping, in kernel
 * space, over the unmanaged window, with npages, stride, reserved and
 * header garbage) and the private uAPI (EXEC command lists of random ops,
 * sizes and addresses, WAIT, COUNTERS, CONFIG, INJECT), on a few shared
 * files and one file of each thread's own, which it closes and reopens
 * now and then with jobs and VRAM in flight.  Meanwhile another thread
 * munmaps, mmaps (private, shared, file-backed), mprotects, madvises
 * (DONTNEED) and truncates the buffers the commands point at, and forks
 * children that check that an inherited file answers -EPERM.
 *
 * Every answer is checked against a model of the documented argument
 * checks: where the arguments are wrong the errno must be one the uAPI
 * lists for that mistake, and where they are right it must be one the uAPI
 * lists for what can go wrong at run time (a job's status too).  Each
 * thread also checks, now and then, that the GPU reads, writes, copies and
 * atomics on its own stack and heap give exactly the right data while that
 * memory goes to VRAM and back.  At the end, with every file closed, the
 * process must still get a correct GPU read of a known buffer, its heap
 * must hold what it held, and the device's VRAM_USED must come back to
 * where it was.  The table of answers (errno counts per ioctl) is printed.
 *
 * Each run prints its seed; every thread's random numbers derive from it,
 * so `svm-fuzz --seed S --threads T` replays the same arguments (the
 * interleaving of the threads is the kernel's).  A failure prints the
 * thread, the ioctl and its arguments.
 *
 * Memory the GPU may write is kept inside an arena of this program's own,
 * mapped at a fixed address far from where the kernel places mappings, so
 * that a hole the fuzzer leaves there is never reused for something else.
 * GPU writes to wild addresses only go where nothing can be mapped (low
 * addresses, the arena's holes, kernel and non-canonical addresses); GPU
 * reads may go anywhere.  Copy-failure injection makes a CPU fault on a
 * page in VRAM fail (SIGBUS): it runs while no other thread runs, and the
 * live checks bring what they moved to VRAM back before they finish.
 *
 * Usage: svm-fuzz [--seed N] [--seconds N] [--iterations N] [--threads N]
 *   --seconds     how long to fuzz (default 20)
 *   --iterations  stop each thread after N actions (default: no limit)
 *   --threads     fuzzing threads (default 4), besides the mapping thread
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "svm_plain.h"
#include "svm_jobs.h"
#include "svm_rng.h"
#include <drm/drm.h>
#include <drm/nouveau_drm.h>
#include <drm/nouveau_svm_sim.h>

#define PAGE		4096ull
#define U64_MAX_	(~0ull)
#define MAX_THREADS	32

/* The arena: NSLOTS slots of SLOT bytes at a fixed address. */
#define SLOT		(8ull << 20)
#define NSLOTS		16
#define ARENA_SIZE	(NSLOTS * SLOT)
#define NBUF		8		/* slots 0..7: the buffers */
#define SLOT_NONE	8		/* PROT_NONE all along */
#define SLOT_HOLE	9		/* never mapped */
#define SLOT_WINDOW	10		/* two slots: shared[1]'s unmanaged window */
#define SLOT_THREAD	12		/* each thread's pages, then the RO page */
#define SLOT_GPU_END	SLOT_THREAD	/* wild GPU writes stay below */

/* A thread's pages in SLOT_THREAD: an edge page, a guard, a command page. */
#define TPAGES		4
#define RO_CMDS		8

#define NCMDS		DRM_NVSIM_MAX_CMDS
#define NPEND		32
#define LIVE_SIZE	(64u << 10)
#define STACK_WORDS	2048		/* 16 KiB */

static const struct {
	uint64_t off, size;
} bufdef[NBUF] = {
	{ 0, PAGE }, { 5 * PAGE, 3 * PAGE }, { 0, 64 << 10 }, { 0, 256 << 10 },
	{ 0, 1 << 20 }, { 0, 2 << 20 }, { 0, 4 << 20 },
	{ (2 << 20) - PAGE, (2 << 20) + 2 * PAGE },
};

/* ---- what an ioctl may answer ------------------------------------- */

enum { IOC_GETPARAM, IOC_SVM_INIT, IOC_SVM_BIND, IOC_EXEC, IOC_WAIT,
       IOC_COUNTERS, IOC_CONFIG, IOC_INJECT, IOC_OTHER, IOC_JOB, NIOC };

static const char *const ioc_name[NIOC] = {
	"GETPARAM", "SVM_INIT", "SVM_BIND", "NVSIM_EXEC", "NVSIM_WAIT",
	"NVSIM_COUNTERS", "NVSIM_CONFIG", "NVSIM_INJECT", "(unused nr)",
	"job status",
};

/* The errnos the uAPI documents, as bits of an answer mask; bit 0 is 0. */
static const int known_errno[] = {
	0, EINVAL, EFAULT, ENOENT, EPERM, EBUSY, EOVERFLOW, EOPNOTSUPP,
	ENOMEM, EIO, ETIME, EINTR, ENODEV,
};
#define NKNOWN	(sizeof(known_errno) / sizeof(known_errno[0]))
#define NERR	160	/* errno buckets of the table; the last is "other" */

static uint32_t bit(int err)
{
	for (unsigned int i = 0; i < NKNOWN; i++)
		if (known_errno[i] == err)
			return 1u << i;
	return 0;
}

#define OK	bit(0)
#define A(e)	bit(e)

static const char *errname(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ 0, "ok" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENOMEM, "ENOMEM" },
		{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { ENODEV, "ENODEV" },
		{ EINVAL, "EINVAL" }, { ENOTTY, "ENOTTY" }, { ETIME, "ETIME" },
		{ EOVERFLOW, "EOVERFLOW" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EAGAIN, "EAGAIN" }, { EACCES, "EACCES" },
	};
	static __thread char buf[16];

	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static void mask_names(uint32_t mask, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < NKNOWN && n < len; i++)
		if (mask & (1u << i))
			n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
				      errname(known_errno[i]));
}

/* ---- state -------------------------------------------------------- */

struct fz_fd {
	int fd;
	const char *name;
	atomic_bool inited;	/* set after the window below */
	uint64_t win_start, win_end;
};

struct pending {
	struct fz_fd *f;
	uint64_t seqno;
};

struct fz_thread {
	int idx;
	pthread_t th;
	struct rng rng;
	struct fz_fd priv;	/* this thread's own file; fd -1 when closed */
	uint64_t iters, ioctls, reopen_at;
	uint64_t cnt[NIOC][NERR];
	struct drm_nvsim_cmd *cmds;
	uint64_t *live;		/* LIVE_SIZE of heap, page aligned */
	uint64_t live_val;	/* live[i] == live_val + i between checks */
	struct pending pend[NPEND];
	int npend;
	uint64_t live_checks, injections, reopens;
	char last[512];		/* the operation in flight, for reports */
};

struct slot {
	uint64_t addr, size;
	int memfd;
	enum { B_UNMAPPED, B_ANON, B_SHANON, B_FILE, B_FILE_PRIV } backing;
	int prot;
	bool truncated;
};

static struct {
	uint64_t seed, seconds, iterations;
	unsigned int nthreads;
	uint64_t task_size;
	uint64_t caps, fb_size, vram_used0;
	int probe_fd;
	uint64_t arena;
	struct fz_fd shared[3];
	struct fz_thread thr[MAX_THREADS];
	struct slot slots[NBUF];
	struct drm_nvsim_cmd *ro_cmds;
	uint64_t maps[512][2];	/* the process's mappings, for wild reads */
	unsigned int nmaps;
	atomic_bool stop;
	atomic_uint failures;
	atomic_uint_fast64_t mangles, forks, eperm_checks;
	pthread_rwlock_t inject_lock;	/* write: an injection is armed */
	pthread_barrier_t start;
} G;

static void failf(struct fz_thread *t, const char *fmt, ...)
{
	unsigned int n = atomic_fetch_add(&G.failures, 1);
	va_list ap;

	if (n >= 30)
		return;
	fprintf(stderr, "fuzz: FAIL (seed %" PRIu64 ", thread %d, action %" PRIu64 "): ",
		G.seed, t ? t->idx : -1, t ? t->iters : 0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (t && t->last[0])
		fprintf(stderr, "fuzz:   while: %s\n", t->last);
}

static void note(struct fz_thread *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->last, sizeof(t->last), fmt, ap);
	va_end(ap);
}

static int do_ioctl(struct fz_thread *t, int ioc, int fd, unsigned long req, void *arg)
{
	int err = ioctl(fd, req, arg) ? errno : 0;

	if (t) {
		t->cnt[ioc][err < NERR - 1 ? err : NERR - 1]++;
		t->ioctls++;
	}
	return err;
}

/* Check an answer against the answers allowed; false if it is not one. */
static bool expect(struct fz_thread *t, int ioc, const char *fdname, int err, uint32_t allowed)
{
	char want[128];

	if (bit(err) & allowed)
		return true;
	mask_names(allowed, want, sizeof(want));
	failf(t, "%s on %s answered %s (%d), the uAPI allows %s", ioc_name[ioc], fdname,
	      errname(err), err, want);
	return false;
}

static void job_status(struct fz_thread *t, const char *fdname, int status)
{
	int err = -status;

	t->cnt[IOC_JOB][err >= 0 && err < NERR - 1 ? err : NERR - 1]++;
	if (status > 0 || !(bit(err) & (OK | A(EFAULT) | A(EIO))))
		failf(t, "a job on %s ended with status %d, the uAPI allows 0, -EFAULT, -EIO",
		      fdname, status);
}

/* ---- addresses ---------------------------------------------------- */

static uint64_t slot_addr(unsigned int slot)
{
	return G.arena + slot * SLOT;
}

static uint64_t buf_addr(unsigned int i)
{
	return slot_addr(i) + bufdef[i].off;
}

static uint64_t thread_page(int idx, unsigned int page)
{
	return slot_addr(SLOT_THREAD) + ((uint64_t)idx * TPAGES + page) * PAGE;
}

static uint64_t edge64(struct rng *r)
{
	const uint64_t v[] = {
		0, 1, 7, 8, PAGE - 1, PAGE, PAGE + 1, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ull, G.task_size - 8, G.task_size - PAGE,
		G.task_size, G.task_size + 1, G.task_size + PAGE, 1ull << 47,
		(1ull << 47) - PAGE, 1ull << 56, 0x8000000000000000ull,
		0xffff888000000000ull, 0xffffffff80000000ull, U64_MAX_ - PAGE,
		U64_MAX_ - PAGE + 1, U64_MAX_ & ~(PAGE - 1), U64_MAX_ - 7, U64_MAX_,
		G.arena, G.arena + ARENA_SIZE, slot_addr(SLOT_WINDOW),
	};

	if (chance(r, 15))
		return rnd(r);
	return v[below(r, sizeof(v) / sizeof(v[0]))];
}

/*
 * Addresses where nothing is or can be mapped, or that are not user ones;
 * with @write, none that the process might have mapped (the top of the
 * user address space may hold the main stack).
 */
static uint64_t void_addr(struct rng *r, bool write)
{
	switch (below(r, 7)) {
	case 0:
		return below(r, 0x10000) & ~7ull;	/* under mmap_min_addr */
	case 1:
		return slot_addr(SLOT_HOLE) + (below(r, SLOT) & ~7ull);
	case 2:
		return slot_addr(SLOT_NONE) + (below(r, SLOT) & ~7ull);
	case 3:
		return 0xffff888000000000ull + (below(r, 1ull << 40) & ~7ull);
	case 4:
		return write ? G.task_size : G.task_size - 8 * below(r, 4);
	case 5:
		return (1ull << 63) + (rnd(r) & ((1ull << 62) - 8));
	default:
		return U64_MAX_ - 7 - 8 * below(r, 16);
	}
}

/* An address of a buffer, of the arena's GPU part, or of the void. */
static uint64_t gpu_addr(struct rng *r, bool write)
{
	unsigned int i = below(r, NBUF);
	unsigned int p = below(r, 100);

	if (p < 78)
		return buf_addr(i) + (below(r, bufdef[i].size + 64) & ~7ull);
	if (p < 86)
		return G.arena + (below(r, SLOT_GPU_END * SLOT) & ~7ull);
	if (p < 94 || write)
		return void_addr(r, write);
	if (p < 97 && G.nmaps) {
		/* Anywhere in a mapping of the process (reads only). */
		unsigned int m = below(r, G.nmaps);

		return G.maps[m][0] + (below(r, G.maps[m][1] - G.maps[m][0]) & ~7ull);
	}
	return edge64(r);
}

static bool in_arena_gpu_part(uint64_t a, uint64_t size)
{
	return a >= G.arena && size <= SLOT_GPU_END * SLOT &&
	       a - G.arena <= SLOT_GPU_END * SLOT - size;
}

/* ---- models of the argument checks -------------------------------- */

static uint64_t round_up_page(uint64_t x)
{
	return (x + PAGE - 1) & ~(PAGE - 1);
}

static bool overlaps(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
	return s1 < e2 && s2 < e1;
}

/*
 * The errnos an SVM_BIND with these arguments may get for an argument
 * check (0: none applies), as the uAPI lists them ("SVM ioctl argument
 * checks"); [@ws, @we) is the file's unmanaged window.
 */
static uint32_t bind_arg_errors(const struct drm_nouveau_svm_bind *b, uint64_t ws, uint64_t we,
				uint64_t *start, uint64_t *end)
{
	uint32_t cmd = b->header & NOUVEAU_SVM_BIND_COMMAND_MASK;
	uint64_t target = (b->header >> NOUVEAU_SVM_BIND_TARGET_SHIFT) &
			  NOUVEAU_SVM_BIND_TARGET_MASK;
	uint32_t e = 0;

	if (b->reserved0 || b->reserved1)
		e |= A(EINVAL);
	if (b->header & ~NOUVEAU_SVM_BIND_VALID_MASK)
		e |= A(EINVAL);
	if (cmd == NOUVEAU_SVM_BIND_COMMAND__MIGRATE || cmd == NOUVEAU_SVM_BIND_COMMAND__PREFETCH) {
		if (target != NOUVEAU_SVM_BIND_TARGET__HOST &&
		    target != NOUVEAU_SVM_BIND_TARGET__GPU_VRAM)
			e |= A(EINVAL);
	} else if (cmd == NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC) {
		if (target < NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE ||
		    target > NOUVEAU_SVM_ATOMIC__REFUSE)
			e |= A(EINVAL);
	} else {
		e |= A(EINVAL);
	}
	if (b->stride)
		e |= A(EINVAL);
	if (b->va_end > (U64_MAX_ & ~(PAGE - 1)))
		return e | A(EOVERFLOW);
	*start = b->va_start & ~(PAGE - 1);
	*end = round_up_page(b->va_end);
	if (*start >= *end)
		return e | A(EINVAL);
	if (b->npages > (*end - *start) / PAGE)
		e |= A(EINVAL);
	if (*end > G.task_size)
		e |= A(EFAULT);
	if (overlaps(*start, *end, ws, we))
		e |= A(EINVAL);
	return e;
}

static bool range_ok(uint64_t addr, uint64_t size)
{
	return size <= G.task_size && addr <= G.task_size - size;
}

/* A command the EXEC checks let through (the uAPI's struct drm_nvsim_cmd). */
static bool cmd_ok(const struct drm_nvsim_cmd *c)
{
	bool atomic = c->op == DRM_NVSIM_OP_ATOMIC_ADD || c->op == DRM_NVSIM_OP_ATOMIC_CAS;

	if (c->op < DRM_NVSIM_OP_READ || c->op > DRM_NVSIM_OP_ATOMIC_CAS)
		return false;
	if (c->flags || c->addr % 8 || c->src % 8)
		return false;
	if (c->size < 8 || c->size > DRM_NVSIM_MAX_SIZE || c->size % 8 ||
	    (atomic && c->size != 8))
		return false;
	if (c->op != DRM_NVSIM_OP_COPY && c->src)
		return false;
	if (c->op != DRM_NVSIM_OP_ATOMIC_CAS && c->compare)
		return false;
	return range_ok(c->addr, c->size) && range_ok(c->src, c->size);
}

/* ---- the ioctls, one action each ---------------------------------- */

/* The file an action uses: the thread's own, or a shared one. */
static struct fz_fd *pick_fd(struct fz_thread *t)
{
	unsigned int p = below(&t->rng, 100);

	if (p < 40 && t->priv.fd >= 0)
		return &t->priv;
	if (p < 65)
		return &G.shared[0];
	if (p < 85)
		return &G.shared[1];
	return &G.shared[2];
}

/* The file's window, and whether it is known (shared[2] may get one any time). */
static bool fd_state(struct fz_fd *f, uint64_t *ws, uint64_t *we)
{
	bool inited = atomic_load(&f->inited);

	*ws = inited ? f->win_start : 0;
	*we = inited ? f->win_end : 0;
	return inited;
}

static bool fd_racy(struct fz_thread *t, struct fz_fd *f)
{
	return f != &t->priv && !atomic_load(&f->inited);
}

static void act_getparam(struct fz_thread *t)
{
	static const uint64_t valid[] = { NOUVEAU_GETPARAM_SVM_CAPS, NOUVEAU_GETPARAM_FB_SIZE,
					  NOUVEAU_GETPARAM_VRAM_USED,
					  NOUVEAU_GETPARAM_SVM_VRAM_USED };
	struct fz_fd *f = pick_fd(t);
	struct drm_nouveau_getparam gp = { .value = rnd(&t->rng) };
	bool ok;
	int err;

	if (chance(&t->rng, 60))
		gp.param = valid[below(&t->rng, 4)];
	else
		gp.param = chance(&t->rng, 50) ? below(&t->rng, 40) : edge64(&t->rng);
	ok = gp.param == NOUVEAU_GETPARAM_SVM_CAPS || gp.param == NOUVEAU_GETPARAM_FB_SIZE ||
	     gp.param == NOUVEAU_GETPARAM_VRAM_USED || gp.param == NOUVEAU_GETPARAM_SVM_VRAM_USED;
	note(t, "GETPARAM %s param=%#" PRIx64, f->name, (uint64_t)gp.param);
	err = do_ioctl(t, IOC_GETPARAM, f->fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp);
	if (!expect(t, IOC_GETPARAM, f->name, err, ok ? OK : A(EINVAL)) || err)
		return;
	if (gp.param == NOUVEAU_GETPARAM_SVM_CAPS && gp.value != G.caps)
		failf(t, "SVM_CAPS changed: %#" PRIx64 " then %#" PRIx64, G.caps,
		      (uint64_t)gp.value);
	if (gp.param == NOUVEAU_GETPARAM_FB_SIZE && gp.value != G.fb_size)
		failf(t, "FB_SIZE changed: %" PRIu64 " then %" PRIu64, G.fb_size,
		      (uint64_t)gp.value);
	if ((gp.param == NOUVEAU_GETPARAM_VRAM_USED ||
	     gp.param == NOUVEAU_GETPARAM_SVM_VRAM_USED) && gp.value > G.fb_size)
		failf(t, "%sVRAM_USED %" PRIu64 " above FB_SIZE %" PRIu64,
		      gp.param == NOUVEAU_GETPARAM_SVM_VRAM_USED ? "SVM_" : "",
		      (uint64_t)gp.value, G.fb_size);
}

static uint64_t window_value(struct rng *r, bool addr)
{
	unsigned int p = below(r, 100);

	if (p < 40)
		return 0;
	if (p < 70)
		return addr ? slot_addr(below(r, NSLOTS)) : SLOT * (1 + below(r, 2));
	if (p < 80)
		return (addr ? slot_addr(SLOT_WINDOW) : SLOT) + 8 * (1 + below(r, 511));
	return edge64(r);
}

static void act_svm_init(struct fz_thread *t)
{
	struct drm_nouveau_svm_init in;
	struct fz_fd *f;
	uint32_t allowed;
	uint64_t end;
	int err;

	/* shared[0] and [1] are set up by main: a second SVM_INIT is -EBUSY. */
	if (chance(&t->rng, 50))
		f = &G.shared[2];
	else if (chance(&t->rng, 60) && t->priv.fd >= 0)
		f = &t->priv;
	else
		f = &G.shared[below(&t->rng, 2)];
	in.unmanaged_addr = window_value(&t->rng, true);
	in.unmanaged_size = window_value(&t->rng, false);

	if (in.unmanaged_addr % PAGE || in.unmanaged_size % PAGE)
		allowed = A(EINVAL);
	else if (__builtin_add_overflow(in.unmanaged_addr, in.unmanaged_size, &end))
		allowed = A(EOVERFLOW);
	else if (end > G.task_size)
		allowed = A(EFAULT);
	else if (f == &t->priv)
		allowed = (t->priv.inited ? A(EBUSY) : OK) | A(ENOMEM);
	else
		allowed = (f->inited ? A(EBUSY) : OK | A(EBUSY)) | A(ENOMEM);

	note(t, "SVM_INIT %s unmanaged_addr=%#" PRIx64 " unmanaged_size=%#" PRIx64, f->name,
	     (uint64_t)in.unmanaged_addr, (uint64_t)in.unmanaged_size);
	err = do_ioctl(t, IOC_SVM_INIT, f->fd, DRM_IOCTL_NOUVEAU_SVM_INIT, &in);
	if (!expect(t, IOC_SVM_INIT, f->name, err, allowed) || err)
		return;
	f->win_start = in.unmanaged_size ? in.unmanaged_addr : 0;
	f->win_end = in.unmanaged_size ? in.unmanaged_addr + in.unmanaged_size : 0;
	atomic_store(&f->inited, true);
}

/* A range for SVM_BIND: mostly in the buffers, else anything odd. */
static void bind_range(struct fz_thread *t, struct drm_nouveau_svm_bind *b)
{
	struct rng *r = &t->rng;
	unsigned int i = below(r, NBUF);
	uint64_t s;

	switch (below(r, 20)) {
	case 0 ... 8:
		s = buf_addr(i) + (chance(r, 70) ? below(r, bufdef[i].size) & ~(PAGE - 1)
						  : below(r, bufdef[i].size));
		b->va_start = s;
		b->va_end = s + 1 + below(r, chance(r, 80) ? bufdef[i].size : 4 * SLOT);
		break;
	case 9:
		b->va_start = G.arena + below(r, ARENA_SIZE);
		b->va_end = b->va_start + below(r, ARENA_SIZE);
		break;
	case 10:
		b->va_start = G.arena;
		b->va_end = G.arena + ARENA_SIZE;
		break;
	case 11:
		/* Around, over or inside the unmanaged windows. */
		s = slot_addr(SLOT_WINDOW) + (below(r, 4 * SLOT) - SLOT);
		b->va_start = s;
		b->va_end = s + below(r, 3 * SLOT);
		break;
	case 12:
		b->va_start = void_addr(r, false);
		b->va_end = b->va_start + below(r, 1ull << 24);
		break;
	case 13:
		b->va_start = edge64(r);
		b->va_end = edge64(r);
		break;
	case 14:
		b->va_start = edge64(r);
		b->va_end = b->va_start + below(r, 1ull << 22);
		break;
	case 15:
		b->va_end = buf_addr(i);
		b->va_start = b->va_end + below(r, 3) * PAGE;	/* empty, reversed */
		break;
	case 16:
		b->va_start = buf_addr(i) + below(r, PAGE);	/* in one page */
		b->va_end = b->va_start + below(r, PAGE - (b->va_start % PAGE));
		break;
	case 17:
		b->va_start = t->priv.fd >= 0 ? (uint64_t)(uintptr_t)t->live : G.arena;
		b->va_end = b->va_start + LIVE_SIZE;
		break;
	default:
		/* Over all or much of the address space. */
		b->va_start = chance(r, 50) ? 0 : below(r, G.task_size);
		b->va_end = chance(r, 50) ? G.task_size : b->va_start + below(r, 1ull << 36);
		break;
	}
}

/*
 * Whether moving [start, end) to VRAM can only touch the arena's GPU part:
 * anything else (the heap, the stacks, the threads' own pages in the
 * arena) might be in VRAM when a copy failure is injected, and the
 * process would get a SIGBUS on its next touch.
 */
static bool vram_safe(uint64_t start, uint64_t end)
{
	uint64_t s = start & ~(PAGE - 1), e = round_up_page(end);

	if (e <= s)
		return true;
	if (s < 0x10000)
		s = 0x10000;
	if (e > G.task_size)
		e = G.task_size;
	if (s >= e)
		return true;
	return s >= G.arena && e <= G.arena + SLOT_GPU_END * SLOT;
}

static void bind_args(struct fz_thread *t, struct drm_nouveau_svm_bind *b)
{
	struct rng *r = &t->rng;
	uint64_t cmd, target, pages;

	memset(b, 0, sizeof(*b));
	bind_range(t, b);
	switch (below(r, 20)) {
	case 0 ... 7:
		cmd = NOUVEAU_SVM_BIND_COMMAND__MIGRATE;
		break;
	case 8 ... 11:
		cmd = NOUVEAU_SVM_BIND_COMMAND__PREFETCH;
		break;
	case 12 ... 16:
		cmd = NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC;
		break;
	default:
		cmd = below(r, 256);
		break;
	}
	if (cmd == NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC && chance(r, 85))
		target = 1 + below(r, 3);
	else if (chance(r, 90))
		target = chance(r, 50) ? NOUVEAU_SVM_BIND_TARGET__GPU_VRAM : 0;
	else
		target = chance(r, 50) ? below(r, 5) : rnd(r) & 0xffffffff;
	/* Only the arena may go to VRAM (see vram_safe()). */
	if (cmd != NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC && target && target != 1 &&
	    target != 2 && target != 3 && !vram_safe(b->va_start, b->va_end))
		target = 0;
	b->header = cmd << NOUVEAU_SVM_BIND_COMMAND_SHIFT |
		    target << NOUVEAU_SVM_BIND_TARGET_SHIFT;
	if (chance(r, 30))
		b->header |= below(r, 256) << NOUVEAU_SVM_BIND_PRIORITY_SHIFT;
	if (chance(r, 3))
		b->header |= rnd(r) & ~NOUVEAU_SVM_BIND_VALID_MASK;

	pages = (round_up_page(b->va_end) - (b->va_start & ~(PAGE - 1))) / PAGE;
	switch (below(r, 10)) {
	case 0 ... 5:
		break;
	case 6:
	case 7:
		b->npages = pages;
		break;
	case 8:
		b->npages = pages + 1;
		break;
	default:
		b->npages = edge64(r);
		break;
	}
	if (chance(r, 4))
		b->stride = chance(r, 50) ? 1 : rnd(r);
	if (chance(r, 3))
		b->reserved0 = rnd(r) | 1;
	if (chance(r, 3))
		b->reserved1 = rnd(r) | 1;
	b->result = rnd(r);
}

/* The runtime answers of an SVM_BIND whose arguments are right. */
static uint32_t bind_runtime(const struct drm_nouveau_svm_bind *b, bool inited, bool racy)
{
	uint32_t cmd = b->header & NOUVEAU_SVM_BIND_COMMAND_MASK;
	uint64_t target = (b->header >> NOUVEAU_SVM_BIND_TARGET_SHIFT) &
			  NOUVEAU_SVM_BIND_TARGET_MASK;
	bool vram = G.caps & NOUVEAU_SVM_CAP_MIGRATE_VRAM;
	uint32_t allowed;

	if (cmd == NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC)
		allowed = target == NOUVEAU_SVM_ATOMIC__MIGRATE && !vram ?
			  A(EOPNOTSUPP) : OK | A(ENOMEM);
	else if (target == NOUVEAU_SVM_BIND_TARGET__GPU_VRAM && !vram)
		allowed = A(EOPNOTSUPP);
	else
		allowed = OK | A(EFAULT) | A(EOPNOTSUPP) | A(ENOMEM) | A(EIO) | A(EBUSY);
	/* Before SVM_INIT, SVM_BIND is -EINVAL, as it always was. */
	if (!inited)
		return racy ? allowed | A(EINVAL) : A(EINVAL);
	return allowed;
}

static void check_bind_result(struct fz_thread *t, const char *fdname,
			      const struct drm_nouveau_svm_bind *b, uint64_t start, uint64_t end)
{
	uint32_t cmd = b->header & NOUVEAU_SVM_BIND_COMMAND_MASK;

	if (cmd == NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC) {
		if (b->result)
			failf(t, "ADVISE_ATOMIC on %s: result %" PRIu64 ", the uAPI says 0",
			      fdname, (uint64_t)b->result);
		return;
	}
	if (!b->result || b->result > (end - start) / PAGE)
		failf(t, "SVM_BIND on %s succeeded with result %" PRIu64 " for a range of %" PRIu64
		      " pages (must be 1 to the range)", fdname, (uint64_t)b->result,
		      (end - start) / PAGE);
}

static int bind_on(struct fz_thread *t, struct fz_fd *f, struct drm_nouveau_svm_bind *b)
{
	uint64_t ws, we, start = 0, end = 0;
	bool inited = fd_state(f, &ws, &we);
	bool racy = fd_racy(t, f);
	uint32_t allowed;
	int err;

	/*
	 * A file that another thread may be giving a window right now: that
	 * window may add -EINVAL to whatever the arguments get.
	 */
	allowed = bind_arg_errors(b, ws, we, &start, &end);
	if (!allowed)
		allowed = bind_runtime(b, inited, racy);
	if (racy)
		allowed |= A(EINVAL);
	note(t, "SVM_BIND %s header=%#" PRIx64 " va_start=%#" PRIx64 " va_end=%#" PRIx64
	     " npages=%#" PRIx64 " stride=%#" PRIx64 " reserved0=%#" PRIx64 " reserved1=%#" PRIx64,
	     f->name, (uint64_t)b->header, (uint64_t)b->va_start, (uint64_t)b->va_end,
	     (uint64_t)b->npages, (uint64_t)b->stride, (uint64_t)b->reserved0,
	     (uint64_t)b->reserved1);
	err = do_ioctl(t, IOC_SVM_BIND, f->fd, DRM_IOCTL_NOUVEAU_SVM_BIND, b);
	if (expect(t, IOC_SVM_BIND, f->name, err, allowed) && !err)
		check_bind_result(t, f->name, b, start, end);
	return err;
}

static void act_svm_bind(struct fz_thread *t)
{
	struct drm_nouveau_svm_bind b;

	bind_args(t, &b);
	bind_on(t, pick_fd(t), &b);
}

/* One random command; @cheap keeps it small (long command lists). */
static void gen_cmd(struct fz_thread *t, struct drm_nvsim_cmd *c, bool cheap)
{
	struct rng *r = &t->rng;
	unsigned int p;
	bool write;

	memset(c, 0, sizeof(*c));
	p = below(r, 100);
	if (p < 92 || cheap)
		c->op = DRM_NVSIM_OP_READ + below(r, 6);
	else
		c->op = chance(r, 50) ? below(r, 9) : (uint32_t)rnd(r);
	write = c->op != DRM_NVSIM_OP_READ;
	c->addr = gpu_addr(r, write);
	if (c->op == DRM_NVSIM_OP_ATOMIC_ADD || c->op == DRM_NVSIM_OP_ATOMIC_CAS) {
		c->size = 8;
	} else if (cheap) {
		c->size = 8 * (1 + below(r, 32));
	} else {
		p = below(r, 100);
		if (p < 70)
			c->size = 8 * (1 + below(r, 512));
		else if (p < 88)
			c->size = 8 * (1 + below(r, 8192));
		else if (p < 94 && in_arena_gpu_part(c->addr, 1))
			c->size = 8 * (1 + below(r, (4u << 20) / 8));
		else if (p < 96 && !in_arena_gpu_part(c->addr, 1) &&
			 !(c->addr >= G.arena && c->addr < G.arena + ARENA_SIZE))
			c->size = DRM_NVSIM_MAX_SIZE;	/* faults at once, or EINVAL */
		else
			c->size = 8 * (1 + below(r, 512));
	}
	/* A wild read stays small: it may land in a big mapping. */
	if (!in_arena_gpu_part(c->addr, 1) && c->size > (64u << 10) && c->size != DRM_NVSIM_MAX_SIZE)
		c->size = 64u << 10;
	/* Writes beyond the arena's GPU part only where nothing is mapped. */
	if (write && in_arena_gpu_part(c->addr, 1) && !in_arena_gpu_part(c->addr, c->size))
		c->size = (G.arena + SLOT_GPU_END * SLOT - c->addr) & ~7ull;
	if (c->op == DRM_NVSIM_OP_COPY)
		c->src = gpu_addr(r, false);
	if (c->op == DRM_NVSIM_OP_COPY && c->size > (64u << 10) &&
	    !in_arena_gpu_part(c->src, c->size))
		c->size = 64u << 10;
	if (c->op == DRM_NVSIM_OP_ATOMIC_CAS)
		c->compare = chance(r, 50) ? 0 : rnd(r);
	c->value = rnd(r);
	c->result = rnd(r);
	if (!c->size)
		c->size = 8;

	/* Garbage in one field now and then (rarely in long lists). */
	switch (below(r, cheap ? 4000 : 40)) {
	case 0:
		c->flags = 1u << below(r, 32);
		break;
	case 1:
		c->addr |= 1 + below(r, 7);
		break;
	case 2:
		c->size = chance(r, 50) ? below(r, 8) : c->size + 1 + below(r, 7);
		break;
	case 3:
		c->size = chance(r, 50) ? DRM_NVSIM_MAX_SIZE + 8 : edge64(r);
		break;
	case 4:
		c->src = rnd(r) | 8;
		break;
	case 5:
		c->compare = rnd(r) | 1;
		break;
	default:
		break;
	}
	/* Never a valid write outside the arena's GPU part and the void. */
	if (write && cmd_ok(c) && in_arena_gpu_part(c->addr, 1) &&
	    !in_arena_gpu_part(c->addr, c->size))
		c->size = DRM_NVSIM_MAX_SIZE + 8;
}

static void describe_cmds(char *buf, size_t len, const struct drm_nvsim_cmd *c, uint32_t n)
{
	size_t o = 0;

	for (uint32_t i = 0; i < n && i < 4 && o < len; i++)
		o += snprintf(buf + o, len - o,
			      " [op=%u flags=%#x addr=%#" PRIx64 " src=%#" PRIx64 " size=%#" PRIx64
			      " compare=%#" PRIx64 "]", c[i].op, c[i].flags, (uint64_t)c[i].addr,
			      (uint64_t)c[i].src, (uint64_t)c[i].size, (uint64_t)c[i].compare);
	if (n > 4 && o < len)
		snprintf(buf + o, len - o, " ...");
}

static void pend_add(struct fz_thread *t, struct fz_fd *f, uint64_t seqno);

/*
 * EXEC of @count commands at @cmds on @f; @readable: how many of them can
 * be read (count when all); @writable: whether their results can be
 * written back.  Returns the answer; a job submitted without ASYNC is
 * checked, one with ASYNC goes to the pending list (if @track).
 */
static int exec_on(struct fz_thread *t, struct fz_fd *f, struct drm_nvsim_exec *ex,
		   uint32_t readable, bool writable, bool track)
{
	const struct drm_nvsim_cmd *cmds = (const void *)(uintptr_t)ex->cmds;
	bool inited = atomic_load(&f->inited), racy = fd_racy(t, f);
	uint32_t allowed, cmd_errs = 0;
	char desc[400] = "";
	int err;

	if (ex->flags & ~DRM_NVSIM_EXEC_ASYNC || ex->channel >= DRM_NVSIM_CHANNELS || !ex->count ||
	    ex->count > DRM_NVSIM_MAX_CMDS) {
		allowed = A(EINVAL);
	} else if (!inited && !racy) {
		allowed = A(ENOENT);
	} else {
		if (readable < ex->count) {
			cmd_errs = A(EFAULT);
		} else {
			for (uint32_t i = 0; i < ex->count; i++)
				if (!cmd_ok(&cmds[i]))
					cmd_errs = A(EINVAL);
		}
		if (cmd_errs)
			allowed = cmd_errs;
		else if (writable || (ex->flags & DRM_NVSIM_EXEC_ASYNC))
			allowed = OK | A(ENOMEM) | A(EINTR);
		else
			allowed = A(EFAULT) | A(ENOMEM) | A(EINTR);
		if (racy)
			allowed |= A(ENOENT);
	}
	if (readable)
		describe_cmds(desc, sizeof(desc), cmds, readable < ex->count ? readable : ex->count);
	note(t, "NVSIM_EXEC %s cmds=%#" PRIx64 " count=%u flags=%#x channel=%u:%s", f->name,
	     (uint64_t)ex->cmds, ex->count, ex->flags, ex->channel, desc);
	err = do_ioctl(t, IOC_EXEC, f->fd, DRM_IOCTL_NVSIM_EXEC, ex);
	if (!expect(t, IOC_EXEC, f->name, err, allowed))
		return err;
	if (err == 0 && !(ex->flags & DRM_NVSIM_EXEC_ASYNC))
		job_status(t, f->name, ex->status);
	if (err == EFAULT && !cmd_errs)
		job_status(t, f->name, ex->status);	/* ran; results not written */
	if (err == 0 && (ex->flags & DRM_NVSIM_EXEC_ASYNC)) {
		if (!ex->seqno || ex->seqno > 0xffffffffull)
			failf(t, "async EXEC on %s gave seqno %" PRIu64, f->name,
			      (uint64_t)ex->seqno);
		else if (track)
			pend_add(t, f, ex->seqno);
	}
	return err;
}

static void act_exec(struct fz_thread *t)
{
	struct rng *r = &t->rng;
	struct fz_fd *f = pick_fd(t);
	struct drm_nvsim_exec ex = { 0 };
	struct drm_nvsim_cmd *cmds = t->cmds;
	uint32_t n = 1 + below(r, chance(r, 80) ? 4 : 16), readable;
	unsigned int p = below(r, 100);

	if (p < 85)
		ex.count = n;
	else if (p < 90)
		ex.count = 17 + below(r, NCMDS - 16);
	else if (p < 94)
		ex.count = 0;
	else if (p < 97)
		ex.count = NCMDS + 1;
	else
		ex.count = rnd(r);
	for (uint32_t i = 0; i < n || (i < ex.count && i < NCMDS); i++)
		gen_cmd(t, &cmds[i], i >= n);
	ex.cmds = (uintptr_t)cmds;
	readable = ex.count;
	ex.flags = chance(r, 40) ? DRM_NVSIM_EXEC_ASYNC : 0;
	if (chance(r, 3))
		ex.flags |= 1u << (1 + below(r, 31));
	/* Mostly a valid channel, so that the jobs of one file run side by side. */
	if (chance(r, 3))
		ex.channel = DRM_NVSIM_CHANNELS + below(r, 0xffff);
	else
		ex.channel = below(r, DRM_NVSIM_CHANNELS);

	p = below(r, 100);
	if (p < 2) {
		ex.cmds = 0;
		readable = 0;
	} else if (p < 4) {
		ex.cmds = void_addr(r, true);
		readable = 0;
	} else if (p < 7) {
		/* At the end of the edge page, before a PROT_NONE page. */
		uint32_t fit = 1 + below(r, 4);
		struct drm_nvsim_cmd *e = (void *)(uintptr_t)(thread_page(t->idx, 0) + PAGE -
							       fit * sizeof(*e));

		memcpy(e, cmds, fit * sizeof(*e));
		ex.cmds = (uintptr_t)e;
		readable = fit;
	}
	if (readable > ex.count)
		readable = ex.count;
	exec_on(t, f, &ex, readable, true, true);
}

/* EXEC from the read-only page: the job runs, its results cannot be written. */
static void act_exec_readonly(struct fz_thread *t)
{
	struct drm_nvsim_exec ex = {
		.cmds = (uintptr_t)G.ro_cmds,
		.count = 1 + below(&t->rng, RO_CMDS),
		.flags = chance(&t->rng, 50) ? DRM_NVSIM_EXEC_ASYNC : 0,
	};
	struct fz_fd *f = &t->priv;
	struct drm_nvsim_wait w = { .timeout_ns = 5000000000ll };
	int err;

	if (f->fd < 0 || !f->inited)
		return;
	err = exec_on(t, f, &ex, ex.count, false, false);
	if (err || !(ex.flags & DRM_NVSIM_EXEC_ASYNC))
		return;
	w.seqno = ex.seqno;
	for (int tries = 0; tries < 6; tries++) {
		note(t, "NVSIM_WAIT %s seqno=%" PRIu64 " (its commands are read-only)", f->name,
		     (uint64_t)w.seqno);
		err = do_ioctl(t, IOC_WAIT, f->fd, DRM_IOCTL_NVSIM_WAIT, &w);
		if (err != ETIME)
			break;
	}
	if (expect(t, IOC_WAIT, f->name, err, A(EFAULT) | A(ETIME)) && err == EFAULT)
		job_status(t, f->name, w.status);
}

/* EXEC from a page that is gone before WAIT writes the results back. */
static void act_exec_cmdpage(struct fz_thread *t)
{
	uint64_t page = thread_page(t->idx, 2);
	struct drm_nvsim_cmd *c = (void *)(uintptr_t)page;
	struct drm_nvsim_exec ex = { .cmds = page, .count = 1, .flags = DRM_NVSIM_EXEC_ASYNC };
	struct drm_nvsim_wait w = { .timeout_ns = 5000000000ll };
	struct fz_fd *f = &t->priv;
	int err;

	if (f->fd < 0 || !f->inited)
		return;
	if (mmap(c, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) == MAP_FAILED)
		return;
	*c = (struct drm_nvsim_cmd){
		.op = DRM_NVSIM_OP_READ,
		.addr = buf_addr(below(&t->rng, NBUF)),
		.size = 8 * (1 + below(&t->rng, 64)),
	};
	err = exec_on(t, f, &ex, 1, true, false);
	munmap(c, PAGE);
	if (err)
		return;
	w.seqno = ex.seqno;
	for (int tries = 0; tries < 6; tries++) {
		note(t, "NVSIM_WAIT %s seqno=%" PRIu64 " (its commands are unmapped)", f->name,
		     (uint64_t)w.seqno);
		err = do_ioctl(t, IOC_WAIT, f->fd, DRM_IOCTL_NVSIM_WAIT, &w);
		if (err != ETIME)
			break;
	}
	if (expect(t, IOC_WAIT, f->name, err, A(EFAULT) | A(ETIME)) && err == EFAULT) {
		job_status(t, f->name, w.status);
		/* Collected all the same. */
		w.timeout_ns = 0;
		err = do_ioctl(t, IOC_WAIT, f->fd, DRM_IOCTL_NVSIM_WAIT, &w);
		expect(t, IOC_WAIT, f->name, err, A(ENOENT));
	}
}

static void pend_drop(struct fz_thread *t, int i)
{
	t->pend[i] = t->pend[--t->npend];
}

static int wait_on(struct fz_thread *t, struct fz_fd *f, struct drm_nvsim_wait *w, bool mine)
{
	uint32_t allowed;
	int err;

	if (w->pad || w->timeout_ns < 0)
		allowed = A(EINVAL);
	else if (!atomic_load(&f->inited) && !fd_racy(t, f))
		allowed = A(ENOENT);
	else if (w->seqno > 0xffffffffull)
		allowed = A(ENOENT);
	else if (mine && f == &t->priv)
		allowed = OK | A(ETIME) | A(EINTR);
	else
		allowed = OK | A(ENOENT) | A(ETIME) | A(EINTR);
	note(t, "NVSIM_WAIT %s seqno=%" PRIu64 " timeout_ns=%" PRId64 " pad=%#x", f->name,
	     (uint64_t)w->seqno, (int64_t)w->timeout_ns, w->pad);
	err = do_ioctl(t, IOC_WAIT, f->fd, DRM_IOCTL_NVSIM_WAIT, w);
	if (expect(t, IOC_WAIT, f->name, err, allowed) && !err)
		job_status(t, f->name, w->status);
	return err;
}

static void pend_add(struct fz_thread *t, struct fz_fd *f, uint64_t seqno)
{
	if (t->npend == NPEND) {
		struct drm_nvsim_wait w = { .seqno = t->pend[0].seqno, .timeout_ns = 2000000000ll };

		wait_on(t, t->pend[0].f, &w, true);
		pend_drop(t, 0);
	}
	t->pend[t->npend++] = (struct pending){ .f = f, .seqno = seqno };
}

static void act_wait(struct fz_thread *t)
{
	struct rng *r = &t->rng;
	struct drm_nvsim_wait w = { 0 };
	struct fz_fd *f;
	bool mine = t->npend && chance(r, 70);
	int i = mine ? (int)below(r, t->npend) : -1;
	int err;

	if (mine) {
		f = t->pend[i].f;
		w.seqno = t->pend[i].seqno;
	} else {
		f = pick_fd(t);
		w.seqno = chance(r, 70) ? below(r, 2000) : edge64(r);
	}
	switch (below(r, 10)) {
	case 0 ... 4:
		w.timeout_ns = 0;
		break;
	case 5 ... 7:
		w.timeout_ns = below(r, 200000000);
		break;
	case 8:
		w.timeout_ns = chance(r, 50) ? -1 : (int64_t)(rnd(r) | (1ull << 63));
		break;
	default:
		w.timeout_ns = 1 + below(r, 1000);
		break;
	}
	if (chance(r, 3))
		w.pad = 1 + below(r, 100);
	err = wait_on(t, f, &w, mine);
	if (err == 0) {
		/* Whichever job that was, it is collected now. */
		for (int j = 0; j < t->npend; j++)
			if (t->pend[j].f == f && t->pend[j].seqno == w.seqno) {
				pend_drop(t, j);
				break;
			}
	} else if (mine && err == ENOENT) {
		pend_drop(t, i);
	}
}

static void act_counters(struct fz_thread *t)
{
	struct rng *r = &t->rng;
	struct fz_fd *f = pick_fd(t);
	uint64_t vals[64];
	struct drm_nvsim_counters c = { .values = (uintptr_t)vals };
	uint64_t room = sizeof(vals);	/* bytes writable at .values */
	bool racy = fd_racy(t, f);
	uint32_t allowed;
	uint64_t want;
	int err;

	switch (below(r, 10)) {
	case 0 ... 5:
		c.count = below(r, 64);
		break;
	case 6:
		c.count = DRM_NVSIM_COUNTER_COUNT;
		break;
	default:
		c.count = chance(r, 50) ? (uint32_t)rnd(r) : 0xffffffffu;
		break;
	}
	switch (below(r, 20)) {
	case 0:
		c.values = 0;
		room = 0;
		break;
	case 1:
		c.values = void_addr(r, true);
		room = 0;
		break;
	case 2:
		c.values = (uintptr_t)G.ro_cmds;
		room = 0;
		break;
	case 3:
		c.values = thread_page(t->idx, 0) + PAGE - 8 * below(r, 24);
		room = thread_page(t->idx, 0) + PAGE - c.values;
		break;
	default:
		break;
	}
	if (chance(r, 4))
		c.flags = 1u << below(r, 32);
	want = 8ull * (c.count < DRM_NVSIM_COUNTER_COUNT ? c.count : DRM_NVSIM_COUNTER_COUNT);

	if (c.flags)
		allowed = A(EINVAL);
	else if (!atomic_load(&f->inited) && !racy)
		allowed = A(ENOENT);
	else
		allowed = (want > room ? A(EFAULT) : OK) | (racy ? A(ENOENT) : 0);
	note(t, "NVSIM_COUNTERS %s values=%#" PRIx64 " count=%u flags=%#x", f->name,
	     (uint64_t)c.values, c.count, c.flags);
	err = do_ioctl(t, IOC_COUNTERS, f->fd, DRM_IOCTL_NVSIM_COUNTERS, &c);
	if (!expect(t, IOC_COUNTERS, f->name, err, allowed) || err)
		return;
	if (c.count != DRM_NVSIM_COUNTER_COUNT)
		failf(t, "COUNTERS on %s: count %u, this uAPI has %u", f->name, c.count,
		      DRM_NVSIM_COUNTER_COUNT);
	if (c.values == (uintptr_t)vals && want > 8 * DRM_NVSIM_COUNTER_VRAM_PAGES &&
	    vals[DRM_NVSIM_COUNTER_VRAM_PAGES] * PAGE > G.fb_size)
		failf(t, "COUNTERS on %s: %" PRIu64 " VRAM pages, more than the VRAM", f->name,
		      vals[DRM_NVSIM_COUNTER_VRAM_PAGES]);
}

static void act_config(struct fz_thread *t)
{
	struct rng *r = &t->rng;
	struct fz_fd *f = pick_fd(t);
	struct drm_nvsim_config c = {
		.param = chance(r, 85) ? DRM_NVSIM_PARAM_WAVE_PAGES :
			 (chance(r, 50) ? below(r, 4) : (uint32_t)rnd(r)),
		.pad = chance(r, 4) ? 1 + below(r, 9) : 0,
		.value = chance(r, 70) ? 1 + below(r, 512) : edge64(r),
	};
	bool ok = c.param == DRM_NVSIM_PARAM_WAVE_PAGES && !c.pad && c.value >= 1 &&
		  c.value <= 512;
	int err;

	note(t, "NVSIM_CONFIG %s param=%u pad=%#x value=%#" PRIx64, f->name, c.param, c.pad,
	     (uint64_t)c.value);
	err = do_ioctl(t, IOC_CONFIG, f->fd, DRM_IOCTL_NVSIM_CONFIG, &c);
	if (expect(t, IOC_CONFIG, f->name, err, ok ? OK : A(EINVAL)) && !err &&
	    (c.value < 1 || c.value > 512))
		failf(t, "CONFIG on %s: the old wave_pages was %" PRIu64, f->name,
		      (uint64_t)c.value);
}

static uint32_t inject_allowed(const struct drm_nvsim_inject *in)
{
	if (in->count > (1u << 20))
		return A(EINVAL);
	switch (in->what) {
	case DRM_NVSIM_INJECT_FAULT_OVERFLOW:
		return OK;
	case DRM_NVSIM_INJECT_COPY_FAIL:
	case DRM_NVSIM_INJECT_ALLOC_FAIL:
		return G.fb_size ? OK : A(EOPNOTSUPP);
	case DRM_NVSIM_INJECT_VRAM_TAKE:
		if (!G.fb_size)
			return A(EOPNOTSUPP);
		if (in->count > G.fb_size / (2u << 20))
			return A(EINVAL);
		/* SVM's chunks may be in the middle of a migration. */
		return OK | A(EBUSY);
	default:
		return A(EINVAL);
	}
}

static int inject(struct fz_thread *t, struct fz_fd *f, uint32_t what, uint32_t count)
{
	struct drm_nvsim_inject in = { .what = what, .count = count };
	int err;

	note(t, "NVSIM_INJECT %s what=%u count=%u", f->name, what, count);
	err = do_ioctl(t, IOC_INJECT, f->fd, DRM_IOCTL_NVSIM_INJECT, &in);
	expect(t, IOC_INJECT, f->name, err, inject_allowed(&in));
	return err;
}

/*
 * Arm an injection (garbage or real), do a little GPU work and migration
 * under it, disarm.  Nothing else runs meanwhile (see the header comment).
 */
static void act_inject(struct fz_thread *t)
{
	struct rng *r = &t->rng;
	struct fz_fd *f = pick_fd(t);
	uint32_t what, count;

	pthread_rwlock_unlock(&G.inject_lock);
	pthread_rwlock_wrlock(&G.inject_lock);
	t->injections++;
	if (chance(r, 30)) {
		what = chance(r, 50) ? below(r, 6) : (uint32_t)rnd(r);
		count = (uint32_t)edge64(r);
		/* A take that failed may have kept part of the VRAM. */
		if ((!inject(t, f, what, count) && count) || what == DRM_NVSIM_INJECT_VRAM_TAKE)
			inject(t, f, what, 0);
	} else {
		what = DRM_NVSIM_INJECT_FAULT_OVERFLOW + below(r, 4);
		count = what == DRM_NVSIM_INJECT_FAULT_OVERFLOW ? 1 + below(r, 32) :
			1 + below(r, 8);
		/* Another VRAM user takes some or all of it, evicting SVM's. */
		if (what == DRM_NVSIM_INJECT_VRAM_TAKE)
			count = below(r, G.fb_size / (2u << 20) + 1);
		if (!inject(t, f, what, count)) {
			for (unsigned int i = 1 + below(r, 4); i; i--) {
				if (chance(r, 50)) {
					act_svm_bind(t);
				} else {
					act_exec(t);
				}
			}
			inject(t, f, what, 0);
		} else if (what == DRM_NVSIM_INJECT_VRAM_TAKE) {
			inject(t, f, what, 0);
		}
	}
	pthread_rwlock_unlock(&G.inject_lock);
	pthread_rwlock_rdlock(&G.inject_lock);
}

/* An ioctl number the driver has no handler for. */
static void act_other(struct fz_thread *t)
{
	struct rng *r = &t->rng;
	struct fz_fd *f = pick_fd(t);
	static const unsigned int nrs[] = { 1, 2, 3, 4, 5, 6, 7, 0x0a, 0x10, 0x11, 0x12, 0x13,
					    0x3f, 0x45, 0x46, 0x50, 0x5f };
	unsigned int nr = nrs[below(r, sizeof(nrs) / sizeof(nrs[0]))];
	unsigned int size = 8 * (1 + below(r, 8));
	uint64_t arg[8];
	int err;

	for (int i = 0; i < 8; i++)
		arg[i] = rnd(r);
	note(t, "ioctl %s nr=%#x (no handler) size=%u", f->name, DRM_COMMAND_BASE + nr, size);
	err = do_ioctl(t, IOC_OTHER, f->fd, _IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE,
						  DRM_COMMAND_BASE + nr, size), arg);
	expect(t, IOC_OTHER, f->name, err, A(EINVAL));
}

/* Every ioctl with an argument pointer that cannot be read: -EFAULT. */
static void act_badptr(struct fz_thread *t)
{
	static const struct {
		int ioc;
		unsigned long req;
	} reqs[] = {
		{ IOC_GETPARAM, DRM_IOCTL_NOUVEAU_GETPARAM },
		{ IOC_SVM_INIT, DRM_IOCTL_NOUVEAU_SVM_INIT },
		{ IOC_SVM_BIND, DRM_IOCTL_NOUVEAU_SVM_BIND },
		{ IOC_EXEC, DRM_IOCTL_NVSIM_EXEC },
		{ IOC_WAIT, DRM_IOCTL_NVSIM_WAIT },
		{ IOC_COUNTERS, DRM_IOCTL_NVSIM_COUNTERS },
		{ IOC_CONFIG, DRM_IOCTL_NVSIM_CONFIG },
		{ IOC_INJECT, DRM_IOCTL_NVSIM_INJECT },
	};
	struct rng *r = &t->rng;
	struct fz_fd *f = pick_fd(t);
	unsigned int i = below(r, sizeof(reqs) / sizeof(reqs[0]));
	void *p = (void *)(uintptr_t)(chance(r, 50) ? 0 : void_addr(r, true));
	int err;

	note(t, "%s %s with its argument at %p", ioc_name[reqs[i].ioc], f->name, p);
	err = do_ioctl(t, reqs[i].ioc, f->fd, reqs[i].req, p);
	expect(t, reqs[i].ioc, f->name, err, A(EFAULT));
}

/* ---- live data: the thread's stack and heap through the GPU -------- */

static int gpu_sync(struct fz_thread *t, struct drm_nvsim_cmd *cmds, uint32_t n)
{
	struct drm_nvsim_exec ex = { .cmds = (uintptr_t)cmds, .count = n };
	int err;

	note(t, "NVSIM_EXEC %s (live check) op=%u addr=%#" PRIx64 " size=%#" PRIx64, t->priv.name,
	     cmds[0].op, (uint64_t)cmds[0].addr, (uint64_t)cmds[0].size);
	err = do_ioctl(t, IOC_EXEC, t->priv.fd, DRM_IOCTL_NVSIM_EXEC, &ex);
	if (!expect(t, IOC_EXEC, t->priv.name, err, OK | A(ENOMEM)) || err)
		return -1;
	t->cnt[IOC_JOB][ex.status <= 0 && -ex.status < NERR - 1 ? -ex.status : NERR - 1]++;
	if (ex.status) {
		failf(t, "a GPU job on the thread's own %s memory ended with status %d "
		      "(no fault there may be cancelled)", t->priv.name, ex.status);
		return -1;
	}
	return 0;
}

static void live_bind(struct fz_thread *t, uint64_t start, uint64_t size, uint64_t cmd,
		      uint64_t target)
{
	struct drm_nouveau_svm_bind b = {
		.header = cmd << NOUVEAU_SVM_BIND_COMMAND_SHIFT |
			  target << NOUVEAU_SVM_BIND_TARGET_SHIFT,
		.va_start = start,
		.va_end = start + size,
	};

	if (target == NOUVEAU_SVM_BIND_TARGET__GPU_VRAM && !G.fb_size)
		return;
	bind_on(t, &t->priv, &b);
}

/*
 * The GPU reads, writes, adds to, compares-and-swaps and copies @n words
 * at @w (the thread's own memory) while it moves to VRAM and back; every
 * answer must be exact.  @w ends holding @val + i.
 */
static void live_words(struct fz_thread *t, volatile uint64_t *w, size_t n, uint64_t val,
		       const char *what)
{
	struct rng *r = &t->rng;
	uint64_t a = (uintptr_t)w, size = n * 8, v2 = rnd(r), x = rnd(r);
	struct drm_nvsim_cmd c[2];
	uint64_t pstart = a & ~(PAGE - 1), pend = round_up_page(a + size);
	size_t half = n / 2, bad = 0;

	if (chance(r, 60))
		live_bind(t, a, size, chance(r, 50) ? NOUVEAU_SVM_BIND_COMMAND__MIGRATE :
			  NOUVEAU_SVM_BIND_COMMAND__PREFETCH, NOUVEAU_SVM_BIND_TARGET__GPU_VRAM);
	c[0] = (struct drm_nvsim_cmd){ .op = DRM_NVSIM_OP_READ, .addr = a, .size = size };
	if (gpu_sync(t, c, 1))
		goto out;
	if (c[0].result != svm_checksum_words(w, n)) {
		failf(t, "LOST DATA: GPU read of %s %#" PRIx64 "+%#" PRIx64 ": checksum %#" PRIx64
		      ", the CPU's %#" PRIx64, what, a, size, (uint64_t)c[0].result, svm_checksum_words(w, n));
		goto out;
	}

	c[0] = (struct drm_nvsim_cmd){ .op = DRM_NVSIM_OP_WRITE, .addr = a, .size = size,
				       .value = v2 };
	if (gpu_sync(t, c, 1))
		goto out;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (size_t i = 0; i < n; i++)
		bad += w[i] != v2 + i;
	if (bad) {
		failf(t, "LOST DATA: GPU write of %s %#" PRIx64 "+%#" PRIx64 ": %zu words wrong",
		      what, a, size, bad);
		goto out;
	}

	if (chance(r, 50))
		live_bind(t, a, size, NOUVEAU_SVM_BIND_COMMAND__MIGRATE,
			  chance(r, 50) ? NOUVEAU_SVM_BIND_TARGET__GPU_VRAM : 0);
	/* ADVISE_ATOMIC REFUSE may be on from the fuzzing: set the default. */
	live_bind(t, a, size, NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC,
		  chance(r, 70) ? NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE : NOUVEAU_SVM_ATOMIC__MIGRATE);
	c[0] = (struct drm_nvsim_cmd){ .op = DRM_NVSIM_OP_ATOMIC_ADD, .addr = a + 24, .size = 8,
				       .value = 5 };
	c[1] = (struct drm_nvsim_cmd){ .op = DRM_NVSIM_OP_ATOMIC_CAS, .addr = a + 32, .size = 8,
				       .value = x, .compare = v2 + 4 };
	if (gpu_sync(t, c, 2))
		goto out;
	if (c[0].result != v2 + 3 || c[1].result != v2 + 4 || w[3] != v2 + 3 + 5 || w[4] != x) {
		failf(t, "LOST DATA: GPU atomics on %s %#" PRIx64 ": old %#" PRIx64 "/%#" PRIx64
		      ", now %#" PRIx64 "/%#" PRIx64 ", want old %#" PRIx64 "/%#" PRIx64
		      " now %#" PRIx64 "/%#" PRIx64, what, a, (uint64_t)c[0].result,
		      (uint64_t)c[1].result, w[3], w[4], v2 + 3, v2 + 4, v2 + 8, x);
		goto out;
	}

	for (size_t i = 0; i < half; i++)
		w[i] = val + half + i;
	c[0] = (struct drm_nvsim_cmd){ .op = DRM_NVSIM_OP_COPY, .addr = a + half * 8, .src = a,
				       .size = half * 8 };
	if (gpu_sync(t, c, 1))
		goto out;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (size_t i = 0; i < n; i++)
		bad += w[i] != val + (i < half ? half + i : i);
	if (bad)
		failf(t, "LOST DATA: GPU copy within %s %#" PRIx64 "+%#" PRIx64 ": %zu words wrong",
		      what, a, size, bad);
out:
	for (size_t i = 0; i < n; i++)
		w[i] = val + i;
	/* Nothing of it may stay in VRAM (see vram_safe()). */
	live_bind(t, pstart, pend - pstart, NOUVEAU_SVM_BIND_COMMAND__MIGRATE, 0);
	for (uint64_t p = pstart; p < pend; p += PAGE)
		(void)*(volatile uint64_t *)(uintptr_t)p;
}

static void live_stack(struct fz_thread *t)
{
	volatile uint64_t w[STACK_WORDS];
	uint64_t val = rnd(&t->rng);

	for (size_t i = 0; i < STACK_WORDS; i++)
		w[i] = val + i;
	live_words(t, w, STACK_WORDS, val, "its stack");
	for (size_t i = 0; i < STACK_WORDS; i++)
		if (w[i] != val + i) {
			failf(t, "LOST DATA: stack word %zu is %#" PRIx64 ", was %#" PRIx64, i,
			      w[i], val + i);
			break;
		}
}

static void act_live(struct fz_thread *t)
{
	uint64_t heap = (uintptr_t)t->live, top = (uintptr_t)__builtin_frame_address(0);

	if (t->priv.fd < 0 || !t->priv.inited)
		return;
	/* The window would make the GPU's accesses fail: skip. */
	if (overlaps(heap & ~(PAGE - 1), heap + LIVE_SIZE, t->priv.win_start, t->priv.win_end) ||
	    overlaps(top - (1 << 20), top + (1 << 20), t->priv.win_start, t->priv.win_end))
		return;
	t->live_checks++;
	if (chance(&t->rng, 50)) {
		live_stack(t);
	} else {
		uint64_t val = rnd(&t->rng);

		for (size_t i = 0; i < LIVE_SIZE / 8; i++)
			t->live[i] = val + i;
		t->live_val = val;
		live_words(t, t->live, LIVE_SIZE / 8, val, "its heap");
	}
}

/* ---- the thread's own file ---------------------------------------- */

static void priv_open(struct fz_thread *t)
{
	struct rng *r = &t->rng;
	struct drm_nouveau_svm_init in = { 0 };
	int err;

	t->priv.fd = svm_open_sim();
	atomic_store(&t->priv.inited, false);
	t->priv.win_start = t->priv.win_end = 0;
	t->npend = 0;
	t->reopen_at = t->iters + 200 + below(r, 800);
	if (t->priv.fd < 0) {
		failf(t, "cannot open the simulated GPU again");
		return;
	}
	if (chance(r, 15))
		return;	/* left without SVM_INIT for a while */
	if (chance(r, 30)) {
		in.unmanaged_addr = slot_addr(SLOT_WINDOW + below(r, 2));
		in.unmanaged_size = SLOT;
	}
	note(t, "SVM_INIT %s unmanaged_addr=%#" PRIx64 " unmanaged_size=%#" PRIx64, t->priv.name,
	     (uint64_t)in.unmanaged_addr, (uint64_t)in.unmanaged_size);
	err = do_ioctl(t, IOC_SVM_INIT, t->priv.fd, DRM_IOCTL_NOUVEAU_SVM_INIT, &in);
	if (!expect(t, IOC_SVM_INIT, t->priv.name, err, OK | A(ENOMEM)) || err)
		return;
	t->priv.win_start = in.unmanaged_addr;
	t->priv.win_end = in.unmanaged_addr + in.unmanaged_size;
	atomic_store(&t->priv.inited, true);
}

/* Close the thread's file with whatever it has in flight, and open anew. */
static void priv_reopen(struct fz_thread *t)
{
	note(t, "close %s with %d jobs pending", t->priv.name, t->npend);
	for (int i = t->npend - 1; i >= 0; i--)
		if (t->pend[i].f == &t->priv)
			pend_drop(t, i);
	if (t->priv.fd >= 0)
		close(t->priv.fd);
	t->priv.fd = -1;
	t->reopens++;
	priv_open(t);
}

static void *fuzz_thread(void *arg)
{
	struct fz_thread *t = arg;
	struct rng *r = &t->rng;

	/* Everything this thread allocates, before the process's map is taken. */
	t->cmds = calloc(NCMDS, sizeof(*t->cmds));
	if (posix_memalign((void **)&t->live, PAGE, LIVE_SIZE))
		t->live = NULL;
	if (!t->cmds || !t->live) {
		failf(t, "out of memory");
		atomic_store(&G.stop, true);
	}
	if (t->live) {
		t->live_val = rnd(r);
		for (size_t i = 0; i < LIVE_SIZE / 8; i++)
			t->live[i] = t->live_val + i;
	}
	priv_open(t);
	/* Ready; then main takes the map of the process; then go. */
	pthread_barrier_wait(&G.start);
	pthread_barrier_wait(&G.start);

	while (!atomic_load(&G.stop) && (!G.iterations || t->iters < G.iterations)) {
		unsigned int p = below(r, 1000);

		/* Held for each action: an injection waits until none runs. */
		pthread_rwlock_rdlock(&G.inject_lock);
		t->iters++;
		if (t->iters >= t->reopen_at)
			priv_reopen(t);
		if (p < 280)
			act_svm_bind(t);
		else if (p < 580)
			act_exec(t);
		else if (p < 680)
			act_wait(t);
		else if (p < 720)
			act_getparam(t);
		else if (p < 770)
			act_counters(t);
		else if (p < 810)
			act_config(t);
		else if (p < 850)
			act_svm_init(t);
		else if (p < 870)
			act_inject(t);
		else if (p < 920)
			act_live(t);
		else if (p < 940)
			act_other(t);
		else if (p < 960)
			act_badptr(t);
		else if (p < 975)
			act_exec_readonly(t);
		else
			act_exec_cmdpage(t);
		pthread_rwlock_unlock(&G.inject_lock);
	}
	note(t, "done");
	if (t->priv.fd >= 0)
		close(t->priv.fd);
	t->priv.fd = -1;
	return NULL;
}

/* ---- the mapping thread ------------------------------------------- */

static void slot_touch(struct rng *r, struct slot *s)
{
	volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)s->addr;
	uint64_t v = rnd(r);

	if (s->backing == B_UNMAPPED || s->truncated || s->prot == PROT_NONE)
		return;
	for (uint64_t off = 0; off < s->size; off += PAGE) {
		if (s->prot & PROT_WRITE)
			w[off / 8] = v + off;
		else
			(void)w[off / 8];
	}
}

static void slot_map(struct rng *r, unsigned int i, int backing)
{
	struct slot *s = &G.slots[i];
	int flags = MAP_FIXED, fd = -1;
	void *p;

	switch (backing) {
	case B_ANON:
		flags |= MAP_PRIVATE | MAP_ANONYMOUS;
		break;
	case B_SHANON:
		flags |= MAP_SHARED | MAP_ANONYMOUS;
		break;
	default:
		if (ftruncate(s->memfd, s->size))
			return;
		fd = s->memfd;
		flags |= backing == B_FILE ? MAP_SHARED : MAP_PRIVATE;
		break;
	}
	p = mmap((void *)(uintptr_t)s->addr, s->size, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (p == MAP_FAILED) {
		failf(NULL, "mmap of buffer %u: %s", i, strerror(errno));
		return;
	}
	s->backing = backing;
	s->prot = PROT_READ | PROT_WRITE;
	s->truncated = false;
	if (backing == B_ANON && s->size >= (2u << 20) && chance(r, 50))
		madvise(p, s->size, MADV_HUGEPAGE);
	if (chance(r, 70))
		slot_touch(r, s);
}

/* A child of a file's process may read its counters, nothing else. */
static void mangle_fork(void)
{
	struct drm_nvsim_exec ex = { .cmds = (uintptr_t)G.ro_cmds, .count = 1 };
	struct drm_nouveau_svm_bind b = { .va_start = buf_addr(0), .va_end = buf_addr(0) + PAGE };
	struct drm_nvsim_wait w = { .seqno = 1 };
	uint64_t vals[DRM_NVSIM_COUNTER_COUNT];
	struct drm_nvsim_counters c = { .values = (uintptr_t)vals, .count = DRM_NVSIM_COUNTER_COUNT };
	int fd = G.shared[0].fd, status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return;
	if (!pid) {
		int bad = 0;

		if (!ioctl(fd, DRM_IOCTL_NVSIM_EXEC, &ex) || errno != EPERM)
			bad |= 1;
		if (!ioctl(fd, DRM_IOCTL_NOUVEAU_SVM_BIND, &b) || errno != EPERM)
			bad |= 2;
		if (!ioctl(fd, DRM_IOCTL_NVSIM_WAIT, &w) || errno != EPERM)
			bad |= 4;
		if (ioctl(fd, DRM_IOCTL_NVSIM_COUNTERS, &c))
			bad |= 8;
		_exit(bad);
	}
	atomic_fetch_add(&G.forks, 1);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		failf(NULL, "a child with an inherited file got wrong answers (status %#x: "
		      "1 EXEC, 2 SVM_BIND, 4 WAIT not -EPERM; 8 COUNTERS failed)", status);
	else
		atomic_fetch_add(&G.eperm_checks, 4);
}

static void *mangle_thread(void *arg)
{
	struct rng r = { .s = G.seed ^ 0x6d616e676c65ull };

	(void)arg;
	pthread_barrier_wait(&G.start);
	pthread_barrier_wait(&G.start);
	while (!atomic_load(&G.stop)) {
		unsigned int i = below(&r, NBUF);
		struct slot *s = &G.slots[i];
		uint64_t off, len;

		pthread_rwlock_rdlock(&G.inject_lock);
		switch (below(&r, 14)) {
		case 0:
			munmap((void *)(uintptr_t)s->addr, s->size);
			s->backing = B_UNMAPPED;
			break;
		case 1:
		case 2:
			slot_map(&r, i, B_ANON);
			break;
		case 3:
			slot_map(&r, i, B_SHANON);
			break;
		case 4:
			slot_map(&r, i, B_FILE);
			break;
		case 5:
			slot_map(&r, i, B_FILE_PRIV);
			break;
		case 6:
		case 7:
			if (s->backing == B_UNMAPPED)
				break;
			s->prot = (int[]){ PROT_READ, PROT_NONE, PROT_READ | PROT_WRITE }[below(&r, 3)];
			mprotect((void *)(uintptr_t)s->addr, s->size, s->prot);
			break;
		case 8:
		case 9:
			off = below(&r, s->size / PAGE) * PAGE;
			len = (1 + below(&r, (s->size - off) / PAGE)) * PAGE;
			madvise((void *)(uintptr_t)(s->addr + off), len, MADV_DONTNEED);
			break;
		case 10:
			if (s->backing != B_FILE && s->backing != B_FILE_PRIV)
				break;
			s->truncated = !s->truncated;
			if (ftruncate(s->memfd, s->truncated ? s->size / PAGE / 2 * PAGE : s->size))
				s->truncated = true;
			break;
		case 11:
		case 12:
			slot_touch(&r, s);
			break;
		default:
			if (chance(&r, 10))
				mangle_fork();
			break;
		}
		atomic_fetch_add(&G.mangles, 1);
		pthread_rwlock_unlock(&G.inject_lock);
		usleep(below(&r, 1500));
	}
	return NULL;
}

/* ---- setup, the end, the report ----------------------------------- */

static uint64_t getparam(int fd, uint64_t param, int *err)
{
	struct drm_nouveau_getparam gp = { .param = param };

	*err = ioctl(fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp) ? errno : 0;
	return gp.value;
}

static uint64_t detect_task_size(void)
{
	void *hint = (void *)(1ull << 50);
	void *p = mmap(hint, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);

	if (p != MAP_FAILED)
		munmap(p, PAGE);
	return p == hint ? (1ull << 56) - PAGE : (1ull << 47) - PAGE;
}

/* The arena, at a fixed address away from where mmap() places things. */
static int setup_arena(void)
{
	static const uint64_t where[] = { 0x300000000000ull, 0x310000000000ull,
					  0x320000000000ull, 0x200000000000ull };
	struct rng r = { .s = G.seed ^ 0x6172656e61ull };
	void *p = MAP_FAILED;

	for (unsigned int i = 0; i < 4 && p == MAP_FAILED; i++) {
		p = mmap((void *)(uintptr_t)where[i], ARENA_SIZE, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
		if (p != MAP_FAILED && p != (void *)(uintptr_t)where[i]) {
			munmap(p, ARENA_SIZE);
			p = MAP_FAILED;
		}
	}
	if (p == MAP_FAILED) {
		fprintf(stderr, "fuzz: cannot map the arena at a fixed address\n");
		return -1;
	}
	G.arena = (uintptr_t)p;
	munmap((void *)(uintptr_t)slot_addr(SLOT_HOLE), SLOT);
	mmap((void *)(uintptr_t)slot_addr(SLOT_WINDOW), 2 * SLOT, PROT_READ | PROT_WRITE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	for (unsigned int i = 0; i < NBUF; i++) {
		G.slots[i].addr = buf_addr(i);
		G.slots[i].size = bufdef[i].size;
		G.slots[i].memfd = memfd_create("svm-fuzz", MFD_CLOEXEC);
		if (G.slots[i].memfd < 0) {
			perror("fuzz: memfd_create");
			return -1;
		}
		slot_map(&r, i, B_ANON);
		slot_touch(&r, &G.slots[i]);
	}
	for (unsigned int t = 0; t < G.nthreads; t++) {
		mmap((void *)(uintptr_t)thread_page(t, 0), PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		memset((void *)(uintptr_t)thread_page(t, 0), 0, PAGE);
	}
	/* Valid commands on a read-only page: reads of the first buffer. */
	G.ro_cmds = mmap((void *)(uintptr_t)(slot_addr(SLOT_THREAD) + SLOT - PAGE), PAGE,
			 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	for (unsigned int i = 0; i < RO_CMDS; i++)
		G.ro_cmds[i] = (struct drm_nvsim_cmd){ .op = DRM_NVSIM_OP_READ,
						       .addr = buf_addr(0) + 8 * i, .size = 8 };
	mprotect(G.ro_cmds, PAGE, PROT_READ);
	return 0;
}

static void read_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	unsigned long long s, e;

	if (!f)
		return;
	while (G.nmaps < 512 && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx", &s, &e) == 2 && e > s)
			G.maps[G.nmaps][0] = s, G.maps[G.nmaps++][1] = e;
	fclose(f);
}

static int open_shared(void)
{
	struct drm_nouveau_svm_init in = { 0 };
	static const char *const names[] = { "shared file 0", "shared file 1 (window)",
					     "shared file 2" };

	for (int i = 0; i < 3; i++) {
		G.shared[i].fd = svm_open_sim();
		G.shared[i].name = names[i];
		if (G.shared[i].fd < 0)
			return -1;
	}
	if (ioctl(G.shared[0].fd, DRM_IOCTL_NOUVEAU_SVM_INIT, &in))
		return -1;
	atomic_store(&G.shared[0].inited, true);
	in.unmanaged_addr = slot_addr(SLOT_WINDOW);
	in.unmanaged_size = 2 * SLOT;
	if (ioctl(G.shared[1].fd, DRM_IOCTL_NOUVEAU_SVM_INIT, &in))
		return -1;
	G.shared[1].win_start = in.unmanaged_addr;
	G.shared[1].win_end = in.unmanaged_addr + in.unmanaged_size;
	atomic_store(&G.shared[1].inited, true);
	return 0;
}

/* After everything: a fresh file still reads a known buffer right. */
static int final_gpu_check(void)
{
	size_t n = (256u << 10) / 8;
	uint64_t *buf = aligned_alloc(PAGE, n * 8), sum;
	struct drm_nvsim_cmd c = { .op = DRM_NVSIM_OP_READ, .size = n * 8 };
	struct drm_nvsim_exec ex = { .cmds = (uintptr_t)&c, .count = 1 };
	struct drm_nouveau_svm_init in = { 0 };
	int fd = svm_open_sim(), ret = -1;
	uint64_t moved;

	if (fd < 0 || !buf || ioctl(fd, DRM_IOCTL_NOUVEAU_SVM_INIT, &in)) {
		fprintf(stderr, "fuzz: FAIL: cannot set up the final check: %s\n", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		buf[i] = 0x5eed000000000000ull ^ (G.seed + i * 0x9e3779b97f4a7c15ull);
	sum = svm_checksum_words(buf, n);
	c.addr = (uintptr_t)buf;
	for (int round = 0; round < 2; round++) {
		if (ioctl(fd, DRM_IOCTL_NVSIM_EXEC, &ex) || ex.status || c.result != sum) {
			fprintf(stderr, "fuzz: FAIL: GPU read of a known buffer%s: %s, status %d, "
				"checksum %#" PRIx64 " instead of %#" PRIx64 "\n",
				round ? " in VRAM" : "", strerror(errno), ex.status,
				(uint64_t)c.result, sum);
			goto out;
		}
		if (!G.fb_size)
			break;
		ret = svm_plain_bind(fd, NOUVEAU_SVM_BIND_COMMAND__MIGRATE,
				     NOUVEAU_SVM_BIND_TARGET__GPU_VRAM, c.addr, n * 8, &moved);
		if (ret || moved != n * 8 / PAGE) {
			fprintf(stderr, "fuzz: FAIL: MIGRATE of a known buffer to VRAM: %s, "
				"%" PRIu64 " pages of %" PRIu64 "\n", strerror(-ret),
				moved, (uint64_t)(n * 8 / PAGE));
			ret = -1;
			goto out;
		}
	}
	ret = 0;
	if (svm_checksum_words(buf, n) != sum) {
		fprintf(stderr, "fuzz: FAIL: LOST DATA: the known buffer changed in VRAM\n");
		ret = -1;
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

static int check_vram_released(void)
{
	uint64_t used = 0;
	int err = 0;

	for (int i = 0; i < 100; i++) {
		used = getparam(G.probe_fd, NOUVEAU_GETPARAM_VRAM_USED, &err);
		if (!err && used == G.vram_used0)
			return 0;
		usleep(100000);
	}
	fprintf(stderr, "fuzz: FAIL: VRAM_USED is %" PRIu64 " (%s) 10 s after every file closed, "
		"%" PRIu64 " before the run\n", used, errname(err), G.vram_used0);
	return -1;
}

static void print_table(uint64_t total[NIOC][NERR])
{
	bool col[NERR] = { false };
	uint64_t calls;

	for (int i = 0; i < NIOC; i++)
		for (int e = 0; e < NERR; e++)
			col[e] |= total[i][e] != 0;
	printf("fuzz: answers per ioctl (calls, then count per errno; \"job status\" is the "
	       "status of the jobs that ran)\n");
	printf("  %-15s %9s", "ioctl", "calls");
	for (int e = 0; e < NERR; e++)
		if (col[e])
			printf(" %10s", e == NERR - 1 ? "other" : errname(e));
	printf("\n");
	for (int i = 0; i < NIOC; i++) {
		calls = 0;
		for (int e = 0; e < NERR; e++)
			calls += total[i][e];
		printf("  %-15s %9" PRIu64, ioc_name[i], calls);
		for (int e = 0; e < NERR; e++)
			if (col[e])
				printf(" %10" PRIu64, total[i][e]);
		printf("\n");
	}
}

static void crash(int sig, siginfo_t *si, void *uc)
{
	char buf[700];
	int n;

	(void)uc;
	svm_sim_disarm(G.probe_fd);
	n = snprintf(buf, sizeof(buf), "fuzz: FATAL: signal %d at address %p (seed %" PRIu64
		     ", %u threads); in flight:\n", sig, si->si_addr, G.seed, G.nthreads);
	if (write(2, buf, n) < 0)
		_exit(2);
	for (unsigned int i = 0; i < G.nthreads; i++) {
		n = snprintf(buf, sizeof(buf), "fuzz:   thread %u: %s\n", i, G.thr[i].last);
		if (write(2, buf, n) < 0)
			break;
	}
	n = snprintf(buf, sizeof(buf), "fuzz: 0 ioctls, %u threads, seed %" PRIu64
		     ": FAIL (signal %d)\n", G.nthreads, G.seed, sig);
	if (write(1, buf, n) < 0)
		_exit(2);
	_exit(2);
}

static uint64_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void usage(void)
{
	fprintf(stderr, "usage: svm-fuzz [--seed N] [--seconds N] [--iterations N] [--threads N]\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	G.seed = rng_fresh_seed();
	G.seconds = 20;
	G.nthreads = 4;
	for (int i = 1; i < argc; i++) {
		uint64_t v;

		if (!svm_opt_number(argc, argv, i, &v))
			usage();
		if (!strcmp(argv[i], "--seed"))
			G.seed = v;
		else if (!strcmp(argv[i], "--seconds"))
			G.seconds = v;
		else if (!strcmp(argv[i], "--iterations"))
			G.iterations = v;
		else if (!strcmp(argv[i], "--threads"))
			G.nthreads = v;
		else
			usage();
		i++;
	}
	if (!G.nthreads || G.nthreads > MAX_THREADS)
		usage();
}

int main(int argc, char **argv)
{
	static uint64_t total[NIOC][NERR];
	struct sigaction sa = { .sa_sigaction = crash, .sa_flags = SA_SIGINFO };
	pthread_rwlockattr_t rwa;
	pthread_t mangler;
	uint64_t t0, ioctls = 0, iters = 0, live = 0, inj = 0, reopens = 0, last_report;
	int err, ok;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("fuzz: seed %" PRIu64 ", %u threads, %" PRIu64 " s%s (reproduce: svm-fuzz --seed %"
	       PRIu64 " --threads %u)\n", G.seed, G.nthreads, G.seconds,
	       G.iterations ? ", bounded iterations" : "", G.seed, G.nthreads);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	G.probe_fd = svm_open_sim();
	if (G.probe_fd < 0) {
		printf("fuzz: 0 ioctls, %u threads, seed %" PRIu64 ": FAIL (no simulated GPU)\n",
		       G.nthreads, G.seed);
		return 1;
	}
	svm_sim_disarm(G.probe_fd);	/* what a killed run may have left */
	G.caps = getparam(G.probe_fd, NOUVEAU_GETPARAM_SVM_CAPS, &err);
	G.fb_size = getparam(G.probe_fd, NOUVEAU_GETPARAM_FB_SIZE, &err);
	G.vram_used0 = getparam(G.probe_fd, NOUVEAU_GETPARAM_VRAM_USED, &err);
	G.task_size = detect_task_size();
	printf("fuzz: caps %#" PRIx64 ", VRAM %" PRIu64 " MiB (%" PRIu64 " bytes used), user "
	       "address limit %#" PRIx64 "\n", G.caps, G.fb_size >> 20, G.vram_used0, G.task_size);
	if (!(G.caps & NOUVEAU_SVM_CAP_MIRROR) || setup_arena() || open_shared()) {
		printf("fuzz: 0 ioctls, %u threads, seed %" PRIu64 ": FAIL (cannot set up: %s)\n",
		       G.nthreads, G.seed, strerror(errno));
		return 1;
	}
	printf("fuzz: arena at %#" PRIx64 "\n", G.arena);

	pthread_rwlockattr_init(&rwa);
	pthread_rwlockattr_setkind_np(&rwa, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&G.inject_lock, &rwa);
	pthread_barrier_init(&G.start, NULL, G.nthreads + 2);
	for (unsigned int i = 0; i < G.nthreads; i++) {
		struct fz_thread *t = &G.thr[i];
		static char names[MAX_THREADS][24];

		t->idx = i;
		t->rng.s = G.seed * 0x100000001b3ull + (i + 1) * 0x9e3779b97f4a7c15ull;
		snprintf(names[i], sizeof(names[i]), "thread %u's file", i);
		t->priv.name = names[i];
		t->priv.fd = -1;
		pthread_create(&t->th, NULL, fuzz_thread, t);
	}
	pthread_create(&mangler, NULL, mangle_thread, NULL);
	/* Every thread has allocated what it needs: the map holds it. */
	pthread_barrier_wait(&G.start);
	read_maps();
	pthread_barrier_wait(&G.start);

	t0 = last_report = now_s();
	while (!atomic_load(&G.stop) && now_s() - t0 < G.seconds) {
		bool all_done = G.iterations != 0;

		usleep(100000);
		for (unsigned int i = 0; i < G.nthreads; i++)
			all_done &= G.thr[i].iters >= G.iterations;
		if (all_done)
			break;
		if (now_s() - last_report >= 5) {
			uint64_t n = 0;

			for (unsigned int i = 0; i < G.nthreads; i++)
				n += G.thr[i].ioctls;
			last_report = now_s();
			printf("fuzz: %" PRIu64 " s, %" PRIu64 " ioctls\n", last_report - t0, n);
		}
	}
	atomic_store(&G.stop, true);
	for (unsigned int i = 0; i < G.nthreads; i++) {
		struct timespec dl;

		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += 60;
		if (pthread_timedjoin_np(G.thr[i].th, NULL, &dl)) {
			fprintf(stderr, "fuzz: FAIL: thread %u is stuck 60 s after the end in: %s\n",
				i, G.thr[i].last);
			printf("fuzz: ? ioctls, %u threads, seed %" PRIu64 ": FAIL (a thread hangs)\n",
			       G.nthreads, G.seed);
			fflush(stdout);
			_exit(1);
		}
	}
	pthread_join(mangler, NULL);

	for (unsigned int i = 0; i < G.nthreads; i++) {
		struct fz_thread *t = &G.thr[i];

		for (int k = 0; k < NIOC; k++)
			for (int e = 0; e < NERR; e++)
				total[k][e] += t->cnt[k][e];
		ioctls += t->ioctls;
		iters += t->iters;
		live += t->live_checks;
		inj += t->injections;
		reopens += t->reopens;
	}

	/* Disarm whatever may be left, close every file, check what must hold. */
	svm_sim_disarm(G.probe_fd);
	for (int i = 0; i < 3; i++)
		close(G.shared[i].fd);
	for (unsigned int i = 0; i < G.nthreads; i++) {
		struct fz_thread *t = &G.thr[i];

		for (size_t k = 0; t->live && k < LIVE_SIZE / 8; k++)
			if (t->live[k] != t->live_val + k) {
				failf(t, "LOST DATA: heap word %zu is %#" PRIx64 ", was %#" PRIx64
				      " (after every file closed)", k, t->live[k], t->live_val + k);
				break;
			}
	}
	/* VRAM first, so that the final check finds it free. */
	if (check_vram_released())
		atomic_fetch_add(&G.failures, 1);
	if (final_gpu_check() || check_vram_released())
		atomic_fetch_add(&G.failures, 1);
	close(G.probe_fd);

	print_table(total);
	printf("fuzz: %" PRIu64 " actions; %" PRIu64 " live-data checks, %" PRIu64 " injections, "
	       "%" PRIu64 " reopened files; mapping thread: %" PRIu64 " changes, %" PRIu64
	       " forks (%" PRIu64 " -EPERM checks)\n", iters, live, inj, reopens,
	       (uint64_t)G.mangles, (uint64_t)G.forks, (uint64_t)G.eperm_checks);
	ok = !atomic_load(&G.failures);
	if (ok)
		printf("fuzz: %" PRIu64 " ioctls, %u threads, seed %" PRIu64 ": ok\n", ioctls,
		       G.nthreads, G.seed);
	else
		printf("fuzz: %" PRIu64 " ioctls, %u threads, seed %" PRIu64 ": FAIL (%u problems, "
		       "see above)\n", ioctls, G.nthreads, G.seed, atomic_load(&G.failures));
	return ok ? 0 : 1;
}
