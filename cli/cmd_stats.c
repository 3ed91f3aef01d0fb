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
                 "                 mean, median, trimmed-mean, confidence-weighted\n"
                 "  --places N     decimal places shown, 0 to 12 (default 2)\n" CLI_LIMIT_HELP "\n"
                 "exit status: 0 written, 1 invalid call, 2 usage, 3 I/O error\n");
}

struct stats_job {
    const merit_result *result;
    merit_report_fn write;
    const merit_report_options *options;
};

static int render(merit_sink *sink, const void *arg)
{
    const struct stats_job *j = arg;
    return j->write(sink, j->result, j->options);
}

int cmd_stats(int argc, char **argv)
{
    cli_ranking common = {.places = 2};
    const char *calldir = NULL, *output = NULL, *format = "text";
    merit_report_fn write = merit_report_stats_text;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--audit") == 0)
            return cli_usage_error("stats: --audit is taken by 'merit rank', not here");
        int taken = cli_ranking_option("stats", argc, argv, &i, &common);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken > 0)
            continue;
        if (cli_is_help(a)) {
            help(stdout);
            return EXIT_CLEAN;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (value == NULL || value[0] == '\0')
                return cli_usage_error("stats: %s needs a file name", a);
            output = value;
            i++;
        } else if (strcmp(a, "--format") == 0) {
            if (value != NULL && strcmp(value, "text") == 0)
                write = merit_report_stats_text;
            else if (value != NULL && strcmp(value, "csv") == 0)
                write = merit_report_stats_csv;
            else if (value != NULL && strcmp(value, "json") == 0)
                write = merit_report_stats_json;
            else
                return cli_usage_error("stats: --format takes text, csv or json");
            format = value;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("stats: unknown option '%s'", a);
        } else if (calldir != NULL) {
            return cli_usage_error("stats: one call at a time ('%s' and '%s')", calldir, a);
        } else {
            calldir = a;
        }
    }
    if (calldir == NULL) {
        help(stderr);
        return EXIT_USAGE;
    }
    merit_report_options opt = {.places = common.places};
    merit_ctx *ctx = cli_context();
    if (ctx == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    merit_ctx_set_limits(ctx, &common.limits);
    merit_ctx_set_keep_comments(ctx, false); /* no statistic reads a comment */
    merit_ctx_set_method(ctx, common.rank.override_method, common.rank.method);
    merit_call *call = NULL;
    merit_result *result = NULL;
    int rc = merit_call_load(ctx, calldir, &call);
    if (rc == 0)
        rc = merit_call_rank(ctx, call, &common.rank, &result);
    cli_print_diags(ctx);
    int code = cli_exit_code(ctx, rc);
    if (code == EXIT_CLEAN) {
        char recorded[32];
        snprintf(recorded, sizeof(recorded), "stats-%s", format);
        struct stats_job job = {result, write, &opt};
        cli_output out = {.render = render,
                          .render_arg = &job,
                          .output = output,
                          .format = recorded,
                          .argc = argc,
                          .argv = argv,
                          .places = opt.places,
                          .method_overridden = common.rank.override_method};
        code = cli_emit(ctx, result, &out);
    }
    merit_result_free(result);
    merit_call_free(call);
    merit_ctx_free(ctx);
    return code;
}
