/*
 * Agreement among reviewers: Krippendorff's alpha and the Shrout-Fleiss
 * ICCs, exact (agreement.h; the formulas are in docs/scoring.md,
 * "Agreement").
 *
 * Alpha without a coincidence matrix. With the interval metric,
 * sum over ordered pairs i != j of (x_i - x_j)^2 in a set of m values is
 * 2 (m S2 - S1^2) (S1, S2 the sums of the values and their squares), so
 *   D_o = (1/n) sum_u 2 (m_u S2_u - S1_u^2) / (m_u - 1)
 *   D_e = 2 (n S2 - S1^2) / (n (n - 1))
 * in one pass. Krippendorff's ordinal metric between values c <= k is
 *   (n_c/2 + sum_{c<g<k} n_g + n_k/2)^2 = (P_k - P_c)^2
 * with P_g = sum_{h<g} n_h + n_g/2 (n_g: how often g occurs among the
 * pairable values): the interval metric on the values mapped to P, which
 * is rational. Nominal counts unequal pairs: m (m - 1) - sum_g m_g (m_g - 1).
 * Only sorting costs more than linear.
 */
#include "agreement.h"

#include <stdlib.h>
#include <string.h>

void merit__ratings_init(merit__ratings *r)
{
    memset(r, 0, sizeof(*r));
}

void merit__ratings_clear(merit__ratings *r)
{
    for (size_t i = 0; i < r->count; i++)
        mpq_clear(r->items[i].value);
    free(r->items);
    memset(r, 0, sizeof(*r));
}

int merit__ratings_add(merit__ratings *r, size_t unit, size_t coder, const mpq_t value)
{
    if (r->count > 0) {
        const merit__rating *last = &r->items[r->count - 1];
        if (unit < last->unit || (unit == last->unit && coder <= last->coder))
            return MERIT_EUSAGE;
    }
    if (merit__grow((void **)&r->items, &r->cap, r->count, sizeof(*r->items)) != 0)
        return MERIT_ENOMEM;
    merit__rating *it = &r->items[r->count++];
    it->unit = unit;
    it->coder = coder;
    mpq_init(it->value);
    mpq_set(it->value, value);
    return 0;
}

void merit__alpha_init(merit__alpha *a)
{
    a->defined = false;
    mpq_init(a->value);
    mpq_init(a->observed);
    mpq_init(a->expected);
    a->units = 0;
    a->values = 0;
}

void merit__alpha_clear(merit__alpha *a)
{
    mpq_clear(a->value);
    mpq_clear(a->observed);
    mpq_clear(a->expected);
}

/* One value of a pairable unit: where it came from and what it is. */
typedef struct pairable {
    mpq_srcptr value;
    size_t unit;  /* index of the unit among the pairable ones */
    size_t cls;   /* nominal: the rank of its distinct value */
    size_t at;    /* its place in unit order, before the sort by value */
    size_t twice; /* ordinal: 2 P, an integer */
} pairable;

static int by_value(const void *a, const void *b)
{
    const pairable *x = a, *y = b;
    int c = mpq_cmp(x->value, y->value);
    if (c != 0)
        return c;
    return (x->unit > y->unit) - (x->unit < y->unit);
}

static int by_unit_class(const void *a, const void *b)
{
    const pairable *x = a, *y = b;
    if (x->unit != y->unit)
        return (x->unit > y->unit) - (x->unit < y->unit);
    return (x->cls > y->cls) - (x->cls < y->cls);
}

/* For the interval and ordinal metrics: out = 2 (m S2 - S1^2). */
static void pair_sum(mpz_srcptr m, mpq_srcptr s1, mpq_srcptr s2, mpq_t tmp, mpq_t out)
{
    mpq_set_z(tmp, m);
    mpq_mul(out, tmp, s2);
    mpq_mul(tmp, s1, s1);
    mpq_sub(out, out, tmp);
    mpq_add(out, out, out);
}

int merit__alpha_compute(const merit__ratings *r, merit__metric metric, merit__alpha *out)
{
    out->defined = false;
    mpq_set_ui(out->value, 0, 1);
    mpq_set_ui(out->observed, 0, 1);
    mpq_set_ui(out->expected, 0, 1);
    out->units = 0;
    out->values = 0;

    /* the pairable values: those of units with two or more */
    size_t n = 0;
    for (size_t i = 0; i < r->count;) {
        size_t j = i;
        while (j < r->count && r->items[j].unit == r->items[i].unit)
            j++;
        if (j - i >= 2) {
            n += j - i;
            out->units++;
        }
        i = j;
    }
    out->values = n;
    if (n < 2)
        return 0;

    pairable *p = merit__calloc(n, sizeof(*p));
    mpq_t *mapped = NULL; /* ordinal: P of each value, in p's order */
    if (p == NULL)
        return MERIT_ENOMEM;
    size_t k = 0, u = 0;
    for (size_t i = 0; i < r->count;) {
        size_t j = i;
        while (j < r->count && r->items[j].unit == r->items[i].unit)
            j++;
        if (j - i >= 2) {
            for (size_t t = i; t < j; t++) {
                p[k].value = r->items[t].value;
                p[k].unit = u;
                p[k].at = k;
                k++;
            }
            u++;
        }
        i = j;
    }

    mpq_t s1, s2, t1, t2, tmp, term, within, total;
    mpz_t m;
    mpq_inits(s1, s2, t1, t2, tmp, term, within, total, NULL);
    mpz_init(m);

    /* classes: the distinct values in order, and (ordinal) their P; the
     * interval metric needs neither, only the values of each unit, and p is
     * already in unit order */
    if (metric != MERIT_METRIC_INTERVAL)
        qsort(p, n, sizeof(*p), by_value);
    if (metric == MERIT_METRIC_ORDINAL) {
        mapped = merit__calloc(n, sizeof(*mapped));
        if (mapped == NULL) {
            free(p);
            mpq_clears(s1, s2, t1, t2, tmp, term, within, total, NULL);
            mpz_clear(m);
            return MERIT_ENOMEM;
        }
    }
    size_t below = 0, cls = 0;
    for (size_t i = 0; metric != MERIT_METRIC_INTERVAL && i < n;) {
        size_t j = i;
        while (j < n && mpq_equal(p[j].value, p[i].value))
            j++;
        for (size_t t = i; t < j; t++) {
            p[t].cls = cls;
            p[t].twice = 2 * below + (j - i);
            if (mapped != NULL) {
                /* P = below + (j - i) / 2 */
                mpq_init(mapped[t]);
                mpq_set_ui(mapped[t], 2 * below + (j - i), 2);
                mpq_canonicalize(mapped[t]);
                p[t].value = mapped[t];
            }
        }
        below += j - i;
        cls++;
        i = j;
    }
    if (metric == MERIT_METRIC_NOMINAL) {
        qsort(p, n, sizeof(*p), by_unit_class);
    } else if (metric == MERIT_METRIC_ORDINAL) {
        /* back to unit order (the sums of a unit do not depend on the order
         * of its values): each value to the place it had */
        pairable *q = merit__calloc(n, sizeof(*q));
        if (q == NULL) {
            for (size_t i = 0; i < n; i++)
                mpq_clear(mapped[i]);
            free(mapped);
            free(p);
            mpq_clears(s1, s2, t1, t2, tmp, term, within, total, NULL);
            mpz_clear(m);
            return MERIT_ENOMEM;
        }
        for (size_t i = 0; i < n; i++)
            q[p[i].at] = p[i];
        free(p);
        p = q;
    }

    mpq_set_ui(within, 0, 1);
    mpq_set_ui(s1, 0, 1);
    mpq_set_ui(s2, 0, 1);
    if (metric == MERIT_METRIC_NOMINAL) {
        /* within: sum_u (m_u (m_u - 1) - sum_g m_ug (m_ug - 1)) / (m_u - 1) */
        for (size_t i = 0; i < n;) {
            size_t j = i;
            mpz_set_ui(m, 0);
            while (j < n && p[j].unit == p[i].unit) {
                size_t e = j;
                while (e < n && p[e].unit == p[i].unit && p[e].cls == p[j].cls)
                    e++;
                mpz_add_ui(m, m, (unsigned long)(e - j) * (e - j - 1));
                j = e;
            }
            size_t mu = j - i;
            mpq_set_ui(term, (unsigned long)mu * (mu - 1), 1);
            mpq_set_z(tmp, m);
            mpq_sub(term, term, tmp);
            mpq_set_ui(tmp, 1, mu - 1);
            mpq_mul(term, term, tmp);
            mpq_add(within, within, term);
            i = j;
        }
        /* total: n (n - 1) - sum_g n_g (n_g - 1), the classes from by_value */
        mpz_set_ui(m, n);
        mpz_mul_ui(m, m, n - 1);
        mpq_set_z(total, m);
        size_t *per_class = merit__calloc(cls, sizeof(*per_class));
        if (per_class == NULL) {
            free(p);
            mpq_clears(s1, s2, t1, t2, tmp, term, within, total, NULL);
            mpz_clear(m);
            return MERIT_ENOMEM;
        }
        for (size_t i = 0; i < n; i++)
            per_class[p[i].cls]++;
        for (size_t g = 0; g < cls; g++) {
            mpz_set_ui(m, per_class[g]);
            mpz_mul_ui(m, m, per_class[g] - (per_class[g] > 0));
            mpq_set_z(tmp, m);
            mpq_sub(total, total, tmp);
        }
        free(per_class);
    } else if (metric == MERIT_METRIC_ORDINAL) {
        /* The same sums as the interval metric below, in integers: with
         * V = 2 P (an integer) and a unit's T1 = sum V, T2 = sum V^2, its
         * term 2 (m t2 - t1^2) / (m - 1) is (m T2 - T1^2) / (2 (m - 1));
         * the terms are summed per m first (acc[m - 1]), so only one
         * fraction per unit size is added. total = (n S2 - S1^2) / 2. */
        size_t most = 0;
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j < n && p[j].unit == p[i].unit)
                j++;
            if (j - i > most)
                most = j - i;
            i = j;
        }
        mpz_t *acc = merit__calloc(most, sizeof(*acc));
        if (acc == NULL) {
            for (size_t i = 0; i < n; i++)
                mpq_clear(mapped[i]);
            free(mapped);
            free(p);
            mpq_clears(s1, s2, t1, t2, tmp, term, within, total, NULL);
            mpz_clear(m);
            return MERIT_ENOMEM;
        }
        for (size_t d = 0; d < most; d++)
            mpz_init(acc[d]);
        mpz_t z1, z2, big1, big2, v;
        mpz_inits(z1, z2, big1, big2, v, NULL);
        for (size_t i = 0; i < n;) {
            size_t j = i;
            mpz_set_ui(z1, 0);
            mpz_set_ui(z2, 0);
            while (j < n && p[j].unit == p[i].unit) {
                mpz_set_ui(v, p[j].twice);
                mpz_add(z1, z1, v);
                mpz_addmul(z2, v, v);
                j++;
            }
            mpz_add(big1, big1, z1);
            mpz_add(big2, big2, z2);
            /* acc[m - 1] += m T2 - T1^2 */
            mpz_addmul_ui(acc[j - i - 1], z2, (unsigned long)(j - i));
            mpz_submul(acc[j - i - 1], z1, z1);
            i = j;
        }
        for (size_t d = 1; d < most; d++) {
            if (mpz_sgn(acc[d]) != 0) {
                mpq_set_z(term, acc[d]);
                mpz_mul_ui(mpq_denref(term), mpq_denref(term), 2 * (unsigned long)d);
                mpq_canonicalize(term);
                mpq_add(within, within, term);
            }
        }
        mpz_mul_ui(big2, big2, (unsigned long)n);
        mpz_submul(big2, big1, big1);
        mpq_set_z(total, big2);
        mpz_set_ui(mpq_denref(total), 2);
        mpq_canonicalize(total);
        for (size_t d = 0; d < most; d++)
            mpz_clear(acc[d]);
        free(acc);
        mpz_clears(z1, z2, big1, big2, v, NULL);
    } else {
        for (size_t i = 0; i < n;) {
            size_t j = i;
            mpq_set_ui(t1, 0, 1);
            mpq_set_ui(t2, 0, 1);
            while (j < n && p[j].unit == p[i].unit) {
                mpq_add(t1, t1, p[j].value);
                mpq_mul(tmp, p[j].value, p[j].value);
                mpq_add(t2, t2, tmp);
                j++;
            }
            mpq_add(s1, s1, t1);
            mpq_add(s2, s2, t2);
            mpz_set_ui(m, j - i);
            pair_sum(m, t1, t2, tmp, term);
            mpq_set_ui(tmp, 1, j - i - 1);
            mpq_mul(term, term, tmp);
            mpq_add(within, within, term);
            i = j;
        }
        mpz_set_ui(m, n);
        pair_sum(m, s1, s2, tmp, total);
    }

    /* D_o = within / n, D_e = total / (n (n - 1)),
     * alpha = 1 - (n - 1) within / total */
    mpq_set_ui(tmp, 1, n);
    mpq_mul(out->observed, within, tmp);
    mpz_set_ui(m, n);
    mpz_mul_ui(m, m, n - 1);
    mpq_set_z(tmp, m);
    mpq_div(out->expected, total, tmp);
    if (mpq_sgn(total) != 0) {
        out->defined = true;
        mpq_set_ui(tmp, n - 1, 1);
        mpq_mul(term, within, tmp);
        mpq_div(term, term, total);
        mpq_set_ui(out->value, 1, 1);
        mpq_sub(out->value, out->value, term);
    } else {
        mpq_set_ui(out->observed, 0, 1);
    }

    if (mapped != NULL) {
        for (size_t i = 0; i < n; i++)
            mpq_clear(mapped[i]);
        free(mapped);
    }
    free(p);
    mpq_clears(s1, s2, t1, t2, tmp, term, within, total, NULL);
    mpz_clear(m);
    return 0;
}

void merit__icc_init(merit__icc *icc)
{
    icc->design = false;
    icc->targets = 0;
    icc->judges = 0;
    icc->coders = NULL;
    icc->skipped = 0;
    mpq_inits(icc->bms, icc->wms, icc->jms, icc->ems, NULL);
    for (int f = 0; f < MERIT_ICC_FORMS; f++) {
        icc->defined[f] = false;
        mpq_init(icc->value[f]);
    }
}

void merit__icc_clear(merit__icc *icc)
{
    free(icc->coders);
    icc->coders = NULL;
    mpq_clears(icc->bms, icc->wms, icc->jms, icc->ems, NULL);
    for (int f = 0; f < MERIT_ICC_FORMS; f++)
        mpq_clear(icc->value[f]);
}

/* A unit's run of values in the ratings: [first, first + size). */
typedef struct unit_run {
    const merit__rating *items;
    size_t first;
    size_t size;
} unit_run;

/* Orders runs by their coder sequence: size, then coders. */
static int by_coders(const void *a, const void *b)
{
    const unit_run *x = a, *y = b;
    if (x->size != y->size)
        return (x->size > y->size) - (x->size < y->size);
    for (size_t i = 0; i < x->size; i++) {
        size_t cx = x->items[x->first + i].coder, cy = y->items[y->first + i].coder;
        if (cx != cy)
            return (cx > cy) - (cx < cy);
    }
    return 0;
}

static bool same_coders(const unit_run *x, const unit_run *y)
{
    if (x->size != y->size)
        return false;
    for (size_t i = 0; i < x->size; i++)
        if (x->items[x->first + i].coder != y->items[y->first + i].coder)
            return false;
    return true;
}

/* out = num / den, defined when den != 0. */
static bool ratio(mpq_t out, mpq_srcptr num, mpq_srcptr den)
{
    if (mpq_sgn(den) == 0) {
        mpq_set_ui(out, 0, 1);
        return false;
    }
    mpq_div(out, num, den);
    return true;
}

int merit__icc_compute(const merit__ratings *r, merit__icc *out)
{
    free(out->coders);
    out->coders = NULL;
    out->design = false;
    out->targets = out->judges = out->skipped = 0;
    mpq_set_ui(out->bms, 0, 1);
    mpq_set_ui(out->wms, 0, 1);
    mpq_set_ui(out->jms, 0, 1);
    mpq_set_ui(out->ems, 0, 1);
    for (int f = 0; f < MERIT_ICC_FORMS; f++) {
        out->defined[f] = false;
        mpq_set_ui(out->value[f], 0, 1);
    }

    size_t runs = 0;
    for (size_t i = 0; i < r->count; i++)
        if (i == 0 || r->items[i].unit != r->items[i - 1].unit)
            runs++;
    if (runs < 2)
        return 0;
    unit_run *run = merit__calloc(runs, sizeof(*run));
    if (run == NULL)
        return MERIT_ENOMEM;
    size_t q = 0;
    for (size_t i = 0; i < r->count;) {
        size_t j = i;
        while (j < r->count && r->items[j].unit == r->items[i].unit)
            j++;
        run[q].items = r->items;
        run[q].first = i;
        run[q].size = j - i;
        q++;
        i = j;
    }
    qsort(run, runs, sizeof(*run), by_coders);

    /* the block: most units, then most coders, then the first coder set */
    size_t best = SIZE_MAX, best_n = 0;
    for (size_t i = 0; i < runs;) {
        size_t j = i;
        while (j < runs && same_coders(&run[j], &run[i]))
            j++;
        if (run[i].size >= 2 && j - i >= 2 &&
            (best == SIZE_MAX || j - i > best_n ||
             (j - i == best_n && run[i].size > run[best].size)))
            best = i, best_n = j - i;
        i = j;
    }
    if (best == SIZE_MAX) {
        free(run);
        return 0;
    }
    size_t n = best_n, k = run[best].size;
    out->coders = merit__calloc(k, sizeof(*out->coders));
    mpq_t *col = merit__calloc(k, sizeof(*col));
    if (out->coders == NULL || col == NULL) {
        free(out->coders);
        out->coders = NULL;
        free(col);
        free(run);
        return MERIT_ENOMEM;
    }
    for (size_t c = 0; c < k; c++) {
        out->coders[c] = r->items[run[best].first + c].coder;
        mpq_init(col[c]);
    }

    /* sums: grand G, squares S2, rows sum_i R_i^2, columns C_j */
    mpq_t g, s2, rows, row, tmp, corr, sst, ssb, ssj, ssw, sse, num, den;
    mpq_inits(g, s2, rows, row, tmp, corr, sst, ssb, ssj, ssw, sse, num, den, NULL);
    for (size_t t = best; t < best + n; t++) {
        mpq_set_ui(row, 0, 1);
        for (size_t c = 0; c < k; c++) {
            mpq_srcptr x = r->items[run[t].first + c].value;
            mpq_add(row, row, x);
            mpq_add(col[c], col[c], x);
            mpq_mul(tmp, x, x);
            mpq_add(s2, s2, tmp);
        }
        mpq_add(g, g, row);
        mpq_mul(tmp, row, row);
        mpq_add(rows, rows, tmp);
    }
    /* corr = G^2 / (n k) */
    mpq_mul(corr, g, g);
    mpq_set_ui(tmp, 1, n);
    mpq_mul(corr, corr, tmp);
    mpq_set_ui(tmp, 1, k);
    mpq_mul(corr, corr, tmp);
    mpq_sub(sst, s2, corr);
    mpq_set_ui(tmp, 1, k);
    mpq_mul(ssb, rows, tmp);
    mpq_sub(ssb, ssb, corr);
    for (size_t c = 0; c < k; c++) {
        mpq_mul(tmp, col[c], col[c]);
        mpq_add(ssj, ssj, tmp);
    }
    mpq_set_ui(tmp, 1, n);
    mpq_mul(ssj, ssj, tmp);
    mpq_sub(ssj, ssj, corr);
    mpq_sub(ssw, sst, ssb);
    mpq_sub(sse, ssw, ssj);

    /* mean squares: df n-1, n(k-1), k-1, (n-1)(k-1) */
    mpq_set_ui(tmp, 1, n - 1);
    mpq_mul(out->bms, ssb, tmp);
    mpq_set_ui(tmp, 1, n * (k - 1));
    mpq_mul(out->wms, ssw, tmp);
    mpq_set_ui(tmp, 1, k - 1);
    mpq_mul(out->jms, ssj, tmp);
    mpq_set_ui(tmp, 1, (n - 1) * (k - 1));
    mpq_mul(out->ems, sse, tmp);

    mpq_t km1, kq, nq;
    mpq_inits(km1, kq, nq, NULL);
    mpq_set_ui(km1, k - 1, 1);
    mpq_set_ui(kq, k, 1);
    mpq_set_ui(nq, n, 1);

    /* ICC(1,1) = (BMS - WMS) / (BMS + (k-1) WMS); ICC(1,k) = (BMS - WMS) / BMS */
    mpq_sub(num, out->bms, out->wms);
    mpq_mul(den, km1, out->wms);
    mpq_add(den, den, out->bms);
    out->defined[MERIT_ICC_1_1] = ratio(out->value[MERIT_ICC_1_1], num, den);
    out->defined[MERIT_ICC_1_K] = ratio(out->value[MERIT_ICC_1_K], num, out->bms);
    /* ICC(3,1) = (BMS - EMS) / (BMS + (k-1) EMS); ICC(3,k) = (BMS - EMS) / BMS */
    mpq_sub(num, out->bms, out->ems);
    mpq_mul(den, km1, out->ems);
    mpq_add(den, den, out->bms);
    out->defined[MERIT_ICC_3_1] = ratio(out->value[MERIT_ICC_3_1], num, den);
    out->defined[MERIT_ICC_3_K] = ratio(out->value[MERIT_ICC_3_K], num, out->bms);
    /* ICC(2,1) = (BMS - EMS) / (BMS + (k-1) EMS + k (JMS - EMS) / n) */
    mpq_sub(tmp, out->jms, out->ems);
    mpq_div(tmp, tmp, nq); /* (JMS - EMS) / n */
    mpq_add(row, out->bms, tmp);
    out->defined[MERIT_ICC_2_K] = ratio(out->value[MERIT_ICC_2_K], num, row);
    mpq_mul(tmp, tmp, kq);
    mpq_add(den, den, tmp);
    out->defined[MERIT_ICC_2_1] = ratio(out->value[MERIT_ICC_2_1], num, den);

    out->design = true;
    out->targets = n;
    out->judges = k;
    out->skipped = runs - n;

    mpq_clears(km1, kq, nq, NULL);
    mpq_clears(g, s2, rows, row, tmp, corr, sst, ssb, ssj, ssw, sse, num, den, NULL);
    for (size_t c = 0; c < k; c++)
        mpq_clear(col[c]);
    free(col);
    free(run);
    return 0;
}

void merit__agreement_free(merit__agreement *agreement)
{
    if (agreement == NULL)
        return;
    for (size_t i = 0; i < agreement->item_count; i++) {
        merit__alpha_clear(&agreement->items[i].interval);
        merit__alpha_clear(&agreement->items[i].ordinal);
        merit__icc_clear(&agreement->items[i].icc);
    }
    free(agreement->items);
    free(agreement);
}

int merit__agreement_compute(const merit_result *res, merit__agreement **out)
{
    *out = NULL;
    const merit_call *call = res->call;
    size_t criteria = call->rubric->criterion_count;
    merit__agreement *a = merit__calloc(1, sizeof(*a));
    if (a == NULL)
        return MERIT_ENOMEM;
    a->items = merit__calloc(criteria + 1, sizeof(*a->items));
    if (a->items == NULL) {
        free(a);
        return MERIT_ENOMEM;
    }
    a->item_count = criteria + 1;
    for (size_t i = 0; i < a->item_count; i++) {
        a->items[i].criterion = i;
        merit__alpha_init(&a->items[i].interval);
        merit__alpha_init(&a->items[i].ordinal);
        merit__icc_init(&a->items[i].icc);
    }

    int rc = 0;
    mpq_t v;
    mpq_init(v);
    merit__ratings r;
    merit__ratings_init(&r);
    for (size_t item = 0; item <= criteria && rc == 0; item++) {
        merit__ratings_clear(&r);
        /* reviews are sorted by (proposal, reviewer): already in order */
        for (size_t i = 0; i < call->review_count && rc == 0; i++) {
            const merit_review *rv = &call->reviews[i];
            if (!res->reviews[i].counted)
                continue;
            if (item < criteria) {
                if (rv->steps[item] == MERIT_NO_SCORE)
                    continue;
                mpq_set_si(v, rv->steps[item], 1);
            } else {
                if (!res->reviews[i].complete)
                    continue;
                mpq_set(v, res->reviews[i].total);
            }
            rc = merit__ratings_add(&r, rv->proposal, rv->reviewer, v);
        }
        if (rc == 0)
            rc = merit__alpha_compute(&r, MERIT_METRIC_INTERVAL, &a->items[item].interval);
        if (rc == 0)
            rc = merit__alpha_compute(&r, MERIT_METRIC_ORDINAL, &a->items[item].ordinal);
        if (rc == 0)
            rc = merit__icc_compute(&r, &a->items[item].icc);
    }
    merit__ratings_clear(&r);
    mpq_clear(v);
    if (rc != 0) {
        merit__agreement_free(a);
        return rc;
    }
    *out = a;
    return 0;
}
