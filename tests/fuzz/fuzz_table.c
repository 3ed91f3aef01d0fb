/*
 * Fuzzes `merit import scores` and `merit import proposals`: the input is
 * a table, read as TSV when its first line holds a tab, else as CSV. When
 * the first line names a column "title", it is a table of proposals,
 * imported into the foundation call (proposals/foundation-2027, whose
 * rubric requires an applicant, two sections and a declared fact), with
 * one request for a row that gives none; else scores, imported into the
 * example call (proposals/mfg-2026): long when the first line names a
 * column "criterion", wide by criterion when it names "reviewer", else
 * wide by reviewer; when it names a column "bid", a bid table for
 * `merit assign --bids` against the example call, which must then assign
 * (or say why) and explain its first proposal. A table that imports must give files the call
 * accepts: each sheet or bundle written is checked against the call
 * (merit_call_check_file) and must be valid; one that does not must say
 * why (fuzz_check), every diagnostic on a row and column of the table.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "merit/assign.h"
#include "merit/import.h"
#include "merit/model.h"
#include "merit/sheets.h"
#include "merit/table.h"

static merit_call *example(void)
{
    static merit_call *call;
    if (call == NULL) {
        merit_ctx *ctx = merit_ctx_new();
        if (ctx == NULL || merit_call_load(ctx, MERIT_EXAMPLE_DIR, &call) != 0)
            fuzz_fail("the example call does not load");
        merit_ctx_free(ctx);
    }
    return call;
}

static merit_call *foundation(void)
{
    static merit_call *call;
    if (call == NULL) {
        merit_ctx *ctx = merit_ctx_new();
        if (ctx == NULL ||
            merit_call_load(ctx, MERIT_EXAMPLE_DIR "/../foundation-2027", &call) != 0)
            fuzz_fail("the foundation call does not load");
        merit_ctx_free(ctx);
    }
    return call;
}

/* A table of proposals: what imports must be a bundle the call accepts. */
static void proposals(const char *path, char separator, const char *bundle_path)
{
    merit_call *call = foundation();
    merit_ctx *ctx = merit_ctx_new();
    if (ctx == NULL)
        fuzz_fail("out of memory");
    merit_table *table = NULL;
    merit_proposal_import *imp = NULL;
    static const char *const ignore[] = {"notes"};
    merit_import_proposal_options o = {.ignore = ignore, .ignore_count = 1, .request = "1"};
    int rc = merit_table_read(ctx, path, separator, &table);
    fuzz_check(ctx, rc, "merit_table_read");
    if (rc == 0) {
        rc = merit_import_proposals(ctx, call, table, &o, &imp);
        fuzz_check(ctx, rc, "merit_import_proposals");
    }
    if (imp != NULL) {
        FILE *out = fopen(bundle_path, "w");
        if (out == NULL)
            fuzz_fail("cannot write %s", bundle_path);
        if (merit_proposal_import_write(out, imp) != 0 || fclose(out) != 0)
            fuzz_fail("merit_proposal_import_write failed");
        merit_ctx *check = merit_ctx_new();
        const char *kind;
        size_t count;
        if (check == NULL)
            fuzz_fail("out of memory");
        if (merit_call_check_file(check, call, NULL, bundle_path, &kind, &count) != 0) {
            fuzz_print_diags(check);
            fuzz_fail("a bundle merit import wrote is not valid for the call");
        }
        if (count != merit_proposal_import_count(imp))
            fuzz_fail("the bundle holds %zu proposals, the import %zu", count,
                      merit_proposal_import_count(imp));
        merit_ctx_free(check);
    }
    merit_proposal_import_free(imp);
    merit_table_free(table);
    merit_ctx_free(ctx);
}

/* A bid table: read, then assigned and explained with it. */
static void bids(merit_call *call, const char *path, char separator)
{
    merit_ctx *ctx = merit_ctx_new();
    if (ctx == NULL)
        fuzz_fail("out of memory");
    merit_table *table = NULL;
    merit_bids *b = NULL;
    merit_assign_result *a = NULL;
    int rc = merit_table_read(ctx, path, separator, &table);
    fuzz_check(ctx, rc, "merit_table_read");
    if (rc == 0) {
        rc = merit_bids_from_table(ctx, call, table, &b);
        fuzz_check(ctx, rc, "merit_bids_from_table");
    }
    if (rc == 0) {
        merit_assign_options o = {2, 0, b};
        rc = merit_assign(ctx, call, &o, &a);
        fuzz_check(ctx, rc, "merit_assign");
    }
    if (rc == 0) {
        FILE *out = fopen("/dev/null", "w");
        if (out == NULL)
            fuzz_fail("cannot open /dev/null");
        merit_sink sink;
        merit_sink_init(&sink, out, false);
        if (merit_assign_write_explain(&sink, call, a, b, 0) != 0 ||
            merit_sink_finish(&sink, NULL) != 0)
            fuzz_fail("merit_assign_write_explain failed");
        fclose(out);
    }
    merit_assign_result_free(a);
    merit_bids_free(b);
    merit_table_free(table);
    merit_ctx_free(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *path, *sheet_path;
    if (path == NULL) {
        path = fuzz_path("input.csv");
        sheet_path = fuzz_path("sheet.xml");
    }
    merit_call *call = example();
    fuzz_write("input.csv", data, size);
    const uint8_t *end = memchr(data, '\n', size);
    size_t first = end != NULL ? (size_t)(end - data) : size;
    char *line = malloc(first + 1);
    if (line == NULL)
        fuzz_fail("out of memory");
    memcpy(line, data, first);
    line[first] = '\0';
    char separator = memchr(line, '\t', first) != NULL ? '\t' : ',';
    if (strstr(line, "bid") != NULL) {
        free(line);
        bids(call, path, separator);
        return 0;
    }
    if (strstr(line, "title") != NULL) {
        free(line);
        proposals(path, separator, sheet_path);
        return 0;
    }
    merit_import_options o = {0};
    o.layout = strstr(line, "criterion") != NULL  ? MERIT_IMPORT_LONG
               : strstr(line, "reviewer") != NULL ? MERIT_IMPORT_WIDE_CRITERIA
                                                  : MERIT_IMPORT_WIDE_REVIEWERS;
    free(line);
    static const char *const ignore[] = {"reviewer_name", "weight", "counted", "excluded_reason"};
    o.ignore = ignore;
    o.ignore_count = 4;

    merit_ctx *ctx = merit_ctx_new();
    if (ctx == NULL)
        fuzz_fail("out of memory");
    merit_table *table = NULL;
    merit_import *imp = NULL;
    int rc = merit_table_read(ctx, path, separator, &table);
    fuzz_check(ctx, rc, "merit_table_read");
    if (rc == 0) {
        rc = merit_import_scores(ctx, call, table, &o, &imp);
        /* warnings (a review the office's conflict excludes) may stay */
        if (rc == 0)
            merit_ctx_clear_diags(ctx);
        fuzz_check(ctx, rc, "merit_import_scores");
    }
    for (size_t i = 0; imp != NULL && i < merit_import_sheet_count(imp); i++) {
        FILE *out = fopen(sheet_path, "w");
        if (out == NULL)
            fuzz_fail("cannot write %s", sheet_path);
        if (merit_import_sheet_write(out, imp, i) != 0 || fclose(out) != 0)
            fuzz_fail("merit_import_sheet_write failed");
        merit_ctx *check = merit_ctx_new();
        const char *kind;
        size_t count;
        if (check == NULL)
            fuzz_fail("out of memory");
        int one = merit_call_check_file(check, call, NULL, sheet_path, &kind, &count);
        if (one != 0) {
            fuzz_print_diags(check);
            fuzz_fail("a sheet merit import wrote is not valid for the call");
        }
        merit_ctx_free(check);
    }
    merit_import_free(imp);
    merit_table_free(table);
    merit_ctx_free(ctx);
    return 0;
}
