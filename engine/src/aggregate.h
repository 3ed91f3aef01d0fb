/*
 * Aggregating one criterion's scores across reviewers. Scores arrive as
 * integer step counts k (value = min + k * step); every method is affine-
 * equivariant, so merit aggregates the step counts exactly and maps the
 * result back onto the scale: aggregate(values) = min + aggregate(k) * step.
 */
#ifndef MERIT_AGGREGATE_H
#define MERIT_AGGREGATE_H

#include "internal.h"
#include "merit/result.h"

/* steps[n] and confidences[n] (used by confidence-weighted only); steps is
 * sorted in place. n > 0. *out_steps gets the aggregate in steps,
 * *trimmed the number of scores trimmed-mean dropped, *weight_sum the
 * denominator (count, or the sum of confidences). */
void merit__aggregate_steps(merit_method method, int32_t *steps, const uint8_t *confidences,
                            size_t n, uint32_t trim_from, mpq_t out_steps, size_t *trimmed,
                            mpq_t weight_sum);

/* z-score (zscore.c): standardises every counted score of res's call
 * before any proposal is scored, filling res->zscores, res->zscore_panels
 * and each review's values. Returns 0 or MERIT_ENOMEM (what was filled is
 * still released by merit__zscore_release, which merit_result_free calls). */
int merit__zscore_compute(merit_result *res);
void merit__zscore_release(merit_result *res);

/* The value res's method takes for the counted score of review `review` on
 * `criterion` (a scored one), on the rubric's scale, into out (initialised
 * by the caller): under z-score the standardised x' (review->values), under
 * every other method the score itself. What a resampling of a proposal's
 * scores (the bootstrap) draws from; mean and z-score aggregate it by its
 * mean. */
void merit__method_value(const merit_result *res, size_t review, size_t criterion, mpq_t out);

#endif
