/*
 * Agreement among reviewers (docs/scoring.md, "Agreement"): Krippendorff's
 * alpha with missing data, and the six Shrout-Fleiss intraclass
 * correlations on a complete block. Every figure is an exact fraction (GMP
 * rational); nothing here is ever a float. Rounding is for whoever shows it.
 *
 * Ownership: a merit__ratings, a merit__alpha and a merit__icc live where
 * the caller puts them (on the stack, in an array); the caller initialises
 * each with its _init and releases it with its _clear, which frees what
 * the functions below allocated inside it. merit__agreement_compute hands
 * back a merit__agreement owned by the caller, freed by
 * merit__agreement_free (NULL is a no-op); it borrows nothing from the
 * result it was computed from.
 *
 * Words of the method: a unit is what is rated (a proposal), a coder who
 * rates (a reviewer), a value what the coder gave (a score in scale steps,
 * or a reviewer's weighted total). A coder gives at most one value per
 * unit; a value that is not there is missing data, not a zero.
 *
 * Cost: O(N log N) in the number N of values, for alpha and ICC alike.
 */
#ifndef MERIT_AGREEMENT_H
#define MERIT_AGREEMENT_H

#include "internal.h"
#include "merit/result.h"

/* Reliability data, sparse: the values that are there, sorted by (unit,
 * coder), each pair at most once. */
typedef struct merit__rating {
    size_t unit;
    size_t coder;
    mpq_t value;
} merit__rating;

typedef struct merit__ratings {
    merit__rating *items;
    size_t count;
    size_t cap;
} merit__ratings;

void merit__ratings_init(merit__ratings *r);
void merit__ratings_clear(merit__ratings *r);
/* Appends a value (copied). The pair must come after the last one in
 * (unit, coder) order: MERIT_EUSAGE otherwise; MERIT_ENOMEM; 0. */
int merit__ratings_add(merit__ratings *r, size_t unit, size_t coder, const mpq_t value);

typedef enum merit__metric {
    MERIT_METRIC_NOMINAL = 0, /* delta = 0 if equal, else 1 */
    MERIT_METRIC_ORDINAL,     /* delta from the ranks of the values (their frequencies) */
    MERIT_METRIC_INTERVAL,    /* delta = (a - b)^2 */
} merit__metric;

typedef struct merit__alpha {
    /* false when D_e = 0: no pairable values, or every pairable value the
     * same; value, observed and expected are then 0 and mean nothing */
    bool defined;
    mpq_t value;    /* 1 - D_o / D_e */
    mpq_t observed; /* D_o */
    mpq_t expected; /* D_e */
    size_t units;   /* units with at least two values (the pairable ones) */
    size_t values;  /* n: the values in those units */
} merit__alpha;

void merit__alpha_init(merit__alpha *a);
void merit__alpha_clear(merit__alpha *a);
/* Krippendorff's alpha of r under metric into *out. Units with fewer than
 * two values are left out, as the method says. Returns 0, MERIT_ENOMEM. */
int merit__alpha_compute(const merit__ratings *r, merit__metric metric, merit__alpha *out);

/* The six forms of Shrout & Fleiss (1979), in their order. */
typedef enum merit__icc_form {
    MERIT_ICC_1_1 = 0,
    MERIT_ICC_2_1,
    MERIT_ICC_3_1,
    MERIT_ICC_1_K,
    MERIT_ICC_2_K,
    MERIT_ICC_3_K,
    MERIT_ICC_FORMS
} merit__icc_form;

/* A block of fewer proposals than this is named as such by the reports:
 * its ICCs describe those proposals alone (docs/scoring.md, "Agreement"). */
#define MERIT__ICC_FEW_PROPOSALS 10

typedef struct merit__icc {
    /* false: the data hold no complete block of at least two units rated by
     * the same two or more coders ("design does not allow"); every field
     * below is then 0 */
    bool design;
    size_t targets;                /* n: units in the block */
    size_t judges;                 /* k: coders in the block */
    size_t *coders;                /* the block's k coders, ascending; owned */
    size_t skipped;                /* units with values left out of the block */
    mpq_t bms;                     /* between-targets mean square */
    mpq_t wms;                     /* within-target mean square */
    mpq_t jms;                     /* between-judges mean square */
    mpq_t ems;                     /* residual mean square */
    bool defined[MERIT_ICC_FORMS]; /* false where the denominator is 0 */
    mpq_t value[MERIT_ICC_FORMS];
} merit__icc;

void merit__icc_init(merit__icc *icc);
void merit__icc_clear(merit__icc *icc);
/* The six ICCs of r on its complete block: each unit's coder set is the
 * coders who gave it a value; the block is the units whose set is the one
 * shared by the most units among sets of two or more coders (a tie: the
 * larger set, then the first set in coder order). Returns 0, MERIT_ENOMEM. */
int merit__icc_compute(const merit__ratings *r, merit__icc *out);

/* What a call's reviewers agree on: one item per rubric criterion, in
 * rubric order (values: scale steps), then one for the reviewers' weighted
 * totals (values: a complete review's total). Units: every proposal;
 * coders: reviewers; only counted reviews (conflicts excluded), and a
 * no-score (or, for the total, an incomplete review) is missing data. */
typedef struct merit__agreement_item {
    size_t criterion; /* index into the rubric's criteria; criterion_count for the total */
    merit__alpha interval;
    merit__alpha ordinal;
    merit__icc icc;
} merit__agreement_item;

typedef struct merit__agreement {
    merit__agreement_item *items; /* criterion_count + 1 */
    size_t item_count;
} merit__agreement;

int merit__agreement_compute(const merit_result *res, merit__agreement **out);
void merit__agreement_free(merit__agreement *agreement);

#endif
