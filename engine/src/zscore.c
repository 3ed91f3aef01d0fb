/*
 * The z-score method's standardisation, done once for the whole call before
 * any proposal is scored (docs/scoring.md, "z-score"). Everything is an
 * exact rational except each reviewer's factor sqrt(V / v), the one value
 * that is rounded: by MPFR, correctly rounded to nearest at
 * MERIT_ZSCORE_PRECISION bits, so every platform gets the same bits.
 *
 * The result owns what this fills (res->zscores, res->zscore_panels, each
 * review's values); merit__zscore_release frees it, also half-filled.
 */
#include <stdlib.h>

#include <mpfr.h>

#include "aggregate.h"
#include "merit/result.h"
#include "rubric.h"

const char *merit_zscore_kept_name(merit_zscore_kept kept)
{
    static const char *const names[] = {"standardised", "few-scores", "no-spread"};
    return (size_t)kept < sizeof(names) / sizeof(names[0]) ? names[kept] : "?";
}

void merit__zscore_release(merit_result *res)
{
    size_t criteria = res->call->rubric->criterion_count;
    for (size_t i = 0; i < res->zscore_count; i++)
        mpq_clears(res->zscores[i].mean, res->zscores[i].variance, res->zscores[i].factor, NULL);
    free(res->zscores);
    res->zscores = NULL;
    res->zscore_count = 0;
    if (res->zscore_panels != NULL)
        for (size_t c = 0; c < criteria; c++)
            mpq_clears(res->zscore_panels[c].mean, res->zscore_panels[c].variance, NULL);
    free(res->zscore_panels);
    res->zscore_panels = NULL;
    for (size_t i = 0; i < res->review_count; i++) {
        merit_review_result *rr = &res->reviews[i];
        if (rr->values == NULL)
            continue;
        for (size_t c = 0; c < criteria; c++)
            mpq_clear(rr->values[c]);
        free(rr->values);
        rr->values = NULL;
    }
}

/* sum and sum_sq hold the sums of a set of `count` step counts k (as
 * integers over 1); they become the mean and the population variance of
 * the scores min + k * step:
 *   mean = min + step * S / n,  variance = step^2 * (n Q - S^2) / n^2. */
static void finish_moments(const merit_rubric *rb, size_t count, mpq_t sum, mpq_t sum_sq, mpq_t tmp)
{
    if (count == 0) {
        mpq_set_ui(sum, 0, 1);
        mpq_set_ui(sum_sq, 0, 1);
        return;
    }
    mpz_ptr s = mpq_numref(sum), q = mpq_numref(sum_sq);
    /* variance in steps: (n Q - S^2) / n^2 */
    mpz_mul_ui(q, q, (unsigned long)count);
    mpz_submul(q, s, s);
    mpz_set_ui(mpq_denref(sum_sq), (unsigned long)count);
    mpz_mul_ui(mpq_denref(sum_sq), mpq_denref(sum_sq), (unsigned long)count);
    mpq_canonicalize(sum_sq);
    mpq_mul(tmp, rb->scale_step, rb->scale_step);
    mpq_mul(sum_sq, sum_sq, tmp);
    /* mean: min + step * S / n */
    mpz_set_ui(mpq_denref(sum), (unsigned long)count);
    mpq_canonicalize(sum);
    mpq_mul(sum, sum, rb->scale_step);
    mpq_add(sum, sum, rb->scale_min);
}

/* sum += k, sum_sq += k^2, in the numerators; kz is a temporary */
static void add_step(mpq_t sum, mpq_t sum_sq, int32_t k, mpz_t kz)
{
    mpz_set_si(kz, k);
    mpz_add(mpq_numref(sum), mpq_numref(sum), kz);
    mpz_addmul(mpq_numref(sum_sq), kz, kz);
}

/* out = sqrt(q), q > 0 canonical: q rounded to the nearest number of
 * MERIT_ZSCORE_PRECISION bits, its square root rounded to the nearest again
 * (both correctly rounded, ties to even, as IEEE 754 rounds), then taken
 * back exactly as a rational. */
static void rounded_sqrt(const mpq_t q, mpq_t out)
{
    mpfr_t t;
    mpfr_init2(t, MERIT_ZSCORE_PRECISION);
    mpfr_set_q(t, q, MPFR_RNDN);
    mpfr_sqrt(t, t, MPFR_RNDN);
    mpfr_get_q(out, t);
    mpfr_clear(t);
}

int merit__zscore_compute(merit_result *res)
{
    const merit_call *call = res->call;
    const merit_rubric *rb = call->rubric;
    size_t criteria = rb->criterion_count, reviewers = call->reviewer_count;
    if (reviewers != 0 && criteria > SIZE_MAX / reviewers)
        return MERIT_ENOMEM;
    res->zscore_panels = merit__calloc(criteria, sizeof(*res->zscore_panels));
    if (criteria > 0 && res->zscore_panels == NULL)
        return MERIT_ENOMEM;
    for (size_t c = 0; c < criteria; c++)
        mpq_inits(res->zscore_panels[c].mean, res->zscore_panels[c].variance, NULL);
    res->zscores = merit__calloc(reviewers * criteria, sizeof(*res->zscores));
    if (reviewers * criteria > 0 && res->zscores == NULL)
        return MERIT_ENOMEM;
    for (size_t i = 0; i < reviewers * criteria; i++) {
        merit_zscore *z = &res->zscores[i];
        z->reviewer = i / criteria;
        z->criterion = i % criteria;
        mpq_inits(z->mean, z->variance, z->factor, NULL);
        mpq_set_ui(z->factor, 1, 1);
    }
    res->zscore_count = reviewers * criteria;
    for (size_t i = 0; i < call->review_count; i++) {
        merit_review_result *rr = &res->reviews[i];
        rr->values = merit__calloc(criteria, sizeof(*rr->values));
        if (criteria > 0 && rr->values == NULL)
            return MERIT_ENOMEM;
        for (size_t c = 0; c < criteria; c++)
            mpq_init(rr->values[c]);
    }

    /* the sums of the counted step counts and of their squares, in the
     * numerators of mean and variance until finish_moments */
    mpz_t kz;
    mpz_init(kz);
    for (size_t i = 0; i < call->review_count; i++) {
        const merit_review *rv = &call->reviews[i];
        if (!res->reviews[i].counted)
            continue;
        for (size_t c = 0; c < criteria; c++) {
            int32_t k = rv->steps[c];
            if (k == MERIT_NO_SCORE)
                continue;
            merit_zscore *z = &res->zscores[rv->reviewer * criteria + c];
            merit_zscore_panel *p = &res->zscore_panels[c];
            z->count++;
            p->count++;
            add_step(z->mean, z->variance, k, kz);
            add_step(p->mean, p->variance, k, kz);
        }
    }
    mpz_clear(kz);
    mpq_t tmp;
    mpq_init(tmp);
    for (size_t c = 0; c < criteria; c++) {
        merit_zscore_panel *p = &res->zscore_panels[c];
        finish_moments(rb, p->count, p->mean, p->variance, tmp);
    }
    for (size_t i = 0; i < res->zscore_count; i++) {
        merit_zscore *z = &res->zscores[i];
        const merit_zscore_panel *p = &res->zscore_panels[z->criterion];
        finish_moments(rb, z->count, z->mean, z->variance, tmp);
        /* the rule for too few scores or no spread: kept as they are, so
         * nothing is ever divided by zero. v > 0 means two of the
         * reviewer's scores differ, so V > 0 too: the factor is positive. */
        if (z->count < MERIT_ZSCORE_MIN_SCORES)
            z->kept = MERIT_ZSCORE_FEW_SCORES;
        else if (mpq_sgn(z->variance) == 0)
            z->kept = MERIT_ZSCORE_NO_SPREAD;
        else {
            z->kept = MERIT_ZSCORE_STANDARDISED;
            mpq_div(tmp, p->variance, z->variance);
            rounded_sqrt(tmp, z->factor);
        }
    }

    /* x' = M + (x - m) * factor, or x where kept */
    for (size_t i = 0; i < call->review_count; i++) {
        const merit_review *rv = &call->reviews[i];
        merit_review_result *rr = &res->reviews[i];
        if (!rr->counted)
            continue;
        for (size_t c = 0; c < criteria; c++) {
            if (rv->steps[c] == MERIT_NO_SCORE)
                continue;
            const merit_zscore *z = &res->zscores[rv->reviewer * criteria + c];
            merit__rubric_step_value(rb, rv->steps[c], rr->values[c]);
            if (z->kept != MERIT_ZSCORE_STANDARDISED)
                continue;
            mpq_sub(tmp, rr->values[c], z->mean);
            mpq_mul(tmp, tmp, z->factor);
            mpq_add(rr->values[c], tmp, res->zscore_panels[c].mean);
        }
    }
    mpq_clear(tmp);
    return 0;
}

void merit__method_value(const merit_result *res, size_t review, size_t criterion, mpq_t out)
{
    const merit_review_result *rr = &res->reviews[review];
    if (rr->values != NULL)
        mpq_set(out, rr->values[criterion]);
    else
        merit__rubric_step_value(res->call->rubric, res->call->reviews[review].steps[criterion],
                                 out);
}
