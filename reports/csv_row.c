/* Writing a CSV row through the output kit: see reports/report.h. */
#include <stdio.h>
#include <stdlib.h>

#include "report.h"

void merit__csv_cell(merit_csv_row *row, const char *text, bool from_input)
{
    if (row->column++ > 0)
        merit_sink_putc(row->sink, ',');
    if (text == NULL) {
        merit_sink_fail(row->sink, MERIT_ENOMEM);
        return;
    }
    merit_sink_csv_field(row->sink, text, from_input);
}

void merit__csv_owned(merit_csv_row *row, char *text, bool from_input)
{
    merit__csv_cell(row, text, from_input);
    free(text);
}

void merit__csv_count(merit_csv_row *row, uint64_t n)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long)n);
    merit__csv_cell(row, buf, false);
}

void merit__csv_end(merit_csv_row *row)
{
    merit_sink_puts(row->sink, "\r\n");
    row->column = 0;
}
