/* The panel's changes to scores: see moderation.h. */
#include <stdlib.h>
#include <string.h>

#include "merit/number.h"
#include "moderation.h"
#include "rubric.h"
#include "suggest.h"

const char *merit_moderation_kind_name(merit_moderation_kind kind)
{
    static const char *const names[] = {"discussion", "consensus", "override"};
    return (size_t)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

static void raw_change_release(struct merit_raw_change *r)
{
    free(r->call);
    free(r->proposal);
    free(r->reviewer);
    free(r->criterion);
    free(r->from);
    free(r->to);
    free(r->by);
    free(r->at);
    free(r->kind);
    free(r->reason);
}

void merit__moderation_release(struct merit_raw_moderation *m)
{
    for (size_t i = 0; i < m->count; i++)
        raw_change_release(&m->changes[i]);
    free(m->changes);
    memset(m, 0, sizeof(*m));
}

void merit__moderation_changes_free(merit_call *c)
{
    for (size_t i = 0; i < c->change_count; i++) {
        free(c->changes[i].by);
        free(c->changes[i].at);
        free(c->changes[i].reason);
    }
    free(c->changes);
    c->changes = NULL;
    c->change_count = 0;
    free(c->moderation.until);
    c->moderation.until = NULL;
    free(c->moderation.chair);
    c->moderation.chair = NULL;
}

static char *dup_attr(const xmlNode *node, const char *name, bool *oom)
{
    const char *v = merit__xml_attr(node, name);
    char *s = v != NULL ? merit__strdup(v) : NULL;
    if (v != NULL && s == NULL)
        *oom = true;
    return s;
}

int merit__moderation_read(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *root,
                           struct merit_raw_moderation *m)
{
    const char *call = merit__xml_attr(root, "call");
    for (const xmlNode *n = merit__xml_child(root, "change"); n != NULL;
         n = merit__xml_next(n, "change")) {
        if (m->count == m->cap) {
            size_t cap = m->cap ? 2 * m->cap : 8;
            struct merit_raw_change *grown = merit__realloc(m->changes, cap * sizeof(*grown));
            if (grown == NULL)
                return merit__oom(ctx);
            m->changes = grown;
            m->cap = cap;
        }
        struct merit_raw_change *r = &m->changes[m->count++];
        memset(r, 0, sizeof(*r));
        bool oom = false;
        r->call = merit__strdup(call != NULL ? call : "");
        oom |= r->call == NULL;
        r->proposal = dup_attr(n, "proposal", &oom);
        r->reviewer = dup_attr(n, "reviewer", &oom);
        r->criterion = dup_attr(n, "criterion", &oom);
        r->from = dup_attr(n, "from", &oom);
        r->to = dup_attr(n, "to", &oom);
        r->by = dup_attr(n, "by", &oom);
        r->at = dup_attr(n, "at", &oom);
        r->kind = dup_attr(n, "kind", &oom);
        const xmlNode *reason = merit__xml_child(n, "reason");
        if (reason != NULL && (r->reason = merit__xml_text(reason, true)) == NULL)
            oom = true;
        if (oom)
            return merit__oom(ctx);
        r->loc = merit__xml_loc(doc, n, NULL);
        r->call_loc = merit__xml_loc(doc, root, "call");
        r->proposal_loc = merit__xml_loc(doc, n, "proposal");
        r->reviewer_loc = merit__xml_loc(doc, n, "reviewer");
        r->criterion_loc = merit__xml_loc(doc, n, "criterion");
        r->from_loc = merit__xml_loc(doc, n, "from");
        r->to_loc = merit__xml_loc(doc, n, "to");
        r->at_loc = merit__xml_loc(doc, n, "at");
    }
    return 0;
}

/* A value as written ("-" for a no-score) as steps of the rubric's scale. */
static int value_steps(merit_ctx *ctx, const merit_rubric *rb, const char *text, merit_loc loc,
                       const char *criterion, mpq_t scratch, int32_t *steps)
{
    if (strcmp(text, "-") == 0) {
        *steps = MERIT_NO_SCORE;
        return 0;
    }
    if (merit_decimal_parse(text, scratch) != 0)
        return merit__error_at(ctx, loc, "score '%s' is not a number", text);
    if (mpq_cmp(scratch, rb->scale_min) < 0 || mpq_cmp(scratch, rb->scale_max) > 0) {
        char *smin = merit_exact_string(rb->scale_min);
        char *smax = merit_exact_string(rb->scale_max);
        int rc =
            smin == NULL || smax == NULL
                ? merit__oom(ctx)
                : merit__error_at(ctx, loc, "score %s for criterion '%s' is off the scale %s to %s",
                                  text, criterion, smin, smax);
        free(smin);
        free(smax);
        return rc;
    }
    if (!merit__rubric_on_scale(rb, scratch, steps)) {
        char *sstep = merit_exact_string(rb->scale_step);
        int rc =
            sstep == NULL
                ? merit__oom(ctx)
                : merit__error_at(ctx, loc, "score %s for criterion '%s' is not on a step of %s",
                                  text, criterion, sstep);
        free(sstep);
        return rc;
    }
    return 0;
}

/* Steps as the value a sheet would write ("-" for a no-score); malloc'd. */
static char *steps_text(const merit_rubric *rb, int32_t steps)
{
    if (steps == MERIT_NO_SCORE)
        return merit__strdup("-");
    mpq_t v;
    mpq_init(v);
    merit__rubric_step_value(rb, steps, v);
    char *s = merit_exact_string(v);
    mpq_clear(v);
    return s;
}

static int compare_changes(const void *a, const void *b)
{
    const merit_moderation_change *x = a, *y = b;
    if (x->review != y->review)
        return x->review < y->review ? -1 : 1;
    if (x->criterion != y->criterion)
        return x->criterion < y->criterion ? -1 : 1;
    int at = strcmp(x->at, y->at);
    if (at != 0)
        return at;
    /* the same time is an error, reported in the order written */
    if (x->loc.line != y->loc.line)
        return x->loc.line < y->loc.line ? -1 : 1;
    return strcmp(x->loc.file, y->loc.file);
}

static merit_moderation_kind kind_of(const char *name)
{
    if (strcmp(name, "consensus") == 0)
        return MERIT_MODERATION_CONSENSUS;
    if (strcmp(name, "override") == 0)
        return MERIT_MODERATION_OVERRIDE;
    return MERIT_MODERATION_DISCUSSION;
}

/* Checks one change against the call; on success fills *out (the strings
 * moved out of r). */
static int check_change(merit_ctx *ctx, merit_call *c, struct merit_raw_change *r,
                        struct merit_suggest *proposals, struct merit_suggest *reviewers,
                        struct merit_suggest *criteria, mpq_t scratch, merit_moderation_change *out)
{
    const merit_rubric *rb = c->rubric;
    int rc = 0;
    if (strcmp(r->call, c->id) != 0)
        return merit__error_at(ctx, r->call_loc, "moderation is for call '%s', not '%s'", r->call,
                               c->id);
    ssize_t p = merit__find_proposal(c, r->proposal);
    if (p < 0) {
        const char *near = merit__diag_full(ctx) ? NULL : merit__suggest(proposals, r->proposal);
        rc = merit__error_at(
            ctx, r->proposal_loc, "change names proposal '%s', which is not in the call%s%s%s",
            r->proposal, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
    }
    ssize_t rv = merit__find_reviewer(c, r->reviewer);
    if (rv < 0) {
        const char *near = merit__diag_full(ctx) ? NULL : merit__suggest(reviewers, r->reviewer);
        rc = merit__error_at(
            ctx, r->reviewer_loc, "change names reviewer '%s', who is not on the panel%s%s%s",
            r->reviewer, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
    }
    ssize_t ci = -1;
    for (size_t k = 0; k < rb->criterion_count && ci < 0; k++)
        if (strcmp(rb->criteria[k].id, r->criterion) == 0)
            ci = (ssize_t)k;
    if (ci < 0) {
        const char *near = merit__diag_full(ctx) ? NULL : merit__suggest(criteria, r->criterion);
        rc = merit__error_at(ctx, r->criterion_loc,
                             "unknown criterion '%s' (rubric '%s' has none of that id)%s%s%s",
                             r->criterion, rb->id, near ? "; did you mean '" : "", near ? near : "",
                             near ? "'?" : "");
    }
    int32_t from = 0, to = 0;
    if (ci >= 0) {
        int one = value_steps(ctx, rb, r->from, r->from_loc, r->criterion, scratch, &from);
        int two = value_steps(ctx, rb, r->to, r->to_loc, r->criterion, scratch, &to);
        if (one == MERIT_ENOMEM || two == MERIT_ENOMEM)
            return MERIT_ENOMEM;
        rc = one ? one : two ? two : rc;
        /* a no-score needs its reason, as a sheet's <no-score> does */
        if (one == 0 && two == 0 && to == MERIT_NO_SCORE && r->reason == NULL)
            rc = merit__error_at(ctx, r->loc,
                                 "change of the '%s' score of proposal '%s' by '%s' to a "
                                 "no-score gives no reason: a no-score needs one, as in a sheet",
                                 r->criterion, r->proposal, r->reviewer);
    }
    if (c->moderation.reasons_required && r->reason == NULL)
        rc = merit__error_at(ctx, r->loc,
                             "change of the '%s' score of proposal '%s' by '%s' gives no reason "
                             "(the call requires one: <moderation reasons=\"required\">)",
                             r->criterion, r->proposal, r->reviewer);
    if (c->moderation.until != NULL && strcmp(r->at, c->moderation.until) > 0)
        rc = merit__error_at(ctx, r->at_loc,
                             "change made at %s, after the call's last moment for changes (%s)",
                             r->at, c->moderation.until);
    if (rc != 0)
        return rc;
    merit_review *review = merit__find_review(c, (size_t)p, (size_t)rv);
    if (review == NULL)
        return merit__error_at(ctx, r->loc,
                               "reviewer '%s' has no review of proposal '%s' to change",
                               r->reviewer, r->proposal);
    if (review->conflicted)
        return merit__error_at(ctx, r->loc,
                               "the review of proposal '%s' by '%s' is excluded by a conflict: "
                               "its scores cannot be changed",
                               r->proposal, r->reviewer);
    out->review = (size_t)(review - c->reviews);
    out->criterion = (size_t)ci;
    out->from = from;
    out->to = to;
    out->kind = kind_of(r->kind);
    out->loc = r->loc;
    out->by = r->by;
    out->at = r->at;
    out->reason = r->reason;
    r->by = r->at = r->reason = NULL;
    return 0;
}

int merit__moderation_apply(merit_ctx *ctx, merit_call *c, struct merit_raw_moderation *m)
{
    if (m->count == 0)
        return 0;
    const merit_rubric *rb = c->rubric;
    c->changes = merit__calloc(m->count, sizeof(*c->changes));
    if (c->changes == NULL)
        return merit__oom(ctx);
    struct merit_suggest proposals, reviewers, criteria;
    merit__suggest_init(&proposals, c->proposals, offsetof(merit_proposal, id), c->proposal_count,
                        sizeof(merit_proposal));
    merit__suggest_init(&reviewers, c->reviewers, offsetof(merit_reviewer, id), c->reviewer_count,
                        sizeof(merit_reviewer));
    merit__suggest_init(&criteria, rb->criteria, offsetof(merit_criterion, id), rb->criterion_count,
                        sizeof(merit_criterion));
    mpq_t scratch;
    mpq_init(scratch);
    int rc = 0;
    for (size_t i = 0; i < m->count; i++) {
        int one = check_change(ctx, c, &m->changes[i], &proposals, &reviewers, &criteria, scratch,
                               &c->changes[c->change_count]);
        if (one == MERIT_ENOMEM) {
            rc = one;
            break;
        }
        if (one != 0)
            rc = one;
        else
            c->change_count++;
    }
    mpq_clear(scratch);
    if (rc == MERIT_ENOMEM)
        return rc;
    qsort(c->changes, c->change_count, sizeof(*c->changes), compare_changes);
    /* in time order, each from the score the one before left */
    for (size_t i = 0; i < c->change_count; i++) {
        merit_moderation_change *ch = &c->changes[i];
        merit_review *r = &c->reviews[ch->review];
        const char *criterion = rb->criteria[ch->criterion].id;
        const char *proposal = c->proposals[r->proposal].id;
        const char *reviewer = c->reviewers[r->reviewer].id;
        if (i > 0 && c->changes[i - 1].review == ch->review &&
            c->changes[i - 1].criterion == ch->criterion &&
            strcmp(c->changes[i - 1].at, ch->at) == 0) {
            rc = merit__error_at(ctx, ch->loc,
                                 "a second change of the '%s' score of proposal '%s' by '%s' "
                                 "at %s: changes of one score need different times",
                                 criterion, proposal, reviewer, ch->at);
            merit__note_at(ctx, c->changes[i - 1].loc, "first change here");
            continue;
        }
        if (r->steps[ch->criterion] != ch->from) {
            char *was = steps_text(rb, ch->from), *is = steps_text(rb, r->steps[ch->criterion]);
            if (was == NULL || is == NULL) {
                free(was);
                free(is);
                return merit__oom(ctx);
            }
            rc = merit__error_at(ctx, ch->loc,
                                 "stale change of the '%s' score of proposal '%s' by '%s': it "
                                 "changes %s, but the score is %s",
                                 criterion, proposal, reviewer, was, is);
            free(was);
            free(is);
            continue;
        }
        if (r->original_steps == NULL) {
            r->original_steps = merit__malloc(rb->criterion_count * sizeof(int32_t));
            if (r->original_steps == NULL)
                return merit__oom(ctx);
            memcpy(r->original_steps, r->steps, rb->criterion_count * sizeof(int32_t));
        }
        r->steps[ch->criterion] = ch->to;
        /* a no-score carries no confidence; a score made of one takes the
         * review's (0 when it gives none) */
        if (ch->to == MERIT_NO_SCORE)
            r->confidences[ch->criterion] = 0;
        else if (ch->from == MERIT_NO_SCORE)
            r->confidences[ch->criterion] = r->confidence;
    }
    return rc;
}

const merit_moderation_change *merit_call_score_changes(const merit_call *c, size_t review,
                                                        size_t criterion, size_t *count)
{
    /* changes are ordered by (review, criterion, at): one run, found by
     * bisection */
    size_t lo = 0, hi = c->change_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const merit_moderation_change *m = &c->changes[mid];
        if (m->review < review || (m->review == review && m->criterion < criterion))
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    while (lo + n < c->change_count && c->changes[lo + n].review == review &&
           c->changes[lo + n].criterion == criterion)
        n++;
    *count = n;
    return n > 0 ? &c->changes[lo] : NULL;
}

size_t merit_call_moderated_count(const merit_call *c, size_t proposal)
{
    /* changes are ordered by review, and reviews by proposal: the
     * proposal's changes are one run, found by bisection */
    size_t lo = 0, hi = c->change_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->reviews[c->changes[mid].review].proposal < proposal)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t count = 0;
    for (size_t i = lo;
         i < c->change_count && c->reviews[c->changes[i].review].proposal == proposal; i++)
        if (i == lo || c->changes[i].review != c->changes[i - 1].review ||
            c->changes[i].criterion != c->changes[i - 1].criterion)
            count++;
    return count;
}
