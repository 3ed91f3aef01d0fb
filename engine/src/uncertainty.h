/*
 * Rank intervals by bootstrap, the probability of being funded, the funding
 * line and the grey zone (docs/scoring.md, "Rank intervals and the grey
 * zone"). Internal: merit_call_rank calls it once the ranking is known and
 * before the funding walk.
 */
#ifndef MERIT_UNCERTAINTY_H
#define MERIT_UNCERTAINTY_H

#include "internal.h"
#include "merit/result.h"

/* Resamples the counted reviews of every ranked proposal of res (the first
 * res->ranked_count entries of res->order, ranks set) opt->resamples times,
 * re-aggregates, re-ranks and re-walks each resample, and fills
 * res->has_intervals, resamples, level, seed (owned by res), line,
 * grey_count and each ranked proposal's rank_low, rank_median, rank_high,
 * funded_in and grey_zone. Does nothing when opt is NULL or asks for no
 * resamples. Returns 0, MERIT_EINVALID (a level or a number of resamples
 * out of range, said on ctx) or MERIT_ENOMEM. Time O(B * (reviews + n log n)),
 * memory O(B * n) 32-bit positions. */
int merit__bootstrap(merit_ctx *ctx, merit_result *res, const merit_rank_options *opt);

#endif
