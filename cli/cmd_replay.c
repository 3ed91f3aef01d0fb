/* merit replay AUDITFILE [CALLDIR] */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "merit/audit.h"

static void help(FILE *out)
{
    fprintf(
        out,
        "usage: merit replay AUDITFILE [CALLDIR]\n\n"
        "Checks an audit trail written by 'merit rank --audit' or 'merit explain --audit':\n"
        "that no line of it was edited, removed or reordered (each line records the hash\n"
        "of the one before), that its recorded command line says what its recorded\n"
        "settings say, that every input file is unchanged (a changed, missing or extra\n"
        "file is named with both hashes), and that re-running the whole calculation with\n"
        "the recorded settings and limits reproduces every step. CALLDIR defaults to the\n"
        "folder the trail records. Reports the trail lists are re-hashed when found.\n\n"
        "options:\n"
        "  --limit file-size=N  the largest trail to read (default 512M); the\n"
        "                 recomputation uses the limits the trail records\n\n"
        "When an input or a step differs, notes then say what changed: each score that\n"
        "differs (proposal, criterion, reviewer, recorded -> recomputed), then the\n"
        "aggregates, totals, ranks, statuses and funding it moved (as 'merit "
        "diff').\n\n" CLI_STDIN_HELP(
            "AUDITFILE") "exit status: 0 identical (every input, step and report checked), 4 "
                         "diverged\n"
                         "(the first divergence is printed: the step, the recorded and the "
                         "recomputed\n"
                         "value), 5 every input and step reproduced but a report not checked (not\n"
                         "found), 6 an input changed but every score and step reproduces (a "
                         "comment,\n"
                         "spaces), 1 invalid input, 2 usage, 3 I/O\n");
}

/* A malloc'd message (NULL when out of memory: the replay then reports the
 * header without the detail). */
static char *say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s == NULL)
        return strdup("out of memory while checking it");
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* The call file the command's CALLDIR names if it is the folder the header
 * records: call.xml in that folder, or a file in it named by its path (as
 * merit_call_load takes a path that is not a folder). NULL when it is not
 * that folder. */
static const char *call_file_of(const char *given, const char *dir)
{
    if (strcmp(given, dir) == 0)
        return "call.xml";
    const char *slash = strrchr(given, '/');
    if (slash == NULL)
        return strcmp(dir, ".") == 0 ? given : NULL;
    size_t len = (size_t)(slash - given) + (slash == given);
    if (strlen(dir) != len || strncmp(given, dir, len) != 0 || slash[1] == '\0')
        return NULL;
    return slash + 1;
}

static const char *method_of(const cli_args *a)
{
    return merit_method_name(a->common.rank.method);
}

/*
 * The replay's check of a trail's header: the recorded command line,
 * re-parsed by the parser the command itself uses, must ask for exactly
 * the settings the header records (the method and where it came from, the
 * rank intervals' resamples, level and seed,
 * places, keep-going, every limit, the trail's and the report's names and
 * the report's format). The library knows no command-line syntax; this is
 * the one place that knows both. For a trail of format 1, which records no
 * limits, the command's limits are what the recomputation uses.
 */
static char *check_command(void *user, merit_replay_header *h)
{
    (void)user;
    const merit_audit_info *in = &h->info;
    bool rank =
        in->argc >= 2 && strcmp(in->argv[0], "merit") == 0 && strcmp(in->argv[1], "rank") == 0;
    bool explain =
        in->argc >= 2 && strcmp(in->argv[0], "merit") == 0 && strcmp(in->argv[1], "explain") == 0;
    if (!rank && !explain)
        return say("the recorded command is not 'merit rank' or 'merit explain', the commands "
                   "that write a trail");
    cli_args a;
    char err[512];
    cli_usage_capture(err, sizeof(err));
    char **argv = (char **)(uintptr_t)(in->argv + 1);
    int code =
        rank ? cli_rank_args(in->argc - 1, argv, &a) : cli_explain_args(in->argc - 1, argv, &a);
    cli_usage_capture(NULL, 0);
    if (code != EXIT_CLEAN)
        return say("the recorded command does not parse (%s)", err);
    if (a.help)
        return say("the recorded command asks for --help, which writes no trail");
    if (a.calldir == NULL || (explain && a.id == NULL))
        return say("the recorded command names no call folder%s", explain ? " or proposal" : "");
    const char *call_file = call_file_of(a.calldir, h->call_dir);
    if (call_file == NULL)
        return say("the recorded command ranks the call in '%s', the header records the folder "
                   "'%s'",
                   a.calldir, h->call_dir);
    if (h->call_file != NULL && strcmp(call_file, h->call_file) != 0)
        return say("the recorded command reads the call file '%s', the trail records '%s'",
                   call_file, h->call_file);
    if (a.common.audit == NULL)
        return say("the recorded command writes no trail (it has no --audit)");
    if (h->format >= 2 && (in->audit_path == NULL || strcmp(a.common.audit, in->audit_path) != 0))
        return say("the recorded command writes the trail to '%s', the header records '%s'",
                   a.common.audit, in->audit_path ? in->audit_path : "(none)");
    if (a.common.rank.override_method != in->method_overridden ||
        (in->method_overridden && a.common.rank.method != h->method)) {
        char cmd[64];
        if (a.common.rank.override_method)
            snprintf(cmd, sizeof(cmd), "sets --method %s", method_of(&a));
        else
            snprintf(cmd, sizeof(cmd), "has no --method");
        return say("the recorded command %s, the header records method '%s' from %s", cmd,
                   merit_method_name(h->method),
                   in->method_overridden ? "the command line" : "the rubric");
    }
    const char *seed = a.common.rank.lottery_seed;
    if (h->format >= 3 && (seed == NULL) != (h->lottery_seed == NULL))
        return say(
            "the recorded command %s --lottery, the header records %s", seed ? "has" : "has no",
            h->lottery_seed ? "a seed from the command line" : "no seed from the command line");
    if (h->format >= 3 && seed != NULL && strcmp(seed, h->lottery_seed) != 0)
        return say("the recorded command draws the lottery with the seed '%s', the header records "
                   "'%s'",
                   seed, h->lottery_seed);
    if (a.common.places != in->places)
        return say("the recorded command shows %u places, the header records %u", a.common.places,
                   in->places);
    /* the rank intervals (format 3; an older trail computed none) */
    size_t resamples = h->format >= 3 ? a.common.rank.resamples : 0;
    unsigned level = a.common.rank.level != 0 ? a.common.rank.level : MERIT_DEFAULT_LEVEL;
    if (h->format >= 3 && a.common.given != in->intervals_given)
        return say("the recorded command gives %s of --resamples, --level and --seed than the "
                   "header records as from the command line",
                   a.common.given > in->intervals_given ? "more" : "others");
    if (resamples != h->resamples)
        return say("the recorded command asks for %zu resamples, the header records %zu", resamples,
                   h->resamples);
    if (resamples > 0 && level != h->level)
        return say("the recorded command asks for a %u%% level, the header records %u%%", level,
                   h->level);
    if (resamples > 0 && a.common.rank.seed != NULL &&
        (h->seed == NULL || strcmp(a.common.rank.seed, h->seed) != 0))
        return say("the recorded command sets the seed '%s', the header records '%s'",
                   a.common.rank.seed, h->seed != NULL ? h->seed : "(none)");
    if (a.keep_going != in->keep_going)
        return say("the recorded command %s --keep-going, the header records keep_going %s",
                   a.keep_going ? "has" : "has no", in->keep_going ? "true" : "false");
    merit_limits given = a.common.limits; /* zero: not named by --limit */
    merit_limits_fill(&a.common.limits);
    if (h->format < 2) {
        h->limits = a.common.limits; /* format 1 records none but the command's */
    } else {
        for (const char *const *n = merit_limit_names(); *n != NULL; n++) {
            unsigned long long c = merit_limits_get(&a.common.limits, *n);
            unsigned long long r = merit_limits_get(&h->limits, *n);
            if (c != r)
                return say("the recorded command %s the limit '%s' %s %llu, the header records "
                           "%llu",
                           merit_limits_get(&given, *n) != 0 ? "sets" : "leaves", *n,
                           merit_limits_get(&given, *n) != 0 ? "to" : "at its default,", c, r);
        }
    }
    if (in->report_count != 1)
        return say("the recorded command writes one report, the trail lists %zu", in->report_count);
    const char *output = a.output != NULL ? a.output : "-";
    if (strcmp(in->reports[0].path, output) != 0)
        return say("the recorded command writes its report to '%s', the trail records '%s'", output,
                   in->reports[0].path);
    if (strcmp(in->reports[0].format, a.format) != 0)
        return say("the recorded command writes a report in the format '%s', the trail records "
                   "'%s'",
                   a.format, in->reports[0].format);
    return NULL;
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
            const char *value = i + 1 < argc ? argv[i + 1] : NULL;
            /* the recomputation uses the recorded limits: only the trail
             * itself has a limit of its own here */
            if (value != NULL && strncmp(value, "file-size=", 10) != 0 &&
                strchr(value, '=') != NULL)
                return cli_usage_error("replay: --limit takes only file-size (the largest trail "
                                       "to read): the recomputation uses the limits the trail "
                                       "records");
            if (!cli_limit("replay", value, &limits))
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
    if (calldir != NULL && cli_is_stdio(calldir))
        return cli_calldir_stdin("replay");
    const char *shown = cli_is_stdio(trail) ? "<stdin>" : trail; /* as diagnostics name it */
    merit_ctx *ctx = cli_context();
    if (ctx == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    merit_ctx_set_limits(ctx, &limits);
    merit_replay_summary summary;
    merit_replay_options options = {.calldir = calldir, .check = check_command};
    int rc = merit_replay_with(ctx, trail, &options, &summary);
    cli_print_diags(ctx);
    int code = cli_exit_code(ctx, rc);
    if (code == EXIT_CLEAN && summary.outcome == MERIT_REPLAY_UNCHECKED) {
        /* "identical" only when everything recorded was checked */
        cli_summary(stdout,
                    "%s: replay identical except %zu report%s not checked: %zu records, %zu "
                    "input files unchanged, %zu steps reproduced, %zu report%s re-hashed",
                    shown, summary.reports_unchecked, summary.reports_unchecked == 1 ? "" : "s",
                    summary.records, summary.inputs, summary.steps, summary.reports,
                    summary.reports == 1 ? "" : "s");
        code = EXIT_REPLAY_UNCHECKED;
    } else if (code == EXIT_CLEAN) {
        cli_summary(stdout,
                    "%s: replay identical: %zu records, %zu input files unchanged, %zu steps "
                    "reproduced, %zu report%s re-hashed",
                    shown, summary.records, summary.inputs, summary.steps, summary.reports,
                    summary.reports == 1 ? "" : "s");
    } else if (code == EXIT_REPLAY_DIVERGED && summary.outcome == MERIT_REPLAY_TEXT_ONLY) {
        cli_summary(stdout,
                    "%s: replay reproduced every step, but %zu input file%s changed outside "
                    "the scores: %zu records, %zu steps reproduced, %zu report%s re-hashed, "
                    "%zu not checked",
                    shown, summary.inputs_changed, summary.inputs_changed == 1 ? "" : "s",
                    summary.records, summary.steps, summary.reports,
                    summary.reports == 1 ? "" : "s", summary.reports_unchecked);
        code = EXIT_REPLAY_TEXT_ONLY;
    }
    merit_ctx_free(ctx);
    return code;
}
