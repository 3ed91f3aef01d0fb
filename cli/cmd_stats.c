/* merit stats CALLDIR [--format text|csv|json] [-o FILE]: the reviewer
 * calibration and agreement tables of a ranked call (reports/stats.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

static void help(FILE *out)
{
    fprintf(out, "usage: merit stats CALLDIR [options]\n\n"
                 "Shows what merit computes about a call's reviewers: per reviewer the\n"
                 "reviews counted and excluded, their mean total, their leniency against\n"
                 "their co-reviewers, the range of their totals, how far their order agrees\n"
                 "with the panel's, and the calibration flag; then the agreement between\n"
                 "reviewers per criterion and on the total: Krippendorff's alpha (interval\n"
                 "and ordinal) and the six intraclass correlations when the design allows.\n"
                 "Numbers are rounded half to even; csv and json give the exact fractions\n"
                 "too. docs/cli.md says what each column means, docs/scoring.md how each\n"
                 "is computed.\n\n"
                 "options:\n"
                 "  --format F     text (the default), csv or json\n"
                 "  -o FILE, --output FILE  write to FILE (atomically) instead of standard\n"
                 "                 output\n"
                 "  --method M     aggregate reviewers with M instead of the rubric's method:\n"
                 "                 mean, median, trimmed-mean, confidence-weighted, z-score\n"
                 "  --places N     decimal places shown, 0 to 12 (default 2)\n" CLI_INTERVAL_HELP
                     CLI_LIMIT_HELP "\n" CLI_STDOUT_HELP
                 "exit status: 0 written, 1 invalid call, 2 usage, 3 I/O error\n");
}

int cmd_stats(int argc, char **argv)
{
    static const cli_report_format formats[] = {{"text", merit_report_stats_text},
                                                {"csv", merit_report_stats_csv},
                                                {"json", merit_report_stats_json},
                                                {NULL, NULL}};
    static const cli_report_command_spec spec = {"stats", "text, csv or json", formats, help,
                                                 CLI_DEFAULT_RESAMPLES};
    return cli_report_command(&spec, argc, argv);
}
