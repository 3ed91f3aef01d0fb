/*
 * The audit trail and its replay, on a copy of the example call: a faithful
 * replay passes; each kind of tampering with the inputs or the trail is
 * detected and named; a trail of another maths version is told apart from
 * tampering; and the worked example of docs/audit.md holds on the real trail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "support.h"

#include "merit/audit.h"
#include "merit/model.h"
#include "merit/number.h"
#include "merit/result.h"

struct fixture {
    char *dir;
    char *cwd;
    merit_ctx *ctx;
};

/* A copy of the example call in dir/call and its trail in dir/trail.jsonl;
 * the test runs inside dir so that paths are short and relative. */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->dir = t_tempdir();
    f->cwd = getcwd(NULL, 0);
    char *cmd = NULL;
    size_t n = strlen(f->dir) + 256;
    cmd = malloc(n);
    snprintf(cmd, n, "cp -r '%s/proposals/mfg-2026' '%s/call'", MERIT_SOURCE_DIR, f->dir);
    if (system(cmd) != 0)
        return -1;
    free(cmd);
    if (chdir(f->dir) != 0)
        return -1;
    merit_ctx *ctx = merit_ctx_new();
    merit_call *call = NULL;
    merit_result *res = NULL;
    if (merit_call_load(ctx, "call", &call) != 0 || merit_call_rank(ctx, call, NULL, &res) != 0)
        return -1;
    const char *argv[] = {"merit", "rank", "call", "--audit", "trail.jsonl"};
    merit_audit_info info = {.argc = 5, .argv = argv, .time = 1800000000, .places = 2};
    FILE *out = fopen("trail.jsonl", "w");
    int rc = merit_audit_write(ctx, res, &info, out, NULL);
    fclose(out);
    merit_result_free(res);
    merit_call_free(call);
    merit_ctx_free(ctx);
    f->ctx = merit_ctx_new();
    *state = f;
    return rc;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    if (chdir(f->cwd) != 0)
        return -1;
    t_rmtree(f->dir);
    merit_ctx_free(f->ctx);
    free(f->dir);
    free(f->cwd);
    free(f);
    return 0;
}

static int replay(struct fixture *f, merit_replay_summary *s)
{
    merit_replay_summary local;
    return merit_replay(f->ctx, "trail.jsonl", NULL, s ? s : &local);
}

/* Asserts that some diagnostic names file (and line, if not 0) and has a
 * message starting with prefix. */
static void expect_diag(const merit_ctx *ctx, const char *file, uint32_t line, const char *prefix)
{
    for (size_t i = 0; i < merit_ctx_diag_count(ctx); i++) {
        const merit_diag *d = merit_ctx_diag(ctx, i);
        if (strcmp(d->file, file) == 0 && (line == 0 || d->line == line) &&
            strncmp(d->message, prefix, strlen(prefix)) == 0)
            return;
    }
    t_print_diags(ctx);
    fail_msg("no diagnostic %s:%u: %s...", file, line, prefix);
}

/* The trail's lines, edited by fn, written back (lines keep their bytes). */
static char **read_lines(size_t *count)
{
    char *text = t_read("trail.jsonl", NULL);
    assert_non_null(text);
    char **lines = NULL;
    *count = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        lines = realloc(lines, (*count + 1) * sizeof(*lines));
        lines[(*count)++] = strdup(l);
    }
    free(text);
    return lines;
}

static void write_lines(char **lines, size_t count)
{
    FILE *out = fopen("trail.jsonl", "w");
    for (size_t i = 0; i < count; i++) {
        fputs(lines[i], out);
        fputc('\n', out);
    }
    fclose(out);
}

static void free_lines(char **lines, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(lines[i]);
    free(lines);
}

/* Recomputes seq and prev for every line, as a forger would. */
static void rechain(char **lines, size_t count)
{
    char prev[65];
    memset(prev, '0', 64);
    prev[64] = '\0';
    for (size_t i = 0; i < count; i++) {
        json_t *o = json_loads(lines[i], 0, NULL);
        assert_non_null(o);
        json_object_set_new(o, "seq", json_integer((json_int_t)i + 1));
        json_object_set_new(o, "prev", json_string(prev));
        free(lines[i]);
        lines[i] = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(o);
        unsigned char d[32];
        assert_int_equal(merit_sha256(lines[i], strlen(lines[i]), d), 0);
        merit_hex(d, prev);
    }
}

static size_t line_of(char **lines, size_t count, const char *needle)
{
    for (size_t i = 0; i < count; i++)
        if (strstr(lines[i], needle) != NULL)
            return i;
    fail_msg("no line with %s", needle);
    return 0;
}

static void test_faithful_replay(void **state)
{
    struct fixture *f = *state;
    merit_replay_summary s;
    int rc = replay(f, &s);
    if (rc != 0)
        t_print_diags(f->ctx);
    assert_int_equal(rc, 0);
    /* 19 inputs: call.xml, the shipped rubric, 12 proposals, 5 sheets */
    assert_int_equal(s.inputs, 19);
    assert_true(s.steps > 200);
    assert_int_equal(merit_ctx_error_count(f->ctx), 0);
}

static void test_score_changed(void **state)
{
    struct fixture *f = *state;
    char *sheet = t_read("call/reviews/r1.xml", NULL);
    /* r1's review of P01 scores the problem 9: make it 8.5 */
    char *review = strstr(sheet, "<review proposal=\"P01\"");
    assert_non_null(review);
    char *score = strstr(review, "criterion=\"problem\" value=\"9\"");
    assert_non_null(score);
    size_t head = (size_t)(score - sheet);
    char *edited = malloc(strlen(sheet) + 8);
    memcpy(edited, sheet, head);
    strcpy(edited + head, "criterion=\"problem\" value=\"8.5\"");
    strcat(edited, score + strlen("criterion=\"problem\" value=\"9\""));
    t_write(".", "call/reviews/r1.xml", edited);
    free(sheet);
    free(edited);
    assert_int_equal(replay(f, NULL), MERIT_EDIVERGED);
    expect_diag(f->ctx, "call/reviews/r1.xml", 0,
                "changed since the trail was written: recorded sha256 ");
    /* and the first step it changes: r1's total for P01 drops by 1 * 0.5 */
    expect_diag(f->ctx, "trail.jsonl", 0,
                "step 21, review (proposal P01, reviewer r1), diverged: recorded total ");
}

static void test_sheet_removed(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(unlink("call/reviews/r5.xml"), 0);
    assert_int_equal(replay(f, NULL), MERIT_EDIVERGED);
    expect_diag(f->ctx, "call/reviews/r5.xml", 0, "missing: the trail records it with sha256 ");
}

static void test_sheet_added(void **state)
{
    struct fixture *f = *state;
    char *sheet = t_read("call/reviews/r5.xml", NULL);
    t_write(".", "call/reviews/r5-copy.xml", sheet);
    free(sheet);
    assert_int_equal(replay(f, NULL), MERIT_EDIVERGED);
    expect_diag(f->ctx, "call/reviews/r5-copy.xml", 0,
                "extra file: it was not part of the call when the trail was written");
}

static void test_line_edited(void **state)
{
    struct fixture *f = *state;
    size_t n;
    char **lines = read_lines(&n);
    size_t i = line_of(lines, n, "\"passed\":true");
    char *edited = t_replace(lines[i], "\"passed\":true", "\"passed\":false");
    free(lines[i]);
    lines[i] = edited;
    write_lines(lines, n);
    free_lines(lines, n);
    assert_int_equal(replay(f, NULL), MERIT_EDIVERGED);
    char want[128];
    snprintf(want, sizeof(want), "the chain breaks here: line %zu was edited", i + 1);
    expect_diag(f->ctx, "trail.jsonl", (uint32_t)(i + 1), want);
}

static void test_line_deleted(void **state)
{
    struct fixture *f = *state;
    size_t n;
    char **lines = read_lines(&n);
    free(lines[49]);
    memmove(&lines[49], &lines[50], (n - 50) * sizeof(*lines));
    write_lines(lines, n - 1);
    free_lines(lines, n - 1);
    assert_int_equal(replay(f, NULL), MERIT_EDIVERGED);
    expect_diag(f->ctx, "trail.jsonl", 50,
                "the chain breaks here: record 51 follows record 49, so a line was removed");
}

static void test_lines_swapped(void **state)
{
    struct fixture *f = *state;
    size_t n;
    char **lines = read_lines(&n);
    char *t = lines[59];
    lines[59] = lines[60];
    lines[60] = t;
    write_lines(lines, n);
    free_lines(lines, n);
    assert_int_equal(replay(f, NULL), MERIT_EDIVERGED);
    expect_diag(f->ctx, "trail.jsonl", 60,
                "the chain breaks here: record 61 stands at line 60 and record 60 at line 61: "
                "lines were reordered");
}

static void test_trail_cut_short(void **state)
{
    struct fixture *f = *state;
    size_t n;
    char **lines = read_lines(&n);
    write_lines(lines, n - 1);
    free_lines(lines, n);
    assert_int_equal(replay(f, NULL), MERIT_EDIVERGED);
    expect_diag(f->ctx, "trail.jsonl", (uint32_t)(n - 1),
                "the trail ends without its closing record");
}

/* A forger who edits a value and re-hashes the whole chain passes step 1,
 * and is caught by the recomputation. */
static void test_forged_chain(void **state)
{
    struct fixture *f = *state;
    size_t n;
    char **lines = read_lines(&n);
    size_t i = line_of(lines, n, "\"type\":\"total\",\"proposal\":\"P10\"");
    char *edited = t_replace(lines[i], "\"exact\":\"541/8\"", "\"exact\":\"551/8\"");
    free(lines[i]);
    lines[i] = edited;
    rechain(lines, n);
    write_lines(lines, n);
    free_lines(lines, n);
    assert_int_equal(replay(f, NULL), MERIT_EDIVERGED);
    expect_diag(f->ctx, "trail.jsonl", (uint32_t)(i + 1), "step");
    char want[160];
    snprintf(want, sizeof(want),
             "step %zu, total (proposal P10), diverged: recorded value 551/8, "
             "recomputed 541/8",
             i + 1);
    expect_diag(f->ctx, "trail.jsonl", (uint32_t)(i + 1), want);
}

static void test_other_maths_version(void **state)
{
    struct fixture *f = *state;
    size_t n;
    char **lines = read_lines(&n);
    char *edited = t_replace(lines[0], "\"maths\":1", "\"maths\":0");
    free(lines[0]);
    lines[0] = edited;
    rechain(lines, n);
    write_lines(lines, n);
    free_lines(lines, n);
    assert_int_equal(replay(f, NULL), MERIT_EDIVERGED);
    expect_diag(f->ctx, "trail.jsonl", 1,
                "the trail was written by merit 0.1.0 with scoring maths version 0");
    const merit_diag *d = merit_ctx_diag(f->ctx, 0);
    assert_non_null(strstr(d->message, "this is not tampering"));
}

static json_t *find_record(const char *type, const char *proposal, const char *criterion)
{
    size_t n;
    char **lines = read_lines(&n);
    json_t *found = NULL;
    for (size_t i = 0; i < n && found == NULL; i++) {
        json_t *o = json_loads(lines[i], 0, NULL);
        const char *t = json_string_value(json_object_get(o, "type"));
        const char *p = json_string_value(json_object_get(o, "proposal"));
        const char *c = json_string_value(json_object_get(o, "criterion"));
        if (t && strcmp(t, type) == 0 && p && strcmp(p, proposal) == 0 &&
            (criterion == NULL || (c && strcmp(c, criterion) == 0)))
            found = o;
        else
            json_decref(o);
    }
    free_lines(lines, n);
    assert_non_null(found);
    return found;
}

/* docs/audit.md, "Recomputing a total by hand from the trail". */
static void test_worked_example(void **state)
{
    (void)state;
    json_t *agg = find_record("aggregate", "P10", "approach");
    /* (8.5 + 5.5 + 6.5 + 7) / 4 = 55/8, shown 6.88 */
    const char *scores[] = {"8.5", "5.5", "6.5", "7"};
    json_t *list = json_object_get(agg, "scores");
    assert_int_equal(json_array_size(list), 4);
    mpq_t sum, x;
    mpq_inits(sum, x, NULL);
    for (size_t i = 0; i < 4; i++) {
        const char *s = json_string_value(json_object_get(json_array_get(list, i), "score"));
        assert_string_equal(s, scores[i]);
        merit_decimal_parse(s, x);
        mpq_add(sum, sum, x);
    }
    mpq_set_ui(x, 4, 1);
    mpq_div(sum, sum, x);
    char *mean = merit_fraction_string(sum);
    assert_string_equal(mean, "55/8");
    json_t *value = json_object_get(agg, "value");
    assert_string_equal(json_string_value(json_object_get(value, "exact")), mean);
    assert_string_equal(json_string_value(json_object_get(value, "shown")), "6.88");
    free(mean);
    json_decref(agg);

    /* the total record: sum of weight * aggregate = 541/8, shown 67.62 */
    json_t *total = find_record("total", "P10", NULL);
    json_t *terms = json_object_get(total, "terms");
    assert_int_equal(json_array_size(terms), 7);
    mpq_set_ui(sum, 0, 1);
    mpq_t w;
    mpq_init(w);
    for (size_t i = 0; i < 7; i++) {
        json_t *t = json_array_get(terms, i);
        merit_decimal_parse(json_string_value(json_object_get(t, "weight")), w);
        assert_int_equal(mpq_set_str(x, json_string_value(json_object_get(t, "aggregate")), 10), 0);
        mpq_canonicalize(x);
        mpq_mul(x, x, w);
        mpq_add(sum, sum, x);
    }
    char *computed = merit_fraction_string(sum);
    assert_string_equal(computed, "541/8");
    json_t *tv = json_object_get(total, "value");
    assert_string_equal(json_string_value(json_object_get(tv, "exact")), computed);
    assert_string_equal(json_string_value(json_object_get(tv, "shown")), "67.62");
    free(computed);
    json_decref(total);

    json_t *walk = find_record("walk", "P10", NULL);
    assert_string_equal(json_string_value(json_object_get(walk, "request")), "1100000.00");
    assert_string_equal(json_string_value(json_object_get(walk, "remaining_before")), "120000.00");
    assert_string_equal(json_string_value(json_object_get(walk, "action")), "does-not-fit");
    json_decref(walk);
    mpq_clears(sum, x, w, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_faithful_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_score_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sheet_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sheet_added, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_edited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_deleted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lines_swapped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trail_cut_short, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forged_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_maths_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_worked_example, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
