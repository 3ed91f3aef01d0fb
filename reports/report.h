/*
 * What the report writers share among themselves. The writers, the output
 * kit they write through and the table of them are public: merit/report.h.
 */
#ifndef MERIT_REPORTS_INTERNAL_H
#define MERIT_REPORTS_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "merit/number.h"
#include "merit/report.h"
#include "merit/result.h"

/* The text report, still on a stream of its own: the writer table gives
 * it a sink through an adapter (reports/writers.c) until it moves onto the
 * kit. Returns 0, or -1 when the stream reported a write error. */
int merit_report_text(FILE *out, const merit_result *res, const merit_report_options *opt);

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
char *merit_report_reason(const merit_result *res, const merit_proposal_result *pr,
                          unsigned places);

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

#endif
