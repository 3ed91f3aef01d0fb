/*
 * The conventions every command shares (docs/cli.md, "Conventions"): the
 * command line is put into one shape before a command reads it, so that
 * each command's parser knows only `--opt value`:
 *
 *  - `--opt=value` becomes `--opt value` for an option that takes a value
 *    (the table below, per command); a flag given `=value` is a usage
 *    error, never a flag plus a stray argument; an unknown `--x=y` stays
 *    as it is, for the command to refuse by its own name;
 *  - the options of every command, `-q`/`--quiet` and `--color WHEN`, are
 *    taken out and kept in cli_global;
 *  - nothing after `--` is touched, nor the value of an option.
 *
 * The audit trail records the command in this shape (docs/audit.md):
 * `--format=json` as `--format json`, without -q and --color, which change
 * no byte of a report but colour.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

cli_globals cli_global = {.color = CLI_COLOR_AUTO};

/* The normalised command line and the option names split off it. */
static char **normalised;
static char **split_names;
static size_t name_count;

/* The options of rank, explain, summary, panel and stats that take a value
 * (cli_ranking_option). */
#define RANKING_VALUES                                                                             \
    "--method", "--lottery", "--places", "--audit", "--limit", "--resamples", "--level", "--seed"

struct command_options {
    const char *command;
    const char *values[24]; /* options that take a value; NULL ends */
    const char *flags[8];   /* options that take none; NULL ends */
};

static const struct command_options table[] = {
    {"init",
     {"--rubric", "--id", "--title", "--currency", "--budget", "--reviewers"},
     {"--copy-rubric"}},
    {"validate", {"--call", "--assignment", "--limit"}, {0}},
    {"rank",
     {RANKING_VALUES, "--format", "-o", "--output", "--width", "--top", "--around-line"},
     {"--detail", "--keep-going"}},
    {"explain", {RANKING_VALUES, "--against", "--assignment", "--bids", "--max-load"}, {"--full"}},
    {"replay", {"--limit"}, {0}},
    {"diff", {0}, {0}},
    {"summary", {RANKING_VALUES, "-o", "--output", "--format"}, {0}},
    {"panel", {RANKING_VALUES, "-o", "--output", "--format"}, {0}},
    {"stats", {RANKING_VALUES, "-o", "--output", "--format"}, {0}},
    {"assign",
     {"-o", "--output", "--per-proposal", "--max-load", "--explain", "--limit", "--bids"},
     {0}},
    {"sheets", {"-o", "--output", "--assignment", "--limit"}, {0}},
    {"import",
     {"--call", "-o", "--output", "--ignore", "--reviewer-prefix", "--request", "--wide",
      "--column", "--confidence", "--limit"},
     {"--long", "--csv", "--tsv"}},
    {"schema", {0}, {0}},
    {"keygen", {"-o", "--output"}, {0}},
    {"sign", {"--key", "-k"}, {0}},
};

static bool listed(const char *const *names, size_t count, const char *name, size_t len)
{
    for (size_t i = 0; i < count && names[i] != NULL; i++)
        if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
            return true;
    return false;
}

static const struct command_options *options_of(const char *command)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(table[i].command, command) == 0)
            return &table[i];
    return NULL;
}

bool cli_takes_value(const char *command, const char *option)
{
    const struct command_options *o = options_of(command);
    return o != NULL &&
           listed(o->values, sizeof(o->values) / sizeof(o->values[0]), option, strlen(option));
}

static int cli_color_option(const char *where, const char *value)
{
    if (value != NULL && strcmp(value, "auto") == 0)
        cli_global.color = CLI_COLOR_AUTO;
    else if (value != NULL && strcmp(value, "always") == 0)
        cli_global.color = CLI_COLOR_ALWAYS;
    else if (value != NULL && strcmp(value, "never") == 0)
        cli_global.color = CLI_COLOR_NEVER;
    else
        return cli_usage_error("%s--color takes auto, always or never", where);
    return EXIT_CLEAN;
}

int cli_global_option(const char *where, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
        cli_global.quiet = true;
        return 1;
    }
    if (strncmp(a, "--quiet=", 8) == 0) {
        cli_usage_error("%s--quiet takes no value", where);
        return -1;
    }
    if (strncmp(a, "--color=", 8) == 0)
        return cli_color_option(where, a + 8) == EXIT_CLEAN ? 1 : -1;
    if (strcmp(a, "--color") == 0) {
        const char *value = *i + 1 < argc ? argv[*i + 1] : NULL;
        if (cli_color_option(where, value) != EXIT_CLEAN)
            return -1;
        (*i)++;
        return 1;
    }
    return 0;
}

int cli_normalise(int argc, char **argv, int *argc_out, char ***argv_out)
{
    const char *command = argv[0];
    const struct command_options *o = options_of(command);
    size_t nvalues = sizeof(o->values) / sizeof(o->values[0]);
    size_t nflags = sizeof(o->flags) / sizeof(o->flags[0]);
    /* at most one word more for each word */
    char **out = calloc((size_t)argc * 2 + 1, sizeof(char *));
    split_names = calloc((size_t)argc, sizeof(char *));
    if (out == NULL || split_names == NULL) {
        free(out);
        out = NULL;
        cli_error("out of memory");
        return EXIT_IO;
    }
    char where[40];
    snprintf(where, sizeof(where), "%s: ", command);
    int n = 0;
    out[n++] = argv[0];
    bool done = false; /* after "--": arguments only */
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (done || a[0] != '-' || a[1] == '\0') {
            out[n++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            done = true;
            out[n++] = a;
            continue;
        }
        int taken = cli_global_option(where, argc, argv, &i);
        if (taken < 0) {
            normalised = out;
            cli_normalised_free();
            return EXIT_USAGE;
        }
        if (taken > 0)
            continue;
        char *eq = strchr(a, '=');
        if (o != NULL && listed(o->values, nvalues, a, strlen(a))) {
            out[n++] = a; /* its value, whatever it looks like, follows */
            if (i + 1 < argc)
                out[n++] = argv[++i];
            continue;
        }
        if (o != NULL && eq != NULL && a[1] == '-') {
            size_t len = (size_t)(eq - a);
            if (listed(o->values, nvalues, a, len)) {
                /* the name as its own word: a copy, freed by cli_normalised_free */
                char *name = strndup(a, len);
                if (name == NULL) {
                    normalised = out;
                    cli_normalised_free();
                    cli_error("out of memory");
                    return EXIT_IO;
                }
                split_names[name_count++] = name;
                out[n++] = name;
                out[n++] = eq + 1;
                continue;
            }
            if (listed(o->flags, nflags, a, len) || (len == 6 && strncmp(a, "--help", 6) == 0)) {
                normalised = out;
                cli_normalised_free();
                return cli_usage_error("%s%.*s takes no value ('%s')", where, (int)len, a, a);
            }
        }
        out[n++] = a;
    }
    out[n] = NULL;
    normalised = out;
    *argc_out = n;
    *argv_out = out;
    return EXIT_CLEAN;
}

void cli_normalised_free(void)
{
    for (size_t i = 0; i < name_count; i++)
        free(split_names[i]);
    free(split_names);
    free(normalised);
    split_names = normalised = NULL;
    name_count = 0;
}

bool cli_colour(int fd)
{
    if (cli_global.color != CLI_COLOR_AUTO)
        return cli_global.color == CLI_COLOR_ALWAYS;
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    if (no_color != NULL && no_color[0] != '\0')
        return false;
    if (term != NULL && strcmp(term, "dumb") == 0)
        return false;
    return isatty(fd) == 1;
}
