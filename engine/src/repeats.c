/* Names that repeat an earlier one, found by sorting: see internal.h. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct named {
    const char *name;
    size_t index;
};

static int compare_named(const void *a, const void *b)
{
    const struct named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

int merit__first_repeats(const char *const *names, size_t n, size_t *first)
{
    for (size_t i = 0; i < n; i++)
        first[i] = SIZE_MAX;
    if (n < 2)
        return 0;
    struct named *sorted = merit__malloc(n * sizeof(*sorted));
    if (sorted == NULL)
        return MERIT_ENOMEM;
    for (size_t i = 0; i < n; i++)
        sorted[i] = (struct named){names[i] != NULL ? names[i] : "", i};
    qsort(sorted, n, sizeof(*sorted), compare_named);
    /* equal names sort together in their order: the run's first is each
     * later one's first */
    for (size_t i = 1; i < n; i++)
        if (strcmp(sorted[i].name, sorted[i - 1].name) == 0)
            first[sorted[i].index] = first[sorted[i - 1].index] != SIZE_MAX
                                         ? first[sorted[i - 1].index]
                                         : sorted[i - 1].index;
    free(sorted);
    return 0;
}
