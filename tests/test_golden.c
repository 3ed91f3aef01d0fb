/*
 * Golden files: every report of the example call, compared byte for byte
 * with tests/golden/. A change in any report shows up here as a diff to
 * review; after reviewing it, regenerate with
 *   MERIT_UPDATE_GOLDEN=1 build/tests/test_golden
 * and commit the new files with the change that explains them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "merit/model.h"
#include "merit/result.h"
#include "report.h"

#define GOLDEN_DIR MERIT_SOURCE_DIR "/tests/golden"

typedef int (*writer)(FILE *, const merit_result *, const merit_report_options *);

struct golden {
    const char *file;
    writer write;
    bool detail;
    unsigned places;
    bool override;
    merit_method method;
};

static char *render(const struct golden *g)
{
    merit_ctx *ctx = merit_ctx_new();
    merit_call *call = NULL;
    merit_result *res = NULL;
    merit_rank_options ro = {g->override, g->method};
    int rc = merit_call_load(ctx, MERIT_SOURCE_DIR "/proposals/mfg-2026", &call);
    if (rc == 0)
        rc = merit_call_rank(ctx, call, &ro, &res);
    if (rc != 0)
        t_print_diags(ctx);
    assert_int_equal(rc, 0);
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    merit_report_options opt = {g->places, g->detail, false};
    assert_int_equal(g->write(f, res, &opt), 0);
    fclose(f);
    merit_result_free(res);
    merit_call_free(call);
    merit_ctx_free(ctx);
    return buf;
}

static void check(const struct golden *g)
{
    char *got = render(g);
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, g->file);
    const char *update = getenv("MERIT_UPDATE_GOLDEN");
    if (update != NULL && strcmp(update, "1") == 0) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(got, f);
        fclose(f);
    }
    char *want = t_read(path, NULL);
    if (want == NULL)
        fail_msg("no golden file %s (run with MERIT_UPDATE_GOLDEN=1 to create it)", path);
    if (strcmp(got, want) != 0) {
        /* the first differing line, to read without a diff tool */
        size_t line = 1, i = 0;
        while (got[i] && got[i] == want[i]) {
            if (got[i] == '\n')
                line++;
            i++;
        }
        char actual[512];
        snprintf(actual, sizeof(actual), "%s.actual", g->file);
        FILE *f = fopen(actual, "wb");
        if (f != NULL) {
            fputs(got, f);
            fclose(f);
        }
        fail_msg("%s differs from the golden file at line %zu; the actual output is in %s", g->file,
                 line, actual);
    }
    free(got);
    free(want);
}

static void test_text(void **state)
{
    (void)state;
    struct golden g = {"mfg-2026.txt", merit_report_text, false, 2, false, MERIT_METHOD_MEAN};
    check(&g);
}

static void test_text_median_three_places(void **state)
{
    (void)state;
    struct golden g = {"mfg-2026-median.txt", merit_report_text, false, 3, true,
                       MERIT_METHOD_MEDIAN};
    check(&g);
}

static void test_csv(void **state)
{
    (void)state;
    struct golden g = {"mfg-2026.csv", merit_report_csv, false, 2, false, MERIT_METHOD_MEAN};
    check(&g);
}

static void test_csv_detail(void **state)
{
    (void)state;
    struct golden g = {"mfg-2026-detail.csv", merit_report_csv, true, 2, false, MERIT_METHOD_MEAN};
    check(&g);
}

static void test_json(void **state)
{
    (void)state;
    struct golden g = {"mfg-2026.json", merit_report_json, false, 2, false, MERIT_METHOD_MEAN};
    check(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text), cmocka_unit_test(test_text_median_three_places),
        cmocka_unit_test(test_csv),  cmocka_unit_test(test_csv_detail),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
