/*
 * Score sheets (sheet.c): one reviewer's sheet read as written, before it is
 * resolved against a call (reviewer, proposals, criteria, scale). Resolving
 * is the call loader's job; what can be checked inside one sheet is checked
 * here: a review per proposal at most, a criterion once per review, no review
 * of a proposal the reviewer declared a conflict with.
 */
#ifndef MERIT_SHEET_H
#define MERIT_SHEET_H

#include "internal.h"
#include "xml_input.h"

struct merit_raw_score {
    char *criterion;
    char *value;        /* decimal text; NULL for a no-score */
    char *comment;      /* score comment, or the no-score's reason */
    uint8_t confidence; /* 0: the review's */
    merit_loc loc;
    merit_loc value_loc;
    merit_loc criterion_loc;
};

struct merit_raw_review {
    char *proposal;
    uint8_t confidence;
    struct merit_raw_score *scores;
    size_t score_count;
    char *comment;
    merit_loc loc;
    merit_loc proposal_loc;
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
    merit_loc loc;
    merit_loc reviewer_loc;
    merit_loc call_loc;
};

int merit__sheet_from_node(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *node,
                           struct merit_raw_sheet *sheet);
void merit__sheet_release(struct merit_raw_sheet *sheet);

#endif
