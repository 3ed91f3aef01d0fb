/*
 * The HTML report (`merit rank --format html`): one self-contained page for
 * people to look at, built on html_page.c. In order: the call's header
 * (budget, rubric, method, date, what was awarded), rejected inputs, the
 * ranked table with the funding line drawn across it as a row, a chart of
 * totals by rank with the funding line, a histogram of the reviewers'
 * scores per criterion, the proposals not ranked and why, excluded reviews
 * and declared conflicts, the input files with their SHA-256 and how to
 * replay, and the notes (flags, the rounding rule).
 *
 * Stable structure (the browser tests and other tools read it): the
 * ranking table is `table#ranking`; each proposal row is
 * `tr[data-id][data-status]` (data-status as merit_status_name) and ranked
 * rows carry data-rank; the funding line is `tr.funding-line`, after the
 * last funded row (first in the body when nothing is funded).
 *
 * Every text from an input goes through merit_sink_html. A number is shown
 * rounded; when rounding changed it, its exact value is its title.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feedback.h"
#include "report.h"

struct page {
    merit_sink *sink;
    const merit_result *res;
    const merit_call *call;
    unsigned places;
    merit_report_shown shown;
    mpz_t pow10; /* 10^places: a number is shown exactly when its
                    denominator divides this */
};

static void money(struct page *pg, int64_t cents)
{
    char buf[48];
    merit_format_money(buf, sizeof(buf), cents);
    merit_sink_puts(pg->sink, buf);
}

/* A number as a cell of the ranking (whose stylesheet right-aligns its
 * cells but the text ones, td.t, to keep 10,000 rows small): rounded, with
 * its exact value as the title when the rounding changed it. */
static void number_cell(struct page *pg, mpq_srcptr value)
{
    merit_cell cell = {.kind = MERIT_CELL_NUMBER, .number = value};
    merit_sink *sink = pg->sink;
    if (mpz_divisible_p(pg->pow10, mpq_denref(value))) {
        merit_sink_puts(sink, "<td>");
    } else {
        merit_sink_puts(sink, "<td title=\"");
        merit_sink_take(sink, merit_cell_exact(&cell));
        merit_sink_puts(sink, "\">");
    }
    merit_sink_take(sink, merit_cell_shown(&cell, pg->places));
    merit_sink_puts(sink, "</td>");
}

/* A status as a badge: its name, a class for border and colour. */
static void status_badge(merit_sink *sink, merit_status status)
{
    const char *name = merit_status_name(status);
    merit_sink_printf(sink, "<span class=\"st st-%s\">%s</span>", name, name);
}

/* --- the header ------------------------------------------------------------- */

static void header(struct page *pg, const merit_report_options *opt)
{
    merit_sink *sink = pg->sink;
    const merit_call *call = pg->call;
    const merit_rubric *rb = call->rubric;
    const merit_result *res = pg->res;
    merit_sink_puts(sink, "<header>\n<h1>Ranking of <code>");
    merit_sink_html(sink, call->id);
    merit_sink_puts(sink, "</code>: ");
    merit_sink_html(sink, call->title);
    merit_sink_puts(sink, "</h1>\n<dl class=\"meta\" id=\"call\">\n<dt>Call</dt><dd><code>");
    merit_sink_html(sink, call->id);
    merit_sink_puts(sink, "</code> ");
    merit_sink_html(sink, call->title);
    merit_sink_puts(sink, "</dd>\n<dt>Budget</dt><dd>");
    merit_sink_html(sink, call->currency);
    merit_sink_putc(sink, ' ');
    money(pg, call->budget);
    merit_sink_puts(sink, "</dd>\n<dt>Rubric</dt><dd><code>");
    merit_sink_html(sink, rb->id);
    merit_sink_puts(sink, "</code> version <code>");
    merit_sink_html(sink, rb->version);
    merit_sink_puts(sink, "</code>: ");
    merit_sink_html(sink, rb->title);
    merit_sink_printf(sink, " (%s)</dd>\n<dt>Method</dt><dd>%s",
                      rb->direction == MERIT_HIGHER_IS_BETTER ? "higher is better"
                                                              : "lower is better",
                      merit_method_name(res->method));
    if (res->method != rb->method)
        merit_sink_printf(sink, " (chosen with --method; the rubric's is %s)",
                          merit_method_name(rb->method));
    merit_sink_puts(sink, "</dd>\n<dt>Date of the run</dt><dd>");
    struct tm tm;
    time_t when = (time_t)opt->time;
    if (opt->dated && gmtime_r(&when, &tm) != NULL)
        merit_sink_printf(sink,
                          "<time datetime=\"%04d-%02d-%02dT%02d:%02d:%02dZ\">%04d-%02d-%02d "
                          "%02d:%02d:%02d UTC</time>",
                          tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                          tm.tm_sec, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                          tm.tm_min, tm.tm_sec);
    else
        merit_sink_puts(sink, "not recorded (set SOURCE_DATE_EPOCH to date the report; the "
                              "audit trail records the time of its run)");
    merit_sink_printf(sink,
                      "</dd>\n<dt>Inputs</dt><dd>%zu proposal%s, %zu reviewer%s, %zu review%s "
                      "(%zu excluded)</dd>\n<dt>Awarded</dt><dd>",
                      call->proposal_count, call->proposal_count == 1 ? "" : "s",
                      call->reviewer_count, call->reviewer_count == 1 ? "" : "s",
                      call->review_count, call->review_count == 1 ? "" : "s",
                      res->reviews_excluded);
    merit_sink_html(sink, call->currency);
    merit_sink_putc(sink, ' ');
    money(pg, res->awarded);
    merit_sink_printf(sink, " to %zu proposal%s; ", res->funded_count,
                      res->funded_count == 1 ? "" : "s");
    merit_sink_html(sink, call->currency);
    merit_sink_putc(sink, ' ');
    money(pg, res->remaining);
    merit_sink_printf(sink, " left; %zu ranked, %zu not ranked</dd>\n</dl>\n</header>\n",
                      res->ranked_count, call->proposal_count - res->ranked_count);
}

static void rejected(struct page *pg)
{
    merit_sink *sink = pg->sink;
    const merit_call *call = pg->call;
    if (call->rejected_count == 0)
        return;
    merit_sink_printf(sink,
                      "<section id=\"rejected\">\n<h2>Rejected inputs (--keep-going)</h2>\n"
                      "<table>\n<caption>%zu input%s left out of this ranking</caption>\n"
                      "<thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">What</th>"
                      "<th scope=\"col\">Where</th><th scope=\"col\">Reason</th></tr></thead>\n"
                      "<tbody>\n",
                      call->rejected_count, call->rejected_count == 1 ? "" : "s");
    for (size_t i = 0; i < call->rejected_count; i++) {
        const merit_rejected *r = &call->rejected[i];
        merit_sink_printf(sink, "<tr><td>%s</td><th scope=\"row\"><code>",
                          merit_rejected_kind_name(r->kind));
        merit_sink_html(sink, r->what);
        merit_sink_puts(sink, "</code></th><td><code>");
        if (r->loc.file != NULL) {
            merit_sink_html(sink, r->loc.file);
            if (r->loc.line > 0)
                merit_sink_printf(sink, ":%u", r->loc.line);
        }
        merit_sink_puts(sink, "</code></td><td>");
        merit_sink_html(sink, r->reason);
        merit_sink_puts(sink, "</td></tr>\n");
    }
    merit_sink_puts(sink, "</tbody>\n</table>\n</section>\n");
}

/* --- the ranking ------------------------------------------------------------ */

static void funding_line_row(struct page *pg, size_t columns)
{
    merit_sink *sink = pg->sink;
    const merit_result *res = pg->res;
    merit_sink_printf(sink,
                      "<tr class=\"funding-line\"><td colspan=\"%zu\">Funding line: ", columns);
    merit_sink_html(sink, pg->call->currency);
    merit_sink_putc(sink, ' ');
    money(pg, res->awarded);
    merit_sink_printf(sink, " awarded to %zu proposal%s, ", res->funded_count,
                      res->funded_count == 1 ? "" : "s");
    merit_sink_html(sink, pg->call->currency);
    merit_sink_putc(sink, ' ');
    money(pg, res->remaining);
    merit_sink_puts(sink, " left; funded above, not funded below</td></tr>\n");
}

static void proposal_row(struct page *pg, const merit_proposal_result *pr, bool ranked)
{
    merit_sink *sink = pg->sink;
    const merit_call *call = pg->call;
    const merit_proposal *p = &call->proposals[pr->proposal];
    size_t nc = call->rubric->criterion_count;
    merit_sink_puts(sink, "<tr data-id=\"");
    merit_sink_html(sink, p->id);
    merit_sink_printf(sink, "\" data-status=\"%s\"", merit_status_name(pr->status));
    if (ranked)
        merit_sink_printf(sink, " data-rank=\"%zu\"><td>%zu%s</td>", pr->rank, pr->rank,
                          pr->rank_shared ? "=" : "");
    else
        merit_sink_puts(sink, "><td>-</td>");
    merit_sink_puts(sink, "<th scope=\"row\"><code>");
    merit_sink_html(sink, p->id);
    merit_sink_puts(sink, "</code></th><td class=\"t\">");
    merit_sink_html(sink, p->title);
    merit_sink_puts(sink, "</td>");
    if (pg->shown.who) {
        const char *who = merit_proposal_applicant(p);
        merit_sink_puts(sink, "<td class=\"t\">");
        merit_sink_html(sink, who != NULL ? who : "");
        merit_sink_puts(sink, "</td>");
    }
    if (pg->shown.request) {
        merit_sink_puts(sink, "<td>");
        money(pg, p->request);
        merit_sink_puts(sink, "</td>");
    }
    if (pr->has_total)
        number_cell(pg, pr->total);
    else
        merit_sink_puts(sink, "<td>-</td>");
    for (size_t c = 0; c < nc; c++) {
        if (pr->criteria[c].has_value)
            number_cell(pg, pr->criteria[c].value);
        else
            merit_sink_puts(sink, "<td>-</td>");
    }
    if (pr->reviews_excluded > 0)
        merit_sink_printf(sink, "<td>%zu+%zux</td><td class=\"t\">", pr->reviews_counted,
                          pr->reviews_excluded);
    else
        merit_sink_printf(sink, "<td>%zu</td><td class=\"t\">", pr->reviews_counted);
    status_badge(sink, pr->status);
    merit_sink_puts(sink, "</td><td>");
    if (pr->disagreement)
        merit_sink_puts(sink, "<abbr title=\"reviewers disagree\">D</abbr>");
    if (pr->tie_at_line)
        merit_sink_puts(sink, "<abbr title=\"a shared rank at the funding line\">T</abbr>");
    if (merit_call_moderated_count(call, pr->proposal) > 0)
        merit_sink_puts(sink, "<abbr title=\"the panel changed some of its scores after review "
                              "(moderation)\">M</abbr>");
    merit_sink_puts(sink, "</td><td>");
    if (pr->status == MERIT_STATUS_FUNDED)
        money(pg, pr->cumulative);
    merit_sink_puts(sink, "</td></tr>\n");
}

static void ranking(struct page *pg)
{
    merit_sink *sink = pg->sink;
    const merit_call *call = pg->call;
    const merit_result *res = pg->res;
    const merit_rubric *rb = call->rubric;
    size_t nc = rb->criterion_count;
    size_t columns = 3 + (pg->shown.who ? 1 : 0) + (pg->shown.request ? 1 : 0) + 1 + nc + 4;

    merit_sink_puts(sink, "<section id=\"ranking-section\">\n<h2>Ranking</h2>\n"
                          "<table id=\"ranking\">\n<caption>Proposals in rank order, the "
                          "funding line drawn after the last funded one; then the proposals "
                          "not ranked</caption>\n<thead><tr><th scope=\"col\">Rank</th>"
                          "<th scope=\"col\">Id</th><th scope=\"col\">Title</th>");
    if (pg->shown.who)
        merit_sink_printf(sink, "<th scope=\"col\">%s</th>",
                          pg->shown.applicant ? "Applicant" : "Lead");
    if (pg->shown.request) {
        merit_sink_puts(sink, "<th scope=\"col\" class=\"n\">Request (");
        merit_sink_html(sink, call->currency);
        merit_sink_puts(sink, ")</th>");
    }
    merit_sink_puts(sink, "<th scope=\"col\" class=\"n\">Total</th>");
    for (size_t c = 0; c < nc; c++) {
        merit_sink_puts(sink, "<th scope=\"col\" class=\"n\"><abbr title=\"");
        merit_sink_html(sink, rb->criteria[c].name);
        merit_sink_puts(sink, "\">");
        merit_sink_html(sink, rb->criteria[c].id);
        merit_sink_puts(sink, "</abbr></th>");
    }
    merit_sink_puts(sink, "<th scope=\"col\" class=\"n\"><abbr title=\"counted reviews "
                          "(+N x: excluded)\">Reviews</abbr></th><th scope=\"col\">Status</th>"
                          "<th scope=\"col\">Flags</th><th scope=\"col\" class=\"n\">"
                          "Cumulative</th></tr></thead>\n<tbody>\n");

    /* the line goes after the last funded row, as in the text report */
    size_t line_after = 0;
    for (size_t k = 0; k < res->ranked_count; k++)
        if (res->proposals[res->order[k]].status == MERIT_STATUS_FUNDED)
            line_after = k + 1;
    if (line_after == 0)
        funding_line_row(pg, columns);
    for (size_t k = 0; k < res->ranked_count && merit_sink_ok(sink); k++) {
        proposal_row(pg, &res->proposals[res->order[k]], true);
        if (k + 1 == line_after)
            funding_line_row(pg, columns);
    }
    merit_sink_puts(sink, "</tbody>\n");
    if (res->ranked_count < call->proposal_count) {
        merit_sink_printf(sink,
                          "<tbody class=\"unranked\">\n<tr><th scope=\"rowgroup\" "
                          "colspan=\"%zu\">Not ranked (reasons below)</th></tr>\n",
                          columns);
        for (size_t k = res->ranked_count; k < call->proposal_count && merit_sink_ok(sink); k++)
            proposal_row(pg, &res->proposals[res->order[k]], false);
        merit_sink_puts(sink, "</tbody>\n");
    }
    merit_sink_puts(sink, "</table>\n</section>\n");
}

/* --- charts ------------------------------------------------------------------ */

/* Totals by rank position, funded solid and reserve hatched, the funding
 * line dashed between them. */
static void totals_chart(struct page *pg)
{
    merit_sink *sink = pg->sink;
    const merit_result *res = pg->res;
    const merit_rubric *rb = pg->call->rubric;
    size_t n = res->ranked_count;
    merit_sink_puts(sink, "<section id=\"charts\" class=\"charts\">\n<h2>Totals by rank</h2>\n");
    if (n == 0) {
        merit_sink_puts(sink, "<p>No proposal is ranked: there is nothing to chart.</p>\n"
                              "</section>\n");
        return;
    }
    mpq_t *values = malloc(n * sizeof(mpq_t));
    unsigned char *series = malloc(n);
    if (values == NULL || series == NULL) {
        free(values);
        free(series);
        merit_sink_fail(sink, MERIT_ENOMEM);
        return;
    }
    size_t line_after = 0;
    for (size_t k = 0; k < n; k++) {
        const merit_proposal_result *pr = &res->proposals[res->order[k]];
        mpq_init(values[k]);
        mpq_set(values[k], pr->total);
        series[k] = pr->status == MERIT_STATUS_FUNDED ? 0 : 1;
        if (pr->status == MERIT_STATUS_FUNDED)
            line_after = k + 1;
    }
    /* the axis spans every total the rubric allows (and 0) */
    mpq_t lo, hi, sum;
    mpq_inits(lo, hi, sum, NULL);
    for (size_t c = 0; c < rb->criterion_count; c++)
        mpq_add(sum, sum, rb->criteria[c].weight);
    mpq_mul(lo, sum, rb->scale_min);
    mpq_mul(hi, sum, rb->scale_max);
    if (mpq_sgn(lo) > 0)
        mpq_set_ui(lo, 0, 1);
    static const char *const classes[] = {"funded", "reserve"};
    static const char *const names[] = {"funded", "reserve (not funded)"};
    char caption[320];
    snprintf(caption, sizeof(caption),
             "The total of each of the %zu ranked proposals in rank order (%s); the dashed line "
             "is the funding line, after position %zu. Funded bars are solid, reserve bars "
             "hatched.",
             n, rb->direction == MERIT_HIGHER_IS_BETTER ? "higher is better" : "lower is better",
             line_after);
    merit_html_chart chart = {.id = "totals-chart",
                              .title = "Totals by rank, with the funding line",
                              .caption = caption,
                              .x_title = "position in the ranking",
                              .y_title = "total",
                              .count = n,
                              .values = (const mpq_t *)values,
                              .series = series,
                              .series_class = classes,
                              .series_names = names,
                              .series_count = 2,
                              .y_min = lo,
                              .y_max = hi,
                              .places = pg->places,
                              .marker_after = line_after,
                              .marker_label = "funding line"};
    merit__html_bar_chart(sink, &chart);
    mpq_clears(lo, hi, sum, NULL);
    for (size_t k = 0; k < n; k++)
        mpq_clear(values[k]);
    free(values);
    free(series);
    merit_sink_puts(sink, "</section>\n");
}

/* Histograms of the reviewers' scores, one per criterion: every score of a
 * counted review (no-scores and excluded reviews left out), binned by the
 * rubric's scale steps (grouped to at most 50 bins on a fine scale). */
#define MAX_BINS 50
static void criterion_charts(struct page *pg)
{
    merit_sink *sink = pg->sink;
    const merit_call *call = pg->call;
    const merit_result *res = pg->res;
    const merit_rubric *rb = call->rubric;
    size_t steps = (size_t)rb->scale_steps + 1;
    size_t per_bin = (steps + MAX_BINS - 1) / MAX_BINS;
    size_t bins = (steps + per_bin - 1) / per_bin;
    merit_sink_puts(sink, "<section id=\"criteria\" class=\"charts\">\n<h2>Score distributions "
                          "by criterion</h2>\n<div class=\"criteria\">\n");
    uint64_t *counts = calloc(bins, sizeof(uint64_t));
    mpq_t *values = malloc(bins * sizeof(mpq_t));
    char **labels = calloc(bins, sizeof(char *));
    if (counts == NULL || values == NULL || labels == NULL) {
        free(counts);
        free(values);
        free(labels);
        merit_sink_fail(sink, MERIT_ENOMEM);
        return;
    }
    mpq_t v;
    mpq_init(v);
    for (size_t b = 0; b < bins; b++) {
        mpq_init(values[b]);
        merit_score_value(rb, (int32_t)(b * per_bin), v);
        labels[b] = merit_exact_string(v);
        if (labels[b] == NULL)
            merit_sink_fail(sink, MERIT_ENOMEM);
    }
    for (size_t c = 0; c < rb->criterion_count && merit_sink_ok(sink); c++) {
        const merit_criterion *cr = &rb->criteria[c];
        memset(counts, 0, bins * sizeof(uint64_t));
        uint64_t total = 0, most = 0;
        for (size_t i = 0; i < call->review_count; i++) {
            int32_t s = call->reviews[i].steps[c];
            if (!res->reviews[i].counted || s == MERIT_NO_SCORE || s < 0 || (size_t)s >= steps)
                continue;
            counts[(size_t)s / per_bin]++;
            total++;
        }
        for (size_t b = 0; b < bins; b++) {
            mpq_set_ui(values[b], (unsigned long)counts[b], 1);
            if (counts[b] > most)
                most = counts[b];
        }
        mpq_t lo, hi;
        mpq_inits(lo, hi, NULL);
        mpq_set_ui(hi, (unsigned long)((most + 3) / 4 * 4), 1);
        if (most == 0)
            mpq_set_ui(hi, 4, 1);
        char id[48], title[160], caption[320];
        snprintf(id, sizeof(id), "criterion-%zu", c + 1);
        snprintf(title, sizeof(title), "Reviewers' scores on criterion %zu", c + 1);
        snprintf(caption, sizeof(caption),
                 "%llu score%s from counted reviews (no-scores and excluded reviews left out)%s.",
                 (unsigned long long)total, total == 1 ? "" : "s",
                 per_bin > 1 ? "; each bar groups several scale steps, labelled by its lowest"
                             : "");
        merit_sink_puts(sink, "<div>\n<h3><code>");
        merit_sink_html(sink, cr->id);
        merit_sink_puts(sink, "</code> ");
        merit_sink_html(sink, cr->name);
        merit_sink_puts(sink, "</h3>\n");
        merit_html_chart chart = {.id = id,
                                  .title = title,
                                  .caption = caption,
                                  .x_title = "score",
                                  .y_title = "reviewers' scores",
                                  .count = bins,
                                  .values = (const mpq_t *)values,
                                  .series_class = (const char *const[]){"plain"},
                                  .series_count = 1,
                                  .x_labels = (const char *const *)labels,
                                  .y_min = lo,
                                  .y_max = hi,
                                  .places = 0};
        merit__html_bar_chart(sink, &chart);
        merit_sink_puts(sink, "</div>\n");
        mpq_clears(lo, hi, NULL);
    }
    mpq_clear(v);
    for (size_t b = 0; b < bins; b++) {
        mpq_clear(values[b]);
        free(labels[b]);
    }
    free(values);
    free(labels);
    free(counts);
    merit_sink_puts(sink, "</div>\n</section>\n");
}

/* The grey zone (docs/scoring.md, "Rank intervals and the grey zone"):
 * where the line falls and the proposals whose rank interval crosses it,
 * when the ranking has intervals. */
static void grey_zone(struct page *pg)
{
    merit_sink *sink = pg->sink;
    const merit_result *res = pg->res;
    if (!res->has_intervals)
        return;
    merit_sink_printf(sink,
                      "<section id=\"grey-zone\">\n<h2>Rank intervals and the grey zone</h2>\n"
                      "<p>Over %zu bootstrap resamples of each proposal&#39;s reviews (seed ",
                      res->resamples);
    merit_sink_html(sink, res->seed);
    merit_sink_printf(sink,
                      "), the funding line falls after position %zu. %zu proposal%s lie in the "
                      "grey zone: %s %u%% rank interval crosses the line.</p>\n",
                      res->line, res->grey_count, res->grey_count == 1 ? "" : "s",
                      res->grey_count == 1 ? "its" : "their", res->level);
    if (res->grey_count == 0) {
        merit_sink_puts(sink, "</section>\n");
        return;
    }
    merit_sink_printf(sink,
                      "<table id=\"grey\">\n<caption>%zu proposal%s in the grey zone, in rank "
                      "order</caption>\n<thead><tr><th scope=\"col\">Proposal</th>"
                      "<th scope=\"col\">Rank</th><th scope=\"col\">Interval</th>"
                      "<th scope=\"col\">Median</th><th scope=\"col\">P(funded)</th>"
                      "<th scope=\"col\">Status</th></tr></thead>\n<tbody>\n",
                      res->grey_count, res->grey_count == 1 ? "" : "s");
    for (size_t k = 0; k < res->ranked_count; k++) {
        const merit_proposal_result *pr = &res->proposals[res->order[k]];
        if (!pr->grey_zone)
            continue;
        merit_sink_puts(sink, "<tr><th scope=\"row\"><code>");
        merit_sink_html(sink, pg->call->proposals[pr->proposal].id);
        merit_sink_printf(sink,
                          "</code></th><td class=\"n\">%zu%s</td><td class=\"n\">%zu&#8211;%zu"
                          "</td><td class=\"n\">%zu</td><td class=\"n\">",
                          pr->rank, pr->rank_shared ? "=" : "", pr->rank_low, pr->rank_high,
                          pr->rank_median);
        merit_sink_take(sink, merit__p_funded_percent(res, pr));
        merit_sink_printf(sink, "%%</td><td>%s</td></tr>\n", merit_status_name(pr->status));
    }
    merit_sink_puts(sink, "</tbody>\n</table>\n</section>\n");
}

/* How far the reviewers agree and who scores far off the rest (the
 * paragraph `merit panel` gives, reports/panel.c), and the grey zone. */
static void statistics(struct page *pg)
{
    merit_report_options opt = {.places = pg->places};
    merit_sink_puts(pg->sink, "<section id=\"agreement\">\n");
    merit__panel_agreement(pg->sink, pg->res, &opt, true);
    merit_sink_puts(pg->sink, "</section>\n");
    grey_zone(pg);
}

/* --- what was left out, and why ---------------------------------------------- */

static void not_ranked(struct page *pg)
{
    merit_sink *sink = pg->sink;
    const merit_call *call = pg->call;
    const merit_result *res = pg->res;
    if (res->ranked_count == call->proposal_count)
        return;
    merit_sink_printf(sink,
                      "<section id=\"not-ranked\">\n<h2>Why not ranked</h2>\n<table>\n"
                      "<caption>%zu proposal%s not ranked, with every check each failed"
                      "</caption>\n<thead><tr><th scope=\"col\">Id</th><th scope=\"col\">"
                      "Title</th><th scope=\"col\">Status</th><th scope=\"col\">Reason</th>"
                      "</tr></thead>\n<tbody>\n",
                      call->proposal_count - res->ranked_count,
                      call->proposal_count - res->ranked_count == 1 ? "" : "s");
    for (size_t k = res->ranked_count; k < call->proposal_count && merit_sink_ok(sink); k++) {
        const merit_proposal_result *pr = &res->proposals[res->order[k]];
        const merit_proposal *p = &call->proposals[pr->proposal];
        char *why = merit_report_reason(res, pr, pg->places);
        if (why == NULL) {
            merit_sink_fail(sink, MERIT_ENOMEM);
            return;
        }
        merit_sink_puts(sink, "<tr data-id=\"");
        merit_sink_html(sink, p->id);
        merit_sink_puts(sink, "\"><th scope=\"row\"><code>");
        merit_sink_html(sink, p->id);
        merit_sink_puts(sink, "</code></th><td>");
        merit_sink_html(sink, p->title);
        merit_sink_puts(sink, "</td><td>");
        status_badge(sink, pr->status);
        merit_sink_puts(sink, "</td><td>");
        merit_sink_html(sink, why);
        merit_sink_puts(sink, "</td></tr>\n");
        free(why);
    }
    merit_sink_puts(sink, "</tbody>\n</table>\n</section>\n");
}

static void excluded(struct page *pg)
{
    merit_sink *sink = pg->sink;
    const merit_call *call = pg->call;
    const merit_result *res = pg->res;
    if (res->reviews_excluded > 0) {
        merit_sink_printf(sink,
                          "<section id=\"excluded\">\n<h2>Excluded reviews</h2>\n<table>\n"
                          "<caption>%zu review%s not counted: a conflict declared by the "
                          "programme office</caption>\n<thead><tr><th scope=\"col\">Proposal"
                          "</th><th scope=\"col\">Reviewer</th><th scope=\"col\">Name</th>"
                          "<th scope=\"col\">Reason</th></tr></thead>\n<tbody>\n",
                          res->reviews_excluded, res->reviews_excluded == 1 ? "" : "s");
        for (size_t i = 0; i < call->review_count; i++) {
            if (res->reviews[i].counted)
                continue;
            const merit_review *rv = &call->reviews[i];
            merit_sink_puts(sink, "<tr><th scope=\"row\"><code>");
            merit_sink_html(sink, call->proposals[rv->proposal].id);
            merit_sink_puts(sink, "</code></th><td><code>");
            merit_sink_html(sink, call->reviewers[rv->reviewer].id);
            merit_sink_puts(sink, "</code></td><td>");
            merit_sink_html(sink, call->reviewers[rv->reviewer].name);
            merit_sink_puts(sink, "</td><td>");
            merit_sink_html(sink, rv->conflict_reason != NULL ? rv->conflict_reason : "");
            merit_sink_puts(sink, "</td></tr>\n");
        }
        merit_sink_puts(sink, "</tbody>\n</table>\n</section>\n");
    }
    size_t declared = 0;
    for (size_t i = 0; i < call->conflict_count; i++)
        declared += call->conflicts[i].from_call ? 0 : 1;
    if (declared == 0)
        return;
    merit_sink_printf(sink,
                      "<section id=\"conflicts\">\n<h2>Conflicts declared by reviewers</h2>\n"
                      "<table>\n<caption>%zu conflict%s declared by reviewers, who submitted no "
                      "review</caption>\n<thead><tr><th scope=\"col\">Proposal</th>"
                      "<th scope=\"col\">Reviewer</th><th scope=\"col\">Reason</th></tr>"
                      "</thead>\n<tbody>\n",
                      declared, declared == 1 ? "" : "s");
    for (size_t i = 0; i < call->conflict_count; i++) {
        const merit_conflict *k = &call->conflicts[i];
        if (k->from_call)
            continue;
        merit_sink_puts(sink, "<tr><th scope=\"row\"><code>");
        merit_sink_html(sink, call->proposals[k->proposal].id);
        merit_sink_puts(sink, "</code></th><td><code>");
        merit_sink_html(sink, call->reviewers[k->reviewer].id);
        merit_sink_puts(sink, "</code></td><td>");
        merit_sink_html(sink, k->reason);
        merit_sink_puts(sink, "</td></tr>\n");
    }
    merit_sink_puts(sink, "</tbody>\n</table>\n</section>\n");
}

/* --- inputs, replay, notes ---------------------------------------------------- */

static void inputs(struct page *pg)
{
    merit_sink *sink = pg->sink;
    const merit_call *call = pg->call;
    merit_sink_printf(sink,
                      "<section id=\"inputs\">\n<h2>Inputs and how to replay</h2>\n<table>\n"
                      "<caption>The %zu input file%s read, with the SHA-256 of each</caption>\n"
                      "<thead><tr><th scope=\"col\">File</th><th scope=\"col\" class=\"n\">"
                      "Bytes</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n",
                      call->file_count, call->file_count == 1 ? "" : "s");
    for (size_t i = 0; i < call->file_count; i++) {
        const merit_file *f = &call->files[i];
        merit_sink_puts(sink, "<tr><th scope=\"row\"><code>");
        merit_sink_html(sink, f->relpath != NULL ? f->relpath : f->path);
        merit_sink_printf(sink, "</code></th><td class=\"n\">%llu</td><td class=\"hash\">",
                          (unsigned long long)f->bytes);
        if (f->hashed) {
            char hex[65];
            merit_hex(f->sha256, hex);
            merit_sink_puts(sink, hex);
        } else {
            merit_sink_printf(sink, "not read: %s", merit_unread_name(f->unread));
        }
        merit_sink_puts(sink, "</td></tr>\n");
    }
    merit_sink_puts(sink, "</tbody>\n</table>\n<p>To check this ranking, rank the call again "
                          "with an audit trail and replay it (CALLDIR is the call's folder; "
                          "docs/audit.md):</p>\n<pre><code>merit rank CALLDIR --format html");
    if (pg->res->method != pg->call->rubric->method)
        merit_sink_printf(sink, " --method %s", merit_method_name(pg->res->method));
    if (pg->places != 2)
        merit_sink_printf(sink, " --places %u", pg->places);
    merit_sink_puts(sink, " -o report.html --audit trail.jsonl\n"
                          "merit replay trail.jsonl CALLDIR</code></pre>\n"
                          "<p>The replay recomputes every step from the inputs, checks each "
                          "file against the SHA-256 the trail records, and exits 4 if anything "
                          "differs.</p>\n</section>\n");
}

static void notes(struct page *pg)
{
    merit_sink *sink = pg->sink;
    const merit_result *res = pg->res;
    const merit_rubric *rb = pg->call->rubric;
    merit_sink_puts(sink, "<section id=\"notes\">\n<h2>Notes</h2>\n<ul class=\"note\">\n");
    bool disagreement = false, tie = false;
    for (size_t k = 0; k < res->proposal_count; k++) {
        disagreement = disagreement || res->proposals[k].disagreement;
        tie = tie || res->proposals[k].tie_at_line;
    }
    if (disagreement && rb->has_disagreement_limit) {
        merit_sink_puts(sink, "<li>D: reviewers disagree: their totals span more than ");
        merit_sink_take(sink, merit_exact_string(rb->disagreement_limit));
        merit_sink_puts(sink, ".</li>\n");
    }
    if (tie)
        merit_sink_printf(sink,
                          "<li>T: a shared rank at the funding line that the budget cannot "
                          "fund whole; %s</li>\n",
                          res->ties == MERIT_TIES_LOTTERY ? "a seeded lottery settles it."
                          : res->ties == MERIT_TIES_FUND_WHOLE
                              ? "the call funds it whole within its overspend, or not at all."
                              : "merit does not break it.");
    if (pg->call->change_count > 0)
        merit_sink_puts(sink, "<li>M: the panel changed some of its scores after review "
                              "(moderation): the ranking uses the changed scores, the sheets "
                              "keep the reviewers' own; <code>merit explain</code> shows "
                              "both.</li>\n");
    char *words = merit_report_funding_rule(res);
    if (words == NULL)
        merit_sink_fail(sink, MERIT_ENOMEM);
    else if (words[0] != '\0') {
        /* merit's words; the draw order's ids are ids (A-Z a-z 0-9 . _ -) */
        merit_sink_puts(sink, "<li>");
        merit_sink_html(sink, words);
        if (res->pool_count > 0) {
            merit_sink_puts(sink, " The seed: &#8216;");
            merit_sink_html(sink, res->lottery_seed != NULL ? res->lottery_seed : "");
            merit_sink_puts(sink, "&#8217;.");
        }
        merit_sink_puts(sink, "</li>\n");
    }
    free(words);
    if (pg->call->funding_line.statement != NULL) {
        merit_sink_puts(sink, "<li>The call says: ");
        merit_sink_html(sink, pg->call->funding_line.statement);
        merit_sink_puts(sink, "</li>\n");
    }
    merit_sink_puts(sink, "<li>Reviews: counted reviews (+N x: excluded). Ties share a rank "
                          "(3=).</li>\n<li>Statuses are told apart by their name and border: "
                          "funded (solid), reserve (dashed), the others (dotted).</li>\n<li>");
    char note[200];
    merit_report_rounding_note(note, sizeof(note), pg->places);
    merit_sink_puts(sink, note);
    merit_sink_puts(sink, " A rounded number shows its exact value when pointed at (its "
                          "title).</li>\n</ul>\n</section>\n");
}

int merit_report_html(merit_sink *sink, const merit_result *res, const merit_report_options *opt)
{
    struct page pg = {.sink = sink, .res = res, .call = res->call, .places = opt->places};
    merit_report_shows(res->call, &pg.shown);
    mpz_init(pg.pow10);
    mpz_ui_pow_ui(pg.pow10, 10, opt->places);

    merit_strbuf title = {0};
    merit_strbuf_add(&title, "Ranking of %s: %s", res->call->id, res->call->title);
    char *page_title = merit_strbuf_take(&title);
    if (page_title == NULL)
        merit_sink_fail(sink, MERIT_ENOMEM);
    merit__html_begin(sink, page_title, "en");
    free(page_title);
    header(&pg, opt);
    rejected(&pg);
    ranking(&pg);
    totals_chart(&pg);
    criterion_charts(&pg);
    statistics(&pg);
    not_ranked(&pg);
    excluded(&pg);
    inputs(&pg);
    notes(&pg);
    merit_sink_puts(sink, "<footer class=\"note\"><p>Written by merit rank --format html.</p>"
                          "</footer>\n");
    merit__html_end(sink);
    mpz_clear(pg.pow10);
    return merit_sink_ok(sink) ? 0 : sink->error;
}
