/* merit validate CALLDIR|FILE... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "merit/model.h"

static void help(FILE *out)
{
    fprintf(out, "usage: merit validate CALLDIR|FILE...\n\n"
                 "Checks a call folder (call.xml, its rubric, proposals/*.xml, reviews/*.xml)\n"
                 "or single files (a rubric, a proposal or bundle, a score sheet or bundle)\n"
                 "against merit's schemas and rules, and prints every problem found as\n"
                 "FILE:LINE:COLUMN: error: MESSAGE on standard error. Inputs are never\n"
                 "modified.\n\n"
                 "options:\n" CLI_LIMIT_HELP "\n"
                 "exit status: 0 all valid, 1 invalid input, 2 usage, 3 I/O error\n");
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
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && cli_is_help(a)) {
            free(paths);
            help(stdout);
            return EXIT_CLEAN;
        } else if (!options_done && strcmp(a, "--") == 0) {
            options_done = true;
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
    for (int i = 0; i < path_count; i++) {
        const char *path = paths[i];
        struct stat st;
        int rc;
        merit_ctx_clear_diags(ctx);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            merit_call *call = NULL;
            rc = merit_call_load(ctx, path, &call);
            if (rc == 0) {
                const merit_rubric *r = call->rubric;
                cli_print_line(stdout,
                               "%s: call %s valid: %zu proposals, %zu reviewers, %zu reviews "
                               "(%d excluded for conflicts), rubric %s %s, %zu criteria",
                               path, call->id, call->proposal_count, call->reviewer_count,
                               call->review_count, count_excluded(call), r->id, r->version,
                               r->criterion_count);
            }
            merit_call_free(call);
        } else {
            const char *kind;
            size_t count;
            rc = merit_file_validate(ctx, path, &kind, &count);
            if (rc == 0)
                cli_print_line(stdout, "%s: %s valid (%zu record%s)", path, kind, count,
                               count == 1 ? "" : "s");
        }
        cli_print_diags(ctx);
        int code = cli_exit_code(ctx, rc);
        if (code == EXIT_IO || (code == EXIT_INVALID && worst == EXIT_CLEAN))
            worst = code;
    }
    merit_ctx_free(ctx);
    free(paths);
    return worst;
}
