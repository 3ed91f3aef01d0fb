/*
 * Reviewer calibration (engine/src/calibration.c), hand-computed. A small
 * call is written to a temporary folder, loaded and ranked through the
 * public API, and every number is checked against the arithmetic written
 * out beside it; then the bundled call is checked for invariants that hold
 * whatever its data (the leniency terms of a proposal add up to zero, the
 * counts are the call's, the pair counts are a brute-force count's).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "calibration.h"
#include "feedback.h"
#include "internal.h"
#include "merit/model.h"
#include "merit/number.h"
#include "merit/report.h"
#include "merit/result.h"

static void assert_exact_(const mpq_t q, const char *want, const char *what, int line)
{
    char *s = merit_fraction_string(q);
    if (strcmp(s, want) != 0)
        fail_msg("line %d: %s is %s, expected %s", line, what, s, want);
    free(s);
}
#define assert_exact(q, want) assert_exact_(q, want, #q, __LINE__)

struct loaded {
    char *dir;
    merit_ctx *ctx;
    merit_call *call;
    merit_result *res;
    merit__calibration *cal;
};

static void load(struct loaded *l, const char *dir)
{
    l->ctx = merit_ctx_new();
    assert_non_null(l->ctx);
    int rc = merit_call_load(l->ctx, dir, &l->call);
    if (rc == 0)
        rc = merit_call_rank(l->ctx, l->call, NULL, &l->res);
    if (rc != 0)
        t_print_diags(l->ctx);
    assert_int_equal(rc, 0);
    assert_int_equal(merit__calibration_compute(l->ctx, l->res, &l->cal), 0);
}

static void unload(struct loaded *l)
{
    merit__calibration_free(l->cal);
    merit_result_free(l->res);
    merit_call_free(l->call);
    merit_ctx_free(l->ctx);
    if (l->dir != NULL) {
        t_rmtree(l->dir);
        free(l->dir);
    }
}

static const merit__calib_reviewer *reviewer(const struct loaded *l, const char *id)
{
    for (size_t i = 0; i < l->call->reviewer_count; i++)
        if (strcmp(l->call->reviewers[i].id, id) == 0)
            return &l->cal->reviewers[i];
    fail_msg("no reviewer %s", id);
    return NULL;
}

/* --- the small call ------------------------------------------------------- */

static void write_proposal(const char *dir, const char *id)
{
    char *x = t_sprintf("<proposal xmlns=\"urn:merit:1\" id=\"%s\" call=\"C\"><title>t</title>"
                        "<request amount=\"1\"/></proposal>\n",
                        id);
    char *rel = t_sprintf("proposals/%s.xml", id);
    t_write(dir, rel, x);
    free(rel);
    free(x);
}

/* reviews: "P1:8,8 P2:9,-": proposal:a,b with - a no-score */
static void write_sheet(const char *dir, const char *reviewer_id, const char *reviews)
{
    char body[4096] = "";
    char *copy = strdup(reviews);
    assert_non_null(copy);
    for (char *save = NULL, *tok = strtok_r(copy, " ", &save); tok != NULL;
         tok = strtok_r(NULL, " ", &save)) {
        char p[16], a[8], b[8];
        assert_int_equal(sscanf(tok, "%15[^:]:%7[^,],%7s", p, a, b), 3);
        size_t o = strlen(body);
        snprintf(body + o, sizeof(body) - o, "<review proposal=\"%s\" confidence=\"3\">", p);
        const char *ids[2] = {"a", "b"}, *vals[2] = {a, b};
        for (int c = 0; c < 2; c++) {
            o = strlen(body);
            if (strcmp(vals[c], "-") == 0)
                snprintf(body + o, sizeof(body) - o, "<no-score criterion=\"%s\">n/a</no-score>",
                         ids[c]);
            else
                snprintf(body + o, sizeof(body) - o,
                         "<score criterion=\"%s\" value=\"%s\">c</score>", ids[c], vals[c]);
        }
        o = strlen(body);
        snprintf(body + o, sizeof(body) - o, "</review>");
    }
    free(copy);
    char *x = t_sprintf("<sheet xmlns=\"urn:merit:1\" reviewer=\"%s\" call=\"C\">%s</sheet>\n",
                        reviewer_id, body);
    char *rel = t_sprintf("reviews/%s.xml", reviewer_id);
    t_write(dir, rel, x);
    free(rel);
    free(x);
}

/*
 * Scale 0 to 10 in steps of 1; criteria a and b, weight 1 each, so a
 * review's total is a + b, the total ranges over 0..20 and the flag limit
 * is 20 / 10 = 2. Method mean, one review enough.
 *
 *          r1      r2      r3      r4
 *   P1   8,8=16  6,6=12  4,5=9   (10,10: excluded, a conflict)
 *   P2   9,9=18  6,6=12  7,-
 *   P3   6,7=13  6,6=12          3,3=6
 *
 * r2 gives 6 everywhere (all scores equal); r4 has one counted review; r3
 * has one complete review and one with a no-score.
 */
static void small_call(struct loaded *l)
{
    memset(l, 0, sizeof(*l));
    l->dir = t_tempdir();
    t_write(l->dir, "rubric.xml",
            "<rubric xmlns=\"urn:merit:1\" id=\"t\" version=\"1\"><title>t</title>"
            "<scale min=\"0\" max=\"10\" step=\"1\"/><criteria>"
            "<criterion id=\"a\" weight=\"1\"><name>A</name></criterion>"
            "<criterion id=\"b\" weight=\"1\"><name>B</name></criterion></criteria>"
            "<aggregation method=\"mean\" min-reviewers=\"1\"/></rubric>\n");
    char panel[1024] = "";
    for (int i = 1; i <= 4; i++) {
        size_t o = strlen(panel);
        snprintf(panel + o, sizeof(panel) - o, "<reviewer id=\"r%d\"><name>R%d</name></reviewer>",
                 i, i);
    }
    char *x = t_sprintf("<call xmlns=\"urn:merit:1\" id=\"C\" currency=\"USD\"><title>c</title>"
                        "<budget available=\"10\"/><rubric href=\"rubric.xml\"/><panel>%s</panel>"
                        "<conflicts><conflict reviewer=\"r4\" proposal=\"P1\">x</conflict>"
                        "</conflicts></call>\n",
                        panel);
    t_write(l->dir, "call.xml", x);
    free(x);
    write_proposal(l->dir, "P1");
    write_proposal(l->dir, "P2");
    write_proposal(l->dir, "P3");
    write_sheet(l->dir, "r1", "P1:8,8 P2:9,9 P3:6,7");
    write_sheet(l->dir, "r2", "P1:6,6 P2:6,6 P3:6,6");
    write_sheet(l->dir, "r3", "P1:4,5 P2:7,-");
    write_sheet(l->dir, "r4", "P1:10,10 P3:3,3");
    load(l, l->dir);
}

static void test_small_call_counts_totals_spread(void **state)
{
    (void)state;
    struct loaded l;
    small_call(&l);
    /* the panel's totals, for the agreement below (means, excluded r4):
     *   P1: a (8+6+4)/3 = 6,    b (8+6+5)/3 = 19/3,  total 37/3
     *   P2: a (9+6+7)/3 = 22/3, b (9+6)/2 = 15/2,    total 89/6
     *   P3: a (6+6+3)/3 = 5,    b (7+6+3)/3 = 16/3,  total 31/3 */
    assert_exact(l.res->proposals[0].total, "37/3");
    assert_exact(l.res->proposals[1].total, "89/6");
    assert_exact(l.res->proposals[2].total, "31/3");
    assert_exact(l.cal->total_range, "20");
    assert_exact(l.cal->flag_limit, "2");

    const merit__calib_reviewer *r1 = reviewer(&l, "r1");
    assert_int_equal(r1->reviews, 3);
    assert_int_equal(r1->counted, 3);
    assert_int_equal(r1->excluded, 0);
    assert_int_equal(r1->complete, 3);
    assert_int_equal(r1->no_scores, 0);
    assert_true(r1->has_totals);
    /* totals 16, 18, 13: mean 47/3, range 18 - 13 = 5; variance: deviations
     * 1/3, 7/3, -8/3, squares (1 + 49 + 64)/9 = 114/9, over 3: 38/9 */
    assert_exact(r1->mean_total, "47/3");
    assert_exact(r1->min_total, "13");
    assert_exact(r1->max_total, "18");
    assert_exact(r1->range, "5");
    assert_exact(r1->variance, "38/9");

    /* r2: all scores 6, totals 12, 12, 12: range 0, variance 0 */
    const merit__calib_reviewer *r2 = reviewer(&l, "r2");
    assert_int_equal(r2->complete, 3);
    assert_exact(r2->mean_total, "12");
    assert_exact(r2->range, "0");
    assert_exact(r2->variance, "0");

    /* r3: two counted reviews, one complete (P1, 9), one no-score */
    const merit__calib_reviewer *r3 = reviewer(&l, "r3");
    assert_int_equal(r3->reviews, 2);
    assert_int_equal(r3->counted, 2);
    assert_int_equal(r3->complete, 1);
    assert_int_equal(r3->no_scores, 1);
    assert_exact(r3->mean_total, "9");
    assert_exact(r3->range, "0");
    assert_exact(r3->variance, "0");

    /* r4: P1 excluded (conflict), P3 counted: one review, total 6 */
    const merit__calib_reviewer *r4 = reviewer(&l, "r4");
    assert_int_equal(r4->reviews, 2);
    assert_int_equal(r4->counted, 1);
    assert_int_equal(r4->excluded, 1);
    assert_int_equal(r4->complete, 1);
    assert_exact(r4->mean_total, "6");
    assert_exact(r4->range, "0");
    assert_exact(r4->variance, "0");
    unload(&l);
}

static void test_small_call_leniency_and_flag(void **state)
{
    (void)state;
    struct loaded l;
    small_call(&l);
    /* Each term is (n * own - S) / (n - 1), S the sum of the n counted
     * scores on that proposal and criterion (r4's excluded 10s are not
     * among them).
     * a:  P1 8,6,4 (S 18):  r1 (24-18)/2 = 3,   r2 0,     r3 (12-18)/2 = -3
     *     P2 9,6,7 (S 22):  r1 (27-22)/2 = 5/2, r2 -2,    r3 (21-22)/2 = -1/2
     *     P3 6,6,3 (S 15):  r1 3/2,             r2 3/2,   r4 (9-15)/2 = -3
     * b:  P1 8,6,5 (S 19):  r1 5/2,             r2 -1/2,  r3 -2
     *     P2 9,6   (S 15, r3 no-score, n 2): r1 18-15 = 3, r2 -3
     *     P3 7,6,3 (S 16):  r1 5/2,             r2 1,     r4 (9-16)/2 = -7/2
     * total: P1 16,12,9 (T 37): r1 (48-37)/2 = 11/2, r2 -1/2, r3 (27-37)/2 = -5
     *        P2 18,12 (r3 incomplete, T 30): r1 6, r2 -6
     *        P3 13,12,6 (T 31): r1 4, r2 5/2, r4 (18-31)/2 = -13/2 */
    const merit__calib_reviewer *r1 = reviewer(&l, "r1");
    assert_int_equal(r1->criteria[0].compared, 3);
    assert_exact(r1->criteria[0].sum, "7");    /* 3 + 5/2 + 3/2 */
    assert_exact(r1->criteria[0].mean, "7/3"); /* 7 / 3 */
    assert_exact(r1->criteria[1].sum, "8");    /* 5/2 + 3 + 5/2 */
    assert_exact(r1->criteria[1].mean, "8/3");
    assert_int_equal(r1->total.compared, 3);
    assert_exact(r1->total.sum, "31/2"); /* 11/2 + 6 + 4 */
    assert_exact(r1->total.mean, "31/6");
    /* |31/6| > 2, three compared: flagged */
    assert_true(r1->flagged);

    const merit__calib_reviewer *r2 = reviewer(&l, "r2");
    assert_exact(r2->criteria[0].mean, "-1/6"); /* (0 - 2 + 3/2) / 3 */
    assert_exact(r2->criteria[1].mean, "-5/6"); /* (-1/2 - 3 + 1) / 3 */
    assert_exact(r2->total.mean, "-4/3");       /* (-1/2 - 6 + 5/2) / 3 */
    assert_false(r2->flagged);                  /* |-4/3| <= 2 */

    /* r3: the no-score leaves b on P2 out; the incomplete P2 review has no
     * total term. Its total leniency -5 is past the limit, but one review
     * compared is not enough for the flag. */
    const merit__calib_reviewer *r3 = reviewer(&l, "r3");
    assert_int_equal(r3->criteria[0].compared, 2);
    assert_exact(r3->criteria[0].mean, "-7/4"); /* (-3 - 1/2) / 2 */
    assert_int_equal(r3->criteria[1].compared, 1);
    assert_exact(r3->criteria[1].mean, "-2");
    assert_int_equal(r3->total.compared, 1);
    assert_exact(r3->total.mean, "-5");
    assert_false(r3->flagged);

    /* r4, one counted review: -13/2 on the total, not flagged either */
    const merit__calib_reviewer *r4 = reviewer(&l, "r4");
    assert_int_equal(r4->total.compared, 1);
    assert_exact(r4->total.mean, "-13/2");
    assert_exact(r4->criteria[0].mean, "-3");
    assert_exact(r4->criteria[1].mean, "-7/2");
    assert_false(r4->flagged);
    assert_int_equal(l.cal->flagged_count, 1);

    /* the terms of each proposal add up to zero, so the sums do too:
     * 31/2 - 4 - 5 - 13/2 = 0 */
    unload(&l);
}

static void test_small_call_rank_agreement(void **state)
{
    (void)state;
    struct loaded l;
    small_call(&l);
    /* r1: own totals P3 13 < P1 16 < P2 18; panel P3 31/3 < P1 37/3 <
     * P2 89/6: all three pairs concordant, gamma (3 - 0) / 3 = 1 */
    const merit__calib_reviewer *r1 = reviewer(&l, "r1");
    assert_int_equal(r1->agreement_n, 3);
    assert_int_equal(r1->pairs, 3);
    assert_int_equal(r1->concordant, 3);
    assert_int_equal(r1->discordant, 0);
    assert_true(r1->has_agreement);
    assert_exact(r1->agreement, "1");
    /* r2: every total 12, the panel's all differ: three pairs tied in the
     * reviewer's totals only, C + D = 0, no agreement (not 0/0) */
    const merit__calib_reviewer *r2 = reviewer(&l, "r2");
    assert_int_equal(r2->pairs, 3);
    assert_int_equal(r2->tied_reviewer, 3);
    assert_int_equal(r2->concordant + r2->discordant + r2->tied_panel + r2->tied_both, 0);
    assert_false(r2->has_agreement);
    /* r3 and r4: one complete review each, no pair */
    assert_int_equal(reviewer(&l, "r3")->agreement_n, 1);
    assert_int_equal(reviewer(&l, "r3")->pairs, 0);
    assert_false(reviewer(&l, "r3")->has_agreement);
    assert_false(reviewer(&l, "r4")->has_agreement);
    unload(&l);
}

/* A reviewer who reverses the panel, with ties on both sides: */
static void test_discordant_and_tied_pairs(void **state)
{
    (void)state;
    struct loaded l;
    memset(&l, 0, sizeof(l));
    l.dir = t_tempdir();
    t_write(l.dir, "rubric.xml",
            "<rubric xmlns=\"urn:merit:1\" id=\"t\" version=\"1\"><title>t</title>"
            "<scale min=\"0\" max=\"10\" step=\"1\"/><criteria>"
            "<criterion id=\"a\" weight=\"1\"><name>A</name></criterion>"
            "<criterion id=\"b\" weight=\"1\"><name>B</name></criterion></criteria>"
            "<aggregation method=\"mean\" min-reviewers=\"1\"/></rubric>\n");
    t_write(l.dir, "call.xml",
            "<call xmlns=\"urn:merit:1\" id=\"C\" currency=\"USD\"><title>c</title>"
            "<budget available=\"10\"/><rubric href=\"rubric.xml\"/><panel>"
            "<reviewer id=\"r1\"><name>R1</name></reviewer>"
            "<reviewer id=\"r2\"><name>R2</name></reviewer></panel></call>\n");
    for (int i = 1; i <= 4; i++) {
        char id[8];
        snprintf(id, sizeof(id), "P%d", i);
        write_proposal(l.dir, id);
    }
    /* r2 alone sets the panel's order except where r1 adds in:
     *          r1      r2      panel total (mean of the two)
     *   P1   2,2=4   9,9=18  (4+18)/2 = 11
     *   P2   2,2=4   8,8=16  (4+16)/2 = 10
     *   P3   5,5=10  2,2=4   (10+4)/2 = 7
     *   P4   6,6=12  1,1=2   (12+2)/2 = 7
     * r1's pairs: P1-P2 tied in r1 (4 = 4), panel 11 > 10: tied reviewer;
     * P3-P4: r1 10 < 12, panel 7 = 7: tied panel; P1-P3, P1-P4, P2-P3,
     * P2-P4: r1 lower, panel higher: discordant (4). C 0, D 4, gamma -1.
     * r2: 18 > 16 > 4 > 2 against 11 > 10 > 7 = 7: P3-P4 tied panel, the
     * other five concordant; gamma (5 - 0) / 5 = 1. */
    write_sheet(l.dir, "r1", "P1:2,2 P2:2,2 P3:5,5 P4:6,6");
    write_sheet(l.dir, "r2", "P1:9,9 P2:8,8 P3:2,2 P4:1,1");
    load(&l, l.dir);
    const merit__calib_reviewer *r1 = reviewer(&l, "r1");
    assert_int_equal(r1->pairs, 6);
    assert_int_equal(r1->concordant, 0);
    assert_int_equal(r1->discordant, 4);
    assert_int_equal(r1->tied_reviewer, 1);
    assert_int_equal(r1->tied_panel, 1);
    assert_int_equal(r1->tied_both, 0);
    assert_exact(r1->agreement, "-1");
    const merit__calib_reviewer *r2 = reviewer(&l, "r2");
    assert_int_equal(r2->concordant, 5);
    assert_int_equal(r2->tied_panel, 1);
    assert_exact(r2->agreement, "1");
    /* two reviewers: each term is own - other, so leniency on the total is
     * r1 (4-18 + 4-16 + 10-4 + 12-2)/4 = (-14 - 12 + 6 + 10)/4 = -5/2, r2 5/2;
     * the limit is 2: both flagged */
    assert_exact(r1->total.mean, "-5/2");
    assert_exact(r2->total.mean, "5/2");
    assert_true(r1->flagged);
    assert_true(r2->flagged);
    unload(&l);
}

/* --- the bundled call: invariants ------------------------------------------ */

static int sign(int c)
{
    return (c > 0) - (c < 0);
}

static void test_bundled_call_invariants(void **state)
{
    (void)state;
    struct loaded l;
    memset(&l, 0, sizeof(l));
    load(&l, MERIT_SOURCE_DIR "/proposals/mfg-2026");
    const merit_call *call = l.call;
    const merit_result *res = l.res;
    size_t nc = call->rubric->criterion_count;
    assert_int_equal(l.cal->reviewer_count, call->reviewer_count);

    size_t reviews = 0, counted = 0, excluded = 0, compared = 0;
    mpq_t sum, t;
    mpq_inits(sum, t, NULL);
    for (size_t i = 0; i < l.cal->reviewer_count; i++) {
        const merit__calib_reviewer *cr = &l.cal->reviewers[i];
        reviews += cr->reviews;
        counted += cr->counted;
        excluded += cr->excluded;
        compared += cr->total.compared;
        mpq_add(sum, sum, cr->total.sum);
        /* the mean times the count is the sum of the reviewer's totals */
        size_t complete = 0;
        mpq_set_ui(t, 0, 1);
        for (size_t r = 0; r < call->review_count; r++)
            if (call->reviews[r].reviewer == i && res->reviews[r].counted &&
                res->reviews[r].complete) {
                mpq_add(t, t, res->reviews[r].total);
                complete++;
            }
        assert_int_equal(cr->complete, complete);
        if (complete > 0) {
            mpq_t m;
            mpq_init(m);
            mpq_set_ui(m, (unsigned long)complete, 1);
            mpq_mul(m, m, cr->mean_total);
            assert_true(mpq_equal(m, t));
            mpq_clear(m);
            assert_true(mpq_sgn(cr->variance) >= 0);
        }
        /* pair counts: a brute-force count over the same proposals */
        uint64_t c = 0, d = 0, tx = 0, ty = 0, txy = 0, n = 0;
        for (size_t r = 0; r < call->review_count; r++) {
            const merit_review *a = &call->reviews[r];
            if (a->reviewer != i || !res->reviews[r].counted || !res->reviews[r].complete)
                continue;
            n++;
            for (size_t s = r + 1; s < call->review_count; s++) {
                const merit_review *b = &call->reviews[s];
                if (b->reviewer != i || !res->reviews[s].counted || !res->reviews[s].complete)
                    continue;
                int x = sign(mpq_cmp(res->reviews[r].total, res->reviews[s].total));
                int y = sign(
                    mpq_cmp(res->proposals[a->proposal].total, res->proposals[b->proposal].total));
                if (x == 0 && y == 0)
                    txy++;
                else if (x == 0)
                    tx++;
                else if (y == 0)
                    ty++;
                else if (x == y)
                    c++;
                else
                    d++;
            }
        }
        assert_int_equal(cr->agreement_n, n);
        assert_int_equal(cr->pairs, n * (n - 1) / 2);
        assert_int_equal(cr->concordant, c);
        assert_int_equal(cr->discordant, d);
        assert_int_equal(cr->tied_reviewer, tx);
        assert_int_equal(cr->tied_panel, ty);
        assert_int_equal(cr->tied_both, txy);
        assert_int_equal(cr->has_agreement, c + d > 0);
    }
    assert_int_equal(reviews, call->review_count);
    assert_int_equal(excluded, res->reviews_excluded);
    assert_int_equal(counted, call->review_count - res->reviews_excluded);
    /* the total's terms of one proposal add up to zero over its reviewers */
    assert_int_equal(mpq_sgn(sum), 0);
    /* and a criterion's */
    for (size_t c = 0; c < nc; c++) {
        mpq_set_ui(sum, 0, 1);
        for (size_t i = 0; i < l.cal->reviewer_count; i++)
            mpq_add(sum, sum, l.cal->reviewers[i].criteria[c].sum);
        assert_int_equal(mpq_sgn(sum), 0);
    }
    /* every complete counted review of a proposal with two or more of them
     * is compared once */
    size_t want = 0;
    for (size_t r = 0; r < call->review_count;) {
        size_t m = 0, e = r;
        for (; e < call->review_count && call->reviews[e].proposal == call->reviews[r].proposal;
             e++)
            m += res->reviews[e].counted && res->reviews[e].complete;
        want += m >= 2 ? m : 0;
        r = e;
    }
    assert_int_equal(compared, want);
    /* docs/scoring.md, "Reviewer calibration": no one flagged, leniencies on
     * the total from -2.13 (r3) to 2.32 (r1), the limit 100 / 10 = 10 */
    assert_exact(l.cal->flag_limit, "10");
    assert_int_equal(l.cal->flagged_count, 0);
    char *lo = merit_decimal_string(reviewer(&l, "r3")->total.mean, 2);
    char *hi = merit_decimal_string(reviewer(&l, "r1")->total.mean, 2);
    assert_string_equal(lo, "-2.13");
    assert_string_equal(hi, "2.32");
    free(lo);
    free(hi);
    for (size_t i = 0; i < l.cal->reviewer_count; i++) {
        assert_true(mpq_cmp(l.cal->reviewers[i].total.mean, reviewer(&l, "r3")->total.mean) >= 0);
        assert_true(mpq_cmp(l.cal->reviewers[i].total.mean, reviewer(&l, "r1")->total.mean) <= 0);
    }
    mpq_clears(sum, t, NULL);
    unload(&l);
}

/* Each allocation failing in turn gives MERIT_ENOMEM, never a crash or a
 * leak (ASan and valgrind run this too). */
static void test_allocation_failures(void **state)
{
    (void)state;
    struct loaded l;
    small_call(&l);
    merit__calibration_free(l.cal);
    l.cal = NULL;
    for (uint64_t n = 1;; n++) {
        merit__alloc_fail_at(n);
        merit__calibration *cal = NULL;
        int rc = merit__calibration_compute(l.ctx, l.res, &cal);
        merit__alloc_fail_at(0);
        if (rc == 0) {
            assert_non_null(cal);
            merit__calibration_free(cal);
            assert_true(n > 1);
            break;
        }
        assert_int_equal(rc, MERIT_ENOMEM);
        assert_null(cal);
    }
    unload(&l);
}

/* The panel report's agreement paragraph (reports/panel.c) on the small
 * call: alpha (interval) on the totals over the units P1 {16, 12, 9}, P2
 * {18, 12} (r3's review of P2 is incomplete) and P3 {13, 12, 6}, n = 8:
 * D_o = (2(3*481-37^2)/2 + 2(2*468-30^2)/1 + 2(3*349-31^2)/2) / 8
 *     = (74 + 72 + 86) / 8 = 29, D_e = 2(8*1298-98^2) / 56 = 1508/56,
 * alpha = 1 - 29*56/1508 = -8/195 = -0.04; r1 is the one reviewer
 * flagged, 31/6 = 5.17 over 3 totals, above the co-reviewers: more lenient
 * on a higher-is-better scale. */
static void test_panel_agreement_paragraph(void **state)
{
    (void)state;
    struct loaded l;
    small_call(&l);
    merit_report_options opt = {.places = 2};
    char *buf = t_render(merit_report_panel_text, l.res, &opt);
    assert_non_null(
        strstr(buf, "Krippendorff's alpha on the reviewers' totals: -0.04 (interval), "));
    assert_non_null(strstr(buf, "over the 3 proposals with two totals or more"));
    assert_non_null(strstr(buf, "(|leniency| above 2.00 over 2 proposals or more): r1 5.17 over 3 "
                                "(more lenient)."));
    free(buf);
    unload(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_call_counts_totals_spread),
        cmocka_unit_test(test_small_call_leniency_and_flag),
        cmocka_unit_test(test_small_call_rank_agreement),
        cmocka_unit_test(test_discordant_and_tied_pairs),
        cmocka_unit_test(test_bundled_call_invariants),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_panel_agreement_paragraph),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
