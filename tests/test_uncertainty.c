/*
 * Rank intervals by bootstrap (engine/src/uncertainty.c, docs/scoring.md
 * "Rank intervals and the grey zone"): intervals worked out by hand on a
 * call whose resamples cannot reorder it, P(funded) summed over a tie at
 * the line, the same seed giving the same bytes and another seed another
 * draw, intervals narrowing as the reviews per proposal grow (over calls
 * from merit-gen), the library's checks of its options, and a replay round
 * trip with an edited interval record caught.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <jansson.h>

#include "support.h"

#include "internal.h"
#include "merit/merit.h"
#include "merit/model.h"
#include "merit/report.h"
#include "merit/result.h"
#include "run_merit.h"

#define MFG MERIT_SOURCE_DIR "/proposals/mfg-2026"

/* --- a call written by hand ------------------------------------------------ */

/* One criterion "a" (weight 1) on 0..10 by 1, the mean, one review enough;
 * four proposals each asking 100 (federal); reviewer rN gives score
 * scores[p][N-1] to proposal p, 0 meaning no review. */
static char *scores_call(const char *budget, const char *method, const int (*scores)[3], size_t np);

static char *hand_call(const char *budget)
{
    /* P1 9,9,9; P2 5,5,5; P3 6,8; P4 7,7 */
    static const int scores[4][3] = {{9, 9, 9}, {5, 5, 5}, {6, 8, 0}, {7, 7, 0}};
    return scores_call(budget, "mean", scores, 4);
}

/* The same call with np proposals (P1, P2, ...) scored by `scores`, and the
 * rubric's method. */
static char *scores_call(const char *budget, const char *method, const int (*scores)[3], size_t np)
{
    char *dir = t_tempdir();
    t_mkdirs(dir, "proposals");
    t_mkdirs(dir, "reviews");
    char *rubric = t_sprintf(
        "<rubric xmlns=\"urn:merit:1\" id=\"t\" version=\"1\"><title>t</title>"
        "<scale min=\"0\" max=\"10\" step=\"1\"/><criteria><criterion id=\"a\" weight=\"1\">"
        "<name>A</name></criterion></criteria>"
        "<aggregation method=\"%s\" min-reviewers=\"1\"/></rubric>\n",
        method);
    t_write(dir, "rubric.xml", rubric);
    free(rubric);
    char *call = t_sprintf(
        "<call xmlns=\"urn:merit:1\" id=\"HAND\" currency=\"USD\"><title>c</title>"
        "<budget available=\"%s\"/><rubric href=\"rubric.xml\"/><panel>"
        "<reviewer id=\"r1\"><name>R1</name></reviewer><reviewer id=\"r2\"><name>R2</name>"
        "</reviewer><reviewer id=\"r3\"><name>R3</name></reviewer></panel></call>\n",
        budget);
    t_write(dir, "call.xml", call);
    free(call);
    static const char *const ids[] = {"P1", "P2", "P3", "P4", "P5", "P6"};
    assert_true(np <= 6);
    for (size_t p = 0; p < np; p++) {
        char *x = t_sprintf(
            "<proposal xmlns=\"urn:merit:1\" id=\"%s\" call=\"HAND\" months=\"12\"><title>T %s"
            "</title><area>a</area><team><organisation id=\"o0\" lead=\"true\" type=\"sme\" "
            "employees=\"50\" location=\"US-OH\" supply-chain=\"research\"><name>O</name>"
            "</organisation></team><sections><problem>p</problem><approach>a</approach>"
            "<milestones><milestone id=\"m1\" due=\"2027-01-01\"><metric>10 parts</metric>"
            "<description>d</description></milestone><milestone id=\"m2\" due=\"2027-06-01\">"
            "<metric>20 parts</metric><description>d</description></milestone></milestones>"
            "<management>m</management><diffusion>d</diffusion><sme-involvement>s"
            "</sme-involvement></sections><budget><year number=\"1\" federal=\"100\" "
            "cash=\"100\" in-kind=\"0\"/><total federal=\"100\" cash=\"100\" in-kind=\"0\"/>"
            "</budget></proposal>\n",
            ids[p], ids[p]);
        char *name = t_sprintf("proposals/%s.xml", ids[p]);
        t_write(dir, name, x);
        free(name);
        free(x);
    }
    for (int r = 0; r < 3; r++) {
        char body[4096] = "";
        for (size_t p = 0; p < np; p++) {
            if (scores[p][r] == 0)
                continue;
            size_t o = strlen(body);
            snprintf(body + o, sizeof(body) - o,
                     "<review proposal=\"%s\" confidence=\"3\"><score criterion=\"a\" "
                     "value=\"%d\">c</score></review>",
                     ids[p], scores[p][r]);
        }
        if (body[0] == '\0')
            continue; /* a reviewer with nothing to review has no sheet */
        char *x = t_sprintf("<sheet xmlns=\"urn:merit:1\" reviewer=\"r%d\" call=\"HAND\">%s"
                            "</sheet>\n",
                            r + 1, body);
        char *name = t_sprintf("reviews/r%d.xml", r + 1);
        t_write(dir, name, x);
        free(name);
        free(x);
    }
    return dir;
}

struct ranked {
    merit_ctx *ctx;
    merit_call *call;
    merit_result *res;
};

static void rank_dir(struct ranked *r, const char *dir, const merit_rank_options *opt)
{
    r->ctx = merit_ctx_new();
    assert_non_null(r->ctx);
    int rc = merit_call_load(r->ctx, dir, &r->call);
    if (rc != 0)
        t_print_diags(r->ctx);
    assert_int_equal(rc, 0);
    rc = merit_call_rank(r->ctx, r->call, opt, &r->res);
    if (rc != 0)
        t_print_diags(r->ctx);
    assert_int_equal(rc, 0);
}

static void ranked_free(struct ranked *r)
{
    merit_result_free(r->res);
    merit_call_free(r->call);
    merit_ctx_free(r->ctx);
}

static const merit_proposal_result *of(const struct ranked *r, const char *id)
{
    for (size_t i = 0; i < r->call->proposal_count; i++)
        if (strcmp(r->call->proposals[i].id, id) == 0)
            return &r->res->proposals[i];
    fail_msg("no proposal %s", id);
    return NULL;
}

/*
 * The hand call. Whatever a resample draws: P1's three reviews all say 9,
 * so its mean is 9; P2's all say 5, so 5; P3 draws two of {6, 8}, so its
 * mean is 6, 7 or 8 (chances 1/4, 1/2, 1/4); P4 draws two of {7, 7}, so 7.
 * P1 is therefore first in every resample and P2 last: intervals 1-1 and
 * 4-4. P3 and P4 share positions 2 and 3: P3 is above P4 when it draws
 * 8 (1/4) and, when it draws 7 (1/2), when the random tie order puts it
 * first (1/2 of those), so at position 2 in half of the resamples, in
 * expectation. With 1000 resamples, a = floor(1000 * 10 / 200) = 50: the
 * interval is positions sorted[50] to sorted[949], 2-3 unless one side
 * came up fewer than 51 times out of 1000 (a binomial(1000, 1/2) tail
 * below 10^-180; the seed is fixed, so this is a fact of the draw).
 *
 * Budget 350: the strict walk funds P1 (250 left), then the shared rank
 * {P3, P4} whole (50 left), then P2's 100 does not fit: the line is 3,
 * and no interval holds positions on both sides of it (P3, P4: 2-3, high
 * 3 is not above 3). Each resample funds positions 1 to 3: P1, P3 and P4
 * always, P2 never.
 *
 * Budget 250: the strict walk funds P1 (150 left) and stops at the shared
 * rank {P3, P4}, whose 200 does not fit: the line is 1. A resample funds
 * position 1 (P1) and position 2 (P3 or P4: 100 of the 150 left), then
 * stops at position 3: funded_in(P3) + funded_in(P4) = 1000 exactly.
 */
static void test_by_hand(void **state)
{
    (void)state;
    merit_rank_options opt = {.resamples = 1000};
    char *dir = hand_call("350");
    struct ranked r;
    rank_dir(&r, dir, &opt);
    assert_true(r.res->has_intervals);
    assert_int_equal(r.res->resamples, 1000);
    assert_int_equal(r.res->level, 90);
    assert_string_equal(r.res->seed, "HAND"); /* the call's id */
    assert_int_equal(r.res->line, 3);
    assert_int_equal(r.res->grey_count, 0);
    const merit_proposal_result *p1 = of(&r, "P1"), *p2 = of(&r, "P2"), *p3 = of(&r, "P3"),
                                *p4 = of(&r, "P4");
    assert_int_equal(p1->rank_low, 1);
    assert_int_equal(p1->rank_median, 1);
    assert_int_equal(p1->rank_high, 1);
    assert_int_equal(p2->rank_low, 4);
    assert_int_equal(p2->rank_median, 4);
    assert_int_equal(p2->rank_high, 4);
    assert_int_equal(p3->rank_low, 2);
    assert_int_equal(p3->rank_high, 3);
    assert_int_equal(p4->rank_low, 2);
    assert_int_equal(p4->rank_high, 3);
    assert_int_equal(p1->funded_in, 1000);
    assert_int_equal(p3->funded_in, 1000);
    assert_int_equal(p4->funded_in, 1000);
    assert_int_equal(p2->funded_in, 0);
    assert_false(p1->grey_zone || p2->grey_zone || p3->grey_zone || p4->grey_zone);
    ranked_free(&r);
    t_rmtree(dir);
    free(dir);

    dir = hand_call("250");
    rank_dir(&r, dir, &opt);
    assert_int_equal(r.res->line, 1);
    assert_int_equal(of(&r, "P1")->funded_in, 1000);
    assert_int_equal(of(&r, "P3")->funded_in + of(&r, "P4")->funded_in, 1000);
    assert_true(of(&r, "P3")->funded_in > 0 && of(&r, "P4")->funded_in > 0);
    assert_int_equal(of(&r, "P2")->funded_in, 0);
    ranked_free(&r);

    /* level 50: a = floor(1000 * 50 / 200) = 250, still both sides */
    merit_rank_options half = {.resamples = 1000, .level = 50, .seed = "another"};
    rank_dir(&r, dir, &half);
    assert_int_equal(r.res->level, 50);
    assert_string_equal(r.res->seed, "another");
    assert_int_equal(of(&r, "P1")->rank_high, 1);
    assert_int_equal(of(&r, "P3")->rank_low, 2);
    assert_int_equal(of(&r, "P3")->rank_high, 3);
    ranked_free(&r);
    /* no resamples: nothing computed, the fields stay 0 */
    merit_rank_options none = {.resamples = 0};
    rank_dir(&r, dir, &none);
    assert_false(r.res->has_intervals);
    assert_int_equal(of(&r, "P3")->rank_high, 0);
    assert_null(r.res->seed);
    ranked_free(&r);
    t_rmtree(dir);
    free(dir);
}

/* A level or a number of resamples out of range is the caller's error,
 * said on the context; nothing is ranked. */
static void test_options_checked(void **state)
{
    (void)state;
    char *dir = hand_call("350");
    merit_ctx *ctx = merit_ctx_new();
    merit_call *call = NULL;
    assert_int_equal(merit_call_load(ctx, dir, &call), 0);
    merit_result *res = NULL;
    merit_rank_options bad = {.resamples = 10, .level = 100};
    assert_int_equal(merit_call_rank(ctx, call, &bad, &res), MERIT_EINVALID);
    assert_null(res);
    assert_non_null(strstr(merit_ctx_diag(ctx, 0)->message, "level is 100%"));
    bad = (merit_rank_options){.resamples = MERIT_MAX_RESAMPLES + 1};
    assert_int_equal(merit_call_rank(ctx, call, &bad, &res), MERIT_EINVALID);
    merit_call_free(call);
    merit_ctx_free(ctx);
    t_rmtree(dir);
    free(dir);
}

/* Every allocation of a ranking with intervals failing in turn: each
 * failure returns MERIT_ENOMEM and no result (ASan and valgrind see no
 * leak); once none fails, the intervals are those of an unhindered run. */
static void test_allocation_failures(void **state)
{
    (void)state;
    char *dir = hand_call("250");
    merit_ctx *ctx = merit_ctx_new();
    merit_call *call = NULL;
    assert_int_equal(merit_call_load(ctx, dir, &call), 0);
    merit_rank_options opt = {.resamples = 50};
    merit_result *want = NULL;
    assert_int_equal(merit_call_rank(ctx, call, &opt, &want), 0);
    bool done = false;
    for (uint64_t n = 1; n < 100000 && !done; n++) {
        merit_ctx *one = merit_ctx_new();
        assert_non_null(one);
        merit_result *res = NULL;
        merit__alloc_fail_at(n);
        int rc = merit_call_rank(one, call, &opt, &res);
        merit__alloc_fail_at(0);
        if (rc == 0) {
            done = true;
            for (size_t i = 0; i < call->proposal_count; i++) {
                assert_int_equal(res->proposals[i].rank_low, want->proposals[i].rank_low);
                assert_int_equal(res->proposals[i].rank_high, want->proposals[i].rank_high);
                assert_int_equal(res->proposals[i].funded_in, want->proposals[i].funded_in);
            }
        } else {
            assert_int_equal(rc, MERIT_ENOMEM);
            assert_null(res);
        }
        merit_result_free(res);
        merit_ctx_free(one);
    }
    assert_true(done);
    merit_result_free(want);
    merit_call_free(call);
    merit_ctx_free(ctx);
    t_rmtree(dir);
    free(dir);
}

/* --- through the command ---------------------------------------------------- */

static char *rank_json(const char *seed)
{
    const char *out = "rank.json";
    int rc = seed != NULL
                 ? t_run_merit(out, "err", "rank", MFG, "--format", "json", "--seed", seed,
                               (const char *)NULL)
                 : t_run_merit(out, "err", "rank", MFG, "--format", "json", (const char *)NULL);
    assert_int_equal(rc, 0);
    return t_read(out, NULL);
}

/* The same seed gives the same bytes (the seed is the call's id unless
 * given); another seed another draw: P03's P(funded), which the golden
 * stats file shows as 70.1% under the default seed, moves. */
static void test_seeded(void **state)
{
    (void)state;
    char *a = rank_json(NULL), *b = rank_json(NULL), *c = rank_json("MFG-2026-01");
    char *d = rank_json("another seed");
    assert_string_equal(a, b);
    assert_string_equal(a, c);
    assert_true(strcmp(a, d) != 0);
    assert_non_null(strstr(a, "\"seed\": \"MFG-2026-01\""));
    assert_non_null(strstr(d, "\"seed\": \"another seed\""));
    json_t *ja = json_loads(a, 0, NULL), *jd = json_loads(d, 0, NULL);
    assert_non_null(ja);
    assert_non_null(jd);
    json_t *pa = json_object_get(ja, "ranking"), *pd = json_object_get(jd, "ranking");
    bool moved = false;
    for (size_t i = 0; i < json_array_size(pa); i++) {
        json_t *x = json_object_get(json_array_get(pa, i), "interval");
        json_t *y = json_object_get(json_array_get(pd, i), "interval");
        moved =
            moved || !json_equal(json_object_get(x, "funded_in"), json_object_get(y, "funded_in"));
    }
    assert_true(json_array_size(pa) == 12 && moved);
    json_decref(ja);
    json_decref(jd);
    free(a);
    free(b);
    free(c);
    free(d);
    /* --resamples 0: the report as it was before intervals, byte for byte */
    assert_int_equal(
        t_run_merit("plain.txt", "err", "rank", MFG, "--resamples", "0", (const char *)NULL), 0);
    char *plain = t_read("plain.txt", NULL);
    char *golden = t_read(MERIT_SOURCE_DIR "/tests/golden/mfg-2026.txt", NULL);
    assert_string_equal(plain, golden);
    free(plain);
    free(golden);
}

/* The mean width (high - low) of the intervals of a merit-gen call of 40
 * proposals with K reviews each, in hundredths. */
static size_t mean_width(size_t k)
{
    char dir[64], kk[16];
    snprintf(dir, sizeof(dir), "gen%zu", k);
    snprintf(kk, sizeof(kk), "%zu", k);
    const char *gen[] = {"merit-gen", "--proposals", "40", "--reviewers",
                         "30",        "--seed",      "7",  "--reviews-per-proposal",
                         kk,          "-o",          dir,  NULL};
    assert_int_equal(t_run_program(MERIT_GEN_BINARY, NULL, NULL, gen), 0);
    merit_rank_options opt = {.resamples = 300};
    struct ranked r;
    rank_dir(&r, dir, &opt);
    assert_true(r.res->ranked_count >= 10);
    size_t sum = 0;
    for (size_t i = 0; i < r.res->ranked_count; i++) {
        const merit_proposal_result *pr = &r.res->proposals[r.res->order[i]];
        assert_true(pr->rank_low <= pr->rank_median && pr->rank_median <= pr->rank_high);
        sum += pr->rank_high - pr->rank_low;
    }
    size_t mean = sum * 100 / r.res->ranked_count;
    print_message("K=%zu: %zu ranked, mean interval width %zu.%02zu\n", k, r.res->ranked_count,
                  mean / 100, mean % 100);
    ranked_free(&r);
    return mean;
}

/* The property: more reviews per proposal, narrower intervals. Over three
 * pairs of calls (the same proposals and seed, 3 against 9 reviews each),
 * the mean width with 9 is below that with 3 (a bootstrap mean's spread
 * shrinks as 1/sqrt(K)). */
static void test_narrower_with_more_reviews(void **state)
{
    (void)state;
    size_t w3 = mean_width(3), w6 = mean_width(6), w9 = mean_width(9);
    assert_true(w9 < w3);
    assert_true(w6 < w3);
}

/* Resamples x ranked proposals above 2^28 positions: refused before any
 * allocation, with the number of resamples that would fit. A merit-gen
 * call of 1200 proposals ranks several hundred (more than 268, so that a
 * million resamples exceed 2^28). */
static void test_positions_limit(void **state)
{
    (void)state;
    const char *gen[] = {"merit-gen", "--proposals", "1200", "--reviewers",
                         "40",        "-o",          "big",  NULL};
    assert_int_equal(t_run_program(MERIT_GEN_BINARY, NULL, NULL, gen), 0);
    merit_ctx *ctx = merit_ctx_new();
    merit_call *call = NULL;
    assert_int_equal(merit_call_load(ctx, "big", &call), 0);
    merit_result *res = NULL;
    merit_rank_options opt = {.resamples = MERIT_MAX_RESAMPLES};
    assert_int_equal(merit_call_rank(ctx, call, &opt, &res), MERIT_ELIMIT);
    assert_null(res);
    const char *msg = merit_ctx_diag(ctx, 0)->message;
    assert_non_null(strstr(msg, "over 1000000 resamples would hold more than 268435456 "
                                "positions (1024 MiB); ask for fewer resamples (--resamples "));
    merit_call_free(call);
    merit_ctx_free(ctx);
    assert_int_equal(
        t_run_merit("out", "err", "rank", "big", "--resamples", "1000000", (const char *)NULL), 1);
}

/* Sets "key" of the first record of type to the JSON value, every line's
 * seq and prev made right again, as a forger would: src to dst. */
struct planting {
    const char *type, *key, *value;
};

static bool plant_one(json_t *rec, void *data)
{
    struct planting *p = data;
    if (p->type == NULL || strcmp(json_string_value(json_object_get(rec, "type")), p->type) != 0)
        return false;
    json_object_set_new(rec, p->key, json_loads(p->value, JSON_DECODE_ANY, NULL));
    p->type = NULL; /* the first only */
    return true;
}

static void plant(const char *src, const char *dst, const char *type, const char *key,
                  const char *value)
{
    struct planting p = {type, key, value};
    assert_int_equal(t_rechain_trail(src, dst, plant_one, &p), 1);
}

/* A trail with intervals replays identical; one whose interval record was
 * edited (and re-chained) diverges at that step; one whose recorded
 * command asks for another seed than its header records is caught by the
 * command check. */
static void test_replay(void **state)
{
    (void)state;
    assert_int_equal(t_run_merit("out", "err", "rank", MFG, "--audit", "t.jsonl", "--seed", "s1",
                                 "--level", "80", "-o", "r.txt", (const char *)NULL),
                     0);
    assert_int_equal(t_run_merit("out", "err", "replay", "t.jsonl", (const char *)NULL), 0);
    char *trail = t_read("t.jsonl", NULL);
    assert_non_null(strstr(trail, "\"resamples\":1000,\"resamples_from\":\"default\""));
    assert_non_null(strstr(trail, "\"level\":80,\"level_from\":\"command-line\""));
    assert_non_null(strstr(trail, "\"seed\":\"s1\",\"seed_from\":\"command-line\""));
    assert_non_null(strstr(trail, "\"type\":\"interval\",\"proposal\":\"P01\",\"position\":1,"
                                  "\"low\":1,\"median\":1,\"high\":1,\"funded_in\":1000,"));
    assert_non_null(strstr(trail, "\"type\":\"line\",\"line\":6,"));
    free(trail);

    plant("t.jsonl", "edited.jsonl", "interval", "high", "2");
    assert_int_equal(t_run_merit("out", "err", "replay", "edited.jsonl", (const char *)NULL), 4);
    char *err = t_read("err", NULL);
    if (strstr(err, "interval (proposal P01), diverged: recorded high 2, recomputed 1") == NULL)
        fail_msg("%s", err);
    free(err);

    /* the command line and the header must agree: --seed s2 recorded, s1 in
     * the header */
    char *text = t_read("t.jsonl", NULL);
    char *at = strstr(text, "\"--seed\",\"s1\"");
    assert_non_null(at);
    at[11] = '2';
    t_write(".", "cmd.jsonl", text);
    free(text);
    plant("cmd.jsonl", "cmd2.jsonl", "end", "seq", "0"); /* re-chained */
    assert_int_equal(t_run_merit("out", "err", "replay", "cmd2.jsonl", (const char *)NULL), 4);
    err = t_read("err", NULL);
    if (strstr(err, "the recorded command sets the seed 's2', the header records 's1'") == NULL)
        fail_msg("%s", err);
    free(err);
}

/* z-score in the bootstrap: every proposal has one review, so every
 * resample draws the same and each position is fixed, at the z-score
 * ranking's, not the raw scores'. r1 gives P1..P3 2, 3, 4 and r2 gives
 * P4..P6 7, 8, 10 (docs/scoring.md, "z-score"): panel M = 17/3, V = 74/9;
 * r1 m = 3, v = 2/3, factor sqrt(37/3) = 3.51; r2 m = 25/3, v = 14/9,
 * factor sqrt(37/7) = 2.30. Standardised: P1 2.16, P2 5.67, P3 9.18, P4
 * 2.60, P5 4.90, P6 9.50, so the order is P6, P3, P2, P5, P4, P1 (raw: P6,
 * P5, P4, P3, P2, P1). */
static void zscore_positions(void **state)
{
    (void)state;
    static const int scores[6][3] = {{2, 0, 0}, {3, 0, 0}, {4, 0, 0},
                                     {0, 7, 0}, {0, 8, 0}, {0, 10, 0}};
    char *dir = scores_call("1000", "z-score", scores, 6);
    struct ranked r;
    merit_rank_options opt = {.resamples = 50};
    rank_dir(&r, dir, &opt);
    assert_true(r.res->has_intervals);
    static const char *const order[] = {"P6", "P3", "P2", "P5", "P4", "P1"};
    for (size_t k = 0; k < 6; k++) {
        const merit_proposal_result *pr = of(&r, order[k]);
        assert_int_equal(pr->rank, k + 1);
        assert_int_equal(pr->rank_low, k + 1);
        assert_int_equal(pr->rank_median, k + 1);
        assert_int_equal(pr->rank_high, k + 1);
    }
    ranked_free(&r);
    free(dir);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, t_scratch_setup, t_scratch_teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(zscore_positions),
        cmocka_unit_test(test_options_checked),
        cmocka_unit_test(test_allocation_failures),
        T(test_seeded),
        T(test_narrower_with_more_reviews),
        T(test_replay),
        T(test_positions_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
