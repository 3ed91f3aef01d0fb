/*
 * `merit stats`: what the engine computes about the reviewers of a ranked
 * call, shown as it is: the reviewer calibration table
 * (engine/src/calibration.h) and the agreement table (engine/src/agreement.h),
 * in text, CSV or JSON (docs/cli.md, "merit stats"; docs/scoring.md defines
 * every figure). Every number is an exact rational, shown rounded half to
 * even to `places`; CSV puts the exact fraction in a NAME_exact column
 * beside it, JSON writes {"exact": "a/b", "shown": "0.85"} as the ranking
 * report does. A figure the method leaves undefined is "-" in text, an
 * empty field in CSV and null in JSON: nothing is made up. Then the rank
 * intervals of the bootstrap (engine/src/uncertainty.h), with the funding
 * line and the grey zone, when the result has them.
 *
 * Each writer computes both tables (linear, or n log n: the headers say)
 * and frees them before it returns; it owns nothing it is given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "agreement.h"
#include "calibration.h"
#include "merit/escape.h"
#include "report.h"

#define STATS_FORMAT_VERSION 1

/* The ICC forms as the tables name them, in merit__icc_form order. */
static const char *const icc_names[MERIT_ICC_FORMS] = {"ICC(1,1)", "ICC(2,1)", "ICC(3,1)",
                                                       "ICC(1,k)", "ICC(2,k)", "ICC(3,k)"};
static const char *const icc_keys[MERIT_ICC_FORMS] = {"icc_1_1", "icc_2_1", "icc_3_1",
                                                      "icc_1_k", "icc_2_k", "icc_3_k"};

#define NO_DESIGN "design does not allow"

void merit__stats_free(struct merit__stats *s)
{
    merit__calibration_free(s->cal);
    merit__agreement_free(s->agr);
}

int merit__stats_compute(merit_sink *sink, const merit_result *res, struct merit__stats *s)
{
    memset(s, 0, sizeof(*s));
    /* calibration records an out-of-memory on a context; a writer has none
     * of its own, so it lends one for the call */
    merit_ctx *ctx = merit_ctx_new();
    int rc = ctx != NULL ? merit__calibration_compute(ctx, res, &s->cal) : MERIT_ENOMEM;
    merit_ctx_free(ctx);
    if (rc == 0)
        rc = merit__agreement_compute(res, &s->agr);
    if (rc != 0) {
        merit__stats_free(s);
        merit_sink_fail(sink, rc);
        return rc;
    }
    return 0;
}

/* The item's name: a criterion id (from the rubric) or NULL for the total. */
static const char *item_criterion(const merit_rubric *rb, const merit__agreement_item *it)
{
    return it->criterion < rb->criterion_count ? rb->criteria[it->criterion].id : NULL;
}

/* --- text ------------------------------------------------------------------ */

static char *shown_or_dash(bool defined, const mpq_t v, unsigned places)
{
    if (!defined) {
        char *d = malloc(2);
        if (d != NULL)
            memcpy(d, "-", 2);
        return d;
    }
    return merit_decimal_string(v, places);
}

/* The table, fitted to width, its header row first, into the sink. */
static void table_out(merit_sink *sink, merit_text_table *t, size_t width)
{
    if (merit_text_table_error(t) != 0) {
        merit_sink_fail(sink, merit_text_table_error(t));
        return;
    }
    merit_text_table_fit(t, width);
    merit_text_table_write(t, sink, 0, merit_text_table_rows(t));
}

enum rcol {
    R_ID,
    R_NAME,
    R_COUNTED,
    R_EXCLUDED,
    R_MEAN,
    R_LENIENCY,
    R_RANGE,
    R_AGREE,
    R_FLAG,
    R_N
};

static void text_reviewers(merit_sink *sink, const merit_result *res, const struct merit__stats *s,
                           const merit_report_options *opt)
{
    const merit_call *call = res->call;
    unsigned places = opt->places;
    static const char *const head[R_N] = {"reviewer", "name",       "counted",
                                          "excluded", "mean total", "leniency",
                                          "range",    "agreement",  "flag"};
    merit_text_column cols[R_N];
    for (size_t c = 0; c < R_N; c++)
        cols[c] = (merit_text_column){MERIT_ALIGN_RIGHT, 0, 0, 0};
    cols[R_ID] = (merit_text_column){MERIT_ALIGN_LEFT, 0, 24, 8};
    cols[R_NAME] = (merit_text_column){MERIT_ALIGN_LEFT, 1, 24, 8};
    cols[R_FLAG] = (merit_text_column){MERIT_ALIGN_LEFT, 0, 0, 0};
    merit_text_table *t = merit_text_table_new(cols, R_N);
    if (t == NULL) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        return;
    }
    merit_text_table_row(t, MERIT_COLOUR_HEADING);
    for (size_t c = 0; c < R_N; c++)
        merit_text_table_word(t, c, head[c]);
    for (size_t i = 0; i < s->cal->reviewer_count; i++) {
        const merit__calib_reviewer *cr = &s->cal->reviewers[i];
        const merit_reviewer *rv = &call->reviewers[cr->reviewer];
        merit_text_table_row(t, cr->flagged ? MERIT_COLOUR_ALERT : MERIT_COLOUR_PLAIN);
        merit_text_table_text(t, R_ID, rv->id, 0);
        merit_text_table_text(t, R_NAME, rv->name, MERIT_ESCAPE_PROSE);
        merit_cell n = {.kind = MERIT_CELL_COUNT, .count = cr->counted};
        merit_text_table_cell(t, R_COUNTED, &n, places);
        n.count = cr->excluded;
        merit_text_table_cell(t, R_EXCLUDED, &n, places);
        merit_text_table_take(t, R_MEAN, shown_or_dash(cr->has_totals, cr->mean_total, places));
        merit_text_table_take(t, R_LENIENCY,
                              shown_or_dash(cr->total.compared > 0, cr->total.mean, places));
        merit_text_table_take(t, R_RANGE, shown_or_dash(cr->has_totals, cr->range, places));
        merit_text_table_take(t, R_AGREE, shown_or_dash(cr->has_agreement, cr->agreement, places));
        merit_text_table_word(t, R_FLAG, cr->flagged ? "flagged" : "");
    }
    merit_sink_printf(sink, "\nReviewers: %zu, flagged %zu\n", s->cal->reviewer_count,
                      s->cal->flagged_count);
    table_out(sink, t, opt->width);
    merit_text_table_free(t);
    merit_sink_puts(sink,
                    "counted, excluded: reviews counted and excluded for a conflict; mean total: "
                    "of their complete counted reviews; leniency: the mean of (their total less "
                    "the mean of the co-reviewers' totals) on the same proposals; range: highest "
                    "less lowest total; agreement: Goodman and Kruskal's gamma between their "
                    "order and the panel's; \"-\": not defined (docs/scoring.md, \"Reviewer "
                    "calibration\").\n");
    merit_sink_printf(sink, "flag: |leniency| greater than %d/%d of the range the total can take (",
                      MERIT__CALIB_FLAG_NUM, MERIT__CALIB_FLAG_DEN);
    merit_sink_take(sink, merit_decimal_string(s->cal->total_range, places));
    merit_sink_puts(sink, "), that is more than ");
    merit_sink_take(sink, merit_decimal_string(s->cal->flag_limit, places));
    merit_sink_printf(sink, ", over at least %d totals compared.\n",
                      MERIT__CALIB_FLAG_MIN_COMPARED);
}

enum acol { A_ITEM, A_INTERVAL, A_ORDINAL, A_ICC, A_BLOCK = A_ICC + MERIT_ICC_FORMS, A_N };

static void text_agreement(merit_sink *sink, const merit_result *res, const struct merit__stats *s,
                           const merit_report_options *opt)
{
    const merit_rubric *rb = res->call->rubric;
    unsigned places = opt->places;
    merit_text_column cols[A_N];
    for (size_t c = 0; c < A_N; c++)
        cols[c] = (merit_text_column){MERIT_ALIGN_RIGHT, 0, 0, 0};
    cols[A_ITEM] = (merit_text_column){MERIT_ALIGN_LEFT, 0, 24, 8};
    cols[A_BLOCK] = (merit_text_column){MERIT_ALIGN_LEFT, 0, 0, 0};
    merit_text_table *t = merit_text_table_new(cols, A_N);
    if (t == NULL) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        return;
    }
    merit_text_table_row(t, MERIT_COLOUR_HEADING);
    merit_text_table_word(t, A_ITEM, "criterion");
    merit_text_table_word(t, A_INTERVAL, "alpha int");
    merit_text_table_word(t, A_ORDINAL, "alpha ord");
    for (size_t f = 0; f < MERIT_ICC_FORMS; f++)
        merit_text_table_word(t, A_ICC + f, icc_names[f]);
    merit_text_table_word(t, A_BLOCK, "ICC block");
    for (size_t i = 0; i < s->agr->item_count; i++) {
        const merit__agreement_item *it = &s->agr->items[i];
        const char *crit = item_criterion(rb, it);
        merit_text_table_row(t, MERIT_COLOUR_PLAIN);
        if (crit != NULL)
            merit_text_table_text(t, A_ITEM, crit, 0);
        else
            merit_text_table_word(t, A_ITEM, "(total)");
        merit_text_table_take(t, A_INTERVAL,
                              shown_or_dash(it->interval.defined, it->interval.value, places));
        merit_text_table_take(t, A_ORDINAL,
                              shown_or_dash(it->ordinal.defined, it->ordinal.value, places));
        for (size_t f = 0; f < MERIT_ICC_FORMS; f++)
            merit_text_table_take(
                t, A_ICC + f,
                shown_or_dash(it->icc.design && it->icc.defined[f], it->icc.value[f], places));
        if (!it->icc.design) {
            merit_text_table_word(t, A_BLOCK, NO_DESIGN);
        } else {
            char buf[96];
            snprintf(buf, sizeof(buf), "%zu proposals x %zu reviewers", it->icc.targets,
                     it->icc.judges);
            merit_text_table_word(t, A_BLOCK, buf);
        }
    }
    merit_sink_puts(sink, "\nAgreement between reviewers\n");
    table_out(sink, t, opt->width);
    merit_text_table_free(t);
    merit_sink_puts(sink,
                    "alpha int, alpha ord: Krippendorff's alpha, interval and ordinal, over every "
                    "proposal with two values or more; ICC: the six Shrout-Fleiss intraclass "
                    "correlations on the largest complete block of proposals rated by the same "
                    "reviewers (its size beside them); \"-\": not defined (docs/scoring.md, "
                    "\"Agreement\").\n");
    /* a block this small describes itself, not the panel: say so once, for
     * the smallest block shown */
    size_t smallest = SIZE_MAX, of = 0;
    for (size_t i = 0; i < s->agr->item_count; i++) {
        const merit__icc *icc = &s->agr->items[i].icc;
        if (icc->design && icc->targets < smallest) {
            smallest = icc->targets;
            of = icc->targets + icc->skipped;
        }
    }
    if (smallest < MERIT__ICC_FEW_PROPOSALS)
        merit_sink_printf(sink,
                          "note: an ICC block holds as few as %zu of the %zu proposals with "
                          "values: its ICCs describe those proposals and reviewers alone, not "
                          "the panel; alpha uses every proposal.\n",
                          smallest, of);
}

enum icol { I_ID, I_RANK, I_MEDIAN, I_INTERVAL, I_PFUNDED, I_GREY, I_N };

static void text_intervals(merit_sink *sink, const merit_result *res,
                           const merit_report_options *opt)
{
    if (!res->has_intervals) {
        if (res->resamples > 0)
            merit_sink_puts(sink, "\nRank intervals: no proposal is ranked\n");
        else
            merit_sink_puts(sink, "\nRank intervals: not computed (--resamples 0)\n");
        return;
    }
    static const char *const head[I_N] = {"proposal", "rank",      "median",
                                          "interval", "P(funded)", "grey zone"};
    merit_text_column cols[I_N];
    for (size_t c = 0; c < I_N; c++)
        cols[c] = (merit_text_column){MERIT_ALIGN_RIGHT, 0, 0, 0};
    cols[I_ID] = (merit_text_column){MERIT_ALIGN_LEFT, 0, 24, 8};
    cols[I_GREY] = (merit_text_column){MERIT_ALIGN_LEFT, 0, 0, 0};
    merit_text_table *t = merit_text_table_new(cols, I_N);
    if (t == NULL) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        return;
    }
    merit_text_table_row(t, MERIT_COLOUR_HEADING);
    for (size_t c = 0; c < I_N; c++)
        merit_text_table_word(t, c, head[c]);
    for (size_t k = 0; k < res->ranked_count; k++) {
        const merit_proposal_result *pr = &res->proposals[res->order[k]];
        char buf[64];
        merit_text_table_row(t, pr->grey_zone ? MERIT_COLOUR_ALERT : MERIT_COLOUR_PLAIN);
        merit_text_table_text(t, I_ID, res->call->proposals[pr->proposal].id, 0);
        snprintf(buf, sizeof(buf), "%zu%s", pr->rank, pr->rank_shared ? "=" : "");
        merit_text_table_word(t, I_RANK, buf);
        snprintf(buf, sizeof(buf), "%zu", pr->rank_median);
        merit_text_table_word(t, I_MEDIAN, buf);
        snprintf(buf, sizeof(buf), "%zu-%zu", pr->rank_low, pr->rank_high);
        merit_text_table_word(t, I_INTERVAL, buf);
        char *p = merit__p_funded_percent(res, pr);
        snprintf(buf, sizeof(buf), "%s%%", p != NULL ? p : "?");
        if (p == NULL)
            merit_sink_fail(sink, MERIT_ENOMEM);
        free(p);
        merit_text_table_word(t, I_PFUNDED, buf);
        merit_text_table_word(t, I_GREY, pr->grey_zone ? "grey zone" : "");
        if (k + 1 == res->line) {
            /* the funding line, as a row of its own */
            merit_text_table_row(t, MERIT_COLOUR_PLAIN);
            merit_text_table_word(t, I_ID, "-- line");
        }
    }
    merit_sink_printf(sink,
                      "\nRank intervals: %u%% over %zu resamples of each proposal's reviews, "
                      "seed ",
                      res->level, res->resamples);
    merit_sink_shown(sink, res->seed, 0);
    merit_sink_printf(sink, "; the funding line after position %zu; %zu in the grey zone\n",
                      res->line, res->grey_count);
    table_out(sink, t, opt->width);
    merit_text_table_free(t);
    merit_sink_puts(sink,
                    "rank: as ranked (3=: shared); median, interval: of the proposal's position "
                    "over the resamples, ties broken at random; P(funded): the share of "
                    "resamples whose funding walk funds it; grey zone: the interval holds "
                    "positions on both sides of the funding line (docs/scoring.md, \"Rank "
                    "intervals and the grey zone\").\n");
}

int merit_report_stats_text(merit_sink *sink, const merit_result *res,
                            const merit_report_options *opt)
{
    merit_report_options defaults = {.places = 2};
    if (opt == NULL)
        opt = &defaults;
    struct merit__stats s;
    if (merit__stats_compute(sink, res, &s) != 0)
        return sink->error;
    const merit_call *call = res->call;
    merit_sink_puts(sink, "Statistics: ");
    merit_sink_shown(sink, call->id, 0);
    merit_sink_puts(sink, "  ");
    merit_sink_shown(sink, call->title, MERIT_ESCAPE_PROSE);
    merit_sink_puts(sink, "\nrubric ");
    merit_sink_shown(sink, call->rubric->id, 0);
    merit_sink_printf(sink,
                      " | method %s | %zu proposals, %zu reviewers, %zu reviews (%zu excluded)\n",
                      merit_method_name(res->method), call->proposal_count, call->reviewer_count,
                      call->review_count, res->reviews_excluded);
    text_reviewers(sink, res, &s, opt);
    text_agreement(sink, res, &s, opt);
    text_intervals(sink, res, opt);
    char note[160];
    merit_report_rounding_note(note, sizeof(note), opt->places);
    merit_sink_printf(sink, "\n%s\n", note);
    merit__stats_free(&s);
    return merit_sink_ok(sink) ? 0 : sink->error;
}

/* --- CSV ------------------------------------------------------------------- */

struct csvw {
    merit_csv_row row;
    unsigned places;
};

static void csv_word(struct csvw *c, const char *w)
{
    merit__csv_cell(&c->row, w, false);
}

static void csv_input(struct csvw *c, const char *text)
{
    merit__csv_cell(&c->row, text != NULL ? text : "", true);
}

static void csv_size(struct csvw *c, uint64_t n)
{
    merit__csv_count(&c->row, n);
}

/* The number and its exact fraction, two fields; both empty when undefined. */
static void csv_number(struct csvw *c, bool defined, const mpq_t v)
{
    if (!defined) {
        merit__csv_cell(&c->row, "", false);
        merit__csv_cell(&c->row, "", false);
        return;
    }
    merit__csv_owned(&c->row, merit_decimal_string(v, c->places), false);
    merit__csv_owned(&c->row, merit_fraction_string(v), false);
}

/* A header pair: NAME and NAME_exact; prefix + id when id is not NULL
 * (a criterion id, from the rubric). */
static void csv_head_pair(struct csvw *c, const char *prefix, const char *id)
{
    for (int k = 0; k < 2; k++) {
        size_t n = strlen(prefix) + (id != NULL ? strlen(id) : 0) + sizeof("_exact");
        char *name = malloc(n);
        if (name != NULL)
            snprintf(name, n, "%s%s%s", prefix, id != NULL ? id : "", k == 1 ? "_exact" : "");
        merit__csv_owned(&c->row, name, id != NULL);
    }
}

static void csv_end(struct csvw *c)
{
    merit__csv_end(&c->row);
}

int merit_report_stats_csv(merit_sink *sink, const merit_result *res,
                           const merit_report_options *opt)
{
    struct merit__stats s;
    if (merit__stats_compute(sink, res, &s) != 0)
        return sink->error;
    const merit_call *call = res->call;
    const merit_rubric *rb = call->rubric;
    struct csvw c = {{sink, 0}, opt != NULL ? opt->places : 2};

    /* the reviewer table */
    static const char *const head[] = {"reviewer", "name",     "reviews",
                                       "counted",  "excluded", "complete"};
    for (size_t k = 0; k < sizeof(head) / sizeof(head[0]); k++)
        csv_word(&c, head[k]);
    csv_head_pair(&c, "mean_total", NULL);
    csv_head_pair(&c, "range", NULL);
    csv_word(&c, "compared_total");
    csv_head_pair(&c, "leniency_total", NULL);
    for (size_t k = 0; k < rb->criterion_count; k++)
        csv_head_pair(&c, "leniency_", rb->criteria[k].id);
    csv_word(&c, "agreement_proposals");
    csv_head_pair(&c, "agreement", NULL);
    csv_word(&c, "flagged");
    csv_end(&c);
    for (size_t i = 0; i < s.cal->reviewer_count && merit_sink_ok(sink); i++) {
        const merit__calib_reviewer *cr = &s.cal->reviewers[i];
        const merit_reviewer *rv = &call->reviewers[cr->reviewer];
        csv_input(&c, rv->id);
        csv_input(&c, rv->name);
        csv_size(&c, cr->reviews);
        csv_size(&c, cr->counted);
        csv_size(&c, cr->excluded);
        csv_size(&c, cr->complete);
        csv_number(&c, cr->has_totals, cr->mean_total);
        csv_number(&c, cr->has_totals, cr->range);
        csv_size(&c, cr->total.compared);
        csv_number(&c, cr->total.compared > 0, cr->total.mean);
        for (size_t k = 0; k < rb->criterion_count; k++)
            csv_number(&c, cr->criteria[k].compared > 0, cr->criteria[k].mean);
        csv_size(&c, cr->agreement_n);
        csv_number(&c, cr->has_agreement, cr->agreement);
        csv_word(&c, cr->flagged ? "yes" : "no");
        csv_end(&c);
    }

    /* the agreement table, after an empty line */
    merit_sink_puts(sink, "\r\n");
    csv_word(&c, "item");
    csv_word(&c, "criterion");
    csv_head_pair(&c, "alpha_interval", NULL);
    csv_head_pair(&c, "alpha_ordinal", NULL);
    for (size_t f = 0; f < MERIT_ICC_FORMS; f++)
        csv_head_pair(&c, icc_keys[f], NULL);
    csv_word(&c, "icc_block_proposals");
    csv_word(&c, "icc_block_reviewers");
    csv_word(&c, "icc_note");
    csv_end(&c);
    for (size_t i = 0; i < s.agr->item_count && merit_sink_ok(sink); i++) {
        const merit__agreement_item *it = &s.agr->items[i];
        const char *crit = item_criterion(rb, it);
        csv_word(&c, crit != NULL ? "criterion" : "total");
        csv_input(&c, crit);
        csv_number(&c, it->interval.defined, it->interval.value);
        csv_number(&c, it->ordinal.defined, it->ordinal.value);
        for (size_t f = 0; f < MERIT_ICC_FORMS; f++)
            csv_number(&c, it->icc.design && it->icc.defined[f], it->icc.value[f]);
        if (it->icc.design) {
            csv_size(&c, it->icc.targets);
            csv_size(&c, it->icc.judges);
            csv_word(&c, "");
        } else {
            csv_word(&c, "");
            csv_word(&c, "");
            csv_word(&c, NO_DESIGN);
        }
        csv_end(&c);
    }

    /* the rank intervals, after an empty line, when computed */
    if (res->has_intervals) {
        merit_sink_puts(sink, "\r\n");
        static const char *const ihead[] = {
            "proposal",  "rank",      "rank_shared", "rank_low",       "rank_median", "rank_high",
            "funded_in", "resamples", "p_funded",    "p_funded_exact", "grey_zone",   "line"};
        for (size_t k = 0; k < sizeof(ihead) / sizeof(ihead[0]); k++)
            csv_word(&c, ihead[k]);
        csv_end(&c);
        mpq_t q;
        mpq_init(q);
        for (size_t k = 0; k < res->ranked_count && merit_sink_ok(sink); k++) {
            const merit_proposal_result *pr = &res->proposals[res->order[k]];
            csv_input(&c, call->proposals[pr->proposal].id);
            csv_size(&c, pr->rank);
            csv_word(&c, pr->rank_shared ? "yes" : "no");
            csv_size(&c, pr->rank_low);
            csv_size(&c, pr->rank_median);
            csv_size(&c, pr->rank_high);
            csv_size(&c, pr->funded_in);
            csv_size(&c, res->resamples);
            merit__csv_owned(&c.row, merit__p_funded_percent(res, pr), false);
            merit__p_funded(res, pr, q);
            merit__csv_owned(&c.row, merit_fraction_string(q), false);
            csv_word(&c, pr->grey_zone ? "yes" : "no");
            csv_size(&c, res->line);
            csv_end(&c);
        }
        mpq_clear(q);
    }
    merit__stats_free(&s);
    return merit_sink_ok(sink) ? 0 : sink->error;
}

/* --- JSON ------------------------------------------------------------------ */

struct jsw {
    merit_sink *sink;
    unsigned places;
};

/* {"exact": "a/b", "shown": "0.85"}, or null when undefined. */
static json_t *jnumber(struct jsw *w, bool defined, const mpq_t v)
{
    return defined ? merit__json_number(w->sink, v, w->places) : json_null();
}

static json_t *jcount(uint64_t n)
{
    return json_integer((json_int_t)n);
}

/* crit: the criterion's id, or NULL for the leniency on the total */
static json_t *jleniency(struct jsw *w, const char *crit, const merit__leniency *l)
{
    json_t *o = json_object();
    if (crit != NULL)
        merit__json_set(w->sink, o, "criterion", merit__json_text(crit));
    merit__json_set(w->sink, o, "compared", jcount(l->compared));
    merit__json_set(w->sink, o, "mean", jnumber(w, l->compared > 0, l->mean));
    return o;
}

json_t *merit__stats_reviewer_json(merit_sink *sink, const merit_call *call,
                                   const merit__calib_reviewer *cr, unsigned places)
{
    struct jsw wj = {sink, places}, *w = &wj;
    const merit_rubric *rb = call->rubric;
    const merit_reviewer *rv = &call->reviewers[cr->reviewer];
    json_t *o = json_object();
    merit__json_set(w->sink, o, "id", merit__json_text(rv->id));
    merit__json_set(w->sink, o, "name", merit__json_text(rv->name));
    merit__json_set(w->sink, o, "reviews", jcount(cr->reviews));
    merit__json_set(w->sink, o, "counted", jcount(cr->counted));
    merit__json_set(w->sink, o, "excluded", jcount(cr->excluded));
    merit__json_set(w->sink, o, "no_scores", jcount(cr->no_scores));
    merit__json_set(w->sink, o, "complete", jcount(cr->complete));
    merit__json_set(w->sink, o, "mean_total", jnumber(w, cr->has_totals, cr->mean_total));
    merit__json_set(w->sink, o, "min_total", jnumber(w, cr->has_totals, cr->min_total));
    merit__json_set(w->sink, o, "max_total", jnumber(w, cr->has_totals, cr->max_total));
    merit__json_set(w->sink, o, "range", jnumber(w, cr->has_totals, cr->range));
    merit__json_set(w->sink, o, "variance", jnumber(w, cr->has_totals, cr->variance));
    json_t *len = json_object();
    merit__json_set(w->sink, len, "total", jleniency(w, NULL, &cr->total));
    json_t *crit = json_array();
    for (size_t k = 0; k < rb->criterion_count; k++)
        merit__json_append(w->sink, crit, jleniency(w, rb->criteria[k].id, &cr->criteria[k]));
    merit__json_set(w->sink, len, "criteria", crit);
    merit__json_set(w->sink, o, "leniency", len);
    json_t *ag = json_object();
    merit__json_set(w->sink, ag, "proposals", jcount(cr->agreement_n));
    merit__json_set(w->sink, ag, "pairs", jcount(cr->pairs));
    merit__json_set(w->sink, ag, "concordant", jcount(cr->concordant));
    merit__json_set(w->sink, ag, "discordant", jcount(cr->discordant));
    merit__json_set(w->sink, ag, "tied_reviewer", jcount(cr->tied_reviewer));
    merit__json_set(w->sink, ag, "tied_panel", jcount(cr->tied_panel));
    merit__json_set(w->sink, ag, "tied_both", jcount(cr->tied_both));
    merit__json_set(w->sink, ag, "gamma", jnumber(w, cr->has_agreement, cr->agreement));
    merit__json_set(w->sink, o, "rank_agreement", ag);
    merit__json_set(w->sink, o, "flagged", json_boolean(cr->flagged));
    return o;
}

static json_t *jalpha(struct jsw *w, const merit__alpha *a)
{
    json_t *o = json_object();
    merit__json_set(w->sink, o, "value", jnumber(w, a->defined, a->value));
    merit__json_set(w->sink, o, "units", jcount(a->units));
    merit__json_set(w->sink, o, "values", jcount(a->values));
    return o;
}

json_t *merit__stats_agreement_json(merit_sink *sink, const merit_call *call,
                                    const merit__agreement_item *it, unsigned places)
{
    struct jsw wj = {sink, places}, *w = &wj;
    const char *crit = item_criterion(call->rubric, it);
    json_t *o = json_object();
    merit__json_set(w->sink, o, "item", json_string(crit != NULL ? "criterion" : "total"));
    merit__json_set(w->sink, o, "criterion", merit__json_text(crit));
    merit__json_set(w->sink, o, "alpha_interval", jalpha(w, &it->interval));
    merit__json_set(w->sink, o, "alpha_ordinal", jalpha(w, &it->ordinal));
    json_t *icc = json_object();
    merit__json_set(w->sink, icc, "design", json_boolean(it->icc.design));
    merit__json_set(w->sink, icc, "note", it->icc.design ? json_null() : json_string(NO_DESIGN));
    if (it->icc.design) {
        merit__json_set(w->sink, icc, "proposals", jcount(it->icc.targets));
        json_t *who = json_array();
        for (size_t j = 0; j < it->icc.judges; j++)
            merit__json_append(w->sink, who,
                               merit__json_text(call->reviewers[it->icc.coders[j]].id));
        merit__json_set(w->sink, icc, "reviewers", who);
        merit__json_set(w->sink, icc, "skipped", jcount(it->icc.skipped));
    } else {
        merit__json_set(w->sink, icc, "proposals", json_null());
        merit__json_set(w->sink, icc, "reviewers", json_null());
        merit__json_set(w->sink, icc, "skipped", json_null());
    }
    for (size_t f = 0; f < MERIT_ICC_FORMS; f++)
        merit__json_set(w->sink, icc, icc_keys[f],
                        jnumber(w, it->icc.design && it->icc.defined[f], it->icc.value[f]));
    merit__json_set(w->sink, o, "icc", icc);
    return o;
}

/* The rank intervals, or null when not computed. */
static json_t *jintervals(struct jsw *w, const merit_result *res)
{
    if (!res->has_intervals)
        return json_null();
    json_t *o = json_object();
    merit__json_set(w->sink, o, "resamples", jcount(res->resamples));
    merit__json_set(w->sink, o, "level", jcount(res->level));
    merit__json_set(w->sink, o, "seed", merit__json_text(res->seed));
    merit__json_set(w->sink, o, "line", jcount(res->line));
    merit__json_set(w->sink, o, "grey_zone", jcount(res->grey_count));
    json_t *list = json_array();
    mpq_t q;
    mpq_init(q);
    for (size_t k = 0; k < res->ranked_count; k++) {
        const merit_proposal_result *pr = &res->proposals[res->order[k]];
        json_t *one = json_object();
        merit__json_set(w->sink, one, "id",
                        merit__json_text(res->call->proposals[pr->proposal].id));
        merit__json_set(w->sink, one, "rank", jcount(pr->rank));
        merit__json_set(w->sink, one, "rank_shared", json_boolean(pr->rank_shared));
        merit__json_set(w->sink, one, "low", jcount(pr->rank_low));
        merit__json_set(w->sink, one, "median", jcount(pr->rank_median));
        merit__json_set(w->sink, one, "high", jcount(pr->rank_high));
        merit__json_set(w->sink, one, "funded_in", jcount(pr->funded_in));
        merit__p_funded(res, pr, q);
        merit__json_set(w->sink, one, "p_funded", merit__json_owned(merit_fraction_string(q)));
        merit__json_set(w->sink, one, "p_funded_percent",
                        merit__json_owned(merit__p_funded_percent(res, pr)));
        merit__json_set(w->sink, one, "grey_zone", json_boolean(pr->grey_zone));
        merit__json_append(w->sink, list, one);
    }
    mpq_clear(q);
    merit__json_set(w->sink, o, "proposals", list);
    return o;
}

static int put_json(const char *buffer, size_t size, void *data)
{
    merit_sink *sink = data;
    merit_sink_write(sink, buffer, size);
    return merit_sink_ok(sink) ? 0 : -1;
}

int merit_report_stats_json(merit_sink *sink, const merit_result *res,
                            const merit_report_options *opt)
{
    struct merit__stats s;
    if (merit__stats_compute(sink, res, &s) != 0)
        return sink->error;
    const merit_call *call = res->call;
    struct jsw w = {sink, opt != NULL ? opt->places : 2};
    json_t *doc = json_object();
    merit__json_set(sink, doc, "format", json_string("merit-stats"));
    merit__json_set(sink, doc, "version", json_integer(STATS_FORMAT_VERSION));
    json_t *c = json_object();
    merit__json_set(sink, c, "id", merit__json_text(call->id));
    merit__json_set(sink, c, "title", merit__json_text(call->title));
    merit__json_set(sink, c, "rubric", merit__json_text(call->rubric->id));
    merit__json_set(sink, c, "method", json_string(merit_method_name(res->method)));
    merit__json_set(sink, doc, "call", c);
    merit__json_set(sink, doc, "places", json_integer(w.places));
    json_t *flag = json_object();
    char fraction[32];
    snprintf(fraction, sizeof(fraction), "%d/%d", MERIT__CALIB_FLAG_NUM, MERIT__CALIB_FLAG_DEN);
    merit__json_set(sink, flag, "fraction_of_range", json_string(fraction));
    merit__json_set(sink, flag, "total_range", jnumber(&w, true, s.cal->total_range));
    merit__json_set(sink, flag, "limit", jnumber(&w, true, s.cal->flag_limit));
    merit__json_set(sink, flag, "min_compared", json_integer(MERIT__CALIB_FLAG_MIN_COMPARED));
    merit__json_set(sink, doc, "flag_rule", flag);
    merit__json_set(sink, doc, "flagged", jcount(s.cal->flagged_count));
    json_t *rv = json_array();
    for (size_t i = 0; i < s.cal->reviewer_count; i++)
        merit__json_append(sink, rv,
                           merit__stats_reviewer_json(sink, call, &s.cal->reviewers[i], w.places));
    merit__json_set(sink, doc, "reviewers", rv);
    json_t *ag = json_array();
    for (size_t i = 0; i < s.agr->item_count; i++)
        merit__json_append(sink, ag,
                           merit__stats_agreement_json(sink, call, &s.agr->items[i], w.places));
    merit__json_set(sink, doc, "agreement", ag);
    merit__json_set(sink, doc, "rank_intervals", jintervals(&w, res));
    if (merit_sink_ok(sink) &&
        json_dump_callback(doc, put_json, sink,
                           JSON_PRESERVE_ORDER | JSON_INDENT(2) | JSON_ENCODE_ANY) != 0)
        merit_sink_fail(sink, MERIT_ENOMEM);
    merit_sink_putc(sink, '\n');
    json_decref(doc);
    merit__stats_free(&s);
    return merit_sink_ok(sink) ? 0 : sink->error;
}
