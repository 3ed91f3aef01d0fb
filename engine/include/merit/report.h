/*
 * merit's reports, and the output kit every writer is built on.
 *
 * A writer reads only the engine's result model (merit/result.h) and the
 * call it borrows, and writes into a sink. It rounds nothing but what it
 * shows: half to even, to `places` decimal places (merit_format_decimal).
 * Text that comes from an input (ids, titles, names, comments, file names)
 * reaches a sink only through one of the escaping calls below, each made
 * for one format; merit's own words and numbers go through the plain ones.
 *
 * Ownership as in merit.h: a sink borrows its stream; a string returned
 * malloc'd is the caller's to free; a writer owns nothing it is given.
 */
#ifndef MERIT_REPORT_H
#define MERIT_REPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "merit.h"
#include "number.h"
#include "result.h"

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
#ifdef __cplusplus
extern "C" {
#endif

/* --- the sink --------------------------------------------------------------
 * Where a writer's bytes go: a stream the caller owns, a SHA-256 of every
 * byte that passed (the audit trail records a report's hash), and the first
 * error. After an error nothing more is written and every call is a no-op,
 * so a writer need not check each call: it asks once, at the end
 * (merit_sink_finish), which also passes on the last bytes the sink held:
 * until then the stream may not have them all. The fields are read
 * through the functions. */
typedef struct merit_sink {
    FILE *out;     /* borrowed */
    void *hash;    /* merit_sha256_begin's; NULL once finished or unhashed */
    uint64_t size; /* bytes written */
    int error;     /* the first error: 0, MERIT_EIO or MERIT_ENOMEM */
    bool colour;   /* merit_sink_colour writes ANSI SGR sequences */
    /* small writes are gathered here and hashed and written a block at a
     * time (a report is written in many pieces of a few bytes) */
    size_t held;
    char block[8192];
} merit_sink;

/* Starts a sink on out (which stays the caller's). colour: whether the
 * named colour slots are written (a terminal, NO_COLOR unset). A failed
 * allocation is kept as the sink's error. */
void merit_sink_init(merit_sink *sink, FILE *out, bool colour);
/* The same sink without the running SHA-256, for a writer whose hash nobody
 * asks for (the audit trail chains its own lines): merit_sink_finish gives
 * 32 zero bytes as its digest. */
void merit_sink_init_unhashed(merit_sink *sink, FILE *out, bool colour);
/* Ends the sink: flushes nothing (the stream is the caller's), releases the
 * hash, gives its digest in sha256_out when not NULL. Returns 0 or the
 * first error. Call it once for every merit_sink_init. */
int merit_sink_finish(merit_sink *sink, unsigned char sha256_out[32]);
/* Records an error (MERIT_ENOMEM when a writer's own allocation failed);
 * the first one is kept. */
void merit_sink_fail(merit_sink *sink, int error);
bool merit_sink_ok(const merit_sink *sink);

/* merit's own bytes, never text from an input. */
void merit_sink_write(merit_sink *sink, const void *bytes, size_t size);
void merit_sink_puts(merit_sink *sink, const char *text);
void merit_sink_putc(merit_sink *sink, char c);
void merit_sink_printf(merit_sink *sink, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* `count` spaces. */
void merit_sink_spaces(merit_sink *sink, size_t count);
/* A malloc'd string of merit's own (a formatted number), which it frees;
 * NULL is taken for out of memory. */
void merit_sink_take(merit_sink *sink, char *owned);

/* --- escaping, one call per format ------------------------------------------
 * Each writes text from an input so that the format shows it as text and
 * nothing else: no terminal control, no formula, no markup. */

/* A terminal or plain-text report: merit/escape.h's rule (flags:
 * MERIT_ESCAPE_PROSE for titles, names, comments; 0 for ids and file
 * names). */
void merit_sink_shown(merit_sink *sink, const char *text, unsigned flags);
/* One CSV field (RFC 4180: quoted only when it holds a comma, a quote, CR
 * or LF; quotes doubled), without the separator. from_input: a text from
 * an input, which gets one leading apostrophe when a spreadsheet could run
 * it as a formula (merit_csv_needs_apostrophe); merit's own fields (numbers,
 * words, headers) are written as they are. */
void merit_sink_csv_field(merit_sink *sink, const char *text, bool from_input);
/* A JSON string, quotes included: ", \ and control characters escaped;
 * invalid UTF-8 is written as U+FFFD. */
void merit_sink_json_string(merit_sink *sink, const char *text);
/* XML character data, and an attribute value (without its quotes):
 * & < > always, CR as &#13;, and in an attribute " TAB LF too, so that a
 * parser reads back the exact text. The text must be valid XML characters
 * (merit's inputs are, having been parsed as XML). */
void merit_sink_xml_text(merit_sink *sink, const char *text);
void merit_sink_xml_attr(merit_sink *sink, const char *text);
/* HTML text or a quoted attribute value: & < > " ' as character
 * references; control characters other than TAB and LF, and invalid UTF-8,
 * as U+FFFD. Safe in element content and in a double- or single-quoted
 * attribute; never inside <script> or <style> (merit writes neither from
 * inputs). */
void merit_sink_html(merit_sink *sink, const char *text);
/* Markdown (CommonMark, and GitHub's extensions) inline text: shows as
 * the text itself wherever it stands in a line, also at its start. Every
 * ASCII character Markdown can act on is backslash-escaped (\\ ` * _ { } [
 * ] ( ) < > # + - ! | ~ & $ @), and so are a ':' before '/' and a '.'
 * after "www" (autolinks), a '.' after leading digits and a '=' first
 * (list items, headings); a leading space or tab is written as
 * &#32;, so the text never starts an indented code block. Tab, CR, LF,
 * U+2028 and U+2029 become one space each (the text stays on its line);
 * other C0 controls, DEL, C1 controls, Bidi_Control characters and invalid
 * UTF-8 become U+FFFD. */
void merit_sink_markdown(merit_sink *sink, const char *text);

/* --- colour through named slots --------------------------------------------
 * A writer names what a piece of text is; the sink decides how it looks
 * (ANSI SGR on a terminal, nothing otherwise). MERIT_COLOUR_PLAIN ends any
 * colour. */
typedef enum merit_colour {
    MERIT_COLOUR_PLAIN = 0,
    MERIT_COLOUR_HEADING, /* bold */
    MERIT_COLOUR_FUNDED,  /* green */
    MERIT_COLOUR_RESERVE, /* yellow */
    MERIT_COLOUR_MUTED,   /* dim: not ranked */
    MERIT_COLOUR_ALERT,   /* bold red: rejected inputs */
} merit_colour;
void merit_sink_colour(merit_sink *sink, merit_colour colour);
/* The slot a proposal's status is shown in. */
merit_colour merit_status_colour(merit_status status);

/* --- cells: the exact and the shown number ---------------------------------
 * A report's number carries both: text shows it rounded, CSV adds the exact
 * fraction beside it, a spreadsheet stores a number and the fraction, HTML
 * shows the rounded one with the exact one as its title. */
typedef enum merit_cell_kind {
    MERIT_CELL_EMPTY = 0,
    MERIT_CELL_WORD,   /* merit's own word: a status, a heading */
    MERIT_CELL_TEXT,   /* text from an input: escaped for each format */
    MERIT_CELL_NUMBER, /* an exact rational (borrowed) */
    MERIT_CELL_MONEY,  /* cents */
    MERIT_CELL_COUNT,  /* a whole count */
} merit_cell_kind;

typedef struct merit_cell {
    merit_cell_kind kind;
    const char *text;  /* WORD, TEXT: borrowed */
    mpq_srcptr number; /* NUMBER: borrowed */
    int64_t cents;     /* MONEY */
    uint64_t count;    /* COUNT */
} merit_cell;

/* The rounded text of a number cell, as text reports show it (half to
 * even to `places`); money as merit_format_money; a count in decimal; a
 * word or text as it is (unescaped: the caller escapes for its format).
 * Malloc'd; NULL when out of memory. */
char *merit_cell_shown(const merit_cell *cell, unsigned places);
/* The exact value of a number cell ("7/2", "3"); NULL for other kinds or
 * out of memory. Malloc'd. */
char *merit_cell_exact(const merit_cell *cell);

/* --- writers ----------------------------------------------------------------- */

typedef struct merit_report_options {
    unsigned places; /* decimal places shown; default 2 */
    bool detail;     /* csv: one row per proposal x reviewer x criterion */
    bool color;      /* text: ANSI colours (only on a terminal, not with NO_COLOR) */
    /* html: the date of the run, shown in the header: seconds since the
     * epoch (UTC) when dated; the CLI passes SOURCE_DATE_EPOCH, and no
     * date without it, so that a report has the same bytes on every run */
    bool dated;
    long long time;
    /* text: the report fits `width` columns, 0: no limit (titles and leads
     * shorten first, then optional columns drop: docs/cli.md) */
    size_t width;
    size_t top;         /* text: only the first `top` ranked rows; 0: all */
    size_t around_line; /* text: only that many ranked rows each side of the
                           funding line; 0: all (with top: both sets) */
    bool full;          /* explain: every id of a long list, not a count and the first few */
} merit_report_options;

/* A report format: writes the whole result into the sink. Returns 0, or
 * the sink's first error (or MERIT_ENOMEM). */
typedef int (*merit_report_fn)(merit_sink *sink, const merit_result *res,
                               const merit_report_options *options);

typedef struct merit_writer {
    const char *name; /* "text", "csv", "csv-detail", "json", ... as a trail records it */
    merit_report_fn write;
    const char *description; /* for --help */
} merit_writer;

/* The writers merit has, ending with a {NULL} entry (reports/writers.c). */
extern const merit_writer merit_writers[];
/* The writer of that name, or NULL. */
const merit_writer *merit_writer_find(const char *name);

/* The terminal report, on the output kit (docs/cli.md, "The text report"):
 * fitted to opt->width, cut to opt->top and opt->around_line. */
int merit_report_text(merit_sink *sink, const merit_result *res, const merit_report_options *opt);
/* The CSV report (docs/cli.md): one row per proposal, or with
 * options->detail one row per proposal x review x criterion. */
int merit_report_csv(merit_sink *sink, const merit_result *res, const merit_report_options *opt);
/* The JSON report, the whole result model (docs/report-json.md). */
int merit_report_json(merit_sink *sink, const merit_result *res, const merit_report_options *opt);

/* The HTML report (docs/cli.md): one self-contained page, reports/html.c. */
int merit_report_html(merit_sink *sink, const merit_result *res, const merit_report_options *opt);
/* The spreadsheet (reports/xlsx.c): a workbook with a "ranking" and a
 * "detail" sheet, written into the sink. Returns 0 or the sink's first
 * error; MERIT_ELIMIT when a sheet would need more rows or columns than a
 * worksheet has. */
int merit_report_xlsx(merit_sink *sink, const merit_result *res, const merit_report_options *opt);
/* The rows the workbook's longer sheet needs, its header included; a
 * worksheet holds MERIT_XLSX_ROW_MAX. */
uint64_t merit_report_xlsx_rows(const merit_result *res);
#define MERIT_XLSX_ROW_MAX 1048576u

/*
 * `merit explain`: one proposal of the result written out for a person to
 * check: header, reviews, each criterion's arithmetic, the total,
 * eligibility, disagreement, rank and what placed it, the funding line.
 * proposal_index indexes res->proposals (parallel to the call's proposals).
 * Returns 0, MERIT_EUSAGE for a bad index, or the sink's first error.
 */
int merit_report_explain(merit_sink *sink, const merit_result *res, size_t proposal_index,
                         const merit_report_options *opt);
/* Why one of two proposals ranks above the other: both standings, the first
 * difference that decided (status, total, or the first tie-break that
 * differs) and a table of weighted contributions. The indices must differ
 * (else MERIT_EUSAGE). */
int merit_report_explain_against(merit_sink *sink, const merit_result *res, size_t proposal_index,
                                 size_t other_index, const merit_report_options *opt);

#ifdef __cplusplus
}
#endif
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
