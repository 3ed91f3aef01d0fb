/*
 * Report writers. Each reads only the engine's result model (merit/result.h)
 * and the call it borrows, and writes to a stream the caller owns. They never
 * round anything but what they show: half to even, to `places` decimal
 * places, with merit_format_decimal. They return 0, or -1 when the stream
 * reported a write error (the caller then discards the output).
 */
#ifndef MERIT_REPORT_H
#define MERIT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "merit/number.h"
#include "merit/result.h"

typedef struct merit_report_options {
    unsigned places; /* decimal places shown; default 2 */
    bool detail;     /* csv: one row per proposal x reviewer x criterion */
    bool color;      /* text: ANSI colours (only on a terminal, not with NO_COLOR) */
} merit_report_options;

int merit_report_text(FILE *out, const merit_result *res, const merit_report_options *opt);
int merit_report_csv(FILE *out, const merit_result *res, const merit_report_options *opt);
int merit_report_json(FILE *out, const merit_result *res, const merit_report_options *opt);

/* The sentence every report prints about rounding, e.g. "Numbers are shown
 * rounded half to even to 2 decimal places; ranks and statuses use exact
 * values." Static storage is not used: writes into buf. */
void merit_report_rounding_note(char *buf, size_t size, unsigned places);

#endif
