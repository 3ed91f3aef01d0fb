/*
 * Score sheets (sheet.c): one reviewer's sheet as loaded, before the call
 * loader resolves what needs the other files (the reviewer on the panel, the
 * call, the proposals). What can be checked inside one sheet is checked
 * here: a review per proposal at most, a criterion once per review, no review
 * of a proposal the reviewer declared a conflict with. Given the call's
 * rubric, every score is also resolved as it loads (criterion to index,
 * value to a count of steps on the scale, with the diagnostics for each
 * wrong one) straight into the arrays of the review's final merit_review,
 * which the call loader then moves, not copies: a large call holds each
 * score once and no text of it.
 *
 * The loader keeps no state outside its arguments, so sheets may load on one
 * thread while proposals load on another (each with a context of its own).
 */
#ifndef MERIT_SHEET_H
#define MERIT_SHEET_H

#include "internal.h"
#include "xml_input.h"

struct merit_raw_review {
    /* With a rubric: the review in its final form but for .reviewer and
     * .proposal (a criterion the review does not mention has steps
     * MERIT_NO_SCORE, no no-score reason and score_places[].line 0).
     * Without one: .confidence, .comment and .loc only. */
    merit_review review;
    char *proposal; /* the proposal id as written */
    merit_loc proposal_loc;
    /* The diagnostics count of the loading context before the review
     * loaded: when it is invalid, its first error follows (keep-going gives
     * it as the reason the review is left out). */
    size_t diag_mark;
    bool invalid;           /* a score was reported wrong: the review cannot be kept */
    bool unknown_criterion; /* it names a criterion the rubric lacks (reported) */
};

struct merit_raw_conflict {
    char *proposal;
    char *reason;
    merit_loc loc;
};

struct merit_raw_sheet {
    char *reviewer;
    char *call;
    struct merit_raw_conflict *conflicts;
    size_t conflict_count;
    struct merit_raw_review *reviews;
    size_t review_count;
    size_t invalid_reviews; /* reviews with .invalid set */
    size_t criterion_count; /* of the rubric the scores were resolved against; 0 without one */
    merit_loc loc;
    merit_loc reviewer_loc;
    merit_loc call_loc;
};

/*
 * Loads the <sheet> element node of doc into *sheet (zeroed by the caller).
 * rubric is the call's, against which the scores are resolved; NULL when
 * there is none (a file checked on its own, a call whose rubric failed to
 * load): then the reviews hold no scores. Returns 0, MERIT_EINVALID when a
 * check of the sheet failed, or MERIT_ENOMEM. A wrong score does not fail
 * the sheet: its review is marked invalid (and counted in invalid_reviews),
 * so that keep-going can leave out that review alone. Whatever is returned,
 * merit__sheet_release releases what *sheet holds.
 */
int merit__sheet_from_node(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *node,
                           const merit_rubric *rubric, struct merit_raw_sheet *sheet);
void merit__sheet_release(struct merit_raw_sheet *sheet);
/* Releases the reviews alone (what is left of them once moved into a call),
 * keeping the sheet's ids and places. */
void merit__sheet_release_reviews(struct merit_raw_sheet *sheet);

/* Releases what a review holds (criteria: the rubric's criterion count); a
 * review built by this module or moved from one. */
void merit__review_release(merit_review *review, size_t criteria);

#endif
