/* Checking one file on its own, whatever its kind. */
#include <stdlib.h>
#include <string.h>

#include "merit/sheets.h"
#include "proposal.h"
#include "rubric.h"
#include "sheet.h"
#include "xml_input.h"

struct seen_id {
    char *id;
    merit_loc loc;
    size_t index;
};

static int compare_seen(const void *a, const void *b)
{
    const struct seen_id *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* What checking one file gathers, record by record. */
struct file_check {
    merit_ctx *ctx;
    const char *path;
    struct seen_id *ids; /* proposal ids, for duplicates */
    size_t seen, cap;
};

static int check_proposal(struct file_check *fc, struct merit_xml_doc *doc, const xmlNode *node)
{
    merit_ctx *ctx = fc->ctx;
    merit_proposal p;
    memset(&p, 0, sizeof(p));
    int one = merit__proposal_from_node(ctx, doc, node, NULL, &p);
    if (p.id != NULL && one != MERIT_ENOMEM) {
        if (merit__grow((void **)&fc->ids, &fc->cap, fc->seen, sizeof(*fc->ids)) != 0 ||
            (fc->ids[fc->seen].id = merit__strdup(p.id)) == NULL) {
            one = merit__oom(ctx);
        } else {
            fc->ids[fc->seen].loc = p.loc;
            fc->ids[fc->seen].index = fc->seen;
            fc->seen++;
        }
    }
    merit__proposal_release(&p);
    return one;
}

/* Duplicate proposal ids, found by sorting (n log n for a bundle of tens of
 * thousands). */
static int check_duplicate_ids(struct file_check *fc)
{
    int rc = 0;
    if (fc->seen > 1) {
        qsort(fc->ids, fc->seen, sizeof(*fc->ids), compare_seen);
        for (size_t i = 1; i < fc->seen; i++)
            if (strcmp(fc->ids[i].id, fc->ids[i - 1].id) == 0)
                rc = merit__error_at(fc->ctx, fc->ids[i].loc, "duplicate proposal id '%s'",
                                     fc->ids[i].id);
    }
    return rc;
}

static int check_record(void *user, struct merit_xml_doc *doc, const xmlNode *node)
{
    struct file_check *fc = user;
    merit_ctx *ctx = fc->ctx;
    if (merit__xml_is(node, "rubric")) {
        merit_rubric *r = NULL;
        int rc = merit__rubric_from_doc(ctx, doc, fc->path, &r);
        merit_rubric_free(r);
        return rc;
    }
    if (merit__xml_is(node, "proposal"))
        return check_proposal(fc, doc, node);
    if (merit__xml_is(node, "sheet")) {
        struct merit_raw_sheet s;
        memset(&s, 0, sizeof(s));
        int rc = merit__sheet_from_node(ctx, doc, node, NULL, &s);
        /* a review with a wrong or unfilled score fails the file too */
        if (rc == 0 && s.invalid_reviews > 0)
            rc = MERIT_EINVALID;
        merit__sheet_release(&s);
        return rc;
    }
    /* a call: its own checks need its folder (`merit validate CALLDIR`) */
    return 0;
}

/* --- a file against its call (merit validate --call) ------------------------ */

struct call_check {
    struct file_check fc;
    const merit_call *call;
    const merit_assignment *assignment;
};

/* What the call loader checks across files (call.c, resolve_sheets and
 * resolve_review), said in its words, for one sheet read on its own. */
static int check_sheet_against(struct call_check *cc, struct merit_xml_doc *doc,
                               const xmlNode *node)
{
    merit_ctx *ctx = cc->fc.ctx;
    const merit_call *c = cc->call;
    const merit_rubric *rb = c->rubric;
    struct merit_raw_sheet s;
    memset(&s, 0, sizeof(s));
    int rc = merit__sheet_from_node(ctx, doc, node, rb, &s);
    if (rc == MERIT_ENOMEM) {
        merit__sheet_release(&s);
        return rc;
    }
    if (s.invalid_reviews > 0)
        rc = MERIT_EINVALID;
    if (strcmp(s.call, c->id) != 0)
        rc = merit__error_at(ctx, s.call_loc, "sheet of '%s' is for call '%s', not '%s'",
                             s.reviewer, s.call, c->id);
    ssize_t rv = merit__find_reviewer(c, s.reviewer);
    if (rv < 0)
        rc = merit__error_at(ctx, s.reviewer_loc, "reviewer '%s' is not on the call's panel",
                             s.reviewer);
    for (size_t k = 0; k < s.conflict_count; k++)
        if (merit__find_proposal(c, s.conflicts[k].proposal) < 0)
            rc = merit__error_at(ctx, s.conflicts[k].loc,
                                 "conflict with proposal '%s', which is not in the call",
                                 s.conflicts[k].proposal);
    for (size_t k = 0; k < s.review_count; k++) {
        const struct merit_raw_review *rr = &s.reviews[k];
        ssize_t p = merit__find_proposal(c, rr->proposal);
        if (p < 0) {
            rc = merit__error_at(ctx, rr->proposal_loc,
                                 "reviewer '%s' reviews proposal '%s', which is not in the call",
                                 s.reviewer, rr->proposal);
            continue;
        }
        for (size_t ci = 0; ci < rb->criterion_count && !rr->unknown_criterion; ci++)
            if (rr->review.score_places[ci].line == 0)
                rc = merit__error_at(ctx, rr->review.loc,
                                     "review of proposal '%s' by '%s' neither scores criterion "
                                     "'%s' nor gives a reason (<no-score>)",
                                     rr->proposal, s.reviewer, rb->criteria[ci].id);
        if (rv < 0)
            continue;
        if (cc->assignment != NULL && !merit_assignment_has(cc->assignment, (size_t)rv, (size_t)p))
            rc = merit__error_at(ctx, rr->proposal_loc,
                                 "reviewer '%s' reviews proposal '%s', which is not assigned to "
                                 "them",
                                 s.reviewer, rr->proposal);
        const merit_conflict *office = merit__find_conflict(c, (size_t)rv, (size_t)p, true);
        if (office != NULL)
            merit__diag(ctx, MERIT_SEVERITY_WARNING, MERIT_DIAG_INVALID, rr->review.loc.file,
                        rr->review.loc.line, rr->review.loc.column,
                        "the review of proposal '%s' by '%s' will be excluded: the programme "
                        "office declared a conflict (%s)",
                        rr->proposal, s.reviewer, office->reason);
    }
    merit__sheet_release(&s);
    return rc;
}

static int check_against_call(void *user, struct merit_xml_doc *doc, const xmlNode *node)
{
    struct call_check *cc = user;
    if (merit__xml_is(node, "sheet"))
        return check_sheet_against(cc, doc, node);
    if (!merit__xml_is(node, "proposal"))
        return check_record(&cc->fc, doc, node);
    int rc = check_proposal(&cc->fc, doc, node);
    const char *call_id = merit__xml_attr(node, "call");
    const char *id = merit__xml_attr(node, "id");
    if (rc != MERIT_ENOMEM && call_id != NULL && strcmp(call_id, cc->call->id) != 0)
        rc = merit__error_at(cc->fc.ctx, merit__xml_loc(doc, node, "call"),
                             "proposal '%s' is for call '%s', not '%s'", id, call_id, cc->call->id);
    return rc;
}

static int validate_stream(merit_ctx *ctx, const char *path, struct file_check *fc,
                           merit_xml_record_fn on_record, void *user, const char **kind_out,
                           size_t *count_out);

int merit_call_check_file(merit_ctx *ctx, const merit_call *call,
                          const merit_assignment *assignment, const char *path,
                          const char **kind_out, size_t *count_out)
{
    struct call_check cc = {
        .fc = {.ctx = ctx, .path = path}, .call = call, .assignment = assignment};
    return validate_stream(ctx, path, &cc.fc, check_against_call, &cc, kind_out, count_out);
}

int merit_file_validate(merit_ctx *ctx, const char *path, const char **kind_out, size_t *count_out)
{
    struct file_check fc = {.ctx = ctx, .path = path};
    return validate_stream(ctx, path, &fc, check_record, &fc, kind_out, count_out);
}

/* Streams the file at path to on_record, then checks the proposal ids fc
 * gathered for duplicates. */
static int validate_stream(merit_ctx *ctx, const char *path, struct file_check *fc,
                           merit_xml_record_fn on_record, void *user, const char **kind_out,
                           size_t *count_out)
{
    static const char *const kinds[MERIT_SCHEMA_COUNT][2] = {
        {"call", "call"},
        {"rubric", "rubric"},
        {"proposal", "proposal bundle"},
        {"score sheet", "score-sheet bundle"},
        {"moderation", "moderation"},
    };
    struct merit_xml_stream s = {
        .kind = MERIT_SCHEMA_COUNT, .on_record = on_record, .user = user, .named = true};
    int rc = merit__xml_stream_file(ctx, path, &s);
    *kind_out = s.found < MERIT_SCHEMA_COUNT ? kinds[s.found][s.bundle] : "file";
    *count_out = s.records;
    if (rc != MERIT_ENOMEM && s.file_ok) {
        int dup = check_duplicate_ids(fc);
        if (dup != 0)
            rc = dup;
    }
    for (size_t i = 0; i < fc->seen; i++)
        free(fc->ids[i].id);
    free(fc->ids);
    return rc;
}
