/*
 * The z-score method (docs/scoring.md, "z-score"), hand-computed: each case
 * builds a small call in a temporary folder, ranks it with z-score and
 * checks exact values against the arithmetic written out beside the
 * assertions. The one rounded number, the factor sqrt(V / v), comes from
 * tests/data/zscore/check.py, which redoes MPFR's two roundings with
 * Python's integers (math.isqrt) and Fractions, sharing no code with merit
 * or MPFR; the same script checks every exact total of proposals/mfg-2026.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "support.h"
#include "tcall.h"

#include "aggregate.h"
#include "internal.h"
#include "merit/model.h"
#include "merit/number.h"
#include "merit/result.h"
#include "run_merit.h"

#define SCALE_0_10 "min=\"0\" max=\"10\" step=\"0.5\""
#define ONE_CRITERION "<criterion id=\"a\" weight=\"1\"><name>A</name></criterion>"
#define Z_SCORE "<aggregation method=\"z-score\" min-reviewers=\"1\"/>"

static const merit_zscore *zscore_of(const struct tcall *t, size_t reviewer, size_t criterion)
{
    assert_non_null(t->res->zscores);
    assert_int_equal(t->res->zscore_count,
                     t->call->reviewer_count * t->call->rubric->criterion_count);
    const merit_zscore *z =
        &t->res->zscores[reviewer * t->call->rubric->criterion_count + criterion];
    assert_int_equal(z->reviewer, reviewer);
    assert_int_equal(z->criterion, criterion);
    return z;
}

/* The review of proposal `proposal` by reviewer index `reviewer`. */
static size_t review_of(const struct tcall *t, const char *proposal, size_t reviewer)
{
    for (size_t i = 0; i < t->call->review_count; i++)
        if (t->call->reviews[i].reviewer == reviewer &&
            strcmp(t->call->proposals[t->call->reviews[i].proposal].id, proposal) == 0)
            return i;
    fail_msg("no review of %s by reviewer %zu", proposal, reviewer);
    return SIZE_MAX;
}

/* The value z-score aggregates for one review's score on criterion a. */
static void assert_value(const struct tcall *t, const char *proposal, size_t reviewer,
                         const char *expected)
{
    size_t r = review_of(t, proposal, reviewer);
    assert_non_null(t->res->reviews[r].values);
    assert_exact(t->res->reviews[r].values[0], expected);
    mpq_t v;
    mpq_init(v);
    merit__method_value(t->res, r, 0, v);
    assert_exact(v, expected);
    mpq_clear(v);
}

/* Three reviewers score four proposals on one criterion:
 *
 *          P1  P2  P3  P4   mean m   variance v
 *     r1    3   3   3   5    7/2      (3 * (1/2)^2 + (3/2)^2) / 4 = 3/4
 *     r2    3   5   9   5    11/2     ((5/2)^2 + 2 (1/2)^2 + (7/2)^2) / 4 = 19/4
 *     r3    3   3   3   3    3        0: no spread, kept as given
 *
 * The panel: 12 scores summing 14 + 22 + 12 = 48, M = 4; squared deviations
 * from 4: r1 1+1+1+1, r2 1+1+25+1, r3 1+1+1+1 = 36, V = 36/12 = 3.
 *   r1: V/v = 3 / (3/4) = 4, factor 2 exactly: x' = 4 + (x - 7/2) * 2,
 *       3 -> 3, 5 -> 7.
 *   r2: V/v = 3 / (19/4) = 12/19, factor f = sqrt(12/19) rounded:
 *       12/19 to 128 bits, its root to 128 bits (check.py):
 *       f = 270429003315277629662168584289807883249 / 2^128
 *         = 0.794719414239026283919651032310117585075...,
 *       sqrt(12/19) = 0.794719414239026283919651032310117585076...;
 *       x' = 4 + (x - 11/2) f: 3 -> 4 - 5f/2, 5 -> 4 - f/2, 9 -> 4 + 7f/2.
 * The aggregates, the mean of the three x':
 *   P1 (3 + 4 - 5f/2 + 3) / 3 = 10/3 - 5f/6 = 2.6711...
 *   P2 (3 + 4 -  f/2 + 3) / 3 = 10/3 -  f/6 = 3.2009...
 *   P3 (3 + 4 + 7f/2 + 3) / 3 = 10/3 + 7f/6 = 4.2605...
 *   P4 (7 + 4 -  f/2 + 3) / 3 = 14/3 -  f/6 = 4.5342...
 * The mean ranks P3 (15/3) above P4 (13/3); z-score turns them round: r1's
 * one high score (5) is their 7, r2's 9 is from a reviewer who spreads
 * widely. */
static void build_example(struct tcall *t, const char *method)
{
    tc_begin(t);
    char *agg = t_sprintf("<aggregation method=\"%s\" min-reviewers=\"1\"/>", method);
    tc_rubric(t, SCALE_0_10, ONE_CRITERION, agg);
    free(agg);
    tc_call(t, "1000000", 3, NULL);
    const char *ids[] = {"P1", "P2", "P3", "P4"};
    for (int i = 0; i < 4; i++)
        tc_proposal(t, ids[i], "100", "100", "0", 1, 0);
    tc_sheet(t, 1, tc_review("P1", 3, "a=3"), tc_review("P2", 3, "a=3"), tc_review("P3", 3, "a=3"),
             tc_review("P4", 3, "a=5"), NULL);
    tc_sheet(t, 2, tc_review("P1", 3, "a=3"), tc_review("P2", 3, "a=5"), tc_review("P3", 3, "a=9"),
             tc_review("P4", 3, "a=5"), NULL);
    tc_sheet(t, 3, tc_review("P1", 3, "a=3"), tc_review("P2", 3, "a=3"), tc_review("P3", 3, "a=3"),
             tc_review("P4", 3, "a=3"), NULL);
}

#define F_R2 "270429003315277629662168584289807883249/340282366920938463463374607431768211456"

static void test_hand_computed_example(void **state)
{
    (void)state;
    struct tcall t;
    build_example(&t, "z-score");
    tc_rank(&t);
    assert_int_equal(t.res->method, MERIT_METHOD_Z_SCORE);
    assert_non_null(t.res->zscore_panels);
    assert_int_equal(t.res->zscore_panels[0].count, 12);
    assert_exact(t.res->zscore_panels[0].mean, "4");
    assert_exact(t.res->zscore_panels[0].variance, "3");

    const merit_zscore *r1 = zscore_of(&t, 0, 0), *r2 = zscore_of(&t, 1, 0);
    assert_int_equal(r1->count, 4);
    assert_exact(r1->mean, "7/2");
    assert_exact(r1->variance, "3/4");
    assert_exact(r1->factor, "2"); /* sqrt(4): exact */
    assert_int_equal(r1->kept, MERIT_ZSCORE_STANDARDISED);
    assert_exact(r2->mean, "11/2");
    assert_exact(r2->variance, "19/4");
    assert_exact(r2->factor, F_R2);
    assert_int_equal(r2->kept, MERIT_ZSCORE_STANDARDISED);

    assert_value(&t, "P1", 0, "3");
    assert_value(&t, "P4", 0, "7");
    /* 4 - 5f/2, 4 - f/2, 4 + 7f/2 */
    assert_value(
        &t, "P1", 1,
        "1370113918791119559396153938005106275403/680564733841876926926749214863536422912");
    assert_value(
        &t, "P2", 1,
        "2451829932052230078044828275164337808399/680564733841876926926749214863536422912");
    assert_value(
        &t, "P3", 1,
        "4615261958574451115342176949482800874391/680564733841876926926749214863536422912");

    const char *p1 = "5453502321842381120956649227186324812875/"
                     "2041694201525630780780247644590609268736";
    const char *p2 = "6535218335103491639605323564345556345871/"
                     "2041694201525630780780247644590609268736";
    const char *p3 = "8698650361625712676902672238664019411863/"
                     "2041694201525630780780247644590609268736";
    const char *p4 = "9257477270470999347312320423799702037519/"
                     "2041694201525630780780247644590609268736";
    assert_exact(result_of(&t, "P1")->criteria[0].value, p1);
    assert_exact(result_of(&t, "P2")->criteria[0].value, p2);
    assert_exact(result_of(&t, "P3")->criteria[0].value, p3);
    assert_exact(result_of(&t, "P4")->criteria[0].value, p4);
    assert_exact(result_of(&t, "P4")->total, p4); /* weight 1 */
    assert_exact(result_of(&t, "P4")->criteria[0].weight_sum, "3");
    assert_int_equal(result_of(&t, "P4")->rank, 1);
    assert_int_equal(result_of(&t, "P3")->rank, 2);
    assert_int_equal(result_of(&t, "P2")->rank, 3);
    assert_int_equal(result_of(&t, "P1")->rank, 4);
    tc_end(&t);

    /* the same call under the mean: P3 15/3 = 5 above P4 13/3, and no
     * standardisation in the result */
    build_example(&t, "mean");
    tc_rank(&t);
    assert_null(t.res->zscores);
    assert_null(t.res->zscore_panels);
    assert_null(t.res->reviews[0].values);
    assert_exact(result_of(&t, "P3")->total, "5");
    assert_exact(result_of(&t, "P4")->total, "13/3");
    assert_int_equal(result_of(&t, "P3")->rank, 1);
    mpq_t v;
    mpq_init(v);
    merit__method_value(t.res, review_of(&t, "P3", 1), 0, v);
    assert_exact(v, "9"); /* the score itself */
    mpq_clear(v);
    tc_end(&t);
}

/* r3's scores, all 3, have no spread: kept as given (not moved to the
 * panel's mean 4), factor 1. */
static void test_reviewer_with_equal_scores_is_kept(void **state)
{
    (void)state;
    struct tcall t;
    build_example(&t, "z-score");
    tc_rank(&t);
    const merit_zscore *r3 = zscore_of(&t, 2, 0);
    assert_int_equal(r3->count, 4);
    assert_exact(r3->mean, "3");
    assert_exact(r3->variance, "0");
    assert_exact(r3->factor, "1");
    assert_int_equal(r3->kept, MERIT_ZSCORE_NO_SPREAD);
    assert_string_equal(merit_zscore_kept_name(r3->kept), "no-spread");
    assert_value(&t, "P1", 2, "3");
    assert_value(&t, "P4", 2, "3");
    tc_end(&t);
}

/* r1 and r2 as in the example; r3 reviews P1 only (10), r4 P1 and P2 (1
 * and 9: a spread, but two scores), r5 P2, P3, P4 (2, 4, 6: exactly
 * MERIT_ZSCORE_MIN_SCORES). r3 and r4 keep their scores; r5 is
 * standardised. The panel holds every counted score all the same:
 * 14 + 22 + 10 + 10 + 12 = 68 over 4 + 4 + 1 + 2 + 3 = 14 scores, M = 34/7. */
static void test_reviewer_with_one_review_is_kept(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, ONE_CRITERION, Z_SCORE);
    tc_call(&t, "1000000", 5, NULL);
    const char *ids[] = {"P1", "P2", "P3", "P4"};
    for (int i = 0; i < 4; i++)
        tc_proposal(&t, ids[i], "100", "100", "0", 1, 0);
    tc_sheet(&t, 1, tc_review("P1", 3, "a=3"), tc_review("P2", 3, "a=3"), tc_review("P3", 3, "a=3"),
             tc_review("P4", 3, "a=5"), NULL);
    tc_sheet(&t, 2, tc_review("P1", 3, "a=3"), tc_review("P2", 3, "a=5"), tc_review("P3", 3, "a=9"),
             tc_review("P4", 3, "a=5"), NULL);
    tc_sheet(&t, 3, tc_review("P1", 3, "a=10"), NULL);
    tc_sheet(&t, 4, tc_review("P1", 3, "a=1"), tc_review("P2", 3, "a=9"), NULL);
    tc_sheet(&t, 5, tc_review("P2", 3, "a=2"), tc_review("P3", 3, "a=4"), tc_review("P4", 3, "a=6"),
             NULL);
    tc_rank(&t);
    assert_int_equal(t.res->zscore_panels[0].count, 14);
    assert_exact(t.res->zscore_panels[0].mean, "34/7");

    const merit_zscore *r3 = zscore_of(&t, 2, 0), *r4 = zscore_of(&t, 3, 0),
                       *r5 = zscore_of(&t, 4, 0);
    assert_int_equal(r3->count, 1);
    assert_exact(r3->mean, "10");
    assert_exact(r3->variance, "0");
    assert_int_equal(r3->kept, MERIT_ZSCORE_FEW_SCORES);
    assert_exact(r3->factor, "1");
    assert_value(&t, "P1", 2, "10");
    /* r4: mean 5, variance (16 + 16) / 2 = 16, yet only two scores */
    assert_int_equal(r4->count, 2);
    assert_exact(r4->variance, "16");
    assert_int_equal(r4->kept, MERIT_ZSCORE_FEW_SCORES);
    assert_value(&t, "P1", 3, "1");
    assert_value(&t, "P2", 3, "9");
    /* r5: mean 4, variance (4 + 0 + 4) / 3 = 8/3, three scores */
    assert_int_equal(r5->count, 3);
    assert_exact(r5->variance, "8/3");
    assert_int_equal(r5->kept, MERIT_ZSCORE_STANDARDISED);
    /* r5's middle score is their mean: it lands on the panel's mean */
    assert_value(&t, "P3", 4, "34/7");
    tc_end(&t);
}

/* Every score on the criterion is 6: the panel's variance is 0, so is
 * every reviewer's, and every score is kept; the aggregates are the plain
 * means. No division by zero anywhere. */
static void test_panel_without_spread(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, ONE_CRITERION, Z_SCORE);
    tc_call(&t, "1000000", 3, NULL);
    tc_proposal(&t, "P1", "100", "100", "0", 1, 0);
    tc_proposal(&t, "P2", "100", "100", "0", 1, 0);
    tc_proposal(&t, "P3", "100", "100", "0", 1, 0);
    for (int r = 1; r <= 3; r++)
        tc_sheet(&t, r, tc_review("P1", 3, "a=6"), tc_review("P2", 3, "a=6"),
                 tc_review("P3", 3, "a=6"), NULL);
    tc_rank(&t);
    assert_exact(t.res->zscore_panels[0].mean, "6");
    assert_exact(t.res->zscore_panels[0].variance, "0");
    for (size_t j = 0; j < 3; j++) {
        const merit_zscore *z = zscore_of(&t, j, 0);
        assert_int_equal(z->count, 3);
        assert_int_equal(z->kept, MERIT_ZSCORE_NO_SPREAD);
        assert_exact(z->factor, "1");
    }
    assert_exact(result_of(&t, "P1")->total, "6");
    assert_exact(result_of(&t, "P3")->total, "6");
    assert_true(result_of(&t, "P1")->rank_shared);
    tc_end(&t);
}

/* Only counted scores enter the moments: a conflicted review and a
 * no-score are left out of the reviewer's and the panel's. r1 scores
 * P1..P4 3, 3, 3, 5 as in the example, r2 the same but its P4 review is
 * conflicted (9, which would give it a spread) and it has a no-score on
 * P3: r2's counted scores are 3 and 3, two: kept. */
static void test_only_counted_scores(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, ONE_CRITERION, Z_SCORE);
    tc_call(&t, "1000000", 2,
            "<conflicts><conflict reviewer=\"r2\" proposal=\"P4\">x</conflict></conflicts>");
    const char *ids[] = {"P1", "P2", "P3", "P4"};
    for (int i = 0; i < 4; i++)
        tc_proposal(&t, ids[i], "100", "100", "0", 1, 0);
    tc_sheet(&t, 1, tc_review("P1", 3, "a=3"), tc_review("P2", 3, "a=3"), tc_review("P3", 3, "a=3"),
             tc_review("P4", 3, "a=5"), NULL);
    tc_sheet(&t, 2, tc_review("P1", 3, "a=3"), tc_review("P2", 3, "a=3"), tc_review("P3", 3, "a=-"),
             tc_review("P4", 3, "a=9"), NULL);
    tc_rank(&t);
    /* the panel: 3, 3, 3, 5 and 3, 3: M = 20/6 = 10/3 */
    assert_int_equal(t.res->zscore_panels[0].count, 6);
    assert_exact(t.res->zscore_panels[0].mean, "10/3");
    const merit_zscore *r2 = zscore_of(&t, 1, 0);
    assert_int_equal(r2->count, 2);
    assert_int_equal(r2->kept, MERIT_ZSCORE_FEW_SCORES);
    tc_end(&t);
}

/* Each allocation of the ranking fails in turn: the ranking reports running
 * out of memory and frees what it had built, however far the
 * standardisation got (valgrind and ASan check there is no leak); with
 * none failing, the same factor as above. */
static void test_allocation_failures(void **state)
{
    (void)state;
    struct tcall t;
    build_example(&t, "z-score");
    t.ctx = merit_ctx_new();
    assert_non_null(t.ctx);
    assert_int_equal(merit_call_load(t.ctx, t.dir, &t.call), 0);
    merit__alloc_fail_at(0);
    assert_int_equal(merit_call_rank(t.ctx, t.call, NULL, &t.res), 0);
    uint64_t total = merit__alloc_count();
    assert_true(total > 4 * 3 + 2); /* at least each review's values, the tables */
    merit_result_free(t.res);
    t.res = NULL;
    for (uint64_t n = 1; n <= total; n++) {
        merit__alloc_fail_at(n);
        merit_result *res = NULL;
        int rc = merit_call_rank(t.ctx, t.call, NULL, &res);
        merit__alloc_fail_at(0);
        assert_int_equal(rc, MERIT_ENOMEM);
        assert_null(res);
    }
    assert_int_equal(merit_call_rank(t.ctx, t.call, NULL, &t.res), 0);
    assert_exact(zscore_of(&t, 1, 0)->factor, F_R2);
    tc_end(&t);
}

/* --- the bundled call through the command -------------------------------------- */

/* Copies trail.jsonl to edited.jsonl with the first `from` replaced by
 * `to`, every line's prev made right again (as anyone can). */
static void edit_trail(const char *from, const char *to)
{
    char *text = t_read("trail.jsonl", NULL);
    char *edited = t_replace(text, from, to);
    t_write(".", "replaced.jsonl", edited);
    free(edited);
    free(text);
    t_rechain_trail("replaced.jsonl", "edited.jsonl", NULL, NULL);
}

/* proposals/mfg-2026 ranked with --method z-score: the ranking, each
 * status and each exact total as tests/data/zscore/check.py computes them
 * independently (python3 tests/data/zscore/check.py proposals/mfg-2026),
 * then the trail that `merit replay` reproduces. */
static void test_mfg_2026_through_the_command(void **state)
{
    (void)state;
    static const struct {
        const char *rank, *id, *status, *shown, *exact;
    } want[] = {
        {"1", "P01", "funded", "85.82",
         "4847466611648169634244397897804662930956982135/"
         "56481428391005049919504770839954614810312704"},
        {"2", "P04", "funded", "80.33",
         "189059453570227910142377261877632891249996905/"
         "2353392849625210413312698784998108950429696"},
        {"3", "P02", "funded", "79.35",
         "2561164332124289474256392032796580022672769545/"
         "32275101937717171382574154765688351320178688"},
        {"4", "P05", "funded", "78.26",
         "4420128692898066660400375223689353632511406601/"
         "56481428391005049919504770839954614810312704"},
        {"5", "P08", "funded", "74.53",
         "2104673480548435963194862113661277378527077965/"
         "28240714195502524959752385419977307405156352"},
        {"6", "P03", "funded", "68.23",
         "3853920725776016785333753283312725093943431943/"
         "56481428391005049919504770839954614810312704"},
        {"7", "P10", "reserve", "67.27",
         "15197868935517653901958998289421627385739894213/"
         "225925713564020199678019083359818459241250816"},
        {"8", "P12", "reserve", "61.63",
         "497241340043778542849928585174336203419634483/"
         "8068775484429292845643538691422087830044672"},
        {"", "P07", "below-threshold", "64.37",
         "14543861716527621141858701077893561769492533547/"
         "225925713564020199678019083359818459241250816"},
        {"", "P11", "below-threshold", "57.62",
         "1627209962630605772546134005231216422945961829/"
         "28240714195502524959752385419977307405156352"},
        {"", "P06", "ineligible", "82.71",
         "111222128349092793957873961740037238285882003/"
         "1344795914071548807607256448570347971674112"},
        {"", "P09", "insufficient-reviews", "74.31",
         "1199109849290828665611132511490742493271399039/"
         "16137550968858585691287077382844175660089344"},
    };
    char *dir = t_tempdir();
    char *cwd = getcwd(NULL, 0);
    assert_int_equal(chdir(dir), 0);
    int rc = t_run_merit("out.csv", "err.txt", "rank", "--method", "z-score", "--format", "csv",
                         "--audit", "trail.jsonl", MERIT_SOURCE_DIR "/proposals/mfg-2026", NULL);
    assert_int_equal(rc, 0);
    char *csv = t_read("out.csv", NULL);
    /* one line per proposal after the header, in report order */
    char *line = strchr(csv, '\n');
    assert_non_null(line);
    line++;
    for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
        char *end = strchr(line, '\n');
        assert_non_null(end);
        *end = '\0';
        char *head = t_sprintf("%s,%s,", want[k].rank, want[k].id);
        char *total = t_sprintf(",%s,%s,", want[k].shown, want[k].exact);
        char *status = t_sprintf(",%s,", want[k].status);
        if (strncmp(line, head, strlen(head)) != 0 || strstr(line, total) == NULL ||
            strstr(line, status) == NULL)
            fail_msg("line %zu: %s\nwanted %s ... %s ... %s", k + 2, line, head, status, total);
        free(head);
        free(total);
        free(status);
        line = end + 1;
    }
    free(csv);

    /* explain writes each score with its standardised value (shown) and
     * the mean; P04's total 80.33 is check.py's */
    rc = t_run_merit("explain.txt", "err.txt", "explain", "--method", "z-score",
                     MERIT_SOURCE_DIR "/proposals/mfg-2026", "P04", NULL);
    assert_int_equal(rc, 0);
    char *explain = t_read("explain.txt", NULL);
    const char *lines[] = {
        "  problem     z-score mean of 8 as 8.22, 7.5 as 7.73, 8 as 7.88 -> shown 7.94\n",
        "  total = 1*7.94 + 2*8.68 + 1.5*7.87 + 1*7.89 + 1*7.80 + 1.5*7.58 + 2*8.09\n"
        "        = shown 80.33 (summed exact, before rounding)\n",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
        if (strstr(explain, lines[i]) == NULL)
            fail_msg("explain lacks\n%s\nin\n%s", lines[i], explain);
    free(explain);

    /* the trail records the method's fixed parts and replays */
    char *trail = t_read("trail.jsonl", NULL);
    assert_non_null(strstr(trail, "\"zscore_precision\":128,\"zscore_min_scores\":3"));
    assert_non_null(strstr(trail, "\"type\":\"standardise\",\"reviewer\":\"r1\",\"criterion\":"
                                  "\"problem\",\"count\":8,\"mean\":{\"exact\":\"8\""));
    free(trail);
    rc = t_run_merit("replay.txt", "replay-err.txt", "replay", "trail.jsonl", NULL);
    if (rc != 0) {
        char *err = t_read("replay-err.txt", NULL);
        fail_msg("replay exited %d: %s", rc, err);
    }

    /* a trail edited to another precision is refused, not replayed; one
     * whose standardisation was edited diverges at that step */
    edit_trail("\"zscore_precision\":128", "\"zscore_precision\":64");
    rc = t_run_merit(NULL, "edited-err.txt", "replay", "edited.jsonl", NULL);
    assert_int_equal(rc, 4);
    char *err = t_read("edited-err.txt", NULL);
    if (strstr(err, "the trail's z-score used 64 bits and at least 3 scores") == NULL)
        fail_msg("%s", err);
    free(err);
    edit_trail("\"reviewer\":\"r1\",\"criterion\":\"problem\",\"count\":8,",
               "\"reviewer\":\"r1\",\"criterion\":\"problem\",\"count\":9,");
    rc = t_run_merit(NULL, "edited-err.txt", "replay", "edited.jsonl", NULL);
    assert_int_equal(rc, 4);
    err = t_read("edited-err.txt", NULL);
    if (strstr(err, "standardise") == NULL)
        fail_msg("%s", err);
    free(err);

    assert_int_equal(chdir(cwd), 0);
    free(cwd);
    t_rmtree(dir);
    free(dir);
}

int main(void)
{
    merit_numbers_use_pool();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed_example),
        cmocka_unit_test(test_reviewer_with_equal_scores_is_kept),
        cmocka_unit_test(test_reviewer_with_one_review_is_kept),
        cmocka_unit_test(test_panel_without_spread),
        cmocka_unit_test(test_only_counted_scores),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_mfg_2026_through_the_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
