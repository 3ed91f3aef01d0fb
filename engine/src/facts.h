/*
 * Facts derived from a proposal (federal share, cost-share ratio, SME share,
 * milestones, months, words per section, ...) and the eligibility rules that
 * test them. Every fact is exact: money ratios are rationals of cents.
 */
#ifndef MERIT_FACTS_H
#define MERIT_FACTS_H

#include "internal.h"
#include "merit/result.h"

/* Words: maximal runs of characters that are not white space (space, tab,
 * CR, LF, form feed, vertical tab, or U+00A0). */
uint64_t merit__count_words(const char *text);

/* facts[] must be initialised; a fact the proposal lacks the inputs of
 * (merit_proposal_has_fact) is left 0. */
void merit__facts_compute(const merit_proposal *p, mpq_t facts[MERIT_FACT_STORED]);

/* The value of one fact (for rules and tie-breaks) into out: pr->facts[fact],
 * or, for MERIT_FACT_WORDS, the words of `section`, or, for
 * MERIT_FACT_DECLARED, the proposal's fact `name`. Returns 0, or -1 when
 * the proposal lacks what the fact is derived from (out is then unset):
 * never a zero that stands for nothing. */
int merit__fact_value(const merit_proposal_result *pr, const merit_proposal *p, merit_fact fact,
                      const char *name, const char *section, mpq_t out);

/* What a fact is derived from, for diagnostics: "the federal, cash and
 * in-kind amounts". Static. */
const char *merit__fact_input(merit_fact fact, const char *section);

/* Applies one rule, rubric->rules[index]; out->actual must be initialised.
 * A text rule is not run here: its outcome was computed when the proposal
 * loaded (p->text_outcomes[index]), and is turned here into the result and
 * the diagnostics. A text rule whose pattern hit the match limit is reported
 * as an error diagnostic at the rule and returns MERIT_ELIMIT; one that
 * failed to run, or has no outcome (the proposal was loaded without this
 * rubric), is reported as an error and returns MERIT_EINVALID. */
int merit__rule_apply(merit_ctx *ctx, const merit_rule *rule, size_t index, const merit_proposal *p,
                      const merit_proposal_result *pr, merit_rule_result *out);

/* True when `cmp` (the sign of actual - value) satisfies op. */
bool merit__op_holds(merit_op op, int cmp);

#endif
