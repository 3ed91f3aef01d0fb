/*
 * What the report writers share among themselves. The writers, the output
 * kit they write through and the table of them are public: merit/report.h.
 */
#ifndef MERIT_REPORTS_INTERNAL_H
#define MERIT_REPORTS_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "merit/number.h"
#include "merit/report.h"
#include "merit/result.h"
#include "text_table.h"

/* Runs a writer of the kit into a stream the caller owns, through a sink
 * that shows colour when opt->color: 0, or -1 on any error (the CLI's and
 * the tests' way to a FILE). */
int merit_report_file(merit_report_fn write, FILE *out, const merit_result *res,
                      const merit_report_options *opt);

/* The sentence every report prints about rounding, e.g. "Numbers are shown
 * rounded half to even to 2 decimal places; ranks and statuses use exact
 * values." Static storage is not used: writes into buf. */
void merit_report_rounding_note(char *buf, size_t size, unsigned places);

/* A growing string: a failed allocation is remembered, and taking the
 * string then gives NULL. */
typedef struct merit_strbuf {
    char *s;
    size_t len, cap;
    bool failed;
} merit_strbuf;
void merit_strbuf_vadd(merit_strbuf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void merit_strbuf_add(merit_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The string, malloc'd ("" when nothing was added), or NULL after a failure. */
char *merit_strbuf_take(merit_strbuf *b);

/* Why a proposal is not ranked, in one line: every check it failed, in the
 * order the engine applies them (eligibility, reviews, thresholds), joined
 * with "; ". "" for a ranked proposal. Malloc'd; NULL when out of memory. */
/* A ranked proposal's P(funded) = funded_in / resamples into out
 * (initialised by the caller), exact; and the same as a percentage shown to
 * MERIT_P_FUNDED_PLACES places, half to even ("38.4"), malloc'd, NULL when
 * out of memory. Only when res->has_intervals. */
#define MERIT_P_FUNDED_PLACES 1
void merit__p_funded(const merit_result *res, const merit_proposal_result *pr, mpq_t out);
char *merit__p_funded_percent(const merit_result *res, const merit_proposal_result *pr);
char *merit_report_reason(const merit_result *res, const merit_proposal_result *pr,
                          unsigned places);

/* What every report that shows the funding line says about the rule at
 * the line, in merit's own words (docs/scoring.md section 8): that the
 * walk went on past proposals it could not fund and why, a tie funded
 * whole past the budget, a lottery and its draw order. Each sentence ends
 * with ". "; "" when the walk followed rank order plainly. The seed and
 * the call's <statement> are input text: each writer adds them with its
 * escaper. Malloc'd; NULL when out of memory. */
char *merit_report_funding_rule(const merit_result *res);

/* The index of the first review of a proposal in call->reviews (its
 * reviews follow it), or where it would be: O(log n). */
size_t merit_report_first_review(const merit_call *call, size_t proposal);

/* A CSV row being written (csv_row.c): fields are separated by commas
 * and a row ends with CRLF; a NULL field is taken for out of memory, the
 * sink's error. from_input: text from an input, marked when a spreadsheet
 * could run it (merit_sink_csv_field). */
typedef struct merit_csv_row {
    merit_sink *sink;
    size_t column; /* fields written on the current row */
} merit_csv_row;
void merit__csv_cell(merit_csv_row *row, const char *text, bool from_input);
/* The same for a malloc'd string, which it frees. */
void merit__csv_owned(merit_csv_row *row, char *text, bool from_input);
void merit__csv_count(merit_csv_row *row, uint64_t n);
void merit__csv_end(merit_csv_row *row);

/* JSON values for the writers that build JSON with jansson
 * (json_values.c). A failed insertion (out of memory, or a NULL value from
 * a failed allocation) becomes the sink's error. */
void merit__json_set(merit_sink *sink, json_t *obj, const char *key, json_t *value);
void merit__json_append(merit_sink *sink, json_t *array, json_t *value);
/* A string from a malloc'd one, which it frees (NULL stays NULL). */
json_t *merit__json_owned(char *s);
/* Text from an input: null for NULL; not UTF-8 (JSON cannot hold it):
 * escaped by merit/escape.h's rule. */
json_t *merit__json_text(const char *s);
/* A number from scoring: {"exact": "a/b", "shown": "1.23"}. */
json_t *merit__json_number(merit_sink *sink, const mpq_t v, unsigned places);

/* Display width of UTF-8 text: its code points. */
size_t merit_report_width(const char *s);

/*
 * What a report shows of a call's proposals: a report shows a piece of
 * proposal data (a column, a line, a JSON key) when at least one proposal
 * of the call carries it, and leaves it out when none does, so that a call
 * without budgets shows no cost share (docs/report-json.md, docs/cli.md).
 */
typedef struct merit_report_shown {
    bool area;       /* an <area> */
    bool applicant;  /* an <applicant> */
    bool team;       /* a <team>: lead, lead type, sme-share, organisations */
    bool who;        /* applicant or team: the text report's applicant column */
    bool request;    /* a <request> */
    bool budget;     /* a <budget>: federal request, cost share, federal share */
    bool months;     /* months= */
    bool milestones; /* a <milestones> section */
} merit_report_shown;
void merit_report_shows(const merit_call *call, merit_report_shown *out);
/* Whether a derived fact is shown (never words, nor declared ones). */
bool merit_report_shows_fact(const merit_report_shown *shown, merit_fact fact);

/* A tie-break in words: "criterion approach", "fact sme-share (higher)". */
void merit_report_tiebreak(char *buf, size_t size, const merit_rubric *rb,
                           const merit_tiebreak *tb);

/* `merit stats` (reports/stats.c, docs/cli.md "merit stats"): the reviewer
 * calibration table and the agreement table of a ranked call, every number
 * rounded half to even with its exact fraction (CSV: NAME_exact columns,
 * two tables parted by an empty line; JSON: {"exact", "shown"}). */
int merit_report_stats_text(merit_sink *sink, const merit_result *res,
                            const merit_report_options *opt);
int merit_report_stats_csv(merit_sink *sink, const merit_result *res,
                           const merit_report_options *opt);
int merit_report_stats_json(merit_sink *sink, const merit_result *res,
                            const merit_report_options *opt);
/* Both of merit stats' tables of a ranked call: the reviewers'
 * calibration and their agreement (docs/scoring.md), computed together for
 * merit stats, merit panel, the HTML report and the audit trail. 0, or
 * the sink failed (out of memory) and its error returned, s left empty.
 * s owns both; merit__stats_free releases them. */
struct merit__calibration;
struct merit__agreement;
struct merit__stats {
    struct merit__calibration *cal;
    struct merit__agreement *agr;
};
int merit__stats_compute(merit_sink *sink, const merit_result *res, struct merit__stats *s);
void merit__stats_free(struct merit__stats *s);

/* One reviewer's calibration, and one criterion's (or the total's)
 * agreement, as merit stats' JSON and the audit trail's `reviewer` and
 * `agreement` records give them (docs/report-json.md, docs/audit.md). A
 * new object, or NULL with the sink failed. */
struct merit__calib_reviewer;
struct merit__agreement_item;
json_t *merit__stats_reviewer_json(merit_sink *sink, const merit_call *call,
                                   const struct merit__calib_reviewer *reviewer, unsigned places);
json_t *merit__stats_agreement_json(merit_sink *sink, const merit_call *call,
                                    const struct merit__agreement_item *item, unsigned places);

/* --- HTML pages (html_page.c) ----------------------------------------------
 * Every HTML page merit writes: one self-contained, XML-well-formed file,
 * inline CSS and SVG, no script, no external resource, under a strict
 * Content-Security-Policy. A writer calls merit__html_begin, writes the
 * body's content (text from inputs through merit_sink_html only), then
 * merit__html_end. The shared stylesheet gives: tables with <caption> and
 * <th scope>; td/th class "n" for numbers; status badges `span.st
 * st-STATUS` (STATUS as merit_status_name) told apart by label, border and
 * colour; `tr.funding-line`; `dl.meta` for a header's fields; `.note`,
 * `.hook`; figures with `svg.chart`; a print stylesheet. */

/* Writes the doctype, <html lang>, the head (charset, CSP, viewport, the
 * title, the shared <style>) and opens <body> with the chart patterns.
 * page_title and lang are escaped here (NULL: "merit", "en"). */
void merit__html_begin(merit_sink *sink, const char *page_title, const char *lang);
/* Closes <body> and <html>. */
void merit__html_end(merit_sink *sink);

/* An SVG bar chart in a <figure>: axes, five y ticks, x labels, both axis
 * titles, an SVG <title>, a caption, a legend, and an optional dashed
 * marker between two bars. Bars fill by series: the class `bar-NAME`
 * ("funded" solid, "reserve" hatched, "plain", "other" dotted: each tells
 * apart in greyscale). Every text is escaped here. Coordinates are exact
 * integer hundredths of a pixel (no float): same bytes everywhere. */
typedef struct merit_html_chart {
    const char *id;      /* the figure's id; the SVG title's is ID-t */
    const char *title;   /* the SVG's <title> */
    const char *caption; /* the <figcaption> */
    const char *x_title, *y_title;
    size_t count;                    /* bars */
    const mpq_t *values;             /* count heights, borrowed */
    const unsigned char *series;     /* per bar an index into series_class; NULL: all 0 */
    const char *const *series_class; /* series_count names: class bar-NAME */
    const char *const *series_names; /* the legend's words; NULL: no legend */
    size_t series_count;
    const char *const *x_labels; /* a label per bar (some are skipped when many);
                                    NULL: positions 1..count */
    mpq_srcptr y_min, y_max;     /* the y axis; bars are clamped to it */
    unsigned places;             /* decimal places of the y ticks */
    size_t marker_after;         /* the marker sits after this many bars */
    const char *marker_label;    /* NULL: no marker */
} merit_html_chart;
void merit__html_bar_chart(merit_sink *sink, const merit_html_chart *chart);

#endif
