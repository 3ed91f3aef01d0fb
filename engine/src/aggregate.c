/* The aggregation methods, on exact step counts: see aggregate.h and
 * docs/scoring.md. */
#include <stdlib.h>

#include "aggregate.h"

static int compare_steps(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* out = (sum of steps[from..to)) / (to - from) */
static void mean_of(const int32_t *steps, size_t from, size_t to, mpq_t out)
{
    mpz_t sum;
    mpz_init(sum);
    for (size_t i = from; i < to; i++) {
        if (steps[i] >= 0)
            mpz_add_ui(sum, sum, (unsigned long)steps[i]);
        else
            mpz_sub_ui(sum, sum, (unsigned long)(-(int64_t)steps[i]));
    }
    mpz_set(mpq_numref(out), sum);
    mpz_set_ui(mpq_denref(out), (unsigned long)(to - from));
    mpq_canonicalize(out);
    mpz_clear(sum);
}

void merit__aggregate_steps(merit_method method, int32_t *steps, const uint8_t *confidences,
                            size_t n, uint32_t trim_from, mpq_t out, size_t *trimmed,
                            mpq_t weight_sum)
{
    *trimmed = 0;
    mpq_set_ui(weight_sum, (unsigned long)n, 1);
    switch (method) {
    case MERIT_METHOD_MEAN:
    case MERIT_METHOD_Z_SCORE: /* rank.c aggregates its standardised values
                                  (merit__method_value) instead: on the raw
                                  steps, the plain mean */
        mean_of(steps, 0, n, out);
        return;
    case MERIT_METHOD_MEDIAN:
        qsort(steps, n, sizeof(*steps), compare_steps);
        if (n % 2 == 1)
            mean_of(steps, n / 2, n / 2 + 1, out);
        else
            mean_of(steps, n / 2 - 1, n / 2 + 1, out); /* mean of the two middle values */
        return;
    case MERIT_METHOD_TRIMMED_MEAN:
        qsort(steps, n, sizeof(*steps), compare_steps);
        if (n >= trim_from && n >= 3) {
            *trimmed = 2;
            mpq_set_ui(weight_sum, (unsigned long)(n - 2), 1);
            mean_of(steps, 1, n - 1, out);
        } else {
            mean_of(steps, 0, n, out);
        }
        return;
    case MERIT_METHOD_CONFIDENCE_WEIGHTED: {
        /* sum(c * k) / sum(c); confidences are 1..5 */
        mpz_t num, den;
        mpz_inits(num, den, NULL);
        for (size_t i = 0; i < n; i++) {
            mpz_t term;
            mpz_init_set_si(term, steps[i]);
            mpz_mul_ui(term, term, confidences[i]);
            mpz_add(num, num, term);
            mpz_add_ui(den, den, confidences[i]);
            mpz_clear(term);
        }
        mpz_set(mpq_numref(out), num);
        mpz_set(mpq_denref(out), den);
        mpq_canonicalize(out);
        mpq_set_z(weight_sum, den);
        mpz_clears(num, den, NULL);
        return;
    }
    }
}
