/*
 * Rank intervals by bootstrap and the grey zone: see uncertainty.h and
 * docs/scoring.md, "Rank intervals and the grey zone".
 *
 * Each resample redraws, with replacement, the counted reviews of every
 * ranked proposal, aggregates each criterion again with the call's method,
 * totals, ranks the ranked proposals by the ranking's own comparison
 * (total, then the rubric's tie-breaks) with a random order from the same
 * stream for what still ties, and walks the budget down that order. Nothing
 * is rounded: every aggregate is an exact fraction a/d of step counts.
 *
 * Cost. The ranking is done B times, so the numbers are kept cheap and
 * exact: an aggregate in steps is a fraction of two int64 (a sum of step
 * counts over a count, a median's two middle steps over 2, ...), and since
 * total = scale_min * sum(w) + scale_step * sum(w_c * agg_c) with step and
 * weights positive, two totals compare as the sums S = sum(W_c * agg_c),
 * W_c the weights times their common denominator, held as one int64
 * fraction and compared by 128-bit cross-multiplication. Whatever does not
 * fit in 64 bits (checked at every step) is held as a GMP rational instead
 * and compared as one: exact either way. Buffers are allocated once; a
 * resample allocates nothing.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "facts.h"
#include "internal.h"
#include "prng.h"
#include "uncertainty.h"

#define BOOTSTRAP_PURPOSE "merit bootstrap 1"

/* GCC and Clang on every 64-bit target merit builds for */
__extension__ typedef __int128 wide;

/* An exact rational a/d (d > 0) in 64 bits, or, when `big`, the GMP
 * rational beside it. */
struct frac {
    int64_t a, d;
    bool big;
};

struct boot {
    const merit_call *call;
    const merit_rubric *rb;
    merit_result *res;
    size_t n, ncrit;
    size_t *revs; /* counted reviews of ranked proposal k: revs[off[k]..off[k+1]) */
    size_t *off;
    struct frac *real; /* n * ncrit: the real aggregates, in steps */
    mpq_t *real_q;
    struct frac *agg; /* n * ncrit: this resample's */
    mpq_t *agg_q;
    struct frac *key; /* n: this resample's S */
    mpq_t *key_q;
    int64_t *w; /* the weights times their common denominator, unless w_big */
    bool w_big;
    mpq_t *wq;           /* the same as rationals (w_big: the weights themselves) */
    uint32_t *fact_rank; /* n * tiebreak_count: the fact's dense rank, ascending */
    size_t *tie;         /* n: this resample's random order of ties */
    uint32_t *idx, *tmp; /* n: the order being sorted, and the merge buffer */
    uint32_t *pos;       /* n * B: positions, proposal-major */
    int32_t *steps;      /* the largest review count: one criterion's drawn scores */
    uint8_t *conf;
    size_t *drawn;
    mpq_t qa, qb, qt;
    mpq_t *fv; /* while ranking facts: n values */
    size_t fact_t;
};

static void z_set_i64(mpz_t z, int64_t v)
{
#if LONG_MAX >= INT64_MAX
    mpz_set_si(z, (long)v);
#else
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    mpz_set_ui(z, (unsigned long)(u >> 32));
    mpz_mul_2exp(z, z, 32);
    mpz_add_ui(z, z, (unsigned long)(u & 0xffffffffu));
    if (v < 0)
        mpz_neg(z, z);
#endif
}

static void q_set_frac(mpq_t q, const struct frac *f, const mpq_t big)
{
    if (f->big) {
        mpq_set(q, big);
        return;
    }
    z_set_i64(mpq_numref(q), f->a);
    z_set_i64(mpq_denref(q), f->d);
    mpq_canonicalize(q);
}

/* f = q when both parts fit in 62 bits (so that sums of a few stay far
 * from overflow checks' edge), else f->big and big = q. */
static void frac_from_q(struct frac *f, mpq_t big, const mpq_t q)
{
#if LONG_MAX >= INT64_MAX
    if (mpz_sizeinbase(mpq_numref(q), 2) <= 62 && mpz_sizeinbase(mpq_denref(q), 2) <= 62) {
        f->a = (int64_t)mpz_get_si(mpq_numref(q));
        f->d = (int64_t)mpz_get_si(mpq_denref(q));
        f->big = false;
        return;
    }
#endif
    f->big = true;
    mpq_set(big, q);
}

static int frac_cmp(struct boot *bt, const struct frac *x, const mpq_t xq, const struct frac *y,
                    const mpq_t yq)
{
    if (!x->big && !y->big) {
        wide l = (wide)x->a * y->d, r = (wide)y->a * x->d;
        return (l > r) - (l < r);
    }
    q_set_frac(bt->qa, x, xq);
    q_set_frac(bt->qb, y, yq);
    int c = mpq_cmp(bt->qa, bt->qb);
    return (c > 0) - (c < 0);
}

/* Ranked proposals k and j of this resample: <0 when k goes above j. Never
 * 0 for k != j: the random tie order decides last. */
static int cmp_resampled(struct boot *bt, uint32_t k, uint32_t j)
{
    const merit_rubric *rb = bt->rb;
    int sign = rb->direction == MERIT_HIGHER_IS_BETTER ? -1 : 1;
    int c = frac_cmp(bt, &bt->key[k], bt->key_q[k], &bt->key[j], bt->key_q[j]);
    if (c != 0)
        return sign * c;
    for (size_t t = 0; t < rb->tiebreak_count; t++) {
        const merit_tiebreak *tb = &rb->tiebreaks[t];
        if (tb->kind == MERIT_TIEBREAK_CRITERION) {
            size_t x = k * bt->ncrit + tb->criterion, y = j * bt->ncrit + tb->criterion;
            c = sign * frac_cmp(bt, &bt->agg[x], bt->agg_q[x], &bt->agg[y], bt->agg_q[y]);
        } else {
            uint32_t a = bt->fact_rank[k * rb->tiebreak_count + t];
            uint32_t b = bt->fact_rank[j * rb->tiebreak_count + t];
            c = (a > b) - (a < b);
            if (tb->prefer_higher)
                c = -c;
        }
        if (c != 0)
            return c;
    }
    return bt->tie[k] < bt->tie[j] ? -1 : bt->tie[k] > bt->tie[j];
}

typedef int (*boot_cmp)(struct boot *bt, uint32_t a, uint32_t b);

/* A stable bottom-up merge sort of idx[n] into order, tmp[n] its buffer. */
static void sort_u32(struct boot *bt, uint32_t *idx, uint32_t *tmp, size_t n, boot_cmp cmp)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, o = lo;
            /* already in order: the common case, since a resample's order is
             * close to the real one */
            if (mid == hi || cmp(bt, idx[mid - 1], idx[mid]) <= 0) {
                memcpy(tmp + lo, idx + lo, (hi - lo) * sizeof(*idx));
                continue;
            }
            while (i < mid && j < hi)
                tmp[o++] = cmp(bt, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
            while (i < mid)
                tmp[o++] = idx[i++];
            while (j < hi)
                tmp[o++] = idx[j++];
        }
        memcpy(idx, tmp, n * sizeof(*idx));
    }
}

static int cmp_fact(struct boot *bt, uint32_t a, uint32_t b)
{
    int c = mpq_cmp(bt->fv[a], bt->fv[b]);
    return (c > 0) - (c < 0);
}

/* fact_rank: per fact tie-break, each ranked proposal's dense rank of the
 * fact's value, ascending (facts do not change under resampling, so they
 * are compared once here). The facts are known: rank.c checked them. */
static int rank_facts(struct boot *bt)
{
    const merit_rubric *rb = bt->rb;
    const merit_result *res = bt->res;
    size_t n = bt->n;
    bool any = false;
    for (size_t t = 0; t < rb->tiebreak_count; t++)
        any = any || rb->tiebreaks[t].kind == MERIT_TIEBREAK_FACT;
    if (!any)
        return 0;
    bt->fv = merit__calloc(n, sizeof(*bt->fv));
    if (bt->fv == NULL)
        return MERIT_ENOMEM;
    for (size_t k = 0; k < n; k++)
        mpq_init(bt->fv[k]);
    for (size_t t = 0; t < rb->tiebreak_count; t++) {
        const merit_tiebreak *tb = &rb->tiebreaks[t];
        if (tb->kind != MERIT_TIEBREAK_FACT)
            continue;
        for (size_t k = 0; k < n; k++) {
            const merit_proposal_result *pr = &res->proposals[res->order[k]];
            merit__fact_value(pr, &bt->call->proposals[pr->proposal], tb->fact, tb->fact_name,
                              tb->section, bt->fv[k]);
            bt->idx[k] = (uint32_t)k;
        }
        sort_u32(bt, bt->idx, bt->tmp, n, cmp_fact);
        uint32_t r = 0;
        for (size_t i = 0; i < n; i++) {
            if (i > 0 && mpq_cmp(bt->fv[bt->idx[i - 1]], bt->fv[bt->idx[i]]) != 0)
                r++;
            bt->fact_rank[bt->idx[i] * rb->tiebreak_count + t] = r;
        }
    }
    for (size_t k = 0; k < n; k++)
        mpq_clear(bt->fv[k]);
    free(bt->fv);
    bt->fv = NULL;
    return 0;
}

/* The weights as integers W_c = w_c * L, L the least common multiple of
 * their denominators, when all fit; else w_big and the rationals. */
static void scale_weights(struct boot *bt)
{
    const merit_rubric *rb = bt->rb;
    mpz_t l;
    mpz_init_set_ui(l, 1);
    for (size_t c = 0; c < bt->ncrit; c++)
        mpz_lcm(l, l, mpq_denref(rb->criteria[c].weight));
    bt->w_big = false;
    for (size_t c = 0; c < bt->ncrit; c++) {
        mpq_set_z(bt->qt, l);
        mpq_mul(bt->wq[c], bt->qt, rb->criteria[c].weight); /* an integer */
        struct frac f;
        frac_from_q(&f, bt->qt, bt->wq[c]);
        if (f.big || mpz_sizeinbase(mpq_numref(bt->wq[c]), 2) > 31)
            bt->w_big = true;
        else
            bt->w[c] = f.a;
    }
    if (bt->w_big)
        for (size_t c = 0; c < bt->ncrit; c++)
            mpq_set(bt->wq[c], rb->criteria[c].weight);
    mpz_clear(l);
}

/* S = sum W_c * agg_c of ranked proposal k, into key[k]. */
static void total_key(struct boot *bt, size_t k)
{
    struct frac *s = &bt->key[k];
    const struct frac *ag = &bt->agg[k * bt->ncrit];
    int64_t num = 0, den = 1;
    bool big = bt->w_big;
    for (size_t c = 0; c < bt->ncrit && !big; c++) {
        int64_t term, scaled;
        if (ag[c].big) {
            big = true;
        } else if (ag[c].d == den) {
            big = __builtin_mul_overflow(bt->w[c], ag[c].a, &term) ||
                  __builtin_add_overflow(num, term, &num);
        } else {
            big = __builtin_mul_overflow(num, ag[c].d, &num) ||
                  __builtin_mul_overflow(bt->w[c], ag[c].a, &term) ||
                  __builtin_mul_overflow(term, den, &scaled) ||
                  __builtin_add_overflow(num, scaled, &num) ||
                  __builtin_mul_overflow(den, ag[c].d, &den);
        }
    }
    if (!big) {
        s->a = num;
        s->d = den;
        s->big = false;
        return;
    }
    s->big = true;
    mpq_set_ui(bt->key_q[k], 0, 1);
    for (size_t c = 0; c < bt->ncrit; c++) {
        q_set_frac(bt->qa, &ag[c], bt->agg_q[k * bt->ncrit + c]);
        mpq_mul(bt->qa, bt->qa, bt->wq[c]);
        mpq_add(bt->key_q[k], bt->key_q[k], bt->qa);
    }
}

static int compare_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* One criterion's aggregate in steps over the n scores of this resample,
 * exactly as merit__aggregate_steps computes it, into *f (or its rational
 * q). The step counts are int32 and n at most the review count, so every
 * sum fits in int64. */
static void aggregate(struct boot *bt, int32_t *steps, const uint8_t *conf, size_t n,
                      struct frac *f, mpq_t q)
{
    int64_t sum = 0, den = (int64_t)n;
    f->big = false;
    switch (bt->res->method) {
    case MERIT_METHOD_MEAN:
        for (size_t i = 0; i < n; i++)
            sum += steps[i];
        break;
    case MERIT_METHOD_TRIMMED_MEAN: {
        int32_t lo = steps[0], hi = steps[0];
        for (size_t i = 0; i < n; i++) {
            sum += steps[i];
            lo = steps[i] < lo ? steps[i] : lo;
            hi = steps[i] > hi ? steps[i] : hi;
        }
        if (n >= bt->rb->trim_from && n >= 3) {
            sum -= (int64_t)lo + hi; /* one lowest and one highest dropped */
            den = (int64_t)n - 2;
        }
        break;
    }
    case MERIT_METHOD_MEDIAN:
        if (n > 1)
            qsort(steps, n, sizeof(*steps), compare_i32);
        if (n % 2 == 1) {
            sum = steps[n / 2];
            den = 1;
        } else {
            sum = (int64_t)steps[n / 2 - 1] + steps[n / 2];
            den = 2;
        }
        break;
    case MERIT_METHOD_CONFIDENCE_WEIGHTED:
        den = 0;
        for (size_t i = 0; i < n; i++) {
            sum += (int64_t)steps[i] * conf[i];
            den += conf[i];
        }
        break;
    default: {
        /* any other method without an integer form above (z-score has its
         * own, z_aggregate) is aggregated here by merit__aggregate_steps,
         * exactly, and held as a rational when it does not fit in 64 bits */
        size_t trimmed;
        mpq_set_ui(bt->qt, 0, 1);
        merit__aggregate_steps(bt->res->method, steps, conf, n, bt->rb->trim_from, bt->qb, &trimmed,
                               bt->qt);
        frac_from_q(f, q, bt->qb);
        return;
    }
    }
    f->a = sum;
    f->d = den;
}

/* z-score: the mean of the m drawn reviews' standardised values on
 * criterion c (zscore.c standardised them once, over the whole call; a
 * resample draws reviews, not reviewers' habits), in steps: (mean - min) /
 * step. False when none of them scored c. */
static bool z_aggregate(struct boot *bt, size_t m, size_t c, struct frac *f, mpq_t q)
{
    const merit_rubric *rb = bt->rb;
    size_t cnt = 0;
    mpq_set_ui(bt->qb, 0, 1);
    for (size_t i = 0; i < m; i++) {
        size_t r = bt->drawn[i];
        if (bt->call->reviews[r].steps[c] == MERIT_NO_SCORE)
            continue;
        merit__method_value(bt->res, r, c, bt->qa);
        mpq_add(bt->qb, bt->qb, bt->qa);
        cnt++;
    }
    if (cnt == 0)
        return false;
    mpz_mul_ui(mpq_denref(bt->qb), mpq_denref(bt->qb), (unsigned long)cnt);
    mpq_canonicalize(bt->qb);
    mpq_sub(bt->qb, bt->qb, rb->scale_min);
    mpq_div(bt->qb, bt->qb, rb->scale_step);
    frac_from_q(f, q, bt->qb);
    return true;
}

/* Resample b: draws, aggregates, keys, the random tie order, the sort, the
 * positions and the walk. */
static void resample(struct boot *bt, merit__prng *g, size_t b, size_t B, size_t *funded)
{
    const merit_call *call = bt->call;
    const merit_result *res = bt->res;
    size_t n = bt->n, nc = bt->ncrit;
    for (size_t k = 0; k < n; k++) {
        size_t m = bt->off[k + 1] - bt->off[k];
        for (size_t i = 0; i < m; i++)
            bt->drawn[i] = bt->revs[bt->off[k] + (size_t)merit__prng_below(g, (uint64_t)m)];
        for (size_t c = 0; c < nc; c++) {
            size_t x = k * nc + c;
            if (res->method == MERIT_METHOD_Z_SCORE) {
                if (!z_aggregate(bt, m, c, &bt->agg[x], bt->agg_q[x])) {
                    bt->agg[x] = bt->real[x]; /* as below: the real value stands */
                    if (bt->real[x].big)
                        mpq_set(bt->agg_q[x], bt->real_q[x]);
                }
                continue;
            }
            size_t cnt = 0;
            for (size_t i = 0; i < m; i++) {
                const merit_review *rv = &call->reviews[bt->drawn[i]];
                if (rv->steps[c] == MERIT_NO_SCORE)
                    continue; /* a no-score stays missing */
                bt->steps[cnt] = rv->steps[c];
                bt->conf[cnt] = rv->confidences[c];
                cnt++;
            }
            if (cnt == 0) {
                /* every drawn review left it unscored: the real value stands */
                bt->agg[x] = bt->real[x];
                if (bt->real[x].big)
                    mpq_set(bt->agg_q[x], bt->real_q[x]);
            } else {
                aggregate(bt, bt->steps, bt->conf, cnt, &bt->agg[x], bt->agg_q[x]);
            }
        }
        total_key(bt, k);
    }
    for (size_t k = 0; k < n; k++)
        bt->tie[k] = k;
    merit__prng_shuffle(g, bt->tie, n);
    for (size_t k = 0; k < n; k++)
        bt->idx[k] = (uint32_t)k;
    sort_u32(bt, bt->idx, bt->tmp, n, cmp_resampled);
    int64_t remaining = call->budget;
    bool stopped = false;
    for (size_t p = 0; p < n; p++) {
        uint32_t k = bt->idx[p];
        bt->pos[(size_t)k * B + b] = (uint32_t)(p + 1);
        if (stopped)
            continue;
        int64_t request = call->proposals[res->proposals[res->order[k]].proposal].request;
        if (request <= remaining) {
            remaining -= request;
            funded[k]++;
        } else if (!merit__walks_on(call)) {
            stopped = true;
        }
    }
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void boot_release(struct boot *bt)
{
    size_t cells = bt->n * bt->ncrit;
    if (bt->real_q != NULL)
        for (size_t i = 0; i < cells; i++)
            mpq_clears(bt->real_q[i], bt->agg_q[i], NULL);
    if (bt->key_q != NULL)
        for (size_t k = 0; k < bt->n; k++)
            mpq_clear(bt->key_q[k]);
    if (bt->wq != NULL)
        for (size_t c = 0; c < bt->ncrit; c++)
            mpq_clear(bt->wq[c]);
    free(bt->revs);
    free(bt->off);
    free(bt->real);
    free(bt->real_q);
    free(bt->agg);
    free(bt->agg_q);
    free(bt->key);
    free(bt->key_q);
    free(bt->w);
    free(bt->wq);
    free(bt->fact_rank);
    free(bt->tie);
    free(bt->idx);
    free(bt->tmp);
    free(bt->pos);
    free(bt->steps);
    free(bt->conf);
    free(bt->drawn);
    mpq_clears(bt->qa, bt->qb, bt->qt, NULL);
}

int merit__bootstrap(merit_ctx *ctx, merit_result *res, const merit_rank_options *opt)
{
    if (opt == NULL || opt->resamples == 0)
        return 0;
    const merit_call *call = res->call;
    const merit_rubric *rb = call->rubric;
    unsigned level = opt->level == 0 ? MERIT_DEFAULT_LEVEL : opt->level;
    if (level < 50 || level > 99)
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, NULL, 0, 0,
                           "the rank intervals' level is %u%%; it must be from 50 to 99", level);
    if (opt->resamples > MERIT_MAX_RESAMPLES)
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, NULL, 0, 0,
                           "%zu resamples asked; at most %u", opt->resamples, MERIT_MAX_RESAMPLES);
    size_t B = opt->resamples, n = res->ranked_count, nc = rb->criterion_count;
    res->resamples = B;
    res->level = level;
    res->seed = merit__strdup(opt->seed != NULL ? opt->seed : call->id);
    if (res->seed == NULL)
        return merit__oom(ctx);
    res->line = merit__funding_line(res);
    if (n == 0)
        return 0;
    /* B x n positions are held: refuse, saying why, rather than run out of
     * memory on a large call at the command's default */
    if (n >= UINT32_MAX || n > MERIT_MAX_POSITIONS / B)
        return merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_LIMIT, NULL, 0, 0,
                           "rank intervals of %zu ranked proposals over %zu resamples would hold "
                           "more than %llu positions (%llu MiB); ask for fewer resamples "
                           "(--resamples %llu at most) or none (--resamples 0)",
                           n, B, (unsigned long long)MERIT_MAX_POSITIONS,
                           (unsigned long long)(MERIT_MAX_POSITIONS * 4 >> 20),
                           (unsigned long long)(MERIT_MAX_POSITIONS / n));

    struct boot bt;
    memset(&bt, 0, sizeof(bt));
    bt.call = call;
    bt.rb = rb;
    bt.res = res;
    bt.n = n;
    bt.ncrit = nc;
    mpq_inits(bt.qa, bt.qb, bt.qt, NULL);
    size_t *funded = NULL;
    int rc = 0;

    /* each ranked proposal's counted reviews, in the call's order; the
     * reviews of a proposal are contiguous (rank.c relies on it too) */
    size_t *first = merit__calloc(call->proposal_count + 1, sizeof(*first));
    bt.revs = merit__calloc(call->review_count + 1, sizeof(*bt.revs));
    bt.off = merit__calloc(n + 1, sizeof(*bt.off));
    if (first == NULL || bt.revs == NULL || bt.off == NULL) {
        free(first);
        rc = MERIT_ENOMEM;
        goto done;
    }
    for (size_t r = 0; r < call->review_count; r++)
        first[call->reviews[r].proposal + 1]++;
    for (size_t i = 0; i < call->proposal_count; i++)
        first[i + 1] += first[i];
    size_t used = 0, most = 1;
    for (size_t k = 0; k < n; k++) {
        size_t p = res->proposals[res->order[k]].proposal;
        bt.off[k] = used;
        for (size_t r = first[p]; r < first[p + 1]; r++)
            if (res->reviews[r].counted)
                bt.revs[used++] = r;
        most = used - bt.off[k] > most ? used - bt.off[k] : most;
    }
    bt.off[n] = used;
    free(first);

    size_t cells = n * nc;
    bt.real = merit__calloc(cells, sizeof(*bt.real));
    bt.agg = merit__calloc(cells, sizeof(*bt.agg));
    bt.real_q = merit__calloc(cells, sizeof(*bt.real_q));
    bt.agg_q = merit__calloc(cells, sizeof(*bt.agg_q));
    bt.key = merit__calloc(n, sizeof(*bt.key));
    bt.key_q = merit__calloc(n, sizeof(*bt.key_q));
    bt.w = merit__calloc(nc, sizeof(*bt.w));
    bt.wq = merit__calloc(nc, sizeof(*bt.wq));
    bt.fact_rank = merit__calloc(n * (rb->tiebreak_count + 1), sizeof(*bt.fact_rank));
    bt.tie = merit__calloc(n, sizeof(*bt.tie));
    bt.idx = merit__calloc(n, sizeof(*bt.idx));
    bt.tmp = merit__calloc(n, sizeof(*bt.tmp));
    bt.pos = merit__malloc(n * B * sizeof(*bt.pos));
    bt.steps = merit__calloc(most, sizeof(*bt.steps));
    bt.conf = merit__calloc(most, sizeof(*bt.conf));
    bt.drawn = merit__calloc(most, sizeof(*bt.drawn));
    funded = merit__calloc(n, sizeof(*funded));
    if (bt.real == NULL || bt.agg == NULL || bt.real_q == NULL || bt.agg_q == NULL ||
        bt.key == NULL || bt.key_q == NULL || bt.w == NULL || bt.wq == NULL ||
        bt.fact_rank == NULL || bt.tie == NULL || bt.idx == NULL || bt.tmp == NULL ||
        bt.pos == NULL || bt.steps == NULL || bt.conf == NULL || bt.drawn == NULL ||
        funded == NULL) {
        /* the rationals are not initialised yet: free without clearing */
        free(bt.real_q);
        free(bt.key_q);
        free(bt.wq);
        bt.real_q = bt.key_q = bt.wq = NULL;
        rc = MERIT_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < cells; i++)
        mpq_inits(bt.real_q[i], bt.agg_q[i], NULL);
    for (size_t k = 0; k < n; k++)
        mpq_init(bt.key_q[k]);
    for (size_t c = 0; c < nc; c++)
        mpq_init(bt.wq[c]);
    scale_weights(&bt);

    /* the real aggregates in steps: (value - min) / step, kept for a
     * criterion a resample leaves without a score */
    for (size_t k = 0; k < n; k++) {
        const merit_proposal_result *pr = &res->proposals[res->order[k]];
        for (size_t c = 0; c < nc; c++) {
            mpq_sub(bt.qt, pr->criteria[c].value, rb->scale_min);
            mpq_div(bt.qt, bt.qt, rb->scale_step);
            frac_from_q(&bt.real[k * nc + c], bt.real_q[k * nc + c], bt.qt);
        }
    }
    rc = rank_facts(&bt);
    if (rc != 0)
        goto done;

    merit__prng g;
    if (merit__prng_seed(&g, BOOTSTRAP_PURPOSE, res->seed, strlen(res->seed)) != 0) {
        rc = MERIT_ENOMEM;
        goto done;
    }
    for (size_t b = 0; b < B; b++)
        resample(&bt, &g, b, B, funded);

    /* the order statistics: integers only */
    size_t a = B * (100 - level) / 200;
    for (size_t k = 0; k < n; k++) {
        uint32_t *s = &bt.pos[k * B];
        qsort(s, B, sizeof(*s), compare_u32);
        merit_proposal_result *pr = &res->proposals[res->order[k]];
        pr->rank_low = s[a];
        pr->rank_high = s[B - 1 - a];
        pr->rank_median = s[(B - 1) / 2];
        pr->funded_in = funded[k];
        pr->grey_zone = pr->rank_low <= res->line && res->line < pr->rank_high;
        res->grey_count += pr->grey_zone;
    }
    res->has_intervals = true;
done:
    boot_release(&bt);
    free(funded);
    return rc == MERIT_ENOMEM ? merit__oom(ctx) : rc;
}
