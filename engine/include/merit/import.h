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
 * A proposals table has one row per proposal: columns id, title, and
 * optionally applicant, area, request (the amount; or one amount for every
 * proposal, merit_import_proposal_options.request), months, a column per
 * section ("section:summary") and per declared fact ("fact:trl"). It
 * becomes one <proposals> bundle of the call, checked cell by cell as the
 * proposal loader checks a proposal against the call's rubric: every value
 * its schema type allows (read from the schema itself,
 * merit_schema_value_check), every id new to the call and to the table,
 * everything the rubric requires there. What a table cannot give (a team,
 * milestones, a yearly budget) is refused at the header when the rubric
 * requires it.
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

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
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

/* --- proposals ---------------------------------------------------------- */

/* What a column of a proposals table holds, besides sections and facts. */
typedef enum merit_proposal_role {
    MERIT_PROPOSAL_ID = 0,
    MERIT_PROPOSAL_TITLE,
    MERIT_PROPOSAL_APPLICANT,
    MERIT_PROPOSAL_AREA,
    MERIT_PROPOSAL_REQUEST,
    MERIT_PROPOSAL_MONTHS,
    MERIT_PROPOSAL_ROLE_COUNT
} merit_proposal_role;

/* "id", "title", "applicant", "area", "request", "months": the role's name
 * and the default header of its column (the names of the columns of
 * `merit rank --format csv`). */
const char *merit_proposal_role_name(merit_proposal_role role);
/* The role of that name, or -1. */
int merit_proposal_role_from_name(const char *name);

/* A section or a declared fact and the header of its column. */
typedef struct merit_named_column {
    const char *name;   /* the section's or the fact's name */
    const char *header; /* the column's header */
} merit_named_column;

typedef struct merit_import_proposal_options {
    /* The header of each role's column; NULL: the role's name. Two roles
     * may read one column (a table without titles: the title is the id). */
    const char *columns[MERIT_PROPOSAL_ROLE_COUNT];
    /* Sections and facts whose column is not headed "section:NAME" or
     * "fact:NAME". */
    const merit_named_column *sections;
    size_t section_count;
    const merit_named_column *facts;
    size_t fact_count;
    /* Headers of columns to leave out; any other unknown column is an
     * error, so that nothing is dropped silently. */
    const char *const *ignore;
    size_t ignore_count;
    /* The amount a proposal requests when the table gives none (no request
     * column, or an empty cell), as written; NULL: none. The caller has
     * checked it is an amount above zero. */
    const char *request;
} merit_import_proposal_options;

typedef struct merit_proposal_import merit_proposal_import;

/* Reads the proposals of table for call (checked against its id, its
 * proposals and its rubric). Returns 0, MERIT_EINVALID after a diagnostic
 * for every bad cell, or MERIT_ENOMEM. */
int merit_import_proposals(merit_ctx *ctx, const merit_call *call, const merit_table *table,
                           const merit_import_proposal_options *options,
                           merit_proposal_import **import_out);
void merit_proposal_import_free(merit_proposal_import *import);
/* Proposals read: one per row. */
size_t merit_proposal_import_count(const merit_proposal_import *import);
/* Writes the proposals as one <proposals> bundle, in the table's order.
 * Returns 0, or -1 when writing failed. */
int merit_proposal_import_write(FILE *out, const merit_proposal_import *import);

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
