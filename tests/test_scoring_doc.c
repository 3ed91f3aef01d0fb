/*
 * The worked examples of docs/scoring.md, checked against a real run on the
 * bundled example call, so that the documentation cannot drift from the code.
 * Every expected value here is the one the document derives by hand.
 */
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "merit/model.h"
#include "merit/number.h"
#include "merit/result.h"

static merit_ctx *ctx;
static merit_call *call;
static merit_result *res;

static int setup(void **state)
{
    (void)state;
    ctx = merit_ctx_new();
    if (merit_call_load(ctx, MERIT_SOURCE_DIR "/proposals/mfg-2026", &call) != 0 ||
        merit_call_rank(ctx, call, NULL, &res) != 0) {
        t_print_diags(ctx);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    merit_result_free(res);
    merit_call_free(call);
    merit_ctx_free(ctx);
    return 0;
}

static const merit_proposal_result *proposal(const char *id)
{
    for (size_t i = 0; i < call->proposal_count; i++)
        if (strcmp(call->proposals[i].id, id) == 0)
            return &res->proposals[i];
    fail_msg("no proposal %s", id);
    return NULL;
}

static size_t criterion(const char *id)
{
    for (size_t c = 0; c < call->rubric->criterion_count; c++)
        if (strcmp(call->rubric->criteria[c].id, id) == 0)
            return c;
    fail_msg("no criterion %s", id);
    return 0;
}

static void expect_exact(const mpq_t q, const char *want)
{
    char *s = merit_fraction_string(q);
    if (strcmp(s, want) != 0)
        fail_msg("exact %s, the document says %s", s, want);
    free(s);
}

static void expect_shown(const mpq_t q, const char *want)
{
    char buf[64];
    merit_format_decimal(buf, sizeof(buf), q, 2);
    if (strcmp(buf, want) != 0)
        fail_msg("shown %s, the document says %s", buf, want);
}

static void test_p10_means_total_rounding(void **state)
{
    (void)state;
    const merit_proposal_result *p = proposal("P10");
    assert_int_equal(p->reviews_counted, 4);
    const struct {
        const char *id, *exact, *shown;
    } rows[] = {
        {"problem", "57/8", "7.12"},    {"approach", "55/8", "6.88"},
        {"milestones", "27/4", "6.75"}, {"management", "27/4", "6.75"},
        {"cost", "53/8", "6.62"},       {"sme", "13/2", "6.50"},
        {"diffusion", "27/4", "6.75"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const merit_criterion_result *c = &p->criteria[criterion(rows[i].id)];
        expect_exact(c->value, rows[i].exact);
        expect_shown(c->value, rows[i].shown);
    }
    expect_exact(p->total, "541/8");
    expect_shown(p->total, "67.62");
    /* reviewer totals: r1 83.75, r2 56.5, r3 62, r5 68.25 */
    const char *const totals[][2] = {
        {"r1", "335/4"}, {"r2", "113/2"}, {"r3", "62"}, {"r5", "273/4"}};
    size_t found = 0;
    for (size_t r = 0; r < call->review_count; r++) {
        const merit_review *rv = &call->reviews[r];
        if (strcmp(call->proposals[rv->proposal].id, "P10") != 0)
            continue;
        for (size_t k = 0; k < 4; k++)
            if (strcmp(call->reviewers[rv->reviewer].id, totals[k][0]) == 0) {
                expect_exact(res->reviews[r].total, totals[k][1]);
                found++;
            }
    }
    assert_int_equal(found, 4);
    expect_exact(p->spread, "109/4");
    assert_true(p->disagreement);
}

static void test_p02_p04_shared_rank(void **state)
{
    (void)state;
    const merit_proposal_result *a = proposal("P02"), *b = proposal("P04");
    expect_exact(a->total, "319/4");
    expect_exact(b->total, "319/4");
    expect_exact(a->criteria[criterion("approach")].value, "17/2");
    expect_exact(b->criteria[criterion("diffusion")].value, "8");
    expect_exact(a->facts[MERIT_FACT_SME_SHARE], "2/5");
    expect_exact(b->facts[MERIT_FACT_SME_SHARE], "2/5");
    assert_int_equal(a->rank, 2);
    assert_int_equal(b->rank, 2);
    assert_true(a->rank_shared && b->rank_shared);
    assert_int_equal(proposal("P05")->rank, 4);
}

static void test_p06_ineligible(void **state)
{
    (void)state;
    const merit_proposal_result *p = proposal("P06");
    expect_exact(p->facts[MERIT_FACT_FEDERAL_SHARE], "14/25");
    assert_int_equal(p->status, MERIT_STATUS_INELIGIBLE);
    expect_exact(p->total, "248/3");
    expect_shown(p->total, "82.67");
}

static void test_p07_p09_p03(void **state)
{
    (void)state;
    const merit_proposal_result *p7 = proposal("P07");
    expect_exact(p7->criteria[criterion("approach")].value, "37/8");
    expect_exact(p7->total, "127/2");
    assert_int_equal(p7->status, MERIT_STATUS_BELOW_THRESHOLD);
    assert_false(p7->total_below_threshold);
    const merit_proposal_result *p9 = proposal("P09");
    assert_int_equal(p9->reviews_counted, 2);
    assert_int_equal(p9->status, MERIT_STATUS_INSUFFICIENT_REVIEWS);
    const merit_proposal_result *p3 = proposal("P03");
    assert_int_equal(p3->reviews_counted, 3);
    assert_int_equal(p3->reviews_excluded, 1);
    expect_exact(p3->total, "841/12");
    expect_shown(p3->total, "70.08");
}

static void test_funding_line(void **state)
{
    (void)state;
    const struct {
        const char *id;
        int64_t request, remaining;
        merit_walk_action action;
    } steps[] = {
        {"P01", 185000000, 900000000, MERIT_WALK_FUNDED},
        {"P02", 210000000, 715000000, MERIT_WALK_FUNDED},
        {"P04", 120000000, 505000000, MERIT_WALK_FUNDED},
        {"P05", 145000000, 385000000, MERIT_WALK_FUNDED},
        {"P08", 98000000, 240000000, MERIT_WALK_FUNDED},
        {"P03", 130000000, 142000000, MERIT_WALK_FUNDED},
        {"P10", 110000000, 12000000, MERIT_WALK_DOES_NOT_FIT},
        {"P12", 165000000, 12000000, MERIT_WALK_AFTER_LINE},
    };
    assert_int_equal(res->walk_count, sizeof(steps) / sizeof(steps[0]));
    for (size_t i = 0; i < res->walk_count; i++) {
        const merit_walk_step *s = &res->walk[i];
        assert_string_equal(call->proposals[res->proposals[s->result].proposal].id, steps[i].id);
        assert_int_equal(s->request, steps[i].request);
        assert_int_equal(s->remaining, steps[i].remaining);
        assert_int_equal(s->action, steps[i].action);
    }
    assert_int_equal(res->funded_count, 6);
    assert_int_equal(res->awarded, 888000000);
    assert_int_equal(res->remaining, 12000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_p10_means_total_rounding),
        cmocka_unit_test(test_p02_p04_shared_rank),
        cmocka_unit_test(test_p06_ineligible),
        cmocka_unit_test(test_p07_p09_p03),
        cmocka_unit_test(test_funding_line),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
