/* merit panel CALLDIR [-o FILE]: the panel's report for its meeting
 * (reports/panel.c writes it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "feedback.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: merit panel CALLDIR [options]\n\n"
            "Writes the panel's report for its meeting: the proposals whose reviewers\n"
            "disagree (their totals span more than the rubric's limit) first, then the\n"
            "others, each with its reviewers' scores side by side, criteria by\n"
            "reviewers, the gap between the highest and the lowest score of each\n"
            "criterion and the largest gaps marked; then a table of reviewers: reviews\n"
            "counted and excluded, and the mean total each gave against the panel's\n"
            "mean total for the same proposals. Reviewers are named: the report is for\n"
            "the panel, not for applicants (see 'merit summary').\n\n"
            "options:\n"
            "  --format F     text (the default) or html (a self-contained page)\n"
            "  -o FILE, --output FILE  write the report to FILE (atomically) instead\n"
            "                 of standard output\n"
            "  --method M     aggregate reviewers with M instead of the rubric's method:\n"
            "                 mean, median, trimmed-mean, confidence-weighted, z-score\n"
            "  --places N     decimal places shown, 0 to 12 (default 2)\n" CLI_LIMIT_HELP
            "\n" CLI_STDOUT_HELP "exit status: 0 written, 1 invalid call, 2 usage, 3 I/O error\n");
}

int cmd_panel(int argc, char **argv)
{
    static const cli_report_format formats[] = {
        {"text", merit_report_panel_text}, {"html", merit_report_panel_html}, {NULL, NULL}};
    static const cli_report_command_spec spec = {"panel", "text or html", formats, help, 0};
    return cli_report_command(&spec, argc, argv);
}
