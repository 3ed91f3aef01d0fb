/* merit panel CALLDIR [-o FILE]: the panel's report for its meeting
 * (reports/panel.c writes it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "feedback.h"

static void help(FILE *out)
{
    fprintf(out, "usage: merit panel CALLDIR [options]\n\n"
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
                 "                 mean, median, trimmed-mean, confidence-weighted\n"
                 "  --places N     decimal places shown, 0 to 12 (default 2)\n" CLI_LIMIT_HELP "\n"
                 "exit status: 0 written, 1 invalid call, 2 usage, 3 I/O error\n");
}

struct panel_job {
    const merit_result *result;
    bool html;
    const merit_report_options *options;
};

static int render(merit_sink *sink, const void *arg)
{
    const struct panel_job *j = arg;
    return j->html ? merit_report_panel_html(sink, j->result, j->options)
                   : merit_report_panel_text(sink, j->result, j->options);
}

int cmd_panel(int argc, char **argv)
{
    cli_ranking common = {.places = 2};
    const char *calldir = NULL, *output = NULL;
    bool html = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--audit") == 0)
            return cli_usage_error("panel: --audit is taken by 'merit rank', not here");
        int taken = cli_ranking_option("panel", argc, argv, &i, &common);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken > 0)
            continue;
        if (cli_is_help(a)) {
            help(stdout);
            return EXIT_CLEAN;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (value == NULL || value[0] == '\0')
                return cli_usage_error("panel: %s needs a file name", a);
            output = value;
            i++;
        } else if (strcmp(a, "--format") == 0) {
            if (value == NULL || (strcmp(value, "text") != 0 && strcmp(value, "html") != 0))
                return cli_usage_error("panel: --format takes text or html");
            html = strcmp(value, "html") == 0;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("panel: unknown option '%s'", a);
        } else if (calldir != NULL) {
            return cli_usage_error("panel: one call at a time ('%s' and '%s')", calldir, a);
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
    merit_ctx_set_keep_comments(ctx, false); /* the panel report shows no comment */
    merit_ctx_set_method(ctx, common.rank.override_method, common.rank.method);
    merit_call *call = NULL;
    merit_result *result = NULL;
    int rc = merit_call_load(ctx, calldir, &call);
    if (rc == 0)
        rc = merit_call_rank(ctx, call, &common.rank, &result);
    cli_print_diags(ctx);
    int code = cli_exit_code(ctx, rc);
    if (code == EXIT_CLEAN) {
        struct panel_job job = {result, html, &opt};
        cli_output out = {.render = render,
                          .render_arg = &job,
                          .output = output,
                          .format = html ? "panel-html" : "panel-text",
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
