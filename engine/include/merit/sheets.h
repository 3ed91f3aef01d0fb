/*
 * Getting scores into a call: which proposals each reviewer of the panel is
 * given (an assignment), the score-sheet templates `merit sheets` writes
 * from it, and checking a lone sheet or proposal against its call (`merit
 * validate --call`) with the checks the call loader makes.
 *
 * Ownership as in merit.h: an assignment handed back through an _out
 * parameter belongs to the caller (merit_assignment_free); arrays returned
 * directly are borrowed from it.
 */
#ifndef MERIT_SHEETS_H
#define MERIT_SHEETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "merit.h"
#include "model.h"

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
#ifdef __cplusplus
extern "C" {
#endif

typedef struct merit_assignment merit_assignment;

/*
 * The assignment a call has while nobody made one: every proposal of the
 * call for every reviewer of its panel, but those the reviewer has a
 * conflict with, declared by the programme office in call.xml or by the
 * reviewer in a sheet of the call. Returns 0 or MERIT_ENOMEM.
 */
int merit_assignment_default(merit_ctx *ctx, const merit_call *call,
                             merit_assignment **assignment_out);
/*
 * An assignment from a table (merit/table.h) with a column "reviewer" and a
 * column "proposal", one row a pair: exactly the proposals listed are given
 * to each reviewer. Every bad cell is reported with its row and column (a
 * reviewer not on the panel, a proposal not in the call, a pair twice, a
 * pair with a declared conflict), all in one run. Returns 0,
 * MERIT_EINVALID or MERIT_ENOMEM. `merit assign` (merit/assign.h) writes
 * such a table.
 */
struct merit_table;
int merit_assignment_from_table(merit_ctx *ctx, const merit_call *call,
                                const struct merit_table *table, merit_assignment **assignment_out);
void merit_assignment_free(merit_assignment *assignment);
/* Whether the proposal (an index into call->proposals) is given to the
 * reviewer (an index into call->reviewers). */
bool merit_assignment_has(const merit_assignment *assignment, size_t reviewer, size_t proposal);

/*
 * Writes the score-sheet template of a reviewer (an index into
 * call->reviewers) to out: a <sheet> of the call with one <review> per
 * proposal the assignment gives them, each with one <score value=""> per
 * criterion of the rubric and confidence="", the scale and every
 * criterion's levels in a comment at the top, the conflicts declared on the
 * reviewer noted as comments (the reviewer's own kept as <conflict>
 * elements). Empty values are read as "not filled in yet" (docs/formats.md,
 * "Score-sheet templates"). Returns 0, or -1 when writing to out failed.
 */
int merit_sheet_template_write(FILE *out, const merit_call *call,
                               const merit_assignment *assignment, size_t reviewer);

/*
 * Checks the file at path against a loaded call: a score sheet or bundle
 * (the call's id, the reviewer on its panel, every proposal reviewed in the
 * call, every criterion of its rubric scored once on the scale and its
 * step or given a reason, conflicts that name proposals of the call, and,
 * when assignment is not NULL, only proposals assigned to the reviewer; a
 * review the programme office's conflict will exclude gets a warning), or a
 * proposal or bundle (its own checks, the call's id). Any other file is
 * checked on its own, as merit_file_validate does. *kind_out and *count_out
 * as there. Returns 0 when clean.
 */
int merit_call_check_file(merit_ctx *ctx, const merit_call *call,
                          const merit_assignment *assignment, const char *path,
                          const char **kind_out, size_t *count_out);

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
