/* merit explain CALLDIR PROPOSAL-ID [--against OTHER-ID] [--method M] [--places N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "merit/model.h"
#include "merit/report.h"
#include "merit/result.h"

static void help(FILE *out)
{
    fprintf(out, "usage: merit explain CALLDIR PROPOSAL-ID [options]\n\n"
                 "Explains one proposal of the ranked call: its reviews, each criterion's\n"
                 "aggregate with the arithmetic written out, the total, thresholds,\n"
                 "eligibility, disagreement, its rank and what placed it there, and where\n"
                 "the funding line fell for it.\n\n"
                 "options:\n"
                 "  --against ID   explain instead why one of the two proposals ranks above\n"
                 "                 the other, with their weighted contributions side by side\n"
                 "  --assignment FILE  explain instead the proposal's reviewers in an\n"
                 "                 assignment (merit explain --assignment --help)\n"
                 "  --full         list every proposal of a long list (a shared rank of\n"
                 "                 many), not their count and the first five\n"
                 "  --method M     aggregate reviewers with M instead of the rubric's method:\n"
                 "                 mean, median, trimmed-mean, confidence-weighted, "
                 "z-score\n" CLI_LOTTERY_HELP
                 "  --places N     decimal places shown, 0 to 12 (default 2); rounding is half\n"
                 "                 to even and only for display\n"
                 "  --audit FILE   also write the audit trail of the ranking behind the\n"
                 "                 explanation (docs/audit.md)\n" CLI_INTERVAL_HELP CLI_LIMIT_HELP
                 "\n" CLI_COMMON_HELP
                 "exit status: 0 explained, 1 invalid input or no such proposal, 2 usage,\n"
                 "3 I/O error\n");
}

/* Index of the proposal with this id, or SIZE_MAX. */
static size_t find_proposal(const merit_call *call, const char *id)
{
    for (size_t i = 0; i < call->proposal_count; i++)
        if (strcmp(call->proposals[i].id, id) == 0)
            return i;
    return SIZE_MAX;
}

struct explain_job {
    const merit_result *result;
    size_t index, other; /* other: SIZE_MAX without --against */
    const merit_report_options *options;
};

static int render(merit_sink *sink, const void *arg)
{
    const struct explain_job *j = arg;
    if (j->other != SIZE_MAX)
        return merit_report_explain_against(sink, j->result, j->index, j->other, j->options);
    return merit_report_explain(sink, j->result, j->index, j->options);
}

int cli_explain_args(int argc, char **argv, cli_args *a)
{
    memset(a, 0, sizeof(*a));
    a->common.places = 2;
    a->common.rank.resamples = CLI_DEFAULT_RESAMPLES;
    a->format = "explain";
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        int taken = cli_ranking_option("explain", argc, argv, &i, &a->common);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken > 0)
            continue;
        if (cli_is_help(arg)) {
            a->help = true;
            return EXIT_CLEAN;
        } else if (strcmp(arg, "--against") == 0) {
            if (value == NULL)
                return cli_usage_error("explain: --against needs a proposal id");
            a->against = value;
            i++;
        } else if (strcmp(arg, "--full") == 0) {
            a->full = true;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cli_usage_error("explain: unknown option '%s'", arg);
        } else if (a->calldir == NULL && cli_is_stdio(arg)) {
            return cli_calldir_stdin("explain");
        } else if (a->calldir == NULL) {
            a->calldir = arg;
        } else if (a->id == NULL) {
            a->id = arg;
        } else {
            return cli_usage_error("explain: one proposal at a time ('%s' and '%s'); use "
                                   "--against to compare two",
                                   a->id, arg);
        }
    }
    if (a->calldir == NULL || a->id == NULL)
        return EXIT_CLEAN; /* the caller shows the usage */
    if (a->against != NULL && strcmp(a->against, a->id) == 0)
        return cli_usage_error("explain: --against names the proposal being explained ('%s')",
                               a->id);
    return EXIT_CLEAN;
}

int cmd_explain(int argc, char **argv)
{
    /* an assignment's row, not a ranking: merit explain --assignment */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--assignment") == 0 || strncmp(argv[i], "--assignment=", 13) == 0)
            return cli_assign_explain(argc, argv);
    cli_args args;
    if (cli_explain_args(argc, argv, &args) != EXIT_CLEAN)
        return EXIT_USAGE;
    if (args.help) {
        help(stdout);
        return EXIT_CLEAN;
    }
    if (args.calldir == NULL || args.id == NULL) {
        help(stderr);
        return EXIT_USAGE;
    }
    const char *calldir = args.calldir, *id = args.id, *against = args.against;
    merit_report_options opt = {0};
    cli_ranking common = args.common;

    merit_ctx *ctx = cli_context();
    if (ctx == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    merit_ctx_set_limits(ctx, &common.limits);
    opt.places = common.places;
    opt.full = args.full;
    merit_call *call = NULL;
    merit_result *result = NULL;
    /* explain shows no comment, only no-score reasons (always kept) */
    merit_ctx_set_keep_comments(ctx, false);
    merit_ctx_set_method(ctx, common.rank.override_method, common.rank.method);
    int rc = merit_call_load(ctx, calldir, &call);
    if (rc == 0)
        rc = merit_call_rank(ctx, call, &common.rank, &result);
    cli_print_diags(ctx);
    int code = cli_exit_code(ctx, rc);
    if (code == EXIT_CLEAN) {
        size_t index = find_proposal(call, id);
        size_t other = against != NULL ? find_proposal(call, against) : SIZE_MAX;
        const char *missing = NULL;
        if (index == SIZE_MAX)
            missing = id;
        else if (against != NULL && other == SIZE_MAX)
            missing = against;
        if (missing != NULL) {
            cli_error("no proposal '%s' in call '%s'", missing, call->id);
            code = EXIT_INVALID;
        } else {
            struct explain_job job = {result, index, other, &opt};
            cli_output out = {.render = render,
                              .render_arg = &job,
                              .format = args.format,
                              .audit = common.audit,
                              .argc = argc,
                              .argv = argv,
                              .places = opt.places,
                              .method_overridden = common.rank.override_method,
                              .intervals_given = common.given};
            code = cli_emit(ctx, result, &out);
        }
    }
    merit_result_free(result);
    merit_call_free(call);
    merit_ctx_free(ctx);
    return code;
}
