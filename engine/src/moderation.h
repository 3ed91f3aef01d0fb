/*
 * The panel's changes to scores (CALLDIR/moderation/ *.xml, docs/formats.md
 * "Moderation"): read after the sheets, checked against the call, and
 * applied to the reviews' steps, the sheets' own kept beside them.
 */
#ifndef MERIT_MODERATION_H
#define MERIT_MODERATION_H

#include "internal.h"
#include "xml_input.h"

/* A <change> as written, before it is checked against the call. */
struct merit_raw_change {
    char *call, *proposal, *reviewer, *criterion, *from, *to, *by, *at, *kind, *reason;
    merit_loc loc, call_loc, proposal_loc, reviewer_loc, criterion_loc, from_loc, to_loc, at_loc;
};

struct merit_raw_moderation {
    struct merit_raw_change *changes; /* owned */
    size_t count, cap;
};

/* Adds the <change>s of a valid <moderation> root to m. Returns 0 or
 * MERIT_ENOMEM. The locs borrow doc->path, which must outlive m. */
int merit__moderation_read(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *root,
                           struct merit_raw_moderation *m);
/* Checks each change against the call (sorted reviews, rubric, rules) and
 * applies them to the reviews in time order, filling call->changes. Every
 * problem is reported; returns 0, MERIT_EINVALID or MERIT_ENOMEM. */
int merit__moderation_apply(merit_ctx *ctx, merit_call *call, struct merit_raw_moderation *m);
void merit__moderation_release(struct merit_raw_moderation *m);
void merit__moderation_changes_free(merit_call *call);

#endif
