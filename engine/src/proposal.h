/* Proposal loading (proposal.c): one <proposal> element into the model. */
#ifndef MERIT_PROPOSAL_H
#define MERIT_PROPOSAL_H

#include "internal.h"
#include "xml_input.h"

/* Fills p from a validated <proposal> element and checks what the schema
 * cannot: one lead, SME sizes, unique ids inside, budget years and totals.
 * The section texts are read, turned into p->words and, when rubric is not
 * NULL and the proposal is valid, into one outcome per text rule of rubric
 * (p->text_outcomes), then freed with the milestones' descriptions; no
 * diagnostic of a text rule is given here (the ranking gives them).
 * p must be zeroed; on failure it may be partly filled and is released with
 * merit__proposal_release. */
int merit__proposal_from_node(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *node,
                              const merit_rubric *rubric, merit_proposal *p);
void merit__proposal_release(merit_proposal *p);

/* The SME size rule of the seed: an SME has fewer than 500 employees. */
#define MERIT_SME_MAX_EMPLOYEES 499u

#endif
