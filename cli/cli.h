/* The merit command: a thin layer over the engine and the report writers. */
#ifndef MERIT_CLI_H
#define MERIT_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "merit/audit.h"
#include "merit/escape.h"
#include "merit/merit.h"
#include "merit/model.h"
#include "merit/report.h"
#include "merit/result.h"

/* Exit codes, documented in docs/cli.md. Their numbers never change. */
enum {
    EXIT_CLEAN = 0,
    EXIT_INVALID = 1,
    EXIT_USAGE = 2,
    EXIT_IO = 3,
    EXIT_REPLAY_DIVERGED = 4,
    /* merit replay: every input and step reproduced, but a report the
     * trail lists was not checked (not found, not a regular file) */
    EXIT_REPLAY_UNCHECKED = 5,
    /* merit replay, merit diff: an input file changed, but every step is
     * the same: only text outside the scores changed */
    EXIT_REPLAY_TEXT_ONLY = 6,
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
int cmd_diff(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_sheets(int argc, char **argv);
int cmd_assign(int argc, char **argv);
/* merit explain CALLDIR --assignment FILE ID (cmd_assign.c) */
int cli_assign_explain(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_panel(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_sign(int argc, char **argv);

/* An output file of a command (cli/output.c, docs/cli.md "Output files"). */
typedef struct cli_out_file {
    const char *path; /* the target, as the user named it */
    const char *role; /* for messages: "report file", "audit trail" */
    /* set by cli_out_open */
    FILE *out;   /* write here, then cli_out_close */
    char *tmp;   /* the temporary file beside the target; owned */
    bool direct; /* not a regular file (a terminal, /dev/null): written in place */
    mode_t mode; /* the permissions the file gets */
} cli_out_file;

/* Before anything is written: refuses (a usage error, printed; returns
 * EXIT_USAGE) an output that is an input of the call (device and inode,
 * links followed), another output of the run, standard output when the
 * report goes there, or a new .xml file in the call's proposals/ or
 * reviews/ folder; EXIT_IO for an output that is a folder. */
int cli_outputs_check(const char *command, const merit_call *call, cli_out_file *files,
                      size_t count, bool report_to_stdout);
/* Opens f->out: a temporary file beside the target (removed again on a
 * signal), or the target itself when it is not a regular file. Returns an
 * exit code; diagnostics are printed. */
int cli_out_open(cli_out_file *f);
/* Flushes, syncs, sets the permissions and closes f->out; werr is the
 * writer's result. On any failure the temporary file is removed and
 * EXIT_IO returned. */
int cli_out_close(cli_out_file *f, int werr);
/* Renames every closed temporary file over its target, together, under a
 * lock on their folders. Returns an exit code. */
int cli_out_commit(cli_out_file *files, size_t count);
/* Removes f's temporary file, if any. */
void cli_out_discard(cli_out_file *f);
/* Opens /dev/null, the wrong way round, on a closed standard stream, so that
 * no file of the run takes its place and its use fails. First thing in
 * main. */
void cli_reserve_standard_streams(void);
/* dir + "/" + name, malloc'd; NULL when out of memory. */
char *cli_path_join(const char *dir, const char *name);

/* A folder of output files written as a whole (cli/outdir.c): new or
 * empty, each file written into a hidden staging folder in it, all moved
 * into place at the end; on any failure nothing is left. */
typedef struct cli_outdir {
    char *dir;   /* as given, without trailing slashes */
    char *stage; /* DIR/.merit-XXXXXX */
    char **names;
    size_t count;
    bool created; /* the folder was made here: removed again on failure */
} cli_outdir;
/* Checks that dir is new or empty (makes it when new) and makes the staging
 * folder. Returns an exit code, after printing why; on failure d holds
 * nothing to release. */
int cli_outdir_begin(const char *command, const char *dir, cli_outdir *d);
/* Creates DIR/NAME in the staging folder; NULL after printing why. NAME
 * may be SUB/FILE in a folder made with cli_outdir_mkdir. */
FILE *cli_outdir_open(cli_outdir *d, const char *name);
/* Makes the folder DIR/NAME in the staging folder; it moves into DIR with
 * what it holds. Returns an exit code, after printing why. */
int cli_outdir_mkdir(cli_outdir *d, const char *name);
/* Closes the file opened last (werr: the writer's result). Returns an
 * exit code, after printing why. */
int cli_outdir_close(cli_outdir *d, FILE *f, int werr);
/* Moves every file into DIR; returns an exit code. Releases d either way. */
int cli_outdir_commit(cli_outdir *d);
/* Removes what was written (and DIR, if made here) and releases d. */
void cli_outdir_abort(cli_outdir *d);

/* --assignment FILE (merit sheets, merit validate --call): the table of
 * (reviewer, proposal) pairs read against call, TSV for a .tsv or .tab file,
 * else CSV. Returns 0 or an engine error; the diagnostics are in ctx. */
struct merit_assignment;
int cli_read_assignment(merit_ctx *ctx, const merit_call *call, const char *path,
                        struct merit_assignment **out);
/* TSV for a name ending in .tsv or .tab (any case of those), else CSV. */
char cli_table_separator(const char *path);

/* Writes a report into sink (merit/report.h); returns 0 or the sink's
 * first error. */
struct merit_sink;
typedef int (*cli_renderer)(struct merit_sink *sink, const void *arg);

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
    unsigned intervals_given; /* MERIT_AUDIT_GIVEN_* bits */
    bool keep_going;
    bool colour; /* the report's sink writes the colour slots */
} cli_output;

/* Writes the report, then the audit trail if asked. A report file is
 * written as it is rendered, atomically (a failure leaves the target as it
 * was) and hashed on the way for the trail; standard output gets the report
 * only once it is whole (rendered into a temporary file first). Returns an
 * exit code; diagnostics are printed. */
int cli_emit(merit_ctx *ctx, const merit_result *result, const cli_output *out);

/* A command that loads and ranks a call and writes one report of it in one
 * of its formats (merit panel, merit stats): options --format, -o, and
 * those of every ranking command but --audit (replay cannot re-run it). */
typedef struct cli_report_format {
    const char *name; /* NULL ends the list; the first is the default */
    merit_report_fn write;
} cli_report_format;
typedef struct cli_report_command_spec {
    const char *name;         /* "panel" */
    const char *format_names; /* for the usage error: "text or html" */
    const cli_report_format *formats;
    void (*help)(FILE *out);
    size_t resamples; /* the default --resamples: CLI_DEFAULT_RESAMPLES when it shows intervals */
} cli_report_command_spec;
int cli_report_command(const cli_report_command_spec *spec, int argc, char **argv);

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
    "                 diagnostics (shown for one file, 1000), rules (eligibility\n"                \
    "                 rules in a rubric, 128)\n"

#define CLI_LOTTERY_HELP                                                                           \
    "  --lottery SEED settle a tie at the funding line by a seeded lottery (1 to 100\n"            \
    "                 characters), whatever the call's <funding-line> says; the draw\n"            \
    "                 is recorded and replays identically (docs/scoring.md)\n"

/* What every command's --help says of the conventions (docs/cli.md,
 * "Conventions"), before its exit status. */
#define CLI_COMMON_HELP                                                                            \
    "--opt=VALUE works for every option that takes a value; -q: no summary\n"                      \
    "line; --color WHEN: see 'merit help'.\n"
#define CLI_STDIN_HELP(what)                                                                       \
    what " '-' is standard input (a pipe is read once, under the file-size\n"                      \
         "limit; messages name it <stdin>).\n" CLI_COMMON_HELP
#define CLI_STDOUT_HELP "-o - is standard output.\n" CLI_COMMON_HELP

/* The options every command that ranks takes: --method, --lottery,
 * --places, --audit, --limit, and the rank intervals' --resamples,
 * --level, --seed (rank, explain and stats show the intervals and start
 * from CLI_DEFAULT_RESAMPLES; the others from 0). */
typedef struct cli_ranking {
    merit_rank_options rank;
    unsigned places;
    const char *audit;
    merit_limits limits;
    unsigned given; /* MERIT_AUDIT_GIVEN_* bits: which interval options were given */
} cli_ranking;
#define CLI_DEFAULT_RESAMPLES 1000
#define CLI_INTERVAL_HELP                                                                          \
    "  --resamples N  rank intervals from N bootstrap resamples of each proposal's\n"              \
    "                 reviews (default 1000; 0: none; at most 1000000)\n"                          \
    "  --level P      the intervals' coverage in percent, 50 to 99 (default 90)\n"                 \
    "  --seed TEXT    the bootstrap's seed, 1 to 100 printable characters\n"                       \
    "                 (default: the call's id)\n"

/* If argv[*i] is one of those options, takes it (and its value: *i moves
 * past it) and returns 1; returns 0 for any other argument, and -1 after
 * printing a usage error. */
int cli_ranking_option(const char *command, int argc, char **argv, int *i, cli_ranking *o);

/* What the arguments of a command that ranks (rank, explain) ask for. The
 * commands parse them with cli_rank_args and cli_explain_args, and replay
 * re-parses the command a trail records with the same functions, to check
 * it against the settings the trail records. */
typedef struct cli_args {
    cli_ranking common;       /* --method, --places, --audit, --limit */
    const char *calldir;      /* NULL when not given: the caller shows the usage */
    const char *id, *against; /* explain: the proposal(s) */
    const char *output;       /* -o FILE; NULL: standard output */
    const char *format;       /* the report's, as a trail records it: text, csv,
                                 csv-detail, json, explain */
    bool detail;
    bool full; /* explain: every id of a long list */
    bool keep_going;
    bool help; /* --help was asked for: nothing else was parsed */
    /* rank, text: --width (width_given: even 0), --top, --around-line */
    bool width_given;
    unsigned long width, top, around_line;
} cli_args;
/* argv[0] is the command's name. Return EXIT_CLEAN, or EXIT_USAGE after a
 * usage error (printed, or captured by cli_usage_capture). */
int cli_rank_args(int argc, char **argv, cli_args *args_out);
int cli_explain_args(int argc, char **argv, cli_args *args_out);
/* While buf is not NULL, cli_usage_error writes its first message (without
 * "merit: error: ") into buf instead of standard error. */
void cli_usage_capture(char *buf, size_t size);

/* Parses a whole non-negative number into *out; false if it is not one or is
 * larger than max. */
bool cli_parse_uint(const char *text, unsigned long max, unsigned long *out);

/* Prints every diagnostic of ctx to stderr, GCC style. */
void cli_print_diags(const merit_ctx *ctx);
/* The exit code for a run whose diagnostics are in ctx: a replay that
 * diverged wins, then I/O, then invalid input (limits included). */
int cli_exit_code(const merit_ctx *ctx, int rc);
/*
 * Messages that echo what the user gave (an argument, a path, an id) print
 * it escaped by the rule of merit/escape.h, as a name: a control character,
 * a bidi override or a byte that is not UTF-8 in it cannot act on the
 * terminal or forge a line. The whole line is escaped; merit's own words
 * hold nothing the rule changes.
 */
/* "merit: error: ..." on stderr, returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "merit: error: ..." on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One line on out (its newline added). */
void cli_print_line(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool cli_is_help(const char *arg);

/* --- conventions of every command (cli/args.c, docs/cli.md) ------------- */
enum { CLI_COLOR_AUTO, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER };
typedef struct cli_globals {
    bool quiet; /* -q, --quiet: no summary line, no note of merit's own */
    int color;  /* --color WHEN: CLI_COLOR_* */
} cli_globals;
extern cli_globals cli_global;
/* -q, --quiet, --color WHEN, --color=WHEN at argv[*i]: takes it (and its
 * value: *i moves past it) and returns 1; 0 for any other argument; -1
 * after a usage error (where: "rank: " or ""). */
int cli_global_option(const char *where, int argc, char **argv, int *i);
/* argv[0] is the command: the same arguments with --opt=value split and
 * the global options taken out (see cli/args.c). Returns an exit code,
 * after printing why; *argv_out lives until cli_normalised_free. */
int cli_normalise(int argc, char **argv, int *argc_out, char ***argv_out);
void cli_normalised_free(void);
/* True when option (exactly) takes a value in command. */
bool cli_takes_value(const char *command, const char *option);
/* Whether colour goes to fd: --color always or never, else a terminal
 * with NO_COLOR empty or unset and TERM not "dumb". */
bool cli_colour(int fd);
/* A line saying what a command did (a summary, a note of merit's own):
 * printed as cli_print_line prints, unless -q. */
void cli_summary(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The usage error for '-' given as a call folder; returns EXIT_USAGE. */
int cli_calldir_stdin(const char *command);
/* "-" for an output file: standard output. */
static inline bool cli_is_stdio(const char *path)
{
    return path != NULL && path[0] == '-' && path[1] == '\0';
}

#endif
