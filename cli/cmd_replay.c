/* merit replay AUDITFILE [CALLDIR] */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "merit/audit.h"

static void help(FILE *out)
{
    fprintf(out, "usage: merit replay AUDITFILE [CALLDIR]\n\n"
                 "Checks an audit trail written by 'merit rank --audit': that no line of it was\n"
                 "edited, removed or reordered (each line records the hash of the one before),\n"
                 "that every input file is unchanged (a changed, missing or extra file is named\n"
                 "with both hashes), and that re-running the whole calculation with the recorded\n"
                 "options reproduces every step. CALLDIR defaults to the folder the trail\n"
                 "records. Reports the trail lists are re-hashed when they are found.\n\n"
                 "options:\n" CLI_LIMIT_HELP "\n"
                 "exit status: 0 identical, 4 diverged (the first divergence is printed: the\n"
                 "step, the recorded and the recomputed value), 1 invalid input, 2 usage, 3 I/O\n");
}

int cmd_replay(int argc, char **argv)
{
    merit_limits limits = {0};
    const char *trail = NULL, *calldir = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            help(stdout);
            return EXIT_CLEAN;
        }
        if (strcmp(argv[i], "--limit") == 0) {
            if (!cli_limit("replay", i + 1 < argc ? argv[i + 1] : NULL, &limits))
                return EXIT_USAGE;
            i++;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error("replay: unknown option '%s'", argv[i]);
        if (trail == NULL)
            trail = argv[i];
        else if (calldir == NULL)
            calldir = argv[i];
        else
            return cli_usage_error("replay: too many arguments ('%s')", argv[i]);
    }
    if (trail == NULL) {
        help(stderr);
        return EXIT_USAGE;
    }
    merit_ctx *ctx = cli_context();
    if (ctx == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    merit_ctx_set_limits(ctx, &limits);
    merit_replay_summary summary;
    int rc = merit_replay(ctx, trail, calldir, &summary);
    cli_print_diags(ctx);
    int code = cli_exit_code(ctx, rc);
    if (code == EXIT_CLEAN)
        cli_print_line(stdout,
                       "%s: replay identical: %zu records, %zu input files unchanged, %zu steps "
                       "reproduced, %zu report%s re-hashed",
                       trail, summary.records, summary.inputs, summary.steps, summary.reports,
                       summary.reports == 1 ? "" : "s");
    merit_ctx_free(ctx);
    return code;
}
