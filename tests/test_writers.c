/*
 * The table of report writers (merit_writers, reports/writers.c) and the
 * command's use of it: every entry is found by its name and writes the
 * golden bytes of its format for the example call through a sink whose
 * hash is the SHA-256 of those bytes; `merit rank` takes exactly the
 * table's names for --format and lists them in --help.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "support.h"

#include "merit/model.h"
#include "merit/report.h"
#include "merit/result.h"

#define EXAMPLE_CALL MERIT_SOURCE_DIR "/proposals/mfg-2026"
#define GOLDEN_DIR MERIT_SOURCE_DIR "/tests/golden"

/* The formats merit had before the table, with their golden files. */
static const struct {
    const char *name, *golden;
} known[] = {
    {"text", "mfg-2026.txt"},
    {"csv", "mfg-2026.csv"},
    {"csv-detail", "mfg-2026-detail.csv"},
    {"json", "mfg-2026.json"},
};

static void test_table_names(void **state)
{
    (void)state;
    size_t count = 0;
    for (const merit_writer *w = merit_writers; w->name != NULL; w++, count++) {
        assert_non_null(w->write);
        assert_non_null(w->description);
        assert_true(merit_writer_find(w->name) == w);
        for (const merit_writer *v = merit_writers; v < w; v++)
            if (strcmp(v->name, w->name) == 0)
                fail_msg("writer '%s' twice", w->name);
    }
    assert_true(count >= 4);
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        assert_non_null(merit_writer_find(known[i].name));
    assert_null(merit_writer_find("explain")); /* explain takes a proposal */
    assert_null(merit_writer_find("CSV"));
    assert_null(merit_writer_find(""));
}

/* Each writer of the table writes its golden file's bytes, and the sink's
 * digest is the SHA-256 of exactly those bytes. */
static void test_table_writes_golden_bytes(void **state)
{
    (void)state;
    merit_ctx *ctx = merit_ctx_new();
    merit_call *call = NULL;
    merit_result *res = NULL;
    assert_int_equal(merit_call_load(ctx, EXAMPLE_CALL, &call), 0);
    assert_int_equal(merit_call_rank(ctx, call, NULL, &res), 0);
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        assert_non_null(f);
        merit_sink sink;
        merit_sink_init(&sink, f, false);
        merit_report_options opt = {.places = 2};
        assert_int_equal(merit_writer_find(known[i].name)->write(&sink, res, &opt), 0);
        unsigned char digest[32], want_digest[32];
        assert_int_equal(merit_sink_finish(&sink, digest), 0);
        assert_int_equal(fclose(f), 0);
        char *path = t_sprintf("%s/%s", GOLDEN_DIR, known[i].golden);
        size_t want_size = 0;
        char *want = t_read(path, &want_size);
        assert_non_null(want);
        if (size != want_size || memcmp(buf, want, size) != 0)
            fail_msg("writer '%s' differs from %s", known[i].name, known[i].golden);
        assert_int_equal(merit_sha256(want, want_size, want_digest), 0);
        assert_memory_equal(digest, want_digest, 32);
        free(want);
        free(path);
        free(buf);
    }
    merit_result_free(res);
    merit_call_free(call);
    merit_ctx_free(ctx);
}

/* Runs the merit command (args already quoted); returns its exit status,
 * *out_out and *err_out what it wrote. */
static int run_merit(const char *args, char **out_out, char **err_out)
{
    char *dir = t_tempdir();
    char *out = t_path(dir, "out"), *err = t_path(dir, "err");
    char *cmd = t_sprintf("'%s' %s >'%s' 2>'%s'", MERIT_BINARY, args, out, err);
    int status = system(cmd);
    *out_out = t_read(out, NULL);
    *err_out = t_read(err, NULL);
    t_rmtree(dir);
    free(dir);
    free(out);
    free(err);
    free(cmd);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void test_command_takes_the_table(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(run_merit("rank --help", &out, &err), 0);
    for (const merit_writer *w = merit_writers; w->name != NULL; w++) {
        char *line = t_sprintf("\n                   %-11s %s\n", w->name, w->description);
        if (strstr(out, line) == NULL)
            fail_msg("rank --help does not list '%s':\n%s", w->name, out);
        free(line);
    }
    free(out);
    free(err);

    assert_int_equal(run_merit("rank '" EXAMPLE_CALL "' --format xml", &out, &err), 2);
    /* every name of the table, as "a, b, c or d" (the four of this commit:
     * "text, csv, csv-detail or json") */
    size_t count = 0;
    while (merit_writers[count].name != NULL)
        count++;
    char *names = t_sprintf("merit: error: rank: --format takes ");
    for (size_t i = 0; i < count; i++) {
        const char *sep = i == 0 ? "" : i + 1 == count ? " or " : ", ";
        char *more = t_sprintf("%s%s%s", names, sep, merit_writers[i].name);
        free(names);
        names = more;
    }
    char *want_err = t_sprintf("%s\n", names);
    assert_true(strncmp(want_err, "merit: error: rank: --format takes text, csv, csv-detail", 56) ==
                0);
    assert_string_equal(err, want_err);
    free(want_err);
    free(names);
    free(out);
    free(err);

    /* csv-detail is --format csv --detail */
    char *detail, *named;
    assert_int_equal(run_merit("rank '" EXAMPLE_CALL "' --format csv --detail", &detail, &err), 0);
    free(err);
    assert_int_equal(run_merit("rank '" EXAMPLE_CALL "' --format csv-detail", &named, &err), 0);
    free(err);
    assert_string_equal(detail, named);
    char *want = t_read(GOLDEN_DIR "/mfg-2026-detail.csv", NULL);
    assert_string_equal(named, want);
    free(want);
    free(detail);
    free(named);
    assert_int_equal(run_merit("rank '" EXAMPLE_CALL "' --format json --detail", &out, &err), 2);
    assert_string_equal(err, "merit: error: rank: --detail goes with --format csv\n");
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_names),
        cmocka_unit_test(test_table_writes_golden_bytes),
        cmocka_unit_test(test_command_takes_the_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
