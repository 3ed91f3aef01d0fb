/*
 * merit's seeded pseudo-random generator, for the bootstrap of rank
 * intervals and the lottery at the funding line. Its output is fixed by the
 * seed alone, on every platform and compiler: integer arithmetic only, the
 * state read from a SHA-256 digest in a fixed byte order, and a draw below n
 * by rejection (no modulo bias, no floating point). docs/scoring.md,
 * "The generator", states it so that anyone can reimplement it.
 */
#ifndef MERIT_PRNG_H
#define MERIT_PRNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct merit__prng {
    uint64_t s[4]; /* xoshiro256** state; never all zero */
} merit__prng;

/* Keys the generator from SHA-256(purpose, 0x00, seed): purpose names the
 * use ("merit bootstrap 1", "merit lottery 1") so that one seed gives
 * independent streams to each use. Returns 0, or -1 when hashing failed. */
int merit__prng_seed(merit__prng *g, const char *purpose, const void *seed, size_t seed_len);

/* The next 64 bits (xoshiro256**, Blackman and Vigna 2018). */
uint64_t merit__prng_next(merit__prng *g);

/* A uniform integer in [0, n), n > 0: 64-bit draws r are rejected while
 * r < 2^64 mod n, and the first kept gives r mod n. */
uint64_t merit__prng_below(merit__prng *g, uint64_t n);

/* Fisher-Yates: for i = n-1 down to 1, swap a[i] with a[below(i + 1)]. */
void merit__prng_shuffle(merit__prng *g, size_t *a, size_t n);

#endif
