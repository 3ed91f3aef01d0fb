/*
 * Golden files: every report of the example calls, compared byte for byte
 * with tests/golden/: proposals/mfg-2026 (the seed's manufacturing call)
 * and proposals/foundation-2027 (a call whose proposals carry only the core,
 * free sections and a declared fact, so its reports show no lead, area or
 * cost share). A change in any report shows up here as a diff to
 * review; after reviewing it, regenerate with
 *   MERIT_UPDATE_GOLDEN=1 build/tests/test_golden
 * and commit the new files with the change that explains them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "internal.h"

#include "merit/model.h"
#include "merit/result.h"
#include "report.h"

#define GOLDEN_DIR MERIT_SOURCE_DIR "/tests/golden"

typedef const char *writer; /* a format of merit_writers */

/* The width the text report is fitted to (--width); 0: no limit. */
static size_t fitted_width;

struct golden {
    const char *file;
    writer write;
    bool detail;
    unsigned places;
    bool override;
    merit_method method;
    const char *call;    /* a folder of proposals/; NULL: mfg-2026 */
    const char *explain; /* explain this proposal instead of writing */
};

static int explain_writer(FILE *out, const merit_result *res, const merit_report_options *opt,
                          const char *id)
{
    for (size_t i = 0; i < res->call->proposal_count; i++)
        if (strcmp(res->call->proposals[i].id, id) == 0) {
            merit_sink sink;
            merit_sink_init(&sink, out, false);
            merit_report_explain(&sink, res, i, opt);
            return merit_sink_finish(&sink, NULL);
        }
    return -1;
}

static char *render(const struct golden *g)
{
    merit_ctx *ctx = merit_ctx_new();
    merit_call *call = NULL;
    merit_result *res = NULL;
    merit_rank_options ro = {.override_method = g->override, .method = g->method};
    char *dir = t_sprintf(MERIT_SOURCE_DIR "/proposals/%s", g->call ? g->call : "mfg-2026");
    int rc = merit_call_load(ctx, dir, &call);
    free(dir);
    if (rc == 0)
        rc = merit_call_rank(ctx, call, &ro, &res);
    if (rc != 0)
        t_print_diags(ctx);
    assert_int_equal(rc, 0);
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    merit_report_options opt = {.places = g->places, .detail = g->detail, .width = fitted_width};
    if (g->explain != NULL)
        assert_int_equal(explain_writer(f, res, &opt, g->explain), 0);
    else
        assert_int_equal(t_report(g->write, f, res, &opt), 0);
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
    struct golden g = {"mfg-2026.txt", "text", false, 2, false, MERIT_METHOD_MEAN, NULL, NULL};
    check(&g);
}

/* Fitted: at 80 columns the titles and leads shorten to 16 and 15 and the
 * criteria, rev and cumulative columns go; at 60 the lead and the flags go
 * too, and the funding line says less (the header line says it all). The
 * order is text.c's `enum drop`; docs/cli.md shows the 80-column one. */
static void test_text_80_columns(void **state)
{
    (void)state;
    struct golden g = {"mfg-2026-w80.txt", "text", false, 2, false, MERIT_METHOD_MEAN, NULL, NULL};
    fitted_width = 80;
    check(&g);
    fitted_width = 0;
}

static void test_text_60_columns(void **state)
{
    (void)state;
    struct golden g = {"mfg-2026-w60.txt", "text", false, 2, false, MERIT_METHOD_MEAN, NULL, NULL};
    fitted_width = 60;
    check(&g);
    fitted_width = 0;
}

static void test_neutral_text_60_columns(void **state)
{
    (void)state;
    struct golden g = {"foundation-2027-w60.txt", "text", false, 2, false, MERIT_METHOD_MEAN,
                       "foundation-2027",         NULL};
    fitted_width = 60;
    check(&g);
    fitted_width = 0;
}

static void test_text_median_three_places(void **state)
{
    (void)state;
    struct golden g = {"mfg-2026-median.txt", "text", false, 3, true,
                       MERIT_METHOD_MEDIAN,   NULL,   NULL};
    check(&g);
}

static void test_csv(void **state)
{
    (void)state;
    struct golden g = {"mfg-2026.csv", "csv", false, 2, false, MERIT_METHOD_MEAN, NULL, NULL};
    check(&g);
}

static void test_csv_detail(void **state)
{
    (void)state;
    struct golden g = {"mfg-2026-detail.csv", "csv", true, 2, false, MERIT_METHOD_MEAN, NULL, NULL};
    check(&g);
}

static void test_json(void **state)
{
    (void)state;
    struct golden g = {"mfg-2026.json", "json", false, 2, false, MERIT_METHOD_MEAN, NULL, NULL};
    check(&g);
}

/* The neutral example: no team, area or budget, so no lead, area, federal
 * request, cost-share, federal-share or SME-share column, line or key;
 * the applicant and the request are shown instead, the declared fact and
 * the free sections in JSON. Expected by hand from the scores in
 * proposals/foundation-2027/README.md: F01 40/3, F05 and F02 12 (F05
 * first: 25 volunteers against 12), F03 31/3 (reserve: 30,000 does not fit
 * the 15,500 left), F04 ineligible (request 35,000), F06 ineligible and
 * 17/2 below 9. */
static void test_neutral_text(void **state)
{
    (void)state;
    struct golden g = {"foundation-2027.txt", "text", false, 2, false, MERIT_METHOD_MEAN,
                       "foundation-2027",     NULL};
    check(&g);
}

static void test_neutral_csv(void **state)
{
    (void)state;
    struct golden g = {"foundation-2027.csv", "csv", false, 2, false, MERIT_METHOD_MEAN,
                       "foundation-2027",     NULL};
    check(&g);
}

static void test_neutral_json(void **state)
{
    (void)state;
    struct golden g = {"foundation-2027.json", "json", false, 2, false, MERIT_METHOD_MEAN,
                       "foundation-2027",      NULL};
    check(&g);
}

static void test_neutral_explain(void **state)
{
    (void)state;
    struct golden g = {"explain-F02.txt", NULL, false, 2, false, MERIT_METHOD_MEAN,
                       "foundation-2027", "F02"};
    check(&g);
}

/* Beyond the bytes: what the neutral example's proposals lack is nowhere in
 * its reports, and what they have is (the rule of docs/report-json.md). */
static void test_neutral_shows_only_what_it_has(void **state)
{
    (void)state;
    struct golden text = {"", "text", false, 2, false, MERIT_METHOD_MEAN, "foundation-2027", NULL};
    struct golden csv = text, json = text;
    csv.write = "csv";
    json.write = "json";
    char *t = render(&text), *c = render(&csv), *j = render(&json);
    const char *header = strstr(t, "\nrank ");
    assert_non_null(header);
    assert_null(strstr(header, " lead "));
    assert_non_null(strstr(header, " applicant "));
    assert_non_null(strstr(header, " request "));
    assert_true(strncmp(c, "rank,id,title,applicant,status,", 31) == 0);
    /* no such column in the CSV header, no such key in the JSON */
    char *csv_header = strndup(c, (size_t)(strchr(c, '\n') - c));
    static const char *const absent[] = {"area", "lead",          "federal", "cost",
                                         "sme",  "organisations", "months",  "milestones"};
    for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
        char *key = t_sprintf("\"%s", absent[i]);
        if (strstr(j, key) != NULL || strstr(csv_header, absent[i]) != NULL)
            fail_msg("'%s' in the neutral reports", absent[i]);
        free(key);
    }
    free(csv_header);
    assert_non_null(strstr(j, "\"applicant\": \"Verein Reparieren statt Wegwerfen e.V.\""));
    assert_non_null(strstr(j, "\"volunteers\": {"));
    assert_non_null(strstr(j, "\"summary\": 52"));
    free(t);
    free(c);
    free(j);
}

/* The CSV header of both example calls names no column twice, and every
 * column that is not a criterion's (ID or ID_exact) is one the rubric
 * loader refuses as a criterion id (merit__csv_column_reserved): a column
 * added to the writer but not to that list fails here. */
static void test_csv_headers_never_collide(void **state)
{
    (void)state;
    static const char *const calls[] = {"mfg-2026", "foundation-2027"};
    for (size_t c = 0; c < 2; c++) {
        struct golden g = {"", "csv", false, 2, false, MERIT_METHOD_MEAN, calls[c], NULL};
        char *csv = render(&g);
        char *header = strndup(csv, (size_t)(strstr(csv, "\r\n") - csv));
        char *names[128];
        size_t n = 0;
        for (char *field = header, *comma; field != NULL && n < 128; field = comma) {
            comma = strchr(field, ',');
            if (comma != NULL)
                *comma++ = '\0';
            names[n++] = field;
        }
        assert_true(n > 10 && n < 128);
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < i; j++)
                if (strcmp(names[i], names[j]) == 0)
                    fail_msg("%s: column '%s' twice", calls[c], names[i]);
            size_t len = strlen(names[i]);
            bool exact = len > 6 && strcmp(names[i] + len - 6, "_exact") == 0;
            /* a criterion's column, or its exact column: not reserved */
            char *stem = strndup(names[i], exact ? len - 6 : len);
            if (merit__csv_column_reserved(stem) == NULL) {
                char *path = t_sprintf(MERIT_SOURCE_DIR "/proposals/%s/rubric.xml", calls[c]);
                char *rubric = t_read(path, NULL);
                char *attr = t_sprintf("criterion id=\"%s\"", stem);
                /* mfg-2026 names a shipped rubric: its criteria are those of
                 * rubrics/manufacturing-usa.xml */
                if (rubric == NULL) {
                    free(path);
                    path = t_sprintf(MERIT_SOURCE_DIR "/rubrics/manufacturing-usa.xml");
                    rubric = t_read(path, NULL);
                }
                assert_non_null(rubric);
                if (strstr(rubric, attr) == NULL)
                    fail_msg("%s: column '%s' is neither merit's nor a criterion's", calls[c],
                             names[i]);
                free(attr);
                free(rubric);
                free(path);
            }
            free(stem);
        }
        free(header);
        free(csv);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_text_80_columns),
        cmocka_unit_test(test_text_60_columns),
        cmocka_unit_test(test_neutral_text_60_columns),
        cmocka_unit_test(test_text_median_three_places),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_csv_detail),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_neutral_text),
        cmocka_unit_test(test_neutral_csv),
        cmocka_unit_test(test_neutral_json),
        cmocka_unit_test(test_neutral_explain),
        cmocka_unit_test(test_neutral_shows_only_what_it_has),
        cmocka_unit_test(test_csv_headers_never_collide),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
