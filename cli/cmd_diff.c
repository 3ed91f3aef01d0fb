/* merit diff TRAIL-A TRAIL-B */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "merit/audit.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: merit diff TRAIL-A TRAIL-B\n\n"
            "Says what changed between two audit trails written by 'merit rank --audit' (say,\n"
            "before and after a score was corrected), without recomputing: both chains are\n"
            "checked first, then notes name each input whose hash differs, the first step\n"
            "that differs, each score that differs (proposal, criterion, reviewer, A -> B),\n"
            "then the aggregates, totals, ranks, statuses and funding that moved. A summary\n"
            "line goes to standard output.\n\n" CLI_STDIN_HELP(
                "one TRAIL") "exit status: 0 the same inputs and steps, 4 steps differ (or a "
                             "trail's chain\n"
                             "breaks), 6 only inputs differ and every step is the same (a comment, "
                             "spaces),\n"
                             "1 invalid input, 2 usage, 3 I/O\n");
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

int cmd_diff(int argc, char **argv)
{
    const char *a = NULL, *b = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            help(stdout);
            return EXIT_CLEAN;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error("diff: unknown option '%s'", argv[i]);
        if (a == NULL)
            a = argv[i];
        else if (b == NULL)
            b = argv[i];
        else
            return cli_usage_error("diff: too many arguments ('%s')", argv[i]);
    }
    if (b == NULL) {
        help(stderr);
        return EXIT_USAGE;
    }
    if (cli_is_stdio(a) && cli_is_stdio(b))
        return cli_usage_error("diff: standard input ('-') can be one of the trails, not both");
    const char *shown_a = cli_is_stdio(a) ? "<stdin>" : a,
               *shown_b = cli_is_stdio(b) ? "<stdin>" : b;
    merit_ctx *ctx = cli_context();
    if (ctx == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    merit_diff_summary d;
    int rc = merit_trail_diff(ctx, a, b, &d);
    cli_print_diags(ctx);
    /* the differences are notes; an error is a trail that breaks */
    int code = cli_exit_code(ctx, rc == MERIT_EDIVERGED ? 0 : rc);
    if (code == EXIT_CLEAN && rc == MERIT_EDIVERGED) {
        const merit_trail_changes *c = &d.changes;
        cli_summary(stdout,
                    "%s -> %s: %zu input%s, %zu step%s differ: %zu score%s, %zu aggregate%s, "
                    "%zu total%s, %zu rank%s, %zu status%s, funding %s",
                    shown_a, shown_b, d.inputs, plural(d.inputs), d.steps, plural(d.steps),
                    c->scores, plural(c->scores), c->aggregates, plural(c->aggregates), c->totals,
                    plural(c->totals), c->ranks, plural(c->ranks), c->statuses,
                    c->statuses == 1 ? "" : "es", c->funding ? "changed" : "the same");
        code = d.steps > 0 ? EXIT_REPLAY_DIVERGED : EXIT_REPLAY_TEXT_ONLY;
    } else if (code == EXIT_CLEAN) {
        cli_summary(stdout, "%s -> %s: the same inputs and steps", shown_a, shown_b);
    }
    merit_ctx_free(ctx);
    return code;
}
