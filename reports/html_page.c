/*
 * The page around every HTML report (reports/report.h): self-contained
 * (inline style, no script, no external resource of any kind, which the
 * Content-Security-Policy also states), readable in print, and well-formed
 * XML so that libxml2's parser can check it.
 *
 * A minimal version written with the applicant feedback and the panel
 * report (issue 12); the HTML report brings the full style sheet.
 */
#include "report.h"

static const char style[] =
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;"
    "color:#111;background:#fff;line-height:1.4}\n"
    "table{border-collapse:collapse;margin:0.5rem 0}\n"
    "th,td{border:1px solid #999;padding:0.2rem 0.5rem;text-align:right}\n"
    "th[scope=row],caption{text-align:left}\n"
    "caption{font-weight:bold;padding:0.3rem 0}\n"
    "tr.largest{font-weight:bold;background:#eee}\n"
    "dt{font-weight:bold;float:left;clear:left;margin-right:0.5rem}\n"
    "li,p{white-space:pre-line}\n"
    ".note{color:#444;font-size:0.9rem}\n"
    "@media print{body{max-width:none;margin:0}tr{break-inside:avoid}}\n";

void merit__html_begin(merit_sink *sink, const char *page_title, const char *lang)
{
    merit_sink_puts(sink, "<!DOCTYPE html>\n<html lang=\"");
    merit_sink_html(sink, lang);
    merit_sink_puts(sink,
                    "\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "style-src 'unsafe-inline'\"/>\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
                    "<title>");
    merit_sink_html(sink, page_title);
    merit_sink_puts(sink, "</title>\n<style>\n");
    merit_sink_puts(sink, style);
    merit_sink_puts(sink, "</style>\n</head>\n<body>\n");
}

void merit__html_end(merit_sink *sink)
{
    merit_sink_puts(sink, "</body>\n</html>\n");
}
