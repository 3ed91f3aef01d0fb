/*
 * Reviewer assignment (`merit assign`): K reviewers for every proposal of a
 * call, never a conflicted pair (nor an unwilling bid), loads as even as the
 * panel allows, then the best bids, then as many expertise matches as that
 * leaves, found as a minimum-cost flow
 * (docs/cli.md "merit assign" says how, and what it does not do).
 *
 * Ownership as in merit.h: a result handed back through an _out parameter
 * belongs to the caller (merit_assign_result_free); the strings a function
 * returns directly are borrowed from the call.
 */
#ifndef MERIT_ASSIGN_H
#define MERIT_ASSIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "merit.h"
#include "model.h"
#include "report.h"

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
#ifdef __cplusplus
extern "C" {
#endif

struct merit_table;

/*
 * A bid table (docs/formats.md, "Bids"): what each reviewer said about
 * reviewing each proposal, as conference systems collect it. A bid is an
 * integer from -100 to 100 (HotCRP's preference scale) or one of the words
 * eager (2), willing (1), in-a-pinch (-1) and unwilling (-100); -100 means
 * the reviewer is never given the proposal, as for a conflict. A pair
 * without a row has no bid, which counts as 0.
 */
typedef struct merit_bids merit_bids;

#define MERIT_BID_UNWILLING (-100)

/*
 * Reads bids from a table (merit/table.h) with the columns reviewer,
 * proposal and bid, in any order. Every bad row is reported at its row and
 * column in one run: a reviewer not on the panel or a proposal not in the
 * call (with "did you mean"), a bid that is neither a whole number from
 * -100 to 100 nor one of the words, the same pair twice. Returns 0,
 * MERIT_EINVALID or MERIT_ENOMEM.
 */
int merit_bids_from_table(merit_ctx *ctx, const merit_call *call, const struct merit_table *table,
                          merit_bids **bids_out);
void merit_bids_free(merit_bids *bids);
/* The reviewer's bid on the proposal, 0 when none; *word_out (when not
 * NULL) the word the table used, or NULL when it gave a number or no bid.
 * bids may be NULL: no bid table. */
int merit_bids_get(const merit_bids *bids, size_t reviewer, size_t proposal, const char **word_out);
/* Rows of the table: the bids given. */
size_t merit_bids_count(const merit_bids *bids);

typedef struct merit_assign_options {
    unsigned per_proposal;  /* K; 0: 3 */
    unsigned max_load;      /* L; 0: ceil(proposals * K / reviewers) */
    const merit_bids *bids; /* borrowed; NULL: no bids */
} merit_assign_options;

typedef struct merit_assign_pair {
    size_t proposal; /* index into call->proposals */
    size_t reviewer; /* index into call->reviewers */
    bool expertise;  /* the reviewer's expertise names the proposal's area */
} merit_assign_pair;

typedef struct merit_assign_result {
    merit_assign_pair *pairs; /* sorted by proposal, then reviewer */
    size_t count;             /* proposals * per_proposal */
    size_t *loads;            /* per reviewer, indexed like call->reviewers */
    unsigned per_proposal;
    unsigned max_load;
    size_t min_load, top_load; /* the smallest and largest load given */
    size_t matches;            /* pairs with an expertise match */
    size_t candidates;         /* candidate reviewers per proposal at the end */
    size_t lo_load, hi_load;   /* the mean load rounded down and up: the tiers */
    size_t bid_pairs;          /* pairs with a positive bid */
} merit_assign_result;

/*
 * Assigns the call's proposals. Returns 0, MERIT_EINVALID (diagnostics in
 * ctx name every proposal that cannot get K reviewers, or the panel's
 * capacity when it is short), MERIT_EUSAGE (per_proposal over 1000) or
 * MERIT_ENOMEM.
 */
int merit_assign(merit_ctx *ctx, const merit_call *call, const merit_assign_options *options,
                 merit_assign_result **result_out);
void merit_assign_result_free(merit_assign_result *result);

/*
 * The assignment an assignment table gives (merit_assignment_from_table's
 * checks: every reviewer and proposal known, no pair twice, no declared
 * conflict), as a result that merit_assign_write_explain can explain:
 * loads and tiers as merit_assign would count them, per_proposal the most
 * any proposal has, max_load from options or the mean rounded up.
 */
int merit_assign_from_table(merit_ctx *ctx, const merit_call *call, const struct merit_table *table,
                            const merit_assign_options *options, merit_assign_result **result_out);

/* Why the reviewer may not review the proposal: NULL when they may, else
 * "conflict" (declared in call.xml or a sheet; *detail_out its reason) or
 * "organisation" (*detail_out the organisation's name, which the
 * reviewer's affiliation names as a whole word, ignoring ASCII case). */
const char *merit_assign_excluded(const merit_call *call, size_t reviewer, size_t proposal,
                                  const char **detail_out);
/* Whether one of the reviewer's expertise keywords (separated by ';',
 * trimmed) is the proposal's area, ignoring ASCII case. */
bool merit_assign_expertise_match(const merit_call *call, size_t reviewer, size_t proposal);

/* The assignment as the table `merit sheets --assignment` reads: a header
 * "reviewer,proposal", one row a pair, in the result's order. */
int merit_assign_write_csv(merit_sink *sink, const merit_call *call,
                           const merit_assign_result *result);
/* Why the proposal got the reviewers it got, in text: each with its load
 * and load tier, the expertise keyword that matches the area, and the bid;
 * then each class of reviewer excluded (conflict, same organisation,
 * unwilling) and of eligible ones not chosen (at the load limit, with
 * room), counted, with their ids (a long list cut to its first five).
 * bids may be NULL. */
int merit_assign_write_explain(merit_sink *sink, const merit_call *call,
                               const merit_assign_result *result, const merit_bids *bids,
                               size_t proposal);

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
