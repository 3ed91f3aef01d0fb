/*
 * Agreement (engine/src/agreement.c): Krippendorff's alpha and the
 * Shrout-Fleiss ICCs against published worked examples, built directly as
 * reliability data, so the maths is tested apart from loading XML; then
 * one run on the example call.
 *
 * The exact fractions below were computed by hand from the definitions
 * (docs/scoring.md, "Agreement") and checked with Python's
 * fractions.Fraction; the published figures are the sources' own, rounded
 * as they print them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agreement.h"
#include "support.h"

#include "merit/model.h"
#include "merit/result.h"

#define NA INT32_MIN

/* Fills r from a coders x units table (row per coder), NA = missing. */
static void fill(merit__ratings *r, size_t coders, size_t units, const int32_t *table)
{
    mpq_t v;
    mpq_init(v);
    for (size_t u = 0; u < units; u++)
        for (size_t c = 0; c < coders; c++) {
            int32_t x = table[c * units + u];
            if (x == NA)
                continue;
            mpq_set_si(v, x, 1);
            assert_int_equal(merit__ratings_add(r, u, c, v), 0);
        }
    mpq_clear(v);
}

static void assert_q(mpq_srcptr q, const char *expected)
{
    mpq_t e;
    mpq_init(e);
    assert_int_equal(mpq_set_str(e, expected, 10), 0);
    mpq_canonicalize(e);
    if (!mpq_equal(q, e)) {
        char *s = mpq_get_str(NULL, 10, q);
        print_error("got %s, expected %s\n", s, expected);
        free(s);
        fail();
    }
    mpq_clear(e);
}

/* q rounds to `shown` at its number of decimals: |q - shown| <= half a unit
 * of the last place (exact, no float). shown like "0.743" or "-0.17". */
static void assert_rounds_to(mpq_srcptr q, const char *shown)
{
    const char *dot = strchr(shown, '.');
    assert_non_null(dot);
    size_t places = strlen(dot + 1);
    char digits[32];
    size_t d = 0;
    for (const char *s = shown; *s && d + 1 < sizeof(digits); s++)
        if (*s != '.')
            digits[d++] = *s;
    digits[d] = '\0';
    mpz_t den;
    mpz_init(den);
    mpz_ui_pow_ui(den, 10, places);
    mpq_t target, half, diff;
    mpq_inits(target, half, diff, NULL);
    assert_int_equal(mpz_set_str(mpq_numref(target), digits, 10), 0);
    mpz_set(mpq_denref(target), den);
    mpq_canonicalize(target);
    mpz_mul_ui(den, den, 2);
    mpq_set_z(half, den);
    mpq_inv(half, half);
    mpq_sub(diff, q, target);
    mpq_abs(diff, diff);
    if (mpq_cmp(diff, half) > 0) {
        char *s = mpq_get_str(NULL, 10, q);
        print_error("%s does not round to %s\n", s, shown);
        free(s);
        fail();
    }
    mpq_clears(target, half, diff, NULL);
    mpz_clear(den);
}

/* Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability.
 * Annenberg School for Communication, University of Pennsylvania,
 * section "C. Nominal data, any number of observers, missing values" and
 * following: 4 observers x 12 units, values 1..5, "." missing. The paper
 * gives n = 40 pairable values and alpha = 0.743 (nominal), 0.815
 * (ordinal), 0.849 (interval). Unit 12 has one value and is dropped. */
static const int32_t kripp_2011[4 * 12] = {
    /* A */ 1,  2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA,
    /* B */ 1,  2, 3, 3, 2, 2, 4, 1, 2, 5,  NA, 3,
    /* C */ NA, 3, 3, 3, 2, 3, 4, 2, 2, 5,  1,  NA,
    /* D */ 1,  2, 3, 3, 2, 4, 4, 1, 2, 5,  1,  NA,
};

static void test_krippendorff_2011(void **state)
{
    (void)state;
    merit__ratings r;
    merit__ratings_init(&r);
    fill(&r, 4, 12, kripp_2011);
    merit__alpha a;
    merit__alpha_init(&a);

    assert_int_equal(merit__alpha_compute(&r, MERIT_METRIC_NOMINAL, &a), 0);
    assert_true(a.defined);
    assert_int_equal(a.units, 11);
    assert_int_equal(a.values, 40);
    assert_q(a.value, "113/152");
    assert_rounds_to(a.value, "0.743");
    /* the coincidence matrix's off-diagonal cells sum to 8 (units 2, 6
     * and 8 disagree: 6/3 + 12/3 + 6/3), so D_o = 8/40; the marginals
     * n_1..n_5 = 9, 13, 10, 5, 3 give sum n_c n_k = 1600 - 384 = 1216 and
     * D_e = 1216 / (40 * 39): alpha = 1 - 39 * 8 / 1216 = 113/152 */
    assert_q(a.observed, "1/5");
    assert_q(a.expected, "152/195");

    assert_int_equal(merit__alpha_compute(&r, MERIT_METRIC_ORDINAL, &a), 0);
    assert_true(a.defined);
    assert_q(a.value, "108577/133160");
    assert_rounds_to(a.value, "0.815");

    assert_int_equal(merit__alpha_compute(&r, MERIT_METRIC_INTERVAL, &a), 0);
    assert_true(a.defined);
    assert_q(a.value, "951/1120");
    assert_rounds_to(a.value, "0.849");

    merit__alpha_clear(&a);
    merit__ratings_clear(&r);
}

/* Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in
 * assessing rater reliability. Psychological Bulletin 86(2), 420-428,
 * Table 2 (6 targets x 4 judges); Table 3 gives BMS 11.24, WMS 6.26,
 * JMS 32.49, EMS 1.02, and the text ICC(1,1) .17, ICC(2,1) .29,
 * ICC(3,1) .71, ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91. */
static const int32_t shrout_fleiss_1979[4 * 6] = {
    /* judge 1 */ 9, 6, 8, 7, 10, 6,
    /* judge 2 */ 2, 1, 4, 1, 5,  2,
    /* judge 3 */ 5, 3, 6, 2, 6,  4,
    /* judge 4 */ 8, 2, 8, 6, 9,  7,
};

static void check_shrout_fleiss(const merit__icc *icc)
{
    assert_true(icc->design);
    assert_int_equal(icc->targets, 6);
    assert_int_equal(icc->judges, 4);
    for (size_t c = 0; c < 4; c++)
        assert_int_equal(icc->coders[c], c);
    assert_q(icc->bms, "1349/120");
    assert_rounds_to(icc->bms, "11.24");
    assert_q(icc->wms, "451/72");
    assert_rounds_to(icc->wms, "6.26");
    assert_q(icc->jms, "2339/72");
    assert_rounds_to(icc->jms, "32.49");
    assert_q(icc->ems, "367/360");
    assert_rounds_to(icc->ems, "1.02");
    static const char *exact[MERIT_ICC_FORMS] = {"448/2703",  "184/635",  "920/1287",
                                                 "1792/4047", "736/1187", "3680/4047"};
    static const char *shown[MERIT_ICC_FORMS] = {"0.17", "0.29", "0.71", "0.44", "0.62", "0.91"};
    for (int f = 0; f < MERIT_ICC_FORMS; f++) {
        assert_true(icc->defined[f]);
        assert_q(icc->value[f], exact[f]);
        assert_rounds_to(icc->value[f], shown[f]);
    }
}

static void test_shrout_fleiss_1979(void **state)
{
    (void)state;
    merit__ratings r;
    merit__ratings_init(&r);
    fill(&r, 4, 6, shrout_fleiss_1979);
    merit__icc icc;
    merit__icc_init(&icc);
    assert_int_equal(merit__icc_compute(&r, &icc), 0);
    check_shrout_fleiss(&icc);
    assert_int_equal(icc.skipped, 0);
    merit__icc_clear(&icc);
    merit__ratings_clear(&r);
}

/* The block rule: the same table with units added around it that do not
 * share its coder set (one judge missing; two other coders; one value) is
 * computed on the six complete units alone. Two units rated by coders 4
 * and 5 form a smaller block that loses to the six. */
static void test_icc_block(void **state)
{
    (void)state;
    merit__ratings r;
    merit__ratings_init(&r);
    mpq_t v;
    mpq_init(v);
    mpq_set_ui(v, 3, 1);
    /* unit 0: judges 0, 1, 2 only */
    for (size_t c = 0; c < 3; c++)
        assert_int_equal(merit__ratings_add(&r, 0, c, v), 0);
    for (size_t u = 0; u < 6; u++)
        for (size_t c = 0; c < 4; c++) {
            mpq_set_si(v, shrout_fleiss_1979[c * 6 + u], 1);
            assert_int_equal(merit__ratings_add(&r, u + 1, c, v), 0);
        }
    /* units 7, 8: coders 4 and 5; unit 9: one value */
    for (size_t u = 7; u <= 8; u++)
        for (size_t c = 4; c <= 5; c++) {
            mpq_set_ui(v, u + c, 1);
            assert_int_equal(merit__ratings_add(&r, u, c, v), 0);
        }
    assert_int_equal(merit__ratings_add(&r, 9, 0, v), 0);
    /* out of order: refused */
    assert_int_equal(merit__ratings_add(&r, 9, 0, v), MERIT_EUSAGE);
    assert_int_equal(merit__ratings_add(&r, 3, 1, v), MERIT_EUSAGE);

    merit__icc icc;
    merit__icc_init(&icc);
    assert_int_equal(merit__icc_compute(&r, &icc), 0);
    check_shrout_fleiss(&icc);
    assert_int_equal(icc.skipped, 4);
    merit__icc_clear(&icc);
    mpq_clear(v);
    merit__ratings_clear(&r);
}

/* No two units share a coder set of two or more: "design does not allow". */
static void test_icc_no_design(void **state)
{
    (void)state;
    static const int32_t table[3 * 3] = {
        1,  NA, 2,  /* coder 0 */
        2,  3,  NA, /* coder 1 */
        NA, 4,  5,  /* coder 2 */
    };
    merit__ratings r;
    merit__ratings_init(&r);
    fill(&r, 3, 3, table);
    merit__icc icc;
    merit__icc_init(&icc);
    assert_int_equal(merit__icc_compute(&r, &icc), 0);
    assert_false(icc.design);
    assert_null(icc.coders);
    assert_int_equal(icc.targets, 0);
    for (int f = 0; f < MERIT_ICC_FORMS; f++)
        assert_false(icc.defined[f]);
    /* alpha still has its three pairable units */
    merit__alpha a;
    merit__alpha_init(&a);
    assert_int_equal(merit__alpha_compute(&r, MERIT_METRIC_INTERVAL, &a), 0);
    assert_int_equal(a.units, 3);
    assert_int_equal(a.values, 6);
    assert_true(a.defined);
    merit__alpha_clear(&a);
    merit__icc_clear(&icc);
    merit__ratings_clear(&r);
}

/* Every reviewer gives every proposal the same score: D_e = 0 and every
 * mean square is 0. Nothing is defined, and nothing divides by zero. */
static void test_degenerate(void **state)
{
    (void)state;
    static const int32_t table[3 * 4] = {
        4, 4, 4, 4, /* */
        4, 4, 4, 4, /* */
        4, 4, 4, NA,
    };
    merit__ratings r;
    merit__ratings_init(&r);
    fill(&r, 3, 4, table);
    merit__alpha a;
    merit__alpha_init(&a);
    for (int m = MERIT_METRIC_NOMINAL; m <= MERIT_METRIC_INTERVAL; m++) {
        assert_int_equal(merit__alpha_compute(&r, (merit__metric)m, &a), 0);
        assert_false(a.defined);
        assert_int_equal(a.values, 11);
        assert_int_equal(mpq_sgn(a.value), 0);
        assert_int_equal(mpq_sgn(a.expected), 0);
    }
    merit__icc icc;
    merit__icc_init(&icc);
    assert_int_equal(merit__icc_compute(&r, &icc), 0);
    assert_true(icc.design);
    assert_int_equal(icc.targets, 3);
    assert_int_equal(icc.judges, 3);
    for (int f = 0; f < MERIT_ICC_FORMS; f++)
        assert_false(icc.defined[f]);
    merit__icc_clear(&icc);

    /* no data at all, and a single unit */
    merit__ratings_clear(&r);
    assert_int_equal(merit__alpha_compute(&r, MERIT_METRIC_INTERVAL, &a), 0);
    assert_false(a.defined);
    assert_int_equal(a.values, 0);
    merit__alpha_clear(&a);
    merit__ratings_clear(&r);
}

/* The example call, loaded and ranked: alpha is defined for every
 * criterion and the total, within [-1, 1]. */
static void test_example_call(void **state)
{
    (void)state;
    merit_ctx *ctx = merit_ctx_new();
    assert_non_null(ctx);
    merit_call *call = NULL;
    int rc = merit_call_load(ctx, MERIT_SOURCE_DIR "/proposals/mfg-2026", &call);
    if (rc != 0)
        t_print_diags(ctx);
    assert_int_equal(rc, 0);
    merit_result *res = NULL;
    assert_int_equal(merit_call_rank(ctx, call, NULL, &res), 0);

    merit__agreement *ag = NULL;
    assert_int_equal(merit__agreement_compute(res, &ag), 0);
    assert_non_null(ag);
    assert_int_equal(ag->item_count, call->rubric->criterion_count + 1);
    mpq_t lo, hi;
    mpq_inits(lo, hi, NULL);
    mpq_set_si(lo, -1, 1);
    mpq_set_si(hi, 1, 1);
    for (size_t i = 0; i < ag->item_count; i++) {
        const merit__agreement_item *it = &ag->items[i];
        assert_int_equal(it->criterion, i);
        const merit__alpha *as[2] = {&it->interval, &it->ordinal};
        for (size_t k = 0; k < 2; k++) {
            assert_true(as[k]->defined);
            assert_true(as[k]->units >= 2);
            assert_true(mpq_cmp(as[k]->value, lo) >= 0);
            assert_true(mpq_cmp(as[k]->value, hi) <= 0);
        }
    }
    mpq_clears(lo, hi, NULL);
    merit__agreement_free(ag);
    merit__agreement_free(NULL);
    merit_result_free(res);
    merit_call_free(call);
    merit_ctx_free(ctx);
}

/* Every allocation of the computation failing in turn: MERIT_ENOMEM, no
 * result, nothing leaked (the suite runs under valgrind). */
static void test_allocation_failures(void **state)
{
    (void)state;
    merit_ctx *ctx = merit_ctx_new();
    assert_non_null(ctx);
    merit_call *call = NULL;
    assert_int_equal(merit_call_load(ctx, MERIT_SOURCE_DIR "/proposals/mfg-2026", &call), 0);
    merit_result *res = NULL;
    assert_int_equal(merit_call_rank(ctx, call, NULL, &res), 0);
    merit__agreement *ag = NULL;
    merit__alloc_fail_at(0);
    assert_int_equal(merit__agreement_compute(res, &ag), 0);
    uint64_t needed = merit__alloc_count();
    merit__agreement_free(ag);
    assert_true(needed > 0);
    for (uint64_t n = 1; n <= needed; n++) {
        ag = NULL;
        merit__alloc_fail_at(n);
        assert_int_equal(merit__agreement_compute(res, &ag), MERIT_ENOMEM);
        assert_null(ag);
    }
    merit__alloc_fail_at(0);
    merit_result_free(res);
    merit_call_free(call);
    merit_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_krippendorff_2011),   cmocka_unit_test(test_shrout_fleiss_1979),
        cmocka_unit_test(test_icc_block),           cmocka_unit_test(test_icc_no_design),
        cmocka_unit_test(test_degenerate),          cmocka_unit_test(test_example_call),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
