// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * TEST: nouveau svm engine
 * Category: Core
 * Mega feature: SVM
 * Sub-category: Fault handling
 * Functionality: channels running side by side, fault batches that mix
 *	contexts and channels, duplicate faults, fault-ring overflow, GPU
 *	atomics kept exact only by revocation
 * Description: The nouveau SVM core against a GPU that runs several
 *	channels at once, as real ones do: the simulated GPU's runners take
 *	the jobs of several channels of one client or of several, their
 *	faults meet in one ring in no particular order, with duplicates, and
 *	overflow it; its atomics on system memory are a read-modify-write
 *	that only device-exclusive access keeps exact.  Needs the simulated
 *	GPU, with at least two runners where channels must run side by side.
 *
 * SUBTEST: exec-sync-owns-its-job
 * Description: A thread WAITs again and again for the number of the job
 *	another thread submits with a synchronous EXEC on the same file; the
 *	EXEC always collects its own job (no -ENOENT), the WAITs never.
 *
 * SUBTEST: channel-order
 * Description: The jobs of one channel run in submission order: a copy
 *	submitted after a write on the same channel copies what it wrote.
 *
 * SUBTEST: channels-side-by-side
 * Description: A short job on channel 1 ends while a long one on channel 0
 *	of the same client still runs.
 *
 * SUBTEST: channels-one-batch
 * Description: Four channels of one client fault on fresh memory at the
 *	same time: a fault batch holds faults of two or more of its channels,
 *	and every page ends as written.
 *
 * SUBTEST: clients-one-batch
 * Description: Two processes fault at the same time: a fault batch holds
 *	faults of both contexts, and each process's data is right.
 *
 * SUBTEST: duplicates-one-batch
 * Description: Commands of one job that touch one page while the first
 *	faults put duplicate faults of that page in one batch; the job ends
 *	and its results are right.
 *
 * SUBTEST: ring-overflow-refaults
 * Description: Four channels fault more pages at once than the fault ring
 *	holds: faults are dropped as on a GPU whose buffer overflows, the
 *	accesses fault again after the replay, and every copy ends right.
 *
 * SUBTEST: atomics-channels-and-cpu-exact
 * Description: GPU atomic adds from two channels and CPU atomic adds from
 *	two threads that keep adding while the GPU does, on one word of system
 *	memory: the total is exact.  The simulated GPU's atomic there is a
 *	read-modify-write that only device-exclusive access keeps atomic.
 *
 * SUBTEST: atomic-stale-fault-keeps-grant
 * Description: Four channels run GPU atomic adds on one word; their
 *	faults on it come in several batches, the later ones for a page the
 *	first already granted.  Such a stale fault must leave the grant in
 *	place: one grant per round, taken back only by the CPU's write that
 *	starts the next round, and the total exact.  Granting the page again
 *	would first take it from the GPU (make_device_exclusive() faults the
 *	device-exclusive entry back), so that every late fault of one
 *	channel revoked what another was using.
 *
 * SUBTEST: atomic-stale-fault-keeps-vram
 * Description: As atomic-stale-fault-keeps-grant, with ADVISE_ATOMIC
 *	MIGRATE: the first fault of each round moves the page to VRAM, and
 *	the late ones must not migrate the range again (which takes it off
 *	the GPU, MMU_NOTIFY_MIGRATE): two invalidations per round at most,
 *	the CPU's fault that takes the page back and the move to VRAM.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt.h"
#include "svm_device.h"

IGT_TEST_DESCRIPTION("The nouveau SVM core against a GPU that runs several channels at once.");

#define RUNNERS_PARAM	"/sys/module/nouveau_svm_sim/parameters/runners"
#define NCHANNELS	4
/* Rounds of concurrent work before a batch must have shown what is looked for. */
#define ROUNDS		20

static size_t ps;

static void *map_rw(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

/* A fresh client of the simulated GPU, SVM on. */
static int sim_client(void)
{
	int fd = svm_open();

	svm_require_sim(fd, "channels of the simulated GPU");
	svm_init(fd, 0, 0);
	return fd;
}

/* The simulated GPU's runners: how many channels run at once. */
static unsigned int sim_runners(void)
{
	unsigned int n = 0;
	FILE *f = fopen(RUNNERS_PARAM, "re");

	igt_require_f(f, "%s: %s\n", RUNNERS_PARAM, strerror(errno));
	igt_assert_eq(fscanf(f, "%u", &n), 1);
	fclose(f);
	return n;
}

/* One of the simulated GPU's own counters (&enum drm_nvsim_counter). */
static uint64_t sim_counter(int fd, unsigned int idx)
{
	uint64_t v[DRM_NVSIM_COUNTER_COUNT];
	uint32_t count = DRM_NVSIM_COUNTER_COUNT;

	igt_assert_eq(__svm_counters_ioctl(fd, v, &count, 0), 0);
	igt_assert_lt(idx, count);
	return v[idx];
}

static void set_wave(int fd, uint64_t pages)
{
	struct drm_nvsim_config c = {
		.param = DRM_NVSIM_PARAM_WAVE_PAGES,
		.value = pages,
	};

	igt_assert_eq(ioctl(fd, DRM_IOCTL_NVSIM_CONFIG, &c), 0);
}

/* Submit @n commands on @channel without waiting: the job's number. */
static uint64_t submit_on(int fd, uint32_t channel, struct drm_nvsim_cmd *cmds,
			  uint32_t n)
{
	struct drm_nvsim_exec ex = {
		.cmds = to_user_pointer(cmds),
		.count = n,
		.flags = DRM_NVSIM_EXEC_ASYNC,
		.channel = channel,
	};

	igt_assert_eq(__gpu_exec(fd, &ex), 0);
	return ex.seqno;
}

/* ------------------------------------------------------------------ */
/* Channels                                                            */
/* ------------------------------------------------------------------ */

static void channel_order(void)
{
	size_t size = 64 * ps;
	int fd = sim_client();
	char *a = map_rw(size), *b = map_rw(size);
	struct drm_nvsim_cmd w = gpu_cmd_write(a, size, 0x5100);
	struct drm_nvsim_cmd c = gpu_cmd_copy(b, a, size);
	uint64_t sw, sc;

	for (int round = 0; round < 8; round++) {
		w.value = 0x5100 + round;
		sw = submit_on(fd, 3, &w, 1);
		sc = submit_on(fd, 3, &c, 1);
		igt_assert_eq(gpu_wait(fd, sc), 0);
		igt_assert_eq(gpu_wait(fd, sw), 0);
		svm_assert_pattern(b, size, 0x5100 + round);
	}
	munmap(a, size);
	munmap(b, size);
	close(fd);
}

static void channels_side_by_side(void)
{
	enum { LONG_CMDS = 1024 };
	size_t size = 1ul << 20;
	static struct drm_nvsim_cmd reads[LONG_CMDS];
	struct drm_nvsim_cmd w;
	uint64_t slong, sshort, sum;
	int fd, status;
	char *buf, *one;

	igt_require_f(sim_runners() >= 2, "one runner: channels take turns\n");
	fd = sim_client();
	buf = map_rw(size);
	one = map_rw(ps);
	svm_pattern(buf, size, 0x51de);
	sum = svm_checksum(buf, size);
	/* Mapped before, so that the long job only reads: no fault, no replay. */
	igt_assert_eq(gpu_read(fd, buf, size, NULL), 0);

	for (int i = 0; i < LONG_CMDS; i++)
		reads[i] = gpu_cmd_read(buf, size);
	w = gpu_cmd_write(one, 8, 0x1);
	slong = submit_on(fd, 0, reads, LONG_CMDS);
	sshort = submit_on(fd, 1, &w, 1);

	igt_assert_eq(gpu_wait(fd, sshort), 0);
	igt_assert_eq_u64(*(volatile uint64_t *)one, 0x1);
	igt_assert_f(__gpu_wait(fd, slong, 0, &status) == -ETIME,
		     "the long job on channel 0 ended before the short one on channel 1\n");

	igt_assert_eq(gpu_wait(fd, slong), 0);
	for (int i = 0; i < LONG_CMDS; i++)
		igt_assert_eq_u64(reads[i].result, sum);
	munmap(buf, size);
	munmap(one, ps);
	close(fd);
}

/* Each of @n channels writes its own @size of fresh memory; checks it. */
static void write_fresh_on_channels(int fd, unsigned int n, size_t size,
				    uint64_t value)
{
	struct drm_nvsim_cmd cmds[NCHANNELS];
	uint64_t seq[NCHANNELS];
	char *buf[NCHANNELS];

	for (unsigned int i = 0; i < n; i++) {
		buf[i] = map_rw(size);
		cmds[i] = gpu_cmd_write(buf[i], size, value + (i << 20));
	}
	for (unsigned int i = 0; i < n; i++)
		seq[i] = submit_on(fd, i, &cmds[i], 1);
	for (unsigned int i = 0; i < n; i++)
		igt_assert_eq(gpu_wait(fd, seq[i]), 0);
	for (unsigned int i = 0; i < n; i++) {
		svm_assert_pattern(buf[i], size, value + (i << 20));
		munmap(buf[i], size);
	}
}

static void channels_one_batch(void)
{
	int fd, round;

	igt_require_f(sim_runners() >= 2, "one runner: channels take turns\n");
	fd = sim_client();
	for (round = 0; round < ROUNDS; round++) {
		write_fresh_on_channels(fd, NCHANNELS, 8ul << 20, round << 24);
		if (sim_counter(fd, DRM_NVSIM_COUNTER_CHANNEL_BATCHES))
			break;
	}
	igt_info("%d rounds, %" PRIu64 " batches with several channels\n",
		 round + 1, sim_counter(fd, DRM_NVSIM_COUNTER_CHANNEL_BATCHES));
	igt_assert_lt(round, ROUNDS);
	close(fd);
}

/* In a child: fault on fresh memory until a batch mixed contexts. */
static void mixed_client(int start)
{
	int fd = sim_client();
	int round;
	char go;

	igt_assert_eq(read(start, &go, 1), 1);
	for (round = 0; round < ROUNDS; round++) {
		write_fresh_on_channels(fd, 1, 8ul << 20, round << 24);
		if (sim_counter(fd, DRM_NVSIM_COUNTER_MIXED_BATCHES))
			break;
	}
	igt_info("pid %d: %d rounds, %" PRIu64 " mixed batches\n", getpid(),
		 round + 1, sim_counter(fd, DRM_NVSIM_COUNTER_MIXED_BATCHES));
	igt_assert_lt(round, ROUNDS);
	close(fd);
}

static void clients_one_batch(void)
{
	int fds[2];
	int fd;

	igt_require_f(sim_runners() >= 2, "one runner: clients take turns\n");
	fd = sim_client();
	close(fd);
	igt_assert_eq(pipe(fds), 0);
	igt_fork(child, 2)
		mixed_client(fds[0]);
	igt_assert_eq(write(fds[1], "gg", 2), 2);
	igt_waitchildren();
	close(fds[0]);
	close(fds[1]);
}

static void duplicates_one_batch(void)
{
	int fd = sim_client();
	uint64_t *p = map_rw(ps);
	struct drm_nvsim_cmd cmds[3];
	uint64_t before;

	/*
	 * The write faults; the accesses of the read and the add to the same
	 * page are in flight with it and fault into the same batch.
	 */
	cmds[0] = gpu_cmd_write(p, ps, 0xd00);
	cmds[1] = gpu_cmd_read(p, 8);
	cmds[2] = gpu_cmd_write(p + 8, 8, 0xd01);
	before = sim_counter(fd, DRM_NVSIM_COUNTER_DUPLICATE_FAULTS);
	igt_assert_eq(gpu_submit(fd, cmds, 3), 0);

	igt_assert_eq_u64(cmds[1].result, 0xd00);
	igt_assert_eq_u64(p[8], 0xd01);
	igt_assert_eq_u64(p[9], 0xd00 + 9);
	igt_assert_cmpu64(before + 2, <=, >,
			  sim_counter(fd, DRM_NVSIM_COUNTER_DUPLICATE_FAULTS));
	munmap(p, ps);
	close(fd);
}

static void ring_overflow_refaults(void)
{
	size_t size = 8ul << 20;
	struct drm_nvsim_cmd cmds[NCHANNELS];
	char *src[NCHANNELS], *dst[NCHANNELS];
	uint64_t seq[NCHANNELS];
	int fd, round;

	igt_require_f(sim_runners() >= 2, "one runner: channels take turns\n");
	fd = sim_client();
	/* 4 channels of 512-page waves of copies: 4096 faults at once. */
	set_wave(fd, 512);
	for (round = 0; round < ROUNDS; round++) {
		for (int i = 0; i < NCHANNELS; i++) {
			src[i] = map_rw(size);
			dst[i] = map_rw(size);
			svm_pattern(src[i], size, (round << 24) + (i << 20));
			cmds[i] = gpu_cmd_copy(dst[i], src[i], size);
		}
		for (int i = 0; i < NCHANNELS; i++)
			seq[i] = submit_on(fd, i, &cmds[i], 1);
		for (int i = 0; i < NCHANNELS; i++)
			igt_assert_eq(gpu_wait(fd, seq[i]), 0);
		for (int i = 0; i < NCHANNELS; i++) {
			svm_assert_pattern(dst[i], size, (round << 24) + (i << 20));
			munmap(src[i], size);
			munmap(dst[i], size);
		}
		if (sim_counter(fd, DRM_NVSIM_COUNTER_DROPPED_FAULTS))
			break;
	}
	igt_info("%d rounds, %" PRIu64 " faults dropped\n", round + 1,
		 sim_counter(fd, DRM_NVSIM_COUNTER_DROPPED_FAULTS));
	igt_assert_lt(round, ROUNDS);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Atomics                                                             */
/* ------------------------------------------------------------------ */

#define CPU_ADDERS	2
#define GPU_ADDS	1000

struct adder {
	pthread_t thread;
	uint64_t *word;
	uint64_t adds;
	bool *stop;
};

/* Add to the word until told to stop, so that the GPU's atomics meet CPU adds. */
static void *cpu_adder(void *data)
{
	struct adder *a = data;

	while (!__atomic_load_n(a->stop, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(a->word, 1, __ATOMIC_SEQ_CST);
		a->adds++;
	}
	return NULL;
}

static void atomics_channels_and_cpu_exact(void)
{
	/* Static: a failed assert must not leave threads on a dead stack. */
	static struct drm_nvsim_cmd adds[2][GPU_ADDS];
	static struct adder t[CPU_ADDERS];
	static bool stop;
	uint64_t *word, cpu = 0;
	uint64_t seq[2];
	int fd;

	fd = sim_client();
	svm_require_atomics(fd);
	word = map_rw(ps);
	*word = 0;
	for (int c = 0; c < 2; c++)
		for (int i = 0; i < GPU_ADDS; i++)
			adds[c][i] = gpu_cmd_atomic_add(word, 1);

	stop = false;
	for (int i = 0; i < CPU_ADDERS; i++) {
		t[i] = (struct adder){ .word = word, .stop = &stop };
		igt_assert_eq(pthread_create(&t[i].thread, NULL, cpu_adder, &t[i]), 0);
	}
	for (int c = 0; c < 2; c++)
		seq[c] = submit_on(fd, c, adds[c], GPU_ADDS);
	for (int c = 0; c < 2; c++)
		igt_assert_eq(gpu_wait(fd, seq[c]), 0);
	__atomic_store_n(&stop, true, __ATOMIC_RELEASE);
	for (int i = 0; i < CPU_ADDERS; i++) {
		igt_assert_eq(pthread_join(t[i].thread, NULL), 0);
		cpu += t[i].adds;
	}

	igt_info("%" PRIu64 " CPU adds, %d GPU adds, %" PRIu64 " revocations\n",
		 cpu, 2 * GPU_ADDS, svm_counters(fd).revocations);
	igt_assert_eq_u64(__atomic_load_n(word, __ATOMIC_SEQ_CST), cpu + 2 * GPU_ADDS);
	munmap(word, ps);
	close(fd);
}

#define GRANT_ROUNDS	50
#define GRANT_ADDS	8

/*
 * GRANT_ROUNDS rounds of GRANT_ADDS atomic adds on one word from each of
 * the channels, each round started by a CPU write; the counters' change.
 */
static struct svm_counters atomic_rounds(int fd, uint64_t *word)
{
	static struct drm_nvsim_cmd adds[NCHANNELS][GRANT_ADDS];
	struct svm_counters a, d;
	uint64_t seq[NCHANNELS], want;

	for (int c = 0; c < NCHANNELS; c++)
		for (int i = 0; i < GRANT_ADDS; i++)
			adds[c][i] = gpu_cmd_atomic_add(word, 1);

	a = svm_counters(fd);
	for (int round = 0; round < GRANT_ROUNDS; round++) {
		/* The CPU takes the page back: the GPU's next atomics fault. */
		want = round << 20;
		__atomic_store_n(word, want, __ATOMIC_SEQ_CST);
		for (int c = 0; c < NCHANNELS; c++)
			seq[c] = submit_on(fd, c, adds[c], GRANT_ADDS);
		for (int c = 0; c < NCHANNELS; c++)
			igt_assert_eq(gpu_wait(fd, seq[c]), 0);
		igt_assert_eq_u64(__atomic_load_n(word, __ATOMIC_SEQ_CST),
				  want + NCHANNELS * GRANT_ADDS);
	}
	d = svm_counters(fd);
	d = svm_counters_sub(&d, &a);
	igt_info("%d rounds: %" PRIu64 " atomic faults, %" PRIu64 " grants, %" PRIu64
		 " revocations, %" PRIu64 " invalidations, %" PRIu64 " pages to VRAM\n",
		 GRANT_ROUNDS, d.atomic_faults, d.exclusive_grants, d.revocations,
		 d.invalidations, d.pages_to_vram);
	return d;
}

/* Slack for what else may take the page away now and then (compaction). */
#define GRANT_SLACK	5

/* The rounds on a fresh page with the atomic @policy; the counters' change. */
static struct svm_counters atomic_rounds_policy(uint32_t policy)
{
	struct svm_counters d;
	uint64_t *word;
	int fd;

	igt_require_f(sim_runners() >= 2, "one runner: channels take turns\n");
	fd = sim_client();
	svm_require_atomics(fd);
	if (policy == NOUVEAU_SVM_ATOMIC__MIGRATE)
		svm_require_vram(fd);
	word = map_rw(ps);
	igt_assert_eq(__svm_advise_atomic(fd, word, ps, policy), 0);
	d = atomic_rounds(fd, word);
	munmap(word, ps);
	close(fd);
	return d;
}

static void atomic_stale_fault_keeps_grant(void)
{
	struct svm_counters d = atomic_rounds_policy(NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE);

	igt_assert_lte(d.exclusive_grants, GRANT_ROUNDS + GRANT_SLACK);
	igt_assert_lte(d.revocations, GRANT_ROUNDS + GRANT_SLACK);
}

static void atomic_stale_fault_keeps_vram(void)
{
	struct svm_counters d = atomic_rounds_policy(NOUVEAU_SVM_ATOMIC__MIGRATE);

	igt_assert_lte(d.pages_to_vram, GRANT_ROUNDS + GRANT_SLACK);
	igt_assert_lte(d.invalidations, 2 * GRANT_ROUNDS + GRANT_SLACK);
}

struct stealer {
	int fd;
	uint64_t seqno;
	bool stop;
	int stolen;
};

/* WAIT again and again for the job numbered s->seqno. */
static void *wait_stealer(void *arg)
{
	struct stealer *s = arg;
	int status;

	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE))
		if (!__gpu_wait(s->fd, __atomic_load_n(&s->seqno, __ATOMIC_ACQUIRE),
				1000000000, &status))
			s->stolen++;
	return NULL;
}

#define STEAL_ROUNDS 20

/*
 * A synchronous EXEC owns its job: another thread of the process WAITing
 * for the job's number on the same file must not collect it first (EXEC
 * would then answer -ENOENT, which it does not document).
 */
static void exec_sync_owns_its_job(void)
{
	static struct stealer s;
	struct drm_nvsim_cmd probe, read;
	size_t size = 4 << 20;
	pthread_t thread;
	uint64_t next;
	char *buf;
	int status;

	s = (struct stealer){ .fd = sim_client() };
	buf = map_rw(size);
	probe = gpu_cmd_write(buf, 8, 1);
	igt_assert_eq(pthread_create(&thread, NULL, wait_stealer, &s), 0);
	for (int i = 0; i < STEAL_ROUNDS; i++) {
		/* Numbers are handed out in order: the next job is next + 1. */
		next = gpu_submit_async(s.fd, &probe, 1);
		igt_assert_eq(gpu_wait(s.fd, next), 0);
		__atomic_store_n(&s.seqno, next + 1, __ATOMIC_RELEASE);
		/* Fresh pages each round: the job faults, and takes a while. */
		madvise(buf, size, MADV_DONTNEED);
		read = gpu_cmd_read(buf, size);
		igt_assert_eq(__gpu_submit(s.fd, &read, 1, &status), 0);
		igt_assert_eq(status, 0);
	}
	__atomic_store_n(&s.stop, true, __ATOMIC_RELEASE);
	igt_assert_eq(pthread_join(thread, NULL), 0);
	igt_assert_eq(s.stolen, 0);
	munmap(buf, size);
	close(s.fd);
}

igt_main
{
	igt_fixture
		ps = sysconf(_SC_PAGESIZE);

	igt_describe("No WAIT collects the job a synchronous EXEC waits for.");
	igt_subtest("exec-sync-owns-its-job")
		exec_sync_owns_its_job();

	igt_describe("The jobs of one channel run in submission order.");
	igt_subtest("channel-order")
		channel_order();

	igt_describe("A short job on one channel ends while a long one on another runs.");
	igt_subtest("channels-side-by-side")
		channels_side_by_side();

	igt_describe("A fault batch holds faults of several channels of one client.");
	igt_subtest("channels-one-batch")
		channels_one_batch();

	igt_describe("A fault batch holds faults of two processes.");
	igt_subtest("clients-one-batch")
		clients_one_batch();

	igt_describe("Faults of one page from commands in flight together share a batch.");
	igt_subtest("duplicates-one-batch")
		duplicates_one_batch();

	igt_describe("More faults at once than the ring holds: dropped, refaulted, all right.");
	igt_subtest("ring-overflow-refaults")
		ring_overflow_refaults();

	igt_describe("GPU atomics of two channels and CPU atomics on one word stay exact.");
	igt_subtest("atomics-channels-and-cpu-exact")
		atomics_channels_and_cpu_exact();

	igt_describe("A late fault on a page the GPU holds atomic access to leaves the grant.");
	igt_subtest("atomic-stale-fault-keeps-grant")
		atomic_stale_fault_keeps_grant();

	igt_describe("A late fault on a page the GPU holds in VRAM migrates nothing again.");
	igt_subtest("atomic-stale-fault-keeps-vram")
		atomic_stale_fault_keeps_vram();
}
