/*
 * merit's result model: a ranked call. The single source every report, the
 * audit trail and `merit explain` read. Produced by merit_call_rank() from a
 * loaded call; read-only for callers; everything reachable from a
 * merit_result belongs to it and is released by merit_result_free(). The
 * result borrows the call it was computed from: free the result first.
 *
 * Every number is exact (GMP rationals, or integer cents for money). Nothing
 * here is rounded: rounding happens only when a report shows a number
 * (merit_format_decimal, half to even).
 */
#ifndef MERIT_RESULT_H
#define MERIT_RESULT_H

#include <gmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "merit.h"
#include "model.h"

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
#ifdef __cplusplus
extern "C" {
#endif

typedef enum merit_status {
    MERIT_STATUS_FUNDED = 0,
    MERIT_STATUS_RESERVE,              /* passes everything; the budget ran out */
    MERIT_STATUS_BELOW_THRESHOLD,      /* a criterion or the total misses its threshold */
    MERIT_STATUS_INELIGIBLE,           /* an eligibility rule failed */
    MERIT_STATUS_INSUFFICIENT_REVIEWS, /* fewer counted reviews than the minimum */
} merit_status;

/* How one review was treated. */
typedef struct merit_review_result {
    bool counted;  /* false: excluded (conflict) */
    bool complete; /* every criterion scored: `total` is defined */
    mpq_t total;   /* the reviewer's weighted total: sum weight * score; 0 when
                      the review is not complete */
    /* z-score only (NULL for every other method): one per rubric criterion,
     * the score as the method aggregates it, on the rubric's scale: the
     * standardised x' of a counted score, or the score itself where its
     * reviewer's scores on the criterion were kept (merit_zscore). 0, and
     * meaning nothing, for a no-score and in a review not counted. */
    mpq_t *values;
} merit_review_result;

/* Why the z-score method kept a reviewer's scores on a criterion as they
 * are (docs/scoring.md). */
typedef enum merit_zscore_kept {
    MERIT_ZSCORE_STANDARDISED = 0, /* not kept: standardised */
    MERIT_ZSCORE_FEW_SCORES,       /* fewer than MERIT_ZSCORE_MIN_SCORES */
    MERIT_ZSCORE_NO_SPREAD,        /* the reviewer's scores are all equal; so are
                                      everyone's when the panel's are (V = 0 makes
                                      every v = 0): nothing is divided by zero */
} merit_zscore_kept;

/* The bits of the z-score method's one rounding (the factor's square root,
 * MPFR, round to nearest) and the fewest counted scores a reviewer needs on
 * a criterion to be standardised on it. Both are part of the method: the
 * audit trail records them. */
#define MERIT_ZSCORE_PRECISION 128
#define MERIT_ZSCORE_MIN_SCORES 3

/* One reviewer on one criterion, under z-score: what standardised their
 * counted scores x into x' = panel mean + (x - mean) * factor. */
typedef struct merit_zscore {
    size_t reviewer;  /* index into call->reviewers */
    size_t criterion; /* index into rubric->criteria */
    size_t count;     /* the reviewer's counted scores on the criterion */
    mpq_t mean;       /* their mean m (0 when count is 0) */
    mpq_t variance;   /* their population variance v: sum (x - m)^2 / count */
    /* sqrt(V / v), V the panel's variance, rounded once as a rational (set
     * from V / v at MERIT_ZSCORE_PRECISION bits, round to nearest) and once
     * as its square root (the same): a dyadic rational, exact from there
     * on. 1 when kept. */
    mpq_t factor;
    merit_zscore_kept kept; /* MERIT_ZSCORE_STANDARDISED, or why not */
} merit_zscore;

/* One criterion's counted scores over the whole call, under z-score. */
typedef struct merit_zscore_panel {
    size_t count;   /* counted scores on the criterion */
    mpq_t mean;     /* M: their mean (0 when count is 0) */
    mpq_t variance; /* V: their population variance */
} merit_zscore_panel;

/* One criterion of one proposal, aggregated across its counted reviews. */
typedef struct merit_criterion_result {
    size_t count;     /* counted scores (no-scores and exclusions left out) */
    bool has_value;   /* count > 0 */
    mpq_t value;      /* the aggregate, on the rubric's scale */
    size_t trimmed;   /* trimmed-mean: scores dropped (0 or 2) */
    mpq_t weight_sum; /* confidence-weighted: sum of confidences; else count */
    bool below_threshold;
} merit_criterion_result;

/* One eligibility rule applied to one proposal. */
typedef struct merit_rule_result {
    bool passed;
    /* fact rules: the proposal's fact value, compared with rule->value */
    mpq_t actual;
    /* text rules, each-milestone scope: the first milestone that failed, or
     * SIZE_MAX */
    size_t failed_milestone;
} merit_rule_result;

/* What decided the order of a ranked proposal against the one just above. */
typedef enum merit_decider_kind {
    MERIT_DECIDED_FIRST = 0, /* top of the list: nothing above */
    MERIT_DECIDED_TOTAL,     /* the totals differ */
    MERIT_DECIDED_TIEBREAK,  /* equal totals; tie-break `decider_index` decided */
    MERIT_DECIDED_TIED,      /* equal on every rule: a shared rank */
} merit_decider_kind;

typedef struct merit_proposal_result {
    size_t proposal; /* index into call->proposals */
    merit_status status;
    size_t reviews_counted;
    size_t reviews_excluded;
    merit_criterion_result *criteria; /* one per rubric criterion */
    bool has_total;
    mpq_t total; /* sum over criteria of weight * aggregate */
    bool total_below_threshold;
    /* the range of complete reviewers' totals, when at least two */
    bool has_spread;
    mpq_t spread;
    bool disagreement; /* spread above the rubric's limit: a flag, not a status */
    /* derived facts, those before MERIT_FACT_REQUEST (the request is the
     * proposal's, in cents); facts[MERIT_FACT_WORDS] is unused (0): words
     * are per section, in the proposal (merit_proposal_section). A fact
     * whose inputs the proposal lacks (merit_proposal_has_fact) is 0 and
     * means nothing. Declared facts are the proposal's (merit_proposal_fact).
     * merit_fact_value reads any of them. */
    mpq_t facts[MERIT_FACT_STORED];
    merit_rule_result *rules; /* one per rubric rule */
    bool eligible;
    /* ranking: only proposals that pass everything but the budget; the four
     * fields below mean nothing for an unranked proposal (rank 0) */
    size_t rank;      /* 1-based competition rank ("1224"); 0 when unranked */
    bool rank_shared; /* another proposal has the same rank */
    merit_decider_kind decided_by;
    size_t decider_index; /* tie-break index for MERIT_DECIDED_TIEBREAK */
    /* the funding walk */
    int64_t cumulative; /* cents awarded up to and including this one, if funded */
    bool tie_at_line;   /* a shared rank the remaining budget could not fund whole */
    bool grey_zone; /* the rank interval crosses the funding line (merit stats, docs/scoring.md) */
    /* the bootstrap (result->has_intervals; docs/scoring.md, "Rank intervals
     * and the grey zone"); 0 for an unranked proposal or without intervals.
     * Positions are 1-based places in a resample's order, ties broken at
     * random. */
    size_t rank_low;    /* the interval's lower end: the a-th smallest position */
    size_t rank_median; /* the median position */
    size_t rank_high;   /* the interval's upper end */
    size_t funded_in;   /* resamples whose walk funded it: P(funded) = funded_in / resamples */
} merit_proposal_result;

/* One step of the funding walk, in ranked order. */
typedef enum merit_walk_action {
    MERIT_WALK_FUNDED = 0,
    MERIT_WALK_DOES_NOT_FIT, /* the request exceeds what remains */
    MERIT_WALK_AFTER_LINE,   /* the walk stopped at an earlier proposal */
    MERIT_WALK_TIE_AT_LINE,  /* a shared rank that cannot be funded whole */
    /* a tie at the line funded whole past the budget, within the call's
     * overspend (ties="fund-whole") */
    MERIT_WALK_FUNDED_OVERSPEND,
    MERIT_WALK_DRAWN_FUNDED,       /* drawn by the lottery, and it fits: funded */
    MERIT_WALK_DRAWN_DOES_NOT_FIT, /* drawn by the lottery, but it does not fit */
} merit_walk_action;

/* Steps come in the order the walk took them: the ranked order, except
 * that the lottery's are in draw order (the tie's in place of the tie; the
 * grey zone's after the proposals clearly above the line). */
typedef struct merit_walk_step {
    size_t result;     /* index into result->proposals */
    int64_t request;   /* cents: the proposal's request */
    int64_t remaining; /* cents left before this step */
    merit_walk_action action;
} merit_walk_step;

typedef struct merit_rank_options {
    bool override_method; /* use `method` instead of the rubric's */
    merit_method method;
    /* --lottery SEED: settle a tie at the line by lottery with this seed,
     * whatever the call's ties= and seed= say (draw-among stays the
     * call's). Borrowed; NULL: the call's rule. */
    const char *lottery_seed;
    /* rank intervals by bootstrap (docs/scoring.md, "Rank intervals and the
     * grey zone"): resamples 0 computes none (the library's default; the
     * commands' is 1000), at most MERIT_MAX_RESAMPLES; level the interval's
     * coverage in percent, 50 to 99, 0 meaning 90; seed the generator's
     * seed, borrowed, NULL meaning the call's id */
    size_t resamples;
    unsigned level;
    const char *seed;
} merit_rank_options;

#define MERIT_MAX_RESAMPLES 1000000u
/* The bootstrap holds resamples x ranked proposals 32-bit positions: at
 * most this many (1 GiB); more is a limit error (docs/scoring.md). */
#define MERIT_MAX_POSITIONS (1ull << 28)
#define MERIT_DEFAULT_LEVEL 90u

typedef struct merit_result {
    const merit_call *call; /* borrowed */
    merit_method method;
    merit_proposal_result *proposals; /* parallel to call->proposals */
    size_t proposal_count;
    /* every proposal in report order: ranked ones by rank (ties by id), then
     * the rest by status, then id. Indices into proposals. */
    size_t *order;
    size_t ranked_count;          /* the first ranked_count entries of order are ranked */
    merit_review_result *reviews; /* parallel to call->reviews */
    size_t review_count;
    size_t reviews_excluded; /* reviews not counted (conflicts) */
    merit_walk_step *walk;
    size_t walk_count;
    int64_t awarded;   /* cents */
    int64_t remaining; /* cents; 0 when the awards went past the budget */
    size_t funded_count;
    /* z-score only (NULL and 0 for every other method): one entry per
     * reviewer and criterion, zscores[reviewer * criterion_count +
     * criterion], and one panel per criterion. */
    merit_zscore *zscores;
    size_t zscore_count; /* reviewer_count * criterion_count */
    merit_zscore_panel *zscore_panels;
    /* the rule at the line (docs/scoring.md section 8), as the walk used it */
    merit_tie_policy ties;
    bool ties_from_command_line; /* --lottery set the policy and the seed */
    merit_draw_among draw_among;
    char *lottery_seed;        /* the lottery's seed (owned), or NULL */
    bool skip_unaffordable;    /* the walk goes on past what it cannot fund */
    bool skip_from_call;       /* ... as the call says (else the rubric) */
    int64_t overspend_allowed; /* cents (fund-whole) */
    int64_t overspent;         /* cents awarded past the budget (fund-whole) */
    bool skipped;              /* a proposal was funded below one not funded */
    size_t *pool;              /* the lottery's pool, result indices in rank-
                                  then-id order; owned; NULL when no draw */
    size_t *draw;              /* the same after the shuffle: the draw order */
    size_t pool_count;
    /* rank intervals (docs/scoring.md, "Rank intervals and the grey zone"):
     * has_intervals when resamples > 0 and something is ranked; then each
     * ranked proposal's rank_low, rank_median, rank_high, funded_in and
     * grey_zone are set */
    bool has_intervals;
    size_t resamples;  /* B, as asked (0: none) */
    unsigned level;    /* the interval's coverage, percent (50..99) */
    char *seed;        /* the seed used, owned (NULL without intervals) */
    size_t line;       /* the funding line: ranked proposals the strict walk funds */
    size_t grey_count; /* ranked proposals in the grey zone */
} merit_result;

/* Scores, checks and ranks a loaded call. Returns 0 and *result_out, owned
 * by the caller, or a negative merit_error with diagnostics (e.g. a text
 * rule that hit the match limit). */
int merit_call_rank(merit_ctx *ctx, const merit_call *call, const merit_rank_options *options,
                    merit_result **result_out);
void merit_result_free(merit_result *result);

/* Names as every report writes them. Static strings. */
const char *merit_status_name(merit_status status);
const char *merit_walk_action_name(merit_walk_action action); /* "does-not-fit" */
const char *merit_decider_name(merit_decider_kind kind);      /* "tie-break" */
const char *merit_direction_name(merit_direction direction);  /* "lower-is-better" */
const char *merit_tie_policy_name(merit_tie_policy ties);     /* "fund-whole" */
const char *merit_draw_among_name(merit_draw_among among);    /* "grey-zone" */

/* The value of a fact of a proposal of res into out (initialised by the
 * caller): a derived fact, the words of `section` (MERIT_FACT_WORDS), or
 * the declared fact `name` (MERIT_FACT_DECLARED). Returns false, out
 * unset, when the proposal does not carry what the fact comes from. */
bool merit_fact_value(const merit_result *res, const merit_proposal_result *pr, merit_fact fact,
                      const char *name, const char *section, mpq_t out);

/* The name of a merit_zscore_kept as the trail writes it: "standardised",
 * "few-scores", "no-spread". Static. */
const char *merit_zscore_kept_name(merit_zscore_kept kept);

/* The shown value of a score: scale_min + steps * scale_step. */
void merit_score_value(const merit_rubric *rubric, int32_t steps, mpq_t out);

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
