/* The terminal report: an aligned table with the funding line drawn, then
 * the proposals that were not ranked and the reviews that were excluded.
 * Every text from an input is shown escaped by the rule of merit/escape.h
 * (titles, names and reasons as prose on one line; ids and file names as
 * names), and the columns are as wide as the escaped text. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "merit/escape.h"
#include "report.h"

#define MAX_COLUMNS 80
#define TITLE_WIDTH 30
#define LEAD_WIDTH 24

/* Every cell's text is kept in one buffer (a call of 50,000 proposals has
 * 750,000 cells: one allocation each would cost more than the text). */
struct table {
    size_t columns;
    size_t rows;
    size_t cap;
    size_t *cells; /* rows * columns offsets into text; SIZE_MAX: empty */
    char *text;    /* the cells' texts, each ended by NUL; owned */
    size_t text_len, text_cap;
    bool *right; /* right-aligned columns */
    const char **row_colour;
};

static const char *table_cell(const struct table *t, size_t row, size_t col)
{
    size_t at = t->cells[row * t->columns + col];
    return at == SIZE_MAX ? NULL : t->text + at;
}

static int table_add_row(struct table *t, const char *colour)
{
    if (t->rows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        size_t *cells = realloc(t->cells, cap * t->columns * sizeof(*cells));
        if (cells == NULL)
            return -1;
        t->cells = cells;
        const char **colours = realloc(t->row_colour, cap * sizeof(*colours));
        if (colours == NULL)
            return -1;
        t->row_colour = colours;
        t->cap = cap;
    }
    for (size_t c = 0; c < t->columns; c++)
        t->cells[t->rows * t->columns + c] = SIZE_MAX;
    t->row_colour[t->rows] = colour;
    t->rows++;
    return 0;
}

/* Room for `room` more bytes of cell text. */
static int table_reserve(struct table *t, size_t room)
{
    if (t->text_len + room <= t->text_cap)
        return 0;
    size_t cap = t->text_cap ? t->text_cap * 2 : 4096;
    while (cap < t->text_len + room)
        cap *= 2;
    char *grown = realloc(t->text, cap);
    if (grown == NULL)
        return -1;
    t->text = grown;
    t->text_cap = cap;
    return 0;
}

/* Sets a cell of the last row to a copy of text (NULL: out of memory). */
static int table_put(struct table *t, size_t col, const char *text)
{
    if (text == NULL)
        return -1;
    size_t len = strlen(text) + 1;
    if (table_reserve(t, len) != 0)
        return -1;
    memcpy(t->text + t->text_len, text, len);
    t->cells[(t->rows - 1) * t->columns + col] = t->text_len;
    t->text_len += len;
    return 0;
}

/* Sets a cell of the last row to text from an input, escaped with flags
 * and, when max is not 0 and it is wider, cut to max columns ending in "…"
 * (never inside an escape). */
static int table_put_shown(struct table *t, size_t col, const char *text, unsigned flags,
                           size_t max)
{
    size_t len = strlen(text);
    size_t room = MERIT_ESCAPE_BOUND(len) + 3; /* and the ellipsis */
    if (table_reserve(t, room) != 0)
        return -1;
    char *at = t->text + t->text_len;
    size_t n = merit_escape_buf(at, room, text, len, flags);
    if (max > 0 && merit_report_width(at) > max) {
        n = merit_escape_cut(at, max - 1, NULL);
        /* drop a trailing space before the ellipsis */
        while (n > 0 && at[n - 1] == ' ')
            n--;
        memcpy(at + n, "\xE2\x80\xA6", 4);
        n += 3;
    }
    t->cells[(t->rows - 1) * t->columns + col] = t->text_len;
    t->text_len += n + 1;
    return 0;
}

/* Writes text from an input to out, escaped with flags; -1 when out of
 * memory. */
static int put_shown(FILE *out, const char *text, unsigned flags)
{
    if (!merit_escape_needed(text, strlen(text), flags)) {
        fputs(text, out);
        return 0;
    }
    char *shown = merit_escape(text, flags);
    if (shown == NULL)
        return -1;
    fputs(shown, out);
    free(shown);
    return 0;
}

/* The same for text made for the cell, which it frees. */
static int table_take(struct table *t, size_t col, char *text)
{
    int rc = table_put(t, col, text);
    free(text);
    return rc;
}

static void table_free(struct table *t)
{
    free(t->cells);
    free(t->text);
    free(t->right);
    free(t->row_colour);
}

static char *fmt_decimal(const mpq_t v, unsigned places)
{
    return merit_decimal_string(v, places);
}

static char *fmt_money(int64_t cents)
{
    char buf[48];
    merit_format_money(buf, sizeof(buf), cents);
    return strdup(buf);
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char *s = NULL;
    int n = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    if (n >= 0 && (s = malloc((size_t)n + 1)) != NULL) {
        va_start(ap, f);
        vsnprintf(s, (size_t)n + 1, f, ap);
        va_end(ap);
    }
    return s;
}

static void put_padded(FILE *out, const char *s, size_t w, bool right)
{
    size_t sw = merit_report_width(s);
    if (right)
        for (size_t i = sw; i < w; i++)
            fputc(' ', out);
    fputs(s, out);
    if (!right)
        for (size_t i = sw; i < w; i++)
            fputc(' ', out);
}

/* Prints rows [from, to) of the table with widths computed over all rows. */
static void table_print_rows(FILE *out, const struct table *t, const size_t *w, size_t from,
                             size_t to, bool color)
{
    for (size_t r = from; r < to; r++) {
        const char *colour = color ? t->row_colour[r] : NULL;
        if (colour)
            fputs(colour, out);
        /* trailing empty cells are not padded */
        size_t last = t->columns;
        while (last > 0 &&
               (table_cell(t, r, last - 1) == NULL || table_cell(t, r, last - 1)[0] == '\0'))
            last--;
        for (size_t c = 0; c < last; c++) {
            const char *s = table_cell(t, r, c);
            if (c > 0)
                fputs("  ", out);
            put_padded(out, s ? s : "", c + 1 == last && !t->right[c] ? 0 : w[c], t->right[c]);
        }
        if (colour)
            fputs("\x1b[0m", out);
        fputc('\n', out);
    }
}

static const char *status_colour(merit_status s)
{
    switch (s) {
    case MERIT_STATUS_FUNDED:
        return "\x1b[32m";
    case MERIT_STATUS_RESERVE:
        return "\x1b[33m";
    default:
        return "\x1b[2m";
    }
}

int merit_report_text(FILE *out, const merit_result *res, const merit_report_options *opt)
{
    const merit_call *call = res->call;
    const merit_rubric *rb = call->rubric;
    unsigned places = opt ? opt->places : 2;
    bool color = opt && opt->color;
    size_t nc = rb->criterion_count;
    int rc = 0;

    char budget[48], awarded[48], left[48];
    merit_format_money(budget, sizeof(budget), call->budget);
    merit_format_money(awarded, sizeof(awarded), res->awarded);
    merit_format_money(left, sizeof(left), res->remaining);
    size_t excluded = res->reviews_excluded;

    fputs(color ? "\x1b[1m" : "", out);
    rc |= put_shown(out, call->id, 0);
    fputs(color ? "\x1b[0m  " : "  ", out);
    rc |= put_shown(out, call->title, MERIT_ESCAPE_PROSE);
    fputs("\nrubric ", out);
    rc |= put_shown(out, rb->id, 0);
    fputc(' ', out);
    rc |= put_shown(out, rb->version, 0);
    fprintf(out,
            " (%s) | method %s | budget %s %s | %zu proposals, %zu reviewers, "
            "%zu reviews (%zu excluded)\n\n",
            rb->direction == MERIT_HIGHER_IS_BETTER ? "higher is better" : "lower is better",
            merit_method_name(res->method), call->currency, budget, call->proposal_count,
            call->reviewer_count, call->review_count, excluded);
    if (call->rejected_count > 0) {
        fprintf(out, "%sREJECTED (--keep-going): %zu input%s left out of this ranking%s\n",
                color ? "\x1b[1;31m" : "", call->rejected_count,
                call->rejected_count == 1 ? "" : "s", color ? "\x1b[0m" : "");
        for (size_t i = 0; i < call->rejected_count; i++) {
            const merit_rejected *r = &call->rejected[i];
            fprintf(out, "  %-8s ", merit_rejected_kind_name(r->kind));
            rc |= put_shown(out, r->what, 0);
            if (r->loc.file != NULL && r->loc.line > 0) {
                fputs(" (", out);
                rc |= put_shown(out, r->loc.file, 0);
                fprintf(out, ":%u)", r->loc.line);
            }
            /* a reason is escaped already, as a diagnostic's message is */
            fprintf(out, ": %s\n", r->reason);
        }
        fputc('\n', out);
    }

    /* columns: rank id title [lead or applicant] [request] total criteria...
     * reviews status flags cumulative; the bracketed ones only when a
     * proposal of the call has them (merit_report_shows) */
    merit_report_shown shown;
    merit_report_shows(call, &shown);
    struct table t = {0};
    size_t col_who = 3, col_request = col_who + (shown.who ? 1 : 0);
    size_t col_total = col_request + (shown.request ? 1 : 0), col_crit = col_total + 1;
    t.columns = col_crit + nc + 4;
    t.right = calloc(t.columns, sizeof(bool));
    if (t.right == NULL)
        return -1;
    t.right[0] = true;
    if (shown.request)
        t.right[col_request] = true;
    for (size_t c = col_total; c < col_crit + nc + 1; c++)
        t.right[c] = true;
    t.right[t.columns - 1] = true;
    size_t col_status = col_crit + nc + 1, col_flags = col_status + 1, col_cum = col_flags + 1;

    if (table_add_row(&t, color ? "\x1b[1m" : NULL) != 0)
        goto oom;
    rc |= table_put(&t, 0, "rank");
    rc |= table_put(&t, 1, "id");
    rc |= table_put(&t, 2, "title");
    /* "lead" when who applies is always the lead organisation */
    if (shown.who)
        rc |= table_put(&t, col_who, shown.applicant ? "applicant" : "lead");
    if (shown.request)
        rc |= table_put(&t, col_request, "request");
    rc |= table_put(&t, col_total, "total");
    for (size_t c = 0; c < nc; c++)
        rc |= table_put_shown(&t, col_crit + c, rb->criteria[c].id, 0, 0);
    rc |= table_put(&t, col_crit + nc, "rev");
    rc |= table_put(&t, col_status, "status");
    rc |= table_put(&t, col_flags, "flags");
    rc |= table_put(&t, col_cum, "cumulative");

    size_t line_after = 0; /* table row after which the funding line is drawn */
    bool any_disagreement = false;
    for (size_t k = 0; k < call->proposal_count && rc == 0; k++) {
        const merit_proposal_result *pr = &res->proposals[res->order[k]];
        const merit_proposal *p = &call->proposals[pr->proposal];
        if (table_add_row(&t, color ? status_colour(pr->status) : NULL) != 0)
            goto oom;
        if (k < res->ranked_count)
            rc |= table_take(&t, 0, fmt("%zu%s", pr->rank, pr->rank_shared ? "=" : ""));
        else
            rc |= table_put(&t, 0, "-");
        rc |= table_put_shown(&t, 1, p->id, 0, 0);
        rc |= table_put_shown(&t, 2, p->title, MERIT_ESCAPE_PROSE, TITLE_WIDTH);
        if (shown.who) {
            const char *who = merit_proposal_applicant(p);
            rc |= table_put_shown(&t, col_who, who ? who : "", MERIT_ESCAPE_PROSE, LEAD_WIDTH);
        }
        if (shown.request)
            rc |= table_take(&t, col_request, fmt_money(p->request));
        rc |=
            table_take(&t, col_total, pr->has_total ? fmt_decimal(pr->total, places) : strdup("-"));
        for (size_t c = 0; c < nc; c++)
            rc |= table_take(&t, col_crit + c,
                             pr->criteria[c].has_value ? fmt_decimal(pr->criteria[c].value, places)
                                                       : strdup("-"));
        rc |= table_take(&t, col_crit + nc,
                         pr->reviews_excluded
                             ? fmt("%zu+%zux", pr->reviews_counted, pr->reviews_excluded)
                             : fmt("%zu", pr->reviews_counted));
        rc |= table_put(&t, col_status, merit_status_name(pr->status));
        char flags[8] = "";
        if (pr->disagreement) {
            strcat(flags, "D");
            any_disagreement = true;
        }
        if (pr->tie_at_line)
            strcat(flags, "T");
        rc |= table_put(&t, col_flags, flags);
        rc |=
            table_take(&t, col_cum,
                       pr->status == MERIT_STATUS_FUNDED ? fmt_money(pr->cumulative) : strdup(""));
        if (pr->status == MERIT_STATUS_FUNDED)
            line_after = t.rows;
    }
    if (rc != 0)
        goto oom;

    size_t *w = calloc(t.columns, sizeof(size_t));
    if (w == NULL)
        goto oom;
    for (size_t r = 0; r < t.rows; r++)
        for (size_t c = 0; c < t.columns; c++) {
            const char *s = table_cell(&t, r, c);
            size_t sw = s ? merit_report_width(s) : 0;
            if (sw > w[c])
                w[c] = sw;
        }
    size_t ranked_rows = 1 + res->ranked_count;
    if (line_after == 0)
        line_after = 1; /* nothing funded: the line sits under the header */
    table_print_rows(out, &t, w, 0, line_after, color);
    size_t total_width = 0;
    for (size_t c = 0; c < t.columns; c++)
        total_width += w[c] + (c ? 2 : 0);
    char label[160];
    snprintf(label, sizeof(label), " funding line: %s %s awarded to %zu, %s left ", call->currency,
             awarded, res->funded_count, left);
    size_t lw = merit_report_width(label);
    size_t dashes = total_width > lw + 4 ? total_width - lw - 4 : 4;
    fputs(color ? "\x1b[1m" : "", out);
    fputs("----", out);
    fputs(label, out);
    for (size_t i = 0; i < dashes; i++)
        fputc('-', out);
    fputs(color ? "\x1b[0m\n" : "\n", out);
    table_print_rows(out, &t, w, line_after, ranked_rows, color);
    if (ranked_rows < t.rows) {
        fprintf(out, "%snot ranked:%s\n", color ? "\x1b[1m" : "", color ? "\x1b[0m" : "");
        table_print_rows(out, &t, w, ranked_rows, t.rows, color);
    }
    free(w);

    /* not ranked, with the reason */
    if (res->ranked_count < call->proposal_count) {
        fprintf(out, "\nWhy not ranked:\n");
        for (size_t k = res->ranked_count; k < call->proposal_count; k++) {
            const merit_proposal_result *pr = &res->proposals[res->order[k]];
            char *why = merit_report_reason(res, pr, places);
            if (why == NULL) {
                table_free(&t);
                return -1;
            }
            fputs("  ", out);
            rc |= put_shown(out, call->proposals[pr->proposal].id, 0);
            fprintf(out, "  %s: ", merit_status_name(pr->status));
            rc |= put_shown(out, why, MERIT_ESCAPE_PROSE);
            fputc('\n', out);
            free(why);
        }
    }

    if (excluded > 0) {
        fprintf(out, "\nExcluded reviews:\n");
        for (size_t i = 0; i < call->review_count; i++) {
            if (res->reviews[i].counted)
                continue;
            const merit_review *rv = &call->reviews[i];
            fputs("  ", out);
            rc |= put_shown(out, call->proposals[rv->proposal].id, 0);
            fputs(" by ", out);
            rc |= put_shown(out, call->reviewers[rv->reviewer].id, 0);
            fputs(" (", out);
            rc |= put_shown(out, call->reviewers[rv->reviewer].name, MERIT_ESCAPE_PROSE);
            fputs("): conflict declared by the programme office: ", out);
            rc |=
                put_shown(out, rv->conflict_reason ? rv->conflict_reason : "", MERIT_ESCAPE_PROSE);
            fputc('\n', out);
        }
    }
    bool any_declared = false;
    for (size_t i = 0; i < call->conflict_count; i++)
        any_declared = any_declared || !call->conflicts[i].from_call;
    if (any_declared) {
        fprintf(out, "\nConflicts declared by reviewers (no review submitted):\n");
        for (size_t i = 0; i < call->conflict_count; i++) {
            const merit_conflict *k = &call->conflicts[i];
            if (k->from_call)
                continue;
            fputs("  ", out);
            rc |= put_shown(out, call->proposals[k->proposal].id, 0);
            fputs(" and ", out);
            rc |= put_shown(out, call->reviewers[k->reviewer].id, 0);
            fputs(": ", out);
            rc |= put_shown(out, k->reason, MERIT_ESCAPE_PROSE);
            fputc('\n', out);
        }
    }

    fputc('\n', out);
    if (any_disagreement) {
        char *lim = merit_exact_string(rb->disagreement_limit);
        if (lim == NULL) {
            table_free(&t);
            return -1;
        }
        fprintf(out, "D: reviewers disagree: their totals span more than %s.\n", lim);
        free(lim);
    }
    for (size_t k = 0; k < res->ranked_count; k++)
        if (res->proposals[res->order[k]].tie_at_line) {
            fprintf(out, "T: a shared rank at the funding line that the budget cannot fund whole; "
                         "merit does not break it.\n");
            break;
        }
    fprintf(out, "rev: counted reviews (+N x: excluded). Ties share a rank (3=).\n");
    char note[200];
    merit_report_rounding_note(note, sizeof(note), places);
    fprintf(out, "%s\n", note);
    table_free(&t);
    return rc != 0 || ferror(out) ? -1 : 0;
oom:
    table_free(&t);
    return -1;
}
