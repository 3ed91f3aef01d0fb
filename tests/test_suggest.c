/*
 * "Did you mean" (suggest.c): the edit distance, GCC's cutoff, a
 * suggestion only when one name is nearest, and the cost on a long list
 * (50,000 proposal ids: each search is bounded, and a list is searched at
 * most MERIT_SUGGEST_SEARCHES times).
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

static size_t distance(const char *a, const char *b, size_t max)
{
    return merit__edit_distance(a, strlen(a), b, strlen(b), max);
}

/* Distances worked out by hand: one edit of each kind, and mixes. */
static void distances(void **state)
{
    (void)state;
    assert_int_equal(distance("impact", "impact", 3), 0);
    assert_int_equal(distance("impakt", "impact", 3), 1);  /* substitution */
    assert_int_equal(distance("impct", "impact", 3), 1);   /* deletion */
    assert_int_equal(distance("imppact", "impact", 3), 1); /* insertion */
    assert_int_equal(distance("imapct", "impact", 3), 1);  /* swap of neighbours */
    assert_int_equal(distance("nhi", "nih", 3), 1);
    /* "kitten" to "sitting": k->s, e->i, +g */
    assert_int_equal(distance("kitten", "sitting", 5), 3);
    assert_int_equal(distance("", "abc", 5), 3);
    /* past max: max + 1, whatever the true distance */
    assert_int_equal(distance("kitten", "sitting", 2), 3);
    assert_int_equal(distance("abcdef", "uvwxyz", 2), 3);
    assert_int_equal(distance("a", "abcdefgh", 2), 3); /* lengths alone are too far */
}

/* GCC's cutoff: a third of the longer name, at least 1, none for names of
 * one character; rounded up when the lengths differ by more than one. */
static void cutoffs(void **state)
{
    (void)state;
    assert_int_equal(merit__suggest_cutoff(1, 1), 0);
    assert_int_equal(merit__suggest_cutoff(2, 2), 1);
    assert_int_equal(merit__suggest_cutoff(3, 3), 1);
    assert_int_equal(merit__suggest_cutoff(6, 6), 2);
    assert_int_equal(merit__suggest_cutoff(9, 10), 3);
    assert_int_equal(merit__suggest_cutoff(7, 14), 5); /* (14 + 2) / 3 */
}

static void suggestions_among_names(void **state)
{
    (void)state;
    const char *criteria[] = {"excellence", "impact", "implementation", NULL};
    assert_string_equal(merit__suggest_among("impakt", criteria), "impact");
    assert_string_equal(merit__suggest_among("excelence", criteria), "excellence");
    assert_null(merit__suggest_among("quality", criteria)); /* nothing near */
    assert_null(merit__suggest_among("", criteria));
    /* two as near: no guess */
    const char *panel[] = {"R1", "R2", "R3", NULL};
    assert_null(merit__suggest_among("R9", panel));
    assert_string_equal(merit__suggest_among("R11", panel), "R1");
    /* a name listed twice is one name, not a tie */
    const char *twice[] = {"P01", "P01", "P22", NULL};
    assert_string_equal(merit__suggest_among("P1", twice), "P01");
    const char *shipped[] = {"horizon-europe", "manufacturing-usa", "nih", NULL};
    assert_string_equal(merit__suggest_among("nhi", shipped), "nih");
    assert_string_equal(merit__suggest_among("manufacturing", shipped), "manufacturing-usa");
    assert_null(merit__suggest_among("horizon", shipped)); /* 7 away, cutoff 5 */
}

struct named {
    int other;
    char *id;
};

/* 50,000 ids in an array of structs, searched where they stand; the
 * nearest is found among them, and the list is searched at most
 * MERIT_SUGGEST_SEARCHES times. */
static void many_ids(void **state)
{
    (void)state;
    enum { N = 50000 };
    struct named *list = calloc(N, sizeof(*list));
    assert_non_null(list);
    for (size_t i = 0; i < N; i++)
        list[i].id = t_sprintf("PRJ-%05zu-%c", i * 7, (char)('a' + i % 26));
    struct merit_suggest s;
    merit__suggest_init(&s, list, offsetof(struct named, id), N, sizeof(struct named));
    /* 12345 * 7 = 86415, letter 12345 % 26 = 21: 'v'; the next nearest
     * ids are two edits away (PRJ-16415-f, PRJ-76412-w, worked out with a
     * plain O(n m) table over all 50,000) */
    assert_string_equal(merit__suggest(&s, "PRJ-86415-w"), "PRJ-86415-v");
    /* three letters in the wrong case: 3 edits, the cutoff for 11 */
    assert_string_equal(merit__suggest(&s, "prj-86415-v"), "PRJ-86415-v");
    for (unsigned i = 2; i < MERIT_SUGGEST_SEARCHES; i++)
        (void)merit__suggest(&s, "PRJ-86415-w");
    /* the searches are spent: no more, however near */
    assert_int_equal(s.searches_left, 0);
    assert_null(merit__suggest(&s, "PRJ-86415-w"));
    for (size_t i = 0; i < N; i++)
        free(list[i].id);
    free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(distances),
        cmocka_unit_test(cutoffs),
        cmocka_unit_test(suggestions_among_names),
        cmocka_unit_test(many_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
