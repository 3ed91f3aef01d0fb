/*
 * --keep-going: a call with invalid inputs ranks what is valid and lists
 * every file, proposal, sheet and review it left out, with the reason; the
 * same call without it loads nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#include "merit/model.h"
#include "merit/result.h"

/* A scratch folder holding a copy of the example call; the caller removes
 * and frees it. */
static char *copy_example_call(void)
{
    char *dir = t_tempdir();
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "cp -r '%s/proposals/mfg-2026/.' '%s/'", MERIT_SOURCE_DIR, dir);
    assert_int_equal(system(cmd), 0);
    return dir;
}

static char *make_broken_call(void)
{
    char *dir = copy_example_call();
    /* a file that is not XML */
    t_write(dir, "proposals/P13.xml", "<proposal oops\n");
    /* a proposal that breaks a rule: a second lead */
    t_copy_edited(dir, "proposals/P05.xml", "proposals/P05.xml",
                  "<organisation id=\"rochester\" type=\"academic\"",
                  "<organisation id=\"rochester\" lead=\"true\" type=\"academic\"");
    /* a sheet of someone not on the panel */
    t_copy_edited(dir, "reviews/r3.xml", "reviews/r9.xml", "reviewer=\"r3\"", "reviewer=\"r9\"");
    return dir;
}

static const merit_rejected *find(const merit_call *call, merit_rejected_kind kind,
                                  const char *what)
{
    for (size_t i = 0; i < call->rejected_count; i++)
        if (call->rejected[i].kind == kind && strcmp(call->rejected[i].what, what) == 0)
            return &call->rejected[i];
    for (size_t i = 0; i < call->rejected_count; i++)
        fprintf(stderr, "rejected %s %s: %s\n", merit_rejected_kind_name(call->rejected[i].kind),
                call->rejected[i].what, call->rejected[i].reason);
    fail_msg("no rejected %s '%s'", merit_rejected_kind_name(kind), what);
    return NULL;
}

static void test_without_keep_going_nothing_loads(void **state)
{
    (void)state;
    char *dir = make_broken_call();
    merit_ctx *ctx = merit_ctx_new();
    merit_call *call = NULL;
    assert_int_equal(merit_call_load(ctx, dir, &call), MERIT_EINVALID);
    assert_null(call);
    merit_ctx_free(ctx);
    t_rmtree(dir);
    free(dir);
}

static void test_keep_going_lists_what_it_leaves_out(void **state)
{
    (void)state;
    char *dir = make_broken_call();
    merit_ctx *ctx = merit_ctx_new();
    merit_ctx_set_keep_going(ctx, true);
    merit_call *call = NULL;
    int rc = merit_call_load(ctx, dir, &call);
    if (rc != 0)
        t_print_diags(ctx);
    assert_int_equal(rc, 0);
    /* the diagnostics still say everything */
    assert_true(merit_ctx_error_count(ctx) >= 3);

    const merit_rejected *r = find(call, MERIT_REJECTED_FILE, "proposals/P13.xml");
    /* (before: libxml2's "specification mandates value for attribute oops") */
    assert_string_equal(r->reason, "the file ends inside a start tag: is it cut short?");
    r = find(call, MERIT_REJECTED_PROPOSAL, "P05");
    assert_string_equal(r->reason, "proposal 'P05' has more than one lead organisation");
    r = find(call, MERIT_REJECTED_SHEET, "sheet of r9");
    assert_string_equal(r->reason, "reviewer 'r9' is not on the call's panel");
    /* P05's reviews go with it: r1, r3, r4 reviewed it (r2 declared a conflict) */
    r = find(call, MERIT_REJECTED_REVIEW, "review of P05 by r1");
    assert_string_equal(r->reason, "its proposal was rejected");
    find(call, MERIT_REJECTED_REVIEW, "review of P05 by r4");
    find(call, MERIT_REJECTED_CONFLICT, "conflict of r2 with P05");

    /* what is left: 11 proposals, and it ranks */
    assert_int_equal(call->proposal_count, 11);
    for (size_t i = 0; i < call->proposal_count; i++)
        assert_string_not_equal(call->proposals[i].id, "P05");
    merit_result *res = NULL;
    assert_int_equal(merit_call_rank(ctx, call, NULL, &res), 0);
    /* P01 still leads: 509/6 */
    assert_string_equal(call->proposals[res->proposals[res->order[0]].proposal].id, "P01");
    merit_result_free(res);
    merit_call_free(call);
    merit_ctx_free(ctx);
    t_rmtree(dir);
    free(dir);
}

/* A score off the scale (r1 scores P01's problem 11 on the 0 to 10 scale of
 * manufacturing-usa) is reported as the sheet loads, at its value=; with
 * keep-going it leaves out its review alone, for that reason, and the rest
 * of the sheet and the proposal stay. */
static void test_keep_going_leaves_out_a_review_with_a_wrong_score(void **state)
{
    (void)state;
    char *dir = copy_example_call();
    merit_ctx *ctx = merit_ctx_new();
    merit_call *call = NULL;
    assert_int_equal(merit_call_load(ctx, dir, &call), 0);
    size_t reviews = call->review_count;
    merit_call_free(call);
    merit_ctx_free(ctx);

    t_copy_edited(dir, "reviews/r1.xml", "reviews/r1.xml",
                  "<score criterion=\"problem\" value=\"9\">Quantified",
                  "<score criterion=\"problem\" value=\"11\">Quantified");
    /* line 4 of r1.xml; value= 31 bytes in ("    <score criterion=\"problem\" ") */
    const char *message = "score 11 for criterion 'problem' is off the scale 0 to 10";
    char *path = t_path(dir, "reviews/r1.xml");

    ctx = merit_ctx_new();
    assert_int_equal(merit_call_load(ctx, dir, &call), MERIT_EINVALID);
    T_EXPECT_DIAGS(ctx, T_ERROR(path, 4, 32, message));
    merit_ctx_free(ctx);

    ctx = merit_ctx_new();
    merit_ctx_set_keep_going(ctx, true);
    assert_int_equal(merit_call_load(ctx, dir, &call), 0);
    T_EXPECT_DIAGS(ctx, T_ERROR(path, 4, 32, message));
    assert_int_equal(call->rejected_count, 1);
    const merit_rejected *r = find(call, MERIT_REJECTED_REVIEW, "review of P01 by r1");
    assert_string_equal(r->reason, message);
    assert_int_equal(r->loc.line, 3); /* the <review> */
    assert_int_equal(call->proposal_count, 12);
    assert_int_equal(call->review_count, reviews - 1);
    merit_call_free(call);
    merit_ctx_free(ctx);
    free(path);
    t_rmtree(dir);
    free(dir);
}

/* A bundle whose second record is not valid: bundles are read record by
 * record, but a file counts whole or not at all, so the first record,
 * already read and checked when the second fails, is dropped again with
 * the file. */
static void test_a_bundle_with_a_bad_record_is_left_out_whole(void **state)
{
    (void)state;
    char *dir = copy_example_call();
    char *path = t_path(dir, "proposals/P01.xml");
    char *p01 = t_read(path, NULL);
    const char *body = strstr(p01, "<proposal ");
    assert_non_null(body);
    char *first = t_replace(body, "id=\"P01\"", "id=\"P21\"");
    char *second = t_edit(body, "id=\"P01\"", "id=\"P22\"", "months=\"24\"", "months=\"many\"");
    char *bundle =
        t_sprintf("<?xml version=\"1.0\"?>\n<proposals xmlns=\"urn:merit:1\">\n%s%s</proposals>\n",
                  first, second);
    t_write(dir, "proposals/more.xml", bundle);

    merit_ctx *ctx = merit_ctx_new();
    merit_ctx_set_keep_going(ctx, true);
    merit_call *call = NULL;
    assert_int_equal(merit_call_load(ctx, dir, &call), 0);
    const merit_rejected *r = find(call, MERIT_REJECTED_FILE, "proposals/more.xml");
    assert_non_null(strstr(r->reason, "months"));
    assert_int_equal(call->rejected_count, 1);
    assert_int_equal(call->proposal_count, 12); /* P01..P12; not P21 */
    for (size_t i = 0; i < call->proposal_count; i++)
        assert_string_not_equal(call->proposals[i].id, "P21");
    merit_call_free(call);
    merit_ctx_free(ctx);

    /* the same on two threads */
    ctx = merit_ctx_new();
    merit_ctx_set_keep_going(ctx, true);
    merit_ctx_set_threads(ctx, 2);
    assert_int_equal(merit_call_load(ctx, dir, &call), 0);
    assert_int_equal(call->rejected_count, 1);
    assert_int_equal(call->proposal_count, 12);
    merit_call_free(call);
    merit_ctx_free(ctx);

    free(bundle);
    free(second);
    free(first);
    free(p01);
    free(path);
    t_rmtree(dir);
    free(dir);
}

static void test_invalid_call_xml_is_not_kept(void **state)
{
    (void)state;
    char *dir = make_broken_call();
    t_write(dir, "call.xml", "<call/>\n");
    merit_ctx *ctx = merit_ctx_new();
    merit_ctx_set_keep_going(ctx, true);
    merit_call *call = NULL;
    assert_int_equal(merit_call_load(ctx, dir, &call), MERIT_EINVALID);
    assert_null(call);
    merit_ctx_free(ctx);
    t_rmtree(dir);
    free(dir);
}

/* Text past libxml2's 10,000,000 bytes in one piece: a proposal with a 10
 * MiB section and a sheet with an 11 MiB comment. Each is its file's own
 * limit error, at the text's start, and keep-going leaves out those two
 * files alone and ranks the rest (before: "out of memory" for the whole
 * run, no file named, no ranking). */
static void test_text_past_the_parser_limit_rejects_only_its_file(void **state)
{
    (void)state;
    char *dir = copy_example_call();
    char *big = malloc(11u * 1024 * 1024 + 1);
    assert_non_null(big);
    memset(big, 'x', 11u * 1024 * 1024);
    big[10u * 1024 * 1024] = '\0';
    /* "    <problem>" is line 23 of P01.xml: the text starts at column 14 */
    char *edit = t_sprintf("<problem>%sSmall suppliers", big);
    t_copy_edited(dir, "proposals/P01.xml", "proposals/P01.xml", "<problem>Small suppliers", edit);
    free(edit);
    big[10u * 1024 * 1024] = 'x';
    big[11u * 1024 * 1024] = '\0';
    edit = t_sprintf("<comment>%sStrong proposal", big);
    t_copy_edited(dir, "reviews/r2.xml", "reviews/r2.xml", "<comment>Strong proposal", edit);
    free(edit);
    free(big);
    char *p01 = t_path(dir, "proposals/P01.xml");

    for (unsigned threads = 1; threads <= 2; threads++) {
        merit_ctx *ctx = merit_ctx_new();
        merit_ctx_set_keep_going(ctx, true);
        merit_ctx_set_threads(ctx, threads);
        merit_call *call = NULL;
        int rc = merit_call_load(ctx, dir, &call);
        if (rc != 0)
            t_print_diags(ctx);
        assert_int_equal(rc, 0);
        assert_false(merit_ctx_out_of_memory(ctx));
        const merit_diag *d = merit_ctx_diag(ctx, 0);
        assert_string_equal(d->file, p01);
        assert_int_equal(d->kind, MERIT_DIAG_LIMIT);
        assert_int_equal(d->line, 23);
        assert_int_equal(d->column, 14);
        const merit_rejected *r = find(call, MERIT_REJECTED_FILE, "proposals/P01.xml");
        assert_string_equal(
            r->reason,
            "text of element 'problem' longer than 10000000 bytes (the XML parser's limit)");
        r = find(call, MERIT_REJECTED_FILE, "reviews/r2.xml");
        assert_string_equal(
            r->reason,
            "text of element 'comment' longer than 10000000 bytes (the XML parser's limit)");
        /* the other eleven proposals rank */
        assert_int_equal(call->proposal_count, 11);
        merit_result *res = NULL;
        assert_int_equal(merit_call_rank(ctx, call, NULL, &res), 0);
        merit_result_free(res);
        merit_call_free(call);
        merit_ctx_free(ctx);
    }
    free(p01);
    t_rmtree(dir);
    free(dir);
}

/* With keep-going, each proposal of a bundle that breaks a rule is left out
 * with its first error as the reason; once the bundle's diagnostics pass
 * the 'diagnostics' limit (here 2) the reason says that it is not shown,
 * rather than a bare "invalid". */
static void test_reasons_past_the_diagnostics_limit(void **state)
{
    (void)state;
    char *dir = copy_example_call();
    char *path = t_path(dir, "proposals/P01.xml");
    char *p01 = t_read(path, NULL);
    const char *body = strstr(p01, "<proposal ");
    assert_non_null(body);
    /* a second lead: "proposal 'P2n' has more than one lead organisation" */
    char *two_leads = t_replace(body, "<organisation id=\"udri\" type=\"academic\"",
                                "<organisation id=\"udri\" lead=\"true\" type=\"academic\"");
    char *a = t_replace(two_leads, "id=\"P01\"", "id=\"P21\"");
    char *b = t_replace(two_leads, "id=\"P01\"", "id=\"P22\"");
    char *c = t_replace(two_leads, "id=\"P01\"", "id=\"P23\"");
    char *bundle = t_sprintf(
        "<?xml version=\"1.0\"?>\n<proposals xmlns=\"urn:merit:1\">\n%s%s%s</proposals>\n", a, b,
        c);
    t_write(dir, "proposals/more.xml", bundle);

    merit_ctx *ctx = merit_ctx_new();
    merit_limits limits = {.max_diagnostics = 2};
    merit_ctx_set_limits(ctx, &limits);
    merit_ctx_set_keep_going(ctx, true);
    merit_call *call = NULL;
    assert_int_equal(merit_call_load(ctx, dir, &call), 0);
    assert_string_equal(find(call, MERIT_REJECTED_PROPOSAL, "P21")->reason,
                        "proposal 'P21' has more than one lead organisation");
    assert_string_equal(find(call, MERIT_REJECTED_PROPOSAL, "P22")->reason,
                        "proposal 'P22' has more than one lead organisation");
    assert_string_equal(find(call, MERIT_REJECTED_PROPOSAL, "P23")->reason,
                        "not shown: past the 'diagnostics' limit of its file");
    assert_int_equal(call->proposal_count, 12);
    merit_call_free(call);
    merit_ctx_free(ctx);
    free(bundle);
    free(a);
    free(b);
    free(c);
    free(two_leads);
    free(p01);
    free(path);
    t_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_without_keep_going_nothing_loads),
        cmocka_unit_test(test_keep_going_lists_what_it_leaves_out),
        cmocka_unit_test(test_keep_going_leaves_out_a_review_with_a_wrong_score),
        cmocka_unit_test(test_a_bundle_with_a_bad_record_is_left_out_whole),
        cmocka_unit_test(test_invalid_call_xml_is_not_kept),
        cmocka_unit_test(test_text_past_the_parser_limit_rejects_only_its_file),
        cmocka_unit_test(test_reasons_past_the_diagnostics_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
