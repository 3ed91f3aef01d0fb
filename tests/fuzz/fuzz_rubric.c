/*
 * Fuzzes the rubric loader: the input is a rubric file, loaded with
 * merit_rubric_load_file (parse, schema, rubric checks, PCRE2 compilation of
 * the text rules). The same file is then checked with merit_file_validate,
 * which must agree on whether it is a valid rubric.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "merit/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *path;
    if (path == NULL)
        path = fuzz_path("rubric.xml"); /* once per process; reachable, not leaked */
    fuzz_write("rubric.xml", data, size);

    merit_ctx *ctx = merit_ctx_new();
    if (ctx == NULL)
        fuzz_fail("out of memory");
    merit_rubric *rubric = NULL;
    int rc = merit_rubric_load_file(ctx, path, &rubric);
    fuzz_check(ctx, rc, "merit_rubric_load_file");
    if ((rc == 0) != (rubric != NULL))
        fuzz_fail("merit_rubric_load_file returned %d with rubric %p", rc, (void *)rubric);
    merit_rubric_free(rubric);
    merit_ctx_free(ctx);

    /* the single-file check must agree with the loader */
    ctx = merit_ctx_new();
    if (ctx == NULL)
        fuzz_fail("out of memory");
    const char *kind = NULL;
    size_t count = 0;
    int vrc = merit_file_validate(ctx, path, &kind, &count);
    fuzz_check(ctx, vrc, "merit_file_validate");
    if (kind == NULL)
        fuzz_fail("merit_file_validate left no kind");
    if (rc == 0 && (vrc != 0 || strcmp(kind, "rubric") != 0))
        fuzz_fail("a rubric that loads does not validate as one (%d, %s)", vrc, kind);
    if (vrc == 0 && strcmp(kind, "rubric") == 0 && rc != 0)
        fuzz_fail("a rubric that validates does not load (%d)", rc);
    merit_ctx_free(ctx);
    return 0;
}
