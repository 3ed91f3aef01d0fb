/* merit assign CALLDIR -o FILE: K reviewers for every proposal
 * (merit/assign.h), written as the table `merit sheets --assignment`
 * reads; and merit explain CALLDIR --assignment FILE ID, which explains a
 * proposal's row of an assignment already made. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "merit/assign.h"
#include "merit/table.h"

static void help(FILE *out)
{
    fprintf(out, "usage: merit assign CALLDIR -o FILE [options]\n\n"
                 "Gives every proposal of the call K reviewers of its panel and writes the\n"
                 "pairs to FILE as the table 'merit sheets --assignment' reads (CSV: reviewer,\n"
                 "proposal). Never a pair with a conflict declared in call.xml or a sheet, nor\n"
                 "a reviewer whose affiliation names one of the proposal's organisations.\n"
                 "Loads are as even as the panel allows (they differ by at most one when\n"
                 "possible), then as many pairs as possible have the reviewer's <expertise>\n"
                 "naming the proposal's <area>: a minimum-cost flow (docs/cli.md). With\n"
                 "--bids, the bids come after the loads and before the expertise.\n\n"
                 "options:\n"
                 "  -o FILE, --output FILE  the assignment to write ('-': standard output;\n"
                 "                 the summary line then goes to standard error)\n"
                 "  --per-proposal K  reviewers for each proposal, 1 to 1000 (default 3)\n"
                 "  --max-load L   proposals for a reviewer at most (default: the mean load,\n"
                 "                 rounded up)\n"
                 "  --bids FILE    a CSV or TSV table reviewer,proposal,bid: a whole number\n"
                 "                 from -100 to 100 or eager (2), willing (1), in-a-pinch\n"
                 "                 (-1), unwilling (-100: never assigned), docs/formats.md\n"
                 "  --explain ID   also print why proposal ID got its reviewers and which\n"
                 "                 were excluded (-o may then be left out)\n" CLI_LIMIT_HELP
                 "\n" CLI_COMMON_HELP
                 "exit status: 0 written, 1 invalid call or no assignment possible, 2 usage,\n"
                 "3 I/O error\n");
}

static int write_file(const merit_call *call, const merit_assign_result *a, const char *path)
{
    if (cli_is_stdio(path)) { /* -o -: the table on standard output */
        merit_sink sink;
        merit_sink_init(&sink, stdout, false);
        merit_assign_write_csv(&sink, call, a);
        if (merit_sink_finish(&sink, NULL) != 0 || fflush(stdout) != 0) {
            cli_error("assign: cannot write to standard output");
            clearerr(stdout); /* said once: main need not say it again */
            return EXIT_IO;
        }
        return EXIT_CLEAN;
    }
    cli_out_file f = {.path = path, .role = "assignment"};
    int code = cli_outputs_check("assign", call, &f, 1, false);
    if (code == EXIT_CLEAN)
        code = cli_out_open(&f);
    if (code == EXIT_CLEAN) {
        merit_sink sink;
        merit_sink_init(&sink, f.out, false);
        merit_assign_write_csv(&sink, call, a);
        code = cli_out_close(&f, merit_sink_finish(&sink, NULL));
    }
    if (code == EXIT_CLEAN)
        code = cli_out_commit(&f, 1);
    cli_out_discard(&f);
    return code;
}

static int explain(const char *command, const merit_call *call, const merit_assign_result *a,
                   const merit_bids *bids, size_t p)
{
    merit_sink sink;
    merit_sink_init(&sink, stdout, false);
    merit_assign_write_explain(&sink, call, a, bids, p);
    if (merit_sink_finish(&sink, NULL) != 0 || fflush(stdout) != 0) {
        cli_error("%s: cannot write to standard output", command);
        return EXIT_IO;
    }
    return EXIT_CLEAN;
}

/* A table read against the call: --bids or --assignment. */
static int read_table(merit_ctx *ctx, const char *path, merit_table **out)
{
    return merit_table_read(ctx, path, cli_table_separator(path), out);
}

static int read_bids(merit_ctx *ctx, const merit_call *call, const char *path, merit_bids **out)
{
    merit_table *t = NULL;
    int rc = read_table(ctx, path, &t);
    if (rc == 0)
        rc = merit_bids_from_table(ctx, call, t, out);
    merit_table_free(t);
    return rc;
}

/* The proposal with this id, or -1 after saying so. */
static ssize_t find_proposal(merit_ctx *ctx, const merit_call *call, const char *command,
                             const char *id)
{
    for (size_t i = 0; i < call->proposal_count; i++)
        if (strcmp(call->proposals[i].id, id) == 0)
            return (ssize_t)i;
    cli_print_diags(ctx);
    cli_error("%s: no proposal '%s' in the call", command, id);
    return -1;
}

int cmd_assign(int argc, char **argv)
{
    merit_limits limits = {0};
    merit_assign_options opt = {0};
    const char *calldir = NULL, *output = NULL, *explain_id = NULL, *bids_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long n;
        if (cli_is_help(a)) {
            help(stdout);
            return EXIT_CLEAN;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (value == NULL || value[0] == '\0')
                return cli_usage_error("assign: %s needs a file name", a);
            output = value;
            i++;
        } else if (strcmp(a, "--per-proposal") == 0) {
            if (value == NULL || !cli_parse_uint(value, 1000, &n) || n == 0)
                return cli_usage_error("assign: --per-proposal needs a whole number from 1 to "
                                       "1000");
            opt.per_proposal = (unsigned)n;
            i++;
        } else if (strcmp(a, "--max-load") == 0) {
            if (value == NULL || !cli_parse_uint(value, 1000000, &n) || n == 0)
                return cli_usage_error("assign: --max-load needs a whole number from 1 to "
                                       "1000000");
            opt.max_load = (unsigned)n;
            i++;
        } else if (strcmp(a, "--bids") == 0) {
            if (value == NULL || value[0] == '\0')
                return cli_usage_error("assign: --bids needs a file name");
            bids_path = value;
            i++;
        } else if (strcmp(a, "--explain") == 0) {
            if (value == NULL || value[0] == '\0')
                return cli_usage_error("assign: --explain needs a proposal id");
            explain_id = value;
            i++;
        } else if (strcmp(a, "--limit") == 0) {
            if (!cli_limit("assign", value, &limits))
                return EXIT_USAGE;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("assign: unknown option '%s'", a);
        } else if (calldir != NULL) {
            return cli_usage_error("assign: one call at a time ('%s' and '%s')", calldir, a);
        } else if (cli_is_stdio(a)) {
            return cli_calldir_stdin("assign");
        } else {
            calldir = a;
        }
    }
    if (explain_id != NULL && cli_is_stdio(output))
        return cli_usage_error("assign: --explain writes to standard output, so -o - cannot: "
                               "write the table to a file");
    if (calldir == NULL || (output == NULL && explain_id == NULL)) {
        help(stderr);
        return EXIT_USAGE;
    }
    merit_ctx *ctx = cli_context();
    if (ctx == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    merit_ctx_set_limits(ctx, &limits);
    merit_ctx_set_keep_comments(ctx, false);
    merit_call *call = NULL;
    merit_assign_result *a = NULL;
    merit_bids *bids = NULL;
    int rc = merit_call_load(ctx, calldir, &call);
    ssize_t p = -1;
    if (rc == 0 && explain_id != NULL && (p = find_proposal(ctx, call, "assign", explain_id)) < 0) {
        merit_call_free(call);
        merit_ctx_free(ctx);
        return EXIT_INVALID;
    }
    if (rc == 0 && bids_path != NULL)
        rc = read_bids(ctx, call, bids_path, &bids);
    opt.bids = bids;
    if (rc == 0)
        rc = merit_assign(ctx, call, &opt, &a);
    cli_print_diags(ctx);
    int code = cli_exit_code(ctx, rc);
    if (rc == 0 && output != NULL) {
        code = write_file(call, a, output);
        if (code == EXIT_CLEAN)
            cli_summary(cli_is_stdio(output) ? stderr : stdout,
                        "%s: %zu reviews for call %s, %u a proposal; loads %zu to %zu, "
                        "%zu expertise matches",
                        cli_is_stdio(output) ? "<stdout>" : output, a->count, call->id,
                        a->per_proposal, a->min_load, a->top_load, a->matches);
        if (code == EXIT_CLEAN && bids != NULL)
            cli_summary(cli_is_stdio(output) ? stderr : stdout,
                        "%s: %zu of %zu pairs with a positive bid (%zu bids read)",
                        cli_is_stdio(output) ? "<stdout>" : output, a->bid_pairs, a->count,
                        merit_bids_count(bids));
    }
    if (rc == 0 && code == EXIT_CLEAN && p >= 0)
        code = explain("assign", call, a, bids, (size_t)p);
    merit_assign_result_free(a);
    merit_bids_free(bids);
    merit_call_free(call);
    merit_ctx_free(ctx);
    return code;
}

static void explain_help(FILE *out)
{
    fprintf(out, "usage: merit explain CALLDIR --assignment FILE [options] PROPOSAL-ID\n\n"
                 "Explains one proposal's row of an assignment (the table 'merit assign'\n"
                 "writes, or one made by hand): each reviewer with their load and its tier,\n"
                 "the expertise keyword that is the proposal's area, and their bid; then the\n"
                 "reviewers excluded (conflict, same organisation, unwilling) and those not\n"
                 "chosen (at the load limit, with room), counted and named. The same text as\n"
                 "'merit assign --explain' (docs/cli.md).\n\n"
                 "options:\n"
                 "  --assignment FILE  the assignment, a CSV or TSV table reviewer,proposal\n"
                 "  --bids FILE    the bid table the assignment was made with\n"
                 "  --max-load L   the load limit it was made with (default: the mean load,\n"
                 "                 rounded up)\n" CLI_LIMIT_HELP "\n" CLI_COMMON_HELP
                 "exit status: 0 explained, 1 invalid input or no such proposal, 2 usage,\n"
                 "3 I/O error\n");
}

int cli_assign_explain(int argc, char **argv)
{
    merit_limits limits = {0};
    merit_assign_options opt = {0};
    const char *calldir = NULL, *id = NULL, *assignment = NULL, *bids_path = NULL;
    for (int i = 1; i < argc; i++) /* also `merit explain --assignment --help` */
        if (cli_is_help(argv[i])) {
            explain_help(stdout);
            return EXIT_CLEAN;
        }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long n;
        if (cli_is_help(a)) {
            explain_help(stdout);
            return EXIT_CLEAN;
        } else if (strcmp(a, "--assignment") == 0 || strcmp(a, "--bids") == 0) {
            if (value == NULL || value[0] == '\0')
                return cli_usage_error("explain: %s needs a file name", a);
            *(a[2] == 'a' ? &assignment : &bids_path) = value;
            i++;
        } else if (strcmp(a, "--max-load") == 0) {
            if (value == NULL || !cli_parse_uint(value, 1000000, &n) || n == 0)
                return cli_usage_error("explain: --max-load needs a whole number from 1 to "
                                       "1000000");
            opt.max_load = (unsigned)n;
            i++;
        } else if (strcmp(a, "--limit") == 0) {
            if (!cli_limit("explain", value, &limits))
                return EXIT_USAGE;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("explain: unknown option '%s' (with --assignment)", a);
        } else if (calldir == NULL) {
            calldir = a;
        } else if (id == NULL) {
            id = a;
        } else {
            return cli_usage_error("explain: one proposal at a time ('%s' and '%s')", id, a);
        }
    }
    if (calldir == NULL || id == NULL || assignment == NULL) {
        explain_help(stderr);
        return EXIT_USAGE;
    }
    merit_ctx *ctx = cli_context();
    if (ctx == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    merit_ctx_set_limits(ctx, &limits);
    merit_ctx_set_keep_comments(ctx, false);
    merit_call *call = NULL;
    merit_bids *bids = NULL;
    merit_table *t = NULL;
    merit_assign_result *a = NULL;
    int rc = merit_call_load(ctx, calldir, &call);
    ssize_t p = -1;
    if (rc == 0 && (p = find_proposal(ctx, call, "explain", id)) < 0) {
        merit_call_free(call);
        merit_ctx_free(ctx);
        return EXIT_INVALID;
    }
    /* both tables read, so that one run reports the bad rows of both */
    if (rc == 0 && bids_path != NULL)
        rc = read_bids(ctx, call, bids_path, &bids);
    opt.bids = bids;
    int rc2 = call != NULL ? read_table(ctx, assignment, &t) : rc;
    if (rc2 == 0)
        rc2 = merit_assign_from_table(ctx, call, t, &opt, &a);
    if (rc == 0)
        rc = rc2;
    cli_print_diags(ctx);
    int code = cli_exit_code(ctx, rc);
    if (rc == 0)
        code = explain("explain", call, a, bids, (size_t)p);
    merit_assign_result_free(a);
    merit_table_free(t);
    merit_bids_free(bids);
    merit_call_free(call);
    merit_ctx_free(ctx);
    return code;
}
