/*
 * Reviewer assignment (`merit assign`): K reviewers for every proposal of a
 * call, never a conflicted pair, loads as even as the panel allows, and as
 * many expertise matches as that leaves, found as a minimum-cost flow
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

typedef struct merit_assign_options {
    unsigned per_proposal; /* K; 0: 3 */
    unsigned max_load;     /* L; 0: ceil(proposals * K / reviewers) */
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
/* Why the proposal got the reviewers it got, in text: each with its
 * expertise match and load, then every reviewer excluded and why. */
int merit_assign_write_explain(merit_sink *sink, const merit_call *call,
                               const merit_assign_result *result, size_t proposal);

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
