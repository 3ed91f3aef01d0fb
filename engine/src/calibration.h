/*
 * Reviewer calibration: per reviewer of a ranked call, how many reviews they
 * gave, their mean total, how lenient they are against their co-reviewers
 * (per criterion and on the total), the spread of their totals, and how far
 * their order of the proposals they reviewed agrees with the panel's. Every
 * number is exact (GMP rationals); docs/scoring.md, "Reviewer calibration",
 * defines each one, the flag rule and the edge cases.
 *
 * Ownership: merit__calibration_compute returns a merit__calibration owned by
 * the caller, released by merit__calibration_free (NULL is a no-op), which
 * releases everything reachable from it. It borrows the result (and so the
 * call) it was computed from: free the calibration first.
 *
 * Cost: one pass over the reviews for counts, totals and leniency (linear);
 * rank agreement by Knight's algorithm, k log k for a reviewer with k
 * reviews, so n log n for the call at most.
 */
#ifndef MERIT_CALIBRATION_H
#define MERIT_CALIBRATION_H

#include <gmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "merit/result.h"

/* The flag rule: |leniency on the total| > FLAG_NUM / FLAG_DEN of the
 * range the total can take, Σ weight × (scale max − scale min), with at
 * least FLAG_MIN_COMPARED reviews compared. */
#define MERIT__CALIB_FLAG_NUM 1
#define MERIT__CALIB_FLAG_DEN 10
#define MERIT__CALIB_FLAG_MIN_COMPARED 2

/* A leniency: over `compared` scores (or totals) that have at least one
 * co-reviewer's on the same proposal, the sum of (own − mean of the
 * co-reviewers'), on the rubric's scale, and its mean (sum / compared;
 * 0 when compared is 0: then there is no leniency). */
typedef struct merit__leniency {
    size_t compared;
    mpq_t sum;
    mpq_t mean;
} merit__leniency;

typedef struct merit__calib_reviewer {
    size_t reviewer; /* index into call->reviewers */
    size_t reviews;  /* reviews the call holds by them */
    size_t counted;  /* of which counted (not excluded for a conflict) */
    size_t excluded;
    size_t no_scores; /* no-scores in their counted reviews */
    size_t complete;  /* counted and complete: the totals below are over these */
    /* complete > 0; else the five values below are 0 */
    bool has_totals;
    mpq_t mean_total;
    mpq_t min_total;
    mpq_t max_total;
    mpq_t range;               /* max − min; 0 for one review or all totals equal */
    mpq_t variance;            /* population variance: Σ (t − mean)² / complete */
    merit__leniency *criteria; /* one per rubric criterion */
    merit__leniency total;
    /* Rank agreement over the `agreement_n` proposals with one of their
     * complete counted reviews and a panel total: each of the n(n−1)/2 pairs
     * is concordant (both orders agree strictly), discordant (they disagree
     * strictly), or tied in the reviewer's totals, the panel's, or both. */
    size_t agreement_n;
    uint64_t pairs;
    uint64_t concordant;
    uint64_t discordant;
    uint64_t tied_reviewer; /* tied in the reviewer's totals only */
    uint64_t tied_panel;    /* tied in the panel's totals only */
    uint64_t tied_both;
    /* Goodman and Kruskal's gamma, (C − D) / (C + D), when C + D > 0 */
    bool has_agreement;
    mpq_t agreement;
    bool flagged; /* the flag rule above holds */
} merit__calib_reviewer;

typedef struct merit__calibration {
    const merit_result *result;       /* borrowed */
    merit__calib_reviewer *reviewers; /* parallel to call->reviewers */
    size_t reviewer_count;
    mpq_t total_range; /* Σ weight × (scale max − scale min) */
    mpq_t flag_limit;  /* total_range × FLAG_NUM / FLAG_DEN */
    size_t flagged_count;
} merit__calibration;

/* Computes the calibration of every reviewer of res's call. Returns 0 and
 * *out (owned by the caller), or MERIT_ENOMEM (recorded on ctx). */
int merit__calibration_compute(merit_ctx *ctx, const merit_result *res, merit__calibration **out);
void merit__calibration_free(merit__calibration *cal);

#endif
