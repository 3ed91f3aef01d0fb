/* merit: the command table and the helpers every command shares. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "merit/escape.h"

static const cli_command commands[] = {
    {"init", cmd_init, "write a new call that validates at once: call, rubric, example proposal"},
    {"validate", cmd_validate, "check a call folder or single files and print every problem"},
    {"rank", cmd_rank, "score and rank a call, draw the funding line, write a report"},
    {"explain", cmd_explain, "explain one proposal's scores, rank and funding, or compare two"},
    {"replay", cmd_replay, "re-check an audit trail against its inputs and a fresh calculation"},
    {"diff", cmd_diff, "say what changed between two audit trails: scores, totals, ranks, funding"},
    {"summary", cmd_summary, "write each applicant's feedback: scores and anonymised comments"},
    {"panel", cmd_panel, "write the panel's report: disagreements, scores side by side, reviewers"},
    {"stats", cmd_stats, "show the reviewer calibration and agreement tables of a call"},
    {"assign", cmd_assign, "give each proposal K reviewers: even loads, no conflicts, expertise"},
    {"sheets", cmd_sheets, "write a score-sheet template for each reviewer of a call"},
    {"import", cmd_import, "turn a spreadsheet (CSV, TSV) of proposals or scores into XML"},
    {"schema", cmd_schema, "print a compiled-in XML schema, for editors that validate"},
    {"keygen", cmd_keygen, "make an Ed25519 key pair for a reviewer who signs score sheets"},
    {"sign", cmd_sign, "sign score sheets with a reviewer's secret key (FILE.sig)"},
};

static void print_help(FILE *out)
{
    fprintf(out, "usage: merit [-q] [--color WHEN] <command> [options] [arguments]\n"
                 "       merit help [COMMAND] | merit version | merit --help | -V, --version\n\n"
                 "merit scores and ranks funding proposals against weighted rubrics,\n"
                 "with exact arithmetic and an audit trail.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "  %-10s %s\n", "help", "describe merit, or one command (merit help rank)");
    fprintf(out, "  %-10s %s\n", "version", "print merit's version and build id");
    fprintf(out, "\noptions of every command (before or after its name):\n"
                 "  -q, --quiet    no summary line and no note of merit's own; errors,\n"
                 "                 warnings and the report itself are still written\n"
                 "  --color WHEN   colour in the text report: auto (default: on a terminal,\n"
                 "                 unless NO_COLOR is set or TERM is dumb), always, never\n"
                 "Every option that takes a value takes it as --opt VALUE or --opt=VALUE;\n"
                 "'-' names standard input or output where one file is read or written.\n");
    fprintf(out, "\n'merit help <command>' describes a command. Exit codes: 0 clean,\n"
                 "1 invalid input, 2 usage, 3 I/O error, 4 replay diverged, 5 replay\n"
                 "reproduced but a report not checked, 6 only text outside the scores\n"
                 "changed (docs/cli.md).\n");
}

static int version_help(void)
{
    puts("usage: merit version\n\nPrints merit's version and the build id (the commit it was\n"
         "built from), as 'merit --version' and 'merit -V' do.");
    return EXIT_CLEAN;
}

static int print_version(void)
{
    printf("merit %s (build %s)\n", merit_version(), merit_build_id());
    return EXIT_CLEAN;
}

/* The command of that name, or NULL. */
static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* Edit distance (insert, delete, substitute, swap two neighbours) between
 * two short words, capped at 9: the command names are at most 8 letters. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 16 || lb > 16)
        return 9;
    size_t d[17][17];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb] > 9 ? 9 : d[la][lb];
}

/* The one command name within a third of the word's length in edits (at
 * least one), or NULL when none or two are that near. */
static const char *nearest_command(const char *word)
{
    const char *best = NULL;
    size_t best_d = 9, len = strlen(word);
    bool tie = false;
    size_t cutoff = len / 3 > 0 ? len / 3 : 1;
    static const char *const extra[] = {"help", "version"};
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]) + 2; i++) {
        const char *name = i < sizeof(commands) / sizeof(commands[0])
                               ? commands[i].name
                               : extra[i - sizeof(commands) / sizeof(commands[0])];
        size_t d = distance(word, name);
        if (d < best_d) {
            best = name;
            best_d = d;
            tie = false;
        } else if (d == best_d) {
            tie = true;
        }
    }
    return best != NULL && !tie && best_d <= cutoff ? best : NULL;
}

static int unknown_command(const char *name)
{
    if (strcmp(name, "gen") == 0) /* the command that became a program of its own */
        return cli_usage_error("unknown command 'gen': synthetic calls are written by "
                               "merit-gen, a program built beside merit (docs/cli.md)");
    const char *near = nearest_command(name);
    if (near != NULL)
        return cli_usage_error("unknown command '%s'; did you mean '%s'? (see 'merit help')", name,
                               near);
    return cli_usage_error("unknown command '%s' (see 'merit help')", name);
}

bool cli_parse_uint(const char *text, unsigned long max, unsigned long *out)
{
    if (text == NULL || *text < '0' || *text > '9')
        return false;
    unsigned long v = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        if (v > (max - (unsigned long)(*p - '0')) / 10)
            return false;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    *out = v;
    return true;
}

merit_ctx *cli_context(void)
{
    merit_ctx *ctx = merit_ctx_new();
    if (ctx == NULL)
        return NULL;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = cpus >= 2 ? 2 : 1;
    const char *env = getenv("MERIT_THREADS");
    unsigned long wanted;
    if (env != NULL && *env != '\0' && cli_parse_uint(env, 2, &wanted) && wanted >= 1)
        threads = (unsigned)wanted;
    merit_ctx_set_threads(ctx, threads);
    return ctx;
}

bool cli_limit(const char *command, const char *arg, merit_limits *limits)
{
    const char *eq = arg != NULL ? strchr(arg, '=') : NULL;
    char name[32];
    if (eq != NULL && (size_t)(eq - arg) < sizeof(name)) {
        memcpy(name, arg, (size_t)(eq - arg));
        name[eq - arg] = '\0';
        if (merit_limits_set(limits, name, eq + 1) == 0)
            return true;
    }
    cli_usage_error("%s: --limit takes NAME=VALUE with NAME one of file-size, depth, proposals, "
                    "reviewers, criteria, text, match, diagnostics, and VALUE a positive number "
                    "(K, M, G allowed)",
                    command);
    return false;
}

int cli_ranking_option(const char *command, int argc, char **argv, int *i, cli_ranking *o)
{
    const char *a = argv[*i];
    const char *value = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (strcmp(a, "--method") == 0) {
        if (value == NULL || merit_method_from_name(value, &o->rank.method) != 0) {
            cli_usage_error("%s: --method takes mean, median, trimmed-mean, "
                            "confidence-weighted or z-score",
                            command);
            return -1;
        }
        o->rank.override_method = true;
    } else if (strcmp(a, "--lottery") == 0) {
        /* the seed is recorded in the trail and shown in the reports */
        bool printable = value != NULL && merit_utf8_valid(value, strlen(value));
        for (const char *c = value; printable && *c; c++)
            printable = (unsigned char)*c >= 0x20 && *c != 0x7f;
        if (value == NULL || value[0] == '\0' || strlen(value) > 100 || !printable) {
            cli_usage_error("%s: --lottery takes a seed of 1 to 100 printable characters (UTF-8)",
                            command);
            return -1;
        }
        o->rank.lottery_seed = value;
    } else if (strcmp(a, "--places") == 0) {
        unsigned long n;
        if (!cli_parse_uint(value, 12, &n)) {
            cli_usage_error("%s: --places takes a whole number from 0 to 12", command);
            return -1;
        }
        o->places = (unsigned)n;
    } else if (strcmp(a, "--audit") == 0) {
        if (value == NULL) {
            cli_usage_error("%s: --audit needs a file name", command);
            return -1;
        }
        if (cli_is_stdio(value)) {
            cli_usage_error("%s: --audit needs a file name: the trail is not written to standard "
                            "output ('-'), which takes the report",
                            command);
            return -1;
        }
        o->audit = value;
    } else if (strcmp(a, "--limit") == 0) {
        if (!cli_limit(command, value, &o->limits))
            return -1;
    } else if (strcmp(a, "--resamples") == 0) {
        unsigned long n;
        if (!cli_parse_uint(value, MERIT_MAX_RESAMPLES, &n)) {
            cli_usage_error("%s: --resamples takes a whole number from 0 (no intervals) to %u",
                            command, MERIT_MAX_RESAMPLES);
            return -1;
        }
        o->rank.resamples = (size_t)n;
        o->given |= MERIT_AUDIT_GIVEN_RESAMPLES;
    } else if (strcmp(a, "--level") == 0) {
        unsigned long n;
        if (!cli_parse_uint(value, 99, &n) || n < 50) {
            cli_usage_error("%s: --level takes a whole number of percent from 50 to 99", command);
            return -1;
        }
        o->rank.level = (unsigned)n;
        o->given |= MERIT_AUDIT_GIVEN_LEVEL;
    } else if (strcmp(a, "--seed") == 0) {
        size_t len = value != NULL ? strlen(value) : 0;
        bool printable = len >= 1 && len <= 100;
        for (size_t k = 0; k < len && printable; k++)
            printable = value[k] >= 0x20 && value[k] <= 0x7e;
        if (!printable) {
            cli_usage_error("%s: --seed takes 1 to 100 printable ASCII characters", command);
            return -1;
        }
        o->rank.seed = value;
        o->given |= MERIT_AUDIT_GIVEN_SEED;
    } else {
        return 0;
    }
    (*i)++;
    return 1;
}

int cli_calldir_stdin(const char *command)
{
    return cli_usage_error("%s: a call is a folder (or its call.xml), which standard input "
                           "('-') cannot be",
                           command);
}

bool cli_is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

static char *usage_capture;
static size_t usage_capture_size;

void cli_usage_capture(char *buf, size_t size)
{
    usage_capture = size > 0 ? buf : NULL;
    usage_capture_size = size;
    if (usage_capture != NULL)
        usage_capture[0] = '\0';
}

/* prefix, then the formatted line escaped as a name is (it quotes
 * arguments, paths and ids as they were given), then a newline. */
static void print_escaped(FILE *out, const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void print_escaped(FILE *out, const char *prefix, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *raw = n >= 0 ? malloc((size_t)n + 1) : NULL;
    char *shown = NULL;
    if (raw != NULL) {
        vsnprintf(raw, (size_t)n + 1, fmt, ap);
        shown = merit_escape(raw, 0);
    }
    /* a line of standard output goes out before the next diagnostic, as
     * on a terminal, when both go to one file (merit validate C > log 2>&1) */
    if (out == stderr)
        fflush(stdout);
    if (shown != NULL)
        fprintf(out, "%s%s\n", prefix, shown);
    else
        fputs("merit: error: out of memory\n", stderr);
    free(raw);
    free(shown);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (usage_capture != NULL) {
        if (usage_capture[0] == '\0')
            vsnprintf(usage_capture, usage_capture_size, fmt, ap);
        va_end(ap);
        return EXIT_USAGE;
    }
    print_escaped(stderr, "merit: error: ", fmt, ap);
    va_end(ap);
    return EXIT_USAGE;
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_escaped(stderr, "merit: error: ", fmt, ap);
    va_end(ap);
}

void cli_print_line(FILE *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_escaped(out, "", fmt, ap);
    va_end(ap);
}

void cli_summary(FILE *out, const char *fmt, ...)
{
    if (cli_global.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    print_escaped(out, "", fmt, ap);
    va_end(ap);
}

/* `merit rank CALL > CALL/call.xml`: the shell emptied the input before
 * merit started, and merit can only find it empty. Says why, once, when a
 * file some diagnostic names is standard output itself. */
static void note_standard_output_was_an_input(const merit_ctx *ctx)
{
    struct stat out, st;
    if (fstat(STDOUT_FILENO, &out) != 0 || !S_ISREG(out.st_mode))
        return;
    const char *last = NULL;
    size_t n = merit_ctx_diag_count(ctx);
    for (size_t i = 0; i < n && i < 1000; i++) {
        const char *file = merit_ctx_diag(ctx, i)->file;
        if (file == NULL || file[0] == '\0' || (last != NULL && strcmp(file, last) == 0))
            continue;
        last = file;
        if (stat(file, &st) == 0 && st.st_dev == out.st_dev && st.st_ino == out.st_ino) {
            cli_print_line(stderr,
                           "merit: note: standard output is '%s', an input of this run: the "
                           "shell emptied it before merit started; never send output onto an "
                           "input",
                           file);
            return;
        }
    }
}

void cli_print_diags(const merit_ctx *ctx)
{
    size_t n = merit_ctx_diag_count(ctx);
    if (n > 0)
        fflush(stdout);    /* the summary lines before, as on a terminal */
    bool attached = false; /* a note after an error or a warning belongs to it */
    for (size_t i = 0; i < n; i++) {
        merit_diag d = *merit_ctx_diag(ctx, i);
        if (d.severity != MERIT_SEVERITY_NOTE)
            attached = true;
        else if (cli_global.quiet && !attached)
            continue; /* -q: a note of its own says what went right */
        if (d.file != NULL && strcmp(d.file, "-") == 0)
            d.file = "<stdin>"; /* as GCC names it */
        char *line = merit_diag_format(&d);
        if (line == NULL) {
            fputs("merit: error: out of memory\n", stderr);
            continue;
        }
        fprintf(stderr, "%s\n", line);
        free(line);
    }
    note_standard_output_was_an_input(ctx);
}

int cli_exit_code(const merit_ctx *ctx, int rc)
{
    bool io = rc == MERIT_EIO, invalid = rc == MERIT_EINVALID || rc == MERIT_ELIMIT;
    bool diverged = rc == MERIT_EDIVERGED;
    size_t n = merit_ctx_diag_count(ctx);
    for (size_t i = 0; i < n; i++) {
        const merit_diag *d = merit_ctx_diag(ctx, i);
        if (d->severity != MERIT_SEVERITY_ERROR)
            continue;
        if (d->kind == MERIT_DIAG_IO)
            io = true;
        else if (d->kind == MERIT_DIAG_DIVERGED)
            diverged = true;
        else
            invalid = true;
    }
    if (rc == MERIT_ENOMEM || merit_ctx_out_of_memory(ctx)) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    if (diverged)
        return EXIT_REPLAY_DIVERGED;
    if (io)
        return EXIT_IO;
    if (invalid || merit_ctx_error_count(ctx) > 0)
        return EXIT_INVALID;
    return EXIT_CLEAN;
}

/* What the command printed on standard output must have reached it: a
 * full disk or a closed stream is an I/O error, not a silent success. */
static int check_stdout(int code)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return code;
    fprintf(stderr, "merit: error: cannot write to standard output: %s\n",
            strerror(errno ? errno : EIO));
    return code == EXIT_CLEAN || code == EXIT_INVALID ? EXIT_IO : code;
}

int main(int argc, char **argv)
{
    cli_reserve_standard_streams();
    merit_numbers_use_pool();
    /* merit [-q] [--color WHEN] COMMAND ... */
    int first = 1;
    while (first < argc) {
        int taken = cli_global_option("", argc, argv, &first);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken == 0)
            break;
        first++;
    }
    if (first >= argc) {
        print_help(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[first];
    if (cli_is_help(name)) {
        print_help(stdout);
        return check_stdout(EXIT_CLEAN);
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0 || strcmp(name, "version") == 0) {
        if (first + 1 < argc && strcmp(name, "version") == 0 && !cli_is_help(argv[first + 1]))
            return cli_usage_error("version: takes no argument ('%s')", argv[first + 1]);
        if (first + 1 < argc && strcmp(name, "version") == 0) {
            return check_stdout(version_help());
        }
        if (first + 1 < argc)
            return cli_usage_error("%s takes no argument ('%s')", name, argv[first + 1]);
        return check_stdout(print_version());
    }
    if (strcmp(name, "help") == 0) {
        /* merit help: the top-level help; merit help COMMAND: its --help */
        if (first + 1 >= argc || cli_is_help(argv[first + 1])) {
            print_help(stdout);
            return check_stdout(EXIT_CLEAN);
        }
        if (first + 2 < argc)
            return cli_usage_error("help: one command at a time ('%s' and '%s')", argv[first + 1],
                                   argv[first + 2]);
        const char *topic = argv[first + 1];
        if (strcmp(topic, "help") == 0) {
            print_help(stdout);
            return check_stdout(EXIT_CLEAN);
        }
        if (strcmp(topic, "version") == 0) {
            return check_stdout(version_help());
        }
        const cli_command *c = find_command(topic);
        if (c == NULL)
            return unknown_command(topic);
        char help_word[] = "--help";
        char *help_argv[] = {(char *)(uintptr_t)c->name, help_word, NULL};
        return check_stdout(c->run(2, help_argv));
    }
    const cli_command *c = find_command(name);
    if (c == NULL)
        return unknown_command(name);
    int cargc;
    char **cargv;
    int code = cli_normalise(argc - first, argv + first, &cargc, &cargv);
    if (code != EXIT_CLEAN)
        return code;
    code = check_stdout(c->run(cargc, cargv));
    cli_normalised_free();
    return code;
}
