/*
 * Importing a spreadsheet into a call: a table (merit/table.h) of scores
 * turned into ordinary score sheets, one per reviewer, checked cell by cell
 * against the call as the call would check the sheets (docs/cli.md, merit
 * import). Every bad cell is reported as "table.csv:ROW:COLUMN: error:
 * ...", all of them in one run, and nothing is made when any is bad.
 * Scores are kept as the text of their cell: exact, never through binary
 * floating point.
 *
 * Layouts of a scores table (the header names the columns; see
 * merit_import_role_name for the roles):
 *  - long: one row per score: reviewer, proposal, criterion, score, and
 *    optionally confidence, comment (on that score), no_score_reason (with
 *    an empty score: a <no-score>) and review_comment (the review's overall
 *    comment, the same in each of its rows);
 *  - wide by criterion: one row per review: reviewer, proposal, one column
 *    per criterion of the rubric (named by its id), and optionally
 *    confidence and comment (the review's overall comment);
 *  - wide by reviewer: one row per proposal: proposal, then one column per
 *    reviewer (named by the reviewer's id, or by a slot name that a prefix
 *    makes an id), each cell the score for the rubric's one criterion; an
 *    empty cell is a review not given.
 *
 * A proposals table is the next kind of import (after the neutral proposal
 * format): it will map its columns the same way, by role.
 *
 * Ownership as in merit.h: an import belongs to the caller
 * (merit_import_free); strings returned are borrowed from it. An import
 * borrows the ids of the call and the cells of the table it was made from:
 * both must outlive it.
 */
#ifndef MERIT_IMPORT_H
#define MERIT_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "merit.h"
#include "model.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum merit_import_layout {
    MERIT_IMPORT_LONG = 0,
    MERIT_IMPORT_WIDE_CRITERIA = 1,
    MERIT_IMPORT_WIDE_REVIEWERS = 2,
} merit_import_layout;

/* What a column holds. */
typedef enum merit_import_role {
    MERIT_ROLE_REVIEWER = 0,
    MERIT_ROLE_PROPOSAL,
    MERIT_ROLE_CRITERION,
    MERIT_ROLE_SCORE,
    MERIT_ROLE_CONFIDENCE,
    MERIT_ROLE_COMMENT,
    MERIT_ROLE_NO_SCORE_REASON,
    MERIT_ROLE_REVIEW_COMMENT,
    MERIT_ROLE_COUNT
} merit_import_role;

/* "reviewer", "proposal", "criterion", "score", "confidence", "comment",
 * "no_score_reason", "review_comment": the role's name, which is also the
 * header of its column unless told otherwise (the names of the columns of
 * `merit rank --format csv --detail`, so that its table imports as it is). */
const char *merit_import_role_name(merit_import_role role);
/* The role of that name, or -1. */
int merit_import_role_from_name(const char *name);

typedef struct merit_import_options {
    merit_import_layout layout;
    /* The header of each role's column; NULL: the role's name. */
    const char *columns[MERIT_ROLE_COUNT];
    /* Headers of columns to leave out (any other unknown column is an
     * error, so that nothing is dropped silently). */
    const char *const *ignore;
    size_t ignore_count;
    /* Wide by reviewer: a reviewer's id is this prefix and the column's
     * header (anonymous slots "0", "1", ... become "slot-0", "slot-1"
     * with "slot-"); NULL: the header alone. */
    const char *reviewer_prefix;
    /* The confidence (1-5) of a review the table gives none; 0: none. */
    uint8_t confidence;
} merit_import_options;

typedef struct merit_import merit_import;

/* Reads the scores of table against call. Returns 0, MERIT_EINVALID after
 * a diagnostic for every bad cell, or MERIT_ENOMEM. */
int merit_import_scores(merit_ctx *ctx, const merit_call *call, const merit_table *table,
                        const merit_import_options *options, merit_import **import_out);
void merit_import_free(merit_import *import);

/* The sheets made, one per reviewer, by reviewer id. */
size_t merit_import_sheet_count(const merit_import *import);
const char *merit_import_sheet_reviewer(const merit_import *import, size_t sheet);
/* Reviews and scores in all sheets. */
size_t merit_import_review_count(const merit_import *import);
size_t merit_import_score_count(const merit_import *import);
/* Writes a sheet as merit XML to out. Returns 0, or -1 when writing
 * failed. */
int merit_import_sheet_write(FILE *out, const merit_import *import, size_t sheet);

#ifdef __cplusplus
}
#endif

#endif
