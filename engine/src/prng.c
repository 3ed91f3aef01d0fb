/* The seeded generator: see prng.h and docs/scoring.md, "The generator". */
#include "prng.h"

#include <string.h>

#include "internal.h"

static uint64_t read_le64(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

int merit__prng_seed(merit__prng *g, const char *purpose, const void *seed, size_t seed_len)
{
    void *h = merit_sha256_begin();
    if (h == NULL)
        return -1;
    unsigned char digest[32];
    static const unsigned char zero = 0;
    int bad = merit_sha256_add(h, purpose, strlen(purpose));
    bad |= merit_sha256_add(h, &zero, 1);
    bad |= merit_sha256_add(h, seed, seed_len);
    /* end always, so that the context is released */
    bad |= merit_sha256_end(h, digest);
    if (bad != 0)
        return -1;
    for (int i = 0; i < 4; i++)
        g->s[i] = read_le64(digest + 8 * i);
    if ((g->s[0] | g->s[1] | g->s[2] | g->s[3]) == 0)
        g->s[0] = 1; /* the one state xoshiro cannot leave; 2^-256 */
    return 0;
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t merit__prng_next(merit__prng *g)
{
    uint64_t *s = g->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t merit__prng_below(merit__prng *g, uint64_t n)
{
    uint64_t floor = (0 - n) % n; /* 2^64 mod n */
    for (;;) {
        uint64_t r = merit__prng_next(g);
        if (r >= floor)
            return r % n;
    }
}

void merit__prng_shuffle(merit__prng *g, size_t *a, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)merit__prng_below(g, (uint64_t)i);
        size_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}
