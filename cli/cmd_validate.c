/* merit validate CALLDIR|FILE... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "merit/model.h"
#include "merit/sheets.h"

static void help(FILE *out)
{
    fprintf(out, "usage: merit validate CALLDIR|FILE...\n"
                 "       merit validate --call CALLDIR FILE...\n\n"
                 "Checks a call folder (call.xml, its rubric, proposals/*.xml, reviews/*.xml)\n"
                 "or single files (a rubric, a proposal or bundle, a score sheet or bundle)\n"
                 "against merit's schemas and rules, and prints every problem found as\n"
                 "FILE:LINE:COLUMN: error: MESSAGE on standard error. Inputs are never\n"
                 "modified.\n\n"
                 "With --call, each FILE (a score sheet or a proposal, or a bundle) is\n"
                 "checked against that call as the call would check it: the call's id, the\n"
                 "reviewer on its panel, the proposals in it, every criterion of its rubric\n"
                 "scored on the scale and its step. A sheet need not be in the call's\n"
                 "folder: a reviewer can check their own before sending it.\n\n"
                 "options:\n"
                 "  --call CALLDIR check the files against this call\n"
                 "  --assignment FILE  with --call: a sheet may review only the proposals\n"
                 "                 this table (columns reviewer, proposal) gives its "
                 "reviewer\n" CLI_LIMIT_HELP "\n" CLI_STDIN_HELP(
                     "FILE") "exit status: 0 all valid, 1 invalid input, 2 usage, 3 I/O error\n");
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

static int count_excluded(const merit_call *call)
{
    int n = 0;
    for (size_t i = 0; i < call->review_count; i++)
        n += call->reviews[i].conflicted;
    return n;
}

int cmd_validate(int argc, char **argv)
{
    merit_limits limits = {0};
    /* the paths, in the order given; options are taken out */
    char **paths = calloc((size_t)argc, sizeof(char *));
    int path_count = 0;
    if (paths == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    bool options_done = false;
    const char *calldir = NULL;    /* --call */
    const char *assignment = NULL; /* --assignment */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && cli_is_help(a)) {
            free(paths);
            help(stdout);
            return EXIT_CLEAN;
        } else if (!options_done && strcmp(a, "--") == 0) {
            options_done = true;
        } else if (!options_done && strcmp(a, "--call") == 0) {
            if (i + 1 >= argc || argv[i + 1][0] == '\0') {
                free(paths);
                return cli_usage_error("validate: --call needs a call folder");
            }
            calldir = argv[++i];
            if (cli_is_stdio(calldir)) {
                free(paths);
                return cli_calldir_stdin("validate");
            }
        } else if (!options_done && strcmp(a, "--assignment") == 0) {
            if (i + 1 >= argc || argv[i + 1][0] == '\0') {
                free(paths);
                return cli_usage_error("validate: --assignment needs a file name");
            }
            assignment = argv[++i];
        } else if (!options_done && strcmp(a, "--limit") == 0) {
            if (!cli_limit("validate", i + 1 < argc ? argv[i + 1] : NULL, &limits)) {
                free(paths);
                return EXIT_USAGE;
            }
            i++;
        } else if (!options_done && a[0] == '-' && a[1] != '\0') {
            free(paths);
            return cli_usage_error("validate: unknown option '%s'", a);
        } else {
            paths[path_count++] = argv[i];
        }
    }
    int from_stdin = 0;
    for (int k = 0; k < path_count; k++)
        from_stdin += cli_is_stdio(paths[k]);
    if (assignment != NULL && cli_is_stdio(assignment))
        from_stdin++;
    if (from_stdin > 1) {
        free(paths);
        return cli_usage_error("validate: standard input ('-') is given twice; it can be read "
                               "once");
    }
    if (assignment != NULL && calldir == NULL) {
        free(paths);
        return cli_usage_error("validate: --assignment goes with --call");
    }
    if (path_count == 0) {
        free(paths);
        help(stderr);
        return EXIT_USAGE;
    }
    merit_ctx *ctx = cli_context();
    if (ctx == NULL) {
        free(paths);
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    merit_ctx_set_limits(ctx, &limits);
    merit_ctx_set_keep_comments(ctx, false); /* validate shows none */
    int worst = EXIT_CLEAN;
    merit_call *against = NULL;
    merit_assignment *given = NULL;
    if (calldir != NULL) {
        int rc = merit_call_load(ctx, calldir, &against);
        if (rc == 0 && assignment != NULL)
            rc = cli_read_assignment(ctx, against, assignment, &given);
        cli_print_diags(ctx);
        if (rc != 0 && against != NULL) {
            int code = cli_exit_code(ctx, rc);
            merit_call_free(against);
            merit_ctx_free(ctx);
            free(paths);
            return code;
        }
        if (rc != 0) {
            int code = cli_exit_code(ctx, rc);
            cli_print_line(stderr,
                           "merit: error: the call '%s' is not valid, so no file can be "
                           "checked against it",
                           calldir);
            merit_ctx_free(ctx);
            free(paths);
            return code;
        }
    }
    for (int i = 0; i < path_count; i++) {
        const char *path = paths[i];
        const char *shown = cli_is_stdio(path) ? "<stdin>" : path; /* as diagnostics name it */
        struct stat st;
        int rc;
        merit_ctx_clear_diags(ctx);
        if (!cli_is_stdio(path) && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            merit_call *call = NULL;
            rc = merit_call_load(ctx, path, &call);
            if (rc == 0) {
                const merit_rubric *r = call->rubric;
                cli_summary(stdout,
                            "%s: call %s valid: %zu proposal%s, %zu reviewer%s, %zu review%s "
                            "(%d excluded for conflicts), rubric %s %s, %zu criteri%s",
                            path, call->id, call->proposal_count, plural(call->proposal_count),
                            call->reviewer_count, plural(call->reviewer_count), call->review_count,
                            plural(call->review_count), count_excluded(call), r->id, r->version,
                            r->criterion_count, r->criterion_count == 1 ? "on" : "a");
            }
            merit_call_free(call);
        } else {
            const char *kind;
            size_t count;
            if (against != NULL)
                rc = merit_call_check_file(ctx, against, given, path, &kind, &count);
            else
                rc = merit_file_validate(ctx, path, &kind, &count);
            if (rc == 0 && against != NULL)
                cli_summary(stdout, "%s: %s valid for call %s (%zu record%s)", shown, kind,
                            against->id, count, count == 1 ? "" : "s");
            else if (rc == 0)
                cli_summary(stdout, "%s: %s valid (%zu record%s)", shown, kind, count,
                            count == 1 ? "" : "s");
        }
        cli_print_diags(ctx);
        int code = cli_exit_code(ctx, rc);
        if (code == EXIT_IO || (code == EXIT_INVALID && worst == EXIT_CLEAN))
            worst = code;
    }
    merit_assignment_free(given);
    merit_call_free(against);
    merit_ctx_free(ctx);
    free(paths);
    return worst;
}
