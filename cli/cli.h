/* The merit command: a thin layer over the engine and the report writers. */
#ifndef MERIT_CLI_H
#define MERIT_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "merit/merit.h"
#include "merit/result.h"

/* Exit codes, documented in docs/cli.md. Their numbers never change. */
enum {
    EXIT_CLEAN = 0,
    EXIT_INVALID = 1,
    EXIT_USAGE = 2,
    EXIT_IO = 3,
    EXIT_REPLAY_DIVERGED = 4,
};

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

int cmd_validate(int argc, char **argv);
int cmd_rank(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_gen(int argc, char **argv);

/* Writes a report through writer(out, arg) into path atomically. Returns an
 * exit code; on failure the diagnostic is printed and path is untouched. */
typedef int (*cli_writer)(FILE *out, const void *arg);
int cli_write_atomic(const char *path, cli_writer writer, const void *arg);

/* Writes a report to out; 0, or -1 on a failure. */
typedef int (*cli_renderer)(FILE *out, const void *arg);

/* What a ranking command produced and where it goes. */
typedef struct cli_output {
    cli_renderer render; /* the report */
    const void *render_arg;
    const char *output; /* file, or NULL for standard output */
    const char *format; /* recorded in the trail: "text", "json", "explain", ... */
    const char *audit;  /* trail file, or NULL */
    int argc;           /* the command's arguments (argv[0] is the command name) */
    char **argv;
    unsigned places;
    bool method_overridden;
    bool keep_going;
} cli_output;

/* Writes the report, then the audit trail if asked. A report file is
 * written as it is rendered, atomically (a failure leaves the target as it
 * was) and hashed on the way for the trail; standard output gets the report
 * only once it is whole (rendered into a temporary file first). Returns an
 * exit code; diagnostics are printed. */
int cli_emit(merit_ctx *ctx, const merit_result *result, const cli_output *out);

/* --limit NAME=VALUE (file-size, depth, proposals, reviewers, criteria,
 * text, match; K/M/G suffixes): returns false after printing a usage error. */
bool cli_limit(const char *command, const char *arg, merit_limits *limits);
/* A new context (NULL when out of memory) that reads calls on as many
 * threads as pay: 2 when the machine has two processors or more, or
 * MERIT_THREADS (1 or 2) when set. The output never depends on it. */
merit_ctx *cli_context(void);
#define CLI_LIMIT_HELP                                                                             \
    "  --limit N=V    lower or raise a limit: file-size (default 512M), depth (64),\n"             \
    "                 proposals (1000000), reviewers (10000), criteria (64), text\n"               \
    "                 (bytes in a section, 400000), match (PCRE2 steps, 10000000),\n"              \
    "                 diagnostics (shown for one file, 1000)\n"

/* The options every command that ranks takes: --method, --places, --audit,
 * --limit. */
typedef struct cli_ranking {
    merit_rank_options rank;
    unsigned places;
    const char *audit;
    merit_limits limits;
} cli_ranking;

/* If argv[*i] is one of those options, takes it (and its value: *i moves
 * past it) and returns 1; returns 0 for any other argument, and -1 after
 * printing a usage error. */
int cli_ranking_option(const char *command, int argc, char **argv, int *i, cli_ranking *o);

/* Parses a whole non-negative number into *out; false if it is not one or is
 * larger than max. */
bool cli_parse_uint(const char *text, unsigned long max, unsigned long *out);

/* Prints every diagnostic of ctx to stderr, GCC style. */
void cli_print_diags(const merit_ctx *ctx);
/* The exit code for a run whose diagnostics are in ctx: a replay that
 * diverged wins, then I/O, then invalid input (limits included). */
int cli_exit_code(const merit_ctx *ctx, int rc);
/* "merit: error: ..." on stderr, returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool cli_is_help(const char *arg);

#endif
