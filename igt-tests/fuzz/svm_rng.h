/* SPDX-License-Identifier: MIT */
/*
 * svm_rng.h - the fuzzer's and the stress run's random numbers: a
 * splitmix64 stream per thread, derived from the run's seed, so that a
 * printed seed replays a run.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef SVM_RNG_H
#define SVM_RNG_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

struct rng {
	uint64_t s;
};

static inline uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, @n), 0 for an empty range. */
static inline uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

/* True @pct times in a hundred. */
static inline bool chance(struct rng *r, unsigned int pct)
{
	return below(r, 100) < pct;
}

/* A new run's seed: twelve decimal digits, so that it is easy to retype. */
static inline uint64_t rng_fresh_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
		((uint64_t)getpid() << 40)) % 1000000000000ull;
}

#endif
