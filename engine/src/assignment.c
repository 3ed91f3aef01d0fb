/*
 * Which proposals each reviewer is given (merit/sheets.h). A call has no
 * assignment of its own yet: the default gives every proposal to every
 * reviewer but their conflicts. The pairs are kept sorted, so that asking
 * costs a bisection and memory follows the pairs, not reviewers times
 * proposals.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merit/sheets.h"
#include "merit/table.h"
#include "assign_internal.h"

struct pair {
    size_t reviewer;
    size_t proposal;
};

struct merit_assignment {
    /* true: every pair but those listed; false: the pairs listed (an
     * assignment file, when merit reads one) */
    bool all_but;
    struct pair *pairs; /* sorted by reviewer, then proposal; no repeats */
    size_t count;
};

static int compare_pairs(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    if (x->reviewer != y->reviewer)
        return x->reviewer < y->reviewer ? -1 : 1;
    return (x->proposal > y->proposal) - (x->proposal < y->proposal);
}

int merit_assignment_default(merit_ctx *ctx, const merit_call *call, merit_assignment **out)
{
    *out = NULL;
    merit_assignment *a = merit__calloc(1, sizeof(*a));
    if (a == NULL)
        return merit__oom(ctx);
    a->all_but = true;
    if (call->conflict_count > 0) {
        a->pairs = merit__malloc(call->conflict_count * sizeof(*a->pairs));
        if (a->pairs == NULL) {
            free(a);
            return merit__oom(ctx);
        }
    }
    for (size_t i = 0; i < call->conflict_count; i++)
        a->pairs[i] = (struct pair){call->conflicts[i].reviewer, call->conflicts[i].proposal};
    if (call->conflict_count > 1)
        qsort(a->pairs, call->conflict_count, sizeof(*a->pairs), compare_pairs);
    /* a conflict both the office and the reviewer declared is one pair */
    for (size_t i = 0; i < call->conflict_count; i++)
        if (a->count == 0 || compare_pairs(&a->pairs[a->count - 1], &a->pairs[i]) != 0)
            a->pairs[a->count++] = a->pairs[i];
    *out = a;
    return 0;
}

/* A pair and the row it came from, to say where a repeat was first. */
struct row_pair {
    struct pair pair;
    uint32_t row;
};

static int compare_row_pairs(const void *a, const void *b)
{
    const struct row_pair *x = a, *y = b;
    int c = compare_pairs(&x->pair, &y->pair);
    return c != 0 ? c : (x->row > y->row) - (x->row < y->row);
}

int merit_assignment_from_table(merit_ctx *ctx, const merit_call *call, const merit_table *t,
                                merit_assignment **out)
{
    *out = NULL;
    const char *path = merit_table_path(t);
    size_t width = merit_table_cell_count(t, 0);
    ssize_t col[2] = {-1, -1};
    static const char *const names[2] = {"reviewer", "proposal"};
    bool failed = false;
    for (size_t j = 0; j < width; j++) {
        const char *name = merit_table_cell(t, 0, j);
        int k = strcmp(name, "reviewer") == 0 ? 0 : strcmp(name, "proposal") == 0 ? 1 : -1;
        if (k < 0 || col[k] >= 0) {
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path,
                        merit_table_row_number(t, 0), (uint32_t)j + 1,
                        k < 0 ? "column '%s' is not one of an assignment (reviewer, proposal)"
                              : "column '%s' is there twice",
                        name);
            failed = true;
            continue;
        }
        col[k] = (ssize_t)j;
    }
    for (int k = 0; k < 2; k++)
        if (col[k] < 0) {
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path,
                        merit_table_row_number(t, 0), 0, "no column '%s' in the header", names[k]);
            failed = true;
        }
    if (failed)
        return MERIT_EINVALID;
    size_t rows = merit_table_row_count(t);
    struct row_pair *pairs = merit__malloc((rows > 1 ? rows - 1 : 1) * sizeof(*pairs));
    merit_assignment *a = merit__calloc(1, sizeof(*a));
    if (pairs == NULL || a == NULL) {
        free(pairs);
        free(a);
        return merit__oom(ctx);
    }
    size_t n = 0;
    for (size_t row = 1; row < rows; row++) {
        uint32_t number = merit_table_row_number(t, row);
        const char *rid = merit_table_cell(t, row, (size_t)col[0]);
        const char *pid = merit_table_cell(t, row, (size_t)col[1]);
        ssize_t rv = merit__find_reviewer(call, rid);
        ssize_t p = merit__find_proposal(call, pid);
        if (rv < 0)
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, number,
                        (uint32_t)col[0] + 1, "reviewer '%s' is not on the call's panel", rid);
        if (p < 0)
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, number,
                        (uint32_t)col[1] + 1, "proposal '%s' is not in the call", pid);
        if (rv < 0 || p < 0) {
            failed = true;
            continue;
        }
        const merit_conflict *k = merit__find_conflict(call, (size_t)rv, (size_t)p, false);
        if (k != NULL) {
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, number, 0,
                        "assigns proposal '%s' to '%s', who has a conflict with it (%s)", pid, rid,
                        k->reason);
            failed = true;
            continue;
        }
        pairs[n++] = (struct row_pair){{(size_t)rv, (size_t)p}, number};
    }
    if (n > 1)
        qsort(pairs, n, sizeof(*pairs), compare_row_pairs);
    a->pairs = merit__malloc((n > 0 ? n : 1) * sizeof(*a->pairs));
    if (a->pairs == NULL) {
        free(pairs);
        free(a);
        return merit__oom(ctx);
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && compare_pairs(&pairs[i].pair, &pairs[i - 1].pair) == 0) {
            merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, path, pairs[i].row, 0,
                        "assigns proposal '%s' to '%s' again (first in row %u)",
                        call->proposals[pairs[i].pair.proposal].id,
                        call->reviewers[pairs[i].pair.reviewer].id, pairs[i - 1].row);
            failed = true;
            continue;
        }
        a->pairs[a->count++] = pairs[i].pair;
    }
    free(pairs);
    if (failed) {
        merit_assignment_free(a);
        return MERIT_EINVALID;
    }
    *out = a;
    return 0;
}

void merit_assignment_free(merit_assignment *a)
{
    if (a == NULL)
        return;
    free(a->pairs);
    free(a);
}

bool merit_assignment_has(const merit_assignment *a, size_t reviewer, size_t proposal)
{
    struct pair key = {reviewer, proposal};
    bool listed =
        a->count > 0 && bsearch(&key, a->pairs, a->count, sizeof(*a->pairs), compare_pairs) != NULL;
    return a->all_but ? !listed : listed;
}

size_t merit__assignment_count(const merit_assignment *a)
{
    return a->all_but ? 0 : a->count;
}

void merit__assignment_pair(const merit_assignment *a, size_t i, size_t *reviewer, size_t *proposal)
{
    *reviewer = a->pairs[i].reviewer;
    *proposal = a->pairs[i].proposal;
}
