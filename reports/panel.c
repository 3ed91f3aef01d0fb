/*
 * The panel's report for its meeting (`merit panel`, reports/feedback.h):
 * where the reviewers disagree, what each of them scored, and how each
 * reviewer's totals stand against the panel's. Text and HTML.
 *
 * Reviewers are named here (by id, and by name in the reviewer table): the
 * report is for the panel itself. Excluded (conflicted) reviews are named
 * but none of their scores is shown or counted. Every number is exact until
 * shown: scores and gaps are the inputs' own decimals, totals and means are
 * rounded half to even for display only.
 */
#include <stdlib.h>
#include <string.h>

#include "agreement.h"
#include "calibration.h"
#include "feedback.h"
#include "merit/escape.h"
#include "report.h"

/* One figure of the agreement paragraph: the rounded alpha, or "not
 * defined". */
static void alpha_shown(merit_sink *sink, const merit__alpha *a, unsigned places)
{
    if (a->defined)
        merit_sink_take(sink, merit_decimal_string(a->value, places));
    else
        merit_sink_puts(sink, "not defined");
}

/* How far the panel agrees on the totals, and who scores far off their
 * co-reviewers (docs/scoring.md, "Agreement" and "Reviewer calibration"):
 * the two headline figures a chair wants at the meeting; `merit stats`
 * has the whole tables. Returns false, writing nothing, when the figures
 * cannot be computed (out of memory, recorded on the sink). */
bool merit__panel_agreement(merit_sink *sink, const merit_result *res,
                            const merit_report_options *opt, bool html)
{
    const merit_call *call = res->call;
    struct merit__stats st;
    if (merit__stats_compute(sink, res, &st) != 0)
        return false;
    const merit__calibration *cal = st.cal;
    const merit__agreement *agr = st.agr;
    const merit__agreement_item *total = &agr->items[agr->item_count - 1];
    merit_sink_puts(sink, html ? "<h2>Agreement</h2>\n<p>" : "\nAgreement\n  ");
    merit_sink_puts(sink, "Krippendorff's alpha on the reviewers' totals: ");
    alpha_shown(sink, &total->interval, opt->places);
    merit_sink_puts(sink, " (interval), ");
    alpha_shown(sink, &total->ordinal, opt->places);
    merit_sink_printf(sink,
                      " (ordinal), over the %zu proposal%s with two totals or more; 1 is full "
                      "agreement, 0 no better than chance.",
                      total->interval.units, total->interval.units == 1 ? "" : "s");
    merit_sink_puts(sink, html ? "</p>\n<p>" : "\n  ");
    merit_sink_printf(sink, "Reviewers far from their co-reviewers (|leniency| above ");
    merit_sink_take(sink, merit_decimal_string(cal->flag_limit, opt->places));
    merit_sink_printf(sink, " over %d proposals or more): ", MERIT__CALIB_FLAG_MIN_COMPARED);
    if (cal->flagged_count == 0)
        merit_sink_puts(sink, "none.");
    bool higher = call->rubric->direction == MERIT_HIGHER_IS_BETTER;
    size_t listed = 0;
    for (size_t i = 0; i < cal->reviewer_count; i++) {
        const merit__calib_reviewer *cr = &cal->reviewers[i];
        if (!cr->flagged)
            continue;
        merit_sink_puts(sink, listed++ > 0 ? "; " : "");
        if (html)
            merit_sink_html(sink, call->reviewers[cr->reviewer].id);
        else
            merit_sink_shown(sink, call->reviewers[cr->reviewer].id, 0);
        merit_sink_puts(sink, " ");
        merit_sink_take(sink, merit_decimal_string(cr->total.mean, opt->places));
        bool above = mpq_sgn(cr->total.mean) > 0;
        merit_sink_printf(sink, " over %zu (%s)", cr->total.compared,
                          above == higher ? "more lenient" : "harsher");
    }
    if (cal->flagged_count > 0)
        merit_sink_puts(sink, ".");
    merit_sink_puts(sink, " Leniency: the mean of a reviewer's total less the mean of the "
                          "co-reviewers' totals on the same proposals; merit stats shows every "
                          "reviewer's, and every criterion's agreement.");
    merit_sink_puts(sink, html ? "</p>\n" : "\n");
    merit__stats_free(&st);
    return true;
}

/* --- one proposal's scores side by side ---------------------------------------
 * Built as a grid of strings (merit's own numbers, and reviewer ids escaped
 * for the format) so that text can align its columns. */
struct grid {
    size_t rows, cols; /* rows: criteria + total; cols: label, reviewers, gap */
    char **cell;       /* rows * cols, malloc'd strings */
    bool *largest;     /* per criterion row: its gap is the proposal's largest */
    bool failed;
};

static char **at(struct grid *g, size_t r, size_t c)
{
    return &g->cell[r * g->cols + c];
}

static void put(struct grid *g, size_t r, size_t c, char *owned)
{
    if (owned == NULL)
        g->failed = true;
    *at(g, r, c) = owned;
}

static void grid_free(struct grid *g)
{
    if (g->cell != NULL)
        for (size_t i = 0; i < g->rows * g->cols; i++)
            free(g->cell[i]);
    free(g->cell);
    free(g->largest);
}

/* The scores of proposal p's counted reviews[first .. first + n) (only the
 * counted ones become columns): row c is criterion c, the last row the
 * reviewer's weighted total; column 0 is left for the label, the last
 * holds the gap. */
static int grid_build(struct grid *g, const merit_result *res, const size_t *reviews, size_t n,
                      const merit_report_options *opt)
{
    const merit_call *call = res->call;
    const merit_rubric *rb = call->rubric;
    memset(g, 0, sizeof(*g));
    g->rows = rb->criterion_count + 1;
    g->cols = n + 2;
    g->cell = calloc(g->rows * g->cols, sizeof(*g->cell));
    g->largest = calloc(g->rows, sizeof(*g->largest));
    if (g->cell == NULL || g->largest == NULL)
        return MERIT_ENOMEM;
    mpq_t v, lo, hi, gap, best;
    mpq_inits(v, lo, hi, gap, best, NULL);
    bool any_gap = false;
    for (size_t c = 0; c < rb->criterion_count; c++) {
        bool seen = false;
        for (size_t j = 0; j < n; j++) {
            int32_t steps = call->reviews[reviews[j]].steps[c];
            if (steps == MERIT_NO_SCORE) {
                put(g, c, j + 1, strdup("-"));
                continue;
            }
            merit_score_value(rb, steps, v);
            put(g, c, j + 1, merit_exact_string(v));
            if (!seen || mpq_cmp(v, lo) < 0)
                mpq_set(lo, v);
            if (!seen || mpq_cmp(v, hi) > 0)
                mpq_set(hi, v);
            seen = true;
        }
        if (seen && n > 1) {
            mpq_sub(gap, hi, lo);
            put(g, c, n + 1, merit_exact_string(gap));
            if (!any_gap || mpq_cmp(gap, best) > 0)
                mpq_set(best, gap);
            any_gap = true;
        } else {
            put(g, c, n + 1, strdup("-"));
        }
    }
    /* mark every criterion whose gap is the largest, when there is one */
    for (size_t c = 0; c < rb->criterion_count && any_gap && mpq_sgn(best) > 0; c++) {
        bool seen = false;
        for (size_t j = 0; j < n; j++) {
            int32_t steps = call->reviews[reviews[j]].steps[c];
            if (steps == MERIT_NO_SCORE)
                continue;
            merit_score_value(rb, steps, v);
            if (!seen || mpq_cmp(v, lo) < 0)
                mpq_set(lo, v);
            if (!seen || mpq_cmp(v, hi) > 0)
                mpq_set(hi, v);
            seen = true;
        }
        if (seen) {
            mpq_sub(gap, hi, lo);
            g->largest[c] = mpq_equal(gap, best) != 0;
        }
    }
    /* the reviewers' weighted totals, and their range */
    size_t t = rb->criterion_count;
    bool seen = false;
    for (size_t j = 0; j < n; j++) {
        const merit_review_result *rr = &res->reviews[reviews[j]];
        if (!rr->complete) {
            put(g, t, j + 1, strdup("-"));
            continue;
        }
        put(g, t, j + 1, merit_decimal_string(rr->total, opt->places));
        if (!seen || mpq_cmp(rr->total, lo) < 0)
            mpq_set(lo, rr->total);
        if (!seen || mpq_cmp(rr->total, hi) > 0)
            mpq_set(hi, rr->total);
        seen = true;
    }
    if (seen && n > 1) {
        mpq_sub(gap, hi, lo);
        put(g, t, n + 1, merit_decimal_string(gap, opt->places));
    } else {
        put(g, t, n + 1, strdup("-"));
    }
    mpq_clears(v, lo, hi, gap, best, NULL);
    return g->failed ? MERIT_ENOMEM : 0;
}

/* The counted and the excluded reviews of proposal p, in reviewer order
 * (the call's order). Arrays malloc'd. */
static int reviews_of(const merit_result *res, size_t p, size_t **counted, size_t *nc,
                      size_t **excluded, size_t *ne)
{
    const merit_call *call = res->call;
    size_t first = merit_report_first_review(call, p), n = 0;
    while (first + n < call->review_count && call->reviews[first + n].proposal == p)
        n++;
    *counted = malloc((n > 0 ? n : 1) * sizeof(size_t));
    *excluded = malloc((n > 0 ? n : 1) * sizeof(size_t));
    *nc = *ne = 0;
    if (*counted == NULL || *excluded == NULL)
        return MERIT_ENOMEM;
    for (size_t i = first; i < first + n; i++) {
        if (res->reviews[i].counted)
            (*counted)[(*nc)++] = i;
        else
            (*excluded)[(*ne)++] = i;
    }
    return 0;
}

/* --- text ------------------------------------------------------------------- */

/* A reviewer id as a text column head, escaped; malloc'd. */
static char *shown_id(const char *id)
{
    return merit_escape(id, 0);
}

static void text_proposal(merit_sink *sink, const merit_result *res, size_t p,
                          const merit_report_options *opt)
{
    const merit_call *call = res->call;
    const merit_rubric *rb = call->rubric;
    const merit_proposal_result *pr = &res->proposals[p];
    size_t *counted = NULL, *excluded = NULL, nc = 0, ne = 0;
    struct grid g;
    memset(&g, 0, sizeof(g));
    if (reviews_of(res, p, &counted, &nc, &excluded, &ne) != 0 ||
        grid_build(&g, res, counted, nc, opt) != 0) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        goto done;
    }
    merit_sink_puts(sink, "\n");
    merit_sink_shown(sink, call->proposals[p].id, 0);
    merit_sink_puts(sink, "  ");
    merit_sink_shown(sink, call->proposals[p].title, MERIT_ESCAPE_PROSE);
    merit_sink_puts(sink, "\n  ");
    merit_sink_puts(sink, merit_status_name(pr->status));
    if (pr->rank > 0)
        merit_sink_printf(sink, ", rank %zu%s", pr->rank, pr->rank_shared ? "=" : "");
    merit_sink_puts(sink, ", total ");
    if (pr->has_total)
        merit_sink_take(sink, merit_decimal_string(pr->total, opt->places));
    else
        merit_sink_puts(sink, "-");
    if (pr->has_spread) {
        merit_sink_puts(sink, ", reviewers' totals span ");
        merit_sink_take(sink, merit_decimal_string(pr->spread, opt->places));
    }
    if (pr->disagreement)
        merit_sink_puts(sink, " (disagreement)");
    merit_sink_printf(sink, ", %zu counted review%s\n", nc, nc == 1 ? "" : "s");

    /* column widths: label, each reviewer, gap */
    size_t *width = calloc(g.cols, sizeof(*width));
    char **head = calloc(g.cols, sizeof(*head));
    if (width == NULL || head == NULL) {
        free(width);
        free(head);
        merit_sink_fail(sink, MERIT_ENOMEM);
        goto done;
    }
    head[0] = strdup("criterion");
    for (size_t j = 0; j < nc; j++)
        head[j + 1] = shown_id(call->reviewers[call->reviews[counted[j]].reviewer].id);
    head[g.cols - 1] = strdup("gap");
    char **label = calloc(g.rows, sizeof(*label));
    bool failed = label == NULL;
    for (size_t c = 0; c < g.cols && !failed; c++)
        failed = head[c] == NULL;
    for (size_t r = 0; r < g.rows && !failed; r++) {
        label[r] = r < rb->criterion_count ? merit_escape(rb->criteria[r].id, 0) : strdup("total");
        failed = label[r] == NULL;
    }
    if (!failed) {
        for (size_t c = 0; c < g.cols; c++)
            width[c] = merit_report_width(head[c]);
        for (size_t r = 0; r < g.rows; r++) {
            size_t w = merit_report_width(label[r]);
            if (w > width[0])
                width[0] = w;
            for (size_t c = 1; c < g.cols; c++) {
                size_t cw = merit_report_width(*at(&g, r, c));
                if (cw > width[c])
                    width[c] = cw;
            }
        }
        merit_sink_puts(sink, "  ");
        merit_sink_puts(sink, head[0]);
        merit_sink_spaces(sink, width[0] - merit_report_width(head[0]));
        for (size_t c = 1; c < g.cols; c++) {
            merit_sink_spaces(sink, 2 + width[c] - merit_report_width(head[c]));
            merit_sink_puts(sink, head[c]);
        }
        merit_sink_puts(sink, "\n");
        for (size_t r = 0; r < g.rows; r++) {
            merit_sink_puts(sink, "  ");
            merit_sink_puts(sink, label[r]);
            merit_sink_spaces(sink, width[0] - merit_report_width(label[r]));
            for (size_t c = 1; c < g.cols; c++) {
                const char *cell = *at(&g, r, c);
                merit_sink_spaces(sink, 2 + width[c] - merit_report_width(cell));
                merit_sink_puts(sink, cell);
            }
            if (r < rb->criterion_count && g.largest[r])
                merit_sink_puts(sink, "  <- largest gap");
            merit_sink_puts(sink, "\n");
        }
    } else {
        merit_sink_fail(sink, MERIT_ENOMEM);
    }
    for (size_t c = 0; c < g.cols; c++)
        free(head[c]);
    for (size_t r = 0; label != NULL && r < g.rows; r++)
        free(label[r]);
    free(label);
    free(head);
    free(width);
    for (size_t j = 0; j < ne; j++) {
        const merit_review *rv = &call->reviews[excluded[j]];
        merit_sink_puts(sink, j == 0 ? "  excluded: " : ", ");
        merit_sink_shown(sink, call->reviewers[rv->reviewer].id, 0);
        merit_sink_puts(sink, " (conflict)");
        if (j + 1 == ne)
            merit_sink_puts(sink, "\n");
    }
done:
    grid_free(&g);
    free(counted);
    free(excluded);
}

/* --- the reviewer table ------------------------------------------------------ */

struct reviewer_row {
    size_t counted, excluded, compared;
    mpq_t given; /* sum of the reviewer's complete counted totals, where the
                    proposal has a total */
    mpq_t panel; /* sum of those proposals' aggregated totals */
};

/* Per reviewer: reviews counted and excluded, and over the complete counted
 * reviews of proposals that have a total, the sums of the reviewer's totals
 * and of the proposals' totals. One pass over the reviews. */
static struct reviewer_row *reviewer_rows(const merit_result *res)
{
    const merit_call *call = res->call;
    struct reviewer_row *rows = calloc(call->reviewer_count + 1, sizeof(*rows));
    if (rows == NULL)
        return NULL;
    for (size_t r = 0; r < call->reviewer_count; r++)
        mpq_inits(rows[r].given, rows[r].panel, NULL);
    for (size_t i = 0; i < call->review_count; i++) {
        const merit_review *rv = &call->reviews[i];
        const merit_review_result *rr = &res->reviews[i];
        struct reviewer_row *row = &rows[rv->reviewer];
        if (!rr->counted) {
            row->excluded++;
            continue;
        }
        row->counted++;
        const merit_proposal_result *pr = &res->proposals[rv->proposal];
        if (!rr->complete || !pr->has_total)
            continue;
        row->compared++;
        mpq_add(row->given, row->given, rr->total);
        mpq_add(row->panel, row->panel, pr->total);
    }
    return rows;
}

static void reviewer_rows_free(struct reviewer_row *rows, size_t n)
{
    if (rows == NULL)
        return;
    for (size_t r = 0; r < n; r++)
        mpq_clears(rows[r].given, rows[r].panel, NULL);
    free(rows);
}

/* The three figures of a row, rounded: mean given, panel mean, difference
 * ("+1.25"); "-" when the reviewer has no total to compare. */
static void reviewer_figures(const struct reviewer_row *row, unsigned places, char *out[3])
{
    if (row->compared == 0) {
        for (int i = 0; i < 3; i++)
            out[i] = strdup("-");
        return;
    }
    mpq_t given, panel, diff, n;
    mpq_inits(given, panel, diff, n, NULL);
    mpq_set_ui(n, row->compared, 1);
    mpq_div(given, row->given, n);
    mpq_div(panel, row->panel, n);
    mpq_sub(diff, given, panel);
    out[0] = merit_decimal_string(given, places);
    out[1] = merit_decimal_string(panel, places);
    char *d = merit_decimal_string(diff, places);
    out[2] = NULL;
    if (d != NULL && mpq_sgn(diff) > 0) {
        size_t len = strlen(d);
        out[2] = malloc(len + 2);
        if (out[2] != NULL) {
            out[2][0] = '+';
            memcpy(out[2] + 1, d, len + 1);
        }
        free(d);
    } else {
        out[2] = d;
    }
    mpq_clears(given, panel, diff, n, NULL);
}

static const char reviewer_note[] =
    "mean given: the mean of the reviewer's weighted totals over their complete counted "
    "reviews; panel: the mean aggregated total of the same proposals; difference: given "
    "less panel (above 0: the reviewer scored those proposals higher than the panel did).";

static void text_reviewers(merit_sink *sink, const merit_result *res,
                           const merit_report_options *opt)
{
    const merit_call *call = res->call;
    struct reviewer_row *rows = reviewer_rows(res);
    size_t n = call->reviewer_count;
    /* per reviewer: id, name, counted, excluded, given, panel, difference */
    enum { COLS = 7 };
    char **cell = calloc((n + 1) * COLS, sizeof(*cell));
    if (rows == NULL || cell == NULL) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        reviewer_rows_free(rows, n);
        free(cell);
        return;
    }
    static const char *const head[COLS] = {"reviewer",   "name",  "counted",   "excluded",
                                           "mean given", "panel", "difference"};
    bool failed = false;
    for (size_t c = 0; c < COLS; c++)
        failed |= (cell[c] = strdup(head[c])) == NULL;
    for (size_t r = 0; r < n; r++) {
        char **row = &cell[(r + 1) * COLS];
        char buf[32];
        row[0] = merit_escape(call->reviewers[r].id, 0);
        row[1] = merit_escape(call->reviewers[r].name, MERIT_ESCAPE_PROSE);
        snprintf(buf, sizeof(buf), "%zu", rows[r].counted);
        row[2] = strdup(buf);
        snprintf(buf, sizeof(buf), "%zu", rows[r].excluded);
        row[3] = strdup(buf);
        reviewer_figures(&rows[r], opt->places, &row[4]);
        for (size_t c = 0; c < COLS; c++)
            failed |= row[c] == NULL;
    }
    if (failed) {
        merit_sink_fail(sink, MERIT_ENOMEM);
    } else {
        size_t width[COLS] = {0};
        for (size_t r = 0; r <= n; r++)
            for (size_t c = 0; c < COLS; c++) {
                size_t w = merit_report_width(cell[r * COLS + c]);
                if (w > width[c])
                    width[c] = w;
            }
        merit_sink_puts(sink, "\nReviewers\n");
        for (size_t r = 0; r <= n; r++) {
            merit_sink_puts(sink, " ");
            for (size_t c = 0; c < COLS; c++) {
                const char *s = cell[r * COLS + c];
                size_t pad = width[c] - merit_report_width(s);
                merit_sink_puts(sink, " ");
                if (c >= 2)
                    merit_sink_spaces(sink, pad + 1);
                merit_sink_puts(sink, s);
                if (c < 2)
                    merit_sink_spaces(sink, pad + 1);
            }
            merit_sink_puts(sink, "\n");
        }
        merit_sink_puts(sink, reviewer_note);
        merit_sink_puts(sink, "\n");
    }
    for (size_t i = 0; i < (n + 1) * COLS; i++)
        free(cell[i]);
    free(cell);
    reviewer_rows_free(rows, n);
}

/* The proposals in report order, those flagged for disagreement first. */
static size_t *panel_order(const merit_result *res, size_t *flagged_out)
{
    size_t n = res->proposal_count, k = 0;
    size_t *order = malloc((n > 0 ? n : 1) * sizeof(*order));
    if (order == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (res->proposals[res->order[i]].disagreement)
            order[k++] = res->order[i];
    *flagged_out = k;
    for (size_t i = 0; i < n; i++)
        if (!res->proposals[res->order[i]].disagreement)
            order[k++] = res->order[i];
    return order;
}

static void text_header(merit_sink *sink, const merit_result *res)
{
    const merit_call *call = res->call;
    merit_sink_puts(sink, "Panel report: ");
    merit_sink_shown(sink, call->id, 0);
    merit_sink_puts(sink, "  ");
    merit_sink_shown(sink, call->title, MERIT_ESCAPE_PROSE);
    merit_sink_puts(sink, "\nrubric ");
    merit_sink_shown(sink, call->rubric->id, 0);
    merit_sink_printf(sink,
                      " | method %s | %zu proposals, %zu reviewers, %zu reviews (%zu excluded)\n",
                      merit_method_name(res->method), call->proposal_count, call->reviewer_count,
                      call->review_count, res->reviews_excluded);
}

int merit_report_panel_text(merit_sink *sink, const merit_result *res,
                            const merit_report_options *opt)
{
    const merit_rubric *rb = res->call->rubric;
    size_t flagged = 0;
    size_t *order = panel_order(res, &flagged);
    if (order == NULL) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        return sink->error;
    }
    text_header(sink, res);
    merit_sink_printf(sink, "\nFlagged for disagreement: %zu proposal%s", flagged,
                      flagged == 1 ? "" : "s");
    if (rb->has_disagreement_limit) {
        merit_sink_puts(sink, " (reviewers' totals span more than ");
        merit_sink_take(sink, merit_exact_string(rb->disagreement_limit));
        merit_sink_puts(sink, ")");
    } else {
        merit_sink_puts(sink, " (the rubric sets no disagreement limit)");
    }
    merit_sink_puts(sink, "\n");
    for (size_t i = 0; i < flagged; i++)
        text_proposal(sink, res, order[i], opt);
    merit_sink_printf(sink, "\nOther proposals: %zu\n", res->proposal_count - flagged);
    for (size_t i = flagged; i < res->proposal_count; i++)
        text_proposal(sink, res, order[i], opt);
    text_reviewers(sink, res, opt);
    merit__panel_agreement(sink, res, opt, false);
    char note[160];
    merit_report_rounding_note(note, sizeof(note), opt->places);
    merit_sink_printf(sink, "\nScores and gaps are exact. %s\n", note);
    free(order);
    return merit_sink_ok(sink) ? 0 : sink->error;
}

/* --- HTML -------------------------------------------------------------------- */

static void html_proposal(merit_sink *sink, const merit_result *res, size_t p,
                          const merit_report_options *opt)
{
    const merit_call *call = res->call;
    const merit_rubric *rb = call->rubric;
    const merit_proposal_result *pr = &res->proposals[p];
    size_t *counted = NULL, *excluded = NULL, nc = 0, ne = 0;
    struct grid g;
    memset(&g, 0, sizeof(g));
    if (reviews_of(res, p, &counted, &nc, &excluded, &ne) != 0 ||
        grid_build(&g, res, counted, nc, opt) != 0) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        goto done;
    }
    merit_sink_printf(sink, "<section%s>\n<h3>", pr->disagreement ? " class=\"flagged\"" : "");
    merit_sink_html(sink, call->proposals[p].id);
    merit_sink_puts(sink, " ");
    merit_sink_html(sink, call->proposals[p].title);
    merit_sink_puts(sink, "</h3>\n<p>");
    merit_sink_puts(sink, merit_status_name(pr->status));
    if (pr->rank > 0)
        merit_sink_printf(sink, ", rank %zu%s", pr->rank, pr->rank_shared ? "=" : "");
    merit_sink_puts(sink, ", total ");
    if (pr->has_total)
        merit_sink_take(sink, merit_decimal_string(pr->total, opt->places));
    else
        merit_sink_puts(sink, "-");
    if (pr->has_spread) {
        merit_sink_puts(sink, ", reviewers&#39; totals span ");
        merit_sink_take(sink, merit_decimal_string(pr->spread, opt->places));
    }
    if (pr->disagreement)
        merit_sink_puts(sink, " <strong>(disagreement)</strong>");
    merit_sink_printf(sink, ", %zu counted review%s", nc, nc == 1 ? "" : "s");
    for (size_t j = 0; j < ne; j++) {
        merit_sink_puts(sink, j == 0 ? "; excluded: " : ", ");
        merit_sink_html(sink, call->reviewers[call->reviews[excluded[j]].reviewer].id);
        merit_sink_puts(sink, " (conflict)");
    }
    merit_sink_puts(sink, "</p>\n<table>\n<caption>Scores of ");
    merit_sink_html(sink, call->proposals[p].id);
    merit_sink_puts(sink, " by reviewer</caption>\n<thead><tr><th scope=\"col\">criterion</th>");
    for (size_t j = 0; j < nc; j++) {
        const merit_reviewer *rv = &call->reviewers[call->reviews[counted[j]].reviewer];
        merit_sink_puts(sink, "<th scope=\"col\" title=\"");
        merit_sink_html(sink, rv->name);
        merit_sink_puts(sink, "\">");
        merit_sink_html(sink, rv->id);
        merit_sink_puts(sink, "</th>");
    }
    merit_sink_puts(sink, "<th scope=\"col\">gap</th></tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < g.rows; r++) {
        bool largest = r < rb->criterion_count && g.largest[r];
        merit_sink_puts(sink, largest ? "<tr class=\"largest\">" : "<tr>");
        merit_sink_puts(sink, "<th scope=\"row\">");
        if (r < rb->criterion_count)
            merit_sink_html(sink, rb->criteria[r].name);
        else
            merit_sink_puts(sink, "weighted total");
        merit_sink_puts(sink, "</th>");
        for (size_t c = 1; c < g.cols; c++) {
            merit_sink_puts(sink, "<td>");
            merit_sink_puts(sink, *at(&g, r, c));
            if (c + 1 == g.cols && largest)
                merit_sink_puts(sink, " (largest)");
            merit_sink_puts(sink, "</td>");
        }
        merit_sink_puts(sink, "</tr>\n");
    }
    merit_sink_puts(sink, "</tbody>\n</table>\n</section>\n");
done:
    grid_free(&g);
    free(counted);
    free(excluded);
}

static void html_reviewers(merit_sink *sink, const merit_result *res,
                           const merit_report_options *opt)
{
    const merit_call *call = res->call;
    struct reviewer_row *rows = reviewer_rows(res);
    if (rows == NULL) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        return;
    }
    merit_sink_puts(sink, "<section>\n<h2>Reviewers</h2>\n<table>\n<caption>Reviews and "
                          "totals by reviewer</caption>\n<thead><tr><th scope=\"col\">reviewer"
                          "</th><th scope=\"col\">name</th><th scope=\"col\">counted</th>"
                          "<th scope=\"col\">excluded</th><th scope=\"col\">mean given</th>"
                          "<th scope=\"col\">panel</th><th scope=\"col\">difference</th></tr>"
                          "</thead>\n<tbody>\n");
    for (size_t r = 0; r < call->reviewer_count; r++) {
        char *fig[3];
        reviewer_figures(&rows[r], opt->places, fig);
        merit_sink_puts(sink, "<tr><th scope=\"row\">");
        merit_sink_html(sink, call->reviewers[r].id);
        merit_sink_puts(sink, "</th><td>");
        merit_sink_html(sink, call->reviewers[r].name);
        merit_sink_printf(sink, "</td><td>%zu</td><td>%zu</td>", rows[r].counted, rows[r].excluded);
        for (int i = 0; i < 3; i++) {
            merit_sink_puts(sink, "<td>");
            if (fig[i] == NULL)
                merit_sink_fail(sink, MERIT_ENOMEM);
            else
                merit_sink_puts(sink, fig[i]);
            merit_sink_puts(sink, "</td>");
            free(fig[i]);
        }
        merit_sink_puts(sink, "</tr>\n");
    }
    merit_sink_puts(sink, "</tbody>\n</table>\n<p class=\"note\">");
    merit_sink_puts(sink, reviewer_note);
    merit_sink_puts(sink, "</p>\n</section>\n");
    reviewer_rows_free(rows, call->reviewer_count);
}

int merit_report_panel_html(merit_sink *sink, const merit_result *res,
                            const merit_report_options *opt)
{
    const merit_call *call = res->call;
    const merit_rubric *rb = call->rubric;
    size_t flagged = 0;
    size_t *order = panel_order(res, &flagged);
    if (order == NULL) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        return sink->error;
    }
    size_t len = strlen(call->id);
    char *title = malloc(len + 15);
    if (title == NULL) {
        free(order);
        merit_sink_fail(sink, MERIT_ENOMEM);
        return sink->error;
    }
    memcpy(title, "Panel report: ", 14);
    memcpy(title + 14, call->id, len + 1);
    merit__html_begin(sink, title, "en");
    free(title);
    merit_sink_puts(sink, "<h1>Panel report: ");
    merit_sink_html(sink, call->id);
    merit_sink_puts(sink, "</h1>\n<p>");
    merit_sink_html(sink, call->title);
    merit_sink_puts(sink, "</p>\n<p>rubric ");
    merit_sink_html(sink, rb->id);
    merit_sink_printf(sink,
                      " | method %s | %zu proposals, %zu reviewers, %zu reviews (%zu excluded)"
                      "</p>\n",
                      merit_method_name(res->method), call->proposal_count, call->reviewer_count,
                      call->review_count, res->reviews_excluded);
    merit_sink_printf(sink, "<h2>Flagged for disagreement: %zu proposal%s</h2>\n<p>", flagged,
                      flagged == 1 ? "" : "s");
    if (rb->has_disagreement_limit) {
        merit_sink_puts(sink, "Reviewers&#39; totals span more than ");
        merit_sink_take(sink, merit_exact_string(rb->disagreement_limit));
        merit_sink_puts(sink, ".");
    } else {
        merit_sink_puts(sink, "The rubric sets no disagreement limit.");
    }
    merit_sink_puts(sink, " The criteria with the largest gap between reviewers are marked "
                          "(largest).</p>\n");
    for (size_t i = 0; i < flagged; i++)
        html_proposal(sink, res, order[i], opt);
    merit_sink_printf(sink, "<h2>Other proposals: %zu</h2>\n", res->proposal_count - flagged);
    for (size_t i = flagged; i < res->proposal_count; i++)
        html_proposal(sink, res, order[i], opt);
    html_reviewers(sink, res, opt);
    merit__panel_agreement(sink, res, opt, true);
    char note[160];
    merit_report_rounding_note(note, sizeof(note), opt->places);
    merit_sink_printf(sink, "<p class=\"note\">Scores and gaps are exact. %s</p>\n", note);
    merit__html_end(sink);
    free(order);
    return merit_sink_ok(sink) ? 0 : sink->error;
}
