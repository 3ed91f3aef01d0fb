/* The commands that write one report of a ranked call in a format of their
 * own (merit panel, merit stats): see cli_report_command in cli.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct report_job {
    const merit_result *result;
    merit_report_fn write;
    const merit_report_options *options;
};

static int render(merit_sink *sink, const void *arg)
{
    const struct report_job *j = arg;
    return j->write(sink, j->result, j->options);
}

int cli_report_command(const cli_report_command_spec *spec, int argc, char **argv)
{
    const char *name = spec->name;
    cli_ranking common = {.places = 2, .rank.resamples = spec->resamples};
    const char *calldir = NULL, *output = NULL;
    const cli_report_format *format = &spec->formats[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--audit") == 0)
            return cli_usage_error("%s: --audit is taken by 'merit rank', not here", name);
        int taken = cli_ranking_option(name, argc, argv, &i, &common);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken > 0)
            continue;
        if (cli_is_help(a)) {
            spec->help(stdout);
            return EXIT_CLEAN;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (value == NULL || value[0] == '\0')
                return cli_usage_error("%s: %s needs a file name", name, a);
            output = cli_is_stdio(value) ? NULL : value; /* -o -: standard output */
            i++;
        } else if (strcmp(a, "--format") == 0) {
            const cli_report_format *f = spec->formats;
            while (f->name != NULL && (value == NULL || strcmp(value, f->name) != 0))
                f++;
            if (f->name == NULL)
                return cli_usage_error("%s: --format takes %s", name, spec->format_names);
            format = f;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("%s: unknown option '%s'", name, a);
        } else if (calldir != NULL) {
            return cli_usage_error("%s: one call at a time ('%s' and '%s')", name, calldir, a);
        } else if (cli_is_stdio(a)) {
            return cli_calldir_stdin(name);
        } else {
            calldir = a;
        }
    }
    if (calldir == NULL) {
        spec->help(stderr);
        return EXIT_USAGE;
    }
    merit_report_options opt = {.places = common.places};
    merit_ctx *ctx = cli_context();
    if (ctx == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    merit_ctx_set_limits(ctx, &common.limits);
    merit_ctx_set_keep_comments(ctx, false); /* neither report shows a comment */
    merit_ctx_set_method(ctx, common.rank.override_method, common.rank.method);
    merit_call *call = NULL;
    merit_result *result = NULL;
    int rc = merit_call_load(ctx, calldir, &call);
    if (rc == 0)
        rc = merit_call_rank(ctx, call, &common.rank, &result);
    cli_print_diags(ctx);
    int code = cli_exit_code(ctx, rc);
    if (code == EXIT_CLEAN) {
        char recorded[64]; /* as a trail would record it: panel-html, stats-csv */
        snprintf(recorded, sizeof(recorded), "%s-%s", name, format->name);
        struct report_job job = {result, format->write, &opt};
        cli_output out = {.render = render,
                          .render_arg = &job,
                          .output = output,
                          .format = recorded,
                          .argc = argc,
                          .argv = argv,
                          .places = opt.places,
                          .method_overridden = common.rank.override_method,
                          .intervals_given = common.given};
        code = cli_emit(ctx, result, &out);
    }
    merit_result_free(result);
    merit_call_free(call);
    merit_ctx_free(ctx);
    return code;
}
