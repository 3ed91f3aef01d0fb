/*
 * Properties of scoring that must hold for any call, checked on calls made
 * by a seeded generator:
 *  - the order of input files, and of elements inside them, changes no byte
 *    of any report;
 *  - multiplying every weight and the overall threshold by a positive
 *    constant changes no rank and no status;
 *  - counting every review twice leaves the `mean` and `median` rankings
 *    unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "merit/model.h"
#include "merit/result.h"
#include "report.h"

#define CRITERIA 4
#define PROPOSALS 18
#define REVIEWERS 6

static const char *const criterion_ids[CRITERIA] = {"c1", "c2", "c3", "c4"};
static const char *const weights[CRITERIA] = {"1", "2", "1.5", "0.5"};

/* xorshift64*: a fixed sequence for a fixed seed on every machine */
static uint64_t rng_state;
static uint32_t rnd(uint32_t bound)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ull) >> 33) % bound;
}

struct review {
    int proposal;
    int reviewer;
    int confidence;
    int steps[CRITERIA]; /* half points: score = steps / 2 */
};

struct gen {
    int federal[PROPOSALS]; /* thousands */
    int cash[PROPOSALS];
    int smes[PROPOSALS];
    struct review reviews[PROPOSALS * REVIEWERS];
    int review_count;
    int conflict_reviewer, conflict_proposal; /* a programme-office conflict */
};

static void generate(struct gen *g, uint64_t seed)
{
    rng_state = seed;
    memset(g, 0, sizeof(*g));
    for (int p = 0; p < PROPOSALS; p++) {
        g->federal[p] = 100 + (int)rnd(20) * 50;
        /* one in six breaks the 1:1 cost share */
        g->cash[p] = rnd(6) == 0 ? g->federal[p] / 2 : g->federal[p] + (int)rnd(10) * 20;
        g->smes[p] = (int)rnd(3);
    }
    for (int p = 0; p < PROPOSALS; p++) {
        /* one in four proposals is reviewed exactly like the one before it,
         * with the same team mix: the exact ties the ranking must share */
        if (p > 0 && rnd(4) == 0) {
            g->smes[p] = g->smes[p - 1];
            int n = g->review_count;
            for (int i = 0; i < n; i++)
                if (g->reviews[i].proposal == p - 1) {
                    g->reviews[g->review_count] = g->reviews[i];
                    g->reviews[g->review_count++].proposal = p;
                }
            continue;
        }
        int quality = 6 + (int)rnd(10); /* in half points, 3 to 7.5 */
        for (int r = 0; r < REVIEWERS; r++) {
            if (rnd(4) == 0)
                continue; /* not every reviewer reviews every proposal */
            struct review *rv = &g->reviews[g->review_count++];
            rv->proposal = p;
            rv->reviewer = r;
            rv->confidence = 1 + (int)rnd(5);
            for (int c = 0; c < CRITERIA; c++) {
                int s = quality + (int)rnd(9) - 4 + r % 3 - 1; /* reviewer leniency */
                rv->steps[c] = s < 0 ? 0 : s > 20 ? 20 : s;
            }
        }
    }
    g->conflict_reviewer = (int)rnd(REVIEWERS);
    g->conflict_proposal = (int)rnd(PROPOSALS);
}

struct layout {
    bool bundles;      /* one bundle per kind, elements reversed */
    const char *scale; /* multiplier of weights and threshold, as decimal text */
    bool twice;        /* every review again, by a twin reviewer */
    const char *method;
};

static char *scaled(const char *value, const char *factor)
{
    /* value * factor, written as an exact decimal */
    mpq_t a, b;
    mpq_inits(a, b, NULL);
    assert_int_equal(merit_decimal_parse(value, a), 0);
    assert_int_equal(merit_decimal_parse(factor, b), 0);
    mpq_mul(a, a, b);
    char *s = merit_decimal_string(a, 6);
    mpq_clears(a, b, NULL);
    return s;
}

static void append(char **buf, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char **buf, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    *buf = realloc(*buf, *len + (size_t)n + 1);
    assert_non_null(*buf);
    va_start(ap, fmt);
    vsnprintf(*buf + *len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *len += (size_t)n;
}

static char *proposal_xml(const struct gen *g, int p)
{
    char *x = NULL;
    size_t n = 0;
    append(&x, &n,
           "<proposal id=\"P%02d\" call=\"C\" months=\"12\"><title>Proposal %d, with a \"quoted\" "
           "word</title><area>Composites</area><team>",
           p, p);
    for (int o = 0; o < 3; o++)
        append(&x, &n,
               "<organisation id=\"o%d\" lead=\"%s\" type=\"%s\" employees=\"%d\" "
               "location=\"US-MI\" supply-chain=\"end-user\"><name>Org %d-%d</name>"
               "</organisation>",
               o, o == 0 ? "true" : "false", o < g->smes[p] ? "sme" : "academic",
               o < g->smes[p] ? 40 : 900, p, o);
    append(&x, &n,
           "</team><sections><problem>p</problem><approach>a</approach><milestones>"
           "<milestone id=\"m1\" due=\"2027-01-01\"><metric>5 parts</metric><description>d"
           "</description></milestone></milestones><management>m</management><diffusion>d"
           "</diffusion><sme-involvement>s</sme-involvement></sections><budget><year "
           "number=\"1\" federal=\"%d000\" cash=\"%d000\" in-kind=\"0\"/><total "
           "federal=\"%d000\" cash=\"%d000\" in-kind=\"0\"/></budget></proposal>",
           g->federal[p], g->cash[p], g->federal[p], g->cash[p]);
    return x;
}

static void append_review(char **x, size_t *n, const struct review *rv, bool reversed)
{
    append(x, n, "<review proposal=\"P%02d\" confidence=\"%d\">", rv->proposal, rv->confidence);
    for (int k = 0; k < CRITERIA; k++) {
        int c = reversed ? CRITERIA - 1 - k : k;
        append(x, n, "<score criterion=\"%s\" value=\"%d.%d\">ok</score>", criterion_ids[c],
               rv->steps[c] / 2, rv->steps[c] % 2 ? 5 : 0);
    }
    append(x, n, "<comment>fine</comment></review>");
}

/* The sheet of panel member `member` (twins are REVIEWERS + r). */
static char *sheet_xml(const struct gen *g, int member, bool reversed)
{
    int r = member % REVIEWERS;
    char *x = NULL;
    size_t n = 0;
    append(&x, &n, "<sheet reviewer=\"r%d%s\" call=\"C\">", r, member >= REVIEWERS ? "b" : "");
    for (int k = 0; k < g->review_count; k++) {
        int i = reversed ? g->review_count - 1 - k : k;
        if (g->reviews[i].reviewer == r)
            append_review(&x, &n, &g->reviews[i], reversed);
    }
    append(&x, &n, "</sheet>");
    return x;
}

static void write_call(const char *dir, const struct gen *g, const struct layout *L)
{
    int members = L->twice ? 2 * REVIEWERS : REVIEWERS;
    /* rubric */
    char *x = NULL;
    size_t n = 0;
    append(&x, &n,
           "<rubric xmlns=\"urn:merit:1\" id=\"prop\" version=\"1\"><title>t</title>"
           "<scale min=\"0\" max=\"10\" step=\"0.5\"/><criteria>");
    for (int c = 0; c < CRITERIA; c++) {
        char *w = scaled(weights[c], L->scale);
        append(&x, &n, "<criterion id=\"%s\" weight=\"%s\"%s><name>%s</name></criterion>",
               criterion_ids[c], w, c == 1 ? " threshold=\"3.5\"" : "", criterion_ids[c]);
        free(w);
    }
    char *threshold = scaled("22", L->scale);
    append(
        &x, &n,
        "</criteria><overall threshold=\"%s\"/><aggregation method=\"%s\" min-reviewers=\"1\" "
        "disagreement-limit=\"100\"/><tie-break><criterion ref=\"c2\"/><fact ref=\"sme-share\" "
        "prefer=\"higher\"/></tie-break><eligibility><fact-rule id=\"fs\" fact=\"federal-share\" "
        "op=\"le\" value=\"0.5\"><message>half</message></fact-rule></eligibility></rubric>\n",
        threshold, L->method);
    free(threshold);
    t_write(dir, "rubric.xml", x);
    free(x);

    /* call: panel (reversed in the bundle layout) and one conflict per twin */
    x = NULL;
    n = 0;
    append(&x, &n,
           "<call xmlns=\"urn:merit:1\" id=\"C\" currency=\"USD\"><title>c</title>"
           "<budget available=\"2500000\"/><rubric href=\"rubric.xml\"/><panel>");
    for (int k = 0; k < members; k++) {
        int m = L->bundles ? members - 1 - k : k;
        append(&x, &n, "<reviewer id=\"r%d%s\"><name>Reviewer %d</name></reviewer>", m % REVIEWERS,
               m >= REVIEWERS ? "b" : "", m);
    }
    append(&x, &n, "</panel><conflicts>");
    for (int t = 0; t < (L->twice ? 2 : 1); t++)
        append(&x, &n, "<conflict reviewer=\"r%d%s\" proposal=\"P%02d\">office</conflict>",
               g->conflict_reviewer, t ? "b" : "", g->conflict_proposal);
    append(&x, &n, "</conflicts></call>\n");
    t_write(dir, "call.xml", x);
    free(x);

    if (L->bundles) {
        x = NULL;
        n = 0;
        append(&x, &n, "<proposals xmlns=\"urn:merit:1\">");
        for (int p = PROPOSALS - 1; p >= 0; p--) {
            char *px = proposal_xml(g, p);
            append(&x, &n, "%s", px);
            free(px);
        }
        append(&x, &n, "</proposals>\n");
        t_write(dir, "proposals/all.xml", x);
        free(x);
        x = NULL;
        n = 0;
        append(&x, &n, "<sheets xmlns=\"urn:merit:1\">");
        for (int m = members - 1; m >= 0; m--) {
            char *sx = sheet_xml(g, m, true);
            append(&x, &n, "%s", sx);
            free(sx);
        }
        append(&x, &n, "</sheets>\n");
        t_write(dir, "reviews/all.xml", x);
        free(x);
        return;
    }
    for (int p = 0; p < PROPOSALS; p++) {
        char *px = proposal_xml(g, p);
        char *doc = t_replace(px, "<proposal ", "<proposal xmlns=\"urn:merit:1\" ");
        char name[64];
        snprintf(name, sizeof(name), "proposals/P%02d.xml", p);
        t_write(dir, name, doc);
        free(doc);
        free(px);
    }
    for (int m = 0; m < members; m++) {
        char *sx = sheet_xml(g, m, false);
        char *doc = t_replace(sx, "<sheet ", "<sheet xmlns=\"urn:merit:1\" ");
        char name[64];
        snprintf(name, sizeof(name), "reviews/m%02d.xml", m);
        t_write(dir, name, doc);
        free(doc);
        free(sx);
    }
}

struct ranked {
    char *dir;
    merit_ctx *ctx;
    merit_call *call;
    merit_result *res;
};

static void rank_layout(const struct gen *g, const struct layout *L, struct ranked *out)
{
    out->dir = t_tempdir();
    write_call(out->dir, g, L);
    out->ctx = merit_ctx_new();
    int rc = merit_call_load(out->ctx, out->dir, &out->call);
    if (rc == 0)
        rc = merit_call_rank(out->ctx, out->call, NULL, &out->res);
    if (rc != 0)
        t_print_diags(out->ctx);
    assert_int_equal(rc, 0);
}

static void ranked_release(struct ranked *r)
{
    merit_result_free(r->res);
    merit_call_free(r->call);
    merit_ctx_free(r->ctx);
    t_rmtree(r->dir);
    free(r->dir);
}

typedef const char *writer; /* a format of merit_writers */

static char *render(writer w, const merit_result *res, bool detail)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    merit_report_options opt = {.places = 2, .detail = detail};
    assert_int_equal(t_report(w, f, res, &opt), 0);
    fclose(f);
    return buf;
}

static void test_order_changes_no_byte(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        struct gen g;
        generate(&g, seed * 7919);
        struct layout files = {false, "1", false, "mean"}, bundles = {true, "1", false, "mean"};
        struct ranked a, b;
        rank_layout(&g, &files, &a);
        rank_layout(&g, &bundles, &b);
        struct {
            writer w;
            bool detail;
        } outputs[] = {{"text", false}, {"csv", false}, {"csv", true}, {"json", false}};
        for (size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++) {
            char *x = render(outputs[i].w, a.res, outputs[i].detail);
            char *y = render(outputs[i].w, b.res, outputs[i].detail);
            if (strcmp(x, y) != 0)
                fail_msg("seed %llu, output %zu differs between layouts:\n%s\n---\n%s",
                         (unsigned long long)seed, i, x, y);
            free(x);
            free(y);
        }
        ranked_release(&a);
        ranked_release(&b);
    }
}

/* rank and status of every proposal, as text, for comparisons */
static char *standing(const struct ranked *r)
{
    char *x = NULL;
    size_t n = 0;
    for (size_t k = 0; k < r->call->proposal_count; k++) {
        const merit_proposal_result *pr = &r->res->proposals[r->res->order[k]];
        append(&x, &n, "%s rank %zu%s %s\n", r->call->proposals[pr->proposal].id, pr->rank,
               pr->rank_shared ? "=" : "", merit_status_name(pr->status));
    }
    return x;
}

static void test_scaling_weights_changes_no_rank(void **state)
{
    (void)state;
    const char *factors[] = {"3", "0.25", "7.125"};
    for (uint64_t seed = 1; seed <= 4; seed++) {
        struct gen g;
        generate(&g, seed * 104729);
        struct layout base = {false, "1", false, "mean"};
        struct ranked a;
        rank_layout(&g, &base, &a);
        char *want = standing(&a);
        for (size_t f = 0; f < sizeof(factors) / sizeof(factors[0]); f++) {
            struct layout scaled_layout = {false, factors[f], false, "mean"};
            struct ranked b;
            rank_layout(&g, &scaled_layout, &b);
            char *got = standing(&b);
            if (strcmp(want, got) != 0)
                fail_msg("seed %llu, weights x %s:\n%s\n---\n%s", (unsigned long long)seed,
                         factors[f], want, got);
            /* and the totals scale by exactly the factor */
            mpq_t k, expect;
            mpq_inits(k, expect, NULL);
            merit_decimal_parse(factors[f], k);
            for (size_t i = 0; i < a.call->proposal_count; i++) {
                if (!a.res->proposals[i].has_total)
                    continue;
                mpq_mul(expect, a.res->proposals[i].total, k);
                assert_true(mpq_equal(expect, b.res->proposals[i].total));
            }
            mpq_clears(k, expect, NULL);
            free(got);
            ranked_release(&b);
        }
        free(want);
        ranked_release(&a);
    }
}

static void test_counting_reviews_twice(void **state)
{
    (void)state;
    const char *methods[] = {"mean", "median"};
    for (size_t m = 0; m < 2; m++)
        for (uint64_t seed = 1; seed <= 4; seed++) {
            struct gen g;
            generate(&g, seed * 15485863);
            struct layout once = {false, "1", false, methods[m]};
            struct layout twice = {false, "1", true, methods[m]};
            struct ranked a, b;
            rank_layout(&g, &once, &a);
            rank_layout(&g, &twice, &b);
            assert_int_equal(b.call->review_count, 2 * a.call->review_count);
            char *x = standing(&a), *y = standing(&b);
            if (strcmp(x, y) != 0)
                fail_msg("%s, seed %llu, reviews twice:\n%s\n---\n%s", methods[m],
                         (unsigned long long)seed, x, y);
            for (size_t i = 0; i < a.call->proposal_count; i++)
                if (a.res->proposals[i].has_total)
                    assert_true(mpq_equal(a.res->proposals[i].total, b.res->proposals[i].total));
            free(x);
            free(y);
            ranked_release(&a);
            ranked_release(&b);
        }
}

/* The generator must produce what the properties are about: ties, each
 * status, exclusions. A property that holds on a call without ties proves
 * little. */
static void test_generator_covers_the_cases(void **state)
{
    (void)state;
    bool shared = false, statuses[5] = {false};
    size_t excluded = 0;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        struct gen g;
        generate(&g, seed * 7919);
        struct layout files = {false, "1", false, "mean"};
        struct ranked a;
        rank_layout(&g, &files, &a);
        for (size_t i = 0; i < a.call->proposal_count; i++) {
            shared = shared || a.res->proposals[i].rank_shared;
            statuses[a.res->proposals[i].status] = true;
            excluded += a.res->proposals[i].reviews_excluded;
        }
        ranked_release(&a);
    }
    assert_true(shared);
    assert_true(statuses[MERIT_STATUS_FUNDED]);
    assert_true(statuses[MERIT_STATUS_RESERVE]);
    assert_true(statuses[MERIT_STATUS_BELOW_THRESHOLD]);
    assert_true(statuses[MERIT_STATUS_INELIGIBLE]);
    assert_true(excluded > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generator_covers_the_cases),
        cmocka_unit_test(test_order_changes_no_byte),
        cmocka_unit_test(test_scaling_weights_changes_no_rank),
        cmocka_unit_test(test_counting_reviews_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
