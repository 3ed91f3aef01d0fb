/* Checking one file on its own, whatever its kind. */
#include <stdlib.h>
#include <string.h>

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
        merit__sheet_release(&s);
        return rc;
    }
    /* a call: its own checks need its folder (`merit validate CALLDIR`) */
    return 0;
}

int merit_file_validate(merit_ctx *ctx, const char *path, const char **kind_out, size_t *count_out)
{
    static const char *const kinds[MERIT_SCHEMA_COUNT][2] = {
        {"call", "call"},
        {"rubric", "rubric"},
        {"proposal", "proposal bundle"},
        {"score sheet", "score-sheet bundle"},
    };
    struct file_check fc = {.ctx = ctx, .path = path};
    struct merit_xml_stream s = {
        .kind = MERIT_SCHEMA_COUNT, .on_record = check_record, .user = &fc};
    int rc = merit__xml_stream_file(ctx, path, &s);
    *kind_out = s.found < MERIT_SCHEMA_COUNT ? kinds[s.found][s.bundle] : "file";
    *count_out = s.records;
    if (rc != MERIT_ENOMEM && s.file_ok) {
        int dup = check_duplicate_ids(&fc);
        if (dup != 0)
            rc = dup;
    }
    for (size_t i = 0; i < fc.seen; i++)
        free(fc.ids[i].id);
    free(fc.ids);
    return rc;
}
