/*
 * merit import scores --call CALLDIR -o DIR [options] TABLE
 * merit import proposals --call CALLDIR -o DIR [options] TABLE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "merit/import.h"
#include "merit/number.h"
#include "merit/schemas.h"
#include "merit/table.h"

static void help(FILE *out)
{
    fprintf(out, "usage: merit import scores --call CALLDIR -o DIR [options] TABLE\n"
                 "       merit import proposals --call CALLDIR -o DIR [options] TABLE\n\n"
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
                 "merit import proposals reads one proposal a row and writes them as one\n"
                 "bundle, DIR/TABLE.xml (papers.csv: DIR/papers.xml), checked against the\n"
                 "call: its id, its proposals (an id is new), what its rubric requires.\n"
                 "columns: id, title, and optionally applicant, area, request (the amount),\n"
                 "months, section:NAME (the text of section NAME), fact:NAME (a declared\n"
                 "fact, a number); a row of empty cells is skipped.\n"
                 "  --column ROLE=NAME  the column of ROLE (id, title, applicant, area,\n"
                 "                      request, months, section:NAME, fact:NAME) is headed\n"
                 "                      NAME; two roles may read one column (title=id)\n"
                 "  --request AMOUNT    the amount a proposal requests when the table gives\n"
                 "                      none (no request column, or an empty cell)\n"
                 "  --ignore, --csv, --tsv, --limit as above\n\n" CLI_STDIN_HELP(
                     "TABLE") "exit status: 0 written, 1 invalid input, 2 usage, 3 I/O error\n");
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

/* The bundle's file name: the table's, with .xml for its extension
 * (papers.csv: papers.xml); "proposals.xml" when that leaves nothing or a
 * hidden name. malloc'd; NULL when out of memory. */
static char *bundle_name(const char *table_path)
{
    if (cli_is_stdio(table_path)) /* standard input has no name to take */
        return strdup("proposals.xml");
    const char *base = strrchr(table_path, '/');
    base = base != NULL ? base + 1 : table_path;
    const char *dot = strrchr(base, '.');
    size_t stem = dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base);
    if (stem == 0 || base[0] == '.')
        return strdup("proposals.xml");
    char *name = malloc(stem + 5);
    if (name != NULL) {
        memcpy(name, base, stem);
        memcpy(name + stem, ".xml", 5);
    }
    return name;
}

static int write_bundle(const merit_proposal_import *imp, const char *dir, const char *name)
{
    cli_outdir d;
    int code = cli_outdir_begin("import", dir, &d);
    if (code != EXIT_CLEAN)
        return code;
    FILE *f = cli_outdir_open(&d, name);
    if (f == NULL) {
        cli_outdir_abort(&d);
        return EXIT_IO;
    }
    int werr = merit_proposal_import_write(f, imp);
    if (cli_outdir_close(&d, f, werr) != EXIT_CLEAN) {
        cli_outdir_abort(&d);
        return EXIT_IO;
    }
    return cli_outdir_commit(&d);
}

/* What the command line asks for, both subjects. */
struct import_args {
    bool proposals; /* else scores */
    const char *calldir, *dir, *table;
    char separator;
    merit_limits limits;
    merit_import_options scores;
    merit_import_proposal_options props;
    merit_named_column *named; /* sections, then facts, of --column */
    char **owned;              /* their names, malloc'd */
    const char **column_args;  /* the values of --column, in order */
    size_t column_count;
    size_t sections, facts;
    const char *scores_only; /* an option of scores given to proposals */
};

/* --column ROLE=NAME of a proposals table. */
static int proposal_column(struct import_args *A, const char *value, size_t cap)
{
    const char *eq = value != NULL ? strchr(value, '=') : NULL;
    if (eq == NULL || eq == value || eq[1] == '\0')
        return cli_usage_error("import: --column takes ROLE=NAME with ROLE one of id, title, "
                               "applicant, area, request, months, section:NAME, fact:NAME");
    size_t len = (size_t)(eq - value);
    bool section = len > 8 && strncmp(value, "section:", 8) == 0;
    bool fact = len > 5 && strncmp(value, "fact:", 5) == 0;
    if (section || fact) {
        char *name = strndup(value + (section ? 8 : 5), len - (section ? 8 : 5));
        const char *words = NULL;
        int rc = name != NULL ? merit_schema_value_check("proposal", "name", name, &words)
                              : MERIT_ENOMEM;
        if (rc != 0) {
            if (rc == MERIT_ENOMEM)
                fputs("merit: error: out of memory\n", stderr);
            else
                cli_usage_error("import: --column %s: '%s' is not %s", value, name, words);
            free(name);
            return rc == MERIT_ENOMEM ? EXIT_IO : EXIT_USAGE;
        }
        if (A->sections + A->facts == cap) {
            free(name);
            return cli_usage_error("import: too many --column options");
        }
        /* sections fill the array from the front, facts from the back */
        size_t at = section ? A->sections++ : cap - ++A->facts;
        A->named[at] = (merit_named_column){name, eq + 1};
        A->owned[A->sections + A->facts - 1] = name;
        return EXIT_CLEAN;
    }
    char role[32];
    int r = -1;
    if (len < sizeof(role)) {
        memcpy(role, value, len);
        role[len] = '\0';
        r = merit_proposal_role_from_name(role);
    }
    if (r < 0)
        return cli_usage_error("import: --column takes ROLE=NAME with ROLE one of id, title, "
                               "applicant, area, request, months, section:NAME, fact:NAME");
    A->props.columns[r] = eq + 1;
    return EXIT_CLEAN;
}

static int parse_args(int argc, char **argv, struct import_args *A, const char **ignore)
{
    bool kind_given = false;
    size_t cap = (size_t)argc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (cli_is_help(a)) {
            help(stdout);
            return -1;
        } else if (!kind_given && a[0] != '-') {
            if (strcmp(a, "proposals") == 0)
                A->proposals = true;
            else if (strcmp(a, "scores") != 0)
                return cli_usage_error("import: merit imports 'scores' or 'proposals', not '%s'",
                                       a);
            kind_given = true;
            continue;
        } else if (strcmp(a, "--call") == 0 || strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ||
                   strcmp(a, "--ignore") == 0 || strcmp(a, "--reviewer-prefix") == 0 ||
                   strcmp(a, "--request") == 0) {
            if (value == NULL || value[0] == '\0')
                return cli_usage_error("import: %s needs a value", a);
            if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && cli_is_stdio(value))
                return cli_usage_error("import: %s takes a folder, which standard output ('-') "
                                       "cannot be",
                                       a);
            if (strcmp(a, "--call") == 0 && cli_is_stdio(value))
                return cli_usage_error("import: --call takes a call folder, which standard input "
                                       "('-') cannot be");
            if (strcmp(a, "--call") == 0) {
                A->calldir = value;
            } else if (strcmp(a, "--ignore") == 0) {
                ignore[A->scores.ignore_count++] = value;
            } else if (strcmp(a, "--reviewer-prefix") == 0) {
                A->scores.reviewer_prefix = value;
                A->scores_only = a;
            } else if (strcmp(a, "--request") == 0) {
                const char *words = NULL;
                int64_t cents = 0;
                int rc = merit_schema_value_check("proposal", "amount", value, &words);
                if (rc == MERIT_ENOMEM) {
                    fputs("merit: error: out of memory\n", stderr);
                    return EXIT_IO;
                }
                if (rc != 0 || merit_amount_parse(value, &cents) != 0 || cents <= 0)
                    return cli_usage_error("import: --request takes an amount above zero, not "
                                           "'%s'",
                                           value);
                A->props.request = value;
            } else {
                A->dir = value;
            }
            i++;
        } else if (strcmp(a, "--long") == 0) {
            A->scores.layout = MERIT_IMPORT_LONG;
            A->scores_only = a;
        } else if (strcmp(a, "--wide") == 0) {
            if (value != NULL && strcmp(value, "criteria") == 0)
                A->scores.layout = MERIT_IMPORT_WIDE_CRITERIA;
            else if (value != NULL && strcmp(value, "reviewers") == 0)
                A->scores.layout = MERIT_IMPORT_WIDE_REVIEWERS;
            else
                return cli_usage_error("import: --wide takes criteria or reviewers");
            A->scores_only = a;
            i++;
        } else if (strcmp(a, "--column") == 0) {
            /* read once the subject is known: its roles differ */
            A->column_args[A->column_count++] = value;
            i++;
        } else if (strcmp(a, "--confidence") == 0) {
            unsigned long n;
            if (!cli_parse_uint(value, 5, &n) || n == 0)
                return cli_usage_error("import: --confidence takes a whole number from 1 to 5");
            A->scores.confidence = (uint8_t)n;
            A->scores_only = a;
            i++;
        } else if (strcmp(a, "--csv") == 0 || strcmp(a, "--tsv") == 0) {
            A->separator = a[2] == 't' ? '\t' : ',';
        } else if (strcmp(a, "--limit") == 0) {
            if (!cli_limit("import", value, &A->limits))
                return EXIT_USAGE;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("import: unknown option '%s'", a);
        } else if (A->table != NULL) {
            return cli_usage_error("import: one table at a time ('%s' and '%s')", A->table, a);
        } else {
            A->table = a;
        }
    }
    if (!kind_given || A->calldir == NULL || A->dir == NULL || A->table == NULL) {
        help(stderr);
        return EXIT_USAGE;
    }
    for (size_t k = 0; k < A->column_count; k++) {
        const char *value = A->column_args[k];
        int code = EXIT_CLEAN;
        if (A->proposals) {
            code = proposal_column(A, value, cap);
        } else {
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
                A->scores.columns[r] = eq + 1;
        }
        if (code != EXIT_CLEAN)
            return code;
    }
    if (A->proposals && A->scores_only != NULL)
        return cli_usage_error("import: %s goes with scores, not proposals", A->scores_only);
    if (!A->proposals && A->props.request != NULL)
        return cli_usage_error("import: --request goes with proposals, not scores");
    if (A->scores.reviewer_prefix != NULL && A->scores.layout != MERIT_IMPORT_WIDE_REVIEWERS)
        return cli_usage_error("import: --reviewer-prefix goes with --wide reviewers");
    return EXIT_CLEAN;
}

int cmd_import(int argc, char **argv)
{
    struct import_args A;
    memset(&A, 0, sizeof(A));
    const char **ignore = calloc((size_t)argc, sizeof(*ignore));
    A.named = calloc((size_t)argc, sizeof(*A.named));
    A.owned = calloc((size_t)argc, sizeof(*A.owned));
    A.column_args = calloc((size_t)argc, sizeof(*A.column_args));
    if (ignore == NULL || A.named == NULL || A.owned == NULL || A.column_args == NULL) {
        free(ignore);
        free(A.named);
        free(A.owned);
        free(A.column_args);
        fputs("merit: error: out of memory\n", stderr);
        return EXIT_IO;
    }
    int code = parse_args(argc, argv, &A, ignore);
    A.scores.ignore = ignore;
    A.props.ignore = ignore;
    A.props.ignore_count = A.scores.ignore_count;
    A.props.sections = A.named;
    A.props.section_count = A.sections;
    A.props.facts = A.named + (size_t)argc - A.facts;
    A.props.fact_count = A.facts;
    merit_ctx *ctx = NULL;
    if (code == EXIT_CLEAN && (ctx = cli_context()) == NULL) {
        fputs("merit: error: out of memory\n", stderr);
        code = EXIT_IO;
    }
    if (code != EXIT_CLEAN)
        goto done;
    if (A.separator == 0)
        A.separator = cli_table_separator(A.table);
    merit_ctx_set_limits(ctx, &A.limits);
    merit_ctx_set_keep_comments(ctx, false);
    merit_call *call = NULL;
    merit_table *table = NULL;
    merit_import *imp = NULL;
    merit_proposal_import *props = NULL;
    int rc = merit_call_load(ctx, A.calldir, &call);
    if (rc == 0)
        rc = merit_table_read(ctx, A.table, A.separator, &table);
    if (rc == 0 && A.proposals)
        rc = merit_import_proposals(ctx, call, table, &A.props, &props);
    else if (rc == 0)
        rc = merit_import_scores(ctx, call, table, &A.scores, &imp);
    cli_print_diags(ctx);
    code = cli_exit_code(ctx, rc);
    const char *shown = cli_is_stdio(A.table) ? "<stdin>" : A.table; /* as diagnostics say */
    if (rc == 0 && A.proposals) {
        char *name = bundle_name(A.table);
        if (name == NULL) {
            fputs("merit: error: out of memory\n", stderr);
            code = EXIT_IO;
        } else {
            code = write_bundle(props, A.dir, name);
        }
        size_t n = merit_proposal_import_count(props);
        if (code == EXIT_CLEAN)
            cli_summary(stdout, "%s/%s: %zu proposal%s for call %s from %s", A.dir, name, n,
                        n == 1 ? "" : "s", call->id, shown);
        free(name);
    } else if (rc == 0) {
        code = write_sheets(imp, A.dir);
        if (code == EXIT_CLEAN)
            cli_summary(
                stdout, "%s: %zu score sheet%s for call %s from %s: %zu reviews, %zu scores", A.dir,
                merit_import_sheet_count(imp), merit_import_sheet_count(imp) == 1 ? "" : "s",
                call->id, shown, merit_import_review_count(imp), merit_import_score_count(imp));
    }
    merit_import_free(imp);
    merit_proposal_import_free(props);
    merit_table_free(table);
    merit_call_free(call);
done:
    merit_ctx_free(ctx);
    for (size_t i = 0; i < A.sections + A.facts; i++)
        free(A.owned[i]);
    free(A.owned);
    free(A.column_args);
    free(A.named);
    free(ignore);
    return code == -1 ? EXIT_CLEAN : code;
}
