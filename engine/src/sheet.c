/* Score sheets as written: see sheet.h. */
#include <stdlib.h>
#include <string.h>

#include "sheet.h"

void merit__sheet_release(struct merit_raw_sheet *s)
{
    if (s == NULL)
        return;
    free(s->reviewer);
    free(s->call);
    for (size_t i = 0; i < s->conflict_count; i++) {
        free(s->conflicts[i].proposal);
        free(s->conflicts[i].reason);
    }
    free(s->conflicts);
    for (size_t i = 0; i < s->review_count; i++) {
        struct merit_raw_review *r = &s->reviews[i];
        for (size_t k = 0; k < r->score_count; k++) {
            free(r->scores[k].criterion);
            free(r->scores[k].value);
            free(r->scores[k].comment);
        }
        free(r->scores);
        free(r->proposal);
        free(r->comment);
    }
    free(s->reviews);
    memset(s, 0, sizeof(*s));
}

static size_t count_children(const xmlNode *parent, const char *name)
{
    size_t n = 0;
    for (const xmlNode *c = merit__xml_child(parent, name); c; c = merit__xml_next(c, name))
        n++;
    return n;
}

/* Orders review indices by proposal id, then position in the sheet. */
static const struct merit_raw_sheet *sorting;
static int compare_by_proposal(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(sorting->reviews[x].proposal, sorting->reviews[y].proposal);
    return c != 0 ? c : (x > y) - (x < y);
}

/* A proposal reviewed twice in one sheet: found by sorting, so that a sheet
 * of tens of thousands of reviews costs n log n, not n^2. Reported at each
 * later review, in sheet order, with a note at the first. */
static int check_duplicate_reviews(merit_ctx *ctx, const struct merit_raw_sheet *sheet)
{
    size_t n = sheet->review_count;
    if (n < 2)
        return 0;
    size_t *order = merit__malloc(n * sizeof(*order));
    size_t *first = merit__malloc(n * sizeof(*first));
    if (order == NULL || first == NULL) {
        free(order);
        free(first);
        return merit__oom(ctx);
    }
    for (size_t i = 0; i < n; i++) {
        order[i] = i;
        first[i] = SIZE_MAX;
    }
    sorting = sheet;
    qsort(order, n, sizeof(*order), compare_by_proposal);
    for (size_t i = 1; i < n; i++)
        if (strcmp(sheet->reviews[order[i]].proposal, sheet->reviews[order[i - 1]].proposal) == 0)
            first[order[i]] = first[order[i - 1]] != SIZE_MAX ? first[order[i - 1]] : order[i - 1];
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (first[i] == SIZE_MAX)
            continue;
        const struct merit_raw_review *r = &sheet->reviews[i];
        rc = merit__error_at(ctx, r->proposal_loc, "reviewer '%s' reviews proposal '%s' twice",
                             sheet->reviewer, r->proposal);
        merit__note_at(ctx, sheet->reviews[first[i]].loc, "first reviewed here");
    }
    free(order);
    free(first);
    return rc;
}

static int load_review(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *node,
                       struct merit_raw_sheet *sheet, struct merit_raw_review *r)
{
    int rc = 0;
    r->loc = merit__xml_loc(doc, node, NULL);
    r->proposal_loc = merit__xml_loc(doc, node, "proposal");
    r->proposal = merit__strdup(merit__xml_attr(node, "proposal"));
    if (r->proposal == NULL)
        return merit__oom(ctx);
    r->confidence = (uint8_t)strtoul(merit__xml_attr(node, "confidence"), NULL, 10);
    const xmlNode *comment = merit__xml_child(node, "comment");
    if (comment != NULL && (r->comment = merit__xml_text(comment, false)) == NULL)
        return merit__oom(ctx);
    size_t n = count_children(node, "score") + count_children(node, "no-score");
    r->scores = merit__calloc(n, sizeof(*r->scores));
    if (r->scores == NULL)
        return merit__oom(ctx);
    for (const xmlNode *c = merit__xml_child(node, NULL); c; c = merit__xml_next(c, NULL)) {
        bool scored = merit__xml_is(c, "score");
        if (!scored && !merit__xml_is(c, "no-score"))
            continue;
        struct merit_raw_score *s = &r->scores[r->score_count++];
        s->loc = merit__xml_loc(doc, c, NULL);
        s->criterion_loc = merit__xml_loc(doc, c, "criterion");
        s->criterion = merit__strdup(merit__xml_attr(c, "criterion"));
        s->comment = merit__xml_text(c, false);
        if (s->criterion == NULL || s->comment == NULL)
            return merit__oom(ctx);
        if (scored) {
            s->value_loc = merit__xml_loc(doc, c, "value");
            if ((s->value = merit__strdup(merit__xml_attr(c, "value"))) == NULL)
                return merit__oom(ctx);
            const char *conf = merit__xml_attr(c, "confidence");
            s->confidence = conf ? (uint8_t)strtoul(conf, NULL, 10) : 0;
        }
        for (size_t k = 0; k + 1 < r->score_count; k++)
            if (strcmp(r->scores[k].criterion, s->criterion) == 0) {
                rc = merit__error_at(ctx, s->criterion_loc,
                                     "reviewer '%s' scores criterion '%s' of proposal '%s' "
                                     "twice",
                                     sheet->reviewer, s->criterion, r->proposal);
                merit__note_at(ctx, r->scores[k].loc, "first scored here");
            }
    }
    return rc;
}

int merit__sheet_from_node(merit_ctx *ctx, struct merit_xml_doc *doc, const xmlNode *node,
                           struct merit_raw_sheet *sheet)
{
    int rc = 0;
    sheet->loc = merit__xml_loc(doc, node, NULL);
    sheet->reviewer_loc = merit__xml_loc(doc, node, "reviewer");
    sheet->call_loc = merit__xml_loc(doc, node, "call");
    sheet->reviewer = merit__strdup(merit__xml_attr(node, "reviewer"));
    sheet->call = merit__strdup(merit__xml_attr(node, "call"));
    if (sheet->reviewer == NULL || sheet->call == NULL)
        return merit__oom(ctx);

    const xmlNode *conflicts = merit__xml_child(node, "conflicts");
    size_t n = count_children(conflicts, "conflict");
    if (n > 0 && (sheet->conflicts = merit__calloc(n, sizeof(*sheet->conflicts))) == NULL)
        return merit__oom(ctx);
    for (const xmlNode *c = merit__xml_child(conflicts, "conflict"); c;
         c = merit__xml_next(c, "conflict")) {
        struct merit_raw_conflict *k = &sheet->conflicts[sheet->conflict_count++];
        k->loc = merit__xml_loc(doc, c, "proposal");
        k->proposal = merit__strdup(merit__xml_attr(c, "proposal"));
        k->reason = merit__xml_text(c, true);
        if (k->proposal == NULL || k->reason == NULL)
            return merit__oom(ctx);
    }

    n = count_children(node, "review");
    if (n > 0 && (sheet->reviews = merit__calloc(n, sizeof(*sheet->reviews))) == NULL)
        return merit__oom(ctx);
    for (const xmlNode *c = merit__xml_child(node, "review"); c; c = merit__xml_next(c, "review")) {
        struct merit_raw_review *r = &sheet->reviews[sheet->review_count++];
        int one = load_review(ctx, doc, c, sheet, r);
        if (one == MERIT_ENOMEM)
            return one;
        if (one)
            rc = one;
        for (size_t k = 0; k < sheet->conflict_count; k++)
            if (strcmp(sheet->conflicts[k].proposal, r->proposal) == 0) {
                rc = merit__error_at(ctx, r->proposal_loc,
                                     "reviewer '%s' scores proposal '%s' after declaring a "
                                     "conflict with it",
                                     sheet->reviewer, r->proposal);
                merit__note_at(ctx, sheet->conflicts[k].loc, "conflict declared here");
            }
    }
    int dup = check_duplicate_reviews(ctx, sheet);
    return dup != 0 ? dup : rc;
}
