/*
 * Fuzzes the single-file checks with proposals in mind: the input is one file
 * given to merit_file_validate, which tells the kind by the root element (a
 * proposal, a bundle of proposals, a sheet, a bundle of sheets, a rubric or a
 * call). When it is a valid proposal or bundle it is also added to a copy of
 * the example call (proposals/zz-fuzz.xml), which is loaded and ranked: the
 * checks across files (ids unique in the call, the call named) run too.
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

    if (rc == 0 && strncmp(kind, "proposal", 8) == 0)
        fuzz_example_call_with("proposals/zz-fuzz.xml", data, size);
    return 0;
}
