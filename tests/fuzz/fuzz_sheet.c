/*
 * Fuzzes the single-file checks with score sheets in mind: the input is one
 * file given to merit_file_validate (any root: sheet, bundle of sheets,
 * proposal, bundle, rubric, call). When it is a valid sheet or bundle it also
 * replaces reviewer r5's sheet in a copy of the example call, which is loaded
 * and ranked: the checks that need the rubric and the panel run too (every
 * criterion scored once, on the scale and its step, the reviewer on the
 * panel, the proposal in the call, conflicts).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "merit/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *path;
    if (path == NULL)
        path = fuzz_path("input.xml");
    fuzz_write("input.xml", data, size);

    merit_ctx *ctx = merit_ctx_new();
    if (ctx == NULL)
        fuzz_fail("out of memory");
    const char *kind = NULL;
    size_t count = 0;
    int rc = merit_file_validate(ctx, path, &kind, &count);
    fuzz_check(ctx, rc, "merit_file_validate");
    merit_ctx_free(ctx);

    if (rc == 0 && strncmp(kind, "score", 5) == 0)
        fuzz_example_call_with("reviews/r5.xml", data, size);
    return 0;
}
