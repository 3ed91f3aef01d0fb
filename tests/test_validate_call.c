/*
 * `merit validate --call CALLDIR FILE...`: a lone sheet checked against its
 * call gets the errors the call would give it (before, on its own, the same
 * sheet was "score sheet valid"): a wrong criterion, a score off the step,
 * an unknown proposal, a reviewer not on the panel, the wrong call, a
 * criterion neither scored nor explained; a review the office's conflict
 * will exclude gets a warning; a proposal is checked against the call's id;
 * an invalid call checks nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_merit.h"
#include "support.h"

#define CALL MERIT_SOURCE_DIR "/proposals/mfg-2026"

/* One review of P01 with the seven criteria of manufacturing-usa, the
 * first two replaced by `first` and `second`. */
static char *review(const char *proposal, const char *first, const char *second)
{
    return t_sprintf("  <review proposal=\"%s\" confidence=\"4\">\n"
                     "    %s\n"
                     "    %s\n"
                     "    <score criterion=\"milestones\" value=\"7\"/>\n"
                     "    <score criterion=\"management\" value=\"7\"/>\n"
                     "    <score criterion=\"cost\" value=\"7\"/>\n"
                     "    <score criterion=\"sme\" value=\"7\"/>\n"
                     "    <score criterion=\"diffusion\" value=\"7\"/>\n"
                     "  </review>\n",
                     proposal, first, second);
}

static void lone_sheet_checked_against_call(void **state)
{
    (void)state;
    char *a = review("P01", "<score criterion=\"impakt\" value=\"7\"/>",
                     "<score criterion=\"approach\" value=\"7\"/>");
    char *b = review("P02", "<score criterion=\"problem\" value=\"4.25\"/>",
                     "<score criterion=\"approach\" value=\"7\"/>");
    char *c = review("P99", "<score criterion=\"problem\" value=\"7\"/>",
                     "<score criterion=\"approach\" value=\"7\"/>");
    char *sheet = t_sprintf("<sheet xmlns=\"urn:merit:1\" reviewer=\"r9\" call=\"MFG-2026-01\">\n"
                            "%s%s%s</sheet>\n",
                            a, b, c);
    t_write(".", "mine.xml", sheet);
    /* on its own, nothing is wrong with it */
    assert_int_equal(t_run_merit("out", "err", "validate", "mine.xml", (char *)NULL), 0);
    T_EXPECT_FILE("out", "mine.xml: score sheet valid (1 record)\n");
    /* against its call, everything is; in one run */
    assert_int_equal(
        t_run_merit("out", "err", "validate", "--call", CALL, "mine.xml", (char *)NULL), 1);
    T_EXPECT_FILE("out", "");
    T_EXPECT_FILE("err",
                  /* line 3 is P01's first score: problem is left unscored
                   * behind the misspelt criterion, which alone is said */
                  "mine.xml:3:12: error: unknown criterion 'impakt' (rubric 'manufacturing-usa' "
                  "has none of that id)\n"
                  /* P02's first score; the scale is 0 to 10 in steps of 0.5 */
                  "mine.xml:12:32: error: score 4.25 for criterion 'problem' is not on a step "
                  "of 0.5\n"
                  "mine.xml:1:28: error: reviewer 'r9' is not on the call's panel\n"
                  "mine.xml:20:11: error: reviewer 'r9' reviews proposal 'P99', which is not in "
                  "the call\n");
    free(a);
    free(b);
    free(c);
    free(sheet);
}

static void missing_criterion_and_wrong_call(void **state)
{
    (void)state;
    char *a = review("P01", "<score criterion=\"problem\" value=\"7\"/>", "");
    char *sheet = t_sprintf("<sheet xmlns=\"urn:merit:1\" reviewer=\"r1\" call=\"MFG-2025\">\n"
                            "%s</sheet>\n",
                            a);
    t_write(".", "mine.xml", sheet);
    assert_int_equal(
        t_run_merit("out", "err", "validate", "--call", CALL, "mine.xml", (char *)NULL), 1);
    T_EXPECT_FILE("err", "mine.xml:1:42: error: sheet of 'r1' is for call 'MFG-2025', not "
                         "'MFG-2026-01'\n"
                         "mine.xml:2:3: error: review of proposal 'P01' by 'r1' neither scores "
                         "criterion 'approach' nor gives a reason (<no-score>)\n");
    free(a);
    free(sheet);
}

static void conflict_warning_and_valid_sheets(void **state)
{
    (void)state;
    /* r4's review of P03 is excluded by call.xml's conflict: a warning */
    char *a = review("P03", "<score criterion=\"problem\" value=\"7\"/>",
                     "<score criterion=\"approach\" value=\"7.5\"/>");
    char *sheet = t_sprintf("<sheet xmlns=\"urn:merit:1\" reviewer=\"r4\" call=\"MFG-2026-01\">\n"
                            "%s</sheet>\n",
                            a);
    t_write(".", "r4.xml", sheet);
    assert_int_equal(t_run_merit("out", "err", "validate", "--call", CALL, "r4.xml",
                                 CALL "/reviews/r2.xml", CALL "/proposals/P01.xml", (char *)NULL),
                     0);
    T_EXPECT_FILE("err", "r4.xml:2:3: warning: the review of proposal 'P03' by 'r4' will be "
                         "excluded: the programme office declared a conflict (Found by the "
                         "programme office after scoring: the reviewer's group at Georgia Tech "
                         "holds a paid subcontract from the lead applicant, Great Lakes Castings, "
                         "on a separate alloy development project; the review is excluded.)\n");
    T_EXPECT_FILE("out", "r4.xml: score sheet valid for call MFG-2026-01 (1 record)\n" CALL
                         "/reviews/r2.xml: score sheet valid for call MFG-2026-01 (1 record)\n" CALL
                         "/proposals/P01.xml: proposal valid for call MFG-2026-01 (1 record)\n");
    free(a);
    free(sheet);
}

static void proposal_of_another_call(void **state)
{
    (void)state;
    char *text = t_read(CALL "/proposals/P01.xml", NULL);
    char *other = t_replace(text, "call=\"MFG-2026-01\"", "call=\"MFG-2027\"");
    t_write(".", "P01.xml", other);
    assert_int_equal(t_run_merit("out", "err", "validate", "--call", CALL, "P01.xml", (char *)NULL),
                     1);
    char *err = t_read("err", NULL);
    assert_non_null(strstr(err, ": error: proposal 'P01' is for call 'MFG-2027', not "
                                "'MFG-2026-01'\n"));
    free(text);
    free(other);
    free(err);
}

static void invalid_call_checks_nothing(void **state)
{
    (void)state;
    assert_int_equal(system("cp -r '" CALL "' bad"), 0);
    t_copy_edited(".", "bad/call.xml", "bad/call.xml", "<conflict reviewer=\"r4\"",
                  "<conflict reviewer=\"r44\"");
    assert_int_equal(t_run_merit("out", "err", "validate", "--call", "bad", CALL "/reviews/r1.xml",
                                 (char *)NULL),
                     1);
    T_EXPECT_FILE("err", "bad/call.xml:31:5: error: conflict names reviewer 'r44', who is not on "
                         "the panel; did you mean 'r4'?\n"
                         "merit: error: the call 'bad' is not valid, so no file can be checked "
                         "against it\n");
    T_EXPECT_FILE("out", "");
    assert_int_equal(t_run_merit("out", "err", "validate", "--call", (char *)NULL), 2);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        T(lone_sheet_checked_against_call),   T(missing_criterion_and_wrong_call),
        T(conflict_warning_and_valid_sheets), T(proposal_of_another_call),
        T(invalid_call_checks_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
