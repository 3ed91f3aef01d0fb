/*
 * The terminal report (docs/cli.md, "The text report"): the call, a line
 * of what was funded and what was not ranked and why, an aligned table
 * with the funding line drawn, then the proposals that were not ranked and
 * the reviews that were excluded, and the legends.
 *
 * Every text from an input is shown escaped by the rule of merit/escape.h
 * (titles, names and reasons as prose on one line; ids and file names as
 * names), and the columns are as wide as the escaped text. With a width
 * every line fits it: the table through the kit's text table (titles and
 * leads shorten, then columns drop in the order of `enum drop`), prose
 * wrapped at spaces, headings shortened; rank, id, total, status and the
 * funding line always stay. With --top or --around-line only some ranked
 * rows are shown, each run of rows left out replaced by a line that counts
 * them, and the lists below are cut to as many entries.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merit/escape.h"
#include "report.h"

#define TITLE_WIDTH 30
#define LEAD_WIDTH 24
/* what fitting may shorten them to */
#define TITLE_MIN 16
#define LEAD_MIN 12

/* The order columns drop in to fit a width, the first dropped last here
 * (highest first); rank, id, total and status never drop (0). The
 * criteria go first (merit explain shows them, and each is narrow but
 * there are many), the rightmost first; the cumulative amount (the funding
 * line and the header line say what was awarded); the review count; the
 * request; the lead or applicant; the flags; the title last. */
enum drop {
    KEEP = 0,
    DROP_TITLE,
    DROP_FLAGS,
    DROP_INTERVAL,
    DROP_WHO,
    DROP_REQUEST,
    DROP_REV,
    DROP_CUMULATIVE,
    DROP_CRITERION,
};

struct text {
    merit_sink *sink;
    const merit_result *res;
    const merit_call *call;
    unsigned places;
    size_t width;    /* 0: no limit */
    size_t top;      /* 0: not asked */
    size_t around;   /* 0: not asked */
    bool limited;    /* top or around: some rows are left out */
    size_t list_max; /* then: how many entries each list below shows */
};

/* The escaped text added to b; a failed allocation fails b. */
static void add_shown(merit_strbuf *b, const char *text, unsigned flags)
{
    if (b->failed)
        return;
    if (!merit_escape_needed(text, strlen(text), flags)) {
        merit_strbuf_add(b, "%s", text);
        return;
    }
    char *shown = merit_escape(text, flags);
    if (shown == NULL) {
        b->failed = true;
        return;
    }
    merit_strbuf_add(b, "%s", shown);
    free(shown);
}

/* Writes b's text (safe to show) wrapped to the width, lines after the
 * first indented by `indent`, and empties b. */
static void put_wrapped(struct text *x, merit_strbuf *b, size_t indent)
{
    char *line = merit_strbuf_take(b);
    *b = (merit_strbuf){0};
    if (line == NULL) {
        merit_sink_fail(x->sink, MERIT_ENOMEM);
        return;
    }
    merit_text_wrap(x->sink, line, x->width, indent);
    free(line);
}

/* One line in a colour slot, shortened to the width; frees `owned`. */
static void put_heading(struct text *x, merit_colour colour, char *owned)
{
    if (owned == NULL) {
        merit_sink_fail(x->sink, MERIT_ENOMEM);
        return;
    }
    char *line = owned;
    if (x->width > 0 && merit_report_width(owned) > x->width) {
        line = merit_text_shorten(owned, x->width);
        free(owned);
        if (line == NULL) {
            merit_sink_fail(x->sink, MERIT_ENOMEM);
            return;
        }
    }
    merit_sink_colour(x->sink, colour);
    merit_sink_puts(x->sink, line);
    merit_sink_colour(x->sink, MERIT_COLOUR_PLAIN);
    merit_sink_putc(x->sink, '\n');
    free(line);
}

/* Parts joined with " | " on as few lines as the width allows; frees
 * them. */
static void put_parts(struct text *x, char **parts, size_t count)
{
    merit_strbuf b = {0};
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        if (parts[i] == NULL) {
            b.failed = true;
            continue;
        }
        size_t w = merit_report_width(parts[i]);
        if (i > 0 && x->width > 0 && used + 3 + w > x->width) {
            put_wrapped(x, &b, 2);
            used = 0;
        } else if (i > 0) {
            merit_strbuf_add(&b, " | ");
            used += 3;
        }
        merit_strbuf_add(&b, "%s", parts[i]);
        used += w;
        free(parts[i]);
    }
    put_wrapped(x, &b, 2);
}

static void put_title(struct text *x)
{
    const merit_call *call = x->call;
    char *id = merit_escape(call->id, 0);
    char *title = merit_escape(call->title, MERIT_ESCAPE_PROSE);
    bool with_title = true;
    if (id != NULL && title != NULL && x->width > 0) {
        size_t idw = merit_report_width(id);
        if (idw + 2 + merit_report_width(title) > x->width) {
            /* the id stays whole, the title shortens or goes */
            with_title = idw + 3 <= x->width;
            char *cut = with_title ? merit_text_shorten(title, x->width - idw - 2) : NULL;
            free(title);
            title = cut;
        }
    }
    if (id == NULL || (with_title && title == NULL)) {
        merit_sink_fail(x->sink, MERIT_ENOMEM);
    } else {
        merit_sink_colour(x->sink, MERIT_COLOUR_HEADING);
        merit_sink_puts(x->sink, id);
        merit_sink_colour(x->sink, MERIT_COLOUR_PLAIN);
        if (with_title) {
            merit_sink_puts(x->sink, "  ");
            merit_sink_puts(x->sink, title);
        }
        merit_sink_putc(x->sink, '\n');
    }
    free(id);
    free(title);
}

static char *strf(const char *format, ...) __attribute__((format(printf, 1, 2)));
static char *strf(const char *format, ...)
{
    merit_strbuf b = {0};
    va_list ap;
    va_start(ap, format);
    merit_strbuf_vadd(&b, format, ap);
    va_end(ap);
    return merit_strbuf_take(&b);
}

/* The call's rubric and size, then what was funded and what not. */
static void put_header(struct text *x)
{
    const merit_call *call = x->call;
    const merit_rubric *rb = call->rubric;
    const merit_result *res = x->res;
    char budget[48], awarded[48], left[48];
    merit_format_money(budget, sizeof(budget), call->budget);
    merit_format_money(awarded, sizeof(awarded), res->awarded);
    merit_format_money(left, sizeof(left), res->remaining);

    merit_strbuf b = {0};
    merit_strbuf_add(&b, "rubric ");
    add_shown(&b, rb->id, 0);
    merit_strbuf_add(&b, " ");
    add_shown(&b, rb->version, 0);
    merit_strbuf_add(&b, " (%s)",
                     rb->direction == MERIT_HIGHER_IS_BETTER ? "higher is better"
                                                             : "lower is better");
    char *parts[4] = {
        merit_strbuf_take(&b),
        strf("method %s", merit_method_name(res->method)),
        strf("budget %s %s", call->currency, budget),
        strf("%zu proposals, %zu reviewers, %zu reviews (%zu excluded)", call->proposal_count,
             call->reviewer_count, call->review_count, res->reviews_excluded),
    };
    put_parts(x, parts, 4);

    /* the header line: funded, reserve, not ranked by status */
    size_t count[MERIT_STATUS_INSUFFICIENT_REVIEWS + 1] = {0};
    for (size_t i = 0; i < res->proposal_count; i++)
        if ((size_t)res->proposals[i].status < sizeof(count) / sizeof(count[0]))
            count[res->proposals[i].status]++;
    size_t unranked = call->proposal_count - res->ranked_count;
    b = (merit_strbuf){0};
    merit_strbuf_add(&b, "%zu not ranked", unranked);
    const char *sep = ": ";
    for (size_t s = MERIT_STATUS_BELOW_THRESHOLD; s < sizeof(count) / sizeof(count[0]); s++)
        if (count[s] > 0) {
            merit_strbuf_add(&b, "%s%zu %s", sep, count[s], merit_status_name((merit_status)s));
            sep = ", ";
        }
    char *summary[3] = {
        strf("%zu funded (%s %s awarded, %s left)", res->funded_count, call->currency, awarded,
             left),
        strf("%zu reserve", count[MERIT_STATUS_RESERVE]),
        merit_strbuf_take(&b),
    };
    b = (merit_strbuf){0};
    put_parts(x, summary, 3);
    merit_sink_putc(x->sink, '\n');

    if (call->rejected_count == 0)
        return;
    put_heading(x, MERIT_COLOUR_ALERT,
                strf("REJECTED (--keep-going): %zu input%s left out of this ranking",
                     call->rejected_count, call->rejected_count == 1 ? "" : "s"));
    for (size_t i = 0; i < call->rejected_count; i++) {
        const merit_rejected *r = &call->rejected[i];
        merit_strbuf_add(&b, "  %-8s ", merit_rejected_kind_name(r->kind));
        add_shown(&b, r->what, 0);
        if (r->loc.file != NULL && r->loc.line > 0) {
            merit_strbuf_add(&b, " (");
            add_shown(&b, r->loc.file, 0);
            merit_strbuf_add(&b, ":%u)", r->loc.line);
        }
        /* a reason is escaped already, as a diagnostic's message is */
        merit_strbuf_add(&b, ": %s", r->reason);
        put_wrapped(x, &b, 4);
    }
    merit_sink_putc(x->sink, '\n');
}

/* The table's columns: rank id title [lead or applicant] [request] total
 * criteria... rev status flags cumulative; the bracketed ones only when a
 * proposal of the call has them (merit_report_shows). */
struct layout {
    size_t who, request, total, crit, rev, status, interval, flags, cum, count;
    bool intervals; /* the result has rank intervals: the interval column */
    merit_report_shown shown;
};

static merit_text_table *new_table(const merit_result *res, struct layout *l)
{
    const merit_call *call = res->call;
    size_t nc = call->rubric->criterion_count;
    merit_report_shows(call, &l->shown);
    l->who = 3;
    l->request = l->who + (l->shown.who ? 1 : 0);
    l->total = l->request + (l->shown.request ? 1 : 0);
    l->crit = l->total + 1;
    l->rev = l->crit + nc;
    l->status = l->rev + 1;
    l->intervals = res->has_intervals;
    l->interval = l->status + 1;
    l->flags = l->interval + (l->intervals ? 1 : 0);
    l->cum = l->flags + 1;
    l->count = l->cum + 1;
    merit_text_column *cols = calloc(l->count, sizeof(*cols));
    if (cols == NULL)
        return NULL;
    cols[0] = (merit_text_column){MERIT_ALIGN_RIGHT, KEEP, 0, 0};
    cols[1] = (merit_text_column){MERIT_ALIGN_LEFT, KEEP, 0, 0};
    cols[2] = (merit_text_column){MERIT_ALIGN_LEFT, DROP_TITLE, TITLE_WIDTH, TITLE_MIN};
    if (l->shown.who)
        cols[l->who] = (merit_text_column){MERIT_ALIGN_LEFT, DROP_WHO, LEAD_WIDTH, LEAD_MIN};
    if (l->shown.request)
        cols[l->request] = (merit_text_column){MERIT_ALIGN_RIGHT, DROP_REQUEST, 0, 0};
    cols[l->total] = (merit_text_column){MERIT_ALIGN_RIGHT, KEEP, 0, 0};
    for (size_t c = 0; c < nc; c++)
        cols[l->crit + c] = (merit_text_column){MERIT_ALIGN_RIGHT, DROP_CRITERION, 0, 0};
    cols[l->rev] = (merit_text_column){MERIT_ALIGN_RIGHT, DROP_REV, 0, 0};
    cols[l->status] = (merit_text_column){MERIT_ALIGN_LEFT, KEEP, 0, 0};
    if (l->intervals)
        cols[l->interval] = (merit_text_column){MERIT_ALIGN_RIGHT, DROP_INTERVAL, 0, 0};
    cols[l->flags] = (merit_text_column){MERIT_ALIGN_LEFT, DROP_FLAGS, 0, 0};
    cols[l->cum] = (merit_text_column){MERIT_ALIGN_RIGHT, DROP_CUMULATIVE, 0, 0};
    merit_text_table *t = merit_text_table_new(cols, l->count);
    free(cols);
    return t;
}

/* The heading of a column that is not a criterion's. */
static const char *heading(const struct layout *l, size_t c)
{
    if (c == 0)
        return "rank";
    if (c == 1)
        return "id";
    if (c == 2)
        return "title";
    if (l->shown.who && c == l->who)
        return l->shown.applicant ? "applicant" : "lead";
    if (l->shown.request && c == l->request)
        return "request";
    if (c == l->total)
        return "total";
    if (c == l->rev)
        return "rev";
    if (c == l->status)
        return "status";
    if (l->intervals && c == l->interval)
        return "interval";
    if (c == l->flags)
        return "flags";
    return "cumulative";
}

static void add_heading_row(merit_text_table *t, const merit_call *call, const struct layout *l)
{
    const merit_rubric *rb = call->rubric;
    merit_text_table_row(t, MERIT_COLOUR_HEADING);
    /* "lead" when who applies is always the lead organisation */
    for (size_t c = 0; c < l->count; c++)
        if (c >= l->crit && c < l->crit + rb->criterion_count)
            merit_text_table_text(t, c, rb->criteria[c - l->crit].id, 0);
        else
            merit_text_table_word(t, c, heading(l, c));
}

static void add_row(merit_text_table *t, const struct text *x, const struct layout *l,
                    const merit_proposal_result *pr, bool ranked)
{
    const merit_proposal *p = &x->call->proposals[pr->proposal];
    char buf[64];
    merit_text_table_row(t, merit_status_colour(pr->status));
    if (ranked) {
        snprintf(buf, sizeof(buf), "%zu%s", pr->rank, pr->rank_shared ? "=" : "");
        merit_text_table_word(t, 0, buf);
    } else {
        merit_text_table_word(t, 0, "-");
    }
    merit_text_table_text(t, 1, p->id, 0);
    merit_text_table_text(t, 2, p->title, MERIT_ESCAPE_PROSE);
    if (l->shown.who) {
        const char *who = merit_proposal_applicant(p);
        merit_text_table_text(t, l->who, who ? who : "", MERIT_ESCAPE_PROSE);
    }
    if (l->shown.request) {
        merit_format_money(buf, sizeof(buf), p->request);
        merit_text_table_word(t, l->request, buf);
    }
    if (pr->has_total)
        merit_text_table_take(t, l->total, merit_decimal_string(pr->total, x->places));
    else
        merit_text_table_word(t, l->total, "-");
    for (size_t c = 0; c < x->call->rubric->criterion_count; c++) {
        const merit_criterion_result *cr = &pr->criteria[c];
        if (cr->has_value)
            merit_text_table_take(t, l->crit + c, merit_decimal_string(cr->value, x->places));
        else
            merit_text_table_word(t, l->crit + c, "-");
    }
    if (pr->reviews_excluded)
        snprintf(buf, sizeof(buf), "%zu+%zux", pr->reviews_counted, pr->reviews_excluded);
    else
        snprintf(buf, sizeof(buf), "%zu", pr->reviews_counted);
    merit_text_table_word(t, l->rev, buf);
    merit_text_table_word(t, l->status, merit_status_name(pr->status));
    if (l->intervals && ranked) {
        snprintf(buf, sizeof(buf), "%zu-%zu", pr->rank_low, pr->rank_high);
        merit_text_table_word(t, l->interval, buf);
    }
    size_t n = 0;
    if (pr->disagreement)
        buf[n++] = 'D';
    if (pr->tie_at_line)
        buf[n++] = 'T';
    if (pr->grey_zone)
        buf[n++] = 'G';
    if (merit_call_moderated_count(x->call, pr->proposal) > 0)
        buf[n++] = 'M';
    buf[n] = '\0';
    merit_text_table_word(t, l->flags, buf);
    if (pr->status == MERIT_STATUS_FUNDED) {
        merit_format_money(buf, sizeof(buf), pr->cumulative);
        merit_text_table_word(t, l->cum, buf);
    }
}

/* Whether ranked row k (0-based, in report order) is shown; `line` is the
 * number of ranked rows above the funding line. */
static bool row_shown(const struct text *x, size_t k, size_t line)
{
    if (!x->limited)
        return true;
    if (x->top > 0 && k < x->top)
        return true;
    return x->around > 0 && k + x->around >= line && k < line + x->around;
}

/* "… 12 more ranked (2 funded, 10 reserve)" for a run of rows left out. */
static void put_gap(struct text *x, const char *what, size_t *count)
{
    size_t total = 0;
    for (size_t s = 0; s <= MERIT_STATUS_INSUFFICIENT_REVIEWS; s++)
        total += count[s];
    if (total == 0)
        return;
    merit_strbuf b = {0};
    merit_strbuf_add(&b, "  \xE2\x80\xA6 %zu more %s", total, what);
    const char *sep = " (";
    for (size_t s = 0; s <= MERIT_STATUS_INSUFFICIENT_REVIEWS; s++)
        if (count[s] > 0) {
            merit_strbuf_add(&b, "%s%zu %s", sep, count[s], merit_status_name((merit_status)s));
            sep = ", ";
        }
    merit_strbuf_add(&b, ")");
    put_heading(x, MERIT_COLOUR_MUTED, merit_strbuf_take(&b));
    memset(count, 0, (MERIT_STATUS_INSUFFICIENT_REVIEWS + 1) * sizeof(*count));
}

/* "---- funding line: USD 8,880,000.00 awarded to 6, 120,000.00 left ----",
 * as long as the table; in fewer words when the width is narrower. */
static void put_funding_line(struct text *x, size_t table_width)
{
    char awarded[48], left[48], label[200];
    merit_format_money(awarded, sizeof(awarded), x->res->awarded);
    merit_format_money(left, sizeof(left), x->res->remaining);
    snprintf(label, sizeof(label), " funding line: %s %s awarded to %zu, %s left ",
             x->call->currency, awarded, x->res->funded_count, left);
    size_t lw = merit_report_width(label);
    if (x->width > 0 && lw + 8 > x->width) {
        snprintf(label, sizeof(label), " funding line: %zu funded ", x->res->funded_count);
        lw = merit_report_width(label);
        if (lw + 8 > x->width) {
            snprintf(label, sizeof(label), " funding line ");
            lw = merit_report_width(label);
        }
    }
    size_t dashes = table_width > lw + 4 ? table_width - lw - 4 : 4;
    if (x->width > 0 && lw + 4 + dashes > x->width)
        dashes = x->width > lw + 8 ? x->width - lw - 4 : 4;
    merit_sink_colour(x->sink, MERIT_COLOUR_HEADING);
    merit_sink_puts(x->sink, "----");
    merit_sink_puts(x->sink, label);
    for (size_t i = 0; i < dashes; i++)
        merit_sink_putc(x->sink, '-');
    merit_sink_colour(x->sink, MERIT_COLOUR_PLAIN);
    merit_sink_putc(x->sink, '\n');
}

static void put_table(struct text *x, const struct layout *l, merit_text_table *t)
{
    const merit_result *res = x->res;
    const merit_call *call = x->call;
    size_t line = 0; /* ranked rows above the funding line */
    for (size_t k = 0; k < res->ranked_count; k++)
        if (res->proposals[res->order[k]].status == MERIT_STATUS_FUNDED)
            line = k + 1;

    add_heading_row(t, call, l);
    for (size_t k = 0; k < res->ranked_count; k++)
        if (row_shown(x, k, line))
            add_row(t, x, l, &res->proposals[res->order[k]], true);
    size_t ranked_rows = merit_text_table_rows(t);
    size_t unranked = call->proposal_count - res->ranked_count;
    size_t listed = x->limited && unranked > x->list_max ? x->list_max : unranked;
    for (size_t k = 0; k < listed; k++)
        add_row(t, x, l, &res->proposals[res->order[res->ranked_count + k]], false);
    size_t table_width = merit_text_table_fit(t, x->width);

    size_t gap[MERIT_STATUS_INSUFFICIENT_REVIEWS + 1] = {0};
    size_t row = 1;
    merit_text_table_write(t, x->sink, 0, 1);
    for (size_t k = 0; k <= res->ranked_count; k++) {
        if (k == line) {
            put_gap(x, "ranked", gap);
            put_funding_line(x, table_width);
        }
        if (k == res->ranked_count)
            break;
        if (row_shown(x, k, line)) {
            put_gap(x, "ranked", gap);
            merit_text_table_write(t, x->sink, row, row + 1);
            row++;
        } else {
            gap[res->proposals[res->order[k]].status]++;
        }
    }
    put_gap(x, "ranked", gap);
    if (listed > 0) {
        merit_sink_colour(x->sink, MERIT_COLOUR_HEADING);
        merit_sink_puts(x->sink, "not ranked:");
        merit_sink_colour(x->sink, MERIT_COLOUR_PLAIN);
        merit_sink_putc(x->sink, '\n');
        merit_text_table_write(t, x->sink, ranked_rows, merit_text_table_rows(t));
        for (size_t k = listed; k < unranked; k++)
            gap[res->proposals[res->order[res->ranked_count + k]].status]++;
        put_gap(x, "not ranked", gap);
    }
}

/* "  … and 12 more" under a list cut short by --top or --around-line. */
static void put_more(struct text *x, size_t more)
{
    if (more == 0)
        return;
    merit_strbuf b = {0};
    merit_strbuf_add(
        &b, "  \xE2\x80\xA6 and %zu more (all of them without --top and --around-line)", more);
    put_wrapped(x, &b, 4);
}

/* A blank line and a list's heading, wrapped to the width. */
static void put_section(struct text *x, const char *heading)
{
    merit_sink_putc(x->sink, '\n');
    merit_text_wrap(x->sink, heading, x->width, 2);
}

static void put_lists(struct text *x)
{
    const merit_result *res = x->res;
    const merit_call *call = x->call;
    size_t max = x->limited ? x->list_max : SIZE_MAX;
    merit_strbuf b = {0};

    if (res->ranked_count < call->proposal_count) {
        put_section(x, "Why not ranked:");
        size_t shown = 0;
        for (size_t k = res->ranked_count; k < call->proposal_count && shown < max; k++, shown++) {
            const merit_proposal_result *pr = &res->proposals[res->order[k]];
            char *why = merit_report_reason(res, pr, x->places);
            if (why == NULL) {
                merit_sink_fail(x->sink, MERIT_ENOMEM);
                return;
            }
            merit_strbuf_add(&b, "  ");
            add_shown(&b, call->proposals[pr->proposal].id, 0);
            merit_strbuf_add(&b, "  %s: ", merit_status_name(pr->status));
            add_shown(&b, why, MERIT_ESCAPE_PROSE);
            free(why);
            put_wrapped(x, &b, 4);
        }
        put_more(x, call->proposal_count - res->ranked_count - shown);
    }

    if (res->reviews_excluded > 0) {
        put_section(x, "Excluded reviews:");
        size_t shown = 0;
        for (size_t i = 0; i < call->review_count && shown < max; i++) {
            if (res->reviews[i].counted)
                continue;
            const merit_review *rv = &call->reviews[i];
            merit_strbuf_add(&b, "  ");
            add_shown(&b, call->proposals[rv->proposal].id, 0);
            merit_strbuf_add(&b, " by ");
            add_shown(&b, call->reviewers[rv->reviewer].id, 0);
            merit_strbuf_add(&b, " (");
            add_shown(&b, call->reviewers[rv->reviewer].name, MERIT_ESCAPE_PROSE);
            merit_strbuf_add(&b, "): conflict declared by the programme office: ");
            add_shown(&b, rv->conflict_reason ? rv->conflict_reason : "", MERIT_ESCAPE_PROSE);
            put_wrapped(x, &b, 4);
            shown++;
        }
        put_more(x, res->reviews_excluded - shown);
    }

    size_t declared = 0;
    for (size_t i = 0; i < call->conflict_count; i++)
        declared += !call->conflicts[i].from_call;
    if (declared > 0) {
        put_section(x, "Conflicts declared by reviewers (no review submitted):");
        size_t shown = 0;
        for (size_t i = 0; i < call->conflict_count && shown < max; i++) {
            const merit_conflict *k = &call->conflicts[i];
            if (k->from_call)
                continue;
            merit_strbuf_add(&b, "  ");
            add_shown(&b, call->proposals[k->proposal].id, 0);
            merit_strbuf_add(&b, " and ");
            add_shown(&b, call->reviewers[k->reviewer].id, 0);
            merit_strbuf_add(&b, ": ");
            add_shown(&b, k->reason, MERIT_ESCAPE_PROSE);
            put_wrapped(x, &b, 4);
            shown++;
        }
        put_more(x, declared - shown);
    }
}

static void put_legends(struct text *x, const struct layout *l, const merit_text_table *t)
{
    const merit_result *res = x->res;
    const merit_rubric *rb = x->call->rubric;
    bool flags = merit_text_table_shown(t, l->flags);
    bool any_disagreement = false, any_tie = false;
    for (size_t i = 0; i < res->proposal_count; i++)
        any_disagreement = any_disagreement || res->proposals[i].disagreement;
    for (size_t k = 0; k < res->ranked_count; k++)
        any_tie = any_tie || res->proposals[res->order[k]].tie_at_line;
    merit_strbuf b = {0};

    merit_sink_putc(x->sink, '\n');
    if (any_disagreement && flags) {
        char *lim = merit_exact_string(rb->disagreement_limit);
        if (lim == NULL) {
            merit_sink_fail(x->sink, MERIT_ENOMEM);
            return;
        }
        merit_strbuf_add(&b, "D: reviewers disagree: their totals span more than %s.", lim);
        free(lim);
        put_wrapped(x, &b, 3);
    }
    if (any_tie && flags) {
        merit_strbuf_add(&b,
                         "T: a shared rank at the funding line that the budget cannot fund "
                         "whole; %s",
                         res->ties == MERIT_TIES_LOTTERY      ? "a seeded lottery settles it."
                         : res->ties == MERIT_TIES_FUND_WHOLE ? "the call funds it whole within "
                                                                "its overspend, or not at all."
                                                              : "merit does not break it.");
        put_wrapped(x, &b, 3);
    }
    if (res->grey_count > 0 && flags) {
        merit_strbuf_add(&b, "G: in the grey zone: its rank interval crosses the funding line.");
        put_wrapped(x, &b, 3);
    }
    if (x->call->change_count > 0 && flags) {
        merit_strbuf_add(
            &b, "M: the panel changed some of its scores after review (moderation): "
                "the ranking uses the changed scores, the sheets keep the reviewers' own.");
        put_wrapped(x, &b, 3);
    }
    if (l->intervals && merit_text_table_shown(t, l->interval)) {
        merit_strbuf_add(&b,
                         "interval: the %u%% rank interval over %zu bootstrap resamples of each "
                         "proposal's reviews (seed ",
                         res->level, res->resamples);
        add_shown(&b, res->seed, 0);
        merit_strbuf_add(&b,
                         "); the funding line falls after position %zu (docs/scoring.md, "
                         "\"Rank intervals and the grey zone\").",
                         res->line);
        put_wrapped(x, &b, 3);
    }
    char *words = merit_report_funding_rule(res);
    if (words == NULL) {
        merit_sink_fail(x->sink, MERIT_ENOMEM);
        return;
    }
    if (words[0] != '\0') {
        merit_strbuf_add(&b, "%s", words);
        if (res->pool_count > 0) {
            merit_strbuf_add(&b, " The seed: '");
            add_shown(&b, res->lottery_seed != NULL ? res->lottery_seed : "", MERIT_ESCAPE_PROSE);
            merit_strbuf_add(&b, "'.");
        }
    }
    free(words);
    if (x->call->funding_line.statement != NULL) {
        merit_strbuf_add(&b, "%sThe call says: ", b.len > 0 ? " " : "");
        add_shown(&b, x->call->funding_line.statement, MERIT_ESCAPE_PROSE);
    }
    if (b.len > 0)
        put_wrapped(x, &b, 2);
    if (merit_text_table_shown(t, l->rev))
        merit_strbuf_add(&b, "rev: counted reviews (+N x: excluded). ");
    merit_strbuf_add(&b, "Ties share a rank (3=).");
    put_wrapped(x, &b, 2);

    const char *sep = NULL;
    for (size_t c = 0; c < l->count; c++) {
        if (merit_text_table_shown(t, c))
            continue;
        if (sep == NULL)
            merit_strbuf_add(&b, "Left out to fit %zu columns: ", x->width);
        else
            merit_strbuf_add(&b, "%s", sep);
        if (c >= l->crit && c < l->crit + rb->criterion_count)
            add_shown(&b, rb->criteria[c - l->crit].id, 0);
        else
            merit_strbuf_add(&b, "%s", heading(l, c));
        sep = ", ";
    }
    if (sep != NULL) {
        merit_strbuf_add(&b, " (--width 0 shows every column).");
        put_wrapped(x, &b, 2);
    }

    char note[200];
    merit_report_rounding_note(note, sizeof(note), x->places);
    merit_strbuf_add(&b, "%s", note);
    put_wrapped(x, &b, 2);
}

int merit_report_text(merit_sink *sink, const merit_result *res, const merit_report_options *opt)
{
    struct text x = {
        .sink = sink,
        .res = res,
        .call = res->call,
        .places = opt ? opt->places : 2,
        .width = opt ? opt->width : 0,
        .top = opt ? opt->top : 0,
        .around = opt ? opt->around_line : 0,
    };
    x.limited = x.top > 0 || x.around > 0;
    x.list_max = x.top > 2 * x.around ? x.top : 2 * x.around;

    put_title(&x);
    put_header(&x);
    struct layout l;
    merit_text_table *t = new_table(res, &l);
    if (t == NULL) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        return sink->error;
    }
    put_table(&x, &l, t);
    put_lists(&x);
    put_legends(&x, &l, t);
    merit_text_table_free(t);
    return sink->error;
}
