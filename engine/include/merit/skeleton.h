/*
 * The files of a new call, as `merit init` writes them (docs/cli.md, merit
 * init): call.xml, the plain rubric a call starts with when it names none,
 * and an example proposal that carries exactly what the call's rubric
 * requires (merit_rubric.requirements: its <requires>, and what its rules
 * and tie-breaks read), so that the call validates as soon as it is
 * written and a person sees, in the file, what each proposal must hold.
 *
 * The writers take values that are valid for their schema types (the
 * caller checks them, e.g. with merit_schema_value_check): they escape
 * what XML needs and nothing more. Ownership as in merit.h: every pointer
 * returned is static, borrowed for the life of the process.
 */
#ifndef MERIT_SKELETON_H
#define MERIT_SKELETON_H

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

/* The rubric a new call gets when it names none: three criteria (quality,
 * impact, feasibility) from 1 to 5 in whole points, weight 1 each, the mean
 * of at least two reviewers, no threshold, rule or tie-break, so that it
 * requires nothing of a proposal beyond the core; with comments on what to
 * edit. The text of a rubric file, NUL-terminated. */
const char *merit_skeleton_plain_rubric(void);

/* The bytes of a rubric shipped inside merit (rubrics/NAME.xml as it was
 * at build time) and their count in *size_out; NULL for an unknown name. */
const unsigned char *merit_skeleton_shipped_rubric(const char *name, size_t *size_out);

/* What call.xml says. */
typedef struct merit_skeleton_call {
    const char *id;
    const char *title;
    const char *currency; /* three capitals */
    const char *budget;   /* the amount available, as written */
    /* A rubric shipped inside merit, referenced by name; NULL: the call's
     * own rubric.xml, beside call.xml. */
    const char *rubric_name;
    const char *const *reviewers; /* the panel's ids, at least one */
    size_t reviewer_count;
} merit_skeleton_call;

/* Writes call.xml: a comment on what to fill in, then the call. Returns 0,
 * or -1 when writing to out failed. */
int merit_skeleton_call_write(FILE *out, const merit_skeleton_call *call);

/* Writes an example proposal of the call, id proposal_id: the core (title,
 * applicant, request in the call's currency) and one placeholder for each
 * thing the rubric requires (months, area, a team with the organisation
 * fields required, each section, two milestones, each declared fact, a
 * budget of ⌈months / 12⌉ years whose federal share is one half), each with
 * a comment saying why the rubric requires it, and the rubric's eligibility
 * rules listed at the top. It validates against the rubric as written.
 * Returns 0, or -1 when writing to out failed. */
int merit_skeleton_proposal_write(FILE *out, const merit_rubric *rubric, const char *call_id,
                                  const char *currency, const char *proposal_id);

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
