/*
 * The table of report writers (merit/report.h): a format's name, as the
 * command line takes it and an audit trail records it, its writer and a
 * line for --help. A new format is one entry here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* The text report still writes to a stream of its own: it is rendered into
 * memory and passed through the sink, which hashes it. */
static int write_text(merit_sink *sink, const merit_result *res, const merit_report_options *opt)
{
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    if (mem == NULL) {
        merit_sink_fail(sink, MERIT_ENOMEM);
        return sink->error;
    }
    int rc = merit_report_text(mem, res, opt);
    if (fclose(mem) != 0 || rc != 0)
        merit_sink_fail(sink, MERIT_ENOMEM); /* a stream in memory fails for want of it */
    else
        merit_sink_write(sink, text, size);
    free(text);
    return sink->error;
}

/* The CSV report with one row per proposal x review x criterion. */
static int write_csv_detail(merit_sink *sink, const merit_result *res,
                            const merit_report_options *opt)
{
    merit_report_options detail = opt != NULL ? *opt : (merit_report_options){.places = 2};
    detail.detail = true;
    return merit_report_csv(sink, res, &detail);
}

const merit_writer merit_writers[] = {
    {"text", write_text, "a table for a terminal (the default)"},
    {"csv", merit_report_csv, "one row per proposal, exact values beside the rounded"},
    {"csv-detail", write_csv_detail, "one row per proposal x reviewer x criterion"},
    {"json", merit_report_json, "the whole result model (docs/report-json.md)"},
    {NULL, NULL, NULL},
};

const merit_writer *merit_writer_find(const char *name)
{
    for (const merit_writer *w = merit_writers; w->name != NULL; w++)
        if (strcmp(w->name, name) == 0)
            return w;
    return NULL;
}
