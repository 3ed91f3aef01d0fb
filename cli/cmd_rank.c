/* merit rank CALLDIR [--method M] [--format F] [-o FILE] [--places N] [--detail]
 *                   [--width N] [--top N] [--around-line N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "merit/audit.h"
#include "merit/model.h"
#include "merit/report.h"
#include "merit/result.h"

static void help(FILE *out)
{
    fputs("usage: merit rank CALLDIR [options]\n\n"
          "Scores every proposal of the call, checks thresholds and eligibility, ranks\n"
          "with the rubric's tie-breaks, draws the funding line against the budget and\n"
          "writes a report. Nothing is written unless every input is valid.\n\n"
          "options:\n"
          "  --method M     aggregate reviewers with M instead of the rubric's method:\n"
          "                 mean, median, trimmed-mean, confidence-weighted, "
          "z-score\n" CLI_LOTTERY_HELP "  --format F     the report's format (default text):\n",
          out);
    for (const merit_writer *w = merit_writers; w->name != NULL; w++)
        fprintf(out, "                   %-11s %s\n", w->name, w->description);
    fputs(
        "  -o FILE, --output FILE  write the report to FILE (atomically) instead\n"
        "                 of standard output\n"
        "  --places N     decimal places shown, 0 to 12 (default 2); rounding is half\n"
        "                 to even and only for display\n"
        "  --detail       csv: one row per proposal x reviewer x criterion (the same\n"
        "                 as --format csv-detail)\n"
        "  --width N      text: fit N columns (0: no limit); default: COLUMNS or the\n"
        "                 terminal's width on a terminal, no limit otherwise\n"
        "  --top N        text: only the first N ranked rows (0: all)\n"
        "  --around-line N\n"
        "                 text: only N ranked rows each side of the funding line\n"
        "  --keep-going   rank what is valid of a call with invalid inputs; every\n"
        "                 rejected file, proposal, sheet or review is listed at the top\n"
        "                 of the report and in the audit trail, and the exit status is 1\n"
        "  --audit FILE   also write the audit trail (docs/audit.md) to FILE; the\n"
        "                 time it records is SOURCE_DATE_EPOCH when that is set\n" CLI_INTERVAL_HELP
        "\n" CLI_LIMIT_HELP "\n"
        "  -q, --quiet    no summary line or note of merit's own on stderr\n"
        "  --color WHEN   colour the text report: auto (on a terminal, unless\n"
        "                 NO_COLOR is set or TERM is dumb), always (even in a file),\n"
        "                 never\n"
        "FILE '-' is standard output. Every option that takes a value takes --opt=VALUE\n"
        "too.\n"
        "exit status: 0 ranked, 1 invalid input, 2 usage, 3 I/O error\n",
        out);
}

struct job {
    const merit_result *result;
    merit_report_options options;
    const merit_writer *writer;
};

static int write_report(merit_sink *sink, const void *arg)
{
    const struct job *job = arg;
    return job->writer->write(sink, job->result, &job->options);
}

/* The text report's width when --width is not given: COLUMNS, else the
 * terminal's, on a terminal; no limit in a file or a pipe (docs/cli.md). */
static size_t default_width(void)
{
    if (!isatty(STDOUT_FILENO))
        return 0;
    unsigned long columns;
    const char *env = getenv("COLUMNS");
    if (env != NULL && cli_parse_uint(env, 10000, &columns) && columns > 0)
        return columns < 20 ? 20 : columns;
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col < 20 ? 20 : ws.ws_col;
    return 0;
}

/* "text, csv, csv-detail or json": the table's names, for a usage error. */
static void format_names(char *buf, size_t size)
{
    size_t len = 0, count = 0;
    buf[0] = '\0';
    while (merit_writers[count].name != NULL)
        count++;
    for (size_t i = 0; i < count && len < size; i++) {
        int n = snprintf(buf + len, size - len, "%s%s",
                         i == 0           ? ""
                         : i + 1 == count ? " or "
                                          : ", ",
                         merit_writers[i].name);
        if (n < 0)
            break;
        len += (size_t)n;
    }
}

int cli_rank_args(int argc, char **argv, cli_args *a)
{
    memset(a, 0, sizeof(*a));
    a->common.places = 2;
    a->common.rank.resamples = CLI_DEFAULT_RESAMPLES;
    a->format = "text";
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        int taken = cli_ranking_option("rank", argc, argv, &i, &a->common);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken > 0)
            continue;
        if (cli_is_help(arg)) {
            a->help = true;
            return EXIT_CLEAN;
        } else if (strcmp(arg, "--format") == 0) {
            const merit_writer *w = value != NULL ? merit_writer_find(value) : NULL;
            if (w == NULL) {
                char names[256];
                format_names(names, sizeof(names));
                return cli_usage_error("rank: --format takes %s", names);
            }
            a->format = w->name;
            i++;
        } else if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0) {
            if (value == NULL)
                return cli_usage_error("rank: %s needs a file name", arg);
            a->output = cli_is_stdio(value) ? NULL : value; /* -o -: standard output */
            i++;
        } else if (strcmp(arg, "--width") == 0) {
            if (!cli_parse_uint(value, 10000, &a->width) || (a->width > 0 && a->width < 20))
                return cli_usage_error("rank: --width takes 0 (no limit) or a number of columns "
                                       "from 20 to 10000");
            a->width_given = true;
            i++;
        } else if (strcmp(arg, "--top") == 0 || strcmp(arg, "--around-line") == 0) {
            unsigned long *n = arg[2] == 't' ? &a->top : &a->around_line;
            if (!cli_parse_uint(value, 1000000000, n))
                return cli_usage_error("rank: %s takes a whole number of rows, 0 for all", arg);
            i++;
        } else if (strcmp(arg, "--detail") == 0) {
            a->detail = true;
        } else if (strcmp(arg, "--keep-going") == 0) {
            a->keep_going = true;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cli_usage_error("rank: unknown option '%s'", arg);
        } else if (a->calldir == NULL && cli_is_stdio(arg)) {
            return cli_calldir_stdin("rank");
        } else if (a->calldir == NULL) {
            a->calldir = arg;
        } else {
            return cli_usage_error("rank: one call folder at a time ('%s' and '%s')", a->calldir,
                                   arg);
        }
    }
    if (a->calldir == NULL)
        return EXIT_CLEAN; /* the caller shows the usage */
    if (a->detail && strcmp(a->format, "csv") != 0 && strcmp(a->format, "csv-detail") != 0)
        return cli_usage_error("rank: --detail goes with --format csv");
    if ((a->width_given || a->top > 0 || a->around_line > 0) && strcmp(a->format, "text") != 0)
        return cli_usage_error("rank: --width, --top and --around-line go with --format text");
    if (a->detail)
        a->format = "csv-detail"; /* as the trail records it */
    else if (strcmp(a->format, "csv-detail") == 0)
        a->detail = true;
    return EXIT_CLEAN;
}

int cmd_rank(int argc, char **argv)
{
    cli_args args;
    if (cli_rank_args(argc, argv, &args) != EXIT_CLEAN)
        return EXIT_USAGE;
    if (args.help) {
        help(stdout);
        return EXIT_CLEAN;
    }
    if (args.calldir == NULL) {
        help(stderr);
        return EXIT_USAGE;
    }
    const char *calldir = args.calldir, *output = args.output;
    bool keep_going = args.keep_going;
    cli_ranking common = args.common;
    struct job job = {0};
    job.writer = merit_writer_find(args.format);
    bool text = strcmp(args.format, "text") == 0, xlsx = strcmp(args.format, "xlsx") == 0;
    /* html shows the date of the run only when it is reproducible */
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    unsigned long epoch_value;
    if (epoch != NULL && cli_parse_uint(epoch, 253402300799ul, &epoch_value)) {
        job.options.dated = true;
        job.options.time = (long long)epoch_value;
    }
    /* a workbook is binary: a terminal would show noise (a pipe is fine) */
    if (xlsx && output == NULL && isatty(STDOUT_FILENO))
        return cli_usage_error("rank: an xlsx workbook is not for a terminal: write it with "
                               "-o FILE.xlsx, or redirect standard output");
    job.options.detail = args.detail;
    job.options.width = args.width_given ? args.width : output == NULL ? default_width() : 0;
    job.options.top = args.top;
    job.options.around_line = args.around_line;
    /* --color always colours the text report wherever it goes; auto only
     * on a terminal (cli_colour) */
    job.options.color = text && (cli_global.color == CLI_COLOR_ALWAYS ||
                                 (output == NULL && cli_colour(STDOUT_FILENO)));

    merit_ctx *ctx = cli_context();
    if (ctx == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    merit_ctx_set_limits(ctx, &common.limits);
    job.options.places = common.places;
    merit_call *call = NULL;
    merit_result *result = NULL;
    merit_ctx_set_keep_going(ctx, keep_going);
    /* what --method needs is checked as the call loads */
    merit_ctx_set_method(ctx, common.rank.override_method, common.rank.method);
    /* the text report and the CSV summary show no comment: they rank a
     * large call in much less memory without them */
    merit_ctx_set_keep_comments(ctx, !text && strcmp(args.format, "csv") != 0);
    int rc = merit_call_load(ctx, calldir, &call);
    size_t load_diags = merit_ctx_diag_count(ctx);
    if (rc == 0)
        rc = merit_call_rank(ctx, call, &common.rank, &result);
    cli_print_diags(ctx);
    int code = cli_exit_code(ctx, rc);
    /* with --keep-going, what the loader rejected is listed in the reports:
     * they are written, and the exit status still says inputs were invalid */
    bool partial = keep_going && rc == 0 && call->rejected_count > 0 &&
                   merit_ctx_diag_count(ctx) == load_diags;
    if (partial && code == EXIT_INVALID)
        code = EXIT_CLEAN;
    if (code == EXIT_CLEAN && xlsx && merit_report_xlsx_rows(result) > MERIT_XLSX_ROW_MAX)
        code =
            cli_usage_error("rank: the xlsx workbook cannot hold this call: a sheet would need "
                            "%llu rows, a worksheet holds %u (--format csv --detail has no "
                            "such limit)",
                            (unsigned long long)merit_report_xlsx_rows(result), MERIT_XLSX_ROW_MAX);
    if (code == EXIT_CLEAN) {
        job.result = result;
        cli_output out = {.render = write_report,
                          .render_arg = &job,
                          .output = output,
                          .format = args.format,
                          .audit = common.audit,
                          .argc = argc,
                          .argv = argv,
                          .places = job.options.places,
                          .method_overridden = common.rank.override_method,
                          .intervals_given = common.given,
                          .keep_going = keep_going,
                          .colour = job.options.color};
        code = cli_emit(ctx, result, &out);
    }
    if (partial && code == EXIT_CLEAN) {
        cli_summary(stderr, "merit: %zu input%s rejected (--keep-going): the ranking leaves %s out",
                    call->rejected_count, call->rejected_count == 1 ? "" : "s",
                    call->rejected_count == 1 ? "it" : "them");
        code = EXIT_INVALID;
    }
    merit_result_free(result);
    merit_call_free(call);
    merit_ctx_free(ctx);
    return code;
}
