/*
 * Reviewer calibration (calibration.h; definitions in docs/scoring.md,
 * "Reviewer calibration").
 *
 * Leniency is computed proposal by proposal: reviews are sorted by
 * (proposal, reviewer), so a proposal's reviews are one run. With n scores
 * s_1..s_n on a criterion (sum S), reviewer i's term is
 *   s_i − (S − s_i) / (n − 1) = (n s_i − S) / (n − 1)
 * which needs only the run's sum: one pass, linear. The terms of one
 * proposal add up to n S − n S = 0 over its reviewers (the tests check it).
 *
 * Rank agreement counts concordant and discordant pairs by Knight's
 * algorithm: sort by (reviewer total, panel total), count ties, then count
 * the inversions of the panel totals with a merge sort: k log k per
 * reviewer, never k².
 */
#include "calibration.h"

#include <stdlib.h>
#include <string.h>

typedef struct pair_item {
    mpq_srcptr x; /* the reviewer's total */
    mpq_srcptr y; /* the panel's total */
} pair_item;

static int cmp_xy(const void *a, const void *b)
{
    const pair_item *p = a, *q = b;
    int c = mpq_cmp(p->x, q->x);
    return c != 0 ? c : mpq_cmp(p->y, q->y);
}

/* Sorts v[0..n) by y, stably, with tmp room for n; returns the number of
 * pairs i < j with v[i].y > v[j].y in the order given. */
static uint64_t merge_count(pair_item *v, pair_item *tmp, size_t n)
{
    if (n < 2)
        return 0;
    size_t h = n / 2;
    uint64_t inv = merge_count(v, tmp, h) + merge_count(v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        if (mpq_cmp(v[j].y, v[i].y) < 0) {
            inv += h - i; /* v[j] is below every one left of the first half */
            tmp[k++] = v[j++];
        } else {
            tmp[k++] = v[i++];
        }
    }
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof(*v));
    return inv;
}

static uint64_t pairs_of(uint64_t t)
{
    return t * (t - 1) / 2;
}

static void agreement(merit__calib_reviewer *cr, pair_item *v, pair_item *tmp, size_t n)
{
    cr->agreement_n = n;
    cr->pairs = pairs_of(n);
    if (n < 2)
        return;
    qsort(v, n, sizeof(*v), cmp_xy);
    uint64_t tx = 0, txy = 0, ty = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && mpq_equal(v[j].x, v[i].x))
            j++;
        tx += pairs_of(j - i);
        for (size_t a = i; a < j;) {
            size_t b = a + 1;
            while (b < j && mpq_equal(v[b].y, v[a].y))
                b++;
            txy += pairs_of(b - a);
            a = b;
        }
        i = j;
    }
    uint64_t d = merge_count(v, tmp, n);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && mpq_equal(v[j].y, v[i].y))
            j++;
        ty += pairs_of(j - i);
        i = j;
    }
    cr->discordant = d;
    cr->tied_both = txy;
    cr->tied_reviewer = tx - txy;
    cr->tied_panel = ty - txy;
    cr->concordant = cr->pairs - tx - ty + txy - d;
    uint64_t cd = cr->concordant + cr->discordant;
    if (cd > 0) {
        cr->has_agreement = true;
        mpz_t num;
        mpz_init(num);
        mpz_set_ui(num, cr->concordant);
        mpz_sub_ui(num, num, cr->discordant);
        mpq_set_num(cr->agreement, num);
        mpz_set_ui(num, cd);
        mpq_set_den(cr->agreement, num);
        mpq_canonicalize(cr->agreement);
        mpz_clear(num);
    }
}

void merit__calibration_free(merit__calibration *cal)
{
    if (cal == NULL)
        return;
    size_t nc = cal->result->call->rubric->criterion_count;
    for (size_t i = 0; i < cal->reviewer_count; i++) {
        merit__calib_reviewer *cr = &cal->reviewers[i];
        mpq_clears(cr->mean_total, cr->min_total, cr->max_total, cr->range, cr->variance,
                   cr->total.sum, cr->total.mean, cr->agreement, NULL);
        if (cr->criteria != NULL)
            for (size_t c = 0; c < nc; c++)
                mpq_clears(cr->criteria[c].sum, cr->criteria[c].mean, NULL);
        free(cr->criteria);
    }
    free(cal->reviewers);
    mpq_clears(cal->total_range, cal->flag_limit, NULL);
    free(cal);
}

/* Adds reviewer's term (n * own - sum) / (n - 1), times scale (or 1), to l. */
static void add_term(merit__leniency *l, mpq_t term, mpq_srcptr own, mpq_srcptr sum, size_t n,
                     mpq_srcptr scale)
{
    mpq_set_ui(term, (unsigned long)n, 1);
    mpq_mul(term, term, own);
    mpq_sub(term, term, sum);
    mpz_mul_ui(mpq_denref(term), mpq_denref(term), (unsigned long)(n - 1));
    mpq_canonicalize(term);
    if (scale != NULL)
        mpq_mul(term, term, scale);
    mpq_add(l->sum, l->sum, term);
    l->compared++;
}

int merit__calibration_compute(merit_ctx *ctx, const merit_result *res, merit__calibration **out)
{
    *out = NULL;
    const merit_call *call = res->call;
    const merit_rubric *rb = call->rubric;
    size_t nc = rb->criterion_count;
    int rc = MERIT_ENOMEM;
    pair_item *items = NULL, *tmp = NULL;
    size_t *start = NULL;
    mpq_t *csum = NULL;
    size_t *ccount = NULL;
    mpq_t t, u;

    merit__calibration *cal = merit__calloc(1, sizeof(*cal));
    if (cal == NULL)
        return merit__oom(ctx);
    cal->result = res;
    mpq_inits(cal->total_range, cal->flag_limit, NULL);
    cal->reviewers = merit__calloc(call->reviewer_count, sizeof(*cal->reviewers));
    if (call->reviewer_count > 0 && cal->reviewers == NULL) {
        mpq_clears(cal->total_range, cal->flag_limit, NULL);
        free(cal);
        return merit__oom(ctx);
    }
    cal->reviewer_count = call->reviewer_count;
    mpq_inits(t, u, NULL);
    for (size_t i = 0; i < cal->reviewer_count; i++) {
        merit__calib_reviewer *cr = &cal->reviewers[i];
        cr->reviewer = i;
        mpq_inits(cr->mean_total, cr->min_total, cr->max_total, cr->range, cr->variance,
                  cr->total.sum, cr->total.mean, cr->agreement, NULL);
    }
    for (size_t i = 0; i < cal->reviewer_count; i++) {
        merit__calib_reviewer *cr = &cal->reviewers[i];
        cr->criteria = merit__calloc(nc > 0 ? nc : 1, sizeof(*cr->criteria));
        if (cr->criteria == NULL)
            goto done;
        for (size_t c = 0; c < nc; c++)
            mpq_inits(cr->criteria[c].sum, cr->criteria[c].mean, NULL);
    }

    /* the flag limit: a tenth of the range the total can take */
    mpq_sub(u, rb->scale_max, rb->scale_min);
    for (size_t c = 0; c < nc; c++) {
        mpq_mul(t, u, rb->criteria[c].weight);
        mpq_add(cal->total_range, cal->total_range, t);
    }
    mpq_set_ui(t, MERIT__CALIB_FLAG_NUM, MERIT__CALIB_FLAG_DEN);
    mpq_mul(cal->flag_limit, cal->total_range, t);

    /* counts, totals; the sum of squares goes in variance until the end */
    for (size_t r = 0; r < call->review_count; r++) {
        const merit_review *rv = &call->reviews[r];
        const merit_review_result *rr = &res->reviews[r];
        merit__calib_reviewer *cr = &cal->reviewers[rv->reviewer];
        cr->reviews++;
        if (!rr->counted) {
            cr->excluded++;
            continue;
        }
        cr->counted++;
        for (size_t c = 0; c < nc; c++)
            cr->no_scores += rv->steps[c] == MERIT_NO_SCORE;
        if (!rr->complete)
            continue;
        if (cr->complete == 0) {
            mpq_set(cr->min_total, rr->total);
            mpq_set(cr->max_total, rr->total);
        } else if (mpq_cmp(rr->total, cr->min_total) < 0) {
            mpq_set(cr->min_total, rr->total);
        } else if (mpq_cmp(rr->total, cr->max_total) > 0) {
            mpq_set(cr->max_total, rr->total);
        }
        cr->complete++;
        mpq_add(cr->mean_total, cr->mean_total, rr->total);
        mpq_mul(t, rr->total, rr->total);
        mpq_add(cr->variance, cr->variance, t);
    }

    /* leniency, one proposal's run of reviews at a time */
    csum = merit__calloc(nc + 1, sizeof(*csum));
    ccount = merit__calloc(nc + 1, sizeof(*ccount));
    if (csum == NULL || ccount == NULL) {
        free(csum);
        csum = NULL;
        goto done;
    }
    for (size_t c = 0; c <= nc; c++)
        mpq_init(csum[c]);
    for (size_t first = 0; first < call->review_count;) {
        size_t last = first + 1;
        while (last < call->review_count &&
               call->reviews[last].proposal == call->reviews[first].proposal)
            last++;
        for (size_t c = 0; c <= nc; c++) {
            mpq_set_ui(csum[c], 0, 1);
            ccount[c] = 0;
        }
        for (size_t r = first; r < last; r++) {
            const merit_review *rv = &call->reviews[r];
            if (!res->reviews[r].counted)
                continue;
            for (size_t c = 0; c < nc; c++) {
                if (rv->steps[c] == MERIT_NO_SCORE)
                    continue;
                mpq_set_si(t, rv->steps[c], 1);
                mpq_add(csum[c], csum[c], t);
                ccount[c]++;
            }
            if (res->reviews[r].complete) {
                mpq_add(csum[nc], csum[nc], res->reviews[r].total);
                ccount[nc]++;
            }
        }
        for (size_t r = first; r < last; r++) {
            const merit_review *rv = &call->reviews[r];
            if (!res->reviews[r].counted)
                continue;
            merit__calib_reviewer *cr = &cal->reviewers[rv->reviewer];
            for (size_t c = 0; c < nc; c++) {
                if (rv->steps[c] == MERIT_NO_SCORE || ccount[c] < 2)
                    continue;
                mpq_set_si(u, rv->steps[c], 1);
                add_term(&cr->criteria[c], t, u, csum[c], ccount[c], rb->scale_step);
            }
            if (res->reviews[r].complete && ccount[nc] >= 2)
                add_term(&cr->total, t, res->reviews[r].total, csum[nc], ccount[nc], NULL);
        }
        first = last;
    }

    /* means, range, variance = Σt²/n − mean², leniency means, the flag */
    for (size_t i = 0; i < cal->reviewer_count; i++) {
        merit__calib_reviewer *cr = &cal->reviewers[i];
        if (cr->complete > 0) {
            cr->has_totals = true;
            mpq_set_ui(u, (unsigned long)cr->complete, 1);
            mpq_div(cr->mean_total, cr->mean_total, u);
            mpq_div(cr->variance, cr->variance, u);
            mpq_mul(t, cr->mean_total, cr->mean_total);
            mpq_sub(cr->variance, cr->variance, t);
            mpq_sub(cr->range, cr->max_total, cr->min_total);
        }
        for (size_t c = 0; c <= nc; c++) {
            merit__leniency *l = c < nc ? &cr->criteria[c] : &cr->total;
            if (l->compared == 0)
                continue;
            mpq_set_ui(u, (unsigned long)l->compared, 1);
            mpq_div(l->mean, l->sum, u);
        }
        mpq_abs(t, cr->total.mean);
        cr->flagged =
            cr->total.compared >= MERIT__CALIB_FLAG_MIN_COMPARED && mpq_cmp(t, cal->flag_limit) > 0;
        cal->flagged_count += cr->flagged;
    }

    /* rank agreement: each reviewer's complete counted reviews of proposals
     * with a panel total, grouped by reviewer with a counting sort */
    start = merit__calloc(cal->reviewer_count + 1, sizeof(*start));
    items = merit__calloc(call->review_count > 0 ? call->review_count : 1, sizeof(*items));
    tmp = merit__calloc(call->review_count > 0 ? call->review_count : 1, sizeof(*tmp));
    if (start == NULL || items == NULL || tmp == NULL)
        goto done;
    for (size_t r = 0; r < call->review_count; r++) {
        const merit_review *rv = &call->reviews[r];
        if (res->reviews[r].counted && res->reviews[r].complete &&
            res->proposals[rv->proposal].has_total)
            start[rv->reviewer + 1]++;
    }
    for (size_t i = 0; i < cal->reviewer_count; i++)
        start[i + 1] += start[i];
    for (size_t r = 0; r < call->review_count; r++) {
        const merit_review *rv = &call->reviews[r];
        if (res->reviews[r].counted && res->reviews[r].complete &&
            res->proposals[rv->proposal].has_total) {
            pair_item *it = &items[start[rv->reviewer]++];
            it->x = res->reviews[r].total;
            it->y = res->proposals[rv->proposal].total;
        }
    }
    /* start[i] now ends reviewer i's slice, which begins where i−1's ends */
    for (size_t i = 0, from = 0; i < cal->reviewer_count; i++) {
        agreement(&cal->reviewers[i], items + from, tmp, start[i] - from);
        from = start[i];
    }

    rc = 0;
done:
    if (csum != NULL) {
        for (size_t c = 0; c <= nc; c++)
            mpq_clear(csum[c]);
        free(csum);
    }
    free(ccount);
    free(start);
    free(items);
    free(tmp);
    mpq_clears(t, u, NULL);
    if (rc != 0) {
        merit__calibration_free(cal);
        return merit__oom(ctx);
    }
    *out = cal;
    return 0;
}
