/*
 * The spreadsheet report (Office Open XML workbook, through libxlsxwriter).
 *
 * Two sheets. "ranking": one row per proposal in report order, the columns
 * of the CSV report (reports/csv.c), with numbers stored as numbers: a
 * cell holds the value merit shows, rounded half to even to `places`
 * decimals by merit's own decimal string and only then converted to a
 * double for the cell, with a number format of `places` decimals; the
 * exact value stays beside it as a fraction in text ("509/6"), so a reader
 * can check the rounding. Money is a number with a money format. A shared
 * rank is the number with a format that shows "2=". The header row is
 * frozen and carries an autofilter. "detail": one row per proposal x review
 * x criterion, the columns of `--format csv --detail`.
 *
 * Text from an input is always a string cell (worksheet_write_string),
 * never a formula: a title "=1+1" is the text "=1+1", and needs no
 * apostrophe as in CSV. Two things a spreadsheet would otherwise change
 * are handled here: the literal text "_x0041_" (which Excel decodes as an
 * escaped "A") gets its underscore escaped as "_x005F_", and a text longer
 * than a cell can hold (32,767 UTF-16 units) is shortened with a marker
 * saying so.
 *
 * The bytes depend on the inputs only: the document's creation time is a
 * constant (1980-01-01T00:00:00Z, the date libxlsxwriter gives every zip
 * entry too), so two runs give the same file and the audit trail's hash
 * can be checked by a replay.
 *
 * libxlsxwriter 1.1.4 (Debian 12) writes a workbook only to a named file
 * (the output_buffer option came later): the workbook is written to a
 * private temporary file (mkstemp, in TMPDIR or /tmp), which is unlinked
 * as soon as it is closed and then copied into the sink through
 * merit_sink_write, so the report's bytes are hashed like every other's.
 */
#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "report.h"

_Static_assert(MERIT_XLSX_ROW_MAX == LXW_ROW_MAX, "report.h says how many rows a worksheet holds");

/* 1980-01-01T00:00:00Z: see above. */
#define XLSX_CREATED ((time_t)315532800)
/* What one cell holds, in UTF-16 code units (Excel's limit). */
#define XLSX_CELL_MAX 32767
/* Column widths, in characters. */
#define XLSX_WIDTH_MIN 6
#define XLSX_WIDTH_MAX 60

static const char shortened_marker[] =
    " [shortened by merit: a spreadsheet cell holds at most 32,767 characters; the CSV "
    "and JSON reports hold the whole text]";

/* The workbook being written, and the first error (a merit_error). */
struct book {
    lxw_workbook *wb;
    lxw_format *header, *number, *count, *money, *rank, *rank_shared;
    locale_t c_locale; /* decimal strings are read with a point */
    int error;
};

/* One sheet and the cell the next write goes to. */
struct sheet {
    struct book *book;
    lxw_worksheet *ws;
    lxw_row_t row;
    lxw_col_t col;
    size_t *widths; /* per column: the longest shown text, in characters */
    size_t columns;
};

static void book_fail(struct book *b, int error)
{
    if (b->error == 0)
        b->error = error;
}

static void book_check(struct book *b, lxw_error e)
{
    if (e == LXW_NO_ERROR)
        return;
    book_fail(b, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? MERIT_ENOMEM : MERIT_EIO);
}

/* Code points of UTF-8 text (the width a column needs). */
static size_t text_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void sheet_widen(struct sheet *s, size_t width)
{
    if (s->col < s->columns && width > s->widths[s->col])
        s->widths[s->col] = width;
}

/* Whether text at p is "_xHHHH_", which Excel would decode. */
static bool is_escape_lookalike(const char *p)
{
    if (p[0] != '_' || p[1] != 'x')
        return false;
    for (int i = 2; i < 6; i++)
        if (!isxdigit((unsigned char)p[i]))
            return false;
    return p[6] == '_';
}

/*
 * The text a string cell is given for a text from an input: the same
 * text, or a malloc'd copy (*owned, which the caller frees) that is
 * shortened to what a cell holds and has every "_xHHHH_" written as
 * "_x005F_xHHHH_", so that the spreadsheet shows the original. NULL when
 * out of memory.
 */
static const char *cell_text(const char *text, char **owned)
{
    *owned = NULL;
    size_t units = 0, keep = 0, lookalikes = 0;
    const size_t room = XLSX_CELL_MAX - (sizeof(shortened_marker) - 1);
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0;
    for (; p[i]; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            /* a code point starts: 4-byte sequences are two UTF-16 units */
            units += p[i] >= 0xF0 ? 2 : 1;
            if (units <= room)
                keep = i + 1; /* refined below to the code point's end */
        }
        if (p[i] == '_' && is_escape_lookalike(text + i))
            lookalikes++;
    }
    size_t len = i;
    bool shorten = units > XLSX_CELL_MAX;
    if (!shorten && lookalikes == 0)
        return text;
    if (shorten) {
        /* keep: one past the first byte of the last code point that fits;
         * extend to that code point's end */
        while (keep < len && (p[keep] & 0xC0) == 0x80)
            keep++;
        len = keep;
    }
    size_t size = len + (shorten ? sizeof(shortened_marker) - 1 : 0) + 1;
    char *joined = malloc(size);
    if (joined == NULL)
        return NULL;
    memcpy(joined, text, len);
    joined[len] = '\0';
    if (shorten)
        memcpy(joined + len, shortened_marker, sizeof(shortened_marker));
    /* count again: a cut may have removed one, or the join made one */
    lookalikes = 0;
    for (const char *q = joined; *q; q++)
        lookalikes += *q == '_' && is_escape_lookalike(q);
    if (lookalikes == 0) {
        *owned = joined;
        return joined;
    }
    size_t n = strlen(joined);
    char *escaped = malloc(n + 6 * lookalikes + 1);
    if (escaped == NULL) {
        free(joined);
        return NULL;
    }
    char *w = escaped;
    for (const char *q = joined; *q; q++) {
        if (*q == '_' && is_escape_lookalike(q)) {
            memcpy(w, "_x005F", 6);
            w += 6;
        }
        *w++ = *q;
    }
    *w = '\0';
    free(joined);
    *owned = escaped;
    return escaped;
}

static void sheet_next(struct sheet *s)
{
    s->col++;
}

/* A string cell. from_input: escaped and shortened as cell_text says;
 * merit's own words are written as they are. */
static void sheet_string(struct sheet *s, const char *text, bool from_input, lxw_format *format)
{
    if (s->book->error == 0 && text == NULL)
        book_fail(s->book, MERIT_ENOMEM);
    if (s->book->error != 0 || text == NULL || text[0] == '\0') {
        sheet_next(s);
        return;
    }
    char *owned = NULL;
    const char *shown = from_input ? cell_text(text, &owned) : text;
    if (shown == NULL) {
        book_fail(s->book, MERIT_ENOMEM);
    } else {
        book_check(s->book, worksheet_write_string(s->ws, s->row, s->col, shown, format));
        sheet_widen(s, text_width(text));
    }
    free(owned);
    sheet_next(s);
}

static void sheet_text(struct sheet *s, const char *text)
{
    sheet_string(s, text, true, NULL);
}

static void sheet_word(struct sheet *s, const char *word)
{
    sheet_string(s, word, false, NULL);
}

/* The same from a malloc'd string (NULL: out of memory), which it frees. */
static void sheet_owned_text(struct sheet *s, char *text)
{
    sheet_text(s, text);
    free(text);
}

static void sheet_owned_word(struct sheet *s, char *word)
{
    sheet_word(s, word);
    free(word);
}

static void sheet_blank(struct sheet *s)
{
    sheet_next(s);
}

/* A number cell from a decimal merit wrote ("-12.50"): the double nearest
 * to it, read with a point whatever the caller's locale. shown: the width
 * the formatted number takes. */
static void sheet_decimal(struct sheet *s, const char *decimal, lxw_format *format, size_t shown)
{
    if (s->book->error == 0 && decimal == NULL)
        book_fail(s->book, MERIT_ENOMEM);
    if (s->book->error != 0) {
        sheet_next(s);
        return;
    }
    locale_t old = uselocale(s->book->c_locale);
    char *end;
    double v = strtod(decimal, &end);
    uselocale(old);
    if (*end != '\0' || end == decimal) {
        book_fail(s->book, MERIT_EUSAGE); /* merit wrote something not a decimal */
        sheet_next(s);
        return;
    }
    book_check(s->book, worksheet_write_number(s->ws, s->row, s->col, v, format));
    sheet_widen(s, shown);
    sheet_next(s);
}

/* An exact number shown to `places` decimals (malloc'd by merit). */
static void sheet_rounded(struct sheet *s, const mpq_t value, unsigned places)
{
    char *d = merit_decimal_string(value, places);
    sheet_decimal(s, d, s->book->number, d ? strlen(d) : 0);
    free(d);
}

/* An exact number for the detail sheet: its exact decimal when it has one
 * (weights and scores are decimals in the rubric), else 15 places. */
static void sheet_exact(struct sheet *s, const mpq_t value)
{
    char *d = merit_exact_string(value);
    if (d != NULL && strchr(d, '/') != NULL) {
        free(d);
        d = merit_decimal_string(value, 15);
    }
    sheet_decimal(s, d, NULL, d ? strlen(d) : 0);
    free(d);
}

static void sheet_count(struct sheet *s, uint64_t n)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long)n);
    sheet_decimal(s, buf, s->book->count, strlen(buf));
}

static void sheet_money(struct sheet *s, int64_t cents)
{
    char plain[32], shown[48];
    merit_format_money_plain(plain, sizeof(plain), cents);
    merit_format_money(shown, sizeof(shown), cents);
    sheet_decimal(s, plain, s->book->money, strlen(shown) + 4);
}

static void sheet_bool(struct sheet *s, bool b)
{
    sheet_word(s, b ? "yes" : "no");
}

static void sheet_end_row(struct sheet *s)
{
    s->row++;
    s->col = 0;
}

/* A header cell: merit's word, or a criterion id from the rubric. */
static void sheet_header(struct sheet *s, const char *text, bool from_input)
{
    sheet_string(s, text, from_input, s->book->header);
    /* room for the filter's drop-down button */
    sheet_widen(s, (text ? text_width(text) : 0) + 3);
}

/* Starts a sheet of `columns` columns. */
static void sheet_begin(struct sheet *s, struct book *b, const char *name, size_t columns)
{
    *s = (struct sheet){.book = b, .columns = columns};
    if (b->error != 0)
        return;
    if (columns > LXW_COL_MAX) {
        book_fail(b, MERIT_ELIMIT);
        return;
    }
    s->ws = workbook_add_worksheet(b->wb, name);
    s->widths = calloc(columns ? columns : 1, sizeof(*s->widths));
    if (s->ws == NULL || s->widths == NULL)
        book_fail(b, MERIT_ENOMEM);
}

/* Ends a sheet: the frozen header row, the filter over every row written,
 * and each column as wide as its longest cell, within limits. */
static void sheet_finish(struct sheet *s)
{
    struct book *b = s->book;
    if (b->error == 0 && s->columns > 0) {
        lxw_col_t last = (lxw_col_t)(s->columns - 1);
        worksheet_freeze_panes(s->ws, 1, 0);
        book_check(b, worksheet_autofilter(s->ws, 0, 0, s->row > 0 ? s->row - 1 : 0, last));
        for (size_t c = 0; c < s->columns && b->error == 0; c++) {
            size_t w = s->widths[c] + 1;
            w = w < XLSX_WIDTH_MIN ? XLSX_WIDTH_MIN : w > XLSX_WIDTH_MAX ? XLSX_WIDTH_MAX : w;
            book_check(b, worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, (double)w, NULL));
        }
    }
    free(s->widths);
    s->widths = NULL;
}

/* A fact's value, or an empty cell when the proposal lacks its inputs. */
static void sheet_fact(struct sheet *s, const merit_result *res, const merit_proposal_result *pr,
                       merit_fact fact, unsigned places)
{
    mpq_t v;
    mpq_init(v);
    if (merit_fact_value(res, pr, fact, NULL, NULL, v))
        sheet_rounded(s, v, places);
    else
        sheet_blank(s);
    mpq_clear(v);
}

/* The ranking sheet: reports/csv.c's write_summary, cell for cell. */
static void write_ranking(struct book *b, const merit_result *res, unsigned places)
{
    const merit_call *call = res->call;
    const merit_rubric *rb = call->rubric;
    merit_report_shown shown;
    merit_report_shows(call, &shown);
    static const char *const head[] = {"status", "reason", "total", "total_exact"};
    static const char *const tail[] = {"reviews_counted", "reviews_excluded", "disagreement",
                                       "spread"};
    size_t nhead = sizeof(head) / sizeof(head[0]), ntail = sizeof(tail) / sizeof(tail[0]);
    size_t lead_columns = shown.area + shown.applicant + 2 * shown.team;
    size_t columns = 3 + lead_columns + nhead + 2 * rb->criterion_count + ntail + shown.request +
                     3 * shown.budget + shown.team + 2;
    struct sheet s;
    sheet_begin(&s, b, "ranking", columns);
    if (b->error != 0)
        return;

    sheet_header(&s, "rank", false);
    sheet_header(&s, "id", false);
    sheet_header(&s, "title", false);
    if (shown.area)
        sheet_header(&s, "area", false);
    if (shown.applicant)
        sheet_header(&s, "applicant", false);
    if (shown.team) {
        sheet_header(&s, "lead", false);
        sheet_header(&s, "lead_type", false);
    }
    for (size_t i = 0; i < nhead; i++)
        sheet_header(&s, head[i], false);
    for (size_t k = 0; k < rb->criterion_count; k++) {
        merit_strbuf name = {0};
        merit_strbuf_add(&name, "%s_exact", rb->criteria[k].id);
        char *exact = merit_strbuf_take(&name);
        sheet_header(&s, rb->criteria[k].id, true);
        sheet_header(&s, exact, true);
        free(exact);
    }
    for (size_t i = 0; i < ntail; i++)
        sheet_header(&s, tail[i], false);
    if (shown.request)
        sheet_header(&s, "request", false);
    if (shown.budget) {
        sheet_header(&s, "federal_request", false);
        sheet_header(&s, "cost_share_ratio", false);
        sheet_header(&s, "federal_share", false);
    }
    if (shown.team)
        sheet_header(&s, "sme_share", false);
    sheet_header(&s, "cumulative_awarded", false);
    sheet_header(&s, "tie_at_line", false);
    sheet_header(&s, "funding_step", false);
    sheet_end_row(&s);

    /* proposals that --keep-going rejected come first, status "rejected" */
    for (size_t i = 0; i < call->rejected_count && b->error == 0; i++) {
        const merit_rejected *r = &call->rejected[i];
        if (r->kind != MERIT_REJECTED_PROPOSAL)
            continue;
        sheet_blank(&s);
        sheet_text(&s, r->what);
        s.col = (lxw_col_t)(3 + lead_columns);
        sheet_word(&s, "rejected");
        sheet_text(&s, r->reason);
        sheet_end_row(&s);
    }

    /* each ranked proposal's step of the walk (funding_step), found once */
    size_t *step = malloc((res->proposal_count + 1) * sizeof(*step));
    if (step == NULL)
        book_fail(b, MERIT_ENOMEM);
    for (size_t k = 0; step != NULL && k < res->proposal_count; k++)
        step[k] = SIZE_MAX;
    for (size_t w = 0; step != NULL && w < res->walk_count; w++)
        step[res->walk[w].result] = w;
    for (size_t k = 0; k < res->proposal_count && b->error == 0; k++) {
        const merit_proposal_result *pr = &res->proposals[res->order[k]];
        const merit_proposal *p = &call->proposals[pr->proposal];
        const merit_org *lead = p->org_count > 0 ? &p->orgs[p->lead] : NULL;
        if (k < res->ranked_count) {
            char rank[32];
            snprintf(rank, sizeof(rank), "%zu", pr->rank);
            sheet_decimal(&s, rank, pr->rank_shared ? b->rank_shared : b->rank,
                          strlen(rank) + pr->rank_shared);
        } else {
            sheet_blank(&s);
        }
        sheet_text(&s, p->id);
        sheet_text(&s, p->title);
        if (shown.area)
            sheet_text(&s, p->area ? p->area : "");
        if (shown.applicant) {
            const char *who = merit_proposal_applicant(p);
            sheet_text(&s, who ? who : "");
        }
        if (shown.team) {
            sheet_text(&s, lead ? lead->name : "");
            sheet_word(&s, lead && (lead->given & MERIT_ORG_GIVEN_TYPE)
                               ? merit_org_type_name(lead->type)
                               : "");
        }
        sheet_word(&s, merit_status_name(pr->status));
        sheet_owned_text(&s, merit_report_reason(res, pr, places));
        if (pr->has_total) {
            sheet_rounded(&s, pr->total, places);
            sheet_owned_word(&s, merit_fraction_string(pr->total));
        } else {
            sheet_blank(&s);
            sheet_blank(&s);
        }
        for (size_t j = 0; j < rb->criterion_count; j++) {
            const merit_criterion_result *cr = &pr->criteria[j];
            if (cr->has_value) {
                sheet_rounded(&s, cr->value, places);
                sheet_owned_word(&s, merit_fraction_string(cr->value));
            } else {
                sheet_blank(&s);
                sheet_blank(&s);
            }
        }
        sheet_count(&s, pr->reviews_counted);
        sheet_count(&s, pr->reviews_excluded);
        sheet_bool(&s, pr->disagreement);
        if (pr->has_spread)
            sheet_rounded(&s, pr->spread, places);
        else
            sheet_blank(&s);
        if (shown.request)
            sheet_money(&s, p->request);
        if (shown.budget) {
            if (p->year_count > 0)
                sheet_money(&s, p->total.federal);
            else
                sheet_blank(&s);
            sheet_fact(&s, res, pr, MERIT_FACT_COST_SHARE_RATIO, places);
            sheet_fact(&s, res, pr, MERIT_FACT_FEDERAL_SHARE, places);
        }
        if (shown.team)
            sheet_fact(&s, res, pr, MERIT_FACT_SME_SHARE, places);
        if (pr->status == MERIT_STATUS_FUNDED)
            sheet_money(&s, pr->cumulative);
        else
            sheet_blank(&s);
        sheet_bool(&s, pr->tie_at_line);
        size_t at = step[res->order[k]];
        if (at == SIZE_MAX)
            sheet_blank(&s);
        else
            sheet_word(&s, merit_walk_action_name(res->walk[at].action));
        sheet_end_row(&s);
    }
    free(step);
    sheet_finish(&s);
}

/* The detail sheet: reports/csv.c's write_detail, cell for cell, with the
 * weight, the score and the confidence as numbers. */
static void write_detail(struct book *b, const merit_result *res)
{
    const merit_call *call = res->call;
    const merit_rubric *rb = call->rubric;
    static const char *const head[] = {"proposal",        "reviewer",   "reviewer_name",
                                       "criterion",       "weight",     "score",
                                       "no_score_reason", "confidence", "counted",
                                       "excluded_reason", "comment",    "review_comment"};
    struct sheet s;
    sheet_begin(&s, b, "detail", sizeof(head) / sizeof(head[0]));
    if (b->error != 0)
        return;
    for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
        sheet_header(&s, head[i], false);
    sheet_end_row(&s);

    mpq_t score;
    mpq_init(score);
    for (size_t i = 0; i < call->review_count && b->error == 0; i++) {
        const merit_review *rv = &call->reviews[i];
        const merit_reviewer *who = &call->reviewers[rv->reviewer];
        bool counted = res->reviews[i].counted;
        for (size_t k = 0; k < rb->criterion_count; k++) {
            sheet_text(&s, call->proposals[rv->proposal].id);
            sheet_text(&s, who->id);
            sheet_text(&s, who->name);
            sheet_text(&s, rb->criteria[k].id);
            sheet_exact(&s, rb->criteria[k].weight);
            if (rv->steps[k] == MERIT_NO_SCORE) {
                sheet_blank(&s);
                sheet_text(&s, rv->no_score_reasons != NULL && rv->no_score_reasons[k] != NULL
                                   ? rv->no_score_reasons[k]
                                   : "");
            } else {
                merit_score_value(rb, rv->steps[k], score);
                sheet_exact(&s, score);
                sheet_blank(&s);
            }
            /* a no-score carries no confidence, nor a score given none */
            if (rv->steps[k] == MERIT_NO_SCORE || rv->confidences[k] == 0)
                sheet_blank(&s);
            else
                sheet_count(&s, rv->confidences[k]);
            sheet_bool(&s, counted);
            if (counted)
                sheet_blank(&s);
            else
                sheet_text(&s, rv->conflict_reason ? rv->conflict_reason : "conflict");
            sheet_text(&s, rv->comments != NULL && rv->comments[k] != NULL ? rv->comments[k] : "");
            sheet_text(&s, rv->comment ? rv->comment : "");
            sheet_end_row(&s);
        }
    }
    mpq_clear(score);
    sheet_finish(&s);
}

/* "0.00" for two places, "0" for none. */
static void places_format(char *buf, size_t size, unsigned places)
{
    snprintf(buf, size, "0%s", places > 0 ? "." : "");
    size_t n = strlen(buf);
    for (unsigned i = 0; i < places && n + 1 < size; i++)
        buf[n++] = '0';
    buf[n] = '\0';
}

static lxw_format *book_format(struct book *b, const char *num_format, bool bold)
{
    if (b->error != 0)
        return NULL;
    lxw_format *f = workbook_add_format(b->wb);
    if (f == NULL) {
        book_fail(b, MERIT_ENOMEM);
        return NULL;
    }
    if (num_format != NULL)
        format_set_num_format(f, num_format);
    if (bold)
        format_set_bold(f);
    return f;
}

uint64_t merit_report_xlsx_rows(const merit_result *res)
{
    const merit_call *call = res->call;
    uint64_t ranking = 1 + (uint64_t)res->proposal_count + call->rejected_count;
    /* review_count and criterion_count are far below 2^32 */
    uint64_t detail = 1 + (uint64_t)call->review_count * call->rubric->criterion_count;
    return ranking > detail ? ranking : detail;
}

/* Copies the file on fd, from its start, into the sink. */
static void copy_into_sink(merit_sink *sink, int fd)
{
    if (lseek(fd, 0, SEEK_SET) != 0) {
        merit_sink_fail(sink, MERIT_EIO);
        return;
    }
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            merit_sink_fail(sink, MERIT_EIO);
            return;
        }
        if (n == 0)
            return;
        merit_sink_write(sink, buf, (size_t)n);
    }
}

int merit_report_xlsx(merit_sink *sink, const merit_result *res, const merit_report_options *opt)
{
    if (!merit_sink_ok(sink))
        return sink->error;
    unsigned places = opt ? opt->places : 2;
    if (merit_report_xlsx_rows(res) > MERIT_XLSX_ROW_MAX) {
        merit_sink_fail(sink, MERIT_ELIMIT);
        return sink->error;
    }
    /* a private file: mkstemp makes it 0600 with O_EXCL, in a folder with
     * the sticky bit nobody else can replace it; it is unlinked when
     * libxlsxwriter has closed it and read back through fd */
    const char *dir = getenv("TMPDIR");
    if (dir == NULL || dir[0] != '/')
        dir = "/tmp";
    merit_strbuf pb = {0};
    merit_strbuf_add(&pb, "%s/merit-xlsx-XXXXXX", dir);
    char *path = merit_strbuf_take(&pb);
    if (path == NULL) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        return sink->error;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        free(path);
        merit_sink_fail(sink, MERIT_EIO);
        return sink->error;
    }

    struct book b = {0};
    b.c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (b.c_locale == (locale_t)0)
        book_fail(&b, MERIT_ENOMEM);
    /* constant memory: each row goes to a temporary file (in dir) as it is
     * finished, and strings are written inline in their cells instead of
     * into a shared table; a 10,000-proposal call takes about 77 MB instead
     * of 370 MB (docs/performance.md) */
    lxw_workbook_options wopt = {
        .constant_memory = LXW_TRUE, .tmpdir = (char *)(uintptr_t)dir, .use_zip64 = LXW_FALSE};
    if (b.error == 0) {
        b.wb = workbook_new_opt(path, &wopt);
        if (b.wb == NULL)
            book_fail(&b, MERIT_ENOMEM);
    }
    if (b.error == 0) {
        lxw_doc_properties props = {.created = XLSX_CREATED};
        book_check(&b, workbook_set_properties(b.wb, &props));
    }
    char number_format[24];
    places_format(number_format, sizeof(number_format), places > 12 ? 12 : places);
    /* the money format names the call's currency when it is a code of
     * three capitals (the schema's rule; checked again, since it goes
     * inside a format string) */
    const char *cur = res->call->currency;
    bool currency = strlen(cur) == 3 && isupper((unsigned char)cur[0]) &&
                    isupper((unsigned char)cur[1]) && isupper((unsigned char)cur[2]);
    char money_format[32];
    snprintf(money_format, sizeof(money_format), "#,##0.00%s%s%s", currency ? "\" " : "",
             currency ? cur : "", currency ? "\"" : "");
    b.header = book_format(&b, NULL, true);
    b.number = book_format(&b, number_format, false);
    b.count = book_format(&b, "0", false);
    b.money = book_format(&b, money_format, false);
    b.rank = book_format(&b, "0", false);
    b.rank_shared = book_format(&b, "0\"=\"", false);

    write_ranking(&b, res, places);
    write_detail(&b, res);

    /* closing writes the file and frees the workbook, also after an error */
    if (b.wb != NULL) {
        lxw_error e = workbook_close(b.wb);
        if (b.error == 0)
            book_check(&b, e);
    }
    unlink(path);
    free(path);
    if (b.c_locale != (locale_t)0)
        freelocale(b.c_locale);
    if (b.error != 0)
        merit_sink_fail(sink, b.error);
    else
        copy_into_sink(sink, fd);
    close(fd);
    return sink->error;
}
