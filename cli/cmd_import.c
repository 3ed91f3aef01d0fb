/* merit import scores --call CALLDIR -o DIR [options] TABLE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "merit/import.h"
#include "merit/table.h"

static void help(FILE *out)
{
    fprintf(out, "usage: merit import scores --call CALLDIR -o DIR [options] TABLE\n\n"
                 "Reads scores from a spreadsheet saved as CSV or TSV (UTF-8) and writes one\n"
                 "score sheet per reviewer into DIR (DIR/r1.xml), checked against the call:\n"
                 "every bad cell is reported as TABLE:ROW:COLUMN: error: MESSAGE, all in one\n"
                 "run, and nothing is written if any cell is bad.\n\n"
                 "layouts (the header row names the columns):\n"
                 "  --long              one row per score: reviewer, proposal, criterion, score,\n"
                 "                      and optionally confidence, comment, no_score_reason,\n"
                 "                      review_comment (the default; the columns of merit\n"
                 "                      rank --format csv --detail)\n"
                 "  --wide criteria     one row per review: reviewer, proposal, a column per\n"
                 "                      criterion (its id), and optionally confidence, comment\n"
                 "  --wide reviewers    one row per proposal: proposal, then a column per\n"
                 "                      reviewer (its id), for a rubric of one criterion; an\n"
                 "                      empty cell is no review\n\n"
                 "options:\n"
                 "  --call CALLDIR      the call the scores are for (its rubric and panel)\n"
                 "  -o DIR, --output DIR  the folder to write: a new one, or an empty one\n"
                 "  --column ROLE=NAME  the column of ROLE (one of the names above) is\n"
                 "                      headed NAME\n"
                 "  --ignore NAME       leave out the column headed NAME (repeatable)\n"
                 "  --reviewer-prefix P with --wide reviewers: a column headed H holds the\n"
                 "                      scores of reviewer P+H (anonymous slots 0, 1, ...)\n"
                 "  --confidence N      the confidence (1-5) of a review the table gives none\n"
                 "  --csv, --tsv        the separator; default: TSV for a .tsv or .tab file,\n"
                 "                      else CSV\n" CLI_LIMIT_HELP "\n"
                 "exit status: 0 written, 1 invalid input, 2 usage, 3 I/O error\n");
}

static bool ends_with(const char *s, const char *end)
{
    size_t n = strlen(s), m = strlen(end);
    return n >= m && strcmp(s + n - m, end) == 0;
}

char cli_table_separator(const char *path)
{
    static const char *const tsv[] = {".tsv", ".tab", ".TSV", ".TAB"};
    for (size_t i = 0; i < sizeof(tsv) / sizeof(tsv[0]); i++)
        if (ends_with(path, tsv[i]))
            return '\t';
    return ',';
}

static int write_sheets(const merit_import *imp, const char *dir)
{
    cli_outdir d;
    int code = cli_outdir_begin("import", dir, &d);
    if (code != EXIT_CLEAN)
        return code;
    for (size_t i = 0; i < merit_import_sheet_count(imp); i++) {
        const char *id = merit_import_sheet_reviewer(imp, i);
        char *name = malloc(strlen(id) + 5);
        if (name == NULL || id[0] == '.' || strchr(id, '/') != NULL) {
            if (name == NULL)
                fputs("merit: error: out of memory\n", stderr);
            else
                cli_error("import: reviewer id '%s' cannot name a file", id);
            free(name);
            cli_outdir_abort(&d);
            return name == NULL ? EXIT_IO : EXIT_INVALID;
        }
        memcpy(name, id, strlen(id));
        memcpy(name + strlen(id), ".xml", 5);
        FILE *f = cli_outdir_open(&d, name);
        free(name);
        if (f == NULL) {
            cli_outdir_abort(&d);
            return EXIT_IO;
        }
        int werr = merit_import_sheet_write(f, imp, i);
        if (cli_outdir_close(&d, f, werr) != EXIT_CLEAN) {
            cli_outdir_abort(&d);
            return EXIT_IO;
        }
    }
    return cli_outdir_commit(&d);
}

int cmd_import(int argc, char **argv)
{
    merit_limits limits = {0};
    merit_import_options o = {0};
    const char *calldir = NULL, *dir = NULL, *table_path = NULL;
    char separator = 0;
    const char **ignore = calloc((size_t)argc, sizeof(*ignore));
    if (ignore == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    o.ignore = ignore;
    int code = EXIT_CLEAN;
    bool kind_given = false;
    for (int i = 1; i < argc && code == EXIT_CLEAN; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (cli_is_help(a)) {
            free(ignore);
            help(stdout);
            return EXIT_CLEAN;
        } else if (!kind_given && a[0] != '-') {
            if (strcmp(a, "scores") != 0)
                code = cli_usage_error("import: merit imports 'scores' (a table of proposals "
                                       "comes with the neutral proposal format), not '%s'",
                                       a);
            kind_given = true;
        } else if (strcmp(a, "--call") == 0 || strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ||
                   strcmp(a, "--ignore") == 0 || strcmp(a, "--reviewer-prefix") == 0) {
            if (value == NULL || value[0] == '\0') {
                code = cli_usage_error("import: %s needs a value", a);
                break;
            }
            if (strcmp(a, "--call") == 0)
                calldir = value;
            else if (strcmp(a, "--ignore") == 0)
                ignore[o.ignore_count++] = value;
            else if (strcmp(a, "--reviewer-prefix") == 0)
                o.reviewer_prefix = value;
            else
                dir = value;
            i++;
        } else if (strcmp(a, "--long") == 0) {
            o.layout = MERIT_IMPORT_LONG;
        } else if (strcmp(a, "--wide") == 0) {
            if (value != NULL && strcmp(value, "criteria") == 0)
                o.layout = MERIT_IMPORT_WIDE_CRITERIA;
            else if (value != NULL && strcmp(value, "reviewers") == 0)
                o.layout = MERIT_IMPORT_WIDE_REVIEWERS;
            else
                code = cli_usage_error("import: --wide takes criteria or reviewers");
            i++;
        } else if (strcmp(a, "--column") == 0) {
            const char *eq = value != NULL ? strchr(value, '=') : NULL;
            char role[32];
            int r = -1;
            if (eq != NULL && (size_t)(eq - value) < sizeof(role)) {
                memcpy(role, value, (size_t)(eq - value));
                role[eq - value] = '\0';
                r = merit_import_role_from_name(role);
            }
            if (r < 0 || eq[1] == '\0')
                code = cli_usage_error("import: --column takes ROLE=NAME with ROLE one of "
                                       "reviewer, proposal, criterion, score, confidence, "
                                       "comment, no_score_reason, review_comment");
            else
                o.columns[r] = eq + 1;
            i++;
        } else if (strcmp(a, "--confidence") == 0) {
            unsigned long n;
            if (!cli_parse_uint(value, 5, &n) || n == 0)
                code = cli_usage_error("import: --confidence takes a whole number from 1 to 5");
            else
                o.confidence = (uint8_t)n;
            i++;
        } else if (strcmp(a, "--csv") == 0 || strcmp(a, "--tsv") == 0) {
            separator = a[2] == 't' ? '\t' : ',';
        } else if (strcmp(a, "--limit") == 0) {
            if (!cli_limit("import", value, &limits))
                code = EXIT_USAGE;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            code = cli_usage_error("import: unknown option '%s'", a);
        } else if (table_path != NULL) {
            code = cli_usage_error("import: one table at a time ('%s' and '%s')", table_path, a);
        } else {
            table_path = a;
        }
    }
    if (code != EXIT_CLEAN) {
        free(ignore);
        return code;
    }
    if (!kind_given || calldir == NULL || dir == NULL || table_path == NULL) {
        free(ignore);
        help(stderr);
        return EXIT_USAGE;
    }
    if (o.reviewer_prefix != NULL && o.layout != MERIT_IMPORT_WIDE_REVIEWERS) {
        free(ignore);
        return cli_usage_error("import: --reviewer-prefix goes with --wide reviewers");
    }
    if (separator == 0)
        separator = cli_table_separator(table_path);
    merit_ctx *ctx = cli_context();
    if (ctx == NULL) {
        free(ignore);
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    merit_ctx_set_limits(ctx, &limits);
    merit_ctx_set_keep_comments(ctx, false);
    merit_call *call = NULL;
    merit_table *table = NULL;
    merit_import *imp = NULL;
    int rc = merit_call_load(ctx, calldir, &call);
    if (rc == 0)
        rc = merit_table_read(ctx, table_path, separator, &table);
    if (rc == 0)
        rc = merit_import_scores(ctx, call, table, &o, &imp);
    cli_print_diags(ctx);
    code = cli_exit_code(ctx, rc);
    if (rc == 0) {
        code = write_sheets(imp, dir);
        if (code == EXIT_CLEAN)
            cli_print_line(stdout,
                           "%s: %zu score sheet%s for call %s from %s: %zu reviews, %zu scores",
                           dir, merit_import_sheet_count(imp),
                           merit_import_sheet_count(imp) == 1 ? "" : "s", call->id, table_path,
                           merit_import_review_count(imp), merit_import_score_count(imp));
    }
    merit_import_free(imp);
    merit_table_free(table);
    merit_call_free(call);
    merit_ctx_free(ctx);
    free(ignore);
    return code;
}
