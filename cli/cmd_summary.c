/* merit summary CALLDIR [ID...] -o DIR: feedback for applicants, one file
 * per proposal (reports/summary.c writes it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "feedback.h"

static void help(FILE *out)
{
    fprintf(out, "usage: merit summary CALLDIR [ID...] -o DIR [options]\n\n"
                 "Writes the feedback for each proposal's applicant into DIR, one file per\n"
                 "proposal named after it (DIR/P01.md): the outcome (status, and the rank\n"
                 "when funded or on the reserve list), the total and each criterion's\n"
                 "aggregated score with its threshold, the reviewers' scores and comments\n"
                 "under each criterion, and their overall comments. Reviewers are shown as\n"
                 "Reviewer 1, 2, 3 (in an order that differs from proposal to proposal and\n"
                 "cannot be worked back to the panel, docs/cli.md); no reviewer's id or\n"
                 "name is written, and excluded (conflicted) reviews are left out. Every\n"
                 "proposal of the call, or the IDs given.\n\n"
                 "options:\n"
                 "  -o DIR, --output DIR  the folder to write: a new one, or an empty one\n"
                 "  --format F     text (ID.txt, the default), md (Markdown, ID.md) or html\n"
                 "                 (a self-contained page, ID.html)\n"
                 "  --method M     aggregate reviewers with M instead of the rubric's method:\n"
                 "                 mean, median, trimmed-mean, confidence-weighted, z-score\n"
                 "  --places N     decimal places shown, 0 to 12 (default 2)\n" CLI_LIMIT_HELP
                 "\n" CLI_COMMON_HELP
                 "exit status: 0 written, 1 invalid call or no such proposal, 2 usage,\n"
                 "3 I/O error\n");
}

/* A proposal id as a file name: ids are [A-Za-z0-9._-] words, but one
 * that could step out of DIR or hide is refused rather than trusted. */
static bool safe_name(const char *id)
{
    return id[0] != '\0' && id[0] != '.' && strchr(id, '/') == NULL;
}

/* The proposals to write, as indices into call->proposals: the ids given,
 * or all. Prints every unknown id (with "did you mean") and returns an
 * exit code. */
static int chosen(const merit_call *call, char **ids, size_t id_count, size_t **out,
                  size_t *count_out)
{
    size_t n = id_count > 0 ? id_count : call->proposal_count;
    size_t *list = calloc(n > 0 ? n : 1, sizeof(*list));
    bool *taken = calloc(call->proposal_count + 1, sizeof(*taken));
    if (list == NULL || taken == NULL) {
        free(list);
        free(taken);
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    int code = EXIT_CLEAN;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (id_count == 0) {
            list[m++] = i;
            continue;
        }
        const char *near = NULL;
        size_t p = merit_report_find_proposal(call, ids[i], &near);
        if (p == SIZE_MAX) {
            if (near != NULL)
                cli_error("summary: no proposal '%s' in call '%s'; did you mean '%s'?", ids[i],
                          call->id, near);
            else
                cli_error("summary: no proposal '%s' in call '%s'", ids[i], call->id);
            code = EXIT_INVALID;
        } else if (!taken[p]) {
            taken[p] = true;
            list[m++] = p; /* an id given twice is written once */
        }
    }
    free(taken);
    if (code != EXIT_CLEAN) {
        free(list);
        return code;
    }
    *out = list;
    *count_out = m;
    return EXIT_CLEAN;
}

static int write_summaries(const merit_result *res, const size_t *list, size_t count,
                           merit_summary_format format, const merit_report_options *opt,
                           const char *dir)
{
    const merit_call *call = res->call;
    const char *ext = merit_summary_extension(format);
    for (size_t i = 0; i < count; i++)
        if (!safe_name(call->proposals[list[i]].id)) {
            cli_error("summary: proposal id '%s' cannot name a file", call->proposals[list[i]].id);
            return EXIT_INVALID;
        }
    cli_outdir d;
    int code = cli_outdir_begin("summary", dir, &d);
    if (code != EXIT_CLEAN)
        return code;
    for (size_t i = 0; i < count; i++) {
        const char *id = call->proposals[list[i]].id;
        size_t len = strlen(id), elen = strlen(ext);
        char *name = malloc(len + elen + 2);
        if (name == NULL) {
            fputs("merit: error: out of memory\n", stderr);
            cli_outdir_abort(&d);
            return EXIT_IO;
        }
        memcpy(name, id, len);
        name[len] = '.';
        memcpy(name + len + 1, ext, elen + 1);
        FILE *f = cli_outdir_open(&d, name);
        free(name);
        if (f == NULL) {
            cli_outdir_abort(&d);
            return EXIT_IO;
        }
        merit_sink sink;
        merit_sink_init(&sink, f, false);
        merit_report_summary(&sink, res, list[i], format, opt);
        int werr = merit_sink_finish(&sink, NULL);
        if (werr == MERIT_ENOMEM)
            fputs("merit: error: out of memory\n", stderr);
        if (cli_outdir_close(&d, f, werr) != EXIT_CLEAN) {
            cli_outdir_abort(&d);
            return EXIT_IO;
        }
    }
    return cli_outdir_commit(&d);
}

int cmd_summary(int argc, char **argv)
{
    cli_ranking common = {.places = 2};
    const char *calldir = NULL, *dir = NULL, *format_name = "text";
    char **ids = calloc((size_t)argc + 1, sizeof(*ids));
    size_t id_count = 0;
    if (ids == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    int code = EXIT_CLEAN;
    for (int i = 1; i < argc && code == EXIT_CLEAN; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--audit") == 0) {
            code = cli_usage_error("summary: --audit is taken by 'merit rank', not here");
            break;
        }
        int taken = cli_ranking_option("summary", argc, argv, &i, &common);
        if (taken < 0) {
            code = EXIT_USAGE;
        } else if (taken > 0) {
            continue;
        } else if (cli_is_help(a)) {
            help(stdout);
            free(ids);
            return EXIT_CLEAN;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (value == NULL || value[0] == '\0')
                code = cli_usage_error("summary: %s needs a folder name", a);
            else if (cli_is_stdio(value))
                code = cli_usage_error("summary: %s takes a folder, which standard output ('-') "
                                       "cannot be",
                                       a);
            dir = value;
            i++;
        } else if (strcmp(a, "--format") == 0) {
            merit_summary_format f;
            if (value == NULL || merit_summary_format_from_name(value, &f) != 0)
                code = cli_usage_error("summary: --format takes text, md or html");
            format_name = value;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            code = cli_usage_error("summary: unknown option '%s'", a);
        } else if (calldir == NULL && cli_is_stdio(a)) {
            code = cli_calldir_stdin("summary");
        } else if (calldir == NULL) {
            calldir = a;
        } else {
            ids[id_count++] = argv[i];
        }
    }
    if (code == EXIT_CLEAN && (calldir == NULL || dir == NULL)) {
        help(stderr);
        code = EXIT_USAGE;
    }
    if (code != EXIT_CLEAN) {
        free(ids);
        return code;
    }
    merit_summary_format format = MERIT_SUMMARY_TEXT;
    merit_summary_format_from_name(format_name, &format);
    merit_report_options opt = {.places = common.places};

    merit_ctx *ctx = cli_context();
    if (ctx == NULL) {
        free(ids);
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    merit_ctx_set_limits(ctx, &common.limits);
    merit_ctx_set_keep_comments(ctx, true); /* the feedback is the comments */
    merit_ctx_set_method(ctx, common.rank.override_method, common.rank.method);
    merit_call *call = NULL;
    merit_result *result = NULL;
    int rc = merit_call_load(ctx, calldir, &call);
    if (rc == 0)
        rc = merit_call_rank(ctx, call, &common.rank, &result);
    cli_print_diags(ctx);
    code = cli_exit_code(ctx, rc);
    size_t *list = NULL, count = 0;
    if (code == EXIT_CLEAN)
        code = chosen(call, ids, id_count, &list, &count);
    if (code == EXIT_CLEAN)
        code = write_summaries(result, list, count, format, &opt, dir);
    if (code == EXIT_CLEAN)
        cli_summary(stdout, "%s: %zu summar%s (%s) for call %s", dir, count,
                    count == 1 ? "y" : "ies", merit_summary_extension(format), call->id);
    free(list);
    free(ids);
    merit_result_free(result);
    merit_call_free(call);
    merit_ctx_free(ctx);
    return code;
}
