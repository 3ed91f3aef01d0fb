/*
 * Scoring and ranking, hand-computed. Each case builds a small call folder in
 * a temporary directory, ranks it, and checks exact values against
 * arithmetic written out beside the assertion.
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

#include "internal.h"
#include "support.h"
#include "tcall.h"

#include "merit/model.h"
#include "merit/number.h"
#include "merit/report.h"
#include "merit/result.h"

static size_t position_of(const struct tcall *t, const char *id)
{
    for (size_t k = 0; k < t->call->proposal_count; k++)
        if (strcmp(t->call->proposals[t->res->proposals[t->res->order[k]].proposal].id, id) == 0)
            return k;
    fail_msg("no proposal %s", id);
    return SIZE_MAX;
}

#define SCALE_0_10 "min=\"0\" max=\"10\" step=\"0.5\""
#define TWO_CRITERIA                                                                               \
    "<criterion id=\"a\" weight=\"1\"><name>A</name></criterion>"                                  \
    "<criterion id=\"b\" weight=\"2\"><name>B</name></criterion>"

/* --- the methods ------------------------------------------------------------ */

static void test_mean_weighted_total(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA, "<aggregation method=\"mean\" min-reviewers=\"1\"/>");
    tc_call(&t, "1000000", 3, NULL);
    tc_proposal(&t, "P1", "100", "100", "0", 1, 0);
    tc_sheet(&t, 1, tc_review("P1", 3, "a=7 b=8"), NULL);
    tc_sheet(&t, 2, tc_review("P1", 3, "a=6.5 b=9"), NULL);
    tc_sheet(&t, 3, tc_review("P1", 3, "a=8 b=5.5"), NULL);
    tc_rank(&t);
    const merit_proposal_result *p = result_of(&t, "P1");
    /* a: (7 + 6.5 + 8) / 3 = 21.5 / 3 = 43/6
     * b: (8 + 9 + 5.5) / 3 = 22.5 / 3 = 15/2
     * total: 1 * 43/6 + 2 * 15/2 = 43/6 + 90/6 = 133/6 */
    assert_exact(p->criteria[0].value, "43/6");
    assert_exact(p->criteria[1].value, "15/2");
    assert_exact(p->total, "133/6");
    /* reviewer totals: 7+16 = 23, 6.5+18 = 24.5, 8+11 = 19; spread 24.5-19 = 11/2 */
    assert_exact(p->spread, "11/2");
    assert_int_equal(p->status, MERIT_STATUS_FUNDED);
    assert_int_equal(p->rank, 1);
    tc_end(&t);
}

static void test_median_even_count(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA, "<aggregation method=\"median\" min-reviewers=\"1\"/>");
    tc_call(&t, "1000000", 4, NULL);
    tc_proposal(&t, "P1", "100", "100", "0", 1, 0);
    tc_sheet(&t, 1, tc_review("P1", 3, "a=2 b=1"), NULL);
    tc_sheet(&t, 2, tc_review("P1", 3, "a=9 b=10"), NULL);
    tc_sheet(&t, 3, tc_review("P1", 3, "a=4 b=1"), NULL);
    tc_sheet(&t, 4, tc_review("P1", 3, "a=6.5 b=3"), NULL);
    tc_rank(&t);
    const merit_proposal_result *p = result_of(&t, "P1");
    /* a sorted 2, 4, 6.5, 9: median (4 + 6.5) / 2 = 21/4
     * b sorted 1, 1, 3, 10: median (1 + 3) / 2 = 2
     * total 21/4 + 2 * 2 = 37/4 */
    assert_exact(p->criteria[0].value, "21/4");
    assert_exact(p->criteria[1].value, "2");
    assert_exact(p->total, "37/4");
    tc_end(&t);
}

static void test_trimmed_mean_boundary(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA,
              "<aggregation method=\"trimmed-mean\" min-reviewers=\"1\" trim-from=\"4\"/>");
    tc_call(&t, "1000000", 4, NULL);
    tc_proposal(&t, "P3", "100", "100", "0", 1, 0); /* 3 scores: below trim-from */
    tc_proposal(&t, "P4", "100", "100", "0", 1, 0); /* 4 scores: trimmed */
    tc_sheet(&t, 1, tc_review("P3", 3, "a=0 b=10"), tc_review("P4", 3, "a=0 b=10"), NULL);
    tc_sheet(&t, 2, tc_review("P3", 3, "a=5 b=5"), tc_review("P4", 3, "a=5 b=5"), NULL);
    tc_sheet(&t, 3, tc_review("P3", 3, "a=10 b=6"), tc_review("P4", 3, "a=10 b=6"), NULL);
    tc_sheet(&t, 4, tc_review("P4", 3, "a=6 b=0"), NULL);
    tc_rank(&t);
    const merit_proposal_result *p3 = result_of(&t, "P3");
    const merit_proposal_result *p4 = result_of(&t, "P4");
    /* P3, 3 scores < trim-from 4, plain mean: a (0+5+10)/3 = 5, b (10+5+6)/3 = 7 */
    assert_int_equal(p3->criteria[0].trimmed, 0);
    assert_exact(p3->criteria[0].value, "5");
    assert_exact(p3->criteria[1].value, "7");
    /* P4, 4 scores: a 0,5,6,10 -> drop 0 and 10 -> (5+6)/2 = 11/2;
     *               b 0,5,6,10 -> (5+6)/2 = 11/2; total 11/2 + 2*11/2 = 33/2 */
    assert_int_equal(p4->criteria[0].trimmed, 2);
    assert_exact(p4->criteria[0].value, "11/2");
    assert_exact(p4->criteria[1].value, "11/2");
    assert_exact(p4->total, "33/2");
    tc_end(&t);
}

static void test_confidence_weighted(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA,
              "<aggregation method=\"confidence-weighted\" min-reviewers=\"1\"/>");
    tc_call(&t, "1000000", 2, NULL);
    tc_proposal(&t, "P1", "100", "100", "0", 1, 0);
    /* r1 confidence 5; r2 confidence 1 but 4 on criterion b */
    tc_sheet(&t, 1, tc_review("P1", 5, "a=8 b=6"), NULL);
    tc_sheet(&t, 2, tc_review("P1", 1, "a=4 b=9@4"), NULL);
    tc_rank(&t);
    const merit_proposal_result *p = result_of(&t, "P1");
    /* a: (5*8 + 1*4) / (5+1) = 44/6 = 22/3
     * b: (5*6 + 4*9) / (5+4) = 66/9 = 22/3
     * total: 22/3 + 2 * 22/3 = 22 */
    assert_exact(p->criteria[0].value, "22/3");
    assert_exact(p->criteria[0].weight_sum, "6");
    assert_exact(p->criteria[1].value, "22/3");
    assert_exact(p->criteria[1].weight_sum, "9");
    assert_exact(p->total, "22");
    tc_end(&t);
}

static void test_method_override(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA, "<aggregation method=\"mean\" min-reviewers=\"1\"/>");
    tc_call(&t, "1000000", 3, NULL);
    tc_proposal(&t, "P1", "100", "100", "0", 1, 0);
    tc_sheet(&t, 1, tc_review("P1", 3, "a=1 b=1"), NULL);
    tc_sheet(&t, 2, tc_review("P1", 3, "a=2 b=2"), NULL);
    tc_sheet(&t, 3, tc_review("P1", 3, "a=9 b=9"), NULL);
    merit_rank_options opt = {.override_method = true, .method = MERIT_METHOD_MEDIAN};
    tc_rank_with(&t, &opt);
    /* median of 1, 2, 9 is 2 (the mean would be 4); total 2 + 2*2 = 6 */
    assert_int_equal(t.res->method, MERIT_METHOD_MEDIAN);
    assert_exact(result_of(&t, "P1")->total, "6");
    tc_end(&t);
}

/* --- exactness ----------------------------------------------------------------- */

/* Weights 0.1, 0.2, 0.3: P1 scores 1 on a and b (total 0.1 + 0.2), P2 scores
 * 1 on c (total 0.3). In binary floating point 0.1 + 0.2 = 0.30000000000000004
 * > 0.3 and P1 would rank alone above P2; exactly, both are 3/10 and share
 * the rank (no tie-break in this rubric). */
static void test_point_one_plus_point_two_ties(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10,
              "<criterion id=\"a\" weight=\"0.1\"><name>A</name></criterion>"
              "<criterion id=\"b\" weight=\"0.2\"><name>B</name></criterion>"
              "<criterion id=\"c\" weight=\"0.3\"><name>C</name></criterion>",
              "<aggregation method=\"mean\" min-reviewers=\"1\"/>");
    tc_call(&t, "1000000", 1, NULL);
    tc_proposal(&t, "P1", "100", "100", "0", 1, 0);
    tc_proposal(&t, "P2", "100", "100", "0", 1, 0);
    tc_sheet(&t, 1, tc_review("P1", 3, "a=1 b=1 c=0"), tc_review("P2", 3, "a=0 b=0 c=1"), NULL);
    tc_rank(&t);
    const merit_proposal_result *p1 = result_of(&t, "P1"), *p2 = result_of(&t, "P2");
    assert_exact(p1->total, "3/10");
    assert_exact(p2->total, "3/10");
    assert_int_equal(p1->rank, 1);
    assert_int_equal(p2->rank, 1);
    assert_true(p1->rank_shared && p2->rank_shared);
    assert_int_equal(p2->decided_by, MERIT_DECIDED_TIED);
    tc_end(&t);
}

/* --- scales, thresholds, conflicts, reviewers ------------------------------------- */

static void test_lower_is_better(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, "min=\"1\" max=\"9\" step=\"1\" direction=\"lower-is-better\"",
              "<criterion id=\"a\" weight=\"0.5\" threshold=\"4\"><name>A</name></criterion>"
              "<criterion id=\"b\" weight=\"0.5\"><name>B</name></criterion>",
              "<overall threshold=\"5\"/><aggregation method=\"mean\" min-reviewers=\"1\"/>");
    tc_call(&t, "1000000", 1, NULL);
    tc_proposal(&t, "GOOD", "100", "100", "0", 1, 0);
    tc_proposal(&t, "OKAY", "100", "100", "0", 1, 0);
    tc_proposal(&t, "BADA", "100", "100", "0", 1, 0);
    tc_proposal(&t, "BADT", "100", "100", "0", 1, 0);
    tc_sheet(&t, 1, tc_review("GOOD", 3, "a=1 b=2"), tc_review("OKAY", 3, "a=3 b=4"),
             tc_review("BADA", 3, "a=5 b=1"), tc_review("BADT", 3, "a=4 b=7"), NULL);
    tc_rank(&t);
    /* totals: GOOD 0.5+1 = 3/2; OKAY 1.5+2 = 7/2; BADA 2.5+0.5 = 3 but a = 5
     * is above its threshold 4 ("at most" on a lower-is-better scale);
     * BADT 2+3.5 = 11/2 above the overall threshold 5. Lower ranks first. */
    assert_exact(result_of(&t, "GOOD")->total, "3/2");
    assert_int_equal(result_of(&t, "GOOD")->rank, 1);
    assert_int_equal(result_of(&t, "OKAY")->rank, 2);
    assert_int_equal(result_of(&t, "BADA")->status, MERIT_STATUS_BELOW_THRESHOLD);
    assert_true(result_of(&t, "BADA")->criteria[0].below_threshold);
    assert_int_equal(result_of(&t, "BADT")->status, MERIT_STATUS_BELOW_THRESHOLD);
    assert_true(result_of(&t, "BADT")->total_below_threshold);
    assert_int_equal(t.res->ranked_count, 2);
    tc_end(&t);
}

static void test_every_reviewer_conflicted(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA, "<aggregation method=\"mean\" min-reviewers=\"1\"/>");
    tc_call(&t, "1000000", 2,
            "<conflicts><conflict reviewer=\"r1\" proposal=\"P1\">x</conflict>"
            "<conflict reviewer=\"r2\" proposal=\"P1\">y</conflict></conflicts>");
    tc_proposal(&t, "P1", "100", "100", "0", 1, 0);
    tc_sheet(&t, 1, tc_review("P1", 3, "a=9 b=9"), NULL);
    tc_sheet(&t, 2, tc_review("P1", 3, "a=9 b=9"), NULL);
    tc_rank(&t);
    const merit_proposal_result *p = result_of(&t, "P1");
    assert_int_equal(p->reviews_counted, 0);
    assert_int_equal(p->reviews_excluded, 2);
    assert_false(t.res->reviews[0].counted);
    assert_false(t.res->reviews[1].counted);
    assert_false(p->has_total);
    assert_int_equal(p->status, MERIT_STATUS_INSUFFICIENT_REVIEWS);
    assert_int_equal(p->rank, 0);
    tc_end(&t);
}

static void test_single_reviewer_and_minimum(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA, "<aggregation method=\"mean\" min-reviewers=\"2\"/>");
    tc_call(&t, "1000000", 2, NULL);
    tc_proposal(&t, "ONE", "100", "100", "0", 1, 0);
    tc_proposal(&t, "TWO", "100", "100", "0", 1, 0);
    tc_sheet(&t, 1, tc_review("ONE", 3, "a=10 b=10"), tc_review("TWO", 3, "a=1 b=1"), NULL);
    tc_sheet(&t, 2, tc_review("TWO", 3, "a=2 b=2"), NULL);
    tc_rank(&t);
    /* ONE has a total from its single review (10 + 20 = 30) but needs 2 */
    const merit_proposal_result *one = result_of(&t, "ONE");
    assert_true(one->has_total);
    assert_exact(one->total, "30");
    assert_int_equal(one->status, MERIT_STATUS_INSUFFICIENT_REVIEWS);
    assert_false(one->has_spread);
    /* TWO: a (1+2)/2 = 3/2, b 3/2, total 3/2 + 3 = 9/2 */
    assert_exact(result_of(&t, "TWO")->total, "9/2");
    assert_int_equal(result_of(&t, "TWO")->status, MERIT_STATUS_FUNDED);
    tc_end(&t);
}

static void test_no_score_leaves_criterion_to_others(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA, "<aggregation method=\"mean\" min-reviewers=\"2\"/>");
    tc_call(&t, "1000000", 2, NULL);
    tc_proposal(&t, "P1", "100", "100", "0", 1, 0);
    tc_sheet(&t, 1, tc_review("P1", 3, "a=4 b=-"), NULL);
    tc_sheet(&t, 2, tc_review("P1", 3, "a=6 b=7"), NULL);
    tc_rank(&t);
    const merit_proposal_result *p = result_of(&t, "P1");
    /* a: (4+6)/2 = 5 from 2 scores; b: 7 from r2 alone; total 5 + 14 = 19.
     * r1's review is incomplete: no reviewer total, so no spread. */
    assert_int_equal(p->criteria[1].count, 1);
    assert_exact(p->total, "19");
    assert_false(t.res->reviews[0].complete);
    assert_false(p->has_spread);
    tc_end(&t);
}

/* --- eligibility ------------------------------------------------------------------ */

static void test_federal_share_exactly_half_passes(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA,
              "<aggregation method=\"mean\" min-reviewers=\"1\"/><eligibility>"
              "<fact-rule id=\"fs\" fact=\"federal-share\" op=\"le\" value=\"0.5\">"
              "<message>at most half</message></fact-rule></eligibility>");
    tc_call(&t, "1000000", 1, NULL);
    tc_proposal(&t, "HALF", "500.01", "300.01", "200", 1, 0); /* 50001/100002 = 1/2 */
    tc_proposal(&t, "OVER", "500.01", "300", "200", 1, 0);    /* 50001/100001 > 1/2 */
    tc_sheet(&t, 1, tc_review("HALF", 3, "a=5 b=5"), tc_review("OVER", 3, "a=9 b=9"), NULL);
    tc_rank(&t);
    const merit_proposal_result *half = result_of(&t, "HALF"), *over = result_of(&t, "OVER");
    assert_exact(half->facts[MERIT_FACT_FEDERAL_SHARE], "1/2");
    assert_true(half->eligible);
    assert_exact(over->facts[MERIT_FACT_FEDERAL_SHARE], "50001/100001");
    assert_false(over->eligible);
    assert_false(over->rules[0].passed);
    assert_int_equal(over->status, MERIT_STATUS_INELIGIBLE);
    tc_end(&t);
}

/* --- tie-breaks ----------------------------------------------------------------------- */

static void test_tiebreak_criterion_then_fact(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA,
              "<aggregation method=\"mean\" min-reviewers=\"1\"/><tie-break>"
              "<criterion ref=\"b\"/><fact ref=\"sme-share\" prefer=\"higher\"/></tie-break>");
    tc_call(&t, "1000000", 1, NULL);
    /* all totals 24: X a=8 b=8; Y a=6 b=9; Z a=6 b=9 with more SMEs; W as Z */
    tc_proposal(&t, "X", "100", "100", "0", 1, 1);
    tc_proposal(&t, "Y", "100", "100", "0", 1, 1); /* sme-share 1/2 */
    tc_proposal(&t, "Z", "100", "100", "0", 2, 1); /* sme-share 2/3 */
    tc_proposal(&t, "W", "100", "100", "0", 2, 1); /* same as Z: a shared rank */
    tc_sheet(&t, 1, tc_review("X", 3, "a=8 b=8"), tc_review("Y", 3, "a=6 b=9"),
             tc_review("Z", 3, "a=6 b=9"), tc_review("W", 3, "a=6 b=9"), NULL);
    tc_rank(&t);
    /* b decides Y, Z, W (9) above X (8); sme-share decides Z, W (2/3) above
     * Y (1/2); Z and W are tied on everything: rank 1=, shown by id (W, Z). */
    assert_int_equal(position_of(&t, "W"), 0);
    assert_int_equal(position_of(&t, "Z"), 1);
    assert_int_equal(position_of(&t, "Y"), 2);
    assert_int_equal(position_of(&t, "X"), 3);
    assert_int_equal(result_of(&t, "W")->rank, 1);
    assert_int_equal(result_of(&t, "Z")->rank, 1);
    assert_int_equal(result_of(&t, "Z")->decided_by, MERIT_DECIDED_TIED);
    assert_int_equal(result_of(&t, "Y")->rank, 3);
    assert_int_equal(result_of(&t, "Y")->decided_by, MERIT_DECIDED_TIEBREAK);
    assert_int_equal(result_of(&t, "Y")->decider_index, 1); /* sme-share */
    assert_int_equal(result_of(&t, "X")->rank, 4);
    assert_int_equal(result_of(&t, "X")->decider_index, 0); /* criterion b */
    tc_end(&t);
}

/* --- domain-neutral proposals ------------------------------------------------------------ */

/* A proposal of the core only (title, applicant, request), and whatever
 * `more` adds before </proposal> (sections, facts). */
static void tc_plain(struct tcall *t, const char *id, const char *request, const char *more)
{
    char *x = t_sprintf("<proposal xmlns=\"urn:merit:1\" id=\"%s\" call=\"C\"><title>Title of %s"
                        "</title><applicant>Applicant %s</applicant><request amount=\"%s\"/>%s"
                        "</proposal>\n",
                        id, id, id, request, more ? more : "");
    char name[64];
    snprintf(name, sizeof(name), "proposals/%s.xml", id);
    t_write(t->dir, name, x);
    free(x);
}

static void test_minimal_proposal_ranks_under_a_plain_rubric(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA, "<aggregation method=\"mean\"/>");
    tc_call(&t, "1000", 1, NULL);
    tc_plain(&t, "P1", "600", NULL);
    tc_plain(&t, "P2", "500.50", NULL);
    tc_sheet(&t, 1, tc_review("P1", 3, "a=8 b=8"), tc_review("P2", 3, "a=6 b=6"), NULL);
    tc_rank(&t);
    /* P1 1*8 + 2*8 = 24, P2 1*6 + 2*6 = 18; the walk funds P1's request
     * (600.00 of 1,000.00), then P2's 500.50 does not fit the 400.00 left */
    assert_exact(result_of(&t, "P1")->total, "24");
    assert_int_equal(result_of(&t, "P1")->rank, 1);
    assert_int_equal(result_of(&t, "P1")->status, MERIT_STATUS_FUNDED);
    assert_int_equal(result_of(&t, "P2")->status, MERIT_STATUS_RESERVE);
    assert_int_equal(t.res->walk[0].request, 60000);
    assert_int_equal(t.res->walk[1].request, 50050);
    assert_int_equal(t.res->walk[1].action, MERIT_WALK_DOES_NOT_FIT);
    assert_int_equal(t.res->awarded, 60000);
    /* the request is a derived fact, in currency units */
    mpq_t request;
    mpq_init(request);
    assert_true(
        merit_fact_value(t.res, result_of(&t, "P2"), MERIT_FACT_REQUEST, NULL, NULL, request));
    assert_exact(request, "1001/2");
    mpq_clear(request);
    tc_end(&t);
}

static void test_declared_facts_in_a_rule_and_a_tiebreak(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA,
              "<aggregation method=\"mean\"/><tie-break><fact ref=\"trl\" prefer=\"higher\"/>"
              "</tie-break><eligibility><fact-rule id=\"trl-min\" fact=\"trl\" op=\"ge\" "
              "value=\"4\"><message>TRL 4 or more</message></fact-rule></eligibility>");
    tc_call(&t, "1000000", 1, NULL);
    tc_plain(&t, "A", "10", "<facts><fact name=\"trl\" value=\"6\"/></facts>");
    tc_plain(&t, "B", "10", "<facts><fact name=\"trl\" value=\"7.5\"/></facts>");
    tc_plain(&t, "C", "10", "<facts><fact name=\"trl\" value=\"3.99\"/></facts>");
    tc_plain(&t, "D", "10", "<facts><fact name=\"trl\" value=\"6.000\"/></facts>");
    tc_sheet(&t, 1, tc_review("A", 3, "a=8 b=8"), tc_review("B", 3, "a=8 b=8"),
             tc_review("C", 3, "a=9 b=9"), tc_review("D", 3, "a=8 b=8"), NULL);
    tc_rank(&t);
    /* C (3.99 < 4) is ineligible, its value read exactly; A, B and D total
     * 24: B's 7.5 ranks it first, A's 6 and D's 6.000 are equal, so they
     * share rank 2 */
    assert_int_equal(result_of(&t, "C")->status, MERIT_STATUS_INELIGIBLE);
    assert_exact(result_of(&t, "C")->rules[0].actual, "399/100");
    assert_exact(result_of(&t, "A")->rules[0].actual, "6");
    assert_int_equal(position_of(&t, "B"), 0);
    assert_int_equal(result_of(&t, "A")->rank, 2);
    assert_int_equal(result_of(&t, "A")->decided_by, MERIT_DECIDED_TIEBREAK);
    assert_int_equal(result_of(&t, "D")->rank, 2);
    assert_int_equal(result_of(&t, "D")->decided_by, MERIT_DECIDED_TIED);
    tc_end(&t);
}

static void test_free_sections_in_a_text_rule_and_a_words_rule(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA,
              "<aggregation method=\"mean\"/><tie-break><fact ref=\"words\" section=\"summary\" "
              "prefer=\"lower\"/></tie-break><eligibility>"
              "<text-rule id=\"for-children\" section=\"summary\"><pattern>\\bchildren\\b"
              "</pattern><message>for children</message></text-rule>"
              "<fact-rule id=\"short\" fact=\"words\" section=\"summary\" op=\"le\" value=\"5\">"
              "<message>short</message></fact-rule></eligibility>");
    tc_call(&t, "1000000", 1, NULL);
#define SUMMARY(text) "<sections><section name=\"summary\">" text "</section></sections>"
    const char *p1 = SUMMARY("Science for children.");                       /* 3 words */
    const char *p2 = SUMMARY("Science for adults only.");                    /* no match */
    const char *p3 = SUMMARY("A long summary for children with many words"); /* 8 words */
    const char *p4 = SUMMARY("children learn");                              /* 2 words */
    tc_plain(&t, "P1", "10", p1);
    tc_plain(&t, "P2", "10", p2);
    tc_plain(&t, "P3", "10", p3);
    tc_plain(&t, "P4", "10", p4);
#undef SUMMARY
    tc_sheet(&t, 1, tc_review("P1", 3, "a=8 b=8"), tc_review("P2", 3, "a=8 b=8"),
             tc_review("P3", 3, "a=8 b=8"), tc_review("P4", 3, "a=8 b=8"), NULL);
    tc_rank(&t);
    assert_int_equal(result_of(&t, "P2")->status, MERIT_STATUS_INELIGIBLE);
    assert_false(result_of(&t, "P2")->rules[0].passed);
    assert_true(result_of(&t, "P2")->rules[1].passed); /* 4 words */
    assert_int_equal(result_of(&t, "P3")->status, MERIT_STATUS_INELIGIBLE);
    assert_true(result_of(&t, "P3")->rules[0].passed);
    assert_exact(result_of(&t, "P3")->rules[1].actual, "8");
    /* P1 and P4 both total 24: P4's 2 words rank it above P1's 3 */
    assert_int_equal(position_of(&t, "P4"), 0);
    assert_int_equal(result_of(&t, "P1")->rank, 2);
    assert_int_equal(result_of(&t, "P1")->decided_by, MERIT_DECIDED_TIEBREAK);
    tc_end(&t);
}

/* A rule on a fact whose inputs a proposal lacks is never read as zero: the
 * rubric requires them as proposals load, and ranking a proposal loaded
 * without that rubric fails with the rule and the proposal named. */
static void test_a_fact_a_proposal_lacks_is_never_zero(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA, "<aggregation method=\"mean\"/>");
    tc_call(&t, "1000000", 1, NULL);
    tc_plain(&t, "P1", "10", NULL);
    tc_sheet(&t, 1, tc_review("P1", 3, "a=8 b=8"), NULL);
    tc_rank(&t);
    /* the same call ranked under a rubric whose rule reads the budget */
    t_write(
        t.dir, "budget.xml",
        "<rubric xmlns=\"urn:merit:1\" id=\"t\" version=\"1\"><title>t</title><scale " SCALE_0_10
        "/><criteria>" TWO_CRITERIA "</criteria><aggregation method=\"mean\"/>"
        "<tie-break><fact ref=\"organisations\" prefer=\"higher\"/></tie-break>"
        "<eligibility><fact-rule id=\"fs\" fact=\"federal-share\" op=\"le\" value=\"0.5\">"
        "<message>m</message></fact-rule></eligibility></rubric>\n");
    merit_rubric *other = NULL;
    char *path = t_sprintf("%s/budget.xml", t.dir);
    assert_int_equal(merit_rubric_load_file(t.ctx, path, &other), 0);
    free(path);
    merit_rubric *own = t.call->rubric;
    t.call->rubric = other;
    merit_result *res = NULL;
    assert_int_equal(merit_call_rank(t.ctx, t.call, NULL, &res), MERIT_EINVALID);
    assert_null(res);
    t.call->rubric = own;
    merit_rubric_free(other);
    const merit_diag *d = merit_ctx_diag(t.ctx, merit_ctx_diag_count(t.ctx) - 1);
    assert_string_equal(d->message, "rule 'fs' reads the federal, cash and in-kind amounts, "
                                    "which proposal 'P1' does not have");
    /* and a tie-break on one, checked before the ranked proposals sort */
    t_write(
        t.dir, "team.xml",
        "<rubric xmlns=\"urn:merit:1\" id=\"t\" version=\"1\"><title>t</title><scale " SCALE_0_10
        "/><criteria>" TWO_CRITERIA "</criteria><aggregation method=\"mean\"/>"
        "<tie-break><fact ref=\"organisations\" prefer=\"higher\"/></tie-break></rubric>\n");
    path = t_sprintf("%s/team.xml", t.dir);
    assert_int_equal(merit_rubric_load_file(t.ctx, path, &other), 0);
    free(path);
    t.call->rubric = other;
    assert_int_equal(merit_call_rank(t.ctx, t.call, NULL, &res), MERIT_EINVALID);
    t.call->rubric = own;
    merit_rubric_free(other);
    d = merit_ctx_diag(t.ctx, merit_ctx_diag_count(t.ctx) - 1);
    assert_string_equal(d->message, "the tie-break on 'organisations' reads the organisations of "
                                    "the team, which proposal 'P1' does not have");
    tc_end(&t);
}

/* --- the funding line ------------------------------------------------------------------- */

static void test_budget_exactly_exhausted(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA, "<aggregation method=\"mean\" min-reviewers=\"1\"/>");
    tc_call(&t, "1000.50", 1, NULL);
    tc_proposal(&t, "A", "600.25", "700", "0", 1, 0);
    tc_proposal(&t, "B", "400.25", "500", "0", 1, 0);
    tc_proposal(&t, "C", "0.01", "1", "0", 1, 0);
    tc_sheet(&t, 1, tc_review("A", 3, "a=9 b=9"), tc_review("B", 3, "a=8 b=8"),
             tc_review("C", 3, "a=7 b=7"), NULL);
    tc_rank(&t);
    /* 600.25 + 400.25 = 1000.50: the budget is used to the cent; C does not
     * fit (0.01 > 0) and is reserve. */
    assert_int_equal(result_of(&t, "A")->status, MERIT_STATUS_FUNDED);
    assert_int_equal(result_of(&t, "B")->status, MERIT_STATUS_FUNDED);
    assert_int_equal(result_of(&t, "B")->cumulative, 100050);
    assert_int_equal(t.res->remaining, 0);
    assert_int_equal(result_of(&t, "C")->status, MERIT_STATUS_RESERVE);
    assert_int_equal(t.res->walk[2].action, MERIT_WALK_DOES_NOT_FIT);
    tc_end(&t);
}

static void test_walk_stops_or_skips(void **state)
{
    (void)state;
    for (int skip = 0; skip <= 1; skip++) {
        struct tcall t;
        tc_begin(&t);
        char rest[256];
        snprintf(rest, sizeof(rest),
                 "<aggregation method=\"mean\" min-reviewers=\"1\"/><funding "
                 "skip-unaffordable=\"%s\"/>",
                 skip ? "true" : "false");
        tc_rubric(&t, SCALE_0_10, TWO_CRITERIA, rest);
        tc_call(&t, "1000", 1, NULL);
        tc_proposal(&t, "A", "600", "600", "0", 1, 0);
        tc_proposal(&t, "B", "500", "500", "0", 1, 0); /* does not fit: 400 left */
        tc_proposal(&t, "C", "300", "300", "0", 1, 0); /* would fit */
        tc_sheet(&t, 1, tc_review("A", 3, "a=9 b=9"), tc_review("B", 3, "a=8 b=8"),
                 tc_review("C", 3, "a=7 b=7"), NULL);
        tc_rank(&t);
        assert_int_equal(result_of(&t, "B")->status, MERIT_STATUS_RESERVE);
        assert_int_equal(t.res->walk[1].action, MERIT_WALK_DOES_NOT_FIT);
        if (skip) {
            assert_int_equal(result_of(&t, "C")->status, MERIT_STATUS_FUNDED);
            assert_int_equal(t.res->remaining, 10000); /* 1000 - 600 - 300 = 100 */
        } else {
            assert_int_equal(result_of(&t, "C")->status, MERIT_STATUS_RESERVE);
            assert_int_equal(t.res->walk[2].action, MERIT_WALK_AFTER_LINE);
            assert_int_equal(t.res->remaining, 40000);
        }
        tc_end(&t);
    }
}

static void test_tie_at_the_line(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA, "<aggregation method=\"mean\" min-reviewers=\"1\"/>");
    tc_call(&t, "1000", 1, NULL);
    tc_proposal(&t, "A", "500", "500", "0", 1, 0);
    tc_proposal(&t, "B", "300", "300", "0", 1, 0); /* B and C tie: 600 > 500 left */
    tc_proposal(&t, "C", "300", "300", "0", 1, 0);
    tc_sheet(&t, 1, tc_review("A", 3, "a=9 b=9"), tc_review("B", 3, "a=8 b=8"),
             tc_review("C", 3, "a=8 b=8"), NULL);
    tc_rank(&t);
    /* each alone would fit, together they do not: merit funds neither and
     * says so, rather than let the file order or the id choose */
    assert_int_equal(result_of(&t, "A")->status, MERIT_STATUS_FUNDED);
    assert_int_equal(result_of(&t, "B")->rank, 2);
    assert_int_equal(result_of(&t, "C")->rank, 2);
    assert_true(result_of(&t, "B")->tie_at_line);
    assert_true(result_of(&t, "C")->tie_at_line);
    assert_int_equal(result_of(&t, "B")->status, MERIT_STATUS_RESERVE);
    assert_int_equal(t.res->walk[1].action, MERIT_WALK_TIE_AT_LINE);
    assert_int_equal(t.res->walk[2].action, MERIT_WALK_TIE_AT_LINE);
    assert_int_equal(t.res->remaining, 50000);
    tc_end(&t);
}

static void test_tie_that_fits_is_funded_whole(void **state)
{
    (void)state;
    struct tcall t;
    tc_begin(&t);
    tc_rubric(&t, SCALE_0_10, TWO_CRITERIA, "<aggregation method=\"mean\" min-reviewers=\"1\"/>");
    tc_call(&t, "1000", 1, NULL);
    tc_proposal(&t, "B", "500", "500", "0", 1, 0);
    tc_proposal(&t, "C", "500", "500", "0", 1, 0);
    tc_sheet(&t, 1, tc_review("B", 3, "a=8 b=8"), tc_review("C", 3, "a=8 b=8"), NULL);
    tc_rank(&t);
    assert_int_equal(result_of(&t, "B")->status, MERIT_STATUS_FUNDED);
    assert_int_equal(result_of(&t, "C")->status, MERIT_STATUS_FUNDED);
    assert_false(result_of(&t, "C")->tie_at_line);
    assert_int_equal(t.res->remaining, 0);
    tc_end(&t);
}

/* --- the rule at the funding line (docs/scoring.md section 8) ---------------
 *
 * One call for every policy: budget 1000; A (request 400, scores 9) ranks 1;
 * B (300), C (250), D (200) all score 8 and share rank 2=; E (100, scores 7)
 * ranks 5. The walk funds A (600 left); the tie B+C+D = 750 > 600 cannot be
 * funded whole: a tie at the line. The stop walk's line is 1 (A alone).
 * Each case runs with skip-unaffordable false and true (the call's
 * <funding-line skip-unaffordable>, which overrides the rubric's). */
static void tc_tie_call(struct tcall *t, const char *funding_line)
{
    tc_begin(t);
    tc_rubric(t, SCALE_0_10, TWO_CRITERIA, "<aggregation method=\"mean\" min-reviewers=\"1\"/>");
    char *x = t_sprintf("<call xmlns=\"urn:merit:1\" id=\"C\" currency=\"USD\"><title>c</title>"
                        "<budget available=\"1000\"/><rubric href=\"rubric.xml\"/>%s"
                        "<panel><reviewer id=\"r1\"><name>R1</name></reviewer></panel></call>\n",
                        funding_line);
    t_write(t->dir, "call.xml", x);
    free(x);
    tc_proposal(t, "A", "400", "400", "0", 1, 0);
    tc_proposal(t, "B", "300", "300", "0", 1, 0);
    tc_proposal(t, "C", "250", "250", "0", 1, 0);
    tc_proposal(t, "D", "200", "200", "0", 1, 0);
    tc_proposal(t, "E", "100", "100", "0", 1, 0);
    tc_sheet(t, 1, tc_review("A", 3, "a=9 b=9"), tc_review("B", 3, "a=8 b=8"),
             tc_review("C", 3, "a=8 b=8"), tc_review("D", 3, "a=8 b=8"),
             tc_review("E", 3, "a=7 b=7"), NULL);
}

/* The walk as "ID:action ID:action ...", in the order of its steps. */
static char *walk_text(const struct tcall *t)
{
    char buf[1024] = "";
    for (size_t s = 0; s < t->res->walk_count; s++) {
        size_t o = strlen(buf);
        snprintf(buf + o, sizeof(buf) - o, "%s%s:%s", s ? " " : "",
                 t->call->proposals[t->res->proposals[t->res->walk[s].result].proposal].id,
                 merit_walk_action_name(t->res->walk[s].action));
    }
    return strdup(buf);
}

static void expect_walk(const struct tcall *t, const char *want, int64_t remaining, bool skipped)
{
    char *got = walk_text(t);
    if (strcmp(got, want) != 0)
        fail_msg("walk\n  %s\nexpected\n  %s", got, want);
    free(got);
    assert_int_equal(t->res->remaining, remaining);
    assert_int_equal(t->res->skipped, skipped);
    assert_int_equal(t->res->line, 1);
}

static const char *skip_attr(int skip)
{
    return skip ? " skip-unaffordable=\"true\"" : " skip-unaffordable=\"false\"";
}

static void test_tie_policy_stop(void **state)
{
    (void)state;
    for (int skip = 0; skip <= 1; skip++) {
        struct tcall t;
        char *fl = t_sprintf("<funding-line ties=\"stop\"%s/>", skip_attr(skip));
        tc_tie_call(&t, fl);
        free(fl);
        tc_rank(&t);
        assert_int_equal(t.res->ties, MERIT_TIES_STOP);
        assert_true(result_of(&t, "B")->tie_at_line);
        if (!skip) /* 1000 - 400 = 600 left; E is after the line */
            expect_walk(&t, "A:funded B:tie-at-line C:tie-at-line D:tie-at-line E:after-line",
                        60000, false);
        else /* the walk goes on: E (100) fits the 600 left, 500 remain */
            expect_walk(&t, "A:funded B:tie-at-line C:tie-at-line D:tie-at-line E:funded", 50000,
                        true);
        tc_end(&t);
    }
}

static void test_tie_policy_fund_whole(void **state)
{
    (void)state;
    for (int skip = 0; skip <= 1; skip++) {
        /* overspend 150: 400 + 750 = 1150 <= 1000 + 150, funded whole, 150
         * over; nothing remains, so E (100) does not fit, either walk */
        struct tcall t;
        char *fl =
            t_sprintf("<funding-line ties=\"fund-whole\" overspend=\"150\"%s/>", skip_attr(skip));
        tc_tie_call(&t, fl);
        free(fl);
        tc_rank(&t);
        expect_walk(&t,
                    "A:funded B:funded-overspend C:funded-overspend D:funded-overspend "
                    "E:does-not-fit",
                    0, false);
        assert_int_equal(t.res->awarded, 115000);
        assert_int_equal(t.res->overspent, 15000);
        assert_int_equal(t.res->overspend_allowed, 15000);
        assert_int_equal(result_of(&t, "D")->status, MERIT_STATUS_FUNDED);
        tc_end(&t);

        /* overspend 149.99: 1150 > 1149.99, so the tie is treated as stop */
        fl = t_sprintf("<funding-line ties=\"fund-whole\" overspend=\"149.99\"%s/>",
                       skip_attr(skip));
        tc_tie_call(&t, fl);
        free(fl);
        tc_rank(&t);
        if (!skip)
            expect_walk(&t, "A:funded B:tie-at-line C:tie-at-line D:tie-at-line E:after-line",
                        60000, false);
        else
            expect_walk(&t, "A:funded B:tie-at-line C:tie-at-line D:tie-at-line E:funded", 50000,
                        true);
        assert_int_equal(t.res->overspent, 0);
        tc_end(&t);
    }
}

/* The draw orders, computed by hand with the generator of docs/scoring.md
 * ("The generator": SHA-256("merit lottery 1" 0x00 seed) as the state,
 * Fisher-Yates) in a few lines of Python mirroring engine/src/prng.c: the
 * pool [B, C, D] (rank, then id) is shuffled by seed "alpha" into
 * [D, C, B] and by seed "beta" into [B, C, D]. */
static void test_tie_policy_lottery(void **state)
{
    (void)state;
    for (int skip = 0; skip <= 1; skip++) {
        struct tcall t;
        char *fl = t_sprintf("<funding-line ties=\"lottery\" seed=\"alpha\"%s/>", skip_attr(skip));
        tc_tie_call(&t, fl);
        free(fl);
        tc_rank(&t);
        /* 600 left: D 200 (400 left), C 250 (150 left), B 300 > 150 passed
         * over; then E (100): after the line, or with skip it fits the 150
         * (50 left) and is funded ahead of B */
        if (!skip)
            expect_walk(&t,
                        "A:funded D:drawn-funded C:drawn-funded B:drawn-does-not-fit "
                        "E:after-line",
                        15000, false);
        else
            expect_walk(&t, "A:funded D:drawn-funded C:drawn-funded B:drawn-does-not-fit E:funded",
                        5000, true);
        assert_int_equal(t.res->pool_count, 3);
        assert_string_equal(t.res->lottery_seed, "alpha");
        assert_false(t.res->ties_from_command_line);
        const char *pool[] = {"B", "C", "D"}, *draw[] = {"D", "C", "B"};
        for (size_t k = 0; k < 3; k++) {
            assert_string_equal(t.call->proposals[t.res->proposals[t.res->pool[k]].proposal].id,
                                pool[k]);
            assert_string_equal(t.call->proposals[t.res->proposals[t.res->draw[k]].proposal].id,
                                draw[k]);
        }
        tc_end(&t);

        /* --lottery beta on a call that says stop: B 300 (300 left), C 250
         * (50 left), D 200 passed over; E (100 > 50) does not fit either */
        fl = t_sprintf("<funding-line%s/>", skip_attr(skip));
        tc_tie_call(&t, fl);
        free(fl);
        merit_rank_options opt = {.lottery_seed = "beta"};
        tc_rank_with(&t, &opt);
        if (!skip)
            expect_walk(&t,
                        "A:funded B:drawn-funded C:drawn-funded D:drawn-does-not-fit "
                        "E:after-line",
                        5000, false);
        else
            expect_walk(&t,
                        "A:funded B:drawn-funded C:drawn-funded D:drawn-does-not-fit "
                        "E:does-not-fit",
                        5000, false);
        assert_int_equal(t.res->ties, MERIT_TIES_LOTTERY);
        assert_true(t.res->ties_from_command_line);
        assert_string_equal(t.res->lottery_seed, "beta");
        tc_end(&t);
    }
}

/* draw-among="grey-zone" with grey_zone set by hand (the bootstrap's job):
 * B, C and E in the grey zone. Clearly above: A (position 0 < line 1, not
 * grey), funded; D is neither clearly above nor grey: after the line. The
 * pool [B, C, E] is shuffled by "alpha" as [B, C, D] was, into [E, C, B]:
 * E 100 (500 left), C 250 (250 left), B 300 passed over. */
static void test_grey_zone_lottery(void **state)
{
    (void)state;
    struct tcall t;
    tc_tie_call(&t, "<funding-line ties=\"lottery\" seed=\"alpha\" draw-among=\"grey-zone\"/>");
    t.ctx = merit_ctx_new();
    assert_int_equal(merit_call_load(t.ctx, t.dir, &t.call), 0);
    /* without intervals the call cannot be ranked, and says why */
    assert_int_equal(merit_call_rank(t.ctx, t.call, NULL, &t.res), MERIT_EINVALID);
    assert_null(t.res);
    assert_non_null(strstr(merit_ctx_diag(t.ctx, 0)->message, "needs the rank intervals"));
    merit_ctx_clear_diags(t.ctx);
    merit_rank_options stop = {.lottery_seed = NULL};
    merit_call *c = t.call;
    /* rank under a plain policy, then set the grey zone and walk again */
    c->funding_line.ties = MERIT_TIES_STOP;
    assert_int_equal(merit_call_rank(t.ctx, c, &stop, &t.res), 0);
    c->funding_line.ties = MERIT_TIES_LOTTERY;
    t.res->has_intervals = true;
    for (size_t i = 0; i < c->proposal_count; i++)
        t.res->proposals[i].grey_zone = strcmp(c->proposals[i].id, "B") == 0 ||
                                        strcmp(c->proposals[i].id, "C") == 0 ||
                                        strcmp(c->proposals[i].id, "E") == 0;
    assert_int_equal(merit__funding_walk(t.ctx, t.res, NULL), 0);
    expect_walk(&t, "A:funded E:drawn-funded C:drawn-funded B:drawn-does-not-fit D:after-line",
                25000, true);
    assert_int_equal(t.res->awarded, 75000);
    assert_int_equal(t.res->funded_count, 3);
    tc_end(&t);
}

/* A report of t's result into a string: the text report, or the
 * explanation of proposal `id`. */
static char *report_of(const struct tcall *t, const char *id)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    merit_report_options opt = {.places = 2};
    merit_sink sink;
    merit_sink_init(&sink, f, false);
    int rc = id != NULL && strcmp(id, "html") == 0 ? merit_report_html(&sink, t->res, &opt)
             : id == NULL
                 ? merit_report_text(&sink, t->res, &opt)
                 : merit_report_explain(&sink, t->res,
                                        (size_t)(result_of(t, id) - t->res->proposals), &opt);
    assert_int_equal(rc, 0);
    assert_int_equal(merit_sink_finish(&sink, NULL), 0);
    assert_int_equal(fclose(f), 0);
    /* the words are wrapped: compare them on one line */
    for (char *p = buf; *p; p++)
        if (*p == '\n' && p[1] == ' ')
            *p = ' ';
    for (char *p = buf, *q = buf;; q++) {
        if (*q == ' ' && p > buf && p[-1] == ' ')
            continue;
        if ((*p++ = *q) == '\0')
            break;
    }
    return buf;
}

#define expect_said(text, words)                                                                   \
    do {                                                                                           \
        if (strstr(text, words) == NULL)                                                           \
            fail_msg("no\n  [%s]\nin\n%s", words, text);                                           \
    } while (0)

/* Every report that shows the line says what the rule did, in words. */
static void test_reports_say_the_rule(void **state)
{
    (void)state;
    struct tcall t;
    /* skip-unaffordable set by the call, with the panel's statement */
    tc_tie_call(&t, "<funding-line skip-unaffordable=\"true\"><statement>The panel funds what "
                    "fits.</statement></funding-line>");
    tc_rank(&t);
    char *text = report_of(&t, NULL);
    expect_said(text, "The walk went on past proposals it could not fund, because the call sets "
                      "skip-unaffordable: lower-ranked proposals that fit were funded ahead of "
                      "them. The call says: The panel funds what fits.");
    free(text);
    text = report_of(&t, "html");
    expect_said(text, "<li>The walk went on past proposals it could not fund, because the call "
                      "sets skip-unaffordable: lower-ranked proposals that fit were funded ahead "
                      "of them.</li>");
    expect_said(text, "<li>The call says: The panel funds what fits.</li>");
    free(text);
    text = report_of(&t, "B");
    expect_said(text, "The call stops at a tie at the line (ties=\"stop\"), and merit does not "
                      "choose between proposals the rubric cannot separate: none is funded and "
                      "the walk goes on, as the call sets skip-unaffordable.");
    free(text);
    tc_end(&t);

    /* fund-whole: 750 together against 600 remaining, 150 short, within
     * the overspend of 150 */
    tc_tie_call(&t, "<funding-line ties=\"fund-whole\" overspend=\"150\"/>");
    tc_rank(&t);
    text = report_of(&t, "C");
    expect_said(text, "Funding line: funded, a tie at the line funded whole past the budget (T)");
    expect_said(text, "requests USD 750.00 together against 600.00 remaining: 150.00 short. The "
                      "call funds a tie at the line whole while the awards stay within the "
                      "budget plus USD 150.00 (ties=\"fund-whole\"): funded whole.");
    expect_said(text, "A tie at the line was funded whole past the budget by USD 150.00 (the "
                      "call allows up to 150.00, ties=\"fund-whole\").");
    free(text);
    tc_end(&t);

    /* the lottery with seed "alpha": D, C, B (test_tie_policy_lottery) */
    tc_tie_call(&t, "<funding-line ties=\"lottery\" seed=\"alpha\"/>");
    tc_rank(&t);
    text = report_of(&t, "B");
    expect_said(text, "Funding line: reserve, drawn by lottery but the request does not fit");
    expect_said(text, "B shares rank 2= with 2 other proposals; together they cannot be funded "
                      "whole (USD 750.00 > 600.00 left). The call settles a tie at the line by "
                      "lottery (ties=\"lottery\"), seed 'alpha': the draw order was D, C, B; D, "
                      "C were funded, B did not fit. B: request USD 300.00 against 150.00 "
                      "remaining. After the draw the walk stops.");
    free(text);
    text = report_of(&t, NULL);
    expect_said(text, "A tie at the line was settled by lottery (ties=\"lottery\" in the call); "
                      "the draw order: D, C, B. The seed: 'alpha'.");
    free(text);
    tc_end(&t);
}

/* A call's <funding-line> that merit refuses as it loads. */
static void test_funding_line_refused(void **state)
{
    (void)state;
    static const struct {
        const char *xml, *message;
    } cases[] = {
        {"<funding-line ties=\"fund-whole\"/>", "gives no overspend="},
        {"<funding-line ties=\"stop\" overspend=\"1\"/>", "overspend= is for"},
        {"<funding-line ties=\"lottery\"/>", "gives no seed="},
        {"<funding-line seed=\"x\"/>", "seed= is for"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct tcall t;
        tc_tie_call(&t, cases[k].xml);
        t.ctx = merit_ctx_new();
        assert_int_equal(merit_call_load(t.ctx, t.dir, &t.call), MERIT_EINVALID);
        bool found = false;
        for (size_t i = 0; i < merit_ctx_diag_count(t.ctx); i++)
            found = found || strstr(merit_ctx_diag(t.ctx, i)->message, cases[k].message) != NULL;
        if (!found)
            t_print_diags(t.ctx);
        assert_true(found);
        tc_end(&t);
    }
}

int main(void)
{
    /* every ranking here also runs with GMP's numbers in merit's pool, as in
     * the merit command (test_golden runs the same rankings without it) */
    merit_numbers_use_pool();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mean_weighted_total),
        cmocka_unit_test(test_median_even_count),
        cmocka_unit_test(test_trimmed_mean_boundary),
        cmocka_unit_test(test_confidence_weighted),
        cmocka_unit_test(test_method_override),
        cmocka_unit_test(test_point_one_plus_point_two_ties),
        cmocka_unit_test(test_lower_is_better),
        cmocka_unit_test(test_every_reviewer_conflicted),
        cmocka_unit_test(test_single_reviewer_and_minimum),
        cmocka_unit_test(test_no_score_leaves_criterion_to_others),
        cmocka_unit_test(test_federal_share_exactly_half_passes),
        cmocka_unit_test(test_tiebreak_criterion_then_fact),
        cmocka_unit_test(test_budget_exactly_exhausted),
        cmocka_unit_test(test_walk_stops_or_skips),
        cmocka_unit_test(test_tie_at_the_line),
        cmocka_unit_test(test_tie_that_fits_is_funded_whole),
        cmocka_unit_test(test_tie_policy_stop),
        cmocka_unit_test(test_tie_policy_fund_whole),
        cmocka_unit_test(test_tie_policy_lottery),
        cmocka_unit_test(test_grey_zone_lottery),
        cmocka_unit_test(test_reports_say_the_rule),
        cmocka_unit_test(test_funding_line_refused),
        cmocka_unit_test(test_minimal_proposal_ranks_under_a_plain_rubric),
        cmocka_unit_test(test_declared_facts_in_a_rule_and_a_tiebreak),
        cmocka_unit_test(test_free_sections_in_a_text_rule_and_a_words_rule),
        cmocka_unit_test(test_a_fact_a_proposal_lacks_is_never_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
