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
