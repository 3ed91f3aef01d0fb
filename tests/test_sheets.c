/*
 * `merit sheets`: one template per reviewer of the example call, exactly
 * the proposals each may review (the office's conflict noted and left out,
 * the reviewer's own conflict kept as a <conflict>), recognisably
 * unfinished (validate names the missing scores review by review, in one
 * run, without schema errors) and valid once filled in, also as part of
 * the call; and the folder rules (new or empty, nothing left on failure).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run_merit.h"
#include "support.h"

#define CALL MERIT_SOURCE_DIR "/proposals/mfg-2026"

static size_t count(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(text, what); p != NULL; p = strstr(p + 1, what))
        n++;
    return n;
}

/* text with every `from` replaced by `to`. */
static char *replace_all(const char *text, const char *from, const char *to)
{
    size_t n = count(text, from), fl = strlen(from), tl = strlen(to);
    char *out = malloc(strlen(text) + n * tl + 1);
    assert_non_null(out);
    char *o = out;
    for (const char *p = text;;) {
        const char *at = strstr(p, from);
        size_t keep = at != NULL ? (size_t)(at - p) : strlen(p);
        memcpy(o, p, keep);
        o += keep;
        if (at == NULL)
            break;
        memcpy(o, to, tl);
        o += tl;
        p = at + fl;
    }
    *o = '\0';
    return out;
}

/* text with the first `from` replaced by `to`. */
static char *replace_first(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    assert_non_null(at);
    return t_sprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

/* Fills every value="" with `score` and every confidence="" with 4. */
static void fill(const char *path, const char *score)
{
    char *text = t_read(path, NULL);
    assert_non_null(text);
    char *value = t_sprintf("value=\"%s\"", score);
    char *a = replace_all(text, "value=\"\"", value);
    char *b = replace_all(a, "confidence=\"\"", "confidence=\"4\"");
    t_write(".", path, b);
    free(text);
    free(value);
    free(a);
    free(b);
}

static void one_template_per_reviewer(void **state)
{
    (void)state;
    assert_int_equal(t_run_merit("out", "err", "sheets", CALL, "-o", "t", (char *)NULL), 0);
    /* 12 proposals for each of 5 reviewers, less r2's conflict with P05
     * (its sheet) and r4's with P03 (call.xml) */
    T_EXPECT_FILE("out", "t: 5 score-sheet templates for call MFG-2026-01, 58 reviews to fill "
                         "in\n");
    /* the call folder's reviews/ folder is not empty: no warning */
    T_EXPECT_FILE("err", "");
    static const char *const names[] = {"r1", "r2", "r3", "r4", "r5"};
    static const size_t reviews[] = {12, 11, 12, 11, 12};
    for (size_t i = 0; i < 5; i++) {
        char *path = t_sprintf("t/%s.xml", names[i]);
        char *text = t_read(path, NULL);
        assert_non_null(text);
        char *head = t_sprintf("<sheet xmlns=\"urn:merit:1\" reviewer=\"%s\" "
                               "call=\"MFG-2026-01\">\n",
                               names[i]);
        assert_non_null(strstr(text, head));
        assert_int_equal(count(text, "<review "), reviews[i]);
        /* the rubric's seven criteria in each review, each to fill in */
        assert_int_equal(count(text, "value=\"\"></score>"), 7 * reviews[i]);
        assert_int_equal(count(text, "confidence=\"\">"), reviews[i]);
        /* the scale and the levels, once, at the top */
        assert_non_null(strstr(text, "Scale (rubric manufacturing-usa version 1): 0 to 10 in "
                                     "steps of 0.5, higher is better."));
        assert_non_null(strstr(text, "     approach: Technical approach and methods, weight 2, "
                                     "fundable from 5\n       0: No coherent technical approach"));
        free(path);
        free(text);
        free(head);
    }
    char *r4 = t_read("t/r4.xml", NULL);
    assert_null(strstr(r4, "<review proposal=\"P03\""));
    assert_non_null(strstr(r4, "  <!-- Not for you to review: the programme office declared a "
                               "conflict with P03 (Found by the programme office after scoring"));
    char *r2 = t_read("t/r2.xml", NULL);
    assert_null(strstr(r2, "<review proposal=\"P05\""));
    assert_non_null(strstr(r2, "  <conflicts>\n    <conflict proposal=\"P05\">I co-authored two "
                               "journal papers"));
    /* nothing else in the folder: no staging folder left */
    struct stat st;
    assert_int_equal(stat("t/.merit", &st), -1);
    free(r4);
    free(r2);
}

static void empty_template_names_missing_scores(void **state)
{
    (void)state;
    assert_int_equal(t_run_merit(NULL, NULL, "sheets", CALL, "-o", "t", (char *)NULL), 0);
    /* one error per review, at its <review> (66: after the 62-line guide,
     * the declaration, <sheet> and the conflict note; 11 lines a review),
     * and no schema error */
    assert_int_equal(t_run_merit("out", "err", "validate", "t/r4.xml", (char *)NULL), 1);
    static const char *const proposals[] = {"P01", "P02", "P04", "P05", "P06", "P07",
                                            "P08", "P09", "P10", "P11", "P12"};
    char want[4096] = "";
    size_t o = 0;
    for (size_t i = 0; i < 11; i++)
        o += (size_t)snprintf(want + o, sizeof(want) - o,
                              "t/r4.xml:%zu:3: error: review of proposal '%s' is not filled in "
                              "yet: no value for 'problem', 'approach', 'milestones', "
                              "'management', 'cost', 'sme' and 'diffusion'\n",
                              66 + 11 * i, proposals[i]);
    T_EXPECT_FILE("err", want);
    T_EXPECT_FILE("out", "");
    /* the same against the call: the missing scores, said once each */
    assert_int_equal(
        t_run_merit("out", "err", "validate", "--call", CALL, "t/r4.xml", (char *)NULL), 1);
    T_EXPECT_FILE("err", want);
}

static void partly_filled_template(void **state)
{
    (void)state;
    assert_int_equal(t_run_merit(NULL, NULL, "sheets", CALL, "-o", "t", (char *)NULL), 0);
    char *text = t_read("t/r1.xml", NULL);
    /* the first review: confidence and two scores filled in */
    char *a = replace_first(text, "<review proposal=\"P01\" confidence=\"\">",
                            "<review proposal=\"P01\" confidence=\"3\">");
    char *b = replace_first(a, "<score criterion=\"problem\" value=\"\">",
                            "<score criterion=\"problem\" value=\"7\">");
    char *edited = replace_first(b, "<score criterion=\"cost\" value=\"\">",
                                 "<score criterion=\"cost\" value=\"6.5\">");
    free(a);
    free(b);
    t_write(".", "t/r1.xml", edited);
    assert_int_equal(
        t_run_merit("out", "err", "validate", "--call", CALL, "t/r1.xml", (char *)NULL), 1);
    char *err = t_read("err", NULL);
    const char *first = "t/r1.xml:65:3: error: review of proposal 'P01' is not filled in yet: "
                        "no value for 'approach', 'milestones', 'management', 'sme' and "
                        "'diffusion'\n"
                        "t/r1.xml:76:3: error: review of proposal 'P02' is not filled in yet: "
                        "no value for 'problem', 'approach', 'milestones', 'management', "
                        "'cost', 'sme' and 'diffusion'\n";
    assert_memory_equal(err, first, strlen(first));
    assert_int_equal(count(err, "\n"), 12);
    free(text);
    free(edited);
    free(err);
}

static void filled_template_is_valid(void **state)
{
    (void)state;
    assert_int_equal(t_run_merit(NULL, NULL, "sheets", CALL, "-o", "t", (char *)NULL), 0);
    fill("t/r1.xml", "7.5");
    assert_int_equal(
        t_run_merit("out", "err", "validate", "--call", CALL, "t/r1.xml", (char *)NULL), 0);
    T_EXPECT_FILE("out", "t/r1.xml: score sheet valid for call MFG-2026-01 (1 record)\n");
    T_EXPECT_FILE("err", "");
    /* and on its own */
    assert_int_equal(t_run_merit("out", "err", "validate", "t/r1.xml", (char *)NULL), 0);
    T_EXPECT_FILE("out", "t/r1.xml: score sheet valid (1 record)\n");
}

static void filled_templates_make_a_call(void **state)
{
    (void)state;
    /* the call with its reviews folder emptied: the templates go there */
    assert_int_equal(system("cp -r '" CALL "' call && rm call/reviews/*.xml"), 0);
    assert_int_equal(
        t_run_merit("out", "err", "sheets", "call", "-o", "call/reviews", (char *)NULL), 0);
    /* an empty reviews folder is worth a warning, not an error */
    T_EXPECT_FILE("err", "call/reviews: warning: no .xml files in this folder\n");
    assert_int_equal(t_run_merit("out", "err", "validate", "call", (char *)NULL), 1);
    char *err = t_read("err", NULL);
    /* 60 less r4's conflict with P03: r2's sheet, with its conflict, is gone */
    assert_int_equal(count(err, "is not filled in yet"), 59);
    assert_int_equal(count(err, "\n"), 59);
    free(err);
    static const char *const scores[] = {"8", "6.5", "7", "5", "9.5"};
    for (size_t i = 0; i < 5; i++) {
        char *path = t_sprintf("call/reviews/r%zu.xml", i + 1);
        fill(path, scores[i]);
        free(path);
    }
    assert_int_equal(t_run_merit("out", "err", "validate", "call", (char *)NULL), 0);
    T_EXPECT_FILE("out", "call: call MFG-2026-01 valid: 12 proposals, 5 reviewers, 59 reviews (0 "
                         "excluded for conflicts), rubric manufacturing-usa 1, 7 criteria\n");
    assert_int_equal(t_run_merit("out", "err", "rank", "call", (char *)NULL), 0);
}

static void output_folder_rules(void **state)
{
    (void)state;
    t_write(".", "full/x.txt", "x");
    assert_int_equal(t_run_merit("out", "err", "sheets", CALL, "-o", "full", (char *)NULL), 3);
    T_EXPECT_FILE("err", "full: error: folder is not empty; merit sheets writes only into a new "
                         "or empty folder\n");
    T_EXPECT_FILE("out", "");
    /* an invalid call: its diagnostics, and no folder made */
    assert_int_equal(system("cp -r '" CALL "' bad"), 0);
    t_copy_edited(".", "bad/call.xml", "bad/call.xml", "<conflict reviewer=\"r4\"",
                  "<conflict reviewer=\"r44\"");
    assert_int_equal(t_run_merit("out", "err", "sheets", "bad", "-o", "t", (char *)NULL), 1);
    T_EXPECT_FILE("err", "bad/call.xml:31:5: error: conflict names reviewer 'r44', who is not on "
                         "the panel; did you mean 'r4'?\n");
    struct stat st;
    assert_int_equal(stat("t", &st), -1);
    assert_int_equal(t_run_merit("out", "err", "sheets", CALL, (char *)NULL), 2);
}

static void assignment_table(void **state)
{
    (void)state;
    /* every bad row, in one run: row 5 is the office's conflict of r4 */
    t_write(".", "bad.csv",
            "reviewer,proposal\nr1,P01\nr1,P02\nr2,P01\nr4,P03\nr9,P01\nr1,P99\n"
            "r1,P02\n");
    assert_int_equal(t_run_merit("out", "err", "sheets", CALL, "-o", "t", "--assignment", "bad.csv",
                                 (char *)NULL),
                     1);
    T_EXPECT_FILE("err", "bad.csv:5: error: assigns proposal 'P03' to 'r4', who has a conflict "
                         "with it (Found by the programme office after scoring: the reviewer's "
                         "group at Georgia Tech holds a paid subcontract from the lead applicant, "
                         "Great Lakes Castings, on a separate alloy development project; the "
                         "review is excluded.)\n"
                         "bad.csv:6:1: error: reviewer 'r9' is not on the call's panel\n"
                         "bad.csv:7:2: error: proposal 'P99' is not in the call\n"
                         "bad.csv:8: error: assigns proposal 'P02' to 'r1' again (first in row "
                         "3)\n");
    struct stat st;
    assert_int_equal(stat("t", &st), -1);
    /* a TSV, columns the other way round: exactly those proposals */
    t_write(".", "ok.tsv", "proposal\treviewer\nP02\tr1\nP01\tr1\nP01\tr2\nP06\tr5\n");
    assert_int_equal(t_run_merit("out", "err", "sheets", CALL, "-o", "t", "--assignment", "ok.tsv",
                                 (char *)NULL),
                     0);
    T_EXPECT_FILE("out", "t: 5 score-sheet templates for call MFG-2026-01, 4 reviews to fill "
                         "in\n");
    char *r1 = t_read("t/r1.xml", NULL), *r3 = t_read("t/r3.xml", NULL);
    assert_int_equal(count(r1, "<review "), 2);
    assert_non_null(strstr(r1, "<review proposal=\"P01\" confidence=\"\">"));
    assert_non_null(strstr(r1, "<review proposal=\"P02\" confidence=\"\">"));
    assert_int_equal(count(r3, "<review "), 0);
    free(r1);
    free(r3);
    /* r5's own sheet reviews P01 to P04, P06, P08, P10 and P12: all but P06
     * unassigned */
    assert_int_equal(t_run_merit("out", "err", "validate", "--call", CALL, "--assignment", "ok.tsv",
                                 CALL "/reviews/r5.xml", (char *)NULL),
                     1);
    char *err = t_read("err", NULL);
    assert_int_equal(count(err, "which is not assigned to them\n"), 7);
    assert_int_equal(count(err, "\n"), 7);
    assert_non_null(strstr(err, "/reviews/r5.xml:3:11: error: reviewer 'r5' reviews proposal "
                                "'P01', which is not assigned to them\n"));
    assert_null(strstr(err, "'P06'"));
    free(err);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(one_template_per_reviewer),
        T(empty_template_names_missing_scores),
        T(partly_filled_template),
        T(filled_template_is_valid),
        T(filled_templates_make_a_call),
        T(output_folder_rules),
        T(assignment_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
