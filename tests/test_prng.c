/*
 * The seeded generator (engine/src/prng.c). The expected numbers were
 * computed apart from merit, by a dozen lines of Python (hashlib.sha256 and
 * xoshiro256** written from Blackman and Vigna's reference C), except the
 * first test's, which are the reference implementation's own output for the
 * state {1, 2, 3, 4}.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "prng.h"

static void xoshiro_reference_state(void **state)
{
    (void)state;
    merit__prng g = {{1, 2, 3, 4}};
    assert_int_equal(merit__prng_next(&g), 11520);
    assert_int_equal(merit__prng_next(&g), 0);
    assert_int_equal(merit__prng_next(&g), 1509978240);
    assert_int_equal(merit__prng_next(&g), 1215971899390074240ULL);
}

/* SHA-256("merit test 1" 0x00 "42") read as four little-endian words. */
static void seeded_from_sha256(void **state)
{
    (void)state;
    merit__prng g;
    assert_int_equal(merit__prng_seed(&g, "merit test 1", "42", 2), 0);
    assert_int_equal(g.s[0], 0xdada5c8613960dfeULL);
    assert_int_equal(g.s[1], 0x5c3dff193f5fb1a9ULL);
    assert_int_equal(g.s[2], 0xa2a16e35a0223d16ULL);
    assert_int_equal(g.s[3], 0x341101f9fc945673ULL);
    assert_int_equal(merit__prng_next(&g), 8280914726915759638ULL);
    assert_int_equal(merit__prng_next(&g), 4112768747580438954ULL);
    assert_int_equal(merit__prng_next(&g), 16547470043463280122ULL);
}

/* Another purpose or another seed: another stream. */
static void purpose_and_seed_matter(void **state)
{
    (void)state;
    merit__prng a, b, c;
    assert_int_equal(merit__prng_seed(&a, "merit test 1", "42", 2), 0);
    assert_int_equal(merit__prng_seed(&b, "merit test 2", "42", 2), 0);
    assert_int_equal(merit__prng_seed(&c, "merit test 1", "43", 2), 0);
    uint64_t x = merit__prng_next(&a);
    assert_true(x != merit__prng_next(&b));
    assert_true(x != merit__prng_next(&c));
}

static void below_small(void **state)
{
    (void)state;
    merit__prng g;
    assert_int_equal(merit__prng_seed(&g, "merit test 1", "42", 2), 0);
    static const uint64_t want[] = {8, 4, 2, 5, 1, 5, 7, 4, 3, 4};
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(merit__prng_below(&g, 10), want[i]);
}

/* n = 2^63 + 1: draws below 2^64 mod n = 2^63 - 1 are rejected. The first
 * two draws of this stream (8.28e18 and 4.11e18) are; the third,
 * 16547470043463280122, gives 16547470043463280122 - (2^63 + 1). */
static void below_rejects(void **state)
{
    (void)state;
    merit__prng g;
    assert_int_equal(merit__prng_seed(&g, "merit test 1", "42", 2), 0);
    assert_int_equal(merit__prng_below(&g, (1ULL << 63) + 1), 7324098006608504313ULL);
    merit__prng one;
    assert_int_equal(merit__prng_seed(&one, "merit test 1", "42", 2), 0);
    assert_int_equal(merit__prng_below(&one, 1), 0);
}

static void shuffle_order(void **state)
{
    (void)state;
    merit__prng g;
    assert_int_equal(merit__prng_seed(&g, "merit test 1", "42", 2), 0);
    size_t a[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    merit__prng_shuffle(&g, a, 8);
    static const size_t want[8] = {2, 3, 4, 7, 5, 0, 1, 6};
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(a[i], want[i]);
    merit__prng_shuffle(&g, a, 0); /* nothing to do, nothing read */
    merit__prng_shuffle(&g, a, 1);
    assert_int_equal(a[0], 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xoshiro_reference_state), cmocka_unit_test(seeded_from_sha256),
        cmocka_unit_test(purpose_and_seed_matter), cmocka_unit_test(below_small),
        cmocka_unit_test(below_rejects),           cmocka_unit_test(shuffle_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
