/*
 * merit stats (reports/stats.c): the reviewer calibration and agreement
 * tables of proposals/mfg-2026 in text, CSV and JSON, compared byte for byte
 * with tests/golden/stats-mfg-2026.*; regenerate after reviewing a change
 * with MERIT_UPDATE_GOLDEN=1 build/tests/test_stats. Ranked as the command
 * ranks: with rank intervals from 1000 resamples. The figures themselves
 * are checked by hand in tests/test_calibration.c and tests/test_agreement.c;
 * here a few are checked against those (r1's mean total 597/8, the flag
 * limit 10 of a total range 100) so that the golden file is not only
 * whatever the writer wrote. Then a hostile reviewer id and name: escaped in
 * each format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "support.h"

#include "internal.h"

#include "merit/model.h"
#include "merit/result.h"
#include "report.h"
#include "run_merit.h"

#define GOLDEN_DIR MERIT_SOURCE_DIR "/tests/golden"

static char *render_call(merit_call *call, merit_report_fn write)
{
    merit_ctx *ctx = merit_ctx_new();
    merit_result *res = NULL;
    merit_rank_options ro = {
        .override_method = false, .method = MERIT_METHOD_MEAN, .resamples = 1000};
    int rc = merit_call_rank(ctx, call, &ro, &res);
    if (rc != 0)
        t_print_diags(ctx);
    assert_int_equal(rc, 0);
    merit_report_options opt = {.places = 2};
    char *buf = t_render(write, res, &opt);
    merit_result_free(res);
    merit_ctx_free(ctx);
    return buf;
}

static merit_call *load_mfg(void)
{
    merit_ctx *ctx = merit_ctx_new();
    merit_call *call = NULL;
    int rc = merit_call_load(ctx, MERIT_SOURCE_DIR "/proposals/mfg-2026", &call);
    if (rc != 0)
        t_print_diags(ctx);
    assert_int_equal(rc, 0);
    merit_ctx_free(ctx);
    return call;
}

static void check_golden(const char *file, merit_report_fn write)
{
    merit_call *call = load_mfg();
    char *got = render_call(call, write);
    merit_call_free(call);
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, file);
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
        size_t line = 1;
        for (size_t i = 0; got[i] && got[i] == want[i]; i++)
            if (got[i] == '\n')
                line++;
        fail_msg("%s differs from the golden file at line %zu", file, line);
    }
    free(got);
    free(want);
}

static void test_text(void **state)
{
    (void)state;
    check_golden("stats-mfg-2026.txt", merit_report_stats_text);
}

static void test_csv(void **state)
{
    (void)state;
    check_golden("stats-mfg-2026.csv", merit_report_stats_csv);
}

static void test_json(void **state)
{
    (void)state;
    check_golden("stats-mfg-2026.json", merit_report_stats_json);
}

/* Figures of the golden files worked out apart from the writer: r1's
 * complete totals in proposals/mfg-2026 sum to 597 over 8 reviews (mean
 * 597/8 = 74.625, shown 74.62 half to even); the rubric's weights sum to
 * 10 on a 0..10 scale, so the total can range over 100 and the flag limit
 * is 100/10 = 10. */
static void test_known_figures(void **state)
{
    (void)state;
    merit_call *call = load_mfg();
    char *csv = render_call(call, merit_report_stats_csv);
    char *json = render_call(call, merit_report_stats_json);
    char *text = render_call(call, merit_report_stats_text);
    merit_call_free(call);
    assert_non_null(strstr(csv, "\r\nr1,Dr. Helen Kowalczyk,8,8,0,8,74.62,597/8,"));
    assert_non_null(strstr(json, "\"limit\": {\n      \"exact\": \"10\",\n"));
    assert_non_null(strstr(text, "that is more than 10.00,"));
    /* the line: the real walk funds the first six (ranks 1, 2=, 2=, 4, 5, 6
     * fit USD 9,000,000; P10's 1,060,000 does not fit the 120,000 left) */
    assert_non_null(strstr(text, "; the funding line after position 6; 2 in the grey zone\n"));
    assert_non_null(strstr(csv, "\r\nP01,1,no,"));
    free(csv);
    free(json);
    free(text);
}

/* A reviewer id and name from the input that would run as a terminal
 * escape, a spreadsheet formula, or break out of a JSON string. */
static void test_hostile_reviewer(void **state)
{
    (void)state;
    merit_call *call = load_mfg();
    assert_true(call->reviewer_count > 0);
    merit_reviewer *rv = &call->reviewers[0];
    free(rv->id);
    free(rv->name);
    rv->id = strdup("=HYPERLINK(\"x\")\x1b[31m");
    rv->name = strdup("@evil\"\\\n\x1b]0;t\x07");
    assert_non_null(rv->id);
    assert_non_null(rv->name);
    char *text = render_call(call, merit_report_stats_text);
    char *csv = render_call(call, merit_report_stats_csv);
    char *json = render_call(call, merit_report_stats_json);
    merit_call_free(call);
    assert_null(strchr(text, '\x1b'));
    assert_null(strchr(text, '\x07'));
    /* a formula gets its apostrophe, a field with quotes or a line break is
     * quoted with its quotes doubled (CSV cells keep the exact text) */
    assert_non_null(strstr(csv, "\r\n\"'=HYPERLINK(\"\"x\"\")\x1b[31m\","));
    assert_non_null(strstr(csv, ",\"'@evil\"\"\\\n"));
    assert_null(strchr(json, '\x1b'));
    assert_non_null(strstr(json, "\"id\": \"=HYPERLINK(\\\"x\\\")\\u001B[31m\""));
    assert_non_null(strstr(json, "\"name\": \"@evil\\\"\\\\\\n\\u001B]0;t\\u0007\""));
    free(text);
    free(csv);
    free(json);
}

/* A call where no two proposals share two reviewers: merit-gen hands 6
 * proposals 2 reviewers each out of 60 in turn, so every pair is new and
 * there is no complete block for an ICC. Through the binary: every ICC is
 * "-" with the reason, alpha is still there (it takes missing data), -o
 * writes what standard output shows, and --audit and a bad --format are
 * usage errors. */
static void test_design_does_not_allow(void **state)
{
    (void)state;
    char *dir = t_tempdir();
    char *call = t_path(dir, "gen");
    char *out = t_path(dir, "out.txt");
    char *file = t_path(dir, "file.txt");
    const char *gen[] = {"merit-gen", "--proposals", "6",  "--reviewers",
                         "60",        "--seed",      "13", "--reviews-per-proposal",
                         "2",         "-o",          call, NULL};
    assert_int_equal(t_run_program(MERIT_GEN_BINARY, NULL, NULL, gen), 0);
    assert_int_equal(t_run_merit(out, NULL, "stats", call, (const char *)NULL), 0);
    char *text = t_read(out, NULL);
    assert_non_null(text);
    const char *rows[] = {"\nproblem ", "\napproach ", "\ndiffusion ", "\n(total) "};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *row = strstr(text, rows[i]);
        assert_non_null(row);
        const char *end = strchr(row + 1, '\n');
        assert_non_null(end);
        char *line = strndup(row + 1, (size_t)(end - row - 1));
        assert_non_null(line);
        /* six ICC dashes, then the reason; the two alphas are numbers */
        assert_non_null(strstr(line, "-         -         -         -         -         -  "
                                     "design does not allow"));
        free(line);
    }
    assert_int_equal(t_run_merit(NULL, NULL, "stats", call, "-o", file, (const char *)NULL), 0);
    T_EXPECT_FILE(file, text);
    assert_int_equal(
        t_run_merit(NULL, NULL, "stats", call, "--audit", "t.jsonl", (const char *)NULL), 2);
    assert_int_equal(t_run_merit(NULL, NULL, "stats", call, "--format", "html", (const char *)NULL),
                     2);
    free(text);
    t_rmtree(dir);
    free(call);
    free(out);
    free(file);
    free(dir);
}

/* Each writer with its 1st, 2nd, ... allocation failing (merit's and
 * jansson's, through the counting hook, as test_torture does for the
 * ranking): it returns MERIT_ENOMEM, or, when the failure was absorbed,
 * writes exactly what it writes without one. Leaks: valgrind in CI. */
static void test_allocation_failures(void **state)
{
    (void)state;
    merit_call *call = load_mfg();
    merit_ctx *ctx = merit_ctx_new();
    merit_result *res = NULL;
    assert_int_equal(merit_call_rank(ctx, call, NULL, &res), 0);
    merit_report_fn writers[] = {merit_report_stats_text, merit_report_stats_csv,
                                 merit_report_stats_json};
    merit_report_options opt = {.places = 2};
    for (size_t w = 0; w < 3; w++) {
        char *clean = NULL, *got = NULL;
        size_t clean_size = 0, got_size = 0;
        FILE *f = open_memstream(&clean, &clean_size);
        assert_non_null(f);
        merit_sink sink;
        merit__alloc_fail_at(0);
        merit_sink_init(&sink, f, false);
        assert_int_equal(writers[w](&sink, res, &opt), 0);
        uint64_t total = merit__alloc_count();
        assert_int_equal(merit_sink_finish(&sink, NULL), 0);
        fclose(f);
        assert_true(total > 10);
        uint64_t failed = 0;
        for (uint64_t n = 1; n <= total; n++) {
            f = open_memstream(&got, &got_size);
            assert_non_null(f);
            merit__alloc_fail_at(n);
            merit_sink_init(&sink, f, false);
            int rc = writers[w](&sink, res, &opt);
            int finished = merit_sink_finish(&sink, NULL);
            merit__alloc_fail_at(0);
            fclose(f);
            if (rc != 0 || finished != 0) {
                assert_int_equal(finished, MERIT_ENOMEM);
                failed++;
            } else {
                assert_int_equal(got_size, clean_size);
                assert_memory_equal(got, clean, clean_size);
            }
            free(got);
            got = NULL;
        }
        assert_true(failed > 0);
        free(clean);
    }
    merit_result_free(res);
    merit_ctx_free(ctx);
    merit_call_free(call);
}

int main(void)
{
    /* jansson allocates through the counting hook, as merit does */
    json_set_alloc_funcs(merit__malloc, free);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_known_figures),
        cmocka_unit_test(test_hostile_reviewer),
        cmocka_unit_test(test_design_does_not_allow),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
