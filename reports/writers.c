/*
 * The table of report writers (merit/report.h): a format's name, as the
 * command line takes it and an audit trail records it, its writer and a
 * line for --help. A new format is one entry here.
 */
#include <string.h>

#include "report.h"

/* The CSV report with one row per proposal x review x criterion. */
static int write_csv_detail(merit_sink *sink, const merit_result *res,
                            const merit_report_options *opt)
{
    merit_report_options detail = opt != NULL ? *opt : (merit_report_options){.places = 2};
    detail.detail = true;
    return merit_report_csv(sink, res, &detail);
}

const merit_writer merit_writers[] = {
    {"text", merit_report_text, "a table, fitted to the terminal (the default)"},
    {"csv", merit_report_csv, "a row a proposal, exact values beside rounded"},
    {"csv-detail", write_csv_detail, "a row a proposal x reviewer x criterion"},
    {"json", merit_report_json, "the whole result model (docs/report-json.md)"},
    {"html", merit_report_html, "one self-contained page with charts"},
    {"xlsx", merit_report_xlsx, "a workbook: ranking and detail (not a terminal)"},
    {NULL, NULL, NULL},
};

const merit_writer *merit_writer_find(const char *name)
{
    for (const merit_writer *w = merit_writers; w->name != NULL; w++)
        if (strcmp(w->name, name) == 0)
            return w;
    return NULL;
}
