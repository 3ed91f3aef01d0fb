/* Checking one file on its own, whatever its kind. */
#include <stdlib.h>
#include <string.h>

#include "proposal.h"
#include "rubric.h"
#include "sheet.h"
#include "xml_input.h"

static const struct {
    const char *root;
    merit_schema_kind schema;
    const char *kind;
} kinds[] = {
    {"call", MERIT_SCHEMA_CALL, "call"},
    {"rubric", MERIT_SCHEMA_RUBRIC, "rubric"},
    {"proposal", MERIT_SCHEMA_PROPOSAL, "proposal"},
    {"proposals", MERIT_SCHEMA_PROPOSAL, "proposal bundle"},
    {"sheet", MERIT_SCHEMA_SHEET, "score sheet"},
    {"sheets", MERIT_SCHEMA_SHEET, "score-sheet bundle"},
};

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

/* Checks every proposal of a single file or bundle, then duplicate ids by
 * sorting them (n log n for a bundle of tens of thousands). */
static int check_proposals(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *root,
                           size_t *count)
{
    int rc = 0;
    bool bundle = merit__xml_is(root, "proposals");
    const xmlNode *n = bundle ? merit__xml_child(root, "proposal") : root;
    struct seen_id *ids = NULL;
    size_t cap = 0, seen = 0;
    for (; n != NULL; n = bundle ? merit__xml_next(n, "proposal") : NULL) {
        merit_proposal p;
        memset(&p, 0, sizeof(p));
        int one = merit__proposal_from_node(ctx, doc, n, &p);
        (*count)++;
        if (p.id != NULL && one != MERIT_ENOMEM) {
            if (merit__grow((void **)&ids, &cap, seen, sizeof(*ids)) != 0 ||
                (ids[seen].id = merit__strdup(p.id)) == NULL) {
                one = merit__oom(ctx);
            } else {
                ids[seen].loc = p.loc;
                ids[seen].index = seen;
                seen++;
            }
        }
        merit__proposal_release(&p);
        if (one != 0)
            rc = one;
        if (one == MERIT_ENOMEM)
            break;
    }
    if (rc != MERIT_ENOMEM && seen > 1) {
        qsort(ids, seen, sizeof(*ids), compare_seen);
        for (size_t i = 1; i < seen; i++)
            if (strcmp(ids[i].id, ids[i - 1].id) == 0)
                rc = merit__error_at(ctx, ids[i].loc, "duplicate proposal id '%s'", ids[i].id);
    }
    for (size_t i = 0; i < seen; i++)
        free(ids[i].id);
    free(ids);
    return rc;
}

static int check_sheets(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *root,
                        size_t *count)
{
    int rc = 0;
    bool bundle = merit__xml_is(root, "sheets");
    const xmlNode *n = bundle ? merit__xml_child(root, "sheet") : root;
    for (; n != NULL; n = bundle ? merit__xml_next(n, "sheet") : NULL) {
        struct merit_raw_sheet s;
        memset(&s, 0, sizeof(s));
        int one = merit__sheet_from_node(ctx, doc, n, &s);
        merit__sheet_release(&s);
        (*count)++;
        if (one != 0)
            rc = one;
        if (one == MERIT_ENOMEM)
            break;
    }
    return rc;
}

int merit_file_validate(merit_ctx *ctx, const char *path, const char **kind_out, size_t *count_out)
{
    *kind_out = "file";
    *count_out = 0;
    struct merit_xml_doc doc;
    int rc = merit__xml_read_file(ctx, path, &doc);
    if (rc == 0)
        rc = merit__xml_parse(ctx, &doc);
    if (rc != 0) {
        merit__xml_doc_release(&doc);
        return rc;
    }
    const xmlNode *root = xmlDocGetRootElement(doc.doc);
    size_t k = 0;
    while (k < sizeof(kinds) / sizeof(kinds[0]) && !merit__xml_is(root, kinds[k].root))
        k++;
    if (k == sizeof(kinds) / sizeof(kinds[0])) {
        merit_loc loc = merit__xml_loc(&doc, root, NULL);
        bool ns = root->ns != NULL && strcmp((const char *)root->ns->href, MERIT_NAMESPACE) == 0;
        rc = ns ? merit__error_at(ctx, loc, "unknown root element '%s'", (const char *)root->name)
                : merit__error_at(ctx, loc,
                                  "root element '%s' is not in merit's namespace "
                                  "'" MERIT_NAMESPACE "'",
                                  (const char *)root->name);
        merit__xml_doc_release(&doc);
        return rc;
    }
    *kind_out = kinds[k].kind;
    rc = merit__xml_validate(ctx, &doc, kinds[k].schema);
    if (rc == 0) {
        switch (kinds[k].schema) {
        case MERIT_SCHEMA_RUBRIC: {
            merit_rubric *r = NULL;
            rc = merit__rubric_from_doc(ctx, &doc, path, &r);
            merit_rubric_free(r);
            *count_out = 1;
            break;
        }
        case MERIT_SCHEMA_PROPOSAL:
            rc = check_proposals(ctx, &doc, root, count_out);
            break;
        case MERIT_SCHEMA_SHEET:
            rc = check_sheets(ctx, &doc, root, count_out);
            break;
        case MERIT_SCHEMA_CALL:
        case MERIT_SCHEMA_COUNT:
            /* the call's own checks need its folder: `merit validate CALLDIR` */
            *count_out = 1;
            break;
        }
    }
    merit__xml_doc_release(&doc);
    return rc;
}
