/*
 * Scoring and ranking a call: reviews counted or excluded, per-criterion
 * aggregates, totals, thresholds, eligibility, the ranking with its
 * tie-breaks, and the funding walk. The maths is written up, with worked
 * examples, in docs/scoring.md.
 */
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "facts.h"
#include "internal.h"
#include "prng.h"
#include "merit/result.h"
#include "rubric.h"
#include "uncertainty.h"

const char *merit_status_name(merit_status s)
{
    static const char *const names[] = {"funded", "reserve", "below-threshold", "ineligible",
                                        "insufficient-reviews"};
    return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *merit_walk_action_name(merit_walk_action a)
{
    static const char *const names[] = {
        "funded",           "does-not-fit", "after-line",        "tie-at-line",
        "funded-overspend", "drawn-funded", "drawn-does-not-fit"};
    return (size_t)a < sizeof(names) / sizeof(names[0]) ? names[a] : "?";
}

const char *merit_decider_name(merit_decider_kind k)
{
    static const char *const names[] = {"first", "total", "tie-break", "tied"};
    return (size_t)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

const char *merit_direction_name(merit_direction d)
{
    return d == MERIT_LOWER_IS_BETTER ? "lower-is-better" : "higher-is-better";
}

const char *merit_tie_policy_name(merit_tie_policy t)
{
    static const char *const names[] = {"stop", "fund-whole", "lottery"};
    return (size_t)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

const char *merit_draw_among_name(merit_draw_among a)
{
    return a == MERIT_DRAW_AMONG_GREY_ZONE ? "grey-zone" : "tie";
}

void merit_score_value(const merit_rubric *rubric, int32_t steps, mpq_t out)
{
    merit__rubric_step_value(rubric, steps, out);
}

static void proposal_result_release(merit_proposal_result *pr, const merit_rubric *rb)
{
    if (pr->criteria != NULL) {
        for (size_t c = 0; c < rb->criterion_count; c++)
            mpq_clears(pr->criteria[c].value, pr->criteria[c].weight_sum, NULL);
        free(pr->criteria);
    }
    if (pr->rules != NULL) {
        for (size_t r = 0; r < rb->rule_count; r++)
            mpq_clear(pr->rules[r].actual);
        free(pr->rules);
    }
    mpq_clears(pr->total, pr->spread, NULL);
    for (int f = 0; f < MERIT_FACT_STORED; f++)
        mpq_clear(pr->facts[f]);
}

void merit_result_free(merit_result *res)
{
    if (res == NULL)
        return;
    const merit_rubric *rb = res->call->rubric;
    if (res->proposals != NULL)
        for (size_t i = 0; i < res->proposal_count; i++)
            proposal_result_release(&res->proposals[i], rb);
    free(res->proposals);
    if (res->reviews != NULL)
        merit__zscore_release(res);
    for (size_t i = 0; i < res->review_count; i++)
        mpq_clear(res->reviews[i].total);
    free(res->reviews);
    free(res->order);
    free(res->walk);
    free(res->seed);
    free(res->lottery_seed);
    free(res->pool);
    free(res->draw);
    free(res);
}

/* Better-first comparison under the rubric's direction: negative when a is
 * better than b. */
static int better_first(const merit_rubric *rb, const mpq_t a, const mpq_t b)
{
    int c = mpq_cmp(a, b);
    c = (c > 0) - (c < 0);
    return rb->direction == MERIT_HIGHER_IS_BETTER ? -c : c;
}

/* True when value meets a threshold: at least it, or, lower-is-better, at
 * most it. */
static bool meets(const merit_rubric *rb, const mpq_t value, const mpq_t threshold)
{
    int c = mpq_cmp(value, threshold);
    return rb->direction == MERIT_HIGHER_IS_BETTER ? c >= 0 : c <= 0;
}

struct rank_state {
    const merit_call *call;
    const merit_rubric *rb;
    merit_result *res;
    mpq_t tmp_a, tmp_b;
};

/* The ranking order without the final id key: <0 when a ranks above b, 0 on
 * a tie that survives every rule. *decider gets what decided. */
static int compare_ranked(struct rank_state *st, const merit_proposal_result *a,
                          const merit_proposal_result *b, merit_decider_kind *kind, size_t *index)
{
    const merit_rubric *rb = st->rb;
    int c = better_first(rb, a->total, b->total);
    if (c != 0) {
        *kind = MERIT_DECIDED_TOTAL;
        return c;
    }
    for (size_t t = 0; t < rb->tiebreak_count; t++) {
        const merit_tiebreak *tb = &rb->tiebreaks[t];
        if (tb->kind == MERIT_TIEBREAK_CRITERION) {
            c = better_first(rb, a->criteria[tb->criterion].value,
                             b->criteria[tb->criterion].value);
        } else {
            /* both have the fact: checked before the sort (facts_known) */
            const merit_proposal *pa = &st->call->proposals[a->proposal];
            const merit_proposal *pb = &st->call->proposals[b->proposal];
            merit__fact_value(a, pa, tb->fact, tb->fact_name, tb->section, st->tmp_a);
            merit__fact_value(b, pb, tb->fact, tb->fact_name, tb->section, st->tmp_b);
            c = mpq_cmp(st->tmp_a, st->tmp_b);
            c = (c > 0) - (c < 0);
            if (tb->prefer_higher)
                c = -c;
        }
        if (c != 0) {
            *kind = MERIT_DECIDED_TIEBREAK;
            *index = t;
            return c;
        }
    }
    *kind = MERIT_DECIDED_TIED;
    return 0;
}

/* Every fact a tie-break compares is there for each ranked proposal (the
 * first res->order entries): the rubric requires them, so this fails only
 * for a proposal loaded without the rubric, and then says so rather than
 * compare a zero that stands for nothing. */
static int facts_known(merit_ctx *ctx, struct rank_state *st, size_t ranked)
{
    const merit_rubric *rb = st->rb;
    int rc = 0;
    for (size_t t = 0; t < rb->tiebreak_count; t++) {
        const merit_tiebreak *tb = &rb->tiebreaks[t];
        if (tb->kind != MERIT_TIEBREAK_FACT)
            continue;
        for (size_t k = 0; k < ranked; k++) {
            const merit_proposal_result *pr = &st->res->proposals[st->res->order[k]];
            const merit_proposal *p = &st->call->proposals[pr->proposal];
            if (merit__fact_value(pr, p, tb->fact, tb->fact_name, tb->section, st->tmp_a) != 0)
                rc = merit__diag(ctx, MERIT_SEVERITY_ERROR, MERIT_DIAG_INVALID, p->loc.file,
                                 p->loc.line, p->loc.column,
                                 "the tie-break on '%s' reads %s, which proposal '%s' does not "
                                 "have",
                                 tb->fact_name, merit__fact_input(tb->fact, tb->section), p->id);
        }
    }
    return rc;
}

/* A stable merge sort of indices with a context, since C17's qsort has none.
 * O(n log n) time, n extra indices of memory. */
typedef int (*index_cmp)(struct rank_state *st, size_t a, size_t b);

static int sort_indices(size_t *idx, size_t n, index_cmp cmp, struct rank_state *st)
{
    if (n < 2)
        return 0;
    size_t *tmp = merit__malloc(n * sizeof(*tmp));
    if (tmp == NULL)
        return MERIT_ENOMEM;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                tmp[o++] = cmp(st, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
            while (i < mid)
                tmp[o++] = idx[i++];
            while (j < hi)
                tmp[o++] = idx[j++];
        }
        memcpy(idx, tmp, n * sizeof(*idx));
    }
    free(tmp);
    return 0;
}

static int cmp_ranked_then_id(struct rank_state *st, size_t a, size_t b)
{
    merit_decider_kind kind;
    size_t index;
    int c = compare_ranked(st, &st->res->proposals[a], &st->res->proposals[b], &kind, &index);
    if (c != 0)
        return c;
    /* display order inside a shared rank; it decides nothing */
    return strcmp(st->call->proposals[a].id, st->call->proposals[b].id);
}

static int cmp_unranked(struct rank_state *st, size_t a, size_t b)
{
    const merit_proposal_result *x = &st->res->proposals[a], *y = &st->res->proposals[b];
    if (x->status != y->status)
        return x->status < y->status ? -1 : 1;
    if (x->has_total && y->has_total) {
        int c = better_first(st->rb, x->total, y->total);
        if (c != 0)
            return c;
    } else if (x->has_total != y->has_total) {
        return x->has_total ? -1 : 1;
    }
    return strcmp(st->call->proposals[a].id, st->call->proposals[b].id);
}

static void review_totals(const merit_call *call, merit_result *res)
{
    const merit_rubric *rb = call->rubric;
    mpq_t value;
    mpq_init(value);
    for (size_t i = 0; i < call->review_count; i++) {
        const merit_review *rv = &call->reviews[i];
        merit_review_result *rr = &res->reviews[i];
        rr->counted = !rv->conflicted;
        res->reviews_excluded += !rr->counted;
        rr->complete = true;
        for (size_t c = 0; c < rb->criterion_count; c++) {
            if (rv->steps[c] == MERIT_NO_SCORE) {
                rr->complete = false;
                continue;
            }
            merit__rubric_step_value(rb, rv->steps[c], value);
            mpq_mul(value, value, rb->criteria[c].weight);
            mpq_add(rr->total, rr->total, value);
        }
        if (!rr->complete)
            mpq_set_ui(rr->total, 0, 1);
    }
    mpq_clear(value);
}

/* z-score: the mean of the n standardised values (merit__zscore_compute)
 * of the counted scores on criterion c of call->reviews[first..last). */
static void zscore_mean(const merit_result *res, size_t first, size_t last, size_t c, size_t n,
                        merit_criterion_result *cr, mpq_t tmp)
{
    mpq_set_ui(cr->value, 0, 1);
    for (size_t r = first; r < last; r++) {
        if (!res->reviews[r].counted || res->call->reviews[r].steps[c] == MERIT_NO_SCORE)
            continue;
        merit__method_value(res, r, c, tmp);
        mpq_add(cr->value, cr->value, tmp);
    }
    mpq_set_ui(tmp, (unsigned long)n, 1);
    mpq_div(cr->value, cr->value, tmp);
    mpq_set(cr->weight_sum, tmp);
    cr->trimmed = 0;
}

/* Aggregates, totals, thresholds and disagreement of one proposal, whose
 * reviews are call->reviews[first..last). */
static void score_proposal(merit_result *res, merit_proposal_result *pr, size_t first, size_t last,
                           int32_t *steps, uint8_t *conf)
{
    const merit_call *call = res->call;
    const merit_rubric *rb = call->rubric;
    for (size_t r = first; r < last; r++) {
        if (res->reviews[r].counted)
            pr->reviews_counted++;
        else
            pr->reviews_excluded++;
    }
    bool all = true;
    mpq_t agg, term;
    mpq_inits(agg, term, NULL);
    for (size_t c = 0; c < rb->criterion_count; c++) {
        merit_criterion_result *cr = &pr->criteria[c];
        size_t n = 0;
        for (size_t r = first; r < last; r++) {
            const merit_review *rv = &call->reviews[r];
            if (!res->reviews[r].counted || rv->steps[c] == MERIT_NO_SCORE)
                continue;
            steps[n] = rv->steps[c];
            conf[n] = rv->confidences[c];
            n++;
        }
        cr->count = n;
        if (n == 0) {
            all = false;
            continue;
        }
        cr->has_value = true;
        if (res->method == MERIT_METHOD_Z_SCORE) {
            zscore_mean(res, first, last, c, n, cr, term);
        } else {
            merit__aggregate_steps(res->method, steps, conf, n, rb->trim_from, agg, &cr->trimmed,
                                   cr->weight_sum);
            /* back onto the scale: min + aggregate * step */
            mpq_mul(cr->value, agg, rb->scale_step);
            mpq_add(cr->value, cr->value, rb->scale_min);
        }
        if (rb->criteria[c].has_threshold)
            cr->below_threshold = !meets(rb, cr->value, rb->criteria[c].threshold);
        mpq_mul(term, cr->value, rb->criteria[c].weight);
        mpq_add(pr->total, pr->total, term);
    }
    pr->has_total = all;
    if (!all)
        mpq_set_ui(pr->total, 0, 1);
    if (all && rb->has_overall_threshold)
        pr->total_below_threshold = !meets(rb, pr->total, rb->overall_threshold);

    /* disagreement: the range of complete, counted reviewers' totals */
    size_t complete = 0;
    for (size_t r = first; r < last; r++) {
        const merit_review_result *rr = &res->reviews[r];
        if (!rr->counted || !rr->complete)
            continue;
        if (complete == 0) {
            mpq_set(agg, rr->total);  /* min */
            mpq_set(term, rr->total); /* max */
        } else {
            if (mpq_cmp(rr->total, agg) < 0)
                mpq_set(agg, rr->total);
            if (mpq_cmp(rr->total, term) > 0)
                mpq_set(term, rr->total);
        }
        complete++;
    }
    if (complete >= 2) {
        pr->has_spread = true;
        mpq_sub(pr->spread, term, agg);
        pr->disagreement =
            rb->has_disagreement_limit && mpq_cmp(pr->spread, rb->disagreement_limit) > 0;
    }
    mpq_clears(agg, term, NULL);
}

static merit_status status_before_budget(const merit_rubric *rb, const merit_proposal_result *pr)
{
    if (!pr->eligible)
        return MERIT_STATUS_INELIGIBLE;
    if (pr->reviews_counted < rb->min_reviewers || !pr->has_total)
        return MERIT_STATUS_INSUFFICIENT_REVIEWS;
    bool below = pr->total_below_threshold;
    for (size_t c = 0; c < rb->criterion_count; c++)
        below = below || pr->criteria[c].below_threshold;
    return below ? MERIT_STATUS_BELOW_THRESHOLD : MERIT_STATUS_RESERVE;
}

static int64_t request_of(const merit_result *res, size_t ri)
{
    return res->call->proposals[res->proposals[ri].proposal].request;
}

static bool funds(merit_walk_action a)
{
    return a == MERIT_WALK_FUNDED || a == MERIT_WALK_FUNDED_OVERSPEND ||
           a == MERIT_WALK_DRAWN_FUNDED;
}

/* One step of the walk: what remains before it is the budget less what is
 * awarded so far (0 once the awards went past the budget). */
static void walk_step(merit_result *res, size_t ri, merit_walk_action action)
{
    merit_proposal_result *pr = &res->proposals[ri];
    merit_walk_step *step = &res->walk[res->walk_count++];
    int64_t left = res->call->budget - res->awarded;
    step->result = ri;
    step->request = request_of(res, ri);
    step->remaining = left > 0 ? left : 0;
    step->action = action;
    if (funds(action)) {
        res->awarded += step->request;
        pr->cumulative = res->awarded;
        pr->status = MERIT_STATUS_FUNDED;
        res->funded_count++;
    } else {
        pr->status = MERIT_STATUS_RESERVE;
    }
}

/* The end of order[] 's shared rank that begins at i. */
static size_t rank_end(const merit_result *res, size_t i)
{
    size_t j = i + 1;
    while (j < res->ranked_count && res->proposals[res->order[j]].decided_by == MERIT_DECIDED_TIED)
        j++;
    return j;
}

size_t merit__funding_line(const merit_result *res)
{
    int64_t left = res->call->budget;
    size_t line = 0;
    for (size_t i = 0; i < res->ranked_count;) {
        size_t j = rank_end(res, i);
        int64_t group = 0;
        for (size_t k = i; k < j; k++)
            group += request_of(res, res->order[k]);
        if (group > left)
            break;
        left -= group;
        line = i = j;
    }
    return line;
}

bool merit__walks_on(const merit_call *call)
{
    const merit_funding_line *fl = &call->funding_line;
    return fl->has_skip_unaffordable ? fl->skip_unaffordable : call->rubric->skip_unaffordable;
}

/* Draws lots among the n result indices at `pool` (rank-then-id order):
 * they join res->pool, are shuffled by the generator into res->draw, and
 * are walked in draw order, each funded when it fits what remains. */
static void draw_lots(merit_result *res, merit__prng *g, const size_t *pool, size_t n)
{
    size_t *in = res->pool + res->pool_count, *out = res->draw + res->pool_count;
    memcpy(in, pool, n * sizeof(*pool));
    memcpy(out, pool, n * sizeof(*pool));
    merit__prng_shuffle(g, out, n);
    res->pool_count += n;
    for (size_t k = 0; k < n; k++)
        walk_step(res, out[k],
                  request_of(res, out[k]) <= res->call->budget - res->awarded
                      ? MERIT_WALK_DRAWN_FUNDED
                      : MERIT_WALK_DRAWN_DOES_NOT_FIT);
}

/* Sets the walk back to before it ran, so that it can run again (after
 * the bootstrap set grey_zone, or in a test). */
static void walk_reset(merit_result *res)
{
    res->walk_count = 0;
    res->awarded = 0;
    res->remaining = 0;
    res->funded_count = 0;
    res->overspent = 0;
    res->skipped = false;
    res->pool_count = 0;
    free(res->lottery_seed);
    free(res->pool);
    free(res->draw);
    res->lottery_seed = NULL;
    res->pool = res->draw = NULL;
    for (size_t k = 0; k < res->ranked_count; k++) {
        merit_proposal_result *pr = &res->proposals[res->order[k]];
        pr->status = MERIT_STATUS_RESERVE;
        pr->cumulative = 0;
        pr->tie_at_line = false;
    }
}

/* The funding walk, docs/scoring.md section 8: a shared rank at a time; a
 * rank that fits what remains is funded whole; one proposal that does not
 * fit is does-not-fit; several are a tie at the line, settled by the
 * call's policy (stop, fund-whole within the overspend, lottery). After a
 * rank not funded whole the walk stops unless skip-unaffordable is set.
 * With draw-among="grey-zone" the proposals clearly above the line are
 * funded and the lottery draws among the grey zone. */
int merit__funding_walk(merit_ctx *ctx, merit_result *res, const merit_rank_options *options)
{
    const merit_call *call = res->call;
    const merit_funding_line *fl = &call->funding_line;
    walk_reset(res);
    bool from_cli = options != NULL && options->lottery_seed != NULL;
    res->ties = from_cli ? MERIT_TIES_LOTTERY : fl->ties;
    res->ties_from_command_line = from_cli;
    res->draw_among = fl->draw_among;
    res->skip_from_call = fl->has_skip_unaffordable;
    res->skip_unaffordable = merit__walks_on(call);
    res->overspend_allowed = res->ties == MERIT_TIES_FUND_WHOLE ? fl->overspend : 0;
    bool grey = res->ties == MERIT_TIES_LOTTERY && res->draw_among == MERIT_DRAW_AMONG_GREY_ZONE;
    if (grey && !res->has_intervals)
        return merit__error_at(ctx, fl->loc,
                               "the call draws the lottery among the grey zone "
                               "(draw-among=\"grey-zone\"), which needs the rank intervals of "
                               "the bootstrap, not computed for this ranking");

    res->line = merit__funding_line(res);

    merit__prng g;
    size_t *pool = NULL;
    if (res->ties == MERIT_TIES_LOTTERY) {
        const char *seed = from_cli ? options->lottery_seed : fl->seed;
        if (seed == NULL)
            seed = ""; /* a call always gives one (checked as it loads) */
        res->lottery_seed = merit__strdup(seed);
        res->pool = merit__calloc(res->ranked_count + 1, sizeof(*res->pool));
        res->draw = merit__calloc(res->ranked_count + 1, sizeof(*res->draw));
        pool = merit__calloc(res->ranked_count + 1, sizeof(*pool));
        if (res->lottery_seed == NULL || res->pool == NULL || res->draw == NULL || pool == NULL ||
            merit__prng_seed(&g, "merit lottery 1", seed, strlen(seed)) != 0) {
            free(pool);
            return merit__oom(ctx);
        }
    }

    if (grey) {
        size_t n = 0;
        for (size_t k = 0; k < res->ranked_count; k++) {
            size_t ri = res->order[k];
            if (res->proposals[ri].grey_zone)
                pool[n++] = ri;
            else if (k < res->line)
                walk_step(res, ri, MERIT_WALK_FUNDED);
        }
        draw_lots(res, &g, pool, n);
        for (size_t k = 0; k < res->ranked_count; k++) {
            size_t ri = res->order[k];
            if (!res->proposals[ri].grey_zone && k >= res->line)
                walk_step(res, ri, MERIT_WALK_AFTER_LINE);
        }
    } else {
        bool stopped = false;
        for (size_t i = 0; i < res->ranked_count;) {
            size_t j = rank_end(res, i);
            int64_t group = 0;
            for (size_t k = i; k < j; k++)
                group += request_of(res, res->order[k]);
            int64_t remaining = call->budget - res->awarded;
            bool whole = false;
            if (stopped) {
                for (size_t k = i; k < j; k++)
                    walk_step(res, res->order[k], MERIT_WALK_AFTER_LINE);
                i = j;
                continue;
            }
            if (group <= remaining) {
                whole = true;
                for (size_t k = i; k < j; k++)
                    walk_step(res, res->order[k], MERIT_WALK_FUNDED);
            } else if (j - i == 1) {
                walk_step(res, res->order[i], MERIT_WALK_DOES_NOT_FIT);
            } else {
                for (size_t k = i; k < j; k++)
                    res->proposals[res->order[k]].tie_at_line = true;
                if (res->ties == MERIT_TIES_FUND_WHOLE &&
                    group <= remaining + res->overspend_allowed) {
                    whole = true;
                    for (size_t k = i; k < j; k++)
                        walk_step(res, res->order[k], MERIT_WALK_FUNDED_OVERSPEND);
                } else if (res->ties == MERIT_TIES_LOTTERY) {
                    draw_lots(res, &g, res->order + i, j - i);
                } else {
                    for (size_t k = i; k < j; k++)
                        walk_step(res, res->order[k], MERIT_WALK_TIE_AT_LINE);
                }
            }
            stopped = !whole && !res->skip_unaffordable;
            i = j;
        }
    }
    free(pool);
    res->remaining = call->budget > res->awarded ? call->budget - res->awarded : 0;
    res->overspent = res->awarded > call->budget ? res->awarded - call->budget : 0;
    /* skipped: funded below a ranked proposal that was not */
    size_t unfunded_rank = 0;
    for (size_t k = 0; k < res->ranked_count; k++) {
        const merit_proposal_result *pr = &res->proposals[res->order[k]];
        if (pr->status != MERIT_STATUS_FUNDED && unfunded_rank == 0)
            unfunded_rank = pr->rank;
        if (pr->status == MERIT_STATUS_FUNDED && unfunded_rank != 0 && pr->rank > unfunded_rank)
            res->skipped = true;
    }
    return 0;
}

/* Confidence-weighted weighs each score by its confidence: a review whose
 * scores have none (the sheet gave none on the review nor on the score) is
 * an error, each one said. A call loaded for this method was checked as it
 * loaded (merit_ctx_set_method); one loaded for another is checked here. */
static int confidences_missing(merit_ctx *ctx, const merit_call *call)
{
    int rc = 0;
    for (size_t i = 0; i < call->review_count; i++) {
        const merit_review *rv = &call->reviews[i];
        for (size_t c = 0; c < call->rubric->criterion_count; c++)
            if (rv->steps[c] != MERIT_NO_SCORE && rv->confidences[c] == 0) {
                rc = merit__error_at(ctx, rv->loc,
                                     "review of proposal '%s' by '%s' gives no confidence, which "
                                     "the method 'confidence-weighted' needs: give one on the "
                                     "<review> or on each <score>",
                                     call->proposals[rv->proposal].id,
                                     call->reviewers[rv->reviewer].id);
                break;
            }
    }
    return rc;
}

int merit_call_rank(merit_ctx *ctx, const merit_call *call, const merit_rank_options *options,
                    merit_result **out)
{
    *out = NULL;
    const merit_rubric *rb = call->rubric;
    merit_method method =
        options != NULL && options->override_method ? options->method : rb->method;
    if (method == MERIT_METHOD_CONFIDENCE_WEIGHTED) {
        int missing = confidences_missing(ctx, call);
        if (missing != 0)
            return missing;
    }
    merit_result *res = merit__calloc(1, sizeof(*res));
    if (res == NULL)
        return merit__oom(ctx);
    res->call = call;
    res->method = options != NULL && options->override_method ? options->method : rb->method;
    int rc = 0;
    int32_t *steps = NULL;
    uint8_t *conf = NULL;
    struct rank_state st;
    st.call = call;
    st.rb = rb;
    st.res = res;
    mpq_inits(st.tmp_a, st.tmp_b, NULL);

    res->proposals = merit__calloc(call->proposal_count, sizeof(*res->proposals));
    res->reviews = merit__calloc(call->review_count, sizeof(*res->reviews));
    res->order = merit__calloc(call->proposal_count, sizeof(*res->order));
    res->walk = merit__calloc(call->proposal_count, sizeof(*res->walk));
    steps = merit__calloc(call->review_count, sizeof(*steps));
    conf = merit__calloc(call->review_count, sizeof(*conf));
    if (res->proposals == NULL || res->reviews == NULL || res->order == NULL || res->walk == NULL ||
        steps == NULL || conf == NULL) {
        rc = merit__oom(ctx);
        goto done;
    }
    for (size_t i = 0; i < call->review_count; i++)
        mpq_init(res->reviews[i].total);
    res->review_count = call->review_count;
    review_totals(call, res);
    if (res->method == MERIT_METHOD_Z_SCORE && merit__zscore_compute(res) != 0) {
        rc = merit__oom(ctx);
        goto done;
    }

    size_t r = 0;
    for (size_t i = 0; i < call->proposal_count; i++) {
        merit_proposal_result *pr = &res->proposals[i];
        pr->proposal = i;
        mpq_inits(pr->total, pr->spread, NULL);
        for (int f = 0; f < MERIT_FACT_STORED; f++)
            mpq_init(pr->facts[f]);
        res->proposal_count = i + 1; /* initialised so far, for merit_result_free */
        pr->criteria = merit__calloc(rb->criterion_count, sizeof(*pr->criteria));
        if (pr->criteria == NULL) {
            rc = merit__oom(ctx);
            goto done;
        }
        for (size_t c = 0; c < rb->criterion_count; c++)
            mpq_inits(pr->criteria[c].value, pr->criteria[c].weight_sum, NULL);
        if (rb->rule_count > 0) {
            pr->rules = merit__calloc(rb->rule_count, sizeof(*pr->rules));
            if (pr->rules == NULL) {
                rc = merit__oom(ctx);
                goto done;
            }
            for (size_t k = 0; k < rb->rule_count; k++)
                mpq_init(pr->rules[k].actual);
        }
        size_t first = r;
        while (r < call->review_count && call->reviews[r].proposal == i)
            r++;
        score_proposal(res, pr, first, r, steps, conf);

        const merit_proposal *p = &call->proposals[i];
        merit__facts_compute(p, pr->facts);
        pr->eligible = true;
        for (size_t k = 0; k < rb->rule_count; k++) {
            int one = merit__rule_apply(ctx, &rb->rules[k], k, p, pr, &pr->rules[k]);
            if (one == MERIT_ENOMEM) {
                rc = one;
                goto done;
            }
            if (one != 0)
                rc = one;
            pr->eligible = pr->eligible && pr->rules[k].passed;
        }
        pr->status = status_before_budget(rb, pr);
    }
    if (rc != 0)
        goto done;

    /* rank what passes everything but the budget */
    size_t ranked = 0, unranked = call->proposal_count;
    for (size_t i = 0; i < call->proposal_count; i++) {
        if (res->proposals[i].status == MERIT_STATUS_RESERVE)
            res->order[ranked++] = i;
        else
            res->order[--unranked] = i;
    }
    res->ranked_count = ranked;
    rc = facts_known(ctx, &st, ranked);
    if (rc != 0)
        goto done;
    if (sort_indices(res->order, ranked, cmp_ranked_then_id, &st) != 0 ||
        sort_indices(res->order + ranked, call->proposal_count - ranked, cmp_unranked, &st) != 0) {
        rc = merit__oom(ctx);
        goto done;
    }
    for (size_t k = 0; k < ranked; k++) {
        merit_proposal_result *pr = &res->proposals[res->order[k]];
        if (k == 0) {
            pr->decided_by = MERIT_DECIDED_FIRST;
            pr->rank = 1;
            continue;
        }
        merit_proposal_result *above = &res->proposals[res->order[k - 1]];
        compare_ranked(&st, above, pr, &pr->decided_by, &pr->decider_index);
        if (pr->decided_by == MERIT_DECIDED_TIED) {
            pr->rank = above->rank;
            pr->rank_shared = above->rank_shared = true;
        } else {
            pr->rank = k + 1;
        }
    }
    rc = merit__bootstrap(ctx, res, options); /* rank intervals, before the walk */
    if (rc != 0)
        goto done;
    rc = merit__funding_walk(ctx, res, options);
done:
    free(steps);
    free(conf);
    mpq_clears(st.tmp_a, st.tmp_b, NULL);
    if (rc != 0) {
        merit_result_free(res);
        return rc;
    }
    *out = res;
    return 0;
}
