/*
 * Aggregating one criterion's scores across reviewers. Scores arrive as
 * integer step counts k (value = min + k * step); every method is affine-
 * equivariant, so merit aggregates the step counts exactly and maps the
 * result back onto the scale: aggregate(values) = min + aggregate(k) * step.
 */
#ifndef MERIT_AGGREGATE_H
#define MERIT_AGGREGATE_H

#include "internal.h"

/* steps[n] and confidences[n] (used by confidence-weighted only); steps is
 * sorted in place. n > 0. *out_steps gets the aggregate in steps,
 * *trimmed the number of scores trimmed-mean dropped, *weight_sum the
 * denominator (count, or the sum of confidences). */
void merit__aggregate_steps(merit_method method, int32_t *steps, const uint8_t *confidences,
                            size_t n, uint32_t trim_from, mpq_t out_steps, size_t *trimmed,
                            mpq_t weight_sum);

#endif
